/* jsonl.c: a streaming parser for one JSON Lines document object (no DOM). The known
   keys id/title/text are decoded into a scratch buffer; every other key's value is
   validated and skipped. */
#include "text/corpus.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/corpus_internal.h"
#include "text/fileio.h"
#include "text/util.h"

#define JSON_MAX_DEPTH 256 /* nesting limit for skipped values */
#define KEYS_LINEAR_MAX 16 /* up to this many keys, duplicates are found by a linear scan */

#define SWAR_ONES 0x0101010101010101ull
#define SWAR_HIGHS 0x8080808080808080ull

struct lk_jsonl_scratch {
    char *buf;        /* decoded strings of the current line, each NUL-terminated */
    size_t cap, len;
    size_t *keys;     /* (offset, length) pairs of the top-level keys, in buf */
    size_t keys_cap;  /* in size_t elements */
    size_t n_keys;
    size_t *slots;    /* open-addressing set of key index + 1 (0 = empty), past
                         KEYS_LINEAR_MAX keys; power-of-two size */
    size_t slots_cap;
    bool hashed;      /* slots holds the current line's keys */
    size_t *others;   /* per kept other member: key index, value offset, value length,
                         is-number (4 size_t each) */
    size_t others_cap, n_others;
    lk_doc_field *fields; /* built from `others` at the end of a line */
    size_t fields_cap;
};

typedef struct {
    const char *s;
    size_t len, pos;
    lk_jsonl_scratch *sc;
    const char *path;
    int64_t lineno;
    lk_error *err;
} jparser;

enum { KEY_OTHER = 0, KEY_ID, KEY_TITLE, KEY_TEXT };

lk_status lk_jsonl_scratch_create(lk_jsonl_scratch **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? LK_OK : LK_ERR_NOMEM;
}

void lk_jsonl_scratch_free(lk_jsonl_scratch *s)
{
    if (!s) return;
    free(s->buf);
    free(s->keys);
    free(s->slots);
    free(s->others);
    free(s->fields);
    free(s);
}

/* Error at byte offset `off` of the line (column in code points). */
static lk_status jerr(const jparser *p, size_t off, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static lk_status jerr(const jparser *p, size_t off, const char *fmt, ...)
{
    char msg[LK_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (off > p->len) off = p->len;
    return lk_error_at(p->err, p->path, p->lineno, lk_utf8_column(p->s, off), "%s", msg);
}

/* "unexpected character 'x'" or "unexpected end of line" at the current position. */
static lk_status unexpected(const jparser *p, const char *expected)
{
    if (p->pos >= p->len)
        return jerr(p, p->pos, "unexpected end of line (truncated JSON?), expected %s", expected);
    unsigned char c = (unsigned char)p->s[p->pos];
    if (c >= 0x20 && c < 0x7F)
        return jerr(p, p->pos, "unexpected character '%c', expected %s", c, expected);
    return jerr(p, p->pos, "unexpected byte 0x%02X, expected %s", c, expected);
}

static inline void skip_ws(jparser *p)
{
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') break;
        p->pos++;
    }
}

static lk_status reserve(jparser *p, size_t extra)
{
    size_t need;
    if (lk_add_size(p->sc->len, extra, &need) != LK_OK) return LK_ERR_RANGE;
    lk_status st = lk_grow((void **)&p->sc->buf, &p->sc->cap, need, 1);
    if (st != LK_OK) return lk_error_set(p->err, st, "%s: out of memory", p->path);
    return LK_OK;
}

/* Nonzero if any byte of w is '"', '\\' or below 0x20 (may over-report after a hit). */
static inline uint64_t swar_special(uint64_t w)
{
    uint64_t q = w ^ (SWAR_ONES * '"');
    uint64_t b = w ^ (SWAR_ONES * '\\');
    uint64_t hits = ((q - SWAR_ONES) & ~q) | ((b - SWAR_ONES) & ~b) |
                    ((w - SWAR_ONES * 0x20) & ~w);
    return hits & SWAR_HIGHS;
}

static inline int is_special(unsigned char c) { return c == '"' || c == '\\' || c < 0x20; }

static int hex_val(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Four hex digits at s[at..at+4) into *u; false if not all hex or past the end. */
static int read_hex4(const jparser *p, size_t at, uint32_t *u)
{
    if (at + 4 > p->len) return 0;
    uint32_t v = 0;
    for (size_t i = 0; i < 4; i++) {
        int h = hex_val(p->s[at + i]);
        if (h < 0) return 0;
        v = (v << 4) | (uint32_t)h;
    }
    *u = v;
    return 1;
}

static size_t put_utf8(char *out, uint32_t cp)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) { o[0] = (unsigned char)cp; return 1; }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A \u escape at p->pos (the backslash); appends its UTF-8 to *out and advances. */
static lk_status unicode_escape(jparser *p, char **out)
{
    size_t at = p->pos;
    uint32_t u, lo;
    if (!read_hex4(p, at + 2, &u)) return jerr(p, at, "invalid \\u escape (need 4 hex digits)");
    p->pos = at + 6;
    if (u >= 0xDC00 && u <= 0xDFFF)
        return jerr(p, at, "lone low surrogate \\u%04X in string", (unsigned)u);
    if (u >= 0xD800 && u <= 0xDBFF) {
        if (p->pos + 1 >= p->len || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u' ||
            !read_hex4(p, p->pos + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF)
            return jerr(p, at, "lone high surrogate \\u%04X in string", (unsigned)u);
        u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
        p->pos += 6;
    }
    *out += put_utf8(*out, u);
    return LK_OK;
}

/* The string at p->pos (an opening quote), decoded and NUL-terminated at the end of the
   scratch buffer: *off and *n give its place. With keep false the scratch is left as it was. */
static lk_status parse_string(jparser *p, bool keep, size_t *off, size_t *n)
{
    size_t start = p->pos;
    /* Escapes never expand, so the rest of the line bounds the decoded size. */
    lk_status st = reserve(p, p->len - p->pos + 1);
    if (st != LK_OK) return st;
    const char *s = p->s;
    size_t len = p->len, pos = p->pos + 1;
    char *base = p->sc->buf + p->sc->len, *out = base;
    for (;;) {
        size_t i = pos;
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (swar_special(w)) break;
            i += 8;
        }
        while (i < len && !is_special((unsigned char)s[i])) i++;
        memcpy(out, s + pos, i - pos);
        out += i - pos;
        pos = i;
        if (pos >= len) return jerr(p, start, "unterminated string");
        unsigned char c = (unsigned char)s[pos];
        if (c == '"') { pos++; break; }
        if (c < 0x20)
            return jerr(p, pos, "control character U+%04X in string (must be escaped)", c);
        if (pos + 1 >= len) return jerr(p, start, "unterminated string");
        char e = s[pos + 1];
        switch (e) {
        case '"': *out++ = '"'; break;
        case '\\': *out++ = '\\'; break;
        case '/': *out++ = '/'; break;
        case 'b': *out++ = '\b'; break;
        case 'f': *out++ = '\f'; break;
        case 'n': *out++ = '\n'; break;
        case 'r': *out++ = '\r'; break;
        case 't': *out++ = '\t'; break;
        case 'u':
            p->pos = pos;
            st = unicode_escape(p, &out);
            if (st != LK_OK) return st;
            pos = p->pos;
            continue;
        default:
            if ((unsigned char)e >= 0x20 && (unsigned char)e < 0x7F)
                return jerr(p, pos, "invalid escape '\\%c' in string", e);
            return jerr(p, pos, "invalid escape in string");
        }
        pos += 2;
    }
    p->pos = pos;
    *out = '\0';
    if (off) *off = p->sc->len;
    if (n) *n = (size_t)(out - base);
    if (keep) p->sc->len += (size_t)(out - base) + 1;
    return LK_OK;
}

static inline int is_digit(char c) { return c >= '0' && c <= '9'; }

/* A JSON number at p->pos: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static lk_status parse_number(jparser *p)
{
    size_t start = p->pos, i = p->pos;
    const char *s = p->s;
    if (i < p->len && s[i] == '-') i++;
    if (i >= p->len || !is_digit(s[i])) return jerr(p, start, "invalid number");
    if (s[i] == '0') i++;
    else while (i < p->len && is_digit(s[i])) i++;
    if (i < p->len && s[i] == '.') {
        i++;
        if (i >= p->len || !is_digit(s[i])) return jerr(p, start, "invalid number");
        while (i < p->len && is_digit(s[i])) i++;
    }
    if (i < p->len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < p->len && (s[i] == '+' || s[i] == '-')) i++;
        if (i >= p->len || !is_digit(s[i])) return jerr(p, start, "invalid number");
        while (i < p->len && is_digit(s[i])) i++;
    }
    p->pos = i;
    return LK_OK;
}

static lk_status parse_literal(jparser *p, const char *word)
{
    size_t n = strlen(word);
    if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
        return unexpected(p, "a JSON value");
    p->pos += n;
    return LK_OK;
}

static lk_status skip_value(jparser *p, int depth);

/* Object or array at p->pos; `close` is '}' or ']'. */
static lk_status skip_container(jparser *p, char close, int depth)
{
    if (depth >= JSON_MAX_DEPTH)
        return jerr(p, p->pos, "JSON nested deeper than %d levels", JSON_MAX_DEPTH);
    p->pos++;
    skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == close) {
        p->pos++;
        return LK_OK;
    }
    for (;;) {
        lk_status st;
        if (close == '}') {
            if (p->pos >= p->len || p->s[p->pos] != '"') return unexpected(p, "'\"' (a key)");
            st = parse_string(p, false, NULL, NULL);
            if (st != LK_OK) return st;
            skip_ws(p);
            if (p->pos >= p->len || p->s[p->pos] != ':') return unexpected(p, "':'");
            p->pos++;
            skip_ws(p);
        }
        st = skip_value(p, depth + 1);
        if (st != LK_OK) return st;
        skip_ws(p);
        if (p->pos < p->len && p->s[p->pos] == ',') {
            p->pos++;
            skip_ws(p);
            continue;
        }
        if (p->pos < p->len && p->s[p->pos] == close) {
            p->pos++;
            return LK_OK;
        }
        return unexpected(p, close == '}' ? "',' or '}'" : "',' or ']'");
    }
}

static lk_status skip_value(jparser *p, int depth)
{
    if (p->pos >= p->len) return unexpected(p, "a JSON value");
    char c = p->s[p->pos];
    switch (c) {
    case '"': return parse_string(p, false, NULL, NULL);
    case '{': return skip_container(p, '}', depth);
    case '[': return skip_container(p, ']', depth);
    case 't': return parse_literal(p, "true");
    case 'f': return parse_literal(p, "false");
    case 'n': return parse_literal(p, "null");
    default:
        if (c == '-' || is_digit(c)) return parse_number(p);
        return unexpected(p, "a JSON value");
    }
}

static int key_kind(const char *k, size_t n)
{
    if (n == 2 && memcmp(k, "id", 2) == 0) return KEY_ID;
    if (n == 4 && memcmp(k, "text", 4) == 0) return KEY_TEXT;
    if (n == 5 && memcmp(k, "title", 5) == 0) return KEY_TITLE;
    return KEY_OTHER;
}

static bool key_equal(const lk_jsonl_scratch *sc, size_t idx, const char *k, size_t n)
{
    return sc->keys[2 * idx + 1] == n && memcmp(sc->buf + sc->keys[2 * idx], k, n) == 0;
}

/* Insert key `idx` into the hash set; true if an equal key was already there. */
static bool slots_insert(lk_jsonl_scratch *sc, size_t idx)
{
    const char *k = sc->buf + sc->keys[2 * idx];
    size_t n = sc->keys[2 * idx + 1], mask = sc->slots_cap - 1;
    for (size_t i = (size_t)lk_fnv1a64(k, n) & mask;; i = (i + 1) & mask) {
        if (sc->slots[i] == 0) {
            sc->slots[i] = idx + 1;
            return false;
        }
        if (key_equal(sc, sc->slots[i] - 1, k, n)) return true;
    }
}

/* Make the hash set hold keys 0..n_keys-1 with room to spare; rehashes when needed. */
static lk_status slots_fit(lk_jsonl_scratch *sc, size_t n_keys)
{
    if (sc->hashed && 2 * n_keys <= sc->slots_cap) return LK_OK;
    size_t cap = sc->slots_cap ? sc->slots_cap : 4 * KEYS_LINEAR_MAX;
    while (cap < 2 * n_keys) {
        if (cap > SIZE_MAX / 2 / sizeof *sc->slots) return LK_ERR_NOMEM;
        cap *= 2;
    }
    if (cap != sc->slots_cap) {
        size_t *ns = malloc(cap * sizeof *ns);
        if (!ns) return LK_ERR_NOMEM;
        free(sc->slots);
        sc->slots = ns;
        sc->slots_cap = cap;
    }
    memset(sc->slots, 0, sc->slots_cap * sizeof *sc->slots);
    sc->hashed = true;
    for (size_t i = 0; i + 1 < n_keys; i++) slots_insert(sc, i);
    return LK_OK;
}

/* Parse the key at p->pos, reject a duplicate of an earlier top-level key. */
static lk_status parse_key(jparser *p, int *kind)
{
    size_t at = p->pos, off, n;
    lk_status st = parse_string(p, true, &off, &n);
    if (st != LK_OK) return st;
    lk_jsonl_scratch *sc = p->sc;
    st = lk_grow((void **)&sc->keys, &sc->keys_cap, 2 * sc->n_keys + 2, sizeof(size_t));
    if (st != LK_OK) return lk_error_set(p->err, st, "%s: out of memory", p->path);
    size_t idx = sc->n_keys++;
    sc->keys[2 * idx] = off;
    sc->keys[2 * idx + 1] = n;
    const char *k = sc->buf + off;
    bool dup = false;
    if (sc->n_keys <= KEYS_LINEAR_MAX) {
        for (size_t i = 0; i < idx && !dup; i++) dup = key_equal(sc, i, k, n);
    } else {
        if (slots_fit(sc, sc->n_keys) != LK_OK)
            return lk_error_set(p->err, LK_ERR_NOMEM, "%s: out of memory", p->path);
        dup = slots_insert(sc, idx);
    }
    if (dup) return jerr(p, at, "duplicate key \"%.*s\"", (int)(n > 64 ? 64 : n), k);
    *kind = key_kind(k, n);
    return LK_OK;
}

typedef struct {
    bool have;
    size_t off, len;
} jfield;

/* Value of a known key into `f`. */
static lk_status parse_known(jparser *p, int kind, jfield *f)
{
    size_t at = p->pos;
    char c = at < p->len ? p->s[at] : '\0';
    lk_status st;
    if (c == '"') {
        st = parse_string(p, true, &f->off, &f->len);
        if (st != LK_OK) return st;
        f->have = true;
        return LK_OK;
    }
    if (kind == KEY_ID && (c == '-' || is_digit(c))) {
        st = parse_number(p);
        if (st != LK_OK) return st;
        size_t n = p->pos - at;
        st = reserve(p, n + 1);
        if (st != LK_OK) return st;
        memcpy(p->sc->buf + p->sc->len, p->s + at, n);
        p->sc->buf[p->sc->len + n] = '\0';
        f->off = p->sc->len;
        f->len = n;
        f->have = true;
        p->sc->len += n + 1;
        return LK_OK;
    }
    if (kind == KEY_TITLE && c == 'n') return parse_literal(p, "null");
    if (p->pos >= p->len) return unexpected(p, "a JSON value");
    if (kind == KEY_ID) return jerr(p, at, "\"id\" must be a string or a number");
    if (kind == KEY_TITLE) return jerr(p, at, "\"title\" must be a string or null");
    return jerr(p, at, "\"text\" must be a string");
}

/* Value of another key: strings and numbers are kept (lk_doc.fields), the rest skipped. */
static lk_status parse_other(jparser *p)
{
    lk_jsonl_scratch *sc = p->sc;
    size_t at = p->pos, off, n;
    char c = at < p->len ? p->s[at] : '\0';
    bool number = c == '-' || is_digit(c);
    if (c != '"' && !number) return skip_value(p, 1);
    lk_status st = lk_grow((void **)&sc->others, &sc->others_cap, 4 * sc->n_others + 4,
                           sizeof(size_t));
    if (st != LK_OK) return lk_error_set(p->err, st, "%s: out of memory", p->path);
    if (number) {
        if ((st = parse_number(p)) != LK_OK) return st;
        n = p->pos - at;
        if ((st = reserve(p, n + 1)) != LK_OK) return st;
        off = sc->len;
        memcpy(sc->buf + off, p->s + at, n);
        sc->buf[off + n] = '\0';
        sc->len += n + 1;
    } else if ((st = parse_string(p, true, &off, &n)) != LK_OK) {
        return st;
    }
    size_t *o = sc->others + 4 * sc->n_others++;
    o[0] = sc->n_keys - 1;
    o[1] = off;
    o[2] = n;
    o[3] = number;
    return LK_OK;
}

/* The members of the top-level object after its '{'. */
static lk_status parse_members(jparser *p, jfield fields[4])
{
    skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == '}') {
        p->pos++;
        return LK_OK;
    }
    for (;;) {
        int kind = KEY_OTHER;
        if (p->pos >= p->len || p->s[p->pos] != '"') return unexpected(p, "'\"' (a key)");
        lk_status st = parse_key(p, &kind);
        if (st != LK_OK) return st;
        skip_ws(p);
        if (p->pos >= p->len || p->s[p->pos] != ':') return unexpected(p, "':'");
        p->pos++;
        skip_ws(p);
        st = kind == KEY_OTHER ? parse_other(p) : parse_known(p, kind, &fields[kind]);
        if (st != LK_OK) return st;
        skip_ws(p);
        if (p->pos < p->len && p->s[p->pos] == ',') {
            p->pos++;
            skip_ws(p);
            continue;
        }
        if (p->pos < p->len && p->s[p->pos] == '}') {
            p->pos++;
            return LK_OK;
        }
        return unexpected(p, "',' or '}'");
    }
}

lk_status lk_jsonl_parse_doc(lk_jsonl_scratch *s, const char *line, size_t len, lk_doc *doc,
                             const char *path, int64_t lineno, lk_error *err)
{
    if (!s || (!line && len) || !doc) return lk_error_set(err, LK_ERR_ARG, "invalid argument");
    if (!path) path = "-";
    lk_status st = lk_corpus_check_utf8(line, len, path, lineno, err);
    if (st != LK_OK) return st;
    jparser p = {line ? line : "", len, 0, s, path, lineno, err};
    jfield fields[4] = {{false, 0, 0}, {false, 0, 0}, {false, 0, 0}, {false, 0, 0}};
    s->len = 0;
    s->n_keys = 0;
    s->hashed = false;
    s->n_others = 0;
    skip_ws(&p);
    if (p.pos >= p.len || p.s[p.pos] != '{') return unexpected(&p, "'{' (a JSON object)");
    p.pos++;
    st = parse_members(&p, fields);
    if (st != LK_OK) return st;
    skip_ws(&p);
    if (p.pos < p.len) return jerr(&p, p.pos, "trailing characters after the JSON object");
    if (!fields[KEY_ID].have) return jerr(&p, 0, "missing \"id\"");
    if (!fields[KEY_TEXT].have) return jerr(&p, 0, "missing \"text\"");
    doc->id = s->buf + fields[KEY_ID].off;
    doc->id_len = fields[KEY_ID].len;
    doc->text = s->buf + fields[KEY_TEXT].off;
    doc->text_len = fields[KEY_TEXT].len;
    if (fields[KEY_TITLE].have) {
        doc->title = s->buf + fields[KEY_TITLE].off;
        doc->title_len = fields[KEY_TITLE].len;
    } else {
        doc->title = "";
        doc->title_len = 0;
    }
    doc->line = lineno;
    st = lk_grow((void **)&s->fields, &s->fields_cap, s->n_others ? s->n_others : 1,
                 sizeof *s->fields);
    if (st != LK_OK) return lk_error_set(err, st, "%s: out of memory", path);
    for (size_t i = 0; i < s->n_others; i++) {
        const size_t *o = s->others + 4 * i;
        lk_doc_field *f = &s->fields[i];
        f->name = s->buf + s->keys[2 * o[0]];
        f->name_len = s->keys[2 * o[0] + 1];
        f->value = s->buf + o[1];
        f->value_len = o[2];
        f->number = o[3] != 0;
    }
    doc->fields = s->fields;
    doc->n_fields = s->n_others;
    return LK_OK;
}

void lk_json_write_str(FILE *fp, const char *s, size_t n)
{
    putc('"', fp);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') fprintf(fp, "\\%c", c);
        else if (c == '\n') fputs("\\n", fp);
        else if (c == '\t') fputs("\\t", fp);
        else if (c < 0x20 || c == 0x7F) fprintf(fp, "\\u%04x", c);
        else putc(c, fp);
    }
    putc('"', fp);
}
