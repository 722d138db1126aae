/*
 * The "local" 9p backend: serves a host directory (include/hw/9pfs/9p-local.h states the
 * confinement rules and the mapped-xattr format).
 *
 * Three ways to reach a file, each never following a link the guest could have planted:
 *   - local_resolve(): openat2 from the root, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS;
 *   - the parent directory from local_resolve() plus one checked name, with the *at()
 *     calls' AT_SYMLINK_NOFOLLOW (chown, utimes, link, rename, unlink, mknod);
 *   - "/proc/self/fd/N" of an fd so opened, for the calls that only take a path (chmod,
 *     which would follow a symlink, is only used on an fd known not to be one; the xattr
 *     calls use their l* variants on "/proc/self/fd/DIR/name").
 */
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "9p-local-int.h"
#include "util/log.h"

#define XATTR_MAPPED_PREFIX "user.virtfs."
#define META_ALL (LOCAL_META_UID | LOCAL_META_GID | LOCAL_META_MODE)

/* ---- paths ---- */

bool local_name_valid(const char *name)
{
    return *name && strcmp(name, ".") && strcmp(name, "..") && !strchr(name, '/');
}

char *local_path_join(const char *dir, const char *name)
{
    return *dir ? xasprintf("%s/%s", dir, name) : xstrdup(name);
}

char *local_path_parent(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? xasprintf("%.*s", (int)(slash - path), path) : xstrdup("");
}

static int local_resolve(LocalFs *fs, const char *path, int flags, mode_t mode)
{
    struct open_how how = {
        .flags = (uint64_t)(flags | O_CLOEXEC | O_NOFOLLOW),
        .mode = mode,
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
    };
    int fd = syscall(SYS_openat2, fs->root_fd, *path ? path : ".", &how, sizeof(how));

    if (fd < 0) {
        int err = errno;

        if (err == EXDEV || err == ELOOP) {
            log_mask(LOG_GUEST_ERROR, "9p: refused to resolve '%s' beyond the share: %s\n", path,
                     strerror(err));
        }
        return -err;
    }
    return fd;
}

int local_open_path(LocalFs *fs, const char *path)
{
    return local_resolve(fs, path, O_PATH, 0);
}

/*
 * The directory at path (an O_PATH fd). Resolved without O_DIRECTORY so that a symbolic link
 * in its place is recognised as one (and logged), not merely "not a directory".
 */
static int local_open_dir(LocalFs *fs, const char *path)
{
    int fd = local_resolve(fs, path, O_PATH, 0), err;
    struct stat st;

    if (fd < 0) {
        return fd;
    }
    if (fstat(fd, &st) < 0) {
        err = -errno;
    } else if (S_ISDIR(st.st_mode)) {
        return fd;
    } else if (S_ISLNK(st.st_mode)) {
        log_mask(LOG_GUEST_ERROR, "9p: refused to resolve '%s' beyond the share: a symbolic link\n",
                 path);
        err = -ELOOP;
    } else {
        err = -ENOTDIR;
    }
    close(fd);
    return err;
}

/* The parent directory of path (an O_PATH fd) and path's last component in *base. */
static int local_open_parent(LocalFs *fs, const char *path, const char **base)
{
    char *parent = local_path_parent(path);
    const char *slash = strrchr(path, '/');
    int dfd = local_open_dir(fs, *path ? parent : "");

    free(parent);
    *base = !*path ? "." : slash ? slash + 1 : path;
    return dfd;
}

/* ---- open the share ---- */

bool local_fs_open(LocalFs *fs, const FsDriverEntry *fse, Error **errp)
{
    int fd;

    memset(fs, 0, sizeof(*fs));
    fs->root_fd = -1;
    fd = open(fse->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        error_setg_errno(errp, errno, "cannot initialize fsdev '%s': failed to open '%s'", fse->id,
                         fse->path);
        return false;
    }
    fs->root_fd = fd;
    fd = local_resolve(fs, "", O_PATH, 0);
    if (fd >= 0) {
        close(fd);
    } else if (fd == -ENOSYS) {
        error_setg(errp,
                   "cannot initialize fsdev '%s': the host kernel lacks openat2 (Linux "
                   "5.6), which keeps every path beneath the share",
                   fse->id);
        local_fs_close(fs);
        return false;
    }
    fs->sm = fse->security_model;
    fs->readonly = fse->readonly;
    fs->writeout_immediate = fse->writeout_immediate;
    fs->fmode = fse->fmode;
    fs->dmode = fse->dmode;
    return true;
}

void local_fs_close(LocalFs *fs)
{
    if (fs->root_fd >= 0) {
        close(fs->root_fd);
    }
    fs->root_fd = -1;
}

/* ---- attributes ---- */

static bool local_mapped(const LocalFs *fs)
{
    return local_meta_enabled(fs);
}

int local_fstat(LocalFs *fs, int fd, const char *path, struct stat *st)
{
    const char *base;
    int dfd;

    if (fstat(fd, st) < 0) {
        return -errno;
    }
    if (local_mapped(fs) && (dfd = local_open_parent(fs, path, &base)) >= 0) {
        local_meta_apply(fs, dfd, base, st);
        close(dfd);
    }
    return 0;
}

int local_lstat(LocalFs *fs, const char *path, struct stat *st)
{
    const char *base;
    int dfd = local_open_parent(fs, path, &base), ret;

    if (dfd < 0) {
        return dfd;
    }
    ret = neg_errno(fstatat(dfd, base, st, AT_SYMLINK_NOFOLLOW));
    if (ret == 0) {
        local_meta_apply(fs, dfd, base, st);
    }
    close(dfd);
    return ret;
}

int local_statfs(LocalFs *fs, struct statfs *sfs)
{
    return neg_errno(fstatfs(fs->root_fd, sfs));
}

int local_readlink(LocalFs *fs, const char *path, char *buf, size_t size)
{
    const char *base;
    int dfd = local_open_parent(fs, path, &base), ret, fd;
    struct stat st, host;

    if (dfd < 0) {
        return dfd;
    }
    ret = neg_errno(fstatat(dfd, base, &host, AT_SYMLINK_NOFOLLOW));
    st = host;
    if (ret == 0) {
        local_meta_apply(fs, dfd, base, &st);
    }
    if (ret == 0 && !S_ISLNK(st.st_mode)) {
        ret = -EINVAL;
    } else if (ret == 0 && S_ISREG(host.st_mode)) {
        /* the mapped models keep the target as the content of a regular file */
        fd = openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        ret = fd < 0 ? -errno : neg_errno(pread(fd, buf, size, 0));
        if (fd >= 0) {
            close(fd);
        }
    } else if (ret == 0) {
        ret = neg_errno(readlinkat(dfd, base, buf, size));
    }
    close(dfd);
    return ret;
}

/* ---- opening files ---- */

/*
 * Opened with O_NONBLOCK so a FIFO or device cannot stall the worker in open(); the flag
 * stays only on such files (a regular file or directory gets the guest's flags back).
 */
int local_open_file(LocalFs *fs, const char *path, int flags)
{
    int fd = local_resolve(fs, path, flags | O_NONBLOCK | O_NOCTTY, 0);
    struct stat st;

    if (fd < 0) {
        return fd;
    }
    if (fstat(fd, &st) == 0 && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) &&
        !(flags & O_NONBLOCK)) {
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    }
    return fd;
}

/* ---- creating ---- */

/* chmod of name in dfd, which must not be a symlink (chmod would follow it). */
static int local_chmod_at(int dfd, const char *name, mode_t mode)
{
    char proc[PROC_PATH_MAX];
    int fd = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC), ret;
    struct stat st;

    if (fd < 0) {
        return -errno;
    }
    ret = neg_errno(fstat(fd, &st));
    if (ret == 0 && S_ISLNK(st.st_mode)) {
        ret = -EOPNOTSUPP;
    } else if (ret == 0) {
        proc_fd_path(proc, fd, NULL);
        ret = neg_errno(chmod(proc, mode & 07777));
    }
    close(fd);
    return ret;
}

/*
 * Give a new file the guest's credentials. passthrough: chown (a failure fails the create),
 * none: chown if we may; both then set the exact mode (our umask must not apply).
 */
static int local_post_create(LocalFs *fs, int dfd, const char *name, const LocalCred *cred)
{
    if (local_mapped(fs)) {
        bool node = !S_ISREG(cred->mode) && !S_ISDIR(cred->mode) && !S_ISLNK(cred->mode);

        return local_meta_set(fs, dfd, name, cred, META_ALL | (node ? LOCAL_META_RDEV : 0));
    }
    if (fchownat(dfd, name, cred->uid, cred->gid, AT_SYMLINK_NOFOLLOW) < 0 &&
        fs->sm == FS_SM_PASSTHROUGH) {
        return -errno;
    }
    return S_ISLNK(cred->mode) ? 0 : local_chmod_at(dfd, name, cred->mode);
}

static int local_finish_create(LocalFs *fs, int dfd, const char *name, const LocalCred *cred,
                               int ret, bool dir)
{
    if (ret >= 0) {
        int err = local_post_create(fs, dfd, name, cred);

        if (err < 0) {
            unlinkat(dfd, name, dir ? AT_REMOVEDIR : 0);
            ret = err;
        }
    }
    close(dfd);
    return ret;
}

int local_create(LocalFs *fs, const char *dir, const char *name, int flags, const LocalCred *cred)
{
    int dfd = local_open_dir(fs, dir), fd, ret;

    if (dfd < 0) {
        return dfd;
    }
    fd = neg_errno(openat(dfd, name, flags | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC,
                          local_mapped(fs) ? fs->fmode : (cred->mode & 07777)));
    ret = local_finish_create(fs, dfd, name, cred, fd, false);
    if (ret < 0 && fd >= 0) {
        close(fd); /* the file is gone again: its credentials could not be set */
    }
    return ret;
}

int local_mkdir(LocalFs *fs, const char *dir, const char *name, const LocalCred *cred)
{
    int dfd = local_open_dir(fs, dir);

    if (dfd < 0) {
        return dfd;
    }
    return local_finish_create(
        fs, dfd, name, cred,
        neg_errno(mkdirat(dfd, name, local_mapped(fs) ? fs->dmode : (cred->mode & 07777))), true);
}

/* mapped-xattr: a regular file holding the target (QEMU's layout). */
static int local_symlink_mapped(LocalFs *fs, int dfd, const char *name, const char *target)
{
    int fd = openat(dfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, fs->fmode);
    size_t len = strlen(target);
    ssize_t n;

    if (fd < 0) {
        return -errno;
    }
    n = write(fd, target, len);
    close(fd);
    if (n != (ssize_t)len) {
        unlinkat(dfd, name, 0);
        return n < 0 ? -errno : -EIO;
    }
    return 0;
}

int local_symlink(LocalFs *fs, const char *dir, const char *name, const char *target,
                  const LocalCred *cred)
{
    int dfd = local_open_dir(fs, dir), ret;

    if (dfd < 0) {
        return dfd;
    }
    ret = local_mapped(fs) ? local_symlink_mapped(fs, dfd, name, target)
                           : neg_errno(symlinkat(target, dfd, name));
    return local_finish_create(fs, dfd, name, cred, ret, false);
}

int local_mknod(LocalFs *fs, const char *dir, const char *name, const LocalCred *cred)
{
    int dfd = local_open_dir(fs, dir), ret;

    if (dfd < 0) {
        return dfd;
    }
    if (local_mapped(fs)) {
        ret = neg_errno(mknodat(dfd, name, S_IFREG | fs->fmode, 0));
    } else {
        ret = neg_errno(mknodat(dfd, name, cred->mode, cred->rdev));
    }
    return local_finish_create(fs, dfd, name, cred, ret, false);
}

/* ---- changing the tree ---- */

int local_link(LocalFs *fs, const char *oldpath, const char *dir, const char *name)
{
    const char *oldbase;
    int odfd = local_open_parent(fs, oldpath, &oldbase), dfd, ret;

    if (odfd < 0) {
        return odfd;
    }
    dfd = local_open_dir(fs, dir);
    ret = dfd < 0 ? dfd : neg_errno(linkat(odfd, oldbase, dfd, name, 0));
    if (ret == 0) {
        local_meta_moved(fs, odfd, oldbase, dfd, name, true);
    }
    if (dfd >= 0) {
        close(dfd);
    }
    close(odfd);
    return ret;
}

int local_rename(LocalFs *fs, const char *olddir, const char *oldname, const char *newdir,
                 const char *newname)
{
    int odfd = local_open_dir(fs, olddir), ndfd, ret;

    if (odfd < 0) {
        return odfd;
    }
    ndfd = local_open_dir(fs, newdir);
    ret = ndfd < 0 ? ndfd : neg_errno(renameat(odfd, oldname, ndfd, newname));
    if (ret == 0) {
        local_meta_moved(fs, odfd, oldname, ndfd, newname, false);
    }
    if (ndfd >= 0) {
        close(ndfd);
    }
    close(odfd);
    return ret;
}

int local_unlink(LocalFs *fs, const char *dir, const char *name, bool rmdir)
{
    int dfd = local_open_dir(fs, dir), ret;

    if (dfd < 0) {
        return dfd;
    }
    if (rmdir) {
        local_meta_before_rmdir(fs, dfd, name);
    }
    ret = neg_errno(unlinkat(dfd, name, rmdir ? AT_REMOVEDIR : 0));
    if (ret == 0) {
        local_meta_removed(fs, dfd, name);
    }
    close(dfd);
    return ret;
}

/* ---- setattr ---- */

int local_chmod(LocalFs *fs, const char *path, mode_t mode)
{
    const char *base;
    int dfd = local_open_parent(fs, path, &base), ret;
    struct stat st, host;

    if (dfd < 0) {
        return dfd;
    }
    if (!local_mapped(fs)) {
        ret = local_chmod_at(dfd, base, mode);
    } else if ((ret = neg_errno(fstatat(dfd, base, &host, AT_SYMLINK_NOFOLLOW))) == 0) {
        LocalCred cred = {.mode = mode & 07777};

        st = host;
        local_meta_apply(fs, dfd, base, &st);
        cred.mode |= st.st_mode & S_IFMT; /* the type the guest sees stays */
        ret = S_ISLNK(host.st_mode) ? -EOPNOTSUPP
                                    : local_meta_set(fs, dfd, base, &cred, LOCAL_META_MODE);
    }
    close(dfd);
    return ret;
}

int local_chown(LocalFs *fs, const char *path, uid_t uid, gid_t gid)
{
    const char *base;
    int dfd = local_open_parent(fs, path, &base), ret = 0;

    if (dfd < 0) {
        return dfd;
    }
    if (local_mapped(fs)) {
        LocalCred cred = {.uid = uid, .gid = gid};

        ret = local_meta_set(fs, dfd, base, &cred,
                             (uid != (uid_t)-1 ? LOCAL_META_UID : 0) |
                                 (gid != (gid_t)-1 ? LOCAL_META_GID : 0));
    } else {
        ret = neg_errno(fchownat(dfd, base, uid, gid, AT_SYMLINK_NOFOLLOW));
    }
    close(dfd);
    return ret;
}

int local_truncate(LocalFs *fs, const char *path, off_t size)
{
    int fd = local_open_file(fs, path, O_WRONLY), ret;

    if (fd < 0) {
        return fd;
    }
    ret = neg_errno(ftruncate(fd, size));
    close(fd);
    return ret;
}

int local_utimens(LocalFs *fs, const char *path, const struct timespec times[2])
{
    const char *base;
    int dfd = local_open_parent(fs, path, &base), ret;

    if (dfd < 0) {
        return dfd;
    }
    ret = neg_errno(utimensat(dfd, base, times, AT_SYMLINK_NOFOLLOW));
    close(dfd);
    return ret;
}

/* ---- extended attributes ---- */

/* In mapped-xattr our own user.virtfs.* attributes are not the guest's. */
static bool local_xattr_hidden(LocalFs *fs, const char *name)
{
    return fs->sm == FS_SM_MAPPED_XATTR &&
           !strncmp(name, XATTR_MAPPED_PREFIX, strlen(XATTR_MAPPED_PREFIX));
}

/* "/proc/self/fd/DIR/base" of path into proc; the parent's fd in *dfd (caller closes). */
static int local_xattr_path(LocalFs *fs, const char *path, char *proc, int *dfd)
{
    const char *base;

    *dfd = local_open_parent(fs, path, &base);
    if (*dfd < 0) {
        return *dfd;
    }
    proc_fd_path(proc, *dfd, base);
    return 0;
}

ssize_t local_getxattr(LocalFs *fs, const char *path, const char *name, void *value, size_t size)
{
    char proc[PROC_PATH_MAX];
    int dfd, ret = local_xattr_path(fs, path, proc, &dfd);
    ssize_t n;

    if (ret < 0) {
        return ret;
    }
    n = local_xattr_hidden(fs, name) ? -ENODATA : neg_errno(lgetxattr(proc, name, value, size));
    close(dfd);
    return n;
}

ssize_t local_listxattr(LocalFs *fs, const char *path, char *list, size_t size)
{
    char proc[PROC_PATH_MAX], *all;
    int dfd, ret = local_xattr_path(fs, path, proc, &dfd);
    ssize_t n, out = 0;

    if (ret < 0) {
        return ret;
    }
    n = llistxattr(proc, NULL, 0);
    all = xmalloc(n > 0 ? n : 1);
    n = n < 0 ? -errno : neg_errno(llistxattr(proc, all, n));
    close(dfd);
    for (ssize_t i = 0; i < n; i += strlen(all + i) + 1) {
        size_t len = strlen(all + i) + 1;

        if (local_xattr_hidden(fs, all + i)) {
            continue;
        }
        if (size && out + (ssize_t)len > (ssize_t)size) {
            out = -ERANGE;
            break;
        }
        if (size) {
            memcpy(list + out, all + i, len);
        }
        out += len;
    }
    free(all);
    return n < 0 ? n : out;
}

int local_setxattr(LocalFs *fs, const char *path, const char *name, const void *value, size_t size,
                   int flags)
{
    char proc[PROC_PATH_MAX];
    int dfd, ret = local_xattr_path(fs, path, proc, &dfd);

    if (ret < 0) {
        return ret;
    }
    ret = local_xattr_hidden(fs, name) ? -EACCES
                                       : neg_errno(lsetxattr(proc, name, value, size, flags));
    close(dfd);
    return ret;
}

int local_removexattr(LocalFs *fs, const char *path, const char *name)
{
    char proc[PROC_PATH_MAX];
    int dfd, ret = local_xattr_path(fs, path, proc, &dfd);

    if (ret < 0) {
        return ret;
    }
    ret = local_xattr_hidden(fs, name) ? -EACCES : neg_errno(lremovexattr(proc, name));
    close(dfd);
    return ret;
}
