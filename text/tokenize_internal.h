/* tokenize_internal.h: the tokenizer object shared by tokenize.c (lexkit and whitespace
   modes, normalization, entry point) and tokenize_sklearn.c. Not installed. */
#ifndef LK_TEXT_TOKENIZE_INTERNAL_H
#define LK_TEXT_TOKENIZE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "text/tokenize.h"

#define ASCII_N 128
#define BMP_WORDS (0x10000 / 32) /* bitmap words covering U+0000..U+FFFF */

/* A run of normalized text and where it came from. identity: byte-for-byte copy (len bytes
   on both sides); otherwise one normalization unit of orig_len input bytes. */
typedef struct {
    size_t norm_start, orig_start, orig_len;
    bool identity;
} seg;

struct lk_tokenizer {
    lk_tokenizer_config cfg;
    unsigned char ascii_class[ASCII_N]; /* tclass of each ASCII byte */
    bool ascii_white[ASCII_N];          /* whitespace mode separators */
    bool ascii_word[ASCII_N];           /* Python's \w */
    unsigned char word_out[256];        /* sklearn mode: an ASCII \w byte as it is copied
                                           (lowercased unless keep_case), else 0 */
    unsigned char ascii_alnum[256];     /* ALNUM_LETTER / ALNUM_DIGIT for ASCII, else 0 */
    unsigned char lower_byte[256];      /* ASCII A-Z -> a-z, every other byte unchanged */
    lk_token *toks;
    size_t n_toks, cap_toks;
    char *arena; /* token texts, NUL-terminated */
    size_t arena_len, arena_cap;
    char *norm_buf;
    size_t norm_cap;
    const char *src;  /* the input text of the current call */
    const char *norm; /* text being scanned: the input or norm_buf */
    size_t norm_len;
    bool lower_on_copy; /* ASCII input with lower on: lowercase while copying token text */
    seg *segs;          /* NULL when norm is the input itself */
    size_t n_segs, cap_segs, seg_cursor;
    int32_t *u32;
    size_t u32_cap;
    size_t *ud_off; /* UD English mode: byte offset of each code point of the line */
    size_t ud_off_cap;
    int32_t *fold_u32; /* UD English mode with lower: case-folding scratch (u32 holds the
                          line's code points) */
    size_t fold_u32_cap;
    unsigned norm_flags;             /* LK_NORM_* for lexkit and space modes */
    uint32_t plain_known[BMP_WORDS]; /* cache of lk_ucd_norm_fixed(cp, norm_flags), BMP */
    uint32_t plain_bits[BMP_WORDS];
};

/* Append a token (text borrowed from the arena) to t->toks. LK_ERR_NOMEM. */
lk_status lk_tok_push(lk_tokenizer *t, lk_token_kind kind, size_t start, size_t len,
                      const char *text, size_t text_len);

/* Does cp separate tokens in the lexkit tokenizer (white space Z*, controls Cc, NEL, ZWSP,
   BOM)? The one separator rule of the lexkit and UD English modes. */
bool lk_tok_is_separator(int32_t cp);

/* Python's \w: str.isalnum() (categories L*, N*) or '_'. */
bool lk_tok_py_word(int32_t cp);

/* scikit-learn's default analyzer over the valid UTF-8 s[0..n); the arena must hold 2n + 2
   bytes. LK_ERR_NOMEM. */
lk_status lk_tok_scan_sklearn(lk_tokenizer *t, const char *s, size_t n);

/* UD English (EWT) tokenization of the valid UTF-8 s[0..n); the arena must hold 2n + 2
   bytes, 4n + 2 with cfg.lower (case folding). LK_ERR_NOMEM. */
lk_status lk_tok_scan_ud_en(lk_tokenizer *t, const char *s, size_t n);

#endif
