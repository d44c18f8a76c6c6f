#!/usr/bin/env bash
# Starts the local PostgreSQL and Redis Switchboard expects on 127.0.0.1 when they are not running.
set -euo pipefail

say() { echo "==> $*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# A plain TCP probe: works without pg_isready or redis-cli on the PATH.
listening() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

wait_for() { # port name
  for _ in $(seq 1 30); do
    if listening "$1"; then return 0; fi
    sleep 1
  done
  echo "$2 did not start listening on 127.0.0.1:$1" >&2
  exit 1
}

if listening 5432; then
  say "PostgreSQL is running"
else
  say "starting PostgreSQL"
  as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
  wait_for 5432 PostgreSQL
fi

if listening 6379; then
  say "Redis is running"
else
  say "starting Redis"
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no
  wait_for 6379 Redis
fi
