/*
 * -fsdev and -virtfs: QEMU's option syntax for 9p file system backends, checked with
 * QEMU's error texts, and the registry of -fsdev ids (include/fsdev/fsdev.h).
 *
 * Only the "local" driver exists (QEMU's "proxy" and "synth" are not offered): a host
 * directory served by hw/9pfs/9p-local.c.
 */
#include "fsdev/fsdev.h"

#include <errno.h>

#include "util/option.h"

#define FSDEV_DEFAULT_FMODE 0600 /* QEMU's defaults for the mapped models */
#define FSDEV_DEFAULT_DMODE 0700

static struct {
    FsDriverEntry **entries;
    int count;
} fsdevs;

static const char *const fsdev_keys[] = {"fsdriver",  "id",        "path",  "security_model",
                                         "readonly",  "fmode",     "dmode", "writeout",
                                         "multidevs", "mount_tag", NULL};
#define SM_HINT "Valid options are: security_model=[passthrough|mapped-xattr|mapped-file|none]"

static bool fsdev_check_keys(const KeyValueList *kv, bool virtfs, Error **errp)
{
    for (int i = 0; i < kv->count; i++) {
        bool found = false;

        for (int k = 0; fsdev_keys[k]; k++) {
            found |= !strcmp(kv->items[i].key, fsdev_keys[k]);
        }
        if (!found || (!virtfs && !strcmp(kv->items[i].key, "mount_tag"))) {
            error_setg(errp, "Invalid parameter '%s'", kv->items[i].key);
            return false;
        }
    }
    return true;
}

static bool fsdev_parse_sm(const char *v, FsSecurityModel *sm, Error **errp)
{
    static const struct {
        const char *name;
        FsSecurityModel sm;
    } models[] = {{"passthrough", FS_SM_PASSTHROUGH},
                  {"mapped-xattr", FS_SM_MAPPED_XATTR},
                  {"mapped", FS_SM_MAPPED_XATTR},
                  {"mapped-file", FS_SM_MAPPED_FILE},
                  {"none", FS_SM_NONE}};

    if (!v) {
        error_setg(errp, "security_model property not set\n" SM_HINT);
        return false;
    }
    for (size_t i = 0; i < ARRAY_SIZE(models); i++) {
        if (!strcmp(v, models[i].name)) {
            *sm = models[i].sm;
            return true;
        }
    }
    error_setg(errp, "invalid security_model property '%s'\n" SM_HINT, v);
    return false;
}

/* fmode/dmode: a number (0 prefix octal, as QEMU's number options), only the rwx bits kept. */
static bool fsdev_parse_mode(const KeyValueList *kv, const char *key, FsSecurityModel sm,
                             mode_t *out, Error **errp)
{
    const char *v = keyval_get(kv, key);
    char *end;
    unsigned long long n;

    if (!v) {
        return true;
    }
    errno = 0;
    n = strtoull(v, &end, 0);
    if (!*v || *end || errno) {
        error_setg(errp, "Parameter '%s' expects a number", key);
        return false;
    }
    if (sm != FS_SM_MAPPED_XATTR && sm != FS_SM_MAPPED_FILE) {
        error_setg(errp, "%s is only valid for mapped security modes", key);
        return false;
    }
    *out = n & 0777;
    return true;
}

static bool fsdev_parse_flags(const KeyValueList *kv, FsDriverEntry *fse, Error **errp)
{
    const char *ro = keyval_get(kv, "readonly"), *wo = keyval_get(kv, "writeout");
    const char *md = keyval_get(kv, "multidevs");

    if (ro && !parse_bool(ro, &fse->readonly)) {
        error_setg(errp, "Parameter 'readonly' expects 'on' or 'off'");
        return false;
    }
    if (wo && strcmp(wo, "immediate")) {
        error_setg(errp, "writeout=%s: the only value is 'immediate'", wo);
        return false;
    }
    fse->writeout_immediate = wo != NULL;
    if (md && strcmp(md, "remap") && strcmp(md, "forbid") && strcmp(md, "warn")) {
        error_setg(errp, "invalid multidevs property '%s' (remap|forbid|warn)", md);
        return false;
    }
    return true;
}

static bool fsdev_parse_kv(const KeyValueList *kv, FsDriverEntry *fse, Error **errp)
{
    const char *driver = keyval_get(kv, "fsdriver"), *path = keyval_get(kv, "path");

    memset(fse, 0, sizeof(*fse));
    fse->fmode = FSDEV_DEFAULT_FMODE;
    fse->dmode = FSDEV_DEFAULT_DMODE;
    if (!keyval_get(kv, "id")) {
        error_setg(errp, "fsdev: No id specified");
        return false;
    }
    if (!driver || strcmp(driver, "local")) {
        error_setg(errp, "fsdev: fsdriver %s not found", driver ? driver : "(null)");
        return false;
    }
    if (!fsdev_parse_sm(keyval_get(kv, "security_model"), &fse->security_model, errp)) {
        return false;
    }
    if (!path) {
        error_setg(errp, "path property not set");
        return false;
    }
    if (!fsdev_parse_mode(kv, "fmode", fse->security_model, &fse->fmode, errp) ||
        !fsdev_parse_mode(kv, "dmode", fse->security_model, &fse->dmode, errp) ||
        !fsdev_parse_flags(kv, fse, errp)) {
        return false;
    }
    fse->id = xstrdup(keyval_get(kv, "id"));
    fse->path = xstrdup(path);
    return true;
}

bool fsdev_parse(const char *opts, FsDriverEntry *fse, Error **errp)
{
    KeyValueList kv;
    bool ok;

    if (!keyval_parse(opts, "fsdriver", &kv, errp)) {
        return false;
    }
    ok = fsdev_check_keys(&kv, false, errp) && fsdev_parse_kv(&kv, fse, errp);
    keyval_free(&kv);
    return ok;
}

void fsdev_entry_clear(FsDriverEntry *fse)
{
    free(fse->id);
    free(fse->path);
    memset(fse, 0, sizeof(*fse));
}

const FsDriverEntry *fsdev_find(const char *id)
{
    for (int i = 0; id && i < fsdevs.count; i++) {
        if (!strcmp(fsdevs.entries[i]->id, id)) {
            return fsdevs.entries[i];
        }
    }
    return NULL;
}

bool fsdev_add(const char *opts, bool from_virtfs, Error **errp)
{
    FsDriverEntry *fse = xzalloc(sizeof(*fse));

    if (!fsdev_parse(opts, fse, errp)) {
        free(fse);
        return false;
    }
    if (fsdev_find(fse->id)) {
        if (from_virtfs) {
            error_setg(errp, "duplicate or invalid fsdev id: %s", fse->id);
        } else {
            error_setg(errp, "Duplicate ID '%s' for fsdev", fse->id);
        }
        fsdev_entry_clear(fse);
        free(fse);
        return false;
    }
    fsdevs.entries = xrealloc(fsdevs.entries, sizeof(*fsdevs.entries) * (fsdevs.count + 1));
    fsdevs.entries[fsdevs.count++] = fse;
    return true;
}

void fsdev_cleanup(void)
{
    for (int i = 0; i < fsdevs.count; i++) {
        fsdev_entry_clear(fsdevs.entries[i]);
        free(fsdevs.entries[i]);
    }
    free(fsdevs.entries);
    fsdevs.entries = NULL;
    fsdevs.count = 0;
}

/* Append ",key=value" (the value's commas doubled, as the option syntax wants). */
static char *append_opt(char *buf, const char *key, const char *value)
{
    size_t len = strlen(buf), extra = strlen(key) + 2 * strlen(value) + 3;
    char *p;

    buf = xrealloc(buf, len + extra);
    p = buf + len;
    p += sprintf(p, ",%s=", key);
    for (; *value; value++) {
        *p++ = *value;
        if (*value == ',') {
            *p++ = ',';
        }
    }
    *p = '\0';
    return buf;
}

bool virtfs_parse(const char *opts, const char *device_type, char **fsdev_opts, char **device_opts,
                  Error **errp)
{
    static const char *const copied[] = {"path",  "security_model", "readonly", "fmode",
                                         "dmode", "writeout",       "multidevs"};
    const char *tag, *id;
    FsDriverEntry check;
    KeyValueList kv;
    char *fs, *dev;

    if (!keyval_parse(opts, "fsdriver", &kv, errp)) {
        return false;
    }
    if (!fsdev_check_keys(&kv, true, errp)) {
        keyval_free(&kv);
        return false;
    }
    tag = keyval_get(&kv, "mount_tag");
    if (!keyval_get(&kv, "fsdriver") || !tag) {
        error_setg(errp, "Usage: -virtfs fsdriver,mount_tag=tag");
        keyval_free(&kv);
        return false;
    }
    id = keyval_get(&kv, "id") ? keyval_get(&kv, "id") : tag;
    fs = append_opt(xasprintf("%s", keyval_get(&kv, "fsdriver")), "id", id);
    for (size_t i = 0; i < ARRAY_SIZE(copied); i++) {
        if (keyval_get(&kv, copied[i])) {
            fs = append_opt(fs, copied[i], keyval_get(&kv, copied[i]));
        }
    }
    dev = append_opt(append_opt(xstrdup(device_type), "fsdev", id), "mount_tag", tag);
    keyval_free(&kv);
    if (!fsdev_parse(fs, &check, errp)) {
        free(fs);
        free(dev);
        return false;
    }
    fsdev_entry_clear(&check);
    *fsdev_opts = fs;
    *device_opts = dev;
    return true;
}
