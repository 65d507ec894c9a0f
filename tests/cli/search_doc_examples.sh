#!/usr/bin/env bash
# The `$ lexkit ...` examples of docs/search.md, run in order in a scratch directory that sees
# the source tree's corpora/ (so `--index idx` is created there, not in the tree): each prints
# exactly the lines the doc shows under it (up to the next `$` line or the end of the block).
# The doc showed `terms: 80583 distinct` and no `han_fold=t2s` line after the analyzer changed.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" search-doc-examples
SRC=$(cd "${LK_SRC:-.}" && pwd)
mkdir -p "$T/w" && ln -s "$SRC/corpora" "$T/w/corpora" && cd "$T/w" || exit 1
export L
/usr/bin/python3 - "$SRC/docs/search.md" > "$T/cases" <<'PY'
import sys
cmd, want = None, []
def emit():
    if cmd and cmd.startswith("lexkit "):
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
  got=$(NO_COLOR=1 bash -c "lexkit() { \"\$L\" \"\$@\"; }; $cmd" 2> "$T/err") || fail "exit $?: $cmd: $(cat "$T/err")"
  [ "$got" = "$want" ] || fail "docs/search.md: $cmd
  doc:
$want
  binary:
$got"
done < "$T/cases"
[ "$n" -ge 6 ] || fail "only $n examples found in docs/search.md"
finish search_doc_examples
