/* bm25_info.c: lexkit index --info (bm25_info.h). */
#define _POSIX_C_SOURCE 200809L
#include "features/search/bm25_info.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "features/search/bm25_index_internal.h"
#include "features/search/bm25_seg_internal.h"
#include "features/search/bm25_segments.h"
#include "features/search/bm25_store.h"
#include "features/search/bm25_text.h"
#include "features/search/postings.h"
#include "text/corpus.h"
#include "text/fileio.h"

#define LK_INFO_POSTINGS_SHOWN 10 /* documents listed per term */

lk_status lk_bm25_index_describe(const lk_bm25_index *idx, const char *path, FILE *fp,
                                 lk_error *err)
{
    uint32_t end = lk_bm25_index_doc_end(idx), live = lk_bm25_index_n_docs(idx);
    size_t ns = lk_bm25__index_n_segs(idx), sl;
    const char *spec = lk_bm25_index_store_spec(idx, &sl);
    fprintf(fp, "index: %s\n", path);
    fprintf(fp, "documents: %u live, %u deleted\n", live, end - live);
    fprintf(fp, "terms: %llu distinct\n", (unsigned long long)lk_bm25_index_n_terms(idx));
    fprintf(fp, "mean document length: %.2f terms\n", lk_bm25_index_avgdl(idx));
    if (spec) fprintf(fp, "stored fields: %.*s\n", (int)sl, spec);
    else fputs("stored fields: none\n", fp);
    fputs(lk_bm25_index_has_positions(idx) ? "positions: stored\n" : "positions: none\n", fp);
    fprintf(fp, "segments: %zu\n", ns);
    for (size_t i = 0; i < ns; i++) {
        uint32_t base;
        const uint64_t *del = NULL;
        const lk_bm25__seg *x = lk_bm25__index_seg(idx, i, &base, &del);
        uint32_t n = x->n_docs, nd = 0;
        for (uint32_t d = 0; del && d < n; d++) nd += (del[d >> 6] >> (d & 63)) & 1;
        const char *file = lk_bm25__seg_file(x), *slash = strrchr(file, '/');
        struct stat sb;
        long long bytes = stat(file, &sb) == 0 ? (long long)sb.st_size : -1;
        fprintf(fp, "  %s: %u document%s (%u deleted), %lld byte%s\n", slash ? slash + 1 : file,
                n, n == 1 ? "" : "s", nd, bytes, bytes == 1 ? "" : "s");
    }
    size_t len;
    const char *s = lk_bm25_index_settings(idx, &len);
    fputs("analyzer:\n", fp);
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && s[j] != '\n') j++;
        fprintf(fp, "  %.*s\n", (int)(j - i), s + i);
        i = j + 1;
    }
    if (ferror(fp)) return lk_error_set(err, LK_ERR_IO, "write error");
    return LK_OK;
}

lk_status lk_bm25_index_print_doc(const lk_bm25_index *idx, const char *id, FILE *fp,
                                  lk_error *err)
{
    size_t want = strlen(id);
    for (uint32_t d = 0; d < lk_bm25_index_doc_end(idx); d++) {
        size_t il;
        const char *s = lk_bm25_index_doc_id(idx, d, &il);
        if (il != want || memcmp(s, id, il) != 0 || !lk_bm25_index_doc_live(idx, d)) continue;
        lk_bm25_store_ws *ws = NULL;
        const lk_doc_field *f = NULL;
        size_t nf = 0;
        lk_status st = lk_bm25_store_ws_create(&ws);
        if (st == LK_OK) st = lk_bm25_doc_fields(idx, ws, d, &f, &nf, err);
        if (st == LK_OK) {
            fputs("{\"id\": ", fp);
            lk_json_write_str(fp, s, il);
            for (size_t i = 0; i < nf; i++) {
                fputs(", ", fp);
                lk_json_write_str(fp, f[i].name, f[i].name_len);
                fputs(": ", fp);
                if (f[i].number) fwrite(f[i].value, 1, f[i].value_len, fp);
                else lk_json_write_str(fp, f[i].value, f[i].value_len);
            }
            fputs("}\n", fp);
        }
        lk_bm25_store_ws_free(ws);
        if (st == LK_OK && ferror(fp)) st = lk_error_set(err, LK_ERR_IO, "write error");
        return st;
    }
    return lk_error_set(err, LK_ERR_PARSE, "no document with id \"%s\" in the index", id);
}

/* One line "term<TAB>df<TAB>postings" for term[0..len) as the index holds it: its live
   documents, the first LK_INFO_POSTINGS_SHOWN as id:tf in document order, then "+N more". */
static lk_status print_indexed(const lk_bm25_index *idx, const char *term, size_t len, FILE *fp,
                               lk_error *err)
{
    uint32_t df = lk_bm25_index_df(idx, term, len), shown = 0;
    fwrite(term, 1, len, fp);
    fprintf(fp, "\t%u\t", df);
    for (size_t i = 0; i < lk_bm25__index_n_segs(idx) && shown < LK_INFO_POSTINGS_SHOWN; i++) {
        uint32_t base;
        const uint64_t *del = NULL;
        const lk_bm25__seg *x = lk_bm25__index_seg(idx, i, &base, &del);
        int64_t t = lk_bm25__seg_find(x, term, len);
        if (t < 0) continue;
        const unsigned char *post;
        size_t plen;
        uint32_t sdf;
        lk_bm25__seg_postings(x, (uint64_t)t, &post, &plen, &sdf);
        lk_postings_cursor *cur = malloc(sizeof *cur);
        if (!cur) return LK_ERR_NOMEM;
        bool ok = lk_postings_cursor_init(cur, post, plen, sdf, x->n_docs);
        for (; ok && cur->doc != LK_DOC_END && shown < LK_INFO_POSTINGS_SHOWN;
             lk_postings_next(cur)) {
            uint32_t d = cur->doc;
            if (del && (del[d >> 6] >> (d & 63)) & 1) continue;
            size_t il;
            const char *id = lk_bm25__seg_doc_id(x, d, &il);
            fprintf(fp, "%s%.*s:%u", shown++ ? " " : "", (int)il, id, cur->tf);
        }
        bool bad = !ok || cur->bad;
        free(cur);
        if (bad)
            return lk_error_set(err, LK_ERR_FORMAT, "%s: corrupt postings", lk_bm25__seg_file(x));
    }
    if (df > shown) fprintf(fp, "%s+%u more", shown ? " " : "", df - shown);
    fputc('\n', fp);
    return ferror(fp) ? lk_error_set(err, LK_ERR_IO, "write error") : LK_OK;
}

lk_status lk_bm25_index_print_indexed_term(const lk_bm25_index *idx, const char *term,
                                           size_t len, FILE *fp, lk_error *err)
{
    return print_indexed(idx, term, len, fp, err);
}

lk_status lk_bm25_index_print_term(const lk_bm25_index *idx, const char *text, size_t len,
                                   FILE *fp, lk_error *err)
{
    lk_analyzer *an = NULL;
    lk_status st = lk_bm25_index_analyzer(idx, &an, err);
    if (st != LK_OK) return st;
    lk_analyzer_reset(an);
    st = lk_analyzer_add(an, text, len, err);
    size_t n = 0;
    const lk_term *t = st == LK_OK ? lk_analyzer_terms(an, &n) : NULL;
    if (st == LK_OK && n == 0)
        fputs("no terms: the index's analyzer drops all of it (stop words, punctuation, "
              "symbols)\n", fp);
    for (size_t i = 0; i < n && st == LK_OK; i++) {
        bool seen = false; /* each term once, where it first comes */
        for (size_t j = 0; j < i && !seen; j++)
            seen = t[j].len == t[i].len && memcmp(t[j].s, t[i].s, t[i].len) == 0;
        if (!seen) st = print_indexed(idx, t[i].s, t[i].len, fp, err);
    }
    lk_analyzer_free(an);
    if (st == LK_OK && ferror(fp)) st = lk_error_set(err, LK_ERR_IO, "write error");
    return st;
}
