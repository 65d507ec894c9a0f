#!/usr/bin/env bash
# The `$ lexkit ...` examples (and `$ ... | lexkit ...` pipelines) of the docs below, run in
# order, per doc, in a scratch directory that sees the source tree's corpora/ (so an example's
# `--index idx` is created there, not in the tree): each prints exactly the lines the doc
# shows under it (up to the next `$` line or the end of the block). Caught so far:
# docs/tokenize.md showed `“ 你 好 ”` where the binary prints `“ 你好 ”`, and a wrong
# segmentation (`请发 邮件`); docs/search.md's `index --info` showed terms and bytes of an
# older analyzer and no `han_fold` line.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" doc-examples
SRC=$(cd "${LK_SRC:-.}" && pwd)
export L
# doc and the least number of examples it must yield (a parse that finds none fails)
for spec in docs/tokenize.md:5 docs/search.md:6; do
  doc=${spec%:*} min=${spec#*:}
  rm -rf "$T/w" && mkdir -p "$T/w" && ln -s "$SRC/corpora" "$T/w/corpora" || exit 1
  /usr/bin/python3 - "$SRC/$doc" > "$T/cases" <<'PY'
import sys
cmd, want = None, []
def emit():
    if cmd and (cmd.startswith("lexkit ") or "| lexkit " in cmd):
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
    got=$(cd "$T/w" && NO_COLOR=1 bash -c "lexkit() { \"\$L\" \"\$@\"; }; $cmd" 2> "$T/err") ||
      fail "exit $?: $doc: $cmd: $(cat "$T/err")"
    [ "$got" = "$want" ] || fail "$doc: $cmd
  doc:
$want
  binary:
$got"
  done < "$T/cases"
  [ "$n" -ge "$min" ] || fail "only $n examples found in $doc"
done
finish doc_examples
