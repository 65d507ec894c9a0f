/* optim.h: one flat parameter buffer with named views (values and gradients share the layout),
   weight initialisation, gradient clipping by global norm, and SGD-momentum / Adam.
   No globals; an lk_params or lk_optim is used by one thread at a time (workers keep their
   own gradient buffers with the same layout and sum them before the step). */
#ifndef LK_MODELS_OPTIM_H
#define LK_MODELS_OPTIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/blas.h"
#include "models/rng.h"
#include "text/error.h"

typedef enum {
    LK_INIT_ZERO = 0,   /* all 0 */
    LK_INIT_CONST,      /* all `arg` */
    LK_INIT_UNIFORM,    /* U(-arg, arg) */
    LK_INIT_NORMAL,     /* N(0, arg^2) */
    LK_INIT_XAVIER,     /* Glorot uniform U(-a, a), a = arg * sqrt(6 / (fan_in + fan_out));
                           fan_in = cols, fan_out = block rows; arg 0 means 1 */
    LK_INIT_HE,         /* He normal N(0, 2 / fan_in) * arg^2 (arg 0 means 1) */
    LK_INIT_ORTHO,      /* each (block, cols) row block orthogonal (Gram-Schmidt on a normal
                           matrix, in double), times gain arg (0 means 1) */
    LK_INIT_IDENTITY,   /* each (block, cols) row block = arg * I (0 means 1); for ReLU RNNs */
    LK_INIT_LSTM_BIAS,  /* (1, 4H) LSTM bias, gates i,f,g,o: forget quarter = arg, rest 0 */
} lk_init_kind;

#define LK_PARAM_NAME_MAX 64

typedef struct {
    char name[LK_PARAM_NAME_MAX]; /* e.g. "enc.l0.fwd.w_x" */
    size_t offset;                /* first element in the flat buffer */
    int32_t rows, cols;           /* view shape; a vector is (1, n) */
    int32_t block;                /* rows per block for XAVIER/ORTHO/IDENTITY (0 = rows) */
    lk_init_kind init;
    float arg;                    /* see lk_init_kind */
    bool sparse;                  /* row-sparse (lk_params_set_sparse) */
    uint8_t *seen;                /* (rows) touched flags, sparse views only */
    int32_t *touched;             /* (n_touched) rows touched since lk_params_untouch */
    size_t n_touched;
} lk_param_view;

typedef struct {
    lk_real *data;        /* (n) parameter values; NULL until lk_params_alloc */
    lk_real *grad;        /* (n) gradients, same layout as data */
    size_t n;             /* total elements */
    lk_param_view *views; /* (n_views) in declaration order; offsets are contiguous */
    size_t n_views, cap_views;
} lk_params;              /* zero-initialise ({0}) before the first lk_params_add */

/* Declare a (rows, cols) tensor named `name` (copied; < LK_PARAM_NAME_MAX bytes) with its
   init rule; *view_out = its index (may be NULL). Only before lk_params_alloc.
   LK_ERR_ARG if already allocated or a dim <= 0, LK_ERR_RANGE if the name is too long or
   the size overflows, LK_ERR_NOMEM. */
lk_status lk_params_add(lk_params *p, const char *name, int32_t rows, int32_t cols,
                        int32_t block, lk_init_kind init, float arg, size_t *view_out);

/* out = prefix + suffix (e.g. "enc.l0.fwd" + ".w_x"); LK_ERR_RANGE if the result would not
   fit a view name (< LK_PARAM_NAME_MAX bytes). */
lk_status lk_params_name(char out[LK_PARAM_NAME_MAX], const char *prefix, const char *suffix);

/* Allocate data and grad (both zeroed) for everything declared. LK_ERR_NOMEM. */
lk_status lk_params_alloc(lk_params *p);

/* Fill data view by view according to each view's init rule, drawing from `rng`. */
void lk_params_init(lk_params *p, lk_rng *rng);

/* Initialise one view of `base` (a buffer with p's layout). */
void lk_params_init_view(const lk_param_view *v, lk_real *base, lk_rng *rng);

/* Index of the view called `name`, or -1. */
ptrdiff_t lk_params_find(const lk_params *p, const char *name);

/* (rows, cols) view `view` of `base`, a buffer with p's layout (p->data, p->grad or a
   worker's gradient copy). */
lk_mat lk_params_mat(const lk_params *p, size_t view, lk_real *base);

/* grad = 0. */
void lk_params_zero_grad(lk_params *p);

/* ---- row-sparse views (embedding tables) ------------------------------------------------
   A large embedding table gets gradients only on the rows a batch uses. Marking its view
   sparse and touching those rows makes the per-step work (zeroing, reducing worker
   gradients, the norm for clipping, the optimizer update) run over the ACTIVE SET only:
   every dense view plus the touched rows of sparse views. Per step:
       lk_params_touch(p, emb_view, ids, n);                 // once per batch, one thread
       ... workers: forward/backward into their grad buffers (zeroed as below) ...
       lk_params_axpy_active(p, 1, worker_grad, p->grad);    // reduce
       norm = lk_params_clip_active(p, p->grad, clip);       // NaN/Inf = diverged
       lk_optim_step_active(opt, p, 0);                       // lazy on sparse rows
       lk_params_zero_active(p, p->grad); (and each worker_grad)
       lk_params_untouch(p);
   Invariant: outside the active set every gradient buffer is zero (true after alloc and
   after zero_active + untouch). The optimizer is "lazy" on sparse rows (TF LazyAdam,
   PyTorch SparseAdam): rows not touched in a step keep their values and moments. */

/* Mark `view` row-sparse. Before lk_params_alloc; LK_ERR_ARG otherwise. */
lk_status lk_params_set_sparse(lk_params *p, size_t view);

/* Add rows ids[0..n) (ids < 0 skipped, duplicates ignored) of sparse view `view` to the
   active set. ids must be < rows (asserted). Not thread-safe. */
void lk_params_touch(lk_params *p, size_t view, const int32_t *ids, size_t n);

/* Empty the touched sets (dense views stay active). */
void lk_params_untouch(lk_params *p);

/* grad = 0 on the active set of a buffer with p's layout. */
void lk_params_zero_active(const lk_params *p, lk_real *grad);

/* dst += alpha * src on the active set. */
void lk_params_axpy_active(const lk_params *p, lk_real alpha, const lk_real *src, lk_real *dst);

/* L2 norm of grad over the active set (double accumulation). */
double lk_params_norm_active(const lk_params *p, const lk_real *grad);

/* lk_grad_clip restricted to the active set; returns the norm before clipping. */
double lk_params_clip_active(const lk_params *p, lk_real *grad, double max_norm);

/* Free data, grad and views; p is left zeroed. NULL is a no-op. */
void lk_params_free(lk_params *p);

/* Global L2 norm of g (n), accumulated in double. */
double lk_grad_norm(const lk_real *g, size_t n);

/* If the global norm of g exceeds max_norm > 0, scale g so it equals max_norm. Returns the
   norm before clipping (NaN/Inf if g has them: callers test isfinite to detect divergence). */
double lk_grad_clip(lk_real *g, size_t n, double max_norm);

typedef enum { LK_OPTIM_SGD = 0, LK_OPTIM_ADAM = 1 } lk_optim_kind;

typedef struct {
    lk_optim_kind kind;
    float lr;           /* learning rate (> 0) */
    float momentum;     /* SGD: v = momentum * v + g; p -= lr * v (0 = plain SGD) */
    float beta1, beta2; /* Adam moments (0.9, 0.999) */
    float eps;          /* Adam epsilon (1e-8) */
    float weight_decay; /* L2 added to the gradient: g += wd * p (0 = off) */
    float clip;         /* max global grad norm for lk_optim_step callers (0 = off); see
                           lk_grad_clip; lk_optim_step itself does not clip */
} lk_optim_config;

/* Adam, lr 1e-3, betas 0.9/0.999, eps 1e-8, no momentum, no decay, clip 5. */
lk_optim_config lk_optim_config_default(void);

/* LK_ERR_ARG with a readable reason for a bad config. */
lk_status lk_optim_config_check(const lk_optim_config *c, lk_error *err);

typedef struct lk_optim lk_optim; /* optimizer state (moments) for n parameters */

/* State for n parameters. *out NULL on failure (LK_ERR_NOMEM / LK_ERR_ARG). */
lk_status lk_optim_create(const lk_optim_config *c, size_t n, lk_optim **out);

void lk_optim_free(lk_optim *o); /* NULL is a no-op */

/* One update of params (n) from grad (n); does not clear grad. lr overrides c->lr when > 0
   (learning-rate schedules). */
void lk_optim_step(lk_optim *o, lk_real *params, const lk_real *grad, float lr);

/* One update of p->data from p->grad on the active set only (see lk_params_touch): dense
   views as lk_optim_step, touched rows of sparse views lazily. o was created for p->n. */
void lk_optim_step_active(lk_optim *o, const lk_params *p, float lr);

/* Number of steps taken (Adam's t). */
int64_t lk_optim_steps(const lk_optim *o);

/* Optimizer state as a flat buffer for checkpoints: *state (n_state) borrowed, writeable,
   layout [m (n) | v (n)] for Adam, [v (n)] for SGD; plus the step counter via
   lk_optim_steps / lk_optim_set_steps. */
lk_real *lk_optim_state(lk_optim *o, size_t *n_state);
void lk_optim_set_steps(lk_optim *o, int64_t t);

#endif
