/* tagger.c: tagger config, vocabularies and features, model construction, LKTG save/load. */
#define _POSIX_C_SOURCE 200809L
#include "models/tagger.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "models/tagger_internal.h"
#include "text/fileio.h"
#include "text/userdict.h"
#include "text/utf8.h"

lk_tagger_config lk_tagger_config_default(void)
{
    lk_tagger_config c;
    memset(&c, 0, sizeof c);
    c.unit = LK_TAGGER_WORD;
    c.column = LK_TAGGER_UPOS;
    snprintf(c.cell, sizeof c.cell, "lstm");
    c.hidden = 64;
    c.layers = 1;
    c.bidirectional = true;
    c.crf = false;
    c.word_dim = 100;
    c.char_dim = 50;
    c.min_feature_count = 2;
    c.char_feats = LK_TAGGER_CF_DEFAULT;
    c.min_word_count = 1;
    return c;
}

#define LK_TAGGER_DIM_MAX 4096

lk_status lk_tagger_config_check(const lk_tagger_config *c, lk_error *err)
{
    lk_cell_type ct;
    if (c->unit != LK_TAGGER_WORD && c->unit != LK_TAGGER_CHAR)
        return lk_error_set(err, LK_ERR_ARG, "unit must be word or char");
    if (c->column != LK_TAGGER_UPOS && c->column != LK_TAGGER_XPOS)
        return lk_error_set(err, LK_ERR_ARG, "column must be upos or xpos");
    if (memchr(c->cell, '\0', sizeof c->cell) == NULL || lk_cell_type_parse(c->cell, &ct) != LK_OK)
        return lk_error_set(err, LK_ERR_ARG, "cell must be lstm, gru, rnn, rnn-tanh or rnn-relu");
    if (c->hidden <= 0 || c->hidden > LK_TAGGER_DIM_MAX)
        return lk_error_set(err, LK_ERR_ARG, "hidden must be in 1..%d", LK_TAGGER_DIM_MAX);
    if (c->layers <= 0 || c->layers > LK_SEQ_MAX_LAYERS)
        return lk_error_set(err, LK_ERR_ARG, "layers must be in 1..%d", LK_SEQ_MAX_LAYERS);
    if (c->word_dim <= 0 || c->word_dim > LK_TAGGER_DIM_MAX)
        return lk_error_set(err, LK_ERR_ARG, "word embedding size must be in 1..%d",
                            LK_TAGGER_DIM_MAX);
    if (c->char_dim < 0 || c->char_dim > LK_TAGGER_DIM_MAX)
        return lk_error_set(err, LK_ERR_ARG, "char feature size must be in 0..%d",
                            LK_TAGGER_DIM_MAX);
    if (c->min_feature_count < 1) return lk_error_set(err, LK_ERR_ARG, "min feature count must be >= 1");
    if (c->min_word_count < 1) return lk_error_set(err, LK_ERR_ARG, "min word count must be >= 1");
    if (c->char_feats & ~(LK_TAGGER_CF_NFKC | LK_TAGGER_CF_CLASS | LK_TAGGER_CF_LEXICON))
        return lk_error_set(err, LK_ERR_ARG, "unknown char feature bits 0x%x", c->char_feats);
    return LK_OK;
}

/* ---- keys and features ------------------------------------------------------------------ */

/* Width/compatibility folding of one code point for feature keys (NFKC when it gives one
   code point: ＡＢＣ１２３ -> ABC123, ， -> ',', U+3000 -> ' '); other code points unchanged. */
static int32_t fold_cp(int32_t cp)
{
    if (cp < 0x80) return cp;
    if (lk_is_han(cp) && !(cp >= 0xF900 && cp <= 0xFAFF) && !(cp >= 0x2F800 && cp <= 0x2FA1F))
        return cp; /* unified ideographs are NFKC-stable; compatibility ones are not */
    char src[4], dst[32];
    size_t n = lk_utf8_encode(cp, src), dl = 0;
    int32_t out;
    if (n == 0 || lk_normalize_into(src, n, LK_NORM_NFKC, dst, sizeof dst, &dl, NULL) != LK_OK ||
        dl == 0 || lk_utf8_decode(dst, dl, &out) != dl)
        return cp;
    return out;
}

/* Lookup key of a word or character: (NFKC-folded if nfkc,) lowercased, ASCII digits mapped
   to '0'. Returns the key length, or 0 if it does not fit in cap (such words are looked up as
   <unk>). */
static size_t unit_key(const char *w, size_t len, bool nfkc, char *out, size_t cap)
{
    size_t o = 0, i = 0;
    while (i < len) {
        int32_t cp;
        size_t k = lk_utf8_decode(w + i, len - i, &cp);
        if (k == 0) {
            cp = 0xFFFD;
            k = 1;
        }
        i += k;
        if (nfkc) cp = fold_cp(cp);
        if (cp >= '0' && cp <= '9')
            cp = '0';
        else
            cp = lk_tolower(cp);
        if (o + 4 >= cap) return 0;
        o += lk_utf8_encode(cp, out + o);
    }
    out[o] = '\0';
    return o;
}

/* Coarse class of a code point for shape features. */
static char shape_class(int32_t cp)
{
    if (cp >= '0' && cp <= '9') return 'd';
    if (lk_is_han(cp)) return 'h';
    if (lk_tolower(cp) != cp) return 'X';
    if (cp < 0x80 ? ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') : cp >= 0xC0) return 'x';
    return 'p';
}

/* A set of feature keys for one position, stored back to back. */
typedef struct {
    char buf[LK_TAGGER_MAX_FEATS * 64];
    size_t off[LK_TAGGER_MAX_FEATS + 1];
    int32_t n;
} feat_keys;

static void fk_add(feat_keys *f, const char *pre, const char *s, size_t len)
{
    size_t at = f->off[f->n], pl = strlen(pre);
    if (f->n >= LK_TAGGER_MAX_FEATS || at + pl + len + 1 > sizeof f->buf) return;
    memcpy(f->buf + at, pre, pl);
    memcpy(f->buf + at + pl, s, len);
    f->off[++f->n] = at + pl + len;
}

#define LK_AFFIX_MAX 4
#define LK_SHAPE_MAX 6

/* Word-unit features of word w with key k: prefixes (1..3 chars) and suffixes (1..4 chars)
   of the key, and the word's collapsed shape ("Xx", "d", "xpx", ...). */
static void word_features(const char *w, size_t wlen, const char *k, size_t klen, feat_keys *f)
{
    size_t offs[LK_TAGGER_KEY_MAX + 1];
    f->n = 0;
    f->off[0] = 0;
    int32_t nc = lk_seg_char_offsets(k, klen, offs);
    for (int32_t a = 1; a <= LK_AFFIX_MAX && a <= nc; a++) {
        if (a < LK_AFFIX_MAX) fk_add(f, "p:", k, offs[a]);
        fk_add(f, "s:", k + offs[nc - a], klen - offs[nc - a]);
    }
    char shape[LK_SHAPE_MAX + 1];
    size_t sl = 0;
    for (size_t i = 0; i < wlen;) {
        int32_t cp;
        size_t n = lk_utf8_decode(w + i, wlen - i, &cp);
        if (n == 0) {
            cp = 0xFFFD;
            n = 1;
        }
        i += n;
        char c = shape_class(cp);
        if (sl > 0 && shape[sl - 1] == c) continue;
        if (sl == LK_SHAPE_MAX) break;
        shape[sl++] = c;
    }
    fk_add(f, "h:", shape, sl);
}

/* Category letter of a code point (char models with LK_TAGGER_CF_CLASS): H Han, L Latin
   letter, A other letter (kana, hangul, Cyrillic ...), D number, P punctuation, S symbol,
   Z space, M combining mark, O other. */
static char category_letter(int32_t cp)
{
    switch (lk_char_class_of(cp)) {
    case LK_CC_HAN: return 'H';
    case LK_CC_LETTER: return cp < 0x2B0 ? 'L' : 'A';
    case LK_CC_NUMBER: return 'D';
    case LK_CC_PUNCT: return 'P';
    case LK_CC_SPACE: return 'Z';
    case LK_CC_SYMBOL: return 'S';
    case LK_CC_MARK: return 'M';
    default: return 'O';
    }
}

/* Characters of a sentence: keys (lowercased) and, per char, the position/tag label and the
   lexicon matches covering it. */
typedef struct {
    char *buf;            /* keys back to back, NUL-separated */
    size_t cap_buf, used;
    const char **keys;
    size_t *lens;
    int32_t *gold;
    uint32_t *lexm;       /* LEXM_* bits of the matches covering each char */
    size_t cap;
    int32_t n;
} char_seq;

/* lexm bits: (B, M, E) x (2, 3, 4+ chars) in bits 0..8; of the longest match covering the
   char (the first one on ties): its length in bits 8..11, the char's place in it (1 B, 2 M,
   3 E) in bits 12..13, its tag + 1 (0 = none) from bit 16. */
#define LEXM_LONG_SHIFT 12
#define LEXM_TAG_SHIFT 16

static char cs_category(const char_seq *cs, int32_t i)
{
    int32_t cp = 0;
    if (i < 0 || i >= cs->n) return i < 0 ? '^' : '$';
    if (lk_utf8_decode(cs->keys[i], cs->lens[i], &cp) == 0) cp = 0xFFFD;
    return category_letter(cp);
}

/* Char-unit features of character i of cs: left and right bigrams, the trigram centred on i;
   then either the shape class (v1 models) or the category of i and of i-1..i+1; and the
   lexicon matches (LK_TAGGER_CF_LEXICON). */
static void char_features(const lk_tagger *m, const char_seq *cs, int32_t i, feat_keys *f)
{
    const char *const *keys = cs->keys;
    const size_t *lens = cs->lens;
    int32_t n = cs->n;
    char tmp[3 * LK_TAGGER_KEY_MAX];
    f->n = 0;
    f->off[0] = 0;
    const char *prev = i > 0 ? keys[i - 1] : "^";
    size_t prev_len = i > 0 ? lens[i - 1] : 1;
    const char *next = i + 1 < n ? keys[i + 1] : "$";
    size_t next_len = i + 1 < n ? lens[i + 1] : 1;
    size_t a = 0;
    memcpy(tmp, prev, prev_len);
    a = prev_len;
    memcpy(tmp + a, keys[i], lens[i]);
    a += lens[i];
    fk_add(f, "L:", tmp, a);
    memcpy(tmp + a, next, next_len);
    fk_add(f, "C:", tmp, a + next_len);
    fk_add(f, "R:", tmp + prev_len, lens[i] + next_len);
    uint32_t cf = m->cfg.char_feats;
    if (!(cf & LK_TAGGER_CF_CLASS)) {
        int32_t cp = 0;
        if (lk_utf8_decode(keys[i], lens[i], &cp) == 0) cp = 0xFFFD;
        char cls = shape_class(cp);
        fk_add(f, "t:", &cls, 1);
    } else {
        char k3[3] = {cs_category(cs, i - 1), cs_category(cs, i), cs_category(cs, i + 1)};
        fk_add(f, "k:", k3 + 1, 1);
        fk_add(f, "K:", k3, 3);
    }
    if (!(cf & LK_TAGGER_CF_LEXICON)) return;
    static const char names[9][3] = {"B2", "M2", "E2", "B3", "M3", "E3", "B4", "M4", "E4"};
    uint32_t lm = cs->lexm[i];
    if ((lm & 0x1FF) == 0) fk_add(f, "x:", "-", 1);
    for (int b = 0; b < 9; b++)
        if (lm & (1u << b)) fk_add(f, "x:", names[b], 2);
    uint32_t tag = lm >> LEXM_TAG_SHIFT, place = (lm >> LEXM_LONG_SHIFT) & 3;
    if (place) {
        const char *tn = tag ? lk_vocab_word(m->lex_tags, (int32_t)tag - 1) : "";
        size_t tl = tag ? lk_vocab_word_len(m->lex_tags, (int32_t)tag - 1) : 0;
        if (tl > 16) tl = 16;
        tmp[0] = "?BME"[place];
        memcpy(tmp + 1, tn, tl);
        fk_add(f, "y:", tmp, tl + 1);
    }
}

/* Fill cs->lexm from m's lexicon: every lexicon word found in the keys marks its chars. */
static void lex_marks(const lk_tagger *m, char_seq *cs)
{
    for (int32_t i = 0; i < cs->n; i++) cs->lexm[i] = 0;
    if (!(m->cfg.char_feats & LK_TAGGER_CF_LEXICON) || !m->lex) return;
    char tmp[LK_TAGGER_LEX_MAX_CHARS * 4 + 4];
    for (int32_t s = 0; s < cs->n; s++) {
        size_t tl = 0;
        for (int32_t l = 1; l <= LK_TAGGER_LEX_MAX_CHARS && s + l <= cs->n; l++) {
            size_t kl = cs->lens[s + l - 1];
            if (tl + kl > sizeof tmp) break;
            memcpy(tmp + tl, cs->keys[s + l - 1], kl);
            tl += kl;
            if (l == 1) continue;
            uint8_t code = 0;
            uint32_t fl = lk_lexicon_find(m->lex, tmp, tl, &code);
            if (fl == 0) break;
            if (fl & LK_LEXICON_WORD) {
                int bucket = l >= 4 ? 2 : l - 2;
                uint32_t tag = code;
                for (int32_t k = 0; k < l; k++) {
                    int place = k == 0 ? 0 : k == l - 1 ? 2 : 1;
                    uint32_t *lm = &cs->lexm[s + k];
                    *lm |= 1u << (bucket * 3 + place);
                    /* longest match: replace when longer (or none yet) */
                    uint32_t old_len = (*lm >> 8) & 0xF;
                    if ((uint32_t)l > old_len) {
                        *lm = (*lm & 0x1FF) | ((uint32_t)l << 8) |
                              ((uint32_t)(place + 1) << LEXM_LONG_SHIFT) | (tag << LEXM_TAG_SHIFT);
                    }
                }
            }
            if (!(fl & LK_LEXICON_PREFIX)) break;
        }
    }
}

/* True if m keys characters NFKC-folded. */
static bool char_nfkc(const lk_tagger *m)
{
    return m->cfg.unit == LK_TAGGER_CHAR && (m->cfg.char_feats & LK_TAGGER_CF_NFKC);
}

static const char *token_tag(const lk_tagger_config *c, const lk_tagged_token *t)
{
    return c->column == LK_TAGGER_XPOS ? t->xpos : t->upos;
}

/* ---- featurized data ------------------------------------------------------------------ */

void lk_tg_data_free(lk_tg_data *d)
{
    if (!d) return;
    free(d->off);
    free(d->main);
    free(d->foff);
    free(d->feats);
    free(d->gold);
    memset(d, 0, sizeof *d);
}

static void tg_data_reset(lk_tg_data *d)
{
    d->n_sents = 0;
    d->n_pos = 0;
    if (d->off) d->off[0] = 0;
    if (d->foff) d->foff[0] = 0;
}

static lk_status tg_data_reserve(lk_tg_data *d, size_t n_sents, size_t n_pos, size_t n_feats)
{
    lk_status st;
    size_t cp = d->cap_pos;
    if ((st = lk_grow((void **)&d->off, &d->cap_sents, n_sents + 1, sizeof *d->off)) != LK_OK)
        return st;
    if (n_pos + 1 > d->cap_pos) {
        if ((st = lk_grow((void **)&d->main, &cp, n_pos + 1, sizeof *d->main)) != LK_OK) return st;
        cp = d->cap_pos;
        if ((st = lk_grow((void **)&d->gold, &cp, n_pos + 1, sizeof *d->gold)) != LK_OK) return st;
        cp = d->cap_pos;
        if ((st = lk_grow((void **)&d->foff, &cp, n_pos + 1, sizeof *d->foff)) != LK_OK) return st;
        d->cap_pos = cp;
    }
    return lk_grow((void **)&d->feats, &d->cap_feats, n_feats + 1, sizeof *d->feats);
}

/* Append position with main id, features and gold label. */
static lk_status tg_data_push(lk_tg_data *d, const lk_tagger *m, int32_t main_id,
                              const feat_keys *f, int32_t gold)
{
    size_t nf = d->n_pos ? (size_t)d->foff[d->n_pos] : 0;
    lk_status st = tg_data_reserve(d, d->n_sents, d->n_pos + 1, nf + (size_t)f->n);
    if (st != LK_OK) return st;
    if (d->n_pos == 0) d->foff[0] = 0;
    if (nf + (size_t)f->n > INT32_MAX) return LK_ERR_RANGE;
    int32_t k = (int32_t)nf;
    for (int32_t i = 0; i < f->n; i++) {
        int32_t id = lk_vocab_find(m->feats, f->buf + f->off[i], f->off[i + 1] - f->off[i]);
        if (id != LK_ID_NONE) d->feats[k++] = id;
    }
    d->main[d->n_pos] = main_id;
    d->gold[d->n_pos] = gold;
    d->n_pos++;
    d->foff[d->n_pos] = k;
    return LK_OK;
}

static lk_status tg_data_end_sentence(lk_tg_data *d)
{
    lk_status st = tg_data_reserve(d, d->n_sents + 1, d->n_pos, 0);
    if (st != LK_OK) return st;
    if (d->n_sents == 0) d->off[0] = 0;
    d->off[++d->n_sents] = d->n_pos;
    return LK_OK;
}

/* Featurize one tokenized sentence (word unit); gold from tags (may be NULL). */
static lk_status tg_add_words(const lk_tagger *m, lk_tg_data *d, const lk_tagged_token *toks,
                              size_t n, int64_t *n_unknown)
{
    lk_status st;
    feat_keys f;
    char key[LK_TAGGER_KEY_MAX];
    for (size_t i = 0; i < n; i++) {
        size_t kl = unit_key(toks[i].form, toks[i].form_len, false, key, sizeof key);
        int32_t id = kl ? lk_vocab_find_or_unk(m->words, key, kl) : LK_TAGGER_UNK;
        word_features(toks[i].form, toks[i].form_len, key, kl, &f);
        int32_t gold = LK_ID_NONE;
        const char *tag = token_tag(&m->cfg, &toks[i]);
        if (tag && strcmp(tag, "_") != 0) {
            gold = lk_vocab_find(m->labels, tag, strlen(tag));
            if (gold == LK_ID_NONE && n_unknown) (*n_unknown)++;
        }
        if ((st = tg_data_push(d, m, id, &f, gold)) != LK_OK) return st;
    }
    return tg_data_end_sentence(d);
}

static void char_seq_free(char_seq *s)
{
    free(s->buf);
    free(s->keys);
    free(s->lens);
    free(s->gold);
    free(s->lexm);
}

/* Append the characters of text[0..len) to s, keyed, with gold LK_ID_NONE. */
static lk_status char_seq_add(char_seq *s, const char *text, size_t len, bool nfkc)
{
    lk_status st;
    size_t need_buf = 0;
    for (size_t i = 0; i < len;) {
        int32_t cp;
        size_t k = lk_utf8_decode(text + i, len - i, &cp);
        i += k ? k : 1;
        need_buf += 5;
    }
    char *old = s->buf;
    if ((st = lk_grow((void **)&s->buf, &s->cap_buf, s->used + need_buf + 1, 1)) != LK_OK)
        return st;
    size_t need = (size_t)s->n + len + 1, c1 = s->cap, c2 = s->cap, c3 = s->cap, c4 = s->cap;
    if (need > s->cap) {
        if ((st = lk_grow((void **)&s->keys, &c1, need, sizeof *s->keys)) != LK_OK) return st;
        if ((st = lk_grow((void **)&s->lens, &c2, need, sizeof *s->lens)) != LK_OK) return st;
        if ((st = lk_grow((void **)&s->gold, &c3, need, sizeof *s->gold)) != LK_OK) return st;
        if ((st = lk_grow((void **)&s->lexm, &c4, need, sizeof *s->lexm)) != LK_OK) return st;
        s->cap = c1;
    }
    if (s->buf != old) { /* keys point into buf, which moved: rebuild them */
        size_t at = 0;
        for (int32_t i = 0; i < s->n; i++) {
            s->keys[i] = s->buf + at;
            at += s->lens[i] + 1;
        }
    }
    size_t at = s->used;
    for (size_t i = 0; i < len;) {
        int32_t cp;
        size_t k = lk_utf8_decode(text + i, len - i, &cp);
        if (k == 0) k = 1;
        size_t kl = unit_key(text + i, k, nfkc, s->buf + at, 6);
        if (kl == 0) {
            memcpy(s->buf + at, "?", 2);
            kl = 1;
        }
        s->keys[s->n] = s->buf + at;
        s->lens[s->n] = kl;
        s->gold[s->n] = LK_ID_NONE;
        s->n++;
        at += kl + 1;
        i += k;
    }
    s->used = at;
    return LK_OK;
}

static lk_status tg_add_chars(const lk_tagger *m, lk_tg_data *d, char_seq *cs)
{
    lk_status st;
    feat_keys f;
    lex_marks(m, cs);
    for (int32_t i = 0; i < cs->n; i++) {
        int32_t id = lk_vocab_find_or_unk(m->words, cs->keys[i], cs->lens[i]);
        char_features(m, cs, i, &f);
        if ((st = tg_data_push(d, m, id, &f, cs->gold[i])) != LK_OK) return st;
    }
    return tg_data_end_sentence(d);
}

/* Characters of a gold sentence with their B/M/E/S labels (LK_ID_NONE for unknown). */
static lk_status sentence_chars(const lk_tagger *m, const lk_sentence *sent, char_seq *cs,
                                int64_t *n_unknown)
{
    lk_status st;
    cs->n = 0;
    cs->used = 0;
    for (size_t w = 0; w < sent->n; w++) {
        const lk_tagged_token *t = &sent->tokens[w];
        int32_t first = cs->n;
        if ((st = char_seq_add(cs, t->form, t->form_len, char_nfkc(m))) != LK_OK) return st;
        int32_t nc = cs->n - first;
        const char *tag = token_tag(&m->cfg, t);
        bool unknown = false;
        for (int32_t i = 0; i < nc; i++) {
            char lab[LK_SEG_LABEL_MAX];
            size_t ll;
            if (!tag || strcmp(tag, "_") == 0) break;
            if (lk_seg_label(lk_seg_pos_in_word(i, nc), tag, strlen(tag), lab, sizeof lab, &ll) !=
                LK_OK)
                break;
            int32_t id = lk_vocab_find(m->labels, lab, ll);
            if (id == LK_ID_NONE) unknown = true;
            cs->gold[first + i] = id;
        }
        if (unknown && n_unknown) (*n_unknown)++;
    }
    return LK_OK;
}

void lk_tg_data_reset(lk_tg_data *d) { tg_data_reset(d); }

lk_status lk_tg_data_add_tokens(const lk_tagger *m, lk_tg_data *d, const lk_tagged_token *toks,
                                size_t n, int64_t *n_unknown_tags)
{
    return tg_add_words(m, d, toks, n, n_unknown_tags);
}

lk_status lk_tg_data_add_chars(const lk_tagger *m, lk_tg_data *d, const char *text,
                               const size_t *starts, const size_t *lens, int32_t n)
{
    lk_status st = LK_OK;
    char_seq cs;
    memset(&cs, 0, sizeof cs);
    for (int32_t i = 0; i < n && st == LK_OK; i++) st = char_seq_add(&cs, text + starts[i], lens[i], char_nfkc(m));
    if (st == LK_OK) st = tg_add_chars(m, d, &cs);
    char_seq_free(&cs);
    return st;
}

lk_status lk_tg_data_from_corpus(const lk_tagger *m, const lk_tagged_corpus *c, lk_tg_data *d,
                                 int64_t *n_unknown_tags, lk_error *err)
{
    lk_status st = LK_OK;
    char_seq cs;
    memset(&cs, 0, sizeof cs);
    tg_data_reset(d);
    if ((st = tg_data_reserve(d, c->n_sents, c->n_tokens, c->n_tokens * 8)) != LK_OK) goto done;
    for (size_t s = 0; s < c->n_sents; s++) {
        const lk_sentence *sent = &c->sents[s];
        if (m->cfg.unit == LK_TAGGER_WORD) {
            st = tg_add_words(m, d, sent->tokens, sent->n, n_unknown_tags);
        } else {
            st = sentence_chars(m, sent, &cs, n_unknown_tags);
            if (st == LK_OK) st = tg_add_chars(m, d, &cs);
        }
        if (st != LK_OK) goto done;
    }
done:
    char_seq_free(&cs);
    if (st != LK_OK) lk_error_set(err, st, "featurizing the corpus: %s", lk_status_str(st));
    return st;
}

/* ---- model construction ---------------------------------------------------------------- */

void lk_tagger_free(lk_tagger *m)
{
    if (!m) return;
    lk_vocab_free(m->words);
    lk_vocab_free(m->feats);
    lk_vocab_free(m->labels);
    if (m->tags != m->labels) lk_vocab_free(m->tags);
    free(m->feat_group);
    lk_lexicon_free(m->lex);
    lk_vocab_free(m->lex_tags);
    free(m->train_info);
    free(m->label_pos);
    free(m->label_tag);
    lk_params_free(&m->params);
    free(m);
}

static lk_status tagger_alloc(const lk_tagger_config *c, lk_tagger **out, lk_error *err)
{
    lk_status st;
    lk_tagger *m = calloc(1, sizeof *m);
    *out = NULL;
    if (!m) return lk_error_set(err, LK_ERR_NOMEM, "out of memory");
    m->cfg = *c;
    if ((st = lk_cell_type_parse(c->cell, &m->cell_type)) != LK_OK) goto fail;
    if ((st = lk_vocab_create(&m->words)) != LK_OK) goto fail;
    if ((st = lk_vocab_create(&m->feats)) != LK_OK) goto fail;
    if ((st = lk_vocab_create(&m->labels)) != LK_OK) goto fail;
    if (c->unit == LK_TAGGER_CHAR) {
        if ((st = lk_vocab_create(&m->tags)) != LK_OK) goto fail;
    } else {
        m->tags = m->labels;
    }
    *out = m;
    return LK_OK;
fail:
    lk_tagger_free(m);
    return lk_error_set(err, st, "creating the tagger: %s", lk_status_str(st));
}

/* Position and tag of every label (char unit). */
static lk_status label_table(lk_tagger *m, lk_error *err)
{
    int32_t L = lk_vocab_size(m->labels);
    m->label_pos = calloc((size_t)L + 1, sizeof *m->label_pos);
    m->label_tag = calloc((size_t)L + 1, sizeof *m->label_tag);
    if (!m->label_pos || !m->label_tag) return lk_error_set(err, LK_ERR_NOMEM, "out of memory");
    for (int32_t l = 0; l < L; l++) {
        if (m->cfg.unit == LK_TAGGER_WORD) {
            m->label_pos[l] = LK_SEG_S;
            m->label_tag[l] = l;
            continue;
        }
        lk_seg_pos pos;
        const char *tag;
        size_t tl;
        if (lk_seg_label_parse(lk_vocab_word(m->labels, l), lk_vocab_word_len(m->labels, l), &pos,
                               &tag, &tl) != LK_OK)
            return lk_error_set(err, LK_ERR_FORMAT, "bad segmentation label '%s'",
                                lk_vocab_word(m->labels, l));
        int32_t t = lk_vocab_find(m->tags, tag, tl);
        if (t == LK_ID_NONE)
            return lk_error_set(err, LK_ERR_FORMAT, "label '%s' has no tag in the tag set",
                                lk_vocab_word(m->labels, l));
        m->label_pos[l] = (int32_t)pos;
        m->label_tag[l] = t;
    }
    return LK_OK;
}

/* Declare every parameter tensor (the layout depends only on config and vocab sizes). */
static lk_status declare_params(lk_tagger *m, lk_error *err)
{
    lk_status st;
    const lk_tagger_config *c = &m->cfg;
    lk_params *p = &m->params;
    int32_t Vw = lk_vocab_size(m->words), Vf = lk_vocab_size(m->feats);
    int32_t L = lk_vocab_size(m->labels);
    int32_t Vf_ = lk_vocab_size(m->feats);
    /* char models: n-grams; then the category bag and the lexicon bag if enabled */
    int32_t g_class = 0, g_lex = 0;
    if (c->unit == LK_TAGGER_WORD) {
        m->n_groups = LK_TAGGER_MAX_GROUPS;
    } else {
        m->n_groups = 1;
        if (c->char_feats & LK_TAGGER_CF_CLASS) g_class = m->n_groups++;
        if (c->char_feats & LK_TAGGER_CF_LEXICON) g_lex = m->n_groups++;
    }
    m->feat_group = calloc((size_t)Vf_ + 1, 1);
    if (!m->feat_group) {
        st = LK_ERR_NOMEM;
        goto fail;
    }
    for (int32_t f = 0; f < Vf_; f++) {
        char k0 = lk_vocab_word(m->feats, f)[0];
        if (lk_vocab_word(m->feats, f)[1] != ':') continue; /* <pad>, <unk> */
        if (c->unit == LK_TAGGER_WORD)
            m->feat_group[f] = k0 == 's' ? 1 : k0 == 'h' ? 2 : 0; /* "p:", "s:", "h:" */
        else if (g_class && (k0 == 'k' || k0 == 'K'))
            m->feat_group[f] = (uint8_t)g_class;
        else if (g_lex && (k0 == 'x' || k0 == 'y'))
            m->feat_group[f] = (uint8_t)g_lex;
    }
    m->input_dim = c->word_dim + m->n_groups * c->char_dim;
    if ((st = lk_params_add(p, "emb.word", Vw, c->word_dim, 0, LK_INIT_UNIFORM,
                            sqrtf(3.0f / (float)c->word_dim), &m->v_wemb)) != LK_OK)
        goto fail;
    if (c->char_dim > 0 &&
        (st = lk_params_add(p, "emb.feat", Vf, c->char_dim, 0, LK_INIT_UNIFORM,
                            sqrtf(3.0f / (float)c->char_dim), &m->v_femb)) != LK_OK)
        goto fail;
    lk_seq_config sc = lk_seq_config_default();
    sc.cell = m->cell_type;
    sc.input = m->input_dim;
    sc.hidden = c->hidden;
    sc.layers = c->layers;
    sc.bidirectional = c->bidirectional;
    if ((st = lk_seq_add_params(&m->seq, &sc, p, "enc", err)) != LK_OK) return st;
    int32_t DH = lk_seq_output_size(&m->seq);
    if ((st = lk_params_add(p, "out.w", L, DH, 0, LK_INIT_XAVIER, 1.0f, &m->v_out_w)) != LK_OK)
        goto fail;
    if ((st = lk_params_add(p, "out.b", 1, L, 0, LK_INIT_ZERO, 0.0f, &m->v_out_b)) != LK_OK)
        goto fail;
    if (c->crf && (st = lk_crf_add_params(L, p, "crf", &m->crf)) != LK_OK) goto fail;
    if ((st = lk_params_alloc(p)) != LK_OK) goto fail;
    return LK_OK;
fail:
    return lk_error_set(err, st, "model parameters: %s", lk_status_str(st));
}

/* Count the training vocabularies. */
static lk_status count_corpus(lk_tagger *m, const lk_tagged_corpus *train, lk_error *err)
{
    lk_status st = LK_OK;
    char key[LK_TAGGER_KEY_MAX];
    feat_keys f;
    char_seq cs;
    memset(&cs, 0, sizeof cs);
    for (size_t s = 0; s < train->n_sents && st == LK_OK; s++) {
        const lk_sentence *sent = &train->sents[s];
        for (size_t w = 0; w < sent->n && st == LK_OK; w++) {
            const lk_tagged_token *t = &sent->tokens[w];
            const char *tag = token_tag(&m->cfg, t);
            if (!tag || strcmp(tag, "_") == 0) {
                st = lk_error_set(err, LK_ERR_ARG, "training sentence at line %lld: token %zu "
                                  "has no %s tag", (long long)sent->line, w + 1,
                                  m->cfg.column == LK_TAGGER_XPOS ? "XPOS" : "UPOS");
                break;
            }
            if (m->cfg.unit == LK_TAGGER_WORD) {
                size_t kl = unit_key(t->form, t->form_len, false, key, sizeof key);
                if (kl) st = lk_vocab_add(m->words, key, kl, NULL);
                word_features(t->form, t->form_len, key, kl, &f);
                for (int32_t i = 0; i < f.n && st == LK_OK; i++)
                    st = lk_vocab_add(m->feats, f.buf + f.off[i], f.off[i + 1] - f.off[i], NULL);
                if (st == LK_OK) st = lk_vocab_add(m->labels, tag, strlen(tag), NULL);
                continue;
            }
            int32_t nc = lk_seg_count_chars(t->form, t->form_len);
            if ((st = lk_vocab_add(m->tags, tag, strlen(tag), NULL)) != LK_OK) break;
            for (int32_t i = 0; i < nc && st == LK_OK; i++) {
                char lab[LK_SEG_LABEL_MAX];
                size_t ll;
                if (lk_seg_label(lk_seg_pos_in_word(i, nc), tag, strlen(tag), lab, sizeof lab,
                                 &ll) != LK_OK) {
                    st = lk_error_set(err, LK_ERR_RANGE, "tag too long at line %lld",
                                      (long long)sent->token_lines[w]);
                    break;
                }
                st = lk_vocab_add(m->labels, lab, ll, NULL);
            }
        }
        if (st != LK_OK || m->cfg.unit == LK_TAGGER_WORD) continue;
        cs.n = 0;
        cs.used = 0;
        for (size_t w = 0; w < sent->n && st == LK_OK; w++)
            st = char_seq_add(&cs, sent->tokens[w].form, sent->tokens[w].form_len, char_nfkc(m));
        if (st == LK_OK) lex_marks(m, &cs);
        for (int32_t i = 0; i < cs.n && st == LK_OK; i++) {
            st = lk_vocab_add(m->words, cs.keys[i], cs.lens[i], NULL);
            char_features(m, &cs, i, &f);
            for (int32_t k = 0; k < f.n && st == LK_OK; k++)
                st = lk_vocab_add(m->feats, f.buf + f.off[k], f.off[k + 1] - f.off[k], NULL);
        }
    }
    char_seq_free(&cs);
    if (st != LK_OK && err && err->code == LK_OK)
        lk_error_set(err, st, "counting the training corpus: %s", lk_status_str(st));
    return st;
}

/* ---- word2vec text vectors ------------------------------------------------------------ */

/* The vectors of a word2vec text file as read: row i (dim values) for word id ids[i] of
   m->words; a word given twice has two rows, the later one wins. */
typedef struct {
    int32_t *ids;
    lk_real *vals;
    size_t n, cap_ids, cap_vals;
} vec_rows;

static void vec_rows_free(vec_rows *r)
{
    free(r->ids);
    free(r->vals);
}

/* Parse "word v1 .. vdim" lines of a word2vec text file (first line "count dim"), once:
   it may be a pipe or standard input ("-"). Adds the words to m->words (count 0) and keeps
   their vectors in *rows, for copy_vectors once the parameters exist. */
static lk_status read_vectors(lk_tagger *m, const char *path, vec_rows *rows, lk_error *err)
{
    lk_line_reader *r = NULL;
    lk_status st = lk_line_reader_open(path, &r, err);
    if (st != LK_OK) return st;
    const char *line;
    size_t len;
    bool got;
    int32_t dim = m->cfg.word_dim;
    char key[LK_TAGGER_KEY_MAX];
    int64_t n_rows = 0;
    while ((st = lk_line_reader_next(r, &line, &len, &got, err)) == LK_OK && got) {
        int64_t ln = lk_line_reader_lineno(r);
        n_rows++;
        const char *sp = memchr(line, ' ', len);
        if (!sp) {
            st = lk_error_at(err, path, ln, 1, "expected 'word v1 ... v%d'", dim);
            break;
        }
        if (ln == 1) {
            long cnt, d;
            char extra;
            if (sscanf(line, "%ld %ld %c", &cnt, &d, &extra) == 2) {
                if (d != dim) {
                    st = lk_error_at(err, path, 1, 1, "vectors have dimension %ld, the model's "
                                     "word embedding size is %d (word_dim; or use other "
                                     "vectors)", d, dim);
                    break;
                }
                n_rows--; /* the header */
                continue;
            }
        }
        size_t kl = unit_key(line, (size_t)(sp - line), char_nfkc(m), key, sizeof key);
        if (kl == 0) continue;
        int32_t id;
        if ((st = lk_vocab_add_count(m->words, key, kl, 0, &id)) != LK_OK) break;
        if ((st = lk_grow_ptr(&rows->ids, &rows->cap_ids, rows->n + 1, sizeof *rows->ids)) != LK_OK ||
            (st = lk_grow_ptr(&rows->vals, &rows->cap_vals, (rows->n + 1) * (size_t)dim,
                              sizeof *rows->vals)) != LK_OK)
            break;
        const char *p = sp;
        lk_real *row = rows->vals + rows->n * (size_t)dim;
        for (int32_t k = 0; k < dim; k++) {
            char *end;
            errno = 0;
            double v = strtod(p, &end);
            if (end == p || errno != 0 || !isfinite(v)) {
                st = lk_error_at(err, path, ln, lk_utf8_column(line, (size_t)(p - line)) + 1,
                                 "expected %d numbers after the word", dim);
                break;
            }
            row[k] = (lk_real)v;
            p = end;
        }
        if (st != LK_OK) break;
        rows->ids[rows->n++] = id;
    }
    if (st == LK_OK && n_rows == 0)
        st = lk_error_set(err, LK_ERR_PARSE, "%s: no vectors (empty file)", path);
    lk_line_reader_free(r);
    return st;
}

/* The rows read by read_vectors into the word embedding emb: (words, dim). */
static void copy_vectors(const vec_rows *rows, int32_t dim, lk_real *emb)
{
    for (size_t i = 0; i < rows->n; i++)
        memcpy(emb + (size_t)rows->ids[i] * (size_t)dim, rows->vals + i * (size_t)dim,
               (size_t)dim * sizeof *emb);
}

/* ---- lexicon ------------------------------------------------------------------------- */

static lk_status lex_add_coded(lk_tagger *m, const char *k, size_t klen, uint8_t tag_code);

/* Add word key k (klen bytes, nc chars) with tag (tl bytes, may be empty) to m's lexicon;
   a repeated word keeps its first tag. */
static lk_status lex_add_word(lk_tagger *m, const char *k, size_t klen, const char *tag,
                              size_t tl)
{
    lk_status st;
    uint8_t tag_code = 0;
    if (tl > 0) {
        int32_t tid;
        bool added;
        if ((st = lk_vocab_find_or_add(m->lex_tags, tag, tl, 0, &tid, &added)) != LK_OK) return st;
        if (tid >= 255) return LK_ERR_RANGE; /* stored as one byte */
        tag_code = (uint8_t)(tid + 1);
    }
    return lex_add_coded(m, k, klen, tag_code);
}

/* lex_add_word with the tag's code (0: none, else lex_tags id + 1). */
static lk_status lex_add_coded(lk_tagger *m, const char *k, size_t klen, uint8_t tag_code)
{
    lk_status st;
    int was_word;
    if ((st = lk_lexicon_add(m->lex, k, klen, LK_LEXICON_WORD, tag_code, &was_word)) != LK_OK)
        return st;
    if (was_word) return LK_OK;
    m->lex_words++;
    /* proper prefixes of 2.. chars */
    size_t offs[LK_TAGGER_LEX_MAX_CHARS * 4 + 9];
    int32_t nc = lk_seg_char_offsets(k, klen, offs);
    for (int32_t p = 2; p < nc; p++)
        if ((st = lk_lexicon_add(m->lex, k, offs[p], LK_LEXICON_PREFIX, 0, NULL)) != LK_OK)
            return st;
    return LK_OK;
}

static lk_status lex_create(lk_tagger *m)
{
    lk_status st = lk_lexicon_create(&m->lex);
    if (st == LK_OK) st = lk_vocab_create(&m->lex_tags);
    m->lex_words = 0;
    return st;
}

/* Read a word list (the user dictionary's `word [tag]` lines, lk_userdict_split_line) into
   m's lexicon, keyed like characters; words outside 2..LK_TAGGER_LEX_MAX_CHARS characters
   are skipped. */
static lk_status lex_read(lk_tagger *m, const char *path, lk_error *err)
{
    lk_line_reader *r = NULL;
    lk_status st = lk_line_reader_open(path, &r, err);
    if (st != LK_OK) return st;
    const char *line;
    size_t len;
    bool got;
    char key[LK_TAGGER_LEX_MAX_CHARS * 4 + 8];
    while ((st = lk_line_reader_next(r, &line, &len, &got, err)) == LK_OK && got) {
        int64_t ln = lk_line_reader_lineno(r);
        const char *w, *t;
        size_t wl, tl;
        if ((st = lk_userdict_split_line(line, len, path, ln, &w, &wl, &t, &tl, err)) != LK_OK)
            break;
        if (wl == 0) continue; /* blank or comment line */
        int32_t nc = lk_seg_count_chars(w, wl);
        if (nc < 2 || nc > LK_TAGGER_LEX_MAX_CHARS) continue;
        size_t kl = unit_key(w, wl, char_nfkc(m), key, sizeof key);
        if (kl == 0) continue;
        int64_t tcol = t ? lk_utf8_column(line, (size_t)(t - line)) : 0;
        if (tl > 32) {
            st = lk_error_at(err, path, ln, tcol, "tag longer than 32 bytes");
            break;
        }
        if ((st = lex_add_word(m, key, kl, t ? t : "", tl)) != LK_OK) {
            if (st == LK_ERR_RANGE)
                lk_error_at(err, path, ln, tcol, "more than 254 distinct tags");
            else
                lk_error_set(err, st, "%s: %s", path, lk_status_str(st));
            break;
        }
    }
    lk_line_reader_free(r);
    return st;
}

int32_t lk_tagger_lexicon_size(const lk_tagger *m) { return m->lex ? m->lex_words : 0; }

bool lk_tagger_lexicon_has(const lk_tagger *m, const char *s, size_t len)
{
    return lk_tagger_lexicon_word(m, s, len, NULL);
}

bool lk_tagger_lexicon_word(const lk_tagger *m, const char *s, size_t len, const char **tag)
{
    if (!m->lex) return false;
    int32_t nc = lk_seg_count_chars(s, len);
    if (nc < 2 || nc > LK_TAGGER_LEX_MAX_CHARS) return false;
    char key[LK_TAGGER_LEX_MAX_CHARS * 4 + 8];
    size_t kl = unit_key(s, len, char_nfkc(m), key, sizeof key);
    uint8_t code = 0;
    if (kl == 0 || !(lk_lexicon_find(m->lex, key, kl, &code) & LK_LEXICON_WORD)) return false;
    if (tag) {
        const char *name = code > 0 ? lk_vocab_word(m->lex_tags, (int32_t)code - 1) : NULL;
        *tag = name ? name : "";
    }
    return true;
}

lk_status lk_tagger_create(const lk_tagger_config *c, const lk_tagged_corpus *train,
                           const char *vectors, uint64_t seed, lk_tagger **out, lk_error *err)
{
    return lk_tagger_create_lex(c, train, vectors, NULL, seed, out, err);
}

lk_status lk_tagger_create_lex(const lk_tagger_config *c, const lk_tagged_corpus *train,
                               const char *vectors, const char *lexicon, uint64_t seed,
                               lk_tagger **out, lk_error *err)
{
    lk_status st;
    lk_tagger *m = NULL;
    lk_tagger_config cfg = *c;
    vec_rows rows = {NULL, NULL, 0, 0, 0};
    *out = NULL;
    if (cfg.unit == LK_TAGGER_CHAR && lexicon)
        cfg.char_feats |= LK_TAGGER_CF_LEXICON;
    else
        cfg.char_feats &= ~LK_TAGGER_CF_LEXICON;
    if (cfg.unit == LK_TAGGER_WORD) cfg.char_feats = 0;
    if ((st = lk_tagger_config_check(&cfg, err)) != LK_OK) return st;
    if (!train || train->n_tokens == 0)
        return lk_error_set(err, LK_ERR_ARG, "the training set is empty (no tokens)");
    if ((st = tagger_alloc(&cfg, &m, err)) != LK_OK) return st;
    if ((st = lk_vocab_reserve_specials(m->words)) != LK_OK) goto oom;
    if ((st = lk_vocab_reserve_specials(m->feats)) != LK_OK) goto oom;
    if (cfg.char_feats & LK_TAGGER_CF_LEXICON) {
        if ((st = lex_create(m)) != LK_OK) goto oom;
        if ((st = lex_read(m, lexicon, err)) != LK_OK) goto fail;
    }
    if ((st = count_corpus(m, train, err)) != LK_OK) goto fail;
    if ((st = lk_vocab_sort(m->words)) != LK_OK) goto oom;
    if (cfg.unit == LK_TAGGER_WORD && cfg.min_word_count > 1 &&
        (st = lk_vocab_prune(m->words, cfg.min_word_count, 0)) != LK_OK)
        goto oom;
    if ((st = lk_vocab_prune(m->feats, cfg.min_feature_count, 0)) != LK_OK) goto oom;
    if ((st = lk_vocab_sort(m->labels)) != LK_OK) goto oom;
    if (m->tags != m->labels && (st = lk_vocab_sort(m->tags)) != LK_OK) goto oom;
    if (vectors && (st = read_vectors(m, vectors, &rows, err)) != LK_OK) goto fail;
    if ((st = label_table(m, err)) != LK_OK) goto fail;
    if ((st = declare_params(m, err)) != LK_OK) goto fail;
    lk_rng rng;
    lk_rng_seed(&rng, seed);
    lk_params_init(&m->params, &rng);
    if (vectors) {
        lk_mat e = lk_params_mat(&m->params, m->v_wemb, m->params.data);
        copy_vectors(&rows, m->cfg.word_dim, e.data);
    }
    vec_rows_free(&rows);
    *out = m;
    return LK_OK;
oom:
    lk_error_set(err, st, "building vocabularies: %s", lk_status_str(st));
fail:
    vec_rows_free(&rows);
    lk_tagger_free(m);
    return st;
}

lk_status lk_tagger_char_features(const lk_tagger *m, const char *text, size_t len, char **out)
{
    lk_status st;
    char_seq cs;
    feat_keys f;
    char *buf = NULL;
    size_t cap = 0, used = 0;
    *out = NULL;
    memset(&cs, 0, sizeof cs);
    if ((st = char_seq_add(&cs, text, len, char_nfkc(m))) != LK_OK) goto done;
    lex_marks(m, &cs);
    for (int32_t i = 0; i < cs.n; i++) {
        char_features(m, &cs, i, &f);
        size_t need = used + f.off[f.n] + (size_t)f.n + 2;
        if ((st = lk_grow((void **)&buf, &cap, need, 1)) != LK_OK) goto done;
        for (int32_t k = 0; k < f.n; k++) {
            if (k) buf[used++] = ' ';
            memcpy(buf + used, f.buf + f.off[k], f.off[k + 1] - f.off[k]);
            used += f.off[k + 1] - f.off[k];
        }
        buf[used++] = '\n';
    }
    if ((st = lk_grow((void **)&buf, &cap, used + 1, 1)) != LK_OK) goto done;
    buf[used] = '\0';
    *out = buf;
    buf = NULL;
done:
    free(buf);
    char_seq_free(&cs);
    return st;
}

const lk_tagger_config *lk_tagger_get_config(const lk_tagger *m) { return &m->cfg; }
int32_t lk_tagger_n_tags(const lk_tagger *m) { return lk_vocab_size(m->tags); }
const char *lk_tagger_tag_name(const lk_tagger *m, int32_t tag)
{
    return lk_vocab_word(m->tags, tag);
}
int32_t lk_tagger_tag_find(const lk_tagger *m, const char *tag, size_t len)
{
    return lk_vocab_find(m->tags, tag, len);
}
size_t lk_tagger_n_params(const lk_tagger *m) { return m->params.n; }

const char *lk_tagger_train_info(const lk_tagger *m) { return m->train_info; }

lk_status lk_tagger_set_train_info(lk_tagger *m, const char *text)
{
    char *copy = NULL;
    if (text) {
        size_t n = strlen(text);
        if ((copy = malloc(n + 1)) == NULL) return LK_ERR_NOMEM;
        memcpy(copy, text, n + 1);
    }
    free(m->train_info);
    m->train_info = copy;
    return LK_OK;
}

/* ---- LKTG file --------------------------------------------------------------------------
   payload: u32 unit, column, hidden, layers, bidirectional, crf, word_dim, char_dim,
   min_feature_count, char_feats (v2; v1 files lack it: 0); u32 cell-name length + bytes;
   4 vocabularies (words, feats, labels, tags; tags absent for word models) as u32 n_reserved,
   u32 n, then n x (u32 len, bytes, u64 count); v2 with char_feats & CF_LEXICON: the lexicon
   tags (a vocabulary as above), u32 n_words, u64 bytes, then n_words x (u8 key length, key,
   u8 tag + 1); u64 n_params + n x f32 (f16 if flags & LK_TG_FLAG_F16); if flags & LK_TG_FLAG_STATE: u32 epoch, best_epoch,
   bad_epochs; f64 best_dev; u64 rng; u64 optim steps; u64 n_state + n x f32;
   else if flags & LK_TG_FLAG_INFO: u32 length + the training record (text; files without the
   flag, from earlier lexkit, have none). */

#define LK_TG_FLAG_STATE 1u
#define LK_TG_FLAG_F16 2u
#define LK_TG_FLAG_INFO 4u

/* IEEE 754 binary16 <-> float, round to nearest even; used for compact model files. */
static uint16_t f32_to_f16(float f)
{
    uint32_t x;
    memcpy(&x, &f, 4);
    uint32_t sign = (x >> 16) & 0x8000u, e = (x >> 23) & 0xFFu, mant = x & 0x7FFFFFu;
    if (e == 0xFFu) return (uint16_t)(sign | 0x7C00u | (mant ? 0x200u : 0)); /* inf/nan */
    int32_t ne = (int32_t)e - 127 + 15;
    if (ne >= 31) return (uint16_t)(sign | 0x7C00u);                         /* overflow */
    if (ne <= 0) {                                                            /* subnormal */
        if (ne < -10) return (uint16_t)sign;
        mant |= 0x800000u;
        uint32_t shift = (uint32_t)(14 - ne);
        uint32_t h = mant >> shift, rem = mant & ((1u << shift) - 1), half = 1u << (shift - 1);
        if (rem > half || (rem == half && (h & 1u))) h++;
        return (uint16_t)(sign | h);
    }
    uint32_t h = ((uint32_t)ne << 10) | (mant >> 13), rem = mant & 0x1FFFu;
    if (rem > 0x1000u || (rem == 0x1000u && (h & 1u))) h++; /* may carry into the exponent */
    return (uint16_t)(sign | h);
}

static float f16_to_f32(uint16_t h)
{
    uint32_t sign = ((uint32_t)h & 0x8000u) << 16, e = (h >> 10) & 0x1Fu, mant = h & 0x3FFu, x;
    if (e == 0) {
        float v = (float)mant * (1.0f / 16777216.0f); /* mant * 2^-24 */
        return sign ? -v : v;
    }
    if (e == 31)
        x = sign | 0x7F800000u | (mant << 13);
    else
        x = sign | ((e - 15 + 127) << 23) | (mant << 13);
    float f;
    memcpy(&f, &x, 4);
    return f;
}
#define LK_TG_N_HEADER 10 /* v1: 9 (no char_feats) */

typedef struct {
    unsigned char *buf;
    size_t len, cap;
    lk_status st;
} wbuf;

static void wb_put(wbuf *w, const void *p, size_t n)
{
    if (w->st != LK_OK) return;
    if ((w->st = lk_grow((void **)&w->buf, &w->cap, w->len + n, 1)) != LK_OK) return;
    memcpy(w->buf + w->len, p, n);
    w->len += n;
}
static void wb_u32(wbuf *w, uint32_t v)
{
    unsigned char b[4];
    lk_put_u32(b, v);
    wb_put(w, b, 4);
}
static void wb_u64(wbuf *w, uint64_t v)
{
    unsigned char b[8];
    lk_put_u64(b, v);
    wb_put(w, b, 8);
}
static void wb_f32s(wbuf *w, const lk_real *x, size_t n)
{
    if (w->st != LK_OK) return;
    size_t bytes;
    if ((w->st = lk_mul_size(n, 4, &bytes)) != LK_OK) return;
    if ((w->st = lk_grow((void **)&w->buf, &w->cap, w->len + bytes, 1)) != LK_OK) return;
    for (size_t i = 0; i < n; i++) lk_put_f32(w->buf + w->len + 4 * i, (float)x[i]);
    w->len += bytes;
}
static void wb_vocab(wbuf *w, const lk_vocab *v)
{
    int32_t n = lk_vocab_size(v);
    wb_u32(w, (uint32_t)lk_vocab_n_reserved(v));
    wb_u32(w, (uint32_t)n);
    for (int32_t i = 0; i < n; i++) {
        size_t l = lk_vocab_word_len(v, i);
        wb_u32(w, (uint32_t)l);
        wb_put(w, lk_vocab_word(v, i), l);
        wb_u64(w, (uint64_t)lk_vocab_count(v, i));
    }
}

typedef struct {
    const wbuf *w;
    uint32_t flags;
} write_ctx;

static lk_status write_fn(FILE *fp, void *ctx, lk_error *err)
{
    const write_ctx *c = ctx;
    return lk_envelope_write(fp, LK_TAGGER_MAGIC, LK_TAGGER_VERSION, c->flags, c->w->buf,
                             c->w->len, err);
}

static void wb_f16s(wbuf *w, const lk_real *x, size_t n)
{
    if (w->st != LK_OK) return;
    size_t bytes;
    if ((w->st = lk_mul_size(n, 2, &bytes)) != LK_OK) return;
    if ((w->st = lk_grow((void **)&w->buf, &w->cap, w->len + bytes, 1)) != LK_OK) return;
    for (size_t i = 0; i < n; i++) {
        uint16_t h = f32_to_f16((float)x[i]);
        w->buf[w->len + 2 * i] = (unsigned char)h;
        w->buf[w->len + 2 * i + 1] = (unsigned char)(h >> 8);
    }
    w->len += bytes;
}

/* The lexicon words (not the prefix entries) in id order, with their tags. */
static void wb_lexicon(wbuf *w, const lk_tagger *m)
{
    wb_vocab(w, m->lex_tags);
    uint64_t bytes = 0;
    const char *k;
    size_t kl, pos = 0;
    uint8_t tag;
    uint32_t fl;
    while ((fl = lk_lexicon_next(m->lex, &pos, &k, &kl, &tag)) != 0)
        if (fl & LK_LEXICON_WORD) bytes += 2 + kl;
    wb_u32(w, (uint32_t)m->lex_words);
    wb_u64(w, bytes);
    pos = 0;
    while ((fl = lk_lexicon_next(m->lex, &pos, &k, &kl, &tag)) != 0) {
        if (!(fl & LK_LEXICON_WORD)) continue;
        unsigned char kb = (unsigned char)kl;
        wb_put(w, &kb, 1);
        wb_put(w, k, kl);
        wb_put(w, &tag, 1);
    }
}

lk_status lk_tg_save(const lk_tagger *m, const lk_tg_train_state *ts, const char *path,
                     bool half, lk_error *err)
{
    return lk_tg_save_with(m, ts, path, half, NULL, 0, err);
}

lk_status lk_tg_save_with(const lk_tagger *m, const lk_tg_train_state *ts, const char *path,
                          bool half, const lk_write_job *extra, size_t n_extra, lk_error *err)
{
    wbuf w = {NULL, 0, 0, LK_OK};
    const lk_tagger_config *c = &m->cfg;
    uint32_t hdr[LK_TG_N_HEADER] = {(uint32_t)c->unit,     (uint32_t)c->column,
                                    (uint32_t)c->hidden,   (uint32_t)c->layers,
                                    c->bidirectional,      c->crf,
                                    (uint32_t)c->word_dim, (uint32_t)c->char_dim,
                                    (uint32_t)c->min_feature_count, c->char_feats};
    for (int i = 0; i < LK_TG_N_HEADER; i++) wb_u32(&w, hdr[i]);
    size_t cl = strlen(c->cell);
    wb_u32(&w, (uint32_t)cl);
    wb_put(&w, c->cell, cl);
    wb_vocab(&w, m->words);
    wb_vocab(&w, m->feats);
    wb_vocab(&w, m->labels);
    if (c->unit == LK_TAGGER_CHAR) wb_vocab(&w, m->tags);
    if (c->char_feats & LK_TAGGER_CF_LEXICON) wb_lexicon(&w, m);
    wb_u64(&w, m->params.n);
    if (half && !ts)
        wb_f16s(&w, m->params.data, m->params.n);
    else
        wb_f32s(&w, m->params.data, m->params.n);
    if (ts) {
        wb_u32(&w, (uint32_t)ts->epoch);
        wb_u32(&w, (uint32_t)ts->best_epoch);
        wb_u32(&w, (uint32_t)ts->bad_epochs);
        unsigned char b[8];
        lk_put_f64(b, ts->best_dev);
        wb_put(&w, b, 8);
        wb_u64(&w, ts->rng_state);
        wb_u64(&w, (uint64_t)ts->optim_steps);
        wb_u64(&w, ts->n_optim_state);
        wb_f32s(&w, ts->optim_state, ts->n_optim_state);
    }
    bool info = !ts && m->train_info;
    if (info) {
        size_t il = strlen(m->train_info);
        wb_u32(&w, (uint32_t)il);
        wb_put(&w, m->train_info, il);
    }
    lk_status st = w.st;
    if (st == LK_OK) {
        write_ctx ctx = {&w, ts ? LK_TG_FLAG_STATE
                                : (half ? LK_TG_FLAG_F16 : 0) | (info ? LK_TG_FLAG_INFO : 0)};
        lk_write_job jobs[1 + LK_TAGGER_MAX_WITH_MODEL];
        jobs[0] = (lk_write_job){path, write_fn, &ctx};
        if (n_extra > LK_TAGGER_MAX_WITH_MODEL) n_extra = LK_TAGGER_MAX_WITH_MODEL; /* checked */
        for (size_t i = 0; i < n_extra; i++) jobs[1 + i] = extra[i];
        st = lk_write_atomic_all(jobs, 1 + n_extra, err);
    } else {
        lk_error_set(err, st, "%s: serializing the model: %s", path, lk_status_str(st));
    }
    free(w.buf);
    return st;
}

lk_status lk_tagger_save(const lk_tagger *m, const char *path, lk_error *err)
{
    return lk_tg_save(m, NULL, path, false, err);
}

lk_status lk_tagger_save_compact(const lk_tagger *m, const char *path, lk_error *err)
{
    return lk_tg_save(m, NULL, path, true, err);
}

typedef struct {
    const unsigned char *p;
    size_t left;
    bool bad;
} rbuf;

static const unsigned char *rb_take(rbuf *r, size_t n)
{
    if (r->bad || n > r->left) {
        r->bad = true;
        return NULL;
    }
    const unsigned char *p = r->p;
    r->p += n;
    r->left -= n;
    return p;
}
static uint32_t rb_u32(rbuf *r)
{
    const unsigned char *p = rb_take(r, 4);
    return p ? lk_get_u32(p) : 0;
}
static uint64_t rb_u64(rbuf *r)
{
    const unsigned char *p = rb_take(r, 8);
    return p ? lk_get_u64(p) : 0;
}

static lk_status rb_vocab(rbuf *r, lk_vocab *v)
{
    lk_status st;
    uint32_t n_res = rb_u32(r), n = rb_u32(r);
    if (r->bad || n_res > n || (n_res != 0 && n_res != 2) || n > r->left / 12) return LK_ERR_FORMAT;
    if (n_res && (st = lk_vocab_reserve_specials(v)) != LK_OK) return st;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t l = rb_u32(r);
        const unsigned char *s = rb_take(r, l);
        uint64_t cnt = rb_u64(r);
        if (r->bad || cnt > INT64_MAX) return LK_ERR_FORMAT;
        if (i < n_res) continue;
        int32_t id;
        if ((st = lk_vocab_add_count(v, (const char *)s, l, (int64_t)cnt, &id)) != LK_OK) return st;
        if (id != (int32_t)i) return LK_ERR_FORMAT; /* duplicate entry */
    }
    return LK_OK;
}

static lk_status read_f32s(rbuf *r, lk_real *dst, uint64_t n)
{
    if (n > r->left / 4) {
        r->bad = true;
        return LK_ERR_FORMAT;
    }
    const unsigned char *p = rb_take(r, (size_t)n * 4);
    for (size_t i = 0; i < (size_t)n; i++) dst[i] = (lk_real)lk_get_f32(p + 4 * i);
    return LK_OK;
}

/* Skip a vocabulary block (rb_vocab's layout) without building it. */
static void rb_skip_vocab(rbuf *r)
{
    uint32_t n_res = rb_u32(r), n = rb_u32(r);
    (void)n_res;
    if (r->bad || n > r->left / 12) {
        r->bad = true;
        return;
    }
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        uint32_t l = rb_u32(r);
        rb_take(r, l);
        rb_u64(r);
    }
}

/* The word entries of a lexicon block, added to m's lexicon by lex_block_run (on a thread of
   its own while parse_model reads the vocabularies and weights, or inline). */
typedef struct {
    lk_tagger *m;
    const unsigned char *p, *end;
    uint32_t n;
    int32_t n_tags;
    lk_status st;
    pthread_t th;
    bool started;
} lex_block;

static void *lex_block_run(void *arg)
{
    lex_block *b = arg;
    lk_tagger *m = b->m;
    const unsigned char *p = b->p, *end = b->end;
    b->st = LK_OK;
    for (uint32_t i = 0; i < b->n; i++) {
        if (end - p < 2 || p[0] == 0 || (size_t)(end - p) < (size_t)p[0] + 2) {
            b->st = LK_ERR_FORMAT;
            return NULL;
        }
        size_t kl = p[0];
        const char *k = (const char *)p + 1;
        int tag = p[1 + kl];
        int32_t nc = lk_seg_count_chars(k, kl);
        if (tag > b->n_tags || !lk_utf8_valid(k, kl, NULL) || nc < 2 ||
            nc > LK_TAGGER_LEX_MAX_CHARS) {
            b->st = LK_ERR_FORMAT;
            return NULL;
        }
        /* the stored tag is the lex_tags id + 1, the code lex_add_word would look up */
        if ((b->st = lex_add_coded(m, k, kl, (uint8_t)tag)) != LK_OK) return NULL;
        p += kl + 2;
    }
    if (p != end || (uint32_t)m->lex_words != b->n) b->st = LK_ERR_FORMAT;
    return NULL;
}

/* Read the lexicon block's header (see the payload comment) into m and start adding its
   words (lex_block_run) on another thread; lex_block_join waits for them. */
static lk_status lex_block_start(rbuf *r, lk_tagger *m, lex_block *b)
{
    lk_status st;
    if ((st = lex_create(m)) != LK_OK) return st;
    if ((st = rb_vocab(r, m->lex_tags)) != LK_OK) return st;
    int32_t n_tags = lk_vocab_size(m->lex_tags);
    uint32_t n = rb_u32(r);
    uint64_t bytes = rb_u64(r);
    if (r->bad || bytes > r->left || n > bytes / 3 || n_tags > 254) return LK_ERR_FORMAT;
    const unsigned char *p = rb_take(r, (size_t)bytes);
    /* words and their prefixes: about 1.3 entries per word (jieba's list), keys the same */
    if ((st = lk_lexicon_reserve(m->lex, (size_t)n * 4 / 3, (size_t)bytes * 4 / 3)) != LK_OK)
        return st;
    *b = (lex_block){.m = m, .p = p, .end = p + bytes, .n = n, .n_tags = n_tags, .st = LK_OK};
    b->started = pthread_create(&b->th, NULL, lex_block_run, b) == 0;
    if (!b->started) lex_block_run(b);
    return LK_OK;
}

static lk_status lex_block_join(lex_block *b)
{
    if (b->started) pthread_join(b->th, NULL);
    b->started = false;
    return b->st;
}

static lk_status parse_model(const char *path, rbuf *r, uint32_t version, uint32_t flags,
                             lk_tagger **out, lk_tg_train_state *ts, lk_error *err)
{
    lk_status st;
    lk_tagger *m = NULL;
    lex_block lex = {0};
    lk_tagger_config c = lk_tagger_config_default();
    uint32_t h[LK_TG_N_HEADER] = {0};
    int n_header = version >= 2 ? LK_TG_N_HEADER : LK_TG_N_HEADER - 1; /* v1: no char_feats */
    for (int i = 0; i < n_header; i++) h[i] = rb_u32(r);
    uint32_t cl = rb_u32(r);
    const unsigned char *cn = rb_take(r, cl);
    if (r->bad || cl >= sizeof c.cell) goto bad;
    c.unit = (lk_tagger_unit)h[0];
    c.column = (lk_tagger_column)h[1];
    c.hidden = (int32_t)h[2];
    c.layers = (int32_t)h[3];
    c.bidirectional = h[4] != 0;
    c.crf = h[5] != 0;
    c.word_dim = (int32_t)h[6];
    c.char_dim = (int32_t)h[7];
    c.min_feature_count = (int32_t)h[8];
    c.char_feats = h[9];
    memcpy(c.cell, cn, cl);
    c.cell[cl] = '\0';
    if (h[2] > INT32_MAX || h[6] > INT32_MAX || h[7] > INT32_MAX || h[8] > INT32_MAX) goto bad;
    if (lk_tagger_config_check(&c, err) != LK_OK) goto bad;
    if ((st = tagger_alloc(&c, &m, err)) != LK_OK) return st;
    /* the lexicon block follows the vocabularies: found by skipping them, its words are
       added on another thread while this one builds the vocabularies and reads the weights */
    rbuf q = *r;
    const unsigned char *lex_at = NULL;
    if (c.char_feats & LK_TAGGER_CF_LEXICON) {
        int n_vocabs = c.unit == LK_TAGGER_CHAR ? 4 : 3;
        for (int i = 0; i < n_vocabs; i++) rb_skip_vocab(&q);
        if (q.bad) goto bad;
        lex_at = q.p;
        if ((st = lex_block_start(&q, m, &lex)) != LK_OK) goto vfail;
    }
    if ((st = rb_vocab(r, m->words)) != LK_OK) goto vfail;
    if ((st = rb_vocab(r, m->feats)) != LK_OK) goto vfail;
    if ((st = rb_vocab(r, m->labels)) != LK_OK) goto vfail;
    if (c.unit == LK_TAGGER_CHAR && (st = rb_vocab(r, m->tags)) != LK_OK) goto vfail;
    if (lex_at) {
        if (r->p != lex_at) goto bad; /* cannot happen: the skip read the same bytes */
        *r = q;
    }
    if (lk_vocab_size(m->words) < 2 || lk_vocab_size(m->labels) < 1) goto bad;
    if ((st = label_table(m, err)) != LK_OK) goto fail;
    if ((st = declare_params(m, err)) != LK_OK) goto fail;
    uint64_t n = rb_u64(r);
    if (r->bad || n != m->params.n) goto bad;
    if (flags & LK_TG_FLAG_F16) {
        if (n > r->left / 2) goto bad;
        const unsigned char *hb = rb_take(r, (size_t)n * 2);
        /* big models: convert through a table of all 65536 halves (same values) */
        float *tab = n > 4 * 65536 ? malloc(65536 * sizeof *tab) : NULL;
        for (uint32_t v = 0; tab && v < 65536; v++) tab[v] = f16_to_f32((uint16_t)v);
        for (size_t i = 0; i < (size_t)n; i++) {
            uint16_t v = (uint16_t)(hb[2 * i] | (hb[2 * i + 1] << 8));
            m->params.data[i] = (lk_real)(tab ? tab[v] : f16_to_f32(v));
        }
        free(tab);
    } else if (read_f32s(r, m->params.data, n) != LK_OK) {
        goto bad;
    }
    if ((flags & LK_TG_FLAG_STATE) && ts) {
        ts->epoch = (int32_t)rb_u32(r);
        ts->best_epoch = (int32_t)rb_u32(r);
        ts->bad_epochs = (int32_t)rb_u32(r);
        const unsigned char *b = rb_take(r, 8);
        ts->best_dev = b ? lk_get_f64(b) : 0.0;
        ts->rng_state = rb_u64(r);
        ts->optim_steps = (int64_t)rb_u64(r);
        uint64_t ns = rb_u64(r);
        if (r->bad || ns > r->left / 4) goto bad;
        lk_real *state = malloc((size_t)ns * sizeof *state + 1);
        if (!state) {
            st = lk_error_set(err, LK_ERR_NOMEM, "out of memory");
            goto fail;
        }
        read_f32s(r, state, ns);
        ts->optim_state = state;
        ts->n_optim_state = (size_t)ns;
    }
    if ((flags & LK_TG_FLAG_INFO) && !(flags & LK_TG_FLAG_STATE)) {
        uint32_t il = rb_u32(r);
        const unsigned char *ib = r->bad || il > r->left ? NULL : rb_take(r, il);
        if (!ib) goto bad;
        if ((m->train_info = malloc((size_t)il + 1)) == NULL) {
            st = lk_error_set(err, LK_ERR_NOMEM, "out of memory");
            goto fail;
        }
        memcpy(m->train_info, ib, il);
        m->train_info[il] = '\0';
    }
    if ((st = lex_block_join(&lex)) != LK_OK) goto vfail;
    *out = m;
    return LK_OK;
vfail:
    (void)lex_block_join(&lex);
    if (st != LK_ERR_FORMAT) {
        lk_error_set(err, st, "%s: %s", path, lk_status_str(st));
        goto fail;
    }
bad:
    st = lk_error_set(err, LK_ERR_FORMAT, "%s: corrupt tagger model (inconsistent contents)",
                      path);
fail:
    (void)lex_block_join(&lex);
    lk_tagger_free(m);
    return st;
}

/* A model from the LKTG image buf[0..n) (not kept), `path` naming it in messages. */
static lk_status load_image(const char *buf, size_t n, const char *path, lk_tagger **out,
                            lk_tg_train_state *ts, lk_error *err)
{
    const unsigned char *payload;
    uint64_t plen;
    uint32_t version, flags;
    lk_status st = lk_envelope_check((const unsigned char *)buf, n, LK_TAGGER_MAGIC,
                                     LK_TAGGER_VERSION, path, &payload, &plen, &version, &flags,
                                     err);
    if (st == LK_OK) {
        rbuf r = {payload, (size_t)plen, false};
        st = parse_model(path, &r, version, flags, out, ts, err);
        /* the public loader's model is never trained: its weights are fixed (a CRC of 0
           is read as 1, so that 0 keeps meaning "not fixed") */
        if (st == LK_OK && !ts) {
            uint32_t crc = lk_get_u32((const unsigned char *)buf + LK_ENVELOPE_HEADER + plen);
            (*out)->fixed_crc = crc ? crc : 1;
        }
    }
    return st;
}

lk_status lk_tg_load(const char *path, lk_tagger **out, lk_tg_train_state *ts, lk_error *err)
{
    char *buf = NULL;
    size_t n = 0;
    *out = NULL;
    if (ts) memset(ts, 0, sizeof *ts);
    /* map regular files (no copy of the weights through read()); else read the whole file */
    void *map = NULL;
    int fd = open(path, O_RDONLY);
    struct stat sb;
    if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0 &&
        (uintmax_t)sb.st_size <= SIZE_MAX) {
        n = (size_t)sb.st_size;
        map = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) map = NULL;
    }
    if (fd >= 0) close(fd);
    lk_status st = LK_OK;
    if (map) buf = map;
    else if ((st = lk_read_file(path, &buf, &n, err)) != LK_OK) return st;
    st = load_image(buf, n, path, out, ts, err);
    if (map) munmap(map, n);
    else free(buf);
    return st;
}

lk_status lk_tagger_load_mem(const void *buf, size_t n, const char *name, lk_tagger **out,
                             lk_error *err)
{
    *out = NULL;
    return load_image(buf, n, name, out, NULL, err);
}

lk_status lk_tagger_load(const char *path, lk_tagger **out, lk_error *err)
{
    return lk_tg_load(path, out, NULL, err);
}
