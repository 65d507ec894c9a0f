/* tokenize.h: UTF-8 text to tokens with byte offsets (words, numbers, punctuation, one
   token per Han character, emoji), scikit-learn's token pattern, or whitespace splitting.
   A tokenizer holds scratch space: use one per thread. */
#ifndef LEXKIT_TOKENIZE_H
#define LEXKIT_TOKENIZE_H

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    LEXKIT_TOKENIZER_LEXKIT = 0, /* lexkit's rules, NFKC normalized */
    LEXKIT_TOKENIZER_SKLEARN,    /* scikit-learn's (?u)\b\w\w+\b on lowercased text */
    LEXKIT_TOKENIZER_SPACE,      /* split on whitespace only (pre-segmented text) */
} lexkit_tokenizer_mode;

typedef struct {
    size_t start, len;    /* byte span in the input */
    const char *text;     /* normalized token text, NUL-terminated (borrowed) */
    size_t text_len;
} lexkit_token;

typedef struct lexkit_tokenizer lexkit_tokenizer;

/* A tokenizer; `lower` != 0 case-folds tokens. Free with lexkit_tokenizer_free. */
LK_API lexkit_status lexkit_tokenizer_create(lexkit_tokenizer_mode mode, int lower,
                                             lexkit_tokenizer **out);
/* NULL is a no-op. */
LK_API void lexkit_tokenizer_free(lexkit_tokenizer *t);
/* Tokens of text[0..len): *toks (n entries) is borrowed from t until its next call.
   Invalid UTF-8 is LEXKIT_ERR_PARSE naming the column. */
LK_API lexkit_status lexkit_tokenize(lexkit_tokenizer *t, const char *text, size_t len,
                                     const lexkit_token **toks, size_t *n, lexkit_error *err);

#ifdef __cplusplus
}
#endif
#endif
