/* stopwords.h: the one reader of stop-word files (`--stop-words FILE` of bow/tfidf,
   `--stopwords FILE` of index): one word per line, validated, every error naming
   file:line:col. What a word then means (a vectorizer's token, an analyzer's folded
   terms) is the caller's. */
#ifndef LK_TEXT_STOPWORDS_H
#define LK_TEXT_STOPWORDS_H

#include <stddef.h>

#include "text/error.h"

/* Parse a stop-word file's text[0..len) (path names it in messages): one word per line;
   blank lines and lines starting with '#' are skipped, as is a '#' comment after a word and
   white space; white space around a word and a UTF-8 BOM at the start are dropped. The
   words are NUL-terminated in place in `text` (which must outlive them) and *words,
   malloc'd (free()), points to them in file order. LK_ERR_PARSE "path:line:col: ..." for
   invalid UTF-8, a NUL byte (not a text file) or white space inside a word (a line of
   several words, a CoNLL-U or TSV file); *words is then NULL. */
lk_status lk_stop_words_parse(char *text, size_t len, const char *path, const char ***words,
                              size_t *n, lk_error *err);

#endif
