/*
 * RISC-V F and D extensions: the arithmetic behind the floating-point instructions.
 *
 * Contract. Every function is pure over raw IEEE 754 bit patterns: binary32 operands travel
 * as uint32_t, binary64 as uint64_t. The caller (the interpreter) owns the f registers and
 * fcsr: it unboxes single-precision register values with fpu_unbox_s() and boxes results
 * with fpu_box_s(), resolves the rounding mode (static rm or frm) and rejects the reserved
 * encodings before calling, so `rm` is always one of FPU_RM_RNE..FPU_RM_RMM.
 * Operations OR the RISC-V accrued-exception bits (FPU_NX..FPU_NV) into *fflags and never
 * clear any. Pass the hart's accrued fflags, not a scratch zero: the fused multiply-adds
 * skip their costly inexact detection once NX is already set (results never depend on it).
 * A NaN result is always the canonical NaN (FPU_CANONICAL_NAN_S/_D).
 * Results that land in an integer register (conversions to integers) are returned as the
 * XLEN=64 value the ISA writes, so 32-bit results are sign-extended, including fcvt.wu.
 * Functions keep no state and are thread-safe. On x86-64 they use the host SSE unit and
 * expect the calling thread's MXCSR in its C default (round to nearest, no FTZ/DAZ), which
 * they restore after any change: do not build the emulator with -ffast-math.
 *
 * Names follow the mnemonics: fpu_<op>_<fmt> with fmt s or d, conversions
 * fpu_cvt_<dst>_<src> as in fcvt.<dst>.<src>.
 */
#ifndef TARGET_RISCV_FPU_H
#define TARGET_RISCV_FPU_H

#include <stdbool.h>
#include <stdint.h>

/* Rounding modes, numbered as the rm field and frm. */
enum {
    FPU_RM_RNE = 0, /* to nearest, ties to even */
    FPU_RM_RTZ = 1, /* towards zero */
    FPU_RM_RDN = 2, /* down (towards -inf) */
    FPU_RM_RUP = 3, /* up (towards +inf) */
    FPU_RM_RMM = 4, /* to nearest, ties to max magnitude */
};

/* Accrued exception flags, bit positions as in fflags. */
enum {
    FPU_NX = 1,  /* inexact */
    FPU_UF = 2,  /* underflow */
    FPU_OF = 4,  /* overflow */
    FPU_DZ = 8,  /* divide by zero */
    FPU_NV = 16, /* invalid operation */
};

/* fclass result bits. */
enum {
    FPU_CLASS_NEG_INF = 1 << 0,
    FPU_CLASS_NEG_NORMAL = 1 << 1,
    FPU_CLASS_NEG_SUBNORMAL = 1 << 2,
    FPU_CLASS_NEG_ZERO = 1 << 3,
    FPU_CLASS_POS_ZERO = 1 << 4,
    FPU_CLASS_POS_SUBNORMAL = 1 << 5,
    FPU_CLASS_POS_NORMAL = 1 << 6,
    FPU_CLASS_POS_INF = 1 << 7,
    FPU_CLASS_SNAN = 1 << 8,
    FPU_CLASS_QNAN = 1 << 9,
};

#define FPU_CANONICAL_NAN_S UINT32_C(0x7fc00000)
#define FPU_CANONICAL_NAN_D UINT64_C(0x7ff8000000000000)
#define FPU_CANONICAL_NAN_H UINT16_C(0x7e00)

/* NaN-boxing: a binary32 value in a 64-bit f register has its upper 32 bits all ones;
 * anything else reads as the canonical NaN. */
uint32_t fpu_unbox_s(uint64_t f);
uint64_t fpu_box_s(uint32_t s);

/* Arithmetic, each correctly rounded once in `rm`. */
uint32_t fpu_add_s(uint32_t a, uint32_t b, int rm, uint32_t *fflags);
uint32_t fpu_sub_s(uint32_t a, uint32_t b, int rm, uint32_t *fflags);
uint32_t fpu_mul_s(uint32_t a, uint32_t b, int rm, uint32_t *fflags);
uint32_t fpu_div_s(uint32_t a, uint32_t b, int rm, uint32_t *fflags);
uint32_t fpu_sqrt_s(uint32_t a, int rm, uint32_t *fflags);
uint64_t fpu_add_d(uint64_t a, uint64_t b, int rm, uint32_t *fflags);
uint64_t fpu_sub_d(uint64_t a, uint64_t b, int rm, uint32_t *fflags);
uint64_t fpu_mul_d(uint64_t a, uint64_t b, int rm, uint32_t *fflags);
uint64_t fpu_div_d(uint64_t a, uint64_t b, int rm, uint32_t *fflags);
uint64_t fpu_sqrt_d(uint64_t a, int rm, uint32_t *fflags);

/* Fused multiply-add: madd = a*b+c, msub = a*b-c, nmsub = -(a*b)+c, nmadd = -(a*b)-c.
 * Invalid (NV) for inf*0 even when c is a quiet NaN, as the F chapter requires. */
uint32_t fpu_madd_s(uint32_t a, uint32_t b, uint32_t c, int rm, uint32_t *fflags);
uint32_t fpu_msub_s(uint32_t a, uint32_t b, uint32_t c, int rm, uint32_t *fflags);
uint32_t fpu_nmsub_s(uint32_t a, uint32_t b, uint32_t c, int rm, uint32_t *fflags);
uint32_t fpu_nmadd_s(uint32_t a, uint32_t b, uint32_t c, int rm, uint32_t *fflags);
uint64_t fpu_madd_d(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *fflags);
uint64_t fpu_msub_d(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *fflags);
uint64_t fpu_nmsub_d(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *fflags);
uint64_t fpu_nmadd_d(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *fflags);

/* fmin/fmax: IEEE 754-2019 minimumNumber/maximumNumber with -0.0 < +0.0; one NaN operand
 * yields the other operand, two yield the canonical NaN; any signaling NaN raises NV. */
uint32_t fpu_min_s(uint32_t a, uint32_t b, uint32_t *fflags);
uint32_t fpu_max_s(uint32_t a, uint32_t b, uint32_t *fflags);
uint64_t fpu_min_d(uint64_t a, uint64_t b, uint32_t *fflags);
uint64_t fpu_max_d(uint64_t a, uint64_t b, uint32_t *fflags);

/* Sign injection: magnitude of a, sign from b (sgnj), its negation (sgnjn), or the xor of
 * both signs (sgnjx). Never raises flags, NaNs pass through unchanged. */
uint32_t fpu_sgnj_s(uint32_t a, uint32_t b);
uint32_t fpu_sgnjn_s(uint32_t a, uint32_t b);
uint32_t fpu_sgnjx_s(uint32_t a, uint32_t b);
uint64_t fpu_sgnj_d(uint64_t a, uint64_t b);
uint64_t fpu_sgnjn_d(uint64_t a, uint64_t b);
uint64_t fpu_sgnjx_d(uint64_t a, uint64_t b);

/* Comparisons return 0 or 1. feq is quiet (NV only for a signaling NaN); flt and fle are
 * signaling (NV for any NaN). Any NaN operand makes the result 0. */
int fpu_eq_s(uint32_t a, uint32_t b, uint32_t *fflags);
int fpu_lt_s(uint32_t a, uint32_t b, uint32_t *fflags);
int fpu_le_s(uint32_t a, uint32_t b, uint32_t *fflags);
int fpu_eq_d(uint64_t a, uint64_t b, uint32_t *fflags);
int fpu_lt_d(uint64_t a, uint64_t b, uint32_t *fflags);
int fpu_le_d(uint64_t a, uint64_t b, uint32_t *fflags);

/* fclass: exactly one FPU_CLASS_* bit. */
uint32_t fpu_class_s(uint32_t a);
uint32_t fpu_class_d(uint64_t a);

/* Float to integer. Out-of-range values (judged after rounding), infinities and NaNs set NV
 * only and saturate: to the type's maximum for NaN and positive values, to its minimum for
 * negative ones. In-range inexact results set NX. */
uint64_t fpu_cvt_w_s(uint32_t a, int rm, uint32_t *fflags);
uint64_t fpu_cvt_wu_s(uint32_t a, int rm, uint32_t *fflags);
uint64_t fpu_cvt_l_s(uint32_t a, int rm, uint32_t *fflags);
uint64_t fpu_cvt_lu_s(uint32_t a, int rm, uint32_t *fflags);
uint64_t fpu_cvt_w_d(uint64_t a, int rm, uint32_t *fflags);
uint64_t fpu_cvt_wu_d(uint64_t a, int rm, uint32_t *fflags);
uint64_t fpu_cvt_l_d(uint64_t a, int rm, uint32_t *fflags);
uint64_t fpu_cvt_lu_d(uint64_t a, int rm, uint32_t *fflags);

/* Integer to float; w/wu take the low 32 bits of the source register. */
uint32_t fpu_cvt_s_w(int32_t a, int rm, uint32_t *fflags);
uint32_t fpu_cvt_s_wu(uint32_t a, int rm, uint32_t *fflags);
uint32_t fpu_cvt_s_l(int64_t a, int rm, uint32_t *fflags);
uint32_t fpu_cvt_s_lu(uint64_t a, int rm, uint32_t *fflags);
uint64_t fpu_cvt_d_w(int32_t a, int rm, uint32_t *fflags);
uint64_t fpu_cvt_d_wu(uint32_t a, int rm, uint32_t *fflags);
uint64_t fpu_cvt_d_l(int64_t a, int rm, uint32_t *fflags);
uint64_t fpu_cvt_d_lu(uint64_t a, int rm, uint32_t *fflags);

/* Between formats: fcvt.s.d rounds; fcvt.d.s is exact (rm is accepted for a uniform
 * signature and ignored). NaNs become canonical, a signaling NaN sets NV. */
uint32_t fpu_cvt_s_d(uint64_t a, int rm, uint32_t *fflags);
uint64_t fpu_cvt_d_s(uint32_t a, int rm, uint32_t *fflags);

/*
 * ---- Zfh (1.0): binary16 (fpu-ext.c), software path only ----
 * A half in a 64-bit f register has its upper 48 bits all ones (else it reads as the
 * canonical NaN). The operations mirror the s/d ones above, with the same rules.
 */
uint16_t fpu_unbox_h(uint64_t f);
uint64_t fpu_box_h(uint16_t h);
uint16_t fpu_add_h(uint16_t a, uint16_t b, int rm, uint32_t *fflags);
uint16_t fpu_sub_h(uint16_t a, uint16_t b, int rm, uint32_t *fflags);
uint16_t fpu_mul_h(uint16_t a, uint16_t b, int rm, uint32_t *fflags);
uint16_t fpu_div_h(uint16_t a, uint16_t b, int rm, uint32_t *fflags);
uint16_t fpu_sqrt_h(uint16_t a, int rm, uint32_t *fflags);
uint16_t fpu_madd_h(uint16_t a, uint16_t b, uint16_t c, int rm, uint32_t *fflags);
uint16_t fpu_msub_h(uint16_t a, uint16_t b, uint16_t c, int rm, uint32_t *fflags);
uint16_t fpu_nmsub_h(uint16_t a, uint16_t b, uint16_t c, int rm, uint32_t *fflags);
uint16_t fpu_nmadd_h(uint16_t a, uint16_t b, uint16_t c, int rm, uint32_t *fflags);
uint16_t fpu_min_h(uint16_t a, uint16_t b, uint32_t *fflags);
uint16_t fpu_max_h(uint16_t a, uint16_t b, uint32_t *fflags);
uint16_t fpu_sgnj_h(uint16_t a, uint16_t b);
uint16_t fpu_sgnjn_h(uint16_t a, uint16_t b);
uint16_t fpu_sgnjx_h(uint16_t a, uint16_t b);
int fpu_eq_h(uint16_t a, uint16_t b, uint32_t *fflags);
int fpu_lt_h(uint16_t a, uint16_t b, uint32_t *fflags);
int fpu_le_h(uint16_t a, uint16_t b, uint32_t *fflags);
uint32_t fpu_class_h(uint16_t a);
uint64_t fpu_cvt_w_h(uint16_t a, int rm, uint32_t *fflags);
uint64_t fpu_cvt_wu_h(uint16_t a, int rm, uint32_t *fflags);
uint64_t fpu_cvt_l_h(uint16_t a, int rm, uint32_t *fflags);
uint64_t fpu_cvt_lu_h(uint16_t a, int rm, uint32_t *fflags);
uint16_t fpu_cvt_h_w(int32_t a, int rm, uint32_t *fflags);
uint16_t fpu_cvt_h_wu(uint32_t a, int rm, uint32_t *fflags);
uint16_t fpu_cvt_h_l(int64_t a, int rm, uint32_t *fflags);
uint16_t fpu_cvt_h_lu(uint64_t a, int rm, uint32_t *fflags);
/* Narrowing ones round in rm; widening ones are exact. */
uint16_t fpu_cvt_h_s(uint32_t a, int rm, uint32_t *fflags);
uint16_t fpu_cvt_h_d(uint64_t a, int rm, uint32_t *fflags);
uint32_t fpu_cvt_s_h(uint16_t a, uint32_t *fflags);
uint64_t fpu_cvt_d_h(uint16_t a, uint32_t *fflags);

/*
 * ---- Zfa (1.0) for the three formats (fpu-ext.c) ----
 * fmt numbers the format as the instructions' fmt field; values are raw (unboxed) bits.
 */
enum { FPU_FMT_S = 0, FPU_FMT_D = 1, FPU_FMT_H = 2 };
/* fli: constant `index` (0..31) of Zfa's table, rounded to fmt (2^16 is +inf in binary16). */
uint64_t fpu_fli(int fmt, unsigned index);
/* fminm/fmaxm: as fmin/fmax, but any NaN operand gives the canonical NaN. */
uint64_t fpu_minmaxm(int fmt, uint64_t a, uint64_t b, bool want_max, uint32_t *fflags);
/* fleq/fltq: quiet a <= b / a < b (NV for signaling NaNs only). */
int fpu_cmpq(int fmt, uint64_t a, uint64_t b, bool or_equal, uint32_t *fflags);
/* fround/froundnx: round to an integral value in rm; NX only for froundnx (nx). */
uint64_t fpu_round(int fmt, uint64_t a, int rm, bool nx, uint32_t *fflags);
/* fcvtmod.w.d: the integer part of a modulo 2^32, sign-extended; flags as fcvt.w.d. */
uint64_t fpu_cvtmod_w_d(uint64_t a, uint32_t *fflags);

/*
 * x86-64 hosts: whether the host runs FMA3 (CPUID.1:ECX.FMA, with AVX state enabled by the OS),
 * for the paths that use vfmadd (fpu-host.c, jit-fp.c); probed by the first call. Not
 * __builtin_cpu_supports(): it links libgcc's constructor, which runs a dozen CPUIDs in every
 * process at start-up, each a VM exit on a virtual host (issue 7: a tiny run's start-up).
 */
extern int fpu_host_fma; /* -1 until probed, then 0 or 1 */
bool fpu_host_probe_fma(void);
static inline bool fpu_host_has_fma(void)
{
    int v = __atomic_load_n(&fpu_host_fma, __ATOMIC_RELAXED);

    return v >= 0 ? v : fpu_host_probe_fma();
}

#endif /* TARGET_RISCV_FPU_H */
