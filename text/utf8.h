/* utf8.h: UTF-8 decoding and validation, character classes, NFKC and case folding.
   normalize.c is the only file that includes utf8proc. All functions are thread-safe. */
#ifndef LK_TEXT_UTF8_H
#define LK_TEXT_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "text/error.h"

/* Character classes used by the tokenizer. */
typedef enum {
    LK_CC_LETTER = 0, /* Unicode L* (except Han) */
    LK_CC_NUMBER,     /* N* */
    LK_CC_PUNCT,      /* P* */
    LK_CC_HAN,        /* Han ideographs (CJK Unified Ideographs and extensions, compat.) */
    LK_CC_SPACE,      /* Z*, and control whitespace (\t \n \r \v \f) */
    LK_CC_SYMBOL,     /* S* (emoji, currency, math ...) */
    LK_CC_MARK,       /* M* (combining marks; attach to the previous token) */
    LK_CC_OTHER,      /* C* and unassigned */
} lk_char_class;

/* Decode one code point at s[0..len). Returns its byte length (1..4) and sets *cp, or 0 if
   the bytes there are not valid UTF-8 (overlong, surrogate, > U+10FFFF, truncated). */
size_t lk_utf8_decode(const char *s, size_t len, int32_t *cp);

/* Encode cp into out (room for 4 bytes); returns the byte length (0 if cp is invalid). */
size_t lk_utf8_encode(int32_t cp, char *out);

/* Code points in the valid UTF-8 s[0..len) (the bytes that do not continue a sequence). */
size_t lk_utf8_count(const char *s, size_t len);

/* Whether byte offset off of the valid UTF-8 text s[0..len) is an extended grapheme cluster
   boundary (UAX #29, utf8proc's rules: a letter and its combining marks, an emoji ZWJ
   sequence, a flag's two regional indicators, a skin tone or a variation selector are one
   cluster). 0 and len are; an offset inside a code point is not. The rules are applied
   from the nearest character before off that always starts a cluster (ASCII other than
   LF, a Han character), so the cost is the distance to it. */
bool lk_utf8_grapheme_boundary(const char *s, size_t len, size_t off);

/* True if s[0..len) is valid UTF-8. Otherwise false, with *bad_off the byte offset of the
   first invalid byte (may be NULL). */
bool lk_utf8_valid(const char *s, size_t len, size_t *bad_off);

/* s[0..len) as a message can print it, into out (cap >= 1 bytes, NUL-terminated; returns
   out): valid UTF-8 kept, other bytes and control characters (C0, DEL, C1) as \xNN, cut at a
   whole character or escape when out is full. File names and file text are bytes; a
   terminal, a log or a Python str takes text. */
const char *lk_utf8_printable(const char *s, size_t len, char *out, size_t cap);

/* The one message for invalid UTF-8, at byte s[bad] of the line s[0..len) (bad from
   lk_utf8_valid): LK_ERR_PARSE "path:line:col: invalid UTF-8 byte 0xXX" ("col: ..." when
   path is NULL, for callers that prefix path:line themselves; col in code points, 1-based),
   followed by a hint when the line looks like another encoding: " (the file looks like
   UTF-16: ...)" for a byte order mark FF FE / FE FF first or NUL bytes every other byte,
   " (is the file in GBK/GB18030 or Big5? ...)" when s[bad] starts a two-byte character of
   those (lead 0x81-0xFE, trail 0x40-0x7E or 0x80-0xFE) and the line reads as such text
   with two or more multi-byte characters. Both name the iconv command. */
lk_status lk_utf8_error(const char *s, size_t len, size_t bad, const char *path, int64_t line,
                        lk_error *err);

/* Validate a line of a file: LK_OK, or lk_utf8_error's LK_ERR_PARSE "path:line:col: invalid
   UTF-8 byte 0xXX" (with its hint). */
lk_status lk_utf8_check_line(const char *s, size_t len, const char *path, int64_t line,
                             lk_error *err);

/* Class of a code point. */
lk_char_class lk_char_class_of(int32_t cp);

/* White space, one definition for lexkit: Unicode Z* plus the control white space \t \n \v
   \f \r, U+001C..U+001F and U+0085; the same set as Python's str.isspace (and the \s of
   Python's re on str). U+200B ZERO WIDTH SPACE is not white space (category Cf). */
bool lk_is_space(int32_t cp);

/* What raw-text word segmentation treats as white space: lk_is_space, the controls (Cc:
   C0, DEL, C1) and the format characters (Cf: ZWSP U+200B, ZWNJ, ZWJ, word joiner U+2060,
   soft hyphen U+00AD, BOM U+FEFF, bidi marks, ...). None is ever a word or part of one,
   except inside a unit kept whole (the ZWJ of an emoji sequence, text/pretok.h). */
bool lk_is_ignorable(int32_t cp);

/* True for Han ideographs (the unit of Chinese per-character tokens). */
bool lk_is_han(int32_t cp);

/* Latin accent folding, as Lucene's ASCIIFoldingFilter does for Latin letters: the ASCII
   form of cp (é -> e, Å -> A, ß -> ss, æ -> ae, ø -> o, ł -> l, þ -> th) in out, and its
   length (1 or 2); 0 when cp is not a foldable Latin letter (ASCII, Greek, marks, ...). */
size_t lk_fold_latin(int32_t cp, char out[2]);

/* Normalization flags for lk_normalize. */
enum {
    LK_NORM_NFKC = 1u << 0,     /* compatibility composition: full-width -> ASCII, etc. */
    LK_NORM_CASEFOLD = 1u << 1, /* Unicode full case folding (lowercase for comparison) */
};

/* Normalize src (valid UTF-8) into a malloc'd NUL-terminated string (free with free()).
   Invalid UTF-8 gives LK_ERR_PARSE. */
lk_status lk_normalize(const char *src, size_t len, unsigned flags, char **out, size_t *out_len,
                       lk_error *err);

/* Normalize into a caller buffer (NUL-terminated); *dst_len = the normalized length. If the
   buffer has less than *dst_len + 1 bytes: LK_ERR_RANGE, nothing written. */
lk_status lk_normalize_into(const char *src, size_t len, unsigned flags, char *dst,
                            size_t dst_cap, size_t *dst_len, lk_error *err);

/* Simple lowercase mapping of one code point (utf8proc_tolower). */
int32_t lk_tolower(int32_t cp);

#endif
