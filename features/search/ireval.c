/* ireval.c: trec_eval-compatible MAP, nDCG@10, P@10, R@100, MRR. */
#define _POSIX_C_SOURCE 200809L
#include "features/search/ireval.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "text/fileio.h"
#include "text/utf8.h"

#define MAX_FIELDS 7
#define NDCG_CUT 10
#define P_CUT 10
#define R_CUT 100

typedef struct {
    const char *qid, *doc;
    double score; /* run: score; qrels: relevance grade */
    int64_t line;
} entry;

typedef struct {
    entry *e;
    size_t n, cap;
    char **strs; /* owned copies of the lines' strings */
    size_t n_strs, strs_cap;
} table;

static void table_free(table *t)
{
    for (size_t i = 0; i < t->n_strs; i++) free(t->strs[i]);
    free(t->strs);
    free(t->e);
}

static lk_status keep_line(table *t, char *copy)
{
    void *p = t->strs;
    lk_status st = lk_grow(&p, &t->strs_cap, t->n_strs + 1, sizeof *t->strs);
    if (st != LK_OK) return st;
    t->strs = p;
    t->strs[t->n_strs++] = copy;
    return LK_OK;
}

/* Split a line copy at spaces/tabs; returns the field count (at most MAX_FIELDS + 1). */
static size_t split_fields(char *s, char **f, size_t *cols)
{
    size_t n = 0;
    char *p = s;
    while (*p) {
        while (*p == ' ' || *p == '\t') p++;
        if (!*p) break;
        if (n <= MAX_FIELDS) {
            f[n] = p;
            cols[n] = (size_t)(p - s);
        }
        n++;
        while (*p && *p != ' ' && *p != '\t') p++;
        if (*p) *p++ = '\0';
    }
    return n;
}

/* Read a qrels (is_run false: qid iter docid rel) or run (qid Q0 docid rank score [tag]). */
static lk_status read_table(const char *path, bool is_run, table *t, lk_error *err)
{
    lk_line_reader *r = NULL;
    lk_status st = lk_line_reader_open(path, &r, err);
    if (st != LK_OK) return st;
    const char *line;
    size_t len;
    bool got;
    while ((st = lk_line_reader_next(r, &line, &len, &got, err)) == LK_OK && got) {
        int64_t ln = lk_line_reader_lineno(r);
        /* NUL bytes would end the fields early (a binary line read as blank) */
        if ((st = lk_text_check_line(line, len, path, ln, " (expected a text file)", err)) != LK_OK)
            break;
        char *copy = malloc(len + 1);
        if (!copy) {
            st = LK_ERR_NOMEM;
            break;
        }
        memcpy(copy, line, len + 1);
        char *f[MAX_FIELDS + 1];
        size_t col[MAX_FIELDS + 1];
        size_t n = split_fields(copy, f, col);
        if (n == 0) {
            free(copy);
            continue;
        }
        if ((st = keep_line(t, copy)) != LK_OK) {
            free(copy);
            break;
        }
        bool ok = is_run ? (n == 5 || n == 6) : n == 4;
        if (!ok) {
            st = lk_error_at(err, path, ln, 1, "expected %s, got %zu fields",
                             is_run ? "6 fields (qid Q0 docid rank score tag)"
                                    : "4 fields (qid iter docid rel)", n);
            break;
        }
        char *end;
        const char *num = is_run ? f[4] : f[3];
        size_t ncol = is_run ? col[4] : col[3];
        double v;
        errno = 0;
        if (is_run) v = strtod(num, &end);
        else v = (double)strtol(num, &end, 10);
        if (*end || end == num || errno == ERANGE || !isfinite(v)) {
            st = lk_error_at(err, path, ln, lk_utf8_column(line, ncol), "bad %s \"%s\"",
                             is_run ? "score" : "relevance (an integer)", num);
            break;
        }
        void *p = t->e;
        if ((st = lk_grow(&p, &t->cap, t->n + 1, sizeof *t->e)) != LK_OK) break;
        t->e = p;
        t->e[t->n].qid = f[0];
        t->e[t->n].doc = f[2];
        t->e[t->n].score = v;
        t->e[t->n].line = ln;
        t->n++;
    }
    lk_line_reader_free(r);
    return st;
}

static int cmp_qid_doc(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    int c = strcmp(x->qid, y->qid);
    return c ? c : strcmp(x->doc, y->doc);
}

/* trec_eval order: qid, then score descending, then docid descending. */
static int cmp_run(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    int c = strcmp(x->qid, y->qid);
    if (c) return c;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    return strcmp(y->doc, x->doc);
}

static int cmp_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x > y ? -1 : x < y;
}

/* Relevance of doc in the qrels slice q[0..n) (sorted by doc); 0 if unjudged. */
static double rel_of(const entry *q, size_t n, const char *doc)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(q[mid].doc, doc);
        if (c == 0) return q[mid].score;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return 0;
}

/* Metrics of one query: qrels slice q (sorted by doc), run slice r (trec_eval order). */
static lk_status eval_query(const entry *q, size_t nq, const entry *r, size_t nr,
                            lk_ireval_result *acc)
{
    size_t num_rel = 0;
    for (size_t i = 0; i < nq; i++)
        if (q[i].score >= 1) num_rel++;
    if (num_rel == 0) return LK_OK;
    double *ideal = malloc((nq + 1) * sizeof *ideal);
    if (!ideal) return LK_ERR_NOMEM;
    for (size_t i = 0; i < nq; i++) ideal[i] = q[i].score > 0 ? q[i].score : 0;
    if (nq > 1) qsort(ideal, nq, sizeof *ideal, cmp_desc);
    double idcg = 0, dcg = 0, ap = 0, rr = 0;
    for (size_t i = 0; i < nq && i < NDCG_CUT; i++) idcg += ideal[i] / log2((double)i + 2);
    free(ideal);
    size_t found = 0, p10 = 0, r100 = 0;
    for (size_t i = 0; i < nr; i++) {
        double rel = rel_of(q, nq, r[i].doc);
        if (i < NDCG_CUT && rel > 0) dcg += rel / log2((double)i + 2);
        if (rel >= 1) {
            found++;
            ap += (double)found / (double)(i + 1);
            if (rr == 0) rr = 1.0 / (double)(i + 1);
            if (i < P_CUT) p10++;
            if (i < R_CUT) r100++;
        }
    }
    acc->map += ap / (double)num_rel;
    acc->ndcg10 += idcg > 0 ? dcg / idcg : 0;
    acc->p10 += (double)p10 / P_CUT;
    acc->r100 += (double)r100 / (double)num_rel;
    acc->mrr += rr;
    acc->n_queries++;
    if (nr == 0) acc->n_missing++;
    return LK_OK;
}

/* A document listed twice for one query is an error (as in trec_eval). */
static lk_status check_duplicates(entry *run, size_t n, const char *path, lk_error *err)
{
    if (n > 1) qsort(run, n, sizeof *run, cmp_qid_doc);
    for (size_t i = 1; i < n; i++)
        if (cmp_qid_doc(&run[i - 1], &run[i]) == 0) {
            const entry *a = &run[i - 1], *b = &run[i];
            if (a->line > b->line) {
                const entry *t = a;
                a = b;
                b = t;
            }
            return lk_error_at(err, path, b->line, 0,
                               "document \"%s\" listed twice for query \"%s\" (also line %lld)",
                               b->doc, b->qid, (long long)a->line);
        }
    return LK_OK;
}

lk_status lk_ireval_files(const char *qrels_path, const char *run_path, lk_ireval_result *out,
                          lk_error *err)
{
    table qr, run;
    memset(&qr, 0, sizeof qr);
    memset(&run, 0, sizeof run);
    memset(out, 0, sizeof *out);
    lk_status st = read_table(qrels_path, false, &qr, err);
    if (st == LK_OK) st = read_table(run_path, true, &run, err);
    if (st == LK_OK) st = check_duplicates(run.e, run.n, run_path, err);
    if (st != LK_OK) goto done;
    if (qr.n > 1) qsort(qr.e, qr.n, sizeof *qr.e, cmp_qid_doc);
    if (run.n > 1) qsort(run.e, run.n, sizeof *run.e, cmp_run);
    for (size_t i = 1; i < qr.n; i++)
        if (cmp_qid_doc(&qr.e[i - 1], &qr.e[i]) == 0) {
            st = lk_error_at(err, qrels_path, qr.e[i].line, 0,
                             "document \"%s\" judged twice for query \"%s\"", qr.e[i].doc,
                             qr.e[i].qid);
            goto done;
        }
    size_t ri = 0;
    for (size_t i = 0; i < qr.n;) {
        size_t j = i;
        while (j < qr.n && strcmp(qr.e[j].qid, qr.e[i].qid) == 0) j++;
        while (ri < run.n && strcmp(run.e[ri].qid, qr.e[i].qid) < 0) ri++;
        size_t rj = ri;
        while (rj < run.n && strcmp(run.e[rj].qid, qr.e[i].qid) == 0) rj++;
        if ((st = eval_query(qr.e + i, j - i, run.e + ri, rj - ri, out)) != LK_OK) goto done;
        ri = rj;
        i = j;
    }
    if (out->n_queries) {
        double n = (double)out->n_queries;
        out->map /= n;
        out->ndcg10 /= n;
        out->p10 /= n;
        out->r100 /= n;
        out->mrr /= n;
    }
done:
    table_free(&qr);
    table_free(&run);
    return st;
}
