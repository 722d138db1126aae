/*
 * The q35 PC's ACPI tables (hw/i386/acpi-build.c, the DSDT in hw/i386/acpi-dsdt.c), built
 * when the machine is done, as QEMU's acpi_setup.
 */
#ifndef HW_I386_ACPI_BUILD_H
#define HW_I386_ACPI_BUILD_H

#include "hw/acpi/aml-build.h"
#include "hw/i386/pc.h"
#include "hw/nvram/fw_cfg.h"

/* Build the tables and add etc/acpi/tables, etc/acpi/rsdp and etc/table-loader. */
bool acpi_setup(PCMachineState *s, FWCfgState *fw_cfg, Error **errp) WARN_UNUSED_RESULT;

/* Append the DSDT (header, AML) to b; its length and checksum are the caller's. */
void acpi_build_dsdt(AcpiBlob *b);

/* The table header every table starts with (its length and checksum filled in later). */
size_t acpi_table_begin(AcpiBlob *b, const char *sig, uint8_t rev);

#endif
