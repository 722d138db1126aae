/*
 * SiFive PLIC (platform-level interrupt controller), as on QEMU's virt board.
 *
 * Input lines (qdev gpio in) 0..num-sources-1 are the level-triggered
 * interrupt sources (source 0 does not exist and is ignored). Each hart
 * served has two contexts: context 2*i is machine mode and 2*i+1 supervisor
 * mode of hart hartid-base + i; their outputs (qdev gpio out 2*i and 2*i+1)
 * are for the board to connect to that hart's MEIP / SEIP input lines.
 *
 * Properties: "hartid-base", "num-harts", "num-sources" (default 96, ids
 * 1..95), "num-priorities" (default 7: priorities 0..7), "aperture-size"
 * (default 0x600000, the size the virt board reserves and describes).
 *
 * Device tree (DeviceClass.fdt_populate): "plic@<base>" under ctx->parent_path
 * with ctx->phandle, and interrupts-extended built from
 * ctx->hart_intc_phandles[0 .. ctx->num_harts - 1] (the harts served, in order).
 */
#ifndef HW_INTC_SIFIVE_PLIC_H
#define HW_INTC_SIFIVE_PLIC_H

#include "hw/core/sysbus.h"

#define TYPE_SIFIVE_PLIC "riscv.sifive.plic"

#define SIFIVE_PLIC_PRIORITY_BASE 0x0
#define SIFIVE_PLIC_PENDING_BASE 0x1000
#define SIFIVE_PLIC_ENABLE_BASE 0x2000
#define SIFIVE_PLIC_ENABLE_STRIDE 0x80
#define SIFIVE_PLIC_CONTEXT_BASE 0x200000
#define SIFIVE_PLIC_CONTEXT_STRIDE 0x1000
#define SIFIVE_PLIC_MAX_SOURCES 1024

/* QEMU virt's configuration: source ids 0..96 (0 is reserved), riscv,ndev = 96. */
#define SIFIVE_PLIC_VIRT_NUM_SOURCES 97
#define SIFIVE_PLIC_VIRT_NUM_PRIORITIES 7
#define SIFIVE_PLIC_VIRT_SIZE 0x600000

/* Create, realize and map a PLIC at addr; NULL + errp if realize refuses the configuration. */
DeviceState *sifive_plic_create(hwaddr addr, uint32_t hartid_base, uint32_t num_harts,
                                uint32_t num_sources, uint32_t num_priorities, hwaddr aperture_size,
                                Error **errp);

#endif
