/* tag_chinese.c: segment and tag Chinese text with the model argv[1]
   (corpora/models/zh-gsd-char.lkt). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lexkit/lexkit.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: tag_chinese MODEL (a Chinese char tagger model, such as "
                        "corpora/models/zh-gsd-char.lkt)\n");
        return 2;
    }
    const char *text = "他们在学校学习。";
    lexkit_tagger *t = NULL;
    lexkit_span *spans = NULL;
    size_t n = 0;
    lexkit_error err;
    if (lexkit_tagger_load(argv[1], &t, &err) != LEXKIT_OK ||
        lexkit_tagger_tag_text(t, text, strlen(text), &spans, &n, &err) != LEXKIT_OK) {
        fprintf(stderr, "%s\n", lexkit_error_message(&err));
        lexkit_tagger_free(t);
        return 1;
    }
    for (size_t i = 0; i < n; i++)
        printf("%s%.*s/%s", i ? " " : "", (int)spans[i].len, text + spans[i].start,
               lexkit_tagger_tag_name(t, spans[i].tag));
    printf("\n");
    free(spans);
    lexkit_tagger_free(t);
    return 0;
}
