/* bm25_build.c: building an LKBX index: documents in (interning, per-document tfs,
   (term, doc, tf) triples), the temporary directory, and the atomic switch of the index
   directory. Runs, merging and the index file itself are in bm25_runs.c. */
#define _GNU_SOURCE
#include "features/search/bm25_build_internal.h"

#include "features/search/bm25_seg_internal.h"
#include "features/search/bm25_segments.h"
#include "features/search/bm25_text.h"
#include "features/search/postings.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "text/fileio.h"
#include "text/utf8.h"
#include "text/vocab.h"

#define TERMS_RESERVE ((size_t)1 << 20)

lk_bm25_build_config lk_bm25_build_config_default(void)
{
    lk_bm25_build_config c;
    memset(&c, 0, sizeof c);
    c.mem_limit = DEFAULT_MEM_LIMIT;
    c.threads = 1;
    return c;
}

size_t lk_bm25_builder_n_runs(const lk_bm25_builder *b) { return b->n_spilled; }

/* Remove a directory holding only regular files (our temp dirs and old indexes). */
static void remove_flat_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char *p = lk_path_join(dir, e->d_name);
        if (p) unlink(p);
        free(p);
    }
    closedir(d);
    rmdir(dir);
}

/* dir/name exists and starts with `magic`. */
static bool file_has_magic(const char *dir, const char *name, const char *magic)
{
    char *p = lk_path_join(dir, name);
    FILE *fp = p ? fopen(p, "rb") : NULL;
    char m[4] = {0};
    bool ok = fp && fread(m, 1, 4, fp) == 4 && memcmp(m, magic, 4) == 0;
    if (fp) fclose(fp);
    free(p);
    return ok;
}

bool lk_bm25_dir_holds_index(const char *dir)
{
    return file_has_magic(dir, LK_BM25_INDEX_FILE, LK_BM25_INDEX_MAGIC) ||
           file_has_magic(dir, LK_BM25_MANIFEST_FILE, LK_BM25_MANIFEST_MAGIC);
}

/* `dir` may be replaced: absent, an empty directory, or one holding a lexkit index (one
   file, or segments with their manifest). */
static lk_status check_replaceable(const char *dir, lk_error *err)
{
    struct stat sb;
    if (lstat(dir, &sb) != 0) {
        if (errno == ENOENT) return LK_OK;
        /* a parent is a file (ENOTDIR) or may not be searched (EACCES) */
        return lk_error_set(err, LK_ERR_IO, "cannot create index directory %s: %s", dir,
                            strerror(errno));
    }
    if (!S_ISDIR(sb.st_mode))
        return lk_error_set(err, LK_ERR_IO, "%s: exists and is not a directory; not replacing it",
                            dir);
    DIR *d = opendir(dir);
    if (!d) return lk_error_set(err, LK_ERR_IO, "%s: %s", dir, strerror(errno));
    bool empty = true;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        empty = false;
    }
    closedir(d);
    if (empty || lk_bm25_dir_holds_index(dir)) return LK_OK;
    /* an index file without its magic (truncated to nothing, overwritten): say so, and
       still keep it (it may be the only copy of something the user wants to look at) */
    const char *const names[] = {LK_BM25_INDEX_FILE, LK_BM25_MANIFEST_FILE};
    for (size_t i = 0; i < 2; i++) {
        char *p = lk_path_join(dir, names[i]);
        bool there = p && lstat(p, &sb) == 0;
        free(p);
        if (there)
            return lk_error_set(err, LK_ERR_IO,
                                "%s: holds a damaged lexkit index (%s is truncated or not an "
                                "index file); not replacing it: remove the directory first",
                                dir, names[i]);
    }
    return lk_error_set(err, LK_ERR_IO,
                        "%s: exists and is not a lexkit index; not replacing it", dir);
}

/* Remove "DIR.tmp-PID" directories left by builds that were killed. */
static void clean_stale_tmp(const char *dir)
{
    char *parent = strdup(dir);
    if (!parent) return;
    char *slash = strrchr(parent, '/');
    const char *base = slash ? slash + 1 : parent;
    const char *pdir = ".";
    if (slash) {
        *slash = '\0';
        pdir = slash == parent ? "/" : parent;
    }
    size_t blen = strlen(base);
    DIR *d = opendir(pdir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strncmp(e->d_name, base, blen) != 0 || strncmp(e->d_name + blen, ".tmp-", 5) != 0)
                continue;
            char *end;
            long pid = strtol(e->d_name + blen + 5, &end, 10);
            if (*end || pid <= 0 || pid == (long)getpid()) continue;
            if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue; /* still running */
            char *p = lk_path_join(pdir, e->d_name);
            if (p) remove_flat_dir(p);
            free(p);
        }
        closedir(d);
    }
    free(parent);
}

lk_status lk_bm25_builder_create(const char *dir, const lk_bm25_build_config *cfg,
                                 lk_bm25_builder **out, lk_error *err)
{
    lk_status st;
    *out = NULL;
    if (!dir || !*dir) return lk_error_set(err, LK_ERR_ARG, "empty index path");
    lk_bm25_builder *b = calloc(1, sizeof *b);
    if (!b) return LK_ERR_NOMEM;
    b->cfg = *cfg;
    if (b->cfg.mem_limit < MIN_MEM_LIMIT) b->cfg.mem_limit = MIN_MEM_LIMIT;
    b->tr_limit = b->cfg.mem_limit / sizeof(triple);
    size_t dlen = strlen(dir);
    while (dlen > 1 && dir[dlen - 1] == '/') dlen--;
    if (!(b->dir = malloc(dlen + 1)) || !(b->tmpdir = malloc(dlen + 32))) {
        st = LK_ERR_NOMEM;
        goto fail;
    }
    memcpy(b->dir, dir, dlen);
    b->dir[dlen] = '\0';
    snprintf(b->tmpdir, dlen + 32, "%s.tmp-%ld", b->dir, (long)getpid());
    b->settings = malloc(cfg->settings_len + 1);
    if (!b->settings) {
        st = LK_ERR_NOMEM;
        goto fail;
    }
    if (cfg->settings_len) memcpy(b->settings, cfg->settings, cfg->settings_len);
    b->settings[cfg->settings_len] = '\0';
    b->cfg.settings = b->settings;
    if ((st = check_replaceable(b->dir, err)) != LK_OK) goto fail;
    clean_stale_tmp(b->dir);
    remove_flat_dir(b->tmpdir);
    if (mkdir(b->tmpdir, 0777) != 0) {
        /* the temp directory beside DIR is ours: name DIR, which the user gave (DIR's
           parent failed: missing, not a directory, or not writable) */
        int e = errno;
        struct stat sb;
        st = lk_error_set(err, LK_ERR_IO, "cannot %s index directory %s: %s",
                          stat(b->dir, &sb) == 0 ? "update" : "create", b->dir, strerror(e));
        free(b->tmpdir); /* not ours to remove */
        b->tmpdir = NULL;
        goto fail;
    }
    /* room for many terms at once (pages are committed as they are used): the arrays are not
       copied as the vocabulary grows */
    if ((st = lk_termtab_init(&b->terms, false, 0)) != LK_OK ||
        (st = lk_termtab_reserve(&b->terms, TERMS_RESERVE, TERMS_RESERVE * 8)) != LK_OK ||
        (st = lk_vocab_create(&b->ids)) != LK_OK)
        goto fail;
    char *ids_path = lk_path_join(b->tmpdir, "ids.tmp");
    if (!ids_path) {
        st = LK_ERR_NOMEM;
        goto fail;
    }
    b->ids_fp = fopen(ids_path, "w+b");
    if (!b->ids_fp) st = lk_error_set(err, LK_ERR_IO, "%s: %s", ids_path, strerror(errno));
    free(ids_path);
    if (st != LK_OK) goto fail;
    if (!(b->idoffs = malloc(16 * sizeof *b->idoffs))) {
        st = LK_ERR_NOMEM;
        goto fail;
    }
    b->idoffs_cap = 16;
    b->idoffs[0] = 0;
    if ((st = lk_bm25__store_writer_init(&b->store, b->tmpdir, cfg->store,
                                         cfg->store ? strlen(cfg->store) : 0, err)) != LK_OK)
        goto fail;
    if ((st = lk_bm25__pos_writer_init(&b->pos, b->tmpdir, cfg->positions, err)) != LK_OK)
        goto fail;
    *out = b;
    return LK_OK;
fail:
    lk_bm25_builder_free(b);
    return st;
}

/* The inverse of the positions' term codes of segment x (x has positions). */
static lk_status base_code2term(const lk_bm25__seg *x, uint32_t **out, lk_error *err)
{
    const lk_bm25__pos *p = lk_bm25__seg_pos(x);
    uint64_t n = x->n_terms;
    uint32_t *c = malloc((size_t)(n + 1) * sizeof *c);
    if (!c) return LK_ERR_NOMEM;
    unsigned char *seen = calloc((size_t)n + 1, 1);
    if (!seen) {
        free(c);
        return LK_ERR_NOMEM;
    }
    bool ok = p != NULL;
    for (uint64_t t = 0; ok && t < n; t++) {
        uint32_t k = lk_bm25__pos_code(p, t);
        ok = !seen[k];
        seen[k] = 1;
        c[k] = (uint32_t)t;
    }
    free(seen);
    if (!ok) {
        free(c);
        return lk_error_set(err, LK_ERR_FORMAT, "%s: corrupt index (positions: term codes)",
                            lk_bm25__seg_file(x));
    }
    *out = c;
    return LK_OK;
}

/* Keep the documents of the bases not deleted: ids (count 0 marks "already in the index"),
   lengths, and the maps from their old to their new numbers. */
static lk_status keep_base_docs(lk_bm25_builder *b, lk_error *err)
{
    uint64_t total = 0;
    uint32_t nd = 0;
    lk_status st;
    b->base_kept = true;
    for (size_t i = 0; i < b->n_bases; i++) total += b->bases[i]->n_docs;
    if (total >= UINT32_MAX - 1)
        return lk_error_set(err, LK_ERR_RANGE, "too many documents (limit %u)", UINT32_MAX - 1);
    void *p = b->doclens;
    if ((st = lk_grow(&p, &b->doclens_cap, (size_t)total + 1, sizeof *b->doclens)) != LK_OK)
        return st;
    b->doclens = p;
    p = b->idoffs;
    if ((st = lk_grow(&p, &b->idoffs_cap, (size_t)total + 2, sizeof *b->idoffs)) != LK_OK)
        return st;
    b->idoffs = p;
    if (!(b->base_kept_end = calloc(b->n_bases + 1, sizeof *b->base_kept_end))) return LK_ERR_NOMEM;
    uint32_t *code2term = NULL;
    for (size_t i = 0; i < b->n_bases; i++) {
        const lk_bm25__seg *x = b->bases[i];
        uint32_t *map = b->base_maps[i];
        free(code2term);
        code2term = NULL;
        if (b->pos.on && (st = base_code2term(x, &code2term, err)) != LK_OK) return st;
        for (uint32_t d = 0; d < x->n_docs; d++) {
            if (map[d] == LK_DOC_END) continue;
            size_t len;
            const char *id = lk_bm25__seg_doc_id(x, d, &len);
            if ((st = lk_vocab_add_count(b->ids, id, len, 0, NULL)) != LK_OK) return st;
            if (fwrite(id, 1, len, b->ids_fp) != len)
                return lk_error_set(err, LK_ERR_IO, "%s: writing ids: %s", b->tmpdir,
                                    strerror(errno));
            if ((st = lk_bm25__store_writer_copy(&b->store, x, d, err)) != LK_OK ||
                (st = lk_bm25__pos_writer_copy(&b->pos, x, d, code2term, err)) != LK_OK) {
                free(code2term);
                return st;
            }
            map[d] = nd;
            b->doclens[nd] = lk_bm25__seg_doc_len(x, d);
            b->total_len += b->doclens[nd];
            b->idoffs[nd + 1] = b->idoffs[nd] + len;
            nd++;
        }
        b->base_kept_end[i] = nd;
    }
    free(code2term);
    b->n_docs = b->n_base_kept = nd;
    return LK_OK;
}

lk_status lk_bm25__builder_create_bases(const char *dir, const lk_bm25__seg *const *bases,
                                        const uint64_t *const *deleted, size_t n,
                                        const lk_bm25_build_config *cfg, lk_bm25_builder **out,
                                        lk_error *err)
{
    lk_status st = lk_bm25_builder_create(dir, cfg, out, err);
    if (st != LK_OK) return st;
    lk_bm25_builder *b = *out;
    if (n > 0) { /* the store of the documents kept: the first base's spec */
        const lk_bm25__store *s0 = lk_bm25__seg_store(bases[0]);
        size_t spec_len = s0 ? s0->spec_len : 0;
        const char *spec = s0 ? (const char *)s0->spec : NULL;
        lk_bm25__store_writer_free(&b->store);
        st = lk_bm25__store_writer_init(&b->store, b->tmpdir, spec, spec_len, err);
        bool pos = true; /* positions if every base has them */
        for (size_t i = 0; i < n; i++) pos = pos && lk_bm25__seg_pos(bases[i]) != NULL;
        b->cfg.positions = pos;
        lk_bm25__pos_writer_free(&b->pos);
        if (st == LK_OK) st = lk_bm25__pos_writer_init(&b->pos, b->tmpdir, pos, err);
        if (st != LK_OK) {
            lk_bm25_builder_free(b);
            *out = NULL;
            return st;
        }
    }
    b->bases = calloc(n + 1, sizeof *b->bases);
    b->base_maps = calloc(n + 1, sizeof *b->base_maps);
    b->base_start = calloc(n + 1, sizeof *b->base_start);
    st = b->bases && b->base_maps && b->base_start ? LK_OK : LK_ERR_NOMEM;
    uint64_t start = 0;
    for (size_t i = 0; i < n && st == LK_OK; i++, b->n_bases++) {
        uint32_t nd = bases[i]->n_docs;
        b->bases[i] = bases[i];
        b->base_start[i] = (uint32_t)start;
        start += nd;
        if (!(b->base_maps[i] = calloc((size_t)nd + 1, sizeof *b->base_maps[i]))) {
            st = LK_ERR_NOMEM;
            break;
        }
        for (uint32_t d = 0; deleted && deleted[i] && d < nd; d++)
            if ((deleted[i][d >> 6] >> (d & 63)) & 1) b->base_maps[i][d] = LK_DOC_END;
    }
    if (st != LK_OK) {
        lk_bm25_builder_free(b);
        *out = NULL;
    }
    return st;
}

lk_status lk_bm25_builder_create_add(const char *dir, const lk_bm25_index *base,
                                     const lk_bm25_build_config *cfg, lk_bm25_builder **out,
                                     lk_error *err)
{
    size_t n = lk_bm25__index_n_segs(base);
    const lk_bm25__seg **segs = malloc(n * sizeof *segs);
    const uint64_t **dels = malloc(n * sizeof *dels);
    lk_status st = segs && dels ? LK_OK : LK_ERR_NOMEM;
    *out = NULL;
    for (size_t i = 0; i < n && st == LK_OK; i++)
        segs[i] = lk_bm25__index_seg(base, i, NULL, &dels[i]);
    if (st == LK_OK) st = lk_bm25__builder_create_bases(dir, segs, dels, n, cfg, out, err);
    free(segs);
    free(dels);
    return st;
}

lk_status lk_bm25_builder_delete(lk_bm25_builder *b, uint32_t doc)
{
    if (b->base_kept) return LK_ERR_ARG;
    for (size_t i = b->n_bases; i-- > 0;) {
        if (doc < b->base_start[i]) continue;
        if (doc - b->base_start[i] >= b->bases[i]->n_docs) return LK_ERR_ARG;
        b->base_maps[i][doc - b->base_start[i]] = LK_DOC_END;
        return LK_OK;
    }
    return LK_ERR_ARG;
}

int64_t lk_bm25__builder_id_line(const lk_bm25_builder *b, const char *id, size_t len)
{
    int32_t v = lk_vocab_find(b->ids, id, len);
    return v == LK_ID_NONE ? -1 : lk_vocab_count(b->ids, v);
}

void lk_bm25_builder_free(lk_bm25_builder *b)
{
    if (!b) return;
    if (b->ids_fp) fclose(b->ids_fp);
    lk_bm25__store_writer_free(&b->store);
    lk_bm25__pos_writer_free(&b->pos);
    free(b->base_kept_end);
    if (b->tmpdir) remove_flat_dir(b->tmpdir);
    lk_termtab_free(&b->terms);
    lk_vocab_free(b->ids);
    free(b->dir);
    free(b->tmpdir);
    free(b->settings);
    free(b->tr);
    free(b->doclens);
    free(b->idoffs);
    free(b->runs);
    free(b->agg);
    free(b->part_tids);
    for (size_t i = 0; i < b->n_bases; i++) free(b->base_maps[i]);
    free(b->bases);
    free(b->base_maps);
    free(b->base_start);
    free(b->hashes);
    free(b->tids);
    free(b->miss_at);
    free(b->tcache);
    free(b);
}

/* ---- adding documents --------------------------------------------------------------- */

#define INTERN_AHEAD 8 /* the slot of term i + 2*AHEAD and the entry of term i + AHEAD are
                           prefetched while term i is looked up */

/* b->tids[i] = id of terms[i] (new terms are added): frequent terms from the cache, the
   others from the term table, their slots and entries prefetched ahead (on a large
   vocabulary, such as Chinese bigrams, most of those probes miss the CPU cache). */
static lk_status intern_terms(lk_bm25_builder *b, const lk_term *terms, size_t n)
{
    if (n > b->words_cap) {
        uint32_t *h = realloc(b->hashes, n * sizeof *h);
        if (h) b->hashes = h;
        uint32_t *t = realloc(b->tids, n * sizeof *t);
        if (t) b->tids = t;
        size_t *m = realloc(b->miss_at, n * sizeof *m);
        if (m) b->miss_at = m;
        if (!h || !t || !m) return LK_ERR_NOMEM;
        b->words_cap = n;
    }
    if (!b->tcache && !(b->tcache = calloc(TCACHE_SLOTS, sizeof *b->tcache))) return LK_ERR_NOMEM;
    lk_termtab *tab = &b->terms;
    uint32_t *hs = b->hashes;
    size_t n_miss = 0;
    for (size_t i = 0; i < n; i++) {
        const char *s = terms[i].s;
        size_t len = terms[i].len;
        if (len == 0) return LK_ERR_ARG;
        uint32_t h = lk_bm25__term_hash(s, len);
        const tcache_slot *c = &b->tcache[h & (TCACHE_SLOTS - 1)];
        if (c->len == len && c->hash == h && memcmp(c->s, s, len) == 0) {
            b->tids[i] = c->id;
            continue;
        }
        hs[n_miss] = h;
        b->miss_at[n_miss++] = i;
    }
    for (size_t j = 0; j < n_miss && j < 2 * INTERN_AHEAD; j++) lk_termtab_prefetch_slot(tab, hs[j]);
    for (size_t j = 0; j < n_miss; j++) {
        if (j + 2 * INTERN_AHEAD < n_miss) lk_termtab_prefetch_slot(tab, hs[j + 2 * INTERN_AHEAD]);
        if (j + INTERN_AHEAD < n_miss) lk_termtab_prefetch_entry(tab, hs[j + INTERN_AHEAD]);
        const lk_term *t = &terms[b->miss_at[j]];
        uint32_t id;
        lk_status st = lk_termtab_unit_hashed(tab, t->s, t->len, hs[j], true, &id);
        if (st != LK_OK) return st;
        b->tids[b->miss_at[j]] = id;
        if (t->len > TCACHE_MAXLEN) continue;
        tcache_slot *c = &b->tcache[hs[j] & (TCACHE_SLOTS - 1)];
        c->hash = hs[j];
        c->id = id;
        c->len = (uint8_t)t->len;
        memcpy(c->s, t->s, t->len);
    }
    return LK_OK;
}

#define ID_SHOWN 100 /* bytes of a document id quoted in a message */

static lk_status check_doc_id(lk_bm25_builder *b, const char *id, size_t id_len,
                              const char *path, int64_t line, lk_error *err)
{
    const char *where = path ? path : "<input>";
    if (id_len == 0) return lk_error_at(err, where, line, 0, "empty document id");
    for (size_t i = 0; i < id_len; i++) {
        if ((unsigned char)id[i] <= ' ') {
            char shown[ID_SHOWN * 4 + 1]; /* controls (NUL too) as \xNN: the id as given */
            lk_utf8_printable(id, id_len > ID_SHOWN ? ID_SHOWN : id_len, shown, sizeof shown);
            return lk_error_at(err, where, line, 0,
                               "document id \"%s\" contains whitespace or a control character",
                               shown);
        }
    }
    int32_t prev;
    bool added;
    lk_status st = lk_vocab_find_or_add(b->ids, id, id_len,
                                        line > 0 ? line : (int64_t)b->n_docs + 1, &prev, &added);
    if (st != LK_OK || added) return st;
    if (lk_vocab_count(b->ids, prev) == 0)
        return lk_error_at(err, where, line, 0,
                           "duplicate document id \"%.*s\" (already in the index)",
                           (int)(id_len > 100 ? 100 : id_len), id);
    return lk_error_at(err, where, line, 0,
                       "duplicate document id \"%.*s\" (first used at line %lld)",
                       (int)(id_len > 100 ? 100 : id_len), id,
                       (long long)lk_vocab_count(b->ids, prev));
}

lk_status lk_bm25_builder_add(lk_bm25_builder *b, const char *id, size_t id_len,
                              const lk_term *terms, size_t n_terms, const char *path,
                              int64_t line, lk_error *err)
{
    return lk_bm25_builder_add_stored(b, id, id_len, terms, n_terms, NULL, 0, path, line, err);
}

lk_status lk_bm25_builder_add_stored(lk_bm25_builder *b, const char *id, size_t id_len,
                                     const lk_term *terms, size_t n_terms, const void *rec,
                                     size_t rec_len, const char *path, int64_t line,
                                     lk_error *err)
{
    return lk_bm25_builder_add_doc(b, id, id_len, terms, n_terms, NULL, 0, rec, rec_len, path,
                                   line, err);
}

bool lk_bm25_builder_positions(const lk_bm25_builder *b) { return b->pos.on; }

void lk_bm25_builder_set_title_weight(lk_bm25_builder *b, uint32_t w)
{
    b->title_weight = w ? w : 1;
}

/* Room in b->tr for n more triples. */
static lk_status reserve_triples(lk_bm25_builder *b, size_t n)
{
    if (!b->tr && n <= b->tr_limit) {
        /* reserve the whole buffer once: pages are only committed when written, and the
           buffer never has to be copied as it grows */
        if ((b->tr = lk_huge_alloc(b->tr_limit * sizeof(triple))) != NULL) b->tr_cap = b->tr_limit;
    }
    if (b->n_tr + n > b->tr_cap) {
        void *p = b->tr;
        lk_status st = lk_grow(&p, &b->tr_cap, b->n_tr + n, sizeof(triple));
        if (st != LK_OK) return st;
        b->tr = p;
    }
    return LK_OK;
}

/* Checks and per-document arrays before a document's first terms: its id recorded, its
   stored record written. */
static lk_status begin_doc(lk_bm25_builder *b, const char *id, size_t id_len, size_t n_terms,
                           const void *rec, size_t rec_len, const char *path, int64_t line,
                           lk_error *err)
{
    lk_status st;
    if (b->n_bases && !b->base_kept && (st = keep_base_docs(b, err)) != LK_OK) return st;
    if (b->n_docs >= UINT32_MAX - 1)
        return lk_error_set(err, LK_ERR_RANGE, "too many documents (limit %u)", UINT32_MAX - 1);
    if ((st = check_doc_id(b, id, id_len, path, line, err)) != LK_OK) return st;
    if (b->n_tr > 0 && b->n_tr + n_terms > b->tr_limit && (st = lk_bm25__spill(b, err)) != LK_OK)
        return st;
    if ((st = reserve_triples(b, n_terms)) != LK_OK) return st;
    void *p = b->doclens;
    if ((st = lk_grow(&p, &b->doclens_cap, (size_t)b->n_docs + 1, sizeof *b->doclens)) != LK_OK)
        return st;
    b->doclens = p;
    p = b->idoffs;
    if ((st = lk_grow(&p, &b->idoffs_cap, (size_t)b->n_docs + 2, sizeof *b->idoffs)) != LK_OK)
        return st;
    b->idoffs = p;
    if ((st = lk_bm25__store_writer_add(&b->store, rec, rec_len, err)) != LK_OK) return st;
    if (fwrite(id, 1, id_len, b->ids_fp) != id_len)
        return lk_error_set(err, LK_ERR_IO, "%s: writing ids: %s", b->tmpdir, strerror(errno));
    b->idoffs[b->n_docs + 1] = b->idoffs[b->n_docs] + id_len;
    b->doc_tr0 = b->n_tr;
    return LK_OK;
}

static void end_doc(lk_bm25_builder *b, uint32_t dl)
{
    b->doclens[b->n_docs] = dl;
    b->total_len += dl;
    b->n_docs++;
}

static size_t agg_slot(uint32_t tid, size_t mask) { return (size_t)(tid * 0x9E3779B1u) & mask; }

/* The tf table with room for `distinct` terms at most half full: grown (and refilled from
   the document's triples) when it has fewer slots. */
static lk_status agg_reserve(lk_bm25_builder *b, size_t distinct, bool clear)
{
    size_t cap = 16;
    while (cap < 2 * distinct) cap *= 2;
    if (!clear && cap <= b->agg_used) return LK_OK;
    if (cap > b->agg_cap) {
        uint32_t *slots = realloc(b->agg, cap * sizeof *slots);
        if (!slots) return LK_ERR_NOMEM;
        b->agg = slots;
        b->agg_cap = cap;
    }
    b->agg_used = cap;
    memset(b->agg, 0, cap * sizeof *b->agg);
    const triple *dtr = b->tr + b->doc_tr0;
    for (size_t k = 0; k < b->n_tr - b->doc_tr0; k++) {
        size_t h = agg_slot(dtr[k].term, cap - 1);
        while (b->agg[h]) h = (h + 1) & (cap - 1);
        b->agg[h] = (uint32_t)(k + 1);
    }
    return LK_OK;
}

/* tf per distinct term of b->tids[0..n) into the document's triples (first-seen order):
   a small open-addressing table over its term ids (cache-friendly, unlike per-term arrays
   indexed by id). The first n_title terms count tw times. */
static void tally(lk_bm25_builder *b, size_t n, size_t n_title, uint32_t tw)
{
    uint32_t doc = b->n_docs, *agg = b->agg;
    size_t mask = b->agg_used - 1;
    triple *dtr = b->tr + b->doc_tr0;
    for (size_t i = 0; i < n; i++) {
        uint32_t tid = b->tids[i], inc = i < n_title ? tw : 1;
        size_t h = agg_slot(tid, mask);
        while (agg[h] && dtr[agg[h] - 1].term != tid) h = (h + 1) & mask;
        if (agg[h]) {
            dtr[agg[h] - 1].tf += inc;
        } else {
            b->tr[b->n_tr].term = tid;
            b->tr[b->n_tr].doc = doc;
            b->tr[b->n_tr].tf = inc;
            agg[h] = (uint32_t)(++b->n_tr - b->doc_tr0);
        }
    }
}

lk_status lk_bm25_builder_add_doc(lk_bm25_builder *b, const char *id, size_t id_len,
                                  const lk_term *terms, size_t n_terms,
                                  const unsigned char *keep, size_t n_title, const void *rec,
                                  size_t rec_len, const char *path, int64_t line, lk_error *err)
{
    lk_status st;
    if (b->part_on) return LK_ERR_ARG;
    if (n_title > n_terms) n_title = n_terms;
    uint32_t tw = b->title_weight > 1 ? b->title_weight : 1;
    uint64_t dl = (uint64_t)n_terms + (uint64_t)(tw - 1) * n_title; /* weighted length */
    if (dl > UINT32_MAX)
        return lk_error_at(err, path ? path : "<input>", line, 0, "document too long");
    if ((st = begin_doc(b, id, id_len, n_terms, rec, rec_len, path, line, err)) != LK_OK ||
        (st = intern_terms(b, terms, n_terms)) != LK_OK ||
        (st = lk_bm25__pos_writer_add(&b->pos, b->tids, keep, n_terms, n_title, err)) != LK_OK ||
        (st = agg_reserve(b, n_terms, true)) != LK_OK)
        return st;
    tally(b, n_terms, n_title, tw);
    end_doc(b, (uint32_t)dl);
    return LK_OK;
}

/* With positions: the kept ids of a part's terms appended to b->part_tids. */
static lk_status keep_part_tids(lk_bm25_builder *b, const unsigned char *keep, size_t n,
                                size_t n_title)
{
    if (!b->pos.on) return LK_OK;
    void *p = b->part_tids;
    lk_status st = lk_grow(&p, &b->part_tids_cap, b->part_n_tids + n + 1, sizeof *b->part_tids);
    if (st != LK_OK) return st;
    b->part_tids = p;
    for (size_t i = 0; i < n; i++) {
        if (keep && !keep[i]) continue;
        b->part_tids[b->part_n_tids++] = b->tids[i];
        if (i < n_title) b->part_title_tids++;
    }
    return LK_OK;
}

lk_status lk_bm25__builder_add_part(lk_bm25_builder *b, const char *id, size_t id_len,
                                    const lk_term *terms, size_t n_terms,
                                    const unsigned char *keep, size_t n_title, const void *rec,
                                    size_t rec_len, bool first, bool last, const char *path,
                                    int64_t line, lk_error *err)
{
    lk_status st;
    if (first == b->part_on) return LK_ERR_ARG;
    if (!first) n_title = 0;
    if (n_title > n_terms) n_title = n_terms;
    uint32_t tw = b->title_weight > 1 ? b->title_weight : 1;
    uint64_t dl = (first ? 0 : b->part_terms + (uint64_t)(tw - 1) * b->part_title) + n_terms +
                  (uint64_t)(tw - 1) * n_title;
    if (dl > UINT32_MAX)
        return lk_error_at(err, path ? path : "<input>", line, 0, "document too long");
    if (first) {
        if ((st = begin_doc(b, id, id_len, n_terms, rec, rec_len, path, line, err)) != LK_OK ||
            (st = agg_reserve(b, 0, true)) != LK_OK)
            return st;
        b->part_on = true;
        b->part_terms = b->part_title = 0;
        b->part_n_tids = b->part_title_tids = 0;
    } else if ((st = reserve_triples(b, n_terms)) != LK_OK) {
        return st;
    }
    if ((st = intern_terms(b, terms, n_terms)) != LK_OK ||
        (st = keep_part_tids(b, keep, n_terms, n_title)) != LK_OK ||
        (st = agg_reserve(b, b->n_tr - b->doc_tr0 + n_terms, false)) != LK_OK)
        return st;
    tally(b, n_terms, n_title, tw);
    b->part_terms += n_terms;
    b->part_title += n_title;
    if (!last) return LK_OK;
    b->part_on = false;
    if ((st = lk_bm25__pos_writer_add(&b->pos, b->part_tids, NULL, b->part_n_tids,
                                      b->part_title_tids, err)) != LK_OK)
        return st;
    end_doc(b, (uint32_t)dl);
    return LK_OK;
}

static lk_status fsync_dir(const char *dir, lk_error *err)
{
    char *p = lk_path_join(dir, ".");
    if (!p) return LK_ERR_NOMEM;
    lk_status st = lk_fsync_dir_of(p, err);
    free(p);
    return st;
}

/* Put tmpdir in place of dir: an atomic exchange where the kernel has it, else rename the
   old index away first (a crash in between leaves no index, never a partial one). */
static lk_status install(lk_bm25_builder *b, lk_error *err)
{
    lk_status st = check_replaceable(b->dir, err);
    if (st != LK_OK) return st;
    struct stat sb;
    if (lstat(b->dir, &sb) != 0) {
        if (rename(b->tmpdir, b->dir) != 0)
            return lk_error_set(err, LK_ERR_IO, "rename %s -> %s: %s", b->tmpdir, b->dir,
                                strerror(errno));
        return lk_fsync_dir_of(b->dir, err);
    }
#ifdef RENAME_EXCHANGE
    if (renameat2(AT_FDCWD, b->tmpdir, AT_FDCWD, b->dir, RENAME_EXCHANGE) == 0) {
        st = lk_fsync_dir_of(b->dir, err);
        remove_flat_dir(b->tmpdir); /* now the old index */
        return st;
    }
#endif
    size_t n = strlen(b->dir) + 32;
    char *old = malloc(n);
    if (!old) return LK_ERR_NOMEM;
    snprintf(old, n, "%s.old-%ld", b->dir, (long)getpid());
    remove_flat_dir(old);
    if (rename(b->dir, old) != 0) {
        st = lk_error_set(err, LK_ERR_IO, "rename %s -> %s: %s", b->dir, old, strerror(errno));
    } else if (rename(b->tmpdir, b->dir) != 0) {
        st = lk_error_set(err, LK_ERR_IO, "rename %s -> %s: %s", b->tmpdir, b->dir,
                          strerror(errno));
        rename(old, b->dir);
    } else {
        st = lk_fsync_dir_of(b->dir, err);
        remove_flat_dir(old);
    }
    free(old);
    return st;
}

const char *lk_bm25_builder_dir(const lk_bm25_builder *b) { return b->tmpdir; }

/* Copy in the kept base documents, merge and write the index file in the temporary
   directory (*index_path, malloc'd), dropping the ids scratch file. */
static lk_status write_tmp_index(lk_bm25_builder *b, char **index_path, lk_error *err)
{
    lk_status st = LK_OK;
    char *ids_path = lk_path_join(b->tmpdir, "ids.tmp");
    *index_path = lk_path_join(b->tmpdir, LK_BM25_INDEX_FILE);
    if (!*index_path || !ids_path) st = LK_ERR_NOMEM;
    if (st == LK_OK && b->n_bases && !b->base_kept) st = keep_base_docs(b, err);
    if (st == LK_OK) st = lk_bm25__write_index(b, *index_path, err);
    if (st == LK_OK) {
        fclose(b->ids_fp);
        b->ids_fp = NULL;
        unlink(ids_path);
        lk_bm25__store_writer_free(&b->store); /* removes its temp file */
        lk_bm25__pos_writer_free(&b->pos);     /* the same */
    }
    free(ids_path);
    return st;
}

lk_status lk_bm25_builder_finish(lk_bm25_builder *b, lk_error *err)
{
    char *index_path = NULL;
    lk_status st = write_tmp_index(b, &index_path, err);
    if (st == LK_OK) st = fsync_dir(b->tmpdir, err);
    if (st == LK_OK) st = install(b, err);
    if (st == LK_OK) {
        free(b->tmpdir); /* installed (or swapped out and removed): nothing left to clean */
        b->tmpdir = NULL;
    }
    free(index_path);
    lk_bm25_builder_free(b);
    return st;
}

lk_status lk_bm25__builder_finish_segment(lk_bm25_builder *b, const char *dest, uint32_t *n_docs,
                                          lk_error *err)
{
    char *index_path = NULL;
    lk_status st = write_tmp_index(b, &index_path, err);
    if (st != LK_OK) goto done;
    *n_docs = b->n_docs;
    if (rename(index_path, dest) != 0) {
        st = lk_error_set(err, LK_ERR_IO, "rename %s -> %s: %s", index_path, dest,
                          strerror(errno));
        goto done;
    }
    st = lk_fsync_dir_of(dest, err);
done:
    free(index_path);
    lk_bm25_builder_free(b);
    return st;
}
