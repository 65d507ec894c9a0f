#!/usr/bin/env bash
# embed --resume with model options that disagree with the resumed model (--dim 20 on a
# dim-8 model, --hs, --model cbow, --subwords 2:3) exited 0 and silently kept the model's.
# Now each is a usage error (exit 2) naming the option and the model's value; options equal to
# the model's and per-run options (epochs, alpha, window, threads, seed) are fine.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" embed-resume-conflicts
C="$D/emb_corpus.txt"
EMB=(--input "$C" --min-count 1 --epochs 1 --threads 1 --quiet)
"$L" embed "${EMB[@]}" --dim 8 --subwords 3:4 --buckets 500 --output "$T/ft.lkem" || fail "train"
R=(embed "${EMB[@]}" --resume "$T/ft.lkem" --output "$T/r.txt")
expect_fail 2 "--dim 20 conflicts with the resumed model's dim 8" "$L" "${R[@]}" --dim 20
expect_fail 2 "--hs conflicts with the resumed model's loss" "$L" "${R[@]}" --hs
expect_fail 2 "--model cbow conflicts with the resumed model's --model skipgram" "$L" "${R[@]}" --model cbow
expect_fail 2 "--subwords 2:3 conflicts with the resumed model's subwords 3:4" "$L" "${R[@]}" --subwords 2:3
expect_fail 2 "--buckets 100 conflicts with the resumed model's buckets 500" "$L" "${R[@]}" --buckets 100
expect_fail 2 "--min-count 2 conflicts" "$L" "${R[@]}" --min-count 2
expect_fail 2 "--tokenize conflicts" "$L" "${R[@]}" --tokenize
[ -e "$T/r.txt" ] && fail "an output was written"
# the model's own values and per-run options are accepted
"$L" "${R[@]}" --dim 8 --model skipgram --subwords 3:4 --buckets 500 --min-count 1 --epochs 2 \
  --alpha 0.01 --window 3 --seed 7 || fail "resume with agreeing options"
[ "$(head -1 "$T/r.txt")" = "$(head -1 "$T/r.txt" | cut -d' ' -f1) 8" ] || fail "dim is not 8: $(head -1 "$T/r.txt")"
"$L" embed "${EMB[@]}" --dim 6 --output "$T/plain.lkem" || fail "train without subwords"
expect_fail 2 "--subwords 3:6 conflicts with the resumed model's subwords none" \
  "$L" embed "${EMB[@]}" --resume "$T/plain.lkem" --subwords 3:6 --output "$T/r2.txt"
# word2vec vectors (text or binary, as `lexkit info` detects them) cannot be resumed: say so
# and what is needed, instead of "not a lexkit LKEM file (bad magic)"
"$L" embed "${EMB[@]}" --dim 6 --output "$T/v.bin" --output-format bin || fail "train bin"
"$L" embed "${EMB[@]}" --dim 6 --output "$T/v.txt" || fail "train text"
for v in v.bin v.txt; do
  expect_fail 1 "$v: word2vec vectors cannot be resumed (they have no output weights or vocabulary counts): --resume needs an LKEM model (written by --save-model" \
    "$L" embed "${EMB[@]}" --resume "$T/$v" --output "$T/r3.txt"
  grep -q "bad magic" "$T/err" && fail "$v: still bad magic: $(cat "$T/err")"
done
[ -e "$T/r3.txt" ] && fail "an output was written"
finish embed-resume-conflicts
