/* text.c: the public tokenizer and vocabulary (include/lexkit/tokenize.h, vocab.h) over
   text/tokenize and text/vocab. */
#include "include/lexkit/tokenize.h"
#include "include/lexkit/vocab.h"

#include <stdlib.h>

#include "api/api_internal.h"
#include "text/tokenize.h"
#include "text/vocab.h"

struct lexkit_tokenizer {
    lk_tokenizer *tok;
    lexkit_token *out;
    size_t cap;
};

LK_API lexkit_status lexkit_tokenizer_create(lexkit_tokenizer_mode mode, int lower,
                                             lexkit_tokenizer **out)
{
    if (!out) return LEXKIT_ERR_ARG;
    *out = NULL;
    if (mode < LEXKIT_TOKENIZER_LEXKIT || mode > LEXKIT_TOKENIZER_SPACE) return LEXKIT_ERR_ARG;
    lk_tokenizer_config c = lk_tokenizer_config_default();
    c.mode = mode == LEXKIT_TOKENIZER_SKLEARN ? LK_TOKMODE_SKLEARN
             : mode == LEXKIT_TOKENIZER_SPACE ? LK_TOKMODE_SPACE : LK_TOKMODE_LEXKIT;
    c.lower = lower != 0;
    c.keep_case = lower == 0;
    lexkit_tokenizer *t = calloc(1, sizeof *t);
    if (!t) return LEXKIT_ERR_NOMEM;
    lk_status st = lk_tokenizer_create(&c, &t->tok);
    if (st != LK_OK) {
        free(t);
        return (lexkit_status)st;
    }
    *out = t;
    return LEXKIT_OK;
}

LK_API void lexkit_tokenizer_free(lexkit_tokenizer *t)
{
    if (!t) return;
    lk_tokenizer_free(t->tok);
    free(t->out);
    free(t);
}

LK_API lexkit_status lexkit_tokenize(lexkit_tokenizer *t, const char *text, size_t len,
                                     const lexkit_token **toks, size_t *n, lexkit_error *err)
{
    if (!t || (!text && len) || !toks || !n) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    const lk_token *in;
    size_t cnt = 0;
    lk_error e;
    lk_error_clear(&e);
    *toks = NULL;
    *n = 0;
    lk_status st = lk_tokenize(t->tok, text ? text : "", len, &in, &cnt, &e);
    if (st == LK_OK) st = lk_grow((void **)&t->out, &t->cap, cnt ? cnt : 1, sizeof *t->out);
    if (st != LK_OK) return lk_api_err(err, st, &e);
    for (size_t i = 0; i < cnt; i++) {
        t->out[i].start = in[i].start;
        t->out[i].len = in[i].len;
        t->out[i].text = in[i].text;
        t->out[i].text_len = in[i].text_len;
    }
    *toks = t->out;
    *n = cnt;
    return LEXKIT_OK;
}

/* The public vocabulary is the internal one under another name. */
static lk_vocab *in_v(lexkit_vocab *v) { return (lk_vocab *)(void *)v; }
static const lk_vocab *in_cv(const lexkit_vocab *v) { return (const lk_vocab *)(const void *)v; }

LK_API lexkit_status lexkit_vocab_create(lexkit_vocab **out)
{
    if (!out) return LEXKIT_ERR_ARG;
    lk_vocab *v = NULL;
    lk_status st = lk_vocab_create(&v);
    *out = (lexkit_vocab *)(void *)v;
    return (lexkit_status)st;
}

LK_API void lexkit_vocab_free(lexkit_vocab *v) { lk_vocab_free(in_v(v)); }

LK_API lexkit_status lexkit_vocab_add(lexkit_vocab *v, const char *w, size_t len, int32_t *id)
{
    if (!v || !w) return LEXKIT_ERR_ARG;
    return (lexkit_status)lk_vocab_add(in_v(v), w, len, id);
}

LK_API int32_t lexkit_vocab_find(const lexkit_vocab *v, const char *w, size_t len)
{
    return v && w ? lk_vocab_find(in_cv(v), w, len) : LEXKIT_ID_NONE;
}

LK_API const char *lexkit_vocab_word(const lexkit_vocab *v, int32_t id)
{
    return v ? lk_vocab_word(in_cv(v), id) : NULL;
}

LK_API int64_t lexkit_vocab_count(const lexkit_vocab *v, int32_t id)
{
    return v ? lk_vocab_count(in_cv(v), id) : 0;
}

LK_API int32_t lexkit_vocab_size(const lexkit_vocab *v) { return v ? lk_vocab_size(in_cv(v)) : 0; }

LK_API lexkit_status lexkit_vocab_sort(lexkit_vocab *v, int64_t min_count, int32_t max_size)
{
    if (!v || min_count < 0 || max_size < 0) return LEXKIT_ERR_ARG;
    return (lexkit_status)lk_vocab_prune(in_v(v), min_count, max_size);
}

LK_API lexkit_status lexkit_vocab_save(const lexkit_vocab *v, const char *path, lexkit_error *err)
{
    if (!v || !path) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    lk_error e;
    lk_error_clear(&e);
    return lk_api_err(err, lk_vocab_save_tsv(in_cv(v), path, &e), &e);
}

LK_API lexkit_status lexkit_vocab_load(const char *path, lexkit_vocab **out, lexkit_error *err)
{
    if (!path || !out) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    lk_vocab *v = NULL;
    lk_error e;
    lk_error_clear(&e);
    lk_status st = lk_vocab_load_tsv(path, &v, &e);
    *out = (lexkit_vocab *)(void *)v;
    return lk_api_err(err, st, &e);
}
