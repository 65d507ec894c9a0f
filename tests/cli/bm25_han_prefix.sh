#!/usr/bin/env bash
# Han prefixes (docs/search.md, "Prefixes"): a bigram index holds Han terms of 1-2 characters,
# so a prefix of 3+ Han characters (珍珠奶*) matches what the same characters without the *
# match, scored as them (it found nothing before); with a Chinese model a prefix that the
# model splits into several words (新能源: 新 能源) matches its indexed terms (新能源汽车) and
# those words too. 1-2 character prefixes of a bigram index are unchanged.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" bm25_han_prefix
M=${LK_SRC:-.}/corpora/models/zh-gsd-char.lkt

q() { "$L" search --index "$1" --query "$2" --format tsv | cut -f3,4 | tr '\n' ' '; }

printf '%s\n' '{"id":"a","title":"奶茶","text":"我喜欢喝珍珠奶茶。"}' \
    '{"id":"b","text":"奶奶喜欢珍珠。"}' '{"id":"c","text":"牛奶"}' \
    '{"id":"d","text":"珍珠港"}' > "$T/p.jsonl"
"$L" index --input "$T/p.jsonl" --index "$T/p" 2> /dev/null || fail "index"
"$L" index --input "$T/p.jsonl" --index "$T/pos" --positions --store none 2> /dev/null || fail "index positions"
[ "$(q "$T/p" '珍珠奶*' | cut -f1)" = "a" ] || fail "珍珠奶*: $(q "$T/p" '珍珠奶*')"
for ix in p pos; do
  for w in 珍珠奶 珍珠奶茶 喝珍珠奶茶 珍珠港; do
    [ -n "$(q "$T/$ix" "$w*")" ] || fail "$ix $w*: no result"
    [ "$(q "$T/$ix" "$w*")" = "$(q "$T/$ix" "$w")" ] || fail "$ix $w* differs from $w"
    [ "$(q "$T/$ix" "+$w*")" = "$(q "$T/$ix" "+$w")" ] || fail "$ix +$w* differs from +$w"
    [ "$(q "$T/$ix" "-$w* 奶")" = "$(q "$T/$ix" "-$w 奶")" ] || fail "$ix -$w* differs from -$w"
    [ "$(q "$T/$ix" "text:$w* 牛奶")" = "$(q "$T/$ix" "text:$w 牛奶")" ] || fail "$ix text:$w*"
  done
  [ "$(q "$T/$ix" '+珍珠奶*' | cut -f1)" = "a" ] || fail "$ix +珍珠奶*: $(q "$T/$ix" '+珍珠奶*')"
  [ -z "$(q "$T/$ix" 'title:珍珠奶*')" ] || fail "$ix title:珍珠奶*: $(q "$T/$ix" 'title:珍珠奶*')"
  [ "$(q "$T/$ix" '+珍珠奶茶* -珍珠港')" = "$(q "$T/$ix" '+珍珠奶茶 -珍珠港')" ] || fail "$ix +珍珠奶茶* -珍珠港"
done
# 1-2 characters: the terms starting with them, as before (珍珠* is the bigram 珍珠 alone)
[ "$(q "$T/p" '珍珠*' | tr -d '0-9.\t' | tr ' ' '\n' | sort | tr -d '\n')" = "abd" ] || fail "珍珠*: $(q "$T/p" '珍珠*')"
[ "$(q "$T/p" '珍珠*')" != "$(q "$T/p" '珍珠')" ] || fail "珍珠* scored as 珍珠"
# ... and its characters are not words of it: a document holding only 珍 or 珠 (or 北, 京)
# does not match 珍珠* (北京*), with or without positions
printf '%s\n' '{"id":"p1","text":"珍珠项链很漂亮"}' '{"id":"p2","text":"珍贵的礼物"}' \
    '{"id":"p3","text":"一颗珠子"}' '{"id":"b1","text":"北京的秋天"}' '{"id":"b2","text":"北方"}' \
    '{"id":"b3","text":"南京"}' > "$T/pz.jsonl"
"$L" index --input "$T/pz.jsonl" --index "$T/pz" 2> /dev/null || fail "index pz"
"$L" index --input "$T/pz.jsonl" --index "$T/pzp" --positions --store none 2> /dev/null || fail "index pzp"
docids() { "$L" search --index "$1" --query "$2" --format tsv | cut -f3 | tr '\n' ' '; }
for ix in pz pzp; do
  for w in '' + text:; do
    [ "$(docids "$T/$ix" "${w}珍珠*")" = "p1 " ] || fail "$ix ${w}珍珠*: $(q "$T/$ix" "${w}珍珠*")"
    [ "$(docids "$T/$ix" "${w}北京*")" = "b1 " ] || fail "$ix ${w}北京*: $(q "$T/$ix" "${w}北京*")"
  done
done
# --lang en: Han unigrams only, so 2 characters are already several words
"$L" index --input "$T/p.jsonl" --index "$T/en" --lang en 2> /dev/null || fail "index en"
[ -n "$(q "$T/en" '珍珠*')" ] || fail "en 珍珠*: no result"
[ "$(q "$T/en" '珍珠*')" = "$(q "$T/en" '珍珠')" ] || fail "en 珍珠* differs from 珍珠"
# snippets mark the words
"$L" search --index "$T/p" --query '珍珠奶*' --format json --snippet > "$T/s.json" || fail "snippet"
grep -q '"id": "a".*"highlights": \[\[4, 7\]\]' "$T/s.json" || fail "snippet: $(cat "$T/s.json")"

# a Chinese model: 新能源 is segmented 新 能源, and 新能源汽车 may be indexed as one word
printf '%s\n' '{"id":"a","text":"新能源汽车很贵"}' '{"id":"b","text":"新的能源政策"}' \
    '{"id":"c","text":"我们要发展新能源。"}' '{"id":"d","text":"汽车"}' > "$T/z.jsonl"
"$L" index --input "$T/z.jsonl" --index "$T/z" --zh-model "$M" 2> /dev/null || fail "index zh"
[ "$(q "$T/z" '+新能源*' | cut -d' ' -f1-2 | tr -d '0-9.\t')" = "a c" ] || fail "zh +新能源*: $(q "$T/z" '+新能源*')"
[ -n "$(q "$T/z" '新能源汽车*')" ] || fail "zh 新能源汽车*: no result"
[ "$(q "$T/z" '+新能源汽车*' | cut -f1)" = "a" ] || fail "zh +新能源汽车*: $(q "$T/z" '+新能源汽车*')"
# a prefix that is one indexed word keeps its expansion: 汽* finds 汽车 (a, d)
[ "$(q "$T/z" '+汽*' | tr -d '0-9.\t' | tr ' ' '\n' | sort | tr -d '\n')" = "ad" ] || fail "zh +汽*: $(q "$T/z" '+汽*')"
# expansion and words together: 新能 is split 新 能 by the model and the bigram 新能 is
# indexed (a, c: words+bigrams); b holds 新 and 能 apart: it scores by the words, but + and
# a field ask for a term of the prefix or all the words' terms (their bigram too) / the
# words in sequence
# (also through positions, without stored text)
"$L" index --input "$T/z.jsonl" --index "$T/zp" --zh-model "$M" --positions --store none 2> /dev/null || fail "index zh positions"
for ix in z zp; do
  ids() { q "$T/$ix" "$1" | tr -d '0-9.\t' | tr ' ' '\n' | sort | tr -d '\n'; }
  [ "$(ids '新能*')" = "abc" ] || fail "$ix 新能*: $(q "$T/$ix" '新能*')"
  [ "$(ids '+新能*')" = "ac" ] || fail "$ix +新能*: $(q "$T/$ix" '+新能*')"
  if [ $ix = z ]; then # (positions hold the words only: there a field sees no bigram)
    [ "$(ids 'text:新能*')" = "ac" ] || fail "$ix text:新能*: $(q "$T/$ix" 'text:新能*')"
    [ "$(ids 'text:新能* 新')" = "ac" ] || fail "$ix text:新能* 新: $(q "$T/$ix" 'text:新能* 新')"
  fi
  [ "$(ids '-新能* 汽车')" = "d" ] || fail "$ix -新能*: $(q "$T/$ix" '-新能* 汽车')"
  [ "$(ids '-text:新能源* 政策')" = "b" ] || fail "$ix -text:新能源*: $(q "$T/$ix" '-text:新能源* 政策')"
  [ "$(q "$T/$ix" '新能源*')" = "$(q "$T/$ix" '新能源')" ] || fail "$ix 新能源* differs from 新能源"
done
finish bm25_han_prefix
