/*
 * savevm/loadvm/delvm (QEMU's save_snapshot, load_snapshot, delete_snapshot):
 * the machine's state in internal snapshots of its qcow2 drives.
 *
 * The drives: those named in devices (ndevices > 0), else every drive savevm
 * takes along (blk_in_snapshots: writable, not under snapshot=on). Each must
 * support snapshots ("Device 'x' is writable but does not support
 * snapshots"). The VM state goes to the drive named vmstate, else the first
 * of them (QEMU's choice: the first writable qcow2). Every drive gets a
 * snapshot of its disk under the same name.
 *
 * loadvm reads and checks the VM state before it reverts any disk, so a
 * missing, disk-only or corrupt snapshot leaves the machine as it was.
 * The VM is stopped while they run and resumed if it was running.
 * Main loop thread, BQL held. False + errp with QEMU's messages (the monitor's handlers
 * only pass errp on, so the results are not marked warn_unused_result).
 */
#ifndef MIGRATION_SNAPSHOT_H
#define MIGRATION_SNAPSHOT_H

#include "common.h"
#include "util/error.h"

/* name NULL: QEMU's "vm-YYYYMMDDHHMMSS". overwrite: replace a snapshot of that name
 * (HMP savevm), else refuse (QMP snapshot-save). */
bool save_snapshot(const char *name, bool overwrite, const char *vmstate,
                   const char *const *devices, int ndevices, Error **errp);
bool load_snapshot(const char *name, const char *vmstate, const char *const *devices, int ndevices,
                   Error **errp);
/* Delete name from every drive that has it (none having it is not an error, as QEMU). */
bool delete_snapshot(const char *name, const char *const *devices, int ndevices, Error **errp);

#endif
