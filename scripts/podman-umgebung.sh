# Sourced by the scripts that use podman: installs podman, buildah, debootstrap and runc from
# Debian's archive when missing (as root), and points podman at a containers.conf that works
# on these machines (runc, cgroupfs, file events, open-files limit below the host's; see
# README, "Image").
if ! command -v podman >/dev/null || ! command -v debootstrap >/dev/null \
    || ! command -v runc >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "podman fehlt: installiere podman, buildah, debootstrap, runc aus Debians Archiv …" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        podman buildah debootstrap runc; } >/dev/null
  else
    echo "podman fehlt; bitte podman, buildah, debootstrap und runc installieren." >&2
    exit 1
  fi
fi
mkdir -p .podman
cat > .podman/containers.conf <<'KONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
KONF
export CONTAINERS_CONF="$PWD/.podman/containers.conf"
