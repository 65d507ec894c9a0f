#!/usr/bin/env bash
# lexkit serve: what a request may hold. A NUL (%00) in the path or an argument is refused
# before anything is decoded (DELETE /documents/d3%00x must not delete d3); --listen is
# checked as a usage error; a BOM starts a body as it starts a file for `lexkit index`;
# error answers are valid UTF-8 JSON whatever bytes the URL held; fields= and --fields share
# one rule (no empty or repeated names); snippet= takes 1, true, 0 or false only; a write
# does not make the next search reload the Chinese model (took_ms stays small).
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" serve_requests
command -v curl > /dev/null || { echo "serve_requests: curl missing" >&2; exit 1; }
DOCS=${LK_SRC:-.}/corpora/sample-docs.jsonl
ZH_MODEL=${LK_SRC:-.}/corpora/models/zh-gsd-char.lkt
PY=/usr/bin/python3
echo tok > "$T/wtok"
SP=""
cleanup() { [ -n "$SP" ] && kill -9 "$SP" 2> /dev/null; rm -rf "$T"; }
trap cleanup EXIT
. "${LK_SRC:-.}/tests/serve_lib.sh"
auth=(-H "Authorization: Bearer tok")
# json_error: the body is valid UTF-8 JSON with an error; prints the message
json_error() {
  "$PY" -c 'import json,sys; d=json.loads(open(sys.argv[1],"rb").read().decode("utf-8")); print(d["error"])' "$T/body"
}

# ---- --listen: usage errors (exit 2) before anything starts ----
"$L" index --input "$DOCS" --index "$T/idx" 2> "$T/err" || fail "index: $(cat "$T/err")"
for bad in 127.0.0.1:99999 127.0.0.1:65536 :65536 127.0.0.1: localhost 127.0.0.1:abc :8080 \
           127.0.0.1:-1 127.0.0.1:+80 '[::1]' '::1:8080' 127.0.0.1:1234567; do
  expect_fail 2 "--listen" timeout 20 "$L" serve --index "$T/idx" --listen "$bad"
done
expect_fail 2 "not an integer in \[0, 65535\]" timeout 20 "$L" serve --index "$T/idx" --listen 127.0.0.1:99999
expect_fail 2 "must be HOST:PORT" timeout 20 "$L" serve --index "$T/idx" --listen localhost
# the documented forms keep working
for good in localhost:0 '[::1]:0'; do
  timeout 20 "$L" serve --index "$T/idx" --listen "$good" 2> "$T/lg" &
  pid=$!
  for _ in $(seq 400); do grep -q 'listening on' "$T/lg" && break; kill -0 "$pid" 2> /dev/null || break; sleep 0.05; done
  if grep -q 'listening on http://\[::1\]\|listening on http://localhost' "$T/lg"; then
    kill -TERM "$pid"
  elif grep -q 'Cannot assign\|not available\|Address family' "$T/lg"; then
    echo "serve_requests: skip --listen $good: $(cat "$T/lg")"
  else
    fail "--listen $good: $(cat "$T/lg")"
  fi
  wait "$pid" 2> /dev/null
done

start_server --write-token-file "$T/wtok" --index "$T/idx" || { finish serve_requests; exit 1; }

# ---- a NUL in any decoded path segment or argument: 400, nothing changed ----
printf '{"id": "d3", "text": "keepme"}\n' > "$T/d3.jsonl"
[ "$(code POST /documents "${auth[@]}" --data-binary @"$T/d3.jsonl")" = 200 ] || fail "add d3: $(cat "$T/body")"
for p in "/documents/d3%00anything-else" "/documents/d3%00" "/documents/d3?index=idx%00" \
         "/documents/d3?x%00=1"; do
  [ "$(code DELETE "$p" "${auth[@]}")" = 400 ] && json_error | grep -q 'NUL byte' ||
    fail "DELETE $p: $(cat "$T/body")"
done
[ "$(code GET "/search?q=keepme")" = 200 ] && grep -q '"id": "d3"' "$T/body" || fail "d3 deleted through a NUL"
for p in "/search?q=%00steam" "/search?q=steam&k=1%00" "/search?q=steam&fields=title%00x" \
         "/search?q=steam&variant=lucene%00" "/search?q=steam&index=idx%00" "/info?index=%00" \
         "/search%00?q=steam"; do
  [ "$(code GET "$p")" = 400 ] && json_error | grep -q 'NUL byte' || fail "GET $p: $(cat "$T/body")"
done
[ "$(code POST "/documents?index=idx%00" "${auth[@]}" --data-binary @"$T/d3.jsonl")" = 400 ] ||
  fail "POST with a NUL argument: $(cat "$T/body")"

# ---- error answers are valid UTF-8 JSON, the client's bytes as \xNN ----
for p in "DELETE /documents/%FF" "DELETE /documents/%E9" "GET /search?q=a&index=%FF" \
         "GET /search?q=a&variant=%FF" "GET /search?q=a&k=%FF" "GET /search?q=a&snippet=%FE" \
         "DELETE /documents/a%C3"; do
  code ${p% *} "${p#* }" "${auth[@]}" > /dev/null
  msg=$(json_error) || { fail "$p: not UTF-8 JSON: $(od -c "$T/body" | head -3)"; continue; }
  case $msg in *'\x'[0-9A-F][0-9A-F]*) ;; *) fail "$p: message without the \\xNN escape: $msg" ;; esac
done
[ "$(code DELETE /documents/%FF "${auth[@]}")" = 404 ] && [ "$(json_error)" = 'document id "\xFF" is not in the index' ] ||
  fail "DELETE %FF: $(cat "$T/body")"
[ "$(code DELETE "/documents/caf%C3%A9" "${auth[@]}")" = 404 ] && [ "$(json_error)" = 'document id "café" is not in the index' ] ||
  fail "valid UTF-8 must stay as it is: $(cat "$T/body")"

# ---- a UTF-8 BOM starts a body as it starts a file (docs/formats.md) ----
printf '\xef\xbb\xbf{"id": "bom-1", "text": "bomword"}\n{"id": "bom-2", "text": "bomword two"}\n' > "$T/bom.jsonl"
[ "$(code POST /documents "${auth[@]}" --data-binary @"$T/bom.jsonl")" = 200 ] &&
  grep -q '"added": 2' "$T/body" || fail "BOM body: $(cat "$T/body")"
"$L" index --input "$T/bom.jsonl" --index "$T/idxcli" 2> "$T/err" || fail "cli BOM: $(cat "$T/err")"
[ "$(code GET "/search?q=bomword")" = 200 ] && grep -q '"bom-1"' "$T/body" && grep -q '"bom-2"' "$T/body" ||
  fail "BOM documents not found: $(cat "$T/body")"
# a BOM elsewhere is not dropped: line 2 starts with one, as `lexkit index` reports it
printf '{"id": "b-1", "text": "x"}\n\xef\xbb\xbf{"id": "b-2", "text": "y"}\n' > "$T/bom2.jsonl"
[ "$(code POST /documents "${auth[@]}" --data-binary @"$T/bom2.jsonl")" = 400 ] && json_error | grep -q '^body:2:' ||
  fail "BOM inside the body: $(cat "$T/body")"

# ---- fields= and --fields: one rule (distinct, non-empty names); snippet= booleans ----
for f in title,title title,,year title, ,title "title,text,title"; do
  [ "$(code GET "/search?q=engine&fields=$f")" = 400 ] && json_error | grep -q 'distinct field names' ||
    fail "fields=$f: $(cat "$T/body")"
  expect_fail 2 "distinct field names" "$L" search --index "$T/idx" --query engine --format json --fields "$f"
done
[ "$(code GET "/search?q=engine&k=2&fields=title,text")" = 200 ] || fail "fields=title,text: $(cat "$T/body")"
"$L" search --index "$T/idx" --query engine --k 2 --format json --fields title,text > "$T/cli.json" || fail "cli fields"
for v in 1 true; do
  [ "$(code GET "/search?q=engine&k=1&snippet=$v")" = 200 ] && grep -q '"snippet": {' "$T/body" || fail "snippet=$v: $(cat "$T/body")"
done
for v in 0 false; do
  [ "$(code GET "/search?q=engine&k=1&snippet=$v")" = 200 ] && ! grep -q '"snippet"' "$T/body" || fail "snippet=$v: $(cat "$T/body")"
done
for v in yes on 2 TRUE ""; do
  [ "$(code GET "/search?q=engine&k=1&snippet=$v")" = 400 ] && json_error | grep -q 'snippet must be 1, true, 0 or false' ||
    fail "snippet=$v: $(cat "$T/body")"
done
stop_server

# ---- the Chinese model is loaded before the server listens, and a write keeps it ----
# The first search took 0.25-1.2 s (the model and OpenCC loaded for it), the next ones well
# under 1 ms. /info's "workspaces" counts the search workspaces made, each loading the
# analyzers: 1 at start, and still 1 after sequential searches (with snippets) and writes.
if [ -f "$ZH_MODEL" ]; then
  printf '{"id": "z1", "text": "市长今天访问了学校。"}\n{"id": "z2", "text": "南京市长江大桥很长。"}\n' > "$T/zh.jsonl"
  "$L" index --input "$T/zh.jsonl" --index "$T/zh" --lang zh --zh-model "$ZH_MODEL" 2> "$T/err" || fail "zh index: $(cat "$T/err")"
  start_server --write-token-file "$T/wtok" --index "$T/zh" || { finish serve_requests; exit 1; }
  workspaces() {
    [ "$(code GET /info)" = 200 ] || { fail "/info: $(cat "$T/body")"; return; }
    "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["indexes"][0]["workspaces"])' "$T/body"
  }
  took() { C "http://127.0.0.1:$P/search?snippet=1&q=$("$PY" -c 'import urllib.parse; print(urllib.parse.quote("市长"))')" |
           "$PY" -c 'import json,sys; print(json.load(sys.stdin)["took_ms"])'; }
  [ "$(workspaces)" = 1 ] || fail "at start: $(cat "$T/body") (expected 1 workspace, made at open)"
  first=$(took)
  [ "$(workspaces)" = 1 ] || fail "the first search made a workspace (loaded the model): $(cat "$T/body")"
  worst=0
  for i in 1 2 3 4 5; do
    printf '{"id": "w%d", "text": "学校 %d"}\n' "$i" "$i" > "$T/w.jsonl"
    [ "$(code POST /documents "${auth[@]}" --data-binary @"$T/w.jsonl")" = 200 ] || fail "zh write $i: $(cat "$T/body")"
    t=$(took)
    worst=$("$PY" -c 'import sys; print(max(float(sys.argv[1]), float(sys.argv[2])))' "$worst" "$t")
  done
  [ "$(workspaces)" = 1 ] || fail "writes made workspaces (model reloaded?): $(cat "$T/body")"
  echo "serve_requests: zh search took $first ms first, at most $worst ms after a write"
  stop_server
fi
finish serve_requests
