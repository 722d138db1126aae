/*
 * CFI parallel NOR flash, Intel/Sharp command set (QEMU's cfi.pflash01): what
 * QEMU's virt and PC boards map for firmware code and variables. Region 0 is the
 * whole flash: harts execute from it directly, data accesses go to the command
 * state machine. With a "drive" the image is read at realize (it must be exactly
 * num-blocks * sector-length bytes) and every program or erase is written back to
 * it; a read-only drive makes program and erase fail with status errors.
 */
#ifndef HW_BLOCK_FLASH_H
#define HW_BLOCK_FLASH_H

#include "hw/core/sysbus.h"

#define TYPE_PFLASH_CFI01 "cfi.pflash01"

/*
 * A flash of num_blocks * sector_len bytes, width-byte bank of device_width-byte chips,
 * on the -drive drive_id (NULL: a zeroed flash without image), realized and mapped at
 * base. NULL + errp on a bad geometry or a drive that does not fit ("device requires N
 * bytes, block backend provides M bytes", as QEMU).
 */
DeviceState *pflash_cfi01_create(const char *name, hwaddr base, uint32_t num_blocks,
                                 uint64_t sector_len, uint32_t width, uint32_t device_width,
                                 const char *drive_id, Error **errp);

#endif
