/* cmd_info.c: `lexkit info FILE`: what a lexkit file is and how it was made, as
   key<TAB>value lines: tagger models (LKTG), embedding models (LKEM, fastText .bin), word
   vectors (word2vec text/binary), BM25 indexes (a directory or index.lkbx) and bow/tfidf
   vocabularies. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "apps/cli.h"
#include "apps/cli_opts.h"
#include "features/search/analyzer.h"
#include "features/search/bm25_index.h"
#include "features/search/bm25_info.h"
#include "models/embed.h"
#include "models/tagger.h"
#include "models/vectors.h"
#include "text/utf8.h"

#define CMD "info"

/* One FILE: a path the loaders open, or (standard input, a pipe, a FIFO: read once, never
   seeked back) its bytes buf[0..n), which they parse from memory. */
typedef struct {
    const char *path;
    const char *buf; /* NULL: read path */
    size_t n;
} input;

/* --doc / --term / --indexed-term: for BM25 indexes only, printed instead of the summary. */
typedef struct {
    const char *doc, *term, *indexed_term;
} index_query;

static void help(void *u)
{
    (void)u;
    printf("usage: lexkit info FILE... [--output FILE] [--doc ID] [--term TEXT]\n"
           "                           [--indexed-term TERM]\n"
           "Print what each lexkit file is and its settings as key<TAB>value lines: tagger\n"
           "models, LKEM and fastText .bin embedding models, word2vec vectors, BM25 index\n"
           "directories, bow/tfidf vocabularies and `lexkit vocab` token counts. Several files\n"
           "are separated by a blank line. FILE may be - (standard input) or a pipe: it is read\n"
           "whole, once. For a BM25 index, --doc ID prints that document's stored fields as\n"
           "JSON, --term TEXT each term of TEXT analyzed as a query is with its document\n"
           "frequency and first documents (as `lexkit index --info` does).\n");
}

static int info_tagger(const input *in, lk_error *err)
{
    lk_tagger *m = NULL;
    lk_status st = in->buf ? lk_tagger_load_mem(in->buf, in->n, in->path, &m, err)
                           : lk_tagger_load(in->path, &m, err);
    if (st != LK_OK) return lk_cli_fail(CMD, st, err);
    const lk_tagger_config *c = lk_tagger_get_config(m);
    printf("kind\ttagger model (LKTG)\nunit\t%s\ncolumn\t%s\ncell\t%s\nhidden\t%d\nlayers\t%d\n"
           "bidirectional\t%s\noutput\t%s\nword_dim\t%d\nchar_dim\t%d\nmin_feature_count\t%d\n"
           "parameters\t%zu\ntags\t%d\ntag_set\t",
           c->unit == LK_TAGGER_CHAR ? "char (joint segmentation + tagging)" : "word",
           c->column == LK_TAGGER_XPOS ? "xpos" : "upos", c->cell, (int)c->hidden, (int)c->layers,
           c->bidirectional ? "yes" : "no", c->crf ? "crf" : "softmax", (int)c->word_dim,
           (int)c->char_dim, (int)c->min_feature_count, lk_tagger_n_params(m),
           (int)lk_tagger_n_tags(m));
    for (int32_t t = 0; t < lk_tagger_n_tags(m); t++)
        printf("%s%s", t ? " " : "", lk_tagger_tag_name(m, t));
    printf("\n");
    /* the training record (models trained by lexkit since 2026-12): key<TAB>value */
    for (const char *p = lk_tagger_train_info(m); p && *p;) {
        const char *e = strchr(p, '\n'), *eq = memchr(p, '=', e ? (size_t)(e - p) : strlen(p));
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (eq) printf("%.*s\t%.*s\n", (int)(eq - p), p, (int)(len - (size_t)(eq - p) - 1), eq + 1);
        p += len + (e ? 1 : 0);
    }
    lk_tagger_free(m);
    return LK_EXIT_OK;
}

static int info_embed(const input *in, bool fasttext, lk_error *err)
{
    lk_embed_model *m = NULL;
    lk_status st = in->buf ? lk_embed_model_from_mem(in->buf, in->n, in->path, &m, err)
                           : lk_embed_model_load(in->path, &m, err);
    if (st != LK_OK) return lk_cli_fail(CMD, st, err);
    const lk_embed_config *c = lk_embed_model_config(m);
    bool sub = c->maxn > 0;
    printf("kind\t%s\nwords\t%d\ndim\t%d\nmodel\t%s\nloss\t%s\nwindow\t%d\n",
           fasttext ? "fastText model (.bin)" : "embedding model (LKEM)",
           (int)lk_vocab_size(lk_embed_model_vocab(m)), (int)c->dim,
           c->arch == LK_EMBED_CBOW ? "cbow" : "skipgram", c->loss == LK_LOSS_HS ? "hs" : "ns",
           (int)c->window);
    if (c->loss == LK_LOSS_NS) printf("negative\t%d\n", (int)c->negative);
    printf("min_count\t%lld\nsample\t%g\nsubwords\t", (long long)c->min_count, c->sample);
    if (sub) printf("%d:%d\nbuckets\t%d\n", (int)c->minn, (int)c->maxn, (int)c->buckets);
    else printf("none\n");
    if (!fasttext)
        printf("tokenize\t%s\n", !c->tokenize ? "no" : c->keep_case ? "yes (case kept)" : "yes (lowercased)");
    lk_embed_model_free(m);
    return LK_EXIT_OK;
}

static int info_vectors(const input *in, lk_error *err)
{
    lk_vectors *v = NULL;
    lk_status st = in->buf ? lk_vectors_read_mem(in->buf, in->n, in->path, LK_VEC_AUTO, 0, &v, err)
                           : lk_vectors_read(in->path, LK_VEC_AUTO, 0, &v, err);
    if (st != LK_OK) return lk_cli_fail(CMD, st, err);
    printf("kind\tword vectors (word2vec)\nwords\t%d\ndim\t%d\n", (int)lk_vectors_size(v),
           (int)lk_vectors_dim(v));
    lk_vectors_free(v);
    return LK_EXIT_OK;
}

/* One analyzer setting as a key<TAB>value line: analyzer.version, analyzer (its name),
   analyzer.KEY for the others (analyzer.stopword_list: the words on one line). */
static lk_status print_setting(void *user, const char *k, size_t kl, const char *v, size_t vl)
{
    (void)user;
    bool name = kl == 8 && memcmp(k, "analyzer", 8) == 0;
    printf("analyzer%s%.*s\t%.*s\n", name ? "" : ".", name ? 0 : (int)kl, k, (int)vl, v);
    return LK_OK;
}

/* Bytes of the regular files directly in directory dir (an index's files). */
static long long dir_bytes(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    long long total = 0;
    char path[4096];
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        struct stat sb;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) total += (long long)sb.st_size;
    }
    closedir(d);
    return total;
}

static bool index_query_any(const index_query *q)
{
    return q->doc || q->term || q->indexed_term;
}

/* A BM25 index (a directory, or its index.lkbx file); q: --doc/--term/--indexed-term. The
   summary of a directory starts with its file and bytes lines, printed once it opened as
   an index (a directory that is not one prints nothing on standard output). */
static int info_index(const input *in, bool dir, const index_query *q, lk_error *err)
{
    lk_bm25_index *idx = NULL;
    lk_status st = in->buf ? lk_bm25_index_open_mem(in->buf, in->n, &idx, err)
                           : lk_bm25_index_open(in->path, &idx, err);
    if (st != LK_OK) return lk_cli_fail(CMD, st, err);
    if (index_query_any(q)) {
        if (q->doc) st = lk_bm25_index_print_doc(idx, q->doc, stdout, err);
        if (st == LK_OK && q->term) {
            st = lk_bm25_index_print_term(idx, q->term, strlen(q->term), stdout, err);
            if (st == LK_ERR_PARSE) lk_error_prefix(err, "--term: ");
        }
        if (st == LK_OK && q->indexed_term)
            st = lk_bm25_index_print_indexed_term(idx, q->indexed_term, strlen(q->indexed_term),
                                                  stdout, err);
        lk_bm25_index_free(idx);
        return st == LK_OK ? LK_EXIT_OK : lk_cli_fail(CMD, st, err);
    }
    size_t len = 0;
    const char *settings = lk_bm25_index_settings(idx, &len);
    if (dir) printf("file\t%s\nbytes\t%lld\n", in->path, dir_bytes(in->path));
    printf("kind\tBM25 index (LKBX)\ndocuments\t%u\nterms\t%llu\navgdl\t%.4f\nsegments\t%zu\n",
           (unsigned)lk_bm25_index_n_docs(idx), (unsigned long long)lk_bm25_index_n_terms(idx),
           lk_bm25_index_avgdl(idx), lk_bm25_index_n_segments(idx));
    if (settings && len) st = lk_analyzer_settings_each(settings, len, print_setting, NULL, err);
    lk_bm25_index_free(idx);
    return st == LK_OK ? LK_EXIT_OK : lk_cli_fail(CMD, st, err);
}

/* A bow/tfidf --vocab-out file: "#n_docs\tN", optional "#analyzer\tDESC", then terms. */
static int info_bow_vocab(FILE *fp)
{
    char line[512];
    long long n_docs = 0, terms = 0;
    char analyzer[256] = "not recorded (written before 2026-12)";
    while (fgets(line, sizeof line, fp)) {
        size_t l = strlen(line);
        bool whole = l > 0 && line[l - 1] == '\n';
        if (terms == 0 && sscanf(line, "#n_docs\t%lld", &n_docs) == 1) continue;
        if (terms == 0 && strncmp(line, "#analyzer\t", 10) == 0) {
            snprintf(analyzer, sizeof analyzer, "%.*s", (int)(l - 10 - (whole ? 1 : 0)), line + 10);
            continue;
        }
        if (whole) terms++;
    }
    printf("kind\tbow/tfidf vocabulary\nterms\t%lld\nfit_documents\t%lld\nanalyzer\t%s\n", terms,
           n_docs, analyzer);
    return LK_EXIT_OK;
}

/* Whether the bytes start as `lexkit vocab` output: a token (no tab), a tab, a count, a
   newline (the first line must be whole within the bytes read). */
static bool counts_header(const unsigned char *h, size_t n)
{
    size_t i = 0;
    while (i < n && h[i] != '\t' && h[i] != '\n') i++;
    if (i == 0 || i >= n || h[i] != '\t') return false;
    size_t d = ++i;
    while (i < n && h[i] >= '0' && h[i] <= '9') i++;
    if (i == d) return false;
    if (i < n && h[i] == '\r') i++;
    return i < n && h[i] == '\n';
}

/* `lexkit vocab` output: token<TAB>count lines; every line is checked. */
static int info_counts(const char *path, FILE *fp, lk_error *err)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t l;
    long long tokens = 0, total = 0, lineno = 0;
    int rc = LK_EXIT_OK;
    while ((l = getline(&line, &cap, fp)) > 0) {
        lineno++;
        size_t n = (size_t)l;
        if (line[n - 1] == '\n') n--;
        if (n && line[n - 1] == '\r') n--;
        char *tab = memchr(line, '\t', n);
        char *end = NULL;
        long long c = -1;
        if (tab && tab > line) {
            errno = 0;
            c = strtoll(tab + 1, &end, 10);
            if (errno || end != line + n || end == tab + 1 || c < 0) c = -1;
        }
        if (c < 0) {
            int64_t col = tab > line ? (int64_t)lk_utf8_count(line, (size_t)(tab + 1 - line)) + 1 : 1;
            free(line);
            return lk_cli_fail(CMD, lk_error_at(err, path, lineno, col,
                                                "expected 'token<TAB>count' (lexkit vocab output)"),
                               err);
        }
        tokens++;
        total += c;
    }
    free(line);
    if (ferror(fp)) rc = lk_cli_fail(CMD, lk_error_set(err, LK_ERR_IO, "%s: read error", path), err);
    else printf("kind\ttoken counts (lexkit vocab)\ntokens\t%lld\ntotal_count\t%lld\n", tokens, total);
    return rc;
}

/* Whether the first bytes are of a kind info describes (else nothing goes to stdout). */
static bool known_kind(const unsigned char *head, size_t n)
{
    return (n >= 4 && (memcmp(head, "LKTG", 4) == 0 || memcmp(head, "LKEM", 4) == 0 ||
                       memcmp(head, "LKBX", 4) == 0)) ||
           lk_embed_is_fasttext_magic(head, n) || (n >= 7 && memcmp(head, "#n_docs", 7) == 0) ||
           lk_vectors_head_is_word2vec(head, n) || counts_header(head, n);
}

/* The kind of in (its first bytes: head[0..n)) and its description; fp: in->path opened
   (NULL for bytes in memory). */
static int info_kind(const input *in, const index_query *q, FILE *fp, const unsigned char *head,
                     size_t n, lk_error *err)
{
    const char *path = in->path;
    if (index_query_any(q) && !(n >= 4 && memcmp(head, "LKBX", 4) == 0))
        return lk_cli_fail(CMD, lk_error_set(err, LK_ERR_ARG, "%s: --doc/--term/--indexed-term "
                                             "need a BM25 index (not this file)", path),
                           err);
    if (n >= 4 && memcmp(head, "LKTG", 4) == 0) return info_tagger(in, err);
    if (n >= 4 && memcmp(head, "LKEM", 4) == 0) return info_embed(in, false, err);
    if (lk_embed_is_fasttext_magic(head, n)) return info_embed(in, true, err);
    if (n >= 4 && memcmp(head, "LKBX", 4) == 0) return info_index(in, false, q, err);
    if (n >= 7 && memcmp(head, "#n_docs", 7) == 0) {
        if (fp) {
            rewind(fp);
            return info_bow_vocab(fp);
        }
        FILE *mem = fmemopen((void *)(uintptr_t)in->buf, in->n, "r");
        if (!mem) return lk_cli_fail(CMD, lk_error_set(err, LK_ERR_NOMEM, "out of memory"), err);
        int rc = info_bow_vocab(mem);
        fclose(mem);
        return rc;
    }
    if (lk_vectors_head_is_word2vec(head, n)) return info_vectors(in, err);
    if (counts_header(head, n)) {
        if (fp) {
            rewind(fp);
            return info_counts(path, fp, err);
        }
        FILE *mem = fmemopen((void *)(uintptr_t)in->buf, in->n, "r");
        if (!mem) return lk_cli_fail(CMD, lk_error_set(err, LK_ERR_NOMEM, "out of memory"), err);
        int rc = info_counts(path, mem, err);
        fclose(mem);
        return rc;
    }
    if (n == 0) /* no kind to guess from */
        return lk_cli_fail(CMD, lk_error_set(err, LK_ERR_FORMAT, "%s: empty file", path), err);
    return lk_cli_fail(CMD, lk_error_set(err, LK_ERR_FORMAT, "%s: not a file lexkit knows (a "
                                         "tagger or embedding model, a fastText .bin, word2vec "
                                         "vectors, a bow/tfidf vocabulary, lexkit vocab counts, "
                                         "a BM25 index)", path),
                       err);
}

/* Standard input ("-"), a pipe (<(...)), a FIFO or a device: read whole once, then
   described from memory (the loaders would open it again and miss what was read). */
static int info_stream(const char *path, const index_query *q, lk_error *err)
{
    char *buf = NULL;
    size_t n = 0;
    lk_status st = lk_read_file(path, &buf, &n, err);
    if (st != LK_OK) return lk_cli_fail(CMD, st, err);
    if (!index_query_any(q) && known_kind((const unsigned char *)buf, n < 64 ? n : 64))
        printf("file\t%s\nbytes\t%zu\n", path, n);
    input in = {path, buf, n};
    int rc = info_kind(&in, q, NULL, (const unsigned char *)buf, n < 64 ? n : 64, err);
    free(buf);
    return rc;
}

static int info_one(const char *path, const index_query *q)
{
    lk_error err;
    lk_error_clear(&err);
    struct stat sb;
    if (strcmp(path, "-") == 0) return info_stream(path, q, &err);
    if (stat(path, &sb) != 0)
        return lk_cli_fail(CMD, lk_error_set(&err, LK_ERR_IO, "%s: %s", path, strerror(errno)), &err);
    input in = {path, NULL, 0};
    if (S_ISDIR(sb.st_mode)) return info_index(&in, true, q, &err); /* an index directory */
    if (!S_ISREG(sb.st_mode)) return info_stream(path, q, &err);
    FILE *fp = fopen(path, "rb");
    if (!fp) return lk_cli_fail(CMD, lk_error_set(&err, LK_ERR_IO, "%s: cannot open", path), &err);
    unsigned char head[64] = {0};
    size_t n = fread(head, 1, sizeof head, fp);
    if (!index_query_any(q) && known_kind(head, n))
        printf("file\t%s\nbytes\t%lld\n", path, (long long)sb.st_size);
    int rc = info_kind(&in, q, fp, head, n, &err);
    fclose(fp);
    return rc;
}

/* Whether the option named arg is one of opts[0..n) that is followed by a value. */
static bool takes_value(const lk_cli_option *opts, size_t n, const char *arg)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(opts[i].name, arg) == 0) return opts[i].kind != LK_OPT_FLAG;
    return false;
}

static int run(int argc, char **argv)
{
    index_query q = {NULL, NULL, NULL};
    const lk_cli_option opts[] = {
        LKO_STDOUT("--output"),
        LKO_STR("--doc", &q.doc, "ID", "for a BM25 index: that document's stored fields as JSON"),
        LKO_STR("--term", &q.term, "TEXT", "for a BM25 index: TEXT analyzed as a query is; each "
                "term: its document frequency and first 10 documents (id:tf)"),
        LKO_STR("--indexed-term", &q.indexed_term, "TERM", "for a BM25 index: as --term, for "
                "TERM exactly as the index holds it (no analysis)"),
    };
    const char *files[256];
    int n = 0;
    /* FILE arguments are positional: collect them, pass the options (with the values of
       those that take one) to the parser */
    char *opt_argv[16];
    int opt_argc = 0;
    const int opt_max = (int)(sizeof opt_argv / sizeof *opt_argv);
    opt_argv[opt_argc++] = argv[0];
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "-", 1) != 0 || strcmp(argv[i], "-") == 0) {
            if (n == (int)(sizeof files / sizeof *files)) return lk_cli_usage_error(CMD, "too many files");
            files[n++] = argv[i];
        } else if (opt_argc < opt_max) {
            opt_argv[opt_argc++] = argv[i];
            if (takes_value(opts, LK_OPTS_N(opts), argv[i]) && i + 1 < argc) {
                if (opt_argc == opt_max) return lk_cli_usage_error(CMD, "too many options");
                opt_argv[opt_argc++] = argv[++i];
            }
        } else {
            return lk_cli_usage_error(CMD, "too many options");
        }
    }
    int rc = lk_cli_parse(CMD, opt_argc, opt_argv, opts, LK_OPTS_N(opts), help, NULL);
    if (rc >= 0) return rc;
    if (n == 0) return lk_cli_usage_error(CMD, "give one or more FILEs");
    const lk_cli_output outs[] = {{"--output", lk_cli_stdout_path()}};
    for (int i = 0; i < n; i++) {
        const lk_cli_output in = {"FILE", files[i]};
        if ((rc = lk_cli_check_outputs(CMD, outs, 1, &in, 1)) >= 0) return rc;
    }
    rc = LK_EXIT_OK;
    for (int i = 0; i < n; i++) {
        if (i) printf("\n");
        int r = info_one(files[i], &q);
        if (r != LK_EXIT_OK) rc = r;
    }
    return lk_cli_stdout_exit(CMD, rc);
}

const lk_command lk_cmd_def_info = {"info", run, "what a lexkit file is and how it was made"};
