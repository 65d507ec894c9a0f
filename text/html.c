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

/* Not the page's text: code, metadata, embedded objects and navigation menus (a menu's
   "Home | Tickets" on every page would rank them all for "home" and open their snippets). */
static const char *const skipped[] = {"script", "style", "noscript", "template", "head", "iframe",
                                      "object", "svg", "math", "nav", NULL};
/* Elements inside a word or a line: no break around them. */
static const char *const inline_elems[] = {
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "kbd",
    "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
    "wbr", "big", "tt", "strike", "label", NULL};

/* Elements whose own <title> is not the page's (an inline SVG icon's, a template's). */
static const char *const foreign[] = {"script", "style", "noscript", "template", "iframe",
                                      "object", "svg", "math", NULL};

/* The traversals below are iterative (parent links, no recursion): a page may nest
   elements without limit (XML_PARSE_HUGE), so a recursive walk could run out of stack. */

/* The next node after n in document order below top (NULL at the end), entering n's
   children if `enter`. With breaks, every block element left on the way (n itself if it
   was entered, and the ancestors climbed out of, all entered) ends a line in k. */
static const xmlNode *next_node(const xmlNode *n, const xmlNode *top, bool enter, sink *k,
                                bool breaks)
{
    if (enter && n->children) return n->children;
    if (breaks && enter && !name_in(n->name, inline_elems)) sink_break(k);
    for (;;) {
        if (n->next) return n->next;
        n = n->parent;
        if (!n || n == top) return NULL;
        if (breaks && !name_in(n->name, inline_elems)) sink_break(k);
    }
}

/* The text of the nodes from first (and its following siblings), without the skipped
   elements; with breaks, block elements start and end a line. */
static void collect(const xmlNode *first, sink *k, bool breaks)
{
    const xmlNode *top = first ? first->parent : NULL, *n = first;
    while (n) {
        bool enter = false;
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content) sink_text(k, (const char *)n->content);
        } else if (n->type == XML_ELEMENT_NODE && !name_in(n->name, skipped)) {
            enter = true;
            if (breaks && !name_in(n->name, inline_elems)) sink_break(k);
        }
        n = next_node(n, top, enter, k, breaks);
    }
}

static void walk(const xmlNode *n, sink *k)
{
    collect(n, k, true);
}

/* The first element named `name` from n on (document order, not inside a foreign
   element), or NULL. */
static const xmlNode *find(const xmlNode *n, const char *name)
{
    const xmlNode *top = n ? n->parent : NULL;
    while (n) {
        bool enter = false;
        if (n->type == XML_ELEMENT_NODE) {
            if (xmlStrcasecmp(n->name, (const xmlChar *)name) == 0) return n;
            enter = !name_in(n->name, foreign);
        }
        n = next_node(n, top, enter, NULL, false);
    }
    return NULL;
}

static void text_of(const xmlNode *n, sink *k)
{
    collect(n, k, false);
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
    /* XML_PARSE_HUGE: without it libxml2 stops at 256 nested elements and the rest of the
       page is lost (generated pages nest deeper); with it nesting is unlimited (the
       traversals above do not recurse) */
    int opts = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
               HTML_PARSE_COMPACT | XML_PARSE_HUGE;
    /* valid UTF-8 is read as such whatever the page declares (most pages without a
       charset are UTF-8 today); other bytes as the page's charset */
    const char *enc = lk_utf8_valid(html, len, NULL) ? "UTF-8" : NULL;
    /* NULL for an empty page (or one libxml2 finds no node in): no title, no text */
    htmlParserCtxtPtr ctxt = len ? htmlNewParserCtxt() : NULL;
    if (len && !ctxt) return lk_error_set(err, LK_ERR_NOMEM, "out of memory");
    htmlDocPtr doc = len ? htmlCtxtReadMemory(ctxt, html, (int)len, NULL, enc, opts) : NULL;
    /* an internal error stops libxml2 where it is (even with RECOVER): the rest of the page
       would be lost without a word, so the page is refused */
    int stopped = ctxt && ctxt->errNo == XML_ERR_INTERNAL_ERROR;
    if (ctxt) htmlFreeParserCtxt(ctxt);
    if (stopped) {
        if (doc) xmlFreeDoc(doc);
        return lk_error_set(err, LK_ERR_PARSE, "the HTML parser stopped before the end of the "
                            "page");
    }
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
