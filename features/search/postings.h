/* postings.h: the postings codec of the BM25 index. A term's list is a score-bound summary
   (the Pareto frontier of (tf, doc length) pairs: no other posting has a higher tf and a
   shorter document), a skip table (last doc id, end offset, max tf and min document
   length of each block of LK_POSTINGS_BLOCK postings) and the blocks, bit-packed (frame of
   reference): a byte wd, a byte wt, then each posting's doc id minus the block's base (the
   previous block's last doc + 1; 0 for the first block) in wd bits, then each tf - 1 in wt
   bits (LSB first). Doc ids in a block are sorted, so a cursor can binary-search a block
   without decoding it. Decoding is bounds-checked: corrupt bytes end the cursor with an error
   flag, never a crash. */
#ifndef LK_FEATURES_POSTINGS_H
#define LK_FEATURES_POSTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "text/error.h"

#define LK_POSTINGS_BLOCK 128u
#define LK_POSTINGS_SKIP_ENTRY 16u /* u32 last doc id, u32 end offset, u32 max tf, u32 min dl */
#define LK_POSTINGS_MAX_FRONTIER 16u
#define LK_DOC_END UINT32_MAX

/* A growable byte buffer. */
typedef struct {
    unsigned char *data;
    size_t len, cap;
} lk_bytes;

void lk_bytes_free(lk_bytes *b); /* frees data and zeroes b */
lk_status lk_bytes_reserve(lk_bytes *b, size_t extra);
lk_status lk_bytes_append(lk_bytes *b, const void *src, size_t n);

/* LEB128 varint: writes at most 10 bytes to p, returns the length. */
size_t lk_varint_put(unsigned char *p, uint64_t v);
/* Reads a varint from p[0..end); returns its length, or 0 if truncated or over 64 bits. */
size_t lk_varint_get(const unsigned char *p, const unsigned char *end, uint64_t *v);
/* The same from a stream (getc_unlocked: the caller owns fp); false at EOF or on a code
   over 64 bits. */
bool lk_varint_fget(FILE *fp, uint64_t *v);

/* Append the encoded list of n >= 1 postings (strictly increasing docs, tfs >= 1) to out.
   doclens[doc] gives each document's length (for the bound summary). */
lk_status lk_postings_encode(const uint32_t *docs, const uint32_t *tfs, size_t n,
                             const uint32_t *doclens, lk_bytes *out);

/* One (tf, doc length) pair of a term's bound summary. */
typedef struct {
    uint32_t tf, dl;
} lk_tf_dl;

/* Read a list's bound summary into pairs (room for LK_POSTINGS_MAX_FRONTIER); false if the
   bytes are malformed. */
bool lk_postings_frontier(const unsigned char *data, size_t len, lk_tf_dl *pairs, size_t *n);

/* Forward cursor over one list. Fields are private except doc, tf, and bad. The current
   block is either decoded into docs_/tfs_ (ndec_ = cnt_: sequential reading) or read in
   place (ndec_ = 0: lk_postings_advance binary-searches the packed doc offsets). */
typedef struct {
    uint32_t doc;      /* current doc id, LK_DOC_END when exhausted */
    uint32_t tf;       /* its term frequency */
    bool bad;          /* set when malformed bytes were met (the cursor then ends) */
    uint32_t n_docs_;  /* doc ids must be < n_docs_ */
    uint32_t df_, n_blocks_, block_, pos_, cnt_, ndec_, shallow_;
    uint32_t base_, last_;           /* current block: doc id base and last doc id */
    unsigned wd_, wt_;               /* its bit widths of doc offsets and of tf - 1 */
    const unsigned char *pd_, *pt_;  /* its packed doc offsets and tfs */
    const unsigned char *skip_, *blocks_, *blocks_end_;
    const unsigned char *read_end_;  /* 8-byte loads may reach up to here (>= blocks_end_) */
    uint32_t docs_[LK_POSTINGS_BLOCK], tfs_[LK_POSTINGS_BLOCK];
} lk_postings_cursor;

/* Position on the first posting of the list data[0..len) holding df postings of doc ids
   below n_docs. False (and cur->bad) if the header is malformed. */
bool lk_postings_cursor_init(lk_postings_cursor *cur, const unsigned char *data, size_t len,
                             uint32_t df, uint32_t n_docs);
/* lk_postings_cursor_init that also reads the list's bound summary, as lk_postings_frontier
   does (pairs and n may be NULL): the list's head is parsed once. slack: how many bytes
   after data[len) are readable (the next lists of an index); with 8 or more, a list's last
   block is read in place (not decoded at once) like the others. */
bool lk_postings_cursor_init_frontier(lk_postings_cursor *cur, const unsigned char *data,
                                      size_t len, size_t slack, uint32_t df, uint32_t n_docs,
                                      lk_tf_dl *pairs, size_t *n);
/* Slow path of lk_postings_next (decode the block, or move to the next one). */
void lk_postings_next_block(lk_postings_cursor *cur);

/* Move to the next posting. */
static inline void lk_postings_next(lk_postings_cursor *cur)
{
    if (cur->pos_ + 1 < cur->ndec_) {
        cur->pos_++;
        cur->doc = cur->docs_[cur->pos_];
        cur->tf = cur->tfs_[cur->pos_];
    } else {
        lk_postings_next_block(cur);
    }
}

/* Bulk sequential reading: decode the current block if needed and point docs/tfs at the
   current posting; returns how many postings from it on the block holds (0 at the end). */
uint32_t lk_postings_bulk(lk_postings_cursor *cur, const uint32_t **docs, const uint32_t **tfs);

/* Move ahead by n postings, n <= the count lk_postings_bulk returned (at the count: on to
   the next block). */
static inline void lk_postings_bulk_skip(lk_postings_cursor *cur, uint32_t n)
{
    if (cur->pos_ + n < cur->ndec_) {
        cur->pos_ += n;
        cur->doc = cur->docs_[cur->pos_];
        cur->tf = cur->tfs_[cur->pos_];
    } else if (n) {
        cur->pos_ = cur->ndec_ - 1;
        lk_postings_next_block(cur);
    }
}

/* Without decoding: the block that may hold `target` (the first block whose last doc is
   >= target, searching forward from the last such call), its max tf, min document length
   and last doc. False if target is past the end of the list. Targets must not decrease. */
bool lk_postings_block_at(lk_postings_cursor *cur, uint32_t target, uint32_t *max_tf,
                          uint32_t *min_dl, uint32_t *last);
/* Move to the first posting with doc >= target (no move if already there). */
void lk_postings_advance(lk_postings_cursor *cur, uint32_t target);

#endif
