/*
 * RISC-V APLIC (Advanced Platform-Level Interrupt Controller), one interrupt domain per
 * device, as QEMU's virt board builds them for -machine aia=aplic: a machine-level root
 * domain that owns the wires and a supervisor-level child domain that the root delegates
 * sources to (sourcecfg.D). Direct delivery mode only (domaincfg.DM is read-only zero): each
 * domain signals its harts' external interrupt (MEIP for "mmode", SEIP otherwise) through
 * its IDC structures; in MSI delivery mode ("msimode", aia=aplic-imsic) it writes MSIs to
 * the harts' IMSIC pages instead.
 *
 * Input lines (qdev gpio in) 1..num-sources-1 are the wires (0 does not exist). A child
 * domain gets its delegated wires from the parent, not from the board.
 * Outputs (qdev gpio out) 0..num-harts-1 are the external interrupt of hart hartid-base + i
 * (MEIP for mmode, SEIP otherwise): the board connects them to the harts' lines.
 *
 * Properties: "hartid-base", "num-harts", "num-sources" (default 97: sources 1..96 as on
 * virt), "mmode" (machine level, default true).
 *
 * Device tree (DeviceClass.fdt_populate): "aplic@<base>" with ctx->phandle; a parent lists
 * its child (aplic_set_child) in riscv,children and delegates every source to it.
 */
#ifndef HW_INTC_RISCV_APLIC_H
#define HW_INTC_RISCV_APLIC_H

#include "hw/core/sysbus.h"

#define TYPE_RISCV_APLIC "riscv.aplic"

#define APLIC_DOMAINCFG 0x0000
#define APLIC_DOMAINCFG_DM (1u << 2) /* MSI delivery mode */
#define APLIC_SOURCECFG_BASE 0x0004  /* sourcecfg[i] at 0x0004 + 4 * (i - 1) */
#define APLIC_SETIP_BASE 0x1c00
#define APLIC_SETIPNUM 0x1cdc
#define APLIC_IN_CLRIP_BASE 0x1d00
#define APLIC_CLRIPNUM 0x1ddc
#define APLIC_SETIE_BASE 0x1e00
#define APLIC_SETIENUM 0x1edc
#define APLIC_CLRIE_BASE 0x1f00
#define APLIC_CLRIENUM 0x1fdc
#define APLIC_SETIPNUM_LE 0x2000
#define APLIC_MMSIADDRCFG 0x1bc0 /* root domain, MSI mode: mmsiaddrcfg(h), smsiaddrcfg(h) */
#define APLIC_SMSIADDRCFGH 0x1bcc
#define APLIC_GENMSI 0x3000
#define APLIC_TARGET_BASE 0x3004 /* target[i] at 0x3004 + 4 * (i - 1) */
#define APLIC_IDC_BASE 0x4000    /* 32 bytes per hart index */
#define APLIC_IDC_SIZE 32
#define APLIC_IDC_IDELIVERY 0x00
#define APLIC_IDC_IFORCE 0x04
#define APLIC_IDC_ITHRESHOLD 0x08
#define APLIC_IDC_TOPI 0x18
#define APLIC_IDC_CLAIMI 0x1c

#define APLIC_MAX_SOURCES 1024
#define APLIC_VIRT_NUM_SOURCES 97

/* sourcecfg fields */
#define APLIC_SOURCECFG_D (1u << 10)
#define APLIC_SM_INACTIVE 0
#define APLIC_SM_DETACHED 1
#define APLIC_SM_EDGE1 4
#define APLIC_SM_EDGE0 5
#define APLIC_SM_LEVEL1 6
#define APLIC_SM_LEVEL0 7

/* The size of a domain's control region for num_harts IDC structures (a multiple of 16 KiB). */
static inline uint64_t aplic_region_size(uint32_t num_harts)
{
    return APLIC_IDC_BASE + (((uint64_t)num_harts * APLIC_IDC_SIZE + 0x3fff) & ~0x3fffULL);
}

/* Make child (whose device-tree phandle is child_phandle) the only child domain of parent:
 * the sources parent delegates go to it. Before reset. */
void aplic_set_child(DeviceState *parent, DeviceState *child, uint32_t child_phandle);

/* MSI delivery mode: the node names the IMSIC (imsic_phandle) the domain's MSIs go to. */
void aplic_set_msi_parent(DeviceState *dev, uint32_t imsic_phandle);

/* Create, realize and map a domain at addr (in MSI delivery mode if msimode); NULL + errp if
 * realize refuses. */
DeviceState *riscv_aplic_create(hwaddr addr, uint32_t hartid_base, uint32_t num_harts,
                                uint32_t num_sources, bool mmode, bool msimode, Error **errp);

#endif
