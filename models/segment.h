/* segment.h: Chinese word segmentation as character labelling. Words with tags become
   B/M/E/S x TAG labels ("B-NOUN", "S-PUNCT"); label scores decode back to words with tags
   under the B/M/E/S constraints (constrained Viterbi, or repair of any label sequence);
   segmentation and joint word+tag P/R/F1 are counted over character spans. */
#ifndef LK_MODELS_SEGMENT_H
#define LK_MODELS_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "text/error.h"

/* Position of a character in its word. */
typedef enum { LK_SEG_B = 0, LK_SEG_M = 1, LK_SEG_E = 2, LK_SEG_S = 3 } lk_seg_pos;

#define LK_SEG_N_POS 4
#define LK_SEG_LABEL_MAX 256 /* longest label string "P-TAG" in bytes, NUL included */

/* A word as a character span [start, start + len) with a tag id. */
typedef struct {
    int32_t start, len;
    int32_t tag;
} lk_seg_word;

/* Label string "P-TAG" for position `pos` and tag (tag_len bytes) into out (cap bytes,
   NUL-terminated); LK_ERR_RANGE if it does not fit. */
lk_status lk_seg_label(lk_seg_pos pos, const char *tag, size_t tag_len, char *out, size_t cap,
                       size_t *out_len);

/* Split a label "P-TAG" into its position and tag (*tag points into label); LK_ERR_ARG if
   it is not of that form. */
lk_status lk_seg_label_parse(const char *label, size_t len, lk_seg_pos *pos, const char **tag,
                             size_t *tag_len);

/* Positions of the characters of a word of n_chars characters (n_chars >= 1): S, or B M.. E. */
lk_seg_pos lk_seg_pos_in_word(int32_t i, int32_t n_chars);

/* Number of code points of s[0..len) (invalid bytes count as one each). */
int32_t lk_seg_count_chars(const char *s, size_t len);

/* Byte offsets of the code points of s[0..len): offs gets n + 1 entries (the last = len).
   Invalid bytes count as one character each. offs must hold len + 1 entries. */
int32_t lk_seg_char_offsets(const char *s, size_t len, size_t *offs);

/* Constrained Viterbi over label scores. scores: (T, L) row-major, higher is better (log
   probabilities or potentials); label_pos[L] and label_tag[L] give each label's position
   and tag id. trans: (L, L) extra transition scores or NULL. brk: T flags or NULL, brk[t]
   true forces a word to start at t. Writes the best valid label sequence to labels[T].
   work must hold lk_seg_viterbi_work_size(T, L) bytes. */
size_t lk_seg_viterbi_work_size(int32_t T, int32_t L);
lk_status lk_seg_viterbi(const float *scores, int32_t T, int32_t L, const int32_t *label_pos,
                         const int32_t *label_tag, const float *trans, const bool *brk,
                         void *work, int32_t *labels);

/* Decoding constraints of a character (bits of lk_seg_cons.flags). */
#define LK_SEG_C_START 1u /* a word starts at this character */
#define LK_SEG_C_JOIN 2u  /* no word boundary before this character (it continues a word) */
#define LK_SEG_TAG_BITS 64 /* tag ids below this can be restricted */

/* Constraints over T characters; either array may be NULL (no constraint of that kind).
   flags[t]: LK_SEG_C_* bits. tags[t]: bit k set = tag id k allowed; 0 = any tag. */
typedef struct {
    const uint8_t *flags;
    const uint64_t *tags;
} lk_seg_cons;

/* lk_seg_viterbi under constraints c (NULL = none): the best label sequence whose words
   start at every START character, continue through every JOIN character and carry an
   allowed tag at every character. If no sequence satisfies them all, the tag restrictions
   are dropped, then the JOIN flags, then the START flags, in that order (labels sets
   without the needed B/M/E/S x TAG labels). Same work size as lk_seg_viterbi. */
lk_status lk_seg_viterbi_cons(const float *scores, int32_t T, int32_t L, const int32_t *label_pos,
                              const int32_t *label_tag, const float *trans, const lk_seg_cons *c,
                              void *work, int32_t *labels);

/* Words of a label sequence, repairing invalid ones: a B or S closes an open word, an M or E
   with no open word starts one, an open word at the end is closed; a word's tag is that of
   its first character. words must hold T entries; *n_words gets the count. */
void lk_seg_decode(const int32_t *labels, int32_t T, const int32_t *label_pos,
                   const int32_t *label_tag, lk_seg_word *words, int32_t *n_words);

/* Gold/predicted word counts and matches (a match is an identical character span; a joint
   match also has the same tag). */
typedef struct {
    int64_t gold, pred, seg_match, joint_match;
} lk_seg_counts;

/* Add the matches of one sentence; both word lists are sorted by start and cover the same
   characters. */
void lk_seg_count(lk_seg_counts *c, const lk_seg_word *gold, int32_t n_gold,
                  const lk_seg_word *pred, int32_t n_pred);

typedef struct {
    double precision, recall, f1;
} lk_prf;

/* P/R/F1 of the segmentation (joint = false) or of words with tags (joint = true); 0 when
   undefined. */
lk_prf lk_seg_prf(const lk_seg_counts *c, bool joint);

#endif
