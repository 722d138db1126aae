/*
 * x86 control registers, MSRs and the TSC.
 *
 * CR0/CR4/EFER decide the mode: setting CR0.PG with EFER.LME (and CR4.PAE)
 * activates long mode (EFER.LMA); clearing PG leaves it. Reserved-bit writes
 * and inconsistent combinations raise #GP(0) as SDM Vol. 3A 2.5 and 9.8.5
 * list them. The TSC counts nanoseconds of the virtual clock (a 1 GHz TSC).
 *
 * MSRs: those of SDM Vol. 4 the firmware and a kernel touch (below). An
 * unknown one reads as 0 and ignores writes, as QEMU 7.2's TCG CPUs do (qemu64
 * and max alike: SPEC_CTRL reads 0 there too), logged under -d unimp.
 * IA32_TSC_ADJUST follows the TSC: a write of one moves the other by as much.
 */
#include <inttypes.h>

#include "exec-internal.h"

#include "util/log.h"
#include "util/main-loop.h"
#include "util/timer.h"

#define CR0_WRITABLE                                                                               \
    (CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_NW | CR0_CD |     \
     CR0_PG)
/* VME PVI TSD DE PSE PAE MCE PGE PCE OSFXSR OSXMMEXCPT UMIP FSGSBASE PCIDE OSXSAVE SMEP SMAP */
#define CR4_WRITABLE 0x371fffULL /* OSFXSR and OSXMMEXCPT (bits 9, 10) included */

static int write_cr0(CPUX86State *env, uint64_t val)
{
    val |= CR0_ET; /* hardwired on every processor since the 486 */
    if ((val >> 32) || (val & ~(uint64_t)CR0_WRITABLE) || ((val & CR0_PG) && !(val & CR0_PE)) ||
        ((val & CR0_NW) && !(val & CR0_CD))) {
        return x86_gp0(env);
    }
    if ((val & CR0_PG) && !(env->cr[0] & CR0_PG) && (env->efer & EFER_LME)) {
        if (!(env->cr[4] & CR4_PAE)) {
            return x86_gp0(env);
        }
        env->efer |= EFER_LMA;
    } else if (!(val & CR0_PG) && (env->cr[0] & CR0_PG) && x86_long_mode(env)) {
        if (x86_code64(env)) {
            return x86_gp0(env); /* paging can only be left from compatibility mode */
        }
        env->efer &= ~(uint64_t)EFER_LMA;
    }
    env->cr[0] = val;
    return X86_EXCP_NONE;
}

static int write_cr4(CPUX86State *env, uint64_t val)
{
    uint64_t old = env->cr[4];

    if ((val & ~CR4_WRITABLE) || (x86_long_mode(env) && !(val & CR4_PAE)) ||
        (x86_long_mode(env) && ((old ^ val) & CR4_LA57))) {
        return x86_gp0(env);
    }
    /* PCIDE: only in long mode, and only with PCID 0 current when it is turned on. */
    if ((val & CR4_PCIDE) && !(old & CR4_PCIDE) &&
        (!x86_long_mode(env) || (env->cr[3] & CR3_PCID_MASK))) {
        return x86_gp0(env);
    }
    env->cr[4] = val;
    return X86_EXCP_NONE;
}

int x86_write_cr(CPUX86State *env, int n, uint64_t val)
{
    uint64_t old = env->cr[n & 7];
    int excp;

    switch (n) {
    case 0:
    case 4:
        excp = n == 0 ? write_cr0(env, val) : write_cr4(env, val);
        if (excp == X86_EXCP_NONE) {
            x86_tlb_cr_written(x86_env_cpu(env), n, old, env->cr[n]);
        }
        return excp;
    case 2:
        env->cr[2] = val;
        return X86_EXCP_NONE;
    case 3:
        /* Bit 63 (with PCIDE: keep the PCID's entries) is not part of the register. */
        if (env->cr[4] & CR4_PCIDE) {
            val &= ~CR3_NOFLUSH;
        }
        if (x86_long_mode(env) && (val >> 52)) {
            return x86_gp0(env);
        }
        env->cr[3] = val;
        x86_tlb_cr_written(x86_env_cpu(env), 3, old, val);
        return X86_EXCP_NONE;
    default: /* 8: the task priority (no local APIC yet: kept) */
        if (val >> 4) {
            return x86_gp0(env);
        }
        x86_set_cr8(env, val);
        return X86_EXCP_NONE;
    }
}

uint64_t x86_rdtsc(CPUX86State *env)
{
    return (uint64_t)clock_get_ns(CLOCK_VIRTUAL) + env->tsc_offset;
}

/* The MTRRs (SDM Vol. 3A 11.11): kept for the guest to read back; memory types have no
 * effect on an emulator. */
static uint64_t *mtrr_field(CPUX86State *env, uint32_t msr)
{
    if (msr >= MSR_MTRRphysBase0 && msr < MSR_MTRRphysBase0 + 2 * X86_MTRR_VCNT) {
        return &env->mtrr_var[msr - MSR_MTRRphysBase0];
    }
    if (msr >= MSR_MTRRfix4K_C0000 && msr < MSR_MTRRfix4K_C0000 + 8) {
        return &env->mtrr_fixed[3 + msr - MSR_MTRRfix4K_C0000];
    }
    switch (msr) {
    case MSR_MTRRfix64K_00000:
        return &env->mtrr_fixed[0];
    case MSR_MTRRfix16K_80000:
        return &env->mtrr_fixed[1];
    case MSR_MTRRfix16K_A0000:
        return &env->mtrr_fixed[2];
    case MSR_MTRRdefType:
        return &env->mtrr_deftype;
    default:
        return NULL;
    }
}

/* The plain MSRs: a table from number to field. */
uint64_t *x86_msr_field(CPUX86State *env, uint32_t msr)
{
    uint64_t *mtrr = mtrr_field(env, msr);

    if (mtrr) {
        return mtrr;
    }
    switch (msr) {
    case MSR_IA32_SYSENTER_CS:
        return &env->sysenter_cs;
    case MSR_IA32_SYSENTER_ESP:
        return &env->sysenter_esp;
    case MSR_IA32_SYSENTER_EIP:
        return &env->sysenter_eip;
    case MSR_IA32_MISC_ENABLE:
        return &env->misc_enable;
    case MSR_IA32_PAT:
        return &env->pat;
    case MSR_STAR:
        return &env->star;
    case MSR_LSTAR:
        return &env->lstar;
    case MSR_CSTAR:
        return &env->cstar;
    case MSR_FMASK:
        return &env->fmask;
    case MSR_FSBASE:
        return &env->segs[R_FS].base;
    case MSR_GSBASE:
        return &env->segs[R_GS].base;
    case MSR_KERNELGSBASE:
        return &env->kernelgsbase;
    case MSR_TSC_AUX:
        return &env->tsc_aux;
    case MSR_IA32_APICBASE:
        return &env->apic_base;
    default:
        return NULL;
    }
}

int x86_rdmsr(CPUX86State *env, uint32_t msr, uint64_t *val)
{
    uint64_t *field = x86_msr_field(env, msr);
    X86CPU *cpu = x86_env_cpu(env);

    if (cpu->apic_hooks && x86_msr_is_apic(msr)) {
        BQL_LOCK_GUARD();
        bool ok = cpu->apic_hooks->msr_read(cpu->apic_opaque, msr, val);
        return ok ? X86_EXCP_NONE : x86_gp0(env);
    }
    if (msr == MSR_IA32_TSC) {
        *val = x86_rdtsc(env);
    } else if (msr == MSR_IA32_TSC_ADJUST) {
        *val = env->tsc_adjust;
    } else if (msr == MSR_MTRRcap) {
        *val = X86_MTRR_VCNT | 0x100 | 0x400; /* fixed ranges and write-combining supported */
    } else if (msr == MSR_EFER) {
        *val = env->efer;
    } else if (field) {
        *val = *field;
    } else {
        log_mask(LOG_UNIMP, "x86: rdmsr 0x%x not implemented (reads 0)\n", msr);
        *val = 0;
    }
    return X86_EXCP_NONE;
}

int x86_wrmsr(CPUX86State *env, uint32_t msr, uint64_t val)
{
    uint64_t *field = x86_msr_field(env, msr);
    X86CPU *cpu = x86_env_cpu(env);

    if (cpu->apic_hooks && x86_msr_is_apic(msr)) {
        BQL_LOCK_GUARD();
        bool ok = cpu->apic_hooks->msr_write(cpu->apic_opaque, msr, val);
        if (!ok) {
            return x86_gp0(env);
        }
        if (msr == MSR_IA32_APICBASE) {
            env->apic_base = val; /* kept for INIT, which leaves it alone */
        }
        return X86_EXCP_NONE;
    }
    if (msr == MSR_IA32_TSC) {
        uint64_t old = x86_rdtsc(env);
        env->tsc_offset = val - (uint64_t)clock_get_ns(CLOCK_VIRTUAL);
        env->tsc_adjust += val - old;
    } else if (msr == MSR_IA32_TSC_ADJUST) {
        env->tsc_offset += val - env->tsc_adjust;
        env->tsc_adjust = val;
    } else if (msr == MSR_EFER) {
        uint64_t writable = EFER_SCE | EFER_LME | EFER_NXE;
        if (val & ~(writable | EFER_LMA)) {
            return x86_gp0(env);
        }
        uint64_t old = env->efer;
        env->efer = (env->efer & EFER_LMA) | (val & writable);
        if ((old ^ env->efer) & EFER_NXE) {
            x86_tlb_flush_all(x86_env_cpu(env)); /* what the XD bit means changed */
        }
    } else if (field) {
        *field = val;
    } else {
        log_mask(LOG_UNIMP, "x86: wrmsr 0x%x = 0x%" PRIx64 " not implemented (ignored)\n", msr,
                 val);
    }
    return X86_EXCP_NONE;
}
