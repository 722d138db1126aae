/*
 * The x87/MMX/SSE groups' shared contract: availability checks, the x87
 * stack, and the state images (fpu_helper.c), used by exec-x87.c and the
 * exec-sse*.c files. Handlers follow exec-internal.h's rules.
 */
#ifndef TARGET_I386_FPU_INTERNAL_H
#define TARGET_I386_FPU_INTERNAL_H

#include "exec-internal.h"

/* Each returns X86_EXCP_NONE or the vector: x87 (#NM), SSE (#UD/#NM), MMX (#UD/#NM/#MF). */
int x86_fpu_check_x87(CPUX86State *env);
int x86_fpu_check_pending(CPUX86State *env);
int x86_fpu_check_sse(CPUX86State *env);
int x86_fpu_check_mmx(CPUX86State *env);
void x86_mmx_enter(CPUX86State *env);

uint16_t x86_fsw(const CPUX86State *env);
void x86_set_fsw(CPUX86State *env, uint16_t fsw);
uint16_t x86_ftw_full(const CPUX86State *env);
void x86_set_ftw_full(CPUX86State *env, uint16_t ftw);
void x86_fninit(CPUX86State *env);
int x86_load_mxcsr(CPUX86State *env, uint32_t val);

/* The 512-byte FXSAVE image of the state and back (rex_w: the 64-bit FIP/FDP layout). */
void x86_fxsave_image(CPUX86State *env, uint8_t *b, bool rex_w);
int x86_fxrstor_image(CPUX86State *env, const uint8_t *b, bool rex_w);
int x86_xrstor_image(CPUX86State *env, const uint8_t *b, uint64_t rfbm, bool rex_w);
int x86_fxsave(CPUX86State *env, const X86Insn *d, bool restore);
int x86_xsave(CPUX86State *env, const X86Insn *d, bool restore);

/* CPUID feature words and the bits the instructions here are gated by (exec-ext.c). */
enum { X86_FEAT_1_EDX, X86_FEAT_1_ECX, X86_FEAT_7_EBX, X86_FEAT_7_ECX, X86_FEAT_X1_ECX,
       X86_FEAT_XSAVE };
#define CPUID_EXT_SSE3 (1u << 0)
#define CPUID_EXT_SSSE3 (1u << 9)
#define CPUID_EXT_CX16 (1u << 13)
#define CPUID_EXT_SSE41 (1u << 19)
#define CPUID_EXT_SSE42 (1u << 20)
#define CPUID_EXT_MOVBE (1u << 22)
#define CPUID_EXT_POPCNT (1u << 23)
#define CPUID_EXT_XSAVE (1u << 26)
#define CPUID_EXT_RDRAND (1u << 30)
#define CPUID_7_0_EBX_FSGSBASE (1u << 0)
#define CPUID_7_0_EBX_RDSEED (1u << 18)
#define CPUID_7_0_ECX_RDPID (1u << 22)
#define CPUID_EXT3_ABM (1u << 5)
#define CPUID_XSAVE_XSAVEOPT (1u << 0)
bool x86_has(CPUX86State *env, int word, uint32_t bit);
int x86_exec_popcnt(CPUX86State *env, const X86Insn *d);
int x86_exec_lzcnt(CPUX86State *env, const X86Insn *d);
int x86_exec_grp9x(CPUX86State *env, const X86Insn *d);
int x86_exec_fxsave(CPUX86State *env, const X86Insn *d);
int x86_exec_sse(CPUX86State *env, const X86Insn *d);
int x86_exec_sse38(CPUX86State *env, const X86Insn *d);
int x86_exec_sse3a(CPUX86State *env, const X86Insn *d);

/* x87-env.c: m80 operands, ES/B after FCW/FSW loads, fnstenv/fldenv, fnsave/frstor. */
int x87_read_m80(CPUX86State *env, const X86Insn *d, X87Reg *r);
int x87_write_m80(CPUX86State *env, const X86Insn *d, const X87Reg *r);
void x87_update_es(CPUX86State *env);
int x87_store_env(CPUX86State *env, const X86Insn *d);
int x87_load_env(CPUX86State *env, const X86Insn *d);
int x87_save_restore(CPUX86State *env, const X86Insn *d, bool restore);

/* The ST(i) register. */
static inline X87Reg *x86_st(CPUX86State *env, int i)
{
    return &env->fpregs[(env->fpstt + i) & 7];
}
static inline bool x86_st_empty(const CPUX86State *env, int i)
{
    return env->fptag & (1 << ((env->fpstt + i) & 7));
}

#endif
