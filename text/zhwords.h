/* zhwords.h: built-in knowledge of Chinese words for raw-text segmentation: words that mix
   ASCII letters or digits with Han characters (T恤, X光, 卡拉OK), Chinese numerals written
   in characters (一千零六十二, 二〇二五, 一点五, 百分之二十). Constant
   tables (sources in zhwords.c); every function is thread-safe. */
#ifndef LK_TEXT_ZHWORDS_H
#define LK_TEXT_ZHWORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A built-in word and its UD tag. */
typedef struct {
    const char *word, *tag;
} lk_zh_word;

/* The built-in mixed-script words, written as one word although they mix ASCII letters with
   Han (T恤, X光, B超, 卡拉OK, C罗; from jieba's dictionary and lexkit's additions, see
   zhwords.c), tagged NOUN or PROPN: *words gets the borrowed table, the count is returned. */
size_t lk_zh_mixed_words(const lk_zh_word **words);

/* Whether cp can be part of a numeral in characters: a digit (〇 零 一..九 两 几), a unit
   (十 百 千 万 亿) or their traditional forms. */
bool lk_zh_numeral_char(int32_t cp);

/* Byte length of the Chinese numeral that starts at s[0..len), or 0 if none of two or more
   characters starts there; prev is the character before s (-1 at the start of a text or
   after a non-Han unit). A numeral is: an optional 第; then a whole run of numeral
   characters (lk_zh_numeral_char) that is well formed: digits and units in order (一千零六十二,
   三千五百万, 十五, 几十万, 六七十), or three or more digits, or two with 〇/零 (二〇二五, 一九五八);
   then optionally 点 and digits (一点五, 三点五亿; not a clock time: 三点五十分, 八点一刻), or
   分之 and a numeral (三分之一, 百分之二十), or 多/余 after a unit (一千多, 八百余). None starts
   inside a run of numeral characters, after 数 or 双 (数十万, 双十一 are words), or ends before
   世 (路易十四世; 二十一世纪 is a numeral). Words such as 一般, 万一, 千万, 一一, 十分, 三五成群,
   一点儿 are not numerals. */
size_t lk_zh_numeral_len(int32_t prev, const char *s, size_t len);

#endif
