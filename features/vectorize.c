#include "features/vectorize.h"

#include <stdlib.h>

#include "text/fileio.h"

#define NONORM_PRECISION 12

lk_vectorize_job lk_vectorize_job_default(void)
{
    return (lk_vectorize_job){.input_format = LK_DOCS_JSONL,
                              .write = lk_csr_write_opts_default(),
                              .bow = lk_bow_config_default(),
                              .tf = lk_tfidf_config_default()};
}

typedef struct {
    const lk_csr *m;
    const lk_vectorize_job *job;
    lk_csr_write_opts opts;
} matrix_out;

static lk_status write_matrix(FILE *fp, void *ctx, lk_error *err)
{
    const matrix_out *w = ctx;
    return w->job->matrix_market ? lk_csr_write_mm(fp, w->m, &w->opts, err)
                                 : lk_csr_write_svmlight(fp, w->m, &w->opts, err);
}

static lk_status write_vocab_job(FILE *fp, void *ctx, lk_error *err)
{
    return lk_bow_write_vocab(ctx, fp, err);
}

/* TF-IDF weights with the fitting collection's df. */
static lk_status weight(const lk_vectorize_job *job, const lk_bow *b, lk_csr *m)
{
    int32_t n = lk_bow_n_terms(b);
    double *idf = malloc((size_t)(n ? n : 1) * sizeof *idf);
    if (!idf) return LK_ERR_NOMEM;
    for (int32_t c = 0; c < n; c++)
        idf[c] = lk_idf(job->tf.idf, lk_bow_fit_df(b, c), lk_bow_fit_n_docs(b));
    lk_status st = lk_tfidf_apply(&job->tf, idf, m);
    free(idf);
    return st;
}

lk_status lk_vectorize(const lk_vectorize_job *job, int64_t *n_docs, int32_t *n_terms,
                       int64_t *nnz, lk_error *err)
{
    lk_bow *b = NULL;
    lk_csr m = {0};
    const char *out_path = job->output ? job->output : "-";
    lk_status st = lk_bow_config_check(&job->bow, err);
    /* Both outputs are checked before any work and committed together (all or none). */
    if (st == LK_OK) st = lk_output_check(out_path, err);
    if (st == LK_OK && job->vocab_out) st = lk_output_check(job->vocab_out, err);
    if (st == LK_OK && (st = lk_bow_create(&job->bow, &b)) != LK_OK)
        lk_error_set(err, st, "%s", lk_status_str(st));
    if (st == LK_OK && job->vocab_in) st = lk_bow_load_vocab(b, job->vocab_in, err);
    if (st == LK_OK)
        st = lk_bow_add_file(b, job->input ? job->input : "-", job->input_format, job->log,
                             job->log_user, err);
    if (st == LK_OK) st = lk_bow_finish(b, &m, err);
    if (st == LK_OK && job->tfidf && (st = weight(job, b, &m)) != LK_OK)
        lk_error_set(err, st, "out of memory");
    matrix_out w = {&m, job, job->write};
    w.opts.integer = !job->tfidf;
    /* unnormalized weights can be large: keep 1e-6 absolute precision up to ~1e5 */
    if (job->tfidf && job->tf.norm == LK_ROWNORM_NONE && w.opts.precision < NONORM_PRECISION)
        w.opts.precision = NONORM_PRECISION;
    lk_write_job jobs[2] = {{out_path, write_matrix, &w}, {job->vocab_out, write_vocab_job, b}};
    if (st == LK_OK) st = lk_write_atomic_all(jobs, job->vocab_out ? 2 : 1, err);
    if (st == LK_OK) {
        if (n_docs) *n_docs = m.n_rows;
        if (n_terms) *n_terms = m.n_cols;
        if (nnz) *nnz = lk_csr_nnz(&m);
    }
    lk_csr_free(&m);
    lk_bow_free(b);
    return st;
}
