/* bow.h: bag-of-words / bag-of-n-grams vectorizer, the equivalent of scikit-learn 1.2's
   CountVectorizer: word n-grams, character n-grams (`char`) and word-bounded character
   n-grams (`char_wb`), min_df/max_df/max_features, binary counts, a fixed vocabulary.
   Documents are streamed in one at a time; memory holds the vocabulary and the count
   matrix, never the documents. Not thread-safe: one lk_bow per thread.

   Typical use (fit on in-memory documents, then transform others):
       lk_bow_config c = lk_bow_config_default();
       lk_bow *fit; lk_csr X;
       lk_bow_create(&c, &fit);
       for (i...) lk_bow_add_text(fit, doc[i], len[i], &err);
       lk_bow_finish(fit, &X, &err);             // X: n_docs x n_terms counts
       lk_bow *tr; lk_csr Y;
       lk_bow_create_transform(fit, &tr);         // same config, fixed vocabulary
       ... lk_bow_add_text(tr, ...); lk_bow_finish(tr, &Y, &err);
   Column c of X is the term lk_bow_term(fit, c): terms are sorted bytewise (UTF-8 byte
   order = code point order = Python's str order, as sklearn sorts them). */
#ifndef LK_FEATURES_BOW_H
#define LK_FEATURES_BOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "features/sparse/pool.h"
#include "features/sparse/sparse.h"
#include "text/corpus.h"
#include "text/error.h"
#include "text/tokenize.h"

typedef enum {
    LK_ANALYZER_WORD = 0, /* tokens from the tokenizer, n-grams joined by one space */
    LK_ANALYZER_CHAR,     /* code point n-grams over the text, whitespace runs -> ' ' */
    LK_ANALYZER_CHAR_WB,  /* code point n-grams inside words padded with ' ' each side */
} lk_bow_analyzer;

/* A document-frequency bound as sklearn takes it: a document count (is_count, value a
   whole number >= 0) or a proportion of the documents (value in [0, 1]). */
typedef struct {
    double value;
    bool is_count;
} lk_df_bound;

typedef struct {
    lk_bow_analyzer analyzer;
    int32_t ngram_min, ngram_max; /* 1 <= min <= max (default 1:1) */
    bool lower;                   /* lowercase before analysis (default true, Python rules) */
    lk_tok_mode tokenizer;        /* word analyzer: LK_TOKMODE_LEXKIT (default) or _SKLEARN */
    lk_df_bound min_df;           /* keep terms in >= min_df documents (default count 1) */
    lk_df_bound max_df;           /* keep terms in <= max_df documents (default 1.0) */
    int32_t max_features;         /* keep the N most frequent terms; 0 = all (default) */
    bool binary;                  /* counts become 1 (before max_features, as sklearn) */
    const char *const *stop_words; /* word analyzer: tokens equal to one of these are dropped
                                      before n-grams are formed (sklearn's stop_words); borrowed,
                                      must outlive the vectorizer; NULL = none; an empty word
                                      matches nothing */
    size_t n_stop_words;
    int32_t threads;              /* 2: lk_bow_finish remaps and sorts the rows on two threads
                                     (the same result), those of the bow's worker pool
                                     (lk_bow_pool); 1 (default) */
    bool given_terms;             /* documents come as their terms (lk_bow_add_terms, the
                                     output of the caller's analyzer): each term is a column
                                     as it is and a vocabulary term is never split; analyzer,
                                     ngram range, lower and stop words are unused (default
                                     false) */
} lk_bow_config;

/* scikit-learn's English stop words (318); a static table. */
const char *const *lk_stop_words_english(size_t *n);

/* What decides a document's terms (analyzer, n-gram range, lowercasing, tokenizer, stop
   words: count and CRC-32), as one line of text: "analyzer=word ngram=1:2 lower=1
   tokenizer=lexkit stop_words=none". A vocabulary file records it, and a fixed vocabulary
   must come from a vectorizer with the same line. */
void lk_bow_config_describe(const lk_bow_config *c, char *buf, size_t cap);

lk_bow_config lk_bow_config_default(void);

/* LK_OK, or LK_ERR_ARG with a readable reason in err (bad ngram range, df bound out of
   range, both bounds counts with max_df < min_df). */
lk_status lk_bow_config_check(const lk_bow_config *c, lk_error *err);

typedef struct lk_bow lk_bow;

/* A vectorizer that learns its vocabulary from the documents added (fit mode). The
   config is copied. */
lk_status lk_bow_create(const lk_bow_config *c, lk_bow **out);

/* A vectorizer with the config and the vocabulary (columns, df, n_docs) of a finished
   vectorizer `fitted` (transform mode: unknown n-grams are ignored, no df filtering).
   The vocabulary is copied; `fitted` may be freed afterwards. */
lk_status lk_bow_create_transform(const lk_bow *fitted, lk_bow **out);

void lk_bow_free(lk_bow *b); /* NULL is a no-op */

/* The worker pool of b's job (threads == 2: made with b, its helper thread started at the
   first split step and joined by lk_bow_free), for the caller's other steps of the same job
   (the TF-IDF weighting of b's matrix); NULL with one thread. */
lk_pool *lk_bow_pool(const lk_bow *b);

/* Switch a new vectorizer (no document added yet) to transform mode with the vocabulary
   terms[0..n) (column i = terms[i]; df of the fitting collection in df[i] if df != NULL,
   with fit_n_docs documents). A duplicate term is LK_ERR_ARG naming its index; after a
   failure the vectorizer can only be freed. */
lk_status lk_bow_set_vocab(lk_bow *b, const char *const *terms, const size_t *lens, size_t n,
                           const int64_t *df, int64_t fit_n_docs, lk_error *err);

/* Read a vocabulary TSV (as lk_bow_save_vocab writes: optional `#n_docs<TAB>N` first line,
   optional `#analyzer<TAB>DESCRIPTION` second line, which must equal the vectorizer's
   lk_bow_config_describe, else LK_ERR_ARG naming both;
   then `term<TAB>column<TAB>df` lines with columns 0, 1, 2, ... in order; a file of one
   term per line is accepted too; \t \n \r \\ escapes in terms) and switch to transform
   mode as lk_bow_set_vocab. Duplicate terms, bad columns, invalid UTF-8 and malformed lines
   are LK_ERR_PARSE "path:line:col: ..."; after a failure the vectorizer can only be freed. */
lk_status lk_bow_load_vocab(lk_bow *b, const char *path, lk_error *err);

/* Analyze one document (UTF-8 text[0..len)) and count its terms as the next row.
   Invalid UTF-8 is LK_ERR_PARSE "COL: invalid UTF-8 ..." (prefix it with path:line:). */
lk_status lk_bow_add_text(lk_bow *b, const char *text, size_t len, lk_error *err);

/* Count one document given as word tokens (used as given: no lowercasing, no
   tokenization); word n-grams are formed per the config. Tokens must not contain ' '
   (LK_ERR_ARG). Only for the word analyzer. */
lk_status lk_bow_add_tokens(lk_bow *b, const char *const *toks, const size_t *lens, size_t n,
                            lk_error *err);

/* Count one document given as its terms (config given_terms; LK_ERR_STATE otherwise):
   each term[i] (lens[i] bytes, any bytes, may be empty) is counted as it is, no n-grams
   formed; in transform mode terms outside the vocabulary are ignored. */
lk_status lk_bow_add_terms(lk_bow *b, const char *const *terms, const size_t *lens, size_t n,
                           lk_error *err);

/* How lk_bow_add_file_opts reads a collection. */
typedef struct {
    lk_log_fn log;      /* LK_LOG_PROGRESS messages, may be NULL */
    void *log_user;
    bool blank_rows;    /* text format: a blank line is an empty document (an all-zero row with
                           the line number as id), so row i is line i + 1; JSONL blank lines
                           have no id and are never documents */
    char **ids;         /* if non-NULL: each row's document id, one per line (\t \n \r \\
                           escaped), appended to *ids (grown with lk_grow; free with free()) */
    size_t *ids_len, *ids_cap;
} lk_bow_file_opts;

/* lk_bow_add_file with options (see lk_bow_file_opts). */
lk_status lk_bow_add_file_opts(lk_bow *b, const char *path, lk_docs_format fmt,
                               const lk_bow_file_opts *o, lk_error *err);

/* Add every document of a collection file ("-" = stdin) as lk_docs_open reads it (blank
   lines skipped). A JSONL document's text is its title and text joined by one space when
   the title is non-empty, else its text. Errors name "path:line:col: ". `log` (may be
   NULL) gets LK_LOG_PROGRESS messages "PCT%  N docs" every few thousand documents. */
lk_status lk_bow_add_file(lk_bow *b, const char *path, lk_docs_format fmt, lk_log_fn log,
                          void *log_user, lk_error *err);

/* Finish: fit mode applies min_df/max_df/max_features (sklearn's order and tie-breaking),
   sorts the vocabulary and fills *counts (n_docs x n_terms, rows sorted by column, binary
   applied; caller frees with lk_csr_free). Errors as sklearn: no documents, "empty
   vocabulary", "max_df corresponds to < documents than min_df", "After pruning, no terms
   remain". No document may be added afterwards. */
lk_status lk_bow_finish(lk_bow *b, lk_csr *counts, lk_error *err);

/* After lk_bow_finish: vocabulary size, term of a column (borrowed, *len bytes, not
   NUL-terminated; NULL when out of range), document frequency of a column in the documents
   seen, number of documents. */
int32_t lk_bow_n_terms(const lk_bow *b);
const char *lk_bow_term(const lk_bow *b, int32_t col, size_t *len);
int64_t lk_bow_df(const lk_bow *b, int32_t col);
int64_t lk_bow_n_docs(const lk_bow *b);
/* After lk_bow_finish of a fit: the terms min_df, max_df and max_features left out
   (scikit-learn's stop_words_), in bytewise order; term i borrowed, *len bytes, not
   NUL-terminated, NULL when out of range. A fixed vocabulary prunes nothing. */
size_t lk_bow_n_pruned(const lk_bow *b);
const char *lk_bow_pruned_term(const lk_bow *b, size_t i, size_t *len);

/* In transform mode with df from the vocabulary file (or lk_bow_create_transform): the
   fitting collection's df of a column and its document count; otherwise the same as
   lk_bow_df / lk_bow_n_docs. Use these for idf. */
int64_t lk_bow_fit_df(const lk_bow *b, int32_t col);
int64_t lk_bow_fit_n_docs(const lk_bow *b);

/* Write the vocabulary as TSV: `#n_docs<TAB>N`, `#analyzer<TAB>DESCRIPTION`, then `term<TAB>column<TAB>df` per column
   (df and N of the fitting collection), atomically. A tab, newline, carriage return or
   backslash inside a term (possible with char n-grams) is written as \t \n \r \\. */
lk_status lk_bow_save_vocab(const lk_bow *b, const char *path, lk_error *err);

/* The same TSV to an open stream (for lk_write_atomic_all with other outputs). */
lk_status lk_bow_write_vocab(const lk_bow *b, FILE *fp, lk_error *err);

#endif
