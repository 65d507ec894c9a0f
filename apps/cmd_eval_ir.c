/* cmd_eval_ir.c: `lexkit eval-ir`: MAP, nDCG@10, P@10, R@100, MRR of a TREC run. */
#include <stdio.h>
#include <string.h>

#include "apps/cli.h"
#include "features/ireval.h"

#define CMD "eval-ir"

static void help(FILE *out)
{
    fprintf(out, "usage: lexkit eval-ir --qrels QRELS --run RUN\n"
                 "Print MAP, nDCG@10, P@10, R@100 and MRR (trec_eval conventions: queries\n"
                 "without relevant documents are skipped, queries missing from the run count\n"
                 "as 0, ties in the run are ordered by docid descending) as name<TAB>value.\n");
}

static int lk_cmd_eval_ir(int argc, char **argv)
{
    const char *qrels = NULL, *run = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            help(stdout);
            return LK_EXIT_OK;
        }
        const char *val = NULL;
        if (lk_cli_opt(argc, argv, &i, "--qrels", &val)) qrels = val;
        else if (lk_cli_opt(argc, argv, &i, "--run", &val)) run = val;
        else return lk_cli_usage_error(CMD, "unknown option '%s'", a);
        if (!val) return lk_cli_usage_error(CMD, "%s needs a value", a);
    }
    if (!qrels || !run) return lk_cli_usage_error(CMD, "--qrels and --run are required");
    lk_ireval_result r;
    lk_error err;
    lk_error_clear(&err);
    lk_status st = lk_ireval_files(qrels, run, &r, &err);
    if (st == LK_OK && r.n_queries == 0)
        st = lk_error_set(&err, LK_ERR_PARSE, "%s: no query has a relevant document (empty "
                          "qrels?); nothing to evaluate", qrels);
    if (st != LK_OK) return lk_cli_fail(CMD, st, &err);
    printf("MAP\t%.4f\nnDCG@10\t%.4f\nP@10\t%.4f\nR@100\t%.4f\nMRR\t%.4f\nqueries\t%zu\n", r.map,
           r.ndcg10, r.p10, r.r100, r.mrr, r.n_queries);
    if (fflush(stdout) != 0) return lk_cli_fail(CMD, LK_ERR_IO, NULL);
    return LK_EXIT_OK;
}

const lk_command lk_cmd_def_eval_ir = {"eval-ir", lk_cmd_eval_ir,
                                       "MAP/nDCG@10/P@10/R@100/MRR of a TREC run"};
