/* test_html.c: HTML title and text extraction (text/html.c, libxml2) and Latin accent
   folding (lk_fold_latin, text/normalize.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "text/html.h"
#include "text/utf8.h"

static void extract(const char *html, const char *want_title, const char *want_text)
{
    char *title = NULL, *text = NULL;
    size_t tl = 0, xl = 0;
    lk_error err;
    assert_int_equal(lk_html_extract(html, strlen(html), &title, &tl, &text, &xl, &err), LK_OK);
    assert_string_equal(title, want_title);
    assert_int_equal(tl, strlen(want_title));
    assert_string_equal(text, want_text);
    assert_int_equal(xl, strlen(want_text));
    free(title);
    free(text);
}

static void test_html_extract(void **state)
{
    (void)state;
    extract("<html><head><title> A\n  page </title><script>var s = 'x';</script>"
            "<style>b {}</style></head><body><p>One <b>bo</b>ld &amp; <i>two</i>.</p>"
            "<div>Three<br>four</div><noscript>nojs</noscript></body></html>",
            "A page", "One bold & two.\nThree\nfour");
    /* a <nav> menu is not text (nested or not); header and footer are */
    extract("<html><head><title>Concerts</title></head><body><header>Big Hall</header>"
            "<nav><a href=/>Home</a> | <a href=/t>Tickets</a><nav><a>Sub</a></nav></nav>"
            "<main><p>Tonight: jazz.</p></main><footer>Contact</footer></body></html>",
            "Concerts", "Big Hall\nTonight: jazz.\nContact");
    /* no <title>: the first <h1>; broken markup is recovered */
    extract("<h1>Head <em>line</em></h1><p>unclosed <b>bold<p>next", "Head line",
            "Head line\nunclosed bold\nnext");
    /* a blank <title> is no title: the first <h1> */
    extract("<title> \n </title><h1>Real title</h1><p>x", "Real title", "Real title\nx");
    extract("<title></title><p>no heading", "", "no heading");
    /* an inline SVG icon's <title> is not the page's: the <h1> is */
    extract("<body><a href=x><svg><title>GitHub icon</title><path d=\"M0\"/></svg></a>"
            "<h1>Release notes 2.0</h1><p>Fixed.</p></body>",
            "Release notes 2.0", "Release notes 2.0\nFixed.");
    /* Latin-1 bytes read through the declared charset */
    extract("<meta charset=\"iso-8859-1\"><title>Caf\xe9</title><p>cr\xe8me", "Caf\xc3\xa9",
            "cr\xc3\xa8me");
    extract("", "", "");
}

/* Deep nesting: libxml2 stops at 256 levels without XML_PARSE_HUGE (the body was lost
   without a word); 300 levels read whole, and 200,000 too (the traversals do not recurse:
   no stack overflow). */
static void deep(size_t n)
{
    char *h = malloc(64 + n * 11);
    assert_non_null(h);
    strcpy(h, "<html><body>");
    char *e = h + strlen(h);
    for (size_t i = 0; i < n; i++, e += 5) memcpy(e, "<div>", 5);
    strcpy(e, "deepneedle");
    e += strlen(e);
    for (size_t i = 0; i < n; i++, e += 6) memcpy(e, "</div>", 6);
    strcpy(e, "<p>after deep</p></body></html>");
    extract(h, "", "deepneedle\nafter deep");
    free(h);
}

static void test_html_deep(void **state)
{
    (void)state;
    deep(300);
    deep(200000);
}

static void test_fold_latin(void **state)
{
    (void)state;
    char out[2];
    static const struct {
        int32_t cp;
        const char *to;
    } cases[] = {{0xE9, "e"},   {0xC5, "A"},  {0xF1, "n"},  {0x151, "o"}, {0x1EBF, "e"},
                 {0xDF, "ss"},  {0xE6, "ae"}, {0xF8, "o"},  {0x142, "l"}, {0xFE, "th"},
                 {0x153, "oe"}, {0x111, "d"}, {0x1E9E, "SS"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = lk_fold_latin(cases[i].cp, out);
        assert_int_equal(n, strlen(cases[i].to));
        assert_memory_equal(out, cases[i].to, n);
    }
    /* not folded: ASCII, Greek with accent, Cyrillic, Han, a lone combining mark, × */
    static const int32_t keep[] = {'e', 0x3AC, 0x439, 0x4E2D, 0x301, 0xD7};
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
        assert_int_equal(lk_fold_latin(keep[i], out), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_html_extract),
        cmocka_unit_test(test_html_deep),
        cmocka_unit_test(test_fold_latin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
