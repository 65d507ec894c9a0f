#!/usr/bin/env bash
# `lexkit index --info` counted "1 documents" on a segment's line: a count of 1 takes the
# singular ("1 document"), every other count the plural, on each segment's line; the
# other lines ("documents: 1 live, 0 deleted", "terms: 1 distinct", "segments: 1") read as
# they are for any count.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" bm25-info-counts
printf '%s\n' '{"id":"a","text":"coffee"}' > "$T/one.jsonl"
printf '%s\n' '{"id":"b","text":"tea"}' '{"id":"c","text":"milk"}' > "$T/two.jsonl"
"$L" index --input "$T/one.jsonl" --index "$T/ix" --quiet || fail "index"
"$L" index --info --index "$T/ix" > "$T/info" || fail "info"
b1=$(stat -c %s "$T/ix/index.lkbx")
grep -qx "documents: 1 live, 0 deleted" "$T/info" || fail "documents: $(cat "$T/info")"
grep -qx "terms: 1 distinct" "$T/info" || fail "terms: $(cat "$T/info")"
grep -qx "segments: 1" "$T/info" || fail "segments: $(cat "$T/info")"
grep -qx "  index.lkbx: 1 document (0 deleted), $b1 bytes" "$T/info" || fail "1 document: $(cat "$T/info")"
# two documents, one of them deleted: 2 documents, 1 deleted
"$L" index --input "$T/two.jsonl" --index "$T/ix2" --quiet || fail "index 2"
"$L" index --delete-id c --index "$T/ix2" --quiet || fail "delete"
"$L" index --info --index "$T/ix2" > "$T/info2" || fail "info 2"
grep -qx "documents: 1 live, 1 deleted" "$T/info2" || fail "documents 2: $(cat "$T/info2")"
grep -qE "^  index.lkbx: 2 documents \(1 deleted\), [0-9]+ bytes$" "$T/info2" || fail "2 documents: $(cat "$T/info2")"
grep -q " 1 documents\| 1 bytes" "$T/info" "$T/info2" && fail "plural of 1: $(cat "$T/info" "$T/info2")"
finish bm25-info-counts
