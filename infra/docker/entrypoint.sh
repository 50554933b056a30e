#!/bin/sh
# Entry point of every Passerelle image (infra/docker/Dockerfile): one command per operator task.
#   passerelle serve       run the service of this image (default)
#   passerelle rebuild     rebuild the read model from the stream (projection image; same environment as the service)
#   passerelle provision   create or update the JetStream streams (needs the NATS admin user)
#   passerelle token ...   mint a development token (JWT_SECRET deployments only)
# Anything else is run as given (e.g. `sh`).
set -e
cd "${PASSERELLE_HOME:-/app}"
cmd="${1:-serve}"
[ $# -gt 0 ] && shift
case "$cmd" in
  serve) exec node "services/${SERVICE:?SERVICE is not set}/dist/main.js" "$@" ;;
  rebuild)
    [ -f services/projection/dist/cli/rebuild.js ] || { echo "rebuild runs in the projection image" >&2; exit 2; }
    exec node services/projection/dist/cli/rebuild.js "$@" ;;
  provision) exec node packages/platform/dist/cli/provision.js "$@" ;;
  token) exec node packages/platform/dist/cli/mint-token.js "$@" ;;
  *) exec "$cmd" "$@" ;;
esac
