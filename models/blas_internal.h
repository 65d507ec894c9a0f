/* blas_internal.h: lk_real-typed math for the models .c files (float32 in the library,
   float64 under LK_REAL_DOUBLE). Not installed. (No <tgmath.h>: its `I` macro would clash
   with the shape names.) */
#ifndef LK_MODELS_BLAS_INTERNAL_H
#define LK_MODELS_BLAS_INTERNAL_H

#include <math.h>

#include "models/blas.h"

#ifdef LK_REAL_DOUBLE
#define LK_EXP exp
#define LK_LOG log
#define LK_TANH tanh
#define LK_SQRT sqrt
#else
#define LK_EXP expf
#define LK_LOG logf
#define LK_TANH tanhf
#define LK_SQRT sqrtf
#endif

#endif
