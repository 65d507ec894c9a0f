/* bm25_index.h: the on-disk BM25 index (an index directory: index.lkbx, an LKBX file, plus
   after --add/--delete more segment files and a manifest, see bm25_segments.h): dictionary,
   block postings, document lengths and ids, analyzer settings and collection statistics;
   building (sorted runs merged on disk, atomic directory replacement) and top-k search with
   MaxScore pruning. An open index is read-only and may be shared by threads; each thread
   searches with its own lk_bm25_ws. */
#ifndef LK_FEATURES_BM25_INDEX_H
#define LK_FEATURES_BM25_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "features/bm25.h"
#include "text/error.h"

#define LK_BM25_INDEX_MAGIC "LKBX"
#define LK_BM25_INDEX_VERSION 4u /* v4 = v3 + term positions (written with positions);
                                     v3 = v2 + stored fields (written when fields are stored
                                     and no positions); v2 (nothing stored); all still read */
#define LK_BM25_INDEX_FILE "index.lkbx"

typedef struct lk_bm25_index lk_bm25_index;

/* An analyzed term: bytes (not NUL-terminated). */
typedef struct {
    const char *s;
    size_t len;
} lk_term;

/* ---- building ----------------------------------------------------------------------- */

typedef struct {
    size_t mem_limit;      /* bytes of postings buffered before a sorted run is spilled
                              (default 256 MiB; minimum 4 KiB) */
    const char *settings;  /* analyzer settings stored in the index (copied); may be NULL */
    size_t settings_len;
    lk_log_fn log;         /* progress/info messages; NULL = silent */
    void *log_user;
    int threads;           /* 2: the final sort and encoding use a second thread (default 1);
                              the index file is the same either way */
    const char *store;     /* stored fields: NULL or "none" (default: nothing stored, the v2
                              file layout), "all" or field names "title,text,..." (records
                              given to lk_bm25_builder_add_stored). A builder keeping the
                              documents of an index uses that index's spec instead. */
    bool positions;        /* store term positions (phrase and field: queries without the
                              stored text; the v4 file layout). A builder keeping the
                              documents of an index follows that index instead. */
} lk_bm25_build_config;

lk_bm25_build_config lk_bm25_build_config_default(void);

typedef struct lk_bm25_builder lk_bm25_builder;

/* Start building the index directory `dir`: work happens in a temporary directory beside
   it ("DIR.tmp-PID"); `dir` itself is untouched until lk_bm25_builder_finish. An existing
   `dir` that is not a lexkit index is refused (LK_ERR_IO) so user data is never replaced. */
lk_status lk_bm25_builder_create(const char *dir, const lk_bm25_build_config *cfg,
                                 lk_bm25_builder **out, lk_error *err);

/* As lk_bm25_builder_create, keeping the live documents of `base` (the open index of `dir`,
   one file or segmented; it must stay open until finish/free): they come first (segment by
   segment), with their ids, lengths and postings, and documents added after them are
   appended, so the result equals a build from all the documents in that order (a full
   rewrite; lexkit index --add writes a new segment instead). cfg->settings should be base's
   (lk_bm25_index_settings). */
lk_status lk_bm25_builder_create_add(const char *dir, const lk_bm25_index *base,
                                     const lk_bm25_build_config *cfg, lk_bm25_builder **out,
                                     lk_error *err);

/* Mark document `doc` (a doc number of the base index) as deleted (before adding
   documents): it is left out of the new index, whose statistics (N, df, avgdl) then
   exclude it. */
lk_status lk_bm25_builder_delete(lk_bm25_builder *b, uint32_t doc);

/* Add one document: its id (unique; a duplicate gives LK_ERR_PARSE naming both lines when
   `line` > 0, where `path` is used in the message) and its analyzed terms in order (the
   document length is n_terms). */
lk_status lk_bm25_builder_add(lk_bm25_builder *b, const char *id, size_t id_len,
                              const lk_term *terms, size_t n_terms, const char *path,
                              int64_t line, lk_error *err);

/* lk_bm25_builder_add with the document's stored record (lk_bm25_store_encode; ignored
   when the builder stores nothing). */
lk_status lk_bm25_builder_add_stored(lk_bm25_builder *b, const char *id, size_t id_len,
                                     const lk_term *terms, size_t n_terms, const void *rec,
                                     size_t rec_len, const char *path, int64_t line,
                                     lk_error *err);

/* lk_bm25_builder_add_stored with positions (used when the builder stores them): keep[i]
   false for a term that takes no position of its own (a Han bigram overlapping the term
   before it, as lk_analyzer_spans shows; keep NULL: every term does), n_title: how many of
   terms[] come from the title (positions never run from the title into the text; with a
   title weight w, each of them counts w times in tf and in the document length). */
lk_status lk_bm25_builder_add_doc(lk_bm25_builder *b, const char *id, size_t id_len,
                                  const lk_term *terms, size_t n_terms,
                                  const unsigned char *keep, size_t n_title, const void *rec,
                                  size_t rec_len, const char *path, int64_t line,
                                  lk_error *err);

/* Title field weight w >= 1 (lk_analyzer_title_weight) of the documents added from now on
   (default 1). */
void lk_bm25_builder_set_title_weight(lk_bm25_builder *b, uint32_t w);

/* Whether the builder stores positions. */
bool lk_bm25_builder_positions(const lk_bm25_builder *b);

/* Merge, write index.lkbx (fsync'd) and switch `dir` to the new index atomically: at any
   crash point `dir` is the old index, the new one, or absent; never a partial index.
   Frees b in all cases. */
lk_status lk_bm25_builder_finish(lk_bm25_builder *b, lk_error *err);

/* The temporary directory the new index is assembled in: files written there (e.g. the
   analyzer's model) are installed with the index by lk_bm25_builder_finish. */
const char *lk_bm25_builder_dir(const lk_bm25_builder *b);

/* Abandon the build and remove the temporary directory. NULL is a no-op. */
void lk_bm25_builder_free(lk_bm25_builder *b);

/* Number of sorted runs spilled to disk so far (for tests of the larger-than-RAM path). */
size_t lk_bm25_builder_n_runs(const lk_bm25_builder *b);

/* ---- opening -------------------------------------------------------------------------- */

/* Open the index in directory `path` (DIR/index.lkbx, or every segment listed in
   DIR/segments.lkbm), or `path` itself if it is an LKBX file, read-only via mmap. Checks
   magic, version, checksum and every section bound: corrupt, truncated or non-index inputs
   give LK_ERR_FORMAT / LK_ERR_IO with a message naming the file. */
lk_status lk_bm25_index_open(const char *path, lk_bm25_index **out, lk_error *err);

/* Open an index image in memory; borrows buf (it must outlive the index). */
lk_status lk_bm25_index_open_mem(const void *buf, size_t n, lk_bm25_index **out, lk_error *err);

void lk_bm25_index_free(lk_bm25_index *idx); /* NULL is a no-op; unmaps the file */

/* Collection statistics, over the live (not deleted) documents: N, distinct terms (for a
   segmented index computed on each call, a pass over the dictionaries), mean document
   length. */
uint32_t lk_bm25_index_n_docs(const lk_bm25_index *idx);
uint64_t lk_bm25_index_n_terms(const lk_bm25_index *idx);
double lk_bm25_index_avgdl(const lk_bm25_index *idx);
/* Document numbers: a one-file index numbers its documents 0..n_docs-1; a segmented index
   numbers the documents of its segments one after the other (segment i's document j is
   the sum of the earlier segments' document counts + j, deleted documents included), so
   numbers are < lk_bm25_index_doc_end and some are deleted (never returned by searches).
   They are stable while the index is open, not across changes: use ids outside. */
uint32_t lk_bm25_index_doc_end(const lk_bm25_index *idx);
bool lk_bm25_index_doc_live(const lk_bm25_index *idx, uint32_t doc);
size_t lk_bm25_index_n_segments(const lk_bm25_index *idx);
/* Id of document `doc` (borrowed, not NUL-terminated), length in *len. */
const char *lk_bm25_index_doc_id(const lk_bm25_index *idx, uint32_t doc, size_t *len);
uint32_t lk_bm25_index_doc_len(const lk_bm25_index *idx, uint32_t doc);
/* Analyzer settings stored at build time (borrowed). */
const char *lk_bm25_index_settings(const lk_bm25_index *idx, size_t *len);
/* Directory of the index file (borrowed; it may hold the analyzer's model), or NULL for an
   index opened with lk_bm25_index_open_mem. */
const char *lk_bm25_index_dir(const lk_bm25_index *idx);
/* Whether the index stores term positions (every segment: built with positions). */
bool lk_bm25_index_has_positions(const lk_bm25_index *idx);
/* Document frequency of a term among the live documents (0 if absent). */
uint32_t lk_bm25_index_df(const lk_bm25_index *idx, const char *term, size_t len);

/* ---- searching ------------------------------------------------------------------------ */

typedef struct {
    lk_bm25_params params;
    size_t k;        /* results wanted (default 10) */
    bool exhaustive; /* score every posting (reference path) instead of MaxScore */
    /* A filter (NULL: none): only documents for which accept(accept_user, doc) is true are
       returned, doc as in lk_bm25_hit. It is asked only about a document whose score would
       enter the current top k, at most once per search, so an expensive check (a phrase)
       runs on few documents; the top k of the accepted documents is exact. */
    bool (*accept)(void *user, uint32_t doc);
    void *accept_user;
} lk_bm25_search_opts;

lk_bm25_search_opts lk_bm25_search_opts_default(void);

typedef struct {
    uint32_t doc; /* internal doc number; id via lk_bm25_index_doc_id */
    double score;
} lk_bm25_hit;

/* Per-thread search scratch for one index. */
typedef struct lk_bm25_ws lk_bm25_ws;
lk_status lk_bm25_ws_create(const lk_bm25_index *idx, lk_bm25_ws **out);
void lk_bm25_ws_free(lk_bm25_ws *ws); /* NULL is a no-op */

/* Top-k documents for the analyzed query terms (a repeated term counts each time): score
   descending, ties by document id ascending bytewise; only documents matching at least one
   term. *hits (n_hits entries) is borrowed from ws until its next search. Terms absent from
   the index are ignored; no terms gives no hits. LK_ERR_FORMAT if a postings list is corrupt. */
lk_status lk_bm25_search_terms(const lk_bm25_index *idx, lk_bm25_ws *ws, const lk_term *terms,
                               size_t n_terms, const lk_bm25_search_opts *opts,
                               const lk_bm25_hit **hits, size_t *n_hits, lk_error *err);

/* A prefix* query term (bytes as the index holds terms): every indexed term starting with
   s[0..len), and the term alt[0..alt_len) itself when alt_len > 0 (the stem of a whole word
   typed with a '*': rebase* is rebase... and rebas; alt must not start with s). */
typedef struct {
    const char *s;
    size_t len;
    const char *alt;
    size_t alt_len;
} lk_bm25_prefix;

/* lk_bm25_search_terms with prefix terms: each of prefixes[0..n_prefixes) is one more query
   term, the synonym of every indexed term it matches
   (as Xapian's OP_SYNONYM): its tf in a document is the sum of those terms' tfs, its df the
   number of live documents holding at least one of them, and it is weighted (the idf of
   that df), length-normalized and bounded as any term. A prefix given twice counts twice,
   as a repeated term does. A prefix's lists are summed per segment (a counter per document,
   then encoded as the index's lists are): the cost is a walk over all its terms' postings. */
lk_status lk_bm25_search_prefixed(const lk_bm25_index *idx, lk_bm25_ws *ws, const lk_term *terms,
                                  size_t n_terms, const lk_bm25_prefix *prefixes,
                                  size_t n_prefixes,
                                  const lk_bm25_search_opts *opts, const lk_bm25_hit **hits,
                                  size_t *n_hits, lk_error *err);

#endif
