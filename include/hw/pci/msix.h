/*
 * MSI-X (PCI Local Bus 3.0 section 6.8.2; PCI Express Base 4.0 section 7.7.2): a PCI
 * function's table of message vectors. Each entry holds an address, a data word and a mask
 * bit; signalling vector n writes the data (32 bits) to the address, as a bus-master write
 * into system memory, where an MSI controller (the IMSIC on virt) takes it. A masked vector
 * (or the whole function, Function Mask) only sets its Pending Bit Array bit, and the message
 * goes out when it is unmasked.
 *
 * The capability (ID 0x11): Message Control (table size - 1, read-only; Function Mask bit
 * 14; Enable bit 15), Table Offset/BIR and PBA Offset/BIR. Here the table sits at offset 0 of
 * the BAR the device names and the PBA at offset 0x800, as QEMU's virtio-pci lays them out.
 *
 * While MSI-X is enabled the function must not assert INTx (the device checks msix_enabled).
 */
#ifndef HW_PCI_MSIX_H
#define HW_PCI_MSIX_H

#include "hw/pci/pci.h"

#define PCI_CAP_ID_MSIX 0x11
#define MSIX_MAX_ENTRIES 128 /* the table and the PBA fit in their halves of a 4 KiB BAR */
#define MSIX_TABLE_OFFSET 0
#define MSIX_PBA_OFFSET 0x800
#define MSIX_BAR_SIZE 0x1000

/* Add the capability and the table/PBA regions (nentries vectors, 1..MSIX_MAX_ENTRIES) to
 * bar, a container the device registers as BAR bar_nr. */
bool msix_init(PCIDevice *dev, unsigned nentries, MemoryRegion *bar, uint8_t bar_nr, Error **errp);
void msix_uninit(PCIDevice *dev);
/* Enabled by the driver (and so INTx is off). */
bool msix_enabled(PCIDevice *dev);
/* Signal vector (ignored if out of range or MSI-X is off). */
void msix_notify(PCIDevice *dev, unsigned vector);
/* The core calls this after a config write that touched the capability. */
void msix_config_written(PCIDevice *dev, uint32_t addr, unsigned len);
/* Device reset: every vector masked, nothing pending, the capability disabled. */
void msix_reset(PCIDevice *dev);

#endif
