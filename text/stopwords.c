/* stopwords.c: the reader of stop-word files (text/stopwords.h). */
#include "text/stopwords.h"

#include <stdlib.h>
#include <string.h>

#include "text/fileio.h"
#include "text/utf8.h"

/* The byte length of the white space (lk_is_space) at s[0..len), 0 when none. */
static size_t space_at(const char *s, size_t len)
{
    int32_t cp;
    size_t k = lk_utf8_decode(s, len, &cp);
    return k && lk_is_space(cp) ? k : 0;
}

/* One line s[0..len) (valid UTF-8, no NUL): the word it holds, trimmed, NUL-terminated in
   place (*word NULL for a blank or comment line), or the error of white space inside it
   (white space then '#' ends the line: a comment after the word). */
static lk_status stop_line(char *s, size_t len, const char *path, int64_t lineno, char **word,
                           lk_error *err)
{
    size_t a = 0, k, e;
    *word = NULL;
    while (a < len && (k = space_at(s + a, len - a)) > 0) a += k;
    if (a == len || s[a] == '#') return LK_OK;
    for (e = a; e < len && (k = space_at(s + e, len - e)) == 0;)
        e += lk_utf8_decode(s + e, len - e, &(int32_t){0});
    size_t rest = e;
    while (rest < len && (k = space_at(s + rest, len - rest)) > 0) rest += k;
    if (rest < len && s[rest] != '#')
        return lk_error_at(err, path, lineno, lk_utf8_column(s, e),
                           "white space inside a stop word (the file lists one word per line)");
    s[e] = '\0';
    *word = s + a;
    return LK_OK;
}

lk_status lk_stop_words_parse(char *text, size_t len, const char *path, const char ***words,
                              size_t *n, lk_error *err)
{
    static const char BOM[] = "\xEF\xBB\xBF";
    *words = NULL;
    *n = 0;
    size_t start = len >= 3 && memcmp(text, BOM, 3) == 0 ? 3 : 0;
    const char **list = malloc((len / 2 + 1) * sizeof *list);
    if (!list) return lk_error_set(err, LK_ERR_NOMEM, "out of memory");
    lk_status st = LK_OK;
    int64_t lineno = 0;
    for (size_t i = start; st == LK_OK && i < len;) {
        char *line = text + i, *nl = memchr(line, '\n', len - i);
        size_t l = nl ? (size_t)(nl - line) : len - i;
        i += l + 1;
        lineno++;
        if ((st = lk_text_check_line(line, l, path, lineno, ": stop words are UTF-8 text, one "
                                     "word per line", err)) != LK_OK)
            break;
        char *word;
        if ((st = stop_line(line, l, path, lineno, &word, err)) == LK_OK && word)
            list[(*n)++] = word;
    }
    if (st != LK_OK) {
        free(list);
        *n = 0;
        return st;
    }
    *words = list;
    return LK_OK;
}
