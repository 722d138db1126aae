/*
 * The guest credentials of the mapped security models, in QEMU's layouts so a share moves
 * between the two emulators unchanged:
 *   mapped-xattr  user.virtfs.uid, .gid, .mode (le32) and .rdev (le64) xattrs on the file;
 *   mapped-file   a text file per entry, DIR/.virtfs_metadata/NAME (the share root's is
 *                 .virtfs_metadata_root in the root), lines "virtfs.uid=N", "virtfs.gid=N",
 *                 "virtfs.mode=N", "virtfs.rdev=N" (decimal) for the fields that are set;
 *                 a hard link shares its metadata file (linked too). The guest never sees
 *                 the .virtfs_metadata names (local_meta_hidden).
 * The host copy of a file keeps our ownership and fmode/dmode, so we can always reach it.
 * Every access goes through a directory fd resolved beneath the root plus one name, opened
 * with O_NOFOLLOW (the metadata paths cannot be redirected by a planted link either).
 */
#include <endian.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "9p-local-int.h"

#define META_DIR ".virtfs_metadata"
#define META_ROOT ".virtfs_metadata_root"

static const char *const meta_keys[] = {"virtfs.uid", "virtfs.gid", "virtfs.mode", "virtfs.rdev"};
static const char *const meta_xattrs[] = {"user.virtfs.uid", "user.virtfs.gid", "user.virtfs.mode",
                                          "user.virtfs.rdev"};

/* The four fields, each present or not (index: uid, gid, mode, rdev = bit of LOCAL_META_*). */
typedef struct LocalMeta {
    unsigned has;
    uint64_t v[4];
} LocalMeta;

bool local_meta_enabled(const LocalFs *fs)
{
    return fs->sm == FS_SM_MAPPED_XATTR || fs->sm == FS_SM_MAPPED_FILE;
}

bool local_meta_hidden(const LocalFs *fs, const char *name)
{
    return fs->sm == FS_SM_MAPPED_FILE && (!strcmp(name, META_DIR) || !strcmp(name, META_ROOT));
}

/* ---- mapped-file ---- */

/* The metadata directory of dfd (created if create), an O_PATH fd, or -errno. */
static int meta_dir_open(int dfd, bool create)
{
    if (create && mkdirat(dfd, META_DIR, 0700) < 0 && errno != EEXIST) {
        return -errno;
    }
    return neg_errno(openat(dfd, META_DIR, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
}

static int meta_file_open(int dfd, const char *name, int flags)
{
    int mdfd, fd;

    if (!strcmp(name, ".")) {
        return neg_errno(openat(dfd, META_ROOT, flags | O_NOFOLLOW | O_CLOEXEC, 0600));
    }
    mdfd = meta_dir_open(dfd, flags & O_CREAT);
    if (mdfd < 0) {
        return mdfd;
    }
    fd = neg_errno(openat(mdfd, name, flags | O_NOFOLLOW | O_CLOEXEC, 0600));
    close(mdfd);
    return fd;
}

static void meta_file_read(int dfd, const char *name, LocalMeta *m)
{
    int fd = meta_file_open(dfd, name, O_RDONLY | O_NONBLOCK);
    FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
    char line[64];

    m->has = 0;
    if (!f) {
        if (fd >= 0) {
            close(fd);
        }
        return;
    }
    while (fgets(line, sizeof(line), f)) {
        for (int i = 0; i < 4; i++) {
            size_t len = strlen(meta_keys[i]);

            if (!strncmp(line, meta_keys[i], len) && line[len] == '=') {
                m->v[i] = strtoull(line + len + 1, NULL, 10);
                m->has |= 1u << i;
            }
        }
    }
    fclose(f);
}

static int meta_file_write(int dfd, const char *name, const LocalMeta *m)
{
    int fd = meta_file_open(dfd, name, O_WRONLY | O_CREAT | O_TRUNC), ret = 0;

    if (fd < 0) {
        return fd;
    }
    for (int i = 0; i < 4 && ret == 0; i++) {
        if (m->has & (1u << i) && dprintf(fd, "%s=%" PRIu64 "\n", meta_keys[i], m->v[i]) < 0) {
            ret = -EIO;
        }
    }
    close(fd);
    return ret;
}

/* ---- mapped-xattr ---- */

static void meta_xattr_read(int dfd, const char *name, LocalMeta *m)
{
    char proc[PROC_PATH_MAX];
    uint32_t v32;
    uint64_t v64;

    proc_fd_path(proc, dfd, name);
    m->has = 0;
    for (int i = 0; i < 3; i++) {
        if (lgetxattr(proc, meta_xattrs[i], &v32, sizeof(v32)) == sizeof(v32)) {
            m->v[i] = le32toh(v32);
            m->has |= 1u << i;
        }
    }
    if (lgetxattr(proc, meta_xattrs[3], &v64, sizeof(v64)) == sizeof(v64)) {
        m->v[3] = le64toh(v64);
        m->has |= LOCAL_META_RDEV;
    }
}

static int meta_xattr_write(int dfd, const char *name, const LocalMeta *m, unsigned what)
{
    char proc[PROC_PATH_MAX];

    proc_fd_path(proc, dfd, name);
    for (int i = 0; i < 4; i++) {
        uint32_t v32 = htole32(m->v[i]);
        uint64_t v64 = htole64(m->v[i]);
        int ret = !(what & (1u << i)) ? 0
                  : i < 3             ? lsetxattr(proc, meta_xattrs[i], &v32, sizeof(v32), 0)
                                      : lsetxattr(proc, meta_xattrs[i], &v64, sizeof(v64), 0);

        if (ret < 0) {
            return -errno;
        }
    }
    return 0;
}

/* ---- the interface ---- */

void local_meta_apply(LocalFs *fs, int dfd, const char *name, struct stat *st)
{
    LocalMeta m;

    /* A link the host made carries no metadata (user xattrs cannot sit on a symlink). */
    if (!local_meta_enabled(fs) || S_ISLNK(st->st_mode)) {
        return;
    }
    if (fs->sm == FS_SM_MAPPED_XATTR) {
        meta_xattr_read(dfd, name, &m);
    } else {
        meta_file_read(dfd, name, &m);
    }
    st->st_uid = m.has & LOCAL_META_UID ? m.v[0] : st->st_uid;
    st->st_gid = m.has & LOCAL_META_GID ? m.v[1] : st->st_gid;
    st->st_mode = m.has & LOCAL_META_MODE ? m.v[2] : st->st_mode;
    st->st_rdev = m.has & LOCAL_META_RDEV ? m.v[3] : st->st_rdev;
}

int local_meta_set(LocalFs *fs, int dfd, const char *name, const LocalCred *cred, unsigned what)
{
    LocalMeta m = {.has = what, .v = {cred->uid, cred->gid, cred->mode, cred->rdev}};
    LocalMeta old;

    if (fs->sm == FS_SM_MAPPED_XATTR) {
        return meta_xattr_write(dfd, name, &m, what);
    }
    meta_file_read(dfd, name, &old); /* keep the fields not being set */
    for (int i = 0; i < 4; i++) {
        if (!(what & (1u << i)) && (old.has & (1u << i))) {
            m.v[i] = old.v[i];
            m.has |= 1u << i;
        }
    }
    return meta_file_write(dfd, name, &m);
}

void local_meta_moved(LocalFs *fs, int odfd, const char *oname, int ndfd, const char *nname,
                      bool link)
{
    int osd, nsd;

    if (fs->sm != FS_SM_MAPPED_FILE) {
        return; /* xattrs travel with the inode */
    }
    nsd = meta_dir_open(ndfd, true);
    if (nsd < 0) {
        return;
    }
    osd = meta_dir_open(odfd, false);
    if (link) {
        unlinkat(nsd, nname, 0); /* a stale one of a name that was gone */
    }
    if (osd < 0 || (link ? linkat(osd, oname, nsd, nname, 0) : renameat(osd, oname, nsd, nname))) {
        unlinkat(nsd, nname, 0); /* no metadata to carry: none may stay from a replaced file */
    }
    if (osd >= 0) {
        close(osd);
    }
    close(nsd);
}

void local_meta_before_rmdir(LocalFs *fs, int dfd, const char *name)
{
    int d;

    if (fs->sm != FS_SM_MAPPED_FILE) {
        return;
    }
    d = openat(dfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (d >= 0) {
        unlinkat(d, META_DIR, AT_REMOVEDIR); /* only when empty, as the directory must be */
        close(d);
    }
}

void local_meta_removed(LocalFs *fs, int dfd, const char *name)
{
    int mdfd;

    if (fs->sm != FS_SM_MAPPED_FILE) {
        return;
    }
    mdfd = meta_dir_open(dfd, false);
    if (mdfd >= 0) {
        unlinkat(mdfd, name, 0);
        close(mdfd);
    }
}
