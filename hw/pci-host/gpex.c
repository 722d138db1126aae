/*
 * The generic PCI Express host bridge, as QEMU's "gpex-pcihost" and Linux's
 * "pci-host-ecam-generic" binding (Documentation/devicetree/bindings/pci/
 * host-generic-pci.yaml).
 *
 * ECAM (PCIe 4.0, 7.2.2 "PCI Express Enhanced Configuration Access
 * Mechanism"): the configuration space of bus B, device D, function F sits at
 *     ecam_base + (B << 20 | D << 15 | F << 12) + register
 * Accesses of 1, 2 and 4 bytes, naturally aligned. Only bus 0 exists (no
 * bridges), so any other bus reads all-ones like an empty slot.
 *
 * Windows: the bus's memory space is mapped 1:1 (bus address = CPU address) at
 * the 32-bit and 64-bit MMIO windows; I/O space 0..pio_size-1 appears at
 * pio_base. Interrupts: device slot S's pin P (0 = INTA) drives host line
 * (S + P) % 4, the swizzle the device tree's interrupt-map describes.
 */
#include "hw/pci-host/gpex.h"

#include <inttypes.h>
#include <libfdt.h>

#include "migration/vmstate.h"
#include "system/device_tree.h"
#include "util/log.h"

#define ECAM_BUS(addr) (((addr) >> 20) & 0xff)
#define ECAM_DEVFN(addr) (((addr) >> 12) & 0xff)
#define ECAM_REG(addr) ((addr)&0xfff)

/* ---- ECAM ---- */

static uint64_t gpex_ecam_read(void *opaque, hwaddr addr, unsigned size)
{
    GPEXHost *s = opaque;

    if (ECAM_BUS(addr) != 0) {
        return size == 4 ? UINT32_MAX : (1u << (8 * size)) - 1;
    }
    return pci_bus_config_read(s->bus, ECAM_DEVFN(addr), ECAM_REG(addr), size);
}

static void gpex_ecam_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    GPEXHost *s = opaque;

    if (ECAM_BUS(addr) != 0) {
        return;
    }
    pci_bus_config_write(s->bus, ECAM_DEVFN(addr), ECAM_REG(addr), data, size);
}

static const MemoryRegionOps gpex_ecam_ops = {
    .read = gpex_ecam_read,
    .write = gpex_ecam_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 4},
};

/* ---- INTx ---- */

static int gpex_map_irq(PCIDevice *dev, int pin)
{
    return (PCI_SLOT(dev->devfn) + pin) % GPEX_NUM_IRQS;
}

static void gpex_set_irq(void *opaque, int line, bool level)
{
    GPEXHost *s = opaque;

    irq_set(s->irq[line], level);
}

/* ---- realize ---- */

static void gpex_instance_init(Object *obj)
{
    GPEXHost *s = GPEX_HOST(obj);

    for (int i = 0; i < GPEX_NUM_IRQS; i++) {
        sysbus_init_irq(SYS_BUS_DEVICE(obj), &s->irq[i]);
    }
}

static bool gpex_realize(DeviceState *dev, Error **errp)
{
    GPEXHost *s = GPEX_HOST(dev);

    /* The bus spaces cover every bus address; the windows show parts of them. */
    memory_region_init(&s->pci_mem, "pcie-mmio", UINT64_MAX);
    memory_region_init(&s->pci_io, "pcie-io", 0x10000);
    memory_region_init_io(&s->ecam, &gpex_ecam_ops, s, "pcie-ecam", s->cfg.ecam_size);
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &s->ecam);
    s->bus = pci_root_bus_new(OBJECT(dev), "pcie.0", &s->pci_mem, &s->pci_io, gpex_map_irq,
                              gpex_set_irq, s, GPEX_NUM_IRQS);
    return true;
}

static void gpex_map_windows(GPEXHost *s)
{
    MemoryRegion *sysmem = get_system_memory();
    const GPEXConfig *c = &s->cfg;

    memory_region_init_alias(&s->mmio32_window, "pcie-mmio-low", &s->pci_mem, c->mmio32_base,
                             c->mmio32_size);
    memory_region_add_subregion(sysmem, c->mmio32_base, &s->mmio32_window);
    if (c->mmio64_size) {
        memory_region_init_alias(&s->mmio64_window, "pcie-mmio-high", &s->pci_mem, c->mmio64_base,
                                 c->mmio64_size);
        memory_region_add_subregion(sysmem, c->mmio64_base, &s->mmio64_window);
    }
    memory_region_init_alias(&s->pio_window, "pcie-pio", &s->pci_io, 0, c->pio_size);
    memory_region_add_subregion(sysmem, c->pio_base, &s->pio_window);
}

/* ---- device tree (QEMU virt's /soc/pci@30000000) ---- */

/* interrupt-map: for slots 0..3 (the mask repeats them) and pins INTA..INTD, the line. */
static bool gpex_fdt_irq_map(DeviceTree *fdt, int node, const DeviceFDTContext *ctx)
{
    /* child unit address (3), child pin, parent phandle, parent irq (and its trigger) */
    enum { MAX_CELLS = 7 };
    int cells = ctx->irq_type ? MAX_CELLS : MAX_CELLS - 1;
    uint32_t map[GPEX_NUM_IRQS * PCI_NUM_PINS * MAX_CELLS];
    const uint32_t mask[4] = {cpu_to_fdt32(PCI_DEVFN(3, 0) << 8), 0, 0, cpu_to_fdt32(7)};
    uint32_t *p = map;

    for (int slot = 0; slot < GPEX_NUM_IRQS; slot++) {
        for (int pin = 0; pin < PCI_NUM_PINS; pin++) {
            p[0] = cpu_to_fdt32(PCI_DEVFN(slot, 0) << 8);
            p[1] = p[2] = 0;
            p[3] = cpu_to_fdt32(pin + 1);
            p[4] = cpu_to_fdt32(ctx->irq_parent);
            p[5] = cpu_to_fdt32(ctx->irqs[0] + (slot + pin) % GPEX_NUM_IRQS);
            if (ctx->irq_type) {
                p[6] = cpu_to_fdt32(ctx->irq_type);
            }
            p += cells;
        }
    }
    return dt_setprop(fdt, node, "interrupt-map", map, (p - map) * sizeof(uint32_t)) == 0 &&
           dt_setprop(fdt, node, "interrupt-map-mask", mask, sizeof(mask)) == 0;
}

/* One ranges entry: PCI space code and address (3 cells), CPU address (2), size (2). */
static uint32_t *gpex_fdt_range(uint32_t *p, uint32_t space, uint64_t bus_addr, hwaddr cpu,
                                uint64_t size)
{
    const uint32_t cells[7] = {space, bus_addr >> 32, bus_addr, cpu >> 32, cpu, size >> 32, size};

    for (int i = 0; i < 7; i++) {
        p[i] = cpu_to_fdt32(cells[i]);
    }
    return p + 7;
}

static bool gpex_fdt_ranges(GPEXHost *s, DeviceTree *fdt, int node)
{
    const GPEXConfig *c = &s->cfg;
    uint32_t ranges[3 * 7], *p = ranges;

    p = gpex_fdt_range(p, 0x01000000, 0, c->pio_base, c->pio_size);
    p = gpex_fdt_range(p, 0x02000000, c->mmio32_base, c->mmio32_base, c->mmio32_size);
    if (c->mmio64_size) {
        p = gpex_fdt_range(p, 0x03000000, c->mmio64_base, c->mmio64_base, c->mmio64_size);
    }
    return dt_setprop(fdt, node, "ranges", ranges, (p - ranges) * sizeof(*p)) == 0;
}

static bool gpex_fdt_populate(DeviceState *dev, const DeviceFDTContext *ctx, Error **errp)
{
    GPEXHost *s = GPEX_HOST(dev);
    const uint32_t bus_range[2] = {0, cpu_to_fdt32(ECAM_BUS(s->cfg.ecam_size - 1))};
    const uint64_t reg[2] = {cpu_to_fdt64(s->cfg.ecam_base), cpu_to_fdt64(s->cfg.ecam_size)};
    DeviceTree *fdt = ctx->fdt;
    char name[64];
    int node;
    bool ok;

    snprintf(name, sizeof(name), "pci@%" PRIx64, s->cfg.ecam_base);
    node = sysbus_fdt_parent(ctx);
    node = node < 0 ? node : dt_add_subnode(fdt, node, name);
    /* Each new property goes in front: written in reverse of the order a dump shows. */
    ok = node >= 0 && dt_setprop_u32(fdt, node, "#address-cells", 3) == 0 &&
         dt_setprop_u32(fdt, node, "#interrupt-cells", 1) == 0 &&
         dt_setprop_u32(fdt, node, "#size-cells", 2) == 0 &&
         dt_setprop_string(fdt, node, "compatible", "pci-host-ecam-generic") == 0 &&
         dt_setprop_string(fdt, node, "device_type", "pci") == 0 &&
         dt_setprop_u32(fdt, node, "linux,pci-domain", 0) == 0 &&
         dt_setprop(fdt, node, "bus-range", bus_range, sizeof(bus_range)) == 0 &&
         dt_setprop(fdt, node, "dma-coherent", NULL, 0) == 0 &&
         (!ctx->msi_parent || dt_setprop_u32(fdt, node, "msi-parent", ctx->msi_parent) == 0) &&
         dt_setprop(fdt, node, "reg", reg, sizeof(reg)) == 0 && gpex_fdt_ranges(s, fdt, node) &&
         (!ctx->irq_parent || gpex_fdt_irq_map(fdt, node, ctx));
    if (!ok) {
        error_setg(errp, "device tree node %s: %s", name,
                   fdt_strerror(node < 0 ? node : -FDT_ERR_NOSPACE));
    }
    return ok;
}

/* ---- the host bridge's own function, 00:00.0 ---- */

static void gpex_root_class_init(ObjectClass *oc, void *data)
{
    PCIDeviceClass *pdc = PCI_DEVICE_CLASS(oc);

    DEVICE_CLASS(oc)->desc = "Host bridge of the generic PCIe host";
    pdc->vendor_id = PCI_VENDOR_ID_REDHAT;
    pdc->device_id = 0x0008; /* QEMU's PCIe host bridge */
    pdc->class_id = PCI_CLASS_BRIDGE_HOST;
}

static const TypeInfo gpex_root_info = {
    .name = TYPE_GPEX_ROOT_DEVICE,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(PCIDevice),
    .class_init = gpex_root_class_init,
};

/* ---- the host ---- */

GPEXHost *gpex_create(const GPEXConfig *cfg, IRQState *const irqs[GPEX_NUM_IRQS], Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_GPEX_HOST);
    GPEXHost *s = GPEX_HOST(dev);
    DeviceState *root;

    s->cfg = *cfg;
    if (!qdev_realize_and_unref(dev, errp)) {
        return NULL;
    }
    sysbus_mmio_map(SYS_BUS_DEVICE(dev), 0, cfg->ecam_base);
    gpex_map_windows(s);
    for (int i = 0; i < GPEX_NUM_IRQS; i++) {
        sysbus_connect_irq(SYS_BUS_DEVICE(dev), i, irqs[i]);
    }
    root = qdev_new(TYPE_GPEX_ROOT_DEVICE);
    object_property_add_child(OBJECT(s->bus), "gpex-root", OBJECT(root));
    if (!qdev_realize_and_unref(root, errp) || !pci_bus_plug(s->bus, PCI_DEVICE(root), 0, errp)) {
        return NULL;
    }
    return s;
}

/* ---- machine state (savevm) ---- */

/* The host has no registers of its own; its INTx lines follow the loaded devices. */
static bool gpex_post_load(void *opaque, int version_id, Error **errp)
{
    pci_bus_reroute_irqs(GPEX_HOST(opaque)->bus);
    return true;
}

static const VMStateDescription vmstate_gpex = {
    .name = "gpex-pcihost",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = gpex_post_load,
    .fields = (const VMStateField[]){VMSTATE_END_OF_LIST()},
};

static void gpex_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "generic PCI Express host bridge (ECAM)";
    dc->realize = gpex_realize;
    dc->fdt_populate = gpex_fdt_populate;
    dc->vmsd = &vmstate_gpex;
}

static const TypeInfo gpex_host_info = {
    .name = TYPE_GPEX_HOST,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(GPEXHost),
    .instance_init = gpex_instance_init,
    .class_init = gpex_class_init,
};

static void gpex_register_types(void)
{
    type_register_static(&gpex_host_info);
    type_register_static(&gpex_root_info);
}

type_init(gpex_register_types)
