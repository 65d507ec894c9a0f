/* bm25_positions.c: the positions section of LKBX v4 (bm25_positions_internal.h): reading
   (validation, one document's sequence) and writing (sequences buffered in a temp file,
   remapped to the final dictionary when the index is written). */
#define _GNU_SOURCE /* memmem */
#include "features/search/bm25_positions_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "features/features_internal.h"
#include "features/search/bm25_seg_internal.h"
#include "text/fileio.h"

/* ---- reading ---------------------------------------------------------------------------- */

lk_status lk_bm25__pos_parse(const unsigned char *p, uint64_t len, uint32_t n_docs,
                             uint64_t n_terms, lk_bm25__pos *out, const char *path,
                             lk_error *err)
{
    memset(out, 0, sizeof *out);
    uint64_t head = 4u * n_terms + 8u * ((uint64_t)n_docs + 1u);
    if (n_terms > len / 4 || len < head)
        return lk_error_set(err, LK_ERR_FORMAT, "%s: corrupt index (positions: size)", path);
    out->code = p;
    out->offs = p + 4u * n_terms;
    out->blob = p + head;
    out->blob_len = len - head;
    out->n_terms = n_terms;
    out->n_docs = n_docs;
    for (uint64_t t = 0; t < n_terms; t++)
        if (lk_get_u32(out->code + 4u * t) >= n_terms)
            return lk_error_set(err, LK_ERR_FORMAT, "%s: corrupt index (positions: term codes)",
                                path);
    uint64_t prev = 0;
    for (uint64_t d = 0; d <= n_docs; d++) {
        uint64_t o = lk_get_u64(out->offs + 8u * d);
        if (o < prev || o > out->blob_len || (d == 0 && o != 0) ||
            (d == n_docs && o != out->blob_len))
            return lk_error_set(err, LK_ERR_FORMAT, "%s: corrupt index (positions: offsets)",
                                path);
        prev = o;
    }
    return LK_OK;
}

/* Document doc's record: [*a, *e) after its leading title count. */
static bool doc_record(const lk_bm25__pos *p, uint32_t doc, const unsigned char **a,
                       const unsigned char **e, uint64_t *title)
{
    if (doc >= p->n_docs) return false;
    *a = p->blob + lk_get_u64(p->offs + 8u * doc);
    *e = p->blob + lk_get_u64(p->offs + 8u * ((uint64_t)doc + 1));
    size_t k = lk_varint_get(*a, *e, title);
    if (!k) return false;
    *a += k;
    return true;
}

bool lk_bm25__pos_doc(const lk_bm25__pos *p, uint32_t doc, uint32_t **seq, size_t *cap,
                      size_t *n, size_t *n_title)
{
    *n = *n_title = 0;
    const unsigned char *a, *e;
    uint64_t v, title;
    size_t k;
    if (!doc_record(p, doc, &a, &e, &title)) return false;
    size_t most = (size_t)(e - a), m = 0; /* at most one code per byte */
    if (most > *cap) {
        void *q = *seq;
        if (lk_grow(&q, cap, most, sizeof **seq) != LK_OK) return false;
        *seq = q;
    }
    uint32_t *s = *seq;
    const uint64_t nt = p->n_terms;
    while (a < e) {
        if (*a < 0x80) { /* one byte: the frequent terms */
            v = *a++;
        } else {
            if (!(k = lk_varint_get(a, e, &v))) return false;
            a += k;
        }
        if (v >= nt) return false;
        s[m++] = (uint32_t)v;
    }
    if (title > m) return false;
    *n = m;
    *n_title = (size_t)title;
    return true;
}

bool lk_bm25__pos_doc_bytes(const lk_bm25__pos *p, uint32_t doc, const unsigned char **seq,
                            size_t *len, size_t *title_len)
{
    const unsigned char *a, *e;
    uint64_t title;
    if (!doc_record(p, doc, &a, &e, &title)) return false;
    if (a < e && e[-1] >= 0x80) return false; /* a truncated last code */
    const unsigned char *t = a;
    for (uint64_t n = 0; n < title; t++) {
        if (t >= e) return false;
        if (*t < 0x80) n++;
    }
    *seq = a;
    *len = (size_t)(e - a);
    *title_len = (size_t)(t - a);
    return true;
}

bool lk_bm25__pos_find(const unsigned char *seq, size_t len, const unsigned char *pat, size_t n)
{
    if (n == 0 || n > len) return false;
    const unsigned char *s = seq, *end = seq + len;
    while ((size_t)(end - s) >= n) {
        const unsigned char *hit = memmem(s, (size_t)(end - s), pat, n);
        if (!hit) return false;
        if (hit == seq || hit[-1] < 0x80) return true;
        s = hit + 1;
    }
    return false;
}

/* ---- writing ---------------------------------------------------------------------------- */

lk_status lk_bm25__pos_writer_init(lk_bm25__pos_writer *w, const char *tmpdir, bool on,
                                   lk_error *err)
{
    memset(w, 0, sizeof *w);
    if (!on) return LK_OK;
    w->on = true;
    if (!(w->path = lk_path_join(tmpdir, "positions.tmp"))) return LK_ERR_NOMEM;
    if (!(w->fp = fopen(w->path, "w+b")))
        return lk_error_set(err, LK_ERR_IO, "%s: %s", w->path, strerror(errno));
    setvbuf(w->fp, NULL, _IOFBF, (size_t)1 << 16);
    return LK_OK;
}

void lk_bm25__pos_writer_free(lk_bm25__pos_writer *w)
{
    if (w->fp) fclose(w->fp);
    if (w->path) unlink(w->path);
    free(w->path);
    free(w->scratch);
    lk_bytes_free(&w->buf);
    memset(w, 0, sizeof *w);
}

static lk_status put_seq(lk_bm25__pos_writer *w, const uint32_t *v, size_t n, size_t n_title,
                         lk_error *err)
{
    lk_status st;
    w->buf.len = 0;
    if ((st = lk_bytes_reserve(&w->buf, 10 * (n + 2))) != LK_OK) return st;
    unsigned char *p = w->buf.data;
    p += lk_varint_put(p, n_title);
    p += lk_varint_put(p, n);
    for (size_t i = 0; i < n; i++) p += lk_varint_put(p, v[i]);
    w->n_docs++;
    return lk_fwrite_all(w->fp, w->buf.data, (size_t)(p - w->buf.data), w->path, err);
}

static lk_status scratch(lk_bm25__pos_writer *w, size_t n)
{
    void *q = w->scratch;
    lk_status st = lk_grow(&q, &w->scratch_cap, n + 1, sizeof *w->scratch);
    w->scratch = q;
    return st;
}

lk_status lk_bm25__pos_writer_add(lk_bm25__pos_writer *w, const uint32_t *tids,
                                  const unsigned char *keep, size_t n, size_t n_title,
                                  lk_error *err)
{
    if (!w->on) return LK_OK;
    if (!keep) return put_seq(w, tids, n, n_title, err);
    lk_status st = scratch(w, n);
    if (st != LK_OK) return st;
    size_t m = 0, mt = 0;
    for (size_t i = 0; i < n; i++) {
        if (!keep[i]) continue;
        w->scratch[m++] = tids[i];
        if (i < n_title) mt++;
    }
    return put_seq(w, w->scratch, m, mt, err);
}

lk_status lk_bm25__pos_writer_copy(lk_bm25__pos_writer *w, const lk_bm25__seg *x, uint32_t doc,
                                   const uint32_t *code2term, lk_error *err)
{
    if (!w->on) return LK_OK;
    const lk_bm25__pos *p = lk_bm25__seg_pos(x);
    size_t n, n_title;
    if (!p || !lk_bm25__pos_doc(p, doc, &w->scratch, &w->scratch_cap, &n, &n_title))
        return lk_error_set(err, LK_ERR_FORMAT, "%s: corrupt index (positions of document %u)",
                            lk_bm25__seg_file(x), doc);
    for (size_t i = 0; i < n; i++) w->scratch[i] = code2term[w->scratch[i]];
    return put_seq(w, w->scratch, n, n_title, err);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Codes: terms by df descending, ties in dictionary order. */
static lk_status term_codes(const uint32_t *dfs, uint64_t n_terms, uint32_t **codes)
{
    uint64_t *key = malloc((size_t)(n_terms + 1) * sizeof *key);
    uint32_t *c = malloc((size_t)(n_terms + 1) * sizeof *c);
    if (!key || !c) {
        free(key);
        free(c);
        return LK_ERR_NOMEM;
    }
    for (uint64_t t = 0; t < n_terms; t++)
        key[t] = (uint64_t)(UINT32_MAX - dfs[t]) << 32 | (uint32_t)t;
    qsort(key, (size_t)n_terms, sizeof *key, cmp_u64);
    for (uint64_t r = 0; r < n_terms; r++) c[(uint32_t)key[r]] = (uint32_t)r;
    free(key);
    *codes = c;
    return LK_OK;
}

lk_status lk_bm25__pos_writer_finish(lk_bm25__pos_writer *w, const uint32_t *dfs,
                                     uint64_t n_terms,
                                     uint32_t (*value_term)(void *user, uint32_t doc,
                                                            uint32_t value),
                                     void *user, lk_bytes *head, FILE **blob_fp,
                                     uint64_t *blob_len, lk_error *err)
{
    lk_status st;
    uint32_t *codes = NULL;
    char *out_path = NULL;
    FILE *out = NULL;
    *blob_fp = NULL;
    *blob_len = 0;
    head->len = 0;
    size_t hlen = (size_t)(4u * n_terms + 8u * ((uint64_t)w->n_docs + 1u));
    if ((st = lk_bytes_reserve(head, hlen)) != LK_OK) return st;
    if ((st = term_codes(dfs, n_terms, &codes)) != LK_OK) return st;
    for (uint64_t t = 0; t < n_terms; t++) lk_put_u32(head->data + 4u * t, codes[t]);
    unsigned char *offs = head->data + 4u * n_terms;
    head->len = hlen;
    /* the blob goes to a second temp file, unlinked at once */
    size_t plen = strlen(w->path);
    if (!(out_path = malloc(plen + 3))) {
        st = LK_ERR_NOMEM;
        goto done;
    }
    memcpy(out_path, w->path, plen);
    memcpy(out_path + plen, ".2", 3);
    if (!(out = fopen(out_path, "w+b"))) {
        st = lk_error_set(err, LK_ERR_IO, "%s: %s", out_path, strerror(errno));
        goto done;
    }
    unlink(out_path); /* anonymous from now on: removed when closed */
    setvbuf(out, NULL, _IOFBF, (size_t)1 << 16);
    if (fflush(w->fp) != 0 || fseek(w->fp, 0, SEEK_SET) != 0) {
        st = lk_error_set(err, LK_ERR_IO, "%s: %s", w->path, strerror(errno));
        goto done;
    }
    uint64_t pos = 0;
    unsigned char vb[10];
    for (uint32_t d = 0; d < w->n_docs; d++) {
        lk_put_u64(offs + 8u * d, pos);
        uint64_t title, n, v;
        if (!lk_varint_fget(w->fp, &title) || !lk_varint_fget(w->fp, &n)) goto bad;
        size_t k = lk_varint_put(vb, title);
        if ((st = lk_fwrite_all(out, vb, k, out_path, err)) != LK_OK) goto done;
        pos += k;
        for (uint64_t i = 0; i < n; i++) {
            if (!lk_varint_fget(w->fp, &v) || v > UINT32_MAX) goto bad;
            uint32_t t = value_term(user, d, (uint32_t)v);
            if (t == LK_TERM_NONE || t >= n_terms) goto bad;
            k = lk_varint_put(vb, codes[t]);
            if ((st = lk_fwrite_all(out, vb, k, out_path, err)) != LK_OK) goto done;
            pos += k;
        }
    }
    lk_put_u64(offs + 8u * w->n_docs, pos);
    if (fflush(out) != 0) {
        st = lk_error_set(err, LK_ERR_IO, "%s: %s", out_path, strerror(errno));
        goto done;
    }
    *blob_fp = out;
    *blob_len = pos;
    out = NULL;
    st = LK_OK;
    goto done;
bad:
    st = lk_error_set(err, LK_ERR_IO, "%s: truncated or corrupt temp file", w->path);
done:
    if (out) fclose(out);
    free(out_path);
    free(codes);
    return st;
}
