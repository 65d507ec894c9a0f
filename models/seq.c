#include "models/seq.h"

#include "models/layers.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CELLS (LK_SEQ_MAX_LAYERS * 2)

/* Per-cell buffers, carved out of one arena, all indexed by time step t. States have T+1
   slots of (B, H): the forward direction reads slot t and writes slot t+1 (initial state in
   slot 0); the reverse direction reads slot t+1 and writes slot t (initial state in slot T).
   So the h_prev rows of all steps are one contiguous (T*B, H) block in both directions and
   the recurrent weight gradient is a single gemm. */
typedef struct {
    lk_real *xw;    /* (T, B, G*H) input projection; reused for dxw in backward */
    lk_real *dhw;   /* (T, B, G*H) GRU recurrent pre-activation gradients (else = xw) */
    lk_real *h, *c; /* (T+1, B, H) hidden and (LSTM) cell states; c NULL otherwise */
    lk_real *cache; /* T slots (train) or 1 slot of cache_mult*B*H */
} cell_bufs;

struct lk_seq_ws {
    lk_real *arena;
    size_t cap;
    uint8_t *mask; /* (T, B) 1 = real step */
    size_t mask_cap;
    int32_t *row_lo; /* (2T): step t works on rows [row_lo[t], row_lo[T+t]) of the batch */
    size_t row_cap;
    bool use_mask;   /* lengths unsorted: every step runs all B rows with the mask */
    uint8_t *drop;   /* (layers-1, T, B, D*H) inter-layer dropout masks of the last forward */
    size_t drop_cap;
    float drop_p;    /* dropout used by the last forward (0 = none) */
    lk_rng rng;      /* dropout masks */
    cell_bufs cell[MAX_CELLS];
    lk_real *layer_out[LK_SEQ_MAX_LAYERS]; /* (T, B, D*H) outputs of layers < layers-1 */
    lk_real *dbuf[2];                      /* (T, B, D*H) backward ping-pong */
    lk_real *dh, *dc, *dh_prev, *dc_prev;  /* (B, H) running state gradients */
    int32_t T, B, H, layers, D;
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
    if (!(c->dropout >= 0 && c->dropout < 1))
        return lk_error_set(err, LK_ERR_ARG, "dropout must be in [0, 1) (got %g)", c->dropout);
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
    if (!*out) return LK_ERR_NOMEM;
    lk_rng_seed(&(*out)->rng, 0);
    return LK_OK;
}

void lk_seq_ws_seed(lk_seq_ws *ws, uint64_t seed) { lk_rng_seed(&ws->rng, seed); }

void lk_seq_ws_free(lk_seq_ws *ws)
{
    if (!ws) return;
    free(ws->arena);
    free(ws->mask);
    free(ws->row_lo);
    free(ws->drop);
    free(ws);
}

/* ---- workspace planning ------------------------------------------------------------------ */

/* Carve the arena for (T, B); with base == NULL only count. Returns elements needed. */
static size_t plan(const lk_seq_config *c, int32_t T, int32_t B, bool train, lk_seq_ws *ws,
                   lk_real *base)
{
    const lk_cell_ops *ops = lk_cell_ops_get(c->cell);
    size_t H = (size_t)c->hidden, D = (size_t)n_dirs(c), tb = (size_t)T * B;
    size_t bh = (size_t)B * H, used = 0;
#define TAKE(ptr, n)                      \
    do {                                  \
        if (base) (ptr) = base + used;    \
        used += (n);                      \
    } while (0)
    for (int32_t l = 0; l < c->layers; l++) {
        for (size_t d = 0; d < D; d++) {
            cell_bufs *cb = &ws->cell[(size_t)l * D + d];
            TAKE(cb->xw, tb * ops->n_gates * H);
            cb->dhw = cb->xw;
            if (train && ops->dhw_differs) TAKE(cb->dhw, tb * ops->n_gates * H);
            TAKE(cb->h, ((size_t)T + 1) * bh);
            cb->c = NULL;
            if (ops->state_mult > 1) TAKE(cb->c, ((size_t)T + 1) * bh);
            TAKE(cb->cache, (train ? (size_t)T : 1) * ops->cache_mult * bh);
        }
        if (l + 1 < c->layers) TAKE(ws->layer_out[l], tb * D * H);
    }
    if (train) {
        if (c->layers > 1) {
            TAKE(ws->dbuf[0], tb * D * H);
            TAKE(ws->dbuf[1], tb * D * H);
        }
        TAKE(ws->dh, bh);
        TAKE(ws->dc, bh);
        TAKE(ws->dh_prev, bh);
        TAKE(ws->dc_prev, bh);
    }
#undef TAKE
    return used;
}

static lk_status ws_prepare(const lk_seq_config *c, lk_seq_ws *ws, int32_t T, int32_t B,
                            bool train)
{
    /* overflow guard: plan() needs at most ~(32 layers + 8) * H elements per (t, b) row */
    size_t probe;
    size_t per = (size_t)(c->layers + 1) * 64 * (size_t)c->hidden + (size_t)c->input;
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
    size_t ndrop = train && c->dropout > 0 ? (size_t)(c->layers - 1) * T * B * n_dirs(c) * c->hidden : 0;
    if (ndrop > ws->drop_cap) {
        uint8_t *dm = realloc(ws->drop, ndrop);
        if (!dm) return LK_ERR_NOMEM;
        ws->drop = dm;
        ws->drop_cap = ndrop;
    }
    if ((size_t)2 * T > ws->row_cap) {
        int32_t *r = realloc(ws->row_lo, (size_t)2 * T * sizeof *r);
        if (!r) return LK_ERR_NOMEM;
        ws->row_lo = r;
        ws->row_cap = (size_t)2 * T;
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
    if (p->w_x_t) {
        lk_gemm_kn(TB, gh, p->I, x, p->w_x_t, xw);
        return;
    }
    lk_mat xm = lk_mat_view((lk_real *)x, TB, p->I);
    lk_mat ym = lk_mat_view(xw, TB, gh);
    lk_gemm(false, true, 1, &xm, &p->w_x, 1, &ym);
}

/* slot of the state read by step t and of the one it writes */
static size_t prev_slot(int32_t dir, int32_t t) { return (size_t)(dir == 0 ? t : t + 1); }
static size_t next_slot(int32_t dir, int32_t t) { return (size_t)(dir == 0 ? t + 1 : t); }

/* Rows of step t that hold real steps. When the lengths are sorted (either way) they are
   one contiguous block, so padded rows cost nothing: only that block goes through the
   cell and the others just carry their state. Otherwise all rows run, with the mask. */
static void plan_rows(lk_seq_ws *ws, int32_t T, int32_t B, const int32_t *lengths)
{
    bool desc = true, asc = true;
    for (int32_t b = 1; lengths && b < B; b++) {
        if (lengths[b] > lengths[b - 1]) desc = false;
        if (lengths[b] < lengths[b - 1]) asc = false;
    }
    ws->use_mask = lengths && !desc && !asc;
    for (int32_t t = 0; t < T; t++) {
        int32_t n = 0;
        for (int32_t b = 0; b < B; b++) n += !lengths || t < lengths[b];
        bool all = !lengths || ws->use_mask || desc; /* desc: prefix rows [0, n) */
        ws->row_lo[t] = all || !asc ? 0 : B - n;
        ws->row_lo[T + t] = ws->use_mask || !lengths ? B : ws->row_lo[t] + n;
    }
}

/* dst rows outside [lo, hi) = src rows (a (B, H) state carried over) */
static void carry_rows(const lk_real *src, lk_real *dst, int32_t lo, int32_t hi, int32_t B,
                       int32_t H)
{
    memcpy(dst, src, (size_t)lo * H * sizeof *dst);
    memcpy(dst + (size_t)hi * H, src + (size_t)hi * H, (size_t)(B - hi) * H * sizeof *dst);
}

static void run_cell_forward(const lk_cell *p, const cell_bufs *cb, const lk_seq_ws *ws,
                             int32_t T, int32_t B, int32_t dir, bool train, int32_t out_cols,
                             lk_real *out)
{
    const lk_cell_ops *ops = p->ops;
    int32_t H = p->H, gh = ops->n_gates * H;
    size_t bh = (size_t)B * H, cstep = (size_t)ops->cache_mult * bh;
    for (int32_t k = 0; k < T; k++) {
        int32_t t = dir == 0 ? k : T - 1 - k, lo = ws->row_lo[t], hi = ws->row_lo[T + t];
        const uint8_t *mk = ws->use_mask ? ws->mask + (size_t)t * B : NULL;
        size_t ps = prev_slot(dir, t) * bh, ns = next_slot(dir, t) * bh;
        size_t r0 = (size_t)lo * H;
        lk_real *h = cb->h + ns, *c = cb->c ? cb->c + ns : NULL;
        const lk_real *hp = cb->h + ps, *cp = cb->c ? cb->c + ps : NULL;
        if (hi > lo)
            ops->step_forward(p, hi - lo, cb->xw + ((size_t)t * B + lo) * gh, hp + r0,
                              cp ? cp + r0 : NULL, mk, h + r0, c ? c + r0 : NULL,
                              cb->cache + (train ? (size_t)t * cstep : 0));
        carry_rows(hp, h, lo, hi, B, H);
        if (c) carry_rows(cp, c, lo, hi, B, H);
        for (int32_t b = 0; b < B; b++) {
            lk_real *o = out + ((size_t)t * B + b) * out_cols + (size_t)dir * H;
            bool on = mk ? mk[b] : b >= lo && b < hi;
            if (on) memcpy(o, h + (size_t)b * H, (size_t)H * sizeof *o);
            else memset(o, 0, (size_t)H * sizeof *o);
        }
    }
}

/* lk_seq_forward, or with xw0 != NULL the inference forward of lk_seq_forward_xw. */
static lk_status forward(const lk_seq *m, const lk_seq_weights *w, lk_seq_ws *ws, int32_t T,
                         int32_t B, const lk_real *x, const lk_real *const *xw0,
                         const int32_t *lengths, const lk_real *s0, bool train, lk_real *out)
{
    const lk_seq_config *c = &m->cfg;
    const lk_cell_ops *ops = lk_cell_ops_get(c->cell);
    int32_t D = n_dirs(c), H = c->hidden;
    size_t bh = (size_t)B * H, S = (size_t)ops->state_mult;
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
    plan_rows(ws, T, B, lengths);
    const lk_real *in = x;
    for (int32_t l = 0; l < c->layers; l++) {
        lk_real *lo = l + 1 < c->layers ? ws->layer_out[l] : out;
        for (int32_t d = 0; d < D; d++) {
            const lk_cell *p = &w->cell[l][d];
            cell_bufs given = ws->cell[(size_t)l * D + d];
            const cell_bufs *cb = &ws->cell[(size_t)l * D + d];
            size_t init = (d == 0 ? 0 : (size_t)T) * bh;
            if (l == 0 && xw0) { /* the caller's projections stand in for xw */
                given.xw = (lk_real *)xw0[d];
                cb = &given;
            } else {
                input_projection(p, T * B, in, cb->xw);
            }
            if (s0) {
                const lk_real *s = s0 + ((size_t)l * D + d) * S * bh;
                memcpy(cb->h + init, s, bh * sizeof(lk_real));
                if (cb->c) memcpy(cb->c + init, s + bh, bh * sizeof(lk_real));
            } else {
                memset(cb->h + init, 0, bh * sizeof(lk_real));
                if (cb->c) memset(cb->c + init, 0, bh * sizeof(lk_real));
            }
            run_cell_forward(p, cb, ws, T, B, d, train, D * H, lo);
        }
        if (lo != out && train && c->dropout > 0) {
            size_t n = (size_t)T * B * D * H;
            uint8_t *dm = ws->drop + (size_t)l * n;
            lk_dropout_mask(n, c->dropout, &ws->rng, dm);
            lk_dropout_forward(lo, n, c->dropout, dm, lo);
        }
        in = lo;
    }
    ws->drop_p = train ? c->dropout : 0;
    ws->T = T;
    ws->B = B;
    ws->layers = c->layers;
    ws->D = D;
    ws->H = H;
    ws->x = x;
    ws->train = train;
    return LK_OK;
}

lk_status lk_seq_forward(const lk_seq *m, const lk_seq_weights *w, lk_seq_ws *ws, int32_t T,
                         int32_t B, const lk_real *x, const int32_t *lengths, const lk_real *s0,
                         bool train, lk_real *out)
{
    return forward(m, w, ws, T, B, x, NULL, lengths, s0, train, out);
}

lk_status lk_seq_forward_xw(const lk_seq *m, const lk_seq_weights *w, lk_seq_ws *ws, int32_t T,
                            int32_t B, const lk_real *const *xw0, const int32_t *lengths,
                            lk_real *out)
{
    return forward(m, w, ws, T, B, NULL, xw0, lengths, NULL, false, out);
}

/* ---- backward ----------------------------------------------------------------------------- */

/* dst rows outside [lo, hi) += src rows */
static void carry_grad_rows(const lk_real *src, lk_real *dst, int32_t lo, int32_t hi, int32_t B,
                            int32_t H)
{
    lk_axpy((size_t)lo * H, 1, src, dst);
    lk_axpy((size_t)(B - hi) * H, 1, src + (size_t)hi * H, dst + (size_t)hi * H);
}

/* BPTT over one cell; leaves dLoss/dxw in cb->xw (T, B, G*H) and adds g->w_h, g->b_hn. */
static void run_cell_backward(const lk_cell *p, const cell_bufs *cb, lk_seq_ws *ws, int32_t dir,
                              int32_t bptt, int32_t dout_cols, const lk_real *dout, lk_cell *g)
{
    const lk_cell_ops *ops = p->ops;
    int32_t T = ws->T, B = ws->B, H = p->H, gh = ops->n_gates * H;
    size_t bh = (size_t)B * H, cstep = (size_t)ops->cache_mult * bh;
    lk_real *dh = ws->dh, *dc = ws->dc, *dh_prev = ws->dh_prev, *dc_prev = ws->dc_prev, *tmp;
    memset(dh, 0, bh * sizeof *dh);
    memset(dc, 0, bh * sizeof *dc);
    for (int32_t k = T - 1; k >= 0; k--) {
        int32_t t = dir == 0 ? k : T - 1 - k, lo = ws->row_lo[t], hi = ws->row_lo[T + t];
        const uint8_t *mk = ws->use_mask ? ws->mask + (size_t)t * B : NULL;
        size_t ps = prev_slot(dir, t) * bh, r0 = (size_t)lo * H;
        lk_real *dxw = cb->xw + (size_t)t * B * gh, *dhw = cb->dhw + (size_t)t * B * gh;
        for (int32_t b = 0; b < B; b++)
            if (mk ? mk[b] : b >= lo && b < hi)
                lk_axpy((size_t)H, 1, dout + ((size_t)t * B + b) * dout_cols + (size_t)dir * H,
                        dh + (size_t)b * H);
        memset(dh_prev, 0, bh * sizeof *dh_prev);
        memset(dc_prev, 0, bh * sizeof *dc_prev);
        if (hi > lo)
            ops->step_backward(p, hi - lo, cb->h + ps + r0, cb->c ? cb->c + ps + r0 : NULL, mk,
                               cb->cache + (size_t)t * cstep, dh + r0, dc + r0, g,
                               dxw + (size_t)lo * gh, dhw + (size_t)lo * gh, dh_prev + r0,
                               dc_prev + r0);
        /* rows outside the block: state gradient passes through, no gate gradient */
        carry_grad_rows(dh, dh_prev, lo, hi, B, H);
        carry_grad_rows(dc, dc_prev, lo, hi, B, H);
        memset(dxw, 0, (size_t)lo * gh * sizeof *dxw);
        memset(dxw + (size_t)hi * gh, 0, (size_t)(B - hi) * gh * sizeof *dxw);
        if (dhw != dxw) {
            memset(dhw, 0, (size_t)lo * gh * sizeof *dhw);
            memset(dhw + (size_t)hi * gh, 0, (size_t)(B - hi) * gh * sizeof *dhw);
        }
        tmp = dh, dh = dh_prev, dh_prev = tmp;
        tmp = dc, dc = dc_prev, dc_prev = tmp;
        if (bptt > 0 && k % bptt == 0) { /* truncate: nothing flows to the previous step */
            memset(dh, 0, bh * sizeof *dh);
            memset(dc, 0, bh * sizeof *dc);
        }
    }
    /* all steps' h_prev are slots [0, T) (forward) or [1, T] (reverse): one gemm */
    lk_cell_backward_w_h(p, T * B, cb->h + (dir == 0 ? 0 : bh), cb->dhw, g);
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
            run_cell_backward(p, cb, ws, d, c->bptt, D * H, dcur, &g->cell[l][d]);
            input_projection_backward(p, T * B, in, cb->xw, &g->cell[l][d], din);
        }
        if (l > 0 && ws->drop_p > 0) { /* through the dropout on layer l-1's output */
            size_t n = (size_t)T * B * D * H;
            const uint8_t *dm = ws->drop + (size_t)(l - 1) * n;
            lk_real keep = (lk_real)1 / ((lk_real)1 - (lk_real)ws->drop_p);
            for (size_t i = 0; i < n; i++) din[i] = dm[i] ? din[i] * keep : 0;
        }
        dcur = din;
    }
    ws->train = false; /* xw now holds gradients: a second backward needs a new forward */
    return LK_OK;
}

void lk_seq_ws_state(const lk_seq_ws *ws, int32_t layer, int32_t dir, int32_t t, lk_real *out)
{
    const cell_bufs *cb = &ws->cell[(size_t)layer * ws->D + dir];
    size_t bh = (size_t)ws->B * ws->H;
    size_t slot = dir == 0 ? (size_t)(t + 1) : (size_t)t;
    memcpy(out, cb->h + slot * bh, bh * sizeof *out);
    if (cb->c) memcpy(out + bh, cb->c + slot * bh, bh * sizeof *out);
}
