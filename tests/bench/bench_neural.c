/* bench_neural.c: training throughput of the neural core alone (no data loading): embedding
   (V, 100) -> BiLSTM (hidden 128 per direction) -> linear 17 -> softmax CE, forward +
   backward + clip + Adam on the active set (lazy on embedding rows; BENCH_DENSE=1: dense), batches of 32 sentences with lengths
   uniform in [5, 35], sorted longest first (as PyTorch's packed sequences). Also times inference (forward only) on batches of 1 and of 32 sentences.
   Usage: bench_neural THREADS [CELL [SECONDS]]
   -> prints "train_tok_s infer_batch1_tok_s infer_batch32_tok_s". */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "models/layers.h"
#include "models/optim.h"
#include "models/seq.h"

enum { V = 20000, E = 100, H = 128, C = 17, B = 32, MINT = 5, MAXT = 35 };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

typedef struct {
    lk_params p;
    size_t emb, ow, ob;
    lk_seq seq;
    lk_seq_weights w, g;
    lk_seq_ws *ws;
    lk_optim *opt;
    float *x, *dx, *h, *dh, *z, *dz;
    int32_t ids[MAXT * B], tags[MAXT * B], lens[B];
    bool dense; /* dense optimizer over the whole buffer instead of the active set */
} model;

static int32_t batch(model *m, lk_rng *rng, int32_t nb, int64_t *tokens)
{
    int32_t T = 0;
    for (int b = 0; b < nb; b++) {
        m->lens[b] = MINT + (int32_t)lk_rng_below(rng, MAXT - MINT + 1);
        if (m->lens[b] > T) T = m->lens[b];
        *tokens += m->lens[b];
    }
    for (int b = 1; b < nb; b++) /* longest first: padded rows skip the cells */
        for (int k = b; k > 0 && m->lens[k] > m->lens[k - 1]; k--) {
            int32_t tmp = m->lens[k];
            m->lens[k] = m->lens[k - 1];
            m->lens[k - 1] = tmp;
        }
    for (int t = 0; t < T; t++)
        for (int b = 0; b < nb; b++) {
            bool on = t < m->lens[b];
            m->ids[t * nb + b] = on ? (int32_t)lk_rng_below(rng, V) : LK_ID_NONE;
            m->tags[t * nb + b] = on ? (int32_t)lk_rng_below(rng, C) : LK_ID_NONE;
        }
    return T;
}

static void step(model *m, int32_t T, int32_t nb, bool train)
{
    int32_t n = T * nb, counted = 0;
    lk_mat emb = lk_params_mat(&m->p, m->emb, m->p.data), ow = lk_params_mat(&m->p, m->ow, m->p.data);
    lk_mat hm = lk_mat_view(m->h, n, 2 * H), zm = lk_mat_view(m->z, n, C);
    lk_embedding_forward(&emb, m->ids, n, m->x);
    lk_seq_forward(&m->seq, &m->w, m->ws, T, nb, m->x, m->lens, NULL, train, m->h);
    lk_linear_forward(&ow, m->p.data + m->p.views[m->ob].offset, &hm, &zm);
    lk_softmax_xent_forward(&zm, m->tags, &zm, &counted);
    if (!train) return;
    lk_params_touch(&m->p, m->emb, m->ids, (size_t)n);
    memset(m->dz, 0, (size_t)n * C * sizeof(float));
    memset(m->dh, 0, (size_t)n * 2 * H * sizeof(float));
    memset(m->dx, 0, (size_t)n * E * sizeof(float));
    lk_mat dzm = lk_mat_view(m->dz, n, C), dhm = lk_mat_view(m->dh, n, 2 * H);
    lk_mat dow = lk_params_mat(&m->p, m->ow, m->p.grad), demb = lk_params_mat(&m->p, m->emb, m->p.grad);
    lk_softmax_xent_backward(&zm, m->tags, 1.0f / (float)counted, &dzm);
    lk_linear_backward(&ow, &hm, &dzm, &dow, m->p.grad + m->p.views[m->ob].offset, &dhm);
    lk_seq_backward(&m->seq, &m->w, m->ws, m->dh, &m->g, m->dx);
    lk_embedding_backward(&demb, m->ids, n, m->dx);
    if (m->dense) {
        lk_grad_clip(m->p.grad, m->p.n, 5.0);
        lk_optim_step(m->opt, m->p.data, m->p.grad, 0);
        lk_params_zero_grad(&m->p);
    } else {
        lk_params_clip_active(&m->p, m->p.grad, 5.0);
        lk_optim_step_active(m->opt, &m->p, 0);
        lk_params_zero_active(&m->p, m->p.grad);
    }
    lk_params_untouch(&m->p);
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    lk_cell_type cell = LK_CELL_LSTM;
    double secs = argc > 3 ? atof(argv[3]) : 3.0;
    if (argc > 2 && lk_cell_type_parse(argv[2], &cell) != LK_OK) return 2;
    lk_blas_set_threads(threads);
    model *m = calloc(1, sizeof *m);
    m->dense = getenv("BENCH_DENSE") != NULL;
    lk_rng rng;
    lk_rng_seed(&rng, 1);
    lk_seq_config sc = lk_seq_config_default();
    sc.cell = cell;
    sc.input = E;
    sc.hidden = H;
    lk_optim_config oc = lk_optim_config_default();
    if (lk_params_add(&m->p, "emb", V, E, 0, LK_INIT_UNIFORM, 0.1f, &m->emb) != LK_OK ||
        lk_seq_add_params(&m->seq, &sc, &m->p, "enc", NULL) != LK_OK ||
        lk_params_add(&m->p, "out.w", C, 2 * H, 0, LK_INIT_XAVIER, 1, &m->ow) != LK_OK ||
        lk_params_add(&m->p, "out.b", 1, C, 0, LK_INIT_ZERO, 0, &m->ob) != LK_OK ||
        lk_params_set_sparse(&m->p, m->emb) != LK_OK || lk_params_alloc(&m->p) != LK_OK || lk_seq_ws_create(&m->ws) != LK_OK ||
        lk_optim_create(&oc, m->p.n, &m->opt) != LK_OK)
        return 1;
    lk_params_init(&m->p, &rng);
    lk_seq_bind(&m->seq, m->p.data, &m->w);
    lk_seq_bind(&m->seq, m->p.grad, &m->g);
    size_t n = (size_t)MAXT * B;
    m->x = malloc(n * E * sizeof(float));
    m->dx = malloc(n * E * sizeof(float));
    m->h = malloc(n * 2 * H * sizeof(float));
    m->dh = malloc(n * 2 * H * sizeof(float));
    m->z = malloc(n * C * sizeof(float));
    m->dz = malloc(n * C * sizeof(float));
    int64_t tokens = 0;
    step(m, batch(m, &rng, B, &tokens), B, true); /* warm up: workspace growth */
    tokens = 0;
    double t0 = now(), t1;
    do {
        step(m, batch(m, &rng, B, &tokens), B, true);
    } while ((t1 = now()) - t0 < secs);
    double train = (double)tokens / (t1 - t0);
    tokens = 0;
    t0 = now();
    do {
        for (int k = 0; k < 50; k++) step(m, batch(m, &rng, 1, &tokens), 1, false);
    } while ((t1 = now()) - t0 < secs / 2);
    double infer1 = (double)tokens / (t1 - t0);
    tokens = 0;
    t0 = now();
    do {
        for (int k = 0; k < 5; k++) step(m, batch(m, &rng, B, &tokens), B, false);
    } while ((t1 = now()) - t0 < secs / 2);
    printf("%.0f %.0f %.0f\n", train, infer1, (double)tokens / (t1 - t0));
    return 0;
}
