/*
 * SSE operations run on the host's SSE unit (sse-host.c): the host is
 * x86-64, so the packed and scalar arithmetic the guest asks for is the
 * host's own instruction on the same bits, under the guest's MXCSR (rounding,
 * DAZ, FTZ) with every exception masked; the result and the exception flags
 * are then the hardware's. The tables give, per opcode of the 0f and 0f 38
 * maps and mandatory prefix (none, 66, f3, f2), the operation and how its
 * operands are fetched; exec-sse.c does the fetching and the rest.
 */
#ifndef TARGET_I386_SSE_HOST_H
#define TARGET_I386_SSE_HOST_H

#include "target/i386/cpu.h"

/* d = d op s; returns the MXCSR exception flags raised (0 for integer operations). */
typedef uint32_t (*SseFn)(XMMReg *d, const XMMReg *s, uint32_t mxcsr);

enum {
    SSE_MMX = 1 << 0,   /* the no-prefix form is MMX (64-bit operands through the SSE2 op) */
    SSE_PACK = 1 << 1,  /* MMX: d and s packed into one register first (packs, phadd) */
    SSE_S4 = 1 << 2,    /* memory source 4 bytes (scalar single) */
    SSE_S8 = 1 << 3,    /* memory source 8 bytes (scalar double) */
    SSE_S2 = 1 << 4,    /* memory source 2 bytes (pmovzxbq) */
    SSE_UNALIGNED = 1 << 5,
    SSE_HIGH = 1 << 6, /* MMX: both in the high quadwords, the result from there (punpckh) */
    SSE_DUP = 1 << 7,  /* MMX: d duplicated into both quadwords (pshufb's 3-bit indices) */
};

typedef struct SseEntry {
    SseFn fn;
    uint8_t flags;
} SseEntry;

/* Indexed [opcode][prefix]: 0 none (or MMX), 1 66, 2 f3, 3 f2. */
extern const SseEntry x86_sse_0f[256][4];
extern const SseEntry x86_sse_0f38[256][4];

/* Imm8 forms run on the host: cmpps.. (imm & 7), round* (imm), dpps, dppd, mpsadbw. */
uint32_t x86_sse_cmp(int form, XMMReg *d, const XMMReg *s, int imm, uint32_t mxcsr);
uint32_t x86_sse_round(int form, XMMReg *d, const XMMReg *s, int imm, uint32_t mxcsr);
uint32_t x86_sse_dp(bool pd, XMMReg *d, const XMMReg *s, int imm, uint32_t mxcsr);
void x86_sse_mpsadbw(XMMReg *d, const XMMReg *s, int imm);
/* comiss/ucomiss/comisd/ucomisd: the EFLAGS ZF/PF/CF result; returns the flags raised. */
uint32_t x86_sse_comi(int form, const XMMReg *d, const XMMReg *s, uint32_t mxcsr,
                      uint64_t *eflags);
/* cvt to and from integers: form = opcode 2a/2c/2d, dbl source/dest, q 64-bit. */
uint32_t x86_sse_cvt_to_int(bool trunc, bool dbl, bool q, const XMMReg *s, uint32_t mxcsr,
                            uint64_t *res);
uint32_t x86_sse_cvt_from_int(bool dbl, bool q, XMMReg *d, uint64_t v, uint32_t mxcsr);
/* pcmpestri/estrm/istri/istrm (op 0x60..0x63): ECX or XMM0 and the flags. */
void x86_sse_pcmpstr(int op, const XMMReg *d, const XMMReg *s, int imm, int64_t la, int64_t ld,
                     uint32_t *ecx, XMMReg *xmm0, uint64_t *eflags);
uint32_t x86_sse_crc32(uint32_t crc, uint64_t v, int size);

#endif
