/* test_vocab_count.c: lk_vocab_count_file over text, JSON Lines and CoNLL-U files: exact
   counts, case folding, progress calls and file:line errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"
#include "text/vocab_count.h"

static int64_t count_of(const lk_vocab *v, const char *w)
{
    int32_t id = lk_vocab_find(v, w, strlen(w));
    return id < 0 ? 0 : lk_vocab_count(v, id);
}

static lk_vocab *count(const char *name, const char *data, lk_count_format fmt, bool lower,
                       lk_status want)
{
    char path[512];
    lk_test_tmp_path(path, sizeof path, name);
    lk_test_write_file(path, data, strlen(data));
    lk_vocab_count_config c = lk_vocab_count_config_default();
    c.format = fmt;
    c.tok.lower = lower;
    lk_vocab *v = NULL;
    lk_error err;
    lk_error_clear(&err);
    assert_int_equal(lk_vocab_create(&v), LK_OK);
    assert_int_equal(lk_vocab_count_file(v, path, &c, NULL, &err), want);
    return v;
}

static void test_text(void **state)
{
    (void)state;
    lk_vocab *v = count("c.txt", "The cat, the CAT.\nA cat sat\n", LK_COUNT_TEXT, true, LK_OK);
    assert_int_equal(count_of(v, "cat"), 3);
    assert_int_equal(count_of(v, "the"), 2);
    assert_int_equal(count_of(v, ","), 1);
    assert_int_equal(count_of(v, "The"), 0);
    assert_int_equal(lk_vocab_total(v), 9); /* The cat , the CAT . A cat sat */
    lk_vocab_free(v);
    v = count("c2.txt", "The cat, the CAT.\n", LK_COUNT_TEXT, false, LK_OK);
    assert_int_equal(count_of(v, "cat"), 1);
    assert_int_equal(count_of(v, "CAT"), 1);
    lk_vocab_free(v);
}

static void test_jsonl(void **state)
{
    (void)state;
    lk_vocab *v = count("d.jsonl",
                        "{\"id\": \"1\", \"title\": \"Cat\", \"text\": \"a cat\"}\n"
                        "{\"id\": \"2\", \"text\": \"dog \\u732b\"}\n",
                        LK_COUNT_JSONL, true, LK_OK);
    assert_int_equal(count_of(v, "cat"), 2);
    assert_int_equal(count_of(v, "dog"), 1);
    assert_int_equal(count_of(v, "\xe7\x8c\xab"), 1); /* U+732B from the escape */
    assert_int_equal(count_of(v, "1"), 0);             /* ids are not text */
    lk_vocab_free(v);
    v = count("bad.jsonl", "{\"id\": \"1\", \"text\": \"ok\"}\n{\"id\": \"2\"}\n", LK_COUNT_JSONL,
              true, LK_ERR_PARSE);
    lk_vocab_free(v);
}

static void test_conllu(void **state)
{
    (void)state;
    lk_vocab *v = count("s.conllu",
                        "# text = The dog\n1\tThe\tthe\tDET\t_\t_\t2\tdet\t_\t_\n"
                        "2\tdog\tdog\tNOUN\t_\t_\t0\troot\t_\t_\n\n"
                        "1\tthe\tthe\tDET\t_\t_\t0\troot\t_\t_\n\n",
                        LK_COUNT_CONLLU, true, LK_OK);
    assert_int_equal(count_of(v, "the"), 2);
    assert_int_equal(count_of(v, "dog"), 1);
    assert_int_equal(lk_vocab_size(v), 2);
    lk_vocab_free(v);
}

static void on_progress(void *user, double done, double total)
{
    (void)total;
    double *last = user;
    assert_true(done >= *last);
    *last = done;
}

static void test_progress_and_errors(void **state)
{
    (void)state;
    char path[512];
    lk_test_tmp_path(path, sizeof path, "many.txt");
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    for (int i = 0; i < 3000; i++) fprintf(fp, "w%d x\n", i % 7);
    fprintf(fp, "bad \xff byte\n");
    fclose(fp);
    lk_vocab_count_config c = lk_vocab_count_config_default();
    double last = 0, done = -1;
    c.progress = on_progress;
    c.user = &last;
    lk_vocab *v = NULL;
    lk_error err;
    lk_error_clear(&err);
    assert_int_equal(lk_vocab_create(&v), LK_OK);
    assert_int_equal(lk_vocab_count_file(v, path, &c, &done, &err), LK_ERR_PARSE);
    assert_true(last > 0);              /* called (every 1024 lines) */
    assert_non_null(strstr(err.msg, "many.txt:3001:5:"));
    assert_int_equal(count_of(v, "x"), 3000);
    lk_vocab_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_jsonl),
        cmocka_unit_test(test_conllu),
        cmocka_unit_test(test_progress_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
