#!/usr/bin/env bash
# Backs up what Passerelle cannot rebuild: the JetStream streams (the source of truth), every service database,
# and the secrets (encrypted). Writes one folder with a manifest; copy it off the host.
#   infra/ops/backup.sh <backup-dir>
# Environment:
#   NATS_URL, NATS_USER, NATS_PASSWORD   the NATS admin user (NATS_ADMIN_PASSWORD in .env)
#   MONGO_URL                            a MongoDB user that can read every service database (root)
#   MONGO_DATABASES                      default: passerelle_trainings,…,passerelle_reporting
#   EVENTS_STREAM, DEADLETTER_STREAM     default EVENTS, DEADLETTER
#   ENV_FILE                             the .env to back up (default .env); BACKUP_PASSPHRASE encrypts it
#   MONGO_BACKUP                         tools (mongodump, the default where installed) or driver (mongo-ejson.mjs)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:?usage: backup.sh <backup-dir>}"
: "${NATS_URL:?NATS_URL is required}" "${NATS_USER:?NATS_USER (admin) is required}" "${NATS_PASSWORD:?NATS_PASSWORD is required}"
: "${MONGO_URL:?MONGO_URL is required}" "${BACKUP_PASSPHRASE:?BACKUP_PASSPHRASE is required (encrypts the secrets)}"
dbs="${MONGO_DATABASES:-passerelle_trainings,passerelle_assistance,passerelle_partners,passerelle_indicators,passerelle_reporting}"
streams=("${EVENTS_STREAM:-EVENTS}" "${DEADLETTER_STREAM:-DEADLETTER}")
env_file="${ENV_FILE:-.env}"
mode="${MONGO_BACKUP:-$(command -v mongodump >/dev/null && echo tools || echo driver)}"
[ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ] && { echo "backup.sh: $out exists and is not empty" >&2; exit 2; }
mkdir -p "$out/nats" "$out/mongo"
nats_() { nats --server "$NATS_URL" --user "$NATS_USER" --password "$NATS_PASSWORD" "$@"; }

# 1. Streams, with their configuration and consumers, through the server's own snapshot.
for s in "${streams[@]}"; do
  nats_ stream info "$s" --json > "$out/nats/$s.info.json"
  nats_ backup stream "$s" "$out/nats/$s" --no-progress >/dev/null
done

# 2. Databases. Taken after the streams: a database is never ahead of the stream it publishes to, so a restored
#    outbox re-publishes what the stream lacks (deduplicated by event id) and nothing is lost.
if [ "$mode" = tools ]; then
  mongodump --uri "$MONGO_URL" --archive="$out/mongo/dump.archive.gz" --gzip $(printf -- '--nsInclude=%s.* ' ${dbs//,/ }) --quiet
else
  node "$here/mongo-ejson.mjs" dump "$out/mongo" "$dbs" > "$out/mongo/summary.json"
fi

# 3. Secrets, encrypted (AES-256, key from the passphrase by PBKDF2). Keep the passphrase apart from the backups.
if [ -f "$env_file" ]; then
  openssl enc -aes-256-cbc -pbkdf2 -iter 200000 -salt -in "$env_file" -out "$out/secrets.env.enc" -pass env:BACKUP_PASSPHRASE
fi

# 4. Manifest: what was taken, at which stream sequences, and checksums to verify a copy before restoring.
{
  printf '{"taken":"%s","mongo":"%s","databases":"%s","streams":{' "$(date -u +%FT%TZ)" "$mode" "$dbs"
  first=1
  for s in "${streams[@]}"; do
    [ $first = 1 ] || printf ','
    first=0
    printf '"%s":%s' "$s" "$(node -e 'const i=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));process.stdout.write(JSON.stringify({messages:i.state.messages,last_seq:i.state.last_seq}))' "$out/nats/$s.info.json")"
  done
  printf '}}\n'
} > "$out/manifest.json"
(cd "$out" && find . -type f ! -name SHA256SUMS -print0 | sort -z | xargs -0 sha256sum > SHA256SUMS)
echo "backup written to $out ($(du -sh "$out" | cut -f1)): $(cat "$out/manifest.json")"
