/*
 * Unit tests for the AML builder and the table-loader commands (hw/acpi/aml-build.c,
 * hw/acpi/bios-linker-loader.c): PkgLength at its size boundaries, name paths, EISA IDs,
 * integers, a resource template with its End Tag, nested packages, and the 128-byte
 * loader commands as SeaBIOS reads them. Expected bytes are worked out from the ACPI 6.4
 * grammar (20.2) by hand; the whole DSDT is checked by iasl in test_x86_boot.py.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "hw/acpi/bios-linker-loader.h"

static void assert_blob(AcpiBlob *b, const uint8_t *want, size_t len)
{
    assert_int_equal(b->len, len);
    assert_memory_equal(b->data, want, len);
    acpi_blob_free(b);
}

static void test_pkglength(void **state)
{
    AcpiBlob b = {0};

    aml_encode_pkglength(&b, 62); /* 63 with itself: the largest one-byte form */
    assert_blob(&b, (const uint8_t[]){63}, 1);
    aml_encode_pkglength(&b, 63); /* 65: two bytes, low nibble 1, then 65 >> 4 */
    assert_blob(&b, (const uint8_t[]){0x41, 0x04}, 2);
    aml_encode_pkglength(&b, 0xffd); /* 0xfff */
    assert_blob(&b, (const uint8_t[]){0x4f, 0xff}, 2);
    aml_encode_pkglength(&b, 0xffe); /* 0x1001: three bytes */
    assert_blob(&b, (const uint8_t[]){0x81, 0x00, 0x01}, 3);
    aml_encode_pkglength(&b, 0x100000); /* 0x100004: four bytes */
    assert_blob(&b, (const uint8_t[]){0xc4, 0x00, 0x00, 0x01}, 4);
}

static void test_names(void **state)
{
    AcpiBlob b = {0};

    aml_encode_name(&b, "_HID");
    assert_blob(&b, (const uint8_t *)"_HID", 4);
    aml_encode_name(&b, "ISA");
    assert_blob(&b, (const uint8_t *)"ISA_", 4);
    aml_encode_name(&b, "\\_SB.PCI0");
    assert_blob(&b, (const uint8_t *)"\\\x2e_SB_PCI0", 10);
    aml_encode_name(&b, "\\_SB.PCI0.ISA");
    assert_blob(&b, (const uint8_t *)"\\\x2f\x03_SB_PCI0ISA_", 15);
    aml_encode_name(&b, "^COM1");
    assert_blob(&b, (const uint8_t *)"^COM1", 5);
}

static void test_name_decls(void **state)
{
    Aml *top = aml_scope("");
    AcpiBlob b = {0};
    /* Name(_HID, EisaId("PNP0A08")): 0x080ad041; Name(X, 0x1234); Name(Y, "ab") */
    static const uint8_t want[] = {0x08, '_',  'H', 'I', 'D',  0x0c, 0x41, 0xd0, 0x0a, 0x08, 0x08,
                                   'X',  '_',  '_', '_', 0x0b, 0x34, 0x12, 0x08, 'Y',  '_',  '_',
                                   '_',  0x0d, 'a', 'b', 0,    0x08, 'Z',  '_',  '_',  '_',  0x01};

    aml_append(top, aml_name_decl("_HID", aml_eisaid("PNP0A08")));
    aml_append(top, aml_name_decl("X", aml_int(0x1234)));
    aml_append(top, aml_name_decl("Y", aml_string("ab")));
    aml_append(top, aml_name_decl("Z", aml_int(1)));
    acpi_append_aml(&b, top);
    assert_blob(&b, want, sizeof(want));
}

static void test_resource_template_and_package(void **state)
{
    Aml *top = aml_scope("");
    Aml *crs = aml_resource_template();
    Aml *pkg = aml_package();
    AcpiBlob b = {0};
    /* Buffer: op, PkgLength 8, BufferSize 5, IRQNoFlags{4}, End Tag; Package{0, 0xff} */
    static const uint8_t want[] = {0x11, 0x08, 0x0a, 0x05, 0x22, 0x10, 0x00, 0x79,
                                   0x00, 0x12, 0x05, 0x02, 0x00, 0x0a, 0xff};

    aml_append(crs, aml_irq_no_flags(4));
    aml_append(top, crs);
    aml_append(pkg, aml_int(0));
    aml_append(pkg, aml_int(0xff));
    aml_append(top, pkg);
    acpi_append_aml(&b, top);
    assert_blob(&b, want, sizeof(want));
}

static void test_device_scope(void **state)
{
    Aml *sb = aml_scope("\\_SB");
    Aml *dev = aml_device("HPET");
    AcpiBlob b = {0};
    /* Scope(\_SB){ Device(HPET){ Name(_UID, 0) } } */
    static const uint8_t want[] = {0x10, 0x13, '\\', '_', 'S',  'B', '_', 0x5b, 0x82, 0x0b,
                                   'H',  'P',  'E',  'T', 0x08, '_', 'U', 'I',  'D',  0x00};
    Aml *top = aml_scope("");

    aml_append(dev, aml_name_decl("_UID", aml_int(0)));
    aml_append(sb, dev);
    aml_append(top, sb);
    acpi_append_aml(&b, top);
    assert_blob(&b, want, sizeof(want));
}

static void test_linker_commands(void **state)
{
    BIOSLinker l = {0};
    AcpiBlob table = {0};
    const uint8_t *c;

    acpi_blob_append_zeros(&table, 16);
    bios_linker_loader_alloc(&l, "etc/acpi/rsdp", 16, true);
    bios_linker_loader_add_pointer(&l, "etc/acpi/rsdp", &table, 8, 4, "etc/acpi/tables", 0x40);
    bios_linker_loader_add_checksum(&l, "etc/acpi/rsdp", 0, 16, 9);
    assert_int_equal(l.cmds.len, 3 * 128);
    c = l.cmds.data;
    assert_int_equal(c[0], 1);
    assert_string_equal((const char *)c + 4, "etc/acpi/rsdp");
    assert_int_equal(c[60], 16);
    assert_int_equal(c[64], BIOS_LINKER_ZONE_FSEG);
    c += 128;
    assert_int_equal(c[0], 2);
    assert_string_equal((const char *)c + 4 + 56, "etc/acpi/tables");
    assert_int_equal(c[4 + 112], 8);
    assert_int_equal(c[4 + 116], 4);
    /* the pointer field holds the offset into the source file until the loader adds */
    assert_int_equal(table.data[8], 0x40);
    c += 128;
    assert_int_equal(c[0], 3);
    assert_int_equal(c[60], 9);
    assert_int_equal(c[64], 0);
    assert_int_equal(c[68], 16);
    acpi_blob_free(&l.cmds);
    acpi_blob_free(&table);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pkglength),    cmocka_unit_test(test_names),
        cmocka_unit_test(test_name_decls),   cmocka_unit_test(test_resource_template_and_package),
        cmocka_unit_test(test_device_scope), cmocka_unit_test(test_linker_commands),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
