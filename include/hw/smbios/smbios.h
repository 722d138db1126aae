/*
 * SMBIOS tables for the firmware (DMTF DSP0134, version 2.8), as QEMU 7.2's q35 hands them
 * to SeaBIOS through fw_cfg: the 32-bit entry point in "etc/smbios/smbios-anchor" (its table
 * address 0: the firmware places the tables and fills it in) and the structures in
 * "etc/smbios/smbios-tables". SeaBIOS adds its own type 0 (BIOS information) when the
 * tables have none, which is the case unless -smbios type=0 gives fields.
 *
 * Structures built, with QEMU's handles: 1 (system, 0x100), 3 (chassis, 0x300), 4 (one per
 * socket, 0x400+n), 16 (memory array, 0x1000), 17 (one per 16 GiB DIMM, 0x1100+n), 19 (one
 * per RAM range, 0x1300+n), 32 (boot information, 0x2000), 127 (end, 0x7f00); 0 (0x000) only
 * when -smbios type=0 gave a field.
 */
#ifndef HW_SMBIOS_SMBIOS_H
#define HW_SMBIOS_SMBIOS_H

#include "common.h"
#include "util/error.h"

#define SMBIOS_ANCHOR_FILE "etc/smbios/smbios-anchor"
#define SMBIOS_TABLES_FILE "etc/smbios/smbios-tables"
#define SMBIOS_ENTRY_POINT_LEN 0x1f /* the 2.1 (32-bit) entry point structure */
#define SMBIOS_MAX_RAM_RANGES 2     /* below and above 4 GiB */

/* The strings and settings of types 0 and 1 that -smbios and -uuid may set (NULL: unset). */
typedef struct SMBIOSFields {
    const char *bios_vendor, *bios_version, *bios_date, *bios_release;    /* type 0 */
    bool uefi;                                                            /* type 0 uefi=on */
    const char *manufacturer, *product, *version, *serial, *sku, *family; /* type 1 */
    bool uuid_set;
    uint8_t uuid[16]; /* in the order written (RFC 4122 big-endian fields) */
} SMBIOSFields;

/* What the board knows about itself. */
typedef struct SMBIOSMachineInfo {
    const char *manufacturer; /* "QEMU" */
    const char *product;      /* the machine's description */
    const char *version;      /* the versioned machine type ("pc-q35-7.2") */
    unsigned sockets, cores, threads;
    uint32_t cpuid_version, cpuid_features; /* CPUID leaf 1 EAX and EDX: type 4's ID */
    uint64_t ram_size;
    struct {
        uint64_t start, size;
    } ram[SMBIOS_MAX_RAM_RANGES]; /* the RAM ranges of the physical map (size 0: unused) */
} SMBIOSMachineInfo;

/* Both buffers are xmalloc'ed: the caller frees them or hands them to fw_cfg. */
typedef struct SMBIOSTables {
    uint8_t *anchor; /* SMBIOS_ENTRY_POINT_LEN bytes */
    uint8_t *tables;
    size_t len;
    unsigned count, max_struct_size;
} SMBIOSTables;

/*
 * Apply one -smbios option (QEMU's syntax: type=0|1,KEY=VALUE,...) to *f. False + errp with
 * QEMU's messages for an unknown key or type, a bad UUID, and for file= (not supported).
 */
bool smbios_parse_option(SMBIOSFields *f, const char *opt, Error **errp) WARN_UNUSED_RESULT;

/* -uuid (already checked by the option parser) as type 1's UUID. */
void smbios_set_uuid(SMBIOSFields *f, const char *uuid);

/* Build the structures and the entry point for m with the fields f (which may be NULL). */
void smbios_build(const SMBIOSMachineInfo *m, const SMBIOSFields *f, SMBIOSTables *out);

#endif
