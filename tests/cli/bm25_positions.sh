#!/usr/bin/env bash
# index --positions (LKBX v4): phrase and field clauses answered from positions equal those
# answered from the stored text, Chinese included (Han bigrams overlapping the term before
# take no position, as in the query); phrases on an index with neither positions nor stored
# text are a clear error; corrupt positions are reported naming the file (checksum, term
# codes, a document's sequence); kill -9 during --add and --merge of a positions index leaves
# it answering phrase queries as before or after. (bm25_query_ref.sh checks every result
# and score against the brute-force reference on --positions indexes.)
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" bm25_positions
PY=/usr/bin/python3
now() { date +%s.%N; }

# Chinese and mixed text: positions vs stored text, same runs
cat > "$T/zh.jsonl" <<'EOF'
{"id": "a", "title": "北京大学", "text": "我在北京大学读书，new york 很大。"}
{"id": "b", "title": "大学生活", "text": "北京的大学很多，学生在大学读书。"}
{"id": "c", "title": "New York", "text": "纽约 new york city 北京 大学"}
{"id": "d", "text": "南京市长江大桥很长。市长说北京大学好。"}
{"id": "e", "title": "长江", "text": "长江大桥 york new"}
EOF
"$L" index --input "$T/zh.jsonl" --index "$T/zs" --quiet || fail "index stored"
"$L" index --input "$T/zh.jsonl" --index "$T/zp" --positions --store none --quiet || fail "index positions"
printf '%s\n' 'q1	"北京大学"' 'q2	"大学读书"' 'q3	"new york"' 'q4	title:"北京大学"' \
  'q5	text:"北京大学"' 'q6	"york new"' 'q7	大学 -"北京大学"' 'q8	title:york' 'q9	"长江大桥"' \
  'q10	"江大"' 'q11	+大学 text:读书' 'q12	"市长江"' 'q13	"大学 读书"' > "$T/zq.tsv"
"$L" search --index "$T/zs" --queries "$T/zq.tsv" --syntax on --k 10 > "$T/zs.run" || fail "search stored"
"$L" search --index "$T/zp" --queries "$T/zq.tsv" --syntax on --k 10 > "$T/zp.run" || fail "search positions"
cmp -s "$T/zs.run" "$T/zp.run" || fail "zh: positions differ from stored text: $(diff "$T/zs.run" "$T/zp.run" | head -5)"
[ "$(awk '$1 == "q1"' "$T/zp.run" | wc -l)" -ge 2 ] || fail "zh: q1 should match a, b? $(cat "$T/zp.run")"
[ "$(cut -d' ' -f1 "$T/zp.run" | sort -u | wc -l)" -ge 9 ] || fail "zh: too few queries answered"
"$L" index --info --index "$T/zp" | grep -qx "positions: stored" || fail "info: positions"
"$L" index --info --index "$T/zs" | grep -qx "positions: none" || fail "info: none"

# neither positions nor stored text: a clear error, exit 1; fields other than title/text
"$L" index --input "$T/zh.jsonl" --index "$T/zn" --store none --quiet || fail "index none"
expect_fail 1 "query column 1: phrases need positions or the documents' fields stored" \
  "$L" search --index "$T/zn" --query '"北京大学"'
expect_fail 1 "field: terms need positions or the documents' fields stored" \
  "$L" search --index "$T/zn" --query 'title:york'
expect_fail 1 'query column 3: unknown field "url"' "$L" search --index "$T/zp" --query 'a url:x'
expect_fail 2 "uses the index's analyzer, stored fields and positions" \
  "$L" index --add --positions --input "$T/zh.jsonl" --index "$T/zs"
"$L" search --index "$T/zn" --query '北京大学' > /dev/null || fail "plain query on zn"

# corrupt positions: the checksum names the file; with a recomputed checksum, a bad term code
# is refused at open and a bad sequence when a phrase reads it
$PY - "$T/zp/index.lkbx" "$T" <<'PY' || fail "corrupt copies"
import struct, sys, zlib
path, t = sys.argv[1], sys.argv[2]
b = bytearray(open(path, "rb").read())
ver = struct.unpack_from("<I", b, 4)[0]
assert ver == 4, ver
meta = [struct.unpack_from("<Q", b, 20 + 8 * i)[0] for i in range(18)]
n_docs, n_terms, pos_off, pos_len = meta[0], meta[1], meta[16], meta[17]
p = 20 + pos_off
blob = p + 4 * n_terms + 8 * (n_docs + 1)
def save(name, data, fix):
    d = bytearray(data)
    if fix:
        struct.pack_into("<I", d, len(d) - 4, zlib.crc32(bytes(d[:-4])) & 0xFFFFFFFF)
    open(t + "/" + name, "wb").write(d)
c = bytearray(b); c[blob + 2] ^= 0x40; save("crc.lkbx", c, False)
c = bytearray(b); struct.pack_into("<I", c, p + 4, 0xFFFFFFF0); save("code.lkbx", c, True)
c = bytearray(b)  # every code byte of the blob becomes a too large varint
for i in range(blob, p + pos_len):
    c[i] = 0x7F
save("seq.lkbx", c, True)
PY
for k in crc code seq; do mkdir "$T/c$k"; cp "$T/$k.lkbx" "$T/c$k/index.lkbx"; done
expect_fail 1 "c$(echo crc)/index.lkbx" "$L" search --index "$T/ccrc" --query '"北京大学"'
expect_fail 1 "ccode/index.lkbx: corrupt index (positions: term codes)" "$L" search --index "$T/ccode" --query 'x'
expect_fail 1 "cseq/index.lkbx: corrupt index (positions of document" "$L" search --index "$T/cseq" --syntax on --query '"北京大学"'
"$L" search --index "$T/cseq" --query '北京大学' > /dev/null || fail "cseq: plain queries need no positions"

# kill -9 during --add and --merge of a positions index: phrase queries answer as before or after
$PY "$D/bm25_query_ref.py" gen "$T/g.jsonl" "$T/gq.tsv" 3000 || fail "gen"
head -2000 "$T/g.jsonl" > "$T/g1.jsonl"
tail -1000 "$T/g.jsonl" > "$T/g2.jsonl"
grep -P '\t.*"' "$T/gq.tsv" | head -60 > "$T/pq.tsv"
[ "$(wc -l < "$T/pq.tsv")" -ge 30 ] || fail "too few phrase queries"
run() { "$L" search --index "$1" --queries "$T/pq.tsv" --syntax on --k 5 > "$2" 2> "$T/err" || fail "$3: the index does not answer: $(cat "$T/err")"; }
"$L" index --input "$T/g1.jsonl" --index "$T/k" --positions --store none --quiet || fail "index k"
run "$T/k" "$T/old.run" "old"
# kill_change NAME MIN ARGS...: kill -9 at fractions of the change's measured time (a
# reference run of it first); at least MIN kills must land. A run that ended before its
# kill (the reference was timed on a busier moment: seen in CI) is checked too and tried
# again with half the delay, up to 4 times, so the kills land whatever the machine's speed.
kill_change() {
  local name=$1 min=$2; shift 2
  rm -rf "$T/k2"; cp -r "$T/k" "$T/k2"
  local t0; t0=$(now)
  "$L" index --index "$T/k2" --quiet "$@" || fail "kill: reference $name"
  local run_s; run_s=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { print b - a }')
  run "$T/k2" "$T/new.run" "$name reference"
  cmp -s "$T/old.run" "$T/new.run" && [ "$name" = add ] && fail "kill: the $name changes nothing"
  local killed=0 f delay pid rc try
  for f in 0.1 0.3 0.5 0.7 0.9; do
    delay=$(awk -v s="$run_s" -v f="$f" 'BEGIN { printf "%.3f", s * f }')
    for try in 1 2 3 4; do
      rm -rf "$T/kbak"; cp -r "$T/k" "$T/kbak"
      "$L" index --index "$T/k" --quiet "$@" 2> /dev/null &
      pid=$!
      sleep "$delay"
      kill -9 "$pid" 2> /dev/null
      wait "$pid" 2> /dev/null
      rc=$?
      [ "$rc" = 137 ] && killed=$((killed + 1))
      run "$T/k" "$T/k.run" "$name killed at ${delay}s"
      cmp -s "$T/k.run" "$T/old.run" || cmp -s "$T/k.run" "$T/new.run" ||
        fail "$name killed at ${delay}s: neither old nor new"
      "$L" index --index "$T/k" --info > /dev/null 2> "$T/err" || fail "$name killed at ${delay}s: --info: $(cat "$T/err")"
      rm -rf "$T/k"; mv "$T/kbak" "$T/k"
      [ "$rc" = 137 ] && break
      delay=$(awk -v d="$delay" 'BEGIN { printf "%.3f", d / 2 }')
    done
  done
  [ "$killed" -ge "$min" ] || fail "only $killed $name run(s) were still running when killed"
}
kill_change add 2 --add --input "$T/g2.jsonl"
"$L" index --index "$T/k" --add --input "$T/g2.jsonl" --quiet || fail "add"
run "$T/k" "$T/old.run" "after add"
kill_change merge 1 --merge
finish bm25_positions
