#!/usr/bin/env bash
# End-to-end tests of `lexkit vocab` on small fixtures; expected outputs worked out by hand
# (count descending, then token bytewise; the lexkit tokenizer keeps punctuation tokens).
set -u
LEXKIT=${LEXKIT:?set LEXKIT to the lexkit binary}
cd "${LK_SRC:-.}"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lk-vocab-cli.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fails=0
T=$'\t'

# check NAME EXPECTED ARGS...: run lexkit vocab ARGS, compare stdout with EXPECTED, exit 0.
check() {
    local name=$1 want=$2
    shift 2
    local got rc
    got=$("$LEXKIT" vocab "$@" 2>"$TMP/err")
    rc=$?
    if [ "$rc" -ne 0 ] || [ "$got" != "$want" ] || [ -s "$TMP/err" ]; then
        echo "FAIL $name (exit $rc)"
        echo "--- want"; printf '%s\n' "$want"
        echo "--- got"; printf '%s\n' "$got"
        echo "--- stderr"; cat "$TMP/err"
        fails=$((fails + 1))
    else
        echo "ok   $name"
    fi
}

SMALL=tests/data/vocab_small.txt # "The cat sat on the mat." / "the dog, the CAT!"

check "text --lower" "the${T}4
cat${T}2
!${T}1
,${T}1
.${T}1
dog${T}1
mat${T}1
on${T}1
sat${T}1" --input "$SMALL" --lower

check "text, case kept" "the${T}3
!${T}1
,${T}1
.${T}1
CAT${T}1
The${T}1
cat${T}1
dog${T}1
mat${T}1
on${T}1
sat${T}1" --input "$SMALL"

check "--min-count 2" "the${T}4
cat${T}2" --input "$SMALL" --lower --min-count 2

check "--max-size=3 (ties cut bytewise)" "the${T}4
cat${T}2
!${T}1" --input="$SMALL" --lower --max-size=3

check "--tokenizer sklearn" "the${T}4
cat${T}2
dog${T}1
mat${T}1
on${T}1
sat${T}1" --input "$SMALL" --tokenizer sklearn

check "--tokenizer space" "the${T}3
CAT!${T}1
The${T}1
cat${T}1
dog,${T}1
mat.${T}1
on${T}1
sat${T}1" --input "$SMALL" --tokenizer space

check "stdin, --output -" "the${T}4
cat${T}2" --lower --min-count 2 --output - <"$SMALL"

# Han characters are one token each; NFKC + lowercasing; numbers stay whole.
printf '我爱猫 Café CAFÉ 3.14\n' >"$TMP/mixed.txt"
check "mixed scripts" "café${T}2
3.14${T}1
我${T}1
爱${T}1
猫${T}1" --input "$TMP/mixed.txt" --lower

# JSON Lines: title + text of each document (\u escapes decoded, blank line skipped).
check "jsonl --lower" "again${T}2
café${T}2
hello${T}2
world${T}1" --input tests/data/vocab_docs.jsonl --format jsonl --lower

check "jsonl" "again${T}2
Café${T}1
Hello${T}1
World${T}1
café${T}1
hello${T}1" --input tests/data/vocab_docs.jsonl --format jsonl

# CoNLL-U: the FORM column; the range 1-2 and the empty node 2.1 are skipped.
check "conllu" "cats${T}2
.${T}1
THE${T}1
The${T}1
sat${T}1" --input tests/data/vocab_small.conllu --format conllu

check "conllu --lower" "cats${T}2
the${T}2
.${T}1
sat${T}1" --input tests/data/vocab_small.conllu --format conllu --lower

# --output writes the file (and nothing on stdout).
out=$("$LEXKIT" vocab --input "$SMALL" --lower --min-count 2 --output "$TMP/v.tsv" 2>&1)
if [ $? -eq 0 ] && [ -z "$out" ] && [ "$(cat "$TMP/v.tsv")" = "the${T}4
cat${T}2" ]; then
    echo "ok   --output FILE"
else
    echo "FAIL --output FILE: $out"
    fails=$((fails + 1))
fi

# A failed run leaves an earlier output file intact (atomic write).
: >"$TMP/empty.txt"
"$LEXKIT" vocab --input "$TMP/empty.txt" --output "$TMP/v.tsv" 2>/dev/null
if [ $? -eq 1 ] && [ "$(cat "$TMP/v.tsv")" = "the${T}4
cat${T}2" ]; then
    echo "ok   failed run keeps the old output"
else
    echo "FAIL failed run keeps the old output"
    fails=$((fails + 1))
fi

# --help goes to stdout with exit 0; --progress prints to stderr but not to stdout.
if "$LEXKIT" vocab --help | grep -q -- "--min-count"; then echo "ok   --help"; else
    echo "FAIL --help"; fails=$((fails + 1)); fi
got=$("$LEXKIT" vocab --input "$SMALL" --lower --min-count 2 --progress 2>"$TMP/err")
if [ "$got" = "the${T}4
cat${T}2" ] && grep -q "done" "$TMP/err"; then echo "ok   --progress"; else
    echo "FAIL --progress"; cat "$TMP/err"; fails=$((fails + 1)); fi

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
