#!/usr/bin/env bash
# Two items of issue 16 that serve.sh leaves out: the serve part of `make demo`
# (scripts/demo.d/35-serve.sh: starts the server on the sample index, a query and an add with
# curl, SIGTERM) ends with the server stopped and real answers; and --max-connections: with
# the limit held by idle connections, another client is refused, and served once they close.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" serve_demo_limits
. "${LK_SRC:-.}/tests/serve_lib.sh"
command -v curl > /dev/null || { echo "serve_demo_limits: curl missing (scripts/deps.sh test installs it)" >&2; exit 1; }
PY=/usr/bin/python3
SRC=$(cd "${LK_SRC:-.}" && pwd)
LEXKIT=$L OUT=$T bash -c "cd '$SRC' && timeout 120 bash scripts/demo.d/35-serve.sh" > "$T/demo" 2>&1 ||
  fail "demo serve part: $(cat "$T/demo")"
grep -q 'listening on http://127.0.0.1:' "$T/demo" || fail "demo: no listening line: $(cat "$T/demo")"
[ "$(grep -c '"hits": \[{"id"' "$T/demo")" = 2 ] || fail "demo: two searches with hits expected: $(cat "$T/demo")"
grep -q '"added": 1' "$T/demo" || fail "demo: the add was not acknowledged: $(cat "$T/demo")"
grep -q '"id": "web-1"' "$T/demo" || fail "demo: the added document is not found: $(cat "$T/demo")"
grep -q 'stopped' "$T/demo" || fail "demo: no stop message: $(tail -2 "$T/demo")"
pgrep -f "serve --index $T/serve.idx" > /dev/null && fail "demo: server still running"

# --max-connections 2: two idle connections hold it; a third client gets no answer
"$L" index --input "$D/bm25_docs.jsonl" --index "$T/idx" 2> "$T/err" || fail "index: $(cat "$T/err")"
"$L" serve --index "$T/idx" --listen 127.0.0.1:0 --threads 1 --max-connections 2 --timeout 20 2> "$T/log" &
SP=$!
trap 'kill -9 "$SP" 2> /dev/null; rm -rf "$T"' EXIT
P=$(serve_port "$T/log" "$SP")
[ -n "$P" ] || { fail "server did not start: $(cat "$T/log")"; finish serve_demo_limits; exit 1; }
"$PY" - "$P" > "$T/limits" 2>&1 << 'PY' || fail "connection limit: $(cat "$T/limits")"
import socket, sys, http.client
port = int(sys.argv[1])
def get():
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request("GET", "/health")
        return c.getresponse().status
    except (OSError, http.client.HTTPException) as e:
        return type(e).__name__
    finally:
        c.close()
assert get() == 200, "health before"
# two idle connections, each proven accepted by a complete request answered on it
held = []
for _ in range(2):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
    assert b" 200 " in s.recv(4096).split(b"\r\n")[0], "held connection not served"
    held.append(s)
third = get()
assert third != 200, "a third connection was served over --max-connections 2"
for s in held:
    s.close()
import time
for _ in range(100):  # the server notices the closed connections
    if get() == 200:
        break
    time.sleep(0.05)
else:
    raise SystemExit("not served after the held connections closed")
print("third connection refused (%s), served after the others closed" % third)
PY
kill -TERM "$SP"; wait "$SP"; rc=$?; SP=""
[ "$rc" = 0 ] || fail "server exit $rc after SIGTERM"
finish serve_demo_limits
