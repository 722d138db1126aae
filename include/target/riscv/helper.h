/*
 * Instruction semantics shared by both engines: the interpreter
 * (target/riscv/exec.c) calls these inline, the JIT (target/riscv/jit-*.c)
 * either emits an equivalent host sequence for the simple operations or calls
 * these very functions (taking their address), so each rule is written once.
 * Unprivileged ISA 20191213 (M: chapter 7, F/D: 11-12), Bitmanip 1.0.0.
 *
 * ALU helpers take and return 64-bit register values (the *W forms return
 * the 32-bit result sign-extended), so the JIT can call any of them as
 * uint64_t f(uint64_t rs1, uint64_t rs2).
 */
#ifndef TARGET_RISCV_HELPER_H
#define TARGET_RISCV_HELPER_H

#include "target/riscv/cpu.h"

#define RISCV_SX32(v) ((uint64_t)(int64_t)(int32_t)(v))

typedef uint64_t (*RISCVAluHelper)(uint64_t a, uint64_t b);

/* ---- M: division never traps; x/0 and the one overflow have fixed results ---- */
static inline uint64_t riscv_div(uint64_t a, uint64_t b)
{
    if (b == 0) {
        return ~0ULL;
    }
    return ((int64_t)a == INT64_MIN && (int64_t)b == -1) ? a : (uint64_t)((int64_t)a / (int64_t)b);
}
static inline uint64_t riscv_rem(uint64_t a, uint64_t b)
{
    if (b == 0) {
        return a;
    }
    return ((int64_t)a == INT64_MIN && (int64_t)b == -1) ? 0 : (uint64_t)((int64_t)a % (int64_t)b);
}
static inline uint64_t riscv_divu(uint64_t a, uint64_t b)
{
    return b ? a / b : ~0ULL;
}
static inline uint64_t riscv_remu(uint64_t a, uint64_t b)
{
    return b ? a % b : a;
}
static inline uint64_t riscv_divw(uint64_t a, uint64_t b)
{
    int32_t x = a, y = b;
    return RISCV_SX32(y == 0 ? -1 : (x == INT32_MIN && y == -1) ? x : x / y);
}
static inline uint64_t riscv_remw(uint64_t a, uint64_t b)
{
    int32_t x = a, y = b;
    return RISCV_SX32(y == 0 ? x : (x == INT32_MIN && y == -1) ? 0 : x % y);
}
static inline uint64_t riscv_divuw(uint64_t a, uint64_t b)
{
    return RISCV_SX32((uint32_t)b ? (uint32_t)a / (uint32_t)b : ~0U);
}
static inline uint64_t riscv_remuw(uint64_t a, uint64_t b)
{
    return RISCV_SX32((uint32_t)b ? (uint32_t)a % (uint32_t)b : (uint32_t)a);
}

/* ---- Zbb counts (no LZCNT/POPCNT assumed on the host) ---- */
static inline uint64_t riscv_clz(uint64_t a, uint64_t b)
{
    return a ? __builtin_clzll(a) : 64;
}
static inline uint64_t riscv_clzw(uint64_t a, uint64_t b)
{
    return (uint32_t)a ? __builtin_clz((uint32_t)a) : 32;
}
static inline uint64_t riscv_ctz(uint64_t a, uint64_t b)
{
    return a ? __builtin_ctzll(a) : 64;
}
static inline uint64_t riscv_ctzw(uint64_t a, uint64_t b)
{
    return (uint32_t)a ? __builtin_ctz((uint32_t)a) : 32;
}
static inline uint64_t riscv_cpop(uint64_t a, uint64_t b)
{
    return __builtin_popcountll(a);
}
static inline uint64_t riscv_cpopw(uint64_t a, uint64_t b)
{
    return __builtin_popcount((uint32_t)a);
}
static inline uint64_t riscv_orc_b(uint64_t a, uint64_t b)
{
    uint64_t r = 0;
    for (int i = 0; i < 64; i += 8) {
        r |= (a >> i) & 0xff ? 0xffULL << i : 0;
    }
    return r;
}

/* ---- Zbb rotations ---- */
static inline uint64_t riscv_rol(uint64_t a, uint64_t n)
{
    n &= 63;
    return n ? a << n | a >> (64 - n) : a;
}
static inline uint64_t riscv_ror(uint64_t a, uint64_t n)
{
    n &= 63;
    return n ? a >> n | a << (64 - n) : a;
}
static inline uint64_t riscv_rorw(uint64_t a, uint64_t n)
{
    uint32_t v = a;
    n &= 31;
    return RISCV_SX32(n ? v >> n | v << (32 - n) : v);
}
static inline uint64_t riscv_rolw(uint64_t a, uint64_t n)
{
    return riscv_rorw(a, (32 - (n & 31)) & 31);
}

/* ---- Zbc: bits lo .. lo + 63 of the 128-bit carry-less product (lo = 0, 64 or 63) ---- */
static inline uint64_t riscv_clmul_bits(uint64_t a, uint64_t b, int lo)
{
    uint64_t r = 0;
    for (int i = 0; i < 64; i++) {
        if ((b >> i) & 1) {
            int sh = i - lo;
            r ^= sh >= 0 ? (sh < 64 ? a << sh : 0) : (-sh < 64 ? a >> -sh : 0);
        }
    }
    return r;
}
static inline uint64_t riscv_clmul(uint64_t a, uint64_t b)
{
    return riscv_clmul_bits(a, b, 0);
}
static inline uint64_t riscv_clmulh(uint64_t a, uint64_t b)
{
    return riscv_clmul_bits(a, b, 64);
}
static inline uint64_t riscv_clmulr(uint64_t a, uint64_t b)
{
    return riscv_clmul_bits(a, b, 63);
}

/* ---- F/D loads and stores (the memory access itself is the engine's) ---- */
/* FLH/FLW/FLD: write the loaded bits to f[rd] (NaN-boxed below 8 bytes), mark FS dirty. */
static inline void riscv_fp_load_done(CPURISCVState *env, unsigned rd, uint64_t bits, unsigned size)
{
    env->fpr[rd] = size == 8 ? bits : bits | ~0ULL << (8 * size);
    if ((env->mstatus & MSTATUS_FS) != MSTATUS_FS) {
        riscv_mark_fs_dirty(env);
    }
}

/* ---- FENCE ---- */
/*
 * The host barrier of a FENCE that orders earlier stores before later loads
 * (translate.c decides which do): only needed when other harts run in parallel.
 */
static inline void riscv_fence_host(void)
{
    if (first_cpu && first_cpu->next_cpu) {
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    }
}
/* Out of line, for JIT code to call. */
void riscv_helper_fence(void);

#endif
