/* zhwords.c: the mixed-script word list and the numeral recogniser.
   Sources: the mixed-script words are the entries of jieba's dictionary (python3-jieba's
   dict.txt, MIT licence, Copyright 2012-2017 Sun Junyi; the dictionary the shipped model's
   lexicon comes from, which keeps its Han-only words) that mix ASCII letters or digits with
   Han, less 1号店 (a shop name that also starts 1号店铺), plus lexkit's own additions marked
   below. */
#include "text/zhwords.h"

#include <string.h>

#include "text/utf8.h"

static const lk_zh_word mixed_words[] = {
    /* jieba's dictionary */
    {"A座", "NOUN"}, {"A股", "NOUN"}, {"A型", "NOUN"}, {"A轮", "NOUN"}, {"AA制", "NOUN"},
    {"AB型", "NOUN"}, {"B超", "NOUN"}, {"B座", "NOUN"}, {"B股", "NOUN"}, {"B型", "NOUN"},
    {"B轮", "NOUN"}, {"C盘", "NOUN"}, {"C座", "NOUN"}, {"D盘", "NOUN"}, {"D座", "NOUN"},
    {"D版", "NOUN"}, {"E盘", "NOUN"}, {"E座", "NOUN"}, {"E化", "NOUN"}, {"F盘", "NOUN"},
    {"F座", "NOUN"}, {"G盘", "NOUN"}, {"H盘", "NOUN"}, {"H股", "NOUN"}, {"I盘", "NOUN"},
    {"K党", "NOUN"}, {"N年", "NOUN"}, {"O型", "NOUN"}, {"U盘", "NOUN"}, {"Z盘", "NOUN"},
    {"Q版", "NOUN"}, {"T恤", "NOUN"}, {"X光", "NOUN"}, {"T恤衫", "NOUN"}, {"T型台", "NOUN"},
    {"T台", "NOUN"}, {"4S店", "NOUN"}, {"4s店", "NOUN"}, {"小S", "PROPN"}, {"大S", "PROPN"},
    {"阿Q", "PROPN"},
    /* lexkit's additions: common words jieba's dictionary lacks */
    {"卡拉OK", "NOUN"}, {"K线", "NOUN"}, {"K线图", "NOUN"}, {"B站", "NOUN"}, {"A站", "NOUN"},
    {"三K党", "NOUN"}, {"C罗", "PROPN"}, {"维生素A", "NOUN"}, {"维生素B", "NOUN"},
    {"维生素C", "NOUN"}, {"维生素D", "NOUN"}, {"维生素E", "NOUN"}, {"维生素K", "NOUN"},
    {"维生素B1", "NOUN"}, {"维生素B2", "NOUN"}, {"维生素B6", "NOUN"}, {"维生素B12", "NOUN"},
};

size_t lk_zh_mixed_words(const lk_zh_word **words)
{
    *words = mixed_words;
    return sizeof mixed_words / sizeof mixed_words[0];
}

/* Both lists sorted by their UTF-8 bytes (binary search). */
/* ---- numerals --------------------------------------------------------------------------- */

#define NUMERAL_MAX_CHARS 48 /* longest numeral recognised, in characters */
#define DIGIT_APPROX 10      /* digit value of 几 (some) */

#define CP_DI 0x7B2C         /* 第 */
#define CP_DIAN 0x70B9       /* 点 */
#define CP_DIAN_T 0x9EDE     /* 點 */
#define CP_FEN 0x5206        /* 分 */
#define CP_ZHI 0x4E4B        /* 之 */
#define CP_DUO 0x591A        /* 多 */
#define CP_YU 0x4F59         /* 余 */
#define CP_YU_T 0x9918       /* 餘 */
#define CP_ONE 0x4E00        /* 一 */
#define CP_LIANG 0x4E24      /* 两 */
#define CP_LIANG_T 0x5169    /* 兩 */
#define CP_ZERO 0x96F6       /* 零 */
#define CP_ZERO_O 0x3007     /* 〇 */
#define CP_BAI 0x767E        /* 百 */
#define CP_QIAN 0x5343       /* 千 */
#define CP_WAN 0x4E07        /* 万 */
#define CP_WAN_T 0x842C      /* 萬 */
#define CP_YI 0x4EBF         /* 亿 */
#define CP_YI_T 0x5104       /* 億 */

/* 0..9 for a digit (两 2, 〇 零 0), DIGIT_APPROX for 几/幾, -1 otherwise. */
static int digit_val(int32_t c)
{
    switch (c) {
    case CP_ZERO: case CP_ZERO_O: return 0;
    case CP_ONE: return 1;
    case 0x4E8C: case CP_LIANG: case CP_LIANG_T: return 2; /* 二 两 兩 */
    case 0x4E09: return 3; /* 三 */
    case 0x56DB: return 4; /* 四 */
    case 0x4E94: return 5; /* 五 */
    case 0x516D: return 6; /* 六 */
    case 0x4E03: return 7; /* 七 */
    case 0x516B: return 8; /* 八 */
    case 0x4E5D: return 9; /* 九 */
    case 0x51E0: case 0x5E7E: return DIGIT_APPROX; /* 几 幾 */
    default: return -1;
    }
}

/* 1 十, 2 百, 3 千; 0 otherwise. */
static int small_unit(int32_t c)
{
    return c == 0x5341 ? 1 : c == CP_BAI ? 2 : c == CP_QIAN ? 3 : 0;
}

/* 1 万, 2 亿; 0 otherwise. */
static int big_unit(int32_t c)
{
    return c == CP_WAN || c == CP_WAN_T ? 1 : c == CP_YI || c == CP_YI_T ? 2 : 0;
}

static bool is_zero(int32_t c) { return c == CP_ZERO || c == CP_ZERO_O; }
static bool is_pos_digit(int32_t c) { int v = digit_val(c); return v >= 0 && v <= 9; }

bool lk_zh_numeral_char(int32_t cp)
{
    return digit_val(cp) >= 0 || small_unit(cp) || big_unit(cp);
}

/* Digits only (no unit): 三 or more (not AABB: 七七八八), or two with a zero; no 两 or 几. */
static bool positional_ok(const int32_t *c, size_t n)
{
    bool zero = false;
    for (size_t i = 0; i < n; i++) {
        if (!is_pos_digit(c[i]) || c[i] == CP_LIANG || c[i] == CP_LIANG_T) return false;
        zero |= is_zero(c[i]);
    }
    if (n == 4 && c[0] == c[1] && c[2] == c[3]) return false;
    return n >= 3 || (n == 2 && zero);
}

/* Two neighbouring digits for an approximate number: 六七(十), 两三(百), 十五六. */
static bool approx_pair(int32_t a, int32_t b)
{
    int x = digit_val(a), y = digit_val(b);
    return x >= 1 && x <= 8 && y == x + 1;
}

/* The end of one section (digits and 十 百 千 in decreasing order, 零 between) starting at
   c[i], or 0 if it is not well formed. `first`: the section starts the number (it may be a
   bare 十); a later one (after 万 or 亿) may start with 零 but must have a unit: 两万八 and
   十几万一(平米) are left to the model. */
static size_t section_end(const int32_t *c, size_t n, size_t i, bool first)
{
    int last = 4;
    bool any = false, zero = false, unit = false;
    while (i < n && !big_unit(c[i])) {
        if (is_zero(c[i])) {
            if ((!any && first) || zero) return 0;
            zero = true;
            i++;
            continue;
        }
        size_t d0 = i;
        if (digit_val(c[i]) >= 1) {
            i++;
            if (i < n && approx_pair(c[i - 1], c[i]) &&
                (i + 1 >= n || small_unit(c[i + 1]) || big_unit(c[i + 1]) || any))
                i++;
        }
        bool digit = i > d0;
        int u = i < n ? small_unit(c[i]) : 0;
        if (u) {
            if (u >= last || (!digit && !(u == 1 && first && !any))) return 0;
            last = u;
            i++;
            any = unit = true;
            zero = false;
            continue;
        }
        if (!digit) return 0;
        any = true; /* the ones digit (or 三千五: the next unit's) ends the section */
        zero = false;
        break;
    }
    return any && !zero && (first || unit) ? i : 0;
}

/* Digits with units: sections closed by 万, 亿 or 万亿 in decreasing order. */
static bool units_ok(const int32_t *c, size_t n)
{
    int last_big = 4;
    size_t i = 0;
    while (i < n) {
        size_t e = section_end(c, n, i, i == 0);
        if (e == 0) return false;
        i = e;
        if (i == n) return true;
        int b = big_unit(c[i]);
        if (b == 1 && i + 1 < n && big_unit(c[i + 1]) == 2) {
            b = 3; /* 万亿 */
            i++;
        }
        if (!b || b >= last_big) return false;
        last_big = b;
        i++;
    }
    return true;
}

/* c[0..n) is a whole number: one digit, 十, digits with units, or positional digits. */
static bool number_ok(const int32_t *c, size_t n)
{
    if (n == 1) return is_pos_digit(c[0]) || small_unit(c[0]) == 1;
    for (size_t i = 0; i < n; i++)
        if (small_unit(c[i]) || big_unit(c[i])) return units_ok(c, n);
    return positional_ok(c, n);
}

/* End of the numeral-character run from c[i]. */
static size_t run_end(const int32_t *c, size_t n, size_t i)
{
    while (i < n && lk_zh_numeral_char(c[i])) i++;
    return i;
}

/* After the whole number c[i0..i): the end of a decimal part 点 + digits (and 万/亿), or i. A
   clock time is not a decimal: 点 then digits followed by 十 百 千, 点, 分, 刻 or 钟 (三点五十分,
   八点一刻), nor is 一点一 (一点一滴, 一点一点). */
static size_t decimal_end(const int32_t *c, size_t n, size_t i0, size_t i)
{
    if (i + 1 >= n || (c[i] != CP_DIAN && c[i] != CP_DIAN_T) || !is_pos_digit(c[i + 1]) ||
        c[i + 1] == CP_LIANG || c[i + 1] == CP_LIANG_T)
        return i;
    for (size_t k = i0; k < i; k++)
        if (digit_val(c[k]) == DIGIT_APPROX) return i;
    if (i - i0 == 1 && c[i0] == CP_ONE && c[i + 1] == CP_ONE) return i;
    size_t f = i + 1;
    while (f < n && is_pos_digit(c[f]) && c[f] != CP_LIANG && c[f] != CP_LIANG_T) f++;
    int32_t next = f < n ? c[f] : 0;
    if (small_unit(next) || next == CP_DIAN || next == CP_DIAN_T || next == CP_FEN ||
        next == 0x523B || next == 0x949F || next == 0x9418) /* 刻 钟 鐘 */
        return i;
    return f < n && big_unit(c[f]) ? f + 1 : f;
}

/* The numeral in code points c[0..n) (see lk_zh_numeral_len), in characters, or 0. */
static size_t numeral_chars(const int32_t *c, size_t n)
{
    size_t i0 = n > 0 && c[0] == CP_DI ? 1 : 0;
    size_t i = run_end(c, n, i0);
    if (i == i0) return 0;
    bool per = i - i0 == 1 && i + 1 < n && c[i] == CP_FEN && c[i + 1] == CP_ZHI &&
               (c[i0] == CP_BAI || c[i0] == CP_QIAN || big_unit(c[i0]) == 1); /* 百分之 */
    if (!per && !number_ok(c + i0, i - i0)) return 0;
    size_t end = decimal_end(c, n, i0, i);
    if (end == i && i + 2 < n && c[i] == CP_FEN && c[i + 1] == CP_ZHI) { /* 三分之一 */
        size_t d = run_end(c, n, i + 2);
        if (d > i + 2 && number_ok(c + i + 2, d - (i + 2))) end = decimal_end(c, n, i + 2, d);
    } else if (end == i && i < n && (c[i] == CP_DUO || c[i] == CP_YU || c[i] == CP_YU_T) &&
               (small_unit(c[i - 1]) || big_unit(c[i - 1]))) {
        end = i + 1; /* 一千多, 八百余 */
    }
    if (per && end == i) return 0;
    if (end < n && c[end] == 0x4E16 && (end + 1 >= n || c[end + 1] != 0x7EAA))
        return 0; /* 世 but not 世纪: a regnal name, 路易十四世 */
    return end >= 2 ? end : 0;
}

size_t lk_zh_numeral_len(int32_t prev, const char *s, size_t len)
{
    if (lk_zh_numeral_char(prev) || prev == 0x6570 || prev == 0x6578 || prev == 0x53CC ||
        prev == 0x96D9) /* 数 數 双 雙 */
        return 0;
    int32_t c[NUMERAL_MAX_CHARS];
    size_t off[NUMERAL_MAX_CHARS + 1], n = 0, b = 0;
    while (n < NUMERAL_MAX_CHARS && b < len) {
        size_t k = lk_utf8_decode(s + b, len - b, &c[n]);
        if (k == 0) break;
        off[n++] = b;
        b += k;
    }
    off[n] = b;
    size_t nc = numeral_chars(c, n);
    /* a run cut by NUMERAL_MAX_CHARS is not judged */
    if (nc == 0 || (nc == n && n == NUMERAL_MAX_CHARS)) return 0;
    return off[nc];
}
