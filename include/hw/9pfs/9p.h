/*
 * A 9P2000.L server over the local backend, independent of any transport: the virtio
 * device (hw/9pfs/virtio-9p.c) hands it one request at a time and sends back the reply.
 *
 * Protocol: the 9P2000.L messages of Linux's v9fs client (include/net/9p/9p.h there;
 * version, attach, walk, lopen, lcreate, read, write, clunk, remove, getattr, setattr,
 * readdir, mkdir, symlink, mknod, link, rename, renameat, unlinkat, statfs, fsync,
 * readlink, xattrwalk, xattrcreate, lock, getlock, flush). Errors are Rlerror with a
 * Linux errno. Everything in a request is untrusted: its size field, every length and
 * string is checked against the message, fids are looked up (never trusted), names are
 * single path components, and the backend keeps every path beneath the share
 * (include/hw/9pfs/9p-local.h). A malformed message gets Rlerror(EINVAL) and a
 * -d guest_errors line.
 *
 * Threading: one caller at a time (the device's worker thread); no BQL needed. Only
 * v9fs_msize() may be called from another thread meanwhile.
 */
#ifndef HW_9PFS_9P_H
#define HW_9PFS_9P_H

#include "fsdev/fsdev.h"
#include "hw/9pfs/9p-local.h"
#include "hw/9pfs/9p-marshal.h"

#define V9FS_FID_BUCKETS 256
#define V9FS_MAX_FIDS 65536 /* more live fids than this: EMFILE */
/*
 * More open fids than this (holding a host fd or an xattr value): EMFILE, so a guest can
 * use up neither the process's descriptors nor much memory (512 x 64 KiB of xattrs).
 */
#define V9FS_MAX_OPEN_FIDS 512
#define V9FS_MAX_MSIZE (1 * MiB)  /* the largest msize we agree to (Linux asks <= 512 KiB) */
#define V9FS_MIN_MSIZE 4096       /* smaller ones are refused (version "unknown") */
#define V9FS_DEFAULT_MSIZE 8192   /* until Tversion */
#define V9FS_XATTR_MAX (64 * KiB) /* Linux's XATTR_SIZE_MAX */

/* A fid: a guest handle on a path of the share, maybe open, maybe an xattr transfer. */
typedef struct V9fsFid {
    uint32_t fid;
    char *path; /* relative to the share root; "" is the root */
    int fd;     /* -1 until lopen/lcreate */
    uid_t uid;  /* the attaching user (n_uname), owner of what this fid creates */
    /* xattrwalk (read the value) or xattrcreate (write it, set at clunk) */
    bool is_xattr, xattr_create;
    char *xattr_name;
    uint8_t *xattr_buf;
    uint64_t xattr_size;
    int xattr_flags;
    struct V9fsFid *next;
} V9fsFid;

typedef struct V9fsState {
    LocalFs fs;
    uint32_t msize;
    unsigned nfids;
    unsigned nopen; /* fids holding a host fd or an xattr value */
    V9fsFid *fids[V9FS_FID_BUCKETS];
} V9fsState;

/* Open the share of fse ("cannot initialize fsdev ..." on failure). */
bool v9fs_init(V9fsState *s, const FsDriverEntry *fse, Error **errp);
/* Clunk every fid and forget the negotiated msize (device reset, Tversion). */
void v9fs_reset(V9fsState *s);
void v9fs_cleanup(V9fsState *s);
/* The msize requests and replies are bounded by (after Tversion, what was agreed). */
uint32_t v9fs_msize(const V9fsState *s);
/*
 * Serve one request (req_len bytes, as the driver sent them) and write the reply into
 * reply (at most cap bytes). Returns the reply's length; 0 only when not even an Rlerror
 * fits (cap < 11) or the request has no header to answer.
 */
size_t v9fs_handle(V9fsState *s, const uint8_t *req, size_t req_len, uint8_t *reply, size_t cap);

#endif
