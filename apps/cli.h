/* cli.h: helpers shared by the lexkit subcommands: the command table entry, range-checked
   number parsing, usage/exit conventions (0 ok, 1 failure, 2 usage) and progress output. */
#ifndef LK_APPS_CLI_H
#define LK_APPS_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "text/error.h"
#include "text/fileio.h"

enum { LK_EXIT_OK = 0, LK_EXIT_FAIL = 1, LK_EXIT_USAGE = 2 };

typedef struct {
    const char *name;                  /* as typed: "eval-ir" */
    int (*run)(int argc, char **argv); /* argv[0] is the command name */
    const char *summary;               /* one line for `lexkit --help` */
} lk_command;

/* Print "lexkit CMD: message" to stderr and return LK_EXIT_USAGE. */
int lk_cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Print the library error (err->msg, or lk_status_str(st) when empty) as
   "lexkit CMD: message" to stderr and return LK_EXIT_FAIL. */
int lk_cli_fail(const char *cmd, lk_status st, const lk_error *err);

/* One output of a command with several: the option as typed and its path (NULL: not
   written; "-": standard output). */
typedef struct {
    const char *name;
    const char *path;
} lk_cli_output;

/* Check, before any work, that a command's outputs are different files and that none is
   one of its input files: two writers of one file would leave only the last one's content,
   and an output over an input would replace the data it was made from (the corpus by its
   vectors). Paths name the same file when stat gives the same device and inode, or (for
   outputs not there yet) when the real path of their directory plus their name agree,
   through symlinks; "-" is standard output (a command with an LKO_STDOUT --output passes
   lk_cli_stdout_path() for it). Devices other than standard output (/dev/null) never
   conflict; inputs that are "-", missing or not regular files are not compared. `ins` (may
   be NULL) uses the same struct: the input option and its path (NULL: not given). Returns
   -1 when all is well, else prints a usage error naming both options and returns
   LK_EXIT_USAGE. */
int lk_cli_check_outputs(const char *cmd, const lk_cli_output *outs, size_t n,
                         const lk_cli_output *ins, size_t n_in);

/* Online CPU cores, at least 1 and at most cap: the default of a --threads option. */
int32_t lk_cli_default_threads(int32_t cap);

/* Split an argument "--name" or "--name=value": copies "--name" into name (cap bytes) and
   sets *eq_val to the text after '=' (NULL without '='). Returns -1 to go on, or prints a
   usage error and returns LK_EXIT_USAGE for a non-option or an over-long name. */
int lk_cli_split(const char *cmd, const char *arg, char *name, size_t cap, const char **eq_val);

/* The value of an option split by lk_cli_split: eq_val if set, else the next argument
   (advancing *i); NULL when missing. */
const char *lk_cli_value(int argc, char **argv, int *i, const char *eq_val);

/* True when argv[*i] is option `name` ("--name VALUE" or "--name=VALUE"); *val is its value
   (NULL when missing; *i advances past a separate value). */
bool lk_cli_opt(int argc, char **argv, int *i, const char *name, const char **val);

/* Parse numbers with end-pointer and range checks; on failure print a usage error
   naming `opt` and return false. */
bool lk_cli_long(const char *cmd, const char *opt, const char *val, long min, long max, long *out);
bool lk_cli_double(const char *cmd, const char *opt, const char *val, double min, double max,
                   double *out);
/* "A:B" with min <= A <= B <= max (a single "A" means A:A). */
bool lk_cli_range(const char *cmd, const char *opt, const char *val, long min, long max, long *a,
                  long *b);

/* Open raw text for reading lines, as `tag` (raw input) and `tokenize` read it: "\n",
   "\r\n" and a lone "\r" end a line (lk_line_reader_set_lone_cr; docs/tokenize.md). */
lk_status lk_cli_open_raw_text(const char *input, lk_line_reader **out, lk_error *err);

/* Data shipped with lexkit (the search page, the English tagger model): the file `probe` in
   share/lexkit/`installed` beside the executable's bin/ (where `make install` puts it), else
   in `source` (the source tree, for a binary run from its build directory). `probe` NULL:
   the path itself is the file. Returns buf holding the directory (or file) found, or NULL;
   lk_cli_data_installed writes the first candidate to buf for messages. */
const char *lk_cli_find_data(const char *installed, const char *source, const char *probe,
                             char *buf, size_t cap);
const char *lk_cli_data_installed(const char *installed, char *buf, size_t cap);

/* A model shipped with lexkit, by file name ("en-ewt.lkt", "zh-gsd-char.lkt"): in
   share/lexkit/models/ beside bin/ (make install), else in $LEXKIT_MODELS, else in the
   source tree's corpora/models (a binary run from its build directory). These are the
   places Python's Tagger.load("en"|"zh") looks in, with the package's models/ in place of
   share/. Returns buf holding the path, or NULL with err: "looked for A, B and C". */
const char *lk_cli_find_model(const char *file, char *buf, size_t cap, lk_error *err);

/* A --model argument: "zh" or "en" (when no file of that name exists) name the shipped
   models, as Tagger.load("zh"|"en") does in Python (found by lk_cli_find_model); anything
   else is a path, returned as given. NULL with err when a shipped model is not found. */
const char *lk_cli_model_arg(const char *arg, char *buf, size_t cap, lk_error *err);

/* Progress reporting (apps only). Enabled when stderr is a terminal, or when forced with
   --progress; --quiet disables it. */
typedef struct {
    bool enabled;
    bool tty;
    double start;     /* seconds */
    double last;      /* last print */
    const char *what; /* e.g. "tokens" */
} lk_progress;

void lk_progress_init(lk_progress *p, const char *what, bool force, bool quiet);
/* done/total in units of `what` (total 0 = unknown); prints at most ~4 times a second. */
void lk_progress_update(lk_progress *p, double done, double total, const char *extra);
void lk_progress_finish(lk_progress *p, double done, const char *extra);
/* An lk_log_fn that prints LK_LOG_PROGRESS messages through an lk_progress (user = lk_progress*)
   and other levels as "lexkit: message" on stderr unless quiet. */
void lk_cli_log(void *user, int level, const char *msg);

/* Interrupts (SIGINT, SIGTERM, SIGHUP) end any command the same way: the temp files of the
   outputs being written (lk_atomic_set_temp_hook) are removed, "lexkit CMD: interrupted" goes
   to stderr and the exit status is 128 + the signal (130, 143, 129); earlier outputs stay as
   they were. Called by main() once, before the command runs. A command may install its own
   handlers over these (embed stops training cleanly; serve drains its connections). */
void lk_cli_signals_init(const char *cmd);

#endif
