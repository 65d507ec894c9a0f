/* embeddings.c: a small vector table saved as word2vec binary, loaded back, and queried
   for the nearest words and an analogy. argv[1]: the file to write. */
#include <stdio.h>
#include <string.h>

#include <lexkit/lexkit.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: embeddings FILE (the word2vec binary file to write)\n");
        return 2;
    }
    const char *words[] = {"king", "queen", "man", "woman", "apple"};
    const float vecs[5][3] = {{1, 1, 0.1f}, {1, -1, 0.1f}, {0.2f, 1, 0}, {0.2f, -1, 0}, {0, 0, 1}};
    lexkit_vectors *v = NULL, *back = NULL;
    lexkit_error err;
    if (lexkit_vectors_create(3, &v) != LEXKIT_OK) return 1;
    for (int i = 0; i < 5; i++)
        if (lexkit_vectors_add(v, words[i], strlen(words[i]), vecs[i]) != LEXKIT_OK)
            return 1;
    if (lexkit_vectors_save(v, argv[1], LEXKIT_VEC_BINARY, &err) != LEXKIT_OK ||
        lexkit_vectors_load(argv[1], LEXKIT_VEC_AUTO, &back, &err) != LEXKIT_OK) {
        fprintf(stderr, "%s\n", lexkit_error_message(&err));
        return 1;
    }
    printf("%d words, dim %d\n", lexkit_vectors_size(back), lexkit_vectors_dim(back));
    const char *pos[] = {"king", "woman"}, *neg[] = {"man"};
    int32_t ids[3];
    float scores[3];
    int32_t n;
    if (lexkit_vectors_most_similar(back, pos, 2, neg, 1, 3, ids, scores, &n, &err) != LEXKIT_OK) {
        fprintf(stderr, "%s\n", lexkit_error_message(&err));
        return 1;
    }
    printf("king - man + woman:");
    for (int32_t i = 0; i < n; i++) printf(" %s(%.3f)", lexkit_vectors_word(back, ids[i]), scores[i]);
    printf("\n");
    lexkit_vectors_free(v);
    lexkit_vectors_free(back);
    return 0;
}
