#!/usr/bin/env python3
"""Helpers for bench_embed.sh.
  bench_embed.py tokenize-en            stdin raw text -> lowercase words only (fallback tokenizer)
  bench_embed.py words-only             stdin tokens -> keep tokens made of letters (' and - inside)
  bench_embed.py tokenize-zh-chars      stdin raw Chinese -> one token per Han character, other words kept
  bench_embed.py segment-zh-jieba       stdin raw Chinese -> jieba words (a stand-in segmenter)
  bench_embed.py gensim CORPUS sg|cbow EPOCHS THREADS ALPHA OUT.txt
      trains gensim Word2Vec at the bench settings; prints 'train_seconds S cpu_seconds C words W'
"""
import re
import sys
import time

WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def tokenize_en():
    for line in sys.stdin:
        toks = WORD.findall(line.lower())
        if toks:
            sys.stdout.write(" ".join(toks) + "\n")


def words_only():
    full = re.compile(r"^(?:[^\W\d_]+(?:['’-][^\W\d_]+)*)$")
    for line in sys.stdin:
        toks = [t for t in line.split() if full.match(t)]
        if toks:
            sys.stdout.write(" ".join(toks) + "\n")


def tokenize_zh_chars():
    for line in sys.stdin:
        out = []
        for t in WORD.findall(line.lower()):
            out.extend(HAN.findall(t) if HAN.search(t) else [t])
        if out:
            sys.stdout.write(" ".join(out) + "\n")


def segment_zh_jieba():
    import logging
    import jieba
    jieba.setLogLevel(logging.WARNING)
    for line in sys.stdin:
        toks = [t for t in jieba.cut(line.strip()) if WORD.fullmatch(t.lower())]
        if toks:
            sys.stdout.write(" ".join(t.lower() for t in toks) + "\n")


def gensim_train(corpus, arch, epochs, threads, alpha, out):
    from gensim.models import Word2Vec
    m = Word2Vec(vector_size=100, window=5, negative=5, sample=1e-3, min_count=5,
                 workers=int(threads), sg=1 if arch == "sg" else 0, alpha=float(alpha), seed=1)
    m.build_vocab(corpus_file=corpus)
    t0, c0 = time.time(), time.process_time()
    m.train(corpus_file=corpus, total_examples=m.corpus_count,
            total_words=m.corpus_total_words, epochs=int(epochs))
    t1, c1 = time.time(), time.process_time()
    m.wv.save_word2vec_format(out)
    print("train_seconds %.3f cpu_seconds %.3f words %d"
          % (t1 - t0, c1 - c0, m.corpus_total_words * int(epochs)))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "tokenize-en":
        tokenize_en()
    elif cmd == "words-only":
        words_only()
    elif cmd == "tokenize-zh-chars":
        tokenize_zh_chars()
    elif cmd == "segment-zh-jieba":
        segment_zh_jieba()
    elif cmd == "gensim":
        gensim_train(*sys.argv[2:8])
    else:
        sys.exit("unknown command " + cmd)
