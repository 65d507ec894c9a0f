# serve_lib.sh: sourced by the serve tests after cli_lib.sh (T, L, fail): curl helpers and
# a server started on port 0 (the kernel picks a free port, printed at start), readiness
# polled, stopped with SIGTERM (exit 0 expected).
C() { curl -s --noproxy '*' --max-time 60 "$@"; }
# code METHOD PATH [curl args...]: prints the HTTP status, body in ${BODY:-$T/body}
code() {
  local m=$1 p=$2
  shift 2
  C -X "$m" -o "${BODY:-$T/body}" -w '%{http_code}' "$@" "http://127.0.0.1:$P$p"
}

# serve_port LOG PID: the port a server started with --listen 127.0.0.1:0 prints on LOG,
# once it does (empty if PID exits first or after 60 s)
serve_port() {
  local p=""
  for _ in $(seq 1200); do
    p=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$1" 2> /dev/null) # (not made yet)
    [ -n "$p" ] && break
    kill -0 "$2" 2> /dev/null || break
    sleep 0.05
  done
  echo "$p"
}

# start_server ARGS...: SP = pid, P = port, SLOG = its stderr
start_server() {
  SLOG=$T/serve.$$.$RANDOM.log
  mkdir -p "$T/stmp"
  TMPDIR=$T/stmp "$L" serve --listen 127.0.0.1:0 --threads 2 "$@" 2> "$SLOG" &
  SP=$!
  P=$(serve_port "$SLOG" "$SP")
  [ -n "$P" ] || { fail "server did not start: $(cat "$SLOG")"; return 1; }
  for _ in $(seq 1200); do
    [ "$(code GET /health)" = 200 ] && return 0
    sleep 0.05
  done
  fail "no /health answer"
  return 1
}
stop_server() {
  kill -TERM "$SP"
  wait "$SP"
  local rc=$?
  SP=""
  [ "$rc" = 0 ] || fail "server exit $rc after SIGTERM: $(cat "$SLOG")"
}
