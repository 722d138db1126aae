/*
 * The USB core: buses and their ports, placing -device usb-* on a port, the
 * standard device requests (USB 2.0 9.4) answered from the device's
 * descriptors, and the abstract TYPE_USB_DEVICE.
 *
 * Buses are found by walking the machine's composition tree depth first in
 * creation order (children are kept in insertion order), so "the first bus"
 * is the first controller created, as in QEMU, without a file-scope list.
 */
#include <errno.h>

#include "hw/usb/usb.h"
#include "util/log.h"

void usb_setup_decode(USBSetup *setup, const uint8_t raw[8])
{
    setup->request_type = raw[0];
    setup->request = raw[1];
    setup->value = raw[2] | (raw[3] << 8);
    setup->index = raw[4] | (raw[5] << 8);
    setup->length = raw[6] | (raw[7] << 8);
}

/* ---- buses ---- */

USBBus *usb_bus_new(Object *parent, const char *name, USBPort *ports, int nports,
                    char *(*location)(USBBus *bus))
{
    USBBus *bus = USB_BUS(object_new(TYPE_USB_BUS));

    bus->ports = ports;
    bus->nports = nports;
    for (int i = 0; i < nports; i++) {
        ports[i].bus = OBJECT(bus);
    }
    bus->location = location;
    object_property_add_child(parent, name, OBJECT(bus));
    object_unref(OBJECT(bus));
    return bus;
}

typedef struct BusSearch {
    const char *name; /* NULL: the first bus */
    USBBus *found;
    int count;
} BusSearch;

static void bus_search(Object *obj, void *opaque)
{
    BusSearch *s = opaque;

    if (object_dynamic_cast(obj, TYPE_USB_BUS)) {
        if (!s->found && (!s->name || !strcmp(obj->name, s->name))) {
            s->found = USB_BUS(obj);
        }
        s->count++;
    }
    object_child_foreach(obj, bus_search, s);
}

static USBBus *usb_bus_find(const char *name, int *count)
{
    BusSearch s = {name, NULL, 0};

    object_child_foreach(object_get_root(), bus_search, &s);
    if (count) {
        *count = s.count;
    }
    return s.found;
}

char *usb_bus_next_name(const char *controller_id)
{
    int count;

    if (controller_id) {
        return xasprintf("%s.0", controller_id);
    }
    usb_bus_find(NULL, &count);
    return xasprintf("usb-bus.%d", count);
}

bool usb_bus_exists(void)
{
    return usb_bus_find(NULL, NULL) != NULL;
}

typedef struct InfoWalk {
    FILE *out;
    int busnr;
} InfoWalk;

static void usb_info_bus(Object *obj, void *opaque)
{
    static const char *const speeds[] = {"1.5", "12", "480", "5000"};
    InfoWalk *w = opaque;

    if (object_dynamic_cast(obj, TYPE_USB_BUS)) {
        USBBus *bus = USB_BUS(obj);

        for (int i = 0; i < bus->nports; i++) {
            USBDevice *dev = bus->ports[i].dev;
            const USBDesc *d = dev ? USB_DEVICE_GET_CLASS(dev)->desc : NULL;
            const char *id = dev ? DEVICE(dev)->id : NULL;

            if (dev) {
                fprintf(w->out, "  Device %d.%d, Port %d, Speed %s Mb/s, Product %s%s%s\n",
                        w->busnr, dev->addr, bus->ports[i].index, speeds[bus->ports[i].speed],
                        d->strings[d->i_product], id ? ", ID: " : "", id ? id : "");
            }
        }
        w->busnr++;
    }
    object_child_foreach(obj, usb_info_bus, w);
}

void usb_info_print_all(FILE *out)
{
    InfoWalk w = {out, 0};

    object_child_foreach(object_get_root(), usb_info_bus, &w);
}

/* ---- placing devices ---- */

static USBPort *usb_port_pick(USBBus *bus, USBDevice *dev, Error **errp)
{
    const char *name = OBJECT(bus)->name;
    char *end;
    long n;

    if (!dev->port_name) {
        for (int i = 0; i < bus->nports; i++) {
            if (!bus->ports[i].dev) {
                return &bus->ports[i];
            }
        }
        error_setg(errp, "Failed to attach usb device: no free port on bus %s", name);
        return NULL;
    }
    errno = 0;
    n = strtol(dev->port_name, &end, 10);
    if (errno || *end || end == dev->port_name || n < 1 || n > bus->nports ||
        bus->ports[n - 1].dev) {
        error_setg(errp, "usb port %s (bus %s) not found (in use?)", dev->port_name, name);
        return NULL;
    }
    return &bus->ports[n - 1];
}

bool usb_device_plug(USBDevice *dev, Error **errp)
{
    USBBus *bus = usb_bus_find(dev->bus_name, NULL);
    USBPort *port;

    if (!bus) {
        if (dev->bus_name) {
            error_setg(errp, "Bus '%s' not found", dev->bus_name);
        } else {
            error_setg(errp, "No 'usb-bus' bus found for device '%s'",
                       object_get_typename(OBJECT(dev)));
        }
        return false;
    }
    port = usb_port_pick(bus, dev, errp);
    if (!port) {
        return false;
    }
    free(dev->serial);
    dev->serial = NULL;
    port->dev = dev;
    dev->port = port;
    usb_device_reset(dev);
    if (port->ops && port->ops->attach) {
        port->ops->attach(port);
    }
    return true;
}

bool usb_device_add_legacy(const char *name, bool machine_usb, Error **errp)
{
    static const char *const names[][2] = {
        {"mouse", "usb-mouse"},
        {"tablet", "usb-tablet"},
        {"keyboard", "usb-kbd"},
    };
    const char *type = NULL;
    DeviceState *dev;
    bool ok;

    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        type = strcmp(name, names[i][0]) ? type : names[i][1];
    }
    if (!type || !usb_bus_exists()) {
        error_setg(errp, "-usbdevice %s: could not add USB device '%s'%s", name, name,
                   type && !machine_usb ? " (no usb bus to attach it: please try -machine usb=on "
                                          "and check that the machine model supports USB)"
                                        : "");
        return false;
    }
    dev = qdev_new(type);
    ok = qdev_realize(dev, errp) && usb_device_plug(USB_DEVICE(dev), errp);
    if (!ok) {
        object_unparent(OBJECT(dev));
    }
    object_unref(OBJECT(dev));
    return ok;
}

void usb_device_wakeup(USBDevice *dev, int ep)
{
    if (dev->port && dev->port->ops && dev->port->ops->wakeup) {
        dev->port->ops->wakeup(dev->port, ep);
    }
}

/* ---- requests ---- */

/* "<the device's serial>-<controller location>-<port>", made when first asked. */
static const char *usb_device_serial(USBDevice *dev)
{
    const USBDesc *d = USB_DEVICE_GET_CLASS(dev)->desc;
    USBBus *bus;
    char *where;

    if (dev->serial || !d->i_serial || !dev->port) {
        return dev->serial;
    }
    bus = USB_BUS(dev->port->bus);
    where = bus->location ? bus->location(bus) : xstrdup("0");
    dev->serial = xasprintf("%s-%s-%d", d->strings[d->i_serial], where, dev->port->index);
    free(where);
    return dev->serial;
}

void usb_device_reset(USBDevice *dev)
{
    USBDeviceClass *udc = USB_DEVICE_GET_CLASS(dev);

    dev->addr = 0;
    dev->config = 0;
    dev->remote_wakeup = false;
    if (udc->handle_reset) {
        udc->handle_reset(dev);
    }
}

static int usb_get_status(USBDevice *dev, const USBSetup *s, uint8_t *data)
{
    const USBDesc *desc = USB_DEVICE_GET_CLASS(dev)->desc;
    uint16_t status = 0;

    if ((s->request_type & USB_RECIP_MASK) == USB_RECIP_DEVICE) {
        status = dev->remote_wakeup ? 2 : 0; /* bus powered: bit 0 clear */
    } else if ((s->request_type & USB_RECIP_MASK) == USB_RECIP_ENDPOINT && (s->index & 0x7f) &&
               !usb_desc_find_endpoint(desc, s->index)) {
        return USB_RET_STALL;
    }
    data[0] = status & 0xff;
    data[1] = status >> 8;
    return MIN(s->length, 2);
}

/* usb_standard_request's answer for a request it leaves to the device class. */
#define USB_NOT_STANDARD (-3)

static int usb_standard_request(USBDevice *dev, const USBSetup *s, uint8_t *data)
{
    const USBDesc *desc = USB_DEVICE_GET_CLASS(dev)->desc;
    uint16_t req = (s->request_type << 8) | s->request;
    int n;

    switch (req) {
    case (USB_DIR_IN << 8) | USB_REQ_GET_DESCRIPTOR:
        n = usb_desc_get(desc, s->value >> 8, s->value & 0xff, usb_device_serial(dev), data,
                         s->length);
        return n < 0 ? USB_RET_STALL : n;
    case USB_REQ_SET_ADDRESS:
        if (s->value > 127) {
            return USB_RET_STALL;
        }
        dev->addr = s->value;
        return 0;
    case (USB_DIR_IN << 8) | USB_REQ_GET_CONFIGURATION:
        data[0] = dev->config;
        return MIN(s->length, 1);
    case USB_REQ_SET_CONFIGURATION:
        if (s->value > 1) {
            return USB_RET_STALL;
        }
        dev->config = s->value;
        return 0;
    case (USB_DIR_IN << 8) | USB_REQ_GET_STATUS:
    case ((USB_DIR_IN | USB_RECIP_INTERFACE) << 8) | USB_REQ_GET_STATUS:
    case ((USB_DIR_IN | USB_RECIP_ENDPOINT) << 8) | USB_REQ_GET_STATUS:
        return usb_get_status(dev, s, data);
    case USB_REQ_SET_FEATURE:
    case USB_REQ_CLEAR_FEATURE:
        if (s->value != USB_FEATURE_REMOTE_WAKEUP) {
            return USB_RET_STALL;
        }
        dev->remote_wakeup = s->request == USB_REQ_SET_FEATURE;
        return 0;
    case (USB_RECIP_ENDPOINT << 8) | USB_REQ_CLEAR_FEATURE: /* ENDPOINT_HALT: never halted */
    case (USB_RECIP_ENDPOINT << 8) | USB_REQ_SET_FEATURE:
        return 0;
    case ((USB_DIR_IN | USB_RECIP_INTERFACE) << 8) | USB_REQ_GET_INTERFACE:
        if (s->index >= desc->num_ifaces) {
            return USB_RET_STALL;
        }
        data[0] = 0;
        return MIN(s->length, 1);
    case (USB_RECIP_INTERFACE << 8) | USB_REQ_SET_INTERFACE:
        return s->index < desc->num_ifaces && s->value == 0 ? 0 : USB_RET_STALL;
    default:
        return USB_NOT_STANDARD;
    }
}

int usb_device_control(USBDevice *dev, const USBSetup *setup, uint8_t *data)
{
    USBDeviceClass *udc = USB_DEVICE_GET_CLASS(dev);
    int ret = usb_standard_request(dev, setup, data);

    if (ret == USB_NOT_STANDARD) {
        ret = udc->handle_control ? udc->handle_control(dev, setup, data) : USB_RET_STALL;
    }
    if (ret == USB_RET_STALL) {
        log_mask(LOG_GUEST_ERROR,
                 "%s: stall: request type 0x%02x request 0x%02x value 0x%04x index 0x%04x\n",
                 object_get_typename(OBJECT(dev)), setup->request_type, setup->request,
                 setup->value, setup->index);
    }
    return ret;
}

int usb_device_data(USBDevice *dev, int ep, bool in, uint8_t *data, int len)
{
    USBDeviceClass *udc = USB_DEVICE_GET_CLASS(dev);

    if (!dev->config || !usb_desc_find_endpoint(udc->desc, ep | (in ? USB_DIR_IN : 0)) ||
        !udc->handle_data) {
        return USB_RET_STALL;
    }
    return udc->handle_data(dev, ep, in, data, len);
}

/* ---- types ---- */

static const Property usb_device_props[] = {
    DEFINE_PROP("bus", PROP_STRING, USBDevice, bus_name,
                .description = "the USB bus (e.g. usb-bus.0); default: the first"),
    DEFINE_PROP("port", PROP_STRING, USBDevice, port_name,
                .description = "the port number on the bus; default: the first free"),
    DEFINE_PROP_END,
};

static void usb_device_finalize(Object *obj)
{
    USBDevice *dev = USB_DEVICE(obj);

    if (dev->port) {
        dev->port->dev = NULL;
        if (dev->port->ops && dev->port->ops->detach) {
            dev->port->ops->detach(dev->port);
        }
    }
    free(dev->serial);
}

static void usb_device_class_init(ObjectClass *oc, void *data)
{
    object_class_add_props(oc, usb_device_props);
}

static const TypeInfo usb_device_info = {
    .name = TYPE_USB_DEVICE,
    .parent = TYPE_DEVICE,
    .abstract = true,
    .instance_size = sizeof(USBDevice),
    .class_size = sizeof(USBDeviceClass),
    .instance_finalize = usb_device_finalize,
    .class_init = usb_device_class_init,
};

static const TypeInfo usb_bus_info = {
    .name = TYPE_USB_BUS,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(USBBus),
};

static void usb_register_types(void)
{
    type_register_static(&usb_device_info);
    type_register_static(&usb_bus_info);
}

type_init(usb_register_types)
