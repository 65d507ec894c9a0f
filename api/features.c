/* features.c: the public vectorizer (include/lexkit/features.h) over features/bow and
   features/tfidf. The fitted vocabulary (terms, df, document count) is kept here, so a
   vectorizer fitted from documents and one given a saved vocabulary transform alike. */
#include "include/lexkit/features.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_internal.h"
#include "features/features_internal.h" /* lk_bow_drain_into */
#include "features/sparse/bow.h"
#include "features/sparse/sparse.h"
#include "features/sparse/tfidf.h"

struct lexkit_vectorizer {
    lexkit_vectorizer_config pub;
    lk_bow_config bow;
    lk_tfidf_config tfidf;
    char *stop_blob;        /* the config's stop word list, copied: the words back to back, */
    const char **stop_ptr;  /* each NUL-terminated, and pointers to them (bow.stop_words) */
    char *fixed_blob;       /* the config's vocabulary, copied: the terms back to back, */
    const char **fixed_ptr; /* pointers to them and their lengths (n_fixed; 0 = none) */
    size_t *fixed_len;
    size_t n_fixed;
    int32_t n_terms;        /* 0 = not fitted */
    void *vocab;            /* one block holding df, idf, off, term_ptr, term_len and blob */
    char *blob;             /* the terms, back to back */
    size_t *off;            /* n_terms + 1 offsets into blob */
    const char **term_ptr;  /* n_terms pointers into blob (for lk_bow_set_vocab) */
    size_t *term_len;
    int64_t *df;
    int64_t n_docs;
    double *idf;            /* NULL without idf */
    char *pruned;           /* the terms the fit's min_df/max_df/max_features left out: */
    size_t *pruned_off;     /* n_pruned + 1 offsets into pruned (NULL: none) */
    size_t n_pruned;
    /* a fit in progress (fit_begin .. fit_end) */
    lk_bow *fit[2];         /* fit[1]: the second thread's, drained into fit[0] each round */
    lk_bow_idmap map;
    size_t fit_docs;        /* documents added so far (for messages) */
    lk_status fit_st;       /* the first failure of fit_add, kept for fit_end */
    lk_error fit_err;
};

#define ROUND_BYTES ((size_t)4 << 20) /* text counted per round on two threads */
#define MIN_SPLIT_BYTES ((size_t)64 << 10) /* smaller batches stay on one thread */
/* Entries reserved for a fit's count matrix up front: address space only (untouched pages
   cost nothing), but blocks this large (36 and 72 MB) are mmapped by malloc, so that growing
   them later is an mremap, never a copy (smaller ones may sit in the heap, where realloc
   copies: 11% of a 55 MB fit's time). fit_end shrinks the arrays to the entries kept. */
#define FIT_RESERVE ((size_t)9 << 20)

LK_API lexkit_vectorizer_config lexkit_vectorizer_config_default(void)
{
    lexkit_vectorizer_config c;
    memset(&c, 0, sizeof c);
    c.analyzer = LEXKIT_WORD;
    c.ngram_min = c.ngram_max = 1;
    c.lowercase = 1;
    c.min_df.value = 1;
    c.min_df.is_count = 1;
    c.max_df.value = 1.0;
    c.use_idf = c.smooth_idf = 1;
    c.norm = LEXKIT_NORM_L2;
    return c;
}

static void unfit(lexkit_vectorizer *v)
{
    free(v->vocab);
    v->vocab = NULL;
    v->blob = NULL;
    v->off = NULL;
    v->term_ptr = NULL;
    v->term_len = NULL;
    v->df = NULL;
    v->idf = NULL;
    v->n_terms = 0;
    v->n_docs = 0;
    free(v->pruned);
    free(v->pruned_off);
    v->pruned = NULL;
    v->pruned_off = NULL;
    v->n_pruned = 0;
}

/* LEXKIT_OK, or LEXKIT_ERR_ARG naming the field of c's stop word list that is wrong. */
static lexkit_status stop_words_check(const lexkit_vectorizer_config *c, lexkit_error *err)
{
    if (!c->n_stop_words) return LEXKIT_OK;
    if (!c->stop_words)
        return lk_api_set(err, LEXKIT_ERR_ARG, "stop_words: NULL with n_stop_words %zu",
                          c->n_stop_words);
    if (c->stop_words_english)
        return lk_api_set(err, LEXKIT_ERR_ARG,
                          "stop_words: give stop_words_english or a list of words, not both");
    for (size_t i = 0; i < c->n_stop_words; i++)
        if (!c->stop_words[i]) return lk_api_set(err, LEXKIT_ERR_ARG, "stop_words[%zu]: NULL", i);
    return LEXKIT_OK;
}

/* Copy words[0..n) into v (stop_blob, stop_ptr). */
static lk_status copy_stop_words(lexkit_vectorizer *v, const char *const *words, size_t n)
{
    size_t bytes = 0, ptrs;
    for (size_t i = 0; i < n; i++)
        if (lk_add_size(bytes, strlen(words[i]) + 1, &bytes) != LK_OK) return LK_ERR_RANGE;
    if (lk_mul_size(n, sizeof *v->stop_ptr, &ptrs) != LK_OK) return LK_ERR_RANGE;
    v->stop_blob = malloc(bytes ? bytes : 1);
    v->stop_ptr = malloc(ptrs ? ptrs : 1);
    if (!v->stop_blob || !v->stop_ptr) return LK_ERR_NOMEM;
    char *at = v->stop_blob;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(words[i]) + 1;
        memcpy(at, words[i], len);
        v->stop_ptr[i] = at;
        at += len;
    }
    return LK_OK;
}

/* Copy the vocabulary terms[0..n) (lens[i] bytes each) into v (fixed_*). */
static lk_status copy_fixed(lexkit_vectorizer *v, const char *const *terms, const size_t *lens,
                            size_t n)
{
    size_t bytes = 0, ptrs, sizes;
    for (size_t i = 0; i < n; i++)
        if (lk_add_size(bytes, lens[i], &bytes) != LK_OK) return LK_ERR_RANGE;
    if (lk_mul_size(n, sizeof *v->fixed_ptr, &ptrs) != LK_OK ||
        lk_mul_size(n, sizeof *v->fixed_len, &sizes) != LK_OK)
        return LK_ERR_RANGE;
    v->fixed_blob = malloc(bytes ? bytes : 1);
    v->fixed_ptr = malloc(ptrs ? ptrs : 1);
    v->fixed_len = malloc(sizes ? sizes : 1);
    if (!v->fixed_blob || !v->fixed_ptr || !v->fixed_len) return LK_ERR_NOMEM;
    char *at = v->fixed_blob;
    for (size_t i = 0; i < n; i++) {
        if (lens[i]) memcpy(at, terms[i], lens[i]);
        v->fixed_ptr[i] = at;
        v->fixed_len[i] = lens[i];
        at += lens[i];
    }
    v->n_fixed = n;
    return LK_OK;
}

/* LEXKIT_OK, or LEXKIT_ERR_ARG naming what is wrong with c's vocabulary for the counting
   config b (a duplicate term, a term b's analyzer cannot produce). */
static lexkit_status vocabulary_check(const lexkit_vectorizer_config *c, const lk_bow_config *b,
                                      lexkit_error *err)
{
    if (!c->vocabulary && !c->n_vocabulary) return LEXKIT_OK;
    if (!c->vocabulary || !c->vocabulary_lens)
        return lk_api_set(err, LEXKIT_ERR_ARG, "vocabulary: NULL with n_vocabulary %zu",
                          c->n_vocabulary);
    if (!c->n_vocabulary) return lk_api_set(err, LEXKIT_ERR_ARG, "vocabulary: empty");
    for (size_t i = 0; i < c->n_vocabulary; i++)
        if (!c->vocabulary[i] && c->vocabulary_lens[i])
            return lk_api_set(err, LEXKIT_ERR_ARG, "vocabulary[%zu]: NULL", i);
    lk_error e;
    lk_error_clear(&e);
    lk_bow *probe = NULL;
    lk_status st = lk_bow_create(b, &probe);
    if (st == LK_OK)
        st = lk_bow_set_vocab(probe, c->vocabulary, c->vocabulary_lens, c->n_vocabulary, NULL, 0,
                              &e);
    lk_bow_free(probe);
    if (st == LK_OK) return LEXKIT_OK;
    if (st == LK_ERR_NOMEM) return lk_api_set(err, LEXKIT_ERR_NOMEM, "out of memory");
    return lk_api_set(err, LEXKIT_ERR_ARG, "vocabulary: %s", e.msg);
}

LK_API lexkit_status lexkit_vectorizer_create(const lexkit_vectorizer_config *c,
                                              lexkit_vectorizer **out, lexkit_error *err)
{
    if (!c || !out) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    *out = NULL;
    if (c->analyzer < LEXKIT_WORD || c->analyzer > LEXKIT_CHAR_WB)
        return lk_api_set(err, LEXKIT_ERR_ARG, "analyzer: unknown value %d", (int)c->analyzer);
    if (c->norm < LEXKIT_NORM_L2 || c->norm > LEXKIT_NORM_NONE)
        return lk_api_set(err, LEXKIT_ERR_ARG, "norm: unknown value %d", (int)c->norm);
    if (c->max_features < 0)
        return lk_api_set(err, LEXKIT_ERR_ARG, "max_features: must be >= 0, got %d",
                          (int)c->max_features);
    if (c->threads < 0 || c->threads > 2)
        return lk_api_set(err, LEXKIT_ERR_ARG, "threads: must be 1 or 2 (0 = 1), got %d",
                          (int)c->threads);
    lexkit_status pst = stop_words_check(c, err);
    if (pst != LEXKIT_OK) return pst;
    lk_bow_config b = lk_bow_config_default();
    b.analyzer = (lk_bow_analyzer)c->analyzer;
    b.ngram_min = c->ngram_min;
    b.ngram_max = c->ngram_max;
    b.lower = c->lowercase != 0;
    b.tokenizer = LK_TOKMODE_SKLEARN;
    b.min_df.value = c->min_df.value;
    b.min_df.is_count = c->min_df.is_count != 0;
    b.max_df.value = c->max_df.value;
    b.max_df.is_count = c->max_df.is_count != 0;
    b.max_features = c->max_features;
    b.binary = c->binary != 0;
    b.threads = c->threads == 2 ? 2 : 1;
    if (c->stop_words_english) b.stop_words = lk_stop_words_english(&b.n_stop_words);
    lk_error e;
    lk_error_clear(&e);
    lk_status st = lk_bow_config_check(&b, &e);
    if (st != LK_OK) return lk_api_err(err, st, &e);
    if (c->terms_given) { /* the caller analyzed the documents: count their terms as given */
        b.given_terms = true;
        b.analyzer = LK_ANALYZER_WORD;
        b.ngram_min = b.ngram_max = 1;
        b.lower = false;
        b.stop_words = NULL;
        b.n_stop_words = 0;
    }
    if ((pst = vocabulary_check(c, &b, err)) != LEXKIT_OK) return pst;
    lexkit_vectorizer *v = calloc(1, sizeof *v);
    if (!v) return lk_api_set(err, LEXKIT_ERR_NOMEM, "out of memory");
    if (c->n_stop_words && (st = copy_stop_words(v, c->stop_words, c->n_stop_words)) != LK_OK) {
        lexkit_vectorizer_free(v);
        return lk_api_set(err, (lexkit_status)st, "stop_words: %s", lk_status_str(st));
    }
    if (c->n_vocabulary &&
        (st = copy_fixed(v, c->vocabulary, c->vocabulary_lens, c->n_vocabulary)) != LK_OK) {
        lexkit_vectorizer_free(v);
        return lk_api_set(err, (lexkit_status)st, "vocabulary: %s", lk_status_str(st));
    }
    v->pub = *c;
    v->pub.stop_words = v->stop_ptr; /* never the caller's lists */
    v->pub.vocabulary = v->fixed_ptr;
    v->pub.vocabulary_lens = v->fixed_len;
    if (c->n_stop_words && !c->terms_given) {
        b.stop_words = v->stop_ptr;
        b.n_stop_words = c->n_stop_words;
    }
    v->bow = b;
    v->tfidf = lk_tfidf_config_default();
    v->tfidf.idf = !c->use_idf ? LK_IDF_NONE : c->smooth_idf ? LK_IDF_SMOOTH : LK_IDF_PLAIN;
    v->tfidf.sublinear_tf = c->sublinear_tf != 0;
    v->tfidf.norm = (lk_row_norm)c->norm;
    v->tfidf.threads = b.threads;
    *out = v;
    return LEXKIT_OK;
}

static void fit_clear(lexkit_vectorizer *v)
{
    lk_bow_free(v->fit[0]);
    lk_bow_free(v->fit[1]);
    v->fit[0] = v->fit[1] = NULL;
    lk_bow_idmap_free(&v->map);
    v->fit_docs = 0;
    v->fit_st = LK_OK;
    lk_error_clear(&v->fit_err);
}

LK_API void lexkit_vectorizer_free(lexkit_vectorizer *v)
{
    if (!v) return;
    fit_clear(v);
    unfit(v);
    free(v->stop_blob);
    free(v->stop_ptr);
    free(v->fixed_blob);
    free(v->fixed_ptr);
    free(v->fixed_len);
    free(v);
}

/* Room for a vocabulary of n terms of `bytes` bytes in all, in one block (v is unfitted
   first): df, idf (with use_idf), off (n + 1), term_ptr, term_len, then the bytes: one
   malloc instead of six, filled straight from the finished table (fit_end no longer fills
   three temporary arrays of n entries to copy them). */
static lk_status vocab_alloc(lexkit_vectorizer *v, size_t n, size_t bytes)
{
    unfit(v);
    if (n > (size_t)INT32_MAX) return LK_ERR_RANGE;
    bool idf = v->pub.tfidf && v->pub.use_idf;
    /* the 8-byte arrays first, then size_t and pointers (their alignment divides 8) */
    size_t fixed = n * (sizeof *v->df + (idf ? sizeof *v->idf : 0) + sizeof *v->term_ptr +
                        sizeof *v->term_len) + (n + 1) * sizeof *v->off, total;
    if (lk_add_size(fixed, bytes ? bytes : 1, &total) != LK_OK) return LK_ERR_RANGE;
    char *p = malloc(total);
    if (!p) return LK_ERR_NOMEM;
    v->vocab = p;
    v->df = (int64_t *)p;
    v->idf = idf ? (double *)(v->df + n) : NULL;
    v->off = (size_t *)(idf ? (char *)(v->idf + n) : (char *)(v->df + n));
    v->term_ptr = (const char **)(v->off + n + 1);
    v->term_len = (size_t *)(v->term_ptr + n);
    v->blob = (char *)(v->term_len + n);
    return LK_OK;
}

/* After vocab_alloc and the terms and df filled in: pointers, idf, counts. */
static void vocab_done(lexkit_vectorizer *v, size_t n, int64_t n_docs)
{
    for (size_t i = 0; i < n; i++) {
        v->term_ptr[i] = v->blob + v->off[i];
        v->term_len[i] = v->off[i + 1] - v->off[i];
    }
    v->n_docs = n_docs;
    if (v->idf)
        for (size_t i = 0; i < n; i++) v->idf[i] = lk_idf(v->tfidf.idf, v->df[i], n_docs);
    v->n_terms = (int32_t)n;
}

/* Keep the vocabulary terms[0..n) with df among n_docs documents; v is unfitted first. */
static lk_status keep_vocab(lexkit_vectorizer *v, const char *const *terms, const size_t *lens,
                            size_t n, const int64_t *df, int64_t n_docs)
{
    size_t bytes = 0;
    for (size_t i = 0; i < n; i++)
        if (lk_add_size(bytes, lens[i], &bytes) != LK_OK) return LK_ERR_RANGE;
    lk_status st = vocab_alloc(v, n, bytes);
    if (st != LK_OK) return st;
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        v->off[i] = at;
        if (lens[i]) memcpy(v->blob + at, terms[i], lens[i]);
        at += lens[i];
        v->df[i] = df ? df[i] : 1;
    }
    v->off[n] = at;
    vocab_done(v, n, n_docs);
    return LK_OK;
}

/* keep_bow_vocab's columns in n_chunks equal shares: first the bytes of each share's terms
   (bytes[c]), then, with bytes[c] made the share's offset, its terms copied and their df,
   pointers and idf filled in. */
typedef struct {
    lexkit_vectorizer *v;
    const lk_bow *b;
    size_t n, n_chunks;
    size_t *bytes;
} vocab_job;

#define VOCAB_CHUNKS 16     /* shares of the columns (two threads take them one by one) */
#define VOCAB_SPLIT_MIN 16384 /* fewer terms are kept on one thread */

static void vocab_range(const vocab_job *j, size_t c, size_t *lo, size_t *hi)
{
    *lo = j->n / j->n_chunks * c;
    *hi = c + 1 < j->n_chunks ? *lo + j->n / j->n_chunks : j->n;
}

static void vocab_bytes(void *arg, size_t c)
{
    vocab_job *j = arg;
    size_t lo, hi, len, bytes = 0;
    vocab_range(j, c, &lo, &hi);
    for (size_t i = lo; i < hi; i++) {
        (void)lk_bow_term(j->b, (int32_t)i, &len);
        bytes += len; /* the terms of a table that holds them: no overflow */
    }
    j->bytes[c] = bytes;
}

static void vocab_fill(void *arg, size_t c)
{
    vocab_job *j = arg;
    lexkit_vectorizer *v = j->v;
    size_t lo, hi, len, at = j->bytes[c];
    int64_t n_docs = lk_bow_n_docs(j->b);
    vocab_range(j, c, &lo, &hi);
    for (size_t i = lo; i < hi; i++) {
        const char *s = lk_bow_term(j->b, (int32_t)i, &len);
        v->off[i] = at;
        v->term_ptr[i] = v->blob + at;
        v->term_len[i] = len;
        if (len) memcpy(v->blob + at, s, len);
        at += len;
        v->df[i] = lk_bow_df(j->b, (int32_t)i);
        if (v->idf) v->idf[i] = lk_idf(v->tfidf.idf, v->df[i], n_docs);
    }
}

/* Keep the vocabulary of the finished b (its terms and df, in column order); on two threads
   when b counted on two. */
static lk_status keep_bow_vocab(lexkit_vectorizer *v, const lk_bow *b)
{
    size_t n = (size_t)lk_bow_n_terms(b), bytes[VOCAB_CHUNKS];
    bool two = v->bow.threads == 2 && n >= VOCAB_SPLIT_MIN;
    vocab_job j = {v, b, n, two ? VOCAB_CHUNKS : 1, bytes};
    lk_pool_run(lk_bow_pool(b), vocab_bytes, &j, j.n_chunks);
    size_t total = 0;
    for (size_t c = 0; c < j.n_chunks; c++) {
        size_t k = bytes[c];
        bytes[c] = total;
        total += k;
    }
    lk_status st = vocab_alloc(v, n, total);
    if (st != LK_OK) return st;
    lk_pool_run(lk_bow_pool(b), vocab_fill, &j, j.n_chunks);
    v->off[n] = total;
    v->n_docs = lk_bow_n_docs(b);
    v->n_terms = (int32_t)n;
    return LK_OK;
}

/* Keep the terms the finished fit b left out (after keep_bow_vocab, which unfits v). */
static lk_status keep_pruned(lexkit_vectorizer *v, const lk_bow *b)
{
    size_t n = lk_bow_n_pruned(b), bytes = 0, len;
    if (n == 0) return LK_OK;
    for (size_t i = 0; i < n; i++) {
        (void)lk_bow_pruned_term(b, i, &len);
        bytes += len; /* the terms of a table that holds them: no overflow */
    }
    size_t off_bytes; /* n + 1 cannot wrap: n ids are in memory */
    if (lk_mul_size(n + 1, sizeof *v->pruned_off, &off_bytes) != LK_OK) return LK_ERR_RANGE;
    v->pruned_off = malloc(off_bytes);
    v->pruned = malloc(bytes ? bytes : 1);
    if (!v->pruned_off || !v->pruned) {
        free(v->pruned_off);
        free(v->pruned);
        v->pruned_off = NULL;
        v->pruned = NULL;
        return LK_ERR_NOMEM;
    }
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        const char *s = lk_bow_pruned_term(b, i, &len);
        v->pruned_off[i] = at;
        if (len) memcpy(v->pruned + at, s, len);
        at += len;
    }
    v->pruned_off[n] = at;
    v->n_pruned = n;
    return LK_OK;
}

/* Move an internal matrix into a public one, its arrays cut to the entries it holds. */
static void give_csr(lk_csr *m, lexkit_csr *out)
{
    size_t nnz = m->indptr ? (size_t)m->indptr[m->n_rows] : 0, keep = nnz ? nnz : 1;
    if (m->indices && m->data && m->cap > keep) {
        void *p = realloc(m->indices, keep * sizeof *m->indices); /* shrinking: in place or */
        if (p) m->indices = p;                                    /* an mremap; may stay */
        p = realloc(m->data, keep * sizeof *m->data);
        if (p) m->data = p;
        m->cap = keep;
    }
    out->n_rows = m->n_rows;
    out->n_cols = m->n_cols;
    out->indptr = m->indptr;
    out->indices = m->indices;
    out->data = m->data;
    memset(m, 0, sizeof *m);
}

/* The TF-IDF weights of m, a matrix of b's job (on its pool). */
static lk_status weight(const lexkit_vectorizer *v, const lk_bow *b, lk_csr *m)
{
    if (!v->pub.tfidf) return LK_OK;
    return lk_tfidf_apply(&v->tfidf, v->idf, m, lk_bow_pool(b));
}

/* Count docs[0..n) into b; a failure names the document by its number base + i. */
static lk_status add_docs(lk_bow *b, const char *const *docs, const size_t *lens, size_t n,
                          size_t base, lk_error *e)
{
    for (size_t i = 0; i < n; i++) {
        lk_status st = lk_bow_add_text(b, docs[i] ? docs[i] : "", docs[i] ? lens[i] : 0, e);
        if (st != LK_OK) {
            lk_error_prefix(e, "document %zu: ", base + i);
            return st;
        }
    }
    return LK_OK;
}

/* A round's documents shared by two counting threads: the first takes them from the front
   in order, the second from the back last first, a few at a time, until they meet (which
   of the two counted a document changes nothing in the result). fb packs the next
   front document << 32 | the end of the back one's, round-relative. */
typedef struct {
    lk_bow *b;
    const char *const *docs; /* the round's */
    const size_t *lens;
    size_t base;             /* number of docs[0] in messages */
    _Atomic uint64_t *fb;
    size_t low;              /* the first document of the back thread's last claim */
    size_t failed;           /* the document that failed (st) */
    lk_status st;
    lk_error err;
} count_job;

#define CLAIM_MAX 64 /* documents claimed at once, at most (1/16 of those left) */

static size_t claim_size(uint64_t f, uint64_t b)
{
    uint64_t k = (b - f) / 16;
    return (size_t)(k < 1 ? 1 : k > CLAIM_MAX ? CLAIM_MAX : k);
}

/* Claim documents from the front (back: from the back); returns how many, from *at on. */
static size_t claim(_Atomic uint64_t *fb, bool back, size_t *at)
{
    uint64_t cur = atomic_load_explicit(fb, memory_order_relaxed);
    for (;;) {
        uint64_t f = cur >> 32, b = cur & UINT32_MAX;
        if (f >= b) return 0;
        uint64_t k = claim_size(f, b);
        uint64_t next = back ? (f << 32 | (b - k)) : ((f + k) << 32 | b);
        if (atomic_compare_exchange_weak_explicit(fb, &cur, next, memory_order_relaxed,
                                                  memory_order_relaxed)) {
            *at = (size_t)(back ? b - k : f);
            return (size_t)k;
        }
    }
}

/* The back thread's documents into j->b: claimed from the back, each claim counted last
   first. */
static void count_back(count_job *j)
{
    size_t at, k;
    while ((k = claim(j->fb, true, &at)) > 0) {
        j->low = at;
        for (size_t i = at + k; i-- > at;) {
            const char *d = j->docs[i];
            j->st = lk_bow_add_text(j->b, d ? d : "", d ? j->lens[i] : 0, &j->err);
            if (j->st != LK_OK) {
                lk_error_prefix(&j->err, "document %zu: ", j->base + i);
                j->failed = i;
                return;
            }
        }
    }
}

/* One round: chunk 0 counts from the front into fit[0] (errors into *e), chunk 1 from the
   back into job.b; lk_pool_run runs them on this thread and the fit's helper, or both here
   when the helper is late (the front one then takes every document). */
typedef struct {
    lexkit_vectorizer *v;
    const char *const *docs;
    const size_t *lens;
    size_t base;
    lk_error *e;
    lk_status st; /* the front's */
    count_job job;
} round_job;

static void count_round(void *arg, size_t chunk)
{
    round_job *r = arg;
    if (chunk) {
        count_back(&r->job);
        return;
    }
    size_t at, k;
    while (r->st == LK_OK && (k = claim(r->job.fb, false, &at)) > 0)
        r->st = add_docs(r->v->fit[0], r->docs + at, r->lens + at, k, r->base + at, r->e);
    if (r->st != LK_OK) /* the first failing document: let the other thread stop */
        atomic_store(r->job.fb, 0);
}

#define ROUND_DOCS ((size_t)1 << 20) /* documents per round at most (fb holds 32 bits) */

/* Count docs[0..n) into fit[0] (and fit[1]): in rounds of about ROUND_BYTES, shared by this
   thread (from the front, into fit[0]) and a second one (from the back, into fit[1]), whose
   rows are then moved to the end of fit[0]. Either thread may take more of the documents
   than the other when it runs faster (or the other is slowed by other processes). */
static lk_status fit_docs(lexkit_vectorizer *v, const char *const *docs, const size_t *lens,
                          size_t n, lk_error *e)
{
    size_t i = 0;
    while (i < n) {
        size_t end = i, bytes = 0;
        while (end < n && end - i < ROUND_DOCS && bytes < ROUND_BYTES)
            bytes += docs[end] ? lens[end] : 0, end++;
        _Atomic uint64_t fb = (uint64_t)(end - i);
        round_job r = {v, docs + i, lens + i, v->fit_docs + i, e, LK_OK,
                       {v->fit[1], docs + i, lens + i, v->fit_docs + i, &fb, end - i, 0, LK_OK,
                        {0}}};
        bool two = v->fit[1] && bytes >= MIN_SPLIT_BYTES;
        lk_pool_run(lk_bow_pool(v->fit[0]), count_round, &r, two ? 2 : 1);
        lk_status st = r.st;
        if (two) {
            if (st == LK_OK && r.job.st != LK_OK) {
                /* the first failing document, as one thread: those before it that the
                   back thread had claimed but not counted are counted here first */
                count_job *j = &r.job;
                st = add_docs(v->fit[0], docs + i + j->low, lens + i + j->low,
                              j->failed - j->low, v->fit_docs + i + j->low, e);
                if (st == LK_OK) {
                    st = j->st;
                    *e = j->err;
                }
            }
            if (st == LK_OK) st = lk_bow_drain_reversed_into(v->fit[0], v->fit[1], &v->map);
        }
        if (st != LK_OK) return st;
        i = end;
    }
    return LK_OK;
}

LK_API lexkit_status lexkit_vectorizer_fit_begin(lexkit_vectorizer *v, lexkit_error *err)
{
    if (!v) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    fit_clear(v);
    unfit(v);
    lk_status st = lk_bow_create(&v->bow, &v->fit[0]);
    if (st == LK_OK && v->n_fixed) /* checked by create: fails only without memory */
        st = lk_bow_set_vocab(v->fit[0], v->fixed_ptr, v->fixed_len, v->n_fixed, NULL, 0, NULL);
    if (st == LK_OK) (void)lk_bow_reserve_nnz(v->fit[0], FIT_RESERVE); /* a hint */
    /* a second counting thread for text documents learning their vocabulary; its matrix is
       reserved too (it holds one round's half at a time): grown from a small block by
       doubling, it was copied 14 times and faulted in page by page (on npl, the second
       call's ~750 page faults, all of them) */
    if (st == LK_OK && v->pub.threads == 2 && !v->n_fixed && !v->pub.terms_given) {
        st = lk_bow_create(&v->bow, &v->fit[1]);
        if (st == LK_OK) (void)lk_bow_reserve_nnz(v->fit[1], FIT_RESERVE); /* a hint */
    }
    if (st != LK_OK) {
        fit_clear(v);
        return lk_api_set(err, (lexkit_status)st, "%s", lk_status_str(st));
    }
    return LEXKIT_OK;
}

LK_API lexkit_status lexkit_vectorizer_fit_add(lexkit_vectorizer *v, const char *const *docs,
                                               const size_t *lens, size_t n,
                                               lexkit_error *err)
{
    if (!v || (n && (!docs || !lens))) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    if (!v->fit[0]) return lk_api_set(err, LEXKIT_ERR_STATE, "no fit in progress (fit_begin)");
    if (v->pub.terms_given)
        return lk_api_set(err, LEXKIT_ERR_STATE, "this vectorizer takes terms (terms_given 1)");
    if (v->fit_st != LK_OK) return lk_api_err(err, v->fit_st, &v->fit_err);
    lk_error_clear(&v->fit_err);
    v->fit_st = fit_docs(v, docs, lens, n, &v->fit_err);
    v->fit_docs += n;
    return lk_api_err(err, v->fit_st, &v->fit_err);
}

/* LEXKIT_OK, or LEXKIT_ERR_ARG when doc_off (n_docs + 1 offsets) decreases somewhere. */
static lexkit_status doc_off_check(const size_t *doc_off, size_t n_docs, lexkit_error *err)
{
    for (size_t i = 0; i < n_docs; i++)
        if (doc_off[i + 1] < doc_off[i])
            return lk_api_set(err, LEXKIT_ERR_ARG, "doc_off[%zu] < doc_off[%zu]", i + 1, i);
    return LEXKIT_OK;
}

/* Count the documents given as terms (fit_add_terms) into b, named base + i in errors. */
static lk_status add_term_docs(lk_bow *b, const char *const *terms, const size_t *lens,
                               const size_t *doc_off, size_t n_docs, size_t base, lk_error *e)
{
    for (size_t i = 0; i < n_docs; i++) {
        size_t at = doc_off[i], n = doc_off[i + 1] - at;
        lk_status st = lk_bow_add_terms(b, n ? terms + at : NULL, n ? lens + at : NULL, n, e);
        if (st != LK_OK) {
            lk_error_prefix(e, "document %zu: ", base + i);
            return st;
        }
    }
    return LK_OK;
}

LK_API lexkit_status lexkit_vectorizer_fit_add_terms(lexkit_vectorizer *v,
                                                     const char *const *terms,
                                                     const size_t *lens, const size_t *doc_off,
                                                     size_t n_docs, lexkit_error *err)
{
    if (!v || (n_docs && !doc_off) || (n_docs && doc_off[n_docs] > doc_off[0] && (!terms || !lens)))
        return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    if (!v->fit[0]) return lk_api_set(err, LEXKIT_ERR_STATE, "no fit in progress (fit_begin)");
    if (!v->pub.terms_given)
        return lk_api_set(err, LEXKIT_ERR_STATE, "this vectorizer takes text (terms_given 0)");
    if (v->fit_st != LK_OK) return lk_api_err(err, v->fit_st, &v->fit_err);
    lexkit_status ast = n_docs ? doc_off_check(doc_off, n_docs, err) : LEXKIT_OK;
    if (ast != LEXKIT_OK) return ast;
    lk_error_clear(&v->fit_err);
    v->fit_st = add_term_docs(v->fit[0], terms, lens, doc_off, n_docs, v->fit_docs, &v->fit_err);
    v->fit_docs += n_docs;
    return lk_api_err(err, v->fit_st, &v->fit_err);
}

LK_API lexkit_status lexkit_vectorizer_fit_end(lexkit_vectorizer *v, lexkit_csr *out,
                                               lexkit_error *err)
{
    if (!v || !out) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    memset(out, 0, sizeof *out);
    if (!v->fit[0]) return lk_api_set(err, LEXKIT_ERR_STATE, "no fit in progress (fit_begin)");
    if (v->fit_st != LK_OK) {
        lexkit_status r = lk_api_err(err, v->fit_st, &v->fit_err);
        fit_clear(v);
        return r;
    }
    lk_error e;
    lk_error_clear(&e);
    lk_bow *b = v->fit[0];
    lk_csr m;
    memset(&m, 0, sizeof m);
    lk_bow_free(v->fit[1]); /* drained: its table is no longer needed */
    v->fit[1] = NULL;
    lk_bow_idmap_free(&v->map);
    lk_status st = lk_bow_finish(b, &m, &e);
    if (st == LK_OK) st = keep_bow_vocab(v, b);
    if (st == LK_OK) st = keep_pruned(v, b);
    if (st == LK_OK) st = weight(v, b, &m);
    fit_clear(v);
    if (st != LK_OK) {
        lk_csr_free(&m);
        unfit(v);
        return lk_api_err(err, st, &e);
    }
    give_csr(&m, out);
    return LEXKIT_OK;
}

LK_API lexkit_status lexkit_vectorizer_fit_transform(lexkit_vectorizer *v,
                                                     const char *const *docs,
                                                     const size_t *lens, size_t n,
                                                     lexkit_csr *out, lexkit_error *err)
{
    if (!v || !out || (n && (!docs || !lens))) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    memset(out, 0, sizeof *out);
    lexkit_status st = lexkit_vectorizer_fit_begin(v, err);
    if (st == LEXKIT_OK) st = lexkit_vectorizer_fit_add(v, docs, lens, n, err);
    if (st != LEXKIT_OK) {
        fit_clear(v);
        return st;
    }
    return lexkit_vectorizer_fit_end(v, out, err);
}

/* The documents of a transform: texts (doc_off NULL) or terms. */
typedef struct {
    const char *const *s;
    const size_t *lens;
    const size_t *doc_off;
    size_t n;
} doc_batch;

static lexkit_status transform_batch(const lexkit_vectorizer *v, const doc_batch *d,
                                     lexkit_csr *out, lexkit_error *err)
{
    memset(out, 0, sizeof *out);
    if (!v->off) return lk_api_set(err, LEXKIT_ERR_STATE, "the vectorizer is not fitted");
    lk_error e;
    lk_error_clear(&e);
    lk_bow *b = NULL;
    lk_csr m;
    memset(&m, 0, sizeof m);
    lk_status st = lk_bow_create(&v->bow, &b);
    if (st == LK_OK)
        st = lk_bow_set_vocab(b, v->term_ptr, v->term_len, (size_t)v->n_terms, v->df, v->n_docs,
                              &e);
    if (st == LK_OK)
        st = d->doc_off ? add_term_docs(b, d->s, d->lens, d->doc_off, d->n, 0, &e)
                        : add_docs(b, d->s, d->lens, d->n, 0, &e);
    if (st == LK_OK) st = lk_bow_finish(b, &m, &e);
    if (st == LK_OK) st = weight(v, b, &m);
    lk_bow_free(b);
    if (st != LK_OK) {
        lk_csr_free(&m);
        return lk_api_err(err, st, &e);
    }
    give_csr(&m, out);
    return LEXKIT_OK;
}

LK_API lexkit_status lexkit_vectorizer_transform(const lexkit_vectorizer *v,
                                                 const char *const *docs, const size_t *lens,
                                                 size_t n, lexkit_csr *out, lexkit_error *err)
{
    if (!v || !out || (n && (!docs || !lens))) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    if (v->pub.terms_given) {
        memset(out, 0, sizeof *out);
        return lk_api_set(err, LEXKIT_ERR_STATE, "this vectorizer takes terms (terms_given 1)");
    }
    doc_batch d = {docs, lens, NULL, n};
    return transform_batch(v, &d, out, err);
}

LK_API lexkit_status lexkit_vectorizer_transform_terms(const lexkit_vectorizer *v,
                                                       const char *const *terms,
                                                       const size_t *lens,
                                                       const size_t *doc_off, size_t n_docs,
                                                       lexkit_csr *out, lexkit_error *err)
{
    if (!v || !out || (n_docs && !doc_off) ||
        (n_docs && doc_off[n_docs] > doc_off[0] && (!terms || !lens)))
        return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    memset(out, 0, sizeof *out);
    if (!v->pub.terms_given)
        return lk_api_set(err, LEXKIT_ERR_STATE, "this vectorizer takes text (terms_given 0)");
    lexkit_status ast = n_docs ? doc_off_check(doc_off, n_docs, err) : LEXKIT_OK;
    if (ast != LEXKIT_OK) return ast;
    static const size_t no_off[1] = {0};
    doc_batch d = {terms, lens, n_docs ? doc_off : no_off, n_docs};
    return transform_batch(v, &d, out, err);
}

LK_API lexkit_status lexkit_vectorizer_set_vocabulary(lexkit_vectorizer *v,
                                                      const char *const *terms,
                                                      const size_t *lens, size_t n,
                                                      const int64_t *df, int64_t n_docs,
                                                      lexkit_error *err)
{
    if (!v || (n && (!terms || !lens))) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    if (n_docs < 0) return lk_api_set(err, LEXKIT_ERR_ARG, "n_docs: must be >= 0");
    /* Check the terms (duplicates) with the internal vectorizer first. */
    lk_error e;
    lk_error_clear(&e);
    lk_bow *b = NULL;
    lk_status st = lk_bow_create(&v->bow, &b);
    if (st == LK_OK) st = lk_bow_set_vocab(b, terms, lens, n, df, n_docs, &e);
    lk_bow_free(b);
    if (st == LK_OK) st = keep_vocab(v, terms, lens, n, df, n_docs);
    return lk_api_err(err, st, &e);
}

LK_API int32_t lexkit_vectorizer_n_features(const lexkit_vectorizer *v) { return v ? v->n_terms : 0; }

LK_API const char *lexkit_vectorizer_feature(const lexkit_vectorizer *v, int32_t col, size_t *len)
{
    if (!v || col < 0 || col >= v->n_terms) return NULL;
    if (len) *len = v->term_len[col];
    return v->term_ptr[col];
}

LK_API int64_t lexkit_vectorizer_df(const lexkit_vectorizer *v, int32_t col)
{
    return v && col >= 0 && col < v->n_terms ? v->df[col] : 0;
}

LK_API int64_t lexkit_vectorizer_n_docs(const lexkit_vectorizer *v) { return v ? v->n_docs : 0; }

LK_API const double *lexkit_vectorizer_idf(const lexkit_vectorizer *v) { return v ? v->idf : NULL; }

LK_API size_t lexkit_vectorizer_n_pruned(const lexkit_vectorizer *v) { return v ? v->n_pruned : 0; }

LK_API const char *lexkit_vectorizer_pruned(const lexkit_vectorizer *v, size_t i, size_t *len)
{
    if (!v || i >= v->n_pruned) return NULL;
    if (len) *len = v->pruned_off[i + 1] - v->pruned_off[i];
    return v->pruned + v->pruned_off[i];
}

LK_API const char *const *lexkit_stop_words_english(size_t *n)
{
    size_t k;
    const char *const *w = lk_stop_words_english(&k);
    if (n) *n = k;
    return w;
}

LK_API void lexkit_csr_free(lexkit_csr *m)
{
    if (!m) return;
    free(m->indptr);
    free(m->indices);
    free(m->data);
    memset(m, 0, sizeof *m);
}
