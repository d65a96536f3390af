#!/usr/bin/env bash
# The C# client of the API, generated from its OpenAPI document by Kiota (the version pinned in dotnet-tools.json)
# into Checkout.Tests/Generated/CheckoutClient, where the tests use it to place, read and cancel orders.
#
#   scripts/generate-client.sh [URL]           regenerates the checked-in client
#   scripts/generate-client.sh --check [URL]   generates it afresh into a temp folder and fails when the checked-in
#                                              client differs (scripts/test.sh runs this)
#
# The document is the one at URL, or that of the app as built (scripts/openapi-document.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

check=0
if [ "${1:-}" = "--check" ]; then
    check=1
    shift
fi
client="Checkout.Tests/Generated/CheckoutClient"
work="$(mktemp -d -t checkout-client.XXXXXX)"
trap 'rm -rf "$work"' EXIT
scripts/openapi-document.sh "$work/openapi.json" "$@"
# The document names the server it was fetched from, a free port each time: the client is generated for a fixed
# one (its users give their own base address anyway), so that two generations of one document are equal.
sed -i -E 's#"url": *"http://127\.0\.0\.1:[0-9]+"#"url": "http://localhost:5000"#' "$work/openapi.json"

output="$client"
[ "$check" -eq 0 ] || output="$work/client"
dotnet tool restore >/dev/null
dotnet kiota generate --language CSharp --openapi "$work/openapi.json" --output "$output" \
    --namespace-name Checkout.Tests.Generated --class-name CheckoutClient --exclude-backward-compatible \
    --clean-output --log-level Warning >"$work/kiota.log" 2>&1 || { cat "$work/kiota.log" >&2; exit 1; }
# Kiota's lock file records where the document was read from (a temp folder), its log what it said: not the client.
rm -f "$output/kiota-lock.json" "$output/.kiota.log"

if [ "$check" -eq 1 ]; then
    if ! diff -r "$client" "$output" >"$work/client.diff"; then
        echo "The checked-in client differs from a fresh generation; run scripts/generate-client.sh and commit it:" >&2
        head -n 60 "$work/client.diff" >&2
        exit 1
    fi
    echo "generated client: up to date"
fi
