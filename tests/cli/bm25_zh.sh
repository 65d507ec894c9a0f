#!/usr/bin/env bash
# End-to-end tests of Chinese word terms in `lexkit index --zh-model`: a query that only
# ranks the right document first when the text is segmented into words (市长 "mayor" vs the
# 市|长 of 南京市长江大桥), the model copied into the index and used by `search` without
# being passed again, --add keeping it, and clear errors when the copy is missing or changed.
set -u
M=${LK_SRC:-.}/corpora/models/zh-gsd-char.lkt
. "${LK_SRC:-.}/tests/cli_lib.sh" bm25_zh
top() { "$L" search --index "$1" --query "$2" --k 10 | cut -d' ' -f3 | tr '\n' ' '; }
# sets INDEX QUERY... : as tops, each query's documents sorted by id
sets() {
  { tops "$@"; echo; } | tr '/' '\n' | while read -r ids; do echo $(printf '%s\n' $ids | sort); done |
    paste -sd/
}
# tops INDEX QUERY... : "docs of query 1 / docs of query 2 / ..." from one search run
tops() {
  local idx=$1 i=0
  shift
  for q in "$@"; do i=$((i + 1)); printf 'q%d\t%s\n' "$i" "$q"; done > "$T/q.tsv"
  "$L" search --index "$idx" --queries "$T/q.tsv" --k 10 ${SYNTAX:+--syntax on} > "$T/q.run"
  for j in $(seq 1 "$i"); do
    awk -v q="q$j" '$1 == q {printf "%s ", $3}' "$T/q.run"
    [ "$j" = "$i" ] || printf '/ '
  done
}

cat > "$T/docs.jsonl" <<'EOF'
{"id": "bridge", "text": "南京市长江大桥很长。"}
{"id": "mayor", "text": "市长今天访问了学校，学生们很高兴。"}
{"id": "wall", "text": "我们明天去北京看长城。"}
EOF
# character bigrams: the bridge (市长 across 南京市|长江, and two 长) comes first
"$L" index --input "$T/docs.jsonl" --index "$T/bi" --lang zh || fail "index bigrams"
[ "$(top "$T/bi" 市长)" = "bridge mayor wall " ] || fail "bigrams: $(top "$T/bi" 市长)"
# words: only the mayor's document has the word 市长
"$L" index --input "$T/docs.jsonl" --index "$T/w" --lang zh --zh-model "$M" --zh-terms words ||
  fail "index words"
[ -f "$T/w/zh-model.lkt" ] && cmp -s "$M" "$T/w/zh-model.lkt" || fail "model not copied"
got=$(tops "$T/w" 市长 长江)
[ "$got" = "mayor / bridge " ] || fail "words: $got"
[ "$(top "$T/w/index.lkbx" 市长)" = "mayor " ] || fail "index file path: model beside it"
# words+bigrams (the default terms with a model): words and the bigrams that are not words
"$L" index --input "$T/docs.jsonl" --index "$T/wb" --lang zh --zh-model "$M" || fail "index w+b"
got=$(tops "$T/wb" 访问学校 江大)
[ "$got" = "mayor / bridge " ] || fail "words+bigrams: $got"
# --add keeps the analyzer and its model
echo '{"id": "mayor2", "text": "新市长说话了"}' > "$T/more.jsonl"
"$L" index --add --input "$T/more.jsonl" --index "$T/w" || fail "add"
[ -f "$T/w/zh-model.lkt" ] || fail "model lost by --add"
[ "$(top "$T/w" 市长)" = "mayor2 mayor " ] || fail "after add: $(top "$T/w" 市长)"
# usage errors
expect_fail 2 "needs --zh-model" "$L" index --input "$T/docs.jsonl" --index "$T/x" --zh-terms words
expect_fail 2 "zh-terms must be" "$L" index --input "$T/docs.jsonl" --index "$T/x" --zh-model "$M" --zh-terms chars
expect_fail 2 "needs --lang zh" "$L" index --input "$T/docs.jsonl" --index "$T/x" --lang en --zh-model "$M"
expect_fail 2 "analyzer" "$L" index --add --input "$T/more.jsonl" --index "$T/w" --zh-model "$M"
expect_fail 1 "nope.lkt" "$L" index --input "$T/docs.jsonl" --index "$T/x" --zh-model "$T/nope.lkt"
[ -e "$T/x" ] && fail "failed build left $T/x"
# the copy in the index moved away, or changed: a clear error naming it, no results
mv "$T/w/zh-model.lkt" "$T/moved.lkt"
expect_fail 1 "w/zh-model.lkt" "$L" search --index "$T/w" --query 市长
[ -s "$T/out" ] && fail "results without the model"
expect_fail 1 "w/zh-model.lkt" "$L" index --add --input "$T/more.jsonl" --index "$T/w"
cp "$T/moved.lkt" "$T/w/zh-model.lkt"
printf 'X' | dd of="$T/w/zh-model.lkt" bs=1 seek=1000 conv=notrunc 2> /dev/null
expect_fail 1 "zh-model.lkt: Chinese model changed (CRC-32" "$L" search --index "$T/w" --query 市长
cp "$T/moved.lkt" "$T/w/zh-model.lkt"
[ "$(top "$T/w" 市长)" = "mayor2 mayor " ] || fail "restored model"

# several batches (64 documents each) segmented ahead: the bridge and the mayor deep in the
# second and third batch, with titles, are found as in a one-document index; --threads 1
# writes the same file; a bad line in the third batch is named, its batch not indexed
for i in $(seq 1 150); do
  case $i in
    100) echo '{"id": "bridge", "title": "大桥", "text": "南京市长江大桥很长。"}' ;;
    140) echo '{"id": "mayor", "title": "新闻", "text": "市长今天访问了学校，学生们很高兴。"}' ;;
    *) echo "{\"id\": \"d$i\", \"text\": \"我们明天去北京看长城，第$i天。\"}" ;;
  esac
done > "$T/many.jsonl"
"$L" index --input "$T/many.jsonl" --index "$T/m2" --lang zh --zh-model "$M" --zh-terms words ||
  fail "index many"
"$L" index --input "$T/many.jsonl" --index "$T/m1" --lang zh --zh-model "$M" --zh-terms words \
  --threads 1 || fail "index many, one thread"
cmp -s "$T/m1/index.lkbx" "$T/m2/index.lkbx" || fail "threads 1 and 2 differ"
[ "$(tops "$T/m2" 市长 长江 大桥)" = "mayor / bridge / bridge " ] ||
  fail "many: $(tops "$T/m2" 市长 长江 大桥)"
sed '130s/.*/{"id": "bad", "text": 7}/' "$T/many.jsonl" > "$T/bad.jsonl"
expect_fail 1 "bad.jsonl:130:" "$L" index --input "$T/bad.jsonl" --index "$T/mb" --lang zh \
  --zh-model "$M"
[ ! -e "$T/mb/index.lkbx" ] || fail "bad input left an index"

# ---- traditional <-> simplified without a model (Han unigrams + bigrams) -------------------
# The default (english) analyzer and --zh-script auto|traditional map each Han character to
# simplified in documents and queries; --analyzer plain (the old analyzer) and --zh-script
# simplified do not. Documents: s simplified, t traditional, x unrelated.
printf '{"id":"s","text":"南京长江大桥于1968年建成。"}\n{"id":"t","text":"黃河與長江是中國的兩條大河。"}\n{"id":"x","text":"今天天气很好。"}\n' > "$T/st.jsonl"
for v in default auto traditional simplified plain; do
  case $v in
    default) opts=() ;;
    plain) opts=(--analyzer plain) ;;
    *) opts=(--zh-script "$v") ;;
  esac
  "$L" index --input "$T/st.jsonl" --index "$T/st-$v" "${opts[@]}" > /dev/null 2> "$T/err" ||
    fail "index $v: $(cat "$T/err")"
done
for v in default auto traditional; do
  got=$(tops "$T/st-$v" 長江大橋 长江大桥 黄河 黃河)
  [ "$got" = "s t / s t / t / t " ] || fail "$v: traditional and simplified differ: '$got'"
  a=$("$L" search --index "$T/st-$v" --query 長江大橋 --format tsv | cut -f3,4)
  b=$("$L" search --index "$T/st-$v" --query 长江大桥 --format tsv | cut -f3,4)
  [ "$a" = "$b" ] || fail "$v: scores of 長江大橋 and 长江大桥 differ: $a / $b"
done
for v in simplified plain; do
  # unmapped: 長江大橋 shares only 江 and 大 with s, and its bigram 長江 with t
  got=$(tops "$T/st-$v" 長江大橋 长江大桥)
  [ "$got" = "t s / s t " ] || fail "$v: mapped anyway: '$got'"
done
# the plain analyzer's index is the old one byte for byte: no han_fold in its settings
grep -qa 'han_fold' "$T/st-plain/index.lkbx" && fail "plain index records han_fold"
grep -qa 'han_fold=t2s' "$T/st-default/index.lkbx" || fail "default index lacks han_fold"

# ---- phrases and field terms with a model, in every --zh-terms mode ------------------------
# The characters / bigrams of a run follow its words in the term stream; they overlap the
# words (source spans), so phrases and field terms are matched on the words alone, as the
# query's own terms are. Both scripts (t is traditional) must match, with the positions
# section and without it (then the stored fields are re-analyzed).
printf '%s\n' '{"id":"t","title":"深度學習簡介","text":"深度學習使用神經網路。"}' \
  '{"id":"s","title":"深度学习简介","text":"深度学习使用神经网络。"}' \
  '{"id":"o","title":"其他","text":"其他文本内容"}' > "$T/ph.jsonl"
for zt in words words+chars words+bigrams; do
  for pos in "" --positions; do
    ix="$T/ph-$zt$pos"
    "$L" index --input "$T/ph.jsonl" --index "$ix" --zh-model "$M" --zh-terms "$zt" $pos \
      > /dev/null 2> "$T/err" || fail "index $zt$pos: $(cat "$T/err")"
    got=$(SYNTAX=1 sets "$ix" '"深度学习"' '"使用"' '+深度学习' 'title:深度学习' 'text:深度学习' \
      'title:使用' '"使用深度学习"' '"深度学习使用"' '"深度学习简介"' 'text:"深度学习使用"')
    want="s t/s t/s t/s t/s t///s t/s t/s t"
    [ "$got" = "$want" ] || fail "phrases, $zt$pos: '$got' (want '$want')"
  done
done

[ "$fails" = 0 ] && echo "bm25_zh: all passed"
exit $((fails > 0))
