/* cmd_similarity.c: `lexkit similarity`: Spearman correlation with human similarity scores. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "apps/cli.h"
#include "apps/cli_opts.h"
#include "models/embed.h"

#define CMD "similarity"

static void help(void *u)
{
    (void)u;
    fputs("usage: lexkit similarity --vectors FILE --pairs FILE [options]\n"
          "PAIRS: word1<TAB>word2<TAB>score lines. Prints spearman<TAB>rho (over the covered\n"
          "pairs) and coverage<TAB>fraction<TAB>found/all. With a model with subwords (LKEM or\n"
          "fastText .bin), unseen words are composed from their character n-grams (and count\n"
          "as covered) unless --no-compose.\n",
          stdout);
}

static int lk_cmd_similarity(int argc, char **argv)
{
    const char *path = NULL, *pairs = NULL;
    bool lower = true, no_compose = false;
    const lk_cli_option opts[] = {
        LKO_STR("--vectors", &path, "FILE", "word2vec text/binary, LKEM or fastText .bin (required)"),
        LKO_STR("--pairs", &pairs, "FILE", "word pairs with human scores (required)"),
        LKO_FLAG("--lower", &lower, "lowercase the pairs (ASCII), as evaluation sets expect"),
        LKO_NOFLAG("--no-lower", &lower, "use the pairs as written"),
        LKO_FLAG("--no-compose", &no_compose, "unseen words are not covered, even with subwords"),
        LKO_STDOUT("--output"),
    };
    int rc = lk_cli_parse(CMD, argc, argv, opts, LK_OPTS_N(opts), help, NULL);
    if (rc >= 0) return rc;
    if (!path || !pairs) return lk_cli_usage_error(CMD, "--vectors and --pairs are required");
    const lk_cli_output outs[] = {{"--output", lk_cli_stdout_path()}}, ins[] = {{"--vectors", path}, {"--pairs", pairs}};
    if ((rc = lk_cli_check_outputs(CMD, outs, 1, ins, LK_OPTS_N(ins))) >= 0) return rc;
    lk_error err = {0};
    lk_vectors *vec = NULL;
    lk_embed_model *m = NULL;
    lk_similarity_result r;
    lk_status st = lk_embed_open_vectors(path, 0, &vec, &m, &err);
    if (st == LK_OK)
        st = lk_vectors_similarity(vec, pairs, lower, !no_compose && m ? lk_embed_oov_vector : NULL,
                                   m, &r, &err);
    lk_vectors_free(vec);
    lk_embed_model_free(m);
    if (st == LK_OK && r.total == 0)
        st = lk_error_set(&err, LK_ERR_PARSE, "%s: no word pairs (empty file)", pairs);
    if (st != LK_OK) return lk_cli_fail(CMD, st, &err);
    if (isnan(r.spearman))
        fprintf(stderr, "lexkit similarity: %s: %lld of %lld pairs have both words in the vectors: "
                        "the correlation is undefined (nan)\n", pairs, (long long)r.found,
                (long long)r.total);
    if (isnan(r.spearman)) printf("spearman\tnan\n");
    else printf("spearman\t%.4f\n", r.spearman);
    printf("coverage\t%.4f\t%lld/%lld\n", r.total ? (double)r.found / (double)r.total : 0.0,
           (long long)r.found, (long long)r.total);
    return lk_cli_stdout_exit(CMD, LK_EXIT_OK);
}

const lk_command lk_cmd_def_similarity = {"similarity", lk_cmd_similarity,
                                          "Spearman correlation of word vectors with human scores"};
