/*
 * The HPET (IA-PC HPET 1.0a, as QEMU's "hpet"): a 100 MHz 64-bit main counter
 * and 3 comparators; one 1 KiB MMIO page (sysbus region 0, at 0xfed00000 on
 * the PC). gpio outputs 0..23: the GSI lines a comparator may be routed to.
 * gpio input 0: the 8254 PIT's channel 0, passed on to GSI 0 except in legacy
 * replacement mode (then comparator 0 drives IRQ 0 and comparator 1 IRQ 8,
 * and the PIT is cut off, as on real chipsets).
 */
#ifndef HW_TIMER_HPET_H
#define HW_TIMER_HPET_H

#include "hw/core/sysbus.h"

#define TYPE_HPET "hpet"
#define HPET_DEFAULT_ADDRESS 0xfed00000ULL
#define HPET_NUM_TIMERS 3
#define HPET_NUM_IRQ 24
#define HPET_CLK_PERIOD_NS 10
#define HPET_INTCAP 0x00ff0104u /* IRQ 2, 8 and GSI 16-23, as QEMU's PC */

#endif
