/* test_api_embeddings.c: the public word vectors (include/lexkit/embeddings.h): training
   stops on the config's cancel flag with LEXKIT_ERR_STATE and no vectors. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "include/lexkit/embeddings.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_train_cancel_flag),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
