/* bm25_query.h: the query syntax of `lexkit search`: `+term` (required), `-term` (excluded),
   `"a phrase"` (required, terms adjacent), `+"..."`/`-"..."`, `field:term` and
   `field:"a phrase"` (required in that stored field), `word*` (any indexed term starting
   with the word or, where the index stems, with its stem: it scores as one term, the
   synonym of all of them, as Xapian's
   OP_SYNONYM, see lk_bm25_search_prefixed; with + or - every one of them filters). Scores
   are plain BM25 over the terms of the required and optional clauses (a phrase's terms
   count as terms); the operators only filter: the search is lk_bm25_search_prefixed's top
   k with a filter (lk_bm25_search_opts.accept) asked only about documents that would enter
   the top k.
   Required/excluded terms are read from the postings; phrase and field clauses from the
   positions when the index has them (index --positions), else from the stored title and
   text (re-analysed), so they need one or the other. A query without operators is
   searched exactly as lk_bm25_search_text does. */
#ifndef LK_FEATURES_BM25_QUERY_H
#define LK_FEATURES_BM25_QUERY_H

#include <stdbool.h>
#include <stddef.h>

#include "features/search/analyzer.h"
#include "features/search/bm25_index.h"
#include "text/error.h"

typedef enum { LK_QUERY_SHOULD = 0, LK_QUERY_MUST, LK_QUERY_NOT } lk_query_occur;

#define LK_QUERY_PREFIX_MAX 100000u  /* terms a prefix* may match at most (else an error) */

typedef struct {
    lk_query_occur occur;
    bool phrase;            /* quoted */
    bool prefix;            /* word* (text without the *) */
    const char *field;      /* field:..., or NULL ("title" or "text" for those names in any
                               ASCII case: Title:) */
    size_t field_len;
    const char *text;       /* the clause's text (without quotes), borrowed from the query */
    size_t len;
    size_t col;             /* 1-based code-point column of the clause in the query */
} lk_query_clause;

/* False when query[0..len) holds none of the syntax's characters (+ - " : *): it is then
   plain words for lk_query_parse, and a caller may skip making an lk_query_ws for it. */
bool lk_query_maybe_ops(const char *query, size_t len);

/* Split query[0..len) into clauses (*clauses malloc'd, free() it). A malformed query is
   LK_ERR_PARSE with a message "column N: ..." (an unbalanced quote, a lone + or -, an
   empty phrase or field, a lone *, a prefix* in a field clause). *has_ops is false when no clause uses an operator. */
lk_status lk_query_parse(const char *query, size_t len, lk_query_clause **clauses, size_t *n,
                         bool *has_ops, lk_error *err);

/* What a query has to search for (lk_query_searchable). */
typedef enum {
    LK_QUERY_HAS_TERMS = 0, /* a term or prefix* to score */
    LK_QUERY_NO_TERMS,      /* none: empty, or stop words and punctuation only */
    LK_QUERY_ONLY_EXCLUDED  /* terms only in excluded clauses (-word), which filter what
                               other terms find: nothing to score */
} lk_query_searchable_kind;

/* What query[0..len) has to search for as its terms by `an` (the index's analyzer; its terms
   are replaced): with `syntax`, the clauses of lk_query_parse (a prefix* is a term, never
   a stop word; excluded clauses do not score), else the whole text as words. Such a query
   finds nothing: a caller may say why. A malformed query is lk_query_parse's LK_ERR_PARSE. */
lk_status lk_query_searchable(lk_analyzer *an, const char *query, size_t len, bool syntax,
                              lk_query_searchable_kind *out, lk_error *err);

typedef struct lk_query_ws lk_query_ws;

/* Scratch for queries with operators on idx (an analyzer with spans, a store reader). */
lk_status lk_query_ws_create(const lk_bm25_index *idx, lk_query_ws **out, lk_error *err);
void lk_query_ws_free(lk_query_ws *q); /* NULL is a no-op */

/* Move q to another index opened with the same analyzer settings (a new snapshot of the same
   directory): its analyzer, and a Chinese model or OpenCC converter it loaded, are kept; the
   scratch made for the old index is freed (do it while that index is still open) and, for
   a non-NULL idx, made for idx. After a failure q has no index until a successful call. */
lk_status lk_query_ws_set_index(lk_query_ws *q, const lk_bm25_index *idx);

/* Search a query with the syntax above: the top opts->k documents (score descending, ties
   by id) among those matching every required clause and no excluded one. Without
   operators this is lk_bm25_search_text. After the call `an` holds the scoring terms
   but for the prefix* ones: lk_query_ws_terms adds those (every term a prefix* matches,
   which the search itself does not list). *hits is
   borrowed from qw until its next search. A phrase or field clause on an index with neither
   positions nor the fields stored, or a field the index does not have, is LK_ERR_PARSE with
   a message saying so (as the parse errors of lk_query_parse); corrupt positions
   LK_ERR_FORMAT naming the file. */
lk_status lk_bm25_search_query(const lk_bm25_index *idx, lk_bm25_ws *ws, lk_analyzer *an,
                               lk_query_ws *qw, const char *query, size_t len,
                               const lk_bm25_search_opts *opts, const lk_bm25_hit **hits,
                               size_t *n_hits, lk_error *err);

/* Complete `an` (as left by qw's last lk_bm25_search_query on idx, which must be unchanged)
   to all the scoring terms, for snippets: each prefix*'s place gets every indexed term it
   matches, in byte order. Lists them on the first call after a search; a no-op when the
   query had no prefix* or after a search without operators. */
lk_status lk_query_ws_terms(const lk_bm25_index *idx, lk_query_ws *qw, lk_analyzer *an,
                            lk_error *err);

#endif
