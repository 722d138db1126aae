/*
 * Unit tests for the SMBIOS builder (hw/smbios/smbios.c): the structures QEMU 7.2 gives a
 * q35 guest with -m 512 byte for byte (the bytes below are what the guest read from
 * /sys/firmware/dmi/tables/DMI under qemu-system-x86_64 -M q35 -m 512, after SeaBIOS's
 * own type 0), the entry point's checksums and counts, the walk of every structure (lengths,
 * handles, string sets), several sockets, DIMMs and RAM ranges, and -smbios/-uuid parsing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "hw/smbios/smbios.h"

/* qemu-system-x86_64 -M q35 -m 512 (QEMU 7.2, qemu64): types 1, 3, 4, 16, 17, 19, 32, 127. */
static const uint8_t qemu_q35_512m[] = {
    0x01, 0x1b, 0x00, 0x01, 0x01, 0x02, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x51, 0x45, 0x4d, 0x55, 0x00,
    0x53, 0x74, 0x61, 0x6e, 0x64, 0x61, 0x72, 0x64, 0x20, 0x50, 0x43, 0x20, 0x28, 0x51, 0x33, 0x35,
    0x20, 0x2b, 0x20, 0x49, 0x43, 0x48, 0x39, 0x2c, 0x20, 0x32, 0x30, 0x30, 0x39, 0x29, 0x00, 0x70,
    0x63, 0x2d, 0x71, 0x33, 0x35, 0x2d, 0x37, 0x2e, 0x32, 0x00, 0x00, 0x03, 0x16, 0x00, 0x03, 0x01,
    0x01, 0x02, 0x00, 0x00, 0x03, 0x03, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x51, 0x45, 0x4d, 0x55, 0x00, 0x70, 0x63, 0x2d, 0x71, 0x33, 0x35, 0x2d, 0x37, 0x2e, 0x32,
    0x00, 0x00, 0x04, 0x2a, 0x00, 0x04, 0x01, 0x03, 0x01, 0x02, 0xb1, 0x0f, 0x06, 0x00, 0xfd, 0xfb,
    0x8b, 0x07, 0x03, 0x00, 0x00, 0x00, 0xd0, 0x07, 0xd0, 0x07, 0x41, 0x01, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0x01, 0x01, 0x02, 0x00, 0x01, 0x00, 0x43, 0x50, 0x55, 0x20,
    0x30, 0x00, 0x51, 0x45, 0x4d, 0x55, 0x00, 0x70, 0x63, 0x2d, 0x71, 0x33, 0x35, 0x2d, 0x37, 0x2e,
    0x32, 0x00, 0x00, 0x10, 0x17, 0x00, 0x10, 0x01, 0x03, 0x06, 0x00, 0x00, 0x08, 0x00, 0xfe, 0xff,
    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x11, 0x28, 0x00, 0x11,
    0x00, 0x10, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x02, 0x09, 0x00, 0x01, 0x00, 0x07, 0x02,
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x44, 0x49, 0x4d, 0x4d, 0x20, 0x30, 0x00, 0x51, 0x45, 0x4d, 0x55, 0x00,
    0x00, 0x13, 0x1f, 0x00, 0x13, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x07, 0x00, 0x00, 0x10, 0x01,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x20, 0x0b, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x7f,
    0x04, 0x00, 0x7f, 0x00, 0x00,
};

static SMBIOSMachineInfo q35_info(uint64_t below_4g, uint64_t above_4g)
{
    return (SMBIOSMachineInfo){
        .manufacturer = "QEMU",
        .product = "Standard PC (Q35 + ICH9, 2009)",
        .version = "pc-q35-7.2",
        .sockets = 1,
        .cores = 1,
        .threads = 1,
        .cpuid_version = 0x00060fb1, /* qemu64 */
        .cpuid_features = 0x078bfbfd,
        .ram_size = below_4g + above_4g,
        .ram = {{0, below_4g}, {4 * GiB, above_4g}},
    };
}

static uint8_t sum(const uint8_t *p, size_t n)
{
    uint8_t s = 0;

    while (n--) {
        s += *p++;
    }
    return s;
}

/* One structure as walked: where it starts, its type, length, handle, strings. */
typedef struct Walked {
    const uint8_t *p;
    uint8_t type, len;
    uint16_t handle;
    const char *strings[8];
    unsigned nstrings;
} Walked;

/* Walk the table as a reader must: formatted area, strings, double NUL; assert it ends. */
static unsigned walk(const SMBIOSTables *t, Walked *w, unsigned max)
{
    size_t off = 0;
    unsigned n = 0;

    while (off < t->len) {
        const uint8_t *p = t->tables + off;
        size_t str;

        assert_true(n < max);
        assert_true(off + 4 <= t->len && p[1] >= 4 && off + p[1] + 2 <= t->len);
        w[n] = (Walked){.p = p, .type = p[0], .len = p[1], .handle = p[2] | p[3] << 8};
        str = off + p[1];
        if (t->tables[str] == 0) {
            assert_int_equal(t->tables[str + 1], 0); /* no strings: two NULs */
            str += 2;
        } else {
            while (t->tables[str]) {
                const char *s = (const char *)t->tables + str;
                assert_true(w[n].nstrings < 8);
                w[n].strings[w[n].nstrings++] = s;
                str += strlen(s) + 1;
                assert_true(str < t->len);
            }
            str++;
        }
        /* Each structure's size fits the announced maximum. */
        assert_true(str - off <= t->max_struct_size);
        off = str;
        n++;
    }
    assert_int_equal(off, t->len);
    assert_int_equal(n, t->count);
    assert_int_equal(w[n - 1].type, 127);
    return n;
}

static void free_tables(SMBIOSTables *t)
{
    free(t->tables);
    free(t->anchor);
}

static void test_q35_512m_is_qemus(void **state)
{
    SMBIOSMachineInfo m = q35_info(512 * MiB, 0);
    SMBIOSTables t;

    smbios_build(&m, NULL, &t);
    assert_int_equal(t.len, sizeof(qemu_q35_512m));
    assert_memory_equal(t.tables, qemu_q35_512m, sizeof(qemu_q35_512m));
    assert_int_equal(t.count, 8);
    assert_int_equal(t.max_struct_size, 0x4b); /* type 1 with its three strings */
    free_tables(&t);
}

static void test_entry_point(void **state)
{
    SMBIOSMachineInfo m = q35_info(512 * MiB, 0);
    SMBIOSTables t;
    const uint8_t *a;

    smbios_build(&m, NULL, &t);
    a = t.anchor;
    assert_memory_equal(a, "_SM_", 4);
    assert_int_equal(a[5], SMBIOS_ENTRY_POINT_LEN);
    assert_int_equal(a[6], 2);
    assert_int_equal(a[7], 8);
    assert_int_equal(a[8] | a[9] << 8, t.max_struct_size);
    assert_memory_equal(a + 0x10, "_DMI_", 5);
    assert_int_equal(a[0x16] | a[0x17] << 8, t.len);
    assert_int_equal(a[0x18] | a[0x19] << 8 | a[0x1a] << 16 | a[0x1b] << 24, 0); /* SeaBIOS's */
    assert_int_equal(a[0x1c] | a[0x1d] << 8, t.count);
    assert_int_equal(a[0x1e], 0x28);
    assert_int_equal(sum(a, SMBIOS_ENTRY_POINT_LEN), 0);
    assert_int_equal(sum(a + 0x10, 0x0f), 0);
    assert_int_not_equal(a[4], 0);
    free_tables(&t);
}

static void test_structures_walk(void **state)
{
    static const uint8_t types[] = {1, 3, 4, 16, 17, 19, 32, 127};
    static const uint8_t lens[] = {0x1b, 0x16, 0x2a, 0x17, 0x28, 0x1f, 0x0b, 0x04};
    SMBIOSMachineInfo m = q35_info(512 * MiB, 0);
    SMBIOSTables t;
    Walked w[16];

    smbios_build(&m, NULL, &t);
    assert_int_equal(walk(&t, w, 16), 8);
    for (int i = 0; i < 8; i++) {
        assert_int_equal(w[i].type, types[i]);
        assert_int_equal(w[i].len, lens[i]);
        assert_int_equal(w[i].handle, types[i] * 0x100);
    }
    assert_int_equal(w[0].nstrings, 3);
    assert_string_equal(w[0].strings[1], "Standard PC (Q35 + ICH9, 2009)");
    assert_string_equal(w[2].strings[0], "CPU 0");
    assert_string_equal(w[4].strings[0], "DIMM 0");
    assert_int_equal(w[6].nstrings, 0);
    free_tables(&t);
}

/* 40 GiB (2 GiB below 4 GiB), 3 sockets of 2 cores x 2 threads. */
static void test_sockets_dimms_and_ranges(void **state)
{
    SMBIOSMachineInfo m = q35_info(2 * GiB, 38 * GiB);
    SMBIOSTables t;
    Walked w[32];
    unsigned n, n4 = 0, n17 = 0, n19 = 0;

    m.sockets = 3;
    m.cores = 2;
    m.threads = 4;
    smbios_build(&m, NULL, &t);
    n = walk(&t, w, 32);
    for (unsigned i = 0; i < n; i++) {
        const uint8_t *p = w[i].p;
        switch (w[i].type) {
        case 4:
            assert_int_equal(w[i].handle, 0x400 + n4);
            assert_int_equal(p[0x23], 2); /* core count, enabled, thread count */
            assert_int_equal(p[0x24], 2);
            assert_int_equal(p[0x25], 4);
            assert_true(n4 < 3 && w[i].strings[0][4] == (char)('0' + n4));
            n4++;
            break;
        case 16: /* 40 GiB in KiB, 3 devices */
            assert_int_equal(p[7] | p[8] << 8 | p[9] << 16 | (uint32_t)p[10] << 24, 40 << 20);
            assert_int_equal(p[13] | p[14] << 8, 3);
            break;
        case 17: /* 16, 16, 8 GiB, in MiB (under 0x7fff: no extended size) */
            assert_int_equal(w[i].handle, 0x1100 + n17);
            assert_int_equal(p[12] | p[13] << 8, n17 < 2 ? 16384 : 8192);
            assert_int_equal(p[0x1c] | p[0x1d] << 8 | p[0x1e] << 16, 0);
            n17++;
            break;
        case 19: /* [0, 2G) and [4G, 42G) in KiB, inclusive ends */
            assert_int_equal(w[i].handle, 0x1300 + n19);
            assert_int_equal(p[4] | p[5] << 8 | p[6] << 16 | (uint32_t)p[7] << 24,
                             n19 ? 4 << 20 : 0);
            assert_int_equal(p[8] | p[9] << 8 | p[10] << 16 | (uint32_t)p[11] << 24,
                             n19 ? (42 << 20) - 1 : (2 << 20) - 1);
            n19++;
            break;
        }
    }
    assert_int_equal(n4, 3);
    assert_int_equal(n17, 3);
    assert_int_equal(n19, 2);
    free_tables(&t);
}

/* Past 4 TiB the plain 32-bit KiB fields are all ones and the 64-bit byte fields count. */
static void test_huge_ram_uses_extended_fields(void **state)
{
    SMBIOSMachineInfo m = q35_info(2 * GiB, 5 * 1024 * GiB);
    SMBIOSTables t;
    Walked w[400];
    unsigned n;

    smbios_build(&m, NULL, &t);
    n = walk(&t, w, 400);
    for (unsigned i = 0; i < n; i++) {
        const uint8_t *p = w[i].p;
        uint64_t ext_end;
        if (w[i].type == 16) {
            assert_int_equal(p[7] | p[8] << 8 | p[9] << 16 | (uint32_t)p[10] << 24, 0x80000000U);
            uint64_t ext;
            memcpy(&ext, p + 15, 8);
            assert_int_equal(ext, m.ram_size);
        }
        if (w[i].type == 19 && w[i].handle == 0x1301) {
            assert_int_equal(p[8] | p[9] << 8 | p[10] << 16 | (uint32_t)p[11] << 24, 0xffffffffU);
            memcpy(&ext_end, p + 0x17, 8);
            assert_int_equal(ext_end, 4 * GiB + 5 * 1024 * GiB - 1);
        }
    }
    free_tables(&t);
}

static void test_type1_fields_and_uuid(void **state)
{
    SMBIOSMachineInfo m = q35_info(512 * MiB, 0);
    SMBIOSFields f = {0};
    SMBIOSTables t;
    Walked w[16];
    /* QEMU's bytes for -uuid 12345678-9abc-def0-1122-334455667788: three fields swapped. */
    static const uint8_t uuid[16] = {0x78, 0x56, 0x34, 0x12, 0xbc, 0x9a, 0xf0, 0xde,
                                     0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};

    smbios_set_uuid(&f, "12345678-9abc-def0-1122-334455667788");
    assert_true(smbios_parse_option(
        &f, "type=1,manufacturer=Acme,product=Box,version=v1,serial=S1,sku=K,family=F",
        &error_abort));
    smbios_build(&m, &f, &t);
    walk(&t, w, 16);
    assert_int_equal(w[0].type, 1);
    assert_memory_equal(w[0].p + 8, uuid, 16);
    assert_int_equal(w[0].nstrings, 6);
    assert_string_equal(w[0].strings[0], "Acme");
    assert_string_equal(w[0].strings[3], "S1");
    assert_int_equal(w[0].p[7], 4);    /* serial */
    assert_int_equal(w[0].p[0x19], 5); /* SKU */
    assert_int_equal(w[0].p[0x1a], 6); /* family */
    /* The chassis keeps QEMU's manufacturer. */
    assert_string_equal(w[1].strings[0], "QEMU");
    free_tables(&t);
}

/* -smbios type=0,...: QEMU's type 0 (handle 0), which SeaBIOS then keeps instead of its own. */
static void test_type0_from_options(void **state)
{
    /* QEMU 7.2's, with vendor=Acme,version=9.9,date=01/02/2003,release=1.2. */
    static const uint8_t qemu_type0[] = {
        0x00, 0x18, 0x00, 0x00, 0x01, 0x02, 0x00, 0xe8, 0x03, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x14, 0x01, 0x02, 0xff, 0xff, 'A',  'c',  'm',  'e',  0x00, '9',
        '.',  '9',  0x00, '0',  '1',  '/',  '0',  '2',  '/',  '2',  '0',  '0',  '3',  0x00, 0x00};
    SMBIOSMachineInfo m = q35_info(512 * MiB, 0);
    SMBIOSFields f = {0};
    SMBIOSTables t;
    Walked w[16];

    assert_true(
        smbios_parse_option(&f, "type=0,vendor=Acme,version=9.9,date=01/02/2003", &error_abort));
    assert_true(smbios_parse_option(&f, "type=0,release=1.2", &error_abort));
    smbios_build(&m, &f, &t);
    assert_int_equal(walk(&t, w, 16), 9);
    assert_memory_equal(t.tables, qemu_type0, sizeof(qemu_type0));
    assert_int_equal(w[1].type, 1);
    free_tables(&t);
}

static void test_option_errors(void **state)
{
    static const struct {
        const char *opt, *msg;
    } bad[] = {
        {"type=1,foo=bar", "Invalid parameter 'foo'"},
        {"type=9", "Don't know how to build fields for SMBIOS type 9"},
        {"type=3,manufacturer=x", "fields for SMBIOS type 3 are not supported"},
        {"type=1,uuid=zz", "Invalid UUID"},
        {"manufacturer=x", "Must specify type= or file="},
        {"file=/nonexistent", "not supported"},
        {"type=0,uefi=maybe", "'uefi'"},
    };

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        SMBIOSFields f = {0};
        Error *err = NULL;
        assert_false(smbios_parse_option(&f, bad[i].opt, &err));
        assert_non_null(err);
        assert_non_null(strstr(error_get_pretty(err), bad[i].msg));
        error_free(err);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_q35_512m_is_qemus),
        cmocka_unit_test(test_entry_point),
        cmocka_unit_test(test_structures_walk),
        cmocka_unit_test(test_sockets_dimms_and_ranges),
        cmocka_unit_test(test_huge_ram_uses_extended_fields),
        cmocka_unit_test(test_type1_fields_and_uuid),
        cmocka_unit_test(test_type0_from_options),
        cmocka_unit_test(test_option_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
