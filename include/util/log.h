/*
 * Debug logging selected with -d LIST and redirected with -D FILE, as QEMU's.
 * Guest misbehaviour (DESIGN.md) is reported with
 *     log_mask(LOG_GUEST_ERROR, "uart: write to read-only reg 0x%x\n", off);
 * and then the architecturally defined result is produced; never abort.
 */
#ifndef UTIL_LOG_H
#define UTIL_LOG_H

#include "common.h"
#include "util/error.h"

enum {
    LOG_GUEST_ERROR = 1 << 0, /* guest_errors: the guest did something invalid */
    LOG_UNIMP = 1 << 1,       /* unimp: the guest used something we do not implement */
    LOG_INT = 1 << 2,         /* int: traps and interrupts taken */
    LOG_IN_ASM = 1 << 3,      /* in_asm: guest code translated into blocks */
    LOG_EXEC = 1 << 4,        /* exec: blocks executed */
    LOG_MMU = 1 << 5,         /* mmu: page walks and faults */
    LOG_CPU = 1 << 6,         /* cpu: register state before each block */
    LOG_OP = 1 << 7,          /* op: a block's records (operation numbers) as translated */
    LOG_OUT_ASM = 1 << 8,     /* out_asm: the host code the JIT emitted for a block */
    LOG_NOCHAIN = 1 << 9,     /* nochain: every block returns to the run loop (JIT on) */
};

extern int log_mask_enabled; /* the -d bits; read on hot paths through log_enabled() */

static inline bool log_enabled(int mask)
{
    return unlikely(log_mask_enabled & mask);
}

/* Write to the log (stderr or the -D file) unconditionally; thread safe. */
void log_printf(const char *fmt, ...) PRINTF_FMT(1, 2);
/* Around a listing of several lines, so another thread's lines do not cut into it (the
 * lock is recursive: log_printf takes it too). */
void log_lock(void);
void log_unlock(void);
#define log_mask(mask, ...)                                                                        \
    do {                                                                                           \
        if (log_enabled(mask)) {                                                                   \
            log_printf(__VA_ARGS__);                                                               \
        }                                                                                          \
    } while (0)

/* Parse "guest_errors,int" (or "help", which prints the list and returns false with no error). */
bool log_set_mask_str(const char *list, Error **errp);
/* Send the log to FILE instead of stderr. */
bool log_set_file(const char *path, Error **errp);
/* Print the known -d items to stdout. */
void log_print_help(void);

#endif
