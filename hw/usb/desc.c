/*
 * USB descriptors in wire format (USB 2.0 9.6): device (18 bytes),
 * configuration (9 bytes, followed by every interface, class and endpoint
 * descriptor, wTotalLength covering them all), string (UTF-16LE; string 0 is
 * the list of language IDs, here US English 0x0409 only). Multi-byte fields
 * are little-endian.
 */
#include "hw/usb/desc.h"

/* Writes through a cursor that drops what does not fit the host's buffer. */
typedef struct DescWriter {
    uint8_t *out;
    int len, pos;
} DescWriter;

static void put8(DescWriter *w, uint8_t v)
{
    if (w->pos < w->len) {
        w->out[w->pos] = v;
    }
    w->pos++;
}

static void put16(DescWriter *w, uint16_t v)
{
    put8(w, v & 0xff);
    put8(w, v >> 8);
}

static int written(const DescWriter *w)
{
    return MIN(w->pos, w->len);
}

int usb_desc_config_total(const USBDesc *desc)
{
    int total = USB_CONFIG_DESC_LEN;

    for (int i = 0; i < desc->num_ifaces; i++) {
        total += USB_INTERFACE_DESC_LEN + desc->ifaces[i].class_desc_len +
                 desc->ifaces[i].num_eps * USB_ENDPOINT_DESC_LEN;
    }
    return total;
}

static void put_device(DescWriter *w, const USBDesc *d)
{
    put8(w, USB_DEVICE_DESC_LEN);
    put8(w, USB_DT_DEVICE);
    put16(w, d->bcd_usb);
    put8(w, 0); /* class, subclass, protocol: per interface */
    put8(w, 0);
    put8(w, 0);
    put8(w, d->max_packet0);
    put16(w, d->vendor);
    put16(w, d->product);
    put16(w, d->bcd_device);
    put8(w, d->i_manufacturer);
    put8(w, d->i_product);
    put8(w, d->i_serial);
    put8(w, 1); /* one configuration */
}

static void put_interface(DescWriter *w, const USBDescInterface *iface, uint8_t number)
{
    put8(w, USB_INTERFACE_DESC_LEN);
    put8(w, USB_DT_INTERFACE);
    put8(w, number);
    put8(w, 0); /* alternate setting */
    put8(w, iface->num_eps);
    put8(w, iface->class);
    put8(w, iface->subclass);
    put8(w, iface->protocol);
    put8(w, 0); /* no interface string */
    for (int i = 0; i < iface->class_desc_len; i++) {
        put8(w, iface->class_desc[i]);
    }
    for (int i = 0; i < iface->num_eps; i++) {
        const USBDescEndpoint *ep = &iface->eps[i];

        put8(w, USB_ENDPOINT_DESC_LEN);
        put8(w, USB_DT_ENDPOINT);
        put8(w, ep->address);
        put8(w, ep->attributes);
        put16(w, ep->max_packet);
        put8(w, ep->interval);
    }
}

static void put_config(DescWriter *w, const USBDesc *d)
{
    put8(w, USB_CONFIG_DESC_LEN);
    put8(w, USB_DT_CONFIG);
    put16(w, usb_desc_config_total(d));
    put8(w, d->num_ifaces);
    put8(w, 1); /* bConfigurationValue */
    put8(w, d->i_config);
    put8(w, d->config_attributes);
    put8(w, d->max_power);
    for (int i = 0; i < d->num_ifaces; i++) {
        put_interface(w, &d->ifaces[i], i);
    }
}

/* ASCII strings only: each byte becomes one UTF-16 code unit; a descriptor holds 126. */
static void put_string(DescWriter *w, const char *s)
{
    size_t n = MIN(strlen(s), 126);

    put8(w, 2 + 2 * n);
    put8(w, USB_DT_STRING);
    for (size_t i = 0; i < n; i++) {
        put16(w, (uint8_t)s[i]);
    }
}

int usb_desc_get(const USBDesc *desc, uint8_t type, uint8_t index, const char *serial, uint8_t *out,
                 int len)
{
    DescWriter w = {out, len, 0};
    const char *s;

    switch (type) {
    case USB_DT_DEVICE:
        put_device(&w, desc);
        break;
    case USB_DT_CONFIG:
        if (index != 0) {
            return -1;
        }
        put_config(&w, desc);
        break;
    case USB_DT_STRING:
        if (index == 0) {
            put8(&w, 4);
            put8(&w, USB_DT_STRING);
            put16(&w, 0x0409);
            break;
        }
        s = (index == desc->i_serial && serial) ? serial
            : index < desc->num_strings         ? desc->strings[index]
                                                : NULL;
        if (!s) {
            return -1;
        }
        put_string(&w, s);
        break;
    default:
        return -1; /* no device qualifier: the device runs at one speed */
    }
    return written(&w);
}

const USBDescEndpoint *usb_desc_find_endpoint(const USBDesc *desc, uint8_t address)
{
    for (int i = 0; i < desc->num_ifaces; i++) {
        for (int e = 0; e < desc->ifaces[i].num_eps; e++) {
            if (desc->ifaces[i].eps[e].address == address) {
                return &desc->ifaces[i].eps[e];
            }
        }
    }
    return NULL;
}
