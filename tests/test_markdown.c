/* test_markdown.c: Markdown to plain text (text/markdown.c): inline markup
   (lk_md_inline_plain, for titles) and whole documents (lk_md_plain) for `index --input DIR`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "text/markdown.h"

static void plain(const char *md, const char *want)
{
    size_t n = strlen(md), got_len = 99;
    char *out = malloc(n + 1);
    assert_non_null(out);
    assert_int_equal(lk_md_inline_plain(md, n, out, &got_len), LK_OK);
    out[got_len] = '\0';
    assert_string_equal(out, want);
    free(out);
}

static void test_md_markup(void **state)
{
    (void)state;
    plain("**Bold** _title_", "Bold title");
    plain("*a* __b__ ***c*** ~~d~~ ~e~", "a b c d e");
    plain("*a **b** c*", "a b c");
    plain("Use `a*b_c` here", "Use a*b_c here");
    plain("``code with ` tick``", "code with ` tick");
    plain("[Link text](http://x.org/a_b_c) and ![alt *x*](img.png)", "Link text and alt x");
    plain("**[Bold link](u)**", "Bold link");
    plain("[a [b] c](u)", "a [b] c");
    plain("\\*not emphasis\\* \\[x\\](y)", "*not emphasis* [x](y)");
    plain("  spaced  ", "spaced");
    plain("", "");
}

static void test_md_literal(void **state)
{
    (void)state;
    /* no markup: intraword underscores, a spaced or lone star, unclosed spans and links */
    plain("snake_case_name and 2 * 3 and 5* stars", "snake_case_name and 2 * 3 and 5* stars");
    plain("`unclosed code and *star", "`unclosed code and *star");
    plain("[unclosed link](no paren", "[unclosed link](no paren");
    plain("[ref][x] and [plain]", "[ref][x] and [plain]");
    plain("C# and C++ ~~~ 100%", "C# and C++ ~~~ 100%");
    plain("长江**大桥**", "长江大桥");
    plain("**", "**");
}

/* Long runs of openers and backticks without a closer: linear, and the text is kept. */
static void test_md_long(void **state)
{
    (void)state;
    size_t n = 200000;
    char *s = malloc(n + 1), *out = malloc(n);
    assert_non_null(s);
    assert_non_null(out);
    for (size_t i = 0; i < n; i++) s[i] = "[*a`]("[i % 6];
    size_t len;
    assert_int_equal(lk_md_inline_plain(s, n, out, &len), LK_OK);
    assert_true(len <= n);
    free(s);
    free(out);
}

static void text(const char *md, const char *want)
{
    size_t n = strlen(md), got_len = 99;
    char *out = malloc(n + 1);
    assert_non_null(out);
    assert_int_equal(lk_md_plain(md, n, out, &got_len), LK_OK);
    assert_true(got_len <= n);
    out[got_len] = '\0';
    assert_string_equal(out, want);
    free(out);
}

static void test_md_plain_blocks(void **state)
{
    (void)state;
    text("## Ingredients ##\n- 500g *flour*\n* [x] water\n+ salt\n12. bake\n3) cool\n",
         "Ingredients\n500g flour\nwater\nsalt\nbake\ncool\n");
    text("Needs a *starter*. See [my guide](https://x.org/s?ref=blog \"T\") and\n"
         "[the FAQ][faq], [b][], ![a loaf](l.png) <https://x.org/a_b>.\n\n"
         "[faq]: https://github.com/x\n",
         "Needs a starter. See my guide and\nthe FAQ, b, a loaf https://x.org/a_b.\n\n");
    /* fences: the code stays as written, the fence lines and info string go */
    text("```python\nx = a_b * 2  # *not* markup\n```\n~~~~\n[k](v)\n~~~~\nafter\n",
         "x = a_b * 2  # *not* markup\n[k](v)\nafter\n");
    text("> quoted **bold**\n> > nested\n\n---\n***\nSetext\n======\nLine\n",
         "quoted bold\nnested\n\nSetext\nLine\n");
    text("| Item | `a|b` |\n|:-----|-----:|\n| flour | 500 |\n\nx\n",
         "Item   a b\nflour   500\n\nx\n");
    text("a <!-- hidden --> b\n<!-- multi\nline -->\nc\n", "a  b\nc\n");
    text("#hashtag snake_case 2*3 [^1]\n\n[^1]: a note\n",
         "#hashtag snake_case 2*3 [^1]\n\n[^1]: a note\n");
    text("unterminated\n```\ncode", "unterminated\ncode");
    text("", "");
}

/* Long lines of markers and a long unclosed fence: linear, the output never grows. */
static void test_md_plain_long(void **state)
{
    (void)state;
    size_t n = 200000;
    char *s = malloc(n), *out = malloc(n);
    assert_non_null(s);
    assert_non_null(out);
    for (size_t i = 0; i < n; i++) s[i] = "][|<-*`#\n> "[i % 11];
    size_t len;
    assert_int_equal(lk_md_plain(s, n, out, &len), LK_OK);
    assert_true(len <= n);
    free(s);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_md_markup),
        cmocka_unit_test(test_md_literal),
        cmocka_unit_test(test_md_long),
        cmocka_unit_test(test_md_plain_blocks),
        cmocka_unit_test(test_md_plain_long),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
