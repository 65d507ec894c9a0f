/* search.h: an on-disk BM25 index (a directory): create, add documents, delete by id,
   top-k search. Writes (add, delete) need exclusive use of the handle; searches may run
   from several threads at once (lexkit_index_search serializes on an internal lock; for
   parallel queries use lexkit_index_search_many or one lexkit_searcher per thread). */
#ifndef LEXKIT_SEARCH_H
#define LEXKIT_SEARCH_H

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { LEXKIT_LANG_AUTO = 0, LEXKIT_LANG_EN, LEXKIT_LANG_ZH } lexkit_lang;

/* The analyzer chain of an index (docs/search.md): ENGLISH (the default, as `lexkit index`)
   is Lucene's EnglishAnalyzer (hyphens split, Latin accents folded, possessive 's dropped,
   Lucene's stop list, Snowball stemming); PLAIN lowercases (lower) and stems only if `stem`. */
typedef enum { LEXKIT_ANALYZER_ENGLISH = 0, LEXKIT_ANALYZER_PLAIN = 1 } lexkit_search_analyzer;

/* Traditional Han text mapped to simplified (OpenCC t2s, character by character) in
   documents and queries, so 長江大橋 finds 长江大桥 (`lexkit index --zh-script`). DEFAULT is
   the CLI's default: AUTO for the ENGLISH analyzer or with a zh_model, SIMPLIFIED (no
   mapping) for PLAIN. AUTO: without a zh_model every Han character is mapped; with one, each
   text is detected. SIMPLIFIED: nothing is mapped. TRADITIONAL: always mapped. */
typedef enum {
    LEXKIT_ZH_SCRIPT_DEFAULT = 0,
    LEXKIT_ZH_SCRIPT_AUTO,
    LEXKIT_ZH_SCRIPT_SIMPLIFIED,
    LEXKIT_ZH_SCRIPT_TRADITIONAL
} lexkit_zh_script;

typedef struct {
    lexkit_lang lang;     /* LEXKIT_LANG_AUTO: Han text as character unigrams + bigrams */
    int lower;            /* 1 */
    int stem;             /* 0; 1 = Snowball English stemming (PLAIN; ENGLISH always stems) */
    const char *zh_model; /* a Chinese tagger model segmenting Han text, or NULL */
    lexkit_search_analyzer analyzer; /* LEXKIT_ANALYZER_ENGLISH */
    int title_weight;     /* 1 (0 = 1): a title word counts this many times (BM25F), 1..100 */
    lexkit_zh_script zh_script; /* LEXKIT_ZH_SCRIPT_DEFAULT (as `lexkit index`) */
} lexkit_index_config;

/* One result: the document's id (borrowed from the index, valid until it is modified or
   freed; not NUL-terminated), its BM25 score and its number in the index (for
   lexkit_searcher_fields; valid as long as the id). */
typedef struct {
    const char *id;
    size_t id_len;
    double score;
    uint32_t doc;
} lexkit_hit;

/* A stored field of a document: name and value are UTF-8, not NUL-terminated; `number` is
   1 when the value was a JSON number (its text as written, e.g. "1987" or "2.5"). */
typedef struct {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
    int number;
} lexkit_field;

/* The best passage of a hit's stored text for the query (lexkit_searcher_snippet): text and
   highlights are borrowed from the searcher until its next call; offsets count code points
   (start: of the passage in the whole text; highlights: pairs [a, b) in the passage). */
typedef struct {
    const char *text;         /* the passage, UTF-8, not NUL-terminated */
    size_t len;               /* its bytes */
    size_t start;             /* code points of the text before the passage */
    const size_t *highlights; /* 2 * n_highlights offsets: the query's words in the passage */
    size_t n_highlights;
    int cut_start;            /* 1 if text (not only white space) was left out before the
                                 passage: where an ellipsis goes */
    int cut_end;              /* 1 if text was left out after it */
} lexkit_snippet;

typedef struct lexkit_index lexkit_index;
typedef struct lexkit_searcher lexkit_searcher;

LK_API lexkit_index_config lexkit_index_config_default(void);
/* A handle on a new index in directory `dir` (created by the first lexkit_index_add; an
   existing lexkit index there is replaced then, and any other non-empty directory or a file
   makes that add fail, LEXKIT_ERR_IO: check with lexkit_index_open first to keep an index).
   Until the first add the index has no documents: searches find nothing. A zh_model is
   loaded here: a missing or bad model file fails now ("zh_model: PATH: ..."). */
LK_API lexkit_status lexkit_index_create(const char *dir, const lexkit_index_config *c,
                                         lexkit_index **out, lexkit_error *err);
/* 1 if directory `dir` holds a lexkit index, i.e. one lexkit_index_add on a created index
   (and `lexkit index`) would replace: dir/index.lkbx starting with "LKBX" or
   dir/segments.lkbm starting with "LKBM" (the index itself is not checked further); 0 for
   an absent or unreadable path, a file, an empty directory or any other (NULL: 0). */
LK_API int lexkit_index_exists(const char *dir);
/* Open the index in `dir`; a directory that is not an index is LEXKIT_ERR_IO/FORMAT. */
LK_API lexkit_status lexkit_index_open(const char *dir, lexkit_index **out, lexkit_error *err);
/* Close; NULL is a no-op. No searcher of idx may be in use. */
LK_API void lexkit_index_free(lexkit_index *idx);
/* Add n documents (ids unique, UTF-8 texts) as one atomic change: all or none. A duplicate
   id (in the batch or the index) is LEXKIT_ERR_PARSE naming it. Invalidates hit ids. */
LK_API lexkit_status lexkit_index_add(lexkit_index *idx, const char *const *ids,
                                      const size_t *id_lens, const char *const *texts,
                                      const size_t *text_lens, size_t n, lexkit_error *err);
/* lexkit_index_add with a title per document (titles NULL, or titles[i] NULL: none): the
   title is analyzed before the text, as `lexkit index` does with JSON "title", and weighs
   title_weight times (lexkit_index_config). */
LK_API lexkit_status lexkit_index_add_titled(lexkit_index *idx, const char *const *ids,
                                             const size_t *id_lens, const char *const *titles,
                                             const size_t *title_lens, const char *const *texts,
                                             const size_t *text_lens, size_t n,
                                             lexkit_error *err);
/* Add n documents given as JSON objects, one per document, as `lexkit index --add` reads a
   JSON Lines file: "id" (a string or number) and "text" required, "title" optional, and
   every other member whose value is a string or number is stored with the document (other
   values are skipped). No newline inside an object. Atomic like lexkit_index_add; a
   malformed object is LEXKIT_ERR_PARSE, "documents:I:C: ..." with I its 1-based position
   in the batch and C the column. */
LK_API lexkit_status lexkit_index_add_json(lexkit_index *idx, const char *const *docs,
                                           const size_t *lens, size_t n, lexkit_error *err);
/* An add given in batches, for more documents than should be held in memory at once: each
   lexkit_index_adder_json checks its batch and appends it to a temporary file beside the
   index (DIR.addXXXXXX), and lexkit_index_adder_commit adds every staged document as one
   atomic change, exactly as one lexkit_index_add_json of them all would (one new segment).
   Freeing an adder that was not committed discards its documents: the index is untouched.
   The adder borrows idx (it must outlive the adder); only the commit changes idx (it needs
   the exclusive use any add needs), so searches may run while batches are staged. */
typedef struct lexkit_index_adder lexkit_index_adder;
LK_API lexkit_status lexkit_index_adder_create(lexkit_index *idx, lexkit_index_adder **out,
                                               lexkit_error *err);
/* Discard what was staged and not committed (removing the temporary file); NULL: no-op. */
LK_API void lexkit_index_adder_free(lexkit_index_adder *a);
/* Check and stage n more documents, JSON objects as lexkit_index_add_json takes them. A
   malformed object is LEXKIT_ERR_PARSE "documents:I:C: ..." with I its 1-based position
   among all the documents of this adder, and nothing of the batch is staged (the earlier
   batches stay). A failed write (LEXKIT_ERR_IO) makes every later call fail. */
LK_API lexkit_status lexkit_index_adder_json(lexkit_index_adder *a, const char *const *docs,
                                             const size_t *lens, size_t n, lexkit_error *err);
/* Add the staged documents, all or none (none staged: a no-op). Errors found by the index
   build (a duplicate id, in the batches or the index) are LEXKIT_ERR_PARSE "documents:I: ..."
   with I counted as in lexkit_index_adder_json. Invalidates hit ids. Either way the adder
   is spent (later calls: LEXKIT_ERR_STATE); free it. */
LK_API lexkit_status lexkit_index_adder_commit(lexkit_index_adder *a, lexkit_error *err);
/* Delete the documents with these ids, atomically: all or none. An id that is not in the
   index is LEXKIT_ERR_PARSE "ids[I]: document id \"ID\" is not in the index" (I its 0-based
   position; as `lexkit index --delete-id`), and nothing is deleted. n = 0 is a no-op. */
LK_API lexkit_status lexkit_index_delete(lexkit_index *idx, const char *const *ids,
                                         const size_t *id_lens, size_t n, lexkit_error *err);
/* Live documents (0 for a created index before its first add). */
LK_API uint32_t lexkit_index_n_docs(const lexkit_index *idx);
/* Top-k documents for `query` (analyzed as the documents were) into hits[0..k), best
   first, ties by id; *n_hits <= k. Thread-safe (serialized). The query syntax is
   `lexkit search`'s (docs/search.md): +required, -excluded, "phrases", title:/text: fields,
   prefix*; a query without operators is ranked exactly as plain words. A malformed query
   is LEXKIT_ERR_PARSE with a message naming its column ("column 7: unbalanced quote"), and
   so is a query the index cannot answer (a field it does not have). A created index before
   its first add finds nothing (*n_hits = 0; a malformed query is still an error). */
LK_API lexkit_status lexkit_index_search(lexkit_index *idx, const char *query, size_t len,
                                         size_t k, lexkit_hit *hits, size_t *n_hits,
                                         lexkit_error *err);
/* Whether searches read the query syntax (on = 1, the default) or take every character as
   text, as `lexkit search --syntax off` (for raw text such as a pasted URL or "rock - paper",
   which the syntax refuses). Applies to lexkit_index_search, lexkit_index_search_many and
   searchers created afterwards; not while searches of idx run. */
LK_API void lexkit_index_set_syntax(lexkit_index *idx, int on);
/* The BM25 formula and parameters of searches, as `lexkit search --variant --k1 --b --delta`
   (docs/search.md): variant "lucene" (NULL: the default), "robertson", "atire", "bm25l",
   "bm25plus" (or "bm25+") or "xapian"; k1 >= 0 (default 1.2); b in [0, 1] (0.75); delta,
   used by bm25l and bm25plus, >= 0, or < 0 for the variant's default (0.5, 1.0). Applies to
   lexkit_index_search, lexkit_index_search_many and searchers created afterwards (and
   stays across adds and deletes); not while searches of idx run. An unknown name or a
   value out of range (NaN, infinity) is LEXKIT_ERR_ARG naming it and what is valid, and
   leaves the settings as they were. */
LK_API lexkit_status lexkit_index_set_bm25(lexkit_index *idx, const char *variant, double k1,
                                           double b, double delta, lexkit_error *err);
/* n queries on `threads` threads (>= 1): query q's hits are hits[q*k .. q*k + n_hits[q]).
   Results do not depend on the thread count; neither does the error: the first query that
   fails (its message starts "query Q: "). */
LK_API lexkit_status lexkit_index_search_many(const lexkit_index *idx,
                                              const char *const *queries, const size_t *lens,
                                              size_t n, size_t k, int threads,
                                              lexkit_hit *hits, size_t *n_hits,
                                              lexkit_error *err);
/* Per-thread search state over idx (which must outlive it and not be modified meanwhile). */
LK_API lexkit_status lexkit_searcher_create(const lexkit_index *idx, lexkit_searcher **out,
                                            lexkit_error *err);
LK_API void lexkit_searcher_free(lexkit_searcher *s); /* NULL is a no-op */
/* As lexkit_index_search, without a lock: one thread per searcher. */
LK_API lexkit_status lexkit_searcher_search(lexkit_searcher *s, const char *query, size_t len,
                                            size_t k, lexkit_hit *hits, size_t *n_hits,
                                            lexkit_error *err);
/* As lexkit_index_set_syntax, for this searcher only. */
LK_API void lexkit_searcher_set_syntax(lexkit_searcher *s, int on);
/* As lexkit_index_set_bm25, for this searcher only. */
LK_API lexkit_status lexkit_searcher_set_bm25(lexkit_searcher *s, const char *variant, double k1,
                                              double b, double delta, lexkit_error *err);
/* The best passage (at most max_chars code points; 0 = 160) of document `doc`'s stored
   text for this searcher's last query, with the query's words marked, as `lexkit search
   --snippet` shows it. A document without stored text gives len 0. */
LK_API lexkit_status lexkit_searcher_snippet(lexkit_searcher *s, uint32_t doc, size_t max_chars,
                                             lexkit_snippet *out, lexkit_error *err);
/* The stored fields of document `doc` (lexkit_hit.doc) in stored order: title, text, then
   the other members of the added document (an index stores every field by default; none
   when nothing is stored). *fields is borrowed from s until its next call. A doc number
   out of range is LEXKIT_ERR_RANGE; a corrupt store LEXKIT_ERR_FORMAT naming the file. */
LK_API lexkit_status lexkit_searcher_fields(lexkit_searcher *s, uint32_t doc,
                                            const lexkit_field **fields, size_t *n_fields,
                                            lexkit_error *err);

#ifdef __cplusplus
}
#endif
#endif
