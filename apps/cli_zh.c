/* cli_zh.c: see cli_zh.h. */
#include "apps/cli_zh.h"

#include <stddef.h>

#include "apps/cli.h"

const char *const lk_cli_zh_scripts[] = {"auto", "simplified", "traditional", NULL};
const char *const lk_cli_zh_granularities[] = {"fine", "coarse", NULL};

const char *lk_cli_zh_given(const lk_cli_zh_opts *o)
{
    if (o->user_dict) return "--user-dict";
    if (o->script_given) return "--script";
    if (o->no_pretok) return "--no-pretok";
    if (o->granularity_given) return "--granularity";
    return NULL;
}

int lk_cli_zh_check_model(const char *cmd, const lk_cli_zh_opts *o, const lk_tagger *m,
                          const char *model)
{
    const char *opt = lk_cli_zh_given(o);
    if (!opt || lk_tagger_get_config(m)->unit == LK_TAGGER_CHAR) return -1;
    return lk_cli_usage_error(cmd, "%s needs a character (Chinese) model (--model); %s is a "
                              "word model", opt, model);
}

lk_status lk_cli_zh_open(const lk_cli_zh_opts *o, const lk_tagger *m, lk_userdict **dict,
                         lk_zhseg **z, lk_error *err)
{
    *dict = NULL;
    *z = NULL;
    lk_status st = LK_OK;
    if (o->user_dict && (st = lk_userdict_load(o->user_dict, dict, err)) != LK_OK) return st;
    lk_zhseg_config c = lk_zhseg_config_default();
    c.pretok = !o->no_pretok;
    c.script = (lk_zh_script)o->script;
    c.dict = *dict;
    c.granularity = (lk_zh_granularity)o->granularity;
    if ((st = lk_zhseg_create(m, &c, z, err)) != LK_OK) {
        lk_userdict_free(*dict);
        *dict = NULL;
    }
    return st;
}
