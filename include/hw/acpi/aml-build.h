/*
 * A small ACPI table and AML builder (QEMU's hw/acpi/aml-build.c concepts; the encodings
 * are the ACPI 6.4 spec's, chapter 20 "ACPI Machine Language Specification" and 6.4
 * "Resource Data Types").
 *
 * AcpiBlob: a growable byte buffer (a table file, or the table-loader's commands).
 * Aml: one AML object under construction. Constructors return a new object; aml_append()
 * encodes the child into the parent and frees the child, so a tree is built bottom-up and
 * nothing is left to free but the outermost object (aml_free, or acpi_append_aml).
 * Resource descriptors are appended to an aml_resource_template(); its End Tag is added
 * when it is encoded.
 */
#ifndef HW_ACPI_AML_BUILD_H
#define HW_ACPI_AML_BUILD_H

#include "common.h"

typedef struct AcpiBlob {
    uint8_t *data;
    size_t len, cap;
} AcpiBlob;

void acpi_blob_append(AcpiBlob *b, const void *data, size_t len);
/* value in n little-endian bytes */
void acpi_blob_append_le(AcpiBlob *b, uint64_t value, unsigned n);
void acpi_blob_append_zeros(AcpiBlob *b, size_t len);
void acpi_blob_put_le(AcpiBlob *b, size_t offset, uint64_t value, unsigned n);
void acpi_blob_free(AcpiBlob *b);

typedef struct Aml Aml;

/* Data objects */
Aml *aml_int(uint64_t value);
Aml *aml_string(const char *s);
/* A compressed EISA ID ("PNP0A08") as its 32-bit integer. */
Aml *aml_eisaid(const char *id);
Aml *aml_package(void);
/* Named objects and blocks; names are AML name paths ("\\_SB.PCI0", "_HID"). */
Aml *aml_name_decl(const char *name, Aml *value);
Aml *aml_scope(const char *name);
Aml *aml_device(const char *name);
Aml *aml_method(const char *name, unsigned nargs);
Aml *aml_return(Aml *value);
/* Resources (descriptors of a resource template) */
Aml *aml_resource_template(void);
Aml *aml_io(uint16_t min, uint16_t max, uint8_t align, uint8_t len);
Aml *aml_irq_no_flags(uint8_t irq);
Aml *aml_memory32_fixed(uint32_t base, uint32_t size, bool writable);
Aml *aml_word_bus_number(uint16_t min, uint16_t max);
Aml *aml_word_io(uint16_t min, uint16_t max);
Aml *aml_dword_memory(uint32_t min, uint32_t max, bool cacheable);
Aml *aml_qword_memory(uint64_t min, uint64_t max, bool cacheable);

/* Encode child at the end of parent's body and free child. */
void aml_append(Aml *parent, Aml *child);
/* Encode a (top-level) object's body into a blob and free it: a table's term list. */
void acpi_append_aml(AcpiBlob *b, Aml *a);
void aml_free(Aml *a);

/* The AML encoding of a name path (exposed for the unit tests). */
void aml_encode_name(AcpiBlob *b, const char *name);
/* PkgLength for a package whose contents after the PkgLength are `len` bytes. */
void aml_encode_pkglength(AcpiBlob *b, size_t len);

#endif
