/* cmd_tokenize.c: `lexkit tokenize`: one input line -> one line of space-separated tokens. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/cli.h"
#include "apps/cli_opts.h"
#include "apps/cli_zh.h"
#include "models/tagger.h"
#include "text/fileio.h"
#include "text/tokenize.h"
#include "text/utf8.h"

#define CMD "tokenize"
#define DEFAULT_THREADS_MAX 4 /* --threads default: the cores, at most this many */

static void help(FILE *out)
{
    fprintf(out,
            "usage: lexkit tokenize [--input FILE] [--output FILE] [--lang auto|en|zh]\n"
            "                       [--lower|--no-lower]\n"
            "                       [--tokenizer lexkit|sklearn|space|ud-en] [--no-nfkc]\n"
            "                       [--model TAGGER] [--threads N] [--user-dict FILE]\n"
            "                       [--script auto|simplified|traditional] [--no-pretok]\n"
            "                       [--granularity fine|coarse] [--progress|--quiet]\n"
            "Tokenize each input line into one output line of space-separated tokens.\n");
}

#define ZH_MODEL "zh-gsd-char.lkt" /* the shipped Chinese model, for --lang zh */

typedef struct {
    const char *input, *output, *lang, *model;
    char model_buf[4096];     /* --lang zh: the path of the shipped Chinese model */
    int32_t threads;
    lk_tokenizer_config tok;
    lk_cli_zh_opts zh;
    bool progress, quiet;
} opts;

/* Where the tokens go, and the progress shown as input is read. */
typedef struct {
    FILE *fp;
    const char *name; /* the output, for messages */
    bool to_stdout;
    lk_progress *prog;
} sink;

static void help_stdout(void *user)
{
    (void)user;
    help(stdout);
}

/* Parse argv into o; returns -1 to go on, else an exit status. */
static int parse(int argc, char **argv, opts *o)
{
    static const char *const langs[] = {"auto", "en", "zh", NULL};
    static const char *const modes[] = {"lexkit", "sklearn", "space", "ud-en", NULL}; /* enum order */
    int lang = 0, mode = (int)o->tok.mode;
    bool no_nfkc = false, mode_given = false;
    const lk_cli_option table[] = {
        LKO_INPUT("--input", &o->input, "FILE", "text to read (default: standard input)"),
        LKO_STR("--output", &o->output, "FILE", "written atomically (default: standard output)"),
        LKO_CHOICE("--lang", &lang, langs, "zh: segment Chinese with the shipped Chinese model "
                   "(" ZH_MODEL ", found as Python's Tagger.load(\"zh\") finds it: "
                   "share/lexkit/models beside bin/, $LEXKIT_MODELS, the source tree) unless "
                   "--model is given; auto, en: Han characters are one token each without "
                   "--model"),
        {.name = "--tokenizer", .kind = LK_OPT_CHOICE, .dst = &mode, .choices = modes,
         .seen = &mode_given,
         .help = "without --model: lexkit rules, sklearn's (?u)\\b\\w\\w+\\b on lowercased "
                 "text, space (split on white space only) or ud-en (English as UD EWT tokenizes "
                 "it: do n't, it 's, can not; punctuation split)"},
        LKO_STR("--model", &o->model, "TAGGER", "segment Chinese with a `--unit char` tagger "
                "model, or zh: the shipped one (one word per token); a word model (en: the "
                "shipped English one) splits as --tokenizer ud-en, as `lexkit tag` reads raw "
                "text (default: none)"),
        LKO_FLAG("--lower", &o->tok.lower, "case-fold the tokens"),
        LKO_NOFLAG("--no-lower", &o->tok.lower, "keep the case"),
        LKO_FLAG("--no-nfkc", &no_nfkc, "don't NFKC-normalize (full-width forms stay)"),
        LKO_I32("--threads", &o->threads, 1, LK_TAGGER_MAX_THREADS, "segmentation threads with --model (default: the online cores, at most 4)"),
        LK_CLI_ZH_OPTIONS(&o->zh),
        LKO_FLAG("--progress", &o->progress, "progress on stderr even when it is not a terminal"),
        LKO_FLAG("--quiet", &o->quiet, "no progress"),
    };
    int rc = lk_cli_parse(CMD, argc, argv, table, LK_OPTS_N(table), help_stdout, NULL);
    o->lang = langs[lang];
    o->tok.mode = (lk_tok_mode)mode;
    if (no_nfkc) o->tok.nfkc = false;
    if (rc >= 0) return rc;
    bool lang_zh = strcmp(o->lang, "zh") == 0;
    const char *zh = lk_cli_zh_given(&o->zh);
    if (zh && !o->model && !lang_zh)
        return lk_cli_usage_error(CMD, "%s needs a character (Chinese) model (--model)", zh);
    if (mode_given && (o->model || lang_zh))
        return lk_cli_usage_error(CMD, "--tokenizer applies without --model only (with --model "
                                  "or --lang zh the model segments the text)");
    if (o->model) {
        lk_error e;
        lk_error_clear(&e);
        if (!(o->model = lk_cli_model_arg(o->model, o->model_buf, sizeof o->model_buf, &e)))
            return lk_cli_fail(CMD, LK_ERR_IO, &e);
    }
    const lk_cli_output outs[] = {{"--output", o->output}},
                        ins[] = {{"--input", o->input}, {"--model", o->model},
                                 {"--user-dict", o->zh.user_dict}};
    if ((rc = lk_cli_check_outputs(CMD, outs, 1, ins, LK_OPTS_N(ins))) >= 0) return rc;
    if (lang_zh && !o->model) {
        lk_error e;
        lk_error_clear(&e);
        o->model = lk_cli_find_model(ZH_MODEL, o->model_buf, sizeof o->model_buf, &e);
        if (!o->model)
            return lk_cli_usage_error(CMD, "--lang zh segments with the shipped Chinese model, "
                                      "which is not installed (%s): pass --model TAGGER", e.msg);
    }
    return -1;
}

/* After a chunk of output: a write error stops the run (standard output is flushed, so a
   reader on a pipe gets each chunk as it is done); progress in bytes read. */
static lk_status chunk_done(const sink *out, const lk_line_reader *r, lk_error *err)
{
    lk_status st = LK_OK;
    if (out->to_stdout) st = lk_cli_stdout_check(err);
    else if (ferror(out->fp)) st = lk_error_set(err, LK_ERR_IO, "%s: write error", out->name);
    lk_progress_update(out->prog, (double)lk_line_reader_offset(r),
                       (double)lk_line_reader_size(r), NULL);
    return st;
}

#define LINES_PER_CHECK 4096 /* lines between write checks and progress updates */

/* Tokenize every line of r into sk; each output line is assembled in *buf (one fwrite). */
static lk_status run_lines(lk_line_reader *r, lk_tokenizer *t, const sink *sk, char **buf,
                           size_t *cap, lk_error *err)
{
    const char *line;
    size_t len;
    bool got;
    lk_status st;
    while ((st = lk_line_reader_next(r, &line, &len, &got, err)) == LK_OK && got) {
        const lk_token *toks;
        size_t n, out = 0;
        st = lk_tokenize(t, line, len, &toks, &n, err);
        if (st != LK_OK) {
            lk_error_locate(err, lk_line_reader_path(r), lk_line_reader_lineno(r));
            return st;
        }
        for (size_t k = 0; k < n; k++) {
            if ((st = lk_grow((void **)buf, cap, out + toks[k].text_len + 2, 1)) != LK_OK)
                return lk_error_set(err, st, "out of memory");
            if (k) (*buf)[out++] = ' ';
            memcpy(*buf + out, toks[k].text, toks[k].text_len);
            out += toks[k].text_len;
        }
        if ((st = lk_grow((void **)buf, cap, out + 1, 1)) != LK_OK)
            return lk_error_set(err, st, "out of memory");
        (*buf)[out++] = '\n';
        if ((st = lk_fwrite_all(sk->fp, *buf, out, sk->name, err)) != LK_OK) return st;
        if (lk_line_reader_lineno(r) % LINES_PER_CHECK == 0 &&
            (st = chunk_done(sk, r, err)) != LK_OK)
            return st;
    }
    return st;
}

#define MODEL_CHUNK 1024 /* lines per segmentation call */

/* Segment lines[0..n) and write one line of space-separated words for each. */
static lk_status seg_chunk(lk_zhseg *zh, lk_tagger_ws *ws, char **lines, const size_t *lens,
                           size_t n, FILE *fp, lk_error *err)
{
    const lk_tagger_span *sp;
    const size_t *off;
    if (n == 0) return LK_OK;
    lk_status st = lk_zhseg_lines(zh, ws, (const char *const *)lines, lens, n, &sp, &off, err);
    for (size_t i = 0; i < n && st == LK_OK; i++) {
        for (size_t k = off[i]; k < off[i + 1]; k++)
            fprintf(fp, "%s%.*s", k > off[i] ? " " : "", (int)sp[k].len, lines[i] + sp[k].start);
        fputc('\n', fp);
    }
    return st;
}

/* Segment chunks of lines with a char tagger model; words joined by spaces. A bad line
   (invalid UTF-8) is reported after every line before it is written. */
static lk_status run_model(lk_line_reader *r, const opts *o, const lk_tagger *m, const sink *out,
                           lk_error *err)
{
    lk_tagger_ws *ws = NULL;
    lk_userdict *dict = NULL;
    lk_zhseg *zh = NULL;
    char *lines[MODEL_CHUNK];
    size_t lens[MODEL_CHUNK], n = 0;
    const char *line;
    size_t len;
    bool got = true;
    lk_status st = LK_OK;
    if (((st = lk_tagger_ws_create(&ws)) != LK_OK ||
                        (st = lk_tagger_ws_set_threads(ws, o->threads)) != LK_OK))
        lk_error_set(err, st, "out of memory");
    if (st == LK_OK) st = lk_cli_zh_open(&o->zh, m, &dict, &zh, err);
    while (st == LK_OK && got) {
        if ((st = lk_line_reader_next(r, &line, &len, &got, err)) != LK_OK) break;
        if (got && (st = lk_utf8_check_line(line, len, lk_line_reader_path(r),
                                            lk_line_reader_lineno(r), err)) != LK_OK) {
            lk_error ignored; /* write the lines before the bad one, then report it */
            lk_error_clear(&ignored);
            (void)seg_chunk(zh, ws, lines, lens, n, out->fp, &ignored);
            break;
        }
        if (got) {
            if ((lines[n] = malloc(len + 1)) == NULL) {
                st = lk_error_set(err, LK_ERR_NOMEM, "out of memory");
                break;
            }
            memcpy(lines[n], line, len + 1);
            lens[n++] = len;
        }
        if (n == MODEL_CHUNK || (!got && n > 0)) {
            st = seg_chunk(zh, ws, lines, lens, n, out->fp, err);
            while (n > 0) free(lines[--n]);
            if (st == LK_OK) st = chunk_done(out, r, err);
        }
    }
    while (n > 0) free(lines[--n]);
    lk_zhseg_free(zh);
    lk_userdict_free(dict);
    lk_tagger_ws_free(ws);
    return st;
}

/* --model: load it; a word model (the shipped en) splits the text as it reads it, with
   --tokenizer ud-en, as `lexkit tag` does raw text. Returns -1 to go on, else an exit status. */
static int load_model(opts *o, lk_tagger **m)
{
    lk_error err;
    lk_error_clear(&err);
    lk_status st = lk_tagger_load(o->model, m, &err);
    if (st != LK_OK) return lk_cli_fail(CMD, st, &err);
    if (lk_tagger_get_config(*m)->unit == LK_TAGGER_CHAR) return -1;
    lk_tagger_free(*m);
    *m = NULL;
    const char *zh = lk_cli_zh_given(&o->zh);
    if (zh)
        return lk_cli_usage_error(CMD, "%s needs a character (Chinese) model; %s is a word "
                                  "model, which splits text as --tokenizer ud-en", zh, o->model);
    o->tok.mode = LK_TOKMODE_UD_EN;
    return -1;
}

static int lk_cmd_tokenize(int argc, char **argv)
{
    opts o = {.lang = "auto", .threads = lk_cli_default_threads(DEFAULT_THREADS_MAX),
              .tok = lk_tokenizer_config_default()};
    int rc = parse(argc, argv, &o);
    if (rc >= 0) return rc;
    lk_tagger *m = NULL;
    if (o.model && (rc = load_model(&o, &m)) >= 0) return rc;
    lk_error err;
    lk_error_clear(&err);
    lk_tokenizer *t = NULL;
    lk_line_reader *r = NULL;
    lk_atomic_file *af = NULL;
    lk_status st = lk_tokenizer_create(&o.tok, &t);
    if (st == LK_OK) st = lk_cli_open_raw_text(o.input, &r, &err);
    bool to_stdout = !o.output || strcmp(o.output, "-") == 0;
    if (st == LK_OK && !to_stdout) st = lk_atomic_open(o.output, &af, &err);
    char *buf = NULL;
    size_t cap = 0;
    lk_progress prog;
    lk_progress_init(&prog, "bytes", o.progress, o.quiet);
    sink out = {af ? lk_atomic_fp(af) : stdout, to_stdout ? "standard output" : o.output,
                to_stdout, &prog};
    if (st == LK_OK && m) st = run_model(r, &o, m, &out, &err);
    else if (st == LK_OK) st = run_lines(r, t, &out, &buf, &cap, &err);
    free(buf);
    if (st == LK_OK && r && (o.progress || prog.last > 0)) /* not for a few quick lines */
        lk_progress_finish(&prog, (double)lk_line_reader_offset(r), NULL);
    if (st == LK_OK && af) {
        st = lk_atomic_commit(af, &err);
        af = NULL;
    }
    if (st == LK_OK && to_stdout) st = lk_cli_stdout_check(&err);
    lk_atomic_abort(af);
    lk_line_reader_free(r);
    lk_tokenizer_free(t);
    lk_tagger_free(m);
    return st == LK_OK ? LK_EXIT_OK : lk_cli_fail(CMD, st, &err);
}

const lk_command lk_cmd_def_tokenize = {"tokenize", lk_cmd_tokenize, "split text lines into tokens"};
