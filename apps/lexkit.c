/* lexkit.c: main(): dispatch argv[1] to a subcommand from the generated table. */
#include <stdio.h>
#include <string.h>

#include "apps/cli.h"
#include "apps/cli_opts.h"
#include "models/blas.h"
#include "commands.inc"

static void usage(FILE *out)
{
    fprintf(out, "usage: lexkit <command> [options]\n"
                 "       lexkit <command> --help\n"
                 "       lexkit --version | --build-info\n\ncommands:\n");
    for (size_t i = 0; lk_commands[i]; i++)
        fprintf(out, "  %-14s %s\n", lk_commands[i]->name, lk_commands[i]->summary);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return LK_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return LK_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("lexkit %s\n", lk_version());
        return LK_EXIT_OK;
    }
    if (strcmp(cmd, "--build-info") == 0) { /* for bug reports and CI logs */
        printf("lexkit %s\nBLAS: %s\n", lk_version(), lk_blas_info());
        return LK_EXIT_OK;
    }
    for (size_t i = 0; lk_commands[i]; i++)
        if (strcmp(lk_commands[i]->name, cmd) == 0) {
            lk_cli_signals_init(cmd);
            return lk_cli_stdout_finish(cmd, lk_commands[i]->run(argc - 1, argv + 1));
        }
    fprintf(stderr, "lexkit: unknown command '%s'\n", cmd);
    usage(stderr);
    return LK_EXIT_USAGE;
}
