/* vocab_count.h: count the tokens of a corpus file into a vocabulary: plain text (each line
   through the tokenizer), JSON Lines documents (title and text), or CoNLL-U (the FORM column,
   optionally case-folded). This is `lexkit vocab` without the command line. */
#ifndef LK_TEXT_VOCAB_COUNT_H
#define LK_TEXT_VOCAB_COUNT_H

#include <stdbool.h>

#include "text/error.h"
#include "text/tokenize.h"
#include "text/vocab.h"

typedef enum {
    LK_COUNT_TEXT = 0, /* one text per line */
    LK_COUNT_JSONL,    /* {"id", "title", "text"} documents */
    LK_COUNT_CONLLU,   /* FORM of every word line; no tokenizer */
} lk_count_format;

typedef struct {
    lk_count_format format;
    lk_tokenizer_config tok; /* TEXT, JSONL; CONLLU uses only tok.lower (Unicode case folding) */
    /* Called every few thousand records with the work done and the total (MB read of the
       file size for TEXT/JSONL, total 0 when unknown; sentences for CONLLU). May be NULL. */
    void (*progress)(void *user, double done, double total);
    void *user;
} lk_vocab_count_config;

lk_vocab_count_config lk_vocab_count_config_default(void);

/* Add the tokens of `path` ("-" = stdin) to v. Bad input is LK_ERR_PARSE naming
   path:line:col, and so is CoNLL-U read as TEXT (lk_conllu_sniff_line); *done (may be NULL)
   is the last progress figure. */
lk_status lk_vocab_count_file(lk_vocab *v, const char *path, const lk_vocab_count_config *c,
                              double *done, lk_error *err);

#endif
