/* test_api_embeddings.c: the public word vectors (include/lexkit/embeddings.h): training
   stops on the config's cancel flag with LEXKIT_ERR_STATE and no vectors; errors carry the
   corpus location as fields; the corpus token separators. */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_train_cancel_flag),
        cmocka_unit_test(test_train_error_location_fields),
        cmocka_unit_test(test_corpus_separators),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
