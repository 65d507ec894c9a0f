/* run2.c: the fork/join of the two-thread phases of lk_bow_finish, the fit's merge and the
   TF-IDF weighting. */
#include <pthread.h>
#include <stdatomic.h>

#include "features/features_internal.h"

void lk_run_pair(void *(*fn)(void *), void *a, void *b, bool two)
{
    pthread_t th;
    if (two && pthread_create(&th, NULL, fn, a) == 0) {
        fn(b);
        pthread_join(th, NULL);
        return;
    }
    fn(a);
    fn(b);
}

typedef struct {
    void (*fn)(void *arg, size_t chunk);
    void *arg;
    size_t n;
    atomic_size_t next; /* the next chunk to claim */
} chunk_pool;

static void *run_chunks(void *arg)
{
    chunk_pool *p = arg;
    for (size_t c; (c = atomic_fetch_add_explicit(&p->next, 1, memory_order_relaxed)) < p->n;)
        p->fn(p->arg, c);
    return NULL;
}

void lk_run_chunks(void (*fn)(void *arg, size_t chunk), void *arg, size_t n_chunks, bool two)
{
    chunk_pool p = {fn, arg, n_chunks, 0};
    pthread_t th;
    bool started = two && n_chunks > 1 && pthread_create(&th, NULL, run_chunks, &p) == 0;
    run_chunks(&p);
    if (started) pthread_join(th, NULL);
}
