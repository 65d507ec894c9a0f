/* tagger.h: part-of-speech tagging with a trained lexkit model (.lkt): word models tag
   tokens; character models (e.g. the shipped Chinese model) segment raw text into words
   and tag them. Calls on one loaded tagger may run from several threads (each takes a
   workspace from the tagger's pool, made on first use and kept until lexkit_tagger_free). */
#ifndef LEXKIT_TAGGER_H
#define LEXKIT_TAGGER_H

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lexkit_tagger lexkit_tagger;

/* A word of raw text: bytes [start, start + len) with its tag id. */
typedef struct {
    size_t start, len;
    int32_t tag;
} lexkit_span;

/* Load a tagger model; another kind of file is LEXKIT_ERR_FORMAT. */
LK_API lexkit_status lexkit_tagger_load(const char *path, lexkit_tagger **out, lexkit_error *err);
LK_API void lexkit_tagger_free(lexkit_tagger *t); /* NULL is a no-op */
/* 1 for a character model (segments raw text), 0 for a word model. */
LK_API int lexkit_tagger_segments(const lexkit_tagger *t);
/* Number of tags; name of a tag id (borrowed) or NULL. */
LK_API int32_t lexkit_tagger_n_tags(const lexkit_tagger *t);
LK_API const char *lexkit_tagger_tag_name(const lexkit_tagger *t, int32_t tag);
/* Tag the n tokens of one sentence: tags[i] for tokens[i]. Word models only (a character
   model is LEXKIT_ERR_ARG). */
LK_API lexkit_status lexkit_tagger_tag(const lexkit_tagger *t, const char *const *tokens,
                                       const size_t *lens, size_t n, int32_t *tags,
                                       lexkit_error *err);
/* Words and tags of raw text[0..len): *spans (n entries, byte offsets into the whole
   text) is allocated; free it with free(). Each line of the text (ended by "\n", "\r\n"
   or a lone "\r") is read as `lexkit tag` reads a line of a file, so a text gives the words
   `lexkit tag` gives for the same lines. A character model segments (with the default
   lexkit_text_options); a word model tags the tokens of `lexkit tag --input-format raw`
   (UD English EWT's: do n't, it 's), one sentence per line. The lines are processed 1,024
   at a time: besides *spans, the memory of a call does not grow with the text. Invalid
   UTF-8 is LEXKIT_ERR_PARSE "text:LINE:COL: ...". */
LK_API lexkit_status lexkit_tagger_tag_text(const lexkit_tagger *t, const char *text,
                                            size_t len, lexkit_span **spans, size_t *n,
                                            lexkit_error *err);

/* How a character model reads raw text: the options of `lexkit tag` / `tokenize --model`.
   All zero is the default. */
typedef struct {
    int script;    /* 0 auto (traditional lines, detected per line, are converted to
                      simplified for the model; the words keep the input's characters),
                      1 simplified (no conversion), 2 traditional (always converted) */
    int coarse;    /* 0 the model's words (UD GSD: 图书 馆); 1 words of the model's
                      dictionary: a one-character PART word joins the word before it when the
                      dictionary has the two (图书馆), and other runs of words that make a
                      dictionary word are joined where nothing marks a boundary (高血压;
                      docs/tagger.md, "Word granularity") */
    int no_pretok; /* 0 URLs, e-mail addresses, Latin words, numbers and emoji are one word
                      each and every punctuation mark its own; 1 the model alone */
} lexkit_text_options;

/* Words kept whole in raw text (character models): a user dictionary file of `word` or
   `word TAG` lines, as `lexkit tag --user-dict` reads it (each listed word comes out as one
   word, leftmost-longest where listed words overlap, with TAG if given). Replaces an earlier
   dictionary; NULL removes it. Call it before t is shared between threads. A bad line or a
   tag the model lacks is LEXKIT_ERR_PARSE "path:line:col: ..."; a word model is
   LEXKIT_ERR_ARG. */
LK_API lexkit_status lexkit_tagger_set_user_dict(lexkit_tagger *t, const char *path,
                                                 lexkit_error *err);

/* lexkit_tagger_tag_text with options o (NULL = defaults; ignored by word models). An
   option value out of range is LEXKIT_ERR_ARG. */
LK_API lexkit_status lexkit_tagger_tag_text_opts(const lexkit_tagger *t, const char *text,
                                                 size_t len, const lexkit_text_options *o,
                                                 lexkit_span **spans, size_t *n,
                                                 lexkit_error *err);

#ifdef __cplusplus
}
#endif
#endif
