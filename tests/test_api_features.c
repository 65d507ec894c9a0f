/* test_api_features.c: the public vectorizer API (include/lexkit/features.h): a stop word
   list given in lexkit_vectorizer_config, copied at create and applied as sklearn's
   stop_words=[...] (after lowercasing, before n-grams; word analyzer only). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "include/lexkit/features.h"

static const char *const docs[] = {"the cat sat on the mat", "The Cat of the hat",
                                   "a dog of mine"};
#define N_DOCS (sizeof docs / sizeof *docs)

static size_t lens[N_DOCS];

static void set_lens(void)
{
    for (size_t i = 0; i < N_DOCS; i++) lens[i] = strlen(docs[i]);
}

/* Column of `term` in a fitted vectorizer, or -1. */
static int32_t column(const lexkit_vectorizer *v, const char *term)
{
    for (int32_t c = 0; c < lexkit_vectorizer_n_features(v); c++) {
        size_t len;
        const char *t = lexkit_vectorizer_feature(v, c, &len);
        if (len == strlen(term) && !memcmp(t, term, len)) return c;
    }
    return -1;
}

/* Count of column col in row r of m (0 if absent). */
static double entry(const lexkit_csr *m, int32_t r, int32_t col)
{
    for (int64_t k = m->indptr[r]; k < m->indptr[r + 1]; k++)
        if (m->indices[k] == col) return m->data[k];
    return 0;
}

/* Stop words in heap strings, as a caller that frees them after create would hold them. */
static char **heap_words(const char *const *words, size_t n)
{
    char **out = malloc(n * sizeof *out);
    assert_non_null(out);
    for (size_t i = 0; i < n; i++) {
        out[i] = malloc(strlen(words[i]) + 1);
        assert_non_null(out[i]);
        strcpy(out[i], words[i]);
    }
    return out;
}

/* Overwrite and free the words: the vectorizer must not look at them any more. */
static void scrub_words(char **words, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        memset(words[i], 'X', strlen(words[i]));
        free(words[i]);
    }
    free(words);
}

static void test_default_has_no_list(void **state)
{
    (void)state;
    lexkit_vectorizer_config c = lexkit_vectorizer_config_default();
    assert_null(c.stop_words);
    assert_int_equal(c.n_stop_words, 0);
}

/* lowercase=1, ngrams 1..2, stop words the, of, Cat (not lowercased: matches nothing).
   Tokens after dropping: d0 cat sat on mat; d1 cat hat; d2 dog mine ('a' is no token).
   Columns (bytewise): cat, cat hat, cat sat, dog, dog mine, hat, mat, mine, on, on mat, sat,
   sat on: 12; "cat hat" exists only because 'of' and 'the' went before the bigrams. */
static void test_list_dropped_before_ngrams_and_copied(void **state)
{
    (void)state;
    static const char *const stop[] = {"the", "of", "Cat", ""};
    size_t n_stop = sizeof stop / sizeof *stop;
    char **words = heap_words(stop, n_stop);
    lexkit_vectorizer_config c = lexkit_vectorizer_config_default();
    c.ngram_max = 2;
    c.stop_words = (const char *const *)words;
    c.n_stop_words = n_stop;
    lexkit_vectorizer *v = NULL;
    lexkit_error err;
    assert_int_equal(lexkit_vectorizer_create(&c, &v, &err), LEXKIT_OK);
    scrub_words(words, n_stop);
    lexkit_csr m;
    assert_int_equal(lexkit_vectorizer_fit_transform(v, docs, lens, N_DOCS, &m, &err), LEXKIT_OK);
    static const char *const want[] = {"cat", "cat hat", "cat sat", "dog", "dog mine", "hat",
                                       "mat", "mine", "on", "on mat", "sat", "sat on"};
    assert_int_equal(lexkit_vectorizer_n_features(v), 12);
    for (int32_t i = 0; i < 12; i++) assert_int_equal(column(v, want[i]), i);
    assert_int_equal(column(v, "the"), -1);
    assert_int_equal(column(v, "of"), -1);
    assert_int_equal(column(v, "cat of"), -1);
    assert_int_equal(m.indptr[1] - m.indptr[0], 7); /* d0: cat sat on mat + 3 bigrams */
    assert_true(entry(&m, 1, column(v, "cat")) == 1.0);
    assert_true(entry(&m, 1, column(v, "cat hat")) == 1.0);
    assert_true(entry(&m, 2, column(v, "dog mine")) == 1.0);
    lexkit_csr_free(&m);
    /* transform applies the list too: "of the" leaves "dog" and "hat" adjacent */
    static const char *const more[] = {"dog of the hat"};
    size_t more_len = strlen(more[0]);
    assert_int_equal(lexkit_vectorizer_transform(v, more, &more_len, 1, &m, &err), LEXKIT_OK);
    assert_int_equal(m.indptr[1], 2); /* dog, hat ("dog hat" is no column) */
    assert_true(entry(&m, 0, column(v, "dog")) == 1.0 && entry(&m, 0, column(v, "hat")) == 1.0);
    lexkit_csr_free(&m);
    lexkit_vectorizer_free(v);
}

/* lowercase=0: the words match as given: "Cat" and "the" go, "The" stays. */
static void test_list_case_sensitive_without_lowercase(void **state)
{
    (void)state;
    static const char *const stop[] = {"the", "of", "Cat"};
    lexkit_vectorizer_config c = lexkit_vectorizer_config_default();
    c.lowercase = 0;
    c.stop_words = stop;
    c.n_stop_words = 3;
    lexkit_vectorizer *v = NULL;
    lexkit_error err;
    lexkit_csr m;
    assert_int_equal(lexkit_vectorizer_create(&c, &v, &err), LEXKIT_OK);
    assert_int_equal(lexkit_vectorizer_fit_transform(v, docs, lens, N_DOCS, &m, &err), LEXKIT_OK);
    assert_int_not_equal(column(v, "The"), -1);
    assert_int_not_equal(column(v, "cat"), -1);
    assert_int_equal(column(v, "Cat"), -1);
    assert_int_equal(column(v, "the"), -1);
    lexkit_csr_free(&m);
    lexkit_vectorizer_free(v);
}

/* The char analyzers ignore the list (as sklearn): the same columns as without it. */
static void test_char_analyzer_ignores_list(void **state)
{
    (void)state;
    static const char *const stop[] = {"the", "cat"};
    lexkit_vectorizer_config c = lexkit_vectorizer_config_default();
    c.analyzer = LEXKIT_CHAR_WB;
    c.ngram_min = c.ngram_max = 3;
    lexkit_vectorizer *plain = NULL, *listed = NULL;
    lexkit_error err;
    lexkit_csr a, b;
    assert_int_equal(lexkit_vectorizer_create(&c, &plain, &err), LEXKIT_OK);
    c.stop_words = stop;
    c.n_stop_words = 2;
    assert_int_equal(lexkit_vectorizer_create(&c, &listed, &err), LEXKIT_OK);
    assert_int_equal(lexkit_vectorizer_fit_transform(plain, docs, lens, N_DOCS, &a, &err), LEXKIT_OK);
    assert_int_equal(lexkit_vectorizer_fit_transform(listed, docs, lens, N_DOCS, &b, &err), LEXKIT_OK);
    assert_int_equal(lexkit_vectorizer_n_features(plain), lexkit_vectorizer_n_features(listed));
    assert_int_not_equal(column(listed, "the"), -1);
    assert_int_equal(a.indptr[N_DOCS], b.indptr[N_DOCS]);
    lexkit_csr_free(&a);
    lexkit_csr_free(&b);
    lexkit_vectorizer_free(plain);
    lexkit_vectorizer_free(listed);
}

static void test_bad_lists(void **state)
{
    (void)state;
    static const char *const stop[] = {"the", NULL};
    lexkit_vectorizer_config c = lexkit_vectorizer_config_default();
    lexkit_vectorizer *v = NULL;
    lexkit_error err;
    c.stop_words = stop;
    c.n_stop_words = 1;
    c.stop_words_english = 1; /* sklearn takes 'english' or a list */
    assert_int_equal(lexkit_vectorizer_create(&c, &v, &err), LEXKIT_ERR_ARG);
    assert_null(v);
    assert_non_null(strstr(err.msg, "not both"));
    c.stop_words_english = 0;
    c.n_stop_words = 2;
    assert_int_equal(lexkit_vectorizer_create(&c, &v, &err), LEXKIT_ERR_ARG);
    assert_string_equal(err.msg, "stop_words[1]: NULL");
    c.stop_words = NULL;
    assert_int_equal(lexkit_vectorizer_create(&c, &v, &err), LEXKIT_ERR_ARG);
    assert_non_null(strstr(err.msg, "stop_words: NULL"));
    c.n_stop_words = 0; /* NULL with no words: none */
    assert_int_equal(lexkit_vectorizer_create(&c, &v, &err), LEXKIT_OK);
    lexkit_vectorizer_free(v);
}

int main(void)
{
    set_lens();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_has_no_list),
        cmocka_unit_test(test_list_dropped_before_ngrams_and_copied),
        cmocka_unit_test(test_list_case_sensitive_without_lowercase),
        cmocka_unit_test(test_char_analyzer_ignores_list),
        cmocka_unit_test(test_bad_lists),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
