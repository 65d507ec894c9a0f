/* test_userdict.c: user dictionary parsing, errors and longest-match lookup. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "text/userdict.h"

static char *write_tmp(const char *content)
{
    char *path = strdup("/tmp/lk-userdict-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
    close(fd);
    return path;
}

static void test_load_and_longest(void **state)
{
    (void)state;
    char *path = write_tmp("# comment\n\n长江 \n长江大桥\tPROPN\n  大桥 NOUN  \n长江 X\n");
    lk_userdict *d = NULL;
    lk_error err;
    assert_int_equal(lk_userdict_load(path, &d, &err), LK_OK);
    assert_int_equal(lk_userdict_size(d), 3); /* 长江 twice: one entry, last tag */
    const char *s = "长江大桥很长";
    size_t ends[] = {3, 6, 9, 12, 15, 18}; /* every character end */
    int32_t id = -1;
    assert_int_equal(lk_userdict_longest(d, s, ends, 6, &id), 3); /* 长江大桥 */
    int64_t line, col;
    assert_string_equal(lk_userdict_tag(d, id, &line, &col), "PROPN");
    assert_int_equal(line, 4);
    assert_int_equal(col, 6);
    /* only ends at unit boundaries count: without the end at 12, 长江 wins */
    size_t ends2[] = {6, 15};
    assert_int_equal(lk_userdict_longest(d, s, ends2, 2, &id), 0);
    assert_string_equal(lk_userdict_tag(d, id, NULL, NULL), "X");
    assert_int_equal(lk_userdict_longest(d, "很长", ends, 2, &id), -1);
    lk_userdict_free(d);
    unlink(path);
    free(path);
}

static void test_bad_lines(void **state)
{
    (void)state;
    lk_userdict *d = NULL;
    lk_error err;
    char *p1 = write_tmp("好\n\nword TAG extra\n");
    assert_int_equal(lk_userdict_load(p1, &d, &err), LK_ERR_PARSE);
    assert_null(d);
    char want[128];
    snprintf(want, sizeof want, "%s:3:10: expected `word [TAG]`", p1);
    assert_non_null(strstr(err.msg, want));
    char *p2 = write_tmp("ok\nb\xc3(ad\n");
    assert_int_equal(lk_userdict_load(p2, &d, &err), LK_ERR_PARSE);
    snprintf(want, sizeof want, "%s:2:2: invalid UTF-8", p2);
    assert_non_null(strstr(err.msg, want));
    assert_int_equal(lk_userdict_load("/nonexistent/dict.txt", &d, &err), LK_ERR_IO);
    unlink(p1);
    unlink(p2);
    free(p1);
    free(p2);
}

/* The line splitter the tagger's --lexicon shares: fields, comments, blank lines, errors. */
static void test_split_line(void **state)
{
    (void)state;
    const char *w, *t;
    size_t wl, tl;
    lk_error err;
    const char *s = "  长江\tPROPN ";
    assert_int_equal(lk_userdict_split_line(s, strlen(s), "x", 1, &w, &wl, &t, &tl, &err), LK_OK);
    assert_int_equal(w - s, 2);
    assert_int_equal(wl, 6);
    assert_int_equal(t - s, 9);
    assert_int_equal(tl, 5);
    s = "大桥";
    assert_int_equal(lk_userdict_split_line(s, strlen(s), "x", 2, &w, &wl, &t, &tl, &err), LK_OK);
    assert_int_equal(wl, 6);
    assert_null(t);
    assert_int_equal(tl, 0);
    s = "# 长江 PROPN extra";
    assert_int_equal(lk_userdict_split_line(s, strlen(s), "x", 3, &w, &wl, &t, &tl, &err), LK_OK);
    assert_int_equal(wl, 0);
    assert_int_equal(lk_userdict_split_line(" \t", 2, "x", 4, &w, &wl, &t, &tl, &err), LK_OK);
    assert_int_equal(wl, 0);
    s = "坏 行 多";
    assert_int_equal(lk_userdict_split_line(s, strlen(s), "lex.txt", 6, &w, &wl, &t, &tl, &err),
                     LK_ERR_PARSE);
    assert_string_equal(err.msg, "lex.txt:6:5: expected `word [TAG]`, found a third field");
    s = "b\xc3(ad";
    assert_int_equal(lk_userdict_split_line(s, strlen(s), "lex.txt", 7, &w, &wl, &t, &tl, &err),
                     LK_ERR_PARSE);
    assert_non_null(strstr(err.msg, "lex.txt:7:2: invalid UTF-8"));
}

static void test_from_words(void **state)
{
    (void)state;
    const char *w[] = {"ab", "abcd"};
    lk_userdict *d = NULL;
    assert_int_equal(lk_userdict_from_words(w, NULL, 2, &d), LK_OK);
    size_t ends[] = {1, 2, 3, 4};
    int32_t id;
    assert_int_equal(lk_userdict_longest(d, "abcd", ends, 4, &id), 3);
    assert_int_equal(lk_userdict_longest(d, "abce", ends, 4, &id), 1);
    assert_null(lk_userdict_tag(d, id, NULL, NULL));
    lk_userdict_free(d);
    const char *empty[] = {""};
    assert_int_equal(lk_userdict_from_words(empty, NULL, 1, &d), LK_ERR_ARG);
    assert_null(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_and_longest),
        cmocka_unit_test(test_bad_lines),
        cmocka_unit_test(test_split_line),
        cmocka_unit_test(test_from_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
