/*
 * IMSIC guest interrupt files (The RISC-V Advanced Interrupt Architecture 1.0, chapters 2.3,
 * 3 and 5), run on -M virt,aia=aplic-imsic,aia-guests=3 -smp 1 with H: GEILEN is 3 (hgeie
 * bits 1..3, hstatus.VGEIN 0..3); a hypervisor in HS enables guest file 2 through
 * vsiselect/vsireg, sends itself an MSI at the file's page (0x28000000 + 2 * 4 KiB), takes the
 * guest external interrupt (SGEI, hgeip bit 2); then VS, with VGEIN = 2 and VSEIP delegated,
 * takes a supervisor external interrupt and claims identity 7 through stopei (really
 * vstopei), with siselect/sireg reaching the guest file. Without a valid VGEIN the guest
 * file's registers are inaccessible: illegal instruction from M/HS, virtual instruction from
 * VS.
 *
 * CSRs are named by number: the assembler need not know H or the AIA.
 */
#include "test.h"

#define CSR_SISELECT 0x150
#define CSR_SIREG 0x151
#define CSR_STOPEI 0x15c
#define CSR_STOPI 0xdb0
#define CSR_VSISELECT 0x250
#define CSR_VSIREG 0x251
#define CSR_VSTOPEI 0x25c
#define CSR_VSTOPI 0xeb0
#define CSR_VSIE 0x204
#define CSR_VSSTATUS 0x200
#define CSR_VSTVEC 0x205
#define CSR_HSTATUS 0x600
#define CSR_HIDELEG 0x603
#define CSR_HIE 0x604
#define CSR_HGEIE 0x607
#define CSR_HGEIP 0xe12

#define HSTATUS_VGEIN_SHIFT 12
#define MIP_VSEIP (1UL << 10)
#define MIP_SGEIP (1UL << 12)

#define EIDELIVERY 0x70
#define EITHRESHOLD 0x72
#define EIE0 0xc0

#define GUEST_FILE(g) (0x28000000UL + (g)*0x1000UL) /* hart 0: S file, guest files 1..3 */

static char hs_stack[4096] __attribute__((aligned(16)));
static char vs_stack[4096] __attribute__((aligned(16)));
static volatile unsigned long hs_cause, hs_hgeip, hs_count;
volatile unsigned long vs_seen[2]; /* the VS handler's scause, count */
/* VS's trap handler: record scause; for interrupts mask them all (sie = 0), else skip. */
asm(".text\n"
    ".align 2\n"
    "aia_vs_trap:\n"
    "  csrw sscratch, t0\n"
    "  la t0, vs_seen\n"
    "  sd t1, -8(sp)\n"
    "  csrr t1, scause\n"
    "  sd t1, 0(t0)\n"
    "  ld t1, 8(t0)\n"
    "  addi t1, t1, 1\n"
    "  sd t1, 8(t0)\n"
    "  csrr t1, scause\n"
    "  bltz t1, 1f\n"
    "  csrr t1, sepc\n"
    "  addi t1, t1, 4\n"
    "  csrw sepc, t1\n"
    "  j 2f\n"
    "1: csrw sie, zero\n"
    "2: ld t1, -8(sp)\n"
    "  csrr t0, sscratch\n"
    "  sret\n");
extern char aia_vs_trap[];

/* HS: the guest external interrupt; hgeie = 0 keeps it from firing again. */
static int s_hook(struct trap_frame *f)
{
    if (is_exit_ecall(f))
        forward_exit_to_m((long)f->regs[REG_A0]);
    if (f->cause == (CAUSE_INTERRUPT | 12)) {
        hs_cause = f->cause;
        hs_hgeip = csr_read(CSR_HGEIP);
        hs_count++;
        csr_write(CSR_HGEIE, 0);
        return 1;
    }
    return 0;
}

static long run_virt(long (*fn)(long), long arg)
{
    return run_in_virt_mode(PRV_S, fn, arg, vs_stack + sizeof(vs_stack));
}

/* ---- HS: enable guest file 2, MSI to it, wait for SGEI ---- */

static long hs_guest_msi(long id)
{
    csr_write(CSR_HSTATUS, 2UL << HSTATUS_VGEIN_SHIFT);
    csr_write(CSR_VSISELECT, EIE0);
    csr_write(CSR_VSIREG, 1UL << id);
    csr_write(CSR_VSISELECT, EIDELIVERY);
    csr_write(CSR_VSIREG, 1);
    csr_write(CSR_HGEIE, 1UL << 2);
    csr_set(CSR_HIE, MIP_SGEIP);
    csr_set(sstatus, MSTATUS_SIE);
    mmio_write32(GUEST_FILE(2), (uint32_t)id);
    for (long i = 0; i < 1000000 && !hs_count; i++)
        asm volatile("" ::: "memory");
    csr_clear(sstatus, MSTATUS_SIE);
    return (long)csr_read(CSR_VSTOPEI);
}

/* ---- VS ---- */

/* Take the pending supervisor external interrupt (sie.SEIE, sstatus.SIE). */
static long vs_take_external(long arg)
{
    csr_write(sie, MIP_SEIP);
    csr_set(sstatus, MSTATUS_SIE);
    for (long i = 0; i < 1000000 && !vs_seen[1]; i++)
        asm volatile("" ::: "memory");
    csr_clear(sstatus, MSTATUS_SIE);
    return arg;
}

/* stopi (with sie.SEIE, sstatus.SIE clear), then claim with csrrw stopei (the value read is
 * the identity claimed). */
static long vs_claim(long arg)
{
    unsigned long topi;

    (void)arg;
    csr_write(sie, MIP_SEIP);
    topi = csr_read(CSR_STOPI);
    csr_write(sie, 0);
    return (long)(csr_swap(CSR_STOPEI, 0) | topi << 32);
}

/* siselect/sireg in VS: write the threshold, read it back. */
static long vs_threshold(long val)
{
    csr_write(CSR_SISELECT, EITHRESHOLD);
    csr_write(CSR_SIREG, val);
    return (long)csr_read(CSR_SIREG);
}

CSR_READER(vs_read_sireg, CSR_SIREG)
CSR_READER(vs_read_stopei, CSR_STOPEI)

static void check_geilen(void)
{
    csr_write(CSR_HGEIE, ~0UL);
    CHECK_EQ(csr_read(CSR_HGEIE), 0xeUL); /* GEILEN = 3 */
    csr_write(CSR_HGEIE, 0);
    csr_write(CSR_HSTATUS, 3UL << HSTATUS_VGEIN_SHIFT);
    CHECK_EQ(csr_read(CSR_HSTATUS) >> HSTATUS_VGEIN_SHIFT & 0x3f, 3);
    csr_write(CSR_HSTATUS, 0);
    CHECK_EQ(csr_read(CSR_HGEIP), 0);
}

/* VGEIN = 0: the guest file's registers and vstopei are inaccessible. */
static void check_no_guest_file(void)
{
    csr_write(CSR_VSISELECT, EIDELIVERY);
    expect_trap(EXPECT_SKIP);
    (void)csr_read(CSR_VSIREG);
    CHECK_EQ(last_trap.cause, CAUSE_ILLEGAL_INSTRUCTION);
    expect_trap(EXPECT_SKIP);
    (void)csr_read(CSR_VSTOPEI);
    CHECK_EQ(last_trap.cause, CAUSE_ILLEGAL_INSTRUCTION);
    expect_trap(EXPECT_SKIP);
    run_virt(vs_read_sireg, 0);
    CHECK_EQ(last_trap.cause, CAUSE_VIRTUAL_INSTRUCTION);
    expect_trap(EXPECT_SKIP);
    run_virt(vs_read_stopei, 0);
    CHECK_EQ(last_trap.cause, CAUSE_VIRTUAL_INSTRUCTION);
    expect_trap(EXPECT_NONE);
}

static void check_guest_interrupt(void)
{
    /* HS: the MSI lands in guest file 2 and raises SGEI with hgeip bit 2 */
    CHECK_EQ(run_in_mode(PRV_S, hs_guest_msi, 7, hs_stack + sizeof(hs_stack)),
             7L << 16 | 7);
    CHECK_EQ(hs_count, 1);
    CHECK_EQ(hs_cause, CAUSE_INTERRUPT | 12);
    CHECK_EQ(hs_hgeip, 1UL << 2);
    CHECK_EQ(csr_read(CSR_HGEIP), 1UL << 2); /* still pending in the file */
    CHECK_EQ(csr_read(mip) & (MIP_VSEIP | MIP_SGEIP), MIP_VSEIP); /* hgeie is 0 now */
    /* VS with VGEIN = 2: a supervisor external interrupt, claimed through stopei */
    csr_write(CSR_HIDELEG, MIP_VSEIP);
    csr_write(CSR_VSTVEC, (unsigned long)aia_vs_trap);
    CHECK_EQ(run_virt(vs_take_external, 5), 5);
    CHECK_EQ(vs_seen[1], 1);
    CHECK_EQ(vs_seen[0], CAUSE_INTERRUPT | 9);
    CHECK_EQ(run_virt(vs_claim, 0), 9L << 48 | 1L << 32 | 7L << 16 | 7);
    CHECK_EQ(csr_read(CSR_HGEIP), 0);
    CHECK_EQ(csr_read(CSR_VSTOPEI), 0);
    /* siselect/sireg in VS are vsiselect/vsireg: HS's siselect keeps its value */
    csr_write(CSR_SISELECT, 0x30);
    CHECK_EQ(run_virt(vs_threshold, 5), 5);
    CHECK_EQ(csr_read(CSR_VSISELECT), EITHRESHOLD);
    CHECK_EQ(csr_read(CSR_VSIREG), 5);
    CHECK_EQ(csr_read(CSR_SISELECT), 0x30);
    /* a threshold of 5 masks identity 7: pending in the file, no hgeip bit */
    mmio_write32(GUEST_FILE(2), 7);
    CHECK_EQ(csr_read(CSR_HGEIP), 0);
    csr_write(CSR_VSIREG, 0);
    CHECK_EQ(csr_read(CSR_HGEIP), 1UL << 2);
    /* an MSI to guest file 1 does not reach file 2 */
    csr_swap(CSR_VSTOPEI, 0);
    mmio_write32(GUEST_FILE(1), 7);
    CHECK_EQ(csr_read(CSR_HGEIP), 0);
    CHECK_EQ(csr_read(CSR_VSTOPEI), 0);
}

int main(void)
{
    pmp_allow_all();
    CHECK(csr_read(misa) & (1UL << ('H' - 'A')));
    s_trap_hook = s_hook;
    /* SGEI is HS's (mideleg bit 12 reads one with GEILEN > 0; QEMU 7.2 sets it on a write) */
    csr_write(mideleg, csr_read(mideleg));
    CHECK(csr_read(mideleg) & MIP_SGEIP);
    check_geilen();
    check_no_guest_file();
    check_guest_interrupt();
    return 0;
}

TEST_END_CHECKS();
