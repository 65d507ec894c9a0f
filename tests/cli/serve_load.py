#!/usr/bin/python3
"""serve_load.py PORT PID QUERIES N EVERY [TOKEN [WRITE_EVERY]]: N requests over one keep-alive connection
to a `lexkit serve` on 127.0.0.1:PORT (Python stdlib only), the server's resident memory
(VmRSS of /proc/PID/status) sampled before the first request and every EVERY requests.

The mix, fixed by request number (no randomness): searches cycling through the queries of
QUERIES (TSV: id<TAB>text) with k from 1 to 20, stored fields and snippets on most, every
BM25 variant; a few bad requests (k too large, unknown index: error answers); with TOKEN,
every WRITE_EVERY-th request (default 100) adds or replaces 3 documents (ids from a fixed
set of 30) and the following one deletes one of them again, and after every 10th write all segments are merged
(POST /merge), so the index keeps about its size (tombstones are dropped) and the server
reopens snapshots throughout. Answers are checked (status, and "hits" in a search answer).

Prints one line per sample, "rss REQUESTS VMRSS_KB RSSANON_KB", then "done REQUESTS requests in SECONDS s";
exit 1 on an unexpected answer."""
import http.client
import json
import sys
import time
import urllib.parse

VARIANTS = ["lucene", "robertson", "atire", "bm25l", "bm25plus", "xapian"]


def rss_kb(pid):
    """"VmRSS RssAnon" in KB: all resident pages, and those not backed by a file (the heap;
    the rest is mostly the index files mapped by the open snapshots)."""
    got = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(("VmRSS:", "RssAnon:")):
                got[line.split(":")[0]] = line.split()[1]
    return "%s %s" % (got["VmRSS"], got["RssAnon"])


def main():
    port, pid, qfile, n, every = (int(sys.argv[1]), int(sys.argv[2]), sys.argv[3],
                                  int(sys.argv[4]), int(sys.argv[5]))
    token = sys.argv[6] if len(sys.argv) > 6 else ""
    we = int(sys.argv[7]) if len(sys.argv) > 7 else 100
    queries = [line.rstrip("\n").split("\t", 1)[1]
               for line in open(qfile, encoding="utf-8") if "\t" in line]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    auth = {"Authorization": "Bearer " + token}
    t0 = time.monotonic()
    print("rss 0 %s" % rss_kb(pid), flush=True)
    for i in range(1, n + 1):
        body, headers, want = None, {}, 200
        if token and i % we == 0:
            method, path = "POST", "/documents"
            body = "".join(json.dumps({"id": "load-%d" % ((i // we * 3 + j) % 30),
                                       "title": "load %d" % i,
                                       "text": "%s request %d" % (queries[(i + j) % len(queries)], i)}) + "\n"
                           for j in range(3)).encode()
            headers = auth
        elif token and i % (10 * we) == 2:
            method, path = "POST", "/merge"
            headers = auth
        elif token and i % we == 1 and i > 1:
            method, path = "DELETE", "/documents/load-%d" % ((i // we * 3) % 30)
            headers = auth
        elif i % 97 == 0:
            method, path, want = "GET", "/search?q=a&k=100000", 400
        elif i % 89 == 0:
            method, path, want = "GET", "/search?q=a&index=nope", 404
        else:
            q = queries[i % len(queries)]
            params = {"q": q, "k": str(1 + i % 20), "variant": VARIANTS[i % len(VARIANTS)]}
            if i % 4 != 0:
                params["fields"] = "title,text,nothing" if i % 3 else "title"
                params["snippet"] = "1"
            method, path = "GET", "/search?" + urllib.parse.urlencode(params)
        try:
            conn.request(method, path, body=body, headers=headers)
            r = conn.getresponse()
            data = r.read()
        except (OSError, http.client.HTTPException) as e:
            print("request %d %s %s: %r" % (i, method, path, e), file=sys.stderr)
            return 1
        if r.status != want or (want == 200 and method == "GET" and b'"hits": [' not in data):
            print("request %d %s %s: status %d: %s" % (i, method, path, r.status, data[:300]),
                  file=sys.stderr)
            return 1
        if r.getheader("Connection", "").lower() == "close":
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        if i % every == 0:
            print("rss %d %s" % (i, rss_kb(pid)), flush=True)
    print("done %d requests in %.1f s" % (n, time.monotonic() - t0), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
