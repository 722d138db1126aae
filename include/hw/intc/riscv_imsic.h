/*
 * RISC-V IMSIC (Incoming MSI Controller, The RISC-V Advanced Interrupt Architecture 1.0
 * chapter 3): one interrupt file of one hart at one privilege level, as QEMU's virt board
 * builds them for -machine aia=aplic-imsic (M files at 0x24000000, S files at 0x28000000,
 * a 4 KiB page per hart).
 *
 * A device writes an interrupt identity to the page (seteipnum_le at 0, seteipnum_be at 4)
 * and it becomes pending; the hart reaches eidelivery, eithreshold, eip0..63 and eie0..63
 * through its miselect/mireg (siselect/sireg) CSRs and claims through mtopei (stopei)
 * (riscv_cpu_set_imsic, which the board calls with riscv_imsic_csr_ops). Output (qdev gpio out) 0
 * is the hart's external interrupt line (MEIP for "mmode", SEIP otherwise, hgeip bit g for
 * guest file g): asserted while eidelivery is 1 and an enabled identity below the threshold
 * is pending.
 *
 * Properties: "hartid" (for the device tree), "mmode", "guest" (0, or 1..63: a guest
 * interrupt file of an S level, -machine aia-guests), "guest-index-bits" (the device-tree
 * node's riscv,guest-index-bits), "num-ids" (63..2047, 2^k - 1; 255 on virt). Device tree
 * (DeviceClass.fdt_populate): QEMU puts every hart's file of a level in one "imsics@<base>" node,
 * so the board registers hart 0's file with the level's window, harts and phandle, and that file
 * writes the node.
 */
#ifndef HW_INTC_RISCV_IMSIC_H
#define HW_INTC_RISCV_IMSIC_H

#include "hw/core/sysbus.h"
#include "target/riscv/cpu.h"

#define TYPE_RISCV_IMSIC "riscv.imsic"

#define IMSIC_PAGE_SIZE 0x1000
#define IMSIC_SETEIPNUM_LE 0x0
#define IMSIC_SETEIPNUM_BE 0x4
#define IMSIC_VIRT_NUM_IDS 255
/* iselect values of an interrupt file (the rest of 0x70..0xff is reserved) */
#define IMSIC_EIDELIVERY 0x70
#define IMSIC_EITHRESHOLD 0x72
#define IMSIC_EIP0 0x80
#define IMSIC_EIP63 0xbf
#define IMSIC_EIE0 0xc0
#define IMSIC_EIE63 0xff

/* What the hart's AIA CSRs call (opaque: the IMSIC device). */
extern const RISCVIMSICOps riscv_imsic_csr_ops;

/*
 * Create, realize and map one interrupt file at addr, linked to cpu's CSRs: its M (mmode) or
 * S file, or with guest g >= 1 its guest file g (VS level, hstatus.VGEIN = g). The caller
 * wires output 0 (MEIP, SEIP, or RISCV_CPU_GEI_LINE(g)).
 */
DeviceState *riscv_imsic_create(hwaddr addr, RISCVCPU *cpu, bool mmode, uint32_t guest,
                                uint32_t num_ids, Error **errp);

#endif
