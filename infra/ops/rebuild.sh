#!/usr/bin/env bash
# Rebuilds the reporting read model from the event stream into a new generation; readers switch when it has caught
# up. Needs the projection's environment (NATS_URL, NATS_USER=projection, NATS_PASSWORD, MONGO_URL, MONGO_DB,
# JWT_*…). With compose: docker compose run --rm projection rebuild (the image's entry point, same thing).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
exec node "$root/services/projection/dist/cli/rebuild.js" "$@"
