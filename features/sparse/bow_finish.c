/* bow_finish.c: lk_bow_finish (df filtering, max_features with numpy's tie order, bytewise
   sorting of the vocabulary, column remapping) and the accessors of the finished vectorizer. */
#include "features/sparse/bow.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "features/features_internal.h"

/* ---- finishing: df filtering, max_features, sorting, column remap ------------------ */

#define SORT_PREFIX 16 /* bytes compared as two integers before the arena */

typedef struct {
    uint64_t prefix[2]; /* first 16 bytes, big-endian, zero-padded */
    uint64_t id;
} sort_key;

static int sort_key_cmp(const lk_termtab *t, const sort_key *a, const sort_key *b)
{
    if (a->prefix[0] != b->prefix[0]) return a->prefix[0] < b->prefix[0] ? -1 : 1;
    if (a->prefix[1] != b->prefix[1]) return a->prefix[1] < b->prefix[1] ? -1 : 1;
    size_t la, lb;
    const char *sa = lk_termtab_str(t, (uint32_t)a->id, &la);
    const char *sb = lk_termtab_str(t, (uint32_t)b->id, &lb);
    size_t m = la < lb ? la : lb;
    int c = m > SORT_PREFIX ? memcmp(sa + SORT_PREFIX, sb + SORT_PREFIX, m - SORT_PREFIX) : 0;
    if (c) return c;
    return (la > lb) - (la < lb);
}

/* Bottom-up merge sort of keys[0..n) (tmp: n scratch entries); the result may end in tmp:
   returns the array that holds it. */
static sort_key *merge_sort(const lk_termtab *t, sort_key *keys, sort_key *tmp, size_t n)
{
    sort_key *src = keys, *dst = tmp;
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi)
                dst[o++] = sort_key_cmp(t, &src[j], &src[i]) < 0 ? src[j++] : src[i++];
            while (i < mid) dst[o++] = src[i++];
            while (j < hi) dst[o++] = src[j++];
        }
        sort_key *x = src;
        src = dst;
        dst = x;
    }
    return src;
}

#define BUCKET_BITS_MAX 16 /* first pass: counting sort on up to the first two bytes */
#define BUCKET_BITS_MIN 8
#define SORT_SPLIT_MIN 16384 /* fewer terms are sorted on one thread */

/* One half of sort_ids_by_string's work: the keys of ids[0..n) into tmp[0..n) with the
   count of each bucket, then their scatter from pos[] on, then buckets b0 .. b1-1 sorted. */
typedef struct {
    const lk_termtab *t;
    uint32_t *ids;
    size_t n;
    sort_key *keys, *tmp; /* the whole arrays (the scatter writes anywhere in keys) */
    size_t off;           /* where this half's ids start */
    size_t *count;        /* n_buckets counts, then the next position of each bucket */
    const size_t *end;    /* end of each bucket in keys (bucket b: end[b-1] .. end[b]) */
    size_t b0, b1;
    unsigned bits;
} sort_job;

static void *make_keys(void *arg)
{
    sort_job *j = arg;
    size_t nb = (size_t)1 << j->bits;
    memset(j->count, 0, nb * sizeof *j->count);
    for (size_t i = 0; i < j->n; i++) {
        uint32_t id = j->ids[j->off + i];
        size_t len;
        const unsigned char *s = (const unsigned char *)lk_termtab_str(j->t, id, &len);
        uint64_t p[2] = {0, 0};
        for (size_t k = 0; k < SORT_PREFIX; k++) p[k / 8] = (p[k / 8] << 8) | (k < len ? s[k] : 0);
        j->tmp[j->off + i] = (sort_key){{p[0], p[1]}, id};
        j->count[p[0] >> (64 - j->bits)]++;
    }
    return NULL;
}

static void *scatter_keys(void *arg)
{
    sort_job *j = arg;
    for (size_t i = j->off; i < j->off + j->n; i++)
        j->keys[j->count[j->tmp[i].prefix[0] >> (64 - j->bits)]++] = j->tmp[i];
    return NULL;
}

static void *sort_buckets(void *arg)
{
    sort_job *j = arg;
    size_t lo = j->b0 ? j->end[j->b0 - 1] : 0;
    for (size_t b = j->b0; b < j->b1; lo = j->end[b++]) {
        size_t k = j->end[b] - lo;
        if (k >= 2) {
            const sort_key *sorted = merge_sort(j->t, j->keys + lo, j->tmp + lo, k);
            if (sorted != j->keys + lo) memcpy(j->keys + lo, sorted, k * sizeof *j->keys);
        }
        for (size_t i = lo; i < j->end[b]; i++) j->ids[i] = (uint32_t)j->keys[i].id;
    }
    return NULL;
}

/* Sort term ids[0..n) bytewise by their strings: a counting sort on the first bits (up to
   two bytes; fewer for fewer terms, so that the counts stay small), then a merge sort
   inside each bucket. keys, their scratch and the counts are one short-lived block. With
   two threads, each makes and scatters the keys of one half of the ids (the second half's
   after the first's in each bucket: the order one thread gives), then sorts the buckets of
   one half of the keys. */
static lk_status sort_ids_by_string(const lk_termtab *t, uint32_t *ids, size_t n, lk_pool *pool)
{
    unsigned bits = BUCKET_BITS_MIN;
    while (bits < BUCKET_BITS_MAX && ((size_t)1 << bits) < n) bits++;
    size_t n_buckets = (size_t)1 << bits, m = n ? n : 1;
    bool two = pool && n >= SORT_SPLIT_MIN;
    if (!two) pool = NULL;
    sort_key *keys = lk_huge_scratch(2 * m * sizeof *keys + 3 * n_buckets * sizeof(size_t));
    if (!keys) return LK_ERR_NOMEM;
    sort_key *tmp = keys + m;
    size_t *c1 = (size_t *)(tmp + m), *c2 = c1 + n_buckets, *end = c2 + n_buckets;
    size_t half = two ? n / 2 : n;
    sort_job a = {t, ids, half, keys, tmp, 0, c1, end, 0, n_buckets, bits};
    sort_job b = {t, ids, n - half, keys, tmp, half, c2, end, n_buckets, n_buckets, bits};
    lk_pool_run_pair(pool, make_keys, &b, &a);
    /* positions: bucket by bucket, the first half's keys then the second's */
    size_t at = 0;
    for (size_t k = 0; k < n_buckets; k++) {
        size_t x = c1[k], y = c2[k];
        c1[k] = at;
        c2[k] = at + x;
        at += x + y;
        end[k] = at;
    }
    lk_pool_run_pair(pool, scatter_keys, &b, &a);
    if (two) { /* the buckets from the one where the second half of the keys starts */
        size_t split = 0;
        while (split < n_buckets && end[split] < n / 2) split++;
        a.b1 = b.b0 = split;
    }
    lk_pool_run_pair(pool, sort_buckets, &b, &a);
    free(keys);
    return LK_OK;
}

/* Keep at most `limit` of the terms order[0..n) that have keep[j], by corpus frequency
   (sum of the column's values), ties as numpy's argsort of -tfs breaks them. */
static lk_status limit_features(const lk_bow *b, const uint32_t *order, size_t n, bool *keep,
                                size_t limit)
{
    size_t n_ids = b->tab.n, m = 0;
    int64_t *tf_id = calloc(n_ids ? n_ids : 1, sizeof *tf_id);
    int64_t *neg = malloc((n ? n : 1) * sizeof *neg);
    int64_t *idx = malloc((n ? n : 1) * sizeof *idx);
    size_t *where = malloc((n ? n : 1) * sizeof *where);
    lk_status st = LK_ERR_NOMEM;
    if (!tf_id || !neg || !idx || !where) goto done;
    for (size_t k = 0; k < b->nnz; k++) tf_id[b->indices[k]] += (int64_t)b->data[k];
    for (size_t j = 0; j < n; j++) {
        if (!keep[j]) continue;
        neg[m] = -tf_id[order[j]];
        where[m++] = j;
    }
    st = lk_argsort_numpy_i64(neg, m, idx);
    if (st != LK_OK) goto done;
    memset(keep, 0, n * sizeof *keep);
    for (size_t r = 0; r < limit && r < m; r++) keep[where[idx[r]]] = true;
done:
    free(tf_id);
    free(neg);
    free(idx);
    free(where);
    return st;
}

#define SMALL_SORT 16 /* keys sorted by insertion up to this many */
#define RANK_MAX 64   /* rows up to this long are sorted by counting ranks */

/* Sort distinct keys[0..n) ascending: quicksort (median of three, recursion into the smaller
   side), insertion sort below SMALL_SORT. */
static void sort_keys(uint64_t *keys, size_t n)
{
    while (n > SMALL_SORT) {
        uint64_t a = keys[0], b = keys[n / 2], c = keys[n - 1];
        uint64_t pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        size_t i = 0, j = n - 1;
        for (;;) {
            while (keys[i] < pivot) i++;
            while (keys[j] > pivot) j--;
            if (i >= j) break;
            uint64_t t = keys[i];
            keys[i++] = keys[j];
            keys[j--] = t;
        }
        size_t left = j + 1; /* keys[0..left) <= pivot <= keys[left..n) */
        if (left < n - left) {
            sort_keys(keys, left);
            keys += left;
            n -= left;
        } else {
            sort_keys(keys + left, n - left);
            n = left;
        }
    }
    for (size_t i = 1; i < n; i++) {
        uint64_t x = keys[i];
        size_t j = i;
        for (; j > 0 && keys[j - 1] > x; j--) keys[j] = keys[j - 1];
        keys[j] = x;
    }
}

/* Remap n rows of the count matrix in place: id columns -> map[id] (dropping -1), each row
   sorted by column (short rows by rank, longer ones as packed keys). Row r spans [start, in[1]) for r = 0, else [in[r], in[r+1]); entries
   are compacted from start and out[r+1] gets row r's new end (out may be in: each in[r+1]
   is read before it is written; in[0] and out[0] are never touched). A row is remapped and
   sorted while it is in cache: its entries packed as 64-bit keys column << 32 | count (the
   values are whole counts here), sorted as integers, unpacked. *kept gets the entries kept;
   LK_ERR_NOMEM when the scratch cannot grow. */
static lk_status remap_rows(int32_t *indices, double *data, const int32_t *map,
                            const int64_t *in, int64_t start, int64_t *out, int64_t n,
                            size_t *kept)
{
    size_t s = (size_t)start, o = s, cap = 0;
    uint64_t *keys = NULL;
    int32_t cols[RANK_MAX];
    double vals[RANK_MAX];
    for (int64_t r = 0; r < n; r++) {
        size_t e = (size_t)in[r + 1], m = 0;
        if (e - s <= RANK_MAX) {
            /* short row: each entry goes to its rank, the number of smaller columns (a
               branch-free count the compiler vectorizes; columns are distinct) */
            for (size_t k = s; k < e; k++) {
                int32_t c = map[indices[k]];
                if (c < 0) continue;
                cols[m] = c;
                vals[m++] = data[k];
            }
            for (size_t i = 0; i < m; i++) {
                int32_t c = cols[i];
                uint32_t rank = 0;
                for (size_t j = 0; j < m; j++) rank += cols[j] < c;
                indices[o + rank] = c;
                data[o + rank] = vals[i];
            }
            o += m;
            out[r + 1] = (int64_t)o;
            s = e;
            continue;
        }
        if (e - s > cap && lk_grow((void **)&keys, &cap, e - s, sizeof *keys) != LK_OK) {
            free(keys);
            return LK_ERR_NOMEM;
        }
        bool whole = true;
        for (size_t k = s; k < e; k++) {
            int32_t c = map[indices[k]];
            if (c < 0) continue;
            double v = data[k];
            if (!(v >= 0 && v <= (double)UINT32_MAX) || (double)(uint32_t)v != v) whole = false;
            keys[m++] = (uint64_t)(uint32_t)c << 32 | (uint32_t)(whole ? v : 0);
        }
        if (whole) {
            sort_keys(keys, m);
            for (size_t i = 0; i < m; i++) {
                indices[o + i] = (int32_t)(keys[i] >> 32);
                data[o + i] = (double)(uint32_t)keys[i];
            }
        } else { /* a count past 2^32: compact, then an insertion sort by column */
            size_t w = o;
            for (size_t k = s; k < e; k++) {
                int32_t c = map[indices[k]];
                if (c < 0) continue;
                double v = data[k];
                size_t j = w++;
                for (; j > o && indices[j - 1] > c; j--) {
                    indices[j] = indices[j - 1];
                    data[j] = data[j - 1];
                }
                indices[j] = c;
                data[j] = v;
            }
        }
        o += m;
        out[r + 1] = (int64_t)o;
        s = e;
    }
    free(keys);
    *kept = o - (size_t)start;
    return LK_OK;
}

typedef struct {
    lk_csr view; /* the rows of the job, with their own indptr */
    const int32_t *map;
    const int64_t *in;
    size_t kept;
    lk_status st;
} remap_job;

static void *remap_thread(void *arg)
{
    remap_job *j = arg;
    j->st = remap_rows(j->view.indices, j->view.data, j->map, j->in, j->view.indptr[0],
                       j->view.indptr, j->view.n_rows, &j->kept);
    return NULL;
}

/* Rewrite the matrix in place: id columns -> map[id] (dropping -1), rows sorted. With
   b->cfg.threads == 2 the rows after half of the entries are done by the helper of b's pool
   (with their own row offsets; here when the helper is late), then moved down to follow the
   first half. */
static lk_status remap_columns(lk_bow *b, const int32_t *map, lk_csr *out)
{
    int64_t n = b->n_docs, mid = n / 2;
    out->n_rows = (int32_t)n;
    out->n_cols = b->n_terms;
    out->indptr = b->indptr;
    out->indices = b->indices;
    out->data = b->data;
    out->cap = b->nnz_cap;
    b->indptr = NULL;
    b->indices = NULL;
    b->data = NULL;
    b->nnz_cap = b->indptr_cap = 0;
    int64_t *ip = out->indptr;
    lk_status st = LK_OK;
    size_t nnz;
    remap_job hi, lo;
    memset(&hi, 0, sizeof hi);
    bool two = b->cfg.threads == 2 && n >= 2 && ip[n] >= 4096;
    if (two) { /* the halves split where half of the entries are */
        int64_t a = 1, z = n - 1;
        while (a < z) {
            int64_t m = a + (z - a) / 2;
            if (ip[m] < ip[n] / 2) a = m + 1;
            else z = m;
        }
        mid = a;
        hi.view = *out;
        hi.view.n_rows = (int32_t)(n - mid);
        hi.view.indptr = malloc((size_t)(n - mid + 1) * sizeof *hi.view.indptr);
        hi.map = map;
        hi.in = ip + mid;
        two = hi.view.indptr != NULL;
    }
    if (two) {
        int64_t hi_start = hi.view.indptr[0] = ip[mid];
        lo = (remap_job){*out, map, ip, 0, LK_OK};
        lo.view.n_rows = (int32_t)mid; /* in place: its indptr is ip */
        lk_pool_run_pair(b->pool, remap_thread, &hi, &lo);
        size_t gap = (size_t)hi_start - lo.kept;
        if (gap) {
            memmove(out->indices + lo.kept, out->indices + hi_start, hi.kept * sizeof *out->indices);
            memmove(out->data + lo.kept, out->data + hi_start, hi.kept * sizeof *out->data);
        }
        for (int64_t r = 1; r <= n - mid; r++) ip[mid + r] = hi.view.indptr[r] - (int64_t)gap;
        free(hi.view.indptr);
        nnz = lo.kept + hi.kept;
        st = lo.st != LK_OK ? lo.st : hi.st;
    } else {
        nnz = 0;
        st = remap_rows(out->indices, out->data, map, ip, ip[0], ip, n, &nnz);
    }
    b->nnz = nnz;
    if (st != LK_OK) lk_csr_free(out);
    return st;
}

/* Entries k0 .. k1-1 counted by id into df64 (or df32 when it is not NULL), zeroed first. */
typedef struct {
    const lk_bow *b;
    int64_t *df64;
    int32_t *df32;
    size_t k0, k1;
} df_job;

static void *count_df_part(void *arg)
{
    const df_job *j = arg;
    const int32_t *ind = j->b->indices;
    if (j->df32) {
        memset(j->df32, 0, j->b->tab.n * sizeof *j->df32);
        for (size_t k = j->k0; k < j->k1; k++) j->df32[ind[k]]++;
    } else {
        memset(j->df64, 0, j->b->tab.n * sizeof *j->df64);
        for (size_t k = j->k0; k < j->k1; k++) j->df64[ind[k]]++;
    }
    return NULL;
}

#define DF_SPLIT_MIN 262144 /* fewer entries are counted on one thread */

/* Document frequency of every id into df[0 .. b->tab.n) (the count of its entries); with two
   threads, the second half of the entries counted into df2 (b->tab.n entries) and added. */
static void count_df(const lk_bow *b, int64_t *df, int32_t *df2)
{
    bool two = df2 && b->nnz >= DF_SPLIT_MIN;
    df_job lo = {b, df, NULL, 0, two ? b->nnz / 2 : b->nnz}, hi = {b, df, df2, lo.k1, b->nnz};
    if (!two) {
        count_df_part(&lo);
        return;
    }
    lk_pool_run_pair(b->pool, count_df_part, &hi, &lo);
    for (size_t id = 0; id < b->tab.n; id++) df[id] += df2[id];
}

static double doc_count(const lk_df_bound *d, int64_t n_docs)
{
    return d->is_count ? d->value : d->value * (double)n_docs;
}

/* Choose the columns (fit mode): fills b->col_id, b->df, b->n_terms and map[id]. */
static lk_status select_terms(lk_bow *b, const int64_t *df_id, int32_t *map, lk_error *err)
{
    size_t n = 0;
    for (size_t id = 0; id < b->tab.n; id++) n += df_id[id] > 0;
    if (n == 0)
        return lk_error_set(err, LK_ERR_ARG,
                            "empty vocabulary; perhaps the documents only contain stop words");
    double hi = doc_count(&b->cfg.max_df, b->n_docs), lo = doc_count(&b->cfg.min_df, b->n_docs);
    if (hi < lo) return lk_error_set(err, LK_ERR_ARG, "max_df corresponds to < documents than min_df");
    uint32_t *order = malloc(n * sizeof *order);
    bool *keep = malloc(n * sizeof *keep);
    lk_status st = LK_ERR_NOMEM;
    if (!order || !keep) goto done;
    n = 0;
    for (size_t id = 0; id < b->tab.n; id++)
        if (df_id[id] > 0) order[n++] = (uint32_t)id;
    if ((st = sort_ids_by_string(&b->tab, order, n, b->pool)) != LK_OK) goto done;
    size_t kept = 0;
    for (size_t j = 0; j < n; j++) {
        double d = (double)df_id[order[j]];
        keep[j] = d <= hi && d >= lo;
        kept += keep[j];
    }
    size_t limit = (size_t)b->cfg.max_features;
    if (limit && kept > limit) {
        if ((st = limit_features(b, order, n, keep, limit)) != LK_OK) goto done;
        kept = limit;
    }
    if (kept == 0) {
        st = lk_error_set(err, LK_ERR_ARG,
                          "After pruning, no terms remain. Try a lower min_df or a higher max_df.");
        goto done;
    }
    b->col_id = malloc(kept * sizeof *b->col_id);
    b->df = malloc(kept * sizeof *b->df);
    b->pruned_id = malloc((n - kept ? n - kept : 1) * sizeof *b->pruned_id);
    if (!b->col_id || !b->df || !b->pruned_id) {
        st = LK_ERR_NOMEM;
        goto done;
    }
    int32_t c = 0;
    b->n_pruned = 0;
    for (size_t j = 0; j < n; j++) {
        if (!keep[j]) {
            b->pruned_id[b->n_pruned++] = order[j];
            continue;
        }
        b->col_id[c] = order[j];
        b->df[c] = df_id[order[j]];
        map[order[j]] = c++;
    }
    b->n_terms = c;
    st = LK_OK;
done:
    free(order);
    free(keep);
    return st;
}

lk_status lk_bow_finish(lk_bow *b, lk_csr *counts, lk_error *err)
{
    memset(counts, 0, sizeof *counts);
    if (!b) return lk_error_set(err, LK_ERR_ARG, "bad arguments");
    if (b->finished) return lk_error_set(err, LK_ERR_STATE, "vectorizer already finished");
    if (b->n_docs == 0) return lk_error_set(err, LK_ERR_ARG, "empty collection: no documents");
    b->finished = true;
    if (b->cfg.binary)
        for (size_t k = 0; k < b->nnz; k++) b->data[k] = 1;
    /* df and column of every id: one short-lived block */
    size_t n_ids = b->tab.n ? b->tab.n : 1;
    bool two = b->cfg.threads == 2;
    int64_t *df_id = lk_huge_scratch(n_ids * (sizeof *df_id + (two ? 2 : 1) * sizeof(int32_t)));
    int32_t *map = df_id ? (int32_t *)(df_id + n_ids) : NULL;
    lk_status st = df_id ? LK_OK : LK_ERR_NOMEM;
    if (st != LK_OK) goto done;
    count_df(b, df_id, two ? map + n_ids : NULL);
    if (b->fixed) {
        for (size_t id = 0; id < b->tab.n; id++) map[id] = b->tab.col[id];
        for (int32_t c = 0; c < b->n_terms; c++) b->df[c] = df_id[b->col_id[c]];
    } else {
        for (size_t id = 0; id < b->tab.n; id++) map[id] = -1;
        if ((st = select_terms(b, df_id, map, err)) != LK_OK) goto done;
    }
    st = remap_columns(b, map, counts);
done:
    free(df_id);
    /* the per-document scratch is no longer needed */
    free(b->tab.doc);
    b->tab.doc = NULL;
    if (st != LK_OK && err && err->code == LK_OK) lk_error_set(err, st, "%s", lk_status_str(st));
    return st;
}

int32_t lk_bow_n_terms(const lk_bow *b) { return b->n_terms; }

size_t lk_bow_n_pruned(const lk_bow *b) { return b->n_pruned; }

const char *lk_bow_pruned_term(const lk_bow *b, size_t i, size_t *len)
{
    size_t l;
    if (i >= b->n_pruned) return NULL;
    const char *s = lk_termtab_str(&b->tab, b->pruned_id[i], &l);
    if (len) *len = l;
    return s;
}

const char *lk_bow_term(const lk_bow *b, int32_t col, size_t *len)
{
    if (col < 0 || col >= b->n_terms) return NULL;
    size_t l;
    const char *s = lk_termtab_str(&b->tab, b->col_id[col], &l);
    if (len) *len = l;
    return s;
}

int64_t lk_bow_df(const lk_bow *b, int32_t col)
{
    return (col >= 0 && col < b->n_terms && b->df) ? b->df[col] : 0;
}

int64_t lk_bow_n_docs(const lk_bow *b) { return b->n_docs; }

int64_t lk_bow_fit_df(const lk_bow *b, int32_t col)
{
    if (b->fit_df && col >= 0 && col < b->n_terms) return b->fit_df[col];
    return lk_bow_df(b, col);
}

int64_t lk_bow_fit_n_docs(const lk_bow *b) { return b->fit_df ? b->fit_n_docs : b->n_docs; }
