#!/usr/bin/env bash
# Builds Checkout.sln once, runs every test project in it against throwaway Redis/PostgreSQL,
# and ends with one line: "N passed, N failed, N skipped". Exits non-zero on a failed build or test.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=services.sh
source scripts/services.sh

configuration="${CONFIGURATION:-Debug}"
log="$(mktemp -t checkout-test.XXXXXX)"
results="$(mktemp -d -t checkout-test-results.XXXXXX)"
cleanup() {
    services_down
    rm -rf "$log" "$results"
}
trap cleanup EXIT

services_install_missing
# Node runs the OpenAPI linters (scripts/openapi-lint.sh).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "installing nodejs npm" >&2
    _as_root apt-get update -qq >&2
    _as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >&2
fi
services_up
echo "Redis: $CHECKOUT_TEST_REDIS  PostgreSQL: $CHECKOUT_TEST_POSTGRES"

status=0
checks_failed=0
if dotnet build Checkout.sln -c "$configuration" --nologo; then
    # A test that hangs fails the run after five minutes instead of stalling CI.
    dotnet test Checkout.sln -c "$configuration" --no-build --nologo \
        --results-directory "$results" --blame-hang-timeout 5m --blame-hang-dump-type none 2>&1 | tee "$log" || status=$?
    # The OpenAPI document of the app just built: linted (an error or warning counts as one failed test), and the
    # client generated from it must be the one checked in (one more).
    for check in scripts/openapi-lint.sh "scripts/generate-client.sh --check"; do
        if ! CONFIGURATION="$configuration" $check; then
            checks_failed=$((checks_failed + 1))
            [ "$status" -ne 0 ] || status=1
        fi
    done
else
    status=$?
    echo "Build failed; no tests ran." >&2
fi

services_down
# dotnet test prints one "Passed!"/"Failed!" line per test project; CI reads the sum.
awk -v checks_failed="$checks_failed" '/^(Passed|Failed)!/ {
        gsub(",", "")
        for (i = 1; i <= NF; i++) {
            if ($i == "Passed:") p += $(i + 1)
            if ($i == "Failed:") f += $(i + 1)
            if ($i == "Skipped:") s += $(i + 1)
        }
    }
    END { printf "%d passed, %d failed, %d skipped\n", p, f + checks_failed, s }' "$log"
exit "$status"
