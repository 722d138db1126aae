/*
 * Inside the V extension (target/riscv/vector*.c): the decoded fields of one
 * vector instruction, element access to the register file and the checks the
 * V 1.0 spec applies to register groups (sections 3.4.2 "Vector Register
 * Grouping", 5.2 "Vector Operands", 5.3 "Vector Masking").
 *
 * Elements: the register file is one byte array (env->vreg), register n at
 * byte n * VLENB, so element i of the group starting at vN, SEW bytes wide,
 * is at byte vN * VLENB + i * SEW/8 (the host is little-endian, as the
 * layout of the spec's figures). Tails and inactive elements are left
 * undisturbed under every policy, as QEMU 7.2 does (the spec allows it).
 */
#ifndef TARGET_RISCV_VECTOR_INTERNAL_H
#define TARGET_RISCV_VECTOR_INTERNAL_H

#include "target/riscv/cpu.h"
#include "target/riscv/exec.h"

/* vtype fields */
#define VTYPE_LMUL(t) ((unsigned)(t) & 7)
#define VTYPE_SEW(t) (((unsigned)(t) >> 3) & 7)
#define VTYPE_TA(t) (((t) >> 6) & 1)
#define VTYPE_MA(t) (((t) >> 7) & 1)

/* One vector instruction as it runs. */
typedef struct VInsn {
    RISCVCPU *cpu;
    CPURISCVState *env;
    uint32_t insn;
    unsigned f6, f3, vd, vs1, vs2; /* vs1 is also rs1, imm5, the unary selector */
    bool vm;                       /* unmasked */
    unsigned sew;                  /* SEW in bytes (1, 2, 4, 8) */
    int lmul;                      /* log2(LMUL): -3..3 */
    unsigned vlenb;
    uint64_t vl, vstart, vlmax;
    uint64_t *tval;
} VInsn;

/* The number of bytes of the register file (32 registers of VLENB). */
static inline unsigned v_file_bytes(const VInsn *v)
{
    return 32 * v->vlenb;
}

/* Element i (esz bytes) of the group starting at register reg, zero-extended. */
static inline uint64_t v_get(const VInsn *v, unsigned reg, uint64_t i, unsigned esz)
{
    uint64_t off = reg * v->vlenb + i * esz, x = 0;
    if (off + esz > v_file_bytes(v)) {
        return 0; /* past v31: group checks keep instructions from asking */
    }
    memcpy(&x, v->env->vreg + off, esz);
    return x;
}

static inline void v_set(const VInsn *v, unsigned reg, uint64_t i, unsigned esz, uint64_t x)
{
    uint64_t off = reg * v->vlenb + i * esz;
    if (off + esz <= v_file_bytes(v)) {
        memcpy(v->env->vreg + off, &x, esz);
    }
}

static inline int64_t v_sext(uint64_t x, unsigned esz)
{
    return esz == 8 ? (int64_t)x : (int64_t)(x << (64 - 8 * esz)) >> (64 - 8 * esz);
}

static inline uint64_t v_trunc(uint64_t x, unsigned esz)
{
    return esz == 8 ? x : x & ((1ULL << (8 * esz)) - 1);
}

/* Bit i of the mask register reg. */
static inline bool v_mask_bit(const VInsn *v, unsigned reg, uint64_t i)
{
    return (v->env->vreg[reg * v->vlenb + i / 8] >> (i % 8)) & 1;
}

static inline void v_set_mask_bit(const VInsn *v, unsigned reg, uint64_t i, bool b)
{
    uint8_t *p = &v->env->vreg[reg * v->vlenb + i / 8];
    *p = (*p & ~(1u << (i % 8))) | (uint8_t)b << (i % 8);
}

/* Is body element i active (unmasked, or its v0 bit set)? */
static inline bool v_active(const VInsn *v, uint64_t i)
{
    return v->vm || v_mask_bit(v, 0, i);
}

/* ---- register-group checks (vector.c); each true when the rule holds ---- */
/* reg is aligned for a group of EMUL = 2^emul and the group fits in v0..v31. */
bool v_group_ok(unsigned reg, int emul);
/* The spec's overlap rule between a destination (EEW dst_eew, EMUL 2^dst_emul) and a source
 * group (src_eew, src_emul); eew 0 stands for a mask (EEW = 1). */
bool v_overlap_ok(unsigned dst, int dst_emul, unsigned dst_eew, unsigned src, int src_emul,
                  unsigned src_eew);
/* A masked instruction writing a non-mask group that holds v0 is reserved. */
bool v_mask_overlap_ok(const VInsn *v, unsigned vd);
/* VLMAX for element width eew bytes and EMUL 2^emul. */
uint64_t v_vlmax(const VInsn *v, unsigned eew, int emul);
/* x[rd] = val unless rd is x0. */
void v_set_xreg(const VInsn *v, unsigned rd, uint64_t val);

/* ---- the instruction groups; each returns the exception (ILLEGAL for reserved forms) ---- */
RISCVException v_exec_mem(VInsn *v, bool store);  /* vector-mem.c */
RISCVException v_exec_opi(VInsn *v);              /* vector-int.c: OPIVV/OPIVX/OPIVI */
RISCVException v_exec_opm(VInsn *v);              /* vector-int.c: OPMVV/OPMVX */
RISCVException v_exec_fixed(VInsn *v, bool *done); /* vector-fixed.c: saturating, averaging.. */
RISCVException v_exec_perm(VInsn *v, bool *done);  /* vector-perm.c: masks, slides, gathers */
RISCVException v_exec_fp(VInsn *v);               /* vector-fp.c: OPFVV/OPFVF */
RISCVException v_exec_zvbb(VInsn *v, bool *done);  /* vector-bitmanip.c, with Zvbb on */

#endif
