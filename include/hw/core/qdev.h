/*
 * Devices: objects with a lifecycle
 *     instance_init (no side effects) -> properties set -> realize(errp) -> reset
 * plus GPIO lines (incoming IRQState handlers and outgoing IRQState pointers)
 * and a hook through which a device writes its own device-tree node.
 */
#ifndef HW_CORE_QDEV_H
#define HW_CORE_QDEV_H

#include "common.h"
#include "hw/core/irq.h"
#include "qom/object.h"

#define TYPE_DEVICE "device"

typedef struct DeviceState DeviceState;
typedef struct DeviceTree DeviceTree;

/* Where the board placed a device, for its device-tree node (see DeviceClass.fdt_populate). */
typedef struct DeviceFDTContext {
    DeviceTree *fdt;         /* the tree being built (include/system/device_tree.h) */
    const char *parent_path; /* e.g. "/soc" */
    int parent;              /* parent_path's node if > 0 (0: look it up); sysbus_fdt_parent() */
    hwaddr base, size;       /* MMIO window of region 0 */
    uint32_t irq_parent;     /* phandle of the interrupt controller (0 = none) */
    const uint32_t *irqs;    /* interrupt numbers at irq_parent */
    int num_irqs;
    uint32_t irq_type; /* nonzero: a second cell after each interrupt number (its trigger) */
    const uint32_t *hart_intc_phandles; /* per-hart "riscv,cpu-intc" phandles */
    int num_harts;
    uint32_t phandle;    /* phandle to give the node (0 = none needed) */
    uint32_t msi_parent; /* phandle of the MSI controller its devices write to (0 = none) */
} DeviceFDTContext;

typedef struct DeviceClass {
    ObjectClass parent_class;
    const char *desc;    /* one line for -device help */
    bool user_creatable; /* may be created with -device */
    bool (*realize)(DeviceState *dev, Error **errp);
    void (*reset)(DeviceState *dev);
    /* Write the device's node under ctx->parent_path; false + errp on failure. */
    bool (*fdt_populate)(DeviceState *dev, const DeviceFDTContext *ctx, Error **errp);
    /* An interrupt controller's per-line counts of requests ("info irq", QEMU's
     * InterruptStatsProvider): *counts points into the device, *n lines. NULL: none. */
    void (*get_irq_stats)(DeviceState *dev, const uint64_t **counts, unsigned *n);
    /* The device's machine state for savevm/loadvm (include/migration/vmstate.h); NULL: none. */
    const struct VMStateDescription *vmsd;
} DeviceClass;

struct DeviceState {
    Object parent_obj;
    char *id; /* -device ...,id=X */
    bool realized;
    IRQState **gpio_in;
    int num_gpio_in;
    IRQState ***gpio_out; /* pointers to the device's own IRQState * fields */
    int num_gpio_out;
};

#define DEVICE(obj) OBJECT_CHECK(DeviceState, (obj), TYPE_DEVICE)
#define DEVICE_CLASS(oc) OBJECT_CLASS_CHECK(DeviceClass, (oc), TYPE_DEVICE)
#define DEVICE_GET_CLASS(obj) OBJECT_GET_CLASS(DeviceClass, (obj), TYPE_DEVICE)

/* A new unrealized device (caller owns the reference). Aborts on unknown type (a bug). */
DeviceState *qdev_new(const char *type);
/*
 * Realize: check properties and acquire resources. If the device has no parent
 * in the composition tree it is added under /machine/unattached. Then reset.
 */
bool qdev_realize(DeviceState *dev, Error **errp) WARN_UNUSED_RESULT;
/* qdev_realize, then drop the caller's reference (the tree keeps the device). */
bool qdev_realize_and_unref(DeviceState *dev, Error **errp) WARN_UNUSED_RESULT;

/* Incoming lines 0..n-1 calling handler(dev, line, level). */
void qdev_init_gpio_in(DeviceState *dev, IRQHandler handler, int n);
IRQState *qdev_get_gpio_in(DeviceState *dev, int n);
/* Outgoing lines: pins[i] are the device's IRQState * fields, initially NULL. */
void qdev_init_gpio_out(DeviceState *dev, IRQState **pins, int n);
void qdev_connect_gpio_out(DeviceState *dev, int n, IRQState *irq);

void device_reset(DeviceState *dev);
/* Reset every realized device under root (the machine), children first. */
void qdev_reset_all(Object *root);
/*
 * -device DRIVER[,id=ID][,prop=value...]: create a user-creatable device, set its
 * properties by name, realize it and plug it into the board (MachineClass.device_plug).
 * NULL + errp (naming the option) on any failure.
 */
DeviceState *qdev_device_add(const char *optstr, Error **errp);
/* Print "name  (desc)" for each user-creatable device type, for -device help. */
void qdev_print_device_help(FILE *out);

#endif
