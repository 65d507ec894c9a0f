#!/usr/bin/env bash
# Demo: `lexkit serve` on the sample index (loopback, a free port), one query and one added
# document with curl, then SIGTERM. See docs/serve.md.
set -eu
command -v curl > /dev/null || { echo "(curl not installed: serve demo skipped)"; exit 0; }
"$LEXKIT" index --input corpora/sample-docs.jsonl --index "$OUT/serve.idx" --quiet
echo "demo-token" > "$OUT/token"
: > "$OUT/serve.log" # made before the server starts: the loop below may read it first
"$LEXKIT" serve --index "$OUT/serve.idx" --listen 127.0.0.1:0 --write-token-file "$OUT/token" \
  2> "$OUT/serve.log" &
pid=$!
trap 'kill "$pid" 2> /dev/null || true' EXIT
port=""
for _ in $(seq 600); do
  port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$OUT/serve.log" || true)
  [ -n "$port" ] && break
  sleep 0.05
done
[ -n "$port" ] || { cat "$OUT/serve.log" >&2; exit 1; }
u=http://127.0.0.1:$port
c() { curl -s --noproxy "*" "$@"; }
head -1 "$OUT/serve.log"
echo "-- GET /search?q=river+headwaters+lake&k=2&snippet=1 (these English paragraphs have no titles):"
c "$u/search?q=river+headwaters+lake&k=2&snippet=1"
echo "-- POST /documents (with the write token), then the same search with fields=title:"
echo '{"id": "web-1", "title": "Headwaters", "text": "The river rises from a lake at its headwaters."}' |
  c -X POST -H "Authorization: Bearer $(cat "$OUT/token")" --data-binary @- "$u/documents"
c "$u/search?q=river+headwaters+lake&k=2&fields=title"
kill -TERM "$pid"
wait "$pid"
trap - EXIT
tail -1 "$OUT/serve.log"
