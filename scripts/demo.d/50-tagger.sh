#!/usr/bin/env bash
# Tagger demo: segment and tag raw Chinese sentences with the shipped character model
# (--model zh: corpora/models/zh-gsd-char.lkt, trained by lexkit on UD Chinese GSD; with
# traditional characters, full-width punctuation, a URL, a phone number), tag raw English with
# the shipped English model (no --model), then train a toy English tagger on 40 sentences
# (how training works; its tags are poor by design).
set -eu
printf '%s\n' '我们明天去北京看长城。' '周末我和朋友去超市买了很多水果。' \
  '中国人民银行决定下调存款准备金率0.5个百分点。' '我們明天去北京看長城。' \
  '详情请访问https://example.com/zh或拨打400-123-4567（工作日9:00-18:00）。' > "$OUT/zh.txt"
echo "\$ lexkit tag --model zh --input zh.txt"
"$LEXKIT" tag --model zh --input "$OUT/zh.txt"
echo
echo "\$ printf '%s\\n' \"I don't think it's raining, is it?\" 'Loved the new café ❤️ and the staff were great!' | lexkit tag"
printf '%s\n' "I don't think it's raining, is it?" 'Loved the new café ❤️ and the staff were great!' | "$LEXKIT" tag
echo
echo "\$ lexkit train-tagger --train tests/data/tag_en_train.conllu ... --epochs 30   # a toy model: 40 sentences"
"$LEXKIT" train-tagger --train tests/data/tag_en_train.conllu --dev tests/data/tag_en_dev.conllu \
  --output "$OUT/en.lkt" --epochs 30 --patience 0 --lr 0.01 --dropout 0.1 --hidden 32 --quiet 2>/dev/null
echo 'The quick dog runs home .' | "$LEXKIT" tag --model "$OUT/en.lkt"
"$LEXKIT" eval-tagger --model "$OUT/en.lkt" --test tests/data/tag_en_dev.conllu 2>/dev/null | tail -1
