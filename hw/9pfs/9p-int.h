/*
 * Inside the 9p server: the fid table (9p-fid.c) and the message handlers, split between
 * 9p.c (session, walk, attributes, xattrs) and 9p-file.c (I/O, directories, creation).
 * A handler reads its fields from r, writes its reply body into w and returns 0, or
 * returns -errno (the dispatcher then sends Rlerror and drops what w holds).
 */
#ifndef HW_9PFS_9P_INT_H
#define HW_9PFS_9P_INT_H

#include "hw/9pfs/9p.h"

#define P9_NOFID 0xffffffffu

typedef int V9fsHandler(V9fsState *s, P9Reader *r, P9Writer *w);

/* ---- fids (9p-fid.c) ---- */
V9fsFid *v9fs_fid_lookup(V9fsState *s, uint32_t fid);
/* A new fid on path (copied); NULL with *err = -EEXIST / -EMFILE. */
V9fsFid *v9fs_fid_new(V9fsState *s, uint32_t fid, const char *path, int *err);
/* Remove and free it (closing its fd); returns the xattr commit's result for xattrcreate. */
int v9fs_fid_clunk(V9fsState *s, uint32_t fid);
void v9fs_fid_clunk_all(V9fsState *s);
/* After a rename of old to new: fids on old or below it follow. */
void v9fs_fid_rename_paths(V9fsState *s, const char *oldpath, const char *newpath);
void v9fs_fid_set_path(V9fsFid *f, const char *path);
/* May one more fid be opened? -EMFILE beyond V9FS_MAX_OPEN_FIDS. */
int v9fs_fid_may_open(V9fsState *s);
/* f now holds the open fd (counted until the fid is clunked). */
void v9fs_fid_set_fd(V9fsState *s, V9fsFid *f, int fd);
/* f now carries an xattr value of size bytes (counted like an open fd). */
void v9fs_fid_set_xattr(V9fsState *s, V9fsFid *f, uint8_t *buf, uint64_t size);

/* ---- helpers shared by the handlers (9p.c) ---- */
/* The fid, or NULL with *err = -EBADF (logged: the guest named a fid it does not hold). */
V9fsFid *v9fs_get_fid(V9fsState *s, uint32_t fid, int *err);
/* A name for the new entry of a create/link/rename: valid, else logged and -EINVAL. */
int v9fs_check_name(V9fsState *s, const char *name);
void v9fs_stat_to_qid(const struct stat *st, V9fsQID *qid);
/* The qid of path (after creating it). */
int v9fs_path_qid(V9fsState *s, const char *path, V9fsQID *qid);

/* ---- handlers of 9p-file.c ---- */
V9fsHandler v9fs_lopen, v9fs_lcreate, v9fs_read, v9fs_write, v9fs_readdir, v9fs_fsync, v9fs_lock,
    v9fs_getlock, v9fs_mkdir, v9fs_symlink, v9fs_mknod, v9fs_link, v9fs_rename, v9fs_renameat,
    v9fs_unlinkat, v9fs_readlink, v9fs_remove;

#endif
