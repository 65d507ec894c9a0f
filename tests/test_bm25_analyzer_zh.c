/* test_bm25_analyzer_zh.c: the BM25 analyzer with Chinese word segmentation (the shipped
   char model corpora/models/zh-gsd-char.lkt): word terms of known sentences (checked against
   GSD-style gold segmentations), the three term modes, the settings round trip through an
   index directory, the errors for a missing, changed or unusable model, and the analyzers
   of one open index sharing its model (from several threads). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "features/search/analyzer.h"
#include "features/search/bm25_text.h"
#include "tests/bm25_testutil.h"
#include "features/search/analyzer_internal.h"
#include "testutil.h"
#include "text/fileio.h"

#define MODEL "../corpora/models/zh-gsd-char.lkt"

static lk_analyzer *make(lk_zh_terms terms)
{
    lk_analyzer_config c = lk_analyzer_config_default();
    c.lang = LK_LANG_ZH;
    c.zh_model = MODEL;
    c.zh_terms = terms;
    lk_analyzer *a = NULL;
    lk_error err;
    assert_int_equal(lk_analyzer_create(&c, &a, &err), LK_OK);
    return a;
}

static void test_words(void **state)
{
    (void)state;
    lk_analyzer *a = make(LK_ZH_WORDS);
    char out[512];
    /* GSD gold: 研究 生命 的 起源 (not 研究生 命); 南京 市 长江 大桥 (not 市长 江大桥) */
    lk_test_analyze(a, "研究生命的起源。", out, sizeof out);
    assert_string_equal(out, "研究|生命|的|起源");
    lk_test_analyze(a, "南京市长江大桥", out, sizeof out);
    assert_string_equal(out, "南京|市|长江|大桥");
    lk_test_analyze(a, "市长今天访问了学校", out, sizeof out);
    assert_string_equal(out, "市长|今天|访问|了|学校");
    /* Latin and digits stay lexkit tokens (lowercased, NFKC: full-width ２０１８ -> 2018);
       punctuation splits the Han runs, which are segmented in one batch */
    lk_test_analyze(a, "iPhone手机，２０１８年发布", out, sizeof out);
    assert_string_equal(out, "iphone|手机|2018|年|发布");
    /* a full-width comma joins digits only as a thousands separator (tokenizer=2) */
    lk_test_analyze(a, "页10，2005年，共1，200人", out, sizeof out);
    assert_string_equal(out, "页|10|2005|年|共|1,200|人");
    lk_test_analyze(a, "", out, sizeof out);
    assert_string_equal(out, "");
    lk_analyzer_free(a);
}

static void test_modes(void **state)
{
    (void)state;
    char out[512];
    /* words, then the characters of the multi-character words (的 is already a word) */
    lk_analyzer *a = make(LK_ZH_WORDS_CHARS);
    lk_test_analyze(a, "研究生命的起源", out, sizeof out);
    assert_string_equal(out, "研究|生命|的|起源|研|究|生|命|起|源");
    lk_analyzer_free(a);
    /* words, then the bigrams that are not words: 究生 命的 的起 */
    a = make(LK_ZH_WORDS_BIGRAMS);
    lk_test_analyze(a, "研究生命的起源", out, sizeof out);
    assert_string_equal(out, "研究|生命|的|起源|究生|命的|的起");
    lk_analyzer_free(a);

    /* stop words apply to words; a stop-word line of Han characters is one word (我们, not
       我 and 们), so 我 and 们 stay terms elsewhere */
    lk_analyzer_config c = lk_analyzer_config_default();
    c.zh_model = MODEL;
    c.zh_terms = LK_ZH_WORDS;
    c.stopwords = "的\n了\n我们 # comment\n";
    c.stopwords_len = strlen(c.stopwords);
    lk_error err;
    assert_int_equal(lk_analyzer_create(&c, &a, &err), LK_OK);
    lk_test_analyze(a, "市长今天访问了学校的", out, sizeof out);
    assert_string_equal(out, "市长|今天|访问|学校");
    lk_test_analyze(a, "我们的学校", out, sizeof out);
    assert_string_equal(out, "学校");
    lk_test_analyze(a, "我 们", out, sizeof out);
    assert_string_equal(out, "我|们");
    size_t len;
    assert_non_null(strstr(lk_analyzer_settings(a, &len), "stopwords=3\n的\n了\n我们\ntokenizer=3\nzh_terms=words\n"));
    lk_analyzer_free(a);

    lk_zh_terms t;
    assert_true(lk_zh_terms_parse("words+chars", &t));
    assert_int_equal(t, LK_ZH_WORDS_CHARS);
    assert_false(lk_zh_terms_parse("bigrams", &t));
}

/* CRC-32 of the shipped model file, as 8 hex digits. */
/* Han runs segmented ahead for a batch of texts (lk_analyzer__zh_prepare, as the index
   builder does) give the terms of one text at a time, in every mode; a text out of step
   drops the prepared runs and is segmented on its own. */
static void test_prepare(void **state)
{
    (void)state;
    static const char *const texts[] = {"研究生命的起源。", "iPhone手机，２０１８年发布",
                                        "no han here", "", "南京市长江大桥；市长今天访问了学校"};
    enum { N = sizeof texts / sizeof *texts };
    /* Han runs: 1 + 2 + 0 + 0 + 2 */
    static const size_t left_after[N] = {4, 2, 2, 2, 0};
    size_t lens[N];
    for (size_t i = 0; i < N; i++) lens[i] = strlen(texts[i]);
    for (int m = LK_ZH_WORDS; m <= LK_ZH_WORDS_BIGRAMS; m++) {
        lk_analyzer *one = make((lk_zh_terms)m), *ahead = make((lk_zh_terms)m);
        char want[512], got[512];
        lk_analyzer__zh_prepare(ahead, texts, lens, N);
        assert_int_equal(lk_analyzer__zh_prepared_left(ahead), 5);
        for (size_t i = 0; i < N; i++) {
            lk_test_analyze(one, texts[i], want, sizeof want);
            lk_test_analyze(ahead, texts[i], got, sizeof got);
            assert_string_equal(got, want);
            assert_int_equal(lk_analyzer__zh_prepared_left(ahead), left_after[i]);
        }
        lk_analyzer__zh_prepare(ahead, texts, lens, N);
        lk_test_analyze(one, "市长今天访问了学校", want, sizeof want);
        lk_test_analyze(ahead, "市长今天访问了学校", got, sizeof got); /* out of step */
        assert_string_equal(got, want);
        if (m == LK_ZH_WORDS) assert_string_equal(got, "市长|今天|访问|了|学校");
        assert_int_equal(lk_analyzer__zh_prepared_left(ahead), 0);
        lk_test_analyze(one, texts[0], want, sizeof want);
        lk_test_analyze(ahead, texts[0], got, sizeof got);
        assert_string_equal(got, want);
        lk_analyzer_free(one);
        lk_analyzer_free(ahead);
    }
    lk_analyzer *plain = NULL;
    lk_analyzer_config c = lk_analyzer_config_default();
    lk_error err;
    assert_int_equal(lk_analyzer_create(&c, &plain, &err), LK_OK);
    lk_analyzer__zh_prepare(plain, texts, lens, N); /* no model: nothing to do */
    assert_int_equal(lk_analyzer__zh_prepared_left(plain), 0);
    lk_analyzer_free(plain);
}

static void model_crc(char *hex)
{
    char *bytes;
    size_t len;
    lk_error err;
    assert_int_equal(lk_read_file(MODEL, &bytes, &len, &err), LK_OK);
    snprintf(hex, 9, "%08x", (unsigned)lk_crc32(0, bytes, len));
    free(bytes);
}

static void test_settings_round_trip(void **state)
{
    (void)state;
    lk_analyzer *a = make(LK_ZH_WORDS_BIGRAMS), *b = NULL;
    lk_error err;
    char out[512], out2[512], want[256], hex[9], dir[512], copy[600];
    model_crc(hex);
    size_t len;
    const char *s = lk_analyzer_settings(a, &len);
    snprintf(want, sizeof want,
             "lexkit-analyzer 1\nlang=zh\nlower=1\nstem=none\nstopwords=0\ntokenizer=3\n"
             "zh_terms=words+bigrams\nzh_model=zh-model.lkt crc32=%s\nzh_script=auto\n", hex);
    assert_string_equal(s, want);

    lk_test_tmp_path(dir, sizeof dir, "zh-index");
    mkdir(dir, 0777);
    assert_int_equal(lk_analyzer_from_settings_dir(s, len, dir, &b, &err), LK_ERR_IO);
    assert_non_null(strstr(err.msg, "zh-model.lkt")); /* missing: names the file */
    assert_null(b);
    assert_int_equal(lk_analyzer_save_files(a, dir, &err), LK_OK);
    snprintf(copy, sizeof copy, "%s/%s", dir, LK_ANALYZER_ZH_MODEL_FILE);
    assert_int_equal(lk_analyzer_from_settings_dir(s, len, dir, &b, &err), LK_OK);
    size_t len2;
    const char *s2 = lk_analyzer_settings(b, &len2);
    assert_int_equal(len2, len);
    assert_memory_equal(s2, s, len);
    lk_test_analyze(a, "南京市长江大桥，市长", out, sizeof out);
    lk_test_analyze(b, "南京市长江大桥，市长", out2, sizeof out2);
    assert_string_equal(out, "南京|市|长江|大桥|京市|市长|江大|市长");
    assert_string_equal(out2, out);
    lk_analyzer_free(b);
    b = NULL;
    /* traditional text gives the simplified terms (auto: 長 橋 are traditional-only) */
    lk_test_analyze(a, "南京市長江大橋，市長", out2, sizeof out2);
    assert_string_equal(out2, out);
    /* an index from before zh_script: no line, no conversion, same settings back */
    size_t old_len = len - strlen("zh_script=auto\n");
    assert_int_equal(lk_analyzer_from_settings_dir(s, old_len, dir, &b, &err), LK_OK);
    s2 = lk_analyzer_settings(b, &len2);
    assert_int_equal(len2, old_len);
    assert_memory_equal(s2, s, old_len);
    lk_test_analyze(b, "長江大橋", out2, sizeof out2);
    assert_null(strstr(out2, "长江"));
    lk_analyzer_free(b);
    b = NULL;
    /* an index from before tokenizer=: 10，2005 stays one number; same settings back */
    char old[256];
    snprintf(old, sizeof old, "lexkit-analyzer 1\nlang=zh\nlower=1\nstem=none\nstopwords=0\n"
             "zh_terms=words+bigrams\nzh_model=zh-model.lkt crc32=%s\nzh_script=auto\n", hex);
    assert_int_equal(lk_analyzer_from_settings_dir(old, strlen(old), dir, &b, &err), LK_OK);
    s2 = lk_analyzer_settings(b, &len2);
    assert_int_equal(len2, strlen(old));
    assert_memory_equal(s2, old, len2);
    lk_test_analyze(b, "页10，2005年", out2, sizeof out2);
    assert_string_equal(out2, "页|10,2005|年");
    lk_test_analyze(a, "页10，2005年", out2, sizeof out2);
    assert_string_equal(out2, "页|10|2005|年");
    lk_analyzer_free(b);
    b = NULL;

    /* no directory to load the model from */
    assert_int_not_equal(lk_analyzer_from_settings(s, len, &b, &err), LK_OK);
    assert_null(b);
    /* a different CRC in the settings: the copy is not the model the index was built with */
    char *bad = malloc(len + 1);
    assert_non_null(bad);
    memcpy(bad, s, len + 1);
    char *c = strstr(bad, "crc32=") + 6;
    c[0] = c[0] == '0' ? '1' : '0';
    assert_int_equal(lk_analyzer_from_settings_dir(bad, len, dir, &b, &err), LK_ERR_FORMAT);
    assert_non_null(strstr(err.msg, copy));
    assert_non_null(strstr(err.msg, "CRC-32"));
    /* a CRC that is not 8 lowercase hex digits is malformed */
    memcpy(bad, s, len + 1);
    strstr(bad, "crc32=")[6] = ' ';
    assert_int_equal(lk_analyzer_from_settings_dir(bad, len, dir, &b, &err), LK_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "malformed"));
    /* a path instead of a file name is malformed */
    memcpy(bad, s, len + 1);
    memcpy(strstr(bad, "zh-model.lkt"), "../model.lk", 11);
    assert_int_equal(lk_analyzer_from_settings_dir(bad, len, dir, &b, &err), LK_ERR_FORMAT);
    free(bad);
    /* the copy corrupted on disk: one flipped byte changes its CRC-32 */
    char *bytes;
    size_t n;
    assert_int_equal(lk_read_file(copy, &bytes, &n, &err), LK_OK);
    bytes[n / 2] ^= 0x40;
    lk_test_write_file(copy, bytes, n);
    free(bytes);
    assert_int_equal(lk_analyzer_from_settings_dir(s, len, dir, &b, &err), LK_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "CRC-32"));
    assert_null(b);
    unlink(copy);
    rmdir(dir);
    lk_analyzer_free(a);
}

static void test_bad_models(void **state)
{
    (void)state;
    lk_analyzer_config c = lk_analyzer_config_default();
    lk_analyzer *a = NULL;
    lk_error err;
    c.zh_model = "no-such-model.lkt";
    assert_int_equal(lk_analyzer_create(&c, &a, &err), LK_ERR_IO);
    assert_non_null(strstr(err.msg, "no-such-model.lkt"));
    assert_null(a);
    c.zh_model = MODEL;
    c.lang = LK_LANG_EN; /* en indexes Han characters as unigrams: no segmentation */
    assert_int_equal(lk_analyzer_create(&c, &a, &err), LK_ERR_ARG);
    assert_null(a);
    c.lang = LK_LANG_ZH;
    c.zh_model = "data/bm25_docs.jsonl"; /* not a tagger model */
    assert_int_not_equal(lk_analyzer_create(&c, &a, &err), LK_OK);
    assert_non_null(strstr(err.msg, "bm25_docs.jsonl"));
    assert_null(a);
}

/* ---- the analyzers of one open index share its model ---- */

#define SHARED_THREADS 4
#define SHARED_ROUNDS 3

static const char *const shared_queries[] = {"长江大桥", "市长", "長江大橋", "中国的首都",
                                             "城市 北京", "研究生命"};
#define N_SHARED_QUERIES (sizeof shared_queries / sizeof *shared_queries)

/* A zh index (the shipped model, script auto) of a few documents in dir. */
static void build_zh_index(const char *dir)
{
    char docs[512];
    lk_error err;
    lk_test_tmp_path(docs, sizeof docs, "zh-shared.jsonl");
    const char *jsonl =
        "{\"id\": \"z1\", \"title\": \"北京\", \"text\": \"北京是中国的首都。\"}\n"
        "{\"id\": \"z2\", \"title\": \"\", \"text\": \"上海是中国最大的城市。\"}\n"
        "{\"id\": \"z3\", \"title\": \"大桥\", \"text\": \"南京市长江大桥。\"}\n"
        "{\"id\": \"z4\", \"title\": \"\", \"text\": \"市長今天訪問了長江大橋。\"}\n"
        "{\"id\": \"z5\", \"title\": \"\", \"text\": \"研究生命的起源。\"}\n";
    lk_test_write_file(docs, jsonl, strlen(jsonl));
    lk_bm25_index_config ic = lk_bm25_index_config_default();
    ic.analyzer.lang = LK_LANG_ZH;
    ic.analyzer.zh_model = MODEL;
    ic.threads = 1;
    assert_int_equal(lk_bm25_index_build(docs, dir, &ic, NULL, &err), LK_OK);
    remove(docs);
}

/* Ids of the hits of q in idx with an and ws, joined by '|' into out. */
static int search_ids(const lk_bm25_index *idx, lk_bm25_ws *ws, lk_analyzer *an, const char *q,
                      char *out, size_t cap)
{
    lk_error err;
    lk_bm25_search_opts o = lk_bm25_search_opts_default();
    const lk_bm25_hit *h;
    size_t n, at = 0, il;
    out[0] = '\0';
    if (lk_bm25_search_text(idx, ws, an, q, strlen(q), &o, &h, &n, &err) != LK_OK) return -1;
    for (size_t i = 0; i < n; i++) {
        const char *id = lk_bm25_index_doc_id(idx, h[i].doc, &il);
        at += (size_t)snprintf(out + at, cap - at, "%s%.*s", i ? "|" : "", (int)il, id);
    }
    return 0;
}

typedef struct {
    const lk_bm25_index *idx;
    const char (*want)[64]; /* per query: its hits searched alone */
    const lk_tagger *tagger; /* the tagger of this thread's analyzer */
    int mismatches;
} shared_thread;

/* Each thread makes its own analyzer and workspace of the shared index and runs every query
   SHARED_ROUNDS times. */
static void *shared_thread_run(void *p)
{
    shared_thread *t = p;
    lk_analyzer *an = NULL;
    lk_bm25_ws *ws = NULL;
    lk_error err;
    if (lk_bm25_index_analyzer(t->idx, &an, &err) != LK_OK || lk_bm25_ws_create(t->idx, &ws) != LK_OK)
        abort();
    t->tagger = lk_analyzer__zh_tagger(an);
    char got[64];
    for (int r = 0; r < SHARED_ROUNDS; r++)
        for (size_t q = 0; q < N_SHARED_QUERIES; q++)
            if (search_ids(t->idx, ws, an, shared_queries[q], got, sizeof got) != 0 ||
                strcmp(got, t->want[q]) != 0)
                t->mismatches++;
    lk_bm25_ws_free(ws);
    lk_analyzer_free(an);
    return NULL;
}

static void test_shared_model(void **state)
{
    (void)state;
    char dir[512], copy[600], out[512];
    lk_error err;
    lk_test_tmp_path(dir, sizeof dir, "zh-shared-index");
    build_zh_index(dir);
    lk_bm25_index *idx = NULL, *idx2 = NULL;
    lk_analyzer *a = NULL, *b = NULL, *c = NULL;
    assert_int_equal(lk_bm25_index_open(dir, &idx, &err), LK_OK);

    /* the copy changed before the first analyzer: the error names it, and nothing is kept */
    snprintf(copy, sizeof copy, "%s/%s", dir, LK_ANALYZER_ZH_MODEL_FILE);
    size_t n;
    unsigned char *bytes = lk_test_slurp(copy, &n);
    assert_non_null(bytes);
    bytes[n / 2] ^= 0x40;
    lk_test_write_file(copy, (const char *)bytes, n);
    assert_int_equal(lk_bm25_index_analyzer(idx, &a, &err), LK_ERR_FORMAT);
    assert_non_null(strstr(err.msg, copy));
    assert_non_null(strstr(err.msg, "CRC-32"));
    assert_null(a);
    bytes[n / 2] ^= 0x40;
    lk_test_write_file(copy, (const char *)bytes, n);
    free(bytes);

    /* two analyzers of one open index: one model; another open of the index: its own */
    assert_int_equal(lk_bm25_index_analyzer(idx, &a, &err), LK_OK);
    assert_int_equal(lk_bm25_index_analyzer(idx, &b, &err), LK_OK);
    assert_non_null(lk_analyzer__zh_tagger(a));
    assert_ptr_equal(lk_analyzer__zh_tagger(a), lk_analyzer__zh_tagger(b));
    assert_int_equal(lk_bm25_index_open(dir, &idx2, &err), LK_OK);
    assert_int_equal(lk_bm25_index_analyzer(idx2, &c, &err), LK_OK);
    assert_ptr_not_equal(lk_analyzer__zh_tagger(c), lk_analyzer__zh_tagger(a));

    /* the same searches from several threads, each with its own analyzer */
    char want[N_SHARED_QUERIES][64];
    lk_bm25_ws *ws = NULL;
    assert_int_equal(lk_bm25_ws_create(idx, &ws), LK_OK);
    for (size_t q = 0; q < N_SHARED_QUERIES; q++)
        assert_int_equal(search_ids(idx, ws, b, shared_queries[q], want[q], sizeof want[q]), 0);
    assert_string_equal(want[0], "z3|z4"); /* 長江大橋 mapped to 长江大桥 */
    assert_string_equal(want[2], want[0]);
    lk_bm25_ws_free(ws);
    pthread_t th[SHARED_THREADS];
    shared_thread args[SHARED_THREADS];
    for (int i = 0; i < SHARED_THREADS; i++) {
        args[i] = (shared_thread){idx, (const char (*)[64])want, NULL, 0};
        assert_int_equal(pthread_create(&th[i], NULL, shared_thread_run, &args[i]), 0);
    }
    for (int i = 0; i < SHARED_THREADS; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(args[i].mismatches, 0);
        assert_ptr_equal(args[i].tagger, lk_analyzer__zh_tagger(a));
    }

    /* an analyzer outlives its index: it keeps the model */
    lk_bm25_index_free(idx);
    lk_bm25_index_free(idx2);
    lk_test_analyze(a, "南京市長江大橋", out, sizeof out);
    assert_string_equal(out, "南京|市|长江|大桥|京市|市长|江大");
    lk_test_analyze(c, "南京市長江大橋", out, sizeof out);
    assert_string_equal(out, "南京|市|长江|大桥|京市|市长|江大");
    lk_analyzer_free(a);
    lk_analyzer_free(b);
    lk_analyzer_free(c);
    lk_test_rm_tree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words),
        cmocka_unit_test(test_modes),
        cmocka_unit_test(test_prepare),
        cmocka_unit_test(test_settings_round_trip),
        cmocka_unit_test(test_bad_models),
        cmocka_unit_test(test_shared_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
