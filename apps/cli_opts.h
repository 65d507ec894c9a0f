/* cli_opts.h: declarative option tables for the subcommands. A command lists its options
   once (name, kind, destination, bounds) and lk_cli_parse does the loop every command used to
   write by hand: "--name VALUE" and "--name=VALUE", flags refusing a value, range-checked
   numbers, closed sets of words, and one wording for every usage error. */
#ifndef LK_APPS_CLI_OPTS_H
#define LK_APPS_CLI_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    LK_OPT_FLAG,   /* no value: *(bool *)dst = !negate */
    LK_OPT_STR,    /* *(const char **)dst = value (non-empty) */
    LK_OPT_LONG,   /* *(long *)dst, min <= v <= max */
    LK_OPT_I32,    /* *(int32_t *)dst, min <= v <= max (bounds within int32_t) */
    LK_OPT_DOUBLE, /* *(double *)dst, min <= v <= max */
    LK_OPT_RANGE,  /* "A:B" or "A": ((long *)dst)[0..1], min <= A <= B <= max */
    LK_OPT_CHOICE, /* *(int *)dst = index of the value in choices (NULL-terminated) */
    LK_OPT_CUSTOM, /* parse(user, cmd, name, value): true if accepted (it prints the error) */
} lk_opt_kind;

typedef struct {
    const char *name; /* "--input" */
    lk_opt_kind kind;
    void *dst;
    long lmin, lmax;               /* LONG, RANGE bounds */
    double dmin, dmax;             /* DOUBLE bounds */
    const char *const *choices;    /* CHOICE */
    bool negate;                   /* FLAG: store false ("--no-lower") */
    bool (*parse)(void *user, const char *cmd, const char *name, const char *val); /* CUSTOM */
    bool *seen;                    /* set when the option is given (may be NULL) */
} lk_cli_option;

/* Table entries. */
#define LKO_FLAG(n, d) {.name = (n), .kind = LK_OPT_FLAG, .dst = (d)}
#define LKO_NOFLAG(n, d) {.name = (n), .kind = LK_OPT_FLAG, .dst = (d), .negate = true}
#define LKO_STR(n, d) {.name = (n), .kind = LK_OPT_STR, .dst = (d)}
#define LKO_LONG(n, d, lo, hi) {.name = (n), .kind = LK_OPT_LONG, .dst = (d), .lmin = (lo), .lmax = (hi)}
#define LKO_I32(n, d, lo, hi) {.name = (n), .kind = LK_OPT_I32, .dst = (d), .lmin = (lo), .lmax = (hi)}
#define LKO_DOUBLE(n, d, lo, hi) \
    {.name = (n), .kind = LK_OPT_DOUBLE, .dst = (d), .dmin = (lo), .dmax = (hi)}
#define LKO_RANGE(n, d, lo, hi) {.name = (n), .kind = LK_OPT_RANGE, .dst = (d), .lmin = (lo), .lmax = (hi)}
#define LKO_CHOICE(n, d, c) {.name = (n), .kind = LK_OPT_CHOICE, .dst = (d), .choices = (c)}
#define LKO_CUSTOM(n, f) {.name = (n), .kind = LK_OPT_CUSTOM, .parse = (f)}

/* Parse argv[1..argc) against opts[0..n). "--help"/"-h" calls help(user) and returns
   LK_EXIT_OK; a usage error is printed and returns LK_EXIT_USAGE; -1 means go on. */
int lk_cli_parse(const char *cmd, int argc, char **argv, const lk_cli_option *opts, size_t n,
                 void (*help)(void *user), void *user);

#define LK_OPTS_N(a) (sizeof(a) / sizeof *(a))

#endif
