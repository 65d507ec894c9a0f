/* cmd_analogy.c: `lexkit analogy`: 3CosAdd analogy accuracy (compute-accuracy style). */
#include <stdio.h>
#include <string.h>

#include "apps/cli.h"
#include "models/embed.h"

static const char *USAGE =
    "usage: lexkit analogy --vectors FILE --questions FILE [--restrict 30000] [--no-lower]\n"
    "Questions 'a b c d' under ': section' lines; d is predicted as the nearest word to\n"
    "b - a + c among the first N words (0 = all), excluding a, b, c. Questions with a word\n"
    "outside those N are skipped. Words are lowercased (ASCII) unless --no-lower.\n"
    "Prints section<TAB>accuracy<TAB>seen/all; the last line is the total.\n";

int lk_cmd_analogy(int argc, char **argv);
int lk_cmd_analogy(int argc, char **argv)
{
    const char *cmd = "analogy", *path = NULL, *questions = NULL, *v;
    long limit = 30000;
    bool lower = true;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(USAGE, stdout);
            return LK_EXIT_OK;
        }
        if (!strcmp(argv[i], "--no-lower")) lower = false;
        else if (lk_cli_opt(argc, argv, &i, "--vectors", &v)) path = v;
        else if (lk_cli_opt(argc, argv, &i, "--questions", &v)) questions = v;
        else if (lk_cli_opt(argc, argv, &i, "--restrict", &v)) {
            if (!lk_cli_long(cmd, "--restrict", v, 0, 2147483647L, &limit)) return LK_EXIT_USAGE;
        } else {
            return lk_cli_usage_error(cmd, "unknown option '%s'", argv[i]);
        }
    }
    if (!path || !questions)
        return lk_cli_usage_error(cmd, "--vectors and --questions are required");
    lk_error err = {0};
    lk_vectors *vec = NULL;
    lk_embed_model *m = NULL;
    lk_analogy_result r;
    lk_status st = lk_embed_open_vectors(path, (int32_t)limit, &vec, &m, &err);
    if (st == LK_OK) st = lk_vectors_analogy(vec, questions, (int32_t)limit, lower, &r, &err);
    lk_vectors_free(vec);
    lk_embed_model_free(m);
    if (st == LK_OK && r.total == 0) {
        lk_analogy_result_free(&r);
        st = lk_error_set(&err, LK_ERR_PARSE, "%s: no questions (empty file)", questions);
    }
    if (st != LK_OK) return lk_cli_fail(cmd, st, &err);
    for (size_t i = 0; i < r.n_sections; i++) {
        const lk_analogy_section *s = &r.sections[i];
        printf("%s\t%.4f\t%lld/%lld\n", s->name[0] ? s->name : "-",
               s->seen ? (double)s->correct / (double)s->seen : 0.0, (long long)s->seen,
               (long long)s->total);
    }
    printf("total\t%.4f\t%lld/%lld\n", r.seen ? (double)r.correct / (double)r.seen : 0.0,
           (long long)r.seen, (long long)r.total);
    lk_analogy_result_free(&r);
    return fflush(stdout) == 0 ? LK_EXIT_OK : lk_cli_fail(cmd, LK_ERR_IO, NULL);
}

const lk_command lk_cmd_def_analogy = {"analogy", lk_cmd_analogy,
                                       "analogy accuracy of word vectors (3CosAdd)"};
