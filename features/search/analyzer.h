/* analyzer.h: the BM25 text analyzer: lexkit tokenizer (NFKC, lowercasing), punctuation
   and symbols dropped, invisible format characters (Cf: soft hyphen, word joiner) inside
   words dropped, optional stop words, optional Snowball English stemming (the
   `english` analyzer adds Lucene's stop list, possessives, hyphens and accent folding), and for
   Chinese (lang zh/auto) Han character unigrams plus bigrams of adjacent Han characters.
   Its settings serialize to text so an index can store them and rebuild the analyzer for
   queries. An analyzer holds scratch buffers (tokenizer, stemmer): one per thread.
   With a Chinese tagger model (zh_model), Han runs are segmented into words instead
   (analyzer_zh.c); the model is copied into the index directory and checked by CRC-32.
   The tokenizer's rules have a version in the settings ("tokenizer=3", every analyzer: 2, a
   full-width comma joins digits only as a thousands separator, so 10，2005 gives 10 and
   2005; 3, v2.0.1 is one term, not v2 and 0.1); settings with an older version, or without
   it (indexes built before: 10,2005), keep the tokens of that version. */
#ifndef LK_FEATURES_ANALYZER_H
#define LK_FEATURES_ANALYZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "features/search/bm25_index.h"
#include "text/error.h"
#include "text/zhscript.h"

typedef enum {
    LK_LANG_AUTO = 0, /* Han runs give unigrams + bigrams, other text as en */
    LK_LANG_EN,       /* words; Han characters as unigrams only */
    LK_LANG_ZH,       /* as auto */
} lk_lang;

/* Chinese terms of a Han run when a segmentation model is used. */
typedef enum {
    LK_ZH_WORDS = 0,     /* the words of the segmentation */
    LK_ZH_WORDS_CHARS,   /* words + the characters of words longer than one character */
    LK_ZH_WORDS_BIGRAMS, /* words + character bigrams (a bigram that is itself a word once) */
} lk_zh_terms;

/* File name of the model inside an index directory. */
#define LK_ANALYZER_ZH_MODEL_FILE "zh-model.lkt"

/* The analyzer chain for words. */
typedef enum {
    LK_ANALYZER_PLAIN = 0, /* lowercased tokens, with --stem / --stopwords as asked */
    LK_ANALYZER_ENGLISH,   /* as Lucene's EnglishAnalyzer: words split at hyphens, Latin
                              accents folded (é -> e, ß -> ss, i + U+0307 -> i), ’ and ʼ
                              as ', possessive 's dropped, Lucene's English stop list (unless
                              stopwords are given),
                              Snowball English stemming. The folding of ’, ʼ
                              and marks has a version in the settings
                              ("english_fold=3": format characters dropped too,
                              clean_tokens); settings without it (indexes
                              built before) keep ’ and marks as they were */
} lk_analyzer_kind;

typedef struct {
    lk_analyzer_kind kind; /* default LK_ANALYZER_PLAIN */
    lk_lang lang;
    bool lower;            /* lowercase (default true) */
    bool stem;             /* Snowball "english" stemming of word tokens (default false) */
    const char *stopwords; /* stop words, one per line ('#' starts a comment); NULL = none.
                              They go through the same tokenizer (so are lowercased) */
    size_t stopwords_len;
    const char *stopwords_path; /* the stop-word file's name, for messages (NULL: "stopwords") */
    const char *zh_model;  /* `--unit char` tagger model (LKTG) segmenting Han runs into
                              words (lang zh/auto); NULL = character unigrams + bigrams */
    lk_zh_terms zh_terms;  /* terms of a segmented Han run (default LK_ZH_WORDS_BIGRAMS) */
    lk_zh_script zh_script; /* traditional Han text is mapped character by character to
                               simplified (OpenCC t2s), so 長江大橋 and 长江大桥 give the same
                               terms. With zh_model (before segmentation) auto decides per
                               text; without, auto and traditional map every Han character
                               of documents and queries ("han_fold" in the settings; the
                               converter opens on the first Han character). Default
                               LK_ZH_SCRIPT_AUTO; indexes from before: simplified */
    int title_weight;      /* field weight of the title (BM25F, see lk_analyzer_title_weight):
                              1..LK_ANALYZER_TITLE_WEIGHT_MAX; 0 = 1 (the default) */
} lk_analyzer_config;

#define LK_ANALYZER_TITLE_WEIGHT_MAX 100

lk_analyzer_config lk_analyzer_config_default(void);
bool lk_lang_parse(const char *name, lk_lang *out);
/* "plain" or "english". */
bool lk_analyzer_kind_parse(const char *name, lk_analyzer_kind *out);
/* Lucene's English stop list (EnglishAnalyzer.ENGLISH_STOP_WORDS_SET, 33 words), one per
   line: the stop words of the english analyzer when no others are given. */
const char *lk_analyzer_english_stopwords(size_t *len);
/* "words", "words+chars" or "words+bigrams". */
bool lk_zh_terms_parse(const char *name, lk_zh_terms *out);

typedef struct lk_analyzer lk_analyzer;

lk_status lk_analyzer_create(const lk_analyzer_config *c, lk_analyzer **out, lk_error *err);
/* Rebuild an analyzer from lk_analyzer_settings output (e.g. read from an index);
   LK_ERR_FORMAT if the settings are malformed or name an unknown stemmer. */
lk_status lk_analyzer_from_settings(const char *s, size_t len, lk_analyzer **out,
                                    lk_error *err);
/* As lk_analyzer_from_settings, loading the files the settings name (the Chinese model)
   from directory `dir` (NULL = none available). A missing model file, or one whose CRC-32
   differs from the settings', is an error naming the file. */
lk_status lk_analyzer_from_settings_dir(const char *s, size_t len, const char *dir,
                                        lk_analyzer **out, lk_error *err);
/* Write the files the settings name (a copy of the Chinese model, checked against its
   CRC-32) into directory `dir`, e.g. the index being built; nothing for other analyzers. */
lk_status lk_analyzer_save_files(const lk_analyzer *a, const char *dir, lk_error *err);
void lk_analyzer_free(lk_analyzer *a); /* NULL is a no-op */

/* Serialized settings (borrowed, text). */
const char *lk_analyzer_settings(const lk_analyzer *a, size_t *len);

/* One setting of a settings text (key and value not NUL-terminated); a status other than
   LK_OK stops lk_analyzer_settings_each, which returns it. */
typedef lk_status (*lk_analyzer_setting_fn)(void *user, const char *key, size_t key_len,
                                            const char *value, size_t value_len);

/* Call fn for each setting of the settings text s[0..len) (lk_analyzer_settings output, as
   an index stores it), in order: "version" (of the format), "analyzer" (its name: "plain"
   for version 1, which names none), then every key=value line, the stop list as
   "stopword_list" = its words joined by spaces, right after "stopwords" = their number
   (absent when 0). The text is read as lk_analyzer_from_settings reads it (one reader), but
   keys and values are not checked: a malformed text (a line without '=', fewer stop words
   than announced) is LK_ERR_FORMAT after the settings before it were given. */
lk_status lk_analyzer_settings_each(const char *s, size_t len, lk_analyzer_setting_fn fn,
                                    void *user, lk_error *err);

/* The title's field weight w (1 unless the config asked for more): an index counts each
   title term occurrence w times in the term frequency and in the document length (BM25F of
   Robertson, Zaragoza and Taylor 2004 with integer field weights and one b for both fields;
   Xapian's wdf increment). In the settings as "title_weight=w" when w > 1. */
int lk_analyzer_title_weight(const lk_analyzer *a);

/* The prefix of a `prefix*` query word as the index holds words: text[0..len) must be one
   word or number, or one run of Han characters (else LK_ERR_ARG); it is normalized as terms
   are (NFKC, lowercased, accents folded by the english analyzer, Han characters mapped to
   simplified when the index maps them) but neither stemmed nor checked against the stop
   list. *out (*out_len bytes) is borrowed until the next call. Invalid UTF-8: LK_ERR_PARSE. */
lk_status lk_analyzer_prefix(lk_analyzer *a, const char *text, size_t len, const char **out,
                             size_t *out_len, lk_error *err);

/* The stem of lk_analyzer_prefix's last result as the index stems words (the english
   analyzer, or stem set): what the word is indexed as, when the prefix is a whole word
   typed with a '*' (rebase -> rebas). The prefix itself when the analyzer does not stem or
   it is no word (a number, Han characters, an abbreviation with '.'), or before any
   prefix. *out is borrowed until the next call on a. LK_ERR_NOMEM. */
lk_status lk_analyzer_prefix_stem(lk_analyzer *a, const char **out, size_t *out_len);

/* Start a new document or query. */
void lk_analyzer_reset(lk_analyzer *a);
/* Analyze text[0..len) (UTF-8), appending its terms. Invalid UTF-8 gives LK_ERR_PARSE
   "COL: ..." (prefix it with "path:line:"). */
lk_status lk_analyzer_add(lk_analyzer *a, const char *text, size_t len, lk_error *err);
/* `valid`: every text given to lk_analyzer_add from now on is known to be valid UTF-8 (a
   corpus reader checked it, as lk_docs_next does), so the check is skipped. Default false;
   never set it for user input such as queries. */
void lk_analyzer_set_input_valid(lk_analyzer *a, bool valid);
/* `on`: record the source span of every term from now on (for highlighting; default off). */
void lk_analyzer_set_spans(lk_analyzer *a, bool on);
/* With spans on: per term since the last reset, its (start, end) byte offsets in the text
   given to the lk_analyzer_add call that produced it (2 x n_terms values; a Han bigram spans
   both characters; a word of a Chinese model spans its characters, and the characters /
   bigrams that follow a run's words overlap them, so phrases skip them as they skip Han
   bigrams). Borrowed until the next add/reset; NULL with spans off. */
const size_t *lk_analyzer_spans(const lk_analyzer *a);
/* Terms since the last reset, in order (borrowed until the next reset/add). */
const lk_term *lk_analyzer_terms(lk_analyzer *a, size_t *n);
/* Number of terms since the last reset, and their total bytes in *bytes (may be NULL),
   without building the array of lk_analyzer_terms: one analyzer can collect the terms of
   many documents, each document's terms being those added since the previous count. */
size_t lk_analyzer_n_terms(const lk_analyzer *a, size_t *bytes);

#endif
