/* Tests for text/tokenize.c: the lexkit, scikit-learn and whitespace modes. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/rng.h"
#include "text/fileio.h"
#include "text/tokenize.h"
#include "text/utf8.h"

#define JOIN_MAX 4096

/* Tokenize s with config c; return the token texts joined with '|' (static buffer), and
   check that every span lies inside s and that spans are in order. */
static const char *join_cfg(const lk_tokenizer_config *c, const char *s)
{
    static char buf[JOIN_MAX];
    lk_tokenizer *t = NULL;
    const lk_token *toks;
    size_t n, len = strlen(s), pos = 0, prev_start = 0;
    lk_error err;
    assert_int_equal(lk_tokenizer_create(c, &t), LK_OK);
    assert_int_equal(lk_tokenize(t, s, len, &toks, &n, &err), LK_OK);
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        assert_true(toks[i].start + toks[i].len <= len);
        assert_true(toks[i].len > 0);
        assert_true(toks[i].start >= prev_start);
        prev_start = toks[i].start;
        assert_int_equal(strlen(toks[i].text), toks[i].text_len);
        int w = snprintf(buf + pos, JOIN_MAX - pos, "%s%s", i ? "|" : "", toks[i].text);
        assert_true(w > 0 && (size_t)w < JOIN_MAX - pos);
        pos += (size_t)w;
    }
    lk_tokenizer_free(t);
    return buf;
}

static const char *join(const char *s)
{
    lk_tokenizer_config c = lk_tokenizer_config_default();
    return join_cfg(&c, s);
}

/* Tokenize with c and return the tokens (copied) in *out; caller frees. */
static size_t tokens_of(const lk_tokenizer_config *c, const char *s, lk_token **out)
{
    lk_tokenizer *t = NULL;
    const lk_token *toks;
    size_t n;
    lk_error err;
    assert_int_equal(lk_tokenizer_create(c, &t), LK_OK);
    assert_int_equal(lk_tokenize(t, s, strlen(s), &toks, &n, &err), LK_OK);
    *out = calloc(n + 1, sizeof **out);
    for (size_t i = 0; i < n; i++) {
        (*out)[i] = toks[i];
        (*out)[i].text = strdup(toks[i].text);
    }
    lk_tokenizer_free(t);
    return n;
}

static void free_tokens(lk_token *toks, size_t n)
{
    for (size_t i = 0; i < n; i++) free((char *)toks[i].text);
    free(toks);
}

static void check_span(const lk_token *tok, size_t start, size_t len, const char *text,
                       lk_token_kind kind)
{
    assert_int_equal(tok->start, start);
    assert_int_equal(tok->len, len);
    assert_string_equal(tok->text, text);
    assert_int_equal(tok->kind, kind);
}

static void test_english_contractions_hyphens(void **state)
{
    (void)state;
    assert_string_equal(join("Don't stop-me now, O'Neil's e-mail."),
                        "Don't|stop-me|now|,|O'Neil's|e-mail|.");
    assert_string_equal(join("don\xE2\x80\x99t"), "don\xE2\x80\x99t"); /* curly apostrophe */
    assert_string_equal(join("dogs' 'quoted' -x- a--b"), "dogs|'|'|quoted|'|-|x|-|a|-|-|b");
    lk_tokenizer_config c = lk_tokenizer_config_default();
    c.inner_apostrophe = false;
    c.inner_hyphen = false;
    assert_string_equal(join_cfg(&c, "Don't stop-me"), "Don|'|t|stop|-|me");
}

static void test_numbers(void **state)
{
    (void)state;
    assert_string_equal(join("3.14 1,000 2,5. 1.2.3 v1.2 -5 mp3 3D 1st"),
                        "3.14|1,000|2,5|.|1.2.3|v1.2|-|5|mp3|3D|1st");
    lk_token *toks;
    lk_tokenizer_config c = lk_tokenizer_config_default();
    size_t n = tokens_of(&c, "pi=3.14", &toks);
    assert_int_equal(n, 3);
    check_span(&toks[0], 0, 2, "pi", LK_TOK_WORD);
    check_span(&toks[1], 2, 1, "=", LK_TOK_SYMBOL);
    check_span(&toks[2], 3, 4, "3.14", LK_TOK_NUMBER);
    free_tokens(toks, n);
}

static void test_url_like(void **state)
{
    (void)state;
    assert_string_equal(join("see http://example.com/a?b=1 or me@x.org #tag"),
                        "see|http|:|/|/|example|.|com|/|a|?|b|=|1|or|me|@|x|.|org|#|tag");
}

static void test_filters(void **state)
{
    (void)state;
    lk_tokenizer_config c = lk_tokenizer_config_default();
    c.keep_punct = false;
    c.keep_numbers = false;
    c.keep_symbols = false;
    assert_string_equal(join_cfg(&c, "Hi, 3 cats + 2 dogs! mp3 \xF0\x9F\x98\x80"), "Hi|cats|dogs|mp3");
}

static void test_mixed_chinese(void **state)
{
    (void)state;
    const char *s = "我爱北京天安门 and NLP!";
    assert_string_equal(join(s), "我|爱|北|京|天|安|门|and|NLP|!");
    lk_token *toks;
    lk_tokenizer_config c = lk_tokenizer_config_default();
    size_t n = tokens_of(&c, s, &toks);
    assert_int_equal(n, 10);
    check_span(&toks[0], 0, 3, "我", LK_TOK_HAN);
    check_span(&toks[6], 18, 3, "门", LK_TOK_HAN);
    check_span(&toks[7], 22, 3, "and", LK_TOK_WORD);
    check_span(&toks[8], 26, 3, "NLP", LK_TOK_WORD);
    check_span(&toks[9], 29, 1, "!", LK_TOK_PUNCT);
    free_tokens(toks, n);
    c.han_chars = false;
    assert_string_equal(join_cfg(&c, s), "我爱北京天安门|and|NLP|!");
    assert_string_equal(join("中文，很难。Chinese中文"), "中|文|,|很|难|。|Chinese|中|文");
    /* Japanese: Han one by one, a kana run is one word. */
    assert_string_equal(join("日本語のテキストです"), "日|本|語|のテキストです");
}

static void test_full_width(void **state)
{
    (void)state;
    /* ＡＢＣ１２３，ｄｅｆ！ : 3 bytes per character. */
    const char *s = "\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93"
                    "\xEF\xBC\x8C\xEF\xBD\x84\xEF\xBD\x85\xEF\xBD\x86\xEF\xBC\x81";
    lk_token *toks;
    lk_tokenizer_config c = lk_tokenizer_config_default();
    size_t n = tokens_of(&c, s, &toks);
    assert_int_equal(n, 4);
    check_span(&toks[0], 0, 18, "ABC123", LK_TOK_WORD);
    check_span(&toks[1], 18, 3, ",", LK_TOK_PUNCT);
    check_span(&toks[2], 21, 9, "def", LK_TOK_WORD);
    check_span(&toks[3], 30, 3, "!", LK_TOK_PUNCT);
    free_tokens(toks, n);
    c.lower = true;
    assert_string_equal(join_cfg(&c, s), "abc123|,|def|!");
    c.nfkc = false;
    c.lower = false;
    assert_string_equal(join_cfg(&c, s), "\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3\xEF\xBC\x91\xEF\xBC"
                                         "\x92\xEF\xBC\x93|\xEF\xBC\x8C|\xEF\xBD\x84\xEF\xBD\x85"
                                         "\xEF\xBD\x86|\xEF\xBC\x81");
    /* Half-width katakana with voiced marks: ｶﾞｷﾞ -> ガギ. */
    n = tokens_of(&(lk_tokenizer_config){.mode = LK_TOKMODE_LEXKIT, .nfkc = true},
                  "x \xEF\xBD\xB6\xEF\xBE\x9E\xEF\xBD\xB7\xEF\xBE\x9E y", &toks);
    assert_int_equal(n, 3);
    check_span(&toks[1], 2, 12, "\xE3\x82\xAC\xE3\x82\xAE", LK_TOK_WORD);
    check_span(&toks[2], 15, 1, "y", LK_TOK_WORD);
    free_tokens(toks, n);
    /* Classified after NFKC: superscript two and a circled one are digits of a number. */
    assert_string_equal(join("x\xC2\xB2 \xE2\x91\xA0\xE2\x91\xA1"), "x2|12");
}

/* A comma NFKC made of a full-width (U+FF0C) or small (U+FE50) one joins digits only as a
   thousands separator, as Chinese writes no decimal comma: 页10，2005年 has the number 2005.
   An ASCII ',' joins any digits, as before; wide_comma_thousands off joins both. */
static void test_wide_comma_numbers(void **state)
{
    (void)state;
    assert_string_equal(join("页10，2005年 比分3，2 1,234 3,2"),
                        "页|10|,|2005|年|比|分|3|,|2|1,234|3,2");
    assert_string_equal(join("１，２００ ２０１１，１２ 1，234，567 1，234，5"),
                        "1,200|2011|,|12|1,234,567|1,234|,|5");
    assert_string_equal(join("第3，第4 3，2 and 1,5 3，2,5"), "第|3|,|第|4|3|,|2|and|1,5|3|,|2,5");
    /* after a decimal point, never; a small comma as a full-width one; 、 and ﹑ never join */
    assert_string_equal(join("1.5，234 1，234.5 1﹐5 1﹐500 3、2 3﹑2"),
                        "1.5|,|234|1,234.5|1|,|5|1,500|3|、|2|3|、|2");
    lk_token *toks;
    lk_tokenizer_config c = lk_tokenizer_config_default();
    c.lower = true; /* NFKC with case folding: the same tokens and spans */
    size_t n = tokens_of(&c, "页10，2005年", &toks);
    assert_int_equal(n, 5);
    check_span(&toks[1], 3, 2, "10", LK_TOK_NUMBER);
    check_span(&toks[2], 5, 3, ",", LK_TOK_PUNCT);
    check_span(&toks[3], 8, 4, "2005", LK_TOK_NUMBER);
    check_span(&toks[4], 12, 3, "年", LK_TOK_HAN);
    free_tokens(toks, n);
    n = tokens_of(&c, "２０１１，１２ 1，200", &toks);
    assert_int_equal(n, 4);
    check_span(&toks[0], 0, 12, "2011", LK_TOK_NUMBER);
    check_span(&toks[1], 12, 3, ",", LK_TOK_PUNCT);
    check_span(&toks[2], 15, 6, "12", LK_TOK_NUMBER);
    check_span(&toks[3], 22, 7, "1,200", LK_TOK_NUMBER);
    free_tokens(toks, n);
    c.wide_comma_thousands = false; /* the tokenizer of before */
    assert_string_equal(join_cfg(&c, "页10，2005年 3，2 ２０１１，１２ 1.5，234 1﹐5"),
                        "页|10,2005|年|3,2|2011,12|1.5,234|1,5");
    c = lk_tokenizer_config_default();
    c.nfkc = false; /* ， stays itself, a punctuation mark */
    assert_string_equal(join_cfg(&c, "10，2005 1，200"), "10|，|2005|1|，|200");
}

/* A word ending in a digit goes on over '.' and digits (word_decimals): version strings and
   PM2.5 are one word; a final '.', '.' before a letter and ',' still split. */
static void test_word_decimals(void **state)
{
    (void)state;
    assert_string_equal(join("v2.0.1 released 1.2.3 3.10.4 PM2.5 Python3.10. v2. x1.y"),
                        "v2.0.1|released|1.2.3|3.10.4|PM2.5|Python3.10|.|v2|.|x1|.|y");
    assert_string_equal(join("v1.2,3 ｖ２．０ e.g. U.S. 2.0.1v"), "v1.2|,|3|v2.0|e|.|g|.|U|.|S|.|2.0.1v");
    lk_token *toks;
    lk_tokenizer_config c = lk_tokenizer_config_default();
    size_t n = tokens_of(&c, "see v2.0.1.", &toks);
    assert_int_equal(n, 3);
    check_span(&toks[1], 4, 6, "v2.0.1", LK_TOK_WORD);
    check_span(&toks[2], 10, 1, ".", LK_TOK_PUNCT);
    free_tokens(toks, n);
    c.word_decimals = false; /* the tokenizer of before (search indexes of tokenizer=2) */
    assert_string_equal(join_cfg(&c, "v2.0.1 1.2.3 PM2.5"), "v2|.|0.1|1.2.3|PM2|.|5");
}

static void test_emoji(void **state)
{
    (void)state;
    /* family (ZWJ sequence), thumbs up + skin tone, two flags, heart + VS16 */
    const char *family = "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7";
    const char *thumb = "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD";
    const char *us = "\xF0\x9F\x87\xBA\xF0\x9F\x87\xB8", *fr = "\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7";
    const char *heart = "\xE2\x9D\xA4\xEF\xB8\x8F";
    char s[256], want[256];
    snprintf(s, sizeof s, "hi %s %s%s%s!%s", family, thumb, us, fr, heart);
    snprintf(want, sizeof want, "hi|%s|%s|%s|%s|!|%s", family, thumb, us, fr, heart);
    assert_string_equal(join(s), want);
    lk_token *toks;
    lk_tokenizer_config c = lk_tokenizer_config_default();
    size_t n = tokens_of(&c, s, &toks);
    assert_int_equal(n, 7);
    check_span(&toks[1], 3, 18, family, LK_TOK_SYMBOL);
    check_span(&toks[2], 22, 8, thumb, LK_TOK_SYMBOL);
    check_span(&toks[3], 30, 8, us, LK_TOK_SYMBOL);
    check_span(&toks[4], 38, 8, fr, LK_TOK_SYMBOL);
    check_span(&toks[5], 46, 1, "!", LK_TOK_PUNCT);
    check_span(&toks[6], 47, 6, heart, LK_TOK_SYMBOL);
    free_tokens(toks, n);
    /* Symbols are one per token; an emoji glued to words splits them. */
    assert_string_equal(join("a\xF0\x9F\x98\x80" "b $5 \xE2\x82\xAC"), "a|\xF0\x9F\x98\x80|b|$|5|\xE2\x82\xAC");
}

static void test_combining_marks(void **state)
{
    (void)state;
    lk_token *toks;
    lk_tokenizer_config c = lk_tokenizer_config_default();
    /* e + U+0301 composes under NFKC; the span covers both input code points. */
    size_t n = tokens_of(&c, "cafe\xCC\x81 ok", &toks);
    assert_int_equal(n, 2);
    check_span(&toks[0], 0, 6, "caf\xC3\xA9", LK_TOK_WORD);
    check_span(&toks[1], 7, 2, "ok", LK_TOK_WORD);
    free_tokens(toks, n);
    c.nfkc = false;
    n = tokens_of(&c, "cafe\xCC\x81 ok", &toks);
    check_span(&toks[0], 0, 6, "cafe\xCC\x81", LK_TOK_WORD);
    free_tokens(toks, n);
    /* A mark attaches to a punctuation or Han token; a leading mark is dropped. */
    c.nfkc = true;
    assert_string_equal(join_cfg(&c, "!\xCC\x81 \xCC\x81x \xE4\xB8\xAD\xEF\xB8\x80"),
                        "!\xCC\x81|x|\xE4\xB8\xAD\xEF\xB8\x80");
    /* Hindi: vowel signs (Mc/Mn) stay inside the word. */
    assert_string_equal(join("\xE0\xA4\xB9\xE0\xA4\xBF\xE0\xA4\xA8\xE0\xA5\x8D\xE0\xA4\xA6\xE0\xA5\x80 x"),
                        "\xE0\xA4\xB9\xE0\xA4\xBF\xE0\xA4\xA8\xE0\xA5\x8D\xE0\xA4\xA6\xE0\xA5\x80|x");
}

static void test_greek_cyrillic(void **state)
{
    (void)state;
    lk_tokenizer_config c = lk_tokenizer_config_default();
    c.lower = true;
    /* ΟΔΥΣΣΕΥΣ Привет, МИР! -> full case folding (final sigma folds to σ) */
    assert_string_equal(join_cfg(&c, "\xCE\x9F\xCE\x94\xCE\xA5\xCE\xA3\xCE\xA3\xCE\x95\xCE\xA5\xCE\xA3 "
                                     "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82, \xD0\x9C\xD0\x98\xD0\xA0!"),
                        "\xCE\xBF\xCE\xB4\xCF\x85\xCF\x83\xCF\x83\xCE\xB5\xCF\x85\xCF\x83|"
                        "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82|,|\xD0\xBC\xD0\xB8\xD1\x80|!");
    assert_string_equal(join_cfg(&c, "Stra\xC3\x9F" "e HELLO"), "strasse|hello");
}

static void test_lower_offsets_ascii(void **state)
{
    (void)state;
    lk_token *toks;
    lk_tokenizer_config c = lk_tokenizer_config_default();
    c.lower = true;
    size_t n = tokens_of(&c, "  Hello World", &toks);
    assert_int_equal(n, 2);
    check_span(&toks[0], 2, 5, "hello", LK_TOK_WORD);
    check_span(&toks[1], 8, 5, "world", LK_TOK_WORD);
    free_tokens(toks, n);
    /* The same text with one non-ASCII character takes the normalizing path. */
    n = tokens_of(&c, "  Hello World \xC3\x89T\xC3\x89", &toks);
    assert_int_equal(n, 3);
    check_span(&toks[0], 2, 5, "hello", LK_TOK_WORD);
    check_span(&toks[1], 8, 5, "world", LK_TOK_WORD);
    check_span(&toks[2], 14, 5, "\xC3\xA9t\xC3\xA9", LK_TOK_WORD);
    free_tokens(toks, n);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    lk_tokenizer_config modes[3] = {lk_tokenizer_config_default(), lk_tokenizer_config_default(),
                                    lk_tokenizer_config_default()};
    modes[1].mode = LK_TOKMODE_SKLEARN;
    modes[2].mode = LK_TOKMODE_SPACE;
    for (int m = 0; m < 3; m++) {
        lk_tokenizer *t = NULL;
        const lk_token *toks;
        size_t n = 5;
        lk_error err;
        assert_int_equal(lk_tokenizer_create(&modes[m], &t), LK_OK);
        assert_int_equal(lk_tokenize(t, "ab\xC3(", 4, &toks, &n, &err), LK_ERR_PARSE);
        assert_string_equal(err.msg, "3: invalid UTF-8 byte 0xC3");
        assert_int_equal(n, 0);
        /* 中 then 0xFF: column 2 (columns count code points). */
        assert_int_equal(lk_tokenize(t, "\xE4\xB8\xAD\xFF", 4, &toks, &n, &err), LK_ERR_PARSE);
        assert_string_equal(err.msg, "2: invalid UTF-8 byte 0xFF");
        /* overlong '/' and a surrogate */
        assert_int_equal(lk_tokenize(t, "x \xC0\xAF", 4, &toks, &n, &err), LK_ERR_PARSE);
        assert_string_equal(err.msg, "3: invalid UTF-8 byte 0xC0");
        assert_int_equal(lk_tokenize(t, "\xED\xA0\x80", 3, &toks, &n, &err), LK_ERR_PARSE);
        assert_string_equal(err.msg, "1: invalid UTF-8 byte 0xED");
        /* the tokenizer is still usable */
        assert_int_equal(lk_tokenize(t, "ok go", 5, &toks, &n, &err), LK_OK);
        assert_int_equal(n, 2);
        lk_tokenizer_free(t);
    }
}

/* lk_tokenize_valid gives lk_tokenize's tokens on valid text (ASCII, Han, full width, mixed),
   and lk_tokenize still rejects what lk_tokenize_valid would not check. */
static void test_tokenize_valid_same(void **state)
{
    (void)state;
    static const char *const texts[] = {"Hello, World! don't stop", "\xE4\xB8\xAD\xE6\x96\x87" "abc 12.5",
                                        "\xEF\xBC\xA1\xEF\xBC\xA2 caf\xC3\xA9", ""};
    lk_tokenizer_config c = lk_tokenizer_config_default();
    c.lower = true;
    lk_tokenizer *t = NULL;
    lk_error err;
    assert_int_equal(lk_tokenizer_create(&c, &t), LK_OK);
    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
        lk_token *ref;
        size_t n_ref = tokens_of(&c, texts[k], &ref), n;
        const lk_token *toks;
        assert_int_equal(lk_tokenize_valid(t, texts[k], strlen(texts[k]), &toks, &n, &err), LK_OK);
        assert_int_equal(n, n_ref);
        for (size_t i = 0; i < n; i++)
            check_span(&toks[i], ref[i].start, ref[i].len, ref[i].text, ref[i].kind);
        free_tokens(ref, n_ref);
    }
    const lk_token *toks;
    size_t n;
    assert_int_equal(lk_tokenize(t, "ab\xC3(", 4, &toks, &n, &err), LK_ERR_PARSE);
    lk_tokenizer_free(t);
}

static void test_empty_input(void **state)
{
    (void)state;
    lk_tokenizer *t = NULL;
    lk_tokenizer_config c = lk_tokenizer_config_default();
    const lk_token *toks;
    size_t n = 9;
    lk_error err;
    assert_int_equal(lk_tokenizer_create(&c, &t), LK_OK);
    assert_int_equal(lk_tokenize(t, "", 0, &toks, &n, &err), LK_OK);
    assert_int_equal(n, 0);
    assert_int_equal(lk_tokenize(t, NULL, 0, &toks, &n, &err), LK_OK);
    assert_int_equal(n, 0);
    assert_int_equal(lk_tokenize(t, " \t\xE3\x80\x80 ", 6, &toks, &n, &err), LK_OK);
    assert_int_equal(n, 0);
    lk_tokenizer_free(t);
    lk_tokenizer_free(NULL);
    c.mode = (lk_tok_mode)42;
    assert_int_equal(lk_tokenizer_create(&c, &t), LK_ERR_ARG);
    assert_null(t);
}

static void test_space_mode(void **state)
{
    (void)state;
    lk_tokenizer_config c = lk_tokenizer_config_default();
    c.mode = LK_TOKMODE_SPACE;
    assert_string_equal(join_cfg(&c, " foo,  bar\xE3\x80\x80" "baz\tqux\xC2\xA0!! "),
                        "foo,|bar|baz|qux|!!");
    c.lower = true;
    lk_token *toks;
    size_t n = tokens_of(&c, "\xEF\xBC\xA6\xEF\xBC\xAF\xEF\xBC\xAF Bar \xE4\xB8\xAD\xE6\x96\x87", &toks);
    assert_int_equal(n, 3);
    check_span(&toks[0], 0, 9, "foo", LK_TOK_WORD);
    check_span(&toks[1], 10, 3, "bar", LK_TOK_WORD);
    check_span(&toks[2], 14, 6, "\xE4\xB8\xAD\xE6\x96\x87", LK_TOK_HAN);
    free_tokens(toks, n);
}

/* UD English (EWT) conventions: each case was checked against EWT's gold tokens. */
static void test_ud_en_mode(void **state)
{
    (void)state;
    lk_tokenizer_config c = lk_tokenizer_config_default();
    c.mode = LK_TOKMODE_UD_EN;
    static const char *const cases[][2] = {
        {"I don't think it's raining, is it?", "I|do|n't|think|it|'s|raining|,|is|it|?"},
        {"I'm sure we're fine; they've gone, you'll see, I'd go", "I|'m|sure|we|'re|fine|;|they|'ve|gone|,|you|'ll|see|,|I|'d|go"},
        {"I can't, won't, cannot: gonna wanna dont", "I|ca|n't|,|wo|n't|,|can|not|:|gon|na|wan|na|do|nt"},
        {"DON'T Bush's parents' car it\xE2\x80\x99s", "DO|N'T|Bush|'s|parents|'|car|it|\xE2\x80\x99s"},
        {"Dr. Smith of the U.S. at 3:30 p.m., e.g. Mr. Jones Inc.", "Dr.|Smith|of|the|U.S.|at|3:30|p.m.|,|e.g.|Mr.|Jones|Inc|."},
        /* letter-dot sequences are one token; ending the line, the period is the sentence's
           (EWT: Ph.D, i.e., p.m . and the U.S . at the end of a sentence) */
        {"a Ph.D. and M.Sc., B.Ed. i.e. a.m. U.S.A. or", "a|Ph.D.|and|M.Sc.|,|B.Ed.|i.e.|a.m.|U.S.A.|or"},
        {"He lives in the U.S.", "He|lives|in|the|U.S|."},
        {"at 5 p.m.  ", "at|5|p.m|."},
        {"i.e.", "i.e|."},
        {"the U.S.)", "the|U.S.|)"},
        /* @mentions and #hashtags (EWT: @Ryan, @W.a.b.b.y, #audiobooks; @ 2.975, # 1) */
        {"@alice: ask @W.a.b.b.y about #python, @bob's", "@alice|:|ask|@W.a.b.b.y|about|#python|,|@bob|'s"},
        {"deal @2.975 for #1 and # 2 @ 3", "deal|@|2.975|for|#|1|and|#|2|@|3"},
        /* a URL keeps a ')' it opened; an e-mail address or URL inside brackets */
        {"https://en.wikipedia.org/wiki/Python_(programming_language) (see https://x.org/a).",
         "https://en.wikipedia.org/wiki/Python_(programming_language)|(|see|https://x.org/a|)|."},
        {"<mailto:ann@x.org> (http://x.com/a_(b)), \"www.x.com/a\"", "<|mailto:ann@x.org|>|(|http://x.com/a_(b)|)|,|\"|www.x.com/a|\""},
        {"$1,000 or 3.5% of 1,200,000 (713-853-3989) 1969-1970", "$|1,000|or|3.5|%|of|1,200,000|(|713-853-3989|)|1969|-|1970"},
        {"see http://www.x.com/a.html, mail john.doe@enron.com.", "see|http://www.x.com/a.html|,|mail|john.doe@enron.com|."},
        {"long-term non-stop e-mail and/or b/c", "long|-|term|non-stop|e-mail|and|/|or|b/c"},
        {"Wow!!! Really...? (yes) -- ok :-)", "Wow|!!!|Really|...|?|(|yes|)|--|ok|:-)"},
        {"file.doc small.circles 81K 1st 80's", "file.doc|small|.|circles|81|K|1st|80's"},
        {"O'Neil rock'n'roll ma'am", "O'Neil|rock'n'roll|ma'am"},
        /* already split the EWT way: the clitics stay whole (re-tokenizing is idempotent) */
        {"it 's I 'm we \xE2\x80\x99re they 've you 'll I 'd do n't IT 'S", "it|'s|I|'m|we|\xE2\x80\x99re|they|'ve|you|'ll|I|'d|do|n't|IT|'S"},
        {"('s) 's, \"it\" 's", "(|'s|)|'s|,|\"|it|\"|'s"},
        {"'' he said `` ok '' \xE2\x80\x99\xE2\x80\x99", "''|he|said|``|ok|''|\xE2\x80\x99\xE2\x80\x99"},
        /* emoji as the lexkit tokenizer keeps them: one extended grapheme cluster each
           (☕️ with its variation selector, ❤️, 👍🏽, the family ZWJ sequence, the flag 🇺🇸) */
        {"coffee \xE2\x98\x95\xEF\xB8\x8F back", "coffee|\xE2\x98\x95\xEF\xB8\x8F|back"},
        {"thx \xE2\x9D\xA4\xEF\xB8\x8F \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD!",
         "thx|\xE2\x9D\xA4\xEF\xB8\x8F|\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD|!"},
        {"family \xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7 flag \xF0\x9F\x87\xBA\xF0\x9F\x87\xB8\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7",
         "family|\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7|flag|\xF0\x9F\x87\xBA\xF0\x9F\x87\xB8|\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7"},
        {"\xE2\x80\x94 \xE2\x80\x98quoted\xE2\x80\x99", "\xE2\x80\x94|\xE2\x80\x98|quoted|\xE2\x80\x99"},
        /* the lexkit tokenizer's separators: ZWSP, controls, NEL, ideographic space */
        {"a\xE2\x80\x8B" "b\x01" "c\xC2\x85" "d\xE3\x80\x80" "e\x7F" "f", "a|b|c|d|e|f"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        assert_string_equal(join_cfg(&c, cases[k][0]), cases[k][1]);
    lk_token *toks;
    size_t n = tokens_of(&c, " don't", &toks);
    assert_int_equal(n, 2);
    check_span(&toks[0], 1, 2, "do", LK_TOK_WORD);
    check_span(&toks[1], 3, 3, "n't", LK_TOK_WORD);
    free_tokens(toks, n);
    c.lower = true;
    assert_string_equal(join_cfg(&c, "It's OK"), "it|'s|ok");
}

static void test_sklearn_offsets(void **state)
{
    (void)state;
    lk_tokenizer_config c = lk_tokenizer_config_default();
    c.mode = LK_TOKMODE_SKLEARN;
    lk_token *toks;
    /* "Hello İstanbul": İ lowercases to i + U+0307, which is not \w: "i" is too short. */
    size_t n = tokens_of(&c, "Hello \xC4\xB0stanbul a x_1", &toks);
    assert_int_equal(n, 3);
    check_span(&toks[0], 0, 5, "hello", LK_TOK_WORD);
    check_span(&toks[1], 8, 7, "stanbul", LK_TOK_WORD);
    check_span(&toks[2], 18, 3, "x_1", LK_TOK_WORD);
    free_tokens(toks, n);
    c.keep_case = true;
    assert_string_equal(join_cfg(&c, "Hello World"), "Hello|World");
}

/* The fixture pair made by tests/data/tok_sklearn_gen.py with scikit-learn itself. */
static void test_sklearn_matches_fixture(void **state)
{
    (void)state;
    lk_line_reader *in = NULL, *exp = NULL;
    lk_error err;
    assert_int_equal(lk_line_reader_open("data/tok_sklearn_input.txt", &in, &err), LK_OK);
    assert_int_equal(lk_line_reader_open("data/tok_sklearn_expected.txt", &exp, &err), LK_OK);
    lk_tokenizer_config c = lk_tokenizer_config_default();
    c.mode = LK_TOKMODE_SKLEARN;
    size_t lines = 0;
    for (;;) {
        const char *a, *b;
        size_t alen, blen;
        bool got_a, got_b;
        assert_int_equal(lk_line_reader_next(in, &a, &alen, &got_a, &err), LK_OK);
        assert_int_equal(lk_line_reader_next(exp, &b, &blen, &got_b, &err), LK_OK);
        assert_int_equal(got_a, got_b);
        if (!got_a) break;
        char *line = strndup(a, alen), *want = strndup(b, blen);
        const char *got = join_cfg(&c, line);
        for (char *p = want; *p; p++)
            if (*p == ' ') *p = '|';
        if (strcmp(got, want) != 0) print_error("line %zu: got '%s' want '%s'\n", lines + 1, got, want);
        assert_string_equal(got, want);
        free(line);
        free(want);
        lines++;
    }
    assert_true(lines >= 20);
    lk_line_reader_free(in);
    lk_line_reader_free(exp);
}

/* Idempotence on EWT's own tokens: each line of data/ud_en_split.txt is a UD English EWT
   train sentence, its gold tokens joined by spaces (clitics, curly apostrophes, quotes,
   URLs, e-mail addresses, punctuation); tokenizing it gives back the same tokens. */
static void test_ud_en_split_idempotent(void **state)
{
    (void)state;
    lk_line_reader *in = NULL;
    lk_error err;
    assert_int_equal(lk_line_reader_open("data/ud_en_split.txt", &in, &err), LK_OK);
    lk_tokenizer_config c = lk_tokenizer_config_default();
    c.mode = LK_TOKMODE_UD_EN;
    size_t lines = 0;
    for (;;) {
        const char *a;
        size_t alen;
        bool got;
        assert_int_equal(lk_line_reader_next(in, &a, &alen, &got, &err), LK_OK);
        if (!got) break;
        char *line = strndup(a, alen), *want = strndup(a, alen);
        for (char *p = want; *p; p++)
            if (*p == ' ') *p = '|';
        const char *res = join_cfg(&c, line);
        if (strcmp(res, want) != 0) print_error("line %zu: got '%s' want '%s'\n", lines + 1, res, want);
        assert_string_equal(res, want);
        free(line);
        free(want);
        lines++;
    }
    assert_int_equal(lines, 40);
    lk_line_reader_free(in);
}

/* Every token's span, normalized on its own, gives the token text. */
static void test_offsets_round_trip(void **state)
{
    (void)state;
    const char *s = "Ｔｈｅ café (cafe\xCC\x81) costs €3,50 — 北京 ｶﾞ O\xE2\x80\x99Neil’s "
                    "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD ﬁne ΣΑΣ";
    lk_tokenizer_config c = lk_tokenizer_config_default();
    c.lower = true;
    lk_token *toks;
    size_t n = tokens_of(&c, s, &toks);
    assert_true(n >= 15);
    for (size_t i = 0; i < n; i++) {
        char *norm = NULL;
        size_t nl = 0;
        lk_error err;
        assert_int_equal(lk_normalize(s + toks[i].start, toks[i].len, LK_NORM_NFKC | LK_NORM_CASEFOLD,
                                      &norm, &nl, &err),
                         LK_OK);
        assert_string_equal(norm, toks[i].text);
        if (i) assert_true(toks[i].start >= toks[i - 1].start + toks[i - 1].len);
        free(norm);
    }
    free_tokens(toks, n);
}

/* Seeded random mixes of ASCII, multi-byte characters, marks, emoji parts and invalid bytes:
   every mode and option set returns LK_OK with sane spans or LK_ERR_PARSE, never crashes. */
static void test_random_input(void **state)
{
    (void)state;
    static const char *const parts[] = {
        "a", "Z", "7", " ", "'", "-", ".", ",", "\t", "\xC3\xA9", "\xCC\x81", "\xE4\xB8\xAD",
        "\xEF\xBC\xA1", "\xEF\xBE\x9E", "\xEF\xBD\xB6", "\xE2\x80\x8D", "\xF0\x9F\x91\xA8",
        "\xF0\x9F\x8F\xBD", "\xF0\x9F\x87\xBA", "\xEF\xB8\x8F", "\xCE\xA3", "\xC4\xB0",
        "\xC2\xBD", "\xE1\x84\x80", "\xE1\x85\xA1", "\xEA\xB0\x80", "\xE1\x86\xA8", "\xC3\x9F",
        "\xE2\x80\x8B", "\xEF\xBB\xBF", "\x01", "\xFF", "\xC3", "\xED\xA0\x80", "\xE0\xA5\x8D",
        "\xE3\x83\xBC", "\xEE\x80\x80", "\xCD\x85", "\xE2\x84\xAB",
        "\xEF\xBC\x8C", "\xEF\xB9\x90", "\xEF\xBC\x91", /* ， ﹐ １ */
        /* for the UD English mode */
        "@", "/", ":", "http://", "n't", "'s", "www.", "...", "%", "$", "#", "\xE2\x80\x99", "com",
        "cannot", "U.S.", "Dr.", "&", "_", ":-)",
    };
    const size_t n_parts = sizeof parts / sizeof parts[0];
    lk_rng rng;
    lk_rng_seed(&rng, 20261123);
    enum { N_TOK = 8 }; /* 6: UD English, 7: UD English lowercased */
    lk_tokenizer *ts[N_TOK] = {NULL};
    for (int k = 0; k < N_TOK; k++) {
        lk_tokenizer_config c = lk_tokenizer_config_default();
        c.mode = k >= 6 ? LK_TOKMODE_UD_EN : (lk_tok_mode)(k % 3);
        c.lower = k >= 3 && k != 6;
        c.nfkc = k != 4;
        c.han_chars = k != 5;
        assert_int_equal(lk_tokenizer_create(&c, &ts[k]), LK_OK);
    }
    char buf[256];
    for (int iter = 0; iter < 3000; iter++) {
        size_t len = 0, n_pick = (size_t)lk_rng_below(&rng, 24);
        for (size_t p = 0; p < n_pick; p++) {
            const char *part = parts[lk_rng_below(&rng, n_parts)];
            size_t pl = strlen(part);
            memcpy(buf + len, part, pl);
            len += pl;
        }
        bool valid = lk_utf8_valid(buf, len, NULL);
        for (int k = 0; k < N_TOK; k++) {
            const lk_token *toks;
            size_t n;
            lk_error err;
            lk_status st = lk_tokenize(ts[k], buf, len, &toks, &n, &err);
            assert_int_equal(st, valid ? LK_OK : LK_ERR_PARSE);
            for (size_t i = 0; i < n; i++) {
                assert_true(toks[i].start + toks[i].len <= len);
                assert_true(toks[i].text_len > 0);
                assert_true(lk_utf8_valid(toks[i].text, toks[i].text_len, NULL));
                if (i) assert_true(toks[i].start >= toks[i - 1].start);
                if (k == 6) { /* UD English: the input's bytes, disjoint, in order */
                    assert_int_equal(toks[i].text_len, toks[i].len);
                    assert_memory_equal(toks[i].text, buf + toks[i].start, toks[i].len);
                    if (i) assert_true(toks[i].start >= toks[i - 1].start + toks[i - 1].len);
                }
            }
        }
    }
    for (int k = 0; k < N_TOK; k++) lk_tokenizer_free(ts[k]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_english_contractions_hyphens),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_url_like),
        cmocka_unit_test(test_filters),
        cmocka_unit_test(test_mixed_chinese),
        cmocka_unit_test(test_full_width),
        cmocka_unit_test(test_wide_comma_numbers),
        cmocka_unit_test(test_word_decimals),
        cmocka_unit_test(test_emoji),
        cmocka_unit_test(test_combining_marks),
        cmocka_unit_test(test_greek_cyrillic),
        cmocka_unit_test(test_lower_offsets_ascii),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_tokenize_valid_same),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_space_mode),
        cmocka_unit_test(test_sklearn_offsets),
        cmocka_unit_test(test_ud_en_mode),
        cmocka_unit_test(test_ud_en_split_idempotent),
        cmocka_unit_test(test_sklearn_matches_fixture),
        cmocka_unit_test(test_offsets_round_trip),
        cmocka_unit_test(test_random_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
