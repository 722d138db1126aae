/*
 * The SSE operations on the host's SSE unit (contract in sse-host.h). Each
 * HOST_F operation runs under the guest's MXCSR with the exceptions masked
 * and the flags cleared, so the flags it leaves are the ones it raised; the
 * host's own MXCSR is saved and restored around it. HOST_I operations are
 * integer ones (no MXCSR). The instructions are those of SSE to SSE4.2:
 * the host must have them (the tests and a guest using them need it).
 */
#if !defined(__x86_64__)
#error "the x86 target runs x87/SSE arithmetic on the host unit: it needs an x86-64 host"
#endif

#include "sse-host.h"

typedef long long V2 __attribute__((vector_size(16)));

#define HOST_F(insn)                                                                               \
    static uint32_t h_##insn(XMMReg *d, const XMMReg *s, uint32_t mxcsr)                           \
    {                                                                                              \
        uint32_t in = (mxcsr & ~0x3fu) | 0x1f80, out, saved;                                       \
        V2 a, b;                                                                                   \
        memcpy(&a, d, 16);                                                                         \
        memcpy(&b, s, 16);                                                                         \
        asm volatile("stmxcsr %[sv]\n\tldmxcsr %[in]\n\t" #insn " %[b], %[a]\n\t"                  \
                     "stmxcsr %[out]\n\tldmxcsr %[sv]"                                             \
                     : [a] "+x"(a), [out] "=m"(out), [sv] "=m"(saved)                              \
                     : [b] "x"(b), [in] "m"(in));                                                  \
        memcpy(d, &a, 16);                                                                         \
        return out & 0x3f;                                                                         \
    }
#define HOST_I(insn)                                                                               \
    static uint32_t h_##insn(XMMReg *d, const XMMReg *s, uint32_t mxcsr)                           \
    {                                                                                              \
        V2 a, b;                                                                                   \
        memcpy(&a, d, 16);                                                                         \
        memcpy(&b, s, 16);                                                                         \
        asm(#insn " %[b], %[a]" : [a] "+x"(a) : [b] "x"(b));                                       \
        memcpy(d, &a, 16);                                                                         \
        return 0;                                                                                  \
    }

HOST_F(addps)
HOST_F(addpd)
HOST_F(addss)
HOST_F(addsd)
HOST_F(mulps)
HOST_F(mulpd)
HOST_F(mulss)
HOST_F(mulsd)
HOST_F(subps)
HOST_F(subpd)
HOST_F(subss)
HOST_F(subsd)
HOST_F(divps)
HOST_F(divpd)
HOST_F(divss)
HOST_F(divsd)
HOST_F(minps)
HOST_F(minpd)
HOST_F(minss)
HOST_F(minsd)
HOST_F(maxps)
HOST_F(maxpd)
HOST_F(maxss)
HOST_F(maxsd)
HOST_F(sqrtps)
HOST_F(sqrtpd)
HOST_F(sqrtss)
HOST_F(sqrtsd)
HOST_F(rsqrtps)
HOST_F(rsqrtss)
HOST_F(rcpps)
HOST_F(rcpss)
HOST_F(haddps)
HOST_F(haddpd)
HOST_F(hsubps)
HOST_F(hsubpd)
HOST_F(addsubps)
HOST_F(addsubpd)
HOST_F(cvtps2pd)
HOST_F(cvtpd2ps)
HOST_F(cvtss2sd)
HOST_F(cvtsd2ss)
HOST_F(cvtdq2ps)
HOST_F(cvtps2dq)
HOST_F(cvttps2dq)
HOST_F(cvttpd2dq)
HOST_F(cvtdq2pd)
HOST_F(cvtpd2dq)
HOST_I(punpcklbw)
HOST_I(punpcklwd)
HOST_I(punpckldq)
HOST_I(packsswb)
HOST_I(pcmpgtb)
HOST_I(pcmpgtw)
HOST_I(pcmpgtd)
HOST_I(packuswb)
HOST_I(punpckhbw)
HOST_I(punpckhwd)
HOST_I(punpckhdq)
HOST_I(packssdw)
HOST_I(punpcklqdq)
HOST_I(punpckhqdq)
HOST_I(pcmpeqb)
HOST_I(pcmpeqw)
HOST_I(pcmpeqd)
HOST_I(psrlw)
HOST_I(psrld)
HOST_I(psrlq)
HOST_I(paddq)
HOST_I(pmullw)
HOST_I(psubusb)
HOST_I(psubusw)
HOST_I(pminub)
HOST_I(pand)
HOST_I(paddusb)
HOST_I(paddusw)
HOST_I(pmaxub)
HOST_I(pandn)
HOST_I(pavgb)
HOST_I(psraw)
HOST_I(psrad)
HOST_I(pavgw)
HOST_I(pmulhuw)
HOST_I(pmulhw)
HOST_I(psubsb)
HOST_I(psubsw)
HOST_I(pminsw)
HOST_I(por)
HOST_I(paddsb)
HOST_I(paddsw)
HOST_I(pmaxsw)
HOST_I(pxor)
HOST_I(psllw)
HOST_I(pslld)
HOST_I(psllq)
HOST_I(pmuludq)
HOST_I(pmaddwd)
HOST_I(psadbw)
HOST_I(psubb)
HOST_I(psubw)
HOST_I(psubd)
HOST_I(psubq)
HOST_I(paddb)
HOST_I(paddw)
HOST_I(paddd)
HOST_I(unpcklps)
HOST_I(unpcklpd)
HOST_I(unpckhps)
HOST_I(unpckhpd)
HOST_I(andps)
HOST_I(andnps)
HOST_I(orps)
HOST_I(xorps)
HOST_I(pshufb)
HOST_I(phaddw)
HOST_I(phaddd)
HOST_I(phaddsw)
HOST_I(pmaddubsw)
HOST_I(phsubw)
HOST_I(phsubd)
HOST_I(phsubsw)
HOST_I(psignb)
HOST_I(psignw)
HOST_I(psignd)
HOST_I(pmulhrsw)
HOST_I(pabsb)
HOST_I(pabsw)
HOST_I(pabsd)
HOST_I(pmuldq)
HOST_I(pcmpeqq)
HOST_I(packusdw)
HOST_I(pminsb)
HOST_I(pminsd)
HOST_I(pminuw)
HOST_I(pminud)
HOST_I(pmaxsb)
HOST_I(pmaxsd)
HOST_I(pmaxuw)
HOST_I(pmaxud)
HOST_I(pmulld)
HOST_I(phminposuw)
HOST_I(pcmpgtq)
HOST_I(pmovsxbw)
HOST_I(pmovsxbd)
HOST_I(pmovsxbq)
HOST_I(pmovsxwd)
HOST_I(pmovsxwq)
HOST_I(pmovsxdq)
HOST_I(pmovzxbw)
HOST_I(pmovzxbd)
HOST_I(pmovzxbq)
HOST_I(pmovzxwd)
HOST_I(pmovzxwq)
HOST_I(pmovzxdq)

const SseEntry x86_sse_0f[256][4] = {
    [0x14] = {[0] = {h_unpcklps, 0}, [1] = {h_unpcklpd, 0}},
    [0x15] = {[0] = {h_unpckhps, 0}, [1] = {h_unpckhpd, 0}},
    [0x51] = {[0] = {h_sqrtps, 0},
              [1] = {h_sqrtpd, 0},
              [2] = {h_sqrtss, SSE_S4},
              [3] = {h_sqrtsd, SSE_S8}},
    [0x52] = {[0] = {h_rsqrtps, 0}, [2] = {h_rsqrtss, SSE_S4}},
    [0x53] = {[0] = {h_rcpps, 0}, [2] = {h_rcpss, SSE_S4}},
    [0x54] = {[0] = {h_andps, 0}, [1] = {h_andps, 0}},
    [0x55] = {[0] = {h_andnps, 0}, [1] = {h_andnps, 0}},
    [0x56] = {[0] = {h_orps, 0}, [1] = {h_orps, 0}},
    [0x57] = {[0] = {h_xorps, 0}, [1] = {h_xorps, 0}},
    [0x58] =
        {[0] = {h_addps, 0}, [1] = {h_addpd, 0}, [2] = {h_addss, SSE_S4}, [3] = {h_addsd, SSE_S8}},
    [0x59] =
        {[0] = {h_mulps, 0}, [1] = {h_mulpd, 0}, [2] = {h_mulss, SSE_S4}, [3] = {h_mulsd, SSE_S8}},
    [0x5a] = {[0] = {h_cvtps2pd, SSE_S8},
              [1] = {h_cvtpd2ps, 0},
              [2] = {h_cvtss2sd, SSE_S4},
              [3] = {h_cvtsd2ss, SSE_S8}},
    [0x5b] = {[0] = {h_cvtdq2ps, 0}, [1] = {h_cvtps2dq, 0}, [2] = {h_cvttps2dq, 0}},
    [0x5c] =
        {[0] = {h_subps, 0}, [1] = {h_subpd, 0}, [2] = {h_subss, SSE_S4}, [3] = {h_subsd, SSE_S8}},
    [0x5d] =
        {[0] = {h_minps, 0}, [1] = {h_minpd, 0}, [2] = {h_minss, SSE_S4}, [3] = {h_minsd, SSE_S8}},
    [0x5e] =
        {[0] = {h_divps, 0}, [1] = {h_divpd, 0}, [2] = {h_divss, SSE_S4}, [3] = {h_divsd, SSE_S8}},
    [0x5f] =
        {[0] = {h_maxps, 0}, [1] = {h_maxpd, 0}, [2] = {h_maxss, SSE_S4}, [3] = {h_maxsd, SSE_S8}},
    [0x60] = {[0] = {h_punpcklbw, SSE_MMX}, [1] = {h_punpcklbw, 0}},
    [0x61] = {[0] = {h_punpcklwd, SSE_MMX}, [1] = {h_punpcklwd, 0}},
    [0x62] = {[0] = {h_punpckldq, SSE_MMX}, [1] = {h_punpckldq, 0}},
    [0x63] = {[0] = {h_packsswb, SSE_MMX | SSE_PACK}, [1] = {h_packsswb, 0}},
    [0x64] = {[0] = {h_pcmpgtb, SSE_MMX}, [1] = {h_pcmpgtb, 0}},
    [0x65] = {[0] = {h_pcmpgtw, SSE_MMX}, [1] = {h_pcmpgtw, 0}},
    [0x66] = {[0] = {h_pcmpgtd, SSE_MMX}, [1] = {h_pcmpgtd, 0}},
    [0x67] = {[0] = {h_packuswb, SSE_MMX | SSE_PACK}, [1] = {h_packuswb, 0}},
    [0x68] = {[0] = {h_punpckhbw, SSE_MMX | SSE_HIGH}, [1] = {h_punpckhbw, 0}},
    [0x69] = {[0] = {h_punpckhwd, SSE_MMX | SSE_HIGH}, [1] = {h_punpckhwd, 0}},
    [0x6a] = {[0] = {h_punpckhdq, SSE_MMX | SSE_HIGH}, [1] = {h_punpckhdq, 0}},
    [0x6b] = {[0] = {h_packssdw, SSE_MMX | SSE_PACK}, [1] = {h_packssdw, 0}},
    [0x6c] = {[1] = {h_punpcklqdq, 0}},
    [0x6d] = {[1] = {h_punpckhqdq, 0}},
    [0x74] = {[0] = {h_pcmpeqb, SSE_MMX}, [1] = {h_pcmpeqb, 0}},
    [0x75] = {[0] = {h_pcmpeqw, SSE_MMX}, [1] = {h_pcmpeqw, 0}},
    [0x76] = {[0] = {h_pcmpeqd, SSE_MMX}, [1] = {h_pcmpeqd, 0}},
    [0x7c] = {[1] = {h_haddpd, 0}, [3] = {h_haddps, 0}},
    [0x7d] = {[1] = {h_hsubpd, 0}, [3] = {h_hsubps, 0}},
    [0xd0] = {[1] = {h_addsubpd, 0}, [3] = {h_addsubps, 0}},
    [0xd1] = {[0] = {h_psrlw, SSE_MMX}, [1] = {h_psrlw, 0}},
    [0xd2] = {[0] = {h_psrld, SSE_MMX}, [1] = {h_psrld, 0}},
    [0xd3] = {[0] = {h_psrlq, SSE_MMX}, [1] = {h_psrlq, 0}},
    [0xd4] = {[0] = {h_paddq, SSE_MMX}, [1] = {h_paddq, 0}},
    [0xd5] = {[0] = {h_pmullw, SSE_MMX}, [1] = {h_pmullw, 0}},
    [0xd8] = {[0] = {h_psubusb, SSE_MMX}, [1] = {h_psubusb, 0}},
    [0xd9] = {[0] = {h_psubusw, SSE_MMX}, [1] = {h_psubusw, 0}},
    [0xda] = {[0] = {h_pminub, SSE_MMX}, [1] = {h_pminub, 0}},
    [0xdb] = {[0] = {h_pand, SSE_MMX}, [1] = {h_pand, 0}},
    [0xdc] = {[0] = {h_paddusb, SSE_MMX}, [1] = {h_paddusb, 0}},
    [0xdd] = {[0] = {h_paddusw, SSE_MMX}, [1] = {h_paddusw, 0}},
    [0xde] = {[0] = {h_pmaxub, SSE_MMX}, [1] = {h_pmaxub, 0}},
    [0xdf] = {[0] = {h_pandn, SSE_MMX}, [1] = {h_pandn, 0}},
    [0xe0] = {[0] = {h_pavgb, SSE_MMX}, [1] = {h_pavgb, 0}},
    [0xe1] = {[0] = {h_psraw, SSE_MMX}, [1] = {h_psraw, 0}},
    [0xe2] = {[0] = {h_psrad, SSE_MMX}, [1] = {h_psrad, 0}},
    [0xe3] = {[0] = {h_pavgw, SSE_MMX}, [1] = {h_pavgw, 0}},
    [0xe4] = {[0] = {h_pmulhuw, SSE_MMX}, [1] = {h_pmulhuw, 0}},
    [0xe5] = {[0] = {h_pmulhw, SSE_MMX}, [1] = {h_pmulhw, 0}},
    [0xe6] = {[1] = {h_cvttpd2dq, 0}, [2] = {h_cvtdq2pd, SSE_S8}, [3] = {h_cvtpd2dq, 0}},
    [0xe8] = {[0] = {h_psubsb, SSE_MMX}, [1] = {h_psubsb, 0}},
    [0xe9] = {[0] = {h_psubsw, SSE_MMX}, [1] = {h_psubsw, 0}},
    [0xea] = {[0] = {h_pminsw, SSE_MMX}, [1] = {h_pminsw, 0}},
    [0xeb] = {[0] = {h_por, SSE_MMX}, [1] = {h_por, 0}},
    [0xec] = {[0] = {h_paddsb, SSE_MMX}, [1] = {h_paddsb, 0}},
    [0xed] = {[0] = {h_paddsw, SSE_MMX}, [1] = {h_paddsw, 0}},
    [0xee] = {[0] = {h_pmaxsw, SSE_MMX}, [1] = {h_pmaxsw, 0}},
    [0xef] = {[0] = {h_pxor, SSE_MMX}, [1] = {h_pxor, 0}},
    [0xf1] = {[0] = {h_psllw, SSE_MMX}, [1] = {h_psllw, 0}},
    [0xf2] = {[0] = {h_pslld, SSE_MMX}, [1] = {h_pslld, 0}},
    [0xf3] = {[0] = {h_psllq, SSE_MMX}, [1] = {h_psllq, 0}},
    [0xf4] = {[0] = {h_pmuludq, SSE_MMX}, [1] = {h_pmuludq, 0}},
    [0xf5] = {[0] = {h_pmaddwd, SSE_MMX}, [1] = {h_pmaddwd, 0}},
    [0xf6] = {[0] = {h_psadbw, SSE_MMX}, [1] = {h_psadbw, 0}},
    [0xf8] = {[0] = {h_psubb, SSE_MMX}, [1] = {h_psubb, 0}},
    [0xf9] = {[0] = {h_psubw, SSE_MMX}, [1] = {h_psubw, 0}},
    [0xfa] = {[0] = {h_psubd, SSE_MMX}, [1] = {h_psubd, 0}},
    [0xfb] = {[0] = {h_psubq, SSE_MMX}, [1] = {h_psubq, 0}},
    [0xfc] = {[0] = {h_paddb, SSE_MMX}, [1] = {h_paddb, 0}},
    [0xfd] = {[0] = {h_paddw, SSE_MMX}, [1] = {h_paddw, 0}},
    [0xfe] = {[0] = {h_paddd, SSE_MMX}, [1] = {h_paddd, 0}},
};

const SseEntry x86_sse_0f38[256][4] = {
    [0x00] = {[0] = {h_pshufb, SSE_MMX | SSE_DUP}, [1] = {h_pshufb, 0}},
    [0x01] = {[0] = {h_phaddw, SSE_MMX | SSE_PACK}, [1] = {h_phaddw, 0}},
    [0x02] = {[0] = {h_phaddd, SSE_MMX | SSE_PACK}, [1] = {h_phaddd, 0}},
    [0x03] = {[0] = {h_phaddsw, SSE_MMX | SSE_PACK}, [1] = {h_phaddsw, 0}},
    [0x04] = {[0] = {h_pmaddubsw, SSE_MMX}, [1] = {h_pmaddubsw, 0}},
    [0x05] = {[0] = {h_phsubw, SSE_MMX | SSE_PACK}, [1] = {h_phsubw, 0}},
    [0x06] = {[0] = {h_phsubd, SSE_MMX | SSE_PACK}, [1] = {h_phsubd, 0}},
    [0x07] = {[0] = {h_phsubsw, SSE_MMX | SSE_PACK}, [1] = {h_phsubsw, 0}},
    [0x08] = {[0] = {h_psignb, SSE_MMX}, [1] = {h_psignb, 0}},
    [0x09] = {[0] = {h_psignw, SSE_MMX}, [1] = {h_psignw, 0}},
    [0x0a] = {[0] = {h_psignd, SSE_MMX}, [1] = {h_psignd, 0}},
    [0x0b] = {[0] = {h_pmulhrsw, SSE_MMX}, [1] = {h_pmulhrsw, 0}},
    [0x1c] = {[0] = {h_pabsb, SSE_MMX}, [1] = {h_pabsb, 0}},
    [0x1d] = {[0] = {h_pabsw, SSE_MMX}, [1] = {h_pabsw, 0}},
    [0x1e] = {[0] = {h_pabsd, SSE_MMX}, [1] = {h_pabsd, 0}},
    [0x20] = {[1] = {h_pmovsxbw, SSE_S8}},
    [0x21] = {[1] = {h_pmovsxbd, SSE_S4}},
    [0x22] = {[1] = {h_pmovsxbq, SSE_S2}},
    [0x23] = {[1] = {h_pmovsxwd, SSE_S8}},
    [0x24] = {[1] = {h_pmovsxwq, SSE_S4}},
    [0x25] = {[1] = {h_pmovsxdq, SSE_S8}},
    [0x28] = {[1] = {h_pmuldq, 0}},
    [0x29] = {[1] = {h_pcmpeqq, 0}},
    [0x2b] = {[1] = {h_packusdw, 0}},
    [0x30] = {[1] = {h_pmovzxbw, SSE_S8}},
    [0x31] = {[1] = {h_pmovzxbd, SSE_S4}},
    [0x32] = {[1] = {h_pmovzxbq, SSE_S2}},
    [0x33] = {[1] = {h_pmovzxwd, SSE_S8}},
    [0x34] = {[1] = {h_pmovzxwq, SSE_S4}},
    [0x35] = {[1] = {h_pmovzxdq, SSE_S8}},
    [0x37] = {[1] = {h_pcmpgtq, 0}},
    [0x38] = {[1] = {h_pminsb, 0}},
    [0x39] = {[1] = {h_pminsd, 0}},
    [0x3a] = {[1] = {h_pminuw, 0}},
    [0x3b] = {[1] = {h_pminud, 0}},
    [0x3c] = {[1] = {h_pmaxsb, 0}},
    [0x3d] = {[1] = {h_pmaxsd, 0}},
    [0x3e] = {[1] = {h_pmaxuw, 0}},
    [0x3f] = {[1] = {h_pmaxud, 0}},
    [0x40] = {[1] = {h_pmulld, 0}},
    [0x41] = {[1] = {h_phminposuw, 0}},
};

/* ---- imm8 forms: one host instruction per immediate value ---- */

#define R4(X, b) X(b) X(b + 1) X(b + 2) X(b + 3)
#define R8(X, b) R4(X, b) R4(X, b + 4)
#define R32(X, b) R8(X, b) R8(X, b + 8) R8(X, b + 16) R8(X, b + 24)
#define R256(X)                                                                                    \
    R32(X, 0) R32(X, 32) R32(X, 64) R32(X, 96) R32(X, 128) R32(X, 160) R32(X, 192) R32(X, 224)

#define MXCSR_IN uint32_t in = (mxcsr & ~0x3fu) | 0x1f80, out, saved
#define ASM_IMM(insn, n)                                                                           \
    asm volatile("stmxcsr %[sv]\n\tldmxcsr %[in]\n\t" insn " $(" #n "), %[b], %[a]\n\t"            \
                 "stmxcsr %[out]\n\tldmxcsr %[sv]"                                                 \
                 : [a] "+x"(a), [out] "=m"(out), [sv] "=m"(saved)                                  \
                 : [b] "x"(b), [in] "m"(in))

#define CMP_FN(insn)                                                                               \
    static uint32_t cmp_##insn(V2 *pa, V2 b, int imm, uint32_t mxcsr)                              \
    {                                                                                              \
        MXCSR_IN;                                                                                  \
        V2 a = *pa;                                                                                \
        switch (imm & 7) {                                                                         \
            R8(CMP_CASE_##insn, 0)                                                                 \
        }                                                                                          \
        *pa = a;                                                                                   \
        return out & 0x3f;                                                                         \
    }
#define CMP_CASE_cmpps(n)                                                                          \
    case n:                                                                                        \
        ASM_IMM("cmpps", n);                                                                       \
        break;
#define CMP_CASE_cmppd(n)                                                                          \
    case n:                                                                                        \
        ASM_IMM("cmppd", n);                                                                       \
        break;
#define CMP_CASE_cmpss(n)                                                                          \
    case n:                                                                                        \
        ASM_IMM("cmpss", n);                                                                       \
        break;
#define CMP_CASE_cmpsd(n)                                                                          \
    case n:                                                                                        \
        ASM_IMM("cmpsd", n);                                                                       \
        break;
CMP_FN(cmpps)
CMP_FN(cmppd)
CMP_FN(cmpss)
CMP_FN(cmpsd)

/* form: 0 ps, 1 pd, 2 ss, 3 sd (the prefix index). */
uint32_t x86_sse_cmp(int form, XMMReg *d, const XMMReg *s, int imm, uint32_t mxcsr)
{
    static uint32_t (*const fns[4])(V2 *, V2, int, uint32_t) = {cmp_cmpps, cmp_cmppd, cmp_cmpss,
                                                                cmp_cmpsd};
    V2 a, b;
    uint32_t f;

    memcpy(&a, d, 16);
    memcpy(&b, s, 16);
    f = fns[form](&a, b, imm, mxcsr);
    memcpy(d, &a, 16);
    return f;
}

/*
 * round*: imm bit 2 picks MXCSR.RC over imm bits 1:0, bit 3 suppresses the precision
 * exception. The host runs the MXCSR-controlled form with RC set from the immediate.
 */
uint32_t x86_sse_round(int form, XMMReg *d, const XMMReg *s, int imm, uint32_t mxcsr)
{
    V2 a, b;
    uint32_t saved, out, in;

    if (!(imm & 4)) {
        mxcsr = (mxcsr & ~0x6000u) | ((imm & 3) << 13);
    }
    in = (mxcsr & ~0x3fu) | 0x1f80;
    memcpy(&a, d, 16);
    memcpy(&b, s, 16);
#define ROUND_ASM(insn, n)                                                                         \
    asm volatile("stmxcsr %[sv]\n\tldmxcsr %[in]\n\t" insn " $" #n ", %[b], %[a]\n\t"              \
                 "stmxcsr %[out]\n\tldmxcsr %[sv]"                                                 \
                 : [a] "+x"(a), [out] "=m"(out), [sv] "=m"(saved)                                  \
                 : [b] "x"(b), [in] "m"(in))
    switch (form * 2 + ((imm >> 3) & 1)) {
    case 0:
        ROUND_ASM("roundps", 4);
        break;
    case 1:
        ROUND_ASM("roundps", 12);
        break;
    case 2:
        ROUND_ASM("roundpd", 4);
        break;
    case 3:
        ROUND_ASM("roundpd", 12);
        break;
    case 4:
        ROUND_ASM("roundss", 4);
        break;
    case 5:
        ROUND_ASM("roundss", 12);
        break;
    case 6:
        ROUND_ASM("roundsd", 4);
        break;
    default:
        ROUND_ASM("roundsd", 12);
        break;
    }
    memcpy(d, &a, 16);
    return out & 0x3f;
}

#define DPPS_CASE(n)                                                                               \
    case n:                                                                                        \
        ASM_IMM("dpps", n);                                                                        \
        break;
#define DPPD_CASE(n)                                                                               \
    case n:                                                                                        \
        ASM_IMM("dppd", n);                                                                        \
        break;

uint32_t x86_sse_dp(bool pd, XMMReg *d, const XMMReg *s, int imm, uint32_t mxcsr)
{
    MXCSR_IN;
    V2 a, b;

    memcpy(&a, d, 16);
    memcpy(&b, s, 16);
    if (pd) {
        switch (imm & 0x33) {
            R256(DPPD_CASE)
        }
    } else {
        switch (imm & 0xff) {
            R256(DPPS_CASE)
        }
    }
    memcpy(d, &a, 16);
    return out & 0x3f;
}

/* mpsadbw: integer, SAD of 4-byte groups at the offsets imm picks (SDM "MPSADBW"). */
void x86_sse_mpsadbw(XMMReg *d, const XMMReg *s, int imm)
{
    int so = (imm & 3) * 4, dof = ((imm >> 2) & 1) * 4;
    XMMReg r;

    for (int i = 0; i < 8; i++) {
        int sum = 0;
        for (int k = 0; k < 4; k++) {
            sum += abs((int)d->b[dof + i + k] - (int)s->b[so + k]);
        }
        r.w[i] = sum;
    }
    *d = r;
}

uint32_t x86_sse_comi(int form, const XMMReg *d, const XMMReg *s, uint32_t mxcsr, uint64_t *eflags)
{
    MXCSR_IN;
    V2 a, b;
    uint64_t fl;

    memcpy(&a, d, 16);
    memcpy(&b, s, 16);
#define COMI_ASM(insn)                                                                             \
    asm volatile("stmxcsr %[sv]\n\tldmxcsr %[in]\n\t" insn                                         \
                 " %[b], %[a]\n\tpushfq\n\tpop %[fl]\n\t"                                          \
                 "stmxcsr %[out]\n\tldmxcsr %[sv]"                                                 \
                 : [fl] "=r"(fl), [out] "=m"(out), [sv] "=m"(saved)                                \
                 : [a] "x"(a), [b] "x"(b), [in] "m"(in)                                            \
                 : "cc")
    switch (form) {
    case 0:
        COMI_ASM("ucomiss");
        break;
    case 1:
        COMI_ASM("ucomisd");
        break;
    case 2:
        COMI_ASM("comiss");
        break;
    default:
        COMI_ASM("comisd");
        break;
    }
    *eflags = (*eflags & ~(uint64_t)CC_ARITH) | (fl & (CC_Z | CC_P | CC_C));
    return out & 0x3f;
}

uint32_t x86_sse_cvt_to_int(bool trunc, bool dbl, bool q, const XMMReg *s, uint32_t mxcsr,
                            uint64_t *res)
{
    MXCSR_IN;
    V2 b;
    uint64_t r = 0;

    memcpy(&b, s, 16);
#define CVT_ASM(insn, reg)                                                                         \
    asm volatile("stmxcsr %[sv]\n\tldmxcsr %[in]\n\t" insn " %[b], " reg "\n\t"                    \
                 "stmxcsr %[out]\n\tldmxcsr %[sv]"                                                 \
                 : [r] "+r"(r), [out] "=m"(out), [sv] "=m"(saved)                                  \
                 : [b] "x"(b), [in] "m"(in))
    switch (trunc * 4 + dbl * 2 + q) {
    case 0:
        CVT_ASM("cvtss2si", "%k[r]");
        break;
    case 1:
        CVT_ASM("cvtss2si", "%q[r]");
        break;
    case 2:
        CVT_ASM("cvtsd2si", "%k[r]");
        break;
    case 3:
        CVT_ASM("cvtsd2si", "%q[r]");
        break;
    case 4:
        CVT_ASM("cvttss2si", "%k[r]");
        break;
    case 5:
        CVT_ASM("cvttss2si", "%q[r]");
        break;
    case 6:
        CVT_ASM("cvttsd2si", "%k[r]");
        break;
    default:
        CVT_ASM("cvttsd2si", "%q[r]");
        break;
    }
    *res = r;
    return out & 0x3f;
}

uint32_t x86_sse_cvt_from_int(bool dbl, bool q, XMMReg *d, uint64_t v, uint32_t mxcsr)
{
    MXCSR_IN;
    V2 a;

    memcpy(&a, d, 16);
#define CVTI_ASM(insn, reg)                                                                        \
    asm volatile("stmxcsr %[sv]\n\tldmxcsr %[in]\n\t" insn " " reg ", %[a]\n\t"                    \
                 "stmxcsr %[out]\n\tldmxcsr %[sv]"                                                 \
                 : [a] "+x"(a), [out] "=m"(out), [sv] "=m"(saved)                                  \
                 : [v] "r"(v), [in] "m"(in))
    switch (dbl * 2 + q) {
    case 0:
        CVTI_ASM("cvtsi2ssl", "%k[v]");
        break;
    case 1:
        CVTI_ASM("cvtsi2ssq", "%q[v]");
        break;
    case 2:
        CVTI_ASM("cvtsi2sdl", "%k[v]");
        break;
    default:
        CVTI_ASM("cvtsi2sdq", "%q[v]");
        break;
    }
    memcpy(d, &a, 16);
    return out & 0x3f;
}

uint32_t x86_sse_crc32(uint32_t crc, uint64_t v, int size)
{
    uint64_t c = crc;

    switch (size) {
    case 1:
        asm("crc32b %b[v], %k[c]" : [c] "+r"(c) : [v] "r"(v));
        break;
    case 2:
        asm("crc32w %w[v], %k[c]" : [c] "+r"(c) : [v] "r"(v));
        break;
    case 4:
        asm("crc32l %k[v], %k[c]" : [c] "+r"(c) : [v] "r"(v));
        break;
    default:
        asm("crc32q %q[v], %q[c]" : [c] "+r"(c) : [v] "r"(v));
        break;
    }
    return c;
}

/* pcmpXstrX: lengths in EAX/EDX (explicit forms), clamped to +-17: |len| saturates at 16. */
#define PCMP_ASM(insn, n)                                                                          \
    asm volatile(insn " $(" #n "), %[b], %[a]\n\tpushfq\n\tpop %[fl]"                              \
                 : [fl] "=r"(fl), "=c"(c), "=Yz"(x0)                                               \
                 : [a] "x"(a), [b] "x"(b), "a"(la), "d"(ld)                                        \
                 : "cc")
#define ESTRM_CASE(n)                                                                              \
    case n:                                                                                        \
        PCMP_ASM("pcmpestrm", n);                                                                  \
        break;
#define ESTRI_CASE(n)                                                                              \
    case n:                                                                                        \
        PCMP_ASM("pcmpestri", n);                                                                  \
        break;
#define ISTRM_CASE(n)                                                                              \
    case n:                                                                                        \
        PCMP_ASM("pcmpistrm", n);                                                                  \
        break;
#define ISTRI_CASE(n)                                                                              \
    case n:                                                                                        \
        PCMP_ASM("pcmpistri", n);                                                                  \
        break;

void x86_sse_pcmpstr(int op, const XMMReg *d, const XMMReg *s, int imm, int64_t la, int64_t ld,
                     uint32_t *ecx, XMMReg *xmm0, uint64_t *eflags)
{
    V2 a, b, x0 = {0, 0};
    uint64_t fl, c = 0;

    la = la > 17 ? 17 : la < -17 ? -17 : la;
    ld = ld > 17 ? 17 : ld < -17 ? -17 : ld;
    memcpy(&a, d, 16);
    memcpy(&b, s, 16);
    switch (op & 3) {
    case 0:
        switch (imm & 0xff) {
            R256(ESTRM_CASE)
        }
        break;
    case 1:
        switch (imm & 0xff) {
            R256(ESTRI_CASE)
        }
        break;
    case 2:
        switch (imm & 0xff) {
            R256(ISTRM_CASE)
        }
        break;
    default:
        switch (imm & 0xff) {
            R256(ISTRI_CASE)
        }
        break;
    }
    if (op & 1) {
        *ecx = c;
    } else {
        memcpy(xmm0, &x0, 16);
    }
    *eflags = (*eflags & ~(uint64_t)CC_ARITH) | (fl & CC_ARITH);
}
