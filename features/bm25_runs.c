/* bm25_runs.c: the index builder's sorted runs: triples grouped by term (bytewise),
   spilled to run files past the memory limit, merged (at most MAX_FANIN at a time) into
   block postings, and the final checksummed index file. */
#define _GNU_SOURCE
#include "features/bm25_build_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "features/bm25_index_internal.h"
#include "features/postings.h"
#include "text/fileio.h"

char *lk_bm25__path_join(const char *dir, const char *name)
{
    size_t a = strlen(dir), n = strlen(name);
    char *p = malloc(a + n + 2);
    if (!p) return NULL;
    memcpy(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, name, n + 1);
    return p;
}

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
    return lk_bm25__path_join(b->tmpdir, name);
}

/* ---- runs ----------------------------------------------------------------------------- */

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
    term_ref t;
} keyed_ref;

static uint64_t term_key(const char *s, size_t len)
{
    uint64_t k = 0;
    size_t n = len < 8 ? len : 8;
    for (size_t i = 0; i < n; i++) k |= (uint64_t)(unsigned char)s[i] << (56 - 8 * i);
    return k;
}

/* Sort terms bytewise: LSD radix sort of the keys (8-bit digits; digits equal in every key
   are skipped), then the rare runs of equal keys with the full comparison. */
static lk_status sort_terms(term_ref *terms, size_t n)
{
    if (n < 64) {
        if (n > 1) qsort(terms, n, sizeof *terms, cmp_term_ref);
        return LK_OK;
    }
    keyed_ref *a = malloc(n * sizeof *a), *tmp = malloc(n * sizeof *tmp);
    size_t (*cnt)[256] = calloc(8, sizeof *cnt);
    if (!a || !tmp || !cnt) {
        free(a);
        free(tmp);
        free(cnt);
        return LK_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        a[i].key = term_key(terms[i].s, terms[i].len);
        a[i].t = terms[i];
        for (int d = 0; d < 8; d++) cnt[d][(a[i].key >> (8 * d)) & 0xFF]++;
    }
    for (int d = 0; d < 8; d++) {
        size_t *c = cnt[d];
        if (c[(a[0].key >> (8 * d)) & 0xFF] == n) continue; /* one value: order unchanged */
        size_t off = 0;
        for (int v = 0; v < 256; v++) {
            size_t m = c[v];
            c[v] = off;
            off += m;
        }
        for (size_t i = 0; i < n; i++) tmp[c[(a[i].key >> (8 * d)) & 0xFF]++] = a[i];
        keyed_ref *sw = a;
        a = tmp;
        tmp = sw;
    }
    for (size_t i = 0; i < n; i++) terms[i] = a[i].t;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && a[j].key == a[i].key) j++;
        if (j - i > 1) qsort(terms + i, j - i, sizeof *terms, cmp_term_ref);
        i = j;
    }
    free(a);
    free(tmp);
    free(cnt);
    return LK_OK;
}

/* The current triples grouped by term (bytewise order), docs ascending within a term. */
typedef struct {
    term_ref *terms;
    size_t n_terms;
    size_t *start;      /* n_terms + 1 offsets into docs/tfs */
    uint32_t *docs, *tfs;
} sorted_run;

static void sorted_run_free(sorted_run *r)
{
    free(r->terms);
    free(r->start);
    free(r->docs);
    free(r->tfs);
    memset(r, 0, sizeof *r);
}

static lk_status sort_run(const lk_bm25_builder *b, sorted_run *r)
{
    memset(r, 0, sizeof *r);
    size_t V = (size_t)lk_vocab_size(b->terms);
    size_t *pos = calloc(V + 1, sizeof *pos); /* count, then write position, per term id */
    if (!pos) return LK_ERR_NOMEM;
    size_t n_present = 0;
    for (size_t i = 0; i < b->n_tr; i++)
        if (pos[b->tr[i].term]++ == 0) n_present++;
    r->terms = malloc((n_present + 1) * sizeof *r->terms);
    r->start = malloc((n_present + 1) * sizeof *r->start);
    r->docs = malloc((b->n_tr + 1) * sizeof *r->docs);
    r->tfs = malloc((b->n_tr + 1) * sizeof *r->tfs);
    if (!r->terms || !r->start || !r->docs || !r->tfs) {
        free(pos);
        sorted_run_free(r);
        return LK_ERR_NOMEM;
    }
    size_t k = 0;
    for (size_t t = 0; t < V; t++)
        if (pos[t]) {
            r->terms[k].tid = (uint32_t)t;
            r->terms[k].s = lk_vocab_word(b->terms, (int32_t)t);
            r->terms[k].len = lk_vocab_word_len(b->terms, (int32_t)t);
            k++;
        }
    r->n_terms = k;
    lk_status st = sort_terms(r->terms, k);
    if (st != LK_OK) {
        free(pos);
        sorted_run_free(r);
        return st;
    }
    size_t off = 0;
    for (size_t i = 0; i < k; i++) {
        size_t c = pos[r->terms[i].tid];
        r->start[i] = off;
        pos[r->terms[i].tid] = off;
        off += c;
    }
    r->start[k] = off;
    for (size_t i = 0; i < b->n_tr; i++) {
        size_t p = pos[b->tr[i].term]++;
        r->docs[p] = b->tr[i].doc;
        r->tfs[p] = b->tr[i].tf;
    }
    free(pos);
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
    lk_status st = sort_run(b, &r);
    if (st != LK_OK) return st;
    if ((st = new_run(b, &w, &run_no, err)) == LK_OK)
        for (size_t i = 0; i < r.n_terms && st == LK_OK; i++)
            st = run_write_term(&w, r.terms[i].s, r.terms[i].len, r.docs + r.start[i],
                                r.tfs + r.start[i], r.start[i + 1] - r.start[i], err);
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
    size_t mem_i;
    const lk_bm25_index *base; /* an existing index's terms and postings */
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

static bool get_varint(FILE *fp, uint64_t *v)
{
    uint64_t r = 0;
    for (int i = 0; i < 10; i++) {
        int c = getc_unlocked(fp);
        if (c == EOF) return false;
        r |= (uint64_t)(c & 0x7F) << (7 * i);
        if (!(c & 0x80)) {
            *v = r;
            return true;
        }
    }
    return false;
}

/* Next term of a base-index source: decode its postings into the source's buffers. */
static lk_status base_next(run_src *s, lk_error *err)
{
    if (s->base_i >= lk_bm25_index_n_terms(s->base)) {
        s->done = true;
        return LK_OK;
    }
    const unsigned char *post;
    size_t plen;
    uint32_t df;
    lk_bm25__index_term(s->base, s->base_i++, &s->cur, &s->term_len, &post, &plen, &df);
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
    lk_postings_cursor_init(&c, post, plen, df, lk_bm25_index_n_docs(s->base));
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
        if (s->mem_i >= s->mem->n_terms) {
            s->done = true;
            return LK_OK;
        }
        size_t i = s->mem_i++;
        s->cur = s->mem->terms[i].s;
        s->term_len = s->mem->terms[i].len;
        s->cdocs = s->mem->docs + s->mem->start[i];
        s->ctfs = s->mem->tfs + s->mem->start[i];
        s->n = s->mem->start[i + 1] - s->mem->start[i];
        return LK_OK;
    }
    uint64_t len, n, gap, tf;
    int c = getc_unlocked(s->fp);
    if (c == EOF) {
        s->done = true;
        return ferror(s->fp) ? lk_error_set(err, LK_ERR_IO, "%s: read error", s->path) : LK_OK;
    }
    ungetc(c, s->fp);
    if (!get_varint(s->fp, &len) || len > ((uint64_t)1 << 30)) goto bad;
    void *p = s->term;
    if (lk_grow(&p, &s->term_cap, (size_t)len + 1, 1) != LK_OK) return LK_ERR_NOMEM;
    s->term = p;
    if (fread(s->term, 1, (size_t)len, s->fp) != len) goto bad;
    if (!get_varint(s->fp, &n) || n == 0 || n > UINT32_MAX) goto bad;
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
        if (!get_varint(s->fp, &gap) || !get_varint(s->fp, &tf)) goto bad;
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
    lk_bytes post_mem;      /* the postings while they fit in the memory limit */
    uint64_t post_len, n_terms;
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
        if (k->post_mem.len > k->b->cfg.mem_limit) { /* too big: move to the temp file */
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
            if (!src[i].done && cmp_bytes(src[i].cur, src[i].term_len, term, tlen) == 0) {
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

static lk_status write_index_file(lk_bm25_builder *b, sink *k, const char *path, lk_error *err)
{
    lk_status st;
    unsigned char *buf = malloc(COPY_CHUNK);
    crc_writer w = {fopen(path, "wb"), path, 0};
    if (!buf || !w.fp) {
        st = buf ? lk_error_set(err, LK_ERR_IO, "%s: %s", path, strerror(errno)) : LK_ERR_NOMEM;
        goto done;
    }
    uint64_t n_docs = b->n_docs, idblob_len = b->idoffs[b->n_docs];
    uint64_t m[META_N_FIELDS], off = META_BYTES;
    m[META_N_DOCS] = n_docs;
    m[META_N_TERMS] = k->n_terms;
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
    off += k->dict.len;
    m[META_TERMBLOB_OFF] = off;
    m[META_TERMBLOB_LEN] = k->termblob.len;
    off += k->termblob.len;
    m[META_POST_OFF] = off;
    m[META_POST_LEN] = k->post_len;
    off += k->post_len;

    unsigned char hdr[LK_ENVELOPE_HEADER + META_BYTES];
    memcpy(hdr, LK_BM25_INDEX_MAGIC, 4);
    lk_put_u32(hdr + 4, LK_BM25_INDEX_VERSION);
    lk_put_u32(hdr + 8, 0);
    lk_put_u64(hdr + 12, off);
    for (int i = 0; i < META_N_FIELDS; i++) lk_put_u64(hdr + LK_ENVELOPE_HEADER + 8 * i, m[i]);
    setvbuf(w.fp, NULL, _IOFBF, (size_t)1 << 16);
    if ((st = cw_put(&w, hdr, sizeof hdr, err)) != LK_OK) goto done;
    if ((st = cw_put(&w, b->settings, b->cfg.settings_len, err)) != LK_OK) goto done;
    if ((st = cw_put_array(&w, b->doclens, b->n_docs, 4, buf, err)) != LK_OK) goto done;
    if ((st = cw_put_array(&w, b->idoffs, (size_t)n_docs + 1, 8, buf, err)) != LK_OK) goto done;
    if (fflush(b->ids_fp) != 0) {
        st = lk_error_set(err, LK_ERR_IO, "%s: writing ids: %s", path, strerror(errno));
        goto done;
    }
    if ((st = cw_copy(&w, b->ids_fp, idblob_len, buf, err)) != LK_OK) goto done;
    if ((st = cw_put(&w, k->dict.data, k->dict.len, err)) != LK_OK) goto done;
    if ((st = cw_put(&w, k->termblob.data, k->termblob.len, err)) != LK_OK) goto done;
    if (!k->post_fp) {
        if ((st = cw_put(&w, k->post_mem.data, k->post_mem.len, err)) != LK_OK) goto done;
    } else {
        if (fflush(k->post_fp) != 0) {
            st = lk_error_set(err, LK_ERR_IO, "%s: writing postings: %s", path, strerror(errno));
            goto done;
        }
        if ((st = cw_copy(&w, k->post_fp, k->post_len, buf, err)) != LK_OK) goto done;
    }
    unsigned char tail[4];
    lk_put_u32(tail, w.crc);
    if ((st = lk_fwrite_all(w.fp, tail, 4, path, err)) != LK_OK) goto done;
    if (fflush(w.fp) != 0 || fsync(fileno(w.fp)) != 0)
        st = lk_error_set(err, LK_ERR_IO, "%s: %s", path, strerror(errno));
done:
    if (w.fp && fclose(w.fp) != 0 && st == LK_OK)
        st = lk_error_set(err, LK_ERR_IO, "%s: %s", path, strerror(errno));
    free(buf);
    return st;
}

lk_status lk_bm25__write_index(lk_bm25_builder *b, const char *index_path, lk_error *err)
{
    lk_status st = LK_OK;
    sorted_run mem;
    memset(&mem, 0, sizeof mem);
    run_src *src = NULL;
    size_t n_src = 0;
    sink k;
    memset(&k, 0, sizeof k);
    k.b = b;
    char *post_path = lk_bm25__path_join(b->tmpdir, "postings.tmp");
    if (!post_path) return LK_ERR_NOMEM;
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
    if (b->n_runs == 0) {
        if ((st = sort_run(b, &mem)) != LK_OK) goto done;
        src[n_src++].mem = &mem;
    }
    for (size_t r = 0; r < b->n_runs; r++, n_src++)
        if ((st = open_run_src(b, b->runs[r], &src[n_src], err)) != LK_OK) goto done;
    k.post_path = post_path;
    st = merge(src, n_src, &k, err);
    for (size_t i = 0; i < n_src; i++) src_close(&src[i]); /* deletes the run files */
    n_src = 0;
    if (st != LK_OK) goto done;
    lk_bm25__log(b, LK_LOG_INFO, "%u documents, %llu terms, %llu postings bytes", b->n_docs,
                 (unsigned long long)k.n_terms, (unsigned long long)k.post_len);
    st = write_index_file(b, &k, index_path, err);
done:
    for (size_t i = 0; i < n_src; i++) src_close(&src[i]);
    free(src);
    sorted_run_free(&mem);
    if (k.post_fp) fclose(k.post_fp);
    unlink(post_path);
    free(post_path);
    lk_bytes_free(&k.dict);
    lk_bytes_free(&k.termblob);
    lk_bytes_free(&k.enc);
    lk_bytes_free(&k.post_mem);
    return st;
}
