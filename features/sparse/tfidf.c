#include "features/sparse/tfidf.h"

#include <math.h>

#include "features/features_internal.h"

lk_tfidf_config lk_tfidf_config_default(void)
{
    return (lk_tfidf_config){.idf = LK_IDF_SMOOTH, .sublinear_tf = false, .norm = LK_ROWNORM_L2,
                             .threads = 1};
}

double lk_idf(lk_idf_kind kind, int64_t df, int64_t n_docs)
{
    double d = (double)df, n = (double)n_docs;
    switch (kind) {
    case LK_IDF_SMOOTH:
        return log((n + 1) / (d + 1)) + 1;
    case LK_IDF_PLAIN:
        return log(n / d) + 1;
    case LK_IDF_TEXTBOOK:
        return log(n / (d + 1));
    case LK_IDF_NONE:
    default:
        return 1;
    }
}

static void normalize_row(double *v, int64_t n, lk_row_norm norm)
{
    double s = 0;
    if (norm == LK_ROWNORM_L2) {
        for (int64_t k = 0; k < n; k++) s += v[k] * v[k];
        s = sqrt(s);
    } else {
        for (int64_t k = 0; k < n; k++) s += fabs(v[k]);
    }
    if (s == 0) return;
    for (int64_t k = 0; k < n; k++) v[k] /= s;
}

typedef struct {
    const lk_tfidf_config *c;
    const double *idf;
    lk_csr *m;
    size_t n_chunks;
} weight_job;

/* The first row that starts at or after entry k. */
static int32_t row_at(const lk_csr *m, int64_t k)
{
    int32_t a = 0, b = m->n_rows;
    while (a < b) {
        int32_t mid = a + (b - a) / 2;
        if (m->indptr[mid] < k) a = mid + 1;
        else b = mid;
    }
    return a;
}

/* Weight and normalize the rows of one chunk (rows starting in its share of the entries),
   each row with the operations and order of a pass over the whole matrix then one per
   row. */
static void weight_rows(void *arg, size_t chunk)
{
    const weight_job *j = arg;
    const lk_tfidf_config *c = j->c;
    const double *idf = j->idf;
    const lk_csr *m = j->m;
    int64_t nnz = lk_csr_nnz(m);
    int32_t r0 = chunk ? row_at(m, (int64_t)((double)nnz * (double)chunk / (double)j->n_chunks)) : 0;
    int32_t r1 = chunk + 1 < j->n_chunks
                     ? row_at(m, (int64_t)((double)nnz * (double)(chunk + 1) / (double)j->n_chunks))
                     : m->n_rows;
    const int32_t *ind = m->indices;
    double *data = m->data;
    const int64_t *ip = m->indptr;
    for (int32_t r = r0; r < r1; r++) {
        int64_t lo = ip[r], hi = ip[r + 1];
        for (int64_t k = lo; k < hi; k++) {
            double v = data[k];
            if (c->sublinear_tf) v = log(v) + 1;
            if (idf) v *= idf[ind[k]];
            data[k] = v;
        }
        if (c->norm != LK_ROWNORM_NONE) normalize_row(data + lo, hi - lo, c->norm);
    }
}

#define SPLIT_MIN_NNZ 65536 /* fewer entries are weighted on one thread */
#define WEIGHT_CHUNKS 16    /* shares of the entries the two threads take one by one */

lk_status lk_tfidf_apply(const lk_tfidf_config *c, const double *idf, lk_csr *m, lk_pool *pool)
{
    if (!c || !m || (lk_csr_nnz(m) && (!m->indices || !m->data))) return LK_ERR_ARG;
    bool two = c->threads == 2 && pool && lk_csr_nnz(m) >= SPLIT_MIN_NNZ;
    weight_job j = {c, idf, m, two ? WEIGHT_CHUNKS : 1};
    lk_pool_run(pool, weight_rows, &j, j.n_chunks);
    return LK_OK;
}

lk_status lk_bm25_weight_apply(const lk_bm25_params *p, const double *idf, lk_row_norm norm,
                               lk_csr *m)
{
    if (!p || !idf || !m || (lk_csr_nnz(m) && (!m->indices || !m->data))) return LK_ERR_ARG;
    double total = 0;
    for (int64_t k = 0; k < lk_csr_nnz(m); k++) total += m->data[k];
    double avgdl = m->n_rows > 0 ? total / (double)m->n_rows : 0;
    double delta = lk_bm25_delta(p);
    for (int32_t r = 0; r < m->n_rows; r++) {
        double dl = 0;
        for (int64_t k = m->indptr[r]; k < m->indptr[r + 1]; k++) dl += m->data[k];
        double dnorm = lk_bm25_norm(p, dl, avgdl);
        for (int64_t k = m->indptr[r]; k < m->indptr[r + 1]; k++)
            m->data[k] = idf[m->indices[k]] * lk_bm25_tf_part_d(p->variant, p->k1, delta, m->data[k], dnorm);
        if (norm != LK_ROWNORM_NONE)
            normalize_row(m->data + m->indptr[r], m->indptr[r + 1] - m->indptr[r], norm);
    }
    return LK_OK;
}
