#!/usr/bin/env bash
# The whole suite, on SQLite and then on PostgreSQL (a fresh database per run).
# With CI=true a missing PostgreSQL is a failure; elsewhere the PostgreSQL run is left out loudly.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

# Redis for the test of throttling across gunicorn workers; with CI=true a missing Redis fails.
if [ -z "${WRM_TEST_REDIS_URL:-}" ]; then
  if WRM_TEST_REDIS_URL=$(bash scripts/redis.sh); then
    export WRM_TEST_REDIS_URL
  elif [ "${CI:-}" = "true" ]; then
    echo "FEHLER: kein Redis verfügbar; in CI ist das ein Fehlschlag." >&2
    exit 1
  fi
fi

echo "== WRM-Tests auf SQLite =="
env -u WRM_TEST_DATABASE_URL "$PY" -m pytest "$@"

url="${WRM_TEST_DATABASE_URL:-}"
if [ -z "$url" ]; then
  if ! url=$(bash scripts/postgres.sh); then
    if [ "${CI:-}" = "true" ]; then
      echo "FEHLER: kein PostgreSQL verfügbar; in CI ist das ein Fehlschlag." >&2
      exit 1
    fi
    echo "######################################################################" >&2
    echo "# ACHTUNG: Kein PostgreSQL verfügbar – die Tests liefen NUR auf SQLite. #" >&2
    echo "# Setzen Sie WRM_TEST_DATABASE_URL oder installieren Sie postgresql.    #" >&2
    echo "######################################################################" >&2
    exit 0
  fi
  trap 'bash scripts/postgres.sh --drop "$url"' EXIT
fi

echo "== WRM-Tests auf PostgreSQL (${url%%@*}@…) =="
WRM_TEST_DATABASE_URL="$url" "$PY" -m pytest "$@"
