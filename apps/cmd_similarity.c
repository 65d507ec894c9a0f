/* cmd_similarity.c: `lexkit similarity`: Spearman correlation with human similarity scores. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "apps/cli.h"
#include "models/embed.h"

static const char *USAGE =
    "usage: lexkit similarity --vectors FILE --pairs FILE [--no-lower] [--no-compose]\n"
    "PAIRS: word1<TAB>word2<TAB>score lines. Prints spearman<TAB>rho (over the covered\n"
    "pairs) and coverage<TAB>fraction<TAB>found/all. Words are lowercased (ASCII) unless\n"
    "--no-lower. With an LKEM model with subwords, unseen words are composed from their\n"
    "character n-grams (and count as covered) unless --no-compose.\n";

int lk_cmd_similarity(int argc, char **argv);
int lk_cmd_similarity(int argc, char **argv)
{
    const char *cmd = "similarity", *path = NULL, *pairs = NULL, *v;
    bool lower = true, compose = true;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(USAGE, stdout);
            return LK_EXIT_OK;
        }
        if (!strcmp(argv[i], "--no-lower")) lower = false;
        else if (!strcmp(argv[i], "--no-compose")) compose = false;
        else if (lk_cli_opt(argc, argv, &i, "--vectors", &v)) path = v;
        else if (lk_cli_opt(argc, argv, &i, "--pairs", &v)) pairs = v;
        else return lk_cli_usage_error(cmd, "unknown option '%s'", argv[i]);
    }
    if (!path || !pairs) return lk_cli_usage_error(cmd, "--vectors and --pairs are required");
    lk_error err = {0};
    lk_vectors *vec = NULL;
    lk_embed_model *m = NULL;
    lk_similarity_result r;
    lk_status st = lk_embed_open_vectors(path, 0, &vec, &m, &err);
    if (st == LK_OK) st = lk_vectors_similarity(vec, pairs, lower, compose && m ? lk_embed_oov_vector : NULL,
                                                 m, &r, &err);
    lk_vectors_free(vec);
    lk_embed_model_free(m);
    if (st == LK_OK && r.total == 0)
        st = lk_error_set(&err, LK_ERR_PARSE, "%s: no word pairs (empty file)", pairs);
    if (st != LK_OK) return lk_cli_fail(cmd, st, &err);
    if (isnan(r.spearman)) printf("spearman\tnan\n");
    else printf("spearman\t%.4f\n", r.spearman);
    printf("coverage\t%.4f\t%lld/%lld\n", r.total ? (double)r.found / (double)r.total : 0.0,
           (long long)r.found, (long long)r.total);
    return fflush(stdout) == 0 ? LK_EXIT_OK : lk_cli_fail(cmd, LK_ERR_IO, NULL);
}

const lk_command lk_cmd_def_similarity = {"similarity", lk_cmd_similarity,
                                          "Spearman correlation of word vectors with human scores"};
