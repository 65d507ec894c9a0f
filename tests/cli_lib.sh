# cli_lib.sh: sourced by the end-to-end tests in tests/cli/ (`. "$LK_SRC/tests/cli_lib.sh" NAME`):
# L = the lexkit binary, D = tests/data, T = a temporary directory (removed on exit), and
# fail / expect_fail, which count failures in $fails. End a test with `finish NAME`.
L=${LEXKIT:?set LEXKIT to the lexkit binary}
D=${LK_SRC:-.}/tests/data
T=$(mktemp -d "${TMPDIR:-/tmp}/lk-${1:-cli}.XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
# expect_fail STATUS PATTERN cmd...: the command exits with STATUS and says PATTERN on stderr
expect_fail() {
  local want=$1 pat=$2
  shift 2
  "$@" > "$T/out" 2> "$T/err"
  local rc=$?
  [ "$rc" = "$want" ] || fail "exit $rc (want $want): $*: $(cat "$T/err")"
  grep -q -- "$pat" "$T/err" || fail "message lacks '$pat': $*: $(cat "$T/err")"
}
# finish NAME: exit 1 after failures, else print "NAME: ok"
finish() {
  [ "$fails" = 0 ] || { echo "$fails failure(s)" >&2; exit 1; }
  echo "${1:-test}: ok"
}
