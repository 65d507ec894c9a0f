/* embed_train.c: the trainer: shared read-only state (loss, sigmoid table, subsampling
   probabilities), one worker per thread over a byte range of the corpus (hogwild), and
   the skip-gram / CBOW steps built on lk_embed_loss_prepare + lk_embed_loss_step. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "models/embed_internal.h"
#include "text/fileio.h"
#include "text/util.h"

#define SYNC_WORDS 10000     /* words between updates of the shared progress counter */
#define PROGRESS_SECONDS 0.5 /* minimum time between progress messages */
#define DEFAULT_ALPHA_SG 0.025
#define DEFAULT_ALPHA_CBOW 0.05
/* After the first epoch, workers replay their chunk's word ids from memory instead of
   re-reading and re-hashing the text, while all caches together stay under this size. */
#define CACHE_MAX_BYTES ((size_t)1 << 30)
#define CACHE_LINE_END LK_ID_NONE

typedef struct {
    const lk_embed_config *cfg;
    lk_embed_model *m;
    lk_embed_loss *loss;
    lk_sigmoid_table sig;
    float *keep;            /* (V) subsampling keep probability */
    const char *path;
    int64_t corpus_words;   /* in-vocabulary words per pass */
    int64_t planned_words;  /* corpus_words * epochs */
    atomic_llong done;      /* words processed by all threads */
    atomic_int stop;        /* set on error or cancellation */
    float alpha0;
    double start;
} trainer;

typedef struct {
    trainer *t;
    int32_t id;
    uint64_t begin, end;     /* byte range: lines starting in [begin, end) */
    lk_rng rng;
    lk_tokenizer *tok;
    lk_loss_batch batch;
    int32_t *sent;           /* word ids of the current line, after subsampling */
    size_t n_sent, cap_sent;
    int32_t *targets, *ctx;  /* (R) targets; context words / rows per batch row */
    size_t cap_targets, cap_ctx;
    int32_t *ctx_off;        /* CBOW: rows of batch row b are ctx[ctx_off[b]..ctx_off[b+1]) */
    size_t cap_ctx_off;
    const float **x;         /* (R) input row pointers */
    size_t cap_x;
    float *h, *dx, *g;       /* composed inputs (R, D), input steps (R, D), scratch (R, S) */
    size_t cap_h, cap_dx, cap_g;
    int32_t *cache;          /* ids of the chunk, lines ended by CACHE_LINE_END */
    size_t n_cache, cap_cache, max_cache;
    bool caching, cached;    /* filling the cache (first epoch); cache complete */
    int64_t pending;         /* words not yet added to t->done */
    float alpha;
    double loss_sum, loss_recent;
    int64_t loss_n, loss_recent_n;
    double last_log;
    lk_status st;
    lk_error err;
} worker;

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif
#define CACHE_LINE_FLOATS 16

/* Start loading the input rows of word w (random rows of a large matrix). */
static void prefetch_rows(const lk_embed_model *m, int32_t w)
{
    int32_t D = m->cfg.dim;
    for (int32_t k = m->sub_off[w]; k < m->sub_off[w + 1]; k++) {
        const float *row = m->in + (size_t)m->sub_rows[k] * D;
        for (int32_t i = 0; i < D; i += CACHE_LINE_FLOATS) PREFETCH(row + i);
    }
}

static inline uint32_t draw_below(lk_rng *rng, uint32_t n)
{
    return (uint32_t)(((uint64_t)lk_rng_u32(rng) * n) >> 32);
}

/* Make room for R batch rows. */
static lk_status worker_reserve(worker *w, size_t R)
{
    size_t D = (size_t)w->t->m->cfg.dim;
    lk_status st = lk_grow((void **)&w->targets, &w->cap_targets, R, sizeof *w->targets);
    if (st == LK_OK) st = lk_grow((void **)&w->x, &w->cap_x, R, sizeof *w->x);
    if (st == LK_OK) st = lk_grow((void **)&w->h, &w->cap_h, R * D, sizeof *w->h);
    if (st == LK_OK) st = lk_grow((void **)&w->dx, &w->cap_dx, R * D, sizeof *w->dx);
    if (st == LK_OK) st = lk_grow((void **)&w->ctx_off, &w->cap_ctx_off, R + 1, sizeof *w->ctx_off);
    return st;
}

static lk_status push_ctx(worker *w, size_t *n, int32_t v)
{
    lk_status st = lk_grow((void **)&w->ctx, &w->cap_ctx, *n + 1, sizeof *w->ctx);
    if (st == LK_OK) w->ctx[(*n)++] = v;
    return st;
}

/* Prepare and run one batched step for R rows (w->targets, w->x); input steps in w->dx. */
static lk_status run_batch(worker *w, int32_t R)
{
    trainer *t = w->t;
    lk_status st = lk_embed_loss_prepare(t->loss, w->targets, R, &w->rng, &w->batch);
    if (st != LK_OK) return st;
    size_t need = (size_t)R * (size_t)w->batch.n_out;
    if ((st = lk_grow((void **)&w->g, &w->cap_g, need, sizeof *w->g)) != LK_OK) return st;
    double loss = lk_embed_loss_step(&w->batch, w->x, t->m->cfg.dim, t->m->out, w->alpha, &t->sig,
                                     w->dx, w->g);
    w->loss_recent += loss;
    w->loss_recent_n += R;
    return LK_OK;
}

/* Skip-gram, word2vec orientation: the context words of one position are the inputs, all
   predicting the word at the position with shared negatives (HogBatch). */
static lk_status sg_words(worker *w, const int32_t *sent, int32_t n)
{
    const lk_embed_config *c = w->t->cfg;
    float *in = w->t->m->in;
    int32_t D = w->t->m->cfg.dim;
    lk_status st = worker_reserve(w, 2 * (size_t)c->window);
    if (st != LK_OK) return st;
    for (int32_t i = 0; i < n; i++) {
        int32_t span = c->window - (int32_t)draw_below(&w->rng, (uint32_t)c->window);
        int32_t lo = i - span < 0 ? 0 : i - span, hi = i + span >= n ? n - 1 : i + span;
        int32_t R = 0;
        for (int32_t j = lo; j <= hi; j++) {
            if (j == i) continue;
            w->targets[R] = sent[i];
            w->x[R] = in + (size_t)sent[j] * D;
            R++;
        }
        if (R == 0) continue;
        if ((st = run_batch(w, R)) != LK_OK) return st;
        for (int32_t r = 0, j = lo; j <= hi; j++) {
            if (j == i) continue;
            lk_embed_axpy(1.0f, w->dx + (size_t)r * D, in + (size_t)sent[j] * D, D);
            r++;
        }
    }
    return LK_OK;
}

/* Skip-gram with subwords, fastText orientation: the position's word (mean of its word
   and n-gram rows) is the input, predicting each context word with its own negatives (as
   fastText; sharing them cost 8 analogy points here). The n-gram rows get the summed step
   once per position, so the mean is composed and scattered once, not once per context. */
static lk_status sg_subwords(worker *w, const int32_t *sent, int32_t n)
{
    const lk_embed_config *c = w->t->cfg;
    const lk_embed_model *m = w->t->m;
    float *in = m->in;
    int32_t D = m->cfg.dim;
    lk_status st = worker_reserve(w, 2 * (size_t)c->window);
    if (st != LK_OK) return st;
    float *h = w->h, *acc = w->h + D;
    for (int32_t i = 0; i < n; i++) {
        int32_t span = c->window - (int32_t)draw_below(&w->rng, (uint32_t)c->window);
        int32_t lo = i - span < 0 ? 0 : i - span, hi = i + span >= n ? n - 1 : i + span;
        if (i + 1 < n) prefetch_rows(m, sent[i + 1]);
        const int32_t *rows = m->sub_rows + m->sub_off[sent[i]];
        int32_t n_rows = m->sub_off[sent[i] + 1] - m->sub_off[sent[i]];
        lk_embed_mean_rows(in, D, rows, n_rows, h);
        memset(acc, 0, (size_t)D * sizeof *acc);
        bool any = false;
        for (int32_t j = lo; j <= hi; j++) {
            if (j == i) continue;
            w->targets[0] = sent[j];
            w->x[0] = h;
            if ((st = run_batch(w, 1)) != LK_OK) return st;
            lk_embed_axpy(1.0f, w->dx, acc, D);
            any = true;
        }
        if (!any) continue;
        for (int32_t k = 0; k < n_rows; k++) lk_embed_axpy(1.0f, acc, in + (size_t)rows[k] * D, D);
    }
    return LK_OK;
}

/* CBOW: each input is the mean of a position's context rows (words, or words and
   n-grams), predicting its word. Up to cbow_batch positions 2 * window + 1 apart (so their
   windows are disjoint and no input row is updated twice from stale values) form one
   batch sharing its negatives. */
static lk_status cbow(worker *w, const int32_t *sent, int32_t n)
{
    const lk_embed_config *c = w->t->cfg;
    const lk_embed_model *m = w->t->m;
    float *in = m->in;
    int32_t D = m->cfg.dim;
    /* HS paths differ per target: one position per batch keeps the union small */
    int32_t B = m->cfg.loss == LK_LOSS_HS ? 1 : c->cbow_batch;
    int32_t stride = B > 1 ? 2 * c->window + 1 : 1;
    lk_status st = worker_reserve(w, (size_t)B);
    if (st != LK_OK) return st;
    for (int32_t base = 0; base < n; base += B * stride) {
        for (int32_t o = 0; o < stride && base + o < n; o++) {
            int32_t R = 0;
            size_t n_ctx = 0;
            for (int32_t i = base + o; i < n && i < base + B * stride; i += stride) {
                int32_t span = c->window - (int32_t)draw_below(&w->rng, (uint32_t)c->window);
                int32_t lo = i - span < 0 ? 0 : i - span, hi = i + span >= n ? n - 1 : i + span;
                size_t first = n_ctx;
                for (int32_t j = lo; j <= hi; j++) {
                    if (j == i) continue;
                    for (int32_t k = m->sub_off[sent[j]]; k < m->sub_off[sent[j] + 1]; k++)
                        if ((st = push_ctx(w, &n_ctx, m->sub_rows[k])) != LK_OK) return st;
                }
                if (n_ctx == first) continue;
                float *h = w->h + (size_t)R * D;
                lk_embed_mean_rows(in, D, w->ctx + first, (int32_t)(n_ctx - first), h);
                w->ctx_off[R] = (int32_t)first;
                w->targets[R] = sent[i];
                w->x[R] = h;
                R++;
            }
            if (R == 0) continue;
            w->ctx_off[R] = (int32_t)n_ctx;
            if ((st = run_batch(w, R)) != LK_OK) return st;
            for (int32_t r = 0; r < R; r++)
                for (int32_t k = w->ctx_off[r]; k < w->ctx_off[r + 1]; k++)
                    lk_embed_axpy(1.0f, w->dx + (size_t)r * D, in + (size_t)w->ctx[k] * D, D);
        }
    }
    return LK_OK;
}

static lk_status train_sentence(worker *w)
{
    if (w->n_sent < 2) return LK_OK;
    int32_t n = (int32_t)w->n_sent;
    if (w->t->m->cfg.arch == LK_EMBED_CBOW) return cbow(w, w->sent, n);
    if (lk_embed_has_subwords(&w->t->m->cfg)) return sg_subwords(w, w->sent, n);
    return sg_words(w, w->sent, n);
}

static void format_eta(double s, char *buf, size_t n)
{
    if (!(s >= 0) || s > 1e7) {
        snprintf(buf, n, "--");
        return;
    }
    long sec = (long)(s + 0.5);
    if (sec >= 3600) snprintf(buf, n, "%ldh%02ldm", sec / 3600, (sec / 60) % 60);
    else snprintf(buf, n, "%ldm%02lds", sec / 60, sec % 60);
}

/* Publish pending words, recompute the learning rate, check for cancellation, report. */
static void sync_progress(worker *w)
{
    trainer *t = w->t;
    long long done = atomic_fetch_add(&t->done, (long long)w->pending) + w->pending;
    w->pending = 0;
    double frac = (double)done / ((double)t->planned_words + 1.0);
    float alpha = t->alpha0 * (float)(1.0 - frac);
    float floor = t->alpha0 * (float)LK_EMBED_MIN_ALPHA_RATIO;
    w->alpha = alpha < floor ? floor : alpha;
    if (t->cfg->cancel && *t->cfg->cancel) atomic_store(&t->stop, 1);
    if (w->id != 0 || (!t->cfg->log && !t->cfg->progress)) return;
    double now = lk_clock_s();
    if (now - w->last_log < PROGRESS_SECONDS) return;
    w->last_log = now;
    double el = now - t->start, rate = el > 0 ? (double)done / el : 0;
    char eta[32], msg[160];
    double left = rate > 0 ? ((double)t->planned_words - (double)done) / rate : -1;
    format_eta(left, eta, sizeof eta);
    double loss = w->loss_recent_n ? w->loss_recent / (double)w->loss_recent_n : 0;
    w->loss_sum += w->loss_recent;
    w->loss_n += w->loss_recent_n;
    w->loss_recent = 0;
    w->loss_recent_n = 0;
    if (t->cfg->progress) {
        lk_embed_progress p = {frac > 1 ? 1 : frac, rate, loss, (double)w->alpha, left};
        t->cfg->progress(t->cfg->progress_user, &p);
    }
    if (!t->cfg->log) return;
    snprintf(msg, sizeof msg, "embed: %5.1f%%  %.0f words/s  loss %.4f  alpha %.5f  ETA %s",
             100.0 * (frac > 1 ? 1 : frac), rate, loss, (double)w->alpha, eta);
    t->cfg->log(t->cfg->log_user, LK_LOG_PROGRESS, msg);
}

/* Remember id for later epochs; on overflow the cache is dropped and epochs re-read. */
static void cache_push(worker *w, int32_t id)
{
    if (!w->caching) return;
    if (w->n_cache == w->max_cache ||
        lk_grow((void **)&w->cache, &w->cap_cache, w->n_cache + 1, sizeof *w->cache) != LK_OK) {
        free(w->cache);
        w->cache = NULL;
        w->n_cache = w->cap_cache = 0;
        w->caching = false;
        return;
    }
    w->cache[w->n_cache++] = id;
}

/* One in-vocabulary word of the current line: subsample, append, train full pieces. */
static lk_status add_id(worker *w, int32_t id)
{
    trainer *t = w->t;
    w->pending++;
    if (t->keep[id] < 1.0f && t->keep[id] < lk_rng_uniform(&w->rng)) return LK_OK;
    lk_status st = lk_grow((void **)&w->sent, &w->cap_sent, w->n_sent + 1, sizeof *w->sent);
    if (st != LK_OK) return st;
    w->sent[w->n_sent++] = id;
    if (w->n_sent == LK_EMBED_MAX_SENTENCE) {
        st = train_sentence(w);
        w->n_sent = 0;
    }
    return st;
}

static lk_status add_word(void *p, const char *s, size_t len)
{
    worker *w = p;
    int32_t id = lk_vocab_find(w->t->m->vocab, s, len);
    if (id == LK_ID_NONE) return LK_OK;
    cache_push(w, id);
    return add_id(w, id);
}

/* A later epoch from the cache. */
static lk_status replay_chunk(worker *w)
{
    lk_status st = LK_OK;
    w->n_sent = 0;
    for (size_t i = 0; i < w->n_cache && st == LK_OK; i++) {
        if (w->cache[i] != CACHE_LINE_END) {
            st = add_id(w, w->cache[i]);
            continue;
        }
        st = train_sentence(w);
        w->n_sent = 0;
        if (w->pending >= SYNC_WORDS) {
            sync_progress(w);
            if (atomic_load(&w->t->stop)) break;
        }
    }
    return st;
}

/* Open the corpus positioned at the first line starting at or after `begin`; *pos is
   that line's offset. */
static lk_status open_at(const char *path, uint64_t begin, FILE **out, uint64_t *pos,
                         lk_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return lk_error_in(err, LK_ERR_IO, path, "%s", strerror(errno));
    uint64_t p = begin;
    if (begin > 0) {
        if (fseeko(fp, (off_t)(begin - 1), SEEK_SET) != 0) {
            fclose(fp);
            return lk_error_in(err, LK_ERR_IO, path, "seek: %s", strerror(errno));
        }
        int ch = getc(fp); /* the byte before: a '\n' means a line starts at begin */
        while (ch != EOF && ch != '\n') {
            ch = getc(fp);
            p++;
        }
    }
    *out = fp;
    *pos = p;
    return LK_OK;
}

static lk_status train_chunk(worker *w)
{
    trainer *t = w->t;
    FILE *fp = NULL;
    lk_line_reader *r = NULL;
    uint64_t pos = 0;
    lk_status st = open_at(t->path, w->begin, &fp, &pos, &w->err);
    if (st == LK_OK) st = lk_line_reader_from_file(fp, t->path, &r, &w->err);
    while (st == LK_OK && !atomic_load(&t->stop)) {
        if (pos + lk_line_reader_offset(r) >= w->end) break;
        const char *line;
        size_t len;
        bool got;
        if ((st = lk_line_reader_next(r, &line, &len, &got, &w->err)) != LK_OK || !got) break;
        w->n_sent = 0;
        st = lk_embed_each_token(w->tok, line, len, t->path, 0, add_word, w, &w->err);
        cache_push(w, CACHE_LINE_END);
        if (st == LK_OK) st = train_sentence(w);
        if (w->pending >= SYNC_WORDS) sync_progress(w);
    }
    lk_line_reader_free(r);
    if (fp) fclose(fp);
    return st;
}

static void *worker_main(void *p)
{
    worker *w = p;
    trainer *t = w->t;
    w->alpha = t->alpha0;
    w->st = lk_embed_tokenizer_open(t->cfg, &w->tok);
    w->caching = t->cfg->epochs > 1;
    for (int32_t e = 0; e < t->cfg->epochs && w->st == LK_OK && !atomic_load(&t->stop); e++) {
        w->st = w->cached ? replay_chunk(w) : train_chunk(w);
        w->cached = w->caching;
        w->caching = false;
    }
    sync_progress(w);
    w->loss_sum += w->loss_recent;
    w->loss_n += w->loss_recent_n;
    if (w->st != LK_OK) atomic_store(&t->stop, 1);
    return NULL;
}

static void worker_free(worker *w)
{
    lk_tokenizer_free(w->tok);
    lk_loss_batch_free(&w->batch);
    free(w->sent);
    free(w->cache);
    free(w->targets);
    free(w->ctx);
    free(w->ctx_off);
    free(w->x);
    free(w->h);
    free(w->dx);
    free(w->g);
}

/* ---- counting pass for a resumed model ------------------------------------------------ */

typedef struct {
    const lk_vocab *v;
    int64_t n;
} count_ctx;

static lk_status count_known(void *p, const char *s, size_t len)
{
    count_ctx *c = p;
    if (lk_vocab_find(c->v, s, len) != LK_ID_NONE) c->n++;
    return LK_OK;
}

static lk_status count_corpus(const lk_embed_config *cfg, const char *path, const lk_vocab *v,
                              int64_t *n, lk_error *err)
{
    lk_line_reader *r = NULL;
    lk_tokenizer *tok = NULL;
    count_ctx c = {v, 0};
    lk_status st = lk_embed_tokenizer_open(cfg, &tok);
    if (st == LK_OK) st = lk_line_reader_open(path, &r, err);
    while (st == LK_OK) {
        const char *line;
        size_t len;
        bool got;
        if ((st = lk_line_reader_next(r, &line, &len, &got, err)) != LK_OK || !got) break;
        st = lk_embed_each_token(tok, line, len, path, lk_line_reader_lineno(r), count_known, &c,
                                 err);
    }
    lk_line_reader_free(r);
    lk_tokenizer_free(tok);
    *n = c.n;
    return st;
}

/* ---- driver ---------------------------------------------------------------------------- */

static lk_status trainer_init(trainer *t, const lk_embed_config *cfg, lk_embed_model *m,
                              const char *path)
{
    memset(t, 0, sizeof *t);
    t->cfg = cfg;
    t->m = m;
    t->path = path;
    lk_status st;
    if (m->cfg.loss == LK_LOSS_NS)
        st = lk_embed_loss_create_ns(m->counts, m->V, cfg->negative, LK_UNIGRAM_POWER,
                                     LK_UNIGRAM_TABLE_SIZE, &t->loss);
    else
        st = lk_embed_loss_create_hs(m->counts, m->V, &t->loss);
    if (st == LK_OK) st = lk_sigmoid_table_init(&t->sig, LK_SIGMOID_TABLE_SIZE);
    if (st != LK_OK) return st;
    if (!(t->keep = malloc((size_t)m->V * sizeof *t->keep))) return LK_ERR_NOMEM;
    for (int32_t w = 0; w < m->V; w++)
        t->keep[w] = (float)lk_embed_keep_prob(m->counts[w], m->total, cfg->sample);
    double a = cfg->alpha > 0 ? cfg->alpha
               : m->cfg.arch == LK_EMBED_CBOW ? DEFAULT_ALPHA_CBOW : DEFAULT_ALPHA_SG;
    t->alpha0 = (float)a;
    return LK_OK;
}

static void trainer_free(trainer *t)
{
    lk_embed_loss_free(t->loss);
    lk_sigmoid_table_free(&t->sig);
    free(t->keep);
}

static lk_status run_workers(trainer *t, uint64_t size, lk_embed_stats *stats, lk_error *err)
{
    int32_t T = t->cfg->threads;
    worker *ws = calloc((size_t)T, sizeof *ws);
    pthread_t *th = calloc((size_t)T, sizeof *th);
    bool *started = calloc((size_t)T, sizeof *started);
    lk_status st = (ws && th && started) ? LK_OK : LK_ERR_NOMEM;
    t->start = lk_clock_s();
    for (int32_t i = 0; i < T && st == LK_OK; i++) {
        worker *w = &ws[i];
        w->t = t;
        w->id = i;
        w->begin = size * (uint64_t)i / (uint64_t)T;
        w->end = size * (uint64_t)(i + 1) / (uint64_t)T;
        lk_rng_seed(&w->rng, t->cfg->seed + (uint64_t)i);
        w->last_log = t->start;
        w->max_cache = CACHE_MAX_BYTES / sizeof(int32_t) / (size_t)T;
    }
    if (st == LK_OK && T == 1) {
        worker_main(&ws[0]);
    } else {
        for (int32_t i = 0; i < T && st == LK_OK; i++) {
            if (pthread_create(&th[i], NULL, worker_main, &ws[i]) != 0) {
                atomic_store(&t->stop, 1);
                st = lk_error_set(err, LK_ERR_NOMEM, "cannot start training thread %d", (int)i);
            } else {
                started[i] = true;
            }
        }
        for (int32_t i = 0; i < T; i++)
            if (started && started[i]) pthread_join(th[i], NULL);
    }
    double loss = 0;
    int64_t loss_n = 0;
    for (int32_t i = 0; ws && i < T; i++) {
        if (st == LK_OK && ws[i].st != LK_OK) {
            st = ws[i].st;
            if (err) *err = ws[i].err;
        }
        loss += ws[i].loss_sum;
        loss_n += ws[i].loss_n;
        worker_free(&ws[i]);
    }
    if (st == LK_OK && t->cfg->cancel && *t->cfg->cancel)
        st = lk_error_set(err, LK_ERR_STATE, "training interrupted");
    if (stats) {
        stats->words = atomic_load(&t->done);
        stats->corpus_words = t->corpus_words;
        stats->seconds = lk_clock_s() - t->start;
        stats->words_per_sec = stats->seconds > 0 ? (double)stats->words / stats->seconds : 0;
        stats->loss = loss_n ? loss / (double)loss_n : 0;
    }
    free(ws);
    free(th);
    free(started);
    return st;
}

lk_status lk_embed_train(const lk_embed_config *c, const char *corpus, lk_embed_model **model,
                         lk_embed_stats *stats, lk_error *err)
{
    if (stats) memset(stats, 0, sizeof *stats);
    lk_status cst = lk_embed_config_check(c, err);
    if (cst != LK_OK) return cst;
    struct stat sb;
    if (!corpus || strcmp(corpus, "-") == 0)
        return lk_error_set(err, LK_ERR_ARG,
                            "the corpus must be a file (training reads it several times)");
    if (stat(corpus, &sb) != 0) return lk_error_in(err, LK_ERR_IO, corpus, "%s", strerror(errno));
    if (!S_ISREG(sb.st_mode))
        return lk_error_in(err, LK_ERR_IO, corpus, "not a regular file");
    lk_status st;
    bool fresh = *model == NULL;
    int64_t corpus_words = 0;
    lk_embed_config resumed;
    if (!fresh) { /* the corpus is read as the model's was: its tokenization is kept */
        resumed = *c;
        resumed.tokenize = (*model)->cfg.tokenize;
        resumed.keep_case = (*model)->cfg.keep_case;
        c = &resumed;
    }
    if (fresh) {
        lk_vocab *v = NULL;
        if ((st = lk_embed_build_vocab(c, corpus, &v, err)) != LK_OK) return st;
        if ((st = lk_embed_model_create(c, v, model)) != LK_OK)
            return lk_error_set(err, st, "cannot allocate the model: %s", lk_status_str(st));
        corpus_words = (*model)->total;
    } else {
        if ((st = count_corpus(c, corpus, (*model)->vocab, &corpus_words, err)) != LK_OK) return st;
        if (corpus_words == 0)
            return lk_error_in(err, LK_ERR_PARSE, corpus, "no word of the model's vocabulary occurs");
    }
    lk_embed_model *m = *model;
    if (c->log) {
        char msg[200];
        snprintf(msg, sizeof msg, "embed: %d words in the vocabulary, %lld corpus words per epoch",
                 (int)m->V, (long long)corpus_words);
        c->log(c->log_user, LK_LOG_INFO, msg);
    }
    trainer t;
    st = trainer_init(&t, c, m, corpus);
    if (st == LK_OK) {
        t.corpus_words = corpus_words;
        t.planned_words = corpus_words * c->epochs;
        st = run_workers(&t, (uint64_t)sb.st_size, stats, err);
    } else {
        lk_error_set(err, st, "cannot set up training: %s", lk_status_str(st));
    }
    trainer_free(&t);
    if (st == LK_OK) {
        m->epochs_done += c->epochs;
        /* the per-run fields follow the last run */
        m->cfg.window = c->window;
        m->cfg.negative = c->negative;
        m->cfg.sample = c->sample;
        m->cfg.alpha = c->alpha;
        m->cfg.seed = c->seed;
        m->cfg.epochs = c->epochs;
    }
    if (st != LK_OK && fresh) {
        lk_embed_model_free(*model);
        *model = NULL;
    }
    return st;
}
