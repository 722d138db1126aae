/*
 * The raw format driver: the image file is the disk, byte for byte.
 * Works on regular files and host block devices. Flush is fdatasync;
 * discard punches a hole where the host file system supports it.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "block/block.h"

typedef struct RawState {
    int fd;
    uint64_t length;
} RawState;

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
}

static uint64_t raw_getlength(void *opaque)
{
    return ((RawState *)opaque)->length;
}

static int raw_pread(void *opaque, uint64_t offset, void *buf, size_t len)
{
    RawState *s = opaque;
    uint8_t *p = buf;

    while (len > 0) {
        ssize_t n = pread(s->fd, p, len, offset);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return -errno;
        }
        if (n == 0) {
            memset(p, 0, len); /* the file shrank under us: read zeros */
            return 0;
        }
        p += n;
        offset += n;
        len -= n;
    }
    return 0;
}

static int raw_pwrite(void *opaque, uint64_t offset, const void *buf, size_t len)
{
    RawState *s = opaque;
    const uint8_t *p = buf;

    while (len > 0) {
        ssize_t n = pwrite(s->fd, p, len, offset);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return n < 0 ? -errno : -EIO;
        }
        p += n;
        offset += n;
        len -= n;
    }
    return 0;
}

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

const BlockDriver bdrv_raw = {
    .format_name = "raw",
    .state_size = sizeof(RawState),
    .open = raw_open,
    .close = raw_close,
    .getlength = raw_getlength,
    .pread = raw_pread,
    .pwrite = raw_pwrite,
    .flush = raw_flush,
    .discard = raw_discard,
};
