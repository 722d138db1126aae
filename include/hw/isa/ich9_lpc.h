/*
 * The ICH9 LPC bridge (00:1f.0, 8086:2918 as QEMU's "ICH9-LPC"): the
 * chipset's configuration for what sits behind it. Config registers: PMBASE
 * (0x40) and ACPI_CNTL (0x44, ACPI_EN and the SCI IRQ) place and route the
 * ACPI PM block (hw/acpi/ich9.c); PIRQ[A-D]_ROUT (0x60-0x63) and
 * PIRQ[E-H]_ROUT (0x68-0x6b) send PCI interrupts to an 8259 IRQ; RCBA (0xf0)
 * maps the 16 KiB chipset configuration registers.
 *
 * gpio inputs 0..7: PIRQ A..H (the PCI host's INTx lines, active-high).
 * gpio outputs 0..23: the board's GSI lines. PIRQ n always drives GSI 16+n
 * (the I/O APIC), and also the ISA IRQ its route selects (the 8259).
 */
#ifndef HW_ISA_ICH9_LPC_H
#define HW_ISA_ICH9_LPC_H

#include "hw/acpi/ich9.h"
#include "hw/pci/pci.h"

#define TYPE_ICH9_LPC "ICH9-LPC"
#define ICH9_LPC_DEVFN PCI_DEVFN(0x1f, 0)
#define ICH9_LPC_NUM_PIRQS 8
#define ICH9_LPC_NUM_GSI 24
#define ICH9_LPC_PMBASE 0x40
#define ICH9_LPC_ACPI_CNTL 0x44
#define ICH9_LPC_ACPI_CNTL_ACPI_EN 0x80
#define ICH9_LPC_PIRQA_ROUT 0x60
#define ICH9_LPC_PIRQE_ROUT 0x68
#define ICH9_LPC_RCBA 0xf0
#define ICH9_LPC_RCBA_SIZE 0x4000

/* The ACPI PM block inside (the power button, tests). */
ICH9PM *ich9_lpc_pm(DeviceState *dev);

#endif
