/*
 * Semihosting (-semihosting, -semihosting-config): a bare-metal guest asks the
 * host to do I/O for it with a special breakpoint sequence; the calls and their
 * numbers are the Arm semihosting ones ("Semihosting for AArch32 and AArch64",
 * Arm IHI 0091), which the RISC-V semihosting spec adopts with a0 = operation,
 * a1 = parameter (a pointer to a block of XLEN-sized words) and the result in a0.
 *
 * The target finds the call and gives this code a view of the hart's memory;
 * everything else (files, console, exit) is here and has no target knowledge.
 */
#ifndef SEMIHOSTING_SEMIHOST_H
#define SEMIHOSTING_SEMIHOST_H

#include "common.h"
#include "util/error.h"

typedef struct CPUState CPUState;

/* How the call reaches guest memory (virtual addresses, as the hart sees them). */
typedef struct SemihostingGuest {
    void *opaque;
    /* Copy len bytes at vaddr from (write=false) or to (write=true) the guest; false on fault. */
    bool (*rw)(void *opaque, uint64_t vaddr, void *buf, uint64_t len, bool write);
    unsigned word_size; /* bytes per parameter word: 8 on RV64 */
    CPUState *cpu;      /* the calling vCPU (target=gdb stops it while gdb works) */
    uint64_t scratch;   /* 64 guest bytes a gdb call may use (below the stack pointer) */
    /* Put a deferred call's result in the result register (the vCPU is stopped then). */
    void (*set_result)(void *opaque, uint64_t value);
} SemihostingGuest;

/* -semihosting: enable with the defaults. */
void semihosting_enable(void);
/*
 * -semihosting-config enable=on|off,target=native|gdb|auto,chardev=ID,arg=..[,arg=..]:
 * false + errp on a bad key or value.
 */
bool semihosting_config(const char *optarg, Error **errp) WARN_UNUSED_RESULT;
/*
 * chardev=ID: attach the console to that chardev (once the chardevs exist); false + errp
 * if there is none with that id. Console output (SYS_WRITEC, SYS_WRITE0) then goes there
 * instead of stdout; as in QEMU 7.2, a ":tt" handle stays the host's stdout/stderr, and
 * SYS_READC still reads stdin.
 */
bool semihosting_connect_chardev(Error **errp) WARN_UNUSED_RESULT;
/* Whether the guest's semihosting calls are served (else ebreak traps as usual). */
bool semihosting_enabled(void);
/*
 * Serve call op with parameter param (both from the guest's registers): true with
 * the value for the result register in *result, or false when the call went to gdb
 * (target=gdb, or auto with a gdb attached: File-I/O): then the vCPU stops after
 * this instruction and g->set_result delivers the value before it runs again.
 * SYS_EXIT ends the run through the run-state machinery with the guest's exit code.
 */
bool semihosting_call(const SemihostingGuest *g, uint64_t op, uint64_t param, uint64_t *result);

#endif
