#!/usr/bin/env bash
# Raw English text as `lexkit tag` (the shipped English model) reads it, tokenized the way UD
# English EWT writes it: letter-dot sequences whole (Ph.D. was Ph. D., M.Sc. was M. Sc .),
# a line-final abbreviation's period the sentence's (the U.S ., at 5 p.m .); @mentions and
# #hashtags one token (@alice was @ alice; @ 2.975 and # 1 stay split); a URL keeps a ')' it
# opened (Python_(programming_language) lost its ')'), in `tag`, `tokenize --tokenizer ud-en`
# and the Chinese pre-tokenizer alike (one URL scanner, text/url.c).
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" en-raw-tokens

# words TEXT: the words `lexkit tag` gives TEXT, space-separated
words() { printf '%s\n' "$1" | "$L" tag 2> "$T/err" | sed -E 's#/[A-Z]+( |$)#\1#g'; }
check() { # text expected-words
  got=$(words "$1") || fail "tag '$1': $(cat "$T/err")"
  [ "$got" = "$2" ] || fail "tag: '$1' -> '$got', expected '$2'"
  got=$(printf '%s\n' "$1" | "$L" tokenize --tokenizer ud-en) || fail "tokenize '$1'"
  [ "$got" = "$2" ] || fail "tokenize --tokenizer ud-en: '$1' -> '$got', expected '$2'"
}
check "She has a Ph.D. from MIT." "She has a Ph.D. from MIT ."
check "an M.Sc. or B.Ed., e.g. at 9 a.m. in the U.S.A. today" \
  "an M.Sc. or B.Ed. , e.g. at 9 a.m. in the U.S.A. today"
check "He moved to the U.S." "He moved to the U.S ."
check "Ask @alice about #python, or @bob's list." "Ask @alice about #python , or @bob 's list ."
check "a deal @2.975 on item #1" "a deal @ 2.975 on item # 1"
check "See https://en.wikipedia.org/wiki/Python_(programming_language) now." \
  "See https://en.wikipedia.org/wiki/Python_(programming_language) now ."
check "(see https://x.org/a)" "( see https://x.org/a )"
check "(https://x.org/f(a)), mailto:ann@x.org." "( https://x.org/f(a) ) , mailto:ann@x.org ."

# the Chinese pre-tokenizer, through the same URL scanner
got=$(printf '%s\n' "看https://en.wikipedia.org/wiki/Python_(programming_language)和（见https://x.org/a）。" |
  "$L" tokenize --lang zh 2> "$T/err") || fail "tokenize --lang zh: $(cat "$T/err")"
for u in "https://en.wikipedia.org/wiki/Python_(programming_language)" "https://x.org/a" "）"; do
  printf '%s\n' "$got" | tr ' ' '\n' | grep -qxF -- "$u" || fail "zh: '$u' is not a token of '$got'"
done
finish en_raw_tokens
