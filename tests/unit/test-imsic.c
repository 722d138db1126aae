/*
 * Unit tests for the IMSIC (one interrupt file, driven through its MMIO page and the CSR
 * hooks a hart calls) and the APLIC in MSI delivery mode writing to two harts' files through
 * system memory: identities, enables, threshold, topei and claim, the output line, reserved
 * iselects, bad MSIs; the MSI address formula, delegation to the S level, level retrigger,
 * genmsi and the lock bit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "hw/intc/riscv_aplic.h"
#include "hw/intc/riscv_imsic.h"

#define NHARTS 2
#define M_BASE 0x24000000
#define S_BASE 0x28000000
#define SOURCECFG(i) (APLIC_SOURCECFG_BASE + 4 * ((i)-1))
#define TARGET(i) (APLIC_TARGET_BASE + 4 * ((i)-1))
#define MSI_TARGET(hart, eiid) (((uint32_t)(hart) << 18) | (eiid))

static DeviceState *files[2][NHARTS]; /* [0] M, [1] S */
static int out[2][NHARTS];
static DeviceState *root, *child;

static void record(void *opaque, int n, int level)
{
    *(int *)opaque = level;
}

static DeviceState *file(bool mmode, int hart, hwaddr base)
{
    DeviceState *dev = qdev_new(TYPE_RISCV_IMSIC);

    assert_true(object_property_set_bool(OBJECT(dev), "mmode", mmode, &error_abort));
    assert_true(object_property_set_int(OBJECT(dev), "hartid", hart, &error_abort));
    assert_true(qdev_realize(dev, &error_abort));
    qdev_connect_gpio_out(dev, 0, irq_new(record, &out[!mmode][hart], 0));
    memory_region_add_subregion(get_system_memory(), base + hart * IMSIC_PAGE_SIZE,
                                sysbus_mmio_get_region(SYS_BUS_DEVICE(dev), 0));
    device_reset(dev);
    return dev;
}

static int setup(void **state)
{
    for (int h = 0; h < NHARTS; h++) {
        files[0][h] = file(true, h, M_BASE);
        files[1][h] = file(false, h, S_BASE);
    }
    return 0;
}

static int teardown(void **state)
{
    for (int l = 0; l < 2; l++) {
        for (int h = 0; h < NHARTS; h++) {
            memory_region_del_subregion(get_system_memory(),
                                        sysbus_mmio_get_region(SYS_BUS_DEVICE(files[l][h]), 0));
        }
    }
    return 0;
}

static uint64_t ireg(DeviceState *f, uint64_t sel, uint64_t val, uint64_t mask)
{
    uint64_t old = 0xdead;

    assert_true(riscv_imsic_csr_ops.rmw(f, sel, &old, val, mask));
    return old;
}

static void msi(hwaddr addr, uint32_t id)
{
    assert_int_equal(address_space_store(address_space_memory(), addr, 4, id), MEMTX_OK);
}

static void test_file_delivery(void **state)
{
    DeviceState *f = files[1][0];

    msi(S_BASE, 70);
    assert_int_equal(ireg(f, IMSIC_EIP0 + 2, 0, 0), 1ULL << 6); /* eip2 covers 64..127 */
    assert_int_equal(riscv_imsic_csr_ops.topei(f), 0);          /* not enabled */
    ireg(f, IMSIC_EIE0 + 2, 1ULL << 6, ~0ULL);
    assert_int_equal(riscv_imsic_csr_ops.topei(f), 70 << 16 | 70);
    assert_int_equal(out[1][0], 0); /* eidelivery off */
    ireg(f, IMSIC_EIDELIVERY, 1, ~0ULL);
    assert_int_equal(out[1][0], 1);
    /* a lower identity wins; the threshold hides identities at or above it */
    msi(S_BASE, 3);
    ireg(f, IMSIC_EIE0, 1 << 3, ~0ULL);
    assert_int_equal(riscv_imsic_csr_ops.topei(f) >> 16, 3);
    ireg(f, IMSIC_EITHRESHOLD, 3, ~0ULL);
    assert_int_equal(riscv_imsic_csr_ops.topei(f), 0);
    assert_int_equal(out[1][0], 0);
    ireg(f, IMSIC_EITHRESHOLD, 0, ~0ULL);
    /* claims go in order and drop the line at the end */
    riscv_imsic_csr_ops.claim(f, riscv_imsic_csr_ops.topei(f));
    assert_int_equal(riscv_imsic_csr_ops.topei(f) >> 16, 70);
    riscv_imsic_csr_ops.claim(f, riscv_imsic_csr_ops.topei(f));
    assert_int_equal(riscv_imsic_csr_ops.topei(f), 0);
    assert_int_equal(out[1][0], 0);
    /* big-endian page, and the other hart's file untouched */
    msi(S_BASE + IMSIC_SETEIPNUM_BE, __builtin_bswap32(5));
    assert_int_equal(ireg(f, IMSIC_EIP0, 0, 0), 1 << 5);
    assert_int_equal(ireg(files[1][1], IMSIC_EIP0, 0, 0), 0);
}

/* csrrw stopei: the claim is of the identity read, even if a higher one arrived since. */
static void test_claim_is_of_the_identity_read(void **state)
{
    DeviceState *f = files[1][1];
    uint32_t seen;

    ireg(f, IMSIC_EIE0, ~0ULL, ~0ULL);
    ireg(f, IMSIC_EIDELIVERY, 1, ~0ULL);
    msi(S_BASE + IMSIC_PAGE_SIZE, 9);
    seen = riscv_imsic_csr_ops.topei(f);
    msi(S_BASE + IMSIC_PAGE_SIZE, 4); /* lands between the read and the write */
    riscv_imsic_csr_ops.claim(f, seen);
    assert_int_equal(riscv_imsic_csr_ops.topei(f) >> 16, 4);
    assert_int_equal(out[1][1], 1);
}

static void test_file_bad_input(void **state)
{
    DeviceState *f = files[0][1];
    uint64_t old;

    msi(M_BASE + IMSIC_PAGE_SIZE, 0);     /* identity 0 does not exist */
    msi(M_BASE + IMSIC_PAGE_SIZE, 256);   /* beyond num-ids 255 */
    msi(M_BASE + IMSIC_PAGE_SIZE + 8, 9); /* not a seteipnum register */
    assert_int_equal(ireg(f, IMSIC_EIP0, 0, 0), 0);
    assert_int_equal(ireg(f, IMSIC_EIP0 + 6, 0, 0), 0);
    /* eip0 bit 0 is read-only zero, eip words past num-ids read zero */
    ireg(f, IMSIC_EIP0, ~0ULL, ~0ULL);
    assert_int_equal(ireg(f, IMSIC_EIP0, 0, 0), ~1ULL);
    ireg(f, IMSIC_EIP0 + 8, ~0ULL, ~0ULL);
    assert_int_equal(ireg(f, IMSIC_EIP0 + 8, 0, 0), 0);
    /* odd eip/eie numbers (RV64) and 0x71, 0x73..0x7f do not exist; WARL eidelivery */
    assert_false(riscv_imsic_csr_ops.rmw(f, IMSIC_EIP0 + 1, &old, 0, 0));
    assert_false(riscv_imsic_csr_ops.rmw(f, IMSIC_EIE0 + 3, &old, 0, 0));
    assert_false(riscv_imsic_csr_ops.rmw(f, 0x71, &old, 0, 0));
    assert_false(riscv_imsic_csr_ops.rmw(f, 0x7f, &old, 0, 0));
    ireg(f, IMSIC_EIDELIVERY, 0x40000001, ~0ULL);
    assert_int_equal(ireg(f, IMSIC_EIDELIVERY, 0, 0), 1);
    ireg(f, IMSIC_EITHRESHOLD, 0x1234, ~0ULL);
    assert_int_equal(ireg(f, IMSIC_EITHRESHOLD, 0, 0), 0x34); /* 8 bits for 255 ids */
}

static uint32_t rd(DeviceState *d, hwaddr addr)
{
    uint64_t v = 0;

    memory_region_dispatch_read(sysbus_mmio_get_region(SYS_BUS_DEVICE(d), 0), addr, &v, 4);
    return v;
}

static void wr(DeviceState *d, hwaddr addr, uint32_t v)
{
    memory_region_dispatch_write(sysbus_mmio_get_region(SYS_BUS_DEVICE(d), 0), addr, v, 4);
}

static DeviceState *domain(bool mmode)
{
    DeviceState *dev = qdev_new(TYPE_RISCV_APLIC);

    assert_true(object_property_set_int(OBJECT(dev), "num-harts", NHARTS, &error_abort));
    assert_true(object_property_set_bool(OBJECT(dev), "mmode", mmode, &error_abort));
    assert_true(object_property_set_bool(OBJECT(dev), "msimode", true, &error_abort));
    assert_true(qdev_realize(dev, &error_abort));
    return dev;
}

static int setup_aplic(void **state)
{
    setup(state);
    root = domain(true);
    child = domain(false);
    aplic_set_child(root, child, 8);
    device_reset(root);
    device_reset(child);
    /* one group, one hart index bit, pages 4 KiB apart: M files at 0x24000000 + h << 12 */
    wr(root, APLIC_MMSIADDRCFG, M_BASE >> 12);
    wr(root, APLIC_MMSIADDRCFG + 4, 1 << 12); /* LHXW = 1 */
    wr(root, APLIC_MMSIADDRCFG + 8, S_BASE >> 12);
    for (int l = 0; l < 2; l++) {
        for (int h = 0; h < NHARTS; h++) {
            ireg(files[l][h], IMSIC_EIE0, ~0ULL, ~0ULL);
            ireg(files[l][h], IMSIC_EIDELIVERY, 1, ~0ULL);
        }
    }
    return 0;
}

static void test_aplic_msi_to_m_and_s(void **state)
{
    assert_int_equal(rd(root, APLIC_DOMAINCFG), 0x80000000u | APLIC_DOMAINCFG_DM);
    /* source 3, edge, in the root: hart 1, identity 9 of the M file */
    wr(root, SOURCECFG(3), APLIC_SM_EDGE1);
    wr(root, TARGET(3), MSI_TARGET(1, 9));
    wr(root, APLIC_SETIENUM, 3);
    wr(root, APLIC_DOMAINCFG, 1 << 8);
    irq_set(qdev_get_gpio_in(root, 3), 1);
    assert_int_equal(riscv_imsic_csr_ops.topei(files[0][1]) >> 16, 9);
    assert_int_equal(out[0][1], 1);
    assert_int_equal(rd(root, APLIC_SETIP_BASE), 0); /* forwarded: no longer pending */
    /* source 5 delegated to the S domain: hart 0, identity 33 of the S file */
    wr(root, SOURCECFG(5), APLIC_SOURCECFG_D);
    wr(child, SOURCECFG(5), APLIC_SM_LEVEL1);
    wr(child, TARGET(5), MSI_TARGET(0, 33));
    wr(child, APLIC_SETIENUM, 5);
    wr(child, APLIC_DOMAINCFG, 1 << 8);
    irq_set(qdev_get_gpio_in(root, 5), 1);
    assert_int_equal(riscv_imsic_csr_ops.topei(files[1][0]) >> 16, 33);
    riscv_imsic_csr_ops.claim(files[1][0], riscv_imsic_csr_ops.topei(files[1][0]));
    /* the input is still high: no new MSI until the driver retriggers through setipnum */
    assert_int_equal(riscv_imsic_csr_ops.topei(files[1][0]), 0);
    wr(child, APLIC_SETIPNUM, 5);
    assert_int_equal(riscv_imsic_csr_ops.topei(files[1][0]) >> 16, 33);
    riscv_imsic_csr_ops.claim(files[1][0], riscv_imsic_csr_ops.topei(files[1][0]));
    irq_set(qdev_get_gpio_in(root, 5), 0);
    wr(child, APLIC_SETIPNUM, 5); /* input low: a level source cannot be set */
    assert_int_equal(riscv_imsic_csr_ops.topei(files[1][0]), 0);
    /* the child has no address registers; genmsi sends one directly */
    assert_int_equal(rd(child, APLIC_MMSIADDRCFG), 0);
    wr(root, APLIC_GENMSI, MSI_TARGET(0, 44));
    assert_int_equal(riscv_imsic_csr_ops.topei(files[0][0]) >> 16, 44);
}

static void test_aplic_guest_index(void **state)
{
    /* S domain, source 6 to hart 0 guest file 1: with LHXS = 1 each hart has 2 S-level
     * pages, so guest 1 of hart 0 is the second page (here hart 1's S file of the fixture) */
    wr(root, APLIC_SMSIADDRCFGH, 1 << 20);
    wr(root, SOURCECFG(6), APLIC_SOURCECFG_D);
    wr(child, SOURCECFG(6), APLIC_SM_EDGE1);
    wr(child, TARGET(6), MSI_TARGET(0, 21) | 1 << 12);
    assert_int_equal(rd(child, TARGET(6)), MSI_TARGET(0, 21) | 1 << 12);
    wr(child, APLIC_SETIENUM, 6);
    wr(child, APLIC_DOMAINCFG, 1 << 8);
    irq_set(qdev_get_gpio_in(root, 6), 1);
    assert_int_equal(riscv_imsic_csr_ops.topei(files[1][1]) >> 16, 21);
    assert_int_equal(riscv_imsic_csr_ops.topei(files[1][0]), 0);
    /* the machine level has no guest files: its guest index reads zero */
    wr(root, SOURCECFG(7), APLIC_SM_EDGE1);
    wr(root, TARGET(7), MSI_TARGET(1, 22) | 1 << 12);
    assert_int_equal(rd(root, TARGET(7)), MSI_TARGET(1, 22));
}

static void test_aplic_msiaddrcfg_lock(void **state)
{
    wr(root, APLIC_MMSIADDRCFG + 4, (1u << 31) | (1 << 12));
    wr(root, APLIC_MMSIADDRCFG, 0x12345);
    assert_int_equal(rd(root, APLIC_MMSIADDRCFG), M_BASE >> 12);
    assert_int_equal(rd(root, APLIC_MMSIADDRCFG + 4), (1u << 31) | (1 << 12));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_file_delivery, setup, teardown),
        cmocka_unit_test_setup_teardown(test_claim_is_of_the_identity_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_bad_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_aplic_msi_to_m_and_s, setup_aplic, teardown),
        cmocka_unit_test_setup_teardown(test_aplic_guest_index, setup_aplic, teardown),
        cmocka_unit_test_setup_teardown(test_aplic_msiaddrcfg_lock, setup_aplic, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
