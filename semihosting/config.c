/*
 * Semihosting configuration (-semihosting, -semihosting-config): whether calls
 * are served, the program's command line (arg=, for SYS_GET_CMDLINE) and
 * where the console goes (chardev=). A process singleton, like the option
 * table it comes from.
 */
#include <unistd.h>

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
        if (!strcmp(v, "native")) {
            config.target = SEMIHOSTING_TARGET_NATIVE;
        } else if (!strcmp(v, "gdb")) {
            config.target = SEMIHOSTING_TARGET_GDB;
        } else if (!strcmp(v, "auto")) {
            config.target = SEMIHOSTING_TARGET_AUTO;
        } else {
            error_setg(errp, "target must be native, gdb or auto, not '%s'", v);
            return false;
        }
    } else if (!strcmp(k, "arg")) {
        semihosting_add_arg(v);
    } else if (!strcmp(k, "chardev")) {
        free(config.chardev_id);
        config.chardev_id = xstrdup(v);
    } else {
        error_setg(errp, "unknown parameter '%s'", k);
        return false;
    }
    return true;
}

bool semihosting_connect_chardev(Error **errp)
{
    Chardev *chr;

    if (!config.chardev_id || config.console_attached) {
        return true;
    }
    chr = chardev_find(config.chardev_id);
    if (!chr) {
        error_setg(errp, "semihosting chardev '%s' not found", config.chardev_id);
        return false;
    }
    if (!char_fe_init(&config.console, chr, errp)) {
        return false;
    }
    config.console_attached = true;
    return true;
}

void semihosting_console_write(const void *buf, size_t len)
{
    if (config.console_attached) {
        /* Queued if the backend is slow: the hart never waits for a console peer. */
        char_fe_write_all(&config.console, buf, (int)MIN(len, (size_t)INT32_MAX));
        return;
    }
    fflush(stdout);
    while (len > 0) {
        ssize_t n = write(STDOUT_FILENO, buf, len);
        if (n <= 0) {
            return;
        }
        buf = (const char *)buf + n;
        len -= n;
    }
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
