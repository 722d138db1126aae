/*
 * The q35 board's chipset through its I/O ports, as the firmware drives it:
 * the BIOS mapped at the top of 4 GiB and at 0xe0000, the MCH's PAM registers
 * putting RAM under it (through 0xcf8/0xcfc), the PCIEXBAR window, the CMOS
 * memory-size bytes, the 8259 pair (initialisation, masking, priority, EOI,
 * the cascade, level-triggered lines through the ELCR) with its INTR wired to
 * the CPU, the 8254's channel 2 seen through port B, the RTC's date from -rtc,
 * and the 8042 keyboard controller with its keyboard on IRQ 1 and its mouse on
 * IRQ 12.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <unistd.h>

#include <cmocka.h>

#include "hw/core/qdev-globals.h"
#include "hw/i386/pc.h"
#include "hw/input/i8042.h"
#include "hw/intc/i8259.h"
#include "hw/pci/pci.h"
#include "target/i386/cpu.h"
#include "util/main-loop.h"

static MachineState *ms;
static PCMachineState *pc;

static uint64_t in(hwaddr port, unsigned size)
{
    uint64_t v = 0;
    assert_int_equal(address_space_load(&pc->io_as, port, size, &v), MEMTX_OK);
    return v;
}

static void out(hwaddr port, unsigned size, uint64_t v)
{
    assert_int_equal(address_space_store(&pc->io_as, port, size, v), MEMTX_OK);
}

static uint32_t mem32(hwaddr addr)
{
    uint64_t v = 0;
    address_space_load(address_space_memory(), addr, 4, &v);
    return v;
}

static uint32_t pci_conf_read(int devfn, int reg)
{
    out(0xcf8, 4, 0x80000000u | (devfn << 8) | reg);
    return in(0xcfc, 4);
}

static void pci_conf_write_byte(int devfn, int reg, uint8_t v)
{
    out(0xcf8, 4, 0x80000000u | (devfn << 8) | (reg & ~3));
    out(0xcfc + (reg & 3), 1, v);
}

static void test_bios_and_pam(void **state)
{
    uint32_t reset_vector = mem32(0xfffffff0);

    /* The reset vector's bytes are also the last bytes below 1 MiB (the isa-bios alias). */
    assert_int_equal(mem32(0xffff0), reset_vector);
    assert_int_equal(pci_conf_read(0, 0), 0x29c08086);
    /* PAM0 = 0x30: RAM (zeroes) replaces the BIOS at 0xf0000; 0 gives the BIOS back. */
    pci_conf_write_byte(0, 0x90, 0x30);
    assert_int_equal(in(0xcfc, 1), 0x30);
    assert_int_equal(mem32(0xffff0), 0);
    pci_conf_write_byte(0, 0x90, 0);
    assert_int_equal(mem32(0xffff0), reset_vector);
    /* Only PAM0's high nibble exists. */
    pci_conf_write_byte(0, 0x90, 0xff);
    assert_int_equal(pci_conf_read(0, 0x90) & 0xff, 0x30);
    pci_conf_write_byte(0, 0x90, 0);
    /* No function at 00:01.0: all-ones. */
    assert_int_equal(pci_conf_read(PCI_DEVFN(1, 0), 0), 0xffffffff);
}

static void test_pciexbar(void **state)
{
    uint64_t v = 0;

    assert_int_not_equal(address_space_load(address_space_memory(), 0xb0000000, 4, &v), MEMTX_OK);
    pci_conf_write_byte(0, 0x60, 0x01); /* enable, 256 buses ... */
    pci_conf_write_byte(0, 0x63, 0xb0); /* ... at 0xb0000000 */
    assert_int_equal(mem32(0xb0000000), 0x29c08086);
    assert_int_equal(mem32(0xb0000000 + (1 << 20)), 0xffffffff); /* bus 1: nothing */
    pci_conf_write_byte(0, 0x60, 0x00);
    assert_int_not_equal(address_space_load(address_space_memory(), 0xb0000000, 4, &v), MEMTX_OK);
}

static uint8_t cmos(int idx)
{
    out(0x70, 1, idx);
    return in(0x71, 1);
}

static void test_cmos(void **state)
{
    /* 128 MiB: 127 MiB above 1 MiB in KiB (0xfc00 at most), 112 MiB above 16 MiB in 64 KiB. */
    assert_int_equal(cmos(0x30) | cmos(0x31) << 8, 0xfc00);
    assert_int_equal(cmos(0x34) | cmos(0x35) << 8, (128 - 16) * 16);
    assert_int_equal(cmos(0x15) | cmos(0x16) << 8, 640);
    assert_int_equal(cmos(0x5f), 0); /* one CPU */
    assert_int_equal(cmos(0x0d), 0x80);
    /* BCD seconds: each nibble a decimal digit. */
    uint8_t sec = cmos(0x00);
    assert_true((sec & 0xf) < 10 && (sec >> 4) < 6);
}

static X86CPU *cpu0(void)
{
    return X86_CPU(pc->cpus[0]);
}

/* The BIOS's 8259 setup: vectors 0x08 and 0x70, cascade on IRQ 2, everything masked. */
static DeviceState *pic_init(void)
{
    DeviceState *pic = DEVICE(object_resolve_path("/machine/i8259"));

    assert_non_null(pic);
    out(0x20, 1, 0x11);
    out(0x21, 1, 0x08);
    out(0x21, 1, 0x04);
    out(0x21, 1, 0x01);
    out(0xa0, 1, 0x11);
    out(0xa1, 1, 0x70);
    out(0xa1, 1, 0x02);
    out(0xa1, 1, 0x01);
    out(0x21, 1, 0xff);
    out(0xa1, 1, 0xff);
    return pic;
}

static void test_pic(void **state)
{
    DeviceState *pic = pic_init();

    /* A masked request does not reach INTR; unmasking lets it through. */
    irq_set(pc->gsi[4], 1);
    assert_int_equal(atomic_load(&cpu0()->intr_level), 0);
    out(0x21, 1, 0xff & ~(1 << 4) & ~(1 << 3) & ~(1 << 2));
    assert_int_equal(atomic_load(&cpu0()->intr_level), 1);
    /* IRQ 3 outranks IRQ 4: its edge comes later but is acknowledged first. */
    irq_set(pc->gsi[3], 1);
    assert_int_equal(i8259_intr_ack(pic), 0x08 + 3);
    /* IRQ 4 waits while 3 is in service; a non-specific EOI ends 3, then 4 comes. */
    assert_int_equal(atomic_load(&cpu0()->intr_level), 0);
    out(0x20, 1, 0x20);
    assert_int_equal(atomic_load(&cpu0()->intr_level), 1);
    assert_int_equal(i8259_intr_ack(pic), 0x08 + 4);
    out(0x20, 1, 0x20);
    /* Edge-triggered: the line still high gives no second request. */
    assert_int_equal(atomic_load(&cpu0()->intr_level), 0);
    irq_set(pc->gsi[3], 0);
    irq_set(pc->gsi[4], 0);

    /* The slave's IRQ 10 through the cascade: vector 0x72; ISR read back with OCW3. */
    out(0xa1, 1, 0xff & ~(1 << 2));
    irq_set(pc->gsi[10], 1);
    assert_int_equal(i8259_intr_ack(pic), 0x72);
    out(0xa0, 1, 0x0b);
    assert_int_equal(in(0xa0, 1), 1 << 2);
    out(0xa0, 1, 0x20);
    out(0x20, 1, 0x20);
    irq_set(pc->gsi[10], 0);

    /* Level-triggered through the ELCR: the request stays while the line is high. */
    out(0x4d1, 1, 1 << 3); /* IRQ 11 */
    out(0xa1, 1, 0xff & ~(1 << 2) & ~(1 << 3));
    irq_set(pc->gsi[11], 1);
    assert_int_equal(i8259_intr_ack(pic), 0x73);
    out(0xa0, 1, 0x20);
    out(0x20, 1, 0x20);
    assert_int_equal(atomic_load(&cpu0()->intr_level), 1);
    /* Withdrawn before the acknowledge: the master's edge-triggered cascade input stays
     * latched, and the acknowledge gets the slave's spurious vector (IRQ 15's). */
    irq_set(pc->gsi[11], 0);
    assert_int_equal(i8259_intr_ack(pic), 0x77);
    out(0x20, 1, 0x20);
    assert_int_equal(atomic_load(&cpu0()->intr_level), 0);
    /* Nothing pending: the master's spurious vector (IRQ 7's). */
    assert_int_equal(i8259_intr_ack(pic), 0x08 + 7);
}

static void test_pit_channel2(void **state)
{
    /* Gate on, mode 0, count 0xffff: OUT (port B bit 5) is low right after the load. */
    out(0x61, 1, 0x01);
    out(0x43, 1, 0xb0);
    out(0x42, 1, 0xff);
    out(0x42, 1, 0xff);
    assert_int_equal(in(0x61, 1) & 0x21, 0x01);
    /* Latch and read the count: it has not run past the reload value. */
    out(0x43, 1, 0x80);
    uint16_t c = in(0x42, 1);
    c |= in(0x42, 1) << 8;
    assert_true(c > 0);
    /* A count of 1 ends at once (a tick is under a microsecond): OUT goes high. */
    out(0x43, 1, 0xb0);
    out(0x42, 1, 0x01);
    out(0x42, 1, 0x00);
    while (!(in(0x61, 1) & 0x20)) {
        /* a spin on the virtual clock, as SeaBIOS's calibration loop; hang guard: the test
         * runner's timeout */
    }
}

static void test_i8042(void **state)
{
    pic_init();
    /* Controller self-test and the command byte (translation, IRQ 1 enabled, after reset). */
    out(0x64, 1, 0xaa);
    assert_int_equal(in(0x64, 1) & 0x01, 0x01);
    assert_int_equal(in(0x60, 1), 0x55);
    assert_int_equal(in(0x64, 1) & 0x01, 0);
    out(0x64, 1, 0x20);
    assert_int_equal(in(0x60, 1), 0x41);
    /* The keyboard's reset: ACK then "self-test passed", raising IRQ 1 while a byte waits. */
    out(0x21, 1, 0xff & ~(1 << 1));
    out(0x60, 1, 0xff);
    assert_int_equal(atomic_load(&cpu0()->intr_level), 1);
    assert_int_equal(in(0x60, 1), 0xfa);
    assert_int_equal(in(0x60, 1), 0xaa);
    assert_int_equal(i8259_intr_ack(DEVICE(object_resolve_path("/machine/i8259"))), 0x08 + 1);
    out(0x20, 1, 0x20);
    assert_int_equal(atomic_load(&cpu0()->intr_level), 0);
    /* With IRQ 1 off in the command byte, a reply raises nothing. */
    out(0x64, 1, 0x60);
    out(0x60, 1, 0x40);
    out(0x60, 1, 0xf2);
    assert_int_equal(atomic_load(&cpu0()->intr_level), 0);
    assert_int_equal(in(0x60, 1), 0xfa);
    assert_int_equal(in(0x60, 1), 0xab);
    assert_int_equal(in(0x60, 1), 0x83);
    out(0x21, 1, 0xff);
}

/* Each byte of a multi-byte reply is an edge of its own: Linux reads one byte per interrupt,
 * so a line left high after the first byte loses the rest (the keyboard's identify). */
static void test_i8042_edge_per_byte(void **state)
{
    DeviceState *pic = pic_init();

    out(0x21, 1, 0xff & ~(1 << 1));
    out(0x64, 1, 0x60);
    out(0x60, 1, 0x41);
    out(0x60, 1, 0xf2);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(atomic_load(&cpu0()->intr_level), 1);
        assert_int_equal(i8259_intr_ack(pic), 0x08 + 1);
        assert_int_equal(in(0x60, 1), ((const uint8_t[]){0xfa, 0xab, 0x83})[i]);
        out(0x20, 1, 0x20);
    }
    assert_int_equal(atomic_load(&cpu0()->intr_level), 0);
    out(0x21, 1, 0xff);
}

/* The auxiliary port as Linux's i8042 probe drives it: the loopback byte comes back marked as
 * the mouse's (status bit 5) on IRQ 12; 0xa7/0xa8 show in the command byte; the mouse answers
 * identify. Without it the probe busy-waits 500 ms and more for answers. */
static void test_i8042_aux(void **state)
{
    DeviceState *pic = pic_init();

    out(0x64, 1, 0xa7);
    out(0x64, 1, 0x20);
    assert_int_equal(in(0x60, 1) & 0x20, 0x20);
    out(0x64, 1, 0xa8);
    out(0x64, 1, 0x20);
    assert_int_equal(in(0x60, 1) & 0x20, 0);
    out(0x64, 1, 0x60);
    out(0x60, 1, 0x43); /* both IRQs on */
    out(0x21, 1, 0xff & ~(1 << 2));
    out(0xa1, 1, 0xff & ~(1 << 4));
    out(0x64, 1, 0xd3);
    out(0x60, 1, 0x5a);
    assert_int_equal(in(0x64, 1) & 0x21, 0x21);
    assert_int_equal(atomic_load(&cpu0()->intr_level), 1);
    assert_int_equal(i8259_intr_ack(pic), 0x70 + 4);
    assert_int_equal(in(0x60, 1), 0x5a);
    out(0xa0, 1, 0x20);
    out(0x20, 1, 0x20);
    out(0x64, 1, 0xd4);
    out(0x60, 1, 0xf2);
    assert_int_equal(in(0x64, 1) & 0x21, 0x21);
    assert_int_equal(in(0x60, 1), 0xfa);
    assert_int_equal(in(0x60, 1), 0x00);
    assert_int_equal(in(0x64, 1) & 0x21, 0);
    out(0x21, 1, 0xff);
    out(0xa1, 1, 0xff);
    out(0x64, 1, 0x60);
    out(0x60, 1, 0x41);
}

static void test_rtc_date(void **state)
{
    /* -rtc base=2020-02-29T23:00:00,clock=vm (group_setup): the virtual clock has barely
     * moved, so the date is the base's, in BCD and 24-hour form. */
    assert_int_equal(cmos(0x09), 0x20);
    assert_int_equal(cmos(0x32), 0x20);
    assert_int_equal(cmos(0x08), 0x02);
    assert_int_equal(cmos(0x07), 0x29);
    assert_int_equal(cmos(0x04), 0x23);
    /* Binary mode (register B DM): the same day as a plain number. */
    out(0x70, 1, 0x0b);
    out(0x71, 1, 0x06);
    assert_int_equal(cmos(0x07), 29);
    out(0x70, 1, 0x0b);
    out(0x71, 1, 0x02);
}

static int group_setup(void **state)
{
    Object *obj;

    /* 2020-02-29T23:00:00Z in ns since the epoch, at CLOCK_VIRTUAL's 0. */
    assert_true(qdev_global_add("mc146818rtc.tick-offset=1583017200000000000", &error_abort));
    assert_true(qdev_global_add("mc146818rtc.clock=vm", &error_abort));
    obj = object_new(MACHINE_TYPE_NAME("q35"));

    object_property_add_child(object_get_root(), "machine", obj);
    object_unref(obj);
    ms = MACHINE(obj);
    ms->ram_size = 128 * MiB;
    ms->smp = (CpuTopology){1, 1, 1, 1, 1};
    assert_true(machine_run_board_init(ms, &error_abort));
    pc = PC_MACHINE(ms);
    qdev_reset_all(object_get_root());
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bios_and_pam), cmocka_unit_test(test_pciexbar),
        cmocka_unit_test(test_cmos),         cmocka_unit_test(test_pic),
        cmocka_unit_test(test_pit_channel2), cmocka_unit_test(test_rtc_date),
        cmocka_unit_test(test_i8042),        cmocka_unit_test(test_i8042_edge_per_byte),
        cmocka_unit_test(test_i8042_aux),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
