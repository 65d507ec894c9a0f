/* embed_io.c: the LKEM model file (STYLE 2.9 envelope) and opening any vectors file.
   Payload v1, little-endian:
     u32 arch | u32 loss | u32 dim | u32 window | u32 negative | u32 minn | u32 maxn |
     u32 buckets | u32 cbow_batch | u32 flags (bit 0: tokenize, bit 1: keep case) | u64 epochs_done |
     u64 min_count | u64 seed | f64 sample | f64 alpha | u32 V | u32 n_in | u32 n_out |
     V x (u32 len | bytes | u64 count) | n_in x dim f32 | n_out x dim f32 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "models/embed_internal.h"
#include "text/fileio.h"

#define FIXED_BYTES (10 * 4 + 3 * 8 + 2 * 8 + 3 * 4)
#define FLAG_TOKENIZE 1u
#define FLAG_KEEP_CASE 2u /* with tokenize: not lowercased (files without it were) */

static void put_floats(lk_wr *b, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++) lk_wr_f32(b, x[i]);
}

static lk_status payload_size(const lk_embed_model *m, size_t *out)
{
    size_t n = FIXED_BYTES, f;
    for (int32_t w = 0; w < m->V; w++) n += 4 + lk_vocab_word_len(m->vocab, w) + 8;
    lk_status st = lk_add_size((size_t)m->n_in, (size_t)m->n_out, &f);
    if (st == LK_OK) st = lk_mul_size(f, (size_t)m->cfg.dim * 4, &f);
    if (st == LK_OK) st = lk_add_size(n, f, out);
    return st;
}

lk_status lk_embed_model_to_mem(const lk_embed_model *m, unsigned char **out, size_t *out_n,
                                lk_error *err)
{
    const lk_embed_config *c = &m->cfg;
    size_t n, total;
    *out = NULL;
    *out_n = 0;
    lk_status st = payload_size(m, &n);
    if (st == LK_OK) st = lk_add_size(n, LK_ENVELOPE_HEADER + 4, &total);
    if (st != LK_OK) return lk_error_set(err, st, "model too large to save");
    unsigned char *buf = malloc(total);
    if (!buf) return lk_error_set(err, LK_ERR_NOMEM, "out of memory saving the model");
    lk_wr b = {buf + LK_ENVELOPE_HEADER};
    lk_wr_u32(&b, (uint32_t)c->arch);
    lk_wr_u32(&b, (uint32_t)c->loss);
    lk_wr_u32(&b, (uint32_t)c->dim);
    lk_wr_u32(&b, (uint32_t)c->window);
    lk_wr_u32(&b, (uint32_t)c->negative);
    lk_wr_u32(&b, (uint32_t)c->minn);
    lk_wr_u32(&b, (uint32_t)c->maxn);
    lk_wr_u32(&b, (uint32_t)c->buckets);
    lk_wr_u32(&b, (uint32_t)c->cbow_batch);
    lk_wr_u32(&b, (c->tokenize ? FLAG_TOKENIZE : 0) | (c->keep_case ? FLAG_KEEP_CASE : 0));
    lk_wr_u64(&b, (uint64_t)m->epochs_done);
    lk_wr_u64(&b, (uint64_t)c->min_count);
    lk_wr_u64(&b, c->seed);
    lk_wr_f64(&b, c->sample);
    lk_wr_f64(&b, c->alpha);
    lk_wr_u32(&b, (uint32_t)m->V);
    lk_wr_u32(&b, (uint32_t)m->n_in);
    lk_wr_u32(&b, (uint32_t)m->n_out);
    for (int32_t w = 0; w < m->V; w++) {
        size_t len = lk_vocab_word_len(m->vocab, w);
        lk_wr_u32(&b, (uint32_t)len);
        memcpy(b.p, lk_vocab_word(m->vocab, w), len);
        b.p += len;
        lk_wr_u64(&b, (uint64_t)m->counts[w]);
    }
    put_floats(&b, m->in, (size_t)m->n_in * (size_t)c->dim);
    put_floats(&b, m->out, (size_t)m->n_out * (size_t)c->dim);
    lk_envelope_seal(buf, LK_EMBED_MAGIC, LK_EMBED_VERSION, 0, n);
    *out = buf;
    *out_n = total;
    return LK_OK;
}

typedef struct {
    const lk_embed_model *m;
} save_ctx;

static lk_status write_model(FILE *fp, void *p, lk_error *err)
{
    unsigned char *buf;
    size_t n;
    lk_status st = lk_embed_model_to_mem(((save_ctx *)p)->m, &buf, &n, err);
    if (st == LK_OK) st = lk_fwrite_all(fp, buf, n, "model", err);
    free(buf);
    return st;
}

lk_status lk_embed_model_write_fp(const lk_embed_model *m, FILE *fp, lk_error *err)
{
    save_ctx c = {m};
    return write_model(fp, &c, err);
}

lk_status lk_embed_model_save(const lk_embed_model *m, const char *path, lk_error *err)
{
    save_ctx c = {m};
    return lk_write_atomic(path, write_model, &c, err);
}

/* Header fields into m->cfg and sizes; every value range-checked. */
static lk_status parse_fixed(lk_rd *b, lk_embed_model *m, const char *path, lk_error *err)
{
    lk_embed_config *c = &m->cfg;
    *c = lk_embed_config_default();
    if (!lk_rd_have(b, FIXED_BYTES)) goto bad;
    uint32_t arch = lk_rd_u32(b), loss = lk_rd_u32(b), dim = lk_rd_u32(b),
             window = lk_rd_u32(b), negative = lk_rd_u32(b), minn = lk_rd_u32(b),
             maxn = lk_rd_u32(b), buckets = lk_rd_u32(b), cbow_batch = lk_rd_u32(b),
             flags = lk_rd_u32(b);
    uint64_t epochs = lk_rd_u64(b), min_count = lk_rd_u64(b), seed = lk_rd_u64(b);
    double sample = lk_rd_f64(b), alpha = lk_rd_f64(b);
    uint32_t V = lk_rd_u32(b), n_in = lk_rd_u32(b), n_out = lk_rd_u32(b);
    if (arch > 1 || loss > 1 || dim < 1 || dim > INT32_MAX || window > INT32_MAX ||
        negative > INT32_MAX || minn > INT32_MAX || maxn > INT32_MAX || buckets > INT32_MAX ||
        cbow_batch > INT32_MAX || min_count > INT64_MAX || epochs > INT64_MAX || V < 1 ||
        V > INT32_MAX || n_in > INT32_MAX || n_out > INT32_MAX)
        goto bad;
    c->arch = (lk_embed_arch)arch;
    c->loss = (lk_loss_kind)loss;
    c->dim = (int32_t)dim;
    c->window = (int32_t)window;
    c->negative = (int32_t)negative;
    c->minn = (int32_t)minn;
    c->maxn = (int32_t)maxn;
    c->buckets = (int32_t)buckets;
    c->cbow_batch = (int32_t)cbow_batch;
    c->tokenize = (flags & FLAG_TOKENIZE) != 0;
    c->keep_case = (flags & FLAG_KEEP_CASE) != 0;
    c->min_count = (int64_t)min_count;
    c->seed = seed;
    c->sample = sample;
    c->alpha = alpha;
    m->epochs_done = (int64_t)epochs;
    m->V = (int32_t)V;
    m->n_in = (int32_t)n_in;
    m->n_out = (int32_t)n_out;
    uint64_t want_in = (uint64_t)V + (maxn > 0 ? buckets : 0);
    uint64_t want_out = loss == LK_LOSS_NS ? V : (uint64_t)V - 1;
    if (lk_embed_config_check(c, NULL) != LK_OK || n_in != want_in || n_out != want_out) goto bad;
    return LK_OK;
bad:
    return lk_error_set(err, LK_ERR_FORMAT, "%s: malformed LKEM header", path);
}

static lk_status parse_payload(lk_rd *b, lk_embed_model *m, const char *path, lk_error *err)
{
    lk_status st = parse_fixed(b, m, path, err);
    if (st != LK_OK) return st;
    /* every vocabulary entry takes at least 12 bytes: check before allocating */
    if (!lk_rd_have(b, (uint64_t)m->V * 12))
        return lk_error_set(err, LK_ERR_FORMAT, "%s: vocabulary larger than the file", path);
    if ((st = lk_vocab_create(&m->vocab)) != LK_OK) return st;
    for (int32_t w = 0; w < m->V; w++) {
        uint32_t len = lk_rd_have(b, 4) ? lk_rd_u32(b) : UINT32_MAX;
        if (len == 0 || len == UINT32_MAX || !lk_rd_have(b, (uint64_t)len + 8))
            return lk_error_set(err, LK_ERR_FORMAT, "%s: malformed vocabulary entry %d", path,
                                (int)w + 1);
        const char *word = (const char *)b->p;
        b->p += len;
        int64_t count = (int64_t)lk_rd_u64(b);
        int32_t id;
        if ((st = lk_vocab_add_count(m->vocab, word, len, count < 0 ? 0 : count, &id)) != LK_OK)
            return st;
        if (id != w)
            return lk_error_set(err, LK_ERR_FORMAT, "%s: duplicate vocabulary word %d", path,
                                (int)w + 1);
    }
    uint64_t floats = ((uint64_t)m->n_in + (uint64_t)m->n_out) * (uint64_t)m->cfg.dim;
    if ((uint64_t)(b->end - b->p) != floats * 4)
        return lk_error_set(err, LK_ERR_FORMAT, "%s: matrix size disagrees with the header",
                            path);
    if ((st = lk_embed_model_alloc(m)) != LK_OK) return st;
    for (int32_t w = 0; w < m->V; w++) {
        m->counts[w] = lk_vocab_count(m->vocab, w);
        m->total += m->counts[w];
    }
    size_t n_in = (size_t)m->n_in * (size_t)m->cfg.dim;
    for (size_t i = 0; i < n_in; i++, b->p += 4) m->in[i] = lk_get_f32(b->p);
    size_t n_out = (size_t)m->n_out * (size_t)m->cfg.dim;
    for (size_t i = 0; i < n_out; i++, b->p += 4) m->out[i] = lk_get_f32(b->p);
    return LK_OK;
}

lk_status lk_embed_model_from_mem(const void *mem, size_t n, const char *path,
                                  lk_embed_model **out, lk_error *err)
{
    const char *buf = mem;
    *out = NULL;
    if (lk_embed_is_fasttext_magic((const unsigned char *)buf, n))
        return lk_embed_fasttext_from_mem((const unsigned char *)buf, n, path, out, err);
    lk_status st;
    const unsigned char *payload;
    uint64_t plen;
    st = lk_envelope_check((const unsigned char *)buf, n, LK_EMBED_MAGIC, LK_EMBED_VERSION, path,
                           &payload, &plen, NULL, NULL, err);
    lk_embed_model *m = NULL;
    if (st == LK_OK && !(m = calloc(1, sizeof *m))) st = LK_ERR_NOMEM;
    if (st == LK_OK) {
        lk_rd b = {payload, payload + plen};
        st = parse_payload(&b, m, path, err);
    }
    if (st != LK_OK) {
        lk_embed_model_free(m);
        return st;
    }
    *out = m;
    return LK_OK;
}

/* The whole file is read once (it may be a pipe: nothing is opened twice or seeked). */
lk_status lk_embed_model_load(const char *path, lk_embed_model **out, lk_error *err)
{
    *out = NULL;
    char *buf = NULL;
    size_t n = 0;
    lk_status st = lk_read_file(path, &buf, &n, err);
    if (st == LK_OK) st = lk_embed_model_from_mem(buf, n, path ? path : "-", out, err);
    free(buf);
    return st;
}

static bool is_model_magic(const void *buf, size_t n)
{
    return (n >= 4 && memcmp(buf, LK_EMBED_MAGIC, 4) == 0) ||
           lk_embed_is_fasttext_magic(buf, n);
}

/* The first bytes of a regular file, or (for standard input, a pipe or a device) the
   whole stream in *all, which is then parsed from memory. */
static lk_status peek_input(const char *path, char *head, size_t *head_n, char **all,
                            size_t *all_n, lk_error *err)
{
    struct stat sb;
    *all = NULL;
    *head_n = 0;
    bool regular = path && strcmp(path, "-") != 0 && stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
    if (!regular) return lk_read_file(path, all, all_n, err);
    FILE *fp = fopen(path, "rb");
    if (!fp) return LK_OK; /* lk_vectors_read reports it */
    *head_n = fread(head, 1, 4, fp);
    fclose(fp);
    return LK_OK;
}

/* *vec from a loaded model m (taken over: kept in *model, or freed on failure). */
static lk_status vectors_of_model(lk_embed_model *m, lk_vectors **vec, lk_embed_model **model)
{
    lk_status st = lk_embed_model_vectors(m, vec);
    if (st != LK_OK) {
        lk_embed_model_free(m);
        return st;
    }
    *model = m; /* all of the model's words are kept; callers restrict by rank */
    return LK_OK;
}

lk_status lk_embed_open_vectors_mem(const void *buf, size_t n, const char *name,
                                    int32_t max_words, lk_vectors **vec, lk_embed_model **model,
                                    lk_error *err)
{
    *vec = NULL;
    *model = NULL;
    if (!is_model_magic(buf, n))
        return lk_vectors_read_mem(buf, n, name, LK_VEC_AUTO, max_words, vec, err);
    lk_embed_model *m = NULL;
    lk_status st = lk_embed_model_from_mem(buf, n, name, &m, err);
    return st == LK_OK ? vectors_of_model(m, vec, model) : st;
}

lk_status lk_embed_open_vectors(const char *path, int32_t max_words, lk_vectors **vec,
                                lk_embed_model **model, lk_error *err)
{
    *vec = NULL;
    *model = NULL;
    char head[4], *all = NULL;
    size_t head_n = 0, all_n = 0;
    lk_status st = peek_input(path, head, &head_n, &all, &all_n, err);
    if (st != LK_OK) return st;
    if (all) {
        st = lk_embed_open_vectors_mem(all, all_n, path ? path : "-", max_words, vec, model, err);
        free(all);
        return st;
    }
    if (!is_model_magic(head, head_n))
        return lk_vectors_read(path, LK_VEC_AUTO, max_words, vec, err);
    lk_embed_model *m = NULL;
    if ((st = lk_embed_model_load(path, &m, err)) != LK_OK) return st;
    return vectors_of_model(m, vec, model);
}
