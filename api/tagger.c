/* tagger.c: the public tagger (include/lexkit/tagger.h) over models/tagger and, for raw
   text on character models, models/zhseg. A call takes a workspace (and segmenter) from the
   tagger's pool, or makes one, and puts it back when done: a workspace is costly to make
   (the model's inference tables, ~2 ms) and a call on a short sentence takes microseconds.
   Calls on several threads each hold their own; what they share is read-only (the model,
   and the OpenCC converter, whose conversions are thread-safe). */
#include "include/lexkit/tagger.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_internal.h"
#include "api/tagger_internal.h"
#include "models/tagger.h"
#include "models/zhseg.h"
#include "text/corpus.h"
#include "text/fileio.h"
#include "text/tokenize.h"
#include "text/userdict.h"
#include "text/utf8.h"
#include "text/zhscript.h"

/* A workspace of the pool, with the segmenter of the options it was last used with. */
typedef struct {
    lk_tagger_ws *ws;
    lk_zhseg *z;              /* NULL until a raw-text call on a character model */
    lexkit_text_options zo;   /* z's options */
    lk_tokenizer *tok;        /* word models: UD English tokenizer of raw text, or NULL */
    const char **forms;       /* word models: scratch per token of raw text */
    size_t *lens;
    int32_t *tags;
    size_t cap;
} ws_slot;

struct lexkit_tagger {
    lk_tagger *m;
    lk_t2s *t2s;              /* character models: traditional -> simplified, opened at load */
    lk_userdict *dict;        /* lexkit_tagger_set_user_dict, or NULL */
    pthread_mutex_t lock;     /* guards the pool */
    ws_slot *pool;            /* idle workspaces */
    size_t n_pool, cap_pool;
};

static void slot_free(ws_slot *s)
{
    lk_zhseg_free(s->z);
    lk_tagger_ws_free(s->ws);
    lk_tokenizer_free(s->tok);
    free(s->forms);
    free(s->lens);
    free(s->tags);
}

/* An idle workspace of t's pool, or a new one. */
static lk_status slot_take(lexkit_tagger *t, ws_slot *out)
{
    pthread_mutex_lock(&t->lock);
    bool got = t->n_pool > 0;
    if (got) *out = t->pool[--t->n_pool];
    pthread_mutex_unlock(&t->lock);
    if (got) return LK_OK;
    memset(out, 0, sizeof *out);
    return lk_tagger_ws_create(&out->ws);
}

/* Back into the pool (or freed if the pool cannot grow). */
static void slot_give(lexkit_tagger *t, ws_slot *s)
{
    pthread_mutex_lock(&t->lock);
    bool kept = lk_grow((void **)&t->pool, &t->cap_pool, t->n_pool + 1, sizeof *t->pool) == LK_OK;
    if (kept) t->pool[t->n_pool++] = *s;
    pthread_mutex_unlock(&t->lock);
    if (!kept) slot_free(s);
}

static const lk_tagger *in_t(const lexkit_tagger *t) { return t->m; }

LK_API lexkit_status lexkit_tagger_load(const char *path, lexkit_tagger **out, lexkit_error *err)
{
    if (!path || !out) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    *out = NULL;
    lk_error e;
    lk_error_clear(&e);
    lexkit_tagger *t = calloc(1, sizeof *t);
    if (!t) return lk_api_set(err, LEXKIT_ERR_NOMEM, "out of memory");
    if (pthread_mutex_init(&t->lock, NULL) != 0) {
        free(t);
        return lk_api_set(err, LEXKIT_ERR_NOMEM, "cannot create a mutex");
    }
    lk_status st = lk_tagger_load(path, &t->m, &e);
    if (st == LK_OK && lk_tagger_get_config(t->m)->unit == LK_TAGGER_CHAR)
        st = lk_t2s_create(&t->t2s, &e);
    if (st != LK_OK) {
        lexkit_tagger_free(t);
        return lk_api_err(err, st, &e);
    }
    *out = t;
    return LEXKIT_OK;
}

LK_API void lexkit_tagger_free(lexkit_tagger *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->n_pool; i++) slot_free(&t->pool[i]);
    free(t->pool);
    pthread_mutex_destroy(&t->lock);
    lk_userdict_free(t->dict);
    lk_t2s_free(t->t2s);
    lk_tagger_free(t->m);
    free(t);
}

LK_API int lexkit_tagger_segments(const lexkit_tagger *t)
{
    return t && lk_tagger_get_config(in_t(t))->unit == LK_TAGGER_CHAR;
}

LK_API int32_t lexkit_tagger_n_tags(const lexkit_tagger *t) { return t ? lk_tagger_n_tags(in_t(t)) : 0; }

LK_API const char *lexkit_tagger_tag_name(const lexkit_tagger *t, int32_t tag)
{
    return t ? lk_tagger_tag_name(in_t(t), tag) : NULL;
}

/* The pool is the one mutable part of a loaded tagger (guarded by its lock): a const handle
   may take from it. */
static lexkit_tagger *pooled(const lexkit_tagger *t) { return (lexkit_tagger *)(uintptr_t)t; }

/* Tag one sentence of n tokens with a word model, on workspace ws. */
static lk_status tag_tokens(const lk_tagger *m, lk_tagger_ws *ws, const char *const *toks,
                            const size_t *lens, size_t n, int32_t *tags, lk_error *e)
{
    lk_tagged_token *tt = calloc(n ? n : 1, sizeof *tt);
    int64_t *lines = calloc(n ? n : 1, sizeof *lines);
    lk_status st = tt && lines ? LK_OK : LK_ERR_NOMEM;
    for (size_t i = 0; st == LK_OK && i < n; i++) {
        if (!toks[i] || lens[i] == 0) {
            st = lk_error_set(e, LK_ERR_ARG, "token %zu: empty", i);
            break;
        }
        tt[i].form = toks[i];
        tt[i].form_len = lens[i];
        tt[i].upos = tt[i].xpos = tt[i].lemma = "_";
        lines[i] = 1;
    }
    if (st == LK_OK) {
        lk_sentence s;
        memset(&s, 0, sizeof s);
        s.tokens = tt;
        s.n = n;
        s.line = 1;
        s.token_lines = lines;
        st = lk_tagger_tag_sentences(m, ws, &s, 1, tags, e);
    }
    free(tt);
    free(lines);
    return st;
}

LK_API lexkit_status lexkit_tagger_tag(const lexkit_tagger *t, const char *const *tokens,
                                       const size_t *lens, size_t n, int32_t *tags,
                                       lexkit_error *err)
{
    if (!t || (n && (!tokens || !lens || !tags))) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    if (lexkit_tagger_segments(t))
        return lk_api_set(err, LEXKIT_ERR_ARG,
                          "a character model segments raw text: use lexkit_tagger_tag_text");
    if (n == 0) return LEXKIT_OK;
    lk_error e;
    lk_error_clear(&e);
    ws_slot s;
    lk_status st = slot_take(pooled(t), &s);
    if (st == LK_OK) {
        st = tag_tokens(in_t(t), s.ws, tokens, lens, n, tags, &e);
        slot_give(pooled(t), &s);
    }
    return lk_api_err(err, st, &e);
}

#define UTF8_BOM "\xEF\xBB\xBF"

/* A chunk of raw text's lines, read as `lexkit tag` and `lexkit tokenize` read a file's
   (lk_line_span: "\n", "\r\n" and a lone "\r" end a line; a UTF-8 BOM first is skipped):
   line i of the chunk is text[start[i] .. start[i] + len[i]), number first + i + 1 of the
   text. Arrays of `cap` entries, allocated once per call. */
typedef struct {
    size_t *start, *len;
    const char **ptr; /* text + start[i], for lk_zhseg_lines */
    size_t n, cap;
    int64_t first;
} line_chunk;

/* The next chunk of at most c->cap lines from *pos (advanced past them); none at the end. */
static void next_chunk(line_chunk *c, const char *text, size_t len, size_t *pos)
{
    size_t line_len, next;
    c->first += (int64_t)c->n;
    for (c->n = 0; c->n < c->cap && *pos < len; c->n++, *pos += next) {
        lk_line_span(text + *pos, len - *pos, true, &line_len, &next);
        c->start[c->n] = *pos;
        c->len[c->n] = line_len;
        c->ptr[c->n] = text + *pos;
    }
}

/* Invalid UTF-8 in any line of the chunk: LK_ERR_PARSE "text:LINE:COL: ..." naming the
   first. */
static lk_status check_lines(const line_chunk *c, lk_error *e)
{
    lk_status st = LK_OK;
    for (size_t i = 0; st == LK_OK && i < c->n; i++)
        st = lk_utf8_check_line(c->ptr[i], c->len[i], "text", c->first + (int64_t)i + 1, e);
    return st;
}

/* Word model on one line of raw text: tokenized as `lexkit tag --input-format raw` does
   (UD English EWT conventions: do n't, it 's) and tagged as one sentence, with slot s's
   tokenizer; its words are appended to (*out)[*n_out ..] (capacity *cap), their offsets
   plus `base`. */
static lk_status tag_words_line(const lk_tagger *m, ws_slot *s, const char *line, size_t len,
                                size_t base, lexkit_span **out, size_t *n_out, size_t *cap,
                                lk_error *e)
{
    const lk_token *toks = NULL;
    size_t n = 0;
    lk_status st = lk_tokenize_valid(s->tok, line, len, &toks, &n, e);
    if (st == LK_OK && n > s->cap) { /* three arrays of one capacity */
        size_t c1 = s->cap, c2 = s->cap, c3 = s->cap;
        if ((st = lk_grow_ptr(&s->forms, &c1, n, sizeof *s->forms)) == LK_OK &&
            (st = lk_grow_ptr(&s->lens, &c2, n, sizeof *s->lens)) == LK_OK &&
            (st = lk_grow_ptr(&s->tags, &c3, n, sizeof *s->tags)) == LK_OK)
            s->cap = c1 < c2 ? (c1 < c3 ? c1 : c3) : (c2 < c3 ? c2 : c3);
    }
    if (st == LK_OK) st = lk_grow_ptr(out, cap, *n_out + n, sizeof **out);
    for (size_t i = 0; st == LK_OK && i < n; i++) {
        s->forms[i] = line + toks[i].start; /* the original bytes, as a CoNLL-U FORM */
        s->lens[i] = toks[i].len;
    }
    if (st == LK_OK && n) st = tag_tokens(m, s->ws, s->forms, s->lens, n, s->tags, e);
    for (size_t i = 0; st == LK_OK && i < n; i++)
        (*out)[(*n_out)++] = (lexkit_span){base + toks[i].start, toks[i].len, s->tags[i]};
    return st;
}

/* Word model on a chunk of raw text: each line a sentence, as `lexkit tag --input-format
   raw`. */
static lk_status tag_words(const lk_tagger *m, ws_slot *s, const line_chunk *c,
                           lexkit_span **out, size_t *n_out, size_t *cap, lk_error *e)
{
    lk_status st = LK_OK;
    for (size_t i = 0; st == LK_OK && i < c->n; i++)
        st = tag_words_line(m, s, c->ptr[i], c->len[i], c->start[i], out, n_out, cap, e);
    return st;
}

/* Character model on a chunk of raw text: its lines segmented and tagged as `lexkit tag`
   does (models/zhseg.h: script detection per line); offsets into the whole text. */
static lk_status tag_chars(ws_slot *s, const line_chunk *c, lexkit_span **out, size_t *n_out,
                           size_t *cap, lk_error *e)
{
    const lk_tagger_span *spans = NULL;
    const size_t *off = NULL;
    lk_status st = lk_zhseg_lines(s->z, s->ws, c->ptr, c->len, c->n, &spans, &off, e);
    if (st == LK_OK) st = lk_grow_ptr(out, cap, *n_out + (off[c->n] - off[0]), sizeof **out);
    for (size_t i = 0; st == LK_OK && i < c->n; i++)
        for (size_t j = off[i]; j < off[i + 1]; j++)
            (*out)[(*n_out)++] = (lexkit_span){c->start[i] + spans[j].start, spans[j].len,
                                               spans[j].tag};
    return st;
}

/* Slot s ready for raw text: the UD English tokenizer of a word model, or a character
   model's segmenter for options o (made again when they differ from its last call's). */
static lk_status prepare_slot(const lexkit_tagger *t, ws_slot *s, const lexkit_text_options *o,
                              lk_error *e)
{
    if (!lexkit_tagger_segments(t)) {
        if (s->tok) return LK_OK;
        lk_tokenizer_config c = lk_tokenizer_config_default();
        c.mode = LK_TOKMODE_UD_EN;
        return lk_tokenizer_create(&c, &s->tok);
    }
    if (s->z && memcmp(&s->zo, o, sizeof *o) != 0) {
        lk_zhseg_free(s->z);
        s->z = NULL;
    }
    if (s->z) return LK_OK;
    lk_zhseg_config c = lk_zhseg_config_default();
    c.script = (lk_zh_script)o->script;
    c.granularity = o->coarse ? LK_ZH_COARSE : LK_ZH_FINE;
    c.pretok = !o->no_pretok;
    c.t2s = t->t2s;
    c.dict = t->dict;
    s->zo = *o;
    return lk_zhseg_create(t->m, &c, &s->z, e);
}

/* The words of raw text with slot s, chunk_lines lines at a time (so the scratch memory
   of a call is bounded by a chunk's, whatever the text's length; only the output grows
   with it). *out (*n_out entries, offsets into the whole text) is malloc'd. */
static lk_status tag_text(const lexkit_tagger *t, ws_slot *s, const char *text, size_t len,
                          const lexkit_text_options *o, size_t chunk_lines, lexkit_span **out,
                          size_t *n_out, lk_error *e)
{
    line_chunk c = {NULL, NULL, NULL, 0, chunk_lines, 0};
    size_t pos = len >= 3 && memcmp(text, UTF8_BOM, 3) == 0 ? 3 : 0, n = 0, cap = 0;
    lk_status st = prepare_slot(t, s, o, e);
    if (st == LK_OK && (!(c.start = malloc(chunk_lines * sizeof *c.start)) ||
                        !(c.len = malloc(chunk_lines * sizeof *c.len)) ||
                        !(c.ptr = malloc(chunk_lines * sizeof *c.ptr))))
        st = LK_ERR_NOMEM;
    while (st == LK_OK && pos < len) {
        next_chunk(&c, text, len, &pos);
        if ((st = check_lines(&c, e)) != LK_OK) break;
        st = lexkit_tagger_segments(t) ? tag_chars(s, &c, out, &n, &cap, e)
                                       : tag_words(in_t(t), s, &c, out, &n, &cap, e);
    }
    if (st == LK_OK && !*out && !(*out = malloc(sizeof **out))) st = LK_ERR_NOMEM;
    if (st == LK_OK) {
        *n_out = n;
    } else {
        free(*out);
        *out = NULL;
    }
    free(c.start);
    free(c.len);
    free(c.ptr);
    return st;
}

LK_API lexkit_status lexkit_tagger_set_user_dict(lexkit_tagger *t, const char *path,
                                                 lexkit_error *err)
{
    if (!t) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    if (!lexkit_tagger_segments(t))
        return lk_api_set(err, LEXKIT_ERR_ARG, "a user dictionary applies to character models");
    lk_error e;
    lk_error_clear(&e);
    lk_userdict *d = NULL;
    lk_status st = path ? lk_userdict_load(path, &d, &e) : LK_OK;
    if (st == LK_OK && d) st = lk_zhseg_check_dict(t->m, d, &e); /* now, not at first use */
    if (st != LK_OK) {
        lk_userdict_free(d);
        return lk_api_err(err, st, &e);
    }
    pthread_mutex_lock(&t->lock);
    for (size_t i = 0; i < t->n_pool; i++) { /* their segmenters borrow the old one */
        lk_zhseg_free(t->pool[i].z);
        t->pool[i].z = NULL;
    }
    lk_userdict_free(t->dict);
    t->dict = d;
    pthread_mutex_unlock(&t->lock);
    return LEXKIT_OK;
}

lexkit_status lk_api_tagger_tag_text_chunked(const lexkit_tagger *t, const char *text,
                                            size_t len, const lexkit_text_options *o,
                                            size_t chunk_lines, lexkit_span **spans, size_t *n,
                                            lexkit_error *err)
{
    if (!t || (!text && len) || !spans || !n || chunk_lines == 0)
        return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    *spans = NULL;
    *n = 0;
    const lexkit_text_options dflt = {0, 0, 0};
    if (!o) o = &dflt;
    if (o->script < 0 || o->script > 2 || o->coarse < 0 || o->coarse > 1 || o->no_pretok < 0 ||
        o->no_pretok > 1)
        return lk_api_set(err, LEXKIT_ERR_ARG,
                          "text options: script must be 0..2, coarse and no_pretok 0 or 1");
    if (!text) text = "";
    lk_error e;
    lk_error_clear(&e);
    ws_slot s;
    lk_status st = slot_take(pooled(t), &s);
    if (st == LK_OK) {
        st = tag_text(t, &s, text, len, o, chunk_lines, spans, n, &e);
        slot_give(pooled(t), &s);
    }
    return lk_api_err(err, st, &e);
}

LK_API lexkit_status lexkit_tagger_tag_text_opts(const lexkit_tagger *t, const char *text,
                                                 size_t len, const lexkit_text_options *o,
                                                 lexkit_span **spans, size_t *n,
                                                 lexkit_error *err)
{
    return lk_api_tagger_tag_text_chunked(t, text, len, o, LK_API_TAG_TEXT_CHUNK_LINES, spans,
                                          n, err);
}

LK_API lexkit_status lexkit_tagger_tag_text(const lexkit_tagger *t, const char *text,
                                            size_t len, lexkit_span **spans, size_t *n,
                                            lexkit_error *err)
{
    return lexkit_tagger_tag_text_opts(t, text, len, NULL, spans, n, err);
}
