#!/usr/bin/env bash
# Segmented indexes end to end: after a sequence of `index --add` and `--delete`, searches
# (every variant, k = 1, 10, 1000, pruned and --exhaustive) print what a fresh build from the
# live documents prints; --merge gives the fresh build's file; kill -9 during --add, --delete, --merge
# and --delete --merge leaves the old or the new index (never one that fails to open) and the next
# writer removes what the killed run left; corrupt / truncated manifest and segment files are
# named; a duplicate id across segments and a held writer lock are clear errors.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" bm25_segments
# gen FIRST LAST SEED: synthetic documents s<FIRST>..s<LAST> (seeded awk, skewed vocabulary)
gen() {
  awk -v a="$1" -v z="$2" -v seed="$3" 'BEGIN { srand(seed); for (d = a; d <= z; d++) { s = "";
       n = 3 + int(30 * rand()); for (i = 0; i < n; i++) { u = rand(); s = s " w" int(3000 * u * u * u) }
       printf "{\"id\": \"s%d\", \"text\": \"%s\"}\n", d, s } }'
}
# live IDS_REMOVED FILES...: the documents of FILES whose id is not listed in IDS_REMOVED
live() { local del=$1; shift; awk -F'"' 'NR == FNR { gone[$1] = 1; next } !($4 in gone)' "$del" "$@"; }
printf 'a\tw1 w2 w3\nb\tw7 cat\nc\tw0 w0 w15 w40\nd\tw2999 w1\ne\tmat 中国 w3\n' > "$T/q.tsv"
# same_runs DIR REF TAG: every variant, k, pruned and exhaustive print the same on DIR as REF
same_runs() {
  for v in lucene robertson atire bm25l bm25plus xapian; do
    for k in 1 10 1000; do
      "$L" search --index "$2" --queries "$T/q.tsv" --variant "$v" --k "$k" > "$T/ref.run" || fail "$3: search ref"
      "$L" search --index "$1" --queries "$T/q.tsv" --variant "$v" --k "$k" > "$T/seg.run" || fail "$3: search"
      "$L" search --index "$1" --queries "$T/q.tsv" --variant "$v" --k "$k" --exhaustive > "$T/ex.run"
      cmp -s "$T/seg.run" "$T/ex.run" || fail "$3: pruned != exhaustive ($v, k $k)"
      cmp -s "$T/seg.run" "$T/ref.run" || fail "$3: differs from a fresh build ($v, k $k): $(diff "$T/seg.run" "$T/ref.run" | head -4)"
    done
  done
}

# ---- adds and deletes vs fresh builds ----------------------------------------------------
gen 1 1500 3 > "$T/a.jsonl"; cat "$D/bm25_docs.jsonl" >> "$T/a.jsonl"
gen 1501 2200 4 > "$T/b.jsonl"; gen 2201 2500 5 > "$T/c.jsonl"; gen 2501 2600 6 > "$T/e.jsonl"
"$L" index --input "$T/a.jsonl" --index "$T/idx" || fail "base"
"$L" index --input "$T/b.jsonl" --index "$T/idx" --add || fail "add b"
"$L" index --input "$T/c.jsonl" --index "$T/idx" --add || fail "add c"
"$L" index --input "$T/e.jsonl" --index "$T/idx" --add || fail "add e"
[ "$(ls "$T/idx" | grep -c '^seg-')" = 3 ] || fail "expected 3 segment files: $(ls "$T/idx")"
: > "$T/none"
cat "$T/a.jsonl" "$T/b.jsonl" "$T/c.jsonl" "$T/e.jsonl" > "$T/all.jsonl"
"$L" index --input "$T/all.jsonl" --index "$T/ref1" || fail "ref1"
same_runs "$T/idx" "$T/ref1" "after adds"
# deletions in every segment (and of d1, a Chinese/English fixture document)
awk -F'"' 'NR % 9 == 4 { print $4 }' "$T/all.jsonl" > "$T/del.txt"; echo d1 >> "$T/del.txt"
"$L" index --index "$T/idx" --delete "$T/del.txt" || fail "delete"
live "$T/del.txt" "$T/all.jsonl" > "$T/live.jsonl"
"$L" index --input "$T/live.jsonl" --index "$T/ref2" || fail "ref2"
same_runs "$T/idx" "$T/ref2" "after deletes"
# a deleted id comes back with new text; a live one is a duplicate (naming the line)
printf '{"id": "d1", "text": "zebra w1"}\n' > "$T/re.jsonl"
"$L" index --input "$T/re.jsonl" --index "$T/idx" --add || fail "re-add deleted id"
[ "$("$L" search --index "$T/idx" --query zebra | cut -d' ' -f3)" = "d1" ] || fail "re-added d1"
printf '{"id": "new9", "text": "w1"}\n{"id": "s2300", "text": "w2"}\n' > "$T/dup.jsonl"
expect_fail 1 'dup.jsonl:2: duplicate document id "s2300" (already in the index)' "$L" index --input "$T/dup.jsonl" --index "$T/idx" --add
expect_fail 1 'del.txt:1: document id ".*" is not in the index' "$L" index --index "$T/idx" --delete "$T/del.txt"
# --merge: one file, identical to a fresh build of the live documents in the same order
cat "$T/live.jsonl" "$T/re.jsonl" > "$T/live2.jsonl"
"$L" index --input "$T/live2.jsonl" --index "$T/ref3" || fail "ref3"
"$L" index --index "$T/idx" --merge || fail "merge"
[ "$(ls "$T/idx")" = "index.lkbx" ] || fail "after --merge: $(ls "$T/idx")"
cmp -s "$T/idx/index.lkbx" "$T/ref3/index.lkbx" || fail "merge: differs from a fresh build"
expect_fail 2 "uses the index's analyzer" "$L" index --index "$T/idx" --merge --stem

# ---- corrupt, truncated, replaced files --------------------------------------------------
"$L" index --input "$T/b.jsonl" --index "$T/bad" || fail "bad base"
"$L" index --input "$T/e.jsonl" --index "$T/bad" --add || fail "bad add"
cp -r "$T/bad" "$T/good"
printf '\x55' | dd of="$T/bad/segments.lkbm" bs=1 seek=30 conv=notrunc status=none
expect_fail 1 "segments.lkbm: checksum mismatch" "$L" search --index "$T/bad" --query w1
head -c 40 "$T/good/segments.lkbm" > "$T/bad/segments.lkbm"
expect_fail 1 "segments.lkbm: truncated" "$L" search --index "$T/bad" --query w1
cp "$T/good/segments.lkbm" "$T/bad/"
head -c 300 "$T/good/seg-000002.lkbx" > "$T/bad/seg-000002.lkbx"
expect_fail 1 "seg-000002.lkbx: truncated" "$L" search --index "$T/bad" --query w1
cp "$T/ref1/index.lkbx" "$T/bad/seg-000002.lkbx"
expect_fail 1 "seg-000002.lkbx: not the segment listed in segments.lkbm" "$L" search --index "$T/bad" --query w1
rm "$T/bad/seg-000002.lkbx"
expect_fail 1 "seg-000002.lkbx: No such file" "$L" search --index "$T/bad" --query w1
# a held writer lock: a clear error, the index untouched
# (the holder signals once it has the lock, so no sleep guesses how fast the machine is)
( exec 9> "$T/good/write.lock"; flock 9; : > "$T/held"; exec sleep 60 ) &
lockpid=$!
for _ in $(seq 600); do [ -e "$T/held" ] && break; sleep 0.05; done
[ -e "$T/held" ] || fail "the lock holder never got the lock"
expect_fail 1 "another lexkit process is updating this index" "$L" index --input "$T/re.jsonl" --index "$T/good" --add
kill "$lockpid"; wait "$lockpid" 2> /dev/null
cmp -s "$T/good/segments.lkbm" "$T/bad/segments.lkbm" || fail "locked add changed the manifest"

# ---- kill -9 during --add, --delete and --merge -----------------------------------------
gen 1 50000 7 > "$T/big.jsonl"
gen 50001 80000 8 > "$T/more.jsonl"
"$L" index --input "$T/big.jsonl" --index "$T/k" || fail "kill: base"
"$L" search --index "$T/k" --queries "$T/q.tsv" --k 5 > "$T/old.run" || fail "kill: old run"
cp -r "$T/k" "$T/knew"
# kill delays are fractions of how long the same change takes here (fast or slow machines,
# sanitizer builds), so that most kills land while it runs
now() { date +%s.%N; }
t0=$(now)
"$L" index --input "$T/more.jsonl" --index "$T/knew" --add || fail "kill: reference add"
add_s=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { print b - a }')
"$L" search --index "$T/knew" --queries "$T/q.tsv" --k 5 > "$T/new.run"
cmp -s "$T/old.run" "$T/new.run" && fail "kill: the add changes nothing"
# check_kill TAG: the index opens and answers as before or after the change
check_kill() {
  "$L" search --index "$T/k" --queries "$T/q.tsv" --k 5 > "$T/k.run" 2> "$T/err" ||
    fail "$1: the index does not open: $(cat "$T/err")"
  cmp -s "$T/k.run" "$T/old.run" || cmp -s "$T/k.run" "$T/new.run" || fail "$1: neither old nor new"
}
killed=0
for f in 0.1 0.25 0.4 0.55 0.7 0.85; do
  delay=$(awk -v s="$add_s" -v f="$f" 'BEGIN { printf "%.3f", s * f }')
  "$L" index --input "$T/more.jsonl" --index "$T/k" --add 2> /dev/null &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2> /dev/null && killed=$((killed + 1))
  wait "$pid" 2> /dev/null
  check_kill "add killed at ${delay}s"
  if cmp -s "$T/k.run" "$T/new.run"; then
    rm -rf "$T/k"; "$L" index --input "$T/big.jsonl" --index "$T/k" || fail "kill: rebuild"
  fi
done
[ "$killed" -ge 2 ] || fail "only $killed add(s) were still running when killed"
"$L" index --input "$T/more.jsonl" --index "$T/k" --add || fail "add after kills"
check_kill "after kills"
cmp -s "$T/k.run" "$T/new.run" || fail "add after kills: not the new index"
[ "$(ls -d "$T"/k.tmp-* 2> /dev/null | wc -l)" = 0 ] || fail "temporary directories left"
[ "$(ls "$T/k" | grep -v -x -e index.lkbx -e seg-000002.lkbx -e segments.lkbm -e write.lock | wc -l)" = 0 ] ||
  fail "files left behind: $(ls "$T/k")"
# --delete, --merge and both in one command: old = the segmented index, new = after the change
awk -F'"' 'NR % 3 == 0 { print $4 }' "$T/big.jsonl" > "$T/kdel.txt"
cp "$T/k.run" "$T/seg.run"
# kill_change NAME MIN ARGS...: kill -9 at fractions of the change's measured time; the index
# must answer as before or after it; at least MIN kills must land (a --delete alone writes one
# small file and may finish before any kill)
kill_change() {
  local name=$1 min=$2; shift 2
  cp "$T/seg.run" "$T/old.run"
  rm -rf "$T/k2"; cp -r "$T/k" "$T/k2"
  local t0; t0=$(now)
  "$L" index --index "$T/k2" "$@" || fail "kill: reference $name"
  local run_s; run_s=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { print b - a }')
  "$L" search --index "$T/k2" --queries "$T/q.tsv" --k 5 > "$T/new.run"
  local killed=0 f delay pid rc try
  for f in 0.1 0.3 0.5 0.7; do
    delay=$(awk -v s="$run_s" -v f="$f" 'BEGIN { printf "%.3f", s * f }')
    # a run that ended before its kill (the reference was timed on a busier moment) is
    # checked too, then tried again with half the delay, up to 4 times
    for try in 1 2 3 4; do
      rm -rf "$T/kbak"; cp -r "$T/k" "$T/kbak"
      "$L" index --index "$T/k" "$@" 2> /dev/null &
      pid=$!
      sleep "$delay"
      kill -9 "$pid" 2> /dev/null
      wait "$pid" 2> /dev/null
      rc=$?
      [ "$rc" = 137 ] && killed=$((killed + 1)) # died of the SIGKILL
      check_kill "$name killed at ${delay}s"
      "$L" index --index "$T/k" --info > /dev/null 2> "$T/err" || fail "$name killed at ${delay}s: --info: $(cat "$T/err")"
      rm -rf "$T/k"; mv "$T/kbak" "$T/k"
      [ "$rc" = 137 ] && break
      [ "$min" = 0 ] && break # a --delete alone may always finish first
      delay=$(awk -v d="$delay" 'BEGIN { printf "%.3f", d / 2 }')
    done
  done
  [ "$killed" -ge "$min" ] || fail "only $killed $name run(s) were still running when killed"
}
kill_change "delete" 0 --delete "$T/kdel.txt"
kill_change "merge" 1 --merge
kill_change "delete + merge" 1 --delete "$T/kdel.txt" --merge
[ "$fails" = 0 ] || { echo "$fails failure(s)" >&2; exit 1; }
echo "bm25 segments: ok"
