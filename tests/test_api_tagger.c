/* test_api_tagger.c: the public tagger (include/lexkit/tagger.h) on raw Chinese text: the
   words of `lexkit tag` (pre-tokenized URLs, traditional text converted for the model,
   --granularity coarse through lexkit_text_options), and one loaded tagger used by several
   threads at once, each call taking a pooled workspace: every thread gets exactly the
   single-threaded answers, whatever the options of the calls around it (run under TSan). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/resource.h>

#include <cmocka.h>

#include "api/tagger_internal.h"
#include "include/lexkit/tagger.h"

#define MODEL "../corpora/models/zh-gsd-char.lkt"

static const char *const texts[] = {
    "外国人学习汉语的时候，最难的是声调和汉字。",
    "详情见https://example.com/zh-cn/index。请发邮件到zhang.san@example.com，谢谢。",
    "我們去圖書館借書。",
    "GDP增长5.2%，iPhone 15售价5999元。",
};
#define N_TEXTS (sizeof texts / sizeof *texts)
#define N_OPTS 3
static const lexkit_text_options opts[N_OPTS] = {{0, 0, 0}, {0, 1, 0}, {1, 0, 1}};

/* "word/TAG word/TAG ..." of text under options o, into out. */
static void render(const lexkit_tagger *t, const char *text, const lexkit_text_options *o,
                   char *out, size_t cap)
{
    lexkit_span *sp = NULL;
    size_t n = 0;
    lexkit_error err;
    assert_int_equal(lexkit_tagger_tag_text_opts(t, text, strlen(text), o, &sp, &n, &err),
                     LEXKIT_OK);
    size_t at = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *tag = lexkit_tagger_tag_name(t, sp[i].tag);
        assert_true(at + sp[i].len + strlen(tag) + 3 < cap);
        memcpy(out + at, text + sp[i].start, sp[i].len);
        at += sp[i].len;
        at += (size_t)sprintf(out + at, "/%s ", tag);
    }
    free(sp);
}

static bool has_word(const char *rendered, const char *word_tag)
{
    size_t l = strlen(word_tag);
    for (const char *p = rendered; (p = strstr(p, word_tag)) != NULL; p++)
        if ((p == rendered || p[-1] == ' ') && p[l] == ' ') return true;
    return false;
}

static void test_options(void **state)
{
    (void)state;
    lexkit_tagger *t = NULL;
    lexkit_error err;
    assert_int_equal(lexkit_tagger_load(MODEL, &t, &err), LEXKIT_OK);
    char out[1024];
    render(t, texts[0], &opts[0], out, sizeof out);
    assert_true(has_word(out, "外国/NOUN") && has_word(out, "人/PART"));
    render(t, texts[0], &opts[1], out, sizeof out); /* coarse */
    assert_true(has_word(out, "外国人/NOUN") && has_word(out, "汉语/NOUN"));
    assert_true(has_word(out, "的/PART"));
    render(t, texts[1], NULL, out, sizeof out); /* defaults: URL and address whole */
    assert_true(has_word(out, "https://example.com/zh-cn/index/X"));
    assert_true(strstr(out, "zhang.san@example.com/") != NULL);
    render(t, texts[1], &opts[2], out, sizeof out); /* no_pretok: the model alone */
    assert_false(strstr(out, "https://example.com/zh-cn/index/") != NULL);
    lexkit_text_options bad = {3, 0, 0};
    lexkit_span *sp = NULL;
    size_t n = 0;
    assert_int_equal(lexkit_tagger_tag_text_opts(t, "你好", 6, &bad, &sp, &n, &err),
                     LEXKIT_ERR_ARG);
    assert_int_equal(lexkit_tagger_tag_text(t, "\xff", 1, &sp, &n, &err), LEXKIT_ERR_PARSE);
    assert_int_equal(lexkit_tagger_set_user_dict(t, "no/such.dict", &err), LEXKIT_ERR_IO);
    assert_int_equal(lexkit_tagger_set_user_dict(t, NULL, &err), LEXKIT_OK);
    lexkit_tagger_free(t);
    assert_int_equal(lexkit_tagger_load("../corpora/models/en-ewt.lkt", &t, &err), LEXKIT_OK);
    assert_int_equal(lexkit_tagger_set_user_dict(t, NULL, &err), LEXKIT_ERR_ARG);
    lexkit_tagger_free(t);
}

/* Spans of text under options o, as a malloc'd array of *n. */
static lexkit_span *spans_of(const lexkit_tagger *t, const char *text, size_t len,
                             const lexkit_text_options *o, size_t *n)
{
    lexkit_span *sp = NULL;
    lexkit_error err;
    assert_int_equal(lexkit_tagger_tag_text_opts(t, text, len, o, &sp, n, &err), LEXKIT_OK);
    return sp;
}

/* A text of several lines is read line by line, as `lexkit tag` reads a file: its words are
   each line's words (a traditional line converted on its own, script auto), at offsets into
   the whole text; "\r\n" ends a line as "\n" does; invalid UTF-8 names its line. */
static void check_lines_one_model(const char *model, const char *const *lines, size_t n_lines)
{
    lexkit_tagger *t = NULL;
    lexkit_error err;
    assert_int_equal(lexkit_tagger_load(model, &t, &err), LEXKIT_OK);
    char text[2048];
    size_t starts[16], len = 0;
    for (size_t i = 0; i < n_lines; i++) {
        const char *end = i % 2 ? "\r\n" : "\n";
        starts[i] = len;
        len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", lines[i], end);
        assert_true(len < sizeof text);
    }
    for (size_t o = 0; o < (lexkit_tagger_segments(t) ? N_OPTS : 1); o++) {
        size_t n_all = 0, k = 0;
        lexkit_span *all = spans_of(t, text, len, &opts[o], &n_all);
        for (size_t i = 0; i < n_lines; i++) {
            size_t n = 0;
            lexkit_span *one = spans_of(t, lines[i], strlen(lines[i]), &opts[o], &n);
            for (size_t j = 0; j < n; j++, k++) {
                assert_true(k < n_all);
                assert_int_equal(all[k].start, starts[i] + one[j].start);
                assert_int_equal(all[k].len, one[j].len);
                assert_int_equal(all[k].tag, one[j].tag);
            }
            free(one);
        }
        assert_int_equal(k, n_all);
        free(all);
    }
    lexkit_span *sp = NULL;
    size_t n = 0;
    static const char bad[] = "好\n好\r\n好\xff";
    assert_int_equal(lexkit_tagger_tag_text(t, bad, sizeof bad - 1, &sp, &n, &err),
                     LEXKIT_ERR_PARSE);
    assert_non_null(strstr(err.msg, "text:3:2: invalid UTF-8 byte 0xFF"));
    assert_null(sp);
    lexkit_tagger_free(t);
}

static void test_lines(void **state)
{
    (void)state;
    static const char *const zh[] = {
        "哈哈哈哈哈哈笑死我了", "颱風即將登陸，請民眾做好防颱準備。", "", texts[0], texts[2],
        texts[1], "他們在學校學習，我們在家。",
    };
    static const char *const en[] = {"I don't think it's raining, is it?", "",
                                     "She'll email bob@example.com at 9:30 p.m."};
    check_lines_one_model(MODEL, zh, sizeof zh / sizeof *zh);
    check_lines_one_model("../corpora/models/en-ewt.lkt", en, sizeof en / sizeof *en);
}

/* Peak resident set size of the process so far, KiB (ru_maxrss on Linux). */
static long peak_rss_kib(void)
{
    struct rusage u;
    assert_int_equal(getrusage(RUSAGE_SELF, &u), 0);
    return u.ru_maxrss;
}

#define LONG_TEXT_LINES 2000000
#define LONG_TEXT_GROWTH_KIB (16 * 1024)

/* A long text is segmented a chunk of lines at a time, so a call's scratch memory does not
   grow with the text: 2,000,000 empty lines (whole, their line offsets and per-line state
   alone take over 48 MB) raise the process's peak resident set by less than 16 MB. First in
   main, while the peak is about the process's size. */
static void test_long_text_memory(void **state)
{
    (void)state;
    lexkit_tagger *t = NULL;
    lexkit_error err;
    assert_int_equal(lexkit_tagger_load(MODEL, &t, &err), LEXKIT_OK);
    char *text = malloc(LONG_TEXT_LINES);
    assert_non_null(text);
    memset(text, '\n', LONG_TEXT_LINES);
    size_t n = 0;
    lexkit_span *sp = spans_of(t, "你好\n\n世界\n", 14, NULL, &n); /* the workspace, made */
    assert_true(n >= 2);
    free(sp);
    long before = peak_rss_kib();
    sp = spans_of(t, text, LONG_TEXT_LINES, NULL, &n);
    long grown = peak_rss_kib() - before;
    assert_int_equal(n, 0);
    free(sp);
    if (grown >= LONG_TEXT_GROWTH_KIB)
        fail_msg("tagging %d empty lines raised the peak RSS by %ld KiB", LONG_TEXT_LINES, grown);
    free(text);
    lexkit_tagger_free(t);
}

/* Text "A\\r\\nB\\rC\\n\\nD..." of lines[] with the line ends of ends[] in turn. */
static size_t join_lines(const char *const *lines, size_t n_lines, char *text, size_t cap,
                         size_t *starts)
{
    static const char *const ends[] = {"\r\n", "\r", "\n", "\n\n", "\r\r\n"};
    size_t len = 0;
    for (size_t i = 0; i < n_lines; i++) {
        starts[i] = len;
        len += (size_t)snprintf(text + len, cap - len, "%s%s", lines[i], ends[i % 5]);
        assert_true(len < cap);
    }
    return len;
}

/* The chunks of lexkit_tagger_tag_text: any number of lines per chunk (1, 2, 3, 7, the
   default) gives the words of the whole text in one piece, at offsets from its start, over
   CRLF, lone CR and empty lines, a BOM first; invalid UTF-8 names its line in any chunk. */
static void check_chunks_one_model(const char *model, const char *const *lines, size_t n_lines)
{
    lexkit_tagger *t = NULL;
    lexkit_error err;
    assert_int_equal(lexkit_tagger_load(model, &t, &err), LEXKIT_OK);
    char text[4096];
    size_t starts[32];
    memcpy(text, "\xEF\xBB\xBF", 3);
    size_t len = 3 + join_lines(lines, n_lines, text + 3, sizeof text - 3, starts);
    static const size_t chunks[] = {1, 2, 3, 7};
    size_t n_ref = 0;
    lexkit_span *ref = spans_of(t, text, len, NULL, &n_ref);
    assert_true(n_ref > 10);
    /* the words of each line at the line's offset (lines are tagged on their own) */
    size_t k = 0;
    for (size_t i = 0; i < n_lines; i++) {
        size_t n = 0;
        lexkit_span *one = spans_of(t, lines[i], strlen(lines[i]), NULL, &n);
        for (size_t j = 0; j < n; j++, k++) {
            assert_true(k < n_ref);
            assert_int_equal(ref[k].start, 3 + starts[i] + one[j].start);
            assert_int_equal(ref[k].len, one[j].len);
            assert_int_equal(ref[k].tag, one[j].tag);
        }
        free(one);
    }
    assert_int_equal(k, n_ref);
    for (size_t c = 0; c < sizeof chunks / sizeof *chunks; c++) {
        lexkit_span *sp = NULL;
        size_t n = 0;
        assert_int_equal(lk_api_tagger_tag_text_chunked(t, text, len, NULL, chunks[c], &sp, &n,
                                                        &err), LEXKIT_OK);
        assert_int_equal(n, n_ref);
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(sp[i].start, ref[i].start);
            assert_int_equal(sp[i].len, ref[i].len);
            assert_int_equal(sp[i].tag, ref[i].tag);
        }
        free(sp);
    }
    free(ref);
    /* line 6 of "a\r\nb\rc\n\n\nd\r\r\n\xff": the bad byte's line counted across chunks */
    static const char bad[] = "\xe5\xa5\xbd\r\n\xe5\xa5\xbd\r\xe5\xa5\xbd\n\n\n\xe5\xa5\xbd\r\r\nx\xff";
    for (size_t c = 0; c < sizeof chunks / sizeof *chunks; c++) {
        lexkit_span *sp = NULL;
        size_t n = 0;
        assert_int_equal(lk_api_tagger_tag_text_chunked(t, bad, sizeof bad - 1, NULL, chunks[c],
                                                        &sp, &n, &err), LEXKIT_ERR_PARSE);
        assert_non_null(strstr(err.msg, "text:8:2: invalid UTF-8 byte 0xFF"));
        assert_null(sp);
    }
    lexkit_tagger_free(t);
}

static void test_chunks(void **state)
{
    (void)state;
    static const char *const zh[] = {
        "哈哈哈哈哈哈笑死我了", "颱風即將登陸，請民眾做好防颱準備。", "", texts[0], texts[2],
        texts[1], "他們在學校學習，我們在家。", "", "", texts[3], "我们去北京", "好",
    };
    static const char *const en[] = {"I don't think it's raining, is it?", "",
                                     "She'll email bob@example.com at 9:30 p.m.", "Yes.", "",
                                     "", "The U.S. can't pay $1,000 (3.5%).", "No", "OK then"};
    check_chunks_one_model(MODEL, zh, sizeof zh / sizeof *zh);
    check_chunks_one_model("../corpora/models/en-ewt.lkt", en, sizeof en / sizeof *en);
}

/* Byte length of the control or format character at s (those of the texts below), or 0. */
static size_t invisible_at(const char *s, size_t n)
{
    static const char *const inv[] = {"\xE2\x80\x8B", "\xE2\x80\x8C", "\xE2\x80\x8D",
                                      "\xE2\x81\xA0", "\xEF\xBB\xBF", "\xC2\xAD",
                                      "\xC2\x80", "\x7F", "\x01", " "};
    for (size_t k = 0; k < sizeof inv / sizeof *inv; k++) {
        size_t l = strlen(inv[k]);
        if (n >= l && memcmp(s, inv[k], l) == 0) return l;
    }
    return n > 0 && s[0] == '\0' ? 1 : 0;
}

/* Controls and format characters (ZWSP, ZWNJ, ZWJ, word joiner, BOM, soft hyphen, C1, DEL,
   NUL) separate words like white space: no word is or contains one (but an emoji ZWJ
   sequence, one word with pre-tokenization), and the words are the text without them, at
   their own offsets. */
static void test_invisible_characters(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        size_t len;
    } cases[] = {
#define CASE(s) {s, sizeof s - 1}
        CASE("我\xE2\x80\x8B爱北京"),
        CASE("\xEF\xBB\xBF我爱北京"),
        CASE("我爱\xEF\xBB\xBF北京。\xEF\xBB\xBF他说"),
        CASE("我\xE2\x80\x8D爱北京\xE2\x80\x8C天安门\xE2\x81\xA0"),
        CASE("\x7F中国\xC2\x80人民\xC2\xAD\x01"),
        CASE("a\0b中文"),
        CASE("iPhone\xE2\x80\x8D 中国\xE2\x80\x8B\xE2\x80\x8B"),
        CASE("\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7来了"),
#undef CASE
    };
    static const char family[] = "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D"
                                 "\xF0\x9F\x91\xA7";
    lexkit_tagger *t = NULL;
    lexkit_error err;
    assert_int_equal(lexkit_tagger_load(MODEL, &t, &err), LEXKIT_OK);
    for (size_t o = 0; o < N_OPTS; o++) {
        for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
            const char *s = cases[c].text;
            size_t len = cases[c].len, at = 0, n = 0;
            lexkit_span *sp = NULL;
            assert_int_equal(lexkit_tagger_tag_text_opts(t, s, len, &opts[o], &sp, &n, &err),
                             LEXKIT_OK);
            for (size_t i = 0; i < n; i++) {
                while (at < sp[i].start && invisible_at(s + at, len - at))
                    at += invisible_at(s + at, len - at);
                if (at != sp[i].start || sp[i].len == 0)
                    fail_msg("case %zu opts %zu: word %zu at %zu+%zu, want it at %zu", c, o, i,
                             sp[i].start, sp[i].len, at);
                bool emoji = o != 2 && sp[i].len == sizeof family - 1 &&
                             memcmp(s + at, family, sp[i].len) == 0;
                for (size_t b = at; b < at + sp[i].len && !emoji; b++)
                    if (invisible_at(s + b, at + sp[i].len - b))
                        fail_msg("case %zu opts %zu: word %zu (%.*s) has an invisible character",
                                 c, o, i, (int)sp[i].len, s + at);
                at += sp[i].len;
            }
            while (at < len && invisible_at(s + at, len - at)) at += invisible_at(s + at, len - at);
            assert_int_equal(at, len);
            if (c == 7 && o != 2) assert_int_equal(sp[0].len, sizeof family - 1);
            free(sp);
        }
    }
    lexkit_tagger_free(t);
}

typedef struct {
    const lexkit_tagger *t;
    char (*want)[1024]; /* [N_TEXTS * N_OPTS] */
    int seed, bad;
} worker;

static void *run(void *arg)
{
    worker *w = arg;
    char out[1024];
    for (int r = 0; r < 40; r++) {
        size_t k = (size_t)(r * 7 + w->seed * 5) % (N_TEXTS * N_OPTS);
        render(w->t, texts[k / N_OPTS], &opts[k % N_OPTS], out, sizeof out);
        w->bad += strcmp(out, w->want[k]) != 0;
    }
    return NULL;
}

static void test_threads_share_one_tagger(void **state)
{
    (void)state;
    lexkit_tagger *t = NULL;
    lexkit_error err;
    assert_int_equal(lexkit_tagger_load(MODEL, &t, &err), LEXKIT_OK);
    static char want[N_TEXTS * N_OPTS][1024];
    for (size_t k = 0; k < N_TEXTS * N_OPTS; k++)
        render(t, texts[k / N_OPTS], &opts[k % N_OPTS], want[k], sizeof want[k]);
    enum { T = 4 };
    pthread_t th[T];
    worker w[T];
    for (int i = 0; i < T; i++) {
        w[i] = (worker){t, want, i, 0};
        assert_int_equal(pthread_create(&th[i], NULL, run, &w[i]), 0);
    }
    for (int i = 0; i < T; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(w[i].bad, 0);
    }
    /* a second tagger, fresh workspaces: the same answers */
    lexkit_tagger *u = NULL;
    assert_int_equal(lexkit_tagger_load(MODEL, &u, &err), LEXKIT_OK);
    char out[1024];
    for (size_t k = 0; k < N_TEXTS * N_OPTS; k++) {
        render(u, texts[k / N_OPTS], &opts[k % N_OPTS], out, sizeof out);
        assert_string_equal(out, want[k]);
    }
    lexkit_tagger_free(u);
    lexkit_tagger_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_long_text_memory), /* first: it measures the peak RSS */
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_invisible_characters),
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_chunks),
        cmocka_unit_test(test_threads_share_one_tagger),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
