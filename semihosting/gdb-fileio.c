/*
 * Semihosting through gdb (-semihosting-config target=gdb, or auto with a gdb
 * attached): the file and console calls become requests of gdb's File-I/O
 * extension (GDB manual, "File-I/O Remote Protocol Extension": open, close,
 * read, write, lseek, fstat, isatty, unlink; numbers in hex, a path as pointer/length
 * with its NUL counted, flags and errno values as that appendix defines them).
 * gdb reads and writes the guest's buffers itself with m/M packets while the
 * VM is stopped, so this side only names addresses. The other calls (clock,
 * time, exit, command line, heap info, files opened natively before gdb came)
 * stay native, as in QEMU.
 *
 * One call is in flight at a time (the calling vCPU is stopped, and the VM
 * with it); its parameters wait here for gdb's answer.
 */
#include <errno.h>
#include <inttypes.h>

#include "gdbstub/gdbstub.h"
#include "semihost-internal.h"

/* The File-I/O open flags (GDB manual, "Open Flags"). */
#define GDB_O_RDONLY 0x0
#define GDB_O_WRONLY 0x1
#define GDB_O_RDWR 0x2
#define GDB_O_APPEND 0x8
#define GDB_O_CREAT 0x200
#define GDB_O_TRUNC 0x400
#define GDB_MODE_0644 0644 /* S_IRUSR|S_IWUSR|S_IRGRP|S_IROTH: the same bits in the appendix */
/* struct stat as File-I/O sends it (64 bytes, big-endian): st_size is the 8 bytes at 28. */
#define GDB_STAT_ST_SIZE 28
#define GDB_ENAMETOOLONG 91 /* the appendix's errno values are Linux's, but for this */
#define GDB_EUNKNOWN 9999

static struct {
    SemihostingGuest g;
    uint64_t op;
    uint64_t len;    /* SYS_READ/SYS_WRITE: the count asked for */
    uint64_t handle; /* SYS_CLOSE: the handle to free */
} pending;

static int gdb_errno_to_host(int err)
{
    return err == GDB_ENAMETOOLONG ? ENAMETOOLONG : err == GDB_EUNKNOWN || err <= 0 ? EIO : err;
}

/* SYS_FLEN: st_size of the stat gdb wrote at g->scratch. */
static uint64_t semi_gdb_stat_size(const SemihostingGuest *g)
{
    uint8_t st[8];
    uint64_t size = 0;

    if (!g->rw(g->opaque, g->scratch + GDB_STAT_ST_SIZE, st, sizeof(st), false)) {
        return semi_set_errno(EFAULT);
    }
    for (int i = 0; i < 8; i++) {
        size = size << 8 | st[i];
    }
    return size;
}

/* gdb answered (main loop, VM stopped): the result as the native call would give it. */
static void semi_gdb_complete(CPUState *cpu, int64_t ret, int err)
{
    uint64_t value = (uint64_t)ret;

    if (ret < 0) {
        value = semi_set_errno(gdb_errno_to_host(err));
    }
    switch (pending.op) {
    case SYS_OPEN:
        value = ret < 0 ? value : semi_handle_new((int)ret, true);
        break;
    case SYS_CLOSE:
        semi_handle_free(pending.handle);
        break;
    case SYS_READ:
    case SYS_WRITE: /* the count NOT transferred */
        value = ret < 0 ? pending.len : pending.len - MIN((uint64_t)ret, pending.len);
        break;
    case SYS_SEEK:
    case SYS_REMOVE:
        value = ret < 0 ? value : 0;
        break;
    case SYS_FLEN:
        value = ret < 0 ? value : semi_gdb_stat_size(&pending.g);
        break;
    case SYS_WRITEC:
    case SYS_WRITE0:
        value = 0;
        break;
    default: /* SYS_ISTTY: 1 or 0 */
        break;
    }
    pending.g.set_result(pending.g.opaque, value);
}

static bool semi_gdb_request(const SemihostingGuest *g, uint64_t op, const char *request)
{
    pending.g = *g;
    pending.op = op;
    gdb_do_syscall(g->cpu, semi_gdb_complete, request);
    return true;
}

/* SYS_OPEN [name, mode, length]: ":tt" stays the native console. */
static bool semi_gdb_open(const SemihostingGuest *g, uint64_t param)
{
    static const int flags[12] = {
        GDB_O_RDONLY,
        GDB_O_RDONLY,
        GDB_O_RDWR,
        GDB_O_RDWR,
        GDB_O_WRONLY | GDB_O_CREAT | GDB_O_TRUNC,
        GDB_O_WRONLY | GDB_O_CREAT | GDB_O_TRUNC,
        GDB_O_RDWR | GDB_O_CREAT | GDB_O_TRUNC,
        GDB_O_RDWR | GDB_O_CREAT | GDB_O_TRUNC,
        GDB_O_WRONLY | GDB_O_CREAT | GDB_O_APPEND,
        GDB_O_WRONLY | GDB_O_CREAT | GDB_O_APPEND,
        GDB_O_RDWR | GDB_O_CREAT | GDB_O_APPEND,
        GDB_O_RDWR | GDB_O_CREAT | GDB_O_APPEND,
    };
    uint64_t name, mode, len;
    char request[96], *path;
    bool console;

    if (!semi_word(g, param, 0, &name) || !semi_word(g, param, 1, &mode) ||
        !semi_word(g, param, 2, &len) || mode > 11 || !(path = semi_string(g, name, len))) {
        return false; /* the native call reports the bad block */
    }
    console = !strcmp(path, ":tt");
    free(path);
    if (console) {
        return false;
    }
    snprintf(request, sizeof(request), "open,%" PRIx64 "/%" PRIx64 ",%x,%x", name, len + 1,
             flags[mode], GDB_MODE_0644);
    return semi_gdb_request(g, SYS_OPEN, request);
}

/*
 * The calls on a handle: those gdb opened, and the console (":tt", fds 0-2), which is
 * gdb's console then. A file opened natively (before gdb came) stays native.
 */
static bool semi_gdb_handle_call(const SemihostingGuest *g, uint64_t op, uint64_t param)
{
    uint64_t h, buf = 0, len = 0;
    char request[96];
    bool gdb;
    int fd;

    if (!semi_word(g, param, 0, &h) || (fd = semi_handle_fd(h, &gdb)) < 0 || (!gdb && fd > 2)) {
        return false;
    }
    if ((op == SYS_READ || op == SYS_WRITE || op == SYS_SEEK) && !semi_word(g, param, 1, &buf)) {
        return false;
    }
    if ((op == SYS_READ || op == SYS_WRITE) && !semi_word(g, param, 2, &len)) {
        return false;
    }
    if (op == SYS_CLOSE && !gdb) {
        return false; /* the console is not gdb's to close */
    }
    pending.len = len;
    pending.handle = h;
    if (op == SYS_READ || op == SYS_WRITE) {
        snprintf(request, sizeof(request), "%s,%x,%" PRIx64 ",%" PRIx64,
                 op == SYS_READ ? "read" : "write", fd, buf, len);
    } else if (op == SYS_SEEK) {
        snprintf(request, sizeof(request), "lseek,%x,%" PRIx64 ",0", fd, buf);
    } else if (op == SYS_FLEN) {
        snprintf(request, sizeof(request), "fstat,%x,%" PRIx64, fd, g->scratch);
    } else if (op == SYS_CLOSE) {
        snprintf(request, sizeof(request), "close,%x", fd);
    } else {
        snprintf(request, sizeof(request), "isatty,%x", fd);
    }
    return semi_gdb_request(g, op, request);
}

bool semihosting_gdb_call(const SemihostingGuest *g, uint64_t op, uint64_t param)
{
    char request[96], *s;
    uint64_t name, len;

    switch (op) {
    case SYS_OPEN:
        return semi_gdb_open(g, param);
    case SYS_CLOSE:
    case SYS_READ:
    case SYS_WRITE:
    case SYS_SEEK:
    case SYS_ISTTY:
    case SYS_FLEN:
        return semi_gdb_handle_call(g, op, param);
    case SYS_REMOVE:
        if (!semi_word(g, param, 0, &name) || !semi_word(g, param, 1, &len)) {
            return false;
        }
        snprintf(request, sizeof(request), "unlink,%" PRIx64 "/%" PRIx64, name, len + 1);
        return semi_gdb_request(g, op, request);
    case SYS_WRITEC: /* the console: gdb's stdout */
        snprintf(request, sizeof(request), "write,1,%" PRIx64 ",1", param);
        return semi_gdb_request(g, op, request);
    case SYS_WRITE0:
        if (!(s = semi_string(g, param, UINT64_MAX))) {
            return false;
        }
        snprintf(request, sizeof(request), "write,1,%" PRIx64 ",%zx", param, strlen(s));
        free(s);
        return semi_gdb_request(g, op, request);
    default:
        return false;
    }
}
