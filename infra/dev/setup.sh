#!/usr/bin/env bash
# Installs what a fresh machine lacks to build, test and run Passerelle locally:
# nats-server, Chromium (report rendering tests), xmllint (IATI schema validation), LibreOffice Calc and poppler
# (export and PDF rendering tests) and PostgreSQL (the warehouse) from Debian,
# FerretDB (built with Go), npm packages.
set -euo pipefail
cd "$(dirname "$0")/../.."

need=()
command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || need+=(nats-server)
[ -x /usr/bin/chromium ] || need+=(chromium fonts-liberation)
command -v xmllint >/dev/null 2>&1 || need+=(libxml2-utils)
# Exports are rendered to PNG and PDF in tests (how a person sees the sheet); the factsheet's PDF pages are measured.
[ -x /usr/bin/soffice ] || need+=(libreoffice-calc-nogui)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
new_postgres=0
if [ -z "${PG_URL:-}" ] && ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then need+=(postgresql); new_postgres=1; fi
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if [ "$new_postgres" = 1 ]; then
  # The warehouse tests connect as postgres over TCP without a password, on this development machine only.
  hba=$(ls /etc/postgresql/*/main/pg_hba.conf | head -1)
  sed -i '1i host all postgres 127.0.0.1/32 trust' "$hba"
  pg_ctlcluster "$(basename "$(dirname "$(dirname "$hba")")")" main restart || service postgresql restart
fi

gobin="$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin"
if ! command -v ferretdb >/dev/null 2>&1 && [ ! -x "$gobin/ferretdb" ]; then
  bash infra/dev/install-ferretdb.sh
fi

# The NATS version compose runs (docker-compose.yml pins its image), for the bus tests beside Debian's 2.9, and the
# nats CLI v0.5.0 (not v0.5.1) for the backup drill. Built once from the Go module proxy (minutes on 2 cores) into
# .tools/bin, off PATH: everything else keeps using Debian's nats-server.
tools="$PWD/.tools/bin"
if ! "$tools/nats-server" --version 2>/dev/null | grep -q "v2.15.2"; then
  echo "building nats-server v2.15.2 with Go into .tools/bin"
  GOBIN="$tools" GOFLAGS=-mod=mod go install "github.com/nats-io/nats-server/v2@v2.15.2"
fi
if ! "$tools/nats" --version 2>/dev/null | grep -q "v0.5.0"; then
  echo "building the nats CLI v0.5.0 with Go into .tools/bin"
  GOBIN="$tools" GOFLAGS=-mod=mod go install "github.com/nats-io/natscli/nats@v0.5.0"
fi

npm ci --no-audit --no-fund --loglevel=error
