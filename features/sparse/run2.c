/* run2.c: the fork/join of the two-thread phases of a fit (the merge of the second thread's
   rows, lk_bow_finish, the TF-IDF weighting). The helper thread is detached: the caller
   never waits for it to start (on a loaded machine a new thread may wait milliseconds for
   a core), only for a chunk it has claimed to end. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "features/features_internal.h"

/* Shared by the caller and the helper, freed by the last one to leave. The helper counts
   itself in `active` (under the lock) before each claim and calls fn only for a chunk it
   claimed: once the caller has seen every chunk claimed and active at 0, the helper
   touches nothing of the caller's (fn, arg) again. The caller sleeps on `idle` while a
   chunk of the helper's runs (it spun on sched_yield before: 20% more CPU on npl on a
   loaded machine, where the helper may be preempted inside its chunk). */
typedef struct {
    void (*fn)(void *arg, size_t chunk);
    void *arg;
    size_t n;
    atomic_size_t next; /* the next chunk to claim */
    pthread_mutex_t lock;
    pthread_cond_t idle;
    int active;         /* helper inside a claim or a chunk (under lock) */
    atomic_int refs;    /* 2: caller and helper */
} chunk_pool;

static void pool_leave(chunk_pool *p)
{
    if (atomic_fetch_sub(&p->refs, 1) == 1) {
        pthread_cond_destroy(&p->idle);
        pthread_mutex_destroy(&p->lock);
        free(p);
    }
}

static void set_active(chunk_pool *p, int d)
{
    pthread_mutex_lock(&p->lock);
    p->active += d;
    if (!p->active) pthread_cond_signal(&p->idle);
    pthread_mutex_unlock(&p->lock);
}

static void *helper_main(void *arg)
{
    chunk_pool *p = arg;
    for (;;) {
        set_active(p, 1);
        size_t c = atomic_fetch_add(&p->next, 1);
        if (c < p->n) p->fn(p->arg, c);
        set_active(p, -1);
        if (c >= p->n) break;
    }
    pool_leave(p);
    return NULL;
}

void lk_run_chunks(void (*fn)(void *arg, size_t chunk), void *arg, size_t n_chunks, bool two)
{
    chunk_pool *p = two && n_chunks > 1 ? malloc(sizeof *p) : NULL;
    if (p && pthread_mutex_init(&p->lock, NULL) != 0) {
        free(p);
        p = NULL;
    }
    if (p && pthread_cond_init(&p->idle, NULL) != 0) {
        pthread_mutex_destroy(&p->lock);
        free(p);
        p = NULL;
    }
    if (!p) {
        for (size_t c = 0; c < n_chunks; c++) fn(arg, c);
        return;
    }
    p->fn = fn;
    p->arg = arg;
    p->n = n_chunks;
    p->active = 0;
    atomic_init(&p->next, 0);
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
    pthread_mutex_lock(&p->lock); /* a chunk the helper is running */
    while (p->active > 0) pthread_cond_wait(&p->idle, &p->lock);
    pthread_mutex_unlock(&p->lock);
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
