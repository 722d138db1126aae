/*
 * USB descriptors (USB 2.0 9.5, 9.6) described as data and written out in
 * their wire format on request: a device with one configuration of one or
 * more interfaces, each with an optional class descriptor (e.g. HID's) and
 * its endpoints, plus the string table.
 */
#ifndef HW_USB_DESC_H
#define HW_USB_DESC_H

#include "common.h"

#define USB_DT_DEVICE 0x01
#define USB_DT_CONFIG 0x02
#define USB_DT_STRING 0x03
#define USB_DT_INTERFACE 0x04
#define USB_DT_ENDPOINT 0x05
#define USB_DT_DEVICE_QUALIFIER 0x06

#define USB_DEVICE_DESC_LEN 18
#define USB_CONFIG_DESC_LEN 9
#define USB_INTERFACE_DESC_LEN 9
#define USB_ENDPOINT_DESC_LEN 7

/* bmAttributes of a configuration */
#define USB_CFG_ATT_ONE 0x80 /* always set */
#define USB_CFG_ATT_WAKEUP 0x20
/* bmAttributes of an endpoint */
#define USB_ENDPOINT_XFER_INT 0x03

typedef struct USBDescEndpoint {
    uint8_t address; /* with USB_DIR_IN for IN endpoints */
    uint8_t attributes;
    uint16_t max_packet;
    uint8_t interval; /* high speed: 2^(interval-1) microframes */
} USBDescEndpoint;

typedef struct USBDescInterface {
    uint8_t class, subclass, protocol;
    const uint8_t *class_desc; /* written between the interface and its endpoints */
    uint8_t class_desc_len;
    const USBDescEndpoint *eps;
    uint8_t num_eps;
} USBDescInterface;

typedef struct USBDesc {
    uint16_t bcd_usb, vendor, product, bcd_device;
    uint8_t max_packet0;
    uint8_t i_manufacturer, i_product, i_serial; /* string indices */
    uint8_t i_config;
    uint8_t config_attributes;
    uint8_t max_power; /* in 2 mA units */
    const USBDescInterface *ifaces;
    uint8_t num_ifaces;
    const char *const *strings; /* [index], NULL: no such string; [0] unused */
    uint8_t num_strings;
} USBDesc;

/*
 * Write the descriptor of type/index into out (at most len bytes, as GET_DESCRIPTOR
 * truncates to wLength). serial replaces the i_serial string. Returns the bytes written,
 * or -1 if the device has no such descriptor (the request stalls).
 */
int usb_desc_get(const USBDesc *desc, uint8_t type, uint8_t index, const char *serial, uint8_t *out,
                 int len);
/* The configuration descriptor's wTotalLength. */
int usb_desc_config_total(const USBDesc *desc);
/* The endpoint descriptor for address (with the direction bit), NULL if none. */
const USBDescEndpoint *usb_desc_find_endpoint(const USBDesc *desc, uint8_t address);

#endif
