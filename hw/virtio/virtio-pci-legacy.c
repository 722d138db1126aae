/*
 * The legacy virtio-pci interface: the I/O BAR0 of a transitional device
 * (disable-legacy=off, QEMU 7.2's default for virtio devices on virt's
 * pcie.0) or of a legacy-only one (disable-modern=on).
 * Spec: Virtual I/O Device (VIRTIO) Version 1.2, 4.1.4.10 "Legacy Interfaces:
 * A Note on PCI Device Layout", the virtio 0.9.5 register layout:
 *   0x00 host features (32, R)     0x04 guest features (32, RW)
 *   0x08 queue PFN (32, RW)        the selected queue's pages: desc at PFN * 4096,
 *                                  avail right after it, used at the next 4096 boundary
 *                                  (2.7.2 legacy layout); 0 stops the queue
 *   0x0c queue size (16, R)        0x0e queue select (16, RW)
 *   0x10 queue notify (16, W)      0x12 device status (8, RW; 0 resets)
 *   0x13 ISR status (8, R; reading acknowledges the interrupt)
 *   while the driver has MSI-X enabled:
 *   0x14 configuration vector (16)  0x16 selected queue's vector (16)
 *   then the device-specific configuration (at 0x18 with MSI-X on, else at 0x14),
 *        guest-endian: little-endian on RISC-V.
 * The BAR is the header with the vector registers plus the configuration, rounded up to a
 * power of two (as QEMU sizes it when the device has MSI-X).
 * Only the low 32 feature bits exist here: a driver using this interface is a legacy
 * driver. Wrong sizes, read-only registers and missing queues get a guest_errors line.
 */
#include "hw/virtio/virtio-pci.h"

#include <inttypes.h>

#include "hw/pci/msix.h"
#include "util/log.h"

#define VIRTIO_PCI_HOST_FEATURES 0x00
#define VIRTIO_PCI_GUEST_FEATURES 0x04
#define VIRTIO_PCI_QUEUE_PFN 0x08
#define VIRTIO_PCI_QUEUE_NUM 0x0c
#define VIRTIO_PCI_QUEUE_SEL 0x0e
#define VIRTIO_PCI_QUEUE_NOTIFY 0x10
#define VIRTIO_PCI_STATUS 0x12
#define VIRTIO_PCI_ISR 0x13
#define VIRTIO_PCI_CONFIG 0x14
#define VIRTIO_MSI_CONFIG_VECTOR 0x14
#define VIRTIO_MSI_QUEUE_VECTOR 0x16
#define VIRTIO_PCI_CONFIG_MSIX 0x18

#define VIRTIO_PCI_QUEUE_ADDR_SHIFT 12 /* the PFN's page size */
#define VIRTIO_PCI_VRING_ALIGN 4096

static VirtQueue *legacy_queue(VirtIOPCIProxy *p)
{
    return virtio_get_queue(p->vdev, p->queue_sel);
}

/* Where the device configuration starts: after the vector registers while MSI-X is on. */
static hwaddr legacy_config_offset(VirtIOPCIProxy *p)
{
    return msix_enabled(PCI_DEVICE(p)) ? VIRTIO_PCI_CONFIG_MSIX : VIRTIO_PCI_CONFIG;
}

/* The width of the register at addr (0: none). */
static unsigned legacy_reg_size(hwaddr addr)
{
    switch (addr) {
    case VIRTIO_PCI_HOST_FEATURES:
    case VIRTIO_PCI_GUEST_FEATURES:
    case VIRTIO_PCI_QUEUE_PFN:
        return 4;
    case VIRTIO_PCI_QUEUE_NUM:
    case VIRTIO_PCI_QUEUE_SEL:
    case VIRTIO_PCI_QUEUE_NOTIFY:
    case VIRTIO_MSI_CONFIG_VECTOR: /* (with MSI-X on: below the configuration then) */
    case VIRTIO_MSI_QUEUE_VECTOR:
        return 2;
    case VIRTIO_PCI_STATUS:
    case VIRTIO_PCI_ISR:
        return 1;
    default:
        return 0;
    }
}

static uint64_t legacy_reg_read(VirtIOPCIProxy *p, hwaddr addr)
{
    VirtIODevice *vdev = p->vdev;
    VirtQueue *vq = legacy_queue(p);
    uint8_t isr;

    switch (addr) {
    case VIRTIO_PCI_HOST_FEATURES:
        return (uint32_t)virtio_host_features(vdev);
    case VIRTIO_PCI_GUEST_FEATURES:
        return (uint32_t)vdev->guest_features;
    case VIRTIO_PCI_QUEUE_PFN:
        return vq ? vq->desc >> VIRTIO_PCI_QUEUE_ADDR_SHIFT : 0;
    case VIRTIO_PCI_QUEUE_NUM:
        return vq ? vq->num : 0;
    case VIRTIO_PCI_QUEUE_SEL:
        return p->queue_sel;
    case VIRTIO_PCI_STATUS:
        return vdev->status;
    case VIRTIO_PCI_ISR:
        isr = vdev->isr;
        vdev->isr = 0; /* the read acknowledges */
        virtio_pci_update_irq(DEVICE(p));
        return isr;
    case VIRTIO_MSI_CONFIG_VECTOR:
        return p->config_vector;
    case VIRTIO_MSI_QUEUE_VECTOR:
        return vq ? p->queue_vector[p->queue_sel] : VIRTIO_MSI_NO_VECTOR;
    default:
        return 0; /* queue notify is write-only */
    }
}

/* Queue PFN: the rings in the legacy layout, then the queue is live (0: stop it). */
static void legacy_set_pfn(VirtQueue *vq, uint32_t pfn)
{
    uint64_t avail_end;

    if (pfn == 0) {
        virtio_queue_set_ready(vq, false);
        vq->desc = vq->avail = vq->used = 0;
        return;
    }
    if (vq->ready) {
        log_mask(LOG_GUEST_ERROR, "virtio-pci: legacy queue %u moved while live\n", vq->index);
        return;
    }
    vq->desc = (uint64_t)pfn << VIRTIO_PCI_QUEUE_ADDR_SHIFT;
    vq->avail = vq->desc + 16ull * vq->num;
    avail_end = vq->avail + 6 + 2ull * vq->num; /* flags, idx, ring[num], used_event */
    vq->used = ALIGN_UP(avail_end, VIRTIO_PCI_VRING_ALIGN);
    virtio_queue_set_ready(vq, true); /* checks the rings are RAM */
}

static void legacy_reg_write(VirtIOPCIProxy *p, hwaddr addr, uint32_t val)
{
    VirtQueue *vq = legacy_queue(p);

    switch (addr) {
    case VIRTIO_PCI_GUEST_FEATURES:
        virtio_write_guest_features(p->vdev, 0, val);
        break;
    case VIRTIO_PCI_QUEUE_PFN:
        if (!vq) {
            log_mask(LOG_GUEST_ERROR, "virtio-pci: legacy PFN of missing queue %u\n", p->queue_sel);
            break;
        }
        legacy_set_pfn(vq, val);
        break;
    case VIRTIO_PCI_QUEUE_SEL:
        p->queue_sel = val;
        break;
    case VIRTIO_PCI_QUEUE_NOTIFY:
        virtio_queue_notify(p->vdev, val);
        break;
    case VIRTIO_PCI_STATUS:
        if (val == 0) {
            p->dfselect = p->gfselect = p->queue_sel = 0;
        }
        virtio_set_status(p->vdev, val);
        break;
    case VIRTIO_MSI_CONFIG_VECTOR:
        virtio_pci_set_vector(p, &p->config_vector, val);
        break;
    case VIRTIO_MSI_QUEUE_VECTOR:
        if (virtio_pci_queue_vector(p)) {
            virtio_pci_set_vector(p, virtio_pci_queue_vector(p), val);
        }
        break;
    default:
        log_mask(LOG_GUEST_ERROR, "virtio-pci: write to read-only legacy register 0x%" PRIx64 "\n",
                 addr);
        break;
    }
}

static uint64_t virtio_pci_legacy_read(void *opaque, hwaddr addr, unsigned size)
{
    VirtIOPCIProxy *p = opaque;

    if (addr >= legacy_config_offset(p)) {
        return virtio_config_read(p->vdev, addr - legacy_config_offset(p), size);
    }
    if (legacy_reg_size(addr) != size) {
        log_mask(LOG_GUEST_ERROR, "virtio-pci: %u-byte legacy read at 0x%" PRIx64 "\n", size, addr);
        return 0;
    }
    return legacy_reg_read(p, addr);
}

static void virtio_pci_legacy_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    VirtIOPCIProxy *p = opaque;

    if (addr >= legacy_config_offset(p)) {
        virtio_config_write(p->vdev, addr - legacy_config_offset(p), val, size);
        return;
    }
    if (legacy_reg_size(addr) != size) {
        log_mask(LOG_GUEST_ERROR, "virtio-pci: %u-byte legacy write at 0x%" PRIx64 "\n", size,
                 addr);
        return;
    }
    legacy_reg_write(p, addr, val);
}

static const MemoryRegionOps virtio_pci_legacy_ops = {
    .read = virtio_pci_legacy_read,
    .write = virtio_pci_legacy_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 4},
};

void virtio_pci_init_legacy(VirtIOPCIProxy *p)
{
    uint64_t size = 1;

    while (size < (PCI_DEVICE(p)->msix_cap ? VIRTIO_PCI_CONFIG_MSIX : VIRTIO_PCI_CONFIG) +
                      p->vdev->config_len) {
        size <<= 1;
    }
    memory_region_init_io(&p->legacy_bar, &virtio_pci_legacy_ops, p, "virtio-pci-legacy", size);
    pci_register_bar(PCI_DEVICE(p), VIRTIO_PCI_LEGACY_BAR, PCI_BASE_ADDRESS_SPACE_IO,
                     &p->legacy_bar);
}
