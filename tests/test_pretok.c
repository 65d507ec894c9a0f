/* test_pretok.c: pre-tokenizer units (URLs, e-mail, numbers, punctuation runs, Han). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "text/pretok.h"

/* Units of s rendered as "kind:text|kind:text|..." (H = Han, W = word, N = number,
   P = punct). */
static void render(lk_pretok *p, const char *s, char *out, size_t cap)
{
    const lk_pretok_unit *u;
    size_t n, o = 0;
    lk_error err;
    assert_int_equal(lk_pretok_text(p, s, strlen(s), &u, &n, &err), LK_OK);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        char k = u[i].kind == LK_PRETOK_HAN    ? 'H'
                 : u[i].kind == LK_PRETOK_WORD ? 'W'
                 : u[i].kind == LK_PRETOK_NUM  ? 'N'
                                               : 'P';
        o += (size_t)snprintf(out + o, cap - o, "%s%c:%.*s", i ? "|" : "", k, (int)u[i].len,
                              s + u[i].start);
    }
}

static void test_units(void **state)
{
    (void)state;
    lk_pretok *p = NULL;
    char buf[1024];
    assert_int_equal(lk_pretok_create(&p), LK_OK);
    render(p, "GDP增长5.2%，iPhone 15售价5,999元。", buf, sizeof buf);
    assert_string_equal(buf, "W:GDP|H:增|H:长|N:5.2%|P:，|W:iPhone|N:15|H:售|H:价|N:5,999|H:元|P:。");
    render(p, "（北京）“你好”：他说；", buf, sizeof buf);
    assert_string_equal(buf, "P:（|H:北|H:京|P:）|P:“|H:你|H:好|P:”|P:：|H:他|H:说|P:；");
    render(p, "见https://example.com/zh-cn/index?a=1。", buf, sizeof buf);
    assert_string_equal(buf, "H:见|W:https://example.com/zh-cn/index?a=1|P:。");
    render(p, "(see www.example.org/a_(b)), 9:00", buf, sizeof buf);
    assert_string_equal(buf, "P:(|W:see|W:www.example.org/a_(b)|P:)|P:,|N:9:00");
    render(p, "发到zhang.san@mail.example.cn。", buf, sizeof buf);
    assert_string_equal(buf, "H:发|H:到|W:zhang.san@mail.example.cn|P:。");
    render(p, "他说……真的——吗...ＡＢＣ１２３😀", buf, sizeof buf);
    assert_string_equal(buf, "H:他|H:说|P:……|H:真|H:的|P:——|H:吗|P:...|W:ＡＢＣ１２３|P:😀");
    render(p, "访问t.sina.com.cn/abc或baidu.com。版本1.2.3", buf, sizeof buf);
    assert_string_equal(buf, "H:访|H:问|W:t.sina.com.cn/abc|H:或|W:baidu.com|P:。|H:版|H:本|N:1.2.3");
    /* a comma joins digits only as a thousands separator (three digits after it) */
    render(p, "比分3-2，2011年1，200元1,234,567.5元12,3456和2,2011。3.5,6", buf, sizeof buf);
    assert_string_equal(buf, "H:比|H:分|N:3|P:-|N:2|P:，|N:2011|H:年|N:1，200|H:元|N:1,234,567.5|H:元|"
                             "N:12|P:,|N:3456|H:和|N:2|P:,|N:2011|P:。|N:3.5|P:,|N:6");
    /* 2011/12, 1/3, 9:00 and two or more hyphens make one number; one hyphen does not */
    render(p, "2011/12赛季1/3电话400-123-4567于2026-12-05，1927-1994，9:00-10:00，5-10%", buf, sizeof buf);
    assert_string_equal(buf, "N:2011/12|H:赛|H:季|N:1/3|H:电|H:话|N:400-123-4567|H:于|N:2026-12-05|P:，|"
                             "N:1927|P:-|N:1994|P:，|N:9:00|P:-|N:10:00|P:，|N:5|P:-|N:10%");
    render(p, "时间：10：30，比分2：1", buf, sizeof buf);
    assert_string_equal(buf, "H:时|H:间|P:：|N:10：30|P:，|H:比|H:分|N:2：1");
    render(p, "！？、", buf, sizeof buf);
    assert_string_equal(buf, "P:！|P:？|P:、");
    render(p, "", buf, sizeof buf);
    assert_string_equal(buf, "");
    lk_pretok_free(p);
}

/* Controls and format characters are in no unit: not a ZWJ, soft hyphen or word joiner the
   tokenizer attached to a Han character or word, nor a ZWSP, BOM, DEL or NUL; the ZWJs of
   an emoji sequence stay inside it. */
static void test_ignorable_characters(void **state)
{
    (void)state;
    lk_pretok *p = NULL;
    char buf[1024];
    assert_int_equal(lk_pretok_create(&p), LK_OK);
    render(p, "\xEF\xBB\xBF我\xE2\x80\x8B爱\xE2\x80\x8D北\xE2\x81\xA0京\xC2\xAD。", buf, sizeof buf);
    assert_string_equal(buf, "H:我|H:爱|H:北|H:京|P:。");
    render(p, "abc\xE2\x80\x8D中\x7F文\xC2\x80x", buf, sizeof buf);
    assert_string_equal(buf, "W:abc|H:中|H:文|W:x");
    render(p, "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7来"
              "\xF0\x9F\x91\x8D\xE2\x80\x8D了", buf, sizeof buf);
    assert_string_equal(buf, "P:👨‍👩‍👧|H:来|P:👍|H:了");
    const lk_pretok_unit *u;
    size_t n;
    lk_error err;
    assert_int_equal(lk_pretok_text(p, "a\0b", 3, &u, &n, &err), LK_OK);
    assert_int_equal(n, 2);
    assert_int_equal(u[1].start, 2);
    lk_pretok_free(p);
}

/* A word ending in a digit with a decimal is one unit (PM2.5, as 5.2 is); URLs, e-mail
   addresses and host names are found after NFKC (full-width forms); a URL's host or path may
   be non-ASCII (an IRI), ending at white space, non-ASCII punctuation or Han text right
   after its ASCII part. */
static void test_units_after_nfkc_and_iri(void **state)
{
    (void)state;
    lk_pretok *p = NULL;
    char buf[1024];
    assert_int_equal(lk_pretok_create(&p), LK_OK);
    render(p, "PM2.5浓度，ＰＭ２．５和v1.2版。PM2.", buf, sizeof buf);
    assert_string_equal(buf, "W:PM2.5|H:浓|H:度|P:，|W:ＰＭ２．５|H:和|W:v1.2|H:版|P:。|W:PM2|P:.");
    render(p, "ｈｔｔｐｓ：／／ｅｘａｍｐｌｅ．ｃｏｍ／ａ和ｆｏｏ＠ｂａｒ．ｃｏｍ，ｂａｉｄｕ．ｃｏｍ。", buf, sizeof buf);
    assert_string_equal(buf, "W:ｈｔｔｐｓ：／／ｅｘａｍｐｌｅ．ｃｏｍ／ａ|H:和|W:ｆｏｏ＠ｂａｒ．ｃｏｍ|P:，"
                             "|W:ｂａｉｄｕ．ｃｏｍ|P:。");
    render(p, "访问http://例子.中国/路径?参数=值，谢谢", buf, sizeof buf);
    assert_string_equal(buf, "H:访|H:问|W:http://例子.中国/路径?参数=值|P:，|H:谢|H:谢");
    render(p, "（http://例子.中国/路径）「https://a.cn/页面」见baidu.com/文档 好", buf, sizeof buf);
    assert_string_equal(buf, "P:（|W:http://例子.中国/路径|P:）|P:「|W:https://a.cn/页面|P:」|H:见"
                             "|W:baidu.com/文档|H:好");
    render(p, "访问http://example.com了解", buf, sizeof buf);
    assert_string_equal(buf, "H:访|H:问|W:http://example.com|H:了|H:解");
    lk_pretok_free(p);
}

/* A number is a unit of its own kind (tagged NUM), also after a currency sign ($999 US$5
   HK$50 €50 ￥199); 第 before digits is one number with them (UD GSD: 第46, 第117); an
   @handle (ASCII letters, digits, _ and . inside) is one word; # around a hashtag is a mark
   and the Han text between is left to the segmenter. */
static void test_numbers_handles_hashtags(void **state)
{
    (void)state;
    lk_pretok *p = NULL;
    char buf[1024];
    assert_int_equal(lk_pretok_create(&p), LK_OK);
    render(p, "价格$999，US$5，HK$50，€9.99，£30，¥120000，₩1000，￥199", buf, sizeof buf);
    assert_string_equal(buf, "H:价|H:格|P:$|N:999|P:，|W:US|P:$|N:5|P:，|W:HK|P:$|N:50|P:，|P:€|N:9.99|"
                             "P:，|P:£|N:30|P:，|P:¥|N:120000|P:，|P:₩|N:1000|P:，|P:￥|N:199");
    render(p, "第89分钟，第１２届，第2011/12赛季，第一名，第 3，次第", buf, sizeof buf);
    assert_string_equal(buf, "N:第89|H:分|H:钟|P:，|N:第１２|H:届|P:，|N:第2011/12|H:赛|H:季|P:，|H:第|"
                             "H:一|H:名|P:，|H:第|N:3|P:，|H:次|H:第");
    render(p, "关注@zhang_san和@li.si.转发＠Ｗｅｉｂｏ＿1，@ 你好@2", buf, sizeof buf);
    assert_string_equal(buf, "H:关|H:注|W:@zhang_san|H:和|W:@li.si|P:.|H:转|H:发|W:＠Ｗｅｉｂｏ＿1|P:，|P:@|"
                             "H:你|H:好|P:@|N:2");
    render(p, "写信给zhang.san@mail.example.cn或a@b", buf, sizeof buf);
    assert_string_equal(buf, "H:写|H:信|H:给|W:zhang.san@mail.example.cn|H:或|W:a|P:@|W:b");
    render(p, "#话题#今天", buf, sizeof buf);
    assert_string_equal(buf, "P:#|H:话|H:题|P:#|H:今|H:天");
    lk_pretok_free(p);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    lk_pretok *p = NULL;
    const lk_pretok_unit *u;
    size_t n;
    lk_error err;
    assert_int_equal(lk_pretok_create(&p), LK_OK);
    assert_int_equal(lk_pretok_text(p, "好\xff", 4, &u, &n, &err), LK_ERR_PARSE);
    assert_non_null(strstr(err.msg, "2: invalid UTF-8 byte 0xFF"));
    lk_pretok_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_units),
        cmocka_unit_test(test_ignorable_characters),
        cmocka_unit_test(test_units_after_nfkc_and_iri),
        cmocka_unit_test(test_numbers_handles_hashtags),
        cmocka_unit_test(test_invalid_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
