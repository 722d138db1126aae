/*
 * The virtio PCI transport (virtio 1.2, 4.1): a PCI function
 * (a "proxy") that carries one virtio device backend. virtio-blk-pci,
 * virtio-net-pci and virtio-rng-pci (also virtio-gpu-pci and the keyboard,
 * mouse and tablet) are proxies around virtio-blk-device, virtio-net-device
 * and virtio-rng-device: the same backends virtio-mmio carries, bound through
 * virtio_bind_transport(). The proxy forwards the
 * backend's properties (drive=, netdev=, mac=, rng=, serial=) so the command
 * line reads as QEMU's: -device virtio-blk-pci,drive=hd0,addr=3.
 *
 * Like QEMU 7.2 on virt's pcie.0, blk, net and rng are transitional by default:
 * device ID 0x1000-0x103f, revision 0, subsystem 1af4:<virtio ID>, the legacy
 * I/O BAR0 (virtio-pci-legacy.c) next to the modern BAR4. disable-legacy=on
 * makes them modern-only (0x1040 + ID, revision 1, subsystem 1af4:1100),
 * disable-modern=on legacy-only (no VERSION_1, no capabilities).
 */
#ifndef HW_VIRTIO_VIRTIO_PCI_H
#define HW_VIRTIO_VIRTIO_PCI_H

#include "hw/pci/pci.h"
#include "hw/virtio/virtio.h"

#define TYPE_VIRTIO_PCI "virtio-pci"
#define VIRTIO_PCI_MAX_FORWARDED 8 /* backend properties a proxy forwards */

#define VIRTIO_PCI_LEGACY_BAR 0 /* the legacy interface's I/O BAR */

typedef struct VirtIOPCIProxy {
    PCIDevice parent_obj;
    VirtIODevice *vdev;      /* the backend, our child "virtio-backend" */
    MemoryRegion legacy_bar; /* BAR0 (I/O): the legacy interface, if served */
    MemoryRegion modern_bar; /* BAR4: the four structures below, 4 KiB apart */
    MemoryRegion common, isr, device, notify;
    MemoryRegion msix_bar;  /* BAR1: the MSI-X table and PBA (hw/pci/msix.h), if vectors > 0 */
    uint16_t config_vector; /* MSI-X vector of configuration changes */
    uint16_t queue_vector[VIRTIO_QUEUE_MAX]; /* and of each queue (VIRTIO_MSI_NO_VECTOR: none) */
    uint32_t dfselect, gfselect;
    uint16_t queue_sel;
    uint8_t cfg_cap; /* offset of the PCI configuration access capability */
    /* properties */
    char *disable_legacy; /* on|off|auto, QEMU's OnOffAuto (auto: off, as on virt's pcie.0) */
    bool disable_modern;
    uint32_t vectors; /* MSI-X vectors; default: one per queue and one for the config */
    char *forwarded[VIRTIO_PCI_MAX_FORWARDED]; /* values for the backend's properties */
} VirtIOPCIProxy;

#define VIRTIO_PCI(obj) OBJECT_CHECK(VirtIOPCIProxy, (obj), TYPE_VIRTIO_PCI)

/* For the transport's two halves (virtio-pci.c, virtio-pci-legacy.c). */
#define VIRTIO_MSI_NO_VECTOR 0xffff
/* INTx follows the ISR (and stays low while MSI-X is on). */
void virtio_pci_update_irq(DeviceState *transport);
/* The vector registers: store v if it names an existing vector, else NO_VECTOR (4.1.4.3.1). */
void virtio_pci_set_vector(VirtIOPCIProxy *p, uint16_t *reg, uint16_t v);
/* Which vector register the selected queue uses, or NULL if there is no such queue. */
uint16_t *virtio_pci_queue_vector(VirtIOPCIProxy *p);
/* Create and register the legacy I/O BAR0 (after the backend is realized). */
void virtio_pci_init_legacy(VirtIOPCIProxy *p);

#endif
