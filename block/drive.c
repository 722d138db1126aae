/*
 * -drive: QEMU's option syntax turned into a registered BlockBackend and, for
 * if=virtio and if=ide, the -device string that attaches it (include/block/block.h).
 *
 * QEMU's riscv virt has no default block interface, so a bare
 * "-drive file=x" makes an unattached drive "none0" that a
 * "-device virtio-blk-device,drive=none0" can use; we match that. On q35 the
 * default is if=ide: the disk goes on an AHCI port of the board's controller, and
 * media=cdrom makes it an ATAPI CD-ROM drive (ide-cd) there. media=cdrom is read-only, as QEMU,
 * and may have no file= (an empty drive, for `change` to load later).
 */
#include <inttypes.h>

#include "block/block.h"
#include "util/option.h"

typedef struct DriveOptions {
    const char *file;
    const char *format;
    const char *interface;
    const char *id;
    uint64_t index;
    bool has_index;
    uint64_t bus, unit; /* bus=, unit= */
    bool has_bus, has_unit;
    bool cdrom;      /* media=cdrom */
    char ide_id[32]; /* if=ide's automatic id, "ide<bus>-hd0" or "ide<bus>-cd0" */
    unsigned flags;  /* BLK_OPEN_* */
    bool snapshot;
    BlockDetectZeroes detect_zeroes;
    BlockErrorAction on_read_error, on_write_error;
} DriveOptions;

static bool drive_parse_bool(const char *key, const char *value, bool *out, Error **errp)
{
    if (!strcmp(value, "on") || !strcmp(value, "yes") || !strcmp(value, "true")) {
        *out = true;
    } else if (!strcmp(value, "off") || !strcmp(value, "no") || !strcmp(value, "false")) {
        *out = false;
    } else {
        error_setg(errp, "Parameter '%s' expects 'on' or 'off'", key);
        return false;
    }
    return true;
}

static bool drive_parse_choice(const char *key, const char *value, const char *const *choices,
                               Error **errp)
{
    for (; *choices; choices++) {
        if (!strcmp(value, *choices)) {
            return true;
        }
    }
    error_setg(errp, "Invalid value '%s' for parameter '%s'", value, key);
    return false;
}

static bool drive_parse_cache(const char *value, unsigned *flags, Error **errp)
{
    static const char *const modes[] = {"writeback",  "none",   "writethrough",
                                        "directsync", "unsafe", NULL};

    if (!drive_parse_choice("cache", value, modes, errp)) {
        return false;
    }
    /* QEMU's table: none/directsync bypass the host cache (O_DIRECT); writethrough and
     * directsync turn the guest's write cache off (every write is FUA); unsafe drops flushes. */
    *flags &= ~(BLK_OPEN_WRITETHROUGH | BLK_OPEN_NO_FLUSH | BLK_OPEN_DIRECT);
    if (!strcmp(value, "writethrough") || !strcmp(value, "directsync")) {
        *flags |= BLK_OPEN_WRITETHROUGH;
    } else if (!strcmp(value, "unsafe")) {
        *flags |= BLK_OPEN_NO_FLUSH;
    }
    if (!strcmp(value, "none") || !strcmp(value, "directsync")) {
        *flags |= BLK_OPEN_DIRECT;
    }
    return true;
}

static bool drive_parse_flag(const char *key, const char *value, unsigned flag, unsigned *flags,
                             Error **errp)
{
    bool on;

    if (!drive_parse_bool(key, value, &on, errp)) {
        return false;
    }
    *flags = on ? *flags | flag : *flags & ~flag;
    return true;
}

/* One key=value of -drive into opts. */
static bool drive_parse_option(DriveOptions *opts, const char *key, const char *value, Error **errp)
{
    static const char *const discards[] = {"ignore", "off", "unmap", "on", NULL};
    static const char *const medias[] = {"disk", "cdrom", NULL};
    static const char *const ignored[] = {"aio", "auto-read-only", "copy-on-read", NULL};
    static const char *const detect[] = {"off", "on", "unmap", NULL};
    static const char *const werrors[] = {"enospc", "report", "stop", "ignore", NULL};
    static const char *const rerrors[] = {"report", "stop", "ignore", NULL};

    if (!strcmp(key, "file")) {
        opts->file = value;
    } else if (!strcmp(key, "format")) {
        opts->format = value;
    } else if (!strcmp(key, "if")) {
        opts->interface = value;
        if (strcmp(value, "none") && strcmp(value, "virtio") && strcmp(value, "pflash") &&
            strcmp(value, "ide")) {
            error_setg(errp,
                       "interface if=%s is not supported (use if=none, virtio, pflash or ide)",
                       value);
            return false;
        }
    } else if (!strcmp(key, "id")) {
        opts->id = value;
    } else if (!strcmp(key, "index")) {
        opts->has_index = true;
        if (!parse_uint(value, &opts->index) || opts->index > 1000) {
            error_setg(errp, "Invalid index '%s'", value);
            return false;
        }
    } else if (!strcmp(key, "unit") || !strcmp(key, "bus")) {
        bool unit = key[0] == 'u';
        uint64_t *out = unit ? &opts->unit : &opts->bus;

        if (!parse_uint(value, out) || *out > 1000) {
            error_setg(errp, "Invalid %s '%s'", key, value);
            return false;
        }
        opts->has_unit |= unit;
        opts->has_bus |= !unit;
    } else if (!strcmp(key, "readonly")) {
        return drive_parse_flag(key, value, BLK_OPEN_READONLY, &opts->flags, errp);
    } else if (!strcmp(key, "snapshot")) {
        return drive_parse_bool(key, value, &opts->snapshot, errp);
    } else if (!strcmp(key, "cache")) {
        return drive_parse_cache(value, &opts->flags, errp);
    } else if (!strcmp(key, "discard")) {
        if (!drive_parse_choice(key, value, discards, errp)) {
            return false;
        }
        opts->flags |= !strcmp(value, "unmap") || !strcmp(value, "on") ? BLK_OPEN_DISCARD_UNMAP : 0;
    } else if (!strcmp(key, "werror") || !strcmp(key, "rerror")) {
        bool w = key[0] == 'w';

        if (!drive_parse_choice(key, value, w ? werrors : rerrors, NULL)) {
            error_setg(errp, "'%s' invalid %s error action", value, w ? "write" : "read");
            return false;
        }
        *(w ? &opts->on_write_error : &opts->on_read_error) =
            !strcmp(value, "ignore") ? BLOCK_ERROR_IGNORE : BLOCK_ERROR_REPORT;
    } else if (!strcmp(key, "detect-zeroes")) {
        if (!drive_parse_choice(key, value, detect, errp)) {
            return false;
        }
        opts->detect_zeroes = !strcmp(value, "on")      ? BLOCKDEV_DETECT_ZEROES_ON
                              : !strcmp(value, "unmap") ? BLOCKDEV_DETECT_ZEROES_UNMAP
                                                        : BLOCKDEV_DETECT_ZEROES_OFF;
    } else if (!strcmp(key, "media")) {
        opts->cdrom = !strcmp(value, "cdrom");
        return drive_parse_choice(key, value, medias, errp);
    } else if (!drive_parse_choice(key, key, ignored, NULL)) {
        error_setg(errp, "Invalid parameter '%s'", key);
        return false;
    }
    return true;
}

/* QEMU's automatic drive id: the interface name and the first free unit, e.g. "none0". */
static char *drive_auto_id(const DriveOptions *opts)
{
    for (uint64_t n = opts->has_index ? opts->index : 0;; n++) {
        char *id = xasprintf("%s%" PRIu64, opts->interface, n);

        if (!blk_by_name(id)) {
            return id;
        }
        free(id);
    }
}

/* The automatic id of unit=N is taken when drive_auto_id had to move past it. */
static bool drive_auto_id_is(const char *id, const DriveOptions *opts)
{
    char *want = xasprintf("%s%" PRIu64, opts->interface, opts->index);
    bool same = !strcmp(id, want);

    free(want);
    return same;
}

static bool drive_open(const DriveOptions *opts, char **device_opts, Error **errp)
{
    unsigned flags = opts->flags | (opts->snapshot ? BLK_OPEN_SNAPSHOT : 0);
    char *id = opts->id ? xstrdup(opts->id) : drive_auto_id(opts);
    BlockBackend *blk = NULL;
    bool ok = false;

    if (opts->id && blk_by_name(opts->id)) {
        error_setg(errp, "Duplicate ID '%s' for drive", opts->id);
        goto out;
    }
    /* The board finds flash images by their automatic ids, pflash0 and pflash1. */
    if (!strcmp(opts->interface, "pflash") && opts->id) {
        error_setg(errp, "if=pflash drives are named pflash<unit>: id= is not supported");
        goto out;
    }
    if (!strcmp(opts->interface, "pflash") && opts->has_index && !drive_auto_id_is(id, opts)) {
        error_setg(errp, "drive with bus=0, unit=%" PRIu64 " exists", opts->index);
        goto out;
    }
    /* media=cdrom without file=: an empty drive (QEMU's q35 default CD-ROM is one). */
    blk = opts->file ? blk_open(opts->file, opts->format, flags, errp) : blk_new_empty(flags);
    if (!blk || !blk_register(blk, id, errp)) {
        blk_unref(blk);
        goto out;
    }
    blk_set_on_error(blk, opts->on_read_error, opts->on_write_error);
    blk_set_detect_zeroes(blk, opts->detect_zeroes);
    if (!strcmp(opts->interface, "virtio")) {
        /* As on QEMU's virt: if=virtio is a PCI device. */
        *device_opts = xasprintf("virtio-blk-pci,drive=%s", id);
    } else if (!strcmp(opts->interface, "ide")) {
        *device_opts = xasprintf("%s,drive=%s,bus=ide.%" PRIu64, opts->cdrom ? "ide-cd" : "ide-hd",
                                 id, opts->bus);
    }
    ok = true;
out:
    free(id);
    return ok;
}

/*
 * if=ide: the bus (one unit each, as QEMU's q35 with a bus per AHCI port) from index= or
 * bus=/unit=, else the first free one; QEMU's messages for what does not fit.
 */
static bool drive_place_ide(DriveOptions *opts, DriveBoard *board, Error **errp)
{
    unsigned nbus = board ? board->ide_buses : 0;

    if (opts->has_index && (opts->has_bus || opts->has_unit)) {
        error_setg(errp, "index cannot be used with bus and unit");
        return false;
    }
    if (opts->has_unit && opts->unit >= 1) {
        error_setg(errp, "unit %" PRIu64 " too big (max is 0)", opts->unit);
        return false;
    }
    if (opts->has_index) {
        opts->bus = opts->index;
    } else if (!opts->has_bus) {
        for (opts->bus = 0; opts->bus < nbus && (board->ide_used >> opts->bus & 1); opts->bus++) {
        }
    }
    if (opts->bus >= nbus) {
        error_setg(errp, "machine type does not support if=ide,bus=%" PRIu64 ",unit=0", opts->bus);
        return false;
    }
    if (board->ide_used >> opts->bus & 1) {
        error_setg(errp, "drive with bus=%" PRIu64 ", unit=0 (index=%" PRIu64 ") exists", opts->bus,
                   opts->bus);
        return false;
    }
    board->ide_used |= 1u << opts->bus;
    if (!opts->id) {
        snprintf(opts->ide_id, sizeof(opts->ide_id), "ide%" PRIu64 "-%s0", opts->bus,
                 opts->cdrom ? "cd" : "hd");
        opts->id = opts->ide_id;
    }
    return true;
}

/* Defaults and checks that need every key: the interface, index/bus/unit, combinations. */
static bool drive_check(DriveOptions *opts, DriveBoard *board, Error **errp)
{
    if (!opts->interface) {
        opts->interface = board && board->default_if ? board->default_if : "none";
    }
    if (opts->cdrom) {
        opts->flags |= BLK_OPEN_READONLY;
    }
    if (!strcmp(opts->interface, "ide")) {
        if (!drive_place_ide(opts, board, errp)) {
            return false;
        }
    } else if (opts->has_bus && opts->bus) {
        error_setg(errp, "bus=%" PRIu64 ": if=%s has one bus", opts->bus, opts->interface);
        return false;
    } else if (opts->has_unit && !opts->has_index) {
        opts->has_index = true; /* one bus: unit= is the index */
        opts->index = opts->unit;
    }
    if (opts->detect_zeroes == BLOCKDEV_DETECT_ZEROES_UNMAP &&
        !(opts->flags & BLK_OPEN_DISCARD_UNMAP)) {
        error_setg(errp, "setting detect-zeroes to unmap is not allowed without setting discard "
                         "operation to unmap");
    } else if (opts->format && !bdrv_find_format(opts->format)) {
        error_setg(errp, "format '%s' is not supported yet", opts->format);
    } else if (opts->file ? !*opts->file : !opts->cdrom) {
        error_setg(errp, "drive has no file= (only media=cdrom drives may be empty)");
    } else {
        return true;
    }
    return false;
}

bool drive_new(const char *optstr, bool global_snapshot, char **device_opts, Error **errp)
{
    return drive_new_on(optstr, global_snapshot, NULL, device_opts, errp);
}

bool drive_new_on(const char *optstr, bool global_snapshot, DriveBoard *board, char **device_opts,
                  Error **errp)
{
    DriveOptions opts = {.snapshot = global_snapshot};
    KeyValueList kv = {0};
    bool ok = false;

    *device_opts = NULL;
    if (!keyval_parse(optstr, NULL, &kv, errp)) {
        return false;
    }
    for (int i = 0; i < kv.count; i++) {
        if (!drive_parse_option(&opts, kv.items[i].key, kv.items[i].value, errp)) {
            goto out;
        }
    }
    ok = drive_check(&opts, board, errp) && drive_open(&opts, device_opts, errp);
out:
    keyval_free(&kv);
    return ok;
}
