/* test_bm25_store.c: stored fields of a BM25 index (features/search/bm25_store.c): exact values back
   (strings, numbers, Unicode, many blocks), the store spec, --store none = the v2 file,
   corruption (checksum, a damaged zstd block with a valid CRC), and fields across --add,
   --delete and --merge; snippets (features/search/bm25_snippet.c) in English and Chinese. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "features/search/bm25_query.h"
#include "features/search/bm25_snippet.h"
#include "text/utf8.h"
#include "features/search/bm25_store.h"
#include "features/search/bm25_text.h"
#include "testutil.h"
#include "text/fileio.h"

#define N_MANY 12000 /* ~2.3 MB of records: past LK_BM25_STORE_TRAIN */

/* A JSONL collection of n docs: d<i> with a title (odd i), text of ~100 bytes, and
   members url (string), year (number), tags (array: not stored). */
static void write_docs(const char *path, int from, int n)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    for (int i = from; i < from + n; i++) {
        fprintf(fp, "{\"id\": \"d%d\", ", i);
        if (i % 2) fprintf(fp, "\"title\": \"Title \\u00e9 %d\", ", i);
        fprintf(fp, "\"text\": \"word%d common text of document %d\\twith a tab and some filler "
                    "to make the record longer than fifty bytes %d\", ",
                i % 7, i, i * 3);
        fprintf(fp, "\"url\": \"http://x/%d\", \"year\": %d.5e1, \"tags\": [1, 2]}\n", i, i);
    }
    fclose(fp);
}

static lk_status build(const char *docs, const char *dir, const char *store, bool add,
                       const char *del, bool merge, lk_error *err)
{
    lk_bm25_index_config c = lk_bm25_index_config_default();
    c.build.store = store;
    c.add = add;
    c.delete_path = del;
    c.merge = merge;
    return lk_bm25_index_build(docs, dir, &c, NULL, err);
}

static const lk_doc_field *get(const lk_doc_field *f, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (f[i].name_len == strlen(name) && memcmp(f[i].name, name, f[i].name_len) == 0)
            return &f[i];
    return NULL;
}

/* Doc with id "d<i>" of idx has the fields write_docs gave it (those `spec` selects). */
static void check_doc(const lk_bm25_index *idx, lk_bm25_store_ws *ws, uint32_t doc, bool all)
{
    lk_error err;
    size_t il;
    const char *id = lk_bm25_index_doc_id(idx, doc, &il);
    int i = atoi(id + 1);
    const lk_doc_field *f;
    size_t n;
    assert_int_equal(lk_bm25_doc_fields(idx, ws, doc, &f, &n, &err), LK_OK);
    char want[256];
    const lk_doc_field *t = get(f, n, "title");
    if (i % 2) {
        snprintf(want, sizeof want, "Title \xc3\xa9 %d", i);
        assert_non_null(t);
        assert_int_equal(t->value_len, strlen(want));
        assert_memory_equal(t->value, want, t->value_len);
        assert_false(t->number);
    } else {
        assert_null(t);
    }
    if (!all) {
        assert_int_equal(n, i % 2 ? 1 : 0);
        return;
    }
    snprintf(want, sizeof want, "word%d common text of document %d\twith a tab and some filler "
                                "to make the record longer than fifty bytes %d",
             i % 7, i, i * 3);
    t = get(f, n, "text");
    assert_non_null(t);
    assert_int_equal(t->value_len, strlen(want));
    assert_memory_equal(t->value, want, t->value_len);
    t = get(f, n, "year");
    snprintf(want, sizeof want, "%d.5e1", i);
    assert_non_null(t);
    assert_true(t->number);
    assert_int_equal(t->value_len, strlen(want));
    assert_memory_equal(t->value, want, t->value_len);
    assert_non_null(get(f, n, "url"));
    assert_null(get(f, n, "tags"));
    assert_int_equal(n, (size_t)(i % 2 ? 4 : 3)); /* title, text, url, year */
}

static void test_fields_round_trip(void **state)
{
    (void)state;
    char docs[512], dir[512];
    lk_test_tmp_path(docs, sizeof docs, "store_docs.jsonl");
    lk_test_tmp_path(dir, sizeof dir, "store_all.idx");
    write_docs(docs, 0, N_MANY);
    lk_error err;
    assert_int_equal(build(docs, dir, "all", false, NULL, false, &err), LK_OK);
    lk_bm25_index *idx = NULL;
    lk_bm25_store_ws *ws = NULL;
    assert_int_equal(lk_bm25_index_open(dir, &idx, &err), LK_OK);
    assert_int_equal(lk_bm25_store_ws_create(&ws), LK_OK);
    size_t sl;
    const char *spec = lk_bm25_index_store_spec(idx, &sl);
    assert_non_null(spec);
    assert_int_equal(sl, 3);
    assert_memory_equal(spec, "all", 3);
    for (uint32_t d = 0; d < N_MANY; d++) check_doc(idx, ws, d, true);
    for (uint32_t d = N_MANY; d-- > 0;) check_doc(idx, ws, d, true); /* backwards: no cache */
    const lk_doc_field *f;
    size_t n;
    assert_int_equal(lk_bm25_doc_fields(idx, ws, N_MANY, &f, &n, &err), LK_ERR_RANGE);
    lk_bm25_store_ws_free(ws);
    lk_bm25_index_free(idx);

    /* only the title; none: 0 fields and the v2 layout */
    lk_test_tmp_path(dir, sizeof dir, "store_title.idx");
    assert_int_equal(build(docs, dir, "title", false, NULL, false, &err), LK_OK);
    assert_int_equal(lk_bm25_index_open(dir, &idx, &err), LK_OK);
    assert_int_equal(lk_bm25_store_ws_create(&ws), LK_OK);
    for (uint32_t d = 0; d < N_MANY; d += 7) check_doc(idx, ws, d, false);
    lk_bm25_index_free(idx);
    lk_test_tmp_path(dir, sizeof dir, "store_none.idx");
    assert_int_equal(build(docs, dir, "none", false, NULL, false, &err), LK_OK);
    assert_int_equal(lk_bm25_index_open(dir, &idx, &err), LK_OK);
    assert_null(lk_bm25_index_store_spec(idx, &sl));
    assert_int_equal(lk_bm25_doc_fields(idx, ws, 3, &f, &n, &err), LK_OK);
    assert_int_equal(n, 0);
    lk_bm25_index_free(idx);
    lk_bm25_store_ws_free(ws);
    char file[600];
    snprintf(file, sizeof file, "%s/index.lkbx", dir);
    size_t len;
    unsigned char *buf = lk_test_slurp(file, &len);
    assert_int_equal(lk_get_u32(buf + 4), 2); /* nothing stored: format v2 as before */
    free(buf);
}

static void test_spec(void **state)
{
    (void)state;
    assert_null(lk_bm25_store_spec_check("all"));
    assert_null(lk_bm25_store_spec_check("none"));
    assert_null(lk_bm25_store_spec_check("title,text,url"));
    assert_non_null(lk_bm25_store_spec_check("title,,text"));
    assert_non_null(lk_bm25_store_spec_check("title, text"));
    assert_non_null(lk_bm25_store_spec_check(""));
    assert_true(lk_bm25_store_spec_wants("title,url", 9, "url", 3));
    assert_false(lk_bm25_store_spec_wants("title,url", 9, "ur", 2));
    assert_false(lk_bm25_store_spec_wants("none", 4, "text", 4));
    assert_true(lk_bm25_store_spec_wants("all", 3, "anything", 8));
}

/* A byte of a zstd block changed, the file's CRC recomputed: the open succeeds (the CRC
   matches) and reading that document's fields is LK_ERR_FORMAT, never a crash; a flipped
   byte without a new CRC fails the open. */
static void test_corrupt_store(void **state)
{
    (void)state;
    char docs[512], dir[512], file[600];
    lk_test_tmp_path(docs, sizeof docs, "store_docs2.jsonl");
    lk_test_tmp_path(dir, sizeof dir, "store_corrupt.idx");
    write_docs(docs, 0, 50);
    lk_error err;
    assert_int_equal(build(docs, dir, "all", false, NULL, false, &err), LK_OK);
    snprintf(file, sizeof file, "%s/index.lkbx", dir);
    size_t n;
    unsigned char *buf = lk_test_slurp(file, &n);
    lk_bm25_index *idx = NULL;
    for (size_t back = 8; back <= 40; back += 16) { /* inside the last zstd frame */
        unsigned char *copy = malloc(n);
        memcpy(copy, buf, n);
        copy[n - 4 - back] ^= 0x5a;
        lk_put_u32(copy + n - 4, lk_crc32(0, copy, n - 4));
        assert_int_equal(lk_bm25_index_open_mem(copy, n, &idx, &err), LK_OK);
        lk_bm25_store_ws *ws = NULL;
        assert_int_equal(lk_bm25_store_ws_create(&ws), LK_OK);
        const lk_doc_field *f;
        size_t nf;
        lk_status st = lk_bm25_doc_fields(idx, ws, 49, &f, &nf, &err);
        if (st != LK_OK) { /* zstd may also decode a changed literal without error */
            assert_int_equal(st, LK_ERR_FORMAT);
            assert_non_null(strstr(err.msg, "stored fields"));
        }
        lk_bm25_store_ws_free(ws);
        lk_bm25_index_free(idx);
        copy[n - 4 - back] ^= 0x5a; /* restore, then flip without fixing the CRC */
        lk_put_u32(copy + n - 4, lk_crc32(0, copy, n - 4));
        copy[n - 20] ^= 1;
        assert_int_equal(lk_bm25_index_open_mem(copy, n, &idx, &err), LK_ERR_FORMAT);
        assert_non_null(strstr(err.msg, "checksum"));
        free(copy);
    }
    /* the frame's magic number replaced: always an error */
    unsigned char *copy = malloc(n);
    memcpy(copy, buf, n);
    size_t at = 0;
    for (size_t i = n - 4; i-- > 4;) /* the last zstd frame magic 28 b5 2f fd */
        if (copy[i] == 0x28 && copy[i + 1] == 0xb5 && copy[i + 2] == 0x2f && copy[i + 3] == 0xfd) {
            at = i;
            break;
        }
    assert_true(at > 0);
    copy[at] = 0;
    lk_put_u32(copy + n - 4, lk_crc32(0, copy, n - 4));
    assert_int_equal(lk_bm25_index_open_mem(copy, n, &idx, &err), LK_OK);
    lk_bm25_store_ws *ws = NULL;
    assert_int_equal(lk_bm25_store_ws_create(&ws), LK_OK);
    const lk_doc_field *f;
    size_t nf;
    assert_int_equal(lk_bm25_doc_fields(idx, ws, 49, &f, &nf, &err), LK_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "corrupt index (stored fields)"));
    lk_bm25_store_ws_free(ws);
    lk_bm25_index_free(idx);
    free(copy);
    /* truncated: an error, no crash */
    assert_int_equal(lk_bm25_index_open_mem(buf, n - 9, &idx, &err), LK_ERR_FORMAT);
    free(buf);
}

/* Fields of every live document after --add, --delete, --merge; the merged file equals a
   fresh build of the live documents. */
static void test_segments_keep_fields(void **state)
{
    (void)state;
    char d1[512], d2[512], del[512], dir[512], ref[512], all[512];
    lk_test_tmp_path(d1, sizeof d1, "store_seg1.jsonl");
    lk_test_tmp_path(d2, sizeof d2, "store_seg2.jsonl");
    lk_test_tmp_path(del, sizeof del, "store_del.txt");
    lk_test_tmp_path(dir, sizeof dir, "store_seg.idx");
    lk_test_tmp_path(ref, sizeof ref, "store_ref.idx");
    lk_test_tmp_path(all, sizeof all, "store_live.jsonl");
    write_docs(d1, 0, 300);
    write_docs(d2, 300, 40);
    lk_test_write_file(del, "d5\nd301\nd200\n", 13);
    lk_error err;
    assert_int_equal(build(d1, dir, "all", false, NULL, false, &err), LK_OK);
    assert_int_equal(build(d2, dir, NULL, true, NULL, false, &err), LK_OK);
    assert_int_equal(build(NULL, dir, NULL, true, del, false, &err), LK_OK);
    lk_bm25_index *idx = NULL;
    lk_bm25_store_ws *ws = NULL;
    assert_int_equal(lk_bm25_index_open(dir, &idx, &err), LK_OK);
    assert_true(lk_bm25_index_n_segments(idx) >= 2);
    assert_int_equal(lk_bm25_store_ws_create(&ws), LK_OK);
    uint32_t live = 0;
    for (uint32_t d = 0; d < lk_bm25_index_doc_end(idx); d++)
        if (lk_bm25_index_doc_live(idx, d)) {
            check_doc(idx, ws, d, true);
            live++;
        }
    assert_int_equal(live, 337);
    lk_bm25_index_free(idx);
    assert_int_equal(build(NULL, dir, NULL, false, NULL, true, &err), LK_OK);
    assert_int_equal(lk_bm25_index_open(dir, &idx, &err), LK_OK);
    assert_int_equal(lk_bm25_index_n_segments(idx), 1);
    for (uint32_t d = 0; d < lk_bm25_index_doc_end(idx); d++) check_doc(idx, ws, d, true);
    lk_bm25_index_free(idx);
    lk_bm25_store_ws_free(ws);
    /* a fresh build of the live documents in the same order */
    FILE *fp = fopen(all, "w");
    assert_non_null(fp);
    fclose(fp);
    char tmp[512];
    lk_test_tmp_path(tmp, sizeof tmp, "store_part.jsonl");
    for (int i = 0; i < 340; i++) {
        if (i == 5 || i == 301 || i == 200) continue;
        write_docs(tmp, i, 1);
        size_t n;
        unsigned char *b = lk_test_slurp(tmp, &n);
        fp = fopen(all, "a");
        fwrite(b, 1, n, fp);
        fclose(fp);
        free(b);
    }
    assert_int_equal(build(all, ref, "all", false, NULL, false, &err), LK_OK);
    char f1[600], f2[600];
    snprintf(f1, sizeof f1, "%s/index.lkbx", dir);
    snprintf(f2, sizeof f2, "%s/index.lkbx", ref);
    size_t n1, n2;
    unsigned char *b1 = lk_test_slurp(f1, &n1), *b2 = lk_test_slurp(f2, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(b1, b2, n1);
    free(b1);
    free(b2);
}

/* The passage text with [ ] marks. */
static void snip(lk_snippeter *s, const char *text, size_t max, char *out, size_t cap)
{
    lk_snippet sn;
    lk_error err;
    assert_int_equal(lk_snippeter_run(s, text, strlen(text), max, &sn, &err), LK_OK);
    size_t at = 0, o = 0;
    o += (size_t)snprintf(out + o, cap - o, "%s", sn.cut_before ? "..." : "");
    at = sn.start;
    for (size_t k = 0; k < sn.n_marks; k++) {
        o += (size_t)snprintf(out + o, cap - o, "%.*s[%.*s]", (int)(sn.marks[k].start - at),
                              text + at, (int)(sn.marks[k].end - sn.marks[k].start),
                              text + sn.marks[k].start);
        at = sn.marks[k].end;
    }
    snprintf(out + o, cap - o, "%.*s%s", (int)(sn.end - at), text + at,
             sn.cut_after ? "..." : "");
}

static void query(lk_snippeter *s, lk_analyzer *an, const char *q)
{
    lk_error err;
    lk_analyzer_reset(an);
    assert_int_equal(lk_analyzer_add(an, q, strlen(q), &err), LK_OK);
    size_t n;
    const lk_term *t = lk_analyzer_terms(an, &n);
    assert_int_equal(lk_snippeter_query(s, t, n), LK_OK);
}

static void test_snippets(void **state)
{
    (void)state;
    char docs[512], dir[512], out[1024];
    lk_test_tmp_path(docs, sizeof docs, "snip_docs.jsonl");
    lk_test_tmp_path(dir, sizeof dir, "snip.idx");
    lk_test_write_file(docs, "{\"id\": \"a\", \"text\": \"x\"}\n", 25);
    lk_error err;
    assert_int_equal(build(docs, dir, "all", false, NULL, false, &err), LK_OK);
    lk_bm25_index *idx = NULL;
    lk_snippeter *s = NULL;
    lk_analyzer *an = NULL;
    assert_int_equal(lk_bm25_index_open(dir, &idx, &err), LK_OK);
    assert_int_equal(lk_snippeter_create(idx, &s, &err), LK_OK);
    assert_int_equal(lk_bm25_index_analyzer(idx, &an, &err), LK_OK);

    /* no match in the first text a snippeter sees: its beginning (no sort of an empty,
       never allocated match list: UBSan's qsort(NULL, 0)) */
    query(s, an, "coffee");
    snip(s, "no match here at all, nothing", 10, out, sizeof out);
    assert_string_equal(out, "no match...");

    /* English: the window with both terms wins over an earlier one with one; cuts at spaces */
    query(s, an, "Coffee ESPRESSO");
    const char *en = "Coffee is grown in many countries around the world and traded widely. "
                     "A strong espresso is made by forcing hot water through finely ground "
                     "coffee beans, and it is the base of many drinks.";
    snip(s, en, 80, out, sizeof out);
    assert_string_equal(out, "...[espresso] is made by forcing hot water through finely "
                             "ground [coffee] beans,...");
    snip(s, "no match here at all, nothing", 10, out, sizeof out);
    assert_string_equal(out, "no match...");
    snip(s, "short coffee", 60, out, sizeof out);
    assert_string_equal(out, "short [coffee]");
    /* a mark at a side iff text was left out there: not for white space alone */
    snip(s, "\n  coffee break\n\n", 60, out, sizeof out);
    assert_string_equal(out, "[coffee] break");
    snip(s, "Some text before the coffee", 10, out, sizeof out);
    assert_string_equal(out, "...[coffee]");
    /* a passage never cuts a matched word: one longer than max is shown whole */
    for (size_t max = 1; max <= 6; max++) {
        snip(s, "I like my coffee black", max, out, sizeof out);
        assert_string_equal(out, "...[coffee]...");
    }
    {   /* no cut between a letter and its combining marks (x + U+0303 has no precomposed
           form): the end moves back before the letter, the start past orphan marks */
        char marks[256] = "", text[512];
        for (int i = 0; i < 40; i++) strcat(marks, "x\xcc\x83");
        snprintf(text, sizeof text, "coffee %s", marks);
        snip(s, text, 30, out, sizeof out);
        char want[512];
        snprintf(want, sizeof want, "[coffee] %.*s...", 11 * 3, marks);
        assert_string_equal(out, want);
        snprintf(text, sizeof text, "%s coffee", marks);
        snip(s, text, 30, out, sizeof out);
        snprintf(want, sizeof want, "...%.*s [coffee]", 11 * 3, marks);
        assert_string_equal(out, want);
    }
    /* both words side by side (a phrase, stop words between them allowed) win over an
       earlier window holding them apart, whatever the order of the matches */
    query(s, an, "solar wind");
    const char *sw = "The wind turbine and the solar panel were installed. Many pages later: "
                     "measurements of the solar wind near the Earth were taken in 1962.";
    snip(s, sw, 50, out, sizeof out);
    assert_string_equal(out, "...of the [solar] [wind] near the Earth were taken in...");
    query(s, an, "state art"); /* in the query's order (this index has no stop words) */
    snip(s, "Art state; far, far away from it, a state art method.", 24, out, sizeof out);
    assert_string_equal(out, "...it, a [state] [art] method.");
    /* many query terms (a prefix* brings every term it matches), repeated and in no order:
       found by a binary search, numbered at their first place ("state" then "art" still) */
    {
        lk_term *many = malloc(5000 * sizeof *many);
        char *bytes = malloc(5000 * 8);
        size_t nm = 0;
        many[nm++] = (lk_term){"state", 5};
        for (int i = 4999; i > 2; i--) { /* x4999 .. x0003, then some again */
            int v = i > 2500 ? i : 5000 - i;
            many[nm] = (lk_term){bytes + 8 * nm, (size_t)snprintf(bytes + 8 * nm, 8, "x%04d", v)};
            nm++;
        }
        many[nm++] = (lk_term){"art", 3};
        many[nm++] = (lk_term){"state", 5};
        assert_int_equal(lk_snippeter_query(s, many, nm), LK_OK);
        snip(s, "Art state; far, far away from it, a state art method x4000 x0001.", 60, out,
             sizeof out);
        assert_string_equal(out, "[Art] [state]; far, far away from it, a [state] [art] method "
                                 "[x4000]...");
        free(many);
        free(bytes);
    }

    /* Chinese: bigram matches marked (single characters not, the query has bigrams), the
       passage cut on character boundaries and at most max characters long */
    query(s, an, "长江大桥");
    const char *zh = "南京市长江大桥位于南京市鼓楼区下关和浦口区桥北之间，是长江上第一座由中国"
                     "自行设计和建造的双层式铁路、公路两用桥梁。大桥的江面正桥长1577米。";
    snip(s, zh, 12, out, sizeof out);
    assert_string_equal(out, "...京市[长江大桥]位于南京市鼓...");
    for (size_t max = 1; max < 60; max++) {
        lk_snippet sn;
        assert_int_equal(lk_snippeter_run(s, zh, strlen(zh), max, &sn, &err), LK_OK);
        assert_true(((unsigned char)zh[sn.start] & 0xC0) != 0x80);
        assert_true(sn.end == strlen(zh) || ((unsigned char)zh[sn.end] & 0xC0) != 0x80);
        size_t cps = 0;
        for (size_t i = sn.start; i < sn.end; i++) cps += ((unsigned char)zh[i] & 0xC0) != 0x80;
        assert_true(cps <= (max < 2 ? 2 : max)); /* a matched bigram is never cut */
        size_t before = 0; /* code points, counted here byte by byte */
        for (size_t i = 0; i < sn.start; i++) before += ((unsigned char)zh[i] & 0xC0) != 0x80;
        assert_int_equal(sn.start_cp, before);
        for (size_t k = 0; k < sn.n_marks; k++) {
            assert_true(sn.marks[k].start >= sn.start && sn.marks[k].end <= sn.end);
            size_t a = 0, b = 0;
            for (size_t i = sn.start; i < sn.marks[k].end; i++) {
                bool lead = ((unsigned char)zh[i] & 0xC0) != 0x80;
                a += lead && i < sn.marks[k].start;
                b += lead;
            }
            assert_int_equal(sn.marks_cp[k].start, a);
            assert_int_equal(sn.marks_cp[k].end, b);
        }
    }
    {   /* "京市[长江大桥]...": the passage starts after 南 (1); the mark is [2, 6) in it */
        lk_snippet sn;
        query(s, an, "长江大桥");
        assert_int_equal(lk_snippeter_run(s, zh, strlen(zh), 12, &sn, &err), LK_OK);
        assert_int_equal(sn.n_marks, 1);
        assert_int_equal(sn.start_cp, 1);
        assert_int_equal(sn.marks_cp[0].start, 2);
        assert_int_equal(sn.marks_cp[0].end, 6);
    }
    query(s, an, "桥");
    snip(s, zh, 8, out, sizeof out);
    assert_string_equal(out, "...[桥]梁。大[桥]的江面...");
    /* a text without the query's bigram, found by a single character of it (央行 -> 行 of
       行政院): the passage holds and marks those characters (it showed the beginning, nothing
       marked); with the bigram in the text, single characters stay unmarked */
    query(s, an, "央行");
    const char *one = "今天天气很好，我们一起去公园散步，看到了很多花草树木和小鸟在唱歌。下午大家"
                      "回到家里休息，晚上一起吃饭聊天。新闻报道说行政院将召开会议讨论预算。";
    snip(s, one, 12, out, sizeof out);
    assert_string_equal(out, "...道说[行]政院将召开会议讨论...");
    snip(s, "央行说，行政院将召开会议。", 20, out, sizeof out);
    assert_string_equal(out, "[央行]说，行政院将召开会议。");

    /* emoji clusters are never cut (a family ZWJ sequence, flags, a skin tone, a heart with
       variation selectors): the passage drops a cluster it cannot hold whole (it showed the
       family's last 👦 and a lone regional indicator 🇸); the offsets stay consistent */
    const char *emo = "家庭\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d"
                      "\xf0\x9f\x91\xa7\xe2\x80\x8d\xf0\x9f\x91\xa6出游很开心"
                      "\xf0\x9f\x87\xa8\xf0\x9f\x87\xb3\xf0\x9f\x87\xba\xf0\x9f\x87\xb8国旗，"
                      "还有\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd点赞和\xe2\x9d\xa4\xef\xb8\x8f"
                      "\xef\xb8\x8f爱心。";
    query(s, an, "出游");
    snip(s, emo, 6, out, sizeof out);
    assert_string_equal(out, "...[出游]很开心...");
    query(s, an, "国旗");
    snip(s, emo, 6, out, sizeof out);
    assert_string_equal(out, "...[国旗]，还有...");
    snip(s, emo, 8, out, sizeof out);
    assert_string_equal(out, "...[国旗]，还有\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd...");
    const char *qs[] = {"出游", "国旗", "点赞", "爱心", "家庭", "开心 还有"};
    size_t elen = strlen(emo);
    for (size_t qi = 0; qi < sizeof qs / sizeof *qs; qi++) {
        query(s, an, qs[qi]);
        for (size_t max = 1; max < 40; max++) {
            lk_snippet sn;
            assert_int_equal(lk_snippeter_run(s, emo, elen, max, &sn, &err), LK_OK);
            assert_true(lk_utf8_grapheme_boundary(emo, elen, sn.start));
            assert_true(lk_utf8_grapheme_boundary(emo, elen, sn.end));
            assert_true(sn.n_marks > 0);
            assert_int_equal(sn.start_cp, lk_utf8_count(emo, sn.start));
            for (size_t k = 0; k < sn.n_marks; k++) {
                assert_true(lk_utf8_grapheme_boundary(emo, elen, sn.marks[k].start));
                assert_true(lk_utf8_grapheme_boundary(emo, elen, sn.marks[k].end));
                assert_true(sn.marks[k].start >= sn.start && sn.marks[k].end <= sn.end);
                assert_int_equal(sn.marks_cp[k].start,
                                 lk_utf8_count(emo + sn.start, sn.marks[k].start - sn.start));
                assert_int_equal(sn.marks_cp[k].end,
                                 lk_utf8_count(emo + sn.start, sn.marks[k].end - sn.start));
            }
        }
    }
    lk_analyzer_free(an);
    lk_snippeter_free(s);
    lk_bm25_index_free(idx);
}

static void test_query_parse(void **state)
{
    (void)state;
    lk_query_clause *c = NULL;
    size_t n;
    bool ops;
    lk_error err;
    const char *q = "coffee -espresso +\"hot water\" title:bread x:\"a b\" 12:30 é-x";
    assert_int_equal(lk_query_parse(q, strlen(q), &c, &n, &ops, &err), LK_OK);
    assert_true(ops);
    assert_int_equal(n, 7);
    assert_int_equal(c[0].occur, LK_QUERY_SHOULD);
    assert_int_equal(c[1].occur, LK_QUERY_NOT);
    assert_int_equal(c[1].len, 8);
    assert_int_equal(c[2].occur, LK_QUERY_MUST);
    assert_true(c[2].phrase);
    assert_memory_equal(c[2].text, "hot water", 9);
    assert_int_equal(c[3].occur, LK_QUERY_MUST);
    assert_memory_equal(c[3].field, "title", 5);
    assert_memory_equal(c[3].text, "bread", 5);
    assert_true(c[4].phrase && c[4].field_len == 1);
    assert_null(c[5].field); /* 12:30 is a plain term */
    assert_int_equal(c[6].col, 57); /* code points, é is 2 bytes */
    free(c);
    assert_int_equal(lk_query_parse("a-b c's", 7, &c, &n, &ops, &err), LK_OK);
    assert_false(ops);
    free(c);
    /* word* is a prefix (an operator); a * inside a word or a phrase is text */
    q = "comp* -caf* a*b \"x*\"";
    assert_int_equal(lk_query_parse(q, strlen(q), &c, &n, &ops, &err), LK_OK);
    assert_true(ops);
    assert_int_equal(n, 4);
    assert_true(c[0].prefix && c[0].len == 4 && c[0].occur == LK_QUERY_SHOULD);
    assert_true(c[1].prefix && c[1].len == 3 && c[1].occur == LK_QUERY_NOT);
    assert_false(c[2].prefix);
    assert_int_equal(c[2].len, 3);
    assert_true(c[3].phrase && !c[3].prefix && c[3].len == 2);
    free(c);
    assert_int_equal(lk_query_parse("-title:ba*", 10, &c, &n, &ops, &err), LK_OK);
    assert_true(c[0].prefix && c[0].field_len == 5 && c[0].len == 2 && c[0].occur == LK_QUERY_NOT);
    free(c);
    assert_int_equal(lk_query_parse("a*b", 3, &c, &n, &ops, &err), LK_OK);
    assert_false(ops);
    free(c);
    /* a pasted address is words, not a field "https" */
    q = "https://example.com/a?b=1 see http://x.org";
    assert_int_equal(lk_query_parse(q, strlen(q), &c, &n, &ops, &err), LK_OK);
    assert_false(ops);
    assert_int_equal(n, 3);
    assert_null(c[0].field);
    assert_int_equal(c[0].len, 25);
    free(c);
    /* so are addresses without "//" (any case) and a Windows path; a field still is one */
    q = "mailto:bob@example.com TEL:+1-555 urn:isbn:0451 C:\\Users\\x title:mail";
    assert_int_equal(lk_query_parse(q, strlen(q), &c, &n, &ops, &err), LK_OK);
    assert_true(ops);
    assert_int_equal(n, 5);
    for (size_t k = 0; k < 4; k++) assert_null(c[k].field);
    assert_int_equal(c[0].len, 22);
    assert_int_equal(c[3].len, 10);
    assert_true(c[4].field_len == 5 && !memcmp(c[4].field, "title", 5) && c[4].len == 4);
    free(c);
    /* a field name in any ASCII case is the field (users type Title:) */
    q = "Title:Pizza TEXT:\"a b\" -tItLe:x*";
    assert_int_equal(lk_query_parse(q, strlen(q), &c, &n, &ops, &err), LK_OK);
    assert_int_equal(n, 3);
    assert_true(c[0].field_len == 5 && !memcmp(c[0].field, "title", 5) && c[0].len == 5);
    assert_true(c[1].field_len == 4 && !memcmp(c[1].field, "text", 4) && c[1].phrase);
    assert_true(c[2].field_len == 5 && !memcmp(c[2].field, "title", 5) && c[2].prefix);
    free(c);
    q = "mailbox:x";
    assert_int_equal(lk_query_parse(q, strlen(q), &c, &n, &ops, &err), LK_OK);
    assert_true(c[0].field_len == 7);
    free(c);
    /* full-width operators and typographic quotes act as the ASCII ones; a CJK quote may
       open inside a run of characters (no spaces in Chinese) */
    q = "\xEF\xBC\x8Bturbine \xEF\xBC\x8D" "farm title\xEF\xBC\x9Awind caf\xEF\xBC\x8A "
        "\xE2\x80\x9Cwind turbine\xE2\x80\x9D \xE3\x80\x8C" "a b\xE3\x80\x8D "
        "\xE4\xBB\x96\xE8\xAF\xB4\xE2\x80\x9C\xE9\x95\xBF\xE6\xB1\x9F\xE2\x80\x9D\xE5\xBE\x88";
    /* ＋turbine －farm title：wind caf＊ “wind turbine” 「a b」 他说“长江”很 */
    assert_int_equal(lk_query_parse(q, strlen(q), &c, &n, &ops, &err), LK_OK);
    assert_true(ops);
    assert_int_equal(n, 9);
    assert_true(c[0].occur == LK_QUERY_MUST && c[0].len == 7 && !memcmp(c[0].text, "turbine", 7));
    assert_true(c[1].occur == LK_QUERY_NOT && c[1].len == 4 && !memcmp(c[1].text, "farm", 4));
    assert_true(c[2].field_len == 5 && !memcmp(c[2].field, "title", 5) && c[2].len == 4);
    assert_true(c[3].prefix && c[3].len == 3 && !memcmp(c[3].text, "caf", 3));
    assert_true(c[4].phrase && c[4].len == 12 && !memcmp(c[4].text, "wind turbine", 12));
    assert_true(c[5].phrase && c[5].len == 3 && !memcmp(c[5].text, "a b", 3));
    assert_true(!c[6].phrase && c[6].len == 6);             /* 他说 */
    assert_true(c[7].phrase && c[7].len == 6 && c[7].occur == LK_QUERY_MUST); /* 长江 */
    assert_true(!c[8].phrase && c[8].len == 3);             /* 很 */
    assert_int_equal(c[8].col, 59); /* code points, 1-based */
    free(c);
    /* lk_query_maybe_ops is false only where the parser can find no operator (nor error) */
    static const char *const plain[] = {"", "coffee and tea", "c's caf\xc3\xa9 12.5 (x) [y] #z",
                                        "\xE9\x95\xBF\xE6\xB1\x9F\xEF\xBC\x8C\xE3\x80\x82 \xE2\x80\x9D"};
    for (size_t i = 0; i < sizeof plain / sizeof *plain; i++) {
        assert_false(lk_query_maybe_ops(plain[i], strlen(plain[i])));
        assert_int_equal(lk_query_parse(plain[i], strlen(plain[i]), &c, &n, &ops, &err), LK_OK);
        assert_false(ops);
        free(c);
    }
    static const char *const maybe[] = {"-x", "+x", "\"x\"", "t:x", "x*", "a-b", "12:30",
                                        "\xEF\xBC\x8Dx", "\xE2\x80\x9Cx\xE2\x80\x9D",
                                        "\xE3\x80\x8Cx\xE3\x80\x8D", "t\xEF\xBC\x9Ax"};
    for (size_t i = 0; i < sizeof maybe / sizeof *maybe; i++)
        assert_true(lk_query_maybe_ops(maybe[i], strlen(maybe[i])));
    static const struct { const char *q, *msg; } bad[] = {
        {"a \"b c", "query column 3: unbalanced quote"},
        {"a - b", "query column 3: '-' without a term"},
        {"a +", "query column 3: '+' without a term"},
        {"é \"\"", "query column 3: empty phrase"},
        {"ab\"c d\"", "query column 3: a quote inside a term"},
        {"ab *", "query column 4: '*' without a word before it"},
        {"ab -*", "query column 5: '*' without a word before it"},
        {"a \xE2\x80\x9C" "b c", "query column 3: unbalanced quote (no closing mark)"},
        {"a \xEF\xBC\x8D b", "query column 3: '-' without a term"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(lk_query_parse(bad[i].q, strlen(bad[i].q), &c, &n, &ops, &err),
                         LK_ERR_PARSE);
        assert_null(c);
        assert_non_null(strstr(err.msg, bad[i].msg));
    }
}

/* What a query has to search for, by the english analyzer: a prefix is no stop word, a field
   or phrase of stop words has no terms, excluded terms alone leave nothing to score; without
   the syntax the text is words */
static void test_query_searchable(void **state)
{
    (void)state;
    lk_analyzer_config cfg = lk_analyzer_config_default();
    cfg.kind = LK_ANALYZER_ENGLISH;
    lk_analyzer *an = NULL;
    lk_error err;
    assert_int_equal(lk_analyzer_create(&cfg, &an, &err), LK_OK);
    static const struct {
        const char *q;
        bool syntax;
        lk_query_searchable_kind want;
    } qs[] = {{"in*", true, LK_QUERY_HAS_TERMS},       {"in*", false, LK_QUERY_NO_TERMS},
              {"the cat", true, LK_QUERY_HAS_TERMS},   {"the of", true, LK_QUERY_NO_TERMS},
              {"", true, LK_QUERY_NO_TERMS},           {"title:the", true, LK_QUERY_NO_TERMS},
              {"title:the", false, LK_QUERY_HAS_TERMS}, {"\"the\" -\"a\"", true, LK_QUERY_NO_TERMS},
              {"-coffee", true, LK_QUERY_ONLY_EXCLUDED}, {"-coffee", false, LK_QUERY_HAS_TERMS},
              {"the -to*", true, LK_QUERY_ONLY_EXCLUDED}, {"-coffee +tea", true, LK_QUERY_HAS_TERMS}};
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
        lk_query_searchable_kind k = LK_QUERY_HAS_TERMS;
        assert_int_equal(lk_query_searchable(an, qs[i].q, strlen(qs[i].q), qs[i].syntax, &k, &err),
                         LK_OK);
        if (k != qs[i].want) fail_msg("%s (syntax %d): %d, want %d", qs[i].q, qs[i].syntax, k,
                                      qs[i].want);
    }
    lk_query_searchable_kind k;
    assert_int_equal(lk_query_searchable(an, "a \"b", 4, true, &k, &err), LK_ERR_PARSE);
    assert_non_null(strstr(err.msg, "query column 3: unbalanced quote"));
    lk_analyzer_free(an);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields_round_trip),
        cmocka_unit_test(test_spec),
        cmocka_unit_test(test_corrupt_store),
        cmocka_unit_test(test_segments_keep_fields),
        cmocka_unit_test(test_snippets),
        cmocka_unit_test(test_query_parse),
        cmocka_unit_test(test_query_searchable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
