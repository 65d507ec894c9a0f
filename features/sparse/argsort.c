/* argsort.c: a re-implementation of numpy 1.24's default argsort for integer arrays
   (`kind="quicksort"`: median-of-3 introsort, insertion sort below 16 elements, heapsort
   when the depth limit 2*floor(log2 n) runs out). It is not stable, so ties come out in
   the order this exact procedure produces; sklearn's max_features depends on that order. */
#include "features/features_internal.h"

#include <stdlib.h>

#define SMALL_PARTITION 15                 /* numpy's SMALL_QUICKSORT */
#define STACK_SLOTS (2 * 8 * sizeof(size_t)) /* two pointers per level, log2(n) levels */

static inline void swap_idx(int64_t *a, int64_t *b)
{
    int64_t t = *a;
    *a = *b;
    *b = t;
}

static int floor_log2(size_t n)
{
    int d = 0;
    while (n >>= 1) d++;
    return d;
}

/* Heapsort of idx[0..n) by v (1-based heap indexing as numpy's aheapsort). */
static void heap_argsort(const int64_t *v, int64_t *idx, size_t n)
{
    int64_t *a = idx - 1;
    size_t i, j, l;
    int64_t tmp;
    for (l = n >> 1; l > 0; --l) {
        tmp = a[l];
        for (i = l, j = l << 1; j <= n;) {
            if (j < n && v[a[j]] < v[a[j + 1]]) j += 1;
            if (v[tmp] < v[a[j]]) {
                a[i] = a[j];
                i = j;
                j += j;
            } else {
                break;
            }
        }
        a[i] = tmp;
    }
    for (; n > 1;) {
        tmp = a[n];
        a[n] = a[1];
        n -= 1;
        for (i = 1, j = 2; j <= n;) {
            if (j < n && v[a[j]] < v[a[j + 1]]) j++;
            if (v[tmp] < v[a[j]]) {
                a[i] = a[j];
                i = j;
                j += j;
            } else {
                break;
            }
        }
        a[i] = tmp;
    }
}

/* Median-of-3 partition of [pl, pr]; returns the pivot's final position. */
static int64_t *partition(const int64_t *v, int64_t *pl, int64_t *pr)
{
    int64_t *pm = pl + ((pr - pl) >> 1);
    if (v[*pm] < v[*pl]) swap_idx(pm, pl);
    if (v[*pr] < v[*pm]) swap_idx(pr, pm);
    if (v[*pm] < v[*pl]) swap_idx(pm, pl);
    int64_t pivot = v[*pm];
    int64_t *pi = pl, *pj = pr - 1;
    swap_idx(pm, pj);
    for (;;) {
        do ++pi;
        while (v[*pi] < pivot);
        do --pj;
        while (pivot < v[*pj]);
        if (pi >= pj) break;
        swap_idx(pi, pj);
    }
    swap_idx(pi, pr - 1);
    return pi;
}

static void insertion_argsort(const int64_t *v, int64_t *pl, int64_t *pr)
{
    for (int64_t *pi = pl + 1; pi <= pr; ++pi) {
        int64_t vi = *pi, vp = v[vi];
        int64_t *pj = pi, *pk = pi - 1;
        while (pj > pl && vp < v[*pk]) *pj-- = *pk--;
        *pj = vi;
    }
}

lk_status lk_argsort_numpy_i64(const int64_t *v, size_t n, int64_t *idx)
{
    for (size_t i = 0; i < n; i++) idx[i] = (int64_t)i;
    if (n < 2) return LK_OK;
    int64_t *pl = idx, *pr = idx + n - 1;
    int64_t *stack[STACK_SLOTS], **sp = stack;
    int depth[STACK_SLOTS], *dp = depth;
    int cdepth = floor_log2(n) * 2;
    for (;;) {
        if (cdepth < 0) {
            heap_argsort(v, pl, (size_t)(pr - pl + 1));
        } else {
            while (pr - pl > SMALL_PARTITION) {
                int64_t *pi = partition(v, pl, pr);
                /* push the larger side, continue with the smaller */
                if (pi - pl < pr - pi) {
                    *sp++ = pi + 1;
                    *sp++ = pr;
                    pr = pi - 1;
                } else {
                    *sp++ = pl;
                    *sp++ = pi - 1;
                    pl = pi + 1;
                }
                *dp++ = --cdepth;
            }
            insertion_argsort(v, pl, pr);
        }
        if (sp == stack) break;
        pr = *(--sp);
        pl = *(--sp);
        cdepth = *(--dp);
    }
    return LK_OK;
}
