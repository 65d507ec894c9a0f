/* bm25_build_internal.h: the index builder's state, shared by bm25_build.c (documents in,
   directory switch) and bm25_runs.c (sorted runs, merge, the final file). */
#ifndef LK_FEATURES_BM25_BUILD_INTERNAL_H
#define LK_FEATURES_BM25_BUILD_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "features/search/bm25_index.h"
#include "features/search/bm25_positions_internal.h"
#include "features/search/bm25_store_internal.h"
#include "features/features_internal.h"
#include "text/vocab.h"

#define DEFAULT_MEM_LIMIT ((size_t)256 << 20)
#define MIN_MEM_LIMIT ((size_t)4 << 10)
#define MAX_FANIN 64u
#define COPY_CHUNK ((size_t)1 << 20)

typedef struct {
    uint32_t term, doc, tf;
} triple;

/* Direct-mapped cache in front of the term table for short terms: frequent words (most
   tokens) are resolved without a table probe. */
#define TCACHE_BITS 13
#define TCACHE_SLOTS ((size_t)1 << TCACHE_BITS)
#define TCACHE_MAXLEN 22
typedef struct {
    uint32_t hash;
    uint32_t id;
    uint8_t len;
    char s[TCACHE_MAXLEN + 1];
} tcache_slot;

/* The hash of a term for the cache and the term table (any hash works for the table as long
   as every lookup uses the same one). */
static inline uint32_t lk_bm25__term_hash(const char *s, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 0x100000001B3ull;
    h ^= h >> 29;
    return (uint32_t)h;
}

struct lk_bm25_builder {
    const lk_bm25__seg **bases; /* segments whose documents are kept,
                                    in this order (borrowed); n_bases may be 0 */
    uint32_t **base_maps;      /* per base: its doc -> new doc, or LK_DOC_END when deleted */
    uint32_t *base_start;      /* per base: its first doc number in the base index */
    size_t n_bases;
    uint32_t n_base_kept;
    bool base_kept;            /* base documents copied in (no more deletions) */
    char *dir, *tmpdir;
    lk_bm25_build_config cfg;
    char *settings;
    lk_termtab terms;        /* term -> id (ids in first-seen order) */
    lk_vocab *ids;           /* document id -> line of first use (as its count) */
    triple *tr;
    size_t n_tr, tr_cap, tr_limit;
    uint32_t *doclens;
    size_t doclens_cap;
    uint64_t *idoffs;        /* n_docs + 1 offsets into the ids file */
    size_t idoffs_cap;
    uint32_t n_docs;
    uint64_t total_len;
    uint32_t title_weight;   /* >= 1: a title term counts this many times (BM25F) */
    FILE *ids_fp;
    tcache_slot *tcache;     /* TCACHE_SLOTS */
    uint32_t *hashes;        /* scratch, per term of the document being added: */
    uint32_t *tids;
    size_t *miss_at;         /* the terms not in the cache */
    uint32_t *agg;           /* per-document tf table: index of the term's triple from
                                doc_tr0, + 1 (0 = empty); agg_used slots in use */
    size_t agg_cap, agg_used;
    size_t doc_tr0;          /* the document's first triple */
    /* a document added in parts (lk_bm25__builder_add_part) while part_on: */
    bool part_on;
    uint64_t part_terms, part_title; /* its terms and title terms so far */
    uint32_t *part_tids;     /* with positions: its kept terms' ids so far */
    size_t part_n_tids, part_tids_cap, part_title_tids;
    size_t words_cap;
    int *runs;               /* run file numbers, oldest documents first */
    size_t n_runs, runs_cap, n_spilled;
    int run_seq;
    lk_bm25__store_writer store; /* stored fields (off unless the config or base asks) */
    lk_bm25__pos_writer pos;     /* positions (off unless the config or the bases have them) */
    uint32_t *base_kept_end;     /* per base: new doc numbers of its kept documents end here */
};

/* Log through the build config's callback (printf-style). */
void lk_bm25__log(const lk_bm25_builder *b, int level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* A builder keeping the documents of the segments bases[0..n) (borrowed) except those
   marked in deleted[i] (bitmaps, NULL = none), as lk_bm25_builder_create_add. */
lk_status lk_bm25__builder_create_bases(const char *dir, const lk_bm25__seg *const *bases,
                                        const uint64_t *const *deleted, size_t n,
                                        const lk_bm25_build_config *cfg, lk_bm25_builder **out,
                                        lk_error *err);

/* Line (as given to lk_bm25_builder_add) of the added document with this id, or -1. */
int64_t lk_bm25__builder_id_line(const lk_bm25_builder *b, const char *id, size_t len);

/* Write the index into the temporary directory, fsync it and rename it to `dest` (a new
   segment file in the index directory), fsync that directory; *n_docs: its documents.
   Frees b in all cases. */
lk_status lk_bm25__builder_finish_segment(lk_bm25_builder *b, const char *dest, uint32_t *n_docs,
                                          lk_error *err);

/* Add one part of a document: as lk_bm25_builder_add_doc, the document being the
   concatenation of the parts from one with `first` to the one with `last` (the title terms,
   n_title, all in the first part; id, rec, path and line are those of the first part). The
   index is the same as from one lk_bm25_builder_add_doc call with all the terms, but the
   builder holds only the document's distinct terms (and with positions its kept term ids)
   between the parts. No other document may be added between them. */
lk_status lk_bm25__builder_add_part(lk_bm25_builder *b, const char *id, size_t id_len,
                                    const lk_term *terms, size_t n_terms,
                                    const unsigned char *keep, size_t n_title, const void *rec,
                                    size_t rec_len, bool first, bool last, const char *path,
                                    int64_t line, lk_error *err);

/* Sort the buffered triples into a run file; b->n_tr is 0 afterwards. */
lk_status lk_bm25__spill(lk_bm25_builder *b, lk_error *err);

/* Merge the runs (or the in-memory triples) and write the index file `path` (fsync'd);
   run files and the postings temp file are removed. */
lk_status lk_bm25__write_index(lk_bm25_builder *b, const char *path, lk_error *err);

#endif
