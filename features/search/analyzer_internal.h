/* analyzer_internal.h: shared by analyzer.c and analyzer_zh.c (not installed): the Chinese
   word segmentation of Han runs with a char tagger model, and the term sink it feeds. */
#ifndef LK_FEATURES_ANALYZER_INTERNAL_H
#define LK_FEATURES_ANALYZER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "features/search/analyzer.h"
#include "models/tagger.h"
#include "text/tokenize.h"
#include "text/vocab.h"

typedef struct lk_zh lk_zh;
/* A loaded Chinese model with its CRC-32 and (for scripts other than simplified) its OpenCC
   converter: read-only, shared by the lk_zh made with it, refcounted (each keeps one). */
typedef struct lk_zh_model lk_zh_model;

/* Load the model `path` (a `--unit char` LKTG file). With crc non-NULL the file's CRC-32
   must equal *crc (LK_ERR_FORMAT naming the file otherwise); else it is computed.
   `shared` (NULL = none) is a slot for sharing the model: when *shared is this model (same
   path and CRC, with a converter if `script` needs one) it is used instead of loading;
   when *shared is NULL, the model loaded is put there with a reference of its own (drop
   it with lk_zh__model_unref). The caller serializes calls on one slot. */
lk_status lk_zh__open(const char *path, lk_zh_terms terms, lk_zh_script script,
                      const uint32_t *crc, lk_zh_model **shared, lk_zh **out, lk_error *err);
void lk_zh__free(lk_zh *z); /* NULL is a no-op */
void lk_zh__model_unref(lk_zh_model *m); /* frees it with its last reference; NULL: no-op */
/* z's tagger (borrowed; shared with the other lk_zh of its model). */
const lk_tagger *lk_zh__tagger(const lk_zh *z);

/* Terms of the tokens toks[0..n) of one text into a: Han runs as words (with characters or
   bigrams by z's mode), other words and numbers through lk_analyzer__term. */
lk_status lk_zh__add(lk_zh *z, lk_analyzer *a, const lk_token *toks, size_t n, lk_error *err);

/* Segment ahead: prepare_begin drops what an earlier batch left, prepare_add appends the
   Han runs of one text, prepare_run (st: the status so far) segments them all in one tagger
   call. lk_zh__add then takes the words of runs equal to the next prepared ones from there
   (same words: every run is tagged on its own) and calls the tagger for any other. An
   error only drops the prepared runs. */
lk_status lk_zh__prepare_begin(lk_zh *z);
lk_status lk_zh__prepare_add(lk_zh *z, const lk_token *toks, size_t n);
void lk_zh__prepare_run(lk_zh *z, lk_status st);
size_t lk_zh__prepared_left(const lk_zh *z); /* runs segmented ahead, not yet taken */
/* Whether z decides per text whether to map it to simplified (--zh-script auto). */
bool lk_zh__script_per_text(const lk_zh *z);
/* Add to *trad / *simp the Han characters of toks[0..n) that t2s only / s2t only change:
   a text is mapped when trad > simp over all its tokens (needs lk_zh__script_per_text). */
void lk_zh__script_count(const lk_zh *z, const lk_token *toks, size_t n, size_t *trad,
                         size_t *simp);
/* conv 1 / 0: the texts that follow are (not) mapped, whatever their own characters; -1:
   each text decides again (the default). */
void lk_zh__set_text_script(lk_zh *z, int conv);

/* Stop words of one line of a stop-word list: words and numbers, and each run of adjacent
   Han characters as one word (a list of Chinese words, not characters). */
lk_status lk_zh__stopwords(lk_zh *z, const lk_token *toks, size_t n, lk_vocab *stop);

#define LK_ZH_SETTINGS_MAX 128 /* bytes of the settings lines, NUL included */

/* z's settings lines ("zh_terms=MODE\nzh_model=NAME crc32=HEX\n", then "zh_script=S\n"
   unless S is simplified, as in indexes from before the option) into out (cap bytes,
   >= LK_ZH_SETTINGS_MAX); returns their length. */
size_t lk_zh__settings(const lk_zh *z, char *out, size_t cap);

/* Load the model the settings' values name from `dir`: zh_terms (MODE), zh_model ("NAME
   crc32=HEX") and zh_script (S; NULL when absent: simplified, as indexes from before).
   Malformed values are LK_ERR_FORMAT; a missing or changed model names the file. `shared`:
   as for lk_zh__open. */
lk_status lk_zh__from_settings(const char *terms, size_t terms_len, const char *model,
                               size_t model_len, const char *script, size_t script_len,
                               const char *dir, lk_zh_model **shared, lk_zh **out,
                               lk_error *err);

/* Copy z's model into dir/LK_ANALYZER_ZH_MODEL_FILE (atomically), checking its CRC-32. */
lk_status lk_zh__save(const lk_zh *z, const char *dir, lk_error *err);

/* ---- sharing among the analyzers of one index ---- */

/* What the analyzers made from one index's settings share, loaded by the first that needs
   it: the Chinese model (its CRC-32 checked then, once) and its OpenCC converter. Safe to
   use from several threads; an analyzer keeps what it uses, so it may outlive this. */
typedef struct lk_analyzer_shared lk_analyzer_shared;

lk_status lk_analyzer__shared_create(lk_analyzer_shared **out); /* LK_ERR_NOMEM */
void lk_analyzer__shared_free(lk_analyzer_shared *sh);          /* NULL is a no-op */

/* As lk_analyzer_from_settings_dir, taking the Chinese model from sh (NULL = load it). */
lk_status lk_analyzer__from_settings_shared(const char *s, size_t len, const char *dir,
                                            lk_analyzer_shared *sh, lk_analyzer **out,
                                            lk_error *err);

/* The tagger segmenting a's Han runs (borrowed), or NULL without a Chinese model. */
const lk_tagger *lk_analyzer__zh_tagger(const lk_analyzer *a);

/* ---- analyzer.c, for analyzer_zh.c ---- */

/* Index term(s) of one word/number token: stop words dropped, words stemmed. */
lk_status lk_analyzer__term(lk_analyzer *a, const lk_token *t);
/* Whether a segments Han runs with a Chinese model (bm25_text.c then prepares batches). */
bool lk_analyzer__has_zh(const lk_analyzer *a);
/* With a Chinese model: tokenize texts[0..n) and lk_zh__prepare_* their Han runs, for the
   lk_analyzer_add calls on the same texts that follow (errors there, not here). */
void lk_analyzer__zh_prepare(lk_analyzer *a, const char *const *texts, const size_t *lens,
                             size_t n);
/* End of the piece of text[0..len) starting at off (< len, or 0): the first white space at or
   after off + piece between two ASCII letters or digits (no token, Han run or other analysis
   step spans it), or len. The one cutting rule of the texts analyzed in pieces (index build,
   snippets): the terms of a text are those of its pieces analyzed one by one, once a Chinese
   model deciding the script per text is told the text's (lk_analyzer__text_script). */
size_t lk_analyzer__piece_end(const char *text, size_t len, size_t off, size_t piece);
/* For a text[0..len) longer than `piece` bytes, to be analyzed in pieces: *conv = 1 / 0
   when a's Chinese model decides per text whether to map it to simplified (--zh-script
   auto) and maps / does not map this text as a whole (its Han characters counted over its
   pieces, cut by lk_analyzer__piece_end), else -1; give it to lk_analyzer__set_text_script
   for the pieces. Invalid UTF-8: LK_ERR_PARSE "COL: ...", COL in the piece. */
lk_status lk_analyzer__text_script(lk_analyzer *a, const char *text, size_t len, size_t piece,
                                   int *conv, lk_error *err);
/* conv of lk_analyzer__text_script for the lk_analyzer_add calls that follow (the pieces of
   that text, and no other text); -1 (the default): each text decides. */
void lk_analyzer__set_text_script(lk_analyzer *a, int conv);
/* lk_zh__prepared_left of a's model (0 without one). */
size_t lk_analyzer__zh_prepared_left(const lk_analyzer *a);
/* Append term s[0..len) unless it is a stop word; [start, end): its span in the text
   given to lk_analyzer_add (lk_analyzer_spans). */
lk_status lk_analyzer__push(lk_analyzer *a, const char *s, size_t len, size_t start,
                            size_t end);

#endif
