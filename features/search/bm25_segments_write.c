/* bm25_segments_write.c: changing a segmented index directory: the writer lock, a change
   (tombstones with their df corrections, a new segment) committed by one atomic manifest
   write, removal of orphan files, and merges (the policy, --merge). */
#define _GNU_SOURCE
#include "features/search/bm25_segments.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "features/search/bm25_build_internal.h"
#include "features/search/bm25_index_internal.h"
#include "features/search/bm25_seg_internal.h"
#include "features/search/bm25_segments_internal.h"
#include "features/search/postings.h"
#include "text/fileio.h"

static lk_status put_u32(lk_bytes *b, uint32_t v)
{
    unsigned char t[4];
    lk_put_u32(t, v);
    return lk_bytes_append(b, t, 4);
}

static lk_status put_u64(lk_bytes *b, uint64_t v)
{
    unsigned char t[8];
    lk_put_u64(t, v);
    return lk_bytes_append(b, t, 8);
}

static lk_status manifest_encode(const lk_bm25__manifest *m, lk_bytes *b)
{
    lk_status st = put_u32(b, m->next_seq);
    if (st == LK_OK) st = put_u32(b, (uint32_t)m->n);
    for (size_t i = 0; i < m->n && st == LK_OK; i++) {
        const lk_bm25__seg_info *g = &m->segs[i];
        size_t nl = strlen(g->name);
        st = put_u32(b, (uint32_t)nl);
        if (st == LK_OK) st = lk_bytes_append(b, g->name, nl);
        if (st == LK_OK) st = put_u64(b, g->size);
        if (st == LK_OK) st = put_u32(b, g->crc);
        if (st == LK_OK) st = put_u32(b, g->n_docs);
        if (st == LK_OK) st = put_u32(b, g->n_deleted);
        if (st == LK_OK) st = put_u32(b, g->n_corr);
        for (uint32_t j = 0; j < g->n_deleted && st == LK_OK; j++) st = put_u32(b, g->deleted[j]);
        for (uint32_t j = 0; j < g->n_corr && st == LK_OK; j++) {
            st = put_u64(b, g->corr_term[j]);
            if (st == LK_OK) st = put_u32(b, g->corr_n[j]);
        }
    }
    return st;
}

static lk_status write_manifest_fn(FILE *fp, void *ctx, lk_error *err)
{
    const lk_bytes *b = ctx;
    return lk_envelope_write(fp, LK_BM25_MANIFEST_MAGIC, LK_BM25_MANIFEST_VERSION, 0, b->data,
                             b->len, err);
}

/* ---- writing: the lock ---------------------------------------------------------------- */

static bool has_index(const char *dir)
{
    char *p = lk_path_join(dir, LK_BM25_INDEX_FILE);
    bool yes = p && access(p, F_OK) == 0;
    free(p);
    return yes || lk_bm25__segs_present(dir);
}

lk_status lk_bm25__lock(const char *dir, int *fd, lk_error *err)
{
    *fd = -1;
    if (!has_index(dir)) return LK_OK;
    char *path = lk_path_join(dir, LK_BM25_LOCK_FILE);
    if (!path) return LK_ERR_NOMEM;
    lk_status st = LK_OK;
    for (int attempt = 0; attempt < LK_BM25_OPEN_ATTEMPTS; attempt++) {
        int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (f < 0) {
            st = lk_error_set(err, LK_ERR_IO, "%s: %s", path, strerror(errno));
            break;
        }
        if (flock(f, LOCK_EX | LOCK_NB) != 0) {
            st = errno == EWOULDBLOCK
                     ? lk_error_set(err, LK_ERR_BUSY,
                                    "%s: another lexkit process is updating this index (%s "
                                    "is locked); try again when it is done",
                                    dir, LK_BM25_LOCK_FILE)
                     : lk_error_set(err, LK_ERR_IO, "%s: lock: %s", path, strerror(errno));
            close(f);
            break;
        }
        /* the directory may have been switched (a full rebuild) while we waited */
        struct stat a, b;
        if (fstat(f, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
            a.st_ino == b.st_ino) {
            *fd = f;
            break;
        }
        close(f);
    }
    free(path);
    return st;
}

void lk_bm25__unlock(int fd)
{
    if (fd >= 0) close(fd); /* releases the flock */
}

/* ---- writing: changes ------------------------------------------------------------------- */

struct lk_bm25__update {
    char *dir;
    const lk_bm25_index *idx;
    lk_bm25__manifest m;          /* the new segment list; its first n_old entries are idx's */
    size_t n_old;
    char next_name[LK_BM25_SEG_NAME_MAX];
};

void lk_bm25__update_free(lk_bm25__update *u)
{
    if (!u) return;
    lk_bm25__manifest_free(&u->m);
    free(u->dir);
    free(u);
}

static lk_status copy_u32(uint32_t **dst, const uint32_t *src, size_t n)
{
    if (!(*dst = malloc((n + 1) * sizeof **dst))) return LK_ERR_NOMEM;
    if (n) memcpy(*dst, src, n * sizeof **dst);
    return LK_OK;
}

static lk_status seg_info_copy(lk_bm25__seg_info *d, const lk_bm25__seg_info *g)
{
    *d = *g;
    d->name = strdup(g->name);
    d->deleted = NULL;
    d->corr_term = NULL;
    d->corr_n = NULL;
    if (!d->name || copy_u32(&d->deleted, g->deleted, g->n_deleted) != LK_OK ||
        copy_u32(&d->corr_n, g->corr_n, g->n_corr) != LK_OK ||
        !(d->corr_term = malloc(((size_t)g->n_corr + 1) * sizeof *d->corr_term)))
        return LK_ERR_NOMEM;
    if (g->n_corr) memcpy(d->corr_term, g->corr_term, g->n_corr * sizeof *d->corr_term);
    return LK_OK;
}

/* A new manifest entry for segment file `name` of dir holding n_docs documents. */
static lk_status seg_info_new(const char *dir, const char *name, uint32_t n_docs,
                              lk_bm25__seg_info *g, lk_error *err)
{
    memset(g, 0, sizeof *g);
    char *path = lk_path_join(dir, name);
    if (!path || !(g->name = strdup(name))) {
        free(path);
        return LK_ERR_NOMEM;
    }
    lk_status st = lk_bm25__file_size_crc(path, &g->size, &g->crc, err);
    free(path);
    g->n_docs = n_docs;
    if (st == LK_OK && (copy_u32(&g->deleted, NULL, 0) != LK_OK ||
                        copy_u32(&g->corr_n, NULL, 0) != LK_OK ||
                        !(g->corr_term = malloc(sizeof *g->corr_term))))
        st = LK_ERR_NOMEM;
    return st;
}

lk_status lk_bm25__update_begin(const char *dir, const lk_bm25_index *idx, lk_bm25__update **out,
                                lk_error *err)
{
    *out = NULL;
    lk_bm25__update *u = calloc(1, sizeof *u);
    if (!u) return LK_ERR_NOMEM;
    u->idx = idx;
    lk_status st = (u->dir = strdup(dir)) ? LK_OK : LK_ERR_NOMEM;
    const lk_bm25__manifest *sm = lk_bm25__index_manifest(idx);
    if (st == LK_OK && sm) {
        u->m.next_seq = sm->next_seq;
        for (size_t i = 0; i < sm->n && st == LK_OK; i++) {
            lk_bm25__seg_info g;
            st = seg_info_copy(&g, &sm->segs[i]);
            if (st == LK_OK) st = lk_bm25__manifest_push(&u->m, &g);
            lk_bm25__seg_info_free(&g);
        }
    } else if (st == LK_OK) { /* a one-file index: its first manifest */
        lk_bm25__seg_info g;
        u->m.next_seq = 2;
        st = seg_info_new(dir, LK_BM25_INDEX_FILE, lk_bm25_index_n_docs(idx), &g, err);
        if (st == LK_OK) st = lk_bm25__manifest_push(&u->m, &g);
        lk_bm25__seg_info_free(&g);
    }
    u->n_old = u->m.n;
    if (st != LK_OK) {
        lk_bm25__update_free(u);
        return st;
    }
    *out = u;
    return LK_OK;
}

const char *lk_bm25__update_next_name(lk_bm25__update *u)
{
    snprintf(u->next_name, sizeof u->next_name, LK_BM25_SEG_PREFIX "%06u.lkbx", u->m.next_seq);
    return u->next_name;
}

lk_status lk_bm25__update_add_segment(lk_bm25__update *u, uint32_t n_docs, lk_error *err)
{
    lk_bm25__seg_info g;
    lk_status st = seg_info_new(u->dir, lk_bm25__update_next_name(u), n_docs, &g, err);
    if (st == LK_OK) st = lk_bm25__manifest_push(&u->m, &g);
    lk_bm25__seg_info_free(&g);
    if (st == LK_OK) u->m.next_seq++;
    return st;
}

/* Number of deleted documents del[0..nd) (ascending) in the postings of term t of x. */
static lk_status count_deleted(const lk_bm25__seg *x, uint64_t t, const uint32_t *del,
                               size_t nd, uint32_t *count)
{
    const char *s;
    size_t len, plen;
    const unsigned char *post;
    uint32_t df, c = 0;
    lk_bm25__seg_term(x, t, &s, &len, &post, &plen, &df);
    lk_postings_cursor cur;
    if (!lk_postings_cursor_init(&cur, post, plen, df, x->n_docs))
        return LK_ERR_FORMAT;
    size_t i = 0;
    while (cur.doc != LK_DOC_END && i < nd) {
        if (cur.doc < del[i]) {
            lk_postings_advance(&cur, del[i]);
        } else if (cur.doc > del[i]) {
            size_t lo = i + 1, hi = nd; /* first deleted doc >= cur.doc */
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (del[mid] < cur.doc) lo = mid + 1;
                else hi = mid;
            }
            i = lo;
        } else {
            c++;
            i++;
            lk_postings_next(&cur);
        }
    }
    *count = c;
    return cur.bad ? LK_ERR_FORMAT : LK_OK;
}

/* Add the local documents del[0..nd) (ascending, not yet deleted) to segment g (index x):
   its tombstones and the df corrections of every term they contain. */
static lk_status tombstone(lk_bm25__seg_info *g, const lk_bm25__seg *x, const uint32_t *del,
                           size_t nd, lk_error *err)
{
    uint64_t n_terms = x->n_terms;
    uint32_t *dl = malloc(((size_t)g->n_deleted + nd + 1) * sizeof *dl);
    uint64_t *ct = NULL;
    uint32_t *cn = NULL;
    size_t nc = 0, cap = 0, a = 0, b = 0, n = 0;
    lk_status st = dl ? LK_OK : LK_ERR_NOMEM;
    while (st == LK_OK && (a < g->n_deleted || b < nd)) /* union of two ascending lists */
        dl[n++] = b >= nd || (a < g->n_deleted && g->deleted[a] < del[b]) ? g->deleted[a++]
                                                                           : del[b++];
    uint32_t oi = 0;
    for (uint64_t t = 0; t < n_terms && st == LK_OK; t++) {
        uint32_t old = oi < g->n_corr && g->corr_term[oi] == t ? g->corr_n[oi++] : 0, c = 0;
        if ((st = count_deleted(x, t, del, nd, &c)) != LK_OK) break;
        if (old + c == 0) continue;
        if (nc == cap) {
            size_t c2 = cap;
            void *p = ct;
            if ((st = lk_grow(&p, &c2, nc + 1, sizeof *ct)) != LK_OK) break;
            ct = p;
            p = cn;
            if ((st = lk_grow(&p, &cap, nc + 1, sizeof *cn)) != LK_OK) break;
            cn = p;
        }
        ct[nc] = t;
        cn[nc++] = old + c;
    }
    if (st == LK_OK) {
        free(g->deleted);
        free(g->corr_term);
        free(g->corr_n);
        g->deleted = dl;
        g->n_deleted = (uint32_t)n;
        g->corr_term = ct ? ct : calloc(1, sizeof *ct);
        g->corr_n = cn ? cn : calloc(1, sizeof *cn);
        g->n_corr = (uint32_t)nc;
        return g->corr_term && g->corr_n ? LK_OK : LK_ERR_NOMEM;
    }
    free(dl);
    free(ct);
    free(cn);
    if (st == LK_ERR_FORMAT)
        return lk_error_set(err, st, "%s: corrupt index (postings)", g->name);
    return st;
}

lk_status lk_bm25__update_delete(lk_bm25__update *u, const uint32_t *docs, size_t n,
                                 lk_error *err)
{
    lk_status st = LK_OK;
    uint32_t *local = malloc((n + 1) * sizeof *local);
    if (!local) return LK_ERR_NOMEM;
    size_t at = 0;
    for (size_t i = 0; i < u->n_old && st == LK_OK; i++) {
        uint32_t base;
        const lk_bm25__seg *x = lk_bm25__index_seg(u->idx, i, &base, NULL);
        uint32_t end = base + u->m.segs[i].n_docs;
        size_t nd = 0;
        while (at < n && docs[at] < end) local[nd++] = docs[at++] - base;
        if (nd) st = tombstone(&u->m.segs[i], x, local, nd, err);
    }
    free(local);
    if (st != LK_OK) return st;
    /* segments whose documents are all deleted are dropped (index.lkbx stays listed) */
    size_t w = 0;
    for (size_t i = 0; i < u->m.n; i++) {
        lk_bm25__seg_info *g = &u->m.segs[i];
        if (g->n_deleted == g->n_docs && strcmp(g->name, LK_BM25_INDEX_FILE) != 0) {
            lk_bm25__seg_info_free(g);
            continue;
        }
        u->m.segs[w++] = *g;
    }
    u->n_old -= u->m.n - w;
    u->m.n = w;
    return LK_OK;
}

static bool listed(const lk_bm25__manifest *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->segs[i].name, name) == 0) return true;
    return false;
}

/* Remove segment files the manifest m does not list and temp files of killed runs. */
static void remove_orphans(const char *dir, const lk_bm25__manifest *m)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    size_t pl = strlen(LK_BM25_SEG_PREFIX), ml = strlen(LK_BM25_MANIFEST_FILE);
    while ((e = readdir(d)) != NULL) {
        const char *nm = e->d_name;
        size_t n = strlen(nm);
        bool seg = n > pl + 5 && strncmp(nm, LK_BM25_SEG_PREFIX, pl) == 0 &&
                   strcmp(nm + n - 5, ".lkbx") == 0 && !listed(m, nm);
        bool tmp = strncmp(nm, LK_BM25_MANIFEST_FILE, ml) == 0 && strncmp(nm + ml, ".tmp.", 5) == 0;
        if (!seg && !tmp) continue;
        char *p = lk_path_join(dir, nm);
        if (p) unlink(p);
        free(p);
    }
    closedir(d);
}

lk_status lk_bm25__update_commit(lk_bm25__update *u, lk_error *err)
{
    lk_bytes b = {0};
    char *path = lk_path_join(u->dir, LK_BM25_MANIFEST_FILE);
    lk_status st = path ? manifest_encode(&u->m, &b) : LK_ERR_NOMEM;
    if (st == LK_OK) st = lk_write_atomic(path, write_manifest_fn, &b, err);
    if (st == LK_OK) remove_orphans(u->dir, &u->m);
    lk_bytes_free(&b);
    free(path);
    return st;
}

/* ---- merging ------------------------------------------------------------------------------ */

/* A file of an index directory that is not the index itself: kept across a full merge
   (e.g. a model the analyzer settings refer to). */
static bool is_aux_file(const char *name)
{
    size_t pl = strlen(LK_BM25_SEG_PREFIX), ml = strlen(LK_BM25_MANIFEST_FILE);
    return name[0] != '.' && strcmp(name, LK_BM25_INDEX_FILE) != 0 &&
           strcmp(name, LK_BM25_LOCK_FILE) != 0 && strncmp(name, LK_BM25_SEG_PREFIX, pl) != 0 &&
           strncmp(name, LK_BM25_MANIFEST_FILE, ml) != 0;
}

/* Copy src to dst (fsync'd). */
static lk_status copy_file(const char *src, const char *dst, lk_error *err)
{
    char buf[1 << 16];
    lk_status st = LK_OK;
    FILE *in = fopen(src, "rb"), *out = in ? fopen(dst, "wb") : NULL;
    if (!in || !out) st = lk_error_set(err, LK_ERR_IO, "%s: %s", in ? dst : src, strerror(errno));
    size_t n;
    while (st == LK_OK && (n = fread(buf, 1, sizeof buf, in)) > 0)
        st = lk_fwrite_all(out, buf, n, dst, err);
    if (st == LK_OK && (ferror(in) || fflush(out) != 0 || fsync(fileno(out)) != 0))
        st = lk_error_set(err, LK_ERR_IO, "%s: %s", dst, strerror(errno));
    if (out && fclose(out) != 0 && st == LK_OK)
        st = lk_error_set(err, LK_ERR_IO, "%s: %s", dst, strerror(errno));
    if (in) fclose(in);
    return st;
}

/* Copy the regular files of dir that are not the index into the builder's directory. */
static lk_status copy_aux_files(const char *dir, const char *to, lk_error *err)
{
    DIR *d = opendir(dir);
    if (!d) return lk_error_set(err, LK_ERR_IO, "%s: %s", dir, strerror(errno));
    lk_status st = LK_OK;
    struct dirent *e;
    while (st == LK_OK && (e = readdir(d)) != NULL) {
        if (!is_aux_file(e->d_name)) continue;
        char *src = lk_path_join(dir, e->d_name), *dst = lk_path_join(to, e->d_name);
        struct stat sb;
        if (!src || !dst) st = LK_ERR_NOMEM;
        else if (lstat(src, &sb) == 0 && S_ISREG(sb.st_mode)) st = copy_file(src, dst, err);
        free(src);
        free(dst);
    }
    closedir(d);
    return st;
}

lk_status lk_bm25__merge_all(const char *dir, const lk_bm25_build_config *cfg, lk_error *err)
{
    lk_bm25_index *idx = NULL;
    lk_bm25_builder *b = NULL;
    lk_status st = lk_bm25_index_open(dir, &idx, err); /* a missing index is an error */
    if (st == LK_OK && !lk_bm25__segs_present(dir)) { /* one segment: nothing to merge */
        lk_bm25_index_free(idx);
        return LK_OK;
    }
    lk_bm25_build_config bc = *cfg;
    if (st == LK_OK) {
        bc.settings = lk_bm25_index_settings(idx, &bc.settings_len);
        st = lk_bm25_builder_create_add(dir, idx, &bc, &b, err);
    }
    if (st == LK_OK && (st = copy_aux_files(dir, b->tmpdir, err)) != LK_OK)
        lk_bm25_builder_free(b);
    else if (st == LK_OK) st = lk_bm25_builder_finish(b, err); /* frees b */
    lk_bm25_index_free(idx);
    return st;
}

/* Merge segments first..n-1 of the open index idx (of dir) into one new segment file. */
static lk_status merge_tail(const char *dir, const lk_bm25_index *idx, size_t first,
                            const lk_bm25_build_config *cfg, lk_error *err)
{
    lk_bm25__update *u = NULL;
    lk_bm25_builder *b = NULL;
    size_t n = lk_bm25__index_n_segs(idx);
    const lk_bm25__seg **bases = malloc(n * sizeof *bases);
    const uint64_t **dels = malloc(n * sizeof *dels);
    lk_status st = bases && dels ? LK_OK : LK_ERR_NOMEM;
    for (size_t i = first; i < n && st == LK_OK; i++)
        bases[i - first] = lk_bm25__index_seg(idx, i, NULL, &dels[i - first]);
    lk_bm25_build_config bc = *cfg;
    bc.settings = lk_bm25_index_settings(idx, &bc.settings_len);
    uint32_t n_docs = 0;
    if (st == LK_OK) st = lk_bm25__update_begin(dir, idx, &u, err);
    if (st == LK_OK) st = lk_bm25__builder_create_bases(dir, bases, dels, n - first, &bc, &b, err);
    if (st == LK_OK) {
        char *dest = lk_path_join(dir, lk_bm25__update_next_name(u));
        st = dest ? lk_bm25__builder_finish_segment(b, dest, &n_docs, err) : LK_ERR_NOMEM;
        if (!dest) lk_bm25_builder_free(b);
        free(dest);
    }
    if (st == LK_OK) {
        for (size_t i = first; i < u->m.n; i++) lk_bm25__seg_info_free(&u->m.segs[i]);
        u->m.n = u->n_old = first;
        st = lk_bm25__update_add_segment(u, n_docs, err);
    }
    if (st == LK_OK) st = lk_bm25__update_commit(u, err);
    lk_bm25__update_free(u);
    free(bases);
    free(dels);
    return st;
}

lk_status lk_bm25__apply_policy(const char *dir, size_t max_segments,
                                const lk_bm25_build_config *cfg, lk_error *err)
{
    lk_bm25_index *idx = NULL;
    lk_bm25__manifest m;
    if (max_segments < 1) max_segments = 1;
    if (!lk_bm25__segs_present(dir)) return LK_OK;
    char *mpath = lk_path_join(dir, LK_BM25_MANIFEST_FILE);
    lk_status st = mpath ? lk_bm25__manifest_read(mpath, &m, err) : LK_ERR_NOMEM;
    free(mpath);
    if (st != LK_OK) return st;
    size_t n = m.n, j = n - 1;
    uint64_t sum = m.segs[j].n_docs - m.segs[j].n_deleted;
    while (j >= 1) {
        const lk_bm25__seg_info *prev = &m.segs[j - 1];
        if (sum < (uint64_t)(prev->n_docs - prev->n_deleted) && j + 1 <= max_segments) break;
        j--;
        sum += prev->n_docs - prev->n_deleted;
    }
    lk_bm25__manifest_free(&m);
    if (n < 2 || j == n - 1) return LK_OK;
    if (j == 0) return lk_bm25__merge_all(dir, cfg, err);
    if ((st = lk_bm25_index_open(dir, &idx, err)) != LK_OK) return st;
    /* the manifest read above is the one opened (the caller holds the lock) */
    st = merge_tail(dir, idx, j, cfg, err);
    lk_bm25_index_free(idx);
    return st;
}
