#!/usr/bin/env bash
# Make a Redis server available on 127.0.0.1:6379 and print the URL of the database the tests
# may empty (number 15). Starts an installed server, or installs Debian's `redis-server` as root.
set -euo pipefail
HOST=127.0.0.1
PORT=6379

log() { echo "redis.sh: $*" >&2; }
bereit() { command -v redis-cli >/dev/null && redis-cli -h "$HOST" -p "$PORT" ping 2>/dev/null | grep -q PONG; }

if ! bereit; then
  if ! command -v redis-server >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      log "Redis fehlt; installiere Debians Paket redis-server …"
      apt-get update -qq >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >&2
    else
      log "Redis ist nicht installiert, und ohne root kann es nicht installiert werden."
      exit 1
    fi
  fi
  # In memory only: the tests keep nothing that must survive.
  redis-server --daemonize yes --bind "$HOST" --port "$PORT" --save "" --appendonly no >&2
  for _ in $(seq 30); do bereit && break; sleep 0.2; done
  bereit || { log "Redis startet nicht auf $HOST:$PORT."; exit 1; }
fi
echo "redis://$HOST:$PORT/15"
