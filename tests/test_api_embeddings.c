/* test_api_embeddings.c: the public word vectors (include/lexkit/embeddings.h): training
   stops on the config's cancel flag with LEXKIT_ERR_STATE and no vectors; errors carry the
   corpus location as fields; a subword model round-trips through memory, and a truncated
   or corrupt image is LEXKIT_ERR_FORMAT. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "include/lexkit/embeddings.h"
#include "tests/testutil.h"

#define CORPUS "data/emb_corpus.txt"

static void test_train_cancel_flag(void **state)
{
    (void)state;
    static volatile sig_atomic_t cancel;
    lexkit_embed_config c = lexkit_embed_config_default();
    assert_null(c.cancel);
    c.dim = 8;
    c.min_count = 1;
    c.epochs = 50;
    c.cancel = &cancel;
    lexkit_vectors *v = (lexkit_vectors *)&c; /* set to NULL on failure */
    lexkit_error err;
    cancel = 1;
    assert_int_equal(lexkit_vectors_train(CORPUS, &c, &v, &err), LEXKIT_ERR_STATE);
    assert_null(v);
    assert_string_equal(err.msg, "training interrupted");
    cancel = 0;
    c.epochs = 1;
    assert_int_equal(lexkit_vectors_train(CORPUS, &c, &v, &err), LEXKIT_OK);
    assert_true(lexkit_vectors_size(v) > 10);
    lexkit_vectors_free(v);
}

/* The location of a corpus error is data: line, col and where the message's own text
   starts (a binding names the input its own way without parsing the message). */
static void test_train_error_location_fields(void **state)
{
    (void)state;
    char path[512];
    lk_test_tmp_path(path, sizeof path, "nul.txt");
    lk_test_write_file(path, "fine words\nbad\0word\n", 20);
    lexkit_embed_config c = lexkit_embed_config_default();
    c.dim = 8;
    c.min_count = 1;
    lexkit_vectors *v = NULL;
    lexkit_error err;
    assert_int_equal(lexkit_vectors_train(path, &c, &v, &err), LEXKIT_ERR_PARSE);
    assert_null(v);
    char want[600];
    snprintf(want, sizeof want, "%s:2:4: ", path);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.col, 4);
    assert_int_equal(err.loc_len, strlen(want));
    assert_memory_equal(err.msg, want, strlen(want));
    assert_string_equal(err.msg + err.loc_len, "NUL byte in the corpus (expected UTF-8 text)");

    lk_test_tmp_path(path, sizeof path, "empty.txt");
    lk_test_write_file(path, " \t\n\n", 4);
    assert_int_equal(lexkit_vectors_train(path, &c, &v, &err), LEXKIT_ERR_PARSE);
    snprintf(want, sizeof want, "%s: ", path); /* about the whole file: no line */
    assert_int_equal(err.line, 0);
    assert_int_equal(err.col, 0);
    assert_int_equal(err.loc_len, strlen(want));
    assert_string_equal(err.msg + err.loc_len, "the corpus has no words");

    c.dim = 0; /* not about the input: no location */
    assert_int_equal(lexkit_vectors_train(CORPUS, &c, &v, &err), LEXKIT_ERR_ARG);
    assert_int_equal(err.loc_len, 0);
    assert_int_equal(err.line, 0);
    assert_string_equal(err.msg, "dim must be in [1, 100000] (got 0)");
}

/* The token rule of an untokenized corpus: ASCII white space only. */
static void test_corpus_separators(void **state)
{
    (void)state;
    const char seps[] = " \t\n\v\f\r";
    for (int ch = -1; ch <= 256; ch++)
        assert_int_equal(lexkit_embed_is_separator(ch), ch > 0 && ch < 128 && strchr(seps, ch));
}

static lexkit_vectors *train_subwords(void)
{
    lexkit_embed_config c = lexkit_embed_config_default();
    c.dim = 8;
    c.min_count = 2;
    c.epochs = 1;
    c.minn = 3;
    c.maxn = 4;
    lexkit_vectors *v = NULL;
    lexkit_error err;
    assert_int_equal(lexkit_vectors_train(CORPUS, &c, &v, &err), LEXKIT_OK);
    assert_true(lexkit_vectors_has_subwords(v));
    return v;
}

/* save_model_mem gives the bytes save_model writes; load_mem gives the same words, vectors,
   n-gram rows and composed unseen words. */
static void test_model_mem_round_trip(void **state)
{
    (void)state;
    lexkit_vectors *v = train_subwords(), *w = NULL;
    void *buf = NULL;
    size_t len = 0, file_len = 0;
    lexkit_error err;
    assert_int_equal(lexkit_vectors_save_model_mem(v, &buf, &len, &err), LEXKIT_OK);
    assert_true(len > 24);
    assert_memory_equal(buf, "LKEM", 4);
    char path[512];
    lk_test_tmp_path(path, sizeof path, "m.lkem");
    assert_int_equal(lexkit_vectors_save_model(v, path, &err), LEXKIT_OK);
    unsigned char *file = lk_test_slurp(path, &file_len);
    assert_int_equal(file_len, len);
    assert_memory_equal(file, buf, len);
    free(file);

    assert_int_equal(lexkit_vectors_load_mem(buf, len, LEXKIT_VEC_AUTO, &w, &err), LEXKIT_OK);
    int32_t n = lexkit_vectors_size(v), dim = lexkit_vectors_dim(v);
    assert_int_equal(lexkit_vectors_size(w), n);
    assert_int_equal(lexkit_vectors_dim(w), dim);
    for (int32_t i = 0; i < n; i++)
        assert_string_equal(lexkit_vectors_word(w, i), lexkit_vectors_word(v, i));
    assert_memory_equal(lexkit_vectors_data(w), lexkit_vectors_data(v),
                        (size_t)n * (size_t)dim * sizeof(float));
    assert_true(lexkit_vectors_has_subwords(w));
    lexkit_subwords a, b;
    assert_int_equal(lexkit_vectors_subwords(v, &a), LEXKIT_OK);
    assert_int_equal(lexkit_vectors_subwords(w, &b), LEXKIT_OK);
    assert_int_equal(b.minn, 3);
    assert_int_equal(b.maxn, 4);
    assert_int_equal(b.buckets, a.buckets);
    assert_memory_equal(b.ngram_rows, a.ngram_rows,
                        (size_t)a.buckets * (size_t)dim * sizeof(float));
    float x[8], y[8];
    assert_int_equal(lexkit_vectors_find(v, "princesses", 10), -1);
    assert_int_equal(lexkit_vectors_word_vector(v, "princesses", 10, x, &err), LEXKIT_OK);
    assert_int_equal(lexkit_vectors_word_vector(w, "princesses", 10, y, &err), LEXKIT_OK);
    assert_memory_equal(x, y, sizeof x);
    /* saved again from memory: the same bytes */
    void *again = NULL;
    size_t again_len = 0;
    assert_int_equal(lexkit_vectors_save_model_mem(w, &again, &again_len, &err), LEXKIT_OK);
    assert_int_equal(again_len, len);
    assert_memory_equal(again, buf, len);
    free(again);
    lexkit_vectors_free(w);
    free(buf);
    lexkit_vectors_free(v);
}

static void test_model_mem_refuses_bad_images(void **state)
{
    (void)state;
    lexkit_vectors *v = train_subwords(), *w = (lexkit_vectors *)&w;
    void *buf = NULL;
    size_t len = 0;
    lexkit_error err;
    assert_int_equal(lexkit_vectors_save_model_mem(v, &buf, &len, &err), LEXKIT_OK);
    unsigned char *bad = malloc(len);
    assert_non_null(bad);
    /* every truncation from the magic on, in steps (each a fresh copy for ASan to guard) */
    size_t cuts[] = {4, 8, 20, 23, 24, 100, len / 2, len - 5, len - 4, len - 1};
    for (size_t k = 0; k < sizeof cuts / sizeof *cuts; k++) {
        unsigned char *part = malloc(cuts[k]);
        assert_non_null(part);
        memcpy(part, buf, cuts[k]);
        assert_int_equal(lexkit_vectors_load_mem(part, cuts[k], LEXKIT_VEC_AUTO, &w, &err),
                         LEXKIT_ERR_FORMAT);
        assert_null(w);
        assert_memory_equal(err.msg, "<memory>: ", 10);
        free(part);
    }
    size_t flips[] = {4, 12, 30, len / 2, len - 1}; /* version, size, header, data, crc */
    for (size_t k = 0; k < sizeof flips / sizeof *flips; k++) {
        memcpy(bad, buf, len);
        bad[flips[k]] ^= 0x5a;
        assert_int_equal(lexkit_vectors_load_mem(bad, len, LEXKIT_VEC_AUTO, &w, &err),
                         LEXKIT_ERR_FORMAT);
        assert_null(w);
    }
    memcpy(bad, buf, len);
    bad[len / 2] ^= 0x01;
    assert_int_equal(lexkit_vectors_load_mem(bad, len, LEXKIT_VEC_AUTO, &w, &err),
                     LEXKIT_ERR_FORMAT);
    assert_string_equal(err.msg, "<memory>: checksum mismatch (file is corrupt)");
    free(bad);
    free(buf);
    lexkit_vectors_free(v);
}

/* Text vectors from memory; a table without a subword model has no model bytes. */
static void test_load_mem_text_and_no_model(void **state)
{
    (void)state;
    static const char text[] = "2 2\ncat 1 0.5\ndog -2 0.25\n";
    lexkit_vectors *v = NULL;
    lexkit_error err;
    assert_int_equal(lexkit_vectors_load_mem(text, sizeof text - 1, LEXKIT_VEC_AUTO, &v, &err),
                     LEXKIT_OK);
    assert_int_equal(lexkit_vectors_size(v), 2);
    assert_string_equal(lexkit_vectors_word(v, 1), "dog");
    const float want[] = {1.0f, 0.5f, -2.0f, 0.25f};
    assert_memory_equal(lexkit_vectors_data(v), want, sizeof want);
    void *buf = (void *)text;
    size_t len = 7;
    assert_int_equal(lexkit_vectors_save_model_mem(v, &buf, &len, &err), LEXKIT_ERR_STATE);
    assert_null(buf);
    assert_int_equal(len, 0);
    lexkit_vectors_free(v);
    assert_int_equal(lexkit_vectors_load_mem(text, 5, LEXKIT_VEC_TEXT, &v, &err),
                     LEXKIT_ERR_PARSE);
    assert_null(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_train_cancel_flag),
        cmocka_unit_test(test_train_error_location_fields),
        cmocka_unit_test(test_corpus_separators),
        cmocka_unit_test(test_model_mem_round_trip),
        cmocka_unit_test(test_model_mem_refuses_bad_images),
        cmocka_unit_test(test_load_mem_text_and_no_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
