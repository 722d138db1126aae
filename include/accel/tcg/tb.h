/*
 * Translation blocks: guest code pre-decoded into instruction records, cached
 * by physical pc (DESIGN.md "Execution engine").
 *
 * A block covers straight-line guest code inside one physical page and ends
 * at a control-flow instruction, at an instruction that may change
 * privilege, translation or interrupt state, at the page end or after
 * TB_MAX_INSNS. Blocks live in one arena (tb-maint.c) until the whole cache
 * is flushed, so a pointer to an invalidated block stays readable: a block
 * that is running when a store invalidates it finishes safely.
 *
 * Invalidation: a store to a page holding code (found through TLB_NOTDIRTY)
 * or a DMA/loader write (memory_ram_write_hook) drops the blocks whose bytes
 * it overlaps, after writing them; a full flush drops all. A block dropped
 * while another hart runs it finishes there, but no lookup or chain enters
 * it again: that is what fence.i relies on (docs/memory-model.md). Blocks are chained (jmp[]) only
 * to blocks of the same page, so the page's block list is all that must be walked to unlink the
 * survivors from a dropped block.
 */
#ifndef ACCEL_TCG_TB_H
#define ACCEL_TCG_TB_H

#include "accel/tcg/cpu-tlb.h"
#include "common.h"

typedef struct RISCVCPU RISCVCPU;

/* Record offsets (pcoff) are 8-bit, so a block spans at most 64 four-byte instructions. */
#define TB_MAX_INSNS 64
#define TB_PHYS_INVALID (~(hwaddr)0)

/* One pre-decoded instruction for the threaded interpreter (16 bytes). */
typedef struct InsnRecord {
    const void *handler; /* interpreter label of the operation */
    int32_t imm;         /* immediate; FP/AMO: riscv_rec_pack_fp() fields */
    uint8_t rd, rs1, rs2;
    uint8_t pcoff; /* byte offset of the instruction from the block start */
} InsnRecord;

enum {
    TB_UNCACHED = 1, /* scratch block: not in the cache, never chained */
};

struct TranslationBlock {
    uint64_t pc;    /* virtual pc at translation (for logs only) */
    hwaddr phys_pc; /* the key; TB_PHYS_INVALID once invalidated */
    uint16_t size;  /* bytes of guest code */
    uint16_t n_insns;
    uint16_t flags;
    TranslationBlock *hash_next;
    TranslationBlock *page_next;
    TranslationBlock *jmp[2]; /* chained successor: [0] taken/jump, [1] fall-through */
    /* JIT (include/accel/tcg/jit.h); all NULL when the block is only interpreted */
    void *jit_code;             /* host code of the block */
    TranslationBlock *jit_tail; /* records the host code leaves to the interpreter */
    uint8_t *jit_jmp[2];        /* rel32 of the patchable jmp of exit slot i */
    /* n_insns records and an end record (fall through to the next block), then n_insns
     * uint32_t raw instruction bits (for the tval of an illegal instruction) */
    InsnRecord insns[];
};

static inline uint32_t *tb_raw(TranslationBlock *tb)
{
    return (uint32_t *)&tb->insns[tb->n_insns + 1];
}

static inline size_t tb_alloc_size(unsigned n_insns)
{
    return ALIGN_UP(sizeof(TranslationBlock) + (n_insns + 1) * sizeof(InsnRecord) + n_insns * 4,
                    16);
}

/* ---- the block cache (accel/tcg/tb-maint.c); all thread-safe ---- */
/* Space for a block of n_insns from the arena; NULL when the arena is full. */
TranslationBlock *tb_alloc(unsigned n_insns);
/*
 * From cpu's run loop (cpu NULL: none, as in tests), publish a filled block made from the
 * guest code at host: its page's list, and mark the page as code in every vCPU's TLB. Then
 * re-check the code against guest memory, drop the block if a racing store changed it, and
 * only if not put it in the hash table, where lookups find it (tb-maint.c; the caller may
 * still run it once: that store is not ordered before this hart's fetch). False if a
 * flush by another vCPU took the block away meanwhile: the caller must not run it
 * (resynchronise with the block cache and translate again).
 */
bool tb_insert(CPUState *cpu, TranslationBlock *tb, const uint8_t *host);
/* The valid block starting at physical address phys_pc, or NULL. */
TranslationBlock *tb_lookup_phys(hwaddr phys_pc);
bool tb_page_has_code(hwaddr paddr);
/* Drop every block on pages overlapping [addr, addr + len). */
void tb_invalidate_phys_range(hwaddr addr, uint64_t len);
/*
 * Chain exit slot of tb to next (same page, both valid; otherwise nothing):
 * records tb->jmp[slot] and patches tb's JIT code to jump to next's.
 */
void tb_link(TranslationBlock *tb, int slot, TranslationBlock *next);
/* Drop all blocks and reset the arena (no vCPU may be in its execution loop but the caller). */
void tb_flush_all(void);
/*
 * From a vCPU's run loop when an arena is full: tb_flush_all() in an exclusive section
 * (system/cpus.h), unless tb_flush_count moved past flushes (another vCPU flushed first).
 * The caller then resynchronises its jump cache (tb_flush_count changed).
 */
void tb_flush_exclusive(unsigned flushes);
/* Bumped by every tb_flush_all(); vCPUs clear their jump cache when it moves. */
extern unsigned tb_flush_count;

/* Jump cache slot of a virtual pc. */
static inline TBJumpCacheEntry *tb_jc_entry(CPUTLB *tlb, uint64_t pc)
{
    return &tlb->jc[(pc >> 1 ^ pc >> (TB_JMP_CACHE_BITS + 1)) & (TB_JMP_CACHE_SIZE - 1)];
}

/*
 * Fast block lookup for chaining: the jump cache entry for pc, validated by
 * the current code TLB entry (same physical pc, so same MMU context). NULL if
 * either misses; the caller then takes the slow path (tb_find).
 */
static inline TranslationBlock *tb_lookup_fast(CPUTLB *tlb, uint64_t pc)
{
    int idx = (pc >> TARGET_PAGE_BITS) & (CPU_TLB_SIZE - 1);
    CPUTLBEntry *e = &tlb->table[tlb->code_mmu_idx][idx];
    TBJumpCacheEntry *j = tb_jc_entry(tlb, pc);
    TranslationBlock *tb = j->tb;

    if (e->addr_code != (pc & TARGET_PAGE_MASK) || j->pc != pc || !tb) {
        return NULL;
    }
    if (__atomic_load_n(&tb->phys_pc, __ATOMIC_RELAXED) !=
        (tlb->paddr[tlb->code_mmu_idx][idx] | (pc & ~TARGET_PAGE_MASK))) {
        return NULL;
    }
    return tb;
}

/* ---- target hooks (target/riscv/translate.c, exec.c) ---- */
/*
 * Translate guest code at virtual pc (physical phys_pc, host bytes at host,
 * readable up to the end of the page) into a block of at most max_insns.
 * cacheable: allocate from the arena (caller inserts it); otherwise build an
 * uncached block in the vCPU's scratch buffer. An instruction crossing into
 * the next page is fetched through the MMU and always gets an uncached
 * one-instruction block. Returns NULL if that fetch faults (*exc, *tval set)
 * or if the arena is full (*exc = RISCV_EXCP_NONE: flush and retry).
 */
TranslationBlock *riscv_gen_tb(RISCVCPU *cpu, uint64_t pc, hwaddr phys_pc, const uint8_t *host,
                               int max_insns, bool cacheable, int *exc, uint64_t *tval);

/* Is the guest code at host (the block's first byte) still what tb was made from? */
bool riscv_tb_matches(const TranslationBlock *tb, const uint8_t *host);

/* Why riscv_tb_exec returned. */
enum {
    TB_EXIT_NEXT, /* env->pc is the next pc (or a trap was entered): go on */
    TB_EXIT_HALT, /* WFI: env->pc is past it; halt until an interrupt */
};

/*
 * Run tb and the blocks chained after it until a block needs the outer loop
 * (lookup miss, state change, exit_request). chain = false runs only tb.
 */
int riscv_tb_exec(RISCVCPU *cpu, TranslationBlock *tb, bool chain);
/* The interpreter's label for each RISCVOp (InsnRecord.handler); [OP_COUNT] is the end
 * record's. */
const void *const *riscv_exec_handlers(void);

#endif
