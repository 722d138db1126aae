/*
 * Self-modifying code and FENCE.I (Unprivileged ISA, "Zifencei"): after a
 * store to instruction memory and a FENCE.I on the same hart, instruction
 * fetches see the new bytes.  Written for emulators with a translation
 * cache: the checks patch code that already ran (and ran hot), patch the
 * middle of a block, patch the code ahead of the running instruction in
 * the same block, swap one 32-bit instruction for two compressed ones, and
 * under Sv39 write through one virtual alias while executing through
 * another, and remap the executing VA to a different physical page.
 */
#include "vm.h"

static uint32_t code[2][PAGE_SIZE / 4] __attribute__((aligned(4096)));

#define ADDI(rd, rs1, imm) ((((uint32_t)(imm)&0xfff) << 20) | ((rs1) << 15) | ((rd) << 7) | 0x13)
#define RET 0x00008067u
#define A0 10
#define C_LI(rd, imm)                                                                              \
    ((uint16_t)((2u << 13) | ((((imm) >> 5) & 1u) << 12) | ((rd) << 7) | (((imm)&0x1fu) << 2) | 1u))
#define C_NOP ((uint16_t)0x0001)

typedef long (*fn_t)(void);

static long call(const void *p)
{
    return ((fn_t)(uintptr_t)p)();
}

static void test_patch_immediate(void)
{
    /* li a0, k; ret — patched and re-run with a new k each time */
    code[0][0] = ADDI(A0, 0, 1);
    code[0][1] = RET;
    fence_i();
    CHECK_EQ(call(code[0]), 1);
    int bad = 0;
    for (int k = 2; k < 200; k++) {
        code[0][0] = ADDI(A0, 0, k);
        fence_i();
        if (call(code[0]) != k)
            bad = k;
    }
    CHECK_EQ(bad, 0);
}

static void test_hot_block(void)
{
    /* a0 = 0; a0 += 1; a0 += 2; a0 += 4; ret — run it many times, then
     * patch the middle instruction */
    code[0][0] = ADDI(A0, 0, 0);
    code[0][1] = ADDI(A0, A0, 1);
    code[0][2] = ADDI(A0, A0, 2);
    code[0][3] = ADDI(A0, A0, 4);
    code[0][4] = RET;
    fence_i();
    long sum = 0;
    for (int i = 0; i < 5000; i++)
        sum += call(code[0]);
    CHECK_EQ(sum, 7 * 5000);
    code[0][2] = ADDI(A0, A0, 0x100);
    fence_i();
    CHECK_EQ(call(code[0]), 0x105);
    /* a 32-bit instruction replaced by two 16-bit ones: c.li a0, 9; c.nop */
    uint16_t *half = (uint16_t *)&code[0][3];
    half[0] = C_LI(A0, 9);
    half[1] = C_NOP;
    fence_i();
    CHECK_EQ(call(code[0]), 9);
    /* and back */
    code[0][3] = ADDI(A0, A0, 4);
    fence_i();
    CHECK_EQ(call(code[0]), 0x105);
}

/* Writes "li a0, 42" over the instruction at 1: (in the same block, ahead
 * of the pc), executes fence.i, then falls through into it. */
asm(".pushsection .text.smc, \"ax\"\n"
    ".option push\n"
    ".option norvc\n"
    ".globl smc_ahead\n"
    "smc_ahead:\n"
    "  la   t0, 1f\n"
    "  li   t1, 0x02a00513\n" /* addi a0, x0, 42 */
    "  sw   t1, 0(t0)\n"
    "  fence.i\n"
    "1: addi a0, x0, 1\n"
    "  ret\n"
    /* restore the original for the next run */
    ".globl smc_ahead_reset\n"
    "smc_ahead_reset:\n"
    "  la   t0, 1b\n"
    "  li   t1, 0x00100513\n" /* addi a0, x0, 1 */
    "  sw   t1, 0(t0)\n"
    "  fence.i\n"
    "  ret\n"
    ".option pop\n"
    ".popsection\n");
extern char smc_ahead[], smc_ahead_reset[];

static void test_modify_ahead(void)
{
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(call(smc_ahead), 42);
        call(smc_ahead_reset);
    }
    /* the same from S-mode (bare, PMP open): fence.i is unprivileged */
    CHECK_EQ(run_in_mode(PRV_S, (long (*)(long))(uintptr_t)smc_ahead, 0, 0), 42);
    call(smc_ahead_reset);
    CHECK_EQ(run_in_mode(PRV_U, (long (*)(long))(uintptr_t)smc_ahead, 0, 0), 42);
    call(smc_ahead_reset);
}

/* S-mode: write one word through a writable alias, fence.i, return */
asm(".pushsection .text.smc, \"ax\"\n"
    ".option push\n"
    ".option norvc\n"
    "s_write_code: li t1, 0x06300513\n" /* addi a0, x0, 99 */
    "  sw t1, 0(a0)\n"
    "  fence.i\n"
    "  j mode_exit\n"
    ".option pop\n"
    ".popsection\n");
extern char s_write_code[];

static void test_aliases(void)
{
    const unsigned long exec_va = 0x200000000UL, write_va = 0x200010000UL;
    vm_init(SATP_MODE_SV39);
    vm_map(exec_va, (unsigned long)code[1], 0, PTE_V | PTE_R | PTE_X | PTE_A);
    vm_map(write_va, (unsigned long)code[1], 0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    vm_put_code((unsigned long)code[1]); /* a0 = 0x77; exit */
    vm_enable();
    CHECK_EQ(vm_exec(PRV_S, exec_va), 0x77);
    CHECK_EQ(vm_exec(PRV_S, exec_va), 0x77);
    /* S patches the first instruction through the other VA */
    vm_access(PRV_S, s_write_code, write_va);
    CHECK_EQ(vm_exec(PRV_S, exec_va), 99);
    /* M patches it through its physical address */
    code[1][0] = ADDI(A0, 0, 0x55);
    fence_i();
    CHECK_EQ(vm_exec(PRV_S, exec_va), 0x55);

    /* the executing VA moved to another physical page: after sfence.vma
     * the code of the new page runs (blocks are keyed by physical address,
     * a virtual-pc cache must not survive the remap) */
    vm_put_code((unsigned long)code[0]);
    code[0][0] = ADDI(A0, 0, 0x66);
    fence_i();
    vm_map(exec_va, (unsigned long)code[0], 0, PTE_V | PTE_R | PTE_X | PTE_A);
    sfence_vma();
    CHECK_EQ(vm_exec(PRV_S, exec_va), 0x66);
    vm_map(exec_va, (unsigned long)code[1], 0, PTE_V | PTE_R | PTE_X | PTE_A);
    sfence_vma();
    CHECK_EQ(vm_exec(PRV_S, exec_va), 0x55);
    csr_write(satp, 0);
    sfence_vma();
}

int main(void)
{
    pmp_allow_all();
    test_patch_immediate();
    test_hot_block();
    test_modify_ahead();
    test_aliases();
    return 0;
}

TEST_END_CHECKS();
