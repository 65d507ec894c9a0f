/* cmd_tfidf.c: `lexkit tfidf`: TF-IDF weighted document-term matrix (TfidfVectorizer). */
#include "apps/cli.h"
#include "apps/features_opts.h"

static int run_tfidf(int argc, char **argv) { return lk_features_main(argc, argv, true); }

const lk_command lk_cmd_def_tfidf = {"tfidf", run_tfidf,
                                     "TF-IDF matrix (like TfidfVectorizer)"};
