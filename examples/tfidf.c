/* tfidf.c: a TF-IDF matrix of three documents, as scikit-learn's TfidfVectorizer(). */
#include <stdio.h>
#include <string.h>

#include <lexkit/lexkit.h>

int main(void)
{
    const char *docs[] = {"the cat sat", "the dog sat", "the cat and the dog"};
    size_t lens[3];
    for (int i = 0; i < 3; i++) lens[i] = strlen(docs[i]);
    lexkit_vectorizer_config c = lexkit_vectorizer_config_default();
    c.tfidf = 1;
    lexkit_vectorizer *v = NULL;
    lexkit_csr m;
    lexkit_error err;
    if (lexkit_vectorizer_create(&c, &v, &err) != LEXKIT_OK ||
        lexkit_vectorizer_fit_transform(v, docs, lens, 3, &m, &err) != LEXKIT_OK) {
        fprintf(stderr, "%s\n", lexkit_error_message(&err));
        return 1;
    }
    for (int32_t col = 0; col < lexkit_vectorizer_n_features(v); col++) {
        size_t len;
        const char *term = lexkit_vectorizer_feature(v, col, &len);
        printf("%d %.*s idf=%.6f\n", col, (int)len, term, lexkit_vectorizer_idf(v)[col]);
    }
    for (int32_t r = 0; r < m.n_rows; r++) {
        printf("row %d:", r);
        for (int64_t k = m.indptr[r]; k < m.indptr[r + 1]; k++)
            printf(" %d:%.6f", m.indices[k], m.data[k]);
        printf("\n");
    }
    lexkit_csr_free(&m);
    lexkit_vectorizer_free(v);
    return 0;
}
