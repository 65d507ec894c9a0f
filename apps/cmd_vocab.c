/* cmd_vocab.c: `lexkit vocab`: count the tokens of a corpus into `token<TAB>count` lines,
   count descending, then token bytewise. */
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "apps/cli.h"
#include "apps/cli_opts.h"
#include "text/corpus.h"
#include "text/fileio.h"
#include "text/tokenize.h"
#include "text/utf8.h"
#include "text/vocab.h"

#define CMD "vocab"
#define PROGRESS_EVERY 1024 /* records between progress updates */

typedef enum { FMT_TEXT, FMT_JSONL, FMT_CONLLU } input_format;

typedef struct {
    const char *input, *output;
    input_format format;
    lk_tokenizer_config tok;
    long min_count, max_size;
    bool progress, quiet;
} vocab_opts;

typedef struct {
    lk_vocab *vocab;
    lk_tokenizer *tok;
    bool lower;
    lk_progress prog;
    double done; /* progress units: MB read, or sentences for CoNLL-U */
    const char **words; /* the tokens of one text, for lk_vocab_add_batch */
    size_t *lens, cap_words, cap_lens;
    lk_error err;
} vocab_run;

static const char USAGE[] =
    "usage: lexkit vocab [--input FILE] [--format text|jsonl|conllu] [--lower]\n"
    "                    [--min-count N] [--max-size N] [--tokenizer lexkit|sklearn|space]\n"
    "                    [--output vocab.tsv] [--progress|--quiet]\n"
    "Counts tokens (text: each line through the tokenizer; jsonl: title and text of each\n"
    "document; conllu: the FORM column) and writes `token<TAB>count` lines, count\n"
    "descending, then token bytewise. Input/output default to stdin/stdout.\n";

/* Progress after record number n (done/total in the progress unit). */
static void tick(vocab_run *r, int64_t n, double done, double total)
{
    r->done = done;
    if (n % PROGRESS_EVERY == 0) lk_progress_update(&r->prog, done, total, NULL);
}

/* Tokenize text[0..len) and count its tokens; path:line position tokenizer errors. */
static lk_status add_text(vocab_run *r, const char *text, size_t len, const char *path,
                          int64_t line)
{
    const lk_token *toks;
    size_t n;
    lk_status st = lk_tokenize(r->tok, text, len, &toks, &n, &r->err);
    if (st == LK_ERR_PARSE) lk_error_prefix(&r->err, "%s:%" PRId64 ":", path, line);
    if (st == LK_OK) st = lk_grow((void **)&r->words, &r->cap_words, n, sizeof *r->words);
    if (st == LK_OK) st = lk_grow((void **)&r->lens, &r->cap_lens, n, sizeof *r->lens);
    for (size_t i = 0; st == LK_OK && i < n; i++) {
        r->words[i] = toks[i].text;
        r->lens[i] = toks[i].text_len;
    }
    return st == LK_OK ? lk_vocab_add_batch(r->vocab, r->words, r->lens, n, NULL, NULL) : st;
}

static lk_status count_text(vocab_run *r, const char *path)
{
    lk_line_reader *lr = NULL;
    lk_status st = lk_line_reader_open(path, &lr, &r->err);
    const char *line;
    size_t len;
    bool got = true;
    while (st == LK_OK && (st = lk_line_reader_next(lr, &line, &len, &got, &r->err)) == LK_OK &&
           got) {
        int64_t lineno = lk_line_reader_lineno(lr);
        st = add_text(r, line, len, lk_line_reader_path(lr), lineno);
        tick(r, lineno, lk_line_reader_offset(lr) / 1e6, lk_line_reader_size(lr) / 1e6);
    }
    lk_line_reader_free(lr);
    return st;
}

static lk_status count_jsonl(vocab_run *r, const char *path)
{
    lk_docs_reader *dr = NULL;
    lk_status st = lk_docs_open(path, LK_DOCS_JSONL, &dr, &r->err);
    lk_doc doc;
    bool got = true;
    for (int64_t n = 1; st == LK_OK && (st = lk_docs_next(dr, &doc, &got, &r->err)) == LK_OK &&
                        got; n++) {
        st = add_text(r, doc.title, doc.title_len, path, doc.line);
        if (st == LK_OK) st = add_text(r, doc.text, doc.text_len, path, doc.line);
        tick(r, n, lk_docs_offset(dr) / 1e6, lk_docs_size(dr) / 1e6);
    }
    lk_docs_free(dr);
    return st;
}

static lk_status count_conllu(vocab_run *r, const char *path)
{
    lk_sentence_reader *sr = NULL;
    lk_status st = lk_sentence_reader_open(path, LK_TAGGED_CONLLU, &sr, &r->err);
    lk_sentence s;
    bool got = true;
    while (st == LK_OK && (st = lk_sentence_next(sr, &s, &got, &r->err)) == LK_OK && got) {
        for (size_t i = 0; st == LK_OK && i < s.n; i++) {
            char *low = NULL;
            size_t len = s.tokens[i].form_len;
            if (r->lower)
                st = lk_normalize(s.tokens[i].form, len, LK_NORM_CASEFOLD, &low, &len, &r->err);
            if (st == LK_OK) st = lk_vocab_add(r->vocab, low ? low : s.tokens[i].form, len, NULL);
            free(low);
        }
        tick(r, (int64_t)r->done + 1, r->done + 1, 0);
    }
    lk_sentence_reader_free(sr);
    return st;
}

static void help(void *user)
{
    (void)user;
    fputs(USAGE, stdout);
}

/* Parse the options into o: -1 to go on, else an exit status (after --help or an error). */
static int parse_opts(int argc, char **argv, vocab_opts *o)
{
    static const char *const formats[] = {"text", "jsonl", "conllu", NULL};
    static const char *const modes[] = {"lexkit", "sklearn", "space", NULL};
    int format = (int)o->format, mode = (int)o->tok.mode;
    const lk_cli_option opts[] = {
        LKO_STR("--input", &o->input),
        LKO_STR("--output", &o->output),
        LKO_CHOICE("--format", &format, formats),
        LKO_CHOICE("--tokenizer", &mode, modes),
        LKO_FLAG("--lower", &o->tok.lower),
        LKO_LONG("--min-count", &o->min_count, 0, LONG_MAX),
        LKO_LONG("--max-size", &o->max_size, 0, INT32_MAX),
        LKO_FLAG("--progress", &o->progress),
        LKO_FLAG("--quiet", &o->quiet),
    };
    int rc = lk_cli_parse(CMD, argc, argv, opts, LK_OPTS_N(opts), help, NULL);
    o->format = (input_format)format;
    o->tok.mode = (lk_tok_mode)mode; /* choices in enum order */
    return rc;
}

static int run_vocab(int argc, char **argv)
{
    vocab_opts o = {"-", "-", FMT_TEXT, lk_tokenizer_config_default(), 1, 0, false, false};
    int rc = parse_opts(argc, argv, &o);
    if (rc >= 0) return rc;
    vocab_run r = {.lower = o.tok.lower};
    lk_error_clear(&r.err);
    lk_progress_init(&r.prog, o.format == FMT_CONLLU ? "sentences" : "MB", o.progress, o.quiet);
    lk_status st = lk_vocab_create(&r.vocab);
    if (st == LK_OK && o.format != FMT_CONLLU) st = lk_tokenizer_create(&o.tok, &r.tok);
    if (st == LK_OK) {
        if (o.format == FMT_TEXT) st = count_text(&r, o.input);
        else if (o.format == FMT_JSONL) st = count_jsonl(&r, o.input);
        else st = count_conllu(&r, o.input);
    }
    if (st == LK_OK && lk_vocab_size(r.vocab) == 0)
        st = lk_error_set(&r.err, LK_ERR_PARSE, "%s: empty input (no tokens)", o.input);
    if (st == LK_OK) st = lk_vocab_prune(r.vocab, o.min_count, (int32_t)o.max_size);
    if (st == LK_OK) st = lk_vocab_save_tsv(r.vocab, o.output, &r.err);
    if (st == LK_OK) {
        char extra[96];
        snprintf(extra, sizeof extra, "%" PRId32 " words written", lk_vocab_size(r.vocab));
        lk_progress_finish(&r.prog, r.done, extra);
    }
    lk_tokenizer_free(r.tok);
    lk_vocab_free(r.vocab);
    free(r.words);
    free(r.lens);
    return st == LK_OK ? LK_EXIT_OK : lk_cli_fail(CMD, st, &r.err);
}

const lk_command lk_cmd_def_vocab = {"vocab", run_vocab, "count tokens into a vocabulary TSV"};
