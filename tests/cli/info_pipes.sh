#!/usr/bin/env bash
# `lexkit info` and `train-tagger --embeddings` from a pipe. Before: `info <(cat v.vec)` peeked
# at the first bytes and then had the loader open the pipe again ("empty file", "bad magic"),
# `info -` said "-: No such file or directory", and train-tagger read the vectors twice (the
# second pass of a pipe found nothing: "no vectors (empty file)"). Now a stream is read whole
# once: every kind of file gives the same description from <(cat ...), a FIFO and standard
# input as from the file, and a tagger trained with --embeddings <(cat v.vec) tags as one
# trained with the file.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" info-pipes
EMB=(--input "$D/emb_corpus.txt" --min-count 1 --epochs 1 --threads 1 --quiet --seed 3)
"$L" embed "${EMB[@]}" --dim 8 --output "$T/v.txt" --save-model "$T/m.lkem" || fail "embed"
"$L" embed "${EMB[@]}" --dim 8 --output "$T/v.bin" --output-format bin || fail "embed bin"
"$L" embed "${EMB[@]}" --dim 8 --subwords 3:4 --buckets 500 --output "$T/ft.bin" \
  --output-format fasttext || fail "embed fasttext"
"$L" bow --input "$D/feat_docs_small.jsonl" --vocab-out "$T/vocab.tsv" --output "$T/bow.svm" ||
  fail "bow"
"$L" index --input "$D/bm25_docs.jsonl" --index "$T/idx" > /dev/null 2>&1 || fail "index"
SMALL=(--hidden 8 --word-dim 8 --char-dim 6 --batch 4 --seed 3 --epochs 1 --quiet)
"$L" train-tagger --train "$D/tag_en_train.conllu" --output "$T/t.lkt" "${SMALL[@]}" || fail "train"

describe() { "$L" info "$1" 2> "$T/err" | grep -v '^file	'; } # all but the name
for f in v.txt v.bin m.lkem ft.bin vocab.tsv t.lkt idx/index.lkbx; do
  want=$(describe "$T/$f") || fail "$f: from the file: $(cat "$T/err")"
  echo "$want" | grep -q '^kind	' || fail "$f: no kind: $want"
  got=$(describe <(cat "$T/$f")) || fail "$f: from <(cat ...): $(cat "$T/err")"
  [ "$got" = "$want" ] || fail "$f: <(cat ...) gives '$got', the file '$want'"
  got=$(cat "$T/$f" | describe -) || fail "$f: from standard input: $(cat "$T/err")"
  [ "$got" = "$want" ] || fail "$f: standard input gives '$got', the file '$want'"
  rm -f "$T/fifo" && mkfifo "$T/fifo"
  timeout 20 sh -c 'cat "$1" > "$2"' sh "$T/$f" "$T/fifo" & # no hang if lexkit never opens it
  got=$(describe "$T/fifo") || fail "$f: from a FIFO: $(cat "$T/err")"
  wait
  [ "$got" = "$want" ] || fail "$f: a FIFO gives '$got', the file '$want'"
done
"$L" info - < "$T/v.txt" | grep -qx 'file	-' || fail "info -: file line"
[ "$("$L" info <(cat "$T/v.txt") | grep '^bytes')" = "bytes	$(wc -c < "$T/v.txt")" ] ||
  fail "a pipe's bytes are not those read"
expect_fail 1 "/dev/fd/[0-9]*: empty file" "$L" info <(true)
expect_fail 1 "-: not a file lexkit knows" sh -c 'echo hello | "$1" info -' sh "$L"
expect_fail 1 "/dev/fd/[0-9]*: checksum mismatch\|/dev/fd/[0-9]*: .*truncated" "$L" info <(head -c 100 "$T/t.lkt")

# train-tagger --embeddings from a pipe and standard input: the model of the file (the
# training record names the vectors as given, so the models are compared by what they do)
"$L" train-tagger --train "$D/tag_en_train.conllu" --output "$T/e.lkt" --embeddings "$T/v.txt" \
  "${SMALL[@]}" || fail "train --embeddings FILE"
"$L" train-tagger --train "$D/tag_en_train.conllu" --output "$T/p.lkt" \
  --embeddings <(cat "$T/v.txt") "${SMALL[@]}" 2> "$T/err" ||
  fail "train --embeddings <(cat ...): $(cat "$T/err")"
"$L" train-tagger --train "$D/tag_en_train.conllu" --output "$T/s.lkt" --embeddings - \
  "${SMALL[@]}" < "$T/v.txt" 2> "$T/err" || fail "train --embeddings -: $(cat "$T/err")"
"$L" tag --model "$T/e.lkt" --input "$D/tag_en_dev.conllu" --input-format conllu > "$T/e.out" || fail "tag e"
for m in p s; do
  "$L" tag --model "$T/$m.lkt" --input "$D/tag_en_dev.conllu" --input-format conllu > "$T/$m.out" ||
    fail "tag $m"
  cmp -s "$T/e.out" "$T/$m.out" || fail "--embeddings from a stream ($m) tags differently"
  [ "$("$L" info "$T/$m.lkt" | grep -v '^file\|^bytes\|^embeddings')" = \
    "$("$L" info "$T/e.lkt" | grep -v '^file\|^bytes\|^embeddings')" ] ||
    fail "--embeddings from a stream ($m): another model"
done
expect_fail 1 "no vectors (empty file)" "$L" train-tagger --train "$D/tag_en_train.conllu" \
  --output "$T/x.lkt" --embeddings <(true) "${SMALL[@]}"
finish info-pipes
