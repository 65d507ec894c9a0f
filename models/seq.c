#include "models/seq.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CELLS (LK_SEQ_MAX_LAYERS * 2)

/* Per-cell buffers, carved out of one arena. Processing index k = 0..T-1 visits time step
   t = k (forward) or t = T-1-k (reverse); states slot k+1 holds the state after index k. */
typedef struct {
    lk_real *xw;     /* (T, B, G*H) input projection; reused for dxw in backward */
    lk_real *states; /* (T+1) slots of S*B*H */
    lk_real *cache;  /* T slots (train) or 1 slot of cache_mult*B*H */
} cell_bufs;

struct lk_seq_ws {
    lk_real *arena;
    size_t cap;
    uint8_t *mask; /* (T, B) */
    size_t mask_cap;
    cell_bufs cell[MAX_CELLS];
    lk_real *layer_out[LK_SEQ_MAX_LAYERS]; /* (T, B, D*H) outputs of layers < layers-1 */
    lk_real *dbuf[2];                      /* (T, B, D*H) backward ping-pong */
    lk_real *ds, *ds_prev;                 /* (S*B*H) */
    lk_real *work;                         /* (B, G*H) */
    int32_t T, B, layers, D;
    size_t sbh;       /* S*B*H: elements of one state */
    const lk_real *x; /* borrowed input of the last forward */
    bool train;       /* last forward kept caches */
};

lk_seq_config lk_seq_config_default(void)
{
    lk_seq_config c;
    memset(&c, 0, sizeof c);
    c.cell = LK_CELL_LSTM;
    c.input = 0;
    c.hidden = 128;
    c.layers = 1;
    c.bidirectional = true;
    c.bptt = 0;
    return c;
}

lk_status lk_seq_config_check(const lk_seq_config *c, lk_error *err)
{
    if ((int)c->cell < 0 || c->cell > LK_CELL_GRU)
        return lk_error_set(err, LK_ERR_ARG, "unknown cell type %d", (int)c->cell);
    if (c->input <= 0) return lk_error_set(err, LK_ERR_ARG, "input size must be > 0");
    if (c->hidden <= 0)
        return lk_error_set(err, LK_ERR_ARG, "hidden must be > 0 (got %d)", (int)c->hidden);
    if (c->hidden > (1 << 20) || c->input > (1 << 24))
        return lk_error_set(err, LK_ERR_ARG, "hidden/input size too large");
    if (c->layers < 1 || c->layers > LK_SEQ_MAX_LAYERS)
        return lk_error_set(err, LK_ERR_ARG, "layers must be in 1..%d (got %d)",
                            LK_SEQ_MAX_LAYERS, (int)c->layers);
    if (c->bptt < 0) return lk_error_set(err, LK_ERR_ARG, "bptt must be >= 0 (0 = full)");
    return LK_OK;
}

static int32_t n_dirs(const lk_seq_config *c) { return c->bidirectional ? 2 : 1; }

static int32_t layer_input(const lk_seq_config *c, int32_t l)
{
    return l == 0 ? c->input : n_dirs(c) * c->hidden;
}

lk_status lk_seq_add_params(lk_seq *m, const lk_seq_config *c, lk_params *p,
                            const char *prefix, lk_error *err)
{
    lk_status st = lk_seq_config_check(c, err);
    if (st != LK_OK) return st;
    memset(m, 0, sizeof *m);
    m->cfg = *c;
    for (int32_t l = 0; l < c->layers; l++)
        for (int32_t d = 0; d < n_dirs(c); d++) {
            char name[LK_PARAM_NAME_MAX], suffix[32];
            size_t view;
            snprintf(suffix, sizeof suffix, ".l%d.%s", (int)l, d ? "bwd" : "fwd");
            st = lk_params_name(name, prefix, suffix);
            if (st != LK_OK)
                return lk_error_set(err, st, "parameter prefix too long: %s", prefix);
            st = lk_cell_add_params(c->cell, layer_input(c, l), c->hidden, p, name, &view);
            if (st != LK_OK)
                return lk_error_set(err, st, "cannot declare parameters of %s: %s", name,
                                    lk_status_str(st));
            if (l == 0 && d == 0) m->first_view = view;
            m->offset[l][d] = p->views[view].offset;
            m->n_params += lk_cell_param_count(c->cell, layer_input(c, l), c->hidden);
        }
    return LK_OK;
}

void lk_seq_bind(const lk_seq *m, lk_real *base, lk_seq_weights *w)
{
    memset(w, 0, sizeof *w);
    for (int32_t l = 0; l < m->cfg.layers; l++)
        for (int32_t d = 0; d < n_dirs(&m->cfg); d++)
            lk_cell_bind(m->cfg.cell, layer_input(&m->cfg, l), m->cfg.hidden, base,
                         m->offset[l][d], &w->cell[l][d]);
}

int32_t lk_seq_output_size(const lk_seq *m) { return n_dirs(&m->cfg) * m->cfg.hidden; }

lk_status lk_seq_ws_create(lk_seq_ws **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? LK_OK : LK_ERR_NOMEM;
}

void lk_seq_ws_free(lk_seq_ws *ws)
{
    if (!ws) return;
    free(ws->arena);
    free(ws->mask);
    free(ws);
}

/* ---- workspace planning ------------------------------------------------------------------ */

/* Carve the arena for (T, B); with base == NULL only count. Returns elements needed. */
static size_t plan(const lk_seq_config *c, int32_t T, int32_t B, bool train, lk_seq_ws *ws,
                   lk_real *base)
{
    const lk_cell_ops *ops = lk_cell_ops_get(c->cell);
    size_t H = (size_t)c->hidden, D = (size_t)n_dirs(c), tb = (size_t)T * B;
    size_t sbh = (size_t)ops->state_mult * B * H, used = 0;
#define TAKE(ptr, n)                      \
    do {                                  \
        if (base) (ptr) = base + used;    \
        used += (n);                      \
    } while (0)
    for (int32_t l = 0; l < c->layers; l++) {
        for (size_t d = 0; d < D; d++) {
            cell_bufs *cb = &ws->cell[(size_t)l * D + d];
            TAKE(cb->xw, tb * ops->n_gates * H);
            TAKE(cb->states, ((size_t)T + 1) * sbh);
            TAKE(cb->cache, (train ? (size_t)T : 1) * ops->cache_mult * B * H);
        }
        if (l + 1 < c->layers) TAKE(ws->layer_out[l], tb * D * H);
    }
    if (train) {
        if (c->layers > 1) {
            TAKE(ws->dbuf[0], tb * D * H);
            TAKE(ws->dbuf[1], tb * D * H);
        }
        TAKE(ws->ds, sbh);
        TAKE(ws->ds_prev, sbh);
        TAKE(ws->work, (size_t)B * ops->n_gates * H);
    }
#undef TAKE
    return used;
}

static lk_status ws_prepare(const lk_seq_config *c, lk_seq_ws *ws, int32_t T, int32_t B,
                            bool train)
{
    /* overflow guard: every term of plan() is below T*B*(a few)*H*layers */
    size_t probe;
    size_t per = (size_t)(c->layers + 2) * 2 * 8 * (size_t)c->hidden + (size_t)c->input;
    if (lk_mul_size((size_t)T + 1, (size_t)B, &probe) != LK_OK ||
        lk_mul_size(probe, per, &probe) != LK_OK ||
        lk_mul_size(probe, sizeof(lk_real), &probe) != LK_OK)
        return LK_ERR_RANGE;
    size_t need = plan(c, T, B, train, ws, NULL);
    if (need > ws->cap) {
        lk_real *a = realloc(ws->arena, need * sizeof *a);
        if (!a) return LK_ERR_NOMEM;
        ws->arena = a;
        ws->cap = need;
    }
    size_t nmask = (size_t)T * B;
    if (nmask > ws->mask_cap) {
        uint8_t *mk = realloc(ws->mask, nmask);
        if (!mk) return LK_ERR_NOMEM;
        ws->mask = mk;
        ws->mask_cap = nmask;
    }
    plan(c, T, B, train, ws, ws->arena);
    return LK_OK;
}

/* ---- forward ------------------------------------------------------------------------------ */

/* xw (T*B, G*H) = x (T*B, I) @ W_x^T + b */
static void input_projection(const lk_cell *p, int32_t TB, const lk_real *x, lk_real *xw)
{
    int32_t gh = p->w_x.rows;
    for (int32_t r = 0; r < TB; r++) memcpy(xw + (size_t)r * gh, p->b, (size_t)gh * sizeof *xw);
    lk_mat xm = lk_mat_view((lk_real *)x, TB, p->I);
    lk_mat ym = lk_mat_view(xw, TB, gh);
    lk_gemm(false, true, 1, &xm, &p->w_x, 1, &ym);
}

static void run_cell_forward(const lk_cell *p, const cell_bufs *cb, const uint8_t *mask,
                             int32_t T, int32_t B, int32_t dir, bool train, int32_t out_cols,
                             lk_real *out)
{
    const lk_cell_ops *ops = p->ops;
    int32_t H = p->H, gh = ops->n_gates * H;
    size_t sbh = (size_t)ops->state_mult * B * H, cstep = (size_t)ops->cache_mult * B * H;
    for (int32_t k = 0; k < T; k++) {
        int32_t t = dir == 0 ? k : T - 1 - k;
        const uint8_t *mk = mask + (size_t)t * B;
        const lk_real *sp = cb->states + (size_t)k * sbh;
        lk_real *s = cb->states + ((size_t)k + 1) * sbh;
        lk_real *cache = cb->cache + (train ? (size_t)k * cstep : 0);
        ops->step_forward(p, B, cb->xw + (size_t)t * B * gh, sp, mk, s, cache);
        for (int32_t b = 0; b < B; b++) {
            lk_real *o = out + ((size_t)t * B + b) * out_cols + (size_t)dir * H;
            if (mk[b]) memcpy(o, s + (size_t)b * H, (size_t)H * sizeof *o);
            else memset(o, 0, (size_t)H * sizeof *o);
        }
    }
}

lk_status lk_seq_forward(const lk_seq *m, const lk_seq_weights *w, lk_seq_ws *ws, int32_t T,
                         int32_t B, const lk_real *x, const int32_t *lengths, const lk_real *s0,
                         bool train, lk_real *out)
{
    const lk_seq_config *c = &m->cfg;
    const lk_cell_ops *ops = lk_cell_ops_get(c->cell);
    int32_t D = n_dirs(c), H = c->hidden;
    size_t sbh = (size_t)ops->state_mult * B * H;
    lk_status st;
    ws->train = false;
    if (T < 1 || B < 1) return LK_ERR_ARG;
    if (lengths)
        for (int32_t b = 0; b < B; b++)
            if (lengths[b] < 0 || lengths[b] > T) return LK_ERR_ARG;
    if ((st = ws_prepare(c, ws, T, B, train)) != LK_OK) return st;
    for (int32_t t = 0; t < T; t++)
        for (int32_t b = 0; b < B; b++)
            ws->mask[(size_t)t * B + b] = (uint8_t)(!lengths || t < lengths[b]);
    const lk_real *in = x;
    for (int32_t l = 0; l < c->layers; l++) {
        lk_real *lo = l + 1 < c->layers ? ws->layer_out[l] : out;
        for (int32_t d = 0; d < D; d++) {
            const lk_cell *p = &w->cell[l][d];
            const cell_bufs *cb = &ws->cell[(size_t)l * D + d];
            input_projection(p, T * B, in, cb->xw);
            if (s0) memcpy(cb->states, s0 + ((size_t)l * D + d) * sbh, sbh * sizeof(lk_real));
            else memset(cb->states, 0, sbh * sizeof(lk_real));
            run_cell_forward(p, cb, ws->mask, T, B, d, train, D * H, lo);
        }
        in = lo;
    }
    ws->T = T;
    ws->B = B;
    ws->layers = c->layers;
    ws->D = D;
    ws->sbh = sbh;
    ws->x = x;
    ws->train = train;
    return LK_OK;
}

/* ---- backward ----------------------------------------------------------------------------- */

/* BPTT over one cell; leaves dLoss/dxw in cb->xw (T, B, G*H). */
static void run_cell_backward(const lk_cell *p, const cell_bufs *cb, lk_seq_ws *ws,
                              const uint8_t *mask, int32_t dir, int32_t bptt, int32_t dout_cols,
                              const lk_real *dout, lk_cell *g)
{
    const lk_cell_ops *ops = p->ops;
    int32_t T = ws->T, B = ws->B, H = p->H, gh = ops->n_gates * H;
    size_t sbh = (size_t)ops->state_mult * B * H, cstep = (size_t)ops->cache_mult * B * H;
    lk_real *ds = ws->ds, *ds_prev = ws->ds_prev;
    memset(ds, 0, sbh * sizeof *ds);
    for (int32_t k = T - 1; k >= 0; k--) {
        int32_t t = dir == 0 ? k : T - 1 - k;
        const uint8_t *mk = mask + (size_t)t * B;
        for (int32_t b = 0; b < B; b++)
            if (mk[b])
                lk_axpy((size_t)H, 1, dout + ((size_t)t * B + b) * dout_cols + (size_t)dir * H,
                        ds + (size_t)b * H);
        memset(ds_prev, 0, sbh * sizeof *ds_prev);
        ops->step_backward(p, B, cb->states + (size_t)k * sbh, mk, cb->cache + (size_t)k * cstep,
                           ds, g, cb->xw + (size_t)t * B * gh, ds_prev, ws->work);
        lk_real *tmp = ds;
        ds = ds_prev;
        ds_prev = tmp;
        if (bptt > 0 && k % bptt == 0) memset(ds, 0, sbh * sizeof *ds); /* truncate */
    }
}

/* g->w_x += dxw^T x;  g->b += column sums of dxw;  dx += dxw @ W_x (if dx). */
static void input_projection_backward(const lk_cell *p, int32_t TB, const lk_real *x,
                                      const lk_real *dxw, lk_cell *g, lk_real *dx)
{
    int32_t gh = p->w_x.rows;
    lk_mat xm = lk_mat_view((lk_real *)x, TB, p->I);
    lk_mat dm = lk_mat_view((lk_real *)dxw, TB, gh);
    lk_gemm(true, false, 1, &dm, &xm, 1, &g->w_x);
    for (int32_t r = 0; r < TB; r++) lk_axpy((size_t)gh, 1, dxw + (size_t)r * gh, g->b);
    if (dx) {
        lk_mat dxm = lk_mat_view(dx, TB, p->I);
        lk_gemm(false, false, 1, &dm, &p->w_x, 1, &dxm);
    }
}

lk_status lk_seq_backward(const lk_seq *m, const lk_seq_weights *w, lk_seq_ws *ws,
                          const lk_real *dout, lk_seq_weights *g, lk_real *dx)
{
    const lk_seq_config *c = &m->cfg;
    int32_t D = n_dirs(c), H = c->hidden, T = ws->T, B = ws->B;
    if (!ws->train || ws->layers != c->layers || ws->D != D) return LK_ERR_ARG;
    const lk_real *dcur = dout;
    for (int32_t l = c->layers - 1; l >= 0; l--) {
        const lk_real *in = l == 0 ? ws->x : ws->layer_out[l - 1];
        lk_real *din = l == 0 ? dx : ws->dbuf[l % 2];
        if (l > 0) memset(din, 0, (size_t)T * B * D * H * sizeof *din);
        for (int32_t d = 0; d < D; d++) {
            const lk_cell *p = &w->cell[l][d];
            const cell_bufs *cb = &ws->cell[(size_t)l * D + d];
            run_cell_backward(p, cb, ws, ws->mask, d, c->bptt, D * H, dcur, &g->cell[l][d]);
            input_projection_backward(p, T * B, in, cb->xw, &g->cell[l][d], din);
        }
        dcur = din;
    }
    ws->train = false; /* xw now holds gradients: a second backward needs a new forward */
    return LK_OK;
}

const lk_real *lk_seq_ws_state(const lk_seq_ws *ws, int32_t layer, int32_t dir, int32_t t)
{
    const cell_bufs *cb = &ws->cell[(size_t)layer * ws->D + dir];
    size_t slot = dir == 0 ? (size_t)(t + 1) : (size_t)(ws->T - t);
    return cb->states + slot * ws->sbh;
}
