/* cmd_eval_ir.c: `lexkit eval-ir`: MAP, nDCG@10, P@10, R@100, MRR of a TREC run. */
#include <stdio.h>
#include <string.h>

#include "apps/cli.h"
#include "apps/cli_opts.h"
#include "features/search/ireval.h"

#define CMD "eval-ir"

static void help(void *u)
{
    (void)u;
    printf("usage: lexkit eval-ir --qrels QRELS --run RUN [--output FILE]\n"
           "Print MAP, nDCG@10, P@10, R@100 and MRR (trec_eval conventions: queries\n"
           "without relevant documents are skipped, queries missing from the run count\n"
           "as 0, ties in the run are ordered by docid descending) as name<TAB>value.\n");
}

static int lk_cmd_eval_ir(int argc, char **argv)
{
    const char *qrels = NULL, *run = NULL;
    const lk_cli_option opts[] = {
        LKO_STR("--qrels", &qrels, "QRELS", "relevance judgements, TREC qrels (required)"),
        LKO_STR("--run", &run, "RUN", "TREC run to evaluate (required)"),
        LKO_STDOUT("--output"),
    };
    int rc = lk_cli_parse(CMD, argc, argv, opts, LK_OPTS_N(opts), help, NULL);
    if (rc >= 0) return rc;
    if (!qrels || !run) return lk_cli_usage_error(CMD, "--qrels and --run are required");
    const lk_cli_output outs[] = {{"--output", lk_cli_stdout_path()}}, ins[] = {{"--qrels", qrels}, {"--run", run}};
    if ((rc = lk_cli_check_outputs(CMD, outs, 1, ins, LK_OPTS_N(ins))) >= 0) return rc;
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
    return lk_cli_stdout_exit(CMD, LK_EXIT_OK);
}

const lk_command lk_cmd_def_eval_ir = {"eval-ir", lk_cmd_eval_ir,
                                       "MAP/nDCG@10/P@10/R@100/MRR of a TREC run"};
