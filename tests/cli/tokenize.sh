#!/bin/bash
# End-to-end tests of `lexkit tokenize` (env: LEXKIT = binary, cwd = repo root).
set -u
LEXKIT=${LEXKIT:?set LEXKIT to the lexkit binary}
D=tests/data
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0

fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# expect_out NAME EXPECTED_FILE ARGS...: exit 0 and stdout equal to the file.
expect_out() {
    local name=$1 want=$2; shift 2
    if ! "$LEXKIT" tokenize "$@" >"$TMP/out" 2>"$TMP/err"; then
        fail "$name: exit $? ($(cat "$TMP/err"))"; return
    fi
    cmp -s "$TMP/out" "$want" || { fail "$name: output differs"; diff "$TMP/out" "$want" | head -5 >&2; }
}

# expect_err NAME STATUS MESSAGE ARGS...: exit STATUS and MESSAGE in stderr.
expect_err() {
    local name=$1 status=$2 msg=$3; shift 3
    "$LEXKIT" tokenize "$@" </dev/null >"$TMP/out" 2>"$TMP/err"
    local rc=$?
    [ "$rc" -eq "$status" ] || fail "$name: exit $rc, want $status"
    grep -qF -- "$msg" "$TMP/err" || fail "$name: stderr '$(cat "$TMP/err")' lacks '$msg'"
    # Failures are one line; usage errors add a "Try --help" line.
    [ "$status" -ne 1 ] || [ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "$name: not one line on stderr"
}

expect_out default "$D/tok_cli_expected.txt" --input "$D/tok_cli_input.txt"
expect_out lower "$D/tok_cli_expected_lower.txt" --input "$D/tok_cli_input.txt" --lower
expect_out space "$D/tok_cli_expected_space.txt" --input="$D/tok_cli_input.txt" --tokenizer space --no-nfkc
expect_out sklearn "$D/tok_sklearn_expected.txt" --input "$D/tok_sklearn_input.txt" --tokenizer=sklearn
# --lang zh without --model segments with the shipped Chinese model, found as Python's
# Tagger.load("zh") finds it (here: the source tree), as --model would.
"$LEXKIT" tokenize --input "$D/tok_cli_input.txt" --model corpora/models/zh-gsd-char.lkt >"$TMP/zh_want.out"
expect_out lang-zh "$TMP/zh_want.out" --input "$D/tok_cli_input.txt" --lang zh
[ "$(echo 我们去北京 | "$LEXKIT" tokenize --lang zh)" = "我们 去 北京" ] || fail "lang-zh: not segmented"
[ "$(printf '我們去圖書館\n' | "$LEXKIT" tokenize --lang zh --granularity coarse --script traditional)" \
    = "我們 去 圖書館" ] || fail "lang-zh: options"
expect_err lang-zh-tokenizer 2 "--tokenizer applies without --model only" --lang zh --tokenizer space

# Standard input, and `-`.
"$LEXKIT" tokenize <"$D/tok_cli_input.txt" >"$TMP/stdin.out" && cmp -s "$TMP/stdin.out" "$D/tok_cli_expected.txt" \
    || fail "stdin: output differs"
"$LEXKIT" tokenize --input - --output - <"$D/tok_cli_input.txt" >"$TMP/dash.out" \
    && cmp -s "$TMP/dash.out" "$D/tok_cli_expected.txt" || fail "dash: output differs"

# --output writes the file; a failed run leaves an earlier file untouched.
"$LEXKIT" tokenize --input "$D/tok_cli_input.txt" --output "$TMP/o.txt" && cmp -s "$TMP/o.txt" "$D/tok_cli_expected.txt" \
    || fail "--output: file differs"
printf 'good line\nab\xff\n' >"$TMP/bad.txt"
expect_err bad-utf8 1 "$TMP/bad.txt:2:3: invalid UTF-8 byte 0xFF" --input "$TMP/bad.txt" --output "$TMP/o.txt"
cmp -s "$TMP/o.txt" "$D/tok_cli_expected.txt" || fail "bad input clobbered the earlier output"
[ -z "$(ls "$TMP" | grep -v -e '^o.txt$' -e '^bad.txt$' -e '^out$' -e '^err$' -e '\.out$')" ] || fail "temp file left behind"
printf '\xe4\xb8\xad\xe6\x96\x87 \xc0\xaf\n' >"$TMP/overlong.txt"
expect_err overlong 1 "$TMP/overlong.txt:1:4: invalid UTF-8 byte 0xC0" --input "$TMP/overlong.txt"

# Text in another encoding: the message starts as always, then a hint with the iconv command
# ('这款手机很好'.encode('gbk'), '颱風即將登陸'.encode('big5'), '我们'.encode('utf-16')).
printf '\xD5\xE2\xBF\xEE\xCA\xD6\xBB\xFA\xBA\xDC\xBA\xC3\n' >"$TMP/gbk.txt"
expect_err gbk 1 "$TMP/gbk.txt:1:1: invalid UTF-8 byte 0xD5 (is the file in GBK/GB18030 or Big5? convert it with iconv -f GB18030 -t UTF-8, or -f BIG5)" --input "$TMP/gbk.txt"
printf '\xBB\xE4\xAD\xB7\xA7\x59\xB1\x4E\xB5\x6E\xB3\xB0\n' >"$TMP/big5.txt"
expect_err big5 1 "$TMP/big5.txt:1:1: invalid UTF-8 byte 0xBB (is the file in GBK/GB18030 or Big5?" \
    --input "$TMP/big5.txt" --model corpora/models/zh-gsd-char.lkt
printf '\xFF\xFE\x11\x62\xEC\x4E\n\x00' >"$TMP/utf16.txt"
expect_err utf16 1 "$TMP/utf16.txt:1:1: invalid UTF-8 byte 0xFF (the file looks like UTF-16: convert it with iconv -f UTF-16 -t UTF-8)" --input "$TMP/utf16.txt"
"$LEXKIT" tag --model corpora/models/zh-gsd-char.lkt --input "$TMP/utf16.txt" 2>&1 >/dev/null \
    | grep -qF "utf16.txt:1:1: invalid UTF-8 byte 0xFF (the file looks like UTF-16" || fail "utf16-tag: no hint"

# Empty input gives empty output.
: >"$TMP/empty.txt"
expect_out empty "$TMP/empty.txt" --input "$TMP/empty.txt"

# Usage errors exit 2, runtime failures exit 1.
expect_err unknown-option 2 "unknown option '--bogus'" --bogus
expect_err bad-tokenizer 2 "--tokenizer must be" --tokenizer nltk
expect_err bad-lang 2 "--lang must be" --lang fr
expect_err missing-value 2 "--input needs a value" --input
expect_err flag-value 2 "--lower takes no value" --lower=yes
expect_err stray-arg 2 "unexpected argument" file.txt
expect_err model-missing 1 "$TMP/m.lkt" --model "$TMP/m.lkt"
printf 'bad model\n' >"$TMP/bad.lkt"
expect_err model-corrupt 1 "$TMP/bad.lkt" --model "$TMP/bad.lkt"
# With the shipped Chinese char model, Chinese text is segmented into words.
printf '他们在学校学习。\n' | "$LEXKIT" tokenize --model corpora/models/zh-gsd-char.lkt >"$TMP/seg" 2>"$TMP/err" \
    || fail "model: exit $? ($(cat "$TMP/err"))"
[ "$(cat "$TMP/seg")" = "他们 在 学校 学习 。" ] || fail "model: got '$(cat "$TMP/seg")'"
# Raw text lines end at "\n", "\r\n" or a lone "\r" (old Mac files), from a file or a pipe,
# with or without a model, and in `lexkit tag`'s raw input (char and word models).
printf '我们去北京。\r他们在学校。\r\n好\n\r' >"$TMP/cr.txt"
printf '我们 去 北京 。\n他们 在 学校 。\n好\n\n' >"$TMP/cr.want"
expect_out lone-cr-model "$TMP/cr.want" --input "$TMP/cr.txt" --model corpora/models/zh-gsd-char.lkt
"$LEXKIT" tokenize --model corpora/models/zh-gsd-char.lkt <"$TMP/cr.txt" | cmp -s - "$TMP/cr.want" \
    || fail "lone-cr-pipe: output differs"
printf 'a b\rc\r\nd' | "$LEXKIT" tokenize | cmp -s - <(printf 'a b\nc\nd\n') || fail "lone-cr: output differs"
[ "$("$LEXKIT" tag --model corpora/models/zh-gsd-char.lkt --input "$TMP/cr.txt" | wc -l)" -eq 4 ] \
    || fail "lone-cr-tag: not 4 lines"
[ "$(printf 'I know.\rYou do.' | "$LEXKIT" tag --model corpora/models/en-ewt.lkt --input-format raw)" \
    = "$(printf 'I/PRON know/VERB ./PUNCT\nYou/PRON do/AUX ./PUNCT')" ] || fail "lone-cr-tag-raw-en"
expect_err missing-file 1 "$TMP/nope.txt" --input "$TMP/nope.txt"
expect_err directory 1 "$TMP" --input "$TMP"

"$LEXKIT" tokenize --help | grep -q -- "--tokenizer" || fail "--help"

# invisible format characters inside a word are left out of its text in the lexkit mode
# (infor&shy;mation, co<U+2060>operate, x<ZWNJ>y: they were kept inside the token); an emoji's
# ZWJ stays; the sklearn mode splits there as scikit-learn does; bow counts the word
printf 'infor\xc2\xadmation co\xe2\x81\xa0operate x\xe2\x80\x8cy \xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9 information\n' > "$TMP/shy.txt"
[ "$("$LEXKIT" tokenize --input "$TMP/shy.txt")" = "information cooperate xy $(printf '\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9') information" ] \
    || fail "format characters: $("$LEXKIT" tokenize --input "$TMP/shy.txt" | od -c | head -3)"
[ "$("$LEXKIT" tokenize --tokenizer sklearn --input "$TMP/shy.txt")" = "infor mation co operate information" ] \
    || fail "sklearn mode changed: $("$LEXKIT" tokenize --tokenizer sklearn --input "$TMP/shy.txt")"
"$LEXKIT" vocab --input "$TMP/shy.txt" --output "$TMP/shy.tsv" 2> /dev/null || fail "vocab"
grep -q "^information	2$" "$TMP/shy.tsv" || fail "vocab: $(cat "$TMP/shy.tsv")"

[ "$fails" -eq 0 ] && echo "tokenize CLI: all passed"
exit $((fails > 0))
