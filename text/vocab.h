/* vocab.h: string <-> id vocabulary with counts; ids are dense int32 in insertion order
   until lk_vocab_sort/lk_vocab_prune renumber them (count descending, then bytewise).
   Writes are not thread-safe; lookups on a const vocab are. */
#ifndef LK_TEXT_VOCAB_H
#define LK_TEXT_VOCAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "text/error.h"

typedef struct lk_vocab lk_vocab;

#define LK_VOCAB_PAD "<pad>"
#define LK_VOCAB_UNK "<unk>"

lk_status lk_vocab_create(lk_vocab **out);
void lk_vocab_free(lk_vocab *v); /* NULL is a no-op */

/* Add one occurrence of w (len bytes; need not be NUL-terminated); *id_out (may be NULL)
   gets its id. The string is copied. An empty word is LK_ERR_ARG; LK_ERR_RANGE when the
   vocab would exceed INT32_MAX words or the total count INT64_MAX. On failure v is unchanged. */
lk_status lk_vocab_add(lk_vocab *v, const char *w, size_t len, int32_t *id_out);

/* Add `count` occurrences (count may be 0: the word is entered with count 0; < 0 is
   LK_ERR_ARG). */
lk_status lk_vocab_add_count(lk_vocab *v, const char *w, size_t len, int64_t count,
                             int32_t *id_out);

/* Id of w in *id_out; when absent, w is first added with `count` (>= 0) and *added is true,
   else v is unchanged and *added false. One hash and one probe, where lk_vocab_find followed
   by lk_vocab_add_count take two of each. Errors as lk_vocab_add_count. */
lk_status lk_vocab_find_or_add(lk_vocab *v, const char *w, size_t len, int64_t count,
                               int32_t *id_out, bool *added);

/* Add one occurrence of each of words[0..n) (lens[i] bytes each), as n calls to lk_vocab_add
   but faster on long runs (lookups are overlapped). ids_out (may be NULL) gets n ids. On
   failure *n_done (may be NULL) words were added; the rest were not. */
lk_status lk_vocab_add_batch(lk_vocab *v, const char *const *words, const size_t *lens, size_t n,
                             int32_t *ids_out, size_t *n_done);

/* Reserve ids 0 = "<pad>" and 1 = "<unk>" (call on an empty vocab). Reserved entries keep
   their ids through sort and prune and are never pruned. */
lk_status lk_vocab_reserve_specials(lk_vocab *v);

/* Number of reserved leading ids (0 or 2). */
int32_t lk_vocab_n_reserved(const lk_vocab *v);

/* Id of w, or LK_ID_NONE if absent. */
int32_t lk_vocab_find(const lk_vocab *v, const char *w, size_t len);

/* Id of w, or the <unk> id if reserved, else LK_ID_NONE. */
int32_t lk_vocab_find_or_unk(const lk_vocab *v, const char *w, size_t len);

/* Word of id (borrowed, NUL-terminated), or NULL when out of range. */
const char *lk_vocab_word(const lk_vocab *v, int32_t id);
size_t lk_vocab_word_len(const lk_vocab *v, int32_t id);

int64_t lk_vocab_count(const lk_vocab *v, int32_t id); /* 0 when out of range */
int32_t lk_vocab_size(const lk_vocab *v);
int64_t lk_vocab_total(const lk_vocab *v); /* sum of counts */

/* Renumber: count descending, ties by bytes ascending (reserved ids stay first). */
lk_status lk_vocab_sort(lk_vocab *v);

/* Drop words with count < min_count, then keep at most max_size words (0 = no limit;
   reserved entries not counted), then sort as lk_vocab_sort. The kept words are the first
   in that order; lk_vocab_total becomes the sum of the kept counts. */
lk_status lk_vocab_prune(lk_vocab *v, int64_t min_count, int32_t max_size);

/* Save as TSV `word<TAB>count\n` in id order, atomically. Words containing a TAB or
   newline are an LK_ERR_ARG error. */
lk_status lk_vocab_save_tsv(const lk_vocab *v, const char *path, lk_error *err);

/* Load TSV written by lk_vocab_save_tsv (ids in file order). A malformed line, a bad
   count or a duplicate word is LK_ERR_PARSE "path:line:col: ...". A file starting with
   <pad>, <unk> gets them back as reserved entries. */
lk_status lk_vocab_load_tsv(const char *path, lk_vocab **out, lk_error *err);

#endif
