#!/usr/bin/env bash
# Runs the tests, one workspace at a time (2 cores, and each integration run starts its own servers), then prints
# one closing line with the totals of everything that ran.
#
#   bash infra/dev/test.sh          unit tests, then integration tests, then the bus-facing rerun on NATS 2.15 (npm test)
#   bash infra/dev/test.sh unit     only *.test.ts but *.int.test.ts, with no server started or reachable (npm run test:unit)
#   bash infra/dev/test.sh int      only *.int.test.ts, against real servers (npm run test:int)
#
# Further arguments go to turbo (e.g. --filter=@passerelle/trainings) and skip the rerun.
set -u
cd "$(dirname "$0")/../.."
mode=all
case "${1:-}" in unit | int) mode=$1 && shift ;; esac
rm -f packages/*/test-output/vitest*.json services/*/test-output/vitest*.json
code=0
turbo() { npx turbo run "$1" --concurrency=1 --continue --output-logs=full "${@:2}" || code=1; }

# Unit tests first, while no test server runs: the unit project of every vitest config (packages/testkit's
# testConfig) has no global setup and points NATS_URL, MONGO_URL and PG_URL to closed ports, and turbo does not
# pass the caller's values to this task. A unit test that needs a server fails here, in CI too.
[ "$mode" != int ] && turbo test:unit "$@"
[ "$mode" != unit ] && turbo test:int "$@"

# The bus-facing tests again, on the NATS version compose runs (Debian's 2.9 served the run above; setup.sh builds
# the current one from the Go module proxy). The NATS permission, cluster-free drill tests cover both by themselves.
if [ "$mode" != unit ] && [ $# -eq 0 ]; then
  if [ -x .tools/bin/nats-server ]; then
    export PASSERELLE_NATS_SERVER="$PWD/.tools/bin/nats-server"
    bus() { (cd "$1" && shift && npx vitest run --project int "$@" --outputFile.json=test-output/vitest-nats-current.json) || code=1; }
    bus packages/platform src/consumer.int.test.ts src/telemetry.int.test.ts src/metrics.int.test.ts
    bus services/trainings src/plan.int.test.ts src/lifecycle.int.test.ts
    # The crash test with a third of its history: the six kills are the same, and the full run above took 6 minutes.
    export CRASH_EVENTS=1200
    bus services/projection src/apply/read-model.int.test.ts src/slice.int.test.ts src/crash.int.test.ts
    unset CRASH_EVENTS
  else
    echo "no .tools/bin/nats-server: run bash infra/dev/setup.sh (builds the NATS version compose runs)" >&2
    code=1
  fi
fi
node infra/dev/test-summary.mjs || code=1
exit $code
