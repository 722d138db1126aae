/*
 * The x86-64 hart (QEMU's target/i386): architectural state, the abstract
 * TYPE_X86_CPU and its models ("-cpu qemu64" is the type "qemu64-x86_64-cpu"),
 * and the contract between the interpreter (exec*.c, decode.c) and the system
 * architecture (seg_helper.c, cpuid.c, misc_helper.c).
 *
 * Error contract: an instruction that faults returns its exception vector
 * (X86_EXCP_*, with env->error_code set for those that push one) by return
 * value, never longjmp; the run loop then delivers it with rip still at the
 * faulting instruction. X86_EXCP_NONE (-1) means the instruction completed.
 *
 * Threads: env is touched only by the hart's own thread, except
 * interrupt_request (the INTR line), which the board's interrupt controller
 * sets from the main loop (atomic) and which the hart reads between
 * instructions.
 *
 * Spec: Intel 64 and IA-32 Architectures Software Developer's Manual (SDM),
 * Vol. 3A 9.1.1 (processor state after reset), 3.4 (segment descriptors), 6
 * (interrupts and exceptions), 2.5 (control registers).
 */
#ifndef TARGET_I386_CPU_H
#define TARGET_I386_CPU_H

#include <stdatomic.h>

#include "accel/tcg/cpu-tlb.h"
#include "common.h"
#include "hw/core/cpu.h"
#include "system/memory.h"

#define TYPE_X86_CPU "x86_64-cpu"
#define X86_CPU_TYPE_SUFFIX "-" TYPE_X86_CPU
#define X86_CPU_TYPE_NAME(name) (name X86_CPU_TYPE_SUFFIX)

/* General registers, in encoding order (ModRM reg/rm, +r opcodes; REX adds 8). */
enum { R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI, X86_NB_REGS = 16 };
/* Segment registers, in encoding order (sreg field of mov Sw). */
enum { R_ES, R_CS, R_SS, R_DS, R_FS, R_GS, X86_NB_SEGS };

/* EFLAGS (SDM Vol. 1 3.4.3). */
#define CC_C 0x0001
#define CC_P 0x0004
#define CC_A 0x0010
#define CC_Z 0x0040
#define CC_S 0x0080
#define CC_O 0x0800
#define CC_ARITH (CC_C | CC_P | CC_A | CC_Z | CC_S | CC_O)
#define TF_MASK 0x00000100
#define IF_MASK 0x00000200
#define DF_MASK 0x00000400
#define IOPL_MASK 0x00003000
#define NT_MASK 0x00004000
#define RF_MASK 0x00010000
#define VM_MASK 0x00020000
#define AC_MASK 0x00040000
#define VIF_MASK 0x00080000
#define VIP_MASK 0x00100000
#define ID_MASK 0x00200000
#define EFLAGS_FIXED 0x00000002 /* bit 1 always reads 1 */
#define DR6_BS 0x4000           /* single step */
#define CR4_DE 0x00000008

/* Control registers (SDM Vol. 3A 2.5). */
#define CR0_PE 0x00000001
#define CR0_MP 0x00000002
#define CR0_EM 0x00000004
#define CR0_TS 0x00000008
#define CR0_ET 0x00000010
#define CR0_NE 0x00000020
#define CR0_WP 0x00010000
#define CR0_AM 0x00040000
#define CR0_NW 0x20000000
#define CR0_CD 0x40000000
#define CR0_PG 0x80000000
#define CR4_PSE 0x00000010
#define CR4_PAE 0x00000020
#define CR4_PGE 0x00000080
#define CR4_LA57 0x00001000
#define CR4_FSGSBASE 0x00010000
#define CR4_PCIDE 0x00020000
#define CR4_SMEP 0x00100000
#define CR4_SMAP 0x00200000
/* CR3 with CR4.PCIDE: the PCID field, and bit 63 of a mov to CR3 (keep that PCID's TLB). */
#define CR3_PCID_MASK 0xfffULL
#define CR3_NOFLUSH (1ULL << 63)
#define EFER_SCE 0x001
#define EFER_LME 0x100
#define EFER_LMA 0x400
#define EFER_NXE 0x800

/* The cached descriptor's flags: bits 8..23 of its high dword, where the SDM puts them. */
#define DESC_TYPE_SHIFT 8
#define DESC_A_MASK (1 << 8)
#define DESC_W_MASK (1 << 9)   /* data: writable; code: readable */
#define DESC_C_MASK (1 << 10)  /* code: conforming */
#define DESC_CS_MASK (1 << 11) /* code (with DESC_S_MASK) */
#define DESC_S_MASK (1 << 12)  /* code or data, not system */
#define DESC_DPL_SHIFT 13
#define DESC_P_MASK (1 << 15)
#define DESC_L_MASK (1 << 21) /* 64-bit code */
#define DESC_B_MASK (1 << 22) /* 32-bit default operand size / stack */
#define DESC_G_MASK (1 << 23)

/* Exception vectors (SDM Vol. 3A table 6-1). */
#define X86_EXCP_NONE (-1)
enum {
    EXCP00_DIVZ = 0,
    EXCP01_DB = 1,
    EXCP02_NMI = 2,
    EXCP03_INT3 = 3,
    EXCP04_INTO = 4,
    EXCP05_BOUND = 5,
    EXCP06_ILLOP = 6,
    EXCP07_PREX = 7,
    EXCP08_DBLE = 8,
    EXCP0A_TSS = 10,
    EXCP0B_NOSEG = 11,
    EXCP0C_STACK = 12,
    EXCP0D_GPF = 13,
    EXCP0E_PAGE = 14,
    EXCP10_COPR = 16,
    EXCP11_ALGN = 17,
    EXCP12_MCHK = 18,
    EXCP13_XMM = 19,
};

/*
 * Not exceptions, internal results of an access: X86_EXCP_BUS, nothing (or a device that
 * refused) at the physical address, which a PC answers with all-ones and no fault (the
 * access helpers turn it into that); X86_EXCP_RETRY, a locked read-modify-write lost a race
 * with another CPU: the run loop runs the instruction again.
 */
#define X86_EXCP_BUS 257
#define X86_EXCP_RETRY 258

/*
 * The TLB contexts (mmu_idx, tlb.c): each caches rights valid for every access made in it.
 * KSMAP: supervisor with SMAP enforced (CR4.SMAP, EFLAGS.AC clear); KERNEL: supervisor
 * without it; PHYS: paging off.
 */
enum { X86_MMU_USER, X86_MMU_KSMAP, X86_MMU_KERNEL, X86_MMU_PHYS, X86_MMU_COUNT };
/*
 * Instruction fetches of context idx go through a table of their own, X86_MMU_CODE(idx),
 * with the same rights: in one direct-mapped table a kernel's data pages kept evicting its
 * code pages, and every block exit into an evicted page left JIT code for the run loop (the
 * inline lookup checks the code entry). Census of the x86boot boot: 900 k of the run loop's
 * 1.57 M slow lookups were such a miss, 348 k after. scripts/bench x86boot, CPU seconds to
 * "Linux version" / the init marker, medians of 3 runs alternately (load 7-11): 4.46 / 8.97
 * before, 3.90 / 8.00 after.
 */
#define X86_MMU_CODE(idx) (X86_MMU_COUNT + (idx))
/* The context whose rights a table's entries carry. */
#define X86_MMU_CONTEXT(mmu_idx) ((mmu_idx) % X86_MMU_COUNT)

/* MSRs the hart keeps (SDM Vol. 4). */
#define MSR_IA32_TSC 0x10
#define MSR_IA32_APICBASE 0x1b
#define MSR_IA32_APICBASE_BSP (1 << 8)
#define MSR_IA32_APICBASE_EXTD (1 << 10) /* x2APIC mode */
#define MSR_IA32_APICBASE_ENABLE (1 << 11)
#define MSR_IA32_TSC_DEADLINE 0x6e0
#define MSR_X2APIC_FIRST 0x800
#define MSR_X2APIC_LAST 0x8ff
#define MSR_IA32_TSC_ADJUST 0x3b
#define MISC_ENABLE_FAST_STRING 1
#define MSR_IA32_SYSENTER_CS 0x174
#define MSR_IA32_SYSENTER_ESP 0x175
#define MSR_IA32_SYSENTER_EIP 0x176
#define MSR_IA32_MISC_ENABLE 0x1a0
#define MSR_IA32_PAT 0x277
#define MSR_MTRRcap 0xfe
#define MSR_MTRRphysBase0 0x200
#define MSR_MTRRfix64K_00000 0x250
#define MSR_MTRRfix16K_80000 0x258
#define MSR_MTRRfix16K_A0000 0x259
#define MSR_MTRRfix4K_C0000 0x268 /* .. 0x26f */
#define MSR_MTRRdefType 0x2ff
#define X86_MTRR_VCNT 8 /* variable ranges, as QEMU's */
#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_FMASK 0xc0000084
#define MSR_FSBASE 0xc0000100
#define MSR_GSBASE 0xc0000101
#define MSR_KERNELGSBASE 0xc0000102
#define MSR_TSC_AUX 0xc0000103

/* An x87 register: the 80-bit extended format, which is the host's long double (x86-64). */
typedef union X87Reg {
    long double d;
    struct {
        uint64_t mant; /* also the MMX register */
        uint16_t exp;  /* sign and exponent */
    };
    uint8_t b[16];
} X87Reg;

/* An XMM register, little-endian lanes. */
typedef union XMMReg {
    uint8_t b[16];
    uint16_t w[8];
    uint32_t l[4];
    uint64_t q[2];
    int8_t sb[16];
    int16_t sw[8];
    int32_t sl[4];
    int64_t sq[2];
} XMMReg;

/* FSW (SDM Vol. 1 8.1.3) and FCW bits. */
#define FSW_IE 0x0001
#define FSW_DE 0x0002
#define FSW_ZE 0x0004
#define FSW_OE 0x0008
#define FSW_UE 0x0010
#define FSW_PE 0x0020
#define FSW_SF 0x0040
#define FSW_ES 0x0080
#define FSW_C0 0x0100
#define FSW_C1 0x0200
#define FSW_C2 0x0400
#define FSW_TOP_SHIFT 11
#define FSW_C3 0x4000
#define FSW_B 0x8000
#define FSW_CC (FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3)
#define FCW_EXC_MASK 0x003f
/* MXCSR (SDM Vol. 1 10.2.3): bits 0-15 defined (DAZ included). */
#define MXCSR_MASK 0x0000ffff
#define MXCSR_EXC_MASK_SHIFT 7
#ifndef CR4_OSFXSR /* x86sys may define these next to the other CR4 bits */
#define CR4_OSFXSR 0x00000200
#define CR4_OSXMMEXCPT 0x00000400
#define CR4_FSGSBASE 0x00010000
#define CR4_OSXSAVE 0x00040000
#endif
#define XCR0_X87 1
#define XCR0_SSE 2

typedef struct SegmentCache {
    uint16_t selector;
    uint64_t base;
    uint32_t limit; /* in bytes, granularity applied */
    uint32_t flags; /* DESC_* */
} SegmentCache;

/*
 * The operation that last set the arithmetic flags (cc_helper.c). X86_CC_EFLAGS: they are
 * the bits in CPUX86State.eflags; otherwise computed from res, a, b at size bytes.
 */
typedef enum X86CCOp {
    X86_CC_EFLAGS = 0,
    X86_CC_ADD,   /* res = a + b */
    X86_CC_ADC1,  /* res = a + b + 1 (adc with CF set) */
    X86_CC_SUB,   /* res = a - b (sub, cmp, neg with a = 0) */
    X86_CC_SBB1,  /* res = a - b - 1 (sbb with CF set) */
    X86_CC_LOGIC, /* and, or, xor, test: CF = OF = 0 */
    X86_CC_INC,   /* res = a + 1; b is the CF kept (0 or CC_C) */
    X86_CC_DEC,   /* res = a - 1; b as for inc */
    X86_CC_SHL,   /* res = a << b (b: 1..63) */
    X86_CC_SHR,   /* res = a >> b, logical */
    X86_CC_SAR,   /* res = a >> b, arithmetic */
} X86CCOp;

typedef struct X86LazyFlags {
    uint64_t res, a, b;
    uint8_t op;   /* X86CCOp */
    uint8_t size; /* 1, 2, 4, 8 */
} X86LazyFlags;

typedef struct CPUX86State {
    /* hot: every instruction */
    uint64_t regs[X86_NB_REGS];
    uint64_t rip;
    /*
     * EFLAGS. Its arithmetic bits (CC_ARITH) are lazy: an ALU operation records its kind,
     * operands and result in cc (cc_helper.c) and they are computed only when read. Read and
     * write the whole register through x86_get_eflags/x86_set_eflags, the arithmetic bits
     * through x86_set_cc; the other bits (IF, TF, DF, IOPL, VM, AC, ...) are always exact in
     * eflags and may be used directly.
     */
    uint64_t eflags;
    X86LazyFlags cc;
    SegmentCache segs[X86_NB_SEGS];
    int error_code;  /* of the exception an instruction returned */
    bool irq_shadow; /* after sti or a load of SS: no interrupt before the next instruction */

    /* warm: what decides the mode */
    uint64_t cr[5]; /* CR0, (CR1 unused), CR2, CR3, CR4 */
    uint64_t efer;
    uint64_t tsc_offset; /* TSC = virtual clock ns + offset (written by wrmsr) */
    uint64_t tsc_adjust; /* IA32_TSC_ADJUST: what writes of the TSC added to it */

    /* cold: descriptor tables, MSRs, the FPU/SSE placeholders */
    SegmentCache ldt, tr, gdt, idt; /* gdt/idt: base and limit only */
    uint64_t cr8;
    uint64_t dr[8];
    uint64_t star, lstar, cstar, fmask, kernelgsbase, tsc_aux;
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t pat, apic_base, misc_enable, mtrr_deftype;
    uint64_t mtrr_var[2 * X86_MTRR_VCNT]; /* PHYSBASE0, PHYSMASK0, ... */
    uint64_t mtrr_fixed[11];              /* 64K_00000, 16K_80000, 16K_A0000, 4K_C0000.. */
    /* x87 (fpu_helper.c, exec-x87.c): physical registers; ST(i) is fpregs[(fpstt + i) & 7] */
    X87Reg fpregs[8];
    uint16_t fpuc;       /* FCW */
    uint16_t fpus;       /* FSW without TOP (bits 11-13 live in fpstt) */
    uint8_t fpstt;       /* TOP */
    uint8_t fptag;       /* bit i set: physical register i empty (the abridged tag inverted) */
    uint16_t fpop;       /* last non-control opcode, 11 bits */
    uint16_t fpcs, fpds; /* selectors of the last instruction and operand */
    uint64_t fpip, fpdp; /* their offsets */
    /* SSE (exec-sse*.c); MMX registers alias the x87 mantissas */
    uint32_t mxcsr;
    XMMReg xmm[16];
    uint64_t xcr0; /* XSETBV: bit 0 x87 (always), bit 1 SSE */
} CPUX86State;

#define X86_NB_FEATURES 25
/*
 * The local APIC's side of the hart (hw/intc/apic.c installs it at realize with
 * x86_cpu_set_apic_hooks): the MSRs it owns (APIC_BASE, TSC_DEADLINE, the x2APIC range
 * 0x800-0x8ff; false means #GP) and CR8, which is TPR[7:4]. Called on the hart's thread
 * with the BQL held.
 */
typedef struct X86APICHooks {
    bool (*msr_read)(void *opaque, uint32_t msr, uint64_t *val);
    bool (*msr_write)(void *opaque, uint32_t msr, uint64_t val);
    uint8_t (*get_cr8)(void *opaque);
    void (*set_cr8)(void *opaque, uint8_t val);
} X86APICHooks;

/* Events the local APIC raises on its hart (x86_cpu_raise_*), taken between instructions. */
#define X86_EVENT_NMI 1
#define X86_EVENT_INIT 2
#define X86_EVENT_SIPI 4

/* Where a locked access goes (exec.c, x86_locked_target): host bytes of RAM (a code page's
 * blocks dropped after the write), or NULL for plain accesses. */
typedef struct X86LockedTarget {
    void *host;
    hwaddr pa;
    bool code;
} X86LockedTarget;

typedef struct X86CPU {
    CPUState parent_obj;
    CPUX86State env;
    /* The address spaces the hart reaches: memory, and I/O ports (in/out); set by the board. */
    AddressSpace *as;
    AddressSpace *io_as;
    /*
     * The INTR line (level, from the 8259 or the local APIC) and the interrupt acknowledge
     * cycle that turns it into a vector; wired by the board (x86_cpu_set_intr_ack).
     */
    atomic_int intr_level;
    /* The softmmu TLB (accel/tcg/cputlb.c); it knows which entries map global pages. */
    CPUTLB tlb;
    /*
     * Locked read-modify-writes (exec.c): one in progress (active), where its read came from
     * and the value read, which its write replaces by compare-and-swap; split: one crossed a
     * cache line and must run again alone (x86_cpu_step_exclusive, which sets exclusive).
     */
    struct {
        bool active, split, exclusive;
        X86LockedTarget target;
        uint64_t old;
    } rmw;
    /* Decoded instructions by physical address (exec.c), X86_ICACHE_SIZE of them. */
    struct X86DecodedInsn *icache;
    /*
     * The block engine (tcg-ops.c, accel/tcg): the linear address of rip that the run loop
     * looks blocks up by (TCGCPUOps.pc_offset, set between blocks), the instructions
     * retired, and the buffer of the one-instruction blocks that are not cached.
     */
    uint64_t tb_pc;
    uint64_t tb_instret;
    /* 8 when JIT code may run the next block (64-bit code, no TF, shadow or wait-for-SIPI;
     * target/i386/jit-translate.c), else 0: set between blocks with tb_pc */
    uint8_t jit_code_size;
    struct TranslationBlock *tb_scratch;
    int (*intr_ack)(void *opaque);
    void *intr_ack_opaque;
    /* The local APIC (cpu-events.c): its hooks, the events it raised, wait-for-SIPI. */
    const X86APICHooks *apic_hooks;
    void *apic_opaque;
    atomic_int pending_events; /* X86_EVENT_* */
    atomic_int sipi_vector;
    bool wait_sipi; /* an AP after reset or INIT: runs nothing until a start-up IPI */
    /* configuration */
    uint32_t apic_id;
    /* CPUID (cpuid.c): the model's identity */
    uint32_t cpuid_level, cpuid_xlevel;
    uint32_t cpuid_version;                            /* leaf 1 EAX; also EDX at reset */
    uint32_t cpuid_features, cpuid_ext_features;       /* leaf 1 EDX, ECX */
    uint32_t cpuid_ext2_features, cpuid_ext3_features; /* leaf 0x80000001 EDX, ECX */
    uint32_t cpuid_7_0_ebx, cpuid_7_0_ecx;             /* leaf 7 subleaf 0 */
    uint32_t cpuid_xsave_features;                     /* leaf 0xd subleaf 1 EAX */
    bool feat[X86_NB_FEATURES]; /* the +feat/-feat properties (cpuid.c), mirroring the bits */
    bool feat_prev[X86_NB_FEATURES];
    char vendor[13];
    char model_id[49];
} X86CPU;

typedef struct X86CPUClass {
    CPUClass parent_class;
    bool (*parent_realize)(DeviceState *dev, Error **errp);
    void (*parent_reset)(DeviceState *dev);
} X86CPUClass;

#define X86_CPU(obj) OBJECT_CHECK(X86CPU, (obj), TYPE_X86_CPU)
#define X86_CPU_CLASS(oc) OBJECT_CLASS_CHECK(X86CPUClass, (oc), TYPE_X86_CPU)
#define X86_CPU_GET_CLASS(obj) OBJECT_GET_CLASS(X86CPUClass, (obj), TYPE_X86_CPU)

static inline X86CPU *x86_env_cpu(CPUX86State *env)
{
    return container_of(env, X86CPU, env);
}

/* ---- mode queries ---- */
static inline int x86_cpl(const CPUX86State *env)
{
    if (!(env->cr[0] & CR0_PE)) {
        return 0;
    }
    return (env->eflags & VM_MASK) ? 3 : env->segs[R_CS].selector & 3;
}
static inline bool x86_long_mode(const CPUX86State *env)
{
    return env->efer & EFER_LMA;
}
/* 64-bit code (long mode with CS.L)? */
static inline bool x86_code64(const CPUX86State *env)
{
    return x86_long_mode(env) && (env->segs[R_CS].flags & DESC_L_MASK);
}
/* Default operand/address size of the code segment in bytes: 2, 4 (or 8 for addresses). */
static inline int x86_code_size(const CPUX86State *env)
{
    return (env->segs[R_CS].flags & DESC_B_MASK) ? 4 : 2;
}
/* The TLB context of this CPU's data accesses now (X86_MMU_*). */
static inline int x86_mmu_index(const CPUX86State *env)
{
    if (!(env->cr[0] & CR0_PG)) {
        return X86_MMU_PHYS;
    }
    if (x86_cpl(env) == 3) {
        return X86_MMU_USER;
    }
    return (env->cr[4] & CR4_SMAP) && !(env->eflags & AC_MASK) ? X86_MMU_KSMAP : X86_MMU_KERNEL;
}
/* Stack pointer width in bytes: 8 in 64-bit code, else SS.B. */
static inline int x86_stack_size(const CPUX86State *env)
{
    return x86_code64(env) ? 8 : (env->segs[R_SS].flags & DESC_B_MASK) ? 4 : 2;
}

/* ---- cpu.c ---- */
/* Reset as the SDM's table 9-1: CS.base 0xffff0000, rip 0xfff0, EDX the cpuid version. */
/*
 * EFLAGS with its arithmetic bits computed (cc_helper.c): the one way to read them. Setting
 * it, or some of the arithmetic bits (mask; the others kept), ends the lazy state.
 */
uint64_t x86_get_eflags(const CPUX86State *env);
void x86_set_eflags(CPUX86State *env, uint64_t eflags);
void x86_set_cc(CPUX86State *env, uint64_t mask, uint64_t bits);

void x86_cpu_reset(X86CPU *cpu);
/* Wire the INTR acknowledge cycle (the board, for its 8259). */
void x86_cpu_set_intr_ack(X86CPU *cpu, int (*ack)(void *opaque), void *opaque);
/* The INTR line as a gpio input (level). */
void x86_cpu_set_intr(void *opaque, int n, int level);

/* The MSRs the local APIC owns when there is one (X86APICHooks). */
static inline bool x86_msr_is_apic(uint32_t msr)
{
    return msr == MSR_IA32_APICBASE || msr == MSR_IA32_TSC_DEADLINE ||
           (msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST);
}

/* ---- cpu-events.c: what the local APIC does to its hart ---- */
void x86_cpu_set_apic_hooks(X86CPU *cpu, const X86APICHooks *hooks, void *opaque);
/* Any thread with the BQL: latch the event and wake the hart. */
void x86_cpu_raise_nmi(X86CPU *cpu);
void x86_cpu_raise_init(X86CPU *cpu);
void x86_cpu_raise_sipi(X86CPU *cpu, uint8_t vector);
/* The hart's thread, between instructions: act on the latched events; true if the hart's
 * state changed (an NMI taken, INIT done, started by SIPI). */
bool x86_cpu_handle_events(X86CPU *cpu);
/* Its two halves, for an accelerator that delivers NMIs itself (KVM): INIT and SIPI (true
 * if the state changed); and taking the latched NMI off (true if the hart must take one). */
bool x86_cpu_handle_init_sipi(X86CPU *cpu);
bool x86_cpu_take_nmi(X86CPU *cpu);
/* Would an event end a halt? (has_work) */
bool x86_cpu_events_pending(X86CPU *cpu);
/* The TSC's rate: it counts the virtual clock's nanoseconds (x86_rdtsc). */
uint64_t x86_cpu_tsc_hz(X86CPU *cpu);
/* The field of a plain MSR (one stored as it is written), or NULL (misc_helper.c). */
uint64_t *x86_msr_field(CPUX86State *env, uint32_t msr);
/* CR8 as mov from/to cr8 sees it: the APIC's TPR[7:4] when there is one. */
uint64_t x86_get_cr8(CPUX86State *env);
void x86_set_cr8(CPUX86State *env, uint64_t val);

/* ---- gdbstub.c ---- */
/* The gdb target description, registers and debug memory access (CPUClass hooks). */
void x86_cpu_gdb_class_init(CPUClass *cc);

/* ---- exec.c: the interpreter; tcg-ops.c: its blocks ---- */
/* Run until exit_request, HLT with nothing pending or a debug event (CPUClass.exec). */
int x86_cpu_exec(CPUState *cs);
/* Allocate the hart's decoded-instruction cache and block buffer (instance_init). */
void x86_exec_init(X86CPU *cpu);
/* Hook the hart to the block engine (instance_init): CPUState.tcg_ops and tlb. */
void x86_tcg_init(X86CPU *cpu);
/* Execute one instruction, delivering the exception it raises; returns that vector or
 * X86_EXCP_NONE (the unit tests step instructions with it). */
int x86_cpu_step(X86CPU *cpu);
/*
 * From the run loop between blocks, when cpu->rmw.split is set: the instruction at rip (a
 * locked access across a cache line) once more, alone, every other vCPU outside its
 * execution loop (system/cpus.h). The caller resynchronises with the block cache after it.
 */
int x86_cpu_step_exclusive(X86CPU *cpu);

/* ---- cpuid.c ---- */
void x86_cpuid(X86CPU *cpu, uint32_t leaf, uint32_t subleaf, uint32_t out[4]);
/* The models' identities (instance_init). */
void x86_cpu_qemu64_init(X86CPU *cpu);
void x86_cpu_nehalem_init(X86CPU *cpu);
/* The feature properties (class_init) and their mirror of the bits (after editing bits). */
void x86_cpu_add_feature_props(ObjectClass *oc);
void x86_cpu_features_sync(X86CPU *cpu);

/* ---- seg_helper.c: segments, interrupts and exceptions ---- */
/* Load a segment register as mov/pop do (real mode: base = sel << 4; protected: descriptor). */
int x86_load_seg(CPUX86State *env, int seg, uint16_t selector);
/* Set a segment cache from raw descriptor words. */
void x86_seg_from_desc(SegmentCache *sc, uint16_t selector, uint32_t lo, uint32_t hi);
/* Deliver interrupt or exception vec (software: int n, next_rip the return address). */
int x86_do_interrupt(CPUX86State *env, int vec, bool is_sw, bool has_error, int error_code,
                     uint64_t next_rip);
/* Far jump / call / return / iret through a selector, in any mode. */
int x86_far_jump(CPUX86State *env, uint16_t sel, uint64_t offset);
int x86_far_call(CPUX86State *env, uint16_t sel, uint64_t offset, int opsize, uint64_t next_rip);
int x86_far_ret(CPUX86State *env, int opsize, uint16_t pop_extra);
int x86_iret(CPUX86State *env, int opsize);
/* syscall/sysret (EFER.SCE, STAR/LSTAR/CSTAR/FMASK), sysenter/sysexit (SYSENTER_*);
 * opsize 8: the REX.W forms returning to 64-bit code. */
int x86_syscall(CPUX86State *env, uint64_t next_rip);
int x86_sysret(CPUX86State *env, int opsize);
int x86_sysenter(CPUX86State *env);
int x86_sysexit(CPUX86State *env, int opsize);
/* Does vector vec push an error code? */
bool x86_excp_has_error_code(int vec);

/* ---- mem_helper.c: memory as the hart sees it ---- */
/*
 * Linear address → physical (paging when CR0.PG) for access (MMUAccessType) in the current
 * context, without side effects on the tables (the debugger's walk); X86_EXCP_NONE or #PF
 * with cr2 and the error code set.
 */
int x86_translate(CPUX86State *env, uint64_t la, int access, hwaddr *pa);
/* TCGCPUOps.tlb_fill: the walk of a real access (A/D set), rights for context mmu_idx. */
int x86_tlb_fill(CPUState *cs, uint64_t va, unsigned size, MMUAccessType access, int mmu_idx,
                 hwaddr *pa, int *prot, int *lg_page_size);
/* Linear accesses in the current context, and the implicit supervisor ones (tables, TSS). */
int x86_read_linear(CPUX86State *env, uint64_t la, int size, uint64_t *val);
int x86_write_linear(CPUX86State *env, uint64_t la, int size, uint64_t val);
int x86_read_sys(CPUX86State *env, uint64_t la, int size, uint64_t *val);
int x86_write_sys(CPUX86State *env, uint64_t la, int size, uint64_t val);
/* Is la canonical (48 bits, 57 with CR4.LA57)? Inline: the run loop asks between blocks
 * (perf of the x86boot bench's boot: the call was 0.5% of the CPU). */
static inline bool x86_canonical(const CPUX86State *env, uint64_t la)
{
    int bits = (env->cr[4] & CR4_LA57) ? 57 : 48;

    return (uint64_t)sextract64(la, 0, bits) == la;
}
/* seg:off's linear address (off already masked to the address size), or the #GP/#SS of a
 * non-canonical one in 64-bit mode. */
int x86_linear(CPUX86State *env, int seg, uint64_t off, uint64_t *la);
/* seg:offset accesses (the offset already masked to the address size). */
int x86_read_mem(CPUX86State *env, int seg, uint64_t off, int size, uint64_t *val);
int x86_write_mem(CPUX86State *env, int seg, uint64_t off, int size, uint64_t val);
/*
 * Translate seg:off for a load or store of size bytes without performing it (A and D are
 * set as the access would): X86_EXCP_NONE, or the fault the access would raise, on the
 * first page that refuses (both pages of an access across one; a non-canonical address:
 * its #GP/#SS, with no page). For each page the access touches (pages: 1, or 2 across a
 * page), from seg:off's on: the linear address of its part; where that part is RAM (ROM for
 * a load), its host and physical address, host NULL for anything else (a device, a ROM
 * written, nothing there: no fault either); code: a store there must drop translated code,
 * after writing (tb_invalidate_phys_range). The one probe of the string instructions
 * (exec-string.c) and of the stores that must not fault halfway (x86_probe_write).
 */
typedef struct X86MemPage {
    uint64_t la;
    void *host;
    hwaddr pa;
    bool code;
} X86MemPage;
typedef struct X86MemProbe {
    int pages;
    X86MemPage page[2];
} X86MemProbe;
int x86_probe_mem(CPUX86State *env, int seg, uint64_t off, int size, bool write, X86MemProbe *p);
/* Stack: push/pop size bytes at SS:rSP with the stack width of the current mode. */
int x86_stack_push(CPUX86State *env, int size, uint64_t val);
int x86_stack_pop(CPUX86State *env, int size, uint64_t *val);
/* I/O ports: in/out with the BQL taken here. */
uint64_t x86_io_read(CPUX86State *env, uint16_t port, int size);
void x86_io_write(CPUX86State *env, uint16_t port, int size, uint64_t val);

/* ---- tlb.c: the TLB's contexts and flush rules (SDM Vol. 3A 4.10.4) ---- */
/* Set up the TLB (instance_init) and empty it (reset). */
void x86_tlb_init(X86CPU *cpu);
/*
 * Drop everything if the memory map changed since the entries were filled (a PAM register
 * turned the BIOS area from ROM into RAM...): between instructions.
 */
void x86_tlb_sync(X86CPU *cpu);
/* Everything, global pages included (CR4.PGE/PCIDE/... changes, invpcid all-incl.). */
void x86_tlb_flush_all(X86CPU *cpu);
/* All but global pages (mov to CR3, invpcid of a context). */
void x86_tlb_flush_nonglobal(X86CPU *cpu);
/* The page of la in every context, global or not (invlpg, invpcid of an address). */
void x86_tlb_flush_page(X86CPU *cpu, uint64_t la);
/* The flushes a write of control register n from old to val implies (after the write). */
void x86_tlb_cr_written(X86CPU *cpu, int n, uint64_t old, uint64_t val);

/* ---- misc_helper.c: control registers and MSRs ---- */
int x86_write_cr(CPUX86State *env, int n, uint64_t val);
int x86_rdmsr(CPUX86State *env, uint32_t msr, uint64_t *val);
int x86_wrmsr(CPUX86State *env, uint32_t msr, uint64_t val);
uint64_t x86_rdtsc(CPUX86State *env);

#endif
