/*
 * Semihosting configuration (-semihosting, -semihosting-config): whether calls
 * are served, and the program's command line (arg=, for SYS_GET_CMDLINE).
 * A process singleton, like the option table it comes from.
 */
#include "semihost-internal.h"
#include "semihosting/semihost.h"
#include "util/option.h"

static SemihostingConfig config;

const SemihostingConfig *semihosting_get_config(void)
{
    return &config;
}

void semihosting_enable(void)
{
    config.enabled = true;
}

bool semihosting_enabled(void)
{
    return config.enabled;
}

/* arg=PROG,arg=A1...: the words of the command line, joined by spaces. */
static void semihosting_add_arg(const char *arg)
{
    char *joined = config.cmdline ? xasprintf("%s %s", config.cmdline, arg) : xstrdup(arg);

    free(config.cmdline);
    config.cmdline = joined;
}

static bool semihosting_config_key(const char *k, const char *v, Error **errp)
{
    bool on;

    if (!strcmp(k, "enable")) {
        if (!parse_bool(v, &on)) {
            error_setg(errp, "enable takes on or off, not '%s'", v);
            return false;
        }
        config.enabled = on;
    } else if (!strcmp(k, "target")) {
        if (!strcmp(v, "gdb")) {
            error_setg(errp, "target=gdb is not supported (the gdbstub has no File-I/O): "
                             "use target=native or auto");
            return false;
        }
        if (strcmp(v, "native") && strcmp(v, "auto")) {
            error_setg(errp, "target must be native, gdb or auto, not '%s'", v);
            return false;
        }
    } else if (!strcmp(k, "arg")) {
        semihosting_add_arg(v);
    } else if (!strcmp(k, "chardev")) {
        error_setg(errp, "chardev= is not supported yet (there is no -chardev): the console "
                         "calls write to stdout");
        return false;
    } else {
        error_setg(errp, "unknown parameter '%s'", k);
        return false;
    }
    return true;
}

bool semihosting_config(const char *optarg, Error **errp)
{
    KeyValueList kv;
    bool ok = true;

    if (!keyval_parse_repeatable(optarg, "enable", &kv, errp)) {
        return false;
    }
    for (int i = 0; i < kv.count && ok; i++) {
        ok = semihosting_config_key(kv.items[i].key, kv.items[i].value, errp);
    }
    keyval_free(&kv);
    return ok;
}
