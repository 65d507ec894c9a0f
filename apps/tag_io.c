/* tag_io.c: raw English text and CoNLL-U pass-through for `lexkit tag` (word models).
   Input is read in chunks of sentences: each chunk's lines are kept in one buffer, its
   words tagged in one call, and the chunk printed before the next is read. */
#include "apps/tag_io.h"

#include <stdlib.h>
#include <string.h>

#include "apps/cli_opts.h"
#include "text/fileio.h"
#include "text/tokenize.h"
#include "text/utf8.h"

#define SENTS_PER_CHUNK 1024

typedef struct {
    size_t line, start, len; /* the word is bytes [start, start+len) of buf */
} word_ref;

typedef struct {
    char *buf; /* the chunk's lines, each followed by a NUL */
    size_t buf_len, buf_cap;
    size_t *line_off; /* start of line i in buf; line_off[n_lines] = buf_len */
    size_t n_lines, cap_lines;
    bool *is_token; /* CoNLL-U: line i is a token row whose tag column is replaced */
    size_t cap_is_token;
    word_ref *words;
    size_t n_words, cap_words;
    size_t *sent_off; /* words of sentence s: [sent_off[s], sent_off[s+1]) */
    size_t *sent_line; /* raw text: the line of sentence s */
    size_t n_sents, cap_sents, cap_sent_line;
    lk_tagged_token *toks;
    size_t cap_toks;
    lk_sentence *sents;
    size_t cap_sents_arr;
    int32_t *tags;
    size_t cap_tags;
    lk_tagger_span *spans; /* raw text to CoNLL-U: one sentence's words, as in its line */
    size_t cap_spans;
    size_t n_written; /* CoNLL-U sentences written, over all chunks (the last # sent_id) */
} chunk;

static void chunk_free(chunk *c)
{
    free(c->buf);
    free(c->line_off);
    free(c->is_token);
    free(c->words);
    free(c->sent_off);
    free(c->sent_line);
    free(c->toks);
    free(c->sents);
    free(c->tags);
    free(c->spans);
}

static void chunk_reset(chunk *c)
{
    c->buf_len = c->n_lines = c->n_words = c->n_sents = 0;
    if (c->sent_off) c->sent_off[0] = 0;
}

/* Append a line; its index is c->n_lines - 1 afterwards. */
static lk_status add_line(chunk *c, const char *s, size_t len, bool is_token)
{
    lk_status st;
    if ((st = lk_grow((void **)&c->buf, &c->buf_cap, c->buf_len + len + 1, 1)) != LK_OK ||
        (st = lk_grow((void **)&c->line_off, &c->cap_lines, c->n_lines + 2, sizeof(size_t))) !=
            LK_OK ||
        (st = lk_grow((void **)&c->is_token, &c->cap_is_token, c->n_lines + 1, sizeof(bool))) !=
            LK_OK)
        return st;
    c->line_off[c->n_lines] = c->buf_len;
    c->is_token[c->n_lines] = is_token;
    memcpy(c->buf + c->buf_len, s, len);
    c->buf_len += len;
    c->buf[c->buf_len++] = '\0';
    c->line_off[++c->n_lines] = c->buf_len;
    return LK_OK;
}

static lk_status add_word(chunk *c, size_t line, size_t start, size_t len)
{
    lk_status st = lk_grow((void **)&c->words, &c->cap_words, c->n_words + 1, sizeof(word_ref));
    if (st != LK_OK) return st;
    c->words[c->n_words++] = (word_ref){line, start, len};
    return LK_OK;
}

/* Close the current sentence (its words are those added since the last one). */
static lk_status end_sentence(chunk *c, size_t line)
{
    lk_status st;
    if ((st = lk_grow((void **)&c->sent_off, &c->cap_sents, c->n_sents + 2, sizeof(size_t))) !=
            LK_OK ||
        (st = lk_grow((void **)&c->sent_line, &c->cap_sent_line, c->n_sents + 1,
                      sizeof(size_t))) != LK_OK)
        return st;
    if (c->n_sents == 0) c->sent_off[0] = 0;
    c->sent_line[c->n_sents] = line;
    c->sent_off[++c->n_sents] = c->n_words;
    return LK_OK;
}

/* Whether word w[0..n) is sentence-final punctuation: only . ! ? … and the other sentence
   marks of char models' cuts (。！？‼ ...: lk_tagger_cut_class) but the semicolons. */
static bool final_mark(const char *w, size_t n)
{
    size_t i = 0;
    if (n == 0) return false;
    while (i < n) {
        int32_t cp;
        size_t k = lk_utf8_decode(w + i, n - i, &cp);
        if (k == 0) return false;
        if (cp != '.' && cp != 0x2026 /* … */ &&
            !(cp != ';' && cp != 0xFF1B && lk_tagger_cut_class(cp) == LK_TAGGER_CUT_SENTENCE))
            return false;
        i += k;
    }
    return true;
}

/* Closing quotes and brackets that stay with the sentence before them: '' " ' ) ] } and
   their typographic kin (lk_tagger_cut_class). */
static bool closer(const char *w, size_t n)
{
    if (n == 2 && memcmp(w, "''", 2) == 0) return true;
    int32_t cp;
    size_t k = lk_utf8_decode(w, n, &cp);
    return k > 0 && k == n &&
           (cp == ']' || cp == '}' || lk_tagger_cut_class(cp) == LK_TAGGER_CUT_CLOSER);
}

#define PIECES_PER_CALL 1024

lk_status lk_tag_sentences_cut(const lk_tagger *m, lk_tagger_ws *ws, const lk_sentence *sents,
                               size_t n, int32_t *tags, lk_error *err)
{
    lk_sentence pieces[PIECES_PER_CALL];
    size_t np = 0, words = 0; /* pieces waiting, and their words */
    lk_status st = LK_OK;
    for (size_t s = 0; s < n && st == LK_OK; s++) {
        const lk_sentence *sent = &sents[s];
        for (size_t i = 0; i < sent->n || (i == 0 && sent->n == 0);) {
            size_t end = sent->n; /* a short sentence: whole */
            if (sent->n > LK_TAGGER_PIECE_MAX) {
                size_t lim = i + LK_TAGGER_PIECE_MAX < sent->n ? i + LK_TAGGER_PIECE_MAX : sent->n;
                end = lim;
                for (size_t k = i; k < lim; k++) {
                    const lk_tagged_token *t = &sent->tokens[k];
                    if (!final_mark(t->form, t->form_len)) continue;
                    end = k + 1;
                    while (end < lim && closer(sent->tokens[end].form, sent->tokens[end].form_len))
                        end++;
                    break;
                }
            }
            memset(&pieces[np], 0, sizeof pieces[np]);
            pieces[np].tokens = sent->tokens + i;
            pieces[np].n = end - i;
            np++;
            words += end - i;
            if (np == PIECES_PER_CALL) {
                st = lk_tagger_tag_sentences(m, ws, pieces, np, tags, err);
                tags += words;
                np = words = 0;
                if (st != LK_OK) break;
            }
            if (end == i) break; /* the empty sentence */
            i = end;
        }
    }
    if (st == LK_OK && np > 0) st = lk_tagger_tag_sentences(m, ws, pieces, np, tags, err);
    return st;
}

/* Tag every sentence of the chunk into c->tags (one per word). */
static lk_status tag_chunk(chunk *c, const lk_tagger *m, lk_tagger_ws *ws, lk_error *err)
{
    lk_status st;
    if ((st = lk_grow((void **)&c->toks, &c->cap_toks, c->n_words + 1, sizeof *c->toks)) !=
            LK_OK ||
        (st = lk_grow((void **)&c->tags, &c->cap_tags, c->n_words + 1, sizeof *c->tags)) !=
            LK_OK ||
        (st = lk_grow((void **)&c->sents, &c->cap_sents_arr, c->n_sents + 1, sizeof *c->sents)) !=
            LK_OK)
        return lk_error_set(err, st, "out of memory");
    for (size_t k = 0; k < c->n_words; k++) {
        const word_ref *w = &c->words[k];
        c->toks[k] = (lk_tagged_token){c->buf + w->start, w->len, "_", "_", "_", false};
    }
    for (size_t s = 0; s < c->n_sents; s++) {
        memset(&c->sents[s], 0, sizeof c->sents[s]);
        c->sents[s].tokens = c->toks + c->sent_off[s];
        c->sents[s].n = c->sent_off[s + 1] - c->sent_off[s];
    }
    return lk_tag_sentences_cut(m, ws, c->sents, c->n_sents, c->tags, err);
}

/* The first nine columns of a CoNLL-U row and the tab before MISC. */
static void print_row_head(FILE *out, const lk_tagger *m, size_t i, const char *w, size_t len,
                           int32_t tag)
{
    const char *name = lk_tagger_tag_name(m, tag);
    if (!name) name = "_";
    bool xpos = lk_tagger_get_config(m)->column == LK_TAGGER_XPOS;
    fprintf(out, "%zu\t%.*s\t_\t%s\t%s\t_\t_\t_\t_\t", i + 1, (int)len, w, xpos ? "_" : name,
            xpos ? name : "_");
}

void lk_tag_print_word(FILE *out, const lk_tagger *m, bool conllu, size_t i, const char *w,
                       size_t len, int32_t tag)
{
    if (conllu) {
        print_row_head(out, m, i, w, len, tag);
        fputs("_\n", out);
    } else {
        const char *name = lk_tagger_tag_name(m, tag);
        fprintf(out, "%s%.*s/%s", i ? " " : "", (int)len, w, name ? name : "_");
    }
}

typedef enum { GAP_NONE, GAP_SPACE, GAP_OTHER } gap_kind; /* "", " ", anything else */

/* The text between two words, s[0..len), as `# text` and MISC give it: its white space
   (lk_is_space) kept, but each line or paragraph separator (\v \f U+001C..U+001F U+0085
   U+2028 U+2029) written as a space so that the comment stays one line for every reader;
   the characters no word has that are not white space (controls, ZWSP and the other format
   characters: lk_is_ignorable) left out. Writes that text to out unless out is NULL, with
   UDPipe's SpacesAfter escapes (\s for a space, \t for a tab) when misc is set, and says
   what it is. */
static gap_kind put_gap(FILE *out, const char *s, size_t len, bool misc)
{
    size_t kept = 0, i = 0;
    bool plain = true; /* every kept character is a space */
    while (i < len) {
        int32_t cp;
        size_t k = lk_utf8_decode(s + i, len - i, &cp);
        if (k == 0) { /* not reached: lines are checked UTF-8 */
            i++;
            continue;
        }
        i += k;
        if (!lk_is_space(cp)) continue;
        if (cp != '\t' && (cp < 0xA0 || cp == 0x2028 || cp == 0x2029)) cp = ' ';
        kept++;
        plain = plain && cp == ' ';
        if (!out) continue;
        if (misc && (cp == ' ' || cp == '\t')) fputs(cp == ' ' ? "\\s" : "\\t", out);
        else if (cp == ' ') putc(' ', out);
        else fwrite(s + i - k, 1, k, out);
    }
    return kept == 0 ? GAP_NONE : kept == 1 && plain ? GAP_SPACE : GAP_OTHER;
}

/* Bytes between word k and word k + 1 of a line. */
static size_t gap_len(const lk_tagger_span *words, size_t k)
{
    size_t end = words[k].start + words[k].len;
    return words[k + 1].start > end ? words[k + 1].start - end : 0;
}

void lk_tag_print_conllu_raw(FILE *out, const lk_tagger *m, size_t *sent_id, const char *line,
                             const lk_tagger_span *words, size_t n)
{
    if (n == 0) return;
    fprintf(out, "# sent_id = %zu\n# text = ", ++*sent_id);
    for (size_t k = 0; k < n; k++) {
        fwrite(line + words[k].start, 1, words[k].len, out);
        if (k + 1 < n) put_gap(out, line + words[k].start + words[k].len, gap_len(words, k), false);
    }
    putc('\n', out);
    for (size_t k = 0; k < n; k++) {
        const char *after = line + words[k].start + words[k].len;
        print_row_head(out, m, k, line + words[k].start, words[k].len, words[k].tag);
        gap_kind g = k + 1 < n ? put_gap(NULL, after, gap_len(words, k), false) : GAP_SPACE;
        if (g == GAP_NONE) fputs("SpaceAfter=No", out);
        else if (g == GAP_SPACE) putc('_', out);
        else {
            fputs("SpacesAfter=", out);
            put_gap(out, after, gap_len(words, k), true);
        }
        putc('\n', out);
    }
    putc('\n', out);
}

static lk_status print_raw_chunk(chunk *c, const lk_tagger *m, bool conllu)
{
    for (size_t s = 0; s < c->n_sents; s++) {
        size_t a = c->sent_off[s], b = c->sent_off[s + 1];
        if (!conllu) {
            for (size_t k = a; k < b; k++)
                lk_tag_print_word(stdout, m, false, k - a, c->buf + c->words[k].start,
                                  c->words[k].len, c->tags[k]);
            putchar('\n');
            continue;
        }
        size_t line = c->line_off[c->sent_line[s]];
        if (lk_grow((void **)&c->spans, &c->cap_spans, b - a + 1, sizeof *c->spans) != LK_OK)
            return LK_ERR_NOMEM;
        for (size_t k = a; k < b; k++)
            c->spans[k - a] = (lk_tagger_span){c->words[k].start - line, c->words[k].len,
                                               c->tags[k]};
        lk_tag_print_conllu_raw(stdout, m, &c->n_written, c->buf + line, c->spans, b - a);
    }
    return LK_OK;
}

/* Byte range of tab-separated column `col` (1-based) of s[0..len): [*a, *b). False if the
   line has fewer columns. */
static bool column(const char *s, size_t len, int col, size_t *a, size_t *b)
{
    size_t i = 0;
    for (int k = 1; k < col; k++) {
        const char *t = memchr(s + i, '\t', len - i);
        if (!t) return false;
        i = (size_t)(t - s) + 1;
    }
    const char *t = memchr(s + i, '\t', len - i);
    *a = i;
    *b = t ? (size_t)(t - s) : len;
    return true;
}

static void print_conllu_chunk(const chunk *c, int tag_col, const lk_tagger *m)
{
    size_t w = 0;
    for (size_t i = 0; i < c->n_lines; i++) {
        const char *s = c->buf + c->line_off[i];
        size_t len = c->line_off[i + 1] - c->line_off[i] - 1, a, b;
        if (c->is_token[i] && column(s, len, tag_col, &a, &b)) {
            const char *name = lk_tagger_tag_name(m, c->tags[w++]);
            fwrite(s, 1, a, stdout);
            fputs(name ? name : "_", stdout);
            fwrite(s + b, 1, len - b, stdout);
        } else {
            fwrite(s, 1, len, stdout);
        }
        putchar('\n');
    }
}

static void report(lk_tag_io_opts *o, lk_line_reader *r, size_t words)
{
    if (!o) return;
    o->done = (double)lk_line_reader_offset(r);
    if (!o->progress) return;
    char extra[64];
    snprintf(extra, sizeof extra, "%zu words", words);
    lk_progress_update(o->progress, o->done,
                       (double)lk_line_reader_size(r), extra);
}

typedef enum { OUT_SLASH, OUT_CONLLU, OUT_PASSTHROUGH } out_kind;

/* Tag the chunk, print it (raw text as word/TAG or CoNLL-U rows, or the CoNLL-U input with
   its tag column replaced), report progress and empty the chunk for the next one. */
static lk_status flush_chunk(chunk *c, const lk_tagger *m, lk_tagger_ws *ws, out_kind kind,
                             lk_tag_io_opts *o, lk_line_reader *r, size_t *total, lk_error *err)
{
    lk_status st = tag_chunk(c, m, ws, err);
    if (st != LK_OK) return st;
    if (kind == OUT_PASSTHROUGH)
        print_conllu_chunk(c, lk_tagger_get_config(m)->column == LK_TAGGER_XPOS ? 5 : 4, m);
    else if ((st = print_raw_chunk(c, m, kind == OUT_CONLLU)) != LK_OK)
        return lk_error_set(err, st, "out of memory");
    /* a reader on a pipe gets each chunk as it is done; a write error stops the run */
    if ((st = lk_cli_stdout_check(err)) != LK_OK) return st;
    *total += c->n_words;
    report(o, r, *total);
    chunk_reset(c);
    return LK_OK;
}

/* Bad input on a later line: print the complete sentences read before it (output goes out
   per chunk, so a late error keeps what came before; the caller then reports the error). */
static void flush_before_error(chunk *c, const lk_tagger *m, lk_tagger_ws *ws, out_kind kind,
                               lk_tag_io_opts *o, lk_line_reader *r, size_t *total)
{
    lk_error ignored;
    lk_error_clear(&ignored);
    if (c->n_sents > 0) (void)flush_chunk(c, m, ws, kind, o, r, total, &ignored);
}

lk_status lk_tag_raw_words(const lk_tagger *m, lk_tagger_ws *ws, const char *input, bool conllu,
                           lk_tag_io_opts *o, lk_error *err)
{
    chunk c = {0};
    lk_tokenizer *tk = NULL;
    lk_line_reader *r = NULL;
    lk_tokenizer_config tc = lk_tokenizer_config_default();
    tc.mode = LK_TOKMODE_UD_EN;
    size_t total = 0;
    lk_status st = lk_tokenizer_create(&tc, &tk);
    if (st != LK_OK) return lk_error_set(err, st, "out of memory");
    if ((st = lk_cli_open_raw_text(input, &r, err)) != LK_OK) goto done;
    const char *line;
    size_t len;
    bool got = true;
    lk_conllu_sniff sniff = {0};
    while (st == LK_OK && got) {
        if ((st = lk_line_reader_next(r, &line, &len, &got, err)) != LK_OK) break;
        if (got) {
            const lk_token *toks;
            size_t n;
            const char *path = lk_line_reader_path(r);
            int64_t lineno = lk_line_reader_lineno(r);
            if (lk_conllu_sniff_line(&sniff, line, len)) {
                st = lk_conllu_as_text_error(path, lineno, "raw input is running text, one "
                                             "sentence per line (give --input-format conllu)",
                                             err);
                break;
            }
            if ((st = lk_utf8_check_line(line, len, path, lineno, err)) != LK_OK) {
                flush_before_error(&c, m, ws, conllu ? OUT_CONLLU : OUT_SLASH, o, r, &total);
                break;
            }
            if ((st = lk_tokenize_valid(tk, line, len, &toks, &n, err)) != LK_OK) break;
            size_t base = c.buf_len;
            if ((st = add_line(&c, line, len, false)) != LK_OK) goto oom;
            for (size_t k = 0; k < n && st == LK_OK; k++)
                st = add_word(&c, c.n_lines - 1, base + toks[k].start, toks[k].len);
            if (st == LK_OK) st = end_sentence(&c, c.n_lines - 1);
            if (st != LK_OK) goto oom;
        }
        if (c.n_sents > 0 && (c.n_sents == SENTS_PER_CHUNK || !got) &&
            (st = flush_chunk(&c, m, ws, conllu ? OUT_CONLLU : OUT_SLASH, o, r, &total, err)) !=
                LK_OK)
            break;
    }
    goto done;
oom:
    lk_error_set(err, st, "out of memory");
done:
    lk_line_reader_free(r);
    lk_tokenizer_free(tk);
    chunk_free(&c);
    return st;
}

lk_status lk_tag_conllu_passthrough(const lk_tagger *m, lk_tagger_ws *ws, const char *input,
                                    lk_tag_io_opts *o, lk_error *err)
{
    chunk c = {0};
    lk_line_reader *r = NULL;
    size_t total = 0;
    bool in_sent = false;
    lk_status st = lk_line_reader_open(input, &r, err);
    const char *line;
    size_t len;
    bool got = true;
    while (st == LK_OK && got) {
        if ((st = lk_line_reader_next(r, &line, &len, &got, err)) != LK_OK) break;
        const char *path = lk_line_reader_path(r);
        int64_t lineno = lk_line_reader_lineno(r);
        bool blank = !got || len == 0;
        if (got) {
            if ((st = lk_utf8_check_line(line, len, path, lineno, err)) != LK_OK) {
                if (in_sent && c.n_sents > 0) { /* drop the unfinished sentence's lines */
                    c.n_lines = c.sent_line[c.n_sents - 1] + 1;
                    c.buf_len = c.line_off[c.n_lines];
                    c.n_words = c.sent_off[c.n_sents];
                }
                flush_before_error(&c, m, ws, OUT_PASSTHROUGH, o, r, &total);
                break;
            }
            bool tok = false;
            if (len > 0 && line[0] != '#' &&
                (st = lk_conllu_check_line(path, lineno, line, len, &tok, err)) != LK_OK)
                break;
            size_t a, b;
            if ((st = add_line(&c, line, len, tok)) != LK_OK) goto oom;
            if (tok && column(line, len, 2, &a, &b)) {
                size_t base = c.line_off[c.n_lines - 1];
                if ((st = add_word(&c, c.n_lines - 1, base + a, b - a)) != LK_OK) goto oom;
            }
            if (!blank) in_sent = true;
        }
        if (blank && in_sent) {
            if ((st = end_sentence(&c, c.n_lines - 1)) != LK_OK) goto oom;
            in_sent = false;
        }
        if (((blank && c.n_sents >= SENTS_PER_CHUNK) || (!got && c.n_lines > 0)) &&
            (st = flush_chunk(&c, m, ws, OUT_PASSTHROUGH, o, r, &total, err)) != LK_OK)
            break;
    }
    goto done;
oom:
    lk_error_set(err, st, "out of memory");
done:
    lk_line_reader_free(r);
    chunk_free(&c);
    return st;
}
