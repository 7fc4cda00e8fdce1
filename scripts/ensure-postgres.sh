#!/usr/bin/env bash
# Makes sure a local PostgreSQL server accepts connections on 127.0.0.1:5432 with trust auth for local TCP,
# roles `postgres` and `root`, and a database `test` — for the store tests (DATABASE_URL=postgres://postgres@127.0.0.1:5432/test).
#   running               → only checks the `test` database (creates it when missing)
#   installed but stopped → starts the system's cluster (pg_ctlcluster)
#   missing               → installs Debian's `postgresql` package, starts it, configures auth and `test`
# Prints one line saying what it did. Idempotent. Needs root (or sudo) only when it has to start or install.
set -euo pipefail

HOST=127.0.0.1
PORT=5432
DB="${ENSURE_PG_DB:-test}"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    echo "ensure-postgres: need root to $* (run as root or install sudo)" >&2
    exit 1
  fi
}

as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"; else as_root runuser -u postgres -- "$@"; fi
}

ready() { command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h "$HOST" -p "$PORT"; }

newest_version() { ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1; }

wait_ready() {
  for _ in $(seq 1 60); do ready && return 0; sleep 0.5; done
  echo "ensure-postgres: the server did not come up on $HOST:$PORT (see /var/log/postgresql/)" >&2
  exit 1
}

# Trust auth for local TCP (a test server only), the roles and the database. Each step is skipped when done.
configure() {
  local version hba
  version="$(newest_version)"
  hba="/etc/postgresql/$version/main/pg_hba.conf"
  if [ -f "$hba" ] && ! as_root grep -qE '^host\s+all\s+all\s+127\.0\.0\.1/32\s+trust' "$hba"; then
    as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
    as_postgres psql -q -c 'select pg_reload_conf()' >/dev/null
  fi
  as_postgres psql -q -tAc "select 1 from pg_roles where rolname = 'root'" | grep -q 1 ||
    as_postgres psql -q -c 'create role root superuser login' >/dev/null
  ensure_database >/dev/null
}

# Prints "created" when it had to create the database.
ensure_database() {
  if psql -h "$HOST" -p "$PORT" -U postgres -d "$DB" -tAc 'select 1' >/dev/null 2>&1; then return 0; fi
  as_postgres createdb "$DB"
  echo created
}

if ready; then
  created="$(ensure_database)"
  echo "ensure-postgres: server already running on $HOST:$PORT${created:+; created database $DB}"
  exit 0
fi

if [ -n "$(newest_version)" ] && command -v pg_ctlcluster >/dev/null 2>&1; then
  version="$(newest_version)"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
  wait_ready
  configure
  echo "ensure-postgres: started the installed PostgreSQL $version cluster on $HOST:$PORT"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
as_root apt-get update -qq >/dev/null
as_root apt-get install -y -qq postgresql >/dev/null
version="$(newest_version)"
# The package may start the cluster itself (it does when systemd or the policy allows); start it if not.
ready || as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
wait_ready
configure || true
echo "ensure-postgres: installed and started PostgreSQL $version on $HOST:$PORT"
