/* cmd_neighbors.c: `lexkit neighbors`: the words nearest to one or more words (or to
   positive - negative words) by cosine, or their vectors; the vectors file is read once. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/cli.h"
#include "apps/cli_opts.h"
#include "apps/svg.h"
#include "models/embed.h"
#include "text/fileio.h"
#include "text/utf8.h"

#define CMD "neighbors"
#define MAX_WORDS 1024

typedef struct {
    const char *words[MAX_WORDS], *pos[MAX_WORDS], *neg[MAX_WORDS];
    int n, n_pos, n_neg;
    char *copies[2 * MAX_WORDS]; /* --positive/--negative values split at commas */
    int n_copies;
} word_lists;

static const char *USAGE =
    "usage: lexkit neighbors --vectors FILE (--word W [--word W2 ...] | --positive A,B\n"
    "                        [--negative C] | --print-vectors [--input WORDS]) [options]\n"
    "FILE: word2vec text/binary, an LKEM model or a fastText .bin model (unseen words are\n"
    "composed from their character n-grams when the model has subwords). Prints\n"
    "word<TAB>cosine, best first; with several --word, query<TAB>word<TAB>cosine.\n"
    "--positive/--negative: neighbours of the sum of the unit vectors of the positive words\n"
    "minus the negative ones (gensim's most_similar), the given words excluded.\n"
    "--print-vectors: `word v1 ... vD` per word (--word, else words read from --input),\n"
    "as fasttext print-word-vectors does.\n";

static void help(void *u)
{
    (void)u;
    fputs(USAGE, stdout);
}

static bool add_to(const char **list, int *n, const char *cmd, const char *name, const char *val)
{
    if (*n >= MAX_WORDS) {
        lk_cli_usage_error(cmd, "%s: at most %d words", name, MAX_WORDS);
        return false;
    }
    list[(*n)++] = val;
    return true;
}

static bool word_opt(void *u, const char *cmd, const char *name, const char *val)
{
    word_lists *w = u;
    return add_to(w->words, &w->n, cmd, name, val);
}

/* "A,B,C" (or the option repeated): each comma-separated word is added. */
static bool split_opt(void *u, const char *cmd, const char *name, const char *val)
{
    word_lists *w = u;
    bool pos = strcmp(name, "--positive") == 0;
    size_t len = strlen(val);
    char *copy = w->n_copies < 2 * MAX_WORDS ? malloc(len + 1) : NULL;
    if (!copy) {
        lk_cli_usage_error(cmd, "%s: too many values", name);
        return false;
    }
    memcpy(copy, val, len + 1);
    w->copies[w->n_copies++] = copy;
    bool ok = true;
    for (char *t = copy, *end; t && ok; t = end ? end + 1 : NULL) {
        if ((end = strchr(t, ',')) != NULL) *end = '\0';
        if (*t) ok = pos ? add_to(w->pos, &w->n_pos, cmd, name, t) : add_to(w->neg, &w->n_neg, cmd, name, t);
    }
    return ok;
}

enum { CASE_AS_GIVEN, CASE_LOWER, CASE_AUTO };

typedef struct {
    const lk_vectors *vec;
    const lk_embed_model *m;
    int lower;
} lookup;

/* Vector of w (len bytes) into q; *id is its row in vec or LK_ID_NONE (composed). */
static bool find_one(const lookup *l, const char *w, size_t len, float *q, int32_t *id)
{
    *id = lk_vectors_find(l->vec, w, len);
    if (*id != LK_ID_NONE) {
        memcpy(q, lk_vectors_row(l->vec, *id), (size_t)lk_vectors_dim(l->vec) * sizeof *q);
        return true;
    }
    bool found = false;
    if (l->m) lk_embed_model_word_vector(l->m, w, len, q, &found);
    return found;
}

/* As given; lowercased (CASE_LOWER); or (CASE_AUTO) as given when it is a vocabulary word,
   else lowercased when that is one, else NFKC-normalized and lowercased when that is one (a
   full-width ＡＢＣ finds abc, as the tokenizer that made the corpus would have written it),
   else composed as given. */
static bool word_vector(const lookup *l, const char *w, float *q, int32_t *id)
{
    size_t len = strlen(w);
    if (l->lower == CASE_AS_GIVEN || (l->lower == CASE_AUTO && lk_vectors_find(l->vec, w, len) != LK_ID_NONE))
        return find_one(l, w, len, q, id);
    static const unsigned forms[] = {LK_NORM_CASEFOLD, LK_NORM_NFKC | LK_NORM_CASEFOLD};
    for (int f = 0; f < (l->lower == CASE_LOWER ? 1 : 2); f++) {
        char *low = NULL;
        size_t low_len = 0;
        bool ok = false, tried = false;
        if (lk_normalize(w, len, forms[f], &low, &low_len, NULL) == LK_OK &&
            (l->lower == CASE_LOWER || lk_vectors_find(l->vec, low, low_len) != LK_ID_NONE)) {
            ok = find_one(l, low, low_len, q, id);
            tried = true;
        }
        free(low);
        if (tried) return ok;
    }
    return find_one(l, w, len, q, id);
}

static void unit(float *x, int32_t D)
{
    double s = 0;
    for (int32_t d = 0; d < D; d++) s += (double)x[d] * x[d];
    if (s > 0)
        for (int32_t d = 0; d < D; d++) x[d] = (float)(x[d] / sqrt(s));
}

static int unknown(const lookup *l, const char *w, const char *path)
{
    fprintf(stderr, "lexkit %s: '%s' is not in %s%s\n", CMD, w, path,
            l->m ? " and has no known character n-grams" : "");
    return LK_EXIT_FAIL;
}

/* `word v1 ... vD` lines for the words of --word, or read from `input`. */
static int print_vectors(const lookup *l, const word_lists *w, const char *input, float *q)
{
    int32_t D = lk_vectors_dim(l->vec), id;
    lk_error err;
    lk_error_clear(&err);
    for (int i = 0; i < w->n; i++) {
        if (!word_vector(l, w->words[i], q, &id)) memset(q, 0, (size_t)D * sizeof *q);
        printf("%s", w->words[i]);
        for (int32_t d = 0; d < D; d++) printf(" %.9g", q[d]);
        printf("\n");
    }
    if (w->n > 0) return LK_EXIT_OK;
    lk_line_reader *r = NULL;
    lk_cli_stdin_hint(CMD, input);
    lk_status st = lk_line_reader_open(input, &r, &err);
    const char *line;
    size_t len;
    bool got;
    while (st == LK_OK && (st = lk_line_reader_next(r, &line, &len, &got, &err)) == LK_OK && got) {
        char *copy = malloc(len + 1);
        if (!copy) {
            st = lk_error_set(&err, LK_ERR_NOMEM, "out of memory");
            break;
        }
        memcpy(copy, line, len + 1);
        for (char *save = NULL, *t = strtok_r(copy, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save)) {
            if (!word_vector(l, t, q, &id)) memset(q, 0, (size_t)D * sizeof *q);
            printf("%s", t);
            for (int32_t d = 0; d < D; d++) printf(" %.9g", q[d]);
            printf("\n");
        }
        free(copy);
    }
    lk_line_reader_free(r);
    return st == LK_OK ? LK_EXIT_OK : lk_cli_fail(CMD, st, &err);
}

typedef struct {
    int32_t *ids, *exclude;
    float *scores, *q, *t;
    const char *plot; /* SVG path or NULL */
} buffers;

/* The 2-D PCA map of the query (its vector q, label `query`) and its n neighbours. */
static int plot_neighbourhood(const lookup *l, const char *query, const buffers *b, int32_t n)
{
    int32_t D = lk_vectors_dim(l->vec), m = n + 1;
    float *rows = malloc((size_t)m * (size_t)D * sizeof *rows);
    double *x = malloc((size_t)m * sizeof *x), *y = malloc((size_t)m * sizeof *y);
    const char **labels = malloc((size_t)m * sizeof *labels);
    lk_error err;
    lk_error_clear(&err);
    lk_status st = rows && x && y && labels ? LK_OK : LK_ERR_NOMEM;
    if (st == LK_OK) {
        memcpy(rows, b->q, (size_t)D * sizeof *rows);
        labels[0] = query;
        for (int32_t i = 0; i < n; i++) {
            memcpy(rows + (size_t)(i + 1) * D, lk_vectors_row(l->vec, b->ids[i]), (size_t)D * sizeof *rows);
            labels[i + 1] = lk_vectors_word(l->vec, b->ids[i]);
        }
        st = lk_vectors_pca2(rows, m, D, x, y);
    }
    char title[256];
    snprintf(title, sizeof title, "nearest words to %s (2-D PCA of unit vectors)", query);
    if (st == LK_OK) st = lk_svg_scatter(b->plot, title, labels, x, y, (size_t)m, &err);
    free(rows);
    free(x);
    free(y);
    free(labels);
    return st == LK_OK ? LK_EXIT_OK : lk_cli_fail(CMD, st, &err);
}

/* Neighbours of the sum of unit positive vectors minus unit negative ones. */
static int print_combination(const lookup *l, const word_lists *w, const char *path, long k,
                             long limit, buffers *b)
{
    int32_t D = lk_vectors_dim(l->vec), n_ex = 0, id, n = 0;
    memset(b->q, 0, (size_t)D * sizeof *b->q);
    for (int i = 0; i < w->n_pos + w->n_neg; i++) {
        const char *word = i < w->n_pos ? w->pos[i] : w->neg[i - w->n_pos];
        if (!word_vector(l, word, b->t, &id)) return unknown(l, word, path);
        unit(b->t, D);
        for (int32_t d = 0; d < D; d++) b->q[d] += i < w->n_pos ? b->t[d] : -b->t[d];
        if (id != LK_ID_NONE) b->exclude[n_ex++] = id;
    }
    lk_vectors_nearest(l->vec, b->q, (int32_t)k, (int32_t)limit, b->exclude, n_ex, b->ids, b->scores, &n);
    for (int32_t i = 0; i < n; i++) printf("%s\t%.6f\n", lk_vectors_word(l->vec, b->ids[i]), b->scores[i]);
    return b->plot ? plot_neighbourhood(l, "query", b, n) : LK_EXIT_OK;
}

static int print_neighbors(const lookup *l, const word_lists *w, const char *path, long k,
                           long limit, buffers *b)
{
    for (int i = 0; i < w->n; i++) {
        int32_t id, n = 0;
        if (!word_vector(l, w->words[i], b->q, &id)) return unknown(l, w->words[i], path);
        lk_vectors_nearest(l->vec, b->q, (int32_t)k, (int32_t)limit, &id, id != LK_ID_NONE, b->ids,
                           b->scores, &n);
        for (int32_t j = 0; j < n; j++)
            printf("%s%s%s\t%.6f\n", w->n > 1 ? w->words[i] : "", w->n > 1 ? "\t" : "",
                   lk_vectors_word(l->vec, b->ids[j]), b->scores[j]);
        if (b->plot) return plot_neighbourhood(l, w->words[i], b, n); /* one --word (checked) */
    }
    return LK_EXIT_OK;
}

static int lk_cmd_neighbors(int argc, char **argv)
{
    const char *path = NULL, *input = "-", *plot = NULL;
    long k = 10, limit = 0;
    bool lower = false, no_lower = false, print = false;
    int casing = CASE_AUTO;
    word_lists *w = calloc(1, sizeof *w);
    if (!w) return lk_cli_fail(CMD, LK_ERR_NOMEM, NULL);
    const lk_cli_option opts[] = {
        LKO_STR("--vectors", &path, "FILE", "vectors or model file (required)"),
        LKO_CUSTOM("--word", word_opt, "W", "query word; repeat for several (one file read)"),
        LKO_CUSTOM("--positive", split_opt, "A,B", "words to add (comma-separated or repeated)"),
        LKO_CUSTOM("--negative", split_opt, "C,D", "words to subtract"),
        LKO_LONG("--k", &k, 1, 100000, "neighbours per query"),
        LKO_LONG("--restrict", &limit, 0, 2147483647L, "search only the first N words (0 = all)"),
        LKO_FLAG("--lower", &lower, "lowercase the query words (default: as given when in the "
                 "vocabulary, else lowercased when that is)"),
        LKO_FLAG("--no-lower", &no_lower, "use the query words as given"),
        LKO_FLAG("--print-vectors", &print, "print each word's vector instead of neighbours"),
        LKO_STR("--input", &input, "FILE", "words for --print-vectors when no --word "
                "(default: standard input)"),
        LKO_STR("--plot", &plot, "FILE.svg", "also draw the query and its neighbours as a 2-D "
                "PCA map (one query)"),
        LKO_STDOUT("--output"),
    };
    int rc = lk_cli_parse(CMD, argc, argv, opts, LK_OPTS_N(opts), help, w);
    if (rc < 0 && !path) rc = lk_cli_usage_error(CMD, "--vectors FILE is required");
    if (rc < 0 && !print && w->n == 0 && w->n_pos == 0)
        rc = lk_cli_usage_error(CMD, "give --word W, --positive A[,B] or --print-vectors");
    if (rc < 0 && w->n > 0 && (w->n_pos || w->n_neg))
        rc = lk_cli_usage_error(CMD, "--word and --positive/--negative are separate queries");
    if (rc < 0 && w->n_neg && !w->n_pos) rc = lk_cli_usage_error(CMD, "--negative needs --positive");
    if (rc < 0 && plot && (print || w->n > 1))
        rc = lk_cli_usage_error(CMD, "--plot draws one query: one --word or --positive/--negative");
    if (rc < 0 && lower && no_lower) rc = lk_cli_usage_error(CMD, "--lower or --no-lower, not both");
    const lk_cli_output outs[] = {{"--output", lk_cli_stdout_path()}, {"--plot", plot}};
    const lk_cli_output ins[] = {{"--vectors", path}, {"--input", input}};
    if (rc < 0) rc = lk_cli_check_outputs(CMD, outs, LK_OPTS_N(outs), ins, LK_OPTS_N(ins));
    if (rc >= 0) goto out;
    casing = lower ? CASE_LOWER : no_lower ? CASE_AS_GIVEN : CASE_AUTO;
    lk_error err;
    lk_error_clear(&err);
    lk_vectors *vec = NULL;
    lk_embed_model *m = NULL;
    lk_status st = lk_embed_open_vectors(path, 0, &vec, &m, &err);
    if (st != LK_OK) {
        rc = lk_cli_fail(CMD, st, &err);
        goto out;
    }
    int32_t D = lk_vectors_dim(vec);
    buffers b = {malloc((size_t)k * sizeof(int32_t)), malloc(2 * MAX_WORDS * sizeof(int32_t)),
                 malloc((size_t)k * sizeof(float)), malloc((size_t)D * sizeof(float)),
                 malloc((size_t)D * sizeof(float)), plot};
    lookup l = {vec, m, casing};
    if (!b.ids || !b.exclude || !b.scores || !b.q || !b.t) rc = lk_cli_fail(CMD, LK_ERR_NOMEM, NULL);
    else if (print) rc = print_vectors(&l, w, input, b.q);
    else if (w->n_pos) rc = print_combination(&l, w, path, k, limit, &b);
    else rc = print_neighbors(&l, w, path, k, limit, &b);
    rc = lk_cli_stdout_exit(CMD, rc);
    free(b.ids);
    free(b.exclude);
    free(b.scores);
    free(b.q);
    free(b.t);
    lk_vectors_free(vec);
    lk_embed_model_free(m);
out:
    for (int i = 0; i < w->n_copies; i++) free(w->copies[i]);
    free(w);
    return rc;
}

const lk_command lk_cmd_def_neighbors = {"neighbors", lk_cmd_neighbors,
                                         "nearest words by cosine similarity, or word vectors"};
