#!/usr/bin/env bash
# `make bench`: runs every tests/bench/bench_*.sh (each compares lexkit with its peers on
# ../shared data and prints ratios). Usage: run_all.sh path/to/lexkit [name-filter]
set -eu
LEXKIT=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
export LEXKIT
cd "$(dirname "$0")/../.."
export SHARED=${SHARED:-$(cd .. && pwd)/shared}
[ -d "$SHARED/corpora" ] || { echo "bench: $SHARED/corpora not found (set SHARED=...)" >&2; exit 1; }
for b in tests/bench/bench_*.sh; do
  case "$b" in *"${2:-}"*) ;; *) continue ;; esac
  echo "== $(basename "$b" .sh) =="
  bash "$b"
done
