/* docdir.h: the documents of a directory tree, one per file, for `lexkit index --input DIR`
   (through lk_docs_open with LK_DOCS_DIR): .txt, .md and .html/.htm files, in bytewise
   order of their relative paths. Files that cannot be documents are skipped and counted
   (lk_docs_skips), never fatal. */
#ifndef LK_TEXT_DOCDIR_H
#define LK_TEXT_DOCDIR_H

#include <stdbool.h>
#include <stdint.h>

#include "text/corpus.h"

typedef struct lk_docdir lk_docdir;

/* List the files under `dir` (symbolic links followed; a directory that is its own
   ancestor, a symlink loop, is not entered again). LK_ERR_IO naming dir if it cannot be
   read. */
lk_status lk_docdir_open(const char *dir, lk_docdir **out, lk_error *err);
/* Next document: id = the path relative to dir ('/'-separated; white space, control
   characters and '%' percent-encoded: "my notes.txt" -> "my%20notes.txt"), title and text
   as docs/search.md says per extension; doc->line = its 1-based number. */
lk_status lk_docdir_next(lk_docdir *d, lk_doc *doc, bool *got, lk_error *err);
const lk_docs_skipped *lk_docdir_skips(const lk_docdir *d);
uint64_t lk_docdir_offset(const lk_docdir *d); /* bytes of the files read so far */
uint64_t lk_docdir_size(const lk_docdir *d);   /* bytes of all listed files */
void lk_docdir_free(lk_docdir *d);             /* NULL is a no-op */

#endif
