/* pretok.h: pre-tokenization of raw (Chinese) text for a segmenter: the lexkit tokenizer's
   tokens regrouped into units the segmenter must keep: a URL or e-mail address (found after
   NFKC: full-width ｈｔｔｐｓ：／／ and ｆｏｏ＠ｂａｒ．ｃｏｍ too), an @handle (@zhang_san,
   @li.si), a Latin word (with a decimal after a final digit: PM2.5, v1.2), a number (5.2,
   5,999, 9:00, 5.2%, with 第 before it: 第89, as UD GSD writes it) or an emoji is one unit;
   every punctuation mark or symbol is a unit of its own (a run of one repeated dash or
   ellipsis mark, as …… —— ... --, is one unit); each Han character is a free unit the
   segmenter groups into words.
   White space, controls and format characters (lk_is_ignorable: ZWSP, ZWJ, BOM, soft
   hyphen, ...) are in no unit, except inside one kept whole (an emoji ZWJ sequence). One lk_pretok per thread (it holds scratch buffers). */
#ifndef LK_TEXT_PRETOK_H
#define LK_TEXT_PRETOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "text/error.h"

typedef enum {
    LK_PRETOK_HAN = 0, /* one Han character: the segmenter decides its word */
    LK_PRETOK_WORD,    /* exactly one word: Latin word, URL, e-mail, @handle, other script */
    LK_PRETOK_PUNCT,   /* exactly one word: a punctuation mark, symbol or emoji */
    LK_PRETOK_NUM,     /* exactly one word: a number in digits (999, 5.2%, 9:00, 第89) */
} lk_pretok_kind;

/* Bytes [start, start + len) of the text, in order, never overlapping. */
typedef struct {
    size_t start, len;
    lk_pretok_kind kind;
} lk_pretok_unit;

typedef struct lk_pretok lk_pretok;

lk_status lk_pretok_create(lk_pretok **out); /* LK_ERR_NOMEM */
void lk_pretok_free(lk_pretok *p);           /* NULL is a no-op */

/* Units of the valid UTF-8 text s[0..len); *units (n entries) is borrowed from p until its
   next call. Invalid UTF-8 gives LK_ERR_PARSE ("COL: invalid UTF-8 byte 0xXX"). */
lk_status lk_pretok_text(lk_pretok *p, const char *s, size_t len, const lk_pretok_unit **units,
                         size_t *n, lk_error *err);

#endif
