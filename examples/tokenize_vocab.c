/* tokenize_vocab.c: count the words of a sentence with the lexkit tokenizer and vocabulary. */
#include <stdio.h>
#include <string.h>

#include <lexkit/lexkit.h>

int main(void)
{
    const char *text = "The cat saw the other CAT.";
    lexkit_tokenizer *tok = NULL;
    lexkit_vocab *voc = NULL;
    const lexkit_token *toks;
    size_t n;
    lexkit_error err;
    if (lexkit_tokenizer_create(LEXKIT_TOKENIZER_LEXKIT, 1, &tok) != LEXKIT_OK ||
        lexkit_vocab_create(&voc) != LEXKIT_OK)
        return 1;
    if (lexkit_tokenize(tok, text, strlen(text), &toks, &n, &err) != LEXKIT_OK) {
        fprintf(stderr, "%s\n", lexkit_error_message(&err));
        return 1;
    }
    for (size_t i = 0; i < n; i++)
        if (lexkit_vocab_add(voc, toks[i].text, toks[i].text_len, NULL) != LEXKIT_OK) return 1;
    lexkit_vocab_sort(voc, 1, 0);
    printf("lexkit %s: %zu tokens\n", lexkit_version(), n);
    for (int32_t id = 0; id < lexkit_vocab_size(voc); id++)
        printf("%s %lld\n", lexkit_vocab_word(voc, id), (long long)lexkit_vocab_count(voc, id));
    lexkit_tokenizer_free(tok);
    lexkit_vocab_free(voc);
    return 0;
}
