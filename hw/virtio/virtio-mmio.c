/*
 * The virtio-mmio transport, version 2, and the legacy version 1 (force-legacy=on).
 *
 * Spec: Virtual I/O Device (VIRTIO) Version 1.2, section 4.2 "Virtio Over
 * MMIO". Control registers are 32-bit; config space from 0x100 takes 8-, 16-
 * and 32-bit accesses. 4.2.2.2 requires the driver to read a 64-bit config
 * field as two 32-bit accesses, so nothing takes 64-bit accesses: as in QEMU,
 * the memory core refuses them (.valid below), the guest gets an access fault
 * and -d guest_errors logs "virtio-mmio: invalid read size 8 ...".
 *
 *   0x000 MagicValue        R  0x74726976 ("virt")
 *   0x004 Version           R  2
 *   0x008 DeviceID          R  0 when no device is plugged (the driver skips the slot)
 *   0x00c VendorID          R  0x554d4551 ("QEMU", as QEMU reports)
 *   0x010 DeviceFeatures    R  32 feature bits selected by DeviceFeaturesSel
 *   0x014 DeviceFeaturesSel W
 *   0x020 DriverFeatures    W  32 feature bits selected by DriverFeaturesSel
 *   0x024 DriverFeaturesSel W
 *   0x030 QueueSel          W
 *   0x034 QueueNumMax       R  0 if the selected queue does not exist
 *   0x038 QueueNum          W
 *   0x044 QueueReady        RW
 *   0x050 QueueNotify       W  queue index
 *   0x060 InterruptStatus   R  bit 0 used buffer, bit 1 configuration change
 *   0x064 InterruptACK      W
 *   0x070 Status            RW writing 0 resets the device
 *   0x080 QueueDescLow/High     0x084
 *   0x090 QueueDriverLow/High   0x094 (avail ring)
 *   0x0a0 QueueDeviceLow/High   0x0a4 (used ring)
 *   0x0ac SHMSel            W  0x0b0/0x0b4 SHMLen, 0x0b8/0x0bc SHMBase: no regions (len -1)
 *   0x0fc ConfigGeneration  R
 *   0x100 Config            RW device-specific
 *
 * Version 1 (4.2.4 "Legacy interface", QEMU's default force-legacy=on) has no QueueReady,
 * ring address, SHM or ConfigGeneration registers; instead:
 *   0x028 GuestPageSize     W  the unit of QueuePFN (the driver writes it once, at probe)
 *   0x03c QueueAlign        W  alignment of the used ring (a power of two)
 *   0x040 QueuePFN          RW the queue's pages: desc at PFN * GuestPageSize, the avail
 *                              ring right after it, the used ring at the next QueueAlign
 *                              boundary (2.7.2 legacy layout); writing it makes the queue
 *                              live, writing 0 stops it
 * and the device offers no VERSION_1 (virtio_set_legacy), so the driver speaks legacy.
 */
#include <inttypes.h>
#include <libfdt.h>

#include "hw/virtio/virtio-mmio.h"
#include "migration/vmstate.h"
#include "util/log.h"

#define VIRTIO_MMIO_MAGIC_VALUE 0x000
#define VIRTIO_MMIO_VERSION 0x004
#define VIRTIO_MMIO_DEVICE_ID 0x008
#define VIRTIO_MMIO_VENDOR_ID 0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL 0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034
#define VIRTIO_MMIO_QUEUE_NUM 0x038
#define VIRTIO_MMIO_QUEUE_READY 0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064
#define VIRTIO_MMIO_STATUS 0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW 0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW 0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0a4
#define VIRTIO_MMIO_SHM_SEL 0x0ac
#define VIRTIO_MMIO_SHM_LEN_LOW 0x0b0
#define VIRTIO_MMIO_SHM_LEN_HIGH 0x0b4
#define VIRTIO_MMIO_SHM_BASE_LOW 0x0b8
#define VIRTIO_MMIO_SHM_BASE_HIGH 0x0bc
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fc
#define VIRTIO_MMIO_CONFIG 0x100
#define VIRTIO_MMIO_GUEST_PAGE_SIZE 0x028 /* legacy */
#define VIRTIO_MMIO_QUEUE_ALIGN 0x03c     /* legacy */
#define VIRTIO_MMIO_QUEUE_PFN 0x040       /* legacy */
#define VIRTIO_MMIO_LEGACY_ALIGN 4096     /* QueueAlign before the driver writes it */

#define VIRTIO_MMIO_MAGIC 0x74726976
#define VIRTIO_MMIO_VENDOR 0x554d4551

typedef struct VirtIOMMIOState {
    SysBusDevice parent_obj;
    MemoryRegion iomem;
    IRQState *irq;
    VirtIODevice *backend; /* plugged device (a reference), or NULL */
    uint32_t device_features_sel;
    uint32_t driver_features_sel;
    uint32_t queue_sel;
    bool force_legacy; /* property: version 1 */
    /* version 1 only */
    uint32_t guest_page_size;
    uint32_t queue_align[VIRTIO_QUEUE_MAX];
    uint32_t queue_pfn[VIRTIO_QUEUE_MAX];
} VirtIOMMIOState;

#define VIRTIO_MMIO(obj) OBJECT_CHECK(VirtIOMMIOState, (obj), TYPE_VIRTIO_MMIO)

/* ---- IRQ ---- */

static void virtio_mmio_update_irq(DeviceState *dev)
{
    VirtIOMMIOState *s = VIRTIO_MMIO(dev);

    irq_set(s->irq, s->backend && s->backend->isr != 0);
}

/* ---- MMIO ---- */

static VirtQueue *virtio_mmio_queue(VirtIOMMIOState *s)
{
    return virtio_get_queue(s->backend, s->queue_sel);
}

static uint32_t virtio_mmio_read_queue(VirtIOMMIOState *s, hwaddr addr)
{
    VirtQueue *vq = virtio_mmio_queue(s);

    if (!vq) {
        return 0;
    }
    switch (addr) {
    case VIRTIO_MMIO_QUEUE_NUM_MAX:
        return vq->num_max;
    case VIRTIO_MMIO_QUEUE_READY:
        return vq->ready;
    default:
        log_mask(LOG_GUEST_ERROR, "virtio-mmio: read of write-only register 0x%" PRIx64 "\n", addr);
        return 0;
    }
}

/* ---- version 1 (legacy) ---- */

/* Registers that exist only in one version; false if addr is not one of this version's. */
static bool virtio_mmio_reg_in_version(VirtIOMMIOState *s, hwaddr addr)
{
    switch (addr) {
    case VIRTIO_MMIO_GUEST_PAGE_SIZE:
    case VIRTIO_MMIO_QUEUE_ALIGN:
    case VIRTIO_MMIO_QUEUE_PFN:
        return s->force_legacy;
    case VIRTIO_MMIO_QUEUE_READY:
    case VIRTIO_MMIO_QUEUE_DESC_LOW ... VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
    case VIRTIO_MMIO_SHM_SEL ... VIRTIO_MMIO_SHM_BASE_HIGH:
    case VIRTIO_MMIO_CONFIG_GENERATION:
        return !s->force_legacy;
    default:
        return true;
    }
}

static void virtio_mmio_legacy_reset(VirtIOMMIOState *s)
{
    for (int i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        s->queue_align[i] = VIRTIO_MMIO_LEGACY_ALIGN;
        s->queue_pfn[i] = 0;
    }
}

/* QueuePFN: place the three rings in the legacy layout and start the queue (0: stop it). */
static void virtio_mmio_set_pfn(VirtIOMMIOState *s, VirtQueue *vq, uint32_t pfn)
{
    uint32_t align = s->queue_align[vq->index];
    uint64_t avail_end;

    s->queue_pfn[vq->index] = pfn;
    if (pfn == 0) {
        virtio_queue_set_ready(vq, false);
        vq->desc = vq->avail = vq->used = 0;
        return;
    }
    if (!align || (align & (align - 1)) || !s->guest_page_size) {
        virtio_error(s->backend,
                     "queue %u: QueueAlign %" PRIu32 " / GuestPageSize %" PRIu32 " unusable",
                     vq->index, align, s->guest_page_size);
        return;
    }
    vq->desc = (uint64_t)pfn * s->guest_page_size;
    vq->avail = vq->desc + 16ull * vq->num;
    avail_end = vq->avail + 6 + 2ull * vq->num; /* flags, idx, ring[num], used_event */
    vq->used = (avail_end + align - 1) & ~(uint64_t)(align - 1);
    virtio_queue_set_ready(vq, true); /* checks the rings are RAM */
}

static void virtio_mmio_legacy_write(VirtIOMMIOState *s, hwaddr addr, uint32_t value)
{
    VirtQueue *vq = virtio_mmio_queue(s);

    if (addr == VIRTIO_MMIO_GUEST_PAGE_SIZE) {
        s->guest_page_size = value;
        return;
    }
    if (!vq) {
        log_mask(LOG_GUEST_ERROR,
                 "virtio-mmio: queue register 0x%" PRIx64 " for missing queue %u\n", addr,
                 s->queue_sel);
    } else if (addr == VIRTIO_MMIO_QUEUE_PFN) {
        virtio_mmio_set_pfn(s, vq, value);
    } else if (vq->ready) {
        log_mask(LOG_GUEST_ERROR, "virtio-mmio: queue %u reconfigured while live\n", vq->index);
    } else {
        s->queue_align[vq->index] = value;
    }
}

/* ---- registers ---- */

static uint32_t virtio_mmio_read_reg(VirtIOMMIOState *s, hwaddr addr)
{
    VirtIODevice *vdev = s->backend;

    switch (addr) {
    case VIRTIO_MMIO_MAGIC_VALUE:
        return VIRTIO_MMIO_MAGIC;
    case VIRTIO_MMIO_VERSION:
        return s->force_legacy ? 1 : 2;
    case VIRTIO_MMIO_DEVICE_ID:
        return vdev ? virtio_device_id(vdev) : 0;
    case VIRTIO_MMIO_VENDOR_ID:
        return VIRTIO_MMIO_VENDOR;
    }
    if (!vdev) {
        return 0;
    }
    if (!virtio_mmio_reg_in_version(s, addr)) {
        log_mask(LOG_GUEST_ERROR,
                 "virtio-mmio: read of register 0x%" PRIx64 " (not in version %d)\n", addr,
                 s->force_legacy ? 1 : 2);
        return 0;
    }
    switch (addr) {
    case VIRTIO_MMIO_QUEUE_PFN:
        return s->queue_sel < VIRTIO_QUEUE_MAX ? s->queue_pfn[s->queue_sel] : 0;
    case VIRTIO_MMIO_DEVICE_FEATURES:
        return s->device_features_sel > 1
                   ? 0
                   : virtio_host_features(vdev) >> (32 * s->device_features_sel);
    case VIRTIO_MMIO_QUEUE_NUM_MAX:
    case VIRTIO_MMIO_QUEUE_READY:
        return virtio_mmio_read_queue(s, addr);
    case VIRTIO_MMIO_INTERRUPT_STATUS:
        return vdev->isr;
    case VIRTIO_MMIO_STATUS:
        return vdev->status;
    case VIRTIO_MMIO_SHM_LEN_LOW:
    case VIRTIO_MMIO_SHM_LEN_HIGH:
    case VIRTIO_MMIO_SHM_BASE_LOW:
    case VIRTIO_MMIO_SHM_BASE_HIGH:
        return UINT32_MAX; /* 4.2.2: a missing shared memory region has length -1 */
    case VIRTIO_MMIO_CONFIG_GENERATION:
        return vdev->config_generation;
    default:
        log_mask(LOG_GUEST_ERROR, "virtio-mmio: read of bad register 0x%" PRIx64 "\n", addr);
        return 0;
    }
}

static uint64_t virtio_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    VirtIOMMIOState *s = opaque;

    if (addr >= VIRTIO_MMIO_CONFIG) {
        return s->backend ? virtio_config_read(s->backend, addr - VIRTIO_MMIO_CONFIG, size) : 0;
    }
    if (size != 4) {
        log_mask(LOG_GUEST_ERROR, "virtio-mmio: %u-byte read of register 0x%" PRIx64 "\n", size,
                 addr);
        return 0;
    }
    return virtio_mmio_read_reg(s, addr);
}

static void virtio_mmio_set_addr_half(hwaddr *field, bool high, uint32_t value)
{
    *field = deposit64(*field, high ? 32 : 0, 32, value);
}

static void virtio_mmio_write_queue(VirtIOMMIOState *s, hwaddr addr, uint32_t value)
{
    VirtQueue *vq = virtio_mmio_queue(s);

    if (!vq) {
        log_mask(LOG_GUEST_ERROR,
                 "virtio-mmio: queue register 0x%" PRIx64 " for missing queue %u\n", addr,
                 s->queue_sel);
        return;
    }
    if (addr == VIRTIO_MMIO_QUEUE_READY) {
        virtio_queue_set_ready(vq, value & 1);
        return;
    }
    if (vq->ready) {
        /* 4.2.3.2: the queue must be disabled while it is being configured. */
        log_mask(LOG_GUEST_ERROR, "virtio-mmio: queue %u reconfigured while ready\n", vq->index);
        return;
    }
    switch (addr) {
    case VIRTIO_MMIO_QUEUE_NUM:
        virtio_queue_set_num(vq, value);
        break;
    case VIRTIO_MMIO_QUEUE_DESC_LOW:
    case VIRTIO_MMIO_QUEUE_DESC_HIGH:
        virtio_mmio_set_addr_half(&vq->desc, addr == VIRTIO_MMIO_QUEUE_DESC_HIGH, value);
        break;
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
    case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
        virtio_mmio_set_addr_half(&vq->avail, addr == VIRTIO_MMIO_QUEUE_DRIVER_HIGH, value);
        break;
    default:
        virtio_mmio_set_addr_half(&vq->used, addr == VIRTIO_MMIO_QUEUE_DEVICE_HIGH, value);
        break;
    }
}

static void virtio_mmio_write_reg(VirtIOMMIOState *s, hwaddr addr, uint32_t value)
{
    VirtIODevice *vdev = s->backend;

    if (!virtio_mmio_reg_in_version(s, addr)) {
        log_mask(LOG_GUEST_ERROR,
                 "virtio-mmio: write to register 0x%" PRIx64 " (not in version %d)\n", addr,
                 s->force_legacy ? 1 : 2);
        return;
    }
    switch (addr) {
    case VIRTIO_MMIO_GUEST_PAGE_SIZE:
    case VIRTIO_MMIO_QUEUE_ALIGN:
    case VIRTIO_MMIO_QUEUE_PFN:
        virtio_mmio_legacy_write(s, addr, value);
        break;
    case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
        s->device_features_sel = value;
        break;
    case VIRTIO_MMIO_DRIVER_FEATURES:
        virtio_write_guest_features(s->backend, s->driver_features_sel, value);
        break;
    case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
        s->driver_features_sel = value;
        break;
    case VIRTIO_MMIO_QUEUE_SEL:
        s->queue_sel = value;
        break;
    case VIRTIO_MMIO_QUEUE_NUM:
    case VIRTIO_MMIO_QUEUE_READY:
    case VIRTIO_MMIO_QUEUE_DESC_LOW ... VIRTIO_MMIO_QUEUE_DESC_HIGH:
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW ... VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW ... VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
        virtio_mmio_write_queue(s, addr, value);
        break;
    case VIRTIO_MMIO_QUEUE_NOTIFY:
        virtio_queue_notify(vdev, value);
        break;
    case VIRTIO_MMIO_INTERRUPT_ACK:
        vdev->isr &= ~value;
        virtio_mmio_update_irq(DEVICE(s));
        break;
    case VIRTIO_MMIO_STATUS:
        if (value == 0) {
            s->device_features_sel = s->driver_features_sel = s->queue_sel = 0;
            virtio_mmio_legacy_reset(s);
        }
        virtio_set_status(vdev, value & 0xff);
        break;
    case VIRTIO_MMIO_SHM_SEL:
        break;
    default:
        log_mask(LOG_GUEST_ERROR, "virtio-mmio: write to bad register 0x%" PRIx64 "\n", addr);
        break;
    }
}

static void virtio_mmio_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    VirtIOMMIOState *s = opaque;

    if (!s->backend) {
        log_mask(LOG_GUEST_ERROR, "virtio-mmio: write to empty slot at 0x%" PRIx64 "\n", addr);
        return;
    }
    if (addr >= VIRTIO_MMIO_CONFIG) {
        virtio_config_write(s->backend, addr - VIRTIO_MMIO_CONFIG, data, size);
        return;
    }
    if (size != 4) {
        log_mask(LOG_GUEST_ERROR, "virtio-mmio: %u-byte write to register 0x%" PRIx64 "\n", size,
                 addr);
        return;
    }
    virtio_mmio_write_reg(s, addr, data);
}

static const MemoryRegionOps virtio_mmio_ops = {
    .read = virtio_mmio_read,
    .write = virtio_mmio_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 4},
};

/* ---- realize / reset ---- */

static void virtio_mmio_instance_init(Object *obj)
{
    VirtIOMMIOState *s = VIRTIO_MMIO(obj);

    sysbus_init_irq(SYS_BUS_DEVICE(obj), &s->irq);
}

static bool virtio_mmio_realize(DeviceState *dev, Error **errp)
{
    VirtIOMMIOState *s = VIRTIO_MMIO(dev);

    memory_region_init_io(&s->iomem, &virtio_mmio_ops, s, TYPE_VIRTIO_MMIO, VIRTIO_MMIO_SIZE);
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &s->iomem);
    return true;
}

static void virtio_mmio_reset(DeviceState *dev)
{
    VirtIOMMIOState *s = VIRTIO_MMIO(dev);

    s->device_features_sel = s->driver_features_sel = s->queue_sel = 0;
    s->guest_page_size = 0;
    virtio_mmio_legacy_reset(s);
    if (s->backend) {
        virtio_reset(s->backend);
    }
    virtio_mmio_update_irq(dev);
}

static void virtio_mmio_finalize(Object *obj)
{
    VirtIOMMIOState *s = VIRTIO_MMIO(obj);

    if (s->backend) {
        virtio_bind_transport(s->backend, NULL, NULL);
        object_unref(OBJECT(s->backend));
    }
}

/* ---- plugging devices ---- */

VirtIODevice *virtio_mmio_get_device(DeviceState *transport)
{
    return VIRTIO_MMIO(transport)->backend;
}

bool virtio_mmio_plug(DeviceState *transport, DeviceState *dev, Error **errp)
{
    VirtIOMMIOState *s = VIRTIO_MMIO(transport);
    VirtIODevice *vdev = (VirtIODevice *)object_dynamic_cast(OBJECT(dev), TYPE_VIRTIO_DEVICE);

    if (!vdev) {
        error_setg(errp, "'%s' is not a virtio device", object_get_typename(OBJECT(dev)));
        return false;
    }
    if (s->backend) {
        error_setg(errp, "virtio-mmio transport already holds a '%s'",
                   object_get_typename(OBJECT(s->backend)));
        return false;
    }
    object_ref(OBJECT(vdev));
    s->backend = vdev;
    virtio_bind_transport(vdev, transport, virtio_mmio_update_irq);
    virtio_set_legacy(vdev, s->force_legacy);
    virtio_reset(vdev);
    return true;
}

bool virtio_mmio_plug_free(DeviceState *const *transports, int n, DeviceState *dev, Error **errp)
{
    if (!object_dynamic_cast(OBJECT(dev), TYPE_VIRTIO_DEVICE)) {
        error_setg(errp, "'%s' is not a virtio device", object_get_typename(OBJECT(dev)));
        return false;
    }
    for (int i = 0; i < n; i++) {
        if (virtio_mmio_get_device(transports[i]) == (VirtIODevice *)dev) {
            return true;
        }
    }
    /* QEMU's order: the transport created last takes the first device. */
    for (int i = n; i-- > 0;) {
        if (!virtio_mmio_get_device(transports[i])) {
            return virtio_mmio_plug(transports[i], dev, errp);
        }
    }
    error_setg(errp, "no free virtio-mmio slot for '%s'", object_get_typename(OBJECT(dev)));
    return false;
}

bool virtio_mmio_unplug(DeviceState *const *transports, int n, DeviceState *dev, Error **errp)
{
    VirtIODevice *vdev = (VirtIODevice *)object_dynamic_cast(OBJECT(dev), TYPE_VIRTIO_DEVICE);
    VirtIOMMIOState *s = NULL;

    for (int i = 0; vdev && i < n && !s; i++) {
        if (virtio_mmio_get_device(transports[i]) == vdev) {
            s = VIRTIO_MMIO(transports[i]);
        }
    }
    if (!s) {
        error_setg(errp, "'%s' is not on a virtio-mmio transport",
                   object_get_typename(OBJECT(dev)));
        return false;
    }
    /* The slot reads as empty again (device ID 0), as before the device came. */
    virtio_reset(vdev);
    virtio_bind_transport(vdev, NULL, NULL);
    virtio_set_legacy(vdev, false);
    s->backend = NULL;
    object_unref(OBJECT(vdev));
    virtio_mmio_update_irq(DEVICE(s));
    return true;
}

/* ---- device tree (QEMU virt: /soc/virtio_mmio@10001000 ... @10008000) ---- */

static bool virtio_mmio_fdt_populate(DeviceState *dev, const DeviceFDTContext *ctx, Error **errp)
{
    static const char compat[] = "virtio,mmio";

    return sysbus_fdt_add_node(ctx, "virtio_mmio", compat, sizeof(compat), NULL, 0, errp) >= 0;
}

/* ---- properties and type registration ---- */

static const Property virtio_mmio_props[] = {
    /* On by default, as in QEMU: guests see version 1 unless told force-legacy=off. */
    DEFINE_PROP("force-legacy", PROP_BOOL, VirtIOMMIOState, force_legacy, .defval.b = true,
                .description = "serve the legacy version 1 interface instead of version 2"),
    DEFINE_PROP_END,
};

/* ---- machine state (savevm) ---- */

/* The backend saves the queues; the transport keeps its register selectors and, for
 * version 1, the page size and each queue's alignment and PFN. */
static bool virtio_mmio_post_load(void *opaque, int version_id, Error **errp)
{
    VirtIOMMIOState *s = opaque;

    if (s->queue_sel >= VIRTIO_QUEUE_MAX) {
        s->queue_sel = 0;
    }
    virtio_mmio_update_irq(DEVICE(s));
    return true;
}

static const VMStateDescription vmstate_virtio_mmio = {
    .name = "virtio-mmio",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = virtio_mmio_post_load,
    .fields =
        (const VMStateField[]){
            VMSTATE_UINT32(device_features_sel, VirtIOMMIOState),
            VMSTATE_UINT32(driver_features_sel, VirtIOMMIOState),
            VMSTATE_UINT32(queue_sel, VirtIOMMIOState),
            VMSTATE_UINT32(guest_page_size, VirtIOMMIOState),
            VMSTATE_UINT32_ARRAY(queue_align, VirtIOMMIOState, VIRTIO_QUEUE_MAX),
            VMSTATE_UINT32_ARRAY(queue_pfn, VirtIOMMIOState, VIRTIO_QUEUE_MAX),
            VMSTATE_END_OF_LIST(),
        },
};

static void virtio_mmio_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    object_class_add_props(oc, virtio_mmio_props);
    dc->desc = "virtio-mmio transport (version 2, or 1 with force-legacy=on)";
    dc->realize = virtio_mmio_realize;
    dc->reset = virtio_mmio_reset;
    dc->fdt_populate = virtio_mmio_fdt_populate;
    dc->vmsd = &vmstate_virtio_mmio;
}

static const TypeInfo virtio_mmio_info = {
    .name = TYPE_VIRTIO_MMIO,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(VirtIOMMIOState),
    .instance_init = virtio_mmio_instance_init,
    .instance_finalize = virtio_mmio_finalize,
    .class_init = virtio_mmio_class_init,
};

static void virtio_mmio_register_types(void)
{
    type_register_static(&virtio_mmio_info);
}

type_init(virtio_mmio_register_types)

DeviceState *virtio_mmio_create(hwaddr base, IRQState *irq, Error **errp)
{
    return sysbus_create_simple(TYPE_VIRTIO_MMIO, base, irq, errp);
}
