#!/usr/bin/env bash
# train-tagger --lexicon reads the user dictionary's `word [TAG]` lines with the same reader as
# tag --user-dict (lk_userdict_split_line): a third field is an error naming file:line:col and
# exit 1 (it was dropped silently and training went on), `#` lines are comments, and the
# column of a too-long tag is the tag's own (it was one too far right).
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" lexicon-bad-line
ZH=${LK_SRC:-.}/corpora/models/zh-gsd-char.lkt
TRAIN=(train-tagger --unit char --train "$D/tag_zh_train.conllu" --dev "$D/tag_zh_dev.conllu"
       --epochs 1 --hidden 8 --char-dim 6 --word-dim 8 --seed 3 --quiet --output "$T/m.lkt")
printf '长江 PROPN\n大桥\n北京大学 PROPN\n学生 NOUN\n# 注释 行 多\n坏 行 多\n' > "$T/lex.txt"

expect_fail 1 "lex.txt:6:5: expected \`word \[TAG\]\`, found a third field" "$L" "${TRAIN[@]}" --lexicon "$T/lex.txt"
[ -e "$T/m.lkt" ] && fail "a model was written from a bad lexicon"
# the same line, the same message, from --user-dict
expect_fail 1 "lex.txt:6:5: expected \`word \[TAG\]\`, found a third field" \
  "$L" tag --model "$ZH" --user-dict "$T/lex.txt" --input /dev/null
printf '长江 \377\n' > "$T/utf.txt"
expect_fail 1 "utf.txt:1:4: invalid UTF-8" "$L" "${TRAIN[@]}" --lexicon "$T/utf.txt"
printf '长江 %s\n' "$(printf 'X%.0s' $(seq 33))" > "$T/long.txt"
expect_fail 1 "long.txt:1:4: tag longer than 32 bytes" "$L" "${TRAIN[@]}" --lexicon "$T/long.txt"

# without the bad line it trains (the comment line, three fields after `#`, is skipped)
sed -i '$d' "$T/lex.txt"
"$L" "${TRAIN[@]}" --lexicon "$T/lex.txt" 2> "$T/err" || fail "good lexicon: $(cat "$T/err")"
[ -s "$T/m.lkt" ] || fail "good lexicon: no model"
finish lexicon_bad_line
