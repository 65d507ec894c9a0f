"""Python peers for tests/bench/bench_vocab.sh: count tokens with collections.Counter and write
`token<TAB>count` lines sorted like `lexkit vocab` (count descending, then token bytewise).

  vocab_counter.py tokens IN OUT   IN is `lexkit tokenize --lower` output: line.split() (count only)
  vocab_counter.py regex IN OUT    IN is raw text: lowercase, re.findall(r"\\w+|[^\\w\\s]") per line
"""
import collections
import re
import sys


def main():
    mode, src, dst = sys.argv[1:4]
    counts = collections.Counter()
    with open(src, encoding="utf-8") as f:
        if mode == "tokens":
            for line in f:  # the fastest of the idiomatic forms tried
                counts.update(line.split())
        elif mode == "regex":
            findall = re.compile(r"\w+|[^\w\s]").findall
            for line in f:
                counts.update(findall(line.lower()))
        else:
            sys.exit("unknown mode " + mode)
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].encode("utf-8")))
    with open(dst, "w", encoding="utf-8") as out:
        out.writelines(f"{w}\t{c}\n" for w, c in items)


if __name__ == "__main__":
    main()
