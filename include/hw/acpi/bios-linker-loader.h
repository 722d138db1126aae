/*
 * The table loader ("etc/table-loader" in fw_cfg, QEMU's docs/specs/acpi... and SeaBIOS's
 * src/fw/romfile_loader.c): 128-byte commands the firmware runs in order to place the
 * table files in its memory and patch them.
 *   ALLOCATE     file, alignment, zone (HIGH: RAM, FSEG: 0xe0000-0xfffff)
 *   ADD_POINTER  add the address of src_file to the size-byte little-endian number at
 *                dest_file + offset (it holds an offset into src_file beforehand)
 *   ADD_CHECKSUM make the bytes [start, start+length) of file sum to 0 by adjusting the
 *                byte at offset (which must be 0 before)
 */
#ifndef HW_ACPI_BIOS_LINKER_LOADER_H
#define HW_ACPI_BIOS_LINKER_LOADER_H

#include "hw/acpi/aml-build.h"

#define BIOS_LINKER_LOADER_FILESZ 56
#define BIOS_LINKER_ZONE_HIGH 1
#define BIOS_LINKER_ZONE_FSEG 2

typedef struct BIOSLinker {
    AcpiBlob cmds;
} BIOSLinker;

void bios_linker_loader_alloc(BIOSLinker *l, const char *file, uint32_t align, bool fseg);
/* The number at dest + dest_offset (size 1/2/4/8 bytes) becomes src_offset + src's address. */
void bios_linker_loader_add_pointer(BIOSLinker *l, const char *dest_file, AcpiBlob *dest,
                                    size_t dest_offset, unsigned size, const char *src_file,
                                    uint64_t src_offset);
void bios_linker_loader_add_checksum(BIOSLinker *l, const char *file, size_t start, size_t len,
                                     size_t checksum_offset);

#endif
