#!/usr/bin/env bash
# `make bench`: the benchmarks. WRM beside PostGraphile and the raw floor runs on a fresh
# PostgreSQL database (scripts/postgres.sh, PostGraphile by scripts/postgraphile.sh); the full
# run also measures the national scale on PostgreSQL in a second one. Both are dropped
# afterwards. Ends with one JSON line.
set -euo pipefail
cd "$(dirname "$0")/.."
argumente=()
[ "${1:-}" = "--quick" ] && argumente+=(--quick)
urls=()
aufraeumen() { for u in "${urls[@]}"; do bash scripts/postgres.sh --drop "$u"; done; }
trap aufraeumen EXIT
if vergleich=$(bash scripts/postgres.sh); then
  urls+=("$vergleich")
  if bash scripts/postgraphile.sh; then
    argumente+=(--vergleich "$vergleich")
    if kreis=$(bash scripts/postgres.sh); then
      urls+=("$kreis")
      argumente+=(--kreis "$kreis")
    fi
  else
    echo "bench.sh: ohne PostGraphile entfällt der Vergleich mit ihm." >&2
  fi
  if schreiben=$(bash scripts/postgres.sh); then
    urls+=("$schreiben")
    argumente+=(--schreiben "$schreiben")
  fi
  if [ "${1:-}" != "--quick" ] && national=$(bash scripts/postgres.sh); then
    urls+=("$national")
    argumente+=(--postgres "$national")
  fi
else
  echo "bench.sh: kein PostgreSQL – nur die Messungen auf SQLite." >&2
fi
.venv/bin/python benchmarks/run.py "${argumente[@]}"
