/*
 * The Q35 host bridge (contract in include/hw/pci-host/q35.h).
 *
 * Configuration mechanism #1 (PCI Local Bus 3.0, 3.2.2.3.2): a dword write to
 * 0xcf8 sets CONFIG_ADDRESS = enable (bit 31), bus (23:16), device/function
 * (15:8), register (7:2); accesses of 1, 2 or 4 bytes to 0xcfc + n then reach
 * that function's register + n. Only bus 0 exists: other buses read
 * all-ones. Byte accesses to 0xcf8-0xcfb do not touch CONFIG_ADDRESS; a byte
 * write to 0xcf9 is the Reset Control Register (ICH9 datasheet 13.7.5: bit 2
 * "reset CPU" starts a reset).
 *
 * MCH (Intel 3 Series Express Chipset datasheet, 5.1): vendor 8086, device
 * 29c0, class host bridge; PCIEXBAR (0x60) places the ECAM window (256 buses
 * only; bus 0 is the only one populated); PAM0 (0x90) bits 5:4 control 0xf0000-0xfffff,
 * PAM1..PAM6 (0x91-0x96) two 16 KiB segments each from 0xc0000, low nibble
 * first. A segment's two bits are read-enable and write-enable; any enable
 * maps RAM there (modelling choice: write-only and read-only segments
 * behave as read/write RAM), none leaves what lies below (the BIOS ROM alias
 * for 0xe0000-0xfffff, RAM elsewhere).
 */
#include "hw/pci-host/q35.h"

#include "system/runstate.h"
#include "util/log.h"

#define PCI_VENDOR_ID_INTEL 0x8086
#define PCI_DEVICE_ID_INTEL_Q35_MCH 0x29c0
#define RCR_SYS_RST 0x02
#define RCR_RST_CPU 0x04

struct Q35Host {
    SysBusDevice parent_obj;
    MemoryRegion conf_addr, conf_data;
    uint32_t config_address;
    uint8_t rcr;
    PCIBus *bus;
    PCIDevice *mch;
    MemoryRegion pam[MCH_PAM_SEGMENTS];
    MemoryRegion *sysmem;
    MemoryRegion ecam; /* PCIEXBAR's window, mapped while enabled */
    bool ecam_mapped;
    IRQState *pirq[Q35_NUM_PIRQS]; /* the ICH9's PIRQ A..H inputs (q35_host_connect_pirq) */
};

#define Q35_HOST(obj) OBJECT_CHECK(Q35Host, (obj), TYPE_Q35_HOST)

/* The MCH function knows its host, whose PAM aliases its registers switch. */
typedef struct MCHState {
    PCIDevice parent_obj;
    Q35Host *host;
} MCHState;

#define MCH(obj) OBJECT_CHECK(MCHState, (obj), TYPE_MCH_PCI_DEVICE)

/* ---- configuration mechanism #1 ---- */

static uint64_t conf_addr_read(void *opaque, hwaddr addr, unsigned size)
{
    Q35Host *s = opaque;

    if (size == 4) {
        return s->config_address;
    }
    return addr == 1 && size == 1 ? s->rcr : 0xff;
}

static void conf_addr_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    Q35Host *s = opaque;

    if (size == 4) {
        s->config_address = data & 0x80fffffc;
    } else if (addr == 1 && size == 1) {
        s->rcr = data & RCR_SYS_RST;
        if (data & RCR_RST_CPU) {
            reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
        }
    }
}

static const MemoryRegionOps conf_addr_ops = {
    .read = conf_addr_read,
    .write = conf_addr_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 4},
};

/* The target of CONFIG_DATA + offset: false when disabled or on another bus. */
static bool conf_target(Q35Host *s, hwaddr offset, int *devfn, uint32_t *reg)
{
    uint32_t a = s->config_address;

    if (!(a & 0x80000000) || ((a >> 16) & 0xff) != 0) {
        return false;
    }
    *devfn = (a >> 8) & 0xff;
    *reg = (a & 0xfc) + offset;
    return true;
}

static uint64_t conf_data_read(void *opaque, hwaddr addr, unsigned size)
{
    Q35Host *s = opaque;
    int devfn;
    uint32_t reg;

    if (!conf_target(s, addr, &devfn, &reg)) {
        return size == 4 ? UINT32_MAX : (1u << (8 * size)) - 1;
    }
    return pci_bus_config_read(s->bus, devfn, reg, size);
}

static void conf_data_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    Q35Host *s = opaque;
    int devfn;
    uint32_t reg;

    if (conf_target(s, addr, &devfn, &reg)) {
        pci_bus_config_write(s->bus, devfn, reg, data, size);
    }
}

static const MemoryRegionOps conf_data_ops = {
    .read = conf_data_read,
    .write = conf_data_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 4},
};

/* ---- PCIEXBAR: ECAM (PCIe 4.0, 7.2.2), bus << 20 | devfn << 12 | register ---- */

static uint64_t ecam_read(void *opaque, hwaddr addr, unsigned size)
{
    Q35Host *s = opaque;

    if ((addr >> 20) != 0) {
        return size == 4 ? UINT32_MAX : (1u << (8 * size)) - 1;
    }
    return pci_bus_config_read(s->bus, (addr >> 12) & 0xff, addr & 0xfff, size);
}

static void ecam_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    Q35Host *s = opaque;

    if ((addr >> 20) == 0) {
        pci_bus_config_write(s->bus, (addr >> 12) & 0xff, addr & 0xfff, data, size);
    }
}

static const MemoryRegionOps ecam_ops = {
    .read = ecam_read,
    .write = ecam_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 4},
};

/* PCIEXBAR (0x60, 64 bits): bit 0 enable, bits 2:1 length (0: 256 MiB), base in 35:28. */
static void pciexbar_update(Q35Host *s)
{
    uint64_t bar = pci_get_long(s->mch->config + MCH_PCIEXBAR) |
                   ((uint64_t)pci_get_long(s->mch->config + MCH_PCIEXBAR + 4) << 32);

    if (s->ecam_mapped) {
        memory_region_del_subregion(s->sysmem, &s->ecam);
        s->ecam_mapped = false;
    }
    if (bar & 1) {
        if ((bar >> 1) & 3) {
            log_mask(LOG_UNIMP, "q35: PCIEXBAR length %d (only 256 buses)\n",
                     (int)((bar >> 1) & 3));
        }
        memory_region_add_subregion(s->sysmem, bar & 0xff0000000ULL, &s->ecam);
        s->ecam_mapped = true;
    }
}

/* ---- PAM ---- */

/* Segment i: 0 is 0xf0000 (64 KiB, PAM0 bits 5:4); 1..12 are 16 KiB from 0xc0000. */
static hwaddr pam_base(int i)
{
    return i == 0 ? 0xf0000 : 0xc0000 + (hwaddr)(i - 1) * 0x4000;
}

static uint8_t pam_bits(PCIDevice *mch, int i)
{
    uint8_t r = mch->config[MCH_PAM0 + (i == 0 ? 0 : (i + 1) / 2)];

    return (i == 0 || !(i & 1)) ? (r >> 4) & 3 : r & 3;
}

static void pam_update(Q35Host *s)
{
    for (int i = 0; i < MCH_PAM_SEGMENTS; i++) {
        memory_region_set_enabled(&s->pam[i], pam_bits(s->mch, i) != 0);
    }
}

static void mch_config_written(PCIDevice *dev, uint32_t addr, uint32_t val, unsigned len)
{
    Q35Host *s = MCH(dev)->host;

    if (s && addr < MCH_PAM0 + MCH_PAM_COUNT && addr + len > MCH_PAM0) {
        pam_update(s);
    }
    if (s && addr < MCH_PCIEXBAR + 8 && addr + len > MCH_PCIEXBAR) {
        pciexbar_update(s);
    }
}

static bool mch_realize(PCIDevice *dev, Error **errp)
{
    pci_set_long(dev->wmask + MCH_PCIEXBAR, 0xf0000007);
    pci_set_long(dev->wmask + MCH_PCIEXBAR + 4, 0xf);
    dev->wmask[MCH_PAM0] = 0x30;
    for (int i = 1; i < MCH_PAM_COUNT; i++) {
        dev->wmask[MCH_PAM0 + i] = 0x33;
    }
    return true;
}

static void mch_reset(PCIDevice *dev)
{
    memset(dev->config + MCH_PAM0, 0, MCH_PAM_COUNT);
    memset(dev->config + MCH_PCIEXBAR, 0, 8);
    mch_config_written(dev, MCH_PAM0, 0, MCH_PAM_COUNT);
    mch_config_written(dev, MCH_PCIEXBAR, 0, 8);
}

static void mch_class_init(ObjectClass *oc, void *data)
{
    PCIDeviceClass *pdc = PCI_DEVICE_CLASS(oc);

    DEVICE_CLASS(oc)->desc = "Q35 memory controller hub (00:00.0)";
    pdc->vendor_id = PCI_VENDOR_ID_INTEL;
    pdc->device_id = PCI_DEVICE_ID_INTEL_Q35_MCH;
    pdc->class_id = PCI_CLASS_BRIDGE_HOST;
    pdc->realize = mch_realize;
    pdc->reset = mch_reset;
    pdc->config_written = mch_config_written;
}

/* ---- the host ---- */

static void q35_pci_set_irq(void *opaque, int line, bool level)
{
    irq_set(Q35_HOST(opaque)->pirq[line], level);
}

/*
 * The ICH9's default D<slot>IR routing, as QEMU's q35 DSDT describes it: the chipset's
 * slots 25-31 send INTA..INTD to PIRQ A..D, every other slot rotates over PIRQ E..H.
 */
static int q35_pci_map_irq(PCIDevice *dev, int pin)
{
    int slot = PCI_SLOT(dev->devfn);

    return slot >= 25 ? pin : 4 + (slot + pin) % 4;
}

void q35_host_connect_pirq(Q35Host *s, int n, IRQState *irq)
{
    s->pirq[n] = irq;
}

static bool q35_host_realize(DeviceState *dev, Error **errp)
{
    Q35Host *s = Q35_HOST(dev);

    memory_region_init_io(&s->conf_addr, &conf_addr_ops, s, "pci-conf-idx", 4);
    memory_region_init_io(&s->conf_data, &conf_data_ops, s, "pci-conf-data", 4);
    memory_region_init_io(&s->ecam, &ecam_ops, s, "pcie-mmcfg", 256 * MiB);
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &s->conf_addr);
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &s->conf_data);
    return true;
}

Q35Host *q35_host_create(MemoryRegion *sysmem, MemoryRegion *ram, MemoryRegion *io,
                         MemoryRegion *pci_mem, Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_Q35_HOST);
    Q35Host *s = Q35_HOST(dev);
    DeviceState *mch;

    object_property_add_child(object_get_root(), "q35-pcihost", OBJECT(dev));
    if (!qdev_realize_and_unref(dev, errp)) {
        return NULL;
    }
    s->sysmem = sysmem;
    memory_region_add_subregion(io, 0xcf8, &s->conf_addr);
    memory_region_add_subregion(io, 0xcfc, &s->conf_data);
    s->bus = pci_root_bus_new(OBJECT(dev), "pcie.0", pci_mem, io, q35_pci_map_irq, q35_pci_set_irq,
                              s, Q35_NUM_PIRQS);
    for (int i = 0; i < MCH_PAM_SEGMENTS; i++) {
        char name[16];
        snprintf(name, sizeof(name), "pam-ram-%d", i);
        memory_region_init_alias(&s->pam[i], name, ram, pam_base(i), i == 0 ? 0x10000 : 0x4000);
        memory_region_set_enabled(&s->pam[i], false);
        memory_region_add_subregion_overlap(sysmem, pam_base(i), &s->pam[i], 2);
    }
    mch = qdev_new(TYPE_MCH_PCI_DEVICE);
    MCH(mch)->host = s;
    s->mch = PCI_DEVICE(mch);
    object_property_add_child(OBJECT(s->bus), "mch", OBJECT(mch));
    if (!qdev_realize_and_unref(mch, errp) || !pci_bus_plug(s->bus, PCI_DEVICE(mch), 0, errp)) {
        return NULL;
    }
    return s;
}

PCIBus *q35_host_bus(Q35Host *s)
{
    return s->bus;
}

static void q35_host_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "Q35 PCI host bridge";
    dc->realize = q35_host_realize;
}

static const TypeInfo q35_types[] = {
    {
        .name = TYPE_Q35_HOST,
        .parent = TYPE_SYS_BUS_DEVICE,
        .instance_size = sizeof(Q35Host),
        .class_init = q35_host_class_init,
    },
    {
        .name = TYPE_MCH_PCI_DEVICE,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(MCHState),
        .class_init = mch_class_init,
    },
};

static void q35_register_types(void)
{
    for (unsigned i = 0; i < ARRAY_SIZE(q35_types); i++) {
        type_register_static(&q35_types[i]);
    }
}

type_init(q35_register_types)
