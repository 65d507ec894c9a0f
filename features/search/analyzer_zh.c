/* analyzer_zh.c: Chinese words for the BM25 analyzer: the Han runs of a text (adjacent Han
   tokens) are segmented together by a `--unit char` tagger model, one batch per text (or
   per batch of texts, prepared ahead by the index builder), and
   become word terms (plus characters or bigrams by mode). The model file is identified by
   its CRC-32, recorded in the settings and checked whenever it is loaded or copied. The
   loaded model (with its OpenCC converter) is read-only and may be shared by several
   analyzers (lk_zh_model, refcounted); each lk_zh keeps only its own scratch. */
#include "features/search/analyzer_internal.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/tagger.h"
#include "text/fileio.h"
#include "text/utf8.h"

#define NAME_MAX_LEN 64 /* longest model file name accepted from settings */

static const char *const mode_names[] = {"words", "words+chars", "words+bigrams"};
#define N_MODES (sizeof mode_names / sizeof *mode_names)

/* A run of adjacent Han tokens: toks[first .. first + n_toks), bytes [off, off + len) of
   the run buffer. */
typedef struct {
    size_t first, n_toks, off, len;
} han_run;

/* Never written after model_load but for refs: the tagger is read-only (threads
   share it, each with its own lk_tagger_ws) and so are the t2s tables (lk_t2s_count and
   lk_t2s_map_chars only read them). */
struct lk_zh_model {
    atomic_size_t refs;
    lk_tagger *tagger;
    lk_t2s *t2s;          /* NULL unless loaded for a script other than simplified */
    char *path;           /* the model file it was loaded from */
    uint32_t crc;         /* CRC-32 of that file */
};

struct lk_zh {
    lk_zh_model *zm;      /* a reference */
    const lk_tagger *model;
    const lk_t2s *t2s;    /* NULL for simplified */
    lk_tagger_ws *ws;
    lk_zh_terms terms;
    lk_zh_script script;
    int text_script;      /* lk_zh__set_text_script: 1 / 0 the texts are (not) mapped to
                             simplified; -1 each text decides (auto) */
    char *buf;            /* the text's Han runs, concatenated */
    size_t buf_cap;
    size_t *toff;         /* per token: offset of its text in buf (Han tokens only) */
    size_t toff_cap;
    han_run *runs;
    size_t runs_cap;
    const char **lines;   /* per run: its text, for the tagger */
    size_t *lens;
    size_t lines_cap, lens_cap;
    size_t *wend;         /* per token of a run: end (run bytes) of the word starting there */
    size_t wend_cap;
    /* runs segmented ahead (lk_zh__prepare_*): line i is pbuf[poff[i] .. poff[i + 1]),
       its words psp[psp_off[i] .. psp_off[i + 1]); lk_zh__add takes them from pnext on */
    char *pbuf;
    size_t pbuf_len, pbuf_cap;
    size_t *poff, poff_cap;
    const char **plines;
    size_t *plens, plines_cap, plens_cap;
    size_t n_plines, pnext, n_ready; /* n_ready: lines segmented (0 = none) */
    lk_tagger_span *psp;
    size_t psp_cap;
    size_t *psp_off, psp_off_cap;
};

bool lk_zh_terms_parse(const char *name, lk_zh_terms *out)
{
    for (size_t i = 0; i < N_MODES; i++)
        if (strcmp(name, mode_names[i]) == 0) {
            *out = (lk_zh_terms)i;
            return true;
        }
    return false;
}

void lk_zh__free(lk_zh *z)
{
    if (!z) return;
    lk_zh__model_unref(z->zm);
    lk_tagger_ws_free(z->ws);
    free(z->buf);
    free(z->toff);
    free(z->runs);
    free(z->lines);
    free(z->lens);
    free(z->wend);
    free(z->pbuf);
    free(z->poff);
    free(z->plines);
    free(z->plens);
    free(z->psp);
    free(z->psp_off);
    free(z);
}

/* Read `path` and its CRC-32; with `expect`, a different CRC is LK_ERR_FORMAT. */
static lk_status read_model(const char *path, const uint32_t *expect, char **bytes, size_t *len,
                            uint32_t *crc, lk_error *err)
{
    *bytes = NULL;
    lk_status st = lk_read_file(path, bytes, len, err);
    if (st != LK_OK) {
        if (expect) lk_error_prefix(err, "the index's Chinese model: ");
        return st;
    }
    *crc = lk_crc32(0, *bytes, *len);
    if (expect && *crc != *expect) {
        free(*bytes);
        *bytes = NULL;
        return lk_error_set(err, LK_ERR_FORMAT,
                            "%s: Chinese model changed (CRC-32 %08x, the index was built with "
                            "%08x); rebuild the index",
                            path, (unsigned)*crc, (unsigned)*expect);
    }
    return LK_OK;
}

void lk_zh__model_unref(lk_zh_model *m)
{
    if (!m || atomic_fetch_sub_explicit(&m->refs, 1, memory_order_acq_rel) != 1) return;
    lk_tagger_free(m->tagger);
    lk_t2s_free(m->t2s);
    free(m->path);
    free(m);
}

/* Load the model `path` (its CRC-32 checked against *crc when crc is non-NULL) and, with
   `t2s`, OpenCC's converter; *out has one reference. */
static lk_status model_load(const char *path, const uint32_t *crc, bool t2s, lk_zh_model **out,
                            lk_error *err)
{
    *out = NULL;
    lk_zh_model *m = calloc(1, sizeof *m);
    if (!m) return LK_ERR_NOMEM;
    atomic_init(&m->refs, 1);
    char *bytes = NULL;
    size_t len;
    lk_status st = read_model(path, crc, &bytes, &len, &m->crc, err);
    if (st == LK_OK) st = lk_tagger_load_mem(bytes, len, path, &m->tagger, err);
    free(bytes);
    if (st == LK_OK && lk_tagger_get_config(m->tagger)->unit != LK_TAGGER_CHAR)
        st = lk_error_set(err, LK_ERR_ARG,
                          "%s: a word tagger; Chinese segmentation needs a `--unit char` model",
                          path);
    size_t pl = strlen(path) + 1;
    if (st == LK_OK && !(m->path = malloc(pl))) st = LK_ERR_NOMEM;
    if (st == LK_OK) memcpy(m->path, path, pl);
    if (st == LK_OK && t2s) st = lk_t2s_create(&m->t2s, err);
    if (st != LK_OK) {
        lk_zh__model_unref(m);
        return st;
    }
    *out = m;
    return LK_OK;
}

/* Whether m is the model `path` with CRC-32 *crc (any CRC when NULL) loaded with a t2s
   converter when `t2s` asks for one. */
static bool model_fits(const lk_zh_model *m, const char *path, const uint32_t *crc, bool t2s)
{
    return m && strcmp(m->path, path) == 0 && (!crc || m->crc == *crc) && (!t2s || m->t2s);
}

lk_status lk_zh__open(const char *path, lk_zh_terms terms, lk_zh_script script,
                      const uint32_t *crc, lk_zh_model **shared, lk_zh **out, lk_error *err)
{
    *out = NULL;
    if ((unsigned)terms >= N_MODES) return lk_error_set(err, LK_ERR_ARG, "unknown Chinese terms mode");
    if ((unsigned)script > LK_ZH_SCRIPT_TRADITIONAL)
        return lk_error_set(err, LK_ERR_ARG, "unknown Chinese script mode");
    lk_zh *z = calloc(1, sizeof *z);
    if (!z) return LK_ERR_NOMEM;
    z->terms = terms;
    z->script = script;
    z->text_script = -1;
    bool t2s = script != LK_ZH_SCRIPT_SIMPLIFIED;
    lk_status st = LK_OK;
    if (shared && model_fits(*shared, path, crc, t2s)) {
        z->zm = *shared;
        atomic_fetch_add_explicit(&z->zm->refs, 1, memory_order_relaxed);
    } else {
        st = model_load(path, crc, t2s, &z->zm, err);
        if (st == LK_OK && shared && !*shared) {
            *shared = z->zm;
            atomic_fetch_add_explicit(&z->zm->refs, 1, memory_order_relaxed);
        }
    }
    if (st == LK_OK) {
        z->model = z->zm->tagger;
        z->t2s = t2s ? z->zm->t2s : NULL;
        st = lk_tagger_ws_create(&z->ws);
    }
    if (st != LK_OK) {
        lk_zh__free(z);
        return st;
    }
    *out = z;
    return LK_OK;
}

const lk_tagger *lk_zh__tagger(const lk_zh *z) { return z->model; }

/* ---- analysis ------------------------------------------------------------------------ */

void lk_zh__script_count(const lk_zh *z, const lk_token *toks, size_t n, size_t *trad,
                         size_t *simp)
{
    for (size_t i = 0; i < n; i++) {
        if (toks[i].kind != LK_TOK_HAN) continue;
        size_t t, s;
        lk_t2s_count(z->t2s, toks[i].text, toks[i].text_len, &t, &s);
        *trad += t;
        *simp += s;
    }
}

void lk_zh__set_text_script(lk_zh *z, int conv) { z->text_script = conv; }

/* Whether the Han tokens of toks are to be mapped to simplified characters. */
static bool convert_text(const lk_zh *z, const lk_token *toks, size_t n)
{
    if (!z->t2s) return false;
    if (z->script == LK_ZH_SCRIPT_TRADITIONAL) return true;
    if (z->text_script >= 0) return z->text_script > 0;
    size_t trad = 0, simp = 0;
    lk_zh__script_count(z, toks, n, &trad, &simp);
    return trad > simp;
}

/* Collect the Han runs of toks into z->buf / z->runs; *n_runs gets their number. */
static lk_status collect_runs(lk_zh *z, const lk_token *toks, size_t n, size_t *n_runs)
{
    lk_status st;
    size_t nr = 0, at = 0;
    bool conv = convert_text(z, toks, n);
    if ((st = lk_grow_ptr(&z->toff, &z->toff_cap, n, sizeof *z->toff)) != LK_OK) return st;
    for (size_t i = 0; i < n; i++) {
        const lk_token *t = &toks[i];
        if (t->kind != LK_TOK_HAN) continue;
        bool cont = nr > 0 && toks[i - 1].kind == LK_TOK_HAN &&
                    toks[i - 1].start + toks[i - 1].len == t->start;
        if (!cont) {
            if ((st = lk_grow_ptr(&z->runs, &z->runs_cap, nr + 1, sizeof *z->runs)) != LK_OK) return st;
            z->runs[nr++] = (han_run){i, 0, at, 0};
        }
        if ((st = lk_grow_ptr(&z->buf, &z->buf_cap, at + 2 * t->text_len, 1)) != LK_OK) return st;
        size_t tl = t->text_len;
        if (conv) tl = lk_t2s_map_chars(z->t2s, t->text, t->text_len, z->buf + at);
        else memcpy(z->buf + at, t->text, t->text_len);
        z->toff[i] = at;
        at += tl;
        z->runs[nr - 1].n_toks++;
        z->runs[nr - 1].len += tl;
    }
    *n_runs = nr;
    return LK_OK;
}

/* End (run bytes) of token k of run r in z->buf. */
static size_t tok_end(const lk_zh *z, const han_run *r, size_t k)
{
    return k + 1 < r->n_toks ? z->toff[r->first + k + 1] - r->off : r->len;
}

/* Source span (byte offsets in the analyzed text) of the run's tokens [k0, k1]. */
static void token_span(const lk_token *toks, const han_run *r, size_t k0, size_t k1,
                       size_t *start, size_t *end)
{
    *start = toks[r->first + k0].start;
    *end = toks[r->first + k1].start + toks[r->first + k1].len;
}

/* Terms of one segmented run: its words, then characters / bigrams that are not words.
   Each term gets its source span, so the characters / bigrams, which overlap the words
   before them, take no phrase position (keep_flags in bm25_text.c, the phrase sequence in
   bm25_query.c): a phrase is matched on the words alone, in every mode. */
static lk_status run_terms(lk_zh *z, lk_analyzer *a, const lk_token *toks, const han_run *r,
                           const lk_tagger_span *sp, size_t n_sp)
{
    const char *text = z->buf + r->off;
    lk_status st = LK_OK;
    size_t src_a, src_b;
    for (size_t s = 0, k = 0; s < n_sp && st == LK_OK; s++) {
        /* the word's first and last tokens (words start and end at token boundaries; run
           bytes, as a converted token may change length) */
        while (k + 1 < r->n_toks && z->toff[r->first + k] - r->off < sp[s].start) k++;
        size_t k1 = k;
        while (k1 + 1 < r->n_toks && tok_end(z, r, k1) < sp[s].start + sp[s].len) k1++;
        token_span(toks, r, k, k1, &src_a, &src_b);
        st = lk_analyzer__push(a, text + sp[s].start, sp[s].len, src_a, src_b);
    }
    if (st != LK_OK || z->terms == LK_ZH_WORDS) return st;
    if ((st = lk_grow_ptr(&z->wend, &z->wend_cap, r->n_toks, sizeof *z->wend)) != LK_OK) return st;
    for (size_t k = 0, s = 0; k < r->n_toks; k++) {
        size_t b = z->toff[r->first + k] - r->off;
        while (s < n_sp && sp[s].start < b) s++;
        z->wend[k] = s < n_sp && sp[s].start == b ? b + sp[s].len : 0;
    }
    for (size_t k = 0; k < r->n_toks && st == LK_OK; k++) {
        size_t b = z->toff[r->first + k] - r->off, e = tok_end(z, r, k);
        if (z->terms == LK_ZH_WORDS_CHARS) {
            token_span(toks, r, k, k, &src_a, &src_b);
            if (z->wend[k] != e) st = lk_analyzer__push(a, text + b, e - b, src_a, src_b);
        } else if (k + 1 < r->n_toks) {
            size_t e2 = tok_end(z, r, k + 1);
            token_span(toks, r, k, k + 1, &src_a, &src_b);
            if (z->wend[k] != e2) st = lk_analyzer__push(a, text + b, e2 - b, src_a, src_b);
        }
    }
    return st;
}

/* ---- segmenting ahead ----------------------------------------------------------------- */

lk_status lk_zh__prepare_begin(lk_zh *z)
{
    z->n_plines = z->pnext = z->n_ready = 0;
    z->pbuf_len = 0;
    return lk_grow_ptr(&z->poff, &z->poff_cap, 1, sizeof *z->poff);
}

lk_status lk_zh__prepare_add(lk_zh *z, const lk_token *toks, size_t n)
{
    size_t n_runs = 0;
    lk_status st = collect_runs(z, toks, n, &n_runs);
    if (st != LK_OK || n_runs == 0) return st;
    const han_run *last = &z->runs[n_runs - 1];
    size_t bytes = last->off + last->len;
    if ((st = lk_grow_ptr(&z->pbuf, &z->pbuf_cap, z->pbuf_len + bytes, 1)) != LK_OK ||
        (st = lk_grow_ptr(&z->poff, &z->poff_cap, z->n_plines + n_runs + 1, sizeof *z->poff)) != LK_OK)
        return st;
    memcpy(z->pbuf + z->pbuf_len, z->buf, bytes);
    z->poff[0] = 0;
    for (size_t r = 0; r < n_runs; r++)
        z->poff[z->n_plines + r + 1] = z->pbuf_len + z->runs[r].off + z->runs[r].len;
    z->pbuf_len += bytes;
    z->n_plines += n_runs;
    return LK_OK;
}

void lk_zh__prepare_run(lk_zh *z, lk_status st)
{
    z->n_ready = 0;
    size_t n = z->n_plines;
    if (st != LK_OK || n == 0) return;
    if (lk_grow_ptr(&z->plines, &z->plines_cap, n, sizeof *z->plines) != LK_OK ||
        lk_grow_ptr(&z->plens, &z->plens_cap, n, sizeof *z->plens) != LK_OK ||
        lk_grow_ptr(&z->psp_off, &z->psp_off_cap, n + 1, sizeof *z->psp_off) != LK_OK)
        return;
    for (size_t i = 0; i < n; i++) {
        z->plines[i] = z->pbuf + z->poff[i];
        z->plens[i] = z->poff[i + 1] - z->poff[i];
    }
    const lk_tagger_span *sp;
    const size_t *sp_off;
    if (lk_tagger_segment_lines(z->model, z->ws, z->plines, z->plens, n, &sp, &sp_off, NULL) !=
            LK_OK ||
        lk_grow_ptr(&z->psp, &z->psp_cap, sp_off[n] ? sp_off[n] : 1, sizeof *z->psp) != LK_OK)
        return;
    memcpy(z->psp, sp, sp_off[n] * sizeof *sp);
    memcpy(z->psp_off, sp_off, (n + 1) * sizeof *sp_off);
    z->n_ready = n;
}

size_t lk_zh__prepared_left(const lk_zh *z) { return z->n_ready - z->pnext; }

bool lk_zh__script_per_text(const lk_zh *z)
{
    return z->t2s && z->script != LK_ZH_SCRIPT_TRADITIONAL; /* as convert_text */
}

/* Whether the n_runs runs just collected are the next prepared lines. */
static bool runs_prepared(const lk_zh *z, size_t n_runs)
{
    if (z->pnext + n_runs > z->n_ready) return false;
    for (size_t r = 0; r < n_runs; r++) {
        size_t i = z->pnext + r, len = z->poff[i + 1] - z->poff[i];
        if (len != z->runs[r].len || memcmp(z->pbuf + z->poff[i], z->buf + z->runs[r].off, len))
            return false;
    }
    return true;
}

lk_status lk_zh__add(lk_zh *z, lk_analyzer *a, const lk_token *toks, size_t n, lk_error *err)
{
    size_t n_runs = 0;
    lk_status st = collect_runs(z, toks, n, &n_runs);
    const lk_tagger_span *sp = NULL;
    const size_t *sp_off = NULL;
    if (st == LK_OK && n_runs > 0 && runs_prepared(z, n_runs)) {
        sp = z->psp;
        sp_off = z->psp_off + z->pnext;
        z->pnext += n_runs;
    } else if (st == LK_OK && n_runs > 0) {
        z->n_ready = z->pnext = 0; /* out of step: the prepared runs are not used */
        if ((st = lk_grow_ptr(&z->lines, &z->lines_cap, n_runs, sizeof *z->lines)) != LK_OK ||
            (st = lk_grow_ptr(&z->lens, &z->lens_cap, n_runs, sizeof *z->lens)) != LK_OK)
            return st;
        for (size_t r = 0; r < n_runs; r++) {
            z->lines[r] = z->buf + z->runs[r].off;
            z->lens[r] = z->runs[r].len;
        }
        st = lk_tagger_segment_lines(z->model, z->ws, z->lines, z->lens, n_runs, &sp, &sp_off,
                                     err);
    }
    size_t r = 0;
    for (size_t i = 0; i < n && st == LK_OK; i++) {
        const lk_token *t = &toks[i];
        if (t->kind == LK_TOK_WORD || t->kind == LK_TOK_NUMBER) {
            st = lk_analyzer__term(a, t);
        } else if (r < n_runs && z->runs[r].first == i) {
            st = run_terms(z, a, toks, &z->runs[r], sp + sp_off[r], sp_off[r + 1] - sp_off[r]);
            i += z->runs[r].n_toks - 1;
            r++;
        }
    }
    return st;
}

lk_status lk_zh__stopwords(lk_zh *z, const lk_token *toks, size_t n, lk_vocab *stop)
{
    size_t n_runs = 0;
    lk_status st = collect_runs(z, toks, n, &n_runs);
    for (size_t r = 0; r < n_runs && st == LK_OK; r++)
        st = lk_vocab_add(stop, z->buf + z->runs[r].off, z->runs[r].len, NULL);
    for (size_t i = 0; i < n && st == LK_OK; i++)
        if (toks[i].kind == LK_TOK_WORD || toks[i].kind == LK_TOK_NUMBER)
            st = lk_vocab_add(stop, toks[i].text, toks[i].text_len, NULL);
    return st;
}

/* ---- settings and the model file ------------------------------------------------------ */

size_t lk_zh__settings(const lk_zh *z, char *out, size_t cap)
{
    int w = snprintf(out, cap, "zh_terms=%s\nzh_model=%s crc32=%08x\n%s%s%s", mode_names[z->terms],
                     LK_ANALYZER_ZH_MODEL_FILE, (unsigned)z->zm->crc,
                     z->script == LK_ZH_SCRIPT_SIMPLIFIED ? "" : "zh_script=",
                     z->script == LK_ZH_SCRIPT_SIMPLIFIED ? "" : lk_zh_script_name(z->script),
                     z->script == LK_ZH_SCRIPT_SIMPLIFIED ? "" : "\n");
    return w > 0 && (size_t)w < cap ? (size_t)w : 0;
}

/* A plain file name (no directories, not hidden). */
static bool safe_name(const char *s, size_t n)
{
    if (n == 0 || n > NAME_MAX_LEN || s[0] == '.') return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '_' || s[i] == '-'))
            return false;
    return true;
}

lk_status lk_zh__from_settings(const char *terms_v, size_t terms_len, const char *v,
                               size_t vl, const char *sv, size_t svl, const char *dir,
                               lk_zh_model **shared, lk_zh **out, lk_error *err)
{
    size_t name_len = 0;
    char mode[32], crc_hex[9];
    *out = NULL;
    if (!terms_v || terms_len >= sizeof mode) goto bad;
    memcpy(mode, terms_v, terms_len);
    mode[terms_len] = '\0';
    lk_zh_terms terms;
    if (!lk_zh_terms_parse(mode, &terms)) goto bad;
    while (name_len < vl && v[name_len] != ' ') name_len++;
    if (!safe_name(v, name_len) || vl != name_len + 15 || memcmp(v + name_len, " crc32=", 7) != 0)
        goto bad;
    memcpy(crc_hex, v + name_len + 7, 8);
    crc_hex[8] = '\0';
    for (int i = 0; i < 8; i++)
        if (!strchr("0123456789abcdef", crc_hex[i]) || crc_hex[i] == '\0') goto bad;
    unsigned long crc = strtoul(crc_hex, NULL, 16);
    lk_zh_script script = LK_ZH_SCRIPT_SIMPLIFIED; /* indexes from before the option */
    if (sv) {
        char sname[16];
        if (svl >= sizeof sname) goto bad;
        memcpy(sname, sv, svl);
        sname[svl] = '\0';
        if (!lk_zh_script_parse(sname, &script)) goto bad;
    }
    if (!dir)
        return lk_error_set(err, LK_ERR_ARG, "the analyzer needs its Chinese model file (%.*s), "
                            "but the index has no directory", (int)name_len, v);
    size_t dl = strlen(dir);
    char *path = malloc(dl + name_len + 2);
    if (!path) return LK_ERR_NOMEM;
    snprintf(path, dl + name_len + 2, "%s/%.*s", dir, (int)name_len, v);
    uint32_t want = (uint32_t)crc;
    lk_status st = lk_zh__open(path, terms, script, &want, shared, out, err);
    free(path);
    return st;
bad:
    return lk_error_set(err, LK_ERR_FORMAT, "malformed analyzer settings in the index (zh_*)");
}

typedef struct {
    const char *bytes;
    size_t len;
} blob;

static lk_status write_blob(FILE *fp, void *ctx, lk_error *err)
{
    const blob *b = ctx;
    return lk_fwrite_all(fp, b->bytes, b->len, LK_ANALYZER_ZH_MODEL_FILE, err);
}

lk_status lk_zh__save(const lk_zh *z, const char *dir, lk_error *err)
{
    char *bytes = NULL;
    size_t len;
    uint32_t crc;
    lk_status st = read_model(z->zm->path, &z->zm->crc, &bytes, &len, &crc, err);
    if (st != LK_OK) return st;
    size_t dl = strlen(dir), n = dl + sizeof LK_ANALYZER_ZH_MODEL_FILE + 1;
    char *path = malloc(n);
    if (!path) {
        free(bytes);
        return LK_ERR_NOMEM;
    }
    snprintf(path, n, "%s/%s", dir, LK_ANALYZER_ZH_MODEL_FILE);
    blob b = {bytes, len};
    st = lk_write_atomic(path, write_blob, &b, err);
    free(path);
    free(bytes);
    return st;
}
