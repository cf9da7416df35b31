#!/usr/bin/env bash
# Make a PostgreSQL server available on 127.0.0.1:5432 and print the URL of a new, empty
# test database. Starts an installed cluster, or installs Debian's `postgresql` when run as root.
#   scripts/postgres.sh            create a database, print its URL
#   scripts/postgres.sh --drop URL drop that database again
set -euo pipefail
HOST=127.0.0.1
PORT=5432
ROLLE=wrm_test

log() { echo "postgres.sh: $*" >&2; }
bereit() { command -v pg_isready >/dev/null && pg_isready -q -h "$HOST" -p "$PORT"; }

admin_sql() {
  if psql -h "$HOST" -p "$PORT" -U postgres -d postgres -tAc 'SELECT 1' >/dev/null 2>&1; then
    psql -h "$HOST" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtAc "$1"
  elif [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1; then
    (cd / && runuser -u postgres -- psql -d postgres -v ON_ERROR_STOP=1 -qtAc "$1")
  else
    log "keine Verwaltungsverbindung zu PostgreSQL (weder trust auf $HOST noch root)"
    return 1
  fi
}

if [ "${1:-}" = "--drop" ]; then
  name="${2##*/}"
  admin_sql "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >/dev/null || true
  exit 0
fi

if ! bereit; then
  if ! command -v pg_ctlcluster >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      log "PostgreSQL fehlt; installiere Debians Paket postgresql …"
      apt-get update -qq >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    else
      log "PostgreSQL ist nicht installiert, und ohne root kann es nicht installiert werden."
      exit 1
    fi
  fi
  for version in /etc/postgresql/*; do
    pg_ctlcluster --skip-systemctl-redirect "$(basename "$version")" main start >&2 || true
  done
  for _ in $(seq 30); do bereit && break; sleep 1; done
  bereit || { log "PostgreSQL startet nicht auf $HOST:$PORT."; exit 1; }
fi

admin_sql "DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLLE') THEN
    CREATE ROLE $ROLLE LOGIN CREATEDB PASSWORD '$ROLLE';
  END IF; END \$\$;" >/dev/null
name="wrm_test_$(date +%s)_$$"
admin_sql "CREATE DATABASE $name OWNER $ROLLE" >/dev/null
echo "postgresql://$ROLLE:$ROLLE@$HOST:$PORT/$name"
