/* Tests for features/sparse/sparse.c: CSR building, row sorting, svmlight and Matrix Market. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "features/sparse/sparse.h"
#include "tests/testutil.h"

/* The 2 x 4 matrix [[0 2.5 0 1], [0 0 0 0]] plus a third row [[3 0 0.1 0]]. */
static void build(lk_csr *m)
{
    assert_int_equal(lk_csr_init(m, 4), LK_OK);
    int32_t c0[] = {3, 1};
    double v0[] = {1, 2.5};
    assert_int_equal(lk_csr_append_row(m, c0, v0, 2), LK_OK);
    assert_int_equal(lk_csr_append_row(m, NULL, NULL, 0), LK_OK);
    int32_t c2[] = {0, 2};
    double v2[] = {3, 0.1};
    assert_int_equal(lk_csr_append_row(m, c2, v2, 2), LK_OK);
    assert_int_equal(lk_csr_sort_rows(m), LK_OK);
}

static char *write_to_string(lk_csr *m, const lk_csr_write_opts *o, bool mm)
{
    char path[512];
    lk_test_tmp_path(path, sizeof path, mm ? "m.mtx" : "m.svm");
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    lk_error err;
    if (mm) assert_int_equal(lk_csr_write_mm(fp, m, o, &err), LK_OK);
    else assert_int_equal(lk_csr_write_svmlight(fp, m, o, &err), LK_OK);
    fclose(fp);
    static char buf[4096];
    fp = fopen(path, "rb");
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

static void test_csr_rows_sorted(void **state)
{
    (void)state;
    lk_csr m;
    build(&m);
    assert_int_equal(m.n_rows, 3);
    assert_int_equal(lk_csr_nnz(&m), 4);
    assert_int_equal(m.indices[0], 1);
    assert_true(m.data[0] == 2.5);
    assert_int_equal(m.indices[1], 3);
    assert_int_equal(m.indptr[1], 2);
    assert_int_equal(m.indptr[2], 2);
    int32_t bad[] = {4};
    double v[] = {1};
    assert_int_equal(lk_csr_append_row(&m, bad, v, 1), LK_ERR_ARG);
    assert_int_equal(m.n_rows, 3);
    lk_csr_free(&m);
    lk_csr_free(&m); /* freeing twice is harmless */
}

static void test_svmlight_zero_and_one_based(void **state)
{
    (void)state;
    lk_csr m;
    build(&m);
    lk_csr_write_opts o = lk_csr_write_opts_default();
    assert_string_equal(write_to_string(&m, &o, false), "0 1:2.5 3:1\n0\n0 0:3 2:0.1\n");
    o.one_based = true;
    assert_string_equal(write_to_string(&m, &o, false), "0 2:2.5 4:1\n0\n0 1:3 3:0.1\n");
    lk_csr_free(&m);
}

static void test_matrix_market(void **state)
{
    (void)state;
    lk_csr m;
    build(&m);
    lk_csr_write_opts o = lk_csr_write_opts_default();
    assert_string_equal(write_to_string(&m, &o, true),
                        "%%MatrixMarket matrix coordinate real general\n3 4 4\n"
                        "1 2 2.5\n1 4 1\n3 1 3\n3 3 0.1\n");
    lk_csr_free(&m);
}

static void test_format_double(void **state)
{
    (void)state;
    char b[32];
    b[lk_format_double(0.123456789012, 9, b)] = '\0';
    assert_string_equal(b, "0.123456789");
    b[lk_format_double(42, 9, b)] = '\0';
    assert_string_equal(b, "42");
    b[lk_format_double(-3, 9, b)] = '\0';
    assert_string_equal(b, "-3");
    b[lk_format_double(1e-7, 9, b)] = '\0';
    assert_string_equal(b, "1e-07");
    b[lk_format_double(0.1, 17, b)] = '\0';
    assert_string_equal(b, "0.10000000000000001");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csr_rows_sorted),
        cmocka_unit_test(test_svmlight_zero_and_one_based),
        cmocka_unit_test(test_matrix_market),
        cmocka_unit_test(test_format_double),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
