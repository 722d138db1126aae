/*
 * The block commands: query-block (info block) and the removable-media ones, QMP's eject,
 * blockdev-open-tray, blockdev-close-tray and blockdev-change-medium with HMP's eject [-f] and
 * change. They act on the device through the BlockDevOps it registered (a CD-ROM drive), so
 * the guest sees the tray open and close and the medium change (hw/ide/ide-cd.c); the
 * messages and their order are QEMU 7.2's.
 */
#include "block/block.h"
#include "monitor-internal.h"
#include "qom/object.h"

/* ---- query-block ---- */

static void add_block(BlockBackend *blk, void *opaque)
{
    json_object *o = json_object_new_object();
    void *dev;
    const BlockDevOps *ops = blk_dev_ops(blk, &dev);

    json_object_object_add(o, "device", json_object_new_string(blk_name(blk)));
    json_object_object_add(o, "locked", json_object_new_boolean(ops && ops->is_medium_locked(dev)));
    json_object_object_add(o, "removable", json_object_new_boolean(ops != NULL));
    if (blk_get_attached_dev(blk)) {
        char *path = object_get_canonical_path(blk_get_attached_dev(blk));
        json_object_object_add(o, "qdev", json_object_new_string(path));
        free(path);
    }
    if (ops) {
        json_object_object_add(o, "tray_open", json_object_new_boolean(ops->is_tray_open(dev)));
    }
    if (blk_is_inserted(blk)) {
        json_object *ins = json_object_new_object();
        json_object_object_add(ins, "file", json_object_new_string(blk_filename(blk)));
        json_object_object_add(ins, "ro", json_object_new_boolean(blk_is_read_only(blk)));
        json_object_object_add(ins, "drv", json_object_new_string(blk_format_name(blk)));
        json_object_object_add(o, "inserted", ins);
    }
    json_object_object_add(o, "type", json_object_new_string("unknown"));
    json_object_array_add(opaque, o);
}

static json_object *cmd_query_block(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    json_object *ret = json_object_new_array();

    blk_foreach(add_block, ret);
    return ret;
}

static bool get_bool(json_object *o, const char *key)
{
    return json_object_get_boolean(json_object_object_get(o, key));
}

static void hmp_print_block(Monitor *mon, json_object *ret)
{
    for (size_t i = 0; i < json_object_array_length(ret); i++) {
        json_object *o = json_object_array_get_idx(ret, i);
        json_object *ins = json_object_object_get(o, "inserted");
        const char *name = json_object_get_string(json_object_object_get(o, "device"));

        if (!ins) {
            monitor_printf(mon, "%s: [not inserted]\n", name);
        } else {
            monitor_printf(mon, "%s: %s (%s%s)\n", name,
                           json_object_get_string(json_object_object_get(ins, "file")),
                           json_object_get_string(json_object_object_get(ins, "drv")),
                           get_bool(ins, "ro") ? ", read-only" : "");
        }
        if (get_bool(o, "removable")) {
            monitor_printf(mon, "    Removable device: %slocked, tray %s\n",
                           get_bool(o, "locked") ? "" : "not ",
                           get_bool(o, "tray_open") ? "open" : "closed");
        }
    }
}

/* ---- the tray and the medium ---- */

static BlockBackend *find_blk(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    const char *name = json_object_get_string(json_object_object_get(args, "device"));
    BlockBackend *blk = blk_by_name(name);

    if (!blk) {
        ctx->err_class = QMP_ERROR_DEVICE_NOT_FOUND;
        error_setg(errp, "Device '%s' not found", name);
    }
    return blk;
}

/* Open the tray (QEMU's do_open_tray): a tray the guest locked is only asked for, unless
 * force; then the caller must wait for the guest to open it. */
static bool open_tray(BlockBackend *blk, bool force, Error **errp)
{
    void *dev;
    const BlockDevOps *ops = blk_dev_ops(blk, &dev);
    bool locked;

    if (!ops) {
        error_setg(errp, "Device '%s' is not removable", blk_name(blk));
        return false;
    }
    if (ops->is_tray_open(dev)) {
        return true;
    }
    locked = ops->is_medium_locked(dev);
    if (locked) {
        ops->eject_request_cb(dev, force);
    }
    if (locked && !force) {
        error_setg(errp,
                   "Device '%s' is locked and force was not specified, wait for tray to open "
                   "and try again",
                   blk_name(blk));
        return false;
    }
    ops->change_media_cb(dev, false);
    return true;
}

static void close_tray(BlockBackend *blk)
{
    void *dev;
    const BlockDevOps *ops = blk_dev_ops(blk, &dev);

    if (ops && ops->is_tray_open(dev)) {
        ops->change_media_cb(dev, true);
    }
}

static json_object *cmd_open_tray(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    BlockBackend *blk = find_blk(ctx, args, errp);

    if (blk) {
        open_tray(blk, get_bool(args, "force"), errp);
    }
    return NULL;
}

static json_object *cmd_close_tray(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    BlockBackend *blk = find_blk(ctx, args, errp);
    void *dev;

    if (blk && !blk_dev_ops(blk, &dev)) {
        error_setg(errp, "Device '%s' is not removable", blk_name(blk));
    } else if (blk) {
        close_tray(blk);
    }
    return NULL;
}

/* eject: open the tray, take the medium out; the tray stays open, as QEMU's. */
static json_object *cmd_eject(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    BlockBackend *blk = find_blk(ctx, args, errp);

    if (blk && open_tray(blk, get_bool(args, "force"), errp)) {
        blk_remove_medium(blk);
    }
    return NULL;
}

/* The flags the new medium is opened with: blk's, or read-only-mode's choice. */
static bool change_flags(BlockBackend *blk, json_object *args, unsigned *flags, Error **errp)
{
    json_object *mode = json_object_object_get(args, "read-only-mode");
    const char *m = mode ? json_object_get_string(mode) : "retain";

    *flags = blk_is_read_only(blk) ? BLK_OPEN_READONLY : 0;
    if (!strcmp(m, "read-only")) {
        *flags = BLK_OPEN_READONLY;
    } else if (!strcmp(m, "read-write")) {
        *flags = 0;
    } else if (strcmp(m, "retain")) {
        error_setg(errp, "Parameter 'read-only-mode' does not accept value '%s'", m);
        return false;
    }
    return true;
}

/* change: the new image is opened first (its errors come before the device's), then the
 * tray opens, the medium is swapped and the tray closes on it. */
static json_object *cmd_change_medium(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    BlockBackend *blk = find_blk(ctx, args, errp), *img;
    json_object *fmt = json_object_object_get(args, "format");
    const char *format = fmt ? json_object_get_string(fmt) : NULL;
    unsigned flags;
    void *dev;

    if (!blk || !change_flags(blk, args, &flags, errp)) {
        return NULL;
    }
    if (!blk_dev_ops(blk, &dev)) {
        flags |= BLK_OPEN_READONLY; /* opened only for the error: no write lock to fight over */
    }
    if (format && !bdrv_find_format(format)) {
        error_setg(errp, "Unknown driver '%s'", format);
        return NULL;
    }
    img = blk_open(json_object_get_string(json_object_object_get(args, "filename")), format, flags,
                   errp);
    if (!img) {
        return NULL;
    }
    if (!open_tray(blk, get_bool(args, "force"), errp)) {
        blk_unref(img);
        return NULL;
    }
    blk_insert_medium(blk, img);
    close_tray(blk);
    return NULL;
}

/* HMP: change DEVICE FILENAME [FORMAT [READ-ONLY-MODE]], or change vnc password PASSWORD. */
static json_object *hmp_change(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    const char *dev = json_object_get_string(json_object_object_get(args, "device"));
    json_object *target = json_object_object_get(args, "target");
    json_object *arg = json_object_object_get(args, "arg");
    json_object *mode = json_object_object_get(args, "read-only-mode");
    json_object *medium;

    if (!strcmp(dev, "vnc")) {
        return hmp_change_vnc(ctx, target ? json_object_get_string(target) : NULL,
                              arg ? json_object_get_string(arg) : NULL, errp);
    }
    medium = json_object_new_object();
    json_object_object_add(medium, "device", json_object_new_string(dev));
    json_object_object_add(medium, "filename", json_object_get(target));
    if (arg) {
        json_object_object_add(medium, "format", json_object_get(arg));
    }
    if (mode) {
        json_object_object_add(medium, "read-only-mode", json_object_get(mode));
    }
    cmd_change_medium(ctx, medium, errp);
    json_object_put(medium);
    return NULL;
}

const MonitorCommand block_commands[] = {
    {.name = "query-block",
     .hmp_name = "info block",
     .help = "show the block devices",
     .fn = cmd_query_block,
     .hmp_print = hmp_print_block},
    {.name = "eject",
     .hmp_name = "eject",
     .args = "device:s,force:b?",
     .hmp_args = "force:-f,device:B",
     .params = "[-f] device",
     .help = "eject a removable medium (use -f to force it)",
     .fn = cmd_eject},
    {.name = "blockdev-change-medium",
     .args = "device:s,filename:s,format:s?,force:b?,read-only-mode:s?",
     .fn = cmd_change_medium},
    {.hmp_name = "change",
     .args = "device:B,target:F,arg:s?,read-only-mode:s?",
     .params = "device filename [format [read-only-mode]]",
     .help = "change a removable medium, or the VNC password ('change vnc password PASS')",
     .fn = hmp_change},
    {.name = "blockdev-open-tray", .args = "device:s,force:b?", .fn = cmd_open_tray},
    {.name = "blockdev-close-tray", .args = "device:s", .fn = cmd_close_tray},
    {.fn = NULL},
};
