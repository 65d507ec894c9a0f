/* markdown.c: Markdown inline markup to plain text (markdown.h). */
#include "text/markdown.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "text/utf8.h"
#include "text/vocab.h"

/* per byte: left out; literal (escaped or code); with F_DROP, written as one space */
enum { F_DROP = 1, F_LIT = 2, F_SPACE = 4 };

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

#define MAX_TAG 1024 /* an HTML tag's length; past it, the '<' is text */

static bool is_alpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
static bool is_alnum(unsigned char c) { return is_alpha(c) || (c >= '0' && c <= '9'); }
static bool in_set(const char *set, unsigned char c) { return c && strchr(set, c); }

/* The offset of the '>' ending the HTML tag that starts at s[i] == '<', or 0: an open tag
   (<name attr="v" attr='v' attr=v attr /?>) or a closing tag (</name >), CommonMark's raw
   HTML; comments go with the lines (lk_md_plain). At most MAX_TAG bytes are looked at. */
static size_t html_tag_end(const char *s, size_t n, size_t i)
{
    size_t lim = n - i > MAX_TAG ? i + MAX_TAG : n, j = i + 1;
    bool closing = j < lim && s[j] == '/';
    j += closing;
    if (j >= lim || !is_alpha((unsigned char)s[j])) return 0;
    while (j < lim && (is_alnum((unsigned char)s[j]) || s[j] == '-')) j++;
    for (;;) {
        size_t blank = j;
        while (j < lim && is_ws((unsigned char)s[j])) j++;
        if (j >= lim) return 0;
        if (s[j] == '>') return j;
        if (closing) return 0;
        if (s[j] == '/') return j + 1 < lim && s[j + 1] == '>' ? j + 1 : 0;
        if (j == blank || !(is_alpha((unsigned char)s[j]) || s[j] == '_' || s[j] == ':'))
            return 0; /* an attribute comes after white space */
        while (j < lim && (is_alnum((unsigned char)s[j]) || in_set("_.:-", (unsigned char)s[j])))
            j++;
        size_t k = j;
        while (k < lim && is_ws((unsigned char)s[k])) k++;
        if (k >= lim || s[k] != '=') continue; /* an attribute without a value */
        k++;
        while (k < lim && is_ws((unsigned char)s[k])) k++;
        if (k >= lim) return 0;
        if (s[k] == '"' || s[k] == '\'') {
            const char *q = memchr(s + k + 1, s[k], lim - k - 1);
            if (!q) return 0;
            j = (size_t)(q - s) + 1;
        } else {
            size_t v = k;
            while (k < lim && !is_ws((unsigned char)s[k]) && !in_set("\"'=<>`", (unsigned char)s[k]))
                k++;
            if (k == v) return 0;
            j = k;
        }
    }
}

/* Whether the tag at s[i] (its name after '<' or '</') breaks the text as a block or a line
   break does: it becomes a space, so that words on both sides stay apart. */
static bool breaking_tag(const char *s, size_t end, size_t i)
{
    static const char *const names[] = {"br", "hr", "p", "div", "li", "ul", "ol", "dl", "dt",
                                        "dd", "table", "tr", "td", "th", "blockquote", "pre",
                                        "h1", "h2", "h3", "h4", "h5", "h6", "section", NULL};
    size_t a = i + 1 + (s[i + 1] == '/'), b = a;
    while (b < end && (is_alnum((unsigned char)s[b]) || s[b] == '-')) b++;
    for (const char *const *nm = names; *nm; nm++) {
        size_t k = strlen(*nm);
        if (k != b - a) continue;
        size_t c = 0;
        while (c < k && (s[a + c] | 0x20) == (*nm)[c]) c++;
        if (c == k) return true;
    }
    return false;
}

/* Inline HTML tags (<b>, </span>, <br/>, <img src="x">): dropped, their content between
   them kept; a line break or block tag (<br>, <p>, <td>, ...) becomes a space. */
static void html_tags(const char *s, size_t n, unsigned char *fl)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '<' || (fl[i] & (F_LIT | F_DROP))) continue;
        size_t end = html_tag_end(s, n, i), k = i;
        if (!end) continue;
        while (k <= end && !(fl[k] & (F_LIT | F_DROP))) k++;
        if (k <= end) continue; /* escaped or code inside: not a tag */
        memset(fl + i, F_DROP, end - i + 1);
        if (breaking_tag(s, end, i)) fl[i] |= F_SPACE;
        i = end;
    }
}

/* The labels a document defines, keyed by label_key: links ([foo]: /url) and footnotes
   ([^1]: text). Titles (lk_md_inline_plain) have none: their document is not known. */
typedef struct {
    lk_vocab *links, *notes;
} md_refs;

#define KEY_MAX (2 * MAX_LABEL + 8) /* a key of a label of MAX_LABEL + 1 bytes fits */

/* The key CommonMark matches labels by: lowercased (per code point), white space at the
   ends dropped and each run of it one space. Its length in key (KEY_MAX bytes), 0 for a
   blank label or one longer than MAX_LABEL + 1 bytes. */
static size_t label_key(const char *s, size_t n, char *key)
{
    size_t o = 0;
    bool space = false;
    if (n > MAX_LABEL + 1) return 0;
    for (size_t i = 0; i < n;) {
        int32_t cp;
        size_t k = lk_utf8_decode(s + i, n - i, &cp);
        if (k == 0) { /* a byte of invalid UTF-8, as it is */
            key[o++] = s[i++];
            space = false;
            continue;
        }
        i += k;
        if (cp < 0x80 && is_ws((unsigned char)cp)) {
            space = o > 0;
            continue;
        }
        if (space) key[o++] = ' ';
        space = false;
        o += lk_utf8_encode(lk_tolower(cp), key + o);
    }
    return o;
}

/* Whether s[a..b) is a label (no bracket but escaped ones) that `set` defines. */
static bool defined(const lk_vocab *set, const char *s, const unsigned char *fl, size_t a,
                    size_t b)
{
    char key[KEY_MAX];
    for (size_t j = a; j < b; j++)
        if ((s[j] == '[' || s[j] == ']') && !(fl[j] & F_LIT)) return false;
    size_t k = label_key(s + a, b - a, key);
    return k > 0 && lk_vocab_find(set, key, k) != LK_ID_NONE;
}

/* [text][ref] and [text][]: the offset of its label's "]", or 0 if none. */
static size_t ref_label_end(const char *s, size_t n, const unsigned char *fl, size_t i)
{
    for (size_t j = i + 2; j < n && j <= i + 2 + MAX_LABEL; j++) {
        if (fl[j] & F_LIT) continue;
        if (s[j] == '[') return 0;
        if (s[j] == ']') return j;
    }
    return 0;
}

#define MAX_DEST 2048      /* the bytes looked at for a destination's balanced parentheses */
#define MAX_DEST_PARENS 32 /* their nesting (cmark's limit) */

/* The ')' closing the '(' at s[o] when the link destination after it holds balanced
   parentheses (CommonMark: [Python](https://x.org/Python_(language)) ends at the second
   ')'), after white space and a quoted title if any ([a](x_(y) "t (z)")), or 0: the
   destination is then up to the first ')'. Looks at MAX_DEST bytes at most. */
static size_t dest_close(const char *s, size_t n, const unsigned char *fl, size_t o)
{
    enum { DEST, GAP, TITLE, AFTER } at = DEST; /* GAP: white space before a title */
    int depth = 0;
    char quote = 0;
    size_t lim = o + MAX_DEST < n ? o + MAX_DEST : n;
    for (size_t j = o + 1; j < lim; j++) {
        if (fl[j] & F_LIT) continue;
        char c = s[j];
        bool ws = is_ws((unsigned char)c);
        if (at == TITLE) {
            if (c == quote) at = AFTER;
        } else if (at == DEST && !ws) {
            if (c == '(' && ++depth > MAX_DEST_PARENS) return 0;
            if (c == ')' && depth-- == 0) return j;
        } else if (at == DEST && depth > 0) {
            return 0; /* white space inside parentheses */
        } else if (at == DEST) {
            at = GAP;
        } else if (c == ')') {
            return j;
        } else if (at == GAP && (c == '"' || c == '\'')) {
            at = TITLE, quote = c;
        } else if (!ws) {
            return 0;
        }
    }
    return 0;
}

/* The link or image whose text opens at s[o] == '[' loses its [ and the ! before it. */
static void drop_opener(const char *s, unsigned char *fl, size_t o)
{
    fl[o] |= F_DROP;
    if (o > 0 && s[o - 1] == '!' && !(fl[o - 1] & (F_LIT | F_DROP))) fl[o - 1] |= F_DROP;
}

/* [text](url) and ![alt](src) give text and alt; with refs (a whole document), as
   CommonMark reads references, only where the label is defined: [text][ref], [text][]
   and [text] (not followed by a label) give text, and a footnote reference [^1] is
   dropped. Undefined, the brackets are text. */
static void links(const char *s, size_t n, unsigned char *fl, size_t *stack, const md_refs *refs)
{
    size_t sp = 0, close = 0; /* close: the first unescaped ')' at or after some point */
    bool close_known = false;
    for (size_t i = 0; i < n; i++) {
        if (fl[i] & (F_LIT | F_DROP)) continue;
        if (s[i] == '[') {
            if (sp < MAX_OPEN) stack[sp++] = i;
            continue;
        }
        if (s[i] != ']' || !sp) continue;
        size_t o = stack[--sp], ref;
        if (refs && s[o + 1] == '^' && defined(refs->notes, s, fl, o + 2, i)) {
            memset(fl + o, F_DROP, i - o + 1);
            continue;
        }
        if (i + 1 < n && s[i + 1] == '(' && !(fl[i + 1] & F_LIT)) {
            size_t end = dest_close(s, n, fl, i + 1);
            if (end == 0) {
                if (!close_known || close <= i + 1) { /* the searches never overlap: linear */
                    close = i + 2;
                    while (close < n && (s[close] != ')' || (fl[close] & F_LIT))) close++;
                    close_known = true;
                }
                end = close;
            }
            if (end < n) {
                drop_opener(s, fl, o);
                memset(fl + i, F_DROP, end - i + 1);
                i = end;
                continue;
            }
        }
        if (!refs) continue;
        if (i + 1 < n && s[i + 1] == '[' && !(fl[i + 1] & F_LIT) &&
            (ref = ref_label_end(s, n, fl, i)) != 0) { /* full or collapsed; else text */
            bool collapsed = ref == i + 2;
            if (defined(refs->links, s, fl, collapsed ? o + 1 : i + 2, collapsed ? i : ref)) {
                drop_opener(s, fl, o);
                memset(fl + i, F_DROP, ref - i + 1);
                i = ref;
            }
            continue;
        }
        if (defined(refs->links, s, fl, o + 1, i)) { /* shortcut */
            drop_opener(s, fl, o);
            fl[i] |= F_DROP;
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
   position), trimmed; fl: n zeroed bytes of scratch, stack: 3 * MAX_OPEN openers; refs:
   the document's labels (autolinks and references are read), or NULL for a title. */
static size_t inline_plain(const char *s, size_t n, char *out, unsigned char *fl, void *stack,
                           const md_refs *refs)
{
    escapes_and_code(s, n, fl);
    if (refs) autolinks(s, n, fl);
    html_tags(s, n, fl);
    links(s, n, fl, stack, refs);
    emphasis(s, n, fl, stack);
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        if (!(fl[i] & F_DROP)) out[o++] = s[i];
        else if (fl[i] & F_SPACE) out[o++] = ' ';
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
    *out_len = inline_plain(s, n, out, fl, stack, NULL);
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
    md_refs refs;        /* the labels the document defines */
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
    w->o = w->para + inline_plain(w->out + w->para, n, w->out + w->para, w->fl, w->stack,
                                  &w->refs);
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

/* `[label]: ...`: the offset of the label's "]", or 0. */
static size_t definition(const char *l, size_t len)
{
    if (len < 4 || l[0] != '[') return 0;
    for (size_t i = 1; i + 1 < len && i <= MAX_LABEL + 1; i++) {
        if (l[i] == '[') return 0;
        if (l[i] == ']' && (i == 1 || l[i - 1] != '\\')) return i > 1 && l[i + 1] == ':' ? i : 0;
    }
    return 0;
}

/* `[label]: destination`, a link reference definition: the offset of its "]", or 0. */
static size_t link_definition(const char *l, size_t len)
{
    return len > 1 && l[1] == '^' ? 0 : definition(l, len);
}

/* `[^label]: text`, a footnote's definition (GFM): the offset of its "]", or 0. */
static size_t note_definition(const char *l, size_t len)
{
    return len > 2 && l[1] == '^' ? definition(l, len) : 0;
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
    if ((k = note_definition(l, len)) != 0) { /* its text, as a paragraph */
        flush(w);
        l += k + 2, len -= k + 2;
        trim_ws(&l, &len);
    }
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

/* Add the key of the label l[1..end) to set. */
static lk_status add_label(lk_vocab *set, const char *l, size_t end)
{
    char key[KEY_MAX];
    size_t k = label_key(l + 1, end - 1, key);
    return k ? lk_vocab_add(set, key, k, NULL) : LK_OK;
}

/* The labels of the link reference and footnote definitions of s[0..n) (outside fenced
   code), as md_line finds them. */
static lk_status collect_refs(const char *s, size_t n, md_refs *refs)
{
    lk_status st = LK_OK;
    char fence_ch = 0, ch;
    size_t fence_len = 0, k;
    for (size_t i = 0; i < n && st == LK_OK;) {
        const char *nl = memchr(s + i, '\n', n - i), *l = s + i;
        size_t len = (nl ? (size_t)(nl - s) : n) - i;
        i += len + 1;
        trim_ws(&l, &len);
        while (len && l[0] == '>') l++, len--, trim_ws(&l, &len);
        if (fence_len) {
            if ((k = fence_run(l, len, &ch)) >= fence_len && ch == fence_ch && k == len)
                fence_len = 0;
        } else if ((k = fence_run(l, len, &ch)) != 0) {
            fence_ch = ch;
            fence_len = k;
        } else if ((k = link_definition(l, len)) != 0) {
            st = add_label(refs->links, l, k);
        } else if ((k = note_definition(l, len)) != 0) {
            st = add_label(refs->notes, l + 1, k - 1);
        }
    }
    return st;
}

lk_status lk_md_plain(const char *s, size_t n, char *out, size_t *out_len)
{
    *out_len = 0;
    md_writer w = {.out = out, .para = NO_PARA};
    char *buf = malloc(n ? n : 1);
    w.fl = malloc(n ? n : 1);
    w.stack = malloc(3 * MAX_OPEN * sizeof(opener));
    lk_status st = LK_ERR_NOMEM;
    if (buf && w.fl && w.stack && lk_vocab_create(&w.refs.links) == LK_OK &&
        lk_vocab_create(&w.refs.notes) == LK_OK && (st = collect_refs(s, n, &w.refs)) == LK_OK) {
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
    }
    free(buf); /* one release path, whether or not the pass ran */
    free(w.fl);
    free(w.stack);
    lk_vocab_free(w.refs.links);
    lk_vocab_free(w.refs.notes);
    return st;
}
