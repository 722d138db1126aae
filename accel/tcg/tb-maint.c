/*
 * The translation block cache, shared by all vCPUs (QEMU's tb-maint.c and
 * translate-all.c in one): an arena the blocks are carved from, a hash table
 * keyed by physical pc, and per physical page the list of its blocks, which
 * is what code invalidation walks (include/accel/tcg/tb.h has the rules).
 *
 * Readers (lookups, "does this page hold code?") take no lock: blocks and
 * page descriptors are never freed, a removed block keeps its hash_next, and
 * new entries are published with release stores. Writers (insert,
 * invalidate, flush) serialise on tb_lock.
 *
 * Known limit: tb_flush_all() reuses the arena at once, which is safe only
 * while no other vCPU runs a block (true with one vCPU; SMP needs an
 * exclusive section here).
 */
#include <pthread.h>
#include <sys/mman.h>

#include "accel/tcg/cputlb.h"
#include "accel/tcg/tb.h"
#include "system/memory.h"

#define TB_ARENA_SIZE (256 * MiB)
#define TB_HASH_BITS 16
#define PAGE_HASH_BITS 14

typedef struct PageDesc {
    hwaddr page;
    TranslationBlock *first; /* blocks on this page (page_next), NULL if none */
    struct PageDesc *next;   /* in the page hash bucket */
} PageDesc;

static pthread_mutex_t tb_lock = PTHREAD_MUTEX_INITIALIZER;
static uint8_t *tb_arena;
static size_t tb_arena_used;
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

bool tb_page_has_code(hwaddr paddr)
{
    PageDesc *pd = page_find(paddr);
    return pd && __atomic_load_n(&pd->first, __ATOMIC_RELAXED);
}

TranslationBlock *tb_alloc(unsigned n_insns)
{
    size_t size = tb_alloc_size(n_insns);
    TranslationBlock *tb = NULL;

    pthread_mutex_lock(&tb_lock);
    if (!tb_arena) {
        /* Reserved, not committed: pages are touched only as blocks are made. */
        tb_arena = mmap(NULL, TB_ARENA_SIZE, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (tb_arena == MAP_FAILED) {
            fprintf(stderr, "kestrel: cannot reserve the translation cache\n");
            abort();
        }
    }
    if (tb_arena_used + size <= TB_ARENA_SIZE) {
        tb = (TranslationBlock *)(tb_arena + tb_arena_used);
        tb_arena_used += size;
    }
    pthread_mutex_unlock(&tb_lock);
    return tb;
}

void tb_insert(TranslationBlock *tb)
{
    unsigned h = tb_hash_of(tb->phys_pc);
    PageDesc *pd;
    bool new_code_page;

    pthread_mutex_lock(&tb_lock);
    if (!memory_ram_write_hook) {
        /* From now on a loader or DMA write may overwrite translated code. */
        memory_ram_write_hook = tb_invalidate_phys_range;
    }
    pd = page_find_alloc(tb->phys_pc);
    new_code_page = pd->first == NULL;
    tb->page_next = pd->first;
    __atomic_store_n(&pd->first, tb, __ATOMIC_RELEASE);
    tb->hash_next = tb_hash[h];
    __atomic_store_n(&tb_hash[h], tb, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&tb_lock);
    if (new_code_page) {
        tlb_set_notdirty_all(tb->phys_pc & TARGET_PAGE_MASK);
    }
}

TranslationBlock *tb_lookup_phys(hwaddr phys_pc)
{
    TranslationBlock *tb = __atomic_load_n(&tb_hash[tb_hash_of(phys_pc)], __ATOMIC_ACQUIRE);

    while (tb && tb->phys_pc != phys_pc) {
        tb = tb->hash_next;
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
        *p = tb->hash_next;
    }
    __atomic_store_n(&tb->phys_pc, TB_PHYS_INVALID, __ATOMIC_RELEASE);
    tb->jmp[0] = tb->jmp[1] = NULL;
}

static void tb_invalidate_page(hwaddr page)
{
    PageDesc *pd = page_find(page);

    if (!pd || !pd->first) {
        return;
    }
    pthread_mutex_lock(&tb_lock);
    for (TranslationBlock *tb = pd->first; tb; tb = tb->page_next) {
        tb_remove(tb);
    }
    pd->first = NULL;
    pthread_mutex_unlock(&tb_lock);
}

void tb_invalidate_phys_range(hwaddr addr, uint64_t len)
{
    hwaddr end = addr + len;

    for (hwaddr page = addr & TARGET_PAGE_MASK; page < end; page += TARGET_PAGE_SIZE) {
        tb_invalidate_page(page);
    }
}

void tb_flush_all(void)
{
    pthread_mutex_lock(&tb_lock);
    memset(tb_hash, 0, sizeof(tb_hash));
    for (unsigned i = 0; i < ARRAY_SIZE(page_hash); i++) {
        for (PageDesc *pd = page_hash[i]; pd; pd = pd->next) {
            pd->first = NULL;
        }
    }
    tb_arena_used = 0;
    __atomic_fetch_add(&tb_flush_count, 1, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&tb_lock);
}
