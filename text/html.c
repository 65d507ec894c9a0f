/* html.c: HTML title and text (see html.h). The only file that includes libxml2. */
#include "text/html.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "text/error.h"
#include "text/utf8.h"

typedef struct {
    char *s;
    size_t len, cap;
    bool space;   /* a white space run is pending */
    bool newline; /* ... and it holds a line end */
    bool nomem;
} sink;

static void sink_put(sink *k, const char *p, size_t n)
{
    if (k->nomem) return;
    void *s = k->s;
    if (lk_grow(&s, &k->cap, k->len + n + 1, 1) != LK_OK) {
        k->nomem = true;
        return;
    }
    k->s = s;
    memcpy(k->s + k->len, p, n);
    k->len += n;
}

/* Append text, collapsing white space; a pending break is written before the next word. */
static void sink_text(sink *k, const char *p)
{
    for (; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
            k->space = true;
            continue;
        }
        if (k->space && k->len) sink_put(k, k->newline ? "\n" : " ", 1);
        k->space = k->newline = false;
        sink_put(k, p, 1);
    }
}

static void sink_break(sink *k)
{
    k->space = k->newline = true;
}

static bool name_in(const xmlChar *name, const char *const *list)
{
    for (; *list; list++)
        if (xmlStrcasecmp(name, (const xmlChar *)*list) == 0) return true;
    return false;
}

static const char *const skipped[] = {"script", "style", "noscript", "template", "head",
                                      "iframe", "object", "svg", "math", NULL};
/* Elements inside a word or a line: no break around them. */
static const char *const inline_elems[] = {
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "kbd",
    "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
    "wbr", "big", "tt", "strike", "label", NULL};

static void walk(const xmlNode *n, sink *k)
{
    for (; n; n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content) sink_text(k, (const char *)n->content);
        } else if (n->type == XML_ELEMENT_NODE && !name_in(n->name, skipped)) {
            bool block = !name_in(n->name, inline_elems);
            if (block) sink_break(k);
            walk(n->children, k);
            if (block) sink_break(k);
        }
    }
}

/* The text of the first element named `name` under n (depth first), or NULL. */
static const xmlNode *find(const xmlNode *n, const char *name)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) continue;
        if (xmlStrcasecmp(n->name, (const xmlChar *)name) == 0) return n;
        const xmlNode *f = find(n->children, name);
        if (f) return f;
    }
    return NULL;
}

static void text_of(const xmlNode *n, sink *k)
{
    for (; n; n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content) sink_text(k, (const char *)n->content);
        } else if (n->type == XML_ELEMENT_NODE && !name_in(n->name, skipped)) {
            text_of(n->children, k);
        }
    }
}

static char *finish(sink *k, size_t *len)
{
    sink_put(k, "", 1); /* NUL */
    if (k->nomem) {
        free(k->s);
        return NULL;
    }
    *len = k->len - 1;
    return k->s;
}

lk_status lk_html_extract(const char *html, size_t len, char **title, size_t *title_len,
                          char **text, size_t *text_len, lk_error *err)
{
    *title = *text = NULL;
    if (len > (size_t)INT32_MAX) return lk_error_set(err, LK_ERR_RANGE, "HTML file too large");
    int opts = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
               HTML_PARSE_COMPACT;
    /* valid UTF-8 is read as such whatever the page declares (most pages without a
       charset are UTF-8 today); other bytes as the page's charset */
    const char *enc = lk_utf8_valid(html, len, NULL) ? "UTF-8" : NULL;
    /* NULL for an empty page (or one libxml2 finds no node in): no title, no text */
    htmlDocPtr doc = len ? htmlReadMemory(html, (int)len, NULL, enc, opts) : NULL;
    sink t = {0}, b = {0};
    if (doc) {
        const xmlNode *root = xmlDocGetRootElement(doc);
        const xmlNode *tn = find(root, "title");
        if (tn) text_of(tn->children, &t);
        if (t.len == 0 && !t.nomem && (tn = find(root, "h1")) != NULL) { /* none, or blank */
            t.space = t.newline = false;
            text_of(tn->children, &t);
        }
        const xmlNode *body = find(root, "body");
        walk(body ? body->children : root, &b);
        xmlFreeDoc(doc);
    }
    *title = finish(&t, title_len);
    *text = finish(&b, text_len);
    if (!*title || !*text) {
        free(*title);
        free(*text);
        *title = *text = NULL;
        return LK_ERR_NOMEM;
    }
    return LK_OK;
}
