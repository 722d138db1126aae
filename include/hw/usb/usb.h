/*
 * The USB core (USB 2.0 spec, ch. 9): buses with numbered ports, devices
 * that answer the standard control requests from their descriptors, and the
 * synchronous transfer calls a host controller makes.
 *
 * A host controller owns a USBBus ("usb-bus.N", or "<controller id>.0" as
 * QEMU names it) whose ports it numbers from 1. A USB device is created with
 * -device usb-*[,bus=NAME][,port=N]; the machine's device_plug hook calls
 * usb_device_plug(), which puts it on the named bus (else the first bus of
 * the machine, in creation order) at port N (else the first free port) and
 * tells the controller through USBPortOps.attach.
 *
 * Transfers are synchronous, under the BQL: the controller hands the device a
 * whole control transfer (usb_device_control) or one data-stage buffer for a
 * non-control endpoint (usb_device_data). A device with nothing to send
 * answers USB_RET_NAK and later calls usb_device_wakeup(), after which the
 * controller retries the endpoint.
 */
#ifndef HW_USB_USB_H
#define HW_USB_USB_H

#include "hw/core/qdev.h"
#include "hw/usb/desc.h"

#define TYPE_USB_DEVICE "usb-device"
#define TYPE_USB_BUS "usb-bus"

/* Results of a transfer besides a byte count. */
#define USB_RET_NAK (-1)   /* nothing to send now: try again after a wakeup */
#define USB_RET_STALL (-2) /* request not supported or endpoint halted */

/* Speeds as "info usb" and sysfs report them. */
typedef enum USBSpeed { USB_SPEED_LOW, USB_SPEED_FULL, USB_SPEED_HIGH, USB_SPEED_SUPER } USBSpeed;

/* bmRequestType bits and the standard requests (USB 2.0 9.3, 9.4). */
#define USB_DIR_IN 0x80
#define USB_TYPE_MASK 0x60
#define USB_TYPE_STANDARD 0x00
#define USB_TYPE_CLASS 0x20
#define USB_RECIP_MASK 0x1f
#define USB_RECIP_DEVICE 0x00
#define USB_RECIP_INTERFACE 0x01
#define USB_RECIP_ENDPOINT 0x02
#define USB_REQ_GET_STATUS 0x00
#define USB_REQ_CLEAR_FEATURE 0x01
#define USB_REQ_SET_FEATURE 0x03
#define USB_REQ_SET_ADDRESS 0x05
#define USB_REQ_GET_DESCRIPTOR 0x06
#define USB_REQ_GET_CONFIGURATION 0x08
#define USB_REQ_SET_CONFIGURATION 0x09
#define USB_REQ_GET_INTERFACE 0x0a
#define USB_REQ_SET_INTERFACE 0x0b
#define USB_FEATURE_REMOTE_WAKEUP 1

/* The 8-byte SETUP packet, decoded. */
typedef struct USBSetup {
    uint8_t request_type;
    uint8_t request;
    uint16_t value;
    uint16_t index;
    uint16_t length;
} USBSetup;

void usb_setup_decode(USBSetup *setup, const uint8_t raw[8]);

typedef struct USBDevice USBDevice;
typedef struct USBPort USBPort;

/* What a controller learns from its ports (all optional). */
typedef struct USBPortOps {
    void (*attach)(USBPort *port);
    void (*detach)(USBPort *port);
    /* The device on port has data for IN endpoint ep (1..15). */
    void (*wakeup)(USBPort *port, int ep);
} USBPortOps;

struct USBPort {
    int index;      /* 1-based, as bus and port= number it */
    USBSpeed speed; /* the fastest speed the port runs (a device must support it) */
    USBDevice *dev; /* NULL: nothing attached */
    const USBPortOps *ops;
    void *opaque; /* the controller's */
    Object *bus;  /* set by usb_bus_new */
};

typedef struct USBBus {
    Object parent_obj;
    USBPort *ports; /* owned by the controller */
    int nports;
    /* The controller's location, part of each serial number ("0000:00:01.0"); malloc'd. */
    char *(*location)(struct USBBus *bus);
} USBBus;

struct USBDevice {
    DeviceState parent_obj;
    USBPort *port; /* NULL until plugged */
    uint8_t addr;
    uint8_t config; /* the bConfigurationValue set, 0: unconfigured */
    bool remote_wakeup;
    char *serial; /* the serial string made unique by its location (as QEMU's); lazily */
    /* properties */
    char *bus_name;
    char *port_name;
};

typedef struct USBDeviceClass {
    DeviceClass parent_class;
    const USBDesc *desc; /* descriptors and strings (hw/usb/desc.h) */
    /*
     * Requests the core does not answer (class requests, class descriptors). IN: write up to
     * setup->length bytes to data and return the count; OUT: data holds setup->length bytes,
     * return 0. USB_RET_STALL: not supported.
     */
    int (*handle_control)(USBDevice *dev, const USBSetup *setup, uint8_t *data);
    /* A transfer on endpoint ep (1..15): a count, USB_RET_NAK or USB_RET_STALL. */
    int (*handle_data)(USBDevice *dev, int ep, bool in, uint8_t *data, int len);
    /* Bus reset: back to the default state (the core resets address and configuration). */
    void (*handle_reset)(USBDevice *dev);
} USBDeviceClass;

#define USB_DEVICE(obj) OBJECT_CHECK(USBDevice, (obj), TYPE_USB_DEVICE)
#define USB_DEVICE_CLASS(oc) OBJECT_CLASS_CHECK(USBDeviceClass, (oc), TYPE_USB_DEVICE)
#define USB_DEVICE_GET_CLASS(obj) OBJECT_GET_CLASS(USBDeviceClass, (obj), TYPE_USB_DEVICE)
#define USB_BUS(obj) OBJECT_CHECK(USBBus, (obj), TYPE_USB_BUS)

/* ---- for controllers ---- */

/*
 * A bus named name, a child of parent (the controller) in the composition tree, over the
 * controller's ports[0..nports-1] (their index, speed and ops already filled). location:
 * the controller's place for serial numbers, asked when a guest first reads one.
 */
USBBus *usb_bus_new(Object *parent, const char *name, USBPort *ports, int nports,
                    char *(*location)(USBBus *bus));
/* The bus name a new controller with this id should use: "<id>.0" or "usb-bus.N". */
char *usb_bus_next_name(const char *controller_id);
/* Does the machine have a USB bus at all? */
bool usb_bus_exists(void);
/* QEMU's `info usb`: a line per attached device, buses numbered in creation order. */
void usb_info_print_all(FILE *out);

/* A whole control transfer; data has setup->length bytes. A count or USB_RET_STALL. */
int usb_device_control(USBDevice *dev, const USBSetup *setup, uint8_t *data);
/* A data transfer on ep 1..15: a count, USB_RET_NAK or USB_RET_STALL. */
int usb_device_data(USBDevice *dev, int ep, bool in, uint8_t *data, int len);
/* Bus reset of the device on a port (port reset). */
void usb_device_reset(USBDevice *dev);

/* ---- for boards and devices ---- */

/* Place a realized device on its bus and port (see the top of this file). */
bool usb_device_plug(USBDevice *dev, Error **errp) WARN_UNUSED_RESULT;
/*
 * -usbdevice NAME (mouse, tablet, keyboard): the device on the first free port of the first
 * bus. machine_usb: -usb was given (only changes the error's hint, as in QEMU).
 */
bool usb_device_add_legacy(const char *name, bool machine_usb, Error **errp) WARN_UNUSED_RESULT;
/* The device has data for IN endpoint ep: the controller retries it. */
void usb_device_wakeup(USBDevice *dev, int ep);

#endif
