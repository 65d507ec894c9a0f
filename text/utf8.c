/* utf8.c: strict UTF-8 decoding/validation and character classes. */
#include "text/utf8.h"

#include "text/utf8_internal.h"

#define CONT_MASK 0xC0u
#define CONT_TAG 0x80u
#define MAX_CP 0x10FFFF
#define SURROGATE_MIN 0xD800
#define SURROGATE_MAX 0xDFFF

static bool is_cont(unsigned char b)
{
    return (b & CONT_MASK) == CONT_TAG;
}

size_t lk_utf8_decode(const char *s, size_t len, int32_t *cp)
{
    if (len == 0) return 0;
    const unsigned char *p = (const unsigned char *)s;
    unsigned char b0 = p[0];
    if (b0 < 0x80) {
        *cp = b0;
        return 1;
    }
    if (b0 < 0xC2) return 0; /* continuation byte or overlong 2-byte lead */
    if (b0 < 0xE0) {
        if (len < 2 || !is_cont(p[1])) return 0;
        *cp = ((int32_t)(b0 & 0x1F) << 6) | (p[1] & 0x3F);
        return 2;
    }
    if (b0 < 0xF0) {
        if (len < 3 || !is_cont(p[1]) || !is_cont(p[2])) return 0;
        int32_t c = ((int32_t)(b0 & 0x0F) << 12) | ((int32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
        if (c < 0x800 || (c >= SURROGATE_MIN && c <= SURROGATE_MAX)) return 0;
        *cp = c;
        return 3;
    }
    if (b0 < 0xF5) {
        if (len < 4 || !is_cont(p[1]) || !is_cont(p[2]) || !is_cont(p[3])) return 0;
        int32_t c = ((int32_t)(b0 & 0x07) << 18) | ((int32_t)(p[1] & 0x3F) << 12) |
                    ((int32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
        if (c < 0x10000 || c > MAX_CP) return 0;
        *cp = c;
        return 4;
    }
    return 0;
}

size_t lk_utf8_encode(int32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0) return 0;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        if (cp >= SURROGATE_MIN && cp <= SURROGATE_MAX) return 0;
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    if (cp > MAX_CP) return 0;
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t lk_utf8_count(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

const char *lk_utf8_printable(const char *s, size_t len, char *out, size_t cap)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        int32_t cp;
        size_t n = lk_utf8_decode(s + i, len - i, &cp);
        bool raw = n == 0 || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0);
        if (o + (raw ? 4 : n) >= cap) break;
        if (raw) {
            unsigned char b = (unsigned char)s[i];
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[b >> 4];
            out[o++] = hex[b & 15];
            n = 1;
        } else {
            for (size_t k = 0; k < n; k++) out[o++] = s[i + k];
        }
        i += n;
    }
    out[o] = '\0';
    return out;
}

bool lk_utf8_valid(const char *s, size_t len, size_t *bad_off)
{
    size_t i = 0;
    while (i < len) {
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        int32_t cp;
        size_t n = lk_utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            if (bad_off) *bad_off = i;
            return false;
        }
        i += n;
    }
    return true;
}

/* Does s[0..len) look like UTF-16: a byte order mark (FF FE or FE FF) first, or NUL bytes
   (the high bytes of ASCII characters) in a quarter of the bytes or more, nearly all at
   even or all at odd offsets? */
static bool looks_utf16(const char *s, size_t len)
{
    enum { BOM_FF = 0xFF, BOM_FE = 0xFE };
    const unsigned char *u = (const unsigned char *)s;
    if (len >= 2 && ((u[0] == BOM_FF && u[1] == BOM_FE) || (u[0] == BOM_FE && u[1] == BOM_FF)))
        return true;
    size_t nul[2] = {0, 0};
    for (size_t i = 0; i < len; i++) nul[i & 1] += u[i] == 0;
    size_t most = nul[0] > nul[1] ? nul[0] : nul[1], all = nul[0] + nul[1];
    return all >= 2 && all * 4 >= len && most * 10 >= all * 9;
}

/* Is u[0..len) a GBK/GB18030 (or Big5) two-byte character: a lead byte 0x81-0xFE and a
   trail byte 0x40-0x7E or 0x80-0xFE? */
static bool gbk_pair(const unsigned char *u, size_t len)
{
    return len >= 2 && u[0] >= 0x81 && u[0] <= 0xFE &&
           ((u[1] >= 0x40 && u[1] <= 0x7E) || (u[1] >= 0x80 && u[1] <= 0xFE));
}

/* Is u[0..len) a GB18030 four-byte character (lead, digit, lead, digit)? */
static bool gb18030_quad(const unsigned char *u, size_t len)
{
    return len >= 4 && u[0] >= 0x81 && u[0] <= 0xFE && u[1] >= '0' && u[1] <= '9' &&
           u[2] >= 0x81 && u[2] <= 0xFE && u[3] >= '0' && u[3] <= '9';
}

/* Does the line s[0..len), invalid as UTF-8 at s[bad], look like GBK/GB18030 or Big5: a
   two-byte (or GB18030 four-byte) character of those at s[bad], and the whole line reads as such text (ASCII and
   two- or four-byte characters) with two multi-byte characters or more (so that a UTF-8
   line cut inside a character, or an overlong form, gets no hint)? */
static bool looks_gbk(const char *s, size_t len, size_t bad)
{
    const unsigned char *u = (const unsigned char *)s;
    if (!gbk_pair(u + bad, len - bad) && !gb18030_quad(u + bad, len - bad)) return false;
    size_t multi = 0;
    for (size_t i = 0; i < len;) {
        size_t n = u[i] < 0x80                    ? 1
                   : gb18030_quad(u + i, len - i) ? 4
                   : gbk_pair(u + i, len - i)     ? 2
                                                  : 0;
        if (n == 0) return false;
        multi += n > 1;
        i += n;
    }
    return multi >= 2;
}

lk_status lk_utf8_error(const char *s, size_t len, size_t bad, const char *path, int64_t line,
                        lk_error *err)
{
    int64_t col = 1;
    for (size_t i = 0; i < bad; i++)
        if (!is_cont((unsigned char)s[i])) col++;
    const char *hint = "";
    if (looks_utf16(s, len))
        hint = " (the file looks like UTF-16: convert it with iconv -f UTF-16 -t UTF-8)";
    else if (looks_gbk(s, len, bad))
        hint = " (is the file in GBK/GB18030 or Big5? convert it with iconv -f GB18030 -t "
               "UTF-8, or -f BIG5)";
    unsigned byte = (unsigned char)s[bad];
    if (path) return lk_error_at(err, path, line, col, "invalid UTF-8 byte 0x%02X%s", byte, hint);
    return lk_error_col(err, col, "invalid UTF-8 byte 0x%02X%s", byte, hint);
}

lk_status lk_utf8_check_line(const char *s, size_t len, const char *path, int64_t line,
                             lk_error *err)
{
    size_t bad = 0;
    if (lk_utf8_valid(s, len, &bad)) return LK_OK;
    return lk_utf8_error(s, len, bad, path ? path : "-", line, err);
}

/* Script=Han (Scripts-15.0.0.txt), sorted: radicals, iteration/number marks, CJK Unified
   Ideographs and Extensions A-H, Compatibility Ideographs and their supplement. */
static const int32_t han_ranges[][2] = {
    {0x2E80, 0x2E99},   {0x2E9B, 0x2EF3},   {0x2F00, 0x2FD5},   {0x3005, 0x3005},
    {0x3007, 0x3007},   {0x3021, 0x3029},   {0x3038, 0x303B},   {0x3400, 0x4DBF},
    {0x4E00, 0x9FFF},   {0xF900, 0xFA6D},   {0xFA70, 0xFAD9},   {0x16FE2, 0x16FE3},
    {0x16FF0, 0x16FF1}, {0x20000, 0x2A6DF}, {0x2A700, 0x2B739}, {0x2B740, 0x2B81D},
    {0x2B820, 0x2CEA1}, {0x2CEB0, 0x2EBE0}, {0x2F800, 0x2FA1D}, {0x30000, 0x3134A},
    {0x31350, 0x323AF},
};

bool lk_is_han(int32_t cp)
{
    if (cp < 0x2E80) return false;
    if (cp >= 0x4E00 && cp <= 0x9FFF) return true; /* the common case first */
    size_t lo = 0, hi = sizeof han_ranges / sizeof han_ranges[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp < han_ranges[mid][0])
            hi = mid;
        else if (cp > han_ranges[mid][1])
            lo = mid + 1;
        else
            return true;
    }
    return false;
}

bool lk_is_space(int32_t cp)
{
    if (cp < 0x80) return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20);
    switch (cp) {
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F:
    case 0x3000:
        return true;
    default:
        return cp >= 0x2000 && cp <= 0x200A;
    }
}

/* Does a cluster always start at the code point cp (in any context but after a Prepend
   character, which GB9b joins to what follows: rare, and then only this cut is off)? */
static bool starts_cluster(int32_t cp)
{
    return (cp < 0x80 && cp != '\n') || lk_is_han(cp);
}

bool lk_utf8_grapheme_boundary(const char *s, size_t len, size_t off)
{
    if (off == 0 || off >= len) return true;
    if (((unsigned char)s[off] & 0xC0) == 0x80) return false; /* inside a code point */
    int32_t cp;
    if (lk_utf8_decode(s + off, len - off, &cp) > 0 && starts_cluster(cp)) return true;
    size_t a = off; /* back to a code point that starts a cluster (or the text's start) */
    do {
        a--;
        while (a > 0 && ((unsigned char)s[a] & 0xC0) == 0x80) a--;
    } while (a > 0 && !(lk_utf8_decode(s + a, len - a, &cp) > 0 && starts_cluster(cp)));
    int32_t prev = 0, state = 0;
    size_t i = a, l = lk_utf8_decode(s + i, len - i, &prev);
    if (l == 0) return true; /* not reached: valid text */
    for (i += l; i <= off; i += l) {
        if ((l = lk_utf8_decode(s + i, len - i, &cp)) == 0) return true;
        bool brk = lk_ucd_grapheme_break(prev, cp, &state);
        if (i == off) return brk;
        prev = cp;
    }
    return true; /* not reached */
}

bool lk_is_ignorable(int32_t cp)
{
    if (cp < 0x80) return cp <= 0x20 || cp == 0x7F;     /* C0, the space, DEL */
    if (cp > 0x3000 && cp < 0xFEFF) return false; /* no Cc, Cf or Z* there: the CJK fast path */
    int cat = lk_ucd_category(cp);
    return cat == LK_UCAT_CC || cat == LK_UCAT_CF || lk_is_space(cp);
}

lk_char_class lk_char_class_of(int32_t cp)
{
    if (cp < 0x80) {
        if (cp == ' ' || (cp >= '\t' && cp <= '\r') || (cp >= 0x1C && cp <= 0x1F))
            return LK_CC_SPACE;
        if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) return LK_CC_LETTER;
        if (cp >= '0' && cp <= '9') return LK_CC_NUMBER;
    }
    if (cp == 0x85) return LK_CC_SPACE;
    if (lk_is_han(cp)) return LK_CC_HAN;
    switch (lk_ucd_category(cp)) {
    case LK_UCAT_LU: case LK_UCAT_LL: case LK_UCAT_LT: case LK_UCAT_LM: case LK_UCAT_LO:
        return LK_CC_LETTER;
    case LK_UCAT_MN: case LK_UCAT_MC: case LK_UCAT_ME:
        return LK_CC_MARK;
    case LK_UCAT_ND: case LK_UCAT_NL: case LK_UCAT_NO:
        return LK_CC_NUMBER;
    case LK_UCAT_PC: case LK_UCAT_PD: case LK_UCAT_PS: case LK_UCAT_PE: case LK_UCAT_PI:
    case LK_UCAT_PF: case LK_UCAT_PO:
        return LK_CC_PUNCT;
    case LK_UCAT_SM: case LK_UCAT_SC: case LK_UCAT_SK: case LK_UCAT_SO:
        return LK_CC_SYMBOL;
    case LK_UCAT_ZS: case LK_UCAT_ZL: case LK_UCAT_ZP:
        return LK_CC_SPACE;
    default:
        return LK_CC_OTHER;
    }
}

int32_t lk_tolower(int32_t cp)
{
    if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + ('a' - 'A') : cp;
    return lk_ucd_tolower(cp);
}
