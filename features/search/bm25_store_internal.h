/* bm25_store_internal.h: the stored-fields section of an LKBX v3 payload, shared by the
   reader (bm25_seg.c, bm25_store.c) and the writer (bm25_build.c, bm25_runs.c).
   Section layout (little-endian):
     u32 spec_len, spec bytes          the store spec ("all" or field names)
     u32 dict_len, dict bytes          a zstd dictionary trained on the first records
                                       (dict_len 0: none, e.g. for a few documents)
     (n_docs + 1) x u64                offsets of each document's frame in the blob
     blob                              one zstd frame per document (none for an empty record)
   A record: its fields as varint name length, name, u8 kind (0 string, 1 number), varint
   value length, value. One frame per document, with a shared dictionary, so that a search
   hit decompresses only its own few hundred bytes. */
#ifndef LK_FEATURES_BM25_STORE_INTERNAL_H
#define LK_FEATURES_BM25_STORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "features/search/bm25_store.h"
#include "features/search/postings.h"

#define STORE_MAX_RAW ((uint64_t)1 << 31) /* a record's size limit */

typedef struct {
    const unsigned char *spec;
    size_t spec_len;
    const unsigned char *dict;
    size_t dict_len;
    uint32_t n_docs;
    const unsigned char *offs; /* (n_docs + 1) x u64 */
    const unsigned char *blob;
    uint64_t blob_len;
    void *ddict;               /* ZSTD_DDict of dict, or NULL */
} lk_bm25__store;

/* Validate and map the section [p, p + len) of an index with n_docs documents (prepares the
   dictionary: free with lk_bm25__store_free). */
lk_status lk_bm25__store_parse(const unsigned char *p, uint64_t len, uint32_t n_docs,
                               lk_bm25__store *s, const char *path, lk_error *err);
void lk_bm25__store_free(lk_bm25__store *s);

typedef struct lk_bm25__seg lk_bm25__seg; /* bm25_seg_internal.h */

/* The raw record of document `doc` of segment x (borrowed from ws until its next
   call); LK_ERR_FORMAT on a corrupt block. x must have a store. */
lk_status lk_bm25__store_record(const lk_bm25__seg *x, lk_bm25_store_ws *ws, uint32_t doc,
                                const unsigned char **rec, size_t *len, lk_error *err);

/* Writing: records buffered until the dictionary is trained, then one frame each. */
typedef struct {
    bool on;
    char *spec;
    size_t spec_len;
    FILE *fp;          /* the blob (a temp file in the build directory) */
    char *path;
    lk_bytes pending;  /* varint-prefixed records waiting for the dictionary */
    size_t n_pending;
    bool trained;
    lk_bytes dict;
    lk_bytes offs;     /* u64 per document + 1 */
    uint32_t n_docs;
    uint64_t blob_len;
    void *cctx;        /* ZSTD_CCtx */
    void *cdict;       /* ZSTD_CDict, or NULL */
    lk_bytes cbuf;
    lk_bm25_store_ws *rws; /* reading records of base indexes */
} lk_bm25__store_writer;

/* Start a store with `spec` (copied; NULL or "none": off, every call a no-op) whose blob is
   written to tmpdir/store.tmp. */
lk_status lk_bm25__store_writer_init(lk_bm25__store_writer *w, const char *tmpdir,
                                     const char *spec, size_t spec_len, lk_error *err);
/* The next document's record (rec may be NULL with len 0: nothing stored). */
lk_status lk_bm25__store_writer_add(lk_bm25__store_writer *w, const void *rec, size_t len,
                                    lk_error *err);
/* The next document is document `doc` of segment x: its record copied (empty if x has no
   store). */
lk_status lk_bm25__store_writer_copy(lk_bm25__store_writer *w, const lk_bm25__seg *x,
                                     uint32_t doc, lk_error *err);
/* Compress what is pending; *head: the section before the blob (append the blob,
   w->blob_len bytes of w->fp, after it). */
lk_status lk_bm25__store_writer_finish(lk_bm25__store_writer *w, lk_bytes *head, lk_error *err);
void lk_bm25__store_writer_free(lk_bm25__store_writer *w); /* removes the temp file */

#endif
