/*
 * CPUID (SDM Vol. 2 "CPUID") as QEMU 7.2's qemu64 model answers it under
 * TCG: vendor AuthenticAMD, family 15 model 107 stepping 1, basic leaves up
 * to 0xd, extended leaves up to 0x8000000a, and its feature bits (leaf 1:
 * the Pentium Pro set with MTRR, CLFLUSH, MCA, PSE36, SSE3, CX16 and the
 * hypervisor bit; 0x80000001: LM, SYSCALL, NX and LAHF_LM, SVM, ABM, SSE4A,
 * plus AMD's copies of leaf 1's EDX bits).
 *
 * QEMU 7.2 under TCG drops ABM and SSE4A from qemu64 (it cannot run them), so
 * 0x80000001 ECX is LAHF_LM|SVM: the leaves below are what that QEMU answers
 * (checked by running cpuid under qemu-system-x86_64 -cpu qemu64), including
 * the cache leaves 0x80000005/6, the SVM leaf 0x8000000a and the TCG
 * hypervisor leaf 0x40000000. "Nehalem" is QEMU's model of that name (SSSE3,
 * SSE4.1/4.2, POPCNT). "-cpu MODEL,+feat,-feat" (or feat=on|off) edits the
 * feature bits; XSAVE (+xsave) describes the x87 and SSE components only.
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
#define CPUID_EXT_SSSE3 (1u << 9)
#define CPUID_EXT_CX16 (1u << 13)
#define CPUID_EXT_SSE41 (1u << 19)
#define CPUID_EXT_SSE42 (1u << 20)
#define CPUID_EXT_MOVBE (1u << 22)
#define CPUID_EXT_POPCNT (1u << 23)
#define CPUID_EXT_XSAVE (1u << 26)
#define CPUID_EXT_OSXSAVE (1u << 27)
#define CPUID_EXT_RDRAND (1u << 30)
#define CPUID_EXT_HYPERVISOR (1u << 31)
/* Leaf 0x80000001 EDX and ECX (AMD APM Vol. 3 appendix E). */
#define CPUID_EXT2_SYSCALL (1u << 11)
#define CPUID_EXT2_NX (1u << 20)
#define CPUID_EXT2_RDTSCP (1u << 27)
#define CPUID_EXT2_LM (1u << 29)
#define CPUID_EXT2_AMD_ALIASES 0x0183f3ffu
#define CPUID_EXT3_LAHF_LM (1u << 0)
#define CPUID_EXT3_SVM (1u << 2)
#define CPUID_EXT3_ABM (1u << 5)
#define CPUID_EXT3_SSE4A (1u << 6)

#define CPUID_7_EBX_FSGSBASE (1u << 0)
#define CPUID_7_EBX_RDSEED (1u << 18)
#define CPUID_7_ECX_RDPID (1u << 22)
#define CPUID_XSAVE_XSAVEOPT (1u << 0)

/* The base of both models: QEMU's CPUID_* sets for a P6-class part in long mode. */
static void common_init(X86CPU *cpu)
{
    cpu->cpuid_features = CPUID_FP87 | CPUID_DE | CPUID_PSE | CPUID_TSC | CPUID_MSR | CPUID_MCE |
                          CPUID_CX8 | CPUID_PGE | CPUID_CMOV | CPUID_PAT | CPUID_FXSR | CPUID_MMX |
                          CPUID_SSE | CPUID_SSE2 | CPUID_PAE | CPUID_SEP | CPUID_APIC | CPUID_MTRR |
                          CPUID_CLFLUSH | CPUID_MCA | CPUID_PSE36;
    cpu->cpuid_7_0_ebx = cpu->cpuid_7_0_ecx = cpu->cpuid_xsave_features = 0;
}

void x86_cpu_qemu64_init(X86CPU *cpu)
{
    common_init(cpu);
    cpu->cpuid_level = 0xd;
    cpu->cpuid_xlevel = 0x8000000a;
    /* family 15 (base 0xf), model 107 (ext 6, base 0xb), stepping 1 */
    cpu->cpuid_version = (6 << 16) | (0xf << 8) | (0xb << 4) | 1;
    cpu->cpuid_ext_features = CPUID_EXT_SSE3 | CPUID_EXT_CX16 | CPUID_EXT_HYPERVISOR;
    cpu->cpuid_ext2_features = (cpu->cpuid_features & CPUID_EXT2_AMD_ALIASES) | CPUID_EXT2_LM |
                               CPUID_EXT2_SYSCALL | CPUID_EXT2_NX;
    cpu->cpuid_ext3_features = CPUID_EXT3_LAHF_LM | CPUID_EXT3_SVM;
    snprintf(cpu->vendor, sizeof(cpu->vendor), "AuthenticAMD");
    snprintf(cpu->model_id, sizeof(cpu->model_id), "QEMU Virtual CPU version 2.5+");
    x86_cpu_features_sync(cpu);
}

void x86_cpu_nehalem_init(X86CPU *cpu)
{
    common_init(cpu);
    cpu->cpuid_level = 0xb;
    cpu->cpuid_xlevel = 0x80000008;
    /* family 6, model 26 (ext 1, base 0xa), stepping 3 */
    cpu->cpuid_version = (1 << 16) | (6 << 8) | (0xa << 4) | 3;
    cpu->cpuid_ext_features = CPUID_EXT_SSE3 | CPUID_EXT_SSSE3 | CPUID_EXT_CX16 | CPUID_EXT_SSE41 |
                              CPUID_EXT_SSE42 | CPUID_EXT_POPCNT | CPUID_EXT_HYPERVISOR;
    cpu->cpuid_ext2_features = CPUID_EXT2_LM | CPUID_EXT2_SYSCALL | CPUID_EXT2_NX;
    cpu->cpuid_ext3_features = CPUID_EXT3_LAHF_LM;
    snprintf(cpu->vendor, sizeof(cpu->vendor), "GenuineIntel");
    snprintf(cpu->model_id, sizeof(cpu->model_id), "Intel Core i7 9xx (Nehalem Class Core i7)");
    x86_cpu_features_sync(cpu);
}

/* ---- +feat/-feat: one bool property per feature bit ---- */

enum { W_1_EDX, W_1_ECX, W_7_EBX, W_7_ECX, W_X1_EDX, W_X1_ECX, W_XSAVE };

static const struct {
    const char *name;
    uint8_t word;
    uint32_t bit;
} features[X86_NB_FEATURES] = {
    {"fpu", W_1_EDX, CPUID_FP87},
    {"mmx", W_1_EDX, CPUID_MMX},
    {"fxsr", W_1_EDX, CPUID_FXSR},
    {"sse", W_1_EDX, CPUID_SSE},
    {"sse2", W_1_EDX, CPUID_SSE2},
    {"sse3", W_1_ECX, CPUID_EXT_SSE3},
    {"pni", W_1_ECX, CPUID_EXT_SSE3},
    {"ssse3", W_1_ECX, CPUID_EXT_SSSE3},
    {"cx16", W_1_ECX, CPUID_EXT_CX16},
    {"sse4.1", W_1_ECX, CPUID_EXT_SSE41},
    {"sse4_1", W_1_ECX, CPUID_EXT_SSE41},
    {"sse4.2", W_1_ECX, CPUID_EXT_SSE42},
    {"sse4_2", W_1_ECX, CPUID_EXT_SSE42},
    {"movbe", W_1_ECX, CPUID_EXT_MOVBE},
    {"popcnt", W_1_ECX, CPUID_EXT_POPCNT},
    {"xsave", W_1_ECX, CPUID_EXT_XSAVE},
    {"rdrand", W_1_ECX, CPUID_EXT_RDRAND},
    {"hypervisor", W_1_ECX, CPUID_EXT_HYPERVISOR},
    {"fsgsbase", W_7_EBX, CPUID_7_EBX_FSGSBASE},
    {"rdseed", W_7_EBX, CPUID_7_EBX_RDSEED},
    {"rdpid", W_7_ECX, CPUID_7_ECX_RDPID},
    {"rdtscp", W_X1_EDX, CPUID_EXT2_RDTSCP},
    {"lahf_lm", W_X1_ECX, CPUID_EXT3_LAHF_LM},
    {"abm", W_X1_ECX, CPUID_EXT3_ABM},
    {"xsaveopt", W_XSAVE, CPUID_XSAVE_XSAVEOPT},
};

static uint32_t *feature_word(X86CPU *cpu, int w)
{
    switch (w) {
    case W_1_EDX:
        return &cpu->cpuid_features;
    case W_1_ECX:
        return &cpu->cpuid_ext_features;
    case W_7_EBX:
        return &cpu->cpuid_7_0_ebx;
    case W_7_ECX:
        return &cpu->cpuid_7_0_ecx;
    case W_X1_EDX:
        return &cpu->cpuid_ext2_features;
    case W_X1_ECX:
        return &cpu->cpuid_ext3_features;
    default:
        return &cpu->cpuid_xsave_features;
    }
}

void x86_cpu_features_sync(X86CPU *cpu)
{
    for (int i = 0; i < X86_NB_FEATURES; i++) {
        cpu->feat[i] = *feature_word(cpu, features[i].word) & features[i].bit;
        cpu->feat_prev[i] = cpu->feat[i];
    }
}

/* A feature property was written: its bit follows (found against the previous values). */
static bool feature_check(Object *obj, Error **errp)
{
    X86CPU *cpu = X86_CPU(obj);

    for (int i = 0; i < X86_NB_FEATURES; i++) {
        uint32_t *w = feature_word(cpu, features[i].word);
        if (cpu->feat[i] != cpu->feat_prev[i]) {
            *w = cpu->feat[i] ? *w | features[i].bit : *w & ~features[i].bit;
        }
    }
    x86_cpu_features_sync(cpu); /* aliases (sse4.2/sse4_2) agree again */
    return true;
}

#define FEAT_PROP(i) DEFINE_PROP("", PROP_BOOL, X86CPU, feat[i], .check = feature_check)

static Property feature_props[X86_NB_FEATURES + 1];

void x86_cpu_add_feature_props(ObjectClass *oc)
{
    for (int i = 0; i < X86_NB_FEATURES; i++) {
        Property p = FEAT_PROP(0);
        p.name = features[i].name;
        p.offset += i * sizeof(bool);
        p.description = "CPUID feature (-cpu MODEL,+name / -name)";
        feature_props[i] = p;
    }
    object_class_add_props(oc, feature_props);
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

/* Leaf 0xd: the x87 and SSE components (legacy area 512 + header 64 = 576 bytes). */
static void xsave_leaf(X86CPU *cpu, uint32_t subleaf, uint32_t out[4])
{
    if (!(cpu->cpuid_ext_features & CPUID_EXT_XSAVE)) {
        return;
    }
    if (subleaf == 0) {
        out[0] = XCR0_X87 | XCR0_SSE;
        out[1] = 576; /* for the XCR0 now set: no component beyond the legacy area */
        out[2] = 576;
    } else if (subleaf == 1) {
        out[0] = cpu->cpuid_xsave_features;
        out[1] = 576; /* XCR0 | IA32_XSS components: the same two */
    }
}

/* Intel's deterministic cache leaves as QEMU gives Nehalem (2, and 4 subleaf 0). */
static void intel_cache_leaf(uint32_t leaf, uint32_t out[4])
{
    if (leaf == 2) {
        out[0] = 1;
        out[2] = 0x4d;
        out[3] = 0x2c307d;
    } else {
        out[0] = 0x121;
        out[1] = 0x1c0003f;
        out[2] = 0x3f;
        out[3] = 1;
    }
}

static void basic_leaf(X86CPU *cpu, uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
    bool intel = cpu->vendor[0] == 'G';

    switch (leaf) {
    case 0:
        out[0] = cpu->cpuid_level;
        vendor_regs(cpu, out);
        break;
    case 1:
        out[0] = cpu->cpuid_version;
        out[1] = (cpu->apic_id << 24) | (8 << 8); /* CLFLUSH line size: 8 quadwords */
        out[2] = cpu->cpuid_ext_features;
        if ((cpu->cpuid_ext_features & CPUID_EXT_XSAVE) && (cpu->env.cr[4] & CR4_OSXSAVE)) {
            out[2] |= CPUID_EXT_OSXSAVE;
        }
        out[3] = cpu->cpuid_features;
        break;
    case 2:
    case 4:
        if (intel && subleaf == 0) {
            intel_cache_leaf(leaf, out);
        }
        break;
    case 5:
        out[2] = 3; /* MONITOR leaf: extensions enumerated, interrupts break mwait */
        break;
    case 7:
        if (subleaf == 0) {
            out[1] = cpu->cpuid_7_0_ebx;
            out[2] = cpu->cpuid_7_0_ecx;
        }
        break;
    case 0xb: /* topology: one thread (level 0, SMT) in one core (level 1) */
        out[1] = subleaf <= 1 ? 1 : 0;
        out[2] = subleaf == 0 ? 0x100 : subleaf == 1 ? 0x201 : subleaf & 0xff;
        out[3] = cpu->apic_id;
        break;
    case 0xd:
        xsave_leaf(cpu, subleaf, out);
        break;
    default:
        break;
    }
}

static void extended_leaf(X86CPU *cpu, uint32_t leaf, uint32_t out[4])
{
    switch (leaf) {
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
    case 0x80000005: /* L1 caches and TLBs, QEMU's fixed AMD-format answer */
        out[0] = out[1] = 0x01ff01ff;
        out[2] = out[3] = 0x40020140;
        break;
    case 0x80000006:
        out[1] = 0x42004200;
        out[2] = 0x02008140;
        out[3] = 0x00808140;
        break;
    case 0x80000008:
        out[0] = 0x3028; /* 48 virtual, 40 physical address bits */
        break;
    case 0x8000000a:
        if (cpu->cpuid_ext3_features & CPUID_EXT3_SVM) {
            out[0] = 1;    /* SVM revision */
            out[1] = 0x10; /* ASIDs */
        }
        break;
    default:
        break;
    }
}

void x86_cpuid(X86CPU *cpu, uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
    memset(out, 0, 4 * sizeof(uint32_t));
    if (leaf == 0x40000000) { /* the hypervisor leaf, as QEMU's TCG: "TCGTCGTCGTCG" */
        out[0] = 0x40000001;
        out[1] = str_reg("TCGTCGTCGTCG", 0);
        out[2] = str_reg("TCGTCGTCGTCG", 4);
        out[3] = str_reg("TCGTCGTCGTCG", 8);
        return;
    }
    if (leaf >= 0x40000000 && leaf < 0x80000000) {
        return;
    }
    if (leaf >= 0x80000000 ? leaf > cpu->cpuid_xlevel : leaf > cpu->cpuid_level) {
        /* Past the last leaf: the highest basic leaf's answer, as Intel documents. */
        leaf = cpu->cpuid_level;
    }
    if (leaf >= 0x80000000) {
        extended_leaf(cpu, leaf, out);
    } else {
        basic_leaf(cpu, leaf, subleaf, out);
    }
}
