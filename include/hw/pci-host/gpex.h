/*
 * The generic PCI Express host bridge ("gpex-pcihost", Linux's
 * pci-host-ecam-generic): an ECAM configuration window, a PIO window, a 32-bit
 * and a 64-bit MMIO window onto one root bus "pcie.0", and four INTx lines
 * (INTA..INTD after the standard swizzle). The bridge itself answers at
 * 00:00.0 as "gpex-root". gpex_create builds it all for a board; the device
 * writes its own device-tree node (compatible, ranges, interrupt-map, ...).
 */
#ifndef HW_PCI_HOST_GPEX_H
#define HW_PCI_HOST_GPEX_H

#include "hw/core/sysbus.h"
#include "hw/pci/pci.h"

#define TYPE_GPEX_HOST "gpex-pcihost"
#define TYPE_GPEX_ROOT_DEVICE "gpex-root"
#define GPEX_NUM_IRQS 4

/* Where a board puts the windows (system addresses; bus address = system address). */
typedef struct GPEXConfig {
    hwaddr ecam_base;
    uint64_t ecam_size; /* 1 MiB per bus */
    hwaddr pio_base;    /* I/O space 0 .. pio_size-1 appears here */
    uint64_t pio_size;
    hwaddr mmio32_base;
    uint64_t mmio32_size;
    hwaddr mmio64_base; /* 0: no 64-bit window */
    uint64_t mmio64_size;
} GPEXConfig;

typedef struct GPEXHost {
    SysBusDevice parent_obj;
    GPEXConfig cfg;
    MemoryRegion ecam;
    MemoryRegion pci_mem; /* the bus's memory space, bus addresses */
    MemoryRegion pci_io;  /* the bus's I/O space */
    MemoryRegion mmio32_window, mmio64_window, pio_window; /* aliases into system memory */
    IRQState *irq[GPEX_NUM_IRQS];
    PCIBus *bus;
} GPEXHost;

#define GPEX_HOST(obj) OBJECT_CHECK(GPEXHost, (obj), TYPE_GPEX_HOST)

/*
 * Create the host with cfg's windows mapped into system memory, INTA..INTD wired to
 * irqs[0..3], and its root device at 00:00.0. NULL + errp on failure.
 */
GPEXHost *gpex_create(const GPEXConfig *cfg, IRQState *const irqs[GPEX_NUM_IRQS], Error **errp);

#endif
