/*
 * The "local" 9p backend: a host directory, the share root, that every path stays beneath.
 *
 * Paths are relative to the root ("" is the root itself) and made of components the guest
 * walked one at a time; each component was checked with local_name_valid(). Every access
 * opens from the root fd with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
 * RESOLVE_NO_MAGICLINKS): no "..", absolute path or symbolic link is ever followed on the
 * host, so a link planted in the share (or a directory swapped for one while the guest
 * holds a fid below it) cannot lead outside. The final component is never followed either
 * (a symlink is served as a symlink; the guest resolves it in its own namespace). A
 * refused resolution is logged under -d guest_errors.
 *
 * The security model decides whose credentials files carry (include/fsdev/fsdev.h). In
 * mapped-xattr the guest's uid/gid/mode/rdev live in the user.virtfs.{uid,gid,mode,rdev}
 * xattrs, little-endian binary of 4, 4, 4 and 8 bytes as QEMU writes them; in mapped-file
 * in .virtfs_metadata/NAME text files (hw/9pfs/9p-local-meta.c). In both, symlinks and
 * device nodes are regular files (the target as content, the type in the mode), so a
 * share written by QEMU reads the same here and the other way round.
 *
 * All calls return 0 (or a count/fd) on success and -errno on failure. They run in the
 * device's worker thread, one at a time.
 */
#ifndef HW_9PFS_9P_LOCAL_H
#define HW_9PFS_9P_LOCAL_H

#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>

#include "fsdev/fsdev.h"

typedef struct LocalFs {
    int root_fd; /* O_PATH|O_DIRECTORY of the share */
    FsSecurityModel sm;
    bool readonly;
    bool writeout_immediate;
    mode_t fmode, dmode; /* host modes of new files/dirs in mapped-xattr */
} LocalFs;

/* Guest credentials for a new file: the mode (with its S_IF type bits), owner and device. */
typedef struct LocalCred {
    mode_t mode;
    uid_t uid;
    gid_t gid;
    dev_t rdev;
} LocalCred;

/* Open the share of fse: "cannot initialize fsdev 'ID': failed to open 'PATH': ..." */
bool local_fs_open(LocalFs *fs, const FsDriverEntry *fse, Error **errp);
void local_fs_close(LocalFs *fs);

/* A single component we may resolve: not empty, ".", ".." nor containing '/'. */
bool local_name_valid(const char *name);
/* A name the guest may neither see nor use: mapped-file's .virtfs_metadata[_root]. */
bool local_meta_hidden(const LocalFs *fs, const char *name);
/* dir + "/" + name (just name when dir is the root ""); malloc'd. */
char *local_path_join(const char *dir, const char *name);
/* The parent of path ("" for a top-level name and for the root itself); malloc'd. */
char *local_path_parent(const char *path);

/* O_PATH|O_NOFOLLOW fd of path (a symlink gives the link itself). */
int local_open_path(LocalFs *fs, const char *path);
/* An fd for I/O (flags: O_ACCMODE, O_TRUNC, O_APPEND, O_DIRECTORY...); never a symlink. */
int local_open_file(LocalFs *fs, const char *path, int flags);

/* lstat of path, with the mapped-xattr credentials applied. */
int local_lstat(LocalFs *fs, const char *path, struct stat *st);
/* The same for an open fd of path (its metadata is found by the path). */
int local_fstat(LocalFs *fs, int fd, const char *path, struct stat *st);
int local_statfs(LocalFs *fs, struct statfs *sfs);
int local_readlink(LocalFs *fs, const char *path, char *buf, size_t size);

/* Create name in dir: a regular file opened with flags (returns the fd; always O_EXCL, so
 * a failure to set its credentials can remove it again), a directory,
 * a symlink, a node (cred->mode carries the type) or a hard link to an existing path. */
int local_create(LocalFs *fs, const char *dir, const char *name, int flags, const LocalCred *cred);
int local_mkdir(LocalFs *fs, const char *dir, const char *name, const LocalCred *cred);
int local_symlink(LocalFs *fs, const char *dir, const char *name, const char *target,
                  const LocalCred *cred);
int local_mknod(LocalFs *fs, const char *dir, const char *name, const LocalCred *cred);
int local_link(LocalFs *fs, const char *oldpath, const char *dir, const char *name);
int local_rename(LocalFs *fs, const char *olddir, const char *oldname, const char *newdir,
                 const char *newname);
int local_unlink(LocalFs *fs, const char *dir, const char *name, bool rmdir);

/* setattr pieces; uid/gid (uid_t)-1 leaves that one alone. */
int local_chmod(LocalFs *fs, const char *path, mode_t mode);
int local_chown(LocalFs *fs, const char *path, uid_t uid, gid_t gid);
int local_truncate(LocalFs *fs, const char *path, off_t size);
int local_utimens(LocalFs *fs, const char *path, const struct timespec times[2]);

/* Extended attributes the guest sees (user.virtfs.* hidden in mapped-xattr). value NULL /
 * size 0 asks for the size. */
ssize_t local_getxattr(LocalFs *fs, const char *path, const char *name, void *value, size_t size);
ssize_t local_listxattr(LocalFs *fs, const char *path, char *list, size_t size);
int local_setxattr(LocalFs *fs, const char *path, const char *name, const void *value, size_t size,
                   int flags);
int local_removexattr(LocalFs *fs, const char *path, const char *name);

#endif
