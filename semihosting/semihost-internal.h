/* What the semihosting files share (semihosting/ only). */
#ifndef SEMIHOSTING_SEMIHOST_INTERNAL_H
#define SEMIHOSTING_SEMIHOST_INTERNAL_H

#include "chardev/char.h"
#include "common.h"

typedef struct SemihostingConfig {
    bool enabled;
    char *cmdline;      /* arg= words joined by spaces, or NULL */
    char *chardev_id;   /* chardev=: the console goes there instead of stdout */
    CharBackend console; /* attached by semihosting_connect_chardev */
    bool console_attached;
} SemihostingConfig;

const SemihostingConfig *semihosting_get_config(void);
/* Console output (SYS_WRITEC, SYS_WRITE0): the chardev or stdout. A ":tt" handle is the
 * host's stdout/stderr even with a chardev, as in QEMU 7.2. */
void semihosting_console_write(const void *buf, size_t len);

#endif
