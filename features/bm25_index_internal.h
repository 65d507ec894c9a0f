/* bm25_index_internal.h: the LKBX v2 payload layout shared by bm25_index.c (reader) and
   bm25_build.c (writer). All values little-endian; offsets are relative to the payload.
   meta: u64 fields in the order of the META_* indexes below, then the sections:
     settings   settings_len bytes (analyzer settings, text)
     doclens    n_docs x u32
     idoffs     (n_docs + 1) x u64 offsets into idblob
     idblob     document ids, concatenated
     dict       n_terms x DICT_ENTRY: u64 term_off, u64 post_off, u32 df, u32 term_len
                (terms sorted bytewise; postings of term i end where term i+1's begin)
     termblob   term strings, concatenated
     postings   postings lists (postings.h) */
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
    META_N_FIELDS
};

#define META_BYTES (META_N_FIELDS * 8u)
#define DICT_ENTRY 24u

#include <stddef.h>
#include <stdint.h>

#include "features/bm25_index.h"

/* Term t (< n_terms) of an open index: its bytes, postings bytes and df (borrowed). */
void lk_bm25__index_term(const lk_bm25_index *x, uint64_t t, const char **s, size_t *len,
                         const unsigned char **post, size_t *post_len, uint32_t *df);

#endif
