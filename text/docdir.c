#define _POSIX_C_SOURCE 200809L /* strdup, opendir */
/* docdir.c: one document per file of a directory tree (see docdir.h). */
#include "text/docdir.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "text/fileio.h"
#include "text/html.h"
#include "text/markdown.h"
#include "text/utf8.h"

#define MAX_DEPTH 256 /* deeper directories count as a loop */

typedef enum { EXT_NONE = 0, EXT_TXT, EXT_MD, EXT_HTML } ext_kind;

struct lk_docdir {
    char *root;
    char **files;          /* relative paths, in bytewise order */
    size_t n, cap, next;
    uint64_t size, offset;
    lk_docs_skipped skips;
    char *buf;             /* contents of the current file */
    char *html_title, *html_text;
    char *md_title;        /* a Markdown title without its inline markup */
    char *md_text;         /* a Markdown text as people read it (lk_md_plain) */
    char *id;
    size_t id_cap;
};

typedef struct {
    dev_t dev;
    ino_t ino;
} dir_key;

static ext_kind ext_of(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot) return EXT_NONE;
    if (strcasecmp(dot, ".txt") == 0) return EXT_TXT;
    if (strcasecmp(dot, ".md") == 0 || strcasecmp(dot, ".markdown") == 0) return EXT_MD;
    if (strcasecmp(dot, ".html") == 0 || strcasecmp(dot, ".htm") == 0) return EXT_HTML;
    return EXT_NONE;
}

/* The first skipped file of a kind, as a message can print it (lk_utf8_printable: a name
   is bytes; the report is one line of text). */
static void note(char *first, size_t cap, uint64_t *count, const char *rel)
{
    if ((*count)++ == 0) lk_utf8_printable(rel, strlen(rel), first, cap);
}

/* True when s[0..len) (valid UTF-8) holds only white space (lk_is_space), or nothing. */
static bool only_space(const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        int32_t cp;
        size_t n = lk_utf8_decode(s + i, len - i, &cp);
        if (n == 0 || !lk_is_space(cp)) return false;
        i += n;
    }
    return true;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static lk_status add_file(lk_docdir *d, char *rel)
{
    if (d->n == d->cap) {
        void *p = d->files;
        lk_status st = lk_grow(&p, &d->cap, d->n + 1, sizeof *d->files);
        if (st != LK_OK) return st;
        d->files = p;
    }
    d->files[d->n++] = rel;
    return LK_OK;
}

/* Names in directory `full` (malloc'd array of malloc'd names, sorted), without . and ..
   and hidden names. */
static lk_status read_names(const char *full, char ***names, size_t *n, int *errno_out)
{
    *names = NULL;
    *n = 0;
    DIR *dp = opendir(full);
    if (!dp) {
        *errno_out = errno;
        return LK_ERR_IO;
    }
    size_t cap = 0;
    lk_status st = LK_OK;
    struct dirent *e;
    while (st == LK_OK && (e = readdir(dp)) != NULL) {
        if (e->d_name[0] == '.') continue; /* ., .., .git, .DS_Store ... */
        if (*n == cap) {
            void *p = *names;
            if ((st = lk_grow(&p, &cap, *n + 1, sizeof **names)) != LK_OK) break;
            *names = p;
        }
        if (!((*names)[*n] = strdup(e->d_name))) st = LK_ERR_NOMEM;
        else (*n)++;
    }
    closedir(dp);
    if (*n) qsort(*names, *n, sizeof **names, cmp_str);
    return st;
}

static lk_status walk(lk_docdir *d, const char *rel, dir_key *anc, size_t depth, lk_error *err)
{
    char *full = rel[0] ? lk_path_join(d->root, rel) : strdup(d->root);
    if (!full) return LK_ERR_NOMEM;
    char **names;
    size_t n;
    int e = 0;
    lk_status st = read_names(full, &names, &n, &e);
    if (st == LK_ERR_IO) {
        st = LK_OK;
        if (!rel[0]) st = lk_error_set(err, LK_ERR_IO, "%s: %s", d->root, strerror(e));
        else note(d->skips.first_unreadable, sizeof d->skips.first_unreadable,
                  &d->skips.unreadable, rel);
    }
    for (size_t i = 0; i < n && st == LK_OK; i++) {
        char *r = rel[0] ? lk_path_join(rel, names[i]) : strdup(names[i]);
        char *f = r ? lk_path_join(d->root, r) : NULL;
        struct stat sb;
        if (!f) {
            st = LK_ERR_NOMEM;
        } else if (stat(f, &sb) != 0) {
            /* A dangling link or a link loop leads to no directory: its name decides, as for
               a file (photo.jpg is ignored, a.txt is unreadable). Other errors (permissions)
               may hide a directory of documents: unreadable whatever the name. */
            if ((errno == ENOENT || errno == ELOOP) && ext_of(names[i]) == EXT_NONE)
                d->skips.other++;
            else
                note(d->skips.first_unreadable, sizeof d->skips.first_unreadable,
                     &d->skips.unreadable, r);
        } else if (S_ISDIR(sb.st_mode)) {
            bool loop = depth + 1 >= MAX_DEPTH;
            for (size_t k = 0; k <= depth && !loop; k++)
                loop = anc[k].dev == sb.st_dev && anc[k].ino == sb.st_ino;
            if (loop) {
                note(d->skips.first_loop, sizeof d->skips.first_loop, &d->skips.loops, r);
            } else {
                anc[depth + 1] = (dir_key){sb.st_dev, sb.st_ino};
                st = walk(d, r, anc, depth + 1, err);
            }
        } else if (!S_ISREG(sb.st_mode) || ext_of(names[i]) == EXT_NONE) {
            d->skips.other++;
        } else if (!lk_utf8_valid(r, strlen(r), NULL)) {
            note(d->skips.first_bad_utf8, sizeof d->skips.first_bad_utf8, &d->skips.bad_utf8, r);
        } else if ((st = add_file(d, r)) == LK_OK) {
            r = NULL; /* owned by d->files */
            d->size += (uint64_t)sb.st_size;
        }
        free(r);
        free(f);
    }
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    free(full);
    return st;
}

lk_status lk_docdir_open(const char *dir, lk_docdir **out, lk_error *err)
{
    *out = NULL;
    lk_docdir *d = calloc(1, sizeof *d);
    dir_key *anc = calloc(MAX_DEPTH, sizeof *anc);
    struct stat sb;
    lk_status st = d && anc && (d->root = strdup(dir)) ? LK_OK : LK_ERR_NOMEM;
    if (st == LK_OK && stat(dir, &sb) != 0)
        st = lk_error_set(err, LK_ERR_IO, "%s: %s", dir, strerror(errno));
    else if (st == LK_OK && !S_ISDIR(sb.st_mode))
        st = lk_error_set(err, LK_ERR_IO, "%s: not a directory", dir);
    if (st == LK_OK) {
        anc[0] = (dir_key){sb.st_dev, sb.st_ino};
        st = walk(d, "", anc, 0, err);
    }
    free(anc);
    if (st != LK_OK) {
        lk_docdir_free(d);
        return st;
    }
    *out = d;
    return LK_OK;
}

void lk_docdir_free(lk_docdir *d)
{
    if (!d) return;
    for (size_t i = 0; i < d->n; i++) free(d->files[i]);
    free(d->files);
    free(d->root);
    free(d->buf);
    free(d->html_title);
    free(d->html_text);
    free(d->md_title);
    free(d->md_text);
    free(d->id);
    free(d);
}

const lk_docs_skipped *lk_docdir_skips(const lk_docdir *d) { return &d->skips; }
uint64_t lk_docdir_offset(const lk_docdir *d) { return d->offset; }
uint64_t lk_docdir_size(const lk_docdir *d) { return d->size; }

/* The id of relative path rel: bytes <= ' ', DEL and '%' percent-encoded. */
static lk_status make_id(lk_docdir *d, const char *rel, lk_doc *doc)
{
    size_t n = strlen(rel), need = 3 * n + 1, o = 0;
    if (need > d->id_cap) {
        void *p = d->id;
        lk_status st = lk_grow(&p, &d->id_cap, need, 1);
        if (st != LK_OK) return st;
        d->id = p;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)rel[i];
        if (c <= ' ' || c == 0x7f || c == '%') o += (size_t)snprintf(d->id + o, 4, "%%%02X", c);
        else d->id[o++] = (char)c;
    }
    d->id[o] = '\0';
    doc->id = d->id;
    doc->id_len = o;
    return LK_OK;
}

/* The line at *p (up to end), advancing *p past its newline; its length without \r. */
static const char *next_line(const char **p, const char *end, size_t *len)
{
    const char *s = *p, *nl = memchr(s, '\n', (size_t)(end - s));
    const char *e = nl ? nl : end;
    *p = nl ? nl + 1 : end;
    *len = (size_t)(e - s);
    if (*len && s[*len - 1] == '\r') (*len)--;
    return s;
}

/* CRLF and a lone CR become LF, in place (as Python's universal newlines read them);
   returns the new length. */
static size_t lf_line_ends(char *s, size_t len)
{
    char *cr = memchr(s, '\r', len);
    if (!cr) return len;
    size_t o = (size_t)(cr - s);
    for (size_t i = o; i < len; i++) {
        if (s[i] != '\r') s[o++] = s[i];
        else if (i + 1 < len && s[i + 1] == '\n') continue; /* the \n follows */
        else s[o++] = '\n';
    }
    return o;
}

static void trim(const char **s, size_t *len)
{
    while (*len && (**s == ' ' || **s == '\t')) (*s)++, (*len)--;
    while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t')) (*len)--;
}

/* Title = the first non-blank line (Markdown: not a thematic break such as an unclosed
   front matter's "---"; "# heading" without its marks, a setext heading without its
   underline, after any "---" front matter); text = what follows. */
static void split_text(const char *s, size_t len, bool md, lk_doc *doc)
{
    const char *p = s, *end = s + len, *line = s;
    size_t ll = 0;
    if (md && len >= 4 && memcmp(s, "---", 3) == 0 && (s[3] == '\n' || s[3] == '\r')) {
        const char *q = p;
        next_line(&q, end, &ll);
        while (q < end) { /* front matter ends at a "---" or "..." line */
            const char *l = next_line(&q, end, &ll);
            if (ll == 3 && (memcmp(l, "---", 3) == 0 || memcmp(l, "...", 3) == 0)) {
                p = q;
                break;
            }
        }
    }
    ll = 0;
    while (p < end && ll == 0) {
        line = next_line(&p, end, &ll);
        trim(&line, &ll);
        if (md && lk_md_rule_line(line, ll)) ll = 0;
    }
    if (md && ll && line[0] == '#') {
        while (ll && line[0] == '#') line++, ll--;
        while (ll && line[ll - 1] == '#') ll--;
        trim(&line, &ll);
    } else if (md && ll && p < end) { /* setext: Title\n===== */
        const char *q = p;
        size_t ul;
        const char *u = next_line(&q, end, &ul);
        trim(&u, &ul);
        size_t k = 0;
        while (k < ul && (u[k] == '=' || u[k] == '-')) k++;
        if (ul && k == ul && (u[0] == '=' || ul >= 2)) p = q;
    }
    doc->title = ll ? line : "";
    doc->title_len = ll;
    doc->text = p;
    doc->text_len = (size_t)(end - p);
}

lk_status lk_docdir_next(lk_docdir *d, lk_doc *doc, bool *got, lk_error *err)
{
    *got = false;
    while (d->next < d->n) {
        const char *rel = d->files[d->next++];
        char *full = lk_path_join(d->root, rel);
        if (!full) return LK_ERR_NOMEM;
        free(d->buf);
        d->buf = NULL;
        size_t len = 0;
        lk_error ferr;
        lk_status st = lk_read_file(full, &d->buf, &len, &ferr);
        free(full);
        if (st == LK_ERR_NOMEM) return st;
        if (st != LK_OK) {
            note(d->skips.first_unreadable, sizeof d->skips.first_unreadable,
                 &d->skips.unreadable, rel);
            continue;
        }
        d->offset += len;
        char *s = d->buf;
        if (memchr(s, '\0', len)) {
            note(d->skips.first_binary, sizeof d->skips.first_binary, &d->skips.binary, rel);
            continue;
        }
        if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) s += 3, len -= 3; /* BOM */
        ext_kind k = ext_of(rel);
        if (k == EXT_HTML) {
            free(d->html_title);
            free(d->html_text);
            d->html_title = d->html_text = NULL;
            size_t tl, xl;
            st = lk_html_extract(s, len, &d->html_title, &tl, &d->html_text, &xl, err);
            if (st == LK_ERR_RANGE) { /* beyond libxml2's int length */
                note(d->skips.first_unreadable, sizeof d->skips.first_unreadable,
                     &d->skips.unreadable, rel);
                continue;
            }
            if (st == LK_ERR_PARSE) { /* libxml2 stopped early: skipped, not cut short */
                note(d->skips.first_bad_html, sizeof d->skips.first_bad_html, &d->skips.bad_html,
                     rel);
                continue;
            }
            if (st != LK_OK) return st;
            if (!lk_utf8_valid(d->html_title, tl, NULL) || !lk_utf8_valid(d->html_text, xl, NULL)) {
                note(d->skips.first_bad_utf8, sizeof d->skips.first_bad_utf8, &d->skips.bad_utf8, rel);
                continue;
            }
            doc->title = d->html_title;
            doc->title_len = tl;
            doc->text = d->html_text;
            doc->text_len = xl;
        } else {
            if (!lk_utf8_valid(s, len, NULL)) {
                note(d->skips.first_bad_utf8, sizeof d->skips.first_bad_utf8, &d->skips.bad_utf8, rel);
                continue;
            }
            split_text(s, lf_line_ends(s, len), k == EXT_MD, doc);
            if (k == EXT_MD && doc->title_len) { /* without inline markup */
                char *t = realloc(d->md_title, doc->title_len);
                if (!t) return LK_ERR_NOMEM;
                d->md_title = t;
                size_t tl;
                if ((st = lk_md_inline_plain(doc->title, doc->title_len, t, &tl)) != LK_OK)
                    return st;
                if (tl) { /* all markup (a lone "**"): the line as it is */
                    doc->title = t;
                    doc->title_len = tl;
                }
            }
            if (k == EXT_MD) { /* the text people read, stored and indexed (as for HTML) */
                char *x = realloc(d->md_text, doc->text_len ? doc->text_len : 1);
                if (!x) return LK_ERR_NOMEM;
                d->md_text = x;
                size_t xl;
                if ((st = lk_md_plain(doc->text, doc->text_len, x, &xl)) != LK_OK) return st;
                doc->text = x;
                doc->text_len = xl;
            }
        }
        if ((st = make_id(d, rel, doc)) != LK_OK) return st;
        if (only_space(doc->title, doc->title_len) && only_space(doc->text, doc->text_len))
            note(d->skips.first_empty, sizeof d->skips.first_empty, &d->skips.empty, rel);
        doc->line = (int64_t)d->next;
        doc->fields = NULL;
        doc->n_fields = 0;
        *got = true;
        return LK_OK;
    }
    return LK_OK;
}
