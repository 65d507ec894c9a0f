/* cli_opts.h: declarative option tables for the subcommands. A command lists its options
   once (name, kind, destination, bounds, help line) and lk_cli_parse does the loop every
   command used to write by hand: "--name VALUE" and "--name=VALUE", flags refusing a value,
   range-checked numbers, closed sets of words, one wording for every usage error, old
   spellings kept as aliases, and `--help` generated from the table with each default. */
#ifndef LK_APPS_CLI_OPTS_H
#define LK_APPS_CLI_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "text/error.h"

typedef enum {
    LK_OPT_FLAG,   /* no value: *(bool *)dst = !negate */
    LK_OPT_STR,    /* *(const char **)dst = value (non-empty) */
    LK_OPT_LONG,   /* *(long *)dst, min <= v <= max */
    LK_OPT_I32,    /* *(int32_t *)dst, min <= v <= max (bounds within int32_t) */
    LK_OPT_DOUBLE, /* *(double *)dst, min <= v <= max */
    LK_OPT_RANGE,  /* "A:B" or "A": ((long *)dst)[0..1], min <= A <= B <= max */
    LK_OPT_CHOICE, /* *(int *)dst = index of the value in choices (NULL-terminated) */
    LK_OPT_CUSTOM, /* parse(user, cmd, name, value): true if accepted (it prints the error) */
    LK_OPT_STDOUT, /* --output FILE for a command that prints to standard output: after a
                      successful parse stdout goes to FILE, replaced atomically at exit when
                      the command succeeds (lk_cli_stdout_finish) */
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
    const char *arg;      /* value name in --help ("FILE"); NULL: from the kind */
    const char *help;     /* one line for --help; "(default: X)" is appended from *dst unless
                             the line says "default" or "required" itself */
    bool stdin_hint;      /* STR "--input": hint on a terminal when none or "-" is given */
    const char *alias_of; /* this name is an old spelling of that option: accepted and listed
                             as an alias in --help */
    bool deprecated;      /* alias only: a note on stderr when used (not with --quiet); not
                             for spellings the CLI contract keeps (docs/CLI.md) */
} lk_cli_option;

/* Table entries. The trailing arguments are optional: LKO_STR(n, d) or
   LKO_STR(n, d, "FILE", "what it is"); the numeric kinds take only the help line. After the
   help line may come `seen`, a bool * set when the option is given:
   LKO_I32("--dim", &c.dim, 1, 100000, "vector size", &dim_given). */
#define LKO_STR(...) LKO_STR_(__VA_ARGS__, NULL, NULL, NULL, NULL)
#define LKO_STR_(n, d, a, h, s, ...) \
    {.name = (n), .kind = LK_OPT_STR, .dst = (d), .seen = (s), .arg = (a), .help = (h)}
#define LKO_FLAG(...) LKO_FLAG_(__VA_ARGS__, NULL, NULL, NULL)
#define LKO_FLAG_(n, d, h, s, ...) \
    {.name = (n), .kind = LK_OPT_FLAG, .dst = (d), .seen = (s), .help = (h)}
#define LKO_NOFLAG(...) LKO_NOFLAG_(__VA_ARGS__, NULL, NULL, NULL)
#define LKO_NOFLAG_(n, d, h, s, ...) \
    {.name = (n), .kind = LK_OPT_FLAG, .dst = (d), .negate = true, .seen = (s), .help = (h)}
#define LKO_LONG(...) LKO_LONG_(__VA_ARGS__, NULL, NULL, NULL)
#define LKO_LONG_(n, d, lo, hi, h, s, ...) \
    {.name = (n), .kind = LK_OPT_LONG, .dst = (d), .lmin = (lo), .lmax = (hi), .seen = (s), \
     .help = (h)}
#define LKO_I32(...) LKO_I32_(__VA_ARGS__, NULL, NULL, NULL)
#define LKO_I32_(n, d, lo, hi, h, s, ...) \
    {.name = (n), .kind = LK_OPT_I32, .dst = (d), .lmin = (lo), .lmax = (hi), .seen = (s), \
     .help = (h)}
#define LKO_DOUBLE(...) LKO_DOUBLE_(__VA_ARGS__, NULL, NULL, NULL)
#define LKO_DOUBLE_(n, d, lo, hi, h, s, ...) \
    {.name = (n), .kind = LK_OPT_DOUBLE, .dst = (d), .dmin = (lo), .dmax = (hi), .seen = (s), \
     .help = (h)}
#define LKO_RANGE(...) LKO_RANGE_(__VA_ARGS__, NULL, NULL, NULL)
#define LKO_RANGE_(n, d, lo, hi, h, s, ...) \
    {.name = (n), .kind = LK_OPT_RANGE, .dst = (d), .lmin = (lo), .lmax = (hi), .seen = (s), \
     .help = (h)}
#define LKO_CHOICE(...) LKO_CHOICE_(__VA_ARGS__, NULL, NULL, NULL)
#define LKO_CHOICE_(n, d, c, h, s, ...) \
    {.name = (n), .kind = LK_OPT_CHOICE, .dst = (d), .choices = (c), .seen = (s), .help = (h)}
#define LKO_CUSTOM(...) LKO_CUSTOM_(__VA_ARGS__, NULL, NULL, NULL)
#define LKO_CUSTOM_(n, f, a, h, ...) {.name = (n), .kind = LK_OPT_CUSTOM, .parse = (f), .arg = (a), .help = (h)}
/* An input file option defaulting to standard input: LKO_STR plus the terminal hint. */
#define LKO_INPUT(...) LKO_INPUT_(__VA_ARGS__, NULL, NULL, NULL)
#define LKO_INPUT_(n, d, a, h, ...) \
    {.name = (n), .kind = LK_OPT_STR, .dst = (d), .arg = (a), .help = (h), .stdin_hint = true}
/* --output FILE for commands that print (see LK_OPT_STDOUT). */
#define LKO_STDOUT(n) \
    {.name = (n), .kind = LK_OPT_STDOUT, .arg = "FILE", \
     .help = "write the output there, atomically (default: standard output)"}
/* `old` is an old spelling of the option `now` (parsed as `now`). LKO_ALIAS: kept by the
   contract, silent; LKO_DEPRECATED: a note on stderr when used. */
#define LKO_ALIAS(old, now) {.name = (old), .alias_of = (now)}
#define LKO_DEPRECATED(old, now) {.name = (old), .alias_of = (now), .deprecated = true}

/* Parse argv[1..argc) against opts[0..n). "--help"/"-h" calls help(user) (synopsis and
   description), lists the options from the table and returns LK_EXIT_OK; a usage error is
   printed and returns LK_EXIT_USAGE; -1 means go on. After a successful parse, an
   LKO_INPUT option left unset (or "-") gets lk_cli_stdin_hint. */
int lk_cli_parse(const char *cmd, int argc, char **argv, const lk_cli_option *opts, size_t n,
                 void (*help)(void *user), void *user);

/* When path is NULL or "-" and standard input is a terminal, tell on stderr that the
   command waits for standard input (a command started without --input seems to hang). */
void lk_cli_stdin_hint(const char *cmd, const char *path);

/* The option lines of --help: "  --name ARG   help (default: X)", aliases last. */
void lk_cli_print_options(FILE *out, const lk_cli_option *opts, size_t n);

/* Where standard output goes, for messages: the FILE an LK_OPT_STDOUT option redirected it
   to, else "standard output". Borrowed. */
const char *lk_cli_stdout_name(void);

/* Flush standard output and check it for any write error since the start (stdio drops a
   buffer it failed to write, so a later fflush alone succeeds): LK_ERR_IO
   "NAME: write error: reason" naming lk_cli_stdout_name(). Call it after each chunk of
   output (a long run stops at the first failed write) and before returning success. */
lk_status lk_cli_stdout_check(lk_error *err);

/* A command's last step: with rc LK_EXIT_OK, lk_cli_stdout_check; a write error is printed
   ("lexkit CMD: NAME: write error: reason") and gives LK_EXIT_FAIL. Other rc pass through. */
int lk_cli_stdout_exit(const char *cmd, int rc);

/* Called by main() with the command's exit status: commit (rc 0) or drop the file that an
   LK_OPT_STDOUT option redirected standard output to. Returns the final status (1, with the
   file left as it was, when a write to it failed or the commit fails). A no-op when nothing was redirected. */
int lk_cli_stdout_finish(const char *cmd, int rc);

/* The path an LK_OPT_STDOUT option redirected standard output to, or "-". */
const char *lk_cli_stdout_path(void);

#define LK_OPTS_N(a) (sizeof(a) / sizeof *(a))

#endif
