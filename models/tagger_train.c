/* tagger_train.c: the training loop: shuffled length-bucketed minibatches, data-parallel
   workers (one per thread, fixed split and summation order, so a seed gives the same run for
   a given thread count), clipping, Adam/SGD, dev-based early stopping with an atomically
   written best model, a resumable checkpoint and NaN/inf detection. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "models/tagger.h"
#include "models/tagger_internal.h"
#include "text/fileio.h"
#include "text/util.h"

#define LK_TRAIN_BUCKET 50        /* batches per length-sorted bucket */
#define LK_TRAIN_MAX_THREADS 64
#define LK_TRAIN_LOG_EVERY 2.0    /* seconds between progress messages */
#define LK_BEST_SUFFIX ".best" /* MODEL.ckpt.best: the best weights of a resumable run */

lk_tagger_train_config lk_tagger_train_config_default(void)
{
    lk_tagger_train_config c;
    memset(&c, 0, sizeof c);
    c.model = lk_tagger_config_default();
    c.epochs = 20;
    c.batch = 32;
    c.optimizer = 1;
    c.lr = 0;
    c.clip = 5.0f;
    c.bptt = 0;
    c.dropout = 0.33f;
    c.word_dropout = 0.25f;
    c.patience = 5;
    c.threads = 1;
    c.seed = 1;
    return c;
}

lk_status lk_tagger_train_config_check(const lk_tagger_train_config *c, lk_error *err)
{
    lk_status st = lk_tagger_config_check(&c->model, err);
    if (st != LK_OK) return st;
    if (c->epochs < 1) return lk_error_set(err, LK_ERR_ARG, "epochs must be >= 1");
    if (c->n_with_model > LK_TAGGER_MAX_WITH_MODEL || (c->n_with_model && !c->with_model))
        return lk_error_set(err, LK_ERR_ARG, "at most %d outputs besides the model",
                            LK_TAGGER_MAX_WITH_MODEL);
    if (c->batch < 1) return lk_error_set(err, LK_ERR_ARG, "batch must be >= 1");
    if (c->optimizer != 0 && c->optimizer != 1)
        return lk_error_set(err, LK_ERR_ARG, "optimizer must be adam or sgd");
    if (!(c->lr >= 0) || !isfinite(c->lr)) return lk_error_set(err, LK_ERR_ARG, "lr must be >= 0");
    if (!(c->clip >= 0)) return lk_error_set(err, LK_ERR_ARG, "clip must be >= 0");
    if (c->bptt < 0) return lk_error_set(err, LK_ERR_ARG, "bptt must be >= 0");
    if (!(c->dropout >= 0 && c->dropout < 1))
        return lk_error_set(err, LK_ERR_ARG, "dropout must be in [0, 1)");
    if (!(c->word_dropout >= 0)) return lk_error_set(err, LK_ERR_ARG, "word dropout must be >= 0");
    if (!(c->feat_dropout >= 0 && c->feat_dropout < 1))
        return lk_error_set(err, LK_ERR_ARG, "feature dropout must be in [0, 1)");
    if (c->patience < 0) return lk_error_set(err, LK_ERR_ARG, "patience must be >= 0");
    if (c->average < 0 || c->average > 64)
        return lk_error_set(err, LK_ERR_ARG, "average must be in 0..64");
    if (c->threads < 1 || c->threads > LK_TRAIN_MAX_THREADS)
        return lk_error_set(err, LK_ERR_ARG, "threads must be in 1..%d", LK_TRAIN_MAX_THREADS);
    return LK_OK;
}

static void logf_(const lk_tagger_train_config *c, int level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void logf_(const lk_tagger_train_config *c, int level, const char *fmt, ...)
{
    if (!c->log) return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    c->log(c->log_user, level, msg);
}

static void fmt_eta(double s, char *out, size_t cap)
{
    if (!(s >= 0) || s > 1e7) s = 0;
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(out, cap, "%ldh%02ldm", t / 3600, (t / 60) % 60);
    else
        snprintf(out, cap, "%ldm%02lds", t / 60, t % 60);
}

/* One worker: its share of a minibatch, its own scratch, rng and gradient buffer. */
typedef struct {
    const lk_tagger *m;
    const lk_tg_data *d;
    lk_tagger_ws *ws;
    lk_rng rng;
    lk_real *grad;
    size_t *idx;          /* sentences of this worker's share */
    int32_t n_idx;
    float dropout, word_dropout;
    lk_real scale;
    size_t n_emb;         /* elements of the embedding tables (the start of the buffer) */
    double loss;
    lk_status st;
} worker;

static void *worker_run(void *arg)
{
    worker *w = arg;
    w->loss = 0;
    w->st = LK_OK;
    /* the embedding rows are kept zero by the sparse update; clear the dense part */
    memset(w->grad + w->n_emb, 0, (w->m->params.n - w->n_emb) * sizeof *w->grad);
    if (w->n_idx == 0) return NULL;
    w->st = lk_tg_forward(w->m, w->ws, w->d, w->idx, w->n_idx, true, w->dropout, w->word_dropout,
                          &w->rng);
    if (w->st == LK_OK) w->st = lk_tg_loss_backward(w->m, w->ws, w->grad, w->scale, &w->loss);
    return NULL;
}

/* Embedding tables get row-sparse updates (only the rows a batch touched: lazy Adam, as
   PyTorch's SparseAdam, or SGD with momentum); everything after them goes through the
   dense lk_optim. Rows are numbered word rows first, then feature rows. */
typedef struct {
    size_t n_emb;          /* elements of both tables */
    int32_t Vw, Vf, Dw, Df;
    size_t off_w, off_f;
    lk_real *m1, *m2;      /* (n_emb) Adam moments, or m1 = SGD velocity */
    uint8_t *mark;         /* (Vw + Vf) row touched in this batch */
    int32_t *rows;         /* touched rows */
    size_t n_rows;
} sparse_opt;

static lk_real *row_ptr(const sparse_opt *so, lk_real *base, int32_t r, int32_t *dim)
{
    if (r < so->Vw) {
        *dim = so->Dw;
        return base + so->off_w + (size_t)r * (size_t)so->Dw;
    }
    *dim = so->Df;
    return base + so->off_f + (size_t)(r - so->Vw) * (size_t)so->Df;
}

static void mark_row(sparse_opt *so, int32_t r)
{
    if (so->mark[r]) return;
    so->mark[r] = 1;
    so->rows[so->n_rows++] = r;
}

typedef struct {
    lk_tagger *m;
    lk_optim *opt;
    sparse_opt so;
    worker *workers;
    int32_t n_workers;
    size_t *order, *batch_start; /* sentence order and batch boundaries of an epoch */
    size_t n_batches;
    lk_rng rng;
    lk_tg_data train, dev;
    lk_tagger_ws *dev_ws;
    double ref_loss;     /* the run's first finite step loss, -1 before it */
    const char *diverge; /* why the last step diverged (lk_tg_diverged), or NULL */
} trainer;

const char *lk_tg_diverged(double loss, double grad_norm, double ref_loss, int32_t n_labels)
{
    if (!isfinite(loss)) return "the loss is NaN/inf";
    if (!isfinite(grad_norm)) return "the gradient norm is NaN/inf";
    double base = n_labels > 1 ? log((double)n_labels) : 1.0;
    if (ref_loss > base) base = ref_loss;
    if (loss > LK_TG_DIVERGE_FACTOR * base) return "the loss exploded";
    return NULL;
}

bool lk_tg_all_finite(const lk_real *x, size_t n)
{
    /* x * 0 is 0 for finite x and NaN for inf/NaN: one NaN makes the sum NaN. Four
       accumulators keep the loop short; no branch per element. */
    lk_real a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        a0 += x[i] * 0;
        a1 += x[i + 1] * 0;
        a2 += x[i + 2] * 0;
        a3 += x[i + 3] * 0;
    }
    for (; i < n; i++) a0 += x[i] * 0;
    return (a0 + a1 + a2 + a3) == 0;
}

static void shuffle(size_t *a, size_t n, lk_rng *rng)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)lk_rng_below(rng, i);
        size_t t = a[i - 1];
        a[i - 1] = a[j];
        a[j] = t;
    }
}

/* Shuffle sentences, sort each bucket of LK_TRAIN_BUCKET batches by length (less padding),
   cut it into batches and shuffle the batch order. */
static lk_status plan_epoch(trainer *t, int32_t batch)
{
    const lk_tg_data *d = &t->train;
    size_t n = d->n_sents;
    for (size_t i = 0; i < n; i++) t->order[i] = i;
    shuffle(t->order, n, &t->rng);
    size_t bucket = (size_t)batch * LK_TRAIN_BUCKET;
    for (size_t b0 = 0; b0 < n; b0 += bucket) {
        size_t bn = n - b0 < bucket ? n - b0 : bucket;
        size_t *a = t->order + b0;
        for (size_t i = 1; i < bn; i++) { /* insertion sort by length, stable */
            size_t v = a[i], j = i;
            size_t lv = d->off[v + 1] - d->off[v];
            while (j > 0 && d->off[a[j - 1] + 1] - d->off[a[j - 1]] > lv) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = v;
        }
    }
    t->n_batches = (n + (size_t)batch - 1) / (size_t)batch;
    for (size_t b = 0; b < t->n_batches; b++) t->batch_start[b] = b * (size_t)batch;
    shuffle(t->batch_start, t->n_batches, &t->rng);
    return LK_OK;
}

/* Update the touched embedding rows from p->grad (times gscale), then zero them. */
/* Returns false when an updated row is no longer finite. */
static bool sparse_step(trainer *t, const lk_tagger_train_config *c, lk_real gscale)
{
    bool finite = true;
    sparse_opt *so = &t->so;
    lk_params *p = &t->m->params;
    bool adam = c->optimizer == 1;
    double lr = c->lr > 0 ? c->lr : (adam ? 2e-3 : 0.1);
    double b1 = 0.9, b2 = 0.999, eps = 1e-8, mu = 0.9;
    double step = (double)lk_optim_steps(t->opt);
    double c1 = 1.0 - pow(b1, step), c2 = 1.0 - pow(b2, step);
    for (size_t i = 0; i < so->n_rows; i++) {
        int32_t dim, r = so->rows[i];
        lk_real *g = row_ptr(so, p->grad, r, &dim);
        size_t o = (size_t)(g - p->grad);
        lk_real *x = p->data + o, *m1 = so->m1 + o, *m2 = so->m2 ? so->m2 + o : NULL;
        for (int32_t j = 0; j < dim; j++) {
            double gj = (double)g[j] * gscale;
            if (adam) {
                m1[j] = (lk_real)(b1 * m1[j] + (1 - b1) * gj);
                m2[j] = (lk_real)(b2 * m2[j] + (1 - b2) * gj * gj);
                x[j] -= (lk_real)(lr * (m1[j] / c1) / (sqrt(m2[j] / c2) + eps));
            } else {
                m1[j] = (lk_real)(mu * m1[j] + gj);
                x[j] -= (lk_real)(lr * m1[j]);
            }
            g[j] = 0;
        }
        if (finite) finite = lk_tg_all_finite(x, (size_t)dim);
        so->mark[r] = 0;
    }
    so->n_rows = 0;
    return finite;
}

/* One minibatch: split sentences round-robin over the workers, run them, sum gradients
   in worker order, clip and step. *loss is the mean loss per position (or sequence). */
static lk_status train_batch(trainer *t, const lk_tagger_train_config *c, const size_t *sents,
                             int32_t n, double *loss, size_t *n_pos, bool *diverged)
{
    size_t tokens = 0;
    for (int32_t i = 0; i < n; i++) tokens += t->train.off[sents[i] + 1] - t->train.off[sents[i]];
    *n_pos = tokens;
    lk_real scale = c->model.crf ? (lk_real)(1.0 / n) : (lk_real)(1.0 / (tokens ? tokens : 1));
    for (int32_t k = 0; k < t->n_workers; k++) {
        t->workers[k].n_idx = 0;
        t->workers[k].scale = scale;
    }
    for (int32_t i = 0; i < n; i++) {
        worker *w = &t->workers[i % t->n_workers];
        w->idx[w->n_idx++] = sents[i];
    }
    pthread_t th[LK_TRAIN_MAX_THREADS];
    bool started[LK_TRAIN_MAX_THREADS] = {false};
    for (int32_t k = 1; k < t->n_workers; k++)
        started[k] = pthread_create(&th[k], NULL, worker_run, &t->workers[k]) == 0;
    worker_run(&t->workers[0]);
    for (int32_t k = 1; k < t->n_workers; k++) {
        if (started[k])
            pthread_join(th[k], NULL);
        else
            worker_run(&t->workers[k]);
    }
    double total = 0;
    lk_params *p = &t->m->params;
    sparse_opt *so = &t->so;
    size_t ne = so->n_emb, nd = p->n - ne;
    for (int32_t k = 0; k < t->n_workers; k++) {
        worker *w = &t->workers[k];
        if (w->st != LK_OK) return w->st;
        total += w->loss;
        if (w->n_idx == 0) continue;
        size_t N = (size_t)w->ws->T * (size_t)w->ws->B;
        for (size_t i = 0; i < N; i++)
            if (w->ws->main[i] >= 0) mark_row(so, w->ws->main[i]);
        for (int32_t g = 0; so->Df > 0 && g < w->m->n_groups; g++) {
            const int32_t *ids = w->ws->fids + (size_t)g * w->ws->fstride;
            for (int32_t i = 0; i < w->ws->foff[(size_t)g * (N + 1) + N]; i++)
                mark_row(so, so->Vw + ids[i]);
        }
    }
    for (int32_t k = 1; k < t->n_workers; k++) {
        lk_axpy(nd, 1, t->workers[k].grad + ne, p->grad + ne);
        for (size_t i = 0; i < so->n_rows; i++) {
            int32_t dim;
            lk_real *src = row_ptr(so, t->workers[k].grad, so->rows[i], &dim);
            lk_real *dst = row_ptr(so, p->grad, so->rows[i], &dim);
            lk_axpy((size_t)dim, 1, src, dst);
            memset(src, 0, (size_t)dim * sizeof *src);
        }
    }
    *loss = total / (double)(tokens ? tokens : 1); /* per position, softmax or CRF */
    double sq = lk_sumsq(nd, p->grad + ne);
    for (size_t i = 0; i < so->n_rows; i++) {
        int32_t dim;
        const lk_real *g = row_ptr(so, p->grad, so->rows[i], &dim);
        sq += lk_sumsq((size_t)dim, g);
    }
    double norm = sqrt(sq);
    t->diverge = lk_tg_diverged(*loss, norm, t->ref_loss, lk_vocab_size(t->m->labels));
    if (t->diverge) {
        *diverged = true;
        return LK_OK;
    }
    if (t->ref_loss < 0) t->ref_loss = *loss;
    lk_real gscale = (c->clip > 0 && norm > c->clip) ? (lk_real)(c->clip / norm) : 1;
    if (gscale != 1) lk_scal(nd, gscale, p->grad + ne);
    lk_optim_step(t->opt, p->data + ne, p->grad + ne, 0);
    bool finite = lk_tg_all_finite(p->data + ne, nd);
    if (!sparse_step(t, c, gscale)) finite = false;
    if (!finite) {
        t->diverge = "an update made the parameters NaN/inf";
        *diverged = true;
    }
    return LK_OK;
}

static void trainer_free(trainer *t)
{
    if (t->workers) {
        for (int32_t k = 0; k < t->n_workers; k++) {
            lk_tagger_ws_free(t->workers[k].ws);
            free(t->workers[k].idx);
            if (k > 0) free(t->workers[k].grad);
        }
    }
    free(t->workers);
    free(t->so.m1);
    free(t->so.m2);
    free(t->so.mark);
    free(t->so.rows);
    free(t->order);
    free(t->batch_start);
    lk_tg_data_free(&t->train);
    lk_tg_data_free(&t->dev);
    lk_tagger_ws_free(t->dev_ws);
    lk_optim_free(t->opt);
    lk_tagger_free(t->m);
}

static lk_status trainer_setup(trainer *t, const lk_tagger_train_config *c,
                               const lk_tagged_corpus *train, const lk_tagged_corpus *dev,
                               lk_error *err)
{
    lk_status st;
    int64_t unknown = 0;
    if ((st = lk_tg_data_from_corpus(t->m, train, &t->train, NULL, err)) != LK_OK) return st;
    if (dev && (st = lk_tg_data_from_corpus(t->m, dev, &t->dev, &unknown, err)) != LK_OK) return st;
    if (unknown > 0)
        logf_(c, LK_LOG_WARN, "dev set: %lld tokens have tags not seen in training (counted as "
              "errors)", (long long)unknown);
    size_t n = t->train.n_sents;
    t->order = malloc((n + 1) * sizeof *t->order);
    t->batch_start = malloc((n + 1) * sizeof *t->batch_start);
    t->n_workers = c->threads;
    t->workers = calloc((size_t)c->threads, sizeof *t->workers);
    if (!t->order || !t->batch_start || !t->workers) goto oom;
    if (lk_tagger_ws_create(&t->dev_ws) != LK_OK) goto oom;
    lk_tagger *m = t->m;
    sparse_opt *so = &t->so;
    so->Vw = lk_vocab_size(m->words);
    so->Dw = m->cfg.word_dim;
    so->off_w = m->params.views[m->v_wemb].offset;
    so->Vf = m->cfg.char_dim > 0 ? lk_vocab_size(m->feats) : 0;
    so->Df = m->cfg.char_dim;
    so->off_f = m->cfg.char_dim > 0 ? m->params.views[m->v_femb].offset : 0;
    so->n_emb = m->params.views[m->seq.first_view].offset; /* the tables come first */
    so->m1 = calloc(so->n_emb + 1, sizeof *so->m1);
    so->m2 = c->optimizer == 1 ? calloc(so->n_emb + 1, sizeof *so->m2) : NULL;
    so->mark = calloc((size_t)so->Vw + (size_t)so->Vf + 1, 1);
    so->rows = malloc(((size_t)so->Vw + (size_t)so->Vf + 1) * sizeof *so->rows);
    if (!so->m1 || (c->optimizer == 1 && !so->m2) || !so->mark || !so->rows) goto oom;
    for (int32_t k = 0; k < t->n_workers; k++) {
        worker *w = &t->workers[k];
        w->m = t->m;
        w->d = &t->train;
        w->dropout = c->dropout;
        w->word_dropout = c->word_dropout;
        lk_rng_seed(&w->rng, c->seed + 1000003u * (uint64_t)(k + 1));
        w->idx = malloc(((size_t)c->batch + 1) * sizeof *w->idx);
        w->n_emb = so->n_emb;
        w->grad = k == 0 ? t->m->params.grad : calloc(t->m->params.n + 1, sizeof *w->grad);
        if (!w->idx || !w->grad || lk_tagger_ws_create(&w->ws) != LK_OK) goto oom;
        w->ws->feat_dropout = c->feat_dropout;
        lk_seq_ws_seed(w->ws->seq, c->seed + (uint64_t)k);
    }
    lk_optim_config oc = lk_optim_config_default();
    oc.kind = c->optimizer == 1 ? LK_OPTIM_ADAM : LK_OPTIM_SGD;
    oc.lr = c->lr > 0 ? c->lr : (c->optimizer == 1 ? 2e-3f : 0.1f);
    oc.momentum = c->optimizer == 1 ? 0.0f : 0.9f;
    oc.clip = c->clip;
    if ((st = lk_optim_config_check(&oc, err)) != LK_OK) return st;
    if ((st = lk_optim_create(&oc, t->m->params.n - so->n_emb, &t->opt)) != LK_OK) goto oom;
    return LK_OK;
oom:
    return lk_error_set(err, LK_ERR_NOMEM, "out of memory setting up training");
}

/* Dev score: accuracy (word) or joint F1 (char). */
static lk_status dev_score(trainer *t, const lk_tagged_corpus *dev, double *score)
{
    lk_tagger_eval_result r;
    memset(&r, 0, sizeof r);
    lk_status st = lk_tg_evaluate_data(t->m, t->dev_ws, dev, &t->dev, &r);
    *score = r.accuracy;
    return st;
}

static bool file_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* Optimizer state for checkpoints: [dense lk_optim state | sparse m1 | sparse m2]. */
static size_t state_size(trainer *t)
{
    size_t nd = 0;
    lk_optim_state(t->opt, &nd);
    return nd + t->so.n_emb * (t->so.m2 ? 2 : 1);
}

/* Save the checkpoint (model + optimizer + loop state). */
static lk_status save_ckpt(trainer *t, const char *ckpt, lk_tg_train_state *ts, lk_error *err)
{
    size_t nd = 0, ne = t->so.n_emb;
    const lk_real *dense = lk_optim_state(t->opt, &nd);
    lk_real *all = malloc((state_size(t) + 1) * sizeof *all);
    if (!all) return lk_error_set(err, LK_ERR_NOMEM, "out of memory writing the checkpoint");
    memcpy(all, dense, nd * sizeof *all);
    memcpy(all + nd, t->so.m1, ne * sizeof *all);
    if (t->so.m2) memcpy(all + nd + ne, t->so.m2, ne * sizeof *all);
    ts->optim_state = all;
    ts->n_optim_state = state_size(t);
    ts->optim_steps = lk_optim_steps(t->opt);
    ts->rng_state = t->rng.s;
    lk_status st = lk_tg_save(t->m, ts, ckpt, false, err);
    free(all);
    ts->optim_state = NULL;
    return st;
}

static lk_status resume_from(trainer *t, const char *ckpt, lk_tg_train_state *ts, lk_error *err)
{
    size_t nd = 0, ne = t->so.n_emb;
    lk_real *dense = lk_optim_state(t->opt, &nd);
    if (ts->n_optim_state != state_size(t))
        return lk_error_set(err, LK_ERR_FORMAT, "%s: optimizer state does not match (different "
                            "--optimizer?)", ckpt);
    memcpy(dense, ts->optim_state, nd * sizeof *dense);
    memcpy(t->so.m1, ts->optim_state + nd, ne * sizeof *dense);
    if (t->so.m2) memcpy(t->so.m2, ts->optim_state + nd + ne, ne * sizeof *dense);
    lk_optim_set_steps(t->opt, ts->optim_steps);
    t->rng.s = ts->rng_state;
    return LK_OK;
}

/* The training record saved with the model (lk_tagger_train_info). */
static lk_status set_train_info(const lk_tagger_train_config *c, trainer *t,
                                const lk_tg_train_state *ts, int32_t epochs_run,
                                const lk_tagged_corpus *train, const lk_tagged_corpus *dev)
{
    char buf[1024], best[32] = "none";
    const char *vec = c->vectors ? strrchr(c->vectors, '/') : NULL;
    vec = vec ? vec + 1 : c->vectors;
    double lr = c->lr > 0 ? c->lr : (c->optimizer == 1 ? 2e-3 : 0.1);
    if (dev) snprintf(best, sizeof best, "%.4f", ts->best_dev);
    int n = snprintf(buf, sizeof buf,
                     "epochs_run=%d\nepochs_max=%d\nbest_epoch=%d\nbest_dev=%s\noptimizer=%s\n"
                     "lr=%g\nbatch=%d\ndropout=%g\nword_dropout=%g\nclip=%g\nbptt=%d\n"
                     "patience=%d\nseed=%llu\nthreads=%d\nmin_word_count=%d\n"
                     "train_sentences=%zu\ntrain_tokens=%zu\ndev_sentences=%zu\ndev_tokens=%zu\n"
                     "embeddings=%s\n",
                     (int)epochs_run, (int)c->epochs, (int)ts->best_epoch, best,
                     c->optimizer == 1 ? "adam" : "sgd", lr, (int)c->batch, (double)c->dropout,
                     (double)c->word_dropout, (double)c->clip, (int)c->bptt, (int)c->patience,
                     (unsigned long long)c->seed, (int)c->threads, (int)c->model.min_word_count,
                     train->n_sents, train->n_tokens, dev ? dev->n_sents : 0,
                     dev ? dev->n_tokens : 0, vec ? vec : "none");
    if (n >= 0 && (size_t)n < sizeof buf && c->feat_dropout > 0)
        n += snprintf(buf + n, sizeof buf - (size_t)n, "feature_dropout=%g\n",
                      (double)c->feat_dropout);
    if (n >= 0 && (size_t)n < sizeof buf && c->average > 1)
        n += snprintf(buf + n, sizeof buf - (size_t)n, "average=%d\n", (int)c->average);
    if (n < 0 || (size_t)n >= sizeof buf) return lk_tagger_set_train_info(t->m, NULL);
    return lk_tagger_set_train_info(t->m, buf);
}

/* Write the best epoch's weights to `output` (the only write of `output` in a run), with the
   other outputs c->with_model, all or none. */
static lk_status save_best(const lk_tagger_train_config *c, trainer *t, const lk_real *best,
                           const char *output, lk_error *err)
{
    memcpy(t->m->params.data, best, t->m->params.n * sizeof *best);
    return lk_tg_save_with(t->m, NULL, output, c->compact, c->with_model, c->n_with_model, err);
}

/* On resume, the best weights so far come from `path`: MODEL.ckpt.best after a killed run,
   MODEL itself after a finished one. */
static lk_status load_best(const char *path, trainer *t, const lk_tg_train_state *ts,
                           lk_real *best, lk_error *err)
{
    memcpy(best, t->m->params.data, t->m->params.n * sizeof *best);
    if (ts->best_epoch == 0 || !file_exists(path)) return LK_OK;
    lk_tagger *bm = NULL;
    lk_status st = lk_tg_load(path, &bm, NULL, err);
    if (st == LK_OK && bm->params.n != t->m->params.n)
        st = lk_error_set(err, LK_ERR_FORMAT, "%s: does not match the checkpoint", path);
    if (st == LK_OK) memcpy(best, bm->params.data, bm->params.n * sizeof *best);
    lk_tagger_free(bm);
    return st;
}

static lk_status make_model(const lk_tagger_train_config *c, const lk_tagged_corpus *train,
                            const char *ckpt, lk_tagger **m, lk_tg_train_state *ts, bool *resumed,
                            lk_error *err)
{
    *resumed = false;
    memset(ts, 0, sizeof *ts);
    if (c->resume && (!ckpt || !file_exists(ckpt)))
        return lk_error_set(err, LK_ERR_IO, "%s: no checkpoint to resume from (resume continues "
                            "an interrupted run with the same output path)",
                            ckpt ? ckpt : "(no output path)");
    if (c->resume) {
        lk_status st = lk_tg_load(ckpt, m, ts, err);
        if (st != LK_OK) return st;
        if (!ts->optim_state) {
            lk_tagger_free(*m);
            *m = NULL;
            return lk_error_set(err, LK_ERR_FORMAT, "%s: not a training checkpoint", ckpt);
        }
        *resumed = true;
        return LK_OK;
    }
    return lk_tagger_create_lex(&c->model, train, c->vectors, c->lexicon, c->seed, m, err);
}

/* One epoch of minibatches; progress messages every few seconds. */
static lk_status run_epoch(trainer *t, const lk_tagger_train_config *c, int32_t epoch,
                           double *mean_loss, double *tok_per_s, bool *diverged, lk_error *err)
{
    lk_status st;
    double t0 = lk_clock_s(), last = t0, loss_sum = 0;
    size_t tokens = 0;
    plan_epoch(t, c->batch);
    for (size_t b = 0; b < t->n_batches; b++) {
        size_t s0 = t->batch_start[b], n = t->train.n_sents - s0;
        if (n > (size_t)c->batch) n = (size_t)c->batch;
        double loss;
        size_t npos;
        st = train_batch(t, c, t->order + s0, (int32_t)n, &loss, &npos, diverged);
        if (st != LK_OK) return lk_error_set(err, st, "training step: %s", lk_status_str(st));
        if (*diverged) {
            lk_error_set(err, LK_ERR_STATE,
                         "training diverged in epoch %d, step %zu (%s: loss %.4g, first step "
                         "%.4g); try a lower --lr", epoch, b + 1, t->diverge, loss,
                         t->ref_loss < 0 ? loss : t->ref_loss);
            return LK_ERR_STATE;
        }
        loss_sum += loss * (double)npos;
        tokens += npos;
        double now = lk_clock_s();
        if (c->log && now - last >= LK_TRAIN_LOG_EVERY) {
            last = now;
            double rate = (double)tokens / (now - t0);
            char eta[32];
            fmt_eta((double)(t->train.n_pos - tokens) / rate, eta, sizeof eta);
            logf_(c, LK_LOG_PROGRESS, "epoch %d/%d %3.0f%%  loss %.4f  %.0f tokens/s  epoch ETA %s",
                  epoch, c->epochs, 100.0 * (double)(b + 1) / (double)t->n_batches,
                  loss_sum / (double)tokens, rate, eta);
        }
    }
    double dt = lk_clock_s() - t0;
    *mean_loss = tokens ? loss_sum / (double)tokens : 0;
    *tok_per_s = dt > 0 ? (double)tokens / dt : 0;
    return LK_OK;
}

lk_status lk_tagger_train(const lk_tagger_train_config *c, const lk_tagged_corpus *train,
                          const lk_tagged_corpus *dev, const char *output,
                          lk_tagger_train_result *res, lk_error *err)
{
    lk_status st;
    trainer t;
    lk_tg_train_state ts;
    bool resumed = false;
    lk_real *loaded_state = NULL; /* optimizer state read from the checkpoint */
    char ckpt_buf[4096], best_path[4096 + 8];
    const char *ckpt = ckpt_buf;
    lk_real *best_params = NULL; /* the best epoch's weights; written to `output` at the end */
    lk_real *ring = NULL, *cur = NULL; /* --average: the last epochs' weights; the current ones */
    int32_t n_ring = 0;
    memset(&t, 0, sizeof t);
    t.ref_loss = -1;
    memset(res, 0, sizeof *res);
    memset(&ts, 0, sizeof ts);
    if ((st = lk_tagger_train_config_check(c, err)) != LK_OK) return st;
    if (!train || train->n_tokens == 0)
        return lk_error_set(err, LK_ERR_ARG, "the training set is empty (no tokens)");
    if ((size_t)snprintf(ckpt_buf, sizeof ckpt_buf, "%s%s", output, LK_TAGGER_CKPT_SUFFIX) >= sizeof ckpt_buf)
        return lk_error_set(err, LK_ERR_RANGE, "output path too long");
    snprintf(best_path, sizeof best_path, "%s%s", ckpt_buf, LK_BEST_SUFFIX);
    /* Check the output before training; an output written directly (standard output, a
       device, a FIFO) gets no checkpoint beside it. */
    if ((st = lk_output_check(output, err)) != LK_OK) return st;
    if (!lk_output_replaces(output)) ckpt = NULL;
    if ((st = make_model(c, train, ckpt, &t.m, &ts, &resumed, err)) != LK_OK) goto done;
    if ((best_params = malloc((t.m->params.n + 1) * sizeof *best_params)) == NULL) {
        st = lk_error_set(err, LK_ERR_NOMEM, "out of memory");
        goto done;
    }
    if (c->average > 1 && dev) {
        ring = malloc(((size_t)c->average * t.m->params.n + 1) * sizeof *ring);
        cur = malloc((t.m->params.n + 1) * sizeof *cur);
        if (!ring || !cur) {
            st = lk_error_set(err, LK_ERR_NOMEM, "out of memory");
            goto done;
        }
    }
    if (resumed && (st = load_best(file_exists(best_path) ? best_path : output, &t, &ts,
                                   best_params, err)) != LK_OK)
        goto done;
    loaded_state = (lk_real *)ts.optim_state;
    t.m->seq.cfg.bptt = c->bptt;
    t.m->seq.cfg.dropout = c->dropout; /* between stacked layers (train mode only) */
    lk_rng_seed(&t.rng, c->seed);
    if ((st = trainer_setup(&t, c, train, dev, err)) != LK_OK) goto done;
    if (resumed) {
        st = resume_from(&t, ckpt, &ts, err);
        if (st != LK_OK) goto done;
        logf_(c, LK_LOG_INFO, "resuming from %s after epoch %d (best dev %.4f at epoch %d)", ckpt,
              ts.epoch, ts.best_dev, ts.best_epoch);
    }
    logf_(c, LK_LOG_INFO, "%zu sentences, %zu %s; %d labels; %zu parameters",
          t.train.n_sents, t.train.n_pos, t.m->cfg.unit == LK_TAGGER_CHAR ? "characters" : "tokens",
          lk_vocab_size(t.m->labels), t.m->params.n);
    double t_start = lk_clock_s(), tps_sum = 0;
    int32_t first = resumed ? ts.epoch + 1 : 1;
    for (int32_t epoch = first; epoch <= c->epochs; epoch++) {
        double loss = 0, tps = 0, score = 0;
        bool diverged = false;
        st = run_epoch(&t, c, epoch, &loss, &tps, &diverged, err);
        if (diverged) {
            res->diverged = true;
            if (ts.best_epoch > 0 && set_train_info(c, &t, &ts, epoch - 1, train, dev) == LK_OK &&
                save_best(c, &t, best_params, output, err) == LK_OK)
                lk_error_prefix(err, "kept the best model (epoch %d) in %s: ", ts.best_epoch,
                                output);
            else if (ts.best_epoch > 0)
                st = LK_ERR_IO;
            else
                lk_error_prefix(err, "no model written: ");
            goto done;
        }
        if (st != LK_OK) goto done;
        tps_sum += tps;
        res->epochs_run = epoch;
        bool best = !dev;
        if (dev) {
            if ((st = dev_score(&t, dev, &score)) != LK_OK) {
                lk_error_set(err, st, "dev evaluation: %s", lk_status_str(st));
                goto done;
            }
            best = ts.best_epoch == 0 || score > ts.best_dev;
        }
        bool averaged = false;
        if (ring) { /* the mean of the last `average` epochs' weights (a resumed run restarts it) */
            size_t n = t.m->params.n;
            memcpy(ring + (size_t)(n_ring % c->average) * n, t.m->params.data, n * sizeof *ring);
            n_ring++;
            int32_t k = n_ring < c->average ? n_ring : c->average;
            if (k > 1) {
                memcpy(cur, t.m->params.data, n * sizeof *cur);
                for (size_t i = 0; i < n; i++) {
                    double s = 0;
                    for (int32_t j = 0; j < k; j++) s += ring[(size_t)j * n + i];
                    t.m->params.data[i] = (lk_real)(s / k);
                }
                double avg_score = 0;
                if ((st = dev_score(&t, dev, &avg_score)) != LK_OK) {
                    lk_error_set(err, st, "dev evaluation: %s", lk_status_str(st));
                    goto done;
                }
                logf_(c, LK_LOG_INFO, "epoch %d: mean of the last %d epochs' weights: dev %.4f",
                      epoch, k, avg_score);
                if (avg_score > score && (ts.best_epoch == 0 || avg_score > ts.best_dev)) {
                    score = avg_score;
                    best = averaged = true;
                } else {
                    memcpy(t.m->params.data, cur, n * sizeof *cur);
                }
            }
        }
        if (best) {
            ts.best_dev = score;
            ts.best_epoch = epoch;
            ts.bad_epochs = 0;
            memcpy(best_params, t.m->params.data, t.m->params.n * sizeof *best_params);
            /* The previous `output` stays until the run ends; a resumable copy of the best
               weights goes beside the checkpoint. */
            if (ckpt && (st = lk_tagger_save(t.m, best_path, err)) != LK_OK) goto done;
        } else {
            ts.bad_epochs++;
        }
        if (averaged) /* training goes on from the epoch's own weights */
            memcpy(t.m->params.data, cur, t.m->params.n * sizeof *cur);
        ts.epoch = epoch;
        if (ckpt && (st = save_ckpt(&t, ckpt, &ts, err)) != LK_OK) goto done;
        if (c->on_epoch) {
            lk_tagger_epoch ep = {epoch, c->epochs, loss, tps, dev ? score : NAN, best};
            c->on_epoch(c->epoch_user, &ep);
        }
        char eta[32];
        double per = (lk_clock_s() - t_start) / (double)(epoch - first + 1);
        fmt_eta(per * (double)(c->epochs - epoch), eta, sizeof eta);
        if (dev)
            logf_(c, LK_LOG_INFO, "epoch %d/%d: loss %.4f, %.0f tokens/s, dev %s %.4f%s, ETA %s",
                  epoch, c->epochs, loss, tps,
                  t.m->cfg.unit == LK_TAGGER_CHAR ? "joint F1" : "accuracy", score,
                  best ? (averaged ? " (best: the mean, saved)" : " (best, saved)") : "", eta);
        else
            logf_(c, LK_LOG_INFO, "epoch %d/%d: loss %.4f, %.0f tokens/s, saved (no dev set), ETA %s",
                  epoch, c->epochs, loss, tps, eta);
        if (c->patience > 0 && ts.bad_epochs >= c->patience) {
            logf_(c, LK_LOG_INFO, "no dev improvement for %d epochs: stopping", c->patience);
            break;
        }
    }
    if ((st = set_train_info(c, &t, &ts, res->epochs_run, train, dev)) != LK_OK) {
        lk_error_set(err, st, "out of memory");
        goto done;
    }
    if ((st = save_best(c, &t, best_params, output, err)) != LK_OK) goto done;
    /* MODEL.ckpt stays so that `--resume --epochs N` can extend a finished run; the best
       weights are now in `output` itself. */
    if (ckpt) unlink(best_path);
    res->best_epoch = ts.best_epoch;
    res->best_dev = ts.best_dev;
    if (res->epochs_run >= first) res->train_tokens_per_s = tps_sum / (res->epochs_run - first + 1);
done:
    free(ring);
    free(cur);
    free(best_params);
    free(loaded_state);
    trainer_free(&t);
    return st;
}
