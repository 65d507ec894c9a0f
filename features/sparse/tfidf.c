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
    int32_t r0, r1; /* rows r0 .. r1-1 */
} weight_job;

/* Weight and normalize rows r0 .. r1-1 (each row's values are computed as one pass over the
   whole matrix then one per row did: the same operations in the same order). */
static void *weight_rows(void *arg)
{
    const weight_job *j = arg;
    const lk_tfidf_config *c = j->c;
    const double *idf = j->idf;
    const int32_t *ind = j->m->indices;
    double *data = j->m->data;
    const int64_t *ip = j->m->indptr;
    for (int32_t r = j->r0; r < j->r1; r++) {
        int64_t lo = ip[r], hi = ip[r + 1];
        for (int64_t k = lo; k < hi; k++) {
            double v = data[k];
            if (c->sublinear_tf) v = log(v) + 1;
            if (idf) v *= idf[ind[k]];
            data[k] = v;
        }
        if (c->norm != LK_ROWNORM_NONE) normalize_row(data + lo, hi - lo, c->norm);
    }
    return NULL;
}

#define SPLIT_MIN_NNZ 65536 /* fewer entries are weighted on one thread */

lk_status lk_tfidf_apply(const lk_tfidf_config *c, const double *idf, lk_csr *m)
{
    if (!c || !m || (lk_csr_nnz(m) && (!m->indices || !m->data))) return LK_ERR_ARG;
    int64_t nnz = lk_csr_nnz(m);
    weight_job lo = {c, idf, m, 0, m->n_rows}, hi = {c, idf, m, m->n_rows, m->n_rows};
    bool two = c->threads == 2 && nnz >= SPLIT_MIN_NNZ;
    if (two) {
        /* the first row whose start passes half the entries */
        int32_t a = 0, b = m->n_rows;
        while (a < b) {
            int32_t mid = a + (b - a) / 2;
            if (m->indptr[mid] < nnz / 2) a = mid + 1;
            else b = mid;
        }
        lo.r1 = hi.r0 = a;
    }
    lk_run_pair(weight_rows, &hi, &lo, two);
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
