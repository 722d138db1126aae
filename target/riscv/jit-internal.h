/*
 * The RISC-V JIT's private state, shared by its files: the translation context of one
 * block (JitCtx), its cold stubs and the register caches (jit-regs.c) that keep the guest
 * registers a block uses in host registers. include/target/riscv/jit.h is the interface
 * the record translators (jit-alu.c, jit-fp.c, jit-vector.c) call.
 */
#ifndef TARGET_RISCV_JIT_INTERNAL_H
#define TARGET_RISCV_JIT_INTERNAL_H

#include "target/riscv/helper.h"
#include "target/riscv/jit.h"

enum {
    COLD_LOAD,
    COLD_HINT,
    COLD_PLAIN,
    COLD_STORE,
    COLD_STORE_HINT,
    COLD_STORE_VAL,
    COLD_RAISE,
    COLD_ILLEGAL,
    COLD_FS_DIRTY,
    COLD_FP,
    COLD_VEC,
    COLD_SIDE_EXIT,
    COLD_LOOP_EXIT,
    COLD_TAIL
};

/* Cold stubs per block; a record adds at most JIT_COLD_PER_REC (an FP fast path: FS check,
 * guard, result check, FS dirty, the raise of the fallback; an FP load: FS check, thrashing
 * slot, page range miss, TLB miss, FS dirty). */
#define JIT_COLD_PER_REC 6
#define JIT_MAX_COLD (4 * TB_MAX_INSNS)
/* A COLD_LOAD memop flag: the fast path's value is in xmm0, so the miss path puts it there. */
#define COLD_MO_XMM0 0x80
/* A COLD_HINT memop flag: rsi holds va - lo (tlb_probe_load), not va. */
#define COLD_MO_VA_OFF 0x40

/*
 * The register cache: the guest registers a block uses live in host
 * registers from their first use to the block's exits. Keeping them all in
 * env->gpr made every dependent operation a store and a reload (store
 * forwarding, ~5 cycles): 17 ns per iteration of the 11-instruction CRC32
 * loop of tests/bench. With the cache the CRC32 phase went from 1.62 s to
 * 0.98 s. rbx is the 7th (the shared stubs reach the CPU through rbp): with Belady's
 * eviction (jit-regs.c pick_victim), tests/bench CPU time, 10 rotating runs on a loaded host,
 * least 828 -> 800 ms, mean of the faster half 994 -> 925 ms (either change alone: within
 * 1-3%, the noise).
 */
#define JIT_NCACHE 7

/*
 * The f registers a block uses live in xmm2..xmm15 the same way (xmm0 and xmm1 are the
 * scratch registers of jit-fp.c and jit-vector.c). Every xmm register is caller-saved, so
 * each call to C is bracketed by a write-back and a reload, as the x registers are. Keeping
 * f in env->fpr made every dependent FP operation a store and a reload on the FP-latency
 * bound hot blocks of fpmix (issue 7).
 */
#define JIT_NFCACHE 14
#define JIT_FCACHE_XMM 2 /* the xmm register of FP slot 0 */

typedef struct RegCache {
    int8_t guest[JIT_NCACHE];   /* guest register in each host register, -1 if none */
    uint8_t dirty;              /* mask: host register newer than env->gpr */
    int8_t fguest[JIT_NFCACHE]; /* f register in xmm JIT_FCACHE_XMM + i, -1 if none */
    uint16_t fdirty;            /* mask: xmm register newer than env->fpr */
} RegCache;

typedef struct JitCold {
    uint8_t kind;
    uint8_t idx;     /* record index */
    uint8_t memop;   /* size | JIT_MO_SIGN */
    int8_t dst;      /* COLD_LOAD: the host register the fast path loads into, -1: rax */
    uint8_t *branch;  /* rel32 of the jump to the stub */
    uint8_t *branch2; /* another one, or NULL (a COLD_LOAD reached from COLD_PLAIN too) */
    uint8_t *resume; /* where the fast path goes on */
    RegCache regs;   /* the cache at the branch: saved around the call */
} JitCold;

struct JitCtx {
    X86Buf *b;
    TranslationBlock *tb;
    const InsnRecord *r;
    int idx;
    bool ended;       /* a control-flow record ended the block: the end record is dead */
    bool loop;        /* loop mode (see jit_loop_regs) */
    bool loop_failed; /* the block needed a register outside the preloaded set */
    /*
     * FS was checked / made Dirty earlier in the block's code, so later F/D records skip it.
     * Nothing inside JIT code turns FS off or back from Dirty: a write to mstatus/sstatus is
     * a CSR write the JIT leaves to the interpreter (the code ends there, jit_gen_fcsr takes
     * only fflags/frm/fcsr, which make FS Dirty), and a trap leaves the code. Measured: fpmix
     * built bare-metal, least CPU time of 7 runs 0.36 s -> 0.31 s; test_fs_per_block.
     */
    bool fs_checked, fs_dirty;
    /* frm = RNE and fflags.NX hold on this path: checked by a guard (jit-fp.c), and no fcsr
     * write or helper call since (nothing else writes frm, and fflags only accrue). */
    bool fp_guard_held;
    uint8_t *loop_entry;
    /* Loop mode's body twice (jit-translate.c unrollable): 1 while translating the first copy,
     * 2 the second, 0 if once; the first copy's jcc out of the loop, to the second's exit. */
    int copy;
    uint8_t *first_exit;
    /*
     * Bit g: x[g] holds a sign-extended 32-bit value, from a record before on this path (a
     * *W operation, a load narrower than 64 bits, logic of two such values), so a sext.w
     * (addiw rd, rs, 0) of it is a move. Empty at the block's (and the loop's) start; a
     * record's rd loses its bit before the record is translated, which asks sext32_in (the
     * bits before it).
     */
    uint32_t sext32, sext32_in;
    uint64_t low32; /* jit_low32_results of the block */
    RegCache regs;
    unsigned last_use[JIT_NCACHE], flast_use[JIT_NFCACHE], clock;
    unsigned rec_clock; /* clock before the current record: slots used since are its own */
    JitCold cold[JIT_MAX_COLD];
    int n_cold;
};

/* jit-regs.c: the caches' state, written back to env / loaded from it around C calls. */
/* The host register holding x[g] (g != 0) in rc; the caller knows it is cached there. */
X86Reg jit_cached_reg(const RegCache *rc, int g);
void jit_regcache_clear(RegCache *rc);
void jit_write_back(X86Buf *b, const RegCache *rc);
void jit_reload(X86Buf *b, const RegCache *rc);
/*
 * The host register of guest g (not x0) for a result written after a point that may trap (a
 * load's probe): allocated before that point (an eviction's store goes there) and not loaded;
 * left clean, so a trap before the write keeps env->gpr[g] (a slow path's write-back skips
 * it and its reload fills it). jit_mark_dirty(g) once the value is in it. Valid while nothing
 * else is allocated (jit_rs of a register already cached allocates nothing).
 */
X86Reg jit_rd_clean(JitCtx *c, int g);
void jit_mark_dirty(JitCtx *c, int g);
/*
 * Bit i: record i is a *W operation (or mulw) whose result the block reads only through its
 * low 32 bits before overwriting it, with no exit, trap or C call between: its sign
 * extension can be left out (jit-alu.c). A backward walk of demanded bits (none, low 32,
 * all 64) from the block's end, where every register is demanded whole, as at every record
 * that may trap, leave or call C. Measured: tests/bench's crc32 phase alone (xorshift's
 * slliw), CPU seconds, medians of 9 alternating runs, 0.266 -> 0.254 s.
 */
uint64_t jit_low32_results(const TranslationBlock *tb);
/* Loop mode's registers (see jit-regs.c); false if the block does not qualify. */
bool jit_loop_regs(const TranslationBlock *tb, RegCache *rc);
/* The f registers a record names, {rd (written), rs1, rs2, rs3}, -1 where none. */
void jit_fp_operands(const InsnRecord *r, int f[4]);

/* jit-translate.c: a cold stub reached through the rel32 at branch, resuming at the current
 * point; a trap at the current record when cc holds. */
JitCold *jit_cold_add(JitCtx *c, int kind, uint8_t *branch, unsigned memop);
void jit_branch_to_raise(JitCtx *c, X86Cond cc);

/* jit-mem.c: the records of loads and stores, and their cold stubs. */
unsigned jit_load_size(int op, bool *sign);
void jit_gen_load(JitCtx *c, unsigned size, bool sign);
void jit_gen_store(JitCtx *c, unsigned size);
void jit_gen_fp_load(JitCtx *c, unsigned size);
void jit_gen_fp_store(JitCtx *c, unsigned size);
void jit_gen_cold_mem(JitCtx *c, JitCold *k);

#endif
