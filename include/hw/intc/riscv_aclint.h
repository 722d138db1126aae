/*
 * RISC-V ACLINT (Advanced Core Local Interruptor): MSWI/SSWI software
 * interrupt devices and the MTIMER, plus the SiFive CLINT that QEMU's virt
 * board uses by default (an MSWI and an MTIMER placed in one 64 KiB window).
 *
 * Each device serves harts hartid_base .. hartid_base + num_harts - 1 through
 * its per-hart output lines (qdev gpio out i = hart hartid_base + i: MSIP,
 * SSIP or MTIP), which the board connects to the harts' input lines; the
 * board also makes an MTIMER the harts' `time` source
 * (riscv_aclint_mtimer_time). No device here knows what a hart is.
 *
 * Device-tree hooks (DeviceClass.fdt_populate) use ctx->hart_intc_phandles[0
 * .. ctx->num_harts - 1] as the "riscv,cpu-intc" phandles of the harts the
 * device serves, in hart order; ctx->base is where region 0 is mapped.
 */
#ifndef HW_INTC_RISCV_ACLINT_H
#define HW_INTC_RISCV_ACLINT_H

#include "hw/core/sysbus.h"

#define TYPE_RISCV_ACLINT_SWI "riscv.aclint.swi"
#define TYPE_RISCV_ACLINT_MTIMER "riscv.aclint.mtimer"

#define RISCV_ACLINT_MAX_HARTS 4095
#define RISCV_ACLINT_SWI_SIZE 0x4000
#define RISCV_ACLINT_DEFAULT_MTIMER_SIZE 0x8000
#define RISCV_ACLINT_DEFAULT_MTIMECMP 0x0
#define RISCV_ACLINT_DEFAULT_MTIME 0x7ff8
#define RISCV_ACLINT_DEFAULT_TIMEBASE_FREQ 10000000
/* The SiFive CLINT window: msip at 0x0, mtimecmp at 0x4000, mtime at 0xbff8. */
#define RISCV_SIFIVE_CLINT_SIZE 0x10000

/*
 * Properties.
 * SWI:    "hartid-base", "num-harts", "sswi" (bool: supervisor setssip registers
 *         instead of machine msip), "sifive-clint" (bool: the device tree node
 *         describes the whole SiFive CLINT window, see riscv_aclint_create_clint).
 * MTIMER: "hartid-base", "num-harts", "aperture-size", "timecmp-base",
 *         "time-base", "timebase-freq", "provide-rdtime" (bool, default on: QEMU's
 *         name for "the board makes this the harts' time source"),
 *         "sifive-clint" (bool: no node of its own; the SWI's clint node covers it).
 */

/*
 * The board helpers below create, realize and map the devices; NULL + errp if realize
 * refuses the configuration.
 */
/* An MSWI (sswi=false) or SSWI at addr. */
DeviceState *riscv_aclint_swi_create(hwaddr addr, uint32_t hartid_base, uint32_t num_harts,
                                     bool sswi, Error **errp);
/* An MTIMER window of size bytes at addr. */
DeviceState *riscv_aclint_mtimer_create(hwaddr addr, hwaddr size, uint32_t hartid_base,
                                        uint32_t num_harts, uint32_t timecmp_base,
                                        uint32_t time_base, uint32_t timebase_freq,
                                        bool provide_rdtime, Error **errp);
/*
 * The SiFive CLINT at base (QEMU virt: 0x2000000): an MSWI at base and an
 * MTIMER at base + RISCV_ACLINT_SWI_SIZE (in *mtimer), 10 MHz. Returns the
 * MSWI, whose fdt_populate writes the single "clint@<base>" node ("sifive,clint0").
 */
DeviceState *riscv_aclint_create_clint(hwaddr base, uint32_t hartid_base, uint32_t num_harts,
                                       DeviceState **mtimer, Error **errp);

/* mtime of the MTIMER `mtimer` (a DeviceState *): a hart's time source; any thread. */
uint64_t riscv_aclint_mtimer_time(void *mtimer);

#endif
