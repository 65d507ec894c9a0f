/* sparse.h: compressed sparse row (CSR) matrix of doubles, as scipy.sparse.csr_matrix, and
   its text writers: svmlight/libsvm rows and Matrix Market coordinate files.
   A matrix is a plain value struct; it owns its three arrays (free with lk_csr_free). */
#ifndef LK_FEATURES_SPARSE_H
#define LK_FEATURES_SPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "text/error.h"

/* Row r holds the entries indptr[r] .. indptr[r+1]-1: column indices[k], value data[k].
   Matrices built by lexkit have strictly increasing columns within each row and no
   explicit zeros. */
typedef struct {
    int32_t n_rows, n_cols;
    int64_t *indptr;  /* n_rows + 1 entries; indptr[0] = 0 */
    int32_t *indices; /* nnz = indptr[n_rows] entries */
    double *data;     /* nnz entries */
    size_t cap;       /* capacity of indices/data (entries) */
} lk_csr;

/* An empty 0 x n_cols matrix ready for lk_csr_append_row. */
lk_status lk_csr_init(lk_csr *m, int32_t n_cols);

/* Free the arrays and reset to an empty 0 x 0 matrix. NULL is a no-op. */
void lk_csr_free(lk_csr *m);

/* Number of stored entries. */
static inline int64_t lk_csr_nnz(const lk_csr *m) { return m->indptr ? m->indptr[m->n_rows] : 0; }

/* Append a row with n entries (cols need not be sorted; they must be in [0, n_cols)).
   On failure the matrix is unchanged. */
lk_status lk_csr_append_row(lk_csr *m, const int32_t *cols, const double *vals, size_t n);

/* Sort each row's entries by column (stable for distinct columns). */
lk_status lk_csr_sort_rows(lk_csr *m);
/* The same for rows r0 .. r1-1 only (ranges of rows can be sorted on different threads). */
lk_status lk_csr_sort_rows_range(lk_csr *m, int32_t r0, int32_t r1);

/* Output options of the writers. */
typedef struct {
    bool one_based;    /* svmlight: 1-based columns (libsvm); MM is always 1-based */
    bool integer;      /* values are whole numbers: print them as integers */
    int precision;     /* significant digits for non-integer values (default 9, max 17) */
    const char *label; /* svmlight row label (default "0") */
} lk_csr_write_opts;

lk_csr_write_opts lk_csr_write_opts_default(void);

/* svmlight rows: `LABEL col:val col:val ...\n`, one line per row (empty rows: just the
   label). Columns are written in stored order. */
lk_status lk_csr_write_svmlight(FILE *fp, const lk_csr *m, const lk_csr_write_opts *o,
                                lk_error *err);

/* Matrix Market `coordinate real general`, 1-based, with a `rows cols nnz` size line, as
   scipy.io.mmread reads (o->one_based and o->label are ignored). */
lk_status lk_csr_write_mm(FILE *fp, const lk_csr *m, const lk_csr_write_opts *o, lk_error *err);

/* Format v into buf (room for 32 bytes) with `precision` significant digits, as printf's
   %.<precision>g in the C locale; integers up to 2^53 are printed without a dot.
   Returns the length. */
size_t lk_format_double(double v, int precision, char *buf);

#endif
