#!/usr/bin/env bash
# kill -9 during `lexkit index` at several moments: the index directory must afterwards
# hold the previous index or the complete new one (or nothing), never an index that fails
# to open, and the stored fields of a hit are its document's. A later build cleans up the
# killed builds' temporary directories.
set -u
. "${LK_SRC:-.}/tests/cli_lib.sh" bm25_kill

# ~8 MB synthetic collection (seeded awk), enough for a build of well over 0.5 s
awk 'BEGIN { srand(7); for (d = 1; d <= 60000; d++) { s = "";
       for (i = 0; i < 22; i++) { u = rand(); s = s " w" int(6000 * u * u * u) }
       printf "{\"id\": \"s%d\", \"text\": \"%s\"}\n", d, s } }' > "$T/big.jsonl"
"$L" index --input "$D/bm25_docs.jsonl" --index "$T/idx" || fail "first build"
# kill delays are fractions of how long the build takes here (fast or slow machines,
# sanitizer builds), so that most kills land while it runs
t0=$(date +%s.%N)
"$L" index --input "$T/big.jsonl" --index "$T/ref" || fail "reference build"
build_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
killed=0
for f in 0.05 0.2 0.35 0.5 0.65 0.8; do
  delay=$(awk -v s="$build_s" -v f="$f" 'BEGIN { printf "%.3f", s * f }')
  "$L" index --input "$T/big.jsonl" --index "$T/idx" 2> /dev/null &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2> /dev/null && killed=$((killed + 1))
  wait "$pid" 2> /dev/null
  if [ -e "$T/idx" ]; then
    out=$("$L" search --index "$T/idx" --query "cat w1" --k 1 2> "$T/err") ||
      fail "after kill at ${delay}s the index does not open: $(cat "$T/err")"
    case "$out" in
      "q Q0 d"*|"q Q0 s"*) ;;
      *) fail "after kill at ${delay}s: unexpected result '$out'" ;;
    esac
    # the stored text of the hit is its document's (old or new index alike)
    "$L" search --index "$T/idx" --query "cat w1" --k 1 --format tsv --fields text > "$T/hit.tsv" 2> "$T/err" ||
      fail "after kill at ${delay}s: --fields fails: $(cat "$T/err")"
    /usr/bin/python3 - "$T/hit.tsv" "$D/bm25_docs.jsonl" "$T/big.jsonl" <<'PY' || fail "after kill at ${delay}s: stored text differs"
import json, sys
qid, rank, doc, score, text = open(sys.argv[1]).read().rstrip("\n").split("\t")
for path in sys.argv[2:]:
    for line in open(path):
        d = json.loads(line)
        if d["id"] == doc:
            want = " ".join(d["text"].replace("\t", " ").split("\n"))
            sys.exit(0 if want == text else 1)
sys.exit(1)
PY
  fi
done
[ "$killed" -ge 2 ] || fail "only $killed build(s) were still running when killed"
"$L" index --input "$T/big.jsonl" --index "$T/idx" || fail "final build"
[ "$("$L" search --index "$T/idx" --query "w1" --k 1 | cut -c1-6)" = "q Q0 s" ] || fail "new index"
left=$(ls -d "$T"/idx.tmp-* 2> /dev/null | wc -l)
[ "$left" = 0 ] || fail "$left temporary directories left behind"
[ "$fails" = 0 ] || { echo "$fails failure(s)" >&2; exit 1; }
echo "bm25 kill: ok ($killed builds killed)"
