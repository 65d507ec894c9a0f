#define _POSIX_C_SOURCE 200809L
#include "models/vectors.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "models/embed_loss.h"
#include "text/fileio.h"
#include "text/utf8.h"
#include "text/vocab.h"

struct lk_vectors {
    int32_t dim, n;
    lk_vocab *words;  /* id = row */
    float *data;      /* (n, dim) */
    float *inv_norm;  /* (n): 1 / |row|, 0 for a zero row */
    size_t cap_data, cap_norm;
};

lk_status lk_vectors_create(int32_t dim, lk_vectors **out)
{
    *out = NULL;
    if (dim <= 0) return LK_ERR_ARG;
    lk_vectors *v = calloc(1, sizeof *v);
    if (!v) return LK_ERR_NOMEM;
    v->dim = dim;
    lk_status st = lk_vocab_create(&v->words);
    if (st != LK_OK) {
        free(v);
        return st;
    }
    *out = v;
    return LK_OK;
}

void lk_vectors_free(lk_vectors *v)
{
    if (!v) return;
    lk_vocab_free(v->words);
    free(v->data);
    free(v->inv_norm);
    free(v);
}

static bool is_space_byte(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

#define QUOTE_MAX 64 /* bytes of a file's text quoted in a message, escaped (4 per byte) */

/* At most QUOTE_MAX bytes of s[0..len) as a message can print them, into out (QUOTE_MAX * 4
   + 1 bytes; lk_utf8_printable: a binary file read as text must not put raw bytes in an
   error message). */
static const char *quote_bytes(const char *s, size_t len, char *out)
{
    return lk_utf8_printable(s, len > QUOTE_MAX ? QUOTE_MAX : len, out, QUOTE_MAX * 4 + 1);
}

lk_status lk_vectors_add(lk_vectors *v, const char *w, size_t len, const float *vec)
{
    if (!v || !w || len == 0 || !vec) return LK_ERR_ARG;
    for (size_t i = 0; i < len; i++)
        if (is_space_byte(w[i]) || w[i] == '\0') return LK_ERR_ARG; /* words are C strings */
    if (lk_vocab_find(v->words, w, len) != LK_ID_NONE) return LK_ERR_ARG;
    if (v->n == INT32_MAX) return LK_ERR_RANGE;
    size_t need;
    lk_status st = lk_mul_size((size_t)v->n + 1, (size_t)v->dim, &need);
    if (st == LK_OK) st = lk_grow((void **)&v->data, &v->cap_data, need, sizeof *v->data);
    if (st == LK_OK)
        st = lk_grow((void **)&v->inv_norm, &v->cap_norm, (size_t)v->n + 1, sizeof *v->inv_norm);
    if (st == LK_OK) st = lk_vocab_add(v->words, w, len, NULL);
    if (st != LK_OK) return st;
    float *row = v->data + (size_t)v->n * v->dim;
    memcpy(row, vec, (size_t)v->dim * sizeof *row);
    double ss = 0;
    for (int32_t i = 0; i < v->dim; i++) ss += (double)row[i] * row[i];
    v->inv_norm[v->n] = ss > 0 ? (float)(1.0 / sqrt(ss)) : 0.0f;
    v->n++;
    return LK_OK;
}

int32_t lk_vectors_size(const lk_vectors *v) { return v->n; }
int32_t lk_vectors_dim(const lk_vectors *v) { return v->dim; }

const char *lk_vectors_word(const lk_vectors *v, int32_t id)
{
    return (id >= 0 && id < v->n) ? lk_vocab_word(v->words, id) : NULL;
}

const float *lk_vectors_row(const lk_vectors *v, int32_t id)
{
    return (id >= 0 && id < v->n) ? v->data + (size_t)id * v->dim : NULL;
}

int32_t lk_vectors_find(const lk_vectors *v, const char *w, size_t len)
{
    return lk_vocab_find(v->words, w, len);
}

/* ---- reading ------------------------------------------------------------------ */

/* Parse "V D" from a header line. 0 words is an empty table, as gensim writes and reads
   it; its dim is bounded (no row shows that the file holds that many values). */
static lk_status parse_header(const char *line, size_t len, const char *path, int64_t *V,
                              int64_t *D, lk_error *err)
{
    char buf[64];
    if (len >= sizeof buf) len = sizeof buf - 1;
    memcpy(buf, line, len);
    buf[len] = '\0';
    char *end;
    errno = 0;
    long long a = strtoll(buf, &end, 10);
    char *p = end;
    long long b = strtoll(p, &end, 10);
    while (*end == ' ' || *end == '\t' || *end == '\r') end++;
    if (errno || p == buf || end == p || *end || a < 0 || b <= 0 || a > INT32_MAX ||
        b > INT32_MAX || (a == 0 && b > LK_VECTORS_MAX_EMPTY_DIM)) {
        char shown[48]; /* the line as text: a binary file's bytes as \xNN, not raw */
        lk_utf8_printable(line, len, shown, sizeof shown);
        return lk_error_at(err, path, 1, 1,
                           "expected a header 'WORDS DIM' (two positive integers, or 0 words of "
                           "dim at most %d), got '%s'", LK_VECTORS_MAX_EMPTY_DIM, shown);
    }
    *V = a;
    *D = b;
    return LK_OK;
}

/* One text line "word v1 ... vD" (separated by spaces or tabs; trailing space allowed). */
static lk_status parse_text_row(lk_vectors *v, const char *line, size_t len, float *row,
                                const char *path, int64_t lineno, lk_error *err)
{
    char q[QUOTE_MAX * 4 + 1];
    size_t i = 0;
    while (i < len && (line[i] == ' ' || line[i] == '\t')) i++;
    size_t ws = i;
    while (i < len && !is_space_byte(line[i])) i++;
    size_t wl = i - ws;
    if (wl == 0) return lk_error_at(err, path, lineno, 1, "empty line (expected a word)");
    int32_t D = v->dim, k = 0;
    for (;;) {
        while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) i++;
        if (i >= len) break;
        if (k == D)
            return lk_error_at(err, path, lineno, lk_utf8_column(line, i),
                               "more than %d values (the header says dim %d)", (int)D, (int)D);
        size_t tok = i; /* the token: up to the next space, quoted alone in messages */
        while (tok < len && !is_space_byte(line[tok])) tok++;
        char *end;
        errno = 0;
        float x = strtof(line + i, &end);
        /* strtof reads C99 hex floats ("0x.5"); Python's float() and gensim do not */
        size_t s = i + (line[i] == '-' || line[i] == '+');
        bool hex = s + 1 < len && line[s] == '0' && (line[s + 1] == 'x' || line[s + 1] == 'X');
        if (end == line + i || (end < line + len && !is_space_byte(*end)) || errno == ERANGE ||
            hex)
            return lk_error_at(err, path, lineno, lk_utf8_column(line, i), "bad number '%s'",
                               quote_bytes(line + i, tok - i, q));
        if (!isfinite(x))
            return lk_error_at(err, path, lineno, lk_utf8_column(line, i),
                               "'%.*s' is not a finite number", (int)(end - (line + i)), line + i);
        row[k++] = x;
        i = (size_t)(end - line);
    }
    if (k != D)
        return lk_error_at(err, path, lineno, lk_utf8_column(line, len),
                           "expected %d values after the word, found %d (header says dim %d)",
                           (int)D, (int)k, (int)D);
    lk_status st = lk_vectors_add(v, line + ws, wl, row);
    if (st == LK_ERR_ARG)
        return lk_error_at(err, path, lineno, 1, "duplicate word '%s'",
                           quote_bytes(line + ws, wl, q));
    return st;
}

/* The header's V words of dim D need at least `per_row` bytes each: check the file size
   before allocating (a 13-byte file saying dim 2000000000 is a parse error, not OOM).
   `size` is 0 when unknown (standard input). */
static lk_status check_size(uint64_t size, uint64_t offset, int64_t want, int64_t D,
                            uint64_t per_value, const char *path, lk_error *err)
{
    if (size == 0 || want == 0) return LK_OK;
    /* one row is enough to catch an absurd dimension; a shorter file than all rows need
       gets the reader's own "truncated" message with its line */
    double need = (double)D * (double)per_value + 1.0;
    double have = size > offset ? (double)(size - offset) : 0.0;
    if (need > have + 1.0)
        return lk_error_at(err, path, 1, 1,
                           "the header says dim %lld, which needs at least %.0f bytes per word; "
                           "the file has %.0f after the header (truncated or not a vectors file)",
                           (long long)D, need, have);
    return LK_OK;
}

/* `size`: the stream's bytes (for check_size). */
static lk_status read_text(FILE *fp, const char *path, uint64_t size, int32_t max_words,
                           lk_vectors **out, lk_error *err)
{
    lk_line_reader *r = NULL;
    lk_vectors *v = NULL;
    float *row = NULL;
    const char *line;
    size_t len;
    bool got;
    int64_t V = 0, D = 0;
    lk_status st = lk_line_reader_from_file(fp, path, &r, err);
    if (st != LK_OK) return st;
    st = lk_line_reader_next(r, &line, &len, &got, err);
    if (st != LK_OK) goto done;
    if (!got) {
        st = lk_error_at(err, path, 1, 1, "empty file (expected a header 'WORDS DIM')");
        goto done;
    }
    if ((st = parse_header(line, len, path, &V, &D, err)) != LK_OK) goto done;
    if ((st = check_size(size, lk_line_reader_offset(r),
                         (max_words > 0 && max_words < V) ? max_words : V, D, 2, path, err)) !=
        LK_OK)
        goto done;
    if ((st = lk_vectors_create((int32_t)D, &v)) != LK_OK) goto done;
    row = malloc((size_t)D * sizeof *row);
    if (!row) {
        st = LK_ERR_NOMEM;
        goto done;
    }
    int64_t want = (max_words > 0 && max_words < V) ? max_words : V;
    while (v->n < want) {
        if ((st = lk_line_reader_next(r, &line, &len, &got, err)) != LK_OK) goto done;
        if (!got) {
            st = lk_error_at(err, path, lk_line_reader_lineno(r), 0,
                             "truncated: the header says %lld words, the file has %d",
                             (long long)V, (int)v->n);
            goto done;
        }
        st = parse_text_row(v, line, len, row, path, lk_line_reader_lineno(r), err);
        if (st != LK_OK) goto done;
    }
    while (want == V) { /* only blank lines may follow */
        if ((st = lk_line_reader_next(r, &line, &len, &got, err)) != LK_OK) goto done;
        if (!got) break;
        size_t i = 0;
        while (i < len && is_space_byte(line[i])) i++;
        if (i < len) {
            st = lk_error_at(err, path, lk_line_reader_lineno(r), 1,
                             "the header says %lld words but more lines follow", (long long)V);
            goto done;
        }
    }
done:
    free(row);
    lk_line_reader_free(r);
    if (st != LK_OK) {
        lk_vectors_free(v);
        v = NULL;
    }
    *out = v;
    return st;
}

static lk_status read_binary(FILE *fp, const char *path, uint64_t size, int64_t V, int64_t D,
                             int32_t max_words, lk_vectors **out, lk_error *err)
{
    lk_vectors *v = NULL;
    unsigned char *raw = NULL;
    float *row = NULL;
    char *word = NULL, q[QUOTE_MAX * 4 + 1];
    size_t wcap = 0;
    long pos = ftell(fp);
    lk_status st = check_size(size, pos > 0 ? (uint64_t)pos : 0,
                              (max_words > 0 && max_words < V) ? max_words : V, D, 4, path, err);
    if (st == LK_OK) st = lk_vectors_create((int32_t)D, &v);
    if (st != LK_OK) return st;
    raw = malloc((size_t)D * 4);
    row = malloc((size_t)D * sizeof *row);
    if (!raw || !row) {
        st = LK_ERR_NOMEM;
        goto done;
    }
    int64_t want = (max_words > 0 && max_words < V) ? max_words : V;
    while (v->n < want) {
        int c;
        do c = getc(fp);
        while (c == '\n' || c == '\r');
        size_t wl = 0;
        while (c != EOF && c != ' ') {
            if ((st = lk_grow((void **)&word, &wcap, wl + 1, 1)) != LK_OK) goto done;
            word[wl++] = (char)c;
            c = getc(fp);
        }
        if (c == EOF || fread(raw, 4, (size_t)D, fp) != (size_t)D) {
            st = lk_error_set(err, LK_ERR_PARSE,
                              "%s: truncated in word %d of %lld (the header says %lld words of "
                              "dim %lld)",
                              path, (int)v->n + 1, (long long)V, (long long)V, (long long)D);
            goto done;
        }
        for (int64_t i = 0; i < D; i++) {
            row[i] = lk_get_f32(raw + 4 * i);
            if (!isfinite(row[i])) {
                st = lk_error_set(err, LK_ERR_PARSE, "%s: word %d ('%s'): value %lld is not a "
                                  "finite number", path, (int)v->n + 1, quote_bytes(word, wl, q),
                                  (long long)i + 1);
                goto done;
            }
        }
        st = lk_vectors_add(v, word, wl, row);
        if (st == LK_ERR_ARG) {
            st = lk_error_set(err, LK_ERR_PARSE, "%s: word %d: %s '%s'", path, (int)v->n + 1,
                              wl ? "duplicate or malformed word" : "empty word",
                              quote_bytes(word, wl, q));
            goto done;
        }
        if (st != LK_OK) goto done;
    }
    if (want == V) {
        int c;
        do c = getc(fp);
        while (c != EOF && is_space_byte((char)c));
        if (c != EOF) {
            st = lk_error_set(err, LK_ERR_PARSE,
                              "%s: the header says %lld words but more data follows word %lld",
                              path, (long long)V, (long long)V);
            goto done;
        }
    }
    if (ferror(fp)) st = lk_error_set(err, LK_ERR_IO, "%s: read error", path);
done:
    free(raw);
    free(row);
    free(word);
    if (st != LK_OK) {
        lk_vectors_free(v);
        v = NULL;
    }
    *out = v;
    return st;
}

#define UTF8_BOM "\xEF\xBB\xBF"
#define UTF8_BOM_LEN 3

/* Read the header line byte by byte (so the stream stays positioned after it); a UTF-8 BOM
   before it is skipped, as every text reader of lexkit skips it (lk_line_reader). */
static lk_status read_header_line(FILE *fp, const char *path, int64_t *V, int64_t *D,
                                  lk_error *err)
{
    char buf[128];
    size_t n = 0;
    int c;
    while ((c = getc(fp)) != EOF && c != '\n') {
        if (n < sizeof buf - 1) buf[n++] = (char)c;
        if (n == UTF8_BOM_LEN && memcmp(buf, UTF8_BOM, UTF8_BOM_LEN) == 0) n = 0;
    }
    if (n == 0 && c == EOF)
        return lk_error_at(err, path, 1, 1, "empty file (expected a header 'WORDS DIM')");
    return parse_header(buf, n, path, V, D, err);
}

/* Text iff the first record, after its word and up to its newline, is printable ASCII
   with more than D/2 fields (binary float bytes almost never are). */
static bool looks_like_text(FILE *fp, int64_t D)
{
    int c;
    do c = getc(fp);
    while (c == '\n' || c == '\r');
    while (c != EOF && c != ' ' && c != '\n') c = getc(fp);
    if (c != ' ') return true; /* no values at all: let the text reader explain */
    int64_t limit = D * 40 + 64, fields = 0;
    bool in_field = false;
    for (int64_t i = 0; i < limit; i++) {
        c = getc(fp);
        if (c == '\n' || c == EOF) return 2 * fields > D;
        if (c == ' ' || c == '\t' || c == '\r') {
            in_field = false;
        } else if (c > 0x20 && c < 0x7f) {
            if (!in_field) fields++;
            in_field = true;
        } else {
            return false;
        }
    }
    return false;
}

/* A lexkit binary file (LKTG tagger, LKEM embedding model, ...) given as vectors: say what
   it is rather than "expected a header". Leaves the stream at its start. */
static lk_status check_not_lexkit_binary(FILE *fp, const char *path, lk_error *err)
{
    static const struct { const char magic[5], *kind, *hint; } kinds[] = {
        {"LKTG", "a lexkit tagger model (LKTG)", "use it with tag / eval-tagger"},
        {"LKEM", "a lexkit embedding model (LKEM)",
         "embed writes vectors with --output FILE --format text|bin"},
    };
    unsigned char m[4];
    size_t got = fread(m, 1, 4, fp);
    lk_status st = LK_OK;
    for (size_t k = 0; got == 4 && k < sizeof kinds / sizeof kinds[0]; k++)
        if (memcmp(m, kinds[k].magic, 4) == 0)
            st = lk_error_set(err, LK_ERR_FORMAT,
                              "%s: this is %s, not a word2vec vectors file (text or binary); %s",
                              path, kinds[k].kind, kinds[k].hint);
    if (st == LK_OK && fseek(fp, 0, SEEK_SET) != 0)
        st = lk_error_set(err, LK_ERR_IO, "%s: %s", path, strerror(errno));
    return st;
}

/* Read from fp, which can seek (a regular file or a memory stream) and holds `size` bytes. */
static lk_status read_seekable(FILE *fp, const char *name, uint64_t size, lk_vec_format fmt,
                               int32_t max_words, lk_vectors **out, lk_error *err)
{
    lk_status st = check_not_lexkit_binary(fp, name, err);
    if (st == LK_OK && fmt == LK_VEC_AUTO) {
        int64_t V, D;
        st = read_header_line(fp, name, &V, &D, err);
        if (st == LK_OK) fmt = looks_like_text(fp, D) ? LK_VEC_TEXT : LK_VEC_BIN;
        if (st == LK_OK && fseek(fp, 0, SEEK_SET) != 0)
            st = lk_error_set(err, LK_ERR_IO, "%s: %s", name, strerror(errno));
    }
    if (st != LK_OK) return st;
    if (fmt == LK_VEC_TEXT) return read_text(fp, name, size, max_words, out, err);
    int64_t V, D;
    st = read_header_line(fp, name, &V, &D, err);
    if (st == LK_OK) st = read_binary(fp, name, size, V, D, max_words, out, err);
    return st;
}

lk_status lk_vectors_read_mem(const char *buf, size_t n, const char *name, lk_vec_format fmt,
                              int32_t max_words, lk_vectors **out, lk_error *err)
{
    *out = NULL;
    if (n == 0) return lk_error_at(err, name, 1, 1, "empty file (expected a header 'WORDS DIM')");
    FILE *fp = fmemopen((void *)buf, n, "rb");
    if (!fp) return lk_error_set(err, LK_ERR_IO, "%s: %s", name, strerror(errno));
    lk_status st = read_seekable(fp, name, n, fmt, max_words, out, err);
    fclose(fp);
    return st;
}

lk_status lk_vectors_read(const char *path, lk_vec_format fmt, int32_t max_words,
                          lk_vectors **out, lk_error *err)
{
    *out = NULL;
    bool is_stdin = !path || strcmp(path, "-") == 0;
    const char *name = is_stdin ? "-" : path;
    struct stat sb;
    if (!is_stdin && stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
        FILE *fp = fopen(path, "rb");
        if (!fp) return lk_error_set(err, LK_ERR_IO, "%s: %s", name, strerror(errno));
        lk_status st = read_seekable(fp, name, (uint64_t)sb.st_size, fmt, max_words, out, err);
        fclose(fp);
        return st;
    }
    /* standard input, a pipe (<(...), a FIFO) or a device: opened once, never seeked back,
       read whole (lk_read_file reports a directory or a missing file) */
    char *buf = NULL;
    size_t n = 0;
    lk_status st = lk_read_file(is_stdin ? "-" : path, &buf, &n, err);
    if (st == LK_OK) st = lk_vectors_read_mem(buf, n, name, fmt, max_words, out, err);
    free(buf);
    return st;
}

/* ---- writing ------------------------------------------------------------------ */

typedef struct {
    const lk_vectors *v;
    lk_vec_format fmt;
} write_ctx;

/* LK_ERR_ARG naming the first word with a NaN or infinite value: the readers refuse it, so
   it is never written. */
static lk_status check_finite(const lk_vectors *v, lk_error *err)
{
    char q[QUOTE_MAX * 4 + 1];
    for (int32_t w = 0; w < v->n; w++) {
        const float *row = v->data + (size_t)w * v->dim;
        for (int32_t i = 0; i < v->dim; i++)
            if (!isfinite(row[i])) {
                const char *word = lk_vocab_word(v->words, w);
                return lk_error_set(err, LK_ERR_ARG, "word %d ('%s'): value %d is %g, not a "
                                    "finite number (the readers refuse it)", (int)w + 1,
                                    quote_bytes(word, strlen(word), q), (int)i + 1,
                                    (double)row[i]);
            }
    }
    return LK_OK;
}

static lk_status write_vectors(FILE *fp, void *p, lk_error *err)
{
    const write_ctx *c = p;
    const lk_vectors *v = c->v;
    int32_t D = v->dim;
    unsigned char *raw = NULL;
    lk_status st = check_finite(v, err);
    if (st != LK_OK) return st;
    if (c->fmt == LK_VEC_BIN && !(raw = malloc((size_t)D * 4 + 1))) return LK_ERR_NOMEM;
    if (fprintf(fp, "%d %d\n", (int)v->n, (int)D) < 0) goto werr;
    for (int32_t w = 0; w < v->n; w++) {
        const float *row = v->data + (size_t)w * D;
        if (fputs(lk_vocab_word(v->words, w), fp) == EOF || putc(' ', fp) == EOF) goto werr;
        if (c->fmt == LK_VEC_BIN) {
            for (int32_t i = 0; i < D; i++) lk_put_f32(raw + 4 * (size_t)i, row[i]);
            raw[(size_t)D * 4] = '\n';
            if (fwrite(raw, 1, (size_t)D * 4 + 1, fp) != (size_t)D * 4 + 1) goto werr;
        } else {
            for (int32_t i = 0; i < D; i++)
                if (fprintf(fp, i ? " %.9g" : "%.9g", (double)row[i]) < 0) goto werr;
            if (putc('\n', fp) == EOF) goto werr;
        }
    }
    free(raw);
    return LK_OK;
werr:
    free(raw);
    return lk_error_set(err, LK_ERR_IO, "write error: %s", strerror(errno));
}

lk_status lk_vectors_write_fp(const lk_vectors *v, FILE *fp, lk_vec_format fmt, lk_error *err)
{
    write_ctx c = {v, fmt == LK_VEC_BIN ? LK_VEC_BIN : LK_VEC_TEXT};
    return write_vectors(fp, &c, err);
}

lk_status lk_vectors_write(const lk_vectors *v, const char *path, lk_vec_format fmt,
                           lk_error *err)
{
    write_ctx c = {v, fmt == LK_VEC_BIN ? LK_VEC_BIN : LK_VEC_TEXT};
    return lk_write_atomic(path, write_vectors, &c, err);
}

/* ---- queries ------------------------------------------------------------------ */

float lk_cosine(const float *a, const float *b, int32_t dim)
{
    double na = lk_embed_dot(a, a, dim), nb = lk_embed_dot(b, b, dim);
    if (!(na > 0) || !(nb > 0)) return 0.0f;
    return (float)(lk_embed_dot(a, b, dim) / sqrt(na * nb));
}

static bool excluded(int32_t id, const int32_t *ex, int32_t n)
{
    for (int32_t i = 0; i < n; i++)
        if (ex[i] == id) return true;
    return false;
}

void lk_vectors_nearest(const lk_vectors *v, const float *query, int32_t k, int32_t limit,
                        const int32_t *exclude, int32_t n_exclude, int32_t *ids, float *scores,
                        int32_t *n_found)
{
    *n_found = 0;
    if (k <= 0) return;
    int32_t n = (limit > 0 && limit < v->n) ? limit : v->n;
    double qn = lk_embed_dot(query, query, v->dim);
    float qinv = qn > 0 ? (float)(1.0 / sqrt(qn)) : 0.0f;
    int32_t have = 0;
    for (int32_t id = 0; id < n; id++) {
        float s = lk_embed_dot(query, v->data + (size_t)id * v->dim, v->dim) * v->inv_norm[id] *
                  qinv;
        if (have == k && s <= scores[k - 1]) continue;
        if (excluded(id, exclude, n_exclude)) continue;
        int32_t pos = have < k ? have++ : k - 1;
        while (pos > 0 && scores[pos - 1] < s) {
            scores[pos] = scores[pos - 1];
            ids[pos] = ids[pos - 1];
            pos--;
        }
        scores[pos] = s;
        ids[pos] = id;
    }
    *n_found = have;
}

static void ascii_lower(char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] >= 'A' && s[i] <= 'Z') s[i] = (char)(s[i] - 'A' + 'a');
}

/* Split a line into at most `max` whitespace-separated fields (in place, NUL-terminated). */
static int split_fields(char *line, size_t len, char **f, size_t *flen, int max)
{
    int n = 0;
    size_t i = 0;
    while (i < len) {
        while (i < len && is_space_byte(line[i])) i++;
        if (i >= len) break;
        size_t s = i;
        while (i < len && !is_space_byte(line[i])) i++;
        if (n < max) {
            f[n] = line + s;
            flen[n] = i - s;
        }
        n++;
        if (i < len) line[i++] = '\0';
    }
    return n;
}

/* Read the next line of r into *buf (grown as needed) and split it into at most `max`
   whitespace-separated fields; *nf is the number of fields found (may exceed max), 0 for a
   blank line or a comment (a line starting with '#', as gensim's evaluate_word_pairs skips).
   *got is false at end of input. */
static lk_status next_fields(lk_line_reader *r, const char *path, char **buf, size_t *buf_cap,
                             char **f, size_t *flen, int max, int *nf, bool *got, lk_error *err)
{
    const char *line;
    size_t len;
    lk_status st = lk_line_reader_next(r, &line, &len, got, err);
    if (st != LK_OK || !*got) return st;
    /* a word with invalid UTF-8 would silently count as not covered */
    if ((st = lk_utf8_check_line(line, len, path, lk_line_reader_lineno(r), err)) != LK_OK)
        return st;
    if ((st = lk_grow((void **)buf, buf_cap, len + 1, 1)) != LK_OK) return st;
    memcpy(*buf, line, len + 1);
    *nf = len > 0 && line[0] == '#' ? 0 : split_fields(*buf, len, f, flen, max);
    return LK_OK;
}

void lk_analogy_result_free(lk_analogy_result *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->n_sections; i++) free(r->sections[i].name);
    free(r->sections);
    memset(r, 0, sizeof *r);
}

static lk_status add_section(lk_analogy_result *res, size_t *cap, const char *name, size_t len)
{
    lk_status st = lk_grow((void **)&res->sections, cap, res->n_sections + 1, sizeof *res->sections);
    if (st != LK_OK) return st;
    lk_analogy_section *s = &res->sections[res->n_sections];
    memset(s, 0, sizeof *s);
    if (!(s->name = malloc(len + 1))) return LK_ERR_NOMEM;
    memcpy(s->name, name, len);
    s->name[len] = '\0';
    res->n_sections++;
    return LK_OK;
}

/* Index of the best 3CosAdd answer among the first n words, or LK_ID_NONE. */
static int32_t analogy_answer(const lk_vectors *v, const int32_t q[3], int32_t n, float *query)
{
    int32_t D = v->dim;
    const float *a = v->data + (size_t)q[0] * D, *b = v->data + (size_t)q[1] * D,
                *c = v->data + (size_t)q[2] * D;
    float ia = v->inv_norm[q[0]], ib = v->inv_norm[q[1]], ic = v->inv_norm[q[2]];
    for (int32_t i = 0; i < D; i++) query[i] = b[i] * ib - a[i] * ia + c[i] * ic;
    int32_t best = LK_ID_NONE;
    float best_s = -INFINITY;
    for (int32_t id = 0; id < n; id++) {
        float s = lk_embed_dot(query, v->data + (size_t)id * D, D) * v->inv_norm[id];
        if (s > best_s && id != q[0] && id != q[1] && id != q[2]) {
            best_s = s;
            best = id;
        }
    }
    return best;
}

lk_status lk_vectors_analogy(const lk_vectors *v, const char *questions, int32_t restrict_n,
                             bool lower, lk_analogy_result *res, lk_error *err)
{
    memset(res, 0, sizeof *res);
    lk_line_reader *r = NULL;
    size_t cap = 0, buf_cap = 0;
    char *buf = NULL;
    float *query = malloc((size_t)v->dim * sizeof *query);
    int32_t n = (restrict_n > 0 && restrict_n < v->n) ? restrict_n : v->n;
    lk_status st = query ? lk_line_reader_open(questions, &r, err) : LK_ERR_NOMEM;
    while (st == LK_OK) {
        char *f[5];
        size_t fl[5];
        int nf = 0;
        bool got;
        if ((st = next_fields(r, questions, &buf, &buf_cap, f, fl, 5, &nf, &got, err)) != LK_OK || !got) break;
        if (nf == 0) continue;
        if (f[0][0] == ':') {
            const char *name = nf > 1 ? f[1] : f[0] + 1;
            st = add_section(res, &cap, name, strlen(name));
            continue;
        }
        if (nf != 4) {
            st = lk_error_at(err, questions, lk_line_reader_lineno(r), 1,
                             "expected 4 words 'a b c d' or ': section', found %d fields", nf);
            break;
        }
        if (res->n_sections == 0 && (st = add_section(res, &cap, "", 0)) != LK_OK) break;
        lk_analogy_section *sec = &res->sections[res->n_sections - 1];
        sec->total++;
        res->total++;
        int32_t id[4];
        bool ok = true;
        for (int i = 0; i < 4; i++) {
            if (lower) ascii_lower(f[i], fl[i]);
            id[i] = lk_vectors_find(v, f[i], fl[i]);
            if (id[i] == LK_ID_NONE || id[i] >= n) ok = false;
        }
        if (!ok) continue;
        sec->seen++;
        res->seen++;
        if (analogy_answer(v, id, n, query) == id[3]) {
            sec->correct++;
            res->correct++;
        }
    }
    free(buf);
    free(query);
    lk_line_reader_free(r);
    if (st != LK_OK) lk_analogy_result_free(res);
    return st;
}

/* Row of word w in v, else composed by oov into buf; NULL when neither has it. */
static const float *lookup(const lk_vectors *v, const char *w, size_t len, lk_vec_oov_fn oov,
                           void *ctx, float *buf)
{
    int32_t id = lk_vectors_find(v, w, len);
    if (id != LK_ID_NONE) return lk_vectors_row(v, id);
    return (oov && buf && oov(ctx, w, len, buf)) ? buf : NULL;
}

lk_status lk_vectors_similarity(const lk_vectors *v, const char *pairs, bool lower,
                                lk_vec_oov_fn oov, void *oov_ctx, lk_similarity_result *res,
                                lk_error *err)
{
    memset(res, 0, sizeof *res);
    res->spearman = NAN;
    lk_line_reader *r = NULL;
    double *gold = NULL, *pred = NULL;
    size_t cap_g = 0, cap_p = 0, n = 0, buf_cap = 0;
    char *buf = NULL;
    float *va = malloc((size_t)v->dim * sizeof *va), *vb = malloc((size_t)v->dim * sizeof *vb);
    lk_status st = (va && vb) ? lk_line_reader_open(pairs, &r, err) : LK_ERR_NOMEM;
    while (st == LK_OK) {
        char *f[4];
        size_t fl[4];
        int nf = 0;
        bool got;
        if ((st = next_fields(r, pairs, &buf, &buf_cap, f, fl, 4, &nf, &got, err)) != LK_OK || !got) break;
        if (nf == 0) continue;
        char *end;
        double score = nf == 3 ? strtod(f[2], &end) : 0;
        if (nf != 3) {
            st = lk_error_at(err, pairs, lk_line_reader_lineno(r), 1,
                             "expected 'word1<TAB>word2<TAB>score', found %d fields", nf);
            break;
        }
        if (end == f[2] || *end || !isfinite(score)) {
            char shown[64];
            lk_utf8_printable(f[2], fl[2], shown, sizeof shown);
            st = lk_error_at(err, pairs, lk_line_reader_lineno(r),
                             (int64_t)lk_utf8_count(buf, (size_t)(f[2] - buf)) + 1,
                             "bad score '%s' (expected a number such as 7.35)", shown);
            break;
        }
        res->total++;
        if (lower) {
            ascii_lower(f[0], fl[0]);
            ascii_lower(f[1], fl[1]);
        }
        const float *a = lookup(v, f[0], fl[0], oov, oov_ctx, va);
        const float *b = lookup(v, f[1], fl[1], oov, oov_ctx, vb);
        if (!a || !b) continue;
        if ((st = lk_grow((void **)&gold, &cap_g, n + 1, sizeof *gold)) != LK_OK) break;
        if ((st = lk_grow((void **)&pred, &cap_p, n + 1, sizeof *pred)) != LK_OK) break;
        gold[n] = score;
        pred[n] = lk_cosine(a, b, v->dim);
        n++;
    }
    if (st == LK_OK) {
        res->found = (int64_t)n;
        res->spearman = lk_spearman(gold, pred, n);
    }
    free(buf);
    free(va);
    free(vb);
    free(gold);
    free(pred);
    lk_line_reader_free(r);
    return st;
}

/* ---- Spearman --------------------------------------------------------------------- */

typedef struct {
    double value;
    size_t index;
} ranked;

static int cmp_ranked(const void *pa, const void *pb)
{
    const ranked *a = pa, *b = pb;
    if (a->value < b->value) return -1;
    if (a->value > b->value) return 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

/* Average ranks (1-based) of x into rank. */
static bool average_ranks(const double *x, size_t n, double *rank)
{
    ranked *r = malloc(n * sizeof *r);
    if (!r) return false;
    for (size_t i = 0; i < n; i++) r[i] = (ranked){x[i], i};
    qsort(r, n, sizeof *r, cmp_ranked);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && r[j + 1].value == r[i].value) j++;
        double avg = (double)(i + j) / 2.0 + 1.0;
        for (size_t k = i; k <= j; k++) rank[r[k].index] = avg;
        i = j + 1;
    }
    free(r);
    return true;
}

double lk_spearman(const double *x, const double *y, size_t n)
{
    if (n < 2) return NAN;
    double *rx = malloc(n * sizeof *rx), *ry = malloc(n * sizeof *ry);
    double rho = NAN;
    if (rx && ry && average_ranks(x, n, rx) && average_ranks(y, n, ry)) {
        double mx = 0, my = 0;
        for (size_t i = 0; i < n; i++) {
            mx += rx[i];
            my += ry[i];
        }
        mx /= (double)n;
        my /= (double)n;
        double sxy = 0, sxx = 0, syy = 0;
        for (size_t i = 0; i < n; i++) {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }
        if (sxx > 0 && syy > 0) rho = sxy / sqrt(sxx * syy);
    }
    free(rx);
    free(ry);
    return rho;
}

#define PCA_MAX_ROWS 512
#define JACOBI_SWEEPS 100

/* Eigen-decomposition of the symmetric n x n matrix a (destroyed) by cyclic Jacobi
   rotations: eigenvalues on a's diagonal, eigenvectors in the columns of v. */
static void jacobi(double *a, double *v, int32_t n)
{
    for (int32_t i = 0; i < n; i++)
        for (int32_t j = 0; j < n; j++) v[(size_t)i * n + j] = i == j;
    for (int sweep = 0; sweep < JACOBI_SWEEPS; sweep++) {
        double off = 0;
        for (int32_t p = 0; p < n; p++)
            for (int32_t q = p + 1; q < n; q++) off += a[(size_t)p * n + q] * a[(size_t)p * n + q];
        if (off < 1e-30) break;
        for (int32_t p = 0; p < n; p++)
            for (int32_t q = p + 1; q < n; q++) {
                double apq = a[(size_t)p * n + q];
                if (fabs(apq) < 1e-300) continue;
                double theta = (a[(size_t)q * n + q] - a[(size_t)p * n + p]) / (2 * apq);
                double t = (theta >= 0 ? 1 : -1) / (fabs(theta) + sqrt(theta * theta + 1));
                double c = 1 / sqrt(t * t + 1), s = t * c;
                for (int32_t k = 0; k < n; k++) { /* columns p, q */
                    double akp = a[(size_t)k * n + p], akq = a[(size_t)k * n + q];
                    a[(size_t)k * n + p] = c * akp - s * akq;
                    a[(size_t)k * n + q] = s * akp + c * akq;
                }
                for (int32_t k = 0; k < n; k++) { /* rows p, q */
                    double apk = a[(size_t)p * n + k], aqk = a[(size_t)q * n + k];
                    a[(size_t)p * n + k] = c * apk - s * aqk;
                    a[(size_t)q * n + k] = s * apk + c * aqk;
                }
                for (int32_t k = 0; k < n; k++) {
                    double vkp = v[(size_t)k * n + p], vkq = v[(size_t)k * n + q];
                    v[(size_t)k * n + p] = c * vkp - s * vkq;
                    v[(size_t)k * n + q] = s * vkp + c * vkq;
                }
            }
    }
}

lk_status lk_vectors_pca2(const float *rows, int32_t n, int32_t dim, double *x, double *y)
{
    if (n < 1 || dim < 1) return LK_ERR_ARG;
    if (n > PCA_MAX_ROWS) return LK_ERR_RANGE;
    size_t nn = (size_t)n * (size_t)n;
    double *u = malloc((size_t)n * (size_t)dim * sizeof *u), *g = malloc(nn * sizeof *g),
           *v = malloc(nn * sizeof *v);
    if (!u || !g || !v) {
        free(u), free(g), free(v);
        return LK_ERR_NOMEM;
    }
    for (int32_t i = 0; i < n; i++) { /* unit rows */
        double s = 0;
        for (int32_t d = 0; d < dim; d++) s += (double)rows[(size_t)i * dim + d] * rows[(size_t)i * dim + d];
        s = s > 0 ? 1 / sqrt(s) : 0;
        for (int32_t d = 0; d < dim; d++) u[(size_t)i * dim + d] = rows[(size_t)i * dim + d] * s;
    }
    for (int32_t d = 0; d < dim; d++) { /* centre */
        double m = 0;
        for (int32_t i = 0; i < n; i++) m += u[(size_t)i * dim + d];
        m /= n;
        for (int32_t i = 0; i < n; i++) u[(size_t)i * dim + d] -= m;
    }
    for (int32_t i = 0; i < n; i++) /* Gram matrix: its eigenvectors scaled give the projections */
        for (int32_t j = 0; j < n; j++) {
            double s = 0;
            for (int32_t d = 0; d < dim; d++) s += u[(size_t)i * dim + d] * u[(size_t)j * dim + d];
            g[(size_t)i * n + j] = s;
        }
    jacobi(g, v, n);
    int32_t first = -1, second = -1;
    for (int32_t k = 0; k < n; k++) {
        double e = g[(size_t)k * n + k];
        if (first < 0 || e > g[(size_t)first * n + first]) second = first, first = k;
        else if (second < 0 || e > g[(size_t)second * n + second]) second = k;
    }
    for (int axis = 0; axis < 2; axis++) {
        int32_t k = axis == 0 ? first : second;
        double *out = axis == 0 ? x : y, e = k >= 0 ? g[(size_t)k * n + k] : 0, big = 0;
        double root = e > 0 ? sqrt(e) : 0;
        for (int32_t i = 0; i < n; i++) {
            out[i] = k >= 0 ? v[(size_t)i * n + k] * root : 0;
            if (fabs(out[i]) > fabs(big)) big = out[i];
        }
        if (big < 0)
            for (int32_t i = 0; i < n; i++) out[i] = -out[i];
    }
    free(u);
    free(g);
    free(v);
    return LK_OK;
}

bool lk_vectors_head_is_word2vec(const unsigned char *h, size_t n)
{
    size_t i = n >= UTF8_BOM_LEN && memcmp(h, UTF8_BOM, UTF8_BOM_LEN) == 0 ? UTF8_BOM_LEN : 0,
           fields = 0;
    while (fields < 2) {
        while (i < n && (h[i] == ' ' || h[i] == '\t')) i++;
        size_t d = i;
        while (i < n && h[i] >= '0' && h[i] <= '9') i++;
        if (i == d) return false;
        fields++;
    }
    while (i < n && (h[i] == ' ' || h[i] == '\t' || h[i] == '\r')) i++;
    return i < n && h[i] == '\n';
}
