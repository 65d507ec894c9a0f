/* bm25_results.c: search hits with stored fields and snippets, as text for people, TSV or
   JSON (bm25_text.h's lk_bm25_output). */
#include "features/search/bm25_results_internal.h"

#include <stdlib.h>
#include <string.h>

#include "features/search/bm25_snippet.h"
#include "features/search/bm25_store.h"
#include "text/corpus.h"

#define ANSI_ON "\033[1m"
#define ANSI_OFF "\033[0m"
#define ELLIPSIS "..."

lk_bm25_output lk_bm25_output_default(void)
{
    lk_bm25_output o;
    memset(&o, 0, sizeof o);
    o.fmt = LK_BM25_FMT_TREC;
    o.snippet_field = "text";
    o.snippet_chars = LK_SNIPPET_DEFAULT_CHARS;
    return o;
}

const char *lk_bm25_fields_check(const char *fields)
{
    const char *why = lk_bm25_store_spec_check(fields);
    if (why) return why;
    for (const char *p = fields;;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        for (const char *q = fields; q < p;) {
            const char *f = strchr(q, ',');
            if ((size_t)(f - q) == n && memcmp(p, q, n) == 0) return "a field is listed twice";
            q = f + 1;
        }
        if (!e) return NULL;
        p = e + 1;
    }
}

/* `name` is one of the comma-separated names of `fields`. */
static bool fields_name(const char *fields, const char *name)
{
    size_t len = strlen(name);
    for (const char *p = fields;;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == len && memcmp(p, name, n) == 0) return true;
        if (!e) return false;
        p = e + 1;
    }
}

const char *lk_bm25_output_check(const lk_bm25_output *out)
{
    if (out->fmt == LK_BM25_FMT_TREC && (out->fields || out->snippet))
        return "--fields and --snippet need --format text, tsv or json (a TREC run has fixed "
               "columns)";
    if (out->fields && lk_bm25_fields_check(out->fields))
        return "--fields: a comma-separated list of distinct field names";
    if (out->fields && fields_name(out->fields, "id"))
        return "--fields: the id is always printed; --fields names stored fields (such as "
               "title, text)";
    if (out->snippet_chars == 0) return "snippet length must be at least 1";
    return NULL;
}

struct lk_bm25__printer {
    const lk_bm25_index *idx;
    const lk_bm25_output *out;
    lk_bm25_store_ws *ws;
    lk_snippeter *snip;   /* NULL unless snippets are printed */
    bool stored;          /* the index has a store */
    bool text_snippet;    /* print snippets */
    bool text_title;      /* text format without --fields: the title */
    const lk_doc_field *f;
    size_t nf;
};

lk_status lk_bm25__printer_create(const lk_bm25_index *idx, const lk_bm25_output *out,
                                  lk_bm25__printer **pp, lk_error *err)
{
    lk_bm25__printer *p = calloc(1, sizeof *p);
    *pp = NULL;
    if (!p) return LK_ERR_NOMEM;
    p->idx = idx;
    p->out = out;
    size_t spec_len;
    const char *spec = lk_bm25_index_store_spec(idx, &spec_len);
    const char *sf = out->snippet_field ? out->snippet_field : "text";
    p->stored = spec != NULL;
    p->text_snippet = out->snippet || (out->fmt == LK_BM25_FMT_TEXT && spec &&
                                       lk_bm25_store_spec_wants(spec, spec_len, sf, strlen(sf)));
    p->text_title = out->fmt == LK_BM25_FMT_TEXT && !out->fields;
    lk_status st = lk_bm25_store_ws_create(&p->ws);
    if (st == LK_OK && p->text_snippet && p->stored) st = lk_snippeter_create(idx, &p->snip, err);
    if (st != LK_OK) {
        lk_bm25__printer_free(p);
        return st;
    }
    *pp = p;
    return LK_OK;
}

void lk_bm25__printer_free(lk_bm25__printer *p)
{
    if (!p) return;
    lk_bm25_store_ws_free(p->ws);
    lk_snippeter_free(p->snip);
    free(p);
}

bool lk_bm25__printer_snippets(const lk_bm25__printer *p) { return p->snip != NULL; }

static const lk_doc_field *find_field(const lk_bm25__printer *p, const char *name, size_t len)
{
    for (size_t i = 0; i < p->nf; i++)
        if (p->f[i].name_len == len && memcmp(p->f[i].name, name, len) == 0) return &p->f[i];
    return NULL;
}


/* Text on one line: tabs, newlines and other control characters become spaces (TSV and
   text output); TSV also turns a backslash into "\\". */
static void flat_str(FILE *fp, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        putc(c < 0x20 || c == 0x7F ? ' ' : c, fp);
    }
}

/* flat_str for people (the text format): a run of white space and control characters is
   one space (a Markdown table's padding, a paragraph break); *space: the last byte written
   was such a space (carried across the pieces of one line). */
static void flat_words(FILE *fp, const char *s, size_t n, bool *space)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        bool ws = c <= 0x20 || c == 0x7F;
        if (!ws) putc(c, fp);
        else if (!*space) putc(' ', fp);
        *space = ws;
    }
}

/* Iterate over the names of a comma list. */
static bool next_name(const char **at, const char **name, size_t *len)
{
    if (!*at || !**at) return false;
    const char *e = strchr(*at, ',');
    *name = *at;
    *len = e ? (size_t)(e - *at) : strlen(*at);
    *at = e ? e + 1 : *at + *len;
    return true;
}

static lk_status snippet_of(lk_bm25__printer *p, const lk_doc_field **src, lk_snippet *sn,
                            lk_error *err)
{
    const char *sf = p->out->snippet_field ? p->out->snippet_field : "text";
    *src = p->snip ? find_field(p, sf, strlen(sf)) : NULL;
    if (!*src) return LK_OK;
    return lk_snippeter_run(p->snip, (*src)->value, (*src)->value_len, p->out->snippet_chars, sn,
                            err);
}

/* The passage with its marks: brackets or ANSI bold, on one line. people (the text format):
   ellipses where text was left out, white space runs as one space (flat_words). */
static void print_marked(FILE *fp, const char *t, const lk_snippet *sn, bool ansi, bool people)
{
    const char *on = ansi ? ANSI_ON : "[", *off = ansi ? ANSI_OFF : "]";
    bool space = false;
#define FLAT(s, n) (people ? flat_words(fp, s, n, &space) : flat_str(fp, s, n))
    if (people && sn->cut_before) fputs(ELLIPSIS, fp);
    size_t at = sn->start;
    for (size_t k = 0; k < sn->n_marks; k++) {
        FLAT(t + at, sn->marks[k].start - at);
        fputs(on, fp);
        FLAT(t + sn->marks[k].start, sn->marks[k].end - sn->marks[k].start);
        fputs(off, fp);
        at = sn->marks[k].end;
    }
    FLAT(t + at, sn->end - at);
#undef FLAT
    if (people && sn->cut_after) fputs(ELLIPSIS, fp);
}

static lk_status print_text_hit(lk_bm25__printer *p, size_t rank, const lk_bm25_hit *h,
                                FILE *fp, lk_error *err)
{
    size_t il;
    const char *id = lk_bm25_index_doc_id(p->idx, h->doc, &il);
    fprintf(fp, "%zu. %.*s  %.4f", rank, (int)il, id, h->score);
    const lk_doc_field *t = p->text_title ? find_field(p, "title", 5) : NULL;
    if (t) {
        bool space = false;
        fputs("  ", fp);
        if (p->out->ansi) fputs(ANSI_ON, fp);
        flat_words(fp, t->value, t->value_len, &space);
        if (p->out->ansi) fputs(ANSI_OFF, fp);
    }
    putc('\n', fp);
    const char *at = p->out->fields, *name;
    size_t len;
    while (next_name(&at, &name, &len)) {
        const lk_doc_field *f = find_field(p, name, len);
        if (!f) continue;
        bool space = false;
        fprintf(fp, "   %.*s: ", (int)len, name);
        flat_words(fp, f->value, f->value_len, &space);
        putc('\n', fp);
    }
    const lk_doc_field *src;
    lk_snippet sn;
    lk_status st = p->text_snippet ? snippet_of(p, &src, &sn, err) : LK_OK;
    if (st == LK_OK && p->text_snippet && src) {
        fputs("   ", fp);
        print_marked(fp, src->value, &sn, p->out->ansi, true);
        putc('\n', fp);
    }
    return st;
}

static lk_status print_tsv_hit(lk_bm25__printer *p, const char *qid, size_t qid_len, size_t rank,
                               const lk_bm25_hit *h, FILE *fp, lk_error *err)
{
    size_t il;
    const char *id = lk_bm25_index_doc_id(p->idx, h->doc, &il);
    fprintf(fp, "%.*s\t%zu\t%.*s\t%.9g", (int)qid_len, qid, rank, (int)il, id, h->score);
    const char *at = p->out->fields, *name;
    size_t len;
    while (next_name(&at, &name, &len)) {
        const lk_doc_field *f = find_field(p, name, len);
        putc('\t', fp);
        if (f) flat_str(fp, f->value, f->value_len);
    }
    lk_status st = LK_OK;
    if (p->out->snippet) {
        const lk_doc_field *src;
        lk_snippet sn;
        putc('\t', fp);
        st = snippet_of(p, &src, &sn, err);
        if (st == LK_OK && src) print_marked(fp, src->value, &sn, false, false);
    }
    putc('\n', fp);
    return st;
}

static lk_status print_json_hit(lk_bm25__printer *p, const lk_bm25_hit *h, bool first, FILE *fp,
                                lk_error *err)
{
    size_t il;
    const char *id = lk_bm25_index_doc_id(p->idx, h->doc, &il);
    fputs(first ? "{\"id\": " : ", {\"id\": ", fp);
    lk_json_write_str(fp, id, il);
    fprintf(fp, ", \"score\": %.9g", h->score);
    if (p->out->fields) {
        fputs(", \"fields\": {", fp);
        const char *at = p->out->fields, *name;
        size_t len;
        for (bool any = false; next_name(&at, &name, &len); any = true) {
            const lk_doc_field *f = find_field(p, name, len);
            if (any) fputs(", ", fp);
            lk_json_write_str(fp, name, len);
            fputs(": ", fp);
            if (!f) fputs("null", fp);
            else if (f->number) fwrite(f->value, 1, f->value_len, fp);
            else lk_json_write_str(fp, f->value, f->value_len);
        }
        putc('}', fp);
    }
    lk_status st = LK_OK;
    if (p->out->snippet) {
        const lk_doc_field *src;
        lk_snippet sn;
        st = snippet_of(p, &src, &sn, err);
        fputs(", \"snippet\": ", fp);
        if (st != LK_OK || !src) {
            fputs("null", fp);
        } else {
            const char *t = src->value;
            fputs("{\"field\": ", fp);
            lk_json_write_str(fp, src->name, src->name_len);
            fputs(", \"text\": ", fp);
            lk_json_write_str(fp, t + sn.start, sn.end - sn.start);
            fprintf(fp, ", \"start\": %zu, \"highlights\": [", sn.start_cp);
            for (size_t k = 0; k < sn.n_marks; k++)
                fprintf(fp, "%s[%zu, %zu]", k ? ", " : "", sn.marks_cp[k].start,
                        sn.marks_cp[k].end);
            fprintf(fp, "], \"cut_start\": %s, \"cut_end\": %s}", sn.cut_before ? "true" : "false",
                    sn.cut_after ? "true" : "false");
        }
    }
    putc('}', fp);
    return st;
}

lk_status lk_bm25__print_hits(lk_bm25__printer *p, const char *qid, size_t qid_len,
                              const lk_term *qterms, size_t nq, const lk_bm25_hit *h, size_t n,
                              FILE *fp, lk_error *err)
{
    lk_status st = p->snip ? lk_snippeter_query(p->snip, qterms, nq) : LK_OK;
    if (p->out->fmt == LK_BM25_FMT_JSON) {
        fputs("{\"qid\": ", fp);
        lk_json_write_str(fp, qid, qid_len);
        fputs(", \"hits\": [", fp);
    } else if (p->out->fmt == LK_BM25_FMT_TEXT && !(qid_len == 1 && qid[0] == 'q')) {
        fprintf(fp, "query %.*s\n", (int)qid_len, qid);
    }
    for (size_t i = 0; i < n && st == LK_OK; i++) {
        p->nf = 0;
        if (p->stored) st = lk_bm25_doc_fields(p->idx, p->ws, h[i].doc, &p->f, &p->nf, err);
        if (st != LK_OK) break;
        if (p->out->fmt == LK_BM25_FMT_JSON) st = print_json_hit(p, &h[i], i == 0, fp, err);
        else if (p->out->fmt == LK_BM25_FMT_TSV)
            st = print_tsv_hit(p, qid, qid_len, i + 1, &h[i], fp, err);
        else st = print_text_hit(p, i + 1, &h[i], fp, err);
    }
    if (st != LK_OK) return st;
    if (p->out->fmt == LK_BM25_FMT_JSON) fputs("]}\n", fp);
    else if (p->out->fmt == LK_BM25_FMT_TEXT && n == 0) fputs("no results\n", fp);
    if (ferror(fp)) return lk_error_set(err, LK_ERR_IO, "write error");
    return LK_OK;
}
