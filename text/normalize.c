/* normalize.c: NFKC and case folding, and the Unicode character data the text module
   needs (categories, lowercase, grapheme breaks). The only file that includes utf8proc. */
#include "text/utf8.h"

#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "text/utf8_internal.h"

_Static_assert((int)LK_UCAT_LU == (int)UTF8PROC_CATEGORY_LU && (int)LK_UCAT_MN == (int)UTF8PROC_CATEGORY_MN &&
                   (int)LK_UCAT_ND == (int)UTF8PROC_CATEGORY_ND && (int)LK_UCAT_PC == (int)UTF8PROC_CATEGORY_PC &&
                   (int)LK_UCAT_SM == (int)UTF8PROC_CATEGORY_SM && (int)LK_UCAT_ZS == (int)UTF8PROC_CATEGORY_ZS &&
                   (int)LK_UCAT_CC == (int)UTF8PROC_CATEGORY_CC && (int)LK_UCAT_CO == (int)UTF8PROC_CATEGORY_CO,
               "LK_UCAT_* must follow utf8proc's category order");

#define NO_INDEX UINT16_MAX         /* utf8proc: no mapping / no composition entry */
#define COMB_SECOND_MIN 0x8000u     /* utf8proc comb_index >= this: a composition 2nd */
#define MAX_DECOMP_CPS 32           /* longest single-code-point decomposition is 18 */

static bool valid_cp(int32_t cp)
{
    return cp >= 0 && cp <= 0x10FFFF;
}

int lk_ucd_category(int32_t cp)
{
    if (!valid_cp(cp)) return LK_UCAT_CN;
    return (int)utf8proc_category(cp);
}

int32_t lk_ucd_tolower(int32_t cp)
{
    if (!valid_cp(cp)) return cp;
    return utf8proc_tolower(cp);
}

bool lk_ucd_grapheme_break(int32_t a, int32_t b, int32_t *state)
{
    if (!valid_cp(a) || !valid_cp(b)) return true;
    return utf8proc_grapheme_break_stateful(a, b, state);
}

static utf8proc_option_t map_options(unsigned flags)
{
    utf8proc_option_t o = UTF8PROC_STABLE;
    if (flags & LK_NORM_NFKC) o = (utf8proc_option_t)(o | UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
    if (flags & LK_NORM_CASEFOLD) o = (utf8proc_option_t)(o | UTF8PROC_CASEFOLD);
    return o;
}

static bool is_hangul_vt(int32_t cp)
{
    return (cp >= 0x1160 && cp <= 0x11FF) || (cp >= 0xD7B0 && cp <= 0xD7FF);
}

/* A starter that cannot compose with the preceding code point. */
static bool plain_starter(int32_t cp)
{
    const utf8proc_property_t *p = utf8proc_get_property(cp);
    if (p->combining_class != 0) return false;
    if (p->comb_index != NO_INDEX && p->comb_index >= COMB_SECOND_MIN) return false;
    return !is_hangul_vt(cp);
}

bool lk_ucd_norm_boundary(int32_t cp, unsigned flags)
{
    if (cp < 0x80) return true;
    if (!valid_cp(cp) || !plain_starter(cp)) return false;
    const utf8proc_property_t *p = utf8proc_get_property(cp);
    bool decomposes = (flags & LK_NORM_NFKC) && p->decomp_seqindex != NO_INDEX;
    bool folds = (flags & LK_NORM_CASEFOLD) && p->casefold_seqindex != NO_INDEX;
    if (!decomposes && !folds) return true;
    /* The mapping's first code point decides (e.g. U+FF9E -> U+3099, a non-starter). */
    utf8proc_int32_t dst[MAX_DECOMP_CPS];
    int last_bc = 0;
    utf8proc_option_t o = (utf8proc_option_t)(map_options(flags) & ~UTF8PROC_COMPOSE);
    if (flags & LK_NORM_NFKC) o = (utf8proc_option_t)(o | UTF8PROC_DECOMPOSE);
    utf8proc_ssize_t n = utf8proc_decompose_char(cp, dst, MAX_DECOMP_CPS, o, &last_bc);
    if (n <= 0 || n > MAX_DECOMP_CPS) return false;
    return dst[0] < 0x80 || plain_starter(dst[0]);
}

bool lk_ucd_norm_stable(int32_t cp, unsigned flags)
{
    if (cp < 0x80) return !((flags & LK_NORM_CASEFOLD) && cp >= 'A' && cp <= 'Z');
    if (!valid_cp(cp)) return false;
    const utf8proc_property_t *p = utf8proc_get_property(cp);
    if (p->combining_class != 0) return false;
    if ((flags & LK_NORM_NFKC) && p->decomp_seqindex != NO_INDEX) return false;
    if ((flags & LK_NORM_CASEFOLD) && p->casefold_seqindex != NO_INDEX) return false;
    return true;
}

bool lk_ucd_norm_fixed(int32_t cp, unsigned flags)
{
    if (cp < 0x80) return lk_ucd_norm_stable(cp, flags);
    if (!lk_ucd_norm_boundary(cp, flags)) return false;
    if (lk_ucd_norm_stable(cp, flags)) return true;
    utf8proc_uint8_t in[4];
    utf8proc_int32_t out[MAX_DECOMP_CPS];
    utf8proc_option_t o = map_options(flags);
    utf8proc_ssize_t len = utf8proc_encode_char(cp, in);
    utf8proc_ssize_t n = utf8proc_decompose(in, len, out, MAX_DECOMP_CPS, o);
    if (n <= 0 || n > MAX_DECOMP_CPS) return false;
    n = utf8proc_normalize_utf32(out, n, o);
    return n == 1 && out[0] == cp;
}

static lk_status map_error(utf8proc_ssize_t code, lk_error *err)
{
    if (code == UTF8PROC_ERROR_NOMEM) return lk_error_set(err, LK_ERR_NOMEM, "out of memory");
    return lk_error_set(err, LK_ERR_PARSE, "normalization failed: %s", utf8proc_errmsg(code));
}

lk_status lk_ucd_normalize_unit(const char *s, size_t len, unsigned flags, char **buf,
                                size_t *buf_len, size_t *buf_cap, int32_t **u32,
                                size_t *u32_cap, lk_error *err)
{
    utf8proc_option_t o = map_options(flags);
    if (*u32_cap < len + MAX_DECOMP_CPS) {
        lk_status st = lk_grow((void **)u32, u32_cap, len + MAX_DECOMP_CPS, sizeof(int32_t));
        if (st != LK_OK) return lk_error_set(err, st, "out of memory");
    }
    utf8proc_ssize_t n;
    for (;;) {
        n = utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len,
                               (utf8proc_int32_t *)*u32, (utf8proc_ssize_t)*u32_cap, o);
        if (n < 0) return map_error(n, err);
        if ((size_t)n <= *u32_cap) break;
        lk_status st = lk_grow((void **)u32, u32_cap, (size_t)n, sizeof(int32_t));
        if (st != LK_OK) return lk_error_set(err, st, "out of memory");
    }
    n = utf8proc_normalize_utf32((utf8proc_int32_t *)*u32, n, o);
    if (n < 0) return map_error(n, err);
    size_t need = *buf_len + 4 * (size_t)n + 1;
    if (need > *buf_cap) {
        lk_status st = lk_grow((void **)buf, buf_cap, need, 1);
        if (st != LK_OK) return lk_error_set(err, st, "out of memory");
    }
    for (utf8proc_ssize_t i = 0; i < n; i++)
        *buf_len += lk_utf8_encode((*u32)[i], *buf + *buf_len);
    return LK_OK;
}

static lk_status check_utf8(const char *src, size_t len, lk_error *err)
{
    size_t bad = 0;
    if (lk_utf8_valid(src, len, &bad)) return LK_OK;
    return lk_utf8_error(src, len, bad, NULL, 0, err);
}

lk_status lk_normalize(const char *src, size_t len, unsigned flags, char **out, size_t *out_len,
                       lk_error *err)
{
    *out = NULL;
    *out_len = 0;
    if (!src && len) return lk_error_set(err, LK_ERR_ARG, "lk_normalize: NULL input");
    lk_status st = check_utf8(src, len, err);
    if (st != LK_OK) return st;
    if ((flags & (LK_NORM_NFKC | LK_NORM_CASEFOLD)) == 0 || len == 0) {
        char *copy = malloc(len + 1);
        if (!copy) return lk_error_set(err, LK_ERR_NOMEM, "out of memory");
        if (len) memcpy(copy, src, len);
        copy[len] = '\0';
        *out = copy;
        *out_len = len;
        return LK_OK;
    }
    utf8proc_uint8_t *mapped = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)src, (utf8proc_ssize_t)len,
                                      &mapped, map_options(flags));
    if (n < 0) return map_error(n, err);
    *out = (char *)mapped;
    *out_len = (size_t)n;
    return LK_OK;
}

lk_status lk_normalize_into(const char *src, size_t len, unsigned flags, char *dst,
                            size_t dst_cap, size_t *dst_len, lk_error *err)
{
    char *tmp = NULL;
    size_t n = 0;
    lk_status st = lk_normalize(src, len, flags, &tmp, &n, err);
    if (st != LK_OK) return st;
    *dst_len = n;
    if (n + 1 > dst_cap) {
        free(tmp);
        return lk_error_set(err, LK_ERR_RANGE, "normalized text needs %zu bytes, buffer has %zu",
                            n + 1, dst_cap);
    }
    memcpy(dst, tmp, n + 1);
    free(tmp);
    return LK_OK;
}

/* Latin letters that have no canonical decomposition, folded as Lucene's
   ASCIIFoldingFilter folds them. */
static const struct {
    int32_t cp;
    char to[3];
} latin_special[] = {
    {0x00C6, "AE"}, {0x00D0, "D"},  {0x00D8, "O"},  {0x00DE, "TH"}, {0x00DF, "ss"},
    {0x00E6, "ae"}, {0x00F0, "d"},  {0x00F8, "o"},  {0x00FE, "th"}, {0x0110, "D"},
    {0x0111, "d"},  {0x0126, "H"},  {0x0127, "h"},  {0x0131, "i"},  {0x0132, "IJ"},
    {0x0133, "ij"}, {0x0138, "q"},  {0x013F, "L"},  {0x0140, "l"},  {0x0141, "L"},
    {0x0142, "l"},  {0x0149, "n"},  {0x014A, "N"},  {0x014B, "n"},  {0x0152, "OE"},
    {0x0153, "oe"}, {0x0166, "T"},  {0x0167, "t"},  {0x017F, "s"},  {0x0180, "b"},
    {0x0189, "D"},  {0x018A, "D"},  {0x0197, "I"},  {0x019A, "l"},  {0x01E4, "G"},
    {0x01E5, "g"},  {0x1E9E, "SS"},
};

size_t lk_fold_latin(int32_t cp, char out[2])
{
    /* Latin-1 Supplement .. Latin Extended-B, and Latin Extended Additional */
    if (!((cp >= 0xC0 && cp <= 0x24F) || (cp >= 0x1E00 && cp <= 0x1EFF))) return 0;
    size_t lo = 0, hi = sizeof latin_special / sizeof latin_special[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (latin_special[mid].cp < cp) lo = mid + 1;
        else hi = mid;
    }
    if (lo < sizeof latin_special / sizeof latin_special[0] && latin_special[lo].cp == cp) {
        size_t n = strlen(latin_special[lo].to);
        memcpy(out, latin_special[lo].to, n);
        return n;
    }
    utf8proc_int32_t dst[MAX_DECOMP_CPS];
    int last_bc = -1;
    utf8proc_ssize_t n = utf8proc_decompose_char(cp, dst, MAX_DECOMP_CPS,
                                                 (utf8proc_option_t)(UTF8PROC_DECOMPOSE), &last_bc);
    if (n < 2 || dst[0] >= 0x80 || !((dst[0] | 0x20) >= 'a' && (dst[0] | 0x20) <= 'z')) return 0;
    for (utf8proc_ssize_t i = 1; i < n; i++)
        if (utf8proc_category(dst[i]) != UTF8PROC_CATEGORY_MN) return 0;
    out[0] = (char)dst[0];
    return 1;
}
