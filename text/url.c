/* url.c: URLs, e-mail addresses and bare host names in running text: the one scanner of the
   Chinese pre-tokenizer (pretok.c) and the UD English tokenizer (tokenize_ud_en.c); @handles
   (the pre-tokenizer's). */
#include "text/url.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "text/utf8.h"

static bool ascii_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* RFC 3986 characters that may appear in a URL (unreserved, reserved, '%'). */
static bool url_char(unsigned char c)
{
    return ascii_alnum(c) || (c != 0 && strchr("-._~:/?#[]@!$&'()*+,;=%", c) != NULL);
}

/* Drop trailing characters that end the sentence rather than the URL. */
static size_t trim_tail(const char *s, size_t n)
{
    while (n > 0) {
        char c = s[n - 1];
        if (strchr(".,;:!?'\"", c)) {
            n--;
            continue;
        }
        if (c == ')' || c == ']') { /* keep it only if it closes a bracket in the URL */
            char o = c == ')' ? '(' : '[';
            int depth = 0;
            for (size_t i = 0; i < n; i++) depth += s[i] == o ? 1 : s[i] == c ? -1 : 0;
            if (depth < 0) {
                n--;
                continue;
            }
        }
        break;
    }
    return n;
}

/* A non-ASCII character a URL may contain (an IRI's host or path): a letter, digit, mark or
   Han character; never punctuation, a symbol or white space. */
static bool iri_char(int32_t cp)
{
    lk_char_class c = lk_char_class_of(cp);
    return c == LK_CC_LETTER || c == LK_CC_NUMBER || c == LK_CC_HAN || c == LK_CC_MARK;
}

/* End of the URL characters of s[i..len): ASCII RFC 3986 characters, and runs of non-ASCII
   letters, digits and Han (an IRI: http://例子.中国/路径?参数=值) that start after a
   delimiter (/ . ? = & # or the scheme's //) or continue such a run; so a URL ends at white
   space, at non-ASCII punctuation (，。）」) and where Han text follows its ASCII part
   (http://example.com了解). Trailing sentence punctuation is not included. */
static size_t url_tail(const char *s, size_t len, size_t i)
{
    size_t a = i;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            if (!url_char(c)) break;
            i++;
            continue;
        }
        int32_t cp;
        size_t cl = lk_utf8_decode(s + i, len - i, &cp);
        if (cl == 0 || !iri_char(cp)) break;
        unsigned char prev = i > 0 ? (unsigned char)s[i - 1] : 0;
        if (prev < 0x80 && (prev == 0 || !strchr("/.?=&#", prev))) break;
        i += cl;
    }
    return a + trim_tail(s + a, i - a);
}

size_t lk_url_len(const char *s, size_t len)
{
    static const char *const prefixes[] = {"https://", "http://", "ftp://", "www.", "mailto:"};
    size_t i = 0;
    for (size_t k = 0; k < sizeof prefixes / sizeof *prefixes; k++) {
        size_t pl = strlen(prefixes[k]);
        if (len > pl && strncasecmp(s, prefixes[k], pl) == 0 &&
            (ascii_alnum((unsigned char)s[pl]) || (k < 3 && url_tail(s, len, pl) > pl))) {
            i = pl;
            break;
        }
    }
    if (i == 0) return 0;
    return url_tail(s, len, i);
}

/* Top-level domains a bare host name may end in (example.com, t.sina.com.cn): the generic
   ones and the country codes of the Chinese-, Japanese- and English-speaking web. */
static bool known_tld(const char *s, size_t n)
{
    static const char *const tlds[] = {
        "com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "io", "ai", "app",
        "dev", "xyz", "top", "site", "online", "cn", "hk", "tw", "mo", "sg", "jp", "kr", "uk",
        "us", "ca", "au", "nz", "de", "fr", "eu", "ru", "in", "co", "me", "tv", "cc"};
    for (size_t k = 0; k < sizeof tlds / sizeof *tlds; k++)
        if (strlen(tlds[k]) == n && strncasecmp(s, tlds[k], n) == 0) return true;
    return false;
}

size_t lk_url_host_len(const char *s, size_t len)
{
    size_t i = 0, labels = 0, last = 0;
    for (;;) {
        if (i >= len || !ascii_alnum((unsigned char)s[i])) break;
        size_t a = i;
        while (i < len && (ascii_alnum((unsigned char)s[i]) || s[i] == '-')) i++;
        while (i > a && s[i - 1] == '-') i--;
        labels++;
        last = a;
        if (i + 1 < len && s[i] == '.' && ascii_alnum((unsigned char)s[i + 1])) {
            i++;
            continue;
        }
        break;
    }
    if (labels < 2 || !known_tld(s + last, i - last)) return 0;
    if (i < len && (ascii_alnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '_' ||
                    s[i] == '@'))
        return 0;
    if (i < len && (s[i] == '/' || s[i] == ':' || s[i] == '?' || s[i] == '#')) {
        size_t j = url_tail(s, len, i);
        if (j > i + 1) i = j;
    }
    return i;
}

static bool local_char(unsigned char c)
{
    return ascii_alnum(c) || (c != 0 && strchr("._%+-", c) != NULL);
}

size_t lk_url_email_len(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && local_char((unsigned char)s[i])) i++;
    if (i == 0 || i >= len || s[i] != '@' || !ascii_alnum((unsigned char)s[0])) return 0;
    size_t at = ++i, dots = 0;
    while (i < len && (ascii_alnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '.')) {
        if (s[i] == '.') dots++;
        i++;
    }
    while (i > at && (s[i - 1] == '.' || s[i - 1] == '-')) {
        if (s[i - 1] == '.') dots--;
        i--;
    }
    if (dots == 0 || i == at || !ascii_alnum((unsigned char)s[at])) return 0;
    return i;
}

static bool handle_char(unsigned char c) { return ascii_alnum(c) || c == '_'; }

size_t lk_url_handle_len(const char *s, size_t len)
{
    if (len < 2 || s[0] != '@') return 0;
    unsigned char first = (unsigned char)s[1];
    if (!handle_char(first) || (first >= '0' && first <= '9')) return 0;
    size_t i = 2;
    while (i < len && (handle_char((unsigned char)s[i]) ||
                       (s[i] == '.' && i + 1 < len && handle_char((unsigned char)s[i + 1]))))
        i++;
    return i;
}
