/* features_internal.h: private to features/: the n-gram term table shared by bow.c and
   ngram.c. Not installed.

   Why a private hash table rather than text/vocab.h: an n-gram of n units is keyed by the
   pair (id of its first n-1 units, id of its last unit), so word bigrams and character
   n-grams are found with one 64-bit integer probe each, without building and hashing the
   joined string; only a new n-gram's string is written (once, into the arena). Units
   (tokens or single characters) are keyed by their bytes. All ids share one dense space. */
#ifndef LK_FEATURES_INTERNAL_H
#define LK_FEATURES_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "features/sparse/bow.h"
#include "features/sparse/pool.h"
#include "text/error.h"
#include "text/util.h" /* lk_huge_alloc, lk_huge_grow */
#include "text/vocab.h"

#define LK_TERM_NONE UINT32_MAX

typedef struct {
    uint64_t off;  /* string = arena + off, len bytes */
    uint64_t head; /* its first 8 bytes, zero-padded (compared before the arena) */
    uint32_t len;
    uint32_t hash; /* 32-bit hash of a unit's string (unused for n-grams) */
} lk_term_str;

typedef struct {
    uint32_t stamp; /* last document (1-based) that counted this id */
    uint32_t pos;   /* index of the id in that document's entry list */
} lk_term_doc;

typedef struct {
    uint64_t key;
    uint64_t id; /* 64-bit to keep slots 16-byte aligned (one cache line access) */
} lk_pair_slot;

typedef struct {
    /* per id */
    lk_term_str *str;
    lk_term_doc *doc;
    int32_t *col;      /* fixed vocabulary: column of the term, or -1 for helper ids */
    size_t n, cap;
    /* unit table: open addressing, slots hold hash << 32 | (id + 1) (0 = empty) */
    uint64_t *uslots;
    size_t umask, un;
    /* pair table: key (prefix << 32 | last) and id in one slot, key UINT64_MAX = empty */
    lk_pair_slot *pslots;
    size_t pmask, pn;
    /* strings */
    char *arena;
    size_t arena_len, arena_cap;
    char sep;          /* separator written between the units of an n-gram (' ' or none) */
    bool has_sep;
} lk_termtab;

/* 64-bit hash of bytes (not cryptographic). */
uint64_t lk_hash_bytes(const void *s, size_t len);

lk_status lk_termtab_init(lk_termtab *t, bool has_sep, char sep);
void lk_termtab_free(lk_termtab *t);

/* Room for n_ids ids and arena_bytes of strings in single blocks (untouched pages cost no
   memory), so that the arrays are not copied as they grow. A hint: they still grow past. */
lk_status lk_termtab_reserve(lk_termtab *t, size_t n_ids, size_t arena_bytes);

/* Id of the unit s[0..len); inserted when absent and `insert`, else LK_TERM_NONE. */
lk_status lk_termtab_unit(lk_termtab *t, const char *s, size_t len, bool insert, uint32_t *id);

/* The same with the hash precomputed by lk_termtab_unit_hash, so that a batch of lookups can
   first prefetch their slots (lk_termtab_prefetch_slot), then their entries
   (lk_termtab_prefetch_entry, once the slot is in cache): the table is mostly cache misses. */
static inline uint32_t lk_termtab_unit_hash(const char *s, size_t len)
{
    return (uint32_t)lk_hash_bytes(s, len);
}
lk_status lk_termtab_unit_hashed(lk_termtab *t, const char *s, size_t len, uint32_t h, bool insert,
                                 uint32_t *id);
void lk_termtab_prefetch_slot(const lk_termtab *t, uint32_t h);
void lk_termtab_prefetch_entry(const lk_termtab *t, uint32_t h);

/* Id of the n-gram (prefix n-gram id, last unit id); inserted when absent and `insert`. */
lk_status lk_termtab_pair(lk_termtab *t, uint32_t prefix, uint32_t last, bool insert,
                          uint32_t *id);

/* Prefetch the slot of the pair (prefix, last) ahead of its lookup. */
void lk_termtab_prefetch_pair(const lk_termtab *t, uint32_t prefix, uint32_t last);

static inline const char *lk_termtab_str(const lk_termtab *t, uint32_t id, size_t *len)
{
    *len = t->str[id].len;
    return t->arena + t->str[id].off;
}


/* ---- analyzers (ngram.c) ------------------------------------------------------------ */

typedef struct {
    uint32_t *v;
    size_t n, cap;
} lk_idbuf;

typedef struct {
    int32_t *v;
    size_t n, cap;
} lk_cpbuf;

/* Append to `out` the ids of all n-grams of units[0..n) with nmin <= length <= nmax (word
   n-grams and sklearn's `char` analyzer). A unit LK_TERM_NONE, or an n-gram absent when
   !insert, ends the n-grams that would contain it. */
lk_status lk_ngram_all(lk_termtab *t, bool insert, int32_t nmin, int32_t nmax,
                       const uint32_t *units, size_t n, lk_idbuf *out);

/* Append the n-grams of one padded word (units[0] and units[n-1] are the ' ' pads) exactly
   as sklearn's _char_wb_ngrams loop emits them, including its short-word rule: a padded
   word not longer than nmax is emitted whole, once, even when shorter than nmin. */
lk_status lk_ngram_wb(lk_termtab *t, bool insert, int32_t nmin, int32_t nmax,
                      const uint32_t *units, size_t n, lk_idbuf *out);

/* Decode UTF-8 text into code points, lowercased as Python's str.lower when `lower`, with
   every run of 2+ whitespace characters replaced by one ' ' (sklearn's _white_spaces).
   Invalid UTF-8 is LK_ERR_PARSE "COL: invalid UTF-8 byte 0xXX". */
lk_status lk_text_codepoints(const char *text, size_t len, bool lower, lk_cpbuf *out,
                             lk_error *err);

/* ---- the vectorizer object (bow.c, bow_vocab.c) ---------------------------------------- */

#define ASCII_UNITS 128
#define PY_SPACE ' '

struct lk_bow {
    lk_bow_config cfg;
    lk_termtab tab;
    bool fixed;    /* transform mode: the vocabulary is given */
    bool finished;
    lk_tokenizer *tok;
    lk_vocab *stop;      /* stop words (word analyzer), or NULL */
    lk_token *kept;      /* scratch: the tokens of a document that are not stop words */
    size_t kept_cap;
    /* the count matrix being built: columns are term ids until lk_bow_finish */
    int64_t *indptr;
    size_t indptr_cap;
    int32_t *indices;
    double *data;
    size_t nnz, nnz_cap;
    int64_t n_docs;
    int64_t drained;     /* rows before this one were moved out by lk_bow_drain_into: the
                            matrix holds rows drained+1 .. n_docs (indptr[drained] == 0) */
    /* scratch */
    lk_idbuf grams;
    lk_idbuf units;
    lk_cpbuf cps;
    uint32_t ascii_unit[ASCII_UNITS]; /* LK_TERM_NONE until looked up */
    bool ascii_known[ASCII_UNITS];
    /* the final vocabulary (after finish, or given in transform mode) */
    int32_t n_terms;
    size_t terms_cap;   /* capacity of col_id, df (and fit_df in transform mode) */
    uint32_t *col_id;   /* column -> term id */
    int64_t *df;        /* column -> df in the documents seen */
    int64_t *fit_df;    /* column -> df of the fitting collection (transform mode), or NULL */
    int64_t fit_n_docs;
    uint32_t *pruned_id; /* after a fit's finish: the ids of the terms min_df, max_df and
                            max_features left out, in bytewise order (n_pruned of them) */
    size_t n_pruned;
    lk_pool *pool;      /* cfg.threads == 2: the job's worker pool (its steps on two threads:
                           lk_bow_finish, drains into this bow, and the caller's steps of the
                           same job), joined by lk_bow_free; else NULL */
};

/* Make room for n stored entries of the count matrix in one block (its untouched pages
   cost no memory), so that it need not be copied while it grows. */
lk_status lk_bow_reserve_nnz(lk_bow *b, size_t n);

/* Term ids of one lk_bow mapped into another's table (lk_bow_drain_into keeps it). */
typedef struct {
    uint32_t *id; /* b's id -> a's id, for b's ids [0, n) */
    size_t n, cap;
} lk_bow_idmap;

void lk_bow_idmap_free(lk_bow_idmap *m);

/* Move the rows that b counted since its last drain to the end of a (same config and mode;
   neither finished), mapping b's term ids into a's table (inserting them; *m caches the
   mapping across calls, zero it before the first). b goes on counting into an empty matrix;
   only a is finished. Used to split a fit over threads: a.finish equals a one-thread fit of
   a's documents followed by b's. */
lk_status lk_bow_drain_into(lk_bow *a, lk_bow *b, lk_bow_idmap *m);

/* lk_bow_drain_into for a b that counted its documents last first (b took them from the
   back of a batch): its rows are appended to a in the reverse of their order. */
lk_status lk_bow_drain_reversed_into(lk_bow *a, lk_bow *b, lk_bow_idmap *m);

/* numpy 1.24's default argsort (introsort, not stable) of v[0..n) into idx, so that
   max_features breaks ties in corpus frequency exactly as sklearn does. */
lk_status lk_argsort_numpy_i64(const int64_t *v, size_t n, int64_t *idx);

#endif
