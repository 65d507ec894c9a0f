/* userdict.h: a user dictionary for word segmentation: UTF-8 lines `word [TAG]` (fields
   separated by spaces or tabs; `#` starts a comment line; blank lines are skipped; a word
   listed twice keeps its last line). Lookup of the longest word at a position, through a
   hash of the words and of their prefixes (one probe per candidate end). Read-only after
   loading: threads may share it. */
#ifndef LK_TEXT_USERDICT_H
#define LK_TEXT_USERDICT_H

#include <stddef.h>
#include <stdint.h>

#include "text/error.h"

#define LK_USERDICT_WORD_MAX 256 /* longest word, in bytes */

typedef struct lk_userdict lk_userdict;

/* One line of the `word [TAG]` format, as the user dictionary and the char tagger's
   --lexicon read it: fields separated by spaces or tabs, a first field starting with `#`
   makes a comment line. Blank and comment lines give *word_len 0. *tag is NULL when the
   line has no second field; word and tag point into s. Invalid UTF-8 or a third field is
   LK_ERR_PARSE "path:line:col: ..." (col in code points, 1-based). */
lk_status lk_userdict_split_line(const char *s, size_t len, const char *path, int64_t line,
                                 const char **word, size_t *word_len, const char **tag,
                                 size_t *tag_len, lk_error *err);

/* Load `path` ("-" = standard input). A line with more than two fields, invalid UTF-8 or a
   word longer than LK_USERDICT_WORD_MAX bytes is LK_ERR_PARSE "path:line:col: ...". */
lk_status lk_userdict_load(const char *path, lk_userdict **out, lk_error *err);

/* Build from n words (tags[i] NULL or a tag; tags may be NULL); for tests and callers with
   their own lists. Words must be non-empty valid UTF-8. */
lk_status lk_userdict_from_words(const char *const *words, const char *const *tags, size_t n,
                                 lk_userdict **out);

void lk_userdict_free(lk_userdict *d); /* NULL is a no-op */

int32_t lk_userdict_size(const lk_userdict *d); /* distinct words */
const char *lk_userdict_path(const lk_userdict *d); /* "" if not from a file; borrowed */

/* Entry `id`: its word, its tag (NULL if none) and the line and column of the tag in the
   file (0 if not from a file). */
const char *lk_userdict_word(const lk_userdict *d, int32_t id, size_t *len);
const char *lk_userdict_tag(const lk_userdict *d, int32_t id, int64_t *line, int64_t *col);

/* The longest word s[0..ends[k]) over the increasing candidate ends ends[0..n): returns k
   and sets *id to its entry, or returns -1. Candidates past the last prefix of any word
   are not probed. */
int32_t lk_userdict_longest(const lk_userdict *d, const char *s, const size_t *ends, size_t n,
                            int32_t *id);

#endif
