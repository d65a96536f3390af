#!/usr/bin/env bash
# Runs N Checkout.Web instances on one PostgreSQL database and one Redis, as several servers behind a load
# balancer would (no Docker needed):
#
#   scripts/instances.sh start [N]   build (Release) and start N instances on http://127.0.0.1:5081 … 5080+N
#   scripts/instances.sh stop        stop the instances (and the Redis/PostgreSQL this script started)
#
# PostgreSQL and Redis are the throwaway servers of scripts/services.sh unless CHECKOUT_DATABASE (an Npgsql
# connection string) and CHECKOUT_REDIS (a StackExchange.Redis configuration) name others. The first instance
# migrates and seeds the database before the others start. Logs: $CHECKOUT_SERVICES_DIR/instances/<port>.log.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=services.sh
source scripts/services.sh
instances_dir="$CHECKOUT_SERVICES_DIR/instances"
first_port="${CHECKOUT_FIRST_PORT:-5081}"

_answers() { curl -fsS "http://127.0.0.1:$1/healthz" >/dev/null 2>&1; }

start() {
    local count="${1:-2}" i port
    [[ "$count" =~ ^[1-9][0-9]?$ ]] || { echo "usage: $0 start [N], N from 1 to 99" >&2; exit 2; }
    if [ -z "${CHECKOUT_DATABASE:-}" ] || [ -z "${CHECKOUT_REDIS:-}" ]; then
        services_install_missing
        services_up
        psql -h 127.0.0.1 -p "$CHECKOUT_POSTGRES_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'checkout'" | grep -q 1 \
            || psql -h 127.0.0.1 -p "$CHECKOUT_POSTGRES_PORT" -U postgres -qc "CREATE DATABASE checkout"
    fi
    local database="${CHECKOUT_DATABASE:-Host=127.0.0.1;Port=$CHECKOUT_POSTGRES_PORT;Username=postgres;Database=checkout}"
    local redis="${CHECKOUT_REDIS:-$CHECKOUT_TEST_REDIS}"
    dotnet build Checkout.Web -c Release --nologo -v quiet
    mkdir -p "$instances_dir"
    for i in $(seq 0 $((count - 1))); do
        port=$((first_port + i))
        ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}" ASPNETCORE_URLS="http://127.0.0.1:$port" \
            Database__Provider=PostgreSQL ConnectionStrings__Checkout="$database" Redis__ConnectionString="$redis" \
            nohup dotnet Checkout.Web/bin/Release/net10.0/Checkout.Web.dll --contentRoot "$PWD/Checkout.Web" \
            >"$instances_dir/$port.log" 2>&1 &
        echo $! >"$instances_dir/$port.pid"
        for _ in $(seq 1 150); do _answers "$port" && break; sleep 0.2; done
        _answers "$port" || { echo "instance on $port did not start; see $instances_dir/$port.log" >&2; exit 1; }
        echo "instance $((i + 1)): http://127.0.0.1:$port"
    done
}

stop() {
    local pid_file
    for pid_file in "$instances_dir"/*.pid; do
        [ -e "$pid_file" ] || continue
        kill "$(cat "$pid_file")" 2>/dev/null || true
        rm -f "$pid_file"
    done
    "$(dirname "$0")/services.sh" stop
}

case "${1:-}" in
    start) start "${2:-2}" ;;
    stop) stop ;;
    *) echo "usage: $0 start [N] | stop" >&2; exit 2 ;;
esac
