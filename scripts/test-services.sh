# scripts/test-services.sh -- sourced by test.sh: makes sure what the tests need is there.
#
#   services_up     installs the Debian packages the tests use (as root, with apt), starts throwaway
#                   PostgreSQL, MariaDB and Redis servers on loopback and exports ONEAPI_TEST_PG_DSN,
#                   ONEAPI_TEST_MYSQL_DSN, ONEAPI_TEST_REDIS and ONEAPI_TEST_CHROMIUM
#   services_down   stops the servers services_up started (servers it found running are left alone)
#
# A variable that is already set is kept and its server is not started. What cannot be provided is
# appended to SERVICES_MISSING ("no PostgreSQL: not root"), which test.sh prints in its summary line.
# ONEAPI_TEST_SERVICES=0 starts and installs nothing; ONEAPI_TEST_INSTALL=0 starts what is installed but installs nothing.
#
# Ports and folders (override with the variables): PostgreSQL 127.0.0.1:25432 in /tmp/oneapi-test-pg,
# MariaDB 127.0.0.1:23306 in /tmp/oneapi-test-mariadb, Redis 127.0.0.1:6379 in /tmp/oneapi-test-redis. The ports are
# below Linux's ephemeral range (32768-60999): there, the local end of any open connection can hold the port, and
# PostgreSQL once failed to start on a busy machine with "Address already in use".
# PostgreSQL and MariaDB get a role oneapi/oneapi that may create databases, and a database oneapi_test.

TEST_PACKAGES=(postgresql redis-server mariadb-server chromium chromium-driver fonts-liberation ffmpeg)
PG_PORT="${ONEAPI_TEST_PG_PORT:-25432}"
PG_DIR="${ONEAPI_TEST_PG_DIR:-/tmp/oneapi-test-pg}"
MARIADB_PORT="${ONEAPI_TEST_MARIADB_PORT:-23306}"
MARIADB_DIR="${ONEAPI_TEST_MARIADB_DIR:-/tmp/oneapi-test-mariadb}"
REDIS_PORT="${ONEAPI_TEST_REDIS_PORT:-6379}"
REDIS_DIR="${ONEAPI_TEST_REDIS_DIR:-/tmp/oneapi-test-redis}"
SERVICES_MISSING=()
_started=()

_svc_log() { printf '[test-services] %s\n' "$*" >&2; }
_is_root() { [[ $(id -u) == 0 ]]; }
# why nothing could be installed, for the messages: empty when apt can install
_no_install_reason() {
  if ! command -v apt-get >/dev/null 2>&1; then echo "no apt"
  elif ! _is_root; then echo "not root"
  fi
}

install_test_packages() {
  local -a missing=()
  local p
  command -v dpkg-query >/dev/null 2>&1 || return 0
  for p in "${TEST_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  (( ${#missing[@]} )) || return 0
  if [[ ${ONEAPI_TEST_INSTALL:-1} == 0 ]]; then
    _svc_log "not installing ${missing[*]}: ONEAPI_TEST_INSTALL=0"; return 0
  fi
  if [[ -n $(_no_install_reason) ]]; then
    _svc_log "not installing ${missing[*]}: $(_no_install_reason)"; return 0
  fi
  _svc_log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  local i
  for i in 1 2 3; do apt-get update -q >&2 && break; _svc_log "apt-get update failed (try $i)"; sleep 5; done
  for i in 1 2 3; do
    apt-get install -y -q --no-install-recommends \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}" </dev/null >&2 && return 0
    _svc_log "apt-get install failed (try $i)"; sleep 5
  done
  _svc_log "apt-get install failed; the tests that need ${missing[*]} will be skipped"
}

# _as USER CMD... : runs CMD as USER when root (database servers refuse to run as root), else as ourselves
_as() { local user=$1; shift; if _is_root; then runuser -u "$user" -- "$@"; else "$@"; fi; }
# _own DIR USER : a fresh, private DIR owned by USER
_own() { rm -rf "$1"; mkdir -p "$1"; if _is_root; then chown "$2:$2" "$1"; fi; chmod 700 "$1"; }

start_postgres() {
  [[ -n ${ONEAPI_TEST_PG_DSN:-} ]] && return 0
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [[ ! -x $bin/pg_ctl ]]; then SERVICES_MISSING+=("no PostgreSQL: ${_reason:-not installed}"); return 0; fi
  local -a psql_admin=(psql -X -q -v ON_ERROR_STOP=1 -h "$PG_DIR" -p "$PG_PORT" -U postgres -d postgres)
  if "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then
    if [[ ! -S $PG_DIR/.s.PGSQL.$PG_PORT ]]; then
      SERVICES_MISSING+=("no PostgreSQL: port $PG_PORT taken, set ONEAPI_TEST_PG_PORT"); return 0
    fi
    _svc_log "PostgreSQL already running on :$PG_PORT ($PG_DIR), reusing it"
  else
    _svc_log "starting PostgreSQL on 127.0.0.1:$PG_PORT ($PG_DIR)"
    [[ -f $PG_DIR/data/postmaster.pid ]] && _as postgres "$bin/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1
    _own "$PG_DIR" postgres
    if ! _as postgres "$bin/initdb" -D "$PG_DIR/data" -U postgres -E UTF8 --no-locale \
         --auth-local=trust --auth-host=scram-sha-256 >"$PG_DIR/initdb.log" 2>&1; then
      cat "$PG_DIR/initdb.log" >&2; SERVICES_MISSING+=("no PostgreSQL: initdb failed"); return 0
    fi
    # durability off: this cluster only holds test data
    if ! _as postgres "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
         -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=$PG_DIR -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
         start >/dev/null; then
      cat "$PG_DIR/server.log" >&2; SERVICES_MISSING+=("no PostgreSQL: it did not start"); return 0
    fi
    _started+=("_as postgres $bin/pg_ctl -D $PG_DIR/data -m fast -w stop")
  fi
  _as postgres "${psql_admin[@]}" >/dev/null <<'SQL' || { SERVICES_MISSING+=("no PostgreSQL: setup failed"); return 0; }
SET client_min_messages = warning;
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'oneapi') THEN CREATE ROLE oneapi LOGIN CREATEDB PASSWORD 'oneapi';
  ELSE ALTER ROLE oneapi LOGIN CREATEDB PASSWORD 'oneapi'; END IF;
END $$;
DROP DATABASE IF EXISTS oneapi_test WITH (FORCE);
CREATE DATABASE oneapi_test OWNER oneapi;
SQL
  export ONEAPI_TEST_PG_DSN="postgres://oneapi:oneapi@127.0.0.1:$PG_PORT/oneapi_test?sslmode=disable"
}

start_mariadb() {
  [[ -n ${ONEAPI_TEST_MYSQL_DSN:-} ]] && return 0
  local server install client
  server="$(command -v mariadbd || command -v mysqld || ls /usr/sbin/mariadbd 2>/dev/null)"
  install="$(command -v mariadb-install-db || command -v mysql_install_db)"
  client="$(command -v mariadb || command -v mysql)"
  if [[ -z $server || -z $install || -z $client ]]; then SERVICES_MISSING+=("no MariaDB: ${_reason:-not installed}"); return 0; fi
  local sock="$MARIADB_DIR/mysqld.sock"
  local -a admin=("$client" --protocol=socket -S "$sock" -u root)
  if "${admin[@]}" -e 'SELECT 1' >/dev/null 2>&1; then
    _svc_log "MariaDB already running on :$MARIADB_PORT ($MARIADB_DIR), reusing it"
  else
    _svc_log "starting MariaDB on 127.0.0.1:$MARIADB_PORT ($MARIADB_DIR)"
    [[ -f $MARIADB_DIR/mysqld.pid ]] && kill "$(cat "$MARIADB_DIR/mysqld.pid")" 2>/dev/null && sleep 2
    _own "$MARIADB_DIR" mysql
    local -a user=(); _is_root && user=(--user=mysql)
    if ! "$install" --no-defaults "${user[@]}" --datadir="$MARIADB_DIR/data" --auth-root-authentication-method=socket \
         --skip-test-db >"$MARIADB_DIR/install.log" 2>&1; then
      cat "$MARIADB_DIR/install.log" >&2; SERVICES_MISSING+=("no MariaDB: install-db failed"); return 0
    fi
    # durability off: this server only holds test data
    "$server" --no-defaults "${user[@]}" --datadir="$MARIADB_DIR/data" --bind-address=127.0.0.1 --port="$MARIADB_PORT" \
      --socket="$sock" --pid-file="$MARIADB_DIR/mysqld.pid" --log-error="$MARIADB_DIR/server.log" \
      --max-connections=300 --innodb-flush-log-at-trx-commit=0 --sync-binlog=0 --skip-log-bin \
      --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci >/dev/null 2>&1 &
    local i
    for i in $(seq 1 100); do "${admin[@]}" -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.3; done
    if ! "${admin[@]}" -e 'SELECT 1' >/dev/null 2>&1; then
      cat "$MARIADB_DIR/server.log" >&2; SERVICES_MISSING+=("no MariaDB: it did not start"); return 0
    fi
    _started+=("$client --protocol=socket -S $sock -u root -e SHUTDOWN")
  fi
  "${admin[@]}" >/dev/null <<'SQL' || { SERVICES_MISSING+=("no MariaDB: setup failed"); return 0; }
CREATE USER IF NOT EXISTS 'oneapi'@'127.0.0.1' IDENTIFIED BY 'oneapi';
CREATE USER IF NOT EXISTS 'oneapi'@'localhost' IDENTIFIED BY 'oneapi';
GRANT ALL PRIVILEGES ON *.* TO 'oneapi'@'127.0.0.1';
GRANT ALL PRIVILEGES ON *.* TO 'oneapi'@'localhost';
DROP DATABASE IF EXISTS oneapi_test;
CREATE DATABASE oneapi_test;
SQL
  # one-api's (go-sql-driver) DSN form, as an operator writes SQL_DSN
  export ONEAPI_TEST_MYSQL_DSN="oneapi:oneapi@tcp(127.0.0.1:$MARIADB_PORT)/oneapi_test"
}

start_redis() {
  [[ -n ${ONEAPI_TEST_REDIS:-} ]] && return 0
  if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    SERVICES_MISSING+=("no Redis: ${_reason:-not installed}"); return 0
  fi
  local -a cli=(redis-cli -h 127.0.0.1 -p "$REDIS_PORT")
  if [[ $("${cli[@]}" ping 2>/dev/null) == PONG ]]; then
    _svc_log "Redis already running on :$REDIS_PORT, reusing it"
  else
    _svc_log "starting Redis on 127.0.0.1:$REDIS_PORT"
    mkdir -p "$REDIS_DIR"
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --save "" --appendonly no \
      --dir "$REDIS_DIR" --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log"
    local i
    for i in $(seq 1 50); do [[ $("${cli[@]}" ping 2>/dev/null) == PONG ]] && break; sleep 0.2; done
    if [[ $("${cli[@]}" ping 2>/dev/null) != PONG ]]; then
      cat "$REDIS_DIR/redis.log" >&2; SERVICES_MISSING+=("no Redis: it did not start"); return 0
    fi
    _started+=("redis-cli -h 127.0.0.1 -p $REDIS_PORT shutdown nosave")
  fi
  export ONEAPI_TEST_REDIS="127.0.0.1:$REDIS_PORT"
}

find_chromium() {
  [[ -n ${ONEAPI_TEST_CHROMIUM:-} ]] && return 0
  local c
  for c in /usr/bin/chromium /usr/bin/chromium-browser; do
    [[ -x $c ]] && { export ONEAPI_TEST_CHROMIUM=$c; return 0; }
  done
  SERVICES_MISSING+=("no browser tests: no Chromium, ${_reason:-not installed}")
}

services_up() {
  if [[ ${ONEAPI_TEST_SERVICES:-1} == 0 ]]; then
    [[ -z ${ONEAPI_TEST_PG_DSN:-} ]] && SERVICES_MISSING+=("no PostgreSQL: ONEAPI_TEST_SERVICES=0")
    [[ -z ${ONEAPI_TEST_MYSQL_DSN:-} ]] && SERVICES_MISSING+=("no MariaDB: ONEAPI_TEST_SERVICES=0")
    [[ -z ${ONEAPI_TEST_REDIS:-} ]] && SERVICES_MISSING+=("no Redis: ONEAPI_TEST_SERVICES=0")
    return 0
  fi
  install_test_packages
  _reason="$(_no_install_reason)"; _reason="${_reason:+not installed, $_reason}"
  start_postgres
  start_mariadb
  start_redis
  find_chromium
  command -v ffprobe >/dev/null 2>&1 || _svc_log "ffprobe not found: transcriptions are billed by text in the tests"
  _svc_log "ONEAPI_TEST_PG_DSN=${ONEAPI_TEST_PG_DSN:-} ONEAPI_TEST_MYSQL_DSN=${ONEAPI_TEST_MYSQL_DSN:-} ONEAPI_TEST_REDIS=${ONEAPI_TEST_REDIS:-}"
}

services_down() {
  local stop
  for stop in "${_started[@]}"; do eval "$stop" >/dev/null 2>&1 || true; done
  _started=()
}
