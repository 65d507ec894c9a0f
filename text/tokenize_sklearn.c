/* tokenize_sklearn.c: scikit-learn's default analyzer: Python str.lower(), then the
   matches of (?u)\b\w\w+\b, with byte offsets into the input. */
#include "text/tokenize_internal.h"

#include "text/utf8.h"
#include "text/utf8_internal.h"

/* Python's \w: str.isalnum() (L*, N*) or '_'. */
bool lk_tok_py_word(int32_t cp)
{
    if (cp == '_') return true;
    int c = lk_ucd_category(cp);
    return (c >= LK_UCAT_LU && c <= LK_UCAT_LO) || (c >= LK_UCAT_ND && c <= LK_UCAT_NO);
}

/* Word_Break MidLetter / MidNumLet / Single_Quote characters (part of Case_Ignorable). */
static bool is_mid_letter(int32_t cp)
{
    static const int32_t mids[] = {0x27,   0x2E,   0x3A,   0xB7,   0x387,  0x55F,
                                   0x5F4,  0x2018, 0x2019, 0x2024, 0x2027, 0xFE13,
                                   0xFE52, 0xFE55, 0xFF07, 0xFF0E, 0xFF1A};
    for (size_t k = 0; k < sizeof mids / sizeof mids[0]; k++)
        if (mids[k] == cp) return true;
    return false;
}

static bool case_ignorable(int32_t cp)
{
    int c = lk_ucd_category(cp);
    return c == LK_UCAT_MN || c == LK_UCAT_ME || c == LK_UCAT_CF || c == LK_UCAT_LM ||
           c == LK_UCAT_SK || is_mid_letter(cp);
}

static bool cased(int32_t cp)
{
    int c = lk_ucd_category(cp);
    return c == LK_UCAT_LU || c == LK_UCAT_LL || c == LK_UCAT_LT || lk_ucd_tolower(cp) != cp;
}

/* Python's Final_Sigma test for U+03A3 at s[i..i+clen): preceded by a cased letter and
   not followed by one (case-ignorable characters skipped on both sides). */
static bool final_sigma(const char *s, size_t n, size_t i, size_t clen)
{
    bool before = false;
    size_t k = i;
    while (k > 0) {
        size_t b = k - 1;
        while (b > 0 && ((unsigned char)s[b] & 0xC0) == 0x80) b--;
        int32_t cp;
        lk_utf8_decode(s + b, k - b, &cp);
        if (!case_ignorable(cp)) {
            before = cased(cp);
            break;
        }
        k = b;
    }
    if (!before) return false;
    for (k = i + clen; k < n;) {
        int32_t cp;
        size_t l = lk_utf8_decode(s + k, n - k, &cp);
        if (!case_ignorable(cp)) return !cased(cp);
        k += l;
    }
    return true;
}

/* Python str.lower() of the code point at s[i]: full lowercase (U+0130 -> i + U+0307,
   final sigma), else the simple mapping. Returns the number of code points in out. */
static int py_lower(const char *s, size_t n, size_t i, int32_t cp, size_t clen, int32_t out[2])
{
    if (cp == 0x130) {
        out[0] = 'i';
        out[1] = 0x307;
        return 2;
    }
    if (cp == 0x3A3) {
        out[0] = final_sigma(s, n, i, clen) ? 0x3C2 : 0x3C3;
        return 1;
    }
    out[0] = lk_ucd_tolower(cp);
    return 1;
}

typedef struct {
    size_t count, orig_start, orig_end, arena_start;
} py_run;

static lk_status end_run(lk_tokenizer *t, py_run *r)
{
    lk_status st = LK_OK;
    if (r->count >= 2) {
        size_t tl = t->arena_len - r->arena_start;
        t->arena[t->arena_len++] = '\0';
        st = lk_tok_push(t, LK_TOK_WORD, r->orig_start, r->orig_end - r->orig_start,
                        t->arena + r->arena_start, tl);
    } else {
        t->arena_len = r->arena_start;
    }
    r->count = 0;
    return st;
}

static void run_add(lk_tokenizer *t, py_run *r, size_t start, size_t end)
{
    if (r->count++ == 0) {
        r->orig_start = start;
        r->arena_start = t->arena_len;
    }
    r->orig_end = end;
}

/* (?u)\b\w\w+\b over s lowercased as Python does: maximal runs of 2+ word characters. */
lk_status lk_tok_scan_sklearn(lk_tokenizer *t, const char *s, size_t n)
{
    bool lower = !t->cfg.keep_case;
    py_run r = {0, 0, 0, 0};
    lk_status st;
    size_t i = 0;
    while (i < n) {
        unsigned char b = (unsigned char)s[i];
        if (b < ASCII_N) {
            if (t->word_out[b]) {
                /* a stretch of ASCII word bytes in one tight loop (one table load a byte:
                   0 ends it, a non-ASCII byte included): one run_add for all */
                size_t j = i;
                char *out = t->arena + t->arena_len;
                const unsigned char *word_out = t->word_out;
                unsigned char o = word_out[b];
                do {
                    *out++ = (char)o;
                    if (++j == n) break;
                    o = word_out[(unsigned char)s[j]];
                } while (o);
                run_add(t, &r, i, j);
                r.count += j - i - 1;
                t->arena_len += j - i;
                i = j;
                continue;
            }
            if (r.count && (st = end_run(t, &r)) != LK_OK) return st;
            i++;
            continue;
        }
        int32_t cp, low[2];
        size_t clen = lk_utf8_decode(s + i, n - i, &cp);
        int nl = 1;
        low[0] = cp;
        if (lower) nl = py_lower(s, n, i, cp, clen, low);
        for (int k = 0; k < nl; k++) {
            if (lk_tok_py_word(low[k])) {
                run_add(t, &r, i, i + clen);
                t->arena_len += lk_utf8_encode(low[k], t->arena + t->arena_len);
            } else if (r.count && (st = end_run(t, &r)) != LK_OK) {
                return st;
            }
        }
        i += clen;
    }
    return end_run(t, &r);
}
