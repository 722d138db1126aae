/*
 * The I/O APIC (ICH9's, version 0x20): 24 interrupt pins (gpio inputs 0..23,
 * the GSIs), one MMIO page (sysbus region 0, at 0xfec00000 on the PC), and
 * messages to the local APICs over the APIC bus. ioapic_attach(dev, bus)
 * before realize; it then listens for the bus's broadcast EOIs.
 */
#ifndef HW_INTC_IOAPIC_H
#define HW_INTC_IOAPIC_H

#include "hw/intc/apic.h"

#define TYPE_IOAPIC "ioapic"
#define IOAPIC_DEFAULT_ADDRESS 0xfec00000ULL
#define IOAPIC_NUM_PINS 24

void ioapic_attach(DeviceState *dev, APICBus *bus);

#endif
