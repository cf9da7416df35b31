#!/usr/bin/env bash
# The whole suite on SQLite and on PostgreSQL (a fresh database), both passes at the same time.
# With CI=true a missing PostgreSQL or Redis is a failure; elsewhere the PostgreSQL pass is left
# out loudly. The browser tests run in the SQLite pass only: what they check (screens, scripts,
# the CSP) does not depend on the database, which both passes test everywhere else.
# Ends with the wall time and the number of cases per database.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
beginn=$(date +%s)
protokolle=$(mktemp -d)

# Redis for the test of throttling across gunicorn workers: one database number per pass.
redis_basis=""
if [ -n "${WRM_TEST_REDIS_URL:-}" ]; then
  redis_basis="${WRM_TEST_REDIS_URL%/*}"
elif redis_url=$(bash scripts/redis.sh); then
  redis_basis="${redis_url%/*}"
elif [ "${CI:-}" = "true" ]; then
  echo "FEHLER: kein Redis verfügbar; in CI ist das ein Fehlschlag." >&2
  exit 1
fi
redis_fuer() { [ -n "$redis_basis" ] && echo "$redis_basis/$1" || true; }

url="${WRM_TEST_DATABASE_URL:-}"
if [ -z "$url" ]; then
  if url=$(bash scripts/postgres.sh); then
    trap 'bash scripts/postgres.sh --drop "$url"; rm -rf "$protokolle"' EXIT
  else
    url=""
    if [ "${CI:-}" = "true" ]; then
      echo "FEHLER: kein PostgreSQL verfügbar; in CI ist das ein Fehlschlag." >&2
      exit 1
    fi
  fi
fi

echo "== WRM-Tests auf SQLite und PostgreSQL, gleichzeitig (Protokolle folgen) =="
env -u WRM_TEST_DATABASE_URL WRM_TEST_REDIS_URL="$(redis_fuer 14)" \
  "$PY" -m pytest -p no:cacheprovider "$@" > "$protokolle/sqlite.log" 2>&1 &
sqlite_pid=$!
if [ -n "$url" ]; then
  WRM_TEST_DATABASE_URL="$url" WRM_TEST_REDIS_URL="$(redis_fuer 15)" \
    "$PY" -m pytest -p no:cacheprovider --ignore=tests/browser "$@" \
    > "$protokolle/postgres.log" 2>&1 &
  postgres_pid=$!
fi

status=0
wait "$sqlite_pid" || status=1
echo "== SQLite =="
cat "$protokolle/sqlite.log"
if [ -n "$url" ]; then
  wait "$postgres_pid" || status=1
  echo "== PostgreSQL (${url%%@*}@…) =="
  cat "$protokolle/postgres.log"
fi

echo "== Zusammenfassung =="
echo "SQLite:     $(tail -n 1 "$protokolle/sqlite.log" | tr -d '=')"
if [ -n "$url" ]; then
  echo "PostgreSQL: $(tail -n 1 "$protokolle/postgres.log" | tr -d '=')"
else
  echo "######################################################################"
  echo "# ACHTUNG: Kein PostgreSQL verfügbar – die Tests liefen NUR auf SQLite. #"
  echo "# Setzen Sie WRM_TEST_DATABASE_URL oder installieren Sie postgresql.    #"
  echo "######################################################################"
fi
echo "Wandzeit: $(( $(date +%s) - beginn )) s"
rm -rf "$protokolle"
exit "$status"
