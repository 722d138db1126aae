/*
 * How the PC hands the firmware and the kernel what they need (QEMU's hw/i386/fw_cfg.c,
 * e820 and x86_load_linux): fw_cfg at ports 0x510/0x511 with DMA at 0x514, its x86 items
 * and the e820 map (x86-boot.c); -kernel/-initrd/-append as a bzImage split into setup and
 * protected-mode parts that the linuxboot option ROM loads through fw_cfg
 * (x86-boot-linux.c). The ACPI tables join in machine-done (hw/i386/acpi-build.c).
 */
#ifndef HW_I386_X86_BOOT_H
#define HW_I386_X86_BOOT_H

#include "hw/i386/pc.h"
#include "hw/nvram/fw_cfg.h"

/* e820 entry types (ACPI spec, "Address Range Types"). */
#define E820_RAM 1
#define E820_RESERVED 2

/* Arch-local fw_cfg items of the PC (QEMU's numbering). */
#define FW_CFG_ACPI_TABLES (FW_CFG_ARCH_LOCAL + 0)
#define FW_CFG_SMBIOS_ENTRIES (FW_CFG_ARCH_LOCAL + 1)
#define FW_CFG_IRQ0_OVERRIDE (FW_CFG_ARCH_LOCAL + 2)
#define FW_CFG_E820_TABLE (FW_CFG_ARCH_LOCAL + 3)
#define FW_CFG_HPET (FW_CFG_ARCH_LOCAL + 4)

/* Where the HPET sits (ACPI's HPET table and fw_cfg's HPET item both say so). */
#define PC_HPET_BASE 0xfed00000ULL
/* The HPET's capabilities ID word: Intel, 64-bit counter, legacy routing, 3 timers, rev 1. */
#define PC_HPET_BLOCK_ID 0x8086a201u

/*
 * Create fw_cfg (/machine/fw_cfg, ports 0x510-0x511 and 0x514-0x51b of s->io) with the PC's
 * items: CPU counts, RAM size, NUMA, IRQ0 override, HPET, the e820 map ("etc/e820").
 */
bool x86_fw_cfg_init(PCMachineState *s, Error **errp) WARN_UNUSED_RESULT;

/*
 * -kernel/-initrd/-append: check the bzImage's setup header (a clear error for anything
 * that is not a bzImage of boot protocol 2.06 or later, a kernel or initrd that does not fit
 * in RAM below 4 GiB, a command line longer than the kernel accepts), put setup, kernel,
 * command line and initrd in fw_cfg, and add the linuxboot option ROM as the first boot
 * device. Nothing without -kernel; -initrd or -append alone are refused.
 */
bool x86_load_linux(PCMachineState *s, FWCfgState *fw_cfg, Error **errp) WARN_UNUSED_RESULT;

#endif
