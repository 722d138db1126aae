/*
 * savevm, loadvm and delvm over the drives' internal snapshots
 * (include/migration/snapshot.h has the contract).
 */
#include "migration/snapshot.h"

#include <time.h>

#include "block/block.h"
#include "migration/savevm.h"
#include "system/runstate.h"
#include "util/timer.h"

#define MAX_SNAPSHOT_DRIVES 64

typedef struct SnapshotDrives {
    BlockBackend *blk[MAX_SNAPSHOT_DRIVES];
    int n;
    BlockBackend *vmstate; /* holds the VM state */
} SnapshotDrives;

static const char *drive_name(BlockBackend *blk)
{
    return blk_name(blk)[0] ? blk_name(blk) : blk_filename(blk);
}

static bool add_drive(SnapshotDrives *d, BlockBackend *blk, Error **errp)
{
    if (!blk_can_snapshot(blk)) {
        error_setg(errp, "Device '%s' is writable but does not support snapshots", drive_name(blk));
        return false;
    }
    if (d->n < MAX_SNAPSHOT_DRIVES) {
        d->blk[d->n++] = blk;
    }
    return true;
}

/* The drives an operation covers, and the one holding the VM state (need_vmstate). */
static bool find_drives(SnapshotDrives *d, const char *vmstate, const char *const *devices,
                        int ndevices, bool need_vmstate, Error **errp)
{
    d->n = 0;
    d->vmstate = NULL;
    for (int i = 0; i < ndevices; i++) {
        BlockBackend *blk = blk_by_name(devices[i]);

        if (!blk) {
            error_setg(errp, "Cannot find device='%s' nor node-name='%s'", devices[i], devices[i]);
            return false;
        }
        if (!add_drive(d, blk, errp)) {
            return false;
        }
    }
    for (BlockBackend *blk = NULL; !ndevices && (blk = blk_next(blk));) {
        if (blk_in_snapshots(blk) && !add_drive(d, blk, errp)) {
            return false;
        }
    }
    if (vmstate) {
        d->vmstate = blk_by_name(vmstate);
        if (!d->vmstate) {
            error_setg(errp, "Cannot find device='%s' nor node-name='%s'", vmstate, vmstate);
            return false;
        }
        if (!blk_can_snapshot(d->vmstate)) {
            error_setg(errp, "Device '%s' is writable but does not support snapshots", vmstate);
            return false;
        }
    } else if (d->n) {
        d->vmstate = d->blk[0];
    }
    if (need_vmstate && !d->vmstate) {
        error_setg(errp, "no block device can store vmstate for snapshot");
        return false;
    }
    return true;
}

static Object *machine(void)
{
    return object_resolve_path("/machine");
}

/* Stop the VM for the operation; the result says whether to restart it. */
static bool stop_vm(void)
{
    bool was_running = runstate_is_running();

    if (was_running) {
        vm_stop(RUN_STATE_PAUSED);
    }
    blk_flush_all();
    return was_running;
}

static char *default_name(void)
{
    time_t now = time(NULL);
    struct tm tm;
    char buf[32];

    localtime_r(&now, &tm);
    strftime(buf, sizeof(buf), "vm-%Y%m%d%H%M%S", &tm);
    return xstrdup(buf);
}

static bool create_all(SnapshotDrives *d, const char *name, const VMStateOut *state, Error **errp)
{
    uint64_t clock_ns = clock_get_ns(CLOCK_VIRTUAL);

    for (int i = 0; i < d->n; i++) {
        bool vm = d->blk[i] == d->vmstate;

        if (!blk_snapshot_create(d->blk[i], name, vm ? state->data : NULL, vm ? state->len : 0,
                                 clock_ns, errp)) {
            error_prepend(errp, "Error while creating snapshot on '%s': ", drive_name(d->blk[i]));
            for (int j = 0; j < i; j++) {
                blk_snapshot_delete(d->blk[j], name, NULL);
            }
            return false;
        }
    }
    return true;
}

bool save_snapshot(const char *name, bool overwrite, const char *vmstate,
                   const char *const *devices, int ndevices, Error **errp)
{
    SnapshotDrives d;
    VMStateOut state = {0};
    char *auto_name = name ? NULL : default_name();
    bool ok = false, was_running;

    name = name ? name : auto_name;
    if (savevm_state_blocked(machine(), errp) ||
        !find_drives(&d, vmstate, devices, ndevices, true, errp)) {
        goto out;
    }
    if (d.vmstate != d.blk[0] && !blk_in_snapshots(d.vmstate)) {
        d.blk[d.n < MAX_SNAPSHOT_DRIVES ? d.n++ : 0] = d.vmstate;
    }
    for (int i = 0; i < d.n; i++) {
        if (blk_has_snapshot(d.blk[i], name)) {
            if (!overwrite) {
                error_setg(errp, "Snapshot '%s' already exists in one or more devices", name);
                goto out;
            }
            if (!blk_snapshot_delete(d.blk[i], name, errp)) {
                goto out;
            }
        }
    }
    was_running = stop_vm();
    savevm_state_save(&state, machine());
    ok = create_all(&d, name, &state, errp);
    if (was_running) {
        vm_start();
    }
out:
    free(state.data);
    free(auto_name);
    return ok;
}

bool load_snapshot(const char *name, const char *vmstate, const char *const *devices, int ndevices,
                   Error **errp)
{
    SnapshotDrives d;
    uint8_t *buf = NULL;
    size_t len = 0;
    bool ok = false, was_running;

    if (!find_drives(&d, vmstate, devices, ndevices, true, errp)) {
        return false;
    }
    for (int i = 0; i < d.n; i++) {
        if (!blk_has_snapshot(d.blk[i], name)) {
            error_setg(errp, "Snapshot '%s' does not exist in one or more devices", name);
            return false;
        }
    }
    if (!blk_has_snapshot(d.vmstate, name)) {
        error_setg(errp, "Snapshot '%s' does not exist in one or more devices", name);
        return false;
    }
    if (!blk_snapshot_load_vmstate(d.vmstate, name, &buf, &len, errp)) {
        return false;
    }
    if (!len) {
        error_setg(errp, "This is a disk-only snapshot. Revert to it offline using qemu-img");
        free(buf);
        return false;
    }
    if (!savevm_state_check(buf, len, machine(), errp)) {
        error_prepend(errp, "Snapshot '%s' cannot be loaded: ", name);
        free(buf);
        return false;
    }
    was_running = stop_vm();
    ok = true;
    for (int i = 0; i < d.n && ok; i++) {
        ok = blk_snapshot_goto(d.blk[i], name, errp);
    }
    ok = ok && savevm_state_apply(buf, len, machine(), errp);
    if (was_running) {
        vm_start();
    }
    free(buf);
    return ok;
}

bool delete_snapshot(const char *name, const char *const *devices, int ndevices, Error **errp)
{
    SnapshotDrives d;

    if (!find_drives(&d, NULL, devices, ndevices, false, errp)) {
        return false;
    }
    for (int i = 0; i < d.n; i++) {
        if (blk_has_snapshot(d.blk[i], name) && !blk_snapshot_delete(d.blk[i], name, errp)) {
            error_prepend(errp, "Error while deleting snapshot on '%s': ", drive_name(d.blk[i]));
            return false;
        }
    }
    return true;
}
