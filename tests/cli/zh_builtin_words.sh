#!/usr/bin/env bash
# End-to-end: the raw-text path keeps built-in words whole (with pre-tokenization, the
# default): words that mix ASCII letters with Han (T恤, X光, B超, 卡拉OK, C罗: the pre-tokenizer
# used to cut them at the script change and the model glued the pieces to their neighbours:
# T/X 恤去/VERB) and Chinese numerals in characters, one NUM word each (第一千零六十二, 二〇二五,
# 一点五: the model cut them as 第一千 零六十二, 二〇 二五, 一 点 五); words such as 一般, 万一,
# 千万, 十分, 一点儿, 三五成群 are not numerals. A user word wins over a built-in one;
# --no-pretok leaves everything to the model. Exact output lines of the shipped model.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" zh-builtin-words
M=${LK_SRC:-.}/corpora/models/zh-gsd-char.lkt

cat > "$T/in" <<'TXT'
他穿了一件白色T恤去唱卡拉OK。
医生让我去拍X光片，再做个B超。
我在B站看了一个关于A股的视频。
C罗职业生涯已经打进超过800个进球。
多吃水果可以补充维生素C。
根据民法典第一千零六十二条的规定。
这座桥全长一点五公里。
二〇二五年是他退休的第二年。
现场来了一千多名观众，增长了百分之二十。
兩萬八千塊錢
TXT
cat > "$T/want" <<'TXT'
他/PRON 穿/VERB 了/AUX 一/NUM 件/NOUN 白色/NOUN T恤/NOUN 去/VERB 唱/VERB 卡拉OK/NOUN 。/PUNCT
医生/NOUN 让/VERB 我/PRON 去拍/VERB X光/NOUN 片/PART ，/PUNCT 再/ADV 做/VERB 个/NOUN B超/NOUN 。/PUNCT
我/PRON 在/ADP B站/NOUN 看/VERB 了/AUX 一/NUM 个/NOUN 关于/ADP A股/NOUN 的/PART 视频/NOUN 。/PUNCT
C罗/PROPN 职业/NOUN 生涯/NOUN 已经/ADV 打进/VERB 超过/VERB 800/NUM 个/NOUN 进球/NOUN 。/PUNCT
多/NUM 吃/VERB 水果/NOUN 可以/AUX 补充/VERB 维生素C/NOUN 。/PUNCT
根据/ADP 民法典/NOUN 第一千零六十二/NUM 条/NOUN 的/PART 规定/NOUN 。/PUNCT
这/DET 座/NOUN 桥/NOUN 全长/NOUN 一点五/NUM 公里/NOUN 。/PUNCT
二〇二五/NUM 年/NOUN 是/VERB 他/PRON 退休/VERB 的/SCONJ 第二/NUM 年/NOUN 。/PUNCT
现场/NOUN 来/VERB 了/AUX 一千多/NUM 名/NOUN 观众/NOUN ，/PUNCT 增长/VERB 了/AUX 百分之二十/NUM 。/PUNCT
TXT
"$L" tag --model "$M" --input "$T/in" > "$T/out" 2> "$T/err" || fail "tag: $(cat "$T/err")"
head -9 "$T/out" | diff "$T/want" - > "$T/diff" || fail "tag output differs: $(cat "$T/diff")"
# traditional characters: the numeral in the input's characters
sed -n 10p "$T/out" | grep -q '^兩萬八千/NUM ' || fail "traditional numeral: $(sed -n 10p "$T/out")"
# tokenize --model gives the same words
"$L" tokenize --model "$M" --input "$T/in" > "$T/tok" || fail "tokenize"
[ "$(sed 's#/[A-Z]*##g' "$T/out")" = "$(cat "$T/tok")" ] || fail "tokenize != tag: $(cat "$T/tok")"

# as people type them: full-width letters (Chinese input methods) and lower case, the
# input's characters kept (Ｔ/X 恤去/VERB before)
printf '他穿了一件白色Ｔ恤去唱卡拉ＯＫ。\n我买了一个Ｕ盘和一件t恤，去唱卡拉ok吧\n' > "$T/in3"
"$L" tag --model "$M" --input "$T/in3" > "$T/out3" || fail "tag in3"
for w in Ｔ恤/NOUN 卡拉ＯＫ/NOUN Ｕ盘/NOUN t恤/NOUN 卡拉ok/NOUN; do
  tr ' ' '\n' < "$T/out3" | grep -qxF "$w" || fail "lacks $w: $(cat "$T/out3")"
done

# not numerals: these words keep the model's segmentation
printf '万一下雨了，你千万不要去。\n她今天十分开心，我想休息一点儿。\n游客们三五成群地聊天。\n这是我第一次来，他们打了三十分钟。\n' \
  > "$T/in2"
"$L" tokenize --model "$M" --input "$T/in2" > "$T/out2" || fail "tokenize in2"
for w in 万一 下雨 千万 十分 开心 一点 儿 三五 成群 第一 次 三十 分钟; do
  tr ' ' '\n' < "$T/out2" | grep -qxF "$w" || fail "lacks $w: $(cat "$T/out2")"
done

# a user word wins over a built-in one
printf 'X光片 NOUN\n' > "$T/dict"
echo '去拍X光片' | "$L" tag --model "$M" --user-dict "$T/dict" > "$T/ud" || fail "user dict"
[ "$(cat "$T/ud")" = '去/VERB 拍/VERB X光片/NOUN' ] || fail "user word: $(cat "$T/ud")"
# --no-pretok: the model alone
echo '做个B超' | "$L" tag --model "$M" --no-pretok > "$T/np" || fail "no-pretok"
grep -q 'B超/NOUN' "$T/np" && fail "--no-pretok kept the built-in word: $(cat "$T/np")"
finish zh_builtin_words
