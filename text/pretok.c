/* pretok.c: units for a segmenter from the lexkit tokenizer's tokens, URLs, e-mail
   addresses and @handles found first (the tokenizer would split them at . / : @ _). */
#include "text/pretok.h"

#include <stdlib.h>
#include <string.h>

#include "text/fileio.h"
#include "text/tokenize.h"
#include "text/url.h"
#include "text/utf8.h"

struct lk_pretok {
    lk_tokenizer *tok;
    lk_pretok_unit *units;
    size_t n, cap;
    char *fold;     /* the text with full-width ASCII forms (U+FF01..FF5E) as ASCII */
    size_t *fmap;   /* per byte of fold (and its end): the byte offset in the text */
    size_t fold_cap, fmap_cap;
    lk_token *pieces; /* the tokenizer's tokens, numbers cut at non-thousands commas */
    size_t pieces_cap;
};

lk_status lk_pretok_create(lk_pretok **out)
{
    *out = NULL;
    lk_pretok *p = calloc(1, sizeof *p);
    if (!p) return LK_ERR_NOMEM;
    lk_tokenizer_config c = lk_tokenizer_config_default(); /* NFKC: full-width forms fold */
    c.drop_format = false; /* the ignorable characters are handled here (trim_ignorable) */
    lk_status st = lk_tokenizer_create(&c, &p->tok);
    if (st != LK_OK) {
        lk_pretok_free(p);
        return st;
    }
    *out = p;
    return LK_OK;
}

void lk_pretok_free(lk_pretok *p)
{
    if (!p) return;
    lk_tokenizer_free(p->tok);
    free(p->units);
    free(p->fold);
    free(p->fmap);
    free(p->pieces);
    free(p);
}

static bool ascii_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* A character of an e-mail address's local part: a URL or address may continue over it. */
static bool local_char(unsigned char c)
{
    return ascii_alnum(c) || (c != 0 && strchr("._%+-", c) != NULL);
}

/* ---- units -------------------------------------------------------------------------------- */

static lk_status push(lk_pretok *p, size_t start, size_t len, lk_pretok_kind kind)
{
    lk_status st = lk_grow((void **)&p->units, &p->cap, p->n + 1, sizeof *p->units);
    if (st != LK_OK) return st;
    p->units[p->n++] = (lk_pretok_unit){start, len, kind};
    return LK_OK;
}

/* A mark that repeats as one token in Chinese text (…… —— ... --). */
static bool run_mark(const char *t, size_t n)
{
    static const char *const marks[] = {"\xE2\x80\xA6", "\xE2\x80\x94", ".", "-", "~",
                                        "\xEF\xBD\x9E", "\xC2\xB7"}; /* … — . - ~ ～ · */
    for (size_t k = 0; k < sizeof marks / sizeof *marks; k++)
        if (strlen(marks[k]) == n && memcmp(marks[k], t, n) == 0) return true;
    return false;
}

static bool percent_sign(const char *t, size_t n)
{
    return (n == 1 && t[0] == '%') || (n == 3 && (memcmp(t, "\xE2\x80\xB0", 3) == 0 ||
                                                  memcmp(t, "\xEF\xBC\x85", 3) == 0)); /* ‰ ％ */
}

/* Shrink [*a, *b) of s past the ignorable characters at either end (lk_is_ignorable: the
   tokenizer attaches a ZWJ, ZWNJ or soft hyphen to the token before it); those inside stay
   (an emoji ZWJ sequence). Empty when all of it is ignorable. */
static void trim_ignorable(const char *s, size_t *a, size_t *b)
{
    size_t first = *b, last = *a;
    for (size_t i = *a; i < *b;) {
        int32_t cp;
        size_t cl = lk_utf8_decode(s + i, *b - i, &cp);
        if (cl == 0) break; /* cannot happen: the text was validated */
        if (!lk_is_ignorable(cp)) {
            if (first == *b) first = i;
            last = i + cl;
        }
        i += cl;
    }
    *a = first < last ? first : *a;
    *b = first < last ? last : *a;
}

static bool digit_cp(int32_t cp) { return (cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19); }
static bool comma_cp(int32_t cp) { return cp == ',' || cp == 0xFF0C; } /* , ， */

/* The end of the number that starts s[a..b) (a number span, valid UTF-8): at the first comma
   that is not a thousands separator, i.e. not followed by exactly three digits and then the
   end, another comma, a '.' or a non-digit (the tokenizer joins any digits around `.` and
   an ASCII `,`, so `1,23` stays whole; `，` it joins as here, wide_comma_thousands, but
   `3-2，2011年` gave the number `2，2011` before it did). Chinese text writes no decimal
   comma; a comma after the decimal point ends the number too. */
static size_t number_end(const char *s, size_t a, size_t b)
{
    bool decimal = false;
    for (size_t i = a; i < b;) {
        int32_t cp;
        size_t cl = lk_utf8_decode(s + i, b - i, &cp);
        if (cl == 0) return b; /* cannot happen: the text was validated */
        if (comma_cp(cp)) {
            if (decimal || i == a) return i;
            size_t j = i + cl, digits = 0;
            int32_t d;
            size_t dl;
            while (j < b && (dl = lk_utf8_decode(s + j, b - j, &d)) > 0 && digit_cp(d)) {
                digits++;
                j += dl;
            }
            if (digits != 3) return i;
        } else if (cp == '.' || cp == 0xFF0E) {
            decimal = true;
        } else if (!digit_cp(cp)) {
            decimal = false; /* 9:00, 3-2: a new number part */
        }
        i += cl;
    }
    return b;
}

/* *toks[0..*n) of s with every number cut at its commas that are not thousands separators
   (number_end), the comma a punctuation token of its own: p->pieces. */
static lk_status cut_numbers(lk_pretok *p, const char *s, const lk_token **toks, size_t *n)
{
    const lk_token *t = *toks;
    size_t extra = 0;
    for (size_t i = 0; i < *n; i++)
        if (t[i].kind == LK_TOK_NUMBER)
            for (size_t a = t[i].start, b = a + t[i].len, c; (c = number_end(s, a, b)) < b;)
                a = c + lk_utf8_decode(s + c, b - c, &(int32_t){0}), extra += 2;
    if (extra == 0) return LK_OK;
    lk_status st = lk_grow_ptr(&p->pieces, &p->pieces_cap, *n + extra, sizeof *p->pieces);
    if (st != LK_OK) return st;
    size_t o = 0;
    for (size_t i = 0; i < *n; i++) {
        if (t[i].kind != LK_TOK_NUMBER) {
            p->pieces[o++] = t[i];
            continue;
        }
        size_t a = t[i].start, b = a + t[i].len, c;
        while ((c = number_end(s, a, b)) < b) {
            size_t cl = lk_utf8_decode(s + c, b - c, &(int32_t){0});
            if (c > a) p->pieces[o++] = (lk_token){a, c - a, NULL, 0, LK_TOK_NUMBER};
            p->pieces[o++] = (lk_token){c, cl, ",", 1, LK_TOK_PUNCT};
            a = c + cl;
        }
        if (b > a) p->pieces[o++] = (lk_token){a, b - a, NULL, 0, LK_TOK_NUMBER};
    }
    *toks = p->pieces;
    *n = o;
    return LK_OK;
}

/* Units of the tokens of s[0..len) (at byte offset base of the whole text). */
static lk_status add_tokens(lk_pretok *p, const char *s, size_t len, size_t base, lk_error *err)
{
    const lk_token *toks;
    size_t n;
    lk_status st = lk_tokenize(p->tok, s, len, &toks, &n, err);
    if (st == LK_OK) st = cut_numbers(p, s, &toks, &n);
    size_t done = 0; /* end of the last unit: NFKC may give several tokens one span (…) */
    for (size_t i = 0; i < n && st == LK_OK; i++) {
        const lk_token *t = &toks[i];
        size_t start = t->start, end = t->start + t->len;
        if (start < done) continue;
        if (t->kind == LK_TOK_HAN && t->len == 3 && memcmp(s + start, "\xE7\xAC\xAC", 3) == 0 &&
            i + 1 < n && toks[i + 1].kind == LK_TOK_NUMBER && toks[i + 1].start == end) {
            t = &toks[++i]; /* 第89: one number, as UD GSD writes it (第46, 第117) */
            end = t->start + t->len;
        }
        lk_pretok_kind kind = t->kind == LK_TOK_NUMBER ? LK_PRETOK_NUM : LK_PRETOK_WORD;
        if (t->kind == LK_TOK_HAN) {
            kind = LK_PRETOK_HAN;
        } else if (t->kind == LK_TOK_PUNCT || t->kind == LK_TOK_SYMBOL) {
            kind = LK_PRETOK_PUNCT;
            if (run_mark(s + start, end - start)) { /* …… —— ... as one mark */
                size_t cl = end - start;
                while (end + cl <= len && memcmp(s + end, s + start, cl) == 0) end += cl;
                while (i + 1 < n && toks[i + 1].start < end) i++;
            }
        } else if (t->kind == LK_TOK_WORD && t->text_len > 0 &&
                   t->text[t->text_len - 1] >= '0' && t->text[t->text_len - 1] <= '9') {
            /* PM2.5, H1.5: a word ending in a digit, '.' and digits is one unit, as 5.2 is */
            while (i + 2 < n && toks[i + 1].start == end && toks[i + 1].text_len == 1 &&
                   toks[i + 1].text[0] == '.' && toks[i + 2].kind == LK_TOK_NUMBER &&
                   toks[i + 2].start == toks[i + 1].start + toks[i + 1].len) {
                end = toks[i + 2].start + toks[i + 2].len;
                i += 2;
            }
        } else if (t->kind == LK_TOK_NUMBER) {
            /* 9:00 (10：30 too), 2011/12 and 1/3 are one number, and so are numbers joined by
               two or more hyphens (400-123-4567, 2026-12-05), as UD GSD and EWT write them; a
               range or a score (1927-1994, 35-760, 3-2) stays three words, as GSD writes most */
            size_t hyphens = 0;
            while (i + 2 * (hyphens + 1) < n) {
                const lk_token *h = &toks[i + 2 * hyphens + 1], *d = h + 1;
                size_t e = hyphens ? d[-2].start + d[-2].len : end;
                if (h->start != e || h->len != 1 || s[e] != '-' || d->kind != LK_TOK_NUMBER ||
                    d->start != h->start + 1)
                    break;
                hyphens++;
            }
            if (hyphens >= 2) {
                i += 2 * hyphens;
                end = toks[i].start + toks[i].len;
            }
            while (i + 2 < n && toks[i + 1].start == end &&
                   ((toks[i + 1].len == 1 && (s[end] == ':' || s[end] == '/')) ||
                    (toks[i + 1].len == 3 && memcmp(s + end, "\xEF\xBC\x9A", 3) == 0)) && /* ： */
                   toks[i + 2].kind == LK_TOK_NUMBER &&
                   toks[i + 2].start == toks[i + 1].start + toks[i + 1].len) {
                end = toks[i + 2].start + toks[i + 2].len;
                i += 2;
            }
            if (i + 1 < n && toks[i + 1].start == end &&
                percent_sign(s + end, toks[i + 1].len)) {
                i++;
                end = toks[i].start + toks[i].len;
            }
        }
        done = end;
        trim_ignorable(s, &start, &end);
        if (end > start) st = push(p, base + start, end - start, kind);
    }
    return st;
}

#define FULLWIDTH_FIRST 0xFF01 /* ！, NFKC '!' */
#define FULLWIDTH_LAST 0xFF5E  /* ～, NFKC '~' */
#define FULLWIDTH_OFFSET (FULLWIDTH_FIRST - '!')

/* p->fold: s[0..len) (valid UTF-8) with every full-width ASCII form as its ASCII character
   (NFKC's mapping of U+FF01..FF5E), p->fmap its byte offsets in s, so that URLs, e-mail
   addresses and host names are found after NFKC as the tokenizer's units are. */
static lk_status fold_fullwidth(lk_pretok *p, const char *s, size_t len, size_t *flen)
{
    lk_status st;
    if ((st = lk_grow_ptr(&p->fold, &p->fold_cap, len + 1, 1)) != LK_OK ||
        (st = lk_grow_ptr(&p->fmap, &p->fmap_cap, len + 1, sizeof *p->fmap)) != LK_OK)
        return st;
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        int32_t cp = 0;
        size_t cl = (unsigned char)s[i] < 0x80 ? 1 : lk_utf8_decode(s + i, len - i, &cp);
        if (cl == 0) cl = 1;
        if (cl == 3 && cp >= FULLWIDTH_FIRST && cp <= FULLWIDTH_LAST) {
            p->fmap[o] = i;
            p->fold[o++] = (char)(cp - FULLWIDTH_OFFSET);
        } else {
            for (size_t k = 0; k < cl; k++) {
                p->fmap[o] = i + k;
                p->fold[o++] = s[i + k];
            }
        }
        i += cl;
    }
    p->fmap[o] = len;
    *flen = o;
    return LK_OK;
}

lk_status lk_pretok_text(lk_pretok *p, const char *s, size_t len, const lk_pretok_unit **units,
                         size_t *n, lk_error *err)
{
    size_t bad, flen = 0;
    p->n = 0;
    *n = 0;
    if (!lk_utf8_valid(s, len, &bad))
        return lk_utf8_error(s, len, bad, NULL, 0, err);
    lk_status st = fold_fullwidth(p, s, len, &flen);
    if (st != LK_OK) return st;
    const char *f = p->fold; /* URLs are found in f; the tokenizer reads s */
    const size_t *fm = p->fmap;
    size_t gap = 0; /* start of the text not yet tokenized (in f) */
    for (size_t i = 0; i < flen && st == LK_OK;) {
        unsigned char c = (unsigned char)f[i];
        bool boundary = i == 0 || !(ascii_alnum((unsigned char)f[i - 1]) ||
                                    local_char((unsigned char)f[i - 1]) || f[i - 1] == '/');
        size_t m = 0;
        if (boundary && ascii_alnum(c)) {
            m = lk_url_len(f + i, flen - i);
            if (m == 0) m = lk_url_email_len(f + i, flen - i);
            if (m == 0) m = lk_url_host_len(f + i, flen - i);
        } else if (boundary && c == '@') {
            m = lk_url_handle_len(f + i, flen - i); /* @zhang_san (a@b is no handle) */
        }
        if (m == 0) {
            i++;
            continue;
        }
        if (i > gap) st = add_tokens(p, s + fm[gap], fm[i] - fm[gap], fm[gap], err);
        if (st == LK_OK) st = push(p, fm[i], fm[i + m] - fm[i], LK_PRETOK_WORD);
        i += m;
        gap = i;
    }
    if (st == LK_OK && flen > gap) st = add_tokens(p, s + fm[gap], len - fm[gap], fm[gap], err);
    *units = p->units;
    *n = st == LK_OK ? p->n : 0;
    return st;
}
