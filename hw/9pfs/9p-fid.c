/*
 * The fid table of a 9p session: a hash of the guest's 32-bit fid numbers. The guest
 * picks the numbers; the table bounds how many it may hold (V9FS_MAX_FIDS) so it cannot
 * make us allocate without limit.
 */
#include <errno.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "9p-int.h"

static V9fsFid **v9fs_fid_bucket(V9fsState *s, uint32_t fid)
{
    return &s->fids[(fid * 2654435761u) >> 24 & (V9FS_FID_BUCKETS - 1)];
}

V9fsFid *v9fs_fid_lookup(V9fsState *s, uint32_t fid)
{
    for (V9fsFid *f = *v9fs_fid_bucket(s, fid); f; f = f->next) {
        if (f->fid == fid) {
            return f;
        }
    }
    return NULL;
}

V9fsFid *v9fs_fid_new(V9fsState *s, uint32_t fid, const char *path, int *err)
{
    V9fsFid **bucket = v9fs_fid_bucket(s, fid), *f;

    if (fid == P9_NOFID || v9fs_fid_lookup(s, fid)) {
        *err = -EEXIST;
        return NULL;
    }
    if (s->nfids >= V9FS_MAX_FIDS) {
        *err = -EMFILE;
        return NULL;
    }
    f = xzalloc(sizeof(*f));
    f->fid = fid;
    f->path = xstrdup(path);
    f->fd = -1;
    f->next = *bucket;
    *bucket = f;
    s->nfids++;
    return f;
}

void v9fs_fid_set_path(V9fsFid *f, const char *path)
{
    char *copy = xstrdup(path);

    free(f->path);
    f->path = copy;
}

int v9fs_fid_may_open(V9fsState *s)
{
    return s->nopen >= V9FS_MAX_OPEN_FIDS ? -EMFILE : 0;
}

void v9fs_fid_set_fd(V9fsState *s, V9fsFid *f, int fd)
{
    f->fd = fd;
    s->nopen++;
}

void v9fs_fid_set_xattr(V9fsState *s, V9fsFid *f, uint8_t *buf, uint64_t size)
{
    f->is_xattr = true;
    f->xattr_buf = buf;
    f->xattr_size = size;
    s->nopen++;
}

/* Clunking an xattrcreate fid sets the attribute (size 0: removes it), as Linux expects. */
static int v9fs_xattr_commit(V9fsState *s, V9fsFid *f)
{
    if (!f->xattr_size) {
        return local_removexattr(&s->fs, f->path, f->xattr_name);
    }
    return local_setxattr(&s->fs, f->path, f->xattr_name, f->xattr_buf, f->xattr_size,
                          f->xattr_flags);
}

static int v9fs_fid_free(V9fsState *s, V9fsFid *f)
{
    int ret = 0;

    if (f->is_xattr && f->xattr_create) {
        ret = v9fs_xattr_commit(s, f);
    }
    if (f->fd >= 0) {
        close(f->fd);
    }
    if (f->fd >= 0 || f->is_xattr) {
        s->nopen--;
    }
    free(f->path);
    free(f->xattr_name);
    free(f->xattr_buf);
    free(f);
    s->nfids--;
    return ret;
}

int v9fs_fid_clunk(V9fsState *s, uint32_t fid)
{
    for (V9fsFid **p = v9fs_fid_bucket(s, fid); *p; p = &(*p)->next) {
        if ((*p)->fid == fid) {
            V9fsFid *f = *p;

            *p = f->next;
            return v9fs_fid_free(s, f);
        }
    }
    return -EBADF;
}

void v9fs_fid_clunk_all(V9fsState *s)
{
    for (int i = 0; i < V9FS_FID_BUCKETS; i++) {
        while (s->fids[i]) {
            V9fsFid *f = s->fids[i];

            s->fids[i] = f->next;
            f->xattr_create = false; /* a reset abandons unfinished xattr writes */
            v9fs_fid_free(s, f);
        }
    }
}

void v9fs_fid_rename_paths(V9fsState *s, const char *oldpath, const char *newpath)
{
    size_t len = strlen(oldpath);

    for (int i = 0; i < V9FS_FID_BUCKETS; i++) {
        for (V9fsFid *f = s->fids[i]; f; f = f->next) {
            if (!strncmp(f->path, oldpath, len) && (f->path[len] == '\0' || f->path[len] == '/')) {
                char *p = xasprintf("%s%s", newpath, f->path + len);

                free(f->path);
                f->path = p;
            }
        }
    }
}
