/* Tests for the corpus readers (text/corpus.c, text/jsonl.c, text/conllu.c). Fixtures are
   tests/data/corpus_*; run with cwd = tests/. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "models/rng.h"
#include "tests/testutil.h"
#include "text/corpus.h"

#define assert_msg_has(err, s)                                                               \
    do {                                                                                     \
        if (!strstr((err).msg, (s))) fail_msg("message \"%s\" lacks \"%s\"", (err).msg, (s)); \
    } while (0)

/* ---- JSON Lines ----------------------------------------------------------------------- */

/* Parse one line in memory; returns the status, fills doc and err. */
static lk_status parse_line(lk_jsonl_scratch *sc, const char *line, lk_doc *doc, lk_error *err)
{
    return lk_jsonl_parse_doc(sc, line, strlen(line), doc, "mem.jsonl", 7, err);
}

static void test_jsonl_reader_good(void **state)
{
    (void)state;
    lk_docs_reader *r = NULL;
    lk_error err;
    lk_doc d;
    bool got;
    assert_int_equal(lk_docs_open("data/corpus_docs.jsonl", LK_DOCS_JSONL, &r, &err), LK_OK);
    assert_true(lk_docs_size(r) == 305);

    assert_int_equal(lk_docs_next(r, &d, &got, &err), LK_OK);
    assert_true(got);
    assert_string_equal(d.id, "d1");
    assert_int_equal(d.id_len, 2);
    assert_string_equal(d.title, "First");
    assert_int_equal(d.title_len, 5);
    assert_string_equal(d.text, "Hello world");
    assert_int_equal(d.text_len, 11);
    assert_int_equal(d.line, 1);

    /* line 2 is blank; line 3 has every escape, a nested unknown key, an integer id and
       a null title, and ends with CRLF */
    assert_int_equal(lk_docs_next(r, &d, &got, &err), LK_OK);
    assert_true(got);
    assert_int_equal(d.line, 3);
    assert_string_equal(d.id, "42");
    assert_string_equal(d.title, "");
    assert_int_equal(d.title_len, 0);
    static const char want[] = "Tab\there \"q\" back\\slash / \xC3\xA9 \xF0\x9F\x98\x80 \b\f\n\r";
    assert_int_equal(d.text_len, sizeof want - 1);
    assert_memory_equal(d.text, want, sizeof want);

    assert_int_equal(lk_docs_next(r, &d, &got, &err), LK_OK);
    assert_true(got);
    assert_int_equal(d.line, 4);
    assert_string_equal(d.id, "\xE4\xB8\xAD\xE6\x96\x87"); /* 中文 from \u escapes */
    assert_string_equal(d.text, "\xE4\xB8\xAD\xE6\x96\x87 text");

    /* last line without newline, empty text */
    assert_int_equal(lk_docs_next(r, &d, &got, &err), LK_OK);
    assert_true(got);
    assert_int_equal(d.line, 5);
    assert_string_equal(d.id, "d4");
    assert_string_equal(d.text, "");
    assert_int_equal(d.text_len, 0);

    assert_int_equal(lk_docs_next(r, &d, &got, &err), LK_OK);
    assert_false(got);
    assert_true(lk_docs_offset(r) == 305);
    lk_docs_free(r);
}

static void expect_doc_error(const char *path, lk_docs_format fmt, int n_good, const char *msg)
{
    lk_docs_reader *r = NULL;
    lk_error err;
    lk_doc d;
    bool got;
    assert_int_equal(lk_docs_open(path, fmt, &r, &err), LK_OK);
    for (int i = 0; i < n_good; i++) {
        assert_int_equal(lk_docs_next(r, &d, &got, &err), LK_OK);
        assert_true(got);
    }
    assert_int_equal(lk_docs_next(r, &d, &got, &err), LK_ERR_PARSE);
    assert_false(got);
    assert_msg_has(err, msg);
    lk_docs_free(r);
}

static void test_jsonl_reader_errors(void **state)
{
    (void)state;
    expect_doc_error("data/corpus_docs_trunc.jsonl", LK_DOCS_JSONL, 1,
                     "data/corpus_docs_trunc.jsonl:2:21: unterminated string");
    expect_doc_error("data/corpus_docs_noid.jsonl", LK_DOCS_JSONL, 1,
                     "data/corpus_docs_noid.jsonl:4:1: missing \"id\"");
    expect_doc_error("data/corpus_docs_badutf8.jsonl", LK_DOCS_JSONL, 1,
                     "data/corpus_docs_badutf8.jsonl:2:26: invalid UTF-8 byte 0xFF");
    expect_doc_error("data/corpus_docs_badutf8.jsonl", LK_DOCS_TEXT, 1,
                     "data/corpus_docs_badutf8.jsonl:2:26: invalid UTF-8 byte 0xFF");
}

static void test_jsonl_escapes(void **state)
{
    (void)state;
    lk_jsonl_scratch *sc = NULL;
    lk_error err;
    lk_doc d;
    assert_int_equal(lk_jsonl_scratch_create(&sc), LK_OK);

    assert_int_equal(parse_line(sc, "{\"id\":\"x\",\"text\":\"\\ud83d\\ude00\"}", &d, &err), LK_OK);
    assert_int_equal(d.text_len, 4);
    assert_memory_equal(d.text, "\xF0\x9F\x98\x80", 5); /* U+1F600 and the NUL */
    assert_int_equal(d.line, 7);

    /* \u0041 \u00DF \u20AC: 1, 2 and 3 UTF-8 bytes; upper-case hex accepted */
    assert_int_equal(parse_line(sc, "{\"id\":\"x\",\"text\":\"\\u0041\\u00DF\\u20ac\"}", &d, &err),
                     LK_OK);
    assert_string_equal(d.text, "A\xC3\x9F\xE2\x82\xAC");

    /* escaped key names are decoded before matching */
    assert_int_equal(parse_line(sc, "{\"\\u0069d\":\"k\",\"te\\u0078t\":\"v\"}", &d, &err), LK_OK);
    assert_string_equal(d.id, "k");
    assert_string_equal(d.text, "v");

    /* a negative integer id is kept as written */
    assert_int_equal(parse_line(sc, "{\"text\":\"t\",\"id\":-17}", &d, &err), LK_OK);
    assert_string_equal(d.id, "-17");
    assert_int_equal(d.id_len, 3);
    lk_jsonl_scratch_free(sc);
}

typedef struct {
    const char *line;
    const char *msg;
} bad_case;

static void test_jsonl_malformed(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        {"{\"id\":\"x\",\"text\":\"\\ud83d\"}", "mem.jsonl:7:19: lone high surrogate"},
        {"{\"id\":\"x\",\"text\":\"\\ude00x\"}", "mem.jsonl:7:19: lone low surrogate"},
        {"{\"id\":\"x\",\"text\":\"\\ud83d\\u0041\"}", "mem.jsonl:7:19: lone high surrogate"},
        {"{\"id\":\"x\",\"text\":\"\\u12G4\"}", "mem.jsonl:7:19: invalid \\u escape"},
        {"{\"id\":\"x\",\"text\":\"a\\qb\"}", "mem.jsonl:7:20: invalid escape '\\q'"},
        {"{\"id\":\"x\",\"text\":\"a\tb\"}", "mem.jsonl:7:20: control character U+0009"},
        {"{\"id\":\"x\",\"text\":\"y\"} x", "mem.jsonl:7:23: trailing characters"},
        {"{\"id\":\"x\",\"text\":\"y\"}{}", "mem.jsonl:7:22: trailing characters"},
        {"{\"id\":\"x\",\"id\":\"y\",\"text\":\"z\"}", "mem.jsonl:7:11: duplicate key \"id\""},
        {"{\"k\":1,\"k\":2,\"id\":\"y\",\"text\":\"z\"}", "mem.jsonl:7:8: duplicate key \"k\""},
        {"{\"id\":\"x\"}", "mem.jsonl:7:1: missing \"text\""},
        {"{\"id\":\"x\",\"text\":5}", "mem.jsonl:7:18: \"text\" must be a string"},
        {"{\"id\":true,\"text\":\"\"}", "mem.jsonl:7:7: \"id\" must be a string or a number"},
        {"{\"id\":\"x\",\"title\":[],\"text\":\"\"}", "mem.jsonl:7:19: \"title\" must be a string"},
        {"{\"id\":\"x\",\"text\":\"y\",}", "mem.jsonl:7:22: unexpected character '}'"},
        {"{\"id\":\"x\",\"text\":\"y\"", "mem.jsonl:7:21: unexpected end of line"},
        {"{\"id\":\"x\",\"m\":[1,2", "mem.jsonl:7:19: unexpected end of line"},
        {"{\"id\":\"x\",\"m\":01,\"text\":\"\"}", "mem.jsonl:7:16: unexpected character '1'"},
        {"{\"id\":\"x\",\"m\":-,\"text\":\"\"}", "mem.jsonl:7:15: invalid number"},
        {"{\"id\":\"x\",\"m\":1.e5,\"text\":\"\"}", "mem.jsonl:7:15: invalid number"},
        {"{\"id\":\"x\",\"m\":tru,\"text\":\"\"}", "mem.jsonl:7:15: unexpected character 't'"},
        {"{\"id\":\"x\",\"m\":{\"a\" 1},\"text\":\"\"}", "mem.jsonl:7:20: unexpected character '1'"},
        {"[1]", "mem.jsonl:7:1: unexpected character '['"},
        {"{'id':'x'}", "mem.jsonl:7:2: unexpected character '''"},
        {"{\"id\":\"\xC3\xA9\xC3\xA9\",\"text\":\"", "mem.jsonl:7:19: unterminated string"},
        {"{\"id\":\"x\",\"text\":\"\xE4\xB8\xAD\xC0\xAF\"}", "mem.jsonl:7:20: invalid UTF-8 byte 0xC0"},
        {"{\"id\":\"x\",\"text\":\"\xED\xA0\x80\"}", "mem.jsonl:7:19: invalid UTF-8 byte 0xED"},
    };
    lk_jsonl_scratch *sc = NULL;
    assert_int_equal(lk_jsonl_scratch_create(&sc), LK_OK);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lk_error err;
        lk_doc d;
        lk_status st = parse_line(sc, cases[i].line, &d, &err);
        if (st != LK_ERR_PARSE) fail_msg("case %zu (%s): status %d", i, cases[i].line, (int)st);
        assert_msg_has(err, cases[i].msg);
    }
    lk_jsonl_scratch_free(sc);
}

static void test_jsonl_deep_nesting(void **state)
{
    (void)state;
    enum { DEPTH = 100000 };
    char *line = malloc(2 * DEPTH + 64);
    assert_non_null(line);
    size_t n = (size_t)sprintf(line, "{\"id\":\"x\",\"text\":\"\",\"deep\":");
    for (int i = 0; i < DEPTH; i++) line[n++] = '[';
    line[n] = '\0';
    lk_jsonl_scratch *sc = NULL;
    lk_error err;
    lk_doc d;
    assert_int_equal(lk_jsonl_scratch_create(&sc), LK_OK);
    assert_int_equal(parse_line(sc, line, &d, &err), LK_ERR_PARSE);
    assert_msg_has(err, "nested deeper than");
    lk_jsonl_scratch_free(sc);
    free(line);
}

/* Many keys: duplicates are still found (past the linear-scan range, through the hash). */
static void test_jsonl_many_keys(void **state)
{
    (void)state;
    enum { N_KEYS = 2000 };
    char *line = malloc(N_KEYS * 16 + 64);
    assert_non_null(line);
    lk_jsonl_scratch *sc = NULL;
    lk_error err;
    lk_doc d;
    assert_int_equal(lk_jsonl_scratch_create(&sc), LK_OK);
    for (int dup = 0; dup < 2; dup++) {
        size_t n = (size_t)sprintf(line, "{\"id\":\"x\",\"text\":\"t\"");
        for (int i = 0; i < N_KEYS; i++) n += (size_t)sprintf(line + n, ",\"k%d\":%d", i, i);
        if (dup) n += (size_t)sprintf(line + n, ",\"k1234\":0");
        sprintf(line + n, "}");
        lk_status st = parse_line(sc, line, &d, &err);
        if (!dup) {
            assert_int_equal(st, LK_OK);
            assert_string_equal(d.text, "t");
        } else {
            assert_int_equal(st, LK_ERR_PARSE);
            assert_msg_has(err, "duplicate key \"k1234\"");
        }
    }
    /* a small object after a big one: the hash set is not stale */
    assert_int_equal(parse_line(sc, "{\"id\":\"1\",\"k1\":0,\"text\":\"\"}", &d, &err), LK_OK);
    lk_jsonl_scratch_free(sc);
    free(line);
}

/* Seeded mutations (byte flips, truncations) of a valid line: every result is either a
   document or a positioned parse error, never a crash (the ASan build runs this too). */
static void test_jsonl_mutations(void **state)
{
    (void)state;
    static const char good[] = "{\"id\": \"\\u00e9x\", \"meta\": {\"a\": [1, -2.5e3, true, null]},"
                               " \"title\": null, \"text\": \"a\\\"b \\ud83d\\ude00 \xC3\xA9\"}";
    static const char alphabet[] = "{}[]\":,\\u0123456789abcdefnrtl-+.eE \t\x01\x80\xC3\xED\xF4\xFF";
    char line[sizeof good];
    lk_rng rng;
    lk_rng_seed(&rng, 42);
    lk_jsonl_scratch *sc = NULL;
    assert_int_equal(lk_jsonl_scratch_create(&sc), LK_OK);
    int n_ok = 0, n_err = 0;
    for (int iter = 0; iter < 20000; iter++) {
        size_t len = sizeof good - 1;
        memcpy(line, good, len);
        int n_mut = 1 + (int)lk_rng_below(&rng, 3);
        for (int m = 0; m < n_mut; m++)
            line[lk_rng_below(&rng, len)] = alphabet[lk_rng_below(&rng, sizeof alphabet - 1)];
        if (lk_rng_below(&rng, 4) == 0) len = (size_t)lk_rng_below(&rng, len + 1);
        lk_error err;
        lk_doc d;
        lk_status st = lk_jsonl_parse_doc(sc, line, len, &d, "fuzz.jsonl", 1, &err);
        if (st == LK_OK) {
            n_ok++;
            assert_true(d.id_len + d.title_len + d.text_len <= len);
        } else {
            n_err++;
            assert_int_equal(st, LK_ERR_PARSE);
            assert_non_null(strstr(err.msg, "fuzz.jsonl:1:"));
        }
    }
    assert_true(n_ok > 100);
    assert_true(n_err > 100);
    lk_jsonl_scratch_free(sc);
}

static void test_docs_text_format(void **state)
{
    (void)state;
    lk_docs_reader *r = NULL;
    lk_error err;
    lk_doc d;
    bool got;
    assert_int_equal(lk_docs_open("data/corpus_docs.txt", LK_DOCS_TEXT, &r, &err), LK_OK);
    assert_int_equal(lk_docs_next(r, &d, &got, &err), LK_OK);
    assert_true(got);
    assert_string_equal(d.id, "1"); /* BOM dropped, CRLF stripped */
    assert_int_equal(d.id_len, 1);
    assert_string_equal(d.text, "first line");
    assert_string_equal(d.title, "");
    assert_int_equal(lk_docs_next(r, &d, &got, &err), LK_OK);
    assert_true(got);
    assert_string_equal(d.id, "3"); /* blank line 2 skipped, ids stay line numbers */
    assert_string_equal(d.text, "third line");
    assert_int_equal(d.line, 3);
    assert_int_equal(lk_docs_next(r, &d, &got, &err), LK_OK);
    assert_false(got);
    lk_docs_free(r);
}

static void test_empty_missing_directory(void **state)
{
    (void)state;
    lk_docs_reader *r = NULL;
    lk_sentence_reader *sr = NULL;
    lk_error err;
    lk_doc d;
    lk_sentence s;
    bool got = true;

    assert_int_equal(lk_docs_open("data/corpus_empty.jsonl", LK_DOCS_JSONL, &r, &err), LK_OK);
    assert_int_equal(lk_docs_next(r, &d, &got, &err), LK_OK);
    assert_false(got);
    lk_docs_free(r);
    assert_int_equal(lk_sentence_reader_open("data/corpus_empty.jsonl", LK_TAGGED_CONLLU, &sr,
                                             &err), LK_OK);
    got = true;
    assert_int_equal(lk_sentence_next(sr, &s, &got, &err), LK_OK);
    assert_false(got);
    lk_sentence_reader_free(sr);

    r = (lk_docs_reader *)&err; /* must be reset to NULL */
    assert_int_equal(lk_docs_open("data/no_such_file.jsonl", LK_DOCS_JSONL, &r, &err), LK_ERR_IO);
    assert_null(r);
    assert_msg_has(err, "data/no_such_file.jsonl: ");
    assert_int_equal(lk_docs_open("data", LK_DOCS_JSONL, &r, &err), LK_ERR_IO);
    assert_msg_has(err, "data: is a directory");
    assert_int_equal(lk_sentence_reader_open("data", LK_TAGGED_SLASH, &sr, &err), LK_ERR_IO);
    assert_null(sr);
    assert_msg_has(err, "data: is a directory");

    lk_tagged_corpus c;
    assert_int_equal(lk_tagged_corpus_load("data/nope.conllu", LK_TAGGED_CONLLU, &c, &err),
                     LK_ERR_IO);
    assert_msg_has(err, "data/nope.conllu: ");
    assert_null(c.sents);
    assert_int_equal(c.n_sents, 0);
    assert_int_equal(lk_tagged_corpus_load("data/corpus_empty.jsonl", LK_TAGGED_CONLLU, &c, &err),
                     LK_OK);
    assert_int_equal(c.n_sents, 0);
    assert_int_equal(c.n_tokens, 0);
    lk_tagged_corpus_free(&c);
}

/* ---- CoNLL-U ---------------------------------------------------------------------------- */

static void assert_token(const lk_tagged_token *t, const char *form, const char *lemma,
                         const char *upos, const char *xpos)
{
    assert_string_equal(t->form, form);
    assert_int_equal(t->form_len, strlen(form));
    assert_string_equal(t->lemma, lemma);
    assert_string_equal(t->upos, upos);
    assert_string_equal(t->xpos, xpos);
}

static void check_good_s1(const lk_sentence *s1)
{
    /* sentence 1: comments kept, range 1-2 and empty node 3.1 skipped */
    assert_int_equal(s1->n, 4);
    assert_int_equal(s1->line, 5);
    assert_string_equal(s1->sent_id, "s1");
    assert_string_equal(s1->text, "Don't go.");
    assert_token(&s1->tokens[0], "Do", "do", "AUX", "VBP");
    assert_token(&s1->tokens[1], "n't", "not", "PART", "RB");
    assert_token(&s1->tokens[2], "go", "go", "VERB", "VB");
    assert_token(&s1->tokens[3], ".", ".", "PUNCT", ".");
    assert_int_equal(s1->token_lines[0], 5);
    assert_int_equal(s1->token_lines[2], 7);
    assert_int_equal(s1->token_lines[3], 9);
}

static void check_good_s2(const lk_sentence *s2)
{
    /* sentence 2: after two blank lines, FORM with a space, empty XPOS, no final newline */
    assert_int_equal(s2->n, 2);
    assert_int_equal(s2->line, 12);
    assert_null(s2->text);
    assert_null(s2->sent_id);
    assert_token(&s2->tokens[0], "New York", "New York", "PROPN", "_");
    assert_token(&s2->tokens[1], "\xE4\xB8\xAD\xE6\x96\x87", "_", "NOUN", "NN");
    assert_int_equal(s2->token_lines[1], 13);
}

static void test_conllu_good(void **state)
{
    (void)state;
    lk_sentence_reader *r = NULL;
    lk_error err;
    lk_sentence s1, s2;
    bool got;
    assert_int_equal(lk_sentence_reader_open("data/corpus_good.conllu", LK_TAGGED_CONLLU, &r,
                                             &err), LK_OK);
    assert_int_equal(lk_sentence_next(r, &s1, &got, &err), LK_OK);
    assert_true(got);
    check_good_s1(&s1);
    assert_int_equal(lk_sentence_next(r, &s2, &got, &err), LK_OK);
    assert_true(got);
    check_good_s2(&s2);
    assert_int_equal(lk_sentence_next(r, &s2, &got, &err), LK_OK);
    assert_false(got);
    lk_sentence_reader_free(r);
}

static void test_tagged_corpus_load(void **state)
{
    (void)state;
    lk_tagged_corpus c;
    lk_error err;
    assert_int_equal(lk_tagged_corpus_load("data/corpus_good.conllu", LK_TAGGED_CONLLU, &c, &err),
                     LK_OK);
    assert_int_equal(c.n_sents, 2);
    assert_int_equal(c.n_tokens, 6);
    check_good_s1(&c.sents[0]);
    check_good_s2(&c.sents[1]);
    lk_tagged_corpus_free(&c);
    assert_null(c.sents);
    lk_tagged_corpus_free(&c); /* twice is harmless */
}

static void expect_sentence_error(const char *path, lk_tagged_format fmt, int n_good,
                                  const char *msg)
{
    lk_sentence_reader *r = NULL;
    lk_error err;
    lk_sentence s;
    bool got;
    assert_int_equal(lk_sentence_reader_open(path, fmt, &r, &err), LK_OK);
    for (int i = 0; i < n_good; i++) {
        assert_int_equal(lk_sentence_next(r, &s, &got, &err), LK_OK);
        assert_true(got);
    }
    assert_int_equal(lk_sentence_next(r, &s, &got, &err), LK_ERR_PARSE);
    assert_false(got);
    assert_msg_has(err, msg);
    lk_sentence_reader_free(r);

    lk_tagged_corpus c;
    assert_int_equal(lk_tagged_corpus_load(path, fmt, &c, &err), LK_ERR_PARSE);
    assert_msg_has(err, msg);
    assert_int_equal(c.n_sents, 0);
}

static void test_conllu_malformed(void **state)
{
    (void)state;
    expect_sentence_error("data/corpus_9col.conllu", LK_TAGGED_CONLLU, 0,
                          "data/corpus_9col.conllu:3:25: expected 10 tab-separated columns, got 9");
    expect_sentence_error("data/corpus_badid.conllu", LK_TAGGED_CONLLU, 1,
                          "data/corpus_badid.conllu:3:1: invalid ID \"x1\"");
}

static void test_conllu_bad_lines(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        {"0\ta\ta\tX\tX\t_\t0\troot\t_\t_\n", "bad.conllu:1:1: invalid ID \"0\""},
        {"1-\ta\ta\tX\tX\t_\t0\troot\t_\t_\n", "bad.conllu:1:1: invalid ID \"1-\""},
        {"1.x\ta\ta\tX\tX\t_\t0\troot\t_\t_\n", "bad.conllu:1:1: invalid ID"},
        {"\ta\ta\tX\tX\t_\t0\troot\t_\t_\n", "bad.conllu:1:1: invalid ID \"\""},
        {"# c\n1\t\t_\tX\tX\t_\t0\troot\t_\t_\n", "bad.conllu:2:3: empty FORM"},
        {"1\ta\ta\tX\tX\t_\t0\troot\t_\t_\t_\n", "bad.conllu:1:24: expected 10 tab-separated "
                                                  "columns, got 11"},
        {"1 a a X X _ 0 root _ _\n", "got 1"},
        {"1\t\xC3\xA9\xFE\ta\tX\tX\t_\t0\troot\t_\t_\n", "bad.conllu:1:4: invalid UTF-8 byte 0xFE"},
        {"# text = \xC3\x28\n", "bad.conllu:1:10: invalid UTF-8 byte 0xC3"},
    };
    char path[512];
    lk_test_tmp_path(path, sizeof path, "bad.conllu");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lk_test_write_file(path, cases[i].line, strlen(cases[i].line));
        lk_sentence_reader *r = NULL;
        lk_error err;
        lk_sentence s;
        bool got;
        assert_int_equal(lk_sentence_reader_open(path, LK_TAGGED_CONLLU, &r, &err), LK_OK);
        lk_status st = lk_sentence_next(r, &s, &got, &err);
        if (st != LK_ERR_PARSE) fail_msg("case %zu: status %d", i, (int)st);
        assert_msg_has(err, cases[i].msg);
        assert_non_null(strstr(err.msg, "bad.conllu:"));
        lk_sentence_reader_free(r);
    }
}

/* CRLF, a BOM, "# text =" with an empty value, comments without tokens dropped. */
static void test_conllu_crlf_bom_comments(void **state)
{
    (void)state;
    static const char data[] = "\xEF\xBB\xBF# sent_id = a\r\n# text =\r\n"
                               "1\tx\tx\tX\tXX\t_\t0\troot\t_\t_\r\n\r\n"
                               "# sent_id = orphan\r\n\r\n"
                               "# sent_id = b\r\n1\ty\t_\tY\t_\t_\t0\troot\t_\t_\r\n"
                               "# late = comment\r\n\r\n# trailing = comment\r\n";
    char path[512];
    lk_test_tmp_path(path, sizeof path, "crlf.conllu");
    lk_test_write_file(path, data, sizeof data - 1);
    lk_tagged_corpus c;
    lk_error err;
    assert_int_equal(lk_tagged_corpus_load(path, LK_TAGGED_CONLLU, &c, &err), LK_OK);
    assert_int_equal(c.n_sents, 2);
    assert_string_equal(c.sents[0].sent_id, "a");
    assert_string_equal(c.sents[0].text, "");
    assert_int_equal(c.sents[0].line, 3);
    assert_token(&c.sents[0].tokens[0], "x", "x", "X", "XX");
    assert_string_equal(c.sents[1].sent_id, "b");
    assert_null(c.sents[1].text);
    assert_int_equal(c.sents[1].line, 8);
    assert_token(&c.sents[1].tokens[0], "y", "_", "Y", "_");
    /* a lemma equal to its form shares its storage */
    assert_ptr_equal(c.sents[0].tokens[0].lemma, c.sents[0].tokens[0].form);
    lk_tagged_corpus_free(&c);
}

/* MISC SpaceAfter: SpaceAfter=No on a word; on a multiword token N-M, the words inside it
   have no space after them and its last word takes the token's; SpacesAfter= also marks the
   sentence as annotated; a sentence without either is unmarked. */
static void test_conllu_space_after(void **state)
{
    (void)state;
    static const char data[] = "1\tiPhone\t_\tX\t_\t_\t_\t_\t_\t_\n"
                               "2\t15\t_\tX\t_\t_\t_\t_\t_\tSpaceAfter=No|Gloss=x\n"
                               "3\t\xE3\x80\x82\t_\tPUNCT\t_\t_\t_\t_\t_\tSpaceAfter=Nope\n\n"
                               "1-2\tdon't\t_\t_\t_\t_\t_\t_\t_\tSpaceAfter=No\n"
                               "1\tdo\t_\tAUX\t_\t_\t_\t_\t_\t_\n"
                               "2\tn't\t_\tPART\t_\t_\t_\t_\t_\t_\n"
                               "3-4\tcannot\t_\t_\t_\t_\t_\t_\t_\t_\n"
                               "3\tcan\t_\tAUX\t_\t_\t_\t_\t_\t_\n"
                               "4\tnot\t_\tPART\t_\t_\t_\t_\t_\t_\n"
                               "5\tgo\t_\tVERB\t_\t_\t_\t_\t_\tSpacesAfter=\\s\\s\n\n"
                               "1\tx\t_\tPRON\t_\t_\t_\t_\t_\t_\n\n";
    char path[512];
    lk_test_tmp_path(path, sizeof path, "space.conllu");
    lk_test_write_file(path, data, sizeof data - 1);
    lk_tagged_corpus c;
    lk_error err;
    assert_int_equal(lk_tagged_corpus_load(path, LK_TAGGED_CONLLU, &c, &err), LK_OK);
    assert_int_equal(c.n_sents, 3);
    assert_true(c.sents[0].space_marked);
    assert_false(c.sents[0].tokens[0].no_space_after);
    assert_true(c.sents[0].tokens[1].no_space_after);
    assert_false(c.sents[0].tokens[2].no_space_after);
    assert_true(c.sents[1].space_marked);
    assert_int_equal(c.sents[1].n, 5);
    static const bool want[] = {true, true, true, false, false}; /* do n't|can not go */
    for (size_t i = 0; i < 5; i++) assert_int_equal(c.sents[1].tokens[i].no_space_after, want[i]);
    assert_false(c.sents[2].space_marked);
    assert_false(c.sents[2].tokens[0].no_space_after);
    lk_tagged_corpus_free(&c);
}

/* ---- word/TAG and tokens -------------------------------------------------------------- */

static void test_slash_good(void **state)
{
    (void)state;
    lk_sentence_reader *r = NULL;
    lk_error err;
    lk_sentence s;
    bool got;
    assert_int_equal(lk_sentence_reader_open("data/corpus_slash.txt", LK_TAGGED_SLASH, &r, &err),
                     LK_OK);
    assert_int_equal(lk_sentence_next(r, &s, &got, &err), LK_OK);
    assert_true(got);
    assert_int_equal(s.n, 5);
    assert_int_equal(s.line, 1);
    assert_null(s.text);
    assert_token(&s.tokens[0], "The", "_", "at", "at");
    assert_token(&s.tokens[1], "1/2", "_", "CD", "CD"); /* split at the last '/' */
    assert_token(&s.tokens[2], "/", "_", "in", "in");
    assert_token(&s.tokens[3], "/l/", "_", "nn", "nn");
    assert_token(&s.tokens[4], ".", "_", ".", ".");
    assert_int_equal(lk_sentence_next(r, &s, &got, &err), LK_OK);
    assert_true(got);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.line, 3); /* blank line 2 skipped */
    assert_int_equal(s.token_lines[1], 3);
    assert_token(&s.tokens[0], "\xE4\xB8\xAD\xE6\x96\x87", "_", "NN", "NN");
    assert_token(&s.tokens[1], "x", "_", "y", "y");
    assert_int_equal(lk_sentence_next(r, &s, &got, &err), LK_OK);
    assert_false(got);
    lk_sentence_reader_free(r);
}

static void test_slash_malformed(void **state)
{
    (void)state;
    expect_sentence_error("data/corpus_slash_bad.txt", LK_TAGGED_SLASH, 1,
                          "data/corpus_slash_bad.txt:2:7: no '/' in \"word\"");
    static const bad_case cases[] = {
        {"a/B /C\n", "bad.txt:1:5: empty word in \"/C\""},
        {"a/B  cd/\n", "bad.txt:1:6: empty tag in \"cd/\""},
        {"\xC3\xA9/X b/\xE0\x80\x80\n", "bad.txt:1:7: invalid UTF-8 byte 0xE0"},
    };
    char path[512];
    lk_test_tmp_path(path, sizeof path, "bad.txt");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lk_test_write_file(path, cases[i].line, strlen(cases[i].line));
        lk_sentence_reader *r = NULL;
        lk_error err;
        lk_sentence s;
        bool got;
        assert_int_equal(lk_sentence_reader_open(path, LK_TAGGED_SLASH, &r, &err), LK_OK);
        lk_status st = lk_sentence_next(r, &s, &got, &err);
        if (st != LK_ERR_PARSE) fail_msg("case %zu: status %d", i, (int)st);
        assert_msg_has(err, cases[i].msg);
        lk_sentence_reader_free(r);
    }
}

static void test_tokens_format(void **state)
{
    (void)state;
    lk_tagged_corpus c;
    lk_error err;
    assert_int_equal(lk_tagged_corpus_load("data/corpus_tokens.txt", LK_TAGGED_TOKENS, &c, &err),
                     LK_OK);
    assert_int_equal(c.n_sents, 2);
    assert_int_equal(c.n_tokens, 4);
    assert_int_equal(c.sents[0].n, 3);
    assert_token(&c.sents[0].tokens[0], "a", "_", "_", "_");
    assert_token(&c.sents[0].tokens[2], "c", "_", "_", "_");
    assert_int_equal(c.sents[1].line, 3);
    assert_token(&c.sents[1].tokens[0], "d", "_", "_", "_");
    lk_tagged_corpus_free(&c);
}

/* lk_tagged_corpus_read: chunks of at most max_sents, *more false at the end, and on a bad
   sentence the ones before it are kept (the tagger prints them before the error). */
static void test_tagged_corpus_read_chunks(void **state)
{
    (void)state;
    static const char data[] = "a/X b/Y\nc/X\nd/Y e/X f/Y\ng/X\nh/Y\nbad\ni/X\n";
    char path[512];
    lk_test_tmp_path(path, sizeof path, "chunks.slash");
    lk_test_write_file(path, data, sizeof data - 1);
    lk_sentence_reader *r = NULL;
    lk_error err;
    lk_error_clear(&err);
    assert_int_equal(lk_sentence_reader_open(path, LK_TAGGED_SLASH, &r, &err), LK_OK);
    lk_tagged_corpus c = {0};
    bool more = false;
    assert_int_equal(lk_tagged_corpus_read(r, 2, &c, &more, &err), LK_OK);
    assert_true(more);
    assert_int_equal(c.n_sents, 2);
    assert_int_equal(c.n_tokens, 3);
    assert_token(&c.sents[1].tokens[0], "c", "_", "X", "X");
    lk_tagged_corpus_free(&c);
    assert_int_equal(lk_tagged_corpus_read(r, 2, &c, &more, &err), LK_OK);
    assert_int_equal(c.n_sents, 2);
    assert_int_equal(c.n_tokens, 4);
    assert_token(&c.sents[0].tokens[2], "f", "_", "Y", "Y");
    assert_int_equal(c.sents[1].line, 4);
    lk_tagged_corpus_free(&c);
    /* line 6 has no '/': the error names it; line 5's sentence stays */
    assert_int_equal(lk_tagged_corpus_read(r, 10, &c, &more, &err), LK_ERR_PARSE);
    assert_int_equal(c.n_sents, 1);
    assert_token(&c.sents[0].tokens[0], "h", "_", "Y", "Y");
    assert_int_equal(err.line, 6);
    lk_tagged_corpus_free(&c);
    lk_sentence_reader_free(r);

    /* the whole file in one call, then the end */
    static const char good[] = "a/X\nb/Y\n";
    lk_test_write_file(path, good, sizeof good - 1);
    assert_int_equal(lk_sentence_reader_open(path, LK_TAGGED_SLASH, &r, &err), LK_OK);
    more = true;
    assert_int_equal(lk_tagged_corpus_read(r, 100, &c, &more, &err), LK_OK);
    assert_false(more);
    assert_int_equal(c.n_sents, 2);
    lk_tagged_corpus_free(&c);
    assert_int_equal(lk_tagged_corpus_read(r, 100, &c, &more, &err), LK_OK);
    assert_false(more);
    assert_int_equal(c.n_sents, 0);
    lk_tagged_corpus_free(&c);
    lk_sentence_reader_free(r);
    unlink(path);
}

/* lk_docs_open_as: messages name the given name (a server's "body"), not the file's path. */
static void test_docs_open_as_names_the_input(void **state)
{
    (void)state;
    char path[512];
    lk_test_tmp_path(path, sizeof path, "spool-123.jsonl");
    const char *text = "{\"id\": \"a\", \"text\": \"fine\"}\n{\"id\": \"b\", \"text\": 5}\n";
    lk_test_write_file(path, text, strlen(text));
    lk_docs_reader *r = NULL;
    lk_error err;
    lk_error_clear(&err);
    assert_int_equal(lk_docs_open_as(path, "body", LK_DOCS_JSONL, &r, &err), LK_OK);
    lk_doc d;
    bool got = false;
    assert_int_equal(lk_docs_next(r, &d, &got, &err), LK_OK);
    assert_true(got);
    assert_int_equal(lk_docs_next(r, &d, &got, &err), LK_ERR_PARSE);
    assert_int_equal(strncmp(err.msg, "body:2:", 7), 0);
    assert_int_equal(err.line, 2);
    assert_null(strstr(err.msg, "spool-123"));
    lk_docs_free(r);
    unlink(path);
}

/* A folder's files with nothing to index (0 bytes, white space, Unicode spaces too, an HTML
   body that is only a script) are read as documents and counted as empty, the first path
   named; a title alone is not empty; skipped files are counted apart. */
static void test_docs_dir_counts_empty(void **state)
{
    (void)state;
    char dir[512], path[600];
    lk_test_tmp_path(dir, sizeof dir, "emptydocs");
    assert_int_equal(mkdir(dir, 0777), 0);
    static const struct {
        const char *name, *data;
        size_t n; /* 0: strlen */
    } files[] = {{"a.txt", "", 0},
                 {"b.md", " \n\t\r\n", 0},
                 {"c.txt", "\xc2\xa0\n\xe3\x80\x80", 0}, /* U+00A0, U+3000 */
                 {"d.html", "<html><body><script>x()</script></body></html>", 0},
                 {"e.txt", "Title only\n", 0},
                 {"f.txt", "Title\ntext", 0},
                 {"g.txt", "bin\0ary", 7}};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i].name);
        lk_test_write_file(path, files[i].data,
                           files[i].n ? files[i].n : strlen(files[i].data));
    }
    lk_docs_reader *r = NULL;
    lk_error err;
    assert_int_equal(lk_docs_open(dir, LK_DOCS_DIR, &r, &err), LK_OK);
    lk_doc d;
    bool got = true;
    int n = 0;
    while (lk_docs_next(r, &d, &got, &err) == LK_OK && got) n++;
    assert_false(got);
    assert_int_equal(n, 6);
    const lk_docs_skipped *k = lk_docs_skips(r);
    assert_int_equal(k->empty, 4);
    assert_string_equal(k->first_empty, "a.txt");
    assert_int_equal(k->binary, 1);
    lk_docs_free(r);
    lk_test_rm_tree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_docs_open_as_names_the_input),
        cmocka_unit_test(test_jsonl_reader_good),
        cmocka_unit_test(test_jsonl_reader_errors),
        cmocka_unit_test(test_jsonl_escapes),
        cmocka_unit_test(test_jsonl_malformed),
        cmocka_unit_test(test_jsonl_deep_nesting),
        cmocka_unit_test(test_jsonl_many_keys),
        cmocka_unit_test(test_jsonl_mutations),
        cmocka_unit_test(test_docs_text_format),
        cmocka_unit_test(test_docs_dir_counts_empty),
        cmocka_unit_test(test_empty_missing_directory),
        cmocka_unit_test(test_conllu_good),
        cmocka_unit_test(test_tagged_corpus_load),
        cmocka_unit_test(test_conllu_malformed),
        cmocka_unit_test(test_conllu_bad_lines),
        cmocka_unit_test(test_conllu_crlf_bom_comments),
        cmocka_unit_test(test_conllu_space_after),
        cmocka_unit_test(test_slash_good),
        cmocka_unit_test(test_slash_malformed),
        cmocka_unit_test(test_tokens_format),
        cmocka_unit_test(test_tagged_corpus_read_chunks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
