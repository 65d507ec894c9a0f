/* userdict.c: user dictionary loading and longest-match lookup. */
#include "text/userdict.h"

#include <stdlib.h>
#include <string.h>

#include "text/fileio.h"
#include "text/utf8.h"
#include "text/vocab.h"

typedef struct {
    char *tag;           /* NULL if none */
    int64_t line, col;   /* of the tag in the file */
} entry;

struct lk_userdict {
    lk_vocab *words;     /* entry id = word id */
    lk_vocab *prefixes;  /* every proper prefix (at a character boundary) of every word */
    entry *entries;
    size_t cap;
    char *path;
};

void lk_userdict_free(lk_userdict *d)
{
    if (!d) return;
    for (int32_t i = 0; d->words && i < lk_vocab_size(d->words); i++) free(d->entries[i].tag);
    lk_vocab_free(d->words);
    lk_vocab_free(d->prefixes);
    free(d->entries);
    free(d->path);
    free(d);
}

static lk_status create(const char *path, lk_userdict **out)
{
    *out = NULL;
    lk_userdict *d = calloc(1, sizeof *d);
    if (!d) return LK_ERR_NOMEM;
    size_t pl = strlen(path) + 1;
    if (lk_vocab_create(&d->words) != LK_OK || lk_vocab_create(&d->prefixes) != LK_OK ||
        !(d->path = malloc(pl))) {
        lk_userdict_free(d);
        return LK_ERR_NOMEM;
    }
    memcpy(d->path, path, pl);
    *out = d;
    return LK_OK;
}

/* Add (or replace) word w (valid UTF-8, len bytes) with tag t (tl bytes, or NULL). */
static lk_status add(lk_userdict *d, const char *w, size_t len, const char *t, size_t tl,
                     int64_t line, int64_t col)
{
    int32_t id;
    lk_status st = lk_vocab_add(d->words, w, len, &id);
    if (st != LK_OK) return st;
    if ((st = lk_grow((void **)&d->entries, &d->cap, (size_t)id + 1, sizeof *d->entries)) != LK_OK)
        return st;
    if ((size_t)id + 1 == (size_t)lk_vocab_size(d->words) && lk_vocab_count(d->words, id) == 1)
        memset(&d->entries[id], 0, sizeof d->entries[id]);
    entry *e = &d->entries[id];
    free(e->tag);
    e->tag = NULL;
    if (t) {
        if (!(e->tag = malloc(tl + 1))) return LK_ERR_NOMEM;
        memcpy(e->tag, t, tl);
        e->tag[tl] = '\0';
    }
    e->line = line;
    e->col = col;
    for (size_t i = 1; i < len && st == LK_OK; i++)
        if (((unsigned char)w[i] & 0xC0) != 0x80) st = lk_vocab_add(d->prefixes, w, i, NULL);
    return st;
}

static bool blank(char c) { return c == ' ' || c == '\t'; }

lk_status lk_userdict_split_line(const char *s, size_t len, const char *path, int64_t line,
                                 const char **word, size_t *word_len, const char **tag,
                                 size_t *tag_len, lk_error *err)
{
    *word = *tag = NULL;
    *word_len = *tag_len = 0;
    lk_status st = lk_utf8_check_line(s, len, path, line, err);
    if (st != LK_OK) return st;
    size_t f[3][2], nf = 0, i = 0; /* field byte spans */
    while (i < len) {
        while (i < len && blank(s[i])) i++;
        if (i >= len) break;
        if (nf == 0 && s[i] == '#') return LK_OK; /* comment */
        size_t a = i;
        while (i < len && !blank(s[i])) i++;
        if (nf == 3) break;
        f[nf][0] = a;
        f[nf][1] = i;
        nf++;
    }
    if (nf == 0) return LK_OK;
    if (nf > 2)
        return lk_error_at(err, path, line, lk_utf8_column(s, f[2][0]),
                           "expected `word [TAG]`, found a third field");
    *word = s + f[0][0];
    *word_len = f[0][1] - f[0][0];
    if (nf == 2) {
        *tag = s + f[1][0];
        *tag_len = f[1][1] - f[1][0];
    }
    return LK_OK;
}

/* Parse one line into d; errors name path:line:col. */
static lk_status parse_line(lk_userdict *d, const char *s, size_t len, const char *path,
                            int64_t line, lk_error *err)
{
    const char *w, *t;
    size_t wl, tl;
    lk_status st = lk_userdict_split_line(s, len, path, line, &w, &wl, &t, &tl, err);
    if (st != LK_OK || wl == 0) return st;
    if (wl > LK_USERDICT_WORD_MAX)
        return lk_error_at(err, path, line, lk_utf8_column(s, (size_t)(w - s)),
                           "word longer than %d bytes", LK_USERDICT_WORD_MAX);
    int64_t tcol = t ? lk_utf8_column(s, (size_t)(t - s)) : 0;
    st = add(d, w, wl, t, tl, line, tcol);
    if (st != LK_OK) return lk_error_set(err, st, "%s: %s", path, lk_status_str(st));
    return LK_OK;
}

lk_status lk_userdict_load(const char *path, lk_userdict **out, lk_error *err)
{
    lk_userdict *d = NULL;
    lk_line_reader *r = NULL;
    *out = NULL;
    lk_status st = create(path ? path : "-", &d);
    if (st != LK_OK) return lk_error_set(err, st, "out of memory");
    if ((st = lk_line_reader_open(path, &r, err)) != LK_OK) goto fail;
    const char *line;
    size_t len;
    bool got;
    while ((st = lk_line_reader_next(r, &line, &len, &got, err)) == LK_OK && got)
        if ((st = parse_line(d, line, len, lk_line_reader_path(r), lk_line_reader_lineno(r),
                             err)) != LK_OK)
            goto fail;
    if (st != LK_OK) goto fail;
    lk_line_reader_free(r);
    *out = d;
    return LK_OK;
fail:
    lk_line_reader_free(r);
    lk_userdict_free(d);
    return st;
}

lk_status lk_userdict_from_words(const char *const *words, const char *const *tags, size_t n,
                                 lk_userdict **out)
{
    lk_userdict *d = NULL;
    lk_status st = create("", &d);
    for (size_t i = 0; i < n && st == LK_OK; i++) {
        size_t wl = strlen(words[i]);
        if (wl == 0 || wl > LK_USERDICT_WORD_MAX || !lk_utf8_valid(words[i], wl, NULL))
            st = LK_ERR_ARG;
        else
            st = add(d, words[i], wl, tags ? tags[i] : NULL, tags && tags[i] ? strlen(tags[i]) : 0,
                     0, 0);
    }
    if (st != LK_OK) {
        lk_userdict_free(d);
        d = NULL;
    }
    *out = d;
    return st;
}

int32_t lk_userdict_size(const lk_userdict *d) { return lk_vocab_size(d->words); }
const char *lk_userdict_path(const lk_userdict *d) { return d->path; }

const char *lk_userdict_word(const lk_userdict *d, int32_t id, size_t *len)
{
    if (len) *len = lk_vocab_word_len(d->words, id);
    return lk_vocab_word(d->words, id);
}

const char *lk_userdict_tag(const lk_userdict *d, int32_t id, int64_t *line, int64_t *col)
{
    if (id < 0 || id >= lk_vocab_size(d->words)) return NULL;
    if (line) *line = d->entries[id].line;
    if (col) *col = d->entries[id].col;
    return d->entries[id].tag;
}

int32_t lk_userdict_longest(const lk_userdict *d, const char *s, const size_t *ends, size_t n,
                            int32_t *id)
{
    int32_t best = -1;
    for (size_t k = 0; k < n && ends[k] <= LK_USERDICT_WORD_MAX; k++) {
        int32_t w = lk_vocab_find(d->words, s, ends[k]);
        if (w != LK_ID_NONE) {
            best = (int32_t)k;
            *id = w;
        }
        if (lk_vocab_find(d->prefixes, s, ends[k]) == LK_ID_NONE) break;
    }
    return best;
}
