/* What the semihosting files share (semihosting/ only). */
#ifndef SEMIHOSTING_SEMIHOST_INTERNAL_H
#define SEMIHOSTING_SEMIHOST_INTERNAL_H

#include "common.h"

typedef struct SemihostingConfig {
    bool enabled;
    char *cmdline; /* arg= words joined by spaces, or NULL */
} SemihostingConfig;

const SemihostingConfig *semihosting_get_config(void);

#endif
