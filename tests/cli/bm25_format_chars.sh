#!/usr/bin/env bash
# Invisible format characters inside words (a soft hyphen from &shy; or JSON \u00ad, a word
# joiner U+2060) are dropped by the search analyzers at index and query time: infor&shy;mation
# is found by information (it was a term of its own, found only by a query holding the
# invisible character), with every analyzer, with a Chinese model, and its snippet marks the
# word as written.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" bm25_format_chars
M=${LK_SRC:-.}/corpora/models/zh-gsd-char.lkt
ids() { "$L" search --index "$1" --query "$2" --format tsv | cut -f3 | tr '\n' ' '; }

mkdir "$T/sd"
printf '<html><head><title>Guide</title></head><body><p>co&shy;operate and infor&shy;mation</p></body></html>\n' > "$T/sd/d.html"
"$L" index --input "$T/sd" --index "$T/s" 2> /dev/null || fail "index html"
[ "$(ids "$T/s" information)" = "d.html " ] || fail "html: information"
[ "$(ids "$T/s" cooperate)" = "d.html " ] || fail "html: cooperate"
[ "$(ids "$T/s" "$(printf 'infor\xc2\xadmation')")" = "d.html " ] || fail "html: the query with the soft hyphen"
grep -q 'english_fold=4' <("$L" index --info --index "$T/s") || fail "info: english_fold=4"

printf '%s\n' '{"id":"j","text":"infor\u00admation co\u2060operate \u73cd\u00ad\u73e0\u5976\u8336"}' \
    '{"id":"k","text":"other words"}' > "$T/j.jsonl"
for opt in "" "--analyzer plain" "--zh-model $M" "--positions --store none"; do
  "$L" index --input "$T/j.jsonl" --index "$T/j" $opt 2> /dev/null || fail "index $opt"
  for w in information cooperate 珍珠 '"珍珠奶茶"' '+infor* words'; do
    [ "$(ids "$T/j" "$w")" = "j " ] || fail "$opt: $w: $(ids "$T/j" "$w")"
  done
done
"$L" index --input "$T/j.jsonl" --index "$T/j" 2> /dev/null || fail "index"
"$L" search --index "$T/j" --query 'information 珍珠' --format json --snippet > "$T/s.json" || fail "snippet"
grep -q '"highlights": \[\[0, 12\], \[24, 27\]\]' "$T/s.json" || fail "snippet: $(cat "$T/s.json")"
finish bm25_format_chars
