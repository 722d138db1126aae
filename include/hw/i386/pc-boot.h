/*
 * The PC's boot order for the firmware (hw/i386/pc-boot.c): -boot order=/once= in the CMOS
 * boot-device bytes, bootindex= of the drives (and -kernel's option ROM) in fw_cfg's
 * "bootorder" file, -boot strict=on as its final HALT.
 */
#ifndef HW_I386_PC_BOOT_H
#define HW_I386_PC_BOOT_H

#include "hw/i386/pc.h"

/* At machine done (every -device exists): QEMU's messages for an order the PC cannot take. */
bool pc_boot_setup(PCMachineState *s, Error **errp) WARN_UNUSED_RESULT;

#endif
