#!/usr/bin/env bash
# Make Debian's Chromium available at /usr/bin/chromium for the browser tests (Playwright drives
# it; Playwright's own browser download does not work on the intranet). Installs it as root.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "chromium.sh: installiere Debians Paket chromium …" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
  exit 0
fi
echo "chromium.sh: /usr/bin/chromium fehlt, und ohne root kann es nicht installiert werden." >&2
exit 1
