#!/usr/bin/env bash
# `index --input DIR`: a file with nothing to index (0 bytes, only white space, an HTML page
# whose body is only a script) is still indexed, as an empty document (its id exists for
# --add --upsert later), and is now counted on the report line of standard error with the
# first such path: `indexed N empty document(s) (PATH)`, after the skipped files if any.
# A file with a title (a .txt's one line, an HTML <title>) is not empty.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" bm25-dir-empty
F=$T/docs
mkdir -p "$F/sub"
printf 'Bread\nFlour and water.\n' > "$F/bread.txt"
: > "$F/empty.txt"
printf '  \n\n\t\r\n' > "$F/blank.md"
printf '\xc2\xa0\n\xe3\x80\x80\n' > "$F/sub/nbsp.txt"   # U+00A0, U+3000: white space
printf '<html><body><script>var x = "scriptword";</script></body></html>' > "$F/sub/script.html"
printf 'Only a title\n' > "$F/title.txt"
printf '<html><head><title>Titled</title></head><body> </body></html>' > "$F/titled.html"
"$L" index --input "$F" --index "$T/idx" 2> "$T/err" || fail "index: $(cat "$T/err")"
[ "$(cat "$T/err")" = "lexkit index: $F: indexed 4 empty documents (blank.md)" ] ||
  fail "report: $(cat "$T/err")"
"$L" index --info --index "$T/idx" | grep -qx 'documents: 7 live, 0 deleted' || fail "7 documents"
[ "$("$L" index --info --index "$T/idx" --doc empty.txt)" = '{"id": "empty.txt", "text": ""}' ] ||
  fail "empty.txt: $("$L" index --info --index "$T/idx" --doc empty.txt)"
# the id is there for --upsert: the file, now written, replaces the empty document
mkdir -p "$T/new"
printf 'Rye\nDark rye bread.\n' > "$T/new/empty.txt"
"$L" index --add --upsert --input "$T/new" --index "$T/idx" 2> "$T/err" || fail "upsert: $(cat "$T/err")"
[ -s "$T/err" ] && fail "upsert of a non-empty file reported: $(cat "$T/err")"
[ "$("$L" search --index "$T/idx" --query rye --format tsv | cut -f3)" = "empty.txt" ] || fail "upsert: not found"
# one empty document, with skipped files: after them, singular
mkdir -p "$T/one"
printf 'Tea\nGreen tea.\n' > "$T/one/tea.txt"
printf 'bin\0ary' > "$T/one/bin.txt"
printf '\n' > "$T/one/nl.txt"
"$L" index --input "$T/one" --index "$T/idx1" 2> "$T/err" || fail "index one: $(cat "$T/err")"
[ "$(cat "$T/err")" = "lexkit index: $T/one: skipped 1 file(s): 1 binary (bin.txt); indexed 1 empty document (nl.txt)" ] ||
  fail "report with skips: $(cat "$T/err")"
# a folder of empty files only: indexed (not "no documents"), all counted
mkdir -p "$T/only"
: > "$T/only/a.txt"
"$L" index --input "$T/only" --index "$T/idx2" 2> "$T/err" || fail "only empty: $(cat "$T/err")"
[ "$(cat "$T/err")" = "lexkit index: $T/only: indexed 1 empty document (a.txt)" ] || fail "only: $(cat "$T/err")"
# JSON Lines input is not a folder: no report
printf '%s\n' '{"id": "e", "text": ""}' > "$T/e.jsonl"
"$L" index --input "$T/e.jsonl" --index "$T/idx3" 2> "$T/err" || fail "jsonl: $(cat "$T/err")"
grep -q "empty" "$T/err" && fail "jsonl reported: $(cat "$T/err")"
finish bm25-dir-empty
