#define _POSIX_C_SOURCE 200809L
#include "apps/cli.h"
#include "text/fileio.h"
#include "text/util.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int lk_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "lexkit %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'lexkit %s --help'.\n", cmd);
    return LK_EXIT_USAGE;
}

int lk_cli_check_outputs(const char *cmd, const lk_cli_output *outs, size_t n,
                         const lk_cli_output *ins, size_t n_in)
{
    enum { KEY_CAP = PATH_MAX + 16 };
    char a[KEY_CAP], b[KEY_CAP];
    for (size_t i = 0; i < n; i++) {
        if (!outs[i].path) continue;
        lk_output_key(outs[i].path, a, sizeof a);
        if (!a[0]) continue;
        for (size_t j = i + 1; j < n; j++) {
            if (!outs[j].path) continue;
            lk_output_key(outs[j].path, b, sizeof b);
            if (strcmp(a, b) != 0) continue;
            if (strcmp(a, "stdout") == 0 || strcmp(outs[i].path, "-") == 0 ||
                strcmp(outs[j].path, "-") == 0)
                return lk_cli_usage_error(cmd, "%s and %s would both write to standard output "
                                          "(%s and %s); give one of them a file",
                                          outs[i].name, outs[j].name, outs[i].path,
                                          outs[j].path);
            return lk_cli_usage_error(cmd, "%s %s and %s %s are the same file; one would "
                                      "overwrite the other: give different paths",
                                      outs[i].name, outs[i].path, outs[j].name, outs[j].path);
        }
        for (size_t j = 0; j < n_in && strcmp(outs[i].path, "-") != 0; j++) {
            struct stat sb;
            const char *in = ins[j].path;
            if (!in || strcmp(in, "-") == 0 || stat(in, &sb) != 0 || !S_ISREG(sb.st_mode))
                continue;
            lk_output_key(in, b, sizeof b); /* an existing file: its device and inode */
            if (strcmp(a, b) == 0)
                return lk_cli_usage_error(cmd, "%s %s is the input file (%s %s); give another "
                                          "path", outs[i].name, outs[i].path, ins[j].name, in);
        }
    }
    return -1;
}

int32_t lk_cli_default_threads(int32_t cap)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) n = 1;
    return n < cap ? (int32_t)n : cap;
}

int lk_cli_fail(const char *cmd, lk_status st, const lk_error *err)
{
    const char *msg = (err && err->msg[0]) ? err->msg : lk_status_str(st);
    fprintf(stderr, "lexkit %s: %s\n", cmd, msg);
    return LK_EXIT_FAIL;
}

int lk_cli_split(const char *cmd, const char *arg, char *name, size_t cap, const char **eq_val)
{
    if (strncmp(arg, "--", 2) != 0) return lk_cli_usage_error(cmd, "unexpected argument '%s'", arg);
    const char *eq = strchr(arg, '=');
    size_t nlen = eq ? (size_t)(eq - arg) : strlen(arg);
    if (nlen >= cap) return lk_cli_usage_error(cmd, "unknown option '%s'", arg);
    memcpy(name, arg, nlen);
    name[nlen] = '\0';
    *eq_val = eq ? eq + 1 : NULL;
    return -1;
}

const char *lk_cli_value(int argc, char **argv, int *i, const char *eq_val)
{
    if (eq_val) return eq_val;
    return *i + 1 < argc ? argv[++*i] : NULL;
}

bool lk_cli_opt(int argc, char **argv, int *i, const char *name, const char **val)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0) return false;
    if (argv[*i][n] == '=') {
        *val = argv[*i] + n + 1;
        return true;
    }
    if (argv[*i][n] != '\0') return false;
    *val = *i + 1 < argc ? argv[++*i] : NULL;
    return true;
}

bool lk_cli_long(const char *cmd, const char *opt, const char *val, long min, long max, long *out)
{
    char *end;
    errno = 0;
    if (!val || !*val) {
        lk_cli_usage_error(cmd, "%s: missing value", opt);
        return false;
    }
    long v = strtol(val, &end, 10);
    if (errno || *end || v < min || v > max) {
        lk_cli_usage_error(cmd, "%s: '%s' is not an integer in [%ld, %ld]", opt, val, min, max);
        return false;
    }
    *out = v;
    return true;
}

bool lk_cli_double(const char *cmd, const char *opt, const char *val, double min, double max,
                   double *out)
{
    char *end;
    errno = 0;
    if (!val || !*val) {
        lk_cli_usage_error(cmd, "%s: missing value", opt);
        return false;
    }
    double v = strtod(val, &end);
    if (errno || *end || !isfinite(v) || v < min || v > max) {
        lk_cli_usage_error(cmd, "%s: '%s' is not a number in [%g, %g]", opt, val, min, max);
        return false;
    }
    *out = v;
    return true;
}

bool lk_cli_range(const char *cmd, const char *opt, const char *val, long min, long max, long *a,
                  long *b)
{
    char *end;
    errno = 0;
    if (!val || !*val) {
        lk_cli_usage_error(cmd, "%s: missing value", opt);
        return false;
    }
    long x = strtol(val, &end, 10), y;
    if (errno || end == val) goto bad;
    if (*end == '\0') {
        y = x;
    } else if (*end == ':') {
        const char *s = end + 1;
        y = strtol(s, &end, 10);
        if (errno || end == s || *end) goto bad;
    } else {
        goto bad;
    }
    if (x < min || y > max || x > y) goto bad;
    *a = x;
    *b = y;
    return true;
bad:
    lk_cli_usage_error(cmd, "%s: '%s' is not a range A:B with %ld <= A <= B <= %ld", opt, val, min,
                       max);
    return false;
}

void lk_progress_init(lk_progress *p, const char *what, bool force, bool quiet)
{
    p->tty = isatty(STDERR_FILENO) != 0;
    p->enabled = !quiet && (force || p->tty);
    p->start = lk_clock_s();
    p->last = 0;
    p->what = what;
}

static void fmt_eta(double s, char *buf, size_t n)
{
    if (!(s >= 0) || s > 1e7) {
        snprintf(buf, n, "--");
        return;
    }
    long t = (long)(s + 0.5);
    if (t >= 3600) snprintf(buf, n, "%ldh%02ldm", t / 3600, (t / 60) % 60);
    else snprintf(buf, n, "%ldm%02lds", t / 60, t % 60);
}

void lk_progress_update(lk_progress *p, double done, double total, const char *extra)
{
    if (!p || !p->enabled) return;
    double now = lk_clock_s();
    if (now - p->last < 0.25) return;
    p->last = now;
    double el = now - p->start;
    double rate = el > 0 ? done / el : 0;
    char eta[32] = "--";
    if (total > 0 && rate > 0) fmt_eta((total - done) / rate, eta, sizeof eta);
    if (total > 0)
        fprintf(stderr, "%s%5.1f%%  %.0f %s/s  ETA %s%s%s%s", p->tty ? "\r" : "",
                100.0 * done / total, rate, p->what, eta, extra ? "  " : "", extra ? extra : "",
                p->tty ? "\033[K" : "\n");
    else
        fprintf(stderr, "%s%.0f %s  %.0f %s/s%s%s%s", p->tty ? "\r" : "", done, p->what, rate,
                p->what, extra ? "  " : "", extra ? extra : "", p->tty ? "\033[K" : "\n");
    fflush(stderr);
}

void lk_progress_finish(lk_progress *p, double done, const char *extra)
{
    if (!p || !p->enabled) return;
    double el = lk_clock_s() - p->start;
    fprintf(stderr, "%sdone: %.0f %s in %.1fs (%.0f %s/s)%s%s\n", p->tty ? "\r\033[K" : "", done,
            p->what, el, el > 0 ? done / el : 0, p->what, extra ? "  " : "", extra ? extra : "");
}

void lk_cli_log(void *user, int level, const char *msg)
{
    lk_progress *p = user;
    if (level == LK_LOG_PROGRESS) {
        if (!p || !p->enabled) return;
        fprintf(stderr, "%s%s%s", p->tty ? "\r" : "", msg, p->tty ? "\033[K" : "\n");
        fflush(stderr);
        return;
    }
    if (p && !p->enabled && level > LK_LOG_WARN) return;
    if (p && p->tty && p->enabled) fputs("\r\033[K", stderr);
    fprintf(stderr, "lexkit: %s\n", msg);
}

lk_status lk_cli_open_raw_text(const char *input, lk_line_reader **out, lk_error *err)
{
    lk_status st = lk_line_reader_open(input, out, err);
    if (st == LK_OK) lk_line_reader_set_lone_cr(*out, true);
    return st;
}

#define LK_DATA_INSTALLED "/../share/lexkit/" /* beside bin/, as `make install` puts it */

const char *lk_cli_data_installed(const char *installed, char *buf, size_t cap)
{
    if (cap < 2) return NULL;
    buf[0] = '\0';
    ssize_t n = readlink("/proc/self/exe", buf, cap - 1);
    if (n <= 0) return buf[0] = '\0', NULL;
    buf[n] = '\0';
    char *slash = strrchr(buf, '/');
    size_t room = slash ? cap - (size_t)(slash - buf) : 0;
    if (!slash || (size_t)snprintf(slash, room, "%s%s", LK_DATA_INSTALLED, installed) >= room)
        return buf[0] = '\0', NULL;
    return buf;
}

static bool data_exists(const char *path, const char *probe)
{
    char full[PATH_MAX];
    struct stat st;
    if (probe && (size_t)snprintf(full, sizeof full, "%s/%s", path, probe) >= sizeof full)
        return false;
    return stat(probe ? full : path, &st) == 0 && S_ISREG(st.st_mode);
}

const char *lk_cli_find_data(const char *installed, const char *source, const char *probe,
                             char *buf, size_t cap)
{
    if (lk_cli_data_installed(installed, buf, cap) && data_exists(buf, probe)) return buf;
    if (strlen(source) < cap && data_exists(source, probe)) {
        memcpy(buf, source, strlen(source) + 1);
        return buf;
    }
    return NULL;
}

const char *lk_cli_find_model(const char *file, char *buf, size_t cap, lk_error *err)
{
    char installed[PATH_MAX], source[PATH_MAX], env[PATH_MAX] = "";
    const char *dir = getenv("LEXKIT_MODELS");
    snprintf(installed, sizeof installed, "models/%s", file);
    snprintf(source, sizeof source, "%s/%s", LK_MODELS_SOURCE_DIR, file);
    if (dir && *dir) snprintf(env, sizeof env, "%s/%s", dir, file);
    const char *looked = lk_cli_data_installed(installed, buf, cap);
    char first[PATH_MAX];
    snprintf(first, sizeof first, "%s", looked ? looked : "share/lexkit/models/");
    if (looked && data_exists(buf, NULL)) return buf;
    const char *rest[] = {env, source};
    for (size_t i = 0; i < sizeof rest / sizeof *rest; i++)
        if (rest[i][0] && strlen(rest[i]) < cap && data_exists(rest[i], NULL)) {
            memcpy(buf, rest[i], strlen(rest[i]) + 1);
            return buf;
        }
    lk_error_set(err, LK_ERR_IO, "looked for %s%s%s and %s", first, env[0] ? ", " : "", env,
                 source);
    return NULL;
}

const char *lk_cli_model_arg(const char *arg, char *buf, size_t cap, lk_error *err)
{
    static const struct { const char *name, *file, *what; } shipped[] = {
        {"zh", "zh-gsd-char.lkt", "Chinese"}, {"en", "en-ewt.lkt", "English"}};
    struct stat st;
    for (size_t i = 0; i < sizeof shipped / sizeof *shipped; i++) {
        if (strcmp(arg, shipped[i].name) || stat(arg, &st) == 0) continue;
        const char *found = lk_cli_find_model(shipped[i].file, buf, cap, err);
        if (!found) {
            char why[sizeof err->msg];
            snprintf(why, sizeof why, "%s", err->msg);
            lk_error_set(err, LK_ERR_IO, "--model %s: the shipped %s model is not installed (%s)",
                         arg, shipped[i].what, why);
        }
        return found;
    }
    return arg;
}

/* ---- interrupts ----------------------------------------------------------------------

   Design: the library owns no signal handler. lk_atomic_open reports each temp file it is
   about to create, and its removal or rename, through the hook main() installs
   (lk_atomic_set_temp_hook); the hook keeps the paths in a fixed table here. The handler may
   only call async-signal-safe functions, so it walks the table with plain loads, unlink()s
   each live path, write()s a message prepared in advance and _exit()s: no malloc, no stdio,
   no locks. A slot is claimed with a compare-and-swap (writers run on any thread), filled,
   and only then marked live; a path too long for a slot, or a full table, is not listed (the
   next run's stale-temp sweep, lk_atomic_open, removes it). */

enum { TEMP_SLOTS = 32, TEMP_PATH_MAX = 4096 };
enum { SLOT_FREE = 0, SLOT_FILLING, SLOT_LIVE };

static struct {
    atomic_int state;
    char path[TEMP_PATH_MAX];
} temp_slots[TEMP_SLOTS];
static char interrupt_msg[128];
static size_t interrupt_msg_len;

static void temp_hook(void *user, const char *tmp, bool live)
{
    (void)user;
    size_t n = strlen(tmp);
    if (n >= TEMP_PATH_MAX) return;
    for (int i = 0; i < TEMP_SLOTS; i++) {
        if (live) {
            int expect = SLOT_FREE;
            if (!atomic_compare_exchange_strong(&temp_slots[i].state, &expect, SLOT_FILLING))
                continue;
            memcpy(temp_slots[i].path, tmp, n + 1);
            atomic_store(&temp_slots[i].state, SLOT_LIVE);
            return;
        }
        int expect = SLOT_LIVE;
        if (atomic_load(&temp_slots[i].state) == SLOT_LIVE && strcmp(temp_slots[i].path, tmp) == 0 &&
            atomic_compare_exchange_strong(&temp_slots[i].state, &expect, SLOT_FILLING)) {
            atomic_store(&temp_slots[i].state, SLOT_FREE);
            return;
        }
    }
}

static void on_interrupt(int sig)
{
    for (int i = 0; i < TEMP_SLOTS; i++)
        if (atomic_load(&temp_slots[i].state) == SLOT_LIVE) (void)unlink(temp_slots[i].path);
    ssize_t w = write(STDERR_FILENO, interrupt_msg, interrupt_msg_len);
    (void)w;
    _exit(128 + sig);
}

void lk_cli_signals_init(const char *cmd)
{
    int n = snprintf(interrupt_msg, sizeof interrupt_msg, "lexkit %s: interrupted\n", cmd);
    interrupt_msg_len = n < 0 ? 0 : (size_t)n < sizeof interrupt_msg ? (size_t)n
                                                                      : sizeof interrupt_msg - 1;
    lk_atomic_set_temp_hook(temp_hook, NULL);
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_interrupt;
        sigfillset(&sa.sa_mask); /* one handler at a time */
        struct sigaction old;
        /* a signal ignored when we started (nohup, a background job's SIGINT) stays ignored */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN) continue;
        sigaction(sigs[i], &sa, NULL);
    }
}
