#!/usr/bin/python3
"""Make the word list for lexkit's Chinese dictionary features from jieba's dictionary.

  zh_lexicon.py [--min-freq N] [--dict PATH] [--drop-split TRAIN.conllu] [--freq-tags]
                [--add-traditional] > zh-lexicon.txt

Reads jieba's dict.txt ("word freq tag" lines; python3-jieba ships it, MIT/Expat license,
Copyright 2012-2017 Sun Junyi) and keeps the words of 2..8 Han characters whose frequency is
at least N (5): about 126,000 words. Writes "word tag" lines in the dictionary's order.
--drop-split TRAIN.conllu drops the words that the training treebank splits more often than it
writes them whole (at least twice: GSD writes 成为, 一个, 英语, 委员会 as two words), so that a
match is evidence the treebank agrees with. --freq-tags appends a frequency bucket to each tag
(`n@3`: bucket floor(log10(freq)), 0..6), so the model can weigh rare and common words apart.
--add-traditional then appends the traditional forms of these words that differ (OpenCC's
`opencc` tool, Debian package `opencc`, configs s2t.json and s2tw.json): about 210,000 in all.
"""
import subprocess
import sys

DICT = "/usr/lib/python3/dist-packages/jieba/dict.txt"


def is_han(ch):
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2FA1F


def split_words(path, lexicon):
    """Lexicon words that the CoNLL-U treebank at path splits (the match starts and ends at word
    boundaries but holds more than one word) at least twice and more often than it keeps whole."""
    whole, split = {}, {}
    sent = []
    with open(path, encoding="utf-8") as f:
        for line in list(f) + [""]:
            cols = line.rstrip("\n").split("\t")
            if len(cols) == 10 and cols[0].isdigit():
                sent.append(cols[1])
                continue
            if line.strip() or not sent:
                continue
            text, starts, at = "".join(sent), set(), 0
            words = set()
            for w in sent:
                starts.add(at)
                words.add((at, at + len(w)))
                at += len(w)
            starts.add(at)
            sent = []
            for s in range(len(text)):
                if s not in starts:
                    continue
                for e in range(s + 2, min(len(text), s + 8) + 1):
                    if e not in starts or text[s:e] not in lexicon:
                        continue
                    d = whole if (s, e) in words else split
                    d[text[s:e]] = d.get(text[s:e], 0) + 1
    return {w for w, n in split.items() if n >= 2 and n > whole.get(w, 0)}


def main(argv):
    min_freq, path, trad, split_from, freq_tags = 5, DICT, False, None, False
    i = 1
    while i < len(argv):
        if argv[i] in ("--add-traditional", "--freq-tags"):
            trad = trad or argv[i] == "--add-traditional"
            freq_tags = freq_tags or argv[i] == "--freq-tags"
            i += 1
            continue
        if argv[i] == "--min-freq" and i + 1 < len(argv):
            min_freq = int(argv[i + 1])
        elif argv[i] == "--drop-split" and i + 1 < len(argv):
            split_from = argv[i + 1]
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
            if freq_tags:
                tag = "%s@%d" % (tag or "x", min(6, len(str(freq)) - 1))
            lines.append(word + (" " + tag if tag else ""))
    if split_from:
        drop = split_words(split_from, {line.split()[0] for line in lines})
        lines = [line for line in lines if line.split()[0] not in drop]
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
