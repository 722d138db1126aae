/*
 * File system backends for 9p: "-fsdev local,id=ID,path=DIR,security_model=M
 * [,readonly=on][,fmode=0600][,dmode=0700]" and QEMU's shorthand "-virtfs local,path=DIR,
 * mount_tag=TAG,security_model=M[,id=ID][,readonly=on]", which is an -fsdev plus a
 * "-device virtio-9p-pci,fsdev=ID,mount_tag=TAG" (on virt; id defaults to the tag).
 *
 * The registry of -fsdev ids is a process singleton, as the set of -fsdev options is;
 * a virtio-9p device names one with its fsdev property. The directory is opened by the
 * device at realize (as QEMU: a missing directory is an error of the -device).
 */
#ifndef FSDEV_FSDEV_H
#define FSDEV_FSDEV_H

#include <sys/types.h>

#include "common.h"
#include "util/error.h"

/* How guest credentials and modes are kept on the host (QEMU's security_model). */
typedef enum FsSecurityModel {
    FS_SM_PASSTHROUGH,  /* files get the guest's uid/gid/mode (needs a privileged emulator) */
    FS_SM_MAPPED_XATTR, /* files owned by us; guest uid/gid/mode/rdev in user.virtfs.* xattrs */
    FS_SM_MAPPED_FILE,  /* as mapped-xattr, but in .virtfs_metadata/NAME files */
    FS_SM_NONE,         /* like passthrough, but a failing chown is ignored */
} FsSecurityModel;

typedef struct FsDriverEntry {
    char *id;
    char *path;
    FsSecurityModel security_model;
    bool readonly;
    bool writeout_immediate; /* writeout=immediate: fsync after every write */
    mode_t fmode, dmode;     /* host modes of files/dirs created in the mapped models */
} FsDriverEntry;

/* Parse "-fsdev" options into *fse (caller frees with fsdev_entry_clear); QEMU's texts. */
bool fsdev_parse(const char *opts, FsDriverEntry *fse, Error **errp);
void fsdev_entry_clear(FsDriverEntry *fse);
/* -fsdev: parse and register; "Duplicate ID 'x' for fsdev" if the id is taken (for the
 * -fsdev options a -virtfs made, QEMU's "duplicate or invalid fsdev id: x"). */
bool fsdev_add(const char *opts, bool from_virtfs, Error **errp) WARN_UNUSED_RESULT;
/*
 * -virtfs: check opts and split them into the -fsdev options (*fsdev_opts) and the
 * -device options (*device_opts, for device_type, e.g. virtio-9p-pci); both malloc'd.
 */
bool virtfs_parse(const char *opts, const char *device_type, char **fsdev_opts, char **device_opts,
                  Error **errp);
/* The registered entry with this id, or NULL. */
const FsDriverEntry *fsdev_find(const char *id);
/* Forget every entry (at exit and between unit tests). */
void fsdev_cleanup(void);

#endif
