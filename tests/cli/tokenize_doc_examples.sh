#!/usr/bin/env bash
# The `$ ... | lexkit tokenize ...` examples of docs/tokenize.md, run from the source tree: each
# prints exactly the lines the doc shows under it (up to the next `$` line or the end of the
# block). The doc showed `“ 你 好 ”` where the binary prints `“ 你好 ”`.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" tokenize-doc-examples
cd "${LK_SRC:-.}" || exit 1
export L
/usr/bin/python3 - docs/tokenize.md > "$T/cases" <<'PY'
import sys
cmd, want = None, []
def emit():
    if cmd and "lexkit tokenize" in cmd:
        sys.stdout.write(cmd + "\0" + "\n".join(want) + "\0")
for line in open(sys.argv[1], encoding="utf-8").read().splitlines():
    if line.startswith("$ "):
        emit(); cmd, want = line[2:], []
    elif line.startswith("```"):
        emit(); cmd, want = None, []
    elif cmd is not None:
        want.append(line)
emit()
PY
n=0
while IFS= read -r -d '' cmd && IFS= read -r -d '' want; do
  n=$((n + 1))
  got=$(bash -c "lexkit() { \"\$L\" \"\$@\"; }; $cmd" 2> "$T/err") || fail "exit $?: $cmd: $(cat "$T/err")"
  [ "$got" = "$want" ] || fail "docs/tokenize.md: $cmd
  doc:    $want
  binary: $got"
done < "$T/cases"
[ "$n" -ge 5 ] || fail "only $n examples found in docs/tokenize.md"
finish tokenize_doc_examples
