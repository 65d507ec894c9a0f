/* test_segment.c: B/M/E/S labels, constrained Viterbi, repair and span F1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "models/segment.h"

/* Label set for the tests: tags 0 = N, 1 = V; label id = pos * 2 + tag. */
#define N_LABELS 8
static const int32_t LPOS[N_LABELS] = {0, 0, 1, 1, 2, 2, 3, 3};
static const int32_t LTAG[N_LABELS] = {0, 1, 0, 1, 0, 1, 0, 1};
#define LBL(pos, tag) ((pos) * 2 + (tag))

static void test_label_round_trip(void **state)
{
    (void)state;
    char buf[LK_SEG_LABEL_MAX];
    size_t n = 0;
    assert_int_equal(lk_seg_label(LK_SEG_E, "NOUN", 4, buf, sizeof buf, &n), LK_OK);
    assert_string_equal(buf, "E-NOUN");
    assert_int_equal(n, 6);
    lk_seg_pos pos;
    const char *tag;
    size_t tl;
    assert_int_equal(lk_seg_label_parse(buf, n, &pos, &tag, &tl), LK_OK);
    assert_int_equal(pos, LK_SEG_E);
    assert_int_equal(tl, 4);
    assert_memory_equal(tag, "NOUN", 4);
    assert_int_equal(lk_seg_label_parse("X-NOUN", 6, &pos, &tag, &tl), LK_ERR_ARG);
    assert_int_equal(lk_seg_label_parse("B", 1, &pos, &tag, &tl), LK_ERR_ARG);
    assert_int_equal(lk_seg_label(LK_SEG_B, "NOUN", 4, buf, 6, &n), LK_ERR_RANGE);
}

static void test_pos_in_word(void **state)
{
    (void)state;
    assert_int_equal(lk_seg_pos_in_word(0, 1), LK_SEG_S);
    assert_int_equal(lk_seg_pos_in_word(0, 3), LK_SEG_B);
    assert_int_equal(lk_seg_pos_in_word(1, 3), LK_SEG_M);
    assert_int_equal(lk_seg_pos_in_word(2, 3), LK_SEG_E);
}

static void test_char_offsets(void **state)
{
    (void)state;
    const char *s = "我a吃"; /* 3 + 1 + 3 bytes */
    size_t offs[8];
    assert_int_equal(lk_seg_count_chars(s, strlen(s)), 3);
    assert_int_equal(lk_seg_char_offsets(s, strlen(s), offs), 3);
    assert_int_equal(offs[0], 0);
    assert_int_equal(offs[1], 3);
    assert_int_equal(offs[2], 4);
    assert_int_equal(offs[3], 7);
}

static void test_decode_repairs(void **state)
{
    (void)state;
    /* B-N B-V E-V M-N S-V B-N : B-N is closed by B-V; M-N after E opens a word;
       the final open B-N becomes a one-char word. */
    const int32_t labels[6] = {LBL(0, 0), LBL(0, 1), LBL(2, 1), LBL(1, 0), LBL(3, 1), LBL(0, 0)};
    lk_seg_word w[6];
    int32_t n = 0;
    lk_seg_decode(labels, 6, LPOS, LTAG, w, &n);
    assert_int_equal(n, 5);
    assert_int_equal(w[0].start, 0); assert_int_equal(w[0].len, 1); assert_int_equal(w[0].tag, 0);
    assert_int_equal(w[1].start, 1); assert_int_equal(w[1].len, 2); assert_int_equal(w[1].tag, 1);
    assert_int_equal(w[2].start, 3); assert_int_equal(w[2].len, 1); assert_int_equal(w[2].tag, 0);
    assert_int_equal(w[3].start, 4); assert_int_equal(w[3].len, 1); assert_int_equal(w[3].tag, 1);
    assert_int_equal(w[4].start, 5); assert_int_equal(w[4].len, 1); assert_int_equal(w[4].tag, 0);
}

static void test_viterbi_constrained(void **state)
{
    (void)state;
    /* Per-char argmax would be M-N, B-V, E-N (invalid). The best valid sequence:
       t0 must start a word (B or S), B-V must be followed by M-V/E-V. */
    float scores[3 * N_LABELS];
    for (int i = 0; i < 3 * N_LABELS; i++) scores[i] = -5.0f;
    scores[0 * N_LABELS + LBL(1, 0)] = 0.0f;  /* M-N */
    scores[0 * N_LABELS + LBL(0, 0)] = -1.0f; /* B-N */
    scores[1 * N_LABELS + LBL(0, 1)] = 0.0f;  /* B-V */
    scores[1 * N_LABELS + LBL(1, 0)] = -0.5f; /* M-N */
    scores[2 * N_LABELS + LBL(2, 0)] = 0.0f;  /* E-N */
    scores[2 * N_LABELS + LBL(2, 1)] = -4.0f; /* E-V */
    unsigned char work[1024];
    assert_true(lk_seg_viterbi_work_size(3, N_LABELS) <= sizeof work);
    int32_t out[3];
    assert_int_equal(lk_seg_viterbi(scores, 3, N_LABELS, LPOS, LTAG, NULL, NULL, work, out),
                     LK_OK);
    /* B-N M-N E-N scores -1 - 0.5 + 0 = -1.5; any path through B-V costs more. */
    assert_int_equal(out[0], LBL(0, 0));
    assert_int_equal(out[1], LBL(1, 0));
    assert_int_equal(out[2], LBL(2, 0));

    /* A forced break before char 1: t0 must be S-N or S-V (-5); then B-V (0) E-V (-4)
       = -9 beats B-N (-5) E-N (0) = -10 and any S at t1 (-5 - 5 - 5). */
    bool brk[3] = {false, true, false};
    assert_int_equal(lk_seg_viterbi(scores, 3, N_LABELS, LPOS, LTAG, NULL, brk, work, out), LK_OK);
    assert_int_equal(LPOS[out[0]], LK_SEG_S);
    assert_int_equal(out[1], LBL(0, 1));
    assert_int_equal(out[2], LBL(2, 1));
}

/* Scores where every character prefers S-N (0) and the rest cost -1 (B/M/E any tag) or
   -3 (S-V); the unconstrained best is S-N S-N S-N S-N. */
static void fill_s_n(float *scores, int32_t T)
{
    for (int32_t t = 0; t < T; t++)
        for (int32_t l = 0; l < N_LABELS; l++)
            scores[t * N_LABELS + l] = l == LBL(3, 0) ? 0.0f : l == LBL(3, 1) ? -3.0f : -1.0f;
}

static void test_viterbi_join_and_tags(void **state)
{
    (void)state;
    float scores[4 * N_LABELS];
    unsigned char work[2048];
    int32_t out[4];
    fill_s_n(scores, 4);
    assert_true(lk_seg_viterbi_work_size(4, N_LABELS) <= sizeof work);
    assert_int_equal(lk_seg_viterbi_cons(scores, 4, N_LABELS, LPOS, LTAG, NULL, NULL, work, out),
                     LK_OK);
    for (int t = 0; t < 4; t++) assert_int_equal(out[t], LBL(3, 0));
    /* JOIN at 1 and 2: chars 0..2 are one word (B M E, -3 whichever tag), then S-N. */
    const uint8_t join[4] = {0, LK_SEG_C_JOIN, LK_SEG_C_JOIN, 0};
    lk_seg_cons c = {join, NULL};
    assert_int_equal(lk_seg_viterbi_cons(scores, 4, N_LABELS, LPOS, LTAG, NULL, &c, work, out),
                     LK_OK);
    assert_int_equal(LPOS[out[0]], LK_SEG_B);
    assert_int_equal(LPOS[out[1]], LK_SEG_M);
    assert_int_equal(LPOS[out[2]], LK_SEG_E);
    assert_int_equal(LTAG[out[0]], LTAG[out[2]]);
    assert_int_equal(out[3], LBL(3, 0));
    /* char 3 may only be V: without a START there it extends the word (B-V M-V M-V E-V,
       -4, beats B M E + S-V, -6); with a START it is S-V */
    const uint64_t tags[4] = {0, 0, 0, 1u << 1};
    c.tags = tags;
    assert_int_equal(lk_seg_viterbi_cons(scores, 4, N_LABELS, LPOS, LTAG, NULL, &c, work, out),
                     LK_OK);
    assert_int_equal(out[0], LBL(0, 1));
    assert_int_equal(out[3], LBL(2, 1));
    const uint8_t join_start[4] = {0, LK_SEG_C_JOIN, LK_SEG_C_JOIN, LK_SEG_C_START};
    c.flags = join_start;
    assert_int_equal(lk_seg_viterbi_cons(scores, 4, N_LABELS, LPOS, LTAG, NULL, &c, work, out),
                     LK_OK);
    assert_int_equal(out[3], LBL(3, 1));
    /* forcing V on the joined word too: B-V M-V E-V */
    const uint64_t tags_v[4] = {1u << 1, 1u << 1, 1u << 1, 0};
    c.flags = join;
    c.tags = tags_v;
    assert_int_equal(lk_seg_viterbi_cons(scores, 4, N_LABELS, LPOS, LTAG, NULL, &c, work, out),
                     LK_OK);
    assert_int_equal(out[0], LBL(0, 1));
    assert_int_equal(out[1], LBL(1, 1));
    assert_int_equal(out[2], LBL(2, 1));
    assert_int_equal(out[3], LBL(3, 0));
    /* START + JOIN with a two-char word: START at 2 ends the word 0..1 */
    const uint8_t fl[4] = {0, LK_SEG_C_JOIN, LK_SEG_C_START, LK_SEG_C_JOIN};
    c.flags = fl;
    c.tags = NULL;
    assert_int_equal(lk_seg_viterbi_cons(scores, 4, N_LABELS, LPOS, LTAG, NULL, &c, work, out),
                     LK_OK);
    assert_int_equal(LPOS[out[0]], LK_SEG_B);
    assert_int_equal(LPOS[out[1]], LK_SEG_E);
    assert_int_equal(LPOS[out[2]], LK_SEG_B);
    assert_int_equal(LPOS[out[3]], LK_SEG_E);
}

static void test_viterbi_unsatisfiable_falls_back(void **state)
{
    (void)state;
    /* A label set without M labels cannot make a 3-character word: the JOIN flags are
       dropped (START kept), never an error. Labels: B-N E-N S-N S-V. */
    static const int32_t pos[4] = {0, 2, 3, 3}, tag[4] = {0, 0, 0, 1};
    float scores[3 * 4] = {-1, -1, 0, -3, -1, -1, 0, -3, -1, -1, 0, -3};
    unsigned char work[1024];
    int32_t out[3];
    const uint8_t fl[3] = {0, LK_SEG_C_JOIN, LK_SEG_C_JOIN};
    const uint64_t tags[3] = {1u << 1, 1u << 1, 1u << 1}; /* and no B-V/E-V either */
    lk_seg_cons c = {fl, tags};
    assert_int_equal(lk_seg_viterbi_cons(scores, 3, 4, pos, tag, NULL, &c, work, out), LK_OK);
    for (int t = 0; t < 3; t++) assert_int_equal(pos[out[t]], LK_SEG_S);
    /* tags are dropped first, then the JOINs: the plain best, S-N everywhere */
    assert_int_equal(out[0], 2);
}

static void test_span_f1(void **state)
{
    (void)state;
    /* gold: [0,2)N [2,3)V [3,5)N ; pred: [0,2)N [2,3)N [3,4)N [4,5)N
       seg matches: [0,2), [2,3) = 2; joint: [0,2) only = 1.
       P = 2/4, R = 2/3, F1 = 2*0.5*0.6667/(1.1667) = 0.571428...
       joint P = 1/4, R = 1/3, F1 = 2/7 = 0.285714... */
    const lk_seg_word gold[3] = {{0, 2, 0}, {2, 1, 1}, {3, 2, 0}};
    const lk_seg_word pred[4] = {{0, 2, 0}, {2, 1, 0}, {3, 1, 0}, {4, 1, 0}};
    lk_seg_counts c = {0, 0, 0, 0};
    lk_seg_count(&c, gold, 3, pred, 4);
    assert_int_equal(c.gold, 3);
    assert_int_equal(c.pred, 4);
    assert_int_equal(c.seg_match, 2);
    assert_int_equal(c.joint_match, 1);
    lk_prf s = lk_seg_prf(&c, false), j = lk_seg_prf(&c, true);
    assert_true(s.precision == 0.5);
    assert_true(fabs(s.recall - 2.0 / 3.0) < 1e-12);
    assert_true(fabs(s.f1 - 4.0 / 7.0) < 1e-12);
    assert_true(fabs(j.f1 - 2.0 / 7.0) < 1e-12);
    lk_seg_counts z = {0, 0, 0, 0};
    assert_true(lk_seg_prf(&z, true).f1 == 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_label_round_trip),   cmocka_unit_test(test_pos_in_word),
        cmocka_unit_test(test_char_offsets),       cmocka_unit_test(test_decode_repairs),
        cmocka_unit_test(test_viterbi_constrained), cmocka_unit_test(test_span_f1),
        cmocka_unit_test(test_viterbi_join_and_tags),
        cmocka_unit_test(test_viterbi_unsatisfiable_falls_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
