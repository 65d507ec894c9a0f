/* bm25_segments.c: segmented index directories, reading: the manifest (segments.lkbm: the
   segment files with their size and CRC, their deleted documents and per-term df
   corrections) and opening the segments it lists, each checked against it (bm25_index.c
   makes them an index). Writing (lock, tombstones, commit, merges) is in
   bm25_segments_write.c. */
#define _GNU_SOURCE
#include "features/search/bm25_segments.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "features/search/bm25_seg_internal.h"
#include "features/search/bm25_segments_internal.h"
#include "text/fileio.h"

/* ---- the manifest (layout in bm25_segments_internal.h) ------------------------------- */

void lk_bm25__seg_info_free(lk_bm25__seg_info *g)
{
    free(g->name);
    free(g->deleted);
    free(g->corr_term);
    free(g->corr_n);
    memset(g, 0, sizeof *g);
}

void lk_bm25__manifest_free(lk_bm25__manifest *m)
{
    for (size_t i = 0; i < m->n; i++) lk_bm25__seg_info_free(&m->segs[i]);
    free(m->segs);
    memset(m, 0, sizeof *m);
}

lk_status lk_bm25__manifest_push(lk_bm25__manifest *m, lk_bm25__seg_info *g)
{
    lk_bm25__seg_info *p = realloc(m->segs, (m->n + 1) * sizeof *p);
    if (!p) return LK_ERR_NOMEM;
    m->segs = p;
    m->segs[m->n++] = *g;
    memset(g, 0, sizeof *g);
    return LK_OK;
}

/* A segment file name: "index.lkbx" or "seg-NNNNNN.lkbx" (no path separators). */
static bool valid_name(const char *s, size_t n)
{
    if (n == 0 || n >= LK_BM25_SEG_NAME_MAX) return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '/' || s[i] == '\0') return false;
    return n > 5 && memcmp(s + n - 5, ".lkbx", 5) == 0 && s[0] != '.';
}

static bool parse_seg(lk_rd *r, lk_bm25__seg_info *g)
{
    uint32_t nl;
    if (!lk_rd_get_u32(r, &nl) || !lk_rd_have(r, nl) || !valid_name((const char *)r->p, nl))
        return false;
    if (!(g->name = malloc(nl + 1))) return false;
    memcpy(g->name, r->p, nl);
    g->name[nl] = '\0';
    r->p += nl;
    if (!lk_rd_get_u64(r, &g->size) || !lk_rd_get_u32(r, &g->crc) ||
        !lk_rd_get_u32(r, &g->n_docs) || !lk_rd_get_u32(r, &g->n_deleted) ||
        !lk_rd_get_u32(r, &g->n_corr))
        return false;
    if (g->n_deleted > g->n_docs || !lk_rd_have(r, (uint64_t)g->n_deleted * 4) ||
        !lk_rd_have(r, (uint64_t)g->n_corr * 12))
        return false;
    g->deleted = malloc(((size_t)g->n_deleted + 1) * sizeof *g->deleted);
    g->corr_term = malloc(((size_t)g->n_corr + 1) * sizeof *g->corr_term);
    g->corr_n = malloc(((size_t)g->n_corr + 1) * sizeof *g->corr_n);
    if (!g->deleted || !g->corr_term || !g->corr_n) return false;
    for (uint32_t i = 0; i < g->n_deleted; i++) {
        if (!lk_rd_get_u32(r, &g->deleted[i]) || g->deleted[i] >= g->n_docs ||
            (i && g->deleted[i] <= g->deleted[i - 1]))
            return false;
    }
    for (uint32_t i = 0; i < g->n_corr; i++) {
        if (!lk_rd_get_u64(r, &g->corr_term[i]) || !lk_rd_get_u32(r, &g->corr_n[i]) ||
            g->corr_n[i] == 0 || g->corr_n[i] > g->n_deleted ||
            (i && g->corr_term[i] <= g->corr_term[i - 1]))
            return false;
    }
    return true;
}

lk_status lk_bm25__manifest_read(const char *path, lk_bm25__manifest *m, lk_error *err)
{
    char *buf = NULL;
    size_t n = 0;
    memset(m, 0, sizeof *m);
    lk_status st = lk_read_file(path, &buf, &n, err);
    if (st != LK_OK) return st;
    const unsigned char *payload;
    uint64_t plen;
    st = lk_envelope_check((const unsigned char *)buf, n, LK_BM25_MANIFEST_MAGIC,
                           LK_BM25_MANIFEST_VERSION, path, &payload, &plen, NULL, NULL, err);
    if (st != LK_OK) {
        free(buf);
        return st;
    }
    lk_rd r = {payload, payload + plen};
    uint32_t n_segs;
    bool ok = lk_rd_get_u32(&r, &m->next_seq) && lk_rd_get_u32(&r, &n_segs) && n_segs >= 1 &&
              n_segs <= plen / 32;
    for (uint32_t i = 0; ok && i < n_segs; i++) {
        lk_bm25__seg_info g;
        memset(&g, 0, sizeof g);
        ok = parse_seg(&r, &g) && lk_bm25__manifest_push(m, &g) == LK_OK;
        lk_bm25__seg_info_free(&g);
    }
    free(buf);
    if (ok && r.p == r.end) return LK_OK;
    lk_bm25__manifest_free(m);
    return lk_error_set(err, LK_ERR_FORMAT, "%s: corrupt segment manifest", path);
}

/* Size and trailing CRC of a file (the CRC field of an LKBX file). */
lk_status lk_bm25__file_size_crc(const char *path, uint64_t *size, uint32_t *crc, lk_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    unsigned char t[4];
    lk_status st = LK_OK;
    if (fd < 0 || fstat(fd, &sb) != 0)
        st = lk_error_set(err, LK_ERR_IO, "%s: %s", path, strerror(errno));
    else if (sb.st_size < 4 || pread(fd, t, 4, sb.st_size - 4) != 4)
        st = lk_error_set(err, LK_ERR_FORMAT, "%s: truncated file", path);
    if (st == LK_OK) {
        *size = (uint64_t)sb.st_size;
        *crc = lk_get_u32(t);
    }
    if (fd >= 0) close(fd);
    return st;
}

/* ---- opening the segments a manifest lists ---------------------------------------------- */

bool lk_bm25__segs_present(const char *dir)
{
    char *p = lk_path_join(dir, LK_BM25_MANIFEST_FILE);
    bool yes = p && access(p, F_OK) == 0;
    free(p);
    return yes;
}

/* Check segment x (file `path`) against its manifest entry g; first: segment 0. */
static lk_status check_segment(const lk_bm25__manifest *m, const lk_bm25__seg *x,
                               const lk_bm25__seg *first, const lk_bm25__seg_info *g,
                               const char *path, lk_error *err)
{
    uint64_t size;
    uint32_t crc;
    lk_status st = lk_bm25__file_size_crc(path, &size, &crc, err);
    if (st != LK_OK) return st;
    if (size != g->size || crc != g->crc || x->n_docs != g->n_docs)
        return lk_error_set(err, LK_ERR_FORMAT,
                            "%s: not the segment listed in %s (replaced or damaged)", path,
                            LK_BM25_MANIFEST_FILE);
    if (first->settings_len != x->settings_len ||
        memcmp(first->settings, x->settings, (size_t)x->settings_len) != 0)
        return lk_error_set(err, LK_ERR_FORMAT, "%s: analyzer settings differ from %s", path,
                            m->segs[0].name);
    for (uint32_t j = 0; j < g->n_corr; j++)
        if (g->corr_term[j] >= x->n_terms || g->corr_n[j] > lk_bm25__seg_df(x, g->corr_term[j]))
            return lk_error_set(err, LK_ERR_FORMAT, "%s: corrupt segment manifest (df of %s)",
                                LK_BM25_MANIFEST_FILE, path);
    return LK_OK;
}

static void free_segs(lk_bm25__seg **segs, size_t n)
{
    for (size_t i = 0; segs && i < n; i++) lk_bm25__seg_free(segs[i]);
    free(segs);
}

/* Read the manifest and open every segment it lists; *missing when a listed file does not
   exist. */
static lk_status try_open(const char *dir, lk_bm25__manifest *m, lk_bm25__seg ***out,
                          bool *missing, lk_error *err)
{
    char *mpath = lk_path_join(dir, LK_BM25_MANIFEST_FILE);
    if (!mpath) return LK_ERR_NOMEM;
    lk_status st = lk_bm25__manifest_read(mpath, m, err);
    free(mpath);
    if (st != LK_OK) return st;
    lk_bm25__seg **segs = calloc(m->n, sizeof *segs);
    if (!segs) return LK_ERR_NOMEM;
    for (size_t i = 0; i < m->n && st == LK_OK; i++) {
        char *path = lk_path_join(dir, m->segs[i].name);
        if (!path) {
            st = LK_ERR_NOMEM;
            break;
        }
        if (access(path, F_OK) != 0 && errno == ENOENT) *missing = true;
        st = lk_bm25__seg_open(path, &segs[i], err);
        if (st == LK_OK) st = check_segment(m, segs[i], segs[0], &m->segs[i], path, err);
        free(path);
    }
    if (st != LK_OK) {
        free_segs(segs, m->n);
        return st;
    }
    *out = segs;
    return LK_OK;
}

lk_status lk_bm25__segs_open(const char *dir, lk_bm25__manifest *m, lk_bm25__seg ***segs,
                             lk_error *err)
{
    lk_status st = LK_OK;
    *segs = NULL;
    for (int attempt = 0; attempt < LK_BM25_OPEN_ATTEMPTS; attempt++) {
        bool missing = false;
        st = try_open(dir, m, segs, &missing, err);
        if (st == LK_OK) return LK_OK;
        lk_bm25__manifest_free(m);
        if (!missing) break;
        usleep(10000);
    }
    return st;
}
