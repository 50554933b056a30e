#!/usr/bin/env bash
# Runs every workspace's tests (one workspace at a time: 2 cores, and each starts its own servers),
# then prints one closing line with the totals.
set -u
cd "$(dirname "$0")/../.."
rm -f packages/*/test-output/vitest.json services/*/test-output/vitest.json
npx turbo run test --concurrency=1 --continue --output-logs=full "$@"
code=$?
node infra/dev/test-summary.mjs || code=1
exit $code
