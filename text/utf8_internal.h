/* utf8_internal.h: Unicode character data for the text module (general category, simple
   lowercase, grapheme breaks, normalization units). Implemented in normalize.c, the only
   file that includes utf8proc. Not installed. */
#ifndef LK_TEXT_UTF8_INTERNAL_H
#define LK_TEXT_UTF8_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "text/error.h"

/* Unicode general categories, in utf8proc's order (normalize.c checks that they agree). */
enum {
    LK_UCAT_CN = 0, LK_UCAT_LU, LK_UCAT_LL, LK_UCAT_LT, LK_UCAT_LM, LK_UCAT_LO,
    LK_UCAT_MN, LK_UCAT_MC, LK_UCAT_ME, LK_UCAT_ND, LK_UCAT_NL, LK_UCAT_NO,
    LK_UCAT_PC, LK_UCAT_PD, LK_UCAT_PS, LK_UCAT_PE, LK_UCAT_PI, LK_UCAT_PF, LK_UCAT_PO,
    LK_UCAT_SM, LK_UCAT_SC, LK_UCAT_SK, LK_UCAT_SO, LK_UCAT_ZS, LK_UCAT_ZL, LK_UCAT_ZP,
    LK_UCAT_CC, LK_UCAT_CF, LK_UCAT_CS, LK_UCAT_CO,
};

/* General category of cp (LK_UCAT_*); LK_UCAT_CN for unassigned or out of range. */
int lk_ucd_category(int32_t cp);

/* Simple lowercase mapping (UnicodeData.txt); cp itself when there is none. */
int32_t lk_ucd_tolower(int32_t cp);

/* Extended grapheme cluster boundary between a and b; *state starts at 0 for a new text. */
bool lk_ucd_grapheme_break(int32_t a, int32_t b, int32_t *state);

/* Normalization units: text can be normalized piecewise, cut before every code point for
   which lk_ucd_norm_boundary is true (a starter that cannot combine with what precedes it).
   lk_ucd_norm_stable is true if cp, alone in its unit, is left unchanged by `flags`
   (LK_NORM_ flags). Both are true for ASCII. */
bool lk_ucd_norm_boundary(int32_t cp, unsigned flags);
bool lk_ucd_norm_stable(int32_t cp, unsigned flags);

/* True if cp is a boundary (above) and normalizing it alone with `flags` gives cp itself:
   exact, but slower than lk_ucd_norm_stable (callers cache it). */
bool lk_ucd_norm_fixed(int32_t cp, unsigned flags);

/* Normalize the valid UTF-8 unit s[0..len) with `flags`, appending the UTF-8 result to
   (*buf)[*buf_len..], growing *buf (capacity *buf_cap); *u32 (capacity *u32_cap) is scratch space.
   LK_ERR_NOMEM, or LK_ERR_PARSE with utf8proc's message. */
lk_status lk_ucd_normalize_unit(const char *s, size_t len, unsigned flags, char **buf,
                                size_t *buf_len, size_t *buf_cap, int32_t **u32,
                                size_t *u32_cap, lk_error *err);

#endif
