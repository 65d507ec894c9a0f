/* embed_fasttext.c: fastText's .bin model file (format version 12, as fastText 0.9's
   FastText::saveModel writes it), for unsupervised models (skipgram, cbow) without
   quantization. Layout, all little-endian:
     i32 magic 793712314 | i32 version 12
     args: i32 dim, ws, epoch, minCount, neg, wordNgrams, loss (hs 1, ns 2), model (cbow 1,
           sg 2), bucket, minn, maxn, lrUpdateRate | f64 t (sampling threshold)
     dictionary: i32 size, nwords, nlabels | i64 ntokens | i64 pruneidx_size (-1: not
           pruned) | size x (word bytes, '\0', i64 count, i8 type 0=word 1=label)
     u8 quantized (0) | input matrix: i64 rows (nwords + bucket), i64 cols (dim), f32 data
     u8 quantized output (0) | output matrix: i64 rows (nwords), i64 cols, f32 data
   The input rows are lexkit's (words, then hashed n-gram buckets with the same hash and
   n-gram order), so a word's vector is the same mean in both programs. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/embed_internal.h"
#include "text/fileio.h"

#define FT_MAGIC 793712314
#define FT_VERSION 12
#define FT_LOSS_HS 1
#define FT_LOSS_NS 2
#define FT_MODEL_CBOW 1
#define FT_MODEL_SG 2
#define FT_MODEL_SUP 3
#define FT_LR_UPDATE_RATE 100 /* fastText's default; not used by lexkit */
#define FT_ARGS_BYTES (12 * 4 + 8)
#define FT_DICT_HEAD_BYTES (3 * 4 + 2 * 8)

bool lk_embed_is_fasttext_magic(const unsigned char *p, size_t n)
{
    return n >= 4 && lk_get_u32(p) == (uint32_t)FT_MAGIC;
}

/* ---- write -------------------------------------------------------------------------- */

typedef struct {
    FILE *fp;
    lk_status st;
} ft_out;

static void out_bytes(ft_out *o, const void *p, size_t n)
{
    if (o->st == LK_OK && n && fwrite(p, 1, n, o->fp) != n) o->st = LK_ERR_IO;
}
static void out32(ft_out *o, int32_t v)
{
    unsigned char b[4];
    lk_put_u32(b, (uint32_t)v);
    out_bytes(o, b, 4);
}
static void out64(ft_out *o, int64_t v)
{
    unsigned char b[8];
    lk_put_u64(b, (uint64_t)v);
    out_bytes(o, b, 8);
}
static void out_matrix(ft_out *o, const float *x, int64_t rows, int64_t rows_have, int32_t dim)
{
    out64(o, rows);
    out64(o, dim);
    unsigned char b[4 * 256];
    size_t n = (size_t)rows_have * (size_t)dim, zeros = (size_t)(rows - rows_have) * (size_t)dim;
    for (size_t i = 0; i < n;) {
        size_t k = 0;
        for (; k < 256 && i < n; k++, i++) lk_put_f32(b + 4 * k, x[i]);
        out_bytes(o, b, 4 * k);
    }
    memset(b, 0, sizeof b);
    for (size_t i = 0; i < zeros; i += 256) out_bytes(o, b, 4 * (zeros - i < 256 ? zeros - i : 256));
}

static lk_status write_ft(FILE *fp, void *ctx, lk_error *err)
{
    const lk_embed_model *m = ctx;
    const lk_embed_config *c = &m->cfg;
    bool sub = lk_embed_has_subwords(c);
    ft_out o = {fp, LK_OK};
    out32(&o, FT_MAGIC);
    out32(&o, FT_VERSION);
    int32_t args[12] = {c->dim, c->window, c->epochs,
                        c->min_count > INT32_MAX ? INT32_MAX : (int32_t)c->min_count,
                        c->negative, 1, c->loss == LK_LOSS_HS ? FT_LOSS_HS : FT_LOSS_NS,
                        c->arch == LK_EMBED_CBOW ? FT_MODEL_CBOW : FT_MODEL_SG,
                        sub ? c->buckets : 0, sub ? c->minn : 0, sub ? c->maxn : 0,
                        FT_LR_UPDATE_RATE};
    for (int i = 0; i < 12; i++) out32(&o, args[i]);
    unsigned char d[8];
    lk_put_f64(d, c->sample);
    out_bytes(&o, d, 8);
    out32(&o, m->V);
    out32(&o, m->V);
    out32(&o, 0);
    out64(&o, m->total);
    out64(&o, -1);
    for (int32_t w = 0; w < m->V; w++) {
        out_bytes(&o, lk_vocab_word(m->vocab, w), lk_vocab_word_len(m->vocab, w));
        out_bytes(&o, "", 1);
        out64(&o, m->counts[w]);
        out_bytes(&o, "", 1); /* type word */
    }
    out_bytes(&o, "", 1); /* input not quantized */
    out_matrix(&o, m->in, m->n_in, m->n_in, c->dim);
    out_bytes(&o, "", 1); /* output not quantized */
    out_matrix(&o, m->out, m->V, m->n_out, c->dim); /* HS: lexkit has V - 1 rows, pad one */
    if (o.st != LK_OK) return lk_error_set(err, LK_ERR_IO, "write error: %s", strerror(errno));
    return LK_OK;
}

lk_status lk_embed_model_save_fasttext(const lk_embed_model *m, const char *path, lk_error *err)
{
    return lk_write_atomic(path, write_ft, (void *)m, err);
}

lk_status lk_embed_model_write_fasttext_fp(const lk_embed_model *m, FILE *fp, lk_error *err)
{
    return write_ft(fp, (void *)m, err);
}

/* ---- read --------------------------------------------------------------------------- */

static lk_status bad(lk_error *err, const char *path, const char *what)
{
    return lk_error_set(err, LK_ERR_FORMAT, "%s: fastText model: %s", path, what);
}

/* Magic, version and args into m->cfg. */
static lk_status read_args(lk_rd *b, lk_embed_model *m, const char *path, lk_error *err)
{
    if (!lk_rd_have(b, 8 + FT_ARGS_BYTES)) return bad(err, path, "truncated header");
    if ((int32_t)lk_rd_u32(b) != FT_MAGIC) return bad(err, path, "bad magic");
    int32_t version = (int32_t)lk_rd_u32(b);
    if (version != FT_VERSION)
        return lk_error_set(err, LK_ERR_FORMAT, "%s: fastText model format v%d (lexkit reads v%d)",
                            path, (int)version, FT_VERSION);
    int32_t a[12];
    for (int i = 0; i < 12; i++) a[i] = (int32_t)lk_rd_u32(b);
    double t = lk_rd_f64(b);
    lk_embed_config *c = &m->cfg;
    *c = lk_embed_config_default();
    if (a[7] == FT_MODEL_SUP) return bad(err, path, "supervised (classifier) models are not word vectors");
    if (a[7] != FT_MODEL_CBOW && a[7] != FT_MODEL_SG) return bad(err, path, "unknown model kind");
    if (a[6] != FT_LOSS_HS && a[6] != FT_LOSS_NS)
        return bad(err, path, "only ns and hs losses are supported");
    c->dim = a[0];
    c->window = a[1] > 0 ? a[1] : 1;
    c->epochs = a[2] > 0 ? a[2] : 1;
    c->min_count = a[3] > 0 ? a[3] : 1;
    c->negative = a[4] > 0 ? a[4] : 1;
    c->loss = a[6] == FT_LOSS_HS ? LK_LOSS_HS : LK_LOSS_NS;
    c->arch = a[7] == FT_MODEL_CBOW ? LK_EMBED_CBOW : LK_EMBED_SKIPGRAM;
    c->buckets = a[8];
    c->minn = a[9];
    c->maxn = a[10];
    c->sample = t >= 0 && t < 1 ? t : 0;
    if (c->maxn <= 0 || c->buckets <= 0) {
        c->maxn = 0;
        c->minn = 3;
    }
    if (c->buckets < 0) return bad(err, path, "negative bucket count");
    if (lk_embed_config_check(c, NULL) != LK_OK || (c->maxn > 0 && c->buckets < 1))
        return bad(err, path, "settings out of range");
    return LK_OK;
}

static lk_status read_dict(lk_rd *b, lk_embed_model *m, const char *path, lk_error *err)
{
    if (!lk_rd_have(b, FT_DICT_HEAD_BYTES)) return bad(err, path, "truncated dictionary");
    int32_t size = (int32_t)lk_rd_u32(b), nwords = (int32_t)lk_rd_u32(b),
            nlabels = (int32_t)lk_rd_u32(b);
    (void)lk_rd_u64(b); /* ntokens */
    int64_t pruned = (int64_t)lk_rd_u64(b);
    if (nlabels != 0) return bad(err, path, "the dictionary has labels (a classifier)");
    if (pruned > 0) return bad(err, path, "pruned (quantized) models are not supported");
    if (size < 1 || nwords != size) return bad(err, path, "malformed dictionary sizes");
    if (!lk_rd_have(b, (uint64_t)size * 10)) return bad(err, path, "truncated dictionary");
    lk_status st = lk_vocab_create(&m->vocab);
    if (st != LK_OK) return st;
    for (int32_t w = 0; w < size; w++) {
        const unsigned char *z = memchr(b->p, 0, (size_t)(b->end - b->p));
        if (!z || (size_t)(b->end - z) < 1 + 8 + 1) return bad(err, path, "truncated dictionary");
        if (z == b->p)
            return lk_error_set(err, LK_ERR_FORMAT, "%s: fastText model: empty word %d", path,
                                (int)w + 1);
        const char *word = (const char *)b->p;
        size_t len = (size_t)(z - b->p);
        b->p = z + 1;
        int64_t count = (int64_t)lk_rd_u64(b);
        b->p++; /* type: word (labels were refused above) */
        int32_t id;
        if ((st = lk_vocab_add_count(m->vocab, word, len, count < 0 ? 0 : count, &id)) != LK_OK)
            return lk_error_set(err, st, "%s: fastText model: word %d", path, (int)w + 1);
        if (id != w)
            return lk_error_set(err, LK_ERR_FORMAT, "%s: fastText model: duplicate word %d", path,
                                (int)w + 1);
    }
    m->V = size;
    if (pruned == 0) m->cfg.maxn = 0; /* fastText writes -1; 0 = every n-gram pruned away */
    return LK_OK;
}

/* One matrix header: rows must be `rows`, cols dim, data present; *data points at it. */
static lk_status read_matrix(lk_rd *b, int64_t rows, int32_t dim, const unsigned char **data,
                             const char *path, const char *which, lk_error *err)
{
    if (!lk_rd_have(b, 1 + 16)) return bad(err, path, "truncated matrix");
    if (*b->p++ != 0) return bad(err, path, "quantized models (.ftz) are not supported");
    int64_t r = (int64_t)lk_rd_u64(b), c = (int64_t)lk_rd_u64(b);
    if (r != rows || c != dim)
        return lk_error_set(err, LK_ERR_FORMAT, "%s: fastText model: %s matrix is %lldx%lld, "
                            "expected %lldx%d", path, which, (long long)r, (long long)c,
                            (long long)rows, (int)dim);
    uint64_t bytes = (uint64_t)rows * (uint64_t)dim * 4;
    if (!lk_rd_have(b, bytes)) return bad(err, path, "truncated matrix data");
    *data = b->p;
    b->p += bytes;
    return LK_OK;
}

static lk_status parse_ft(lk_rd *b, lk_embed_model *m, const char *path, lk_error *err)
{
    lk_status st = read_args(b, m, path, err);
    if (st == LK_OK) st = read_dict(b, m, path, err);
    if (st != LK_OK) return st;
    bool sub = lk_embed_has_subwords(&m->cfg);
    int64_t n_in = (int64_t)m->V + (sub ? m->cfg.buckets : 0);
    if (n_in > INT32_MAX) return bad(err, path, "too many rows");
    int64_t file_in = (int64_t)m->V + m->cfg.buckets; /* fastText: nwords + bucket rows */
    const unsigned char *in_data, *out_data;
    st = read_matrix(b, file_in, m->cfg.dim, &in_data, path, "input", err);
    if (st == LK_OK) st = read_matrix(b, m->V, m->cfg.dim, &out_data, path, "output", err);
    if (st != LK_OK) return st;
    if (b->p != b->end) return bad(err, path, "trailing bytes after the output matrix");
    if (m->cfg.loss == LK_LOSS_HS && m->V < 2) return bad(err, path, "hs needs two words");
    m->n_in = (int32_t)n_in;
    m->n_out = m->cfg.loss == LK_LOSS_NS ? m->V : m->V - 1;
    if ((st = lk_embed_model_alloc(m)) != LK_OK) return lk_error_set(err, st, "out of memory");
    for (int32_t w = 0; w < m->V; w++) {
        m->counts[w] = lk_vocab_count(m->vocab, w);
        m->total += m->counts[w];
    }
    size_t n = (size_t)m->n_in * (size_t)m->cfg.dim;
    for (size_t i = 0; i < n; i++) m->in[i] = lk_get_f32(in_data + 4 * i); /* skips unused buckets */
    n = (size_t)m->n_out * (size_t)m->cfg.dim;
    for (size_t i = 0; i < n; i++) m->out[i] = lk_get_f32(out_data + 4 * i);
    m->epochs_done = m->cfg.epochs;
    return LK_OK;
}

lk_status lk_embed_fasttext_from_mem(const unsigned char *buf, size_t n, const char *path,
                                     lk_embed_model **out, lk_error *err)
{
    *out = NULL;
    lk_embed_model *m = calloc(1, sizeof *m);
    if (!m) return lk_error_set(err, LK_ERR_NOMEM, "out of memory");
    lk_rd b = {buf, buf + n};
    lk_status st = parse_ft(&b, m, path, err);
    if (st != LK_OK) {
        lk_embed_model_free(m);
        return st;
    }
    *out = m;
    return LK_OK;
}

lk_status lk_embed_model_load_fasttext(const char *path, lk_embed_model **out, lk_error *err)
{
    *out = NULL;
    char *buf = NULL;
    size_t n = 0;
    lk_status st = lk_read_file(path, &buf, &n, err);
    if (st != LK_OK) return st;
    st = lk_embed_fasttext_from_mem((const unsigned char *)buf, n, path ? path : "-", out, err);
    free(buf);
    return st;
}
