/*
 * The table-loader commands (include/hw/acpi/bios-linker-loader.h). Each command is 128
 * bytes: a little-endian u32 command number, then its fields, zero-padded; file names are
 * NUL-padded to 56 bytes. The layout is the one SeaBIOS's romfile_loader_entry_s reads.
 */
#include "hw/acpi/bios-linker-loader.h"

#include <assert.h>

#define CMD_SIZE 128
#define CMD_ALLOCATE 1
#define CMD_ADD_POINTER 2
#define CMD_ADD_CHECKSUM 3

static uint8_t *linker_cmd(BIOSLinker *l, uint32_t command)
{
    size_t at = l->cmds.len;

    acpi_blob_append_zeros(&l->cmds, CMD_SIZE);
    acpi_blob_put_le(&l->cmds, at, command, 4);
    return l->cmds.data + at + 4;
}

static void linker_put_name(uint8_t *at, const char *file)
{
    assert(strlen(file) < BIOS_LINKER_LOADER_FILESZ);
    memcpy(at, file, strlen(file));
}

static void put_le(uint8_t *at, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        at[i] = (uint8_t)(v >> (8 * i));
    }
}

void bios_linker_loader_alloc(BIOSLinker *l, const char *file, uint32_t align, bool fseg)
{
    uint8_t *c = linker_cmd(l, CMD_ALLOCATE);

    linker_put_name(c, file);
    put_le(c + BIOS_LINKER_LOADER_FILESZ, align, 4);
    c[BIOS_LINKER_LOADER_FILESZ + 4] = fseg ? BIOS_LINKER_ZONE_FSEG : BIOS_LINKER_ZONE_HIGH;
}

void bios_linker_loader_add_pointer(BIOSLinker *l, const char *dest_file, AcpiBlob *dest,
                                    size_t dest_offset, unsigned size, const char *src_file,
                                    uint64_t src_offset)
{
    uint8_t *c = linker_cmd(l, CMD_ADD_POINTER);

    assert(dest_offset + size <= dest->len);
    linker_put_name(c, dest_file);
    linker_put_name(c + BIOS_LINKER_LOADER_FILESZ, src_file);
    put_le(c + 2 * BIOS_LINKER_LOADER_FILESZ, dest_offset, 4);
    c[2 * BIOS_LINKER_LOADER_FILESZ + 4] = (uint8_t)size;
    acpi_blob_put_le(dest, dest_offset, src_offset, size);
}

void bios_linker_loader_add_checksum(BIOSLinker *l, const char *file, size_t start, size_t len,
                                     size_t checksum_offset)
{
    uint8_t *c = linker_cmd(l, CMD_ADD_CHECKSUM);

    linker_put_name(c, file);
    put_le(c + BIOS_LINKER_LOADER_FILESZ, checksum_offset, 4);
    put_le(c + BIOS_LINKER_LOADER_FILESZ + 4, start, 4);
    put_le(c + BIOS_LINKER_LOADER_FILESZ + 8, len, 4);
}
