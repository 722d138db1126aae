/*
 * The RISC-V side of the execution engine, shared by the files that build
 * instruction records (target/riscv/translate.c), run them (exec.c, the
 * threaded interpreter; exec-fp.c for F/D; exec-amo.c for A) and translate
 * them to host code (jit-*.c), and by the TCGCPUOps table (tcg-ops.c) through
 * which accel/tcg reaches them.
 *
 * Records (include/accel/tcg/tb.h): op is the RISCVOp (decode.h), RISCV_OP_END
 * for the end record; imm the immediate (CSRRx: the CSR number; FENCE: 1 if a
 * host barrier is needed); rs3 the third FP source; aux the FP rounding mode
 * field (RISCV_RM_NONE if none) or an AMO's aq/rl bits (aq = 2, rl = 1).
 */
#ifndef TARGET_RISCV_EXEC_H
#define TARGET_RISCV_EXEC_H

#include "accel/tcg/tb.h"
#include "accel/tcg/tcg-cpu-ops.h"
#include "target/riscv/cpu.h"
#include "target/riscv/decode.h"

/* The operation of the end record (fall through to the next block). */
#define RISCV_OP_END OP_COUNT

/* The engine hooks of the RISC-V CPU (tcg-ops.c). */
extern const TCGCPUOps riscv_tcg_ops;

/* The bits of instruction idx of tb (2 or 4 bytes, from its copy of the code). */
uint32_t riscv_tb_insn_bits(TranslationBlock *tb, int idx);

/* translate.c: TCGCPUOps.gen_tb. */
TranslationBlock *riscv_gen_tb(CPUState *cs, uint64_t pc, hwaddr phys_pc, const uint8_t *host,
                               int max_insns, bool cacheable, int *exc, uint64_t *tval);
/* exec.c: TCGCPUOps.tb_exec. */
int riscv_tb_exec(CPUState *cs, TranslationBlock *tb, bool chain);

/*
 * Execute one F/D computational instruction (FS already checked enabled).
 * Returns RISCV_EXCP_ILLEGAL_INST for a reserved rounding mode; marks FS
 * dirty when it changes FP state.
 */
RISCVException riscv_exec_fp(CPURISCVState *env, const InsnRecord *r);
/* Which of an FP record's rd and rs1 fields name x registers (the others are f registers or,
 * for fli, a constant): what riscv_exec_fp reads and writes, for the JIT's register cache. */
void riscv_fp_x_operands(RISCVOp op, bool *rd_is_x, bool *rs1_is_x);

/*
 * Execute one LR/SC/AMO at virtual address va = x[rs1]. On a fault returns
 * the exception and sets *tval.
 */
RISCVException riscv_exec_amo(RISCVCPU *cpu, const InsnRecord *r, uint64_t *tval);

/*
 * Execute a Zicbom/Zicboz instruction on the block of address va (exec-cbo.c): the
 * menvcfg/senvcfg checks (RISCV_EXCP_ILLEGAL_INST), then the store-permission check of
 * cbo.clean/flush/inval (no-ops otherwise: memory has no cache here) or the zeroing of
 * cbo.zero. On a fault returns the store page/access fault and sets *tval.
 */
RISCVException riscv_exec_cbo(RISCVCPU *cpu, int op, uint64_t va, uint64_t *tval);

/*
 * Execute an hlv/hlvx/hsv (exec-hyp.c): RISCV_EXCP_ILLEGAL_INST or
 * RISCV_EXCP_VIRT_INSTRUCTION_FAULT where it may not run; a fault of the access
 * returns its cause and sets *tval (the guest virtual address).
 */
RISCVException riscv_exec_hyp(RISCVCPU *cpu, const InsnRecord *r, uint64_t *tval);
/*
 * Execute one V instruction (OP_VSETVL, OP_VLOAD, OP_VSTORE, OP_VARITH; the bits in r->imm;
 * target/riscv/vector*.c). RISCV_EXCP_ILLEGAL_INST for VS off, vill and reserved forms; a
 * load/store fault returns its exception with *tval, vstart = the faulting element.
 */
RISCVException riscv_exec_vector(RISCVCPU *cpu, const InsnRecord *r, uint64_t *tval);

#endif
