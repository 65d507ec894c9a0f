#!/usr/bin/env python3
"""PyTorch reference for bench_tagger.sh: a BiLSTM tagger of the same size as lexkit's
bench model (word embedding 100, hidden 128 per direction, batch 32, Adam lr 2e-3,
softmax output, length-bucketed batches). Prints one line of tab-separated key=value
figures: training tokens/s (wall clock on --threads threads, and per CPU second), tagging
tokens per CPU second (1 thread), dev and test accuracy after --epochs epochs (dev skipped
with --max-batches).

usage: torch_bilstm.py TRAIN DEV TEST [--epochs N] [--threads N] [--max-batches N]
"""
import argparse
import random
import time

import torch
import torch.nn as nn


def read_conllu(path):
    sents, cur = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                if cur:
                    sents.append(cur)
                cur = []
                continue
            if line.startswith("#"):
                continue
            c = line.split("\t")
            if not c[0].isdigit():
                continue
            cur.append((c[1], c[3]))
    if cur:
        sents.append(cur)
    return sents


class Tagger(nn.Module):
    def __init__(self, n_words, n_tags, emb=100, hidden=128):
        super().__init__()
        self.emb = nn.Embedding(n_words, emb, padding_idx=0)
        self.lstm = nn.LSTM(emb, hidden, batch_first=True, bidirectional=True)
        self.drop = nn.Dropout(0.33)
        self.out = nn.Linear(2 * hidden, n_tags)

    def forward(self, x, lengths):
        e = self.drop(self.emb(x))
        packed = nn.utils.rnn.pack_padded_sequence(e, lengths, batch_first=True,
                                                   enforce_sorted=False)
        h, _ = self.lstm(packed)
        h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True, total_length=x.shape[1])
        return self.out(self.drop(h))


def batches(sents, size, shuffle):
    order = list(range(len(sents)))
    if shuffle:
        random.shuffle(order)
        bucket = size * 50
        order = [i for b in range(0, len(order), bucket)
                 for i in sorted(order[b:b + bucket], key=lambda i: len(sents[i]))]
    else:
        order.sort(key=lambda i: len(sents[i]))
    out = [order[i:i + size] for i in range(0, len(order), size)]
    if shuffle:
        random.shuffle(out)
    return out


def tensors(sents, idx, wid, tid):
    T = max(len(sents[i]) for i in idx)
    x = torch.zeros(len(idx), T, dtype=torch.long)
    y = torch.full((len(idx), T), -100, dtype=torch.long)
    lengths = []
    for b, i in enumerate(idx):
        s = sents[i]
        lengths.append(len(s))
        for t, (w, tag) in enumerate(s):
            x[b, t] = wid.get(w.lower(), 1)
            y[b, t] = tid.get(tag, -100)
    return x, y, torch.tensor(lengths)


def accuracy(model, sents, wid, tid):
    model.eval()
    right = total = 0
    t0 = time.process_time()
    with torch.no_grad():
        for idx in batches(sents, 64, False):
            x, y, lengths = tensors(sents, idx, wid, tid)
            pred = model(x, lengths).argmax(-1)
            mask = y != -100
            right += int((pred[mask] == y[mask]).sum())
            total += int(sum(len(sents[i]) for i in idx))
    dt = time.process_time() - t0
    model.train()
    return right / max(total, 1), total / dt


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("train")
    ap.add_argument("dev")
    ap.add_argument("test")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-batches", type=int, default=0)
    a = ap.parse_args()
    random.seed(1)
    torch.manual_seed(1)
    train, dev, test = read_conllu(a.train), read_conllu(a.dev), read_conllu(a.test)
    wid = {"<pad>": 0, "<unk>": 1}
    tid = {}
    for s in train:
        for w, t in s:
            wid.setdefault(w.lower(), len(wid))
            tid.setdefault(t, len(tid))
    model = Tagger(len(wid), len(tid))
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    lossf = nn.CrossEntropyLoss(ignore_index=-100)
    torch.set_num_threads(a.threads)
    tokens, t0, c0, n_batches = 0, time.perf_counter(), time.process_time(), 0
    for _ in range(a.epochs):
        for idx in batches(train, 32, True):
            x, y, lengths = tensors(train, idx, wid, tid)
            opt.zero_grad()
            loss = lossf(model(x, lengths).reshape(-1, len(tid)), y.reshape(-1))
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            tokens += int(lengths.sum())
            n_batches += 1
            if a.max_batches and n_batches >= a.max_batches:
                break
    train_tps = tokens / (time.perf_counter() - t0)
    train_cpu_tps = tokens / (time.process_time() - c0)
    torch.set_num_threads(1)
    dev_acc = accuracy(model, dev, wid, tid)[0] if not a.max_batches else float("nan")
    test_acc, tag_tps = accuracy(model, test, wid, tid)
    print(f"train_tokens_per_s={train_tps:.0f}\ttrain_tokens_per_cpu_s={train_cpu_tps:.0f}\t"
          f"tag_tokens_per_cpu_s={tag_tps:.0f}\tdev_acc={dev_acc:.4f}\ttest_acc={test_acc:.4f}")


if __name__ == "__main__":
    main()
