#!/usr/bin/env bash
# Word embeddings: lexkit vs gensim 4 (word2vec SGNS and CBOW) and fastText (subwords) on
# ../shared/corpora/embeddings (English Wikipedia sample; Chinese texts), at equal settings:
# dim 100, window 5, negative 5, sample 1e-3, min-count 5, EPOCHS (5), THREADS (2).
# Prints training words/s (wall, training only), whole-process CPU seconds, and the ratios;
# analogy accuracy (analogy-en-google, restrict 30000), WordSim-353 and SimLex-999 Spearman,
# all computed by the same evaluator (lexkit analogy/similarity; its analogy figures equal
# gensim's evaluate_word_analogies on the same vectors).
# Env: EMB_EPOCHS=5 EMB_THREADS=2 EMB_RUNS=1 (median of runs for speed) EMB_PARTS="en ft zh"
#      EMB_ARCHS="sg cbow"
#      EMB_WORK=/tmp/lexkit-bench-embed (tokenized corpora are cached there).
set -eu
: "${LEXKIT:?}" "${SHARED:?}"
PY=/usr/bin/python3
HERE=$(cd "$(dirname "$0")" && pwd)
HELP="$PY $HERE/bench_embed.py"
EP=${EMB_EPOCHS:-5}
TH=${EMB_THREADS:-2}
RUNS=${EMB_RUNS:-1}
PARTS=${EMB_PARTS:-en ft zh}
W=${EMB_WORK:-/tmp/lexkit-bench-embed}
C=$SHARED/corpora/embeddings
E=$C/eval
mkdir -p "$W"
COMMON="--dim 100 --window 5 --negative 5 --sample 1e-3 --min-count 5 --epochs $EP --threads $TH"

# ---- corpora -----------------------------------------------------------------------------
has_tokenize() { "$LEXKIT" tokenize --help >/dev/null 2>&1; }
if [ ! -s "$W/en.tok" ]; then
  if has_tokenize; then
    xz -dc "$C/text/en-wiki.txt.xz" | "$LEXKIT" tokenize --lower | $HELP words-only > "$W/en.tok"
    echo "en corpus: lexkit tokenize --lower, words only"
  else
    xz -dc "$C/text/en-wiki.txt.xz" | $HELP tokenize-en > "$W/en.tok"
    echo "en corpus: fallback tokenizer (lexkit tokenize not built): lowercase letter runs"
  fi
fi
echo "en corpus: $(wc -w < "$W/en.tok") tokens, $(wc -l < "$W/en.tok") lines"

# ---- helpers -----------------------------------------------------------------------------
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
evaluate() { # evaluate VECTORS -> "analogy ACC SEEN/ALL ws353 RHO simlex RHO"
  local an ws sl
  an=$("$LEXKIT" analogy --vectors "$1" --questions "$E/analogy-en-google.txt" --restrict 30000 | tail -1)
  ws=$("$LEXKIT" similarity --vectors "$1" --pairs "$E/sim-en-wordsim353-all.tsv" | head -1 | cut -f2)
  sl=$("$LEXKIT" similarity --vectors "$1" --pairs "$E/sim-en-simlex999.tsv" | head -1 | cut -f2)
  echo "analogy $(echo "$an" | cut -f2) $(echo "$an" | cut -f3) ws353 $ws simlex $sl"
}
lexkit_train() { # lexkit_train OUT ARGS... -> prints "WORDS_PER_SEC CPU_SECONDS"
  local out=$1; shift
  /usr/bin/time -f "cpu %U %S" -o "$W/time" "$LEXKIT" embed --input "$W/en.tok" --output "$out" \
    --progress "$@" 2> "$W/log" >/dev/null
  local wps cpu
  wps=$(grep -o 'words in [0-9.]*s ([0-9]* words/s)' "$W/log" | tail -1 | sed 's/.*(\([0-9]*\) words.*/\1/')
  cpu=$(awk '/^cpu/ {print $2 + $3}' "$W/time")
  echo "$wps $cpu"
}
gensim_train() { # gensim_train sg|cbow ALPHA OUT -> "WORDS_PER_SEC CPU_SECONDS"
  /usr/bin/time -f "cpu %U %S" -o "$W/time" $HELP gensim "$W/en.tok" "$1" "$EP" "$TH" "$2" "$3" > "$W/glog"
  local wps cpu
  wps=$(awk '{printf "%.0f", $6 / $2}' "$W/glog")
  cpu=$(awk '/^cpu/ {print $2 + $3}' "$W/time")
  echo "$wps $cpu"
}

# ---- English: SGNS and CBOW vs gensim -------------------------------------------------------
case " $PARTS " in *" en "*)
for arch in ${EMB_ARCHS:-sg cbow}; do
  model=skipgram; alpha=0.025
  [ $arch = cbow ] && { model=cbow; alpha=0.05; }
  : > "$W/lk_rates"; : > "$W/g_rates"; : > "$W/lk_cpu"; : > "$W/g_cpu"
  for r in $(seq "$RUNS"); do
    read -r wps cpu < <(lexkit_train "$W/lk_$arch.txt" --model $model --alpha $alpha $COMMON)
    echo "$wps" >> "$W/lk_rates"; echo "$cpu" >> "$W/lk_cpu"
    read -r wps cpu < <(gensim_train $arch $alpha "$W/g_$arch.txt")
    echo "$wps" >> "$W/g_rates"; echo "$cpu" >> "$W/g_cpu"
  done
  lk=$(median < "$W/lk_rates"); g=$(median < "$W/g_rates")
  lkc=$(median < "$W/lk_cpu"); gc=$(median < "$W/g_cpu")
  echo "en $arch (alpha $alpha, $EP epochs, $TH threads, median of $RUNS):"
  echo "  lexkit  $lk words/s  cpu ${lkc}s  $(evaluate "$W/lk_$arch.txt")"
  echo "  gensim  $g words/s  cpu ${gc}s  $(evaluate "$W/g_$arch.txt")"
  awk -v a="$lk" -v b="$g" -v c="$lkc" -v d="$gc" \
    'BEGIN {printf "  ratio lexkit/gensim words/s %.2fx   cpu-time gensim/lexkit %.2fx\n", a / b, d / c}'
done ;; esac

# ---- English: subwords vs fastText ----------------------------------------------------------
case " $PARTS " in *" ft "*)
if command -v fasttext >/dev/null; then
  read -r wps cpu < <(lexkit_train "$W/lk_ft.txt" --model skipgram --alpha 0.05 --subwords 3:6 \
    --buckets 2000000 $COMMON)
  /usr/bin/time -f "cpu %U %S" -o "$W/time" fasttext skipgram -input "$W/en.tok" -output "$W/ft" \
    -dim 100 -ws 5 -neg 5 -t 1e-3 -minCount 5 -epoch "$EP" -thread "$TH" -minn 3 -maxn 6 \
    -bucket 2000000 -lr 0.05 > "$W/ftlog" 2>&1
  ftw=$(tr '\r' '\n' < "$W/ftlog" | grep -o 'words/sec/thread: *[0-9]*' | tail -1 | grep -o '[0-9]*$')
  ftc=$(awk '/^cpu/ {print $2 + $3}' "$W/time")
  echo "en skipgram + subwords 3:6 (2M buckets, lr 0.05):"
  echo "  lexkit   $wps words/s  cpu ${cpu}s  $(evaluate "$W/lk_ft.txt")"
  echo "  fasttext $((ftw * TH)) words/s  cpu ${ftc}s  $(evaluate "$W/ft.vec")"
  awk -v a="$wps" -v b="$((ftw * TH))" -v c="$cpu" -v d="$ftc" \
    'BEGIN {printf "  ratio lexkit/fasttext words/s %.2fx   cpu-time fasttext/lexkit %.2fx\n", a / b, d / c}'
  rm -f "$W/ft.bin"
else
  echo "fasttext not installed: subword comparison skipped"
fi ;; esac

# ---- Chinese ---------------------------------------------------------------------------------
case " $PARTS " in *" zh "*)
cat "$C"/text/zh-*.txt > "$W/zh.raw"
if has_tokenize; then
  "$LEXKIT" tokenize --lower < "$W/zh.raw" | $HELP words-only > "$W/zh.chars"
  zhtok="lexkit tokenize (one token per Han character)"
else
  $HELP tokenize-zh-chars < "$W/zh.raw" > "$W/zh.chars"
  zhtok="fallback character tokenizer"
fi
$HELP segment-zh-jieba < "$W/zh.raw" > "$W/zh.jieba"
zh_eval() { # zh_eval VECTORS
  local a b s
  a=$("$LEXKIT" analogy --vectors "$1" --questions "$E/analogy-zh-ca8-morphological.txt" --restrict 0 | tail -1 | cut -f2,3)
  b=$("$LEXKIT" analogy --vectors "$1" --questions "$E/analogy-zh-ca8-semantic.txt" --restrict 0 | tail -1 | cut -f2,3)
  s=$("$LEXKIT" similarity --vectors "$1" --pairs "$E/sim-zh-wordsim297.tsv" | tr '\n' ' ')
  echo "CA8-morph $a CA8-sem $b wordsim297 $s" | tr '\t' ' '
}
zhc="--dim 100 --window 5 --negative 5 --sample 1e-3 --min-count 5 --epochs $EP --threads $TH"
"$LEXKIT" embed --input "$W/zh.chars" --output "$W/zh_chars.lkem" --format lkem --subwords 1:2 \
  --buckets 200000 $zhc --quiet
"$LEXKIT" embed --input "$W/zh.jieba" --output "$W/zh_jieba.txt" $zhc --quiet
$HELP gensim "$W/zh.jieba" sg "$EP" "$TH" 0.025 "$W/zh_jieba_g.txt" > /dev/null
echo "zh ($(wc -c < "$W/zh.raw") bytes of text):"
echo "  lexkit, characters ($zhtok), unseen words composed from characters: $(zh_eval "$W/zh_chars.lkem")"
echo "  lexkit, jieba words (stand-in until lexkit's segmenter): $(zh_eval "$W/zh_jieba.txt")"
echo "  gensim, jieba words: $(zh_eval "$W/zh_jieba_g.txt")"
;; esac
