/* lexicon.h: the word list of a char tagger as a compact hash table: every word and every
   proper prefix of a word (2+ characters) is one entry (key bytes, WORD/PREFIX flags, tag
   code) in one arena, found by open addressing over 32-bit slots. About 12 bytes per entry
   plus the key, built without a malloc per entry. Lookups on a const lexicon are
   thread-safe. Internal to the tagger (never installed). */
#ifndef LK_MODELS_LEXICON_H
#define LK_MODELS_LEXICON_H

#include <stddef.h>
#include <stdint.h>

#include "text/error.h"

#define LK_LEXICON_WORD 1u   /* entry flags: a word of the list */
#define LK_LEXICON_PREFIX 2u /* a proper prefix of a longer word */
#define LK_LEXICON_KEY_MAX 255 /* bytes of a key */

typedef struct lk_lexicon lk_lexicon;

lk_status lk_lexicon_create(lk_lexicon **out);
void lk_lexicon_free(lk_lexicon *x); /* NULL is a no-op */

/* Entry of key k (klen bytes): its LK_LEXICON_* flags ORed with `flags`; a new entry, or
   one that becomes a word, gets tag code `tag` (0 = none); a word keeps its first tag. *was_word (may be NULL) tells
   whether the entry had LK_LEXICON_WORD before. LK_ERR_RANGE for a key over
   LK_LEXICON_KEY_MAX bytes or a table over 2^32 bytes, LK_ERR_NOMEM. */
lk_status lk_lexicon_add(lk_lexicon *x, const char *k, size_t klen, uint32_t flags,
                         uint8_t tag, int *was_word);

/* Room for n_entries entries with key_bytes bytes of keys in all, so that adding them
   allocates nothing more. LK_ERR_NOMEM, LK_ERR_RANGE. */
lk_status lk_lexicon_reserve(lk_lexicon *x, size_t n_entries, size_t key_bytes);

/* Flags of key k (0 if absent) and its tag code in *tag. */
uint32_t lk_lexicon_find(const lk_lexicon *x, const char *k, size_t klen, uint8_t *tag);

/* Entries in insertion order: call with *pos = 0 until it returns 0; the key is borrowed. */
uint32_t lk_lexicon_next(const lk_lexicon *x, size_t *pos, const char **k, size_t *klen,
                         uint8_t *tag);

/* Bytes held (for inspection and tests). */
size_t lk_lexicon_bytes(const lk_lexicon *x);

#endif
