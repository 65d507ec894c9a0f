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
    /* a destination with balanced parentheses (CommonMark); a title after white space */
    plain("[Python](https://en.wikipedia.org/wiki/Python_(programming_language)) is",
          "Python is");
    plain("[a](x_(b)_(c)) [d](e(f)g \"t\") ([h](i))", "a d (h)");
    plain("[a](u \"t (x)\") z", "a z");
    plain("[a](b(c) z", "a z");
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
         "Needs a starter. See my guide and\nthe FAQ, [b][], a loaf https://x.org/a_b.\n\n");
    /* fences: the code stays as written, the fence lines and info string go */
    text("```python\nx = a_b * 2  # *not* markup\n```\n~~~~\n[k](v)\n~~~~\nafter\n",
         "x = a_b * 2  # *not* markup\n[k](v)\nafter\n");
    text("> quoted **bold**\n> > nested\n\n---\n***\nSetext\n======\nLine\n",
         "quoted bold\nnested\n\nSetext\nLine\n");
    text("| Item | `a|b` |\n|:-----|-----:|\n| flour | 500 |\n\nx\n",
         "Item   a b\nflour   500\n\nx\n");
    text("a <!-- hidden --> b\n<!-- multi\nline -->\nc\n", "a  b\nc\n");
    text("#hashtag snake_case 2*3 [^1]\n\n[^1]: a note\n", "#hashtag snake_case 2*3\n\na note\n");
    text("unterminated\n```\ncode", "unterminated\ncode");
    text("", "");
}

/* References as CommonMark reads them: a shortcut [foo], a collapsed [foo][] and a full
   [text][foo] give their text only where [foo]: defines the label (matched
   case-insensitively, white space runs as one space); elsewhere the brackets are text. */
static void test_md_plain_references(void **state)
{
    (void)state;
    text("See [foo], [Foo  Bar], [x][FOO], [foo][] and ![logo].\n\n"
         "[foo]: http://x.org/foo\n[foo bar]: <http://x.org/fb> \"T\"\n[LOGO]: l.png\n",
         "See foo, Foo  Bar, x, foo and logo.\n\n");
    text("[undefined], [y][nope], [nope][], [a] [b]\n\n[b]: /b\n", "[undefined], [y][nope], [nope][], [a] b\n\n");
    /* a label after the brackets makes them no shortcut (CommonMark example 570) */
    text("[foo][bar][baz]\n\n[baz]: /1\n[foo]: /2\n", "[foo]bar\n\n");
    /* no definition in code, and none in a title (lk_md_inline_plain has no document) */
    text("```\n[c]: /c\n```\n[c]\n", "[c]: /c\n[c]\n");
    plain("[foo] and [x][foo]", "[foo] and [x][foo]");
    /* not a label: brackets inside, blank; an escaped bracket is text */
    text("[a [foo] b] [ ] \\[foo\\]\n\n[foo]: /f\n[ ]: /blank\n", "[a foo b] [ ] [foo]\n\n");
    /* Unicode labels are matched by their lowercase */
    text("[Ärger] [长城]\n\n[ärger]: /a\n[长城]: /c\n", "Ärger 长城\n\n");
}

/* GFM footnotes: a reference [^1] goes where [^1]: defines it; the definition gives its text. */
static void test_md_plain_footnotes(void **state)
{
    (void)state;
    text("Bread[^1] rises[^Yeast] and [^none] stays.\n\n[^1]: A **note**.\n[^yeast]: Fungus.\n",
         "Bread rises and [^none] stays.\n\nA note.\nFungus.\n");
}

/* Inline HTML: the tags go, their content stays; a break or block tag is a space. */
static void test_md_plain_html(void **state)
{
    (void)state;
    text("Inline <b>bold</b>, <span class=\"a b\" data-x='1' hidden>span</span>, "
         "<EM>em</EM>\n", "Inline bold, span, em\n");
    text("a<br>b c<br/>d e<BR />f <p>para</p><img src=\"x.png\" alt=\"y\">.\n",
         "a b c d e f  para .\n");
    text("| a<br>b | c |\n|---|---|\n", "a b   c\n");
    /* not tags: comparisons, arrows, code, escapes, bad attributes, unclosed */
    text("a < b > c, 1<2, <3, x <- y, `<code>`, \\<b\\>, <a b=>, <a \"x\">, <b\n",
         "a < b > c, 1<2, <3, x <- y, <code>, <b>, <a b=>, <a \"x\">, <b\n");
    /* a tag may span lines in a paragraph; autolinks stay links */
    text("x <span\nclass=\"a\">y</span> <https://x.org/a> <me@x.org>\n",
         "x y https://x.org/a me@x.org\n");
    plain("Title <small>beta</small>", "Title beta");
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
    /* HTML tags that never close, and labels that are never defined: all text */
    for (size_t i = 0; i < n; i++) s[i] = i % 2000 < 1990 ? "<a b='<' c=d "[i % 13] : "[x]\n"[i % 4];
    assert_int_equal(lk_md_plain(s, n, out, &len), LK_OK);
    size_t kept[2] = {0, 0}, had[2] = {0, 0};
    for (size_t i = 0; i < n; i++) had[0] += s[i] == '<', had[1] += s[i] == '[';
    for (size_t i = 0; i < len; i++) kept[0] += out[i] == '<', kept[1] += out[i] == '[';
    assert_int_equal(kept[0], had[0]);
    assert_int_equal(kept[1], had[1]);
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
        cmocka_unit_test(test_md_plain_references),
        cmocka_unit_test(test_md_plain_footnotes),
        cmocka_unit_test(test_md_plain_html),
        cmocka_unit_test(test_md_plain_long),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
