/* stopwords.c: scikit-learn's English stop word list (ENGLISH_STOP_WORDS, 318 words, from
   the Glasgow Information Retrieval Group list), for `--stop-words english`, and the reader
   of stop-word files (`--stop-words FILE`). */
#include "features/sparse/bow.h"

#include <stdlib.h>
#include <string.h>

#include "text/fileio.h"
#include "text/utf8.h"

static const char *const ENGLISH[] = {
    "a", "about", "above", "across", "after", "afterwards", "again", "against", "all", "almost",
    "alone", "along", "already", "also", "although", "always", "am", "among", "amongst",
    "amoungst", "amount", "an", "and", "another", "any", "anyhow", "anyone", "anything",
    "anyway", "anywhere", "are", "around", "as", "at", "back", "be", "became", "because",
    "become", "becomes", "becoming", "been", "before", "beforehand", "behind", "being", "below",
    "beside", "besides", "between", "beyond", "bill", "both", "bottom", "but", "by", "call",
    "can", "cannot", "cant", "co", "con", "could", "couldnt", "cry", "de", "describe", "detail",
    "do", "done", "down", "due", "during", "each", "eg", "eight", "either", "eleven", "else",
    "elsewhere", "empty", "enough", "etc", "even", "ever", "every", "everyone", "everything",
    "everywhere", "except", "few", "fifteen", "fifty", "fill", "find", "fire", "first", "five",
    "for", "former", "formerly", "forty", "found", "four", "from", "front", "full", "further",
    "get", "give", "go", "had", "has", "hasnt", "have", "he", "hence", "her", "here",
    "hereafter", "hereby", "herein", "hereupon", "hers", "herself", "him", "himself", "his",
    "how", "however", "hundred", "i", "ie", "if", "in", "inc", "indeed", "interest", "into",
    "is", "it", "its", "itself", "keep", "last", "latter", "latterly", "least", "less", "ltd",
    "made", "many", "may", "me", "meanwhile", "might", "mill", "mine", "more", "moreover",
    "most", "mostly", "move", "much", "must", "my", "myself", "name", "namely", "neither",
    "never", "nevertheless", "next", "nine", "no", "nobody", "none", "noone", "nor", "not",
    "nothing", "now", "nowhere", "of", "off", "often", "on", "once", "one", "only", "onto",
    "or", "other", "others", "otherwise", "our", "ours", "ourselves", "out", "over", "own",
    "part", "per", "perhaps", "please", "put", "rather", "re", "same", "see", "seem", "seemed",
    "seeming", "seems", "serious", "several", "she", "should", "show", "side", "since",
    "sincere", "six", "sixty", "so", "some", "somehow", "someone", "something", "sometime",
    "sometimes", "somewhere", "still", "such", "system", "take", "ten", "than", "that", "the",
    "their", "them", "themselves", "then", "thence", "there", "thereafter", "thereby",
    "therefore", "therein", "thereupon", "these", "they", "thick", "thin", "third", "this",
    "those", "though", "three", "through", "throughout", "thru", "thus", "to", "together",
    "too", "top", "toward", "towards", "twelve", "twenty", "two", "un", "under", "until", "up",
    "upon", "us", "very", "via", "was", "we", "well", "were", "what", "whatever", "when",
    "whence", "whenever", "where", "whereafter", "whereas", "whereby", "wherein", "whereupon",
    "wherever", "whether", "which", "while", "whither", "who", "whoever", "whole", "whom",
    "whose", "why", "will", "with", "within", "without", "would", "yet", "you", "your", "yours",
    "yourself", "yourselves",
};

const char *const *lk_stop_words_english(size_t *n)
{
    *n = sizeof ENGLISH / sizeof *ENGLISH;
    return ENGLISH;
}

/* The byte length of the white space (lk_is_space) at s[0..len), 0 when none. */
static size_t space_at(const char *s, size_t len)
{
    int32_t cp;
    size_t k = lk_utf8_decode(s, len, &cp);
    return k && lk_is_space(cp) ? k : 0;
}

/* One line s[0..len) (valid UTF-8, no NUL): the word it holds, trimmed, NUL-terminated in
   place (*word NULL for a blank or comment line), or the error of white space inside it. */
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
    if (rest < len)
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
