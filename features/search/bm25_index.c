/* bm25_index.c: opening (mmap + full validation) and searching (MaxScore top-k and the
   exhaustive reference path) of LKBX indexes. Building is in bm25_build.c. */
#define _POSIX_C_SOURCE 200809L
#include "features/search/bm25_index.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "features/search/bm25_index_internal.h"
#include "features/search/bm25_positions_internal.h"
#include "features/search/bm25_segments.h"
#include "features/search/bm25_store_internal.h"
#include "features/search/postings.h"
#include "text/fileio.h"

struct lk_bm25_index {
    const unsigned char *base; /* payload */
    void *map;                 /* mmap'd file, or NULL for open_mem */
    size_t map_len;
    uint32_t n_docs;
    uint64_t n_terms, total_len;
    double avgdl;
    const unsigned char *settings, *doclens, *idoffs, *idblob, *dict, *termblob, *post;
    uint64_t settings_len, idblob_len, termblob_len, post_len;
    uint64_t *skey;            /* first-level dictionary index: the key (term_key) of every
                                  DICT_SAMPLE-th term, n_skey of them */
    uint64_t n_skey;
    char *dir;                 /* directory holding the file, or NULL for open_mem */
    char *file;                /* the file, or NULL for open_mem */
    lk_bm25__store store;      /* stored fields (v3), valid when has_store */
    bool has_store;
    lk_bm25__pos pos;          /* term positions (v4), valid when has_pos */
    bool has_pos;
    lk_bm25__segset *segs; /* a segmented index (bm25_segments.c): the fields above unused */
};

/* ---- opening ---------------------------------------------------------------------------- */

#define DICT_SAMPLE_BITS 6
#define DICT_SAMPLE ((uint64_t)1 << DICT_SAMPLE_BITS)

/* A term's first 8 bytes, big-endian, zero-padded: keys order as their terms do (a term
   before another has a key below or equal to the other's). */
static inline uint64_t term_key(const unsigned char *s, size_t len)
{
    uint64_t k = 0;
    for (size_t i = 0; i < 8; i++) k = k << 8 | (i < len ? s[i] : 0u);
    return k;
}

static lk_status bad(lk_error *err, const char *path, const char *what)
{
    return lk_error_set(err, LK_ERR_FORMAT, "%s: corrupt index (%s)", path, what);
}

/* Section [off, off + len) must lie inside the payload. */
static bool in_payload(uint64_t off, uint64_t len, uint64_t plen)
{
    return off <= plen && len <= plen - off;
}

static lk_status parse_payload(lk_bm25_index *x, const unsigned char *p, uint64_t plen,
                               uint32_t version, const char *path, lk_error *err)
{
    int n_meta = version >= 4 ? META_N_FIELDS : version == 3 ? META_N_FIELDS_V3 : META_N_FIELDS_V2;
    if (plen < 8u * (unsigned)n_meta) return bad(err, path, "header too short");
    uint64_t m[META_N_FIELDS] = {0};
    for (int i = 0; i < n_meta; i++) m[i] = lk_get_u64(p + 8u * (unsigned)i);
    uint64_t n_docs = m[META_N_DOCS], n_terms = m[META_N_TERMS];
    if (n_docs >= UINT32_MAX) return bad(err, path, "document count");
    if (n_terms > plen / DICT_ENTRY) return bad(err, path, "term count");
    if (!in_payload(m[META_SETTINGS_OFF], m[META_SETTINGS_LEN], plen) ||
        !in_payload(m[META_DOCLENS_OFF], n_docs * 4u, plen) ||
        !in_payload(m[META_IDOFFS_OFF], (n_docs + 1u) * 8u, plen) ||
        !in_payload(m[META_IDBLOB_OFF], m[META_IDBLOB_LEN], plen) ||
        !in_payload(m[META_DICT_OFF], n_terms * DICT_ENTRY, plen) ||
        !in_payload(m[META_TERMBLOB_OFF], m[META_TERMBLOB_LEN], plen) ||
        !in_payload(m[META_POST_OFF], m[META_POST_LEN], plen) ||
        !in_payload(m[META_STORE_OFF], m[META_STORE_LEN], plen) ||
        !in_payload(m[META_POS_OFF], m[META_POS_LEN], plen))
        return bad(err, path, "section out of bounds");
    if (version == 3 || (version >= 4 && m[META_STORE_LEN] > 0)) {
        lk_status st = lk_bm25__store_parse(p + m[META_STORE_OFF], m[META_STORE_LEN],
                                            (uint32_t)n_docs, &x->store, path, err);
        if (st != LK_OK) return st;
        x->has_store = true;
    }
    if (version >= 4) {
        lk_status st = lk_bm25__pos_parse(p + m[META_POS_OFF], m[META_POS_LEN], (uint32_t)n_docs,
                                          n_terms, &x->pos, path, err);
        if (st != LK_OK) return st;
        x->has_pos = true;
    }
    x->n_docs = (uint32_t)n_docs;
    x->n_terms = n_terms;
    x->total_len = m[META_TOTAL_LEN];
    x->settings = p + m[META_SETTINGS_OFF];
    x->settings_len = m[META_SETTINGS_LEN];
    x->doclens = p + m[META_DOCLENS_OFF];
    x->idoffs = p + m[META_IDOFFS_OFF];
    x->idblob = p + m[META_IDBLOB_OFF];
    x->idblob_len = m[META_IDBLOB_LEN];
    x->dict = p + m[META_DICT_OFF];
    x->termblob = p + m[META_TERMBLOB_OFF];
    x->termblob_len = m[META_TERMBLOB_LEN];
    x->post = p + m[META_POST_OFF];
    x->post_len = m[META_POST_LEN];

    uint64_t sum = 0, prev = 0;
    for (uint64_t d = 0; d < n_docs; d++) sum += lk_get_u32(x->doclens + 4 * d);
    if (sum != x->total_len) return bad(err, path, "document lengths");
    for (uint64_t d = 0; d <= n_docs; d++) {
        uint64_t o = lk_get_u64(x->idoffs + 8 * d);
        if (o < prev || o > x->idblob_len || (d == 0 && o != 0)) return bad(err, path, "doc ids");
        prev = o;
    }
    uint64_t prev_post = 0;
    x->n_skey = (n_terms + DICT_SAMPLE - 1) >> DICT_SAMPLE_BITS;
    if (x->n_skey && !(x->skey = malloc((size_t)x->n_skey * sizeof *x->skey)))
        return LK_ERR_NOMEM;
    for (uint64_t t = 0; t < n_terms; t++) {
        const unsigned char *e = x->dict + t * DICT_ENTRY;
        uint64_t toff = lk_get_u64(e), poff = lk_get_u64(e + 8);
        uint32_t df = lk_get_u32(e + 16), tlen = lk_get_u32(e + 20);
        if (!in_payload(toff, tlen, x->termblob_len) || df == 0 || df > n_docs ||
            poff < prev_post || poff >= x->post_len || (t == 0 && poff != 0))
            return bad(err, path, "dictionary");
        prev_post = poff;
        if (!(t & (DICT_SAMPLE - 1)))
            x->skey[t >> DICT_SAMPLE_BITS] = term_key(x->termblob + toff, tlen);
    }
    x->avgdl = n_docs ? (double)x->total_len / (double)n_docs : 0.0;
    return LK_OK;
}

static lk_status open_image(const unsigned char *buf, size_t n, const char *path,
                            lk_bm25_index *x, lk_error *err)
{
    const unsigned char *payload;
    uint64_t plen;
    uint32_t version;
    lk_status st = lk_envelope_check(buf, n, LK_BM25_INDEX_MAGIC, LK_BM25_INDEX_VERSION, path,
                                     &payload, &plen, &version, NULL, err);
    if (st != LK_OK) return st;
    if (version < LK_BM25_INDEX_VERSION_PLAIN) /* v1: varint postings */
        return lk_error_set(err, LK_ERR_FORMAT,
                            "%s: index format v%u is no longer read (this build reads v%u-v%u): "
                            "rebuild the index",
                            path, version, LK_BM25_INDEX_VERSION_PLAIN, LK_BM25_INDEX_VERSION);
    x->base = payload;
    return parse_payload(x, payload, plen, version, path, err);
}

lk_status lk_bm25_index_open_mem(const void *buf, size_t n, lk_bm25_index **out, lk_error *err)
{
    *out = NULL;
    lk_bm25_index *x = calloc(1, sizeof *x);
    if (!x) return LK_ERR_NOMEM;
    lk_status st = open_image(buf, n, "<memory>", x, err);
    if (st != LK_OK) {
        lk_bm25_index_free(x);
        return st;
    }
    *out = x;
    return LK_OK;
}

lk_status lk_bm25_index_open(const char *path, lk_bm25_index **out, lk_error *err)
{
    lk_status st;
    struct stat sb;
    char *file = NULL;
    int fd = -1;
    lk_bm25_index *x = NULL;
    *out = NULL;
    if (stat(path, &sb) != 0)
        return lk_error_set(err, LK_ERR_IO, "%s: %s", path, strerror(errno));
    if (S_ISDIR(sb.st_mode) && lk_bm25__segs_present(path)) {
        if (!(x = calloc(1, sizeof *x))) return LK_ERR_NOMEM;
        st = lk_bm25__segs_open(path, &x->segs, err);
        if (st == LK_OK && !(x->dir = strdup(path))) st = LK_ERR_NOMEM;
        if (st == LK_OK) {
            *out = x;
            return LK_OK;
        }
        lk_bm25_index_free(x);
        x = NULL;
        /* a full rebuild may have switched the directory meanwhile: then open it as that */
        if (lk_bm25__segs_present(path)) return st;
    }
    size_t plen = strlen(path);
    if (!(file = malloc(plen + sizeof LK_BM25_INDEX_FILE + 1))) return LK_ERR_NOMEM;
    if (S_ISDIR(sb.st_mode)) {
        memcpy(file, path, plen);
        file[plen] = '/';
        memcpy(file + plen + 1, LK_BM25_INDEX_FILE, sizeof LK_BM25_INDEX_FILE);
        if (access(file, F_OK) != 0) {
            st = lk_error_set(err, LK_ERR_FORMAT, "%s: not a lexkit index (no %s in it)", path,
                              LK_BM25_INDEX_FILE);
            goto fail;
        }
    } else {
        memcpy(file, path, plen + 1);
    }
    if ((fd = open(file, O_RDONLY)) < 0 || fstat(fd, &sb) != 0) {
        st = lk_error_set(err, LK_ERR_IO, "%s: %s", file, strerror(errno));
        goto fail;
    }
    if (!S_ISREG(sb.st_mode) || sb.st_size < (off_t)(LK_ENVELOPE_HEADER + 4)) {
        st = lk_error_set(err, LK_ERR_FORMAT, "%s: not a lexkit index (too short)", file);
        goto fail;
    }
    if (!(x = calloc(1, sizeof *x))) {
        st = LK_ERR_NOMEM;
        goto fail;
    }
    x->map_len = (size_t)sb.st_size;
    x->map = mmap(NULL, x->map_len, PROT_READ, MAP_PRIVATE, fd, 0);
    if (x->map == MAP_FAILED) {
        x->map = NULL;
        st = lk_error_set(err, LK_ERR_IO, "%s: mmap: %s", file, strerror(errno));
        goto fail;
    }
    if ((st = open_image(x->map, x->map_len, file, x, err)) != LK_OK) goto fail;
    const char *slash = strrchr(file, '/');
    size_t dlen = slash ? (size_t)(slash - file) + (slash == file) : 1;
    if (!(x->dir = malloc(dlen + 1))) {
        st = LK_ERR_NOMEM;
        goto fail;
    }
    memcpy(x->dir, slash ? file : ".", dlen);
    x->dir[dlen] = '\0';
    close(fd);
    x->file = file;
    *out = x;
    return LK_OK;
fail:
    if (fd >= 0) close(fd);
    free(file);
    lk_bm25_index_free(x);
    return st;
}

void lk_bm25_index_free(lk_bm25_index *idx)
{
    if (!idx) return;
    lk_bm25__segs_free(idx->segs);
    if (idx->map) munmap(idx->map, idx->map_len);
    free(idx->skey);
    free(idx->dir);
    free(idx->file);
    if (idx->has_store) lk_bm25__store_free(&idx->store);
    free(idx);
}

const char *lk_bm25__index_file(const lk_bm25_index *x) { return x->file ? x->file : "<memory>"; }

const lk_bm25__store *lk_bm25__index_store(const lk_bm25_index *x)
{
    return x->has_store ? &x->store : NULL;
}

const lk_bm25__pos *lk_bm25__index_pos(const lk_bm25_index *x)
{
    return x->has_pos ? &x->pos : NULL;
}

bool lk_bm25_index_has_positions(const lk_bm25_index *idx)
{
    size_t n = lk_bm25__index_n_segs(idx);
    for (size_t i = 0; i < n; i++)
        if (!lk_bm25__index_pos(lk_bm25__index_seg(idx, i, NULL, NULL))) return false;
    return true;
}

const struct lk_bm25__segset *lk_bm25__index_segs(const lk_bm25_index *idx) { return idx->segs; }

uint32_t lk_bm25_index_n_docs(const lk_bm25_index *idx)
{
    return idx->segs ? lk_bm25__segs_n_live(idx->segs) : idx->n_docs;
}

uint64_t lk_bm25_index_n_terms(const lk_bm25_index *idx)
{
    return idx->segs ? lk_bm25__segs_n_terms(idx->segs) : idx->n_terms;
}

double lk_bm25_index_avgdl(const lk_bm25_index *idx)
{
    return idx->segs ? lk_bm25__segs_avgdl(idx->segs) : idx->avgdl;
}

uint32_t lk_bm25_index_doc_end(const lk_bm25_index *idx)
{
    return idx->segs ? lk_bm25__segs_doc_end(idx->segs) : idx->n_docs;
}

bool lk_bm25_index_doc_live(const lk_bm25_index *idx, uint32_t doc)
{
    if (idx->segs) return lk_bm25__segs_doc_live(idx->segs, doc);
    return doc < idx->n_docs;
}

size_t lk_bm25_index_n_segments(const lk_bm25_index *idx)
{
    return idx->segs ? lk_bm25__segs_count(idx->segs) : 1;
}

const char *lk_bm25_index_doc_id(const lk_bm25_index *idx, uint32_t doc, size_t *len)
{
    if (idx->segs) return lk_bm25__segs_doc_id(idx->segs, doc, len);
    uint64_t a = lk_get_u64(idx->idoffs + 8u * (uint64_t)doc);
    uint64_t b = lk_get_u64(idx->idoffs + 8u * ((uint64_t)doc + 1));
    *len = (size_t)(b - a);
    return (const char *)idx->idblob + a;
}

uint32_t lk_bm25_index_doc_len(const lk_bm25_index *idx, uint32_t doc)
{
    if (idx->segs) return lk_bm25__segs_doc_len(idx->segs, doc);
    return lk_get_u32(idx->doclens + 4u * (uint64_t)doc);
}

const char *lk_bm25_index_settings(const lk_bm25_index *idx, size_t *len)
{
    if (idx->segs) return lk_bm25__segs_settings(idx->segs, len);
    *len = (size_t)idx->settings_len;
    return (const char *)idx->settings;
}

const char *lk_bm25_index_dir(const lk_bm25_index *idx) { return idx->dir; }

static int cmp_bytes(const char *a, size_t na, const char *b, size_t nb)
{
    int c = memcmp(a, b, na < nb ? na : nb);
    if (c) return c;
    return na < nb ? -1 : na > nb;
}

/* cmp_bytes for dictionary lookups, inline: terms are short and the binary search mostly
   compares terms that differ in their first bytes. */
static inline int cmp_term(const char *a, size_t na, const char *b, size_t nb)
{
    size_t n = na < nb ? na : nb;
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i]) return (unsigned char)a[i] < (unsigned char)b[i] ? -1 : 1;
    return na < nb ? -1 : na > nb;
}

/* Dictionary index of term, or -1. The first-level index (x->skey, in cache) narrows the
   search to the terms between two samples, usually one block of DICT_SAMPLE terms, before
   the binary search touches the mapped dictionary. */
static int64_t find_term(const lk_bm25_index *x, const char *s, size_t len)
{
    const uint64_t *sk = x->skey, ks = term_key((const unsigned char *)s, len);
    size_t a = 0, b = (size_t)x->n_skey;
    while (a < b) { /* b: the first sample whose key is above ks (its term is above s) */
        size_t mid = a + (b - a) / 2;
        if (sk[mid] <= ks) a = mid + 1;
        else b = mid;
    }
    uint64_t hi = (uint64_t)b << DICT_SAMPLE_BITS;
    if (hi > x->n_terms) hi = x->n_terms;
    if (b > 0 && sk[b - 1] == ks) { /* a: the first sample whose key is ks */
        a = 0;
        size_t e = b;
        while (a < e) {
            size_t mid = a + (e - a) / 2;
            if (sk[mid] < ks) a = mid + 1;
            else e = mid;
        }
    } else {
        a = b;
    }
    /* samples before a have keys below ks, so terms below s: s is after sample a - 1 */
    uint64_t lo = a ? ((uint64_t)(a - 1) << DICT_SAMPLE_BITS) + 1 : 0;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        const unsigned char *e = x->dict + mid * DICT_ENTRY;
        int c = cmp_term((const char *)x->termblob + lk_get_u64(e), lk_get_u32(e + 20), s, len);
        if (c == 0) return (int64_t)mid;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return -1;
}

uint64_t lk_bm25__index_total_len(const lk_bm25_index *x) { return x->total_len; }

uint64_t lk_bm25__index_n_terms(const lk_bm25_index *x) { return x->n_terms; }

uint64_t lk_bm25__index_lower_bound(const lk_bm25_index *x, const char *s, size_t len)
{
    uint64_t lo = 0, hi = x->n_terms;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        const unsigned char *e = x->dict + mid * DICT_ENTRY;
        if (cmp_term((const char *)x->termblob + lk_get_u64(e), lk_get_u32(e + 20), s, len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int64_t lk_bm25__index_find(const lk_bm25_index *idx, const char *term, size_t len)
{
    return find_term(idx, term, len);
}

uint32_t lk_bm25_index_df(const lk_bm25_index *idx, const char *term, size_t len)
{
    if (idx->segs) return lk_bm25__segs_df(idx->segs, term, len);
    int64_t t = find_term(idx, term, len);
    return t < 0 ? 0 : lk_get_u32(idx->dict + (uint64_t)t * DICT_ENTRY + 16);
}

/* Postings bytes of term t. */
static void term_postings(const lk_bm25_index *x, uint64_t t, const unsigned char **data,
                          size_t *len, uint32_t *df)
{
    const unsigned char *e = x->dict + t * DICT_ENTRY;
    uint64_t start = lk_get_u64(e + 8);
    uint64_t end = t + 1 < x->n_terms ? lk_get_u64(e + DICT_ENTRY + 8) : x->post_len;
    *data = x->post + start;
    *len = (size_t)(end - start);
    *df = lk_get_u32(e + 16);
}

void lk_bm25__index_term(const lk_bm25_index *x, uint64_t t, const char **s, size_t *len,
                         const unsigned char **post, size_t *post_len, uint32_t *df)
{
    const unsigned char *e = x->dict + t * DICT_ENTRY;
    *s = (const char *)x->termblob + lk_get_u64(e);
    *len = lk_get_u32(e + 20);
    term_postings(x, t, post, post_len, df);
}

/* ---- searching ------------------------------------------------------------------------------ */

lk_bm25_search_opts lk_bm25_search_opts_default(void)
{
    lk_bm25_search_opts o;
    o.params = lk_bm25_params_default();
    o.k = 10;
    o.exhaustive = false;
    o.accept = NULL;
    o.accept_user = NULL;
    return o;
}

#define WINDOW_BITS 12
#define WINDOW ((uint32_t)1 << WINDOW_BITS) /* documents per MaxScore accumulation window */
#define WINDOW_MIN 128u                        /* the first window; sizes double up to WINDOW */

typedef struct {
    uint64_t term;  /* dictionary index */
    uint32_t qtf;   /* times the term occurs in the query */
    size_t at;      /* its first position in the query */
    double weight;  /* qtf * idf */
    double ub;      /* upper bound of the term's contribution */
    double okey;    /* scoring-order key: ub, or the collection's ub for a segment */
    uint32_t bb_last; /* MaxScore: last doc of the block whose bound is bb (0: none yet) */
    double bb;
    lk_postings_cursor cur;
} qterm;

/* A resolved query term: dictionary index and position in the query. */
typedef struct {
    uint64_t term;
    size_t at;
} term_ref;

struct lk_bm25_ws {
    const lk_bm25_index *idx;
    lk_bm25__segws *segws;      /* a segmented index's per-segment workspaces (else NULL) */
    double n_docs, avgdl;       /* collection statistics of the current search */
    const uint64_t *deleted;    /* deleted-document bitmap of the current search, or NULL */
    double floor;               /* scores below it cannot enter the top k (other segments
                                   already hold k better documents); -inf for one file */
    bool (*accept)(void *, uint32_t); /* the search's filter (opts), or NULL */
    void *accept_user;
    uint32_t doc_base;          /* added to doc numbers given to accept */
    double *norm;               /* per-document length factor for the cached params */
    lk_bm25_params norm_params;
    double norm_avgdl;
    bool norm_valid;
    double *acc;                /* exhaustive accumulators (lazy) */
    uint8_t *seen;              /* doc already in touched[] */
    uint32_t *touched;
    size_t n_touched;
    qterm *qt;                  /* unique query terms, canonical order (by dictionary index) */
    size_t qt_cap;
    term_ref *tids;
    size_t tids_cap;
    size_t *order;              /* qt indexes in scoring order (ub descending) */
    double *rest;               /* rest[i]: sum of ub of order[i..m) */
    double *wacc;               /* MaxScore window accumulators (WINDOW) */
    uint64_t *wbits;            /* and their touched bits */
    lk_bm25_hit *heap;          /* min-heap of the current top-k (worst at 0) */
    size_t heap_n, heap_cap;
};

lk_status lk_bm25_ws_create(const lk_bm25_index *idx, lk_bm25_ws **out)
{
    *out = NULL;
    lk_bm25_ws *ws = calloc(1, sizeof *ws);
    if (!ws) return LK_ERR_NOMEM;
    ws->idx = idx;
    if (idx->segs) {
        lk_status st = lk_bm25__segws_create(idx->segs, &ws->segws);
        if (st != LK_OK) {
            free(ws);
            return st;
        }
        *out = ws;
        return LK_OK;
    }
    ws->norm = malloc(((size_t)idx->n_docs + 1) * sizeof *ws->norm);
    ws->wacc = calloc(WINDOW, sizeof *ws->wacc);
    ws->wbits = calloc(WINDOW / 64, sizeof *ws->wbits);
    if (!ws->norm || !ws->wacc || !ws->wbits) {
        lk_bm25_ws_free(ws);
        return LK_ERR_NOMEM;
    }
    *out = ws;
    return LK_OK;
}

void lk_bm25_ws_free(lk_bm25_ws *ws)
{
    if (!ws) return;
    lk_bm25__segws_free(ws->segws);
    free(ws->norm);
    free(ws->acc);
    free(ws->seen);
    free(ws->touched);
    free(ws->qt);
    free(ws->tids);
    free(ws->order);
    free(ws->rest);
    free(ws->wacc);
    free(ws->wbits);
    free(ws->heap);
    free(ws);
}

static void ensure_norms(lk_bm25_ws *ws, const lk_bm25_params *p)
{
    if (ws->norm_valid && ws->norm_params.variant == p->variant && ws->norm_params.k1 == p->k1 &&
        ws->norm_params.b == p->b && ws->norm_avgdl == ws->avgdl)
        return;
    const lk_bm25_index *x = ws->idx;
    for (uint32_t d = 0; d < x->n_docs; d++)
        ws->norm[d] = lk_bm25_norm(p, lk_get_u32(x->doclens + 4u * (uint64_t)d), ws->avgdl);
    ws->norm_params = *p;
    ws->norm_avgdl = ws->avgdl;
    ws->norm_valid = true;
}

/* a ranks below b: lower score, or equal score and larger id (bytewise). */
static inline bool worse(const lk_bm25_index *x, const lk_bm25_hit *a, const lk_bm25_hit *b)
{
    if (a->score != b->score) return a->score < b->score;
    size_t la, lb;
    const char *ia = lk_bm25_index_doc_id(x, a->doc, &la);
    const char *ib = lk_bm25_index_doc_id(x, b->doc, &lb);
    return cmp_bytes(ia, la, ib, lb) > 0;
}

/* Restore the heap below i, bottom-up (Floyd): the hole goes down to a leaf along the worse
   children (one comparison a level), then h[i]'s old value climbs back up to its place, which
   for a replaced root is usually near the bottom. */
static void sift_down(const lk_bm25_index *x, lk_bm25_hit *h, size_t n, size_t i)
{
    lk_bm25_hit v = h[i];
    size_t top = i;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && worse(x, &h[c + 1], &h[c])) c++;
        h[i] = h[c];
        i = c;
    }
    while (i > top) {
        size_t p = (i - 1) / 2;
        if (!worse(x, &v, &h[p])) break;
        h[i] = h[p];
        i = p;
    }
    h[i] = v;
}

/* Offer a scored document to the top-k heap (k = heap_cap); deleted documents and scores below
   the floor are refused. */
static void heap_offer(lk_bm25_ws *ws, uint32_t doc, double score)
{
    if (score < ws->floor || (ws->deleted && (ws->deleted[doc >> 6] >> (doc & 63)) & 1)) return;
    lk_bm25_hit hit = {doc, score};
    lk_bm25_hit *h = ws->heap;
    if (ws->heap_n < ws->heap_cap) {
        if (ws->accept && !ws->accept(ws->accept_user, ws->doc_base + doc)) return;
        size_t i = ws->heap_n++;
        h[i] = hit;
        while (i > 0) {
            size_t p = (i - 1) / 2;
            if (!worse(ws->idx, &h[i], &h[p])) break;
            lk_bm25_hit t = h[i];
            h[i] = h[p];
            h[p] = t;
            i = p;
        }
        return;
    }
    if (ws->heap_cap == 0 || score < h[0].score || !worse(ws->idx, &h[0], &hit)) return;
    if (ws->accept && !ws->accept(ws->accept_user, ws->doc_base + doc)) return;
    h[0] = hit;
    sift_down(ws->idx, h, ws->heap_n, 0);
}

/* Score needed to enter the heap (the floor, -inf for a one-file index, while it is not
   full). */
static double threshold(const lk_bm25_ws *ws)
{
    if (ws->heap_n < ws->heap_cap) return ws->floor;
    return ws->heap[0].score > ws->floor ? ws->heap[0].score : ws->floor;
}

/* Sort the heap into the result order (best first). */
static void heap_finish(lk_bm25_ws *ws)
{
    size_t n = ws->heap_n;
    while (n > 1) {
        lk_bm25_hit t = ws->heap[0];
        ws->heap[0] = ws->heap[n - 1];
        ws->heap[n - 1] = t;
        n--;
        sift_down(ws->idx, ws->heap, n, 0);
    }
}

/* Sort by dictionary index, then position. Insertion sort (queries are short), Shell gaps
   first for long ones; (term, at) pairs are distinct, so the order is unique. */
static void sort_term_refs(term_ref *r, size_t n)
{
    static const size_t gaps[] = {57, 23, 10, 4, 1};
    for (size_t g = 0; g < sizeof gaps / sizeof gaps[0]; g++) {
        size_t h = gaps[g];
        if (h > 1 && n < 4 * h) continue;
        for (size_t i = h; i < n; i++) {
            term_ref v = r[i];
            size_t j = i;
            while (j >= h && (r[j - h].term > v.term ||
                              (r[j - h].term == v.term && r[j - h].at > v.at))) {
                r[j] = r[j - h];
                j -= h;
            }
            r[j] = v;
        }
    }
}

/* The largest tf part over a term's bound summary. */
static double frontier_best(const lk_tf_dl *pairs, size_t np, const lk_bm25_params *p,
                            double avgdl)
{
    double b = 0.0;
    for (size_t j = 0; j < np; j++) {
        double v = lk_bm25_tf_part(p, pairs[j].tf, lk_bm25_norm(p, pairs[j].dl, avgdl));
        if (v > b) b = v;
    }
    return b;
}

bool lk_bm25__term_best(const lk_bm25_index *x, uint64_t t, const lk_bm25_params *p,
                        double avgdl, double *best)
{
    const unsigned char *data;
    size_t len;
    uint32_t df;
    term_postings(x, t, &data, &len, &df);
    lk_tf_dl pairs[LK_POSTINGS_MAX_FRONTIER];
    size_t np = 0;
    if (!lk_postings_frontier(data, len, pairs, &np)) return false;
    *best = frontier_best(pairs, np, p, avgdl);
    return true;
}

/* Resolve query terms into ws->qt (unique, canonical order) with weights and bounds. g: the
   collection's statistics for a segment of a segmented index, or NULL. */
static lk_status prepare_terms(lk_bm25_ws *ws, const lk_term *terms, size_t n_terms,
                               const lk_bm25_params *p, const lk_bm25__global *g, size_t *n_qt)
{
    const uint32_t *gdf = g ? g->df : NULL;
    const lk_bm25_index *x = ws->idx;
    size_t n = 0;
    lk_status st;
    if (n_terms > ws->tids_cap) {
        void *t = ws->tids;
        if ((st = lk_grow(&t, &ws->tids_cap, n_terms, sizeof *ws->tids)) != LK_OK) return st;
        ws->tids = t;
    }
    for (size_t i = 0; i < n_terms; i++) {
        int64_t t = find_term(x, terms[i].s, terms[i].len);
        if (t >= 0 && (!gdf || gdf[i] > 0)) ws->tids[n++] = (term_ref){(uint64_t)t, i};
    }
    sort_term_refs(ws->tids, n);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || ws->tids[i].term != ws->tids[i - 1].term) m++;
    if (m > ws->qt_cap) {
        size_t cap = m;
        qterm *q = realloc(ws->qt, cap * sizeof *q);
        size_t *o = realloc(ws->order, cap * sizeof *o);
        if (q) ws->qt = q;
        if (o) ws->order = o;
        double *pre = realloc(ws->rest, (cap + 1) * sizeof *pre);
        if (pre) ws->rest = pre;
        if (!q || !o || !pre) return LK_ERR_NOMEM;
        ws->qt_cap = cap;
    }
    m = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && ws->tids[i].term == ws->tids[i - 1].term) {
            ws->qt[m - 1].qtf++;
            continue;
        }
        ws->qt[m].term = ws->tids[i].term;
        ws->qt[m].qtf = 1;
        ws->qt[m].at = ws->tids[i].at;
        m++;
    }
    for (size_t i = 0; i < m; i++) {
        qterm *q = &ws->qt[i];
        const unsigned char *data;
        size_t len;
        uint32_t df;
        term_postings(x, q->term, &data, &len, &df);
        q->weight = q->qtf * lk_bm25_idf(p->variant, ws->n_docs, (double)(gdf ? gdf[q->at] : df));
        lk_tf_dl pairs[LK_POSTINGS_MAX_FRONTIER];
        size_t np = 0;
        size_t slack = (size_t)(x->post + x->post_len - (data + len)); /* the next lists */
        if (!lk_postings_cursor_init_frontier(&q->cur, data, len, slack, df, x->n_docs, pairs,
                                              &np))
            return LK_ERR_FORMAT;
        q->ub = q->weight * frontier_best(pairs, np, p, ws->avgdl);
        /* segments order terms by the collection's bound, as a one-file index would */
        q->okey = g ? q->weight * g->best[q->at] : q->ub;
    }
    *n_qt = m;
    return LK_OK;
}

/* Terms in scoring order: by upper bound descending (then dictionary order; for a segment
   of a segmented index, the collection's bound, so that every segment and a one-file index
   of the same documents use the same order). Every path adds a document's contributions in
   this order, so all paths give bitwise-equal scores. */
static void order_terms(lk_bm25_ws *ws, size_t m)
{
    qterm *qt = ws->qt;
    size_t *ord = ws->order;
    for (size_t i = 0; i < m; i++) ord[i] = i;
    for (size_t i = 1; i < m; i++) { /* insertion sort: m is small */
        size_t v = ord[i], j = i;
        while (j > 0 && (qt[ord[j - 1]].okey < qt[v].okey ||
                         (qt[ord[j - 1]].okey == qt[v].okey && ord[j - 1] > v))) {
            ord[j] = ord[j - 1];
            j--;
        }
        ord[j] = v;
    }
}

#define TFP(tf, norm) lk_bm25_tf_part_d(variant, k1, delta, (double)(tf), (norm))

/* Reference path: score every posting of every query term (term at a time). */
static lk_status search_exhaustive(lk_bm25_ws *ws, size_t m, const lk_bm25_params *p)
{
    const lk_bm25_variant variant = p->variant;
    const double k1 = p->k1, delta = lk_bm25_delta(p);
    const lk_bm25_index *x = ws->idx;
    if (!ws->acc) {
        ws->acc = calloc((size_t)x->n_docs + 1, sizeof *ws->acc);
        ws->seen = calloc((size_t)x->n_docs + 1, 1);
        ws->touched = malloc(((size_t)x->n_docs + 1) * sizeof *ws->touched);
        if (!ws->acc || !ws->seen || !ws->touched) return LK_ERR_NOMEM;
    }
    order_terms(ws, m);
    ws->n_touched = 0;
    bool corrupt = false;
    for (size_t i = 0; i < m; i++) {
        qterm *q = &ws->qt[ws->order[i]];
        for (; q->cur.doc != LK_DOC_END; lk_postings_next(&q->cur)) {
            uint32_t d = q->cur.doc;
            if (!ws->seen[d]) {
                ws->seen[d] = 1;
                ws->touched[ws->n_touched++] = d;
            }
            ws->acc[d] += q->weight * TFP(q->cur.tf, ws->norm[d]);
        }
        corrupt |= q->cur.bad;
    }
    for (size_t i = 0; i < ws->n_touched; i++) {
        uint32_t d = ws->touched[i];
        if (!corrupt) heap_offer(ws, d, ws->acc[d]);
        ws->acc[d] = 0.0;
        ws->seen[d] = 0;
    }
    return corrupt ? LK_ERR_FORMAT : LK_OK;
}

/* Safety margin for comparing bounds (summed in another order) with the threshold. */
static double margin(double theta)
{
    return 1e-9 * (fabs(theta) + 1e-300);
}

/* Number of non-essential terms: the longest suffix of the scoring order (smallest bounds)
   whose bounds sum (ws->rest[j] = sum of bounds of terms j..m-1) stays below theta; returns
   the index of the first non-essential term. */
static size_t first_nonessential(const lk_bm25_ws *ws, size_t m, double theta)
{
    if (theta == -HUGE_VAL) return m;
    double lim = theta - margin(theta);
    size_t j = m;
    while (j > 0 && ws->rest[j - 1] < lim) j--;
    return j;
}

/* MaxScore (Turtle & Flood) with windowed term-at-a-time accumulation of the essential
   terms (the largest bounds): documents are processed in windows of WINDOW ids; the
   essential lists are added into a window accumulator, then each touched document whose
   bound (accumulated score + bounds of the non-essential terms) can still enter the top k
   has the non-essential terms probed, largest bound first, each after a check of its
   block's bound. Contributions are added in scoring order, as in the exhaustive path. */
static inline __attribute__((always_inline)) lk_status
maxscore(lk_bm25_ws *ws, size_t m, const lk_bm25_params *p, const lk_bm25_variant variant)
{
    const double k1 = p->k1, delta = lk_bm25_delta(p), avgdl = ws->avgdl;
    const double nscale = variant == LK_BM25_BM25L ? 1.0 : k1, b = p->b;
#define NORM(dl) (nscale * (1.0 - b + (avgdl > 0.0 ? b * (double)(dl) / avgdl : 0.0)))
    order_terms(ws, m);
    qterm *qt = ws->qt;
    const size_t *ord = ws->order;
    double run = 0.0;
    ws->rest[m] = 0.0;
    for (size_t i = m; i-- > 0;) ws->rest[i] = (run += qt[ord[i]].ub);
    double *acc = ws->wacc;
    uint64_t *bits = ws->wbits;
    for (size_t i = 0; i < m; i++) { /* no block bound cached: the list's bound holds for doc 0 */
        qt[i].bb_last = 0;
        qt[i].bb = qt[i].ub;
    }
    double theta = threshold(ws);
    double lim = theta - margin(theta);
    size_t ne = first_nonessential(ws, m, theta); /* terms ord[0..ne) are essential */
    uint32_t wsize = WINDOW_MIN;
    for (;;) {
        uint32_t d0 = LK_DOC_END;
        for (size_t i = 0; i < ne; i++)
            if (qt[ord[i]].cur.doc < d0) d0 = qt[ord[i]].cur.doc;
        if (d0 == LK_DOC_END) break;
        /* windows start small, so a k-th score (and non-essential terms) is found early */
        uint32_t base = d0, end = base + wsize < base ? LK_DOC_END : base + wsize;
        if (wsize < WINDOW) wsize *= 2;
        for (size_t i = 0; i < ne; i++) {
            qterm *q = &qt[ord[i]];
            const double w = q->weight;
            while (q->cur.doc < end) { /* a decoded block at a time */
                const uint32_t *dd, *tt;
                uint32_t n = lk_postings_bulk(&q->cur, &dd, &tt), j = 0;
                for (; j < n && dd[j] < end; j++) {
                    uint32_t o = dd[j] - base;
                    bits[o >> 6] |= (uint64_t)1 << (o & 63);
                    acc[o] += w * TFP(tt[j], ws->norm[dd[j]]);
                }
                lk_postings_bulk_skip(&q->cur, j);
                if (j < n || !n) break;
            }
        }
        const double ne_bound = ws->rest[ne];
        for (uint32_t wi = 0; wi < WINDOW / 64 && wi * 64 < end - base; wi++) {
            uint64_t word = bits[wi];
            bits[wi] = 0;
            while (word) {
                uint32_t o = (wi << 6) | (uint32_t)__builtin_ctzll(word);
                word &= word - 1;
                double sc = acc[o];
                acc[o] = 0.0;
                if (sc + ne_bound < lim) continue;
                uint32_t d = base + o;
                double nd = ws->norm[d];
                bool alive = true;
                for (size_t i = ne; i < m; i++) {
                    if (sc + ws->rest[i] < lim) {
                        alive = false;
                        break;
                    }
                    qterm *q = &qt[ord[i]];
                    if (q->cur.doc < d) { /* block bound first: maybe no need to decode */
                        if (d > q->bb_last) { /* past the block of the cached bound */
                            uint32_t btf, bdl, blast;
                            if (lk_postings_block_at(&q->cur, d, &btf, &bdl, &blast)) {
                                q->bb = q->weight * TFP(btf, NORM(bdl));
                                q->bb_last = blast;
                            } else {
                                q->bb = 0.0;
                                q->bb_last = LK_DOC_END;
                            }
                        }
                        if (sc + q->bb + ws->rest[i + 1] < lim) {
                            alive = false;
                            break;
                        }
                        lk_postings_advance(&q->cur, d);
                    }
                    if (q->cur.doc == d) sc += q->weight * TFP(q->cur.tf, nd);
                }
                if (!alive) continue;
                heap_offer(ws, d, sc);
                theta = threshold(ws);
                lim = theta - margin(theta);
            }
        }
        ne = first_nonessential(ws, m, theta);
    }
#undef NORM
    for (size_t i = 0; i < m; i++)
        if (qt[i].cur.bad) return LK_ERR_FORMAT;
    return LK_OK;
}

/* MaxScore with the variant a constant in the inner loops (lucene and robertson share the
   tf part and the length normalization). */
static lk_status search_maxscore(lk_bm25_ws *ws, size_t m, const lk_bm25_params *p)
{
    switch (p->variant) {
    case LK_BM25_LUCENE:
    case LK_BM25_ROBERTSON: return maxscore(ws, m, p, LK_BM25_LUCENE);
    case LK_BM25_ATIRE: return maxscore(ws, m, p, LK_BM25_ATIRE);
    case LK_BM25_BM25L: return maxscore(ws, m, p, LK_BM25_BM25L);
    case LK_BM25_BM25PLUS: return maxscore(ws, m, p, LK_BM25_BM25PLUS);
    }
    return maxscore(ws, m, p, p->variant);
}

lk_status lk_bm25_search_terms(const lk_bm25_index *idx, lk_bm25_ws *ws, const lk_term *terms,
                               size_t n_terms, const lk_bm25_search_opts *opts,
                               const lk_bm25_hit **hits, size_t *n_hits, lk_error *err)
{
    *hits = NULL;
    *n_hits = 0;
    if (ws->idx != idx)
        return lk_error_set(err, LK_ERR_ARG, "workspace was created for another index");
    if (idx->segs)
        return lk_bm25__segs_search(idx->segs, ws->segws, terms, n_terms, opts, hits, n_hits, err);
    return lk_bm25__search_segment(idx, ws, terms, n_terms, opts, NULL, hits, n_hits, err);
}

lk_status lk_bm25__search_segment(const lk_bm25_index *idx, lk_bm25_ws *ws, const lk_term *terms,
                                  size_t n_terms, const lk_bm25_search_opts *opts,
                                  const lk_bm25__global *g, const lk_bm25_hit **hits,
                                  size_t *n_hits, lk_error *err)
{
    lk_status st;
    *hits = NULL;
    *n_hits = 0;
    if ((st = lk_bm25_params_check(&opts->params, err)) != LK_OK) return st;
    ws->n_docs = g ? g->n_docs : (double)idx->n_docs;
    ws->avgdl = g ? g->avgdl : idx->avgdl;
    ws->deleted = g ? g->deleted : NULL;
    ws->floor = g ? g->floor : -HUGE_VAL;
    ws->doc_base = g ? g->doc_base : 0;
    ws->accept = opts->accept;
    ws->accept_user = opts->accept_user;
    size_t k = opts->k;
    if (k > idx->n_docs) k = idx->n_docs;
    if (k > ws->heap_cap || !ws->heap) {
        lk_bm25_hit *h = realloc(ws->heap, (k ? k : 1) * sizeof *h);
        if (!h) return LK_ERR_NOMEM;
        ws->heap = h;
    }
    ws->heap_cap = k;
    ws->heap_n = 0;
    *hits = ws->heap; /* valid (empty) even when nothing matches */
    size_t m = 0;
    st = prepare_terms(ws, terms, n_terms, &opts->params, g, &m);
    if (st == LK_ERR_FORMAT) return lk_error_set(err, st, "corrupt index (postings)");
    if (st != LK_OK) return st;
    if (m == 0 || k == 0) return LK_OK;
    ensure_norms(ws, &opts->params);
    st = opts->exhaustive ? search_exhaustive(ws, m, &opts->params)
                          : search_maxscore(ws, m, &opts->params);
    if (st == LK_ERR_FORMAT) return lk_error_set(err, st, "corrupt index (postings)");
    if (st != LK_OK) return st;
    heap_finish(ws);
    *hits = ws->heap;
    *n_hits = ws->heap_n;
    return LK_OK;
}
