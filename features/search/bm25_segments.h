/* bm25_segments.h: segmented BM25 index directories. index.lkbx is the first segment; added
   documents go to extra segment files (seg-NNNNNN.lkbx, the same LKBX format) and a manifest
   (segments.lkbm) lists the segments with their deleted documents (tombstones) and the df
   corrections those deletions imply, so searches score over the live collection exactly.
   No manifest = one segment. Used through lk_bm25_index_open (reading: bm25_index.c makes
   the segments one list) and lk_bm25_index_build (writing); these are the module's
   internals. */
#ifndef LK_FEATURES_BM25_SEGMENTS_H
#define LK_FEATURES_BM25_SEGMENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "features/search/bm25_index.h"
#include "text/error.h"

#define LK_BM25_MANIFEST_FILE "segments.lkbm"
#define LK_BM25_MANIFEST_MAGIC "LKBM"
#define LK_BM25_MANIFEST_VERSION 1u
#define LK_BM25_LOCK_FILE "write.lock"
#define LK_BM25_SEG_PREFIX "seg-"
#define LK_BM25_DEFAULT_MAX_SEGMENTS 8u

/* ---- reading -------------------------------------------------------------------------- */

/* True if directory `dir` holds a manifest. */
bool lk_bm25__segs_present(const char *dir);

/* ---- writing -------------------------------------------------------------------------- */

/* Exclusive writer lock on dir/write.lock (non-blocking): LK_ERR_IO "DIR: another lexkit
   process is updating this index" if held. *fd is -1 when dir holds no index (nothing to
   lock). lk_bm25__unlock(-1) is a no-op. */
lk_status lk_bm25__lock(const char *dir, int *fd, lk_error *err);
void lk_bm25__unlock(int fd);

typedef struct lk_bm25__update lk_bm25__update;

/* Start a change of the open index `idx` of directory `dir` (the caller holds the lock):
   the current segment list, to which deletions and a new segment are applied, then
   committed at once. Borrows idx until lk_bm25__update_free. */
lk_status lk_bm25__update_begin(const char *dir, const lk_bm25_index *idx, lk_bm25__update **out,
                                lk_error *err);
void lk_bm25__update_free(lk_bm25__update *u); /* NULL is a no-op */

/* Tombstone the documents docs[0..n) (global doc numbers of idx, ascending, live) and
   compute the df corrections of their terms (a read of their segments' postings). */
lk_status lk_bm25__update_delete(lk_bm25__update *u, const uint32_t *docs, size_t n,
                                 lk_error *err);

/* Name (in dir) for the next new segment file; borrowed until the next call. */
const char *lk_bm25__update_next_name(lk_bm25__update *u);

/* Append the segment file just written as lk_bm25__update_next_name() (n_docs documents). */
lk_status lk_bm25__update_add_segment(lk_bm25__update *u, uint32_t n_docs, lk_error *err);

/* Write the manifest atomically (the change becomes visible at once), then remove
   segment files no longer listed and temp files of killed runs. */
lk_status lk_bm25__update_commit(lk_bm25__update *u, lk_error *err);

/* After an --add: merge the newest segments so that at most max_segments remain and segment
   sizes (live documents) decrease geometrically (a segment is merged with the ones after it
   once they hold as many live documents as it does). Merging the first segment rewrites the
   whole index (lk_bm25__merge_all). cfg: the build settings (mem limit, log). */
lk_status lk_bm25__apply_policy(const char *dir, size_t max_segments,
                                const lk_bm25_build_config *cfg, lk_error *err);

/* Rewrite every segment of `dir` into one index.lkbx without the deleted documents,
   switching the directory atomically (as a full build); other files of dir (not the index,
   its segments, manifest or lock: e.g. an analyzer model) are copied along. No-op for an
   index without a manifest. The caller holds the lock. */
lk_status lk_bm25__merge_all(const char *dir, const lk_bm25_build_config *cfg, lk_error *err);

#endif
