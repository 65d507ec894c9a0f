/* bm25_positions_internal.h: the positions section of an LKBX v4 payload (index --positions),
   shared by the reader (bm25_seg.c, bm25_query.c) and the writer (bm25_build.c,
   bm25_runs.c). Positions are kept per document, as the sequence of its terms (a forward
   index, like Lucene's term vectors), not inside the postings: the postings codec, the
   sorted runs and their merge stay as they are, so an index without positions is the same
   file as before and plain queries read the same bytes. A phrase or field clause is checked
   on a candidate document by decoding its sequence once (a few bytes per term).
   A position is a term of the document's analyzed stream (stop words removed) that does not
   overlap the one before (a Han bigram overlapping its first character is no position, as
   in the query's phrase): positions 0..n_title-1 are the title's, the rest the text's.
   Section layout (little-endian):
     n_terms x u32        code of each dictionary term: its rank by df (descending, ties in
                          dictionary order), so frequent terms take one varint byte
     (n_docs + 1) x u64   offsets of each document's sequence in the blob
     blob                 per document: varint n_title, then per position the varint code of
                          its term */
#ifndef LK_FEATURES_BM25_POSITIONS_INTERNAL_H
#define LK_FEATURES_BM25_POSITIONS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "features/search/bm25_index.h"
#include "features/search/bm25_index_internal.h"
#include "features/search/postings.h"
#include "text/fileio.h"

typedef struct {
    const unsigned char *code; /* n_terms x u32 */
    const unsigned char *offs; /* (n_docs + 1) x u64 */
    const unsigned char *blob;
    uint64_t blob_len, n_terms;
    uint32_t n_docs;
} lk_bm25__pos;

/* Validate and map the section [p, p + len) of an index with n_docs documents and n_terms
   terms (sizes, offsets ascending and in the blob, codes below n_terms). */
lk_status lk_bm25__pos_parse(const unsigned char *p, uint64_t len, uint32_t n_docs,
                             uint64_t n_terms, lk_bm25__pos *out, const char *path,
                             lk_error *err);

typedef struct lk_bm25__seg lk_bm25__seg; /* bm25_seg_internal.h */

/* Code of dictionary term t (< n_terms). */
static inline uint32_t lk_bm25__pos_code(const lk_bm25__pos *p, uint64_t t)
{
    return lk_get_u32(p->code + 4u * t);
}

/* Decode document doc's sequence into *seq (grown as needed, *cap its size): *n codes,
   the first *n_title of the title. False if its bytes are corrupt (a truncated varint, a
   code >= n_terms, n_title > n). */
bool lk_bm25__pos_doc(const lk_bm25__pos *p, uint32_t doc, uint32_t **seq, size_t *cap,
                      size_t *n, size_t *n_title);

/* Document doc's sequence as bytes, without decoding it: *seq (*len bytes, after the
   title count) holds the title's codes in its first *title_len bytes, then the text's.
   False if its bytes are corrupt (a truncated varint, fewer codes than the title count). */
bool lk_bm25__pos_doc_bytes(const lk_bm25__pos *p, uint32_t doc, const unsigned char **seq,
                            size_t *len, size_t *title_len);

/* Does the run of varint codes pat[0..n) occur at a code boundary of seq[0..len) (codes as
   stored: a byte below 0x80 ends a code, so a match must follow one)? */
bool lk_bm25__pos_find(const unsigned char *seq, size_t len, const unsigned char *pat, size_t n);

/* ---- writing ---------------------------------------------------------------------------- */

/* Sequences of the documents added, in a temp file (tmpdir/positions.tmp): per document a
   varint n_title, a varint n, then n varint values, builder term ids for added documents,
   dictionary indexes of their base for documents kept from a base index. */
typedef struct {
    bool on;
    FILE *fp;
    char *path;
    uint32_t n_docs;
    uint32_t *scratch;
    size_t scratch_cap;
    lk_bytes buf;
} lk_bm25__pos_writer;

/* Start (on false: every call a no-op). */
lk_status lk_bm25__pos_writer_init(lk_bm25__pos_writer *w, const char *tmpdir, bool on,
                                   lk_error *err);
void lk_bm25__pos_writer_free(lk_bm25__pos_writer *w); /* removes the temp file */

/* The next document: its terms' builder ids tids[0..n) (keep[i] false: no position; keep
   NULL: all are), the first n_title terms from the title. */
lk_status lk_bm25__pos_writer_add(lk_bm25__pos_writer *w, const uint32_t *tids,
                                  const unsigned char *keep, size_t n, size_t n_title,
                                  lk_error *err);

/* The next document is document `doc` of segment x (which has positions):
   code2term maps x's codes to its dictionary indexes. */
lk_status lk_bm25__pos_writer_copy(lk_bm25__pos_writer *w, const lk_bm25__seg *x, uint32_t doc,
                                   const uint32_t *code2term, lk_error *err);

/* The final section: the documents' values mapped to final dictionary indexes by
   value_term(user, doc, value) (LK_TERM_NONE: corrupt), then to codes (dictionary
   order + df of the n_terms final terms: dfs[]). *head receives the code table and the
   offsets; the blob (*blob_len bytes) is left in the file *blob_fp (read it from the start).
   Closes nothing: lk_bm25__pos_writer_free does. */
lk_status lk_bm25__pos_writer_finish(lk_bm25__pos_writer *w, const uint32_t *dfs,
                                     uint64_t n_terms,
                                     uint32_t (*value_term)(void *user, uint32_t doc,
                                                            uint32_t value),
                                     void *user, lk_bytes *head, FILE **blob_fp,
                                     uint64_t *blob_len, lk_error *err);

#endif
