#!/usr/bin/env bash
# One command on a fresh machine: install what is missing, build, start the platform with the Morocco demo data.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash infra/dev/setup.sh
export PATH="$PATH:$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin"
npm run build
exec node infra/dev/start.mjs "$@"
