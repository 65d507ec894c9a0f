#!/usr/bin/env bash
# Controls and format characters in raw Chinese text (tag, tokenize --model, with and
# without pre-tokenization) separate words like white space: none is a word (no empty
# CoNLL-U FORM for a NUL) or glued to one; the words are the text without them. An emoji
# ZWJ sequence stays one word, as the tokenizer keeps it.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" zh-invisible
M=${LK_SRC:-.}/corpora/models/zh-gsd-char.lkt

printf '我\xe2\x80\x8b爱北京\n\xef\xbb\xbf我爱北京\n我爱\xef\xbb\xbf北京\n我\xe2\x80\x8d爱北京\n\x7f中国\n中\xc2\xad国\xe2\x81\xa0人\xc2\x85民\n👨‍👩‍👧来了\n' > "$T/in"
# the input without its controls and format characters, but the emoji's ZWJs, as words
python3 - "$T/in" > "$T/want" <<'PY'
import sys, unicodedata
for line in open(sys.argv[1], encoding='utf-8').read().split('\n')[:-1]:
    keep = ''.join(c for c in line if c.isspace() is False and
                   (unicodedata.category(c) not in ('Cc', 'Cf') or
                    (c == '\u200d' and '👨' in line)))
    print(keep)
PY
for opt in "" --no-pretok; do
  "$L" tokenize --model "$M" --input "$T/in" $opt > "$T/tok" || fail "tokenize $opt: exit $?"
  tr -d ' ' < "$T/tok" > "$T/joined"
  [ -z "$opt" ] || sed -i 's/\xe2\x80\x8d//g' "$T/want"
  cmp -s "$T/joined" "$T/want" || fail "tokenize $opt: words are not the text without the invisible characters: $(diff "$T/joined" "$T/want" | head -4)"
  grep -q $'\xe2\x80\x8b\|\xef\xbb\xbf\|\x7f\|\xc2\xad\|\xe2\x81\xa0\|\xc2\x85' "$T/tok" && fail "tokenize $opt: an invisible character in a word"
done
"$L" tokenize --model "$M" --input "$T/in" > "$T/tok"
grep -qx '👨‍👩‍👧 来 了\|👨‍👩‍👧 来了' "$T/tok" || fail "emoji sequence split: $(tail -1 "$T/tok")"
printf 'a\x00b中文\n' | "$L" tag --model "$M" --output-format conllu > "$T/conllu" || fail "tag NUL: exit $?"
awk -F'\t' 'NF >= 2 && $2 == "" { bad = 1 } END { exit bad }' "$T/conllu" || fail "empty FORM: $(cat -A "$T/conllu")"
[ "$(grep -v '^#' "$T/conllu" | cut -f2 | tr -d '\n')" = 'ab中文' ] || fail "NUL line: $(cut -f2 "$T/conllu" | tr '\n' ' ')"
# the NUL is in no word, and is left out of the sentence's text too
grep -qx '# text = ab中文' "$T/conllu" || fail "NUL line: # text: $(grep '^# text' "$T/conllu" | cat -A)"
finish zh_invisible
