#!/usr/bin/env bash
# Word models: one long line (raw English, or space-separated tokens) is tagged in pieces cut
# after sentence-final punctuation (. ! ?, with following closing quotes), so memory stays
# bounded (a 1 MB line took 2.1 GB and 26 s before; one piece per line of the same text,
# 50 MB), and gives the same output as its sentences tagged one per line, joined. Uses the
# shipped English model.
. "${LK_SRC:-.}/tests/cli_lib.sh" tagger-long-line-words
M=${LK_SRC:-.}/corpora/models/en-ewt.lkt
MAX_RSS_KB=307200 # 300 MB for a 1.5 MB line (about 80 MB measured; the old code needed about 2.8 GB)
SENTS=12000       # about 1.5 MB of text
SAN=OFF; [ "${LK_SANITIZE:-OFF}" = "ON" ] || [ "${LK_TSAN:-OFF}" = "ON" ] && SAN=ON
[ "$SAN" = "ON" ] && SENTS=600 # sanitizer builds: a shorter line, no RSS bound

# sentences of plain words ending in . ! or ? (none inside), some with a closing quote
/usr/bin/python3 - "$T" "$SENTS" <<'PY'
import random, sys
t, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(7)
subj = ["The dog", "A cat", "My brother", "The old man", "Mary", "They", "We", "The company"]
verb = ["saw", "liked", "bought", "found", "sold", "painted", "visited", "wanted"]
obj = ["a red house", "the small car", "two books", "the park", "her garden", "some bread"]
tail = ["yesterday", "in the morning", "with great care", "", "again", "near the river"]
raw, tok = [], []
for i in range(n):
    s = " ".join(w for w in [rng.choice(subj), rng.choice(verb), rng.choice(obj), rng.choice(tail)] if w)
    mark = rng.choice([".", ".", "!", "?"])
    if i % 7 == 3:
        raw.append('He said "%s%s"' % (s, mark)); tok.append('He said " %s %s "' % (s, mark))
    else:
        raw.append(s + mark); tok.append(s + " " + mark)
for name, lines in (("raw", raw), ("tok", tok)):
    open(f"{t}/{name}.lines", "w").write("\n".join(lines) + "\n")
    open(f"{t}/{name}.line", "w").write(" ".join(lines) + "\n")
PY
[ "$(wc -c < "$T/raw.line")" -gt $((SENTS * 30)) ] || fail "test line shorter than expected"

for f in raw tok; do
  fmt=raw; [ $f = tok ] && fmt=tokens
  if [ -x /usr/bin/time ] && [ "$SAN" != "ON" ]; then
    /usr/bin/time -f '%M' -o "$T/rss.$f" "$L" tag --model "$M" --input-format $fmt \
      --input "$T/$f.line" > "$T/$f.line.tag" 2> "$T/err" || fail "$f: tag long line: $(cat "$T/err")"
    rss=$(tail -1 "$T/rss.$f")
    [ "$rss" -lt $MAX_RSS_KB ] || fail "$f: long line: peak RSS ${rss} KB >= ${MAX_RSS_KB} KB"
  else
    "$L" tag --model "$M" --input-format $fmt --input "$T/$f.line" > "$T/$f.line.tag" 2> "$T/err" ||
      fail "$f: tag long line: $(cat "$T/err")"
  fi
  [ "$(wc -l < "$T/$f.line.tag")" = 1 ] || fail "$f: want one output line, got $(wc -l < "$T/$f.line.tag")"
  "$L" tag --model "$M" --input-format $fmt --input "$T/$f.lines" > "$T/$f.lines.tag" 2> "$T/err" ||
    fail "$f: tag lines: $(cat "$T/err")"
  [ "$(wc -l < "$T/$f.lines.tag")" = "$SENTS" ] || fail "$f: lines: $(wc -l < "$T/$f.lines.tag") lines"
  [ "$(tr '\n' ' ' < "$T/$f.lines.tag" | sed 's/ $//')" = "$(cat "$T/$f.line.tag")" ] ||
    fail "$f: the long line's tags differ from its sentences tagged one per line"
done
# a long line without sentence marks is cut at the hard limit and still tagged whole
/usr/bin/python3 -c "print(' '.join(['the', 'big', 'dog'] * 2000))" > "$T/nomark.txt"
"$L" tag --model "$M" --input "$T/nomark.txt" > "$T/nomark.tag" || fail "no marks: exit $?"
[ "$(tr ' ' '\n' < "$T/nomark.tag" | grep -c /)" = 6000 ] || fail "no marks: word count"
grep -q "dog/NOUN" "$T/nomark.tag" || fail "no marks: $(head -c 200 "$T/nomark.tag")"
finish tagger-long-line-words
