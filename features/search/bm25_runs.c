/* bm25_runs.c: the index builder's sorted runs: triples grouped by term (bytewise),
   spilled to run files past the memory limit, merged (at most MAX_FANIN at a time) into
   block postings, and the final checksummed index file. */
#define _GNU_SOURCE
#include "features/search/bm25_build_internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "features/search/bm25_index_internal.h"
#include "features/search/bm25_seg_internal.h"
#include "features/search/postings.h"
#include "text/fileio.h"

void lk_bm25__log(const lk_bm25_builder *b, int level, const char *fmt, ...)
{
    if (!b->cfg.log) return;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    b->cfg.log(b->cfg.log_user, level, msg);
}

static char *run_path(const lk_bm25_builder *b, int run)
{
    char name[32];
    snprintf(name, sizeof name, "run-%06d", run);
    return lk_path_join(b->tmpdir, name);
}

/* ---- runs ----------------------------------------------------------------------------- */

#define BIG_MIN ((size_t)256 << 10)
#define HUGE_PAGE_BYTES ((size_t)2 << 20)

/* Blocks of BIG_MIN bytes or more in whole 2 MB huge pages (lk_huge_alloc): each buffer of
   the final phase is written once, and with 4 KB pages its first touches (a page fault per
   4 KB, several microseconds each in a VM) cost as much as the work itself. Untouched huge
   pages cost nothing. Free with free(). */
static void *big_alloc(size_t bytes)
{
    if (bytes >= BIG_MIN && bytes < HUGE_PAGE_BYTES) bytes = HUGE_PAGE_BYTES;
    return lk_huge_alloc(bytes);
}

/* Carve n blocks of sizes[i] bytes (64-byte aligned) out of one big_alloc block. */
static void *carve(size_t n, const size_t *sizes, void **out)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        if (sizes[i] > SIZE_MAX / 2 || total > SIZE_MAX / 2) return NULL;
        total += (sizes[i] + 63) & ~(size_t)63;
    }
    unsigned char *p = big_alloc(total ? total : 1);
    if (!p) return NULL;
    for (size_t i = 0, at = 0; i < n; i++) {
        out[i] = p + at;
        at += (sizes[i] + 63) & ~(size_t)63;
    }
    return p;
}

typedef struct {
    const char *s;
    size_t len;
    uint32_t tid;
} term_ref;

static int cmp_bytes(const char *a, size_t na, const char *b, size_t nb)
{
    int c = memcmp(a, b, na < nb ? na : nb);
    if (c) return c;
    return na < nb ? -1 : na > nb;
}

static int cmp_term_ref(const void *x, const void *y)
{
    const term_ref *a = x, *b = y;
    return cmp_bytes(a->s, a->len, b->s, b->len);
}

/* The first 8 bytes of a term, zero-padded, big-endian: a < b bytewise implies
   key(a) <= key(b), so sorting by key and then each run of equal keys bytewise sorts the
   terms (Chinese bigrams, 6 bytes, and most words fit in the key entirely). */
typedef struct {
    uint64_t key;
    uint32_t tid;
} keyed_id;

/* The key from the table's copy of the first 8 bytes (no access to the string itself). */
static uint64_t term_key(const lk_termtab *tab, uint32_t tid)
{
    uint64_t h = tab->str[tid].head; /* the bytes as they lie in memory */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return __builtin_bswap64(h);
#else
    unsigned char b[8];
    memcpy(b, &h, 8);
    uint64_t k = 0;
    for (int i = 0; i < 8; i++) k = k << 8 | b[i];
    return k;
#endif
}

/* Sort the terms of ids[0..n) (ids NULL: 0..n-1) bytewise into terms[0..n): LSD radix sort of the keys (8-bit
   digits; digits equal in every key are skipped), then the rare runs of equal keys (terms
   longer than 8 bytes sharing their first 8) with the full comparison. */
static lk_status sort_terms(const lk_termtab *tab, const uint32_t *ids, size_t n, term_ref *terms)
{
    size_t (*cnt)[256] = calloc(8, sizeof *cnt);
    void *part[2];
    size_t sizes[2] = {(n + 1) * sizeof(keyed_id), (n + 1) * sizeof(keyed_id)};
    void *block = cnt ? carve(2, sizes, part) : NULL;
    if (!block) {
        free(cnt);
        return LK_ERR_NOMEM;
    }
    keyed_id *a = part[0], *tmp = part[1];
    for (size_t i = 0; i < n; i++) {
        uint32_t id = ids ? ids[i] : (uint32_t)i;
        uint64_t k = term_key(tab, id);
        a[i].key = k;
        a[i].tid = id;
        for (int d = 0; d < 8; d++) cnt[d][(k >> (8 * d)) & 0xFF]++;
    }
    for (int d = 0; d < 8 && n > 1; d++) {
        size_t *c = cnt[d];
        if (c[(a[0].key >> (8 * d)) & 0xFF] == n) continue; /* one value: order unchanged */
        size_t off = 0;
        for (int v = 0; v < 256; v++) {
            size_t m = c[v];
            c[v] = off;
            off += m;
        }
        for (size_t i = 0; i < n; i++) tmp[c[(a[i].key >> (8 * d)) & 0xFF]++] = a[i];
        keyed_id *sw = a;
        a = tmp;
        tmp = sw;
    }
    for (size_t i = 0; i < n; i++) {
        terms[i].tid = a[i].tid;
        terms[i].s = lk_termtab_str(tab, a[i].tid, &terms[i].len);
    }
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && a[j].key == a[i].key) j++;
        if (j - i > 1) qsort(terms + i, j - i, sizeof *terms, cmp_term_ref);
        i = j;
    }
    free(block);
    free(cnt);
    return LK_OK;
}

/* The current triples grouped by term: terms in bytewise order, the postings of terms[i]
   at docs/tfs[start[i] .. start[i + 1]), docs ascending. */
typedef struct {
    term_ref *terms;
    size_t n_terms;
    size_t *start;      /* n_terms + 1 */
    uint32_t *docs, *tfs;
    void *block;        /* all of the above */
} sorted_run;

static void sorted_run_free(sorted_run *r)
{
    free(r->block);
    memset(r, 0, sizeof *r);
}

static size_t run_postings(const sorted_run *r, size_t i, const uint32_t **docs,
                           const uint32_t **tfs)
{
    *docs = r->docs + r->start[i];
    *tfs = r->tfs + r->start[i];
    return r->start[i + 1] - r->start[i];
}

/* Sorting every term of the table (all present) on a second thread. */
typedef struct {
    const lk_termtab *tab;
    size_t n;
    term_ref *terms;
    lk_status st;
} sort_job;

static void *sort_job_run(void *arg)
{
    sort_job *j = arg;
    j->st = sort_terms(j->tab, NULL, j->n, j->terms);
    return NULL;
}

#define SORT_THREAD_MIN_TERMS 256 /* fewer terms are sorted by the calling thread */

/* Group the buffered triples by term. With `all_present` (no run spilled yet: every term of
   the table has postings) and two threads, the terms are sorted while the postings are
   counted; otherwise the terms with postings are sorted afterwards. */
static lk_status sort_run(const lk_bm25_builder *b, bool all_present, sorted_run *r)
{
    memset(r, 0, sizeof *r);
    size_t V = b->terms.n;
    void *part[6];
    size_t sizes[6] = {(V + 1) * sizeof(size_t), (V + 1) * sizeof(uint32_t),
                       (V + 1) * sizeof *r->terms, (V + 1) * sizeof *r->start,
                       (b->n_tr + 1) * sizeof *r->docs, (b->n_tr + 1) * sizeof *r->tfs};
    if (!(r->block = carve(6, sizes, part))) return LK_ERR_NOMEM;
    size_t *pos = part[0];   /* per term id: write position */
    uint32_t *cnt = part[1]; /* per term id: postings (at most one per document) */
    r->terms = part[2];
    r->start = part[3];
    r->docs = part[4];
    r->tfs = part[5];
    memset(cnt, 0, (V + 1) * sizeof *cnt);
    sort_job job = {&b->terms, V, r->terms, LK_OK};
    pthread_t th;
    bool started = all_present && b->cfg.threads > 1 && V >= SORT_THREAD_MIN_TERMS &&
                   pthread_create(&th, NULL, sort_job_run, &job) == 0;
    const triple *tr = b->tr;
    for (size_t i = 0; i < b->n_tr; i++) cnt[tr[i].term]++;
    lk_status st = LK_OK;
    if (started) {
        pthread_join(th, NULL);
        st = job.st;
    } else if (all_present) {
        st = sort_terms(&b->terms, NULL, V, r->terms);
    } else {
        uint32_t *ids = (uint32_t *)pos; /* free until the offsets below */
        size_t k = 0;
        for (size_t t = 0; t < V; t++)
            if (cnt[t]) ids[k++] = (uint32_t)t;
        st = sort_terms(&b->terms, ids, k, r->terms);
        V = k;
    }
    if (st != LK_OK) {
        sorted_run_free(r);
        return st;
    }
    size_t k = 0, off = 0; /* terms without postings are dropped (none when all_present) */
    for (size_t i = 0; i < V; i++) {
        uint32_t t = r->terms[i].tid;
        if (!cnt[t]) continue;
        r->terms[k] = r->terms[i];
        r->start[k++] = off;
        pos[t] = off;
        off += cnt[t];
    }
    r->start[k] = off;
    r->n_terms = k;
    for (size_t i = 0; i < b->n_tr; i++) {
        size_t p = pos[tr[i].term]++;
        r->docs[p] = tr[i].doc;
        r->tfs[p] = tr[i].tf;
    }
    return LK_OK;
}

static lk_status put_varint(FILE *fp, uint64_t v, lk_error *err)
{
    unsigned char buf[10];
    size_t n = lk_varint_put(buf, v);
    return lk_fwrite_all(fp, buf, n, "run", err);
}

/* Run file: per term, varint term length, bytes, varint n, then n (doc gap, tf) varints. */
typedef struct {
    FILE *fp;
    char *path;
} run_writer;

static lk_status run_write_term(run_writer *w, const char *s, size_t len, const uint32_t *docs,
                                const uint32_t *tfs, size_t n, lk_error *err)
{
    lk_status st = put_varint(w->fp, len, err);
    if (st == LK_OK) st = lk_fwrite_all(w->fp, s, len, "run", err);
    if (st == LK_OK) st = put_varint(w->fp, n, err);
    uint32_t prev = 0;
    for (size_t i = 0; i < n && st == LK_OK; i++) {
        st = put_varint(w->fp, docs[i] - prev, err);
        if (st == LK_OK) st = put_varint(w->fp, tfs[i], err);
        prev = docs[i];
    }
    return st;
}

static lk_status new_run(lk_bm25_builder *b, run_writer *w, int *run_no, lk_error *err)
{
    *run_no = b->run_seq++;
    w->path = run_path(b, *run_no);
    if (!w->path) return LK_ERR_NOMEM;
    w->fp = fopen(w->path, "wb");
    if (!w->fp) return lk_error_set(err, LK_ERR_IO, "%s: %s", w->path, strerror(errno));
    setvbuf(w->fp, NULL, _IOFBF, COPY_CHUNK);
    return LK_OK;
}

static lk_status close_run(run_writer *w, lk_status st, lk_error *err)
{
    if (w->fp && fclose(w->fp) != 0 && st == LK_OK)
        st = lk_error_set(err, LK_ERR_IO, "%s: %s", w->path, strerror(errno));
    w->fp = NULL;
    free(w->path);
    w->path = NULL;
    return st;
}

static lk_status push_run(lk_bm25_builder *b, int run_no)
{
    void *p = b->runs;
    lk_status st = lk_grow(&p, &b->runs_cap, b->n_runs + 1, sizeof *b->runs);
    if (st != LK_OK) return st;
    b->runs = p;
    b->runs[b->n_runs++] = run_no;
    return LK_OK;
}

/* Spill the buffered triples as a sorted run file. */
lk_status lk_bm25__spill(lk_bm25_builder *b, lk_error *err)
{
    sorted_run r;
    run_writer w = {0};
    int run_no;
    lk_status st = sort_run(b, false, &r);
    if (st != LK_OK) return st;
    if ((st = new_run(b, &w, &run_no, err)) == LK_OK)
        for (size_t i = 0; i < r.n_terms && st == LK_OK; i++) {
            const uint32_t *docs, *tfs;
            size_t n = run_postings(&r, i, &docs, &tfs);
            st = run_write_term(&w, r.terms[i].s, r.terms[i].len, docs, tfs, n, err);
        }
    st = close_run(&w, st, err);
    if (st == LK_OK) st = push_run(b, run_no);
    if (st == LK_OK) {
        b->n_spilled++;
        lk_bm25__log(b, LK_LOG_INFO, "spilled run %zu (%zu postings, %u docs so far)", b->n_spilled,
              b->n_tr, b->n_docs);
    }
    sorted_run_free(&r);
    b->n_tr = 0;
    return st;
}

/* ---- merging ------------------------------------------------------------------------------ */

/* A source of (term, postings) in bytewise term order: a run file or the in-memory run. */
typedef struct {
    FILE *fp;               /* file source */
    char *path;
    const sorted_run *mem;  /* memory source */
    size_t mem_i, mem_end;  /* its terms [mem_i, mem_end) */
    const lk_bm25__seg *base; /* an existing segment's terms and postings */
    const uint32_t *base_map;  /* its doc numbers in the new index (LK_DOC_END: deleted) */
    uint64_t base_i;
    bool done;
    char *term;             /* current term (file source buffer) */
    const char *cur;        /* current term bytes */
    size_t term_len, term_cap;
    uint32_t *docs, *tfs;   /* current postings (file source buffers) */
    const uint32_t *cdocs, *ctfs;
    size_t n, cap;
} run_src;

/* Next term of a base-index source: decode its postings into the source's buffers. */
static lk_status base_next(run_src *s, lk_error *err)
{
    if (s->base_i >= s->base->n_terms) {
        s->done = true;
        return LK_OK;
    }
    const unsigned char *post;
    size_t plen;
    uint32_t df;
    lk_bm25__seg_term(s->base, s->base_i++, &s->cur, &s->term_len, &post, &plen, &df);
    if (df > s->cap) {
        size_t cap = s->cap;
        void *p = s->docs;
        if (lk_grow(&p, &cap, df, sizeof *s->docs) != LK_OK) return LK_ERR_NOMEM;
        s->docs = p;
        p = s->tfs;
        if (lk_grow(&p, &s->cap, df, sizeof *s->tfs) != LK_OK) return LK_ERR_NOMEM;
        s->tfs = p;
    }
    lk_postings_cursor c;
    size_t n = 0, seen = 0;
    lk_postings_cursor_init(&c, post, plen, df, s->base->n_docs);
    for (; c.doc != LK_DOC_END && seen < df; lk_postings_next(&c), seen++) {
        uint32_t d = s->base_map[c.doc]; /* deleted documents are dropped */
        if (d == LK_DOC_END) continue;
        s->docs[n] = d;
        s->tfs[n++] = c.tf;
    }
    if (c.bad || seen != df) return lk_error_set(err, LK_ERR_FORMAT, "corrupt index (postings)");
    s->cdocs = s->docs;
    s->ctfs = s->tfs;
    s->n = n;
    return LK_OK;
}

static lk_status src_next(run_src *s, lk_error *err)
{
    if (s->base) return base_next(s, err);
    if (s->mem) {
        if (s->mem_i >= s->mem_end) {
            s->done = true;
            return LK_OK;
        }
        size_t i = s->mem_i++;
        s->cur = s->mem->terms[i].s;
        s->term_len = s->mem->terms[i].len;
        s->n = run_postings(s->mem, i, &s->cdocs, &s->ctfs);
        return LK_OK;
    }
    uint64_t len, n, gap, tf;
    int c = getc_unlocked(s->fp);
    if (c == EOF) {
        s->done = true;
        return ferror(s->fp) ? lk_error_set(err, LK_ERR_IO, "%s: read error", s->path) : LK_OK;
    }
    ungetc(c, s->fp);
    if (!lk_varint_fget(s->fp, &len) || len > ((uint64_t)1 << 30)) goto bad;
    void *p = s->term;
    if (lk_grow(&p, &s->term_cap, (size_t)len + 1, 1) != LK_OK) return LK_ERR_NOMEM;
    s->term = p;
    if (fread(s->term, 1, (size_t)len, s->fp) != len) goto bad;
    if (!lk_varint_fget(s->fp, &n) || n == 0 || n > UINT32_MAX) goto bad;
    if (n > s->cap) {
        size_t cap = s->cap;
        p = s->docs;
        if (lk_grow(&p, &cap, (size_t)n, sizeof *s->docs) != LK_OK) return LK_ERR_NOMEM;
        s->docs = p;
        p = s->tfs;
        if (lk_grow(&p, &s->cap, (size_t)n, sizeof *s->tfs) != LK_OK) return LK_ERR_NOMEM;
        s->tfs = p;
    }
    uint64_t doc = 0;
    for (uint64_t i = 0; i < n; i++) {
        if (!lk_varint_fget(s->fp, &gap) || !lk_varint_fget(s->fp, &tf)) goto bad;
        doc += gap;
        s->docs[i] = (uint32_t)doc;
        s->tfs[i] = (uint32_t)tf;
    }
    s->cur = s->term;
    s->term_len = (size_t)len;
    s->cdocs = s->docs;
    s->ctfs = s->tfs;
    s->n = (size_t)n;
    return LK_OK;
bad:
    return lk_error_set(err, LK_ERR_IO, "%s: truncated or corrupt run file", s->path);
}

static void src_close(run_src *s)
{
    if (s->fp) fclose(s->fp);
    if (s->path) unlink(s->path);
    free(s->path);
    free(s->term);
    free(s->docs);
    free(s->tfs);
    memset(s, 0, sizeof *s);
}

/* Where merged terms go: another run file, or the final dictionary + postings. */
typedef struct {
    run_writer *run;        /* intermediate merge */
    lk_bm25_builder *b;     /* final: */
    FILE *post_fp;          /* postings past the memory limit go to this file */
    const char *post_path;
    lk_bytes dict, termblob, enc;
    lk_bytes post_mem;      /* the postings while they fit in post_limit */
    size_t post_limit;
    uint64_t post_len, n_terms;
    lk_status st;           /* of a merge on a second thread */
    lk_error err;
} sink;

static lk_status sink_term(sink *k, const char *s, size_t len, const uint32_t *docs,
                           const uint32_t *tfs, size_t n, lk_error *err)
{
    if (k->run) return run_write_term(k->run, s, len, docs, tfs, n, err);
    lk_status st;
    unsigned char e[DICT_ENTRY];
    if (len > UINT32_MAX) return LK_ERR_RANGE;
    lk_put_u64(e, k->termblob.len);
    lk_put_u64(e + 8, k->post_len);
    lk_put_u32(e + 16, (uint32_t)n);
    lk_put_u32(e + 20, (uint32_t)len);
    if ((st = lk_bytes_append(&k->dict, e, sizeof e)) != LK_OK) return st;
    if ((st = lk_bytes_append(&k->termblob, s, len)) != LK_OK) return st;
    if (!k->post_fp) { /* encoded in place while small (no temp file to write and copy) */
        size_t before = k->post_mem.len;
        if ((st = lk_postings_encode(docs, tfs, n, k->b->doclens, &k->post_mem)) != LK_OK)
            return st;
        k->post_len += k->post_mem.len - before;
        if (k->post_mem.len > k->post_limit) { /* too big: move to the temp file */
            if (!(k->post_fp = fopen(k->post_path, "w+b")))
                return lk_error_set(err, LK_ERR_IO, "%s: %s", k->post_path, strerror(errno));
            setvbuf(k->post_fp, NULL, _IOFBF, COPY_CHUNK);
            st = lk_fwrite_all(k->post_fp, k->post_mem.data, k->post_mem.len, "postings", err);
            lk_bytes_free(&k->post_mem);
            if (st != LK_OK) return st;
        }
        k->n_terms++;
        return LK_OK;
    }
    k->enc.len = 0;
    if ((st = lk_postings_encode(docs, tfs, n, k->b->doclens, &k->enc)) != LK_OK) return st;
    if ((st = lk_fwrite_all(k->post_fp, k->enc.data, k->enc.len, "postings", err)) != LK_OK)
        return st;
    k->post_len += k->enc.len;
    k->n_terms++;
    return LK_OK;
}

/* An empty buffer with room for cap bytes, in huge pages when large. */
static lk_status bytes_reserve_huge(lk_bytes *b, size_t cap)
{
    if (b->data || cap == 0) return lk_bytes_reserve(b, cap);
    if (!(b->data = big_alloc(cap))) return LK_ERR_NOMEM;
    b->cap = cap;
    return LK_OK;
}

/* Room for the dictionary, the terms and (an estimate of) the postings of the in-memory
   run's terms [from, to) up front: they are not copied as they grow, and pages left unused
   are never touched. */
static lk_status reserve_sink(sink *k, const sorted_run *r, size_t from, size_t to)
{
    size_t tbytes = 0, n_post = r->start[to] - r->start[from], dict, post;
    for (size_t i = from; i < to; i++) tbytes += r->terms[i].len;
    if (lk_mul_size(to - from, DICT_ENTRY, &dict) != LK_OK) return LK_ERR_RANGE;
    /* per term: frontier and skip entries; ~3 bytes a posting (a gap and a tf) */
    post = 4 * n_post + 40 * (to - from) + 4096;
    if (post > k->post_limit) post = k->post_limit;
    lk_status st = bytes_reserve_huge(&k->dict, dict);
    if (st == LK_OK) st = bytes_reserve_huge(&k->termblob, tbytes);
    if (st == LK_OK) st = bytes_reserve_huge(&k->post_mem, post);
    return st;
}

/* Merge sources (oldest documents first) into the sink, term by term. */
static lk_status merge(run_src *src, size_t n_src, sink *k, lk_error *err)
{
    lk_status st = LK_OK;
    uint32_t *docs = NULL, *tfs = NULL;
    size_t cap = 0;
    if (n_src == 1) { /* one source (a small collection): its postings pass straight through */
        for (st = src_next(src, err); st == LK_OK && !src->done; st = src_next(src, err))
            if (src->n && (st = sink_term(k, src->cur, src->term_len, src->cdocs, src->ctfs,
                                          src->n, err)) != LK_OK)
                break;
        return st;
    }
    for (size_t i = 0; i < n_src && st == LK_OK; i++) st = src_next(&src[i], err);
    while (st == LK_OK) {
        run_src *best = NULL;
        for (size_t i = 0; i < n_src; i++)
            if (!src[i].done && (!best || cmp_bytes(src[i].cur, src[i].term_len, best->cur,
                                                    best->term_len) < 0))
                best = &src[i];
        if (!best) break;
        size_t total = 0;
        const char *term = best->cur;
        size_t tlen = best->term_len;
        for (size_t i = 0; i < n_src; i++)
            if (!src[i].done && cmp_bytes(src[i].cur, src[i].term_len, term, tlen) == 0)
                total += src[i].n;
        if (total > cap) {
            size_t c2 = cap;
            void *p = docs;
            if ((st = lk_grow(&p, &c2, total, sizeof *docs)) != LK_OK) break;
            docs = p;
            p = tfs;
            if ((st = lk_grow(&p, &cap, total, sizeof *tfs)) != LK_OK) break;
            tfs = p;
        }
        size_t at = 0;
        for (size_t i = 0; i < n_src; i++)
            if (!src[i].done && src[i].n && cmp_bytes(src[i].cur, src[i].term_len, term, tlen) == 0) {
                /* (n == 0: every document of the term deleted; docs may still be NULL) */
                memcpy(docs + at, src[i].cdocs, src[i].n * sizeof *docs);
                memcpy(tfs + at, src[i].ctfs, src[i].n * sizeof *tfs);
                at += src[i].n;
            }
        /* term points into a source buffer: emit before advancing the sources (a term
           whose documents were all deleted is dropped) */
        if (total && (st = sink_term(k, term, tlen, docs, tfs, total, err)) != LK_OK) break;
        for (size_t i = 0; i < n_src && st == LK_OK; i++)
            if (!src[i].done && src[i].cur != term &&
                cmp_bytes(src[i].cur, src[i].term_len, term, tlen) == 0)
                st = src_next(&src[i], err);
        if (st == LK_OK) st = src_next(best, err);
    }
    free(docs);
    free(tfs);
    return st;
}

typedef struct {
    run_src *src;
    sink *k;
} merge_job;

static void *merge_job_run(void *arg)
{
    merge_job *j = arg;
    j->k->st = merge(j->src, 1, j->k, &j->k->err);
    return NULL;
}

static lk_status open_run_src(lk_bm25_builder *b, int run_no, run_src *s, lk_error *err)
{
    memset(s, 0, sizeof *s);
    if (!(s->path = run_path(b, run_no))) return LK_ERR_NOMEM;
    if (!(s->fp = fopen(s->path, "rb")))
        return lk_error_set(err, LK_ERR_IO, "%s: %s", s->path, strerror(errno));
    setvbuf(s->fp, NULL, _IOFBF, (size_t)1 << 16);
    return LK_OK;
}

/* Merge the oldest MAX_FANIN runs into one until at most MAX_FANIN remain. */
static lk_status reduce_runs(lk_bm25_builder *b, lk_error *err)
{
    while (b->n_runs > MAX_FANIN) {
        run_src src[MAX_FANIN];
        run_writer w = {0};
        sink k;
        memset(&k, 0, sizeof k);
        k.run = &w;
        int run_no;
        size_t opened = 0;
        lk_status st = new_run(b, &w, &run_no, err);
        for (; opened < MAX_FANIN && st == LK_OK; opened++)
            st = open_run_src(b, b->runs[opened], &src[opened], err);
        if (st == LK_OK) st = merge(src, opened, &k, err);
        for (size_t i = 0; i < opened; i++) src_close(&src[i]);
        st = close_run(&w, st, err);
        if (st != LK_OK) return st;
        b->runs[0] = run_no;
        memmove(b->runs + 1, b->runs + MAX_FANIN, (b->n_runs - MAX_FANIN) * sizeof *b->runs);
        b->n_runs -= MAX_FANIN - 1;
    }
    return LK_OK;
}

/* ---- the final file --------------------------------------------------------------------- */

typedef struct {
    FILE *fp;
    const char *path;
    uint32_t crc;
} crc_writer;

static lk_status cw_put(crc_writer *w, const void *buf, size_t n, lk_error *err)
{
    if (n == 0) return LK_OK;
    w->crc = lk_crc32(w->crc, buf, n);
    return lk_fwrite_all(w->fp, buf, n, w->path, err);
}

static lk_status cw_copy(crc_writer *w, FILE *src, uint64_t n, unsigned char *buf, lk_error *err)
{
    if (fseek(src, 0, SEEK_SET) != 0)
        return lk_error_set(err, LK_ERR_IO, "%s: seek: %s", w->path, strerror(errno));
    while (n > 0) {
        size_t want = n < COPY_CHUNK ? (size_t)n : COPY_CHUNK;
        if (fread(buf, 1, want, src) != want)
            return lk_error_set(err, LK_ERR_IO, "%s: short read of a temp file", w->path);
        lk_status st = cw_put(w, buf, want, err);
        if (st != LK_OK) return st;
        n -= want;
    }
    return LK_OK;
}

/* Write the u32 doc lengths or u64 id offsets little-endian, in chunks. */
static lk_status cw_put_array(crc_writer *w, const void *arr, size_t n, size_t width,
                              unsigned char *buf, lk_error *err)
{
    size_t per = COPY_CHUNK / 8, i = 0;
    while (i < n) {
        size_t m = n - i < per ? n - i : per;
        for (size_t j = 0; j < m; j++) {
            if (width == 4) lk_put_u32(buf + 4 * j, ((const uint32_t *)arr)[i + j]);
            else lk_put_u64(buf + 8 * j, ((const uint64_t *)arr)[i + j]);
        }
        lk_status st = cw_put(w, buf, m * width, err);
        if (st != LK_OK) return st;
        i += m;
    }
    return LK_OK;
}

/* Sinks after the first encoded their terms with offsets from 0: shift them past the
   terms and postings of the sinks before. */
static void rebase_sinks(sink *k, size_t n_k)
{
    uint64_t tb = 0, post = 0;
    for (size_t j = 0; j < n_k; j++) {
        if (j > 0)
            for (size_t i = 0; i < k[j].dict.len; i += DICT_ENTRY) {
                unsigned char *e = k[j].dict.data + i;
                lk_put_u64(e, lk_get_u64(e) + tb);
                lk_put_u64(e + 8, lk_get_u64(e + 8) + post);
            }
        tb += k[j].termblob.len;
        post += k[j].post_len;
    }
}

/* The postings of a sink: from memory, or copied from its temp file. */
static lk_status put_postings(crc_writer *w, sink *k, unsigned char *buf, lk_error *err)
{
    if (!k->post_fp) return cw_put(w, k->post_mem.data, k->post_mem.len, err);
    if (fflush(k->post_fp) != 0)
        return lk_error_set(err, LK_ERR_IO, "%s: writing postings: %s", w->path, strerror(errno));
    return cw_copy(w, k->post_fp, k->post_len, buf, err);
}

/* Mapping the positions' values to final dictionary indexes (lk_bm25__pos_writer_finish). */
typedef struct {
    const lk_bm25_builder *b;
    uint32_t *tid_term;   /* builder term id -> final term */
    uint32_t **base_term; /* per base: its term -> final term */
    size_t base;          /* base of the last document asked */
} pos_map;

static uint32_t pos_value_term(void *user, uint32_t doc, uint32_t v)
{
    pos_map *m = user;
    const lk_bm25_builder *b = m->b;
    if (doc >= b->n_base_kept) return v < b->terms.n ? m->tid_term[v] : LK_TERM_NONE;
    while (m->base < b->n_bases && doc >= b->base_kept_end[m->base]) m->base++;
    if (m->base >= b->n_bases || v >= b->bases[m->base]->n_terms)
        return LK_TERM_NONE;
    return m->base_term[m->base][v];
}

/* The positions section (b->pos on): the final terms are those of the sinks, in order (their
   dictionaries not yet rebased). */
static lk_status finish_positions(lk_bm25_builder *b, sink *k, size_t n_k, lk_bytes *head,
                                  FILE **blob_fp, uint64_t *blob_len, lk_error *err)
{
    lk_status st = LK_OK;
    uint64_t n_terms = 0;
    for (size_t j = 0; j < n_k; j++) n_terms += k[j].n_terms;
    pos_map m = {b, NULL, NULL, 0};
    uint32_t *dfs = malloc((size_t)(n_terms + 1) * sizeof *dfs);
    lk_term *fin = malloc((size_t)(n_terms + 1) * sizeof *fin);
    m.tid_term = malloc((b->terms.n + 1) * sizeof *m.tid_term);
    m.base_term = calloc(b->n_bases + 1, sizeof *m.base_term);
    if (!dfs || !fin || !m.tid_term || !m.base_term) {
        st = LK_ERR_NOMEM;
        goto done;
    }
    for (size_t t = 0; t < b->terms.n; t++) m.tid_term[t] = LK_TERM_NONE;
    uint64_t o = 0;
    for (size_t j = 0; j < n_k; j++)
        for (size_t i = 0; i < k[j].dict.len; i += DICT_ENTRY, o++) {
            const unsigned char *e = k[j].dict.data + i;
            fin[o].s = (const char *)k[j].termblob.data + lk_get_u64(e);
            fin[o].len = lk_get_u32(e + 20);
            dfs[o] = lk_get_u32(e + 16);
            uint32_t tid;
            st = lk_termtab_unit_hashed(&b->terms, fin[o].s, fin[o].len,
                                        lk_bm25__term_hash(fin[o].s, fin[o].len), false, &tid);
            if (st != LK_OK) goto done;
            if (tid != LK_TERM_NONE) m.tid_term[tid] = (uint32_t)o;
        }
    for (size_t i = 0; i < b->n_bases; i++) { /* both dictionaries sorted: one merge walk */
        const lk_bm25__seg *x = b->bases[i];
        uint64_t nt = x->n_terms, f = 0;
        if (!(m.base_term[i] = malloc((size_t)(nt + 1) * sizeof **m.base_term))) {
            st = LK_ERR_NOMEM;
            goto done;
        }
        for (uint64_t t = 0; t < nt; t++) {
            const char *s;
            size_t len, plen;
            const unsigned char *post;
            uint32_t df;
            lk_bm25__seg_term(x, t, &s, &len, &post, &plen, &df);
            while (f < n_terms && cmp_bytes(fin[f].s, fin[f].len, s, len) < 0) f++;
            m.base_term[i][t] = f < n_terms && cmp_bytes(fin[f].s, fin[f].len, s, len) == 0
                                    ? (uint32_t)f
                                    : LK_TERM_NONE;
        }
    }
    st = lk_bm25__pos_writer_finish(&b->pos, dfs, n_terms, pos_value_term, &m, head, blob_fp,
                                    blob_len, err);
done:
    free(dfs);
    free(fin);
    free(m.tid_term);
    for (size_t i = 0; m.base_term && i < b->n_bases; i++) free(m.base_term[i]);
    free(m.base_term);
    return st;
}

/* The index file from the sinks' terms, in order. */
static lk_status write_index_file(lk_bm25_builder *b, sink *k, size_t n_k, const char *path,
                                  lk_error *err)
{
    lk_status st;
    lk_bytes store_head = {NULL, 0, 0}, pos_head = {NULL, 0, 0};
    FILE *pos_fp = NULL;
    uint64_t pos_blob = 0;
    unsigned char *buf = malloc(COPY_CHUNK);
    crc_writer w = {fopen(path, "wb"), path, 0};
    if (!buf || !w.fp) {
        st = buf ? lk_error_set(err, LK_ERR_IO, "%s: %s", path, strerror(errno)) : LK_ERR_NOMEM;
        goto done;
    }
    bool positions = b->pos.on;
    if (positions &&
        (st = finish_positions(b, k, n_k, &pos_head, &pos_fp, &pos_blob, err)) != LK_OK)
        goto done;
    rebase_sinks(k, n_k);
    uint64_t n_terms = 0, dict_len = 0, termblob_len = 0, post_len = 0;
    for (size_t j = 0; j < n_k; j++) {
        n_terms += k[j].n_terms;
        dict_len += k[j].dict.len;
        termblob_len += k[j].termblob.len;
        post_len += k[j].post_len;
    }
    uint64_t n_docs = b->n_docs, idblob_len = b->idoffs[b->n_docs];
    bool stored = b->store.on;
    if (stored && (st = lk_bm25__store_writer_finish(&b->store, &store_head, err)) != LK_OK)
        goto done;
    int n_meta = positions ? META_N_FIELDS : stored ? META_N_FIELDS_V3 : META_N_FIELDS_V2;
    uint64_t m[META_N_FIELDS], off = 8u * (unsigned)n_meta;
    m[META_N_DOCS] = n_docs;
    m[META_N_TERMS] = n_terms;
    m[META_TOTAL_LEN] = b->total_len;
    m[META_SETTINGS_OFF] = off;
    m[META_SETTINGS_LEN] = b->cfg.settings_len;
    off += b->cfg.settings_len;
    m[META_DOCLENS_OFF] = off;
    off += 4 * n_docs;
    m[META_IDOFFS_OFF] = off;
    off += 8 * (n_docs + 1);
    m[META_IDBLOB_OFF] = off;
    m[META_IDBLOB_LEN] = idblob_len;
    off += idblob_len;
    m[META_DICT_OFF] = off;
    off += dict_len;
    m[META_TERMBLOB_OFF] = off;
    m[META_TERMBLOB_LEN] = termblob_len;
    off += termblob_len;
    m[META_POST_OFF] = off;
    m[META_POST_LEN] = post_len;
    off += post_len;
    m[META_STORE_OFF] = off;
    m[META_STORE_LEN] = stored ? store_head.len + b->store.blob_len : 0;
    off += m[META_STORE_LEN];
    m[META_POS_OFF] = off;
    m[META_POS_LEN] = positions ? pos_head.len + pos_blob : 0;
    off += m[META_POS_LEN];

    unsigned char hdr[LK_ENVELOPE_HEADER + META_BYTES];
    memcpy(hdr, LK_BM25_INDEX_MAGIC, 4);
    lk_put_u32(hdr + 4, positions ? LK_BM25_INDEX_VERSION
                        : stored  ? LK_BM25_INDEX_VERSION_STORE
                                  : LK_BM25_INDEX_VERSION_PLAIN);
    lk_put_u32(hdr + 8, 0);
    lk_put_u64(hdr + 12, off);
    for (int i = 0; i < n_meta; i++) lk_put_u64(hdr + LK_ENVELOPE_HEADER + 8 * i, m[i]);
    setvbuf(w.fp, NULL, _IOFBF, (size_t)1 << 16);
    if ((st = cw_put(&w, hdr, LK_ENVELOPE_HEADER + 8u * (unsigned)n_meta, err)) != LK_OK)
        goto done;
    if ((st = cw_put(&w, b->settings, b->cfg.settings_len, err)) != LK_OK) goto done;
    if ((st = cw_put_array(&w, b->doclens, b->n_docs, 4, buf, err)) != LK_OK) goto done;
    if ((st = cw_put_array(&w, b->idoffs, (size_t)n_docs + 1, 8, buf, err)) != LK_OK) goto done;
    if (fflush(b->ids_fp) != 0) {
        st = lk_error_set(err, LK_ERR_IO, "%s: writing ids: %s", path, strerror(errno));
        goto done;
    }
    if ((st = cw_copy(&w, b->ids_fp, idblob_len, buf, err)) != LK_OK) goto done;
    for (size_t j = 0; j < n_k; j++)
        if ((st = cw_put(&w, k[j].dict.data, k[j].dict.len, err)) != LK_OK) goto done;
    for (size_t j = 0; j < n_k; j++)
        if ((st = cw_put(&w, k[j].termblob.data, k[j].termblob.len, err)) != LK_OK) goto done;
    for (size_t j = 0; j < n_k; j++)
        if ((st = put_postings(&w, &k[j], buf, err)) != LK_OK) goto done;
    if (stored && ((st = cw_put(&w, store_head.data, store_head.len, err)) != LK_OK ||
                   (st = cw_copy(&w, b->store.fp, b->store.blob_len, buf, err)) != LK_OK))
        goto done;
    if (positions && ((st = cw_put(&w, pos_head.data, pos_head.len, err)) != LK_OK ||
                      (st = cw_copy(&w, pos_fp, pos_blob, buf, err)) != LK_OK))
        goto done;
    unsigned char tail[4];
    lk_put_u32(tail, w.crc);
    if ((st = lk_fwrite_all(w.fp, tail, 4, path, err)) != LK_OK) goto done;
    if (fflush(w.fp) != 0 || fsync(fileno(w.fp)) != 0)
        st = lk_error_set(err, LK_ERR_IO, "%s: %s", path, strerror(errno));
done:
    if (w.fp && fclose(w.fp) != 0 && st == LK_OK)
        st = lk_error_set(err, LK_ERR_IO, "%s: %s", path, strerror(errno));
    lk_bytes_free(&store_head);
    lk_bytes_free(&pos_head);
    if (pos_fp) fclose(pos_fp);
    free(buf);
    return st;
}

#define SPLIT_MIN_POSTINGS ((size_t)1 << 14) /* below this one thread encodes everything */

/* Encode the in-memory run with two threads: the terms split where half the postings are
   before, the second half into its own sink (offsets rebased when the file is written). */
static lk_status merge_mem_split(const sorted_run *mem, sink *k, lk_error *err)
{
    size_t total = mem->start[mem->n_terms], cut = 0;
    while (cut < mem->n_terms && 2 * mem->start[cut] < total) cut++;
    run_src src[2];
    memset(src, 0, sizeof src);
    src[0].mem = src[1].mem = mem;
    src[0].mem_end = src[1].mem_i = cut;
    src[1].mem_end = mem->n_terms;
    lk_status st = reserve_sink(&k[0], mem, 0, cut);
    if (st == LK_OK) st = reserve_sink(&k[1], mem, cut, mem->n_terms);
    if (st != LK_OK) return st;
    merge_job job = {&src[1], &k[1]};
    pthread_t th;
    bool started = pthread_create(&th, NULL, merge_job_run, &job) == 0;
    st = merge(&src[0], 1, &k[0], err);
    if (!started) merge_job_run(&job);
    else pthread_join(th, NULL);
    if (st == LK_OK && k[1].st != LK_OK) {
        st = k[1].st;
        if (err) *err = k[1].err;
    }
    return st;
}

lk_status lk_bm25__write_index(lk_bm25_builder *b, const char *index_path, lk_error *err)
{
    lk_status st = LK_OK;
    sorted_run mem;
    memset(&mem, 0, sizeof mem);
    run_src *src = NULL;
    size_t n_src = 0, n_k = 1;
    sink k[2];
    memset(k, 0, sizeof k);
    char *post_path[2] = {lk_path_join(b->tmpdir, "postings.tmp"),
                          lk_path_join(b->tmpdir, "postings2.tmp")};
    for (int j = 0; j < 2; j++) {
        k[j].b = b;
        k[j].post_path = post_path[j];
        k[j].post_limit = b->cfg.mem_limit;
    }
    if (!post_path[0] || !post_path[1]) {
        st = LK_ERR_NOMEM;
        goto done;
    }
    if (b->n_runs > 0 && b->n_tr > 0 && (st = lk_bm25__spill(b, err)) != LK_OK) goto done;
    if ((st = reduce_runs(b, err)) != LK_OK) goto done;
    if (!(src = calloc(b->n_runs + b->n_bases + 1, sizeof *src))) {
        st = LK_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < b->n_bases; i++) { /* the oldest documents first */
        src[n_src].base = b->bases[i];
        src[n_src++].base_map = b->base_maps[i];
    }
    if (b->n_runs == 0) { /* no run spilled: every term of the table has postings here */
        if ((st = sort_run(b, true, &mem)) != LK_OK) goto done;
        src[n_src].mem = &mem;
        src[n_src++].mem_end = mem.n_terms;
    }
    for (size_t r = 0; r < b->n_runs; r++, n_src++)
        if ((st = open_run_src(b, b->runs[r], &src[n_src], err)) != LK_OK) goto done;
    if (n_src == 1 && src[0].mem && b->cfg.threads > 1 && b->n_tr >= SPLIT_MIN_POSTINGS) {
        n_k = 2;
        k[0].post_limit = k[1].post_limit = b->cfg.mem_limit / 2;
        st = merge_mem_split(&mem, k, err);
    } else {
        if (n_src == 1 && src[0].mem && (st = reserve_sink(&k[0], &mem, 0, mem.n_terms)) != LK_OK)
            goto done;
        st = merge(src, n_src, &k[0], err);
    }
    for (size_t i = 0; i < n_src; i++) src_close(&src[i]); /* deletes the run files */
    n_src = 0;
    if (st != LK_OK) goto done;
    lk_bm25__log(b, LK_LOG_INFO, "%u documents, %llu terms, %llu postings bytes", b->n_docs,
                 (unsigned long long)(k[0].n_terms + k[1].n_terms),
                 (unsigned long long)(k[0].post_len + k[1].post_len));
    st = write_index_file(b, k, n_k, index_path, err);
done:
    for (size_t i = 0; i < n_src; i++) src_close(&src[i]);
    free(src);
    sorted_run_free(&mem);
    for (int j = 0; j < 2; j++) {
        if (k[j].post_fp) fclose(k[j].post_fp);
        if (post_path[j]) unlink(post_path[j]);
        free(post_path[j]);
        lk_bytes_free(&k[j].dict);
        lk_bytes_free(&k[j].termblob);
        lk_bytes_free(&k[j].enc);
        lk_bytes_free(&k[j].post_mem);
    }
    return st;
}
