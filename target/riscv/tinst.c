/*
 * htinst/mtinst on a guest-page fault (Privileged ISA 20211203, 8.6.3): what a trap into HS
 * or M tells the hypervisor about the instruction, so it can emulate an MMIO access without
 * reading guest memory.
 *
 * - An implicit access of the VS-stage walk (reading a PTE, or writing its A/D bits) reports
 *   a pseudoinstruction: 0x3000 (64-bit read) or 0x3020 (64-bit write); mmu.c records which
 *   in env->fault_tinst.
 * - An explicit load, store, AMO, LR/SC or HLV/HLVX/HSV reports the transformed instruction:
 *   the instruction with its immediate offset cleared and rs1 replaced by the address offset
 *   (the faulting address minus the access's first byte: nonzero only when a misaligned
 *   access faults on its second page). A compressed instruction is first expanded to its
 *   32-bit form, and bit 1 is cleared to say it was 16 bits long.
 * - Anything else (vector accesses, cache-block operations, fetches) reports 0, which the
 *   spec allows for every trap.
 */
#include "accel/tcg/cputlb.h"
#include "target/riscv/cpu.h"

#define OP_LOAD 0x03
#define OP_LOAD_FP 0x07
#define OP_STORE 0x23
#define OP_STORE_FP 0x27
#define OP_AMO 0x2f
#define OP_SYSTEM 0x73

static uint32_t bits(uint32_t v, int hi, int lo)
{
    return (v >> lo) & ((1u << (hi - lo + 1)) - 1);
}

static uint32_t i_type(uint32_t imm, uint32_t rs1, uint32_t f3, uint32_t rd, uint32_t op)
{
    return imm << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}

static uint32_t s_type(uint32_t imm, uint32_t rs2, uint32_t rs1, uint32_t f3, uint32_t op)
{
    return (imm >> 5) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (imm & 0x1f) << 7 | op;
}

/* The 32-bit form of a compressed load or store (RV64C, Zcb's byte/half ones), or 0. */
static uint32_t expand_compressed(uint16_t c)
{
    uint32_t f3 = bits(c, 15, 13), rdp = bits(c, 4, 2) + 8, rs1p = bits(c, 9, 7) + 8;
    uint32_t rd = bits(c, 11, 7), rs2 = bits(c, 6, 2);
    uint32_t off_w = bits(c, 12, 10) << 3 | bits(c, 6, 6) << 2 | bits(c, 5, 5) << 6;
    uint32_t off_d = bits(c, 12, 10) << 3 | bits(c, 6, 5) << 6;

    if ((c & 3) == 0) {
        switch (f3) {
        case 1:
            return i_type(off_d, rs1p, 3, rdp, OP_LOAD_FP); /* c.fld */
        case 2:
            return i_type(off_w, rs1p, 2, rdp, OP_LOAD); /* c.lw */
        case 3:
            return i_type(off_d, rs1p, 3, rdp, OP_LOAD); /* c.ld */
        case 5:
            return s_type(off_d, rdp, rs1p, 3, OP_STORE_FP); /* c.fsd */
        case 6:
            return s_type(off_w, rdp, rs1p, 2, OP_STORE); /* c.sw */
        case 7:
            return s_type(off_d, rdp, rs1p, 3, OP_STORE); /* c.sd */
        case 4: {                                         /* Zcb */
            uint32_t f6 = bits(c, 15, 10), ub = bits(c, 5, 5) << 1 | bits(c, 6, 6);
            uint32_t uh = bits(c, 5, 5) << 1;
            if (f6 == 0x20)
                return i_type(ub, rs1p, 4, rdp, OP_LOAD); /* c.lbu */
            if (f6 == 0x21)
                return i_type(uh, rs1p, bits(c, 6, 6) ? 1 : 5, rdp, OP_LOAD);
            if (f6 == 0x22)
                return s_type(ub, rdp, rs1p, 0, OP_STORE); /* c.sb */
            if (f6 == 0x23 && !bits(c, 6, 6))
                return s_type(uh, rdp, rs1p, 1, OP_STORE);
            return 0;
        }
        }
    } else if ((c & 3) == 2) {
        uint32_t lwsp = bits(c, 12, 12) << 5 | bits(c, 6, 4) << 2 | bits(c, 3, 2) << 6;
        uint32_t ldsp = bits(c, 12, 12) << 5 | bits(c, 6, 5) << 3 | bits(c, 4, 2) << 6;
        uint32_t swsp = bits(c, 12, 9) << 2 | bits(c, 8, 7) << 6;
        uint32_t sdsp = bits(c, 12, 10) << 3 | bits(c, 9, 7) << 6;
        switch (f3) {
        case 1:
            return i_type(ldsp, 2, 3, rd, OP_LOAD_FP); /* c.fldsp */
        case 2:
            return rd ? i_type(lwsp, 2, 2, rd, OP_LOAD) : 0;
        case 3:
            return rd ? i_type(ldsp, 2, 3, rd, OP_LOAD) : 0;
        case 5:
            return s_type(sdsp, rs2, 2, 3, OP_STORE_FP); /* c.fsdsp */
        case 6:
            return s_type(swsp, rs2, 2, 2, OP_STORE); /* c.swsp */
        case 7:
            return s_type(sdsp, rs2, 2, 3, OP_STORE); /* c.sdsp */
        }
    }
    return 0;
}

/* The instruction at pc (its low 16 bits if compressed), or 0 if it cannot be read. */
static uint32_t insn_at(CPUState *cs, uint64_t pc)
{
    const uint8_t *host;
    hwaddr pa;
    uint32_t lo, hi;

    if (tlb_translate_code(cs, pc, &pa, &host) != TCG_EXCP_NONE) {
        return 0;
    }
    lo = host[0] | host[1] << 8;
    if ((lo & 3) != 3) {
        return lo;
    }
    if (((pc + 2) & ~TARGET_PAGE_MASK) == 0 &&
        tlb_translate_code(cs, pc + 2, &pa, &host) != TCG_EXCP_NONE) {
        return 0;
    }
    hi = ((pc + 2) & ~TARGET_PAGE_MASK) == 0 ? host[0] | host[1] << 8 : host[2] | host[3] << 8;
    return lo | hi << 16;
}

/* The transformed form of a 32-bit memory instruction, given its address offset, or 0. */
static uint32_t transform(CPURISCVState *env, uint32_t insn, uint64_t tval)
{
    uint32_t op = insn & 0x7f, f3 = bits(insn, 14, 12), rs1 = bits(insn, 19, 15);
    int64_t imm = (int32_t)insn >> 20;
    uint32_t keep;

    switch (op) {
    case OP_LOAD:
        keep = 0x00007fff;
        break;
    case OP_LOAD_FP:
        keep = f3 >= 1 && f3 <= 4 ? 0x00007fff : 0; /* not the vector loads */
        break;
    case OP_STORE:
    case OP_STORE_FP:
        if (op == OP_STORE_FP && (f3 < 1 || f3 > 4)) {
            return 0;
        }
        keep = 0x01f0707f;
        imm = ((int32_t)insn >> 25) << 5 | bits(insn, 11, 7);
        break;
    case OP_AMO:
        keep = 0xfff07fff, imm = 0;
        break;
    case OP_SYSTEM: /* hlv, hlvx, hsv */
        if (f3 != 4 || bits(insn, 31, 28) != 6) {
            return 0;
        }
        keep = 0xfff07fff, imm = 0;
        break;
    default:
        return 0;
    }
    if (!keep) {
        return 0;
    }
    return (insn & keep) | (uint32_t)((tval - (env->gpr[rs1] + imm)) & 0x1f) << 15;
}

uint64_t riscv_fault_tinst(CPURISCVState *env, uint64_t cause, uint64_t tval)
{
    uint32_t insn;

    if (cause == RISCV_EXCP_INST_GUEST_PAGE_FAULT) {
        return env->fault_tinst; /* a fetch's walk: the pseudoinstruction, or 0 */
    }
    if (cause != RISCV_EXCP_LOAD_GUEST_ACCESS_FAULT &&
        cause != RISCV_EXCP_STORE_GUEST_AMO_ACCESS_FAULT) {
        return 0;
    }
    if (env->fault_tinst) {
        return env->fault_tinst;
    }
    insn = insn_at(&env_cpu(env)->parent_obj, env->pc);
    if ((insn & 3) != 3) {
        return transform(env, expand_compressed(insn), tval) & ~2u;
    }
    return transform(env, insn, tval);
}
