/*
 * The Q35 host bridge (Intel 3 Series "MCH", QEMU's "q35-pcihost" with its
 * function 00:00.0 "mch"): the PC's configuration mechanism #1 at I/O ports
 * 0xcf8 (CONFIG_ADDRESS) and 0xcfc-0xcff (CONFIG_DATA) onto the root bus
 * "pcie.0", the PAM registers that put RAM or the BIOS under 0xc0000-0xfffff
 * (shadowing), and, as a modelling shortcut, the ICH9's Reset Control
 * Register at 0xcf9 (which shares the 0xcf8 dword on real chipsets).
 *
 * q35_host_create builds it: the host's I/O regions go into io (the board's
 * port space, also the bus's I/O space), the bus's memory space is pci_mem,
 * and the PAM aliases of ram go into sysmem over the BIOS ROM's isa-bios
 * alias.
 */
#ifndef HW_PCI_HOST_Q35_H
#define HW_PCI_HOST_Q35_H

#include "hw/core/sysbus.h"
#include "hw/pci/pci.h"

#define TYPE_Q35_HOST "q35-pcihost"
#define TYPE_MCH_PCI_DEVICE "mch"

#define MCH_PCIEXBAR 0x60
#define MCH_PAM0 0x90 /* PAM0..PAM6: 0x90..0x96 */
#define MCH_PAM_COUNT 7
#define MCH_PAM_SEGMENTS 13 /* 0xf0000 (64 KiB) and twelve 16 KiB ones from 0xc0000 */

typedef struct Q35Host Q35Host;

Q35Host *q35_host_create(MemoryRegion *sysmem, MemoryRegion *ram, MemoryRegion *io,
                         MemoryRegion *pci_mem, Error **errp);
PCIBus *q35_host_bus(Q35Host *s);
/* INTx: the bus's lines 0..7 are the ICH9's PIRQ A..H; irq is the LPC bridge's input n. */
#define Q35_NUM_PIRQS 8
void q35_host_connect_pirq(Q35Host *s, int n, IRQState *irq);

#endif
