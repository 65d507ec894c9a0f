#!/usr/bin/env bash
# End-to-end: --granularity fine|coarse of `tag` and `tokenize --model` on the shipped char
# model. fine (the default) is the model's words (UD GSD: 图书 馆); coarse joins a
# one-character word the model tags PART to the word before it when the two are a word of the
# model's dictionary (图书馆, tagged NOUN). Words fixed by the pre-tokenizer or the user
# dictionary are never joined; tag and tokenize give the same words; a bad value is a usage
# error.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" zh-granularity
M=${LK_SRC:-.}/corpora/models/zh-gsd-char.lkt

printf '我们去图书馆借书。\n外国人学习汉语的时候，最难的是声调和汉字。\n他的朋友都是服务员。\n' > "$T/in"
# tag_lines OUT [OPTS...]
tag_lines() {
  local out=$1; shift
  "$L" tag --model "$M" --input "$T/in" "$@" > "$T/$out" 2> "$T/err" || fail "tag $*: $(cat "$T/err")"
}
tag_lines fine
tag_lines fine2 --granularity fine
cmp -s "$T/fine" "$T/fine2" || fail "fine is not the default"
tag_lines coarse --granularity coarse

# the model alone splits these suffix compounds (the test is void otherwise)
for w in 图书/NOUN 馆/PART 外国/NOUN 人/PART 服务/VERB 员/PART; do
  tr ' ' '\n' < "$T/fine" | grep -qxF "$w" || fail "fine lacks $w (model changed?): $(cat "$T/fine")"
done
[ "$(sed -n 1p "$T/coarse")" = '我们/PRON 去/VERB 图书馆/NOUN 借书/VERB 。/PUNCT' ] ||
  fail "coarse line 1: $(sed -n 1p "$T/coarse")"
for w in 外国人/NOUN 汉语/NOUN 汉字/NOUN 服务员/NOUN; do
  tr ' ' '\n' < "$T/coarse" | grep -qxF "$w" || fail "coarse lacks $w: $(cat "$T/coarse")"
done
# a PART word that does not make a dictionary word with its left neighbour stays: 的 after 汉语
tr ' ' '\n' < "$T/coarse" | grep -qxF '的/PART' || fail "的 joined: $(cat "$T/coarse")"
# same characters, in order; coarse only joins (each coarse word is a run of fine words)
for f in fine coarse; do
  [ "$(sed 's#/[A-Z]*##g; s/ //g' "$T/$f")" = "$(tr -d ' ' < "$T/in")" ] || fail "$f changed characters"
done
/usr/bin/env python3 - "$T/fine" "$T/coarse" <<'EOF' || fail "coarse is not a join of fine words"
import sys
def bounds(line):
    b, at = set(), 0
    for w in line.split():
        at += len(w.rsplit("/", 1)[0]); b.add(at)
    return b
for f, c in zip(open(sys.argv[1], encoding="utf-8"), open(sys.argv[2], encoding="utf-8")):
    if not bounds(c) <= bounds(f): sys.exit(1)
EOF

# tokenize --model gives the same words
"$L" tokenize --model "$M" --input "$T/in" --granularity coarse > "$T/tok" || fail "tokenize coarse"
[ "$(sed 's#/[A-Z]*##g' "$T/coarse")" = "$(cat "$T/tok")" ] || fail "tokenize != tag: $(cat "$T/tok")"

# a user word is never joined to the suffix after it
printf '图书\n' > "$T/dict.txt"
tag_lines ud --granularity coarse --user-dict "$T/dict.txt"
tr ' ' '\n' < "$T/ud" | grep -qxF '图书/NOUN' || fail "user word joined: $(sed -n 1p "$T/ud")"
# traditional input: joined on the converted text, output keeps the input's characters
printf '我們去圖書館借書。\n' > "$T/in"
tag_lines trad --granularity coarse
tr ' ' '\n' < "$T/trad" | grep -qxF '圖書館/NOUN' || fail "traditional: $(cat "$T/trad")"

expect_fail 2 "granularity" "$L" tag --model "$M" --input "$T/in" --granularity medium
expect_fail 2 "granularity" "$L" tokenize --model "$M" --input "$T/in" --granularity

finish zh_granularity
