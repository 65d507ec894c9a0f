/* embed.c: configuration, vocabulary building and the model (create, query, export);
   training is in embed_train.c, LKEM files in embed_io.c. */
#include "models/embed.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/embed_internal.h"
#include "models/rng.h"
#include "models/subword.h"
#include "text/corpus.h"
#include "text/fileio.h"
#include "text/utf8.h"

#define MAX_DIM 100000
#define MAX_THREADS 1024


/* ---- config ------------------------------------------------------------------------ */

lk_embed_config lk_embed_config_default(void)
{
    lk_embed_config c;
    memset(&c, 0, sizeof c);
    c.arch = LK_EMBED_SKIPGRAM;
    c.loss = LK_LOSS_NS;
    c.dim = 100;
    c.window = 5;
    c.negative = 5;
    c.epochs = 5;
    c.threads = 1;
    c.sample = 1e-3;
    c.alpha = 0;
    c.min_count = 5;
    c.minn = 3;
    c.maxn = 0;
    c.buckets = 0; /* auto */
    c.cbow_batch = 1;
    c.seed = 1;
    return c;
}

lk_status lk_embed_config_check(const lk_embed_config *c, lk_error *err)
{
    if (!c) return lk_error_set(err, LK_ERR_ARG, "no config");
    if (c->arch != LK_EMBED_SKIPGRAM && c->arch != LK_EMBED_CBOW)
        return lk_error_set(err, LK_ERR_ARG, "arch: unknown architecture %d", (int)c->arch);
    if (c->loss != LK_LOSS_NS && c->loss != LK_LOSS_HS)
        return lk_error_set(err, LK_ERR_ARG, "loss: unknown kind %d", (int)c->loss);
    if (c->dim < 1 || c->dim > MAX_DIM)
        return lk_error_set(err, LK_ERR_ARG, "dim must be in [1, %d] (got %d)", MAX_DIM, (int)c->dim);
    if (c->window < 1)
        return lk_error_set(err, LK_ERR_ARG, "window must be >= 1 (got %d)", (int)c->window);
    if (c->loss == LK_LOSS_NS && c->negative < 1)
        return lk_error_set(err, LK_ERR_ARG, "negative must be >= 1 (got %d)", (int)c->negative);
    if (c->epochs < 1)
        return lk_error_set(err, LK_ERR_ARG, "epochs must be >= 1 (got %d)", (int)c->epochs);
    if (c->threads < 1 || c->threads > MAX_THREADS)
        return lk_error_set(err, LK_ERR_ARG, "threads must be in [1, %d] (got %d)", MAX_THREADS,
                            (int)c->threads);
    if (!(c->sample >= 0 && c->sample < 1))
        return lk_error_set(err, LK_ERR_ARG, "sample must be in [0, 1) (got %g)", c->sample);
    if (!(c->alpha >= 0 && c->alpha <= 1))
        return lk_error_set(err, LK_ERR_ARG, "alpha must be in [0, 1] (got %g)", c->alpha);
    if (c->min_count < 1)
        return lk_error_set(err, LK_ERR_ARG, "min_count must be >= 1 (got %lld)",
                            (long long)c->min_count);
    if (c->max_vocab < 0)
        return lk_error_set(err, LK_ERR_ARG, "max_vocab must be >= 0 (got %d)", (int)c->max_vocab);
    if (c->maxn > 0 && (c->minn < 1 || c->minn > c->maxn))
        return lk_error_set(err, LK_ERR_ARG, "minn, maxn: need 1 <= minn <= maxn (got %d, %d)",
                            (int)c->minn, (int)c->maxn);
    if (c->buckets < 0)
        return lk_error_set(err, LK_ERR_ARG, "buckets must be >= 0 (0 = scaled to the vocabulary)");
    if (c->cbow_batch < 1 || c->cbow_batch > 1024)
        return lk_error_set(err, LK_ERR_ARG, "cbow_batch must be in [1, 1024] (got %d)",
                            (int)c->cbow_batch);
    return LK_OK;
}

double lk_embed_keep_prob(int64_t count, int64_t total, double sample)
{
    if (!(sample > 0) || count <= 0 || total <= 0) return 1.0;
    double threshold = sample * (double)total;
    double p = (sqrt((double)count / threshold) + 1.0) * threshold / (double)count;
    return p < 1.0 ? p : 1.0;
}

/* ---- token streams ------------------------------------------------------------------ */

bool lk_embed_is_separator(unsigned char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\v' || ch == '\f';
}

lk_status lk_embed_tokenizer_open(const lk_embed_config *c, lk_tokenizer **out)
{
    *out = NULL;
    if (!c->tokenize) return LK_OK;
    lk_tokenizer_config tc = lk_tokenizer_config_default();
    tc.lower = !c->keep_case;
    tc.keep_punct = false;
    tc.keep_symbols = false;
    return lk_tokenizer_create(&tc, out);
}

/* Call fn on each token of a line: space-separated, or from the lexkit tokenizer. */
lk_status lk_embed_each_token(lk_tokenizer *tok, const char *line, size_t len, const char *path,
                            int64_t lineno, lk_embed_token_fn fn, void *ctx, lk_error *err)
{
    lk_status st = LK_OK;
    if (!tok) {
        size_t i = 0;
        while (i < len && st == LK_OK) {
            while (i < len && lk_embed_is_separator((unsigned char)line[i])) i++;
            size_t s = i;
            while (i < len && !lk_embed_is_separator((unsigned char)line[i])) i++;
            if (i > s) st = fn(ctx, line + s, i - s);
        }
        return st;
    }
    const lk_token *toks;
    size_t n;
    st = lk_tokenize(tok, line, len, &toks, &n, err);
    if (st != LK_OK) {
        lk_error_locate(err, path, lineno);
        return st;
    }
    for (size_t i = 0; i < n && st == LK_OK; i++)
        if (toks[i].kind == LK_TOK_WORD || toks[i].kind == LK_TOK_NUMBER ||
            toks[i].kind == LK_TOK_HAN)
            st = fn(ctx, toks[i].text, toks[i].text_len);
    return st;
}

/* The corpus must be UTF-8 text without NUL bytes (the vectors file must load again, in
   lexkit and in gensim), and not a CoNLL-U file (whose columns would become words). */
static lk_status check_corpus_line(const char *line, size_t len, const char *path, int64_t ln,
                                   lk_error *err)
{
    lk_status st = lk_text_check_line(line, len, path, ln,
                                      " in the corpus (expected UTF-8 text)", err);
    if (st == LK_OK && lk_conllu_row_like(line, len))
        st = lk_conllu_as_text_error(path, ln, "embed reads tokenized text, one sentence per "
                                     "line (take the FORM column, e.g. awk -F'\\t' 'NF==10 && "
                                     "$1 ~ /^[0-9]+$/ {printf \"%s \", $2} NF==0 {print \"\"}')",
                                     err);
    return st;
}

/* Unsegmented Chinese given as a pre-tokenized corpus: most of its characters sit in long
   space-free runs of Han characters, each run becoming one "word". The first
   HAN_SAMPLE_BYTES of the corpus are looked at. */
#define HAN_SAMPLE_BYTES (1u << 20)
#define HAN_LONG_TOKEN 8 /* a token of more Han characters than this is hardly one word */
typedef struct {
    int64_t chars;     /* code points in tokens */
    int64_t long_han;  /* code points in tokens of more than HAN_LONG_TOKEN Han characters */
    size_t bytes;      /* of the lines sampled */
} han_sample;

static void sample_han(han_sample *h, const char *line, size_t len)
{
    size_t i = 0;
    h->bytes += len + 1;
    while (i < len) {
        while (i < len && lk_embed_is_separator((unsigned char)line[i])) i++;
        int64_t chars = 0, han = 0;
        while (i < len && !lk_embed_is_separator((unsigned char)line[i])) {
            int32_t cp = 0;
            size_t k = lk_utf8_decode(line + i, len - i, &cp);
            i += k ? k : 1;
            chars++;
            han += k && lk_is_han(cp);
        }
        h->chars += chars;
        if (han > HAN_LONG_TOKEN) h->long_han += chars;
    }
}

/* The note on stderr (through c->log) when over half the sample is long Han runs. */
static void note_unsegmented(const lk_embed_config *c, const han_sample *h, const char *path)
{
    if (!c->log || h->chars == 0 || 2 * h->long_han <= h->chars) return;
    char msg[768];
    snprintf(msg, sizeof msg, "note: %s: %.0f%% of the text is runs of more than %d Han "
             "characters without spaces, each taken as one word (unsegmented Chinese?): give "
             "--tokenize (one token per Han character), or segment it into words first "
             "(lexkit tokenize --model zh --input FILE)", path,
             100.0 * (double)h->long_han / (double)h->chars, HAN_LONG_TOKEN);
    c->log(c->log_user, LK_LOG_WARN, msg);
}

static lk_status count_token(void *ctx, const char *w, size_t len)
{
    return lk_vocab_add((lk_vocab *)ctx, w, len, NULL);
}

/* First pass: count every token, then keep words with count >= min_count (at most
   max_vocab), sorted by count. */
lk_status lk_embed_build_vocab(const lk_embed_config *c, const char *path, lk_vocab **out,
                             lk_error *err)
{
    *out = NULL;
    lk_line_reader *r = NULL;
    lk_tokenizer *tok = NULL;
    lk_vocab *v = NULL;
    han_sample han = {0, 0, 0};
    lk_status st = lk_vocab_create(&v);
    if (st == LK_OK) st = lk_embed_tokenizer_open(c, &tok);
    if (st == LK_OK) st = lk_line_reader_open(path, &r, err);
    while (st == LK_OK) {
        const char *line;
        size_t len;
        bool got;
        if ((st = lk_line_reader_next(r, &line, &len, &got, err)) != LK_OK || !got) break;
        int64_t ln = lk_line_reader_lineno(r);
        if ((st = check_corpus_line(line, len, path, ln, err)) != LK_OK) break;
        if (!tok && han.bytes < HAN_SAMPLE_BYTES) sample_han(&han, line, len);
        st = lk_embed_each_token(tok, line, len, path, ln, count_token, v, err);
    }
    if (st == LK_OK) note_unsegmented(c, &han, path);
    if (st == LK_OK) {
        int32_t distinct = lk_vocab_size(v);
        if (distinct == 0) {
            st = lk_error_in(err, LK_ERR_PARSE, path, "the corpus has no words");
        } else if ((st = lk_vocab_prune(v, c->min_count, c->max_vocab)) == LK_OK) {
            int32_t need = c->loss == LK_LOSS_HS ? 2 : 1;
            if (lk_vocab_size(v) < need)
                st = lk_error_in(err, LK_ERR_PARSE, path,
                                 "%d word%s occur%s at least %lld times (min_count); "
                                 "training needs %d (the corpus has %d distinct words)",
                                 (int)lk_vocab_size(v), lk_vocab_size(v) == 1 ? "" : "s",
                                 lk_vocab_size(v) == 1 ? "s" : "", (long long)c->min_count,
                                 (int)need, (int)distinct);
        }
    }
    lk_line_reader_free(r);
    lk_tokenizer_free(tok);
    if (st != LK_OK) {
        lk_vocab_free(v);
        v = NULL;
    }
    *out = v;
    return st;
}

/* ---- model ---------------------------------------------------------------------------- */

/* Input rows of every word: itself, then its n-gram buckets. */
static lk_status build_subword_rows(lk_embed_model *m)
{
    const lk_embed_config *c = &m->cfg;
    size_t n = 0, cap = 0;
    lk_status st = LK_OK;
    m->sub_off = malloc(((size_t)m->V + 1) * sizeof *m->sub_off);
    if (!m->sub_off) return LK_ERR_NOMEM;
    for (int32_t w = 0; w < m->V && st == LK_OK; w++) {
        m->sub_off[w] = (int32_t)n;
        size_t first = n;
        st = lk_grow((void **)&m->sub_rows, &cap, n + 1, sizeof *m->sub_rows);
        if (st != LK_OK) break;
        m->sub_rows[n++] = w;
        size_t wl = lk_vocab_word_len(m->vocab, w);
        bool eos = wl == strlen(LK_EMBED_EOS) && memcmp(lk_vocab_word(m->vocab, w), LK_EMBED_EOS, wl) == 0;
        if (lk_embed_has_subwords(c) && !eos) {
            st = lk_subword_buckets(lk_vocab_word(m->vocab, w), lk_vocab_word_len(m->vocab, w),
                                    c->minn, c->maxn, c->buckets, &m->sub_rows, &n, &cap);
            for (size_t i = first + 1; i < n; i++) m->sub_rows[i] += m->V;
        }
        if (n > INT32_MAX) st = LK_ERR_RANGE;
    }
    if (st == LK_OK) m->sub_off[m->V] = (int32_t)n;
    if (st == LK_OK && !m->sub_rows) st = LK_ERR_NOMEM;
    return st;
}

lk_status lk_embed_model_alloc(lk_embed_model *m)
{
    size_t n_in_f, n_out_f;
    lk_status st = lk_mul_size((size_t)m->n_in, (size_t)m->cfg.dim, &n_in_f);
    if (st == LK_OK) st = lk_mul_size((size_t)m->n_out, (size_t)m->cfg.dim, &n_out_f);
    if (st == LK_OK) st = lk_mul_size(n_in_f, sizeof(float), &n_in_f);
    if (st == LK_OK) st = lk_mul_size(n_out_f, sizeof(float), &n_out_f);
    if (st != LK_OK) return st;
    m->in = malloc(n_in_f);
    m->out = calloc(1, n_out_f);
    m->counts = malloc((size_t)m->V * sizeof *m->counts);
    if (!m->in || !m->out || !m->counts) return LK_ERR_NOMEM;
    return build_subword_rows(m);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static void add_hash(void *ctx, const char *gram, size_t len)
{
    lk_hash_list *l = ctx;
    if (l->st != LK_OK) return;
    l->st = lk_grow((void **)&l->h, &l->cap, l->n + 1, sizeof *l->h);
    if (l->st == LK_OK) l->h[l->n++] = lk_subword_hash(gram, len);
}

lk_status lk_embed_auto_buckets(const lk_vocab *vocab, int32_t minn, int32_t maxn, int32_t *buckets,
                                int64_t *distinct)
{
    lk_hash_list l = {NULL, 0, 0, LK_OK};
    for (int32_t w = 0; w < lk_vocab_size(vocab) && l.st == LK_OK; w++) {
        lk_status st = lk_subword_each(lk_vocab_word(vocab, w), lk_vocab_word_len(vocab, w), minn,
                                       maxn, add_hash, &l);
        if (st != LK_OK) l.st = st;
    }
    if (l.st != LK_OK) {
        free(l.h);
        return l.st;
    }
    if (l.n > 1) qsort(l.h, l.n, sizeof *l.h, cmp_u32);
    int64_t d = 0;
    for (size_t i = 0; i < l.n; i++)
        if (i == 0 || l.h[i] != l.h[i - 1]) d++;
    free(l.h);
    int64_t b = d * LK_EMBED_AUTO_BUCKETS_PER_NGRAM;
    if (b < LK_EMBED_MIN_AUTO_BUCKETS) b = LK_EMBED_MIN_AUTO_BUCKETS;
    if (b > LK_EMBED_DEFAULT_BUCKETS) b = LK_EMBED_DEFAULT_BUCKETS;
    *buckets = (int32_t)b;
    *distinct = d;
    return LK_OK;
}

/* New model over `vocab` (taken over): inputs uniform in [-1, 1) / dim (as gensim and
   fastText), outputs 0. */
lk_status lk_embed_model_create(const lk_embed_config *c, lk_vocab *vocab, lk_embed_model **out)
{
    *out = NULL;
    lk_embed_model *m = calloc(1, sizeof *m);
    if (!m) {
        lk_vocab_free(vocab);
        return LK_ERR_NOMEM;
    }
    m->cfg = *c;
    m->cfg.log = NULL;
    m->cfg.log_user = NULL;
    m->cfg.cancel = NULL;
    m->vocab = vocab;
    m->V = lk_vocab_size(vocab);
    if (lk_embed_has_subwords(c) && c->buckets == 0) {
        int64_t distinct = 0;
        lk_status bst = lk_embed_auto_buckets(vocab, c->minn, c->maxn, &m->cfg.buckets, &distinct);
        if (bst != LK_OK) {
            lk_embed_model_free(m);
            return bst;
        }
        if (c->log) {
            char msg[160];
            snprintf(msg, sizeof msg, "subwords: %d buckets for %lld distinct n-grams of %d words "
                     "(buckets to choose)", (int)m->cfg.buckets, (long long)distinct, (int)m->V);
            c->log(c->log_user, LK_LOG_INFO, msg);
        }
    }
    c = &m->cfg;
    int64_t rows = (int64_t)m->V + (lk_embed_has_subwords(c) ? c->buckets : 0);
    if (rows > INT32_MAX) {
        lk_embed_model_free(m);
        return LK_ERR_RANGE;
    }
    m->n_in = (int32_t)rows;
    m->n_out = c->loss == LK_LOSS_NS ? m->V : m->V - 1;
    lk_status st = lk_embed_model_alloc(m);
    if (st != LK_OK) {
        lk_embed_model_free(m);
        return st;
    }
    for (int32_t w = 0; w < m->V; w++) {
        m->counts[w] = lk_vocab_count(vocab, w);
        m->total += m->counts[w];
    }
    lk_rng rng;
    lk_rng_seed(&rng, c->seed);
    size_t n = (size_t)m->n_in * (size_t)c->dim;
    float inv_dim = 1.0f / (float)c->dim;
    for (size_t i = 0; i < n; i++) m->in[i] = (2.0f * lk_rng_uniform(&rng) - 1.0f) * inv_dim;
    *out = m;
    return LK_OK;
}

void lk_embed_model_free(lk_embed_model *m)
{
    if (!m) return;
    lk_vocab_free(m->vocab);
    free(m->counts);
    free(m->in);
    free(m->out);
    free(m->sub_off);
    free(m->sub_rows);
    free(m);
}

const lk_embed_config *lk_embed_model_config(const lk_embed_model *m) { return &m->cfg; }
const lk_vocab *lk_embed_model_vocab(const lk_embed_model *m) { return m->vocab; }
int32_t lk_embed_model_dim(const lk_embed_model *m) { return m->cfg.dim; }
const float *lk_embed_model_input(const lk_embed_model *m) { return m->in; }

/* out = mean of the input rows rows[0..n). */
void lk_embed_mean_rows(const float *in, int32_t D, const int32_t *rows, int32_t n, float *out)
{
    memset(out, 0, (size_t)D * sizeof *out);
    for (int32_t i = 0; i < n; i++) lk_embed_axpy(1.0f, in + (size_t)rows[i] * D, out, D);
    if (n > 1) {
        float s = 1.0f / (float)n;
        for (int32_t d = 0; d < D; d++) out[d] *= s;
    }
}

void lk_embed_model_word_vector(const lk_embed_model *m, const char *w, size_t len, float *out,
                                bool *found)
{
    int32_t D = m->cfg.dim;
    int32_t id = lk_vocab_find(m->vocab, w, len);
    *found = false;
    if (id != LK_ID_NONE) {
        lk_embed_mean_rows(m->in, D, m->sub_rows + m->sub_off[id], m->sub_off[id + 1] - m->sub_off[id],
                  out);
        *found = true;
        return;
    }
    memset(out, 0, (size_t)D * sizeof *out);
    if (!lk_embed_has_subwords(&m->cfg)) return;
    int32_t *ids = NULL;
    size_t n = 0, cap = 0;
    if (lk_subword_buckets(w, len, m->cfg.minn, m->cfg.maxn, m->cfg.buckets, &ids, &n, &cap) ==
            LK_OK &&
        n > 0) {
        for (size_t i = 0; i < n; i++) ids[i] += m->V;
        lk_embed_mean_rows(m->in, D, ids, (int32_t)n, out);
        *found = true;
    }
    free(ids);
}

bool lk_embed_oov_vector(void *model, const char *w, size_t len, float *out)
{
    bool found;
    lk_embed_model_word_vector((const lk_embed_model *)model, w, len, out, &found);
    return found;
}

lk_status lk_embed_model_vectors(const lk_embed_model *m, lk_vectors **out)
{
    lk_vectors *v = NULL;
    float *row = malloc((size_t)m->cfg.dim * sizeof *row);
    lk_status st = row ? lk_vectors_create(m->cfg.dim, &v) : LK_ERR_NOMEM;
    for (int32_t w = 0; w < m->V && st == LK_OK; w++) {
        lk_embed_mean_rows(m->in, m->cfg.dim, m->sub_rows + m->sub_off[w],
                  m->sub_off[w + 1] - m->sub_off[w], row);
        st = lk_vectors_add(v, lk_vocab_word(m->vocab, w), lk_vocab_word_len(m->vocab, w), row);
    }
    free(row);
    if (st != LK_OK) {
        lk_vectors_free(v);
        v = NULL;
    }
    *out = v;
    return st;
}
