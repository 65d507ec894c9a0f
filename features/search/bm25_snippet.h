/* bm25_snippet.h: the best-matching passage of a stored text for a query (search
   --snippet): the text is analyzed as the index analyzes documents, each term equal to a
   query term is a match, and the window of at most max_chars code points holding the most
   distinct query terms (then the most pairs of them side by side, as in a phrase: 'solar
   wind' over 'wind ... solar'; then the most matches, then the earliest) is chosen. Cuts fall on
   code-point boundaries, at white space when one is near (English), never inside a
   character (Chinese), never inside a matched word (one longer than max_chars is shown
   whole) and never inside an extended grapheme cluster (a letter and its combining marks,
   an emoji ZWJ sequence, a flag: lk_utf8_grapheme_boundary), nor are the marks' edges.
   A text longer than 1 MB is analyzed in pieces as the index build analyzes it, only the
   matches kept: a snippet takes about the text plus its matches in memory. */
#ifndef LK_FEATURES_BM25_SNIPPET_H
#define LK_FEATURES_BM25_SNIPPET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "features/search/analyzer.h"
#include "features/search/bm25_index.h"
#include "text/error.h"

#define LK_SNIPPET_DEFAULT_CHARS 160u

typedef struct {
    size_t start, end; /* byte offsets in the text */
} lk_span;

typedef struct {
    size_t start, end;    /* the passage: text[start..end) */
    bool cut_before;      /* text (not only white space) was left out before / after the
                             passage: where an ellipsis goes */
    bool cut_after;
    const lk_span *marks; /* the matched spans inside the passage, ascending, disjoint
                             (overlapping matches merged); borrowed from the snippeter */
    size_t n_marks;
    size_t start_cp;         /* the passage's start in code points of the text */
    const lk_span *marks_cp; /* the marks in code points from the passage's start (the
                                offsets JSON, Python and the C API give); borrowed */
    size_t n_terms;       /* distinct query terms matched in the passage */
} lk_snippet;

typedef struct lk_snippeter lk_snippeter;

/* A snippeter for queries of one index (its own analyzer, spans on; one per thread). */
lk_status lk_snippeter_create(const lk_bm25_index *idx, lk_snippeter **out, lk_error *err);
void lk_snippeter_free(lk_snippeter *s); /* NULL is a no-op */

/* Set the query: its analyzed terms (copied). */
lk_status lk_snippeter_query(lk_snippeter *s, const lk_term *terms, size_t n);

/* The best passage of text[0..len) (valid UTF-8) of at most max_chars code points (more
   only to show a longer matched word whole). With no match, the text's beginning.
   LK_ERR_PARSE on invalid UTF-8. */
lk_status lk_snippeter_run(lk_snippeter *s, const char *text, size_t len, size_t max_chars,
                           lk_snippet *out, lk_error *err);

/* Analyze a text longer than `bytes` in pieces of about that many (cut as the index build
   cuts one: lk_bm25_index_config.piece_bytes), the passage being the same; 0 =
   LK_BM25_PIECE_BYTES, the default. For tests. */
void lk_snippeter__set_piece(lk_snippeter *s, size_t bytes);

#endif
