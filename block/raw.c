/*
 * The raw format driver: the image file is the disk, byte for byte.
 * Works on regular files and host block devices. Thread safe: every call is a
 * positioned system call on one fd, so the block workers run it concurrently.
 * Flush is fdatasync; FUA is RWF_DSYNC; discard punches a hole where the host
 * file system supports it, write-zeroes a hole or a zeroed range. With
 * cache.direct=on the fd is O_DIRECT and requests it cannot take as they are
 * (not aligned to the file system's block) go through an aligned buffer.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "block/block_int.h"

#define RAW_BOUNCE_MAX (1 * MiB) /* O_DIRECT bounce buffer */
#define RAW_MAX_ALIGN 4096

typedef struct RawState {
    int fd;
    uint64_t length;
    bool direct;              /* O_DIRECT */
    size_t align;             /* O_DIRECT's alignment for offsets, lengths and buffers */
    pthread_mutex_t rmw_lock; /* O_DIRECT read-modify-writes, one at a time */
} RawState;

static int raw_flush(void *opaque);

/* Refuse what QEMU refuses: a second writer, or a writer next to readers (image locking). */
static bool raw_lock(int fd, const char *filename, bool read_only, Error **errp)
{
    if (flock(fd, (read_only ? LOCK_SH : LOCK_EX) | LOCK_NB) == 0) {
        return true;
    }
    if (errno == EWOULDBLOCK) {
        error_setg(errp, "Failed to get \"%s\" lock on '%s': is another process using the image?",
                   read_only ? "shared" : "write", filename);
    } else {
        error_setg_errno(errp, errno, "Could not lock '%s'", filename);
    }
    return false;
}

static bool raw_open(void *opaque, const char *filename, bool read_only, Error **errp)
{
    RawState *s = opaque;
    struct stat st;
    off_t end;

    pthread_mutex_init(&s->rmw_lock, NULL);
    s->fd = open(filename, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (s->fd < 0) {
        error_setg_errno(errp, errno, "Could not open '%s'", filename);
        return false;
    }
    if (fstat(s->fd, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))) {
        error_setg(errp, "Could not open '%s': not a regular file or block device", filename);
        goto fail;
    }
    if (!raw_lock(s->fd, filename, read_only, errp)) {
        goto fail;
    }
    end = lseek(s->fd, 0, SEEK_END);
    if (end < 0) {
        error_setg_errno(errp, errno, "Could not get the size of '%s'", filename);
        goto fail;
    }
    s->length = end;
    s->align = 1;
    return true;
fail:
    close(s->fd);
    s->fd = -1;
    return false;
}

static void raw_close(void *opaque)
{
    RawState *s = opaque;

    if (s->fd >= 0) {
        close(s->fd);
    }
    pthread_mutex_destroy(&s->rmw_lock);
}

static uint64_t raw_getlength(void *opaque)
{
    return ((RawState *)opaque)->length;
}

/* ---- vectored I/O ---- */

/*
 * preadv/pwritev2 until the whole iovec is done: short transfers, EINTR and more than
 * IOV_MAX entries are handled here. A read past the end of the file reads zeroes (the
 * file shrank under us). The caller's iovec is not modified.
 */
static int raw_rw_full(RawState *s, uint64_t offset, const struct iovec *iov, int niov, bool write,
                       int rwf)
{
    struct iovec *cur;
    int ret = 0;

    if (niov <= 0) { /* an empty request (a guest's data-less read): nothing to move */
        return 0;
    }
    cur = xmalloc(sizeof(*cur) * niov);
    memcpy(cur, iov, sizeof(*cur) * niov);
    for (struct iovec *v = cur; niov > 0;) {
        ssize_t n = write ? pwritev2(s->fd, v, MIN(niov, IOV_MAX), offset, rwf)
                          : preadv(s->fd, v, MIN(niov, IOV_MAX), offset);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 || (n == 0 && write)) {
            ret = n < 0 ? -errno : -EIO;
            break;
        }
        if (n == 0) {
            for (int i = 0; i < niov; i++) {
                memset(v[i].iov_base, 0, v[i].iov_len);
            }
            break;
        }
        offset += n;
        while (niov > 0 && (size_t)n >= v->iov_len) {
            n -= v->iov_len;
            v++, niov--;
        }
        if (niov > 0) {
            v->iov_base = (uint8_t *)v->iov_base + n;
            v->iov_len -= n;
        }
    }
    free(cur);
    return ret;
}

/* Can O_DIRECT take this request as it is (offset, lengths and addresses aligned)? */
static bool raw_iov_aligned(const RawState *s, uint64_t offset, const struct iovec *iov, int niov)
{
    if (offset % s->align) {
        return false;
    }
    for (int i = 0; i < niov; i++) {
        if ((uintptr_t)iov[i].iov_base % s->align || iov[i].iov_len % s->align) {
            return false;
        }
    }
    return true;
}

/*
 * O_DIRECT and a request it cannot take: go through an aligned buffer, a piece at a
 * time. A write of part of a block reads the block first (read-modify-write); those are
 * serialized so two writes to different sectors of one host block cannot lose each other.
 */
static int raw_rw_bounce(RawState *s, uint64_t offset, const struct iovec *iov, int niov,
                         bool write, int rwf)
{
    uint64_t len = iov_size(iov, niov), done = 0;
    uint8_t *buf;
    int ret = 0;

    if (posix_memalign((void **)&buf, s->align, RAW_BOUNCE_MAX) != 0) {
        return -ENOMEM;
    }
    if (write) {
        pthread_mutex_lock(&s->rmw_lock);
    }
    while (done < len && ret == 0) {
        uint64_t pos = offset + done, start = ALIGN_DOWN(pos, s->align);
        size_t n = MIN(len - done, RAW_BOUNCE_MAX - (pos - start));
        size_t span = ALIGN_UP(pos - start + n, s->align);
        struct iovec b = {buf, span};

        ret = raw_rw_full(s, start, &b, 1, false, 0);
        if (ret == 0 && write) {
            iov_to_buf(iov, niov, done, buf + (pos - start), n);
            ret = raw_rw_full(s, start, &b, 1, true, rwf);
        } else if (ret == 0) {
            iov_from_buf(iov, niov, done, buf + (pos - start), n);
        }
        done += n;
    }
    if (write) {
        pthread_mutex_unlock(&s->rmw_lock);
    }
    free(buf);
    return ret;
}

static int raw_preadv(void *opaque, uint64_t offset, const struct iovec *iov, int niov)
{
    RawState *s = opaque;

    if (s->direct && !raw_iov_aligned(s, offset, iov, niov)) {
        return raw_rw_bounce(s, offset, iov, niov, false, 0);
    }
    return raw_rw_full(s, offset, iov, niov, false, 0);
}

static int raw_pwritev(void *opaque, uint64_t offset, const struct iovec *iov, int niov,
                       unsigned flags)
{
    RawState *s = opaque;
    /* FUA: RWF_DSYNC makes this write durable by itself, without syncing the whole file. */
    int rwf = flags & BDRV_REQ_FUA ? RWF_DSYNC : 0;
    int ret;

    if (s->direct && !raw_iov_aligned(s, offset, iov, niov)) {
        ret = raw_rw_bounce(s, offset, iov, niov, true, rwf);
    } else {
        ret = raw_rw_full(s, offset, iov, niov, true, rwf);
    }
    if (ret == -EOPNOTSUPP && rwf) {
        /* A kernel or file system without RWF_DSYNC: write, then sync. */
        ret = raw_pwritev(opaque, offset, iov, niov, 0);
        ret = ret ?: raw_flush(opaque);
    }
    return ret;
}

static int raw_pread(void *opaque, uint64_t offset, void *buf, size_t len)
{
    struct iovec iov = {buf, len};

    return raw_preadv(opaque, offset, &iov, 1);
}

static int raw_pwrite(void *opaque, uint64_t offset, const void *buf, size_t len)
{
    struct iovec iov = {(void *)buf, len};

    return raw_pwritev(opaque, offset, &iov, 1, 0);
}

/* ---- flush, discard, zeroes ---- */

static int raw_flush(void *opaque)
{
    return fdatasync(((RawState *)opaque)->fd) < 0 ? -errno : 0;
}

static int raw_discard(void *opaque, uint64_t offset, uint64_t len)
{
    RawState *s = opaque;

    if (fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, len) < 0) {
        /* No hole punching here (file system, block device): discard is advisory. */
        return errno == EOPNOTSUPP || errno == ENOSYS ? 0 : -errno;
    }
    return 0;
}

/*
 * Zeroes without writing them: a hole when unmapping is allowed (it reads as zeroes),
 * else FALLOC_FL_ZERO_RANGE, which keeps the blocks allocated. -ENOTSUP when the file
 * system can do neither: the block layer then writes zeroes.
 */
static int raw_pwrite_zeroes(void *opaque, uint64_t offset, uint64_t len, unsigned flags)
{
    RawState *s = opaque;

    if ((flags & BDRV_REQ_MAY_UNMAP) &&
        fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, len) == 0) {
        return 0;
    }
    if (fallocate(s->fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, offset, len) == 0) {
        return 0;
    }
    return errno == EOPNOTSUPP || errno == ENOSYS || errno == EINVAL ? -ENOTSUP : -errno;
}

/* ---- O_DIRECT ---- */

/* The smallest block O_DIRECT accepts here: try a read of each size until one works. */
static size_t raw_probe_align(RawState *s)
{
    static const size_t sizes[] = {512, 1024, 2048, 4096};
    size_t align = RAW_MAX_ALIGN;
    void *buf;

    if (posix_memalign(&buf, RAW_MAX_ALIGN, RAW_MAX_ALIGN) != 0) {
        return align;
    }
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        if (pread(s->fd, buf, sizes[i], 0) >= 0) {
            align = sizes[i];
            break;
        }
    }
    free(buf);
    return align;
}

static bool raw_set_direct(void *opaque, const char *filename, Error **errp)
{
    RawState *s = opaque;
    int flags = fcntl(s->fd, F_GETFL);

    if (flags < 0 || fcntl(s->fd, F_SETFL, flags | O_DIRECT) < 0) {
        /* tmpfs and a few others have no direct I/O: QEMU refuses cache=none there too. */
        error_setg_errno(errp, errno, "Could not open '%s' with O_DIRECT (cache.direct=on)",
                         filename);
        return false;
    }
    s->direct = true;
    s->align = raw_probe_align(s);
    return true;
}

const BlockDriver bdrv_raw = {
    .format_name = "raw",
    .state_size = sizeof(RawState),
    .thread_safe = true,
    .open = raw_open,
    .close = raw_close,
    .getlength = raw_getlength,
    .pread = raw_pread,
    .pwrite = raw_pwrite,
    .preadv = raw_preadv,
    .pwritev = raw_pwritev,
    .flush = raw_flush,
    .discard = raw_discard,
    .pwrite_zeroes = raw_pwrite_zeroes,
    .set_direct = raw_set_direct,
};
