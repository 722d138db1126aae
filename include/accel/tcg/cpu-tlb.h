/*
 * The softmmu TLB and the block jump cache of one vCPU (DESIGN.md "CPUs",
 * "Execution engine"). Embedded in the target CPU (RISCVCPU.tlb, reached as
 * CPUState.tlb); it starts as zeroed memory, which the first tlb_flush() makes
 * an empty TLB without rewriting it (cputlb.c), before first use (tcg_cpu_exec
 * does it by itself).
 *
 * An entry caches one 4 KiB guest-virtual page for one MMU context
 * (mmu_idx): a tag per access type (read, write, execute) that equals the
 * page address when that access may take the fast path, and an addend with
 * host pointer = vaddr + addend for RAM. Tag flag bits in the low 12 bits
 * send an access to the slow path while keeping the translation cached:
 * TLB_MMIO (device or ROM-write page: go through the AddressSpace) and
 * TLB_NOTDIRTY (the page holds translated code: a store must invalidate it).
 * Because the fast path compares the tag with the page of the access's LAST
 * byte, an access that crosses a page boundary also misses and is split by
 * the slow path.
 *
 * Threads: only the vCPU's own thread writes its TLB, except that a new code
 * page is marked TLB_NOTDIRTY in other vCPUs' TLBs inside an exclusive
 * section; other threads may read it (tb-maint.c, docs/memory-model.md).
 */
#ifndef ACCEL_TCG_CPU_TLB_H
#define ACCEL_TCG_CPU_TLB_H

#include "common.h"

typedef struct CPUState CPUState;
typedef struct TranslationBlock TranslationBlock;

#define TARGET_PAGE_BITS 12
#define TARGET_PAGE_SIZE (1ULL << TARGET_PAGE_BITS)
#define TARGET_PAGE_MASK (~(TARGET_PAGE_SIZE - 1))

/* Must equal NB_MMU_MODES of the target (checked in cputlb.c). */
#define CPU_TLB_NB_MODES 14
/*
 * RISC-V Linux boot (scripts/bench boot), the run loop's jump-cache misses with 9 / 12 bits:
 * 272,000 of 879,000 blocks entered, 81,000 of them code-TLB misses (the kernel's text is 1,024
 * pages) and 187,000 jump-cache conflicts (44,000 blocks); with 10 / 14 bits 130,000, of which
 * 26,000 and 78,000. CPU seconds, median of 10 alternate runs: 0.378 -> 0.348 with the S_SUM
 * context (target/riscv cpu.h). Memory: 20 KiB more per filled TLB mode, 192 KiB more jump cache.
 */
#define CPU_TLB_BITS 10
#define CPU_TLB_SIZE (1 << CPU_TLB_BITS)
/* 16 K entries (256 KiB a vCPU): with 4 K, 692 k of the x86boot boot's run-loop lookups
 * were jump-cache conflicts, with 16 K 344 k (the kernel's hot blocks outnumber 4 K). */
#define TB_JMP_CACHE_BITS 14
#define TB_JMP_CACHE_SIZE (1 << TB_JMP_CACHE_BITS)

#define TLB_MMIO 0x1ULL     /* access through the AddressSpace (device, ROM write) */
#define TLB_NOTDIRTY 0x2ULL /* code page: stores invalidate its blocks first */
#define TLB_FLAGS_MASK 0x3ULL
#define TLB_INVALID (~0ULL) /* matches no address: low bits are never all set */

/* What an access does, for the target's page walker and its fault causes. */
typedef enum MMUAccessType {
    MMU_DATA_LOAD = 0,
    MMU_DATA_STORE = 1,
    MMU_INST_FETCH = 2
} MMUAccessType;

/* Rights a translation grants (TCGCPUOps.tlb_fill's *prot). */
#define PAGE_READ 1
#define PAGE_WRITE 2
#define PAGE_EXEC 4
/* Not a right: the translation survives tlb_flush_nonglobal (an x86 global page, a RISC-V
 * mapping with G set: in every address space). */
#define PAGE_GLOBAL 8

/*
 * Exceptions travel through the engine as the target's cause numbers (int);
 * TCG_EXCP_NONE means none (the target's "no exception" value must equal it).
 */
#define TCG_EXCP_NONE (-1)

typedef struct CPUTLBEntry {
    uint64_t addr_read;
    uint64_t addr_write;
    uint64_t addr_code;
    uintptr_t addend; /* host = vaddr + addend (RAM pages only) */
} CPUTLBEntry;

typedef struct TBJumpCacheEntry {
    uint64_t pc; /* guest virtual pc */
    TranslationBlock *tb;
} TBJumpCacheEntry;

/*
 * The JIT's return-address stack (accel/tcg/jit.c: jit_emit_ras_push, jit_emit_ras_ret). A
 * call pushes its return address with host code that goes on from there: an exit of the
 * calling block to the instruction after the call, chained as any exit (so it jumps straight
 * into the next block once both are compiled, and is unlinked when either is dropped). A
 * return whose target is the address on top jumps to that code instead of looking the
 * block up in the jump cache. The code is right only while the return address maps as it
 * did at the call, so the stack is emptied whenever that may have changed: any TLB flush, a
 * change of the code context (privilege, V, a guest's vsatp slot), and a flush of the
 * block cache (its code is gone).
 */
#define JIT_RAS_SIZE 16
#define JIT_RAS_EMPTY 1 /* no address: odd, and a RISC-V return's target has bit 0 clear */
typedef struct JitRas {
    uint64_t pc[JIT_RAS_SIZE];    /* return addresses, or JIT_RAS_EMPTY */
    uintptr_t code[JIT_RAS_SIZE]; /* host code (exec view) that continues at pc[i] */
    uint32_t top;                 /* index of the last push (wraps: a stack of the latest) */
    int ctx;                      /* the code_mmu_idx its entries were pushed in */
} JitRas;

/* Entries a fill pushes out of the direct-mapped table, per context (cputlb.c). */
#define CPU_VTLB_SIZE 8

/* The load and store sites' page ranges (CPUTLB.jit_hint, jit_stubs.hint_miss and
 * hint_miss_store): six arrays, each slot at the same index, 2 KiB apart. */
#define JIT_HINT_SLOTS 256
/* A slot whose range was replaced by another page JIT_HINT_THRASH times within
 * JIT_HINT_WINDOW retired instructions is thrashing (a site that walks pages of different
 * addends by turns): the sites that check it (user code's) probe the table instead. */
#define JIT_HINT_THRASH 8
#define JIT_HINT_WINDOW 1024
/* Slots forget that they thrashed at the first change of context JIT_HINT_AGE retired
 * instructions after they last forgot (tlb_jit_hints_age): a site may walk one page again
 * in the program's next phase. */
#define JIT_HINT_AGE (1u << 20)
/* JitModeHints.seen: 2^JIT_SEEN_BITS bits */
#define JIT_SEEN_BITS 12
#define JIT_SEEN_WORDS ((1u << JIT_SEEN_BITS) / 64)
typedef struct JitLoadHints {
    uint64_t lo[JIT_HINT_SLOTS];
    uint64_t lim[JIT_HINT_SLOTS];
    uintptr_t addend[JIT_HINT_SLOTS];
    uint64_t hi[JIT_HINT_SLOTS];
    uint64_t since[JIT_HINT_SLOTS];  /* instret where the slot's current window began */
    uint64_t thrash[JIT_HINT_SLOTS]; /* replacements in that window */
} JitLoadHints;

/* One context's slots, padded to the size of its table (CPUTLB.table[m]), so that the slots
 * of the data context are JIT_HINT_BIAS bytes from its table, which r14 points at in JIT
 * code. */
typedef struct JitModeHints {
    JitLoadHints h;
    /*
     * The store sites' (jit_stubs.hint_miss_store): pages whose addr_write tag let stores
     * take the fast path (RAM, no code: no TLB_NOTDIRTY) when the site took them. Emptied
     * with h, and when a page becomes a code page (tlb_set_notdirty), so a store never
     * skips the slow path's invalidation of the blocks it overwrites. Only a machine with
     * one vCPU uses them (the translator's choice): a range is per vCPU, and marking a code
     * page in another vCPU's ranges would need it stopped (tlb_page_fast_writable_elsewhere
     * counts them as fast-writable).
     */
    JitLoadHints st;
    /* Nonzero while a slot of st may hold a range: hint_miss_store sets it before it takes
     * a page in, and the owner clears it with the last range (cputlb.c), so another vCPU
     * asks one word, not every slot (tlb_page_fast_writable_elsewhere). */
    uint64_t st_filled;
    /*
     * Per table entry, the pages less one of the aligned block around its page that maps
     * alike (a superpage whose PMP answer is uniform and which one RAM range holds whole;
     * 0: the page alone), which jit_stubs.hint_miss takes into a load site's range at once.
     * A kernel's linear map is 2 MiB pages: its sites walk objects all over them.
     */
    uint32_t block_pages[CPU_TLB_SIZE];
    /*
     * A one-hash Bloom filter of the blocks the table took since the slots were last
     * emptied with it (cputlb.c, jit_hints_may_hold): a page it does not hold is in no
     * slot's range, so a page's flush skips the slots.
     */
    uint64_t seen[JIT_SEEN_WORDS];
    uint64_t seen_global[JIT_SEEN_WORDS]; /* the same of the fills with PAGE_GLOBAL */
    uint8_t pad[CPU_TLB_SIZE * sizeof(CPUTLBEntry) - 2 * sizeof(JitLoadHints) - sizeof(uint64_t) -
                CPU_TLB_SIZE * sizeof(uint32_t) - 2 * JIT_SEEN_WORDS * sizeof(uint64_t)];
} JitModeHints;

typedef struct CPUTLB {
    CPUTLBEntry table[CPU_TLB_NB_MODES][CPU_TLB_SIZE];
    hwaddr paddr[CPU_TLB_NB_MODES][CPU_TLB_SIZE]; /* physical page of each entry */
    TBJumpCacheEntry jc[TB_JMP_CACHE_SIZE];       /* virtual pc -> block, validated */
    JitRas ras;
    /* engine bookkeeping */
    bool initialized;        /* tlb_flush() ran: before, the table is all zero */
    unsigned filled_modes;   /* bit n: an entry of mmu_idx n was filled since its last flush */
    unsigned as_generation;  /* memory map generation the entries were filled under */
    unsigned tb_flush_count; /* block cache generation the jump cache refers to */
    int data_mmu_idx;        /* contexts of the running block (recomputed at exits) */
    int code_mmu_idx;
    TranslationBlock *scratch; /* buffer for uncached one-instruction blocks */
    int jit_exc;               /* JIT: trap a helper reported, raised by the JIT's raise stub */
    uint64_t jit_tval;
    /* bit i of word i / 64: table entry i was filled with PAGE_GLOBAL */
    uint64_t global[CPU_TLB_NB_MODES][CPU_TLB_SIZE / 64];
    /* the victim entries: only the slow path looks at them, never a store's fast path */
    CPUTLBEntry vtable[CPU_TLB_NB_MODES][CPU_VTLB_SIZE];
    hwaddr vpaddr[CPU_TLB_NB_MODES][CPU_VTLB_SIZE];
    uint8_t vglobal[CPU_TLB_NB_MODES]; /* bit v: victim v is global */
    uint8_t vnext[CPU_TLB_NB_MODES];   /* the victim slot the next eviction takes */
    /*
     * JIT: per load site (target/riscv/jit-translate.c hashes its pc to a slot), a range of
     * guest-virtual pages [lo, hi) that one addend maps (each page a translation the table
     * held when the site took it) and lim = hi - lo - 7 (so any access of up to 8 bytes, as
     * sites of different sizes share a slot): an access hits when va - lo < lim, unsigned.
     * lim = 0 is an empty slot (so the zeroed CPU starts empty). Each context has its slots
     * (a site reads those of the context it runs in), emptied with its table
     * (tlb_jit_hints_clear), so a range never outlives a translation the table dropped; a
     * change of context keeps them. Before, one set of slots served every context and was
     * emptied at each change: a user site took its page again after every system call and
     * interrupt. JitModeHints.st are the same per store site (jit_stubs.hint_miss_store).
     */
    JitModeHints jit_hint[CPU_TLB_NB_MODES];
    uint64_t jit_hint_aged; /* instret when the slots last forgot their thrashing */
} CPUTLB;

/* From a context's table to its hint slots (both arrays of CPU_TLB_NB_MODES equal strides). */
#define JIT_HINT_BIAS (offsetof(CPUTLB, jit_hint) - offsetof(CPUTLB, table))

static inline CPUTLBEntry *tlb_entry(CPUTLB *tlb, int mmu_idx, uint64_t vaddr)
{
    return &tlb->table[mmu_idx][(vaddr >> TARGET_PAGE_BITS) & (CPU_TLB_SIZE - 1)];
}

/* Drop every cached translation of this vCPU (its own thread, or while it is stopped). */
void tlb_flush(CPUState *cpu);
/* Drop every cached translation not filled with PAGE_GLOBAL (an x86 mov to CR3). */
void tlb_flush_nonglobal(CPUState *cpu);
/* The same for the contexts in idxmap only (bit n: mmu_idx n; a RISC-V change of ASID). */
void tlb_flush_nonglobal_by_mmuidx(CPUState *cpu, unsigned idxmap);
/* Drop every cached translation of the contexts in idxmap (bit n: mmu_idx n). */
void tlb_flush_by_mmuidx(CPUState *cpu, unsigned idxmap);
/* Drop cached translations of the page containing vaddr. */
void tlb_flush_page(CPUState *cpu, uint64_t vaddr);
/* Empty the JIT sites' page ranges (CPUTLB.jit_hint: loads' and stores') of the contexts in
 * idxmap. */
void tlb_jit_hints_clear(CPUTLB *tlb, unsigned idxmap);
/* Empty the JIT's return-address stack (JitRas): its code may no longer be the right one. */
void tlb_ras_clear(CPUTLB *tlb);
/* At a change of context, instret now: the slots forget their thrashing now and then. */
void tlb_jit_hints_age(CPUTLB *tlb, uint64_t now);

#endif
