/* lexicon.c: open addressing (linear probing) over uint32 slots that hold arena offsets + 1;
   an arena entry is: u8 key length, u8 flags, u8 tag, key bytes. */
#include "models/lexicon.h"

#include <stdlib.h>
#include <string.h>

#include "text/fileio.h"
#include "text/util.h"

#define LEX_HDR 3 /* bytes before the key: length, flags, tag */
#define LEX_MIN_SLOTS 1024u

typedef struct {
    uint32_t off;  /* 0 empty, else arena offset + 1 */
    uint32_t hash; /* full hash of the key (fewer key compares, no rehashing to grow) */
} lex_slot;

struct lk_lexicon {
    lex_slot *slots;
    uint32_t mask, n;
    unsigned char *arena;
    size_t used, cap;
};

/* FNV-1a (text/util), then a final mix: short keys of a few CJK characters. */
static uint32_t lex_hash(const char *k, size_t n)
{
    uint64_t h = lk_fnv1a64(k, n);
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 32;
    return (uint32_t)h;
}

lk_status lk_lexicon_create(lk_lexicon **out)
{
    lk_lexicon *x = calloc(1, sizeof *x);
    *out = NULL;
    if (!x) return LK_ERR_NOMEM;
    x->slots = calloc(LEX_MIN_SLOTS, sizeof *x->slots);
    if (!x->slots) {
        lk_lexicon_free(x);
        return LK_ERR_NOMEM;
    }
    x->mask = LEX_MIN_SLOTS - 1;
    *out = x;
    return LK_OK;
}

void lk_lexicon_free(lk_lexicon *x)
{
    if (!x) return;
    free(x->slots);
    free(x->arena);
    free(x);
}

/* Slot of key k (hash h): the occupied slot holding it, or the empty slot ending its probe. */
static uint32_t probe(const lk_lexicon *x, const char *k, size_t klen, uint32_t h)
{
    uint32_t i = h & x->mask;
    for (;; i = (i + 1) & x->mask) {
        uint32_t s = x->slots[i].off;
        if (s == 0) return i;
        if (x->slots[i].hash != h) continue;
        const unsigned char *e = x->arena + (s - 1);
        if (e[0] == klen && memcmp(e + LEX_HDR, k, klen) == 0) return i;
    }
}

/* Rehash into n_slots slots (a power of 2 above the entry count). */
static lk_status resize(lk_lexicon *x, uint32_t n_slots)
{
    lex_slot *slots = calloc(n_slots, sizeof *slots);
    if (!slots) return LK_ERR_NOMEM;
    uint32_t mask = n_slots - 1;
    for (uint32_t i = 0; i <= x->mask; i++) {
        if (!x->slots[i].off) continue;
        uint32_t j = x->slots[i].hash & mask;
        while (slots[j].off) j = (j + 1) & mask;
        slots[j] = x->slots[i];
    }
    free(x->slots);
    x->slots = slots;
    x->mask = mask;
    return LK_OK;
}

lk_status lk_lexicon_reserve(lk_lexicon *x, size_t n_entries, size_t key_bytes)
{
    lk_status st;
    if (n_entries > UINT32_MAX / 4 || key_bytes > UINT32_MAX) return LK_ERR_RANGE;
    uint32_t n_slots = x->mask + 1;
    while ((uint64_t)n_slots * 3 < 4 * (uint64_t)n_entries) n_slots *= 2;
    if (n_slots != x->mask + 1 && (st = resize(x, n_slots)) != LK_OK) return st;
    return lk_grow((void **)&x->arena, &x->cap, key_bytes + LEX_HDR * n_entries, 1);
}

lk_status lk_lexicon_add(lk_lexicon *x, const char *k, size_t klen, uint32_t flags,
                         uint8_t tag, int *was_word)
{
    lk_status st;
    if (klen > LK_LEXICON_KEY_MAX) return LK_ERR_RANGE;
    uint32_t h = lex_hash(k, klen), i = probe(x, k, klen, h);
    if (x->slots[i].off) {
        unsigned char *e = x->arena + (x->slots[i].off - 1);
        if (was_word) *was_word = (e[1] & LK_LEXICON_WORD) != 0;
        if ((flags & LK_LEXICON_WORD) && !(e[1] & LK_LEXICON_WORD)) e[2] = tag; /* prefix -> word */
        e[1] = (unsigned char)(e[1] | flags);
        return LK_OK;
    }
    if (was_word) *was_word = 0;
    if (x->used + LEX_HDR + klen >= UINT32_MAX) return LK_ERR_RANGE;
    if ((st = lk_grow((void **)&x->arena, &x->cap, x->used + LEX_HDR + klen, 1)) != LK_OK)
        return st;
    unsigned char *e = x->arena + x->used;
    e[0] = (unsigned char)klen;
    e[1] = (unsigned char)flags;
    e[2] = tag;
    memcpy(e + LEX_HDR, k, klen);
    x->slots[i] = (lex_slot){(uint32_t)x->used + 1, h};
    x->used += LEX_HDR + klen;
    x->n++;
    if ((uint64_t)x->n * 4 <= (uint64_t)x->mask * 3) return LK_OK; /* load factor <= 3/4 */
    return x->mask + 1 > UINT32_MAX / 2 ? LK_ERR_RANGE : resize(x, (x->mask + 1) * 2);
}

uint32_t lk_lexicon_find(const lk_lexicon *x, const char *k, size_t klen, uint8_t *tag)
{
    if (klen > LK_LEXICON_KEY_MAX) return 0;
    uint32_t s = x->slots[probe(x, k, klen, lex_hash(k, klen))].off;
    if (!s) return 0;
    const unsigned char *e = x->arena + (s - 1);
    if (tag) *tag = e[2];
    return e[1];
}

uint32_t lk_lexicon_next(const lk_lexicon *x, size_t *pos, const char **k, size_t *klen,
                         uint8_t *tag)
{
    if (*pos >= x->used) return 0;
    const unsigned char *e = x->arena + *pos;
    *k = (const char *)e + LEX_HDR;
    *klen = e[0];
    *tag = e[2];
    *pos += LEX_HDR + e[0];
    return e[1];
}

size_t lk_lexicon_bytes(const lk_lexicon *x)
{
    return sizeof *x + x->cap + (size_t)(x->mask + 1) * sizeof *x->slots;
}
