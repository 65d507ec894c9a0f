/* subword.h: fastText-style character n-grams of a word (on UTF-8 code point boundaries,
   with '<' and '>' marking the word's ends) hashed into a fixed number of buckets with
   32-bit FNV-1a (fastText's hash, so bucket ids agree with fastText). Thread-safe. */
#ifndef LK_MODELS_SUBWORD_H
#define LK_MODELS_SUBWORD_H

#include <stddef.h>
#include <stdint.h>

#include "text/error.h"

#define LK_SUBWORD_BOW '<'
#define LK_SUBWORD_EOW '>'

/* fastText's hash of s[0..len): FNV-1a over the bytes taken as signed chars. */
uint32_t lk_subword_hash(const char *s, size_t len);

/* One n-gram of the bounded word "<w>": byte span inside that bounded string. */
typedef struct {
    size_t start, len;
} lk_ngram_span;

/* Callback for lk_subword_each: `gram` (len bytes, not NUL-terminated) is one n-gram. */
typedef void (*lk_ngram_fn)(void *ctx, const char *gram, size_t len);

/* Call fn for every n-gram of "<w>" with minn <= n <= maxn code points, in fastText's
   order (by start position, then by length). Single-character grams "<" and ">" are
   never produced. minn >= 1 and maxn >= minn, else LK_ERR_ARG. `w` should be valid UTF-8
   (a stray continuation byte is kept with the character before it). */
lk_status lk_subword_each(const char *w, size_t len, int32_t minn, int32_t maxn, lk_ngram_fn fn,
                          void *ctx);

/* Bucket ids (hash % buckets) of the n-grams of w, appended to *ids (a buffer grown with
   lk_grow; *n and *cap are updated). buckets > 0. */
lk_status lk_subword_buckets(const char *w, size_t len, int32_t minn, int32_t maxn,
                             int32_t buckets, int32_t **ids, size_t *n, size_t *cap);

#endif
