/*
 * System-bus devices: devices with MMIO regions mapped into the system
 * address space and numbered outgoing interrupt lines.
 */
#ifndef HW_CORE_SYSBUS_H
#define HW_CORE_SYSBUS_H

#include "hw/core/qdev.h"
#include "system/memory.h"

#define TYPE_SYS_BUS_DEVICE "sys-bus-device"
#define SYSBUS_MAX_MMIO 8
#define SYSBUS_MAX_IRQ 64

typedef struct SysBusDevice {
    DeviceState parent_obj;
    int num_mmio;
    struct {
        hwaddr addr; /* where mapped, or (hwaddr)-1 */
        MemoryRegion *memory;
    } mmio[SYSBUS_MAX_MMIO];
    int num_irq;
    IRQState **irqp[SYSBUS_MAX_IRQ]; /* the device's own IRQState * fields */
} SysBusDevice;

#define SYS_BUS_DEVICE(obj) OBJECT_CHECK(SysBusDevice, (obj), TYPE_SYS_BUS_DEVICE)

/* From realize/instance_init: declare MMIO region n (in call order) and outgoing irq n. */
void sysbus_init_mmio(SysBusDevice *dev, MemoryRegion *mr);
void sysbus_init_irq(SysBusDevice *dev, IRQState **p);
/* From the board: map region n into system memory at addr; connect irq n. */
void sysbus_mmio_map(SysBusDevice *dev, int n, hwaddr addr);
void sysbus_connect_irq(SysBusDevice *dev, int n, IRQState *irq);
MemoryRegion *sysbus_mmio_get_region(SysBusDevice *dev, int n);
/* A device-specific u32 property of a node written by sysbus_fdt_add_node. */
typedef struct FDTPropU32 {
    const char *name;
    uint32_t value;
} FDTPropU32;

/* The offset of ctx's parent node: ctx->parent if the board gave it, else parent_path's. */
int sysbus_fdt_parent(const DeviceFDTContext *ctx);

/*
 * The usual device-tree node of an MMIO device, as QEMU's virt writes it:
 * "<prefix>@<base>" under ctx->parent_path with compatible (compat_len bytes: a
 * NUL-separated list), reg, the extra u32 properties (n_extra of them), then
 * interrupt-parent and interrupts when the board wired an interrupt. Returns the node
 * offset, or -1 with errp naming the node.
 */
int sysbus_fdt_add_node(const DeviceFDTContext *ctx, const char *prefix, const char *compat,
                        size_t compat_len, const FDTPropU32 *extra, int n_extra, Error **errp);

/*
 * qdev_new + realize + map region 0 at addr + connect irq 0 (may be NULL); NULL + errp if
 * realize fails.
 */
DeviceState *sysbus_create_simple(const char *type, hwaddr addr, IRQState *irq, Error **errp);

#endif
