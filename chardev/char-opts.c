/*
 * -chardev BACKEND,id=ID,... (QEMU's key=value spelling) turned into the spec
 * form the backends take ("unix:PATH,server=on,wait=off"), so both
 * spellings reach the same constructors:
 *   socket,id=X,path=P[,server=on|off][,wait=on|off][,telnet=on|off] -> unix:P,...
 *   socket,id=X,host=H,port=N[,server=...][,wait=...]    -> tcp:H:N,...
 *   stdio|null|pty,id=X    file,id=X,path=P    and mux=on on any of them -> mon:...
 */
#include "chardev-internal.h"
#include "util/option.h"

/* Keys every backend takes, and what each backend adds. */
static bool chr_opts_key_ok(const char *backend, const char *key)
{
    static const char *const common[] = {"backend", "id", "mux", "signal"};
    static const char *const socket_keys[] = {"path", "host",   "port",     "server",
                                              "wait", "telnet", "reconnect"};

    for (size_t i = 0; i < ARRAY_SIZE(common); i++) {
        if (!strcmp(key, common[i])) {
            return true;
        }
    }
    if (!strcmp(backend, "socket")) {
        for (size_t i = 0; i < ARRAY_SIZE(socket_keys); i++) {
            if (!strcmp(key, socket_keys[i])) {
                return true;
            }
        }
    }
    return !strcmp(backend, "file") && !strcmp(key, "path");
}

/* The part before the options: "unix:P", "tcp:H:N", "file:P", "stdio"... */
static char *chr_opts_base(const char *backend, const KeyValueList *kv, Error **errp)
{
    const char *path = keyval_get(kv, "path");

    if (!strcmp(backend, "socket")) {
        const char *host = keyval_get(kv, "host"), *port = keyval_get(kv, "port");
        if (path) {
            return xasprintf("unix:%s", path);
        }
        if (port) {
            return xasprintf("tcp:%s:%s", host ? host : "", port);
        }
        error_setg(errp, "chardev: socket needs path= or port=");
        return NULL;
    }
    if (!strcmp(backend, "file")) {
        if (!path) {
            error_setg(errp, "chardev: file needs path=");
            return NULL;
        }
        return xasprintf("file:%s", path);
    }
    if (!strcmp(backend, "stdio") || !strcmp(backend, "null") || !strcmp(backend, "pty")) {
        return xstrdup(backend);
    }
    error_setg(errp, "chardev: backend '%s' is not supported (socket, stdio, null, file, pty)",
               backend);
    return NULL;
}

/* Append ",server=on"-style options the backend spec understands. */
static char *chr_opts_spec(const char *backend, const KeyValueList *kv, Error **errp)
{
    char *spec = chr_opts_base(backend, kv, errp);
    static const char *const passed[] = {"server", "wait", "signal", "telnet", "reconnect"};

    for (size_t i = 0; spec && i < ARRAY_SIZE(passed); i++) {
        const char *v = keyval_get(kv, passed[i]);
        if (v) {
            char *longer = xasprintf("%s,%s=%s", spec, passed[i], v);
            free(spec);
            spec = longer;
        }
    }
    return spec;
}

/* The old flag spelling ("...,server,nowait") as key=value, which keyval_parse wants. */
static char *chr_opts_expand_flags(const char *opts)
{
    size_t cap = strlen(opts) * 2 + 16, len = 0;
    char *out = xzalloc(cap);
    const char *p = opts;

    while (*p) {
        size_t n = strcspn(p, ",");
        const char *repl = NULL;
        if (n == 6 && !strncmp(p, "server", 6)) {
            repl = "server=on";
        } else if (n == 6 && !strncmp(p, "nowait", 6)) {
            repl = "wait=off";
        }
        len += snprintf(out + len, cap - len, "%s%.*s", len ? "," : "",
                        repl ? (int)strlen(repl) : (int)n, repl ? repl : p);
        p += n + (p[n] == ',');
    }
    return out;
}

Chardev *chardev_new_from_opts(const char *opts_text, Error **errp)
{
    char *opts = chr_opts_expand_flags(opts_text);
    KeyValueList kv;
    const char *backend, *id, *mux;
    char *spec = NULL, *full;
    bool muxed = false;
    Chardev *chr = NULL;
    bool parsed = keyval_parse(opts, "backend", &kv, errp);

    free(opts);
    if (!parsed) {
        return NULL;
    }
    backend = keyval_get(&kv, "backend");
    id = keyval_get(&kv, "id");
    mux = keyval_get(&kv, "mux");
    if (!id) {
        error_setg(errp, "chardev: \"id\" is required");
        goto out;
    }
    for (int i = 0; i < kv.count; i++) {
        if (!chr_opts_key_ok(backend, kv.items[i].key)) {
            error_setg(errp, "chardev: invalid parameter '%s' for backend '%s'", kv.items[i].key,
                       backend);
            goto out;
        }
    }
    if (mux && !parse_bool(mux, &muxed)) {
        error_setg(errp, "chardev: mux expects on or off, not '%s'", mux);
        goto out;
    }
    spec = chr_opts_spec(backend, &kv, errp);
    if (spec) {
        full = muxed ? xasprintf("mon:%s", spec) : xstrdup(spec);
        chr = chardev_new_from_spec(id, full, errp);
        free(full);
    }
out:
    free(spec);
    keyval_free(&kv);
    return chr;
}
