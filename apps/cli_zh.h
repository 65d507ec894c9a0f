/* cli_zh.h: the raw Chinese text options shared by `tag`, `eval-tagger` and `tokenize
   --model` (--user-dict, --script, --no-pretok, --granularity) and the segmenter they
   configure. */
#ifndef LK_APPS_CLI_ZH_H
#define LK_APPS_CLI_ZH_H

#include <stdbool.h>

#include "apps/cli_opts.h"
#include "models/zhseg.h"

typedef struct {
    const char *user_dict; /* NULL = none */
    int script;            /* index into lk_cli_zh_scripts (lk_zh_script order) */
    bool no_pretok;
    int granularity;       /* index into lk_cli_zh_granularities (lk_zh_granularity order) */
    bool script_given, granularity_given; /* set by the parser when the option is given */
} lk_cli_zh_opts;

extern const char *const lk_cli_zh_scripts[]; /* "auto", "simplified", "traditional", NULL */
extern const char *const lk_cli_zh_granularities[]; /* "fine", "coarse", NULL */

#define LK_CLI_ZH_OPTIONS(o)                                                                   \
    LKO_STR("--user-dict", &(o)->user_dict, "FILE",                                            \
            "user dictionary: lines `word [TAG]`; each listed word is kept whole (default: "   \
            "none)"),                                                                          \
    {.name = "--script", .kind = LK_OPT_CHOICE, .dst = &(o)->script,                           \
     .choices = lk_cli_zh_scripts, .seen = &(o)->script_given,                                 \
     .help = "auto (detect per line), simplified (no conversion) or traditional: "           \
               "traditional lines are converted to simplified for the model (OpenCC t2s); "    \
             "the output keeps the input's characters"},                                       \
    LKO_FLAG("--no-pretok", &(o)->no_pretok,                                                   \
             "let the model segment non-Han text and punctuation too (no pre-tokenization)"),  \
    {.name = "--granularity", .kind = LK_OPT_CHOICE, .dst = &(o)->granularity,                 \
     .choices = lk_cli_zh_granularities, .seen = &(o)->granularity_given,                      \
     .help = "fine: the model's words, UD Chinese GSD's segmentation (图书 馆); coarse: "        \
             "words of the model's dictionary, as jieba writes them: a one-character suffix "  \
             "the model tags PART joins the word before it, and words that make a dictionary " \
             "word together are joined where nothing marks a boundary (图书馆, 高血压)"}

/* The first of these options given on the command line ("--user-dict", "--script",
   "--no-pretok", "--granularity"), or NULL: they need a character (Chinese) model, and a
   command without one refuses them as a usage error rather than ignoring them. */
const char *lk_cli_zh_given(const lk_cli_zh_opts *o);

/* `tag`'s and `eval-tagger`'s check of these options against the loaded model m (read from
   `model`): -1 when none is given or m is a character model, else prints the usage error
   "lexkit CMD: OPT needs a character (Chinese) model (--model); MODEL is a word model" and
   returns LK_EXIT_USAGE. */
int lk_cli_zh_check_model(const char *cmd, const lk_cli_zh_opts *o, const lk_tagger *m,
                          const char *model);

/* Load the dictionary (if any) and create the segmenter over m; on failure both are NULL. */
lk_status lk_cli_zh_open(const lk_cli_zh_opts *o, const lk_tagger *m, lk_userdict **dict,
                         lk_zhseg **z, lk_error *err);

#endif
