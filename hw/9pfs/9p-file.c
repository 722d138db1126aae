/*
 * The 9P2000.L server, part two: opening, I/O, directories, locks, and creating, linking,
 * renaming and removing entries (the session and attributes are in 9p.c).
 *
 * Open flags are Linux's (P9_DOTL_*, the same numbers as the host's O_* here); only those
 * a file server should honour are kept: no O_CREAT (Tlcreate creates), no O_NOATIME,
 * O_DIRECT, FASYNC or O_NOCTTY, and the backend adds O_NOFOLLOW and O_CLOEXEC itself.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "9p-int.h"
#include "util/log.h"

#define P9_RLOCK_SUCCESS 0
#define P9_RLOCK_BLOCKED 1
#define P9_RLOCK_ERROR 2
#define P9_LOCK_TYPE_RDLCK 0
#define P9_LOCK_TYPE_WRLCK 1
#define P9_LOCK_TYPE_UNLCK 2
#define P9_AT_REMOVEDIR 0x200
#define P9_READ_HDR 11     /* size type tag count */
#define P9_DIRENT_FIXED 24 /* qid[13] offset[8] type[1] name length[2] */

static int v9fs_open_flags(uint32_t flags)
{
    return (flags & O_ACCMODE) == 3 ? O_RDONLY
                                    : (int)(flags & (O_ACCMODE | O_TRUNC | O_APPEND | O_DSYNC |
                                                     O_SYNC | O_DIRECTORY | O_EXCL));
}

static bool v9fs_flags_write(int flags)
{
    return (flags & O_ACCMODE) != O_RDONLY || (flags & (O_TRUNC | O_APPEND));
}

/* The fid of an unopened, non-xattr file (for lopen/lcreate). */
static V9fsFid *v9fs_get_closed_fid(V9fsState *s, uint32_t fid, int *err)
{
    V9fsFid *f = v9fs_get_fid(s, fid, err);

    if (f && (f->fd >= 0 || f->is_xattr)) {
        log_mask(LOG_GUEST_ERROR, "9p: fid %u is already open\n", fid);
        *err = -EBADF;
        return NULL;
    }
    return f;
}

static void v9fs_reply_open(P9Writer *w, const struct stat *st)
{
    V9fsQID qid;

    v9fs_stat_to_qid(st, &qid);
    p9w_qid(w, &qid);
    p9w_u32(w, 0); /* iounit 0: the client uses msize */
}

int v9fs_lopen(V9fsState *s, P9Reader *r, P9Writer *w)
{
    uint32_t fid = p9r_u32(r), flags = p9r_u32(r);
    int oflags = v9fs_open_flags(flags), err = -EINVAL, fd;
    struct stat st;
    V9fsFid *f;

    if (r->err || !(f = v9fs_get_closed_fid(s, fid, &err))) {
        return err;
    }
    if (s->fs.readonly && v9fs_flags_write(oflags)) {
        return -EROFS;
    }
    err = v9fs_fid_may_open(s);
    if (err < 0) {
        return err;
    }
    err = local_lstat(&s->fs, f->path, &st);
    if (err < 0) {
        return err;
    }
    if (S_ISLNK(st.st_mode)) {
        /* The guest resolves links itself; opening one here would follow it. */
        log_mask(LOG_GUEST_ERROR, "9p: refused to open '%s', a symbolic link\n", f->path);
        return -ELOOP;
    }
    if (S_ISDIR(st.st_mode)) {
        oflags = O_RDONLY | O_DIRECTORY;
    }
    fd = local_open_file(&s->fs, f->path, oflags & ~O_EXCL);
    if (fd < 0) {
        return fd;
    }
    v9fs_fid_set_fd(s, f, fd);
    v9fs_reply_open(w, &st);
    return 0;
}

static LocalCred v9fs_cred(const V9fsFid *f, mode_t mode, gid_t gid, dev_t rdev)
{
    return (LocalCred){.mode = mode, .uid = f->uid, .gid = gid, .rdev = rdev};
}

int v9fs_lcreate(V9fsState *s, P9Reader *r, P9Writer *w)
{
    uint32_t fid = p9r_u32(r);
    char *name = p9r_str(r), *path = NULL;
    uint32_t flags = p9r_u32(r), mode = p9r_u32(r), gid = p9r_u32(r);
    LocalCred cred;
    struct stat st;
    V9fsFid *f;
    int err = -EINVAL, fd;

    if (r->err || !(f = v9fs_get_closed_fid(s, fid, &err)) || (err = v9fs_check_name(s, name)) ||
        (err = v9fs_fid_may_open(s))) {
        goto out;
    }
    cred = v9fs_cred(f, S_IFREG | (mode & 07777), gid, 0);
    fd = local_create(&s->fs, f->path, name, v9fs_open_flags(flags) & ~O_DIRECTORY, &cred);
    if (fd < 0) {
        err = fd;
        goto out;
    }
    path = local_path_join(f->path, name);
    err = local_fstat(&s->fs, fd, path, &st);
    if (err < 0) {
        close(fd);
        goto out;
    }
    /* The fid now stands for the new, open file (9P). */
    v9fs_fid_set_path(f, path);
    v9fs_fid_set_fd(s, f, fd);
    v9fs_reply_open(w, &st);
out:
    free(name);
    free(path);
    return err;
}

/* ---- I/O ---- */

static int v9fs_xattr_read(V9fsFid *f, uint64_t offset, uint32_t count, P9Writer *w)
{
    uint64_t n = offset >= f->xattr_size ? 0 : MIN(count, f->xattr_size - offset);

    if (f->xattr_create) {
        return -EBADF;
    }
    p9w_u32(w, n);
    p9w_data(w, f->xattr_buf + offset * (n > 0), n);
    return 0;
}

int v9fs_read(V9fsState *s, P9Reader *r, P9Writer *w)
{
    uint32_t fid = p9r_u32(r), count;
    uint64_t offset = p9r_u64(r);
    V9fsFid *f;
    ssize_t n;
    int err = -EINVAL;

    count = p9r_u32(r);
    if (r->err || !(f = v9fs_get_fid(s, fid, &err))) {
        return err;
    }
    if (f->is_xattr) {
        return v9fs_xattr_read(f, offset, count, w);
    }
    if (f->fd < 0 || offset > INT64_MAX) {
        return f->fd < 0 ? -EBADF : -EINVAL;
    }
    /* Read straight into the reply, after its count field. */
    count = MIN(count, p9w_room(w) >= 4 ? p9w_room(w) - 4 : 0);
    n = pread(f->fd, w->buf + w->len + 4, count, offset);
    if (n < 0) {
        return -errno;
    }
    p9w_u32(w, n);
    w->len += n;
    return 0;
}

static int v9fs_xattr_write(V9fsFid *f, uint64_t offset, uint32_t count, const uint8_t *data,
                            P9Writer *w)
{
    if (!f->xattr_create || offset > f->xattr_size || count > f->xattr_size - offset) {
        return -ENOSPC;
    }
    memcpy(f->xattr_buf + offset, data, count);
    p9w_u32(w, count);
    return 0;
}

int v9fs_write(V9fsState *s, P9Reader *r, P9Writer *w)
{
    uint32_t fid = p9r_u32(r), count;
    uint64_t offset = p9r_u64(r);
    const uint8_t *data;
    V9fsFid *f;
    ssize_t n;
    int err = -EINVAL;

    count = p9r_u32(r);
    data = p9r_data(r, count); /* the data must be inside the message */
    if (r->err || !(f = v9fs_get_fid(s, fid, &err))) {
        return err;
    }
    if (f->is_xattr) {
        return v9fs_xattr_write(f, offset, count, data, w);
    }
    if (f->fd < 0 || offset > INT64_MAX) {
        return f->fd < 0 ? -EBADF : -EINVAL;
    }
    n = pwrite(f->fd, data, count, offset);
    if (n < 0) {
        return -errno;
    }
    if (s->fs.writeout_immediate && fdatasync(f->fd) < 0) {
        return -errno;
    }
    p9w_u32(w, n);
    return 0;
}

int v9fs_fsync(V9fsState *s, P9Reader *r, P9Writer *w)
{
    uint32_t fid = p9r_u32(r), datasync = p9r_u32(r);
    V9fsFid *f;
    int err = -EINVAL;

    if (r->err || !(f = v9fs_get_fid(s, fid, &err))) {
        return err;
    }
    if (f->fd < 0) {
        return -EBADF;
    }
    return (datasync ? fdatasync(f->fd) : fsync(f->fd)) < 0 ? -errno : 0;
}

/* ---- directories ---- */

struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

#define V9FS_DIRENT_BUF (32 * KiB)

/*
 * Entries from the host's getdents64 at the cookie offset until count bytes are used; each
 * carries the cookie of the next one, so every request seeks afresh (no state kept).
 */
static int v9fs_readdir_fill(const LocalFs *fs, int fd, uint64_t offset, uint32_t count,
                             P9Writer *w, uint32_t *used)
{
    uint8_t *buf = xmalloc(V9FS_DIRENT_BUF);
    int err = 0;

    if (lseek(fd, offset, SEEK_SET) < 0) {
        free(buf);
        return -errno;
    }
    for (bool full = false; !full;) {
        long n = syscall(SYS_getdents64, fd, buf, V9FS_DIRENT_BUF);

        if (n <= 0) {
            err = n < 0 ? -errno : 0;
            break;
        }
        for (long pos = 0; pos < n && !full;
             pos += ((struct linux_dirent64 *)(buf + pos))->d_reclen) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + pos);
            size_t need = P9_DIRENT_FIXED + strlen(d->d_name);
            V9fsQID qid = {.type = d->d_type == DT_DIR   ? 0x80
                                   : d->d_type == DT_LNK ? 0x02
                                                         : 0,
                           .path = d->d_ino};

            full = *used + need > count;
            if (!full && local_meta_hidden(fs, d->d_name)) {
                continue; /* the entry before leads here again; skipped again */
            }
            if (!full) {
                p9w_qid(w, &qid);
                p9w_u64(w, d->d_off);
                p9w_u8(w, d->d_type);
                p9w_str(w, d->d_name);
                *used += need;
            }
        }
    }
    free(buf);
    return err;
}

int v9fs_readdir(V9fsState *s, P9Reader *r, P9Writer *w)
{
    uint32_t fid = p9r_u32(r), count, used = 0;
    uint64_t offset = p9r_u64(r);
    size_t count_at;
    V9fsFid *f;
    int err = -EINVAL;

    count = p9r_u32(r);
    if (r->err || !(f = v9fs_get_fid(s, fid, &err))) {
        return err;
    }
    if (f->fd < 0 || offset > INT64_MAX) {
        return f->fd < 0 ? -EBADF : -EINVAL;
    }
    count = MIN(count, p9w_room(w) >= 4 ? p9w_room(w) - 4 : 0);
    count_at = w->len;
    p9w_u32(w, 0);
    err = v9fs_readdir_fill(&s->fs, f->fd, offset, count, w, &used);
    p9w_patch_u32(w, count_at, used);
    return err;
}

/* ---- locks: open file description locks, so each fid's open file holds its own ---- */

static int v9fs_lock_type(uint8_t type)
{
    return type == P9_LOCK_TYPE_RDLCK   ? F_RDLCK
           : type == P9_LOCK_TYPE_WRLCK ? F_WRLCK
           : type == P9_LOCK_TYPE_UNLCK ? F_UNLCK
                                        : -1;
}

int v9fs_lock(V9fsState *s, P9Reader *r, P9Writer *w)
{
    uint32_t fid = p9r_u32(r);
    int type = v9fs_lock_type(p9r_u8(r)), err = -EINVAL;
    struct flock fl = {.l_whence = SEEK_SET};
    V9fsFid *f;

    p9r_u32(r); /* flags: BLOCK is the client's to retry on BLOCKED */
    fl.l_start = p9r_u64(r);
    fl.l_len = p9r_u64(r);
    p9r_u32(r);       /* proc_id */
    free(p9r_str(r)); /* client_id */
    if (r->err || !(f = v9fs_get_fid(s, fid, &err))) {
        return err;
    }
    if (f->fd < 0 || type < 0 || fl.l_start < 0 || fl.l_len < 0) {
        return f->fd < 0 ? -EBADF : -EINVAL;
    }
    fl.l_type = type;
    if (fcntl(f->fd, F_OFD_SETLK, &fl) == 0) {
        p9w_u8(w, P9_RLOCK_SUCCESS);
    } else if (errno == EBADF) {
        /*
         * A write lock on a file open for reading (flock(2) allows it, fcntl locks do not):
         * the host cannot hold it, the guest kernel still does (it keeps its own lock state),
         * so it is granted as QEMU grants every lock.
         */
        p9w_u8(w, P9_RLOCK_SUCCESS);
    } else {
        p9w_u8(w, errno == EAGAIN || errno == EACCES ? P9_RLOCK_BLOCKED : P9_RLOCK_ERROR);
    }
    return 0;
}

int v9fs_getlock(V9fsState *s, P9Reader *r, P9Writer *w)
{
    uint32_t fid = p9r_u32(r), proc_id;
    int type = v9fs_lock_type(p9r_u8(r)), err = -EINVAL;
    struct flock fl = {.l_whence = SEEK_SET};
    char *client_id;
    V9fsFid *f;

    fl.l_start = p9r_u64(r);
    fl.l_len = p9r_u64(r);
    proc_id = p9r_u32(r);
    client_id = p9r_str(r);
    if (r->err || !(f = v9fs_get_fid(s, fid, &err)) || type < 0 || fl.l_start < 0 || fl.l_len < 0 ||
        f->fd < 0) {
        free(client_id);
        return err == -EINVAL || r->err ? -EINVAL : err;
    }
    fl.l_type = type;
    if (fcntl(f->fd, F_OFD_GETLK, &fl) < 0) {
        free(client_id);
        return -errno;
    }
    p9w_u8(w, fl.l_type == F_RDLCK   ? P9_LOCK_TYPE_RDLCK
              : fl.l_type == F_WRLCK ? P9_LOCK_TYPE_WRLCK
                                     : P9_LOCK_TYPE_UNLCK);
    p9w_u64(w, fl.l_start);
    p9w_u64(w, fl.l_len);
    p9w_u32(w, fl.l_type == F_UNLCK ? proc_id : 0); /* a host lock has no guest pid */
    p9w_str(w, client_id);
    free(client_id);
    return 0;
}

/* ---- creating entries ---- */

/* The directory fid and the checked new name; *path = dir/name (malloc'd). */
static int v9fs_get_dir_name(V9fsState *s, uint32_t dfid, const char *name, V9fsFid **f,
                             char **path)
{
    int err = -EINVAL;

    if (!name || !(*f = v9fs_get_fid(s, dfid, &err))) {
        return err;
    }
    err = v9fs_check_name(s, name);
    if (err == 0) {
        *path = local_path_join((*f)->path, name);
    }
    return err;
}

/* Reply the qid of what a create made. */
static int v9fs_reply_created(V9fsState *s, int err, const char *path, P9Writer *w)
{
    V9fsQID qid;

    if (err == 0) {
        err = v9fs_path_qid(s, path, &qid);
    }
    if (err == 0) {
        p9w_qid(w, &qid);
    }
    return err;
}

int v9fs_mkdir(V9fsState *s, P9Reader *r, P9Writer *w)
{
    uint32_t dfid = p9r_u32(r);
    char *name = p9r_str(r), *path = NULL;
    uint32_t mode = p9r_u32(r), gid = p9r_u32(r);
    V9fsFid *f;
    int err = r->err ? -EINVAL : v9fs_get_dir_name(s, dfid, name, &f, &path);

    if (err == 0) {
        LocalCred cred = v9fs_cred(f, S_IFDIR | (mode & 07777), gid, 0);

        err = v9fs_reply_created(s, local_mkdir(&s->fs, f->path, name, &cred), path, w);
    }
    free(name);
    free(path);
    return err;
}

int v9fs_symlink(V9fsState *s, P9Reader *r, P9Writer *w)
{
    uint32_t dfid = p9r_u32(r);
    char *name = p9r_str(r), *target = p9r_str(r), *path = NULL;
    uint32_t gid = p9r_u32(r);
    V9fsFid *f;
    int err = r->err ? -EINVAL : v9fs_get_dir_name(s, dfid, name, &f, &path);

    if (err == 0) {
        /* The target is only stored: the guest resolves it in its own namespace. */
        LocalCred cred = v9fs_cred(f, S_IFLNK | 0777, gid, 0);

        err = v9fs_reply_created(s, local_symlink(&s->fs, f->path, name, target, &cred), path, w);
    }
    free(name);
    free(target);
    free(path);
    return err;
}

int v9fs_mknod(V9fsState *s, P9Reader *r, P9Writer *w)
{
    uint32_t dfid = p9r_u32(r);
    char *name = p9r_str(r), *path = NULL;
    uint32_t mode = p9r_u32(r), major = p9r_u32(r), minor = p9r_u32(r), gid = p9r_u32(r);
    mode_t type = mode & S_IFMT;
    V9fsFid *f;
    int err = r->err ? -EINVAL : v9fs_get_dir_name(s, dfid, name, &f, &path);

    if (err == 0 && type != S_IFREG && type != S_IFCHR && type != S_IFBLK && type != S_IFIFO &&
        type != S_IFSOCK) {
        err = -EINVAL;
    }
    if (err == 0) {
        LocalCred cred = v9fs_cred(f, type | (mode & 07777), gid, makedev(major, minor));

        err = v9fs_reply_created(s, local_mknod(&s->fs, f->path, name, &cred), path, w);
    }
    free(name);
    free(path);
    return err;
}

int v9fs_link(V9fsState *s, P9Reader *r, P9Writer *w)
{
    uint32_t dfid = p9r_u32(r), fid = p9r_u32(r);
    char *name = p9r_str(r), *path = NULL;
    V9fsFid *d, *f;
    int err = r->err ? -EINVAL : v9fs_get_dir_name(s, dfid, name, &d, &path);

    if (err == 0 && (f = v9fs_get_fid(s, fid, &err))) {
        err = local_link(&s->fs, f->path, d->path, name);
    }
    free(name);
    free(path);
    return err;
}

int v9fs_readlink(V9fsState *s, P9Reader *r, P9Writer *w)
{
    uint32_t fid = p9r_u32(r);
    char target[PATH_MAX + 1];
    V9fsFid *f;
    int err = -EINVAL, n;

    if (r->err || !(f = v9fs_get_fid(s, fid, &err))) {
        return err;
    }
    n = local_readlink(&s->fs, f->path, target, PATH_MAX);
    if (n < 0) {
        return n;
    }
    target[n] = '\0';
    if (strlen(target) != (size_t)n) {
        return -EINVAL; /* a mapped "symlink" file holding a NUL is no path */
    }
    p9w_str(w, target);
    return 0;
}

/* ---- renaming and removing ---- */

static int v9fs_do_rename(V9fsState *s, const char *olddir, const char *oldname, const char *newdir,
                          const char *newname)
{
    char *oldpath = local_path_join(olddir, oldname), *newpath = local_path_join(newdir, newname);
    int err = local_rename(&s->fs, olddir, oldname, newdir, newname);

    if (err == 0) {
        v9fs_fid_rename_paths(s, oldpath, newpath);
    }
    free(oldpath);
    free(newpath);
    return err;
}

int v9fs_rename(V9fsState *s, P9Reader *r, P9Writer *w)
{
    uint32_t fid = p9r_u32(r), dfid = p9r_u32(r);
    char *name = p9r_str(r), *newpath = NULL, *olddir;
    V9fsFid *f, *d;
    int err = r->err ? -EINVAL : v9fs_get_dir_name(s, dfid, name, &d, &newpath);

    if (err == 0 && (f = v9fs_get_fid(s, fid, &err))) {
        if (!*f->path) {
            err = -EBUSY; /* the share root */
        } else {
            olddir = local_path_parent(f->path);
            err = v9fs_do_rename(s, olddir, f->path + (*olddir ? strlen(olddir) + 1 : 0), d->path,
                                 name);
            free(olddir);
        }
    }
    free(name);
    free(newpath);
    return err;
}

int v9fs_renameat(V9fsState *s, P9Reader *r, P9Writer *w)
{
    uint32_t olddfid = p9r_u32(r);
    char *oldname = p9r_str(r);
    uint32_t newdfid = p9r_u32(r);
    char *newname = p9r_str(r), *oldpath = NULL, *newpath = NULL;
    V9fsFid *od, *nd;
    int err = r->err ? -EINVAL : v9fs_get_dir_name(s, olddfid, oldname, &od, &oldpath);

    if (err == 0) {
        err = v9fs_get_dir_name(s, newdfid, newname, &nd, &newpath);
    }
    if (err == 0) {
        err = v9fs_do_rename(s, od->path, oldname, nd->path, newname);
    }
    free(oldname);
    free(newname);
    free(oldpath);
    free(newpath);
    return err;
}

int v9fs_unlinkat(V9fsState *s, P9Reader *r, P9Writer *w)
{
    uint32_t dfid = p9r_u32(r);
    char *name = p9r_str(r), *path = NULL;
    uint32_t flags = p9r_u32(r);
    V9fsFid *d;
    int err = r->err ? -EINVAL : v9fs_get_dir_name(s, dfid, name, &d, &path);

    if (err == 0) {
        err = flags & ~P9_AT_REMOVEDIR
                  ? -EINVAL
                  : local_unlink(&s->fs, d->path, name, flags & P9_AT_REMOVEDIR);
    }
    free(name);
    free(path);
    return err;
}

int v9fs_remove(V9fsState *s, P9Reader *r, P9Writer *w)
{
    uint32_t fid = p9r_u32(r);
    struct stat st;
    V9fsFid *f;
    int err = -EINVAL;

    if (r->err || !(f = v9fs_get_fid(s, fid, &err))) {
        return err;
    }
    if (!*f->path) {
        err = -EBUSY;
    } else if ((err = local_lstat(&s->fs, f->path, &st)) == 0) {
        char *dir = local_path_parent(f->path);

        err =
            local_unlink(&s->fs, dir, f->path + (*dir ? strlen(dir) + 1 : 0), S_ISDIR(st.st_mode));
        free(dir);
    }
    v9fs_fid_clunk(s, fid); /* Tremove clunks the fid whatever the outcome (9P) */
    return err;
}
