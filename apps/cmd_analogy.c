/* cmd_analogy.c: `lexkit analogy`: 3CosAdd analogy accuracy (compute-accuracy style). */
#include <stdio.h>
#include <string.h>

#include "apps/cli.h"
#include "apps/cli_opts.h"
#include "models/embed.h"

#define CMD "analogy"

static void help(void *u)
{
    (void)u;
    fputs("usage: lexkit analogy --vectors FILE --questions FILE [options]\n"
          "Questions 'a b c d' under ': section' lines; d is predicted as the nearest word to\n"
          "b - a + c among the first N words (0 = all), excluding a, b, c. Questions with a word\n"
          "outside those N are skipped. Prints section<TAB>accuracy<TAB>seen/all; the last line\n"
          "is the total.\n",
          stdout);
}

static int lk_cmd_analogy(int argc, char **argv)
{
    const char *path = NULL, *questions = NULL;
    long limit = 30000;
    bool lower = true;
    const lk_cli_option opts[] = {
        LKO_STR("--vectors", &path, "FILE", "word2vec text/binary, LKEM or fastText .bin (required)"),
        LKO_STR("--questions", &questions, "FILE", "analogy questions (required)"),
        LKO_LONG("--restrict", &limit, 0, 2147483647L, "only the N most frequent words (0 = all)"),
        LKO_FLAG("--lower", &lower, "lowercase the questions (ASCII), as word2vec's compute-accuracy"),
        LKO_NOFLAG("--no-lower", &lower, "use the questions as written"),
        LKO_STDOUT("--output"),
    };
    int rc = lk_cli_parse(CMD, argc, argv, opts, LK_OPTS_N(opts), help, NULL);
    if (rc >= 0) return rc;
    if (!path || !questions) return lk_cli_usage_error(CMD, "--vectors and --questions are required");
    const lk_cli_output outs[] = {{"--output", lk_cli_stdout_path()}}, ins[] = {{"--vectors", path}, {"--questions", questions}};
    if ((rc = lk_cli_check_outputs(CMD, outs, 1, ins, LK_OPTS_N(ins))) >= 0) return rc;
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
    if (st != LK_OK) return lk_cli_fail(CMD, st, &err);
    for (size_t i = 0; i < r.n_sections; i++) {
        const lk_analogy_section *s = &r.sections[i];
        printf("%s\t%.4f\t%lld/%lld\n", s->name[0] ? s->name : "-",
               s->seen ? (double)s->correct / (double)s->seen : 0.0, (long long)s->seen,
               (long long)s->total);
    }
    printf("total\t%.4f\t%lld/%lld\n", r.seen ? (double)r.correct / (double)r.seen : 0.0,
           (long long)r.seen, (long long)r.total);
    lk_analogy_result_free(&r);
    return lk_cli_stdout_exit(CMD, LK_EXIT_OK);
}

const lk_command lk_cmd_def_analogy = {"analogy", lk_cmd_analogy,
                                       "analogy accuracy of word vectors (3CosAdd)"};
