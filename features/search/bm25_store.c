/* bm25_store.c: stored fields: record encoding, the block writer (zstd) and the reader. */
#include "features/search/bm25_store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>
#define ZDICT_STATIC_LINKING_ONLY
#include <zdict.h>

#include "features/search/bm25_build_internal.h"
#include "features/search/bm25_index_internal.h"
#include "features/search/bm25_seg_internal.h"
#include "features/search/bm25_segments.h"
#include "features/search/bm25_store_internal.h"
#include "text/fileio.h"

enum { KIND_STRING = 0, KIND_NUMBER = 1 };

/* ---- specs and records ------------------------------------------------------------------ */

const char *lk_bm25_store_spec_check(const char *spec)
{
    if (!spec) return "missing store spec";
    if (strlen(spec) > LK_BM25_STORE_MAX_SPEC) return "store spec too long";
    if (strcmp(spec, "all") == 0 || strcmp(spec, "none") == 0) return NULL;
    const char *p = spec;
    for (;;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 0) return "empty field name in the list";
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)p[i] <= ' ') return "field names cannot contain spaces";
        if (!e) return NULL;
        p = e + 1;
    }
}

bool lk_bm25_store_spec_wants(const char *spec, size_t spec_len, const char *name, size_t len)
{
    if (spec_len == 3 && memcmp(spec, "all", 3) == 0) return true;
    if (spec_len == 4 && memcmp(spec, "none", 4) == 0) return false;
    size_t i = 0;
    while (i <= spec_len) {
        size_t j = i;
        while (j < spec_len && spec[j] != ',') j++;
        if (j - i == len && memcmp(spec + i, name, len) == 0) return true;
        i = j + 1;
    }
    return false;
}

static lk_status put_varint(lk_bytes *out, uint64_t v)
{
    unsigned char tmp[10];
    return lk_bytes_append(out, tmp, lk_varint_put(tmp, v));
}

static lk_status put_field(lk_bytes *out, const char *name, size_t name_len, int kind,
                           const char *value, size_t value_len)
{
    unsigned char k = (unsigned char)kind;
    lk_status st = put_varint(out, name_len);
    if (st == LK_OK) st = lk_bytes_append(out, name, name_len);
    if (st == LK_OK) st = lk_bytes_append(out, &k, 1);
    if (st == LK_OK) st = put_varint(out, value_len);
    if (st == LK_OK) st = lk_bytes_append(out, value, value_len);
    return st;
}

lk_status lk_bm25_store_encode(const lk_doc *d, const char *spec, size_t spec_len, lk_bytes *out)
{
    lk_status st = LK_OK;
    if (d->title_len && lk_bm25_store_spec_wants(spec, spec_len, "title", 5))
        st = put_field(out, "title", 5, KIND_STRING, d->title, d->title_len);
    if (st == LK_OK && lk_bm25_store_spec_wants(spec, spec_len, "text", 4))
        st = put_field(out, "text", 4, KIND_STRING, d->text, d->text_len);
    for (size_t i = 0; st == LK_OK && i < d->n_fields; i++) {
        const lk_doc_field *f = &d->fields[i];
        if (lk_bm25_store_spec_wants(spec, spec_len, f->name, f->name_len))
            st = put_field(out, f->name, f->name_len, f->number ? KIND_NUMBER : KIND_STRING,
                           f->value, f->value_len);
    }
    return st;
}

/* ---- reading ---------------------------------------------------------------------------- */

static lk_status corrupt(lk_error *err, const char *path)
{
    return lk_error_set(err, LK_ERR_FORMAT, "%s: corrupt index (stored fields)",
                        path ? path : "<memory>");
}

lk_status lk_bm25__store_parse(const unsigned char *p, uint64_t len, uint32_t n_docs,
                               lk_bm25__store *s, const char *path, lk_error *err)
{
    memset(s, 0, sizeof *s);
    uint64_t at = 0;
    if (len < 8) return corrupt(err, path);
    uint64_t spec_len = lk_get_u32(p);
    at = 4;
    if (spec_len > LK_BM25_STORE_MAX_SPEC || spec_len > len - at - 4) return corrupt(err, path);
    s->spec = p + at;
    s->spec_len = (size_t)spec_len;
    at += spec_len;
    uint64_t dict_len = lk_get_u32(p + at);
    at += 4;
    if (dict_len > len - at) return corrupt(err, path);
    s->dict = p + at;
    s->dict_len = (size_t)dict_len;
    at += dict_len;
    if (((uint64_t)n_docs + 1) > (len - at) / 8) return corrupt(err, path);
    s->offs = p + at;
    at += ((uint64_t)n_docs + 1) * 8;
    s->blob = p + at;
    s->blob_len = len - at;
    s->n_docs = n_docs;
    uint64_t prev = 0;
    for (uint64_t d = 0; d <= n_docs; d++) {
        uint64_t o = lk_get_u64(s->offs + 8 * d);
        if (o < prev || o > s->blob_len || (d == 0 && o != 0) || (d == n_docs && o != s->blob_len))
            return corrupt(err, path);
        prev = o;
    }
    if (dict_len && !(s->ddict = ZSTD_createDDict(s->dict, s->dict_len)))
        return corrupt(err, path);
    return LK_OK;
}

void lk_bm25__store_free(lk_bm25__store *s)
{
    if (s && s->ddict) ZSTD_freeDDict(s->ddict);
    if (s) s->ddict = NULL;
}

struct lk_bm25_store_ws {
    ZSTD_DCtx *dctx;
    lk_bytes raw;
    lk_doc_field *fields;
    size_t fields_cap;
};

lk_status lk_bm25_store_ws_create(lk_bm25_store_ws **out)
{
    *out = calloc(1, sizeof **out);
    if (!*out) return LK_ERR_NOMEM;
    if (!((*out)->dctx = ZSTD_createDCtx())) {
        free(*out);
        *out = NULL;
        return LK_ERR_NOMEM;
    }
    return LK_OK;
}

void lk_bm25_store_ws_free(lk_bm25_store_ws *ws)
{
    if (!ws) return;
    ZSTD_freeDCtx(ws->dctx);
    lk_bytes_free(&ws->raw);
    free(ws->fields);
    free(ws);
}

static const char *index_name(const lk_bm25__seg *x) { return lk_bm25__seg_file(x); }

lk_status lk_bm25__store_record(const lk_bm25__seg *x, lk_bm25_store_ws *ws, uint32_t doc,
                                const unsigned char **rec, size_t *len, lk_error *err)
{
    const lk_bm25__store *s = lk_bm25__seg_store(x);
    if (!s || doc >= s->n_docs) return LK_ERR_ARG;
    uint64_t a = lk_get_u64(s->offs + 8 * (size_t)doc), b = lk_get_u64(s->offs + 8 * (size_t)doc + 8);
    *rec = ws->raw.data;
    *len = 0;
    if (a == b) return LK_OK; /* nothing stored */
    unsigned long long raw = ZSTD_getFrameContentSize(s->blob + a, (size_t)(b - a));
    if (raw == ZSTD_CONTENTSIZE_UNKNOWN || raw == ZSTD_CONTENTSIZE_ERROR || raw > STORE_MAX_RAW)
        return corrupt(err, index_name(x));
    ws->raw.len = 0;
    if (lk_bytes_reserve(&ws->raw, (size_t)raw + 1) != LK_OK) return LK_ERR_NOMEM;
    size_t got = s->ddict ? ZSTD_decompress_usingDDict(ws->dctx, ws->raw.data, (size_t)raw,
                                                       s->blob + a, (size_t)(b - a), s->ddict)
                          : ZSTD_decompressDCtx(ws->dctx, ws->raw.data, (size_t)raw, s->blob + a,
                                                (size_t)(b - a));
    if (ZSTD_isError(got) || got != raw) return corrupt(err, index_name(x));
    ws->raw.len = got;
    *rec = ws->raw.data;
    *len = got;
    return LK_OK;
}

/* Split a record into ws->fields. */
static lk_status decode_record(lk_bm25_store_ws *ws, const unsigned char *p, size_t len,
                               const lk_bm25__seg *x, size_t *n_fields, lk_error *err)
{
    *n_fields = 0;
    if (len == 0) return LK_OK; /* nothing stored for the document: p may be NULL */
    const unsigned char *end = p + len;
    size_t n = 0;
    while (p < end) {
        uint64_t nl, vl;
        size_t k = lk_varint_get(p, end, &nl);
        if (!k || nl > (uint64_t)(end - p - k) || (uint64_t)(end - p - k) - nl < 2)
            return corrupt(err, index_name(x));
        const unsigned char *name = p + k;
        p = name + nl;
        unsigned char kind = *p++;
        k = lk_varint_get(p, end, &vl);
        if (!k || kind > KIND_NUMBER || vl > (uint64_t)(end - p - k))
            return corrupt(err, index_name(x));
        void *f = ws->fields;
        if (lk_grow(&f, &ws->fields_cap, n + 1, sizeof *ws->fields) != LK_OK) return LK_ERR_NOMEM;
        ws->fields = f;
        ws->fields[n++] = (lk_doc_field){(const char *)name, (size_t)nl, (const char *)p + k,
                                         (size_t)vl, kind == KIND_NUMBER};
        p += k + vl;
    }
    *n_fields = n;
    return LK_OK;
}

lk_status lk_bm25_doc_fields(const lk_bm25_index *idx, lk_bm25_store_ws *ws, uint32_t doc,
                             const lk_doc_field **fields, size_t *n_fields, lk_error *err)
{
    *fields = NULL;
    *n_fields = 0;
    if (doc >= lk_bm25_index_doc_end(idx)) return LK_ERR_RANGE;
    size_t ns = lk_bm25__index_n_segs(idx);
    for (size_t i = ns; i-- > 0;) {
        uint32_t base = 0;
        const lk_bm25__seg *x = lk_bm25__index_seg(idx, i, &base, NULL);
        if (doc < base) continue;
        if (!lk_bm25__seg_store(x)) return LK_OK;
        const unsigned char *rec;
        size_t len;
        lk_status st = lk_bm25__store_record(x, ws, doc - base, &rec, &len, err);
        if (st == LK_OK) st = decode_record(ws, rec, len, x, n_fields, err);
        *fields = ws->fields;
        return st;
    }
    return LK_ERR_RANGE;
}

const char *lk_bm25_index_store_spec(const lk_bm25_index *idx, size_t *len)
{
    const lk_bm25__store *s = lk_bm25__seg_store(lk_bm25__index_seg(idx, 0, NULL, NULL));
    if (!s) {
        *len = 0;
        return NULL;
    }
    *len = s->spec_len;
    return (const char *)s->spec;
}

/* ---- writing ---------------------------------------------------------------------------- */

#define MIN_TRAIN_DOCS 16
#define MIN_TRAIN_BYTES ((size_t)16 << 10)
#define TRAIN_DICT_DIV 16u /* dictionary at most 1/16 of the samples */

lk_status lk_bm25__store_writer_init(lk_bm25__store_writer *w, const char *tmpdir,
                                     const char *spec, size_t spec_len, lk_error *err)
{
    memset(w, 0, sizeof *w);
    if (!spec || (spec_len == 4 && memcmp(spec, "none", 4) == 0)) return LK_OK;
    if (spec_len > LK_BM25_STORE_MAX_SPEC)
        return lk_error_set(err, LK_ERR_ARG, "store spec too long");
    w->on = true;
    if (!(w->spec = malloc(spec_len + 1)) || !(w->path = lk_path_join(tmpdir, "store.tmp")) ||
        !(w->cctx = ZSTD_createCCtx()))
        return LK_ERR_NOMEM;
    memcpy(w->spec, spec, spec_len);
    w->spec[spec_len] = '\0';
    w->spec_len = spec_len;
    /* no dictionary id in the frames (4 bytes each): the index knows its dictionary */
    if (ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel,
                                            LK_BM25_STORE_LEVEL)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_dictIDFlag, 0)))
        return lk_error_set(err, LK_ERR_ARG, "zstd: cannot set the compression parameters");
    unsigned char zero[8] = {0};
    if (lk_bytes_append(&w->offs, zero, 8) != LK_OK) return LK_ERR_NOMEM;
    if (!(w->fp = fopen(w->path, "w+b")))
        return lk_error_set(err, LK_ERR_IO, "%s: %s", w->path, strerror(errno));
    return LK_OK;
}

/* One document's frame (nothing for an empty record) and its end offset. */
static lk_status put_frame(lk_bm25__store_writer *w, const unsigned char *rec, size_t len,
                           lk_error *err)
{
    lk_status st;
    if (len > STORE_MAX_RAW)
        return lk_error_set(err, LK_ERR_RANGE, "stored fields: a document is too large to store");
    if (len) {
        size_t bound = ZSTD_compressBound(len);
        w->cbuf.len = 0;
        if (lk_bytes_reserve(&w->cbuf, bound) != LK_OK) return LK_ERR_NOMEM;
        size_t n = ZSTD_compress2(w->cctx, w->cbuf.data, bound, rec, len);
        if (ZSTD_isError(n)) return lk_error_set(err, LK_ERR_IO, "zstd: %s", ZSTD_getErrorName(n));
        if ((st = lk_fwrite_all(w->fp, w->cbuf.data, n, w->path, err)) != LK_OK) return st;
        w->blob_len += n;
    }
    unsigned char o[8];
    lk_put_u64(o, w->blob_len);
    if ((st = lk_bytes_append(&w->offs, o, 8)) != LK_OK) return st;
    w->n_docs++;
    return LK_OK;
}

/* Train the dictionary on the pending records (when there are enough), then write them. */
static lk_status train_and_flush(lk_bm25__store_writer *w, lk_error *err)
{
    lk_status st = LK_OK;
    size_t *sizes = malloc((w->n_pending + 1) * sizeof *sizes);
    size_t *lens = malloc((w->n_pending + 1) * sizeof *lens);
    if (!sizes || !lens) {
        st = LK_ERR_NOMEM;
        goto done;
    }
    /* the records moved together at the start of pending (their lengths dropped): the
       samples, without a copy */
    unsigned char *samples = w->pending.data;
    size_t total = 0, n = 0, n_recs = 0;
    const unsigned char *p = w->pending.data, *end = p + w->pending.len;
    while (p < end) {
        uint64_t len;
        size_t k = lk_varint_get(p, end, &len);
        memmove(samples + total, p + k, (size_t)len);
        total += (size_t)len;
        lens[n_recs++] = (size_t)len;
        if (len) sizes[n++] = (size_t)len;
        p += k + len;
    }
    w->trained = true;
    if (n >= MIN_TRAIN_DOCS && total >= MIN_TRAIN_BYTES) {
        size_t cap = total / TRAIN_DICT_DIV < LK_BM25_STORE_DICT ? total / TRAIN_DICT_DIV
                                                                 : LK_BM25_STORE_DICT;
        if (lk_bytes_reserve(&w->dict, cap) != LK_OK) {
            st = LK_ERR_NOMEM;
            goto done;
        }
        ZDICT_fastCover_params_t fp;
        memset(&fp, 0, sizeof fp);
        fp.k = 200;
        fp.d = 8;
        fp.f = 18;
        fp.accel = 1;
        fp.nbThreads = 1;
        fp.zParams.compressionLevel = LK_BM25_STORE_LEVEL;
        size_t dl = ZDICT_trainFromBuffer_fastCover(w->dict.data, cap, samples, sizes,
                                                    (unsigned)n, fp);
        if (!ZDICT_isError(dl)) {
            w->dict.len = dl;
            if (!(w->cdict = ZSTD_createCDict(w->dict.data, dl, LK_BM25_STORE_LEVEL)) ||
                ZSTD_isError(ZSTD_CCtx_refCDict(w->cctx, w->cdict))) {
                st = LK_ERR_NOMEM;
                goto done;
            }
        }
    }
    size_t at = 0;
    for (size_t i = 0; i < n_recs && st == LK_OK; i++) {
        st = put_frame(w, samples + at, lens[i], err);
        at += lens[i];
    }
    lk_bytes_free(&w->pending);
    w->n_pending = 0;
done:
    free(sizes);
    free(lens);
    return st;
}

lk_status lk_bm25__store_writer_add(lk_bm25__store_writer *w, const void *rec, size_t len,
                                    lk_error *err)
{
    if (!w->on) return LK_OK;
    if (w->n_docs + w->n_pending >= UINT32_MAX - 1) return LK_ERR_RANGE;
    if (w->trained) return put_frame(w, rec, len, err);
    lk_status st = put_varint(&w->pending, len);
    if (st == LK_OK) st = lk_bytes_append(&w->pending, rec, len);
    if (st != LK_OK) return st;
    w->n_pending++;
    return w->pending.len >= LK_BM25_STORE_TRAIN ? train_and_flush(w, err) : LK_OK;
}

lk_status lk_bm25__store_writer_copy(lk_bm25__store_writer *w, const lk_bm25__seg *x,
                                     uint32_t doc, lk_error *err)
{
    if (!w->on) return LK_OK;
    if (!lk_bm25__seg_store(x)) return lk_bm25__store_writer_add(w, NULL, 0, err);
    if (!w->rws && lk_bm25_store_ws_create(&w->rws) != LK_OK) return LK_ERR_NOMEM;
    const unsigned char *rec;
    size_t len;
    lk_status st = lk_bm25__store_record(x, w->rws, doc, &rec, &len, err);
    return st == LK_OK ? lk_bm25__store_writer_add(w, rec, len, err) : st;
}

lk_status lk_bm25__store_writer_finish(lk_bm25__store_writer *w, lk_bytes *head, lk_error *err)
{
    lk_status st = w->trained ? LK_OK : train_and_flush(w, err);
    if (st != LK_OK) return st;
    unsigned char u[8];
    lk_put_u32(u, (uint32_t)w->spec_len);
    if ((st = lk_bytes_append(head, u, 4)) != LK_OK) return st;
    if ((st = lk_bytes_append(head, w->spec, w->spec_len)) != LK_OK) return st;
    lk_put_u32(u, (uint32_t)w->dict.len);
    if ((st = lk_bytes_append(head, u, 4)) != LK_OK) return st;
    if ((st = lk_bytes_append(head, w->dict.data, w->dict.len)) != LK_OK) return st;
    if ((st = lk_bytes_append(head, w->offs.data, w->offs.len)) != LK_OK) return st;
    if (fflush(w->fp) != 0)
        return lk_error_set(err, LK_ERR_IO, "%s: %s", w->path, strerror(errno));
    return LK_OK;
}

void lk_bm25__store_writer_free(lk_bm25__store_writer *w)
{
    if (w->fp) fclose(w->fp);
    if (w->path) unlink(w->path);
    free(w->path);
    free(w->spec);
    ZSTD_freeCCtx(w->cctx);
    ZSTD_freeCDict(w->cdict);
    lk_bytes_free(&w->pending);
    lk_bytes_free(&w->dict);
    lk_bytes_free(&w->offs);
    lk_bytes_free(&w->cbuf);
    lk_bm25_store_ws_free(w->rws);
    memset(w, 0, sizeof *w);
}
