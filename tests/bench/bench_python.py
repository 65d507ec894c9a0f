"""bench_python.py MODE ...: one process per measurement (peak RSS is per process); each
figure is the median of REPEAT runs in that process.
  tfidf lexkit|lexkit1|sklearn FILE [DTYPE]  fit_transform of the lines (or JSONL texts) of
                                  FILE (lexkit: n_jobs=None, 2 threads on 2 cores; lexkit1: 1;
                                  DTYPE float64 (default) or float32, both vectorizers' dtype=)
  tfidf-stream lexkit|sklearn FILE [DTYPE]  the same fit_transform fed by a generator over
                                  FILE's lines (no list of documents): whole-process peak RSS
Each process imports only its side's package (what a user's script would): lexkit does not
import scikit-learn, so its imports cost ~37 MB against scikit-learn's ~93 MB.
  search INDEX QUERIES            Index.search_many 1 vs 2 threads, per-call overhead
Prints one line of key=value figures."""
import json
import os
import resource
import sys
import time


def read_docs(path):
    with open(path, encoding="utf-8") as f:
        if path.endswith(".jsonl"):
            return [(json.loads(l).get("title", "") + " " + json.loads(l)["text"]).strip() for l in f if l.strip()]
        return [l.rstrip("\n") for l in f]


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


REPEAT = 3  # runs per figure; medians are quoted (the machine may be loaded)


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]


def vectorizer(which, dtype):
    """A constructor of `which`'s TfidfVectorizer, importing only that side's package."""
    import numpy as np
    dt = {"float64": np.float64, "float32": np.float32}[dtype]
    if which in ("lexkit", "lexkit1"):
        import lexkit
        return lambda: lexkit.TfidfVectorizer(dtype=dt, n_jobs=1 if which == "lexkit1" else None)
    from sklearn.feature_extraction.text import TfidfVectorizer
    return lambda: TfidfVectorizer(dtype=dt)


def tfidf(which, path, dtype="float64"):
    # Peak RSS beyond the baseline (imports and the list of documents) is the
    # vectorization's (taken after the first run: peak RSS is per process).
    make = vectorizer(which, dtype)
    docs = read_docs(path)
    base = peak_mb()
    walls, cpus = [], []
    for r in range(REPEAT):
        v = make()
        t0, c0 = time.perf_counter(), time.process_time()
        X = v.fit_transform(docs)
        t1, c1 = time.perf_counter(), time.process_time()
        walls.append(t1 - t0)
        cpus.append(c1 - c0)
        if r == 0:
            peak = peak_mb()
        del v
        if r + 1 < REPEAT:
            del X
    # BENCH_STEADY=N more runs after those: the steady state of a process that vectorizes
    # again and again (a grid search), once the allocator has stopped growing its heap
    steady = []
    for _ in range(int(os.environ.get("BENCH_STEADY", "0"))):
        del X
        v = make()
        t0 = time.perf_counter()
        X = v.fit_transform(docs)
        steady.append(time.perf_counter() - t0)
        del v
    extra = f" steady_wall={median(steady):.3f}" if steady else ""
    print(f"wall={median(walls):.3f} cpu={median(cpus):.3f} first_wall={walls[0]:.3f} "
          f"first_cpu={cpus[0]:.3f} peak_mb={peak:.0f} docs_mb={base:.0f} "
          f"extra_mb={peak - base:.0f} shape={X.shape[0]}x{X.shape[1]} nnz={X.nnz}{extra}")


def iter_docs(path):
    with open(path, encoding="utf-8") as f:
        if path.endswith(".jsonl"):
            for l in f:
                if l.strip():
                    d = json.loads(l)
                    yield (d.get("title", "") + " " + d["text"]).strip()
        else:
            for l in f:
                yield l.rstrip("\n")


def tfidf_stream(which, path, dtype="float64"):
    # One run per process: the peak is the whole build, documents streamed from the file
    # (both vectorizers take an iterable once), imports included (each side's own).
    make = vectorizer(which, dtype)
    base = peak_mb()
    v = make()
    t0, c0 = time.perf_counter(), time.process_time()
    X = v.fit_transform(iter_docs(path))
    t1, c1 = time.perf_counter(), time.process_time()
    print(f"wall={t1 - t0:.3f} cpu={c1 - c0:.3f} peak_mb={peak_mb():.0f} imports_mb={base:.0f} "
          f"extra_mb={peak_mb() - base:.0f} shape={X.shape[0]}x{X.shape[1]} nnz={X.nnz}")


def search(index, queries_path):
    import lexkit
    qs = [l.rstrip("\n").split("\t", 1)[1] for l in open(queries_path, encoding="utf-8") if "\t" in l]
    while len(qs) < 2000:
        qs = qs + qs
    ix = lexkit.Index.open(index)
    ix.search_many(qs[:50], 10, 1)  # warm the page cache
    rates = {1: [], 2: []}
    cpu = {1: [], 2: []}
    for _ in range(REPEAT):  # interleaved, so both see the same load
        for th in (1, 2):
            t0, c0 = time.perf_counter(), time.process_time()
            ix.search_many(qs, 10, th)
            rates[th].append(len(qs) / (time.perf_counter() - t0))
            cpu[th].append(time.process_time() - c0)
    res = {th: median(r) for th, r in rates.items()}
    loops = []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        for q in qs:
            ix.search(q, 10)
        loops.append(len(qs) / (time.perf_counter() - t0))
    loop = median(loops)
    # Python overhead per search() call: a whole call on a query that matches no term (the C
    # side only analyzes the query and misses in the term table), so the time is the
    # overhead plus a tiny bit of C: an upper bound. Beside it, the same queries through one
    # search_many call on 1 thread (one crossing for all). Best of 7 runs of 20,000 distinct
    # queries, so that the noise of a loaded machine is left out. (The difference of two
    # ~50 us rates on real queries is below the noise: it came out negative before.)
    nomatch = [f"zqxj{i}vw" for i in range(20000)]
    bound = ix.search
    t_loop, t_many = [], []
    for _ in range(7):
        t0 = time.perf_counter()
        for q in nomatch:
            bound(q, 10)
        t_loop.append((time.perf_counter() - t0) / len(nomatch))
        t0 = time.perf_counter()
        ix.search_many(nomatch, 10, 1)
        t_many.append((time.perf_counter() - t0) / len(nomatch))
    over_us = min(t_loop) * 1e6
    print(f"queries={len(qs)} qps_1={res[1]:.0f} qps_2={res[2]:.0f} speedup={res[2] / res[1]:.2f} "
          f"cpu_s_1={median(cpu[1]):.3f} cpu_s_2={median(cpu[2]):.3f} "
          f"qps_loop={loop:.0f} call_us={min(t_loop) * 1e6:.2f} many_us={min(t_many) * 1e6:.2f} "
          f"overhead_us={over_us:.2f}")


if __name__ == "__main__":
    if sys.argv[1] == "tfidf":
        tfidf(*sys.argv[2:5])
    elif sys.argv[1] == "tfidf-stream":
        tfidf_stream(*sys.argv[2:5])
    else:
        search(sys.argv[2], sys.argv[3])
