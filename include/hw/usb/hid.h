/*
 * USB HID devices (HID 1.11): usb-kbd (boot keyboard), usb-mouse (relative,
 * wheel) and usb-tablet (absolute 0..0x7fff, wheel), fed by the input layer
 * (ui/input.h) and polled by the host through interrupt IN endpoint 1.
 */
#ifndef HW_USB_HID_H
#define HW_USB_HID_H

#include "hw/usb/usb.h"
#include "ui/input.h"

#define TYPE_USB_KBD "usb-kbd"
#define TYPE_USB_MOUSE "usb-mouse"
#define TYPE_USB_TABLET "usb-tablet"

/* HID class requests (HID 1.11 7.2) and descriptor types (7.1) */
#define HID_REQ_GET_REPORT 0x01
#define HID_REQ_GET_IDLE 0x02
#define HID_REQ_GET_PROTOCOL 0x03
#define HID_REQ_SET_REPORT 0x09
#define HID_REQ_SET_IDLE 0x0a
#define HID_REQ_SET_PROTOCOL 0x0b
#define HID_DT_HID 0x21
#define HID_DT_REPORT 0x22

#define HID_REPORT_MAX 8 /* bytes of the largest input report (the keyboard's) */
#define HID_QUEUE_LEN 16 /* reports held while the host does not poll */
#define HID_KEYS_MAX 6   /* keys a boot keyboard report carries */

/* The HID usage of a Linux key code (0: none). */
uint8_t hid_usage_from_key(int code);

#endif
