#include "features/sparse/sparse.h"

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

static void insertion_sort_entries(entry *e, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        entry x = e[i];
        size_t j = i;
        while (j > 0 && e[j - 1].col > x.col) {
            e[j] = e[j - 1];
            j--;
        }
        e[j] = x;
    }
}

/* Quicksort by column (distinct columns), median of three, small ranges by insertion;
   recursion only into the smaller side. */
static void sort_entries(entry *e, size_t n)
{
    while (n > INSERTION_SORT_MAX) {
        size_t m = n / 2;
        int32_t a = e[0].col, b = e[m].col, c = e[n - 1].col;
        int32_t pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        size_t i = 0, j = n - 1;
        for (;;) {
            while (e[i].col < pivot) i++;
            while (e[j].col > pivot) j--;
            if (i >= j) break;
            entry t = e[i];
            e[i] = e[j];
            e[j] = t;
            i++;
            j--;
        }
        size_t left = j + 1; /* e[0..left) <= pivot <= e[left..n) */
        if (left < n - left) {
            sort_entries(e, left);
            e += left;
            n -= left;
        } else {
            sort_entries(e + left, n - left);
            n = left;
        }
    }
    insertion_sort_entries(e, n);
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
    return lk_csr_sort_rows_range(m, 0, m->n_rows);
}

lk_status lk_csr_sort_rows_range(lk_csr *m, int32_t r0, int32_t r1)
{
    if (!m || r0 < 0 || r1 > m->n_rows) return LK_ERR_ARG;
    entry *tmp = NULL;
    size_t tmp_cap = 0;
    for (int32_t r = r0; r < r1; r++) {
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
        sort_entries(tmp, n);
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

static const char DIGIT_PAIRS[201] = "00010203040506070809101112131415161718192021222324"
                                     "25262728293031323334353637383940414243444546474849"
                                     "50515253545556575859606162636465666768697071727374"
                                     "75767778798081828384858687888990919293949596979899";

/* Decimal digits of v, right-aligned ending at end (two at a time); returns the start. */
static char *format_u64_rev(uint64_t v, char *end)
{
    while (v >= 100) {
        const char *p = DIGIT_PAIRS + 2 * (v % 100);
        v /= 100;
        *--end = p[1];
        *--end = p[0];
    }
    if (v >= 10) {
        const char *p = DIGIT_PAIRS + 2 * v;
        *--end = p[1];
        *--end = p[0];
    } else {
        *--end = (char)('0' + v);
    }
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

static const double POW10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                               1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
#define FAST_PRECISION_MAX 12 /* 10^p * 10^3 within the exact powers above */
#define FAST_EXP_MIN (-4)     /* %g switches to exponent notation below 1e-4 */

/* round(a * 10^k) with printf's rounding of the exact product (half to even on exact
   ties): the fused multiply-add gives the residual of the product to the floor. */
static uint64_t round_scaled(double a, int k)
{
    double t = a * POW10[k], f = floor(t);
    double d = fma(a, POW10[k], -f);
    if (d < 0) {
        f -= 1;
        d += 1;
    }
    uint64_t u = (uint64_t)f;
    if (d > 0.5 || (d == 0.5 && (u & 1))) u++;
    return u;
}

/* %.<p>g for 1e-4 <= |v| < 10^p without printf: scale to p digits and round. Returns 0
   when out of that range (the caller then uses snprintf). */
static size_t format_fixed_g(double v, int p, char *buf)
{
    double a = fabs(v);
    if (!(a >= 1e-4) || p > FAST_PRECISION_MAX || a >= POW10[p]) return 0;
    int e = 0;
    while (e + 1 < p && a >= POW10[e + 1]) e++;
    while (e > FAST_EXP_MIN && a < (e > 0 ? POW10[e] : 1.0 / POW10[-e])) e--;
    int k = p - 1 - e; /* scale factor exponent, 0 <= k <= p + 3 <= 15 */
    uint64_t u = round_scaled(a, k);
    if (u >= (uint64_t)POW10[p]) { /* rounded up to the next power of ten */
        if (++e >= p) return 0;
        k--;
        u = round_scaled(a, k);
    }
    char digits[24];
    char *d = format_u64_rev(u, digits + sizeof digits);
    size_t nd = (size_t)(digits + sizeof digits - d); /* == p, or fewer if leading zeros */
    while (nd < (size_t)p) { *--d = '0'; nd++; }
    size_t frac = (size_t)k; /* digits after the point */
    while (frac > 0 && d[nd - 1] == '0') { nd--; frac--; }
    size_t o = 0;
    if (v < 0) buf[o++] = '-';
    if (frac >= nd) { /* 0.000ddd */
        buf[o++] = '0';
        buf[o++] = '.';
        for (size_t z = 0; z < frac - nd; z++) buf[o++] = '0';
        memcpy(buf + o, d, nd);
        return o + nd;
    }
    memcpy(buf + o, d, nd - frac);
    o += nd - frac;
    if (frac) {
        buf[o++] = '.';
        memcpy(buf + o, d + nd - frac, frac);
        o += frac;
    }
    return o;
}

size_t lk_format_double(double v, int precision, char *buf)
{
    if (precision < 1) precision = 1;
    if (precision > MAX_PRECISION) precision = MAX_PRECISION;
    if (isfinite(v) && fabs(v) < EXACT_INT_LIMIT && v == (double)(int64_t)v &&
        !(v == 0 && signbit(v)))
        return format_i64((int64_t)v, buf);
    size_t n = format_fixed_g(v, precision, buf);
    if (n) return n;
    int r = snprintf(buf, 32, "%.*g", precision, v);
    return r < 0 ? 0 : (size_t)r;
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
