/* tagger_internal.h: the chunk size of raw-text tagging, open to the tests (not installed). */
#ifndef LK_API_TAGGER_INTERNAL_H
#define LK_API_TAGGER_INTERNAL_H

#include "include/lexkit/tagger.h"

/* Lines of raw text segmented or tagged per step by lexkit_tagger_tag_text (as `lexkit tag`
   reads them): a call's scratch memory is a chunk's, not the whole text's. */
#define LK_API_TAG_TEXT_CHUNK_LINES 1024

/* lexkit_tagger_tag_text_opts, chunk_lines (>= 1) lines at a time: the same words for any
   chunk size. */
lexkit_status lk_api_tagger_tag_text_chunked(const lexkit_tagger *t, const char *text,
                                             size_t len, const lexkit_text_options *o,
                                             size_t chunk_lines, lexkit_span **spans, size_t *n,
                                             lexkit_error *err);

#endif
