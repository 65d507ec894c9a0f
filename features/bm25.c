/* bm25.c: BM25 variant formulas (see bm25.h and docs/search.md). */
#include "features/bm25.h"

#include <math.h>
#include <string.h>

static const char *const variant_names[LK_BM25_N_VARIANTS] = {"lucene", "robertson", "atire",
                                                               "bm25l", "bm25plus", "xapian"};

#define BM25L_DEFAULT_DELTA 0.5
#define BM25PLUS_DEFAULT_DELTA 1.0

lk_bm25_params lk_bm25_params_default(void)
{
    lk_bm25_params p = {LK_BM25_LUCENE, 1.2, 0.75, -1.0};
    return p;
}

lk_status lk_bm25_params_check(const lk_bm25_params *p, lk_error *err)
{
    if ((unsigned)p->variant >= LK_BM25_N_VARIANTS)
        return lk_error_set(err, LK_ERR_ARG, "unknown BM25 variant %d", (int)p->variant);
    if (!(p->k1 >= 0.0) || !isfinite(p->k1))
        return lk_error_set(err, LK_ERR_ARG, "k1 must be a finite number >= 0 (got %g)", p->k1);
    if (!(p->b >= 0.0 && p->b <= 1.0))
        return lk_error_set(err, LK_ERR_ARG, "b must be in [0, 1] (got %g)", p->b);
    if (!isfinite(p->delta))
        return lk_error_set(err, LK_ERR_ARG, "delta must be finite");
    return LK_OK;
}

bool lk_bm25_variant_parse(const char *name, lk_bm25_variant *out)
{
    for (int i = 0; i < LK_BM25_N_VARIANTS; i++)
        if (strcmp(name, variant_names[i]) == 0) {
            *out = (lk_bm25_variant)i;
            return true;
        }
    if (strcmp(name, "bm25+") == 0) {
        *out = LK_BM25_BM25PLUS;
        return true;
    }
    return false;
}

const char *lk_bm25_variant_name(lk_bm25_variant v)
{
    return (unsigned)v < LK_BM25_N_VARIANTS ? variant_names[v] : "?";
}

double lk_bm25_delta(const lk_bm25_params *p)
{
    if (p->delta >= 0.0) return p->delta;
    if (p->variant == LK_BM25_BM25L) return BM25L_DEFAULT_DELTA;
    if (p->variant == LK_BM25_BM25PLUS) return BM25PLUS_DEFAULT_DELTA;
    return 0.0;
}

double lk_bm25_idf(lk_bm25_variant v, double n_docs, double df)
{
    switch (v) {
    case LK_BM25_LUCENE: return log(1.0 + (n_docs - df + 0.5) / (df + 0.5));
    case LK_BM25_ROBERTSON: {
        double inner = (n_docs - df + 0.5) / (df + 0.5);
        return log(inner < 1.0 ? 1.0 : inner);
    }
    case LK_BM25_ATIRE: return log(n_docs / df);
    case LK_BM25_BM25L: return log((n_docs + 1.0) / (df + 0.5));
    case LK_BM25_BM25PLUS: return log((n_docs + 1.0) / df);
    case LK_BM25_XAPIAN: {
        /* Xapian 1.4's BM25Weight::init without a relevance set: the Robertson-Sparck Jones
           weight, lifted where it would be small or negative (a term in more than about a
           third of the documents) so that it stays above 0 */
        double tw = (n_docs - df + 0.5) / (df + 0.5);
        if (tw < 2.0) tw = tw * 0.5 + 1.0;
        return log(tw);
    }
    }
    return 0.0;
}

double lk_bm25_norm(const lk_bm25_params *p, double dl, double avgdl)
{
    return lk_bm25_norm_d(p->variant, p->k1, p->b, dl, avgdl);
}

double lk_bm25_tf_part(const lk_bm25_params *p, double tf, double norm)
{
    return lk_bm25_tf_part_d(p->variant, p->k1, lk_bm25_delta(p), tf, norm);
}

double lk_bm25_term_score(const lk_bm25_params *p, double n_docs, double df, double tf, double dl,
                          double avgdl)
{
    return lk_bm25_idf(p->variant, n_docs, df) *
           lk_bm25_tf_part(p, tf, lk_bm25_norm(p, dl, avgdl));
}
