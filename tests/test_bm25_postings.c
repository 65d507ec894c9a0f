/* test_bm25_postings.c: the postings codec: varints, the exact bytes of a bit-packed block,
   encode/decode round trips over block boundaries (widths 0 to 32), advance (in place) mixed
   with next (decoded), last blocks read in place given slack after the list, block bounds,
   the (tf, dl) frontier, and corrupt bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "features/search/postings.h"
#include "models/rng.h"

static void test_varint(void **state)
{
    (void)state;
    unsigned char buf[10];
    static const uint64_t vals[] = {0, 1, 127, 128, 300, 16383, 16384, UINT32_MAX, UINT64_MAX};
    for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
        size_t n = lk_varint_put(buf, vals[i]);
        uint64_t v = 0;
        assert_int_equal(lk_varint_get(buf, buf + n, &v), n);
        assert_true(v == vals[i]);
        assert_int_equal(lk_varint_get(buf, buf + n - 1, &v), 0); /* truncated */
    }
    assert_int_equal(lk_varint_put(buf, 300), 2);
    assert_int_equal(buf[0], 0xAC);
    assert_int_equal(buf[1], 0x02);
}

#define N 1000
#define N_DOCS 5000

static void make_list(uint32_t *docs, uint32_t *tfs, uint32_t *dls, uint64_t seed)
{
    lk_rng r;
    lk_rng_seed(&r, seed);
    uint32_t d = 0;
    for (int i = 0; i < N; i++) {
        d += 1 + (uint32_t)lk_rng_below(&r, 9);
        docs[i] = d - 1;
        tfs[i] = 1 + (uint32_t)lk_rng_below(&r, i % 50 == 0 ? 300 : 4);
    }
    for (int i = 0; i < N_DOCS; i++) dls[i] = 1 + (uint32_t)lk_rng_below(&r, 500);
}

static void test_roundtrip_advance(void **state)
{
    (void)state;
    uint32_t *docs = malloc(N * 4), *tfs = malloc(N * 4), *dls = malloc(N_DOCS * 4);
    make_list(docs, tfs, dls, 5);
    lk_bytes out = {0};
    assert_int_equal(lk_postings_encode(docs, tfs, N, dls, &out), LK_OK);
    lk_postings_cursor c;
    assert_true(lk_postings_cursor_init(&c, out.data, out.len, N, N_DOCS));
    for (int i = 0; i < N; i++) {
        assert_int_equal(c.doc, docs[i]);
        assert_int_equal(c.tf, tfs[i]);
        lk_postings_next(&c);
    }
    assert_int_equal(c.doc, LK_DOC_END);
    assert_false(c.bad);
    /* advance to targets (present or not), across blocks; block bounds hold */
    assert_true(lk_postings_cursor_init(&c, out.data, out.len, N, N_DOCS));
    int j = 0;
    for (uint32_t t = 0; t < docs[N - 1] + 5; t += 37) {
        uint32_t btf, bdl, blast;
        bool have = lk_postings_block_at(&c, t, &btf, &bdl, &blast);
        lk_postings_advance(&c, t);
        while (j < N && docs[j] < t) j++;
        if (j == N) {
            assert_int_equal(c.doc, LK_DOC_END);
            assert_false(have);
            continue;
        }
        assert_int_equal(c.doc, docs[j]);
        assert_int_equal(c.tf, tfs[j]);
        assert_true(have && blast >= c.doc && btf >= c.tf && bdl <= dls[c.doc]);
    }
    /* the frontier: every posting is dominated by a frontier pair */
    lk_tf_dl f[LK_POSTINGS_MAX_FRONTIER];
    size_t nf;
    assert_true(lk_postings_frontier(out.data, out.len, f, &nf));
    assert_true(nf >= 1 && nf <= LK_POSTINGS_MAX_FRONTIER);
    for (int i = 0; i < N; i++) {
        bool dom = false;
        for (size_t k = 0; k < nf; k++) dom |= f[k].tf >= tfs[i] && f[k].dl <= dls[docs[i]];
        assert_true(dom);
    }
    lk_bytes_free(&out);
    free(docs);
    free(tfs);
    free(dls);
}

/* docs {3, 5, 6}, tfs {1, 2, 1}: one block, doc offsets from base 0 in 3 bits (3, 5, 6 ->
   bits 011 101 110 LSB first: 0xAB 0x01), tf - 1 in 1 bit (0, 1, 0 -> 0x02). */
static void test_block_bytes(void **state)
{
    (void)state;
    const uint32_t docs[] = {3, 5, 6}, tfs[] = {1, 2, 1}, dls[] = {9, 9, 9, 4, 9, 7, 2};
    lk_bytes out = {0};
    assert_int_equal(lk_postings_encode(docs, tfs, 3, dls, &out), LK_OK);
    /* frontier: (1, 2) and (2, 7) -> 2, 1, 2, 2, 7 */
    static const unsigned char want_front[] = {2, 1, 2, 2, 7};
    assert_true(out.len == sizeof want_front + LK_POSTINGS_SKIP_ENTRY + 5);
    assert_memory_equal(out.data, want_front, sizeof want_front);
    const unsigned char *skip = out.data + sizeof want_front;
    static const unsigned char want_skip[] = {6, 0, 0, 0, 5, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0};
    assert_memory_equal(skip, want_skip, sizeof want_skip);
    static const unsigned char want_block[] = {3, 1, 0xAB, 0x01, 0x02};
    assert_memory_equal(skip + LK_POSTINGS_SKIP_ENTRY, want_block, sizeof want_block);
    lk_postings_cursor c;
    assert_true(lk_postings_cursor_init(&c, out.data, out.len, 3, 7));
    for (int i = 0; i < 3; i++, lk_postings_next(&c)) {
        assert_int_equal(c.doc, docs[i]);
        assert_int_equal(c.tf, tfs[i]);
    }
    assert_int_equal(c.doc, LK_DOC_END);
    assert_false(c.bad);
    lk_bytes_free(&out);
}

/* Lists with tfs of every width (tf - 1 in 0 to 32 bits) and doc offsets of widths 0 to 22,
   read with a random mix of next and advance (which reads blocks in place), compared with
   the source arrays. */
static void test_widths_mixed(void **state)
{
    (void)state;
    enum { M = 700 };
    uint32_t *docs = malloc(M * 4), *tfs = malloc(M * 4);
    lk_rng r;
    lk_rng_seed(&r, 11);
    for (unsigned w = 0; w <= 32; w++) {
        unsigned wdoc = w < 22 ? w : 22;
        size_t n = w == 0 ? 1 : M; /* width 0: a single posting at the base */
        uint64_t span = wdoc ? ((uint64_t)1 << (wdoc - 1)) / LK_POSTINGS_BLOCK : 0;
        uint32_t d = 0;
        for (size_t i = 0; i < n; i++) {
            d += 1 + (uint32_t)(span ? lk_rng_below(&r, span + 1) : 0);
            docs[i] = d - 1;
            uint64_t tf1 = w == 0 ? 0 : lk_rng_below(&r, (uint64_t)1 << w);
            if (i % 97 == 5) tf1 = w == 0 ? 0 : ((uint64_t)1 << w) - 1; /* the widest value */
            tfs[i] = (uint32_t)(tf1 + 1 == (uint64_t)1 << 32 ? tf1 : tf1 + 1);
        }
        uint32_t n_docs = docs[n - 1] + 1;
        uint32_t *dls = calloc(n_docs, 4);
        assert_non_null(dls);
        lk_bytes out = {0};
        assert_int_equal(lk_postings_encode(docs, tfs, n, dls, &out), LK_OK);
        free(dls);
        /* the list followed by 8 more readable bytes (as in an index): with that slack, odd
           rounds read even the last block in place */
        unsigned char *padded = malloc(out.len + 8);
        assert_non_null(padded);
        memcpy(padded, out.data, out.len);
        memset(padded + out.len, 0xFF, 8);
        lk_tf_dl want[LK_POSTINGS_MAX_FRONTIER], got[LK_POSTINGS_MAX_FRONTIER];
        size_t n_want = 0, n_got = 0;
        assert_true(lk_postings_frontier(out.data, out.len, want, &n_want));
        for (int round = 0; round < 20; round++) {
            lk_postings_cursor c;
            if (round % 2) {
                assert_true(lk_postings_cursor_init_frontier(&c, padded, out.len, 8, (uint32_t)n,
                                                             n_docs, got, &n_got));
                assert_int_equal(c.ndec_, 0); /* in place, not decoded */
                assert_int_equal(n_got, n_want);
                assert_memory_equal(got, want, n_want * sizeof *want);
            } else {
                assert_true(lk_postings_cursor_init(&c, out.data, out.len, (uint32_t)n, n_docs));
            }
            size_t j = 0;
            while (j < n) {
                assert_int_equal(c.doc, docs[j]);
                assert_int_equal(c.tf, tfs[j]);
                if (lk_rng_below(&r, 3) == 0) {
                    lk_postings_next(&c);
                    j++;
                } else {
                    size_t to = j + lk_rng_below(&r, 300);
                    uint32_t t = to < n ? docs[to] - (uint32_t)lk_rng_below(&r, 2) : n_docs;
                    lk_postings_advance(&c, t);
                    while (j < n && docs[j] < t) j++;
                }
            }
            assert_int_equal(c.doc, LK_DOC_END);
            assert_false(c.bad);
        }
        free(padded);
        lk_bytes_free(&out);
    }
    free(docs);
    free(tfs);
}

static void test_corrupt_bytes(void **state)
{
    (void)state;
    uint32_t *docs = malloc(N * 4), *tfs = malloc(N * 4), *dls = malloc(N_DOCS * 4);
    make_list(docs, tfs, dls, 9);
    lk_bytes out = {0};
    assert_int_equal(lk_postings_encode(docs, tfs, N, dls, &out), LK_OK);
    int bad = 0;
    for (size_t at = 0; at < out.len; at += 3) {
        out.data[at] ^= 0xFF;
        lk_postings_cursor c;
        size_t n = 0;
        if (lk_postings_cursor_init(&c, out.data, out.len, N, N_DOCS))
            for (; c.doc != LK_DOC_END && n <= N; lk_postings_next(&c)) n++;
        bad += c.bad;
        assert_true(n <= N); /* never runs past the data */
        /* the same with advance (blocks read in place, then decoded by next) */
        uint32_t prev = 0;
        if (lk_postings_cursor_init(&c, out.data, out.len, N, N_DOCS))
            for (uint32_t t = 1; c.doc != LK_DOC_END; t += 23) {
                lk_postings_advance(&c, t);
                lk_postings_next(&c);
                assert_true(c.doc == LK_DOC_END || (c.doc < N_DOCS && c.doc > prev));
                prev = c.doc;
                if (t < c.doc) t = c.doc;
            }
        out.data[at] ^= 0xFF;
    }
    assert_true(bad > 0);
    lk_postings_cursor c; /* a list cut short */
    assert_false(lk_postings_cursor_init(&c, out.data, 3, N, N_DOCS) && !c.bad);
    lk_bytes_free(&out);
    free(docs);
    free(tfs);
    free(dls);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_varint),
        cmocka_unit_test(test_block_bytes),
        cmocka_unit_test(test_widths_mixed),
        cmocka_unit_test(test_roundtrip_advance),
        cmocka_unit_test(test_corrupt_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
