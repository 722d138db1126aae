/*
 * CPUID (SDM Vol. 2 "CPUID") as QEMU 7.2's qemu64 model answers it under
 * TCG: vendor AuthenticAMD, family 15 model 107 stepping 1, basic leaves up
 * to 0xd, extended leaves up to 0x8000000a, and its feature bits (leaf 1:
 * the Pentium Pro set with MTRR, CLFLUSH, MCA, PSE36, SSE3, CX16 and the
 * hypervisor bit; 0x80000001: LM, SYSCALL, NX and LAHF_LM, SVM, ABM, SSE4A,
 * plus AMD's copies of leaf 1's EDX bits).
 *
 * The interpreter does not execute everything these bits promise yet (x87,
 * MMX and SSE arithmetic, SVM, ABM, SSE4A): they describe the model, which
 * is what firmware and kernels compare with QEMU.
 */
#include "target/i386/cpu.h"

/* Leaf 1 EDX bits (SDM Vol. 2 table 3-11). */
#define CPUID_FP87 (1u << 0)
#define CPUID_DE (1u << 2)
#define CPUID_PSE (1u << 3)
#define CPUID_TSC (1u << 4)
#define CPUID_MSR (1u << 5)
#define CPUID_PAE (1u << 6)
#define CPUID_MCE (1u << 7)
#define CPUID_CX8 (1u << 8)
#define CPUID_APIC (1u << 9)
#define CPUID_SEP (1u << 11)
#define CPUID_MTRR (1u << 12)
#define CPUID_PGE (1u << 13)
#define CPUID_MCA (1u << 14)
#define CPUID_CMOV (1u << 15)
#define CPUID_PAT (1u << 16)
#define CPUID_PSE36 (1u << 17)
#define CPUID_CLFLUSH (1u << 19)
#define CPUID_MMX (1u << 23)
#define CPUID_FXSR (1u << 24)
#define CPUID_SSE (1u << 25)
#define CPUID_SSE2 (1u << 26)
/* Leaf 1 ECX. */
#define CPUID_EXT_SSE3 (1u << 0)
#define CPUID_EXT_CX16 (1u << 13)
#define CPUID_EXT_HYPERVISOR (1u << 31)
/* Leaf 0x80000001 EDX and ECX (AMD APM Vol. 3 appendix E). */
#define CPUID_EXT2_SYSCALL (1u << 11)
#define CPUID_EXT2_NX (1u << 20)
#define CPUID_EXT2_LM (1u << 29)
#define CPUID_EXT2_AMD_ALIASES 0x0183f3ffu
#define CPUID_EXT3_LAHF_LM (1u << 0)
#define CPUID_EXT3_SVM (1u << 2)
#define CPUID_EXT3_ABM (1u << 5)
#define CPUID_EXT3_SSE4A (1u << 6)

void x86_cpu_qemu64_init(X86CPU *cpu)
{
    cpu->cpuid_level = 0xd;
    cpu->cpuid_xlevel = 0x8000000a;
    /* family 15 (base 0xf), model 107 (ext 6, base 0xb), stepping 1 */
    cpu->cpuid_version = (6 << 16) | (0xf << 8) | (0xb << 4) | 1;
    cpu->cpuid_features = CPUID_FP87 | CPUID_DE | CPUID_PSE | CPUID_TSC | CPUID_MSR | CPUID_MCE |
                          CPUID_CX8 | CPUID_PGE | CPUID_CMOV | CPUID_PAT | CPUID_FXSR | CPUID_MMX |
                          CPUID_SSE | CPUID_SSE2 | CPUID_PAE | CPUID_SEP | CPUID_APIC | CPUID_MTRR |
                          CPUID_CLFLUSH | CPUID_MCA | CPUID_PSE36;
    cpu->cpuid_ext_features = CPUID_EXT_SSE3 | CPUID_EXT_CX16 | CPUID_EXT_HYPERVISOR;
    cpu->cpuid_ext2_features = (cpu->cpuid_features & CPUID_EXT2_AMD_ALIASES) | CPUID_EXT2_LM |
                               CPUID_EXT2_SYSCALL | CPUID_EXT2_NX;
    cpu->cpuid_ext3_features =
        CPUID_EXT3_LAHF_LM | CPUID_EXT3_SVM | CPUID_EXT3_ABM | CPUID_EXT3_SSE4A;
    snprintf(cpu->vendor, sizeof(cpu->vendor), "AuthenticAMD");
    snprintf(cpu->model_id, sizeof(cpu->model_id), "QEMU Virtual CPU version 2.5+");
}

/* Four bytes of a string as a little-endian register. */
static uint32_t str_reg(const char *s, int i)
{
    uint32_t v = 0;

    for (int k = 0; k < 4; k++) {
        v |= (uint32_t)(uint8_t)s[i + k] << (8 * k);
    }
    return v;
}

static void vendor_regs(X86CPU *cpu, uint32_t out[4])
{
    out[1] = str_reg(cpu->vendor, 0); /* "Auth" */
    out[3] = str_reg(cpu->vendor, 4); /* "enti" */
    out[2] = str_reg(cpu->vendor, 8); /* "cAMD" */
}

void x86_cpuid(X86CPU *cpu, uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
    memset(out, 0, 4 * sizeof(uint32_t));
    if (leaf >= 0x80000000 ? leaf > cpu->cpuid_xlevel : leaf > cpu->cpuid_level) {
        /* Past the last leaf: the highest basic leaf's answer, as Intel documents. */
        leaf = cpu->cpuid_level;
    }
    switch (leaf) {
    case 0:
        out[0] = cpu->cpuid_level;
        vendor_regs(cpu, out);
        break;
    case 1:
        out[0] = cpu->cpuid_version;
        out[1] = (cpu->apic_id << 24) | (8 << 8); /* CLFLUSH line size: 8 quadwords */
        out[2] = cpu->cpuid_ext_features;
        out[3] = cpu->cpuid_features;
        break;
    case 0x80000000:
        out[0] = cpu->cpuid_xlevel;
        vendor_regs(cpu, out);
        break;
    case 0x80000001:
        out[0] = cpu->cpuid_version;
        out[2] = cpu->cpuid_ext3_features;
        out[3] = cpu->cpuid_ext2_features;
        break;
    case 0x80000002:
    case 0x80000003:
    case 0x80000004:
        for (int r = 0; r < 4; r++) {
            out[r] = str_reg(cpu->model_id, (leaf - 0x80000002) * 16 + 4 * r);
        }
        break;
    case 0x80000008:
        out[0] = 0x3028; /* 48 virtual, 40 physical address bits */
        break;
    default:
        break;
    }
}
