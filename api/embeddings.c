/* embeddings.c: the public word vectors (include/lexkit/embeddings.h) over models/embed and
   models/vectors. */
#include "include/lexkit/embeddings.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_internal.h"
#include "models/embed.h"
#include "models/vectors.h"

/* A table, and the model it came from when that model has subword n-grams (they compose
   unseen words); a model without subwords is not kept. */
struct lexkit_vectors {
    lk_vectors *v;
    lk_embed_model *m; /* NULL, or a model with subwords */
};

static lk_vectors *in_v(lexkit_vectors *v) { return v->v; }
static const lk_vectors *in_cv(const lexkit_vectors *v) { return v->v; }

/* A handle owning v and m (both freed on failure; m freed unless it has subwords). */
static lk_status wrap(lk_vectors *v, lk_embed_model *m, lexkit_vectors **out)
{
    *out = NULL;
    if (m && lk_embed_model_config(m)->maxn <= 0) {
        lk_embed_model_free(m);
        m = NULL;
    }
    lexkit_vectors *h = v ? malloc(sizeof *h) : NULL;
    if (!h) {
        lk_vectors_free(v);
        lk_embed_model_free(m);
        return v ? LK_ERR_NOMEM : LK_OK;
    }
    h->v = v;
    h->m = m;
    *out = h;
    return LK_OK;
}

LK_API lexkit_embed_config lexkit_embed_config_default(void)
{
    lk_embed_config d = lk_embed_config_default();
    lexkit_embed_config c;
    memset(&c, 0, sizeof c);
    c.cbow = d.arch == LK_EMBED_CBOW;
    c.hs = d.loss == LK_LOSS_HS;
    c.dim = d.dim;
    c.window = d.window;
    c.negative = d.negative;
    c.epochs = d.epochs;
    c.threads = d.threads;
    c.min_count = d.min_count;
    c.sample = d.sample;
    c.alpha = d.alpha;
    c.minn = d.minn;
    c.maxn = d.maxn;
    c.seed = d.seed;
    c.tokenize = d.tokenize;
    return c;
}

LK_API int lexkit_embed_is_separator(int ch)
{
    return ch >= 0 && ch <= UCHAR_MAX && lk_embed_is_separator((unsigned char)ch);
}

LK_API lexkit_status lexkit_vectors_train(const char *corpus, const lexkit_embed_config *c,
                                          lexkit_vectors **out, lexkit_error *err)
{
    if (!corpus || !out) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    *out = NULL;
    lexkit_embed_config pd = lexkit_embed_config_default();
    if (!c) c = &pd;
    lk_embed_config ec = lk_embed_config_default();
    ec.arch = c->cbow ? LK_EMBED_CBOW : LK_EMBED_SKIPGRAM;
    ec.loss = c->hs ? LK_LOSS_HS : LK_LOSS_NS;
    ec.dim = c->dim;
    ec.window = c->window;
    ec.negative = c->negative;
    ec.epochs = c->epochs;
    ec.threads = c->threads;
    ec.min_count = c->min_count;
    ec.sample = c->sample;
    ec.alpha = c->alpha;
    ec.minn = c->minn;
    ec.maxn = c->maxn;
    ec.seed = c->seed;
    ec.tokenize = c->tokenize != 0;
    ec.cancel = c->cancel;
    lk_error e;
    lk_error_clear(&e);
    if (lk_embed_config_check(&ec, &e) != LK_OK) return lk_api_err(err, LK_ERR_ARG, &e);
    lk_embed_model *m = NULL;
    lk_vectors *v = NULL;
    lk_status st = lk_embed_train(&ec, corpus, &m, NULL, &e);
    if (st == LK_OK) st = lk_embed_model_vectors(m, &v);
    if (st == LK_OK) st = wrap(v, m, out);
    else lk_embed_model_free(m);
    return lk_api_err(err, st, &e);
}

LK_API lexkit_status lexkit_vectors_load(const char *path, lexkit_vec_format fmt,
                                         lexkit_vectors **out, lexkit_error *err)
{
    if (!path || !out) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    *out = NULL;
    lk_error e;
    lk_error_clear(&e);
    lk_vectors *v = NULL;
    lk_embed_model *m = NULL;
    lk_status st;
    if (fmt == LEXKIT_VEC_AUTO) {
        st = lk_embed_open_vectors(path, 0, &v, &m, &e);
    } else if (fmt == LEXKIT_VEC_TEXT || fmt == LEXKIT_VEC_BINARY) {
        st = lk_vectors_read(path, fmt == LEXKIT_VEC_TEXT ? LK_VEC_TEXT : LK_VEC_BIN, 0, &v, &e);
    } else {
        return lk_api_set(err, LEXKIT_ERR_ARG, "format: unknown value %d", (int)fmt);
    }
    if (st == LK_OK) st = wrap(v, m, out);
    return lk_api_err(err, st, &e);
}

LK_API lexkit_status lexkit_vectors_load_mem(const void *buf, size_t len, lexkit_vec_format fmt,
                                             lexkit_vectors **out, lexkit_error *err)
{
    static const char name[] = "<memory>";
    if ((!buf && len) || !out) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    *out = NULL;
    lk_error e;
    lk_error_clear(&e);
    lk_vectors *v = NULL;
    lk_embed_model *m = NULL;
    lk_status st;
    if (fmt == LEXKIT_VEC_AUTO) {
        st = lk_embed_open_vectors_mem(buf, len, name, 0, &v, &m, &e);
    } else if (fmt == LEXKIT_VEC_TEXT || fmt == LEXKIT_VEC_BINARY) {
        st = lk_vectors_read_mem(buf, len, name, fmt == LEXKIT_VEC_TEXT ? LK_VEC_TEXT : LK_VEC_BIN,
                                 0, &v, &e);
    } else {
        return lk_api_set(err, LEXKIT_ERR_ARG, "format: unknown value %d", (int)fmt);
    }
    if (st == LK_OK) st = wrap(v, m, out);
    return lk_api_err(err, st, &e);
}

LK_API lexkit_status lexkit_vectors_save(const lexkit_vectors *v, const char *path,
                                         lexkit_vec_format fmt, lexkit_error *err)
{
    if (!v || !path) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    if (fmt < LEXKIT_VEC_AUTO || fmt > LEXKIT_VEC_BINARY)
        return lk_api_set(err, LEXKIT_ERR_ARG, "format: unknown value %d", (int)fmt);
    lk_error e;
    lk_error_clear(&e);
    lk_status st = lk_vectors_write(in_cv(v), path, fmt == LEXKIT_VEC_BINARY ? LK_VEC_BIN : LK_VEC_TEXT,
                                    &e);
    return lk_api_err(err, st, &e);
}

LK_API lexkit_status lexkit_vectors_create(int32_t dim, lexkit_vectors **out)
{
    if (!out || dim <= 0) return LEXKIT_ERR_ARG;
    lk_vectors *v = NULL;
    lk_status st = lk_vectors_create(dim, &v);
    if (st == LK_OK) st = wrap(v, NULL, out);
    else *out = NULL;
    return (lexkit_status)st;
}

LK_API lexkit_status lexkit_vectors_add(lexkit_vectors *v, const char *w, size_t len,
                                        const float *vec)
{
    if (!v || !w || !vec) return LEXKIT_ERR_ARG;
    return (lexkit_status)lk_vectors_add(in_v(v), w, len, vec);
}

LK_API void lexkit_vectors_free(lexkit_vectors *v)
{
    if (!v) return;
    lk_vectors_free(v->v);
    lk_embed_model_free(v->m);
    free(v);
}

LK_API int lexkit_vectors_has_subwords(const lexkit_vectors *v) { return v && v->m; }

LK_API lexkit_status lexkit_vectors_word_vector(const lexkit_vectors *v, const char *w, size_t len,
                                                float *out, lexkit_error *err)
{
    if (!v || !w || !out) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    int32_t id = lk_vectors_find(v->v, w, len);
    if (id != LK_ID_NONE) {
        memcpy(out, lk_vectors_row(v->v, id), (size_t)lk_vectors_dim(v->v) * sizeof *out);
        return LEXKIT_OK;
    }
    bool found = false;
    if (v->m) lk_embed_model_word_vector(v->m, w, len, out, &found);
    if (!found)
        return lk_api_set(err, LEXKIT_ERR_ARG, "word '%.*s' not in vocabulary%s",
                          (int)(len > 200 ? 200 : len), w,
                          v->m ? " (and it has no n-gram to compose it from)" : "");
    return LEXKIT_OK;
}

LK_API lexkit_status lexkit_vectors_subwords(const lexkit_vectors *v, lexkit_subwords *out)
{
    if (!v || !out) return LEXKIT_ERR_ARG;
    if (!v->m) return LEXKIT_ERR_STATE;
    const lk_embed_config *c = lk_embed_model_config(v->m);
    out->minn = c->minn;
    out->maxn = c->maxn;
    out->buckets = c->buckets;
    out->word_rows = lk_embed_model_input(v->m);
    out->ngram_rows = out->word_rows + (size_t)lk_vectors_size(v->v) * (size_t)c->dim;
    return LEXKIT_OK;
}

LK_API lexkit_status lexkit_vectors_save_model(const lexkit_vectors *v, const char *path,
                                               lexkit_error *err)
{
    if (!v || !path) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    if (!v->m) return lk_api_set(err, LEXKIT_ERR_STATE, "these vectors have no subword model");
    lk_error e;
    lk_error_clear(&e);
    return lk_api_err(err, lk_embed_model_save(v->m, path, &e), &e);
}

LK_API lexkit_status lexkit_vectors_save_model_mem(const lexkit_vectors *v, void **buf,
                                                   size_t *len, lexkit_error *err)
{
    if (!v || !buf || !len) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    *buf = NULL;
    *len = 0;
    if (!v->m) return lk_api_set(err, LEXKIT_ERR_STATE, "these vectors have no subword model");
    lk_error e;
    lk_error_clear(&e);
    unsigned char *image = NULL;
    lk_status st = lk_embed_model_to_mem(v->m, &image, len, &e);
    *buf = image;
    return lk_api_err(err, st, &e);
}

LK_API int32_t lexkit_vectors_size(const lexkit_vectors *v) { return v ? lk_vectors_size(in_cv(v)) : 0; }
LK_API int32_t lexkit_vectors_dim(const lexkit_vectors *v) { return v ? lk_vectors_dim(in_cv(v)) : 0; }

LK_API const char *lexkit_vectors_word(const lexkit_vectors *v, int32_t id)
{
    return v ? lk_vectors_word(in_cv(v), id) : NULL;
}

LK_API int32_t lexkit_vectors_find(const lexkit_vectors *v, const char *w, size_t len)
{
    return v && w ? lk_vectors_find(in_cv(v), w, len) : -1;
}

LK_API const float *lexkit_vectors_data(const lexkit_vectors *v)
{
    return v ? lk_vectors_row(in_cv(v), 0) : NULL;
}

/* query += sign * the unit vector of word w (unseen: composed from n-grams by m, when not
   NULL, in scratch: dim floats); a vocabulary word's id goes to exclude. */
static lexkit_status add_unit(const lk_vectors *v, const lk_embed_model *m, const char *w,
                              float sign, float *query, float *scratch, int32_t *exclude,
                              int32_t *n_ex, lexkit_error *err)
{
    if (!w) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL word");
    int32_t id = lk_vectors_find(v, w, strlen(w));
    const float *row = id == LK_ID_NONE ? NULL : lk_vectors_row(v, id);
    bool found = false;
    if (!row && m) { /* an unseen word composed from its n-grams; nothing to exclude */
        lk_embed_model_word_vector(m, w, strlen(w), scratch, &found);
        row = found ? scratch : NULL;
    }
    if (!row) return lk_api_set(err, LEXKIT_ERR_ARG, "word '%s' not in vocabulary", w);
    int32_t dim = lk_vectors_dim(v);
    double sq = 0;
    for (int32_t d = 0; d < dim; d++) sq += (double)row[d] * row[d];
    float inv = sq > 0 ? (float)(1.0 / sqrt(sq)) : 0.0f;
    for (int32_t d = 0; d < dim; d++) query[d] += sign * inv * row[d];
    if (id != LK_ID_NONE) exclude[(*n_ex)++] = id;
    return LEXKIT_OK;
}

LK_API lexkit_status lexkit_vectors_most_similar(const lexkit_vectors *pv,
                                                 const char *const *positive, size_t n_pos,
                                                 const char *const *negative, size_t n_neg,
                                                 int32_t k, int32_t *ids, float *scores,
                                                 int32_t *n_found, lexkit_error *err)
{
    if (!pv || !n_found || (k > 0 && (!ids || !scores)) || (n_pos && !positive) ||
        (n_neg && !negative))
        return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    *n_found = 0;
    if (n_pos + n_neg == 0) return lk_api_set(err, LEXKIT_ERR_ARG, "no positive or negative words");
    if (k < 0) return lk_api_set(err, LEXKIT_ERR_ARG, "k: must be >= 0");
    if (n_pos + n_neg > (size_t)INT32_MAX / 2) return lk_api_set(err, LEXKIT_ERR_RANGE, "too many words");
    const lk_vectors *v = in_cv(pv);
    int32_t dim = lk_vectors_dim(v);
    float *query = calloc(2 * (size_t)dim, sizeof *query), *scratch = query + dim;
    int32_t *exclude = malloc((n_pos + n_neg) * sizeof *exclude);
    int32_t n_ex = 0;
    lexkit_status st = query && exclude ? LEXKIT_OK : lk_api_set(err, LEXKIT_ERR_NOMEM, "out of memory");
    for (size_t i = 0; st == LEXKIT_OK && i < n_pos; i++)
        st = add_unit(v, pv->m, positive[i], 1.0f, query, scratch, exclude, &n_ex, err);
    for (size_t i = 0; st == LEXKIT_OK && i < n_neg; i++)
        st = add_unit(v, pv->m, negative[i], -1.0f, query, scratch, exclude, &n_ex, err);
    if (st == LEXKIT_OK && k > 0)
        lk_vectors_nearest(v, query, k, 0, exclude, n_ex, ids, scores, n_found);
    free(query);
    free(exclude);
    return st;
}
