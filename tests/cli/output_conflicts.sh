#!/usr/bin/env bash
# Two outputs of one command given the same file: a usage error (exit 2) before any work,
# naming both options; before, the last writer won silently (tfidf --output same.x
# --vocab-out same.x kept only the vocabulary, embed --output s --save-model s the export).
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" output-conflicts
EMB=(--input "$D/emb_corpus.txt" --dim 4 --min-count 1 --epochs 1 --threads 1 --quiet)
DOCS=(--input "$D/feat_docs_small.jsonl")
for cmd in bow tfidf; do
  expect_fail 2 "--output .* and --vocab-out .* are the same file" \
    "$L" $cmd "${DOCS[@]}" --output "$T/same.x" --vocab-out "$T/same.x"
  [ -e "$T/same.x" ] && fail "$cmd: same.x written"
  expect_fail 2 "--vocab-out .* and --ids-out" \
    "$L" $cmd "${DOCS[@]}" --output "$T/m.svm" --vocab-out "$T/v.tsv" --ids-out "$T/./v.tsv"
  # the same file through a symlink to the directory, and an existing file (dev/ino)
  mkdir -p "$T/d" && ln -sfn "$T/d" "$T/link"
  expect_fail 2 "same file" "$L" $cmd "${DOCS[@]}" --output "$T/d/m" --vocab-out "$T/link/m"
  echo old > "$T/d/old"
  expect_fail 2 "same file" "$L" $cmd "${DOCS[@]}" --output "$T/d/old" --vocab-out "$T/link/old"
  [ "$(cat "$T/d/old")" = old ] || fail "$cmd: existing file replaced"
  # standard output twice (no --output, --vocab-out -)
  expect_fail 2 "both write to standard output" "$L" $cmd "${DOCS[@]}" --vocab-out -
  # different files are fine, /dev/null twice too
  "$L" $cmd "${DOCS[@]}" --output "$T/m.svm" --vocab-out "$T/v.tsv" || fail "$cmd: distinct outputs"
  "$L" $cmd "${DOCS[@]}" --output /dev/null --vocab-out /dev/null || fail "$cmd: /dev/null twice"
done
expect_fail 2 "--output .* and --save-model .* are the same file" \
  "$L" embed "${EMB[@]}" --output "$T/s.lkem" --save-model "$T/s.lkem"
[ -e "$T/s.lkem" ] && fail "embed: s.lkem written"
expect_fail 2 "--save-model .* and --plot" \
  "$L" embed "${EMB[@]}" --output "$T/v.txt" --save-model "$T/p" --plot "$T/p"
expect_fail 2 "both write to standard output" "$L" embed "${EMB[@]}" --output - --plot /dev/stdout
"$L" embed "${EMB[@]}" --output "$T/v.txt" --output-format text --save-model "$T/m.lkem" ||
  fail "embed: distinct outputs"
expect_fail 2 "--output .* and --plot .* are the same file" \
  "$L" train-tagger --train "$D/corpus_good.conllu" --output "$T/t.lkt" --plot "$T/t.lkt"
expect_fail 2 "--output .* and --plot .* are the same file" \
  "$L" neighbors --vectors "$T/v.txt" --word the --output "$T/n.txt" --plot "$T/n.txt"
# an output naming an input file: a usage error before any work, the input kept (before:
# exit 0, embed --input c --output c replaced the corpus with its vectors)
cp "$D/feat_docs_small.jsonl" "$T/docs.jsonl"
cp "$D/emb_corpus.txt" "$T/c.tok"
printf 'a b\nc d\n' > "$T/same.txt"
ln -sfn "$T/same.txt" "$T/same.link"
keep() { cmp -s "$1" "$2" || fail "$1 was replaced"; }
expect_fail 2 "--output .*docs.jsonl is the input file (--input .*docs.jsonl); give another path" \
  "$L" bow --input "$T/docs.jsonl" --output "$T/docs.jsonl"
keep "$T/docs.jsonl" "$D/feat_docs_small.jsonl"
expect_fail 2 "--output .*same.txt is the input file (--input" \
  "$L" tfidf --input "$T/same.txt" --input-format text --output "$T/same.txt"
expect_fail 2 "--vocab-out .*docs.jsonl is the input file" \
  "$L" tfidf --input "$T/docs.jsonl" --output /dev/null --vocab-out "$T/docs.jsonl"
"$L" bow --input "$T/docs.jsonl" --output /dev/null --vocab-out "$T/v.tsv" || fail "bow --vocab-out"
expect_fail 2 "--output .*v.tsv is the input file (--vocab-in" \
  "$L" bow --input "$T/docs.jsonl" --vocab-in "$T/v.tsv" --output "$T/v.tsv"
expect_fail 2 "--output .*c.tok is the input file (--input .*c.tok)" \
  "$L" embed --input "$T/c.tok" --dim 4 --min-count 1 --epochs 1 --quiet --output "$T/c.tok"
keep "$T/c.tok" "$D/emb_corpus.txt"
expect_fail 2 "--output .*same.link is the input file (--input .*same.txt)" \
  "$L" vocab --input "$T/same.txt" --output "$T/same.link"
expect_fail 2 "is the input file" "$L" tokenize --input "$T/same.txt" --output "$T/same.txt"
expect_fail 2 "is the input file" "$L" tag --input "$T/same.txt" --output "$T/same.txt"
[ "$(cat "$T/same.txt")" = "$(printf 'a b\nc d')" ] || fail "same.txt was replaced"
ls "$T" | grep -q '\.tmp\.' && fail "a temp file was left: $(ls "$T")"
# embed --resume: a model output updates the model in place; vectors over it are refused
"$L" embed "${EMB[@]}" --save-model "$T/r.lkem" || fail "embed --save-model"
"$L" embed "${EMB[@]}" --resume "$T/r.lkem" --save-model "$T/r.lkem" || fail "resume in place"
cp "$T/r.lkem" "$T/r0.lkem"
expect_fail 2 "--output .*r.lkem is the input file (--resume" \
  "$L" embed "${EMB[@]}" --resume "$T/r.lkem" --output "$T/r.lkem" --output-format text
keep "$T/r.lkem" "$T/r0.lkem"
expect_fail 2 "--output .*r.lkem is the input file (FILE" "$L" info "$T/r.lkem" --output "$T/r.lkem"
# standard output and /dev/null stay fine
"$L" bow --input "$T/docs.jsonl" --output /dev/null || fail "bow --output /dev/null"
"$L" vocab --input "$T/same.txt" > /dev/null || fail "vocab to standard output"
finish output-conflicts
