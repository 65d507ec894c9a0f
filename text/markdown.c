/* markdown.c: Markdown inline markup to plain text (markdown.h). */
#include "text/markdown.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum { F_DROP = 1, F_LIT = 2 }; /* per byte: left out; literal (escaped or code) */

#define MAX_TICKS 16
#define MAX_OPEN 1024 /* openers waiting per stack; past them a delimiter is text */

static bool is_ws(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static bool is_punct(unsigned char c)
{
    return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
           (c >= '{' && c <= '~');
}

static size_t run_len(const char *s, size_t n, size_t i, char c)
{
    size_t k = 0;
    while (i + k < n && s[i + k] == c) k++;
    return k;
}

/* Backslash escapes and code spans, left to right. */
static void escapes_and_code(const char *s, size_t n, unsigned char *fl)
{
    bool no_close[MAX_TICKS + 1] = {false}; /* no run of k backticks after the last search */
    for (size_t i = 0; i < n;) {
        if (s[i] == '\\' && i + 1 < n && is_punct((unsigned char)s[i + 1])) {
            fl[i] |= F_DROP;
            fl[i + 1] |= F_LIT;
            i += 2;
            continue;
        }
        if (s[i] != '`') {
            i++;
            continue;
        }
        size_t k = run_len(s, n, i, '`'), j = i + k, m = 0;
        if (k <= MAX_TICKS && !no_close[k]) {
            while (j < n) { /* the next run of exactly k backticks */
                if (s[j] != '`') {
                    j++;
                    continue;
                }
                m = run_len(s, n, j, '`');
                if (m == k) break;
                j += m;
            }
            if (j < n) {
                memset(fl + i, F_DROP, k);
                memset(fl + i + k, F_LIT, j - i - k);
                memset(fl + j, F_DROP, k);
                i = j + k;
                continue;
            }
            no_close[k] = true;
        }
        memset(fl + i, F_LIT, k); /* backticks without a closing run are text */
        i += k;
    }
}

#define MAX_LABEL 999 /* a reference label's length (CommonMark's limit) */

/* <scheme:...> and <user@host> (no white space or '<' inside): the angle brackets are
   dropped, the address is kept literally (it is visible text). */
static void autolinks(const char *s, size_t n, unsigned char *fl)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '<' || (fl[i] & (F_LIT | F_DROP))) continue;
        size_t j = i + 1;
        bool colon = false, at = false;
        while (j < n && s[j] != '>' && s[j] != '<' && !is_ws((unsigned char)s[j])) {
            colon |= s[j] == ':';
            at |= s[j] == '@';
            j++;
        }
        bool scheme = i + 1 < n && ((s[i + 1] | 0x20) >= 'a' && (s[i + 1] | 0x20) <= 'z');
        if (j >= n || s[j] != '>' || j == i + 1 || !(at || (colon && scheme))) continue;
        fl[i] |= F_DROP;
        memset(fl + i + 1, F_LIT, j - i - 1);
        fl[j] |= F_DROP;
        i = j;
    }
}

/* With `full`, [text][ref] and [text][]: the end of its label's "]", or 0 if none. */
static size_t ref_label_end(const char *s, size_t n, const unsigned char *fl, size_t i)
{
    for (size_t j = i + 2; j < n && j <= i + 2 + MAX_LABEL; j++) {
        if (fl[j] & F_LIT) continue;
        if (s[j] == '[') return 0;
        if (s[j] == ']') return j;
    }
    return 0;
}

/* [text](url) and ![alt](src) (with `full` also [text][ref]): the brackets, the ! and the
   (url) or [ref] are dropped. */
static void links(const char *s, size_t n, unsigned char *fl, size_t *stack, bool full)
{
    size_t sp = 0, close = 0; /* close: the first unescaped ')' at or after some point */
    bool close_known = false;
    for (size_t i = 0; i < n; i++) {
        if (fl[i] & (F_LIT | F_DROP)) continue;
        if (s[i] == '[') {
            if (sp < MAX_OPEN) stack[sp++] = i;
        } else if (s[i] == ']' && sp) {
            size_t o = stack[--sp], ref;
            if (full && i + 1 < n && s[i + 1] == '[' && !(fl[i + 1] & F_LIT) &&
                (ref = ref_label_end(s, n, fl, i)) != 0) {
                fl[o] |= F_DROP;
                memset(fl + i, F_DROP, ref - i + 1);
                i = ref;
                continue;
            }
            if (i + 1 >= n || s[i + 1] != '(' || (fl[i + 1] & F_LIT)) continue;
            if (!close_known || close <= i + 1) { /* the searches never overlap: linear */
                close = i + 2;
                while (close < n && (s[close] != ')' || (fl[close] & F_LIT))) close++;
                close_known = true;
            }
            if (close >= n) continue;
            fl[o] |= F_DROP;
            if (o > 0 && s[o - 1] == '!' && !(fl[o - 1] & (F_LIT | F_DROP))) fl[o - 1] |= F_DROP;
            memset(fl + i, F_DROP, close - i + 1);
            i = close;
        }
    }
}

typedef struct {
    size_t start, len; /* an opener's run: its remaining (undropped) delimiters */
} opener;

/* Emphasis (* and _) and strikethrough (~, runs of 1 or 2): delimiter runs that pair up. */
static void emphasis(const char *s, size_t n, unsigned char *fl, opener *stack)
{
    static const char marks[3] = {'*', '_', '~'};
    size_t base[3] = {0, MAX_OPEN, 2 * MAX_OPEN}, sp[3] = {0, 0, 0}; /* a stack per mark */
    for (size_t i = 0; i < n;) {
        const char *hit = (fl[i] & (F_LIT | F_DROP)) ? NULL : memchr(marks, s[i], 3);
        if (!hit) {
            i++;
            continue;
        }
        int m = (int)(hit - marks);
        size_t k = 0;
        while (i + k < n && s[i + k] == *hit && !(fl[i + k] & (F_LIT | F_DROP))) k++;
        unsigned char prev = i ? (unsigned char)s[i - 1] : ' ';
        unsigned char next = i + k < n ? (unsigned char)s[i + k] : ' ';
        bool lf = !is_ws(next) && (!is_punct(next) || is_ws(prev) || is_punct(prev));
        bool rf = !is_ws(prev) && (!is_punct(prev) || is_ws(next) || is_punct(next));
        bool can_open = lf, can_close = rf;
        if (*hit == '_') {
            can_open = lf && (!rf || is_punct(prev));
            can_close = rf && (!lf || is_punct(next));
        }
        if (*hit == '~' && k > 2) can_open = can_close = false;
        opener cl = {i, k};
        while (can_close && cl.len && sp[m]) {
            opener *op = &stack[base[m] + sp[m] - 1];
            size_t take = op->len < cl.len ? op->len : cl.len;
            memset(fl + op->start + op->len - take, F_DROP, take);
            memset(fl + cl.start, F_DROP, take);
            op->len -= take;
            cl.start += take;
            cl.len -= take;
            if (!op->len) sp[m]--;
        }
        if (can_open && cl.len && sp[m] < MAX_OPEN) stack[base[m] + sp[m]++] = cl;
        i += k;
    }
}

/* s[0..n) without its inline markup into out (out may be s: it is written behind the read
   position), trimmed; fl: n zeroed bytes of scratch, stack: 3 * MAX_OPEN openers. */
static size_t inline_plain(const char *s, size_t n, char *out, unsigned char *fl, void *stack,
                           bool full)
{
    escapes_and_code(s, n, fl);
    if (full) autolinks(s, n, fl);
    links(s, n, fl, stack, full);
    emphasis(s, n, fl, stack);
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        if (!(fl[i] & F_DROP)) out[o++] = s[i];
    size_t b = 0;
    while (b < o && (out[b] == ' ' || out[b] == '\t')) b++;
    while (o > b && (out[o - 1] == ' ' || out[o - 1] == '\t')) o--;
    memmove(out, out + b, o - b);
    return o - b;
}

lk_status lk_md_inline_plain(const char *s, size_t n, char *out, size_t *out_len)
{
    *out_len = 0;
    unsigned char *fl = calloc(n ? n : 1, 1);
    void *stack = malloc(3 * MAX_OPEN * sizeof(opener)); /* link or emphasis openers */
    if (!fl || !stack) {
        free(fl);
        free(stack);
        return LK_ERR_NOMEM;
    }
    *out_len = inline_plain(s, n, out, fl, stack, false);
    free(fl);
    free(stack);
    return LK_OK;
}

/* ---- Blocks (lk_md_plain): one pass over the lines; paragraphs gather in `out` and lose
   their inline markup when they end. ---- */

#define NO_PARA ((size_t)-1)

typedef struct {
    char *out;
    size_t o;            /* bytes written */
    size_t para;         /* where the open paragraph starts in out, or NO_PARA */
    bool para_nl;        /* its last line ended with '\n' */
    char fence_ch;       /* '`' or '~' inside a fenced code block, else 0 */
    size_t fence_len;
    bool in_comment;     /* inside an HTML comment */
    bool in_table;       /* after a table's delimiter row */
    unsigned char *fl;   /* inline scratch (n bytes) */
    void *stack;
} md_writer;

static void trim_ws(const char **l, size_t *len)
{
    while (*len && (**l == ' ' || **l == '\t')) (*l)++, (*len)--;
    while (*len && ((*l)[*len - 1] == ' ' || (*l)[*len - 1] == '\t' || (*l)[*len - 1] == '\r'))
        (*len)--;
}

/* The open paragraph, without its inline markup, ends its last line. */
static void flush(md_writer *w)
{
    if (w->para == NO_PARA) return;
    size_t n = w->o - w->para;
    memset(w->fl, 0, n);
    w->o = w->para + inline_plain(w->out + w->para, n, w->out + w->para, w->fl, w->stack, true);
    if (w->para_nl) w->out[w->o++] = '\n';
    w->para = NO_PARA;
}

/* Line text l[0..len) joins the open paragraph (or opens one). */
static void add_line(md_writer *w, const char *l, size_t len, bool nl)
{
    if (w->para == NO_PARA) w->para = w->o;
    else w->out[w->o++] = '\n'; /* the previous line's */
    memcpy(w->out + w->o, l, len);
    w->o += len;
    w->para_nl = nl;
}

/* A fence: 3 or more backticks (no backtick in the info string after them) or tildes. */
static size_t fence_run(const char *l, size_t len, char *ch)
{
    if (!len || (l[0] != '`' && l[0] != '~')) return 0;
    size_t k = run_len(l, len, 0, l[0]);
    if (k < 3 || (l[0] == '`' && memchr(l + k, '`', len - k))) return 0;
    *ch = l[0];
    return k;
}

bool lk_md_rule_line(const char *l, size_t len)
{
    size_t k = 0;
    char c = len ? l[0] : 0;
    if (c != '-' && c != '*' && c != '_') return false;
    for (size_t i = 0; i < len; i++) {
        if (l[i] == c) k++;
        else if (l[i] != ' ' && l[i] != '\t') return false;
    }
    return k >= 3;
}

/* A table's delimiter row: only | : - and blanks, with a | and a -. */
static bool table_delim(const char *l, size_t len)
{
    bool bar = false, dash = false;
    for (size_t i = 0; i < len; i++) {
        if (l[i] == '|') bar = true;
        else if (l[i] == '-') dash = true;
        else if (l[i] != ':' && l[i] != ' ' && l[i] != '\t') return false;
    }
    return bar && dash;
}

static bool has_bar(const char *l, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (l[i] == '|' && (i == 0 || l[i - 1] != '\\')) return true;
    return false;
}

/* `[label]: destination` (not a footnote's `[^1]: text`, which is read). */
static bool link_definition(const char *l, size_t len)
{
    if (len < 4 || l[0] != '[' || l[1] == '^') return false;
    for (size_t i = 1; i + 1 < len && i <= MAX_LABEL + 1; i++) {
        if (l[i] == '[') return false;
        if (l[i] == ']' && (i == 1 || l[i - 1] != '\\')) return i > 1 && l[i + 1] == ':';
    }
    return false;
}

/* The length of a list item's marker (-, *, + or 1. / 1) and the blank after it), or 0. */
static size_t list_marker(const char *l, size_t len)
{
    size_t k = 0;
    if (len && (l[0] == '-' || l[0] == '*' || l[0] == '+')) k = 1;
    else {
        while (k < len && k < 9 && l[k] >= '0' && l[k] <= '9') k++;
        if (!k || k >= len || (l[k] != '.' && l[k] != ')')) return 0;
        k++;
    }
    if (k < len && l[k] != ' ' && l[k] != '\t') return 0;
    return k;
}

/* l[0..len) without HTML comments (which may span lines: w->in_comment) into buf; *had:
   some of the line was a comment. */
static size_t strip_comments(md_writer *w, const char *l, size_t len, char *buf, bool *had)
{
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        if (w->in_comment) {
            *had = true;
            while (i < len && !(i + 3 <= len && memcmp(l + i, "-->", 3) == 0)) i++;
            if (i < len) i += 3, w->in_comment = false;
        } else if (i + 4 <= len && memcmp(l + i, "<!--", 4) == 0) {
            *had = w->in_comment = true;
            i += 4;
        } else {
            buf[o++] = l[i++];
        }
    }
    return o;
}

/* A table row: its cells, separated by spaces, as a paragraph of its own. */
static void table_row(md_writer *w, const char *l, size_t len, bool nl)
{
    if (len && l[0] == '|') l++, len--;
    if (len && l[len - 1] == '|' && (len < 2 || l[len - 2] != '\\')) len--;
    flush(w);
    add_line(w, l, len, nl);
    for (size_t i = w->para; i < w->o; i++)
        if (w->out[i] == '|' && (i == w->para || w->out[i - 1] != '\\')) w->out[i] = ' ';
    flush(w);
}

/* An ATX heading ("## Title ##"): its text as a line of its own; false if l is none. */
static bool atx_heading(md_writer *w, const char *l, size_t len, bool nl)
{
    size_t k = run_len(l, len, 0, '#');
    if (k < 1 || k > 6 || (k < len && l[k] != ' ' && l[k] != '\t')) return false;
    l += k, len -= k;
    trim_ws(&l, &len);
    size_t h = len;
    while (h && l[h - 1] == '#') h--; /* a closing sequence, after a blank */
    if (h == 0 || l[h - 1] == ' ' || l[h - 1] == '\t') len = h;
    trim_ws(&l, &len);
    flush(w);
    add_line(w, l, len, nl);
    flush(w);
    return true;
}

/* One line l[0..len) (without its '\n'; nl: it had one); next: the following line. */
static void md_line(md_writer *w, const char *l, size_t len, bool nl, const char *next,
                    size_t next_len, char *buf)
{
    char ch = 0;
    if (w->fence_len) { /* code is content, as written; the closing fence is not */
        const char *t = l;
        size_t tl = len, k;
        trim_ws(&t, &tl);
        if ((k = fence_run(t, tl, &ch)) >= w->fence_len && ch == w->fence_ch && k == tl) {
            w->fence_len = 0;
            return;
        }
        memcpy(w->out + w->o, l, len);
        w->o += len;
        if (nl) w->out[w->o++] = '\n';
        return;
    }
    bool had_comment = false;
    len = strip_comments(w, l, len, buf, &had_comment);
    l = buf;
    trim_ws(&l, &len);
    while (len && l[0] == '>') { /* block quotes */
        l++, len--;
        trim_ws(&l, &len);
    }
    if (!len) { /* a blank line ends a paragraph and stays; a line that was a comment goes */
        flush(w);
        w->in_table = false;
        if (nl && !had_comment) w->out[w->o++] = '\n';
        return;
    }
    size_t k;
    if ((k = fence_run(l, len, &ch)) != 0) {
        flush(w);
        w->fence_ch = ch;
        w->fence_len = k;
        return;
    }
    if (atx_heading(w, l, len, nl)) return;
    bool setext_eq = w->para != NO_PARA && run_len(l, len, 0, '=') == len;
    if (lk_md_rule_line(l, len) || setext_eq || table_delim(l, len) || link_definition(l, len)) {
        flush(w);
        w->in_table = table_delim(l, len);
        return;
    }
    if (has_bar(l, len)) {
        const char *t = next;
        size_t tl = next_len;
        trim_ws(&t, &tl);
        while (tl && t[0] == '>') t++, tl--, trim_ws(&t, &tl);
        if (w->in_table || table_delim(t, tl)) {
            table_row(w, l, len, nl);
            return;
        }
    }
    w->in_table = false;
    if ((k = list_marker(l, len)) != 0) {
        flush(w);
        l += k, len -= k;
        trim_ws(&l, &len);
        if (len >= 3 && l[0] == '[' && l[2] == ']' && (l[1] == ' ' || l[1] == 'x' || l[1] == 'X') &&
            (len == 3 || l[3] == ' ')) { /* a task list's box */
            l += 3, len -= 3;
            trim_ws(&l, &len);
        }
    }
    add_line(w, l, len, nl);
}

lk_status lk_md_plain(const char *s, size_t n, char *out, size_t *out_len)
{
    *out_len = 0;
    md_writer w = {.out = out, .para = NO_PARA};
    char *buf = malloc(n ? n : 1);
    w.fl = malloc(n ? n : 1);
    w.stack = malloc(3 * MAX_OPEN * sizeof(opener));
    if (!buf || !w.fl || !w.stack) {
        free(buf);
        free(w.fl);
        free(w.stack);
        return LK_ERR_NOMEM;
    }
    for (size_t i = 0; i < n;) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - s) : n, next = nl ? end + 1 : n;
        const char *nl2 = next < n ? memchr(s + next, '\n', n - next) : NULL;
        size_t next_len = next < n ? (nl2 ? (size_t)(nl2 - s) : n) - next : 0;
        md_line(&w, s + i, end - i, nl != NULL, s + next, next_len, buf);
        i = next;
    }
    flush(&w);
    *out_len = w.o;
    free(buf);
    free(w.fl);
    free(w.stack);
    return LK_OK;
}
