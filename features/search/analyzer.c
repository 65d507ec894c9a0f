/* analyzer.c: tokenizer + stop words + Snowball stemming + Han bigrams (see analyzer.h).
   The only file that includes libstemmer. */
#include "features/search/analyzer.h"
#include "features/search/analyzer_internal.h"

#include <libstemmer.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/stopwords.h"
#include "text/tokenize.h"
#include "text/utf8.h"
#include "text/vocab.h"
#include "text/zhscript.h"

#define SETTINGS_HEADER "lexkit-analyzer 1\n"   /* the plain analyzer: as before v2 */
#define SETTINGS_HEADER_2 "lexkit-analyzer 2\n" /* then "analyzer=NAME\n" */
#define STEMMER_NAME "english"
/* The english chain's folding: 2 reads ’ and ʼ as ' and drops the combining marks after a
   Latin letter (İstanbul = istanbul); 1, that of indexes whose settings have no
   english_fold= line, keeps both; 3 also drops the invisible format characters inside words
   (drop_format); 4 joins initials and dotted abbreviations (U.S., i.e., H.C.) into one term
   (join_initials). Bump it on any change of what the chain gives. */
#define ENGLISH_FOLD 4
#define STEMMER_ENC "UTF_8"
/* The tokenizer's rules, as the settings record them ("tokenizer=3", every analyzer): 3
   keeps a word ending in a digit whole over '.' and digits (word_decimals: v2.0.1 is one
   term, it was v2 and 0.1); 2 joins digits at a full-width comma only as a thousands
   separator (wide_comma_thousands: 10，2005 is 10 and 2005); 1, that of indexes whose
   settings have no tokenizer= line, joins them at any comma (10,2005). Bump it on any change
   of the tokens an analyzer gets. */
#define TOKENIZER_VERSION 3

struct lk_analyzer {
    lk_lang lang;
    bool lower, stem;
    bool english;         /* LK_ANALYZER_ENGLISH: hyphens split, folding, possessives */
    int english_fold;     /* english: ENGLISH_FOLD (new analyzers) or 1 (settings without
                             english_fold=: ’ and marks kept, as indexes built before) */
    int tokenizer;        /* TOKENIZER_VERSION (new analyzers), what the settings say, or 1
                             (no tokenizer=: full-width commas join digits, as before) */
    char *fold_buf;       /* a word with its Latin accents folded */
    size_t fold_cap;
    lk_tokenizer *tok;
    struct sb_stemmer *stemmer;
    lk_vocab *stop;       /* stop words (analyzed), or NULL */
    lk_zh *zh;            /* Chinese word segmentation (analyzer_zh.c), or NULL */
    bool han_fold;        /* no zh: each Han character mapped to simplified (t2s) */
    int title_weight;     /* 1..LK_ANALYZER_TITLE_WEIGHT_MAX */
    lk_t2s *t2s;          /* han_fold: opened on the first Han character (OpenCC) */
    char *settings;
    size_t settings_len;
    char *pre_buf;        /* lk_analyzer_prefix's result */
    size_t pre_cap;
    size_t pre_len;       /* its length */
    bool pre_word;        /* it is one word (not a number, Han, nor an abbreviation) */
    char *buf;            /* term bytes since reset */
    size_t buf_len, buf_cap;
    size_t *offs;         /* term start/len pairs into buf */
    size_t n_terms, offs_cap;
    lk_term *terms;
    size_t terms_cap;
    bool input_valid;     /* lk_analyzer_set_input_valid: skip the tokenizer's UTF-8 check */
    bool want_spans;      /* lk_analyzer_set_spans: record each term's source span */
    size_t *spans;        /* term start/end byte pairs in the text of its lk_analyzer_add */
    size_t spans_cap;
    size_t cur_start, cur_end; /* span of the token being analyzed (SIZE_MAX: unknown) */
    lk_token *ctoks;      /* clean_tokens: the tokens with their format characters dropped */
    size_t ctoks_cap;
    char *cbuf;           /* their texts */
    size_t cbuf_cap;
    lk_token *jtoks;      /* join_initials: the tokens with dotted abbreviations joined */
    size_t jtoks_cap;
    char *jbuf;           /* the joined abbreviations' texts */
    size_t jbuf_cap;
};

static const char *const lang_names[] = {"auto", "en", "zh"};
static const char *const kind_names[] = {"plain", "english"};

/* org.apache.lucene.analysis.en.EnglishAnalyzer.ENGLISH_STOP_WORDS_SET */
static const char english_stop[] =
    "a\nan\nand\nare\nas\nat\nbe\nbut\nby\nfor\nif\nin\ninto\nis\nit\nno\nnot\nof\n"
    "on\nor\nsuch\nthat\nthe\ntheir\nthen\nthere\nthese\nthey\nthis\nto\nwas\nwill\n"
    "with\n";

const char *lk_analyzer_english_stopwords(size_t *len)
{
    *len = sizeof english_stop - 1;
    return english_stop;
}

bool lk_analyzer_kind_parse(const char *name, lk_analyzer_kind *out)
{
    for (int i = 0; i < 2; i++)
        if (strcmp(name, kind_names[i]) == 0) {
            *out = (lk_analyzer_kind)i;
            return true;
        }
    return false;
}

lk_analyzer_config lk_analyzer_config_default(void)
{
    lk_analyzer_config c;
    memset(&c, 0, sizeof c);
    c.lang = LK_LANG_AUTO;
    c.lower = true;
    c.zh_terms = LK_ZH_WORDS_BIGRAMS;
    c.zh_script = LK_ZH_SCRIPT_AUTO;
    return c;
}

bool lk_lang_parse(const char *name, lk_lang *out)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(name, lang_names[i]) == 0) {
            *out = (lk_lang)i;
            return true;
        }
    return false;
}

void lk_analyzer_free(lk_analyzer *a)
{
    if (!a) return;
    lk_tokenizer_free(a->tok);
    if (a->stemmer) sb_stemmer_delete(a->stemmer);
    lk_vocab_free(a->stop);
    lk_zh__free(a->zh);
    lk_t2s_free(a->t2s);
    free(a->settings);
    free(a->fold_buf);
    free(a->pre_buf);
    free(a->buf);
    free(a->offs);
    free(a->terms);
    free(a->spans);
    free(a->ctoks);
    free(a->cbuf);
    free(a->jtoks);
    free(a->jbuf);
    free(a);
}

void lk_analyzer_reset(lk_analyzer *a)
{
    a->buf_len = 0;
    a->n_terms = 0;
}

static lk_status push_term(lk_analyzer *a, const char *s, size_t len)
{
    lk_status st;
    if (a->buf_len + len > a->buf_cap) {
        void *p = a->buf;
        if ((st = lk_grow(&p, &a->buf_cap, a->buf_len + len, 1)) != LK_OK) return st;
        a->buf = p;
    }
    if (2 * (a->n_terms + 1) > a->offs_cap) {
        void *p = a->offs;
        if ((st = lk_grow(&p, &a->offs_cap, 2 * (a->n_terms + 1), sizeof *a->offs)) != LK_OK)
            return st;
        a->offs = p;
    }
    if (a->n_terms + 1 > a->terms_cap) { /* so lk_analyzer_terms cannot fail */
        void *p = a->terms;
        if ((st = lk_grow(&p, &a->terms_cap, a->n_terms + 1, sizeof *a->terms)) != LK_OK)
            return st;
        a->terms = p;
    }
    if (a->want_spans) {
        if (2 * (a->n_terms + 1) > a->spans_cap) {
            void *p = a->spans;
            if ((st = lk_grow(&p, &a->spans_cap, 2 * (a->n_terms + 1), sizeof *a->spans)) != LK_OK)
                return st;
            a->spans = p;
        }
        a->spans[2 * a->n_terms] = a->cur_start;
        a->spans[2 * a->n_terms + 1] = a->cur_end;
    }
    memcpy(a->buf + a->buf_len, s, len);
    a->offs[2 * a->n_terms] = a->buf_len;
    a->offs[2 * a->n_terms + 1] = len;
    a->buf_len += len;
    a->n_terms++;
    return LK_OK;
}

static bool is_stop(const lk_analyzer *a, const char *s, size_t len)
{
    return a->stop && lk_vocab_find(a->stop, s, len) != LK_ID_NONE;
}

#define RIGHT_QUOTE 0x2019     /* ’, joined inside words by the tokenizer as ' is */
#define MODIFIER_APOS 0x02BC   /* ʼ, a letter: always inside a word */

/* *s (*len bytes, valid UTF-8) with its Latin letters folded (lk_fold_latin) and, from
   english_fold 2 on, the combining marks after an ASCII or folded letter dropped (i +
   U+0307, the lowercase of İ, is i) and ’ and ʼ written ' (as Xapian's TermGenerator reads
   ’): unchanged when all ASCII, else
   pointing to a->fold_buf (never longer: every folded character had at least as many
   bytes as its 1-2 ASCII ones, a dropped one none). */
static lk_status fold_word(lk_analyzer *a, const char **s, size_t *len)
{
    const char *w = *s;
    size_t n = *len, i = 0, o = 0;
    while (i < n && (unsigned char)w[i] < 0x80) i++;
    if (i == n) return LK_OK;
    if (n > a->fold_cap) {
        void *p = a->fold_buf;
        lk_status st = lk_grow(&p, &a->fold_cap, n, 1);
        if (st != LK_OK) return st;
        a->fold_buf = p;
    }
    memcpy(a->fold_buf, w, i);
    o = i;
    bool fold2 = a->english_fold >= 2;
    bool latin = i > 0 && ((w[i - 1] | 0x20) >= 'a' && (w[i - 1] | 0x20) <= 'z');
    while (i < n) {
        int32_t cp;
        size_t cl = lk_utf8_decode(w + i, n - i, &cp), fl;
        if (cl == 0) cl = 1; /* not reached: the text is valid */
        i += cl;
        if (fold2 && latin && lk_char_class_of(cp) == LK_CC_MARK) continue; /* a's mark */
        if (fold2 && (cp == RIGHT_QUOTE || cp == MODIFIER_APOS)) {
            a->fold_buf[o++] = '\'';
            latin = false;
            continue;
        }
        if ((fl = lk_fold_latin(cp, a->fold_buf + o)) == 0) {
            memcpy(a->fold_buf + o, w + i - cl, cl);
            fl = cl;
            latin = cp < 0x80 && ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z');
        } else {
            latin = true;
        }
        o += fl;
    }
    *s = a->fold_buf;
    *len = o;
    return LK_OK;
}

/* len without a trailing possessive 's or ’s, as Lucene's EnglishPossessiveFilter (from
   english_fold 2 on fold_word wrote ’s as 's). */
static size_t strip_possessive(const char *s, size_t len)
{
    if (len >= 3 && (s[len - 1] == 's' || s[len - 1] == 'S') && s[len - 2] == '\'') return len - 2;
    if (len >= 5 && (s[len - 1] == 's' || s[len - 1] == 'S') &&
        memcmp(s + len - 4, "\xe2\x80\x99", 3) == 0) /* U+2019 */
        return len - 4;
    return len;
}

/* Index terms of one token (english: folded, possessive dropped; stop words dropped, words
   stemmed). */
static lk_status word_term(lk_analyzer *a, const lk_token *t)
{
    const char *w = t->text;
    size_t len = t->text_len;
    if (a->english && t->kind == LK_TOK_WORD) {
        lk_status st = fold_word(a, &w, &len);
        if (st != LK_OK) return st;
        len = strip_possessive(w, len);
    }
    if (is_stop(a, w, len)) return LK_OK;
    /* not a joined abbreviation (join_initials; a word token has no '.' otherwise): the
       stemmer would take u.s for a plural */
    if (a->stem && t->kind == LK_TOK_WORD && len <= INT32_MAX && !memchr(w, '.', len)) {
        const sb_symbol *s = sb_stemmer_stem(a->stemmer, (const sb_symbol *)w, (int)len);
        if (!s) return LK_ERR_NOMEM;
        return push_term(a, (const char *)s, (size_t)sb_stemmer_length(a->stemmer));
    }
    return push_term(a, w, len);
}

lk_status lk_analyzer__term(lk_analyzer *a, const lk_token *t)
{
    a->cur_start = t->start;
    a->cur_end = t->start + t->len;
    return word_term(a, t);
}

/* Whether a drops the format characters inside words (clean_tokens): plain analyzers
   always (their settings have no version: an index built before keeps the terms it has),
   the english one from english_fold 3 on. */
static bool drop_format(const lk_analyzer *a) { return !a->english || a->english_fold >= 3; }

/* A default-ignorable format character (Cf: soft hyphen U+00AD, ZWSP, ZWNJ, ZWJ, word
   joiner U+2060, bidi marks, BOM, tags), invisible in text: not the prepended
   concatenation marks (U+0600..0605, U+06DD, U+070F, U+0890..0891, U+08E2, U+110BD,
   U+110CD), which are visible signs. */
static bool invisible_format(int32_t cp)
{
    if (cp < 0xAD || (cp >= 0x3000 && cp < 0xFEFF)) return false; /* ASCII, CJK: fast */
    if ((cp >= 0x600 && cp <= 0x605) || cp == 0x6DD || cp == 0x70F || cp == 0x890 ||
        cp == 0x891 || cp == 0x8E2 || cp == 0x110BD || cp == 0x110CD)
        return false;
    return lk_is_ignorable(cp) && !lk_is_space(cp); /* Cf (no Cc inside a token) */
}

/* Can the UTF-8 lead byte b start a format character? (U+00AD: C2; U+0600..U+08FF:
   D8..E0; U+180E: E1; U+200B..U+206F: E2; U+FEFF, U+FFF9..B: EF; astral: F0, F3) */
static bool format_lead(unsigned char b)
{
    return b == 0xC2 || (b >= 0xD8 && b <= 0xE2) || b == 0xEF || b == 0xF0 || b == 0xF3;
}

/* Number of bytes of s[0..n) left once its format characters are dropped (n: none). */
static size_t format_free_len(const char *s, size_t n)
{
    size_t kept = n;
    for (size_t i = 0; i < n; i++) {
        if (!format_lead((unsigned char)s[i])) continue;
        int32_t cp;
        size_t l = lk_utf8_decode(s + i, n - i, &cp);
        if (l == 0) continue; /* not reached: valid text */
        if (invisible_format(cp)) kept -= l;
        i += l - 1;
    }
    return kept;
}

/* With drop_format: the word, number and Han tokens of *toks (n) whose text holds format
   characters (a soft hyphen in infor&shy;mation: the tokenizer attaches them to the token
   before) copied with them dropped, *toks then pointing to the copy (a->ctoks, texts in
   a->cbuf), spans unchanged; *toks itself when there are none (the usual case, one pass
   over the tokens' bytes). Emoji (symbol tokens, never indexed) keep their ZWJ. */
static lk_status clean_tokens(lk_analyzer *a, const lk_token **toks, size_t n)
{
    if (!drop_format(a)) return LK_OK;
    const lk_token *t = *toks;
    size_t first = n, bytes = 0;
    for (size_t i = 0; i < n; i++) {
        if (t[i].kind != LK_TOK_WORD && t[i].kind != LK_TOK_NUMBER && t[i].kind != LK_TOK_HAN)
            continue;
        if (first == n && format_free_len(t[i].text, t[i].text_len) != t[i].text_len) first = i;
        bytes += t[i].text_len + 1;
    }
    if (first == n) return LK_OK;
    lk_status st;
    if ((st = lk_grow_ptr(&a->ctoks, &a->ctoks_cap, n, sizeof *a->ctoks)) != LK_OK ||
        (st = lk_grow_ptr(&a->cbuf, &a->cbuf_cap, bytes + 1, 1)) != LK_OK)
        return st;
    memcpy(a->ctoks, t, n * sizeof *t);
    size_t o = 0;
    for (size_t i = first; i < n; i++) {
        if (t[i].kind != LK_TOK_WORD && t[i].kind != LK_TOK_NUMBER && t[i].kind != LK_TOK_HAN)
            continue;
        const char *s = t[i].text;
        size_t len = t[i].text_len, from = o;
        for (size_t j = 0; j < len; j++) {
            int32_t cp;
            size_t l = format_lead((unsigned char)s[j]) ? lk_utf8_decode(s + j, len - j, &cp) : 0;
            if (l > 0 && invisible_format(cp)) {
                j += l - 1;
                continue;
            }
            a->cbuf[o++] = s[j];
        }
        a->cbuf[o++] = '\0';
        a->ctoks[i].text = a->cbuf + from;
        a->ctoks[i].text_len = o - from - 1;
    }
    *toks = a->ctoks;
    return LK_OK;
}

/* Whether t is a word of one letter (one code point). */
static bool one_letter(const lk_token *t)
{
    int32_t cp;
    return t->kind == LK_TOK_WORD && t->text_len > 0 &&
           lk_utf8_decode(t->text, t->text_len, &cp) == t->text_len;
}

/* Whether t is a '.' right after p and right before q (no space either side). */
static bool inner_dot(const lk_token *p, const lk_token *t, const lk_token *q)
{
    return t->kind == LK_TOK_PUNCT && t->text_len == 1 && t->text[0] == '.' &&
           p->start + p->len == t->start && t->start + t->len == q->start;
}

/* From english_fold 4 on: each run of two or more one-letter words joined by '.' with no
   space (U.S., i.e., H.C. Andrews, U.S.A) made one word token "u.s" (letters and inner
   dots, the last dot left out), as Lucene's StandardTokenizer (UAX #29) keeps U.S and
   Xapian's TermGenerator keeps us, where the chain split them into one-letter terms. *toks
   (n) then points to a copy (a->jtoks, texts in a->jbuf) whose tokens keep their spans
   (the joined one spans the letters and the dots between), *n its length; unchanged when
   there is none. */
static lk_status join_initials(lk_analyzer *a, const lk_token **toks, size_t *n)
{
    if (!a->english || a->english_fold < 4) return LK_OK;
    const lk_token *t = *toks;
    size_t m = *n, first = m, bytes = 0;
    for (size_t i = 0; i + 2 < m; i++)
        if (inner_dot(&t[i], &t[i + 1], &t[i + 2]) && one_letter(&t[i]) && one_letter(&t[i + 2])) {
            if (first == m) first = i;
            bytes += t[i].text_len + t[i + 2].text_len + 2;
        }
    if (first == m) return LK_OK;
    lk_status st;
    if ((st = lk_grow_ptr(&a->jtoks, &a->jtoks_cap, m, sizeof *a->jtoks)) != LK_OK ||
        (st = lk_grow_ptr(&a->jbuf, &a->jbuf_cap, bytes + 1, 1)) != LK_OK)
        return st;
    memcpy(a->jtoks, t, first * sizeof *t);
    size_t o = 0, k = first;
    for (size_t i = first; i < m;) {
        size_t j = i; /* t[i..j] is the run: letter (. letter)* */
        while (one_letter(&t[i]) && j + 2 < m && inner_dot(&t[j], &t[j + 1], &t[j + 2]) &&
               one_letter(&t[j + 2]))
            j += 2;
        if (j == i) {
            a->jtoks[k++] = t[i++];
            continue;
        }
        lk_token w = t[i];
        w.text = a->jbuf + o;
        for (size_t q = i; q <= j; q += 2) {
            if (q > i) a->jbuf[o++] = '.';
            memcpy(a->jbuf + o, t[q].text, t[q].text_len);
            o += t[q].text_len;
        }
        w.text_len = (size_t)(a->jbuf + o - w.text);
        a->jbuf[o++] = '\0';
        w.len = t[j].start + t[j].len - w.start;
        a->jtoks[k++] = w;
        i = j + 1;
    }
    *toks = a->jtoks;
    *n = k;
    return LK_OK;
}

/* The tokens the chain reads: format characters dropped, initials joined. */
static lk_status chain_tokens(lk_analyzer *a, const lk_token **toks, size_t *n)
{
    lk_status st = clean_tokens(a, toks, *n);
    return st == LK_OK ? join_initials(a, toks, n) : st;
}

bool lk_analyzer__has_zh(const lk_analyzer *a) { return a->zh != NULL; }

static bool ascii_alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

size_t lk_analyzer__piece_end(const char *text, size_t len, size_t off, size_t piece)
{
    if (len - off <= piece) return len;
    for (size_t i = off + piece; i + 1 < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if ((c == ' ' || c == '\n' || c == '\t') && ascii_alnum(text[i - 1]) &&
            ascii_alnum(text[i + 1]))
            return i;
    }
    return len;
}

lk_status lk_analyzer__text_script(lk_analyzer *a, const char *text, size_t len, size_t piece,
                                   int *conv, lk_error *err)
{
    *conv = -1;
    if (!a->zh || !lk_zh__script_per_text(a->zh) || len <= piece) return LK_OK;
    size_t trad = 0, simp = 0, off = 0;
    while (off < len) {
        size_t end = lk_analyzer__piece_end(text, len, off, piece);
        const lk_token *toks;
        size_t n;
        lk_status st = a->input_valid
                           ? lk_tokenize_valid(a->tok, text + off, end - off, &toks, &n, err)
                           : lk_tokenize(a->tok, text + off, end - off, &toks, &n, err);
        if (st == LK_OK) st = chain_tokens(a, &toks, &n);
        if (st != LK_OK) return st;
        lk_zh__script_count(a->zh, toks, n, &trad, &simp);
        off = end;
    }
    *conv = trad > simp;
    return LK_OK;
}

void lk_analyzer__set_text_script(lk_analyzer *a, int conv)
{
    if (a->zh) lk_zh__set_text_script(a->zh, conv);
}

size_t lk_analyzer__zh_prepared_left(const lk_analyzer *a)
{
    return a->zh ? lk_zh__prepared_left(a->zh) : 0;
}

void lk_analyzer__zh_prepare(lk_analyzer *a, const char *const *texts, const size_t *lens,
                             size_t n)
{
    if (!a->zh) return;
    lk_status st = lk_zh__prepare_begin(a->zh);
    for (size_t i = 0; i < n && st == LK_OK; i++) {
        const lk_token *toks;
        size_t nt;
        st = a->input_valid ? lk_tokenize_valid(a->tok, texts[i], lens[i], &toks, &nt, NULL)
                            : lk_tokenize(a->tok, texts[i], lens[i], &toks, &nt, NULL);
        if (st == LK_OK) st = chain_tokens(a, &toks, &nt);
        if (st == LK_OK) st = lk_zh__prepare_add(a->zh, toks, nt);
    }
    lk_zh__prepare_run(a->zh, st);
}

lk_status lk_analyzer__push(lk_analyzer *a, const char *s, size_t len, size_t start,
                            size_t end)
{
    a->cur_start = start;
    a->cur_end = end;
    return is_stop(a, s, len) ? LK_OK : push_term(a, s, len);
}

/* Han token t with its character mapped to simplified (han_fold) into *out, whose text is
   buf (8 bytes); t itself when not folding or the character is unchanged. */
static lk_status han_token(lk_analyzer *a, const lk_token *t, lk_token *out, char *buf,
                           lk_error *err)
{
    *out = *t;
    if (!a->han_fold) return LK_OK;
    if (!a->t2s) {
        lk_status st = lk_t2s_create_map_only(&a->t2s, err);
        if (st != LK_OK) return st;
    }
    int32_t cp;
    if (lk_utf8_decode(t->text, t->text_len, &cp) != t->text_len) return LK_OK; /* not 1 char */
    size_t n = lk_t2s_map_chars(a->t2s, t->text, t->text_len, buf);
    if (n == t->text_len && memcmp(buf, t->text, n) == 0) return LK_OK; /* unchanged */
    out->text = buf;
    out->text_len = n;
    return LK_OK;
}

lk_status lk_analyzer_prefix(lk_analyzer *a, const char *text, size_t len, const char **out,
                            size_t *out_len, lk_error *err)
{
    const lk_token *toks;
    size_t n;
    lk_status st = lk_tokenize(a->tok, text, len, &toks, &n, err);
    if (st == LK_OK) st = chain_tokens(a, &toks, &n);
    if (st != LK_OK) return st;
    bool han = n > 0 && toks[0].kind == LK_TOK_HAN;
    for (size_t i = 0; i < n; i++) /* one word, or one run of Han characters */
        if ((toks[i].kind == LK_TOK_HAN) != han || (!han && i > 0) ||
            (i > 0 && toks[i - 1].start + toks[i - 1].len != toks[i].start) ||
            (!han && toks[i].kind != LK_TOK_WORD && toks[i].kind != LK_TOK_NUMBER))
            return LK_ERR_ARG;
    if (n == 0) return LK_ERR_ARG;
    a->pre_len = 0;
    a->pre_word = !han && toks[0].kind == LK_TOK_WORD &&
                  !memchr(toks[0].text, '.', toks[0].text_len);
    size_t need = 0;
    for (size_t i = 0; i < n; i++) need += 2 * toks[i].text_len + 1;
    void *p = a->pre_buf;
    if ((st = lk_grow(&p, &a->pre_cap, need, 1)) != LK_OK) return st;
    a->pre_buf = p;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        const char *w = toks[i].text;
        size_t wl = toks[i].text_len;
        if (han) {
            lk_token f;
            char hb[8];
            if ((st = han_token(a, &toks[i], &f, hb, err)) != LK_OK) return st;
            w = f.text;
            wl = f.text_len;
        } else if (a->english && toks[i].kind == LK_TOK_WORD &&
                   (st = fold_word(a, &w, &wl)) != LK_OK) {
            return st;
        }
        memcpy(a->pre_buf + o, w, wl);
        o += wl;
    }
    *out = a->pre_buf;
    *out_len = a->pre_len = o;
    return LK_OK;
}

lk_status lk_analyzer_prefix_stem(lk_analyzer *a, const char **out, size_t *out_len)
{
    *out = a->pre_buf;
    *out_len = a->pre_len;
    if (!a->stem || !a->pre_word || a->pre_len == 0 || a->pre_len > INT32_MAX) return LK_OK;
    const sb_symbol *s = sb_stemmer_stem(a->stemmer, (const sb_symbol *)a->pre_buf,
                                         (int)a->pre_len);
    if (!s) return LK_ERR_NOMEM;
    *out = (const char *)s;
    *out_len = (size_t)sb_stemmer_length(a->stemmer);
    return LK_OK;
}

lk_status lk_analyzer_add(lk_analyzer *a, const char *text, size_t len, lk_error *err)
{
    const lk_token *toks;
    size_t n;
    lk_status st = a->input_valid ? lk_tokenize_valid(a->tok, text, len, &toks, &n, err)
                                  : lk_tokenize(a->tok, text, len, &toks, &n, err);
    if (st == LK_OK) st = chain_tokens(a, &toks, &n);
    if (st != LK_OK) return st;
    if (a->zh) return lk_zh__add(a->zh, a, toks, n, err);
    const lk_token *prev_han = NULL;
    lk_token han[2]; /* Han tokens as folded, alternately: the previous one stays valid */
    char pair[64], hbuf[2][8];
    int cur = 0;
    for (size_t i = 0; i < n && st == LK_OK; i++) {
        const lk_token *t = &toks[i];
        a->cur_start = t->start;
        a->cur_end = t->start + t->len;
        switch (t->kind) {
        case LK_TOK_WORD:
        case LK_TOK_NUMBER: st = word_term(a, t); break;
        case LK_TOK_HAN:
            if ((st = han_token(a, t, &han[cur], hbuf[cur], err)) != LK_OK) break;
            t = &han[cur];
            cur ^= 1;
            st = word_term(a, t);
            if (st == LK_OK && a->lang != LK_LANG_EN && prev_han &&
                prev_han->start + prev_han->len == t->start &&
                prev_han->text_len + t->text_len <= sizeof pair) {
                a->cur_start = prev_han->start;
                memcpy(pair, prev_han->text, prev_han->text_len);
                memcpy(pair + prev_han->text_len, t->text, t->text_len);
                if (!is_stop(a, pair, prev_han->text_len + t->text_len))
                    st = push_term(a, pair, prev_han->text_len + t->text_len);
            }
            break;
        default: break; /* punctuation, symbols, emoji: not indexed */
        }
        prev_han = t->kind == LK_TOK_HAN ? t : NULL;
    }
    return st;
}

size_t lk_analyzer_n_terms(const lk_analyzer *a, size_t *bytes)
{
    if (bytes) *bytes = a->buf_len;
    return a->n_terms;
}

const lk_term *lk_analyzer_terms(lk_analyzer *a, size_t *n)
{
    for (size_t i = 0; i < a->n_terms; i++) {
        a->terms[i].s = a->buf + a->offs[2 * i];
        a->terms[i].len = a->offs[2 * i + 1];
    }
    *n = a->n_terms;
    return a->terms;
}

void lk_analyzer_set_input_valid(lk_analyzer *a, bool valid) { a->input_valid = valid; }

void lk_analyzer_set_spans(lk_analyzer *a, bool on) { a->want_spans = on; }

const size_t *lk_analyzer_spans(const lk_analyzer *a) { return a->want_spans ? a->spans : NULL; }

int lk_analyzer_title_weight(const lk_analyzer *a) { return a->title_weight; }

const char *lk_analyzer_settings(const lk_analyzer *a, size_t *len)
{
    *len = a->settings_len;
    return a->settings;
}

/* Add the terms of stop word w (a word of lk_stop_words_parse) to the stop set: w is
   tokenized as the text is and its words, numbers and Han analyzed as the text's are (with
   a Chinese model Han runs whole; else Han folded, and with the english analyzer, words
   folded); punctuation and symbols give nothing. */
static lk_status add_stopword(lk_analyzer *a, const char *w, lk_error *err)
{
    const lk_token *toks;
    size_t n;
    lk_status st = lk_tokenize(a->tok, w, strlen(w), &toks, &n, err);
    if (st == LK_OK && a->zh) return lk_zh__stopwords(a->zh, toks, n, a->stop);
    for (size_t k = 0; k < n && st == LK_OK; k++)
        if (toks[k].kind == LK_TOK_WORD || toks[k].kind == LK_TOK_NUMBER ||
            toks[k].kind == LK_TOK_HAN) {
            const char *t = toks[k].text;
            size_t tl = toks[k].text_len;
            lk_token han;
            char hbuf[8];
            if (toks[k].kind == LK_TOK_HAN && a->han_fold &&
                (st = han_token(a, &toks[k], &han, hbuf, err)) == LK_OK) {
                t = han.text;
                tl = han.text_len;
            }
            if (st == LK_OK && a->english && toks[k].kind == LK_TOK_WORD)
                st = fold_word(a, &t, &tl);
            if (st == LK_OK) st = lk_vocab_add(a->stop, t, tl, NULL);
        }
    return st;
}

/* The stop set from the stop-word text s[0..len) (lk_stop_words_parse; name, or
   "stopwords", in its messages), in the order of the words; the settings list its terms. */
static lk_status load_stopwords(lk_analyzer *a, const char *s, size_t len, const char *name,
                                lk_error *err)
{
    char *text = malloc(len + 1); /* the parser ends the words in place */
    if (!text) return lk_error_set(err, LK_ERR_NOMEM, "out of memory");
    memcpy(text, s, len);
    text[len] = '\0';
    const char **words = NULL;
    size_t n = 0;
    lk_status st = lk_vocab_create(&a->stop);
    if (st == LK_OK)
        st = lk_stop_words_parse(text, len, name ? name : "stopwords", &words, &n, err);
    for (size_t i = 0; i < n && st == LK_OK; i++) st = add_stopword(a, words[i], err);
    free(words);
    free(text);
    return st;
}

static lk_status make_settings(lk_analyzer *a)
{
    size_t n_stop = a->stop ? (size_t)lk_vocab_size(a->stop) : 0, need = 256 + LK_ZH_SETTINGS_MAX;
    for (size_t i = 0; i < n_stop; i++) need += lk_vocab_word_len(a->stop, (int32_t)i) + 1;
    if (!(a->settings = malloc(need))) return LK_ERR_NOMEM;
    int w = snprintf(a->settings, need, "%slang=%s\nlower=%d\nstem=%s\nstopwords=%zu\n",
                     a->english ? SETTINGS_HEADER_2 "analyzer=english\n" : SETTINGS_HEADER,
                     lang_names[a->lang], a->lower ? 1 : 0, a->stem ? STEMMER_NAME : "none",
                     n_stop);
    size_t at = (size_t)w;
    for (size_t i = 0; i < n_stop; i++) {
        size_t l = lk_vocab_word_len(a->stop, (int32_t)i);
        memcpy(a->settings + at, lk_vocab_word(a->stop, (int32_t)i), l);
        at += l;
        a->settings[at++] = '\n';
    }
    if (a->tokenizer > 1)
        at += (size_t)snprintf(a->settings + at, need - at, "tokenizer=%d\n", a->tokenizer);
    if (a->english && a->english_fold > 1)
        at += (size_t)snprintf(a->settings + at, need - at, "english_fold=%d\n", a->english_fold);
    if (a->han_fold) at += (size_t)snprintf(a->settings + at, need - at, "han_fold=t2s\n");
    if (a->title_weight > 1)
        at += (size_t)snprintf(a->settings + at, need - at, "title_weight=%d\n", a->title_weight);
    if (a->zh) at += lk_zh__settings(a->zh, a->settings + at, need - at);
    a->settings[at] = '\0';
    a->settings_len = at;
    return LK_OK;
}

static lk_status init(lk_analyzer *a, lk_error *err)
{
    lk_tokenizer_config tc = lk_tokenizer_config_default();
    tc.lower = a->lower;
    tc.inner_hyphen = !a->english; /* english: state-of-the-art is four words */
    tc.drop_format = false;        /* clean_tokens, as the settings' version says */
    tc.wide_comma_thousands = a->tokenizer >= 2;
    tc.word_decimals = a->tokenizer >= 3;
    lk_status st = lk_tokenizer_create(&tc, &a->tok);
    if (st != LK_OK) return st;
    if (a->stem && !(a->stemmer = sb_stemmer_new(STEMMER_NAME, STEMMER_ENC)))
        return lk_error_set(err, LK_ERR_NOMEM, "cannot create the Snowball stemmer");
    return LK_OK;
}

lk_status lk_analyzer_create(const lk_analyzer_config *c, lk_analyzer **out, lk_error *err)
{
    *out = NULL;
    if ((unsigned)c->lang > LK_LANG_ZH) return lk_error_set(err, LK_ERR_ARG, "unknown language");
    if ((unsigned)c->kind > LK_ANALYZER_ENGLISH)
        return lk_error_set(err, LK_ERR_ARG, "unknown analyzer");
    lk_analyzer *a = calloc(1, sizeof *a);
    if (!a) return LK_ERR_NOMEM;
    a->lang = c->lang;
    a->lower = c->lower;
    a->english = c->kind == LK_ANALYZER_ENGLISH;
    a->english_fold = ENGLISH_FOLD;
    a->tokenizer = TOKENIZER_VERSION;
    a->stem = c->stem || a->english;
    const char *stop = c->stopwords, *stop_path = c->stopwords_path;
    size_t stop_len = c->stopwords_len;
    if (a->english && !stop) {
        stop = lk_analyzer_english_stopwords(&stop_len);
        stop_path = "the built-in English stop list";
    }
    lk_status st = init(a, err);
    a->title_weight = c->title_weight ? c->title_weight : 1;
    if (st == LK_OK && (c->title_weight < 0 || c->title_weight > LK_ANALYZER_TITLE_WEIGHT_MAX))
        st = lk_error_set(err, LK_ERR_ARG, "title weight %d out of range (1..%d)", c->title_weight,
                          LK_ANALYZER_TITLE_WEIGHT_MAX);
    else if (st == LK_OK && c->zh_model && c->lang == LK_LANG_EN)
        st = lk_error_set(err, LK_ERR_ARG, "a Chinese model needs lang zh or auto, not en");
    else if (st == LK_OK && c->zh_model)
        st = lk_zh__open(c->zh_model, c->zh_terms, c->zh_script, NULL, NULL, &a->zh, err);
    a->han_fold = !c->zh_model && c->zh_script != LK_ZH_SCRIPT_SIMPLIFIED;
    if (st == LK_OK && stop) st = load_stopwords(a, stop, stop_len, stop_path, err);
    if (st == LK_OK) st = make_settings(a);
    if (st != LK_OK) {
        lk_analyzer_free(a);
        return st;
    }
    *out = a;
    return LK_OK;
}

/* ---- the settings text: "lexkit-analyzer V" then key=value lines, stopwords=N followed
   by N lines of one word each ---- */

#define SETTINGS_MAGIC "lexkit-analyzer "
#define STOPWORDS_DIGITS_MAX 9

static lk_status malformed(lk_error *err)
{
    return lk_error_set(err, LK_ERR_FORMAT, "malformed analyzer settings in the index");
}

/* The one reader of the settings text: fn gets "version" (V), for V = 1 "analyzer" =
   "plain" (v1 names none), then each line's key and value in order; after "stopwords" = N
   (1 to 9 digits), when N > 0, "stopword_list" = the N lines that follow, '\n' between them.
   Lines without '\n' or '=' (or with an empty key), a bad N or fewer lines than N are
   LK_ERR_FORMAT; fn's first error stops the walk and is returned. */
static lk_status walk_settings(const char *s, size_t len, lk_analyzer_setting_fn fn,
                               void *user, lk_error *err)
{
    const char *p = s, *end = s + len;
    size_t ml = strlen(SETTINGS_MAGIC);
    const char *nl = memchr(p, '\n', len);
    if (!nl || (size_t)(nl - p) <= ml || memcmp(p, SETTINGS_MAGIC, ml) != 0)
        return lk_error_set(err, LK_ERR_FORMAT, "unknown analyzer settings in the index");
    const char *ver = p + ml;
    size_t vl = (size_t)(nl - ver);
    lk_status st = fn(user, "version", 7, ver, vl);
    if (st == LK_OK && vl == 1 && ver[0] == '1') st = fn(user, "analyzer", 8, "plain", 5);
    for (p = nl + 1; p < end && st == LK_OK;) {
        nl = memchr(p, '\n', (size_t)(end - p));
        const char *eq = nl ? memchr(p, '=', (size_t)(nl - p)) : NULL;
        if (!eq || eq == p) return malformed(err);
        size_t kl = (size_t)(eq - p), n = (size_t)(nl - eq - 1);
        if ((st = fn(user, p, kl, eq + 1, n)) != LK_OK) return st;
        p = nl + 1;
        if (kl != 9 || memcmp(eq - 9, "stopwords", 9) != 0) continue;
        unsigned long n_stop = 0;
        if (n == 0 || n > STOPWORDS_DIGITS_MAX) return malformed(err);
        for (size_t i = 0; i < n; i++) {
            if (eq[1 + i] < '0' || eq[1 + i] > '9') return malformed(err);
            n_stop = n_stop * 10 + (unsigned long)(eq[1 + i] - '0');
        }
        if (n_stop == 0) continue;
        const char *list = p;
        for (unsigned long i = 0; i < n_stop; i++) {
            if (!(nl = memchr(p, '\n', (size_t)(end - p)))) return malformed(err);
            p = nl + 1;
        }
        st = fn(user, "stopword_list", 13, list, (size_t)(nl - list));
    }
    return st;
}

typedef struct {
    lk_analyzer_setting_fn fn;
    void *user;
    char *words; /* a stop list with spaces for newlines */
} each_ctx;

static lk_status each_setting(void *user, const char *k, size_t kl, const char *v, size_t vl)
{
    each_ctx *e = user;
    if (kl != 13 || memcmp(k, "stopword_list", 13) != 0) return e->fn(e->user, k, kl, v, vl);
    free(e->words);
    if (!(e->words = malloc(vl + 1))) return LK_ERR_NOMEM;
    for (size_t i = 0; i < vl; i++) e->words[i] = v[i] == '\n' ? ' ' : v[i];
    return e->fn(e->user, k, kl, e->words, vl);
}

lk_status lk_analyzer_settings_each(const char *s, size_t len, lk_analyzer_setting_fn fn,
                                    void *user, lk_error *err)
{
    each_ctx e = {fn, user, NULL};
    lk_status st = walk_settings(s, len, each_setting, &e, err);
    free(e.words);
    return st;
}

static bool val_is(const char *v, size_t n, const char *s)
{
    return v && n == strlen(s) && memcmp(v, s, n) == 0;
}

/* The keys in the order the settings must give them (an analyzer's are rebuilt from it). */
enum {
    K_VERSION, K_ANALYZER, K_LANG, K_LOWER, K_STEM, K_STOPWORDS, K_STOPWORD_LIST, K_TOKENIZER,
    K_ENGLISH_FOLD, K_HAN_FOLD, K_TITLE_WEIGHT, K_ZH_TERMS, K_ZH_MODEL, K_ZH_SCRIPT, K_N
};
static const char *const setting_keys[K_N] = {
    "version", "analyzer", "lang", "lower", "stem", "stopwords", "stopword_list", "tokenizer",
    "english_fold", "han_fold", "title_weight", "zh_terms", "zh_model", "zh_script"};

/* An analyzer rebuilt from the walk of its settings. */
typedef struct {
    lk_analyzer *a;
    lk_error *err;
    const char *dir;          /* the index directory, for messages (or NULL) */
    int last;                 /* key of the previous setting (-1 before the first) */
    bool v2;
    const char *zh[3];        /* zh_terms, zh_model, zh_script values (NULL: absent) */
    size_t zh_len[3];
} build_ctx;

/* Whether key k may follow key `last` (the required ones in order, then the optional). */
static bool key_in_order(int last, int k)
{
    if (k <= K_STOPWORDS || k == K_ZH_MODEL || k == K_ZH_SCRIPT) return last == k - 1;
    return last >= K_STOPWORDS && last < k;
}

static lk_status build_setting(void *user, const char *key, size_t kl, const char *v, size_t vl)
{
    build_ctx *b = user;
    lk_analyzer *a = b->a;
    int k = 0;
    while (k < K_N && !val_is(key, kl, setting_keys[k])) k++;
    if (k == K_N || !key_in_order(b->last, k)) return malformed(b->err);
    b->last = k;
    switch (k) {
    case K_VERSION:
        b->v2 = val_is(v, vl, "2");
        if (!b->v2 && !val_is(v, vl, "1"))
            return lk_error_set(b->err, LK_ERR_FORMAT, "unknown analyzer settings in the index");
        return LK_OK;
    case K_ANALYZER:
        if (b->v2 && !val_is(v, vl, "english"))
            return lk_error_set(b->err, LK_ERR_FORMAT, "unknown analyzer \"%.*s\" in the index "
                                "(written by a newer lexkit?)", (int)(vl > 64 ? 64 : vl), v);
        a->english = b->v2;
        return LK_OK;
    case K_LANG:
        if (val_is(v, vl, "auto")) a->lang = LK_LANG_AUTO;
        else if (val_is(v, vl, "en")) a->lang = LK_LANG_EN;
        else if (val_is(v, vl, "zh")) a->lang = LK_LANG_ZH;
        else return malformed(b->err);
        return LK_OK;
    case K_LOWER:
        if (!val_is(v, vl, "0") && !val_is(v, vl, "1")) return malformed(b->err);
        a->lower = v[0] == '1';
        return LK_OK;
    case K_STEM:
        if (val_is(v, vl, STEMMER_NAME)) a->stem = true;
        else if (!val_is(v, vl, "none") || a->english) return malformed(b->err);
        return LK_OK;
    case K_STOPWORDS: /* (its digits checked by the walk; init once all keys are read) */
        return LK_OK;
    case K_STOPWORD_LIST: {
        lk_status st = lk_vocab_create(&a->stop);
        for (const char *w = v, *end = v + vl; st == LK_OK; w++) {
            const char *nl = memchr(w, '\n', (size_t)(end - w));
            const char *we = nl ? nl : end;
            st = lk_vocab_add(a->stop, w, (size_t)(we - w), NULL);
            if (!nl) break;
            w = nl;
        }
        return st;
    }
    case K_TOKENIZER:      /* absent: 1 (indexes from before the key) */
    case K_ENGLISH_FOLD: { /* absent: 1 (indexes from before the key) */
        bool fold = k == K_ENGLISH_FOLD;
        int max = fold ? ENGLISH_FOLD : TOKENIZER_VERSION;
        long f = 0;
        size_t i = 0;
        while (i < vl && i < 9 && v[i] >= '0' && v[i] <= '9') f = f * 10 + (v[i++] - '0');
        if ((fold && !a->english) || vl == 0 || i != vl || f < 2) return malformed(b->err);
        if (f > max)
            return lk_error_set(b->err, LK_ERR_FORMAT, "%s%sthe index's %s is newer than this "
                                "lexkit (%s=%ld, this build reads <= %d): use a newer lexkit "
                                "or rebuild the index", b->dir ? b->dir : "", b->dir ? ": " : "",
                                fold ? "english analyzer" : "tokenizer", setting_keys[k], f, max);
        *(fold ? &a->english_fold : &a->tokenizer) = (int)f;
        return LK_OK;
    }
    case K_HAN_FOLD:
        if (!val_is(v, vl, "t2s")) return malformed(b->err);
        a->han_fold = true;
        return LK_OK;
    case K_TITLE_WEIGHT: {
        int w = 0;
        for (size_t i = 0; i < vl && i < 4; i++) {
            if (v[i] < '0' || v[i] > '9') return malformed(b->err);
            w = w * 10 + (v[i] - '0');
        }
        if (vl == 0 || vl > 3 || w < 2 || w > LK_ANALYZER_TITLE_WEIGHT_MAX)
            return malformed(b->err);
        a->title_weight = w;
        return LK_OK;
    }
    default: /* zh_terms, zh_model, zh_script: loaded once all are read */
        b->zh[k - K_ZH_TERMS] = v;
        b->zh_len[k - K_ZH_TERMS] = vl;
        return LK_OK;
    }
}

lk_status lk_analyzer_from_settings(const char *s, size_t len, lk_analyzer **out, lk_error *err)
{
    return lk_analyzer_from_settings_dir(s, len, NULL, out, err);
}

lk_status lk_analyzer_save_files(const lk_analyzer *a, const char *dir, lk_error *err)
{
    return a->zh ? lk_zh__save(a->zh, dir, err) : LK_OK;
}

struct lk_analyzer_shared {
    pthread_mutex_t mu;
    lk_zh_model *zh; /* loaded by the first analyzer with a Chinese model, or NULL */
};

lk_status lk_analyzer__shared_create(lk_analyzer_shared **out)
{
    *out = calloc(1, sizeof **out);
    if (!*out) return LK_ERR_NOMEM;
    if (pthread_mutex_init(&(*out)->mu, NULL) != 0) {
        free(*out);
        *out = NULL;
        return LK_ERR_NOMEM;
    }
    return LK_OK;
}

void lk_analyzer__shared_free(lk_analyzer_shared *sh)
{
    if (!sh) return;
    lk_zh__model_unref(sh->zh);
    pthread_mutex_destroy(&sh->mu);
    free(sh);
}

const lk_tagger *lk_analyzer__zh_tagger(const lk_analyzer *a)
{
    return a->zh ? lk_zh__tagger(a->zh) : NULL;
}

lk_status lk_analyzer_from_settings_dir(const char *s, size_t len, const char *dir,
                                        lk_analyzer **out, lk_error *err)
{
    return lk_analyzer__from_settings_shared(s, len, dir, NULL, out, err);
}

lk_status lk_analyzer__from_settings_shared(const char *s, size_t len, const char *dir,
                                            lk_analyzer_shared *sh, lk_analyzer **out,
                                            lk_error *err)
{
    *out = NULL;
    lk_analyzer *a = calloc(1, sizeof *a);
    if (!a) return LK_ERR_NOMEM;
    a->title_weight = 1;
    a->english_fold = 1; /* unless the settings say english_fold=2 */
    a->tokenizer = 1;    /* unless they say tokenizer=2 */
    build_ctx b = {a, err, dir, -1, false, {NULL, NULL, NULL}, {0, 0, 0}};
    lk_status st = walk_settings(s, len, build_setting, &b, err);
    if (st == LK_OK && (b.last < K_STOPWORDS || b.last == K_ZH_TERMS)) st = malformed(err);
    if (st == LK_OK) st = init(a, err); /* the tokenizer (and stemmer) the settings name */
    if (st == LK_OK && b.zh[1]) {
        if (sh) pthread_mutex_lock(&sh->mu); /* the first loads, the others wait and share */
        st = lk_zh__from_settings(b.zh[0], b.zh_len[0], b.zh[1], b.zh_len[1], b.zh[2],
                                  b.zh_len[2], dir, sh ? &sh->zh : NULL, &a->zh, err);
        if (sh) pthread_mutex_unlock(&sh->mu);
    }
    if (st == LK_OK) st = make_settings(a);
    if (st != LK_OK) {
        lk_analyzer_free(a);
        return st;
    }
    *out = a;
    return LK_OK;
}
