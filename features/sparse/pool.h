/* pool.h: the worker pool of one job (a fit, a transform, a `lexkit bow` run): this thread
   and one helper thread, started at the first step that splits in chunks and joined by
   lk_pool_free, so that every two-thread step of the job (the counting rounds, the merges,
   lk_bow_finish, the TF-IDF weighting) reuses it instead of starting a thread of its own.
   No thread outlives the pool. */
#ifndef LK_FEATURES_SPARSE_POOL_H
#define LK_FEATURES_SPARSE_POOL_H

#include <stddef.h>

#include "text/error.h"

typedef struct lk_pool lk_pool;

/* A pool with no thread started yet; LK_ERR_NOMEM (*out NULL) when it cannot be made. */
lk_status lk_pool_create(lk_pool **out);

/* Join the helper thread (when one was started) and free p; NULL is fine. No lk_pool_run
   may be running. */
void lk_pool_free(lk_pool *p);

/* fn(arg, c) for every chunk c in [0, n_chunks), the chunks claimed one by one by this
   thread and p's helper: a helper that is late or slowed by other processes takes fewer
   chunks instead of holding up this thread, and this one returns once every chunk is done,
   without waiting for a helper that has not woken up. The chunks must write disjoint
   outputs (the result then does not depend on which thread ran which). p NULL (or a
   helper thread that cannot start): every chunk here, in order. One caller at a time. */
void lk_pool_run(lk_pool *p, void (*fn)(void *arg, size_t chunk), void *arg, size_t n_chunks);

/* fn(b) and fn(a), as the two chunks of lk_pool_run: a phase split in two halves whose
   results do not depend on where they ran. */
void lk_pool_run_pair(lk_pool *p, void *(*fn)(void *), void *a, void *b);

#endif
