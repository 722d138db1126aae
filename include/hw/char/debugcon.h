/*
 * The ISA debug console (QEMU's "isa-debugcon"): one I/O port; every byte
 * written goes to a chardev, and a read returns the readback value so a guest
 * can tell the port exists (SeaBIOS prints its log to port 0x402 after reading
 * 0xe9 there). The board maps region 0 in its I/O space at "iobase".
 * Properties: "chardev", "iobase" (default 0xe9), "readback" (default 0xe9).
 */
#ifndef HW_CHAR_DEBUGCON_H
#define HW_CHAR_DEBUGCON_H

#include "hw/core/sysbus.h"

#define TYPE_ISA_DEBUGCON "isa-debugcon"

/* The I/O port a realized debug console asked for. */
uint32_t debugcon_iobase(DeviceState *dev);

#endif
