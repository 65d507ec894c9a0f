/* markdown.h: the plain text of Markdown (a title's inline markup, or a whole document)
   for `lexkit index --input DIR` (docs/search.md): a small subset of CommonMark/GFM, not a
   Markdown parser. */
#ifndef LK_TEXT_MARKDOWN_H
#define LK_TEXT_MARKDOWN_H

#include <stdbool.h>
#include <stddef.h>

#include "text/error.h"

/* s[0..n) without its inline markup, into out (n bytes suffice: the text never grows),
   length in *out_len, spaces and tabs at both ends trimmed:
   - backslash escapes: `\*` is a literal `*` (any ASCII punctuation);
   - code spans: a run of k backticks up to the next run of exactly k (k <= 16) is its
     content, taken literally;
   - links and images: `[text](url)` gives text, `![alt](src)` gives alt (`[x]`, `[x][ref]`
     and brackets without a `(...)` right after stay); the url may hold balanced
     parentheses (`[P](https://x.org/Python_(language))`) and a title (`[a](u "t")`);
   - inline HTML tags, open and closing (`<b>`, `</span>`, `<br/>`, `<img src="x">`), are
     dropped and the text between them kept; a line break or block tag (`<br>`, `<p>`,
     `<td>`, `<li>`, ...) becomes a space, so that the words on both sides stay apart;
   - emphasis and strikethrough: delimiter runs of `*`, `_` and `~` (1 or 2) that open and
     close a span by CommonMark's flanking rules are dropped when they pair up (`**a**`,
     `_a_`, `~~a~~`); `snake_case`, `2 * 3` and a lone `5*` stay.
   Linear in n. LK_ERR_NOMEM. */
lk_status lk_md_inline_plain(const char *s, size_t n, char *out, size_t *out_len);

/* The text a reader sees in the Markdown document s[0..n) (lines end at '\n'; front
   matter is not looked for: docdir.c skips it), into out (n bytes suffice; out may not be
   s), length in *out_len. One pass, a subset of CommonMark/GFM:
   - dropped: `#` heading marks, setext underlines, thematic breaks, list markers (`-`,
     `*`, `+`, `1.`, `1)`) and task boxes, block quote `>`, code fence lines (``` and ~~~
     with their info string), link reference definitions (`[ref]: url`), table delimiter
     rows and the pipes between cells, HTML comments (across lines);
   - kept: the code inside fences (as written), paragraphs and line breaks (each line
     trimmed; blank lines stay), and the text of each block with its inline markup
     removed as lk_md_inline_plain does, plus autolinks `<https://x.org>` -> https://x.org
     and references as CommonMark reads them: `[text][ref]`, `[ref][]` and `[ref]` (not
     followed by `[...]`) give their text where the document defines `ref` (`[ref]: url`,
     labels matched case-insensitively with white space runs as one space), and stay as
     written where it does not; a GFM footnote reference `[^1]` is dropped where `[^1]:`
     defines it, and a footnote's definition `[^1]: text` gives its text.
   Linear in n. LK_ERR_NOMEM. */
lk_status lk_md_plain(const char *s, size_t n, char *out, size_t *out_len);

/* Whether the line l[0..len) is a thematic break: 3 or more of one of - * _ and nothing
   else but spaces and tabs (also a setext heading's `---` underline). */
bool lk_md_rule_line(const char *l, size_t len);

#endif
