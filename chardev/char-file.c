/*
 * Output-only backends: "file:PATH" (truncated at start, as QEMU does by
 * default) and "null"/"none" (everything dropped, nothing ever received).
 * The file is opened non-blocking: a regular file takes every write, and a
 * FIFO whose reader is slow back-pressures like a socket.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "chardev-internal.h"

typedef struct FileChardev {
    Chardev parent;
    int fd;
} FileChardev;

static int file_write(Chardev *chr, const uint8_t *buf, int len)
{
    FileChardev *f = container_of(chr, FileChardev, parent);

    return chr_fd_write(f->fd, buf, len);
}

static const ChardevOps file_ops = {
    .write = file_write,
};

Chardev *chardev_file_open(const char *label, const char *arg, const ChardevOpts *opts,
                           Error **errp)
{
    FileChardev *f;
    /* Opened blocking (a FIFO waits for its reader, as with QEMU), then written non-blocking. */
    int fd = open(arg, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);

    if (fd < 0) {
        error_setg_errno(errp, errno, "cannot open '%s' for chardev '%s'", arg, label);
        return NULL;
    }
    if (!chr_set_nonblock(fd, errp)) {
        close(fd);
        return NULL;
    }
    f = xzalloc(sizeof(*f));
    f->fd = fd;
    chardev_register(&f->parent, label, &file_ops);
    chr_set_out_fd(&f->parent, fd);
    return &f->parent;
}

static int null_write(Chardev *chr, const uint8_t *buf, int len)
{
    return len;
}

static const ChardevOps null_ops = {
    .write = null_write,
};

Chardev *chardev_null_open(const char *label, const char *arg, const ChardevOpts *opts,
                           Error **errp)
{
    Chardev *chr = xzalloc(sizeof(*chr));

    chardev_register(chr, label, &null_ops);
    return chr;
}
