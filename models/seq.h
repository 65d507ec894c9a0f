/* seq.h: the one sequence driver for all cells: time loop over T in forward and reverse
   direction, bidirectional concatenation, stacked layers, padding masks, full and truncated
   BPTT. Batched and time-major: B sequences of up to T steps.

   Shapes: x (T, B, I) input; out (T, B, D*H) with D = 2 if bidirectional (forward direction
   in columns [0, H), reverse in [H, 2H)), else 1. lengths (B): sequence b occupies steps
   [0, lengths[b]); padded steps (t >= lengths[b]) give out = 0 and get no gradient, and the
   reverse direction starts at step lengths[b]-1 from the initial state.
   Sort a batch by length (either order) for speed: then each step runs only its real rows
   (padded rows skip the cell); unsorted lengths work too, with all B rows and a mask.
   The input projection of a layer is one gemm (T*B, I) x (I, G*H); each step does one
   recurrent gemm (B, H) x (H, G*H); the weight gradients are one gemm each over all steps. Parameters (lk_seq_weights) are read-only during
   forward/backward; all mutable state is in the caller-owned lk_seq_ws, so threads share
   the weights and each uses its own workspace (and its own gradient buffer). */
#ifndef LK_MODELS_SEQ_H
#define LK_MODELS_SEQ_H

#include <stdbool.h>
#include <stdint.h>

#include "models/blas.h"
#include "models/cell.h"
#include "models/optim.h"
#include "text/error.h"

#define LK_SEQ_MAX_LAYERS 8

typedef struct {
    lk_cell_type cell;  /* LK_CELL_LSTM by default */
    int32_t input;      /* I: input features per step (> 0) */
    int32_t hidden;     /* H: hidden units per direction (> 0) */
    int32_t layers;     /* stacked layers, 1..LK_SEQ_MAX_LAYERS; layer l > 0 reads D*H */
    bool bidirectional; /* D = 2 (concat [fwd | bwd]) or 1 */
    int32_t bptt;       /* 0 = full BPTT; N > 0 = truncated: the recurrent gradient is cut
                           every N steps (in each direction's processing order, counted
                           from its first step: forward cuts between t = kN-1 and kN, reverse
                           between t = T-kN and T-kN-1), so no gradient flows back more
                           than N steps; the forward pass is unchanged */
    float dropout;      /* inverted dropout on the outputs of every layer but the last
                           (the inputs of layers 1..), train-mode forwards only; masks drawn
                           from the workspace's rng (lk_seq_ws_seed). 0 = off, < 1 */
} lk_seq_config;

/* LSTM, input 0 (must be set), hidden 128, 1 layer, bidirectional, full BPTT, no dropout. */
lk_seq_config lk_seq_config_default(void);

/* LK_ERR_ARG naming the bad field (e.g. "hidden must be > 0"). */
lk_status lk_seq_config_check(const lk_seq_config *c, lk_error *err);

typedef struct {
    lk_seq_config cfg;
    size_t first_view;                       /* index of the first view in lk_params */
    size_t offset[LK_SEQ_MAX_LAYERS][2];     /* element offset of cell (layer, dir) */
    size_t n_params;                         /* total elements of all cells */
} lk_seq;                                    /* model description: config + layout */

typedef struct {
    lk_cell cell[LK_SEQ_MAX_LAYERS][2];      /* [layer][dir], dir 0 = forward, 1 = reverse */
} lk_seq_weights;                            /* views into a flat buffer (values or grads) */

/* Check c, then declare all cells' parameters in p as "<prefix>.l<k>.fwd.*" and
   "<prefix>.l<k>.bwd.*" (see lk_cell_add_params for the init) and fill m. Before
   lk_params_alloc. LK_ERR_ARG (bad config), LK_ERR_NOMEM, LK_ERR_RANGE. */
lk_status lk_seq_add_params(lk_seq *m, const lk_seq_config *c, lk_params *p,
                            const char *prefix, lk_error *err);

/* Point w's cells into `base`, a buffer with the lk_params layout (p->data, p->grad, ...). */
void lk_seq_bind(const lk_seq *m, lk_real *base, lk_seq_weights *w);

/* D*H: columns of `out`. */
int32_t lk_seq_output_size(const lk_seq *m);

typedef struct lk_seq_ws lk_seq_ws; /* caches and scratch; grows on demand, then reused */

/* A workspace; its dropout rng starts from seed 0. */
lk_status lk_seq_ws_create(lk_seq_ws **out);

/* Reseed the workspace's dropout rng (e.g. seed + worker id, for reproducible runs). */
void lk_seq_ws_seed(lk_seq_ws *ws, uint64_t seed);
void lk_seq_ws_free(lk_seq_ws *ws); /* NULL is a no-op */

/* Run all layers over x (T, B, I) and write out (T, B, D*H).
   lengths (B) with 0 <= lengths[b] <= T, or NULL (all T). s0: initial states
   (layers*D, S*B*H) in [layer][dir] order, or NULL for zeros; each state is S blocks of
   (B, H) (S = 2 for LSTM: h block then c block).
   train: keep every step's cache for lk_seq_backward (otherwise only what inference
   needs). Borrows x and lengths until lk_seq_backward returns (they must not change).
   LK_ERR_NOMEM if the workspace cannot grow (ws then unusable for backward until the next
   successful forward), LK_ERR_RANGE if T*B is too large to address, LK_ERR_ARG for T or
   B < 1 or a length out of range. */
lk_status lk_seq_forward(const lk_seq *m, const lk_seq_weights *w, lk_seq_ws *ws, int32_t T,
                         int32_t B, const lk_real *x, const int32_t *lengths, const lk_real *s0,
                         bool train, lk_real *out);

/* Inference forward (no caches) whose first-layer input projections are given:
   xw0[d] (T, B, G*H) = x W_x^T + b of direction d, for instance summed from per-id tables;
   padded rows are not read when lengths are sorted. Borrows xw0 until the next forward. */
lk_status lk_seq_forward_xw(const lk_seq *m, const lk_seq_weights *w, lk_seq_ws *ws, int32_t T,
                            int32_t B, const lk_real *const *xw0, const int32_t *lengths,
                            lk_real *out);

/* Backpropagate dout (T, B, D*H) through the last train-mode forward: ADDS into g's
   tensors and into dx (T, B, I) if not NULL. Gradients on padded steps of dout are ignored.
   LK_ERR_ARG if the last forward was not in train mode (or already backpropagated: the
   caches are consumed) or m does not match it. Allocates nothing. */
lk_status lk_seq_backward(const lk_seq *m, const lk_seq_weights *w, lk_seq_ws *ws,
                          const lk_real *dout, lk_seq_weights *g, lk_real *dx);

/* Copy into out (S*B*H: h (B, H), then c (B, H) for LSTM) the state of cell (layer, dir)
   after it processed time step t (0 <= t < T) in the last forward; t = -1 (forward dir) or
   t = T (reverse dir) gives the initial state. For chunked processing / truncated BPTT. */
void lk_seq_ws_state(const lk_seq_ws *ws, int32_t layer, int32_t dir, int32_t t, lk_real *out);

#endif
