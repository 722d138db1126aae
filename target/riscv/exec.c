/*
 * The threaded interpreter: runs the instruction records of translation
 * blocks (include/accel/tcg/tb.h) for RV64IMAFDC + Zicsr, Zifencei, Zba, Zbb,
 * Zbc, Zbs (semantics from the Unprivileged ISA 20191213 and Bitmanip 1.0.0;
 * traps from the Privileged ISA 20211203).
 *
 * riscv_tb_exec() is one function with a label per operation and computed
 * gotos between records ("threaded code"): each record jumps straight to the
 * label of the next one's operation number (InsnRecord.op), so the host branch predictor learns
 * guest instruction pairs, and locals (register file pointer, data TLB, block pc) stay in host
 * registers across guest instructions. It is long on purpose, like a decoder
 * table; anything bigger than a few lines is a helper in exec-*.c, or in
 * helper.h when the JIT needs the same rule.
 *
 * Invariants kept here:
 *  - x0: operations of kind ALU with rd = x0 were turned into NOP by the
 *    translator; the other writers of rd reset x[0] right after writing it.
 *  - pc: env->pc is only written when leaving (block end, trap, helper that
 *    needs it); a record's own pc is block pc + pcoff.
 *  - instret: a block adds its instruction count when it ends; a trap adds
 *    the instructions retired before the faulting one; a CSR access sees the
 *    exact count of instructions retired before it.
 */
#include <stdatomic.h>

#include "accel/tcg/cputlb.h"
#include "target/riscv/exec.h"
#include "target/riscv/helper.h"

/* Environment call cause from the current privilege (U 8, S 9, M 11). */
static RISCVException ecall_cause(CPURISCVState *env)
{
    /* 8.5.2: an ecall from VS-mode has its own cause (10); VU's is U's (8) */
    if (env->virt && env->priv == PRV_S) {
        return RISCV_EXCP_VS_ECALL;
    }
    return RISCV_EXCP_U_ECALL + env->priv;
}

#define X_LABEL_ALU(name) &&L_##name
#define X_LABEL_INT(name) &&L_##name
#define X_LABEL_FP(name) &&L_FP
#define X_LABEL_AMO(name) &&L_AMO
#define X_LABEL_HYP(name) &&L_HYP
#define X_LABEL(name, kind) [OP_##name] = X_LABEL_##kind(name),

#define DISPATCH() goto *labels[r->op]
#define NEXT()                                                                                     \
    do {                                                                                           \
        r++;                                                                                       \
        DISPATCH();                                                                                \
    } while (0)
#define PC (pc + r->pcoff)
#define RD x[r->rd]
#define RS1 x[r->rs1]
#define RS2 x[r->rs2]
#define IMM ((int64_t)r->imm)
#define SX32(v) RISCV_SX32(v)
#define ALU(expr)                                                                                  \
    do {                                                                                           \
        RD = (expr);                                                                               \
        NEXT();                                                                                    \
    } while (0)
/* Writers that may target x0 (they have side effects, so they were not dropped). */
#define SET_RD(v)                                                                                  \
    do {                                                                                           \
        RD = (v);                                                                                  \
        x[0] = 0;                                                                                  \
    } while (0)
/*
 * A taken branch leaves through its slot: 0 at the block's end, a side exit's (aux) in
 * mid-block, where only the records up to it retired (chain adds n_insns). Not taken runs
 * on: the next record, or the end record's fall-through (slot 1).
 */
#define BRANCH(cond)                                                                               \
    do {                                                                                           \
        if (cond) {                                                                                \
            npc = PC + IMM;                                                                        \
            slot = r->aux;                                                                         \
            if (slot) {                                                                            \
                env->instret += (int64_t)(r - tb->insns) + 1 - tb->n_insns;                        \
            }                                                                                      \
            goto chain;                                                                            \
        }                                                                                          \
        NEXT();                                                                                    \
    } while (0)
/*
 * Inline TLB probe: the tag must equal the page of the access's last byte,
 * so misses, flagged pages (MMIO, code) and page-crossing accesses all take
 * the slow path with one compare.
 */
#define LOAD_VALUE(type, dst)                                                                      \
    do {                                                                                           \
        va = RS1 + IMM;                                                                            \
        CPUTLBEntry *e_ = &dtlb[(va >> TARGET_PAGE_BITS) & (CPU_TLB_SIZE - 1)];                    \
        if (likely(e_->addr_read == ((va + sizeof(type) - 1) & TARGET_PAGE_MASK))) {               \
            type v_;                                                                               \
            memcpy(&v_, (void *)(uintptr_t)(va + e_->addend), sizeof(type));                       \
            dst = (int64_t)v_;                                                                     \
        } else {                                                                                   \
            uint64_t t_;                                                                           \
            ex = tlb_load_slow(cs, va, sizeof(type), tlb->data_mmu_idx, &t_, &tval);               \
            if (ex != RISCV_EXCP_NONE) {                                                           \
                goto raise;                                                                        \
            }                                                                                      \
            dst = (int64_t)(type)t_;                                                               \
        }                                                                                          \
    } while (0)
#define LOAD(type)                                                                                 \
    do {                                                                                           \
        uint64_t loaded_;                                                                          \
        LOAD_VALUE(type, loaded_);                                                                 \
        SET_RD(loaded_);                                                                           \
        NEXT();                                                                                    \
    } while (0)
#define STORE_VALUE(type, val)                                                                     \
    do {                                                                                           \
        va = RS1 + IMM;                                                                            \
        CPUTLBEntry *e_ = &dtlb[(va >> TARGET_PAGE_BITS) & (CPU_TLB_SIZE - 1)];                    \
        type v_ = (type)(val);                                                                     \
        if (likely(e_->addr_write == ((va + sizeof(type) - 1) & TARGET_PAGE_MASK))) {              \
            memcpy((void *)(uintptr_t)(va + e_->addend), &v_, sizeof(type));                       \
        } else {                                                                                   \
            ex = tlb_store_slow(cs, va, sizeof(type), tlb->data_mmu_idx, v_, &tval);               \
            if (ex != RISCV_EXCP_NONE) {                                                           \
                goto raise;                                                                        \
            }                                                                                      \
        }                                                                                          \
    } while (0)
#define STORE(type)                                                                                \
    do {                                                                                           \
        STORE_VALUE(type, RS2);                                                                    \
        NEXT();                                                                                    \
    } while (0)
#define FP_CHECK()                                                                                 \
    do {                                                                                           \
        if (unlikely(!(env->mstatus & MSTATUS_FS))) {                                              \
            goto illegal;                                                                          \
        }                                                                                          \
    } while (0)
/* CSR access: value and write mask as riscv_csrrw wants them. */
#define CSR(value, mask)                                                                           \
    do {                                                                                           \
        csr_val = (value);                                                                         \
        csr_mask = (mask);                                                                         \
        goto csr;                                                                                  \
    } while (0)

int riscv_tb_exec(CPUState *cs, TranslationBlock *tb, bool chain_ok)
{
    static const void *const labels[OP_COUNT + 1] = {RISCV_OPS(X_LABEL)[RISCV_OP_END] = &&L_END};
    RISCVCPU *const cpu = container_of(cs, RISCVCPU, parent_obj);
    CPURISCVState *const env = &cpu->env;
    uint64_t *const x = env->gpr;
    CPUTLB *const tlb = &cpu->tlb;
    CPUTLBEntry *const dtlb = tlb->table[tlb->data_mmu_idx];
    const InsnRecord *r = tb->insns;
    uint64_t pc = env->pc; /* virtual pc of the running block */
    uint64_t npc, va, tval, csr_val, csr_mask, old;
    RISCVException ex;
    int slot, idx;

    DISPATCH();

    /* ---- RV64I computational ---- */
L_LUI:
    ALU(IMM);
L_AUIPC:
    ALU(PC + IMM);
L_ADDI:
    ALU(RS1 + IMM);
L_SLTI:
    ALU((int64_t)RS1 < IMM);
L_SLTIU:
    ALU(RS1 < (uint64_t)IMM);
L_XORI:
    ALU(RS1 ^ IMM);
L_ORI:
    ALU(RS1 | IMM);
L_ANDI:
    ALU(RS1 & IMM);
L_SLLI:
    ALU(RS1 << IMM);
L_SRLI:
    ALU(RS1 >> IMM);
L_SRAI:
    ALU((int64_t)RS1 >> IMM);
L_ADD:
    ALU(RS1 + RS2);
L_SUB:
    ALU(RS1 - RS2);
L_SLL:
    ALU(RS1 << (RS2 & 63));
L_SLT:
    ALU((int64_t)RS1 < (int64_t)RS2);
L_SLTU:
    ALU(RS1 < RS2);
L_XOR:
    ALU(RS1 ^ RS2);
L_SRL:
    ALU(RS1 >> (RS2 & 63));
L_SRA:
    ALU((int64_t)RS1 >> (RS2 & 63));
L_OR:
    ALU(RS1 | RS2);
L_AND:
    ALU(RS1 & RS2);
L_ADDIW:
    ALU(SX32(RS1 + IMM));
L_SLLIW:
    ALU(SX32((uint32_t)RS1 << IMM));
L_SRLIW:
    ALU(SX32((uint32_t)RS1 >> IMM));
L_SRAIW:
    ALU(SX32((int32_t)RS1 >> IMM));
L_ADDW:
    ALU(SX32(RS1 + RS2));
L_SUBW:
    ALU(SX32(RS1 - RS2));
L_SLLW:
    ALU(SX32((uint32_t)RS1 << (RS2 & 31)));
L_SRLW:
    ALU(SX32((uint32_t)RS1 >> (RS2 & 31)));
L_SRAW:
    ALU(SX32((int32_t)RS1 >> (RS2 & 31)));

    /* ---- M ---- */
L_MUL:
    ALU(RS1 * RS2);
L_MULH:
    ALU((uint64_t)(((__int128)(int64_t)RS1 * (__int128)(int64_t)RS2) >> 64));
L_MULHSU:
    ALU((uint64_t)(((__int128)(int64_t)RS1 * (__int128)RS2) >> 64));
L_MULHU:
    ALU((uint64_t)(((unsigned __int128)RS1 * RS2) >> 64));
L_DIV:
    ALU(riscv_div(RS1, RS2));
L_DIVU:
    ALU(riscv_divu(RS1, RS2));
L_REM:
    ALU(riscv_rem(RS1, RS2));
L_REMU:
    ALU(riscv_remu(RS1, RS2));
L_MULW:
    ALU(SX32(RS1 * RS2));
L_DIVW:
    ALU(riscv_divw(RS1, RS2));
L_DIVUW:
    ALU(riscv_divuw(RS1, RS2));
L_REMW:
    ALU(riscv_remw(RS1, RS2));
L_REMUW:
    ALU(riscv_remuw(RS1, RS2));

    /* ---- Zba ---- */
L_SH1ADD:
    ALU((RS1 << 1) + RS2);
L_SH2ADD:
    ALU((RS1 << 2) + RS2);
L_SH3ADD:
    ALU((RS1 << 3) + RS2);
L_ADD_UW:
    ALU((uint64_t)(uint32_t)RS1 + RS2);
L_SH1ADD_UW:
    ALU(((uint64_t)(uint32_t)RS1 << 1) + RS2);
L_SH2ADD_UW:
    ALU(((uint64_t)(uint32_t)RS1 << 2) + RS2);
L_SH3ADD_UW:
    ALU(((uint64_t)(uint32_t)RS1 << 3) + RS2);
L_SLLI_UW:
    ALU((uint64_t)(uint32_t)RS1 << IMM);

    /* ---- Zbb ---- */
L_ANDN:
    ALU(RS1 & ~RS2);
L_ORN:
    ALU(RS1 | ~RS2);
L_XNOR:
    ALU(~(RS1 ^ RS2));
L_CLZ:
    ALU(riscv_clz(RS1, 0));
L_CLZW:
    ALU(riscv_clzw(RS1, 0));
L_CTZ:
    ALU(riscv_ctz(RS1, 0));
L_CTZW:
    ALU(riscv_ctzw(RS1, 0));
L_CPOP:
    ALU(riscv_cpop(RS1, 0));
L_CPOPW:
    ALU(riscv_cpopw(RS1, 0));
L_MAX:
    ALU((int64_t)RS1 > (int64_t)RS2 ? RS1 : RS2);
L_MAXU:
    ALU(RS1 > RS2 ? RS1 : RS2);
L_MIN:
    ALU((int64_t)RS1 < (int64_t)RS2 ? RS1 : RS2);
L_MINU:
    ALU(RS1 < RS2 ? RS1 : RS2);
L_SEXT_B:
    ALU((uint64_t)(int64_t)(int8_t)RS1);
L_SEXT_H:
    ALU((uint64_t)(int64_t)(int16_t)RS1);
L_ZEXT_H:
    ALU((uint16_t)RS1);
L_ROL:
    ALU(riscv_rol(RS1, RS2));
L_ROLW:
    ALU(riscv_rolw(RS1, RS2));
L_ROR:
    ALU(riscv_ror(RS1, RS2));
L_RORI:
    ALU(riscv_ror(RS1, IMM));
L_RORIW:
    ALU(riscv_rorw(RS1, IMM));
L_RORW:
    ALU(riscv_rorw(RS1, RS2));
L_ORC_B:
    ALU(riscv_orc_b(RS1, 0));
L_REV8:
    ALU(__builtin_bswap64(RS1));

    /* ---- Zbc, Zbs ---- */
L_CLMUL:
    ALU(riscv_clmul(RS1, RS2));
L_CLMULH:
    ALU(riscv_clmulh(RS1, RS2));
L_CLMULR:
    ALU(riscv_clmulr(RS1, RS2));
L_BCLR:
    ALU(RS1 & ~(1ULL << (RS2 & 63)));
L_BCLRI:
    ALU(RS1 & ~(1ULL << IMM));
L_BEXT:
    ALU((RS1 >> (RS2 & 63)) & 1);
L_BEXTI:
    ALU((RS1 >> IMM) & 1);
L_BINV:
    ALU(RS1 ^ (1ULL << (RS2 & 63)));
L_BINVI:
    ALU(RS1 ^ (1ULL << IMM));
L_BSET:
    ALU(RS1 | (1ULL << (RS2 & 63)));
L_BSETI:
    ALU(RS1 | (1ULL << IMM));

    /* ---- Zicond, Zimop ---- */
L_CZERO_EQZ:
    ALU(RS2 ? RS1 : 0);
L_CZERO_NEZ:
    ALU(RS2 ? 0 : RS1);
L_MOP:
    ALU(0);

    /* ---- loads and stores ---- */
L_LB:
    LOAD(int8_t);
L_LH:
    LOAD(int16_t);
L_LW:
    LOAD(int32_t);
L_LD:
    LOAD(uint64_t);
L_LBU:
    LOAD(uint8_t);
L_LHU:
    LOAD(uint16_t);
L_LWU:
    LOAD(uint32_t);
L_SB:
    STORE(uint8_t);
L_SH:
    STORE(uint16_t);
L_SW:
    STORE(uint32_t);
L_SD:
    STORE(uint64_t);
L_FLW:
    FP_CHECK();
    LOAD_VALUE(uint32_t, old);
    riscv_fp_load_done(env, r->rd, old, 4);
    NEXT();
L_FLD:
    FP_CHECK();
    LOAD_VALUE(uint64_t, old);
    riscv_fp_load_done(env, r->rd, old, 8);
    NEXT();
L_FLH:
    FP_CHECK();
    LOAD_VALUE(uint16_t, old);
    riscv_fp_load_done(env, r->rd, old, 2);
    NEXT();
L_FSH:
    FP_CHECK();
    STORE_VALUE(uint16_t, env->fpr[r->rs2]);
    NEXT();
L_FSW:
    FP_CHECK();
    STORE_VALUE(uint32_t, env->fpr[r->rs2]);
    NEXT();
L_FSD:
    FP_CHECK();
    STORE_VALUE(uint64_t, env->fpr[r->rs2]);
    NEXT();

    /* ---- control flow: always the last record of a block ---- */
L_JAL:
    SET_RD(pc + tb->size);
    npc = PC + IMM;
    slot = 0;
    goto chain;
L_JALR:
    npc = (RS1 + IMM) & ~1ULL; /* before writing rd, which may be rs1 */
    SET_RD(pc + tb->size);
    slot = -1;
    goto chain;
L_BEQ:
    BRANCH(RS1 == RS2);
L_BNE:
    BRANCH(RS1 != RS2);
L_BLT:
    BRANCH((int64_t)RS1 < (int64_t)RS2);
L_BGE:
    BRANCH((int64_t)RS1 >= (int64_t)RS2);
L_BLTU:
    BRANCH(RS1 < RS2);
L_BGEU:
    BRANCH(RS1 >= RS2);
L_END:
    npc = pc + tb->size;
    slot = 1;
    goto chain;

    /* ---- system ---- */
L_NOP:
    NEXT();
L_FENCE:
    if (r->imm) {
        riscv_fence_host(); /* the FENCE orders stores before loads (translate.c) */
    } else {
        atomic_signal_fence(memory_order_seq_cst); /* the host keeps the rest in order */
    }
    NEXT();
L_FENCE_I:
    /* Stores to code pages already dropped the stale blocks (TLB_NOTDIRTY), so all
     * fence.i must do is end the block, so the next fetch looks blocks up again, and
     * order that lookup after this hart's earlier accesses (docs/memory-model.md). */
    atomic_thread_fence(memory_order_seq_cst);
    goto exit_next;
L_ECALL:
    ex = ecall_cause(env);
    tval = 0;
    goto raise;
L_EBREAK:
    ex = RISCV_EXCP_BREAKPOINT;
    tval = 0; /* QEMU 7.2 leaves mtval 0 for breakpoints (tests/guest/traps.c checks it) */
    goto raise;
L_MRET:
    /* instret exact (the xRET retired) for counters that stop or start with the mode */
    env->pc = PC;
    idx = r - tb->insns + 1;
    env->instret += idx;
    ex = riscv_helper_mret(env);
    env->instret -= idx;
    goto exit_helper;
L_SRET:
    env->pc = PC;
    idx = r - tb->insns + 1;
    env->instret += idx;
    ex = riscv_helper_sret(env);
    env->instret -= idx;
    goto exit_helper;
L_WFI:
    ex = riscv_helper_wfi(env);
    if (ex != RISCV_EXCP_NONE) {
        goto insn_fault;
    }
    env->instret += tb->n_insns;
    env->pc = pc + tb->size;
    return TB_EXIT_HALT;
L_SFENCE_VMA:
L_SINVAL_VMA:
    ex = riscv_helper_sfence_vma(env, RS1, r->rs1 == 0, r->rs2 == 0);
    if (ex != RISCV_EXCP_NONE) {
        goto insn_fault;
    }
    goto exit_next;
L_HFENCE_VVMA:
L_HFENCE_GVMA:
    ex = riscv_helper_hfence(env, r->op == OP_HFENCE_GVMA, RS1, r->rs1 != 0, env->gpr[r->rs2],
                             r->rs2 != 0);
    if (ex != RISCV_EXCP_NONE) {
        goto insn_fault;
    }
    goto exit_next;
L_HYP:
    ex = riscv_exec_hyp(cpu, r, &tval);
    if (ex == RISCV_EXCP_ILLEGAL_INST || ex == RISCV_EXCP_VIRT_INSTRUCTION_FAULT) {
        goto insn_fault;
    }
    if (ex != RISCV_EXCP_NONE) {
        goto raise;
    }
    NEXT();
L_SFENCE_W_INVAL:
L_SFENCE_INVAL_IR:
    /* Order around sinval.vma: the TLB drop there is already complete and ordered. */
    if (env->priv == PRV_U) {
        goto illegal;
    }
    NEXT();
L_WRS_NTO:
    /* Zawrs: completes at once (the reservation set is never watched), so it only traps
     * where mstatus.TW asks that a wait outside M mode be bounded, as QEMU does. */
    if (env->priv != PRV_M && (env->mstatus & MSTATUS_TW)) {
        goto illegal;
    }
    NEXT();
L_WRS_STO:
    NEXT();
L_CBO_INVAL:
L_CBO_CLEAN:
L_CBO_FLUSH:
L_CBO_ZERO:
    ex = riscv_exec_cbo(cpu, r->op, RS1, &tval);
    if (ex == RISCV_EXCP_ILLEGAL_INST) {
        goto illegal;
    }
    if (ex != RISCV_EXCP_NONE) {
        goto raise;
    }
    NEXT();
L_CSRRW:
    CSR(RS1, ~0ULL);
L_CSRRS:
    CSR(~0ULL, r->rs1 ? RS1 : 0);
L_CSRRC:
    CSR(0, r->rs1 ? RS1 : 0);
L_CSRRWI:
    CSR(r->rs1, ~0ULL);
L_CSRRSI:
    CSR(~0ULL, r->rs1);
L_CSRRCI:
    CSR(0, r->rs1);
csr:
    idx = r - tb->insns;
    env->instret += idx; /* exact for counter reads */
    ex = riscv_csrrw(env, r->imm & 0xfff, &old, csr_val, csr_mask);
    env->instret -= idx;
    if (ex != RISCV_EXCP_NONE) {
        goto insn_fault;
    }
    SET_RD(old);
    if (r != &tb->insns[tb->n_insns - 1]) {
        NEXT(); /* a pure read in mid-block */
    }
    goto exit_next;

    /* ---- A, F, D ---- */
L_AMO:
    ex = riscv_exec_amo(cpu, r, &tval);
    if (ex != RISCV_EXCP_NONE) {
        goto raise;
    }
    NEXT();
L_FP:
    FP_CHECK();
    if (riscv_exec_fp(env, r) != RISCV_EXCP_NONE) {
        goto illegal;
    }
    NEXT();
L_VSETVL:
L_VLOAD:
L_VSTORE:
L_VARITH:
    ex = riscv_exec_vector(cpu, r, &tval);
    if (ex == RISCV_EXCP_ILLEGAL_INST) {
        goto illegal;
    }
    if (ex != RISCV_EXCP_NONE) {
        goto raise;
    }
    NEXT();
L_ILLEGAL:
    goto illegal;

    /* ---- leaving a block ---- */
chain:
    /* npc: next pc; slot: which jmp[] link may be used (-1: indirect jump, none). */
    env->instret += tb->n_insns;
    env->pc = npc;
    if (!chain_ok || atomic_load_explicit(&cs->exit_request, memory_order_relaxed)) {
        return TB_EXIT_NEXT;
    }
    {
        /* Acquire: pairs with tb_link's release, so next's records are complete here. A link
         * to another page is JIT code's, which checks the TLB first: not followed here. */
        bool same_page = !((pc ^ npc) & TARGET_PAGE_MASK);
        TranslationBlock *next =
            slot >= 0 && same_page ? __atomic_load_n(&tb->jmp[slot], __ATOMIC_ACQUIRE) : NULL;
        /* An invalidation on another hart may be unlinking it right now: a dropped block
         * is never entered again (fence.i). */
        if (next && __atomic_load_n(&next->phys_pc, __ATOMIC_RELAXED) == TB_PHYS_INVALID) {
            next = NULL;
        }
        if (!next) {
            next = tb_lookup_fast(tlb, npc);
            if (!next) {
                return TB_EXIT_NEXT;
            }
            /* Link only inside one page: invalidation unlinks through the page's list. */
            if (slot >= 0 && same_page && !(tb->flags & TB_UNCACHED)) {
                tb_link(tb, slot, next);
            }
        }
        tb = next;
    }
    pc = npc;
    r = tb->insns;
    DISPATCH();

exit_helper:
    /* mret/sret: the helper set env->pc, or refused (illegal or virtual instruction). */
    if (ex != RISCV_EXCP_NONE) {
        goto insn_fault;
    }
    env->instret += tb->n_insns;
    return TB_EXIT_NEXT;

exit_next:
    /* State may have changed (CSR, fences): back to the outer loop, which re-checks it. */
    env->instret += tb->n_insns;
    env->pc = pc + tb->size;
    return TB_EXIT_NEXT;

illegal:
    ex = RISCV_EXCP_ILLEGAL_INST;
insn_fault:
    /* illegal or virtual instruction (ex): tval holds the instruction bits */
    tval = riscv_tb_insn_bits(tb, r - tb->insns);
raise:
    env->pc = PC;
    env->instret += r - tb->insns;
    env->load_res = ~0ULL; /* a trap breaks the LR/SC pair */
    riscv_cpu_do_exception(env, ex, tval);
    return TB_EXIT_NEXT;
}
