/* test_bm25_pieces.c: a document text longer than the piece size is analyzed and indexed in
   pieces (lk_bm25_index_config.piece_bytes), and the index is byte for byte the one built
   from the whole text at once: terms, tf, document length, positions and stored fields. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "features/search/bm25_text.h"
#include "tests/testutil.h"
#include "text/fileio.h"

#define MODEL "../corpora/models/zh-gsd-char.lkt"
#define SMALL_PIECE 64 /* bytes: most texts below are cut many times */

/* Pieces of text whose tokens may straddle a piece boundary: words, numbers with '.' and
   ',', initials (U.S.A.), possessives, hyphens, URLs, e-mail addresses, Han runs (with and
   without spaces, traditional characters: a text's script is decided over its pieces),
   emoji, soft hyphens, escapes. */
static const char *const parts[] = {
    "The quick brown fox's den",
    "jumps over the lazy dogs",
    "U.S.A. and H.C. Andrews met in the U.K. in 2024",
    "version v2.0.1 costs 1,234.56 dollars PM2.5 levels",
    "see https://example.org/a_(b)/c?d=1&e=2#frag for more",
    "mail someone@example.com now",
    "我们 今天去 北京大学 学习 中文",
    "長江大橋 和 长江大桥 都 很 长",
    "黃河與長江是中國的兩條大河 這裡",
    "state-of-the-art infor\\u00ADmation retrieval",
    "caf\\u00e9 na\\u00efve r\\u00e9sum\\u00e9 stra\\u00dfe",
    "emoji \\ud83d\\ude00 smile and tab\\there",
    "中文English混合text 123 四五六",
    "a b c d e f g h i j k l m n o p",
    "running runners ran easily",
    "line\\nbreak and more words",
};
#define N_PARTS (sizeof parts / sizeof *parts)

/* A JSONL file of n_docs documents; document d's text joins len(d) parts picked by a
   linear congruential sequence (some docs short, some hundreds of pieces long). */
static void write_docs(const char *path, int n_docs)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    uint32_t x = 12345;
    for (int d = 0; d < n_docs; d++) {
        int len = d % 3 == 0 ? 2 : 40 + 60 * d;
        fprintf(fp, "{\"id\": \"d%d\", \"title\": \"Title %d 标题 of doc\", \"text\": \"", d, d);
        for (int i = 0; i < len; i++) {
            x = x * 1103515245u + 12345u;
            fprintf(fp, "%s%s", i ? (x >> 8) % 5 == 0 ? "\\n" : " " : "", parts[(x >> 16) % N_PARTS]);
        }
        fprintf(fp, "\", \"year\": %d}\n", 1990 + d);
    }
    assert_int_equal(fclose(fp), 0);
}

static void build(const char *docs, const char *dir, lk_bm25_index_config cfg, size_t piece)
{
    cfg.piece_bytes = piece;
    lk_bm25_build_stats stats;
    lk_error err;
    memset(&stats, 0, sizeof stats);
    lk_status st = lk_bm25_index_build(docs, dir, &cfg, &stats, &err);
    if (st != LK_OK) fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(st, LK_OK);
}

/* Every file of dir a equals the file of the same name in b (and b has no others). */
static void assert_same_dirs(const char *a, const char *b)
{
    int n_a = 0, n_b = 0;
    DIR *da = opendir(a), *db = opendir(b);
    assert_non_null(da);
    assert_non_null(db);
    struct dirent *e;
    while ((e = readdir(db)) != NULL) n_b += e->d_name[0] != '.';
    while ((e = readdir(da)) != NULL) {
        if (e->d_name[0] == '.') continue;
        n_a++;
        char pa[1000], pb[1000];
        snprintf(pa, sizeof pa, "%s/%s", a, e->d_name);
        snprintf(pb, sizeof pb, "%s/%s", b, e->d_name);
        size_t la = 0, lb = 0;
        unsigned char *xa = lk_test_slurp(pa, &la), *xb = lk_test_slurp(pb, &lb);
        assert_non_null(xa);
        assert_non_null(xb);
        assert_int_equal(la, lb);
        assert_memory_equal(xa, xb, la);
        free(xa);
        free(xb);
    }
    closedir(da);
    closedir(db);
    assert_int_equal(n_a, n_b);
    assert_true(n_a > 0);
}

/* The index of docs built in pieces of SMALL_PIECE bytes is the one built whole. */
static void check_same(const char *name, lk_bm25_index_config cfg)
{
    char docs[600], whole[600], pieces[600];
    lk_test_tmp_path(docs, sizeof docs, "lk_pieces_docs.jsonl");
    lk_test_tmp_path(whole, sizeof whole, "lk_pieces_whole");
    lk_test_tmp_path(pieces, sizeof pieces, "lk_pieces_cut");
    write_docs(docs, 7);
    build(docs, whole, cfg, SIZE_MAX);
    build(docs, pieces, cfg, SMALL_PIECE);
    print_message("%s\n", name);
    assert_same_dirs(whole, pieces);
    lk_test_rm_tree(whole);
    lk_test_rm_tree(pieces);
}

static void test_pieces_default(void **state)
{
    (void)state;
    check_same("english analyzer, stored fields", lk_bm25_index_config_default());
}

static void test_pieces_positions_one_thread(void **state)
{
    (void)state;
    lk_bm25_index_config cfg = lk_bm25_index_config_default();
    cfg.build.positions = true;
    cfg.threads = 1;
    cfg.analyzer.title_weight = 3;
    check_same("positions, one thread, title weight 3", cfg);
}

static void test_pieces_plain_spilled(void **state)
{
    (void)state;
    lk_bm25_index_config cfg = lk_bm25_index_config_default();
    cfg.analyzer.kind = LK_ANALYZER_PLAIN;
    cfg.build.positions = true;
    cfg.build.mem_limit = (size_t)4 << 10; /* sorted runs spilled between the pieces */
    cfg.build.store = "none";
    check_same("plain analyzer, runs spilled, nothing stored", cfg);
}

static void test_pieces_zh_model(void **state)
{
    (void)state;
    lk_bm25_index_config cfg = lk_bm25_index_config_default();
    cfg.analyzer.lang = LK_LANG_ZH;
    cfg.analyzer.zh_model = MODEL;
    cfg.analyzer.zh_script = LK_ZH_SCRIPT_SIMPLIFIED;
    cfg.build.positions = true;
    check_same("Chinese model (simplified), positions", cfg);
    cfg.analyzer.zh_script = LK_ZH_SCRIPT_AUTO; /* the whole text's script for the pieces */
    check_same("Chinese model (script auto)", cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pieces_default),
        cmocka_unit_test(test_pieces_positions_one_thread),
        cmocka_unit_test(test_pieces_plain_spilled),
        cmocka_unit_test(test_pieces_zh_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
