#include "models/embed_loss.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct lk_embed_loss {
    lk_loss_kind kind;
    int32_t V;
    /* negative sampling */
    int32_t negative;
    int32_t *table; /* (table_size) word ids */
    int32_t table_size;
    /* hierarchical softmax: path of word w is code[off[w]..off[w+1]), same for points */
    int32_t *path_off; /* (V + 1) */
    uint8_t *code;
    int32_t *points;
};

/* ---- shared kernels ------------------------------------------------------------- */

/* The hot kernels are compiled for AVX2+FMA and AVX-512 too, picked at run time (GCC
   function multiversioning); the baseline build flags stay portable. */
/* Not under ThreadSanitizer: the instrumented ifunc resolvers run before TSan's runtime is
   set up and crash at load time. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && \
    !defined(__SANITIZE_THREAD__)
#define LK_KERNEL_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define LK_KERNEL_CLONES
#endif

/* Ask for a cache line early (output rows and table slots are random reads). */
#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif
#define CACHE_LINE_FLOATS 16

#define DOT_LANES 8

static inline float dot_f(const float *a, const float *b, int32_t n)
{
    float acc[DOT_LANES] = {0};
    int32_t i = 0;
    for (; i + DOT_LANES <= n; i += DOT_LANES)
        for (int32_t k = 0; k < DOT_LANES; k++) acc[k] += a[i + k] * b[i + k];
    float s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for (; i < n; i++) s += a[i] * b[i];
    return s;
}

static inline void axpy_f(float a, const float *restrict x, float *restrict y, int32_t n)
{
    for (int32_t i = 0; i < n; i++) y[i] += a * x[i];
}

LK_KERNEL_CLONES float lk_embed_dot(const float *a, const float *b, int32_t n)
{
    return dot_f(a, b, n);
}

LK_KERNEL_CLONES void lk_embed_axpy(float a, const float *x, float *y, int32_t n)
{
    for (int32_t i = 0; i < n; i++) y[i] += a * x[i];
}

/* ---- sigmoid table -------------------------------------------------------------- */

lk_status lk_sigmoid_table_init(lk_sigmoid_table *t, int32_t size)
{
    memset(t, 0, sizeof *t);
    if (size < 2) return LK_ERR_ARG;
    t->sig = malloc(((size_t)size + 1) * sizeof *t->sig);
    t->logsig = malloc(((size_t)size + 1) * sizeof *t->logsig);
    if (!t->sig || !t->logsig) {
        lk_sigmoid_table_free(t);
        return LK_ERR_NOMEM;
    }
    t->size = size;
    t->scale = (float)size / (2.0f * LK_SIGMOID_MAX);
    for (int32_t i = 0; i <= size; i++) {
        /* entry i covers [i, i+1) / scale - max; take its midpoint */
        double f = ((double)i + 0.5) / t->scale - LK_SIGMOID_MAX;
        t->sig[i] = (float)(1.0 / (1.0 + exp(-f)));
        t->logsig[i] = (float)(-log1p(exp(-f)));
    }
    return LK_OK;
}

void lk_sigmoid_table_free(lk_sigmoid_table *t)
{
    if (!t) return;
    free(t->sig);
    free(t->logsig);
    memset(t, 0, sizeof *t);
}

/* ---- batch ----------------------------------------------------------------------- */

void lk_loss_batch_free(lk_loss_batch *b)
{
    if (!b) return;
    free(b->out_ids);
    free(b->label);
    free(b->row_col);
    free(b->col_of);
    memset(b, 0, sizeof *b);
}

static lk_status batch_reserve(lk_loss_batch *b, int32_t R, int32_t S)
{
    lk_status st = lk_grow((void **)&b->out_ids, &b->cap_out, (size_t)S, sizeof *b->out_ids);
    if (st != LK_OK) return st;
    size_t n;
    st = lk_mul_size((size_t)R, (size_t)S, &n);
    if (st == LK_OK) st = lk_grow((void **)&b->label, &b->cap_label, n, sizeof *b->label);
    if (st == LK_OK) st = lk_grow((void **)&b->row_col, &b->cap_rows, (size_t)R, sizeof *b->row_col);
    return st;
}

/* Column of output row `id` in b, appending it when absent (capacity reserved). */
static int32_t column_of(lk_loss_batch *b, int32_t id)
{
    for (int32_t s = 0; s < b->n_out; s++)
        if (b->out_ids[s] == id) return s;
    b->out_ids[b->n_out] = id;
    return b->n_out++;
}

static inline uint32_t draw_below(lk_rng *rng, uint32_t n)
{
    return (uint32_t)(((uint64_t)lk_rng_u32(rng) * n) >> 32);
}

static lk_status prepare_ns(const lk_embed_loss *l, const int32_t *targets, int32_t R, lk_rng *rng,
                            lk_loss_batch *b)
{
    int32_t K = l->negative;
    lk_status st = batch_reserve(b, R, R + K);
    if (st != LK_OK) return st;
    b->n_rows = R;
    b->n_out = 0;
    int32_t *cols = b->row_col;
    for (int32_t r = 0; r < R; r++)
        cols[r] = (r > 0 && targets[r] == targets[r - 1]) ? cols[r - 1] : column_of(b, targets[r]);
    int32_t n_pos = b->n_out;
    /* draw all slots first so their (likely missing) cache lines load in parallel */
    for (int32_t k = 0; k < K; k++) {
        int32_t slot = (int32_t)draw_below(rng, (uint32_t)l->table_size);
        b->out_ids[n_pos + k] = slot;
        PREFETCH(l->table + slot);
    }
    for (int32_t k = 0; k < K; k++) b->out_ids[n_pos + k] = l->table[b->out_ids[n_pos + k]];
    int32_t S = n_pos + K;
    b->n_out = S;
    for (int32_t r = 0; r < R; r++) {
        float *row = b->label + (size_t)r * S;
        for (int32_t s = 0; s < n_pos; s++) row[s] = LK_LABEL_SKIP;
        row[cols[r]] = 1.0f;
        for (int32_t s = n_pos; s < S; s++)
            row[s] = b->out_ids[s] == targets[r] ? LK_LABEL_SKIP : 0.0f;
    }
    return LK_OK;
}

static lk_status prepare_hs(const lk_embed_loss *l, const int32_t *targets, int32_t R,
                            lk_loss_batch *b)
{
    int32_t total = 0;
    for (int32_t r = 0; r < R; r++) {
        if (r > 0 && targets[r] == targets[r - 1]) continue;
        total += l->path_off[targets[r] + 1] - l->path_off[targets[r]];
    }
    lk_status st = batch_reserve(b, R, total);
    if (st != LK_OK) return st;
    size_t n_nodes = (size_t)l->V - 1, old = b->cap_col_of;
    if (old < n_nodes) {
        st = lk_grow((void **)&b->col_of, &b->cap_col_of, n_nodes, sizeof *b->col_of);
        if (st != LK_OK) return st;
        for (size_t i = old; i < b->cap_col_of; i++) b->col_of[i] = -1;
    }
    b->n_rows = R;
    b->n_out = 0;
    /* columns: the union of the paths (col_of maps a node to its column) */
    for (int32_t r = 0; r < R; r++) {
        if (r > 0 && targets[r] == targets[r - 1]) continue;
        for (int32_t j = l->path_off[targets[r]]; j < l->path_off[targets[r] + 1]; j++) {
            int32_t node = l->points[j];
            if (b->col_of[node] < 0) {
                b->col_of[node] = b->n_out;
                b->out_ids[b->n_out++] = node;
            }
        }
    }
    int32_t S = b->n_out;
    for (int32_t r = 0; r < R; r++) {
        float *row = b->label + (size_t)r * S;
        if (r > 0 && targets[r] == targets[r - 1]) {
            memcpy(row, row - S, (size_t)S * sizeof *row);
            continue;
        }
        for (int32_t s = 0; s < S; s++) row[s] = LK_LABEL_SKIP;
        for (int32_t j = l->path_off[targets[r]]; j < l->path_off[targets[r] + 1]; j++)
            row[b->col_of[l->points[j]]] = 1.0f - (float)l->code[j];
    }
    for (int32_t s = 0; s < S; s++) b->col_of[b->out_ids[s]] = -1;
    return LK_OK;
}

lk_status lk_embed_loss_prepare(const lk_embed_loss *l, const int32_t *targets, int32_t R,
                                lk_rng *rng, lk_loss_batch *b)
{
    if (!l || !targets || R <= 0 || !b) return LK_ERR_ARG;
    return l->kind == LK_LOSS_NS ? prepare_ns(l, targets, R, rng, b) : prepare_hs(l, targets, R, b);
}

LK_KERNEL_CLONES double lk_embed_loss_step(const lk_loss_batch *b, const float *const *x, int32_t D,
                                           float *out, float alpha, const lk_sigmoid_table *t, float *dx, float *g)
{
    const int32_t R = b->n_rows, S = b->n_out;
    const float fmax = LK_SIGMOID_MAX;
    double loss = 0;
    for (int32_t s = 0; s < S; s++) {
        const float *ys = out + (size_t)b->out_ids[s] * D;
        for (int32_t i = 0; i < D; i += CACHE_LINE_FLOATS) PREFETCH(ys + i);
    }
    /* scores X Y^T on the scored pairs; a row that repeats the previous input (same
       pointer) reuses its scores */
    for (int32_t r = 0; r < R; r++) {
        const float *lab = b->label + (size_t)r * S;
        float *gr = g + (size_t)r * S;
        bool same = r > 0 && x[r] == x[r - 1];
        for (int32_t s = 0; s < S; s++) {
            if (lab[s] == LK_LABEL_SKIP) gr[s] = 0.0f;
            else if (same && lab[s - S] != LK_LABEL_SKIP) gr[s] = gr[s - S];
            else gr[s] = dot_f(x[r], out + (size_t)b->out_ids[s] * D, D);
        }
    }
    /* G = alpha * (label - sigmoid(scores)) */
    for (size_t i = 0; i < (size_t)R * (size_t)S; i++) {
        float lab = b->label[i], f = g[i], sig, logp;
        if (lab == LK_LABEL_SKIP) continue;
        if (f >= fmax) {
            sig = 1.0f;
            logp = lab > 0.5f ? 0.0f : -f;
        } else if (f <= -fmax) {
            sig = 0.0f;
            logp = lab > 0.5f ? f : 0.0f;
        } else {
            int32_t k = (int32_t)((f + fmax) * t->scale);
            int32_t mirror = t->size - 1 - k; /* log sigmoid(-f) */
            sig = t->sig[k];
            logp = lab > 0.5f ? t->logsig[k] : t->logsig[mirror < 0 ? 0 : mirror];
        }
        g[i] = (lab - sig) * alpha;
        loss -= logp;
    }
    /* dX = G Y, with Y as it was */
    for (int32_t r = 0; r < R; r++) {
        float *dxr = dx + (size_t)r * D;
        const float *gr = g + (size_t)r * S;
        memset(dxr, 0, (size_t)D * sizeof *dxr);
        for (int32_t s = 0; s < S; s++)
            if (gr[s] != 0.0f) axpy_f(gr[s], out + (size_t)b->out_ids[s] * D, dxr, D);
    }
    /* Y += G^T X; runs of the same input row are summed first */
    for (int32_t s = 0; s < S; s++) {
        float *ys = out + (size_t)b->out_ids[s] * D;
        float acc = 0.0f;
        for (int32_t r = 0; r < R; r++) {
            acc += g[(size_t)r * S + s];
            if (r + 1 < R && x[r + 1] == x[r]) continue;
            if (acc != 0.0f) axpy_f(acc, x[r], ys, D);
            acc = 0.0f;
        }
    }
    return loss;
}

/* ---- construction ---------------------------------------------------------------- */

lk_status lk_embed_loss_create_ns(const int64_t *counts, int32_t V, int32_t negative,
                                  double power, int32_t table_size, lk_embed_loss **out)
{
    *out = NULL;
    if (!counts || V <= 0 || negative <= 0 || table_size <= 0) return LK_ERR_ARG;
    lk_embed_loss *l = calloc(1, sizeof *l);
    if (!l) return LK_ERR_NOMEM;
    l->kind = LK_LOSS_NS;
    l->V = V;
    l->negative = negative;
    l->table_size = table_size;
    l->table = malloc((size_t)table_size * sizeof *l->table);
    if (!l->table) {
        free(l);
        return LK_ERR_NOMEM;
    }
    double z = 0;
    for (int32_t w = 0; w < V; w++) z += pow((double)counts[w], power);
    if (!(z > 0)) {
        lk_embed_loss_free(l);
        return LK_ERR_ARG;
    }
    /* word w owns the slots [round(cum_before * size), round(cum_after * size)) */
    double cum = 0;
    int64_t slot = 0;
    for (int32_t w = 0; w < V; w++) {
        cum += pow((double)counts[w], power) / z;
        int64_t end = w == V - 1 ? table_size : (int64_t)llround(cum * table_size);
        if (end > table_size) end = table_size;
        for (; slot < end; slot++) l->table[slot] = w;
    }
    *out = l;
    return LK_OK;
}

lk_status lk_embed_loss_create_hs(const int64_t *counts, int32_t V, lk_embed_loss **out)
{
    *out = NULL;
    if (!counts || V < 2) return LK_ERR_ARG;
    for (int32_t w = 1; w < V; w++)
        if (counts[w] > counts[w - 1]) return LK_ERR_ARG;
    lk_status st = LK_ERR_NOMEM;
    size_t n2 = (size_t)V * 2;
    int64_t *count = malloc(n2 * sizeof *count);
    int32_t *parent = malloc(n2 * sizeof *parent);
    uint8_t *binary = calloc(n2, 1);
    lk_embed_loss *l = calloc(1, sizeof *l);
    if (!count || !parent || !binary || !l) goto done;
    l->kind = LK_LOSS_HS;
    l->V = V;
    for (int32_t w = 0; w < V; w++) count[w] = counts[w];
    for (size_t i = (size_t)V; i < n2; i++) count[i] = INT64_MAX;
    /* word2vec's two-queue Huffman construction: leaves are scanned from the rarest
       (pos1, descending), inner nodes in creation order (pos2) */
    int64_t pos1 = V - 1, pos2 = V;
    for (int32_t a = 0; a < V - 1; a++) {
        int64_t m[2];
        for (int k = 0; k < 2; k++)
            m[k] = (pos1 >= 0 && count[pos1] < count[pos2]) ? pos1-- : pos2++;
        count[V + a] = count[m[0]] + count[m[1]];
        parent[m[0]] = V + a;
        parent[m[1]] = V + a;
        binary[m[1]] = 1;
    }
    /* path lengths, then codes root first; inner node V + a is output row a */
    l->path_off = malloc(((size_t)V + 1) * sizeof *l->path_off);
    if (!l->path_off) goto done;
    int64_t total = 0;
    int32_t root = 2 * V - 2;
    for (int32_t w = 0; w < V; w++) {
        l->path_off[w] = (int32_t)total;
        for (int32_t b = w; b != root; b = parent[b]) total++;
        if (total > INT32_MAX) {
            st = LK_ERR_RANGE;
            goto done;
        }
    }
    l->path_off[V] = (int32_t)total;
    l->code = malloc((size_t)total);
    l->points = malloc((size_t)total * sizeof *l->points);
    if (!l->code || !l->points) goto done;
    for (int32_t w = 0; w < V; w++) {
        int32_t len = l->path_off[w + 1] - l->path_off[w], i = len - 1;
        for (int32_t b = w; b != root; b = parent[b], i--) {
            l->code[l->path_off[w] + i] = binary[b];
            l->points[l->path_off[w] + i] = parent[b] - V;
        }
    }
    st = LK_OK;
done:
    free(count);
    free(parent);
    free(binary);
    if (st != LK_OK) {
        lk_embed_loss_free(l);
        l = NULL;
    }
    *out = l;
    return st;
}

void lk_embed_loss_free(lk_embed_loss *l)
{
    if (!l) return;
    free(l->table);
    free(l->path_off);
    free(l->code);
    free(l->points);
    free(l);
}

lk_loss_kind lk_embed_loss_kind(const lk_embed_loss *l) { return l->kind; }

int32_t lk_embed_loss_out_rows(const lk_embed_loss *l)
{
    return l->kind == LK_LOSS_NS ? l->V : l->V - 1;
}

lk_status lk_embed_loss_hs_path(const lk_embed_loss *l, int32_t w, const uint8_t **code,
                                const int32_t **points, int32_t *len)
{
    if (!l || l->kind != LK_LOSS_HS || w < 0 || w >= l->V) return LK_ERR_ARG;
    *code = l->code + l->path_off[w];
    *points = l->points + l->path_off[w];
    *len = l->path_off[w + 1] - l->path_off[w];
    return LK_OK;
}

lk_status lk_embed_loss_ns_table(const lk_embed_loss *l, const int32_t **table, int32_t *size)
{
    if (!l || l->kind != LK_LOSS_NS) return LK_ERR_ARG;
    *table = l->table;
    *size = l->table_size;
    return LK_OK;
}
