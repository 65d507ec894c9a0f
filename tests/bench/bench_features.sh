#!/usr/bin/env bash
# bench_features: lexkit bow/tfidf vs scikit-learn 1.2 (CountVectorizer/TfidfVectorizer).
# 1) parity: every configuration of issue 3 on the full npl, cacm and cranfield collections
#    (vocabulary identical, matrix values within 1e-6);
# 2) speed and peak memory, whole process (reading, vectorizing, writing svmlight), on npl
#    and on en-wiki (55 MB, one paragraph per line): wall and CPU seconds, max RSS, ratios.
# Env: LEXKIT (built binary), SHARED (../shared). FEATURES_BENCH_QUICK=1 skips en-wiki,
# FEATURES_BENCH_PARITY=0 skips the parity part.
set -eu
: "${LEXKIT:?set LEXKIT}" "${SHARED:?set SHARED}"
PY=/usr/bin/python3
HERE=$(cd "$(dirname "$0")" && pwd)
HELPER="$HERE/bench_features.py"
TMP=$(mktemp -d /tmp/lk-bench-features.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
RET="$SHARED/corpora/retrieval"

CONFIGS=(
  "unigrams|"
  "ngram_1_2|--ngram 1:2"
  "char_wb_2_4|--analyzer char_wb --ngram 2:4"
  "sublinear_tf|--sublinear-tf"
  "norm_l1|--norm l1"
  "min_df_2_max_df_0.5|--min-df 2 --max-df 0.5"
  "max_features_1000|--max-features 1000"
)

fail=0
[ "${FEATURES_BENCH_PARITY:-1}" = 0 ] || echo "-- parity with scikit-learn (tfidf --tokenizer sklearn; bow unigrams) --"
for coll in npl cacm cranfield; do
  [ "${FEATURES_BENCH_PARITY:-1}" = 0 ] && break
  docs="$RET/$coll/docs.jsonl"
  for entry in "${CONFIGS[@]}" "bow_unigrams|"; do
    name=${entry%%|*}
    args=${entry#*|}
    cmd=tfidf
    skflag=--tfidf
    if [ "$name" = bow_unigrams ]; then cmd=bow; skflag=; fi
    # shellcheck disable=SC2086
    "$LEXKIT" "$cmd" --input "$docs" --tokenizer sklearn $args --output "$TMP/lk.svm" \
      --vocab-out "$TMP/lk.tsv" --quiet
    # shellcheck disable=SC2086
    "$PY" "$HELPER" sklearn $skflag --input "$docs" $args --output "$TMP/sk.svm" \
      --vocab-out "$TMP/sk.tsv"
    if res=$("$PY" "$HELPER" compare "$TMP/lk.svm" "$TMP/lk.tsv" "$TMP/sk.svm" "$TMP/sk.tsv"); then
      status=ok
    else
      status=FAIL
      fail=1
    fi
    printf '%-10s %-22s %-4s %s\n' "$coll" "$name" "$status" "$(echo "$res" | tr '\n' ' ')"
  done
done

# Time one command: prints "wall cpu maxrss_kb" (cpu = user + sys).
measure() {
  /usr/bin/time -f '%e %U %S %M' -o "$TMP/time" "$@" >/dev/null 2>"$TMP/err" ||
    { cat "$TMP/err" >&2; return 1; }
  awk '{printf "%.2f %.2f %d\n", $1, $2 + $3, $4}' "$TMP/time"
}

# Median of 3 runs (by wall time) of the lexkit command.
measure3() {
  for _ in 1 2 3; do measure "$@"; done | sort -n | sed -n 2p
}

speed() { # name docs input-format ngram
  local name=$1 docs=$2 fmt=$3 ng=$4
  read -r lw lc lm < <(measure3 "$LEXKIT" tfidf --input "$docs" --input-format "$fmt" \
    --tokenizer sklearn --ngram "$ng" --output "$TMP/lk.svm" --quiet)
  read -r sw sc sm < <(measure "$PY" "$HELPER" sklearn --tfidf --input "$docs" \
    --input-format "$fmt" --ngram "$ng" --output "$TMP/sk.svm")
  awk -v n="$name" -v g="$ng" -v lw="$lw" -v lc="$lc" -v lm="$lm" -v sw="$sw" -v sc="$sc" -v sm="$sm" \
    'BEGIN { printf "%-8s %-4s lexkit %7.2fs wall %7.2fs cpu %7.1f MB | sklearn %7.2fs wall %7.2fs cpu %7.1f MB | speedup wall %5.1fx cpu %5.1fx | rss ratio %.2f\n",
             n, g, lw, lc, lm / 1024, sw, sc, sm / 1024, sw / lw, sc / (lc > 0 ? lc : 0.01), lm / sm }'
}

echo "-- speed: tfidf --tokenizer sklearn vs TfidfVectorizer.fit_transform + dump_svmlight_file --"
for ng in 1:1 1:2; do speed npl "$RET/npl/docs.jsonl" jsonl "$ng"; done
if [ "${FEATURES_BENCH_QUICK:-0}" != 1 ]; then
  xz -dc "$SHARED/corpora/embeddings/text/en-wiki.txt.xz" >"$TMP/en-wiki.txt"
  for ng in 1:1 1:2; do speed en-wiki "$TMP/en-wiki.txt" text "$ng"; done
fi
exit $fail
