/* bm25_text.h: BM25 over text: build an index from a document collection (JSON Lines or
   plain text) with the analyzer, using a reader/analyzer thread and an inverter thread,
   and search with query text analyzed as the documents were. */
#ifndef LK_FEATURES_BM25_TEXT_H
#define LK_FEATURES_BM25_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "features/search/analyzer.h"
#include "features/search/bm25_index.h"
#include "text/corpus.h"
#include "text/error.h"

#define LK_BM25_PIECE_BYTES ((size_t)1 << 20)

typedef struct {
    lk_analyzer_config analyzer;
    lk_bm25_build_config build; /* build.settings is filled in from the analyzer */
    lk_docs_format format;      /* default JSONL; LK_DOCS_DIR: docs_path is a directory,
                                   one document per file */
    const char *id_prefix;      /* prefix of generated ids (text, dir formats); NULL = none */
    int threads;                /* 1: one thread; 2 (default): analysis and inversion overlap */
    bool add;                   /* append to the existing index in index_dir (its analyzer
                                   settings are used; `analyzer` is ignored) */
    const char *delete_path;    /* ids (one per line) to delete from the existing index
                                   (implies add); NULL = none */
    const char *const *delete_ids; /* ids to delete, given directly (n_delete_ids of them;
                                      implies add): an id not in the index is an error */
    size_t n_delete_ids;
    bool upsert;                /* with add: an added id already in the index replaces that
                                   document (deleted in the same commit) instead of being an
                                   error */
    bool merge;                 /* rewrite the index's segments into one (after the rest) */
    size_t max_segments;        /* --add merges segments beyond this many (default 8) */
    const char *docs_name;      /* name of the documents in messages ("name:line:col: ...");
                                   NULL = docs_path (a server passes "body" for a request body
                                   it spooled to a temporary file) */
    size_t piece_bytes;         /* a document text longer than this is analyzed and indexed
                                   in pieces of about this many bytes (cut at white space
                                   between ASCII letters or digits), with the same terms;
                                   0 = LK_BM25_PIECE_BYTES */
    const char *delete_name;    /* name of the ids of delete_path in messages: an id not in
                                   the index is "name[I]: ..." with I its 0-based line (the
                                   C API passes "ids" for the array it spooled); NULL =
                                   "delete_path:line: ..." */
} lk_bm25_index_config;

lk_bm25_index_config lk_bm25_index_config_default(void);

typedef struct {
    uint64_t n_docs;
    uint64_t bytes;         /* input bytes read */
    double analyze_seconds; /* busy time of the reading/analysis side */
    double invert_seconds;  /* busy time of the inversion side */
    double total_seconds;   /* whole build including merge and write */
    lk_docs_skipped skipped; /* LK_DOCS_DIR: files not indexed, by cause; files indexed
                                empty */
} lk_bm25_build_stats;

/* Index the documents of `docs_path` ("-" = stdin) into directory `index_dir` (replaced
   atomically; see lk_bm25_builder_finish). With cfg->add / cfg->delete_path the index is
   changed in place instead: the documents listed in delete_path are tombstoned and those of
   docs_path written as a new segment, both committed by one atomic manifest write, then
   segments are merged per the policy (bm25_segments.h); a crash leaves the old or the new
   index. cfg->merge rewrites all segments into one (docs_path NULL: only that). docs_path
   may be NULL when only deleting or merging. Each document's title and text are indexed
   together. Bad input (malformed JSON, missing id/text, invalid UTF-8, duplicate ids, an id
   already in the index) gives LK_ERR_PARSE "path:line:col: ..." and leaves any previous
   index untouched. Writers take DIR/write.lock: a concurrent writer gets LK_ERR_IO.
   stats may be NULL. */
lk_status lk_bm25_index_build(const char *docs_path, const char *index_dir,
                              const lk_bm25_index_config *cfg, lk_bm25_build_stats *stats,
                              lk_error *err);

/* Whether directory `dir` holds a lexkit index, as lk_bm25_index_build decides what it
   may replace: DIR/index.lkbx starting with LKBX or DIR/segments.lkbm starting with LKBM
   (nothing else is read). False when dir is absent or unreadable. */
bool lk_bm25_dir_holds_index(const char *dir);

/* Analyzer for queries of idx, from the settings stored in it (one per thread); a Chinese
   model the settings name is loaded from the index's directory and checked by CRC-32 by
   the first analyzer of idx, and shared read-only by the others (an analyzer may outlive
   idx). */
lk_status lk_bm25_index_analyzer(const lk_bm25_index *idx, lk_analyzer **out, lk_error *err);

/* Analyze `query` with `an` and search (see lk_bm25_search_terms). */
lk_status lk_bm25_search_text(const lk_bm25_index *idx, lk_bm25_ws *ws, lk_analyzer *an,
                              const char *query, size_t len, const lk_bm25_search_opts *opts,
                              const lk_bm25_hit **hits, size_t *n_hits, lk_error *err);

typedef enum {
    LK_BM25_FMT_TREC = 0, /* qid Q0 docid rank score lexkit */
    LK_BM25_FMT_TSV,      /* qid<TAB>rank<TAB>docid<TAB>score */
    LK_BM25_FMT_JSON,     /* {"qid": ..., "hits": [{"id": ..., "score": ...}, ...]} per line */
    LK_BM25_FMT_TEXT,     /* for people: rank, score, id, title, snippet (lk_bm25_output) */
} lk_bm25_format;

bool lk_bm25_format_parse(const char *name, lk_bm25_format *out);

typedef struct {
    size_t n_queries;
    double seconds;     /* wall time spent analyzing and searching (output excluded) */
    double cpu_seconds; /* process CPU time of the same */
} lk_bm25_run_stats;

/* What to print per hit beyond id and score. */
typedef struct {
    lk_bm25_format fmt;
    const char *fields;        /* comma-separated stored fields to print, NULL = none (text
                                  format: the title); not with trec */
    bool snippet;              /* the best passage of snippet_field, query terms marked (text
                                  format: on when the index stores that field) */
    const char *snippet_field; /* default "text" */
    size_t snippet_chars;      /* passage length in code points (LK_SNIPPET_DEFAULT_CHARS) */
    bool ansi;                 /* text format: mark with ANSI bold, not [ ] */
    bool syntax;               /* queries use the syntax of bm25_query.h (+, -, "...",
                                  field:); off: every word is a plain term (default) */
} lk_bm25_output;

lk_bm25_output lk_bm25_output_default(void); /* trec, nothing more */

/* NULL if `out` is usable, else the reason (fields or snippets with the trec format). */
const char *lk_bm25_output_check(const lk_bm25_output *out);

/* Check a --fields / fields= list: comma-separated field names, none empty, none with
   spaces, none twice (`lexkit search` and `lexkit serve` answer the same). NULL when valid,
   else a message. */
const char *lk_bm25_fields_check(const char *fields);

/* lk_bm25_run_queries with an output description: stored fields and snippets (an index
   without a store prints none: JSON null, empty TSV columns). */
lk_status lk_bm25_run_queries_out(const lk_bm25_index *idx, const lk_bm25_search_opts *opts,
                                  const char *query, const char *queries_path,
                                  const lk_bm25_output *out, FILE *fp, lk_bm25_run_stats *stats,
                                  lk_error *err);

/* Run one query (`query`, qid "q") or every `qid<TAB>text` line of `queries_path` and
   write the results to fp, scores as %.9g. Empty queries (or only stop words) give no
   result lines. A line without a TAB or with invalid UTF-8 is LK_ERR_PARSE
   "path:line:col: ...". stats may be NULL. */
lk_status lk_bm25_run_queries(const lk_bm25_index *idx, const lk_bm25_search_opts *opts,
                              const char *query, const char *queries_path, lk_bm25_format fmt,
                              FILE *fp, lk_bm25_run_stats *stats, lk_error *err);

#endif
