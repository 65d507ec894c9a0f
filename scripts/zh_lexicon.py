#!/usr/bin/python3
"""Make the word list for lexkit's Chinese dictionary features from jieba's dictionary.

  zh_lexicon.py [--min-freq N] [--dict PATH] > zh-lexicon.txt

Reads jieba's dict.txt ("word freq tag" lines; python3-jieba ships it, MIT/Expat license,
Copyright 2012-2017 Sun Junyi) and keeps the words of 2..8 Han characters whose frequency is
at least N (5): about 126,000 words. Writes "word tag" lines in the dictionary's order.
"""
import sys

DICT = "/usr/lib/python3/dist-packages/jieba/dict.txt"


def is_han(ch):
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2FA1F


def main(argv):
    min_freq, path = 5, DICT
    i = 1
    while i < len(argv):
        if argv[i] == "--min-freq" and i + 1 < len(argv):
            min_freq = int(argv[i + 1])
        elif argv[i] == "--dict" and i + 1 < len(argv):
            path = argv[i + 1]
        else:
            sys.exit(__doc__)
        i += 2
    out = sys.stdout
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) < 2:
                continue
            word, freq = parts[0], int(parts[1])
            tag = parts[2] if len(parts) > 2 else ""
            if freq < min_freq or not 2 <= len(word) <= 8 or not all(map(is_han, word)):
                continue
            out.write(word + (" " + tag if tag else "") + "\n")


if __name__ == "__main__":
    main(sys.argv)
