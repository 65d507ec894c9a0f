/* cmd_neighbors.c: `lexkit neighbors`: the words nearest to a word by cosine. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/cli.h"
#include "models/embed.h"

static const char *USAGE =
    "usage: lexkit neighbors --vectors FILE --word W [--k 10] [--restrict N]\n"
    "FILE: word2vec text/binary or an LKEM model (unseen words are composed from their\n"
    "character n-grams when the model has subwords). Prints word<TAB>cosine, best first.\n";

int lk_cmd_neighbors(int argc, char **argv);
int lk_cmd_neighbors(int argc, char **argv)
{
    const char *cmd = "neighbors", *path = NULL, *word = NULL, *v;
    long k = 10, limit = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(USAGE, stdout);
            return LK_EXIT_OK;
        }
        if (lk_cli_opt(argc, argv, &i, "--vectors", &v)) path = v;
        else if (lk_cli_opt(argc, argv, &i, "--word", &v)) word = v;
        else if (lk_cli_opt(argc, argv, &i, "--k", &v)) {
            if (!lk_cli_long(cmd, "--k", v, 1, 100000, &k)) return LK_EXIT_USAGE;
        } else if (lk_cli_opt(argc, argv, &i, "--restrict", &v)) {
            if (!lk_cli_long(cmd, "--restrict", v, 0, 2147483647L, &limit)) return LK_EXIT_USAGE;
        } else {
            return lk_cli_usage_error(cmd, "unknown option '%s'", argv[i]);
        }
    }
    if (!path || !word || !*word) return lk_cli_usage_error(cmd, "--vectors and --word are required");
    lk_error err = {0};
    lk_vectors *vec = NULL;
    lk_embed_model *m = NULL;
    lk_status st = lk_embed_open_vectors(path, 0, &vec, &m, &err);
    if (st != LK_OK) return lk_cli_fail(cmd, st, &err);
    int32_t D = lk_vectors_dim(vec);
    float *q = malloc((size_t)D * sizeof *q);
    int32_t *ids = malloc((size_t)k * sizeof *ids);
    float *scores = malloc((size_t)k * sizeof *scores);
    int rc = LK_EXIT_OK;
    if (!q || !ids || !scores) {
        rc = lk_cli_fail(cmd, LK_ERR_NOMEM, NULL);
        goto done;
    }
    int32_t self = lk_vectors_find(vec, word, strlen(word));
    bool found = self != LK_ID_NONE;
    if (found) memcpy(q, lk_vectors_row(vec, self), (size_t)D * sizeof *q);
    else if (m) lk_embed_model_word_vector(m, word, strlen(word), q, &found);
    if (!found) {
        fprintf(stderr, "lexkit %s: '%s' is not in %s%s\n", cmd, word, path,
                m ? " and has no known character n-grams" : "");
        rc = LK_EXIT_FAIL;
        goto done;
    }
    int32_t n = 0;
    lk_vectors_nearest(vec, q, (int32_t)k, (int32_t)limit, &self, found && self >= 0 ? 1 : 0, ids,
                       scores, &n);
    for (int32_t i = 0; i < n; i++) printf("%s\t%.6f\n", lk_vectors_word(vec, ids[i]), scores[i]);
    if (fflush(stdout) != 0) rc = lk_cli_fail(cmd, LK_ERR_IO, NULL);
done:
    free(q);
    free(ids);
    free(scores);
    lk_vectors_free(vec);
    lk_embed_model_free(m);
    return rc;
}

const lk_command lk_cmd_def_neighbors = {"neighbors", lk_cmd_neighbors,
                                         "nearest words by cosine similarity"};
