#!/usr/bin/env bash
# Tagger benchmark: lexkit vs a same-size PyTorch BiLSTM (word embedding 100, hidden 128 per
# direction, batch 32, Adam) and vs jieba on raw Chinese. Rates are given per CPU second
# (user+sys: the machine may be shared) and, for training, also per wall-clock second.
# Env: LEXKIT, SHARED; BENCH_TORCH_BATCHES (100) limits PyTorch's training run;
# BENCH_FULL=1 also trains the accuracy models (EWT, GSD word and char; long).
set -eu
TAG=$SHARED/corpora/tagging
PY=/usr/bin/python3
W=$(mktemp -d /tmp/lk-bench-tagger.XXXXXX)
trap 'rm -rf "$W"' EXIT
cpu() { /usr/bin/time -f "%U %S" -o "$W/time" "$@" > /dev/null; awk '{print $1 + $2}' "$W/time"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

# 1. training throughput, same size as the PyTorch model, 2 threads, one epoch of EWT train
lk_cpu=$(cpu "$LEXKIT" train-tagger --train "$TAG/en_ewt-ud-train.conllu" --output "$W/same.lkt" \
  --hidden 128 --word-dim 100 --char-dim 0 --batch 32 --optimizer adam --threads 2 \
  --epochs 1 2> "$W/train.err")
lk_train=$(sed -n 's/.* \([0-9][0-9]*\) tokens\/s.*/\1/p' "$W/train.err" | tail -1)
n_train=$(awk -F'\t' '$1 ~ /^[0-9]+$/' "$TAG/en_ewt-ud-train.conllu" | wc -l)
lk_train_cpu=$(awk -v n="$n_train" -v t="$lk_cpu" 'BEGIN { printf "%.0f", n / t }')
torch=$($PY tests/bench/torch_bilstm.py "$TAG/en_ewt-ud-train.conllu" "$TAG/en_ewt-ud-dev.conllu" \
  "$TAG/en_ewt-ud-test.conllu" --threads 2 --max-batches "${BENCH_TORCH_BATCHES:-100}")
field() { echo "$torch" | tr '\t' '\n' | sed -n "s/^$1=//p"; }
torch_train=$(field train_tokens_per_s)
torch_train_cpu=$(field train_tokens_per_cpu_s)
torch_tag=$(field tag_tokens_per_cpu_s)
echo "train tokens/s wall (2 threads): lexkit $lk_train  torch $torch_train  ratio $(ratio "$lk_train" "$torch_train")"
echo "train tokens per CPU second (2 threads): lexkit $lk_train_cpu  torch $torch_train_cpu  ratio $(ratio "$lk_train_cpu" "$torch_train_cpu")"

# 2. tagging speed, one core, EWT test (tokens input), same-size model
awk -F'\t' '/^#/ {next} NF == 0 {if (s != "") print s; s = ""; next} $1 ~ /^[0-9]+$/ {s = (s == "" ? $2 : s " " $2)} END {if (s != "") print s}' \
  "$TAG/en_ewt-ud-test.conllu" > "$W/test.tok"
n_tok=$(wc -w < "$W/test.tok")
for i in 1 2 3; do cpu "$LEXKIT" tag --model "$W/same.lkt" --input "$W/test.tok"; done > "$W/tag.times"
t=$(sort -n "$W/tag.times" | sed -n 2p)
lk_tag=$(awk -v n="$n_tok" -v t="$t" 'BEGIN { printf "%.0f", n / t }')
echo "tag tokens per CPU second (1 core; lexkit incl. model load): lexkit $lk_tag  torch $torch_tag  ratio $(ratio "$lk_tag" "$torch_tag")"

# 3. raw Chinese: shipped char model vs jieba posseg on the GSDSimp v2 test sentences, one core,
#    medians of 5 runs (lexkit: whole process incl. model load; jieba: posseg.cut only)
jb_times=""
for i in 1 2 3 4 5; do
  jb=$($PY tests/bench/jieba_seg.py "$TAG/zh_gsdsimp-ud-test.conllu" "$W/zh.raw")
  jb_times="$jb_times $(echo "$jb" | tr '\t' '\n' | sed -n 's/^posseg_seconds=//p')"
done
jb_f1=$(echo "$jb" | tr '\t' '\n' | sed -n 's/^seg_f1=//p')
jb_s=$(echo $jb_times | tr ' ' '\n' | sort -n | sed -n 3p)
for i in 1 2 3 4 5; do
  cpu env OPENBLAS_NUM_THREADS=1 "$LEXKIT" tag --model corpora/models/zh-gsd-char.lkt --input "$W/zh.raw"
done > "$W/zh.times"
lk_s=$(sort -n "$W/zh.times" | sed -n 3p)
: > "$W/empty"
for i in 1 2 3 4 5; do
  cpu env OPENBLAS_NUM_THREADS=1 "$LEXKIT" tag --model corpora/models/zh-gsd-char.lkt --input "$W/empty" --input-format raw
done > "$W/load.times"
lk_load=$(sort -n "$W/load.times" | sed -n 3p)
"$LEXKIT" eval-tagger --model corpora/models/zh-gsd-char.lkt --test "$TAG/zh_gsdsimp-ud-test.conllu" > "$W/zh.eval"
lk_f1=$(sed -n 's/^seg_f1\t//p' "$W/zh.eval")
lk_joint=$(sed -n 's/^joint_f1\t//p' "$W/zh.eval")
echo "raw Chinese seg F1: lexkit $lk_f1 (joint word+UPOS $lk_joint)  jieba $jb_f1"
echo "raw Chinese CPU s (500 sentences, median of 5): lexkit $lk_s (of which start-up + model load $lk_load)  jieba posseg $jb_s  speed ratio $(ratio "$jb_s" "$lk_s")"

# 4. accuracy runs (long)
if [ "${BENCH_FULL:-0}" = 1 ]; then
  for cell in lstm gru rnn; do
    "$LEXKIT" train-tagger --train "$TAG/en_ewt-ud-train.conllu" --dev "$TAG/en_ewt-ud-dev.conllu" \
      --output "$W/en-$cell.lkt" --cell $cell --hidden 128 --dropout 0.5 --epochs 30 --threads 2 --quiet
    echo "EWT UPOS test ($cell): $("$LEXKIT" eval-tagger --model "$W/en-$cell.lkt" --test "$TAG/en_ewt-ud-test.conllu" | tail -1)"
  done
  "$LEXKIT" train-tagger --train "$TAG/zh_gsd-simp-train.conllu" --dev "$TAG/zh_gsd-simp-dev.conllu" \
    --output "$W/zh.lkt" --hidden 128 --dropout 0.5 --epochs 40 --threads 2 --quiet
  echo "GSD UPOS test: $("$LEXKIT" eval-tagger --model "$W/zh.lkt" --test "$TAG/zh_gsd-simp-test.conllu" | tail -1)"
fi
