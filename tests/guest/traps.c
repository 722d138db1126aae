/*
 * Synchronous exceptions and M-mode trap CSRs (Privileged ISA 1.12,
 * "Machine Trap Handling", "Exception codes"; Unprivileged ISA "Zicsr"):
 *  - mcause / mepc / mtval for ecall (M/S/U), ebreak, illegal instructions
 *    (mtval = the instruction bits, as QEMU provides), access faults on
 *    loads, stores and fetches from unmapped physical addresses
 *    (mtval = the address)
 *  - misaligned loads and stores: QEMU 7.2 performs them in hardware (no
 *    trap) for RAM, so the test checks the data they move
 *  - CSR rules: writes to read-only CSRs (number bits [11:10] = 11) and
 *    accesses to unimplemented CSRs are illegal; CSRRS/CSRRC with rs1 = x0
 *    and CSRRSI/CSRRCI with uimm = 0 do not write, so they may read
 *    read-only CSRs; the CSR's lowest privilege is bits [9:8]
 *  - mtvec: direct and vectored (exceptions always go to BASE), reserved
 *    MODE values are not written (WARL)
 *  - misa, mhartid, mstatus.SXL/UXL
 */
#include "test.h"

/* Address with nothing behind it on the virt board (between the platform
 * bus and the PLIC) */
#define UNMAPPED_ADDR 0x08000000UL

/*
 * Probes: leaf functions whose first instruction is the one under test.
 * A trap there has mepc = the function's address; EXPECT_SKIP resumes at
 * the next instruction, which returns.
 */
asm(".pushsection .text.probes, \"ax\"\n"
    ".option push\n"
    ".option norvc\n"
    "probe_ecall:      ecall\n ret\n"
    "probe_ebreak:     ebreak\n ret\n"
    "probe_custom0:    .word 0x0000000b\n ret\n" /* custom-0 opcode: not implemented */
    "probe_bad_funct:  .word 0xfe000033\n ret\n" /* OP with funct7 = 0x7f */
    "probe_ones:       .word 0xffffffff\n ret\n" /* length prefix of a >= 80-bit insn */
    "probe_csrw_mhartid: csrw mhartid, a0\n ret\n"
    "probe_csrwi_mvendorid: csrwi mvendorid, 1\n ret\n"
    "probe_csrrw_cycle: csrrw a0, cycle, a0\n ret\n"
    "probe_csrr_mhartid: csrrs a0, mhartid, x0\n ret\n"
    "probe_csrrci_misa: csrrci a0, misa, 0\n ret\n"
    "probe_csrr_unimpl: csrr a0, 0x7c0\n ret\n"
    "probe_csrr_unimpl2: csrr a0, 0x8c0\n ret\n"
    "probe_csrr_mstatus: csrr a0, mstatus\n ret\n"
    "probe_csrr_sstatus: csrr a0, sstatus\n ret\n"
    "probe_csrr_mscratch: csrr a0, mscratch\n ret\n"
    "probe_mret:       mret\n ret\n"
    "probe_sret:       sret\n ret\n"
    "probe_lw:         lw a0, 0(a0)\n ret\n"
    "probe_lh:         lh a0, 0(a0)\n ret\n"
    "probe_lhu:        lhu a0, 0(a0)\n ret\n"
    "probe_ld:         ld a0, 0(a0)\n ret\n"
    "probe_lwu:        lwu a0, 0(a0)\n ret\n"
    "probe_sw:         sw a1, 0(a0)\n ret\n"
    "probe_sd:         sd a1, 0(a0)\n ret\n"
    "probe_sh:         sh a1, 0(a0)\n ret\n"
    ".option pop\n"
    ".popsection\n");

typedef long (*probe_fn)(long, long);
extern char probe_ecall[], probe_ebreak[], probe_custom0[], probe_bad_funct[], probe_ones[],
    probe_csrw_mhartid[], probe_csrwi_mvendorid[], probe_csrrw_cycle[], probe_csrr_mhartid[],
    probe_csrrci_misa[], probe_csrr_unimpl[], probe_csrr_unimpl2[], probe_csrr_mstatus[],
    probe_csrr_sstatus[], probe_csrr_mscratch[], probe_mret[], probe_sret[], probe_lw[], probe_lh[],
    probe_lhu[], probe_ld[], probe_lwu[], probe_sw[], probe_sd[], probe_sh[];

static long call_probe(char *probe, long a0, long a1)
{
    return ((probe_fn)(uintptr_t)probe)(a0, a1);
}

static uint32_t insn_at(const char *p)
{
    return *(const volatile uint32_t *)p;
}

/* Run a probe in M-mode expecting an illegal-instruction trap at its start */
#define CHECK_ILLEGAL_M(probe)                                                                     \
    do {                                                                                           \
        expect_trap(EXPECT_SKIP);                                                                  \
        call_probe(probe, 0, 0);                                                                   \
        CHECK_TRAP('M', CAUSE_ILLEGAL_INSTRUCTION, (unsigned long)probe, insn_at(probe));          \
    } while (0)

/* Run a probe in mode (PRV_U/PRV_S) and return its a0 */
static long probe_in_mode(int mode, char *probe, long arg)
{
    return run_in_mode(mode, (long (*)(long))(uintptr_t)probe, arg, 0);
}

static void test_identity(unsigned long hartid_at_entry)
{
    unsigned long misa = csr_read(misa);
    /* MXL = 2: XLEN 64 */
    CHECK_EQ(misa >> 62, 2);
    /* RV64IMAFDC with S and U modes: I M A F D C S U */
    unsigned long need = (1UL << ('I' - 'A')) | (1UL << ('M' - 'A')) | (1UL << ('A' - 'A')) |
                         (1UL << ('F' - 'A')) | (1UL << ('D' - 'A')) | (1UL << ('C' - 'A')) |
                         (1UL << ('S' - 'A')) | (1UL << ('U' - 'A'));
    CHECK_EQ(misa & need, need);
    CHECK_EQ(csr_read(mhartid), 0);
    CHECK_EQ(hartid_at_entry, 0); /* a0 at entry = hartid */
    /* SXL = UXL = 2 (64-bit S and U), read-only */
    CHECK_EQ((csr_read(mstatus) & (MSTATUS_SXL | MSTATUS_UXL)) >> 32, 0xa);
    csr_clear(mstatus, MSTATUS_SXL | MSTATUS_UXL);
    CHECK_EQ((csr_read(mstatus) & (MSTATUS_SXL | MSTATUS_UXL)) >> 32, 0xa);
}

static void test_ecall_ebreak(void)
{
    /* ecall from M: cause 11, mepc = the ecall, mtval = 0 */
    expect_trap(EXPECT_SKIP);
    call_probe(probe_ecall, 0, 0);
    CHECK_TRAP('M', CAUSE_MACHINE_ECALL, (unsigned long)probe_ecall, 0);
    CHECK_EQ(last_trap.count, 1);
    /* mstatus at entry: MPP = M (3), MIE cleared */
    CHECK_EQ((last_trap.status & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT, PRV_M);
    CHECK_EQ(last_trap.status & MSTATUS_MIE, 0);

    /* ecall from S: cause 9; from U: cause 8 */
    expect_trap(EXPECT_SKIP);
    probe_in_mode(PRV_S, probe_ecall, 0);
    CHECK_TRAP('M', CAUSE_SUPERVISOR_ECALL, (unsigned long)probe_ecall, 0);
    CHECK_EQ((last_trap.status & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT, PRV_S);
    expect_trap(EXPECT_SKIP);
    probe_in_mode(PRV_U, probe_ecall, 0);
    CHECK_TRAP('M', CAUSE_USER_ECALL, (unsigned long)probe_ecall, 0);
    CHECK_EQ((last_trap.status & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT, PRV_U);

    /* ebreak: cause 3, mepc = the ebreak; QEMU writes mtval = 0 */
    expect_trap(EXPECT_SKIP);
    call_probe(probe_ebreak, 0, 0);
    CHECK_TRAP('M', CAUSE_BREAKPOINT, (unsigned long)probe_ebreak, 0);
    expect_trap(EXPECT_SKIP);
    probe_in_mode(PRV_U, probe_ebreak, 0);
    CHECK_TRAP('M', CAUSE_BREAKPOINT, (unsigned long)probe_ebreak, 0);
}

static void test_illegal(void)
{
    /* unimplemented opcodes / functions: mtval holds the instruction */
    CHECK_ILLEGAL_M(probe_custom0);
    CHECK_ILLEGAL_M(probe_bad_funct);
    CHECK_ILLEGAL_M(probe_ones);
    /* writes to read-only CSRs (csr[11:10] = 3) */
    CHECK_ILLEGAL_M(probe_csrw_mhartid);
    CHECK_ILLEGAL_M(probe_csrwi_mvendorid);
    CHECK_ILLEGAL_M(probe_csrrw_cycle);
    /* unimplemented CSRs */
    CHECK_ILLEGAL_M(probe_csrr_unimpl);
    CHECK_ILLEGAL_M(probe_csrr_unimpl2);
    /* reads that do not write are fine: csrrs rs1 = x0, csrrci uimm = 0 */
    CHECK_EQ(call_probe(probe_csrr_mhartid, 77, 0), 0);
    CHECK_EQ(call_probe(probe_csrrci_misa, 0, 0), csr_read(misa));

    /* privilege of a CSR = bits [9:8]: M CSRs from S and U, S CSRs from U */
    expect_trap(EXPECT_SKIP);
    CHECK_EQ(probe_in_mode(PRV_S, probe_csrr_mstatus, 0x55), 0x55);
    CHECK_TRAP('M', CAUSE_ILLEGAL_INSTRUCTION, (unsigned long)probe_csrr_mstatus,
               insn_at(probe_csrr_mstatus));
    CHECK_EQ((last_trap.status & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT, PRV_S);
    expect_trap(EXPECT_SKIP);
    probe_in_mode(PRV_U, probe_csrr_mscratch, 0);
    CHECK_TRAP('M', CAUSE_ILLEGAL_INSTRUCTION, (unsigned long)probe_csrr_mscratch,
               insn_at(probe_csrr_mscratch));
    expect_trap(EXPECT_SKIP);
    probe_in_mode(PRV_U, probe_csrr_sstatus, 0);
    CHECK_TRAP('M', CAUSE_ILLEGAL_INSTRUCTION, (unsigned long)probe_csrr_sstatus,
               insn_at(probe_csrr_sstatus));
    /* ...while S may read sstatus */
    unsigned long sstatus_from_s = (unsigned long)probe_in_mode(PRV_S, probe_csrr_sstatus, 0);
    CHECK_EQ(sstatus_from_s & MSTATUS_MPP, 0); /* M fields are not visible */
    CHECK_EQ((sstatus_from_s >> 32) & 3, 2);   /* UXL */

    /* xRET from a less privileged mode */
    expect_trap(EXPECT_SKIP);
    probe_in_mode(PRV_S, probe_mret, 0);
    CHECK_TRAP('M', CAUSE_ILLEGAL_INSTRUCTION, (unsigned long)probe_mret, insn_at(probe_mret));
    expect_trap(EXPECT_SKIP);
    probe_in_mode(PRV_U, probe_sret, 0);
    CHECK_TRAP('M', CAUSE_ILLEGAL_INSTRUCTION, (unsigned long)probe_sret, insn_at(probe_sret));
}

static void test_access_faults(void)
{
    /* load from an unmapped address: load access fault, mtval = address */
    expect_trap(EXPECT_SKIP);
    call_probe(probe_lw, UNMAPPED_ADDR + 0x40, 0);
    CHECK_TRAP('M', CAUSE_LOAD_ACCESS, (unsigned long)probe_lw, UNMAPPED_ADDR + 0x40);
    expect_trap(EXPECT_SKIP);
    call_probe(probe_ld, 0, 0); /* nothing at physical 0 either */
    CHECK_TRAP('M', CAUSE_LOAD_ACCESS, (unsigned long)probe_ld, 0);
    /* beyond the end of the 128 MiB of RAM */
    expect_trap(EXPECT_SKIP);
    call_probe(probe_ld, VIRT_DRAM_BASE + 0x8000000, 0);
    CHECK_TRAP('M', CAUSE_LOAD_ACCESS, (unsigned long)probe_ld, VIRT_DRAM_BASE + 0x8000000);
    /* store: store/AMO access fault */
    expect_trap(EXPECT_SKIP);
    call_probe(probe_sw, UNMAPPED_ADDR + 8, 1);
    CHECK_TRAP('M', CAUSE_STORE_ACCESS, (unsigned long)probe_sw, UNMAPPED_ADDR + 8);
    /* the same from U-mode (PMP allows everything; the bus does not) */
    expect_trap(EXPECT_SKIP);
    probe_in_mode(PRV_U, probe_ld, UNMAPPED_ADDR);
    CHECK_TRAP('M', CAUSE_LOAD_ACCESS, (unsigned long)probe_ld, UNMAPPED_ADDR);

    /* fetch: instruction access fault, mepc = mtval = the target */
    expect_trap(EXPECT_RET);
    long r = ((long (*)(void))UNMAPPED_ADDR)();
    CHECK_EQ(r, TRAP_RET_VALUE);
    CHECK_TRAP('M', CAUSE_FETCH_ACCESS, UNMAPPED_ADDR, UNMAPPED_ADDR);
    expect_trap(EXPECT_RET);
    r = ((long (*)(void))(VIRT_DRAM_BASE + 0x8000000))();
    CHECK_EQ(r, TRAP_RET_VALUE);
    CHECK_TRAP('M', CAUSE_FETCH_ACCESS, VIRT_DRAM_BASE + 0x8000000, VIRT_DRAM_BASE + 0x8000000);
}

static void test_misaligned(void)
{
    static uint8_t buf[32] __attribute__((aligned(16)));
    for (unsigned i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)(0x10 + i);
    unsigned long base = (unsigned long)buf;
    unsigned long count = last_trap.count;

    /* QEMU 7.2 does misaligned RAM accesses in hardware: no trap, and the
     * bytes are those of the little-endian value at that address */
    CHECK_EQ(call_probe(probe_lw, base + 1, 0), 0x14131211);
    CHECK_EQ(call_probe(probe_lw, base + 3, 0), 0x16151413);
    CHECK_EQ(call_probe(probe_lh, base + 7, 0), 0x1817);
    CHECK_EQ(call_probe(probe_lhu, base + 15, 0), 0x201f);
    CHECK_EQ(call_probe(probe_ld, base + 5, 0), 0x1c1b1a1918171615);
    CHECK_EQ(call_probe(probe_lwu, base + 6, 0), 0x19181716);
    buf[9] = 0x80;
    buf[10] = 0xff;
    CHECK_EQ(call_probe(probe_lh, base + 9, 0), 0xffffffffffffff80); /* sign-extended */
    call_probe(probe_sd, base + 3, 0x0102030405060708);
    CHECK_EQ(*(volatile uint64_t *)(base + 0), 0x0405060708121110);
    call_probe(probe_sw, base + 17, 0xaabbccdd);
    CHECK_EQ(*(volatile uint64_t *)(base + 16), 0x272625aabbccdd20);
    call_probe(probe_sh, base + 29, 0x5aa5);
    CHECK_EQ(*(volatile uint32_t *)(base + 28), 0x2f5aa52c);
    CHECK_EQ(last_trap.count, count); /* no trap was taken */
}

static void test_mtvec(void)
{
    extern char trap_entry_m[];
    unsigned long saved = csr_read(mtvec);
    CHECK_EQ(saved, (unsigned long)trap_entry_m);

    /* reserved MODE values (2, 3) are not written */
    csr_write(mtvec, (unsigned long)trap_entry_m | 2);
    CHECK_EQ(csr_read(mtvec), saved);
    /* vectored mode: synchronous exceptions still go to BASE */
    csr_write(mtvec, (unsigned long)trap_entry_m | 1);
    CHECK_EQ(csr_read(mtvec), (unsigned long)trap_entry_m | 1);
    expect_trap(EXPECT_SKIP);
    call_probe(probe_ecall, 0, 0);
    CHECK_TRAP('M', CAUSE_MACHINE_ECALL, (unsigned long)probe_ecall, 0);
    csr_write(mtvec, saved);

    /* scratch registers are plain read/write */
    unsigned long old = csr_swap(mscratch, 0x1234567890abcdefUL);
    CHECK_EQ(csr_read(mscratch), 0x1234567890abcdefUL);
    csr_write(mscratch, old);
    csr_write(mtval, 0xfeedUL);
    CHECK_EQ(csr_read(mtval), 0xfeedUL);
    csr_write(mcause, 5);
    CHECK_EQ(csr_read(mcause), 5);
}

int main(unsigned long hartid)
{
    test_identity(hartid);
    pmp_allow_all();
    test_ecall_ebreak();
    test_illegal();
    test_access_faults();
    test_misaligned();
    test_mtvec();
    return 0;
}

TEST_END_CHECKS();
