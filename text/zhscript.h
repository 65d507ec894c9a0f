/* zhscript.h: traditional -> simplified Chinese conversion (OpenCC t2s) that keeps every
   character in place: the output has exactly as many code points as the input, so that
   character i of the output stands for character i of the input. Also detection of
   traditional-script text. The only user of OpenCC. A converter is read-only once created:
   threads may share it. */
#ifndef LK_TEXT_ZHSCRIPT_H
#define LK_TEXT_ZHSCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "text/error.h"

typedef enum {
    LK_ZH_SCRIPT_AUTO = 0,    /* detect per line (lk_t2s_is_traditional) */
    LK_ZH_SCRIPT_SIMPLIFIED,  /* no conversion */
    LK_ZH_SCRIPT_TRADITIONAL, /* always convert */
} lk_zh_script;

/* "auto" | "simplified" | "traditional"; false if unknown. */
bool lk_zh_script_parse(const char *name, lk_zh_script *out);
const char *lk_zh_script_name(lk_zh_script s);

typedef struct lk_t2s lk_t2s;

/* Open OpenCC's t2s and s2t configurations (from OpenCC's data directory) and build the
   per-character tables; LK_ERR_IO naming the configuration if OpenCC cannot open it. */
lk_status lk_t2s_create(lk_t2s **out, lk_error *err);
/* Only t2s, for mapping (lk_t2s_char, lk_t2s_convert) in about half the time of
   lk_t2s_create; detection (lk_t2s_is_traditional, lk_t2s_count) needs lk_t2s_create. */
lk_status lk_t2s_create_map_only(lk_t2s **out, lk_error *err);
void lk_t2s_free(lk_t2s *c); /* NULL is a no-op */

/* Detection: the text is traditional when more of its characters are changed by t2s than
   by s2t, each character converted alone (長 橋 們 count for traditional; 长 桥 们 for
   simplified; a character both change, or neither, counts for neither). */
bool lk_t2s_is_traditional(const lk_t2s *c, const char *s, size_t len);

/* Characters of valid UTF-8 s[0..len) changed by t2s only (*trad) and by s2t only (*simp),
   each taken alone: lk_t2s_is_traditional is *trad > *simp. */
void lk_t2s_count(const lk_t2s *c, const char *s, size_t len, size_t *trad, size_t *simp);

/* t2s of code point cp taken alone (cp itself when unchanged or not one code point). */
int32_t lk_t2s_char(const lk_t2s *c, int32_t cp);
/* Valid UTF-8 s[0..len) with each code point mapped alone (lk_t2s_char) into out, which
   must hold 2 * len bytes (a mapped character is at most 4 bytes, any character at least
   2 bytes when it maps, and ASCII never maps); returns the bytes written. */
size_t lk_t2s_map_chars(const lk_t2s *c, const char *s, size_t len, char *out);

/* Convert valid UTF-8 s[0..len) to simplified into *buf (grown as needed, capacity *cap;
   free with free()); *out_len = bytes written. OpenCC's phrase conversion is used when it
   keeps the number of code points; otherwise each character is converted alone (a
   character that would not map to exactly one is kept). LK_ERR_NOMEM. A converter may be
   used by several threads at once (OpenCC's converters are thread-safe). */
lk_status lk_t2s_convert(const lk_t2s *c, const char *s, size_t len, char **buf, size_t *cap,
                         size_t *out_len);

#endif
