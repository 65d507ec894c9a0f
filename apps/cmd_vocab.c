/* cmd_vocab.c: `lexkit vocab`: count the tokens of a corpus into `token<TAB>count` lines,
   count descending, then token bytewise (text/vocab_count.h does the counting). */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>

#include "apps/cli.h"
#include "apps/cli_opts.h"
#include "text/vocab_count.h"

#define CMD "vocab"

typedef struct {
    const char *input, *output;
    lk_vocab_count_config count;
    long min_count, max_size;
    bool progress, quiet;
} vocab_opts;

static void help(void *user)
{
    (void)user;
    fputs("usage: lexkit vocab [--input FILE] [--input-format text|jsonl|conllu] [--output FILE]\n"
          "                    [options]\n"
          "Counts tokens (text: each line through the tokenizer; jsonl: title and text of each\n"
          "document; conllu: the FORM column) and writes `token<TAB>count` lines, count\n"
          "descending, then token bytewise.\n",
          stdout);
}

/* Parse the options into o: -1 to go on, else an exit status (after --help or an error). */
static int parse_opts(int argc, char **argv, vocab_opts *o)
{
    static const char *const formats[] = {"text", "jsonl", "conllu", NULL}; /* enum order */
    static const char *const modes[] = {"lexkit", "sklearn", "space", "ud-en", NULL}; /* enum order */
    int format = (int)o->count.format, mode = (int)o->count.tok.mode;
    const lk_cli_option opts[] = {
        LKO_INPUT("--input", &o->input, "FILE", "text to read (default: standard input)"),
        LKO_CHOICE("--input-format", &format, formats, "what --input holds"),
        LKO_STR("--output", &o->output, "FILE", "vocabulary TSV, written atomically (default: "
                "standard output)"),
        LKO_CHOICE("--tokenizer", &mode, modes, "how text and jsonl are split into tokens"),
        LKO_FLAG("--lower", &o->count.tok.lower, "case-fold the tokens"),
        LKO_NOFLAG("--no-lower", &o->count.tok.lower, "keep the case"),
        LKO_LONG("--min-count", &o->min_count, 0, LONG_MAX, "drop tokens seen fewer times"),
        LKO_LONG("--max-size", &o->max_size, 0, INT32_MAX, "keep the N most frequent (0 = all)"),
        LKO_FLAG("--progress", &o->progress, "progress on stderr even when it is not a terminal"),
        LKO_FLAG("--quiet", &o->quiet, "no progress"),
        LKO_ALIAS("--format", "--input-format"),
    };
    int rc = lk_cli_parse(CMD, argc, argv, opts, LK_OPTS_N(opts), help, NULL);
    o->count.format = (lk_count_format)format;
    o->count.tok.mode = (lk_tok_mode)mode;
    if (rc >= 0) return rc;
    const lk_cli_output outs[] = {{"--output", o->output}}, ins[] = {{"--input", o->input}};
    return lk_cli_check_outputs(CMD, outs, 1, ins, 1);
}

static void on_progress(void *user, double done, double total)
{
    lk_progress_update(user, done, total, NULL);
}

static int run_vocab(int argc, char **argv)
{
    vocab_opts o = {"-", "-", lk_vocab_count_config_default(), 1, 0, false, false};
    int rc = parse_opts(argc, argv, &o);
    if (rc >= 0) return rc;
    lk_error err;
    lk_error_clear(&err);
    lk_progress prog;
    lk_progress_init(&prog, o.count.format == LK_COUNT_CONLLU ? "sentences" : "MB", o.progress,
                     o.quiet);
    o.count.progress = on_progress;
    o.count.user = &prog;
    lk_vocab *v = NULL;
    double done = 0;
    lk_status st = lk_vocab_create(&v);
    if (st == LK_OK) st = lk_vocab_count_file(v, o.input, &o.count, &done, &err);
    if (st == LK_OK && lk_vocab_size(v) == 0)
        st = lk_error_set(&err, LK_ERR_PARSE, "%s: empty input (no tokens)", o.input);
    if (st == LK_OK) st = lk_vocab_prune(v, o.min_count, (int32_t)o.max_size);
    if (st == LK_OK) st = lk_vocab_save_tsv(v, o.output, &err);
    if (st == LK_OK) {
        char extra[96];
        snprintf(extra, sizeof extra, "%" PRId32 " words written", lk_vocab_size(v));
        lk_progress_finish(&prog, done, extra);
    }
    lk_vocab_free(v);
    return st == LK_OK ? LK_EXIT_OK : lk_cli_fail(CMD, st, &err);
}

const lk_command lk_cmd_def_vocab = {"vocab", run_vocab, "count tokens into a vocabulary TSV"};
