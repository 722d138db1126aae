/*
 * NS16550A UART on the system bus (the virt board's serial@10000000).
 *
 * Registers are 8 bits wide, register i at offset i << regshift; accesses of
 * 1 to 4 bytes are accepted and only the low byte is meaningful (Linux's 8250
 * driver uses 1-byte accesses when reg-io-width is absent). Output line 0 is
 * the level interrupt. Properties:
 *   "chardev"  id of the host backend (chardev_find()); unset = no backend
 *   "regshift" register spacing, default 0
 */
#ifndef HW_CHAR_SERIAL_H
#define HW_CHAR_SERIAL_H

#include "hw/core/sysbus.h"

#define TYPE_SERIAL_MM "ns16550a"

/* The UART's input clock, as QEMU's virt board describes it (1.8432 MHz * 2). */
#define SERIAL_CLOCK_FREQ 3686400
/* Size of the MMIO window (QEMU virt's serial@10000000 reg). */
#define SERIAL_MM_SIZE 0x100

#endif
