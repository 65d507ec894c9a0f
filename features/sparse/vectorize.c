#include "features/sparse/vectorize.h"

#include <stdio.h>
#include <stdlib.h>

#include "text/fileio.h"

#define NONORM_PRECISION 12
#define LK_PATH_MSG_CAP 1024 /* a warning naming two paths */

lk_vectorize_job lk_vectorize_job_default(void)
{
    return (lk_vectorize_job){.input_format = LK_DOCS_JSONL,
                              .write = lk_csr_write_opts_default(),
                              .bow = lk_bow_config_default(),
                              .tf = lk_tfidf_config_default(),
                              .bm25_params = lk_bm25_params_default(),
                              .blank_rows = true};
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

typedef struct {
    const char *s;
    size_t n;
} text_out;

static lk_status write_text(FILE *fp, void *ctx, lk_error *err)
{
    const text_out *t = ctx;
    return lk_fwrite_all(fp, t->s, t->n, "ids", err);
}

/* TF-IDF weights with the fitting collection's df. */
static lk_status weight(const lk_vectorize_job *job, const lk_bow *b, lk_csr *m)
{
    int32_t n = lk_bow_n_terms(b);
    double *idf = malloc((size_t)(n ? n : 1) * sizeof *idf);
    if (!idf) return LK_ERR_NOMEM;
    for (int32_t c = 0; c < n; c++)
        idf[c] = job->bm25 ? lk_bm25_idf(job->bm25_params.variant, (double)lk_bow_fit_n_docs(b),
                                         (double)lk_bow_fit_df(b, c))
                           : lk_idf(job->tf.idf, lk_bow_fit_df(b, c), lk_bow_fit_n_docs(b));
    lk_tfidf_config tf = job->tf;
    if (tf.threads == 0) tf.threads = job->bow.threads; /* as many as the counting */
    lk_status st = job->bm25 ? lk_bm25_weight_apply(&job->bm25_params, idf, job->tf.norm, m)
                             : lk_tfidf_apply(&tf, idf, m, lk_bow_pool(b));
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
    if (st == LK_OK && job->ids_out) st = lk_output_check(job->ids_out, err);
    if (st == LK_OK && (st = lk_bow_create(&job->bow, &b)) != LK_OK)
        lk_error_set(err, st, "%s", lk_status_str(st));
    if (st == LK_OK && job->vocab_in) st = lk_bow_load_vocab(b, job->vocab_in, err);
    char *ids = NULL;
    size_t ids_len = 0, ids_cap = 0;
    lk_bow_file_opts fo = {job->log, job->log_user, job->blank_rows,
                           job->ids_out ? &ids : NULL, &ids_len, &ids_cap};
    if (st == LK_OK) st = lk_bow_add_file_opts(b, job->input ? job->input : "-", job->input_format, &fo, err);
    if (st == LK_OK && lk_bow_n_docs(b) == 0) /* name the input, like the readers */
        st = lk_error_set(err, LK_ERR_PARSE, "%s: empty collection: no documents",
                          job->input ? job->input : "standard input");
    if (st == LK_OK && (st = lk_bow_finish(b, &m, err)) == LK_ERR_ARG && err) {
        /* what the collection left (no terms, df bounds crossed for its size): name it */
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err->msg);
        lk_error_set(err, LK_ERR_PARSE, "%s: %s (%lld documents)",
                     job->input ? job->input : "standard input", msg, (long long)lk_bow_n_docs(b));
        st = LK_ERR_PARSE;
    }
    if (st == LK_OK && job->vocab_in && lk_csr_nnz(&m) == 0 && job->log) {
        char msg[LK_PATH_MSG_CAP];
        snprintf(msg, sizeof msg, "warning: none of the %d vocabulary terms of %s occurs in %s "
                 "(a vocabulary of other text, or made with other analyzer options?)",
                 (int)lk_bow_n_terms(b), job->vocab_in, job->input ? job->input : "the input");
        job->log(job->log_user, LK_LOG_WARN, msg);
    }
    if (st == LK_OK && job->tfidf && (st = weight(job, b, &m)) != LK_OK)
        lk_error_set(err, st, "out of memory");
    matrix_out w = {&m, job, job->write};
    w.opts.integer = !job->tfidf;
    /* unnormalized weights can be large: keep 1e-6 absolute precision up to ~1e5 */
    if (job->tfidf && job->tf.norm == LK_ROWNORM_NONE && w.opts.precision < NONORM_PRECISION)
        w.opts.precision = NONORM_PRECISION;
    text_out t = {ids, ids_len};
    lk_write_job jobs[3] = {{out_path, write_matrix, &w}};
    size_t n_jobs = 1;
    if (job->vocab_out) jobs[n_jobs++] = (lk_write_job){job->vocab_out, write_vocab_job, b};
    if (job->ids_out) jobs[n_jobs++] = (lk_write_job){job->ids_out, write_text, &t};
    if (st == LK_OK) st = lk_write_atomic_all(jobs, n_jobs, err);
    free(ids);
    if (st == LK_OK) {
        if (n_docs) *n_docs = m.n_rows;
        if (n_terms) *n_terms = m.n_cols;
        if (nnz) *nnz = lk_csr_nnz(&m);
    }
    lk_csr_free(&m);
    lk_bow_free(b);
    return st;
}
