/* zhseg.h: raw Chinese text to words with a `--unit char` tagger, as users have it: non-Han
   runs and punctuation kept as the pre-tokenizer's units (text/pretok.h), with them the
   built-in words (T恤, 卡拉OK; Chinese numerals as NUM: text/zhwords.h), user dictionary
   words kept whole (text/userdict.h), traditional characters converted to simplified for
   the model (text/zhscript.h) while the words keep the user's bytes. All of it is applied
   as decoding constraints (models/segment.h); the model chooses the rest. One lk_zhseg
   per thread; it borrows the model and the dictionary. */
#ifndef LK_MODELS_ZHSEG_H
#define LK_MODELS_ZHSEG_H

#include <stdbool.h>
#include <stddef.h>

#include "models/tagger.h"
#include "text/error.h"
#include "text/userdict.h"
#include "text/zhscript.h"

/* Word granularity of the output. FINE: the model's words, UD Chinese GSD's segmentation
   (suffixes such as 们 员 馆 站 人 are words of their own: 图书 馆). COARSE: words of the
   model's dictionary (lexicon), as dictionary segmenters such as jieba write them: a
   one-character word the model tags PART is joined to the word before it when the two make
   a dictionary word (图书馆), then runs of words with a one-character word among them that
   make a dictionary word are joined unless the dictionary or the model's tags mark a
   boundary (高 血压 -> 高血压; 一 个 人, 明 中叶 stay; models/zhseg.c dict_join). */
typedef enum { LK_ZH_FINE = 0, LK_ZH_COARSE = 1 } lk_zh_granularity;

typedef struct {
    bool pretok;             /* pre-tokenizer units and built-in words as constraints
                                (true) */
    bool punct_tags;         /* punctuation/symbol units tagged PUNCT or SYM, if the model
                                has those tags (true) */
    lk_zh_script script;     /* (LK_ZH_SCRIPT_AUTO) */
    const lk_userdict *dict; /* borrowed; NULL = none */
    lk_zh_granularity granularity; /* (LK_ZH_FINE) */
    const lk_t2s *t2s;       /* borrowed converter to use, or NULL: the segmenter opens its
                                own when script is not SIMPLIFIED (NULL) */
} lk_zhseg_config;

lk_zhseg_config lk_zhseg_config_default(void);

typedef struct lk_zhseg lk_zhseg;

/* A segmenter over model m (a char model; borrowed, as is c->dict). A dictionary tag the
   model does not have is LK_ERR_PARSE "dict:line:col: ..."; OpenCC failures LK_ERR_IO. */
lk_status lk_zhseg_create(const lk_tagger *m, const lk_zhseg_config *c, lk_zhseg **out,
                          lk_error *err);
void lk_zhseg_free(lk_zhseg *z); /* NULL is a no-op */
/* The check lk_zhseg_create makes of dictionary d: every tag it names is one of m's, else
   LK_ERR_PARSE "dict:line:col: tag X is not in the model's tag set (...)". */
lk_status lk_zhseg_check_dict(const lk_tagger *m, const lk_userdict *d, lk_error *err);

/* Segment and tag n lines of valid UTF-8 (invalid bytes: LK_ERR_PARSE "COL: ..." naming
   the first bad line's column; callers validate lines to name the line). The words of
   line i are (*spans)[(*span_off)[i] .. (*span_off)[i+1]), byte spans of texts[i]; both
   borrowed from z until its next call. User words: leftmost-longest, see docs/tagger.md. */
lk_status lk_zhseg_lines(lk_zhseg *z, lk_tagger_ws *ws, const char *const *texts,
                         const size_t *lens, size_t n, const lk_tagger_span **spans,
                         const size_t **span_off, lk_error *err);

/* Whether line i of the last lk_zhseg_lines call was converted from traditional. */
bool lk_zhseg_converted(const lk_zhseg *z, size_t i);

/* Evaluate char model m on gold corpus test from raw text as `lexkit tag` reads it: each
   sentence's raw text is its `# text`, else its FORMs with a space after each without
   SpaceAfter=No when the file has SpaceAfter annotation, else its FORMs joined (counted in
   res->raw_sents; a `# text` with other characters than the FORMs is not used and counted
   in res->text_mismatch); z (a segmenter over m) segments the texts, and words match the
   gold words by character span, white space left out. A corpus with neither `# text` nor
   SpaceAfter (GSD v1.4) is segmented by z too, its FORMs joined, when `always`; else it is
   scored by lk_tagger_evaluate (res->zhseg false): the model alone on the gold words
   joined. */
lk_status lk_zhseg_evaluate(const lk_tagger *m, lk_zhseg *z, lk_tagger_ws *ws,
                            const lk_tagged_corpus *test, bool always,
                            lk_tagger_eval_result *res, lk_error *err);

#endif
