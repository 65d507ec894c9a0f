/* bm25_segments_internal.h: the manifest of a segmented index, shared by bm25_segments.c
   (reading), bm25_segments_write.c (writing) and bm25_index.c (an open index's deletions
   and df corrections, per segment).
   segments.lkbm payload (little-endian, in the lexkit envelope LKBM v1): u32 next_seq,
   u32 n_segs, then per segment: u32 name_len, name, u64 file size, u32 file crc (its last
   4 bytes), u32 n_docs, u32 n_deleted, u32 n_corr, n_deleted x u32 deleted doc (ascending),
   n_corr x (u64 term index, u32 deleted docs containing it) (term index ascending). */
#ifndef LK_FEATURES_BM25_SEGMENTS_INTERNAL_H
#define LK_FEATURES_BM25_SEGMENTS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "features/search/bm25_segments.h"
#include "text/error.h"

#define LK_BM25_SEG_NAME_MAX 64u
#define LK_BM25_OPEN_ATTEMPTS 4 /* re-read the manifest / lock after a concurrent switch */

typedef struct {
    char *name;
    uint64_t size;
    uint32_t crc, n_docs, n_deleted, n_corr;
    uint32_t *deleted;   /* ascending local doc numbers */
    uint64_t *corr_term; /* ascending dictionary indexes */
    uint32_t *corr_n;    /* deleted documents containing the term */
} lk_bm25__seg_info;

typedef struct {
    uint32_t next_seq;
    lk_bm25__seg_info *segs;
    size_t n;
} lk_bm25__manifest;

void lk_bm25__seg_info_free(lk_bm25__seg_info *g); /* frees the arrays, zeroes g */
void lk_bm25__manifest_free(lk_bm25__manifest *m);
/* Append g (moved: g is zeroed). */
lk_status lk_bm25__manifest_push(lk_bm25__manifest *m, lk_bm25__seg_info *g);
/* Read and check segments.lkbm (envelope, every count and document number). */
lk_status lk_bm25__manifest_read(const char *path, lk_bm25__manifest *m, lk_error *err);
/* Size and trailing CRC (the LKBX CRC field) of a file. */
lk_status lk_bm25__file_size_crc(const char *path, uint64_t *size, uint32_t *crc, lk_error *err);

typedef struct lk_bm25__seg lk_bm25__seg; /* bm25_seg_internal.h */

/* Read dir's manifest into *m and open every segment it lists into (*segs)[0..m->n), each
   checked against its entry (size, CRC, documents, analyzer settings, df corrections);
   retried when a concurrent change removed a listed file. Errors name the file; on failure
   nothing is left allocated. */
lk_status lk_bm25__segs_open(const char *dir, lk_bm25__manifest *m, lk_bm25__seg ***segs,
                             lk_error *err);

/* The manifest an open index was opened from (borrowed), or NULL for one file. */
const lk_bm25__manifest *lk_bm25__index_manifest(const lk_bm25_index *idx);

#endif
