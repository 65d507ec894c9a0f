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

# --resume without --tokenize takes the model's tokenization (before: the raw corpus was read
# as pre-tokenized, so a --tokenize model resumed on the same raw text found none of its
# words, or trained on other ones); --lower/--no-lower against it are usage errors
for i in $(seq 50); do echo "The Cat, sat. On THE Mat! A Dog; barked."; done > "$T/raw.txt"
TOK=(--input "$T/raw.txt" --min-count 1 --epochs 1 --threads 1 --progress)
words() { tr '\r' '\n' < "$1" | grep -o '[0-9]* words in the vocabulary, [0-9]* corpus words per epoch'; }
for case in lower:--lower keep:--no-lower; do
  name=${case%%:*} opt=${case#*:}
  "$L" embed "${TOK[@]}" --dim 8 --tokenize "$opt" --save-model "$T/$name.lkem" 2> "$T/e1" ||
    fail "train --tokenize $opt: $(cat "$T/e1")"
  "$L" embed "${TOK[@]}" --resume "$T/$name.lkem" --output "$T/$name.txt" 2> "$T/e2" ||
    fail "resume a --tokenize $opt model without --tokenize: $(tail -1 "$T/e2")"
  [ -n "$(words "$T/e1")" ] && [ "$(words "$T/e1")" = "$(words "$T/e2")" ] ||
    fail "$opt: the resumed run read other words: '$(words "$T/e1")' vs '$(words "$T/e2")'"
  "$L" embed "${TOK[@]}" --resume "$T/$name.lkem" --tokenize "$opt" --output "$T/$name.txt" 2> /dev/null ||
    fail "resume with the model's own --tokenize $opt"
done
grep -q '^the ' "$T/lower.txt" && ! grep -q '^The ' "$T/lower.txt" || fail "--lower model: not lowercased"
grep -q '^The ' "$T/keep.txt" && grep -q '^THE ' "$T/keep.txt" || fail "--no-lower model: case not kept"
R=(embed "${TOK[@]}" --output "$T/r3.txt")
expect_fail 2 "--no-lower conflicts with the resumed model's --lower" \
  "$L" "${R[@]}" --resume "$T/lower.lkem" --no-lower
expect_fail 2 "--lower conflicts with the resumed model's --no-lower" \
  "$L" "${R[@]}" --resume "$T/keep.lkem" --lower
expect_fail 2 "--lower conflicts with the resumed model's pre-tokenized corpus (it was trained without --tokenize)" \
  "$L" "${R[@]}" --resume "$T/ft.lkem" --lower
finish embed-resume-conflicts
