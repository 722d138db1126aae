/*
 * The PC's 8042 keyboard controller (QEMU's "i8042") with a PS/2 keyboard
 * and a PS/2 mouse that answer their commands: region 0 is the data port
 * (0x60), region 1 the command/status port (0x64); output line 0 is IRQ 1
 * (the keyboard's), line 1 IRQ 12 (the mouse's). The controller's
 * output port resets the machine (command 0xfe, or 0xd1 with bit 0 clear),
 * the way firmware and kernels reboot a PC.
 */
#ifndef HW_INPUT_I8042_H
#define HW_INPUT_I8042_H

#include "hw/core/sysbus.h"

#define TYPE_I8042 "i8042"

#endif
