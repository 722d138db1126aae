/* What the semihosting files share (semihosting/ only). */
#ifndef SEMIHOSTING_SEMIHOST_INTERNAL_H
#define SEMIHOSTING_SEMIHOST_INTERNAL_H

#include "chardev/char.h"
#include "common.h"
#include "semihosting/semihost.h"

/* The call numbers (Arm IHI 0091, which the RISC-V semihosting spec adopts). */
enum {
    SYS_OPEN = 0x01,
    SYS_CLOSE = 0x02,
    SYS_WRITEC = 0x03,
    SYS_WRITE0 = 0x04,
    SYS_WRITE = 0x05,
    SYS_READ = 0x06,
    SYS_READC = 0x07,
    SYS_ISERROR = 0x08,
    SYS_ISTTY = 0x09,
    SYS_SEEK = 0x0a,
    SYS_FLEN = 0x0c,
    SYS_TMPNAM = 0x0d,
    SYS_REMOVE = 0x0e,
    SYS_RENAME = 0x0f,
    SYS_CLOCK = 0x10,
    SYS_TIME = 0x11,
    SYS_SYSTEM = 0x12,
    SYS_ERRNO = 0x13,
    SYS_GET_CMDLINE = 0x15,
    SYS_HEAPINFO = 0x16,
    SYS_EXIT = 0x18,
    SYS_EXIT_EXTENDED = 0x20,
    SYS_ELAPSED = 0x30,
    SYS_TICKFREQ = 0x31,
};

typedef enum SemihostingTarget {
    SEMIHOSTING_TARGET_AUTO, /* gdb when one is attached, else native (QEMU's default) */
    SEMIHOSTING_TARGET_NATIVE,
    SEMIHOSTING_TARGET_GDB,
} SemihostingTarget;

typedef struct SemihostingConfig {
    bool enabled;
    SemihostingTarget target;
    char *cmdline;      /* arg= words joined by spaces, or NULL */
    char *chardev_id;   /* chardev=: the console goes there instead of stdout */
    CharBackend console; /* attached by semihosting_connect_chardev */
    bool console_attached;
} SemihostingConfig;

const SemihostingConfig *semihosting_get_config(void);
/* Console output (SYS_WRITEC, SYS_WRITE0): the chardev or stdout. A ":tt" handle is the
 * host's stdout/stderr even with a chardev, as in QEMU 7.2. */
void semihosting_console_write(const void *buf, size_t len);
/* The calls served here (arm-compat-semi.c); the value for the result register. */
uint64_t semihosting_call_native(const SemihostingGuest *g, uint64_t op, uint64_t param);
/* Guest handles: the fd behind one (-1 if none) and whether gdb opened it; a new one; free. */
int semi_handle_fd(uint64_t handle, bool *gdb);
uint64_t semi_handle_new(int fd, bool gdb);
void semi_handle_free(uint64_t handle);
/* Parameter word i of the block at param; the guest's string at addr (len bytes, or to its
 * NUL if len is UINT64_MAX), malloc'd, NULL on a fault. */
bool semi_word(const SemihostingGuest *g, uint64_t param, int i, uint64_t *out);
char *semi_string(const SemihostingGuest *g, uint64_t addr, uint64_t len);
/* Record err for SYS_ERRNO and return -1 (a failed call). */
uint64_t semi_set_errno(int err);
/* Calls through gdb's File-I/O (gdb-fileio.c): false if op is not one gdb serves. */
bool semihosting_gdb_call(const SemihostingGuest *g, uint64_t op, uint64_t param);

#endif
