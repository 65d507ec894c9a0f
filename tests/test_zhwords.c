/* test_zhwords.c: Chinese numerals in characters and the mixed-script word list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "text/utf8.h"
#include "text/zhwords.h"

/* The numeral at the start of s (after the character prev, -1 = none) as a string, "" if none. */
static const char *numeral(int32_t prev, const char *s, char *out, size_t cap)
{
    size_t n = lk_zh_numeral_len(prev, s, strlen(s));
    assert_true(n < cap);
    memcpy(out, s, n);
    out[n] = '\0';
    return out;
}

static void test_numerals_found(void **state)
{
    (void)state;
    char b[128];
    /* whole numerals with what follows them */
    const char *cases[][2] = {
        {"第一千零六十二条", "第一千零六十二"}, {"一千零六十二条", "一千零六十二"},
        {"二〇二五年", "二〇二五"}, {"一九五八年", "一九五八"}, {"一点五公里", "一点五"},
        {"零点五秒", "零点五"}, {"三点五亿元", "三点五亿"}, {"三千五百万元", "三千五百万"},
        {"两千五百万", "两千五百万"}, {"十五岁", "十五"}, {"十五六岁", "十五六"}, {"六七十岁", "六七十"},
        {"几十万人", "几十万"}, {"二十几个", "二十几"}, {"一千多名", "一千多"}, {"八百余人", "八百余"},
        {"百分之二十", "百分之二十"}, {"三分之一的", "三分之一"}, {"百分之二点五", "百分之二点五"},
        {"第一次", "第一"}, {"第三章", "第三"}, {"三十分钟", "三十"}, {"一万亿元", "一万亿"},
        {"三亿五千万", "三亿五千万"}, {"三万零五百元", "三万零五百"}, {"三千五", "三千五"},
        {"二十一世纪", "二十一"}, {"一百零八位", "一百零八"}, {"九三五厂", "九三五"},
        {"兩萬八千塊", "兩萬八千"}, {"一點五公里", "一點五"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_string_equal(numeral(-1, cases[i][0], b, sizeof b), cases[i][1]);
}

static void test_words_that_are_not_numerals(void **state)
{
    (void)state;
    char b[128];
    const char *none[] = {
        "一般", "万一下雨", "千万不要", "一一解决", "十分开心", "三五成群", "一点儿", "一点咸",
        "一点一滴", "一点一点地", "三点五十分", "八点零五分", "三点一刻", "两点四十五分", "十点半",
        "一五一十", "三三两两", "千千万万", "七七八八", "十全十美", "一", "十", "第几", "两万八",
        "十几万一平米", "十四世", "百分之百", "万万",
    };
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++)
        assert_string_equal(numeral(-1, none[i], b, sizeof b), "");
    /* not inside a run of numeral characters, nor after 数 or 双 */
    assert_string_equal(numeral(0x4E00 /* 一 */, "十一", b, sizeof b), "");
    assert_string_equal(numeral(0x6570 /* 数 */, "十万人", b, sizeof b), "");
    assert_string_equal(numeral(0x53CC /* 双 */, "十一", b, sizeof b), "");
    assert_string_equal(numeral(0x6709 /* 有 */, "一点五", b, sizeof b), "一点五");
}

static void test_mixed_words(void **state)
{
    (void)state;
    const lk_zh_word *w;
    size_t n = lk_zh_mixed_words(&w);
    bool tshirt = false, ronaldo = false;
    for (size_t i = 0; i < n; i++) {
        bool ascii = false, han = false;
        for (const char *p = w[i].word; *p;) {
            int32_t cp;
            size_t k = lk_utf8_decode(p, strlen(p), &cp);
            assert_true(k > 0);
            ascii |= cp < 0x80;
            han |= lk_is_han(cp);
            p += k;
        }
        assert_true(ascii && han); /* every entry mixes the scripts */
        assert_true(!strcmp(w[i].tag, "NOUN") || !strcmp(w[i].tag, "PROPN"));
        tshirt |= !strcmp(w[i].word, "T恤") && !strcmp(w[i].tag, "NOUN");
        ronaldo |= !strcmp(w[i].word, "C罗") && !strcmp(w[i].tag, "PROPN");
    }
    assert_true(tshirt && ronaldo);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numerals_found),
        cmocka_unit_test(test_words_that_are_not_numerals),
        cmocka_unit_test(test_mixed_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
