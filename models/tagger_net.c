/* tagger_net.c: the tagger network (embeddings -> (bi)RNN -> linear -> softmax or CRF),
   batched forward/backward and decoding; tagging, segmentation and evaluation. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "models/fastmath.h"
#include "models/layers.h"
#include "models/lstm_kernel.h"
#include "models/tagger.h"
#include "models/tagger_internal.h"
#include "text/utf8.h"
#include "text/util.h"

#define LK_TAG_BATCH_SENTS 128    /* sentences per inference batch */
#define LK_TAG_BATCH_TOKENS 1024  /* positions per inference batch (at least one sentence) */
#define LK_TAG_PTAB_MAX_BYTES ((size_t)64 << 20) /* cap of the per-id input projection table */
#define LK_TAG_PROJ_ROWS 12 /* first-layer projection rows per block (project_inputs) */
#define LK_TAG_BTAB_MAX_FEATS 1024 /* char models: bags of at most this many features are
                                      projected by table (build_btab) */

lk_status lk_tagger_ws_create(lk_tagger_ws **out)
{
    lk_tagger_ws *ws = calloc(1, sizeof *ws);
    *out = NULL;
    if (!ws) return LK_ERR_NOMEM;
    if (lk_seq_ws_create(&ws->seq) != LK_OK || lk_crf_ws_create(&ws->crf) != LK_OK) {
        lk_tagger_ws_free(ws);
        return LK_ERR_NOMEM;
    }
    *out = ws;
    return LK_OK;
}

void lk_tagger_ws_free(lk_tagger_ws *ws)
{
    if (!ws) return;
    lk_seq_ws_free(ws->seq);
    lk_crf_ws_free(ws->crf);
    free(ws->x);
    free(ws->ew);
    free(ws->ef);
    free(ws->out);
    free(ws->logits);
    free(ws->dlogits);
    free(ws->probs);
    free(ws->dout);
    free(ws->dx);
    free(ws->xmask);
    free(ws->omask);
    free(ws->lengths);
    free(ws->main);
    free(ws->gold);
    free(ws->pred);
    free(ws->fids);
    free(ws->foff);
    lk_tg_data_free(&ws->data);
    free(ws->vwork);
    free(ws->vscores);
    free(ws->spans);
    free(ws->words);
    free(ws->span_off);
    free(ws->starts);
    free(ws->clens);
    free(ws->cflags);
    free(ws->ctags);
    free(ws->cls);
    free(ws->pieces);
    free(ws->piece_off);
    free(ws->pline);
    free(ws->pstart);
    free(ws->labels);
    free(ws->order);
    free(ws->wt);
    free(ws->ptab_buf);
    free(ws->pids);
    free(ws->xw0);
    free(ws->pslot_buf);
    free(ws->btab_buf);
    free(ws->bslot_buf);
    free(ws->bacc);
    for (int32_t i = 0; i < ws->n_helpers; i++) lk_tagger_ws_free(ws->helpers[i]);
    free(ws);
}

/* Grow a buffer of n elements of size elem. */
static lk_status need(void *bufp, size_t *cap, size_t n, size_t elem)
{
    return lk_grow((void **)bufp, cap, n ? n : 1, elem);
}

static int32_t sent_len(const lk_tg_data *d, size_t s) { return (int32_t)(d->off[s + 1] - d->off[s]); }

/* Views of the embedding parts of the input: word (N, Dw), then one (N, Df) per group. */
static int32_t feature_parts(const lk_tagger *m, lk_tagger_ws *ws, size_t N, lk_mat *parts)
{
    int32_t Df = m->cfg.char_dim;
    parts[0] = lk_mat_view(ws->ew, (int32_t)N, m->cfg.word_dim);
    if (Df == 0) return 1;
    for (int32_t g = 0; g < m->n_groups; g++)
        parts[1 + g] = lk_mat_view(ws->ef + (size_t)g * N * (size_t)Df, (int32_t)N, Df);
    return 1 + m->n_groups;
}

/* Sum of the rows of bag g's features for row r into acc (GH); returns their count. */
static inline int32_t bag_rows(const lk_tagger_ws *ws, size_t N, int32_t g, const lk_real *tab, size_t r,
                        lk_real *restrict acc)
{
    size_t GH = (size_t)ws->gh;
    const int32_t *fo = ws->foff + (size_t)g * (N + 1), *fi = ws->fids + (size_t)g * ws->fstride;
    int32_t k0 = fo[r], k1 = fo[r + 1];
    if (k1 <= k0) return 0;
    memcpy(acc, tab + (size_t)ws->bslot[fi[k0]] * GH, GH * sizeof *acc);
    for (int32_t k = k0 + 1; k < k1; k++) {
        const lk_real *restrict t = tab + (size_t)ws->bslot[fi[k]] * GH;
        for (size_t j = 0; j < GH; j++) acc[j] += t[j];
    }
    return k1 - k0;
}

/* Row r of xw (GH) = src + the mean rows of the tabulated bags, added bag after bag in
   order (the same sums as adding each bag to the row in turn). */
LK_CLONES static void project_row_tab(const lk_tagger *m, lk_tagger_ws *ws, size_t N,
                                      int32_t d, size_t r, const lk_real *restrict src,
                                      lk_real *restrict o)
{
    size_t GH = (size_t)ws->gh;
    const lk_real *tab = ws->btab + (size_t)d * ws->btab_n * GH;
    lk_real sc[LK_TAGGER_MAX_GROUPS];
    const lk_real *acc[LK_TAGGER_MAX_GROUPS];
    int32_t na = 0;
    for (int32_t g = 0; g < m->n_groups; g++) {
        if (!ws->btab_on[g]) continue;
        lk_real *a = ws->bacc + (size_t)na * GH;
        int32_t n = bag_rows(ws, N, g, tab, r, a);
        if (n == 0) continue;
        sc[na] = (lk_real)1 / (lk_real)n;
        acc[na++] = a;
    }
    if (na == 0) {
        memcpy(o, src, GH * sizeof *o);
    } else if (na == 1) {
        const lk_real *restrict a0 = acc[0];
        lk_real s0 = sc[0];
        for (size_t j = 0; j < GH; j++) o[j] = src[j] + s0 * a0[j];
    } else if (na == 2) {
        const lk_real *restrict a0 = acc[0], *restrict a1 = acc[1];
        lk_real s0 = sc[0], s1 = sc[1];
        for (size_t j = 0; j < GH; j++) o[j] = (src[j] + s0 * a0[j]) + s1 * a1[j];
    } else {
        for (size_t j = 0; j < GH; j++) {
            lk_real v = src[j];
            for (int32_t q = 0; q < na; q++) v += sc[q] * acc[q][j];
            o[j] = v;
        }
    }
}

/* First-layer input projections of the N rows of the current batch into ws->xw0, one
   (N, G*H) block per direction: the row of the main id from ws->ptab (its embedding times
   the word columns of W_x, plus the bias) plus each feature bag times its columns. The
   same products summed in the same order as x W_x^T + b over the whole input, so the
   same bits; padded rows get the bias alone. */
static lk_status project_inputs(const lk_tagger *m, lk_tagger_ws *ws, size_t N,
                                const lk_mat *parts)
{
    int32_t D = m->seq.cfg.bidirectional ? 2 : 1, GH = ws->gh, Dw = m->cfg.word_dim;
    lk_status st = need(&ws->xw0, &ws->cap_xw0, N * (size_t)D * (size_t)GH, sizeof *ws->xw0);
    if (st != LK_OK) return st;
    if ((st = need(&ws->bacc, &ws->cap_bacc, (size_t)GH * LK_TAGGER_MAX_GROUPS,
                   sizeof *ws->bacc)) != LK_OK)
        return st;
    /* a block of rows at a time, the products added while the block is still in L1 (the
       product's rows are independent: the same sums as over all rows at once) */
    size_t Df = (size_t)m->cfg.char_dim;
    for (int32_t d = 0; d < D; d++) {
        const lk_cell *c = &ws->fast.cell[0][d];
        lk_real *xw = ws->xw0 + (size_t)d * N * (size_t)GH;
        for (size_t r0 = 0; r0 < N; r0 += LK_TAG_PROJ_ROWS) {
            size_t r1 = r0 + LK_TAG_PROJ_ROWS < N ? r0 + LK_TAG_PROJ_ROWS : N;
            for (size_t r = r0; r < r1; r++) {
                int32_t id = ws->main[r];
                const lk_real *src =
                    id >= 0 ? ws->ptab + ((size_t)d * ws->ptab_n + (size_t)ws->pslot[id]) * GH : c->b;
                if (ws->btab) project_row_tab(m, ws, N, d, r, src, xw + r * (size_t)GH);
                else memcpy(xw + r * (size_t)GH, src, (size_t)GH * sizeof *xw);
            }
            for (int32_t g = 0; g < m->n_groups && Df > 0; g++) {
                if (ws->btab && ws->btab_on[g]) continue; /* added above */
                lk_gemm_kn((int32_t)(r1 - r0), GH, (int32_t)Df, parts[1 + g].data + r0 * Df,
                           c->w_x_t + ((size_t)Dw + (size_t)g * Df) * GH, xw + r0 * (size_t)GH);
            }
        }
    }
    return LK_OK;
}

lk_status lk_tg_forward(const lk_tagger *m, lk_tagger_ws *ws, const lk_tg_data *d,
                        const size_t *idx, int32_t B, bool train, float dropout,
                        float word_dropout, lk_rng *rng)
{
    lk_status st;
    int32_t T = 1;
    size_t n_feats = 0;
    for (int32_t b = 0; b < B; b++) {
        int32_t n = sent_len(d, idx[b]);
        if (n > T) T = n;
        n_feats += (size_t)(d->foff[d->off[idx[b] + 1]] - d->foff[d->off[idx[b]]]);
    }
    size_t N = (size_t)T * (size_t)B;
    int32_t I = m->input_dim, Dw = m->cfg.word_dim, Df = m->cfg.char_dim;
    int32_t DH = lk_seq_output_size(&m->seq), L = lk_vocab_size(m->labels);
    if (N > INT32_MAX) return LK_ERR_RANGE;
    if ((st = need(&ws->x, &ws->cap_x, N * (size_t)I, sizeof *ws->x)) != LK_OK) return st;
    if ((st = need(&ws->ew, &ws->cap_ew, N * (size_t)Dw, sizeof *ws->ew)) != LK_OK) return st;
    int32_t G = m->n_groups;
    if ((st = need(&ws->ef, &ws->cap_ef, N * (size_t)Df * (size_t)G, sizeof *ws->ef)) != LK_OK)
        return st;
    if ((st = need(&ws->out, &ws->cap_out, N * (size_t)DH, sizeof *ws->out)) != LK_OK) return st;
    if ((st = need(&ws->logits, &ws->cap_logits, N * (size_t)L, sizeof *ws->logits)) != LK_OK)
        return st;
    if ((st = need(&ws->main, &ws->cap_main, N, sizeof *ws->main)) != LK_OK) return st;
    if ((st = need(&ws->gold, &ws->cap_gold, N, sizeof *ws->gold)) != LK_OK) return st;
    if ((st = need(&ws->pred, &ws->cap_pred, N, sizeof *ws->pred)) != LK_OK) return st;
    if ((st = need(&ws->foff, &ws->cap_foff, (N + 1) * (size_t)G, sizeof *ws->foff)) != LK_OK)
        return st;
    if ((st = need(&ws->fids, &ws->cap_fids, (n_feats + 1) * (size_t)G, sizeof *ws->fids)) != LK_OK)
        return st;
    ws->fstride = n_feats + 1;
    if ((st = need(&ws->lengths, &ws->cap_lengths, (size_t)B, sizeof *ws->lengths)) != LK_OK)
        return st;
    if (train) {
        if ((st = need(&ws->xmask, &ws->cap_xmask, N * (size_t)I, 1)) != LK_OK) return st;
        if ((st = need(&ws->omask, &ws->cap_omask, N * (size_t)DH, 1)) != LK_OK) return st;
    }
    /* gather ids, time-major: row t * B + b; features of group g go to the bag lists
       fids + g * fstride with offsets foff + g * (N + 1) */
    int32_t nf[LK_TAGGER_MAX_GROUPS] = {0};
    for (int32_t g = 0; g < G; g++) ws->foff[(size_t)g * (N + 1)] = 0;
    for (int32_t t = 0; t < T; t++) {
        for (int32_t b = 0; b < B; b++) {
            size_t row = (size_t)t * B + b;
            int32_t len = sent_len(d, idx[b]);
            if (t == 0) ws->lengths[b] = len;
            if (t >= len) {
                ws->main[row] = LK_ID_NONE;
                ws->gold[row] = LK_ID_NONE;
                for (int32_t g = 0; g < G; g++) ws->foff[(size_t)g * (N + 1) + row + 1] = nf[g];
                continue;
            }
            size_t pos = d->off[idx[b]] + (size_t)t;
            int32_t id = d->main[pos];
            if (train && word_dropout > 0 && id >= 2) {
                double cnt = (double)lk_vocab_count(m->words, id);
                if (lk_rng_uniform_f64(rng) < word_dropout / (word_dropout + cnt))
                    id = LK_TAGGER_UNK;
            }
            ws->main[row] = id;
            ws->gold[row] = d->gold[pos];
            /* feature dropout (training): the position's first bag (char models: the character
               n-grams) is left empty, so the model learns to do without it */
            bool drop0 = train && ws->feat_dropout > 0 &&
                         lk_rng_uniform_f64(rng) < (double)ws->feat_dropout;
            for (int32_t k = d->foff[pos]; k < d->foff[pos + 1]; k++) {
                int32_t f = d->feats[k], g = m->feat_group[f];
                if (drop0 && g == 0) continue;
                ws->fids[(size_t)g * ws->fstride + (size_t)nf[g]++] = f;
            }
            for (int32_t g = 0; g < G; g++) ws->foff[(size_t)g * (N + 1) + row + 1] = nf[g];
        }
    }
    lk_real *pd = m->params.data;
    lk_mat parts[1 + LK_TAGGER_MAX_GROUPS];
    int32_t n_parts = feature_parts(m, ws, N, parts);
    if (Df > 0) {
        lk_mat F = lk_params_mat(&m->params, m->v_femb, pd);
        for (int32_t g = 0; g < G; g++) {
            if (!train && ws->ptab && ws->btab && ws->btab_on[g]) continue; /* by table */
            lk_embag_forward(&F, ws->fids + (size_t)g * ws->fstride, ws->foff + (size_t)g * (N + 1),
                             (int32_t)N, true, parts[1 + g].data);
        }
    }
    if (!train && ws->ptab) { /* inference from the per-id table: no x, no word part product */
        if ((st = project_inputs(m, ws, N, parts)) != LK_OK) return st;
        const lk_real *xw0[2] = {ws->xw0, ws->xw0 + N * (size_t)ws->gh};
        st = lk_seq_forward_xw(&m->seq, &ws->fast, ws->seq, T, B, xw0, ws->lengths, ws->out);
        if (st != LK_OK) return st;
    } else {
        lk_mat E = lk_params_mat(&m->params, m->v_wemb, pd);
        lk_embedding_forward(&E, ws->main, (int32_t)N, ws->ew);
        lk_mat xm = lk_mat_view(ws->x, (int32_t)N, I);
        lk_concat_forward(parts, n_parts, &xm);
        if (train && dropout > 0) {
            lk_dropout_mask(N * (size_t)I, dropout, rng, ws->xmask);
            lk_dropout_forward(ws->x, N * (size_t)I, dropout, ws->xmask, ws->x);
        }
        lk_seq_weights w;
        if (!train && ws->use_fast) w = ws->fast;
        else lk_seq_bind(&m->seq, pd, &w);
        if ((st = lk_seq_forward(&m->seq, &w, ws->seq, T, B, ws->x, ws->lengths, NULL, train,
                                 ws->out)) != LK_OK)
            return st;
    }
    if (train && dropout > 0) {
        lk_dropout_mask(N * (size_t)DH, dropout, rng, ws->omask);
        lk_dropout_forward(ws->out, N * (size_t)DH, dropout, ws->omask, ws->out);
    }
    lk_mat W = lk_params_mat(&m->params, m->v_out_w, pd);
    lk_mat bias = lk_params_mat(&m->params, m->v_out_b, pd);
    lk_mat om = lk_mat_view(ws->out, (int32_t)N, DH), lm = lk_mat_view(ws->logits, (int32_t)N, L);
    if (!train && ws->use_fast) { /* logits = out @ W^T + bias, without BLAS */
        for (size_t r = 0; r < N; r++)
            memcpy(ws->logits + r * (size_t)L, bias.data, (size_t)L * sizeof *ws->logits);
        lk_gemm_kn((int32_t)N, L, DH, ws->out, ws->out_wt, ws->logits);
    } else {
        lk_linear_forward(&W, bias.data, &om, &lm);
    }
    ws->T = T;
    ws->B = B;
    ws->dropout = train ? dropout : 0.0f;
    ws->train = train;
    ws->d = d;
    ws->idx = idx;
    return LK_OK;
}

lk_status lk_tg_loss_backward(const lk_tagger *m, lk_tagger_ws *ws, lk_real *grad, lk_real scale,
                              double *loss)
{
    lk_status st;
    int32_t T = ws->T, B = ws->B, L = lk_vocab_size(m->labels);
    int32_t I = m->input_dim, Dw = m->cfg.word_dim, Df = m->cfg.char_dim;
    int32_t DH = lk_seq_output_size(&m->seq);
    size_t N = (size_t)T * (size_t)B;
    lk_real *pd = m->params.data;
    if (!ws->train) return LK_ERR_ARG;
    if ((st = need(&ws->dlogits, &ws->cap_dlogits, N * (size_t)L, sizeof *ws->dlogits)) != LK_OK)
        return st;
    if (grad) memset(ws->dlogits, 0, N * (size_t)L * sizeof *ws->dlogits);
    lk_mat lm = lk_mat_view(ws->logits, (int32_t)N, L);
    lk_mat dlm = lk_mat_view(ws->dlogits, (int32_t)N, L);
    if (m->cfg.crf) {
        lk_crf crf, gcrf;
        lk_crf_bind(&m->crf, pd, &crf);
        if (grad) lk_crf_bind(&m->crf, grad, &gcrf);
        *loss = lk_crf_batch_nll(&crf, ws->logits, T, B, ws->lengths, ws->gold, ws->crf, scale,
                                 grad ? ws->dlogits : NULL, grad ? &gcrf : NULL);
        if (isnan(*loss) && !grad) return LK_OK;
    } else {
        /* probs in their own buffer: the core's loss reads the logits after writing probs */
        if ((st = need(&ws->probs, &ws->cap_probs, N * (size_t)L, sizeof *ws->probs)) != LK_OK)
            return st;
        lk_mat pm = lk_mat_view(ws->probs, (int32_t)N, L);
        *loss = lk_softmax_xent_forward(&lm, ws->gold, &pm, NULL);
        if (grad) lk_softmax_xent_backward(&pm, ws->gold, scale, &dlm);
    }
    if (!grad) return LK_OK;
    /* linear */
    if ((st = need(&ws->dout, &ws->cap_dout, N * (size_t)DH, sizeof *ws->dout)) != LK_OK) return st;
    if ((st = need(&ws->dx, &ws->cap_dx, N * (size_t)I, sizeof *ws->dx)) != LK_OK) return st;
    memset(ws->dout, 0, N * (size_t)DH * sizeof *ws->dout);
    lk_mat W = lk_params_mat(&m->params, m->v_out_w, pd);
    lk_mat dW = lk_params_mat(&m->params, m->v_out_w, grad);
    lk_mat db = lk_params_mat(&m->params, m->v_out_b, grad);
    lk_mat om = lk_mat_view(ws->out, (int32_t)N, DH), dom = lk_mat_view(ws->dout, (int32_t)N, DH);
    lk_linear_backward(&W, &om, &dlm, &dW, db.data, &dom);
    if (ws->dropout > 0)
        lk_dropout_forward(ws->dout, N * (size_t)DH, ws->dropout, ws->omask, ws->dout);
    /* encoder */
    memset(ws->dx, 0, N * (size_t)I * sizeof *ws->dx);
    lk_seq_weights w, gw;
    lk_seq_bind(&m->seq, pd, &w);
    lk_seq_bind(&m->seq, grad, &gw);
    if ((st = lk_seq_backward(&m->seq, &w, ws->seq, ws->dout, &gw, ws->dx)) != LK_OK) return st;
    if (ws->dropout > 0) lk_dropout_forward(ws->dx, N * (size_t)I, ws->dropout, ws->xmask, ws->dx);
    /* embeddings: reuse ew/ef as their gradients */
    memset(ws->ew, 0, N * (size_t)Dw * sizeof *ws->ew);
    int32_t G = m->n_groups;
    if (Df > 0) memset(ws->ef, 0, N * (size_t)Df * (size_t)G * sizeof *ws->ef);
    lk_mat parts[1 + LK_TAGGER_MAX_GROUPS];
    int32_t n_parts = feature_parts(m, ws, N, parts);
    lk_mat dxm = lk_mat_view(ws->dx, (int32_t)N, I);
    lk_concat_backward(parts, n_parts, &dxm);
    lk_mat dE = lk_params_mat(&m->params, m->v_wemb, grad);
    lk_embedding_backward(&dE, ws->main, (int32_t)N, ws->ew);
    if (Df > 0) {
        lk_mat dF = lk_params_mat(&m->params, m->v_femb, grad);
        for (int32_t g = 0; g < G; g++)
            lk_embag_backward(&dF, ws->fids + (size_t)g * ws->fstride,
                              ws->foff + (size_t)g * (N + 1), (int32_t)N, true, parts[1 + g].data);
    }
    ws->train = false; /* the caches are consumed */
    return LK_OK;
}

/* Constrained B/M/E/S decoding of sentence b of the last forward into ws->pred. */
static lk_status decode_chars(const lk_tagger *m, lk_tagger_ws *ws, int32_t b,
                              const lk_seg_cons *cons)
{
    lk_status st;
    int32_t T = ws->lengths[b], B = ws->B, L = lk_vocab_size(m->labels);
    if (T == 0) return LK_OK;
    size_t TL = (size_t)T * (size_t)L;
    size_t wsz = lk_seg_viterbi_work_size(T, L);
    if ((st = need(&ws->vwork, &ws->cap_vwork, wsz, 1)) != LK_OK) return st;
    if ((st = need(&ws->vscores, &ws->cap_vscores, TL + (size_t)L * L, sizeof(float))) != LK_OK)
        return st;
    if ((st = need(&ws->labels, &ws->cap_labels, (size_t)T, sizeof *ws->labels)) != LK_OK)
        return st;
    float *sc = ws->vscores, *trans = NULL;
    for (int32_t t = 0; t < T; t++) {
        const lk_real *row = ws->logits + ((size_t)t * B + b) * L;
        float *o = sc + (size_t)t * L;
        if (m->cfg.crf) {
            for (int32_t l = 0; l < L; l++) o[l] = (float)row[l];
            continue;
        }
        double mx = row[0], z = 0;
        for (int32_t l = 1; l < L; l++) mx = row[l] > mx ? row[l] : mx;
        for (int32_t l = 0; l < L; l++) z += exp(row[l] - mx);
        double lz = mx + log(z);
        for (int32_t l = 0; l < L; l++) o[l] = (float)(row[l] - lz);
    }
    if (m->cfg.crf) {
        lk_crf crf;
        lk_crf_bind(&m->crf, m->params.data, &crf);
        trans = sc + TL;
        for (size_t k = 0; k < (size_t)L * L; k++) trans[k] = (float)crf.trans[k];
        for (int32_t l = 0; l < L; l++) {
            sc[l] += (float)crf.start[l];
            sc[(size_t)(T - 1) * L + l] += (float)crf.end[l];
        }
    }
    if ((st = lk_seg_viterbi_cons(sc, T, L, m->label_pos, m->label_tag, trans, cons, ws->vwork,
                                  ws->labels)) != LK_OK)
        return st;
    for (int32_t t = 0; t < T; t++) ws->pred[(size_t)t * B + b] = ws->labels[t];
    return LK_OK;
}

lk_status lk_tg_decode(const lk_tagger *m, lk_tagger_ws *ws, const lk_seg_cons *cons)
{
    int32_t T = ws->T, B = ws->B, L = lk_vocab_size(m->labels);
    size_t N = (size_t)T * (size_t)B;
    if (m->cfg.unit == LK_TAGGER_CHAR) {
        for (int32_t b = 0; b < B; b++) {
            size_t at = ws->d->off[ws->idx[b]];
            lk_seg_cons sc = {cons && cons->flags ? cons->flags + at : NULL,
                              cons && cons->tags ? cons->tags + at : NULL};
            lk_status st = decode_chars(m, ws, b, cons ? &sc : NULL);
            if (st != LK_OK) return st;
        }
        return LK_OK;
    }
    if (cons && cons->tags) /* allowed tags of a position: the others cannot win */
        for (int32_t b = 0; b < B; b++) {
            size_t at = ws->d->off[ws->idx[b]];
            for (int32_t t = 0; t < ws->lengths[b]; t++) {
                uint64_t allowed = cons->tags[at + (size_t)t];
                if (!allowed) continue;
                lk_real *row = ws->logits + ((size_t)t * (size_t)B + (size_t)b) * (size_t)L;
                for (int32_t l = 0; l < L && l < LK_SEG_TAG_BITS; l++)
                    if (!(allowed >> l & 1)) row[l] = (lk_real)-1e30;
            }
        }
    if (m->cfg.crf) {
        lk_crf crf;
        lk_crf_bind(&m->crf, m->params.data, &crf);
        return lk_crf_batch_viterbi(&crf, ws->logits, T, B, ws->lengths, ws->crf, ws->pred);
    }
    lk_mat lm = lk_mat_view(ws->logits, (int32_t)N, L);
    lk_argmax_rows(&lm, ws->pred);
    return LK_OK;
}

/* ---- batched inference ------------------------------------------------------------------ */

/* dst (cols, rows) = src (rows, cols)^T */
static void transpose(const lk_real *src, int32_t rows, int32_t cols, lk_real *dst)
{
    for (int32_t r = 0; r < rows; r++)
        for (int32_t c = 0; c < cols; c++) dst[(size_t)c * rows + r] = src[(size_t)r * cols + c];
}

/* ws->fast and ws->out_wt from m's current weights (the model may be training): every
   matrix product of inference then runs in lk_gemm_kn, so no BLAS call (and no BLAS lock)
   is left on the tagging path, and a sentence's labels do not depend on its batch. */
static lk_status prepare_fast(const lk_tagger *m, lk_tagger_ws *ws)
{
    lk_status st;
    lk_seq_bind(&m->seq, m->params.data, &ws->fast);
    int32_t layers = m->seq.cfg.layers, D = m->seq.cfg.bidirectional ? 2 : 1;
    lk_mat W = lk_params_mat(&m->params, m->v_out_w, m->params.data);
    size_t n = (size_t)W.rows * (size_t)W.cols;
    /* LSTM cells also get W_h packed for the fused step (lstm_kernel.h) if this CPU has one */
    bool lstm = m->seq.cfg.cell == LK_CELL_LSTM;
    int32_t pw = lstm ? lk_lstm_kernel_width(m->seq.cfg.hidden) : 0;
    for (int32_t l = 0; l < layers; l++)
        for (int32_t d = 0; d < D; d++) {
            const lk_cell *c = &ws->fast.cell[l][d];
            n += (size_t)c->w_x.rows * (size_t)c->w_x.cols + (size_t)c->w_h.rows * (size_t)c->w_h.cols;
            if (pw > 0) n += lk_lstm_pack_size(c->H);
        }
    /* a loaded model's weights are fixed: the copies made for it last time are still right */
    bool keep = m->fixed_crc != 0 && ws->wt_crc == m->fixed_crc && ws->cap_wt >= n;
    if (!keep) {
        ws->wt_crc = 0;
        if ((st = need(&ws->wt, &ws->cap_wt, n, sizeof *ws->wt)) != LK_OK) return st;
    }
    lk_real *at = ws->wt;
    for (int32_t l = 0; l < layers; l++)
        for (int32_t d = 0; d < D; d++) {
            lk_cell *c = &ws->fast.cell[l][d];
            if (!keep) transpose(c->w_x.data, c->w_x.rows, c->w_x.cols, at);
            c->w_x_t = at;
            at += (size_t)c->w_x.rows * (size_t)c->w_x.cols;
            if (!keep) transpose(c->w_h.data, c->w_h.rows, c->w_h.cols, at);
            c->w_h_t = at;
            at += (size_t)c->w_h.rows * (size_t)c->w_h.cols;
            if (pw > 0) {
                if (!keep) lk_lstm_pack(c->w_h.data, c->H, pw, at);
                c->w_h_pk = at;
                c->w_h_pk_width = pw;
                at += lk_lstm_pack_size(c->H);
            }
        }
    if (!keep) transpose(W.data, W.rows, W.cols, at);
    ws->out_wt = at;
    ws->use_fast = true;
    ws->wt_crc = m->fixed_crc;
    return LK_OK;
}

static int cmp_len(const void *a, const void *b, void *ctx)
{
    const lk_tg_data *d = ctx;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int32_t lx = sent_len(d, x), ly = sent_len(d, y);
    if (lx != ly) return lx < ly ? -1 : 1;
    return x < y ? -1 : (x > y);
}

/* Insertion-free merge sort by (length, index): deterministic, no qsort_r portability. */
static void sort_by_len(size_t *a, size_t *tmp, size_t n, const lk_tg_data *d)
{
    if (n < 2) return;
    size_t h = n / 2;
    sort_by_len(a, tmp, h, d);
    sort_by_len(a + h, tmp, n - h, d);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) tmp[k++] = cmp_len(&a[i], &a[j], (void *)d) <= 0 ? a[i++] : a[j++];
    while (i < h) tmp[k++] = a[i++];
    while (j < n) tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
}

/* Rows [r0, r1) of the n-id table of build_ptab, both directions. */
typedef struct {
    const lk_tagger *m;
    lk_tagger_ws *ws;
    size_t n, r0, r1;
} ptab_share;

static void *ptab_rows(void *arg)
{
    const ptab_share *s = arg;
    lk_tagger_ws *ws = s->ws;
    int32_t D = s->m->seq.cfg.bidirectional ? 2 : 1, GH = ws->gh, Dw = s->m->cfg.word_dim;
    for (int32_t dir = 0; dir < D && s->r1 > s->r0; dir++) {
        const lk_cell *c = &ws->fast.cell[0][dir];
        lk_real *tab = ws->ptab_buf + ((size_t)dir * s->n + s->r0) * GH;
        for (size_t i = 0; i < s->r1 - s->r0; i++)
            memcpy(tab + i * GH, c->b, (size_t)GH * sizeof *tab);
        lk_gemm_kn((int32_t)(s->r1 - s->r0), GH, Dw, ws->ew + s->r0 * (size_t)Dw, c->w_x_t, tab);
    }
    return NULL;
}

/* ws->ptab for the ids of the datas ds[0..n_ds): row d * n + slot = E[id] W_x[:, :Dw]^T + b
   of direction d (layer 0, n = ws->ptab_n ids), each id computed once (slots in ws->pslot, -1 = absent). Costs at most what the word
   columns of the product cost over d's positions, and far less as soon as ids repeat (a
   character model on running text); the product runs on n_threads threads. Skipped
   (ws->ptab NULL: the plain product) when the
   table for the whole vocabulary could exceed LK_TAG_PTAB_MAX_BYTES. */
static lk_status build_ptab(const lk_tagger *m, lk_tagger_ws *ws, const lk_tg_data *const *ds,
                            int32_t n_ds, int32_t n_threads)
{
    lk_status st;
    int32_t D = m->seq.cfg.bidirectional ? 2 : 1, GH = ws->fast.cell[0][0].w_x.rows;
    int32_t Dw = m->cfg.word_dim;
    size_t V = (size_t)lk_vocab_size(m->words), row = (size_t)D * (size_t)GH;
    ws->ptab = NULL;
    ws->gh = GH;
    if (V * row * sizeof(lk_real) > LK_TAG_PTAB_MAX_BYTES) return LK_OK;
    if ((st = need(&ws->pslot_buf, &ws->cap_pslot, V, sizeof *ws->pslot_buf)) != LK_OK) return st;
    if ((st = need(&ws->pids, &ws->cap_pids, V, sizeof *ws->pids)) != LK_OK) return st;
    int32_t *slot = ws->pslot_buf;
    for (size_t v = 0; v < V; v++) slot[v] = -1;
    size_t n = 0;
    for (int32_t i = 0; i < n_ds; i++)
        for (size_t p = 0; p < ds[i]->n_pos; p++) {
            int32_t id = ds[i]->main[p];
            if (id >= 0 && slot[id] < 0) {
                slot[id] = (int32_t)n;
                ws->pids[n++] = id;
            }
        }
    if ((st = need(&ws->ptab_buf, &ws->cap_ptab, n * row, sizeof *ws->ptab_buf)) != LK_OK ||
        (st = need(&ws->ew, &ws->cap_ew, n * (size_t)Dw, sizeof *ws->ew)) != LK_OK)
        return st;
    lk_mat E = lk_params_mat(&m->params, m->v_wemb, m->params.data);
    lk_embedding_forward(&E, ws->pids, (int32_t)n, ws->ew);
    /* the rows in shares of multiples of 4 (the kernel's tile: the same bits), one per thread */
    int32_t shares = n_threads < 1 ? 1 : n_threads;
    if ((size_t)shares > n / 64 + 1) shares = (int32_t)(n / 64 + 1);
    ptab_share sh[LK_TAGGER_MAX_THREADS];
    pthread_t th[LK_TAGGER_MAX_THREADS];
    bool started[LK_TAGGER_MAX_THREADS] = {false};
    size_t per = (n / (size_t)shares + 3) / 4 * 4;
    for (int32_t i = 0; i < shares; i++) {
        size_t r0 = (size_t)i * per < n ? (size_t)i * per : n;
        size_t r1 = i + 1 == shares || r0 + per > n ? n : r0 + per;
        sh[i] = (ptab_share){m, ws, n, r0, r1};
    }
    for (int32_t i = 1; i < shares; i++)
        started[i] = pthread_create(&th[i], NULL, ptab_rows, &sh[i]) == 0;
    ptab_rows(&sh[0]);
    for (int32_t i = 1; i < shares; i++) {
        if (started[i]) pthread_join(th[i], NULL);
        else ptab_rows(&sh[i]);
    }
    ws->ptab_n = n;
    ws->ptab = ws->ptab_buf;
    ws->pslot = slot;
    return LK_OK;
}

/* ws->btab for the small bags of a char model (at most LK_TAG_BTAB_MAX_FEATS features:
   the category and lexicon bags): each feature's embedding times its bag's columns of
   W_x, per direction. Needs prepare_fast. */
static lk_status build_btab(const lk_tagger *m, lk_tagger_ws *ws)
{
    lk_status st;
    int32_t D = m->seq.cfg.bidirectional ? 2 : 1, GH = ws->fast.cell[0][0].w_x.rows;
    int32_t Df = m->cfg.char_dim, Dw = m->cfg.word_dim, G = m->n_groups;
    int32_t Vf = lk_vocab_size(m->feats);
    size_t count[LK_TAGGER_MAX_GROUPS] = {0}, n = 0;
    /* a loaded model's weights are fixed: the table built for it last time is still right
       (btab, bslot, btab_n and btab_on kept from then) */
    if (m->fixed_crc != 0 && ws->btab_crc == m->fixed_crc) return LK_OK;
    ws->btab_crc = 0;
    ws->btab = NULL;
    if (m->cfg.unit != LK_TAGGER_CHAR || Df == 0) return LK_OK;
    for (int32_t f = 0; f < Vf; f++) count[m->feat_group[f]]++;
    for (int32_t g = 0; g < G; g++) {
        ws->btab_on[g] = g > 0 && count[g] <= LK_TAG_BTAB_MAX_FEATS;
        if (ws->btab_on[g]) n += count[g];
    }
    if (n == 0) {
        ws->btab_crc = m->fixed_crc;
        return LK_OK;
    }
    if ((st = need(&ws->bslot_buf, &ws->cap_bslot, (size_t)Vf, sizeof *ws->bslot_buf)) != LK_OK ||
        (st = need(&ws->btab_buf, &ws->cap_btab, n * (size_t)D * GH, sizeof *ws->btab_buf)) !=
            LK_OK)
        return st;
    lk_mat F = lk_params_mat(&m->params, m->v_femb, m->params.data);
    size_t k = 0;
    for (int32_t f = 0; f < Vf; f++) {
        int32_t g = m->feat_group[f];
        ws->bslot_buf[f] = ws->btab_on[g] ? (int32_t)k : -1;
        if (!ws->btab_on[g]) continue;
        for (int32_t dir = 0; dir < D; dir++) {
            const lk_cell *c = &ws->fast.cell[0][dir];
            lk_real *row = ws->btab_buf + ((size_t)dir * n + k) * GH;
            memset(row, 0, (size_t)GH * sizeof *row);
            lk_gemm_kn(1, GH, Df, F.data + (size_t)f * Df,
                       c->w_x_t + ((size_t)Dw + (size_t)g * Df) * GH, row);
        }
        k++;
    }
    ws->btab = ws->btab_buf;
    ws->bslot = ws->bslot_buf;
    ws->btab_n = n;
    ws->btab_crc = m->fixed_crc;
    return LK_OK;
}

/* A helper borrows its caller's inference weights and table (read-only). */
static void share_fast(const lk_tagger_ws *ws, lk_tagger_ws *helper)
{
    helper->fast = ws->fast;
    helper->out_wt = ws->out_wt;
    helper->use_fast = ws->use_fast;
    helper->ptab = ws->ptab;
    helper->pslot = ws->pslot;
    helper->ptab_n = ws->ptab_n;
    helper->btab = ws->btab;
    helper->bslot = ws->bslot;
    helper->btab_n = ws->btab_n;
    memcpy(helper->btab_on, ws->btab_on, sizeof helper->btab_on);
    helper->gh = ws->gh;
}

/* Batches shared by the threads of one lk_tg_label_data call. */
typedef struct {
    const lk_tagger *m;
    const lk_tg_data *d;
    const lk_seg_cons *cons;
    int32_t *labels;
    const size_t *ord, *cut;
    size_t nb, n;
    atomic_size_t next; /* batches handed out so far (the longest first) */
} label_job;

typedef struct {
    label_job *job;
    lk_tagger_ws *ws;
    lk_status st;
} label_worker;

/* Take batches until none is left (or one fails); labels of distinct batches go to
   distinct positions, so the workers never write the same memory. */
static void *label_run(void *arg)
{
    label_worker *w = arg;
    label_job *j = w->job;
    const lk_tg_data *d = j->d;
    lk_tagger_ws *ws = w->ws;
    for (;;) {
        size_t i = atomic_fetch_add(&j->next, 1);
        if (i >= j->nb) break;
        size_t k = j->nb - 1 - i, s = j->cut[k];
        int32_t B = (int32_t)((k + 1 < j->nb ? j->cut[k + 1] : j->n) - s);
        if ((w->st = lk_tg_forward(j->m, ws, d, j->ord + s, B, false, 0, 0, NULL)) != LK_OK ||
            (w->st = lk_tg_decode(j->m, ws, j->cons)) != LK_OK) {
            atomic_store(&j->next, j->nb); /* the others stop too */
            break;
        }
        for (int32_t b = 0; b < B; b++) {
            size_t base = d->off[j->ord[s + (size_t)b]];
            for (int32_t t = 0; t < ws->lengths[b]; t++)
                j->labels[base + (size_t)t] = ws->pred[(size_t)t * ws->B + b];
        }
    }
    return NULL;
}

/* lk_tg_label_data on at most n_threads threads (the caller's and n_threads - 1 helpers);
   ready: ws's inference weights and table are already set (by label_pieces). */
static lk_status label_data(const lk_tagger *m, lk_tagger_ws *ws, const lk_tg_data *d,
                            const lk_seg_cons *cons, int32_t *labels, int32_t n_threads,
                            bool ready)
{
    lk_status st;
    size_t n = d->n_sents;
    if (n == 0) return LK_OK;
    if ((st = need(&ws->order, &ws->cap_order, 2 * n, sizeof *ws->order)) != LK_OK) return st;
    size_t *ord = ws->order;
    for (size_t i = 0; i < n; i++) ord[i] = i;
    sort_by_len(ord, ord + n, n, d);
    if (!ready && ((st = prepare_fast(m, ws)) != LK_OK || (st = build_ptab(m, ws, &d, 1, 1)) != LK_OK ||
                   (st = build_btab(m, ws)) != LK_OK))
        return st;
    /* cut the batches first (greedy over the sorted order), then run them longest first:
       the workspaces reach their final size on the first batch instead of growing (and
       being copied and faulted in again) batch after batch. Results do not depend on the
       order, nor on the thread that runs a batch, since every batch is independent. */
    size_t *cut = ord + n, nb = 0;
    for (size_t s = 0; s < n; nb++) {
        cut[nb] = s;
        int32_t B = 0;
        while (s + (size_t)B < n && B < LK_TAG_BATCH_SENTS) {
            size_t len = (size_t)sent_len(d, ord[s + (size_t)B]);
            /* sorted: the batch is B+1 rows of the longest length */
            if (B > 0 && len * (size_t)(B + 1) > LK_TAG_BATCH_TOKENS) break;
            B++;
        }
        s += (size_t)B;
    }
    label_job job = {m, d, cons, labels, ord, cut, nb, n, 0};
    int32_t n_helpers = n_threads - 1 < ws->n_helpers ? n_threads - 1 : ws->n_helpers;
    if ((size_t)n_helpers + 1 > nb) n_helpers = (int32_t)nb - 1;
    label_worker wk[LK_TAGGER_MAX_THREADS];
    pthread_t th[LK_TAGGER_MAX_THREADS];
    bool started[LK_TAGGER_MAX_THREADS] = {false};
    for (int32_t i = 0; i <= n_helpers; i++) {
        wk[i].job = &job;
        wk[i].ws = i == 0 ? ws : ws->helpers[i - 1];
        wk[i].st = LK_OK;
        if (i > 0) share_fast(ws, wk[i].ws);
    }
    for (int32_t i = 1; i <= n_helpers; i++)
        started[i] = pthread_create(&th[i], NULL, label_run, &wk[i]) == 0;
    label_run(&wk[0]); /* a helper that failed to start leaves its share to the others */
    st = LK_OK;
    for (int32_t i = 0; i <= n_helpers; i++) {
        if (i > 0 && started[i]) pthread_join(th[i], NULL);
        if (st == LK_OK) st = wk[i].st;
    }
    return st;
}

lk_status lk_tg_label_data(const lk_tagger *m, lk_tagger_ws *ws, const lk_tg_data *d,
                           const lk_seg_cons *cons, int32_t *labels)
{
    return label_data(m, ws, d, cons, labels, ws->n_helpers + 1, false);
}

lk_status lk_tagger_ws_set_threads(lk_tagger_ws *ws, int32_t n)
{
    if (n < 1 || n > LK_TAGGER_MAX_THREADS) return LK_ERR_ARG;
    while (ws->n_helpers > n - 1) lk_tagger_ws_free(ws->helpers[--ws->n_helpers]);
    while (ws->n_helpers < n - 1) {
        lk_status st = lk_tagger_ws_create(&ws->helpers[ws->n_helpers]);
        if (st != LK_OK) return st;
        ws->n_helpers++;
    }
    return LK_OK;
}

/* A code point of an emoji: pictographs (U+2300-2BFF: technical, dingbats, arrows and
   miscellaneous symbols; U+1F000-1FAFF; © ® ™ 〰 〽 ㊗ ㊙), or -1 for what may be inside one
   (variation selectors, ZWJ, keycap, tag characters), 0 otherwise. */
static int emoji_cp(int32_t c)
{
    if ((c >= 0x2300 && c <= 0x2BFF) || (c >= 0x1F000 && c <= 0x1FAFF) || c == 0xA9 ||
        c == 0xAE || c == 0x2122 || c == 0x3030 || c == 0x303D || c == 0x3297 || c == 0x3299)
        return 1;
    if (c == 0xFE0F || c == 0xFE0E || c == 0x200D || c == 0x20E3 || (c >= 0xE0020 && c <= 0xE007F))
        return -1;
    return 0;
}

/* Is w[0..len) one or more emoji and nothing else (❤️, 👍🏽, 👨‍👩‍👧, 🇫🇷)? */
static bool emoji_word(const char *w, size_t len)
{
    bool any = false;
    for (size_t i = 0; i < len;) {
        int32_t c;
        size_t k = lk_utf8_decode(w + i, len - i, &c);
        int e = k ? emoji_cp(c) : 0;
        if (e == 0) return false;
        any = any || e > 0;
        i += k;
    }
    return any;
}

/* Word models: an emoji is SYM (UD's guidelines) when the model has that tag (EWT has one
   emoji, so the model's own guess is arbitrary: ❤️/VERB, 👍🏽/ADJ). cons->tags (in ws->ctags)
   for the n_pos tokens of sents, or left NULL when none is an emoji. */
static lk_status emoji_cons(const lk_tagger *m, lk_tagger_ws *ws, const lk_sentence *sents,
                            size_t n, size_t n_pos, lk_seg_cons *cons)
{
    int32_t sym = lk_vocab_find(m->labels, "SYM", 3);
    if (m->cfg.unit != LK_TAGGER_WORD || sym < 0 || sym >= LK_SEG_TAG_BITS) return LK_OK;
    lk_status st = need(&ws->ctags, &ws->cap_ctags, n_pos + 1, sizeof *ws->ctags);
    size_t pos = 0;
    bool any = false;
    for (size_t i = 0; i < n && st == LK_OK; i++)
        for (size_t j = 0; j < sents[i].n && pos < n_pos; j++, pos++) {
            bool e = emoji_word(sents[i].tokens[j].form, sents[i].tokens[j].form_len);
            ws->ctags[pos] = e ? (uint64_t)1 << sym : 0;
            any = any || e;
        }
    if (st == LK_OK && any && pos == n_pos) cons->tags = ws->ctags;
    return st;
}

lk_status lk_tagger_tag_sentences(const lk_tagger *m, lk_tagger_ws *ws, const lk_sentence *sents,
                                  size_t n, int32_t *tags, lk_error *err)
{
    lk_status st = LK_OK;
    if (m->cfg.unit != LK_TAGGER_WORD)
        return lk_error_set(err, LK_ERR_ARG, "this is a character (unit char) model: it tags raw "
                            "text, not tokens");
    lk_tg_data_reset(&ws->data);
    for (size_t i = 0; i < n && st == LK_OK; i++)
        st = lk_tg_data_add_tokens(m, &ws->data, sents[i].tokens, sents[i].n, NULL);
    lk_seg_cons cons = {NULL, NULL};
    if (st == LK_OK) st = emoji_cons(m, ws, sents, n, ws->data.n_pos, &cons);
    if (st == LK_OK) st = lk_tg_label_data(m, ws, &ws->data, cons.tags ? &cons : NULL, tags);
    if (st != LK_OK) return lk_error_set(err, st, "tagging: %s", lk_status_str(st));
    return LK_OK;
}

/* ---- long lines: decoded in pieces cut at punctuation ------------------------------------ */

enum {
    CUT_NONE = LK_TAGGER_CUT_NONE,
    CUT_CLOSER = LK_TAGGER_CUT_CLOSER,
    CUT_CLAUSE = LK_TAGGER_CUT_CLAUSE,
    CUT_SENTENCE = LK_TAGGER_CUT_SENTENCE,
};

/* What a piece may end after: sentence punctuation (。！？；… full-width, half-width and
   ASCII), clause punctuation (，、), or a closing quote/bracket (kept with what it closes). */
static uint8_t cut_class(int32_t cp)
{
    switch (cp) {
    case 0x3002: case 0xFF61: case 0xFF01: case 0xFF1F: case 0xFF1B: case '!': case '?':
    case ';': case 0x2026: case 0x203C: case 0x2047: case 0x2048: case 0x2049:
        return CUT_SENTENCE;
    case 0xFF0C: case ',': case 0x3001: case 0xFF64:
        return CUT_CLAUSE;
    case 0x201D: case 0x2019: case 0x300D: case 0x300F: case 0xFF09: case ')': case '"':
    case '\'': case 0x300B: case 0x3009: case 0x3011: case 0xFF63:
        return CUT_CLOSER;
    default:
        return CUT_NONE;
    }
}

lk_tagger_cut lk_tagger_cut_class(int32_t cp) { return (lk_tagger_cut)cut_class(cp); }

/* A character that must continue the word before it (a JOIN constraint) gets this bit in
   its cut class: no piece starts at it. */
#define CUT_NO_START 0x80u

/* End (exclusive) of a cut after position i: past the closers that follow it; 0 if the
   character there may not start a piece. */
static int32_t cut_end(const uint8_t *cls, int32_t i, int32_t n)
{
    int32_t e = i + 1;
    while (e < n && cls[e] == CUT_CLOSER) e++;
    return e < n && (cls[e] & CUT_NO_START) ? 0 : e;
}

/* Pieces of [a, b) (no sentence ends inside, or treated as such), greedily packed up to
   LK_TAGGER_PIECE_MAX characters: each ends after the last clause mark that fits, else at
   the window edge. Lengths appended at pieces[*np]. */
static void pack_clauses(const uint8_t *cls, int32_t a, int32_t b, int32_t *pieces, size_t *np)
{
    while (b - a > LK_TAGGER_PIECE_MAX) {
        int32_t best = 0;
        for (int32_t i = a; i < a + LK_TAGGER_PIECE_MAX; i++) {
            if (cls[i] != CUT_CLAUSE && cls[i] != CUT_SENTENCE) continue;
            int32_t e = cut_end(cls, i, b);
            if (e > 0 && e - a <= LK_TAGGER_PIECE_MAX) best = e;
        }
        if (best == 0) { /* at the window edge, or before it outside a joined span */
            best = a + LK_TAGGER_PIECE_MAX;
            while (best > a + 1 && (cls[best] & CUT_NO_START)) best--;
            if (best == a + 1) best = a + LK_TAGGER_PIECE_MAX;
        }
        pieces[(*np)++] = best - a;
        a = best;
    }
    if (b > a) pieces[(*np)++] = b - a;
}

/* Cut a line of n characters (cut classes cls) into pieces decoded independently: a line
   of at most LK_TAGGER_PIECE_MAX characters is one piece (decoded exactly as before); a
   longer one is cut after each sentence end, and a sentence that is still too long after
   clause marks (packed greedily), or else into windows. pieces needs room for n lengths. */
static void split_line(const uint8_t *cls, int32_t n, int32_t *pieces, size_t *np)
{
    if (n <= LK_TAGGER_PIECE_MAX) {
        if (n > 0) pieces[(*np)++] = n;
        return;
    }
    int32_t a = 0;
    for (int32_t i = 0; i < n; i++) {
        if (cls[i] != CUT_SENTENCE) continue;
        int32_t e = cut_end(cls, i, n);
        if (e == 0) continue;
        pack_clauses(cls, a, e, pieces, np);
        a = e;
        i = e - 1;
    }
    pack_clauses(cls, a, n, pieces, np);
}

/* Characters of line text[0..len) into ws->starts/clens/cflags/ctags/cls from index *k on;
   cons: per-byte constraints of the line (read at each character's first byte) or NULL. */
static void line_chars(lk_tagger_ws *ws, const char *text, size_t len, const lk_seg_cons *cons,
                       size_t *k)
{
    bool space_before = false;
    for (size_t j = 0; j < len;) {
        int32_t cp;
        size_t cl = lk_utf8_decode(text + j, len - j, &cp);
        if (cl == 0) {
            cl = 1;
            cp = 0xFFFD;
        }
        uint8_t f = cons && cons->flags ? cons->flags[j] : 0;
        if (lk_is_space(cp) || (lk_is_ignorable(cp) && !(f & LK_SEG_C_JOIN))) {
            space_before = true; /* a ZWJ that continues a kept unit (emoji) stays in it */
            j += cl;
            continue;
        }
        ws->starts[*k] = j;
        ws->clens[*k] = cl;
        f = space_before ? (uint8_t)((f | LK_SEG_C_START) & ~LK_SEG_C_JOIN) : f;
        ws->cflags[*k] = f;
        ws->ctags[*k] = cons && cons->tags ? cons->tags[j] : 0;
        ws->cls[*k] = (uint8_t)(cut_class(cp) | (f & LK_SEG_C_JOIN ? CUT_NO_START : 0));
        space_before = false;
        (*k)++;
        j += cl;
    }
}

/* One share of the pieces of lk_tagger_segment_lines: pieces [p0, p1), featurized into the
   worker's own data and labelled on its thread alone (labels and constraints at global positions). */
typedef struct {
    const lk_tagger *m;
    lk_tagger_ws *ws, *src; /* the worker's workspace; the caller's (chars and pieces) */
    const char *const *texts;
    size_t p0, p1;
    int32_t *labels;
    lk_status st;
} seg_worker;

/* Phase 1: featurize the worker's pieces into its own data. */
static void *seg_featurize(void *arg)
{
    seg_worker *w = arg;
    const lk_tagger_ws *src = w->src;
    lk_tg_data_reset(&w->ws->data);
    w->st = LK_OK;
    for (size_t p = w->p0; p < w->p1 && w->st == LK_OK; p++) {
        size_t at = src->pstart[p];
        w->st = lk_tg_data_add_chars(w->m, &w->ws->data, w->texts[src->pline[p]], src->starts + at,
                                     src->clens + at, src->pieces[p]);
    }
    return NULL;
}

/* Phase 2: label them on this thread alone, with the caller's weights and table. */
static void *seg_label(void *arg)
{
    seg_worker *w = arg;
    if (w->st == LK_OK && w->p1 > w->p0) {
        size_t at = w->src->pstart[w->p0];
        lk_seg_cons cons = {w->src->cflags + at, w->src->ctags + at};
        w->st = label_data(w->m, w->ws, &w->ws->data, &cons, w->labels + at, 1, true);
    }
    return NULL;
}

/* Run fn on every worker: workers 1.. on their own threads, worker 0 (and any whose thread
   could not start) on the calling thread. Returns the first failure. */
static lk_status run_workers(seg_worker *wk, int32_t n, void *(*fn)(void *))
{
    pthread_t th[LK_TAGGER_MAX_THREADS];
    bool started[LK_TAGGER_MAX_THREADS] = {false};
    for (int32_t i = 1; i < n; i++) started[i] = pthread_create(&th[i], NULL, fn, &wk[i]) == 0;
    fn(&wk[0]);
    lk_status st = wk[0].st;
    for (int32_t i = 1; i < n; i++) {
        if (started[i]) pthread_join(th[i], NULL);
        else fn(&wk[i]);
        if (st == LK_OK) st = wk[i].st;
    }
    return st;
}

/* Label all np pieces: with helpers, contiguous shares of about equal characters, each
   featurized and labelled on its own thread, with one input table for all (everything but
   reading the characters runs in parallel); the labels do not depend on the split. */
static lk_status label_pieces(const lk_tagger *m, lk_tagger_ws *ws, const char *const *texts,
                              size_t np, int32_t *labels)
{
    size_t k = ws->pstart[np];
    int32_t n_workers = ws->n_helpers + 1;
    if ((size_t)n_workers > np) n_workers = (int32_t)(np ? np : 1);
    seg_worker wk[LK_TAGGER_MAX_THREADS];
    const lk_tg_data *ds[LK_TAGGER_MAX_THREADS];
    size_t p = 0;
    for (int32_t i = 0; i < n_workers; i++) {
        size_t target = k / (size_t)n_workers * (size_t)(i + 1), p0 = p;
        if (i + 1 == n_workers) p = np;
        else
            while (p < np && ws->pstart[p + 1] <= target) p++;
        wk[i] = (seg_worker){m, i == 0 ? ws : ws->helpers[i - 1], ws, texts, p0, p, labels, LK_OK};
        ds[i] = &wk[i].ws->data;
    }
    lk_status st = run_workers(wk, n_workers, seg_featurize);
    if (st == LK_OK && (st = prepare_fast(m, ws)) == LK_OK &&
        (st = build_ptab(m, ws, ds, n_workers, n_workers)) == LK_OK)
        st = build_btab(m, ws);
    if (st != LK_OK) return st;
    for (int32_t i = 1; i < n_workers; i++) share_fast(ws, wk[i].ws);
    return run_workers(wk, n_workers, seg_label);
}

lk_status lk_tagger_segment_lines(const lk_tagger *m, lk_tagger_ws *ws, const char *const *texts,
                                  const size_t *lens, size_t n, const lk_tagger_span **spans,
                                  const size_t **span_off, lk_error *err)
{
    return lk_tagger_segment_lines_cons(m, ws, texts, lens, NULL, n, spans, span_off, err);
}

lk_status lk_tagger_segment_lines_cons(const lk_tagger *m, lk_tagger_ws *ws,
                                       const char *const *texts, const size_t *lens,
                                       const lk_seg_cons *cons, size_t n,
                                       const lk_tagger_span **spans, const size_t **span_off,
                                       lk_error *err)
{
    lk_status st = LK_OK;
    if (m->cfg.unit != LK_TAGGER_CHAR)
        return lk_error_set(err, LK_ERR_ARG, "this is a word model: it cannot segment raw text "
                            "(train with --unit char)");
    size_t total = 0;
    for (size_t i = 0; i < n; i++) total += lens[i];
    if ((st = need(&ws->starts, &ws->cap_starts, total, sizeof *ws->starts)) != LK_OK) goto fail;
    if ((st = need(&ws->clens, &ws->cap_clens, total, sizeof *ws->clens)) != LK_OK) goto fail;
    if ((st = need(&ws->cflags, &ws->cap_cflags, total, sizeof *ws->cflags)) != LK_OK) goto fail;
    if ((st = need(&ws->ctags, &ws->cap_ctags, total, sizeof *ws->ctags)) != LK_OK) goto fail;
    if ((st = need(&ws->cls, &ws->cap_cls, total, sizeof *ws->cls)) != LK_OK) goto fail;
    if ((st = need(&ws->pieces, &ws->cap_pieces, total, sizeof *ws->pieces)) != LK_OK) goto fail;
    if ((st = need(&ws->pline, &ws->cap_pline, total, sizeof *ws->pline)) != LK_OK) goto fail;
    if ((st = need(&ws->pstart, &ws->cap_pstart, total + 1, sizeof *ws->pstart)) != LK_OK)
        goto fail;
    if ((st = need(&ws->span_off, &ws->cap_span_off, n + 1, sizeof *ws->span_off)) != LK_OK)
        goto fail;
    if ((st = need(&ws->piece_off, &ws->cap_piece_off, n + 1, sizeof *ws->piece_off)) != LK_OK)
        goto fail;
    size_t k = 0, np = 0;
    ws->piece_off[0] = 0;
    ws->pstart[0] = 0;
    for (size_t i = 0; i < n; i++) {
        size_t first = k, p0 = np;
        line_chars(ws, texts[i], lens[i], cons ? &cons[i] : NULL, &k);
        if (k - first > INT32_MAX) {
            st = LK_ERR_RANGE;
            goto fail;
        }
        split_line(ws->cls + first, (int32_t)(k - first), ws->pieces, &np);
        for (size_t p = p0; p < np; p++) {
            ws->pline[p] = i;
            ws->pstart[p + 1] = ws->pstart[p] + (size_t)ws->pieces[p];
        }
        ws->piece_off[i + 1] = np;
    }
    int32_t *labels = NULL;
    size_t cap_lab = 0;
    if ((st = need(&labels, &cap_lab, k, sizeof *labels)) != LK_OK) goto fail;
    st = label_pieces(m, ws, texts, np, labels);
    if (st == LK_OK) st = need(&ws->spans, &ws->cap_spans, k, sizeof *ws->spans);
    if (st == LK_OK) st = need(&ws->words, &ws->cap_words, k, sizeof *ws->words);
    if (st != LK_OK) {
        free(labels);
        goto fail;
    }
    size_t ns = 0;
    ws->span_off[0] = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t p = ws->piece_off[i]; p < ws->piece_off[i + 1]; p++) {
            size_t base = ws->pstart[p];
            int32_t nw = 0;
            lk_seg_decode(labels + base, ws->pieces[p], m->label_pos, m->label_tag, ws->words,
                          &nw);
            for (int32_t w = 0; w < nw; w++) {
                size_t a = base + (size_t)ws->words[w].start;
                size_t z = a + (size_t)ws->words[w].len - 1;
                ws->spans[ns].start = ws->starts[a];
                ws->spans[ns].len = ws->starts[z] + ws->clens[z] - ws->starts[a];
                ws->spans[ns].tag = ws->words[w].tag;
                ns++;
            }
        }
        ws->span_off[i + 1] = ns;
    }
    free(labels);
    *spans = ws->spans;
    *span_off = ws->span_off;
    return LK_OK;
fail:
    return lk_error_set(err, st, "segmenting: %s", lk_status_str(st));
}

/* ---- evaluation ----------------------------------------------------------------------- */

/* Gold words of a sentence as character spans (tags from the model's tag set). */
static void gold_words(const lk_tagger *m, const lk_sentence *s, lk_seg_word *out, int32_t *n)
{
    int32_t at = 0;
    for (size_t w = 0; w < s->n; w++) {
        const lk_tagged_token *t = &s->tokens[w];
        const char *tag = m->cfg.column == LK_TAGGER_XPOS ? t->xpos : t->upos;
        out[w].start = at;
        out[w].len = lk_seg_count_chars(t->form, t->form_len);
        out[w].tag = lk_vocab_find(m->tags, tag, strlen(tag));
        at += out[w].len;
    }
    *n = (int32_t)s->n;
}

lk_status lk_tg_evaluate_data(const lk_tagger *m, lk_tagger_ws *ws, const lk_tagged_corpus *test,
                              const lk_tg_data *d, lk_tagger_eval_result *res)
{
    lk_status st;
    int32_t *labels = NULL;
    lk_seg_word *gw = NULL, *pw = NULL;
    size_t cap_l = 0;
    if ((st = need(&labels, &cap_l, d->n_pos, sizeof *labels)) != LK_OK) return st;
    lk_seg_cons cons = {NULL, NULL}; /* emoji: SYM, as lk_tagger_tag_sentences tags them */
    if (test && (st = emoji_cons(m, ws, test->sents, test->n_sents, d->n_pos, &cons)) != LK_OK)
        goto done;
    if ((st = lk_tg_label_data(m, ws, d, cons.tags ? &cons : NULL, labels)) != LK_OK) goto done;
    res->tokens = 0;
    res->correct = 0;
    memset(&res->seg, 0, sizeof res->seg);
    if (m->cfg.unit == LK_TAGGER_WORD) {
        for (size_t p = 0; p < d->n_pos; p++) {
            res->tokens++;
            if (d->gold[p] != LK_ID_NONE && labels[p] == d->gold[p]) res->correct++;
        }
        res->accuracy = res->tokens ? (double)res->correct / (double)res->tokens : 0.0;
        goto done;
    }
    size_t maxw = 1, maxc = 1;
    for (size_t s = 0; s < test->n_sents; s++) {
        if (test->sents[s].n > maxw) maxw = test->sents[s].n;
        if (d->off[s + 1] - d->off[s] > maxc) maxc = d->off[s + 1] - d->off[s];
    }
    gw = malloc(maxw * sizeof *gw);
    pw = malloc(maxc * sizeof *pw);
    if (!gw || !pw) {
        st = LK_ERR_NOMEM;
        goto done;
    }
    for (size_t s = 0; s < test->n_sents; s++) {
        int32_t ng = 0, np = 0;
        gold_words(m, &test->sents[s], gw, &ng);
        lk_seg_decode(labels + d->off[s], (int32_t)(d->off[s + 1] - d->off[s]), m->label_pos,
                      m->label_tag, pw, &np);
        lk_seg_count(&res->seg, gw, ng, pw, np);
        for (int32_t i = 0; i < ng; i++)
            if (gw[i].tag == LK_ID_NONE) res->n_unknown_tags++;
    }
    res->seg_prf = lk_seg_prf(&res->seg, false);
    res->joint_prf = lk_seg_prf(&res->seg, true);
    res->tokens = res->seg.gold;
    res->correct = res->seg.joint_match;
    res->accuracy = res->joint_prf.f1;
done:
    free(labels);
    free(gw);
    free(pw);
    return st;
}

lk_status lk_tagger_evaluate(const lk_tagger *m, const lk_tagged_corpus *test,
                             lk_tagger_eval_result *res, lk_error *err)
{
    lk_status st;
    lk_tagger_ws *ws = NULL;
    lk_tg_data d;
    memset(&d, 0, sizeof d);
    memset(res, 0, sizeof *res);
    double t0 = lk_clock_s();
    if ((st = lk_tagger_ws_create(&ws)) != LK_OK) goto fail;
    int64_t unknown = 0;
    if ((st = lk_tg_data_from_corpus(m, test, &d, &unknown, err)) != LK_OK) goto out;
    if ((st = lk_tg_evaluate_data(m, ws, test, &d, res)) != LK_OK) goto fail;
    if (m->cfg.unit == LK_TAGGER_WORD) res->n_unknown_tags = unknown;
    else res->raw_sents[LK_TAGGER_RAW_JOINED] = (int64_t)test->n_sents;
    res->seconds = lk_clock_s() - t0;
    goto out;
fail:
    lk_error_set(err, st, "evaluating: %s", lk_status_str(st));
out:
    lk_tg_data_free(&d);
    lk_tagger_ws_free(ws);
    return st;
}
