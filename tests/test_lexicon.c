/* test_lexicon.c: the tagger's compact word-list table: flags, tags, prefix entries that
   become words, insertion order, growth past many rehashes, key limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "models/lexicon.h"

static void test_flags_tags_and_order(void **state)
{
    (void)state;
    lk_lexicon *x = NULL;
    int was = -1;
    uint8_t tag = 99;
    assert_int_equal(lk_lexicon_create(&x), LK_OK);
    /* 长江大桥 (tag 3) with its prefix 长江大; then 长江 as a word; 长江大 becomes a word */
    assert_int_equal(lk_lexicon_add(x, "长江大桥", 12, LK_LEXICON_WORD, 3, &was), LK_OK);
    assert_int_equal(was, 0);
    assert_int_equal(lk_lexicon_add(x, "长江大", 9, LK_LEXICON_PREFIX, 0, NULL), LK_OK);
    assert_int_equal(lk_lexicon_add(x, "长江", 6, LK_LEXICON_PREFIX, 0, NULL), LK_OK);
    assert_int_equal(lk_lexicon_add(x, "长江", 6, LK_LEXICON_WORD, 5, &was), LK_OK);
    assert_int_equal(was, 0); /* a prefix entry becoming a word takes the word's tag */
    assert_int_equal(lk_lexicon_find(x, "长江", 6, &tag), LK_LEXICON_WORD | LK_LEXICON_PREFIX);
    assert_int_equal(tag, 5);
    assert_int_equal(lk_lexicon_add(x, "长江", 6, LK_LEXICON_WORD, 7, &was), LK_OK);
    assert_int_equal(was, 1); /* a word keeps its first tag */
    assert_int_equal(lk_lexicon_find(x, "长江", 6, &tag), LK_LEXICON_WORD | LK_LEXICON_PREFIX);
    assert_int_equal(tag, 5);
    assert_int_equal(lk_lexicon_find(x, "长江大", 9, &tag), LK_LEXICON_PREFIX);
    assert_int_equal(tag, 0);
    assert_int_equal(lk_lexicon_find(x, "长江大桥", 12, &tag), LK_LEXICON_WORD);
    assert_int_equal(tag, 3);
    assert_int_equal(lk_lexicon_find(x, "大桥", 6, &tag), 0u);
    assert_int_equal(lk_lexicon_find(x, "长", 3, &tag), 0u);
    /* insertion order */
    const char *want[] = {"长江大桥", "长江大", "长江"};
    size_t pos = 0, kl, i = 0;
    const char *k;
    while (lk_lexicon_next(x, &pos, &k, &kl, &tag) != 0) {
        assert_true(i < 3);
        assert_int_equal(kl, strlen(want[i]));
        assert_memory_equal(k, want[i], kl);
        i++;
    }
    assert_int_equal(i, 3);
    lk_lexicon_free(x);
    lk_lexicon_free(NULL);
}

static void test_growth_and_limits(void **state)
{
    (void)state;
    lk_lexicon *x = NULL;
    char key[32];
    assert_int_equal(lk_lexicon_create(&x), LK_OK);
    assert_int_equal(lk_lexicon_reserve(x, 100, 1000), LK_OK);
    for (int i = 0; i < 50000; i++) { /* many rehashes past the reservation */
        int n = snprintf(key, sizeof key, "w%d", i);
        assert_int_equal(lk_lexicon_add(x, key, (size_t)n, LK_LEXICON_WORD, (uint8_t)(i % 200),
                                        NULL),
                         LK_OK);
    }
    for (int i = 0; i < 50000; i += 7) {
        int n = snprintf(key, sizeof key, "w%d", i);
        uint8_t tag = 0;
        assert_int_equal(lk_lexicon_find(x, key, (size_t)n, &tag), LK_LEXICON_WORD);
        assert_int_equal(tag, i % 200);
    }
    assert_int_equal(lk_lexicon_find(x, "w50000", 6, NULL), 0u);
    char big[300];
    memset(big, 'a', sizeof big);
    assert_int_equal(lk_lexicon_add(x, big, 256, LK_LEXICON_WORD, 0, NULL), LK_ERR_RANGE);
    assert_int_equal(lk_lexicon_find(x, big, 256, NULL), 0u);
    assert_true(lk_lexicon_bytes(x) > 50000 * 8);
    lk_lexicon_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flags_tags_and_order),
        cmocka_unit_test(test_growth_and_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
