/* embed_cli.h: option matching shared by the embedding subcommands (embed, neighbors,
   analogy, similarity). Header-only: apps/ compiles only cli.c and cmd_*.c. */
#ifndef LK_APPS_EMBED_CLI_H
#define LK_APPS_EMBED_CLI_H

#include <stdbool.h>
#include <string.h>

/* "--name VALUE" or "--name=VALUE": true when argv[*i] is option `name`; *val is the value
   (NULL when missing; *i advances past a separate value). */
static inline bool lk_embed_cli_opt(int argc, char **argv, int *i, const char *name,
                                    const char **val)
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

#endif
