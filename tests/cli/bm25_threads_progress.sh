#!/usr/bin/env bash
# index --threads 2 --progress over several batches: the consumer's progress line reads the
# input offset that the producer thread advances (issue 15: a data race, seen by `make
# test-tsan`, which runs this test). Here: the build succeeds and finds every document.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" bm25-threads
for i in $(seq 1 40); do
  awk -v r="$i" '{sub(/"id": *"[^"]*"/, "\"id\": \"" r "-" NR "\""); print}' "${LK_SRC:-.}/corpora/sample-docs.jsonl"
done > "$T/docs.jsonl"
n=$(wc -l < "$T/docs.jsonl")
"$L" index --input "$T/docs.jsonl" --index "$T/idx" --threads 2 --progress --stats 2> "$T/err" ||
  fail "index: $(cat "$T/err")"
grep -q "indexed $n docs" "$T/err" || fail "expected $n docs: $(tail -1 "$T/err")"
finish bm25-threads-progress
