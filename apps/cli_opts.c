/* cli_opts.c: lk_cli_parse, the table-driven option loop (see cli_opts.h). */
#include "apps/cli_opts.h"

#include <string.h>

#include "apps/cli.h"

static const lk_cli_option *find(const lk_cli_option *opts, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(opts[i].name, name) == 0) return &opts[i];
    return NULL;
}

/* "a, b or c" into buf. */
static void list_choices(const char *const *c, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; c[i] && used < cap; i++) {
        const char *sep = i == 0 ? "" : c[i + 1] ? ", " : " or ";
        int w = snprintf(buf + used, cap - used, "%s%s", sep, c[i]);
        if (w < 0) break;
        used += (size_t)w;
    }
}

static bool set_value(const char *cmd, const lk_cli_option *o, const char *val, void *user)
{
    long a, b;
    switch (o->kind) {
    case LK_OPT_STR:
        if (!*val) {
            lk_cli_usage_error(cmd, "%s needs a value", o->name);
            return false;
        }
        *(const char **)o->dst = val;
        return true;
    case LK_OPT_LONG:
        return lk_cli_long(cmd, o->name, val, o->lmin, o->lmax, (long *)o->dst);
    case LK_OPT_I32:
        if (!lk_cli_long(cmd, o->name, val, o->lmin, o->lmax, &a)) return false;
        *(int32_t *)o->dst = (int32_t)a;
        return true;
    case LK_OPT_DOUBLE:
        return lk_cli_double(cmd, o->name, val, o->dmin, o->dmax, (double *)o->dst);
    case LK_OPT_RANGE:
        if (!lk_cli_range(cmd, o->name, val, o->lmin, o->lmax, &a, &b)) return false;
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
        list_choices(o->choices, names, sizeof names);
        lk_cli_usage_error(cmd, "%s must be %s, not '%s'", o->name, names, val);
        return false;
    case LK_OPT_CUSTOM:
        return o->parse(user, cmd, o->name, val);
    case LK_OPT_FLAG:
        break;
    }
    return false;
}

int lk_cli_parse(const char *cmd, int argc, char **argv, const lk_cli_option *opts, size_t n,
                 void (*help)(void *user), void *user)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help(user);
            return LK_EXIT_OK;
        }
        char name[40];
        const char *eq;
        int split = lk_cli_split(cmd, a, name, sizeof name, &eq);
        if (split >= 0) return split;
        const lk_cli_option *o = find(opts, n, name);
        if (!o) return lk_cli_usage_error(cmd, "unknown option '%s'", name);
        if (o->seen) *o->seen = true;
        if (o->kind == LK_OPT_FLAG) {
            if (eq) return lk_cli_usage_error(cmd, "%s takes no value", name);
            *(bool *)o->dst = !o->negate;
            continue;
        }
        const char *val = lk_cli_value(argc, argv, &i, eq);
        if (!val) return lk_cli_usage_error(cmd, "%s needs a value", name);
        if (!set_value(cmd, o, val, user)) return LK_EXIT_USAGE;
    }
    return -1;
}
