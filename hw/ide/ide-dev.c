/*
 * ide-device: what ide-hd and ide-cd share (QEMU's abstract TYPE_IDE_DEVICE): the drive=,
 * bus=, serial= and model= properties, and a realize that finds the -drive and the AHCI port
 * and attaches the two. A subclass says only whether it is an ATAPI drive (which may be
 * empty: no drive=) and its default model (IDEDeviceClass).
 */
#include "hw/ide/ahci.h"

typedef struct IDEDevice {
    DeviceState parent_obj;
    char *drive, *bus, *serial, *model;
    int64_t bootindex;
    AHCIPort *port;
} IDEDevice;

#define IDE_DEVICE(obj) OBJECT_CHECK(IDEDevice, (obj), TYPE_IDE_DEVICE)
#define IDE_DEVICE_GET_CLASS(obj) OBJECT_GET_CLASS(IDEDeviceClass, (obj), TYPE_IDE_DEVICE)

static bool ide_device_realize(DeviceState *dev, Error **errp)
{
    IDEDevice *s = IDE_DEVICE(dev);
    IDEDeviceClass *idc = IDE_DEVICE_GET_CLASS(dev);
    BlockBackend *blk = NULL;
    AHCIPort *port;
    char serial[21];

    if (!idc->atapi && (!s->drive || !*s->drive)) {
        error_setg(errp, "drive property not set");
        return false;
    }
    if (s->drive && *s->drive) {
        blk = blk_by_name(s->drive);
        if (!blk) {
            error_setg(errp, "drive '%s' not found", s->drive);
            return false;
        }
    }
    port = ahci_find_port(s->bus, errp);
    if (!port || (blk && !blk_attach_dev(blk, s, errp))) {
        return false;
    }
    /* QEMU numbers its default serials from 1 by the drive's place on the controller. */
    snprintf(serial, sizeof(serial), "QM%05d", port->index + 1);
    ahci_port_attach(port, blk, idc->atapi, s->serial ? s->serial : serial,
                     s->model ? s->model : idc->default_model);
    port->disk.bootindex = s->bootindex;
    s->port = port;
    return true;
}

static void ide_device_finalize(Object *obj)
{
    IDEDevice *s = IDE_DEVICE(obj);

    if (s->port) {
        if (s->port->disk.blk) { /* an ide-cd without drive= has none */
            blk_set_dev_ops(s->port->disk.blk, NULL, NULL);
            blk_detach_dev(s->port->disk.blk, s);
        }
        memset(&s->port->disk, 0, sizeof(s->port->disk));
    }
}

static const Property ide_device_props[] = {
    DEFINE_PROP("drive", PROP_STRING, IDEDevice, drive,
                .description = "the -drive id of the image (ide-cd without it: an empty drive)"),
    DEFINE_PROP("bus", PROP_STRING, IDEDevice, bus,
                .description = "the AHCI port (ahci.0 with id=ahci, else ide.0); default: free"),
    DEFINE_PROP("serial", PROP_STRING, IDEDevice, serial,
                .description = "IDENTIFY serial number (20 characters)"),
    DEFINE_PROP("model", PROP_STRING, IDEDevice, model,
                .description = "IDENTIFY model (40 characters)"),
    DEFINE_PROP("bootindex", PROP_INT, IDEDevice, bootindex, .defval.i = -1,
                .description = "place in the firmware's boot order (lowest first), -1: none"),
    DEFINE_PROP_END,
};

static void ide_device_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->user_creatable = true;
    dc->realize = ide_device_realize;
    object_class_add_props(oc, ide_device_props);
}

static const TypeInfo ide_device_info = {
    .name = TYPE_IDE_DEVICE,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(IDEDevice),
    .class_size = sizeof(IDEDeviceClass),
    .abstract = true,
    .instance_finalize = ide_device_finalize,
    .class_init = ide_device_class_init,
};

static void ide_device_register_types(void)
{
    type_register_static(&ide_device_info);
}

type_init(ide_device_register_types)
