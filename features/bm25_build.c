/* bm25_build.c: building an LKBX index: in-memory inversion into (term, doc, tf) triples,
   sorted runs spilled to disk past the memory limit, a k-way merge into block postings,
   one checksummed file, and the atomic switch of the index directory. */
#define _GNU_SOURCE
#include "features/bm25_index.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "features/bm25_index_internal.h"
#include "features/postings.h"
#include "text/fileio.h"
#include "text/vocab.h"

#define DEFAULT_MEM_LIMIT ((size_t)256 << 20)
#define MIN_MEM_LIMIT ((size_t)4 << 10)
#define MAX_FANIN 64u
#define COPY_CHUNK ((size_t)1 << 20)

typedef struct {
    uint32_t term, doc, tf;
} triple;

/* Direct-mapped cache in front of the vocabulary for short terms: frequent words (most
   tokens) are resolved without a hash-table walk. */
#define TCACHE_BITS 13
#define TCACHE_SLOTS ((size_t)1 << TCACHE_BITS)
#define TCACHE_MAXLEN 22
typedef struct {
    uint32_t hash;
    int32_t id;
    uint8_t len;
    char s[TCACHE_MAXLEN + 1];
} tcache_slot;

static inline uint32_t term_hash(const char *s, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 0x100000001B3ull;
    h ^= h >> 29;
    return (uint32_t)h;
}

struct lk_bm25_builder {
    char *dir, *tmpdir;
    lk_bm25_build_config cfg;
    char *settings;
    lk_vocab *terms;         /* term -> id */
    lk_vocab *ids;           /* document id -> line of first use (as its count) */
    triple *tr;
    size_t n_tr, tr_cap, tr_limit;
    uint32_t *doclens;
    size_t doclens_cap;
    uint64_t *idoffs;        /* n_docs + 1 offsets into the ids file */
    size_t idoffs_cap;
    uint32_t n_docs;
    uint64_t total_len;
    FILE *ids_fp;
    tcache_slot *tcache;     /* TCACHE_SLOTS */
    const char **words;      /* scratch for lk_vocab_add_batch: the cache misses */
    size_t *lens;
    size_t *miss_at;         /* their positions in the document */
    uint32_t *hashes;
    int32_t *tids, *miss_ids;
    size_t *agg;             /* per-document tf aggregation table */
    size_t agg_cap;
    size_t words_cap;
    int *runs;               /* run file numbers, oldest documents first */
    size_t n_runs, runs_cap, n_spilled;
    int run_seq;
};

lk_bm25_build_config lk_bm25_build_config_default(void)
{
    lk_bm25_build_config c;
    memset(&c, 0, sizeof c);
    c.mem_limit = DEFAULT_MEM_LIMIT;
    return c;
}

size_t lk_bm25_builder_n_runs(const lk_bm25_builder *b) { return b->n_spilled; }

static void logf_(const lk_bm25_builder *b, int level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void logf_(const lk_bm25_builder *b, int level, const char *fmt, ...)
{
    if (!b->cfg.log) return;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    b->cfg.log(b->cfg.log_user, level, msg);
}

static char *path_join(const char *dir, const char *name)
{
    size_t a = strlen(dir), n = strlen(name);
    char *p = malloc(a + n + 2);
    if (!p) return NULL;
    memcpy(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, name, n + 1);
    return p;
}

static char *run_path(const lk_bm25_builder *b, int run)
{
    char name[32];
    snprintf(name, sizeof name, "run-%06d", run);
    return path_join(b->tmpdir, name);
}

/* Remove a directory holding only regular files (our temp dirs and old indexes). */
static void remove_flat_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char *p = path_join(dir, e->d_name);
        if (p) unlink(p);
        free(p);
    }
    closedir(d);
    rmdir(dir);
}

/* `dir` may be replaced: absent, an empty directory, or one holding a lexkit index. */
static lk_status check_replaceable(const char *dir, lk_error *err)
{
    struct stat sb;
    if (lstat(dir, &sb) != 0) {
        if (errno == ENOENT) return LK_OK;
        return lk_error_set(err, LK_ERR_IO, "%s: %s", dir, strerror(errno));
    }
    if (!S_ISDIR(sb.st_mode))
        return lk_error_set(err, LK_ERR_IO, "%s: exists and is not a directory; not replacing it",
                            dir);
    DIR *d = opendir(dir);
    if (!d) return lk_error_set(err, LK_ERR_IO, "%s: %s", dir, strerror(errno));
    bool empty = true, has_index = false;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        empty = false;
        if (strcmp(e->d_name, LK_BM25_INDEX_FILE) == 0) has_index = true;
    }
    closedir(d);
    if (empty) return LK_OK;
    if (has_index) {
        char *p = path_join(dir, LK_BM25_INDEX_FILE);
        FILE *fp = p ? fopen(p, "rb") : NULL;
        char magic[4] = {0};
        bool ok = fp && fread(magic, 1, 4, fp) == 4 && memcmp(magic, LK_BM25_INDEX_MAGIC, 4) == 0;
        if (fp) fclose(fp);
        free(p);
        if (ok) return LK_OK;
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
            char *p = path_join(pdir, e->d_name);
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
        st = lk_error_set(err, LK_ERR_IO, "%s: %s", b->tmpdir, strerror(errno));
        free(b->tmpdir); /* not ours to remove */
        b->tmpdir = NULL;
        goto fail;
    }
    if ((st = lk_vocab_create(&b->terms)) != LK_OK || (st = lk_vocab_create(&b->ids)) != LK_OK)
        goto fail;
    char *ids_path = path_join(b->tmpdir, "ids.tmp");
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
    *out = b;
    return LK_OK;
fail:
    lk_bm25_builder_free(b);
    return st;
}

void lk_bm25_builder_free(lk_bm25_builder *b)
{
    if (!b) return;
    if (b->ids_fp) fclose(b->ids_fp);
    if (b->tmpdir) remove_flat_dir(b->tmpdir);
    lk_vocab_free(b->terms);
    lk_vocab_free(b->ids);
    free(b->dir);
    free(b->tmpdir);
    free(b->settings);
    free(b->tr);
    free(b->doclens);
    free(b->idoffs);
    free(b->runs);
    free(b->words);
    free(b->lens);
    free(b->miss_at);
    free(b->miss_ids);
    free(b->agg);
    free(b->hashes);
    free(b->tcache);
    free(b->tids);
    free(b);
}

/* ---- runs ----------------------------------------------------------------------------- */

typedef struct {
    const char *s;
    size_t len;
    uint32_t tid;
} term_ref;

static int cmp_bytes(const char *a, size_t na, const char *b, size_t nb)
{
    int c = memcmp(a, b, na < nb ? na : nb);
    if (c) return c;
    return na < nb ? -1 : na > nb;
}

static int cmp_term_ref(const void *x, const void *y)
{
    const term_ref *a = x, *b = y;
    return cmp_bytes(a->s, a->len, b->s, b->len);
}

/* The current triples grouped by term (bytewise order), docs ascending within a term. */
typedef struct {
    term_ref *terms;
    size_t n_terms;
    size_t *start;      /* n_terms + 1 offsets into docs/tfs */
    uint32_t *docs, *tfs;
} sorted_run;

static void sorted_run_free(sorted_run *r)
{
    free(r->terms);
    free(r->start);
    free(r->docs);
    free(r->tfs);
    memset(r, 0, sizeof *r);
}

static lk_status sort_run(const lk_bm25_builder *b, sorted_run *r)
{
    memset(r, 0, sizeof *r);
    size_t V = (size_t)lk_vocab_size(b->terms);
    size_t *pos = calloc(V + 1, sizeof *pos); /* count, then write position, per term id */
    if (!pos) return LK_ERR_NOMEM;
    size_t n_present = 0;
    for (size_t i = 0; i < b->n_tr; i++)
        if (pos[b->tr[i].term]++ == 0) n_present++;
    r->terms = malloc((n_present + 1) * sizeof *r->terms);
    r->start = malloc((n_present + 1) * sizeof *r->start);
    r->docs = malloc((b->n_tr + 1) * sizeof *r->docs);
    r->tfs = malloc((b->n_tr + 1) * sizeof *r->tfs);
    if (!r->terms || !r->start || !r->docs || !r->tfs) {
        free(pos);
        sorted_run_free(r);
        return LK_ERR_NOMEM;
    }
    size_t k = 0;
    for (size_t t = 0; t < V; t++)
        if (pos[t]) {
            r->terms[k].tid = (uint32_t)t;
            r->terms[k].s = lk_vocab_word(b->terms, (int32_t)t);
            r->terms[k].len = lk_vocab_word_len(b->terms, (int32_t)t);
            k++;
        }
    r->n_terms = k;
    if (k > 1) qsort(r->terms, k, sizeof *r->terms, cmp_term_ref);
    size_t off = 0;
    for (size_t i = 0; i < k; i++) {
        size_t c = pos[r->terms[i].tid];
        r->start[i] = off;
        pos[r->terms[i].tid] = off;
        off += c;
    }
    r->start[k] = off;
    for (size_t i = 0; i < b->n_tr; i++) {
        size_t p = pos[b->tr[i].term]++;
        r->docs[p] = b->tr[i].doc;
        r->tfs[p] = b->tr[i].tf;
    }
    free(pos);
    return LK_OK;
}

static lk_status put_varint(FILE *fp, uint64_t v, lk_error *err)
{
    unsigned char buf[10];
    size_t n = lk_varint_put(buf, v);
    return lk_fwrite_all(fp, buf, n, "run", err);
}

/* Run file: per term, varint term length, bytes, varint n, then n (doc gap, tf) varints. */
typedef struct {
    FILE *fp;
    char *path;
} run_writer;

static lk_status run_write_term(run_writer *w, const char *s, size_t len, const uint32_t *docs,
                                const uint32_t *tfs, size_t n, lk_error *err)
{
    lk_status st = put_varint(w->fp, len, err);
    if (st == LK_OK) st = lk_fwrite_all(w->fp, s, len, "run", err);
    if (st == LK_OK) st = put_varint(w->fp, n, err);
    uint32_t prev = 0;
    for (size_t i = 0; i < n && st == LK_OK; i++) {
        st = put_varint(w->fp, docs[i] - prev, err);
        if (st == LK_OK) st = put_varint(w->fp, tfs[i], err);
        prev = docs[i];
    }
    return st;
}

static lk_status new_run(lk_bm25_builder *b, run_writer *w, int *run_no, lk_error *err)
{
    *run_no = b->run_seq++;
    w->path = run_path(b, *run_no);
    if (!w->path) return LK_ERR_NOMEM;
    w->fp = fopen(w->path, "wb");
    if (!w->fp) return lk_error_set(err, LK_ERR_IO, "%s: %s", w->path, strerror(errno));
    setvbuf(w->fp, NULL, _IOFBF, COPY_CHUNK);
    return LK_OK;
}

static lk_status close_run(run_writer *w, lk_status st, lk_error *err)
{
    if (w->fp && fclose(w->fp) != 0 && st == LK_OK)
        st = lk_error_set(err, LK_ERR_IO, "%s: %s", w->path, strerror(errno));
    w->fp = NULL;
    free(w->path);
    w->path = NULL;
    return st;
}

static lk_status push_run(lk_bm25_builder *b, int run_no)
{
    void *p = b->runs;
    lk_status st = lk_grow(&p, &b->runs_cap, b->n_runs + 1, sizeof *b->runs);
    if (st != LK_OK) return st;
    b->runs = p;
    b->runs[b->n_runs++] = run_no;
    return LK_OK;
}

/* Spill the buffered triples as a sorted run file. */
static lk_status spill(lk_bm25_builder *b, lk_error *err)
{
    sorted_run r;
    run_writer w = {0};
    int run_no;
    lk_status st = sort_run(b, &r);
    if (st != LK_OK) return st;
    if ((st = new_run(b, &w, &run_no, err)) == LK_OK)
        for (size_t i = 0; i < r.n_terms && st == LK_OK; i++)
            st = run_write_term(&w, r.terms[i].s, r.terms[i].len, r.docs + r.start[i],
                                r.tfs + r.start[i], r.start[i + 1] - r.start[i], err);
    st = close_run(&w, st, err);
    if (st == LK_OK) st = push_run(b, run_no);
    if (st == LK_OK) {
        b->n_spilled++;
        logf_(b, LK_LOG_INFO, "spilled run %zu (%zu postings, %u docs so far)", b->n_spilled,
              b->n_tr, b->n_docs);
    }
    sorted_run_free(&r);
    b->n_tr = 0;
    return st;
}

/* ---- adding documents --------------------------------------------------------------- */

/* b->tids[i] = id of terms[i], through the cache, then the vocabulary in one batch. */
static lk_status intern_terms(lk_bm25_builder *b, const lk_term *terms, size_t n)
{
    if (n > b->words_cap) {
        size_t cap = n;
        const char **w = realloc(b->words, cap * sizeof *w);
        if (w) b->words = w;
        size_t *l = realloc(b->lens, cap * sizeof *l);
        if (l) b->lens = l;
        size_t *at = realloc(b->miss_at, cap * sizeof *at);
        if (at) b->miss_at = at;
        uint32_t *h = realloc(b->hashes, cap * sizeof *h);
        if (h) b->hashes = h;
        int32_t *t = realloc(b->tids, cap * sizeof *t);
        if (t) b->tids = t;
        int32_t *mi = realloc(b->miss_ids, cap * sizeof *mi);
        if (mi) b->miss_ids = mi;
        if (!w || !l || !at || !h || !t || !mi) return LK_ERR_NOMEM;
        b->words_cap = cap;
    }
    if (!b->tcache && !(b->tcache = calloc(TCACHE_SLOTS, sizeof *b->tcache))) return LK_ERR_NOMEM;
    size_t n_miss = 0;
    for (size_t i = 0; i < n; i++) {
        const char *s = terms[i].s;
        size_t len = terms[i].len;
        uint32_t h = term_hash(s, len);
        const tcache_slot *c = &b->tcache[h & (TCACHE_SLOTS - 1)];
        if (c->len == len && c->hash == h && len && memcmp(c->s, s, len) == 0) {
            b->tids[i] = c->id;
            continue;
        }
        b->words[n_miss] = s;
        b->lens[n_miss] = len;
        b->hashes[n_miss] = h;
        b->miss_at[n_miss++] = i;
    }
    if (n_miss == 0) return LK_OK;
    int32_t *tmp = b->miss_ids;
    lk_status st = lk_vocab_add_batch(b->terms, b->words, b->lens, n_miss, tmp, NULL);
    if (st == LK_OK)
        for (size_t j = 0; j < n_miss; j++) {
            b->tids[b->miss_at[j]] = tmp[j];
            size_t len = b->lens[j];
            if (len == 0 || len > TCACHE_MAXLEN) continue;
            tcache_slot *c = &b->tcache[b->hashes[j] & (TCACHE_SLOTS - 1)];
            c->hash = b->hashes[j];
            c->id = tmp[j];
            c->len = (uint8_t)len;
            memcpy(c->s, b->words[j], len);
        }
    return st;
}

static lk_status check_doc_id(lk_bm25_builder *b, const char *id, size_t id_len,
                              const char *path, int64_t line, lk_error *err)
{
    const char *where = path ? path : "<input>";
    if (id_len == 0) return lk_error_at(err, where, line, 0, "empty document id");
    for (size_t i = 0; i < id_len; i++)
        if ((unsigned char)id[i] <= ' ')
            return lk_error_at(err, where, line, 0,
                               "document id \"%.*s\" contains whitespace or a control character",
                               (int)(id_len > 100 ? 100 : id_len), id);
    int32_t prev = lk_vocab_find(b->ids, id, id_len);
    if (prev != LK_ID_NONE)
        return lk_error_at(err, where, line, 0,
                           "duplicate document id \"%.*s\" (first used at line %lld)",
                           (int)(id_len > 100 ? 100 : id_len), id,
                           (long long)lk_vocab_count(b->ids, prev));
    return lk_vocab_add_count(b->ids, id, id_len, line > 0 ? line : (int64_t)b->n_docs + 1, NULL);
}

lk_status lk_bm25_builder_add(lk_bm25_builder *b, const char *id, size_t id_len,
                              const lk_term *terms, size_t n_terms, const char *path,
                              int64_t line, lk_error *err)
{
    lk_status st;
    if (b->n_docs >= UINT32_MAX - 1)
        return lk_error_set(err, LK_ERR_RANGE, "too many documents (limit %u)", UINT32_MAX - 1);
    if (n_terms > UINT32_MAX)
        return lk_error_at(err, path ? path : "<input>", line, 0, "document too long");
    if ((st = check_doc_id(b, id, id_len, path, line, err)) != LK_OK) return st;
    if (b->n_tr > 0 && b->n_tr + n_terms > b->tr_limit && (st = spill(b, err)) != LK_OK)
        return st;
    if (!b->tr && n_terms <= b->tr_limit) {
        /* reserve the whole buffer once: pages are only committed when written, and the
           buffer never has to be copied as it grows */
        if ((b->tr = malloc(b->tr_limit * sizeof(triple))) != NULL) b->tr_cap = b->tr_limit;
    }
    if (b->n_tr + n_terms > b->tr_cap) {
        void *p = b->tr;
        if ((st = lk_grow(&p, &b->tr_cap, b->n_tr + n_terms, sizeof(triple))) != LK_OK) return st;
        b->tr = p;
    }
    void *p = b->doclens;
    if ((st = lk_grow(&p, &b->doclens_cap, (size_t)b->n_docs + 1, sizeof *b->doclens)) != LK_OK)
        return st;
    b->doclens = p;
    p = b->idoffs;
    if ((st = lk_grow(&p, &b->idoffs_cap, (size_t)b->n_docs + 2, sizeof *b->idoffs)) != LK_OK)
        return st;
    b->idoffs = p;
    if (fwrite(id, 1, id_len, b->ids_fp) != id_len)
        return lk_error_set(err, LK_ERR_IO, "%s: writing ids: %s", b->tmpdir, strerror(errno));

    if ((st = intern_terms(b, terms, n_terms)) != LK_OK) return st;
    /* tf per distinct term: a small open-addressing table over the document's term ids
       (cache-friendly, unlike per-term arrays indexed by id); triples in first-seen order */
    uint32_t doc = b->n_docs;
    size_t cap = 16;
    while (cap < 2 * n_terms) cap *= 2;
    if (cap > b->agg_cap) {
        size_t *slots = realloc(b->agg, cap * sizeof *slots);
        if (!slots) return LK_ERR_NOMEM;
        b->agg = slots;
        b->agg_cap = cap;
    }
    size_t *agg = b->agg; /* triple index + 1, 0 = empty */
    memset(agg, 0, cap * sizeof *agg);
    for (size_t i = 0; i < n_terms; i++) {
        uint32_t tid = (uint32_t)b->tids[i];
        size_t h = (size_t)(tid * 0x9E3779B1u) & (cap - 1);
        while (agg[h] && b->tr[agg[h] - 1].term != tid) h = (h + 1) & (cap - 1);
        if (agg[h]) {
            b->tr[agg[h] - 1].tf++;
        } else {
            b->tr[b->n_tr].term = tid;
            b->tr[b->n_tr].doc = doc;
            b->tr[b->n_tr].tf = 1;
            agg[h] = ++b->n_tr;
        }
    }
    b->doclens[doc] = (uint32_t)n_terms;
    b->idoffs[doc + 1] = b->idoffs[doc] + id_len;
    b->total_len += n_terms;
    b->n_docs++;
    return LK_OK;
}

/* ---- merging ------------------------------------------------------------------------------ */

/* A source of (term, postings) in bytewise term order: a run file or the in-memory run. */
typedef struct {
    FILE *fp;               /* file source */
    char *path;
    const sorted_run *mem;  /* memory source */
    size_t mem_i;
    bool done;
    char *term;             /* current term (file source buffer) */
    const char *cur;        /* current term bytes */
    size_t term_len, term_cap;
    uint32_t *docs, *tfs;   /* current postings (file source buffers) */
    const uint32_t *cdocs, *ctfs;
    size_t n, cap;
} run_src;

static bool get_varint(FILE *fp, uint64_t *v)
{
    uint64_t r = 0;
    for (int i = 0; i < 10; i++) {
        int c = getc_unlocked(fp);
        if (c == EOF) return false;
        r |= (uint64_t)(c & 0x7F) << (7 * i);
        if (!(c & 0x80)) {
            *v = r;
            return true;
        }
    }
    return false;
}

static lk_status src_next(run_src *s, lk_error *err)
{
    if (s->mem) {
        if (s->mem_i >= s->mem->n_terms) {
            s->done = true;
            return LK_OK;
        }
        size_t i = s->mem_i++;
        s->cur = s->mem->terms[i].s;
        s->term_len = s->mem->terms[i].len;
        s->cdocs = s->mem->docs + s->mem->start[i];
        s->ctfs = s->mem->tfs + s->mem->start[i];
        s->n = s->mem->start[i + 1] - s->mem->start[i];
        return LK_OK;
    }
    uint64_t len, n, gap, tf;
    int c = getc_unlocked(s->fp);
    if (c == EOF) {
        s->done = true;
        return ferror(s->fp) ? lk_error_set(err, LK_ERR_IO, "%s: read error", s->path) : LK_OK;
    }
    ungetc(c, s->fp);
    if (!get_varint(s->fp, &len) || len > ((uint64_t)1 << 30)) goto bad;
    void *p = s->term;
    if (lk_grow(&p, &s->term_cap, (size_t)len + 1, 1) != LK_OK) return LK_ERR_NOMEM;
    s->term = p;
    if (fread(s->term, 1, (size_t)len, s->fp) != len) goto bad;
    if (!get_varint(s->fp, &n) || n == 0 || n > UINT32_MAX) goto bad;
    if (n > s->cap) {
        size_t cap = s->cap;
        p = s->docs;
        if (lk_grow(&p, &cap, (size_t)n, sizeof *s->docs) != LK_OK) return LK_ERR_NOMEM;
        s->docs = p;
        p = s->tfs;
        if (lk_grow(&p, &s->cap, (size_t)n, sizeof *s->tfs) != LK_OK) return LK_ERR_NOMEM;
        s->tfs = p;
    }
    uint64_t doc = 0;
    for (uint64_t i = 0; i < n; i++) {
        if (!get_varint(s->fp, &gap) || !get_varint(s->fp, &tf)) goto bad;
        doc += gap;
        s->docs[i] = (uint32_t)doc;
        s->tfs[i] = (uint32_t)tf;
    }
    s->cur = s->term;
    s->term_len = (size_t)len;
    s->cdocs = s->docs;
    s->ctfs = s->tfs;
    s->n = (size_t)n;
    return LK_OK;
bad:
    return lk_error_set(err, LK_ERR_IO, "%s: truncated or corrupt run file", s->path);
}

static void src_close(run_src *s)
{
    if (s->fp) fclose(s->fp);
    if (s->path) unlink(s->path);
    free(s->path);
    free(s->term);
    free(s->docs);
    free(s->tfs);
    memset(s, 0, sizeof *s);
}

/* Where merged terms go: another run file, or the final dictionary + postings. */
typedef struct {
    run_writer *run;        /* intermediate merge */
    lk_bm25_builder *b;     /* final: */
    FILE *post_fp;
    lk_bytes dict, termblob, enc;
    uint64_t post_len, n_terms;
} sink;

static lk_status sink_term(sink *k, const char *s, size_t len, const uint32_t *docs,
                           const uint32_t *tfs, size_t n, lk_error *err)
{
    if (k->run) return run_write_term(k->run, s, len, docs, tfs, n, err);
    lk_status st;
    unsigned char e[DICT_ENTRY];
    if (len > UINT32_MAX) return LK_ERR_RANGE;
    lk_put_u64(e, k->termblob.len);
    lk_put_u64(e + 8, k->post_len);
    lk_put_u32(e + 16, (uint32_t)n);
    lk_put_u32(e + 20, (uint32_t)len);
    if ((st = lk_bytes_append(&k->dict, e, sizeof e)) != LK_OK) return st;
    if ((st = lk_bytes_append(&k->termblob, s, len)) != LK_OK) return st;
    k->enc.len = 0;
    if ((st = lk_postings_encode(docs, tfs, n, k->b->doclens, &k->enc)) != LK_OK) return st;
    if ((st = lk_fwrite_all(k->post_fp, k->enc.data, k->enc.len, "postings", err)) != LK_OK)
        return st;
    k->post_len += k->enc.len;
    k->n_terms++;
    return LK_OK;
}

/* Merge sources (oldest documents first) into the sink, term by term. */
static lk_status merge(run_src *src, size_t n_src, sink *k, lk_error *err)
{
    lk_status st = LK_OK;
    uint32_t *docs = NULL, *tfs = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < n_src && st == LK_OK; i++) st = src_next(&src[i], err);
    while (st == LK_OK) {
        run_src *best = NULL;
        for (size_t i = 0; i < n_src; i++)
            if (!src[i].done && (!best || cmp_bytes(src[i].cur, src[i].term_len, best->cur,
                                                    best->term_len) < 0))
                best = &src[i];
        if (!best) break;
        size_t total = 0;
        const char *term = best->cur;
        size_t tlen = best->term_len;
        for (size_t i = 0; i < n_src; i++)
            if (!src[i].done && cmp_bytes(src[i].cur, src[i].term_len, term, tlen) == 0)
                total += src[i].n;
        if (total > cap) {
            size_t c2 = cap;
            void *p = docs;
            if ((st = lk_grow(&p, &c2, total, sizeof *docs)) != LK_OK) break;
            docs = p;
            p = tfs;
            if ((st = lk_grow(&p, &cap, total, sizeof *tfs)) != LK_OK) break;
            tfs = p;
        }
        size_t at = 0;
        for (size_t i = 0; i < n_src; i++)
            if (!src[i].done && cmp_bytes(src[i].cur, src[i].term_len, term, tlen) == 0) {
                memcpy(docs + at, src[i].cdocs, src[i].n * sizeof *docs);
                memcpy(tfs + at, src[i].ctfs, src[i].n * sizeof *tfs);
                at += src[i].n;
            }
        /* term points into a source buffer: emit before advancing the sources */
        if ((st = sink_term(k, term, tlen, docs, tfs, total, err)) != LK_OK) break;
        for (size_t i = 0; i < n_src && st == LK_OK; i++)
            if (!src[i].done && src[i].cur != term &&
                cmp_bytes(src[i].cur, src[i].term_len, term, tlen) == 0)
                st = src_next(&src[i], err);
        if (st == LK_OK) st = src_next(best, err);
    }
    free(docs);
    free(tfs);
    return st;
}

static lk_status open_run_src(lk_bm25_builder *b, int run_no, run_src *s, lk_error *err)
{
    memset(s, 0, sizeof *s);
    if (!(s->path = run_path(b, run_no))) return LK_ERR_NOMEM;
    if (!(s->fp = fopen(s->path, "rb")))
        return lk_error_set(err, LK_ERR_IO, "%s: %s", s->path, strerror(errno));
    setvbuf(s->fp, NULL, _IOFBF, (size_t)1 << 16);
    return LK_OK;
}

/* Merge the oldest MAX_FANIN runs into one until at most MAX_FANIN remain. */
static lk_status reduce_runs(lk_bm25_builder *b, lk_error *err)
{
    while (b->n_runs > MAX_FANIN) {
        run_src src[MAX_FANIN];
        run_writer w = {0};
        sink k;
        memset(&k, 0, sizeof k);
        k.run = &w;
        int run_no;
        size_t opened = 0;
        lk_status st = new_run(b, &w, &run_no, err);
        for (; opened < MAX_FANIN && st == LK_OK; opened++)
            st = open_run_src(b, b->runs[opened], &src[opened], err);
        if (st == LK_OK) st = merge(src, opened, &k, err);
        for (size_t i = 0; i < opened; i++) src_close(&src[i]);
        st = close_run(&w, st, err);
        if (st != LK_OK) return st;
        b->runs[0] = run_no;
        memmove(b->runs + 1, b->runs + MAX_FANIN, (b->n_runs - MAX_FANIN) * sizeof *b->runs);
        b->n_runs -= MAX_FANIN - 1;
    }
    return LK_OK;
}

/* ---- the final file --------------------------------------------------------------------- */

typedef struct {
    FILE *fp;
    const char *path;
    uint32_t crc;
} crc_writer;

static lk_status cw_put(crc_writer *w, const void *buf, size_t n, lk_error *err)
{
    if (n == 0) return LK_OK;
    w->crc = lk_crc32(w->crc, buf, n);
    return lk_fwrite_all(w->fp, buf, n, w->path, err);
}

static lk_status cw_copy(crc_writer *w, FILE *src, uint64_t n, unsigned char *buf, lk_error *err)
{
    if (fseek(src, 0, SEEK_SET) != 0)
        return lk_error_set(err, LK_ERR_IO, "%s: seek: %s", w->path, strerror(errno));
    while (n > 0) {
        size_t want = n < COPY_CHUNK ? (size_t)n : COPY_CHUNK;
        if (fread(buf, 1, want, src) != want)
            return lk_error_set(err, LK_ERR_IO, "%s: short read of a temp file", w->path);
        lk_status st = cw_put(w, buf, want, err);
        if (st != LK_OK) return st;
        n -= want;
    }
    return LK_OK;
}

/* Write the u32 doc lengths or u64 id offsets little-endian, in chunks. */
static lk_status cw_put_array(crc_writer *w, const void *arr, size_t n, size_t width,
                              unsigned char *buf, lk_error *err)
{
    size_t per = COPY_CHUNK / 8, i = 0;
    while (i < n) {
        size_t m = n - i < per ? n - i : per;
        for (size_t j = 0; j < m; j++) {
            if (width == 4) lk_put_u32(buf + 4 * j, ((const uint32_t *)arr)[i + j]);
            else lk_put_u64(buf + 8 * j, ((const uint64_t *)arr)[i + j]);
        }
        lk_status st = cw_put(w, buf, m * width, err);
        if (st != LK_OK) return st;
        i += m;
    }
    return LK_OK;
}

static lk_status write_index_file(lk_bm25_builder *b, sink *k, const char *path, lk_error *err)
{
    lk_status st;
    unsigned char *buf = malloc(COPY_CHUNK);
    crc_writer w = {fopen(path, "wb"), path, 0};
    if (!buf || !w.fp) {
        st = buf ? lk_error_set(err, LK_ERR_IO, "%s: %s", path, strerror(errno)) : LK_ERR_NOMEM;
        goto done;
    }
    uint64_t n_docs = b->n_docs, idblob_len = b->idoffs[b->n_docs];
    uint64_t m[META_N_FIELDS], off = META_BYTES;
    m[META_N_DOCS] = n_docs;
    m[META_N_TERMS] = k->n_terms;
    m[META_TOTAL_LEN] = b->total_len;
    m[META_SETTINGS_OFF] = off;
    m[META_SETTINGS_LEN] = b->cfg.settings_len;
    off += b->cfg.settings_len;
    m[META_DOCLENS_OFF] = off;
    off += 4 * n_docs;
    m[META_IDOFFS_OFF] = off;
    off += 8 * (n_docs + 1);
    m[META_IDBLOB_OFF] = off;
    m[META_IDBLOB_LEN] = idblob_len;
    off += idblob_len;
    m[META_DICT_OFF] = off;
    off += k->dict.len;
    m[META_TERMBLOB_OFF] = off;
    m[META_TERMBLOB_LEN] = k->termblob.len;
    off += k->termblob.len;
    m[META_POST_OFF] = off;
    m[META_POST_LEN] = k->post_len;
    off += k->post_len;

    unsigned char hdr[LK_ENVELOPE_HEADER + META_BYTES];
    memcpy(hdr, LK_BM25_INDEX_MAGIC, 4);
    lk_put_u32(hdr + 4, LK_BM25_INDEX_VERSION);
    lk_put_u32(hdr + 8, 0);
    lk_put_u64(hdr + 12, off);
    for (int i = 0; i < META_N_FIELDS; i++) lk_put_u64(hdr + LK_ENVELOPE_HEADER + 8 * i, m[i]);
    setvbuf(w.fp, NULL, _IOFBF, (size_t)1 << 16);
    if ((st = cw_put(&w, hdr, sizeof hdr, err)) != LK_OK) goto done;
    if ((st = cw_put(&w, b->settings, b->cfg.settings_len, err)) != LK_OK) goto done;
    if ((st = cw_put_array(&w, b->doclens, b->n_docs, 4, buf, err)) != LK_OK) goto done;
    if ((st = cw_put_array(&w, b->idoffs, (size_t)n_docs + 1, 8, buf, err)) != LK_OK) goto done;
    if (fflush(b->ids_fp) != 0) {
        st = lk_error_set(err, LK_ERR_IO, "%s: writing ids: %s", path, strerror(errno));
        goto done;
    }
    if ((st = cw_copy(&w, b->ids_fp, idblob_len, buf, err)) != LK_OK) goto done;
    if ((st = cw_put(&w, k->dict.data, k->dict.len, err)) != LK_OK) goto done;
    if ((st = cw_put(&w, k->termblob.data, k->termblob.len, err)) != LK_OK) goto done;
    if (fflush(k->post_fp) != 0) {
        st = lk_error_set(err, LK_ERR_IO, "%s: writing postings: %s", path, strerror(errno));
        goto done;
    }
    if ((st = cw_copy(&w, k->post_fp, k->post_len, buf, err)) != LK_OK) goto done;
    unsigned char tail[4];
    lk_put_u32(tail, w.crc);
    if ((st = lk_fwrite_all(w.fp, tail, 4, path, err)) != LK_OK) goto done;
    if (fflush(w.fp) != 0 || fsync(fileno(w.fp)) != 0)
        st = lk_error_set(err, LK_ERR_IO, "%s: %s", path, strerror(errno));
done:
    if (w.fp && fclose(w.fp) != 0 && st == LK_OK)
        st = lk_error_set(err, LK_ERR_IO, "%s: %s", path, strerror(errno));
    free(buf);
    return st;
}

static lk_status fsync_dir(const char *dir, lk_error *err)
{
    char *p = path_join(dir, ".");
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

lk_status lk_bm25_builder_finish(lk_bm25_builder *b, lk_error *err)
{
    lk_status st = LK_OK;
    sorted_run mem;
    memset(&mem, 0, sizeof mem);
    run_src *src = NULL;
    size_t n_src = 0;
    sink k;
    memset(&k, 0, sizeof k);
    k.b = b;
    char *post_path = path_join(b->tmpdir, "postings.tmp");
    char *index_path = path_join(b->tmpdir, LK_BM25_INDEX_FILE);
    if (!post_path || !index_path) {
        st = LK_ERR_NOMEM;
        goto done;
    }
    if (b->n_runs > 0 && b->n_tr > 0 && (st = spill(b, err)) != LK_OK) goto done;
    if ((st = reduce_runs(b, err)) != LK_OK) goto done;
    if (!(src = calloc(b->n_runs + 1, sizeof *src))) {
        st = LK_ERR_NOMEM;
        goto done;
    }
    if (b->n_runs == 0) {
        if ((st = sort_run(b, &mem)) != LK_OK) goto done;
        src[0].mem = &mem;
        n_src = 1;
    }
    for (; n_src < b->n_runs; n_src++)
        if ((st = open_run_src(b, b->runs[n_src], &src[n_src], err)) != LK_OK) goto done;
    if (!(k.post_fp = fopen(post_path, "w+b"))) {
        st = lk_error_set(err, LK_ERR_IO, "%s: %s", post_path, strerror(errno));
        goto done;
    }
    setvbuf(k.post_fp, NULL, _IOFBF, COPY_CHUNK);
    st = merge(src, n_src, &k, err);
    for (size_t i = 0; i < n_src; i++) src_close(&src[i]); /* deletes the run files */
    n_src = 0;
    if (st != LK_OK) goto done;
    logf_(b, LK_LOG_INFO, "%u documents, %llu terms, %llu postings bytes", b->n_docs,
          (unsigned long long)k.n_terms, (unsigned long long)k.post_len);
    if ((st = write_index_file(b, &k, index_path, err)) != LK_OK) goto done;
    fclose(k.post_fp);
    k.post_fp = NULL;
    unlink(post_path);
    fclose(b->ids_fp);
    b->ids_fp = NULL;
    char *ids_path = path_join(b->tmpdir, "ids.tmp");
    if (ids_path) unlink(ids_path);
    free(ids_path);
    if ((st = fsync_dir(b->tmpdir, err)) != LK_OK) goto done;
    if ((st = install(b, err)) != LK_OK) goto done;
    free(b->tmpdir); /* installed (or swapped out and removed): nothing left to clean */
    b->tmpdir = NULL;
done:
    for (size_t i = 0; i < n_src; i++) src_close(&src[i]);
    free(src);
    sorted_run_free(&mem);
    if (k.post_fp) fclose(k.post_fp);
    lk_bytes_free(&k.dict);
    lk_bytes_free(&k.termblob);
    lk_bytes_free(&k.enc);
    free(post_path);
    free(index_path);
    lk_bm25_builder_free(b);
    return st;
}
