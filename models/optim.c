#include "models/optim.h"

#include "models/blas_internal.h"
#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* ---- parameter buffer ------------------------------------------------------------------ */

lk_status lk_params_add(lk_params *p, const char *name, int32_t rows, int32_t cols,
                        int32_t block, lk_init_kind init, float arg, size_t *view_out)
{
    size_t len = strlen(name), count, total;
    if (p->data || rows <= 0 || cols <= 0 || block < 0) return LK_ERR_ARG;
    if (len >= LK_PARAM_NAME_MAX) return LK_ERR_RANGE;
    if (lk_mul_size((size_t)rows, (size_t)cols, &count) != LK_OK) return LK_ERR_RANGE;
    if (lk_add_size(p->n, count, &total) != LK_OK) return LK_ERR_RANGE;
    if (p->n_views == p->cap_views) {
        lk_status st = lk_grow((void **)&p->views, &p->cap_views, p->n_views + 1,
                               sizeof *p->views);
        if (st != LK_OK) return st;
    }
    lk_param_view *v = &p->views[p->n_views];
    memset(v, 0, sizeof *v);
    memcpy(v->name, name, len + 1);
    v->offset = p->n;
    v->rows = rows;
    v->cols = cols;
    v->block = block;
    v->init = init;
    v->arg = arg;
    if (view_out) *view_out = p->n_views;
    p->n_views++;
    p->n = total;
    return LK_OK;
}

lk_status lk_params_name(char out[LK_PARAM_NAME_MAX], const char *prefix, const char *suffix)
{
    size_t a = strlen(prefix), b = strlen(suffix);
    if (a + b >= LK_PARAM_NAME_MAX) return LK_ERR_RANGE;
    memcpy(out, prefix, a);
    memcpy(out + a, suffix, b + 1);
    return LK_OK;
}

lk_status lk_params_alloc(lk_params *p)
{
    if (p->data) return LK_ERR_ARG;
    for (size_t i = 0; i < p->n_views; i++) {
        lk_param_view *v = &p->views[i];
        if (!v->sparse || v->seen) continue;
        v->seen = calloc((size_t)v->rows, 1);
        v->touched = malloc((size_t)v->rows * sizeof *v->touched);
        if (!v->seen || !v->touched) return LK_ERR_NOMEM; /* freed by lk_params_free */
    }
    size_t n = p->n ? p->n : 1;
    p->data = calloc(n, sizeof *p->data);
    p->grad = calloc(n, sizeof *p->grad);
    if (!p->data || !p->grad) {
        free(p->data);
        free(p->grad);
        p->data = p->grad = NULL;
        return LK_ERR_NOMEM;
    }
    return LK_OK;
}

/* Orthonormal rows (if rows <= cols) or columns of a (rows, cols) normal matrix, by modified
   Gram-Schmidt in double; `q` is (rows * cols) scratch. */
static void orthogonal_block(lk_real *out, int32_t rows, int32_t cols, double gain,
                             double *q, lk_rng *rng)
{
    bool by_rows = rows <= cols;
    int32_t nvec = by_rows ? rows : cols, dim = by_rows ? cols : rows;
    for (size_t i = 0; i < (size_t)nvec * dim; i++) q[i] = lk_rng_normal(rng);
    for (int32_t i = 0; i < nvec; i++) {
        double *qi = q + (size_t)i * dim;
        for (int32_t j = 0; j < i; j++) {
            const double *qj = q + (size_t)j * dim;
            double d = 0.0;
            for (int32_t k = 0; k < dim; k++) d += qi[k] * qj[k];
            for (int32_t k = 0; k < dim; k++) qi[k] -= d * qj[k];
        }
        double nrm = 0.0;
        for (int32_t k = 0; k < dim; k++) nrm += qi[k] * qi[k];
        nrm = sqrt(nrm);
        if (nrm < 1e-12) nrm = 1e-12;
        for (int32_t k = 0; k < dim; k++) qi[k] /= nrm;
    }
    for (int32_t r = 0; r < rows; r++)
        for (int32_t c = 0; c < cols; c++) {
            double v = by_rows ? q[(size_t)r * dim + c] : q[(size_t)c * dim + r];
            out[(size_t)r * cols + c] = (lk_real)(gain * v);
        }
}

void lk_params_init_view(const lk_param_view *v, lk_real *base, lk_rng *rng)
{
    lk_real *x = base + v->offset;
    size_t n = (size_t)v->rows * v->cols;
    int32_t block = v->block > 0 ? v->block : v->rows;
    double arg1 = v->arg != 0.0f ? v->arg : 1.0;
    switch (v->init) {
    case LK_INIT_ZERO:
        memset(x, 0, n * sizeof *x);
        break;
    case LK_INIT_CONST:
        for (size_t i = 0; i < n; i++) x[i] = (lk_real)v->arg;
        break;
    case LK_INIT_UNIFORM:
        for (size_t i = 0; i < n; i++) x[i] = (lk_real)((2.0 * lk_rng_uniform_f64(rng) - 1.0) * v->arg);
        break;
    case LK_INIT_NORMAL:
        for (size_t i = 0; i < n; i++) x[i] = (lk_real)(lk_rng_normal(rng) * v->arg);
        break;
    case LK_INIT_XAVIER: {
        double a = arg1 * sqrt(6.0 / ((double)v->cols + block));
        for (size_t i = 0; i < n; i++) x[i] = (lk_real)((2.0 * lk_rng_uniform_f64(rng) - 1.0) * a);
        break;
    }
    case LK_INIT_HE: {
        double sd = arg1 * sqrt(2.0 / v->cols);
        for (size_t i = 0; i < n; i++) x[i] = (lk_real)(lk_rng_normal(rng) * sd);
        break;
    }
    case LK_INIT_ORTHO: {
        double *q = malloc((size_t)block * v->cols * sizeof *q);
        if (!q) { /* fall back to a scaled normal init rather than leave garbage */
            double sd = arg1 / sqrt((double)v->cols);
            for (size_t i = 0; i < n; i++) x[i] = (lk_real)(lk_rng_normal(rng) * sd);
            break;
        }
        for (int32_t r0 = 0; r0 < v->rows; r0 += block) {
            int32_t nr = v->rows - r0 < block ? v->rows - r0 : block;
            orthogonal_block(x + (size_t)r0 * v->cols, nr, v->cols, arg1, q, rng);
        }
        free(q);
        break;
    }
    case LK_INIT_IDENTITY:
        memset(x, 0, n * sizeof *x);
        for (int32_t r = 0; r < v->rows; r++) {
            int32_t c = r % block;
            if (c < v->cols) x[(size_t)r * v->cols + c] = (lk_real)arg1;
        }
        break;
    case LK_INIT_LSTM_BIAS: {
        int32_t h = (int32_t)(n / 4);
        memset(x, 0, n * sizeof *x);
        for (int32_t i = h; i < 2 * h; i++) x[i] = (lk_real)v->arg;
        break;
    }
    }
}

void lk_params_init(lk_params *p, lk_rng *rng)
{
    for (size_t i = 0; i < p->n_views; i++) lk_params_init_view(&p->views[i], p->data, rng);
}

ptrdiff_t lk_params_find(const lk_params *p, const char *name)
{
    for (size_t i = 0; i < p->n_views; i++)
        if (strcmp(p->views[i].name, name) == 0) return (ptrdiff_t)i;
    return -1;
}

lk_mat lk_params_mat(const lk_params *p, size_t view, lk_real *base)
{
    const lk_param_view *v = &p->views[view];
    return lk_mat_view(base + v->offset, v->rows, v->cols);
}

void lk_params_zero_grad(lk_params *p)
{
    if (p->grad) memset(p->grad, 0, p->n * sizeof *p->grad);
}

void lk_params_free(lk_params *p)
{
    if (!p) return;
    for (size_t i = 0; i < p->n_views; i++) {
        free(p->views[i].seen);
        free(p->views[i].touched);
    }
    free(p->data);
    free(p->grad);
    free(p->views);
    memset(p, 0, sizeof *p);
}

/* ---- active set ------------------------------------------------------------------------ */

lk_status lk_params_set_sparse(lk_params *p, size_t view)
{
    if (p->data || view >= p->n_views) return LK_ERR_ARG;
    p->views[view].sparse = true;
    return LK_OK;
}

void lk_params_touch(lk_params *p, size_t view, const int32_t *ids, size_t n)
{
    lk_param_view *v = &p->views[view];
    assert(v->sparse && v->seen);
    for (size_t i = 0; i < n; i++) {
        int32_t r = ids[i];
        if (r < 0) continue;
        assert(r < v->rows);
        if (v->seen[r]) continue;
        v->seen[r] = 1;
        v->touched[v->n_touched++] = r;
    }
}

void lk_params_untouch(lk_params *p)
{
    for (size_t i = 0; i < p->n_views; i++) {
        lk_param_view *v = &p->views[i];
        if (!v->sparse) continue;
        for (size_t k = 0; k < v->n_touched; k++) v->seen[v->touched[k]] = 0;
        v->n_touched = 0;
    }
}

typedef void (*range_fn)(size_t begin, size_t end, void *ctx);

/* Call fn on each maximal piece of the active set: runs of dense views, touched rows. */
static void for_active(const lk_params *p, range_fn fn, void *ctx)
{
    size_t run0 = 0, run1 = 0; /* pending dense run [run0, run1) */
    for (size_t i = 0; i < p->n_views; i++) {
        const lk_param_view *v = &p->views[i];
        size_t len = (size_t)v->rows * v->cols;
        if (!v->sparse) {
            if (run1 != v->offset) {
                if (run1 > run0) fn(run0, run1, ctx);
                run0 = v->offset;
            }
            run1 = v->offset + len;
            continue;
        }
        for (size_t k = 0; k < v->n_touched; k++) {
            size_t b = v->offset + (size_t)v->touched[k] * v->cols;
            fn(b, b + (size_t)v->cols, ctx);
        }
    }
    if (run1 > run0) fn(run0, run1, ctx);
}

typedef struct {
    lk_real alpha;
    const lk_real *src;
    lk_real *dst;
    double acc;
} active_ctx;

static void zero_range(size_t b, size_t e, void *ctx)
{
    active_ctx *c = ctx;
    memset(c->dst + b, 0, (e - b) * sizeof *c->dst);
}

static void axpy_range(size_t b, size_t e, void *ctx)
{
    active_ctx *c = ctx;
    lk_axpy(e - b, c->alpha, c->src + b, c->dst + b);
}

static void sumsq_range(size_t b, size_t e, void *ctx)
{
    active_ctx *c = ctx;
    c->acc += lk_sumsq(e - b, c->src + b);
}

static void scal_range(size_t b, size_t e, void *ctx)
{
    active_ctx *c = ctx;
    lk_scal(e - b, c->alpha, c->dst + b);
}

void lk_params_zero_active(const lk_params *p, lk_real *grad)
{
    active_ctx c = {0, NULL, grad, 0};
    for_active(p, zero_range, &c);
}

void lk_params_axpy_active(const lk_params *p, lk_real alpha, const lk_real *src, lk_real *dst)
{
    active_ctx c = {alpha, src, dst, 0};
    for_active(p, axpy_range, &c);
}

double lk_params_norm_active(const lk_params *p, const lk_real *grad)
{
    active_ctx c = {0, grad, NULL, 0};
    for_active(p, sumsq_range, &c);
    return sqrt(c.acc);
}

double lk_params_clip_active(const lk_params *p, lk_real *grad, double max_norm)
{
    double nrm = lk_params_norm_active(p, grad);
    if (max_norm > 0 && isfinite(nrm) && nrm > max_norm) {
        active_ctx c = {(lk_real)(max_norm / nrm), NULL, grad, 0};
        for_active(p, scal_range, &c);
    }
    return nrm;
}

/* ---- clipping ---------------------------------------------------------------------------- */

double lk_grad_norm(const lk_real *g, size_t n) { return sqrt(lk_sumsq(n, g)); }

double lk_grad_clip(lk_real *g, size_t n, double max_norm)
{
    double nrm = lk_grad_norm(g, n);
    if (max_norm > 0 && isfinite(nrm) && nrm > max_norm)
        lk_scal(n, (lk_real)(max_norm / nrm), g);
    return nrm;
}

/* ---- optimizers ------------------------------------------------------------------------ */

struct lk_optim {
    lk_optim_config cfg;
    size_t n;
    int64_t t;
    lk_real *state; /* Adam: [m | v], SGD: [v] */
    size_t n_state;
};

lk_optim_config lk_optim_config_default(void)
{
    lk_optim_config c;
    memset(&c, 0, sizeof c);
    c.kind = LK_OPTIM_ADAM;
    c.lr = 1e-3f;
    c.beta1 = 0.9f;
    c.beta2 = 0.999f;
    c.eps = 1e-8f;
    c.clip = 5.0f;
    return c;
}

lk_status lk_optim_config_check(const lk_optim_config *c, lk_error *err)
{
    if (c->kind != LK_OPTIM_SGD && c->kind != LK_OPTIM_ADAM)
        return lk_error_set(err, LK_ERR_ARG, "kind: unknown optimizer %d", (int)c->kind);
    if (!(c->lr > 0) || !isfinite(c->lr))
        return lk_error_set(err, LK_ERR_ARG, "lr must be > 0 (got %g)", c->lr);
    if (!(c->momentum >= 0 && c->momentum < 1))
        return lk_error_set(err, LK_ERR_ARG, "momentum must be in [0, 1) (got %g)", c->momentum);
    if (c->kind == LK_OPTIM_ADAM && !(c->beta1 >= 0 && c->beta1 < 1 && c->beta2 >= 0 && c->beta2 < 1))
        return lk_error_set(err, LK_ERR_ARG, "beta1, beta2 must be in [0, 1) (got %g, %g)", c->beta1, c->beta2);
    if (c->kind == LK_OPTIM_ADAM && !(c->eps > 0))
        return lk_error_set(err, LK_ERR_ARG, "eps must be > 0 (got %g)", c->eps);
    if (!(c->weight_decay >= 0))
        return lk_error_set(err, LK_ERR_ARG, "weight_decay must be >= 0 (got %g)", c->weight_decay);
    if (!(c->clip >= 0))
        return lk_error_set(err, LK_ERR_ARG, "clip must be >= 0 (0 = off; got %g)", c->clip);
    return LK_OK;
}

lk_status lk_optim_create(const lk_optim_config *c, size_t n, lk_optim **out)
{
    *out = NULL;
    if (lk_optim_config_check(c, NULL) != LK_OK) return LK_ERR_ARG;
    lk_optim *o = calloc(1, sizeof *o);
    if (!o) return LK_ERR_NOMEM;
    o->cfg = *c;
    o->n = n;
    o->n_state = c->kind == LK_OPTIM_ADAM ? 2 * n : n;
    o->state = calloc(o->n_state ? o->n_state : 1, sizeof *o->state);
    if (!o->state) {
        free(o);
        return LK_ERR_NOMEM;
    }
    *out = o;
    return LK_OK;
}

void lk_optim_free(lk_optim *o)
{
    if (!o) return;
    free(o->state);
    free(o);
}

/* Per-step constants shared by all ranges of one update. */
typedef struct {
    lk_optim *o;
    lk_real *p;
    const lk_real *g;
    lk_real lr, step, eps_hat;
} step_ctx;

static void sgd_range(size_t b, size_t e, void *ctx)
{
    step_ctx *c = ctx;
    lk_real mu = (lk_real)c->o->cfg.momentum, wd = (lk_real)c->o->cfg.weight_decay;
    lk_real *v = c->o->state, *p = c->p;
    const lk_real *g = c->g;
    for (size_t i = b; i < e; i++) {
        lk_real gi = g[i] + wd * p[i];
        v[i] = mu * v[i] + gi;
        p[i] -= c->lr * v[i];
    }
}

static void adam_range(size_t b, size_t e, void *ctx)
{
    step_ctx *c = ctx;
    lk_real b1 = (lk_real)c->o->cfg.beta1, b2 = (lk_real)c->o->cfg.beta2;
    lk_real wd = (lk_real)c->o->cfg.weight_decay, step = c->step, eps_hat = c->eps_hat;
    lk_real *m = c->o->state, *v = c->o->state + c->o->n, *p = c->p;
    const lk_real *g = c->g;
    for (size_t i = b; i < e; i++) {
        lk_real gi = g[i] + wd * p[i];
        m[i] = b1 * m[i] + (1 - b1) * gi;
        v[i] = b2 * v[i] + (1 - b2) * gi * gi;
        p[i] -= step * m[i] / (LK_SQRT(v[i]) + eps_hat);
    }
}

/* Advance t and compute the step constants (Adam's bias corrections folded into the step
   size and epsilon). */
static range_fn step_begin(lk_optim *o, lk_real *params, const lk_real *grad, float lr,
                           step_ctx *c)
{
    o->t++;
    c->o = o;
    c->p = params;
    c->g = grad;
    c->lr = (lk_real)(lr > 0 ? lr : o->cfg.lr);
    if (o->cfg.kind != LK_OPTIM_ADAM) return sgd_range;
    double t = (double)o->t;
    double c1 = 1.0 - pow(o->cfg.beta1, t), c2 = 1.0 - pow(o->cfg.beta2, t);
    c->step = (lk_real)(c->lr * sqrt(c2) / c1);
    c->eps_hat = (lk_real)(o->cfg.eps * sqrt(c2));
    return adam_range;
}

void lk_optim_step(lk_optim *o, lk_real *params, const lk_real *grad, float lr)
{
    step_ctx c;
    range_fn fn = step_begin(o, params, grad, lr, &c);
    fn(0, o->n, &c);
}

void lk_optim_step_active(lk_optim *o, const lk_params *p, float lr)
{
    step_ctx c;
    assert(o->n == p->n);
    range_fn fn = step_begin(o, p->data, p->grad, lr, &c);
    for_active(p, fn, &c);
}

int64_t lk_optim_steps(const lk_optim *o) { return o->t; }

void lk_optim_set_steps(lk_optim *o, int64_t t) { o->t = t; }

lk_real *lk_optim_state(lk_optim *o, size_t *n_state)
{
    *n_state = o->n_state;
    return o->state;
}
