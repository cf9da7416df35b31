#!/usr/bin/env bash
# `make bench`: the benchmarks; the full run measures the national scale on PostgreSQL too
# (a fresh database from scripts/postgres.sh, dropped afterwards). Ends with one JSON line.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--quick" ]; then
  exec .venv/bin/python benchmarks/run.py --quick
fi
if url=$(bash scripts/postgres.sh); then
  trap 'bash scripts/postgres.sh --drop "$url"' EXIT
  .venv/bin/python benchmarks/run.py --postgres "$url"
else
  echo "bench.sh: kein PostgreSQL – die landesweiten Messungen laufen nur auf SQLite." >&2
  .venv/bin/python benchmarks/run.py
fi
