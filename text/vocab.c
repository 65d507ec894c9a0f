/* vocab.c: the vocabulary: a uthash table (the only user of uthash) over entries whose
   words live in an arena, plus a dense id -> entry array. */
#include "text/vocab.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "text/fileio.h"
#include "text/util.h"

/* ---- hashing -------------------------------------------------------------------- */

/* Multiply-xorshift hash over 8-byte little-endian chunks (wyhash-style mixing without
   128-bit products); much faster than uthash's default Jenkins hash on short words. */
#define VOCAB_HASH_SEED 0x9E3779B97F4A7C15ull
#define VOCAB_HASH_M1 0xBF58476D1CE4E5B9ull
#define VOCAB_HASH_M2 0x94D049BB133111EBull

/* The last len (< 8) bytes as one integer, without a byte loop: two overlapping 4-byte loads,
   or 3 single bytes (unique for a given len, which the hash mixes in separately). */
static inline uint64_t load_tail(const unsigned char *p, size_t len)
{
    if (len >= 4) return (uint64_t)lk_get_u32(p) | ((uint64_t)lk_get_u32(p + len - 4) << 32);
    if (len > 0) return ((uint64_t)p[0] << 16) | ((uint64_t)p[len >> 1] << 8) | p[len - 1];
    return 0;
}

static inline uint64_t mix64(uint64_t h)
{
    h ^= h >> 30;
    h *= VOCAB_HASH_M1;
    h ^= h >> 27;
    h *= VOCAB_HASH_M2;
    h ^= h >> 31;
    return h;
}

static inline unsigned vocab_hash(const void *key, size_t len)
{
    const unsigned char *p = key;
    uint64_t h = VOCAB_HASH_SEED ^ ((uint64_t)len * VOCAB_HASH_M2);
    while (len >= 8) {
        h = mix64(h ^ lk_get_u64(p));
        p += 8;
        len -= 8;
    }
    h = mix64(h ^ load_tail(p, len) ^ ((uint64_t)len << 59));
    return (unsigned)(h ^ (h >> 32));
}

/* Equality of two keys of n bytes (uthash only tests == 0): 8 bytes at a time, inline. */
static inline int key_differs(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    while (n >= 8) {
        if (lk_get_u64(x) != lk_get_u64(y)) return 1;
        x += 8;
        y += 8;
        n -= 8;
    }
    while (n--)
        if (*x++ != *y++) return 1;
    return 0;
}

/* ---- memory ------------------------------------------------------------------------- */

#define HUGE_PAGE ((size_t)2 << 20)

/* Tables and arena blocks come from lk_huge_alloc (text/util.h): counting a big corpus probes
   tens of MB at random, and with 4 KB pages most probes also miss the TLB. */

/* ---- uthash configuration --------------------------------------------------------- */

#define HASH_NONFATAL_OOM 1
/* On an allocation failure uthash leaves the table unchanged and flags the entry. */
#define uthash_nonfatal_oom(elt) ((elt)->oom = true)
#define HASH_FUNCTION(keyptr, keylen, hashv) ((hashv) = vocab_hash((keyptr), (keylen)))
#define HASH_KEYCMP(a, b, n) key_differs((a), (b), (n))
#define uthash_malloc(sz) lk_huge_alloc(sz)
#define uthash_free(ptr, sz) free(ptr)
#include <uthash.h>

/* The handle first and the count right after it: what a probe reads sits in 64 bytes. */
typedef struct entry {
    UT_hash_handle hh; /* hh.key/hh.keylen: `word` below */
    int64_t count;
    int32_t id;
    bool oom;          /* set by uthash when adding this entry failed */
    char word[];       /* NUL-terminated, right after the entry */
} entry;

/* ---- arena: blocks that never move (entries and words point into them) ----------- */

#define ARENA_BLOCK_MIN ((size_t)1 << 16)
#define ARENA_BLOCK_MAX ((size_t)8 << 20) /* blocks double from MIN up to MAX */

typedef struct block {
    struct block *next;
    size_t used, cap;
    alignas(max_align_t) unsigned char data[];
} block;

static void *arena_alloc(block **head, size_t size, size_t align)
{
    block *b = *head;
    if (b) {
        size_t off = (b->used + align - 1) & ~(align - 1);
        if (off <= b->cap && size <= b->cap - off) {
            b->used = off + size;
            return b->data + off;
        }
    }
    size_t cap = !b ? ARENA_BLOCK_MIN : b->cap < ARENA_BLOCK_MAX ? b->cap * 2 : ARENA_BLOCK_MAX;
    if (cap < size) cap = size;
    if (cap > SIZE_MAX - sizeof(block)) return NULL;
    if (cap >= HUGE_PAGE) cap -= sizeof(block); /* the block then fills whole huge pages */
    if (cap < size) cap = size;
    block *nb = lk_huge_alloc(sizeof(block) + cap);
    if (!nb) return NULL;
    nb->next = b;
    nb->cap = cap;
    nb->used = size;
    *head = nb;
    return nb->data;
}

static void arena_free(block *b)
{
    while (b) {
        block *next = b->next;
        free(b);
        b = next;
    }
}

/* ---- the vocabulary ---------------------------------------------------------------- */

struct lk_vocab {
    entry *table;    /* uthash head */
    entry **by_id;   /* dense: by_id[id]->id == id */
    size_t n, cap;
    block *arena;    /* entries with their words */
    int32_t n_reserved;
    int64_t total;
};

lk_status lk_vocab_create(lk_vocab **out)
{
    if (!out) return LK_ERR_ARG;
    *out = calloc(1, sizeof **out);
    return *out ? LK_OK : LK_ERR_NOMEM;
}

void lk_vocab_free(lk_vocab *v)
{
    if (!v) return;
    HASH_CLEAR(hh, v->table);
    free(v->by_id);
    arena_free(v->arena);
    free(v);
}

static entry *find_entry(const lk_vocab *v, const char *w, size_t len, unsigned hashv)
{
    entry *e = NULL;
    HASH_FIND_BYHASHVALUE(hh, v->table, w, (unsigned)len, hashv, e);
    return e;
}

/* Move e to the front of its bucket chain. uthash adds at the front, so without this the
   frequent words (seen first) end up behind rare ones; counting Zipf-distributed text then
   walks cold entries on almost every lookup. Only bucket order changes. */
static void move_to_front(entry *e)
{
    UT_hash_handle *h = &e->hh;
    if (!h->hh_prev) return; /* already the head */
    UT_hash_table *tbl = h->tbl;
    unsigned bkt;
    HASH_TO_BKT(h->hashv, tbl->num_buckets, bkt);
    UT_hash_bucket *b = &tbl->buckets[bkt];
    h->hh_prev->hh_next = h->hh_next;
    if (h->hh_next) h->hh_next->hh_prev = h->hh_prev;
    h->hh_prev = NULL;
    h->hh_next = b->hh_head;
    b->hh_head->hh_prev = h;
    b->hh_head = h;
}

/* Insert a new word with `count`; on failure the vocab is unchanged. */
static lk_status insert_entry(lk_vocab *v, const char *w, size_t len, unsigned hashv,
                              int64_t count, entry **out)
{
    if (v->n >= (size_t)INT32_MAX) return LK_ERR_RANGE;
    lk_status st = lk_grow((void **)&v->by_id, &v->cap, v->n + 1, sizeof *v->by_id);
    if (st != LK_OK) return st;
    entry *e = arena_alloc(&v->arena, sizeof *e + len + 1, alignof(entry));
    if (!e) return LK_ERR_NOMEM; /* space left in the arena after a failure is harmless */
    memset(e, 0, sizeof *e);
    memcpy(e->word, w, len);
    e->word[len] = '\0';
    e->count = count;
    e->id = (int32_t)v->n;
    HASH_ADD_KEYPTR_BYHASHVALUE(hh, v->table, e->word, (unsigned)len, hashv, e);
    if (e->oom) return LK_ERR_NOMEM;
    v->by_id[v->n++] = e;
    *out = e;
    return LK_OK;
}

lk_status lk_vocab_add_count(lk_vocab *v, const char *w, size_t len, int64_t count,
                             int32_t *id_out)
{
    if (!v || !w || len == 0 || count < 0) return LK_ERR_ARG;
    if (len > UINT_MAX) return LK_ERR_RANGE;
    if (count > INT64_MAX - v->total) return LK_ERR_RANGE;
    unsigned hashv = vocab_hash(w, len);
    entry *e = find_entry(v, w, len, hashv);
    if (e) {
        e->count += count;
        move_to_front(e);
    } else {
        lk_status st = insert_entry(v, w, len, hashv, count, &e);
        if (st != LK_OK) return st;
    }
    v->total += count;
    if (id_out) *id_out = e->id;
    return LK_OK;
}

lk_status lk_vocab_find_or_add(lk_vocab *v, const char *w, size_t len, int64_t count,
                               int32_t *id_out, bool *added)
{
    if (!v || !w || len == 0 || count < 0 || !id_out || !added) return LK_ERR_ARG;
    if (len > UINT_MAX) return LK_ERR_RANGE;
    unsigned hashv = vocab_hash(w, len);
    entry *e = find_entry(v, w, len, hashv);
    *added = e == NULL;
    if (!e) {
        if (count > INT64_MAX - v->total) return LK_ERR_RANGE;
        lk_status st = insert_entry(v, w, len, hashv, count, &e);
        if (st != LK_OK) return st;
        v->total += count;
    }
    *id_out = e->id;
    return LK_OK;
}

lk_status lk_vocab_add(lk_vocab *v, const char *w, size_t len, int32_t *id_out)
{
    return lk_vocab_add_count(v, w, len, 1, id_out);
}

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

#define BATCH_AHEAD 8 /* the bucket of word i + 2*AHEAD and the entry of word i + AHEAD are
                           prefetched while word i is counted */

/* Prefetch the bucket of a word with hash h (an address only: nothing is read). */
static inline void prefetch_bucket(const lk_vocab *v, unsigned h)
{
    if (v->table) {
        const UT_hash_table *tbl = v->table->hh.tbl;
        PREFETCH(&tbl->buckets[h & (tbl->num_buckets - 1u)]);
    }
}

/* Prefetch the first entry of the bucket of hash h (reads the current bucket array). */
static inline void prefetch_head(const lk_vocab *v, unsigned h)
{
    if (v->table) {
        const UT_hash_table *tbl = v->table->hh.tbl;
        const UT_hash_handle *head = tbl->buckets[h & (tbl->num_buckets - 1u)].hh_head;
        if (head) {
            PREFETCH(head);
            PREFETCH((const char *)head + 64);
        }
    }
}

/* One more occurrence of words[i]; hashv is its hash. */
static lk_status add_one(lk_vocab *v, const char *w, size_t len, unsigned hashv, int32_t *id)
{
    if (!w || len == 0) return LK_ERR_ARG;
    if (len > UINT_MAX || v->total == INT64_MAX) return LK_ERR_RANGE;
    entry *e = find_entry(v, w, len, hashv);
    if (e) {
        e->count++;
        move_to_front(e);
    } else {
        lk_status st = insert_entry(v, w, len, hashv, 1, &e);
        if (st != LK_OK) return st;
    }
    v->total++;
    *id = e->id;
    return LK_OK;
}

lk_status lk_vocab_add_batch(lk_vocab *v, const char *const *words, const size_t *lens, size_t n,
                             int32_t *ids_out, size_t *n_done)
{
    enum { RING = 4 * BATCH_AHEAD }; /* hashes of the words in flight (> 2 * AHEAD) */
    unsigned hashes[RING];
    size_t done = 0;
    lk_status st = LK_OK;
    if (!v || (n && (!words || !lens))) st = LK_ERR_ARG;
    for (size_t i = 0; st == LK_OK && i < n + 2 * BATCH_AHEAD; i++) {
        if (i < n) {
            hashes[i % RING] = words[i] ? vocab_hash(words[i], lens[i]) : 0;
            prefetch_bucket(v, hashes[i % RING]);
        }
        if (i >= BATCH_AHEAD && i - BATCH_AHEAD < n)
            prefetch_head(v, hashes[(i - BATCH_AHEAD) % RING]);
        if (i >= 2 * BATCH_AHEAD) {
            size_t k = i - 2 * BATCH_AHEAD;
            int32_t id;
            st = add_one(v, words[k], lens[k], hashes[k % RING], &id);
            if (st != LK_OK) break;
            if (ids_out) ids_out[k] = id;
            done++;
        }
    }
    if (n_done) *n_done = done;
    return st;
}

lk_status lk_vocab_reserve_specials(lk_vocab *v)
{
    if (!v || v->n != 0) return LK_ERR_ARG;
    lk_status st = lk_vocab_add_count(v, LK_VOCAB_PAD, strlen(LK_VOCAB_PAD), 0, NULL);
    if (st == LK_OK) st = lk_vocab_add_count(v, LK_VOCAB_UNK, strlen(LK_VOCAB_UNK), 0, NULL);
    if (st != LK_OK) return st; /* an OOM after <pad> leaves it as a plain word */
    v->n_reserved = 2;
    return LK_OK;
}

int32_t lk_vocab_n_reserved(const lk_vocab *v)
{
    return v ? v->n_reserved : 0;
}

int32_t lk_vocab_find(const lk_vocab *v, const char *w, size_t len)
{
    if (!v || (!w && len) || len > UINT_MAX) return LK_ID_NONE;
    entry *e = find_entry(v, w, len, vocab_hash(w, len));
    return e ? e->id : LK_ID_NONE;
}

int32_t lk_vocab_find_or_unk(const lk_vocab *v, const char *w, size_t len)
{
    int32_t id = lk_vocab_find(v, w, len);
    if (id == LK_ID_NONE && v && v->n_reserved >= 2) id = 1;
    return id;
}

const char *lk_vocab_word(const lk_vocab *v, int32_t id)
{
    if (!v || id < 0 || (size_t)id >= v->n) return NULL;
    return v->by_id[id]->word;
}

size_t lk_vocab_word_len(const lk_vocab *v, int32_t id)
{
    if (!v || id < 0 || (size_t)id >= v->n) return 0;
    return v->by_id[id]->hh.keylen;
}

int64_t lk_vocab_count(const lk_vocab *v, int32_t id)
{
    if (!v || id < 0 || (size_t)id >= v->n) return 0;
    return v->by_id[id]->count;
}

int32_t lk_vocab_size(const lk_vocab *v)
{
    return v ? (int32_t)v->n : 0;
}

int64_t lk_vocab_total(const lk_vocab *v)
{
    return v ? v->total : 0;
}

/* ---- sort and prune ------------------------------------------------------------------ */

/* What the sort compares, kept together so that most comparisons touch no entry. */
typedef struct {
    int64_t count;
    uint64_t prefix; /* first 8 bytes of the word, big-endian, zero-padded */
    entry *e;
} sort_rec;

/* a before b: count descending, then bytes ascending (a proper prefix sorts first). */
static inline bool rec_before(const sort_rec *a, const sort_rec *b)
{
    if (a->count != b->count) return a->count > b->count;
    if (a->prefix != b->prefix) return a->prefix < b->prefix;
    unsigned la = a->e->hh.keylen, lb = b->e->hh.keylen;
    int c = memcmp(a->e->word, b->e->word, la < lb ? la : lb);
    return c != 0 ? c < 0 : la < lb;
}

#define SORT_RUN 16 /* insertion-sorted runs before merging */

/* Sort recs[0..n) with rec_before (bottom-up merge sort: qsort's indirect compare calls
   cost more than the comparisons themselves). tmp has room for n records. */
static void sort_recs(sort_rec *recs, sort_rec *tmp, size_t n)
{
    for (size_t lo = 0; lo < n; lo += SORT_RUN) {
        size_t hi = lo + SORT_RUN < n ? lo + SORT_RUN : n;
        for (size_t i = lo + 1; i < hi; i++) {
            sort_rec x = recs[i];
            size_t j = i;
            for (; j > lo && rec_before(&x, &recs[j - 1]); j--) recs[j] = recs[j - 1];
            recs[j] = x;
        }
    }
    sort_rec *src = recs, *dst = tmp;
    for (size_t width = SORT_RUN; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) dst[k++] = rec_before(&src[j], &src[i]) ? src[j++] : src[i++];
            while (i < mid) dst[k++] = src[i++];
            while (j < hi) dst[k++] = src[j++];
        }
        sort_rec *t = src;
        src = dst;
        dst = t;
    }
    if (src != recs) memcpy(recs, src, n * sizeof *recs);
}

/* The non-reserved entries with count >= min_count, sorted; *recs is freed by the caller. */
static lk_status sorted_records(const lk_vocab *v, int64_t min_count, sort_rec **recs,
                                size_t *n_recs)
{
    size_t r = (size_t)v->n_reserved, n = 0;
    sort_rec *out = NULL;
    if (v->n > r) { /* records, then as many for the merge */
        size_t bytes;
        if (lk_mul_size(v->n - r, 2 * sizeof *out, &bytes) != LK_OK) return LK_ERR_RANGE;
        out = malloc(bytes);
        if (!out) return LK_ERR_NOMEM;
    }
    for (size_t i = r; i < v->n; i++) {
        entry *e = v->by_id[i];
        if (e->count < min_count) continue;
        uint64_t prefix = 0;
        for (unsigned k = 0; k < 8; k++)
            prefix = (prefix << 8) | (k < e->hh.keylen ? (unsigned char)e->word[k] : 0u);
        out[n++] = (sort_rec){e->count, prefix, e};
    }
    if (n > 1) sort_recs(out, out + (v->n - r), n);
    *recs = out;
    *n_recs = n;
    return LK_OK;
}

lk_status lk_vocab_sort(lk_vocab *v)
{
    return lk_vocab_prune(v, 0, 0);
}

lk_status lk_vocab_prune(lk_vocab *v, int64_t min_count, int32_t max_size)
{
    if (!v || min_count < 0 || max_size < 0) return LK_ERR_ARG;
    sort_rec *recs;
    size_t keep, r = (size_t)v->n_reserved;
    lk_status st = sorted_records(v, min_count, &recs, &keep);
    if (st != LK_OK) return st; /* nothing changed yet */
    if (max_size > 0 && keep > (size_t)max_size) keep = (size_t)max_size;
    for (size_t i = r; i < v->n; i++) v->by_id[i]->id = LK_ID_NONE;
    for (size_t i = 0; i < keep; i++) recs[i].e->id = (int32_t)(r + i);
    for (size_t i = r; i < v->n; i++) {
        entry *e = v->by_id[i];
        if (e->id != LK_ID_NONE) continue;
        v->total -= e->count;
        HASH_DELETE(hh, v->table, e);
    }
    for (size_t i = 0; i < keep; i++) v->by_id[r + i] = recs[i].e;
    v->n = r + keep;
    free(recs);
    return LK_OK;
}

/* ---- TSV -------------------------------------------------------------------------------- */

/* "\t<count>\n" into buf (room for 22 bytes); returns its length. */
static size_t format_count(char *buf, int64_t count)
{
    char digits[20];
    size_t n = 0, len = 0;
    uint64_t c = (uint64_t)count; /* counts are >= 0 */
    do {
        digits[n++] = (char)('0' + c % 10);
        c /= 10;
    } while (c);
    buf[len++] = '\t';
    while (n) buf[len++] = digits[--n];
    buf[len++] = '\n';
    return len;
}

static lk_status write_tsv(FILE *fp, void *ctx, lk_error *err)
{
    const lk_vocab *v = ctx;
    char buf[24];
    for (size_t i = 0; i < v->n; i++) {
        const entry *e = v->by_id[i];
        size_t n = format_count(buf, e->count);
        if (fwrite(e->word, 1, e->hh.keylen, fp) != e->hh.keylen || fwrite(buf, 1, n, fp) != n)
            return lk_error_set(err, LK_ERR_IO, "write error: %s", strerror(errno));
    }
    return LK_OK;
}

lk_status lk_vocab_save_tsv(const lk_vocab *v, const char *path, lk_error *err)
{
    if (!v || !path) return lk_error_set(err, LK_ERR_ARG, "lk_vocab_save_tsv: NULL argument");
    for (size_t i = 0; i < v->n; i++) {
        const entry *e = v->by_id[i];
        if (memchr(e->word, '\t', e->hh.keylen) || memchr(e->word, '\n', e->hh.keylen))
            return lk_error_set(err, LK_ERR_ARG,
                                "%s: word %zu contains a TAB or newline; cannot save as TSV",
                                path, i);
    }
    lk_status st = lk_write_atomic(path, write_tsv, (void *)v, err);
    if (st == LK_ERR_IO && err && strncmp(err->msg, path, strlen(path)) != 0)
        lk_error_prefix(err, "%s: ", path);
    return st;
}

/* Parse a count: decimal digits only, no sign, fits int64. */
static bool parse_count(const char *s, size_t len, int64_t *out)
{
    if (len == 0) return false;
    int64_t c = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        int d = s[i] - '0';
        if (c > (INT64_MAX - d) / 10) return false;
        c = c * 10 + d;
    }
    *out = c;
    return true;
}

#define MSG_WORD_MAX 40 /* bytes of a word quoted in error messages */

/* Add one TSV line (line number `lineno`) to v. */
static lk_status load_line(lk_vocab *v, const char *line, size_t len, const char *path,
                           int64_t lineno, lk_error *err)
{
    const char *tab = memchr(line, '\t', len);
    if (!tab)
        return lk_error_at(err, path, lineno, lk_utf8_column(line, len),
                           "expected 2 tab-separated columns (word, count), got 1");
    size_t wlen = (size_t)(tab - line);
    const char *cnt = tab + 1;
    size_t clen = len - wlen - 1;
    const char *tab2 = memchr(cnt, '\t', clen);
    if (tab2)
        return lk_error_at(err, path, lineno, lk_utf8_column(line, (size_t)(tab2 - line)),
                           "expected 2 tab-separated columns (word, count), got more");
    if (wlen == 0) return lk_error_at(err, path, lineno, 1, "empty word");
    int64_t count;
    if (!parse_count(cnt, clen, &count))
        return lk_error_at(err, path, lineno, lk_utf8_column(line, wlen + 1),
                           "bad count '%.*s' (expected an integer in [0, %" PRId64 "])",
                           (int)(clen < MSG_WORD_MAX ? clen : MSG_WORD_MAX), cnt, INT64_MAX);
    if (count > INT64_MAX - v->total)
        return lk_error_at(err, path, lineno, lk_utf8_column(line, wlen + 1),
                           "total count overflows");
    unsigned hashv = vocab_hash(line, wlen);
    entry *e = find_entry(v, line, wlen, hashv);
    if (e)
        return lk_error_at(err, path, lineno, 1,
                           "duplicate word '%.*s' (first on line %" PRId64 ")",
                           (int)(wlen < MSG_WORD_MAX ? wlen : MSG_WORD_MAX), line,
                           (int64_t)e->id + 1);
    lk_status st = insert_entry(v, line, wlen, hashv, count, &e);
    if (st != LK_OK) return lk_error_set(err, st, "%s:%" PRId64 ": %s", path, lineno,
                                         lk_status_str(st));
    v->total += count;
    return LK_OK;
}

static bool is_word(const lk_vocab *v, size_t id, const char *w)
{
    return id < v->n && v->by_id[id]->hh.keylen == strlen(w) &&
           memcmp(v->by_id[id]->word, w, strlen(w)) == 0;
}

lk_status lk_vocab_load_tsv(const char *path, lk_vocab **out, lk_error *err)
{
    if (!out) return lk_error_set(err, LK_ERR_ARG, "lk_vocab_load_tsv: NULL argument");
    *out = NULL;
    lk_vocab *v = NULL;
    lk_line_reader *r = NULL;
    lk_status st = lk_line_reader_open(path, &r, err);
    if (st != LK_OK) goto done;
    st = lk_vocab_create(&v);
    if (st != LK_OK) {
        lk_error_set(err, st, "%s: %s", lk_line_reader_path(r), lk_status_str(st));
        goto done;
    }
    for (;;) {
        const char *line;
        size_t len;
        bool got;
        st = lk_line_reader_next(r, &line, &len, &got, err);
        if (st != LK_OK || !got) break;
        st = load_line(v, line, len, lk_line_reader_path(r), lk_line_reader_lineno(r), err);
        if (st != LK_OK) break;
    }
    if (st == LK_OK && is_word(v, 0, LK_VOCAB_PAD) && is_word(v, 1, LK_VOCAB_UNK))
        v->n_reserved = 2;
done:
    lk_line_reader_free(r);
    if (st != LK_OK) {
        lk_vocab_free(v);
        return st;
    }
    *out = v;
    return LK_OK;
}
