/* zhseg.c: constraints from pre-tokens and user words, script conversion, and the mapping
   of the model's words back to the user's bytes (character i of the converted text is
   character i of the original). */
#include "models/zhseg.h"

#include <stdlib.h>
#include <string.h>

#include "text/fileio.h"
#include "text/pretok.h"
#include "text/utf8.h"
#include "text/zhwords.h"

/* A unit of a line in characters [c0, c1) and bytes [b0, b1) of the original text. */
typedef struct {
    size_t c0, c1, b0, b1;
    lk_pretok_kind kind;
} unit;

/* Window of a line handed to the model: bytes [off, off + len) of line `line`. */
typedef struct {
    size_t line, off, len;
} zh_window;

/* Long lines are segmented window by window so that memory does not grow with the line (a
   line of at most ZH_WINDOW_BYTES is one window, as is the rest of a line once it is). A
   window ends, in order of preference:
   1. after the first sentence mark (lk_tagger_cut_class: 。！？；… ! ? ; and the closing
      quotes or brackets after it) that is followed by a Han character once the window has
      ZH_WINDOW_BYTES, with more than ZH_WINDOW_MIN_HAN Han characters on both sides. The
      model cuts long lines there anyway (pieces of at most LK_TAGGER_PIECE_MAX characters,
      decoded independently, docs/tagger.md), never inside a pre-tokenizer unit, so the
      words are those of the whole line;
   2. else, when the window reaches ZH_WINDOW_MAX_BYTES: after the last white space, or
      punctuation followed by a Han character, in its second half (never inside a unit; the
      model's pieces near the cut may differ from the whole line's);
   3. else (a run of Han characters without punctuation, or one huge token): after the last
      Han character of the second half followed by Han where the characters since the last
      sentence end are a multiple of LK_TAGGER_PIECE_MAX: that is where the model cuts such
      a run itself, so the words are the whole line's; or at ZH_WINDOW_MAX_BYTES.
   A user word containing a sentence mark turns the windows off (as one with 。 always did:
   they would cut it); one containing other punctuation, the cuts after punctuation (and
   after the closers of a sentence mark). Only a cut of 3 (no white space or punctuation for
   16 KB) may split a user word. Lines
   are handed to the model in groups of at most ZH_GROUP_BYTES (one window at least). */
#define ZH_WINDOW_BYTES ((size_t)16384)
#define ZH_WINDOW_MAX_BYTES ((size_t)32768)
#define ZH_WINDOW_MIN_HAN ((size_t)2 * LK_TAGGER_PIECE_MAX)
#define ZH_GROUP_BYTES ((size_t)65536)

struct lk_zhseg {
    const lk_tagger *m;
    lk_zhseg_config cfg;
    lk_pretok *pre;
    const lk_t2s *t2s;     /* NULL when script = simplified */
    lk_t2s *own_t2s;       /* t2s when the segmenter opened it */
    uint64_t punct_mask;   /* PUNCT | SYM tag bits, 0 if the model has neither */
    uint64_t sym_mask;     /* SYM tag bit (emoji, currency, math symbols), else punct_mask */
    uint64_t mark_mask;    /* PUNCT tag bit (sentence punctuation, brackets), else punct_mask */
    int32_t part_tag;      /* the model's PART tag (COARSE joins), or -1 */
    int32_t noun_tag;      /* the tag of a joined word: NOUN, or -1 (the first word's) */
    int32_t propn_tag, verb_tag, adj_tag, adv_tag; /* dictionary joins' tags, or -1 */
    uint64_t join_stop_mask; /* dictionary joins: one-character words with these tags stay */
    uint64_t num_bit;      /* NUM: a one-character NUM word joins only as the first word */
    uint64_t *dict_mask;   /* per dictionary entry: its tag's bit, 0 = any */
    lk_userdict *builtin;  /* the built-in mixed-script words (lk_zh_mixed_words), with
                              pretok */
    uint64_t *builtin_mask;  /* per entry: its tag's bit, 0 = any */
    uint64_t num_mask;     /* NUM tag bit of numerals and numbers, 0 if the model has no NUM */
    /* the chunk being segmented (all grown on demand): */
    char *cbuf;            /* model texts back to back */
    size_t cbuf_cap, *coff, coff_cap;
    uint8_t *fbuf;         /* per byte of cbuf: LK_SEG_C_* */
    uint64_t *tbuf;        /* per byte of cbuf: allowed tags */
    size_t fbuf_cap, tbuf_cap;
    bool *conv;
    size_t conv_cap;
    size_t *ooffs, *moffs; /* per line, chars + 1 offsets: original, model text */
    size_t *choff;         /* (n + 1) start of line i in ooffs/moffs */
    size_t ooffs_cap, moffs_cap, choff_cap;
    uint8_t *cf;           /* per character of the current line */
    uint64_t *ct;
    size_t cf_cap, ct_cap;
    unit *units;
    size_t units_cap;
    size_t *ends;
    size_t ends_cap;
    char *tmp;
    size_t tmp_cap;
    const char **mtexts;
    size_t *mlens, mtexts_cap, mlens_cap;
    lk_seg_cons *cons;
    size_t cons_cap;
    lk_tagger_span *spans;
    size_t spans_cap, *span_off, span_off_cap;
    bool can_cut;          /* long lines may be cut into windows (no user word has a
                              sentence mark) */
    bool cut_punct;        /* and after punctuation (no user word has any) */
    zh_window *wins;       /* the windows of the lines of the current call */
    size_t wins_cap;
};

lk_zhseg_config lk_zhseg_config_default(void)
{
    lk_zhseg_config c = {true, true, LK_ZH_SCRIPT_AUTO, NULL, LK_ZH_FINE, NULL};
    return c;
}

void lk_zhseg_free(lk_zhseg *z)
{
    if (!z) return;
    lk_pretok_free(z->pre);
    lk_t2s_free(z->own_t2s);
    free(z->dict_mask);
    lk_userdict_free(z->builtin);
    free(z->builtin_mask);
    free(z->cbuf);
    free(z->coff);
    free(z->fbuf);
    free(z->tbuf);
    free(z->conv);
    free(z->ooffs);
    free(z->moffs);
    free(z->choff);
    free(z->cf);
    free(z->ct);
    free(z->units);
    free(z->ends);
    free(z->tmp);
    free(z->mtexts);
    free(z->mlens);
    free(z->cons);
    free(z->spans);
    free(z->span_off);
    free(z->wins);
    free(z);
}

static uint64_t tag_bit(const lk_tagger *m, const char *tag)
{
    int32_t id = lk_tagger_tag_find(m, tag, strlen(tag));
    return id >= 0 && id < LK_SEG_TAG_BITS ? (uint64_t)1 << id : 0;
}

/* Each dictionary tag as a bit of the model's tag set; a tag the model lacks is an error
   naming its place in the file. */
/* The tag bit of every entry of d (0 = any tag) into mask (NULL: only checked); a tag m
   lacks is an error at its file:line:col. */
static lk_status dict_masks(const lk_tagger *m, const lk_userdict *d, uint64_t *mask,
                            lk_error *err)
{
    for (int32_t i = 0; i < lk_userdict_size(d); i++) {
        int64_t line, col;
        const char *tag = lk_userdict_tag(d, i, &line, &col);
        if (!tag) continue;
        if (lk_tagger_tag_find(m, tag, strlen(tag)) == LK_ID_NONE) {
            char tags[256];
            size_t o = 0;
            for (int32_t t = 0; t < lk_tagger_n_tags(m) && o + 40 < sizeof tags; t++)
                o += (size_t)snprintf(tags + o, sizeof tags - o, "%s%s", t ? " " : "",
                                      lk_tagger_tag_name(m, t));
            return lk_error_at(err, lk_userdict_path(d), line, col,
                               "tag %s is not in the model's tag set (%s)", tag, tags);
        }
        if (mask) mask[i] = tag_bit(m, tag);
    }
    return LK_OK;
}

lk_status lk_zhseg_check_dict(const lk_tagger *m, const lk_userdict *d, lk_error *err)
{
    return dict_masks(m, d, NULL, err);
}

static lk_status dict_tags(lk_zhseg *z, lk_error *err)
{
    const lk_userdict *d = z->cfg.dict;
    if (!(z->dict_mask = calloc((size_t)lk_userdict_size(d) + 1, sizeof *z->dict_mask)))
        return lk_error_set(err, LK_ERR_NOMEM, "out of memory");
    return dict_masks(z->m, d, z->dict_mask, err);
}

/* The built-in mixed-script words as a dictionary with their tags (NOUN, PROPN; any tag
   if the model lacks it: the model, seeing Latin letters, would tag them X or even VERB). */
/* Variant v of a built-in word (0: as listed, 1: ASCII lowercased, 2: full-width forms,
   3: both: T恤 t恤 Ｔ恤 ｔ恤, as people type them) into buf (room for 3x the word). */
static void word_variant(const char *w, int v, char *buf)
{
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)w; *p; p++) {
        unsigned c = *p;
        if ((v & 1) && c >= 'A' && c <= 'Z') c += 'a' - 'A';
        if ((v & 2) && c >= 0x21 && c <= 0x7E) { /* U+FF01 + (c - '!'), UTF-8 EF BC/BD xx */
            unsigned cp = 0xFF01 + (c - 0x21);
            buf[o++] = (char)0xEF;
            buf[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            buf[o++] = (char)(0x80 | (cp & 0x3F));
        } else {
            buf[o++] = (char)c;
        }
    }
    buf[o] = '\0';
}

/* The built-in words (text/zhwords.h), each also lowercased and in full-width forms. */
static lk_status builtin_words(lk_zhseg *z, lk_error *err)
{
    enum { VARIANTS = 4 };
    const lk_zh_word *bw;
    size_t n = lk_zh_mixed_words(&bw), room = 0;
    for (size_t i = 0; i < n; i++) room += 3 * strlen(bw[i].word) + 1;
    const char **words = malloc(2 * VARIANTS * n * sizeof *words);
    char *text = malloc(VARIANTS * room), *at = text;
    lk_status st = words && text ? LK_OK : LK_ERR_NOMEM;
    size_t m = 0;
    for (size_t i = 0; st == LK_OK && i < n; i++)
        for (int v = 0; v < VARIANTS; v++) {
            word_variant(bw[i].word, v, at);
            words[m] = at;
            words[VARIANTS * n + m++] = bw[i].tag;
            at += strlen(at) + 1;
        }
    if (st == LK_OK) st = lk_userdict_from_words(words, words + VARIANTS * n, m, &z->builtin);
    free(words);
    free(text);
    if (st == LK_OK && !(z->builtin_mask = calloc((size_t)lk_userdict_size(z->builtin) + 1,
                                                  sizeof *z->builtin_mask)))
        st = LK_ERR_NOMEM;
    for (int32_t i = 0; st == LK_OK && i < lk_userdict_size(z->builtin); i++)
        z->builtin_mask[i] = tag_bit(z->m, lk_userdict_tag(z->builtin, i, NULL, NULL));
    z->num_mask = tag_bit(z->m, "NUM");
    return st == LK_OK ? LK_OK : lk_error_set(err, st, "out of memory");
}

lk_status lk_zhseg_create(const lk_tagger *m, const lk_zhseg_config *c, lk_zhseg **out,
                          lk_error *err)
{
    *out = NULL;
    if (lk_tagger_get_config(m)->unit != LK_TAGGER_CHAR)
        return lk_error_set(err, LK_ERR_ARG, "a word model cannot segment raw text (train with "
                            "--unit char)");
    lk_zhseg *z = calloc(1, sizeof *z);
    if (!z) return lk_error_set(err, LK_ERR_NOMEM, "out of memory");
    z->m = m;
    z->cfg = *c;
    lk_status st = lk_pretok_create(&z->pre);
    if (st != LK_OK) lk_error_set(err, st, "out of memory");
    if (st == LK_OK && c->script != LK_ZH_SCRIPT_SIMPLIFIED) {
        if (c->t2s) z->t2s = c->t2s;
        else if ((st = lk_t2s_create(&z->own_t2s, err)) == LK_OK) z->t2s = z->own_t2s;
    }
    if (st == LK_OK && c->punct_tags) {
        z->punct_mask = tag_bit(m, "PUNCT") | tag_bit(m, "SYM");
        z->sym_mask = tag_bit(m, "SYM") ? tag_bit(m, "SYM") : z->punct_mask;
        z->mark_mask = tag_bit(m, "PUNCT") ? tag_bit(m, "PUNCT") : z->punct_mask;
    }
    if (st == LK_OK && c->dict) st = dict_tags(z, err);
    if (st == LK_OK && c->pretok) st = builtin_words(z, err);
    z->part_tag = -1;
    if (c->granularity == LK_ZH_COARSE && lk_tagger_lexicon_size(m) > 0)
        z->part_tag = lk_tagger_tag_find(m, "PART", 4);
    z->noun_tag = lk_tagger_tag_find(m, "NOUN", 4);
    z->propn_tag = lk_tagger_tag_find(m, "PROPN", 5);
    z->verb_tag = lk_tagger_tag_find(m, "VERB", 4);
    z->adj_tag = lk_tagger_tag_find(m, "ADJ", 3);
    z->adv_tag = lk_tagger_tag_find(m, "ADV", 3);
    z->join_stop_mask = tag_bit(m, "AUX") | tag_bit(m, "PRON") | tag_bit(m, "DET") |
                        tag_bit(m, "ADP") | tag_bit(m, "ADV") | tag_bit(m, "SCONJ");
    z->num_bit = tag_bit(m, "NUM");
    z->can_cut = z->cut_punct = true;
    for (int32_t i = 0; c->dict && i < lk_userdict_size(c->dict); i++) {
        size_t wl, cl;
        const char *w = lk_userdict_word(c->dict, i, &wl);
        for (size_t k = 0; k < wl; k += cl ? cl : 1) {
            int32_t cp;
            if ((cl = lk_utf8_decode(w + k, wl - k, &cp)) == 0) continue;
            if (lk_tagger_cut_class(cp) == LK_TAGGER_CUT_SENTENCE) z->can_cut = false;
            if (lk_char_class_of(cp) == LK_CC_PUNCT) z->cut_punct = false;
        }
    }
    if (st != LK_OK) {
        lk_zhseg_free(z);
        return st;
    }
    *out = z;
    return LK_OK;
}

bool lk_zhseg_converted(const lk_zhseg *z, size_t i) { return z->conv[i]; }

/* Is the character at s[0..len) one that separates words and is in none (white space, a
   control or format character: lk_is_ignorable)? */
static bool ignorable_at(const char *s, size_t len)
{
    int32_t cp;
    if (lk_utf8_decode(s, len, &cp) == 0) return false;
    return lk_is_ignorable(cp);
}

/* Units of line s (nch characters at offsets offs) into z->units: the pre-tokenizer's, or
   every non-space character when pre-tokenization is off. */
static lk_status line_units(lk_zhseg *z, const char *s, size_t len, const size_t *offs,
                            size_t nch, size_t *n_units, lk_error *err)
{
    lk_status st;
    size_t nu = 0;
    if (!z->cfg.pretok) {
        if ((st = lk_grow_ptr(&z->units, &z->units_cap, nch + 1, sizeof *z->units)) != LK_OK) return st;
        for (size_t c = 0; c < nch; c++)
            if (!ignorable_at(s + offs[c], offs[c + 1] - offs[c]))
                z->units[nu++] = (unit){c, c + 1, offs[c], offs[c + 1], LK_PRETOK_HAN};
        *n_units = nu;
        return LK_OK;
    }
    const lk_pretok_unit *pu;
    size_t n;
    if ((st = lk_pretok_text(z->pre, s, len, &pu, &n, err)) != LK_OK) return st;
    if ((st = lk_grow_ptr(&z->units, &z->units_cap, n + 1, sizeof *z->units)) != LK_OK) return st;
    size_t c = 0;
    for (size_t k = 0; k < n; k++) {
        while (offs[c] < pu[k].start) c++;
        size_t c1 = c;
        while (offs[c1] < pu[k].start + pu[k].len) c1++;
        z->units[nu++] = (unit){c, c1, pu[k].start, pu[k].start + pu[k].len, pu[k].kind};
        c = c1;
    }
    *n_units = nu;
    return LK_OK;
}

/* Mark characters [c0, c1) as one word with allowed tags `tags`. */
static void force_word(lk_zhseg *z, size_t c0, size_t c1, size_t nch, uint64_t tags)
{
    for (size_t c = c0; c < c1; c++) {
        z->cf[c] = c == c0 ? LK_SEG_C_START : LK_SEG_C_JOIN;
        z->ct[c] = tags;
    }
    if (c1 < nch) z->cf[c1] = (uint8_t)((z->cf[c1] | LK_SEG_C_START) & ~LK_SEG_C_JOIN);
}

/* Words of dictionary d (tag bits mask per entry) over the units, leftmost-longest: at each
   unit (left to right) the longest word made of whole adjacent units wins and matching
   resumes after it. */
static lk_status dict_words(lk_zhseg *z, const lk_userdict *d, const uint64_t *mask,
                            const char *s, size_t nu, size_t nch)
{
    lk_status st;
    const unit *u = z->units;
    for (size_t a = 0; a < nu;) {
        size_t k = 0;
        for (size_t b = a; b < nu; b++) {
            if (b > a && u[b].b0 != u[b - 1].b1) break; /* whitespace between */
            if (u[b].b1 - u[a].b0 > LK_USERDICT_WORD_MAX) break;
            if ((st = lk_grow_ptr(&z->ends, &z->ends_cap, k + 1, sizeof *z->ends)) != LK_OK) return st;
            z->ends[k++] = u[b].b1 - u[a].b0;
        }
        int32_t id = -1;
        int32_t best = lk_userdict_longest(d, s + u[a].b0, z->ends, k, &id);
        if (best < 0) {
            a++;
            continue;
        }
        size_t b = a + (size_t)best;
        force_word(z, u[a].c0, u[b].c1, nch, mask[id]);
        a = b + 1;
    }
    return LK_OK;
}

/* The Han character of unit u, or -1. */
static int32_t han_cp(const char *s, const unit *u)
{
    int32_t cp;
    if (u->kind != LK_PRETOK_HAN || lk_utf8_decode(s + u->b0, u->b1 - u->b0, &cp) == 0)
        return -1;
    return cp;
}

/* Chinese numerals (lk_zh_numeral_len) over the runs of adjacent Han units, each one word
   tagged NUM (any tag if the model has no NUM). */
static void numeral_words(lk_zhseg *z, const char *s, size_t nu, size_t nch)
{
    const unit *u = z->units;
    for (size_t a = 0; a < nu; a++) {
        int32_t cp = han_cp(s, &u[a]);
        if (cp != 0x7B2C /* 第 */ && !lk_zh_numeral_char(cp)) continue;
        int32_t prev = a > 0 && u[a - 1].b1 == u[a].b0 ? han_cp(s, &u[a - 1]) : -1;
        size_t b = a;
        while (b + 1 < nu && u[b + 1].b0 == u[b].b1 && han_cp(s, &u[b + 1]) >= 0) b++;
        size_t len = lk_zh_numeral_len(prev, s + u[a].b0, u[b].b1 - u[a].b0);
        if (len == 0) continue;
        size_t e = a;
        while (u[e].b1 < u[a].b0 + len) e++;
        force_word(z, u[a].c0, u[e].c1, nch, z->num_mask);
        a = e;
    }
}

/* Sentence punctuation, quotes and brackets: always PUNCT in UD (a comma between numbers
   was tagged SYM: `3-2 ，/SYM 2011`); other marks (`/ % # & * @`) may be SYM, as in GSD. */
static bool sentence_mark(int32_t cp)
{
    static const int32_t marks[] = {
        ',', '.', ';', ':', '?', '!', '(', ')', '[', ']', '{', '}', '"', '\'',
        0x3001, 0x3002, 0xFF0C, 0xFF0E, 0xFF1B, 0xFF1A, 0xFF1F, 0xFF01, /* 、。，．；：？！ */
        0xFF08, 0xFF09, 0xFF3B, 0xFF3D, 0xFF5B, 0xFF5D, /* （）［］｛｝ */
        0x201C, 0x201D, 0x2018, 0x2019, 0x300C, 0x300D, 0x300E, 0x300F, /* “”‘’「」『』 */
        0x300A, 0x300B, 0x3008, 0x3009, 0x3010, 0x3011, 0x3014, 0x3015, /* 《》〈〉【】〔〕 */
        0x2026, 0x2014, 0xFF02, 0xFF07}; /* … — ＂ ＇ */
    for (size_t k = 0; k < sizeof marks / sizeof *marks; k++)
        if (marks[k] == cp) return true;
    return false;
}

/* Allowed tags of a punctuation/symbol unit: SYM for a symbol (Unicode S*: emoji, currency,
   math signs, as UD tags them), PUNCT or SYM for punctuation (GSD tags `/` SYM) and for the
   symbols Chinese text writes as dashes (~ ～ 〜 and box-drawing lines, PUNCT in GSD);
   PUNCT alone for sentence punctuation, quotes and brackets. */
static uint64_t unit_mask(const lk_zhseg *z, const char *s, const unit *u)
{
    int32_t cp;
    if (lk_utf8_decode(s + u->b0, u->b1 - u->b0, &cp) == 0) return z->punct_mask;
    if (sentence_mark(cp)) return z->mark_mask;
    bool dash = cp == '~' || cp == 0xFF5E || cp == 0x301C || (cp >= 0x2500 && cp <= 0x257F);
    return lk_char_class_of(cp) == LK_CC_SYMBOL && !dash ? z->sym_mask : z->punct_mask;
}

/* Constraints of one line (original s, nch characters at offs) into z->cf / z->ct. */
static lk_status line_constraints(lk_zhseg *z, const char *s, size_t len, const size_t *offs,
                                  size_t nch, lk_error *err)
{
    lk_status st;
    if ((st = lk_grow_ptr(&z->cf, &z->cf_cap, nch + 1, sizeof *z->cf)) != LK_OK ||
        (st = lk_grow_ptr(&z->ct, &z->ct_cap, nch + 1, sizeof *z->ct)) != LK_OK)
        return st;
    memset(z->cf, 0, (nch + 1) * sizeof *z->cf);
    memset(z->ct, 0, (nch + 1) * sizeof *z->ct);
    size_t nu = 0;
    if ((st = line_units(z, s, len, offs, nch, &nu, err)) != LK_OK) return st;
    for (size_t k = 0; k < nu; k++) {
        const unit *u = &z->units[k];
        if (u->kind != LK_PRETOK_HAN) /* a number is NUM: 999 after $ was X (GSD: all NUM) */
            force_word(z, u->c0, u->c1, nch, u->kind == LK_PRETOK_PUNCT ? unit_mask(z, s, u)
                                             : u->kind == LK_PRETOK_NUM ? z->num_mask
                                                                        : 0);
    }
    if (z->builtin && (st = dict_words(z, z->builtin, z->builtin_mask, s, nu, nch)) != LK_OK)
        return st;
    if (z->cfg.pretok) numeral_words(z, s, nu, nch);
    if (z->cfg.dict && lk_userdict_size(z->cfg.dict) > 0)
        st = dict_words(z, z->cfg.dict, z->dict_mask, s, nu, nch);
    return st;
}

/* Append window i of the group (text s[0..len), converted if conv) and its byte
   constraints. */
static lk_status add_line(lk_zhseg *z, size_t i, const char *s, size_t len, bool conv,
                          size_t *at, size_t *chars, lk_error *err)
{
    lk_status st;
    const char *mt = s;
    size_t ml = len;
    if (conv) {
        if ((st = lk_t2s_convert(z->t2s, s, len, &z->tmp, &z->tmp_cap, &ml)) != LK_OK) return st;
        mt = z->tmp;
    }
    if ((st = lk_grow_ptr(&z->cbuf, &z->cbuf_cap, *at + ml + 1, 1)) != LK_OK ||
        (st = lk_grow_ptr(&z->fbuf, &z->fbuf_cap, *at + ml + 1, 1)) != LK_OK ||
        (st = lk_grow_ptr(&z->tbuf, &z->tbuf_cap, *at + ml + 1, sizeof *z->tbuf)) != LK_OK ||
        (st = lk_grow_ptr(&z->ooffs, &z->ooffs_cap, *chars + len + 1, sizeof *z->ooffs)) != LK_OK ||
        (st = lk_grow_ptr(&z->moffs, &z->moffs_cap, *chars + ml + 1, sizeof *z->moffs)) != LK_OK)
        return st;
    memcpy(z->cbuf + *at, mt, ml);
    size_t *oo = z->ooffs + *chars, *mo = z->moffs + *chars;
    size_t nch = (size_t)lk_seg_char_offsets(s, len, oo);
    size_t mch = (size_t)lk_seg_char_offsets(mt, ml, mo);
    if (mch != nch) return LK_ERR_RANGE; /* the conversion keeps code points: cannot happen */
    if ((st = line_constraints(z, s, len, oo, nch, err)) != LK_OK) return st;
    memset(z->fbuf + *at, 0, ml);
    memset(z->tbuf + *at, 0, ml * sizeof *z->tbuf);
    for (size_t c = 0; c < nch; c++) {
        z->fbuf[*at + mo[c]] = z->cf[c];
        z->tbuf[*at + mo[c]] = z->ct[c];
    }
    z->coff[i + 1] = *at + ml;
    *at += ml;
    *chars += nch + 1;
    z->choff[i + 1] = *chars;
    return LK_OK;
}

/* Index of the character of offsets offs[0..n] that starts at byte b (binary search). */
static size_t char_at(const size_t *offs, size_t n, size_t b)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (offs[mid] < b) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* A place a window may end: byte offset, Han characters and model characters since the
   last sentence end before it. */
typedef struct {
    size_t at, han, since;
} zh_cut;

/* End of the window starting at s[start] (see ZH_WINDOW_BYTES); han_left = Han characters
   in s[start..len). *since (model characters since the last sentence end) is updated; *han
   gets the window's Han characters. */
static size_t window_end(const lk_zhseg *z, const char *s, size_t len, size_t start,
                         size_t han_left, size_t *han, size_t *since)
{
    zh_cut soft = {0, 0, 0}, hard = {0, 0, 0}, last = {start, 0, *since};
    size_t h = 0, sc = *since, half = start + ZH_WINDOW_MAX_BYTES / 2;
    bool after_sentence = false, closed = false;
    for (size_t j = start; j < len;) {
        int32_t cp, nx;
        size_t cl = lk_utf8_decode(s + j, len - j, &cp); /* valid: checked by the caller */
        size_t next = j + cl;
        if (cl == 0 || next - start > ZH_WINDOW_MAX_BYTES) break;
        bool is_han = lk_is_han(cp);
        bool next_han = next < len && lk_utf8_decode(s + next, len - next, &nx) > 0 && lk_is_han(nx);
        lk_tagger_cut k = lk_tagger_cut_class(cp);
        h += is_han;
        sc += !lk_is_ignorable(cp);
        closed = k == LK_TAGGER_CUT_CLOSER && after_sentence;
        after_sentence = k == LK_TAGGER_CUT_SENTENCE || closed;
        if (after_sentence && next_han && (!closed || z->cut_punct)) {
            if (next - start >= ZH_WINDOW_BYTES && h > ZH_WINDOW_MIN_HAN &&
                han_left - h > ZH_WINDOW_MIN_HAN) {
                *han = h;
                *since = 0;
                return next;
            }
            sc = 0; /* the model starts a piece after it */
        }
        if (next >= half && (lk_is_space(cp) || (next_han && z->cut_punct &&
                                                 lk_char_class_of(cp) == LK_CC_PUNCT)))
            soft = (zh_cut){next, h, sc};
        if (next >= half && is_han && next_han && sc % LK_TAGGER_PIECE_MAX == 0)
            hard = (zh_cut){next, h, sc};
        last = (zh_cut){next, h, sc};
        j = next;
    }
    zh_cut c = last.at >= len ? last : soft.at ? soft : hard.at ? hard : last;
    *han = c.han;
    *since = c.since;
    return c.at;
}

/* Windows of line `line` (s[0..len)) appended at z->wins[*nw]: the whole line, or the line
   cut as described at ZH_WINDOW_BYTES. */
static lk_status line_windows(lk_zhseg *z, size_t line, const char *s, size_t len, size_t *nw)
{
    lk_status st;
    size_t han_left = 0, start = 0, since = 0;
    bool cut = z->can_cut && len > ZH_WINDOW_BYTES;
    for (size_t j = 0; cut && j < len;) {
        int32_t cp;
        size_t cl = lk_utf8_decode(s + j, len - j, &cp);
        if (cl == 0) cut = false; /* invalid UTF-8: one window, the error names its column */
        han_left += cl && lk_is_han(cp);
        j += cl ? cl : 1;
    }
    while (cut && len - start > ZH_WINDOW_BYTES) {
        size_t han = 0, end = window_end(z, s, len, start, han_left, &han, &since);
        if (end >= len || end <= start) break;
        if ((st = lk_grow_ptr(&z->wins, &z->wins_cap, *nw + 1, sizeof *z->wins)) != LK_OK) return st;
        z->wins[(*nw)++] = (zh_window){line, start, end - start};
        han_left -= han;
        start = end;
    }
    if ((st = lk_grow_ptr(&z->wins, &z->wins_cap, *nw + 1, sizeof *z->wins)) != LK_OK) return st;
    z->wins[(*nw)++] = (zh_window){line, start, len - start};
    return LK_OK;
}

/* COARSE: join each one-character PART word to the word before it while the two make a
   lexicon word (spans sp[0..n) of model text s, forced-start flags fl per byte of s). The
   joined word is a NOUN (自行车, 外国人, 图书馆: such suffixes make nouns), or keeps the first
   word's tag if the model has no NOUN. Words the pre-tokenizer or the user dictionary
   fixed are never joined (their ends are forced starts). Returns the new count. */
static size_t coarse_join(const lk_zhseg *z, const char *s, const uint8_t *fl,
                          lk_tagger_span *sp, size_t n)
{
    size_t o = 0;
    for (size_t k = 0; k < n; k++) {
        const lk_tagger_span *t = &sp[k];
        if (o > 0 && t->tag == z->part_tag && lk_seg_count_chars(s + t->start, t->len) == 1 &&
            !(fl[t->start] & LK_SEG_C_START)) {
            lk_tagger_span *p = &sp[o - 1];
            if (p->start + p->len == t->start &&
                lk_tagger_lexicon_has(z->m, s + p->start, p->len + t->len)) {
                p->len += t->len;
                if (z->noun_tag >= 0) p->tag = z->noun_tag;
                continue;
            }
        }
        sp[o++] = *t;
    }
    return o;
}

/* COARSE, after coarse_join: runs of whole words that together make a word of the model's
   dictionary (lexicon: jieba's word list with its tags) are joined when neither the
   dictionary nor the model's tags give evidence for the split (rules chosen on UD CFL and
   GSD; figures in docs/tagger.md, "Word granularity"):
   - a run is 2.. words, at most ZH_JOIN_MAX_CHARS characters, all Han, adjacent, with no
     forced start inside (pre-tokenizer, built-in or user dictionary words), and has a
     one-character word (双 方, 高 血压, 五 花 肉; words the model wrote whole stay);
   - from each word the longest run that may be joined is joined; if none may, the longest
     run that is a dictionary word is passed over whole, so that a word the dictionary pairs
     with its left neighbour is not joined to its right one (一 个 人: 一个 is a numeral
     word, not joined, and 个 人 is not tried);
   - the dictionary tag is a content word's: not u* p c r m* q x y e o z* (particles,
     prepositions, conjunctions, pronouns, numerals and measures, ...: 的话 一个 这个 小小的);
   - no one-character word is a function word by the model's tag (AUX PRON DET ADP ADV
     SCONJ: 才 能, 我 会, 作品中 常, 结束后 方 stay) or one of 不 没 了 着 过 的 地 得 (看 不 到,
     穿 着), unless a longer word of the run is not a dictionary word (性价 比: the model's
     split left a fragment); a one-character NUM word is only the first (三 国; 有 数 部 stays),
     and a numeral digit not before a measure word (三 本, 五 本 stay: jieba lists 三本 as a
     place name);
   - for a name (nr* ns nt nz) no longer word of the run is a dictionary word itself (明 中叶,
     孙 中山 stay: jieba's list has such entries).
   The joined word takes the dictionary tag mapped to UD (join_tag), else the last word's. */
#define ZH_JOIN_MAX_CHARS 4

/* Is s[0..len) one or more Han characters and nothing else? */
static bool all_han(const char *s, size_t len)
{
    int32_t c;
    for (size_t i = 0, k; i < len; i += k)
        if ((k = lk_utf8_decode(s + i, len - i, &c)) == 0 || !lk_is_han(c)) return false;
    return len > 0;
}

/* Is tag (a jieba tag) one of a name: nr nrt nrfg ns nt nz? */
static bool name_tag(const char *tag)
{
    return tag[0] == 'n' && tag[1] != '\0' && strchr("rstz", tag[1]) != NULL;
}

/* Is cp a common measure word (classifier)? A numeral and one of these is a phrase, not a
   word, whatever the dictionary says (三本 is ns in jieba's list, 四本 五本 too). */
static bool measure_word(int32_t cp)
{
    static const int32_t measures[] = { /* 个本只条张件位名种次块把辆台部份支杯瓶双对头匹颗粒
                                           片座间家封首篇句段页节遍趟场届期批套副根棵朵枝群顿口户岁斤吨 */
        0x4E2A, 0x672C, 0x53EA, 0x6761, 0x5F20, 0x4EF6, 0x4F4D, 0x540D, 0x79CD, 0x6B21, 0x5757,
        0x628A, 0x8F86, 0x53F0, 0x90E8, 0x4EFD, 0x652F, 0x676F, 0x74F6, 0x53CC, 0x5BF9, 0x5934,
        0x5339, 0x9897, 0x7C92, 0x7247, 0x5EA7, 0x95F4, 0x5BB6, 0x5C01, 0x9996, 0x7BC7, 0x53E5,
        0x6BB5, 0x9875, 0x8282, 0x904D, 0x8D9F, 0x573A, 0x5C4A, 0x671F, 0x6279, 0x5957, 0x526F,
        0x6839, 0x68F5, 0x6735, 0x679D, 0x7FA4, 0x987F, 0x53E3, 0x6237, 0x5C81, 0x65A4, 0x5428};
    for (size_t i = 0; i < sizeof measures / sizeof *measures; i++)
        if (measures[i] == cp) return true;
    return false;
}

/* May words sp[k..j] (j > k), a lexicon word with tag `tag`, be joined (dict_join's rules)? */
static bool join_ok(const lk_zhseg *z, const char *s, const lk_tagger_span *sp, size_t k,
                    size_t j, const char *tag)
{
    static const int32_t stop_chars[] = {0x4E0D, 0x6CA1, 0x4E86, 0x7740, 0x8FC7,
                                         0x7684, 0x5730, 0x5F97}; /* 不没了着过的地得 */
    if (tag[0] != '\0' && strchr("upcrmqxyeoz", tag[0]) != NULL) return false;
    bool one_char = false, fragment = false, stop = false, name = name_tag(tag);
    for (size_t i = k; i <= j; i++) {
        const lk_tagger_span *t = &sp[i];
        if (lk_seg_count_chars(s + t->start, t->len) > 1) {
            bool word = lk_tagger_lexicon_has(z->m, s + t->start, t->len);
            if (name && word) return false;
            fragment = fragment || !word;
            continue;
        }
        one_char = true;
        uint64_t bit = t->tag >= 0 && t->tag < LK_SEG_TAG_BITS ? (uint64_t)1 << t->tag : 0;
        if (i > k && (bit & z->num_bit)) return false;
        if (i == k + 1 && lk_seg_count_chars(s + sp[k].start, sp[k].len) == 1) {
            int32_t d, m;
            lk_utf8_decode(s + sp[k].start, sp[k].len, &d);
            lk_utf8_decode(s + t->start, t->len, &m);
            if (lk_zh_numeral_char(d) && measure_word(m)) return false; /* 三 本 (not 单 元, 半 场) */
        }
        stop = stop || (bit & z->join_stop_mask);
        int32_t cp;
        lk_utf8_decode(s + t->start, t->len, &cp);
        for (size_t c = 0; c < sizeof stop_chars / sizeof *stop_chars; c++)
            stop = stop || cp == stop_chars[c];
    }
    return one_char && (!stop || fragment);
}

/* The UD tag of a joined word with dictionary tag `tag`: n s t f nz vn an -> NOUN, nr ns nt
   -> PROPN, v -> VERB, a b -> ADJ, d -> ADV; else (nrt, l, i, j, ...) `last`. */
static int32_t join_tag(const lk_zhseg *z, const char *tag, int32_t last)
{
    int32_t t = -1;
    if (strcmp(tag, "nrt") == 0) t = -1; /* transliterated names, and 令人 多谢 崇拜 */
    else if (strcmp(tag, "nz") == 0) t = z->noun_tag; /* also 二氧化碳, 二等奖 */
    else if (name_tag(tag)) t = z->propn_tag;
    else if (strchr("ntsf", tag[0]) && tag[0] != '\0') t = z->noun_tag;
    else if (tag[0] == 'v') t = strcmp(tag, "vn") == 0 ? z->noun_tag : z->verb_tag;
    else if (tag[0] == 'a') t = strcmp(tag, "an") == 0 ? z->noun_tag : z->adj_tag;
    else if (tag[0] == 'b') t = z->adj_tag;
    else if (tag[0] == 'd') t = z->adv_tag;
    return t >= 0 ? t : last;
}

/* dict_join (above) over spans sp[0..n) of model text s (forced-start flags fl per byte of
   s); returns the new count. */
static size_t dict_join(const lk_zhseg *z, const char *s, const uint8_t *fl,
                        lk_tagger_span *sp, size_t n)
{
    size_t o = 0;
    for (size_t k = 0; k < n;) {
        /* runs sp[k..e] that are lexicon words: the longest (j; k if none) and the longest
           that may be joined (jj; k if none) */
        size_t j = k, jj = k, chars = 0;
        const char *tag = "";
        for (size_t e = k; e < n && all_han(s + sp[e].start, sp[e].len); e++) {
            if (e > k && (sp[e].start != sp[e - 1].start + sp[e - 1].len ||
                          (fl[sp[e].start] & LK_SEG_C_START)))
                break;
            chars += (size_t)lk_seg_count_chars(s + sp[e].start, sp[e].len);
            if (chars > ZH_JOIN_MAX_CHARS) break;
            const char *t;
            if (!lk_tagger_lexicon_word(z->m, s + sp[k].start,
                                        sp[e].start + sp[e].len - sp[k].start, &t))
                continue;
            j = e;
            if (e > k && join_ok(z, s, sp, k, e, t)) {
                jj = e;
                tag = t;
            }
        }
        if (jj > k) {
            lk_tagger_span w = sp[k];
            w.len = sp[jj].start + sp[jj].len - w.start;
            w.tag = join_tag(z, tag, sp[jj].tag);
            sp[o++] = w;
            k = jj + 1;
            continue;
        }
        for (size_t i = k; i <= j; i++) sp[o++] = sp[i];
        k = j + 1;
    }
    return o;
}

/* Segment windows [w0, w1) in one call of the model; their words are appended to z->spans
   from *ns on (byte offsets in their lines), and span_off is set for every line that ends
   in the group. */
static lk_status segment_group(lk_zhseg *z, lk_tagger_ws *ws, const char *const *texts,
                               size_t w0, size_t w1, size_t *ns, lk_error *err)
{
    lk_status st;
    size_t n = w1 - w0, at = 0, chars = 0;
    if ((st = lk_grow_ptr(&z->coff, &z->coff_cap, n + 1, sizeof *z->coff)) != LK_OK ||
        (st = lk_grow_ptr(&z->choff, &z->choff_cap, n + 1, sizeof *z->choff)) != LK_OK ||
        (st = lk_grow_ptr(&z->mtexts, &z->mtexts_cap, n + 1, sizeof *z->mtexts)) != LK_OK ||
        (st = lk_grow_ptr(&z->mlens, &z->mlens_cap, n + 1, sizeof *z->mlens)) != LK_OK ||
        (st = lk_grow_ptr(&z->cons, &z->cons_cap, n + 1, sizeof *z->cons)) != LK_OK)
        return st;
    z->coff[0] = z->choff[0] = 0;
    for (size_t i = 0; i < n; i++) {
        const zh_window *w = &z->wins[w0 + i];
        if ((st = add_line(z, i, texts[w->line] + w->off, w->len, z->conv[w->line], &at, &chars,
                           err)) != LK_OK)
            return st;
    }
    for (size_t i = 0; i < n; i++) {
        z->mtexts[i] = z->cbuf + z->coff[i];
        z->mlens[i] = z->coff[i + 1] - z->coff[i];
        z->cons[i] = (lk_seg_cons){z->fbuf + z->coff[i], z->tbuf + z->coff[i]};
    }
    const lk_tagger_span *sp;
    const size_t *so;
    st = lk_tagger_segment_lines_cons(z->m, ws, z->mtexts, z->mlens, z->cons, n, &sp, &so, err);
    if (st != LK_OK) return st;
    if ((st = lk_grow_ptr(&z->spans, &z->spans_cap, *ns + so[n] + 1, sizeof *z->spans)) != LK_OK)
        return st;
    for (size_t i = 0; i < n; i++) {
        const zh_window *w = &z->wins[w0 + i];
        const size_t *oo = z->ooffs + z->choff[i], *mo = z->moffs + z->choff[i];
        size_t nch = z->choff[i + 1] - z->choff[i] - 1;
        size_t k0 = *ns, k1 = *ns + (so[i + 1] - so[i]);
        memcpy(z->spans + k0, sp + so[i], (k1 - k0) * sizeof *sp);
        if (z->part_tag >= 0) {
            k1 = k0 + coarse_join(z, z->mtexts[i], z->fbuf + z->coff[i], z->spans + k0, k1 - k0);
            k1 = k0 + dict_join(z, z->mtexts[i], z->fbuf + z->coff[i], z->spans + k0, k1 - k0);
        }
        for (size_t k = k0; k < k1; k++) {
            lk_tagger_span t = z->spans[k];
            if (z->conv[w->line]) {
                size_t a = char_at(mo, nch, t.start), b = char_at(mo, nch, t.start + t.len);
                t.start = oo[a];
                t.len = oo[b] - oo[a];
            }
            t.start += w->off;
            z->spans[(*ns)++] = t;
        }
        if (w0 + i + 1 == w1 || z->wins[w0 + i + 1].line != w->line)
            z->span_off[w->line + 1] = *ns;
    }
    return LK_OK;
}

lk_status lk_zhseg_lines(lk_zhseg *z, lk_tagger_ws *ws, const char *const *texts,
                         const size_t *lens, size_t n, const lk_tagger_span **spans,
                         const size_t **span_off, lk_error *err)
{
    lk_status st;
    if ((st = lk_grow_ptr(&z->conv, &z->conv_cap, n + 1, sizeof *z->conv)) != LK_OK ||
        (st = lk_grow_ptr(&z->span_off, &z->span_off_cap, n + 1, sizeof *z->span_off)) != LK_OK)
        goto oom;
    size_t nw = 0, ns = 0;
    for (size_t i = 0; i < n; i++) {
        z->conv[i] = z->t2s && (z->cfg.script == LK_ZH_SCRIPT_TRADITIONAL ||
                                lk_t2s_is_traditional(z->t2s, texts[i], lens[i]));
        if ((st = line_windows(z, i, texts[i], lens[i], &nw)) != LK_OK) goto oom;
    }
    z->span_off[0] = 0;
    for (size_t w0 = 0, w1; w0 < nw; w0 = w1) {
        size_t bytes = z->wins[w0].len;
        for (w1 = w0 + 1; w1 < nw && bytes + z->wins[w1].len <= ZH_GROUP_BYTES; w1++)
            bytes += z->wins[w1].len;
        if ((st = segment_group(z, ws, texts, w0, w1, &ns, err)) != LK_OK) {
            if (st == LK_ERR_PARSE || (err && err->code != LK_OK)) return st;
            goto oom;
        }
    }
    *spans = z->spans;
    *span_off = z->span_off;
    return LK_OK;
oom:
    return lk_error_set(err, st, "segmenting: %s", lk_status_str(st));
}
