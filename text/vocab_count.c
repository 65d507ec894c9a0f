/* vocab_count.c: lk_vocab_count_file: corpus readers + tokenizer -> vocabulary counts. */
#include "text/vocab_count.h"

#include <stdlib.h>

#include "text/corpus.h"
#include "text/fileio.h"
#include "text/utf8.h"

#define PROGRESS_EVERY 1024 /* records between progress calls */

typedef struct {
    lk_vocab *vocab;
    lk_tokenizer *tok;
    const lk_vocab_count_config *c;
    double done;
    const char **words; /* the tokens of one text, for lk_vocab_add_batch */
    size_t *lens, cap_words, cap_lens;
    lk_error *err;
} count_run;

lk_vocab_count_config lk_vocab_count_config_default(void)
{
    lk_vocab_count_config c = {LK_COUNT_TEXT, lk_tokenizer_config_default(), NULL, NULL};
    return c;
}

static void tick(count_run *r, int64_t n, double done, double total)
{
    r->done = done;
    if (r->c->progress && n % PROGRESS_EVERY == 0) r->c->progress(r->c->user, done, total);
}

/* Tokenize text[0..len) and count its tokens; tokenizer errors get "path:line:". */
static lk_status add_text(count_run *r, const char *text, size_t len, const char *path,
                          int64_t line)
{
    const lk_token *toks;
    size_t n;
    lk_status st = lk_tokenize(r->tok, text, len, &toks, &n, r->err);
    lk_error_locate(r->err, path, line);
    if (st == LK_OK) st = lk_grow((void **)&r->words, &r->cap_words, n, sizeof *r->words);
    if (st == LK_OK) st = lk_grow((void **)&r->lens, &r->cap_lens, n, sizeof *r->lens);
    for (size_t i = 0; st == LK_OK && i < n; i++) {
        r->words[i] = toks[i].text;
        r->lens[i] = toks[i].text_len;
    }
    return st == LK_OK ? lk_vocab_add_batch(r->vocab, r->words, r->lens, n, NULL, NULL) : st;
}

static lk_status count_text(count_run *r, const char *path)
{
    lk_line_reader *lr = NULL;
    lk_status st = lk_line_reader_open(path, &lr, r->err);
    const char *line;
    size_t len;
    bool got = true;
    lk_conllu_sniff sniff = {0};
    while (st == LK_OK && (st = lk_line_reader_next(lr, &line, &len, &got, r->err)) == LK_OK &&
           got) {
        int64_t lineno = lk_line_reader_lineno(lr);
        if (lk_conllu_sniff_line(&sniff, line, len)) {
            st = lk_conllu_as_text_error(lk_line_reader_path(lr), lineno, "text input is "
                                         "tokenized line by line, so its columns would be counted "
                                         "(give --input-format conllu to count the FORM column)",
                                         r->err);
            break;
        }
        st = add_text(r, line, len, lk_line_reader_path(lr), lineno);
        tick(r, lineno, lk_line_reader_offset(lr) / 1e6, lk_line_reader_size(lr) / 1e6);
    }
    lk_line_reader_free(lr);
    return st;
}

static lk_status count_jsonl(count_run *r, const char *path)
{
    lk_docs_reader *dr = NULL;
    lk_status st = lk_docs_open(path, LK_DOCS_JSONL, &dr, r->err);
    lk_doc doc;
    bool got = true;
    for (int64_t n = 1; st == LK_OK && (st = lk_docs_next(dr, &doc, &got, r->err)) == LK_OK &&
                        got; n++) {
        st = add_text(r, doc.title, doc.title_len, path, doc.line);
        if (st == LK_OK) st = add_text(r, doc.text, doc.text_len, path, doc.line);
        tick(r, n, lk_docs_offset(dr) / 1e6, lk_docs_size(dr) / 1e6);
    }
    lk_docs_free(dr);
    return st;
}

static lk_status count_conllu(count_run *r, const char *path)
{
    lk_sentence_reader *sr = NULL;
    lk_status st = lk_sentence_reader_open(path, LK_TAGGED_CONLLU, &sr, r->err);
    lk_sentence s;
    bool got = true;
    while (st == LK_OK && (st = lk_sentence_next(sr, &s, &got, r->err)) == LK_OK && got) {
        for (size_t i = 0; st == LK_OK && i < s.n; i++) {
            char *low = NULL;
            size_t len = s.tokens[i].form_len;
            if (r->c->tok.lower)
                st = lk_normalize(s.tokens[i].form, len, LK_NORM_CASEFOLD, &low, &len, r->err);
            if (st == LK_OK) st = lk_vocab_add(r->vocab, low ? low : s.tokens[i].form, len, NULL);
            free(low);
        }
        tick(r, (int64_t)r->done + 1, r->done + 1, 0);
    }
    lk_sentence_reader_free(sr);
    return st;
}

lk_status lk_vocab_count_file(lk_vocab *v, const char *path, const lk_vocab_count_config *c,
                              double *done, lk_error *err)
{
    count_run r = {.vocab = v, .c = c, .err = err};
    lk_status st = LK_OK;
    if (c->format != LK_COUNT_CONLLU && (st = lk_tokenizer_create(&c->tok, &r.tok)) != LK_OK)
        return lk_error_set(err, st, "cannot create the tokenizer");
    if (c->format == LK_COUNT_TEXT) st = count_text(&r, path);
    else if (c->format == LK_COUNT_JSONL) st = count_jsonl(&r, path);
    else st = count_conllu(&r, path);
    if (done) *done = r.done;
    lk_tokenizer_free(r.tok);
    free(r.words);
    free(r.lens);
    return st;
}
