/* fuzz_targets.c: libFuzzer entry points for lexkit's parsers and loaders. One binary per
   target: compile with -DLK_FUZZ_TARGET=<n> (see tests/fuzz/README.md). Loaders that take a
   path get the bytes through a temporary file. Every input must give LK_OK or an error;
   crashes, leaks, sanitizer reports and timeouts are the findings. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "features/search/bm25_index.h"
#include "features/search/bm25_query.h"
#include "features/search/bm25_store.h"
#include "features/search/bm25_text.h"
#include "features/sparse/bow.h"
#include "models/embed.h"
#include "models/tagger.h"
#include "models/vectors.h"
#include "text/corpus.h"
#include "text/fileio.h"
#include "text/markdown.h"
#include "text/tokenize.h"
#include "text/userdict.h"

#define FUZZ_VECTORS 1
#define FUZZ_TAGGER_MODEL 2
#define FUZZ_EMBED_MODEL 3
#define FUZZ_VOCAB_IN 4
#define FUZZ_DOCS_JSONL 5
#define FUZZ_CONLLU 6
#define FUZZ_SLASH 7
#define FUZZ_TOKENIZE 8
#define FUZZ_ANALOGY 9
#define FUZZ_SIMILARITY 10
#define FUZZ_USERDICT 11
#define FUZZ_BM25_DIR 12
#define FUZZ_QUERY 13
#define FUZZ_MARKDOWN 14

#ifndef LK_FUZZ_SRC
#define LK_FUZZ_SRC "."
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#if LK_FUZZ_TARGET != FUZZ_TOKENIZE && LK_FUZZ_TARGET != FUZZ_QUERY && \
    LK_FUZZ_TARGET != FUZZ_BM25_DIR && LK_FUZZ_TARGET != FUZZ_MARKDOWN
/* Write data to a fresh temp file; its path in buf (caller unlinks). */
static int to_file(const uint8_t *data, size_t size, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/lkfuzz.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    int fd = mkstemp(buf);
    if (fd < 0) return -1;
    size_t off = 0;
    while (off < size) {
        ssize_t w = write(fd, data + off, size - off);
        if (w <= 0) break;
        off += (size_t)w;
    }
    close(fd);
    return 0;
}
#endif

#if LK_FUZZ_TARGET == FUZZ_BM25_DIR || LK_FUZZ_TARGET == FUZZ_TAGGER_MODEL || \
    LK_FUZZ_TARGET == FUZZ_EMBED_MODEL
/* A file in lexkit's envelope (STYLE 2.9) that starts "LK": set its payload size and
   trailing CRC-32 to match its bytes, so mutations reach the parser behind the checksum. */
static void fix_envelope(unsigned char *p, size_t n)
{
    if (n < LK_ENVELOPE_HEADER + 4 || memcmp(p, "LK", 2) != 0) return;
    lk_put_u64(p + 12, (uint64_t)(n - LK_ENVELOPE_HEADER - 4));
    lk_put_u32(p + n - 4, lk_crc32(0, p, n - 4));
}
#endif

#if LK_FUZZ_TARGET == FUZZ_ANALOGY || LK_FUZZ_TARGET == FUZZ_SIMILARITY
/* The fixed table the question/pair files are evaluated against (loaded once). */
static const lk_vectors *fixed_vectors(void)
{
    static lk_vectors *v;
    lk_error err;
    if (!v && lk_vectors_read(LK_FUZZ_SRC "/tests/data/emb_analogy.vec", LK_VEC_AUTO, 0, &v,
                              &err) != LK_OK)
        abort();
    return v;
}
#endif

#if LK_FUZZ_TARGET == FUZZ_BM25_DIR
/* The input is an index directory: parts split at PART_SEP become, in order, FILES[i].
   Each part that starts with an LK magic gets its payload size and trailing CRC-32 fixed
   up, and the manifest's size/CRC of every segment it lists that is present is set to that
   file's, so mutated bytes reach the parsers instead of stopping at a checksum. */
#define PART_SEP "\n@@lkfuzz@@\n"
static const char *const FILES[] = {"index.lkbx", "segments.lkbm", "seg-000002.lkbx",
                                    "seg-000003.lkbx"};
#define N_FILES (sizeof FILES / sizeof FILES[0])


/* Walk the manifest's segment list (bm25_segments.c's layout) and patch size and CRC. */
static void fix_manifest(unsigned char *p, size_t n, unsigned char *const *part,
                         const size_t *len)
{
    if (n < LK_ENVELOPE_HEADER + 4 + 8 || memcmp(p, "LKBM", 4) != 0) return;
    size_t off = LK_ENVELOPE_HEADER + 4, end = n - 4;
    uint32_t n_segs = lk_get_u32(p + off);
    off += 4;
    for (uint32_t i = 0; i < n_segs && i < 64; i++) {
        if (end - off < 4) break;
        uint32_t nl = lk_get_u32(p + off);
        off += 4;
        if (nl > end - off || end - off - nl < 8 + 4 + 16) break;
        for (size_t f = 0; f < N_FILES; f++) {
            if (strlen(FILES[f]) == nl && memcmp(p + off, FILES[f], nl) == 0 && part[f] &&
                len[f] >= 4) {
                lk_put_u64(p + off + nl, len[f]);
                memcpy(p + off + nl + 8, part[f] + len[f] - 4, 4);
            }
        }
        off += nl + 8 + 4 + 4;
        uint32_t n_del = lk_get_u32(p + off), n_corr = lk_get_u32(p + off + 4);
        off += 8;
        if ((uint64_t)n_del * 4 + (uint64_t)n_corr * 12 > end - off) break;
        off += (size_t)n_del * 4 + (size_t)n_corr * 12;
    }
    fix_envelope(p, n);
}

/* Read everything the opened index offers: ids, lengths, stored fields, term statistics
   and a few searches. */
static void exercise_index(const lk_bm25_index *idx)
{
    lk_error err;
    uint32_t end = lk_bm25_index_doc_end(idx);
    (void)lk_bm25_index_n_terms(idx);
    (void)lk_bm25_index_avgdl(idx);
    size_t len;
    (void)lk_bm25_index_settings(idx, &len);
    (void)lk_bm25_index_store_spec(idx, &len);
    lk_bm25_store_ws *sw = NULL;
    if (lk_bm25_store_ws_create(&sw) != LK_OK) return;
    for (uint32_t d = 0; d < end && d < 64; d++) {
        if (!lk_bm25_index_doc_live(idx, d)) continue;
        (void)lk_bm25_index_doc_id(idx, d, &len);
        (void)lk_bm25_index_doc_len(idx, d);
        const lk_doc_field *f;
        size_t nf;
        (void)lk_bm25_doc_fields(idx, sw, d, &f, &nf, &err);
    }
    lk_bm25_store_ws_free(sw);
    static const char *const terms[] = {"cat", "dog", "the", "北京", "run"};
    for (size_t i = 0; i < sizeof terms / sizeof terms[0]; i++)
        (void)lk_bm25_index_df(idx, terms[i], strlen(terms[i]));
    lk_bm25_ws *ws = NULL;
    lk_analyzer *an = NULL;
    lk_query_ws *qw = NULL;
    if (lk_bm25_ws_create(idx, &ws) == LK_OK && lk_bm25_index_analyzer(idx, &an, &err) == LK_OK &&
        lk_query_ws_create(idx, &qw, &err) == LK_OK) {
        static const char *const queries[] = {"cat dog", "+cats -dog", "\"the cat\"",
                                              "title:cats", "running 北京"};
        lk_bm25_search_opts o = lk_bm25_search_opts_default();
        for (int ex = 0; ex < 2; ex++) {
            o.exhaustive = ex;
            for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
                const lk_bm25_hit *h;
                size_t nh;
                (void)lk_bm25_search_query(idx, ws, an, qw, queries[i], strlen(queries[i]), &o,
                                           &h, &nh, &err);
            }
        }
    }
    lk_query_ws_free(qw);
    lk_analyzer_free(an);
    lk_bm25_ws_free(ws);
}

static void fuzz_bm25_dir(const uint8_t *data, size_t size)
{
    unsigned char *part[N_FILES] = {0};
    size_t len[N_FILES] = {0};
    const uint8_t *p = data, *end = data + size;
    for (size_t f = 0; f < N_FILES && p <= end; f++) {
        const uint8_t *q = p;
        size_t sl = strlen(PART_SEP);
        while ((size_t)(end - q) >= sl && memcmp(q, PART_SEP, sl) != 0) q++;
        if ((size_t)(end - q) < sl) q = end;
        len[f] = (size_t)(q - p);
        part[f] = malloc(len[f] + 1);
        if (!part[f]) goto done;
        memcpy(part[f], p, len[f]);
        p = q == end ? end + 1 : q + sl;
    }
    for (size_t f = 0; f < N_FILES; f++)
        if (f != 1 && part[f]) fix_envelope(part[f], len[f]);
    if (part[1]) fix_manifest(part[1], len[1], part, len);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/lkfuzzdir.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) goto done;
    for (size_t f = 0; f < N_FILES; f++) {
        if (!part[f]) continue;
        char fp[4200];
        snprintf(fp, sizeof fp, "%s/%s", dir, FILES[f]);
        FILE *o = fopen(fp, "wb");
        if (!o) continue;
        if (len[f]) fwrite(part[f], 1, len[f], o);
        fclose(o);
    }
    lk_error err;
    lk_bm25_index *idx = NULL;
    lk_status st = lk_bm25_index_open(dir, &idx, &err);
    if (getenv("LK_FUZZ_VERBOSE")) /* does the input reach past the checksums? */
        fprintf(stderr, "open: %s %s\n", lk_status_str(st), st == LK_OK ? "" : err.msg);
    if (st == LK_OK) {
        exercise_index(idx);
        lk_bm25_index_free(idx);
    }
    for (size_t f = 0; f < N_FILES; f++) {
        char fp[4200];
        snprintf(fp, sizeof fp, "%s/%s", dir, FILES[f]);
        unlink(fp);
    }
    rmdir(dir);
done:
    for (size_t f = 0; f < N_FILES; f++) free(part[f]);
}
#endif

#if LK_FUZZ_TARGET == FUZZ_QUERY
static lk_bm25_index *g_index;
static char g_index_dir[4096];

/* At exit: close the index and remove its directory. */
static void drop_index(void)
{
    lk_bm25_index_free(g_index);
    DIR *d = opendir(g_index_dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char p[4400];
        snprintf(p, sizeof p, "%s/%s", g_index_dir, e->d_name);
        unlink(p);
    }
    if (d) closedir(d);
    rmdir(g_index_dir);
}

/* A small index with every field stored, built once from tests/data/bm25_docs.jsonl. */
static const lk_bm25_index *fixed_index(void)
{
    lk_bm25_index *idx = NULL;
    char *dir = g_index_dir;
    if (g_index) return g_index;
    lk_error err;
    snprintf(dir, sizeof g_index_dir, "%s/lkfuzzq.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) abort();
    lk_bm25_index_config c = lk_bm25_index_config_default();
    c.build.store = "all";
    c.threads = 1;
    if (lk_bm25_index_build(LK_FUZZ_SRC "/tests/data/bm25_docs.jsonl", dir, &c, NULL, &err) !=
            LK_OK ||
        lk_bm25_index_open(dir, &idx, &err) != LK_OK) {
        fprintf(stderr, "fuzz_query: %s\n", err.msg);
        abort();
    }
    g_index = idx;
    atexit(drop_index);
    return idx;
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lk_error err;
    char path[4096];
#if LK_FUZZ_TARGET == FUZZ_MARKDOWN
    /* a document's text and a title line: out must hold n bytes, never more written */
    (void)path;
    (void)err;
    char *out = malloc(size ? size : 1);
    if (!out) return 0;
    size_t n = 0;
    if (lk_md_plain((const char *)data, size, out, &n) == LK_OK && n > size) abort();
    if (lk_md_inline_plain((const char *)data, size, out, &n) == LK_OK && n > size) abort();
    free(out);
    return 0;
#elif LK_FUZZ_TARGET == FUZZ_TOKENIZE
    (void)path;
    for (int mode = LK_TOKMODE_LEXKIT; mode <= LK_TOKMODE_SPACE; mode++) {
        lk_tokenizer_config c = lk_tokenizer_config_default();
        c.mode = (lk_tok_mode)mode;
        c.lower = size > 0 && (data[0] & 1);
        lk_tokenizer *t = NULL;
        if (lk_tokenizer_create(&c, &t) != LK_OK) return 0;
        const lk_token *toks;
        size_t n;
        (void)lk_tokenize(t, (const char *)data, size, &toks, &n, &err);
        lk_tokenizer_free(t);
    }
    return 0;
#elif LK_FUZZ_TARGET == FUZZ_QUERY
    (void)path;
    const lk_bm25_index *idx = fixed_index();
    lk_query_clause *cl = NULL;
    size_t ncl;
    bool ops;
    if (lk_query_parse((const char *)data, size, &cl, &ncl, &ops, &err) == LK_OK) free(cl);
    lk_bm25_ws *ws = NULL;
    lk_analyzer *an = NULL;
    lk_query_ws *qw = NULL;
    if (lk_bm25_ws_create(idx, &ws) == LK_OK && lk_bm25_index_analyzer(idx, &an, &err) == LK_OK &&
        lk_query_ws_create(idx, &qw, &err) == LK_OK) {
        lk_bm25_search_opts o = lk_bm25_search_opts_default();
        o.exhaustive = size > 0 && (data[0] & 1);
        const lk_bm25_hit *h;
        size_t nh;
        (void)lk_bm25_search_query(idx, ws, an, qw, (const char *)data, size, &o, &h, &nh, &err);
    }
    lk_query_ws_free(qw);
    lk_analyzer_free(an);
    lk_bm25_ws_free(ws);
    return 0;
#elif LK_FUZZ_TARGET == FUZZ_BM25_DIR
    (void)path;
    (void)err;
    fuzz_bm25_dir(data, size);
    return 0;
#else
#if LK_FUZZ_TARGET == FUZZ_TAGGER_MODEL || LK_FUZZ_TARGET == FUZZ_EMBED_MODEL
    unsigned char *copy = malloc(size + 1);
    if (!copy) return 0;
    memcpy(copy, data, size);
    fix_envelope(copy, size);
    int made = to_file(copy, size, path, sizeof path);
    free(copy);
    if (made != 0) return 0;
#else
    if (to_file(data, size, path, sizeof path) != 0) return 0;
#endif
#if LK_FUZZ_TARGET == FUZZ_VECTORS
    lk_vectors *v = NULL;
    if (lk_vectors_read(path, LK_VEC_AUTO, 0, &v, &err) == LK_OK) lk_vectors_free(v);
#elif LK_FUZZ_TARGET == FUZZ_TAGGER_MODEL
    lk_tagger *m = NULL;
    if (lk_tagger_load(path, &m, &err) == LK_OK) lk_tagger_free(m);
#elif LK_FUZZ_TARGET == FUZZ_EMBED_MODEL
    lk_embed_model *m = NULL;
    if (lk_embed_model_load(path, &m, &err) == LK_OK) lk_embed_model_free(m);
#elif LK_FUZZ_TARGET == FUZZ_VOCAB_IN
    lk_bow_config c = lk_bow_config_default();
    lk_bow *b = NULL;
    if (lk_bow_create(&c, &b) == LK_OK) (void)lk_bow_load_vocab(b, path, &err);
    lk_bow_free(b);
#elif LK_FUZZ_TARGET == FUZZ_DOCS_JSONL
    lk_docs_reader *r = NULL;
    if (lk_docs_open(path, LK_DOCS_JSONL, &r, &err) == LK_OK) {
        lk_doc d;
        bool got = true;
        while (got && lk_docs_next(r, &d, &got, &err) == LK_OK) {}
    }
    lk_docs_free(r);
#elif LK_FUZZ_TARGET == FUZZ_CONLLU || LK_FUZZ_TARGET == FUZZ_SLASH
    lk_tagged_corpus tc;
    memset(&tc, 0, sizeof tc);
    if (lk_tagged_corpus_load(path, LK_FUZZ_TARGET == FUZZ_CONLLU ? LK_TAGGED_CONLLU
                                                                   : LK_TAGGED_SLASH,
                              &tc, &err) == LK_OK)
        lk_tagged_corpus_free(&tc);
#elif LK_FUZZ_TARGET == FUZZ_ANALOGY
    lk_analogy_result r;
    memset(&r, 0, sizeof r);
    if (lk_vectors_analogy(fixed_vectors(), path, 0, size > 0 && (data[0] & 1), &r, &err) == LK_OK)
        lk_analogy_result_free(&r);
#elif LK_FUZZ_TARGET == FUZZ_SIMILARITY
    lk_similarity_result r;
    (void)lk_vectors_similarity(fixed_vectors(), path, size > 0 && (data[0] & 1), NULL, NULL, &r,
                                &err);
#elif LK_FUZZ_TARGET == FUZZ_USERDICT
    lk_userdict *d = NULL;
    if (lk_userdict_load(path, &d, &err) == LK_OK) {
        /* every prefix end of the file's bytes as candidates at each position */
        size_t ends[64];
        for (size_t i = 0; i < size && i < 256; i++) {
            size_t n = 0;
            for (size_t e = 1; i + e <= size && n < 64; e++) ends[n++] = e;
            int32_t id;
            if (lk_userdict_longest(d, (const char *)data + i, ends, n, &id) >= 0) {
                size_t wl;
                int64_t l, c;
                (void)lk_userdict_word(d, id, &wl);
                (void)lk_userdict_tag(d, id, &l, &c);
            }
        }
        lk_userdict_free(d);
    }
#else
#error "set LK_FUZZ_TARGET"
#endif
    unlink(path);
    return 0;
#endif
}
