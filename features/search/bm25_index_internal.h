/* bm25_index_internal.h: the LKBX v2/v3 payload layout shared by bm25_seg.c (reader) and
   bm25_build.c (writer). All values little-endian; offsets are relative to the payload.
   meta: u64 fields in the order of the META_* indexes below, then the sections:
     settings   settings_len bytes (analyzer settings, text)
     doclens    n_docs x u32
     idoffs     (n_docs + 1) x u64 offsets into idblob
     idblob     document ids, concatenated
     dict       n_terms x DICT_ENTRY: u64 term_off, u64 post_off, u32 df, u32 term_len
                (terms sorted bytewise; postings of term i end where term i+1's begin)
     termblob   term strings, concatenated
     postings   postings lists (postings.h)
     store      v3: stored fields (bm25_store_internal.h); v2 has neither the section nor
                its two meta fields (the v2 layout is written when nothing is stored)
     positions  v4: term positions (bm25_positions_internal.h), written with --positions
                (v4 = v3 + this section and its two meta fields; its store section may be
                empty: nothing stored) */
#ifndef LK_FEATURES_BM25_INDEX_INTERNAL_H
#define LK_FEATURES_BM25_INDEX_INTERNAL_H

enum {
    META_N_DOCS = 0,
    META_N_TERMS,
    META_TOTAL_LEN,
    META_SETTINGS_OFF,
    META_SETTINGS_LEN,
    META_DOCLENS_OFF,
    META_IDOFFS_OFF,
    META_IDBLOB_OFF,
    META_IDBLOB_LEN,
    META_DICT_OFF,
    META_TERMBLOB_OFF,
    META_TERMBLOB_LEN,
    META_POST_OFF,
    META_POST_LEN,
    META_STORE_OFF, /* v3 only: the stored-fields section (bm25_store_internal.h) */
    META_STORE_LEN,
    META_POS_OFF, /* v4 only: the positions section (bm25_positions_internal.h) */
    META_POS_LEN,
    META_N_FIELDS
};

#define META_N_FIELDS_V2 (META_STORE_OFF)
#define META_BYTES_V2 (META_N_FIELDS_V2 * 8u)
#define META_N_FIELDS_V3 (META_POS_OFF)
#define META_BYTES (META_N_FIELDS * 8u)
#define LK_BM25_INDEX_VERSION_PLAIN 2u /* written when nothing is stored: the v2 layout */
#define LK_BM25_INDEX_VERSION_STORE 3u /* stored fields, no positions: the v3 layout */
#define DICT_ENTRY 24u

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "features/search/bm25_index.h"

typedef struct lk_bm25__seg lk_bm25__seg; /* one LKBX file: bm25_seg_internal.h */

/* The segments of an open index, in document-number order (one for a one-file index):
   segment i (< n_segs), its first document number and deleted-document bitmap (NULL:
   none). */
size_t lk_bm25__index_n_segs(const lk_bm25_index *idx);
const lk_bm25__seg *lk_bm25__index_seg(const lk_bm25_index *idx, size_t i, uint32_t *doc_base,
                                       const uint64_t **deleted);

typedef struct lk_analyzer_shared lk_analyzer_shared; /* analyzer_internal.h */
/* What the analyzers made from idx share (lk_bm25_index_analyzer): owned by idx, usable
   from several threads although idx is const. */
lk_analyzer_shared *lk_bm25__index_analyzer_shared(const lk_bm25_index *idx);

#endif
