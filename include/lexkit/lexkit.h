/* lexkit.h: the lexkit C API, one header per task. Link with `pkg-config --libs lexkit`. */
#ifndef LEXKIT_H
#define LEXKIT_H

#include "status.h"
#include "tokenize.h"
#include "vocab.h"
#include "features.h"
#include "search.h"
#include "embeddings.h"
#include "tagger.h"

#endif
