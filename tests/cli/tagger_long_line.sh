#!/usr/bin/env bash
# A 1 MB single line of Chinese is tagged in at most 100 MB (handed to the model in windows
# cut after 。, decoded in pieces cut at sentence punctuation) and gives the words of the
# same text split into lines by hand; a user word containing 。 turns the windows off and is
# kept whole everywhere; `--threads` never changes the output. Uses the shipped char model.
set -u
LEXKIT=${LEXKIT:?set LEXKIT to the lexkit binary}
M=corpora/models/zh-gsd-char.lkt
T=$(mktemp -d /tmp/lk-longline.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
MAX_RSS_KB=102400 # 100 MB (87 MB measured with 2 threads; 194 MB before the windows and the
                  # compact lexicon table; an unsplit line took > 1 GB)

SENT='我们明天去北京看长城。他说：“你好！”今天的天气很好，我们一起去公园散步吧？'
REPEAT=9000 # 1 MB; the sanitizer build (10-20x slower) checks the same on 20 KB
# ASan/UBSan (LK_SANITIZE) and TSan (LK_TSAN) builds: a shorter line, and no RSS bound
# (their shadow memory is most of the footprint)
SAN=OFF; [ "${LK_SANITIZE:-OFF}" = "ON" ] || [ "${LK_TSAN:-OFF}" = "ON" ] && SAN=ON
[ "$SAN" = "ON" ] && REPEAT=180
: > "$T/bylines.txt"
for i in $(seq $REPEAT); do printf '%s\n' "$SENT" >> "$T/bylines.txt"; done
tr -d '\n' < "$T/bylines.txt" > "$T/line.txt"
printf '\n' >> "$T/line.txt"
[ "$(wc -c < "$T/line.txt")" -gt $((REPEAT * 110)) ] || fail "test line shorter than expected"

if [ -x /usr/bin/time ] && [ "$SAN" != "ON" ]; then
  /usr/bin/time -f '%M' -o "$T/rss" "$LEXKIT" tag --model $M --input "$T/line.txt" --threads 2 \
    > "$T/line.tag" ||
    fail "tag long line: exit $?"
  rss=$(tail -1 "$T/rss")
  [ "$rss" -lt $MAX_RSS_KB ] || fail "long line: peak RSS ${rss} KB >= ${MAX_RSS_KB} KB"
else
  "$LEXKIT" tag --model $M --input "$T/line.txt" > "$T/line.tag" || fail "tag long line: exit $?"
fi
[ "$(wc -l < "$T/line.tag")" -eq 1 ] || fail "long line: want one output line"

# the same words as the sentences tagged one per line (the hand split: after 。！？)
sed 's/\([。！？]”*\)/\1\n/g' "$T/bylines.txt" | grep -v '^$' > "$T/hand.txt"
"$LEXKIT" tag --model $M --input "$T/hand.txt" --threads 1 | tr '\n' ' ' | sed 's/ $//' > "$T/hand.tag"
printf '\n' >> "$T/hand.tag"
cmp -s "$T/line.tag" "$T/hand.tag" || {
  diff <(tr ' ' '\n' < "$T/line.tag") <(tr ' ' '\n' < "$T/hand.tag") | head -5 >&2
  fail "long line: words differ from the hand-split text"
}
nw=$(wc -w < "$T/line.tag")
[ "$nw" -gt $((REPEAT * 10)) ] || fail "long line: only $nw words for $REPEAT x 39 characters"

# threads: same bytes for tag and tokenize --model (varied lines: the sentences by hand and
# 40 KB of the long line: windows)
LEN=$((REPEAT > 1800 ? 1800 : REPEAT))
{ head -n 300 "$T/hand.txt"; head -c $((LEN * 22)) "$T/line.txt" | iconv -c -f UTF-8 -t UTF-8; echo; } > "$T/mix.txt"
for n in 1 2 3; do
  "$LEXKIT" tag --model $M --input "$T/mix.txt" --threads $n > "$T/tag$n" || fail "tag --threads $n"
  "$LEXKIT" tokenize --model $M --input "$T/mix.txt" --threads $n > "$T/tok$n" ||
    fail "tokenize --threads $n"
done
cmp -s "$T/tag1" "$T/tag2" && cmp -s "$T/tag1" "$T/tag3" || fail "tag: output depends on --threads"
cmp -s "$T/tok1" "$T/tok2" && cmp -s "$T/tok1" "$T/tok3" || fail "tokenize: output depends on --threads"
"$LEXKIT" tag --model $M --input "$T/hand.txt" --threads 0 > /dev/null 2>&1
[ $? -eq 2 ] || fail "--threads 0: want usage error (2)"

# a user word with 。 in it: no windows (they would cut it), every occurrence kept whole
head -c $((LEN * 110)) "$T/line.txt" | iconv -c -f UTF-8 -t UTF-8 > "$T/part.txt"; echo >> "$T/part.txt"
printf '。他说\n' > "$T/stop.dict"
want=$(grep -o '。他说' "$T/part.txt" | wc -l)
[ "$want" -gt 100 ] || fail "user word test: only $want occurrences in the text"
"$LEXKIT" tag --model $M --input "$T/part.txt" --user-dict "$T/stop.dict" > "$T/dict.tag" ||
  fail "tag --user-dict: exit $?"
got=$(tr ' ' '\n' < "$T/dict.tag" | grep -c '^。他说/')
[ "$got" -eq "$want" ] || fail "user word 。他说: $got of $want occurrences kept whole"
exit 0
