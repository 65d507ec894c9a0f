#!/usr/bin/env bash
# Corpus reader throughput (MB/s, median of 5 runs) against Python's json/str.split on the
# same files: JSONL documents streamed; CoNLL-U and word/TAG loaded whole into memory
# (lk_tagged_corpus_load vs a Python list of sentences of tuples). Needs the library next
# to $LEXKIT (the build dir) and $SHARED.
set -eu
BUILD=$(dirname "$LEXKIT")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cc -O2 -std=c11 -I. tests/bench/bench_corpus.c "$BUILD/liblexkit.a" -o "$TMP/bench_corpus"
for i in 1 2 3 4 5 6 7 8; do cat "$SHARED"/corpora/retrieval/*/docs.jsonl; done > "$TMP/docs.jsonl"
CONLLU=$SHARED/corpora/tagging/en_ewt-ud-train.conllu
SLASH=$SHARED/corpora/tagging/brown-tagged.txt

peer() { # python peer: MB/s, median of 3
  /usr/bin/python3 - "$1" "$2" <<'PY'
import json, os, statistics, sys, time
kind, path = sys.argv[1], sys.argv[2]
size = os.path.getsize(path)
def run():
    t = time.perf_counter()
    with open(path, encoding="utf-8") as f:
        if kind == "jsonl":
            for line in f:
                if line.strip():
                    d = json.loads(line); d["id"]; d["text"]; d.get("title")
        elif kind == "conllu":
            sents, sent = [], []
            for line in f:
                line = line.rstrip("\n")
                if not line:
                    if sent:
                        sents.append(sent)
                    sent = []
                elif line[0] != "#":
                    c = line.split("\t")
                    if "-" not in c[0] and "." not in c[0]:
                        sent.append((c[1], c[2], c[3], c[4]))
        else:
            sents = [[t.rsplit("/", 1) for t in line.split()] for line in f]
    return size / 1e6 / (time.perf_counter() - t)
print("%.1f" % statistics.median(run() for _ in range(3)))
PY
}

printf '%-8s %10s %10s %8s\n' format lexkit_MBs python_MBs ratio
for spec in "jsonl:$TMP/docs.jsonl" "conllu:$CONLLU" "slash:$SLASH"; do
  kind=${spec%%:*}; file=${spec#*:}
  ours=$("$TMP/bench_corpus" "$kind" "$file" | cut -d' ' -f1)
  theirs=$(peer "$kind" "$file")
  printf '%-8s %10s %10s %7.1fx\n' "$kind" "$ours" "$theirs" "$(echo "$ours / $theirs" | bc -l)"
done
