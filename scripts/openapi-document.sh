#!/usr/bin/env bash
# Writes the API's OpenAPI document to OUT.
#
#   scripts/openapi-document.sh OUT [URL]
#
# With a URL (such as http://127.0.0.1:5070/openapi/v1.json) it fetches that document and builds nothing. Without one
# it builds the app (CONFIGURATION, default Debug; nothing to do when the build is up to date, and never a document
# of code older than the sources), starts it on a free local port, in Production, with an embedded SQLite database in
# a temp folder, fetches its /openapi/v1.json and stops it.
set -euo pipefail
cd "$(dirname "$0")/.."

out="$1"
shift
configuration="${CONFIGURATION:-Debug}"
work="$(mktemp -d -t checkout-document.XXXXXX)"
app_pid=""
stop_app() {
    if [ -n "$app_pid" ]; then
        # dotnet run and the app it started are one process group of their own (setsid below).
        kill -- "-$app_pid" 2>/dev/null || true
        wait "$app_pid" 2>/dev/null || true
        app_pid=""
    fi
}
cleanup() {
    stop_app
    rm -rf "$work"
}
trap cleanup EXIT

free_port() {
    local port
    for port in $(shuf -i 20000-60999 -n 50); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    return 1
}

# Starts the app and sets url to its document once it answers.
start_app() {
    local base
    base="http://127.0.0.1:$(free_port)"
    dotnet build Checkout.Web -c "$configuration" --nologo -v quiet >"$work/build.log" 2>&1 || { tail -n 30 "$work/build.log" >&2; return 1; }
    ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="$base" Admin__ApiKey="openapi-document-$RANDOM$RANDOM" \
        Database__Provider=Sqlite ConnectionStrings__Checkout="Data Source=$work/checkout.db" \
        setsid dotnet run --no-build --no-launch-profile -c "$configuration" --project Checkout.Web >"$work/app.log" 2>&1 &
    app_pid=$!
    for _ in $(seq 1 300); do
        if curl -fsS "$base/healthz" >/dev/null 2>&1; then
            url="$base/openapi/v1.json"
            return 0
        fi
        kill -0 "$app_pid" 2>/dev/null || break
        sleep 0.2
    done
    echo "The app did not start; the end of its log:" >&2
    tail -n 30 "$work/app.log" >&2
    return 1
}

if [ $# -gt 0 ]; then
    url="$1"
else
    start_app
fi
echo "OpenAPI document: $url" >&2
curl -fsS "$url" -o "$out"
