#!/usr/bin/env bash
# A word ending in a digit goes on over '.' and digits (v2.0.1, PM2.5 and v3.10 are one term;
# they were v2 0.1, pm2 5, v3 10): new indexes of every analyzer say tokenizer=3, while an
# index of tokenizer=2 (tests/data/bm25_tokenizer2: indexes of its docs.jsonl made by lexkit
# at 3f9aea1, `index --input docs.jsonl --index english`, `--analyzer plain`, `--lang zh
# --zh-model zh` without the model copy) keeps its terms, for queries and --add alike, until
# rebuilt: there v2.0.1 still finds the document with 0.1. tokenize splits the new way.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" bm25_tokenizer3
D=${LK_SRC:-.}/tests/data/bm25_tokenizer2
M=${LK_SRC:-.}/corpora/models/zh-gsd-char.lkt
ids() { "$L" search --index "$1" --query "$2" --format tsv | cut -f3 | sort | tr '\n' ' '; }
version() { "$L" info "$1" | sed -n 's/^analyzer\.tokenizer\t//p'; }

[ "$(printf 'v2.0.1 released, PM2.5 and 1.2.3 or 3.10.4; Python3.10. v2.\n' | "$L" tokenize)" = \
  "v2.0.1 released , PM2.5 and 1.2.3 or 3.10.4 ; Python3.10 . v2 ." ] ||
  fail "tokenize: $(printf 'v2.0.1 released, PM2.5 and 1.2.3 or 3.10.4; Python3.10. v2.\n' | "$L" tokenize)"

# new indexes: v2.0.1 is one term; 0.1 is only the other document's
for opt in "" "--analyzer plain" "--lang zh --zh-model $M"; do
  "$L" index --input "$D/docs.jsonl" --index "$T/new" $opt --quiet || fail "index $opt"
  [ "$(version "$T/new")" = 3 ] || fail "$opt: tokenizer=$(version "$T/new"), want 3"
  [ "$(ids "$T/new" v2.0.1)" = "v " ] || fail "$opt: v2.0.1: $(ids "$T/new" v2.0.1)"
  [ "$(ids "$T/new" 0.1)" = "o " ] || fail "$opt: 0.1: $(ids "$T/new" 0.1)"
  [ "$(ids "$T/new" pm2.5)" = "v " ] || fail "$opt: pm2.5: $(ids "$T/new" pm2.5)"
  [ "$(ids "$T/new" v3.10)" = "n " ] || fail "$opt: v3.10: $(ids "$T/new" v3.10)"
  "$L" search --index "$T/new" --query v2.0.1 --snippet --format tsv > "$T/snip" || fail "$opt: snippet"
  grep -qF 'lexkit [v2.0.1] released' "$T/snip" || fail "$opt: snippet: $(cat "$T/snip")"
done

# tokenizer=2 indexes: v2.0.1 is v2 and 0.1, in the old documents, in --add and in queries
for a in english plain zh; do
  rm -rf "$T/old" && mkdir "$T/old" && cp "$D/$a/index.lkbx" "$T/old/" || fail "copy $a"
  [ "$a" = zh ] && cp "$M" "$T/old/zh-model.lkt"
  [ "$(version "$T/old")" = 2 ] || fail "$a: tokenizer=$(version "$T/old"), want 2"
  [ "$(ids "$T/old" v2.0.1)" = "o v " ] || fail "$a: v2.0.1: $(ids "$T/old" v2.0.1)"
  [ "$(ids "$T/old" 0.1)" = "o v " ] || fail "$a: 0.1: $(ids "$T/old" 0.1)"
  printf '{"id":"q","text":"fixed in v2.0.1"}\n' > "$T/q.jsonl"
  "$L" index --add --input "$T/q.jsonl" --index "$T/old" --quiet || fail "$a: --add"
  [ "$(version "$T/old")" = 2 ] || fail "$a: --add wrote tokenizer=$(version "$T/old")"
  [ "$(ids "$T/old" 0.1)" = "o q v " ] || fail "$a: --add: 0.1: $(ids "$T/old" 0.1)"
  "$L" search --index "$T/old" --query v2.0.1 --snippet --format tsv > "$T/snip" || fail "$a: snippet"
  grep -qF 'lexkit [v2].[0.1] released' "$T/snip" || fail "$a: snippet: $(cat "$T/snip")"
done
"$L" index --info --index "$T/new" | grep -qx '  tokenizer=3' || fail "info: tokenizer=3"
finish bm25_tokenizer3
