/* lstm_kernel.h: the LSTM inference step with its recurrent product fused in, on packed
   weights (x86-64 with AVX-512 or AVX2+FMA, chosen at run time; elsewhere there is no
   kernel and the cell keeps its plain step of cell.c).

   The plain step computes pre = h_prev W_h^T (B, 4H) with a matrix product, writes it out,
   then reads it back to apply the gates. Here W_h is stored in panels of w hidden units:
   panel u holds, for each k, the w rows of each gate i, f, g, o that belong to units
   [u w, u w + w) (4w floats per k), so one pass of k over a panel accumulates, in registers,
   the four gates of w units for up to 6 (AVX-512) or 3 (AVX2) batch rows at once; the gates,
   c and h of those units follow while the sums are still in registers. A panel (H x 4w
   floats, 32 KB for H = 128 with w = 16) stays in the L1 cache while every row of the batch
   goes through it, so W_h is read from L2 once per step whatever the batch size.

   Each pre-activation is the sum over k in order, with FMA (the plain step multiplies and
   adds separately): results differ from the plain step's by float rounding only. The
   gates use the same fastmath.h functions and operand order as lstm_row_forward (cell.c).
   Inference only: nothing is kept for a backward pass. */
#ifndef LK_MODELS_LSTM_KERNEL_H
#define LK_MODELS_LSTM_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/blas.h"

/* Panel width for hidden size H on this CPU: 16 (AVX-512), 8 (AVX2+FMA), or 0 (no kernel:
   another CPU or compiler, a float64 build, or H not a multiple of the width). */
int32_t lk_lstm_kernel_width(int32_t H);

/* True if this CPU runs the kernel of panel width w (16 or 8) and H is a multiple of w
   (tests use it to run both kernels of an AVX-512 CPU). */
bool lk_lstm_width_ok(int32_t w, int32_t H);

/* Elements of the packed copy of an LSTM's W_h (4H, H): 4 H H. */
size_t lk_lstm_pack_size(int32_t H);

/* dst (lk_lstm_pack_size(H) elements) = w_h (4H, H, row-major, gate order i f g o) in
   panels of width w: dst[((u H + k) 4 + g) w + v] = w_h[(g H + u w + v) H + k]. w must
   divide H. */
void lk_lstm_pack(const lk_real *w_h, int32_t H, int32_t w, lk_real *dst);

/* One inference step of B rows with packed weights pk (width w, lk_lstm_width_ok(w, H)):
     [i f g o] = xw + h_prev W_h^T;  c = f c_prev + i g;  h = o tanh(c)
   xw (B, 4H) is the input projection with the bias; h_prev, c_prev, h, c are (B, H), h and c
   distinct from h_prev and c_prev. mask (B) or NULL as in cell.h: a row with mask 0 carries
   h_prev and c_prev over. */
void lk_lstm_step_packed(int32_t B, int32_t H, int32_t w, const lk_real *pk,
                         const lk_real *xw, const lk_real *h_prev, const lk_real *c_prev,
                         const uint8_t *mask, lk_real *h, lk_real *c);

#endif
