#!/usr/bin/env bash
# The demo: runs every scripts/demo.d/*.sh in order on the sample data in corpora/.
set -eu
LEXKIT=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
export LEXKIT
cd "$(dirname "$0")/.."
OUT=$(mktemp -d /tmp/lexkit-demo.XXXXXX)
export OUT
trap 'rm -rf "$OUT"' EXIT
"$LEXKIT" --version
for part in scripts/demo.d/*.sh; do
  [ -e "$part" ] || continue
  echo
  echo "== $(basename "$part" .sh) =="
  bash "$part"
done
