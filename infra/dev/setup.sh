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

npm ci --no-audit --no-fund --loglevel=error
