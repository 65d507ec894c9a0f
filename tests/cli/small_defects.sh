#!/usr/bin/env bash
# Small CLI defects from a new-user test (one case each, named by what was wrong):
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" small-defects
DOCS="$D/feat_docs_small.jsonl"
# bow --min-df 0.9 --max-df 0.1 exited 1 (after reading) where --min-df 5 --max-df 2 exits 2
expect_fail 2 "max_df corresponds to < documents than min_df" "$L" bow --input "$DOCS" --min-df 0.9 --max-df 0.1
expect_fail 2 "max_df corresponds to < documents than min_df" "$L" tfidf --input "$DOCS" --min-df 5 --max-df 2
# a count against a proportion depends on the collection: exit 1, naming the input
expect_fail 1 "feat_docs_small.jsonl: max_df corresponds" "$L" bow --input "$DOCS" --min-df 5 --max-df 0.1
# blank lines only: "empty vocabulary" did not name the file
printf '\n  \n\n' > "$T/blank.txt"
expect_fail 1 "blank.txt: empty vocabulary" "$L" bow --input "$T/blank.txt" --input-format text
# embed --output v.bin / m.lkem without --output-format wrote word2vec text: now the name
# decides (.bin binary, .lkem LKEM, else text); --output-format still wins
EMB=(embed --input "$D/emb_corpus.txt" --dim 4 --min-count 1 --epochs 1 --threads 1 --quiet)
"$L" "${EMB[@]}" --output "$T/v.bin" || fail "embed v.bin"
"$L" "${EMB[@]}" --output "$T/m.lkem" || fail "embed m.lkem"
"$L" "${EMB[@]}" --output "$T/v.vec" || fail "embed v.vec"
"$L" "${EMB[@]}" --output "$T/t.bin" --output-format text || fail "embed t.bin as text"
[ "$(head -c 4 "$T/m.lkem")" = LKEM ] || fail ".lkem is not LKEM: $(head -c 20 "$T/m.lkem")"
binary_bytes() { LC_ALL=C tr -d '\n\t -~' < "$1" | wc -c; }
[ "$(binary_bytes "$T/v.bin")" -gt 0 ] || fail ".bin was written as text: $(head -2 "$T/v.bin")"
[ "$(binary_bytes "$T/v.vec")" = 0 ] || fail ".vec is not text"
[ "$(binary_bytes "$T/t.bin")" = 0 ] || fail "--output-format text t.bin is not text"
"$L" neighbors --vectors "$T/v.bin" --word king > /dev/null || fail "v.bin does not read back"
# embed on unsegmented Chinese without --tokenize made a handful of 'words' (whole clauses),
# silently: a note on stderr now suggests --tokenize; segmented text and --tokenize get none
ZHC="${LK_SRC:-.}/corpora/zh-everyday-train.txt"
sed -E 's#/[A-Z]+##g; s/ //g' "$ZHC" > "$T/zh-raw.txt"
sed -E 's#/[A-Z]+##g' "$ZHC" > "$T/zh-words.txt"
ZH=(--min-count 1 --epochs 1 --dim 4 --threads 1 --quiet --output "$T/zh.txt")
"$L" embed --input "$T/zh-raw.txt" "${ZH[@]}" 2> "$T/err" || fail "zh raw: $(cat "$T/err")"
grep -q "note: .*zh-raw.txt: [0-9]*% of the text is runs of more than 8 Han characters without spaces.*give --tokenize" "$T/err" ||
  fail "no --tokenize note for unsegmented Chinese: $(cat "$T/err")"
for run in "zh-raw.txt --tokenize" zh-words.txt; do
  set -- $run
  "$L" embed --input "$T/$1" "${ZH[@]}" ${2:-} 2> "$T/err" && [ ! -s "$T/err" ] ||
    fail "$run: a note or an error: $(cat "$T/err")"
done
# a vectors file starting with a UTF-8 BOM failed with "got '\uFEFF2 3'" (the mark invisible):
# it is skipped, as the line readers skip it (text, binary, a pipe, info)
printf '\357\273\2772 3\na 1 2 3\nb 3 2 1\n' > "$T/bom.vec"
"$L" neighbors --vectors "$T/bom.vec" --word a > "$T/out" 2> "$T/err" && grep -q '^b' "$T/out" ||
  fail "BOM vectors: $(cat "$T/err")"
"$L" neighbors --vectors - --word a < "$T/bom.vec" > /dev/null 2> "$T/err" || fail "BOM on a pipe: $(cat "$T/err")"
"$L" info "$T/bom.vec" | grep -q 'word vectors (word2vec)' || fail "info: BOM vectors not recognized"
# --min-df abc said "'abc' is not an integer" though proportions (0.5) are allowed
for v in abc 1.5 -1; do
  expect_fail 2 "--min-df: '$v' is not a count or a proportion" "$L" bow --input "$DOCS" --min-df "$v"
done
expect_fail 2 "--max-df: 'x' is not a count or a proportion" "$L" tfidf --input "$DOCS" --max-df x
# index --delete t1 (t1 a document id) said only "t1: No such file or directory"
"$L" index --input "$DOCS" --index "$T/jidx" --quiet || fail "index"
for opt in --delete --delete-file; do
  expect_fail 1 "t1: No such file or directory (--delete names a file of ids, one per line; to delete by id use --delete-id t1)" \
    "$L" index "$opt" t1 --index "$T/jidx"
done
finish small-defects
