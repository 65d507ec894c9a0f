/* fuzz_targets.c: libFuzzer entry points for lexkit's parsers and loaders. One binary per
   target: compile with -DLK_FUZZ_TARGET=<n> (see tests/fuzz/README.md). Loaders that take a
   path get the bytes through a temporary file. Every input must give LK_OK or an error;
   crashes, leaks, sanitizer reports and timeouts are the findings. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "features/bow.h"
#include "models/embed.h"
#include "models/tagger.h"
#include "models/vectors.h"
#include "text/corpus.h"
#include "text/tokenize.h"

#define FUZZ_VECTORS 1
#define FUZZ_TAGGER_MODEL 2
#define FUZZ_EMBED_MODEL 3
#define FUZZ_VOCAB_IN 4
#define FUZZ_DOCS_JSONL 5
#define FUZZ_CONLLU 6
#define FUZZ_SLASH 7
#define FUZZ_TOKENIZE 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#if LK_FUZZ_TARGET != FUZZ_TOKENIZE
/* Write data to a fresh temp file; its path in buf (caller unlinks). */
static int to_file(const uint8_t *data, size_t size, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/lkfuzz.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    int fd = mkstemp(buf);
    if (fd < 0) return -1;
    size_t off = 0;
    while (off < size) {
        ssize_t w = write(fd, data + off, size - off);
        if (w <= 0) break;
        off += (size_t)w;
    }
    close(fd);
    return 0;
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lk_error err;
    char path[4096];
#if LK_FUZZ_TARGET == FUZZ_TOKENIZE
    (void)path;
    for (int mode = LK_TOKMODE_LEXKIT; mode <= LK_TOKMODE_SPACE; mode++) {
        lk_tokenizer_config c = lk_tokenizer_config_default();
        c.mode = (lk_tok_mode)mode;
        c.lower = size > 0 && (data[0] & 1);
        lk_tokenizer *t = NULL;
        if (lk_tokenizer_create(&c, &t) != LK_OK) return 0;
        const lk_token *toks;
        size_t n;
        (void)lk_tokenize(t, (const char *)data, size, &toks, &n, &err);
        lk_tokenizer_free(t);
    }
    return 0;
#else
    if (to_file(data, size, path, sizeof path) != 0) return 0;
#if LK_FUZZ_TARGET == FUZZ_VECTORS
    lk_vectors *v = NULL;
    if (lk_vectors_read(path, LK_VEC_AUTO, 0, &v, &err) == LK_OK) lk_vectors_free(v);
#elif LK_FUZZ_TARGET == FUZZ_TAGGER_MODEL
    lk_tagger *m = NULL;
    if (lk_tagger_load(path, &m, &err) == LK_OK) lk_tagger_free(m);
#elif LK_FUZZ_TARGET == FUZZ_EMBED_MODEL
    lk_embed_model *m = NULL;
    if (lk_embed_model_load(path, &m, &err) == LK_OK) lk_embed_model_free(m);
#elif LK_FUZZ_TARGET == FUZZ_VOCAB_IN
    lk_bow_config c = lk_bow_config_default();
    lk_bow *b = NULL;
    if (lk_bow_create(&c, &b) == LK_OK) (void)lk_bow_load_vocab(b, path, &err);
    lk_bow_free(b);
#elif LK_FUZZ_TARGET == FUZZ_DOCS_JSONL
    lk_docs_reader *r = NULL;
    if (lk_docs_open(path, LK_DOCS_JSONL, &r, &err) == LK_OK) {
        lk_doc d;
        bool got = true;
        while (got && lk_docs_next(r, &d, &got, &err) == LK_OK) {}
    }
    lk_docs_free(r);
#elif LK_FUZZ_TARGET == FUZZ_CONLLU || LK_FUZZ_TARGET == FUZZ_SLASH
    lk_tagged_corpus tc;
    memset(&tc, 0, sizeof tc);
    if (lk_tagged_corpus_load(path, LK_FUZZ_TARGET == FUZZ_CONLLU ? LK_TAGGED_CONLLU
                                                                   : LK_TAGGED_SLASH,
                              &tc, &err) == LK_OK)
        lk_tagged_corpus_free(&tc);
#else
#error "set LK_FUZZ_TARGET"
#endif
    unlink(path);
    return 0;
#endif
}
