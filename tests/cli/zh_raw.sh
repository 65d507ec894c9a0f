#!/usr/bin/env bash
# End-to-end: raw Chinese text through the shipped char model (tag --input-format raw,
# tokenize --model): punctuation, numbers, URLs, e-mail addresses and full-width forms come
# out as their own tokens (pre-tokenization constraints, whatever the model would do);
# --user-dict keeps listed words whole and forces their tag; --script converts traditional
# text for the model only; bad input (invalid UTF-8, bad dictionary lines) is a positioned
# error; empty lines stay empty.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" zh-raw
M=${LK_SRC:-.}/corpora/models/zh-gsd-char.lkt

# tok_line TEXT [OPTS...]: tokenize --model TEXT into $T/tok
tok_line() {
  local text=$1; shift
  printf '%s\n' "$text" > "$T/in"
  "$L" tokenize --model "$M" --input "$T/in" "$@" > "$T/tok" 2> "$T/err" || fail "tokenize: $(cat "$T/err")"
}
# has_tokens TOKEN...: each TOKEN is a whole token of $T/tok
has_tokens() {
  for t in "$@"; do
    tr ' ' '\n' < "$T/tok" | grep -qxF -- "$t" || fail "'$t' is not a token of: $(cat "$T/tok")"
  done
}

# ---- every punctuation mark, number, URL and e-mail address is its own token -------------
tok_line '（北京）“你好”：他说；'
has_tokens '（' '）' '“' '”' '：' '；'
[ "$(tr -d ' ' < "$T/tok")" = '（北京）“你好”：他说；' ] || fail "characters changed: $(cat "$T/tok")"
tok_line 'GDP增长5.2%，iPhone 15售价5999元。'
has_tokens 'GDP' '5.2%' '，' 'iPhone' '15' '5999' '。'
tok_line 'https://example.com/zh-cn/index'
[ "$(cat "$T/tok")" = 'https://example.com/zh-cn/index' ] || fail "URL split: $(cat "$T/tok")"
tok_line '详情见https://example.com/zh-cn/index。'
has_tokens 'https://example.com/zh-cn/index' '。'
tok_line '请发邮件到zhang.san@example.com，谢谢。'
has_tokens 'zhang.san@example.com' '，' '。'
tok_line '上t.sina.com.cn/abc或baidu.com搜索，版本1.2.3。'
has_tokens 't.sina.com.cn/abc' 'baidu.com' '1.2.3' '，' '。'
tok_line '型号ＡＢＣ１２３的价格是１２，９９９元。'
has_tokens 'ＡＢＣ１２３' '１２，９９９' '。'
tok_line '他说……真的吗？！'
has_tokens '……' '？' '！'
# no token mixes a punctuation mark with anything else, on a harder mixed line
tok_line '（Tim Cook）说：A+！错，iPhone很好。'
has_tokens '（' 'Tim' 'Cook' '）' '：' '！' '，' '。'
# tags: punctuation is PUNCT or SYM
printf '（北京）“你好”：他说；\n' > "$T/in"
"$L" tag --model "$M" --input "$T/in" --output-format slash > "$T/tag" || fail "tag failed"
for p in '（' '）' '“' '”' '：' '；'; do
  tr ' ' '\n' < "$T/tag" | grep -qxE -- "$p/(PUNCT|SYM)" || fail "$p not PUNCT/SYM: $(cat "$T/tag")"
done
# emoji and other symbols are SYM (UD: "emoji ... SYM"), whatever the model prefers
printf '👍好的，没问题😊价格是$5，1+1=2。\n' > "$T/in"
"$L" tag --model "$M" --input "$T/in" --output-format slash > "$T/tag" || fail "tag failed"
for p in '👍' '😊' '$' '+' '='; do
  tr ' ' '\n' < "$T/tag" | grep -qxF -- "$p/SYM" || fail "$p not SYM: $(cat "$T/tag")"
done
tr ' ' '\n' < "$T/tag" | grep -qxF -- '，/PUNCT' || fail "， not PUNCT: $(cat "$T/tag")"
# a number is NUM, also after a currency sign (the model alone gave `只要/ADP $/SYM 1999/X`)
printf '只要$1999就能买到\n价格US$999，门票HK$50，€899，£799，¥120000，₩1000，￥199\n' > "$T/in"
"$L" tag --model "$M" --input "$T/in" --output-format slash > "$T/tag" || fail "tag failed"
for w in 1999 999 50 899 799 120000 1000 199; do
  tr ' ' '\n' < "$T/tag" | grep -qxF -- "$w/NUM" || fail "$w not NUM: $(cat "$T/tag")"
done
# 第 before digits is one NUM word, as UD GSD writes it (第46, 第117)
printf '他在第89分钟进球，第１２届比赛\n' > "$T/in"
"$L" tag --model "$M" --input "$T/in" --output-format slash > "$T/tag" || fail "tag failed"
for w in 第89 第１２; do
  tr ' ' '\n' < "$T/tag" | grep -qxF -- "$w/NUM" || fail "$w not one NUM word: $(cat "$T/tag")"
done
# an @handle is one word; the # of a #hashtag# is PUNCT or SYM, the Han text between is
# the model's
tok_line '关注@zhang_san和@li.si，转发#话题#'
has_tokens '@zhang_san' '@li.si' '#'
printf '#话题#今天@zhang_san说\n' > "$T/in"
"$L" tag --model "$M" --input "$T/in" --output-format slash > "$T/tag" || fail "tag failed"
[ "$(tr ' ' '\n' < "$T/tag" | grep -cxE -- '#/(PUNCT|SYM)')" = 2 ] || fail "# not PUNCT/SYM: $(cat "$T/tag")"
tr ' ' '\n' < "$T/tag" | grep -qE -- '^@zhang_san/' || fail "@zhang_san split: $(cat "$T/tag")"
# without pre-tokenization the model alone decides (the shipped model glues some marks)
tok_line 'GDP增长5.2%，iPhone 15售价5999元。' --no-pretok
[ -s "$T/tok" ] || fail "--no-pretok: no output"

# ---- user dictionary ---------------------------------------------------------------------
S='我们明天去北京看长城。长江大桥很长。'
tok_line "$S"
cp "$T/tok" "$T/nodict"
# cross-word strings no model produces as words: split without the dictionary
for w in '天去北' '京看长城' '江大'; do
  tr ' ' '\n' < "$T/nodict" | grep -qxF "$w" && fail "model alone gives '$w' (test is void)"
done
printf '# test dictionary\n\n天去北\n京看长城\t NOUN\n江大 \n' > "$T/dict.txt"
tok_line "$S" --user-dict "$T/dict.txt"
has_tokens '天去北' '京看长城' '江大'
[ "$(tr -d ' ' < "$T/tok")" = "$S" ] || fail "user dict changed characters: $(cat "$T/tok")"
printf '%s\n' "$S" > "$T/in"
"$L" tag --model "$M" --input "$T/in" --user-dict "$T/dict.txt" --output-format slash > "$T/tag" || fail "tag --user-dict"
tr ' ' '\n' < "$T/tag" | grep -qxF '京看长城/NOUN' || fail "dictionary tag not forced: $(cat "$T/tag")"
# overlapping dictionary words: leftmost-longest (北京看 wins over 京看长城 at its left)
printf '北京看\n京看长城\n' > "$T/dict2.txt"
tok_line "$S" --user-dict "$T/dict2.txt"
has_tokens '北京看'
tr ' ' '\n' < "$T/tok" | grep -qxF '京看长城' && fail "overlapping word applied: $(cat "$T/tok")"
# a 20,000-word dictionary loads and still applies
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "词%05d\n", i }' > "$T/big.txt"
printf '天去北\n' >> "$T/big.txt"
tok_line "$S" --user-dict "$T/big.txt"
has_tokens '天去北'

# ---- traditional script --------------------------------------------------------------------
cat > "$T/trad.txt" <<'TXT'
然而,這樣的處理也衍生了一些問題.
樓頂有天文台,現為天文社使用.
自然界的土是由岩石經風化、搬運、堆積而形成的.
該市鎮總面積28.59平方公里,2009年時的人口為617人.
後來他重回橋樑道路學院教學,並繼續他的研究工作.
TXT
cat > "$T/simp.txt" <<'TXT'
然而,这样的处理也衍生了一些问题.
楼顶有天文台,现为天文社使用.
自然界的土是由岩石经风化、搬运、堆积而形成的.
该市镇总面积28.59平方公里,2009年时的人口为617人.
后来他重回桥梁道路学院教学,并继续他的研究工作.
TXT
"$L" tokenize --model "$M" --input "$T/simp.txt" > "$T/simp.out" || fail "tokenize simp"
for script in auto traditional; do
  "$L" tokenize --model "$M" --script $script --input "$T/trad.txt" > "$T/trad.out" || fail "tokenize trad"
  [ "$(tr -d ' ' < "$T/trad.out")" = "$(cat "$T/trad.txt")" ] || fail "--script $script changed characters"
  # word lengths (in characters) line by line equal those of the simplified text
  python3 - "$T/trad.out" "$T/simp.out" <<'PY' || fail "--script $script: segmentation differs from the simplified text"
import sys
a, b = (open(p, encoding="utf-8").read().splitlines() for p in sys.argv[1:3])
lens = lambda l: [len(w) for w in l.split(" ")]
sys.exit(0 if [lens(x) for x in a] == [lens(x) for x in b] else 1)
PY
done
# tag keeps the user's characters as well
"$L" tag --model "$M" --input "$T/trad.txt" --output-format conllu > "$T/trad.conllu" || fail "tag trad"
[ "$(awk -F'\t' 'NF == 10 {printf "%s", $2} NF == 0 {print ""}' "$T/trad.conllu")" = "$(cat "$T/trad.txt")" ] ||
  fail "tag --script auto: FORMs are not the input characters"
# --script simplified leaves the model on the raw characters: the output is still the
# user's text (the shipped model, trained on traditional copies too, may segment it alike,
# so that no conversion happened is checked through the index below, where it shows)
"$L" tokenize --model "$M" --script simplified --input "$T/trad.txt" > "$T/trad.raw" || fail "simplified"
[ "$(tr -d ' ' < "$T/trad.raw")" = "$(tr -d ' ' < "$T/trad.txt")" ] || fail "--script simplified changed the characters"
expect_fail 2 "script" "$L" tokenize --model "$M" --script klingon --input "$T/trad.txt"

# ---- search: traditional queries find simplified documents (index --zh-script) --------
printf '{"id":"d1","text":"长江大桥是一座桥。"}\n{"id":"d2","text":"北京的天气很好。"}\n{"id":"d3","text":"黃河大橋很長。"}\n' > "$T/docs.jsonl"
"$L" index --input "$T/docs.jsonl" --index "$T/ix" --zh-model "$M" --quiet || fail "index --zh-model"
"$L" search --index "$T/ix" --query '長江大橋' --output-format tsv > "$T/hits" || fail "search"
[ "$(head -1 "$T/hits" | cut -f3)" = d1 ] || fail "長江大橋 does not find 长江大桥 first: $(cat "$T/hits")"
"$L" search --index "$T/ix" --query '黄河大桥' --output-format tsv > "$T/hits" || fail "search"
[ "$(head -1 "$T/hits" | cut -f3)" = d3 ] || fail "黄河大桥 does not find 黃河大橋 first: $(cat "$T/hits")"
"$L" index --input "$T/docs.jsonl" --index "$T/ix2" --zh-model "$M" --zh-script simplified --quiet || fail "index simplified"
"$L" search --index "$T/ix2" --query '長江大橋' --output-format tsv > "$T/hits" || fail "search"
[ "$(head -1 "$T/hits" | cut -f3)" = d3 ] || fail "--zh-script simplified converted: $(cat "$T/hits")"
# without --zh-model (Han unigrams + bigrams) the mapping applies too (it used to be refused)
"$L" index --input "$T/docs.jsonl" --index "$T/ix3" --zh-script auto --quiet || fail "index --zh-script auto"
"$L" search --index "$T/ix3" --query '長江大橋' --output-format tsv > "$T/hits" || fail "search"
[ "$(head -1 "$T/hits" | cut -f3)" = d1 ] || fail "no model: 長江大橋 does not find 长江大桥 first: $(cat "$T/hits")"

# ---- bad input -------------------------------------------------------------------------
printf '你好。\n他说\xff好\n' > "$T/bad.txt"
expect_fail 1 "bad.txt:2:3: invalid UTF-8" "$L" tag --model "$M" --input "$T/bad.txt"
expect_fail 1 "bad.txt:2:3: invalid UTF-8" "$L" tokenize --model "$M" --input "$T/bad.txt"
printf '好词\n\n坏 行 here\n' > "$T/baddict.txt"
expect_fail 1 "baddict.txt:3:5: expected \`word \[TAG\]\`" "$L" tag --model "$M" --input "$T/simp.txt" --user-dict "$T/baddict.txt"
expect_fail 1 "baddict.txt:3:5: " "$L" tokenize --model "$M" --input "$T/simp.txt" --user-dict "$T/baddict.txt"
printf '好词 NOTATAG\n' > "$T/badtag.txt"
expect_fail 1 "badtag.txt:1:4: tag NOTATAG is not in the model" "$L" tag --model "$M" --input "$T/simp.txt" --user-dict "$T/badtag.txt"
printf 'ok\n\xfe\n' > "$T/badenc.txt"
expect_fail 1 "badenc.txt:2:1: invalid UTF-8" "$L" tag --model "$M" --input "$T/simp.txt" --user-dict "$T/badenc.txt"
expect_fail 1 "nonexistent" "$L" tag --model "$M" --input "$T/simp.txt" --user-dict "$T/nonexistent"
# empty lines: an empty output line each, in place
printf '你好。\n\n\n他说English和中文混合, 1,000元!\n' > "$T/empty.txt"
"$L" tokenize --model "$M" --input "$T/empty.txt" > "$T/out" || fail "empty lines"
[ "$(wc -l < "$T/out")" = 4 ] || fail "empty lines: want 4 output lines: $(cat "$T/out")"
[ "$(sed -n 2p "$T/out")$(sed -n 3p "$T/out")" = "" ] || fail "empty lines not empty"
grep -qE '(^| )English( |$)' "$T/out" && grep -qE '(^| )1,000( |$)' "$T/out" || fail "mixed scripts: $(sed -n 4p "$T/out")"
"$L" tag --model "$M" --input "$T/empty.txt" --output-format slash > "$T/out" || fail "tag empty lines"
[ "$(wc -l < "$T/out")" = 4 ] && [ -z "$(sed -n 2p "$T/out")" ] || fail "tag empty lines: $(cat "$T/out")"

finish zh_raw
