/* run2.c: the fork/join of the two-thread phases of a fit (the merge of the second thread's
   rows, lk_bow_finish, the TF-IDF weighting). The helper thread is detached: the caller
   never waits for it to start (on a loaded machine a new thread may wait milliseconds for
   a core), only for a chunk it has claimed to end. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "features/features_internal.h"

/* Shared by the caller and the helper, freed by the last one to leave. The helper counts
   itself in `active` before each claim and calls fn only for a chunk it claimed: once the
   caller has seen every chunk claimed and active at 0, the helper touches nothing of the
   caller's (fn, arg) again. */
typedef struct {
    void (*fn)(void *arg, size_t chunk);
    void *arg;
    size_t n;
    atomic_size_t next;   /* the next chunk to claim */
    atomic_int active;    /* helper inside a claim or a chunk */
    atomic_int refs;      /* 2: caller and helper */
} chunk_pool;

static void pool_leave(chunk_pool *p)
{
    if (atomic_fetch_sub(&p->refs, 1) == 1) free(p);
}

static void *helper_main(void *arg)
{
    chunk_pool *p = arg;
    for (;;) {
        atomic_fetch_add(&p->active, 1);
        size_t c = atomic_fetch_add(&p->next, 1);
        if (c >= p->n) {
            atomic_fetch_sub(&p->active, 1);
            break;
        }
        p->fn(p->arg, c);
        atomic_fetch_sub(&p->active, 1);
    }
    pool_leave(p);
    return NULL;
}

void lk_run_chunks(void (*fn)(void *arg, size_t chunk), void *arg, size_t n_chunks, bool two)
{
    chunk_pool *p = two && n_chunks > 1 ? malloc(sizeof *p) : NULL;
    if (!p) {
        for (size_t c = 0; c < n_chunks; c++) fn(arg, c);
        return;
    }
    p->fn = fn;
    p->arg = arg;
    p->n = n_chunks;
    atomic_init(&p->next, 0);
    atomic_init(&p->active, 0);
    atomic_init(&p->refs, 2);
    pthread_t th;
    pthread_attr_t attr;
    bool started = pthread_attr_init(&attr) == 0;
    if (started) {
        started = pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) == 0 &&
                  pthread_create(&th, &attr, helper_main, p) == 0;
        pthread_attr_destroy(&attr);
    }
    if (!started) atomic_store(&p->refs, 1);
    for (size_t c; (c = atomic_fetch_add(&p->next, 1)) < n_chunks;) fn(arg, c);
    while (atomic_load(&p->active) > 0) sched_yield(); /* a chunk the helper is running */
    pool_leave(p);
}

typedef struct {
    void *(*fn)(void *);
    void *a, *b;
} pair_job;

static void pair_chunk(void *arg, size_t chunk)
{
    pair_job *j = arg;
    j->fn(chunk ? j->a : j->b);
}

void lk_run_pair(void *(*fn)(void *), void *a, void *b, bool two)
{
    pair_job j = {fn, a, b};
    lk_run_chunks(pair_chunk, &j, 2, two);
}
