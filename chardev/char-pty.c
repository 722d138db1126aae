/*
 * The pty backend: a new pseudo-terminal whose slave (/dev/pts/N) a user
 * opens with screen or minicom. We keep a slave fd open ourselves so the
 * master never sees a hang-up between clients. That also means we cannot
 * tell whether anyone has the slave open, so output that does not fit in the
 * pty's buffer is dropped (as QEMU drops it for an unconnected pty) rather
 * than holding the guest's transmitter busy for a reader that may not exist.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include "chardev-internal.h"

typedef struct PtyChardev {
    Chardev parent;
    int master_fd;
    int slave_fd;
} PtyChardev;

static int pty_write(Chardev *chr, const uint8_t *buf, int len)
{
    PtyChardev *p = container_of(chr, PtyChardev, parent);

    int n = chr_fd_write(p->master_fd, buf, len);

    return n < 0 ? -1 : len;
}

static const ChardevOps pty_ops = {
    .write = pty_write,
};

/* Raw, so bytes pass unchanged in both directions and nothing is echoed back. */
static void pty_set_raw(int fd)
{
    struct termios tty;

    if (tcgetattr(fd, &tty) == 0) {
        cfmakeraw(&tty);
        tcsetattr(fd, TCSANOW, &tty);
    }
}

static bool pty_open_pair(int *master, int *slave, char **name, Error **errp)
{
    const char *path;

    *master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (*master < 0) {
        error_setg_errno(errp, errno, "cannot open a pseudo-terminal");
        return false;
    }
    if (grantpt(*master) < 0 || unlockpt(*master) < 0 || !(path = ptsname(*master))) {
        error_setg_errno(errp, errno, "cannot set up the pseudo-terminal");
        goto fail;
    }
    *slave = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (*slave < 0) {
        error_setg_errno(errp, errno, "cannot open %s", path);
        goto fail;
    }
    *name = xstrdup(path);
    return true;
fail:
    close(*master);
    return false;
}

Chardev *chardev_pty_open(const char *label, const char *arg, const ChardevOpts *opts, Error **errp)
{
    PtyChardev *p;
    int master, slave;
    char *name;

    if (!pty_open_pair(&master, &slave, &name, errp)) {
        return NULL;
    }
    pty_set_raw(slave);
    if (!chr_set_nonblock(master, errp)) {
        close(master);
        close(slave);
        free(name);
        return NULL;
    }
    /* On stdout, where QEMU prints it, for scripts that look for the name. */
    printf("char device redirected to %s (label %s)\n", name, label);
    fflush(stdout);
    free(name);
    p = xzalloc(sizeof(*p));
    p->master_fd = master;
    p->slave_fd = slave;
    chardev_register(&p->parent, label, &pty_ops);
    chr_input_start(&p->parent, master);
    return &p->parent;
}
