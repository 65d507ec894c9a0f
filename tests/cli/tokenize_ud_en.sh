#!/usr/bin/env bash
# Issue 14: the ud-en tokenizer is idempotent on text already split as UD EWT splits it: a lone
# clitic ('s 'm 're 've 'll 'd n't, with ' or ’) stays one token, so tokenizing the
# space-joined words of an EWT sample gives the same words back (count and identity; before
# the fix `it 's` became `it ' s`, 996 words -> 1026). Raw running text is still split as
# EWT does.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" tokenize-ud-en
W=${LK_SRC:-.}/tests/data/ewt_split_words.txt

"$L" tokenize --tokenizer ud-en --input "$W" > "$T/tok" 2> "$T/err" || fail "tokenize: $(cat "$T/err")"
[ "$(wc -l < "$T/tok")" = "$(wc -l < "$W")" ] || fail "line count changed"
[ "$(wc -w < "$T/tok")" = "$(wc -w < "$W")" ] ||
  fail "word count $(wc -w < "$W") -> $(wc -w < "$T/tok")"
diff "$W" "$T/tok" > "$T/diff" || fail "EWT words not reproduced: $(head -5 "$T/diff")"

check() { # input expected
  got=$(printf '%s\n' "$1" | "$L" tokenize --tokenizer ud-en) || fail "tokenize '$1'"
  [ "$got" = "$2" ] || fail "'$1' -> '$got', expected '$2'"
}
check "I don't think it's raining, is it?" "I do n't think it 's raining , is it ?"
check "We're sure you'll see I'm right; they've said he'd go." \
  "We 're sure you 'll see I 'm right ; they 've said he 'd go ."
check "it ’s   it 's   it's   IT 'S   do n't   ca n't" "it ’s it 's it 's IT 'S do n't ca n't"
check "the 's' key, 'sup, 'tis" "the ' s ' key , ' sup , ' tis"
check "it 's." "it 's ."

# --lower case-folds as the other tokenizers do (full Unicode, as `--no-nfkc --lower`), not
# only ASCII: before, Straße, ΣΊΣΥΦΟΣ and ÉCOLE kept their case. Splitting is unchanged.
check_lower() { # input expected
  got=$(printf '%s\n' "$1" | "$L" tokenize --tokenizer ud-en --lower) || fail "tokenize --lower '$1'"
  [ "$got" = "$2" ] || fail "--lower: '$1' -> '$got', expected '$2'"
  want=$(printf '%s\n' "$1" | "$L" tokenize --tokenizer ud-en | "$L" tokenize --tokenizer space --lower --no-nfkc)
  [ "$got" = "$want" ] || fail "--lower: '$1' -> '$got', the tokens folded one by one give '$want'"
}
check_lower "ÉCOLE Straße İstanbul DON’T CAN'T Ǆ ΣΊΣΥΦΟΣ I’M" \
  "école strasse i̇stanbul do n’t ca n't ǆ σίσυφοσ i ’m"
# U+0390 folds to three code points (2 -> 6 bytes): a long run of it (not printed if wrong)
long=$(printf 'ΐ%.0s' $(seq 2000))
got=$(printf 'A %s\n' "$long" | "$L" tokenize --tokenizer ud-en --lower) || fail "tokenize --lower a long run"
[ "$got" = "a $(printf '%s\n' "$long" | "$L" tokenize --tokenizer space --lower --no-nfkc)" ] ||
  fail "--lower: a run of 2000 U+0390 is not folded as --tokenizer space folds it"
[ "$(printf 'ΐ\n' | "$L" tokenize --tokenizer ud-en --lower | od -An -tx1 | tr -d ' \n')" = "ceb9cc88cc810a" ] ||
  fail "--lower: U+0390 is not U+03B9 U+0308 U+0301"
# --model en (the shipped English word model) splits as --tokenizer ud-en, the tokens `tag
# --model en` tags in raw text: it exited 1 with "a word model cannot segment raw text"
S="I don't think it's raining, Dr. Smith can't pay \$1,000."
got=$(printf '%s\n' "$S" | "$L" tokenize --model en 2> "$T/err") || fail "tokenize --model en: $(cat "$T/err")"
[ "$got" = "$(printf '%s\n' "$S" | "$L" tokenize --tokenizer ud-en)" ] || fail "--model en: '$got'"
[ "$got" = "$(printf '%s\n' "$S" | "$L" tag --model en | sed -E 's#/[A-Z]+( |$)#\1#g')" ] ||
  fail "--model en: '$got' is not the words of tag --model en"
expect_fail 2 "--user-dict needs a character (Chinese) model; .* is a word model" \
  "$L" tokenize --model en --user-dict "$W" < /dev/null
finish tokenize_ud_en
