/* test_api_features.c: the public vectorizer API (include/lexkit/features.h): a stop word
   list given in lexkit_vectorizer_config, copied at create and applied as sklearn's
   stop_words=[...] (after lowercasing, before n-grams; word analyzer only); documents given
   as their terms (terms_given); a fixed vocabulary (sklearn's vocabulary=); the terms a fit
   pruned (sklearn's stop_words_). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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

/* Terms of three documents, as a caller's analyzer gives them (document 2 has none). */
static const char *const tdocs[] = {"b", "a b", "a b", "", "A", "b"};
static const size_t toff[] = {0, 4, 6, 6};
static size_t tlens[6];

static void set_tlens(void)
{
    for (size_t i = 0; i < 6; i++) tlens[i] = strlen(tdocs[i]);
}

/* Each term is a column as given: "a b" is one term (no n-grams although ngram_max is 2),
   "" is one, "A" is not lowercased. Columns (bytewise): "", "A", "a b", "b". */
static void test_terms_counted_as_given(void **state)
{
    (void)state;
    lexkit_vectorizer_config c = lexkit_vectorizer_config_default();
    c.terms_given = 1;
    c.ngram_max = 2;
    c.stop_words_english = 1; /* unused with terms: "a" would be one */
    lexkit_vectorizer *v = NULL;
    lexkit_error err;
    lexkit_csr m;
    assert_int_equal(lexkit_vectorizer_create(&c, &v, &err), LEXKIT_OK);
    assert_int_equal(lexkit_vectorizer_fit_begin(v, &err), LEXKIT_OK);
    assert_int_equal(lexkit_vectorizer_fit_add(v, docs, lens, 1, &err), LEXKIT_ERR_STATE);
    assert_int_equal(lexkit_vectorizer_fit_add_terms(v, tdocs, tlens, toff, 2, &err), LEXKIT_OK);
    assert_int_equal(lexkit_vectorizer_fit_add_terms(v, tdocs, tlens, toff + 2, 1, &err),
                     LEXKIT_OK);
    assert_int_equal(lexkit_vectorizer_fit_end(v, &m, &err), LEXKIT_OK);
    static const char *const want[] = {"", "A", "a b", "b"};
    static const int64_t want_df[] = {1, 1, 1, 2};
    assert_int_equal(lexkit_vectorizer_n_features(v), 4);
    for (int32_t i = 0; i < 4; i++) {
        assert_int_equal(column(v, want[i]), i);
        assert_int_equal(lexkit_vectorizer_df(v, i), want_df[i]);
    }
    assert_int_equal(m.n_rows, 3);
    assert_true(entry(&m, 0, 0) == 1.0 && entry(&m, 0, 2) == 2.0 && entry(&m, 0, 3) == 1.0);
    assert_true(entry(&m, 1, 1) == 1.0 && entry(&m, 1, 3) == 1.0);
    assert_int_equal(m.indptr[3] - m.indptr[2], 0);
    lexkit_csr_free(&m);
    /* transform: unknown terms ignored; text refused */
    static const char *const more[] = {"b", "zzz", "a b", "a"};
    static const size_t more_lens[] = {1, 3, 3, 1}, more_off[] = {0, 4};
    assert_int_equal(lexkit_vectorizer_transform_terms(v, more, more_lens, more_off, 1, &m, &err),
                     LEXKIT_OK);
    assert_int_equal(m.indptr[1], 2);
    assert_true(entry(&m, 0, 2) == 1.0 && entry(&m, 0, 3) == 1.0);
    lexkit_csr_free(&m);
    assert_int_equal(lexkit_vectorizer_transform(v, docs, lens, 1, &m, &err), LEXKIT_ERR_STATE);
    lexkit_vectorizer_free(v);
}

/* TF-IDF over terms with min_df 2: only "b" (df 2 of 3 documents) is kept; idf smooth
   ln((3+1)/(2+1)) + 1 = 1.2876820724517808; rows l2-normalised: b alone is 1.0. */
static void test_terms_tfidf_min_df(void **state)
{
    (void)state;
    lexkit_vectorizer_config c = lexkit_vectorizer_config_default();
    c.terms_given = 1;
    c.tfidf = 1;
    c.min_df.value = 2;
    lexkit_vectorizer *v = NULL;
    lexkit_error err;
    lexkit_csr m;
    assert_int_equal(lexkit_vectorizer_create(&c, &v, &err), LEXKIT_OK);
    assert_int_equal(lexkit_vectorizer_fit_begin(v, &err), LEXKIT_OK);
    assert_int_equal(lexkit_vectorizer_fit_add_terms(v, tdocs, tlens, toff, 3, &err), LEXKIT_OK);
    assert_int_equal(lexkit_vectorizer_fit_end(v, &m, &err), LEXKIT_OK);
    assert_int_equal(lexkit_vectorizer_n_features(v), 1);
    assert_int_equal(column(v, "b"), 0);
    assert_true(fabs(lexkit_vectorizer_idf(v)[0] - (log(4.0 / 3.0) + 1)) < 1e-12);
    assert_true(fabs(entry(&m, 0, 0) - 1.0) < 1e-12 && fabs(entry(&m, 1, 0) - 1.0) < 1e-12);
    lexkit_csr_free(&m);
    lexkit_vectorizer_free(v);
}

static void test_terms_bad_calls(void **state)
{
    (void)state;
    lexkit_vectorizer_config c = lexkit_vectorizer_config_default();
    lexkit_vectorizer *v = NULL, *text = NULL;
    lexkit_error err;
    lexkit_csr m;
    c.terms_given = 1;
    assert_int_equal(lexkit_vectorizer_create(&c, &v, &err), LEXKIT_OK);
    assert_int_equal(lexkit_vectorizer_fit_add_terms(v, tdocs, tlens, toff, 3, &err),
                     LEXKIT_ERR_STATE); /* no fit_begin */
    assert_int_equal(lexkit_vectorizer_fit_begin(v, &err), LEXKIT_OK);
    static const size_t down[] = {0, 4, 2};
    assert_int_equal(lexkit_vectorizer_fit_add_terms(v, tdocs, tlens, down, 2, &err),
                     LEXKIT_ERR_ARG);
    assert_non_null(strstr(err.msg, "doc_off[2]"));
    assert_int_equal(lexkit_vectorizer_fit_add_terms(v, NULL, NULL, toff, 3, &err),
                     LEXKIT_ERR_ARG);
    assert_int_equal(lexkit_vectorizer_transform_terms(v, tdocs, tlens, toff, 3, &m, &err),
                     LEXKIT_ERR_STATE); /* not fitted */
    c.terms_given = 0;
    assert_int_equal(lexkit_vectorizer_create(&c, &text, &err), LEXKIT_OK);
    assert_int_equal(lexkit_vectorizer_fit_begin(text, &err), LEXKIT_OK);
    assert_int_equal(lexkit_vectorizer_fit_add_terms(text, tdocs, tlens, toff, 3, &err),
                     LEXKIT_ERR_STATE);
    lexkit_vectorizer_free(v);
    lexkit_vectorizer_free(text);
}

/* vocabulary = mat, "cat sat", the, zebra (ngrams 1..2, lowercase): the columns in that
   order; min_df 2 not applied; df mat 1, cat sat 1, the 2 (d0, d1 "The ... the"), zebra 0;
   idf smooth over 3 documents: ln(4/(df+1)) + 1; norm none: d0 "the" = 2 * (ln(4/3) + 1). */
static void test_fixed_vocabulary_text(void **state)
{
    (void)state;
    static const char *const vocab[] = {"mat", "cat sat", "the", "zebra"};
    size_t vl[4];
    for (size_t i = 0; i < 4; i++) vl[i] = strlen(vocab[i]);
    char **words = heap_words(vocab, 4);
    lexkit_vectorizer_config c = lexkit_vectorizer_config_default();
    c.ngram_max = 2;
    c.tfidf = 1;
    c.norm = LEXKIT_NORM_NONE;
    c.min_df.value = 2;
    c.threads = 2; /* a fixed vocabulary counts on one thread: the same result */
    c.vocabulary = (const char *const *)words;
    c.vocabulary_lens = vl;
    c.n_vocabulary = 4;
    lexkit_vectorizer *v = NULL;
    lexkit_error err;
    lexkit_csr m;
    assert_int_equal(lexkit_vectorizer_create(&c, &v, &err), LEXKIT_OK);
    scrub_words(words, 4);
    assert_int_equal(lexkit_vectorizer_fit_transform(v, docs, lens, N_DOCS, &m, &err), LEXKIT_OK);
    static const int64_t want_df[] = {1, 1, 2, 0};
    assert_int_equal(lexkit_vectorizer_n_features(v), 4);
    for (int32_t i = 0; i < 4; i++) {
        assert_int_equal(column(v, vocab[i]), i);
        assert_int_equal(lexkit_vectorizer_df(v, i), want_df[i]);
    }
    const double *idf = lexkit_vectorizer_idf(v);
    assert_true(fabs(idf[3] - (log(4.0) + 1)) < 1e-12);
    assert_true(fabs(entry(&m, 0, 2) - 2 * (log(4.0 / 3.0) + 1)) < 1e-12);
    assert_true(fabs(entry(&m, 0, 1) - (log(2.0) + 1)) < 1e-12);
    assert_int_equal(m.indptr[3] - m.indptr[2], 0); /* "a dog of mine": none */
    lexkit_csr_free(&m);
    /* a refit keeps the vocabulary */
    assert_int_equal(lexkit_vectorizer_fit_transform(v, docs + 2, lens + 2, 1, &m, &err), LEXKIT_OK);
    assert_int_equal(lexkit_vectorizer_n_features(v), 4);
    assert_int_equal(lexkit_vectorizer_df(v, 2), 0);
    lexkit_csr_free(&m);
    lexkit_vectorizer_free(v);
}

/* A fit on two threads (documents shared from both ends) gives the one-thread matrix and,
   for invalid UTF-8, the one-thread error: the first bad document. */
static void test_two_threads_equal_one_and_first_error(void **state)
{
    (void)state;
    enum { N = 3000 };
    static char text[N][64];
    const char *d[N];
    size_t l[N];
    for (int i = 0; i < N; i++) {
        snprintf(text[i], sizeof text[i], "w%d common x%d y%d word%d", i % 101, i % 7, i, i % 13);
        d[i] = text[i];
        l[i] = strlen(text[i]);
    }
    lexkit_csr m[2];
    lexkit_error err;
    for (int k = 0; k < 2; k++) {
        lexkit_vectorizer_config c = lexkit_vectorizer_config_default();
        c.tfidf = 1;
        c.threads = k + 1;
        lexkit_vectorizer *v = NULL;
        assert_int_equal(lexkit_vectorizer_create(&c, &v, &err), LEXKIT_OK);
        assert_int_equal(lexkit_vectorizer_fit_transform(v, d, l, N, &m[k], &err), LEXKIT_OK);
        lexkit_vectorizer_free(v);
    }
    assert_int_equal(m[0].n_cols, m[1].n_cols);
    assert_memory_equal(m[0].indptr, m[1].indptr, (N + 1) * sizeof *m[0].indptr);
    size_t nnz = (size_t)m[0].indptr[N];
    assert_memory_equal(m[0].indices, m[1].indices, nnz * sizeof *m[0].indices);
    assert_memory_equal(m[0].data, m[1].data, nnz * sizeof *m[0].data);
    for (int k = 0; k < 2; k++) lexkit_csr_free(&m[k]);
    /* bad documents near the end (the back thread's first) and in the middle */
    static const int bad[][2] = {{2990, 2995}, {1700, 2500}, {2998, 2999}};
    for (size_t t = 0; t < sizeof bad / sizeof bad[0]; t++) {
        char msg[2][256];
        for (int k = 0; k < 2; k++) {
            text[bad[t][0]][3] = (char)0xff;
            text[bad[t][1]][2] = (char)0xfe;
            lexkit_vectorizer_config c = lexkit_vectorizer_config_default();
            c.threads = k + 1;
            lexkit_vectorizer *v = NULL;
            assert_int_equal(lexkit_vectorizer_create(&c, &v, &err), LEXKIT_OK);
            assert_int_not_equal(lexkit_vectorizer_fit_transform(v, d, l, N, &m[k], &err),
                                 LEXKIT_OK);
            snprintf(msg[k], sizeof msg[k], "%s", lexkit_error_message(&err));
            lexkit_vectorizer_free(v);
            snprintf(text[bad[t][0]], sizeof text[0], "w%d common x%d y%d word%d", bad[t][0] % 101,
                     bad[t][0] % 7, bad[t][0], bad[t][0] % 13);
            snprintf(text[bad[t][1]], sizeof text[0], "w%d common x%d y%d word%d", bad[t][1] % 101,
                     bad[t][1] % 7, bad[t][1], bad[t][1] % 13);
        }
        char want[32];
        snprintf(want, sizeof want, "document %d:", bad[t][0]);
        assert_non_null(strstr(msg[0], want));
        assert_string_equal(msg[0], msg[1]);
    }
}

/* With terms_given a vocabulary term is whole: "a b" and "" are columns. */
static void test_fixed_vocabulary_terms(void **state)
{
    (void)state;
    static const char *const vocab[] = {"a b", "", "zzz"};
    static const size_t vl[] = {3, 0, 3};
    lexkit_vectorizer_config c = lexkit_vectorizer_config_default();
    c.terms_given = 1;
    c.vocabulary = vocab;
    c.vocabulary_lens = vl;
    c.n_vocabulary = 3;
    lexkit_vectorizer *v = NULL;
    lexkit_error err;
    lexkit_csr m;
    assert_int_equal(lexkit_vectorizer_create(&c, &v, &err), LEXKIT_OK);
    assert_int_equal(lexkit_vectorizer_fit_begin(v, &err), LEXKIT_OK);
    assert_int_equal(lexkit_vectorizer_fit_add_terms(v, tdocs, tlens, toff, 3, &err), LEXKIT_OK);
    assert_int_equal(lexkit_vectorizer_fit_end(v, &m, &err), LEXKIT_OK);
    assert_int_equal(lexkit_vectorizer_n_features(v), 3);
    assert_true(entry(&m, 0, 0) == 2.0 && entry(&m, 0, 1) == 1.0);
    assert_int_equal(m.indptr[1], 2);
    assert_int_equal(lexkit_vectorizer_df(v, 2), 0);
    lexkit_csr_free(&m);
    lexkit_vectorizer_free(v);
}

static void test_fixed_vocabulary_refused(void **state)
{
    (void)state;
    static const char *const dup[] = {"cat", "dog", "cat"};
    static const size_t dl[] = {3, 3, 3};
    static const char *const stray[] = {"cat", "new  york"};
    static const size_t sl[] = {3, 9};
    static const size_t el[] = {3, 0};
    lexkit_vectorizer_config c = lexkit_vectorizer_config_default();
    lexkit_vectorizer *v = NULL;
    lexkit_error err;
    c.vocabulary = dup;
    c.vocabulary_lens = dl;
    c.n_vocabulary = 3;
    assert_int_equal(lexkit_vectorizer_create(&c, &v, &err), LEXKIT_ERR_ARG);
    assert_null(v);
    assert_non_null(strstr(err.msg, "duplicate term 'cat'"));
    c.vocabulary = stray;
    c.vocabulary_lens = sl;
    c.n_vocabulary = 2;
    assert_int_equal(lexkit_vectorizer_create(&c, &v, &err), LEXKIT_ERR_ARG);
    assert_non_null(strstr(err.msg, "stray space"));
    c.vocabulary_lens = el; /* an empty term: no analyzer of text gives one */
    assert_int_equal(lexkit_vectorizer_create(&c, &v, &err), LEXKIT_ERR_ARG);
    assert_non_null(strstr(err.msg, "empty term"));
    c.n_vocabulary = 0;
    assert_int_equal(lexkit_vectorizer_create(&c, &v, &err), LEXKIT_ERR_ARG);
    assert_string_equal(err.msg, "vocabulary: empty");
    c.vocabulary = NULL;
    assert_int_equal(lexkit_vectorizer_create(&c, &v, &err), LEXKIT_OK); /* none */
    lexkit_vectorizer_free(v);
}

/* Is term i of the pruned terms `want`? */
static void assert_pruned(const lexkit_vectorizer *v, size_t i, const char *want)
{
    size_t len = 0;
    const char *t = lexkit_vectorizer_pruned(v, i, &len);
    assert_non_null(t);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(t, want, len);
}

/* The terms min_df, max_df and max_features leave out are kept, bytewise (sklearn's
   stop_words_). df in docs: the 2 (tf 4), cat 2, of 2; sat on mat hat dog mine 1. min_df 2
   keeps cat, of, the and prunes the six others; max_features 1 keeps the (tf 4). */
static void test_pruned_terms(void **state)
{
    (void)state;
    set_lens();
    lexkit_vectorizer_config c = lexkit_vectorizer_config_default();
    c.min_df.value = 2;
    lexkit_vectorizer *v = NULL;
    lexkit_error err;
    lexkit_csr m;
    assert_int_equal(lexkit_vectorizer_create(&c, &v, &err), LEXKIT_OK);
    assert_int_equal(lexkit_vectorizer_n_pruned(v), 0);
    assert_int_equal(lexkit_vectorizer_fit_transform(v, docs, lens, N_DOCS, &m, &err), LEXKIT_OK);
    lexkit_csr_free(&m);
    assert_int_equal(lexkit_vectorizer_n_features(v), 3);
    assert_int_equal(lexkit_vectorizer_n_pruned(v), 6);
    static const char *const rare[] = {"dog", "hat", "mat", "mine", "on", "sat"};
    for (size_t i = 0; i < 6; i++) assert_pruned(v, i, rare[i]);
    assert_null(lexkit_vectorizer_pruned(v, 6, NULL));
    lexkit_vectorizer_free(v);

    c = lexkit_vectorizer_config_default();
    c.max_features = 1;
    c.max_df.value = 2;
    c.max_df.is_count = 1;
    assert_int_equal(lexkit_vectorizer_create(&c, &v, &err), LEXKIT_OK);
    assert_int_equal(lexkit_vectorizer_fit_transform(v, docs, lens, N_DOCS, &m, &err), LEXKIT_OK);
    lexkit_csr_free(&m);
    assert_int_equal(lexkit_vectorizer_n_features(v), 1);
    assert_int_equal(column(v, "the"), 0);
    assert_int_equal(lexkit_vectorizer_n_pruned(v), 8);
    assert_pruned(v, 0, "cat");
    assert_pruned(v, 7, "sat");
    /* a saved vocabulary prunes nothing */
    const char *const terms[] = {"cat"};
    const size_t tl[] = {3};
    assert_int_equal(lexkit_vectorizer_set_vocabulary(v, terms, tl, 1, NULL, 3, &err), LEXKIT_OK);
    assert_int_equal(lexkit_vectorizer_n_pruned(v), 0);
    lexkit_vectorizer_free(v);
}

static void test_english_stop_words(void **state)
{
    (void)state;
    size_t n = 0;
    const char *const *w = lexkit_stop_words_english(&n);
    assert_int_equal(n, 318);
    assert_string_equal(w[0], "a");
}

int main(void)
{
    set_lens();
    set_tlens();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_has_no_list),
        cmocka_unit_test(test_list_dropped_before_ngrams_and_copied),
        cmocka_unit_test(test_list_case_sensitive_without_lowercase),
        cmocka_unit_test(test_char_analyzer_ignores_list),
        cmocka_unit_test(test_bad_lists),
        cmocka_unit_test(test_terms_counted_as_given),
        cmocka_unit_test(test_terms_tfidf_min_df),
        cmocka_unit_test(test_terms_bad_calls),
        cmocka_unit_test(test_fixed_vocabulary_text),
        cmocka_unit_test(test_fixed_vocabulary_terms),
        cmocka_unit_test(test_two_threads_equal_one_and_first_error),
        cmocka_unit_test(test_fixed_vocabulary_refused),
        cmocka_unit_test(test_english_stop_words),
        cmocka_unit_test(test_pruned_terms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
