/* features_opts.h: `lexkit bow` and `lexkit tfidf` share their options and their run;
   both live in cmd_bow.c (the build links only cmd_*.c files into the CLI). */
#ifndef LK_APPS_FEATURES_OPTS_H
#define LK_APPS_FEATURES_OPTS_H

#include <stdbool.h>

/* Run `lexkit bow` (tfidf false) or `lexkit tfidf`; argv[0] is the command name.
   Returns the exit status. */
int lk_features_main(int argc, char **argv, bool tfidf);

#endif
