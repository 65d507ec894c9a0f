#!/usr/bin/env bash
# Tokenizer throughput: the library alone (tok_speed, MB/s, median of 3) on English and
# Chinese text, then `lexkit tokenize --tokenizer sklearn` against scikit-learn's own
# analyzer on the same 55 MB English text: identical output is checked, the ratio printed.
# Needs the library next to $LEXKIT (the build dir) and $SHARED.
set -eu
BUILD=$(dirname "$LEXKIT")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cc -O2 -std=c11 -I. tests/bench/tok_speed.c "$BUILD/liblexkit.a" -lutf8proc -o "$TMP/tok_speed"
TEXT=$SHARED/corpora/embeddings/text
xz -dc "$TEXT/en-wiki.txt.xz" >"$TMP/en.txt"
ZH=$TEXT/zh-wiki-mix.txt

median3() { sort -n | sed -n 2p; }
speed() { # file mode lower -> median MB/s (CPU time) of 3 runs
  for _ in 1 2 3; do "$TMP/tok_speed" "$2" "$3" <"$1" | sed 's/.*cpu (\([0-9.]*\) MB\/s)/\1/'; done | median3
}
printf 'library, MB/s (median of 3, one core):\n'
printf '  en-wiki  lexkit --lower  %s\n' "$(speed "$TMP/en.txt" lexkit lower)"
printf '  en-wiki  lexkit          %s\n' "$(speed "$TMP/en.txt" lexkit keep)"
printf '  en-wiki  sklearn         %s\n' "$(speed "$TMP/en.txt" sklearn keep)"
printf '  zh-wiki  lexkit --lower  %s\n' "$(speed "$ZH" lexkit lower)"
printf '  zh-wiki  sklearn         %s\n' "$(speed "$ZH" sklearn keep)"

t0=$(date +%s.%N)
"$LEXKIT" tokenize --tokenizer sklearn --input "$TMP/en.txt" --output "$TMP/lk.txt"
t1=$(date +%s.%N)
/usr/bin/python3 - "$TMP/en.txt" "$TMP/py.txt" <<'PY'
import sys
from sklearn.feature_extraction.text import CountVectorizer
analyze = CountVectorizer().build_analyzer()
with open(sys.argv[1], encoding="utf-8", newline="\n") as f, \
        open(sys.argv[2], "w", encoding="utf-8", newline="\n") as out:
    for line in f:
        out.write(" ".join(analyze(line.rstrip("\n"))) + "\n")
PY
t2=$(date +%s.%N)
diffs=$(cmp -l "$TMP/lk.txt" "$TMP/py.txt" 2>/dev/null | wc -l || true)
/usr/bin/python3 -c "
lk, py = $t1 - $t0, $t2 - $t1
print(f'sklearn analyzer, en-wiki 55 MB, CLI end to end: lexkit {lk:.2f} s, scikit-learn {py:.2f} s, '
      f'ratio {py / lk:.1f}x; differing bytes: $diffs')"
