#!/usr/bin/env bash
# Runs every workspace's tests (one workspace at a time: 2 cores, and each starts its own servers),
# then prints one closing line with the totals.
set -u
cd "$(dirname "$0")/../.."
rm -f packages/*/test-output/vitest*.json services/*/test-output/vitest*.json
npx turbo run test --concurrency=1 --continue --output-logs=full "$@"
code=$?

# The bus-facing tests again, on the NATS version compose runs (Debian's 2.9 served the run above; setup.sh builds
# the current one from the Go module proxy). The NATS permission, cluster-free drill tests cover both by themselves.
if [ $# -eq 0 ]; then
  if [ -x .tools/bin/nats-server ]; then
    export PASSERELLE_NATS_SERVER="$PWD/.tools/bin/nats-server"
    bus() { (cd "$1" && shift && npx vitest run "$@" --outputFile.json=test-output/vitest-nats-current.json) || code=1; }
    bus packages/platform src/consumer.int.test.ts src/telemetry.int.test.ts src/metrics.int.test.ts
    bus services/trainings src/plan.int.test.ts src/lifecycle.int.test.ts
    bus services/projection src/read-model.int.test.ts src/slice.int.test.ts src/crash.int.test.ts
  else
    echo "no .tools/bin/nats-server: run bash infra/dev/setup.sh (builds the NATS version compose runs)" >&2
    code=1
  fi
fi
node infra/dev/test-summary.mjs || code=1
exit $code
