/* run2.c: lk_run_pair, the fork/join of the two-thread phases of lk_bow_finish and TF-IDF
   weighting. */
#include <pthread.h>

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
