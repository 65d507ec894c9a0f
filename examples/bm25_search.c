/* bm25_search.c: build a BM25 index in directory argv[1], search it (plain words, then the
   query syntax with stored titles), delete a document. */
#include <stdio.h>
#include <string.h>

#include <lexkit/lexkit.h>

static int search(lexkit_index *idx, const char *q)
{
    lexkit_hit hits[5];
    size_t n;
    lexkit_error err;
    if (lexkit_index_search(idx, q, strlen(q), 5, hits, &n, &err) != LEXKIT_OK) {
        fprintf(stderr, "%s\n", lexkit_error_message(&err));
        return 1;
    }
    printf("%s:", q);
    for (size_t i = 0; i < n; i++) printf(" %.*s(%.4f)", (int)hits[i].id_len, hits[i].id, hits[i].score);
    printf("\n");
    return 0;
}

/* Search with a searcher and print each hit's stored title. */
static int search_titles(lexkit_index *idx, const char *q)
{
    lexkit_searcher *s = NULL;
    lexkit_hit hits[5];
    size_t n;
    lexkit_error err;
    if (lexkit_searcher_create(idx, &s, &err) != LEXKIT_OK ||
        lexkit_searcher_search(s, q, strlen(q), 5, hits, &n, &err) != LEXKIT_OK) {
        fprintf(stderr, "%s\n", lexkit_error_message(&err));
        lexkit_searcher_free(s);
        return 1;
    }
    printf("%s:", q);
    for (size_t i = 0; i < n; i++) {
        const lexkit_field *f;
        size_t nf;
        if (lexkit_searcher_fields(s, hits[i].doc, &f, &nf, &err) != LEXKIT_OK) {
            fprintf(stderr, "%s\n", lexkit_error_message(&err));
            lexkit_searcher_free(s);
            return 1;
        }
        for (size_t j = 0; j < nf; j++)
            if (f[j].name_len == 5 && !memcmp(f[j].name, "title", 5))
                printf(" %.*s \"%.*s\"", (int)hits[i].id_len, hits[i].id, (int)f[j].value_len,
                       f[j].value);
    }
    printf("\n");
    lexkit_searcher_free(s);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bm25_search DIR (the index directory to build)\n");
        return 2;
    }
    const char *ids[] = {"d1", "d2", "d3"};
    const char *titles[] = {"Cats", "Dogs", "Mice"};
    const char *texts[] = {"cats chase mice", "dogs chase cats and cats run", "mice eat cheese"};
    size_t id_lens[3], title_lens[3], text_lens[3];
    for (int i = 0; i < 3; i++) {
        id_lens[i] = strlen(ids[i]);
        title_lens[i] = strlen(titles[i]);
        text_lens[i] = strlen(texts[i]);
    }
    lexkit_index_config c = lexkit_index_config_default();
    c.lang = LEXKIT_LANG_EN;
    lexkit_index *idx = NULL;
    lexkit_error err;
    if (lexkit_index_create(argv[1], &c, &idx, &err) != LEXKIT_OK ||
        lexkit_index_add_titled(idx, ids, id_lens, titles, title_lens, texts, text_lens, 3,
                                &err) != LEXKIT_OK) {
        fprintf(stderr, "%s\n", lexkit_error_message(&err));
        return 1;
    }
    printf("%u documents\n", lexkit_index_n_docs(idx));
    if (search(idx, "cats") || search(idx, "mice cheese")) return 1;
    if (search_titles(idx, "cats -dogs")) return 1;
    if (lexkit_index_delete(idx, ids + 1, id_lens + 1, 1, &err) != LEXKIT_OK) {
        fprintf(stderr, "%s\n", lexkit_error_message(&err));
        return 1;
    }
    printf("%u documents after deleting d2\n", lexkit_index_n_docs(idx));
    if (search(idx, "cats")) return 1;
    lexkit_index_free(idx);
    return 0;
}
