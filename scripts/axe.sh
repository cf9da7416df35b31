#!/usr/bin/env bash
# axe-core for the accessibility checks of the browser tests (WCAG 2.1 AA), from the npm
# registry at a pinned version, checked against its published integrity; into
# tests/browser/vendor/ (not in git). Safe to run twice.
set -euo pipefail
cd "$(dirname "$0")/.."
version=4.10.2
ziel=tests/browser/vendor
[ -f "$ziel/axe-$version.min.js" ] && exit 0
if ! command -v npm >/dev/null; then
  echo "axe.sh: npm fehlt; die Barrierefreiheitsprüfung der Browsertests entfällt." >&2
  exit 1
fi
arbeit=$(mktemp -d)
trap 'rm -rf "$arbeit"' EXIT
(cd "$arbeit" && npm pack --silent "axe-core@$version" >/dev/null)
# npm's own integrity of that version (SHA-512 of the archive), as the registry states it.
soll=$(npm view "axe-core@$version" dist.integrity)
ist="sha512-$(openssl dgst -sha512 -binary "$arbeit/axe-core-$version.tgz" | openssl base64 -A)"
if [ "$soll" != "$ist" ]; then
  echo "axe.sh: axe-core $version hat nicht die Prüfsumme der Registry." >&2
  exit 1
fi
tar -xzf "$arbeit/axe-core-$version.tgz" -C "$arbeit"
mkdir -p "$ziel"
cp "$arbeit/package/axe.min.js" "$ziel/axe-$version.min.js"
cp "$arbeit/package/LICENSE" "$ziel/axe-LICENSE"
echo "axe.sh: axe-core $version in $ziel installiert." >&2
