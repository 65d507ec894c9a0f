/* tokenize.h: the lexkit tokenizer: words (with optional inner apostrophes/hyphens),
   numbers, punctuation, one token per Han character, emoji and symbols; optional NFKC and
   lowercasing; byte offsets of every token into the input. Also a scikit-learn compatible
   mode ((?u)\b\w\w+\b on lowercased text), a whitespace mode for pre-segmented text and
   a UD English (EWT) mode, the unit of the English tagger.
   A tokenizer holds scratch buffers: one per thread. */
#ifndef LK_TEXT_TOKENIZE_H
#define LK_TEXT_TOKENIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "text/error.h"

typedef enum {
    LK_TOK_WORD = 0, /* letters (and marks), possibly with inner ' or -, and digits (with
                        inner . between digits after a digit: v2.0.1; see word_decimals) */
    LK_TOK_NUMBER,   /* digits, with inner . or , between digits (3.14, 1,000; see
                        wide_comma_thousands for ，) */
    LK_TOK_PUNCT,    /* one punctuation character */
    LK_TOK_HAN,      /* one Han character (or a segmented Chinese word) */
    LK_TOK_SYMBOL,   /* one symbol or emoji (an emoji ZWJ sequence stays whole) */
    LK_TOK_OTHER,
} lk_token_kind;

typedef enum {
    LK_TOKMODE_LEXKIT = 0, /* the rules above */
    LK_TOKMODE_SKLEARN,    /* scikit-learn default analyzer: lowercase, (?u)\b\w\w+\b */
    LK_TOKMODE_SPACE,      /* pre-segmented: split on whitespace only */
    LK_TOKMODE_UD_EN,      /* English as UD EWT tokenizes it: do n't, it 's, can not, gon na;
                              punctuation split; URLs, e-mails, numbers, U.S. whole; no NFKC */
} lk_tok_mode;

typedef struct {
    lk_tok_mode mode;
    bool lower;            /* case-fold tokens (default false; sklearn mode always lowers) */
    bool nfkc;             /* NFKC-normalize (full-width forms -> ASCII); default true; not
                              used by sklearn mode, which reproduces sklearn exactly */
    bool keep_punct;       /* emit punctuation tokens (default true) */
    bool keep_symbols;     /* emit symbol/emoji tokens (default true) */
    bool keep_numbers;     /* emit number tokens (default true) */
    bool inner_apostrophe; /* don't, O'Neil stay one word (default true) */
    bool inner_hyphen;     /* e-mail, state-of-the-art stay one word (default true) */
    bool han_chars;        /* each Han character is a token (default true); false keeps runs */
    bool keep_case;        /* sklearn mode only: don't lowercase (lowercase=False); default false */
    bool drop_format;      /* lexkit mode: drop the invisible format characters (Cf: soft hyphen
                              U+00AD, word joiner U+2060, ZWNJ, ZWJ, bidi marks; not the visible
                              prepended concatenation marks) that a word, number or Han
                              character holds (the text: spans unchanged), so infor&shy;mation
                              is `information`; default true (the search analyzer, which
                              versions this, and the Chinese pre-tokenizer turn it off) */
    bool wide_comma_thousands; /* lexkit mode: a comma that NFKC made of another one (the
                              full-width ， U+FF0C, the small ﹐ U+FE50) joins digits only as
                              a thousands separator: three digits follow it, then no digit,
                              and no '.' came before it in the number. So 页10，2005年 is
                              10 , 2005 and 3，2 is 3 , 2 (Chinese writes no decimal comma),
                              while 1，234，567 stays one number. An ASCII ',' joins any
                              digits (1,234 and 3,2). Default true; false joins it as an
                              ASCII ',' (the tokenizer of before, which the search indexes
                              built then keep: their analyzer settings lack `tokenizer=2`) */
    bool word_decimals;    /* lexkit mode: a word that ends in a digit goes on over '.' and
                              digits as a number does, so v2.0.1, PM2.5 and Python3.10 are one
                              word (they were v2 . 0.1, PM2 . 5); 1.2.3 was one number already.
                              Default true; false is the tokenizer of before (search indexes
                              whose settings say tokenizer=2 or less keep it) */
} lk_tokenizer_config;

typedef struct {
    size_t start, len;    /* byte span in the input text */
    const char *text;     /* token text after normalization (borrowed, NUL-terminated) */
    size_t text_len;
    lk_token_kind kind;
} lk_token;

/* Defaults: lexkit mode, nfkc on, lower off, everything kept, inner ' and - joined. */
lk_tokenizer_config lk_tokenizer_config_default(void);

typedef struct lk_tokenizer lk_tokenizer;

lk_status lk_tokenizer_create(const lk_tokenizer_config *c, lk_tokenizer **out);
void lk_tokenizer_free(lk_tokenizer *t); /* NULL is a no-op */

/* Tokenize text[0..len) (UTF-8). On success *toks points to *n tokens, borrowed from the
   tokenizer until its next call. Invalid UTF-8 gives LK_ERR_PARSE with a message
   "COL: invalid UTF-8 byte 0xXX" (COL 1-based, in code points); callers prepend
   "path:line:" with lk_error_prefix to get "path:line:col: ...". */
lk_status lk_tokenize(lk_tokenizer *t, const char *text, size_t len, const lk_token **toks,
                      size_t *n, lk_error *err);

/* lk_tokenize without the UTF-8 check, for text a corpus reader has already validated
   (lk_docs_next): the caller guarantees text[0..len) is valid UTF-8. User input (queries,
   files read otherwise) goes through lk_tokenize. */
lk_status lk_tokenize_valid(lk_tokenizer *t, const char *text, size_t len, const lk_token **toks,
                            size_t *n, lk_error *err);

#endif
