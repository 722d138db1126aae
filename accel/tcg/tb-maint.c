/*
 * The translation block cache, shared by all vCPUs (QEMU's tb-maint.c and
 * translate-all.c in one): an arena the blocks are carved from, a hash table
 * keyed by physical pc, and per physical page the list of its blocks, which
 * is what code invalidation walks (include/accel/tcg/tb.h has the rules).
 *
 * Readers (lookups, "does this page hold code?") take no lock: blocks and
 * page descriptors are never freed, a removed block keeps its hash_next, and
 * new entries are published with release stores. Writers (insert,
 * invalidate) serialise on tb_lock. A flush reuses the arenas, so it runs in
 * an exclusive section (system/cpus.h): no other vCPU is inside its
 * execution loop, and each clears its jump cache when it comes back in.
 *
 * A store racing with the translation of its bytes (SMP; docs/memory-model.md
 * has the whole argument). The translator reads guest code, then publishes
 * the block; a store on another hart writes, then looks for blocks to drop.
 * Either order can miss the other, so both sides re-check after a full
 * fence: the store side looks for blocks after its write
 * (tb_invalidate_phys_range starts with the fence), the insert side compares
 * the block with guest memory after publishing it in its page's list
 * (tb_verify) and drops it on a difference. One of the two sees the other
 * (the store-buffering pattern with fences on both sides). Only a verified
 * block goes into the hash table, so no hart, the storing one after its
 * fence.i least of all, can find it before the check. That needs the store to take the slow
 * path, i.e. TLB_NOTDIRTY in the writer's TLB. When a page becomes a code
 * page, other vCPUs may hold a TLB entry without it and be in the middle of
 * a fast-path store. The translator looks for such entries after publishing
 * (tlb_page_fast_writable_elsewhere; a vCPU filling one at that moment
 * re-checks the page itself, cputlb.c). Only if there is one, the page is
 * marked in an exclusive section, where every other vCPU's TLB is still and
 * every store they made is complete, and the block is verified there.
 */
#include <pthread.h>
#include <sys/mman.h>

#include "accel/tcg/cputlb.h"
#include "accel/tcg/jit.h"
#include "accel/tcg/tb.h"
#include "system/cpus.h"
#include "system/memory.h"
#include "util/prefault.h"

#define TB_ARENA_SIZE (256 * MiB)
#define TB_HASH_BITS 16
#define PAGE_HASH_BITS 14

/* A cross-page chain into a page: exit slot of from may jump to a block there (jit_link). */
typedef struct CrossLink {
    TranslationBlock *from;
    int slot;
    struct CrossLink *next;
} CrossLink;

typedef struct PageDesc {
    hwaddr page;
    TranslationBlock *first; /* blocks on this page (page_next), NULL if none */
    /* links from other pages' blocks into this page's (tb_lock; stale ones are pruned by
     * page_unlink_incoming), allocated from the block arena so a flush frees them */
    CrossLink *incoming;
    struct PageDesc *next; /* in the page hash bucket */
    /*
     * Bytes of the page covered by a block. A store that misses them drops nothing:
     * data that shares a page with code (small firmware images) would otherwise throw
     * the page's blocks away at every store (the CPU benchmark's rng_state next to its
     * code: crc32 phase 12x slower than QEMU before, on par with the others after).
     */
    uint64_t code_bits[TARGET_PAGE_SIZE / 64];
} PageDesc;

static pthread_mutex_t tb_lock = PTHREAD_MUTEX_INITIALIZER;
static uint8_t *tb_arena;
static size_t tb_arena_used;
static ArenaPrefault tb_arena_prefaulted; /* ahead of tb_arena_used (tb_lock) */
static TranslationBlock *tb_hash[1 << TB_HASH_BITS];
static PageDesc *page_hash[1 << PAGE_HASH_BITS];
unsigned tb_flush_count;

static unsigned tb_hash_of(hwaddr pc)
{
    return (pc >> 1 ^ pc >> (TB_HASH_BITS + 1)) & ((1 << TB_HASH_BITS) - 1);
}

static unsigned page_hash_of(hwaddr page)
{
    return (page >> TARGET_PAGE_BITS ^ page >> (TARGET_PAGE_BITS + PAGE_HASH_BITS)) &
           ((1 << PAGE_HASH_BITS) - 1);
}

static PageDesc *page_find(hwaddr paddr)
{
    hwaddr page = paddr & TARGET_PAGE_MASK;
    PageDesc *pd = __atomic_load_n(&page_hash[page_hash_of(page)], __ATOMIC_ACQUIRE);

    while (pd && pd->page != page) {
        pd = pd->next;
    }
    return pd;
}

/* With tb_lock held. */
static PageDesc *page_find_alloc(hwaddr paddr)
{
    PageDesc *pd = page_find(paddr);
    unsigned h;

    if (!pd) {
        pd = xzalloc(sizeof(*pd));
        pd->page = paddr & TARGET_PAGE_MASK;
        h = page_hash_of(pd->page);
        pd->next = page_hash[h];
        __atomic_store_n(&page_hash[h], pd, __ATOMIC_RELEASE);
    }
    return pd;
}

/* With tb_lock held; read without it by bits_any (hence the atomic word stores). */
static void bits_set(PageDesc *pd, unsigned start, unsigned end)
{
    for (unsigned i = start; i < end; i++) {
        uint64_t *w = &pd->code_bits[i / 64];
        __atomic_store_n(w, *w | 1ULL << (i % 64), __ATOMIC_RELAXED);
    }
}

static bool bits_any(PageDesc *pd, unsigned start, unsigned end)
{
    for (unsigned i = start; i < end; i++) {
        /* acquire: cleared bits (page_drop_blocks) come after the blocks' removal */
        if (__atomic_load_n(&pd->code_bits[i / 64], __ATOMIC_ACQUIRE) & (1ULL << (i % 64))) {
            return true;
        }
    }
    return false;
}

bool tb_page_has_code(hwaddr paddr)
{
    PageDesc *pd = page_find(paddr);
    return pd && __atomic_load_n(&pd->first, __ATOMIC_RELAXED);
}

/* With tb_lock held: size bytes (a multiple of 16) of the block arena, NULL when it is full. */
static void *tb_arena_take(size_t size)
{
    void *p;

    if (!tb_arena) {
        /* Reserved, not committed: pages are touched only as blocks are made. */
        tb_arena = mmap(NULL, TB_ARENA_SIZE, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (tb_arena == MAP_FAILED) {
            fprintf(stderr, "kestrel: cannot reserve the translation cache\n");
            abort();
        }
    }
    if (tb_arena_used + size > TB_ARENA_SIZE) {
        return NULL;
    }
    arena_prefault(&tb_arena_prefaulted, tb_arena, NULL, TB_ARENA_SIZE, tb_arena_used + size);
    p = tb_arena + tb_arena_used;
    tb_arena_used += size;
    return p;
}

TranslationBlock *tb_alloc(unsigned n_insns, unsigned code_size)
{
    TranslationBlock *tb;

    pthread_mutex_lock(&tb_lock);
    tb = tb_arena_take(tb_alloc_size(n_insns, code_size));
    if (tb) {
        tb->exec_count = 0; /* the arena is reused after a flush; the count is the run loop's */
    }
    pthread_mutex_unlock(&tb_lock);
    return tb;
}

/* Drop tb if guest memory no longer holds the code it was made from. */
static void tb_verify(TranslationBlock *tb, const uint8_t *host)
{
    /* Published already: another hart may have invalidated tb, then there is nothing to do. */
    hwaddr phys_pc = __atomic_load_n(&tb->phys_pc, __ATOMIC_RELAXED);

    if (memcmp(tb_code(tb), host, tb->size) && phys_pc != TB_PHYS_INVALID) {
        tb_invalidate_phys_range(phys_pc, tb->size);
    }
}

/*
 * tb made its page a code page: mark the page in every vCPU's TLB, so their stores drop
 * blocks from now on, and verify tb against the stores made before. False if a flush
 * (by the vCPU whose section ran while we waited for ours) took tb away.
 */
static bool tb_protect_page(CPUState *cpu, TranslationBlock *tb, hwaddr page, const uint8_t *host,
                            unsigned flushes)
{
    bool kept;

    /*
     * Usually no other vCPU can store to the page without the slow path: then marking our
     * own TLB is enough, and a store racing with us is in the slow path, where the fence
     * pairs with ours. An exclusive section stops every running vCPU; in a Linux boot at
     * -smp 4 none of the ~600 new code pages needed one.
     */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (!tlb_page_fast_writable_elsewhere(cpu, page)) {
        if (cpu) {
            tlb_set_notdirty(cpu, page);
        }
        tb_verify(tb, host);
        return true;
    }
    cpus_exclusive_begin();
    kept = __atomic_load_n(&tb_flush_count, __ATOMIC_RELAXED) == flushes;
    if (kept) {
        tlb_set_notdirty_all(page);
        tb_verify(tb, host);
    }
    cpus_exclusive_end();
    return kept;
}

/* Make tb findable by lookups, unless a store dropped it already. */
static void tb_hash_insert(TranslationBlock *tb)
{
    pthread_mutex_lock(&tb_lock);
    if (tb->phys_pc != TB_PHYS_INVALID) {
        unsigned h = tb_hash_of(tb->phys_pc);
        tb->hash_next = tb_hash[h];
        __atomic_store_n(&tb_hash[h], tb, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&tb_lock);
}

bool tb_insert(CPUState *cpu, TranslationBlock *tb, const uint8_t *host)
{
    unsigned flushes = __atomic_load_n(&tb_flush_count, __ATOMIC_ACQUIRE);
    hwaddr page;
    PageDesc *pd;
    bool new_code_page;

    /*
     * First where stores look (page list, code bits), then verified, and only then where
     * lookups look (hash table): a block made from bytes a racing store has replaced is
     * dropped before any other hart can find it. In particular the storing hart, after its
     * own fence.i, must not run it (docs/memory-model.md).
     */
    pthread_mutex_lock(&tb_lock);
    if (!memory_ram_write_hook) {
        /* From now on a loader or DMA write may overwrite translated code. */
        memory_ram_write_hook = tb_invalidate_phys_range;
    }
    /* Read before publishing: once tb is on the page list another hart may invalidate it. */
    page = tb->phys_pc & TARGET_PAGE_MASK;
    pd = page_find_alloc(tb->phys_pc);
    new_code_page = pd->first == NULL;
    bits_set(pd, tb->phys_pc & ~TARGET_PAGE_MASK, (tb->phys_pc & ~TARGET_PAGE_MASK) + tb->size);
    tb->hash_next = NULL;
    tb->page_next = pd->first;
    __atomic_store_n(&pd->first, tb, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&tb_lock);
    if (new_code_page) {
        if (!tb_protect_page(cpu, tb, page, host, flushes)) {
            return false;
        }
    } else {
        __atomic_thread_fence(__ATOMIC_SEQ_CST); /* published, then re-read: see the top */
        tb_verify(tb, host);
    }
    tb_hash_insert(tb);
    return true;
}

TranslationBlock *tb_lookup_phys(hwaddr phys_pc)
{
    TranslationBlock *tb = __atomic_load_n(&tb_hash[tb_hash_of(phys_pc)], __ATOMIC_ACQUIRE);

    while (tb && __atomic_load_n(&tb->phys_pc, __ATOMIC_RELAXED) != phys_pc) {
        tb = __atomic_load_n(&tb->hash_next, __ATOMIC_ACQUIRE);
    }
    return tb;
}

/* With tb_lock held: unlink tb from its hash bucket and make every lookup miss it. */
static void tb_remove(TranslationBlock *tb)
{
    TranslationBlock **p = &tb_hash[tb_hash_of(tb->phys_pc)];

    while (*p && *p != tb) {
        p = &(*p)->hash_next;
    }
    if (*p) {
        __atomic_store_n(p, tb->hash_next, __ATOMIC_RELEASE); /* lookups run without tb_lock */
    }
    __atomic_store_n(&tb->phys_pc, TB_PHYS_INVALID, __ATOMIC_RELEASE);
    /* A running copy of tb finishes its records but must not chain on. */
    for (int i = 0; i < TB_NSLOTS; i++) {
        jit_unlink(tb, i);
        __atomic_store_n(&tb->jmp[i], NULL, __ATOMIC_RELAXED); /* read without tb_lock */
    }
}

/*
 * Set bits [start, end) of bits, a word at a time: the bit-by-bit loop was most of
 * page_drop_blocks's 1.9% of the boot, where Linux reuses its freed init pages and each
 * store that hits a block rebuilds the bits of the ~70 blocks left on the page.
 */
static void bits_range(uint64_t *bits, unsigned start, unsigned end)
{
    while (start < end) {
        unsigned n = MIN(end - start, 64 - start % 64);
        uint64_t mask = n == 64 ? ~0ULL : ((1ULL << n) - 1) << (start % 64);

        bits[start / 64] |= mask;
        start += n;
    }
}

/*
 * With tb_lock held, after blocks of pd's page were dropped: unlink the other pages' exits
 * chained to them, and forget links that are gone (their block dropped, or unlinked).
 */
static void page_unlink_incoming(PageDesc *pd)
{
    CrossLink **p = &pd->incoming;

    while (*p) {
        CrossLink *l = *p;
        TranslationBlock *to = l->from->jmp[l->slot];

        if (to && to->phys_pc == TB_PHYS_INVALID) {
            jit_unlink(l->from, l->slot);
            __atomic_store_n(&l->from->jmp[l->slot], NULL, __ATOMIC_RELAXED);
            to = NULL;
        }
        if (!to || l->from->phys_pc == TB_PHYS_INVALID) {
            *p = l->next; /* its arena bytes come back at the next flush */
        } else {
            p = &l->next;
        }
    }
}

/* With tb_lock held: drop the page's blocks overlapping [start, end) (page offsets). */
static void page_drop_blocks(PageDesc *pd, unsigned start, unsigned end)
{
    TranslationBlock **p = &pd->first;

    while (*p) {
        TranslationBlock *tb = *p;
        unsigned off = tb->phys_pc & ~TARGET_PAGE_MASK;
        if (off < end && start < off + tb->size) {
            /*
             * Out of the hash table first, off the page list second: a store on another hart
             * that finds the list empty (tb_invalidate_page's unlocked check, acquire) returns
             * at once, and its next lookup must already miss tb. In the other order a store
             * racing with a translator's failed verify found the list empty, returned, and
             * looked up the block still being dropped (test-tcg-smc, ~1 run in 100 under load).
             */
            tb_remove(tb);
            __atomic_store_n(p, tb->page_next, __ATOMIC_RELEASE); /* pd->first: read unlocked */
        } else {
            p = &tb->page_next;
        }
    }
    /*
     * Unlink the page's survivors from the dropped blocks (other pages' links into them: the
     * incoming list, page_unlink_incoming). The code
     * bits are rebuilt aside and each word stored once: a store on another hart reads them
     * without tb_lock, and must never see a survivor's bits cleared (it would keep the
     * survivor after overwriting its code).
     */
    uint64_t bits[ARRAY_SIZE(pd->code_bits)] = {0};
    for (TranslationBlock *tb = pd->first; tb; tb = tb->page_next) {
        unsigned off = tb->phys_pc & ~TARGET_PAGE_MASK;
        for (int i = 0; i < TB_NSLOTS; i++) {
            if (tb->jmp[i] && tb->jmp[i]->phys_pc == TB_PHYS_INVALID) {
                jit_unlink(tb, i);
                __atomic_store_n(&tb->jmp[i], NULL, __ATOMIC_RELAXED);
            }
        }
        bits_range(bits, off, off + tb->size);
    }
    for (unsigned i = 0; i < ARRAY_SIZE(bits); i++) {
        __atomic_store_n(&pd->code_bits[i], bits[i], __ATOMIC_RELEASE);
    }
    page_unlink_incoming(pd);
}

static void tb_invalidate_page(hwaddr page, unsigned start, unsigned end)
{
    PageDesc *pd = page_find(page);

    if (!pd || !__atomic_load_n(&pd->first, __ATOMIC_ACQUIRE) || !bits_any(pd, start, end)) {
        return;
    }
    pthread_mutex_lock(&tb_lock);
    page_drop_blocks(pd, start, end);
    pthread_mutex_unlock(&tb_lock);
}

void tb_invalidate_phys_range(hwaddr addr, uint64_t len)
{
    hwaddr end = addr + len;

    /* The caller wrote [addr, addr + len) first; a translator re-reads after publishing. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);

    for (hwaddr page = addr & TARGET_PAGE_MASK; page < end; page += TARGET_PAGE_SIZE) {
        unsigned start = addr > page ? addr - page : 0;
        unsigned stop = MIN(end - page, TARGET_PAGE_SIZE);
        tb_invalidate_page(page, start, stop);
    }
}

void tb_flush_all(void)
{
    pthread_mutex_lock(&tb_lock);
    memset(tb_hash, 0, sizeof(tb_hash));
    for (unsigned i = 0; i < ARRAY_SIZE(page_hash); i++) {
        for (PageDesc *pd = page_hash[i]; pd; pd = pd->next) {
            pd->first = NULL;
            pd->incoming = NULL;
            memset(pd->code_bits, 0, sizeof(pd->code_bits));
        }
    }
    tb_arena_used = 0;
    jit_flush();
    __atomic_fetch_add(&tb_flush_count, 1, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&tb_lock);
}

void tb_get_stats(TBStats *st)
{
    memset(st, 0, sizeof(*st));
    pthread_mutex_lock(&tb_lock);
    for (unsigned i = 0; i < ARRAY_SIZE(tb_hash); i++) {
        for (TranslationBlock *tb = tb_hash[i]; tb; tb = tb->hash_next) {
            st->blocks++;
            st->guest_bytes += tb->size;
            st->max_bytes = MAX(st->max_bytes, (size_t)tb->size);
        }
    }
    st->arena_used = tb_arena_used;
    st->arena_size = TB_ARENA_SIZE;
    st->flushes = tb_flush_count;
    if (tcg_jit_enabled) {
        jit_arena_usage(&st->jit_used, &st->jit_size);
    }
    pthread_mutex_unlock(&tb_lock);
}

void tb_flush_exclusive(unsigned flushes)
{
    cpus_exclusive_begin();
    /* Two vCPUs that found the arena full at once flush it once. */
    if (__atomic_load_n(&tb_flush_count, __ATOMIC_RELAXED) == flushes) {
        tb_flush_all();
    }
    cpus_exclusive_end();
}

void tb_set_jit_code(TranslationBlock *tb, void *code)
{
    /* Under tb_lock, so tb_remove sees either no code or all of it with its jit_jmp[]. */
    pthread_mutex_lock(&tb_lock);
    __atomic_store_n(&tb->jit_code, code, __ATOMIC_RELEASE);
    if (tb->phys_pc == TB_PHYS_INVALID) {
        for (int i = 0; i < TB_NSLOTS; i++) {
            jit_unlink(tb, i);
        }
    }
    pthread_mutex_unlock(&tb_lock);
}

/* With tb_lock held: record that exit slot of from, on another page, jumps to next; false
 * when the arena has no room (the link is not made then). */
static bool page_add_incoming(TranslationBlock *from, int slot, TranslationBlock *next)
{
    PageDesc *pd = page_find(next->phys_pc);
    CrossLink *l = tb_arena_take(ALIGN_UP(sizeof(CrossLink), 16));

    if (!pd || !l) {
        return false;
    }
    *l = (CrossLink){.from = from, .slot = slot, .next = pd->incoming};
    pd->incoming = l;
    return true;
}

void tb_link(TranslationBlock *tb, int slot, TranslationBlock *next)
{
    pthread_mutex_lock(&tb_lock);
    /*
     * Re-checked under the lock: invalidation may have raced with the caller's lookup, and a
     * link made to or from a dropped block would outlive the unlinking walk. Every link is
     * made here, so the walk (under the same lock) sees them all: the page's blocks for a
     * link inside the page, its incoming list for one from another page (recorded before the
     * jump is patched). The release pairs with the interpreter's acquire of tb->jmp[]
     * (another hart's records are complete when it follows the link); JIT code follows the
     * patched jump instead (jit_link).
     */
    if (tb->phys_pc != TB_PHYS_INVALID && next->phys_pc != TB_PHYS_INVALID &&
        !(next->flags & TB_UNCACHED)) {
        bool same_page = !((tb->phys_pc ^ next->phys_pc) & TARGET_PAGE_MASK);

        if (same_page || (tb->jmp[slot] != next && jit_cross_link_ok(tb, slot, next) &&
                          page_add_incoming(tb, slot, next))) {
            __atomic_store_n(&tb->jmp[slot], next, __ATOMIC_RELEASE);
            jit_link(tb, slot, next);
        }
    }
    pthread_mutex_unlock(&tb_lock);
}
