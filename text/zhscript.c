/* zhscript.c: OpenCC t2s with a per-character fallback, and script detection. The tables
   cover the BMP Han blocks (Ext. A, URO, compatibility ideographs); they are built at
   creation by converting every character of those blocks once with t2s and with s2t. */
#include "text/zhscript.h"

#include <opencc/opencc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/fileio.h"
#include "text/utf8.h"

#define TAB_LO 0x3400
#define TAB_HI 0xFAFF /* inclusive; the blocks in between (Yi, Hangul...) map to themselves */
#define TAB_N (TAB_HI - TAB_LO + 1)

struct lk_t2s {
    opencc_t t2s;
    int32_t *simp;     /* (TAB_N) t2s of each character alone, itself if unchanged or not 1:1 */
    uint8_t *changes;  /* (TAB_N) bit 0: t2s changes it, bit 1: s2t changes it */
};

static const char *const names[] = {"auto", "simplified", "traditional"};

bool lk_zh_script_parse(const char *name, lk_zh_script *out)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (lk_zh_script)i;
            return true;
        }
    return false;
}

const char *lk_zh_script_name(lk_zh_script s)
{
    return (unsigned)s < 3 ? names[s] : "?";
}

static bool in_table(int32_t cp) { return cp >= TAB_LO && cp <= TAB_HI; }

/* Convert every table character (one per line) with `o`; call back per character with the
   result when it is a single code point. */
static lk_status table_pass(opencc_t o, lk_t2s *c, int bit)
{
    char *in = malloc((size_t)TAB_N * 4 + 1);
    if (!in) return LK_ERR_NOMEM;
    size_t n = 0;
    for (int32_t cp = TAB_LO; cp <= TAB_HI; cp++) {
        n += lk_utf8_encode(cp, in + n);
        in[n++] = '\n';
    }
    in[n] = '\0';
    char *outs = opencc_convert_utf8(o, in, n);
    free(in);
    if (!outs) return LK_ERR_IO;
    const char *p = outs;
    for (int32_t cp = TAB_LO; cp <= TAB_HI && *p; cp++) {
        const char *nl = strchr(p, '\n');
        size_t l = nl ? (size_t)(nl - p) : strlen(p);
        int32_t to;
        size_t k = lk_utf8_decode(p, l, &to);
        if (k > 0 && k == l && to != cp) {
            c->changes[cp - TAB_LO] |= (uint8_t)(1u << bit);
            if (bit == 0) c->simp[cp - TAB_LO] = to;
        }
        p = nl ? nl + 1 : p + l;
    }
    opencc_convert_utf8_free(outs);
    return LK_OK;
}

static lk_status create(lk_t2s **out, bool detect, lk_error *err)
{
    *out = NULL;
    lk_t2s *c = calloc(1, sizeof *c);
    if (!c) return lk_error_set(err, LK_ERR_NOMEM, "out of memory");
    c->t2s = (opencc_t)-1;
    opencc_t s2t = (opencc_t)-1;
    lk_status st = LK_OK;
    c->simp = malloc((size_t)TAB_N * sizeof *c->simp);
    c->changes = calloc((size_t)TAB_N, 1);
    if (!c->simp || !c->changes) {
        st = lk_error_set(err, LK_ERR_NOMEM, "out of memory");
        goto fail;
    }
    for (int32_t i = 0; i < TAB_N; i++) c->simp[i] = TAB_LO + i;
    c->t2s = opencc_open("t2s.json");
    if (c->t2s != (opencc_t)-1 && detect) s2t = opencc_open("s2t.json");
    if (c->t2s == (opencc_t)-1 || (detect && s2t == (opencc_t)-1)) {
        st = lk_error_set(err, LK_ERR_IO, "OpenCC: cannot open %s (is the opencc data package "
                          "installed?)", c->t2s == (opencc_t)-1 ? "t2s.json" : "s2t.json");
        goto fail;
    }
    if ((st = table_pass(c->t2s, c, 0)) == LK_OK && detect) st = table_pass(s2t, c, 1);
    if (st != LK_OK) {
        lk_error_set(err, st, "OpenCC: building the character tables failed");
        goto fail;
    }
    if (s2t != (opencc_t)-1) opencc_close(s2t);
    *out = c;
    return LK_OK;
fail:
    if (s2t != (opencc_t)-1) opencc_close(s2t);
    lk_t2s_free(c);
    return st;
}

lk_status lk_t2s_create(lk_t2s **out, lk_error *err) { return create(out, true, err); }

lk_status lk_t2s_create_map_only(lk_t2s **out, lk_error *err) { return create(out, false, err); }

void lk_t2s_free(lk_t2s *c)
{
    if (!c) return;
    if (c->t2s != (opencc_t)-1) opencc_close(c->t2s);
    free(c->simp);
    free(c->changes);
    free(c);
}

int32_t lk_t2s_char(const lk_t2s *c, int32_t cp)
{
    return in_table(cp) ? c->simp[cp - TAB_LO] : cp;
}

size_t lk_t2s_map_chars(const lk_t2s *c, const char *s, size_t len, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        int32_t cp;
        size_t k = lk_utf8_decode(s + i, len - i, &cp);
        if (k == 0) { /* not valid UTF-8: the byte as it is */
            out[o++] = s[i++];
            continue;
        }
        o += lk_utf8_encode(lk_t2s_char(c, cp), out + o);
        i += k;
    }
    return o;
}

bool lk_t2s_is_traditional(const lk_t2s *c, const char *s, size_t len)
{
    size_t trad, simp;
    lk_t2s_count(c, s, len, &trad, &simp);
    return trad > simp;
}

void lk_t2s_count(const lk_t2s *c, const char *s, size_t len, size_t *trad_out, size_t *simp_out)
{
    size_t trad = 0, simp = 0;
    for (size_t i = 0; i < len;) {
        int32_t cp;
        size_t k = lk_utf8_decode(s + i, len - i, &cp);
        i += k ? k : 1;
        if (!k || !in_table(cp)) continue;
        uint8_t ch = c->changes[cp - TAB_LO];
        trad += ch == 1u;
        simp += ch == 2u;
    }
    *trad_out = trad;
    *simp_out = simp;
}

lk_status lk_t2s_convert(const lk_t2s *c, const char *s, size_t len, char **buf, size_t *cap,
                         size_t *out_len)
{
    lk_status st;
    char *conv = NULL;
    if (len > 0 && !memchr(s, '\0', len)) conv = opencc_convert_utf8(c->t2s, s, len);
    size_t cl = conv ? strlen(conv) : 0;
    if (conv && lk_utf8_count(conv, cl) == lk_utf8_count(s, len)) {
        st = lk_grow((void **)buf, cap, cl + 1, 1);
        if (st == LK_OK) {
            memcpy(*buf, conv, cl + 1);
            *out_len = cl;
        }
        opencc_convert_utf8_free(conv);
        return st;
    }
    if (conv) opencc_convert_utf8_free(conv);
    if ((st = lk_grow((void **)buf, cap, len * 2 + 1, 1)) != LK_OK) return st; /* 3 -> <= 4 */
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        int32_t cp;
        size_t k = lk_utf8_decode(s + i, len - i, &cp);
        if (k == 0 || !in_table(cp) || c->simp[cp - TAB_LO] == cp) {
            k = k ? k : 1;
            memcpy(*buf + o, s + i, k);
            o += k;
        } else {
            o += lk_utf8_encode(c->simp[cp - TAB_LO], *buf + o);
        }
        i += k;
    }
    (*buf)[o] = '\0';
    *out_len = o;
    return LK_OK;
}
