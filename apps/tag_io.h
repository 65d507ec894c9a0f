/* tag_io.h: `lexkit tag` input/output paths for word models: raw English text through the
   UD English tokenizer, and CoNLL-U in -> CoNLL-U out with only the tag column replaced. */
#ifndef LK_APPS_TAG_IO_H
#define LK_APPS_TAG_IO_H

#include <stdbool.h>
#include <stdio.h>

#include "apps/cli.h"
#include "models/tagger.h"
#include "text/error.h"

/* Progress of a tagging run, reported to `progress` (NULL = none) as lines are read. */
typedef struct {
    lk_progress *progress;
    double done; /* bytes read so far (set by the functions below) */
} lk_tag_io_opts;

/* Print one tagged word: a CoNLL-U row (ID i+1, FORM, tag in UPOS or XPOS column) or
   " word/TAG" (no leading space for i == 0). */
void lk_tag_print_word(FILE *out, const lk_tagger *m, bool conllu, size_t i, const char *w,
                       size_t len, int32_t tag);

/* One line of raw text as a CoNLL-U sentence, as raw-text taggers (UDPipe, Stanza) write
   it; nothing for a line without words. "# sent_id = N" (N = ++*sent_id: 1, 2, ... over the
   run's output, as UDPipe numbers a document's sentences), "# text = " the line from its
   first word to its last, then a row per word (lk_tag_print_word) with MISC SpaceAfter=No
   when the next word follows at once, SpacesAfter=... (UDPipe's escapes: \s space, \t tab)
   when what follows is other than one space, else _. The text between words is its white
   space (a line or paragraph separator as a space); characters of no word that are not
   white space (controls, ZWSP, ...) are left out, so the FORMs and their spacing give
   `# text` back exactly. words[k] is bytes [start, start+len) of line, in order. */
void lk_tag_print_conllu_raw(FILE *out, const lk_tagger *m, size_t *sent_id, const char *line,
                             const lk_tagger_span *words, size_t n);

/* lk_tagger_tag_sentences with bounded memory (word models): a sentence longer than
   LK_TAGGER_PIECE_MAX words (a long line of running text) is tagged in pieces cut after each
   sentence-final punctuation word (. ! ? ... and full-width marks, with the closing quotes
   and brackets that follow it), a piece without one cut at LK_TAGGER_PIECE_MAX words: the
   same rule as char models' long raw lines. tags gets one tag per word, in order, as from
   lk_tagger_tag_sentences; shorter sentences are tagged whole. */
lk_status lk_tag_sentences_cut(const lk_tagger *m, lk_tagger_ws *ws, const lk_sentence *sents,
                               size_t n, int32_t *tags, lk_error *err);

/* Raw text, one sentence per line, tokenized as UD English (EWT) does; one output line (or
   CoNLL-U sentence: lk_tag_print_conllu_raw) per input line (long lines tagged in pieces:
   lk_tag_sentences_cut). */
lk_status lk_tag_raw_words(const lk_tagger *m, lk_tagger_ws *ws, const char *input, bool conllu,
                           lk_tag_io_opts *o, lk_error *err);

/* CoNLL-U in, CoNLL-U out: every line is copied as read (comments, multiword-token and
   empty-node lines, every column) except the model's tag column (UPOS, or XPOS for an
   --column xpos model) of the integer-ID rows, which gets the predicted tag. Lines end in
   "\n" (a "\r\n" input is written with "\n"). A token row with fewer than 10
   tab-separated columns is an error naming path:line:col. */
lk_status lk_tag_conllu_passthrough(const lk_tagger *m, lk_tagger_ws *ws, const char *input,
                                    lk_tag_io_opts *o, lk_error *err);

#endif
