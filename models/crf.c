#include "models/crf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct lk_crf_ws {
    double *alpha; /* (T, L) */
    double *beta;  /* (T, L) */
    int32_t *back; /* (T, L) Viterbi backpointers */
    double *tmp;   /* (2L) scratch */
    double *expt;  /* (L, L) exp(trans - tmax) of the last alpha/beta call */
    double tmax;   /* max of trans */
    size_t cap_ll;
    int32_t *path; /* (T) gold / best path of one sequence in the batch helpers */
    size_t cap_tl, cap_l, cap_t;
    int32_t T, L;  /* shape of the last alpha/beta run */
    double log_z;  /* from the last lk_crf_alpha */
};

lk_status lk_crf_add_params(int32_t L, lk_params *p, const char *prefix, lk_crf_layout *out)
{
    char name[LK_PARAM_NAME_MAX];
    lk_status st;
    size_t view;
    if (L < 1) return LK_ERR_ARG;
    if ((st = lk_params_name(name, prefix, ".trans")) != LK_OK ||
        (st = lk_params_add(p, name, L, L, 0, LK_INIT_ZERO, 0, &view)) != LK_OK)
        return st;
    if ((st = lk_params_name(name, prefix, ".start")) != LK_OK ||
        (st = lk_params_add(p, name, 1, L, 0, LK_INIT_ZERO, 0, NULL)) != LK_OK)
        return st;
    if ((st = lk_params_name(name, prefix, ".end")) != LK_OK ||
        (st = lk_params_add(p, name, 1, L, 0, LK_INIT_ZERO, 0, NULL)) != LK_OK)
        return st;
    out->L = L;
    out->first_view = view;
    out->offset = p->views[view].offset;
    return LK_OK;
}

void lk_crf_bind(const lk_crf_layout *lay, lk_real *base, lk_crf *c)
{
    size_t L = (size_t)lay->L;
    c->L = lay->L;
    c->trans = base + lay->offset;
    c->start = c->trans + L * L;
    c->end = c->start + L;
}

lk_status lk_crf_ws_create(lk_crf_ws **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? LK_OK : LK_ERR_NOMEM;
}

void lk_crf_ws_free(lk_crf_ws *ws)
{
    if (!ws) return;
    free(ws->alpha);
    free(ws->beta);
    free(ws->back);
    free(ws->tmp);
    free(ws->expt);
    free(ws->path);
    free(ws);
}

lk_status lk_crf_ws_reserve(lk_crf_ws *ws, int32_t T, int32_t L)
{
    size_t tl;
    if (T < 1 || L < 1) return LK_ERR_ARG;
    if (lk_mul_size((size_t)T, (size_t)L, &tl) != LK_OK) return LK_ERR_RANGE;
    if (tl > ws->cap_tl) {
        size_t cap = ws->cap_tl;
        /* grow all three together; lk_grow leaves a buffer unchanged on failure */
        void *a = ws->alpha, *b = ws->beta, *k = ws->back;
        size_t ca = cap, cb = cap, ck = cap;
        lk_status st = lk_grow(&a, &ca, tl, sizeof(double));
        ws->alpha = a;
        if (st == LK_OK) st = lk_grow(&b, &cb, tl, sizeof(double));
        ws->beta = b;
        if (st == LK_OK) st = lk_grow(&k, &ck, tl, sizeof(int32_t));
        ws->back = k;
        if (st != LK_OK) return st;
        ws->cap_tl = ca < cb ? (ca < ck ? ca : ck) : (cb < ck ? cb : ck);
    }
    if ((size_t)T > ws->cap_t) {
        void *pth = ws->path;
        lk_status st = lk_grow(&pth, &ws->cap_t, (size_t)T, sizeof(int32_t));
        ws->path = pth;
        if (st != LK_OK) return st;
    }
    if ((size_t)L > ws->cap_l) {
        void *t = ws->tmp;
        size_t cap = ws->cap_l * 2;
        lk_status st = lk_grow(&t, &cap, (size_t)2 * L, sizeof(double));
        ws->tmp = t;
        if (st != LK_OK) return st;
        ws->cap_l = cap / 2;
    }
    if ((size_t)L * L > ws->cap_ll) {
        void *e = ws->expt;
        lk_status st = lk_grow(&e, &ws->cap_ll, (size_t)L * L, sizeof(double));
        ws->expt = e;
        if (st != LK_OK) return st;
    }
    return LK_OK;
}

/* log(sum exp(v[i])) over n values, stable. */
static double logsumexp(const double *v, int32_t n)
{
    double mx = -INFINITY, s = 0.0;
    for (int32_t i = 0; i < n; i++)
        if (v[i] > mx) mx = v[i];
    if (mx == -INFINITY) return mx;
    for (int32_t i = 0; i < n; i++) s += exp(v[i] - mx);
    return mx + log(s);
}

#define E(t, j) ((double)emit[(size_t)(t) * ld + (j)])
#define TR(i, j) ((double)c->trans[(size_t)(i) * L + (j)])

/* ws->expt = exp(trans - tmax): the recursions below work in scaled exp space, so a step
   costs L^2 multiply-adds and L logs instead of L^2 exps. */
static void prepare_expt(const lk_crf *c, lk_crf_ws *ws)
{
    size_t n = (size_t)c->L * c->L;
    double mx = -INFINITY;
    for (size_t k = 0; k < n; k++)
        if ((double)c->trans[k] > mx) mx = (double)c->trans[k];
    for (size_t k = 0; k < n; k++) ws->expt[k] = exp((double)c->trans[k] - mx);
    ws->tmax = mx;
}

/* v[k] = exp(src[k] - m) for m = max(src); returns m (-inf if all are -inf). */
static double exp_shift(const double *src, int32_t n, double *v)
{
    double m = -INFINITY;
    for (int32_t k = 0; k < n; k++)
        if (src[k] > m) m = src[k];
    for (int32_t k = 0; k < n; k++) v[k] = m == -INFINITY ? 0.0 : exp(src[k] - m);
    return m;
}

double lk_crf_alpha(const lk_crf *c, const lk_real *emit, int32_t ld, int32_t T, lk_crf_ws *ws)
{
    int32_t L = c->L;
    if (lk_crf_ws_reserve(ws, T, L) != LK_OK) return NAN;
    double *a = ws->alpha, *v = ws->tmp, *acc = ws->tmp + L;
    prepare_expt(c, ws);
    for (int32_t j = 0; j < L; j++) a[j] = (double)c->start[j] + E(0, j);
    for (int32_t t = 1; t < T; t++) {
        double m = exp_shift(a + (size_t)(t - 1) * L, L, v) + ws->tmax;
        double *cur = a + (size_t)t * L;
        for (int32_t j = 0; j < L; j++) acc[j] = 0.0;
        for (int32_t i = 0; i < L; i++) { /* acc[j] = sum_i v[i] expt[i][j], row-wise */
            const double *row = ws->expt + (size_t)i * L;
            double vi = v[i];
            for (int32_t j = 0; j < L; j++) acc[j] += vi * row[j];
        }
        for (int32_t j = 0; j < L; j++) cur[j] = m + log(acc[j]) + E(t, j);
    }
    const double *last = a + (size_t)(T - 1) * L;
    for (int32_t j = 0; j < L; j++) v[j] = last[j] + (double)c->end[j];
    ws->T = T;
    ws->L = L;
    ws->log_z = logsumexp(v, L);
    return ws->log_z;
}

double lk_crf_beta(const lk_crf *c, const lk_real *emit, int32_t ld, int32_t T, lk_crf_ws *ws)
{
    int32_t L = c->L;
    if (lk_crf_ws_reserve(ws, T, L) != LK_OK) return NAN;
    double *bt = ws->beta, *v = ws->tmp, *u = ws->tmp + L;
    prepare_expt(c, ws);
    double *last = bt + (size_t)(T - 1) * L;
    for (int32_t i = 0; i < L; i++) last[i] = (double)c->end[i];
    for (int32_t t = T - 2; t >= 0; t--) {
        const double *next = bt + (size_t)(t + 1) * L;
        double *cur = bt + (size_t)t * L;
        for (int32_t j = 0; j < L; j++) u[j] = E(t + 1, j) + next[j];
        double m = exp_shift(u, L, v) + ws->tmax;
        for (int32_t i = 0; i < L; i++) {
            const double *row = ws->expt + (size_t)i * L;
            double acc = 0.0;
            for (int32_t j = 0; j < L; j++) acc += row[j] * v[j];
            cur[i] = m + log(acc);
        }
    }
    for (int32_t j = 0; j < L; j++) v[j] = (double)c->start[j] + E(0, j) + bt[j];
    return logsumexp(v, L);
}

void lk_crf_marginals(const lk_crf_ws *ws, int32_t T, double *marg)
{
    size_t n = (size_t)T * ws->L;
    for (size_t k = 0; k < n; k++) marg[k] = exp(ws->alpha[k] + ws->beta[k] - ws->log_z);
}

double lk_crf_score(const lk_crf *c, const lk_real *emit, int32_t ld, int32_t T,
                    const int32_t *tags)
{
    int32_t L = c->L;
    double s = (double)c->start[tags[0]] + (double)c->end[tags[T - 1]];
    for (int32_t t = 0; t < T; t++) {
        s += E(t, tags[t]);
        if (t > 0) s += TR(tags[t - 1], tags[t]);
    }
    return s;
}

double lk_crf_viterbi(const lk_crf *c, const lk_real *emit, int32_t ld, int32_t T,
                      lk_crf_ws *ws, int32_t *tags_out)
{
    int32_t L = c->L;
    if (lk_crf_ws_reserve(ws, T, L) != LK_OK) return NAN;
    double *d = ws->alpha; /* delta (T, L); alpha is recomputed by the next lk_crf_alpha */
    int32_t *bp = ws->back;
    for (int32_t j = 0; j < L; j++) d[j] = (double)c->start[j] + E(0, j);
    for (int32_t t = 1; t < T; t++) {
        const double *prev = d + (size_t)(t - 1) * L;
        for (int32_t j = 0; j < L; j++) {
            double best = -INFINITY;
            int32_t arg = 0;
            for (int32_t i = 0; i < L; i++) {
                double v = prev[i] + TR(i, j);
                if (v > best) {
                    best = v;
                    arg = i;
                }
            }
            d[(size_t)t * L + j] = best + E(t, j);
            bp[(size_t)t * L + j] = arg;
        }
    }
    double best = -INFINITY;
    int32_t arg = 0;
    for (int32_t j = 0; j < L; j++) {
        double v = d[(size_t)(T - 1) * L + j] + (double)c->end[j];
        if (v > best) {
            best = v;
            arg = j;
        }
    }
    ws->T = 0; /* alpha no longer valid */
    tags_out[T - 1] = arg;
    for (int32_t t = T - 1; t > 0; t--) tags_out[t - 1] = bp[(size_t)t * L + tags_out[t]];
    return best;
}

double lk_crf_nll_forward(const lk_crf *c, const lk_real *emit, int32_t ld, int32_t T,
                          const int32_t *tags, lk_crf_ws *ws)
{
    double log_z = lk_crf_alpha(c, emit, ld, T, ws);
    if (isnan(log_z)) return log_z;
    if (isnan(lk_crf_beta(c, emit, ld, T, ws))) return NAN;
    return log_z - lk_crf_score(c, emit, ld, T, tags);
}

void lk_crf_nll_backward(const lk_crf *c, const lk_real *emit, int32_t ld, int32_t T,
                         const int32_t *tags, lk_crf_ws *ws, lk_real scale,
                         lk_real *demit, lk_crf *g)
{
    int32_t L = c->L;
    const double *a = ws->alpha, *bt = ws->beta;
    double lz = ws->log_z, sc = (double)scale;
    /* emissions, start, end: node marginals minus the gold indicator */
    for (int32_t t = 0; t < T; t++)
        for (int32_t j = 0; j < L; j++) {
            double p = exp(a[(size_t)t * L + j] + bt[(size_t)t * L + j] - lz);
            double gj = sc * (p - (tags[t] == j ? 1.0 : 0.0));
            demit[(size_t)t * ld + j] += (lk_real)gj;
            if (t == 0) g->start[j] += (lk_real)gj;
            if (t == T - 1) g->end[j] += (lk_real)gj;
        }
    /* transitions: pair marginals minus gold transition counts;
       P(i, j at t) = exp(alpha[t-1][i] + trans[i][j] + e[t][j] + beta[t][j] - log Z),
       computed as u[i] * expt[i][j] * v[j] * exp(ma + mb + tmax - log Z) */
    double *u = ws->tmp, *v = ws->tmp + L;
    for (int32_t t = 1; t < T; t++) {
        double ma = exp_shift(a + (size_t)(t - 1) * L, L, u);
        const double *bc = bt + (size_t)t * L;
        double mb = -INFINITY;
        for (int32_t j = 0; j < L; j++) {
            v[j] = E(t, j) + bc[j];
            if (v[j] > mb) mb = v[j];
        }
        for (int32_t j = 0; j < L; j++) v[j] = exp(v[j] - mb);
        double scl = sc * exp(ma + mb + ws->tmax - lz);
        for (int32_t i = 0; i < L; i++) {
            const double *row = ws->expt + (size_t)i * L;
            lk_real *gr = g->trans + (size_t)i * L;
            double ui = u[i] * scl;
            for (int32_t j = 0; j < L; j++) gr[j] += (lk_real)(ui * row[j] * v[j]);
        }
        g->trans[(size_t)tags[t - 1] * L + tags[t]] -= (lk_real)sc;
    }
}

#undef E
#undef TR

double lk_crf_batch_nll(const lk_crf *c, const lk_real *emit, int32_t T, int32_t B,
                        const int32_t *lengths, const int32_t *tags, lk_crf_ws *ws,
                        lk_real scale, lk_real *demit, lk_crf *g)
{
    int32_t L = c->L, ld = B * L;
    double total = 0.0;
    if (lk_crf_ws_reserve(ws, T, L) != LK_OK) return NAN;
    int32_t *gold = ws->path;
    for (int32_t b = 0; b < B; b++) {
        int32_t n = lengths ? lengths[b] : T;
        if (n <= 0) continue;
        for (int32_t t = 0; t < n; t++) gold[t] = tags[(size_t)t * B + b];
        const lk_real *e = emit + (size_t)b * L;
        total += lk_crf_nll_forward(c, e, ld, n, gold, ws);
        if (demit) lk_crf_nll_backward(c, e, ld, n, gold, ws, scale, demit + (size_t)b * L, g);
    }
    return total;
}

lk_status lk_crf_batch_viterbi(const lk_crf *c, const lk_real *emit, int32_t T, int32_t B,
                               const int32_t *lengths, lk_crf_ws *ws, int32_t *tags_out)
{
    int32_t L = c->L, ld = B * L;
    lk_status st = lk_crf_ws_reserve(ws, T, L);
    if (st != LK_OK) return st;
    int32_t *path = ws->path;
    for (int32_t b = 0; b < B; b++) {
        int32_t n = lengths ? lengths[b] : T;
        for (int32_t t = 0; t < T; t++) tags_out[(size_t)t * B + b] = LK_ID_NONE;
        if (n <= 0) continue;
        lk_crf_viterbi(c, emit + (size_t)b * L, ld, n, ws, path);
        for (int32_t t = 0; t < n; t++) tags_out[(size_t)t * B + b] = path[t];
    }
    return LK_OK;
}
