/* hugemem_internal.h: private to features/: allocation of large arrays in transparent huge pages
   (hugemem.c). Not installed. */
#ifndef LK_FEATURES_HUGEMEM_INTERNAL_H
#define LK_FEATURES_HUGEMEM_INTERNAL_H

#include <stddef.h>

#include "text/error.h"

/* malloc for large arrays: >= 2 MB blocks are 2 MB-aligned and advised as huge pages.
   Free with free(). */
void *lk_huge_alloc(size_t bytes);

/* lk_grow's contract (doubling, *buf unchanged on failure) with lk_huge_alloc blocks. */
lk_status lk_huge_grow(void **buf, size_t *cap, size_t need, size_t elem);

#endif
