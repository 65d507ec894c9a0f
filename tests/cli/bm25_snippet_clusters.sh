#!/usr/bin/env bash
# Snippets never cut an extended grapheme cluster (an emoji ZWJ sequence, a flag's two
# regional indicators, a skin tone): text and JSON output showed the family emoji as its
# last 👦 and a lone 🇸 before. The JSON offsets (code points) stay those of the text.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" bm25_snippet_clusters
printf '{"id":"e","text":"家庭👨‍👩‍👧‍👦出游很开心🇨🇳🇺🇸国旗，还有👍🏽点赞和❤️️爱心。"}\n' > "$T/emo.jsonl"
"$L" index --input "$T/emo.jsonl" --index "$T/emo" 2> /dev/null || fail "index"
s() { "$L" search --index "$T/emo" --query "$1" --format text --snippet-chars "$2" | sed -n 2p | sed 's/^ *//'; }
[ "$(s 出游 6)" = "...[出游]很开心..." ] || fail "出游: $(s 出游 6)"
[ "$(s 国旗 6)" = "...[国旗]，还有..." ] || fail "国旗: $(s 国旗 6)"
[ "$(s 出游 8)" = "...[出游]很开心🇨🇳..." ] || fail "出游 8: $(s 出游 8)"
[ "$(s 爱心 8)" = "...赞和❤️️[爱心]。" ] || fail "爱心 8: $(s 爱心 8)"
for q in 出游 国旗 点赞 爱心 家庭; do
  for n in 3 4 5 6 7 8 9 10 11 12; do
    # no piece of a cluster at either edge: no lone regional indicator, no ZWJ or skin tone
    # or variation selector first, no 👦/👧/👩 without the whole family
    t=$(s "$q" "$n")
    printf '%s' "$t" | grep -q '👦\|👧\|👩' && { printf '%s' "$t" | grep -q '👨‍👩‍👧‍👦' || fail "$q $n: family cut: $t"; }
    [ $(( $(printf '%s' "$t" | grep -o '🇨\|🇳\|🇺\|🇸' | wc -l) % 2 )) = 0 ] || fail "$q $n: lone regional indicator: $t"
  done
done
"$L" search --index "$T/emo" --query 国旗 --format json --snippet --snippet-chars 6 > "$T/j" || fail "json"
grep -q '"text": "国旗，还有", "start": 18, "highlights": \[\[0, 2\]\]' "$T/j" || fail "json: $(cat "$T/j")"
finish bm25_snippet_clusters
