/* Tests for text/utf8.c and text/normalize.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/fileio.h"
#include "text/utf8.h"
#include "text/utf8_internal.h" /* lk_ucd_category: the reference for lk_is_ignorable */

static size_t dec(const char *s, int32_t *cp)
{
    return lk_utf8_decode(s, strlen(s), cp);
}

static void test_decode_valid(void **state)
{
    (void)state;
    int32_t cp = -1;
    assert_int_equal(dec("A", &cp), 1);
    assert_int_equal(cp, 0x41);
    assert_int_equal(dec("\xC3\xA9", &cp), 2); /* é */
    assert_int_equal(cp, 0xE9);
    assert_int_equal(dec("\xE4\xB8\xAD", &cp), 3); /* 中 */
    assert_int_equal(cp, 0x4E2D);
    assert_int_equal(dec("\xF0\x9F\x98\x80", &cp), 4); /* 😀 */
    assert_int_equal(cp, 0x1F600);
    assert_int_equal(dec("\xF4\x8F\xBF\xBF", &cp), 4); /* U+10FFFF */
    assert_int_equal(cp, 0x10FFFF);
    assert_int_equal(lk_utf8_decode("\0", 1, &cp), 1);
    assert_int_equal(cp, 0);
}

/* lk_utf8_printable: text kept, other bytes and controls escaped, cut at a whole piece */
/* Grapheme cluster boundaries: inside a code point no; inside an emoji ZWJ sequence, a
   flag, a skin-toned emoji or a letter with its mark no; between clusters yes, also after a
   run of regional indicators (pairs counted from the run's start) and far from ASCII. */
static void test_grapheme_boundary(void **state)
{
    (void)state;
    /* a 👨‍👩‍👦 b 🇨🇳🇺🇸 x̃ 👍🏽 */
    const char *s = "a\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa6"
                    "b\xf0\x9f\x87\xa8\xf0\x9f\x87\xb3\xf0\x9f\x87\xba\xf0\x9f\x87\xb8"
                    "x\xcc\x83\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd";
    size_t n = strlen(s);
    const size_t yes[] = {0, 1, 19, 20, 28, 36, 39, n};
    const size_t no[] = {2, 5, 8, 12, 15, 24, 32, 37, 43};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        assert_true(lk_utf8_grapheme_boundary(s, n, yes[i]));
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        assert_false(lk_utf8_grapheme_boundary(s, n, no[i]));
    /* a long run of flags with no ASCII before it: the pairs still count from its start */
    char flags[8 * 50 + 1] = "";
    for (int i = 0; i < 50; i++) strcat(flags, "\xf0\x9f\x87\xa8\xf0\x9f\x87\xb3");
    for (size_t off = 0; off <= 8 * 50; off += 4)
        assert_int_equal(lk_utf8_grapheme_boundary(flags, 8 * 50, off), off % 8 == 0);
}

static void test_printable(void **state)
{
    (void)state;
    char out[64];
    const char *s = "n\xFF" "a\tb\xE4\xB8\xAD\xC2\x85" "e"; /* n, 0xFF, a, TAB, b, 中, U+0085, e */
    assert_string_equal(lk_utf8_printable(s, strlen(s), out, sizeof out),
                        "n\\xFFa\\x09b\xE4\xB8\xAD\\xC2\\x85e");
    /* room for "n\xFFa\x09b" (11 bytes + NUL) but not the 3 bytes of 中 after it */
    assert_string_equal(lk_utf8_printable(s, strlen(s), out, 13), "n\\xFFa\\x09b");
    assert_string_equal(lk_utf8_printable(s, strlen(s), out, 4), "n");
    assert_string_equal(lk_utf8_printable(s, strlen(s), out, 1), "");
    /* a sequence cut by len is escaped byte by byte */
    assert_string_equal(lk_utf8_printable("\xE4\xB8", 2, out, sizeof out), "\\xE4\\xB8");
}

static void test_count(void **state)
{
    (void)state;
    const char *s = "a\xc3\xa9\xe4\xb8\xad\xf0\x9f\x99\x82" "b"; /* a é 中 🙂 b: 11 bytes */
    assert_int_equal(lk_utf8_count(s, strlen(s)), 5);
    assert_int_equal(lk_utf8_count(s, 3), 2);  /* a é */
    assert_int_equal(lk_utf8_count(s, 4), 3);  /* a é and the lead byte of 中 */
    assert_int_equal(lk_utf8_count(s, 0), 0);
    assert_int_equal(lk_utf8_column(s, 6), 4); /* 🙂 starts at byte 6: column 4 */
}

static void test_decode_rejects(void **state)
{
    (void)state;
    int32_t cp;
    assert_int_equal(dec("\xC0\xAF", &cp), 0);         /* overlong '/' */
    assert_int_equal(dec("\xC1\xBF", &cp), 0);         /* overlong */
    assert_int_equal(dec("\xE0\x80\xAF", &cp), 0);     /* overlong 3-byte */
    assert_int_equal(dec("\xF0\x80\x80\xAF", &cp), 0); /* overlong 4-byte */
    assert_int_equal(dec("\xED\xA0\x80", &cp), 0);     /* surrogate U+D800 */
    assert_int_equal(dec("\xED\xBF\xBF", &cp), 0);     /* surrogate U+DFFF */
    assert_int_equal(dec("\xF4\x90\x80\x80", &cp), 0); /* U+110000 */
    assert_int_equal(dec("\xF5\x80\x80\x80", &cp), 0);
    assert_int_equal(dec("\xFF", &cp), 0);
    assert_int_equal(dec("\x80", &cp), 0);             /* lone continuation */
    assert_int_equal(lk_utf8_decode("\xE4\xB8\xAD", 2, &cp), 0); /* truncated */
    assert_int_equal(dec("\xE4\x41\xAD", &cp), 0);     /* bad continuation */
    assert_int_equal(lk_utf8_decode("", 0, &cp), 0);
}

static void test_encode_round_trip(void **state)
{
    (void)state;
    const int32_t cps[] = {0, 0x7F, 0x80, 0x7FF, 0x800, 0xFFFF, 0x10000, 0x10FFFF, 0x4E2D};
    for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++) {
        char buf[4];
        int32_t back = -1;
        size_t n = lk_utf8_encode(cps[i], buf);
        assert_true(n >= 1 && n <= 4);
        assert_int_equal(lk_utf8_decode(buf, n, &back), n);
        assert_int_equal(back, cps[i]);
    }
    char buf[4];
    assert_int_equal(lk_utf8_encode(0xD800, buf), 0);
    assert_int_equal(lk_utf8_encode(0x110000, buf), 0);
    assert_int_equal(lk_utf8_encode(-1, buf), 0);
}

static void test_valid_and_check_line(void **state)
{
    (void)state;
    size_t bad = 99;
    assert_true(lk_utf8_valid("abc \xE4\xB8\xAD\xE6\x96\x87", 10, &bad));
    assert_true(lk_utf8_valid("", 0, NULL));
    /* "中a" then 0xFF: byte offset 4, column 3. */
    const char *s = "\xE4\xB8\xAD" "a\xFF" "b";
    assert_false(lk_utf8_valid(s, strlen(s), &bad));
    assert_int_equal(bad, 4);
    lk_error err;
    assert_int_equal(lk_utf8_check_line(s, strlen(s), "in.txt", 7, &err), LK_ERR_PARSE);
    assert_string_equal(err.msg, "in.txt:7:3: invalid UTF-8 byte 0xFF");
    /* A truncated sequence at the end of the line points at its first byte. */
    assert_int_equal(lk_utf8_check_line("ab\xE4\xB8", 4, "t", 1, &err), LK_ERR_PARSE);
    assert_string_equal(err.msg, "t:1:3: invalid UTF-8 byte 0xE4");
    assert_int_equal(lk_utf8_check_line("ok", 2, "t", 1, &err), LK_OK);
}

/* Text in another encoding gets a hint after the usual message (whose start scripts match).
   The bytes are Python's: '这款手机很好'.encode('gbk'), '颱風即將登陸'.encode('big5'),
   '𠀀中文'.encode('gb18030'), '我们去北京'.encode('utf-16') (with its BOM),
   'abc我们'.encode('utf-16-le'), '北京abc'.encode('utf-16-be'). */
static void test_encoding_hints(void **state)
{
    (void)state;
    static const char gbk_hint[] = " (is the file in GBK/GB18030 or Big5? convert it with "
                                   "iconv -f GB18030 -t UTF-8, or -f BIG5)";
    static const char utf16_hint[] = " (the file looks like UTF-16: convert it with iconv -f "
                                     "UTF-16 -t UTF-8)";
    static const struct {
        const char *bytes;
        size_t len;
        const char *start, *hint;
    } cases[] = {
#define CASE(b, start, hint) {b, sizeof b - 1, start, hint}
        CASE("\xD5\xE2\xBF\xEE\xCA\xD6\xBB\xFA\xBA\xDC\xBA\xC3", "f.txt:1:1: invalid UTF-8 byte 0xD5",
             gbk_hint),
        CASE("\xBB\xE4\xAD\xB7\xA7\x59\xB1\x4E\xB5\x6E\xB3\xB0", "f.txt:1:1: invalid UTF-8 byte 0xBB",
             gbk_hint),
        CASE("\x95\x32\x82\x36\xD6\xD0\xCE\xC4", "f.txt:1:1: invalid UTF-8 byte 0x95", gbk_hint),
        CASE("ok \xD5\xE2\xBF\xEE", "f.txt:1:4: invalid UTF-8 byte 0xD5", gbk_hint),
        CASE("\xFF\xFE\x11\x62\xEC\x4E\xBB\x53\x17\x53\xAC\x4E",
             "f.txt:1:1: invalid UTF-8 byte 0xFF", utf16_hint),
        CASE("\xFE\xFF\x62\x11", "f.txt:1:1: invalid UTF-8 byte 0xFE", utf16_hint),
        CASE("\x61\x00\x62\x00\x63\x00\x11\x62\xEC\x4E", "f.txt:1:9: invalid UTF-8 byte 0xEC",
             utf16_hint),
        CASE("\x53\x17\x4E\xAC\x00\x61\x00\x62\x00\x63", "f.txt:1:4: invalid UTF-8 byte 0xAC",
             utf16_hint),
        /* no hint: a UTF-8 character cut short, an overlong form, one stray byte */
        CASE("ab\xE4\xB8", "f.txt:1:3: invalid UTF-8 byte 0xE4", ""),
        CASE("x \xC0\xAF", "f.txt:1:3: invalid UTF-8 byte 0xC0", ""),
        CASE("\xE4\xB8\xAD\xFF", "f.txt:1:2: invalid UTF-8 byte 0xFF", ""),
#undef CASE
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        lk_error err;
        char want[LK_ERROR_MSG_MAX];
        snprintf(want, sizeof want, "%s%s", cases[c].start, cases[c].hint);
        assert_int_equal(lk_utf8_check_line(cases[c].bytes, cases[c].len, "f.txt", 1, &err),
                         LK_ERR_PARSE);
        if (strcmp(err.msg, want) != 0) fail_msg("case %zu: got '%s', want '%s'", c, err.msg, want);
        /* the same message without path:line, as the tokenizer and normalizer give it */
        size_t bad = 0;
        assert_false(lk_utf8_valid(cases[c].bytes, cases[c].len, &bad));
        assert_int_equal(lk_utf8_error(cases[c].bytes, cases[c].len, bad, NULL, 0, &err),
                         LK_ERR_PARSE);
        assert_string_equal(err.msg, want + strlen("f.txt:1:"));
    }
    lk_error err;
    assert_int_equal(lk_utf8_check_line("\xD5\xE2\xBF\xEE", 4, NULL, 3, &err), LK_ERR_PARSE);
    assert_string_equal(err.msg, "-:3:1: invalid UTF-8 byte 0xD5" " (is the file in GBK/GB18030 "
                        "or Big5? convert it with iconv -f GB18030 -t UTF-8, or -f BIG5)");
}

static void test_char_classes(void **state)
{
    (void)state;
    assert_int_equal(lk_char_class_of('a'), LK_CC_LETTER);
    assert_int_equal(lk_char_class_of(0xE9), LK_CC_LETTER);   /* é */
    assert_int_equal(lk_char_class_of(0x3B1), LK_CC_LETTER);  /* α */
    assert_int_equal(lk_char_class_of(0x30AB), LK_CC_LETTER); /* カ */
    assert_int_equal(lk_char_class_of('7'), LK_CC_NUMBER);
    assert_int_equal(lk_char_class_of(0xB2), LK_CC_NUMBER);   /* ² */
    assert_int_equal(lk_char_class_of(0x663), LK_CC_NUMBER);  /* Arabic-Indic 3 */
    assert_int_equal(lk_char_class_of('!'), LK_CC_PUNCT);
    assert_int_equal(lk_char_class_of(0x3002), LK_CC_PUNCT);  /* 。 */
    assert_int_equal(lk_char_class_of(0x4E2D), LK_CC_HAN);    /* 中 */
    assert_int_equal(lk_char_class_of(0x3007), LK_CC_HAN);    /* 〇 */
    assert_int_equal(lk_char_class_of(0x3005), LK_CC_HAN);    /* 々 */
    assert_int_equal(lk_char_class_of(' '), LK_CC_SPACE);
    assert_int_equal(lk_char_class_of('\t'), LK_CC_SPACE);
    assert_int_equal(lk_char_class_of(0x3000), LK_CC_SPACE);  /* ideographic space */
    assert_int_equal(lk_char_class_of(0xA0), LK_CC_SPACE);
    assert_int_equal(lk_char_class_of('$'), LK_CC_SYMBOL);
    assert_int_equal(lk_char_class_of(0x20AC), LK_CC_SYMBOL); /* € */
    assert_int_equal(lk_char_class_of(0x1F600), LK_CC_SYMBOL);
    assert_int_equal(lk_char_class_of(0x301), LK_CC_MARK);
    assert_int_equal(lk_char_class_of(0x200D), LK_CC_OTHER);  /* ZWJ (Cf) */
    assert_int_equal(lk_char_class_of(0xE000), LK_CC_OTHER);  /* private use */
    assert_int_equal(lk_char_class_of(0x0378), LK_CC_OTHER);  /* unassigned */
}

static void test_is_han_ranges(void **state)
{
    (void)state;
    const int32_t yes[] = {0x4E00, 0x9FFF, 0x3400, 0x4DBF, 0x20000, 0x2A6DF, 0x2A700, 0x2B739,
                           0x2B740, 0x2B820, 0x2CEB0, 0x2EBE0, 0x30000, 0x3134A, 0x31350,
                           0x323AF, 0xF900, 0xFA6D, 0xFA70, 0xFAD9, 0x2F800, 0x2FA1D, 0x3007,
                           0x3005, 0x3021, 0x303B, 0x2E80, 0x2F00, 0x2FD5};
    const int32_t no[] = {'a', 0x3006, 0x3008, 0x4DC0, 0xA000, 0xFA6E, 0xFADA, 0x2A6E0,
                          0x2EBE1, 0x2FA1E, 0x323B0, 0x2E9A, 0x3041, 0x30AB, 0xAC00, 0xFF21};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) assert_true(lk_is_han(yes[i]));
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) assert_false(lk_is_han(no[i]));
}

static void test_tolower(void **state)
{
    (void)state;
    assert_int_equal(lk_tolower('A'), 'a');
    assert_int_equal(lk_tolower('z'), 'z');
    assert_int_equal(lk_tolower('1'), '1');
    assert_int_equal(lk_tolower(0xC9), 0xE9);   /* É -> é */
    assert_int_equal(lk_tolower(0x3A3), 0x3C3); /* Σ -> σ */
    assert_int_equal(lk_tolower(0x416), 0x436); /* Ж -> ж */
    assert_int_equal(lk_tolower(0x130), 'i');   /* İ: simple mapping only */
    assert_int_equal(lk_tolower(0xFF21), 0xFF41); /* Ａ -> ａ */
    assert_int_equal(lk_tolower(0x4E2D), 0x4E2D);
}

static void check_norm(const char *in, unsigned flags, const char *want)
{
    char *out = NULL;
    size_t n = 0;
    lk_error err;
    assert_int_equal(lk_normalize(in, strlen(in), flags, &out, &n, &err), LK_OK);
    assert_string_equal(out, want);
    assert_int_equal(n, strlen(want));
    free(out);
}

static void test_normalize(void **state)
{
    (void)state;
    check_norm("\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93",
               LK_NORM_NFKC, "ABC123");                              /* ＡＢＣ１２３ */
    check_norm("cafe\xCC\x81", LK_NORM_NFKC, "caf\xC3\xA9");         /* e + U+0301 -> é */
    check_norm("\xEF\xAC\x81" "nance", LK_NORM_NFKC, "finance");     /* ﬁ ligature */
    check_norm("\xE2\x91\xA0\xC2\xB2", LK_NORM_NFKC, "12");          /* ① ² */
    check_norm("\xEF\xBD\xB6\xEF\xBE\x9E", LK_NORM_NFKC, "\xE3\x82\xAC"); /* ｶﾞ -> ガ */
    check_norm("Stra\xC3\x9F" "e", LK_NORM_CASEFOLD, "strasse");     /* Straße */
    check_norm("\xCE\xA3\xCE\x91\xCE\xA3", LK_NORM_CASEFOLD, "\xCF\x83\xCE\xB1\xCF\x83"); /* ΣΑΣ */
    check_norm("\xEF\xBC\xA8\xEF\xBC\xA9", LK_NORM_NFKC | LK_NORM_CASEFOLD, "hi"); /* ＨＩ */
    check_norm("Keep AS is", 0, "Keep AS is");
    check_norm("", LK_NORM_NFKC, "");
}

static void test_normalize_errors(void **state)
{
    (void)state;
    char *out = (char *)1;
    size_t n = 7;
    lk_error err;
    assert_int_equal(lk_normalize("a\xFF", 2, LK_NORM_NFKC, &out, &n, &err), LK_ERR_PARSE);
    assert_null(out);
    assert_string_equal(err.msg, "2: invalid UTF-8 byte 0xFF");
    char small[4];
    size_t need = 0;
    assert_int_equal(lk_normalize_into("ABCDEF", 6, LK_NORM_CASEFOLD, small, sizeof small, &need,
                                       &err),
                     LK_ERR_RANGE);
    assert_int_equal(need, 6);
    char big[16];
    assert_int_equal(lk_normalize_into("ABCDEF", 6, LK_NORM_CASEFOLD, big, sizeof big, &need, &err),
                     LK_OK);
    assert_string_equal(big, "abcdef");
    assert_int_equal(need, 6);
}

/* One white-space definition: lk_is_space agrees with the class table on every code point,
   and with Python's str.isspace on the listed ones. */
static void test_is_space_one_definition(void **state)
{
    (void)state;
    for (int32_t cp = 0; cp <= 0x10FFFF; cp++)
        if ((cp < 0xD800 || cp > 0xDFFF) && lk_is_space(cp) != (lk_char_class_of(cp) == LK_CC_SPACE))
            fail_msg("U+%04X: lk_is_space %d, class %d", (unsigned)cp, (int)lk_is_space(cp),
                     (int)lk_char_class_of(cp));
    static const int32_t spaces[] = {' ', '\t', '\n', 0x0B, 0x0C, '\r', 0x1C, 0x1F, 0x85, 0xA0,
                                     0x1680, 0x2000, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000};
    static const int32_t others[] = {'a', 0x08, 0x0E, 0x7F, 0x180E, 0x200B, 0x200C, 0x2060, 0xFEFF};
    for (size_t i = 0; i < sizeof spaces / sizeof *spaces; i++) assert_true(lk_is_space(spaces[i]));
    for (size_t i = 0; i < sizeof others / sizeof *others; i++) assert_false(lk_is_space(others[i]));
}

/* lk_is_ignorable: white space, Cc and Cf on every code point (the fast path skips none). */
static void test_is_ignorable(void **state)
{
    (void)state;
    for (int32_t cp = 0; cp <= 0x10FFFF; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF) continue;
        int cat = lk_ucd_category(cp);
        bool want = lk_is_space(cp) || cat == LK_UCAT_CC || cat == LK_UCAT_CF;
        if (lk_is_ignorable(cp) != want)
            fail_msg("U+%04X: lk_is_ignorable %d", (unsigned)cp, (int)lk_is_ignorable(cp));
    }
    static const int32_t yes[] = {0, 0x7F, 0x80, 0x9F, 0xAD, 0x200B, 0x200C, 0x200D, 0x2060,
                                  0xFEFF, 0x3000, ' ', 0xE0001};
    static const int32_t no[] = {'a', 0x4E2D, 0x3002, 0xFE0F, 0x1F468, 0x0301, 0xFFFD};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) assert_true(lk_is_ignorable(yes[i]));
    for (size_t i = 0; i < sizeof no / sizeof *no; i++) assert_false(lk_is_ignorable(no[i]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_valid),
        cmocka_unit_test(test_is_space_one_definition),
        cmocka_unit_test(test_is_ignorable),
        cmocka_unit_test(test_decode_rejects),
        cmocka_unit_test(test_count),
        cmocka_unit_test(test_encode_round_trip),
        cmocka_unit_test(test_valid_and_check_line),
        cmocka_unit_test(test_encoding_hints),
        cmocka_unit_test(test_char_classes),
        cmocka_unit_test(test_is_han_ranges),
        cmocka_unit_test(test_printable),
        cmocka_unit_test(test_grapheme_boundary),
        cmocka_unit_test(test_tolower),
        cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_normalize_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
