/*
 * The q35 PC's interrupt and timer devices on a two-hart board, driven as a
 * guest would through each hart's own view of memory, the I/O ports and the
 * MSRs, with the virtual clock under the test's control: the local APIC's
 * registers, timer (one-shot, periodic, TSC-deadline) and IPIs (fixed,
 * logical, INIT/SIPI starting the AP), the I/O APIC's edge and level pins
 * with Remote IRR and EOI, the HPET in legacy replacement mode, and the ICH9
 * LPC's ACPI PM block (PM timer, S5) and PIRQ routing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "hw/acpi/ich9.h"
#include "hw/i386/pc.h"
#include "hw/intc/ioapic.h"
#include "system/kvm.h"
#include "system/runstate.h"
#include "target/i386/cpu.h"
#include "target/i386/kvm.h"
#include "util/main-loop.h"
#include "util/timer.h"

static PCMachineState *pc;
static int64_t fake_now;  /* CLOCK_VIRTUAL, moved by the tests */
static int64_t fake_step; /* added after each read: time passing while the vCPU runs */

static int64_t fake_clock(void)
{
    int64_t now = fake_now;

    fake_now += fake_step;
    return now;
}

static void fake_deadline_changed(void)
{
}

static const VirtualClockSource fake_source = {fake_clock, fake_deadline_changed};

/* Move virtual time to t and run the timers due. */
static void advance_to(int64_t t)
{
    fake_now = t;
    timerlist_run_expired(CLOCK_VIRTUAL);
}

static X86CPU *cpu(int i)
{
    return X86_CPU(pc->cpus[i]);
}

/* Hart i's access to its local APIC page. */
static uint32_t lapic_rd(int i, hwaddr off)
{
    uint64_t v = 0;
    assert_int_equal(address_space_load(&pc->cpu_as[i], 0xfee00000 + off, 4, &v), MEMTX_OK);
    return v;
}

static void lapic_wr(int i, hwaddr off, uint32_t v)
{
    assert_int_equal(address_space_store(&pc->cpu_as[i], 0xfee00000 + off, 4, v), MEMTX_OK);
}

static uint64_t mem_rd(hwaddr addr, unsigned size)
{
    uint64_t v = 0;
    assert_int_equal(address_space_load(address_space_memory(), addr, size, &v), MEMTX_OK);
    return v;
}

static void mem_wr(hwaddr addr, unsigned size, uint64_t v)
{
    assert_int_equal(address_space_store(address_space_memory(), addr, size, v), MEMTX_OK);
}

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

static bool irr_has(int i, int vec)
{
    return lapic_rd(i, 0x200 + (vec / 32) * 0x10) & (1u << (vec % 32));
}

/* The hart's interrupt acknowledge, as the run loop does it. */
static int ack(int i)
{
    return cpu(i)->intr_ack(cpu(i)->intr_ack_opaque);
}

static void ioapic_rte(int pin, uint64_t rte)
{
    mem_wr(0xfec00000, 4, 0x10 + 2 * pin);
    mem_wr(0xfec00010, 4, (uint32_t)rte);
    mem_wr(0xfec00000, 4, 0x11 + 2 * pin);
    mem_wr(0xfec00010, 4, rte >> 32);
}

static uint64_t ioapic_rte_rd(int pin)
{
    uint64_t lo, hi;
    mem_wr(0xfec00000, 4, 0x10 + 2 * pin);
    lo = mem_rd(0xfec00010, 4);
    mem_wr(0xfec00000, 4, 0x11 + 2 * pin);
    hi = mem_rd(0xfec00010, 4);
    return hi << 32 | lo;
}

static int reset_board(void **state)
{
    fake_now = 0;
    qdev_reset_all(object_get_root());
    for (int i = 0; i < 2; i++) {
        lapic_wr(i, 0xf0, 0x1ff); /* software-enable, spurious vector 0xff */
    }
    return 0;
}

static void test_lapic_registers(void **state)
{
    assert_int_equal(lapic_rd(0, 0x20), 0);
    assert_int_equal(lapic_rd(1, 0x20), 1u << 24); /* same address, the other hart's APIC */
    assert_int_equal(lapic_rd(0, 0x30), 0x50014);
    uint64_t base;
    assert_int_equal(x86_rdmsr(&cpu(0)->env, MSR_IA32_APICBASE, &base), X86_EXCP_NONE);
    assert_int_equal(base, 0xfee00900); /* enabled, BSP */
    assert_int_equal(x86_rdmsr(&cpu(1)->env, MSR_IA32_APICBASE, &base), X86_EXCP_NONE);
    assert_int_equal(base, 0xfee00800);
    /* TPR, and PPR follows the in-service class; CR8 is TPR[7:4]. */
    lapic_wr(0, 0x80, 0x30);
    assert_int_equal(lapic_rd(0, 0xa0), 0x30);
    assert_int_equal(x86_get_cr8(&cpu(0)->env), 3);
    x86_set_cr8(&cpu(0)->env, 0);
    assert_int_equal(lapic_rd(0, 0x80), 0);
    /* LDR keeps bits 31:24, DFR's low bits read as ones. */
    lapic_wr(0, 0xd0, 0x12345678);
    assert_int_equal(lapic_rd(0, 0xd0), 0x12000000);
    lapic_wr(0, 0xe0, 0);
    assert_int_equal(lapic_rd(0, 0xe0), 0x0fffffff);
    /* A fixed IPI with an illegal vector: the send error is latched by the next ESR write. */
    lapic_wr(0, 0x300, 0x40005);
    assert_int_equal(lapic_rd(0, 0x280), 0);
    lapic_wr(0, 0x280, 0);
    assert_int_equal(lapic_rd(0, 0x280), 0x20);
    /* Software-disabled: the LVTs stay masked. */
    lapic_wr(0, 0xf0, 0xff);
    lapic_wr(0, 0x370, 0x33);
    assert_int_equal(lapic_rd(0, 0x370), 0x10033);
    /* x2APIC MSRs #GP while in xAPIC mode; in x2APIC mode the ID is the full 32 bits. */
    assert_int_not_equal(x86_rdmsr(&cpu(1)->env, 0x802, &base), X86_EXCP_NONE);
    assert_int_equal(x86_wrmsr(&cpu(1)->env, MSR_IA32_APICBASE, 0xfee00c00), X86_EXCP_NONE);
    assert_int_equal(x86_rdmsr(&cpu(1)->env, 0x802, &base), X86_EXCP_NONE);
    assert_int_equal(base, 1);
    assert_int_equal(x86_rdmsr(&cpu(1)->env, 0x80d, &base), X86_EXCP_NONE);
    assert_int_equal(base, 2); /* logical ID: cluster 0, bit 1 */
    /* x2APIC → xAPIC directly is refused. */
    assert_int_not_equal(x86_wrmsr(&cpu(1)->env, MSR_IA32_APICBASE, 0xfee00800), X86_EXCP_NONE);
}

static void test_lapic_timer(void **state)
{
    /* One-shot, divide by 1 (1 GHz bus): 1000 ticks are 1000 ns. */
    lapic_wr(0, 0x3e0, 0xb);
    lapic_wr(0, 0x320, 0x40);
    lapic_wr(0, 0x380, 1000);
    advance_to(300);
    assert_int_equal(lapic_rd(0, 0x390), 700);
    assert_false(irr_has(0, 0x40));
    advance_to(1000);
    assert_true(irr_has(0, 0x40));
    assert_int_equal(atomic_load(&cpu(0)->intr_level), 1);
    assert_int_equal(ack(0), 0x40);
    assert_int_equal(lapic_rd(0, 0x100 + 0x20), 1); /* ISR bit 0x40 */
    lapic_wr(0, 0xb0, 0);
    assert_int_equal(lapic_rd(0, 0x120), 0);
    assert_int_equal(lapic_rd(0, 0x390), 0);
    advance_to(5000);
    assert_false(irr_has(0, 0x40)); /* one-shot: once */

    /* Periodic, divide by 2: period 200 ns; 3 periods later the count has reloaded. */
    lapic_wr(0, 0x3e0, 0x0);
    lapic_wr(0, 0x320, 0x20041);
    lapic_wr(0, 0x380, 100);
    for (int n = 1; n <= 3; n++) {
        advance_to(5000 + 200 * n);
        assert_true(irr_has(0, 0x41));
        assert_int_equal(ack(0), 0x41);
        lapic_wr(0, 0xb0, 0);
    }
    advance_to(5000 + 650);
    assert_int_equal(lapic_rd(0, 0x390), 75);

    /* TSC-deadline: the MSR arms it, it fires when the TSC gets there and then reads 0. */
    lapic_wr(0, 0x320, 0x40042);
    uint64_t tsc = x86_rdtsc(&cpu(0)->env), v;
    assert_int_equal(x86_wrmsr(&cpu(0)->env, MSR_IA32_TSC_DEADLINE, tsc + 500), X86_EXCP_NONE);
    advance_to(fake_now + 499);
    assert_false(irr_has(0, 0x42));
    advance_to(fake_now + 1);
    assert_true(irr_has(0, 0x42));
    assert_int_equal(x86_rdmsr(&cpu(0)->env, MSR_IA32_TSC_DEADLINE, &v), X86_EXCP_NONE);
    assert_int_equal(v, 0);
}

/*
 * A one-shot count that runs out before the APIC reads the clock again (a descheduled
 * vCPU: Linux writes counts of a few dozen ticks) still fires, once; so does one whose zero
 * passed while the main loop had not yet run its timer, when the guest writes the LVT.
 */
static void test_lapic_timer_short_count(void **state)
{
    lapic_wr(0, 0x3e0, 0xb); /* divide by 1 */
    lapic_wr(0, 0x320, 0x43);
    fake_step = 100;
    lapic_wr(0, 0x380, 62);
    fake_step = 0;
    advance_to(fake_now);
    assert_true(irr_has(0, 0x43));
    assert_int_equal(ack(0), 0x43);
    lapic_wr(0, 0xb0, 0);
    advance_to(fake_now + 1000);
    assert_false(irr_has(0, 0x43));

    lapic_wr(0, 0x380, 500);
    fake_now += 1000;         /* past the zero; its timer not run yet */
    lapic_wr(0, 0x320, 0x44); /* a new vector, still one-shot */
    advance_to(fake_now);
    assert_true(irr_has(0, 0x44));
    assert_int_equal(ack(0), 0x44);
    lapic_wr(0, 0xb0, 0);
    lapic_wr(0, 0x320, 0x45); /* after the zero has fired: nothing more */
    advance_to(fake_now + 1000);
    assert_false(irr_has(0, 0x45));
}

static void test_ipis(void **state)
{
    /* Fixed, physical destination 1. */
    lapic_wr(0, 0x310, 1u << 24);
    lapic_wr(0, 0x300, 0x4050);
    assert_true(irr_has(1, 0x50));
    assert_false(irr_has(0, 0x50));
    assert_int_equal(lapic_rd(0, 0x300) & (1 << 12), 0); /* delivered: idle */
    /* Logical, flat model: only the hart whose LDR has the bit. */
    lapic_wr(0, 0xd0, 0x01000000);
    lapic_wr(1, 0xd0, 0x02000000);
    lapic_wr(0, 0x310, 0x02000000);
    lapic_wr(0, 0x300, 0x4851);
    assert_true(irr_has(1, 0x51));
    assert_false(irr_has(0, 0x51));
    /* Self shorthand. */
    lapic_wr(1, 0x300, 0x44052);
    assert_true(irr_has(1, 0x52));
    /* Lowest priority to both: the hart with the lower TPR takes it alone. */
    lapic_wr(1, 0x80, 0x20);
    lapic_wr(0, 0x300, 0x84153);
    assert_true(irr_has(0, 0x53));
    assert_false(irr_has(1, 0x53));
    /* NMI to all but self. */
    lapic_wr(0, 0x300, 0xc4400);
    assert_true(atomic_load(&cpu(1)->pending_events) & X86_EVENT_NMI);

    /* INIT then SIPI vector 0x9a to all but self: the AP starts at 0x9a000. */
    X86CPU *ap = cpu(1);
    atomic_store(&ap->pending_events, 0);
    assert_true(ap->wait_sipi);
    lapic_wr(0, 0x300, 0xc4500);
    lapic_wr(0, 0x300, 0xc469a);
    assert_int_equal(lapic_rd(1, 0xf0), 0xff); /* INIT reset the AP's APIC */
    assert_true(x86_cpu_handle_events(ap));
    assert_false(ap->wait_sipi);
    assert_int_equal(ap->env.segs[R_CS].selector, 0x9a00);
    assert_int_equal(ap->env.segs[R_CS].base, 0x9a000);
    assert_int_equal(ap->env.rip, 0);
    /* A second SIPI to a running hart is ignored. */
    lapic_wr(0, 0x300, 0xc4610);
    x86_cpu_handle_events(ap);
    assert_int_equal(ap->env.segs[R_CS].base, 0x9a000);
}

/*
 * The events as the KVM accelerator takes them (target/i386/kvm.c cpu_events, and
 * x86_cpu_take_nmi for KVM_NMI): an AP waiting for its SIPI stays out of KVM (EXCP_HLT) and
 * drops an NMI; INIT then SIPI start it at the vector; then an NMI is taken once.
 */
static void test_kvm_events(void **state)
{
    X86CPU *ap = cpu(1);
    CPUState *cs = &ap->parent_obj;

    assert_true(ap->wait_sipi);
    assert_int_equal(x86_kvm_ops.cpu_events(cs), EXCP_HLT);
    x86_cpu_raise_nmi(ap);
    assert_false(x86_cpu_take_nmi(ap));
    assert_int_equal(atomic_load(&ap->pending_events), 0);
    x86_cpu_raise_init(ap);
    x86_cpu_raise_sipi(ap, 0x9b);
    assert_int_equal(x86_kvm_ops.cpu_events(cs), 0);
    assert_false(ap->wait_sipi);
    assert_int_equal(ap->env.segs[R_CS].base, 0x9b000);
    assert_int_equal(ap->env.rip, 0);
    x86_cpu_raise_nmi(ap);
    assert_int_equal(x86_kvm_ops.cpu_events(cs), 0);
    assert_true(x86_cpu_take_nmi(ap));
    assert_false(x86_cpu_take_nmi(ap));
    /* INIT to a running AP: back to waiting, out of KVM until the next SIPI. */
    x86_cpu_raise_init(ap);
    assert_int_equal(x86_kvm_ops.cpu_events(cs), EXCP_HLT);
    assert_true(ap->wait_sipi);
}

static void test_ioapic(void **state)
{
    IRQState *pin10 = qdev_get_gpio_in(pc->ioapic, 10);

    mem_wr(0xfec00000, 4, 1);
    assert_int_equal(mem_rd(0xfec00010, 4), 0x170020); /* 24 entries, version 0x20 */
    assert_int_equal(ioapic_rte_rd(10), 0x10000);      /* masked */
    /* Level-triggered, vector 0x61, to APIC 0. */
    ioapic_rte(10, 0x8061);
    irq_set(pin10, 1);
    assert_true(irr_has(0, 0x61));
    assert_true(ioapic_rte_rd(10) & (1 << 14)); /* Remote IRR */
    assert_true(lapic_rd(0, 0x180 + 0x30) & 2); /* TMR: level */
    assert_int_equal(ack(0), 0x61);
    lapic_wr(0, 0xb0, 0); /* EOI: broadcast; the line is still high, so again */
    assert_true(irr_has(0, 0x61));
    irq_set(pin10, 0);
    assert_int_equal(ack(0), 0x61);
    lapic_wr(0, 0xb0, 0);
    assert_false(irr_has(0, 0x61));
    assert_false(ioapic_rte_rd(10) & (1 << 14));
    /* Edge-triggered to APIC 1: once per rising edge. */
    ioapic_rte(11, (1ULL << 56) | 0x62);
    irq_set(qdev_get_gpio_in(pc->ioapic, 11), 1);
    assert_true(irr_has(1, 0x62));
    /* ISA IRQ 0 is I/O APIC pin 2 (the GSI fan-out); masked pins send nothing. */
    ioapic_rte(2, 0x63);
    irq_set(pc->gsi[0], 1);
    irq_set(pc->gsi[0], 0);
    assert_true(irr_has(0, 0x63));
    ioapic_rte(3, 0x10064);
    irq_set(pc->gsi[3], 1);
    assert_false(irr_has(0, 0x64));
    irq_set(pc->gsi[3], 0);
}

static void test_hpet(void **state)
{
    uint64_t cap = mem_rd(0xfed00000, 8);

    assert_int_equal(cap >> 32, 10000000);           /* 10 ns period */
    assert_int_equal((cap >> 8) & 0x1f, 2);          /* 3 timers */
    assert_true(cap & (1 << 15) && cap & (1 << 13)); /* legacy route, 64-bit */
    /* Legacy replacement: timer 0 → IRQ 0 → I/O APIC pin 2; periodic, 100 ticks = 1 us. */
    ioapic_rte(2, 0x70);
    mem_wr(0xfed00100, 8, (1 << 2) | (1 << 3) | (1 << 6));
    mem_wr(0xfed00108, 8, 100);
    mem_wr(0xfed00108, 8, 100);
    mem_wr(0xfed00010, 8, 3);
    advance_to(500);
    assert_int_equal(mem_rd(0xfed000f0, 8), 50);
    assert_false(irr_has(0, 0x70));
    for (int n = 1; n <= 3; n++) {
        advance_to(1000 * n);
        assert_true(irr_has(0, 0x70));
        assert_int_equal(ack(0), 0x70);
        lapic_wr(0, 0xb0, 0);
    }
    assert_int_equal(mem_rd(0xfed00108, 8), 400);
    /* Halted, the counter keeps its value and is writable. */
    mem_wr(0xfed00010, 8, 0);
    advance_to(10000);
    assert_int_equal(mem_rd(0xfed000f0, 8), 300);
    mem_wr(0xfed000f0, 8, 7);
    assert_int_equal(mem_rd(0xfed000f0, 4), 7);
}

/*
 * Linux's periodic set-up in 32-bit mode writes counter + 1/HZ; a comparator the counter has
 * already passed (a vCPU descheduled in between) fires now, as QEMU's, not after the 32-bit
 * wrap 43 s later.
 */
static void test_hpet_comparator_behind(void **state)
{
    ioapic_rte(2, 0x71);
    mem_wr(0xfed00010, 8, 3);
    advance_to(2000);                                                 /* counter 200 */
    mem_wr(0xfed00100, 8, (1 << 2) | (1 << 3) | (1 << 6) | (1 << 8)); /* periodic, 32-bit */
    mem_wr(0xfed00108, 4, 150); /* the comparator, behind the counter */
    mem_wr(0xfed00108, 4, 100); /* the period */
    advance_to(2010);
    assert_true(irr_has(0, 0x71));
}

static uint32_t lpc_conf(int reg)
{
    out(0xcf8, 4, 0x80000000u | (0xf8 << 8) | reg);
    return in(0xcfc, 4);
}

static void lpc_conf_wr(int reg, uint32_t v)
{
    out(0xcf8, 4, 0x80000000u | (0xf8 << 8) | reg);
    out(0xcfc, 4, v);
}

static void test_lpc_pm(void **state)
{
    int status = -1;

    assert_int_equal(lpc_conf(0), 0x29188086);
    assert_int_equal(lpc_conf(8) >> 8, 0x060100);
    assert_int_equal(lpc_conf(0x60), 0x80808080);
    /* The PM block appears at PMBASE once ACPI_EN is set. */
    lpc_conf_wr(0x40, 0x601);
    lpc_conf_wr(0x44, 0x80);
    assert_int_equal(lpc_conf(0x40), 0x601);
    advance_to(1000000000); /* one second: 3579545 ticks of the PM timer */
    assert_int_equal(in(0x608, 4), 3579545);
    assert_int_equal(in(0x630, 4) & ICH9_SMI_EN_APMC_EN, ICH9_SMI_EN_APMC_EN);
    /* TMR_EN: an SCI (IRQ 9 → I/O APIC pin 9) when bit 23 of the timer flips. */
    ioapic_rte(9, 0x8071);
    out(0x602, 2, 1);
    advance_to(muldiv64(0x1000000, NANOSECONDS_PER_SECOND, ACPI_PM_TIMER_HZ) + 1);
    assert_true(in(0x600, 2) & 1);
    assert_true(irr_has(0, 0x71));
    out(0x600, 2, 1); /* write 1 to clear: the SCI drops */
    assert_int_equal(in(0x600, 2) & 1, 0);
    out(0x602, 2, 0);
    /* PIRQ A → IRQ 10 (8259) and always GSI 16 (I/O APIC). */
    lpc_conf_wr(0x60, 0x8080800a);
    ioapic_rte(16, 0x72);
    irq_set(qdev_get_gpio_in(pc->lpc, 0), 1);
    assert_true(irr_has(0, 0x72));
    out(0xa0, 1, 0x0a); /* OCW3: read the slave's IRR */
    assert_true(in(0xa0, 1) & (1 << 2));
    irq_set(qdev_get_gpio_in(pc->lpc, 0), 0);
    /* S5: SLP_TYP 0 with SLP_EN; the process is asked to exit with status 0. */
    out(0x604, 2, 1 << 13);
    assert_true(main_loop_should_exit(&status));
    assert_int_equal(status, 0);
}

static int group_setup(void **state)
{
    Object *obj = object_new(MACHINE_TYPE_NAME("q35"));
    MachineState *ms = MACHINE(obj);

    clock_virtual_set_source(&fake_source);
    object_property_add_child(object_get_root(), "machine", obj);
    object_unref(obj);
    ms->ram_size = 128 * MiB;
    ms->smp = (CpuTopology){2, 1, 2, 1, 2};
    assert_true(machine_run_board_init(ms, &error_abort));
    pc = PC_MACHINE(ms);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_lapic_registers, reset_board),
        cmocka_unit_test_setup(test_lapic_timer, reset_board),
        cmocka_unit_test_setup(test_lapic_timer_short_count, reset_board),
        cmocka_unit_test_setup(test_ipis, reset_board),
        cmocka_unit_test_setup(test_kvm_events, reset_board),
        cmocka_unit_test_setup(test_ioapic, reset_board),
        cmocka_unit_test_setup(test_hpet, reset_board),
        cmocka_unit_test_setup(test_hpet_comparator_behind, reset_board),
        cmocka_unit_test_setup(test_lpc_pm, reset_board),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
