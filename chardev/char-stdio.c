/*
 * The stdio backend: guest console on the emulator's own terminal. While it
 * is in use the terminal is in raw mode (keys go to the guest unprocessed);
 * the original mode comes back at exit, at chardev_cleanup_all(), and on a
 * fatal signal. With signal=off (the default under "mon:", as with QEMU's
 * -nographic) Ctrl-C is a byte for the guest rather than SIGINT.
 *
 * Output must not block (chardev/char.h), but O_NONBLOCK on fd 1 would also
 * change the emulator's stderr and the parent shell's terminal, which usually
 * share its open file description. So a terminal, pipe or FIFO is reopened
 * through /proc/self/fd/1 into a description of our own that is non-blocking;
 * a regular file never blocks and is written through fd 1 itself.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "chardev-internal.h"

/* stdin is one per process, so is its saved mode. */
static struct termios stdio_saved_tty;
static volatile sig_atomic_t stdio_tty_modified;
static bool stdio_in_use;

static void stdio_restore_tty(void)
{
    if (stdio_tty_modified) {
        tcsetattr(STDIN_FILENO, TCSANOW, &stdio_saved_tty);
        stdio_tty_modified = 0;
    }
}

/* Async-signal-safe: tcsetattr and raise only. SA_RESETHAND makes the re-raise fatal. */
static void stdio_fatal_signal(int sig)
{
    if (stdio_tty_modified) {
        tcsetattr(STDIN_FILENO, TCSANOW, &stdio_saved_tty);
    }
    raise(sig);
}

static void stdio_install_fatal_handlers(void)
{
    static const int fatal[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
    struct sigaction act = {.sa_handler = stdio_fatal_signal, .sa_flags = SA_RESETHAND};

    sigemptyset(&act.sa_mask);
    for (size_t i = 0; i < ARRAY_SIZE(fatal); i++) {
        sigaction(fatal[i], &act, NULL);
    }
}

static void stdio_set_raw(bool allow_signals)
{
    struct termios tty;

    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &stdio_saved_tty) < 0) {
        return; /* a pipe or file: nothing to restore, nothing to change */
    }
    tty = stdio_saved_tty;
    tty.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    tty.c_oflag |= OPOST; /* keep \n -> \r\n for the emulator's own messages */
    tty.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN);
    if (!allow_signals) {
        tty.c_lflag &= ~ISIG;
    }
    tty.c_cflag &= ~(CSIZE | PARENB);
    tty.c_cflag |= CS8;
    tty.c_cc[VMIN] = 1;
    tty.c_cc[VTIME] = 0;
    stdio_install_fatal_handlers();
    atexit(stdio_restore_tty);
    stdio_tty_modified = 1;
    tcsetattr(STDIN_FILENO, TCSANOW, &tty);
}

typedef struct StdioChardev {
    Chardev parent;
    int out_fd;
} StdioChardev;

static int stdio_write(Chardev *chr, const uint8_t *buf, int len)
{
    return chr_fd_write(container_of(chr, StdioChardev, parent)->out_fd, buf, len);
}

/* A non-blocking fd for stdout that leaves fd 1's own flags alone (see the top comment). */
static int stdio_open_output(void)
{
    struct stat st;
    int fd;

    if (fstat(STDOUT_FILENO, &st) == 0 && S_ISREG(st.st_mode)) {
        return STDOUT_FILENO;
    }
    fd = open("/proc/self/fd/1", O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    /* A socket cannot be reopened: fall back to fd 1, blocking. */
    return fd >= 0 ? fd : STDOUT_FILENO;
}

static void stdio_cleanup(Chardev *chr)
{
    stdio_restore_tty();
}

static const ChardevOps stdio_ops = {
    .write = stdio_write,
    .cleanup = stdio_cleanup,
    .batch_output = true,
};

Chardev *chardev_stdio_open(const char *label, const char *arg, const ChardevOpts *opts,
                            Error **errp)
{
    StdioChardev *s;

    if (stdio_in_use) {
        error_setg(errp, "cannot use stdio by multiple character devices");
        return NULL;
    }
    stdio_in_use = true;
    stdio_set_raw(opts->signal);
    s = xzalloc(sizeof(*s));
    s->out_fd = stdio_open_output();
    chardev_register(&s->parent, label, &stdio_ops);
    /* At EOF the default input_closed stops watching stdin; output carries on. */
    chr_input_start(&s->parent, STDIN_FILENO);
    chr_set_out_fd(&s->parent, s->out_fd);
    return &s->parent;
}
