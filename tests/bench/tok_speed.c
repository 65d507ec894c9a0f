/* tok_speed.c: tokenizer throughput check (not a test). Reads standard input, tokenizes it
   line by line and prints MB/s of input. Usage: tok_speed [lexkit|sklearn|space] [lower]
   Build: cc -O2 -I. tests/bench/tok_speed.c build/liblexkit.a -lutf8proc -o tok_speed */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text/fileio.h"
#include "text/tokenize.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    lk_tokenizer_config c = lk_tokenizer_config_default();
    if (argc > 1 && strcmp(argv[1], "sklearn") == 0) c.mode = LK_TOKMODE_SKLEARN;
    if (argc > 1 && strcmp(argv[1], "space") == 0) c.mode = LK_TOKMODE_SPACE;
    if (argc > 2 && strcmp(argv[2], "lower") == 0) c.lower = true;
    char *buf;
    size_t len;
    lk_error err;
    lk_tokenizer *t;
    if (lk_read_file("-", &buf, &len, &err) != LK_OK || lk_tokenizer_create(&c, &t) != LK_OK) {
        fprintf(stderr, "tok_speed: %s\n", err.msg);
        return 1;
    }
    double t0 = now();
    clock_t c0 = clock();
    size_t ntok = 0, pos = 0;
    while (pos < len) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - buf) : len;
        const lk_token *toks;
        size_t n;
        if (lk_tokenize(t, buf + pos, end - pos, &toks, &n, &err) != LK_OK) {
            fprintf(stderr, "tok_speed: %s\n", err.msg);
            return 1;
        }
        ntok += n;
        pos = end + 1;
    }
    double dt = now() - t0;
    double cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
    printf("%zu bytes, %zu tokens, %.3f s wall (%.1f MB/s), %.3f s cpu (%.1f MB/s)\n", len, ntok,
           dt, (double)len / dt / 1e6, cpu, (double)len / cpu / 1e6);
    lk_tokenizer_free(t);
    free(buf);
    return 0;
}
