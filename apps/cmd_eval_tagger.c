/* cmd_eval_tagger.c: `lexkit eval-tagger`: accuracy (word models) or segmentation and joint
   word+tag P/R/F1 (char models) on a gold CoNLL-U file. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "apps/cli.h"
#include "apps/cli_opts.h"
#include "apps/cli_zh.h"
#include "models/blas.h"
#include "models/tagger.h"
#include "models/zhseg.h"

#define CMD "eval-tagger"

static void help(void *u)
{
    (void)u;
    printf("usage: lexkit eval-tagger --model MODEL --test CONLLU [--input-format conllu|slash]\n"
           "                          [--user-dict FILE] [--script auto|simplified|traditional]\n"
           "                          [--no-pretok] [--granularity fine|coarse]\n"
           "                          [--output FILE] [--progress|--quiet]\n"
           "Prints tab-separated figures; the last line is accuracy<TAB>X (word models)\n"
           "or joint_f1<TAB>X (char models: segmentation from the raw sentence text, its\n"
           "'# text' comment, else the FORMs with a space after each without SpaceAfter=No\n"
           "when the file has SpaceAfter, else the FORMs joined; the raw_text line says which).\n"
           "Char models: --user-dict, --script, --no-pretok and --granularity set up the\n"
           "segmenter as in lexkit tag; with any of them a file without raw text is segmented\n"
           "by it too (its FORMs joined; else the model alone scores it). Word models refuse\n"
           "them.\n");
}

/* The raw_text line: where the sentences' raw text came from, e.g. "# text (500 of 500
   sentences)"; the segmenter line: what segmented it, with the Chinese options given, e.g.
   "as lexkit tag --granularity coarse (pre-tokenization on)". */
static void print_raw_sources(const lk_tagger_eval_result *r, size_t n_sents,
                              const lk_cli_zh_opts *zo)
{
    static const char *const names[LK_TAGGER_RAW_SOURCES] = {
        "# text", "FORMs with SpaceAfter", "FORMs joined without spaces"};
    const char *sep = "";
    printf("raw_text\t");
    for (int i = 0; i < LK_TAGGER_RAW_SOURCES; i++) {
        if (r->raw_sents[i] == 0) continue;
        printf("%s%s (%lld of %zu sentences)", sep, names[i], (long long)r->raw_sents[i], n_sents);
        sep = ", ";
    }
    if (!r->zhseg) {
        printf("\nsegmenter\tthe model alone (no raw text in the file)\n");
        return;
    }
    printf("\nsegmenter\tas lexkit tag");
    if (zo->user_dict) printf(" --user-dict %s", zo->user_dict);
    if (zo->script_given) printf(" --script %s", lk_cli_zh_scripts[zo->script]);
    if (zo->no_pretok) printf(" --no-pretok");
    if (zo->granularity_given) printf(" --granularity %s", lk_cli_zh_granularities[zo->granularity]);
    printf(" (pre-tokenization %s)\n", zo->no_pretok ? "off" : "on");
}

/* Word models: lk_tagger_evaluate; char models: lk_zhseg_evaluate with `lexkit tag`'s
   segmenter as the options zo set it up (given any, a file without raw text too). */
static lk_status evaluate(const lk_tagger *m, const lk_cli_zh_opts *zo,
                          const lk_tagged_corpus *gold, lk_tagger_eval_result *r, lk_error *err)
{
    if (lk_tagger_get_config(m)->unit == LK_TAGGER_WORD) return lk_tagger_evaluate(m, gold, r, err);
    lk_userdict *dict = NULL;
    lk_zhseg *zh = NULL;
    lk_tagger_ws *ws = NULL;
    lk_status st = lk_cli_zh_open(zo, m, &dict, &zh, err);
    if (st == LK_OK && (st = lk_tagger_ws_create(&ws)) != LK_OK)
        lk_error_set(err, st, "out of memory");
    if (st == LK_OK) st = lk_zhseg_evaluate(m, zh, ws, gold, lk_cli_zh_given(zo) != NULL, r, err);
    lk_tagger_ws_free(ws);
    lk_zhseg_free(zh);
    lk_userdict_free(dict);
    return st;
}

/* The gold file; CoNLL-U whose first token line is a line of text gets a hint. */
static lk_status load_gold(const char *path, bool slash, lk_tagged_corpus *gold, lk_error *err)
{
    lk_sentence_reader *r = NULL;
    bool more;
    lk_status st = lk_sentence_reader_open(path, slash ? LK_TAGGED_SLASH : LK_TAGGED_CONLLU, &r,
                                           err);
    if (st == LK_OK && !slash) {
        lk_sentence_reader_set_text_hint(r, "is it raw text? `lexkit tag` reads raw text, "
                                         "eval-tagger needs CoNLL-U with gold tags");
    }
    if (st == LK_OK) st = lk_tagged_corpus_read(r, SIZE_MAX, gold, &more, err);
    lk_sentence_reader_free(r);
    if (st == LK_OK && gold->n_tokens == 0)
        st = lk_error_set(err, LK_ERR_PARSE, "%s: no sentences (empty test set)", path);
    return st;
}

static int run(int argc, char **argv)
{
    static const char *const in_fmts[] = {"conllu", "slash", NULL};
    const char *model = NULL, *test = NULL;
    int in_fmt = 0;
    bool progress = false, quiet = false;
    lk_cli_zh_opts zo = {NULL, 0, false, 0, false, false};
    const lk_cli_option opts[] = {
        LKO_STR("--model", &model, "MODEL", "tagger model file, or zh / en: the shipped Chinese / "
                "English model (required)"),
        LKO_STR("--test", &test, "CONLLU", "gold CoNLL-U file (required)"),
        LKO_CHOICE("--input-format", &in_fmt, in_fmts, "--test file: CoNLL-U, or word/TAG lines "
                   "(one sentence per line)"),
        LKO_STDOUT("--output"),
        LKO_FLAG("--progress", &progress, "the summary line (tokens, time, rate) on stderr even "
                 "when it is not a terminal"),
        LKO_FLAG("--quiet", &quiet, "no summary line"),
        LK_CLI_ZH_OPTIONS(&zo),
    };
    int rc = lk_cli_parse(CMD, argc, argv, opts, LK_OPTS_N(opts), help, NULL);
    if (rc >= 0) return rc;
    if (!model || !test) return lk_cli_usage_error(CMD, "--model and --test are required");
    const lk_cli_output outs[] = {{"--output", lk_cli_stdout_path()}},
                        ins[] = {{"--model", model}, {"--test", test},
                                 {"--user-dict", zo.user_dict}};
    if ((rc = lk_cli_check_outputs(CMD, outs, 1, ins, LK_OPTS_N(ins))) >= 0) return rc;
    lk_blas_set_threads(1);
    lk_error err;
    lk_error_clear(&err);
    lk_tagger *m = NULL;
    lk_tagged_corpus gold;
    memset(&gold, 0, sizeof gold);
    lk_tagger_eval_result r;
    char model_buf[4096];
    if (!(model = lk_cli_model_arg(model, model_buf, sizeof model_buf, &err)))
        return lk_cli_fail(CMD, LK_ERR_IO, &err);
    lk_status st = lk_tagger_load(model, &m, &err);
    if (st == LK_OK && (rc = lk_cli_zh_check_model(CMD, &zo, m, model)) >= 0) {
        lk_tagger_free(m);
        return rc;
    }
    if (st == LK_OK) st = load_gold(test, in_fmt == 1, &gold, &err);
    lk_progress prog;
    lk_progress_init(&prog, "tokens", progress, quiet);
    if (st == LK_OK) st = evaluate(m, &zo, &gold, &r, &err);
    if (st == LK_OK) lk_progress_finish(&prog, (double)gold.n_tokens, NULL);
    if (st != LK_OK) {
        lk_tagged_corpus_free(&gold);
        lk_tagger_free(m);
        return lk_cli_fail(CMD, st, &err);
    }
    if (r.n_unknown_tags > 0)
        fprintf(stderr, "lexkit %s: warning: %lld gold tokens have tags the model does not know "
                "(counted as errors)\n", CMD, (long long)r.n_unknown_tags);
    if (r.text_mismatch > 0)
        fprintf(stderr, "lexkit %s: warning: %lld sentences have a '# text' with other characters "
                "than their FORMs (scored from the FORMs)\n", CMD, (long long)r.text_mismatch);
    double rate = r.seconds > 0 ? (double)gold.n_tokens / r.seconds : 0;
    if (lk_tagger_get_config(m)->unit == LK_TAGGER_WORD) {
        printf("sentences\t%zu\ntokens\t%lld\ncorrect\t%lld\nunknown_tags\t%lld\n"
               "tokens_per_s\t%.0f\naccuracy\t%.4f\n", gold.n_sents, (long long)r.tokens,
               (long long)r.correct, (long long)r.n_unknown_tags, rate, r.accuracy);
    } else {
        printf("sentences\t%zu\n", gold.n_sents);
        print_raw_sources(&r, gold.n_sents, &zo);
        printf("gold_words\t%lld\npred_words\t%lld\nunknown_tags\t%lld\n"
               "words_per_s\t%.0f\nseg_precision\t%.4f\nseg_recall\t%.4f\nseg_f1\t%.4f\n"
               "joint_precision\t%.4f\njoint_recall\t%.4f\njoint_f1\t%.4f\n",
               (long long)r.seg.gold, (long long)r.seg.pred,
               (long long)r.n_unknown_tags, rate, r.seg_prf.precision, r.seg_prf.recall,
               r.seg_prf.f1, r.joint_prf.precision, r.joint_prf.recall, r.joint_prf.f1);
    }
    lk_tagged_corpus_free(&gold);
    lk_tagger_free(m);
    return lk_cli_stdout_exit(CMD, LK_EXIT_OK);
}

const lk_command lk_cmd_def_eval_tagger = {"eval-tagger", run,
                                           "evaluate a tagger on a gold CoNLL-U file"};
