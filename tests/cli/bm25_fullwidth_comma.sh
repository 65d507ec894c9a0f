#!/usr/bin/env bash
# A full-width comma (U+FF0C) between digits is a Chinese clause separator, not a decimal
# comma: 页10，2005年 is found by 2005 in a new index of every analyzer (the settings say
# tokenizer=2, now 3: tests/cli/bm25_tokenizer3.sh), while an index built before (tests/data/bm25_old_tokenizer: indexes of its
# docs.jsonl made by lexkit at main 5020197, `index --input docs.jsonl --index english`,
# `--analyzer plain`, `--lang zh --zh-model zh` without the model copy) keeps its terms
# (10,2005), for queries and --add alike, until rebuilt. tokenize and bow split it too.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" bm25_fullwidth_comma
D=${LK_SRC:-.}/tests/data/bm25_old_tokenizer
M=${LK_SRC:-.}/corpora/models/zh-gsd-char.lkt
ids() { "$L" search --index "$1" --query "$2" --format tsv | cut -f3 | tr '\n' ' '; }
settings() { "$L" info "$1" | grep -c '^analyzer\.tokenizer	[23]$'; }

[ "$(printf '页10，2005年 比分3，2 共1，200人 1,234 3,2\n' | "$L" tokenize)" = \
  "页 10 , 2005 年 比 分 3 , 2 共 1,200 人 1,234 3,2" ] || fail "tokenize"
printf '页10，2005年 1，200\n' | "$L" bow --input-format text --vocab-out "$T/v" > /dev/null || fail "bow"
[ "$(grep -v "^#" "$T/v" | cut -f1 | tr '\n' ' ')" = "1,200 10 2005 年 页 " ] || fail "bow: $(cat "$T/v")"

# new indexes: 2005 finds p (and e, which has 2005 too); 1，200 and 1,200 are one term
for opt in "" "--analyzer plain" "--lang zh --zh-model $M"; do
  "$L" index --input "$D/docs.jsonl" --index "$T/new" $opt --quiet || fail "index $opt"
  [ "$(settings "$T/new")" = 1 ] || fail "$opt: no tokenizer=2 in the settings"
  [ "$(ids "$T/new" 2005)" = "p e " ] || [ "$(ids "$T/new" 2005)" = "e p " ] ||
    fail "$opt: 2005: $(ids "$T/new" 2005)"
  [ "$(ids "$T/new" '1，200')" = "p " ] || fail "$opt: 1，200: $(ids "$T/new" '1，200')"
  [ "$(ids "$T/new" '1,234')" = "e " ] || fail "$opt: 1,234"
  [ "$(ids "$T/new" '10,2005')" = "" ] || fail "$opt: 10,2005 is no term of a new index"
done

# old indexes: the number of before, in the old documents, in --add and in queries
for a in english plain zh; do
  rm -rf "$T/old" && mkdir "$T/old" && cp "$D/$a/index.lkbx" "$T/old/" || fail "copy $a"
  [ "$a" = zh ] && cp "$M" "$T/old/zh-model.lkt"
  [ "$(settings "$T/old")" = 0 ] || fail "$a: the old index has tokenizer=2"
  [ "$(ids "$T/old" '10，2005')" = "p " ] || fail "$a: 10，2005: $(ids "$T/old" '10，2005')"
  [ "$(ids "$T/old" '10,2005')" = "p " ] || fail "$a: 10,2005"
  [ "$(ids "$T/old" 2005)" = "e " ] || fail "$a: 2005 found the old 10,2005: $(ids "$T/old" 2005)"
  printf '{"id":"q","text":"第10，2005页"}\n' > "$T/q.jsonl"
  "$L" index --add --input "$T/q.jsonl" --index "$T/old" --quiet || fail "$a: --add"
  [ "$(settings "$T/old")" = 0 ] || fail "$a: --add wrote tokenizer=2"
  [ "$(ids "$T/old" '10，2005' | tr ' ' '\n' | sort | tr '\n' ' ')" = "p q " ] ||
    fail "$a: --add: 10，2005: $(ids "$T/old" '10，2005')"
  [ "$(ids "$T/old" 2005)" = "e " ] || fail "$a: --add: 2005: $(ids "$T/old" 2005)"
done
"$L" index --info --index "$T/new" | grep -qx '  tokenizer=3' || fail "info: tokenizer=3"
finish bm25_fullwidth_comma
