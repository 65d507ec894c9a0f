#!/usr/bin/env bash
# A long line without 。 is still segmented in bounded windows (models/zhseg.c): cut after
# ！？； (the words are those of the sentences one per line), else after white space or
# punctuation (Latin words), else inside a run of Han characters where the model cuts it
# into pieces itself (the words are those of the whole line decoded at once). Each 1 MB
# line is tagged in at most 100 MB (they took 150-250 MB before: one window per line).
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" long-line-marks
M=${LK_SRC:-.}/corpora/models/zh-gsd-char.lkt
MAX_RSS_KB=102400
SENT='我们明天去北京看长城！他说：“你好！”今天的天气很好，我们一起去公园散步吧？'
REPEAT=9000 HA=350000 LAT=120000 # about 1 MB each
SAN=OFF; [ "${LK_SANITIZE:-OFF}" = "ON" ] || [ "${LK_TSAN:-OFF}" = "ON" ] && SAN=ON
[ "$SAN" = "ON" ] && REPEAT=400 HA=20000 LAT=6000 # windows still cut (> 32 KB), no RSS bound

# tag_rss IN OUT: tag IN into OUT, checking the peak RSS
tag_rss() {
  if [ -x /usr/bin/time ] && [ "$SAN" != "ON" ]; then
    /usr/bin/time -f '%M' -o "$T/rss" "$L" tag --model "$M" --input "$1" --threads 2 > "$2" ||
      fail "tag $1: exit $?"
    local rss; rss=$(tail -1 "$T/rss")
    [ "$rss" -lt $MAX_RSS_KB ] || fail "$1: peak RSS ${rss} KB >= ${MAX_RSS_KB} KB"
  else
    "$L" tag --model "$M" --input "$1" > "$2" || fail "tag $1: exit $?"
  fi
  [ "$(wc -l < "$2")" -eq 1 ] || fail "$1: want one output line"
}

# ！？ only: the words of the sentences tagged one per line
for i in $(seq $REPEAT); do printf '%s' "$SENT"; done > "$T/excl.txt"; echo >> "$T/excl.txt"
tag_rss "$T/excl.txt" "$T/excl.tag"
sed 's/\([！？]”*\)/\1\n/g' "$T/excl.txt" | grep -v '^$' > "$T/hand.txt"
"$L" tag --model "$M" --input "$T/hand.txt" | tr '\n' ' ' | sed 's/ $//' > "$T/hand.tag"
echo >> "$T/hand.tag"
cmp -s "$T/excl.tag" "$T/hand.tag" || fail "！ line: words differ from the sentences one per line"

# a run of one Han character: cut where the model cuts it (pieces of 256 characters)
python3 -c "print('哈' * $HA)" > "$T/ha.txt"
tag_rss "$T/ha.txt" "$T/ha.tag"
python3 - "$T/ha.tag" <<'PY' || fail "哈 run: words are not the model's pieces of 256 characters"
import sys
words = [w.rsplit('/', 1)[0] for w in open(sys.argv[1], encoding='utf-8').read().split()]
at = 0
for w in words:  # no word crosses a multiple of 256 characters
    if at // 256 != (at + len(w) - 1) // 256: sys.exit(1)
    at += len(w)
PY

# Latin words separated by spaces: every word whole
python3 -c "
import random; random.seed(1)
print(' '.join(''.join(random.choice('abcdefgh') for _ in range(random.randint(2, 9))) for _ in range($LAT)))" > "$T/latin.txt"
tag_rss "$T/latin.txt" "$T/latin.tag"
sed 's|/[A-Z]*||g' "$T/latin.tag" | cmp -s - "$T/latin.txt" || fail "Latin line: words changed"
finish tagger_long_line_marks
