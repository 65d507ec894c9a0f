#!/usr/bin/env bash
# Input defects of issue 15, one case each: exit 1 and a message naming the file
# (file:line:col where it applies), never a result computed from nothing.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" input-defects
D=${LK_SRC:-.}/tests/data
C=${LK_SRC:-.}/corpora
: > "$T/empty"
EMB=(--dim 4 --min-count 1 --epochs 1 --threads 1 --quiet)

# embed: invalid UTF-8, NUL bytes, a CoNLL-U file; no vectors file is written
printf 'a b c\nd \377 e\n' > "$T/bad.txt"
expect_fail 1 "bad.txt:2:3: invalid UTF-8 byte 0xFF" "$L" embed --input "$T/bad.txt" --output "$T/v.txt" "${EMB[@]}"
printf 'a b\0c\n' > "$T/nul.txt"
expect_fail 1 "nul.txt:1:4: NUL byte" "$L" embed --input "$T/nul.txt" --output "$T/v.txt" "${EMB[@]}"
expect_fail 1 "tag_en_train.conllu:1:1: this looks like CoNLL-U" "$L" embed \
  --input "$D/tag_en_train.conllu" --output "$T/v.txt" "${EMB[@]}"
[ -e "$T/v.txt" ] && fail "embed wrote vectors from bad input"
# vocab and tag read a CoNLL-U file as text too (every column counted or tagged as a word,
# exit 0): the same message as embed's, from the first lines only (a stream is not read ahead)
U="$D/corpus_good.conllu"
msg="corpus_good.conllu:4:1: this looks like CoNLL-U (10 tab-separated columns)"
expect_fail 1 "$msg; text input .*give --input-format conllu" "$L" vocab --input "$U"
expect_fail 1 "$msg; raw input .*give --input-format conllu" "$L" tag --model en --input "$U"
expect_fail 1 "$msg; token input .*give --input-format conllu" \
  "$L" tag --model en --input "$U" --input-format tokens
expect_fail 1 "$msg; a character model reads raw text" "$L" tag --model zh --input "$U"
expect_fail 1 "-:4:1: this looks like CoNLL-U" sh -c '"$1" vocab < "$2"' sh "$L" "$U"
"$L" vocab --input "$U" --input-format conllu > /dev/null || fail "vocab --input-format conllu"
"$L" tag --model en --input "$U" --input-format conllu > /dev/null || fail "tag conllu"
# a text whose later lines have 10 columns is text
{ echo "The cat sat."; printf '1\ta\tb\tc\td\te\tf\tg\th\ti\n'; } > "$T/late.txt"
"$L" vocab --input "$T/late.txt" > /dev/null || fail "vocab: 10 columns on line 2"

# index: --merge on a missing index, --stopwords errors name the file and line, empty input
expect_fail 1 "$T/nonexist" "$L" index --merge --index "$T/nonexist"
printf 'the\n\377\n' > "$T/sw.txt"
expect_fail 1 "sw.txt:2:1: invalid UTF-8" "$L" index --input "$C/sample-docs.jsonl" \
  --index "$T/idx" --stopwords "$T/sw.txt"
printf 'the  # a comment\nnew york\n' > "$T/sw.txt" # the reader of bow's --stop-words
expect_fail 1 "sw.txt:2:4: white space inside a stop word" "$L" index \
  --input "$C/sample-docs.jsonl" --index "$T/idx" --stopwords "$T/sw.txt"
expect_fail 1 "empty: no documents" "$L" index --input "$T/empty" --index "$T/idx"
[ -e "$T/idx" ] && fail "index: an index was created from no documents"

# vectors: NaN / inf values, a tagger model given as vectors, a header that does not fit
printf '2 2\na nan 1\nb 1 2\n' > "$T/nan.vec"
expect_fail 1 "nan.vec:2:3: 'nan' is not a finite number" "$L" neighbors --vectors "$T/nan.vec" --word b
printf '2 2\na 0 1\nb 1 inf\n' > "$T/inf.vec"
expect_fail 1 "inf.vec:3:5: 'inf' is not a finite number" "$L" neighbors --vectors "$T/inf.vec" --word a
printf '2 1\na \000\000\300\177\nb \000\000\200\077\n' > "$T/nan.bin"
expect_fail 1 "nan.bin: word 1 ('a'): value 1 is not a finite number" "$L" neighbors \
  --vectors "$T/nan.bin" --word b
"$L" train-tagger --train "$D/corpus_good.conllu" --output "$T/m.lkt" --epochs 1 --hidden 4 \
  --quiet 2> "$T/err" || fail "train-tagger: $(cat "$T/err")"
expect_fail 1 "m.lkt: this is a lexkit tagger model (LKTG)" "$L" neighbors --vectors "$T/m.lkt" --word a
printf '1 2000000000\na 1\n' > "$T/huge.vec" # 13 bytes: a parse error, not "out of memory"
expect_fail 1 "huge.vec:1:1: the header says dim 2000000000" "$L" neighbors \
  --vectors "$T/huge.vec" --word a
printf '1 2000000000\na \001\002\003\004' > "$T/huge.bin"
expect_fail 1 "huge.bin:1:1: the header says dim 2000000000" "$L" neighbors \
  --vectors "$T/huge.bin" --word a

# --vocab-in: a term made of a stray space
printf '#n_docs\t2\n \t0\t1\n' > "$T/vin.tsv"
expect_fail 1 "vin.tsv:2:1: term ' ' has a stray space" "$L" tfidf --input "$D/feat_docs_small.jsonl" \
  --vocab-in "$T/vin.tsv"

# empty inputs
expect_fail 1 "empty: no word pairs" "$L" similarity --vectors "$D/emb_analogy.vec" --pairs "$T/empty"
expect_fail 1 "empty: no questions" "$L" analogy --vectors "$D/emb_analogy.vec" --questions "$T/empty"
expect_fail 1 "empty: no query has a relevant document" "$L" eval-ir --qrels "$T/empty" --run "$T/empty"
expect_fail 1 "empty: no sentences" "$L" eval-tagger --model "$T/m.lkt" --test "$T/empty"
expect_fail 1 "empty: the dev set is empty" "$L" train-tagger --train "$D/corpus_good.conllu" \
  --dev "$T/empty" --output "$T/m2.lkt" --epochs 1 --hidden 4 --quiet
expect_fail 1 "empty: no vectors" "$L" train-tagger --train "$D/corpus_good.conllu" \
  --embeddings "$T/empty" --output "$T/m3.lkt" --epochs 1 --hidden 4 --quiet
[ -e "$T/m2.lkt" ] || [ -e "$T/m3.lkt" ] && fail "train-tagger wrote a model from an empty input"

# eval-tagger with an unwritable standard output
if [ -w /dev/full ]; then
  "$L" eval-tagger --model "$T/m.lkt" --test "$D/corpus_good.conllu" > /dev/full 2> "$T/err"
  [ $? = 1 ] || fail "eval-tagger > /dev/full: exit 0"
  grep -q "standard output: write error" "$T/err" || fail "eval-tagger > /dev/full: $(cat "$T/err")"
fi
# bow/tfidf --stop-words FILE took anything (binary data, invalid UTF-8, a CoNLL-U file):
# now UTF-8 text, one word per line, with file:line:col errors
DOCS=(--input "$D/feat_docs_small.jsonl" --output /dev/null)
printf 'the\nbad\xff\n' > "$T/sw1.txt"
expect_fail 1 "sw1.txt:2:4: invalid UTF-8 byte 0xFF" "$L" bow "${DOCS[@]}" --stop-words "$T/sw1.txt"
printf 'the\nof\0x\n' > "$T/sw2.txt"
expect_fail 1 "sw2.txt:2:3: NUL byte" "$L" tfidf "${DOCS[@]}" --stop-words "$T/sw2.txt"
expect_fail 1 "corpus_good.conllu:4:4: white space inside a stop word (the file lists one word per line)" \
  "$L" bow "${DOCS[@]}" --stop-words "$D/corpus_good.conllu"
printf '\xef\xbb\xbfthe\r\n  # comment\n\n of \t\n' > "$T/sw3.txt"
"$L" bow "${DOCS[@]}" --stop-words "$T/sw3.txt" --vocab-out "$T/sw3.tsv" || fail "a good stop list"
grep -q 'stop_words=2:' "$T/sw3.tsv" || fail "BOM, CRLF, comment and spaces: $(sed -n 2p "$T/sw3.tsv")"
finish input-defects
