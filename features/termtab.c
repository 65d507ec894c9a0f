/* termtab.c: the n-gram term table of features_internal.h. */
#include "features/features_internal.h"

#include <stdlib.h>
#include <string.h>

#define TERMTAB_INIT_SLOTS 1024u /* power of two */
#define TERMTAB_INIT_IDS 1024u
#define PAIR_EMPTY UINT64_MAX
#define HASH_MUL1 0xbf58476d1ce4e5b9ull
#define HASH_MUL2 0x94d049bb133111ebull
#define HASH_SEED 0x9e3779b97f4a7c15ull

static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= HASH_MUL1;
    x ^= x >> 27;
    x *= HASH_MUL2;
    x ^= x >> 31;
    return x;
}

/* The last n (1..7) bytes of a key as memcpy would put them in a zeroed uint64_t, without
   the byte loop and the stack round trip (a store-forwarding stall) that the compiler made
   of memcpy(&w, p, n): overlapping loads inside [p, p + n), so the same value exactly. */
static inline uint64_t tail_word(const unsigned char *p, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (n >= 4) {
        uint32_t lo, hi;
        memcpy(&lo, p, 4);
        memcpy(&hi, p + n - 4, 4);
        return lo | ((uint64_t)hi << ((n - 4) * 8)); /* the overlap ORs equal bytes */
    }
    return (uint64_t)p[0] | (uint64_t)p[n / 2] << (n / 2 * 8) | (uint64_t)p[n - 1] << ((n - 1) * 8);
#else
    uint64_t w = 0;
    memcpy(&w, p, n);
    return w;
#endif
}

uint64_t lk_hash_bytes(const void *s, size_t len)
{
    const unsigned char *p = s;
    uint64_t h = HASH_SEED ^ ((uint64_t)len * HASH_MUL2);
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * HASH_MUL1;
        h ^= h >> 29;
        p += 8;
        len -= 8;
    }
    if (len) {
        h = (h ^ tail_word(p, len)) * HASH_MUL1;
        h ^= h >> 29;
    }
    return mix64(h);
}

lk_status lk_termtab_init(lk_termtab *t, bool has_sep, char sep)
{
    memset(t, 0, sizeof *t);
    t->has_sep = has_sep;
    t->sep = sep;
    t->uslots = calloc(TERMTAB_INIT_SLOTS, sizeof *t->uslots);
    t->pslots = malloc(TERMTAB_INIT_SLOTS * sizeof *t->pslots);
    if (!t->uslots || !t->pslots) {
        lk_termtab_free(t);
        return LK_ERR_NOMEM;
    }
    for (size_t i = 0; i < TERMTAB_INIT_SLOTS; i++) t->pslots[i].key = PAIR_EMPTY;
    t->umask = t->pmask = TERMTAB_INIT_SLOTS - 1;
    return LK_OK;
}

void lk_termtab_free(lk_termtab *t)
{
    if (!t) return;
    free(t->str);
    free(t->doc);
    free(t->col);
    free(t->uslots);
    free(t->pslots);
    free(t->arena);
    memset(t, 0, sizeof *t);
}

/* Make room for one more id in every per-id array. */
static lk_status grow_ids(lk_termtab *t)
{
    if (t->n < t->cap) return LK_OK;
    if (t->n >= (size_t)INT32_MAX - 1) return LK_ERR_RANGE;
    size_t need = t->cap ? t->cap * 2 : TERMTAB_INIT_IDS, c1 = t->cap, c2 = t->cap, c3 = t->cap;
    if (lk_huge_grow((void **)&t->str, &c1, need, sizeof *t->str) != LK_OK ||
        lk_huge_grow((void **)&t->doc, &c2, need, sizeof *t->doc) != LK_OK ||
        lk_huge_grow((void **)&t->col, &c3, need, sizeof *t->col) != LK_OK)
        return LK_ERR_NOMEM;
    t->cap = need;
    return LK_OK;
}

lk_status lk_termtab_reserve(lk_termtab *t, size_t n_ids, size_t arena_bytes)
{
    if (n_ids > (size_t)INT32_MAX - 1) n_ids = (size_t)INT32_MAX - 1;
    if (n_ids > t->cap) {
        lk_term_str *str = lk_huge_alloc(n_ids * sizeof *str);
        lk_term_doc *doc = lk_huge_alloc(n_ids * sizeof *doc);
        int32_t *col = lk_huge_alloc(n_ids * sizeof *col);
        if (!str || !doc || !col) {
            free(str);
            free(doc);
            free(col);
            return LK_ERR_NOMEM;
        }
        if (t->n) {
            memcpy(str, t->str, t->n * sizeof *str);
            memcpy(doc, t->doc, t->n * sizeof *doc);
            memcpy(col, t->col, t->n * sizeof *col);
        }
        free(t->str);
        free(t->doc);
        free(t->col);
        t->str = str;
        t->doc = doc;
        t->col = col;
        t->cap = n_ids;
    }
    if (arena_bytes > t->arena_cap) {
        char *a = lk_huge_alloc(arena_bytes);
        if (!a) return LK_ERR_NOMEM;
        if (t->arena_len) memcpy(a, t->arena, t->arena_len);
        free(t->arena);
        t->arena = a;
        t->arena_cap = arena_bytes;
    }
    return LK_OK;
}

static lk_status arena_reserve(lk_termtab *t, size_t n)
{
    size_t need;
    if (lk_add_size(t->arena_len, n, &need) != LK_OK) return LK_ERR_RANGE;
    if (need <= t->arena_cap) return LK_OK;
    return lk_huge_grow((void **)&t->arena, &t->arena_cap, need, 1);
}

#define HEAD_BYTES 8

/* The first 8 bytes of s[0..n), zero-padded (as memcpy into a zeroed uint64_t). */
static inline uint64_t head_of(const char *s, size_t n)
{
    if (n >= HEAD_BYTES) {
        uint64_t h;
        memcpy(&h, s, HEAD_BYTES);
        return h;
    }
    return n ? tail_word((const unsigned char *)s, n) : 0; /* s may be NULL when n is 0 */
}

/* Is s[0..n) the string of e? Short strings never touch the arena; up to 16 bytes, the
   last 8 are compared as one word (the heads cover the rest). */
static inline bool same_string(const lk_termtab *t, const lk_term_str *e, const char *s, size_t n,
                               uint64_t head)
{
    if (e->len != n || e->head != head) return false;
    if (n <= HEAD_BYTES) return true;
    const char *a = t->arena + e->off;
    if (n <= 2 * HEAD_BYTES) {
        uint64_t x, y;
        memcpy(&x, a + n - HEAD_BYTES, HEAD_BYTES);
        memcpy(&y, s + n - HEAD_BYTES, HEAD_BYTES);
        return x == y;
    }
    return memcmp(a + HEAD_BYTES, s + HEAD_BYTES, n - HEAD_BYTES) == 0;
}

/* A new id with its string already at arena[off .. off+len). */
static uint32_t new_id(lk_termtab *t, uint64_t off, size_t len, uint32_t hash)
{
    uint32_t id = (uint32_t)t->n++;
    t->str[id] = (lk_term_str){off, head_of(t->arena + off, len), (uint32_t)len, hash};
    t->doc[id] = (lk_term_doc){0, 0};
    t->col[id] = -1;
    return id;
}

static lk_status rehash_units(lk_termtab *t)
{
    size_t cap = (t->umask + 1) * 2;
    uint64_t *slots = lk_huge_alloc(cap * sizeof *slots);
    if (!slots) return LK_ERR_NOMEM;
    memset(slots, 0, cap * sizeof *slots);
    for (size_t i = 0; i <= t->umask; i++) {
        uint64_t v = t->uslots[i];
        if (!v) continue;
        size_t j = (size_t)(v >> 32) & (cap - 1);
        while (slots[j]) j = (j + 1) & (cap - 1);
        slots[j] = v;
    }
    free(t->uslots);
    t->uslots = slots;
    t->umask = cap - 1;
    return LK_OK;
}

lk_status lk_termtab_unit(lk_termtab *t, const char *s, size_t len, bool insert, uint32_t *id)
{
    return lk_termtab_unit_hashed(t, s, len, lk_termtab_unit_hash(s, len), insert, id);
}

void lk_termtab_prefetch_slot(const lk_termtab *t, uint32_t h)
{
    __builtin_prefetch(&t->uslots[h & t->umask]);
}

void lk_termtab_prefetch_entry(const lk_termtab *t, uint32_t h)
{
    uint64_t v = t->uslots[h & t->umask];
    if (v) __builtin_prefetch(&t->str[(uint32_t)v - 1]);
}

lk_status lk_termtab_unit_hashed(lk_termtab *t, const char *s, size_t len, uint32_t h, bool insert,
                                 uint32_t *id)
{
    uint64_t head = head_of(s, len);
    size_t j = h & t->umask;
    for (;;) {
        uint64_t v = t->uslots[j];
        if (!v) break;
        if ((uint32_t)(v >> 32) == h) {
            uint32_t c = (uint32_t)v - 1;
            if (same_string(t, &t->str[c], s, len, head)) {
                *id = c;
                return LK_OK;
            }
        }
        j = (j + 1) & t->umask;
    }
    if (!insert) {
        *id = LK_TERM_NONE;
        return LK_OK;
    }
    if (len > UINT32_MAX) return LK_ERR_RANGE;
    lk_status st = grow_ids(t);
    if (st == LK_OK) st = arena_reserve(t, len);
    if (st != LK_OK) return st;
    uint64_t off = t->arena_len;
    if (len) memcpy(t->arena + off, s, len); /* s may be NULL when len is 0 */
    t->arena_len += len;
    uint32_t c = new_id(t, off, len, h);
    t->uslots[j] = ((uint64_t)h << 32) | (c + 1);
    *id = c;
    if (++t->un * 2 > t->umask + 1) return rehash_units(t);
    return LK_OK;
}

static lk_status rehash_pairs(lk_termtab *t)
{
    size_t cap = (t->pmask + 1) * 2;
    lk_pair_slot *slots = lk_huge_alloc(cap * sizeof *slots);
    if (!slots) return LK_ERR_NOMEM;
    for (size_t i = 0; i < cap; i++) slots[i].key = PAIR_EMPTY;
    for (size_t i = 0; i <= t->pmask; i++) {
        uint64_t k = t->pslots[i].key;
        if (k == PAIR_EMPTY) continue;
        size_t j = mix64(k) & (cap - 1);
        while (slots[j].key != PAIR_EMPTY) j = (j + 1) & (cap - 1);
        slots[j] = t->pslots[i];
    }
    free(t->pslots);
    t->pslots = slots;
    t->pmask = cap - 1;
    return LK_OK;
}

void lk_termtab_prefetch_pair(const lk_termtab *t, uint32_t prefix, uint32_t last)
{
    uint64_t key = ((uint64_t)prefix << 32) | last;
    __builtin_prefetch(&t->pslots[mix64(key) & t->pmask]);
}

lk_status lk_termtab_pair(lk_termtab *t, uint32_t prefix, uint32_t last, bool insert,
                          uint32_t *id)
{
    uint64_t key = ((uint64_t)prefix << 32) | last;
    size_t j = mix64(key) & t->pmask;
    for (;;) {
        uint64_t k = t->pslots[j].key;
        if (k == key) {
            *id = (uint32_t)t->pslots[j].id;
            return LK_OK;
        }
        if (k == PAIR_EMPTY) break;
        j = (j + 1) & t->pmask;
    }
    if (!insert) {
        *id = LK_TERM_NONE;
        return LK_OK;
    }
    size_t plen = t->str[prefix].len, llen = t->str[last].len, len = plen + llen + (t->has_sep ? 1 : 0);
    if (len > UINT32_MAX) return LK_ERR_RANGE;
    lk_status st = grow_ids(t);
    if (st == LK_OK) st = arena_reserve(t, len);
    if (st != LK_OK) return st;
    uint64_t off = t->arena_len;
    char *d = t->arena + off;
    memcpy(d, t->arena + t->str[prefix].off, plen);
    d += plen;
    if (t->has_sep) *d++ = t->sep;
    memcpy(d, t->arena + t->str[last].off, llen);
    t->arena_len += len;
    uint32_t c = new_id(t, off, len, 0);
    t->pslots[j] = (lk_pair_slot){key, c};
    *id = c;
    if (++t->pn * 2 > t->pmask + 1) return rehash_pairs(t);
    return LK_OK;
}
