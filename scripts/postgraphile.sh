#!/usr/bin/env bash
# The peer of `make bench`: PostGraphile from the npm registry at the version pinned in
# benchmarks/postgraphile/package.json, every package checked against the lock file's
# checksums (npm ci); into benchmarks/postgraphile/node_modules (not in git). Safe to run twice.
set -euo pipefail
cd "$(dirname "$0")/../benchmarks/postgraphile"
programm=node_modules/.bin/postgraphile
if [ -x "$programm" ] && cmp -s package-lock.json node_modules/.package-lock.json.wrm; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "postgraphile.sh: installiere Debians Pakete nodejs und npm …" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  else
    echo "postgraphile.sh: npm fehlt (apt-get install npm); ohne PostGraphile kein Vergleich." >&2
    exit 1
  fi
fi
npm ci --no-audit --no-fund --silent --omit=dev
cp package-lock.json node_modules/.package-lock.json.wrm
echo "postgraphile.sh: PostGraphile $(node -p 'require("postgraphile/package.json").version') installiert." >&2
