/*
 * RISC-V semihosting (RISC-V Semihosting spec, version 0.3): an ebreak placed
 * between "slli x0, x0, 0x1f" and "srai x0, x0, 7" (all three 32-bit and in
 * one page, so the check cannot fault half-way) is a call, a0 = operation,
 * a1 = parameter, result in a0. The calls themselves are in semihosting/.
 * Served in M and S mode only when -semihosting is on; otherwise, and for any
 * other ebreak, the breakpoint exception is taken as usual.
 */
#include "hw/core/cpu.h"
#include "semihosting/semihost.h"
#include "target/riscv/cpu.h"
#include "util/main-loop.h"

#define INSN_SLLI_ENTRY 0x01f01013u /* slli x0, x0, 0x1f */
#define INSN_EBREAK 0x00100073u
#define INSN_SRAI_EXIT 0x40705013u /* srai x0, x0, 7 */

static bool riscv_semi_rw(void *opaque, uint64_t vaddr, void *buf, uint64_t len, bool write)
{
    CPUState *cs = opaque;

    return CPU_GET_CLASS(cs)->memory_rw_debug(cs, vaddr, buf, len, write) == 0;
}

static bool riscv_semi_is_call(CPUState *cs, uint64_t pc)
{
    uint32_t insn[3];

    if (((pc - 4) >> 12) != ((pc + 7) >> 12) ||
        !riscv_semi_rw(cs, pc - 4, insn, sizeof(insn), false)) {
        return false;
    }
    return insn[0] == INSN_SLLI_ENTRY && insn[1] == INSN_EBREAK && insn[2] == INSN_SRAI_EXIT;
}

/* A call gdb served (target=gdb): its result arrives while the hart is stopped. */
static void riscv_semi_set_result(void *opaque, uint64_t value)
{
    RISCV_CPU(opaque)->env.gpr[10] = value;
}

bool riscv_semihosting_try(CPURISCVState *env)
{
    CPUState *cs = CPU(env_cpu(env));
    /* gdb's fstat answer goes below the stack pointer, where the guest keeps nothing. */
    SemihostingGuest g = {cs, riscv_semi_rw, 8, cs, env->gpr[2] - 64, riscv_semi_set_result};
    uint64_t result;

    if (!semihosting_enabled() || env->priv == PRV_U || !riscv_semi_is_call(cs, env->pc)) {
        return false;
    }
    BQL_LOCK_GUARD(); /* the call may touch device memory and the run state */
    if (semihosting_call(&g, env->gpr[10], env->gpr[11], &result)) {
        env->gpr[10] = result;
    }
    env->pc += 4; /* on to the srai, which ends the sequence */
    return true;
}
