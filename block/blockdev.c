/*
 * -blockdev: a block node described as QEMU's BlockdevOptions, in the dotted
 * form (driver=qcow2,node-name=d0,file.driver=file,file.filename=x.qcow2) or
 * as JSON ({"driver":"qcow2","node-name":"d0","file":{"driver":"file",...}}),
 * with the same messages as QEMU for what is missing or unexpected.
 *
 * Drivers: file (a host file, usable as a raw disk), raw and qcow2 over a
 * file given inline (file.*) or by the node-name of an earlier driver=file
 * node. Our block layer has one open image per node, so a format node takes
 * its file node over: the file node's name disappears from the registry and
 * the format driver opens the same file itself.
 *
 * The root node is registered under its node-name, which
 * -device virtio-blk-device,drive=NAME then finds. -snapshot does not apply
 * to -blockdev nodes, as in QEMU.
 */
#include <json-c/json.h>

#include "block/block.h"
#include "util/option.h"

typedef struct BlockdevSpec {
    const char *driver;
    const char *filename; /* driver=file */
    unsigned flags;       /* BLK_OPEN_* */
} BlockdevSpec;

/* Options every driver takes (BlockdevOptionsBase); the values we act on are read below. */
static const char *const common_keys[] = {
    "driver",       "node-name",      "read-only",     "auto-read-only", "discard",
    "cache.direct", "cache.no-flush", "detect-zeroes", "force-share",    NULL};
static const char *const file_keys[] = {"filename", "aio", "locking", "pr-manager", NULL};

static bool key_in(const char *key, const char *const *keys)
{
    for (; *keys; keys++) {
        if (!strcmp(key, *keys)) {
            return true;
        }
    }
    return false;
}

static bool blockdev_bool(const KeyValueList *kv, const char *key, bool *out, Error **errp)
{
    const char *v = keyval_get(kv, key);

    *out = false;
    if (!v) {
        return true;
    }
    if (!strcmp(v, "on") || !strcmp(v, "true")) {
        *out = true;
    } else if (strcmp(v, "off") && strcmp(v, "false")) {
        error_setg(errp, "Parameter '%s' expects 'on' or 'off'", key);
        return false;
    }
    return true;
}

static bool blockdev_flags(const KeyValueList *kv, unsigned *flags, Error **errp)
{
    const char *discard = keyval_get(kv, "discard");
    bool ro, no_flush, direct;

    if (!blockdev_bool(kv, "read-only", &ro, errp) ||
        !blockdev_bool(kv, "cache.no-flush", &no_flush, errp) ||
        !blockdev_bool(kv, "cache.direct", &direct, errp)) {
        return false;
    }
    *flags |= direct ? BLK_OPEN_DIRECT : 0;
    if (discard && strcmp(discard, "ignore") && strcmp(discard, "off") &&
        strcmp(discard, "unmap") && strcmp(discard, "on")) {
        error_setg(errp, "Parameter 'discard' does not accept value '%s'", discard);
        return false;
    }
    *flags |= (ro ? BLK_OPEN_READONLY : 0) | (no_flush ? BLK_OPEN_NO_FLUSH : 0);
    *flags |= discard && (!strcmp(discard, "unmap") || !strcmp(discard, "on"))
                  ? BLK_OPEN_DISCARD_UNMAP
                  : 0;
    return true;
}

/* detect-zeroes=off|on|unmap (unmap only with discard=unmap, as QEMU). */
static bool blockdev_detect_zeroes(const KeyValueList *kv, unsigned flags, BlockDetectZeroes *mode,
                                   Error **errp)
{
    const char *v = keyval_get(kv, "detect-zeroes");

    *mode = BLOCKDEV_DETECT_ZEROES_OFF;
    if (!v || !strcmp(v, "off")) {
        return true;
    }
    if (!strcmp(v, "on")) {
        *mode = BLOCKDEV_DETECT_ZEROES_ON;
    } else if (!strcmp(v, "unmap")) {
        *mode = BLOCKDEV_DETECT_ZEROES_UNMAP;
    } else {
        error_setg(errp, "Parameter 'detect-zeroes' does not accept value '%s'", v);
        return false;
    }
    if (*mode == BLOCKDEV_DETECT_ZEROES_UNMAP && !(flags & BLK_OPEN_DISCARD_UNMAP)) {
        error_setg(errp, "setting detect-zeroes to unmap is not allowed without setting discard "
                         "operation to unmap");
        return false;
    }
    return true;
}

/* The keys under prefix ("file.") as a list of their own. */
static void blockdev_sublist(const KeyValueList *kv, const char *prefix, KeyValueList *out)
{
    size_t n = strlen(prefix);

    *out = (KeyValueList){0};
    for (int i = 0; i < kv->count; i++) {
        if (!strncmp(kv->items[i].key, prefix, n)) {
            keyval_add(out, xstrdup(kv->items[i].key + n), xstrdup(kv->items[i].value));
        }
    }
}

static bool blockdev_file_spec(const KeyValueList *kv, BlockdevSpec *spec, Error **errp);

/* The file under a format node: inline (file.*), or an earlier driver=file node by name. */
static bool blockdev_child(const KeyValueList *kv, BlockdevSpec *spec, char **take_over,
                           Error **errp)
{
    const char *ref = keyval_get(kv, "file");
    KeyValueList sub;
    bool ok;

    if (ref) {
        BlockBackend *node = blk_by_name(ref);

        if (!node) {
            error_setg(errp, "Cannot find device='%s' nor node-name='%s'", ref, ref);
            return false;
        }
        if (strcmp(blk_format_name(node), "raw") || !blk_is_file_node(node)) {
            error_setg(errp, "node '%s' is not a driver=file node", ref);
            return false;
        }
        spec->filename = blk_filename(node);
        spec->flags |= blk_is_read_only(node) ? BLK_OPEN_READONLY : 0;
        *take_over = xstrdup(ref);
        return true;
    }
    blockdev_sublist(kv, "file.", &sub);
    if (!sub.count) {
        error_setg(errp, "Parameter 'file' is missing");
        return false;
    }
    ok = blockdev_file_spec(&sub, spec, errp);
    if (ok) {
        spec->filename = xstrdup(spec->filename); /* outlives sub */
    }
    keyval_free(&sub);
    return ok;
}

static bool blockdev_file_spec(const KeyValueList *kv, BlockdevSpec *spec, Error **errp)
{
    const char *driver = keyval_get(kv, "driver");

    if (!driver) {
        error_setg(errp, "Parameter 'driver' is missing");
        return false;
    }
    if (strcmp(driver, "file")) {
        error_setg(errp, "Parameter 'driver' does not accept value '%s' here (only 'file')",
                   driver);
        return false;
    }
    for (int i = 0; i < kv->count; i++) {
        if (!key_in(kv->items[i].key, common_keys) && !key_in(kv->items[i].key, file_keys)) {
            error_setg(errp, "Parameter '%s' is unexpected", kv->items[i].key);
            return false;
        }
    }
    spec->filename = keyval_get(kv, "filename");
    if (!spec->filename) {
        error_setg(errp, "Parameter 'filename' is missing");
        return false;
    }
    return blockdev_flags(kv, &spec->flags, errp);
}

/* Check a format node's keys; its file comes through blockdev_child. */
static bool blockdev_format_keys(const KeyValueList *kv, Error **errp)
{
    for (int i = 0; i < kv->count; i++) {
        const char *key = kv->items[i].key;

        if (key_in(key, common_keys) || !strcmp(key, "file") || !strncmp(key, "file.", 5)) {
            continue;
        }
        error_setg(errp, "Parameter '%s' is unexpected", key);
        return false;
    }
    return true;
}

static bool blockdev_open(const KeyValueList *kv, const char *name, Error **errp)
{
    const char *driver = keyval_get(kv, "driver");
    BlockdevSpec spec = {0};
    char *take_over = NULL, *own_filename = NULL;
    BlockDetectZeroes detect_zeroes;
    BlockBackend *blk = NULL;
    bool format_node = driver && (!strcmp(driver, "raw") || !strcmp(driver, "qcow2"));
    bool ok = false;

    if (!format_node) {
        ok = blockdev_file_spec(kv, &spec, errp);
    } else if (blockdev_format_keys(kv, errp) && blockdev_flags(kv, &spec.flags, errp)) {
        ok = blockdev_child(kv, &spec, &take_over, errp);
        own_filename = ok && !take_over ? (char *)spec.filename : NULL;
    }
    if (!ok || !blockdev_detect_zeroes(kv, spec.flags, &detect_zeroes, errp)) {
        free(take_over);
        return false;
    }
    if (take_over) {
        spec.filename = own_filename = xstrdup(spec.filename);
        blk_unref(blk_by_name(take_over)); /* the format node opens the file itself */
    }
    blk = blk_open(spec.filename, format_node ? driver : "raw", spec.flags, errp);
    ok = blk && blk_register(blk, name, errp);
    if (blk && !ok) {
        blk_unref(blk);
    } else if (ok && !format_node) {
        blk_set_file_node(blk);
    }
    if (ok) {
        blk_set_detect_zeroes(blk, detect_zeroes);
    }
    free(own_filename);
    free(take_over);
    return ok;
}

/* Flatten a JSON object into dotted keys ("file": {"driver": ..} -> file.driver). */
static bool blockdev_flatten(json_object *obj, const char *prefix, KeyValueList *kv, Error **errp)
{
    json_object_object_foreach(obj, key, val)
    {
        char *k = xasprintf("%s%s", prefix, key);

        switch (json_object_get_type(val)) {
        case json_type_object: {
            char *sub = xasprintf("%s.", k);
            bool ok = blockdev_flatten(val, sub, kv, errp);

            free(sub);
            free(k);
            if (!ok) {
                return false;
            }
            continue;
        }
        case json_type_boolean:
            keyval_add(kv, k, xstrdup(json_object_get_boolean(val) ? "on" : "off"));
            continue;
        case json_type_string:
        case json_type_int:
        case json_type_double:
            keyval_add(kv, k, xstrdup(json_object_get_string(val)));
            continue;
        default:
            error_setg(errp, "Invalid parameter type for '%s'", k);
            free(k);
            return false;
        }
    }
    return true;
}

static bool blockdev_parse(const char *optstr, KeyValueList *kv, Error **errp)
{
    json_object *obj;
    bool ok;

    *kv = (KeyValueList){0};
    if (optstr[strspn(optstr, " \t\n")] != '{') {
        return keyval_parse(optstr, NULL, kv, errp);
    }
    obj = json_tokener_parse(optstr);
    if (!obj || !json_object_is_type(obj, json_type_object)) {
        error_setg(errp, "JSON parse error in -blockdev");
        json_object_put(obj);
        return false;
    }
    ok = blockdev_flatten(obj, "", kv, errp);
    json_object_put(obj);
    if (!ok) {
        keyval_free(kv);
    }
    return ok;
}

bool blockdev_add(const char *optstr, Error **errp)
{
    KeyValueList kv;
    const char *name, *driver;
    bool ok = false;

    if (!blockdev_parse(optstr, &kv, errp)) {
        return false;
    }
    name = keyval_get(&kv, "node-name");
    driver = keyval_get(&kv, "driver");
    if (!driver) {
        error_setg(errp, "Parameter 'driver' is missing");
    } else if (strcmp(driver, "file") && strcmp(driver, "raw") && strcmp(driver, "qcow2")) {
        error_setg(errp, "Parameter 'driver' does not accept value '%s'", driver);
    } else if (!name) {
        error_setg(errp, "'node-name' must be specified for the root node");
    } else if (blk_by_name(name)) {
        error_setg(errp, "Duplicate nodes with node-name='%s'", name);
    } else {
        ok = blockdev_open(&kv, name, errp);
    }
    keyval_free(&kv);
    return ok;
}
