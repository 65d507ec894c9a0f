/* bm25.h: the BM25 scoring variants of Kamphuis et al. (ECIR 2020), as named by bm25s:
   lucene (default), robertson, atire, bm25l, bm25plus; and xapian (Xapian 1.4's BM25Weight).
   A document's score is the sum over the query's tokens present in it of
   idf(df) * tf_part(tf, dl); see docs/search.md. */
#ifndef LK_FEATURES_BM25_H
#define LK_FEATURES_BM25_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "text/error.h"

typedef enum {
    LK_BM25_LUCENE = 0, /* idf ln(1 + (N-df+.5)/(df+.5)), tf/(tf + k1(1-b+b dl/avgdl)) */
    LK_BM25_ROBERTSON,  /* idf ln(max(1, (N-df+.5)/(df+.5))) (bm25s: no negatives), lucene tf */
    LK_BM25_ATIRE,      /* idf ln(N/df), (k1+1) tf/(tf + k1(1-b+b dl/avgdl)) */
    LK_BM25_BM25L,      /* idf ln((N+1)/(df+.5)), (k1+1)(c+d)/(k1+c+d), c = tf/(1-b+b dl/avgdl) */
    LK_BM25_BM25PLUS,   /* idf ln((N+1)/df), (k1+1) tf/(k1(1-b+b dl/avgdl) + tf) + d */
    LK_BM25_XAPIAN,     /* Xapian BM25Weight(k1, 0, 1, b, 0.5): idf ln(w), w = (N-df+.5)/(df+.5)
                           or w/2 + 1 where that is < 2; (k1+1) tf/(tf + k1(1-b+b L)),
                           L = max(dl/avgdl, .5) (.5 when avgdl is 0) */
} lk_bm25_variant;

#define LK_BM25_N_VARIANTS 6

/* Xapian's min_normlen: the length normalisation of xapian never goes below this. */
#define LK_BM25_XAPIAN_MIN_NORMLEN 0.5

typedef struct {
    lk_bm25_variant variant;
    double k1;    /* >= 0; default 1.2 */
    double b;     /* in [0, 1]; default 0.75 */
    double delta; /* bm25l/bm25plus only; < 0 means the variant default (0.5 / 1.0) */
} lk_bm25_params;

/* lucene, k1 = 1.2, b = 0.75, delta = variant default. */
lk_bm25_params lk_bm25_params_default(void);

/* LK_ERR_ARG with a reason when a parameter is out of range. */
lk_status lk_bm25_params_check(const lk_bm25_params *p, lk_error *err);

/* Variant by name ("lucene", "robertson", "atire", "bm25l", "bm25plus", "xapian"; "bm25+"
   also); false if unknown. */
bool lk_bm25_variant_parse(const char *name, lk_bm25_variant *out);
const char *lk_bm25_variant_name(lk_bm25_variant v);

/* delta actually used (the variant default when p->delta < 0). */
double lk_bm25_delta(const lk_bm25_params *p);

/* idf of a term with document frequency df (1 <= df <= n_docs) in n_docs documents. */
double lk_bm25_idf(lk_bm25_variant v, double n_docs, double df);

/* Per-document length factor: k1 * (1 - b + b * dl / avgdl) for lucene/robertson/atire/
   bm25plus, (1 - b + b * dl / avgdl) for bm25l, k1 * (1 - b + b * max(dl / avgdl, 0.5)) for
   xapian. Non-decreasing in dl. Precompute once per document. */
double lk_bm25_norm(const lk_bm25_params *p, double dl, double avgdl);

/* lk_bm25_norm with the parameters spread out, inline for scoring loops. */
static inline double lk_bm25_norm_d(lk_bm25_variant v, double k1, double b, double dl,
                                    double avgdl)
{
    if (v == LK_BM25_XAPIAN) { /* as Xapian: dl times 1/avgdl (0 when avgdl is 0) */
        double normlen = avgdl != 0.0 ? dl * (1.0 / avgdl) : 0.0;
        if (normlen < LK_BM25_XAPIAN_MIN_NORMLEN) normlen = LK_BM25_XAPIAN_MIN_NORMLEN;
        return k1 * (normlen * b + (1.0 - b));
    }
    double lnorm = 1.0 - b + (avgdl > 0.0 ? b * dl / avgdl : 0.0);
    return v == LK_BM25_BM25L ? lnorm : k1 * lnorm;
}

/* Term-frequency part for tf >= 1 given the document's norm (lk_bm25_norm). Increasing in tf,
   decreasing in norm. The score contribution of a term is idf * tf_part. */
double lk_bm25_tf_part(const lk_bm25_params *p, double tf, double norm);

/* The same as lk_bm25_tf_part with delta already resolved (lk_bm25_delta), inline for
   scoring loops. */
static inline double lk_bm25_tf_part_d(lk_bm25_variant v, double k1, double delta, double tf,
                                       double norm)
{
    switch (v) {
    case LK_BM25_LUCENE:
    case LK_BM25_ROBERTSON: return tf / (tf + norm);
    case LK_BM25_ATIRE: return (k1 + 1.0) * tf / (tf + norm);
    case LK_BM25_XAPIAN: return (k1 + 1.0) * (tf / (norm + tf));
    case LK_BM25_BM25L: {
        double c = tf / norm;
        return (k1 + 1.0) * (c + delta) / (k1 + c + delta);
    }
    case LK_BM25_BM25PLUS: return (k1 + 1.0) * tf / (norm + tf) + delta;
    }
    return 0.0;
}

/* Whole contribution idf * tf_part, from raw statistics (reference for tests). */
double lk_bm25_term_score(const lk_bm25_params *p, double n_docs, double df, double tf, double dl,
                          double avgdl);

#endif
