/* conllu.c: tagged-sentence readers (CoNLL-U, word/TAG lines, plain token lines) and the
   in-memory tagged corpus built on them. */
#include "text/corpus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/corpus_internal.h"
#include "text/fileio.h"
#include "text/util.h"

#define CONLLU_COLUMNS 10
#define ARENA_BLOCK (4u << 20) /* minimum arena block size in bytes */
#define ARENA_ALIGN (2u << 20) /* block alignment, so blocks can use huge pages */

/* Offsets into the sentence string buffer of one token's fields. */
typedef struct {
    size_t form, form_len, lemma, upos, xpos;
    bool no_space_after;
} token_offs;

struct lk_sentence_reader {
    lk_line_reader *lines;
    lk_tagged_format fmt;
    char *strs;            /* the current sentence's strings, each NUL-terminated */
    size_t strs_cap, strs_len;
    token_offs *offs;
    size_t offs_cap;
    lk_tagged_token *tokens;
    size_t tokens_cap;
    int64_t *token_lines;
    size_t token_lines_cap;
    size_t n;              /* tokens in the current sentence */
    bool have_text, have_sent_id;
    size_t text_off, sent_id_off;
    bool space_marked;     /* a MISC of the current sentence has SpaceAfter=/SpacesAfter= */
    uint64_t mwt_first, mwt_last; /* the last multiword token line N-M of the sentence */
    bool mwt_no_space;     /* ... and whether its MISC has SpaceAfter=No */
    lk_conllu_sniff sniff; /* word/TAG and token lines: CoNLL-U given by mistake */
    const char *text_hint; /* lk_sentence_reader_set_text_hint (borrowed; NULL: none) */
    bool row_seen;         /* CoNLL-U: a token line has been read */
};

lk_status lk_sentence_reader_open(const char *path, lk_tagged_format fmt,
                                  lk_sentence_reader **out, lk_error *err)
{
    *out = NULL;
    if (fmt != LK_TAGGED_CONLLU && fmt != LK_TAGGED_SLASH && fmt != LK_TAGGED_TOKENS)
        return lk_error_set(err, LK_ERR_ARG, "unknown tagged format %d", (int)fmt);
    lk_sentence_reader *r = calloc(1, sizeof *r);
    if (!r) return lk_error_set(err, LK_ERR_NOMEM, "out of memory");
    r->fmt = fmt;
    lk_status st = lk_line_reader_open(path, &r->lines, err);
    if (st != LK_OK) {
        free(r);
        return st;
    }
    *out = r;
    return LK_OK;
}

bool lk_conllu_row_like(const char *line, size_t len)
{
    size_t tabs = 0;
    for (size_t i = 0; i < len; i++) tabs += line[i] == '\t';
    return tabs == CONLLU_COLUMNS - 1 && len > 0 && line[0] >= '0' && line[0] <= '9';
}

bool lk_conllu_sniff_line(lk_conllu_sniff *s, const char *line, size_t len)
{
    if (s->done) return false;
    if (++s->seen > LK_CONLLU_SNIFF_LINES) s->done = true;
    if (s->done || lk_corpus_is_blank(line, len) || line[0] == '#') return false;
    s->done = true;
    return lk_conllu_row_like(line, len);
}

lk_status lk_conllu_as_text_error(const char *path, int64_t line, const char *how, lk_error *err)
{
    return lk_error_at(err, path, line, 1, "this looks like CoNLL-U (10 tab-separated columns); %s",
                       how);
}

void lk_sentence_reader_set_text_hint(lk_sentence_reader *r, const char *hint)
{
    r->text_hint = hint;
}

const lk_line_reader *lk_sentence_reader_lines(const lk_sentence_reader *r)
{
    return r->lines;
}

void lk_sentence_reader_free(lk_sentence_reader *r)
{
    if (!r) return;
    lk_line_reader_free(r->lines);
    free(r->strs);
    free(r->offs);
    free(r->tokens);
    free(r->token_lines);
    free(r);
}

static lk_status oom(lk_sentence_reader *r, lk_error *err)
{
    return lk_error_set(err, LK_ERR_NOMEM, "%s: out of memory", lk_line_reader_path(r->lines));
}

/* Append s[0..n) + NUL to the sentence strings; *off is where it went. */
static lk_status push_str(lk_sentence_reader *r, const char *s, size_t n, size_t *off,
                          lk_error *err)
{
    size_t need;
    if (lk_add_size(r->strs_len, n + 1, &need) != LK_OK ||
        lk_grow((void **)&r->strs, &r->strs_cap, need, 1) != LK_OK)
        return oom(r, err);
    memcpy(r->strs + r->strs_len, s, n);
    r->strs[r->strs_len + n] = '\0';
    *off = r->strs_len;
    r->strs_len = need;
    return LK_OK;
}

/* A token field: an empty one is stored as "_". */
static lk_status push_field(lk_sentence_reader *r, const char *s, size_t n, size_t *off,
                            lk_error *err)
{
    return n ? push_str(r, s, n, off, err) : push_str(r, "_", 1, off, err);
}

/* Add a token to the current sentence. */
static lk_status push_token(lk_sentence_reader *r, const char *form, size_t form_len,
                            const char *lemma, size_t lemma_len, const char *upos,
                            size_t upos_len, const char *xpos, size_t xpos_len, bool no_space,
                            int64_t lineno, lk_error *err)
{
    if (lk_grow((void **)&r->offs, &r->offs_cap, r->n + 1, sizeof *r->offs) != LK_OK ||
        lk_grow((void **)&r->token_lines, &r->token_lines_cap, r->n + 1,
                sizeof *r->token_lines) != LK_OK)
        return oom(r, err);
    token_offs *t = &r->offs[r->n];
    lk_status st = push_str(r, form, form_len, &t->form, err);
    if (st == LK_OK) st = push_field(r, lemma, lemma_len, &t->lemma, err);
    if (st == LK_OK) st = push_field(r, upos, upos_len, &t->upos, err);
    if (st == LK_OK) st = push_field(r, xpos, xpos_len, &t->xpos, err);
    if (st != LK_OK) return st;
    t->form_len = form_len;
    t->no_space_after = no_space;
    r->token_lines[r->n] = lineno;
    r->n++;
    return LK_OK;
}

static void reset_sentence(lk_sentence_reader *r)
{
    r->n = 0;
    r->strs_len = 0;
    r->have_text = r->have_sent_id = false;
    r->space_marked = false;
    r->mwt_first = r->mwt_last = 0;
}

/* Fill `s` from the current sentence (pointers into the reader's buffers). */
static lk_status emit(lk_sentence_reader *r, lk_sentence *s, lk_error *err)
{
    if (lk_grow((void **)&r->tokens, &r->tokens_cap, r->n, sizeof *r->tokens) != LK_OK)
        return oom(r, err);
    for (size_t i = 0; i < r->n; i++) {
        const token_offs *o = &r->offs[i];
        r->tokens[i].form = r->strs + o->form;
        r->tokens[i].form_len = o->form_len;
        r->tokens[i].lemma = r->strs + o->lemma;
        r->tokens[i].upos = r->strs + o->upos;
        r->tokens[i].xpos = r->strs + o->xpos;
        r->tokens[i].no_space_after = o->no_space_after;
    }
    s->tokens = r->tokens;
    s->n = r->n;
    s->text = r->have_text ? r->strs + r->text_off : NULL;
    s->sent_id = r->have_sent_id ? r->strs + r->sent_id_off : NULL;
    s->space_marked = r->space_marked;
    s->line = r->token_lines[0];
    s->token_lines = r->token_lines;
    return LK_OK;
}

/* ---- CoNLL-U ------------------------------------------------------------------------ */

static int all_digits(const char *s, size_t n)
{
    if (n == 0) return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

typedef enum { ID_WORD, ID_SKIP, ID_BAD } id_kind;

/* A word ID (positive integer), a range "N-M" or empty node "N.M" (skipped), or bad. */
static id_kind classify_id(const char *s, size_t n)
{
    if (all_digits(s, n)) {
        for (size_t i = 0; i < n; i++)
            if (s[i] != '0') return ID_WORD;
        return ID_BAD; /* zero */
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '-' || s[i] == '.') {
            if (all_digits(s, i) && all_digits(s + i + 1, n - i - 1)) return ID_SKIP;
            return ID_BAD;
        }
    }
    return ID_BAD;
}

/* "# key = value": keep text and sent_id. */
static lk_status conllu_comment(lk_sentence_reader *r, const char *line, size_t len,
                                lk_error *err)
{
    size_t i = 1;
    while (i < len && line[i] == ' ') i++;
    size_t key = i;
    while (i < len && line[i] != '=' && line[i] != ' ') i++;
    size_t key_len = i - key;
    while (i < len && line[i] == ' ') i++;
    if (i >= len || line[i] != '=') return LK_OK;
    i++;
    while (i < len && line[i] == ' ') i++;
    const char *val = line + i;
    size_t val_len = len - i;
    if (key_len == 4 && memcmp(line + key, "text", 4) == 0) {
        r->have_text = true;
        return push_str(r, val, val_len, &r->text_off, err);
    }
    if (key_len == 7 && memcmp(line + key, "sent_id", 7) == 0) {
        r->have_sent_id = true;
        return push_str(r, val, val_len, &r->sent_id_off, err);
    }
    return LK_OK;
}

/* Whether a line is word/TAG items (each space- or tab-separated item has a '/' after its
   first byte and before its last): a file in the other format, read as CoNLL-U. */
static bool slash_like(const char *line, size_t len)
{
    size_t items = 0, i = 0;
    while (i < len) {
        while (i < len && (line[i] == ' ' || line[i] == '\t')) i++;
        size_t from = i;
        while (i < len && line[i] != ' ' && line[i] != '\t') i++;
        if (i == from) break;
        size_t k = i - 1;
        while (k > from && line[k] != '/') k--;
        if (k == from || k == i - 1) return false;
        items++;
    }
    return items > 0;
}

lk_status lk_conllu_columns_error(const char *path, int64_t lineno, const char *line, size_t len,
                                  lk_error *err)
{
    size_t n_cols = 1, at = len; /* too few: the end of the line */
    for (size_t i = 0; i < len; i++)
        if (line[i] == '\t' && ++n_cols == CONLLU_COLUMNS + 1) at = i + 1; /* the 11th field */
    return lk_error_at(err, path, lineno, lk_utf8_column(line, at),
                       "expected %d tab-separated columns, got %zu%s", CONLLU_COLUMNS, n_cols,
                       lineno == 1 && slash_like(line, len)
                           ? " (word/TAG lines? use --input-format slash)" : "");
}

lk_status lk_conllu_check_line(const char *path, int64_t lineno, const char *line, size_t len,
                               bool *word, lk_error *err)
{
    size_t n_cols = 1, id_len = len;
    for (size_t i = 0; i < len; i++)
        if (line[i] == '\t' && n_cols++ == 1) id_len = i;
    if (n_cols != CONLLU_COLUMNS) return lk_conllu_columns_error(path, lineno, line, len, err);
    id_kind kind = classify_id(line, id_len);
    if (kind == ID_BAD)
        return lk_error_at(err, path, lineno, 1,
                           "invalid ID \"%.*s\" (expected a positive integer, N-M or N.M)",
                           (int)(id_len > 32 ? 32 : id_len), line);
    *word = kind == ID_WORD;
    return LK_OK;
}

/* The number s[0..n) (digits, checked by classify_id), saturated at UINT32_MAX. */
static uint64_t id_number(const char *s, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n && v <= UINT32_MAX; i++) v = v * 10 + (uint64_t)(s[i] - '0');
    return v;
}

/* MISC items (|-separated): *marked when one is SpaceAfter=... or SpacesAfter=...,
   *no_space when one is SpaceAfter=No. */
static void misc_space(const char *misc, size_t n, bool *marked, bool *no_space)
{
    static const char sa[] = "SpaceAfter=", ssa[] = "SpacesAfter=";
    *no_space = false;
    for (size_t i = 0; i < n;) {
        size_t e = i;
        while (e < n && misc[e] != '|') e++;
        size_t len = e - i;
        if (len >= sizeof sa - 1 && memcmp(misc + i, sa, sizeof sa - 1) == 0) {
            *marked = true;
            if (len == sizeof sa - 1 + 2 && memcmp(misc + i + sizeof sa - 1, "No", 2) == 0)
                *no_space = true;
        } else if (len >= sizeof ssa - 1 && memcmp(misc + i, ssa, sizeof ssa - 1) == 0) {
            *marked = true;
        }
        i = e + 1;
    }
}

/* Whether the word with ID id[0..n) has no space after it: SpaceAfter=No in its own MISC
   (misc_no_space), or it is inside the last multiword token N-M (not its last word), or
   it ends one whose MISC has SpaceAfter=No. */
static bool word_no_space(const lk_sentence_reader *r, const char *id, size_t n,
                          bool misc_no_space)
{
    uint64_t w = id_number(id, n);
    if (r->mwt_last > 0 && w >= r->mwt_first && w < r->mwt_last) return true;
    if (r->mwt_last > 0 && w == r->mwt_last && r->mwt_no_space) return true;
    return misc_no_space;
}

/* A multiword token line N-M (id[0..n), checked): remember its range and SpaceAfter. */
static void note_mwt(lk_sentence_reader *r, const char *id, size_t n, bool misc_no_space)
{
    size_t dash = 0;
    while (dash < n && id[dash] != '-') dash++;
    if (dash == n) return; /* an empty node N.M */
    r->mwt_first = id_number(id, dash);
    r->mwt_last = id_number(id + dash + 1, n - dash - 1);
    r->mwt_no_space = misc_no_space;
}

static lk_status conllu_token(lk_sentence_reader *r, const char *line, size_t len,
                              int64_t lineno, lk_error *err)
{
    const char *path = lk_line_reader_path(r->lines);
    size_t start[CONLLU_COLUMNS], flen[CONLLU_COLUMNS];
    bool word;
    lk_status st = lk_conllu_check_line(path, lineno, line, len, &word, err);
    if (st != LK_OK && !r->row_seen && r->text_hint && err && !memchr(line, '\t', len) &&
        !slash_like(line, len)) {
        size_t n = strlen(err->msg);
        snprintf(err->msg + n, sizeof err->msg - n, "; %s", r->text_hint);
    }
    if (st != LK_OK) return st;
    r->row_seen = true;
    size_t col = 0, from = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || line[i] == '\t') {
            start[col] = from;
            flen[col] = i - from;
            col++;
            from = i + 1;
        }
    }
    bool no_space;
    misc_space(line + start[9], flen[9], &r->space_marked, &no_space);
    if (!word) {
        note_mwt(r, line, flen[0], no_space);
        return LK_OK;
    }
    if (flen[1] == 0)
        return lk_error_at(err, path, lineno, lk_utf8_column(line, start[1]), "empty FORM");
    return push_token(r, line + start[1], flen[1], line + start[2], flen[2], line + start[3],
                      flen[3], line + start[4], flen[4], word_no_space(r, line, flen[0], no_space),
                      lineno, err);
}

static lk_status next_conllu(lk_sentence_reader *r, lk_sentence *s, bool *got, lk_error *err)
{
    for (;;) {
        const char *line;
        size_t len;
        int64_t lineno;
        bool have;
        lk_status st = lk_corpus_next_line(r->lines, false, true, &line, &len, &lineno, &have, err);
        if (st != LK_OK) return st;
        if (!have || lk_corpus_is_blank(line, len)) {
            if (r->n > 0) {
                *got = true;
                return emit(r, s, err);
            }
            reset_sentence(r); /* comments without tokens are dropped */
            if (!have) return LK_OK;
            continue;
        }
        st = line[0] == '#' ? conllu_comment(r, line, len, err)
                            : conllu_token(r, line, len, lineno, err);
        if (st != LK_OK) return st;
    }
}

/* ---- word/TAG and token lines ------------------------------------------------------ */

static lk_status slash_item(lk_sentence_reader *r, const char *line, size_t from, size_t to,
                            int64_t lineno, lk_error *err)
{
    const char *path = lk_line_reader_path(r->lines);
    const char *item = line + from;
    size_t n = to - from;
    if (r->fmt == LK_TAGGED_TOKENS)
        return push_token(r, item, n, "_", 1, "_", 1, "_", 1, false, lineno, err);
    size_t slash = n;
    while (slash > 0 && item[slash - 1] != '/') slash--;
    const char *what = NULL;
    if (slash == 0) what = "no '/' in";
    else if (slash == 1) what = "empty word in";
    else if (slash == n) what = "empty tag in";
    if (what)
        return lk_error_at(err, path, lineno, lk_utf8_column(line, from),
                           "%s \"%.*s\" (expected word/TAG)", what, (int)(n > 64 ? 64 : n),
                           item);
    slash--; /* index of the last '/' */
    const char *tag = item + slash + 1;
    size_t tag_len = n - slash - 1;
    return push_token(r, item, slash, "_", 1, tag, tag_len, tag, tag_len, false, lineno, err);
}

static lk_status next_line_sentence(lk_sentence_reader *r, lk_sentence *s, bool *got,
                                    lk_error *err)
{
    for (;;) {
        const char *line;
        size_t len;
        int64_t lineno;
        bool have;
        lk_status st = lk_corpus_next_line(r->lines, true, true, &line, &len, &lineno, &have, err);
        if (st != LK_OK || !have) return st;
        if (lk_conllu_sniff_line(&r->sniff, line, len))
            return lk_conllu_as_text_error(lk_line_reader_path(r->lines), lineno,
                                           r->fmt == LK_TAGGED_TOKENS
                                               ? "token input is one sentence per line, words "
                                                 "separated by spaces (give --input-format conllu)"
                                               : "word/TAG input is one sentence per line (give "
                                                 "--input-format conllu)",
                                           err);
        size_t i = 0;
        while (i < len) {
            while (i < len && (line[i] == ' ' || line[i] == '\t')) i++;
            size_t from = i;
            while (i < len && line[i] != ' ' && line[i] != '\t') i++;
            if (i > from) {
                st = slash_item(r, line, from, i, lineno, err);
                if (st != LK_OK) return st;
            }
        }
        *got = true;
        return emit(r, s, err);
    }
}

lk_status lk_sentence_next(lk_sentence_reader *r, lk_sentence *s, bool *got, lk_error *err)
{
    *got = false;
    reset_sentence(r);
    lk_status st = r->fmt == LK_TAGGED_CONLLU ? next_conllu(r, s, got, err)
                                              : next_line_sentence(r, s, got, err);
    if (st != LK_OK) *got = false;
    return st;
}

/* ---- whole corpus in memory ------------------------------------------------------- */

typedef struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    _Alignas(8) char data[];
} arena_block;

typedef struct {
    arena_block *head;
    const char **tags; /* interned tag strings (open addressing, NULL = empty slot) */
    size_t tags_cap, n_tags;
} arena;

static void arena_free(arena *a)
{
    if (!a) return;
    free(a->tags);
    arena_block *b = a->head;
    while (b) {
        arena_block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

/* n bytes aligned to `align` (a power of two <= 8), or NULL. Blocks are advised to use
   transparent huge pages: a big corpus touches tens of MB, and page faults dominate. */
static void *arena_alloc(arena *a, size_t n, size_t align)
{
    arena_block *b = a->head;
    size_t at = b ? (b->used + align - 1) & ~(align - 1) : 0;
    if (!b || at > b->cap || b->cap - at < n) {
        size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        if (cap > SIZE_MAX - sizeof *b - ARENA_ALIGN) return NULL;
        b = lk_huge_alloc(sizeof *b + cap); /* >= ARENA_BLOCK: huge-page aligned */
        if (!b) return NULL;
        b->next = a->head;
        b->used = 0;
        b->cap = cap;
        a->head = b;
        at = 0;
    }
    b->used = at + n;
    return b->data + at;
}

static char *arena_str(arena *a, const char *s, size_t n)
{
    char *d = arena_alloc(a, n + 1, 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static size_t tag_slot(const arena *a, const char *s, size_t n)
{
    uint64_t h = lk_fnv1a64(s, n);
    size_t mask = a->tags_cap - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        const char *t = a->tags[i];
        if (!t || (strncmp(t, s, n) == 0 && t[n] == '\0')) return i;
    }
}

/* The one arena copy of tag s[0..n) (tag sets are small, so each is stored once). */
static const char *intern_tag(arena *a, const char *s, size_t n)
{
    if (n == 1 && s[0] == '_') return "_";
    if (2 * (a->n_tags + 1) > a->tags_cap) {
        size_t cap = a->tags_cap ? 2 * a->tags_cap : 256;
        const char **nt = calloc(cap, sizeof *nt);
        if (!nt) return NULL;
        const char **old = a->tags;
        size_t old_cap = a->tags_cap;
        a->tags = nt;
        a->tags_cap = cap;
        for (size_t i = 0; i < old_cap; i++)
            if (old[i]) a->tags[tag_slot(a, old[i], strlen(old[i]))] = old[i];
        free(old);
    }
    size_t slot = tag_slot(a, s, n);
    if (!a->tags[slot]) {
        char *copy = arena_str(a, s, n);
        if (!copy) return NULL;
        a->tags[slot] = copy;
        a->n_tags++;
    }
    return a->tags[slot];
}

/* Deep copy of `src` into the arena (tags interned, a lemma equal to its form shared). */
static lk_status copy_sentence(arena *a, const lk_sentence *src, lk_sentence *dst)
{
    size_t tok_bytes, line_bytes;
    if (lk_mul_size(src->n, sizeof *dst->tokens, &tok_bytes) != LK_OK ||
        lk_mul_size(src->n, sizeof *dst->token_lines, &line_bytes) != LK_OK)
        return LK_ERR_RANGE;
    lk_tagged_token *toks = arena_alloc(a, tok_bytes, _Alignof(lk_tagged_token));
    int64_t *lines = arena_alloc(a, line_bytes, _Alignof(int64_t));
    if (!toks || !lines) return LK_ERR_NOMEM;
    for (size_t i = 0; i < src->n; i++) {
        const lk_tagged_token *t = &src->tokens[i];
        toks[i].form = arena_str(a, t->form, t->form_len);
        toks[i].form_len = t->form_len;
        if (strcmp(t->lemma, t->form) == 0) toks[i].lemma = toks[i].form;
        else if (strcmp(t->lemma, "_") == 0) toks[i].lemma = "_";
        else toks[i].lemma = arena_str(a, t->lemma, strlen(t->lemma));
        toks[i].upos = intern_tag(a, t->upos, strlen(t->upos));
        toks[i].xpos = intern_tag(a, t->xpos, strlen(t->xpos));
        toks[i].no_space_after = t->no_space_after;
        if (!toks[i].form || !toks[i].lemma || !toks[i].upos || !toks[i].xpos)
            return LK_ERR_NOMEM;
    }
    memcpy(lines, src->token_lines, line_bytes);
    *dst = *src;
    dst->tokens = toks;
    dst->token_lines = lines;
    dst->text = src->text ? arena_str(a, src->text, strlen(src->text)) : NULL;
    dst->sent_id = src->sent_id ? arena_str(a, src->sent_id, strlen(src->sent_id)) : NULL;
    if ((src->text && !dst->text) || (src->sent_id && !dst->sent_id)) return LK_ERR_NOMEM;
    return LK_OK;
}

lk_status lk_tagged_corpus_read(lk_sentence_reader *r, size_t max_sents, lk_tagged_corpus *out,
                                bool *more, lk_error *err)
{
    const char *path = lk_line_reader_path(r->lines);
    *more = true;
    if (!out->arena_ && (out->arena_ = calloc(1, sizeof(arena))) == NULL)
        return lk_error_set(err, LK_ERR_NOMEM, "%s: out of memory", path);
    for (size_t k = 0; k < max_sents; k++) {
        lk_sentence s;
        bool got;
        lk_status st = lk_sentence_next(r, &s, &got, err);
        if (st != LK_OK) return st;
        if (!got) {
            *more = false;
            break;
        }
        if (lk_grow((void **)&out->sents, &out->sents_cap_, out->n_sents + 1,
                    sizeof *out->sents) != LK_OK)
            return lk_error_set(err, LK_ERR_NOMEM, "%s: out of memory", path);
        if ((st = copy_sentence(out->arena_, &s, &out->sents[out->n_sents])) != LK_OK)
            return lk_error_set(err, st, "%s: out of memory", path);
        out->n_sents++;
        out->n_tokens += s.n;
    }
    return LK_OK;
}

lk_status lk_tagged_corpus_load(const char *path, lk_tagged_format fmt, lk_tagged_corpus *out,
                                lk_error *err)
{
    memset(out, 0, sizeof *out);
    lk_sentence_reader *r = NULL;
    bool more;
    lk_status st = lk_sentence_reader_open(path, fmt, &r, err);
    if (st == LK_OK) st = lk_tagged_corpus_read(r, SIZE_MAX, out, &more, err);
    lk_sentence_reader_free(r);
    if (st != LK_OK) lk_tagged_corpus_free(out);
    return st;
}

void lk_tagged_corpus_free(lk_tagged_corpus *c)
{
    if (!c) return;
    arena_free(c->arena_);
    free(c->sents);
    memset(c, 0, sizeof *c);
}
