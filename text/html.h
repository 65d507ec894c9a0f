/* html.h: the title and the visible text of an HTML page, with libxml2's HTML parser (a
   real, error-recovering parser: no regular expressions). For `index --input DIR`. */
#ifndef LK_TEXT_HTML_H
#define LK_TEXT_HTML_H

#include <stddef.h>

#include "text/error.h"

/* Parse html[0..len) and set *title (the <title>, else the first <h1>; white space runs
   collapsed to one space, trimmed) and *text (the text of <body>, without script, style,
   noscript, template, head and nav menus; block elements end a line; white space runs
   collapsed; header and footer are kept), both malloc'd, NUL-terminated UTF-8 (free with
   free()). Bytes that are valid UTF-8 are read as UTF-8, others by the page's declared
   charset (libxml2's default, ISO-8859-1, if none). Broken markup is recovered; an empty
   page gives "" and "". LK_ERR_RANGE beyond 2 GB; LK_ERR_PARSE when libxml2 stops before
   the end of the page (an internal error: the rest would be lost). Elements may nest
   without limit. */
lk_status lk_html_extract(const char *html, size_t len, char **title, size_t *title_len,
                          char **text, size_t *text_len, lk_error *err);

#endif
