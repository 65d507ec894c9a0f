/* segment.c: B/M/E/S labels, constrained decoding and span metrics. */
#include "models/segment.h"

#include <float.h>
#include <stdlib.h>
#include <string.h>


static const char POS_CHARS[LK_SEG_N_POS] = {'B', 'M', 'E', 'S'};

lk_status lk_seg_label(lk_seg_pos pos, const char *tag, size_t tag_len, char *out, size_t cap,
                       size_t *out_len)
{
    if ((int)pos < 0 || (int)pos >= LK_SEG_N_POS) return LK_ERR_ARG;
    if (tag_len + 3 > cap) return LK_ERR_RANGE;
    out[0] = POS_CHARS[pos];
    out[1] = '-';
    memcpy(out + 2, tag, tag_len);
    out[tag_len + 2] = '\0';
    if (out_len) *out_len = tag_len + 2;
    return LK_OK;
}

lk_status lk_seg_label_parse(const char *label, size_t len, lk_seg_pos *pos, const char **tag,
                             size_t *tag_len)
{
    if (len < 3 || label[1] != '-') return LK_ERR_ARG;
    for (int p = 0; p < LK_SEG_N_POS; p++) {
        if (label[0] == POS_CHARS[p]) {
            *pos = (lk_seg_pos)p;
            *tag = label + 2;
            *tag_len = len - 2;
            return LK_OK;
        }
    }
    return LK_ERR_ARG;
}

lk_seg_pos lk_seg_pos_in_word(int32_t i, int32_t n_chars)
{
    if (n_chars <= 1) return LK_SEG_S;
    if (i == 0) return LK_SEG_B;
    return i == n_chars - 1 ? LK_SEG_E : LK_SEG_M;
}

/* Byte length of the character at s (its lead byte and continuation bytes); a stray or
   truncated byte counts as one character. The input was validated by its reader. */
static size_t char_len_at(const char *s, size_t len)
{
    unsigned char c = (unsigned char)s[0];
    size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (n > len) return 1;
    for (size_t i = 1; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) return 1;
    return n;
}

int32_t lk_seg_count_chars(const char *s, size_t len)
{
    int32_t n = 0;
    for (size_t i = 0; i < len; n++) i += char_len_at(s + i, len - i);
    return n;
}

int32_t lk_seg_char_offsets(const char *s, size_t len, size_t *offs)
{
    int32_t n = 0;
    size_t i = 0;
    while (i < len) {
        offs[n++] = i;
        i += char_len_at(s + i, len - i);
    }
    offs[n] = len;
    return n;
}

/* May label b follow label a? (B-X -> M-X|E-X; M-X -> M-X|E-X; E|S -> B|S) */
static bool allowed(const int32_t *label_pos, const int32_t *label_tag, int32_t a, int32_t b)
{
    int32_t pa = label_pos[a], pb = label_pos[b];
    bool open = pa == LK_SEG_B || pa == LK_SEG_M;
    bool cont = pb == LK_SEG_M || pb == LK_SEG_E;
    if (open) return cont && label_tag[a] == label_tag[b];
    return !cont;
}

size_t lk_seg_viterbi_work_size(int32_t T, int32_t L)
{
    return (size_t)T * (size_t)L * sizeof(float) + (size_t)T * (size_t)L * sizeof(int32_t) +
           ((size_t)L * (size_t)L + (size_t)L) * sizeof(int32_t) +
           (size_t)L * (sizeof(float) + 2 * sizeof(int32_t));
}

/* May label l stand at character t under the constraints (flags, tags)? */
static bool label_ok(const int32_t *label_pos, const int32_t *label_tag, int32_t l,
                     uint8_t flags, uint64_t tags)
{
    bool cont = label_pos[l] == LK_SEG_M || label_pos[l] == LK_SEG_E;
    if ((flags & LK_SEG_C_START) && cont) return false;
    if ((flags & LK_SEG_C_JOIN) && !cont) return false;
    if (tags == 0) return true;
    int32_t tag = label_tag[l];
    return tag >= 0 && tag < LK_SEG_TAG_BITS && ((tags >> tag) & 1u);
}

/* The Viterbi pass; flags/tags NULL or (T). LK_ERR_ARG if no label sequence is valid. */
static lk_status viterbi(const float *scores, int32_t T, int32_t L, const int32_t *label_pos,
                         const int32_t *label_tag, const float *trans, const uint8_t *flags,
                         const uint64_t *tags, void *work, int32_t *labels)
{
    if (T <= 0) return LK_OK;
    if (L <= 0) return LK_ERR_ARG;
    float *delta = work; /* (T, L) best score ending in label l at t */
    int32_t *back = (int32_t *)(delta + (size_t)T * L); /* (T, L) */
    int32_t *n_pred = back + (size_t)T * L;             /* (L) allowed predecessors of b */
    int32_t *pred = n_pred + L;                          /* (L, L) their ids, row b */
    int32_t *same = pred + (size_t)L * L; /* (L) first label with b's predecessors, or b */
    int32_t *barg = same + L;             /* (L) best predecessor of b at this step */
    float *bbest = (float *)(barg + L);   /* (L) its score */
    const float neg = -FLT_MAX;
    for (int32_t b = 0; b < L; b++) {
        n_pred[b] = 0;
        for (int32_t a = 0; a < L; a++)
            if (allowed(label_pos, label_tag, a, b)) pred[(size_t)b * L + n_pred[b]++] = a;
    }
    /* Without transition scores the best predecessor depends only on the predecessor list
       (and on whether b continues a word): labels sharing both (all B-X and S-X) share it. */
    for (int32_t b = 0; b < L; b++) {
        same[b] = b;
        bool cb = label_pos[b] == LK_SEG_M || label_pos[b] == LK_SEG_E;
        for (int32_t e = 0; !trans && e < b; e++) {
            bool ce = label_pos[e] == LK_SEG_M || label_pos[e] == LK_SEG_E;
            if (same[e] == e && ce == cb && n_pred[e] == n_pred[b] &&
                memcmp(pred + (size_t)e * L, pred + (size_t)b * L,
                       (size_t)n_pred[b] * sizeof *pred) == 0) {
                same[b] = e;
                break;
            }
        }
    }
    for (int32_t l = 0; l < L; l++) {
        bool start_ok = label_pos[l] == LK_SEG_B || label_pos[l] == LK_SEG_S;
        if (start_ok && (flags || tags))
            start_ok = label_ok(label_pos, label_tag, l, flags ? flags[0] : 0, tags ? tags[0] : 0);
        delta[l] = start_ok ? scores[l] : neg;
        back[l] = -1;
    }
    for (int32_t t = 1; t < T; t++) {
        const float *prev = delta + (size_t)(t - 1) * L;
        float *cur = delta + (size_t)t * L;
        int32_t *bk = back + (size_t)t * L;
        uint8_t ft = flags ? flags[t] : 0;
        uint64_t tt = tags ? tags[t] : 0;
        bool any = ft == 0 && tt == 0;
        for (int32_t b = 0; b < L; b++) {
            float best = neg;
            int32_t arg = -1;
            if (same[b] != b) {
                best = bbest[same[b]];
                arg = barg[same[b]];
            } else {
                for (int32_t k = 0; k < n_pred[b]; k++) {
                    int32_t a = pred[(size_t)b * L + k];
                    if (prev[a] == neg) continue;
                    float v = prev[a] + (trans ? trans[(size_t)a * L + b] : 0.0f);
                    if (arg < 0 || v > best) {
                        best = v;
                        arg = a;
                    }
                }
            }
            bbest[b] = best;
            barg[b] = arg;
            if (!any && !label_ok(label_pos, label_tag, b, ft, tt)) arg = -1;
            cur[b] = arg < 0 ? neg : best + scores[(size_t)t * L + b];
            bk[b] = arg;
        }
    }
    /* best final label that closes its word */
    const float *last = delta + (size_t)(T - 1) * L;
    int32_t arg = -1;
    for (int32_t l = 0; l < L; l++) {
        if (label_pos[l] != LK_SEG_E && label_pos[l] != LK_SEG_S) continue;
        if (last[l] == neg) continue;
        if (arg < 0 || last[l] > last[arg]) arg = l;
    }
    if (arg < 0) return LK_ERR_ARG; /* no valid sequence */
    for (int32_t t = T - 1; t >= 0; t--) {
        labels[t] = arg;
        arg = back[(size_t)t * L + arg];
    }
    return LK_OK;
}

lk_status lk_seg_viterbi(const float *scores, int32_t T, int32_t L, const int32_t *label_pos,
                         const int32_t *label_tag, const float *trans, const bool *brk,
                         void *work, int32_t *labels)
{
    if (!brk || T <= 0)
        return viterbi(scores, T, L, label_pos, label_tag, trans, NULL, NULL, work, labels);
    uint8_t *fl = malloc((size_t)T); /* brk as START flags */
    if (!fl) return LK_ERR_NOMEM;
    for (int32_t t = 0; t < T; t++) fl[t] = brk[t] ? LK_SEG_C_START : 0;
    lk_status st = viterbi(scores, T, L, label_pos, label_tag, trans, fl, NULL, work, labels);
    free(fl);
    return st;
}

lk_status lk_seg_viterbi_cons(const float *scores, int32_t T, int32_t L, const int32_t *label_pos,
                              const int32_t *label_tag, const float *trans, const lk_seg_cons *c,
                              void *work, int32_t *labels)
{
    const uint8_t *flags = c ? c->flags : NULL;
    const uint64_t *tags = c ? c->tags : NULL;
    lk_status st = viterbi(scores, T, L, label_pos, label_tag, trans, flags, tags, work, labels);
    if (st != LK_ERR_ARG || !(flags || tags)) return st;
    if (tags) { /* the tag restrictions cannot all be met: keep the word boundaries */
        st = viterbi(scores, T, L, label_pos, label_tag, trans, flags, NULL, work, labels);
        if (st != LK_ERR_ARG || !flags) return st;
    }
    uint8_t *starts = malloc((size_t)T);
    if (!starts) return LK_ERR_NOMEM;
    for (int32_t t = 0; t < T; t++) starts[t] = flags[t] & LK_SEG_C_START;
    st = viterbi(scores, T, L, label_pos, label_tag, trans, starts, NULL, work, labels);
    free(starts);
    if (st != LK_ERR_ARG) return st;
    return viterbi(scores, T, L, label_pos, label_tag, trans, NULL, NULL, work, labels);
}

void lk_seg_decode(const int32_t *labels, int32_t T, const int32_t *label_pos,
                   const int32_t *label_tag, lk_seg_word *words, int32_t *n_words)
{
    int32_t n = 0;
    bool open = false;
    for (int32_t t = 0; t < T; t++) {
        int32_t p = label_pos[labels[t]];
        bool starts = p == LK_SEG_B || p == LK_SEG_S || !open;
        if (starts) {
            words[n].start = t;
            words[n].len = 0;
            words[n].tag = label_tag[labels[t]];
            n++;
        }
        words[n - 1].len++;
        open = p == LK_SEG_B || p == LK_SEG_M;
    }
    *n_words = n;
}

void lk_seg_count(lk_seg_counts *c, const lk_seg_word *gold, int32_t n_gold,
                  const lk_seg_word *pred, int32_t n_pred)
{
    int32_t i = 0, j = 0;
    c->gold += n_gold;
    c->pred += n_pred;
    while (i < n_gold && j < n_pred) {
        if (gold[i].start == pred[j].start) {
            if (gold[i].len == pred[j].len) {
                c->seg_match++;
                if (gold[i].tag == pred[j].tag) c->joint_match++;
            }
            i++;
            j++;
        } else if (gold[i].start < pred[j].start) {
            i++;
        } else {
            j++;
        }
    }
}

lk_prf lk_seg_prf(const lk_seg_counts *c, bool joint)
{
    lk_prf r = {0, 0, 0};
    double m = (double)(joint ? c->joint_match : c->seg_match);
    if (c->pred > 0) r.precision = m / (double)c->pred;
    if (c->gold > 0) r.recall = m / (double)c->gold;
    if (r.precision + r.recall > 0)
        r.f1 = 2.0 * r.precision * r.recall / (r.precision + r.recall);
    return r;
}
