#!/usr/bin/env bash
# End-to-end: --granularity fine|coarse of `tag` and `tokenize --model` on the shipped char
# model. fine (the default) is the model's words (UD GSD: 图书 馆); coarse joins a
# one-character word the model tags PART to the word before it when the two are a word of the
# model's dictionary (图书馆, tagged NOUN), then joins other runs of words that make a
# dictionary word (高 血压, 五 花 肉, 三 国) unless the dictionary or the model's tags say the
# split is a boundary (一 个 人, 明 中叶, 作品 中 常). Words fixed by the pre-tokenizer or the
# user dictionary are never joined; tag and tokenize give the same words; a bad value is a
# usage error.
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
[ "$(sed -n 1p "$T/coarse")" = '我们/PRON 去/VERB 图书馆/NOUN 借书/NOUN 。/PUNCT' ] ||
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

# dictionary joins (models/zhseg.c dict_join): the model splits these words ...
printf '%s\n' '高血压患者应当低盐饮食，适量运动。' '再加入五花肉翻炒，这个价格性价比超高。' \
  '诸葛亮是三国时期蜀汉的丞相，比赛双方握手。' '一个人才能成为研究生命的人。' \
  '到了明中叶后逐渐衰落，作品中常见这样的描写。' > "$T/in2"
"$L" tag --model "$M" --input "$T/in2" > "$T/fine_d" || fail "tag fine (dictionary joins)"
for w in 高/NOUN 血压/NOUN 低/ADJ 盐/NOUN 五/NUM 花/NOUN 肉/PART 性价/NOUN 比/ADP 三/NUM 国/NOUN \
         双/NUM 方/NOUN 成/VERB 为/VERB 人/NOUN 才/SCONJ 中/ADP 常见/ADJ; do
  tr ' ' '\n' < "$T/fine_d" | grep -qxF "$w" || fail "fine lacks $w (model changed?): $(cat "$T/fine_d")"
done
# ... and coarse joins them with the dictionary's tag. It leaves 这 个 (a pronoun and a
# measure word), 诸葛 亮 (诸葛 is a dictionary word: a name is not joined then), 一 个 人 (一个
# is the dictionary match, a numeral word, so 个 人 is not tried), 人 才 (才: SCONJ), 研究
# 生命 (two words the model wrote whole), 低 盐 (低: ADJ), 作品 中 常见 (中: ADP).
"$L" tag --model "$M" --input "$T/in2" --granularity coarse > "$T/coarse_d" ||
  fail "tag coarse (dictionary joins)"
cat > "$T/want_d" <<'EOF'
高血压/NOUN 患者/NOUN 应当/VERB 低/ADJ 盐/NOUN 饮食/NOUN ，/PUNCT 适量/ADJ 运动/NOUN 。/PUNCT
再/ADV 加入/VERB 五花肉/NOUN 翻炒/VERB ，/PUNCT 这/DET 个/NOUN 价格/NOUN 性价比/NOUN 超高/ADJ 。/PUNCT
诸葛/PROPN 亮/PROPN 是/AUX 三国/PROPN 时期/NOUN 蜀汉/PROPN 的/PART 丞相/NOUN ，/PUNCT 比赛/NOUN 双方/NOUN 握手/NOUN 。/PUNCT
一/NUM 个/NOUN 人/NOUN 才/SCONJ 能/AUX 成为/VERB 研究/VERB 生命/NOUN 的/SCONJ 人/NOUN 。/PUNCT
到/VERB 了/AUX 明中叶/PROPN 后/ADP 逐渐/ADV 衰落/VERB ，/PUNCT 作品/NOUN 中/ADP 常见/ADJ 这样/PRON 的/SCONJ 描写/NOUN 。/PUNCT
EOF
diff "$T/want_d" "$T/coarse_d" > "$T/diff_d" || fail "dictionary joins: $(cat "$T/diff_d")"
# a numeral digit and a measure word stay two words, whatever the dictionary says (jieba
# lists 三本 四本 五本 as place names: coarse gave 三本/PROPN 书); names starting with a
# numeral (三国, 三峡) still join
printf '我借了三本书，他借了五本书。三峡大坝很大。\n' | "$L" tag --model "$M" --granularity coarse > "$T/m2" ||
  fail "tag coarse measure words"
[ "$(cat "$T/m2")" = '我/PRON 借/VERB 了/AUX 三/NUM 本/NOUN 书/NOUN ，/PUNCT 他/PRON 借/VERB 了/AUX 五/NUM 本/NOUN 书/NOUN 。/PUNCT 三峡/PROPN 大坝/NOUN 很大/ADJ 。/PUNCT' ] ||
  fail "numeral + measure word joined: $(cat "$T/m2")"
# a user word or punctuation is never part of a dictionary join
printf '血压\n' > "$T/dict2.txt"
printf '高血压患者\n' | "$L" tag --model "$M" --granularity coarse --user-dict "$T/dict2.txt" \
  > "$T/ud2" || fail "tag coarse --user-dict"
[ "$(cat "$T/ud2")" = '高/NOUN 血压/NOUN 患者/NOUN' ] || fail "user word joined: $(cat "$T/ud2")"
printf '加入五，花肉\n' | "$L" tag --model "$M" --granularity coarse > "$T/p2" || fail "tag coarse punct"
grep -q '五，花肉\|五花肉' "$T/p2" && fail "joined across punctuation: $(cat "$T/p2")"

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
