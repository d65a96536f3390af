#!/usr/bin/env bash
# Throwaway Redis, PostgreSQL and SMTP server for the test suite, shared by scripts/test.sh and .ci/run.
#
#   source scripts/services.sh      then: services_install_missing; services_up; ...; services_down
#   scripts/services.sh install|start|stop|env
#
# services_up reuses a server that already answers on its port and starts only what is missing;
# services_down stops only what this shell started. Both export:
#   CHECKOUT_TEST_REDIS     e.g. 127.0.0.1:6390
#   CHECKOUT_TEST_POSTGRES  e.g. Host=127.0.0.1;Port=5433;Username=postgres;Database=postgres
#   CHECKOUT_TEST_SMTP      e.g. 127.0.0.1:8025 (aiosmtpd: accepts any mail, no TLS, no login)
#   CHECKOUT_TEST_MAILDIR   the maildir it delivers to: one file per message in new/

CHECKOUT_REDIS_PORT="${CHECKOUT_REDIS_PORT:-6390}"
CHECKOUT_POSTGRES_PORT="${CHECKOUT_POSTGRES_PORT:-5433}"
CHECKOUT_SMTP_PORT="${CHECKOUT_SMTP_PORT:-8025}"
CHECKOUT_SERVICES_DIR="${CHECKOUT_SERVICES_DIR:-/tmp/checkout-services}"
CHECKOUT_CHROMIUM="${CHECKOUT_CHROMIUM:-/usr/lib/chromium/chromium}"

_checkout_started=()

_services_log() { echo "services: $*" >&2; }

_as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

_pg_bin() {
    # The newest installed server, whatever its major version.
    local version
    version="$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)"
    [ -n "$version" ] && [ -x "/usr/lib/postgresql/$version/bin/initdb" ] || return 1
    echo "/usr/lib/postgresql/$version/bin"
}

# Runs a PostgreSQL command as a user it accepts: postgres refuses to run as root.
_as_pg_user() {
    if [ "$(id -u)" -eq 0 ]; then
        (cd /tmp && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

services_install_missing() {
    local missing=()
    command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
    _pg_bin >/dev/null || missing+=(postgresql)
    [ -x "$CHECKOUT_CHROMIUM" ] || missing+=(chromium)
    # Debian's own Python: the package installs the module for it, not for whatever python3 comes first on PATH.
    /usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || missing+=(python3-aiosmtpd)
    [ ${#missing[@]} -eq 0 ] && return 0

    _services_log "installing ${missing[*]}"
    _as_root apt-get update -qq >&2
    _as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
}

_redis_answers() {
    redis-cli -h 127.0.0.1 -p "$CHECKOUT_REDIS_PORT" ping 2>/dev/null | grep -q PONG
}

_postgres_answers() {
    local bin
    bin="$(_pg_bin)" || return 1
    "$bin/pg_isready" -q -h 127.0.0.1 -p "$CHECKOUT_POSTGRES_PORT"
}

_smtp_answers() {
    /usr/bin/python3 -c 'import smtplib, sys; smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=2).quit()' \
        "$CHECKOUT_SMTP_PORT" >/dev/null 2>&1
}

# Polls a readiness check for up to ~15 s.
_wait_for() {
    local i
    for i in $(seq 1 75); do
        "$@" && return 0
        sleep 0.2
    done
    return 1
}

_start_redis() {
    local dir="$CHECKOUT_SERVICES_DIR/redis"
    mkdir -p "$dir"
    redis-server --bind 127.0.0.1 --port "$CHECKOUT_REDIS_PORT" --daemonize yes \
        --save '' --appendonly no --dir "$dir" \
        --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
    _wait_for _redis_answers || { _services_log "redis did not start, see $dir/redis.log"; return 1; }
}

_stop_redis() {
    local dir="$CHECKOUT_SERVICES_DIR/redis"
    local pid
    pid="$(cat "$dir/redis.pid" 2>/dev/null || true)"
    # Only a live redis: a stale pid file must not kill whatever reused the number.
    if [ -n "$pid" ] && grep -q redis "/proc/$pid/comm" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        # Redis removes its pid file on a clean shutdown.
        _wait_for test ! -f "$dir/redis.pid" || true
    fi
    rm -rf "$dir"
}

_start_postgres() {
    local bin dir="$CHECKOUT_SERVICES_DIR/postgres"
    bin="$(_pg_bin)"
    rm -rf "$dir"
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
    _as_pg_user "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >"$dir.initdb.log" 2>&1 \
        || { _services_log "initdb failed, see $dir.initdb.log"; return 1; }
    # Durability is pointless for a cluster that is deleted after the run.
    _as_pg_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 \
        -o "-p $CHECKOUT_POSTGRES_PORT -c listen_addresses=127.0.0.1 -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
        start >/dev/null \
        || { _services_log "postgres did not start, see $dir/postgres.log"; return 1; }
}

_stop_postgres() {
    local bin dir="$CHECKOUT_SERVICES_DIR/postgres"
    if [ -d "$dir/data" ] && bin="$(_pg_bin)"; then
        _as_pg_user "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir" "$dir.initdb.log"
}

_start_smtp() {
    local dir="$CHECKOUT_SERVICES_DIR/smtp"
    mkdir -p "$dir"
    # aiosmtpd does not daemonize: it runs in the background and its pid file is written here.
    /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$CHECKOUT_SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$CHECKOUT_SERVICES_DIR/maildir" \
        </dev/null >"$dir/smtp.log" 2>&1 &
    echo $! >"$dir/smtp.pid"
    _wait_for _smtp_answers || { _services_log "the SMTP server did not start, see $dir/smtp.log"; return 1; }
}

_stop_smtp() {
    local dir="$CHECKOUT_SERVICES_DIR/smtp"
    local pid
    pid="$(cat "$dir/smtp.pid" 2>/dev/null || true)"
    # Only a live aiosmtpd: a stale pid file must not kill whatever reused the number.
    if [ -n "$pid" ] && grep -qa aiosmtpd "/proc/$pid/cmdline" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        _wait_for test ! -d "/proc/$pid" || true
    fi
    rm -rf "$dir" "$CHECKOUT_SERVICES_DIR/maildir"
}

services_env() {
    export CHECKOUT_TEST_REDIS="127.0.0.1:$CHECKOUT_REDIS_PORT"
    export CHECKOUT_TEST_POSTGRES="Host=127.0.0.1;Port=$CHECKOUT_POSTGRES_PORT;Username=postgres;Database=postgres"
    export CHECKOUT_TEST_SMTP="127.0.0.1:$CHECKOUT_SMTP_PORT"
    export CHECKOUT_TEST_MAILDIR="$CHECKOUT_SERVICES_DIR/maildir"
}

_services_print() {
    local name
    for name in CHECKOUT_TEST_REDIS CHECKOUT_TEST_POSTGRES CHECKOUT_TEST_SMTP CHECKOUT_TEST_MAILDIR; do
        echo "$name=${!name}"
    done
}

services_up() {
    mkdir -p "$CHECKOUT_SERVICES_DIR"
    chmod 755 "$CHECKOUT_SERVICES_DIR"
    if ! _redis_answers; then
        _start_redis || return 1
        _checkout_started+=(redis)
    fi
    if ! _postgres_answers; then
        _start_postgres || return 1
        _checkout_started+=(postgres)
    fi
    if ! _smtp_answers; then
        _start_smtp || return 1
        _checkout_started+=(smtp)
    fi
    services_env
}

services_down() {
    local service
    for service in "${_checkout_started[@]}"; do
        "_stop_$service"
    done
    _checkout_started=()
}

# Run as a command rather than sourced.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    case "${1:-}" in
        install) services_install_missing ;;
        start) services_up && _services_print ;;
        stop)
            # A separate process cannot know what `start` launched; stop what the state folder records.
            [ -d "$CHECKOUT_SERVICES_DIR/redis" ] && _stop_redis
            [ -d "$CHECKOUT_SERVICES_DIR/postgres" ] && _stop_postgres
            [ -d "$CHECKOUT_SERVICES_DIR/smtp" ] && _stop_smtp
            true ;;
        env) services_env && _services_print ;;
        *) echo "usage: $0 install|start|stop|env" >&2; exit 2 ;;
    esac
fi
