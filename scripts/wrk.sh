#!/usr/bin/env bash
# Make the HTTP load generator wrk (Debian's package) available for `make bench`.
set -euo pipefail
if command -v wrk >/dev/null; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "wrk.sh: installiere Debians Paket wrk …" >&2
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
  exit 0
fi
echo "wrk.sh: wrk fehlt, und ohne root kann es nicht installiert werden (apt-get install wrk)." >&2
exit 1
