/* bm25_text.c: the text-level BM25 pipeline. Building runs a producer thread (read JSONL,
   analyze) and the inverter (lk_bm25_builder_add) in the calling thread, handing over
   batches of analyzed documents through a small ring of buffers. */
#define _POSIX_C_SOURCE 200809L
#include "features/search/bm25_text.h"

#include "features/search/analyzer_internal.h"
#include "features/search/bm25_build_internal.h"
#include "features/search/bm25_index_internal.h"
#include "features/search/bm25_query.h"
#include "features/search/bm25_results_internal.h"
#include "features/search/bm25_segments.h"
#include "features/search/bm25_store.h"

#include "text/fileio.h"
#include "text/utf8.h"
#include "text/vocab.h"
#include "text/util.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define N_SLOTS 3
#define BATCH_DOCS 64
#define BATCH_TERM_BYTES ((size_t)1 << 20)
#define PART_OF 1u   /* a part of a document analyzed in pieces */
#define PART_CONT 2u /* a part after its first */
#define PART_MORE 4u /* a part before its last */

lk_bm25_index_config lk_bm25_index_config_default(void)
{
    lk_bm25_index_config c;
    c.analyzer = lk_analyzer_config_default();
    c.build = lk_bm25_build_config_default();
    c.build.store = "all";
    c.format = LK_DOCS_JSONL;
    c.id_prefix = NULL;
    c.threads = 2;
    c.add = false;
    c.delete_path = NULL;
    c.delete_ids = NULL;
    c.n_delete_ids = 0;
    c.upsert = false;
    c.merge = false;
    c.max_segments = LK_BM25_DEFAULT_MAX_SEGMENTS;
    c.docs_name = NULL;
    c.delete_name = NULL;
    c.piece_bytes = 0;
    return c;
}

/* A batch of analyzed documents. */
typedef struct {
    char *ids, *bytes;          /* concatenated ids / term bytes */
    size_t ids_len, ids_cap, bytes_len, bytes_cap;
    size_t *id_end;             /* per doc: end of its id in ids */
    size_t *term_end;           /* per doc: end of its terms in toff/tlen */
    int64_t *lines;
    lk_bytes recs;              /* concatenated stored records */
    size_t *rec_end;            /* per doc: end of its record in recs */
    lk_bytes big_rec;           /* the record of the document whose first part is here
                                   (at most one; moved in, not copied into recs) */
    size_t *title_n;            /* per doc: how many of its terms come from the title */
    unsigned char *part;        /* per doc: PART_* flags (0: a whole document) */
    unsigned char *keep;        /* per term, with positions: it takes a position */
    size_t keep_cap;
    size_t n_docs;
    size_t *toff, *tlen;        /* per term: offset/length in bytes */
    size_t n_terms, terms_cap;
    lk_term *terms;             /* built when sealed */
    size_t lk_terms_cap;
    bool last;                  /* no batches after this one */
    lk_status st;               /* producer error (then last) */
    lk_error err;
    uint64_t offset; /* input bytes read when the batch was sealed (for progress): the
                        producer writes it before publishing the batch under pl->mu */
} batch;

static void batch_free(batch *b)
{
    free(b->ids);
    free(b->bytes);
    free(b->id_end);
    free(b->term_end);
    free(b->lines);
    lk_bytes_free(&b->recs);
    lk_bytes_free(&b->big_rec);
    free(b->rec_end);
    free(b->title_n);
    free(b->part);
    free(b->keep);
    free(b->toff);
    free(b->tlen);
    free(b->terms);
}

static lk_status batch_add(batch *b, const lk_doc *d, const lk_term *t, size_t n,
                           const unsigned char *keep, size_t n_title, const void *rec,
                           size_t rec_len, unsigned part)
{
    lk_status st;
    void *p;
    size_t cap;
    size_t bytes = 0;
    for (size_t i = 0; i < n; i++) bytes += t[i].len;
    if (b->n_docs == 0 || (b->n_docs & (b->n_docs - 1)) == 0) { /* grow per-doc arrays */
        size_t need = b->n_docs ? 2 * b->n_docs : 16;
        size_t *ie = realloc(b->id_end, need * sizeof *ie);
        if (ie) b->id_end = ie;
        size_t *te = realloc(b->term_end, need * sizeof *te);
        if (te) b->term_end = te;
        int64_t *ln = realloc(b->lines, need * sizeof *ln);
        if (ln) b->lines = ln;
        size_t *re = realloc(b->rec_end, need * sizeof *re);
        if (re) b->rec_end = re;
        size_t *tn = realloc(b->title_n, need * sizeof *tn);
        if (tn) b->title_n = tn;
        unsigned char *pa = realloc(b->part, need * sizeof *pa);
        if (pa) b->part = pa;
        if (!ie || !te || !ln || !re || !tn || !pa) return LK_ERR_NOMEM;
    }
    p = b->ids;
    if ((st = lk_grow(&p, &b->ids_cap, b->ids_len + d->id_len + 1, 1)) != LK_OK) return st;
    b->ids = p;
    p = b->bytes;
    if ((st = lk_grow(&p, &b->bytes_cap, b->bytes_len + bytes + 1, 1)) != LK_OK) return st;
    b->bytes = p;
    if (b->n_terms + n > b->terms_cap) {
        cap = b->terms_cap;
        p = b->toff;
        if ((st = lk_grow(&p, &cap, b->n_terms + n, sizeof *b->toff)) != LK_OK) return st;
        b->toff = p;
        p = b->tlen;
        if ((st = lk_grow(&p, &b->terms_cap, b->n_terms + n, sizeof *b->tlen)) != LK_OK) return st;
        b->tlen = p;
    }
    if (keep) {
        p = b->keep;
        if ((st = lk_grow(&p, &b->keep_cap, b->n_terms + n + 1, 1)) != LK_OK) return st;
        b->keep = p;
        memcpy(b->keep + b->n_terms, keep, n);
    }
    memcpy(b->ids + b->ids_len, d->id, d->id_len);
    b->ids_len += d->id_len;
    for (size_t i = 0; i < n; i++) {
        memcpy(b->bytes + b->bytes_len, t[i].s, t[i].len);
        b->toff[b->n_terms] = b->bytes_len;
        b->tlen[b->n_terms++] = t[i].len;
        b->bytes_len += t[i].len;
    }
    if ((st = lk_bytes_append(&b->recs, rec, rec_len)) != LK_OK) return st;
    b->rec_end[b->n_docs] = b->recs.len;
    b->id_end[b->n_docs] = b->ids_len;
    b->term_end[b->n_docs] = b->n_terms;
    b->title_n[b->n_docs] = n_title;
    b->part[b->n_docs] = (unsigned char)part;
    b->lines[b->n_docs++] = d->line;
    return LK_OK;
}

static lk_status batch_seal(batch *b)
{
    if (b->n_terms > b->lk_terms_cap) {
        void *p = b->terms;
        lk_status st = lk_grow(&p, &b->lk_terms_cap, b->n_terms, sizeof *b->terms);
        if (st != LK_OK) return st;
        b->terms = p;
    }
    for (size_t i = 0; i < b->n_terms; i++) {
        b->terms[i].s = b->bytes + b->toff[i];
        b->terms[i].len = b->tlen[i];
    }
    return LK_OK;
}

/* Copies of the documents of one batch (fill_batch2): their bytes in buf, fields as
   offsets. */
typedef struct {
    size_t id, id_len, title, title_len, text, text_len;
    int64_t line;
    size_t rec, rec_len;        /* its stored record in pipeline_docs.recs */
} doc_copy;

typedef struct {
    doc_copy *docs;
    size_t n, docs_cap;
    char *buf;
    size_t len, cap;
    lk_bytes recs;              /* stored records of the documents */
    const char **texts;         /* titles and texts, for lk_analyzer__zh_prepare */
    size_t *lens;
    size_t texts_cap, lens_cap;
} pipeline_docs;

typedef struct {
    const char *path;
    lk_docs_reader *docs;
    lk_analyzer *an;
    bool zh;                    /* the analyzer has a Chinese model: fill_batch_zh */
    const char *store;          /* store spec (NULL: nothing stored) */
    size_t store_len;
    lk_bytes rec;               /* scratch: the stored record of one document */
    bool pos;                   /* positions: the analyzer records spans, terms get keep flags */
    unsigned char *keep;        /* scratch: keep flags of one document's terms */
    size_t keep_cap;
    pipeline_docs pd;
    size_t piece;               /* a longer text is analyzed in pieces (analyze_piece) */
    bool big_on;                /* big: a document being analyzed in pieces, borrowed from
                                   docs (not read on until it is done); its record in rec */
    lk_doc big;
    size_t big_off;             /* bytes of its text analyzed */
    int big_script;             /* its script decision (lk_analyzer__text_script) */
    batch slots[N_SLOTS];
    bool ready[N_SLOTS];
    size_t head, tail;          /* producer fills slots[head], consumer reads slots[tail] */
    bool stop;                  /* consumer failed: producer should quit */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    double busy;                /* producer busy seconds */
    double last_progress;
    lk_log_fn log;
    void *log_user;
} pipeline;

/* Keep flags of the terms of a document analyzed as title (terms [0, n_title)) then text,
   from their spans: a term starting before the end of the previous kept term of its field
   (a Han bigram overlapping its first character) takes no position; as the query side
   reads a phrase (bm25_query.c). */
static lk_status keep_flags(pipeline *pl, const size_t *sp, size_t n, size_t n_title)
{
    void *p = pl->keep;
    lk_status st = lk_grow(&p, &pl->keep_cap, n + 1, 1);
    if (st != LK_OK) return st;
    pl->keep = p;
    size_t last_end = 0;
    for (size_t i = 0; i < n; i++) {
        size_t first = i < n_title ? 0 : n_title; /* the field's first term */
        if (i == first) last_end = 0;
        pl->keep[i] = 1;
        if (!sp || sp[2 * i] == SIZE_MAX) continue;
        if (i > first && sp[2 * i] < last_end) {
            pl->keep[i] = 0;
            continue;
        }
        last_end = sp[2 * i + 1];
    }
    return LK_OK;
}

/* Analyze one document into b with its stored record; an error without an input location
   gets path:line (lk_error_locate). */
static lk_status analyze_doc(pipeline *pl, const lk_doc *d, const void *rec, size_t rec_len,
                             batch *b, const char *path, lk_error *err)
{
    lk_analyzer *an = pl->an;
    lk_analyzer_reset(an);
    lk_status st = LK_OK;
    if (d->title_len) st = lk_analyzer_add(an, d->title, d->title_len, err);
    size_t n_title = lk_analyzer_n_terms(an, NULL);
    if (st == LK_OK) st = lk_analyzer_add(an, d->text, d->text_len, err);
    size_t n = 0;
    const lk_term *t = st == LK_OK ? lk_analyzer_terms(an, &n) : NULL;
    if (st == LK_OK && pl->pos) st = keep_flags(pl, lk_analyzer_spans(an), n, n_title);
    if (st == LK_OK)
        st = batch_add(b, d, t, n, pl->pos ? pl->keep : NULL, n_title, rec, rec_len, 0);
    if (st != LK_OK) lk_error_locate(err, path, d->line);
    return st;
}

/* Whether d is analyzed in pieces by analyze_piece. */
static bool is_big(const pipeline *pl, const lk_doc *d)
{
    return d->text_len > pl->piece;
}

/* Analyze the next piece of pl->big into b as a part of it (the title goes with the first
   piece, and so does the stored record): the terms of a piece are those of the same bytes
   in the whole text, so the parts make the document of analyze_doc. */
static lk_status analyze_piece(pipeline *pl, batch *b, lk_error *err)
{
    const lk_doc *d = &pl->big;
    lk_analyzer *an = pl->an;
    bool first = pl->big_off == 0;
    size_t end = lk_analyzer__piece_end(d->text, d->text_len, pl->big_off, pl->piece);
    lk_analyzer_reset(an);
    lk_status st = LK_OK;
    if (first && d->title_len) st = lk_analyzer_add(an, d->title, d->title_len, err);
    /* a script decided per text is the whole text's (the title decides its own) */
    if (first && st == LK_OK)
        st = lk_analyzer__text_script(an, d->text, d->text_len, pl->piece, &pl->big_script, err);
    size_t n_title = lk_analyzer_n_terms(an, NULL);
    lk_analyzer__set_text_script(an, pl->big_script);
    if (st == LK_OK) st = lk_analyzer_add(an, d->text + pl->big_off, end - pl->big_off, err);
    lk_analyzer__set_text_script(an, -1);
    size_t n = 0;
    const lk_term *t = st == LK_OK ? lk_analyzer_terms(an, &n) : NULL;
    /* spans are offsets in the piece: keep_flags starts the piece's field afresh, which is
       what the whole text gives, no term overlapping the white space before the piece */
    if (st == LK_OK && pl->pos) st = keep_flags(pl, lk_analyzer_spans(an), n, n_title);
    unsigned part = PART_OF | (first ? 0u : PART_CONT) | (end < d->text_len ? PART_MORE : 0u);
    if (st == LK_OK) st = batch_add(b, d, t, n, pl->pos ? pl->keep : NULL, n_title, NULL, 0, part);
    if (st == LK_OK && first) { /* the record moves to b (the consumer frees it) */
        lk_bytes r = b->big_rec;
        b->big_rec = pl->rec;
        pl->rec = r;
    }
    if (st != LK_OK) lk_error_locate(err, pl->path, d->line);
    pl->big_off = end;
    if (end == d->text_len || st != LK_OK) pl->big_on = false;
    return st;
}

/* Start analyzing d (borrowed from the reader) in pieces: into b until it is full, then
   into the batches that follow. */
static lk_status start_big(pipeline *pl, const lk_doc *d, batch *b, lk_error *err)
{
    pl->big = *d;
    pl->big_off = 0;
    pl->big_on = true;
    lk_status st = LK_OK;
    while (st == LK_OK && pl->big_on && b->bytes_len < BATCH_TERM_BYTES)
        st = analyze_piece(pl, b, err);
    return st;
}

/* Fill one batch from the reader (producer side). */
static void fill_batch(pipeline *pl, batch *b)
{
    b->n_docs = b->ids_len = b->bytes_len = b->n_terms = b->recs.len = 0;
    b->last = false;
    b->st = LK_OK;
    lk_error_clear(&b->err);
    while (b->n_docs < BATCH_DOCS && b->bytes_len < BATCH_TERM_BYTES) {
        lk_doc d;
        bool got;
        if (pl->big_on) {
            if ((b->st = analyze_piece(pl, b, &b->err)) != LK_OK) b->last = true;
            if (b->st != LK_OK || !pl->big_on) break; /* one first part per batch */
            continue;
        }
        lk_status st = lk_docs_next(pl->docs, &d, &got, &b->err);
        if (st == LK_OK && !got) {
            b->last = true;
            break;
        }
        pl->rec.len = 0;
        if (st == LK_OK && pl->store)
            st = lk_bm25_store_encode(&d, pl->store, pl->store_len, &pl->rec);
        bool big = st == LK_OK && is_big(pl, &d);
        if (big) st = start_big(pl, &d, b, &b->err);
        else if (st == LK_OK)
            st = analyze_doc(pl, &d, pl->rec.data, pl->rec.len, b, pl->path, &b->err);
        if (st == LK_OK && big) break; /* one first part per batch */
        if (st == LK_OK) continue;
        lk_error_locate(&b->err, pl->path, d.line);
        b->st = st;
        b->last = true;
        break;
    }
    lk_status st = batch_seal(b); /* also when b->st is set: the docs before it are added */
    if (b->st == LK_OK) b->st = st;
}

/* ---- two analyzers (Chinese word segmentation is the slow part of a build) ------------ */

static lk_doc doc_at(const pipeline_docs *pd, size_t i)
{
    const doc_copy *c = &pd->docs[i];
    lk_doc d = {pd->buf + c->id, c->id_len, pd->buf + c->title, c->title_len,
                pd->buf + c->text, c->text_len, c->line, NULL, 0};
    return d;
}

static lk_status copy_doc(pipeline_docs *pd, const lk_doc *d, const char *store, size_t store_len)
{
    lk_status st;
    void *p = pd->docs;
    if ((st = lk_grow(&p, &pd->docs_cap, pd->n + 1, sizeof *pd->docs)) != LK_OK) return st;
    pd->docs = p;
    size_t need = pd->len + d->id_len + d->title_len + d->text_len + 3;
    p = pd->buf;
    if ((st = lk_grow(&p, &pd->cap, need, 1)) != LK_OK) return st;
    pd->buf = p;
    doc_copy *c = &pd->docs[pd->n++];
    const char *src[3] = {d->id, d->title, d->text};
    size_t len[3] = {d->id_len, d->title_len, d->text_len}, off[3];
    for (int k = 0; k < 3; k++) {
        off[k] = pd->len;
        memcpy(pd->buf + pd->len, src[k], len[k]);
        pd->len += len[k];
        pd->buf[pd->len++] = '\0';
    }
    *c = (doc_copy){off[0], len[0], off[1], len[1], off[2], len[2], d->line, pd->recs.len, 0};
    if (store && (st = lk_bm25_store_encode(d, store, store_len, &pd->recs)) != LK_OK) return st;
    c->rec_len = pd->recs.len - c->rec;
    return LK_OK;
}

static lk_status grow_texts(pipeline_docs *pd, size_t n)
{
    void *p = pd->texts;
    lk_status st = lk_grow(&p, &pd->texts_cap, n, sizeof *pd->texts);
    pd->texts = p;
    p = pd->lens;
    if (st == LK_OK) st = lk_grow(&p, &pd->lens_cap, n, sizeof *pd->lens);
    pd->lens = p;
    return st;
}

/* fill_batch for Chinese models: read the batch's documents first, have the analyzer
   segment all their Han runs in one tagger call (fuller inference batches), then analyze
   them one by one as fill_batch does. The terms are the same. */
static void fill_batch_zh(pipeline *pl, batch *b)
{
    pipeline_docs *pd = &pl->pd;
    b->n_docs = b->ids_len = b->bytes_len = b->n_terms = b->recs.len = 0;
    b->last = false;
    b->st = LK_OK;
    lk_error_clear(&b->err);
    pd->n = pd->len = pd->recs.len = 0;
    if (pl->big_on) { /* the pieces of a document started before */
        lk_status st = LK_OK;
        while (st == LK_OK && pl->big_on && b->bytes_len < BATCH_TERM_BYTES)
            st = analyze_piece(pl, b, &b->err);
        if (st != LK_OK) {
            b->st = st;
            b->last = true;
        }
        st = batch_seal(b);
        if (b->st == LK_OK) b->st = st;
        return;
    }
    lk_status rst = LK_OK; /* reading error, reported after the documents before it */
    lk_error rerr;
    lk_error_clear(&rerr);
    lk_doc big;
    bool got_big = false; /* big: analyzed in pieces after the copies (not prepared) */
    while (pd->n < BATCH_DOCS && pd->len < BATCH_TERM_BYTES) {
        lk_doc d;
        bool got;
        rst = lk_docs_next(pl->docs, &d, &got, &rerr);
        if (rst == LK_OK && !got) {
            b->last = true;
            break;
        }
        if (rst == LK_OK && is_big(pl, &d)) {
            pl->rec.len = 0;
            if (pl->store) rst = lk_bm25_store_encode(&d, pl->store, pl->store_len, &pl->rec);
            if (rst == LK_OK) {
                big = d;
                got_big = true;
                break;
            }
        }
        if (rst == LK_OK) rst = copy_doc(pd, &d, pl->store, pl->store_len);
        if (rst == LK_OK) continue;
        lk_error_locate(&rerr, pl->path, d.line);
        b->last = true;
        break;
    }
    lk_status st = LK_OK;
    size_t nt = 0;
    if (pd->n && (st = grow_texts(pd, 2 * pd->n)) == LK_OK) {
        for (size_t i = 0; i < pd->n; i++) {
            lk_doc d = doc_at(pd, i);
            if (d.title_len) {
                pd->texts[nt] = d.title;
                pd->lens[nt++] = d.title_len;
            }
            pd->texts[nt] = d.text;
            pd->lens[nt++] = d.text_len;
        }
        lk_analyzer__zh_prepare(pl->an, pd->texts, pd->lens, nt);
    }
    for (size_t i = 0; i < pd->n && st == LK_OK; i++) {
        lk_doc d = doc_at(pd, i);
        st = analyze_doc(pl, &d, pd->recs.data + pd->docs[i].rec, pd->docs[i].rec_len, b,
                         pl->path, &b->err);
    }
    if (st == LK_OK && got_big) st = start_big(pl, &big, b, &b->err);
    if (st == LK_OK && rst != LK_OK) {
        st = rst;
        b->err = rerr;
    }
    if (st != LK_OK) {
        b->st = st;
        b->last = true;
    }
    st = batch_seal(b); /* also when b->st is set: the docs before it are added */
    if (b->st == LK_OK) b->st = st;
}

static void fill(pipeline *pl, batch *b)
{
    if (pl->zh) fill_batch_zh(pl, b);
    else fill_batch(pl, b);
    b->offset = lk_docs_offset(pl->docs);
}

static void *producer(void *arg)
{
    pipeline *pl = arg;
    for (;;) {
        pthread_mutex_lock(&pl->mu);
        while (pl->ready[pl->head] && !pl->stop) pthread_cond_wait(&pl->cv, &pl->mu);
        bool stop = pl->stop;
        pthread_mutex_unlock(&pl->mu);
        if (stop) return NULL;
        batch *b = &pl->slots[pl->head];
        double t0 = lk_clock_s();
        fill(pl, b);
        pl->busy += lk_clock_s() - t0;
        bool last = b->last;
        pthread_mutex_lock(&pl->mu);
        pl->ready[pl->head] = true;
        pl->head = (pl->head + 1) % N_SLOTS;
        pthread_cond_broadcast(&pl->cv);
        pthread_mutex_unlock(&pl->mu);
        if (last) return NULL;
    }
}

/* Add a batch's documents to the builder (consumer side); the record of a document given
   in parts is freed once added. */
static lk_status consume(pipeline *pl, lk_bm25_builder *bld, batch *b, uint64_t *n_docs,
                         lk_error *err)
{
    size_t id0 = 0, t0 = 0, r0 = 0;
    for (size_t i = 0; i < b->n_docs; i++) {
        const char *id = b->ids + id0;
        const lk_term *t = b->terms + t0;
        const unsigned char *keep = pl->pos ? b->keep + t0 : NULL;
        const void *rec = b->recs.data + r0;
        size_t id_len = b->id_end[i] - id0, n = b->term_end[i] - t0, rec_len = b->rec_end[i] - r0;
        unsigned part = b->part[i];
        if (part && !(part & PART_CONT)) {
            rec = b->big_rec.data;
            rec_len = b->big_rec.len;
        }
        lk_status st = part ? lk_bm25__builder_add_part(bld, id, id_len, t, n, keep, b->title_n[i],
                                                        rec, rec_len, !(part & PART_CONT),
                                                        !(part & PART_MORE), pl->path,
                                                        b->lines[i], err)
                            : lk_bm25_builder_add_doc(bld, id, id_len, t, n, keep, b->title_n[i],
                                                      rec, rec_len, pl->path, b->lines[i], err);
        if (st != LK_OK) return st;
        if (part && !(part & PART_CONT)) lk_bytes_free(&b->big_rec);
        id0 = b->id_end[i];
        t0 = b->term_end[i];
        r0 = b->rec_end[i];
    }
    *n_docs += b->n_docs;
    if (b->st != LK_OK) {
        if (err) *err = b->err;
        return b->st;
    }
    return LK_OK;
}

static void progress(pipeline *pl, uint64_t n_docs, uint64_t off)
{
    if (!pl->log) return;
    double t = lk_clock_s();
    if (t - pl->last_progress < 0.5) return;
    pl->last_progress = t;
    char msg[128];
    uint64_t size = lk_docs_size(pl->docs); /* set at open, read-only since */
    snprintf(msg, sizeof msg, "%llu docs, %.1f/%.1f MB", (unsigned long long)n_docs,
             (double)off / 1e6, (double)size / 1e6);
    pl->log(pl->log_user, LK_LOG_PROGRESS, msg);
}

static lk_status run_pipeline(pipeline *pl, lk_bm25_builder *bld, int threads,
                              lk_bm25_build_stats *stats, lk_error *err)
{
    lk_status st = LK_OK;
    pthread_t th;
    bool started = false;
    lk_bm25_builder_set_title_weight(bld, (uint32_t)lk_analyzer_title_weight(pl->an));
    if (threads > 1) {
        if (pthread_create(&th, NULL, producer, pl) != 0)
            return lk_error_set(err, LK_ERR_NOMEM, "cannot start the analysis thread");
        started = true;
    }
    for (;;) {
        batch *b = &pl->slots[pl->tail];
        if (started) {
            pthread_mutex_lock(&pl->mu);
            while (!pl->ready[pl->tail]) pthread_cond_wait(&pl->cv, &pl->mu);
            pthread_mutex_unlock(&pl->mu);
        } else {
            double t0 = lk_clock_s();
            fill(pl, b);
            pl->busy += lk_clock_s() - t0;
        }
        double t1 = lk_clock_s();
        st = consume(pl, bld, b, &stats->n_docs, err);
        stats->invert_seconds += lk_clock_s() - t1;
        bool last = b->last;
        progress(pl, stats->n_docs, b->offset); /* not lk_docs_offset: the producer moves it */
        pthread_mutex_lock(&pl->mu);
        pl->ready[pl->tail] = false;
        pl->tail = (pl->tail + 1) % N_SLOTS;
        if (st != LK_OK) pl->stop = true;
        pthread_cond_broadcast(&pl->cv);
        pthread_mutex_unlock(&pl->mu);
        if (st != LK_OK || last) break;
    }
    if (started) pthread_join(th, NULL);
    stats->analyze_seconds = pl->busy;
    return st;
}

#define DEL_ID_SHOWN 200 /* bytes of a document id quoted in a message */

/* The live documents of idx whose ids are listed in `path` (one per line), ascending doc
   numbers (malloc'd); an id that is not in the index is LK_ERR_PARSE "path:line: ...". */
static lk_status find_deletions(const lk_bm25_index *idx, const char *path, const char *name,
                                const char *const *ids, size_t n_ids, uint32_t **docs,
                                size_t *n_docs, lk_error *err)
{
    lk_vocab *del = NULL;
    lk_line_reader *r = NULL;
    bool *found = NULL;
    *docs = NULL;
    *n_docs = 0;
    lk_status st = lk_vocab_create(&del);
    for (size_t i = 0; i < n_ids && st == LK_OK; i++) /* count 0: given as --delete-id */
        if (lk_vocab_find(del, ids[i], strlen(ids[i])) == LK_ID_NONE)
            st = lk_vocab_add_count(del, ids[i], strlen(ids[i]), 0, NULL);
    if (st == LK_OK && path) st = lk_line_reader_open(path, &r, err);
    const char *line;
    size_t len;
    bool got;
    while (st == LK_OK && r && (st = lk_line_reader_next(r, &line, &len, &got, err)) == LK_OK &&
           got) {
        while (len && (line[len - 1] == ' ' || line[len - 1] == '\t')) len--;
        if (len && lk_vocab_find(del, line, len) == LK_ID_NONE)
            st = lk_vocab_add_count(del, line, len, lk_line_reader_lineno(r), NULL);
    }
    size_t n = st == LK_OK ? (size_t)lk_vocab_size(del) : 0;
    if (st == LK_OK && (!(found = calloc(n + 1, sizeof *found)) ||
                        !(*docs = malloc((n + 1) * sizeof **docs))))
        st = LK_ERR_NOMEM;
    for (uint32_t d = 0; st == LK_OK && d < lk_bm25_index_doc_end(idx); d++) {
        if (!lk_bm25_index_doc_live(idx, d)) continue;
        size_t il;
        const char *id = lk_bm25_index_doc_id(idx, d, &il);
        int32_t v = lk_vocab_find(del, id, il);
        if (v == LK_ID_NONE) continue;
        found[v] = true;
        (*docs)[(*n_docs)++] = d;
    }
    for (size_t v = 0; st == LK_OK && v < n; v++) {
        if (found[v]) continue;
        char shown[DEL_ID_SHOWN * 4 + 1]; /* the id as given: a NUL or control as \xNN */
        size_t wl = lk_vocab_word_len(del, (int32_t)v);
        lk_utf8_printable(lk_vocab_word(del, (int32_t)v), wl > DEL_ID_SHOWN ? DEL_ID_SHOWN : wl,
                          shown, sizeof shown);
        if (lk_vocab_count(del, (int32_t)v) == 0)
            st = lk_error_set(err, LK_ERR_PARSE, "document id \"%s\" (to delete) is not in the index",
                              shown);
        else if (name)
            st = lk_error_set(err, LK_ERR_PARSE, "%s[%lld]: document id \"%s\" is not in the index",
                              name, (long long)lk_vocab_count(del, (int32_t)v) - 1, shown);
        else
            st = lk_error_at(err, path, lk_vocab_count(del, (int32_t)v), 0,
                             "document id \"%s\" is not in the index", shown);
    }
    if (st != LK_OK) {
        free(*docs);
        *docs = NULL;
        *n_docs = 0;
    }
    free(found);
    lk_line_reader_free(r);
    lk_vocab_free(del);
    return st;
}

static void pipeline_init(pipeline *pl, const char *docs_path, const lk_bm25_index_config *cfg)
{
    memset(pl, 0, sizeof *pl);
    pl->path = cfg->docs_name                                  ? cfg->docs_name
               : docs_path && strcmp(docs_path, "-") != 0 ? docs_path
                                                          : "<stdin>";
    pl->log = cfg->build.log;
    pl->log_user = cfg->build.log_user;
    pl->piece = cfg->piece_bytes ? cfg->piece_bytes : LK_BM25_PIECE_BYTES;
    pthread_mutex_init(&pl->mu, NULL);
    pthread_cond_init(&pl->cv, NULL);
}

static void pipeline_done(pipeline *pl)
{
    pthread_mutex_destroy(&pl->mu);
    pthread_cond_destroy(&pl->cv);
    for (int i = 0; i < N_SLOTS; i++) batch_free(&pl->slots[i]);
    free(pl->pd.docs);
    free(pl->pd.buf);
    free(pl->pd.texts);
    free(pl->pd.lens);
    lk_bytes_free(&pl->pd.recs);
    lk_bytes_free(&pl->rec);
    free(pl->keep);
    lk_docs_free(pl->docs);
    lk_analyzer_free(pl->an);
}

/* A full build of index_dir (replaced atomically). */
static lk_status build_full(const char *docs_path, const char *index_dir,
                            const lk_bm25_index_config *cfg, lk_bm25_build_stats *stats,
                            lk_error *err)
{
    pipeline pl;
    pipeline_init(&pl, docs_path, cfg);
    lk_bm25_builder *bld = NULL;
    lk_status st = lk_analyzer_create(&cfg->analyzer, &pl.an, err);
    if (st == LK_OK) st = lk_docs_open_as(docs_path, cfg->docs_name, cfg->format, &pl.docs, err);
    if (st == LK_OK && cfg->id_prefix && lk_docs_set_id_prefix(pl.docs, cfg->id_prefix) != LK_OK)
        st = lk_error_set(err, LK_ERR_ARG, "an id prefix is for generated ids (text or a "
                                           "directory), not JSON Lines");
    if (st == LK_OK) lk_analyzer_set_input_valid(pl.an, true); /* lk_docs_next checked it */
    pl.zh = pl.an && lk_analyzer__has_zh(pl.an);
    lk_bm25_build_config bc = cfg->build;
    bc.threads = cfg->threads;
    if (bc.store && strcmp(bc.store, "none") != 0) {
        pl.store = bc.store;
        pl.store_len = strlen(bc.store);
    }
    if (st == LK_OK) {
        bc.settings = lk_analyzer_settings(pl.an, &bc.settings_len);
        st = lk_bm25_builder_create(index_dir, &bc, &bld, err);
    }
    if (st == LK_OK && (pl.pos = lk_bm25_builder_positions(bld))) lk_analyzer_set_spans(pl.an, true);
    if (st == LK_OK) st = lk_analyzer_save_files(pl.an, lk_bm25_builder_dir(bld), err);
    if (st == LK_OK) st = run_pipeline(&pl, bld, cfg->threads, stats, err);
    stats->bytes = pl.docs ? lk_docs_offset(pl.docs) : 0;
    if (pl.docs) stats->skipped = *lk_docs_skips(pl.docs);
    if (st == LK_OK && stats->n_docs == 0) /* as bow/tfidf/vocab: an empty index is an error */
        st = lk_error_set(err, LK_ERR_PARSE, "%s: no documents (%s)", cfg->docs_name ? cfg->docs_name : docs_path ? docs_path : "-",
                          cfg->format == LK_DOCS_DIR ? "no readable .txt, .md or .html file"
                                                     : "empty input");
    if (st == LK_OK) {
        st = lk_bm25_builder_finish(bld, err);
        bld = NULL;
    }
    lk_bm25_builder_free(bld);
    pipeline_done(&pl);
    return st;
}

/* An added id equal to a live id of idx (except the documents del[0..n_del) being deleted):
   LK_ERR_PARSE naming the first such line. One lookup per document of idx in the (small)
   table of added ids. */
static lk_status check_new_ids(const lk_bm25_builder *bld, const lk_bm25_index *idx,
                               const uint32_t *del, size_t n_del, const char *path,
                               lk_error *err)
{
    int64_t first = -1;
    uint32_t dup = 0;
    size_t at = 0;
    for (uint32_t d = 0; d < lk_bm25_index_doc_end(idx); d++) {
        if (at < n_del && del[at] == d) {
            at++;
            continue;
        }
        size_t len;
        const char *id = lk_bm25_index_doc_id(idx, d, &len);
        int64_t line = lk_bm25__builder_id_line(bld, id, len);
        if (line >= 0 && (first < 0 || line < first) && lk_bm25_index_doc_live(idx, d)) {
            first = line;
            dup = d;
        }
    }
    if (first < 0) return LK_OK;
    size_t len;
    const char *id = lk_bm25_index_doc_id(idx, dup, &len);
    struct stat sb; /* a folder's documents are files, not lines: the id names the file */
    if (path && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return lk_error_set(err, LK_ERR_PARSE, "%s: duplicate document id \"%.*s\" (already in "
                            "the index)", path, (int)(len > 100 ? 100 : len), id);
    return lk_error_at(err, path, first, 0, "duplicate document id \"%.*s\" (already in the index)",
                       (int)(len > 100 ? 100 : len), id);
}

/* Live documents of idx whose ids the builder holds (ascending, not in del) appended to
   *del (upsert: they are replaced). */
static lk_status upsert_deletions(const lk_bm25_builder *bld, const lk_bm25_index *idx,
                                  uint32_t **del, size_t *n_del)
{
    size_t n0 = *n_del, n;
    uint32_t end = lk_bm25_index_doc_end(idx);
    unsigned char *mark = calloc((size_t)end + 1, 1);
    if (!mark) return LK_ERR_NOMEM;
    for (size_t i = 0; i < n0; i++) mark[(*del)[i]] = 1;
    n = n0;
    for (uint32_t d = 0; d < end; d++) {
        if (mark[d] || !lk_bm25_index_doc_live(idx, d)) continue;
        size_t len;
        const char *id = lk_bm25_index_doc_id(idx, d, &len);
        if (lk_bm25__builder_id_line(bld, id, len) < 0) continue;
        mark[d] = 1;
        n++;
    }
    uint32_t *list = malloc((n + 1) * sizeof *list);
    if (!list) {
        free(mark);
        return LK_ERR_NOMEM;
    }
    size_t k = 0;
    for (uint32_t d = 0; d < end; d++)
        if (mark[d]) list[k++] = d;
    free(mark);
    free(*del);
    *del = list;
    *n_del = k;
    return LK_OK;
}

/* Index the documents of pl into a new segment file of the index being updated by u; the
   deletions (those of *del, plus with cfg->upsert the documents replaced) are applied to u
   first. */
static lk_status add_segment(pipeline *pl, const char *index_dir, const lk_bm25_index *idx,
                             uint32_t **del, size_t *n_del, lk_bm25__update *u,
                             const lk_bm25_index_config *cfg, lk_bm25_build_stats *stats,
                             lk_error *err)
{
    lk_bm25_builder *bld = NULL;
    lk_bm25_build_config bc = cfg->build;
    bc.threads = cfg->threads;
    bc.settings = lk_analyzer_settings(pl->an, &bc.settings_len);
    size_t spec_len = 0; /* the index's store spec, not the config's */
    const char *spec = lk_bm25_index_store_spec(idx, &spec_len);
    char *spec_z = spec ? strndup(spec, spec_len) : NULL;
    if (spec && !spec_z) return LK_ERR_NOMEM;
    bc.store = pl->store = spec_z;
    pl->store_len = spec_len;
    bc.positions = lk_bm25_index_has_positions(idx); /* the index's choice, not the config's */
    lk_status st = lk_bm25_builder_create(index_dir, &bc, &bld, err);
    if (st == LK_OK && (pl->pos = lk_bm25_builder_positions(bld))) lk_analyzer_set_spans(pl->an, true);
    if (st == LK_OK) st = run_pipeline(pl, bld, cfg->threads, stats, err);
    if (st == LK_OK && cfg->upsert) st = upsert_deletions(bld, idx, del, n_del);
    else if (st == LK_OK) st = check_new_ids(bld, idx, *del, *n_del, pl->path, err);
    if (st == LK_OK && *n_del) st = lk_bm25__update_delete(u, *del, *n_del, err);
    stats->bytes = lk_docs_offset(pl->docs);
    stats->skipped = *lk_docs_skips(pl->docs);
    if (st != LK_OK || stats->n_docs == 0) {
        lk_bm25_builder_free(bld);
        free(spec_z);
        return st;
    }
    char *dest = lk_path_join(index_dir, lk_bm25__update_next_name(u));
    uint32_t n_docs = 0;
    st = dest ? lk_bm25__builder_finish_segment(bld, dest, &n_docs, err) : LK_ERR_NOMEM;
    if (!dest) lk_bm25_builder_free(bld);
    free(dest);
    if (st == LK_OK) st = lk_bm25__update_add_segment(u, n_docs, err);
    free(spec_z);
    return st;
}

/* --add / --delete: deletions become tombstones, added documents a new segment, committed
   together by one manifest write; then the merge policy. The caller holds the lock. */
static lk_status update_index(const char *docs_path, const char *index_dir,
                              const lk_bm25_index_config *cfg, lk_bm25_build_stats *stats,
                              lk_error *err)
{
    pipeline pl;
    pipeline_init(&pl, docs_path, cfg);
    lk_bm25_index *idx = NULL;
    lk_bm25__update *u = NULL;
    uint32_t *del = NULL;
    size_t n_del = 0;
    lk_status st = lk_bm25_index_open(index_dir, &idx, err);
    if (st == LK_OK) st = lk_bm25_index_analyzer(idx, &pl.an, err);
    if (st == LK_OK && docs_path) st = lk_docs_open_as(docs_path, cfg->docs_name, cfg->format, &pl.docs, err);
    if (st == LK_OK && pl.docs && cfg->id_prefix &&
        lk_docs_set_id_prefix(pl.docs, cfg->id_prefix) != LK_OK)
        st = lk_error_set(err, LK_ERR_ARG, "an id prefix is for generated ids (text or a "
                                           "directory), not JSON Lines");
    if (st == LK_OK && pl.docs) lk_analyzer_set_input_valid(pl.an, true); /* checked by the reader */
    pl.zh = pl.an && lk_analyzer__has_zh(pl.an);
    if (st == LK_OK) st = lk_bm25__update_begin(index_dir, idx, &u, err);
    if (st == LK_OK && (cfg->delete_path || cfg->n_delete_ids))
        st = find_deletions(idx, cfg->delete_path, cfg->delete_name, cfg->delete_ids, cfg->n_delete_ids, &del,
                            &n_del, err);
    if (st == LK_OK && pl.docs)
        st = add_segment(&pl, index_dir, idx, &del, &n_del, u, cfg, stats, err);
    else if (st == LK_OK && n_del)
        st = lk_bm25__update_delete(u, del, n_del, err);
    if (st == LK_OK) st = lk_bm25__update_commit(u, err);
    lk_bm25__update_free(u);
    lk_bm25_index_free(idx);
    free(del);
    pipeline_done(&pl);
    if (st == LK_OK && stats->n_docs > 0)
        st = lk_bm25__apply_policy(index_dir, cfg->max_segments, &cfg->build, err);
    return st;
}

lk_status lk_bm25_index_build(const char *docs_path, const char *index_dir,
                              const lk_bm25_index_config *cfg, lk_bm25_build_stats *stats,
                              lk_error *err)
{
    lk_bm25_build_stats local;
    if (!stats) stats = &local;
    memset(stats, 0, sizeof *stats);
    double t0 = lk_clock_s();
    bool add = cfg->add || cfg->delete_path || cfg->n_delete_ids;
    if (!docs_path && !cfg->delete_path && !cfg->n_delete_ids && !cfg->merge)
        return lk_error_set(err, LK_ERR_ARG, "no documents to index");
    int lock = -1;
    lk_status st = lk_bm25__lock(index_dir, &lock, err);
    if (st != LK_OK) return st;
    if (cfg->merge && !add && !docs_path) st = lk_bm25__merge_all(index_dir, &cfg->build, err);
    else if (add) st = update_index(docs_path, index_dir, cfg, stats, err);
    else st = build_full(docs_path, index_dir, cfg, stats, err);
    if (st == LK_OK && cfg->merge && (add || docs_path))
        st = lk_bm25__merge_all(index_dir, &cfg->build, err);
    lk_bm25__unlock(lock);
    stats->total_seconds = lk_clock_s() - t0;
    return st;
}

lk_status lk_bm25_index_analyzer(const lk_bm25_index *idx, lk_analyzer **out, lk_error *err)
{
    size_t len;
    const char *s = lk_bm25_index_settings(idx, &len);
    return lk_analyzer__from_settings_shared(s, len, lk_bm25_index_dir(idx),
                                             lk_bm25__index_analyzer_shared(idx), out, err);
}

lk_status lk_bm25_search_text(const lk_bm25_index *idx, lk_bm25_ws *ws, lk_analyzer *an,
                              const char *query, size_t len, const lk_bm25_search_opts *opts,
                              const lk_bm25_hit **hits, size_t *n_hits, lk_error *err)
{
    lk_analyzer_reset(an);
    lk_status st = lk_analyzer_add(an, query, len, err);
    if (st != LK_OK) return st;
    size_t n;
    const lk_term *t = lk_analyzer_terms(an, &n);
    return lk_bm25_search_terms(idx, ws, t, n, opts, hits, n_hits, err);
}

/* ---- running query sets ------------------------------------------------------------- */

bool lk_bm25_format_parse(const char *name, lk_bm25_format *out)
{
    static const char *const names[] = {"trec", "tsv", "json", "text"};
    for (int i = 0; i < 4; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (lk_bm25_format)i;
            return true;
        }
    return false;
}

static void json_str(FILE *fp, const char *s, size_t n)
{
    putc('"', fp);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') fprintf(fp, "\\%c", c);
        else if (c < 0x20) fprintf(fp, "\\u%04x", c);
        else putc(c, fp);
    }
    putc('"', fp);
}

static lk_status write_hits(const lk_bm25_index *idx, const char *qid, size_t qid_len,
                            const lk_bm25_hit *h, size_t n, lk_bm25_format fmt, FILE *fp,
                            lk_error *err)
{
    if (fmt == LK_BM25_FMT_JSON) {
        fputs("{\"qid\": ", fp);
        json_str(fp, qid, qid_len);
        fputs(", \"hits\": [", fp);
    }
    for (size_t i = 0; i < n; i++) {
        size_t il;
        const char *id = lk_bm25_index_doc_id(idx, h[i].doc, &il);
        if (fmt == LK_BM25_FMT_TREC)
            fprintf(fp, "%.*s Q0 %.*s %zu %.9g lexkit\n", (int)qid_len, qid, (int)il, id, i + 1,
                    h[i].score);
        else if (fmt == LK_BM25_FMT_TSV)
            fprintf(fp, "%.*s\t%zu\t%.*s\t%.9g\n", (int)qid_len, qid, i + 1, (int)il, id,
                    h[i].score);
        else {
            fputs(i ? ", {\"id\": " : "{\"id\": ", fp);
            json_str(fp, id, il);
            fprintf(fp, ", \"score\": %.9g}", h[i].score);
        }
    }
    if (fmt == LK_BM25_FMT_JSON) fputs("]}\n", fp);
    if (ferror(fp)) return lk_error_set(err, LK_ERR_IO, "write error");
    return LK_OK;
}

typedef struct {
    const lk_bm25_index *idx;
    lk_bm25_ws *ws;
    lk_analyzer *an;
    const lk_bm25_search_opts *opts;
    lk_bm25_format fmt;
    FILE *fp;
    lk_bm25_run_stats *stats;
    lk_bm25__printer *pr; /* fields, snippets or the text format; NULL: write_hits */
    lk_query_ws *qw;      /* query syntax on, or NULL */
} query_ctx;

static lk_status one_query(query_ctx *c, const char *qid, size_t qid_len, const char *text,
                           size_t len, lk_error *err)
{
    const lk_bm25_hit *h;
    size_t n;
    double t0 = lk_clock_s(), c0 = lk_cpu_clock_s();
    lk_status st = c->qw ? lk_bm25_search_query(c->idx, c->ws, c->an, c->qw, text, len, c->opts,
                                                &h, &n, err)
                         : lk_bm25_search_text(c->idx, c->ws, c->an, text, len, c->opts, &h, &n,
                                               err);
    c->stats->seconds += lk_clock_s() - t0;
    c->stats->cpu_seconds += lk_cpu_clock_s() - c0;
    c->stats->n_queries++;
    if (st != LK_OK) return st;
    if (!c->pr) return write_hits(c->idx, qid, qid_len, h, n, c->fmt, c->fp, err);
    if (c->qw && lk_bm25__printer_snippets(c->pr) &&
        (st = lk_query_ws_terms(c->idx, c->qw, c->an, err)) != LK_OK)
        return st;
    size_t nq;
    const lk_term *q = lk_analyzer_terms(c->an, &nq);
    return lk_bm25__print_hits(c->pr, qid, qid_len, q, nq, h, n, c->fp, err);
}

static lk_status query_file(query_ctx *c, const char *path, lk_error *err)
{
    lk_line_reader *r = NULL;
    lk_status st = lk_line_reader_open(path, &r, err);
    const char *line;
    size_t len;
    bool got;
    while (st == LK_OK && (st = lk_line_reader_next(r, &line, &len, &got, err)) == LK_OK && got) {
        int64_t ln = lk_line_reader_lineno(r);
        if (len == 0) continue;
        if ((st = lk_utf8_check_line(line, len, path, ln, err)) != LK_OK) break;
        const char *tab = memchr(line, '\t', len);
        size_t ql = tab ? (size_t)(tab - line) : len;
        for (size_t i = 0; i < ql && st == LK_OK; i++)
            if ((unsigned char)line[i] <= ' ')
                st = lk_error_at(err, path, ln, lk_utf8_column(line, i),
                                 "query id contains white space");
        if (st != LK_OK) break;
        if (!tab || ql == 0) {
            st = lk_error_at(err, path, ln, lk_utf8_column(line, ql),
                             "expected qid<TAB>query text");
            break;
        }
        st = one_query(c, line, ql, tab + 1, len - ql - 1, err);
        if (st == LK_ERR_PARSE && c->qw) lk_error_prefix(err, "%s:%lld: ", path, (long long)ln);
    }
    lk_line_reader_free(r);
    return st;
}

lk_status lk_bm25_run_queries(const lk_bm25_index *idx, const lk_bm25_search_opts *opts,
                              const char *query, const char *queries_path, lk_bm25_format fmt,
                              FILE *fp, lk_bm25_run_stats *stats, lk_error *err)
{
    lk_bm25_output out = lk_bm25_output_default();
    out.fmt = fmt;
    return lk_bm25_run_queries_out(idx, opts, query, queries_path, &out, fp, stats, err);
}

lk_status lk_bm25_run_queries_out(const lk_bm25_index *idx, const lk_bm25_search_opts *opts,
                                  const char *query, const char *queries_path,
                                  const lk_bm25_output *out, FILE *fp, lk_bm25_run_stats *stats,
                                  lk_error *err)
{
    lk_bm25_run_stats local;
    query_ctx c = {idx, NULL, NULL, opts, out->fmt, fp, stats ? stats : &local, NULL, NULL};
    memset(c.stats, 0, sizeof *c.stats);
    const char *why = lk_bm25_output_check(out);
    if (why) return lk_error_set(err, LK_ERR_ARG, "%s", why);
    lk_status st = lk_bm25_ws_create(idx, &c.ws);
    if (st == LK_OK) st = lk_bm25_index_analyzer(idx, &c.an, err);
    if (st == LK_OK && (out->fmt == LK_BM25_FMT_TEXT || out->fields || out->snippet))
        st = lk_bm25__printer_create(idx, out, &c.pr, err);
    if (st == LK_OK && out->syntax) st = lk_query_ws_create(idx, &c.qw, err);
    if (st == LK_OK && query) {
        size_t len = strlen(query);
        if (!lk_utf8_valid(query, len, NULL))
            st = lk_error_set(err, LK_ERR_PARSE, "the query is not valid UTF-8");
        else st = one_query(&c, "q", 1, query, len, err);
    } else if (st == LK_OK) {
        st = query_file(&c, queries_path, err);
    }
    lk_bm25__printer_free(c.pr);
    lk_query_ws_free(c.qw);
    lk_analyzer_free(c.an);
    lk_bm25_ws_free(c.ws);
    return st;
}
