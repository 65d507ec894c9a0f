/* cmd_tag.c: `lexkit tag`: tag tokenized sentences, raw English text (UD English
   tokenizer) or CoNLL-U (every other column kept) with word models, or segment and tag raw
   Chinese text (char models); output as CoNLL-U or word/TAG lines. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/cli.h"
#include "apps/cli_opts.h"
#include "apps/cli_zh.h"
#include "apps/tag_io.h"
#include "models/blas.h"
#include "models/tagger.h"
#include "text/fileio.h"
#include "text/utf8.h"

#define CMD "tag"
#define LINES_PER_CHUNK 1024
#define SENTS_PER_CHUNK 1024
#define DEFAULT_THREADS_MAX 4 /* --threads default: the cores, at most this many */

typedef struct {
    const lk_tagger *m;
    lk_tagger_ws *ws;
    lk_zhseg *zh;
    bool conllu_out;
    lk_tag_io_opts *io;
    size_t n_written; /* raw text to CoNLL-U: sentences written (the last # sent_id) */
} tag_ctx;

static void print_word(const tag_ctx *t, size_t i, const char *w, size_t len, int32_t tag)
{
    lk_tag_print_word(stdout, t->m, t->conllu_out, i, w, len, tag);
}

/* Raw lines (char models): segment and tag in chunks of lines. */
static lk_status tag_chunk(tag_ctx *t, char **lines, size_t *lens, size_t n, lk_error *err)
{
    const lk_tagger_span *sp;
    const size_t *off;
    lk_status st = lk_zhseg_lines(t->zh, t->ws, (const char *const *)lines, lens, n, &sp, &off,
                                  err);
    for (size_t i = 0; i < n && st == LK_OK; i++) {
        if (t->conllu_out) {
            lk_tag_print_conllu_raw(stdout, t->m, &t->n_written, lines[i], sp + off[i],
                                    off[i + 1] - off[i]);
            continue;
        }
        for (size_t k = off[i]; k < off[i + 1]; k++)
            print_word(t, k - off[i], lines[i] + sp[k].start, sp[k].len, sp[k].tag);
        printf("\n");
    }
    return st;
}

static lk_status tag_raw(tag_ctx *t, const char *input, lk_error *err)
{
    lk_line_reader *r = NULL;
    char *lines[LINES_PER_CHUNK];
    size_t lens[LINES_PER_CHUNK], n = 0;
    lk_status st = lk_cli_open_raw_text(input, &r, err);
    const char *line;
    size_t len;
    bool got = true;
    lk_conllu_sniff sniff = {0};
    while (st == LK_OK && got) {
        st = lk_line_reader_next(r, &line, &len, &got, err);
        if (st == LK_OK && got && lk_conllu_sniff_line(&sniff, line, len)) {
            st = lk_conllu_as_text_error(lk_line_reader_path(r), lk_line_reader_lineno(r),
                                         "a character model reads raw text, one sentence per "
                                         "line (its sentences: grep '^# text = ' FILE | cut -c10-)",
                                         err);
            break;
        }
        if (st == LK_OK && got &&
            (st = lk_utf8_check_line(line, len, lk_line_reader_path(r),
                                     lk_line_reader_lineno(r), err)) != LK_OK && n > 0) {
            lk_error ignored; /* print the lines before the bad one, then report it */
            lk_error_clear(&ignored);
            (void)tag_chunk(t, lines, lens, n, &ignored);
        }
        if (st == LK_OK && got) {
            if ((lines[n] = malloc(len + 1)) == NULL) {
                st = lk_error_set(err, LK_ERR_NOMEM, "out of memory");
                break;
            }
            memcpy(lines[n], line, len + 1);
            lens[n++] = len;
        }
        if (st == LK_OK && n > 0 && (n == LINES_PER_CHUNK || !got)) {
            st = tag_chunk(t, lines, lens, n, err);
            /* a reader on a pipe gets each chunk as it is done; a write error stops the run */
            if (st == LK_OK) st = lk_cli_stdout_check(err);
            while (n > 0) free(lines[--n]);
            t->io->done = (double)lk_line_reader_offset(r);
            lk_progress_update(t->io->progress, t->io->done, (double)lk_line_reader_size(r),
                               NULL);
        }
    }
    while (n > 0) free(lines[--n]);
    lk_line_reader_free(r);
    return st;
}

/* Does a token look like running text read as tokens ("raining," "it?"): a letter followed
   by final punctuation? */
static bool looks_untokenized(const lk_tagged_corpus *c)
{
    for (size_t s = 0; s < c->n_sents; s++)
        for (size_t i = 0; i < c->sents[s].n; i++) {
            const char *w = c->sents[s].tokens[i].form;
            size_t n = c->sents[s].tokens[i].form_len;
            if (n >= 2 && strchr(",?!;:", w[n - 1]) &&
                ((w[n - 2] | 0x20) >= 'a' && (w[n - 2] | 0x20) <= 'z'))
                return true;
        }
    return false;
}

/* Tokenized sentences (word models), read, tagged and printed SENTS_PER_CHUNK at a time, so
   output starts at once and memory does not grow with the input; a bad sentence later in
   the input is reported after the ones before it are printed. hint: the tokens format is
   the default, not asked for: note on stderr when the input looks like running text. */
static lk_status tag_tokens(const tag_ctx *t, const char *input, lk_tagged_format fmt,
                            bool hint, lk_error *err)
{
    lk_sentence_reader *r = NULL;
    lk_tagged_corpus c = {0};
    int32_t *tags = NULL;
    size_t tags_cap = 0, words = 0;
    lk_status st = lk_sentence_reader_open(input, fmt, &r, err);
    bool more = st == LK_OK;
    while (more && st == LK_OK) {
        lk_status read_st = lk_tagged_corpus_read(r, SENTS_PER_CHUNK, &c, &more, err);
        if (hint && looks_untokenized(&c)) {
            fprintf(stderr, "lexkit %s: note: the input is read as space-separated words (the "
                    "default for word models), so 'word,' is one word; give --input-format "
                    "raw for running text\n", CMD);
            hint = false;
        }
        lk_error tag_err; /* a read error is the one to report; tag what came before it */
        lk_error_clear(&tag_err);
        lk_error *e = read_st == LK_OK ? err : &tag_err;
        if (lk_grow((void **)&tags, &tags_cap, c.n_tokens + 1, sizeof *tags) != LK_OK)
            st = lk_error_set(e, LK_ERR_NOMEM, "out of memory");
        else
            st = lk_tag_sentences_cut(t->m, t->ws, c.sents, c.n_sents, tags, e);
        for (size_t s = 0, k = 0; s < c.n_sents && st == LK_OK; s++) {
            for (size_t i = 0; i < c.sents[s].n; i++, k++)
                print_word(t, i, c.sents[s].tokens[i].form, c.sents[s].tokens[i].form_len,
                           tags[k]);
            printf("\n");
        }
        /* a reader on a pipe gets each chunk as it is done; a write error stops the run */
        if (st == LK_OK && read_st == LK_OK) st = lk_cli_stdout_check(err);
        else (void)lk_cli_stdout_check(&tag_err);
        words += c.n_tokens;
        lk_tagged_corpus_free(&c);
        if (read_st != LK_OK) st = read_st;
        const lk_line_reader *lr = lk_sentence_reader_lines(r);
        t->io->done = (double)lk_line_reader_offset(lr);
        char extra[64];
        snprintf(extra, sizeof extra, "%zu words", words);
        lk_progress_update(t->io->progress, t->io->done, (double)lk_line_reader_size(lr), extra);
    }
    free(tags);
    lk_sentence_reader_free(r);
    return st;
}

#define MODEL_NAME "en-ewt.lkt"

/* No --model: the shipped English model (lk_cli_find_model). NULL, with the places looked
   in named in err, when it is nowhere. */
static const char *default_model(char *buf, size_t cap, lk_error *err)
{
    const char *found = lk_cli_find_model(MODEL_NAME, buf, cap, err);
    if (!found) lk_error_prefix(err, "no --model given and no English model found: ");
    return found;
}

static void help(void *u)
{
    (void)u;
    printf("usage: lexkit tag [--model MODEL] [--input FILE]\n"
           "                  [--input-format conllu|tokens|raw|slash]\n"
           "                  [--output-format conllu|slash] [--output FILE] [--threads N]\n"
           "                  [--user-dict FILE] [--script auto|simplified|traditional]\n"
           "                  [--no-pretok] [--granularity fine|coarse] [--progress|--quiet]\n"
           "Word models read tokens (default), raw English text (split as UD English EWT\n"
           "does: do n't, it 's) or conllu (copied, with only the tag column replaced);\n"
           "char models read raw text. Running text read as tokens by default gets a note\n"
           "on stderr (--input-format raw splits it). Without --model: the shipped English\n"
           "model (share/lexkit/models/en-ewt.lkt beside bin/, else $LEXKIT_MODELS, else\n"
           "the source tree's corpora/models/), reading raw text unless --input-format is\n"
           "given; --model en is the same. --model zh: the shipped Chinese model.\n");
}

static int run(int argc, char **argv)
{
    static const char *const ins[] = {"conllu", "tokens", "raw", "slash", NULL},
                              *const outs[] = {"conllu", "slash", NULL};
    const char *model = NULL, *input = "-", *in_fmt = NULL;
    int in = -1, out = -1; /* -1: not given */
    int32_t threads = lk_cli_default_threads(DEFAULT_THREADS_MAX);
    lk_cli_zh_opts zo = {NULL, 0, false, 0, false, false};
    bool progress = false, quiet = false;
    const lk_cli_option opts[] = {
        LKO_STR("--model", &model, "MODEL", "tagger model file, or zh / en: the shipped Chinese / "
                "English model (default: en, reading raw text unless --input-format is given)"),
        LKO_INPUT("--input", &input, "FILE", "sentences to tag (default: standard input)"),
        LKO_CHOICE("--input-format", &in, ins, "conllu, tokens (one sentence per line, words "
                   "separated by spaces), raw text, one sentence per line (word models: "
                   "tokenized as UD English EWT), or slash: word/TAG lines, retagged (default: "
                   "tokens for word models, raw for char models)"),
        LKO_CHOICE("--output-format", &out, outs, "CoNLL-U or word/TAG lines (default: conllu "
                   "for conllu input, else slash); conllu input to conllu output keeps every "
                   "line and column but the tag"),
        LKO_STDOUT("--output"),
        LKO_I32("--threads", &threads, 1, LK_TAGGER_MAX_THREADS, "tagging threads (default: the online cores, at most 4; output does not depend on it)"),
        LKO_FLAG("--progress", &progress, "progress on stderr even when it is not a terminal"),
        LKO_FLAG("--quiet", &quiet, "no progress"),
        LK_CLI_ZH_OPTIONS(&zo),
    };
    int rc = lk_cli_parse(CMD, argc, argv, opts, LK_OPTS_N(opts), help, NULL);
    if (rc >= 0) return rc;
    const lk_cli_output outputs[] = {{"--output", lk_cli_stdout_path()}},
                        inputs[] = {{"--input", input}, {"--model", model},
                                    {"--user-dict", zo.user_dict}};
    if ((rc = lk_cli_check_outputs(CMD, outputs, 1, inputs, LK_OPTS_N(inputs))) >= 0) return rc;
    lk_error err;
    lk_error_clear(&err);
    if (in >= 0) in_fmt = ins[in];
    char model_buf[4096];
    if (!model) {
        if (!(model = default_model(model_buf, sizeof model_buf, &err)))
            return lk_cli_fail(CMD, LK_ERR_IO, &err);
        if (!in_fmt) in_fmt = "raw";
    } else {
        const char *given = model;
        if (!(model = lk_cli_model_arg(model, model_buf, sizeof model_buf, &err)))
            return lk_cli_fail(CMD, LK_ERR_IO, &err);
        if (model != given && !in_fmt) in_fmt = "raw"; /* --model en: as without --model */
    }
    lk_blas_set_threads(1);
    lk_tagger *m = NULL;
    lk_tagger_ws *ws = NULL;
    lk_userdict *dict = NULL;
    lk_zhseg *zh = NULL;
    lk_status st = lk_tagger_load(model, &m, &err);
    if (st != LK_OK) return lk_cli_fail(CMD, st, &err);
    bool is_char = lk_tagger_get_config(m)->unit == LK_TAGGER_CHAR;
    if ((rc = lk_cli_zh_check_model(CMD, &zo, m, model)) >= 0) {
        lk_tagger_free(m);
        return rc;
    }
    if (!in_fmt) in_fmt = is_char ? "raw" : "tokens";
    if (is_char && strcmp(in_fmt, "raw")) { /* an option conflict, as --user-dict with a word model */
        lk_tagger_free(m);
        return lk_cli_usage_error(CMD, "--input-format %s needs a word model; %s is a character "
                                  "model, which reads raw text (--input-format raw, the default)",
                                  in_fmt, model);
    }
    lk_progress prog;
    lk_progress_init(&prog, "bytes", progress, quiet);
    lk_tag_io_opts io = {&prog, 0};
    tag_ctx t = {m, NULL, NULL, out >= 0 ? out == 0 : !strcmp(in_fmt, "conllu"), &io, 0};
    if ((st = lk_tagger_ws_create(&ws)) != LK_OK ||
             (st = lk_tagger_ws_set_threads(ws, threads)) != LK_OK)
        lk_error_set(&err, st, "out of memory");
    else if (is_char)
        st = lk_cli_zh_open(&zo, m, &dict, &zh, &err);
    t.ws = ws;
    t.zh = zh;
    static char outbuf[1 << 16];
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    if (st == LK_OK && is_char) st = tag_raw(&t, input, &err);
    else if (st == LK_OK && !strcmp(in_fmt, "raw"))
        st = lk_tag_raw_words(m, ws, input, t.conllu_out, &io, &err);
    else if (st == LK_OK && !strcmp(in_fmt, "conllu") && t.conllu_out)
        st = lk_tag_conllu_passthrough(m, ws, input, &io, &err);
    else if (st == LK_OK)
        st = tag_tokens(&t, input, !strcmp(in_fmt, "conllu") ? LK_TAGGED_CONLLU
                                   : !strcmp(in_fmt, "slash") ? LK_TAGGED_SLASH : LK_TAGGED_TOKENS,
                        in < 0 && !quiet, &err);
    if (st == LK_OK) st = lk_cli_stdout_check(&err);
    if (st == LK_OK && io.done > 0) lk_progress_finish(&prog, io.done, NULL);
    lk_zhseg_free(zh);
    lk_userdict_free(dict);
    lk_tagger_ws_free(ws);
    lk_tagger_free(m);
    return st == LK_OK ? LK_EXIT_OK : lk_cli_fail(CMD, st, &err);
}

const lk_command lk_cmd_def_tag = {"tag", run, "tag sentences (or raw Chinese text) with a tagger"};
