#!/usr/bin/env bash
# GraphiQL for the county's intranet, which has no internet: its JavaScript and CSS installed
# from the npm registry at pinned versions into wrm/static/graphiql/ (with their licences), so
# the page loads nothing from outside. Each file is checked against the SHA-384 that
# Strawberry's own GraphiQL page pins for the same version. Safe to run twice.
set -euo pipefail
cd "$(dirname "$0")/.."
ziel=wrm/static/graphiql
# package@version:path-in-package:sha384
dateien=(
  "react@18.2.0:umd/react.production.min.js:tMH8h3BGESGckSAVGZ82T9n90ztNXxvdwvdM6UoR56cYcf+0iGXBliJ29D+wZ/x8"
  "react-dom@18.2.0:umd/react-dom.production.min.js:bm7MnzvK++ykSwVJ2tynSE5TRdN+xL418osEVF2DE/L/gfWHj91J2Sphe582B1Bh"
  "graphiql@3.8.3:graphiql.min.js:HbRVEFG0JGJZeAHCJ9Xm2+tpknBQ7QZmNlO/DgZtkZ0aJSypT96YYGRNod99l9Ie"
  "graphiql@3.8.3:graphiql.min.css:Mq3vbRBY71jfjQAt/DcjxUIYY33ksal4cgdRt9U/hNPvHBCaT2JfJ/PTRiPKf0aM"
  "@graphiql/plugin-explorer@1.0.2:dist/index.umd.js:2oonKe47vfHIZnmB6ZZ10vl7T0Y+qrHQF2cmNTaFDuPshpKqpUMGMc9jgj9MLDZ9"
  "@graphiql/plugin-explorer@1.0.2:dist/style.css:5DFJlDPW2tSATRbM8kzoP1j194jexLswuNmClWoRr2Q0x7R68JIQzPHZ02Faktwi"
)
stempel="$ziel/VERSIONEN"
soll=$(printf '%s\n' "${dateien[@]}")
if [ -f "$stempel" ] && [ "$(cat "$stempel")" = "$soll" ]; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "graphiql.sh: installiere Debians Paket npm …" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends npm; } >/dev/null 2>&1
  else
    echo "graphiql.sh: npm fehlt; GraphiQL bleibt ohne seine Dateien (die API geht trotzdem)." >&2
    exit 1
  fi
fi
arbeit=$(mktemp -d)
trap 'rm -rf "$arbeit"' EXIT
pakete=$(printf '%s\n' "${dateien[@]}" | cut -d: -f1 | sort -u)
# Only the named packages, without their dependencies: the pages need the built files alone.
(cd "$arbeit" && npm pack --silent $pakete >/dev/null)
rm -rf "$ziel" && mkdir -p "$ziel"
for eintrag in "${dateien[@]}"; do
  IFS=: read -r paket pfad hash <<<"$eintrag"
  name=${paket%@*}
  archiv="$arbeit/$(echo "${name#@}" | tr / -)-${paket##*@}.tgz"
  mkdir -p "$arbeit/$name" "$ziel/$name/$(dirname "$pfad")"
  tar -xzf "$archiv" -C "$arbeit/$name" --strip-components=1
  ist=$(openssl dgst -sha384 -binary "$arbeit/$name/$pfad" | openssl base64 -A)
  if [ "$ist" != "$hash" ]; then
    echo "graphiql.sh: $paket/$pfad hat nicht die erwartete Prüfsumme." >&2
    exit 1
  fi
  cp "$arbeit/$name/$pfad" "$ziel/$name/$pfad"
  # The licence: its file where the package has one, and always package.json (it names it).
  cp "$arbeit/$name"/LICENSE* "$arbeit/$name/package.json" "$ziel/$name/" 2>/dev/null || true
done
echo "$soll" > "$stempel"
echo "graphiql.sh: GraphiQL-Dateien in $ziel installiert." >&2
