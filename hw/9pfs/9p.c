/*
 * The 9P2000.L server: dispatch, session (version, attach, flush, clunk), walk,
 * attributes and extended attributes. I/O, directories and creation are in 9p-file.c.
 * include/hw/9pfs/9p.h states the protocol and the trust rules.
 *
 * Message types (T; the reply is T + 1; Rlerror is 7):
 *   8 statfs  12 lopen  14 lcreate  16 symlink  18 mknod  20 rename  22 readlink
 *   24 getattr  26 setattr  30 xattrwalk  32 xattrcreate  40 readdir  50 fsync
 *   52 lock  54 getlock  70 link  72 mkdir  74 renameat  76 unlinkat
 *   100 version  102 auth  104 attach  108 flush  110 walk  116 read  118 write
 *   120 clunk  122 remove
 */
#include <errno.h>
#include <inttypes.h>
#include <unistd.h>

#include "9p-int.h"
#include "util/log.h"

#define P9_RLERROR 7
#define P9_MAXWELEM 16
#define P9_QTDIR 0x80
#define P9_QTSYMLINK 0x02
#define P9_GETATTR_BASIC 0x7ffull
#define P9_ATTR_MODE 0x1
#define P9_ATTR_UID 0x2
#define P9_ATTR_GID 0x4
#define P9_ATTR_SIZE 0x8
#define P9_ATTR_ATIME 0x10
#define P9_ATTR_MTIME 0x20
#define P9_ATTR_ATIME_SET 0x80
#define P9_ATTR_MTIME_SET 0x100

/* ---- helpers ---- */

V9fsFid *v9fs_get_fid(V9fsState *s, uint32_t fid, int *err)
{
    V9fsFid *f = v9fs_fid_lookup(s, fid);

    if (!f) {
        log_mask(LOG_GUEST_ERROR, "9p: unknown fid %" PRIu32 "\n", fid);
        *err = -EBADF;
    }
    return f;
}

int v9fs_check_name(V9fsState *s, const char *name)
{
    if (local_meta_hidden(&s->fs, name)) {
        log_mask(LOG_GUEST_ERROR, "9p: refused name '%s' (mapped-file metadata)\n", name);
        return -EINVAL;
    }
    if (!local_name_valid(name)) {
        log_mask(LOG_GUEST_ERROR, "9p: refused name '%s' (not a single path component)\n", name);
        return -EINVAL;
    }
    return 0;
}

void v9fs_stat_to_qid(const struct stat *st, V9fsQID *qid)
{
    qid->type = S_ISDIR(st->st_mode) ? P9_QTDIR : S_ISLNK(st->st_mode) ? P9_QTSYMLINK : 0;
    /* Changes with the contents, so a caching client can tell (QEMU uses the same idea). */
    qid->version = st->st_mtime ^ (st->st_size << 8);
    qid->path = st->st_ino;
}

int v9fs_path_qid(V9fsState *s, const char *path, V9fsQID *qid)
{
    struct stat st;
    int ret = local_lstat(&s->fs, path, &st);

    if (ret == 0) {
        v9fs_stat_to_qid(&st, qid);
    }
    return ret;
}

/* ---- session ---- */

static int v9fs_version(V9fsState *s, P9Reader *r, P9Writer *w)
{
    uint32_t msize = p9r_u32(r);
    char *version = p9r_str(r);

    if (r->err) {
        return -EINVAL;
    }
    v9fs_reset(s); /* a new session: every fid of the old one is gone */
    msize = MIN(msize, V9FS_MAX_MSIZE);
    p9w_u32(w, msize);
    if (strcmp(version, "9P2000.L") || msize < V9FS_MIN_MSIZE) {
        p9w_str(w, "unknown");
    } else {
        /* atomic: the transport reads it from another thread to bound what it copies */
        __atomic_store_n(&s->msize, msize, __ATOMIC_RELAXED);
        p9w_str(w, "9P2000.L");
    }
    free(version);
    return 0;
}

static int v9fs_auth(V9fsState *s, P9Reader *r, P9Writer *w)
{
    return -EOPNOTSUPP; /* no authentication: attach with afid = NOFID */
}

static int v9fs_attach(V9fsState *s, P9Reader *r, P9Writer *w)
{
    uint32_t fid = p9r_u32(r);
    char *uname, *aname;
    uint32_t n_uname;
    V9fsFid *f;
    V9fsQID qid;
    int err;

    p9r_u32(r); /* afid */
    uname = p9r_str(r);
    aname = p9r_str(r);
    n_uname = p9r_u32(r);
    free(uname);
    free(aname);
    if (r->err) {
        return -EINVAL;
    }
    err = v9fs_path_qid(s, "", &qid);
    if (err < 0) {
        return err;
    }
    f = v9fs_fid_new(s, fid, "", &err);
    if (!f) {
        return err;
    }
    f->uid = n_uname;
    p9w_qid(w, &qid);
    return 0;
}

static int v9fs_flush(V9fsState *s, P9Reader *r, P9Writer *w)
{
    /* Requests are served in order, so the flushed one has already been answered. */
    p9r_u16(r);
    return r->err ? -EINVAL : 0;
}

static int v9fs_clunk(V9fsState *s, P9Reader *r, P9Writer *w)
{
    uint32_t fid = p9r_u32(r);
    int err;

    if (r->err) {
        return -EINVAL;
    }
    if (!v9fs_get_fid(s, fid, &err)) {
        return err;
    }
    return v9fs_fid_clunk(s, fid);
}

/* ---- walk ---- */

/* One step from path: the new path (malloc'd) and its qid, or NULL with *err. */
static char *v9fs_walk_one(V9fsState *s, const char *path, const char *name, V9fsQID *qid, int *err)
{
    struct stat st;
    char *next;

    if (!strcmp(name, "..")) {
        next = local_path_parent(path); /* the root's parent is the root (9P) */
    } else if (!strcmp(name, ".")) {
        next = xstrdup(path);
    } else if (!local_name_valid(name)) {
        log_mask(LOG_GUEST_ERROR, "9p: walk to '%s' refused (not a single path component)\n", name);
        *err = -ENOENT;
        return NULL;
    } else if (local_meta_hidden(&s->fs, name)) {
        log_mask(LOG_GUEST_ERROR, "9p: walk to '%s' refused (mapped-file metadata)\n", name);
        *err = -EINVAL;
        return NULL;
    } else {
        next = local_path_join(path, name);
    }
    *err = local_lstat(&s->fs, next, &st);
    if (*err < 0) {
        free(next);
        return NULL;
    }
    v9fs_stat_to_qid(&st, qid);
    return next;
}

/* Walk names[] from f's path; the qids of the steps that worked go to w. */
static int v9fs_walk_names(V9fsState *s, V9fsFid *f, char **names, uint16_t n, P9Writer *w,
                           char **out_path, uint16_t *walked)
{
    char *path = xstrdup(f->path);
    V9fsQID qids[P9_MAXWELEM];
    int err = 0;

    for (*walked = 0; *walked < n; (*walked)++) {
        char *next = v9fs_walk_one(s, path, names[*walked], &qids[*walked], &err);

        if (!next) {
            break;
        }
        free(path);
        path = next;
    }
    if (*walked == 0 && n > 0) {
        free(path);
        return err; /* nothing walked: an error; else a partial walk (9P) */
    }
    p9w_u16(w, *walked);
    for (uint16_t i = 0; i < *walked; i++) {
        p9w_qid(w, &qids[i]);
    }
    *out_path = path;
    return 0;
}

static int v9fs_walk(V9fsState *s, P9Reader *r, P9Writer *w)
{
    uint32_t fid = p9r_u32(r), newfid = p9r_u32(r);
    uint16_t n = p9r_u16(r), walked = 0;
    char *names[P9_MAXWELEM] = {0}, *path = NULL;
    V9fsFid *f;
    int err = -EINVAL;

    for (uint16_t i = 0; i < n && i < P9_MAXWELEM; i++) {
        names[i] = p9r_str(r);
    }
    if (r->err || n > P9_MAXWELEM || !(f = v9fs_get_fid(s, fid, &err))) {
        goto out;
    }
    if (newfid != fid && v9fs_fid_lookup(s, newfid)) {
        err = -EEXIST;
        goto out;
    }
    err = v9fs_walk_names(s, f, names, n, w, &path, &walked);
    if (err == 0 && walked == n) {
        if (newfid == fid) {
            v9fs_fid_set_path(f, path);
        } else {
            V9fsFid *nf = v9fs_fid_new(s, newfid, path, &err);

            if (nf) {
                nf->uid = f->uid;
            }
        }
    }
out:
    for (uint16_t i = 0; i < P9_MAXWELEM; i++) {
        free(names[i]);
    }
    free(path);
    return err;
}

/* ---- attributes ---- */

static int v9fs_getattr(V9fsState *s, P9Reader *r, P9Writer *w)
{
    uint32_t fid = p9r_u32(r);
    struct stat st;
    V9fsQID qid;
    V9fsFid *f;
    int err = -EINVAL;

    p9r_u64(r); /* request_mask: we always answer the basic set */
    if (r->err || !(f = v9fs_get_fid(s, fid, &err))) {
        return err;
    }
    /* An open fid answers for its file even after an unlink or a rename on the host. */
    err = f->fd >= 0 ? local_fstat(&s->fs, f->fd, f->path, &st) : local_lstat(&s->fs, f->path, &st);
    if (err < 0) {
        return err;
    }
    v9fs_stat_to_qid(&st, &qid);
    p9w_u64(w, P9_GETATTR_BASIC);
    p9w_qid(w, &qid);
    p9w_u32(w, st.st_mode);
    p9w_u32(w, st.st_uid);
    p9w_u32(w, st.st_gid);
    p9w_u64(w, st.st_nlink);
    p9w_u64(w, st.st_rdev);
    p9w_u64(w, st.st_size);
    p9w_u64(w, st.st_blksize);
    p9w_u64(w, st.st_blocks);
    p9w_u64(w, st.st_atim.tv_sec);
    p9w_u64(w, st.st_atim.tv_nsec);
    p9w_u64(w, st.st_mtim.tv_sec);
    p9w_u64(w, st.st_mtim.tv_nsec);
    p9w_u64(w, st.st_ctim.tv_sec);
    p9w_u64(w, st.st_ctim.tv_nsec);
    for (int i = 0; i < 4; i++) {
        p9w_u64(w, 0); /* btime sec/nsec, gen, data_version: not in the basic set */
    }
    return 0;
}

static struct timespec v9fs_setattr_time(uint32_t valid, uint32_t bit, uint32_t set_bit,
                                         uint64_t sec, uint64_t nsec)
{
    if (!(valid & bit)) {
        return (struct timespec){.tv_nsec = UTIME_OMIT};
    }
    if (!(valid & set_bit)) {
        return (struct timespec){.tv_nsec = UTIME_NOW};
    }
    return (struct timespec){.tv_sec = sec, .tv_nsec = nsec % 1000000000};
}

static int v9fs_setattr(V9fsState *s, P9Reader *r, P9Writer *w)
{
    uint32_t fid = p9r_u32(r), valid = p9r_u32(r), mode = p9r_u32(r);
    uint32_t uid = p9r_u32(r), gid = p9r_u32(r);
    uint64_t size = p9r_u64(r), asec = p9r_u64(r), ansec = p9r_u64(r);
    uint64_t msec = p9r_u64(r), mnsec = p9r_u64(r);
    struct timespec times[2];
    V9fsFid *f;
    int err = -EINVAL;

    if (r->err || !(f = v9fs_get_fid(s, fid, &err))) {
        return err;
    }
    err = 0;
    if (valid & P9_ATTR_MODE) {
        err = local_chmod(&s->fs, f->path, mode);
    }
    if (!err && (valid & (P9_ATTR_UID | P9_ATTR_GID))) {
        err = local_chown(&s->fs, f->path, valid & P9_ATTR_UID ? uid : (uid_t)-1,
                          valid & P9_ATTR_GID ? gid : (gid_t)-1);
    }
    if (!err && (valid & P9_ATTR_SIZE)) {
        err = size > INT64_MAX ? -EFBIG
              : f->fd >= 0     ? (ftruncate(f->fd, size) < 0 ? -errno : 0)
                               : local_truncate(&s->fs, f->path, size);
    }
    times[0] = v9fs_setattr_time(valid, P9_ATTR_ATIME, P9_ATTR_ATIME_SET, asec, ansec);
    times[1] = v9fs_setattr_time(valid, P9_ATTR_MTIME, P9_ATTR_MTIME_SET, msec, mnsec);
    if (!err && (valid & (P9_ATTR_ATIME | P9_ATTR_MTIME))) {
        err = local_utimens(&s->fs, f->path, times);
    }
    return err;
}

static int v9fs_statfs(V9fsState *s, P9Reader *r, P9Writer *w)
{
    uint32_t fid = p9r_u32(r);
    struct statfs sfs;
    int err = -EINVAL;

    if (r->err || !v9fs_get_fid(s, fid, &err)) {
        return err;
    }
    err = local_statfs(&s->fs, &sfs);
    if (err < 0) {
        return err;
    }
    p9w_u32(w, sfs.f_type);
    p9w_u32(w, sfs.f_bsize);
    p9w_u64(w, sfs.f_blocks);
    p9w_u64(w, sfs.f_bfree);
    p9w_u64(w, sfs.f_bavail);
    p9w_u64(w, sfs.f_files);
    p9w_u64(w, sfs.f_ffree);
    p9w_u64(w, (uint64_t)(uint32_t)sfs.f_fsid.__val[0] | (uint64_t)sfs.f_fsid.__val[1] << 32);
    p9w_u32(w, sfs.f_namelen);
    return 0;
}

/* ---- extended attributes ---- */

/* Read the value of name (or the list, name "") of f's file into a new xattr fid. */
static int v9fs_xattr_fill(V9fsState *s, V9fsFid *f, V9fsFid *nf, const char *name)
{
    ssize_t n = *name ? local_getxattr(&s->fs, f->path, name, NULL, 0)
                      : local_listxattr(&s->fs, f->path, NULL, 0);
    uint8_t *buf;

    if (n < 0) {
        return n;
    }
    if (n > (ssize_t)V9FS_XATTR_MAX) {
        return -E2BIG;
    }
    buf = xmalloc(n ? n : 1);
    n = *name ? local_getxattr(&s->fs, f->path, name, buf, n)
              : local_listxattr(&s->fs, f->path, (char *)buf, n);
    if (n < 0) {
        free(buf);
        return n;
    }
    v9fs_fid_set_xattr(s, nf, buf, n);
    return 0;
}

static int v9fs_xattrwalk(V9fsState *s, P9Reader *r, P9Writer *w)
{
    uint32_t fid = p9r_u32(r), newfid = p9r_u32(r);
    char *name = p9r_str(r);
    V9fsFid *f, *nf;
    int err = -EINVAL;

    if (r->err || !(f = v9fs_get_fid(s, fid, &err))) {
        free(name);
        return err;
    }
    err = v9fs_fid_may_open(s);
    nf = err ? NULL : v9fs_fid_new(s, newfid, f->path, &err);
    if (nf) {
        err = v9fs_xattr_fill(s, f, nf, name);
        if (err < 0) {
            v9fs_fid_clunk(s, newfid);
        } else {
            p9w_u64(w, nf->xattr_size);
        }
    }
    free(name);
    return err;
}

static int v9fs_xattrcreate(V9fsState *s, P9Reader *r, P9Writer *w)
{
    uint32_t fid = p9r_u32(r);
    char *name = p9r_str(r);
    uint64_t size = p9r_u64(r);
    uint32_t flags = p9r_u32(r);
    V9fsFid *f;
    int err = -EINVAL;

    if (r->err || !(f = v9fs_get_fid(s, fid, &err))) {
        free(name);
        return err;
    }
    err = size > V9FS_XATTR_MAX                      ? -E2BIG
          : f->is_xattr || f->fd >= 0 || flags & ~3u ? -EINVAL /* XATTR_CREATE|XATTR_REPLACE */
                                                     : v9fs_fid_may_open(s);
    if (err < 0) {
        free(name);
        return err;
    }
    /* The fid now carries the value; Twrite fills it and Tclunk sets it. */
    f->xattr_create = true;
    f->xattr_name = name;
    f->xattr_flags = flags;
    v9fs_fid_set_xattr(s, f, xzalloc(size ? size : 1), size);
    return 0;
}

/* ---- dispatch ---- */

typedef struct V9fsOp {
    uint8_t type;
    bool modifies; /* refused with EROFS on a readonly=on share */
    V9fsHandler *handler;
    const char *name;
} V9fsOp;

static const V9fsOp v9fs_ops[] = {
    {8, false, v9fs_statfs, "statfs"},
    {12, false, v9fs_lopen, "lopen"},
    {14, true, v9fs_lcreate, "lcreate"},
    {16, true, v9fs_symlink, "symlink"},
    {18, true, v9fs_mknod, "mknod"},
    {20, true, v9fs_rename, "rename"},
    {22, false, v9fs_readlink, "readlink"},
    {24, false, v9fs_getattr, "getattr"},
    {26, true, v9fs_setattr, "setattr"},
    {30, false, v9fs_xattrwalk, "xattrwalk"},
    {32, true, v9fs_xattrcreate, "xattrcreate"},
    {40, false, v9fs_readdir, "readdir"},
    {50, false, v9fs_fsync, "fsync"},
    {52, false, v9fs_lock, "lock"},
    {54, false, v9fs_getlock, "getlock"},
    {70, true, v9fs_link, "link"},
    {72, true, v9fs_mkdir, "mkdir"},
    {74, true, v9fs_renameat, "renameat"},
    {76, true, v9fs_unlinkat, "unlinkat"},
    {100, false, v9fs_version, "version"},
    {102, false, v9fs_auth, "auth"},
    {104, false, v9fs_attach, "attach"},
    {108, false, v9fs_flush, "flush"},
    {110, false, v9fs_walk, "walk"},
    {116, false, v9fs_read, "read"},
    {118, false, v9fs_write, "write"},
    {120, false, v9fs_clunk, "clunk"},
    {122, true, v9fs_remove, "remove"},
};

static const V9fsOp *v9fs_find_op(uint8_t type)
{
    for (size_t i = 0; i < ARRAY_SIZE(v9fs_ops); i++) {
        if (v9fs_ops[i].type == type) {
            return &v9fs_ops[i];
        }
    }
    return NULL;
}

static int v9fs_run(V9fsState *s, uint8_t type, P9Reader *r, P9Writer *w)
{
    const V9fsOp *op = v9fs_find_op(type);
    int err;

    if (!op) {
        log_mask(LOG_GUEST_ERROR, "9p: unsupported message type %u\n", type);
        return -EOPNOTSUPP;
    }
    if (op->modifies && s->fs.readonly) {
        return -EROFS;
    }
    err = op->handler(s, r, w);
    if (err == -EINVAL && r->err) {
        log_mask(LOG_GUEST_ERROR, "9p: T%s shorter than its fields\n", op->name);
    }
    if (err == 0 && w->overflow) {
        log_mask(LOG_GUEST_ERROR, "9p: R%s does not fit the reply buffer\n", op->name);
        err = -ENOBUFS;
    }
    return err;
}

size_t v9fs_handle(V9fsState *s, const uint8_t *req, size_t req_len, uint8_t *reply, size_t cap)
{
    P9Reader r;
    P9Writer w;
    uint32_t size;
    uint8_t type;
    uint16_t tag;
    int err;

    p9r_init(&r, req, req_len);
    size = p9r_u32(&r);
    type = p9r_u8(&r);
    tag = p9r_u16(&r);
    if (r.err || cap < P9_HDR_SIZE + 4) {
        log_mask(LOG_GUEST_ERROR, "9p: request without a header or room for a reply\n");
        return 0;
    }
    p9w_init(&w, reply, MIN(cap, MAX(v9fs_msize(s), (uint32_t)V9FS_MIN_MSIZE)));
    w.len = P9_HDR_SIZE;
    if (size < P9_HDR_SIZE || size > req_len || size > V9FS_MAX_MSIZE) {
        log_mask(LOG_GUEST_ERROR, "9p: size field %" PRIu32 " of a %zu-byte request\n", size,
                 req_len);
        err = -EINVAL;
    } else {
        r.len = size; /* the fields end where the message says it does */
        err = (type & 1) ? -EINVAL : v9fs_run(s, type, &r, &w);
    }
    if (err < 0) {
        w.len = P9_HDR_SIZE;
        w.overflow = false;
        p9w_u32(&w, -err);
        type = P9_RLERROR - 1;
    }
    p9w_patch_u32(&w, 0, w.len);
    reply[4] = type + 1;
    reply[5] = tag;
    reply[6] = tag >> 8;
    return w.len;
}

/* ---- life cycle ---- */

bool v9fs_init(V9fsState *s, const FsDriverEntry *fse, Error **errp)
{
    memset(s, 0, sizeof(*s));
    s->msize = V9FS_DEFAULT_MSIZE;
    return local_fs_open(&s->fs, fse, errp);
}

void v9fs_reset(V9fsState *s)
{
    v9fs_fid_clunk_all(s);
    __atomic_store_n(&s->msize, V9FS_DEFAULT_MSIZE, __ATOMIC_RELAXED);
}

void v9fs_cleanup(V9fsState *s)
{
    v9fs_fid_clunk_all(s);
    local_fs_close(&s->fs);
}

uint32_t v9fs_msize(const V9fsState *s)
{
    return __atomic_load_n(&s->msize, __ATOMIC_RELAXED);
}
