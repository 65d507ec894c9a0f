/* vocab.h: string <-> id vocabulary with counts; ids are dense in insertion order until
   lexkit_vocab_sort renumbers them (count descending, then bytewise).
   Writes are not thread-safe; lookups on a vocabulary nobody writes are. */
#ifndef LEXKIT_VOCAB_H
#define LEXKIT_VOCAB_H

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LEXKIT_ID_NONE ((int32_t)-1)

typedef struct lexkit_vocab lexkit_vocab;

LK_API lexkit_status lexkit_vocab_create(lexkit_vocab **out);
/* NULL is a no-op. */
LK_API void lexkit_vocab_free(lexkit_vocab *v);
/* Add one occurrence of w (len bytes, copied); *id (may be NULL) gets its id. An empty
   word is LEXKIT_ERR_ARG; on failure v is unchanged. */
LK_API lexkit_status lexkit_vocab_add(lexkit_vocab *v, const char *w, size_t len, int32_t *id);
/* Id of w, or LEXKIT_ID_NONE. */
LK_API int32_t lexkit_vocab_find(const lexkit_vocab *v, const char *w, size_t len);
/* Word of id (borrowed, NUL-terminated), or NULL when out of range. */
LK_API const char *lexkit_vocab_word(const lexkit_vocab *v, int32_t id);
/* Count of id (0 when out of range); number of words. */
LK_API int64_t lexkit_vocab_count(const lexkit_vocab *v, int32_t id);
LK_API int32_t lexkit_vocab_size(const lexkit_vocab *v);
/* Drop words seen fewer than min_count times, keep at most max_size (0 = all), then
   renumber by count descending, ties bytewise. */
LK_API lexkit_status lexkit_vocab_sort(lexkit_vocab *v, int64_t min_count, int32_t max_size);
/* Save as `word<TAB>count` lines, atomically; load such a file (ids in file order). */
LK_API lexkit_status lexkit_vocab_save(const lexkit_vocab *v, const char *path, lexkit_error *err);
LK_API lexkit_status lexkit_vocab_load(const char *path, lexkit_vocab **out, lexkit_error *err);

#ifdef __cplusplus
}
#endif
#endif
