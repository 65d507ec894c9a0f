/* Tests for models/embed*.c, models/embed_loss.c and models/subword.c. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/embed.h"
#include "models/embed_loss.h"
#include "models/rng.h"
#include "models/subword.h"
#include "tests/testutil.h"
#include "text/fileio.h"

/* ---- Huffman tree and unigram table ---------------------------------------------------- */

static void test_huffman_codes_by_hand(void **state)
{
    (void)state;
    /* counts a:4 b:2 c:1 d:1. word2vec merges d+c -> n0 (2), then n0+b -> n1 (4, an inner
       node wins a tie with a leaf), then n1+a -> root n2 (8). The second node taken gets bit
       1: c under n0, b under n1, a under the root. Codes root first: a=1, b=01, c=001,
       d=000; inner nodes n0, n1, n2 are output rows 0, 1, 2. */
    const int64_t counts[4] = {4, 2, 1, 1};
    const char *want_code[4] = {"1", "01", "001", "000"};
    const int32_t want_points[4][3] = {{2}, {2, 1}, {2, 1, 0}, {2, 1, 0}};
    lk_embed_loss *l = NULL;
    assert_int_equal(lk_embed_loss_create_hs(counts, 4, &l), LK_OK);
    assert_int_equal(lk_embed_loss_out_rows(l), 3);
    for (int32_t w = 0; w < 4; w++) {
        const uint8_t *code;
        const int32_t *points;
        int32_t len;
        assert_int_equal(lk_embed_loss_hs_path(l, w, &code, &points, &len), LK_OK);
        assert_int_equal(len, (int32_t)strlen(want_code[w]));
        for (int32_t j = 0; j < len; j++) {
            assert_int_equal(code[j], want_code[w][j] - '0');
            assert_int_equal(points[j], want_points[w][j]);
        }
    }
    lk_embed_loss_free(l);
    /* unsorted counts are refused */
    const int64_t bad[2] = {1, 2};
    assert_int_equal(lk_embed_loss_create_hs(bad, 2, &l), LK_ERR_ARG);
    assert_null(l);
}

static void test_unigram_table_proportions(void **state)
{
    (void)state;
    /* 8^0.75 = 4.7568, 1^0.75 = 1: word 0 owns 4.7568 / 5.7568 = 0.82629 of the slots,
       i.e. round(826.29) = 826 of 1000. */
    const int64_t counts[2] = {8, 1};
    lk_embed_loss *l = NULL;
    assert_int_equal(lk_embed_loss_create_ns(counts, 2, 5, LK_UNIGRAM_POWER, 1000, &l), LK_OK);
    const int32_t *table;
    int32_t size, n0 = 0;
    assert_int_equal(lk_embed_loss_ns_table(l, &table, &size), LK_OK);
    assert_int_equal(size, 1000);
    for (int32_t i = 0; i < size; i++) n0 += table[i] == 0;
    assert_int_equal(n0, 826);
    assert_int_equal(table[825], 0);
    assert_int_equal(table[826], 1);
    lk_embed_loss_free(l);
}

static void test_subsampling_formula(void **state)
{
    (void)state;
    /* threshold t = sample * total = 1e-3 * 1e6 = 1000; keep = (sqrt(c/t) + 1) * t / c:
       c = 10000: (sqrt(10) + 1) * 0.1 = 0.416228; c = 100000: 11 * 0.01 = 0.11;
       c = 1000: 2 -> capped at 1. */
    assert_true(fabs(lk_embed_keep_prob(10000, 1000000, 1e-3) - 0.4162278) < 1e-6);
    assert_true(fabs(lk_embed_keep_prob(100000, 1000000, 1e-3) - 0.11) < 1e-9);
    assert_true(lk_embed_keep_prob(1000, 1000000, 1e-3) == 1.0);
    assert_true(lk_embed_keep_prob(100000, 1000000, 0) == 1.0);
}

/* ---- subwords ------------------------------------------------------------------------- */

typedef struct {
    char grams[32][32];
    int n;
} gram_list;

static void collect(void *p, const char *g, size_t len)
{
    gram_list *l = p;
    assert_true(l->n < 32 && len < 32);
    memcpy(l->grams[l->n], g, len);
    l->grams[l->n][len] = '\0';
    l->n++;
}

static void test_subword_ngrams_where(void **state)
{
    (void)state;
    /* fastText's example word, n = 3..6, in fastText's order (start, then length) */
    const char *want[] = {"<wh", "<whe", "<wher", "<where", "whe", "wher", "where",
                          "where>", "her", "here", "here>", "ere", "ere>", "re>"};
    gram_list l = {.n = 0};
    assert_int_equal(lk_subword_each("where", 5, 3, 6, collect, &l), LK_OK);
    assert_int_equal(l.n, 14);
    for (int i = 0; i < 14; i++) assert_string_equal(l.grams[i], want[i]);
    assert_int_equal(lk_subword_each("where", 5, 4, 3, collect, &l), LK_ERR_ARG);
}

static void test_subword_ngrams_chinese(void **state)
{
    (void)state;
    /* n = 1..2 on code points of <北京大学>; the bare "<" and ">" are never grams */
    const char *want[] = {"<北", "北", "北京", "京", "京大", "大", "大学", "学", "学>"};
    gram_list l = {.n = 0};
    const char *w = "北京大学";
    assert_int_equal(lk_subword_each(w, strlen(w), 1, 2, collect, &l), LK_OK);
    assert_int_equal(l.n, 9);
    for (int i = 0; i < 9; i++) assert_string_equal(l.grams[i], want[i]);
}

static void test_subword_hash_matches_fasttext(void **state)
{
    (void)state;
    /* FNV-1a 32: "a" = 0xe40c292c (the published test vector). Bytes >= 0x80 are
       sign-extended as in fastText's Dictionary::hash; the other values come from a Python
       transcription of it: h = 2166136261; for b in s: h = ((h ^ (b - 256 if b > 127
       else b)) & 0xffffffff) * 16777619 & 0xffffffff. */
    assert_int_equal(lk_subword_hash("a", 1), 0xe40c292cu);
    assert_int_equal(lk_subword_hash("<wh", 3), 0x3e79c4e4u);
    assert_int_equal(lk_subword_hash("\xc3\xa9", 2), 0x3cfa68c1u);
    int32_t *ids = NULL;
    size_t n = 0, cap = 0;
    assert_int_equal(lk_subword_buckets("北京大学", strlen("北京大学"), 1, 2, 1000, &ids, &n, &cap),
                     LK_OK);
    assert_int_equal(n, 9);
    assert_int_equal(ids[0], 543); /* hash("<北") % 1000 */
    free(ids);
}

/* ---- the batched SGD step against finite differences ---------------------------------- */

#define GD 4 /* dim */
#define GR 2 /* input rows */

static double sigmoid(double f) { return 1.0 / (1.0 + exp(-f)); }

/* Loss of the batch in double: -sum over scored pairs of log sigmoid(+-x.y). */
static double batch_loss(const lk_loss_batch *b, double x[GR][GD], const double *out)
{
    double loss = 0;
    for (int r = 0; r < b->n_rows; r++)
        for (int s = 0; s < b->n_out; s++) {
            float lab = b->label[r * b->n_out + s];
            if (lab == LK_LABEL_SKIP) continue;
            double f = 0;
            for (int d = 0; d < GD; d++) f += x[r][d] * out[b->out_ids[s] * GD + d];
            loss -= lab > 0.5f ? log(sigmoid(f)) : log(sigmoid(-f));
        }
    return loss;
}

/* same_input: both rows point at one input vector (skip-gram with subwords), with
   different targets; else two inputs with one target (skip-gram). */
static void check_step_gradient(bool same_input)
{
    const int64_t counts[5] = {5, 4, 3, 2, 1};
    lk_embed_loss *l = NULL;
    lk_loss_batch b = {0};
    lk_sigmoid_table t;
    lk_rng rng;
    lk_rng_seed(&rng, 3);
    assert_int_equal(lk_embed_loss_create_ns(counts, 5, 3, LK_UNIGRAM_POWER, 1000, &l), LK_OK);
    assert_int_equal(lk_sigmoid_table_init(&t, 1000000), LK_OK); /* fine table: ~exact */
    const int32_t targets[GR] = {1, same_input ? 3 : 1};
    assert_int_equal(lk_embed_loss_prepare(l, targets, GR, &rng, &b), LK_OK);
    assert_int_equal(b.n_out, same_input ? 5 : 4); /* the targets and 3 shared negatives */
    float xf[GR][GD], out[5 * GD], out0[5 * GD], dx[GR * GD], g[GR * 8];
    double x[GR][GD], outd[5 * GD];
    for (int r = 0; r < GR; r++)
        for (int d = 0; d < GD; d++) xf[r][d] = (float)(lk_rng_uniform(&rng) - 0.5f);
    for (int i = 0; i < 5 * GD; i++) out[i] = out0[i] = (float)(lk_rng_uniform(&rng) - 0.5f);
    if (same_input) memcpy(xf[1], xf[0], sizeof xf[0]);
    const float *xp[GR] = {xf[0], same_input ? xf[0] : xf[1]};
    /* with alpha = 1 the step is minus the gradient */
    lk_embed_loss_step(&b, xp, GD, out, 1.0f, &t, dx, g);
    const double h = 1e-5;
    double max_err = 0;
    /* a shared input moves in both rows; its step is the sum of the rows' steps */
    for (int r = 0; r < (same_input ? 1 : GR); r++)
        for (int d = 0; d < GD; d++) {
            for (int rr = 0; rr < GR; rr++)
                for (int dd = 0; dd < GD; dd++) x[rr][dd] = xf[rr][dd];
            for (int i = 0; i < 5 * GD; i++) outd[i] = out0[i];
            for (int rr = 0; rr < GR; rr++)
                if (rr == r || same_input) x[rr][d] += h;
            double up = batch_loss(&b, x, outd);
            for (int rr = 0; rr < GR; rr++)
                if (rr == r || same_input) x[rr][d] -= 2 * h;
            double down = batch_loss(&b, x, outd);
            double num = -(up - down) / (2 * h);
            double got = same_input ? dx[d] + dx[GD + d] : dx[r * GD + d];
            double err = fabs(num - got) / fmax(1e-3, fabs(num));
            if (err > max_err) max_err = err;
        }
    for (int i = 0; i < 5 * GD; i++) {
        for (int rr = 0; rr < GR; rr++)
            for (int dd = 0; dd < GD; dd++) x[rr][dd] = xf[rr][dd];
        for (int k = 0; k < 5 * GD; k++) outd[k] = out0[k];
        outd[i] += h;
        double up = batch_loss(&b, x, outd);
        outd[i] -= 2 * h;
        double down = batch_loss(&b, x, outd);
        double num = -(up - down) / (2 * h);
        double got = (double)out[i] - (double)out0[i];
        double err = fabs(num - got) / fmax(1e-3, fabs(num));
        if (err > max_err) max_err = err;
    }
    assert_true(max_err < 1e-2);
    lk_sigmoid_table_free(&t);
    lk_loss_batch_free(&b);
    lk_embed_loss_free(l);
}

static void test_sgns_step_matches_finite_differences(void **state)
{
    (void)state;
    check_step_gradient(false);
    check_step_gradient(true);
}

/* ---- training ------------------------------------------------------------------------- */

#define CORPUS "data/emb_corpus.txt"

static lk_embed_config small_config(void)
{
    lk_embed_config c = lk_embed_config_default();
    c.dim = 16;
    c.epochs = 3;
    c.min_count = 2;
    c.seed = 7;
    return c;
}

static char *slurp(const char *path, size_t *n)
{
    char *buf = NULL;
    lk_error err;
    assert_int_equal(lk_read_file(path, &buf, n, &err), LK_OK);
    return buf;
}

static void train_to(const lk_embed_config *c, const char *name, char *path, size_t cap)
{
    lk_embed_model *m = NULL;
    lk_vectors *v = NULL;
    lk_error err;
    lk_embed_stats stats;
    assert_int_equal(lk_embed_train(c, CORPUS, &m, &stats, &err), LK_OK);
    assert_true(stats.words > 0);
    assert_int_equal(lk_embed_model_vectors(m, &v), LK_OK);
    lk_test_tmp_path(path, cap, name);
    assert_int_equal(lk_vectors_write(v, path, LK_VEC_TEXT, &err), LK_OK);
    lk_vectors_free(v);
    lk_embed_model_free(m);
}

static void test_training_is_deterministic(void **state)
{
    (void)state;
    const lk_embed_arch archs[2] = {LK_EMBED_SKIPGRAM, LK_EMBED_CBOW};
    for (int a = 0; a < 2; a++) {
        lk_embed_config c = small_config();
        c.arch = archs[a];
        char p1[512], p2[512], p3[512];
        train_to(&c, "det1.txt", p1, sizeof p1);
        train_to(&c, "det2.txt", p2, sizeof p2);
        c.seed = 8;
        train_to(&c, "det3.txt", p3, sizeof p3);
        size_t n1, n2, n3;
        char *b1 = slurp(p1, &n1), *b2 = slurp(p2, &n2), *b3 = slurp(p3, &n3);
        assert_true(n1 == n2 && memcmp(b1, b2, n1) == 0);
        assert_true(n1 != n3 || memcmp(b1, b3, n1) != 0);
        free(b1);
        free(b2);
        free(b3);
    }
}

static void test_training_learns_structure(void **state)
{
    (void)state;
    /* animals share contexts ("a X eats", "the X and the Y sleep"), as do people */
    lk_embed_config c = small_config();
    c.epochs = 30;
    c.sample = 0;
    lk_embed_model *m = NULL;
    lk_error err;
    assert_int_equal(lk_embed_train(&c, CORPUS, &m, NULL, &err), LK_OK);
    float cat[16], dog[16], paris[16];
    bool f1, f2, f3;
    lk_embed_model_word_vector(m, "cat", 3, cat, &f1);
    lk_embed_model_word_vector(m, "dog", 3, dog, &f2);
    lk_embed_model_word_vector(m, "paris", 5, paris, &f3);
    assert_true(f1 && f2 && f3);
    assert_true(lk_cosine(cat, dog, 16) > lk_cosine(cat, paris, 16));
    lk_embed_model_free(m);
}

static void test_model_file_round_trip_and_corruption(void **state)
{
    (void)state;
    lk_embed_config c = small_config();
    c.maxn = 4;
    c.minn = 2;
    c.buckets = 50;
    c.loss = LK_LOSS_HS;
    lk_embed_model *m = NULL, *m2 = NULL;
    lk_error err;
    char path[512], bad[512];
    assert_int_equal(lk_embed_train(&c, CORPUS, &m, NULL, &err), LK_OK);
    lk_test_tmp_path(path, sizeof path, "m.lkem");
    assert_int_equal(lk_embed_model_save(m, path, &err), LK_OK);
    assert_int_equal(lk_embed_model_load(path, &m2, &err), LK_OK);
    assert_int_equal(lk_embed_model_config(m2)->loss, LK_LOSS_HS);
    assert_int_equal(lk_embed_model_config(m2)->buckets, 50);
    float a[16], b[16];
    bool fa, fb;
    /* a vocabulary word and an unseen word composed from n-grams agree exactly */
    const char *words[2] = {"queen", "queens"};
    for (int i = 0; i < 2; i++) {
        lk_embed_model_word_vector(m, words[i], strlen(words[i]), a, &fa);
        lk_embed_model_word_vector(m2, words[i], strlen(words[i]), b, &fb);
        assert_true(fa && fb);
        assert_memory_equal(a, b, sizeof a);
    }
    assert_int_equal(lk_vocab_find(lk_embed_model_vocab(m2), "queens", 6), LK_ID_NONE);
    /* resume training from the loaded model */
    assert_int_equal(lk_embed_train(&c, CORPUS, &m2, NULL, &err), LK_OK);
    lk_embed_model_free(m2);
    m2 = NULL;
    /* a flipped byte and a truncated file */
    size_t n;
    char *buf = slurp(path, &n);
    lk_test_tmp_path(bad, sizeof bad, "bad.lkem");
    buf[n / 2] ^= 0x40;
    lk_test_write_file(bad, buf, n);
    assert_int_equal(lk_embed_model_load(bad, &m2, &err), LK_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "checksum"));
    buf[n / 2] ^= 0x40;
    lk_test_write_file(bad, buf, n - 7);
    assert_int_equal(lk_embed_model_load(bad, &m2, &err), LK_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "truncated"));
    assert_null(m2);
    free(buf);
    lk_embed_model_free(m);
}

static void test_bad_corpora(void **state)
{
    (void)state;
    lk_embed_config c = small_config();
    lk_embed_model *m = NULL;
    lk_error err;
    char path[512];
    lk_test_tmp_path(path, sizeof path, "empty.txt");
    lk_test_write_file(path, "\n  \n", 4);
    assert_int_equal(lk_embed_train(&c, path, &m, NULL, &err), LK_ERR_PARSE);
    assert_non_null(strstr(err.msg, "no words"));
    assert_null(m);
    lk_test_write_file(path, "a b c\nd e\n", 10);
    assert_int_equal(lk_embed_train(&c, path, &m, NULL, &err), LK_ERR_PARSE);
    assert_non_null(strstr(err.msg, "(min_count)"));
    assert_null(m);
    assert_int_equal(lk_embed_train(&c, "-", &m, NULL, &err), LK_ERR_ARG);
    c.dim = 0;
    assert_int_equal(lk_embed_train(&c, CORPUS, &m, NULL, &err), LK_ERR_ARG);
    assert_non_null(strstr(err.msg, "dim"));
    assert_null(m);
}

/* lk_embed_config_check: lk_status + an lk_error naming the field, like the other configs. */
static void test_config_check_names_fields(void **state)
{
    (void)state;
    lk_error err;
    lk_error_clear(&err);
    lk_embed_config ok = lk_embed_config_default();
    assert_int_equal(lk_embed_config_check(&ok, &err), LK_OK);
    assert_int_equal(lk_embed_config_check(&ok, NULL), LK_OK);
    assert_int_equal(lk_embed_config_check(NULL, &err), LK_ERR_ARG);
    struct {
        lk_embed_config c;
        const char *want;
    } bad[12];
    for (size_t i = 0; i < 12; i++) bad[i].c = ok;
    bad[0].c.dim = 0, bad[0].want = "dim must be in [1, 100000] (got 0)";
    bad[1].c.window = 0, bad[1].want = "window must be >= 1 (got 0)";
    bad[2].c.negative = 0, bad[2].want = "negative must be >= 1 (got 0)";
    bad[3].c.epochs = -2, bad[3].want = "epochs must be >= 1 (got -2)";
    bad[4].c.threads = 2000, bad[4].want = "threads must be in [1, 1024] (got 2000)";
    bad[5].c.sample = 1, bad[5].want = "sample must be in [0, 1) (got 1)";
    bad[6].c.alpha = 2, bad[6].want = "alpha must be in [0, 1] (got 2)";
    bad[7].c.min_count = 0, bad[7].want = "min_count must be >= 1 (got 0)";
    bad[8].c.max_vocab = -1, bad[8].want = "max_vocab must be >= 0 (got -1)";
    bad[9].c.maxn = 3, bad[9].c.minn = 5, bad[9].want = "minn, maxn: need 1 <= minn <= maxn (got 5, 3)";
    bad[10].c.cbow_batch = 0, bad[10].want = "cbow_batch must be in [1, 1024] (got 0)";
    bad[11].c.arch = (lk_embed_arch)7, bad[11].want = "arch: unknown architecture 7";
    for (size_t i = 0; i < 12; i++) {
        lk_error_clear(&err);
        assert_int_equal(lk_embed_config_check(&bad[i].c, &err), LK_ERR_ARG);
        assert_int_equal(err.code, LK_ERR_ARG);
        assert_string_equal(err.msg, bad[i].want);
        assert_int_equal(lk_embed_config_check(&bad[i].c, NULL), LK_ERR_ARG);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_check_names_fields),
        cmocka_unit_test(test_huffman_codes_by_hand),
        cmocka_unit_test(test_unigram_table_proportions),
        cmocka_unit_test(test_subsampling_formula),
        cmocka_unit_test(test_subword_ngrams_where),
        cmocka_unit_test(test_subword_ngrams_chinese),
        cmocka_unit_test(test_subword_hash_matches_fasttext),
        cmocka_unit_test(test_sgns_step_matches_finite_differences),
        cmocka_unit_test(test_training_is_deterministic),
        cmocka_unit_test(test_training_learns_structure),
        cmocka_unit_test(test_model_file_round_trip_and_corruption),
        cmocka_unit_test(test_bad_corpora),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
