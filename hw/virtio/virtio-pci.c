/*
 * The virtio PCI transport: the modern interface here, the legacy one in
 * virtio-pci-legacy.c. Spec: Virtual I/O Device (VIRTIO) Version 1.2, 4.1
 * "Virtio Over PCI Bus".
 *
 * IDs (4.1.2): vendor 0x1af4; modern-only (disable-legacy=on): device 0x1040 +
 * virtio device ID, revision 1, subsystem 1af4:1100 like every QEMU device;
 * transitional (disable-legacy=off, and auto as QEMU 7.2 resolves it on
 * pcie.0) or legacy-only (disable-modern=on): the transitional device ID
 * (0x1001 blk, 0x1000 net, 0x1005 rng), revision 0, subsystem 1af4:<virtio
 * ID>. INTx pin A, and MSI-X in BAR1 (table at 0, PBA at 0x800: "vectors", default one per
 * queue plus one for configuration changes, as QEMU): while the driver has MSI-X enabled,
 * each queue and the configuration signal through the vector it assigned (queue_msix_vector,
 * config_msix_vector) and INTx stays low.
 *
 * BAR4, 64-bit prefetchable, 16 KiB, one structure per 4 KiB page as QEMU lays
 * it out, each announced by a vendor capability (struct virtio_pci_cap:
 * cap_vndr, cap_next, cap_len, cfg_type, bar, id, padding[2], offset, length):
 *   0x0000 common configuration (4.1.4.3)
 *      0x00 device_feature_select  0x04 device_feature (R)
 *      0x08 driver_feature_select  0x0c driver_feature
 *      0x10 config_msix_vector     0x12 num_queues (R)
 *      0x14 device_status (u8)     0x15 config_generation (u8, R)
 *      0x16 queue_select           0x18 queue_size
 *      0x1a queue_msix_vector      0x1c queue_enable
 *      0x1e queue_notify_off (R)   0x20/0x28/0x30 queue_desc/driver/device (64-bit)
 *   0x1000 ISR status (4.1.4.5): reading returns and clears it, lowering INTx
 *   0x2000 device-specific configuration (4.1.4.6), absent if the device has none
 *   0x3000 notifications (4.1.4.4): queue n at n * 4 (notify_off_multiplier 4)
 * and a fifth capability, PCI configuration access (4.1.4.9): the driver writes a BAR,
 * offset and length (1, 2 or 4) into it, and reading or writing its pci_cfg_data accesses
 * the BAR there (a window for firmware that cannot map BARs).
 *
 * The guest is untrusted: writes at wrong offsets or sizes, to read-only
 * fields, to a queue that is live or does not exist, and notifications of
 * missing queues get a guest_errors line and are dropped.
 */
#include "hw/virtio/virtio-pci.h"

#include <inttypes.h>

#include "hw/pci/msix.h"
#include "migration/vmstate.h"
#include "util/log.h"

#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define VIRTIO_PCI_CAP_ISR_CFG 3
#define VIRTIO_PCI_CAP_DEVICE_CFG 4
#define VIRTIO_PCI_CAP_PCI_CFG 5
#define VIRTIO_PCI_CFG_CAP_LEN 20 /* struct virtio_pci_cap + pci_cfg_data[4] */
#define VIRTIO_PCI_CFG_DATA 16    /* offset of pci_cfg_data in the capability */

#define VIRTIO_PCI_MODERN_BAR 4
#define VIRTIO_PCI_REGION_SIZE 0x1000
#define VIRTIO_PCI_COMMON_SIZE 0x38
#define VIRTIO_PCI_NOTIFY_MULTIPLIER 4
#define VIRTIO_PCI_DEVICE_ID_BASE 0x1040
#define VIRTIO_PCI_MSIX_BAR 1

/* common configuration offsets */
#define CC_DFSELECT 0x00
#define CC_DF 0x04
#define CC_GFSELECT 0x08
#define CC_GF 0x0c
#define CC_MSIX 0x10
#define CC_NUMQ 0x12
#define CC_STATUS 0x14
#define CC_CFGGENERATION 0x15
#define CC_Q_SELECT 0x16
#define CC_Q_SIZE 0x18
#define CC_Q_MSIX 0x1a
#define CC_Q_ENABLE 0x1c
#define CC_Q_NOFF 0x1e
#define CC_Q_DESCLO 0x20
#define CC_Q_USEDHI 0x34

/* A proxy type: which backend it carries and the PCI class it shows. */
typedef struct VirtioPCIType {
    const char *name;
    const char *backend;
    uint32_t class_id;
    const char *desc;
    uint16_t legacy_device_id; /* transitional ID (4.1.2.1); 0: modern only */
} VirtioPCIType;

typedef struct VirtioPCIClass {
    PCIDeviceClass parent_class;
    const VirtioPCIType *type;
    /* The backend's properties, as string properties of the proxy (NULL-name terminated). */
    Property forwarded[VIRTIO_PCI_MAX_FORWARDED + 1];
    int num_forwarded;
} VirtioPCIClass;

#define VIRTIO_PCI_GET_CLASS(obj) OBJECT_GET_CLASS(VirtioPCIClass, (obj), TYPE_VIRTIO_PCI)
#define VIRTIO_PCI_CLASS(oc) OBJECT_CLASS_CHECK(VirtioPCIClass, (oc), TYPE_VIRTIO_PCI)

/* ---- IRQ ---- */

void virtio_pci_update_irq(DeviceState *transport)
{
    VirtIOPCIProxy *p = VIRTIO_PCI(transport);
    PCIDevice *dev = PCI_DEVICE(p);

    pci_set_irq(dev, p->vdev->isr != 0 && !msix_enabled(dev));
}

/* With MSI-X on, the queue's (or configuration's) vector; otherwise INTx and the ISR. */
static void virtio_pci_signal(DeviceState *transport, int queue)
{
    VirtIOPCIProxy *p = VIRTIO_PCI(transport);
    PCIDevice *dev = PCI_DEVICE(p);

    if (!msix_enabled(dev)) {
        virtio_pci_update_irq(transport);
        return;
    }
    msix_notify(dev, queue < 0 ? p->config_vector : p->queue_vector[queue]);
}

void virtio_pci_set_vector(VirtIOPCIProxy *p, uint16_t *reg, uint16_t v)
{
    *reg = v < PCI_DEVICE(p)->msix_entries ? v : VIRTIO_MSI_NO_VECTOR;
}

uint16_t *virtio_pci_queue_vector(VirtIOPCIProxy *p)
{
    return virtio_get_queue(p->vdev, p->queue_sel) ? &p->queue_vector[p->queue_sel] : NULL;
}

static void virtio_pci_reset_vectors(VirtIOPCIProxy *p)
{
    p->config_vector = VIRTIO_MSI_NO_VECTOR;
    for (int i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        p->queue_vector[i] = VIRTIO_MSI_NO_VECTOR;
    }
}

/* ---- common configuration ---- */

static VirtQueue *virtio_pci_queue(VirtIOPCIProxy *p)
{
    return virtio_get_queue(p->vdev, p->queue_sel);
}

static uint16_t virtio_pci_num_queues(VirtIODevice *vdev)
{
    uint16_t n = 0;

    while (n < VIRTIO_QUEUE_MAX && vdev->vq[n].num_max) {
        n++;
    }
    return n;
}

/* The structure as the driver would read it, little-endian. */
static void virtio_pci_common_image(VirtIOPCIProxy *p, uint8_t *c)
{
    VirtIODevice *vdev = p->vdev;
    VirtQueue *vq = virtio_pci_queue(p);
    uint64_t host = virtio_host_features(vdev);

    pci_set_long(c + CC_DFSELECT, p->dfselect);
    pci_set_long(c + CC_DF, p->dfselect < 2 ? host >> (32 * p->dfselect) : 0);
    pci_set_long(c + CC_GFSELECT, p->gfselect);
    pci_set_long(c + CC_GF, p->gfselect < 2 ? vdev->guest_features >> (32 * p->gfselect) : 0);
    pci_set_word(c + CC_MSIX, p->config_vector);
    pci_set_word(c + CC_NUMQ, virtio_pci_num_queues(vdev));
    c[CC_STATUS] = vdev->status;
    c[CC_CFGGENERATION] = vdev->config_generation;
    pci_set_word(c + CC_Q_SELECT, p->queue_sel);
    pci_set_word(c + CC_Q_MSIX, vq ? p->queue_vector[p->queue_sel] : VIRTIO_MSI_NO_VECTOR);
    if (vq) {
        pci_set_word(c + CC_Q_SIZE, vq->num);
        pci_set_word(c + CC_Q_ENABLE, vq->ready);
        pci_set_word(c + CC_Q_NOFF, vq->index);
        for (int i = 0; i < 3; i++) {
            hwaddr a = i == 0 ? vq->desc : i == 1 ? vq->avail : vq->used;
            pci_set_long(c + CC_Q_DESCLO + 8 * i, a);
            pci_set_long(c + CC_Q_DESCLO + 8 * i + 4, a >> 32);
        }
    }
}

static uint64_t virtio_pci_common_read(void *opaque, hwaddr addr, unsigned size)
{
    uint8_t image[VIRTIO_PCI_COMMON_SIZE] = {0};
    uint64_t val = 0;

    if (addr + size > VIRTIO_PCI_COMMON_SIZE) {
        log_mask(LOG_GUEST_ERROR, "virtio-pci: common cfg read past the end at 0x%" PRIx64 "\n",
                 addr);
        return 0;
    }
    virtio_pci_common_image(opaque, image);
    for (unsigned i = 0; i < size; i++) {
        val |= (uint64_t)image[addr + i] << (8 * i);
    }
    return val;
}

/* queue_size, queue_enable and the ring addresses of the selected queue. */
static void virtio_pci_write_queue(VirtIOPCIProxy *p, hwaddr addr, uint32_t val)
{
    VirtQueue *vq = virtio_pci_queue(p);
    hwaddr *ring;

    if (!vq) {
        log_mask(LOG_GUEST_ERROR, "virtio-pci: queue field 0x%" PRIx64 " of missing queue %u\n",
                 addr, p->queue_sel);
        return;
    }
    if (vq->ready) {
        /* 4.1.4.3.2: the driver configures a queue before enabling it, never after. */
        log_mask(LOG_GUEST_ERROR, "virtio-pci: queue %u reconfigured while enabled\n", vq->index);
        return;
    }
    if (addr == CC_Q_SIZE) {
        virtio_queue_set_num(vq, val);
        return;
    }
    if (addr == CC_Q_ENABLE) {
        if (val == 1) {
            virtio_queue_set_ready(vq, true);
        } else {
            log_mask(LOG_GUEST_ERROR, "virtio-pci: queue_enable written with %" PRIu32 "\n", val);
        }
        return;
    }
    ring = (addr - CC_Q_DESCLO) < 8    ? &vq->desc
           : (addr - CC_Q_DESCLO) < 16 ? &vq->avail
                                       : &vq->used;
    *ring = deposit64(*ring, (addr & 4) ? 32 : 0, 32, val);
}

/* The field at addr must be written whole: its size, or 4 for a half of a 64-bit one. */
static unsigned virtio_pci_common_field_size(hwaddr addr)
{
    switch (addr) {
    case CC_DFSELECT:
    case CC_GFSELECT:
    case CC_GF:
    case CC_Q_DESCLO ... CC_Q_USEDHI:
        return addr % 4 ? 0 : 4;
    case CC_MSIX:
    case CC_Q_SELECT:
    case CC_Q_SIZE:
    case CC_Q_MSIX:
    case CC_Q_ENABLE:
        return 2;
    case CC_STATUS:
        return 1;
    default:
        return 0; /* read-only or not a field */
    }
}

static void virtio_pci_common_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    VirtIOPCIProxy *p = opaque;

    if (virtio_pci_common_field_size(addr) != size) {
        log_mask(LOG_GUEST_ERROR,
                 "virtio-pci: %u-byte common cfg write at 0x%" PRIx64 " (read-only or bad)\n", size,
                 addr);
        return;
    }
    switch (addr) {
    case CC_DFSELECT:
        p->dfselect = val;
        break;
    case CC_GFSELECT:
        p->gfselect = val;
        break;
    case CC_GF:
        virtio_write_guest_features(p->vdev, p->gfselect, val);
        break;
    case CC_MSIX:
        virtio_pci_set_vector(p, &p->config_vector, val);
        break;
    case CC_Q_MSIX:
        if (virtio_pci_queue_vector(p)) {
            virtio_pci_set_vector(p, virtio_pci_queue_vector(p), val);
        }
        break;
    case CC_STATUS:
        if (val == 0) {
            p->dfselect = p->gfselect = p->queue_sel = 0;
            virtio_pci_reset_vectors(p);
        }
        virtio_set_status(p->vdev, val);
        break;
    case CC_Q_SELECT:
        p->queue_sel = val;
        break;
    default:
        virtio_pci_write_queue(p, addr, val);
        break;
    }
}

static const MemoryRegionOps virtio_pci_common_ops = {
    .read = virtio_pci_common_read,
    .write = virtio_pci_common_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 4},
};

/* ---- ISR, device configuration, notifications ---- */

static uint64_t virtio_pci_isr_read(void *opaque, hwaddr addr, unsigned size)
{
    VirtIOPCIProxy *p = opaque;
    uint8_t isr = p->vdev->isr;

    if (addr != 0) {
        return 0;
    }
    /* 4.1.4.5.1: the read acknowledges the interrupt. */
    p->vdev->isr = 0;
    virtio_pci_update_irq(DEVICE(p));
    return isr;
}

static void virtio_pci_isr_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    log_mask(LOG_GUEST_ERROR, "virtio-pci: write to the read-only ISR status\n");
}

static const MemoryRegionOps virtio_pci_isr_ops = {
    .read = virtio_pci_isr_read,
    .write = virtio_pci_isr_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 4},
};

static uint64_t virtio_pci_device_read(void *opaque, hwaddr addr, unsigned size)
{
    return virtio_config_read(VIRTIO_PCI(opaque)->vdev, addr, size);
}

static void virtio_pci_device_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    virtio_config_write(VIRTIO_PCI(opaque)->vdev, addr, val, size);
}

static const MemoryRegionOps virtio_pci_device_ops = {
    .read = virtio_pci_device_read,
    .write = virtio_pci_device_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 4},
};

static uint64_t virtio_pci_notify_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static void virtio_pci_notify_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    VirtIOPCIProxy *p = opaque;

    if (addr % VIRTIO_PCI_NOTIFY_MULTIPLIER) {
        log_mask(LOG_GUEST_ERROR, "virtio-pci: notify at unaligned offset 0x%" PRIx64 "\n", addr);
        return;
    }
    virtio_queue_notify(p->vdev, addr / VIRTIO_PCI_NOTIFY_MULTIPLIER);
}

static const MemoryRegionOps virtio_pci_notify_ops = {
    .read = virtio_pci_notify_read,
    .write = virtio_pci_notify_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 4},
};

/* ---- the PCI configuration access capability ---- */

static bool virtio_pci_add_cfg_cap(VirtIOPCIProxy *p, Error **errp)
{
    PCIDevice *dev = PCI_DEVICE(p);
    uint8_t off = pci_add_capability(dev, PCI_CAP_ID_VNDR, VIRTIO_PCI_CFG_CAP_LEN, errp);

    if (!off) {
        return false;
    }
    dev->config[off + 2] = VIRTIO_PCI_CFG_CAP_LEN;
    dev->config[off + 3] = VIRTIO_PCI_CAP_PCI_CFG;
    /* The driver chooses bar, offset, length and data (4.1.4.9.1). */
    dev->wmask[off + 4] = 0xff;
    memset(dev->wmask + off + 8, 0xff, 12);
    p->cfg_cap = off;
    return true;
}

/* The region behind the window the capability names, or NULL (logged) if it names none. */
static MemoryRegion *virtio_pci_cfg_target(VirtIOPCIProxy *p, hwaddr *offset, unsigned *len)
{
    const uint8_t *c = PCI_DEVICE(p)->config + p->cfg_cap;
    MemoryRegion *regions[4] = {&p->common, &p->isr, &p->device, &p->notify};
    uint32_t bar_off = pci_get_long(c + 8);

    *len = pci_get_long(c + 12);
    if (c[4] != VIRTIO_PCI_MODERN_BAR || (*len != 1 && *len != 2 && *len != 4) || bar_off % *len ||
        bar_off >= 4 * VIRTIO_PCI_REGION_SIZE) {
        log_mask(LOG_GUEST_ERROR,
                 "virtio-pci: config window onto BAR%u offset 0x%" PRIx32 " length %u refused\n",
                 c[4], bar_off, *len);
        return NULL;
    }
    *offset = bar_off % VIRTIO_PCI_REGION_SIZE;
    return regions[bar_off / VIRTIO_PCI_REGION_SIZE];
}

static bool virtio_pci_touches_cfg_data(VirtIOPCIProxy *p, uint32_t addr, unsigned len)
{
    uint32_t data = p->cfg_cap + VIRTIO_PCI_CFG_DATA;

    return p->cfg_cap && addr < data + 4 && data < addr + len;
}

static uint32_t virtio_pci_config_read(PCIDevice *dev, uint32_t addr, uint32_t val, unsigned len)
{
    VirtIOPCIProxy *p = VIRTIO_PCI(dev);
    uint32_t data_off = (uint32_t)p->cfg_cap + VIRTIO_PCI_CFG_DATA;
    MemoryRegion *mr;
    uint64_t data = 0;
    hwaddr offset;
    unsigned size;

    if (!virtio_pci_touches_cfg_data(p, addr, len) || addr != data_off ||
        !(mr = virtio_pci_cfg_target(p, &offset, &size))) {
        return val;
    }
    memory_region_dispatch_read(mr, offset, &data, size);
    pci_set_long(dev->config + data_off, data);
    return pci_default_read_config(dev, addr, len);
}

static void virtio_pci_config_written(PCIDevice *dev, uint32_t addr, uint32_t val, unsigned len)
{
    VirtIOPCIProxy *p = VIRTIO_PCI(dev);
    MemoryRegion *mr;
    hwaddr offset;
    unsigned size;

    if (!virtio_pci_touches_cfg_data(p, addr, len) ||
        addr != (uint32_t)p->cfg_cap + VIRTIO_PCI_CFG_DATA ||
        !(mr = virtio_pci_cfg_target(p, &offset, &size))) {
        return;
    }
    memory_region_dispatch_write(mr, offset, val, size);
}

/* ---- capabilities and BAR ---- */

static bool virtio_pci_add_cap(VirtIOPCIProxy *p, uint8_t cfg_type, uint32_t offset,
                               uint32_t length, Error **errp)
{
    PCIDevice *dev = PCI_DEVICE(p);
    uint8_t len = cfg_type == VIRTIO_PCI_CAP_NOTIFY_CFG ? 20 : 16;
    uint8_t off = pci_add_capability(dev, PCI_CAP_ID_VNDR, len, errp);
    uint8_t *c = dev->config + off;

    if (!off) {
        return false;
    }
    c[2] = len;
    c[3] = cfg_type;
    c[4] = VIRTIO_PCI_MODERN_BAR;
    pci_set_long(c + 8, offset);
    pci_set_long(c + 12, length);
    if (cfg_type == VIRTIO_PCI_CAP_NOTIFY_CFG) {
        pci_set_long(c + 16, VIRTIO_PCI_NOTIFY_MULTIPLIER);
    }
    return true;
}

static bool virtio_pci_init_modern(VirtIOPCIProxy *p, Error **errp)
{
    VirtIODevice *vdev = p->vdev;
    struct {
        MemoryRegion *mr;
        const MemoryRegionOps *ops;
        const char *name;
        uint8_t cfg_type;
        uint32_t length;
    } regions[] = {
        {&p->common, &virtio_pci_common_ops, "virtio-pci-common", VIRTIO_PCI_CAP_COMMON_CFG,
         VIRTIO_PCI_COMMON_SIZE},
        {&p->isr, &virtio_pci_isr_ops, "virtio-pci-isr", VIRTIO_PCI_CAP_ISR_CFG, 1},
        {&p->device, &virtio_pci_device_ops, "virtio-pci-device", VIRTIO_PCI_CAP_DEVICE_CFG,
         vdev->config_len},
        {&p->notify, &virtio_pci_notify_ops, "virtio-pci-notify", VIRTIO_PCI_CAP_NOTIFY_CFG,
         VIRTIO_PCI_NOTIFY_MULTIPLIER * virtio_pci_num_queues(vdev)},
    };

    memory_region_init(&p->modern_bar, "virtio-pci", 4 * VIRTIO_PCI_REGION_SIZE);
    for (int i = 0; i < 4; i++) {
        uint32_t offset = i * VIRTIO_PCI_REGION_SIZE;

        memory_region_init_io(regions[i].mr, regions[i].ops, p, regions[i].name,
                              VIRTIO_PCI_REGION_SIZE);
        memory_region_add_subregion(&p->modern_bar, offset, regions[i].mr);
        /* A device without configuration space (rng) has no device capability. */
        if (regions[i].length &&
            !virtio_pci_add_cap(p, regions[i].cfg_type, offset, regions[i].length, errp)) {
            return false;
        }
    }
    pci_register_bar(PCI_DEVICE(p), VIRTIO_PCI_MODERN_BAR,
                     PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH, &p->modern_bar);
    return virtio_pci_add_cfg_cap(p, errp);
}

/* ---- realize / reset ---- */

/* BAR1: the MSI-X table and PBA, unless vectors=0. */
static bool virtio_pci_init_msix(VirtIOPCIProxy *p, Error **errp)
{
    if (p->vectors == UINT32_MAX) {
        p->vectors = virtio_pci_num_queues(p->vdev) + 1;
    }
    virtio_pci_reset_vectors(p);
    if (!p->vectors) {
        return true;
    }
    memory_region_init(&p->msix_bar, "virtio-pci-msix", MSIX_BAR_SIZE);
    if (!msix_init(PCI_DEVICE(p), p->vectors, &p->msix_bar, VIRTIO_PCI_MSIX_BAR, errp)) {
        error_prepend(errp, "%s: vectors=%u: ", object_get_typename(OBJECT(p)), p->vectors);
        return false;
    }
    pci_register_bar(PCI_DEVICE(p), VIRTIO_PCI_MSIX_BAR, 0, &p->msix_bar);
    return true;
}

/* disable-legacy / disable-modern: which interfaces this proxy serves. */
static bool virtio_pci_check_options(VirtIOPCIProxy *p, bool *legacy, Error **errp)
{
    const char *type = object_get_typename(OBJECT(p));
    const VirtioPCIType *t = VIRTIO_PCI_GET_CLASS(p)->type;
    const char *dl = p->disable_legacy ? p->disable_legacy : "auto";

    if (strcmp(dl, "on") && strcmp(dl, "off") && strcmp(dl, "auto")) {
        error_setg(errp, "Parameter 'disable-legacy' does not accept value '%s'", dl);
        return false;
    }
    /* auto: QEMU serves legacy except behind a PCIe port; virt's devices sit on pcie.0. */
    *legacy = strcmp(dl, "on") && t->legacy_device_id;
    if (!strcmp(dl, "off") && !t->legacy_device_id) {
        error_setg(errp, "%s: disable-legacy=off: this device has no legacy interface", type);
        return false;
    }
    if (p->disable_modern && !*legacy) {
        error_setg(errp,
                   "%s: disable-modern=on: device cannot work as neither modern nor legacy mode "
                   "is enabled",
                   type);
        return false;
    }
    return true;
}

/* A transitional or legacy device shows the pre-1.0 identity (4.1.2.1, 4.1.2.3). */
static void virtio_pci_set_legacy_ids(VirtIOPCIProxy *p)
{
    PCIDevice *dev = PCI_DEVICE(p);

    pci_set_word(dev->config + PCI_DEVICE_ID, VIRTIO_PCI_GET_CLASS(p)->type->legacy_device_id);
    dev->config[PCI_REVISION_ID] = 0;
    pci_set_word(dev->config + PCI_SUBSYSTEM_ID, virtio_device_id(p->vdev));
}

static bool virtio_pci_realize(PCIDevice *dev, Error **errp)
{
    VirtIOPCIProxy *p = VIRTIO_PCI(dev);
    VirtioPCIClass *vpc = VIRTIO_PCI_GET_CLASS(dev);
    bool legacy;

    if (!virtio_pci_check_options(p, &legacy, errp)) {
        return false;
    }
    for (int i = 0; i < vpc->num_forwarded; i++) {
        if (p->forwarded[i] && !object_property_parse(OBJECT(p->vdev), vpc->forwarded[i].name,
                                                      p->forwarded[i], errp)) {
            return false;
        }
    }
    if (!qdev_realize(DEVICE(p->vdev), errp)) {
        return false;
    }
    virtio_bind_transport(p->vdev, DEVICE(p), virtio_pci_update_irq);
    p->vdev->transport_signal = virtio_pci_signal;
    dev->config[PCI_INTERRUPT_PIN] = 1;
    if (!virtio_pci_init_msix(p, errp)) {
        return false;
    }
    if (legacy) {
        virtio_pci_set_legacy_ids(p);
        virtio_pci_init_legacy(p);
    }
    if (p->disable_modern) {
        virtio_set_legacy(p->vdev, true); /* no VERSION_1 offered */
        return true;
    }
    return virtio_pci_init_modern(p, errp);
}

static void virtio_pci_reset(PCIDevice *dev)
{
    VirtIOPCIProxy *p = VIRTIO_PCI(dev);

    p->dfselect = p->gfselect = p->queue_sel = 0;
    virtio_pci_reset_vectors(p);
    msix_reset(dev);
}

static void virtio_pci_instance_init(Object *obj)
{
    VirtIOPCIProxy *p = VIRTIO_PCI(obj);
    VirtioPCIClass *vpc = VIRTIO_PCI_GET_CLASS(obj);
    Object *backend = object_new(vpc->type->backend);

    /* A child: finalized before us, so nothing here needs to unbind it. */
    object_property_add_child(obj, "virtio-backend", backend);
    object_unref(backend);
    p->vdev = VIRTIO_DEVICE(backend);
}

/* The modern BAR's four structures: out of it (the BAR itself goes with the PCI device),
 * then their names. */
static void virtio_pci_instance_finalize(Object *obj)
{
    VirtIOPCIProxy *p = VIRTIO_PCI(obj);
    MemoryRegion *parts[] = {&p->common, &p->isr, &p->device, &p->notify};

    for (unsigned i = 0; i < ARRAY_SIZE(parts); i++) {
        if (parts[i]->container) {
            memory_region_del_subregion(parts[i]->container, parts[i]);
        }
        memory_region_destroy(parts[i]);
    }
}

/* ---- properties and types ---- */

static const Property virtio_pci_props[] = {
    DEFINE_PROP("disable-legacy", PROP_STRING, VirtIOPCIProxy, disable_legacy,
                .description = "on: modern only; off/auto (default): transitional, with the "
                               "legacy I/O BAR0"),
    DEFINE_PROP_BOOL("disable-modern", VirtIOPCIProxy, disable_modern, false),
    DEFINE_PROP_UINT32("vectors", VirtIOPCIProxy, vectors, UINT32_MAX),
    DEFINE_PROP_END,
};

/* ---- machine state (savevm) ---- */

/* The backend (our child) saves the queues; the proxy its PCI function and selectors. */
static bool virtio_pci_post_load(void *opaque, int version_id, Error **errp)
{
    VirtIOPCIProxy *p = opaque;

    return pci_device_post_load(PCI_DEVICE(p), errp);
}

static const VMStateDescription vmstate_virtio_pci = {
    .name = "virtio-pci",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = virtio_pci_post_load,
    .fields =
        (const VMStateField[]){
            VMSTATE_STRUCT(parent_obj, VirtIOPCIProxy, vmstate_pci_device, PCIDevice),
            VMSTATE_UINT32(dfselect, VirtIOPCIProxy),
            VMSTATE_UINT32(gfselect, VirtIOPCIProxy),
            VMSTATE_UINT16(queue_sel, VirtIOPCIProxy),
            VMSTATE_UINT16(config_vector, VirtIOPCIProxy),
            VMSTATE_UINT16_ARRAY(queue_vector, VirtIOPCIProxy, VIRTIO_QUEUE_MAX),
            VMSTATE_END_OF_LIST(),
        },
};

static void virtio_pci_class_init(ObjectClass *oc, void *data)
{
    PCIDeviceClass *pdc = PCI_DEVICE_CLASS(oc);

    DEVICE_CLASS(oc)->vmsd = &vmstate_virtio_pci;
    object_class_add_props(oc, virtio_pci_props);
    pdc->realize = virtio_pci_realize;
    pdc->reset = virtio_pci_reset;
    pdc->config_read = virtio_pci_config_read;
    pdc->config_written = virtio_pci_config_written;
    pdc->vendor_id = PCI_VENDOR_ID_REDHAT_QUMRANET;
    pdc->revision = 1;
}

/*
 * Each backend property becomes a string property of the proxy (same name and help),
 * stored in forwarded[] and handed to the backend at realize: the backend parses it.
 */
static void virtio_pci_forward_props(VirtioPCIClass *vpc, ObjectClass *backend)
{
    for (size_t i = 0; i < backend->nprops && vpc->num_forwarded < VIRTIO_PCI_MAX_FORWARDED; i++) {
        const Property *bp = backend->props[i];
        int n = vpc->num_forwarded;

        if (object_class_find_property(OBJECT_CLASS(vpc), bp->name)) {
            continue;
        }
        vpc->forwarded[n] = (Property){
            .name = bp->name,
            .type = PROP_STRING,
            .offset = offsetof(VirtIOPCIProxy, forwarded) + n * sizeof(char *),
            .description = bp->description,
        };
        vpc->num_forwarded++;
    }
    object_class_add_props(OBJECT_CLASS(vpc), vpc->forwarded); /* the class lives for good */
}

static void virtio_pci_type_class_init(ObjectClass *oc, void *data)
{
    const VirtioPCIType *t = data;
    ObjectClass *backend = object_class_by_name(t->backend);
    VirtioPCIClass *vpc = VIRTIO_PCI_CLASS(oc);
    PCIDeviceClass *pdc = PCI_DEVICE_CLASS(oc);

    vpc->type = t;
    DEVICE_CLASS(oc)->desc = t->desc;
    DEVICE_CLASS(oc)->user_creatable = true;
    pdc->device_id = VIRTIO_PCI_DEVICE_ID_BASE + VIRTIO_DEVICE_CLASS(backend)->device_id;
    pdc->class_id = t->class_id;
    virtio_pci_forward_props(vpc, backend);
}

static const TypeInfo virtio_pci_info = {
    .name = TYPE_VIRTIO_PCI,
    .parent = TYPE_PCI_DEVICE,
    .abstract = true,
    .instance_size = sizeof(VirtIOPCIProxy),
    .class_size = sizeof(VirtioPCIClass),
    .instance_init = virtio_pci_instance_init,
    .instance_finalize = virtio_pci_instance_finalize,
    .class_init = virtio_pci_class_init,
};

static const VirtioPCIType virtio_pci_types[] = {
    {"virtio-blk-pci", "virtio-blk-device", PCI_CLASS_STORAGE_SCSI, "virtio block device (PCI)",
     .legacy_device_id = 0x1001},
    {"virtio-net-pci", "virtio-net-device", PCI_CLASS_NETWORK_ETHERNET, "virtio network card (PCI)",
     .legacy_device_id = 0x1000},
    {"virtio-rng-pci", "virtio-rng-device", PCI_CLASS_OTHERS, "virtio entropy source (PCI)",
     .legacy_device_id = 0x1005},
    /* class 0x00, subclass 0x02, as QEMU's virtio-9p-pci shows */
    {"virtio-9p-pci", "virtio-9p-device", 0x000200, "virtio 9p file system (PCI)",
     .legacy_device_id = 0x1009},
    {"vhost-user-fs-pci", "vhost-user-fs-device", PCI_CLASS_STORAGE_OTHER,
     "virtio file system served by virtiofsd over vhost-user (PCI)"},
    {"virtio-gpu-pci", "virtio-gpu-device", PCI_CLASS_DISPLAY_OTHER, "virtio GPU, 2D (PCI)"},
    {"virtio-keyboard-pci", "virtio-keyboard-device", PCI_CLASS_INPUT_OTHER,
     "virtio keyboard (PCI)"},
    {"virtio-mouse-pci", "virtio-mouse-device", PCI_CLASS_INPUT_OTHER, "virtio mouse (PCI)"},
    {"virtio-tablet-pci", "virtio-tablet-device", PCI_CLASS_INPUT_OTHER, "virtio tablet (PCI)"},
};

/* One TypeInfo per proxy type, filled from the table at start-up (the registry keeps it). */
static TypeInfo virtio_pci_type_infos[ARRAY_SIZE(virtio_pci_types)];

static void virtio_pci_register_types(void)
{
    type_register_static(&virtio_pci_info);
    for (size_t i = 0; i < ARRAY_SIZE(virtio_pci_types); i++) {
        virtio_pci_type_infos[i] = (TypeInfo){
            .name = virtio_pci_types[i].name,
            .parent = TYPE_VIRTIO_PCI,
            .class_init = virtio_pci_type_class_init,
            .class_data = (void *)&virtio_pci_types[i],
        };
        type_register_static(&virtio_pci_type_infos[i]);
    }
}

type_init(virtio_pci_register_types)
