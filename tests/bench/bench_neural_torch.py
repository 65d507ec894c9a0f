"""Peer for bench_neural.c: the same BiLSTM tagger step in PyTorch (embedding (20000, 100),
bidirectional LSTM hidden 128, linear 17, cross-entropy, clip 5, Adam), batches of 32
sentences with lengths uniform in [5, 35], packed sequences. Also inference on batches of 1
and 32. Usage: bench_neural_torch.py THREADS [CELL [SECONDS]]
-> prints "train_tok_s infer_batch1_tok_s infer_batch32_tok_s"."""
import random
import sys
import time

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

V, E, H, C, B, MINT, MAXT = 20000, 100, 128, 17, 32, 5, 35


class Tagger(nn.Module):
    def __init__(self, cell):
        super().__init__()
        self.emb = nn.Embedding(V, E)
        rnn = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[cell]
        self.rnn = rnn(E, H, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * H, C)

    def forward(self, ids, lens):
        x = self.emb(ids)
        packed = pack_padded_sequence(x, lens, batch_first=True, enforce_sorted=False)
        h, _ = self.rnn(packed)
        h, _ = pad_packed_sequence(h, batch_first=True)
        return self.out(h)


def batch(rng, nb):
    lens = [rng.randint(MINT, MAXT) for _ in range(nb)]
    T = max(lens)
    ids = torch.zeros(nb, T, dtype=torch.long)
    tags = torch.full((nb, T), -100, dtype=torch.long)
    for b, n in enumerate(lens):
        ids[b, :n] = torch.randint(0, V, (n,))
        tags[b, :n] = torch.randint(0, C, (n,))
    return ids, tags, torch.tensor(lens), sum(lens)


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    cell = sys.argv[2] if len(sys.argv) > 2 else "lstm"
    secs = float(sys.argv[3]) if len(sys.argv) > 3 else 3.0
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    rng = random.Random(1)
    model = Tagger(cell)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    lossf = nn.CrossEntropyLoss(ignore_index=-100)

    def train_step(ids, tags, lens):
        opt.zero_grad()
        logits = model(ids, lens)
        loss = lossf(logits.reshape(-1, C), tags[:, : logits.shape[1]].reshape(-1))
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()

    ids, tags, lens, _ = batch(rng, B)
    train_step(ids, tags, lens)  # warm up
    tokens, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < secs:
        ids, tags, lens, n = batch(rng, B)
        train_step(ids, tags, lens)
        tokens += n
    train = tokens / (time.perf_counter() - t0)
    tokens, t0 = 0, time.perf_counter()
    with torch.no_grad():
        while time.perf_counter() - t0 < secs / 2:
            for _ in range(50):
                ids, _, lens, n = batch(rng, 1)
                model(ids, lens).argmax(-1)
                tokens += n
    infer1 = tokens / (time.perf_counter() - t0)
    tokens, t0 = 0, time.perf_counter()
    with torch.no_grad():
        while time.perf_counter() - t0 < secs / 2:
            for _ in range(5):
                ids, _, lens, n = batch(rng, B)
                model(ids, lens).argmax(-1)
                tokens += n
    print("%.0f %.0f %.0f" % (train, infer1, tokens / (time.perf_counter() - t0)))


if __name__ == "__main__":
    main()
