#include "models/cell.h"

#include <string.h>
#include "models/blas_internal.h"
#include "models/fastmath.h"
#include "models/lstm_kernel.h"

/* tanh and sigmoid: float32 uses the branch-free inline versions of fastmath.h (absolute
   error < 3e-7; the LSTM/GRU step loops vectorise); the float64 test build stays exact. */
#ifdef LK_REAL_DOUBLE
static lk_real act_tanh(lk_real x) { return tanh(x); }
static lk_real sigmoid(lk_real x) { return (lk_real)1 / ((lk_real)1 + LK_EXP(-x)); }
#else
LK_FAST_INLINE lk_real act_tanh(lk_real x) { return lk_fast_tanhf(x); }
LK_FAST_INLINE lk_real sigmoid(lk_real x) { return lk_fast_sigmoidf(x); }
#endif

/* pre (B, G*H) = h_prev (B, H) @ W_h^T */
static void recurrent_gemm(const lk_cell *p, int32_t B, const lk_real *h_prev, lk_real *pre)
{
    if (p->w_h_t) {
        memset(pre, 0, (size_t)B * p->w_h.rows * sizeof *pre);
        lk_gemm_kn(B, p->w_h.rows, p->H, h_prev, p->w_h_t, pre);
        return;
    }
    lk_mat hm = lk_mat_view((lk_real *)h_prev, B, p->H);
    lk_mat pm = lk_mat_view(pre, B, p->w_h.rows);
    lk_gemm(false, true, 1, &hm, &p->w_h, 0, &pm);
}

/* dh_prev (B, H) += dhw (B, G*H) @ W_h */
static void recurrent_backward(const lk_cell *p, int32_t B, const lk_real *dhw, lk_real *dh_prev)
{
    lk_mat dm = lk_mat_view((lk_real *)dhw, B, p->w_h.rows);
    lk_mat dhm = lk_mat_view(dh_prev, B, p->H);
    lk_gemm(false, false, 1, &dm, &p->w_h, 1, &dhm);
}

void lk_cell_backward_w_h(const lk_cell *p, int32_t n, const lk_real *h_prev,
                          const lk_real *dhw, lk_cell *grad)
{
    lk_mat hm = lk_mat_view((lk_real *)h_prev, n, p->H);
    lk_mat dm = lk_mat_view((lk_real *)dhw, n, p->w_h.rows);
    lk_gemm(true, false, 1, &dm, &hm, 1, &grad->w_h);
}

static bool row_on(const uint8_t *mask, int32_t b) { return !mask || mask[b]; }

/* dhw = dxw when the caller passed separate buffers (RNN, LSTM) */
static void copy_dhw(const lk_real *dxw, lk_real *dhw, size_t n)
{
    if (dhw != dxw) memcpy(dhw, dxw, n * sizeof *dhw);
}

/* ---- Elman RNN: cache = [a (B,H)], a = act(xw + W_h h_prev) ------------------------------ */

static void rnn_forward(const lk_cell *p, int32_t B, const lk_real *xw, const lk_real *h_prev,
                        const uint8_t *mask, lk_real *h, lk_real *cache, bool relu)
{
    int32_t H = p->H;
    recurrent_gemm(p, B, h_prev, cache);
    for (int32_t b = 0; b < B; b++) {
        lk_real *a = cache + (size_t)b * H;
        const lk_real *x = xw + (size_t)b * H;
        for (int32_t j = 0; j < H; j++) {
            lk_real v = a[j] + x[j];
            a[j] = relu ? (v > 0 ? v : 0) : act_tanh(v);
        }
        memcpy(h + (size_t)b * H, row_on(mask, b) ? a : h_prev + (size_t)b * H,
               (size_t)H * sizeof *h);
    }
}

static void rnn_backward(const lk_cell *p, int32_t B, const uint8_t *mask, const lk_real *cache,
                         const lk_real *dh, lk_real *dxw, lk_real *dhw, lk_real *dh_prev,
                         bool relu)
{
    int32_t H = p->H;
    for (int32_t b = 0; b < B; b++) {
        const lk_real *a = cache + (size_t)b * H, *d = dh + (size_t)b * H;
        lk_real *dx = dxw + (size_t)b * H;
        if (!row_on(mask, b)) {
            lk_axpy((size_t)H, 1, d, dh_prev + (size_t)b * H);
            memset(dx, 0, (size_t)H * sizeof *dx);
            continue;
        }
        for (int32_t j = 0; j < H; j++)
            dx[j] = relu ? (a[j] > 0 ? d[j] : 0) : d[j] * (1 - a[j] * a[j]);
    }
    copy_dhw(dxw, dhw, (size_t)B * H);
    recurrent_backward(p, B, dxw, dh_prev);
}

static void rnn_tanh_forward(const lk_cell *p, int32_t B, const lk_real *xw,
                             const lk_real *h_prev, const lk_real *c_prev, const uint8_t *mask,
                             lk_real *h, lk_real *c, lk_real *cache)
{
    (void)c_prev;
    (void)c;
    rnn_forward(p, B, xw, h_prev, mask, h, cache, false);
}

static void rnn_relu_forward(const lk_cell *p, int32_t B, const lk_real *xw,
                             const lk_real *h_prev, const lk_real *c_prev, const uint8_t *mask,
                             lk_real *h, lk_real *c, lk_real *cache)
{
    (void)c_prev;
    (void)c;
    rnn_forward(p, B, xw, h_prev, mask, h, cache, true);
}

static void rnn_tanh_backward(const lk_cell *p, int32_t B, const lk_real *h_prev,
                              const lk_real *c_prev, const uint8_t *mask, const lk_real *cache,
                              const lk_real *dh, const lk_real *dc, lk_cell *grad, lk_real *dxw,
                              lk_real *dhw, lk_real *dh_prev, lk_real *dc_prev)
{
    (void)h_prev, (void)c_prev, (void)dc, (void)grad, (void)dc_prev;
    rnn_backward(p, B, mask, cache, dh, dxw, dhw, dh_prev, false);
}

static void rnn_relu_backward(const lk_cell *p, int32_t B, const lk_real *h_prev,
                              const lk_real *c_prev, const uint8_t *mask, const lk_real *cache,
                              const lk_real *dh, const lk_real *dc, lk_cell *grad, lk_real *dxw,
                              lk_real *dhw, lk_real *dh_prev, lk_real *dc_prev)
{
    (void)h_prev, (void)c_prev, (void)dc, (void)grad, (void)dc_prev;
    rnn_backward(p, B, mask, cache, dh, dxw, dhw, dh_prev, true);
}

/* ---- LSTM: cache = [gates i,f,g,o activated (B,4H) | tanh(c) (B,H)] ----------------------- */

/* One row of an LSTM step: gt (4H) holds h_prev W_h^T and becomes the activated gates. */
LK_CLONES static void lstm_row_forward(int32_t H, const lk_real *restrict x, const lk_real *restrict hp,
                             const lk_real *restrict cp, bool on, lk_real *restrict gt,
                             lk_real *restrict tc, lk_real *restrict hb, lk_real *restrict cb)
{
    for (int32_t j = 0; j < H; j++) {
        lk_real gi = sigmoid(gt[j] + x[j]);
        lk_real gf = sigmoid(gt[H + j] + x[H + j]);
        lk_real gg = act_tanh(gt[2 * H + j] + x[2 * H + j]);
        lk_real go = sigmoid(gt[3 * H + j] + x[3 * H + j]);
        lk_real cv = gf * cp[j] + gi * gg;
        lk_real t = act_tanh(cv);
        gt[j] = gi;
        gt[H + j] = gf;
        gt[2 * H + j] = gg;
        gt[3 * H + j] = go;
        tc[j] = t;
        cb[j] = cv;
        hb[j] = go * t;
    }
    if (!on) { /* a padded step carries the state (outside the loop, which then vectorises) */
        memcpy(cb, cp, (size_t)H * sizeof *cb);
        memcpy(hb, hp, (size_t)H * sizeof *hb);
    }
}

static void lstm_step_forward(const lk_cell *p, int32_t B, const lk_real *xw,
                              const lk_real *h_prev, const lk_real *c_prev, const uint8_t *mask,
                              lk_real *h, lk_real *c, lk_real *cache)
{
    int32_t H = p->H;
    size_t bh4 = (size_t)4 * H;
    lk_real *tcs = cache + (size_t)B * bh4;
#ifndef LK_REAL_DOUBLE
    if (p->w_h_pk) { /* inference: the fused step, no cache */
        lk_lstm_step_packed(B, H, p->w_h_pk_width, p->w_h_pk, xw, h_prev, c_prev, mask, h, c);
        return;
    }
#endif
    recurrent_gemm(p, B, h_prev, cache);
    for (int32_t b = 0; b < B; b++) {
        size_t r = (size_t)b * H;
        lstm_row_forward(H, xw + (size_t)b * bh4, h_prev + r, c_prev + r, row_on(mask, b),
                         cache + (size_t)b * bh4, tcs + r, h + r, c + r);
    }
}

static void lstm_step_backward(const lk_cell *p, int32_t B, const lk_real *h_prev,
                               const lk_real *c_prev, const uint8_t *mask, const lk_real *cache,
                               const lk_real *dh, const lk_real *dc, lk_cell *grad, lk_real *dxw,
                               lk_real *dhw, lk_real *dh_prev, lk_real *dc_prev)
{
    int32_t H = p->H;
    const lk_real *tcs = cache + (size_t)4 * B * H;
    (void)h_prev;
    (void)grad;
    for (int32_t b = 0; b < B; b++) {
        const lk_real *dhb = dh + (size_t)b * H, *dcb = dc + (size_t)b * H;
        lk_real *dcp = dc_prev + (size_t)b * H, *dx = dxw + (size_t)b * 4 * H;
        if (!row_on(mask, b)) {
            lk_axpy((size_t)H, 1, dhb, dh_prev + (size_t)b * H);
            lk_axpy((size_t)H, 1, dcb, dcp);
            memset(dx, 0, (size_t)4 * H * sizeof *dx);
            continue;
        }
        const lk_real *gt = cache + (size_t)b * 4 * H, *tc = tcs + (size_t)b * H;
        const lk_real *cp = c_prev + (size_t)b * H;
        for (int32_t j = 0; j < H; j++) {
            lk_real gi = gt[j], gf = gt[H + j], gg = gt[2 * H + j], go = gt[3 * H + j];
            lk_real t = tc[j];
            lk_real dct = dcb[j] + dhb[j] * go * (1 - t * t);
            dx[j] = dct * gg * gi * (1 - gi);
            dx[H + j] = dct * cp[j] * gf * (1 - gf);
            dx[2 * H + j] = dct * gi * (1 - gg * gg);
            dx[3 * H + j] = dhb[j] * t * go * (1 - go);
            dcp[j] += dct * gf;
        }
    }
    copy_dhw(dxw, dhw, (size_t)B * 4 * H);
    recurrent_backward(p, B, dxw, dh_prev);
}

/* ---- GRU: cache = [r, z, n activated (B,3H) | hn = W_hn h_prev + b_hn (B,H)] ------------- */

static void gru_step_forward(const lk_cell *p, int32_t B, const lk_real *xw,
                             const lk_real *h_prev, const lk_real *c_prev, const uint8_t *mask,
                             lk_real *h, lk_real *c, lk_real *cache)
{
    int32_t H = p->H;
    lk_real *hns = cache + (size_t)3 * B * H;
    (void)c_prev;
    (void)c;
    recurrent_gemm(p, B, h_prev, cache);
    for (int32_t b = 0; b < B; b++) {
        lk_real *gt = cache + (size_t)b * 3 * H, *hn = hns + (size_t)b * H;
        const lk_real *x = xw + (size_t)b * 3 * H, *hp = h_prev + (size_t)b * H;
        lk_real *hb = h + (size_t)b * H;
        bool on = row_on(mask, b);
        for (int32_t j = 0; j < H; j++) {
            lk_real r = sigmoid(gt[j] + x[j]);
            lk_real z = sigmoid(gt[H + j] + x[H + j]);
            lk_real hnv = gt[2 * H + j] + p->b_hn[j];
            lk_real n = act_tanh(x[2 * H + j] + r * hnv);
            gt[j] = r;
            gt[H + j] = z;
            gt[2 * H + j] = n;
            hn[j] = hnv;
            hb[j] = on ? (1 - z) * n + z * hp[j] : hp[j];
        }
    }
}

static void gru_step_backward(const lk_cell *p, int32_t B, const lk_real *h_prev,
                              const lk_real *c_prev, const uint8_t *mask, const lk_real *cache,
                              const lk_real *dh, const lk_real *dc, lk_cell *grad, lk_real *dxw,
                              lk_real *dhw, lk_real *dh_prev, lk_real *dc_prev)
{
    int32_t H = p->H;
    const lk_real *hns = cache + (size_t)3 * B * H;
    (void)c_prev;
    (void)dc;
    (void)dc_prev;
    for (int32_t b = 0; b < B; b++) {
        const lk_real *dhb = dh + (size_t)b * H, *hp = h_prev + (size_t)b * H;
        lk_real *dhp = dh_prev + (size_t)b * H;
        lk_real *dx = dxw + (size_t)b * 3 * H, *dw = dhw + (size_t)b * 3 * H;
        if (!row_on(mask, b)) {
            lk_axpy((size_t)H, 1, dhb, dhp);
            memset(dx, 0, (size_t)3 * H * sizeof *dx);
            memset(dw, 0, (size_t)3 * H * sizeof *dw);
            continue;
        }
        const lk_real *gt = cache + (size_t)b * 3 * H, *hn = hns + (size_t)b * H;
        for (int32_t j = 0; j < H; j++) {
            lk_real r = gt[j], z = gt[H + j], n = gt[2 * H + j];
            lk_real dn = dhb[j] * (1 - z) * (1 - n * n);
            lk_real dz = dhb[j] * (hp[j] - n) * z * (1 - z);
            lk_real dr = dn * hn[j] * r * (1 - r);
            dhp[j] += dhb[j] * z;
            dx[j] = dr;
            dx[H + j] = dz;
            dx[2 * H + j] = dn;
            dw[j] = dr;
            dw[H + j] = dz;
            dw[2 * H + j] = dn * r;
            grad->b_hn[j] += dn * r;
        }
    }
    recurrent_backward(p, B, dhw, dh_prev);
}

/* ---- table and parameters -------------------------------------------------------------- */

static const lk_cell_ops OPS[] = {
    {"rnn-tanh", 1, 1, 1, false, rnn_tanh_forward, rnn_tanh_backward},
    {"rnn-relu", 1, 1, 1, false, rnn_relu_forward, rnn_relu_backward},
    {"lstm", 4, 2, 5, false, lstm_step_forward, lstm_step_backward},
    {"gru", 3, 1, 4, true, gru_step_forward, gru_step_backward},
};

const lk_cell_ops *lk_cell_ops_get(lk_cell_type type) { return &OPS[type]; }

const char *lk_cell_type_name(lk_cell_type type) { return OPS[type].name; }

lk_status lk_cell_type_parse(const char *name, lk_cell_type *out)
{
    if (strcmp(name, "rnn") == 0) {
        *out = LK_CELL_RNN_TANH;
        return LK_OK;
    }
    for (int i = 0; i < (int)(sizeof OPS / sizeof OPS[0]); i++)
        if (strcmp(name, OPS[i].name) == 0) {
            *out = (lk_cell_type)i;
            return LK_OK;
        }
    return LK_ERR_ARG;
}

size_t lk_cell_param_count(lk_cell_type type, int32_t I, int32_t H)
{
    size_t gh = (size_t)OPS[type].n_gates * H;
    return gh * I + gh * H + gh + (type == LK_CELL_GRU ? (size_t)H : 0);
}

lk_status lk_cell_add_params(lk_cell_type type, int32_t I, int32_t H, lk_params *p,
                             const char *prefix, size_t *first_view_out)
{
    char name[LK_PARAM_NAME_MAX];
    int32_t G = OPS[type].n_gates;
    lk_status st;
    if (I <= 0 || H <= 0 || (int64_t)G * H > INT32_MAX) return LK_ERR_ARG;
    if ((st = lk_params_name(name, prefix, ".w_x")) != LK_OK ||
        (st = lk_params_add(p, name, G * H, I, H, LK_INIT_XAVIER, 1, first_view_out)) != LK_OK)
        return st;
    lk_init_kind rec = type == LK_CELL_RNN_RELU ? LK_INIT_IDENTITY : LK_INIT_ORTHO;
    if ((st = lk_params_name(name, prefix, ".w_h")) != LK_OK ||
        (st = lk_params_add(p, name, G * H, H, H, rec, 1, NULL)) != LK_OK)
        return st;
    if ((st = lk_params_name(name, prefix, ".b")) != LK_OK) return st;
    if (type == LK_CELL_LSTM) st = lk_params_add(p, name, 1, G * H, 0, LK_INIT_LSTM_BIAS, 1, NULL);
    else st = lk_params_add(p, name, 1, G * H, 0, LK_INIT_ZERO, 0, NULL);
    if (st != LK_OK || type != LK_CELL_GRU) return st;
    if ((st = lk_params_name(name, prefix, ".b_hn")) != LK_OK) return st;
    return lk_params_add(p, name, 1, H, 0, LK_INIT_ZERO, 0, NULL);
}

void lk_cell_bind(lk_cell_type type, int32_t I, int32_t H, lk_real *base, size_t offset,
                  lk_cell *c)
{
    int32_t gh = OPS[type].n_gates * H;
    lk_real *x = base + offset;
    c->ops = &OPS[type];
    c->I = I;
    c->H = H;
    c->w_x = lk_mat_view(x, gh, I);
    x += (size_t)gh * I;
    c->w_h = lk_mat_view(x, gh, H);
    x += (size_t)gh * H;
    c->b = x;
    x += gh;
    c->b_hn = type == LK_CELL_GRU ? x : NULL;
    c->w_h_t = NULL;
    c->w_x_t = NULL;
    c->w_h_pk = NULL;
    c->w_h_pk_width = 0;
}
