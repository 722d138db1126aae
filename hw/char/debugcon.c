/*
 * The ISA debug console (contract in include/hw/char/debugcon.h): a write of
 * any size sends its low byte to the chardev; a read returns "readback". No
 * interrupt, no input. Bytes are written whole or dropped when the backend is
 * busy (char_fe_write_all), which is what a debug log wants.
 */
#include "hw/char/debugcon.h"

#include "chardev/char.h"

typedef struct DebugconState {
    SysBusDevice parent_obj;
    MemoryRegion io;
    CharBackend chr;
    char *chardev_id;
    uint32_t iobase;
    uint32_t readback;
} DebugconState;

#define DEBUGCON(obj) OBJECT_CHECK(DebugconState, (obj), TYPE_ISA_DEBUGCON)

static uint64_t debugcon_read(void *opaque, hwaddr addr, unsigned size)
{
    return DEBUGCON(opaque)->readback;
}

static void debugcon_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    DebugconState *s = opaque;
    uint8_t c = data;

    char_fe_write_all(&s->chr, &c, 1);
}

static const MemoryRegionOps debugcon_ops = {
    .read = debugcon_read,
    .write = debugcon_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 4},
};

static bool debugcon_realize(DeviceState *dev, Error **errp)
{
    DebugconState *s = DEBUGCON(dev);
    Chardev *chr = NULL;

    if (s->iobase > 0xffff) {
        error_setg(errp, "isa-debugcon: iobase 0x%x is not an I/O port", s->iobase);
        return false;
    }
    if (s->chardev_id && !(chr = chardev_find(s->chardev_id))) {
        error_setg(errp, "isa-debugcon: no chardev with id '%s'", s->chardev_id);
        return false;
    }
    if (!char_fe_init(&s->chr, chr, errp)) {
        return false;
    }
    memory_region_init_io(&s->io, &debugcon_ops, s, TYPE_ISA_DEBUGCON, 1);
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &s->io);
    return true;
}

uint32_t debugcon_iobase(DeviceState *dev)
{
    return DEBUGCON(dev)->iobase;
}

static const Property debugcon_properties[] = {
    DEFINE_PROP_STRING("chardev", DebugconState, chardev_id),
    DEFINE_PROP_UINT32("iobase", DebugconState, iobase, 0xe9),
    DEFINE_PROP_UINT32("readback", DebugconState, readback, 0xe9),
    DEFINE_PROP_END,
};

static void debugcon_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "ISA debug console (an I/O port to a chardev)";
    dc->realize = debugcon_realize;
    dc->user_creatable = true;
    object_class_add_props(oc, debugcon_properties);
}

static const TypeInfo debugcon_info = {
    .name = TYPE_ISA_DEBUGCON,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(DebugconState),
    .class_init = debugcon_class_init,
};

static void debugcon_register_types(void)
{
    type_register_static(&debugcon_info);
}

type_init(debugcon_register_types)
