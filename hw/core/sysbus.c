/*
 * System-bus devices (include/hw/core/sysbus.h): a device that declares MMIO
 * regions and outgoing interrupt lines, which the board then places in the
 * system address space and wires to an interrupt controller.
 */
#include "hw/core/sysbus.h"

#include <assert.h>
#include <inttypes.h>
#include <libfdt.h>

#include "system/device_tree.h"

#define SYSBUS_UNMAPPED ((hwaddr)-1)

void sysbus_init_mmio(SysBusDevice *dev, MemoryRegion *mr)
{
    assert(dev->num_mmio < SYSBUS_MAX_MMIO);
    dev->mmio[dev->num_mmio].addr = SYSBUS_UNMAPPED;
    dev->mmio[dev->num_mmio].memory = mr;
    dev->num_mmio++;
}

void sysbus_init_irq(SysBusDevice *dev, IRQState **p)
{
    assert(dev->num_irq < SYSBUS_MAX_IRQ);
    dev->irqp[dev->num_irq++] = p;
}

void sysbus_mmio_map(SysBusDevice *dev, int n, hwaddr addr)
{
    assert(n >= 0 && n < dev->num_mmio);
    if (dev->mmio[n].addr == addr) {
        return;
    }
    /* Remapping (e.g. a board moving a device) replaces the old mapping. */
    if (dev->mmio[n].addr != SYSBUS_UNMAPPED) {
        memory_region_del_subregion(get_system_memory(), dev->mmio[n].memory);
    }
    dev->mmio[n].addr = addr;
    memory_region_add_subregion(get_system_memory(), addr, dev->mmio[n].memory);
}

void sysbus_connect_irq(SysBusDevice *dev, int n, IRQState *irq)
{
    assert(n >= 0 && n < dev->num_irq);
    *dev->irqp[n] = irq;
}

MemoryRegion *sysbus_mmio_get_region(SysBusDevice *dev, int n)
{
    assert(n >= 0 && n < dev->num_mmio);
    return dev->mmio[n].memory;
}

DeviceState *sysbus_create_simple(const char *type, hwaddr addr, IRQState *irq, Error **errp)
{
    DeviceState *dev = qdev_new(type);
    SysBusDevice *sbd = SYS_BUS_DEVICE(dev);

    if (!qdev_realize_and_unref(dev, errp)) {
        return NULL;
    }
    if (sbd->num_mmio > 0) {
        sysbus_mmio_map(sbd, 0, addr);
    }
    if (sbd->num_irq > 0) {
        sysbus_connect_irq(sbd, 0, irq);
    }
    return dev;
}

static const TypeInfo sysbus_device_info = {
    .name = TYPE_SYS_BUS_DEVICE,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(SysBusDevice),
    .abstract = true,
};

static void sysbus_register_types(void)
{
    type_register_static(&sysbus_device_info);
}

type_init(sysbus_register_types)

int sysbus_fdt_parent(const DeviceFDTContext *ctx)
{
    return ctx->parent > 0 ? ctx->parent : dt_path_offset(ctx->fdt, ctx->parent_path);
}

int sysbus_fdt_add_node(const DeviceFDTContext *ctx, const char *prefix, const char *compat,
                        size_t compat_len, const FDTPropU32 *extra, int n_extra, Error **errp)
{
    const uint32_t reg[4] = {cpu_to_fdt32(ctx->base >> 32), cpu_to_fdt32(ctx->base),
                             cpu_to_fdt32(ctx->size >> 32), cpu_to_fdt32(ctx->size)};
    DeviceTree *fdt = ctx->fdt;
    char name[64];
    int node, err;

    snprintf(name, sizeof(name), "%s@%" PRIx64, prefix, ctx->base);
    node = sysbus_fdt_parent(ctx);
    node = node < 0 ? node : dt_add_subnode(fdt, node, name);
    err = node < 0 ? node : 0;
    err = err ?: dt_setprop(fdt, node, "compatible", compat, compat_len);
    err = err ?: dt_setprop(fdt, node, "reg", reg, sizeof(reg));
    for (int i = 0; i < n_extra; i++) {
        err = err ?: dt_setprop_u32(fdt, node, extra[i].name, extra[i].value);
    }
    if (ctx->irq_parent) {
        err = err ?: dt_setprop_u32(fdt, node, "interrupt-parent", ctx->irq_parent);
    }
    if (ctx->num_irqs > 0) {
        const uint32_t cells[2] = {cpu_to_fdt32(ctx->irqs[0]), cpu_to_fdt32(ctx->irq_type)};

        err = err ?: dt_setprop(fdt, node, "interrupts", cells, ctx->irq_type ? 8 : 4);
    }
    if (err) {
        error_setg(errp, "device tree node %s: %s", name, fdt_strerror(err));
        return -1;
    }
    return node;
}
