/* corpus_internal.h: helpers shared by the corpus reader files (corpus.c, jsonl.c,
   conllu.c). Not installed. */
#ifndef LK_TEXT_CORPUS_INTERNAL_H
#define LK_TEXT_CORPUS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "text/error.h"
#include "text/fileio.h"

/* LK_OK if s[0..len) is valid UTF-8; otherwise LK_ERR_PARSE with
   "path:line:col: invalid UTF-8 byte 0xXX" (col in code points). ASCII is checked
   8 bytes at a time; the rest goes through the strict validator. */
lk_status lk_corpus_check_utf8(const char *s, size_t len, const char *path, int64_t line,
                               lk_error *err);

/* True if the line holds only spaces, tabs and carriage returns. */
static inline int lk_corpus_is_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') return 0;
    return 1;
}

/* The next line of r with its 1-based number; *got is false at the end of the input.
   skip_blank: lines that lk_corpus_is_blank are passed over. check_utf8: a line that is not
   valid UTF-8 gives lk_corpus_check_utf8's error. The one "next line" loop of the readers. */
lk_status lk_corpus_next_line(lk_line_reader *r, bool skip_blank, bool check_utf8,
                              const char **line, size_t *len, int64_t *lineno, bool *got,
                              lk_error *err);

#endif
