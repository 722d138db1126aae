/*
 * The PC's two cascaded 8259A interrupt controllers and the ICH9's ELCR
 * (edge/level control), as one device: gpio inputs 0..15 are the ISA IRQ
 * lines (IRQ 2 is the cascade), gpio output 0 is INTR to the CPU. Regions:
 * 0 master (ports 0x20-0x21), 1 slave (0xa0-0xa1), 2 ELCR (0x4d0-0x4d1).
 * i8259_intr_ack is the CPU's interrupt-acknowledge cycle: it returns the
 * vector of the highest-priority pending request and marks it in service.
 */
#ifndef HW_INTC_I8259_H
#define HW_INTC_I8259_H

#include "hw/core/sysbus.h"

#define TYPE_I8259 "i8259"

/* opaque: the i8259 DeviceState. Returns the vector (spurious: IRQ 7's). */
int i8259_intr_ack(void *opaque);

#endif
