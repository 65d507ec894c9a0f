/* cell.h: recurrent cells (Elman RNN tanh/ReLU, LSTM, GRU) behind one interface; each is a
   batched step_forward/step_backward pair. The input projection x W_x^T + b is computed
   outside the step (by the sequence driver, one gemm for all timesteps); the step adds the
   recurrent part h_prev W_h^T (one gemm across the batch) and applies the gates. The
   recurrent weight gradient is also left to the caller (lk_cell_backward_w_h), so the
   driver does it with one gemm over all timesteps.

   Shapes (per call): B sequences, H hidden units, G = n_gates.
     xw           (B, G*H)  input projection x W_x^T + b for this step
     h, h_prev    (B, H)    hidden state
     c, c_prev    (B, H)    LSTM cell state (state_mult 2); NULL for the other cells
     cache        (B * cache_mult * H) saved activations, filled by forward, read by backward
     mask         (B) 1 = real step, 0 = padding: the state is carried over (h = h_prev,
                  c = c_prev) and no gradient flows into that step's gates; NULL = all 1

   Equations (x-part xw already includes the bias b):
     RNN : h = act(xw + W_h h_prev)                       act = tanh or relu
     LSTM: [i f g o] = xw + W_h h_prev;  i,f,o = sigmoid, g = tanh;
           c = f*c_prev + i*g;  h = o*tanh(c)              (gate order i,f,g,o; forget bias 1
                                                           by lk_cell_add_params' init)
     GRU : PyTorch's formulation, gate order r,z,n:
           r = sigmoid(xw_r + W_hr h_prev),  z = sigmoid(xw_z + W_hz h_prev)
           n = tanh(xw_n + r * (W_hn h_prev + b_hn))
           h = (1 - z) * n + z * h_prev                   (b_hn is the GRU's extra bias)
   Parameters are views into a flat buffer (see optim.h); lk_cell is a value struct and is
   read-only during forward/backward, so one lk_cell can serve many threads. */
#ifndef LK_MODELS_CELL_H
#define LK_MODELS_CELL_H

#include <stdbool.h>
#include <stdint.h>

#include "models/blas.h"
#include "models/optim.h"

typedef enum {
    LK_CELL_RNN_TANH = 0,
    LK_CELL_RNN_RELU = 1,
    LK_CELL_LSTM = 2,
    LK_CELL_GRU = 3,
} lk_cell_type;

typedef struct lk_cell_ops lk_cell_ops;

typedef struct lk_cell {
    const lk_cell_ops *ops;
    int32_t I, H;     /* input size, hidden size */
    lk_mat w_x;       /* (G*H, I) input weights (used by the driver's projection) */
    lk_mat w_h;       /* (G*H, H) recurrent weights */
    lk_real *b;       /* (G*H) bias, added in the input projection */
    lk_real *b_hn;    /* (H) GRU only: recurrent bias of n inside r*(...); NULL otherwise */
    /* Optional transposed copies for inference (NULL from lk_cell_bind): when set, forward
       steps and the driver's projection use lk_gemm_kn (no BLAS, no lock) with them. */
    const lk_real *w_h_t; /* (H, G*H) = w_h^T */
    const lk_real *w_x_t; /* (I, G*H) = w_x^T */
    /* Optional packed copy of w_h for the fused LSTM inference step (lstm_kernel.h; NULL
       from lk_cell_bind): when set, an LSTM step runs lk_lstm_step_packed with panel width
       w_h_pk_width and writes no cache (inference only, like w_h_t). */
    const lk_real *w_h_pk;
    int32_t w_h_pk_width;
} lk_cell;

struct lk_cell_ops {
    const char *name;          /* "rnn-tanh" | "rnn-relu" | "lstm" | "gru" */
    int32_t n_gates;           /* G: 1 | 4 | 3 */
    int32_t state_mult;        /* 1 (h) or 2 (h and c) */
    int32_t cache_mult;        /* cache per step is (B * cache_mult * H) */
    bool dhw_differs;          /* true (GRU): dhw != dxw, so the caller needs a dhw buffer */
    /* One step: writes h, c (LSTM) and cache. Uses p->w_h (and p->b_hn). */
    void (*step_forward)(const lk_cell *p, int32_t B, const lk_real *xw, const lk_real *h_prev,
                         const lk_real *c_prev, const uint8_t *mask, lk_real *h, lk_real *c,
                         lk_real *cache);
    /* Given dh (and dc) = dLoss/dh, dLoss/dc (total, including the path from later steps):
       WRITES dxw (B, G*H) = dLoss/dxw and dhw (B, G*H) = dLoss/d(h_prev W_h^T), both zero
       on masked rows (dhw may be the same pointer as dxw unless dhw_differs);
       ADDS into dh_prev, dc_prev (LSTM) and grad->b_hn (GRU). Does not touch grad->w_h
       (see lk_cell_backward_w_h), grad->w_x or grad->b (the driver gets those from dxw). */
    void (*step_backward)(const lk_cell *p, int32_t B, const lk_real *h_prev,
                          const lk_real *c_prev, const uint8_t *mask, const lk_real *cache,
                          const lk_real *dh, const lk_real *dc, lk_cell *grad, lk_real *dxw,
                          lk_real *dhw, lk_real *dh_prev, lk_real *dc_prev);
};

/* grad->w_h += dhw^T @ h_prev for n rows: dhw (n, G*H), h_prev (n, H). n = B for one step,
   or T*B for all steps at once when the h_prev of consecutive steps are contiguous. */
void lk_cell_backward_w_h(const lk_cell *p, int32_t n, const lk_real *h_prev,
                          const lk_real *dhw, lk_cell *grad);

/* Ops table of a cell type (static const; never NULL for a valid type). */
const lk_cell_ops *lk_cell_ops_get(lk_cell_type type);

/* Name used in files and on the command line ("rnn-tanh", "rnn-relu", "lstm", "gru"). */
const char *lk_cell_type_name(lk_cell_type type);

/* Parse a name: "rnn" (= rnn-tanh), "rnn-tanh", "rnn-relu", "lstm", "gru". LK_ERR_ARG if
   unknown. */
lk_status lk_cell_type_parse(const char *name, lk_cell_type *out);

/* Number of parameters of one cell: G*H*I + G*H*H + G*H (+ H for the GRU). */
size_t lk_cell_param_count(lk_cell_type type, int32_t I, int32_t H);

/* Declare the cell's views in p, named "<prefix>.w_x", ".w_h", ".b" (and ".b_hn"), with
   the standard init: w_x Xavier per gate block, w_h orthogonal per gate block (identity for
   rnn-relu), b zero (LSTM: forget quarter 1). *first_view_out = index of w_x's view. */
lk_status lk_cell_add_params(lk_cell_type type, int32_t I, int32_t H, lk_params *p,
                             const char *prefix, size_t *first_view_out);

/* Bind c's views to `base + offset`, where offset is the element offset of the cell's
   first tensor (p->views[first_view].offset) and base is any buffer with p's layout
   (values or gradients). */
void lk_cell_bind(lk_cell_type type, int32_t I, int32_t H, lk_real *base, size_t offset,
                  lk_cell *c);

#endif
