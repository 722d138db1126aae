/*
 * SiFive test finisher: a guest write ends or resets the emulator, as QEMU's
 * virt test@100000 (used by OpenSBI and Linux for poweroff/reboot through the
 * syscon-poweroff/-reboot nodes, and by our guest tests to report pass/fail).
 *
 * A 16- or 32-bit write of:
 *   0x5555                  PASS: shutdown, exit status 0
 *   (code << 16) | 0x3333   FAIL: shutdown, exit status code
 *   0x7777                  RESET: machine reset
 * Reads return 0.
 *
 * Device tree (DeviceClass.fdt_populate): "test@<base>" under
 * ctx->parent_path with phandle ctx->phandle (generated if 0), plus the
 * "/poweroff" and "/reboot" syscon nodes at the root that point to it.
 */
#ifndef HW_MISC_SIFIVE_TEST_H
#define HW_MISC_SIFIVE_TEST_H

#include "hw/core/sysbus.h"

#define TYPE_SIFIVE_TEST "riscv.sifive.test"

#define SIFIVE_TEST_SIZE 0x1000

enum {
    FINISHER_FAIL = 0x3333,
    FINISHER_PASS = 0x5555,
    FINISHER_RESET = 0x7777,
};

#endif
