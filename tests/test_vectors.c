/* Tests for models/vectors.c: word2vec text/binary formats, queries and evaluations. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/vectors.h"
#include "text/utf8.h"
#include "tests/testutil.h"

static lk_vectors *make_table(void)
{
    lk_vectors *v = NULL;
    assert_int_equal(lk_vectors_create(3, &v), LK_OK);
    const float a[3] = {0.1f, -2.5e-7f, 3.0f}, b[3] = {1.0f / 3.0f, 1e30f, -0.0f},
                c[3] = {-1.25f, 7.0f, 0.2f};
    assert_int_equal(lk_vectors_add(v, "alpha", 5, a), LK_OK);
    assert_int_equal(lk_vectors_add(v, "北京", strlen("北京"), b), LK_OK);
    assert_int_equal(lk_vectors_add(v, "c", 1, c), LK_OK);
    assert_int_equal(lk_vectors_add(v, "c", 1, c), LK_ERR_ARG);      /* duplicate */
    assert_int_equal(lk_vectors_add(v, "a b", 3, c), LK_ERR_ARG);    /* space */
    assert_int_equal(lk_vectors_add(v, "c\0x", 3, c), LK_ERR_ARG);   /* NUL: would be "c" */
    assert_int_equal(lk_vectors_add(v, "", 0, c), LK_ERR_ARG);       /* empty */
    return v;
}

static void test_round_trip_text_and_binary_exact(void **state)
{
    (void)state;
    lk_vectors *v = make_table();
    const lk_vec_format fmts[2] = {LK_VEC_TEXT, LK_VEC_BIN};
    for (int f = 0; f < 2; f++) {
        char path[512];
        lk_error err;
        lk_vectors *r = NULL;
        lk_test_tmp_path(path, sizeof path, f ? "v.bin" : "v.txt");
        assert_int_equal(lk_vectors_write(v, path, fmts[f], &err), LK_OK);
        for (int detect = 0; detect < 2; detect++) {
            assert_int_equal(lk_vectors_read(path, detect ? LK_VEC_AUTO : fmts[f], 0, &r, &err),
                             LK_OK);
            assert_int_equal(lk_vectors_size(r), 3);
            assert_int_equal(lk_vectors_dim(r), 3);
            for (int32_t i = 0; i < 3; i++) {
                assert_string_equal(lk_vectors_word(r, i), lk_vectors_word(v, i));
                assert_memory_equal(lk_vectors_row(r, i), lk_vectors_row(v, i), 3 * sizeof(float));
            }
            lk_vectors_free(r);
        }
        /* max_words keeps the first words only */
        assert_int_equal(lk_vectors_read(path, LK_VEC_AUTO, 2, &r, &err), LK_OK);
        assert_int_equal(lk_vectors_size(r), 2);
        lk_vectors_free(r);
    }
    lk_vectors_free(v);
}

static void expect_error(const char *name, const char *data, size_t n, const char *want)
{
    char path[512], full[600];
    lk_error err;
    lk_vectors *r = NULL;
    lk_test_tmp_path(path, sizeof path, name);
    lk_test_write_file(path, data, n);
    assert_int_equal(lk_vectors_read(path, LK_VEC_AUTO, 0, &r, &err), LK_ERR_PARSE);
    assert_null(r);
    snprintf(full, sizeof full, "%s%s", path, want);
    if (!strstr(err.msg, full)) fail_msg("got '%s', want '%s'", err.msg, full);
}

static void test_bad_text_files(void **state)
{
    (void)state;
    const char trunc[] = "3 2\na 1 2\nb 3 4\n";
    expect_error("t1.txt", trunc, sizeof trunc - 1, ":3: truncated: the header says 3 words");
    const char more[] = "1 2\na 1 2\nb 3 4\n";
    expect_error("t2.txt", more, sizeof more - 1, ":3:1: the header says 1 words but more");
    const char dim[] = "2 2\na 1 2\nb 3 4 5\n";
    expect_error("t3.txt", dim, sizeof dim - 1, ":3:7: more than 2 values");
    const char few[] = "2 3\na 1 2 3\nb 3 4\n";
    expect_error("t4.txt", few, sizeof few - 1, ":3:6: expected 3 values after the word, found 2");
    const char num[] = "1 2\na 1 x2\n";
    expect_error("t5.txt", num, sizeof num - 1, ":2:5: bad number 'x2'");
    const char hdr[] = "words 2\na 1 2\n";
    expect_error("t6.txt", hdr, sizeof hdr - 1, ":1:1: expected a header");
    /* a binary file's bytes are quoted as \xNN, not written raw to the terminal */
    const char junk[] = "\x95\x16\x11\x08" "abc\n";
    expect_error("t6b.txt", junk, sizeof junk - 1, ":1:1: expected a header 'WORDS DIM' (two "
                 "positive integers, or 0 words of dim at most 100000), got '\\x95\\x16\\x11\\x08abc'");
    const char dup[] = "2 1\na 1\na 2\n";
    expect_error("t7.txt", dup, sizeof dup - 1, ":3:1: duplicate word 'a'");
    expect_error("t8.txt", "", 0, ":1:1: empty file");
    /* the message quotes the bad token alone (it quoted the next 20 bytes) */
    const char comma[] = "1 3\na 1,5 0.133134216 0.12\n";
    expect_error("t9.txt", comma, sizeof comma - 1, ":2:3: bad number '1,5'");
    /* C99 hex floats, which strtof reads, are refused as Python's float() refuses them */
    const char hex[] = "1 2\na 0x.5 1\n";
    expect_error("t10.txt", hex, sizeof hex - 1, ":2:3: bad number '0x.5'");
    const char hex2[] = "1 2\na 1 -0X1p3\n";
    expect_error("t11.txt", hex2, sizeof hex2 - 1, ":2:5: bad number '-0X1p3'");
}

static void test_bad_binary_files(void **state)
{
    (void)state;
    lk_vectors *v = make_table();
    char path[512];
    lk_error err;
    lk_test_tmp_path(path, sizeof path, "good.bin");
    assert_int_equal(lk_vectors_write(v, path, LK_VEC_BIN, &err), LK_OK);
    FILE *fp = fopen(path, "rb");
    char buf[256];
    size_t n = fread(buf, 1, sizeof buf, fp);
    fclose(fp);
    expect_error("trunc.bin", buf, n - 5, ": truncated in word 3 of 3");
    char more[300];
    memcpy(more, buf, n);
    memcpy(more + n, "zz 0000000000001\n", 17);
    expect_error("more.bin", more, n + 17, ": the header says 3 words but more data follows");
    lk_vectors_free(v);
}

/* A binary file read as text: the message quotes the bytes as \xNN (it held the raw bytes,
   which are no UTF-8: the Python binding raised an exception with no message). */
static void test_binary_read_as_text_message_is_utf8(void **state)
{
    (void)state;
    lk_vectors *v = make_table(), *r = NULL;
    char path[512];
    lk_error err;
    lk_test_tmp_path(path, sizeof path, "astext.bin");
    assert_int_equal(lk_vectors_write(v, path, LK_VEC_BIN, &err), LK_OK);
    assert_int_equal(lk_vectors_read(path, LK_VEC_TEXT, 0, &r, &err), LK_ERR_PARSE);
    assert_null(r);
    assert_non_null(strstr(err.msg, ": bad number '"));
    assert_true(lk_utf8_valid(err.msg, strlen(err.msg), NULL));
    for (const char *c = err.msg; *c; c++) assert_true((unsigned char)*c >= 0x20);
    const char raw[] = "1 2\na 1 \x80\xff\x01\n";
    char want[600];
    lk_test_tmp_path(path, sizeof path, "raw.txt");
    lk_test_write_file(path, raw, sizeof raw - 1);
    assert_int_equal(lk_vectors_read(path, LK_VEC_TEXT, 0, &r, &err), LK_ERR_PARSE);
    snprintf(want, sizeof want, "%s:2:5: bad number '\\x80\\xFF\\x01'", path);
    assert_string_equal(err.msg, want);
    lk_vectors_free(v);
}

/* "0 DIM" is an empty table (gensim writes and reads it; lexkit wrote it and refused it);
   a non-finite value is refused at write, naming the word (it was written as "nan"). */
static void test_empty_table_and_non_finite_write(void **state)
{
    (void)state;
    lk_vectors *v = NULL, *r = NULL;
    char path[512];
    lk_error err;
    assert_int_equal(lk_vectors_create(3, &v), LK_OK);
    for (int f = 0; f < 2; f++) {
        lk_test_tmp_path(path, sizeof path, f ? "empty.bin" : "empty.txt");
        assert_int_equal(lk_vectors_write(v, path, f ? LK_VEC_BIN : LK_VEC_TEXT, &err), LK_OK);
        assert_int_equal(lk_vectors_read(path, LK_VEC_AUTO, 0, &r, &err), LK_OK);
        assert_int_equal(lk_vectors_size(r), 0);
        assert_int_equal(lk_vectors_dim(r), 3);
        lk_vectors_free(r);
    }
    const float ok[3] = {1, 2, 3}, bad[3] = {0, NAN, 1};
    assert_int_equal(lk_vectors_add(v, "fine", 4, ok), LK_OK);
    assert_int_equal(lk_vectors_add(v, "odd", 3, bad), LK_OK);
    lk_test_tmp_path(path, sizeof path, "nan.txt");
    assert_int_equal(lk_vectors_write(v, path, LK_VEC_TEXT, &err), LK_ERR_ARG);
    assert_string_equal(err.msg, "word 2 ('odd'): value 2 is nan, not a finite number (the "
                                 "readers refuse it)");
    FILE *fp = fopen(path, "rb");
    assert_null(fp); /* nothing written */
    lk_vectors_free(v);
}

static void test_line_longer_than_1mb(void **state)
{
    (void)state;
    const int32_t D = 200000; /* "0.125 " x 200000 = 1.2 MB on one line */
    size_t cap = (size_t)D * 6 + 64, n = 0;
    char *data = malloc(cap);
    n += (size_t)snprintf(data, cap, "1 %d\nwide", (int)D);
    for (int32_t i = 0; i < D; i++) {
        memcpy(data + n, " 0.125", 6);
        n += 6;
    }
    data[n++] = '\n';
    char path[512];
    lk_error err;
    lk_vectors *r = NULL;
    lk_test_tmp_path(path, sizeof path, "wide.txt");
    lk_test_write_file(path, data, n);
    assert_int_equal(lk_vectors_read(path, LK_VEC_AUTO, 0, &r, &err), LK_OK);
    assert_int_equal(lk_vectors_dim(r), D);
    assert_true(lk_vectors_row(r, 0)[D - 1] == 0.125f);
    lk_vectors_free(r);
    free(data);
}

static void test_spearman_with_ties(void **state)
{
    (void)state;
    /* x = 1 2 2 3 -> ranks 1 2.5 2.5 4; y = 1 3 2 4 -> ranks 1 3 2 4; both means 2.5.
       sxy = 2.25 + 0 + 0 + 2.25 = 4.5, sxx = 4.5, syy = 2.25 + .25 + .25 + 2.25 = 5:
       rho = 4.5 / sqrt(4.5 * 5) = 0.9486833. */
    const double x[4] = {1, 2, 2, 3}, y[4] = {1, 3, 2, 4};
    assert_true(fabs(lk_spearman(x, y, 4) - 0.9486833) < 1e-6);
    assert_true(fabs(lk_spearman(x, x, 4) - 1.0) < 1e-12);
    assert_true(isnan(lk_spearman(x, y, 1)));
    const double flat[3] = {5, 5, 5};
    assert_true(isnan(lk_spearman(flat, y, 3)));
}

static void test_analogy_on_handmade_vectors(void **state)
{
    (void)state;
    /* emb_analogy.vec: dims (male, female, royal, capital, fr, it, de).
       paris - france + italy = (0,0,0,.71,-.29,1,0) -> rome (correct);
       france - paris + rome = (0,0,0,0,.29,.71,0) -> italy, not germany (wrong);
       woman - man + king -> queen (correct; the question is upper case, lowercased);
       "emperor" is unknown -> skipped. Total 2 of 3 seen, 4 questions. */
    lk_vectors *v = NULL;
    lk_error err;
    lk_analogy_result r;
    assert_int_equal(lk_vectors_read("data/emb_analogy.vec", LK_VEC_AUTO, 0, &v, &err), LK_OK);
    assert_int_equal(lk_vectors_analogy(v, "data/emb_analogy_questions.txt", 0, true, &r, &err),
                     LK_OK);
    assert_int_equal(r.n_sections, 2);
    assert_string_equal(r.sections[0].name, "capitals");
    assert_int_equal(r.sections[0].correct, 1);
    assert_int_equal(r.sections[0].seen, 2);
    assert_int_equal(r.sections[1].correct, 1);
    assert_int_equal(r.sections[1].seen, 1);
    assert_int_equal(r.sections[1].total, 2);
    assert_int_equal(r.correct, 2);
    assert_int_equal(r.seen, 3);
    assert_int_equal(r.total, 4);
    lk_analogy_result_free(&r);
    /* restricted to the first 7 words, rome (8th) and germany (9th) are out: the capitals
       questions are skipped */
    assert_int_equal(lk_vectors_analogy(v, "data/emb_analogy_questions.txt", 7, true, &r, &err),
                     LK_OK);
    assert_int_equal(r.seen, 1);
    assert_int_equal(r.correct, 1);
    lk_analogy_result_free(&r);
    /* without lowercasing the upper-case question is skipped too */
    assert_int_equal(lk_vectors_analogy(v, "data/emb_analogy_questions.txt", 0, false, &r, &err),
                     LK_OK);
    assert_int_equal(r.seen, 2);
    lk_analogy_result_free(&r);
    /* nearest neighbours of paris: france and rome (cosine 1/sqrt 2 each; lower id first) */
    int32_t ids[2], n, self = lk_vectors_find(v, "paris", 5);
    float sc[2];
    lk_vectors_nearest(v, lk_vectors_row(v, self), 2, 0, &self, 1, ids, sc, &n);
    assert_int_equal(n, 2);
    assert_string_equal(lk_vectors_word(v, ids[0]), "france");
    assert_string_equal(lk_vectors_word(v, ids[1]), "rome");
    assert_true(fabsf(sc[0] - 0.70710678f) < 1e-6f);
    lk_vectors_free(v);
}

static void test_similarity_on_handmade_vectors(void **state)
{
    (void)state;
    /* covered pairs (gold, cosine): man-woman (3, 0), king-queen (8, .5), paris-france
       (9, .7071), rome-italy (9, .7071), king-rome (1, 0); man-emperor is not covered.
       gold ranks 2 3 4.5 4.5 1, cosine ranks 1.5 3 4.5 4.5 1.5, means 3:
       sxy = 1.5 + 0 + 2.25 + 2.25 + 3 = 9, sxx = 9.5, syy = 9: rho = 9 / sqrt(85.5). */
    lk_vectors *v = NULL;
    lk_error err;
    lk_similarity_result r;
    assert_int_equal(lk_vectors_read("data/emb_analogy.vec", LK_VEC_AUTO, 0, &v, &err), LK_OK);
    assert_int_equal(lk_vectors_similarity(v, "data/emb_pairs.tsv", true, NULL, NULL, &r, &err), LK_OK);
    assert_int_equal(r.found, 5);
    assert_int_equal(r.total, 6);
    assert_true(fabs(r.spearman - 9.0 / sqrt(85.5)) < 1e-6);
    lk_vectors_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_text_and_binary_exact),
        cmocka_unit_test(test_bad_text_files),
        cmocka_unit_test(test_bad_binary_files),
        cmocka_unit_test(test_binary_read_as_text_message_is_utf8),
        cmocka_unit_test(test_empty_table_and_non_finite_write),
        cmocka_unit_test(test_line_longer_than_1mb),
        cmocka_unit_test(test_spearman_with_ties),
        cmocka_unit_test(test_analogy_on_handmade_vectors),
        cmocka_unit_test(test_similarity_on_handmade_vectors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
