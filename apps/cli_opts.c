/* cli_opts.c: lk_cli_parse, the table-driven option loop, and the --help option list
   generated from the same tables (see cli_opts.h). */
#define _POSIX_C_SOURCE 200809L
#include "apps/cli_opts.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "apps/cli.h"
#include "text/fileio.h"

/* Where an LK_OPT_STDOUT option sent standard output (one per process: apps only). */
static struct {
    lk_atomic_file *af;
    int saved_fd;
    const char *path; /* as given (argv outlives the command) */
    int write_errno;  /* the reason of the first write error seen on stdout (0: none yet) */
} g_redirect = {NULL, -1, NULL, 0};

const char *lk_cli_stdout_path(void) { return g_redirect.af ? g_redirect.path : "-"; }

static const lk_cli_option *find(const lk_cli_option *opts, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(opts[i].name, name) == 0) return &opts[i];
    return NULL;
}

/* "a, b or c" (sep ", ") or "a|b|c" (sep "|") into buf. */
static void list_choices(const char *const *c, const char *sep, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; c[i] && used < cap; i++) {
        const char *s = i == 0 ? "" : (c[i + 1] || strcmp(sep, ", ") != 0) ? sep : " or ";
        int w = snprintf(buf + used, cap - used, "%s%s", s, c[i]);
        if (w < 0) break;
        used += (size_t)w;
    }
}

/* `name` is the option as typed (an alias keeps its spelling in messages). */
static bool set_value(const char *cmd, const lk_cli_option *o, const char *name, const char *val,
                      void *user)
{
    long a, b;
    switch (o->kind) {
    case LK_OPT_STR:
    case LK_OPT_STDOUT:
        if (!*val) {
            lk_cli_usage_error(cmd, "%s needs a value", name);
            return false;
        }
        *(const char **)o->dst = val;
        return true;
    case LK_OPT_LONG:
        return lk_cli_long(cmd, name, val, o->lmin, o->lmax, (long *)o->dst);
    case LK_OPT_I32:
        if (!lk_cli_long(cmd, name, val, o->lmin, o->lmax, &a)) return false;
        *(int32_t *)o->dst = (int32_t)a;
        return true;
    case LK_OPT_DOUBLE:
        return lk_cli_double(cmd, name, val, o->dmin, o->dmax, (double *)o->dst);
    case LK_OPT_RANGE:
        if (!lk_cli_range(cmd, name, val, o->lmin, o->lmax, &a, &b)) return false;
        ((long *)o->dst)[0] = a;
        ((long *)o->dst)[1] = b;
        return true;
    case LK_OPT_CHOICE:
        for (int i = 0; o->choices[i]; i++)
            if (strcmp(val, o->choices[i]) == 0) {
                *(int *)o->dst = i;
                return true;
            }
        char names[256];
        list_choices(o->choices, ", ", names, sizeof names);
        lk_cli_usage_error(cmd, "%s must be %s, not '%s'", name, names, val);
        return false;
    case LK_OPT_CUSTOM:
        return o->parse(user, cmd, name, val);
    case LK_OPT_FLAG:
        break;
    }
    return false;
}

static bool flag_set(const lk_cli_option *opts, size_t n, const char *name)
{
    const lk_cli_option *o = find(opts, n, name);
    return o && o->kind == LK_OPT_FLAG && o->dst && *(bool *)o->dst != o->negate;
}

/* After a successful parse: the stdin hint and the --output redirect. */
static int after_parse(const char *cmd, const lk_cli_option *opts, size_t n,
                       const char *stdout_path)
{
    for (size_t i = 0; i < n; i++)
        if (opts[i].stdin_hint && opts[i].dst) lk_cli_stdin_hint(cmd, *(const char **)opts[i].dst);
    if (!stdout_path || strcmp(stdout_path, "-") == 0 || g_redirect.af) return -1;
    lk_error err;
    lk_error_clear(&err);
    lk_atomic_file *af = NULL;
    lk_status st = lk_atomic_open(stdout_path, &af, &err);
    if (st != LK_OK) return lk_cli_fail(cmd, st, &err);
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    if (saved < 0 || dup2(fileno(lk_atomic_fp(af)), STDOUT_FILENO) < 0) {
        if (saved >= 0) close(saved);
        lk_atomic_abort(af);
        return lk_cli_fail(cmd, LK_ERR_IO, NULL);
    }
    g_redirect.af = af;
    g_redirect.saved_fd = saved;
    g_redirect.path = stdout_path;
    return -1;
}

void lk_cli_stdin_hint(const char *cmd, const char *path)
{
    if ((!path || strcmp(path, "-") == 0) && isatty(STDIN_FILENO))
        fprintf(stderr, "lexkit %s: reading from standard input... (end it with Ctrl-D, or give "
                        "--input FILE)\n", cmd);
}

const char *lk_cli_stdout_name(void)
{
    return g_redirect.af ? g_redirect.path : "standard output";
}

lk_status lk_cli_stdout_check(lk_error *err)
{
    /* stdio drops a buffer it failed to write and sets the error flag: a later fflush of
       the (now empty) buffer succeeds, so ferror is the test; the reason is kept from the
       first failing flush seen here */
    errno = 0;
    if (fflush(stdout) != 0 && g_redirect.write_errno == 0) g_redirect.write_errno = errno;
    if (!ferror(stdout)) return LK_OK;
    int e = g_redirect.write_errno;
    return lk_error_set(err, LK_ERR_IO, "%s: write error%s%s", lk_cli_stdout_name(),
                        e ? ": " : "", e ? strerror(e) : "");
}

int lk_cli_stdout_exit(const char *cmd, int rc)
{
    if (rc != LK_EXIT_OK) return rc;
    lk_error err;
    lk_error_clear(&err);
    lk_status st = lk_cli_stdout_check(&err);
    return st == LK_OK ? rc : lk_cli_fail(cmd, st, &err);
}

int lk_cli_stdout_finish(const char *cmd, int rc)
{
    if (!g_redirect.af) return rc;
    lk_error err;
    lk_error_clear(&err);
    lk_status st = lk_cli_stdout_check(&err);
    dup2(g_redirect.saved_fd, STDOUT_FILENO);
    close(g_redirect.saved_fd);
    lk_atomic_file *af = g_redirect.af;
    g_redirect.af = NULL;
    g_redirect.saved_fd = -1;
    if (rc != LK_EXIT_OK || st != LK_OK) { /* the old file stays as it was */
        lk_atomic_abort(af);
        return rc != LK_EXIT_OK ? rc : lk_cli_fail(cmd, st, &err);
    }
    st = lk_atomic_commit(af, &err);
    return st == LK_OK ? rc : lk_cli_fail(cmd, st, &err);
}

int lk_cli_parse(const char *cmd, int argc, char **argv, const lk_cli_option *opts, size_t n,
                 void (*help)(void *user), void *user)
{
    const char *stdout_path = NULL, *aliases_used[4];
    size_t n_aliases = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help(user);
            printf("\noptions:\n");
            lk_cli_print_options(stdout, opts, n);
            return LK_EXIT_OK;
        }
        char name[40];
        const char *eq;
        int split = lk_cli_split(cmd, a, name, sizeof name, &eq);
        if (split >= 0) return split;
        const lk_cli_option *o = find(opts, n, name);
        if (!o) return lk_cli_usage_error(cmd, "unknown option '%s'", name);
        if (o->alias_of) {
            if (o->deprecated && n_aliases < sizeof aliases_used / sizeof *aliases_used)
                aliases_used[n_aliases++] = o->name;
            const char *spelled = o->name;
            o = find(opts, n, o->alias_of);
            if (!o || o->alias_of) return lk_cli_usage_error(cmd, "unknown option '%s'", spelled);
        }
        if (o->seen) *o->seen = true;
        if (o->kind == LK_OPT_FLAG) {
            if (eq) return lk_cli_usage_error(cmd, "%s takes no value", name);
            *(bool *)o->dst = !o->negate;
            continue;
        }
        const char *val = lk_cli_value(argc, argv, &i, eq);
        if (!val) return lk_cli_usage_error(cmd, "%s needs a value", name);
        if (o->kind == LK_OPT_STDOUT) {
            if (!*val) return lk_cli_usage_error(cmd, "%s needs a value", name);
            stdout_path = val;
            continue;
        }
        if (!set_value(cmd, o, name, val, user)) return LK_EXIT_USAGE;
    }
    if (!flag_set(opts, n, "--quiet"))
        for (size_t k = 0; k < n_aliases; k++)
            fprintf(stderr, "lexkit %s: note: %s is deprecated; use %s\n", cmd,
                    aliases_used[k], find(opts, n, aliases_used[k])->alias_of);
    return after_parse(cmd, opts, n, stdout_path);
}

/* ---- generated --help ------------------------------------------------------------ */

static void kind_arg(const lk_cli_option *o, char *buf, size_t cap)
{
    if (o->arg) {
        snprintf(buf, cap, "%s", o->arg);
        return;
    }
    switch (o->kind) {
    case LK_OPT_STR: snprintf(buf, cap, "VALUE"); break;
    case LK_OPT_LONG:
    case LK_OPT_I32: snprintf(buf, cap, "N"); break;
    case LK_OPT_DOUBLE: snprintf(buf, cap, "X"); break;
    case LK_OPT_RANGE: snprintf(buf, cap, "A:B"); break;
    case LK_OPT_CHOICE: list_choices(o->choices, "|", buf, cap); break;
    case LK_OPT_CUSTOM: snprintf(buf, cap, "VALUE"); break;
    case LK_OPT_STDOUT: snprintf(buf, cap, "FILE"); break;
    case LK_OPT_FLAG: buf[0] = '\0'; break;
    }
}

/* The current value of *dst as text (empty when there is none to show). */
static void current_value(const lk_cli_option *o, char *buf, size_t cap)
{
    buf[0] = '\0';
    if (o->kind == LK_OPT_CUSTOM) snprintf(buf, cap, "none");
    if (!o->dst) return;
    switch (o->kind) {
    case LK_OPT_FLAG: snprintf(buf, cap, "%s", *(bool *)o->dst != o->negate ? "on" : "off"); break;
    case LK_OPT_STR:
        snprintf(buf, cap, "%s", *(const char **)o->dst ? *(const char **)o->dst : "none");
        break;
    case LK_OPT_LONG: snprintf(buf, cap, "%ld", *(long *)o->dst); break;
    case LK_OPT_I32: snprintf(buf, cap, "%ld", (long)*(int32_t *)o->dst); break;
    case LK_OPT_DOUBLE: snprintf(buf, cap, "%g", *(double *)o->dst); break;
    case LK_OPT_RANGE: snprintf(buf, cap, "%ld:%ld", ((long *)o->dst)[0], ((long *)o->dst)[1]); break;
    case LK_OPT_CHOICE: {
        int k = *(int *)o->dst, count = 0;
        while (o->choices[count]) count++;
        if (k >= 0 && k < count) snprintf(buf, cap, "%s", o->choices[k]);
        break;
    }
    case LK_OPT_CUSTOM:
    case LK_OPT_STDOUT: break;
    }
}

#define HELP_INDENT 29 /* "  " + 26 columns + " " */
#define HELP_WIDTH 100

/* text from column HELP_INDENT, wrapped at spaces before HELP_WIDTH. */
static void print_wrapped(FILE *out, const char *text)
{
    size_t room = HELP_WIDTH - HELP_INDENT, len = strlen(text);
    while (len > room) {
        size_t cut = room;
        while (cut > 0 && text[cut] != ' ') cut--;
        if (cut == 0) break;
        fprintf(out, " %.*s\n%*s", (int)cut, text, HELP_INDENT - 1, "");
        text += cut + 1;
        len -= cut + 1;
    }
    fprintf(out, " %s\n", text);
}

static void print_one(FILE *out, const lk_cli_option *o, const lk_cli_option *opts, size_t n)
{
    char arg[128], head[192], def[128];
    if (o->alias_of) {
        const lk_cli_option *t = find(opts, n, o->alias_of);
        kind_arg(t ? t : o, arg, sizeof arg);
        snprintf(head, sizeof head, "%s%s%s", o->name, arg[0] ? " " : "", arg);
        fprintf(out, "  %-26s old spelling of %s\n", head, o->alias_of);
        return;
    }
    kind_arg(o, arg, sizeof arg);
    snprintf(head, sizeof head, "%s%s%s", o->name, arg[0] ? " " : "", arg);
    const char *h = o->help ? o->help : "";
    current_value(o, def, sizeof def);
    bool says = strstr(h, "default") || strstr(h, "required");
    if (strlen(head) > 26) fprintf(out, "  %s\n  %-26s", head, "");
    else fprintf(out, "  %-26s", head);
    char text[640];
    if (!says && def[0]) snprintf(text, sizeof text, "%s%s(default: %s)", h, h[0] ? " " : "", def);
    else snprintf(text, sizeof text, "%s", h);
    print_wrapped(out, text);
}

void lk_cli_print_options(FILE *out, const lk_cli_option *opts, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!opts[i].alias_of) print_one(out, &opts[i], opts, n);
    for (size_t i = 0; i < n; i++)
        if (opts[i].alias_of) print_one(out, &opts[i], opts, n);
}
