/*
 * The RISC-V hart: architectural state and the contract between the
 * execution engine (accel/tcg + target/riscv/translate.c) and the
 * privileged architecture (cpu.c, csr.c, cpu_helper.c, mmu.c, pmp.c).
 *
 * Error contract: an instruction that faults produces a RISCVException value
 * that travels up by return (never longjmp); the engine then calls
 * riscv_cpu_do_exception() with env->pc at the faulting instruction.
 *
 * Threads: env is touched only by the hart's own thread, except mip, which
 * devices update from the main loop through riscv_cpu_update_mip() (atomic),
 * and which the hart reads atomically.
 *
 * Specs: The RISC-V Instruction Set Manual, Volume I (unprivileged, 20191213)
 * and Volume II (privileged, 20211203), Sstc, Zba/Zbb/Zbc/Zbs 1.0.
 */
#ifndef TARGET_RISCV_CPU_H
#define TARGET_RISCV_CPU_H

#include <stdatomic.h>

#include "accel/tcg/cpu-tlb.h"
#include "common.h"
#include "hw/core/cpu.h"
#include "target/riscv/cpu_bits.h"

#define TYPE_RISCV_CPU "riscv-cpu"
#define RISCV_CPU_TYPE_SUFFIX "-" TYPE_RISCV_CPU
#define RISCV_CPU_TYPE_NAME(name) (name RISCV_CPU_TYPE_SUFFIX)
#define TYPE_RISCV_CPU_RV64 RISCV_CPU_TYPE_NAME("rv64")

#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

/*
 * TLB/translation contexts: one per effective privilege for data and fetch,
 * V=0 (0..3, the privilege number) and V=1 (4 + privilege: two-stage), so
 * host and guest translations never share an entry and a guest switch
 * (hgatp) drops only the V=1 ones. With V=0, S-mode loads and stores under
 * mstatus.SUM use context 2 (S_SUM, the number no privilege has): the rights
 * of S and S_SUM entries differ only on user pages, so Linux's SUM toggle
 * around every user copy switches context instead of flushing S (each flush
 * refilled the kernel's code and data pages: ~80,000 code-TLB misses of the
 * boot's ~180,000 jump-cache misses). 6 and 7 are the hypervisor's hlv/hsv
 * (VS-stage at hstatus.SPVP) and hlvx (execute permission): used for one
 * access and never cached.
 *
 * The V=1 contexts come in RISCV_VTLB_SLOTS pairs (VU, VS): 4/5, then 8/9, 10/11, 12/13.
 * Each slot caches the combined translations of one guest address space, the pair
 * (hgatp, vsatp) it was filled under (cpu_helper.c, "V=1 TLB slots"): that is the VMID
 * (and root) tag of issue 10, so switching between a few guests keeps their entries, and
 * hfence.gvma/hfence.vvma with a VMID drop only that VMID's slots. The fast paths need no
 * tag compare: the slot is part of the mmu_idx, so of the table.
 */
#define MMU_IDX_U 0
#define MMU_IDX_S 1
#define MMU_IDX_S_SUM 2
#define MMU_IDX_M 3
#define MMU_IDX_VU 4
#define MMU_IDX_VS 5
#define MMU_IDX_HLV 6
#define MMU_IDX_HLVX 7
#define RISCV_VTLB_SLOTS 4
/* Every V=1 context of every slot, and the VS ones (hlv/hlvx are never cached). */
#define MMU_IDX_V_MASK 0x3f30u
#define MMU_IDX_VS_MASK 0x2a20u
#define MMU_IDX_HS_MASK                                                                            \
    ((1u << MMU_IDX_U) | (1u << MMU_IDX_S) | (1u << MMU_IDX_S_SUM) | (1u << MMU_IDX_M))
#define NB_MMU_MODES 14

/* The VU context of V=1 TLB slot s (VS is the next one). */
static inline int riscv_vtlb_base(unsigned s)
{
    return s ? 6 + 2 * (int)s : MMU_IDX_VU;
}

/* The contexts of hlv/hsv/hlvx: walked for one access, never cached. */
static inline bool riscv_mmu_idx_hlv(int mmu_idx)
{
    return mmu_idx == MMU_IDX_HLV || mmu_idx == MMU_IDX_HLVX;
}

#define RISCV_PMP_ENTRIES 16
/* mhpmcounter3..18 and mhpmevent3..18 hold values; 19..31 read as zero (as QEMU 7.2's 16). */
#define RISCV_HPM_COUNTERS 16
/* The largest VLEN the vlen property accepts, in bytes (VLEN 1024). */
#define RISCV_VLENB_MAX 128

typedef struct CPURISCVState {
    /* hot: every instruction */
    uint64_t gpr[32];
    uint64_t pc;
    uint64_t fpr[32]; /* single-precision values NaN-boxed */
    uint64_t priv;    /* PRV_U, PRV_S, PRV_M */
    uint64_t instret; /* instructions retired, exact before any helper call */

    /* warm: CSRs read by the engine often */
    uint64_t mstatus; /* sstatus is a view of it */
    uint32_t frm;
    uint32_t fflags;
    uint64_t load_res; /* LR reservation address, -1 if none */
    uint64_t load_val;
    _Atomic uint64_t mip; /* updated by devices through riscv_cpu_update_mip */
    uint64_t mie;

    /* cold: the privileged state */
    uint64_t misa;
    uint64_t mhartid;
    uint64_t medeleg, mideleg;
    uint64_t mtvec, mscratch, mepc, mcause, mtval;
    uint64_t stvec, sscratch, sepc, scause, stval;
    uint64_t satp;
    uint64_t mcounteren, scounteren, mcountinhibit;
    uint64_t menvcfg, senvcfg;
    uint64_t mstateen[4], sstateen[4]; /* Smstateen/Ssstateen */
    uint64_t stimecmp;                 /* Sstc */
    uint64_t mcycle_offset;            /* cycle = instret + offset (written mcycle) */
    uint64_t minstret_offset;
    uint64_t mseccfg;
    uint64_t mhpmcounter[RISCV_HPM_COUNTERS]; /* index 0 is mhpmcounter3 (pmu.c) */
    uint64_t mhpmevent[RISCV_HPM_COUNTERS];
    uint32_t pmu_events;   /* counters whose mhpmevent selects a countable event */
    uint32_t pmu_counting; /* counters counting now: mhpmcounter holds value - instret */
    uint32_t pmu_armed;    /* counting, OF clear: pmu_wrap[i] is the instret they wrap at */
    uint64_t pmu_wrap[RISCV_HPM_COUNTERS];
    uint8_t pmpcfg[RISCV_PMP_ENTRIES];
    uint64_t pmpaddr[RISCV_PMP_ENTRIES];
    uint64_t resetvec;

    /* Smaia/Ssaia: the indirect register selectors (mireg/sireg reach the IMSIC file) */
    uint64_t miselect, siselect;
    uint64_t vsiselect;  /* H: siselect of VS level (0..0x1ff; 0x70..0xff reach guest file VGEIN) */
    uint64_t hvictl;     /* H + Ssaia: IID, DPR, IPRIOM, IPRIO for vstopi (VTI reads zero) */
    uint32_t topei_read; /* what this instruction's *topei read returned: its write claims it */

    /*
     * H extension (csr-hyp.c, mmu-gstage.c). virt is V: VS or VU when set.
     * The supervisor CSRs and the S fields of mstatus (SSTATUS_READ_MASK) in
     * the fields above belong to the running side: HS when V=0, the guest's
     * vs* registers when V=1; s_other holds the other side's, swapped on
     * every change of V (riscv_cpu_set_virt), so the trap, xRET, FP and MMU
     * paths need no V test. vsstatus, vstvec ... are s_other while V=0.
     */
    bool virt;
    struct {
        uint64_t status; /* SSTATUS_READ_MASK bits */
        uint64_t stvec, sscratch, sepc, scause, stval, satp;
    } s_other;
    uint64_t hstatus, hedeleg, hideleg, hcounteren, hgeie, htval, htinst, hgatp, henvcfg;
    uint64_t hstateen[4]; /* H + Smstateen: what VS-mode may reach of what M let HS reach */
    /* The V=1 TLB slots (cpu_helper.c): the (hgatp, vsatp) each caches, LRU stamps (0:
     * unused), the current one. Not migrated: loadvm starts from empty slots. */
    struct {
        uint64_t hgatp[RISCV_VTLB_SLOTS], vsatp[RISCV_VTLB_SLOTS];
        uint64_t stamp[RISCV_VTLB_SLOTS], clock;
        unsigned cur;
    } vtlb;
    _Atomic uint64_t hgeip; /* the guest external interrupt lines, as mip */
    uint64_t htimedelta, vstimecmp;
    uint64_t mtval2, mtinst;
    bool vstime_irq; /* Sstc: time + htimedelta >= vstimecmp (ORed into hip.VSTIP) */
    /*
     * V=1 while HS-level FS is Off: FP must trap though the guest's FS is on (8.2.1), so
     * the live FS is held Off (what the engine's FP checks read) and the guest's value
     * kept in guest_fs, which sstatus shows it.
     */
    bool fs_masked;
    uint64_t guest_fs;
    /* set by the page walker with its fault: htval/mtval2 (GPA >> 2) and GVA */
    uint64_t fault_gpa;
    bool fault_gva;
    uint32_t fault_tinst; /* nonzero: the G-stage fault hit an implicit VS-stage PTE access */
    bool fault_two_stage;

    /* time source: mtime of the board's timer device (riscv_cpu_set_time_source) */
    uint64_t (*rdtime_fn)(void *opaque);
    void *rdtime_opaque;
    uint32_t timebase_freq;  /* Hz of rdtime_fn, for the Sstc timer */
    struct Timer *stimer;    /* Sstc: fires when time >= stimecmp */
    struct Timer *vstimer;   /* Sstc with H: fires when time + htimedelta >= vstimecmp */
    struct Timer *pmu_timer; /* Sscofpmf: kicks the hart near a counter's overflow */

    /* V (vector*.c): vtype without vill, which is its own flag as it reads as bit 63 */
    uint64_t vstart, vl, vtype;
    uint32_t vxrm, vxsat;
    bool vill;
    /* v0..v31, each VLEN bits (cpu->vlen), packed: the group of vN starts at vN's bytes */
    uint8_t vreg[32 * RISCV_VLENB_MAX] __attribute__((aligned(16)));
} CPURISCVState;

/*
 * An IMSIC interrupt file as the hart's AIA CSRs reach it (mireg/mtopei for the M file,
 * sireg/stopei for the S file); set by the board (riscv_cpu_set_imsic). Called on the hart's
 * thread; the device takes the BQL itself.
 */
typedef struct RISCVIMSICOps {
    /* iselect 0x70..0xff: old value out, then (old & ~mask) | (val & mask) in; false if the
     * register does not exist (an illegal-instruction access). */
    bool (*rmw)(void *opaque, uint64_t iselect, uint64_t *old, uint64_t val, uint64_t mask);
    /* *topei: (identity << 16) | identity of the top pending-and-enabled interrupt, or 0;
     * claim: a write to *topei clears the pending bit of the identity in topei, the value
     * the same instruction read (csrrw is one atomic claim, AIA 3.9). */
    uint32_t (*topei)(void *opaque);
    void (*claim)(void *opaque, uint32_t topei);
} RISCVIMSICOps;

/* The most guest external interrupts (GEILEN) a hart can have on RV64 (hgeip bits 1..63). */
#define RISCV_CPU_GEI_MAX 63

typedef struct RISCVIMSICLink {
    const RISCVIMSICOps *ops; /* NULL: no IMSIC file at this level */
    void *opaque;
} RISCVIMSICLink;

typedef struct RISCVCPU {
    CPUState parent_obj;
    CPURISCVState env;
    RISCVIMSICLink imsic_m, imsic_s; /* wiring, kept across reset */
    /* guest interrupt files 1..GEILEN (VS level, hstatus.VGEIN); [0] unused */
    RISCVIMSICLink imsic_guest[RISCV_CPU_GEI_MAX + 1];
    CPUTLB tlb; /* the engine's softmmu TLB and block jump cache */
    /* configuration (properties, -cpu MODEL,prop=value; cpu-config.c checks them at realize) */
    uint32_t hartid;
    uint64_t resetvec_prop;
    bool ext_sstc;
    bool pmp;
    bool mmu;
    bool ext_i, ext_m, ext_a, ext_f, ext_d, ext_c, ext_s, ext_u, ext_g;
    bool ext_zicsr, ext_zifencei, ext_zihintpause, ext_zba, ext_zbb, ext_zbc, ext_zbs;
    /* RVA23-era extensions (cpu-config.c's table; all off on rv64 as in QEMU 7.2) */
    bool ext_zicbom, ext_zicbop, ext_zicboz, ext_zicond, ext_zicntr, ext_zihintntl, ext_zihpm;
    bool ext_zimop, ext_zawrs, ext_zfa, ext_zfh, ext_zfhmin, ext_zca, ext_zcb, ext_zcd, ext_zcmop;
    bool ext_smaia, ext_ssaia;
    bool ext_zkt, ext_smstateen, ext_sscofpmf, ext_sscounterenw, ext_ssstateen, ext_sstvala;
    bool ext_sstvecd, ext_svade, ext_svadu, ext_svinval, ext_svnapot, ext_svpbmt;
    bool ext_zic64b, ext_ziccamoa, ext_ziccif, ext_zicclsm, ext_ziccrse, ext_za64rs;
    bool ext_ssccptr, ext_ssu64xl;
    bool ext_h;
    uint32_t geilen; /* guest external interrupts (riscv_cpu_set_geilen) */
    bool ext_v;      /* V 1.0 (vector*.c): needs vlen 128..1024 and elen 32 or 64 */
    bool ext_zvbb, ext_zvfhmin, ext_zvkt; /* with V: vector-bitmanip.c; strings only */
    uint32_t cbom_blocksize, cbop_blocksize, cboz_blocksize; /* bytes, a power of two */
    bool short_isa_string;
    uint32_t mvendorid;
    uint64_t marchid, mimpid;
    char *priv_spec, *vext_spec;
    uint32_t vlen, elen, pmu_num;
    bool unimplemented[40]; /* switches of extensions Kestrel lacks: refused when on */
    char *isa_string;       /* the last riscv_isa_string() */
} RISCVCPU;

typedef struct RISCVCPUClass {
    CPUClass parent_class;
    bool (*parent_realize)(DeviceState *dev, Error **errp); /* TYPE_CPU's realize */
    void (*parent_reset)(DeviceState *dev);                 /* TYPE_CPU's reset */
} RISCVCPUClass;

#define RISCV_CPU(obj) OBJECT_CHECK(RISCVCPU, (obj), TYPE_RISCV_CPU)
#define RISCV_CPU_CLASS(oc) OBJECT_CLASS_CHECK(RISCVCPUClass, (oc), TYPE_RISCV_CPU)
#define RISCV_CPU_GET_CLASS(obj) OBJECT_GET_CLASS(RISCVCPUClass, (obj), TYPE_RISCV_CPU)
static inline RISCVCPU *env_cpu(CPURISCVState *env)
{
    return container_of(env, RISCVCPU, env);
}

/* ---- cpu.c ---- */
/*
 * The hart's boundary, what a board wires: input lines (qdev gpio in) 0..15,
 * line n driving mip bit n (IRQ_M_SOFT, IRQ_M_TIMER, IRQ_M_EXT, IRQ_S_EXT...,
 * level-triggered, any thread), for the interrupt controllers' outputs; and
 * the `time` source, fn(opaque) = the board timer's mtime at freq Hz (read
 * by the time CSR and Sstc, on the hart's thread without the BQL).
 */
#define RISCV_CPU_NUM_IRQ_LINES 16
/*
 * H: guest external interrupt n (hgeip bit n, 1 <= n <= GEILEN) is input line
 * RISCV_CPU_GEI_LINE(n), level-triggered, any thread; lines above the hart's
 * GEILEN (0 unless the board sets it, e.g. for IMSIC guest files) do nothing.
 */
#define RISCV_CPU_GEI_LINE(n) (RISCV_CPU_NUM_IRQ_LINES + (n)-1)
/* The number of guest external interrupts (GEILEN, at most RISCV_CPU_GEI_MAX). */
void riscv_cpu_set_geilen(RISCVCPU *cpu, unsigned geilen);
void riscv_cpu_set_time_source(RISCVCPU *cpu, uint64_t (*fn)(void *opaque), void *opaque,
                               uint32_t freq);
/* The hart's IMSIC interrupt file at M (mmode) or S level, for the AIA CSRs. */
void riscv_cpu_set_imsic(RISCVCPU *cpu, bool mmode, const RISCVIMSICOps *ops, void *opaque);
/* Guest interrupt file g (1..RISCV_CPU_GEI_MAX) of the hart's IMSIC: vsireg/vstopei (sireg and
 * stopei under V=1) reach it while hstatus.VGEIN = g; its line is RISCV_CPU_GEI_LINE(g). */
void riscv_cpu_set_imsic_guest(RISCVCPU *cpu, unsigned g, const RISCVIMSICOps *ops, void *opaque);
/*
 * pc = resetvec, M-mode, CSRs to reset values (mstatus SXL=UXL=64-bit, FS
 * off, as QEMU 7.2); keeps the wiring (rdtime_fn, timebase_freq, stimer).
 */
void riscv_cpu_reset(RISCVCPU *cpu);
/* The ISA string for the FDT and /proc/cpuinfo, e.g. "rv64imafdc_zicsr_zifencei_zba_..."
 * (owned by the CPU, valid until the next call). */
const char *riscv_isa_string(RISCVCPU *cpu);
/* "info mem" (target/riscv/monitor.c): the mappings of satp, as QEMU prints them. */
void riscv_cpu_dump_mappings(CPUState *cs, FILE *out);

/* ---- machine.c ---- */
/* The hart's state for savevm/loadvm (DeviceClass.vmsd). */
extern const struct VMStateDescription vmstate_riscv_cpu;

/* ---- vector.c ---- */
/* Can this hart hold its vector state (vtype it honours, vl <= VLMAX, vstart < VLEN)? For
 * loading a VM state; vill with vtype = vl = 0 is valid. */
bool riscv_vector_state_valid(RISCVCPU *cpu);

/* ---- cpu-config.c: models, properties, ISA string ---- */
/* Add the configuration properties (extension switches, mmu, ids...) to the CPU class. */
void riscv_cpu_config_class_init(ObjectClass *oc);
/* Check the switches as QEMU 7.2 does, and refuse those of missing extensions. */
bool riscv_cpu_config_realize(RISCVCPU *cpu, Error **errp);
/* misa from the switches: MXL = 64 and the letters (reset puts it in env->misa). */
uint64_t riscv_cpu_misa(RISCVCPU *cpu);
void riscv_cpu_config_finalize(RISCVCPU *cpu);
/* The device tree's mmu-type: "riscv,sv48" (QEMU 7.2's word for rv64), "riscv,none" if mmu=off. */
const char *riscv_mmu_type(RISCVCPU *cpu);
/* Does this hart have the extension that decoded instruction d belongs to? (translator) */
struct DecodedInsn;
bool riscv_cpu_insn_enabled(RISCVCPU *cpu, const struct DecodedInsn *d);
/* Switch the multi-letter extension QEMU calls `name` ("zicond") on or off; false (and left
 * off) if Kestrel has no such extension or does not implement it. */
bool riscv_cpu_set_ext(RISCVCPU *cpu, const char *name, bool on);
/* -cpu max: every single letter Kestrel has and every implemented multi-letter extension. */
void riscv_cpu_enable_all_exts(RISCVCPU *cpu);
/* Every multi-letter extension off (the named models start from there). */
void riscv_cpu_disable_multi_exts(RISCVCPU *cpu);
/* Is an extension on that QEMU 7.2's rv64 does not have? */
bool riscv_cpu_has_new_exts(RISCVCPU *cpu);
/* The device tree's riscv,isa-extensions: NUL-separated names ("i", "m", ..., "zicond") in
 * canonical order, written to buf; returns the length including the last NUL. */
size_t riscv_isa_extensions(RISCVCPU *cpu, char *buf, size_t size);
/* ---- cpu-models.c ---- */
/* The CPU models besides rv64: max, rva22s64, rva23s64, sifive-u54, shakti-c. */
void riscv_cpu_register_models(void);

/* ---- csr.c ---- */
/*
 * Read-modify-write CSR csrno: *ret_value = old value (if ret_value);
 * new = (old & ~write_mask) | (new_value & write_mask). write_mask == 0 means
 * the instruction does not write (csrrs/csrrc with rs1=x0): no write side
 * effects and no illegal-instruction for read-only CSRs. Returns
 * RISCV_EXCP_NONE or RISCV_EXCP_ILLEGAL_INST (privilege, existence,
 * read-only, counter gating, FS off for fcsr).
 */
RISCVException riscv_csrrw(CPURISCVState *env, int csrno, uint64_t *ret_value, uint64_t new_value,
                           uint64_t write_mask);
/*
 * Same without the privilege check and the access gates (counter enables, FS,
 * TVM, STCE), for the gdbstub and dump_state; a CSR that does not exist, or a
 * write to a read-only one, is still refused.
 * A write that makes an interrupt deliverable (mie, mstatus, mideleg, sie,
 * mip...) calls cpu_exit() on the hart so the run loop takes it.
 */
RISCVException riscv_csrrw_debug(CPURISCVState *env, int csrno, uint64_t *ret_value,
                                 uint64_t new_value, uint64_t write_mask);
/* The spec name of an implemented CSR ("mstatus"), or NULL (gdbstub, dump_state). */
const char *riscv_csr_name(int csrno);
/*
 * Sstc: recompute mip.STIP from time >= stimecmp and arm env->stimer for the
 * next crossing. Any thread; takes the BQL around timer calls if not held.
 * riscv_stimer_cb is the callback of env->stimer (opaque = RISCVCPU *).
 */
void riscv_sstc_update(CPURISCVState *env);
void riscv_stimer_cb(void *opaque);

/* ---- csr-hyp.c: the H extension's CSRs, V switching ---- */
/* Set V: swap the supervisor CSRs with s_other if it changes (no TLB flush: mmu_idx differs). */
void riscv_cpu_set_virt(CPURISCVState *env, bool virt);
/* sstatus as the running guest sees it (its FS while fs_masked); s is the live mstatus. */
uint64_t riscv_sstatus_view(CPURISCVState *env, uint64_t s);
/* The mip bits as the hart sees them: mip | VSTIP of vstimecmp | VSEIP (hgeip bit
 * hstatus.VGEIN) | SGEIP (hgeip & hgeie). */
uint64_t riscv_cpu_mip_effective(CPURISCVState *env);
/* csr-aia.c, with Ssaia: vstopi, whose IID is the interrupt VS takes (AIA 6.3.3), or 0. */
uint64_t riscv_cpu_vstopi(CPURISCVState *env);
/* The CSR accessors of the H extension, looked up by csr.c (NULL: not an H CSR). */
struct RISCVCSR;
const struct RISCVCSR *riscv_csr_hyp_lookup(int csrno);
/* Guest external interrupt n's line (hgeip bit n) to level; kicks the hart if raised. */
void riscv_cpu_set_gei(RISCVCPU *cpu, unsigned n, int level);
/* Sstc with H: recompute vstime_irq and arm env->vstimer; its callback. */
void riscv_vstc_update(CPURISCVState *env);
void riscv_vstimer_cb(void *opaque);

/* ---- pmu.c: the programmable counters mhpmcounter3..18 and Sscofpmf ---- */
/* Counter idx (0 = mhpmcounter3) as the CSRs read it; writing it, and its mhpmevent. */
uint64_t riscv_pmu_read(CPURISCVState *env, unsigned idx);
void riscv_pmu_write(CPURISCVState *env, unsigned idx, uint64_t val);
uint64_t riscv_pmu_read_event(CPURISCVState *env, unsigned idx);
void riscv_pmu_write_event(CPURISCVState *env, unsigned idx, uint64_t val);
/* scountovf: the OF bits (bit 3 + idx), masked by mcounteren below M. */
uint64_t riscv_pmu_scountovf(CPURISCVState *env);
/* The counting state changed (privilege, mcountinhibit): settle the counters, re-arm. */
void riscv_pmu_sync(CPURISCVState *env);
/* Raise the overflows that happened (OF, mip.LCOFIP); called by the hart between blocks. */
void riscv_pmu_check(CPURISCVState *env);
void riscv_pmu_timer_cb(void *opaque); /* env->pmu_timer's callback (opaque = RISCVCPU *) */

/* ---- cpu_helper.c: traps and interrupts ---- */
/* Enter the trap handler for exception cause with tval; env->pc is the faulting pc. */
void riscv_cpu_do_exception(CPURISCVState *env, RISCVException cause, uint64_t tval);
/* An ebreak in the semihosting sequence with -semihosting on: serve it, true (riscv-semi.c). */
bool riscv_semihosting_try(CPURISCVState *env);
/* Take the highest-priority enabled pending interrupt, if any; true if one was taken. */
bool riscv_cpu_exec_interrupt(CPURISCVState *env);
/* The interrupt riscv_cpu_exec_interrupt would take now (IRQ_* number), or -1. No side effects. */
int riscv_cpu_pending_interrupt(CPURISCVState *env);
/* Is any interrupt pending & enabled in mie (ignoring global enables)? WFI wakes on it. */
bool riscv_cpu_has_work(CPURISCVState *env);
/* Set the mip bits in mask to value, atomically; kicks the hart if an interrupt may be due. */
void riscv_cpu_update_mip(RISCVCPU *cpu, uint64_t mask, uint64_t value);
/*
 * mret/sret: check privilege and TSR, restore state, set env->pc; or return
 * the exception. As QEMU 7.2, mret to S/U while no PMP entry is active is an
 * illegal instruction. cpu_exit() when an interrupt becomes deliverable.
 */
RISCVException riscv_helper_mret(CPURISCVState *env);
RISCVException riscv_helper_sret(CPURISCVState *env);
/* wfi: illegal if TW (or in U); otherwise NONE and the engine halts until has_work. */
RISCVException riscv_helper_wfi(CPURISCVState *env);
/* sfence.vma rs1/rs2 (values, and whether rs1/rs2 are x0): privilege/TVM checks + TLB flush. */
RISCVException riscv_helper_sfence_vma(CPURISCVState *env, uint64_t vaddr, bool all_addr,
                                       bool all_asid);
/* Raised by the engine before FP instructions: illegal if mstatus.FS == Off. */
bool riscv_fp_enabled(CPURISCVState *env);
/* Mark FS dirty (and SD) after an FP register or fcsr write. */
void riscv_mark_fs_dirty(CPURISCVState *env);
/* The mmu_idx for data accesses (honours MPRV/MPP/MPV) or instruction fetches. */
int riscv_cpu_mmu_index(CPURISCVState *env, bool ifetch);
/*
 * hfence.vvma / hfence.gvma: privilege checks (illegal in U, virtual instruction with V=1,
 * gvma also under mstatus.TVM) and the flush of the V=1 translations: gvma of the VMID in
 * vmid (all VMIDs if !has_vmid: rs2 = x0), vvma of the current VMID (the page of addr if
 * has_addr: rs1 != x0).
 */
RISCVException riscv_helper_hfence(CPURISCVState *env, bool gvma, uint64_t addr, bool has_addr,
                                   uint64_t vmid, bool has_vmid);
/* hgatp or vsatp changed: make the slot of the new pair current (a new or LRU one, emptied,
 * if none caches it). */
void riscv_vtlb_select(CPURISCVState *env);
/* Empty every slot and start from the current pair (reset, loadvm). */
void riscv_vtlb_reset(CPURISCVState *env);
/* Drop the translations of the slots of the current VMID (a guest's sfence.vma, hfence.vvma). */
void riscv_vtlb_flush_current_vmid(CPURISCVState *env);
/* May this hart run hlv/hsv now? NONE, illegal (U without HU) or virtual instruction (V=1). */
RISCVException riscv_helper_hlsv_check(CPURISCVState *env);

/* ---- mmu.c / pmp.c ---- */
/*
 * Translate vaddr for an access in context mmu_idx: page walk (Sv39/48/57,
 * A/D updates, permission and canonical-address rules, SUM/MXR) then PMP.
 * On success: *paddr, *prot (PAGE_READ|PAGE_WRITE|PAGE_EXEC allowed for this
 * page in this context; a store sets D so write is only granted when D is set
 * or this access is a store) and *lg_page_size (12 normally; smaller, e.g. 2,
 * if a PMP boundary falls inside the page, meaning: do not cache in the TLB).
 * On failure: returns the page-fault or access-fault cause; tval is vaddr.
 * mmu_idx 4..7 (V=1, hlv) walk both stages (VS-stage, then G-stage for its PTEs
 * and the result); a G-stage failure is a guest-page fault, env->fault_gpa the
 * guest-physical address; env->fault_gva says whether tval is a guest's virtual
 * address (for the trap's GVA bit).
 */
/*
 * tinst.c: htinst/mtinst for a trap with cause and tval (8.6.3): the transformed load/store,
 * or the pseudoinstruction of an implicit VS-stage access, for guest-page faults; else 0.
 * Call before leaving the faulting context (it reads the instruction at pc).
 */
uint64_t riscv_fault_tinst(CPURISCVState *env, uint64_t cause, uint64_t tval);
/* PAGE_READ, PAGE_WRITE, PAGE_EXEC: include/accel/tcg/cpu-tlb.h */
RISCVException riscv_cpu_tlb_fill(CPURISCVState *env, uint64_t vaddr, MMUAccessType access,
                                  int mmu_idx, hwaddr *paddr, int *prot, int *lg_page_size);
/* The privilege (PRV_U/S/M) of an access in context mmu_idx (V=1 ones too; hlv: SPVP). */
int riscv_mmu_idx_priv(CPURISCVState *env, int mmu_idx);
/*
 * Translate for the debugger without side effects (no A/D writes, no
 * permission or PMP checks) in the current data context. Returns the
 * physical address of vaddr itself (page offset included), -1 if unmapped.
 */
hwaddr riscv_cpu_get_phys_page_debug(CPURISCVState *env, uint64_t vaddr);
/* PMP check of [addr, addr+size) for an access at privilege priv. */
bool riscv_pmp_check(CPURISCVState *env, hwaddr addr, unsigned size, MMUAccessType access,
                     int priv);
/*
 * The PAGE_* rights PMP grants privilege priv at addr, and in *lg_size the
 * log2 of the largest aligned block around addr (lg_max >= 12, 12, 3 or 2) where
 * that answer holds for every byte: below 12 a PMP boundary cuts the page.
 */
int riscv_pmp_get_prot(CPURISCVState *env, hwaddr addr, int priv, int lg_max, int *lg_size);
/* The pmpcfg/pmpaddr CSRs: reg is the pmpcfg number (even), index the pmpaddr number. */
uint64_t riscv_pmpcfg_read(CPURISCVState *env, unsigned reg);
void riscv_pmpcfg_write(CPURISCVState *env, unsigned reg, uint64_t val);
void riscv_pmpaddr_write(CPURISCVState *env, unsigned index, uint64_t val);
/* Number of PMP entries whose address mode is not OFF. */
int riscv_pmp_active_entries(CPURISCVState *env);

/* ---- gdbstub.c ---- */
/*
 * Fill the gdb hooks of the RISC-V CPU class (registers, target XML, debug
 * memory access). Numbering: x0..x31 = 0..31, pc = 32, f0..f31 = 33..64,
 * CSR n = 65 + n (most do not exist: read_register returns 0 for those),
 * priv = 4161; gdb_num_regs = 4162. Only "target.xml" is served (all
 * features inline).
 */
void riscv_cpu_gdb_class_init(CPUClass *cc);

#endif
