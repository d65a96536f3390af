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
services_up
echo "Redis: $CHECKOUT_TEST_REDIS  PostgreSQL: $CHECKOUT_TEST_POSTGRES"

status=0
if dotnet build Checkout.sln -c "$configuration" --nologo; then
    # A test that hangs fails the run after five minutes instead of stalling CI.
    dotnet test Checkout.sln -c "$configuration" --no-build --nologo \
        --results-directory "$results" --blame-hang-timeout 5m --blame-hang-dump-type none 2>&1 | tee "$log" || status=$?
else
    status=$?
    echo "Build failed; no tests ran." >&2
fi

services_down
# dotnet test prints one "Passed!"/"Failed!" line per test project; CI reads the sum.
awk '/^(Passed|Failed)!/ {
        gsub(",", "")
        for (i = 1; i <= NF; i++) {
            if ($i == "Passed:") p += $(i + 1)
            if ($i == "Failed:") f += $(i + 1)
            if ($i == "Skipped:") s += $(i + 1)
        }
    }
    END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
