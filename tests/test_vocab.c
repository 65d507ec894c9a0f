/* Tests for text/vocab.c. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/testutil.h"
#include "text/vocab.h"

static void add_str(lk_vocab *v, const char *w, int32_t expect_id)
{
    int32_t id = -7;
    assert_int_equal(lk_vocab_add(v, w, strlen(w), &id), LK_OK);
    assert_int_equal(id, expect_id);
}

static void test_vocab_ids_dense_and_stable(void **state)
{
    (void)state;
    lk_vocab *v = NULL;
    int32_t id = -7;
    assert_int_equal(lk_vocab_create(&v), LK_OK);
    add_str(v, "cat", 0);
    add_str(v, "dog", 1);
    add_str(v, "cat", 0);
    /* Not NUL-terminated: only len bytes count. */
    assert_int_equal(lk_vocab_add(v, "cowboy", 3, &id), LK_OK);
    assert_int_equal(id, 2);
    assert_int_equal(lk_vocab_size(v), 3);
    assert_string_equal(lk_vocab_word(v, 1), "dog");
    assert_string_equal(lk_vocab_word(v, 2), "cow");
    assert_int_equal(lk_vocab_word_len(v, 2), 3);
    assert_int_equal(lk_vocab_find(v, "cow", 3), 2);
    assert_int_equal(lk_vocab_find(v, "co", 2), LK_ID_NONE);
    assert_int_equal(lk_vocab_find(v, "cows", 4), LK_ID_NONE);
    assert_int_equal(lk_vocab_find(v, "horse", 5), LK_ID_NONE);
    assert_null(lk_vocab_word(v, 3));
    assert_null(lk_vocab_word(v, -1));
    assert_int_equal(lk_vocab_count(v, 3), 0);
    /* Bad arguments leave the vocab unchanged. */
    assert_int_equal(lk_vocab_add(v, "", 0, &id), LK_ERR_ARG);
    assert_int_equal(lk_vocab_add_count(v, "cat", 3, -1, &id), LK_ERR_ARG);
    assert_int_equal(lk_vocab_size(v), 3);
    lk_vocab_free(v);
    lk_vocab_free(NULL);
}

static void test_vocab_counts(void **state)
{
    (void)state;
    lk_vocab *v = NULL;
    int32_t id;
    assert_int_equal(lk_vocab_create(&v), LK_OK);
    add_str(v, "a", 0);
    add_str(v, "b", 1);
    add_str(v, "a", 0);
    assert_int_equal(lk_vocab_add_count(v, "c", 1, 0, &id), LK_OK);
    assert_int_equal(id, 2);
    assert_int_equal(lk_vocab_add_count(v, "b", 1, 40, NULL), LK_OK);
    assert_int_equal(lk_vocab_count(v, 0), 2);
    assert_int_equal(lk_vocab_count(v, 1), 41);
    assert_int_equal(lk_vocab_count(v, 2), 0);
    assert_int_equal(lk_vocab_total(v), 43);
    /* Overflow of the total is refused, not wrapped. */
    assert_int_equal(lk_vocab_add_count(v, "d", 1, INT64_MAX, NULL), LK_ERR_RANGE);
    assert_int_equal(lk_vocab_size(v), 3);
    assert_int_equal(lk_vocab_total(v), 43);
    lk_vocab_free(v);
}

/* Many distinct words: ids stay dense and every lookup finds its word after the table grows. */
static void test_vocab_many_words(void **state)
{
    (void)state;
    enum { N = 50000 };
    lk_vocab *v = NULL;
    char buf[32];
    assert_int_equal(lk_vocab_create(&v), LK_OK);
    for (int i = 0; i < N; i++) {
        int n = snprintf(buf, sizeof buf, "w%d", i);
        int32_t id;
        assert_int_equal(lk_vocab_add_count(v, buf, (size_t)n, i % 7, &id), LK_OK);
        assert_int_equal(id, i);
    }
    assert_int_equal(lk_vocab_size(v), N);
    for (int i = 0; i < N; i += 97) {
        int n = snprintf(buf, sizeof buf, "w%d", i);
        assert_int_equal(lk_vocab_find(v, buf, (size_t)n), i);
        assert_string_equal(lk_vocab_word(v, i), buf);
    }
    assert_int_equal(lk_vocab_sort(v), LK_OK);
    for (int32_t i = 0; i < N; i++) {
        const char *w = lk_vocab_word(v, i);
        assert_int_equal(lk_vocab_find(v, w, strlen(w)), i);
        if (i > 0) assert_true(lk_vocab_count(v, i - 1) >= lk_vocab_count(v, i));
    }
    lk_vocab_free(v);
}

/* A batch gives the same ids and counts as one lk_vocab_add per word, across table growth. */
static void test_vocab_add_batch(void **state)
{
    (void)state;
    enum { N = 3000 };
    static char bufs[N][16];
    static const char *words[N];
    static size_t lens[N];
    static int32_t ids[N];
    lk_vocab *a = NULL, *b = NULL;
    assert_int_equal(lk_vocab_create(&a), LK_OK);
    assert_int_equal(lk_vocab_create(&b), LK_OK);
    for (int i = 0; i < N; i++) { /* word k appears for every i with i % 1000 == k */
        lens[i] = (size_t)snprintf(bufs[i], sizeof bufs[i], "w%d", (i * 7) % 1000);
        words[i] = bufs[i];
    }
    size_t done = 0;
    assert_int_equal(lk_vocab_add_batch(a, words, lens, N, ids, &done), LK_OK);
    assert_int_equal(done, N);
    for (int i = 0; i < N; i++) {
        int32_t id;
        assert_int_equal(lk_vocab_add(b, words[i], lens[i], &id), LK_OK);
        assert_int_equal(ids[i], id);
    }
    assert_int_equal(lk_vocab_size(a), 1000);
    assert_int_equal(lk_vocab_total(a), N);
    for (int32_t id = 0; id < 1000; id++) {
        assert_string_equal(lk_vocab_word(a, id), lk_vocab_word(b, id));
        assert_int_equal(lk_vocab_count(a, id), 3);
    }
    /* An empty word stops the batch: the words before it were added. */
    const char *bad[] = {"x", "y", "", "z"};
    const size_t bad_lens[] = {1, 1, 0, 1};
    assert_int_equal(lk_vocab_add_batch(a, bad, bad_lens, 4, NULL, &done), LK_ERR_ARG);
    assert_int_equal(done, 2);
    assert_int_equal(lk_vocab_find(a, "y", 1), 1001);
    assert_int_equal(lk_vocab_find(a, "z", 1), LK_ID_NONE);
    assert_int_equal(lk_vocab_add_batch(a, NULL, NULL, 0, NULL, &done), LK_OK);
    assert_int_equal(done, 0);
    lk_vocab_free(a);
    lk_vocab_free(b);
}

/* Ties are broken bytewise, a proper prefix first; bytes >= 0x80 sort after ASCII. */
static void test_vocab_sort_order_ties(void **state)
{
    (void)state;
    lk_vocab *v = NULL;
    assert_int_equal(lk_vocab_create(&v), LK_OK);
    const char *words[] = {"b", "ab", "a", "\xc3\xa9", "z", "abc", "B"};
    const int64_t counts[] = {2, 2, 2, 2, 5, 1, 2};
    for (int i = 0; i < 7; i++)
        assert_int_equal(lk_vocab_add_count(v, words[i], strlen(words[i]), counts[i], NULL), LK_OK);
    assert_int_equal(lk_vocab_sort(v), LK_OK);
    const char *expect[] = {"z", "B", "a", "ab", "b", "\xc3\xa9", "abc"};
    const int64_t expect_counts[] = {5, 2, 2, 2, 2, 2, 1};
    for (int32_t i = 0; i < 7; i++) {
        assert_string_equal(lk_vocab_word(v, i), expect[i]);
        assert_int_equal(lk_vocab_count(v, i), expect_counts[i]);
        assert_int_equal(lk_vocab_find(v, expect[i], strlen(expect[i])), i);
    }
    lk_vocab_free(v);
}

static lk_vocab *make_counts(void)
{
    /* the:5 cat:3 sat:3 on:1 mat:1 zero:0 */
    lk_vocab *v = NULL;
    assert_int_equal(lk_vocab_create(&v), LK_OK);
    const char *words[] = {"on", "the", "mat", "cat", "sat", "zero"};
    const int64_t counts[] = {1, 5, 1, 3, 3, 0};
    for (int i = 0; i < 6; i++)
        assert_int_equal(lk_vocab_add_count(v, words[i], strlen(words[i]), counts[i], NULL), LK_OK);
    return v;
}

static void test_vocab_prune(void **state)
{
    (void)state;
    lk_vocab *v = make_counts();
    assert_int_equal(lk_vocab_prune(v, 2, 0), LK_OK);
    assert_int_equal(lk_vocab_size(v), 3);
    assert_string_equal(lk_vocab_word(v, 0), "the");
    assert_string_equal(lk_vocab_word(v, 1), "cat");
    assert_string_equal(lk_vocab_word(v, 2), "sat");
    assert_int_equal(lk_vocab_total(v), 11);
    assert_int_equal(lk_vocab_find(v, "mat", 3), LK_ID_NONE);
    assert_int_equal(lk_vocab_find(v, "sat", 3), 2);
    /* A pruned word can be added again and gets the next dense id. */
    add_str(v, "mat", 3);
    lk_vocab_free(v);

    v = make_counts();
    assert_int_equal(lk_vocab_prune(v, 0, 4), LK_OK); /* max_size: the 4 first in sort order */
    assert_int_equal(lk_vocab_size(v), 4);
    assert_string_equal(lk_vocab_word(v, 3), "mat"); /* mat < on bytewise */
    assert_int_equal(lk_vocab_total(v), 12);
    lk_vocab_free(v);

    v = make_counts();
    assert_int_equal(lk_vocab_prune(v, 0, 0), LK_OK); /* keeps everything, count-0 words too */
    assert_int_equal(lk_vocab_size(v), 6);
    assert_string_equal(lk_vocab_word(v, 5), "zero");
    assert_int_equal(lk_vocab_prune(v, 100, 0), LK_OK);
    assert_int_equal(lk_vocab_size(v), 0);
    assert_int_equal(lk_vocab_total(v), 0);
    assert_int_equal(lk_vocab_prune(v, -1, 0), LK_ERR_ARG);
    assert_int_equal(lk_vocab_prune(v, 0, -1), LK_ERR_ARG);
    lk_vocab_free(v);
}

static void test_vocab_reserved_survive_sort_prune(void **state)
{
    (void)state;
    lk_vocab *v = NULL;
    assert_int_equal(lk_vocab_create(&v), LK_OK);
    assert_int_equal(lk_vocab_reserve_specials(v), LK_OK);
    assert_int_equal(lk_vocab_n_reserved(v), 2);
    assert_int_equal(lk_vocab_reserve_specials(v), LK_ERR_ARG); /* not empty any more */
    assert_int_equal(lk_vocab_add_count(v, "x", 1, 9, NULL), LK_OK);
    assert_int_equal(lk_vocab_add_count(v, "y", 1, 1, NULL), LK_OK);
    assert_int_equal(lk_vocab_add_count(v, "a", 1, 9, NULL), LK_OK);
    assert_int_equal(lk_vocab_sort(v), LK_OK);
    assert_string_equal(lk_vocab_word(v, 0), "<pad>");
    assert_string_equal(lk_vocab_word(v, 1), "<unk>");
    assert_string_equal(lk_vocab_word(v, 2), "a");
    assert_string_equal(lk_vocab_word(v, 3), "x");
    assert_int_equal(lk_vocab_prune(v, 5, 1), LK_OK);
    assert_int_equal(lk_vocab_size(v), 3);
    assert_string_equal(lk_vocab_word(v, 0), "<pad>");
    assert_string_equal(lk_vocab_word(v, 1), "<unk>");
    assert_string_equal(lk_vocab_word(v, 2), "a");
    assert_int_equal(lk_vocab_find(v, "<unk>", 5), 1);
    assert_int_equal(lk_vocab_n_reserved(v), 2);
    lk_vocab_free(v);
}

static void test_vocab_find_or_add(void **state)
{
    (void)state;
    lk_vocab *v = NULL;
    assert_int_equal(lk_vocab_create(&v), LK_OK);
    int32_t id = -1;
    bool added = false;
    assert_int_equal(lk_vocab_find_or_add(v, "doc1", 4, 7, &id, &added), LK_OK);
    assert_true(added);
    assert_int_equal(id, 0);
    assert_int_equal(lk_vocab_find_or_add(v, "doc2x", 4, 9, &id, &added), LK_OK); /* "doc2" */
    assert_true(added);
    assert_int_equal(id, 1);
    assert_int_equal(lk_vocab_find_or_add(v, "doc1", 4, 100, &id, &added), LK_OK);
    assert_false(added); /* found: count unchanged */
    assert_int_equal(id, 0);
    assert_int_equal(lk_vocab_count(v, 0), 7);
    assert_int_equal(lk_vocab_count(v, 1), 9);
    assert_int_equal(lk_vocab_size(v), 2);
    assert_int_equal(lk_vocab_total(v), 16);
    assert_int_equal(lk_vocab_find(v, "doc2", 4), 1);
    assert_int_equal(lk_vocab_find_or_add(v, "", 0, 1, &id, &added), LK_ERR_ARG);
    assert_int_equal(lk_vocab_find_or_add(v, "a", 1, -1, &id, &added), LK_ERR_ARG);
    assert_int_equal(lk_vocab_size(v), 2);
    lk_vocab_free(v);
}

static void test_vocab_find_or_unk(void **state)
{
    (void)state;
    lk_vocab *v = NULL;
    assert_int_equal(lk_vocab_create(&v), LK_OK);
    add_str(v, "dog", 0);
    assert_int_equal(lk_vocab_find_or_unk(v, "cat", 3), LK_ID_NONE); /* no <unk> reserved */
    assert_int_equal(lk_vocab_n_reserved(v), 0);
    lk_vocab_free(v);

    assert_int_equal(lk_vocab_create(&v), LK_OK);
    assert_int_equal(lk_vocab_reserve_specials(v), LK_OK);
    add_str(v, "dog", 2);
    assert_int_equal(lk_vocab_find_or_unk(v, "dog", 3), 2);
    assert_int_equal(lk_vocab_find_or_unk(v, "cat", 3), 1);
    assert_int_equal(lk_vocab_find_or_unk(v, "<pad>", 5), 0);
    lk_vocab_free(v);
}

static void assert_vocab_equal(const lk_vocab *a, const lk_vocab *b)
{
    assert_int_equal(lk_vocab_size(a), lk_vocab_size(b));
    assert_int_equal(lk_vocab_total(a), lk_vocab_total(b));
    assert_int_equal(lk_vocab_n_reserved(a), lk_vocab_n_reserved(b));
    for (int32_t i = 0; i < lk_vocab_size(a); i++) {
        assert_int_equal(lk_vocab_word_len(a, i), lk_vocab_word_len(b, i));
        assert_memory_equal(lk_vocab_word(a, i), lk_vocab_word(b, i), lk_vocab_word_len(a, i));
        assert_int_equal(lk_vocab_count(a, i), lk_vocab_count(b, i));
    }
}

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    static char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

static void test_vocab_save_load_round_trip(void **state)
{
    (void)state;
    char path[512];
    lk_test_tmp_path(path, sizeof path, "round.tsv");
    lk_vocab *v = NULL, *w = NULL;
    lk_error err;
    assert_int_equal(lk_vocab_create(&v), LK_OK);
    assert_int_equal(lk_vocab_reserve_specials(v), LK_OK);
    const char *words[] = {"caf\xc3\xa9", "the", "a b", "\xe4\xb8\xad", "x\ry"};
    const int64_t counts[] = {3, 10, 1, 7, 0};
    for (int i = 0; i < 5; i++)
        assert_int_equal(lk_vocab_add_count(v, words[i], strlen(words[i]), counts[i], NULL), LK_OK);
    assert_int_equal(lk_vocab_add_count(v, "big", 3, INT64_C(5000000000), NULL), LK_OK);
    assert_int_equal(lk_vocab_sort(v), LK_OK);
    assert_int_equal(lk_vocab_save_tsv(v, path, &err), LK_OK);
    assert_string_equal(slurp(path), "<pad>\t0\n<unk>\t0\nbig\t5000000000\nthe\t10\n"
                                     "\xe4\xb8\xad\t7\ncaf\xc3\xa9\t3\na b\t1\nx\ry\t0\n");
    assert_int_equal(lk_vocab_load_tsv(path, &w, &err), LK_OK);
    assert_vocab_equal(v, w);
    assert_int_equal(lk_vocab_find(w, "the", 3), 3);
    lk_vocab_free(w);

    /* Without specials: nothing reserved after loading. */
    lk_vocab_free(v);
    assert_int_equal(lk_vocab_create(&v), LK_OK);
    add_str(v, "only", 0);
    assert_int_equal(lk_vocab_save_tsv(v, path, &err), LK_OK);
    assert_int_equal(lk_vocab_load_tsv(path, &w, &err), LK_OK);
    assert_vocab_equal(v, w);
    assert_int_equal(lk_vocab_n_reserved(w), 0);
    lk_vocab_free(w);
    lk_vocab_free(v);
}

static void test_vocab_save_refuses_tab(void **state)
{
    (void)state;
    char path[512];
    lk_test_tmp_path(path, sizeof path, "tab.tsv");
    lk_test_write_file(path, "old\t1\n", 6);
    lk_vocab *v = NULL;
    lk_error err;
    assert_int_equal(lk_vocab_create(&v), LK_OK);
    add_str(v, "ok", 0);
    add_str(v, "a\tb", 1);
    assert_int_equal(lk_vocab_save_tsv(v, path, &err), LK_ERR_ARG);
    assert_non_null(strstr(err.msg, "word 1 contains a TAB"));
    assert_string_equal(slurp(path), "old\t1\n"); /* old file untouched */
    lk_vocab_free(v);
}

static void expect_load_error(const char *content, lk_status code, const char *msg)
{
    char path[512];
    lk_test_tmp_path(path, sizeof path, "bad.tsv");
    lk_test_write_file(path, content, strlen(content));
    lk_vocab *v = (lk_vocab *)&v; /* must be reset to NULL */
    lk_error err;
    assert_int_equal(lk_vocab_load_tsv(path, &v, &err), code);
    assert_null(v);
    char want[700];
    snprintf(want, sizeof want, "%s%s", path, msg);
    if (strcmp(err.msg, want) != 0) fail_msg("got '%s', want '%s'", err.msg, want);
}

static void test_vocab_load_malformed(void **state)
{
    (void)state;
    expect_load_error("a\t1\nbc\n", LK_ERR_PARSE,
                      ":2:3: expected 2 tab-separated columns (word, count), got 1");
    expect_load_error("a\t1\n\xc3\xa9t\xc3\xa9\t2\t3\n", LK_ERR_PARSE,
                      ":2:6: expected 2 tab-separated columns (word, count), got more");
    expect_load_error("a\t1\n\xc3\xa9t\xc3\xa9\tx2\n", LK_ERR_PARSE,
                      ":2:5: bad count 'x2' (expected an integer in [0, 9223372036854775807])");
    expect_load_error("a\t-1\n", LK_ERR_PARSE,
                      ":1:3: bad count '-1' (expected an integer in [0, 9223372036854775807])");
    expect_load_error("a\t\n", LK_ERR_PARSE,
                      ":1:3: bad count '' (expected an integer in [0, 9223372036854775807])");
    expect_load_error("a\t99999999999999999999\n", LK_ERR_PARSE,
                      ":1:3: bad count '99999999999999999999' (expected an integer in [0, "
                      "9223372036854775807])");
    expect_load_error("a\t1\n\t4\n", LK_ERR_PARSE, ":2:1: empty word");
    expect_load_error("a\t1\n\nb\t2\n", LK_ERR_PARSE,
                      ":2:1: expected 2 tab-separated columns (word, count), got 1");
}

static void test_vocab_load_duplicate(void **state)
{
    (void)state;
    expect_load_error("the\t3\ncat\t2\nthe\t1\n", LK_ERR_PARSE,
                      ":3:1: duplicate word 'the' (first on line 1)");
}

static void test_vocab_load_missing_and_crlf(void **state)
{
    (void)state;
    lk_vocab *v = NULL;
    lk_error err;
    assert_int_equal(lk_vocab_load_tsv("no/such/vocab.tsv", &v, &err), LK_ERR_IO);
    assert_null(v);
    assert_non_null(strstr(err.msg, "no/such/vocab.tsv"));

    char path[512];
    lk_test_tmp_path(path, sizeof path, "crlf.tsv");
    lk_test_write_file(path, "a\t2\r\nb\t1", 8); /* CRLF and no final newline */
    assert_int_equal(lk_vocab_load_tsv(path, &v, &err), LK_OK);
    assert_int_equal(lk_vocab_size(v), 2);
    assert_string_equal(lk_vocab_word(v, 1), "b");
    assert_int_equal(lk_vocab_count(v, 0), 2);
    lk_vocab_free(v);

    lk_test_write_file(path, "", 0); /* an empty file is an empty vocab */
    assert_int_equal(lk_vocab_load_tsv(path, &v, &err), LK_OK);
    assert_int_equal(lk_vocab_size(v), 0);
    lk_vocab_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vocab_ids_dense_and_stable),
        cmocka_unit_test(test_vocab_counts),
        cmocka_unit_test(test_vocab_many_words),
        cmocka_unit_test(test_vocab_add_batch),
        cmocka_unit_test(test_vocab_sort_order_ties),
        cmocka_unit_test(test_vocab_prune),
        cmocka_unit_test(test_vocab_reserved_survive_sort_prune),
        cmocka_unit_test(test_vocab_find_or_add),
        cmocka_unit_test(test_vocab_find_or_unk),
        cmocka_unit_test(test_vocab_save_load_round_trip),
        cmocka_unit_test(test_vocab_save_refuses_tab),
        cmocka_unit_test(test_vocab_load_malformed),
        cmocka_unit_test(test_vocab_load_duplicate),
        cmocka_unit_test(test_vocab_load_missing_and_crlf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
