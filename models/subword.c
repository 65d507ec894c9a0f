#include "models/subword.h"

#include <stdlib.h>
#include <string.h>

#define FNV32_OFFSET 2166136261u
#define FNV32_PRIME 16777619u

uint32_t lk_subword_hash(const char *s, size_t len)
{
    uint32_t h = FNV32_OFFSET;
    for (size_t i = 0; i < len; i++) {
        /* fastText hashes (uint32_t)(int8_t)c: bytes >= 0x80 are sign-extended. */
        h ^= (uint32_t)(int32_t)(signed char)s[i];
        h *= FNV32_PRIME;
    }
    return h;
}

static int is_continuation(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

lk_status lk_subword_each(const char *w, size_t len, int32_t minn, int32_t maxn, lk_ngram_fn fn,
                          void *ctx)
{
    if (minn < 1 || maxn < minn || !fn) return LK_ERR_ARG;
    size_t blen = len + 2;
    char small[256];
    char *b = blen <= sizeof small ? small : malloc(blen);
    if (!b) return LK_ERR_NOMEM;
    b[0] = LK_SUBWORD_BOW;
    if (len) memcpy(b + 1, w, len);
    b[blen - 1] = LK_SUBWORD_EOW;
    for (size_t i = 0; i < blen; i++) {
        if (is_continuation((unsigned char)b[i])) continue;
        size_t j = i;
        for (int32_t n = 1; j < blen && n <= maxn; n++) {
            j++; /* take one character: its lead byte and continuation bytes */
            while (j < blen && is_continuation((unsigned char)b[j])) j++;
            if (n >= minn && !(n == 1 && (i == 0 || j == blen))) fn(ctx, b + i, j - i);
        }
    }
    if (b != small) free(b);
    return LK_OK;
}

typedef struct {
    int32_t buckets;
    int32_t **ids;
    size_t *n, *cap;
    lk_status st;
} bucket_ctx;

static void add_bucket(void *p, const char *gram, size_t len)
{
    bucket_ctx *c = p;
    if (c->st != LK_OK) return;
    c->st = lk_grow((void **)c->ids, c->cap, *c->n + 1, sizeof **c->ids);
    if (c->st != LK_OK) return;
    (*c->ids)[(*c->n)++] = (int32_t)(lk_subword_hash(gram, len) % (uint32_t)c->buckets);
}

lk_status lk_subword_buckets(const char *w, size_t len, int32_t minn, int32_t maxn,
                             int32_t buckets, int32_t **ids, size_t *n, size_t *cap)
{
    if (buckets <= 0) return LK_ERR_ARG;
    bucket_ctx c = {buckets, ids, n, cap, LK_OK};
    lk_status st = lk_subword_each(w, len, minn, maxn, add_bucket, &c);
    return st != LK_OK ? st : c.st;
}
