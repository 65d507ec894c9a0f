/* search.c: the public BM25 index (include/lexkit/search.h) over features/bm25_text and
   features/bm25_index. Added documents go through a JSON Lines file beside the index, so an
   add is exactly `lexkit index --add` (one new segment, committed atomically). */
#define _POSIX_C_SOURCE 200809L
#include "include/lexkit/search.h"

#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api_internal.h"
#include "features/search/analyzer.h"
#include "features/search/bm25_index.h"
#include "features/search/bm25_query.h"
#include "features/search/bm25_snippet.h"
#include "features/search/bm25_store.h"
#include "features/search/bm25_text.h"
#include "text/corpus.h"
#include "text/fileio.h"
#include "text/utf8.h"

struct lexkit_searcher {
    const lk_bm25_index *idx;
    lk_bm25_ws *ws;
    lk_analyzer *an;
    lk_bm25_search_opts opts;
    int syntax;               /* queries use the query syntax (1, the default) or are words */
    lk_query_ws *qw;          /* made by the first query that may hold an operator */
    int qw_last;              /* the last search went through qw (its terms for snippets) */
    lk_bm25_store_ws *store;  /* made by the first lexkit_searcher_fields */
    lexkit_field *fields;     /* the last lexkit_searcher_fields' answer */
    size_t fields_cap;
    lk_snippeter *snip;       /* made by the first lexkit_searcher_snippet */
    size_t *marks;            /* the last snippet's highlights (code points) */
    size_t marks_cap;
};

struct lexkit_index {
    char *dir;
    lk_analyzer_config analyzer; /* for the first build of a created index */
    char *zh_model;              /* owned copy of analyzer.zh_model */
    lk_bm25_index *idx;          /* NULL until the first add of a created index */
    pthread_mutex_t lock;        /* serializes lexkit_index_search on `shared` */
    int syntax;                  /* lexkit_index_set_syntax: given to new searchers */
    lk_bm25_params bm25;         /* lexkit_index_set_bm25: given to new searchers */
    lexkit_searcher *shared;
};

LK_API lexkit_index_config lexkit_index_config_default(void)
{
    lexkit_index_config c;
    c.lang = LEXKIT_LANG_AUTO;
    c.lower = 1;
    c.stem = 0;
    c.zh_model = NULL;
    c.analyzer = LEXKIT_ANALYZER_ENGLISH;
    c.title_weight = 1;
    c.zh_script = LEXKIT_ZH_SCRIPT_DEFAULT;
    return c;
}

static lexkit_status new_handle(const char *dir, lexkit_index **out, lexkit_error *err)
{
    lexkit_index *x = calloc(1, sizeof *x);
    if (x) x->dir = strdup(dir);
    if (!x || !x->dir || pthread_mutex_init(&x->lock, NULL) != 0) {
        if (x) free(x->dir);
        free(x);
        return lk_api_set(err, LEXKIT_ERR_NOMEM, "out of memory");
    }
    x->analyzer = lk_analyzer_config_default();
    x->syntax = 1;
    x->bm25 = lk_bm25_params_default();
    *out = x;
    return LEXKIT_OK;
}

LK_API lexkit_status lexkit_index_create(const char *dir, const lexkit_index_config *c,
                                         lexkit_index **out, lexkit_error *err)
{
    if (!dir || !out) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    *out = NULL;
    lexkit_index_config d = lexkit_index_config_default();
    if (!c) c = &d;
    if (c->lang < LEXKIT_LANG_AUTO || c->lang > LEXKIT_LANG_ZH)
        return lk_api_set(err, LEXKIT_ERR_ARG, "lang: unknown value %d", (int)c->lang);
    if (c->analyzer != LEXKIT_ANALYZER_ENGLISH && c->analyzer != LEXKIT_ANALYZER_PLAIN)
        return lk_api_set(err, LEXKIT_ERR_ARG, "analyzer: unknown value %d", (int)c->analyzer);
    if (c->zh_script < LEXKIT_ZH_SCRIPT_DEFAULT || c->zh_script > LEXKIT_ZH_SCRIPT_TRADITIONAL)
        return lk_api_set(err, LEXKIT_ERR_ARG, "zh_script: unknown value %d", (int)c->zh_script);
    if (c->title_weight < 0 || c->title_weight > LK_ANALYZER_TITLE_WEIGHT_MAX)
        return lk_api_set(err, LEXKIT_ERR_ARG, "title_weight: %d is not in 1..%d",
                          c->title_weight, LK_ANALYZER_TITLE_WEIGHT_MAX);
    lexkit_index *x = NULL;
    lexkit_status st = new_handle(dir, &x, err);
    if (st != LEXKIT_OK) return st;
    x->analyzer.lang = c->lang == LEXKIT_LANG_EN ? LK_LANG_EN
                       : c->lang == LEXKIT_LANG_ZH ? LK_LANG_ZH : LK_LANG_AUTO;
    x->analyzer.lower = c->lower != 0;
    x->analyzer.stem = c->stem != 0;
    x->analyzer.kind = c->analyzer == LEXKIT_ANALYZER_PLAIN ? LK_ANALYZER_PLAIN
                                                            : LK_ANALYZER_ENGLISH;
    x->analyzer.title_weight = c->title_weight;
    /* as `lexkit index`: the plain analyzer maps no Han characters unless asked to */
    x->analyzer.zh_script = c->zh_script == LEXKIT_ZH_SCRIPT_AUTO          ? LK_ZH_SCRIPT_AUTO
                            : c->zh_script == LEXKIT_ZH_SCRIPT_SIMPLIFIED  ? LK_ZH_SCRIPT_SIMPLIFIED
                            : c->zh_script == LEXKIT_ZH_SCRIPT_TRADITIONAL ? LK_ZH_SCRIPT_TRADITIONAL
                            : c->analyzer == LEXKIT_ANALYZER_PLAIN && !c->zh_model
                                ? LK_ZH_SCRIPT_SIMPLIFIED
                                : LK_ZH_SCRIPT_AUTO;
    if (c->zh_model) {
        x->zh_model = strdup(c->zh_model);
        if (!x->zh_model) {
            lexkit_index_free(x);
            return lk_api_set(err, LEXKIT_ERR_NOMEM, "out of memory");
        }
        x->analyzer.zh_model = x->zh_model;
        /* load the model now, as `lexkit index` does before reading documents: a missing
           or bad file fails here, not at the first add */
        lk_analyzer *an = NULL;
        lk_error e;
        lk_error_clear(&e);
        lk_status ls = lk_analyzer_create(&x->analyzer, &an, &e);
        lk_analyzer_free(an);
        if (ls != LK_OK) {
            lexkit_index_free(x);
            if (ls != LK_ERR_NOMEM) lk_error_prefix(&e, "zh_model: ");
            return lk_api_err(err, ls, &e);
        }
    }
    *out = x;
    return LEXKIT_OK;
}

LK_API int lexkit_index_exists(const char *dir)
{
    return dir && lk_bm25_dir_holds_index(dir);
}

LK_API lexkit_status lexkit_index_open(const char *dir, lexkit_index **out, lexkit_error *err)
{
    if (!dir || !out) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    *out = NULL;
    lexkit_index *x = NULL;
    lexkit_status st = new_handle(dir, &x, err);
    if (st != LEXKIT_OK) return st;
    lk_error e;
    lk_error_clear(&e);
    lk_status ls = lk_bm25_index_open(dir, &x->idx, &e);
    if (ls != LK_OK) {
        lexkit_index_free(x);
        return lk_api_err(err, ls, &e);
    }
    *out = x;
    return LEXKIT_OK;
}

LK_API void lexkit_index_free(lexkit_index *x)
{
    if (!x) return;
    lexkit_searcher_free(x->shared);
    lk_bm25_index_free(x->idx);
    pthread_mutex_destroy(&x->lock);
    free(x->zh_model);
    free(x->dir);
    free(x);
}

LK_API uint32_t lexkit_index_n_docs(const lexkit_index *x)
{
    return x && x->idx ? lk_bm25_index_n_docs(x->idx) : 0;
}

/* A temporary file beside the index; *path is malloc'd. */
static lexkit_status temp_file(const char *dir, const char *what, char **path, FILE **fp,
                               lexkit_error *err)
{
    size_t n = strlen(dir) + strlen(what) + 16;
    char *p = malloc(n);
    if (!p) return lk_api_set(err, LEXKIT_ERR_NOMEM, "out of memory");
    snprintf(p, n, "%s.%sXXXXXX", dir, what);
    int fd = mkstemp(p);
    if (fd < 0 || !(*fp = fdopen(fd, "w"))) {
        lexkit_status st = lk_api_set(err, LEXKIT_ERR_IO, "%s: cannot create a temporary file", p);
        if (fd >= 0) {
            close(fd);
            unlink(p);
        }
        free(p);
        return st;
    }
    *path = p;
    return LEXKIT_OK;
}

/* Run a build (docs and/or deletions) on x->dir and reopen the index. */
static lexkit_status rebuild(lexkit_index *x, const char *docs_path, const char *delete_path,
                             lexkit_error *err)
{
    lk_bm25_index_config cfg = lk_bm25_index_config_default();
    cfg.analyzer = x->analyzer;
    cfg.add = x->idx != NULL;
    cfg.delete_path = delete_path;
    lk_error e;
    lk_error_clear(&e);
    /* errors name the batch ("documents:2: ...", "ids[1]: ..."), not the temporary files */
    cfg.docs_name = "documents";
    cfg.delete_name = "ids";
    lk_status st = lk_bm25_index_build(docs_path, x->dir, &cfg, NULL, &e);
    if (st != LK_OK) return lk_api_err(err, st, &e);
    lexkit_searcher_free(x->shared);
    x->shared = NULL;
    lk_bm25_index_free(x->idx);
    x->idx = NULL;
    st = lk_bm25_index_open(x->dir, &x->idx, &e);
    return lk_api_err(err, st, &e);
}

LK_API lexkit_status lexkit_index_add(lexkit_index *x, const char *const *ids,
                                      const size_t *id_lens, const char *const *texts,
                                      const size_t *text_lens, size_t n, lexkit_error *err)
{
    return lexkit_index_add_titled(x, ids, id_lens, NULL, NULL, texts, text_lens, n, err);
}

LK_API lexkit_status lexkit_index_add_titled(lexkit_index *x, const char *const *ids,
                                             const size_t *id_lens, const char *const *titles,
                                             const size_t *title_lens, const char *const *texts,
                                             const size_t *text_lens, size_t n,
                                             lexkit_error *err)
{
    if (!x || (n && (!ids || !id_lens || !texts || !text_lens)) || (titles && !title_lens))
        return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    if (n == 0) return LEXKIT_OK;
    char *path = NULL;
    FILE *fp = NULL;
    lexkit_status st = temp_file(x->dir, "add", &path, &fp, err);
    if (st != LEXKIT_OK) return st;
    for (size_t i = 0; i < n; i++) {
        if (!ids[i] || !texts[i] || id_lens[i] == 0) {
            fclose(fp);
            unlink(path);
            free(path);
            return lk_api_set(err, LEXKIT_ERR_ARG, "document %zu: missing or empty id or text", i);
        }
        fputs("{\"id\":", fp);
        lk_json_write_str(fp, ids[i], id_lens[i]);
        if (titles && titles[i]) {
            fputs(",\"title\":", fp);
            lk_json_write_str(fp, titles[i], title_lens[i]);
        }
        fputs(",\"text\":", fp);
        lk_json_write_str(fp, texts[i], text_lens[i]);
        fputs("}\n", fp);
    }
    if (fclose(fp) != 0) st = lk_api_set(err, LEXKIT_ERR_IO, "%s: write failed", path);
    if (st == LEXKIT_OK) st = rebuild(x, path, NULL, err);
    unlink(path);
    free(path);
    return st;
}

struct lexkit_index_adder {
    lexkit_index *x;
    char *path;            /* the staged documents, one JSON object a line (x->dir.addXXXXXX) */
    FILE *fp;              /* open on path until the commit */
    lk_jsonl_scratch *js;  /* checks each object */
    uint64_t n;            /* documents staged */
    lexkit_status failed;  /* a write failed (the file may hold part of a batch): every
                              later call fails */
    lexkit_error fail_err;
};

LK_API lexkit_status lexkit_index_adder_create(lexkit_index *x, lexkit_index_adder **out,
                                               lexkit_error *err)
{
    if (!x || !out) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    *out = NULL;
    lexkit_index_adder *a = calloc(1, sizeof *a);
    if (!a || lk_jsonl_scratch_create(&a->js) != LK_OK) {
        free(a);
        return lk_api_set(err, LEXKIT_ERR_NOMEM, "out of memory");
    }
    a->x = x;
    lexkit_status st = temp_file(x->dir, "add", &a->path, &a->fp, err);
    if (st != LEXKIT_OK) {
        lexkit_index_adder_free(a);
        return st;
    }
    *out = a;
    return LEXKIT_OK;
}

LK_API void lexkit_index_adder_free(lexkit_index_adder *a)
{
    if (!a) return;
    if (a->fp) fclose(a->fp);
    if (a->path) unlink(a->path);
    free(a->path);
    lk_jsonl_scratch_free(a->js);
    free(a);
}

/* Every object of the batch checked first, so that an error names its place among the
   adder's documents rather than a line of the temporary file, and stages nothing. */
static lexkit_status check_batch(lexkit_index_adder *a, const char *const *docs,
                                 const size_t *lens, size_t n, lexkit_error *err)
{
    lk_error e;
    lk_error_clear(&e);
    lk_status ls = LK_OK;
    for (size_t i = 0; ls == LK_OK && i < n; i++) {
        int64_t line = (int64_t)(a->n + i) + 1;
        const char *nl = docs[i] ? memchr(docs[i], '\n', lens[i]) : NULL;
        lk_doc d;
        if (!docs[i] && lens[i]) ls = lk_error_set(&e, LK_ERR_ARG, "documents[%" PRId64 "]: NULL", line - 1);
        else if (nl) ls = lk_error_at(&e, "documents", line, lk_utf8_column(docs[i], (size_t)(nl - docs[i])),
                                      "a newline inside the JSON object (one line per document)");
        else ls = lk_jsonl_parse_doc(a->js, docs[i] ? docs[i] : "", lens[i], &d, "documents",
                                     line, &e);
    }
    return lk_api_err(err, ls, &e);
}

LK_API lexkit_status lexkit_index_adder_json(lexkit_index_adder *a, const char *const *docs,
                                             const size_t *lens, size_t n, lexkit_error *err)
{
    if (!a || (n && (!docs || !lens))) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    if (a->failed) {
        if (err) *err = a->fail_err;
        return a->failed;
    }
    if (!a->fp) return lk_api_set(err, LEXKIT_ERR_STATE, "the adder was already committed");
    lexkit_status st = check_batch(a, docs, lens, n, err);
    if (st != LEXKIT_OK) return st;
    for (size_t i = 0; i < n; i++)
        if (fwrite(docs[i] ? docs[i] : "", 1, lens[i], a->fp) != lens[i] || putc('\n', a->fp) == EOF) {
            a->failed = lk_api_set(&a->fail_err, LEXKIT_ERR_IO, "%s: write failed", a->path);
            if (err) *err = a->fail_err;
            return a->failed;
        }
    a->n += n;
    return LEXKIT_OK;
}

LK_API lexkit_status lexkit_index_adder_commit(lexkit_index_adder *a, lexkit_error *err)
{
    if (!a) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    if (a->failed) {
        if (err) *err = a->fail_err;
        return a->failed;
    }
    if (!a->fp) return lk_api_set(err, LEXKIT_ERR_STATE, "the adder was already committed");
    lexkit_status st = LEXKIT_OK;
    if (fclose(a->fp) != 0) st = lk_api_set(err, LEXKIT_ERR_IO, "%s: write failed", a->path);
    a->fp = NULL;
    if (st == LEXKIT_OK && a->n) st = rebuild(a->x, a->path, NULL, err);
    unlink(a->path);
    free(a->path);
    a->path = NULL;
    return st;
}

LK_API lexkit_status lexkit_index_add_json(lexkit_index *x, const char *const *docs,
                                           const size_t *lens, size_t n, lexkit_error *err)
{
    if (!x || (n && (!docs || !lens))) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    if (n == 0) return LEXKIT_OK;
    lexkit_index_adder *a = NULL;
    lexkit_status st = lexkit_index_adder_create(x, &a, err);
    if (st == LEXKIT_OK) st = lexkit_index_adder_json(a, docs, lens, n, err);
    if (st == LEXKIT_OK) st = lexkit_index_adder_commit(a, err);
    lexkit_index_adder_free(a);
    return st;
}

/* Whether an index can hold document id s[0..len): non-empty, no byte <= ' ' (the
   builder's check). */
static bool id_storable(const char *s, size_t len)
{
    if (len == 0) return false;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] <= ' ') return false;
    return true;
}

#define ID_SHOWN 200 /* bytes of a document id quoted in a message */

/* LEXKIT_ERR_PARSE "ids[I]: document id "ID" is not in the index", the id printable. */
static lexkit_status not_in_index(const char *id, size_t len, size_t i, lexkit_error *err)
{
    char shown[ID_SHOWN * 4 + 1];
    lk_utf8_printable(id, len > ID_SHOWN ? ID_SHOWN : len, shown, sizeof shown);
    return lk_api_set(err, LEXKIT_ERR_PARSE, "ids[%zu]: document id \"%s\" is not in the index", i,
                      shown);
}

LK_API lexkit_status lexkit_index_delete(lexkit_index *x, const char *const *ids,
                                         const size_t *id_lens, size_t n, lexkit_error *err)
{
    if (!x || (n && (!ids || !id_lens))) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    if (n == 0) return LEXKIT_OK;
    for (size_t i = 0; i < n; i++) {
        if (!ids[i]) return lk_api_set(err, LEXKIT_ERR_ARG, "ids[%zu]: NULL", i);
        /* a created index before its first add has no ids; no id holds white space or a
           control character (NUL included), and the file below could not carry one exactly
           (a line reader splits at \n and trims trailing blanks) */
        if (!x->idx || !id_storable(ids[i], id_lens[i])) return not_in_index(ids[i], id_lens[i], i, err);
    }
    char *path = NULL;
    FILE *fp = NULL;
    lexkit_status st = temp_file(x->dir, "del", &path, &fp, err);
    if (st != LEXKIT_OK) return st;
    for (size_t i = 0; i < n; i++) {
        fwrite(ids[i], 1, id_lens[i], fp);
        putc('\n', fp);
    }
    if (fclose(fp) != 0 && st == LEXKIT_OK) st = lk_api_set(err, LEXKIT_ERR_IO, "%s: write failed", path);
    if (st == LEXKIT_OK) st = rebuild(x, NULL, path, err);
    unlink(path);
    free(path);
    return st;
}

LK_API lexkit_status lexkit_searcher_create(const lexkit_index *x, lexkit_searcher **out,
                                            lexkit_error *err)
{
    if (!x || !out) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    *out = NULL;
    if (!x->idx) return lk_api_set(err, LEXKIT_ERR_STATE, "%s: the index has no documents yet", x->dir);
    lexkit_searcher *s = calloc(1, sizeof *s);
    if (!s) return lk_api_set(err, LEXKIT_ERR_NOMEM, "out of memory");
    s->idx = x->idx;
    s->opts = lk_bm25_search_opts_default();
    s->opts.params = x->bm25;
    s->syntax = x->syntax;
    lk_error e;
    lk_error_clear(&e);
    lk_status st = lk_bm25_ws_create(x->idx, &s->ws);
    if (st == LK_OK) st = lk_bm25_index_analyzer(x->idx, &s->an, &e);
    if (st != LK_OK) {
        lexkit_searcher_free(s);
        return lk_api_err(err, st, &e);
    }
    *out = s;
    return LEXKIT_OK;
}

LK_API void lexkit_searcher_free(lexkit_searcher *s)
{
    if (!s) return;
    lk_bm25_ws_free(s->ws);
    lk_analyzer_free(s->an);
    lk_query_ws_free(s->qw);
    lk_bm25_store_ws_free(s->store);
    free(s->fields);
    lk_snippeter_free(s->snip);
    free(s->marks);
    free(s);
}

LK_API lexkit_status lexkit_searcher_search(lexkit_searcher *s, const char *query, size_t len,
                                            size_t k, lexkit_hit *hits, size_t *n_hits,
                                            lexkit_error *err)
{
    if (!s || (!query && len) || !n_hits || (k && !hits))
        return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    *n_hits = 0;
    if (k == 0) return LEXKIT_OK;
    const lk_bm25_hit *h = NULL;
    size_t nh = 0;
    lk_error e;
    lk_error_clear(&e);
    s->opts.k = k;
    if (!query) query = "";
    lk_status st = LK_OK;
    if (s->syntax && !s->qw && lk_query_maybe_ops(query, len)) st = lk_query_ws_create(s->idx, &s->qw, &e);
    s->qw_last = st == LK_OK && s->syntax && s->qw;
    if (s->qw_last)
        st = lk_bm25_search_query(s->idx, s->ws, s->an, s->qw, query, len, &s->opts, &h, &nh, &e);
    else if (st == LK_OK)
        st = lk_bm25_search_text(s->idx, s->ws, s->an, query, len, &s->opts, &h, &nh, &e);
    if (st != LK_OK) return lk_api_err(err, st, &e);
    for (size_t i = 0; i < nh && i < k; i++) {
        hits[i].id = lk_bm25_index_doc_id(s->idx, h[i].doc, &hits[i].id_len);
        hits[i].score = h[i].score;
        hits[i].doc = h[i].doc;
    }
    *n_hits = nh < k ? nh : k;
    return LEXKIT_OK;
}

LK_API void lexkit_searcher_set_syntax(lexkit_searcher *s, int on)
{
    if (s) s->syntax = on != 0;
}

LK_API void lexkit_index_set_syntax(lexkit_index *x, int on)
{
    if (!x) return;
    pthread_mutex_lock(&x->lock);
    x->syntax = on != 0;
    if (x->shared) x->shared->syntax = x->syntax;
    pthread_mutex_unlock(&x->lock);
}

/* The parameters of lexkit_index_set_bm25 into *p, checked: *p is untouched on error. */
static lexkit_status bm25_params(const char *variant, double k1, double b, double delta,
                                 lk_bm25_params *p, lexkit_error *err)
{
    lk_bm25_params q = lk_bm25_params_default();
    if (variant && !lk_bm25_variant_parse(variant, &q.variant))
        return lk_api_set(err, LEXKIT_ERR_ARG, "variant: unknown BM25 variant \"%s\" (lucene, "
                          "robertson, atire, bm25l, bm25plus or xapian)", variant);
    if (isnan(delta) || delta == INFINITY)
        return lk_api_set(err, LEXKIT_ERR_ARG,
                          "delta must be a finite number (< 0: the variant's default)");
    q.k1 = k1;
    q.b = b;
    q.delta = delta < 0.0 ? -1.0 : delta;
    lk_error e;
    lk_error_clear(&e);
    lk_status st = lk_bm25_params_check(&q, &e);
    if (st != LK_OK) return lk_api_err(err, st, &e);
    *p = q;
    return LEXKIT_OK;
}

LK_API lexkit_status lexkit_searcher_set_bm25(lexkit_searcher *s, const char *variant, double k1,
                                              double b, double delta, lexkit_error *err)
{
    if (!s) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    return bm25_params(variant, k1, b, delta, &s->opts.params, err);
}

LK_API lexkit_status lexkit_index_set_bm25(lexkit_index *x, const char *variant, double k1,
                                           double b, double delta, lexkit_error *err)
{
    if (!x) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    lk_bm25_params p;
    lexkit_status st = bm25_params(variant, k1, b, delta, &p, err);
    if (st != LEXKIT_OK) return st;
    pthread_mutex_lock(&x->lock);
    x->bm25 = p;
    if (x->shared) x->shared->opts.params = p;
    pthread_mutex_unlock(&x->lock);
    return LEXKIT_OK;
}

LK_API lexkit_status lexkit_searcher_fields(lexkit_searcher *s, uint32_t doc,
                                            const lexkit_field **fields, size_t *n_fields,
                                            lexkit_error *err)
{
    if (!s || !fields || !n_fields) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    *fields = NULL;
    *n_fields = 0;
    if (doc >= lk_bm25_index_doc_end(s->idx) || !lk_bm25_index_doc_live(s->idx, doc))
        return lk_api_set(err, LEXKIT_ERR_RANGE, "doc %u: no such document", (unsigned)doc);
    lk_error e;
    lk_error_clear(&e);
    if (!s->store && lk_bm25_store_ws_create(&s->store) != LK_OK)
        return lk_api_set(err, LEXKIT_ERR_NOMEM, "out of memory");
    const lk_doc_field *f = NULL;
    size_t n = 0;
    lk_status st = lk_bm25_doc_fields(s->idx, s->store, doc, &f, &n, &e);
    if (st != LK_OK) return lk_api_err(err, st, &e);
    if (n > s->fields_cap) {
        lexkit_field *p = realloc(s->fields, n * sizeof *p);
        if (!p) return lk_api_set(err, LEXKIT_ERR_NOMEM, "out of memory");
        s->fields = p;
        s->fields_cap = n;
    }
    for (size_t i = 0; i < n; i++)
        s->fields[i] = (lexkit_field){f[i].name, f[i].name_len, f[i].value, f[i].value_len,
                                      f[i].number};
    *fields = s->fields;
    *n_fields = n;
    return LEXKIT_OK;
}

LK_API lexkit_status lexkit_searcher_snippet(lexkit_searcher *s, uint32_t doc, size_t max_chars,
                                             lexkit_snippet *out, lexkit_error *err)
{
    if (!s || !out) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    memset(out, 0, sizeof *out);
    const lexkit_field *f = NULL;
    size_t nf = 0;
    lexkit_status st = lexkit_searcher_fields(s, doc, &f, &nf, err);
    if (st != LEXKIT_OK) return st;
    const lexkit_field *text = NULL;
    for (size_t i = 0; i < nf && !text; i++)
        if (f[i].name_len == 4 && !memcmp(f[i].name, "text", 4) && !f[i].number) text = &f[i];
    if (!text) return LEXKIT_OK;
    lk_error e;
    lk_error_clear(&e);
    lk_status ls = s->snip ? LK_OK : lk_snippeter_create(s->idx, &s->snip, &e);
    if (ls == LK_OK && s->qw_last) ls = lk_query_ws_terms(s->idx, s->qw, s->an, &e);
    size_t nt = 0;
    const lk_term *t = ls == LK_OK ? lk_analyzer_terms(s->an, &nt) : NULL;
    if (ls == LK_OK) ls = lk_snippeter_query(s->snip, t, nt);
    lk_snippet sn;
    if (ls == LK_OK)
        ls = lk_snippeter_run(s->snip, text->value, text->value_len,
                              max_chars ? max_chars : LK_SNIPPET_DEFAULT_CHARS, &sn, &e);
    if (ls != LK_OK) return lk_api_err(err, ls, &e);
    if (2 * sn.n_marks > s->marks_cap) {
        size_t *p = realloc(s->marks, 2 * sn.n_marks * sizeof *p);
        if (!p) return lk_api_set(err, LEXKIT_ERR_NOMEM, "out of memory");
        s->marks = p;
        s->marks_cap = 2 * sn.n_marks;
    }
    const char *v = text->value;
    for (size_t k = 0; k < sn.n_marks; k++) {
        s->marks[2 * k] = sn.marks_cp[k].start;
        s->marks[2 * k + 1] = sn.marks_cp[k].end;
    }
    *out = (lexkit_snippet){v + sn.start, sn.end - sn.start, sn.start_cp, s->marks, sn.n_marks,
                            sn.cut_before, sn.cut_after};
    return LEXKIT_OK;
}

/* A search of a created index before its first add: no hits, but a malformed query is
   still reported (as lk_query_parse finds it; x->lock held or syntax given). */
static lexkit_status search_nothing(int syntax, const char *query, size_t len, size_t *n_hits,
                                    lexkit_error *err)
{
    if (!n_hits || (!query && len)) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    *n_hits = 0;
    if (!syntax || !query || !lk_query_maybe_ops(query, len)) return LEXKIT_OK;
    lk_query_clause *c = NULL;
    size_t nc = 0;
    bool ops;
    lk_error e;
    lk_error_clear(&e);
    lk_status st = lk_query_parse(query, len, &c, &nc, &ops, &e);
    free(c);
    return lk_api_err(err, st, &e);
}

LK_API lexkit_status lexkit_index_search(lexkit_index *x, const char *query, size_t len,
                                         size_t k, lexkit_hit *hits, size_t *n_hits,
                                         lexkit_error *err)
{
    if (!x) return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    pthread_mutex_lock(&x->lock);
    lexkit_status st = LEXKIT_OK;
    if (!x->idx) {
        st = search_nothing(x->syntax, query, len, n_hits, err);
        pthread_mutex_unlock(&x->lock);
        return st;
    }
    if (!x->shared) st = lexkit_searcher_create(x, &x->shared, err);
    if (st == LEXKIT_OK) st = lexkit_searcher_search(x->shared, query, len, k, hits, n_hits, err);
    pthread_mutex_unlock(&x->lock);
    return st;
}

/* The threads of a search_many take the queries in chunks of MANY_CHUNK from one counter
   (a thread that is slowed down, by longer queries or by the machine, takes fewer), and
   each writes its queries' hits in place. */
#define MANY_CHUNK 4

typedef struct {
    const lexkit_index *x;
    const char *const *queries;
    const size_t *lens;
    size_t n, k;
    int syntax;          /* x->syntax, for an index without documents (no searcher) */
    atomic_size_t *next; /* the first query no thread has taken */
    lexkit_hit *hits;
    size_t *n_hits;
    size_t failed; /* the query that failed (st != LEXKIT_OK): the thread then stops */
    lexkit_status st;
    lexkit_error err;
} many_job;

static void *many_worker(void *arg)
{
    many_job *j = arg;
    lexkit_searcher *s = NULL;
    j->st = j->x->idx ? lexkit_searcher_create(j->x, &s, &j->err) : LEXKIT_OK;
    j->failed = 0;
    while (j->st == LEXKIT_OK) {
        size_t q = atomic_fetch_add_explicit(j->next, MANY_CHUNK, memory_order_relaxed);
        if (q >= j->n) break;
        size_t end = j->n - q > MANY_CHUNK ? q + MANY_CHUNK : j->n;
        for (; q < end && j->st == LEXKIT_OK; q++) {
            size_t qlen = j->queries[q] ? j->lens[q] : 0;
            if (!s) /* a created index before its first add */
                j->st = search_nothing(j->syntax, j->queries[q], qlen, &j->n_hits[q], &j->err);
            else
                j->st = lexkit_searcher_search(s, j->queries[q], qlen, j->k,
                                               j->hits + q * j->k, &j->n_hits[q], &j->err);
            if (j->st != LEXKIT_OK) {
                char msg[LEXKIT_ERROR_MSG_MAX];
                snprintf(msg, sizeof msg, "query %zu: %s", q, lexkit_error_message(&j->err));
                memcpy(j->err.msg, msg, sizeof msg);
                j->failed = q;
            }
        }
    }
    lexkit_searcher_free(s);
    return NULL;
}

LK_API lexkit_status lexkit_index_search_many(const lexkit_index *x,
                                              const char *const *queries, const size_t *lens,
                                              size_t n, size_t k, int threads,
                                              lexkit_hit *hits, size_t *n_hits,
                                              lexkit_error *err)
{
    enum { MAX_THREADS = 64 };
    if (!x || (n && (!queries || !lens || !n_hits || (k && !hits))))
        return lk_api_set(err, LEXKIT_ERR_ARG, "NULL argument");
    if (threads < 1 || threads > MAX_THREADS)
        return lk_api_set(err, LEXKIT_ERR_ARG, "threads: must be in 1..%d, got %d", MAX_THREADS, threads);
    size_t chunks = (n + MANY_CHUNK - 1) / MANY_CHUNK;
    if ((size_t)threads > chunks) threads = chunks ? (int)chunks : 1;
    atomic_size_t next;
    atomic_init(&next, 0);
    many_job jobs[MAX_THREADS];
    pthread_t tids[MAX_THREADS];
    int started = 0;
    for (int t = 0; t < threads; t++)
        jobs[t] = (many_job){x, queries, lens, n, k, x->syntax, &next, hits, n_hits, 0,
                             LEXKIT_OK, {.code = LEXKIT_OK}};
    /* a thread that fails to start leaves its share to the others */
    for (int t = 1; t < threads && pthread_create(&tids[t], NULL, many_worker, &jobs[t]) == 0; t++)
        started = t;
    many_worker(&jobs[0]);
    for (int t = 1; t <= started; t++) pthread_join(tids[t], NULL);
    /* the first query that failed, as one thread would have reported it: every query before
       it was taken before it, and answered (or it failed first) */
    const many_job *bad = NULL;
    for (int t = 0; t <= started; t++)
        if (jobs[t].st != LEXKIT_OK && (!bad || jobs[t].failed < bad->failed)) bad = &jobs[t];
    if (bad) {
        if (err) *err = bad->err;
        return bad->st;
    }
    return LEXKIT_OK;
}
