/* tagger.c: the public tagger (include/lexkit/tagger.h) over models/tagger and, for raw
   text on character models, models/zhseg. Each call makes its own workspace and segmenter,
   so a loaded tagger may be used from several threads; what calls share is read-only (the
   model, and the OpenCC converter, whose conversions are thread-safe). */
#include "include/lexkit/tagger.h"

#include <stdlib.h>
#include <string.h>

#include "api/api_internal.h"
#include "models/tagger.h"
#include "models/zhseg.h"
#include "text/corpus.h"
#include "text/tokenize.h"
#include "text/utf8.h"
#include "text/zhscript.h"

struct lexkit_tagger {
    lk_tagger *m;
    lk_t2s *t2s; /* character models: traditional -> simplified, opened once at load */
};

static const lk_tagger *in_t(const lexkit_tagger *t) { return t->m; }

LK_API lexkit_status lexkit_tagger_load(const char *path, lexkit_tagger **out, lexkit_error *err)
{
    if (!path || !out) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    *out = NULL;
    lk_error e;
    lk_error_clear(&e);
    lexkit_tagger *t = calloc(1, sizeof *t);
    if (!t) return lk_api_set(err, LEXKIT_ERR_NOMEM, "out of memory");
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

/* Tag one sentence of n tokens with a word model. */
static lk_status tag_tokens(const lk_tagger *m, const char *const *toks, const size_t *lens,
                            size_t n, int32_t *tags, lk_error *e)
{
    lk_tagged_token *tt = calloc(n ? n : 1, sizeof *tt);
    int64_t *lines = calloc(n ? n : 1, sizeof *lines);
    lk_tagger_ws *ws = NULL;
    lk_status st = tt && lines ? lk_tagger_ws_create(&ws) : LK_ERR_NOMEM;
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
    lk_tagger_ws_free(ws);
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
    return lk_api_err(err, tag_tokens(in_t(t), tokens, lens, n, tags, &e), &e);
}

/* Word model on raw text: lexkit's tokens, tagged as one sentence. */
static lk_status tag_words(const lk_tagger *m, const char *text, size_t len, lexkit_span **out,
                           size_t *n_out, lk_error *e)
{
    lk_tokenizer_config c = lk_tokenizer_config_default();
    lk_tokenizer *tok = NULL;
    const lk_token *toks = NULL;
    size_t n = 0;
    const char **forms = NULL;
    size_t *lens = NULL;
    int32_t *tags = NULL;
    lk_status st = lk_tokenizer_create(&c, &tok);
    if (st == LK_OK) st = lk_tokenize(tok, text, len, &toks, &n, e);
    if (st == LK_OK) {
        forms = malloc((n ? n : 1) * sizeof *forms);
        lens = malloc((n ? n : 1) * sizeof *lens);
        tags = malloc((n ? n : 1) * sizeof *tags);
        *out = malloc((n ? n : 1) * sizeof **out);
        if (!forms || !lens || !tags || !*out) st = LK_ERR_NOMEM;
    }
    for (size_t i = 0; st == LK_OK && i < n; i++) {
        forms[i] = text + toks[i].start; /* the original bytes, as a CoNLL-U FORM */
        lens[i] = toks[i].len;
    }
    if (st == LK_OK && n) st = tag_tokens(m, forms, lens, n, tags, e);
    for (size_t i = 0; st == LK_OK && i < n; i++)
        (*out)[i] = (lexkit_span){toks[i].start, toks[i].len, tags[i]};
    if (st == LK_OK) {
        *n_out = n;
    } else {
        free(*out);
        *out = NULL;
    }
    free(forms);
    free(lens);
    free(tags);
    lk_tokenizer_free(tok);
    return st;
}

/* Character model: segment and tag one text as `lexkit tag` does (models/zhseg.h). */
static lk_status tag_chars(const lexkit_tagger *t, const char *text, size_t len,
                           const lexkit_text_options *o, lexkit_span **out, size_t *n_out,
                           lk_error *e)
{
    lk_tagger_ws *ws = NULL;
    lk_zhseg *z = NULL;
    const lk_tagger_span *spans = NULL;
    const size_t *off = NULL;
    lk_zhseg_config c = lk_zhseg_config_default();
    c.script = (lk_zh_script)o->script;
    c.granularity = o->coarse ? LK_ZH_COARSE : LK_ZH_FINE;
    c.pretok = !o->no_pretok;
    c.t2s = t->t2s;
    lk_status st = lk_tagger_ws_create(&ws);
    if (st == LK_OK) st = lk_zhseg_create(t->m, &c, &z, e);
    if (st == LK_OK) st = lk_utf8_check_line(text, len, "text", 1, e);
    if (st == LK_OK) st = lk_zhseg_lines(z, ws, &text, &len, 1, &spans, &off, e);
    if (st == LK_OK) {
        size_t n = off[1] - off[0];
        *out = malloc((n ? n : 1) * sizeof **out);
        if (!*out) st = LK_ERR_NOMEM;
        for (size_t i = 0; st == LK_OK && i < n; i++)
            (*out)[i] = (lexkit_span){spans[off[0] + i].start, spans[off[0] + i].len,
                                      spans[off[0] + i].tag};
        if (st == LK_OK) *n_out = n;
    }
    lk_zhseg_free(z);
    lk_tagger_ws_free(ws);
    return st;
}

LK_API lexkit_status lexkit_tagger_tag_text_opts(const lexkit_tagger *t, const char *text,
                                                 size_t len, const lexkit_text_options *o,
                                                 lexkit_span **spans, size_t *n,
                                                 lexkit_error *err)
{
    if (!t || (!text && len) || !spans || !n) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
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
    lk_status st = lexkit_tagger_segments(t) ? tag_chars(t, text, len, o, spans, n, &e)
                                             : tag_words(in_t(t), text, len, spans, n, &e);
    return lk_api_err(err, st, &e);
}

LK_API lexkit_status lexkit_tagger_tag_text(const lexkit_tagger *t, const char *text,
                                            size_t len, lexkit_span **spans, size_t *n,
                                            lexkit_error *err)
{
    return lexkit_tagger_tag_text_opts(t, text, len, NULL, spans, n, err);
}
