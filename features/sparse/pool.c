/* pool.c: the worker pool of a job (pool.h). A step publishes its chunks as a new
   generation; both threads claim chunk numbers from one atomic ticket (generation << 32 |
   next chunk), so a helper that wakes up late, after its step is over, can claim nothing
   of it (the generation has moved on) and the caller never waits for the helper to wake
   up: only for a chunk the helper has claimed to end. */
#include "features/sparse/pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

struct lk_pool {
    pthread_mutex_t lock;
    pthread_cond_t work;        /* the helper: a new step, or quit */
    pthread_cond_t done_cv;     /* the caller: the step's last chunk is done */
    pthread_t helper;
    bool started, failed, quit; /* the helper thread (failed: could not start) */
    uint32_t gen;               /* the step being run (under lock; 0: none yet) */
    void (*fn)(void *arg, size_t chunk); /* its chunks (under lock) */
    void *arg;
    size_t n;
    _Atomic uint64_t ticket;    /* gen << 32 | the next chunk to claim */
    atomic_size_t done;         /* chunks of the step finished */
};

lk_status lk_pool_create(lk_pool **out)
{
    lk_pool *p = calloc(1, sizeof *p);
    *out = NULL;
    if (!p) return LK_ERR_NOMEM;
    if (pthread_mutex_init(&p->lock, NULL) != 0) {
        free(p);
        return LK_ERR_NOMEM;
    }
    if (pthread_cond_init(&p->work, NULL) != 0) {
        pthread_mutex_destroy(&p->lock);
        free(p);
        return LK_ERR_NOMEM;
    }
    if (pthread_cond_init(&p->done_cv, NULL) != 0) {
        pthread_cond_destroy(&p->work);
        pthread_mutex_destroy(&p->lock);
        free(p);
        return LK_ERR_NOMEM;
    }
    atomic_init(&p->ticket, 0);
    atomic_init(&p->done, 0);
    *out = p;
    return LK_OK;
}

void lk_pool_free(lk_pool *p)
{
    if (!p) return;
    if (p->started) {
        pthread_mutex_lock(&p->lock);
        p->quit = true;
        pthread_cond_signal(&p->work);
        pthread_mutex_unlock(&p->lock);
        pthread_join(p->helper, NULL);
    }
    pthread_cond_destroy(&p->done_cv);
    pthread_cond_destroy(&p->work);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

/* Claim the next chunk of step gen (of n chunks) into *c; false when none is left or the
   step is over. */
static bool claim(lk_pool *p, uint32_t gen, size_t n, size_t *c)
{
    uint64_t t = atomic_load(&p->ticket);
    for (;;) {
        if ((uint32_t)(t >> 32) != gen || (t & UINT32_MAX) >= n) return false;
        if (atomic_compare_exchange_weak(&p->ticket, &t, t + 1)) {
            *c = (size_t)(t & UINT32_MAX);
            return true;
        }
    }
}

/* A chunk of a step of n chunks is done (by the helper): the last one wakes the caller. */
static void helper_chunk_done(lk_pool *p, size_t n)
{
    if (atomic_fetch_add(&p->done, 1) + 1 == n) {
        pthread_mutex_lock(&p->lock);
        pthread_cond_signal(&p->done_cv);
        pthread_mutex_unlock(&p->lock);
    }
}

static void *helper_main(void *arg)
{
    lk_pool *p = arg;
    uint32_t seen = 0;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->quit && p->gen == seen) pthread_cond_wait(&p->work, &p->lock);
        if (p->quit) break;
        seen = p->gen;
        void (*fn)(void *, size_t) = p->fn;
        void *a = p->arg;
        size_t n = p->n, c;
        pthread_mutex_unlock(&p->lock);
        while (claim(p, seen, n, &c)) {
            fn(a, c);
            helper_chunk_done(p, n);
        }
        pthread_mutex_lock(&p->lock);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

/* Whether p's helper runs (started now at its first step). */
static bool helper_up(lk_pool *p)
{
    if (!p->started && !p->failed) {
        p->started = pthread_create(&p->helper, NULL, helper_main, p) == 0;
        p->failed = !p->started;
    }
    return p->started;
}

void lk_pool_run(lk_pool *p, void (*fn)(void *arg, size_t chunk), void *arg, size_t n_chunks)
{
    if (!p || n_chunks < 2 || n_chunks > UINT32_MAX || !helper_up(p)) {
        for (size_t c = 0; c < n_chunks; c++) fn(arg, c);
        return;
    }
    pthread_mutex_lock(&p->lock);
    uint32_t gen = ++p->gen;
    if (!gen) gen = ++p->gen; /* 0 is the helper's "none yet" */
    p->fn = fn;
    p->arg = arg;
    p->n = n_chunks;
    atomic_store(&p->done, 0);
    atomic_store(&p->ticket, (uint64_t)gen << 32);
    pthread_mutex_unlock(&p->lock);
    pthread_cond_signal(&p->work); /* after the unlock: it wakes to a free lock */
    size_t c;
    while (claim(p, gen, n_chunks, &c)) {
        fn(arg, c);
        atomic_fetch_add(&p->done, 1);
    }
    if (atomic_load(&p->done) == n_chunks) return;
    pthread_mutex_lock(&p->lock); /* a chunk the helper is running */
    while (atomic_load(&p->done) < n_chunks) pthread_cond_wait(&p->done_cv, &p->lock);
    pthread_mutex_unlock(&p->lock);
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

void lk_pool_run_pair(lk_pool *p, void *(*fn)(void *), void *a, void *b)
{
    pair_job j = {fn, a, b};
    lk_pool_run(p, pair_chunk, &j, 2);
}
