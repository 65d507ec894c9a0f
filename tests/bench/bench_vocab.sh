#!/usr/bin/env bash
# Benchmark `lexkit vocab --lower` on the 55 MB English Wikipedia text against
#   (a) Python collections.Counter over the SAME tokens: `lexkit tokenize --lower` output,
#       split on spaces (Python only counts and sorts; tokenizing is not timed for it),
#   (b) Python re.findall(r"\w+|[^\w\s]") on lowercased lines + Counter (tokenize + count),
#   (c) tr -cs '[:alnum:]' '\n' | sort | uniq -c   (LC_ALL=C, sort --parallel=1: one core).
# Each is run RUNS times (default 3); the median wall time and user+sys CPU time are printed,
# with MB/s and the ratios peer/lexkit. Targets: >= 20x Python (a) and >= 50 MB/s.
# Needs $LEXKIT and $SHARED (set by `make bench`). BENCH_INPUT=FILE uses another text file.
set -eu
LEXKIT=${LEXKIT:?set LEXKIT to the lexkit binary}
SHARED=${SHARED:-$(cd "$(dirname "$0")/../../.." && pwd)/shared}
RUNS=${RUNS:-3}
PY=/usr/bin/python3
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lk-bench-vocab.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

if [ -n "${BENCH_INPUT:-}" ]; then
    TEXT=$BENCH_INPUT
else
    TEXT=$TMP/en-wiki.txt
    xz -dc "$SHARED/corpora/embeddings/text/en-wiki.txt.xz" >"$TEXT"
fi
BYTES=$(stat -c %s "$TEXT")
MB=$(awk -v b="$BYTES" 'BEGIN { printf "%.1f", b / 1e6 }')
echo "input: $TEXT ($MB MB), $RUNS runs each, median; CPU = user+sys"

# timeit NAME CMD...: run CMD RUNS times; sets WALL and CPU to the medians (seconds).
timeit() {
    local name=$1 i
    shift
    : >"$TMP/times"
    for ((i = 0; i < RUNS; i++)); do
        /usr/bin/time -f "%e %U %S" -o "$TMP/t1" "$@" >/dev/null 2>"$TMP/err" ||
            { echo "$name failed:"; cat "$TMP/err"; exit 1; }
        tail -n 1 "$TMP/t1" >>"$TMP/times"
    done
    WALL=$(awk '{ print $1 }' "$TMP/times" | median)
    CPU=$(awk '{ print $2 + $3 }' "$TMP/times" | median)
    printf '%-34s wall %7.2fs  cpu %7.2fs  %7.1f MB/s\n' "$name" "$WALL" "$CPU" "$(mbps "$WALL")"
}

median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
mbps() { awk -v b="$BYTES" -v t="$1" 'BEGIN { printf "%.1f", b / 1e6 / t }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", a / b }'; }

# The same tokens for Python (a): made once, not timed.
"$LEXKIT" tokenize --lower --input "$TEXT" --output "$TMP/tokens.txt" 2>/dev/null ||
    "$LEXKIT" tokenize --lower <"$TEXT" >"$TMP/tokens.txt"

timeit "lexkit vocab --lower" \
    "$LEXKIT" vocab --input "$TEXT" --lower --output "$TMP/lexkit.tsv" --quiet
LK_WALL=$WALL LK_CPU=$CPU
timeit "python Counter (lexkit tokens)" \
    $PY "$HERE/vocab_counter.py" tokens "$TMP/tokens.txt" "$TMP/py.tsv"
PY_WALL=$WALL PY_CPU=$CPU
timeit "python regex + Counter" $PY "$HERE/vocab_counter.py" regex "$TEXT" "$TMP/py-re.tsv"
RE_WALL=$WALL RE_CPU=$CPU
timeit "tr | sort | uniq -c" env LC_ALL=C bash -c \
    "tr -cs '[:alnum:]' '\n' <'$TEXT' | sort --parallel=1 | uniq -c >'$TMP/tr.txt'"
TR_WALL=$WALL TR_CPU=$CPU

if cmp -s "$TMP/lexkit.tsv" "$TMP/py.tsv"; then same=identical; else same=DIFFERENT; fi
echo "lexkit vs python Counter output: $same ($(wc -l <"$TMP/lexkit.tsv") words)"
echo "speedup vs python Counter (same tokens): wall $(ratio "$PY_WALL" "$LK_WALL"),"\
    "cpu $(ratio "$PY_CPU" "$LK_CPU")  (target >= 20x)"
echo "speedup vs python regex + Counter:       wall $(ratio "$RE_WALL" "$LK_WALL"),"\
    "cpu $(ratio "$RE_CPU" "$LK_CPU")"
echo "speedup vs tr | sort | uniq -c:          wall $(ratio "$TR_WALL" "$LK_WALL"),"\
    "cpu $(ratio "$TR_CPU" "$LK_CPU")"
echo "lexkit throughput: $(mbps "$LK_WALL") MB/s wall, $(mbps "$LK_CPU") MB/s cpu (target >= 50)"
