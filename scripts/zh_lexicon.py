#!/usr/bin/python3
"""Make the word list for lexkit's Chinese dictionary features from jieba's dictionary.

  zh_lexicon.py [--min-freq N] [--dict PATH] [--add-traditional] > zh-lexicon.txt

Reads jieba's dict.txt ("word freq tag" lines; python3-jieba ships it, MIT/Expat license,
Copyright 2012-2017 Sun Junyi) and keeps the words of 2..8 Han characters whose frequency is
at least N (5): about 126,000 words. Writes "word tag" lines in the dictionary's order.
--add-traditional then appends the traditional forms of these words that differ (OpenCC's
`opencc` tool, Debian package `opencc`, configs s2t.json and s2tw.json): about 210,000 in all.
"""
import subprocess
import sys

DICT = "/usr/lib/python3/dist-packages/jieba/dict.txt"


def is_han(ch):
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2FA1F


def main(argv):
    min_freq, path, trad = 5, DICT, False
    i = 1
    while i < len(argv):
        if argv[i] == "--add-traditional":
            trad = True
            i += 1
            continue
        if argv[i] == "--min-freq" and i + 1 < len(argv):
            min_freq = int(argv[i + 1])
        elif argv[i] == "--dict" and i + 1 < len(argv):
            path = argv[i + 1]
        else:
            sys.exit(__doc__)
        i += 2
    lines = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) < 2:
                continue
            word, freq = parts[0], int(parts[1])
            tag = parts[2] if len(parts) > 2 else ""
            if freq < min_freq or not 2 <= len(word) <= 8 or not all(map(is_han, word)):
                continue
            lines.append(word + (" " + tag if tag else ""))
    if trad:
        text = "\n".join(lines) + "\n"
        for config in ("s2t.json", "s2tw.json"):
            conv = subprocess.run(["opencc", "-c", config], input=text, capture_output=True,
                                  text=True, check=True).stdout
            lines += conv.splitlines()
    seen = set()
    out = sys.stdout
    for line in lines:
        word = line.split()[0]
        if word not in seen:
            seen.add(word)
            out.write(line + "\n")


if __name__ == "__main__":
    main(sys.argv)
