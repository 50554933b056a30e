#!/usr/bin/env bash
# Restores a backup.sh folder into empty servers: the streams, every service database, and the secrets (to
# <backup-dir>/restored.env, for you to review and move). Then rebuild the read model (rebuild.sh).
#   infra/ops/restore.sh <backup-dir>
# Environment: as backup.sh. Stop the services first (docker compose stop trainings assistance partners
# indicators projection); the streams must not exist (a restore never merges into live data).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
in="${1:?usage: restore.sh <backup-dir>}"
: "${NATS_URL:?}" "${NATS_USER:?}" "${NATS_PASSWORD:?}" "${MONGO_URL:?}" "${BACKUP_PASSPHRASE:?}"
(cd "$in" && sha256sum --quiet -c SHA256SUMS) || { echo "restore.sh: checksums do not match; the copy is damaged" >&2; exit 3; }
nats_() { nats --server "$NATS_URL" --user "$NATS_USER" --password "$NATS_PASSWORD" "$@"; }

for dir in "$in"/nats/*/; do
  s="$(basename "$dir")"
  if nats_ stream info "$s" >/dev/null 2>&1; then
    echo "restore.sh: stream $s exists; remove it first (nats stream rm $s) if you really mean to replace it" >&2
    exit 4
  fi
  nats_ backup restore stream "$dir" --no-progress >/dev/null
  nats_ stream info "$s" --json | node -e 'let s="";process.stdin.on("data",(d)=>s+=d).on("end",()=>{const i=JSON.parse(s);console.log(`stream ${i.config.name}: ${i.state.messages} messages, last sequence ${i.state.last_seq}`)})'
done

if [ -f "$in/mongo/dump.archive.gz" ]; then
  mongorestore --uri "$MONGO_URL" --archive="$in/mongo/dump.archive.gz" --gzip --drop --quiet
else
  node "$here/mongo-ejson.mjs" restore "$in/mongo"
fi

if [ -f "$in/secrets.env.enc" ]; then
  openssl enc -d -aes-256-cbc -pbkdf2 -iter 200000 -in "$in/secrets.env.enc" -out "$in/restored.env" -pass env:BACKUP_PASSPHRASE
  chmod 600 "$in/restored.env"
  echo "secrets decrypted to $in/restored.env"
fi
echo "restored from $in; now rebuild the read model (infra/ops/rebuild.sh) and start the services"
