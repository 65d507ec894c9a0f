/* tfidf_file.c: the TF-IDF matrix of a text file's lines, fed in batches of lines (the file
   is never held whole) and counted on two threads; the same matrix, bit for bit, as one
   lexkit_vectorizer_fit_transform call on one thread. Usage: tfidf_file FILE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lexkit/lexkit.h>

enum { BATCH = 300, LINE_MAX_BYTES = 1 << 16 }; /* 300 lines: about 90 KB here, split in two */

static int fail(const lexkit_error *err)
{
    fprintf(stderr, "%s\n", lexkit_error_message(err));
    return 1;
}

int main(int argc, char **argv)
{
    FILE *fp = argc == 2 ? fopen(argv[1], "r") : NULL;
    if (!fp) {
        fprintf(stderr, "usage: tfidf_file FILE (a readable text file)\n");
        return 2;
    }
    lexkit_vectorizer_config c = lexkit_vectorizer_config_default();
    c.tfidf = 1;
    c.threads = 2;
    lexkit_vectorizer *v = NULL;
    lexkit_error err;
    if (lexkit_vectorizer_create(&c, &v, &err) != LEXKIT_OK) return fail(&err);
    if (lexkit_vectorizer_fit_begin(v, &err) != LEXKIT_OK) return fail(&err);
    /* every line is kept here too, only for the one-call comparison below */
    size_t n = 0, cap = 0;
    char **all = NULL;
    size_t *lens = NULL;
    static char line[LINE_MAX_BYTES];
    size_t batch0 = 0;
    for (;;) {
        int more = fgets(line, sizeof line, fp) != NULL;
        if (more) {
            size_t len = strcspn(line, "\n");
            if (n == cap) {
                cap = cap ? 2 * cap : 1024;
                all = realloc(all, cap * sizeof *all);
                lens = realloc(lens, cap * sizeof *lens);
                if (!all || !lens) return 1;
            }
            all[n] = malloc(len + 1);
            if (!all[n]) return 1;
            memcpy(all[n], line, len);
            all[n][len] = '\0';
            lens[n++] = len;
        }
        if (n - batch0 == BATCH || (!more && n > batch0)) {
            if (lexkit_vectorizer_fit_add(v, (const char *const *)all + batch0, lens + batch0,
                                          n - batch0, &err) != LEXKIT_OK)
                return fail(&err);
            batch0 = n;
        }
        if (!more) break;
    }
    fclose(fp);
    lexkit_csr m, one;
    if (lexkit_vectorizer_fit_end(v, &m, &err) != LEXKIT_OK) return fail(&err);
    int64_t nnz = m.indptr[m.n_rows];
    printf("%d rows, %d terms, %lld entries\n", m.n_rows, m.n_cols, (long long)nnz);

    lexkit_vectorizer *w = NULL;
    c.threads = 1;
    if (lexkit_vectorizer_create(&c, &w, &err) != LEXKIT_OK ||
        lexkit_vectorizer_fit_transform(w, (const char *const *)all, lens, n, &one, &err) != LEXKIT_OK)
        return fail(&err);
    int same = one.n_rows == m.n_rows && one.n_cols == m.n_cols &&
               memcmp(one.indptr, m.indptr, (size_t)(m.n_rows + 1) * sizeof *m.indptr) == 0 &&
               memcmp(one.indices, m.indices, (size_t)nnz * sizeof *m.indices) == 0 &&
               memcmp(one.data, m.data, (size_t)nnz * sizeof *m.data) == 0;
    printf("same as one call on one thread: %s\n", same ? "yes" : "no");
    lexkit_csr_free(&m);
    lexkit_csr_free(&one);
    lexkit_vectorizer_free(v);
    lexkit_vectorizer_free(w);
    for (size_t i = 0; i < n; i++) free(all[i]);
    free(all);
    free(lens);
    return same ? 0 : 1;
}
