#!/usr/bin/env bash
# `make image`: build WRM's image with podman (installed from Debian's archive when missing).
# BASE=… chooses the base image; without it the official Debian slim image is used when a
# registry answers, else `localhost/debian:bookworm`, made once with debootstrap from Debian's
# archive. The host's CA bundle goes in as a build secret (networks that intercept TLS).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/podman-umgebung.sh

version=$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
commit=$(git rev-parse HEAD 2>/dev/null || echo unbekannt)
if [ -z "${BASE:-}" ]; then
  if timeout 20 podman pull -q docker.io/library/debian:bookworm-slim >/dev/null 2>&1; then
    BASE=docker.io/library/debian:bookworm-slim
  else
    BASE=localhost/debian:bookworm
    if ! podman image exists "$BASE"; then
      echo "image.sh: keine Registry erreichbar; baue $BASE mit debootstrap (etwa 1 Minute) …" >&2
      wurzel=$(mktemp -d)
      debootstrap --variant=minbase bookworm "$wurzel" http://deb.debian.org/debian >/dev/null
      tar -C "$wurzel" -c . | podman import - "$BASE" >/dev/null
      rm -rf "$wurzel"
    fi
  fi
fi
geheimnis=()
if [ -s /etc/ssl/certs/ca-certificates.crt ]; then
  geheimnis=(--secret id=cabundle,src=/etc/ssl/certs/ca-certificates.crt)
fi
podman build --format docker -f Containerfile --build-arg "BASE=$BASE" \
  --build-arg "VERSION=$version" --build-arg "COMMIT=$commit" "${geheimnis[@]}" \
  -t "localhost/wrm:$version" -t localhost/wrm:latest .
echo "Abbild localhost/wrm:$version gebaut (Basis $BASE, Stand $commit)."
