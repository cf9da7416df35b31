#!/usr/bin/env bash
# Make Debian's Chromium available at /usr/bin/chromium for the browser tests (Playwright drives
# it; Playwright's own browser download does not work here). Installs it as root, quietly; the
# apt log is shown only when the installation fails.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "chromium.sh: installiere Debians Paket chromium …" >&2
  log=$(mktemp)
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
           --no-install-recommends chromium fonts-dejavu-core; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "chromium.sh: Installation fehlgeschlagen." >&2
    exit 1
  fi
  rm -f "$log"
  exit 0
fi
echo "chromium.sh: /usr/bin/chromium fehlt, und ohne root kann es nicht installiert werden." >&2
exit 1
