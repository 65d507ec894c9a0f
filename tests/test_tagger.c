/* test_tagger.c: the tagger model: config checks, vocabularies, whole-network gradient
   check, training on a tiny corpus, LKTG round trip / corruption / future version /
   truncation, unknown tags, a 10,000-token sentence, raw-text segmentation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <math.h>

#include "models/tagger.h"
#include "models/tagger_internal.h"
#include "tests/testutil.h"
#include "text/fileio.h"

static lk_tagged_corpus load(const char *path)
{
    lk_tagged_corpus c;
    lk_error err;
    assert_int_equal(lk_tagged_corpus_load(path, LK_TAGGED_CONLLU, &c, &err), LK_OK);
    return c;
}

static lk_tagger_config small_config(void)
{
    lk_tagger_config c = lk_tagger_config_default();
    c.hidden = 8;
    c.word_dim = 8;
    c.char_dim = 6;
    c.min_feature_count = 1;
    return c;
}

static void test_config_check(void **state)
{
    (void)state;
    lk_error err;
    lk_tagger_config c = lk_tagger_config_default();
    assert_int_equal(lk_tagger_config_check(&c, &err), LK_OK);
    c.hidden = 0;
    assert_int_equal(lk_tagger_config_check(&c, &err), LK_ERR_ARG);
    assert_non_null(strstr(err.msg, "hidden"));
    c = lk_tagger_config_default();
    snprintf(c.cell, sizeof c.cell, "tree");
    assert_int_equal(lk_tagger_config_check(&c, &err), LK_ERR_ARG);
    assert_non_null(strstr(err.msg, "cell"));
}

static void test_empty_training_set(void **state)
{
    (void)state;
    lk_tagged_corpus empty;
    memset(&empty, 0, sizeof empty);
    lk_tagger_config c = small_config();
    lk_tagger *m = (lk_tagger *)&m;
    lk_error err;
    assert_int_equal(lk_tagger_create(&c, &empty, NULL, 1, &m, &err), LK_ERR_ARG);
    assert_null(m);
    assert_non_null(strstr(err.msg, "empty"));
}

static void test_char_labels(void **state)
{
    (void)state;
    lk_tagged_corpus tr = load("data/tag_zh_train.conllu");
    lk_tagger_config c = small_config();
    c.unit = LK_TAGGER_CHAR;
    lk_tagger *m = NULL;
    lk_error err;
    assert_int_equal(lk_tagger_create(&c, &tr, NULL, 1, &m, &err), LK_OK);
    /* the tag set is the UPOS tags; labels are B/M/E/S x tag, each with a position */
    assert_true(lk_tagger_tag_find(m, "NOUN", 4) != LK_ID_NONE);
    assert_true(lk_tagger_tag_find(m, "S-NOUN", 6) == LK_ID_NONE);
    int32_t l = lk_vocab_find(m->labels, "B-NOUN", 6);
    assert_true(l != LK_ID_NONE);
    assert_int_equal(m->label_pos[l], LK_SEG_B);
    assert_int_equal(m->label_tag[l], lk_tagger_tag_find(m, "NOUN", 4));
    /* featurized: one position per character, gold labels from word boundaries:
       first sentence 怀孕 期 ... -> B-VERB E-VERB S-PART */
    lk_tg_data d;
    memset(&d, 0, sizeof d);
    assert_int_equal(lk_tg_data_from_corpus(m, &tr, &d, NULL, &err), LK_OK);
    assert_int_equal(d.gold[0], lk_vocab_find(m->labels, "B-VERB", 6));
    assert_int_equal(d.gold[1], lk_vocab_find(m->labels, "E-VERB", 6));
    assert_int_equal(d.gold[2], lk_vocab_find(m->labels, "S-PART", 6));
    lk_tg_data_free(&d);
    lk_tagger_free(m);
    lk_tagged_corpus_free(&tr);
}

/* Loss of a train-mode forward without dropout (deterministic). */
static double net_loss(const lk_tagger *m, lk_tagger_ws *ws, const lk_tg_data *d,
                       const size_t *idx, int32_t B, lk_real *grad)
{
    double loss = 0;
    assert_int_equal(lk_tg_forward(m, ws, d, idx, B, true, 0, 0, NULL), LK_OK);
    assert_int_equal(lk_tg_loss_backward(m, ws, grad, 1, &loss), LK_OK);
    return loss;
}

/* Central differences on every 7th parameter that gets a gradient, for softmax and CRF
   outputs, LSTM and GRU cells. */
static void gradcheck(const char *cell, bool crf)
{
    lk_tagged_corpus tr = load("data/tag_en_train.conllu");
    lk_tagger_config c = small_config();
    c.crf = crf;
    c.hidden = 4;
    c.word_dim = 4;
    c.char_dim = 3;
    snprintf(c.cell, sizeof c.cell, "%s", cell);
    lk_tagger *m = NULL;
    lk_tagger_ws *ws = NULL;
    lk_error err;
    assert_int_equal(lk_tagger_create(&c, &tr, NULL, 7, &m, &err), LK_OK);
    assert_int_equal(lk_tagger_ws_create(&ws), LK_OK);
    lk_tg_data d;
    memset(&d, 0, sizeof d);
    assert_int_equal(lk_tg_data_from_corpus(m, &tr, &d, NULL, &err), LK_OK);
    const size_t idx[2] = {0, 1}; /* B = 2 sentences of different lengths */
    lk_params *p = &m->params;
    lk_params_zero_grad(p);
    net_loss(m, ws, &d, idx, 2, p->grad);
    lk_real *an = malloc(p->n * sizeof *an);
    memcpy(an, p->grad, p->n * sizeof *an);
    int checked = 0;
    double worst = 0;
    for (size_t i = 0; i < p->n; i += 7) {
        if (an[i] == 0) continue; /* rows of unused embeddings */
        lk_real keep = p->data[i];
        const double eps = 1e-2;
        p->data[i] = (lk_real)(keep + eps);
        double lp = net_loss(m, ws, &d, idx, 2, NULL);
        p->data[i] = (lk_real)(keep - eps);
        double lm = net_loss(m, ws, &d, idx, 2, NULL);
        p->data[i] = keep;
        double num = (lp - lm) / (2 * eps);
        double rel = fabs(num - an[i]) / fmax(1e-2, fabs(num) + fabs(an[i]));
        if (rel > worst) worst = rel;
        checked++;
    }
    assert_true(checked > 50);
    assert_true(worst < 1e-2);
    free(an);
    lk_tg_data_free(&d);
    lk_tagger_ws_free(ws);
    lk_tagger_free(m);
    lk_tagged_corpus_free(&tr);
}

static void test_gradcheck_lstm_softmax(void **state) { (void)state; gradcheck("lstm", false); }
static void test_gradcheck_gru_crf(void **state) { (void)state; gradcheck("gru", true); }

/* The divergence rule: each clause, and nothing else, trips it. */
static void test_divergence_rule(void **state)
{
    (void)state;
    double l68 = log(68.0);
    assert_null(lk_tg_diverged(4.2, 3.0, -1, 68));         /* first step */
    assert_null(lk_tg_diverged(0.05, 0.5, 4.2, 68));       /* a converging run */
    assert_null(lk_tg_diverged(99.0 * l68, 1e6, 0.01, 68)); /* bad but not absurd */
    assert_non_null(lk_tg_diverged(NAN, 1, 4.2, 68));
    assert_non_null(lk_tg_diverged(INFINITY, 1, 4.2, 68));
    assert_non_null(lk_tg_diverged(1.0, NAN, 4.2, 68));
    assert_non_null(lk_tg_diverged(1.0, INFINITY, 4.2, 68));
    assert_non_null(lk_tg_diverged(101.0 * l68, 1, 0.01, 68)); /* floor: ln(labels) */
    assert_non_null(lk_tg_diverged(1e31, 1, 4.2, 68));           /* huge but finite */
    assert_null(lk_tg_diverged(900.0, 1, 10.0, 68));             /* ref above the floor */
    assert_non_null(lk_tg_diverged(1001.0, 1, 10.0, 68));
    lk_real x[11] = {0, 1, -2, 3e38f, -3e38f, 1e-40f, 0, 0, 0, 0, 5};
    assert_true(lk_tg_all_finite(x, 11));
    assert_true(lk_tg_all_finite(x, 0));
    for (int i = 0; i < 11; i++) {
        lk_real keep = x[i];
        x[i] = (i % 2) ? (lk_real)INFINITY : (lk_real)NAN;
        assert_false(lk_tg_all_finite(x, 11));
        x[i] = (lk_real)-INFINITY;
        assert_false(lk_tg_all_finite(x, 11));
        x[i] = keep;
    }
}

/* An SGD learning rate of 1e30 without clipping: whatever the BLAS kernel makes of the
   huge weights (inf/NaN or huge finite values), the run stops as diverged in epoch 1
   and writes no model. */
static void test_divergence_stops_training(void **state)
{
    (void)state;
    lk_tagged_corpus tr = load("data/tag_en_train.conllu");
    lk_tagger_train_config tc = lk_tagger_train_config_default();
    tc.model = small_config();
    tc.epochs = 3;
    tc.batch = 4;
    tc.optimizer = 0;
    tc.lr = 1e30f;
    tc.clip = 0;
    char out[4096];
    lk_test_tmp_path(out, sizeof out, "diverge.lkt");
    remove(out);
    lk_tagger_train_result res;
    lk_error err;
    assert_int_equal(lk_tagger_train(&tc, &tr, NULL, out, &res, &err), LK_ERR_STATE);
    assert_true(res.diverged);
    assert_int_equal(res.epochs_run, 0);
    assert_non_null(strstr(err.msg, "diverged in epoch 1"));
    FILE *f = fopen(out, "rb");
    assert_null(f);
    if (f) fclose(f);
    lk_tagged_corpus_free(&tr);
}

/* The lk_tagger_epoch reports of a run. */
typedef struct {
    int32_t n;
    lk_tagger_epoch e[64];
} epochs_seen;

static void on_epoch(void *user, const lk_tagger_epoch *e)
{
    epochs_seen *s = user;
    if (s->n < 64) s->e[s->n] = *e;
    s->n++;
}

/* Train a small model; returns it (caller frees). Each epoch's typed report is checked. */
static lk_tagger *train_small(const char *train, bool char_unit, int epochs, const char *out)
{
    lk_tagged_corpus tr = load(train);
    epochs_seen seen = {0};
    lk_tagger_train_config tc = lk_tagger_train_config_default();
    tc.model = small_config();
    tc.model.hidden = 16;
    tc.model.unit = char_unit ? LK_TAGGER_CHAR : LK_TAGGER_WORD;
    tc.epochs = epochs;
    tc.batch = 4;
    tc.dropout = 0;
    tc.word_dropout = 0;
    tc.lr = 0.02f;
    tc.on_epoch = on_epoch;
    tc.epoch_user = &seen;
    lk_tagger_train_result res;
    lk_error err;
    assert_int_equal(lk_tagger_train(&tc, &tr, NULL, out, &res, &err), LK_OK);
    assert_int_equal(res.epochs_run, epochs);
    assert_int_equal(seen.n, epochs);
    for (int32_t i = 0; i < seen.n && i < 64; i++) {
        assert_int_equal(seen.e[i].epoch, i + 1);
        assert_int_equal(seen.e[i].epochs, epochs);
        assert_true(isfinite(seen.e[i].loss) && seen.e[i].loss > 0);
        assert_true(seen.e[i].tokens_per_sec > 0);
        assert_true(isnan(seen.e[i].dev)); /* no dev set */
        assert_true(seen.e[i].best);       /* without a dev set every epoch is kept */
    }
    if (epochs >= 10) assert_true(seen.e[epochs - 1].loss < seen.e[0].loss);
    lk_tagger *m = NULL;
    assert_int_equal(lk_tagger_load(out, &m, &err), LK_OK);
    lk_tagged_corpus_free(&tr);
    return m;
}

static void test_train_fits_tiny_corpus(void **state)
{
    (void)state;
    char path[512];
    lk_test_tmp_path(path, sizeof path, "en.lkt");
    lk_tagger *m = train_small("data/tag_en_train.conllu", false, 25, path);
    lk_tagged_corpus tr = load("data/tag_en_train.conllu");
    lk_tagger_eval_result r;
    lk_error err;
    assert_int_equal(lk_tagger_evaluate(m, &tr, &r, &err), LK_OK);
    assert_int_equal(r.tokens, (int64_t)tr.n_tokens);
    assert_true(r.accuracy > 0.95); /* memorised */
    lk_tagger_free(m);
    lk_tagged_corpus_free(&tr);
}

static lk_tagger *untrained(const char *train)
{
    lk_tagged_corpus tr = load(train);
    lk_tagger_config c = small_config();
    lk_tagger *m = NULL;
    lk_error err;
    assert_int_equal(lk_tagger_create(&c, &tr, NULL, 3, &m, &err), LK_OK);
    lk_tagged_corpus_free(&tr);
    return m;
}

static void tag_all(const lk_tagger *m, const lk_tagged_corpus *c, int32_t *tags)
{
    lk_tagger_ws *ws = NULL;
    lk_error err;
    assert_int_equal(lk_tagger_ws_create(&ws), LK_OK);
    assert_int_equal(lk_tagger_tag_sentences(m, ws, c->sents, c->n_sents, tags, &err), LK_OK);
    lk_tagger_ws_free(ws);
}

static void test_save_load_round_trip(void **state)
{
    (void)state;
    char path[512];
    lk_error err;
    lk_test_tmp_path(path, sizeof path, "rt.lkt");
    lk_tagger *m = untrained("data/tag_en_train.conllu"), *m2 = NULL;
    assert_int_equal(lk_tagger_save(m, path, &err), LK_OK);
    assert_int_equal(lk_tagger_load(path, &m2, &err), LK_OK);
    assert_int_equal(lk_tagger_n_params(m2), lk_tagger_n_params(m));
    assert_int_equal(lk_tagger_n_tags(m2), lk_tagger_n_tags(m));
    assert_memory_equal(m->params.data, m2->params.data, m->params.n * sizeof(lk_real));
    for (int32_t t = 0; t < lk_tagger_n_tags(m); t++)
        assert_string_equal(lk_tagger_tag_name(m, t), lk_tagger_tag_name(m2, t));
    lk_tagged_corpus dev = load("data/tag_en_dev.conllu");
    int32_t *a = malloc(dev.n_tokens * sizeof *a), *b = malloc(dev.n_tokens * sizeof *b);
    tag_all(m, &dev, a);
    tag_all(m2, &dev, b);
    assert_memory_equal(a, b, dev.n_tokens * sizeof *a);
    free(a);
    free(b);
    lk_tagged_corpus_free(&dev);
    lk_tagger_free(m);
    lk_tagger_free(m2);
}

static void test_compact_round_trip(void **state)
{
    (void)state;
    char path[512];
    lk_error err;
    lk_test_tmp_path(path, sizeof path, "half.lkt");
    lk_tagger *m = untrained("data/tag_en_train.conllu"), *m2 = NULL;
    assert_int_equal(lk_tagger_save_compact(m, path, &err), LK_OK);
    assert_int_equal(lk_tagger_load(path, &m2, &err), LK_OK);
    assert_int_equal(lk_tagger_n_params(m2), lk_tagger_n_params(m));
    for (size_t i = 0; i < m->params.n; i++) {
        double a = m->params.data[i], b = m2->params.data[i];
        /* binary16 keeps 11 significant bits: relative error <= 2^-11 (normal range) */
        assert_true(fabs(a - b) <= fabs(a) * (1.0 / 2048) + 1e-7);
    }
    lk_tagger_free(m);
    lk_tagger_free(m2);
}

/* The training record is an optional trailer: saved, loaded, absent when not set. */
static void test_train_info_round_trip(void **state)
{
    (void)state;
    char path[512];
    lk_error err;
    lk_test_tmp_path(path, sizeof path, "info.lkt");
    lk_tagger *m = untrained("data/tag_en_train.conllu"), *m2 = NULL;
    assert_int_equal(lk_tagger_save(m, path, &err), LK_OK);
    assert_int_equal(lk_tagger_load(path, &m2, &err), LK_OK);
    assert_null(lk_tagger_train_info(m2));
    lk_tagger_free(m2);
    assert_int_equal(lk_tagger_set_train_info(m, "epochs_run=3\nbest_dev=0.9500\n"), LK_OK);
    for (int half = 0; half < 2; half++) {
        assert_int_equal(half ? lk_tagger_save_compact(m, path, &err) : lk_tagger_save(m, path, &err),
                         LK_OK);
        assert_int_equal(lk_tagger_load(path, &m2, &err), LK_OK);
        assert_string_equal(lk_tagger_train_info(m2), "epochs_run=3\nbest_dev=0.9500\n");
        assert_int_equal(lk_tagger_n_params(m2), lk_tagger_n_params(m));
        lk_tagger_free(m2);
    }
    /* cut inside the record: an error, no crash */
    char *buf;
    size_t n;
    assert_int_equal(lk_read_file(path, &buf, &n, &err), LK_OK);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(buf, 1, n - 10, fp), n - 10);
    fclose(fp);
    assert_int_not_equal(lk_tagger_load(path, &m2, &err), LK_OK);
    assert_null(m2);
    free(buf);
    lk_tagger_free(m);
}

static void read_all(const char *path, char **buf, size_t *n)
{
    lk_error err;
    assert_int_equal(lk_read_file(path, buf, n, &err), LK_OK);
}

static void test_corrupt_files(void **state)
{
    (void)state;
    char path[512], bad[512];
    lk_error err;
    lk_test_tmp_path(path, sizeof path, "c.lkt");
    lk_test_tmp_path(bad, sizeof bad, "bad.lkt");
    lk_tagger *m = untrained("data/tag_en_train.conllu"), *m2 = (lk_tagger *)&m;
    assert_int_equal(lk_tagger_save(m, path, &err), LK_OK);
    char *buf;
    size_t n;
    read_all(path, &buf, &n);
    /* a flipped byte in the payload: checksum mismatch */
    buf[n / 2] ^= 0x10;
    lk_test_write_file(bad, buf, n);
    assert_int_equal(lk_tagger_load(bad, &m2, &err), LK_ERR_FORMAT);
    assert_null(m2);
    buf[n / 2] ^= 0x10;
    /* truncated */
    lk_test_write_file(bad, buf, n - 100);
    assert_int_equal(lk_tagger_load(bad, &m2, &err), LK_ERR_FORMAT);
    lk_test_write_file(bad, buf, 10);
    assert_int_equal(lk_tagger_load(bad, &m2, &err), LK_ERR_FORMAT);
    /* a future version (with a valid checksum) */
    lk_put_u32((unsigned char *)buf + 4, LK_TAGGER_VERSION + 1);
    lk_put_u32((unsigned char *)buf + n - 4, lk_crc32(0, buf, n - 4));
    lk_test_write_file(bad, buf, n);
    assert_int_equal(lk_tagger_load(bad, &m2, &err), LK_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "newer"));
    free(buf);
    lk_tagger_free(m);
}

static void test_unknown_tag_counts_as_error(void **state)
{
    (void)state;
    lk_tagger *m = untrained("data/tag_en_train.conllu");
    char path[512];
    lk_test_tmp_path(path, sizeof path, "unk.conllu");
    const char *txt = "1\tHello\t_\tNOUN\t_\t_\t_\t_\t_\t_\n2\tworld\t_\tNEWTAG\t_\t_\t_\t_\t_\t_\n\n";
    lk_test_write_file(path, txt, strlen(txt));
    lk_tagged_corpus c = load(path);
    lk_tagger_eval_result r;
    lk_error err;
    assert_int_equal(lk_tagger_evaluate(m, &c, &r, &err), LK_OK);
    assert_int_equal(r.tokens, 2);
    assert_int_equal(r.n_unknown_tags, 1);
    assert_true(r.correct <= 1);
    lk_tagged_corpus_free(&c);
    lk_tagger_free(m);
}

static void test_long_sentence(void **state)
{
    (void)state;
    lk_tagger *m = untrained("data/tag_en_train.conllu");
    enum { N = 10000 };
    lk_tagged_token *toks = calloc(N, sizeof *toks);
    for (int i = 0; i < N; i++) {
        toks[i].form = (i % 3) ? "word" : "the";
        toks[i].form_len = strlen(toks[i].form);
        toks[i].upos = toks[i].xpos = toks[i].lemma = "_";
    }
    lk_sentence s;
    memset(&s, 0, sizeof s);
    s.tokens = toks;
    s.n = N;
    int32_t *tags = malloc(N * sizeof *tags);
    tag_all(m, &(lk_tagged_corpus){.sents = &s, .n_sents = 1, .n_tokens = N}, tags);
    for (int i = 0; i < N; i++) assert_true(tags[i] >= 0 && tags[i] < lk_tagger_n_tags(m));
    free(tags);
    free(toks);
    lk_tagger_free(m);
}

static void test_segment_raw_lines(void **state)
{
    (void)state;
    char path[512];
    lk_test_tmp_path(path, sizeof path, "zh.lkt");
    lk_tagger *m = train_small("data/tag_zh_train.conllu", true, 3, path);
    lk_tagger_ws *ws = NULL;
    assert_int_equal(lk_tagger_ws_create(&ws), LK_OK);
    const char *lines[3] = {"该路临近静安寺。", "怀孕 期", ""};
    size_t lens[3] = {strlen(lines[0]), strlen(lines[1]), 0};
    const lk_tagger_span *sp;
    const size_t *off;
    lk_error err;
    assert_int_equal(lk_tagger_segment_lines(m, ws, lines, lens, 3, &sp, &off, &err), LK_OK);
    /* line 0: the words tile the line */
    size_t at = 0;
    for (size_t k = off[0]; k < off[1]; k++) {
        assert_int_equal(sp[k].start, at);
        assert_true(sp[k].len > 0);
        at += sp[k].len;
    }
    assert_int_equal(at, lens[0]);
    /* line 1: the space forces a boundary and belongs to no word */
    assert_true(off[2] - off[1] >= 2);
    for (size_t k = off[1]; k < off[2]; k++)
        assert_null(memchr(lines[1] + sp[k].start, ' ', sp[k].len));
    assert_int_equal(off[3], off[2]); /* empty line: no words */
    /* a word model refuses raw text */
    lk_tagger *wm = untrained("data/tag_en_train.conllu");
    assert_int_equal(lk_tagger_segment_lines(wm, ws, lines, lens, 1, &sp, &off, &err), LK_ERR_ARG);
    lk_tagger_free(wm);
    lk_tagger_ws_free(ws);
    lk_tagger_free(m);
}

/* Line `line` (0-based) of a lk_tagger_char_features dump, in buf (NUL-terminated). */
static void feature_line(const char *dump, int line, char *buf, size_t cap)
{
    const char *p = dump;
    for (int i = 0; i < line; i++) {
        p = strchr(p, '\n');
        assert_non_null(p);
        p++;
    }
    size_t n = strcspn(p, "\n");
    assert_true(n < cap);
    memcpy(buf, p, n);
    buf[n] = '\0';
}

/* True if the space-separated feature list has exactly `feat`. */
static bool has_feature(const char *list, const char *feat)
{
    size_t fl = strlen(feat);
    for (const char *p = list; *p;) {
        size_t n = strcspn(p, " ");
        if (n == fl && memcmp(p, feat, n) == 0) return true;
        p += n;
        if (*p == ' ') p++;
    }
    return false;
}

static lk_tagger *char_model(const char *lexicon)
{
    lk_tagged_corpus tr = load("data/tag_zh_train.conllu");
    lk_tagger_config c = small_config();
    c.unit = LK_TAGGER_CHAR;
    lk_tagger *m = NULL;
    lk_error err;
    assert_int_equal(lk_tagger_create_lex(&c, &tr, NULL, lexicon, 3, &m, &err), LK_OK);
    lk_tagged_corpus_free(&tr);
    return m;
}

/* Keys are width-folded (Ａ -> a, １ -> 0, ， -> ','); every char gets its Unicode category
   (k:) and that of its neighbours (K:). */
static void test_char_features_category_nfkc(void **state)
{
    (void)state;
    lk_tagger *m = char_model(NULL);
    assert_int_equal(lk_tagger_lexicon_size(m), 0);
    const char *text = "苹果，ＡＢ１ ™";
    char *dump = NULL, line[1024];
    assert_int_equal(lk_tagger_char_features(m, text, strlen(text), &dump), LK_OK);
    feature_line(dump, 0, line, sizeof line);
    assert_true(has_feature(line, "k:H") && has_feature(line, "K:^HH"));
    assert_true(has_feature(line, "L:^苹") && has_feature(line, "C:^苹果"));
    feature_line(dump, 2, line, sizeof line); /* ， */
    assert_true(has_feature(line, "k:P") && has_feature(line, "K:HPL"));
    assert_true(has_feature(line, "C:果,a") && has_feature(line, "R:,a"));
    feature_line(dump, 4, line, sizeof line); /* Ｂ */
    assert_true(has_feature(line, "k:L") && has_feature(line, "R:b0"));
    feature_line(dump, 5, line, sizeof line); /* １ */
    assert_true(has_feature(line, "k:D") && has_feature(line, "K:LDZ"));
    feature_line(dump, 6, line, sizeof line); /* space */
    assert_true(has_feature(line, "k:Z"));
    feature_line(dump, 7, line, sizeof line); /* ™ folds to "TM": not one char, kept */
    assert_true(has_feature(line, "k:S") && has_feature(line, "K:ZS$"));
    assert_false(has_feature(line, "x:-")); /* no lexicon, no lexicon features */
    free(dump);
    lk_tagger_free(m);
}

/* Lexicon features: begin/inside/end of 2, 3 and 4+ char words, the longest match's tag. */
static void test_char_features_lexicon(void **state)
{
    (void)state;
    lk_tagger *m = char_model("data/zh_lexicon_small.txt");
    assert_int_equal(lk_tagger_lexicon_size(m), 6); /* 长 (one char) is not kept */
    const char *text = "中华人民共和国北京长城吃";
    char *dump = NULL, line[1024];
    assert_int_equal(lk_tagger_char_features(m, text, strlen(text), &dump), LK_OK);
    feature_line(dump, 2, line, sizeof line); /* 人: inside 中华人民共和国, begins 人民 */
    assert_true(has_feature(line, "x:M4") && has_feature(line, "x:B2"));
    assert_true(has_feature(line, "y:Mns"));
    assert_false(has_feature(line, "x:E2") || has_feature(line, "x:-"));
    feature_line(dump, 6, line, sizeof line); /* 国 */
    assert_true(has_feature(line, "x:E4") && has_feature(line, "y:Ens"));
    feature_line(dump, 9, line, sizeof line); /* 长 (one-char entries are ignored) */
    assert_true(has_feature(line, "x:B2") && has_feature(line, "y:Bns"));
    feature_line(dump, 11, line, sizeof line); /* 吃 */
    assert_true(has_feature(line, "x:-"));
    free(dump);
    /* the lexicon is stored in the model: same features after a compact save/load */
    char path[512], *dump2 = NULL;
    lk_error err;
    lk_tagger *m2 = NULL;
    lk_test_tmp_path(path, sizeof path, "lex.lkt");
    assert_int_equal(lk_tagger_save_compact(m, path, &err), LK_OK);
    assert_int_equal(lk_tagger_load(path, &m2, &err), LK_OK);
    assert_int_equal(lk_tagger_lexicon_size(m2), 6);
    /* each word keeps its tag ("" without one), also after the save/load */
    const char *lt = NULL;
    assert_true(lk_tagger_lexicon_word(m2, "北京", strlen("北京"), &lt));
    assert_string_equal(lt, "ns");
    assert_true(lk_tagger_lexicon_word(m2, "人民", strlen("人民"), &lt));
    assert_string_equal(lt, "n");
    assert_true(lk_tagger_lexicon_word(m2, "准备金率", strlen("准备金率"), &lt));
    assert_string_equal(lt, "");
    assert_false(lk_tagger_lexicon_word(m2, "北京人", strlen("北京人"), &lt)); /* not a word */
    assert_false(lk_tagger_lexicon_word(m2, "中华", strlen("中华"), NULL));    /* a prefix */
    assert_false(lk_tagger_lexicon_word(m2, "长", strlen("长"), &lt));         /* one char */
    assert_true(lk_tagger_lexicon_has(m2, "长城", strlen("长城")));
    assert_int_equal(lk_tagger_get_config(m2)->char_feats,
                     LK_TAGGER_CF_NFKC | LK_TAGGER_CF_CLASS | LK_TAGGER_CF_LEXICON);
    assert_int_equal(lk_tagger_char_features(m, text, strlen(text), &dump), LK_OK);
    assert_int_equal(lk_tagger_char_features(m2, text, strlen(text), &dump2), LK_OK);
    assert_string_equal(dump, dump2);
    free(dump);
    free(dump2);
    lk_tagger_free(m2);
    /* a flipped byte in the lexicon block is refused (checksum) */
    char *buf;
    size_t n;
    read_all(path, &buf, &n);
    /* a bad word entry under a valid checksum (added on the loader's second thread): a
       format error, nothing leaked (ASan), for a key that is not UTF-8 and a zero length */
    const char *pat = "\x06\xe5\x8c\x97\xe4\xba\xac"; /* u8 length 6, 北京 */
    char *at = NULL;
    for (size_t i = 0; i + 7 <= n && !at; i++)
        if (memcmp(buf + i, pat, 7) == 0) at = buf + i;
    assert_non_null(at);
    for (int k = 0; k < 2; k++) {
        char saved[2] = {at[0], at[1]};
        if (k == 0) at[1] = (char)0xff;
        else at[0] = 0;
        lk_put_u32((unsigned char *)buf + n - 4, lk_crc32(0, buf, n - 4));
        lk_test_write_file(path, buf, n);
        assert_int_equal(lk_tagger_load(path, &m2, &err), LK_ERR_FORMAT);
        assert_null(m2);
        at[0] = saved[0];
        at[1] = saved[1];
    }
    lk_put_u32((unsigned char *)buf + n - 4, lk_crc32(0, buf, n - 4));
    lk_test_write_file(path, buf, n);
    assert_int_equal(lk_tagger_load(path, &m2, &err), LK_OK); /* restored: loads again */
    assert_int_equal(lk_tagger_lexicon_size(m2), 6);
    lk_tagger_free(m2);
    lk_tagger_free(m);
    m = NULL;
    assert_true(n > 200);
    buf[n - 4 - 3] ^= 0x40;
    lk_test_write_file(path, buf, n);
    assert_int_equal(lk_tagger_load(path, &m, &err), LK_ERR_FORMAT);
    free(buf);
    /* a lexicon with invalid UTF-8: file:line:col */
    lk_test_tmp_path(path, sizeof path, "badlex.txt");
    lk_test_write_file(path, "苹果 n\n北\xff京\n", strlen("苹果 n\n北\xff京\n"));
    lk_tagged_corpus tr = load("data/tag_zh_train.conllu");
    lk_tagger_config c = small_config();
    c.unit = LK_TAGGER_CHAR;
    assert_int_equal(lk_tagger_create_lex(&c, &tr, NULL, path, 3, &m, &err), LK_ERR_PARSE);
    assert_non_null(strstr(err.msg, "badlex.txt:2:2: "));
    assert_null(m);
    lk_tagged_corpus_free(&tr);
}

/* Files written by the previous format (LKTG v1: no char_feats field, char models with one
   feature bag) still load and tag as before. */
static void test_v1_file_loads(void **state)
{
    (void)state;
    char path[512], old[512];
    lk_error err;
    lk_test_tmp_path(path, sizeof path, "v2.lkt");
    lk_test_tmp_path(old, sizeof old, "v1.lkt");
    lk_tagged_corpus tr = load("data/tag_zh_train.conllu");
    lk_tagger_config c = small_config();
    c.unit = LK_TAGGER_CHAR;
    c.char_feats = 0; /* the v1 features */
    lk_tagger *m = NULL, *m1 = NULL;
    assert_int_equal(lk_tagger_create(&c, &tr, NULL, 3, &m, &err), LK_OK);
    assert_int_equal(lk_tagger_save(m, path, &err), LK_OK);
    char *buf;
    size_t n;
    read_all(path, &buf, &n);
    /* v1 = the v2 bytes without the 10th header word (envelope 20 bytes + 9 x u32) */
    enum { ENV = 20, AT = ENV + 9 * 4 };
    assert_int_equal(lk_get_u32((unsigned char *)buf + AT), 0);
    memmove(buf + AT, buf + AT + 4, n - AT - 4);
    n -= 4;
    lk_put_u32((unsigned char *)buf + 4, 1);
    lk_put_u64((unsigned char *)buf + 12, n - ENV - 4);
    lk_put_u32((unsigned char *)buf + n - 4, lk_crc32(0, buf, n - 4));
    lk_test_write_file(old, buf, n);
    free(buf);
    assert_int_equal(lk_tagger_load(old, &m1, &err), LK_OK);
    assert_int_equal(lk_tagger_get_config(m1)->char_feats, 0);
    assert_int_equal(lk_tagger_n_params(m1), lk_tagger_n_params(m));
    char *d0 = NULL, *d1 = NULL;
    const char *text = "该路临近静安寺。";
    assert_int_equal(lk_tagger_char_features(m, text, strlen(text), &d0), LK_OK);
    assert_int_equal(lk_tagger_char_features(m1, text, strlen(text), &d1), LK_OK);
    assert_string_equal(d0, d1);
    assert_non_null(strstr(d1, "t:h")); /* the v1 class feature */
    free(d0);
    free(d1);
    lk_tagger_free(m);
    lk_tagger_free(m1);
    lk_tagged_corpus_free(&tr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_check),
        cmocka_unit_test(test_empty_training_set),
        cmocka_unit_test(test_char_labels),
        cmocka_unit_test(test_gradcheck_lstm_softmax),
        cmocka_unit_test(test_gradcheck_gru_crf),
        cmocka_unit_test(test_train_fits_tiny_corpus),
        cmocka_unit_test(test_save_load_round_trip),
        cmocka_unit_test(test_compact_round_trip),
        cmocka_unit_test(test_train_info_round_trip),
        cmocka_unit_test(test_corrupt_files),
        cmocka_unit_test(test_unknown_tag_counts_as_error),
        cmocka_unit_test(test_long_sentence),
        cmocka_unit_test(test_divergence_rule),
        cmocka_unit_test(test_divergence_stops_training),
        cmocka_unit_test(test_segment_raw_lines),
        cmocka_unit_test(test_char_features_category_nfkc),
        cmocka_unit_test(test_char_features_lexicon),
        cmocka_unit_test(test_v1_file_loads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
