#!/usr/bin/env bash
# Bad input to `lexkit vocab`: each case must print exactly one line on stderr naming the
# file (and line:col where it applies), exit 1 (2 for usage errors), and never crash (this
# suite also runs under ASan/UBSan, where a crash or leak changes the exit status).
set -u
LEXKIT=${LEXKIT:?set LEXKIT to the lexkit binary}
cd "${LK_SRC:-.}"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lk-bad-input.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fails=0

# expect NAME STATUS REGEX ARGS...: stderr must be one line matching REGEX (grep -E),
# stdout empty, exit status STATUS.
expect() {
    local name=$1 want_rc=$2 re=$3
    shift 3
    "$LEXKIT" vocab "$@" >"$TMP/out" 2>"$TMP/err"
    local rc=$? lines
    lines=$(wc -l <"$TMP/err")
    if [ "$rc" -ne "$want_rc" ] || [ "$lines" -ne 1 ] || ! grep -Eq -- "$re" "$TMP/err" ||
        [ -s "$TMP/out" ]; then
        echo "FAIL $name: exit $rc (want $want_rc), $lines stderr line(s), want /$re/:"
        cat "$TMP/err"
        fails=$((fails + 1))
    else
        echo "ok   $name: $(cat "$TMP/err")"
    fi
}

# Usage errors print the reason and a hint line ("Try 'lexkit vocab --help'."): exit 2.
usage() {
    local name=$1 re=$2
    shift 2
    "$LEXKIT" vocab "$@" >"$TMP/out" 2>"$TMP/err"
    local rc=$?
    if [ "$rc" -ne 2 ] || ! head -n 1 "$TMP/err" | grep -Eq -- "$re" || [ -s "$TMP/out" ]; then
        echo "FAIL $name: exit $rc (want 2), want /$re/:"
        cat "$TMP/err"
        fails=$((fails + 1))
    else
        echo "ok   $name: $(head -n 1 "$TMP/err")"
    fi
}

# Invalid UTF-8: 0xFF is the 5th character of line 2.
printf 'good line\nbad \377 byte\n' >"$TMP/bad-utf8.txt"
expect "invalid UTF-8" 1 "bad-utf8\\.txt:2:5: .*UTF-8.*0xFF" --input "$TMP/bad-utf8.txt"

# Invalid UTF-8 inside a JSON string.
printf '{"id": "1", "text": "ok"}\n{"id": "2", "text": "a\377"}\n' >"$TMP/bad-utf8.jsonl"
expect "invalid UTF-8 (jsonl)" 1 "bad-utf8\\.jsonl:2:[0-9]+: .*UTF-8" \
    --input "$TMP/bad-utf8.jsonl" --format jsonl

# A truncated JSON line (the file ends inside a string).
printf '{"id": "1", "text": "fine"}\n{"id": "2", "text": "cut sho' >"$TMP/trunc.jsonl"
expect "truncated JSON line" 1 "trunc\\.jsonl:2:[0-9]+: " --input "$TMP/trunc.jsonl" --format jsonl

# A CoNLL-U token line with 9 columns (line 3).
printf '# text = A b\n1\tA\ta\tDET\tDT\t_\t2\tdet\t_\t_\n2\tb\tb\tNOUN\tNN\t_\t0\troot\t_\n\n' \
    >"$TMP/nine.conllu"
expect "CoNLL-U with 9 columns" 1 "nine\\.conllu:3(:[0-9]+)?: .*(9|10|column)" \
    --input "$TMP/nine.conllu" --format conllu

# Empty files (no tokens) in each format, and a file of blank lines.
: >"$TMP/empty.txt"
expect "empty file" 1 "empty\\.txt: empty input \\(no tokens\\)" --input "$TMP/empty.txt"
expect "empty file (jsonl)" 1 "empty\\.txt: empty input" --input "$TMP/empty.txt" --format jsonl
expect "empty file (conllu)" 1 "empty\\.txt: empty input" --input "$TMP/empty.txt" --format conllu
printf '\n  \n\n' >"$TMP/blank.txt"
expect "only blank lines" 1 "blank\\.txt: empty input" --input "$TMP/blank.txt"
expect "empty stdin" 1 "-: empty input" </dev/null

# A missing file and a directory instead of a file.
expect "missing file" 1 "no/such/file\\.txt: .*(No such file|not found)" --input no/such/file.txt
expect "missing file (jsonl)" 1 "no/such/file\\.jsonl: " --input no/such/file.jsonl --format jsonl
expect "missing file (conllu)" 1 "no/such/f\\.conllu: " --input no/such/f.conllu --format conllu
mkdir "$TMP/adir"
expect "directory" 1 "adir: .*[Dd]irectory" --input "$TMP/adir"
expect "directory (jsonl)" 1 "adir: .*[Dd]irectory" --input "$TMP/adir" --format jsonl
expect "directory (conllu)" 1 "adir: .*[Dd]irectory" --input "$TMP/adir" --format conllu

# An output path that cannot be written: the error names it; no file is left behind.
printf 'a b\n' >"$TMP/ok.txt"
expect "unwritable output" 1 "no/such/dir/v\\.tsv" \
    --input "$TMP/ok.txt" --output "$TMP/no/such/dir/v.tsv"

# Usage errors: exit 2.
usage "unknown option" "unknown option '--bogus'" --input "$TMP/ok.txt" --bogus
usage "bad number" "--min-count: 'abc' is not an integer" --input "$TMP/ok.txt" --min-count abc
usage "negative number" "--min-count: '-1'" --input "$TMP/ok.txt" --min-count -1
usage "number too large" "--max-size: '99999999999'" --input "$TMP/ok.txt" --max-size 99999999999
usage "missing value" "--max-size needs a value" --input "$TMP/ok.txt" --max-size
usage "bad format" "--format must be text, jsonl or conllu, not 'xml'" --input "$TMP/ok.txt" --format xml
usage "bad tokenizer" "--tokenizer must be lexkit, sklearn, space or ud-en" --input "$TMP/ok.txt" --tokenizer=nltk
usage "stray argument" "unexpected argument 'extra'" --input "$TMP/ok.txt" extra

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
