/* bench_corpus.c: throughput of the corpus readers. Usage: bench_corpus jsonl|text|conllu|slash
   FILE [RUNS]. Prints the median MB/s over RUNS (default 5) full reads of FILE. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text/corpus.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One pass; returns bytes read or 0 on error (message printed). */
static uint64_t read_docs(const char *path, lk_docs_format fmt, uint64_t *n_records)
{
    lk_docs_reader *r = NULL;
    lk_error err;
    lk_doc d;
    bool got;
    if (lk_docs_open(path, fmt, &r, &err) != LK_OK) goto fail;
    for (;;) {
        if (lk_docs_next(r, &d, &got, &err) != LK_OK) goto fail;
        if (!got) break;
        (*n_records)++;
    }
    uint64_t n = lk_docs_offset(r);
    lk_docs_free(r);
    return n;
fail:
    fprintf(stderr, "%s\n", err.msg);
    lk_docs_free(r);
    return 0;
}

static uint64_t read_sentences(const char *path, lk_tagged_format fmt, uint64_t *n_records)
{
    lk_tagged_corpus c;
    lk_error err;
    if (lk_tagged_corpus_load(path, fmt, &c, &err) != LK_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 0;
    }
    *n_records += c.n_tokens;
    lk_tagged_corpus_free(&c);
    FILE *fp = fopen(path, "rb");
    if (!fp) return 0;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fclose(fp);
    return n > 0 ? (uint64_t)n : 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_corpus jsonl|text|conllu|slash FILE [RUNS]\n");
        return 2;
    }
    int runs = argc > 3 ? atoi(argv[3]) : 5;
    if (runs < 1 || runs > 100) runs = 5;
    double mbs[100];
    uint64_t records = 0;
    for (int i = 0; i < runs; i++) {
        uint64_t n_rec = 0, bytes;
        double t0 = now();
        if (strcmp(argv[1], "jsonl") == 0) bytes = read_docs(argv[2], LK_DOCS_JSONL, &n_rec);
        else if (strcmp(argv[1], "text") == 0) bytes = read_docs(argv[2], LK_DOCS_TEXT, &n_rec);
        else if (strcmp(argv[1], "conllu") == 0)
            bytes = read_sentences(argv[2], LK_TAGGED_CONLLU, &n_rec);
        else bytes = read_sentences(argv[2], LK_TAGGED_SLASH, &n_rec);
        if (bytes == 0) return 1;
        mbs[i] = (double)bytes / 1e6 / (now() - t0);
        records = n_rec;
    }
    qsort(mbs, (size_t)runs, sizeof mbs[0], cmp_double);
    printf("%.1f %llu\n", mbs[runs / 2], (unsigned long long)records);
    return 0;
}
