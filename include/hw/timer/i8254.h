/*
 * The 8254 programmable interval timer (QEMU's "isa-pit") and the PC's
 * port B (0x61: channel 2's gate and output, the speaker enable, the
 * refresh toggle). Region 0: the PIT's four ports (0x40-0x43); region 1:
 * port B. Output line 0 is channel 0's OUT (ISA IRQ 0).
 */
#ifndef HW_TIMER_I8254_H
#define HW_TIMER_I8254_H

#include "hw/core/sysbus.h"

#define TYPE_I8254 "isa-pit"
#define PIT_FREQ 1193182 /* Hz: the PC's 14.31818 MHz crystal / 12 */

#endif
