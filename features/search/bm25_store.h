/* bm25_store.h: stored document fields of a BM25 index: each document's title, text and
   other JSON string/number members (as selected by the index's store spec), one zstd frame
   per document with a dictionary trained on the first documents, inside the index file
   (LKBX v3, covered by its CRC); read back for display (search --fields, snippets). */
#ifndef LK_FEATURES_BM25_STORE_H
#define LK_FEATURES_BM25_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "features/search/bm25_index.h"
#include "features/search/postings.h"
#include "text/corpus.h"
#include "text/error.h"

#define LK_BM25_STORE_LEVEL 3               /* zstd compression level */
#define LK_BM25_STORE_TRAIN ((size_t)2 << 20) /* records buffered to train the dictionary */
#define LK_BM25_STORE_DICT 65536u           /* dictionary size limit */
#define LK_BM25_STORE_MAX_SPEC 4096u

/* Check a store spec: "all", "none" or comma-separated field names (title, text or any
   other JSON member; no empty names, no spaces). NULL when valid, else a message. */
const char *lk_bm25_store_spec_check(const char *spec);

/* True if `spec` ("all" or a list; not "none") selects field `name`. */
bool lk_bm25_store_spec_wants(const char *spec, size_t spec_len, const char *name, size_t len);

/* Append the stored record of document d (the fields `spec` selects: title, text, then the
   other members in input order; an empty title is not stored) to out. */
lk_status lk_bm25_store_encode(const lk_doc *d, const char *spec, size_t spec_len,
                               lk_bytes *out);

/* Store spec of an index (borrowed), or NULL when it stores nothing (built with --store
   none, or before stored fields existed). For a segmented index: its first segment's. */
const char *lk_bm25_index_store_spec(const lk_bm25_index *idx, size_t *len);

/* Per-thread scratch for reading stored documents (decompression context, block cache). */
typedef struct lk_bm25_store_ws lk_bm25_store_ws;
lk_status lk_bm25_store_ws_create(lk_bm25_store_ws **out);
void lk_bm25_store_ws_free(lk_bm25_store_ws *ws); /* NULL is a no-op */

/* The stored fields of document `doc` (a doc number of idx), in stored order; names and
   values are NOT NUL-terminated and are borrowed from ws until its next call. A document of
   an index without a store has 0 fields. Corrupt blocks give LK_ERR_FORMAT naming the file. */
lk_status lk_bm25_doc_fields(const lk_bm25_index *idx, lk_bm25_store_ws *ws, uint32_t doc,
                             const lk_doc_field **fields, size_t *n_fields, lk_error *err);

#endif
