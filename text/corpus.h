/* corpus.h: streaming readers for the corpus formats lexkit reads: documents (JSON Lines
   with id/title/text, or plain text one document per line), CoNLL-U sentences and
   `word/TAG` lines. Every reader validates UTF-8 and reports malformed input as
   LK_ERR_PARSE "path:line:col: ...". Returned records are borrowed until the next call. */
#ifndef LK_TEXT_CORPUS_H
#define LK_TEXT_CORPUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "text/error.h"
#include "text/fileio.h"

/* ---- documents ------------------------------------------------------------------- */

typedef enum {
    LK_DOCS_JSONL = 0, /* {"id": "...", "title": "...", "text": "..."}; other keys ignored */
    LK_DOCS_TEXT,      /* one document per line, id = line number (1-based) as a string */
    LK_DOCS_DIR,       /* a directory: one document per .txt/.md/.html file, id = its path
                          relative to the directory (text/docdir.h) */
} lk_docs_format;

/* Files of a directory (LK_DOCS_DIR) that were not read as documents, by cause, with the
   first path of each (relative to the directory; "" if none), and the files read as empty
   documents (counted, not skipped). */
typedef struct {
    uint64_t other;      /* not .txt/.md/.html/.htm (ignored: not counted as skipped) */
    uint64_t binary;     /* a NUL byte: not text */
    uint64_t bad_utf8;   /* a .txt/.md body, or a name, that is not valid UTF-8 */
    uint64_t unreadable; /* open or read failed (permissions, dangling link, vanished) */
    uint64_t loops;      /* directories reached again through a symbolic link loop */
    uint64_t bad_html;   /* an HTML page libxml2 stopped reading before its end */
    uint64_t empty;      /* read as a document whose title and text are only white space (0
                            bytes, blank lines, a page whose body is a script): indexed */
    char first_binary[256], first_bad_utf8[256], first_unreadable[256], first_loop[256],
        first_bad_html[256], first_empty[256];
} lk_docs_skipped;

/* A top-level JSONL member other than id/title/text whose value is a string or a number
   (other value types are skipped): name and value are NUL-terminated, unescaped UTF-8; a
   number is kept as written. */
typedef struct {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
    bool number;
} lk_doc_field;

typedef struct {
    const char *id;    /* NUL-terminated, unescaped UTF-8 */
    size_t id_len;
    const char *title; /* "" when absent */
    size_t title_len;
    const char *text;
    size_t text_len;
    int64_t line;      /* line number of the document in its file */
    const lk_doc_field *fields; /* JSONL: the other string/number members, in input order */
    size_t n_fields;
} lk_doc;

typedef struct lk_docs_reader lk_docs_reader;

/* Open `path` ("-" = stdin). For JSONL, `id` (string; a JSON number is accepted and kept as
   written) and `text` (string) are required; `title` is optional; unknown keys of any JSON
   type are skipped. Blank lines are skipped. */
lk_status lk_docs_open(const char *path, lk_docs_format fmt, lk_docs_reader **out, lk_error *err);

/* lk_docs_open with messages about the documents naming `name` ("name:line:col: ...")
   instead of the path; NULL = the path. Not for LK_DOCS_DIR (its files name themselves). */
lk_status lk_docs_open_as(const char *path, const char *name, lk_docs_format fmt,
                          lk_docs_reader **out, lk_error *err);

/* Next document; *got is false at the end. Its id, title and text are valid UTF-8 (each
   line is checked; JSON escapes are checked as they are decoded). */
lk_status lk_docs_next(lk_docs_reader *r, lk_doc *doc, bool *got, lk_error *err);

/* Prefix every generated id (LK_DOCS_TEXT line numbers, LK_DOCS_DIR paths) with `prefix`
   (borrowed; NULL = none); LK_ERR_ARG for JSONL, whose ids are given. */
lk_status lk_docs_set_id_prefix(lk_docs_reader *r, const char *prefix);

/* The files skipped so far (LK_DOCS_DIR; all zero otherwise). */
const lk_docs_skipped *lk_docs_skips(const lk_docs_reader *r);

/* Bytes read so far and total size (0 if unknown), for progress. */
uint64_t lk_docs_offset(const lk_docs_reader *r);
uint64_t lk_docs_size(const lk_docs_reader *r);

/* Lines read so far, blank ones included (at the end: the file's line count). */
int64_t lk_docs_lines(const lk_docs_reader *r);

void lk_docs_free(lk_docs_reader *r); /* NULL is a no-op */

/* Parse one JSON Lines object (no newline) into doc (strings point into scratch owned by
   the caller-supplied reader state). Exposed for tests and for in-memory use: *col_out is
   the 1-based code-point column of an error. */
typedef struct lk_jsonl_scratch lk_jsonl_scratch;
lk_status lk_jsonl_scratch_create(lk_jsonl_scratch **out);
void lk_jsonl_scratch_free(lk_jsonl_scratch *s);

/* Write s[0..n) to fp as a JSON string literal: quotes, backslash, \n and \t escaped,
   other control characters and DEL as \u00XX, UTF-8 bytes as they are. */
void lk_json_write_str(FILE *fp, const char *s, size_t n);
lk_status lk_jsonl_parse_doc(lk_jsonl_scratch *s, const char *line, size_t len, lk_doc *doc,
                             const char *path, int64_t lineno, lk_error *err);

/* ---- tagged sentences (CoNLL-U and word/TAG) ---------------------------------------- */

typedef struct {
    const char *form;   /* FORM column (or the word of word/TAG) */
    size_t form_len;
    const char *upos;   /* UPOS column (or the TAG of word/TAG); "_" when empty */
    const char *xpos;   /* XPOS column ("_" when absent; word/TAG: same as upos) */
    const char *lemma;  /* LEMMA ("_" for word/TAG) */
    bool no_space_after; /* CoNLL-U: MISC SpaceAfter=No (on the word, or on the multiword
                            token it ends; the other words of a multiword token too) */
} lk_tagged_token;

typedef struct {
    lk_tagged_token *tokens; /* n tokens; only integer-ID rows (ranges and empty nodes skipped) */
    size_t n;
    const char *text;        /* "# text = ..." comment, or NULL */
    const char *sent_id;     /* "# sent_id = ..." comment, or NULL */
    bool space_marked;       /* some MISC of the sentence has SpaceAfter= or SpacesAfter= */
    int64_t line;            /* line of the sentence's first token */
    const int64_t *token_lines; /* line number of each token (n entries) */
} lk_sentence;

typedef enum {
    LK_TAGGED_CONLLU = 0, /* 10 tab-separated columns; blank line ends a sentence */
    LK_TAGGED_SLASH,      /* one sentence per line: word/TAG word/TAG ... (split at last '/') */
    LK_TAGGED_TOKENS,     /* one sentence per line, space-separated words, no tags (tags "_") */
} lk_tagged_format;

typedef struct lk_sentence_reader lk_sentence_reader;

lk_status lk_sentence_reader_open(const char *path, lk_tagged_format fmt,
                                  lk_sentence_reader **out, lk_error *err);

/* CoNLL-U input whose first token line (neither blank nor a comment) has no tab, a line of
   text rather than CoNLL-U, and is not word/TAG items: its error "expected 10 tab-separated
   columns, got 1" ends with "; " and `hint` (what the command reads, what reads such
   text). hint is borrowed and must outlive r; NULL (the default): no hint. */
void lk_sentence_reader_set_text_hint(lk_sentence_reader *r, const char *hint);

/* Next sentence; *got is false at the end. A CoNLL-U line with other than 10 columns, a
   non-numeric ID, an empty FORM, or a word/TAG item without '/' is LK_ERR_PARSE. */
lk_status lk_sentence_next(lk_sentence_reader *r, lk_sentence *s, bool *got, lk_error *err);

void lk_sentence_reader_free(lk_sentence_reader *r); /* NULL is a no-op */

/* The error every CoNLL-U reader gives for a token line line[0..len) that has not 10
   tab-separated columns: LK_ERR_PARSE "path:line:col: expected 10 tab-separated columns,
   got N", the column pointing at the bad field: the end of the line, where the first missing
   field was due, or the start of the first extra field. A first line of word/TAG items gets
   the hint "(word/TAG lines? use --input-format slash)". */
lk_status lk_conllu_columns_error(const char *path, int64_t lineno, const char *line, size_t len,
                                  lk_error *err);

/* Checks a token line line[0..len) (neither blank nor a '#' comment) as every CoNLL-U reader
   does: 10 tab-separated columns (lk_conllu_columns_error otherwise) and an ID that is a
   positive integer, a range N-M or an empty node N.M (else "invalid ID"). *word: the ID is an
   integer (a word of the sentence; ranges and empty nodes are not). */
lk_status lk_conllu_check_line(const char *path, int64_t lineno, const char *line, size_t len,
                               bool *word, lk_error *err);

/* CoNLL-U given where text is read (a corpus, raw sentences, token lines), which would take
   its columns as words. lk_conllu_row_like: line[0..len) has 10 tab-separated columns and
   starts with a digit (an ID). lk_conllu_sniff_line is fed a text input's lines in order and
   looks only at the first line with content (not blank, not starting with '#': CoNLL-U
   comments) among the first LK_CONLLU_SNIFF_LINES: true when it is a CoNLL-U row (a stream
   is never read ahead). lk_conllu_as_text_error is the one message: LK_ERR_PARSE
   "path:line:1: this looks like CoNLL-U (10 tab-separated columns); " then `how` (what the
   command reads and what to do instead). */
#define LK_CONLLU_SNIFF_LINES 64
typedef struct {
    int64_t seen;
    bool done;
} lk_conllu_sniff;
bool lk_conllu_row_like(const char *line, size_t len);
bool lk_conllu_sniff_line(lk_conllu_sniff *s, const char *line, size_t len);
lk_status lk_conllu_as_text_error(const char *path, int64_t line, const char *how, lk_error *err);

/* The reader's input (path, line number, bytes read and size, for messages and progress). */
const lk_line_reader *lk_sentence_reader_lines(const lk_sentence_reader *r);

/* A whole tagged corpus in memory (for training): sentences own their strings. */
typedef struct {
    lk_sentence *sents;
    size_t n_sents;
    size_t n_tokens;
    void *arena_;       /* private */
    size_t sents_cap_;  /* private */
} lk_tagged_corpus;

/* Read all sentences of `path`. Free with lk_tagged_corpus_free. */
lk_status lk_tagged_corpus_load(const char *path, lk_tagged_format fmt, lk_tagged_corpus *out,
                                lk_error *err);
void lk_tagged_corpus_free(lk_tagged_corpus *c);

/* Streaming in chunks: append up to max_sents more sentences of r to out (zeroed, or emptied
   by lk_tagged_corpus_free, before the first call). *more is false once the input is
   exhausted. On an error the sentences read before the bad one stay in out, so a caller can
   use them before reporting it; out is freed with lk_tagged_corpus_free either way. */
lk_status lk_tagged_corpus_read(lk_sentence_reader *r, size_t max_sents, lk_tagged_corpus *out,
                                bool *more, lk_error *err);

#endif
