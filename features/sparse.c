#include "features/sparse.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text/fileio.h"

#define INSERTION_SORT_MAX 24   /* rows up to this length are sorted in place */
#define WRITE_BUF_SIZE (1u << 16)
#define WRITE_BUF_SLACK 96      /* room for one "col:val " item */
#define MAX_PRECISION 17
#define EXACT_INT_LIMIT 9007199254740992.0 /* 2^53 */

lk_status lk_csr_init(lk_csr *m, int32_t n_cols)
{
    if (!m || n_cols < 0) return LK_ERR_ARG;
    memset(m, 0, sizeof *m);
    m->indptr = malloc(sizeof *m->indptr);
    if (!m->indptr) return LK_ERR_NOMEM;
    m->indptr[0] = 0;
    m->n_cols = n_cols;
    return LK_OK;
}

void lk_csr_free(lk_csr *m)
{
    if (!m) return;
    free(m->indptr);
    free(m->indices);
    free(m->data);
    memset(m, 0, sizeof *m);
}

lk_status lk_csr_append_row(lk_csr *m, const int32_t *cols, const double *vals, size_t n)
{
    if (!m || !m->indptr || (n && (!cols || !vals))) return LK_ERR_ARG;
    if (m->n_rows == INT32_MAX) return LK_ERR_RANGE;
    for (size_t k = 0; k < n; k++)
        if (cols[k] < 0 || cols[k] >= m->n_cols) return LK_ERR_ARG;
    size_t nnz = (size_t)m->indptr[m->n_rows], need;
    lk_status st = lk_add_size(nnz, n, &need);
    if (st != LK_OK) return st;
    if (need > m->cap) {
        size_t cap_i = m->cap, cap_d = m->cap;
        st = lk_grow((void **)&m->indices, &cap_i, need, sizeof *m->indices);
        if (st != LK_OK) return st;
        st = lk_grow((void **)&m->data, &cap_d, need, sizeof *m->data);
        if (st != LK_OK) return st;
        m->cap = cap_i < cap_d ? cap_i : cap_d;
    }
    int64_t *ip = realloc(m->indptr, ((size_t)m->n_rows + 2) * sizeof *ip);
    if (!ip) return LK_ERR_NOMEM;
    m->indptr = ip;
    if (n) {
        memcpy(m->indices + nnz, cols, n * sizeof *cols);
        memcpy(m->data + nnz, vals, n * sizeof *vals);
    }
    m->indptr[m->n_rows + 1] = (int64_t)need;
    m->n_rows++;
    return LK_OK;
}

typedef struct {
    int32_t col;
    double val;
} entry;

static int entry_cmp(const void *a, const void *b)
{
    int32_t x = ((const entry *)a)->col, y = ((const entry *)b)->col;
    return (x > y) - (x < y);
}

static void insertion_sort_row(int32_t *cols, double *vals, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        int32_t c = cols[i];
        double v = vals[i];
        size_t j = i;
        while (j > 0 && cols[j - 1] > c) {
            cols[j] = cols[j - 1];
            vals[j] = vals[j - 1];
            j--;
        }
        cols[j] = c;
        vals[j] = v;
    }
}

lk_status lk_csr_sort_rows(lk_csr *m)
{
    if (!m) return LK_ERR_ARG;
    entry *tmp = NULL;
    size_t tmp_cap = 0;
    for (int32_t r = 0; r < m->n_rows; r++) {
        size_t b = (size_t)m->indptr[r], n = (size_t)m->indptr[r + 1] - b;
        int32_t *cols = m->indices + b;
        double *vals = m->data + b;
        if (n <= INSERTION_SORT_MAX) {
            insertion_sort_row(cols, vals, n);
            continue;
        }
        if (lk_grow((void **)&tmp, &tmp_cap, n, sizeof *tmp) != LK_OK) {
            free(tmp);
            return LK_ERR_NOMEM;
        }
        for (size_t k = 0; k < n; k++) tmp[k] = (entry){cols[k], vals[k]};
        qsort(tmp, n, sizeof *tmp, entry_cmp);
        for (size_t k = 0; k < n; k++) {
            cols[k] = tmp[k].col;
            vals[k] = tmp[k].val;
        }
    }
    free(tmp);
    return LK_OK;
}

lk_csr_write_opts lk_csr_write_opts_default(void)
{
    return (lk_csr_write_opts){.one_based = false, .integer = false, .precision = 9,
                               .label = "0"};
}

/* Decimal digits of v, right-aligned ending at end; returns the start. */
static char *format_u64_rev(uint64_t v, char *end)
{
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return end;
}

static size_t format_i64(int64_t v, char *buf)
{
    char tmp[24];
    char *end = tmp + sizeof tmp;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char *s = format_u64_rev(u, end);
    if (v < 0) *--s = '-';
    size_t n = (size_t)(end - s);
    memcpy(buf, s, n);
    return n;
}

size_t lk_format_double(double v, int precision, char *buf)
{
    if (precision < 1) precision = 1;
    if (precision > MAX_PRECISION) precision = MAX_PRECISION;
    if (isfinite(v) && fabs(v) < EXACT_INT_LIMIT && v == (double)(int64_t)v &&
        !(v == 0 && signbit(v)))
        return format_i64((int64_t)v, buf);
    int n = snprintf(buf, 32, "%.*g", precision, v);
    return n < 0 ? 0 : (size_t)n;
}

/* A small output buffer in front of fwrite. */
typedef struct {
    FILE *fp;
    char buf[WRITE_BUF_SIZE];
    size_t len;
} outbuf;

static lk_status ob_flush(outbuf *o, lk_error *err)
{
    lk_status st = lk_fwrite_all(o->fp, o->buf, o->len, "matrix", err);
    o->len = 0;
    return st;
}

static lk_status ob_reserve(outbuf *o, size_t n, lk_error *err)
{
    return (o->len + n > sizeof o->buf) ? ob_flush(o, err) : LK_OK;
}

static void ob_str(outbuf *o, const char *s, size_t n)
{
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static void ob_value(outbuf *o, double v, const lk_csr_write_opts *opt)
{
    if (opt->integer && fabs(v) < EXACT_INT_LIMIT)
        o->len += format_i64((int64_t)v, o->buf + o->len);
    else
        o->len += lk_format_double(v, opt->precision, o->buf + o->len);
}

lk_status lk_csr_write_svmlight(FILE *fp, const lk_csr *m, const lk_csr_write_opts *opt,
                                lk_error *err)
{
    if (!fp || !m || !opt) return lk_error_set(err, LK_ERR_ARG, "svmlight: bad arguments");
    const char *label = opt->label ? opt->label : "0";
    size_t label_len = strlen(label);
    if (label_len > WRITE_BUF_SLACK) return lk_error_set(err, LK_ERR_ARG, "label too long");
    outbuf *o = malloc(sizeof *o);
    if (!o) return lk_error_set(err, LK_ERR_NOMEM, "out of memory");
    o->fp = fp;
    o->len = 0;
    lk_status st = LK_OK;
    int64_t base = opt->one_based ? 1 : 0;
    for (int32_t r = 0; r < m->n_rows && st == LK_OK; r++) {
        if ((st = ob_reserve(o, WRITE_BUF_SLACK, err)) != LK_OK) break;
        ob_str(o, label, label_len);
        for (int64_t k = m->indptr[r]; k < m->indptr[r + 1]; k++) {
            if ((st = ob_reserve(o, WRITE_BUF_SLACK, err)) != LK_OK) break;
            o->buf[o->len++] = ' ';
            o->len += format_i64(m->indices[k] + base, o->buf + o->len);
            o->buf[o->len++] = ':';
            ob_value(o, m->data[k], opt);
        }
        if (st == LK_OK) o->buf[o->len++] = '\n';
    }
    if (st == LK_OK) st = ob_flush(o, err);
    free(o);
    return st;
}

lk_status lk_csr_write_mm(FILE *fp, const lk_csr *m, const lk_csr_write_opts *opt, lk_error *err)
{
    if (!fp || !m || !opt) return lk_error_set(err, LK_ERR_ARG, "matrix market: bad arguments");
    if (fprintf(fp, "%%%%MatrixMarket matrix coordinate real general\n%ld %ld %lld\n",
                (long)m->n_rows, (long)m->n_cols, (long long)lk_csr_nnz(m)) < 0)
        return lk_error_set(err, LK_ERR_IO, "matrix: write error: %s", strerror(errno));
    outbuf *o = malloc(sizeof *o);
    if (!o) return lk_error_set(err, LK_ERR_NOMEM, "out of memory");
    o->fp = fp;
    o->len = 0;
    lk_status st = LK_OK;
    for (int32_t r = 0; r < m->n_rows && st == LK_OK; r++) {
        for (int64_t k = m->indptr[r]; k < m->indptr[r + 1]; k++) {
            if ((st = ob_reserve(o, WRITE_BUF_SLACK, err)) != LK_OK) break;
            o->len += format_i64((int64_t)r + 1, o->buf + o->len);
            o->buf[o->len++] = ' ';
            o->len += format_i64((int64_t)m->indices[k] + 1, o->buf + o->len);
            o->buf[o->len++] = ' ';
            ob_value(o, m->data[k], opt);
            o->buf[o->len++] = '\n';
        }
    }
    if (st == LK_OK) st = ob_flush(o, err);
    free(o);
    return st;
}
