/* crf.h: linear-chain CRF over L labels on top of per-step emission scores: log-space
   forward (alpha, log-partition), backward (beta), marginals, Viterbi and the negative
   log-likelihood gradient, each its own function. All sums run in double in a caller-owned
   workspace; the parameters are read-only, so threads share them.

   Score of a label path y over T steps with emissions e (T, L):
     s(y) = start[y_0] + sum_t e[t][y_t] + sum_{t>0} trans[y_{t-1}][y_t] + end[y_{T-1}]
   log Z = logsumexp over all L^T paths; NLL = log Z - s(gold).
   Emissions are addressed with a row stride `ld` (elements between steps t and t+1), so a
   sequence can be read straight out of a time-major (T, B, L) tensor: emit = base + b*L,
   ld = B*L. T >= 1 everywhere (an empty sequence has no score). */
#ifndef LK_MODELS_CRF_H
#define LK_MODELS_CRF_H

#include <stddef.h>
#include <stdint.h>

#include "models/blas.h"
#include "models/optim.h"

typedef struct {
    int32_t L;        /* labels */
    lk_real *trans;   /* (L, L): trans[i * L + j] = score of label i followed by j */
    lk_real *start;   /* (L) score of starting with label j */
    lk_real *end;     /* (L) score of ending with label i */
} lk_crf;             /* views into a flat buffer (values or gradients) */

typedef struct {
    int32_t L;
    size_t first_view;  /* view index of trans; start and end follow */
    size_t offset;      /* element offset of trans; start at +L*L, end at +L*L+L */
} lk_crf_layout;

/* Declare "<prefix>.trans" (L, L), "<prefix>.start" (1, L), "<prefix>.end" (1, L), all
   initialised to 0. LK_ERR_ARG for L < 1, LK_ERR_NOMEM, LK_ERR_RANGE. */
lk_status lk_crf_add_params(int32_t L, lk_params *p, const char *prefix, lk_crf_layout *out);

/* Point c into `base` (a buffer with the lk_params layout). */
void lk_crf_bind(const lk_crf_layout *lay, lk_real *base, lk_crf *c);

typedef struct lk_crf_ws lk_crf_ws; /* alpha, beta, backpointers; grows on demand */

lk_status lk_crf_ws_create(lk_crf_ws **out);
void lk_crf_ws_free(lk_crf_ws *ws); /* NULL is a no-op */

/* Make room for T steps of L labels. LK_ERR_NOMEM / LK_ERR_RANGE; ws unchanged on error. */
lk_status lk_crf_ws_reserve(lk_crf_ws *ws, int32_t T, int32_t L);

/* Log-space forward: fills alpha (T, L), alpha[t][j] = log sum of scores of all prefixes
   ending in j at t (start and emission included, end excluded). Returns log Z. Calls
   lk_crf_ws_reserve itself: on LK_ERR_NOMEM returns NaN. */
double lk_crf_alpha(const lk_crf *c, const lk_real *emit, int32_t ld, int32_t T, lk_crf_ws *ws);

/* Log-space backward: fills beta (T, L), beta[t][i] = log sum over suffixes after label i
   at t (end included, emission at t excluded). Returns log Z computed from beta (equals
   lk_crf_alpha's up to rounding). NaN on LK_ERR_NOMEM. */
double lk_crf_beta(const lk_crf *c, const lk_real *emit, int32_t ld, int32_t T, lk_crf_ws *ws);

/* Node marginals P(y_t = j) into marg (T, L), from the alpha and beta of the last
   lk_crf_alpha + lk_crf_beta calls on the same input (log Z from that lk_crf_alpha). */
void lk_crf_marginals(const lk_crf_ws *ws, int32_t T, double *marg);

/* Score s(tags) of a label path tags (T). */
double lk_crf_score(const lk_crf *c, const lk_real *emit, int32_t ld, int32_t T,
                    const int32_t *tags);

/* Best path into tags_out (T); returns its score. NaN on LK_ERR_NOMEM. Ties go to the
   lower label id. */
double lk_crf_viterbi(const lk_crf *c, const lk_real *emit, int32_t ld, int32_t T,
                      lk_crf_ws *ws, int32_t *tags_out);

/* NLL = log Z - s(tags) (>= 0). Runs alpha and beta, keeping them in ws for
   lk_crf_nll_backward. NaN on LK_ERR_NOMEM. */
double lk_crf_nll_forward(const lk_crf *c, const lk_real *emit, int32_t ld, int32_t T,
                          const int32_t *tags, lk_crf_ws *ws);

/* Gradient of scale * NLL after lk_crf_nll_forward on the same input (alpha, beta and
   log Z are read from ws; ws scratch is reused): ADDS scale * (expected - empirical) counts into demit (T rows of
   stride ld) and into g's trans, start and end (the log-likelihood gradient is empirical
   minus expected). */
void lk_crf_nll_backward(const lk_crf *c, const lk_real *emit, int32_t ld, int32_t T,
                         const int32_t *tags, lk_crf_ws *ws, lk_real scale,
                         lk_real *demit, lk_crf *g);

/* Batch helpers over time-major emissions (T, B, L), tags (T, B) and lengths (B)
   (sequences with length 0 are skipped). Sum of NLLs; if demit is not NULL also ADDS
   scale * gradient into demit (T, B, L) and g (g may be NULL when demit is NULL). NaN on
   LK_ERR_NOMEM. */
double lk_crf_batch_nll(const lk_crf *c, const lk_real *emit, int32_t T, int32_t B,
                        const int32_t *lengths, const int32_t *tags, lk_crf_ws *ws,
                        lk_real scale, lk_real *demit, lk_crf *g);

/* Viterbi per sequence into tags_out (T, B) (padded steps get LK_ID_NONE).
   LK_ERR_NOMEM. */
lk_status lk_crf_batch_viterbi(const lk_crf *c, const lk_real *emit, int32_t T, int32_t B,
                               const int32_t *lengths, lk_crf_ws *ws, int32_t *tags_out);

#endif
