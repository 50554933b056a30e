#!/usr/bin/env bash
# Installs FerretDB v1.24.2 into $(go env GOPATH)/bin.
# A plain `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` builds a binary that panics at start
# ("Invalid build/version/version.txt file content"): release builds embed a generated version.txt that the
# module zip lacks. So we fetch the module with the Go toolchain, add that one file, and build it.
set -euo pipefail
version=v1.24.2
bin="$(go env GOPATH)/bin/ferretdb"
if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "version: $version"; then
  echo "ferretdb $version already at $bin"; exit 0
fi
src=$(GOFLAGS=-mod=mod go mod download -json "github.com/FerretDB/FerretDB@$version" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
work=$(mktemp -d)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
cp -r "$src/." "$work/"
chmod -R u+w "$work"
echo "$version" > "$work/build/version/version.txt"
(cd "$work" && go build -trimpath -o "$bin" ./cmd/ferretdb)
echo "built ferretdb $version at $bin"
