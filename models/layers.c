#include "models/layers.h"

#include <assert.h>
#include <string.h>
#include "models/blas_internal.h"

/* ---- embedding lookup ---------------------------------------------------------------- */

void lk_embedding_forward(const lk_mat *table, const int32_t *ids, int32_t n, lk_real *out)
{
    size_t E = (size_t)table->cols;
    for (int32_t i = 0; i < n; i++) {
        lk_real *o = out + (size_t)i * E;
        assert(ids[i] < table->rows);
        if (ids[i] < 0) memset(o, 0, E * sizeof *o);
        else memcpy(o, table->data + (size_t)ids[i] * E, E * sizeof *o);
    }
}

void lk_embedding_backward(lk_mat *dtable, const int32_t *ids, int32_t n, const lk_real *dout)
{
    size_t E = (size_t)dtable->cols;
    for (int32_t i = 0; i < n; i++) {
        if (ids[i] < 0) continue;
        assert(ids[i] < dtable->rows);
        lk_axpy(E, 1, dout + (size_t)i * E, dtable->data + (size_t)ids[i] * E);
    }
}

/* ---- character n-gram bag ------------------------------------------------------------ */

#define FNV_OFFSET 2166136261u
#define FNV_PRIME 16777619u
#define WORD_BEGIN ((int32_t)'<')
#define WORD_END ((int32_t)'>')

int32_t lk_char_ngrams(const int32_t *cps, int32_t n, int32_t min_n, int32_t max_n,
                       uint32_t buckets, int32_t *ids, int32_t cap)
{
    int32_t total = n + 2, count = 0; /* wrapped word: '<' cps '>' */
    for (int32_t start = 0; start < total; start++) {
        uint32_t h = FNV_OFFSET;
        for (int32_t len = 1; len <= max_n && start + len <= total; len++) {
            int32_t pos = start + len - 1;
            int32_t cp = pos == 0 ? WORD_BEGIN : pos == total - 1 ? WORD_END : cps[pos - 1];
            uint32_t u = (uint32_t)cp;
            for (int byte = 0; byte < 4; byte++) {
                h ^= (u >> (8 * byte)) & 0xFFu;
                h *= FNV_PRIME;
            }
            if (len < min_n) continue;
            if (len == 1 && (pos == 0 || pos == total - 1)) continue; /* lone markers */
            if (count < cap) ids[count] = (int32_t)((h ^ (uint32_t)len) % buckets);
            count++;
        }
    }
    return count;
}

void lk_embag_forward(const lk_mat *table, const int32_t *ids, const int32_t *offsets,
                      int32_t n, bool mean, lk_real *out)
{
    size_t E = (size_t)table->cols;
    for (int32_t i = 0; i < n; i++) {
        lk_real *o = out + (size_t)i * E;
        int32_t lo = offsets[i], hi = offsets[i + 1];
        memset(o, 0, E * sizeof *o);
        for (int32_t k = lo; k < hi; k++) {
            assert(ids[k] >= 0 && ids[k] < table->rows);
            lk_axpy(E, 1, table->data + (size_t)ids[k] * E, o);
        }
        if (mean && hi > lo) lk_scal(E, (lk_real)1 / (lk_real)(hi - lo), o);
    }
}

void lk_embag_backward(lk_mat *dtable, const int32_t *ids, const int32_t *offsets, int32_t n,
                       bool mean, const lk_real *dout)
{
    size_t E = (size_t)dtable->cols;
    for (int32_t i = 0; i < n; i++) {
        int32_t lo = offsets[i], hi = offsets[i + 1];
        if (hi <= lo) continue;
        lk_real w = mean ? (lk_real)1 / (lk_real)(hi - lo) : 1;
        for (int32_t k = lo; k < hi; k++)
            lk_axpy(E, w, dout + (size_t)i * E, dtable->data + (size_t)ids[k] * E);
    }
}

/* ---- concat -------------------------------------------------------------------------- */

void lk_concat_forward(const lk_mat *parts, int32_t k, lk_mat *out)
{
    int32_t col = 0;
    for (int32_t j = 0; j < k; j++) {
        const lk_mat *p = &parts[j];
        assert(p->rows == out->rows);
        for (int32_t r = 0; r < out->rows; r++)
            memcpy(out->data + (size_t)r * out->cols + col, p->data + (size_t)r * p->cols,
                   (size_t)p->cols * sizeof *out->data);
        col += p->cols;
    }
    assert(col == out->cols);
}

void lk_concat_backward(lk_mat *dparts, int32_t k, const lk_mat *dout)
{
    int32_t col = 0;
    for (int32_t j = 0; j < k; j++) {
        lk_mat *p = &dparts[j];
        if (p->data) {
            assert(p->rows == dout->rows);
            for (int32_t r = 0; r < dout->rows; r++)
                lk_axpy((size_t)p->cols, 1, dout->data + (size_t)r * dout->cols + col,
                        p->data + (size_t)r * p->cols);
        }
        col += p->cols;
    }
    assert(col == dout->cols);
}

/* ---- linear -------------------------------------------------------------------------- */

void lk_linear_forward(const lk_mat *w, const lk_real *b, const lk_mat *x, lk_mat *y)
{
    if (b) {
        for (int32_t r = 0; r < y->rows; r++)
            memcpy(y->data + (size_t)r * y->cols, b, (size_t)y->cols * sizeof *b);
    }
    lk_gemm(false, true, 1, x, w, b ? 1 : 0, y);
}

void lk_linear_backward(const lk_mat *w, const lk_mat *x, const lk_mat *dy, lk_mat *dw,
                        lk_real *db, lk_mat *dx)
{
    lk_gemm(true, false, 1, dy, x, 1, dw);
    if (db)
        for (int32_t r = 0; r < dy->rows; r++)
            lk_axpy((size_t)dy->cols, 1, dy->data + (size_t)r * dy->cols, db);
    if (dx) lk_gemm(false, false, 1, dy, w, 1, dx);
}

/* ---- softmax cross-entropy ----------------------------------------------------------- */

double lk_softmax_xent_forward(const lk_mat *logits, const int32_t *targets, lk_mat *probs,
                               int32_t *n_counted)
{
    int32_t C = logits->cols, counted = 0;
    double loss = 0.0;
    assert(probs->rows == logits->rows && probs->cols == C);
    for (int32_t r = 0; r < logits->rows; r++) {
        const lk_real *z = logits->data + (size_t)r * C;
        lk_real *p = probs->data + (size_t)r * C;
        lk_real mx = z[0];
        for (int32_t j = 1; j < C; j++)
            if (z[j] > mx) mx = z[j];
        assert(targets[r] < C);
        double zt = targets[r] >= 0 ? (double)z[targets[r]] : 0.0; /* before p overwrites z */
        double sum = 0.0;
        for (int32_t j = 0; j < C; j++) {
            p[j] = LK_EXP(z[j] - mx);
            sum += (double)p[j];
        }
        lk_real inv = (lk_real)(1.0 / sum);
        for (int32_t j = 0; j < C; j++) p[j] *= inv;
        if (targets[r] >= 0) {
            /* -log p[target] computed from the logits: no log(0) for tiny probabilities */
            loss += log(sum) - (zt - (double)mx);
            counted++;
        }
    }
    if (n_counted) *n_counted = counted;
    return loss;
}

void lk_softmax_xent_backward(const lk_mat *probs, const int32_t *targets, lk_real scale,
                              lk_mat *dlogits)
{
    int32_t C = probs->cols;
    for (int32_t r = 0; r < probs->rows; r++) {
        if (targets[r] < 0) continue;
        const lk_real *p = probs->data + (size_t)r * C;
        lk_real *d = dlogits->data + (size_t)r * C;
        for (int32_t j = 0; j < C; j++) d[j] += scale * p[j];
        d[targets[r]] -= scale;
    }
}

void lk_argmax_rows(const lk_mat *m, int32_t *out)
{
    for (int32_t r = 0; r < m->rows; r++) {
        const lk_real *z = m->data + (size_t)r * m->cols;
        int32_t best = 0;
        for (int32_t j = 1; j < m->cols; j++)
            if (z[j] > z[best]) best = j;
        out[r] = best;
    }
}

/* ---- dropout ------------------------------------------------------------------------- */

void lk_dropout_mask(size_t n, float p, lk_rng *rng, uint8_t *mask)
{
    for (size_t i = 0; i < n; i++) mask[i] = (uint8_t)(lk_rng_uniform(rng) >= p);
}

void lk_dropout_forward(const lk_real *x, size_t n, float p, const uint8_t *mask, lk_real *y)
{
    lk_real keep = (lk_real)1 / ((lk_real)1 - (lk_real)p);
    for (size_t i = 0; i < n; i++) y[i] = mask[i] ? x[i] * keep : 0;
}

void lk_dropout_backward(const lk_real *dy, size_t n, float p, const uint8_t *mask,
                         lk_real *dx)
{
    lk_real keep = (lk_real)1 / ((lk_real)1 - (lk_real)p);
    for (size_t i = 0; i < n; i++)
        if (mask[i]) dx[i] += dy[i] * keep;
}
