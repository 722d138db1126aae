/*
 * Translation blocks: guest code pre-decoded into instruction records, cached
 * by physical pc (DESIGN.md "Execution engine").
 *
 * A block covers guest code inside one physical page, entered at its start
 * (a superblock: a target may run on past a conditional branch, whose taken
 * edge is then a side exit), and ends at a control-flow instruction, at an instruction that may
 * change privilege, translation or interrupt state, at the page end or after TB_MAX_INSNS. Blocks
 * live in one arena (tb-maint.c) until the whole cache is flushed, so a pointer to an invalidated
 * block stays readable: a block that is running when a store invalidates it finishes safely.
 *
 * Invalidation: a store to a page holding code (found through TLB_NOTDIRTY)
 * or a DMA/loader write (memory_ram_write_hook) drops the blocks whose bytes
 * it overlaps, after writing them; a full flush drops all. A block dropped
 * while another hart runs it finishes there, but no lookup or chain enters
 * it again: that is what fence.i relies on (docs/memory-model.md). Blocks are chained (jmp[]) to
 * blocks of the same page, whose block list is walked to unlink the survivors from a dropped
 * block, and JIT code to blocks of other pages, through an exit that checks the code TLB first
 * (jit.h): those links are kept in the target page's incoming list, walked too. The interpreter
 * follows only links inside the page.
 */
#ifndef ACCEL_TCG_TB_H
#define ACCEL_TCG_TB_H

#include "accel/tcg/cpu-tlb.h"
#include "common.h"

/* Record offsets (pcoff) are 8-bit, so a block spans at most 64 four-byte instructions. */
#define TB_MAX_INSNS 64
#define TB_PHYS_INVALID (~(hwaddr)0)
/*
 * Exit slots a block may chain: the jump or taken branch that ends it, its fall-through, and
 * TB_NSLOTS - 2 side exits (a target may continue a block past a conditional branch; RISC-V
 * does past forward ones, target/riscv/translate.c; x86 past any, and its JIT chains the first
 * two that stay on the block's page, target/i386/jit-translate.c).
 */
#define TB_NSLOTS 4

/*
 * One pre-decoded instruction (12 bytes). op is the target's operation
 * number, which the target's decoder chose and which both engines dispatch
 * on: the interpreter through its label table, the JIT through a switch.
 * The operand fields mean what the target says; the end record (fall
 * through to the next block) has the target's end operation.
 */
typedef struct InsnRecord {
    int32_t imm; /* immediate */
    uint16_t op; /* operation number (target-defined) */
    uint8_t rd, rs1, rs2, rs3;
    uint8_t aux;   /* target-defined (RISC-V: FP rounding mode, AMO aq/rl) */
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
    /* runs counted by the run loop while the block has no host code (jit.h: tcg_jit_threshold);
     * relaxed loads and stores, not atomic adds: a count lost between vCPUs only delays */
    uint16_t exec_count;
    TranslationBlock *hash_next;
    TranslationBlock *page_next;
    /* chained successor: [0] taken/jump, [1] fall-through, [2..] side exits (target's) */
    TranslationBlock *jmp[TB_NSLOTS];
    /* JIT (include/accel/tcg/jit.h); all NULL when the block is only interpreted */
    void *jit_code;             /* host code of the block: set last, read with tb_jit_code */
    TranslationBlock *jit_tail; /* records the host code leaves to the interpreter */
    /* The rel32 of the patchable jmp of exit slot i, as its offset in the code arena (0: none;
     * jit_set_jmp). 4 bytes, not a pointer: 16 bytes less in each of the boot's 44,000 blocks
     * (0.7 MiB of peak RSS), most of which are never compiled. */
    uint32_t jit_jmp[TB_NSLOTS];
    /* n_insns records and an end record, then a copy of the size bytes of guest code the
     * records were decoded from (tb_code: re-checked against memory by tb_insert, and read
     * for the tval of an illegal instruction) */
    InsnRecord insns[];
};

/*
 * tb's host code, or NULL while it is interpreted. A published block gets its code when it is
 * hot (jit.h), while other vCPUs run it: the acquire pairs with jit_compile's release, so the
 * code and tb's other JIT fields are complete when it is seen.
 */
static inline void *tb_jit_code(TranslationBlock *tb)
{
    return __atomic_load_n(&tb->jit_code, __ATOMIC_ACQUIRE);
}

static inline uint8_t *tb_code(TranslationBlock *tb)
{
    return (uint8_t *)&tb->insns[tb->n_insns + 1];
}

/* Bytes a block of n_insns records over code_size bytes of guest code takes. */
static inline size_t tb_alloc_size(unsigned n_insns, unsigned code_size)
{
    return ALIGN_UP(sizeof(TranslationBlock) + (n_insns + 1) * sizeof(InsnRecord) + code_size, 16);
}

/* ---- the block cache (accel/tcg/tb-maint.c); all thread-safe ---- */
/* Space for a block of n_insns over code_size bytes from the arena; NULL when it is full. */
TranslationBlock *tb_alloc(unsigned n_insns, unsigned code_size);
/*
 * From cpu's run loop (cpu NULL: none, as in tests), publish a filled block made from the
 * guest code at host (tb_code holds the bytes it was decoded from): its page's list, and mark the
 * page as code in every vCPU's TLB. Then re-check the code against guest memory, drop the block if
 * a racing store changed it, and only if not put it in the hash table, where lookups find it
 * (tb-maint.c; the caller may still run it once: that store is not ordered before this hart's
 * fetch). False if a flush by another vCPU took the block away meanwhile: the caller must not run
 * it (resynchronise with the block cache and translate again).
 */
bool tb_insert(CPUState *cpu, TranslationBlock *tb, const uint8_t *host);
/* The valid block starting at physical address phys_pc, or NULL. */
TranslationBlock *tb_lookup_phys(hwaddr phys_pc);
bool tb_page_has_code(hwaddr paddr);
/* Drop every block on pages overlapping [addr, addr + len). */
void tb_invalidate_phys_range(hwaddr addr, uint64_t len);
/*
 * Chain exit slot of tb to next (both valid, on the same page or through a cross-page exit of
 * JIT code that can take next, jit_cross_link_ok; otherwise nothing): records tb->jmp[slot]
 * and patches tb's JIT code to jump to next's.
 */
void tb_link(TranslationBlock *tb, int slot, TranslationBlock *next);
/*
 * From jit_compile: give tb its host code (release: tb_jit_code). A published block may have
 * been dropped while it was compiled, before its exits could be unlinked (jit_unlink leaves a
 * block without code alone): its exits are unlinked here, so a dropped block's loop edge
 * never runs it again.
 */
void tb_set_jit_code(TranslationBlock *tb, void *code);
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

/* The block cache now, for the monitor's "info jit". */
typedef struct TBStats {
    size_t blocks;                 /* blocks findable by lookups */
    size_t guest_bytes, max_bytes; /* guest code they cover, in total and the largest */
    size_t arena_used, arena_size; /* block arena (records and code copies) */
    size_t jit_used, jit_size;     /* JIT code arena (0/0 without the JIT) */
    unsigned flushes;              /* tb_flush_count */
} TBStats;
void tb_get_stats(TBStats *st);

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

/* Why TCGCPUOps.tb_exec (the target's interpreter) returned. */
enum {
    TB_EXIT_NEXT, /* the pc is the next pc (or a trap was entered): go on */
    TB_EXIT_HALT, /* WFI: the pc is past it; halt until an interrupt */
};

#endif
