/* Tests for features/sparse/bow.c, ngram.c, argsort.c, bow_vocab.c: expected values come from
   scikit-learn 1.2 (CountVectorizer) run on the same inputs; the Python lines are quoted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "features/sparse/bow.h"
#include "features/features_internal.h"
#include "tests/testutil.h"
#include "text/stopwords.h"

static double at(const lk_csr *m, int32_t r, int32_t c)
{
    for (int64_t k = m->indptr[r]; k < m->indptr[r + 1]; k++)
        if (m->indices[k] == c) return m->data[k];
    return 0;
}

/* Add documents of space-separated tokens. */
static void add_token_docs(lk_bow *b, const char *const *docs, size_t n)
{
    for (size_t d = 0; d < n; d++) {
        const char *toks[64];
        size_t lens[64], k = 0;
        const char *p = docs[d];
        while (*p) {
            while (*p == ' ') p++;
            if (!*p) break;
            const char *s = p;
            while (*p && *p != ' ') p++;
            toks[k] = s;
            lens[k++] = (size_t)(p - s);
        }
        lk_error err;
        assert_int_equal(lk_bow_add_tokens(b, toks, lens, k, &err), LK_OK);
    }
}

static void assert_terms(const lk_bow *b, const char *const *want, int32_t n)
{
    assert_int_equal(lk_bow_n_terms(b), n);
    for (int32_t c = 0; c < n; c++) {
        size_t len;
        const char *s = lk_bow_term(b, c, &len);
        assert_int_equal(len, strlen(want[c]));
        assert_memory_equal(s, want[c], len);
    }
}

static void test_unigrams_sorted_counts(void **state)
{
    (void)state;
    /* CountVectorizer(analyzer=str.split).fit_transform(["the cat sat", "the cat the dog",
       "dogs bark"]) -> ['bark' 'cat' 'dog' 'dogs' 'sat' 'the'],
       [[0 1 0 0 1 1] [0 1 1 0 0 2] [1 0 0 1 0 0]] */
    static const char *docs[] = {"the cat sat", "the cat the dog", "dogs bark"};
    static const char *terms[] = {"bark", "cat", "dog", "dogs", "sat", "the"};
    static const double want[3][6] = {{0, 1, 0, 0, 1, 1}, {0, 1, 1, 0, 0, 2}, {1, 0, 0, 1, 0, 0}};
    lk_bow_config c = lk_bow_config_default();
    lk_bow *b;
    lk_csr X;
    lk_error err;
    assert_int_equal(lk_bow_create(&c, &b), LK_OK);
    add_token_docs(b, docs, 3);
    assert_int_equal(lk_bow_finish(b, &X, &err), LK_OK);
    assert_terms(b, terms, 6);
    for (int r = 0; r < 3; r++)
        for (int k = 0; k < 6; k++) assert_true(at(&X, r, k) == want[r][k]);
    assert_int_equal(lk_csr_nnz(&X), 8);
    assert_int_equal(lk_bow_df(b, 1), 2);
    lk_csr_free(&X);
    lk_bow_free(b);
}

static void test_word_bigrams_and_df_bounds(void **state)
{
    (void)state;
    /* ngram_range=(1,2), min_df=2: of "a b c", "a b d", "b c" the terms in >= 2 docs are
       a, a b, b, b c, c; max_df=0.5 (1.5 docs) would then keep none. */
    static const char *docs[] = {"a b c", "a b d", "b c"};
    static const char *terms[] = {"a", "a b", "b", "b c", "c"};
    lk_bow_config c = lk_bow_config_default();
    c.ngram_max = 2;
    c.min_df = (lk_df_bound){2, true};
    lk_bow *b;
    lk_csr X;
    lk_error err;
    assert_int_equal(lk_bow_create(&c, &b), LK_OK);
    add_token_docs(b, docs, 3);
    assert_int_equal(lk_bow_finish(b, &X, &err), LK_OK);
    assert_terms(b, terms, 5);
    assert_true(at(&X, 2, 3) == 1);
    lk_csr_free(&X);
    lk_bow_free(b);

    c.max_df = (lk_df_bound){0.5, false};
    assert_int_equal(lk_bow_create(&c, &b), LK_OK);
    add_token_docs(b, docs, 3);
    assert_int_equal(lk_bow_finish(b, &X, &err), LK_ERR_ARG);
    assert_non_null(strstr(err.msg, "max_df corresponds to < documents than min_df"));
    lk_bow_free(b);
}

static void test_max_features_ties_as_numpy(void **state)
{
    (void)state;
    /* 40 one-term documents: t<i> repeated (7i mod 3) + 1 times; max_features=10.
       sklearn keeps ['t02','t05','t08','t11','t14','t20','t23','t26','t35','t38'] (numpy's
       unstable argsort); a stable sort would have kept t17 and t29 instead. */
    static const char *want[] = {"t02", "t05", "t08", "t11", "t14",
                                 "t20", "t23", "t26", "t35", "t38"};
    lk_bow_config c = lk_bow_config_default();
    c.max_features = 10;
    lk_bow *b;
    lk_csr X;
    lk_error err;
    assert_int_equal(lk_bow_create(&c, &b), LK_OK);
    for (int i = 0; i < 40; i++) {
        char t[16];
        snprintf(t, sizeof t, "t%02d", i);
        const char *toks[3] = {t, t, t};
        size_t lens[3] = {3, 3, 3};
        assert_int_equal(lk_bow_add_tokens(b, toks, lens, (size_t)((i * 7) % 3 + 1), &err), LK_OK);
    }
    assert_int_equal(lk_bow_finish(b, &X, &err), LK_OK);
    assert_terms(b, want, 10);
    lk_csr_free(&X);
    lk_bow_free(b);
}

static void test_argsort_matches_numpy(void **state)
{
    (void)state;
    /* numpy: np.array(v).argsort() (kind="quicksort") for 20 values with ties,
       values -((7i) % 3 + 1), i = 0..19 */
    int64_t v[20], idx[20];
    for (int i = 0; i < 20; i++) v[i] = -((i * 7) % 3 + 1);
    assert_int_equal(lk_argsort_numpy_i64(v, 20, idx), LK_OK);
    static const int64_t want[20] = {2, 17, 5, 8, 11, 14, 19, 1, 4, 16, 7, 10, 13, 15, 0, 18, 6, 3, 12, 9};
    for (int i = 0; i < 20; i++) assert_int_equal(idx[i], want[i]);
}

static void test_char_wb_short_words(void **state)
{
    (void)state;
    /* CountVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit(["a ab", "Abc"]) ->
       [' a',' a ',' ab',' ab ',' abc','a ','ab','ab ','abc','abc ','b ','bc','bc ','c ']
       row 0: [2 1 1 1 0 1 1 1 0 0 1 0 0 0] */
    static const char *terms[] = {" a", " a ", " ab", " ab ", " abc", "a ", "ab",
                                  "ab ", "abc", "abc ", "b ", "bc", "bc ", "c "};
    static const double row0[] = {2, 1, 1, 1, 0, 1, 1, 1, 0, 0, 1, 0, 0, 0};
    lk_bow_config c = lk_bow_config_default();
    c.analyzer = LK_ANALYZER_CHAR_WB;
    c.ngram_min = 2;
    c.ngram_max = 4;
    lk_bow *b;
    lk_csr X;
    lk_error err;
    assert_int_equal(lk_bow_create(&c, &b), LK_OK);
    assert_int_equal(lk_bow_add_text(b, "a ab", 4, &err), LK_OK);
    assert_int_equal(lk_bow_add_text(b, "Abc", 3, &err), LK_OK);
    assert_int_equal(lk_bow_finish(b, &X, &err), LK_OK);
    assert_terms(b, terms, 14);
    for (int k = 0; k < 14; k++) assert_true(at(&X, 0, k) == row0[k]);
    lk_csr_free(&X);
    lk_bow_free(b);

    /* ngram_range=(4, 5) on "a ab": [' a ', ' ab '] (short padded words kept whole) */
    static const char *terms45[] = {" a ", " ab "};
    c.ngram_min = 4;
    c.ngram_max = 5;
    assert_int_equal(lk_bow_create(&c, &b), LK_OK);
    assert_int_equal(lk_bow_add_text(b, "a ab", 4, &err), LK_OK);
    assert_int_equal(lk_bow_finish(b, &X, &err), LK_OK);
    assert_terms(b, terms45, 2);
    lk_csr_free(&X);
    lk_bow_free(b);
}

static void test_char_whitespace_runs(void **state)
{
    (void)state;
    /* CountVectorizer(analyzer="char", ngram_range=(1, 3)).fit(["ab  c\td"]): the double
       space collapses, the single tab stays:
       ['\t','\td',' ',' c',' c\t','a','ab','ab ','b','b ','b c','c','c\t','c\td','d'] */
    static const char *terms[] = {"\t", "\td", " ", " c", " c\t", "a", "ab", "ab ",
                                  "b", "b ", "b c", "c", "c\t", "c\td", "d"};
    lk_bow_config c = lk_bow_config_default();
    c.analyzer = LK_ANALYZER_CHAR;
    c.ngram_max = 3;
    lk_bow *b;
    lk_csr X;
    lk_error err;
    assert_int_equal(lk_bow_create(&c, &b), LK_OK);
    assert_int_equal(lk_bow_add_text(b, "ab  c\td", 7, &err), LK_OK);
    assert_int_equal(lk_bow_finish(b, &X, &err), LK_OK);
    assert_terms(b, terms, 15);
    lk_csr_free(&X);
    lk_bow_free(b);
}

static void test_invalid_utf8_char_analyzer(void **state)
{
    (void)state;
    lk_bow_config c = lk_bow_config_default();
    c.analyzer = LK_ANALYZER_CHAR;
    lk_bow *b;
    lk_error err;
    assert_int_equal(lk_bow_create(&c, &b), LK_OK);
    assert_int_equal(lk_bow_add_text(b, "ab\xff", 3, &err), LK_ERR_PARSE);
    assert_non_null(strstr(err.msg, "3: invalid UTF-8 byte 0xFF"));
    lk_bow_free(b);
}

static void test_transform_fixed_vocab(void **state)
{
    (void)state;
    static const char *train[] = {"a b c", "a b d"}, *test[] = {"c a b x", "x y"};
    lk_bow_config c = lk_bow_config_default();
    c.ngram_max = 2;
    lk_bow *fit, *tr;
    lk_csr X, Y;
    lk_error err;
    assert_int_equal(lk_bow_create(&c, &fit), LK_OK);
    add_token_docs(fit, train, 2);
    assert_int_equal(lk_bow_finish(fit, &X, &err), LK_OK);
    /* columns: a, a b, b, b c, b d, c, d */
    assert_int_equal(lk_bow_n_terms(fit), 7);
    assert_int_equal(lk_bow_create_transform(fit, &tr), LK_OK);
    add_token_docs(tr, test, 2);
    assert_int_equal(lk_bow_finish(tr, &Y, &err), LK_OK);
    assert_int_equal(Y.n_cols, 7);
    assert_int_equal(Y.n_rows, 2);
    /* "c a b x": a, a b, b, c (c a and b x unknown); "x y": nothing */
    assert_int_equal(lk_csr_nnz(&Y), 4);
    assert_true(at(&Y, 0, 0) == 1 && at(&Y, 0, 1) == 1 && at(&Y, 0, 2) == 1 && at(&Y, 0, 5) == 1);
    assert_int_equal(lk_bow_fit_df(tr, 0), 2);
    assert_int_equal(lk_bow_fit_n_docs(tr), 2);
    assert_int_equal(lk_bow_df(tr, 0), 1);
    lk_csr_free(&X);
    lk_csr_free(&Y);
    lk_bow_free(fit);
    lk_bow_free(tr);
}

/* given_terms: terms counted whole ("a b" one column, "" one), never split, text refused;
   a transform copy keeps them whole; the describe line says so. */
static void test_given_terms(void **state)
{
    (void)state;
    static const char *const d0[] = {"a b", "", "a b"}, *const d1[] = {"b", "a"};
    static const size_t l0[] = {3, 0, 3}, l1[] = {1, 1};
    lk_bow_config c = lk_bow_config_default();
    c.given_terms = true;
    c.ngram_max = 3; /* unused */
    lk_bow *fit, *tr;
    lk_csr X, Y;
    lk_error err;
    char desc[160];
    lk_bow_config_describe(&c, desc, sizeof desc);
    assert_string_equal(desc, "analyzer=terms");
    assert_int_equal(lk_bow_create(&c, &fit), LK_OK);
    assert_int_equal(lk_bow_add_text(fit, "a b", 3, &err), LK_ERR_STATE);
    assert_int_equal(lk_bow_add_tokens(fit, d1, l1, 2, &err), LK_ERR_STATE);
    assert_int_equal(lk_bow_add_terms(fit, d0, l0, 3, &err), LK_OK);
    assert_int_equal(lk_bow_add_terms(fit, d1, l1, 2, &err), LK_OK);
    assert_int_equal(lk_bow_finish(fit, &X, &err), LK_OK);
    /* columns: "", "a", "a b", "b" */
    assert_int_equal(lk_bow_n_terms(fit), 4);
    size_t len = 9;
    assert_non_null(lk_bow_term(fit, 0, &len));
    assert_int_equal(len, 0);
    assert_true(at(&X, 0, 0) == 1 && at(&X, 0, 2) == 2 && at(&X, 1, 1) == 1 && at(&X, 1, 3) == 1);
    assert_int_equal(lk_bow_create_transform(fit, &tr), LK_OK);
    assert_int_equal(lk_bow_add_terms(tr, d0, l0, 3, &err), LK_OK);
    assert_int_equal(lk_bow_finish(tr, &Y, &err), LK_OK);
    assert_int_equal(lk_csr_nnz(&Y), 2);
    assert_true(at(&Y, 0, 2) == 2);
    lk_csr_free(&X);
    lk_csr_free(&Y);
    lk_bow_free(fit);
    lk_bow_free(tr);
    c.given_terms = false;
    assert_int_equal(lk_bow_create(&c, &fit), LK_OK);
    assert_int_equal(lk_bow_add_terms(fit, d1, l1, 2, &err), LK_ERR_STATE);
    lk_bow_free(fit);
}

static void test_vocab_tsv_round_trip_and_duplicates(void **state)
{
    (void)state;
    static const char *docs[] = {"x\ty z", "z"};
    lk_bow_config c = lk_bow_config_default();
    c.analyzer = LK_ANALYZER_CHAR;
    c.ngram_max = 2;
    lk_bow *fit, *tr;
    lk_csr X, Y;
    lk_error err;
    assert_int_equal(lk_bow_create(&c, &fit), LK_OK);
    for (int d = 0; d < 2; d++)
        assert_int_equal(lk_bow_add_text(fit, docs[d], strlen(docs[d]), &err), LK_OK);
    assert_int_equal(lk_bow_finish(fit, &X, &err), LK_OK);
    char path[512];
    lk_test_tmp_path(path, sizeof path, "vocab.tsv");
    assert_int_equal(lk_bow_save_vocab(fit, path, &err), LK_OK);
    assert_int_equal(lk_bow_create(&c, &tr), LK_OK);
    assert_int_equal(lk_bow_load_vocab(tr, path, &err), LK_OK);
    assert_int_equal(lk_bow_add_text(tr, docs[0], strlen(docs[0]), &err), LK_OK);
    assert_int_equal(lk_bow_finish(tr, &Y, &err), LK_OK);
    assert_int_equal(lk_bow_n_terms(tr), lk_bow_n_terms(fit));
    for (int32_t k = 0; k < lk_bow_n_terms(fit); k++) {
        size_t l1, l2;
        const char *s1 = lk_bow_term(fit, k, &l1), *s2 = lk_bow_term(tr, k, &l2);
        assert_int_equal(l1, l2);
        assert_memory_equal(s1, s2, l1);
        assert_true(at(&X, 0, k) == at(&Y, 0, k));
        assert_int_equal(lk_bow_fit_df(tr, k), lk_bow_df(fit, k));
    }
    lk_csr_free(&X);
    lk_csr_free(&Y);
    lk_bow_free(fit);
    lk_bow_free(tr);

    lk_test_write_file(path, "alpha\nbeta\nalpha\n", 17);
    c = lk_bow_config_default();
    assert_int_equal(lk_bow_create(&c, &tr), LK_OK);
    assert_int_equal(lk_bow_load_vocab(tr, path, &err), LK_ERR_PARSE);
    assert_non_null(strstr(err.msg, "vocab.tsv:3:1: duplicate term 'alpha'"));
    lk_bow_free(tr);
}

static void test_vocab_file_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text, *msg;
    } cases[] = {
        {"#n_docs\t3\na\t0\t1\nb\t5\t1\n", "bad.tsv:3:3: column must be 1"},
        {"a\t0\t1\nb\t1\n", "bad.tsv:2:1: expected `term` or"},
        {"a\t0\tx\n", "bad.tsv:1:5: bad document frequency"},
        {"a\\q\n", "bad.tsv:1:2: bad escape"},
        {"ok\n\xc3(\n", "bad.tsv:2:1: invalid UTF-8"},
        {"", "empty vocabulary"},
        {"2 3\nthe 0.1 0.2 0.3\n", "bad.tsv:1:1: this looks like the 'WORDS DIM' header"},
        {"the 0.1\n", "bad.tsv:1:5: 'the 0.1' cannot be a term of this run (word analyzer, "
                      "ngram 1:1: more words"},
    };
    char path[512];
    lk_test_tmp_path(path, sizeof path, "bad.tsv");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lk_test_write_file(path, cases[i].text, strlen(cases[i].text));
        lk_bow_config c = lk_bow_config_default();
        lk_bow *b;
        lk_error err;
        assert_int_equal(lk_bow_create(&c, &b), LK_OK);
        assert_int_equal(lk_bow_load_vocab(b, path, &err), LK_ERR_PARSE);
        if (!strstr(err.msg, cases[i].msg)) fail_msg("case %zu: '%s'", i, err.msg);
        lk_bow_free(b);
    }
}

/* Stop-word files: words trimmed (BOM, CR, Unicode spaces), comments (a line's, or after a
   word and white space) and blank lines skipped; invalid UTF-8, NUL and white space inside a word are positioned errors. */
static void test_stop_words_parse(void **state)
{
    (void)state;
    char good[] = "\xEF\xBB\xBFthe\r\n# comment\n\n  of\t# a comment\n\xE3\x80\x80\xE7\x9A\x84\nc#\n";
    const char **w = NULL;
    size_t n = 0;
    lk_error err;
    assert_int_equal(lk_stop_words_parse(good, sizeof good - 1, "sw", &w, &n, &err), LK_OK);
    assert_int_equal(n, 4);
    assert_string_equal(w[0], "the");
    assert_string_equal(w[1], "of"); /* a comment after white space */
    assert_string_equal(w[2], "\xE7\x9A\x84"); /* after U+3000 IDEOGRAPHIC SPACE */
    assert_string_equal(w[3], "c#");              /* '#' inside a word is the word's */
    free(w);
    static const struct {
        const char *text;
        size_t len;
        const char *msg;
    } bad[] = {
#define BAD(s, msg) {s, sizeof s - 1, msg} /* the length of the literal, NUL inside kept */
        BAD("a\nbad\xff\n", "sw:2:4: invalid UTF-8 byte 0xFF"),
        BAD("a\nb\0c\n", "sw:2:2: NUL byte"),
        BAD("new york\n", "sw:1:4: white space inside a stop word"),
        BAD("1\tThe\tthe\n", "sw:1:2: white space inside a stop word"),
#undef BAD
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char buf[32];
        memcpy(buf, bad[i].text, bad[i].len + 1);
        assert_int_equal(lk_stop_words_parse(buf, bad[i].len, "sw", &w, &n, &err), LK_ERR_PARSE);
        assert_null(w);
        if (!strstr(err.msg, bad[i].msg)) fail_msg("case %zu: '%s'", i, err.msg);
    }
}

static void test_add_file_joins_title(void **state)
{
    (void)state;
    /* doc 1 = "Big cats" + " " + "cats sleep"; doc 2 has no title */
    static const char jsonl[] = "{\"id\": \"1\", \"title\": \"Big cats\", \"text\": \"cats sleep\"}\n"
                                "\n{\"id\": \"2\", \"text\": \"Dogs\"}\n";
    char path[512];
    lk_test_tmp_path(path, sizeof path, "docs.jsonl");
    lk_test_write_file(path, jsonl, sizeof jsonl - 1);
    lk_bow_config c = lk_bow_config_default();
    c.tokenizer = LK_TOKMODE_SKLEARN;
    lk_bow *b;
    lk_csr X;
    lk_error err;
    assert_int_equal(lk_bow_create(&c, &b), LK_OK);
    assert_int_equal(lk_bow_add_file(b, path, LK_DOCS_JSONL, NULL, NULL, &err), LK_OK);
    assert_int_equal(lk_bow_finish(b, &X, &err), LK_OK);
    static const char *terms[] = {"big", "cats", "dogs", "sleep"};
    assert_terms(b, terms, 4);
    assert_int_equal(X.n_rows, 2);
    assert_true(at(&X, 0, 1) == 2 && at(&X, 0, 0) == 1 && at(&X, 1, 2) == 1);
    lk_csr_free(&X);
    lk_bow_free(b);
}

static void test_huge_grow_keeps_contents(void **state)
{
    (void)state;
    int64_t *v = NULL;
    size_t cap = 0;
    for (size_t n = 1; n <= (size_t)1 << 19; n *= 2) {
        assert_int_equal(lk_huge_grow((void **)&v, &cap, n, sizeof *v), LK_OK);
        assert_true(cap >= n);
        for (size_t i = n / 2; i < n; i++) v[i] = (int64_t)i * 3;
    }
    for (size_t i = 0; i < (size_t)1 << 19; i++) assert_true(v[i] == (int64_t)i * 3);
    free(v);
}

static void test_errors(void **state)
{
    (void)state;
    lk_bow_config c = lk_bow_config_default();
    lk_bow *b;
    lk_csr X;
    lk_error err;
    assert_int_equal(lk_bow_create(&c, &b), LK_OK);
    assert_int_equal(lk_bow_finish(b, &X, &err), LK_ERR_ARG);
    assert_non_null(strstr(err.msg, "no documents"));
    lk_bow_free(b);

    assert_int_equal(lk_bow_create(&c, &b), LK_OK);
    assert_int_equal(lk_bow_add_tokens(b, NULL, NULL, 0, &err), LK_OK);
    assert_int_equal(lk_bow_finish(b, &X, &err), LK_ERR_ARG);
    assert_non_null(strstr(err.msg, "empty vocabulary"));
    lk_bow_free(b);

    c.ngram_min = 3;
    c.ngram_max = 1;
    assert_int_equal(lk_bow_config_check(&c, &err), LK_ERR_ARG);
    assert_int_equal(lk_bow_create(&c, &b), LK_ERR_ARG);
    assert_null(b);
    c = lk_bow_config_default();
    c.min_df = (lk_df_bound){2, true};
    c.max_df = (lk_df_bound){1, true};
    assert_int_equal(lk_bow_config_check(&c, &err), LK_ERR_ARG);
    assert_non_null(strstr(err.msg, "max_df corresponds to < documents than min_df"));
    /* two proportions cross whatever the collection: caught before reading too */
    c.min_df = (lk_df_bound){0.9, false};
    c.max_df = (lk_df_bound){0.1, false};
    assert_int_equal(lk_bow_config_check(&c, &err), LK_ERR_ARG);
    assert_non_null(strstr(err.msg, "max_df corresponds to < documents than min_df"));
    c.max_df = (lk_df_bound){0.9, false};
    assert_int_equal(lk_bow_config_check(&c, &err), LK_OK);
}

/* A deterministic text of words from a small alphabet (shared words and rare ones). */
static void gen_doc(char *buf, size_t cap, uint32_t *seed, int words)
{
    static const char *const parts[] = {"ka", "lo", "mi", "nu", "pe", "ra", "su", "ti", "é", "ω"};
    size_t at = 0;
    for (int w = 0; w < words && at + 16 < cap; w++) {
        int syl = 1 + (int)((*seed = *seed * 1103515245u + 12345u) >> 16) % 3;
        for (int k = 0; k < syl; k++) {
            const char *p = parts[((*seed = *seed * 1103515245u + 12345u) >> 16) % 10];
            size_t l = strlen(p);
            memcpy(buf + at, p, l);
            at += l;
        }
        buf[at++] = ' ';
    }
    buf[at] = '\0';
}

/* lk_bow_drain_into and lk_bow_drain_reversed_into (several rounds of uneven splits, the id
   map reused) and a two-thread finish give the one-thread matrix bit for bit, for word
   n-grams, char_wb n-grams and pruning. */
static void test_drain_and_two_thread_finish_equal_one_thread(void **state)
{
    (void)state;
    enum { N = 400, ROUND = 50 };
    static char docs[N][400];
    uint32_t seed = 7;
    for (int i = 0; i < N; i++) gen_doc(docs[i], sizeof docs[i], &seed, 5 + i % 40);
    lk_bow_config cfgs[3];
    cfgs[0] = lk_bow_config_default();
    cfgs[0].ngram_max = 2;
    cfgs[1] = lk_bow_config_default();
    cfgs[1].analyzer = LK_ANALYZER_CHAR_WB;
    cfgs[1].ngram_min = 2;
    cfgs[1].ngram_max = 4;
    cfgs[2] = lk_bow_config_default();
    cfgs[2].min_df = (lk_df_bound){2, true};
    cfgs[2].max_df = (lk_df_bound){0.5, false};
    cfgs[2].max_features = 40;
    for (int c = 0; c < 3; c++) {
        lk_error err;
        lk_bow *one, *a, *b;
        lk_csr x, y;
        assert_int_equal(lk_bow_create(&cfgs[c], &one), LK_OK);
        for (int i = 0; i < N; i++)
            assert_int_equal(lk_bow_add_text(one, docs[i], strlen(docs[i]), &err), LK_OK);
        assert_int_equal(lk_bow_finish(one, &x, &err), LK_OK);
        lk_bow_config two = cfgs[c];
        two.threads = 2;
        assert_int_equal(lk_bow_create(&two, &a), LK_OK);
        assert_int_equal(lk_bow_create(&two, &b), LK_OK);
        lk_bow_idmap map = {0};
        for (int r = 0; r < N; r += ROUND) { /* first part of each round in a, the rest in b */
            int cut = r + ROUND / 2 + (r / ROUND) % 7 - 3;
            for (int i = r; i < cut; i++)
                assert_int_equal(lk_bow_add_text(a, docs[i], strlen(docs[i]), &err), LK_OK);
            if ((r / ROUND) % 2) { /* b takes its documents last first (from the back) */
                for (int i = r + ROUND - 1; i >= cut; i--)
                    assert_int_equal(lk_bow_add_text(b, docs[i], strlen(docs[i]), &err), LK_OK);
                assert_int_equal(lk_bow_drain_reversed_into(a, b, &map), LK_OK);
                continue;
            }
            for (int i = cut; i < r + ROUND; i++)
                assert_int_equal(lk_bow_add_text(b, docs[i], strlen(docs[i]), &err), LK_OK);
            assert_int_equal(lk_bow_drain_into(a, b, &map), LK_OK);
        }
        assert_int_equal(lk_bow_drain_into(a, b, &map), LK_OK); /* nothing new: no-op */
        assert_int_equal(lk_bow_finish(a, &y, &err), LK_OK);
        assert_int_equal(x.n_rows, y.n_rows);
        assert_int_equal(x.n_cols, y.n_cols);
        assert_true(x.n_cols > 10);
        assert_memory_equal(x.indptr, y.indptr, (size_t)(x.n_rows + 1) * sizeof *x.indptr);
        size_t nnz = (size_t)x.indptr[x.n_rows];
        assert_memory_equal(x.indices, y.indices, nnz * sizeof *x.indices);
        assert_memory_equal(x.data, y.data, nnz * sizeof *x.data);
        for (int32_t col = 0; col < x.n_cols; col++) {
            size_t l1, l2;
            const char *s1 = lk_bow_term(one, col, &l1), *s2 = lk_bow_term(a, col, &l2);
            assert_int_equal(l1, l2);
            assert_memory_equal(s1, s2, l1);
            assert_int_equal(lk_bow_df(one, col), lk_bow_df(a, col));
        }
        lk_bow_idmap_free(&map);
        lk_csr_free(&x);
        lk_csr_free(&y);
        lk_bow_free(one);
        lk_bow_free(a);
        lk_bow_free(b);
    }
}

/* A vocabulary large enough for lk_bow_finish to sort on two threads (word bigrams of
   many documents) gives the one-thread columns, terms and matrix. */
static void test_two_thread_finish_large_vocabulary(void **state)
{
    (void)state;
    enum { N = 2000 };
    static char docs[N][400];
    uint32_t seed = 3;
    for (int i = 0; i < N; i++) gen_doc(docs[i], sizeof docs[i], &seed, 40);
    lk_csr x[2];
    lk_bow *b[2];
    lk_error err;
    for (int k = 0; k < 2; k++) {
        lk_bow_config c = lk_bow_config_default();
        c.ngram_max = 2;
        c.threads = k + 1;
        assert_int_equal(lk_bow_create(&c, &b[k]), LK_OK);
        for (int i = 0; i < N; i++)
            assert_int_equal(lk_bow_add_text(b[k], docs[i], strlen(docs[i]), &err), LK_OK);
        assert_int_equal(lk_bow_finish(b[k], &x[k], &err), LK_OK);
    }
    assert_true(x[0].n_cols > 20000);
    assert_int_equal(x[0].n_cols, x[1].n_cols);
    assert_memory_equal(x[0].indptr, x[1].indptr, (size_t)(N + 1) * sizeof *x[0].indptr);
    size_t nnz = (size_t)x[0].indptr[N];
    assert_memory_equal(x[0].indices, x[1].indices, nnz * sizeof *x[0].indices);
    assert_memory_equal(x[0].data, x[1].data, nnz * sizeof *x[0].data);
    for (int32_t col = 0; col < x[0].n_cols; col++) {
        size_t l1, l2;
        const char *s1 = lk_bow_term(b[0], col, &l1), *s2 = lk_bow_term(b[1], col, &l2);
        assert_int_equal(l1, l2);
        assert_memory_equal(s1, s2, l1);
        if (col) { /* bytewise ascending */
            size_t lp;
            const char *p = lk_bow_term(b[0], col - 1, &lp);
            int cmp = memcmp(p, s1, lp < l1 ? lp : l1);
            assert_true(cmp < 0 || (cmp == 0 && lp < l1));
        }
    }
    for (int k = 0; k < 2; k++) {
        lk_csr_free(&x[k]);
        lk_bow_free(b[k]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_drain_and_two_thread_finish_equal_one_thread),
        cmocka_unit_test(test_two_thread_finish_large_vocabulary),
        cmocka_unit_test(test_unigrams_sorted_counts),
        cmocka_unit_test(test_word_bigrams_and_df_bounds),
        cmocka_unit_test(test_max_features_ties_as_numpy),
        cmocka_unit_test(test_argsort_matches_numpy),
        cmocka_unit_test(test_char_wb_short_words),
        cmocka_unit_test(test_char_whitespace_runs),
        cmocka_unit_test(test_invalid_utf8_char_analyzer),
        cmocka_unit_test(test_transform_fixed_vocab),
        cmocka_unit_test(test_given_terms),
        cmocka_unit_test(test_vocab_tsv_round_trip_and_duplicates),
        cmocka_unit_test(test_vocab_file_errors),
        cmocka_unit_test(test_stop_words_parse),
        cmocka_unit_test(test_add_file_joins_title),
        cmocka_unit_test(test_huge_grow_keeps_contents),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
