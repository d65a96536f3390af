#!/usr/bin/env bash
# Lints the API's OpenAPI document with Redocly's recommended ruleset and Spectral's oas ruleset, both unmodified
# and with no ignore file. The linters are the versions pinned in scripts/openapi (installed with npm ci on first use).
#
#   scripts/openapi-lint.sh [URL]
#
# The document is the one at URL, or that of the app as built (scripts/openapi-document.sh). Prints
# "<linter>: N errors, N warnings" for each linter; exits non-zero on any error or warning.
set -euo pipefail
cd "$(dirname "$0")/.."

linters="$PWD/scripts/openapi"
work="$(mktemp -d -t checkout-openapi.XXXXXX)"
trap 'rm -rf "$work"' EXIT
scripts/openapi-document.sh "$work/openapi.json" "$@"

if [ ! -d "$linters/node_modules" ]; then
    # No install scripts: the only one is a dependency's usage analytics.
    (cd "$linters" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi

export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
status=0
# Both linters exit non-zero on errors only; report.mjs counts the warnings too.
(cd "$linters" && npx --no-install redocly lint --extends recommended --format=json "$work/openapi.json") \
    >"$work/redocly.json" 2>"$work/redocly.log" || true
node "$linters/report.mjs" redocly "$work/redocly.json" || status=$?
(cd "$linters" && npx --no-install spectral lint --ruleset .spectral.yaml --format=json --quiet \
    --output "$work/spectral.json" "$work/openapi.json") 2>"$work/spectral.log" || true
node "$linters/report.mjs" spectral "$work/spectral.json" || status=$?
exit "$status"
