/*
 * Unit tests for IMSIC guest interrupt files at the hart (-machine aia-guests): a hart with
 * H and Ssaia, GEILEN 2, and two guest files wired to its guest external interrupt lines.
 * hgeip follows each file's output, hgeie gates SGEI, hstatus.VGEIN picks the file behind
 * VSEIP, vsiselect/vsireg/vstopei (and siselect/sireg/stopei under V=1) reach that file, and
 * without a valid VGEIN those accesses raise the AIA 2.3 exceptions (illegal from HS,
 * virtual instruction from VS). vstopi ranks the VS interrupts in the default order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hw/intc/riscv_imsic.h"
#include "test-csr-access.h"

#define GUEST_BASE 0x28000000 /* S file page, then guest files 1 and 2 */

static DeviceState *guest[3];

static int setup(void **state)
{
    cpu = RISCV_CPU(object_new(TYPE_RISCV_CPU_RV64));
    assert_true(object_property_parse(OBJECT(cpu), "ssaia", "true", &error_abort));
    assert_true(object_property_parse(OBJECT(cpu), "smaia", "true", &error_abort));
    env = &cpu->env;
    riscv_cpu_set_geilen(cpu, 2);
    for (int g = 1; g <= 2; g++) {
        guest[g] = riscv_imsic_create(GUEST_BASE + g * IMSIC_PAGE_SIZE, cpu, false, g,
                                      IMSIC_VIRT_NUM_IDS, &error_abort);
        qdev_connect_gpio_out(guest[g], 0, qdev_get_gpio_in(DEVICE(cpu), RISCV_CPU_GEI_LINE(g)));
        device_reset(guest[g]);
    }
    riscv_cpu_reset(cpu);
    env->priv = PRV_S; /* HS */
    return 0;
}

static int teardown(void **state)
{
    for (int g = 1; g <= 2; g++) {
        memory_region_del_subregion(get_system_memory(),
                                    sysbus_mmio_get_region(SYS_BUS_DEVICE(guest[g]), 0));
    }
    object_unref(OBJECT(cpu));
    return 0;
}

static RISCVException csr_try(int csrno)
{
    uint64_t val;

    return riscv_csrrw(env, csrno, &val, 0, 0);
}

static void msi(int g, uint32_t id)
{
    memory_region_dispatch_write(sysbus_mmio_get_region(SYS_BUS_DEVICE(guest[g]), 0),
                                 IMSIC_SETEIPNUM_LE, id, 4);
}

static void set_vgein(unsigned g)
{
    csr_write(CSR_HSTATUS, (uint64_t)g << HSTATUS_VGEIN_SHIFT);
}

/* Turn on delivery of every identity in guest file g through vsiselect/vsireg from HS. */
static void enable_file(unsigned g)
{
    set_vgein(g);
    csr_write(CSR_VSISELECT, IMSIC_EIE0);
    csr_write(CSR_VSIREG, ~0ULL);
    csr_write(CSR_VSISELECT, IMSIC_EIDELIVERY);
    csr_write(CSR_VSIREG, 1);
}

static void test_hgeip_follows_guest_files(void **state)
{
    enable_file(1);
    enable_file(2);
    msi(2, 5);
    assert_int_equal(csr_read(CSR_HGEIP), 1 << 2);
    assert_int_equal(csr_read(CSR_HIP) & MIP_SGEIP, 0); /* hgeie 0 */
    csr_write(CSR_HGEIE, 1 << 2);
    assert_int_equal(csr_read(CSR_HIP) & MIP_SGEIP, MIP_SGEIP);
    /* VSEIP is the file VGEIN names */
    set_vgein(1);
    assert_int_equal(csr_read(CSR_HIP) & MIP_VSEIP, 0);
    set_vgein(2);
    assert_int_equal(csr_read(CSR_HIP) & MIP_VSEIP, MIP_VSEIP);
    /* a threshold at or below the identity masks it (identities below it count) */
    csr_write(CSR_VSISELECT, IMSIC_EITHRESHOLD);
    csr_write(CSR_VSIREG, 5);
    assert_int_equal(csr_read(CSR_HGEIP), 0);
    csr_write(CSR_VSIREG, 6);
    assert_int_equal(csr_read(CSR_HGEIP), 1 << 2);
    /* vstopei from HS claims it; file 1 saw nothing */
    assert_int_equal(csr_read(CSR_VSTOPEI), 5 << 16 | 5);
    csr_write(CSR_VSTOPEI, 0);
    assert_int_equal(csr_read(CSR_HGEIP), 0);
    set_vgein(1);
    assert_int_equal(csr_read(CSR_VSTOPEI), 0);
}

static void test_vs_reaches_the_vgein_file(void **state)
{
    enable_file(2);
    csr_write(CSR_SISELECT, 0x30);
    csr_write(CSR_HIDELEG, MIP_VSEIP);
    csr_write(CSR_VSIE, MIP_SEIP);
    msi(2, 9);
    env->priv = PRV_S;
    riscv_cpu_set_virt(env, true);
    /* siselect is vsiselect (still EIDELIVERY from enable_file); HS's stays 0x30 */
    assert_int_equal(csr_read(CSR_SISELECT), IMSIC_EIDELIVERY);
    assert_int_equal(csr_read(CSR_SIREG), 1);
    assert_int_equal(csr_read(CSR_STOPI), (uint64_t)IRQ_S_EXT << 16 | 1);
    assert_int_equal(csr_read(CSR_STOPEI), 9 << 16 | 9);
    csr_write(CSR_STOPEI, 0);
    assert_int_equal(csr_read(CSR_STOPEI), 0);
    assert_int_equal(csr_read(CSR_STOPI), 0);
    riscv_cpu_set_virt(env, false);
    assert_int_equal(csr_read(CSR_SISELECT), 0x30);
    assert_int_equal(csr_read(CSR_HGEIP), 0);
}

static void test_no_guest_file_selected(void **state)
{
    /* HS: VGEIN 0 makes 0x70..0xff, 0x30..0x3f and vstopei illegal */
    csr_write(CSR_VSISELECT, IMSIC_EIDELIVERY);
    assert_int_equal(csr_try(CSR_VSIREG), RISCV_EXCP_ILLEGAL_INST);
    assert_int_equal(csr_try(CSR_VSTOPEI), RISCV_EXCP_ILLEGAL_INST);
    csr_write(CSR_VSISELECT, 0x30);
    assert_int_equal(csr_try(CSR_VSIREG), RISCV_EXCP_ILLEGAL_INST);
    /* VGEIN above GEILEN cannot be written: it stays 0 */
    set_vgein(3);
    assert_int_equal(csr_read(CSR_HSTATUS) & HSTATUS_VGEIN, 0);
    /* VS: the same accesses are virtual-instruction exceptions a hypervisor can emulate */
    riscv_cpu_set_virt(env, true);
    assert_int_equal(csr_try(CSR_SIREG), RISCV_EXCP_VIRT_INSTRUCTION_FAULT);
    csr_write(CSR_SISELECT, IMSIC_EIP0);
    assert_int_equal(csr_try(CSR_SIREG), RISCV_EXCP_VIRT_INSTRUCTION_FAULT);
    assert_int_equal(csr_try(CSR_STOPEI), RISCV_EXCP_VIRT_INSTRUCTION_FAULT);
    assert_int_equal(csr_read(CSR_STOPI), 0);
    /* the vs* CSRs themselves are hypervisor CSRs: virtual instruction from VS */
    assert_int_equal(csr_try(CSR_VSTOPEI), RISCV_EXCP_VIRT_INSTRUCTION_FAULT);
    assert_int_equal(csr_try(CSR_VSTOPI), RISCV_EXCP_VIRT_INSTRUCTION_FAULT);
    /* VU: sireg is a virtual-instruction exception whatever the selector */
    env->priv = PRV_U;
    assert_int_equal(csr_try(CSR_SISELECT), RISCV_EXCP_VIRT_INSTRUCTION_FAULT);
}

static void test_topi_orders(void **state)
{
    /* HS's stopi names SGEI (not delegated to VS); vstopi ranks SEI over SSI over STI */
    enable_file(1);
    set_vgein(0);
    msi(1, 3);
    csr_write(CSR_HGEIE, 1 << 1);
    csr_write(CSR_HIE, MIP_SGEIP | MIP_VSSIP | MIP_VSTIP | MIP_VSEIP);
    assert_int_equal(csr_read(CSR_STOPI), (uint64_t)IRQ_S_GEXT << 16 | 1);
    csr_write(CSR_HIDELEG, MIP_VSSIP | MIP_VSTIP | MIP_VSEIP);
    csr_write(CSR_HVIP, MIP_VSSIP | MIP_VSTIP);
    assert_int_equal(csr_read(CSR_VSTOPI), (uint64_t)IRQ_S_SOFT << 16 | 1); /* VGEIN 0 */
    set_vgein(1);
    assert_int_equal(csr_read(CSR_VSTOPI), (uint64_t)IRQ_S_EXT << 16 | 1);
    csr_write(CSR_HVIP, MIP_VSTIP);
    csr_write(CSR_VSTOPEI, 0);
    assert_int_equal(csr_read(CSR_VSTOPI), (uint64_t)IRQ_S_TIMER << 16 | 1);
}

static void test_hvictl_priorities(void **state)
{
    /* hvien/hviprio read zero; hvictl keeps VTI/IID/DPR/IPRIOM/IPRIO */
    csr_write(CSR_HVIEN, ~0ULL);
    csr_write(CSR_HVIPRIO1, ~0ULL);
    assert_int_equal(csr_read(CSR_HVIEN) | csr_read(CSR_HVIPRIO1) | csr_read(CSR_HVIPRIO2), 0);
    csr_write(CSR_HVICTL, ~0ULL);
    assert_int_equal(csr_read(CSR_HVICTL),
                     HVICTL_VTI | HVICTL_IID | HVICTL_DPR | HVICTL_IPRIOM | 0xff);
    csr_write(CSR_HVICTL, 0);
    /* IPRIOM: SEI from hvip with VGEIN 0 takes hvictl.IPRIO when IID is 9 */
    csr_write(CSR_HIDELEG, MIP_VSSIP | MIP_VSEIP);
    csr_write(CSR_VSIE, MIP_SEIP | MIP_SSIP);
    csr_write(CSR_HVIP, MIP_VSEIP | MIP_VSSIP);
    csr_write(CSR_HVICTL, (uint64_t)IRQ_S_EXT << HVICTL_IID_SHIFT | HVICTL_IPRIOM | 40);
    assert_int_equal(csr_read(CSR_VSTOPI), (uint64_t)IRQ_S_EXT << 16 | 40);
    csr_write(CSR_HVICTL, HVICTL_IPRIOM | 40); /* IID 0: SEI's number is 256 -> 255 */
    assert_int_equal(csr_read(CSR_VSTOPI), (uint64_t)IRQ_S_EXT << 16 | 255);
    /* with a guest file, vstopei's identity is the priority */
    enable_file(2);
    msi(2, 17);
    assert_int_equal(csr_read(CSR_VSTOPI), (uint64_t)IRQ_S_EXT << 16 | 17);
    /* SSI (priority number 0, below SEI by default) reports 255 */
    csr_write(CSR_HVIP, MIP_VSSIP);
    csr_write(CSR_HIDELEG, MIP_VSSIP);
    assert_int_equal(csr_read(CSR_VSTOPI), (uint64_t)IRQ_S_SOFT << 16 | 255);
    csr_write(CSR_HVICTL, 0);
    assert_int_equal(csr_read(CSR_VSTOPI), (uint64_t)IRQ_S_SOFT << 16 | 1);
}

/* mvien reads zero, so mvip's SSIP/STIP/SEIP are mip's (AIA 5.3), writable where mip's are. */
static void test_mvip_aliases_mip(void **state)
{
    env->priv = PRV_M;
    assert_int_equal(csr_read(CSR_MVIEN), 0);
    csr_write(CSR_MVIP, MIP_SSIP | MIP_STIP | MIP_SEIP | MIP_MSIP | MIP_VSSIP);
    /* SEIP belongs to the interrupt controller, MSIP to the ACLINT: not written */
    assert_int_equal(csr_read(CSR_MIP) & (MIP_SSIP | MIP_STIP | MIP_SEIP | MIP_MSIP | MIP_VSSIP),
                     MIP_SSIP | MIP_STIP);
    assert_int_equal(csr_read(CSR_MVIP), MIP_SSIP | MIP_STIP);
    csr_write(CSR_MIP, MIP_STIP);
    assert_int_equal(csr_read(CSR_MVIP), MIP_STIP);
    env->menvcfg |= MENVCFG_STCE; /* Sstc drives STIP: no longer writable through either */
    csr_write(CSR_MVIP, MIP_SSIP);
    assert_int_equal(csr_read(CSR_MVIP), MIP_SSIP | MIP_STIP);
}

static void test_guest_file_properties(void **state)
{
    DeviceState *dev = qdev_new(TYPE_RISCV_IMSIC);
    Error *err = NULL;

    /* a guest file is an S-level file */
    assert_true(object_property_set_int(OBJECT(dev), "guest", 1, &error_abort));
    assert_false(qdev_realize(dev, &err));
    assert_non_null(err);
    error_free(err);
    object_unref(OBJECT(dev));
    dev = qdev_new(TYPE_RISCV_IMSIC);
    err = NULL;
    assert_true(object_property_set_bool(OBJECT(dev), "mmode", false, &error_abort));
    assert_true(object_property_set_int(OBJECT(dev), "guest", 64, &error_abort));
    assert_false(qdev_realize(dev, &err));
    assert_non_null(err);
    error_free(err);
    object_unref(OBJECT(dev));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_hgeip_follows_guest_files),
        T(test_vs_reaches_the_vgein_file),
        T(test_no_guest_file_selected),
        T(test_topi_orders),
        T(test_hvictl_priorities),
        T(test_mvip_aliases_mip),
        cmocka_unit_test(test_guest_file_properties),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
