#!/usr/bin/env bash
# Neural core throughput against PyTorch on the same synthetic step (no data loading):
# embedding (20000, 100) -> BiLSTM/BiGRU hidden 128 -> linear 17 -> softmax CE, Adam, batch
# 32 sentences of 5..35 tokens. Prints tokens/s for training (forward+backward+update) on
# 1 and 2 threads (OpenBLAS / torch intra-op threads) and inference at batch 1 and 32;
# median of 3 runs each. Needs the library next to $LEXKIT (the build dir).
set -eu
BUILD=$(dirname "$LEXKIT")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cc -O2 -std=c11 -I. tests/bench/bench_neural.c "$BUILD/liblexkit.a" -lopenblas -lutf8proc \
  -lstemmer -lm -lpthread -o "$TMP/bench_neural"
SECS=${BENCH_SECS:-3}

median3() { # the run with the median training throughput, of 3 runs of "$@"
  for _ in 1 2 3; do "$@"; done | sort -n | sed -n 2p
}
col() { echo "$1" | cut -d' ' -f"$2"; }

printf '%-5s %-7s %-12s %12s %12s %7s\n' cell threads mode lexkit_tok_s torch_tok_s ratio
for cell in lstm gru; do
  for th in 1 2; do
    ours=$(median3 "$TMP/bench_neural" "$th" "$cell" "$SECS")
    theirs=$(median3 /usr/bin/python3 tests/bench/bench_neural_torch.py "$th" "$cell" "$SECS")
    for spec in "train:1" "infer-b1:2" "infer-b32:3"; do
      mode=${spec%%:*}; k=${spec#*:}
      o=$(col "$ours" "$k"); t=$(col "$theirs" "$k")
      printf '%-5s %-7s %-12s %12s %12s %6.1fx\n' "$cell" "$th" "$mode" "$o" "$t" \
        "$(echo "$o / $t" | bc -l)"
    done
  done
done
