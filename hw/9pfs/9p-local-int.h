/*
 * Inside the local backend: helpers shared by 9p-local.c and 9p-local-meta.c (the guest
 * credentials of the mapped security models).
 */
#ifndef HW_9PFS_9P_LOCAL_INT_H
#define HW_9PFS_9P_LOCAL_INT_H

#include <errno.h>

#include "hw/9pfs/9p-local.h"

#define PROC_PATH_MAX 300 /* "/proc/self/fd/N/" + a 255-byte name */

/* "/proc/self/fd/FD[/name]": reaches exactly what fd (resolved beneath the root) is. */
static inline void proc_fd_path(char *buf, int fd, const char *name)
{
    snprintf(buf, PROC_PATH_MAX, "/proc/self/fd/%d%s%s", fd, name ? "/" : "", name ? name : "");
}

static inline int neg_errno(int ret)
{
    return ret < 0 ? -errno : ret;
}

/* ---- the mapped models' metadata (9p-local-meta.c) ---- */
#define LOCAL_META_UID 1u
#define LOCAL_META_GID 2u
#define LOCAL_META_MODE 4u
#define LOCAL_META_RDEV 8u

/* mapped-xattr or mapped-file: guest credentials are stored apart from the host's. */
bool local_meta_enabled(const LocalFs *fs);
/* Override st (the host's lstat of dfd/name; name "." is the share root) with what is stored. */
void local_meta_apply(LocalFs *fs, int dfd, const char *name, struct stat *st);
/* Store the fields of cred that what selects (LOCAL_META_*) for dfd/name. */
int local_meta_set(LocalFs *fs, int dfd, const char *name, const LocalCred *cred, unsigned what);
/* After a rename (link: a new name of the same file) of dfd/name: its metadata follows. */
void local_meta_moved(LocalFs *fs, int odfd, const char *oname, int ndfd, const char *nname,
                      bool link);
/* Before removing the directory dfd/name: its (empty) metadata directory goes. */
void local_meta_before_rmdir(LocalFs *fs, int dfd, const char *name);
/* After removing dfd/name: its metadata goes. */
void local_meta_removed(LocalFs *fs, int dfd, const char *name);

#endif
