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

/* [text](url) and ![alt](src): the brackets, the ! and the (url) are dropped. */
static void links(const char *s, size_t n, unsigned char *fl, size_t *stack)
{
    size_t sp = 0, close = 0; /* close: the first unescaped ')' at or after some point */
    bool close_known = false;
    for (size_t i = 0; i < n; i++) {
        if (fl[i] & (F_LIT | F_DROP)) continue;
        if (s[i] == '[') {
            if (sp < MAX_OPEN) stack[sp++] = i;
        } else if (s[i] == ']' && sp) {
            size_t o = stack[--sp];
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
    escapes_and_code(s, n, fl);
    links(s, n, fl, stack);
    emphasis(s, n, fl, stack);
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        if (!(fl[i] & F_DROP)) out[o++] = s[i];
    size_t b = 0;
    while (b < o && (out[b] == ' ' || out[b] == '\t')) b++;
    while (o > b && (out[o - 1] == ' ' || out[o - 1] == '\t')) o--;
    memmove(out, out + b, o - b);
    *out_len = o - b;
    free(fl);
    free(stack);
    return LK_OK;
}
