/* tokenize_ud_en.c: English tokenization in the conventions of UD English EWT (the unit
   of lexkit's English tagger): clitics split (do n't, it 's, I 'm, ca n't, can not, gon na),
   every punctuation mark its own token (runs such as ... !!! -- stay one), hyphens between
   words split (long - term; non-, re-, e- and other prefixes kept), $ and % separate;
   URLs (text/url.c), e-mail addresses, file names, numbers (3.5, 1,000, 3:30, 713-654-0365),
   abbreviations (U.S., Dr., e.g., a.m., Ph.D., M.Sc.; a period ending the line is the
   sentence's: the U.S .), #hashtags and @mentions kept whole. Token texts are the input's
   bytes (case-folded with `lower`). */
#include "text/tokenize_internal.h"

#include <string.h>

#include "text/url.h"
#include "text/utf8.h"
#include "text/utf8_internal.h"

/* The line as code points: cp[i] starts at byte off[i]; off[n] is the byte length. */
typedef struct {
    const int32_t *cp;
    const size_t *off;
    size_t n;
    size_t text_end; /* after the line's last character that is no separator */
} cps;

static bool is_alpha(int32_t c)
{
    if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    lk_char_class k = lk_char_class_of(c);
    return k == LK_CC_LETTER || k == LK_CC_HAN || k == LK_CC_MARK;
}

static bool is_digit(int32_t c)
{
    if (c < 0x80) return c >= '0' && c <= '9';
    return lk_char_class_of(c) == LK_CC_NUMBER;
}

static bool is_alnum(int32_t c) { return is_alpha(c) || is_digit(c); }

static bool is_apos(int32_t c) { return c == '\'' || c == 0x2019 || c == '`'; }

static int32_t ascii_lower(int32_t c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; }

/* Case-insensitive match of the ASCII string w against cp[i..j) (exactly). */
static bool eq_ci(const cps *l, size_t i, size_t j, const char *w)
{
    size_t k = 0;
    for (; i < j && w[k]; i++, k++)
        if (ascii_lower(l->cp[i]) != (unsigned char)w[k]) return false;
    return i == j && !w[k];
}

static bool in_list_ci(const cps *l, size_t i, size_t j, const char *const *list)
{
    for (; *list; list++)
        if (eq_ci(l, i, j, *list)) return true;
    return false;
}

/* Does cp[i..) start with the ASCII string w (case-insensitive)? */
static bool starts_ci(const cps *l, size_t i, size_t end, const char *w)
{
    for (size_t k = 0; w[k]; k++, i++)
        if (i >= end || ascii_lower(l->cp[i]) != (unsigned char)w[k]) return false;
    return true;
}

/* Abbreviations written with a final period (compared without it, case-insensitively). */
static const char *const abbrevs[] = {
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "prof", "inc", "corp", "co", "ltd", "bros",
    "vs", "etc", "no", "nos", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat",
    "sun", "gen", "lt", "col", "sgt", "capt", "cmdr", "adm", "rev", "gov", "sen", "rep", "ft",
    "mt", "ave", "blvd", "rd", "dept", "est", "approx", "fig", "al", "ph", "mass", "calif",
    "fla", "tex", "penn", "va", "wash", "ore", "ariz", "colo", "conn", "ill", "mich", "minn",
    "tenn", "wis", "ky", "la", "md", "mo", "ok", "pa", "vol", "pp", "hr", "hrs", "min", "mins",
    "sec", "secs", "yr", "yrs", "ext", "tel", "attn", "cf", NULL};

/* Hyphenated prefixes EWT keeps in one token (non-stop, e-mail, re-enter). */
static const char *const prefixes[] = {
    "e", "non", "anti", "pre", "re", "mid", "post", "over", "co", "pro", "multi", "ex",
    "semi", "sub", "cross", "neo", "counter", "psycho", "socio", "intra", "micro", "inter",
    "un", "bi", "tri", "mis", "ultra", "mega", "uni", "x", NULL};

/* File-name extensions and top-level domains that keep "name.ext" whole. */
static const char *const extensions[] = {
    "com", "org", "net", "edu", "gov", "mil", "int", "info", "biz", "co", "uk", "us", "ca",
    "de", "fr", "jp", "cn", "au", "ru", "in", "io", "html", "htm", "php", "asp", "aspx", "cfm",
    "jsp", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "pdf", "txt", "csv", "zip", "jpg",
    "jpeg", "gif", "png", "mp3", "mp4", "exe", "dll", "xml", "rtf", "wav", "avi", NULL};

/* Words EWT splits without an apostrophe, with the length of their first part. */
static const struct {
    const char *w;
    size_t first;
} fused[] = {{"cannot", 3}, {"gonna", 3}, {"gotta", 3}, {"wanna", 3}, {"dont", 2},
             {"didnt", 3},  {"doesnt", 4}, {"isnt", 2}, {"wasnt", 3}, {"arent", 3},
             {"werent", 4}, {"cant", 2},   {"wont", 2}, {"couldnt", 5}, {"wouldnt", 5},
             {"shouldnt", 6}, {"havent", 4}, {"hasnt", 3}, {"hadnt", 3}, {"im", 1},
             {"ive", 1},    {"outta", 3}};

/* Clitics split off the end of a word after an apostrophe ('s 'm 're 've 'll 'd). */
static const char *const clitics[] = {"s", "m", "re", "ve", "ll", "d", NULL};

/* The token cp[i..j): its text the input's bytes, case-folded with cfg.lower (ASCII through
   the byte table, other text by Unicode full case folding, as the lexkit tokenizer folds
   without NFKC: Straße -> strasse, İ -> i + U+0307). */
static lk_status push(lk_tokenizer *t, const cps *l, size_t i, size_t j, lk_token_kind kind)
{
    if (i >= j) return LK_OK;
    size_t start = l->off[i], len = l->off[j] - start, out_len = len;
    const char *src = t->norm + start;
    char *dst = t->arena + t->arena_len;
    bool ascii = true;
    for (size_t k = 0; k < len; k++) {
        unsigned char b = (unsigned char)src[k];
        dst[k] = (char)(t->cfg.lower ? t->lower_byte[b] : b);
        if (b >= ASCII_N) ascii = false;
    }
    if (t->cfg.lower && !ascii) {
        out_len = 0;
        lk_status st = lk_ucd_normalize_unit(src, len, LK_NORM_CASEFOLD, &t->norm_buf, &out_len,
                                             &t->norm_cap, &t->fold_u32, &t->fold_u32_cap, NULL);
        if (st != LK_OK) return st;
        if (t->arena_len + out_len + 1 > t->arena_cap) return LK_ERR_RANGE; /* not reached */
        memcpy(dst, t->norm_buf, out_len);
    }
    dst[out_len] = '\0';
    t->arena_len += out_len + 1;
    return lk_tok_push(t, kind, start, len, dst, out_len);
}

/* Emit the word cp[i..j), splitting clitics and fused forms. */
static lk_status emit_word(lk_tokenizer *t, const cps *l, size_t i, size_t j)
{
    lk_status st;
    size_t n = j - i;
    /* n't: do|n't, ca|n't, wo|n't */
    if (n > 3 && is_apos(l->cp[j - 2]) && ascii_lower(l->cp[j - 1]) == 't' &&
        ascii_lower(l->cp[j - 3]) == 'n' && is_alpha(l->cp[j - 4])) {
        if ((st = emit_word(t, l, i, j - 3)) != LK_OK) return st;
        return push(t, l, j - 3, j, LK_TOK_WORD);
    }
    for (size_t c = 0; clitics[c]; c++) {
        size_t cl = strlen(clitics[c]);
        if (n > cl + 1 && is_apos(l->cp[j - cl - 1]) && is_alpha(l->cp[j - cl - 2]) &&
            eq_ci(l, j - cl, j, clitics[c])) {
            if ((st = emit_word(t, l, i, j - cl - 1)) != LK_OK) return st;
            return push(t, l, j - cl - 1, j, LK_TOK_WORD);
        }
    }
    for (size_t f = 0; f < sizeof fused / sizeof fused[0]; f++)
        if (eq_ci(l, i, j, fused[f].w)) {
            if ((st = push(t, l, i, i + fused[f].first, LK_TOK_WORD)) != LK_OK) return st;
            return push(t, l, i + fused[f].first, j, LK_TOK_WORD);
        }
    bool digits = true;
    for (size_t k = i; k < j && digits; k++) digits = !is_alpha(l->cp[k]);
    return push(t, l, i, j, digits ? LK_TOK_NUMBER : LK_TOK_WORD);
}

/* Length of the run of letters (or digits, when `digit`) ending just before `k`, down to
   `lo`. */
static size_t run_before(const cps *l, size_t lo, size_t k, bool digit)
{
    size_t r = 0;
    while (k > lo && (digit ? is_digit(l->cp[k - 1]) : is_alpha(l->cp[k - 1]))) k--, r++;
    return r;
}

static size_t run_after(const cps *l, size_t k, size_t hi, bool digit)
{
    size_t r = 0;
    while (k < hi && (digit ? is_digit(l->cp[k]) : is_alpha(l->cp[k]))) k++, r++;
    return r;
}

/* Is the '.' at cp[k] inside a host or file name: the name runs on as (alnum+ '.')* alnum+
   and has two dots or more, or ends in a known extension (enron.com, a.html, alt.x.cat)? */
static bool host_like(const cps *l, size_t k, size_t end)
{
    size_t dots = 1, last = k + 1, e = k + 1;
    for (; e < end; e++) {
        int32_t c = l->cp[e];
        if (c == '.' && e + 1 < end && is_alnum(l->cp[e + 1]) && e > last) dots++, last = e + 1;
        else if (!is_alnum(c) && c != '-' && c != '_') break;
    }
    if (dots >= 2) return true;
    while (e > last && !is_alnum(l->cp[e - 1])) e--;
    return in_list_ci(l, last, e, extensions);
}

/* May the connector cp[k] (between cp[k-1] and cp[k+1]) stay inside the word that started
   at `start`? */
static bool joins(const cps *l, size_t start, size_t k, size_t end)
{
    if (k + 1 >= end) return false;
    int32_t c = l->cp[k], prev = l->cp[k - 1], next = l->cp[k + 1];
    bool dd = is_digit(prev) && is_digit(next), aa = is_alpha(prev) && is_alpha(next);
    switch (c) {
    case '.':
        if (dd) return true;
        if (aa) {
            size_t before = run_before(l, start, k, false), after = run_after(l, k + 1, end, false);
            if (before == 1 && after == 1) return true; /* U.S, e.g, a.m */
            if (before + after == 3 && k + 1 + after < end && l->cp[k + 1 + after] == '.' &&
                (k - before == start || l->cp[k - before - 1] == '.'))
                return true; /* Ph.D. M.Sc. B.Ed.: a part of two letters, then a period */
        }
        if (is_alnum(prev) && is_alpha(next)) {
            for (size_t d = start; d < k; d++)
                if (l->cp[d] == '.') return true; /* the last part of alt.animals.cat */
            return host_like(l, k, end);
        }
        return false;
    case ',':
        return dd && run_after(l, k + 1, end, true) == 3 && run_before(l, start, k, true) <= 3;
    case ':':
        return dd;
    case '/':
        return dd || (aa && run_before(l, start, k, false) == 1 && run_after(l, k + 1, end, false) == 1);
    case '-':
    case 0x2010:
        if (dd) return !(run_before(l, start, k, true) == 4 && run_after(l, k + 1, end, true) == 4);
        if (aa) {
            size_t r = run_before(l, start, k, false);
            return k - r == start && in_list_ci(l, k - r, k, prefixes);
        }
        return false;
    case '&':
        return aa && run_before(l, start, k, false) <= 2;
    case '_':
        return is_alnum(prev) && is_alnum(next);
    default:
        if (is_apos(c) && is_digit(prev) && (next == 's' || next == 'S'))
            return k + 2 >= end || !is_alnum(l->cp[k + 2]); /* 80's */
        return is_apos(c) && aa;
    }
}

/* At cp[k], letters follow a number that started the word (81K, 40mins, 300USD): split
   there, except for ordinals and decades (1st, 2nd, 80s). */
static bool number_then_unit(const cps *l, size_t start, size_t k, size_t end)
{
    for (size_t d = start; d < k; d++)
        if (is_alpha(l->cp[d])) return false; /* EY4108, x3-9890 */
    size_t e = k + run_after(l, k, end, false);
    if (e < end && is_digit(l->cp[e])) return false; /* 4x4, 1a2 */
    static const char *const suffixes[] = {"st", "nd", "rd", "th", "s", "am", "pm", NULL};
    return !in_list_ci(l, k, e, suffixes);
}

/* End of the word starting at cp[i] (an alphanumeric character), within [i, end). */
static size_t scan_word(const cps *l, size_t i, size_t end)
{
    size_t start = i;
    while (i < end) {
        if (i > start && is_digit(l->cp[i - 1]) && is_alpha(l->cp[i]) && number_then_unit(l, start, i, end))
            break;
        if (is_alnum(l->cp[i])) i++;
        else if (joins(l, start, i, end)) i++;
        else break;
    }
    /* A final period that belongs to an abbreviation: Dr. etc. U.S. e.g. W. */
    if (i < end && l->cp[i] == '.' && !(i + 1 < end && l->cp[i + 1] == '.')) {
        bool dotted = false, has_alpha = false;
        for (size_t k = start; k < i; k++) {
            if (l->cp[k] == '.') dotted = true;
            if (is_alpha(l->cp[k])) has_alpha = true;
        }
        bool initial = i - start == 1 && l->cp[start] >= 'A' && l->cp[start] <= 'Z';
        /* ending the line, the period is the sentence's (EWT: the U.S ., at 5 p.m ., etc .) */
        bool last = i + 1 == l->text_end;
        if (has_alpha && !last && (dotted || initial || in_list_ci(l, start, i, abbrevs))) i++;
    }
    return i;
}

/* End of the URL starting at cp[i] (lk_url_len: a ')' stays when the URL opened it), or i. */
static size_t url_end(const lk_tokenizer *t, const cps *l, size_t i, size_t end)
{
    size_t bytes = lk_url_len(t->norm + l->off[i], l->off[end] - l->off[i]);
    if (bytes == 0) return i;
    size_t j = i;
    while (j < end && l->off[j] < l->off[i] + bytes) j++;
    return j;
}

/* An e-mail address at cp[i..e): name@host.tld (letters, digits, . _ - + % in between). */
static bool is_email(const cps *l, size_t i, size_t e)
{
    size_t at = 0, n_at = 0, dot_after = 0;
    for (size_t k = i; k < e; k++) {
        int32_t c = l->cp[k];
        if (c == '@') at = k, n_at++;
        else if (c == '.' && n_at) dot_after = k;
        else if (!is_alnum(c) && !strchr("._-+%", c < 0x80 ? (int)c : 'x')) return false;
    }
    return n_at == 1 && at > i && at + 1 < e && is_alnum(l->cp[at + 1]) &&
           (dot_after == 0 || dot_after + 1 < e);
}

static bool closing(int32_t c)
{
    return c < 0x80 ? strchr(".,;:!?)]}>\"'", (int)c) != NULL && c != 0
                    : c == 0x201D || c == 0x2019 || c == 0xBB;
}

/* Characters that form one token when repeated (... !!! -- ===). */
static bool runs(int32_t c) { return c < 0x80 && c && strchr(".!?-=*_~#$<>/\\+^|", (int)c); }

static bool ends_sent(int32_t c) { return c == '.' || c == '!' || c == '?'; }

/* Length of a lone clitic ('s 'm 're 've 'll 'd with any apostrophe) starting at cp[i] and
   ending the chunk or followed by punctuation other than a quote: already-split EWT text
   (it 's, we 're) tokenizes to itself. 0 when there is none. */
static size_t lone_clitic(const cps *l, size_t i, size_t end)
{
    if (!is_apos(l->cp[i]) || (i > 0 && is_alnum(l->cp[i - 1]))) return 0;
    size_t r = run_after(l, i + 1, end, false);
    if (r == 0 || !in_list_ci(l, i + 1, i + 1 + r, clitics)) return 0;
    size_t k = i + 1 + r;
    if (k < end && (is_apos(l->cp[k]) || l->cp[k] == '"' || !closing(l->cp[k]))) return 0;
    return r + 1;
}

static const char *const emoticons[] = {":-)", ":-(", ";-)", ":-D", ":-P", ":)", ":(",
                                        ";)", "=)", "<3", ":D", ";D", ":P", NULL};

/* Quotation marks written as two characters ('' `` ’’ ‘’) are one token. */
static bool is_quote(int32_t c) { return is_apos(c) || c == 0x2018; }

/* The end of the extended grapheme cluster starting at i: an emoji with its variation
   selector, skin tone or ZWJ sequence, or a flag (two regional indicators), is one token, as
   in the lexkit tokenizer (they were split into invisible pieces the tagger then tagged). */
static size_t cluster_end(const cps *l, size_t i, size_t end)
{
    int32_t prev = l->cp[i], state = 0;
    size_t j = i + 1;
    while (j < end && !lk_ucd_grapheme_break(prev, l->cp[j], &state)) prev = l->cp[j++];
    return j;
}

static lk_status scan_chunk(lk_tokenizer *t, const cps *l, size_t i, size_t end)
{
    lk_status st = LK_OK;
    /* An e-mail address: opening marks before it, closing marks after it. */
    size_t a = i, e = end;
    while (a < e && !is_alnum(l->cp[a])) a++;
    while (e > a && closing(l->cp[e - 1])) e--;
    if (a < e && is_email(l, a, e)) {
        for (size_t k = i; k < a && st == LK_OK; k++) st = push(t, l, k, k + 1, LK_TOK_PUNCT);
        if (st == LK_OK) st = push(t, l, a, e, LK_TOK_OTHER);
        i = e;
    }
    while (i < end && st == LK_OK) {
        int32_t c = l->cp[i];
        if (is_alnum(c)) {
            size_t j = i == 0 || !is_alnum(l->cp[i - 1]) ? url_end(t, l, i, end) : i;
            if (j > i) { /* a URL */
                st = push(t, l, i, j, LK_TOK_OTHER);
                i = j;
                continue;
            }
            j = scan_word(l, i, end);
            st = emit_word(t, l, i, j);
            i = j;
            continue;
        }
        size_t lc = lone_clitic(l, i, end);
        if (lc) {
            st = push(t, l, i, i + lc, LK_TOK_WORD);
            i += lc;
            continue;
        }
        if ((c == '#' || c == '@') && i + 1 < end && is_alpha(l->cp[i + 1])) {
            /* #hashtag, @mention (EWT: #audiobooks, @Ryan; # 1 and @ 2.975 split) */
            size_t j = scan_word(l, i + 1, end);
            st = emit_word(t, l, i, j);
            i = j;
            continue;
        }
        size_t j = c < 0x80 ? i + 1 : cluster_end(l, i, end);
        if (is_quote(c) && j < end && is_quote(l->cp[j])) j++; /* '' ’’ `` ‘’ */
        for (size_t k = 0; emoticons[k]; k++) {
            size_t el = strlen(emoticons[k]);
            if (starts_ci(l, i, end, emoticons[k]) && (i + el == end || !is_alnum(l->cp[i + el]))) {
                j = i + el;
                break;
            }
        }
        if (j == i + 1 && runs(c)) {
            bool sent = ends_sent(c);
            while (j < end && (l->cp[j] == c || (sent && ends_sent(l->cp[j])))) j++;
            size_t dots = 0;
            while (i + dots < j && l->cp[i + dots] == '.') dots++;
            if (dots >= 2 && dots < j - i) j = i + dots; /* ... ? */
        }
        lk_char_class k = c < 0x80 ? LK_CC_PUNCT : lk_char_class_of(c);
        st = push(t, l, i, j, k == LK_CC_SYMBOL ? LK_TOK_SYMBOL : LK_TOK_PUNCT);
        i = j;
    }
    return st;
}

lk_status lk_tok_scan_ud_en(lk_tokenizer *t, const char *s, size_t n)
{
    lk_status st;
    size_t need = n + 1;
    if ((st = lk_grow((void **)&t->u32, &t->u32_cap, need, sizeof(int32_t))) != LK_OK) return st;
    if ((st = lk_grow((void **)&t->ud_off, &t->ud_off_cap, need, sizeof(size_t))) != LK_OK)
        return st;
    size_t m = 0;
    for (size_t b = 0; b < n; m++) {
        int32_t cp;
        size_t cl = lk_utf8_decode(s + b, n - b, &cp);
        if (cl == 0) cp = 0xFFFD, cl = 1; /* only through lk_tokenize_valid misuse */
        t->u32[m] = cp;
        t->ud_off[m] = b;
        b += cl;
    }
    t->ud_off[m] = n;
    t->norm = s;
    t->norm_len = n;
    size_t text_end = m;
    while (text_end > 0 && lk_tok_is_separator(t->u32[text_end - 1])) text_end--;
    cps l = {t->u32, t->ud_off, m, text_end};
    for (size_t i = 0; i < m;) {
        while (i < m && lk_tok_is_separator(l.cp[i])) i++;
        size_t j = i;
        while (j < m && !lk_tok_is_separator(l.cp[j])) j++;
        if (j > i && (st = scan_chunk(t, &l, i, j)) != LK_OK) return st;
        i = j;
    }
    return LK_OK;
}
