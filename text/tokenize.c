/* tokenize.c: the lexkit, scikit-learn and whitespace tokenizers.

   Text is first validated; if it is not pure ASCII and NFKC or case folding is on, it is
   normalized unit by unit (see utf8_internal.h) into t->norm, with a segment list mapping
   normalized offsets back to the input. Tokens are then found on the normalized text, so
   they are classified after NFKC. Token texts live in one arena sized before scanning.
   The scikit-learn mode is in tokenize_sklearn.c. */
#include "text/tokenize.h"

#include <stdlib.h>
#include <string.h>

#include "text/utf8.h"
#include "text/tokenize_internal.h"
#include "text/utf8_internal.h"

#define HIGH_BITS 0x8080808080808080ull
#define ALNUM_LETTER 1u
#define ALNUM_DIGIT 2u

/* Token classes of code points, after normalization. */
typedef enum {
    T_SPACE = 0, /* white space, controls, ZWSP, BOM: separate tokens, never emitted */
    T_LETTER,    /* L* except Han and kana */
    T_DIGIT,     /* N* */
    T_HAN,       /* Script=Han */
    T_KANA,      /* Hiragana / Katakana letters and the prolonged sound mark */
    T_PUNCT,     /* P* */
    T_SYMBOL,    /* S* (emoji start here) */
    T_ATTACH,    /* M* and format characters (ZWJ, ZWNJ, ...): join the preceding token */
    T_OTHER,     /* private use, unassigned */
} tclass;


/* ---- character classes ------------------------------------------------------------ */

static bool is_kana_range(int32_t cp)
{
    return (cp >= 0x3031 && cp <= 0x3035) || (cp >= 0x3041 && cp <= 0x30FF) ||
           (cp >= 0x31F0 && cp <= 0x31FF) || (cp >= 0xFF66 && cp <= 0xFF9F) ||
           (cp >= 0x1AFF0 && cp <= 0x1B16F);
}

static tclass uni_class(int32_t cp)
{
    if (cp == 0x85 || cp == 0x200B || cp == 0xFEFF) return T_SPACE; /* NEL, ZWSP, BOM */
    if (lk_is_han(cp)) return T_HAN;
    switch (lk_ucd_category(cp)) {
    case LK_UCAT_LU: case LK_UCAT_LL: case LK_UCAT_LT: case LK_UCAT_LM: case LK_UCAT_LO:
        return is_kana_range(cp) ? T_KANA : T_LETTER;
    case LK_UCAT_MN: case LK_UCAT_MC: case LK_UCAT_ME: case LK_UCAT_CF:
        return T_ATTACH;
    case LK_UCAT_ND: case LK_UCAT_NL: case LK_UCAT_NO:
        return T_DIGIT;
    case LK_UCAT_PC: case LK_UCAT_PD: case LK_UCAT_PS: case LK_UCAT_PE: case LK_UCAT_PI:
    case LK_UCAT_PF: case LK_UCAT_PO:
        return T_PUNCT;
    case LK_UCAT_SM: case LK_UCAT_SC: case LK_UCAT_SK: case LK_UCAT_SO:
        return T_SYMBOL;
    case LK_UCAT_ZS: case LK_UCAT_ZL: case LK_UCAT_ZP: case LK_UCAT_CC:
        return T_SPACE;
    default:
        return T_OTHER;
    }
}

bool lk_tok_is_separator(int32_t cp)
{
    if (cp < 0x80) return cp <= 0x20 || cp == 0x7F; /* Cc and the space: uni_class's T_SPACE */
    return uni_class(cp) == T_SPACE;
}

/* Class of the code point at s[i] (valid UTF-8); sets *cp and *clen. */
static inline tclass class_at(const lk_tokenizer *t, const char *s, size_t n, size_t i,
                              int32_t *cp, size_t *clen)
{
    unsigned char b = (unsigned char)s[i];
    if (b < ASCII_N) {
        *cp = b;
        *clen = 1;
        return (tclass)t->ascii_class[b];
    }
    *clen = lk_utf8_decode(s + i, n - i, cp);
    return uni_class(*cp);
}

/* ---- create / free ------------------------------------------------------------------ */

lk_tokenizer_config lk_tokenizer_config_default(void)
{
    lk_tokenizer_config c;
    memset(&c, 0, sizeof c);
    c.mode = LK_TOKMODE_LEXKIT;
    c.lower = false;
    c.nfkc = true;
    c.keep_punct = true;
    c.keep_symbols = true;
    c.keep_numbers = true;
    c.inner_apostrophe = true;
    c.inner_hyphen = true;
    c.han_chars = true;
    c.keep_case = false;
    c.drop_format = true;
    c.wide_comma_thousands = true;
    c.word_decimals = true;
    return c;
}

lk_status lk_tokenizer_create(const lk_tokenizer_config *c, lk_tokenizer **out)
{
    *out = NULL;
    if (!c || (c->mode != LK_TOKMODE_LEXKIT && c->mode != LK_TOKMODE_SKLEARN &&
               c->mode != LK_TOKMODE_SPACE && c->mode != LK_TOKMODE_UD_EN))
        return LK_ERR_ARG;
    lk_tokenizer *t = calloc(1, sizeof *t);
    if (!t) return LK_ERR_NOMEM;
    t->cfg = *c;
    t->norm_flags = (c->nfkc ? LK_NORM_NFKC : 0u) | (c->lower ? LK_NORM_CASEFOLD : 0u);
    for (int b = 0; b < 256; b++)
        t->lower_byte[b] = (unsigned char)((b >= 'A' && b <= 'Z') ? b + ('a' - 'A') : b);
    for (int b = 0; b < ASCII_N; b++) {
        t->ascii_class[b] = (unsigned char)uni_class(b);
        t->ascii_white[b] = b == ' ' || (b >= '\t' && b <= '\r') || (b >= 0x1C && b <= 0x1F);
        t->ascii_word[b] = lk_tok_py_word(b);
        t->word_out[b] = !t->ascii_word[b] ? 0 : c->keep_case ? (unsigned char)b : t->lower_byte[b];
        t->ascii_alnum[b] = (unsigned char)(t->ascii_class[b] == T_LETTER  ? ALNUM_LETTER
                                            : t->ascii_class[b] == T_DIGIT ? ALNUM_DIGIT
                                                                            : 0);
    }
    *out = t;
    return LK_OK;
}

void lk_tokenizer_free(lk_tokenizer *t)
{
    if (!t) return;
    free(t->toks);
    free(t->arena);
    free(t->norm_buf);
    free(t->segs);
    free(t->u32);
    free(t->fold_u32);
    free(t->ud_off);
    free(t);
}

/* ---- normalization with an offset map ------------------------------------------------ */

static lk_status add_seg(lk_tokenizer *t, size_t orig_start, size_t orig_len, bool identity,
                         size_t norm_start)
{
    if (identity && t->n_segs > 0) {
        seg *last = &t->segs[t->n_segs - 1];
        if (last->identity && last->orig_start + last->orig_len == orig_start) {
            last->orig_len += orig_len;
            return LK_OK;
        }
    }
    if (t->n_segs == t->cap_segs) {
        lk_status st = lk_grow((void **)&t->segs, &t->cap_segs, t->n_segs + 1, sizeof(seg));
        if (st != LK_OK) return st;
    }
    t->segs[t->n_segs++] = (seg){norm_start, orig_start, orig_len, identity};
    return LK_OK;
}

/* True if cp needs no normalization where it stands (see lk_ucd_norm_fixed); cached. */
static bool cp_plain(lk_tokenizer *t, int32_t cp)
{
    if (cp >= 0x10000) return lk_ucd_norm_boundary(cp, t->norm_flags) &&
                              lk_ucd_norm_stable(cp, t->norm_flags);
    uint32_t word = (uint32_t)cp >> 5, bit = 1u << (cp & 31);
    if (!(t->plain_known[word] & bit)) {
        t->plain_known[word] |= bit;
        if (lk_ucd_norm_fixed(cp, t->norm_flags)) t->plain_bits[word] |= bit;
    }
    return (t->plain_bits[word] & bit) != 0;
}

/* True if no non-ASCII code point of the valid UTF-8 s[0..n) needs normalizing: the text
   can then be scanned as it is (ASCII is lowercased on copy). */
static bool all_plain(lk_tokenizer *t, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if ((unsigned char)s[i] < ASCII_N) {
            i++;
            continue;
        }
        int32_t cp;
        i += lk_utf8_decode(s + i, n - i, &cp);
        if (!cp_plain(t, cp)) return false;
    }
    return true;
}

/* Append s[0..n) (ASCII) to norm_buf, lowercased when folding. */
static void append_ascii(lk_tokenizer *t, size_t *len, const char *s, size_t n, bool fold)
{
    char *d = t->norm_buf + *len;
    if (fold) {
        for (size_t k = 0; k < n; k++) {
            char ch = s[k];
            d[k] = (ch >= 'A' && ch <= 'Z') ? (char)(ch + ('a' - 'A')) : ch;
        }
    } else {
        memcpy(d, s, n);
    }
    *len += n;
}

/* Normalize the valid UTF-8 text s[0..n) into norm_buf with `flags`, recording segments. */
static lk_status build_norm(lk_tokenizer *t, const char *s, size_t n, unsigned flags,
                            lk_error *err)
{
    bool fold = (flags & LK_NORM_CASEFOLD) != 0;
    size_t len = 0;
    lk_status st;
    t->n_segs = 0;
    if (t->norm_cap < n + 1) {
        st = lk_grow((void **)&t->norm_buf, &t->norm_cap, n + 1, 1);
        if (st != LK_OK) return lk_error_set(err, st, "out of memory");
    }
    size_t i = 0;
    while (i < n) {
        /* ASCII run: all but its last byte are units of their own (the last one may take
           a following combining mark). */
        size_t k = i;
        while (k < n && (unsigned char)s[k] < ASCII_N) k++;
        size_t plain = (k == n) ? k - i : (k > i ? k - i - 1 : 0);
        if (plain) {
            if ((st = add_seg(t, i, plain, true, len)) != LK_OK) goto nomem;
            append_ascii(t, &len, s + i, plain, fold);
            i += plain;
            continue;
        }
        /* One normalization unit: a code point and everything up to the next boundary. */
        int32_t cp;
        size_t j = i + lk_utf8_decode(s + i, n - i, &cp);
        bool stable = cp < 0x80 ? lk_ucd_norm_stable(cp, flags) : cp_plain(t, cp);
        while (j < n && (unsigned char)s[j] >= ASCII_N) {
            int32_t next;
            size_t l = lk_utf8_decode(s + j, n - j, &next);
            if (lk_ucd_norm_boundary(next, flags)) break;
            stable = false;
            j += l;
        }
        if (stable) {
            if (len + (j - i) + 1 > t->norm_cap &&
                (st = lk_grow((void **)&t->norm_buf, &t->norm_cap, len + (j - i) + 1, 1)) != LK_OK)
                goto nomem;
            if ((st = add_seg(t, i, j - i, true, len)) != LK_OK) goto nomem;
            memcpy(t->norm_buf + len, s + i, j - i);
            len += j - i;
        } else {
            if ((st = add_seg(t, i, j - i, false, len)) != LK_OK) goto nomem;
            st = lk_ucd_normalize_unit(s + i, j - i, flags, &t->norm_buf, &len, &t->norm_cap,
                                       &t->u32, &t->u32_cap, err);
            if (st != LK_OK) return st;
        }
        if (len + (n - j) + 1 > t->norm_cap &&
            (st = lk_grow((void **)&t->norm_buf, &t->norm_cap, len + (n - j) + 1, 1)) != LK_OK)
            goto nomem;
        i = j;
    }
    t->norm = t->norm_buf;
    t->norm_len = len;
    t->seg_cursor = 0;
    return LK_OK;
nomem:
    return lk_error_set(err, st, "out of memory");
}

/* Input span of the normalized bytes [ns, ne). Calls come with increasing ns. */
static void map_span(lk_tokenizer *t, size_t ns, size_t ne, size_t *os, size_t *oe)
{
    if (!t->segs || t->norm != t->norm_buf) {
        *os = ns;
        *oe = ne;
        return;
    }
    size_t c = t->seg_cursor;
    while (c + 1 < t->n_segs && t->segs[c + 1].norm_start <= ns) c++;
    t->seg_cursor = c;
    const seg *a = &t->segs[c];
    *os = a->identity ? a->orig_start + (ns - a->norm_start) : a->orig_start;
    while (c + 1 < t->n_segs && t->segs[c + 1].norm_start < ne) c++;
    const seg *b = &t->segs[c];
    *oe = b->identity ? b->orig_start + (ne - b->norm_start) : b->orig_start + b->orig_len;
}

/* ---- token output ----------------------------------------------------------------------- */

static lk_status reserve_arena(lk_tokenizer *t, size_t need)
{
    t->arena_len = 0;
    if (need <= t->arena_cap) return LK_OK;
    return lk_grow((void **)&t->arena, &t->arena_cap, need, 1);
}

lk_status lk_tok_push(lk_tokenizer *t, lk_token_kind kind, size_t start, size_t len,
                            const char *text, size_t text_len)
{
    if (t->n_toks == t->cap_toks) {
        lk_status st = lk_grow((void **)&t->toks, &t->cap_toks, t->n_toks + 1, sizeof(lk_token));
        if (st != LK_OK) return st;
    }
    t->toks[t->n_toks++] = (lk_token){start, len, text, text_len, kind};
    return LK_OK;
}

/* Emit norm[ns..ne) as a token: map its span, copy its text into the arena. */
/* An invisible format character (Cf), not a visible prepended concatenation mark. */
static bool invisible_format(int32_t cp)
{
    if (cp < 0xAD || (cp >= 0x3000 && cp < 0xFEFF)) return false;
    if ((cp >= 0x600 && cp <= 0x605) || cp == 0x6DD || cp == 0x70F || cp == 0x890 ||
        cp == 0x891 || cp == 0x8E2 || cp == 0x110BD || cp == 0x110CD)
        return false;
    return lk_ucd_category(cp) == LK_UCAT_CF;
}

/* d[0..n) (valid UTF-8) without its invisible format characters; the new length. Lead
   bytes that cannot start one (ASCII, most letters, Han) are passed over undecoded. */
static size_t drop_format_chars(char *d, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned char b = (unsigned char)d[i];
        int32_t cp;
        size_t l = 1;
        if ((b == 0xC2 || (b >= 0xD8 && b <= 0xE2) || b == 0xEF || b == 0xF0 || b == 0xF3) &&
            (l = lk_utf8_decode(d + i, n - i, &cp)) > 0 && invisible_format(cp)) {
            i += l;
            continue;
        }
        if (l == 0) l = 1;
        memmove(d + o, d + i, l);
        o += l;
        i += l;
    }
    return o;
}

static lk_status emit(lk_tokenizer *t, lk_token_kind kind, size_t ns, size_t ne)
{
    size_t os, oe;
    map_span(t, ns, ne, &os, &oe);
    char *d = t->arena + t->arena_len;
    const char *src = t->norm + ns;
    size_t n = ne - ns;
    if (t->lower_on_copy) {
        for (size_t k = 0; k < n; k++) d[k] = (char)t->lower_byte[(unsigned char)src[k]];
    } else {
        memcpy(d, src, n);
    }
    if (t->cfg.drop_format && t->cfg.mode == LK_TOKMODE_LEXKIT && n > 1 &&
        (kind == LK_TOK_WORD || kind == LK_TOK_NUMBER || kind == LK_TOK_HAN))
        n = drop_format_chars(d, n);
    d[n] = '\0';
    t->arena_len += n + 1;
    return lk_tok_push(t, kind, os, oe - os, d, n);
}

static bool kind_kept(const lk_tokenizer_config *c, lk_token_kind kind)
{
    if (kind == LK_TOK_PUNCT) return c->keep_punct;
    if (kind == LK_TOK_SYMBOL) return c->keep_symbols;
    if (kind == LK_TOK_NUMBER) return c->keep_numbers;
    return true;
}

/* ---- lexkit mode ------------------------------------------------------------------------- */

static bool is_apostrophe(int32_t cp)
{
    return cp == '\'' || cp == 0x2019;
}

static bool is_hyphen(int32_t cp)
{
    return cp == '-' || cp == 0x2010;
}

/* Was the ',' at norm[ns] made by NFKC of another character (， U+FF0C, ﹐ U+FE50)? An
   ASCII ',' is copied (an identity segment) or starts its unit (',' + a combining mark). */
static bool comma_was_wide(const lk_tokenizer *t, size_t ns)
{
    if (!t->segs || t->norm != t->norm_buf || t->n_segs == 0) return false; /* the input */
    size_t lo = 0, hi = t->n_segs; /* the last segment that starts at or before ns */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->segs[mid].norm_start <= ns) lo = mid;
        else hi = mid;
    }
    const seg *g = &t->segs[lo];
    return !g->identity && t->src[g->orig_start] != ',';
}

/* Three digits at s[i..n), then no digit: a thousands group. */
static bool thousands_group_at(const lk_tokenizer *t, const char *s, size_t n, size_t i)
{
    int32_t cp;
    size_t clen;
    int digits = 0;
    while (i < n && class_at(t, s, n, i, &cp, &clen) == T_DIGIT) {
        if (++digits > 3) return false;
        i += clen;
    }
    return digits == 3;
}

/* Letters, digits and marks, joined by inner ' or - between letters and . or , between the
   digits of a number (a wide comma only as a thousands separator: wide_comma_thousands), or
   . between digits in a word (v2.0.1: word_decimals).
   Returns the end; *kind is WORD if any letter, else NUMBER. */
static size_t scan_alnum(const lk_tokenizer *t, const char *s, size_t n, size_t i,
                         lk_token_kind *kind)
{
    enum { NONE, LETTER, DIGIT } last = NONE;
    bool has_letter = false, decimal = false; /* decimal: a '.' joined the number */
    int32_t cp;
    size_t clen;
    while (i < n) {
        /* Fast path: a run of ASCII letters and digits. */
        size_t i0 = i;
        unsigned seen = 0, a;
        while (i < n && (a = t->ascii_alnum[(unsigned char)s[i]]) != 0) {
            seen |= a;
            i++;
        }
        if (i > i0) {
            if (seen & ALNUM_LETTER) has_letter = true;
            last = t->ascii_alnum[(unsigned char)s[i - 1]] == ALNUM_LETTER ? LETTER : DIGIT;
        }
        if (i >= n) break;
        tclass c = class_at(t, s, n, i, &cp, &clen);
        if (c == T_LETTER) {
            has_letter = true;
            last = LETTER;
        } else if (c == T_DIGIT) {
            last = DIGIT;
        } else if (c == T_PUNCT && i + clen < n && last != NONE) {
            int32_t next;
            size_t nlen;
            tclass nc = class_at(t, s, n, i + clen, &next, &nlen);
            bool join = false;
            if (last == LETTER && nc == T_LETTER)
                join = (t->cfg.inner_apostrophe && is_apostrophe(cp)) ||
                       (t->cfg.inner_hyphen && is_hyphen(cp));
            else if (last == DIGIT && !has_letter && nc == T_DIGIT)
                join = cp == '.' ||
                       (cp == ',' && (!t->cfg.wide_comma_thousands || !comma_was_wide(t, i) ||
                                      (!decimal && thousands_group_at(t, s, n, i + clen))));
            else if (last == DIGIT && nc == T_DIGIT)
                join = cp == '.' && t->cfg.word_decimals; /* v2.0.1, PM2.5 */
            if (!join) break;
            if (cp == '.') decimal = true;
        } else if (c != T_ATTACH) {
            break;
        }
        i += clen;
    }
    *kind = has_letter ? LK_TOK_WORD : LK_TOK_NUMBER;
    return i;
}

/* Code points of class `want` (and attached marks) from i. */
static size_t scan_run(const lk_tokenizer *t, const char *s, size_t n, size_t i, tclass want)
{
    int32_t cp;
    size_t clen;
    while (i < n) {
        tclass c = class_at(t, s, n, i, &cp, &clen);
        if (c != want && c != T_ATTACH) break;
        i += clen;
    }
    return i;
}

/* One extended grapheme cluster starting with `first` at i (keeps emoji ZWJ sequences,
   flags, skin tones and variation selectors whole). */
static size_t scan_cluster(const char *s, size_t n, size_t i, int32_t first, size_t flen)
{
    int32_t prev = first, state = 0;
    i += flen;
    while (i < n && (unsigned char)s[i] >= ASCII_N) {
        int32_t cp;
        size_t l = lk_utf8_decode(s + i, n - i, &cp);
        if (lk_ucd_grapheme_break(prev, cp, &state)) break;
        prev = cp;
        i += l;
    }
    return i;
}

static lk_status scan_lexkit(lk_tokenizer *t)
{
    const char *s = t->norm;
    size_t n = t->norm_len, i = 0;
    while (i < n) {
        int32_t cp;
        size_t clen, j;
        lk_token_kind kind;
        tclass c = class_at(t, s, n, i, &cp, &clen);
        switch (c) {
        case T_SPACE:
        case T_ATTACH: /* nothing to attach to: dropped */
            i += clen;
            continue;
        case T_LETTER:
        case T_DIGIT:
            j = scan_alnum(t, s, n, i, &kind);
            break;
        case T_HAN:
            kind = LK_TOK_HAN;
            j = t->cfg.han_chars ? i + clen : scan_run(t, s, n, i, T_HAN);
            break;
        case T_KANA:
            kind = LK_TOK_WORD;
            j = scan_run(t, s, n, i, T_KANA);
            break;
        case T_PUNCT:
            kind = LK_TOK_PUNCT;
            j = i + clen;
            break;
        case T_SYMBOL:
            kind = LK_TOK_SYMBOL;
            j = scan_cluster(s, n, i, cp, clen);
            break;
        default:
            kind = LK_TOK_OTHER;
            j = i + clen;
            break;
        }
        j = scan_run(t, s, n, j, T_ATTACH);
        if (kind_kept(&t->cfg, kind)) {
            lk_status st = emit(t, kind, i, j);
            if (st != LK_OK) return st;
        }
        i = j;
    }
    return LK_OK;
}

/* ---- whitespace mode ------------------------------------------------------------------- */

static bool is_white_at(const lk_tokenizer *t, const char *s, size_t n, size_t i, size_t *clen)
{
    unsigned char b = (unsigned char)s[i];
    if (b < ASCII_N) {
        *clen = 1;
        return t->ascii_white[b];
    }
    int32_t cp;
    *clen = lk_utf8_decode(s + i, n - i, &cp);
    return lk_char_class_of(cp) == LK_CC_SPACE;
}

static lk_token_kind kind_of_first(const lk_tokenizer *t, const char *s, size_t n, size_t i)
{
    int32_t cp;
    size_t clen;
    switch (class_at(t, s, n, i, &cp, &clen)) {
    case T_DIGIT: return LK_TOK_NUMBER;
    case T_HAN: return LK_TOK_HAN;
    case T_PUNCT: return LK_TOK_PUNCT;
    case T_SYMBOL: return LK_TOK_SYMBOL;
    case T_OTHER: return LK_TOK_OTHER;
    default: return LK_TOK_WORD;
    }
}

static lk_status scan_space(lk_tokenizer *t)
{
    const char *s = t->norm;
    size_t n = t->norm_len, i = 0, clen;
    while (i < n) {
        if (is_white_at(t, s, n, i, &clen)) {
            i += clen;
            continue;
        }
        size_t j = i + clen;
        while (j < n && !is_white_at(t, s, n, j, &clen)) j += clen;
        lk_status st = emit(t, kind_of_first(t, s, n, i), i, j);
        if (st != LK_OK) return st;
        i = j;
    }
    return LK_OK;
}

/* ---- entry point ---------------------------------------------------------------------- */

static size_t first_non_ascii(const char *s, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (w & HIGH_BITS) break;
    }
    while (i < n && (unsigned char)s[i] < ASCII_N) i++;
    return i;
}

static lk_status tokenize(lk_tokenizer *t, const char *text, size_t len, bool check,
                         const lk_token **toks, size_t *n, lk_error *err)
{
    lk_status st;
    *toks = NULL;
    *n = 0;
    t->n_toks = 0;
    if (!text && len) return lk_error_set(err, LK_ERR_ARG, "lk_tokenize: NULL text");
    t->src = text;
    size_t hi = first_non_ascii(text, len), bad = 0;
    bool ascii = hi == len;
    if (!ascii && check && !lk_utf8_valid(text + hi, len - hi, &bad)) {
        return lk_utf8_error(text, len, bad + hi, NULL, 0, err);
    }
    if (t->cfg.mode == LK_TOKMODE_SKLEARN) {
        /* A lowercased code point is at most 1.5 times longer (U+0130: 2 -> 3 bytes). */
        if ((st = reserve_arena(t, 2 * len + 2)) != LK_OK)
            return lk_error_set(err, st, "out of memory");
        st = lk_tok_scan_sklearn(t, text, len);
    } else if (t->cfg.mode == LK_TOKMODE_UD_EN) {
        /* Case folding makes a token at most 3 times longer (U+0390: 2 -> 6 bytes). */
        if ((st = reserve_arena(t, (t->cfg.lower ? 4 : 2) * len + 2)) != LK_OK)
            return lk_error_set(err, st, "out of memory");
        st = lk_tok_scan_ud_en(t, text, len);
    } else {
        unsigned flags = t->norm_flags;
        t->lower_on_copy = false;
        if (ascii || flags == 0 || all_plain(t, text + hi, len - hi)) {
            t->norm = text;
            t->norm_len = len;
            t->lower_on_copy = t->cfg.lower;
        } else if ((st = build_norm(t, text, len, flags, err)) != LK_OK) {
            return st;
        }
        /* Token texts plus one NUL each fit in twice the normalized length. */
        if ((st = reserve_arena(t, 2 * t->norm_len + 2)) != LK_OK)
            return lk_error_set(err, st, "out of memory");
        st = t->cfg.mode == LK_TOKMODE_SPACE ? scan_space(t) : scan_lexkit(t);
    }
    if (st != LK_OK) return lk_error_set(err, st, "out of memory");
    *toks = t->toks;
    *n = t->n_toks;
    return LK_OK;
}

lk_status lk_tokenize(lk_tokenizer *t, const char *text, size_t len, const lk_token **toks,
                      size_t *n, lk_error *err)
{
    return tokenize(t, text, len, true, toks, n, err);
}

lk_status lk_tokenize_valid(lk_tokenizer *t, const char *text, size_t len, const lk_token **toks,
                            size_t *n, lk_error *err)
{
    return tokenize(t, text, len, false, toks, n, err);
}
