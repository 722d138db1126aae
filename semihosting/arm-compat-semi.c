/*
 * The semihosting calls (include/semihosting/semihost.h), numbered and
 * specified as in Arm's "Semihosting for AArch32 and AArch64" (IHI 0091), which
 * the RISC-V semihosting spec takes over unchanged. Parameter blocks are
 * words of g->word_size bytes. Calls that fail return -1 (or, for the
 * transfer calls, the count not transferred) and leave the host errno for
 * SYS_ERRNO. The guest is untrusted: a bad pointer is a failed call, never a
 * host fault.
 *
 * Files are host files named by the guest, relative to Kestrel's working
 * directory, and not confined to any directory: QEMU confines nothing either,
 * and its manual (docs/about/emulation.rst, "Semihosting") warns that
 * semihosting bypasses any isolation between guest and host, so only trusted
 * code should run with it. It is therefore only enabled on request.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gdbstub/gdbstub.h"
#include "semihost-internal.h"
#include "semihosting/semihost.h"
#include "system/runstate.h"

#define ADP_STOPPED_APPLICATION_EXIT 0x20026
#define SEMI_MAX_FILES 64
#define SEMI_MAX_PATH 4096
#define SEMI_CHUNK 65536

/* Guest handles are indices into this table plus one (0 is never a handle). */
static int semi_fds[SEMI_MAX_FILES];
static bool semi_fds_gdb[SEMI_MAX_FILES]; /* the fd is one gdb opened (target=gdb) */
static bool semi_fds_init;
static int semi_errno;

static uint64_t semi_fail(int err)
{
    semi_errno = err;
    return (uint64_t)-1;
}

uint64_t semi_set_errno(int err)
{
    return semi_fail(err);
}

bool semi_word(const SemihostingGuest *g, uint64_t param, int i, uint64_t *out)
{
    uint8_t b[8] = {0};

    if (!g->rw(g->opaque, param + (uint64_t)i * g->word_size, b, g->word_size, false)) {
        return false;
    }
    *out = 0;
    for (int k = g->word_size - 1; k >= 0; k--) {
        *out = *out << 8 | b[k];
    }
    return true;
}

static bool semi_put_word(const SemihostingGuest *g, uint64_t addr, uint64_t v)
{
    uint8_t b[8];

    for (unsigned k = 0; k < g->word_size; k++) {
        b[k] = v >> (8 * k);
    }
    return g->rw(g->opaque, addr, b, g->word_size, true);
}

/* The guest's string at addr, len bytes (or up to its NUL if len is -1); malloc'd or NULL. */
char *semi_string(const SemihostingGuest *g, uint64_t addr, uint64_t len)
{
    char *s = xrealloc(NULL, SEMI_MAX_PATH + 1);
    uint64_t n = 0;

    for (; n < SEMI_MAX_PATH && (len == UINT64_MAX || n < len); n++) {
        if (!g->rw(g->opaque, addr + n, &s[n], 1, false)) {
            free(s);
            return NULL;
        }
        if (len == UINT64_MAX && !s[n]) {
            return s;
        }
    }
    s[n] = '\0';
    return len == UINT64_MAX ? (free(s), NULL) : s;
}

/* The host fd of a handle, or -1 (also for a file gdb opened: only gdb can reach it). */
static int semi_fd_any(uint64_t handle)
{
    if (!semi_fds_init) {
        for (int i = 0; i < SEMI_MAX_FILES; i++) {
            semi_fds[i] = -1;
        }
        semi_fds_init = true;
    }
    return handle >= 1 && handle <= SEMI_MAX_FILES ? semi_fds[handle - 1] : -1;
}

static int semi_fd(uint64_t handle)
{
    int fd = semi_fd_any(handle);

    return fd >= 0 && semi_fds_gdb[handle - 1] ? -1 : fd;
}

uint64_t semi_handle_new(int fd, bool gdb)
{
    semi_fd(0); /* initialise the table */
    for (int i = 0; i < SEMI_MAX_FILES; i++) {
        if (semi_fds[i] < 0) {
            semi_fds[i] = fd;
            semi_fds_gdb[i] = gdb;
            return i + 1;
        }
    }
    if (fd > 2 && !gdb) {
        close(fd);
    }
    return semi_fail(EMFILE);
}

static uint64_t semi_new_handle(int fd)
{
    return semi_handle_new(fd, false);
}

int semi_handle_fd(uint64_t handle, bool *gdb)
{
    int fd = semi_fd_any(handle);

    *gdb = fd >= 0 && semi_fds_gdb[handle - 1];
    return fd;
}

void semi_handle_free(uint64_t handle)
{
    if (semi_fd_any(handle) >= 0) {
        semi_fds[handle - 1] = -1;
    }
}

/* SYS_OPEN [name, mode 0..11, name length]: ":tt" is the console. */
static uint64_t semi_open(const SemihostingGuest *g, uint64_t param)
{
    static const int flags[12] = {
        O_RDONLY,
        O_RDONLY,
        O_RDWR,
        O_RDWR,
        O_WRONLY | O_CREAT | O_TRUNC,
        O_WRONLY | O_CREAT | O_TRUNC,
        O_RDWR | O_CREAT | O_TRUNC,
        O_RDWR | O_CREAT | O_TRUNC,
        O_WRONLY | O_CREAT | O_APPEND,
        O_WRONLY | O_CREAT | O_APPEND,
        O_RDWR | O_CREAT | O_APPEND,
        O_RDWR | O_CREAT | O_APPEND,
    };
    uint64_t name, mode, len;
    char *path;
    int fd;

    if (!semi_word(g, param, 0, &name) || !semi_word(g, param, 1, &mode) ||
        !semi_word(g, param, 2, &len) || mode > 11 || !(path = semi_string(g, name, len))) {
        return semi_fail(EINVAL);
    }
    if (!strcmp(path, ":tt")) {
        fd = mode < 4 ? STDIN_FILENO : mode < 8 ? STDOUT_FILENO : STDERR_FILENO;
    } else {
        fd = open(path, flags[mode] | O_CLOEXEC, 0644);
    }
    free(path);
    return fd < 0 ? semi_fail(errno) : semi_new_handle(fd);
}

static uint64_t semi_close(const SemihostingGuest *g, uint64_t param)
{
    uint64_t h;
    int fd;

    if (!semi_word(g, param, 0, &h) || (fd = semi_fd_any(h)) < 0) {
        return semi_fail(EBADF);
    }
    semi_fds[h - 1] = -1;
    if (semi_fds_gdb[h - 1]) {
        return semi_fail(EIO); /* gdb's file, and gdb has gone: forget it */
    }
    return fd > 2 && close(fd) < 0 ? semi_fail(errno) : 0;
}

/* SYS_WRITE / SYS_READ [handle, buffer, length]: returns the count NOT transferred. */
static uint64_t semi_transfer(const SemihostingGuest *g, uint64_t param, bool to_host)
{
    uint64_t h, buf, len, done = 0;
    uint8_t chunk[4096];
    int fd;

    if (!semi_word(g, param, 0, &h) || !semi_word(g, param, 1, &buf) ||
        !semi_word(g, param, 2, &len) || (fd = semi_fd(h)) < 0) {
        return semi_fail(EBADF);
    }
    while (done < len && done < SEMI_CHUNK * 16) {
        size_t n = MIN(len - done, sizeof(chunk));
        ssize_t got;

        if (to_host && !g->rw(g->opaque, buf + done, chunk, n, false)) {
            break;
        }
        fflush(stdout); /* console text written with SYS_WRITE0 comes first */
        got = to_host ? write(fd, chunk, n) : read(fd, chunk, n);
        if (got <= 0 || (!to_host && !g->rw(g->opaque, buf + done, chunk, got, true))) {
            semi_errno = got < 0 ? errno : semi_errno;
            break;
        }
        done += got;
        if ((size_t)got < n) {
            break;
        }
    }
    return len - done;
}

/* SYS_SEEK [handle, absolute position]; SYS_FLEN [handle]; SYS_ISTTY [handle]. */
static uint64_t semi_file_query(const SemihostingGuest *g, uint64_t op, uint64_t param)
{
    uint64_t h, pos;
    struct stat st;
    int fd;

    if (!semi_word(g, param, 0, &h) || (fd = semi_fd(h)) < 0) {
        return semi_fail(EBADF);
    }
    switch (op) {
    case SYS_SEEK:
        if (!semi_word(g, param, 1, &pos)) {
            return semi_fail(EINVAL);
        }
        return lseek(fd, (off_t)pos, SEEK_SET) < 0 ? semi_fail(errno) : 0;
    case SYS_FLEN:
        return fstat(fd, &st) < 0 ? semi_fail(errno) : (uint64_t)st.st_size;
    default: /* SYS_ISTTY */
        return isatty(fd) ? 1 : (semi_errno = errno, 0);
    }
}

static uint64_t semi_remove(const SemihostingGuest *g, uint64_t param)
{
    uint64_t name, len;
    char *path;
    int r;

    if (!semi_word(g, param, 0, &name) || !semi_word(g, param, 1, &len) ||
        !(path = semi_string(g, name, len))) {
        return semi_fail(EINVAL);
    }
    r = unlink(path);
    free(path);
    return r < 0 ? semi_fail(errno) : 0;
}

/* SYS_GET_CMDLINE [buffer, size]: the arg= words, NUL-terminated; size becomes the length. */
static uint64_t semi_get_cmdline(const SemihostingGuest *g, uint64_t param)
{
    const char *cmd = semihosting_get_config()->cmdline ? semihosting_get_config()->cmdline : "";
    uint64_t buf, size, len = strlen(cmd);

    if (!semi_word(g, param, 0, &buf) || !semi_word(g, param, 1, &size) || len + 1 > size ||
        !g->rw(g->opaque, buf, (void *)cmd, len + 1, true) ||
        !semi_put_word(g, param + g->word_size, len)) {
        return semi_fail(EINVAL);
    }
    return 0;
}

/* SYS_EXIT(_EXTENDED) [reason, subcode]: ApplicationExit ends with subcode, else status 1. */
static uint64_t semi_exit(const SemihostingGuest *g, uint64_t param)
{
    uint64_t reason = 0, code = 1;

    if (!semi_word(g, param, 0, &reason) || !semi_word(g, param, 1, &code)) {
        code = 1;
    } else if (reason != ADP_STOPPED_APPLICATION_EXIT) {
        code = 1;
    }
    fflush(stdout);
    shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN, (int)(code & 0xff));
    return 0;
}

static uint64_t semi_clock_ns(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static uint64_t semi_console(const SemihostingGuest *g, uint64_t op, uint64_t param)
{
    char c, *s;

    if (op == SYS_WRITEC) {
        if (g->rw(g->opaque, param, &c, 1, false)) {
            semihosting_console_write(&c, 1);
        }
    } else if ((s = semi_string(g, param, UINT64_MAX))) {
        semihosting_console_write(s, strlen(s));
        free(s);
    }
    return 0;
}

/* target=gdb, or auto with a gdb attached: file and console calls go to gdb. */
static bool semi_use_gdb(void)
{
    SemihostingTarget t = semihosting_get_config()->target;

    return t == SEMIHOSTING_TARGET_GDB || (t == SEMIHOSTING_TARGET_AUTO && gdb_attached());
}

bool semihosting_call(const SemihostingGuest *g, uint64_t op, uint64_t param, uint64_t *result)
{
    if (semi_use_gdb() && semihosting_gdb_call(g, op, param)) {
        return false;
    }
    *result = semihosting_call_native(g, op, param);
    return true;
}

uint64_t semihosting_call_native(const SemihostingGuest *g, uint64_t op, uint64_t param)
{
    static uint64_t start_ns;
    uint64_t zero[4] = {0}, heap;

    if (!start_ns) {
        start_ns = semi_clock_ns(CLOCK_MONOTONIC);
    }
    switch (op) {
    case SYS_OPEN:
        return semi_open(g, param);
    case SYS_CLOSE:
        return semi_close(g, param);
    case SYS_WRITEC:
    case SYS_WRITE0:
        return semi_console(g, op, param);
    case SYS_WRITE:
    case SYS_READ:
        return semi_transfer(g, param, op == SYS_WRITE);
    case SYS_READC:
        return (uint64_t)(int64_t)getchar();
    case SYS_ISERROR:
        return (int64_t)param < 0;
    case SYS_ISTTY:
    case SYS_SEEK:
    case SYS_FLEN:
        return semi_file_query(g, op, param);
    case SYS_REMOVE:
        return semi_remove(g, param);
    case SYS_CLOCK: /* centiseconds since the first call */
        return (semi_clock_ns(CLOCK_MONOTONIC) - start_ns) / 10000000u;
    case SYS_TIME:
        return (uint64_t)time(NULL);
    case SYS_ERRNO:
        return semi_errno;
    case SYS_GET_CMDLINE:
        return semi_get_cmdline(g, param);
    case SYS_HEAPINFO:
        /* [heap base, heap limit, stack base, stack limit] all 0: "not known", the
         * spec's answer when the host does not track the guest's memory layout. */
        if (!semi_word(g, param, 0, &heap)) {
            return semi_fail(EINVAL);
        }
        for (int i = 0; i < 4; i++) {
            semi_put_word(g, heap + (uint64_t)i * g->word_size, zero[i]);
        }
        return 0;
    case SYS_EXIT:
    case SYS_EXIT_EXTENDED:
        return semi_exit(g, param);
    case SYS_ELAPSED:
        return semi_put_word(g, param, semi_clock_ns(CLOCK_MONOTONIC) - start_ns)
                   ? 0
                   : semi_fail(EINVAL);
    case SYS_TICKFREQ:
        return 1000000000u;
    default: /* SYS_TMPNAM, SYS_RENAME, SYS_SYSTEM and unknown calls */
        return semi_fail(ENOSYS);
    }
}
