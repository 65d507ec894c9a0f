/* test_url.c: URL, e-mail address, host name and @handle lengths in running text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "text/url.h"

static void test_url_email_edges(void **state)
{
    (void)state;
    assert_int_equal(lk_url_len("http://a.b/c.", 13), 12);   /* final . is the sentence's */
    assert_int_equal(lk_url_len("http://", 7), 0);
    assert_int_equal(lk_url_len("wwwx.com", 8), 0);
    const char *iri[] = {"http://例子.中国。", "http://a.cn/页面，", "http://a.cn页面"};
    assert_int_equal(lk_url_len(iri[0], strlen(iri[0])), strlen(iri[0]) - 3); /* IRI */
    assert_int_equal(lk_url_len(iri[1], strlen(iri[1])), strlen(iri[1]) - 3);
    assert_int_equal(lk_url_len(iri[2], strlen(iri[2])), 11); /* then Han text */
    assert_int_equal(lk_url_email_len("a@b", 3), 0);             /* no dot in the domain */
    assert_int_equal(lk_url_email_len("a.b@c.d.", 8), 7);
    assert_int_equal(lk_url_email_len("@c.d", 4), 0);
    /* bare host names: a known top-level domain, a port, a path; not versions or abbreviations */
    assert_int_equal(lk_url_host_len("wwwx.com", 8), 8);
    assert_int_equal(lk_url_host_len("t.sina.com.cn/abc", 17), 17);
    assert_int_equal(lk_url_host_len("baidu.com:8080/s?wd=1.", 22), 21);
    assert_int_equal(lk_url_host_len("Example.COM", 11), 11);
    assert_int_equal(lk_url_host_len("sina.com.", 9), 8);
    assert_int_equal(lk_url_host_len("a.com/", 6), 5);
    assert_int_equal(lk_url_host_len("1.2.3", 5), 0);
    assert_int_equal(lk_url_host_len("Node.js", 7), 0);
    assert_int_equal(lk_url_host_len("e.g.", 4), 0);
    assert_int_equal(lk_url_host_len("com", 3), 0);
    assert_int_equal(lk_url_host_len("example.community", 17), 0);
    assert_int_equal(lk_url_host_len("example.com.foo", 15), 0);
    assert_int_equal(lk_url_host_len("a.com@b.cn", 10), 0);
}

/* A ')' or ']' is the URL's when the URL opened it (GitHub's and Markdown autolinkers' rule). */
static void test_url_brackets(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t want;
    } cases[] = {
        {"https://en.wikipedia.org/wiki/Python_(programming_language)", 59},
        {"https://en.wikipedia.org/wiki/Python_(programming_language).", 59},
        {"https://en.wikipedia.org/wiki/Python_(programming_language)),", 59},
        {"https://x.org/a)", 15},
        {"https://x.org/a).", 15},
        {"https://x.org/f(a)(b))", 21},
        {"https://x.org/a)b(", 18}, /* only a final ')' is trimmed */
        {"https://x.org/a?q[1]=2]", 22},
        {"mailto:ann@x.org)", 16},
        {"mailto:", 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        assert_int_equal(lk_url_len(cases[k].s, strlen(cases[k].s)), cases[k].want);
}

/* An @handle: '@', a letter or '_', then letters, digits and '_' with '.' between them. */
static void test_url_handles(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t want;
    } cases[] = {
        {"@zhang_san和", 10}, {"@li.si.", 6}, {"@a..b", 2}, {"@_x1", 4}, {"@W.a.b.b.y", 10},
        {"@1a", 0},           {"@", 0},       {"@ a", 0},   {"a@b", 0}, {"@.a", 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        assert_int_equal(lk_url_handle_len(cases[k].s, strlen(cases[k].s)), cases[k].want);
    assert_int_equal(lk_url_handle_len("", 0), 0);
    assert_int_equal(lk_url_handle_len("@ab", 1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url_email_edges),
        cmocka_unit_test(test_url_brackets),
        cmocka_unit_test(test_url_handles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
