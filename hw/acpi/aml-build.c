/*
 * AML and ACPI table bytes (include/hw/acpi/aml-build.h). Encodings from the ACPI 6.4 spec:
 * 20.2 (AML grammar: NameString, PkgLength, the opcodes below), 6.4 (small and large
 * resource descriptors).
 */
#include "hw/acpi/aml-build.h"

#include <assert.h>
#include <stdlib.h>

/* AML opcodes */
#define AML_ZERO_OP 0x00
#define AML_ONE_OP 0x01
#define AML_NAME_OP 0x08
#define AML_BYTE_PREFIX 0x0a
#define AML_WORD_PREFIX 0x0b
#define AML_DWORD_PREFIX 0x0c
#define AML_STRING_PREFIX 0x0d
#define AML_QWORD_PREFIX 0x0e
#define AML_SCOPE_OP 0x10
#define AML_BUFFER_OP 0x11
#define AML_PACKAGE_OP 0x12
#define AML_METHOD_OP 0x14
#define AML_DUAL_NAME_PREFIX 0x2e
#define AML_MULTI_NAME_PREFIX 0x2f
#define AML_EXT_OP_PREFIX 0x5b
#define AML_EXT_DEVICE_OP 0x82
#define AML_ROOT_CHAR 0x5c
#define AML_PARENT_PREFIX 0x5e
#define AML_RETURN_OP 0xa4
/* resource descriptors */
#define RES_IRQ_NO_FLAGS 0x22
#define RES_IO 0x47
#define RES_END_TAG 0x79
#define RES_MEMORY32_FIXED 0x86
#define RES_DWORD_ADDRESS 0x87
#define RES_WORD_ADDRESS 0x88
#define RES_QWORD_ADDRESS 0x8a
#define RES_TYPE_MEMORY 0
#define RES_TYPE_IO 1
#define RES_TYPE_BUS 2
/* General flags of an address descriptor: MinFixed, MaxFixed, positive decode, producer. */
#define RES_FLAGS_FIXED_WINDOW 0x0c

typedef enum AmlKind {
    AML_RAW,     /* just the bytes */
    AML_PKG,     /* op, PkgLength, then the rest */
    AML_BUFFER,  /* BufferOp, PkgLength, BufferSize, the bytes (a resource template) */
    AML_PACKAGE, /* PackageOp, PkgLength, NumElements, the elements */
} AmlKind;

struct Aml {
    AmlKind kind;
    uint8_t op[2];
    unsigned oplen;
    AcpiBlob head;  /* after the PkgLength: name and flags */
    AcpiBlob body;  /* the children */
    unsigned count; /* children of a package */
};

/* ---- blobs ---- */

void acpi_blob_append(AcpiBlob *b, const void *data, size_t len)
{
    if (b->len + len > b->cap) {
        b->cap = MAX(b->cap * 2, b->len + len + 64);
        b->data = xrealloc(b->data, b->cap);
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
}

void acpi_blob_append_le(AcpiBlob *b, uint64_t value, unsigned n)
{
    uint8_t bytes[8];

    for (unsigned i = 0; i < n; i++) {
        bytes[i] = (uint8_t)(value >> (8 * i));
    }
    acpi_blob_append(b, bytes, n);
}

void acpi_blob_append_zeros(AcpiBlob *b, size_t len)
{
    static const uint8_t zeros[64];

    while (len) {
        size_t n = MIN(len, sizeof(zeros));
        acpi_blob_append(b, zeros, n);
        len -= n;
    }
}

void acpi_blob_put_le(AcpiBlob *b, size_t offset, uint64_t value, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        b->data[offset + i] = (uint8_t)(value >> (8 * i));
    }
}

void acpi_blob_free(AcpiBlob *b)
{
    free(b->data);
    *b = (AcpiBlob){0};
}

/* ---- names and lengths ---- */

void aml_encode_name(AcpiBlob *b, const char *name)
{
    unsigned nsegs = 1;

    for (; *name == '\\' || *name == '^'; name++) {
        acpi_blob_append_le(b, *name == '\\' ? AML_ROOT_CHAR : AML_PARENT_PREFIX, 1);
    }
    if (!*name) {
        acpi_blob_append_le(b, 0, 1); /* NullName */
        return;
    }
    for (const char *p = name; *p; p++) {
        nsegs += *p == '.';
    }
    if (nsegs == 2) {
        acpi_blob_append_le(b, AML_DUAL_NAME_PREFIX, 1);
    } else if (nsegs > 2) {
        acpi_blob_append_le(b, AML_MULTI_NAME_PREFIX, 1);
        acpi_blob_append_le(b, nsegs, 1);
    }
    while (*name) {
        char seg[4] = {'_', '_', '_', '_'};
        for (int i = 0; *name && *name != '.'; name++) {
            assert(i < 4);
            seg[i++] = *name;
        }
        acpi_blob_append(b, seg, 4);
        name += *name == '.';
    }
}

void aml_encode_pkglength(AcpiBlob *b, size_t len)
{
    unsigned n = len + 1 < 0x40 ? 1 : len + 2 < 0x1000 ? 2 : len + 3 < 0x100000 ? 3 : 4;
    size_t total = len + n;

    if (n == 1) {
        acpi_blob_append_le(b, total, 1);
        return;
    }
    /* Lead byte: the count of following bytes in bits 7-6, the low nibble in bits 3-0. */
    acpi_blob_append_le(b, (n - 1) << 6 | (total & 0xf), 1);
    acpi_blob_append_le(b, total >> 4, n - 1);
}

/* ---- objects ---- */

static Aml *aml_new(AmlKind kind, uint8_t op0, uint8_t op1, unsigned oplen)
{
    Aml *a = xzalloc(sizeof(*a));

    *a = (Aml){.kind = kind, .op = {op0, op1}, .oplen = oplen};
    return a;
}

void aml_free(Aml *a)
{
    acpi_blob_free(&a->head);
    acpi_blob_free(&a->body);
    free(a);
}

/* An integer with the shortest encoding. */
static void aml_encode_int(AcpiBlob *b, uint64_t v)
{
    if (v <= 1) {
        acpi_blob_append_le(b, v ? AML_ONE_OP : AML_ZERO_OP, 1);
    } else if (v <= 0xff) {
        acpi_blob_append_le(b, AML_BYTE_PREFIX, 1);
        acpi_blob_append_le(b, v, 1);
    } else if (v <= 0xffff) {
        acpi_blob_append_le(b, AML_WORD_PREFIX, 1);
        acpi_blob_append_le(b, v, 2);
    } else if (v <= 0xffffffff) {
        acpi_blob_append_le(b, AML_DWORD_PREFIX, 1);
        acpi_blob_append_le(b, v, 4);
    } else {
        acpi_blob_append_le(b, AML_QWORD_PREFIX, 1);
        acpi_blob_append_le(b, v, 8);
    }
}

Aml *aml_int(uint64_t value)
{
    Aml *a = aml_new(AML_RAW, 0, 0, 0);

    aml_encode_int(&a->body, value);
    return a;
}

Aml *aml_string(const char *s)
{
    Aml *a = aml_new(AML_RAW, 0, 0, 0);

    acpi_blob_append_le(&a->body, AML_STRING_PREFIX, 1);
    acpi_blob_append(&a->body, s, strlen(s) + 1);
    return a;
}

/* Three letters in 5 bits each and four hex digits, stored as big-endian bytes. */
Aml *aml_eisaid(const char *id)
{
    uint32_t vendor, product;

    assert(strlen(id) == 7);
    vendor = (uint32_t)(id[0] - '@') << 10 | (uint32_t)(id[1] - '@') << 5 | (id[2] - '@');
    product = (uint32_t)strtoul(id + 3, NULL, 16);
    return aml_int(__builtin_bswap32(vendor << 16 | product));
}

Aml *aml_package(void)
{
    return aml_new(AML_PACKAGE, AML_PACKAGE_OP, 0, 1);
}

Aml *aml_name_decl(const char *name, Aml *value)
{
    Aml *a = aml_new(AML_RAW, 0, 0, 0);

    acpi_blob_append_le(&a->body, AML_NAME_OP, 1);
    aml_encode_name(&a->body, name);
    aml_append(a, value);
    return a;
}

static Aml *aml_named_block(uint8_t op0, uint8_t op1, unsigned oplen, const char *name)
{
    Aml *a = aml_new(AML_PKG, op0, op1, oplen);

    aml_encode_name(&a->head, name);
    return a;
}

Aml *aml_scope(const char *name)
{
    return aml_named_block(AML_SCOPE_OP, 0, 1, name);
}

Aml *aml_device(const char *name)
{
    return aml_named_block(AML_EXT_OP_PREFIX, AML_EXT_DEVICE_OP, 2, name);
}

Aml *aml_method(const char *name, unsigned nargs)
{
    Aml *a = aml_named_block(AML_METHOD_OP, 0, 1, name);

    acpi_blob_append_le(&a->head, nargs & 7, 1); /* MethodFlags: not serialized, level 0 */
    return a;
}

Aml *aml_return(Aml *value)
{
    Aml *a = aml_new(AML_RAW, 0, 0, 0);

    acpi_blob_append_le(&a->body, AML_RETURN_OP, 1);
    aml_append(a, value);
    return a;
}

/* ---- encoding ---- */

static void aml_encode(AcpiBlob *out, Aml *a)
{
    AcpiBlob rest = {0};

    if (a->kind == AML_RAW) {
        acpi_blob_append(out, a->body.data, a->body.len);
        return;
    }
    if (a->kind == AML_BUFFER) {
        uint8_t end[2] = {RES_END_TAG, 0}; /* checksum 0: "treat as correct" */
        acpi_blob_append(&a->body, end, 2);
        aml_encode_int(&rest, a->body.len);
    } else if (a->kind == AML_PACKAGE) {
        assert(a->count <= 0xff);
        acpi_blob_append_le(&rest, a->count, 1);
    }
    acpi_blob_append(&rest, a->head.data, a->head.len);
    acpi_blob_append(&rest, a->body.data, a->body.len);
    acpi_blob_append(out, a->op, a->oplen);
    aml_encode_pkglength(out, rest.len);
    acpi_blob_append(out, rest.data, rest.len);
    acpi_blob_free(&rest);
}

void aml_append(Aml *parent, Aml *child)
{
    aml_encode(&parent->body, child);
    parent->count++;
    aml_free(child);
}

void acpi_append_aml(AcpiBlob *b, Aml *a)
{
    acpi_blob_append(b, a->body.data, a->body.len);
    aml_free(a);
}

/* ---- resource descriptors ---- */

Aml *aml_resource_template(void)
{
    return aml_new(AML_BUFFER, AML_BUFFER_OP, 0, 1);
}

static Aml *aml_raw_bytes(const uint8_t *bytes, size_t len)
{
    Aml *a = aml_new(AML_RAW, 0, 0, 0);

    acpi_blob_append(&a->body, bytes, len);
    return a;
}

Aml *aml_io(uint16_t min, uint16_t max, uint8_t align, uint8_t len)
{
    /* 16-bit decode (bit 0 of the information byte) */
    uint8_t d[8] = {RES_IO, 1, min, min >> 8, max, max >> 8, align, len};

    return aml_raw_bytes(d, sizeof(d));
}

Aml *aml_irq_no_flags(uint8_t irq)
{
    uint16_t mask = 1u << irq;
    uint8_t d[3] = {RES_IRQ_NO_FLAGS, mask, mask >> 8};

    return aml_raw_bytes(d, sizeof(d));
}

Aml *aml_memory32_fixed(uint32_t base, uint32_t size, bool writable)
{
    Aml *a = aml_new(AML_RAW, 0, 0, 0);

    acpi_blob_append_le(&a->body, RES_MEMORY32_FIXED, 1);
    acpi_blob_append_le(&a->body, 9, 2);
    acpi_blob_append_le(&a->body, writable, 1);
    acpi_blob_append_le(&a->body, base, 4);
    acpi_blob_append_le(&a->body, size, 4);
    return a;
}

/* Word/DWord/QWord address space descriptors: a fixed window, no translation. */
static Aml *aml_address(uint8_t tag, unsigned width, uint8_t type, uint8_t type_flags, uint64_t min,
                        uint64_t max)
{
    Aml *a = aml_new(AML_RAW, 0, 0, 0);

    acpi_blob_append_le(&a->body, tag, 1);
    acpi_blob_append_le(&a->body, 3 + 5 * width, 2);
    acpi_blob_append_le(&a->body, type, 1);
    acpi_blob_append_le(&a->body, RES_FLAGS_FIXED_WINDOW, 1);
    acpi_blob_append_le(&a->body, type_flags, 1);
    acpi_blob_append_le(&a->body, 0, width); /* granularity */
    acpi_blob_append_le(&a->body, min, width);
    acpi_blob_append_le(&a->body, max, width);
    acpi_blob_append_le(&a->body, 0, width); /* translation */
    acpi_blob_append_le(&a->body, max - min + 1, width);
    return a;
}

Aml *aml_word_bus_number(uint16_t min, uint16_t max)
{
    return aml_address(RES_WORD_ADDRESS, 2, RES_TYPE_BUS, 0, min, max);
}

Aml *aml_word_io(uint16_t min, uint16_t max)
{
    /* type flags 3: decodes the entire range (ISA and non-ISA ports) */
    return aml_address(RES_WORD_ADDRESS, 2, RES_TYPE_IO, 3, min, max);
}

/* Memory type flags: bit 0 read-write, bits 2-1 cacheability (1 = cacheable). */
Aml *aml_dword_memory(uint32_t min, uint32_t max, bool cacheable)
{
    return aml_address(RES_DWORD_ADDRESS, 4, RES_TYPE_MEMORY, 1 | cacheable << 1, min, max);
}

Aml *aml_qword_memory(uint64_t min, uint64_t max, bool cacheable)
{
    return aml_address(RES_QWORD_ADDRESS, 8, RES_TYPE_MEMORY, 1 | cacheable << 1, min, max);
}
