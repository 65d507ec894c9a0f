#!/usr/bin/env bash
# Vectors from a pipe: `neighbors --vectors <(cat v.bin)` said "/dev/fd/63: Illegal seek" (the
# format detection seeked back, and the model magic checks consumed bytes from the pipe).
# Now text, word2vec binary, LKEM and fastText .bin read from a process substitution, a FIFO
# and standard input give the same neighbours as the file itself.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" vectors-pipe
EMB=(--input "$D/emb_corpus.txt" --dim 8 --min-count 1 --epochs 1 --threads 1 --quiet --seed 3)
"$L" embed "${EMB[@]}" --output "$T/v.txt" --output-format text --save-model "$T/m.lkem" ||
  fail "embed text"
"$L" embed --resume "$T/m.lkem" --input "$D/emb_corpus.txt" --epochs 1 --threads 1 --quiet \
  --output "$T/v.bin" --output-format bin || fail "embed bin"
"$L" embed "${EMB[@]}" --subwords 3:4 --buckets 1000 --output "$T/ft.bin" --output-format fasttext ||
  fail "embed fasttext"
for f in v.txt v.bin m.lkem ft.bin; do
  "$L" neighbors --vectors "$T/$f" --word king --k 3 > "$T/want" || fail "$f: from the file"
  "$L" neighbors --vectors <(cat "$T/$f") --word king --k 3 > "$T/got" 2> "$T/err" ||
    fail "$f: from <(cat ...): $(cat "$T/err")"
  cmp -s "$T/want" "$T/got" || fail "$f: <(cat ...) gives other neighbours"
  rm -f "$T/fifo" && mkfifo "$T/fifo"
  timeout 20 sh -c 'cat "$1" > "$2"' sh "$T/$f" "$T/fifo" & # no hang if lexkit never opens it
  "$L" neighbors --vectors "$T/fifo" --word king --k 3 > "$T/got" 2> "$T/err" ||
    fail "$f: from a FIFO: $(cat "$T/err")"
  wait
  cmp -s "$T/want" "$T/got" || fail "$f: a FIFO gives other neighbours"
  cat "$T/$f" | "$L" neighbors --vectors - --word king --k 3 > "$T/got" 2> "$T/err" ||
    fail "$f: from standard input: $(cat "$T/err")"
  cmp -s "$T/want" "$T/got" || fail "$f: standard input gives other neighbours"
done
# the other readers of vectors: similarity, embed --resume
printf 'king\tqueen\t1\nprince\tprincess\t2\ncat\tsheep\t3\n' > "$T/pairs.tsv"
"$L" similarity --vectors <(cat "$T/v.bin") --pairs "$T/pairs.tsv" > /dev/null 2> "$T/err" ||
  fail "similarity from a pipe: $(cat "$T/err")"
"$L" embed --resume <(cat "$T/m.lkem") --input "$D/emb_corpus.txt" --epochs 1 --threads 1 \
  --quiet --output "$T/r.txt" 2> "$T/err" || fail "embed --resume from a pipe: $(cat "$T/err")"
# errors from a pipe still name it
expect_fail 1 "empty file" "$L" neighbors --vectors <(true) --word king
finish vectors-pipe
