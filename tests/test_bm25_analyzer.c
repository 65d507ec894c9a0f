/* test_bm25_analyzer.c: the BM25 analyzer: lowercasing, punctuation dropped, stop words,
   Snowball stemming, Han unigrams + bigrams, and the settings round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "features/search/analyzer.h"
#include "features/search/bm25_text.h"
#include "tests/bm25_testutil.h"
#include "tests/testutil.h"

static void test_english(void **state)
{
    (void)state;
    lk_analyzer_config c = lk_analyzer_config_default();
    c.lang = LK_LANG_EN;
    lk_analyzer *a = NULL;
    lk_error err;
    char out[256];
    assert_int_equal(lk_analyzer_create(&c, &a, &err), LK_OK);
    lk_test_analyze(a, "The Cats, running; 3.5 km!", out, sizeof out);
    assert_string_equal(out, "the|cats|running|3.5|km");
    lk_test_analyze(a, "北京大学", out, sizeof out); /* en: Han unigrams only */
    assert_string_equal(out, "北|京|大|学");
    lk_analyzer_free(a);

    c.stem = true;
    c.zh_script = LK_ZH_SCRIPT_SIMPLIFIED; /* the settings of before: no han_fold line */
    c.stopwords = "the\n# comment\nAND\n";
    c.stopwords_len = strlen(c.stopwords);
    assert_int_equal(lk_analyzer_create(&c, &a, &err), LK_OK);
    lk_test_analyze(a, "The cats and running ponies", out, sizeof out);
    assert_string_equal(out, "cat|run|poni");
    size_t len;
    const char *s = lk_analyzer_settings(a, &len);
    assert_string_equal(s, "lexkit-analyzer 1\nlang=en\nlower=1\nstem=english\nstopwords=2\nthe\nand\n"
                           "tokenizer=3\n");
    lk_analyzer *b = NULL;
    assert_int_equal(lk_analyzer_from_settings(s, len, &b, &err), LK_OK);
    lk_test_analyze(b, "THE Ponies AND", out, sizeof out);
    assert_string_equal(out, "poni");
    lk_analyzer_free(b);
    lk_analyzer_free(a);
    assert_int_equal(lk_analyzer_from_settings("lexkit-analyzer 1\nlang=xx\n", 26, &b, &err),
                     LK_ERR_FORMAT);
    assert_null(b);
}

/* --analyzer english: hyphens split, Latin accents folded, possessives dropped, Lucene's
   stop list, Snowball stemming; its settings (v2) round trip. */
static void test_english_analyzer(void **state)
{
    (void)state;
    lk_analyzer_config c = lk_analyzer_config_default();
    c.kind = LK_ANALYZER_ENGLISH;
    lk_analyzer *a = NULL, *b = NULL;
    lk_error err;
    char out[512];
    assert_int_equal(lk_analyzer_create(&c, &a, &err), LK_OK);
    lk_test_analyze(a, "The Café's state-of-the-art naïve dog\xe2\x80\x99s it's Ærøskøbing "
                       "Łódź straße, running ponies", out, sizeof out);
    /* the, of, it: stop words (it's -> it); café's -> cafe; ’s as 's */
    assert_string_equal(out, "cafe|state|art|naiv|dog|aeroskob|lodz|strass|run|poni");
    lk_test_analyze(a, "Eyjafjallaj\xc3\xb6kull EYJAFJALLAJOKULL", out, sizeof out);
    assert_string_equal(out, "eyjafjallajokul|eyjafjallajokul");
    lk_test_analyze(a, "北京大学 3.5", out, sizeof out); /* Han and numbers as before */
    assert_string_equal(out, "北|京|北京|大|京大|学|大学|3.5");
    size_t len;
    const char *s = lk_analyzer_settings(a, &len);
    assert_non_null(strstr(s, "lexkit-analyzer 2\nanalyzer=english\nlang=auto\nlower=1\n"
                              "stem=english\nstopwords=33\na\nan\nand\n"));
    assert_int_equal(lk_analyzer_from_settings(s, len, &b, &err), LK_OK);
    lk_test_analyze(b, "The Café's state-of-the-art", out, sizeof out);
    assert_string_equal(out, "cafe|state|art");
    lk_analyzer_free(b);
    lk_analyzer_free(a);

    /* İ lowercases to i + U+0307 (no precomposed form): the mark after a Latin letter is
       dropped as the accents of é are, so İstanbul is istanbul; a mark after another script's
       letter stays (Devanagari कि) */
    assert_int_equal(lk_analyzer_create(&c, &a, &err), LK_OK);
    lk_test_analyze(a, "Flights to \xc4\xb0stanbul, istanbul ISTANBUL e\xcc\x81\xcc\xa3t\xc3\xa9 "
                       "\xe0\xa4\x95\xe0\xa4\xbf", out, sizeof out);
    assert_string_equal(out, "flight|istanbul|istanbul|istanbul|ete|\xe0\xa4\x95\xe0\xa4\xbf");
    /* ’ (U+2019) and ʼ (U+02BC) inside a word are ', as Xapian's TermGenerator reads ’:
       O’Neal and O'Neal are one term, and the possessive of O’Neal’s goes as 's does */
    lk_test_analyze(a, "O\xe2\x80\x99Neal doesn\xe2\x80\x99t O'Neal doesn't O\xe2\x80\x99Neal\xe2\x80\x99s "
                       "O\xca\xbcNeal", out, sizeof out);
    assert_string_equal(out, "o'neal|doesn't|o'neal|doesn't|o'neal|o'neal");
    lk_analyzer_free(a);
    /* the plain analyzer keeps both as they were */
    lk_analyzer_config pc = lk_analyzer_config_default();
    assert_int_equal(lk_analyzer_create(&pc, &a, &err), LK_OK);
    lk_test_analyze(a, "\xc4\xb0stanbul O\xe2\x80\x99Neal", out, sizeof out);
    assert_string_equal(out, "i\xcc\x87stanbul|o\xe2\x80\x99neal");
    lk_analyzer_free(a);

    /* --stopwords replaces Lucene's list; the stop words are folded like the text */
    c.stopwords = "Café\n";
    c.stopwords_len = strlen(c.stopwords);
    assert_int_equal(lk_analyzer_create(&c, &a, &err), LK_OK);
    lk_test_analyze(a, "the cafe's CAFÉ", out, sizeof out);
    assert_string_equal(out, "the");
    lk_analyzer_free(a);

    /* an unknown analyzer name (a newer lexkit) is refused clearly */
    const char *bad = "lexkit-analyzer 2\nanalyzer=french\nlang=en\n";
    assert_int_equal(lk_analyzer_from_settings(bad, strlen(bad), &b, &err), LK_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "unknown analyzer \"french\""));
    assert_null(b);
    lk_analyzer_kind k;
    assert_true(lk_analyzer_kind_parse("english", &k) && k == LK_ANALYZER_ENGLISH);
    assert_true(lk_analyzer_kind_parse("plain", &k) && k == LK_ANALYZER_PLAIN);
    assert_false(lk_analyzer_kind_parse("English", &k));
}

/* The stop-word text is read by lk_stop_words_parse, as bow's --stop-words FILE: comments
   (a line's or after a word), blank lines, white space around a word and a BOM skipped; a
   bad file is LK_ERR_PARSE naming file:line:col; each word is then analyzed as the text. */
static void test_stopword_file(void **state)
{
    (void)state;
    lk_analyzer_config c = lk_analyzer_config_default();
    c.stem = true;
    c.stopwords = "\xEF\xBB\xBFThe\r\n# comment\n\n  Running\t # trailing comment\n"
                  "state-of-the-art\n";
    c.stopwords_len = strlen(c.stopwords);
    c.stopwords_path = "sw.txt";
    lk_analyzer *a = NULL;
    lk_error err;
    char out[256];
    assert_int_equal(lk_analyzer_create(&c, &a, &err), LK_OK);
    lk_test_analyze(a, "The runner, running: state-of-the-art runs", out, sizeof out);
    assert_string_equal(out, "runner|run"); /* plain: stop words before stemming */
    size_t len;
    assert_non_null(strstr(lk_analyzer_settings(a, &len),
                           "stopwords=3\nthe\nrunning\nstate-of-the-art\n"));
    lk_analyzer_free(a);
    static const struct {
        const char *text;
        size_t len;
        const char *msg;
    } bad[] = {
#define BAD(s, msg) {s, sizeof s - 1, msg} /* the length of the literal, NUL inside kept */
        BAD("the\nbad\xff\n", "sw.txt:2:4: invalid UTF-8 byte 0xFF"),
        BAD("the\nb\0c\n", "sw.txt:2:2: NUL byte: stop words are UTF-8 text"),
        BAD("the\n# c\nnew york\n", "sw.txt:3:4: white space inside a stop word"),
        BAD("a b\n", "stopwords:1:2: white space inside a stop word"), /* no path */
#undef BAD
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        c.stopwords = bad[i].text;
        c.stopwords_len = bad[i].len;
        c.stopwords_path = i == 3 ? NULL : "sw.txt";
        assert_int_equal(lk_analyzer_create(&c, &a, &err), LK_ERR_PARSE);
        assert_null(a);
        if (!strstr(err.msg, bad[i].msg)) fail_msg("case %zu: '%s'", i, err.msg);
    }
}

static void test_chinese(void **state)
{
    (void)state;
    lk_analyzer_config c = lk_analyzer_config_default();
    c.lang = LK_LANG_ZH;
    lk_analyzer *a = NULL;
    lk_error err;
    char out[256];
    assert_int_equal(lk_analyzer_create(&c, &a, &err), LK_OK);
    lk_test_analyze(a, "北京大学，在 中国", out, sizeof out);
    /* bigrams only between adjacent Han characters (not across the comma or the space) */
    assert_string_equal(out, "北|京|北京|大|京大|学|大学|在|中|国|中国");
    lk_test_analyze(a, "iPhone手机", out, sizeof out);
    assert_string_equal(out, "iphone|手|机|手机");
    lk_analyzer_reset(a);
    assert_int_equal(lk_analyzer_add(a, "ok \xff", 4, &err), LK_ERR_PARSE);
    lk_analyzer_free(a);
}

/* zh_script auto/traditional without a model: each Han character of documents, queries
   and stop words is mapped to simplified (t2s) before unigrams and bigrams are made; the
   settings record it (han_fold) and round trip; settings without the line do not map. */
static void test_chinese_script_fold(void **state)
{
    (void)state;
    lk_analyzer_config c = lk_analyzer_config_default();
    c.lang = LK_LANG_ZH;
    assert_int_equal(c.zh_script, LK_ZH_SCRIPT_AUTO);
    c.stopwords = "的\n個\n";
    c.stopwords_len = strlen(c.stopwords);
    lk_analyzer *a = NULL, *b = NULL;
    lk_error err;
    char out[256];
    assert_int_equal(lk_analyzer_create(&c, &a, &err), LK_OK);
    lk_test_analyze(a, "長江大橋", out, sizeof out);
    assert_string_equal(out, "长|江|长江|大|江大|桥|大桥");
    lk_test_analyze(a, "长江大桥", out, sizeof out); /* simplified text is unchanged */
    assert_string_equal(out, "长|江|长江|大|江大|桥|大桥");
    lk_test_analyze(a, "一個的", out, sizeof out); /* 個 -> 个: a stop word either way */
    assert_string_equal(out, "一|一个|个的");
    size_t len;
    const char *s = lk_analyzer_settings(a, &len);
    assert_non_null(strstr(s, "\nhan_fold=t2s\n"));
    assert_int_equal(lk_analyzer_from_settings(s, len, &b, &err), LK_OK);
    lk_test_analyze(b, "黃河", out, sizeof out);
    assert_string_equal(out, "黄|河|黄河");
    lk_analyzer_free(b);
    lk_analyzer_free(a);
    /* settings of before (no han_fold): traditional characters stay */
    const char *old = "lexkit-analyzer 1\nlang=zh\nlower=1\nstem=none\nstopwords=0\n";
    assert_int_equal(lk_analyzer_from_settings(old, strlen(old), &b, &err), LK_OK);
    lk_test_analyze(b, "黃河", out, sizeof out);
    assert_string_equal(out, "黃|河|黃河");
    lk_analyzer_free(b);
    c.zh_script = LK_ZH_SCRIPT_SIMPLIFIED;
    assert_int_equal(lk_analyzer_create(&c, &a, &err), LK_OK);
    lk_test_analyze(a, "黃河", out, sizeof out);
    assert_string_equal(out, "黃|河|黃河");
    s = lk_analyzer_settings(a, &len);
    assert_null(strstr(s, "han_fold"));
    lk_analyzer_free(a);
    const char *badv = "lexkit-analyzer 1\nlang=zh\nlower=1\nstem=none\nstopwords=0\nhan_fold=x\n";
    assert_int_equal(lk_analyzer_from_settings(badv, strlen(badv), &b, &err), LK_ERR_FORMAT);
    assert_null(b);
}

/* The title weight: default 1 and absent from the settings (indexes byte-identical to
   before); 2..100 recorded as title_weight=N and read back; out of range refused, and
   malformed values in settings are a format error. */
static void test_title_weight(void **state)
{
    (void)state;
    lk_analyzer_config c = lk_analyzer_config_default();
    lk_analyzer *a = NULL, *b = NULL;
    lk_error err;
    size_t len;
    assert_int_equal(lk_analyzer_create(&c, &a, &err), LK_OK);
    assert_int_equal(lk_analyzer_title_weight(a), 1);
    assert_null(strstr(lk_analyzer_settings(a, &len), "title_weight"));
    lk_analyzer_free(a);
    c.title_weight = 7;
    assert_int_equal(lk_analyzer_create(&c, &a, &err), LK_OK);
    const char *s = lk_analyzer_settings(a, &len);
    assert_non_null(strstr(s, "\ntitle_weight=7\n"));
    assert_int_equal(lk_analyzer_from_settings(s, len, &b, &err), LK_OK);
    assert_int_equal(lk_analyzer_title_weight(b), 7);
    lk_analyzer_free(b);
    lk_analyzer_free(a);
    c.title_weight = LK_ANALYZER_TITLE_WEIGHT_MAX + 1;
    assert_int_equal(lk_analyzer_create(&c, &a, &err), LK_ERR_ARG);
    assert_null(a);
    c.title_weight = -1;
    assert_int_equal(lk_analyzer_create(&c, &a, &err), LK_ERR_ARG);
    const char *bad[] = {"title_weight=1\n", "title_weight=0\n", "title_weight=x\n",
                         "title_weight=101\n", "title_weight=\n", "title_weight=0003\n"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char buf[200];
        snprintf(buf, sizeof buf, "lexkit-analyzer 1\nlang=zh\nlower=1\nstem=none\nstopwords=0\n%s",
                 bad[i]);
        assert_int_equal(lk_analyzer_from_settings(buf, strlen(buf), &b, &err), LK_ERR_FORMAT);
        assert_null(b);
    }
}

/* Settings of an english index as lexkit wrote them before english_fold= existed (the
   folding of ’ and of marks after Latin letters came later), stop list cut to two words. */
#define OLD_ENGLISH "lexkit-analyzer 2\nanalyzer=english\nlang=auto\nlower=1\nstem=english\n" \
                    "stopwords=2\nthe\nto\nhan_fold=t2s\n"
#define O_NEAL "O\xe2\x80\x99Neal\xe2\x80\x99s"     /* O’Neal’s */
#define ISTANBUL "\xc4\xb0stanbul"                  /* İstanbul */

/* Hits of `query` in idx (searched as `lexkit search` does), their ids joined by '|'. */
static void search_ids(const lk_bm25_index *idx, const char *query, char *out, size_t cap)
{
    lk_analyzer *an = NULL;
    lk_bm25_ws *ws = NULL;
    lk_error err;
    assert_int_equal(lk_bm25_index_analyzer(idx, &an, &err), LK_OK);
    assert_int_equal(lk_bm25_ws_create(idx, &ws), LK_OK);
    lk_bm25_search_opts o = lk_bm25_search_opts_default();
    const lk_bm25_hit *h;
    size_t n, at = 0, il;
    assert_int_equal(lk_bm25_search_text(idx, ws, an, query, strlen(query), &o, &h, &n, &err),
                     LK_OK);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *id = lk_bm25_index_doc_id(idx, h[i].doc, &il);
        at += (size_t)snprintf(out + at, cap - at, "%s%.*s", i ? "|" : "", (int)il, id);
    }
    lk_bm25_ws_free(ws);
    lk_analyzer_free(an);
}

/* An index directory (its path in dir) made as a lexkit of before made it: settings (that
   lexkit's) and document d1, text analyzed by a (an analyzer of those settings) term by
   term; then the documents of jsonl added through the text pipeline (--add). */
static void old_index(const char *name, const char *settings, lk_analyzer *a, const char *text,
                      const char *jsonl, char *dir, size_t cap)
{
    char docs[600];
    lk_error err;
    lk_test_tmp_path(dir, cap, name);
    snprintf(docs, sizeof docs, "%s.jsonl", dir);
    lk_bm25_build_config bc = lk_bm25_build_config_default();
    bc.settings = settings;
    bc.settings_len = strlen(settings);
    lk_bm25_builder *bld = NULL;
    assert_int_equal(lk_bm25_builder_create(dir, &bc, &bld, &err), LK_OK);
    lk_analyzer_reset(a);
    assert_int_equal(lk_analyzer_add(a, text, strlen(text), &err), LK_OK);
    size_t nt;
    const lk_term *t = lk_analyzer_terms(a, &nt);
    assert_int_equal(lk_bm25_builder_add(bld, "d1", 2, t, nt, "old", 1, &err), LK_OK);
    assert_int_equal(lk_bm25_builder_finish(bld, &err), LK_OK);
    FILE *fp = fopen(docs, "w");
    assert_non_null(fp);
    fputs(jsonl, fp);
    assert_int_equal(fclose(fp), 0);
    lk_bm25_index_config ic = lk_bm25_index_config_default();
    ic.add = true;
    ic.threads = 1;
    lk_bm25_build_stats stats;
    assert_int_equal(lk_bm25_index_build(docs, dir, &ic, &stats, &err), LK_OK);
    remove(docs);
}

/* The english chain's folding has a version in the settings: new indexes record
   english_fold=4 (’ as ', İ as i, format characters dropped, U.S. one term); settings without it (english indexes built before) keep
   the old folding, for their documents, --add and queries alike, and keep their bytes; a
   newer version is refused naming the index. */
static void test_english_fold_versions(void **state)
{
    (void)state;
    lk_analyzer_config c = lk_analyzer_config_default();
    c.kind = LK_ANALYZER_ENGLISH;
    lk_analyzer *a = NULL, *b = NULL;
    lk_error err;
    char out[512];
    size_t len, len2;
    assert_int_equal(lk_analyzer_create(&c, &a, &err), LK_OK);
    const char *s = lk_analyzer_settings(a, &len);
    assert_non_null(strstr(s, "\nwith\ntokenizer=3\nenglish_fold=4\nhan_fold=t2s\n"));
    assert_int_equal(lk_analyzer_from_settings(s, len, &b, &err), LK_OK);
    lk_test_analyze(b, O_NEAL " " ISTANBUL, out, sizeof out);
    assert_string_equal(out, "o'neal|istanbul");
    const char *s2 = lk_analyzer_settings(b, &len2);
    assert_int_equal(len2, len);
    assert_memory_equal(s2, s, len);
    lk_analyzer_free(b);
    lk_analyzer_free(a);

    /* old settings: ’ kept (’s dropped as a possessive), i + U+0307 kept; same bytes back */
    assert_int_equal(lk_analyzer_from_settings(OLD_ENGLISH, strlen(OLD_ENGLISH), &a, &err), LK_OK);
    lk_test_analyze(a, O_NEAL " O'Neal " ISTANBUL " Caf\xc3\xa9s", out, sizeof out);
    assert_string_equal(out, "o\xe2\x80\x99neal|o'neal|i\xcc\x87stanbul|cafe");
    s = lk_analyzer_settings(a, &len);
    assert_int_equal(len, strlen(OLD_ENGLISH));
    assert_memory_equal(s, OLD_ENGLISH, len);

    /* an index directory with those settings (built term by term as that lexkit did), then
       a document added through the text pipeline (--add): both found by the query as typed */
    char dir[512];
    old_index("old-english", OLD_ENGLISH, a, "Shaquille " O_NEAL " flights to " ISTANBUL,
              "{\"id\": \"d2\", \"text\": \"Jermaine O\xe2\x80\x99Neal in " ISTANBUL "\"}\n"
              "{\"id\": \"d3\", \"text\": \"O'Neal with an ASCII apostrophe\"}\n",
              dir, sizeof dir);
    lk_analyzer_free(a);
    lk_bm25_index *idx = NULL;
    assert_int_equal(lk_bm25_index_open(dir, &idx, &err), LK_OK);
    s = lk_bm25_index_settings(idx, &len);
    assert_int_equal(len, strlen(OLD_ENGLISH));
    assert_memory_equal(s, OLD_ENGLISH, len); /* the added segment has the same settings */
    search_ids(idx, "o\xe2\x80\x99neal", out, sizeof out);
    assert_string_equal(out, "d1|d2");
    search_ids(idx, ISTANBUL, out, sizeof out);
    assert_string_equal(out, "d1|d2");
    search_ids(idx, "o'neal", out, sizeof out); /* as that index was built: another term */
    assert_string_equal(out, "d3");
    lk_bm25_index_free(idx);

    /* english_fold on a plain analyzer, a bad value, and a newer version (named) */
    const char *bad[] = {
        "lexkit-analyzer 1\nlang=en\nlower=1\nstem=none\nstopwords=0\nenglish_fold=2\n",
        "lexkit-analyzer 2\nanalyzer=english\nlang=en\nlower=1\nstem=english\nstopwords=0\n"
        "english_fold=1\n",
        "lexkit-analyzer 2\nanalyzer=english\nlang=en\nlower=1\nstem=english\nstopwords=0\n"
        "english_fold=x\n"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(lk_analyzer_from_settings(bad[i], strlen(bad[i]), &b, &err),
                         LK_ERR_FORMAT);
        assert_non_null(strstr(err.msg, "malformed analyzer settings"));
        assert_null(b);
    }
    const char *newer = "lexkit-analyzer 2\nanalyzer=english\nlang=en\nlower=1\nstem=english\n"
                        "stopwords=0\nenglish_fold=5\n";
    assert_int_equal(lk_analyzer_from_settings_dir(newer, strlen(newer), "idx", &b, &err),
                     LK_ERR_FORMAT);
    assert_string_equal(err.msg, "idx: the index's english analyzer is newer than this lexkit "
                                 "(english_fold=5, this build reads <= 4): use a newer lexkit "
                                 "or rebuild the index");
    assert_null(b);
}

/* Settings of a plain index as lexkit wrote them before tokenizer= existed. */
#define OLD_PLAIN "lexkit-analyzer 1\nlang=auto\nlower=1\nstem=none\nstopwords=0\n"
#define PAGE_2005 "页10，2005年"
/* Settings of an english index of tokenizer=2 (before v2.0.1 was one word). */
#define OLD_ENGLISH_TOKENIZER_2 "lexkit-analyzer 2\nanalyzer=english\nlang=auto\nlower=1\n" \
    "stem=english\nstopwords=2\nthe\nto\ntokenizer=2\nenglish_fold=4\nhan_fold=t2s\n"

/* The tokenizer's rules have a version in the settings: new analyzers (plain, english, zh)
   record tokenizer=3: a full-width comma joins digits only as a thousands separator
   (10，2005 is 10 and 2005, from 2) and v2.0.1 is one word (from 3); settings without it (indexes built before) keep 10,2005 as
   one term, for their documents, --add and queries alike, and keep their bytes; a newer
   version is refused naming the index. */
static void test_tokenizer_versions(void **state)
{
    (void)state;
    lk_analyzer_config c = lk_analyzer_config_default();
    lk_analyzer *a = NULL, *b = NULL;
    lk_error err;
    char out[512];
    size_t len, len2;
    for (int kind = 0; kind < 2; kind++) {
        c.kind = kind ? LK_ANALYZER_ENGLISH : LK_ANALYZER_PLAIN;
        assert_int_equal(lk_analyzer_create(&c, &a, &err), LK_OK);
        const char *s = lk_analyzer_settings(a, &len);
        assert_non_null(strstr(s, kind ? "\nwith\ntokenizer=3\n" : "stopwords=0\ntokenizer=3\n"));
        lk_test_analyze(a, PAGE_2005 " 1，200 3，2 3,2 v2.0.1", out, sizeof out);
        assert_string_equal(out, "页|10|2005|年|1,200|3|2|3,2|v2.0.1");
        assert_int_equal(lk_analyzer_from_settings(s, len, &b, &err), LK_OK);
        lk_test_analyze(b, PAGE_2005, out, sizeof out);
        assert_string_equal(out, "页|10|2005|年");
        const char *s2 = lk_analyzer_settings(b, &len2);
        assert_int_equal(len2, len);
        assert_memory_equal(s2, s, len);
        lk_analyzer_free(b);
        lk_analyzer_free(a);
    }
    /* old settings, plain and english: the number of before; same bytes back; tokenizer=2
       (before v2.0.1 was one word): 10，2005 split, v2 and 0.1 */
    const char *old[] = {OLD_PLAIN, OLD_ENGLISH, OLD_PLAIN "tokenizer=2\n",
                         OLD_ENGLISH_TOKENIZER_2};
    for (size_t i = 0; i < sizeof old / sizeof *old; i++) {
        assert_int_equal(lk_analyzer_from_settings(old[i], strlen(old[i]), &a, &err), LK_OK);
        lk_test_analyze(a, PAGE_2005 " 3，2 v2.0.1", out, sizeof out);
        assert_string_equal(out, i < 2 ? "页|10,2005|年|3,2|v2|0.1" : "页|10|2005|年|3|2|v2|0.1");
        const char *s = lk_analyzer_settings(a, &len);
        assert_int_equal(len, strlen(old[i]));
        assert_memory_equal(s, old[i], len);
        lk_analyzer_free(a);
    }

    /* an index directory with the old settings (built term by term as that lexkit did),
       then a document added through the text pipeline (--add): both keep 10,2005, found by
       the query as typed and not by 2005 */
    char dir[512];
    assert_int_equal(lk_analyzer_from_settings(OLD_PLAIN, strlen(OLD_PLAIN), &a, &err), LK_OK);
    old_index("old-tokenizer", OLD_PLAIN, a, PAGE_2005,
              "{\"id\": \"d2\", \"text\": \"第10，2005页\"}\n", dir, sizeof dir);
    lk_analyzer_free(a);
    lk_bm25_index *idx = NULL;
    assert_int_equal(lk_bm25_index_open(dir, &idx, &err), LK_OK);
    const char *s = lk_bm25_index_settings(idx, &len);
    assert_int_equal(len, strlen(OLD_PLAIN));
    assert_memory_equal(s, OLD_PLAIN, len); /* the added segment has the same settings */
    search_ids(idx, "10，2005", out, sizeof out);
    assert_string_equal(out, "d1|d2");
    search_ids(idx, "2005", out, sizeof out);
    assert_string_equal(out, "");
    lk_bm25_index_free(idx);

    /* the same documents in a new index: 2005 finds both */
    char dir2[512], docs[600];
    lk_test_tmp_path(dir2, sizeof dir2, "new-tokenizer");
    snprintf(docs, sizeof docs, "%s.jsonl", dir2);
    FILE *fp = fopen(docs, "w");
    assert_non_null(fp);
    fputs("{\"id\": \"d1\", \"text\": \"" PAGE_2005 "\"}\n{\"id\": \"d2\", \"text\": \"第10，2005页\"}\n",
          fp);
    assert_int_equal(fclose(fp), 0);
    lk_bm25_index_config ic = lk_bm25_index_config_default();
    ic.threads = 1;
    lk_bm25_build_stats stats;
    assert_int_equal(lk_bm25_index_build(docs, dir2, &ic, &stats, &err), LK_OK);
    assert_int_equal(lk_bm25_index_open(dir2, &idx, &err), LK_OK);
    assert_non_null(strstr(lk_bm25_index_settings(idx, &len), "\ntokenizer=3\n"));
    search_ids(idx, "2005", out, sizeof out);
    assert_string_equal(out, "d1|d2");
    lk_bm25_index_free(idx);
    remove(docs);

    /* a bad value, out of order, and a newer version (named) */
    const char *bad[] = {OLD_PLAIN "tokenizer=1\n", OLD_PLAIN "tokenizer=x\n",
                         OLD_PLAIN "tokenizer=\n", OLD_PLAIN "han_fold=t2s\ntokenizer=2\n",
                         OLD_PLAIN "tokenizer=2\ntokenizer=2\n"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(lk_analyzer_from_settings(bad[i], strlen(bad[i]), &b, &err),
                         LK_ERR_FORMAT);
        assert_non_null(strstr(err.msg, "malformed analyzer settings"));
        assert_null(b);
    }
    const char *newer = OLD_PLAIN "tokenizer=4\n";
    assert_int_equal(lk_analyzer_from_settings_dir(newer, strlen(newer), "idx", &b, &err),
                     LK_ERR_FORMAT);
    assert_string_equal(err.msg, "idx: the index's tokenizer is newer than this lexkit "
                                 "(tokenizer=4, this build reads <= 3): use a newer lexkit "
                                 "or rebuild the index");
    assert_null(b);
}

/* Invisible format characters inside words (a soft hyphen from &shy;, a word joiner, ZWNJ,
   a bidi mark) are dropped at index and query time by the plain analyzer and the english
   one from english_fold 3 on; english settings of fold 2 (built before) keep them, as their
   indexes hold them. Han characters with one between them still pair into a bigram. */
#define SHY "\xc2\xad"
#define WJ "\xe2\x81\xa0"
static void test_format_chars_dropped(void **state)
{
    (void)state;
    const char *text = "infor" SHY "mation co" WJ "operate 3" SHY "14 a\xe2\x80\x8c" "b\xe2\x80\x8e"
                       " \xe7\x8f\x8d" SHY "\xe7\x8f\xa0";  /* 珍­珠 */
    char out[512];
    lk_error err;
    lk_analyzer *a = NULL;
    lk_analyzer_config c = lk_analyzer_config_default();
    assert_int_equal(lk_analyzer_create(&c, &a, &err), LK_OK);
    lk_test_analyze(a, text, out, sizeof out);
    assert_string_equal(out, "information|cooperate|314|ab|\xe7\x8f\x8d|\xe7\x8f\xa0|"
                             "\xe7\x8f\x8d\xe7\x8f\xa0");
    const char *p;
    size_t pl;
    assert_int_equal(lk_analyzer_prefix(a, "infor" SHY "ma", 9, &p, &pl, &err), LK_OK);
    assert_int_equal(pl, 7);
    assert_memory_equal(p, "informa", 7);
    /* without stemming a prefix's stem is itself */
    assert_int_equal(lk_analyzer_prefix(a, "Reviews", 7, &p, &pl, &err), LK_OK);
    assert_int_equal(lk_analyzer_prefix_stem(a, &p, &pl), LK_OK);
    assert_true(pl == 7 && !memcmp(p, "reviews", 7));
    lk_analyzer_free(a);
    c.kind = LK_ANALYZER_ENGLISH;
    assert_int_equal(lk_analyzer_create(&c, &a, &err), LK_OK);
    /* the english analyzer stems a whole word typed as a prefix as the index stems it;
       comput (a stem already), numbers and abbreviations stay as they are */
    static const struct { const char *w, *stem; } stems[] = {
        {"Rebase", "rebas"}, {"reviews", "review"}, {"happy", "happi"}, {"comput", "comput"},
        {"1990s", "1990s"}, {"u.s", "u.s"}, {"in", "in"}};
    for (size_t i = 0; i < sizeof stems / sizeof *stems; i++) {
        assert_int_equal(lk_analyzer_prefix(a, stems[i].w, strlen(stems[i].w), &p, &pl, &err),
                         LK_OK);
        assert_int_equal(lk_analyzer_prefix_stem(a, &p, &pl), LK_OK);
        assert_int_equal(pl, strlen(stems[i].stem));
        assert_memory_equal(p, stems[i].stem, pl);
    }
    lk_analyzer_free(a);
    assert_int_equal(lk_analyzer_create(&c, &a, &err), LK_OK);
    lk_test_analyze(a, "infor" SHY "mation O\xe2\x80\x99Ne" SHY "al" SHY "\xe2\x80\x99s", out,
                    sizeof out); /* O’Ne&shy;al&shy;’s */
    assert_string_equal(out, "inform|o'neal");
    lk_analyzer_free(a);
    const char *fold2 = "lexkit-analyzer 2\nanalyzer=english\nlang=auto\nlower=1\n"
                        "stem=english\nstopwords=0\nenglish_fold=2\n";
    assert_int_equal(lk_analyzer_from_settings(fold2, strlen(fold2), &a, &err), LK_OK);
    lk_test_analyze(a, "infor" SHY "mation", out, sizeof out);
    assert_string_equal(out, "infor" SHY "m"); /* (stemmed) */
    lk_analyzer_free(a);
    /* no format character: the tokens themselves (no copy) */
    assert_int_equal(lk_analyzer_create(&(lk_analyzer_config){0}, &a, &err), LK_OK);
    lk_test_analyze(a, "caf\xc3\xa9 \xc2\xa9 na\xc3\xafve", out, sizeof out);
    assert_string_equal(out, "caf\xc3\xa9|na\xc3\xafve");
    lk_analyzer_free(a);
}

/* From english_fold 4 on, the english chain joins initials and dotted abbreviations (one
   letter, '.', one letter ..., no space) into one term, as Lucene's StandardTokenizer keeps
   U.S: "U.S." and "U.S" are "u.s", never the one-letter terms u and s; a letter followed by
   ". " (J. Backus) or a dot after a longer word (X3.4) stay as they were; the joined term is not stemmed
   (Snowball would read u.s as a plural). Fold 3
   settings (indexes built before) keep the one-letter terms. Spans cover the letters. */
static void test_english_initials(void **state)
{
    (void)state;
    const char *text = "U.S. policy, i.e. H.C. Andrews in the U.S.A and J. Backus's "
                       "a.m. X3.4 u.s";
    char out[512];
    lk_error err;
    lk_analyzer *a = NULL;
    lk_analyzer_config c = lk_analyzer_config_default();
    c.kind = LK_ANALYZER_ENGLISH;
    assert_int_equal(lk_analyzer_create(&c, &a, &err), LK_OK);
    lk_test_analyze(a, text, out, sizeof out);
    /* X3.4 one term from tokenizer=3 (word_decimals) */
    assert_string_equal(out, "u.s|polici|i.e|h.c|andrew|u.s.a|j|backus|a.m|x3.4|u.s");
    lk_analyzer_set_spans(a, true);
    lk_analyzer_reset(a);
    assert_int_equal(lk_analyzer_add(a, text, strlen(text), &err), LK_OK);
    const size_t *sp = lk_analyzer_spans(a);
    assert_non_null(sp);
    assert_int_equal(sp[0], 0); /* U.S (the last dot left out) */
    assert_int_equal(sp[1], 3);
    assert_int_equal(sp[4], 13); /* i.e */
    assert_int_equal(sp[5], 16);
    size_t len;
    const char *s = lk_analyzer_settings(a, &len);
    lk_analyzer *b = NULL;
    assert_int_equal(lk_analyzer_from_settings(s, len, &b, &err), LK_OK);
    lk_test_analyze(b, "U.S.", out, sizeof out); /* a query, as the index it reads */
    assert_string_equal(out, "u.s");
    lk_analyzer_free(b);
    lk_analyzer_free(a);
    const char *fold3 = "lexkit-analyzer 2\nanalyzer=english\nlang=auto\nlower=1\n"
                        "stem=english\nstopwords=0\nenglish_fold=3\n";
    assert_int_equal(lk_analyzer_from_settings(fold3, strlen(fold3), &a, &err), LK_OK);
    lk_test_analyze(a, "U.S. policy", out, sizeof out);
    assert_string_equal(out, "u|s|polici");
    lk_analyzer_free(a);
    /* the plain analyzer is unchanged */
    c = lk_analyzer_config_default();
    assert_int_equal(lk_analyzer_create(&c, &a, &err), LK_OK);
    lk_test_analyze(a, "U.S. policy", out, sizeof out);
    assert_string_equal(out, "u|s|policy");
    lk_analyzer_free(a);
}

/* Several documents without a reset: lk_analyzer_n_terms marks where each one ends, and
   no bigram spans two of them. */
static void test_many_documents(void **state)
{
    (void)state;
    lk_analyzer_config c = lk_analyzer_config_default();
    c.lang = LK_LANG_ZH;
    lk_analyzer *a = NULL;
    lk_error err;
    assert_int_equal(lk_analyzer_create(&c, &a, &err), LK_OK);
    size_t bytes = 99;
    assert_int_equal(lk_analyzer_n_terms(a, &bytes), 0);
    assert_int_equal(bytes, 0);
    assert_int_equal(lk_analyzer_add(a, "Big 北京", strlen("Big 北京"), &err), LK_OK);
    assert_int_equal(lk_analyzer_n_terms(a, &bytes), 4); /* big 北 京 北京 */
    assert_int_equal(bytes, 3 + 3 + 3 + 6);
    assert_int_equal(lk_analyzer_add(a, "大学", strlen("大学"), &err), LK_OK);
    assert_int_equal(lk_analyzer_n_terms(a, NULL), 7); /* 大 学 大学: no 京大 */
    size_t n;
    const lk_term *t = lk_analyzer_terms(a, &n);
    assert_int_equal(n, 7);
    assert_int_equal(t[4].len, 3);
    assert_memory_equal(t[4].s, "大", 3);
    assert_int_equal(t[6].len, 6);
    assert_memory_equal(t[6].s, "大学", 6);
    lk_analyzer_reset(a);
    assert_int_equal(lk_analyzer_n_terms(a, &bytes), 0);
    assert_int_equal(bytes, 0);
    lk_analyzer_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_english),
        cmocka_unit_test(test_english_analyzer),
        cmocka_unit_test(test_stopword_file),
        cmocka_unit_test(test_chinese),
        cmocka_unit_test(test_chinese_script_fold),
        cmocka_unit_test(test_many_documents),
        cmocka_unit_test(test_title_weight),
        cmocka_unit_test(test_english_fold_versions),
        cmocka_unit_test(test_tokenizer_versions),
        cmocka_unit_test(test_format_chars_dropped),
        cmocka_unit_test(test_english_initials),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
