/*
 * Softmmu TLB: the slow paths behind the engines' inline probes
 * (include/accel/tcg/cpu-tlb.h explains the entry format).
 *
 * A miss asks the target to translate (TCGCPUOps.tlb_fill: for RISC-V the
 * page walk + PMP, Privileged ISA 20211203 sections 3.7 and 4.3-4.6), then
 * classifies the physical page with the memory map: RAM/ROM pages get a
 * host addend, MMIO pages a TLB_MMIO tag so the next access skips the walk,
 * unassigned addresses an access fault. A translation finer than a page
 * (lg_page_size < 12, e.g. a PMP boundary inside the page) is used once and
 * not cached. Misaligned loads and stores are performed, as QEMU does on virt;
 * those crossing a page are split, both pages translated before any byte of
 * a store is written.
 *
 * Victim entries (as QEMU's victim TLB): a fill moves the entry it replaces to
 * one of CPU_VTLB_SIZE victims of its context, where a later miss finds it and
 * swaps it back instead of walking. Pages a multiple of 2 MiB apart share an
 * entry of the direct-mapped table: the x86 boot's kernel had 3.4 million
 * such refills of 4 million (a table of 4096 entries had 0.6 million). Only
 * the slow path reads victims, so the stores' fast-path rules (TLB_NOTDIRTY)
 * are applied again when one comes back.
 */
#include <inttypes.h>

#include "accel/tcg/cputlb.h"
#include "accel/tcg/tb.h"
#include "accel/tcg/tcg-cpu-ops.h"
#include "system/memory.h"
#include "util/log.h"
#include "util/main-loop.h"

/* Where one page-local access goes. */
typedef struct TLBTarget {
    uint8_t *host;  /* host address of the access, or NULL: go through the AddressSpace */
    hwaddr paddr;   /* physical address of the access */
    bool notdirty;  /* a store to a page holding code: invalidate after writing */
    CPUTLBEntry *e; /* the entry it came from, or NULL when not cached */
} TLBTarget;

/*
 * A zeroed table (the CPU object is allocated zeroed) is invalid everywhere but where a tag
 * of 0 can meet page 0: at index 0, and at the last index, where an access that wraps around
 * the top of the address space compares its last byte's page (0) with the tag. Storing
 * TLB_INVALID there only (two of each mode's four pages) spares the first flush a 128 KiB
 * memset and half of its page faults; a flush with nothing filled since the last one (the
 * resets before the hart runs) does nothing, and the scans for a code page skip the modes
 * nothing was filled in. Issue 7: the tiny ELF's run went from 249 to 219 page faults.
 */
_Static_assert(sizeof(JitModeHints) == sizeof(((CPUTLB *)0)->table[0]),
               "JIT_HINT_BIAS needs a context's slots as big as its table");

/* Only contexts filled since their last flush have taken pages in (hint_miss probes the
 * table): the others' slots are already empty. */
void tlb_jit_hints_clear(CPUTLB *tlb, unsigned idxmap)
{
    for (int m = 0; m < CPU_TLB_NB_MODES; m++) {
        if (idxmap & tlb->filled_modes & (1u << m)) {
            JitModeHints *h = &tlb->jit_hint[m];
            memset(h->h.lim, 0, sizeof(h->h.lim));
            memset(h->h.thrash, 0, sizeof(h->h.thrash));
            memset(h->st.lim, 0, sizeof(h->st.lim));
            __atomic_store_n(&h->st_filled, 0, __ATOMIC_RELAXED);
        }
    }
}

/* Empty the slots of h whose range holds page; false if no slot holds a range now. */
static bool jit_hints_drop_page(JitLoadHints *h, uint64_t page)
{
    bool left = false;

    for (int i = 0; i < JIT_HINT_SLOTS; i++) {
        if (h->lim[i] && page - h->lo[i] < h->hi[i] - h->lo[i]) {
            h->lim[i] = 0;
        }
        left |= h->lim[i] != 0;
    }
    return left;
}

/*
 * JitModeHints.seen. A slot's range is a union of touching blocks that the stubs took from
 * table entries of its context (emit_hint_range), each block the aligned block_pages + 1
 * pages around an entry's page; so each page of a range lies in a block that an entry held
 * since the slots were last emptied. entry_fill adds the block it makes: a page alone by its
 * page, a block of up to 2 MiB by its 2 MiB region, a larger one (up to 2^MAX_BLOCK_BITS) by
 * its 1 GiB region, and a page's flush asks the three. A victim's page, back in the table
 * with no block (victim_restore), was added by its fill. The filter is emptied with the
 * slots, the table and its victims (tlb_flush_by_mmuidx); when only the global entries stay
 * (tlb_flush_nonglobal_by_mmuidx) it becomes seen_global, the part that global fills
 * added since (a superset of what they hold, in a copy of 512 bytes). Linux boot: 93% of the
 * contexts' scans skipped (26,975 to 1,847); jit_hints_drop_page was 4.5% of the profile
 * of the userspace phase, 0.04% after.
 */
#define SEEN_LEVEL_BITS 9

static unsigned seen_bit(uint64_t page, unsigned level)
{
    uint64_t key = (page >> (TARGET_PAGE_BITS + SEEN_LEVEL_BITS * level)) << 2 | level;

    return (unsigned)((key * 0x9e3779b97f4a7c15ull) >> (64 - JIT_SEEN_BITS));
}

static void jit_hints_seen_add(JitModeHints *h, uint64_t page, uint32_t block_pages, bool global)
{
    unsigned level = !block_pages ? 0 : !(block_pages >> SEEN_LEVEL_BITS) ? 1 : 2;
    unsigned bit = seen_bit(page, level);

    h->seen[bit / 64] |= 1ull << (bit % 64);
    if (global) {
        h->seen_global[bit / 64] |= 1ull << (bit % 64);
    }
}

/* False if no slot of h (loads' or stores') can hold page. */
static bool jit_hints_may_hold(const JitModeHints *h, uint64_t page)
{
    for (unsigned level = 0; level < 3; level++) {
        unsigned bit = seen_bit(page, level);
        if (h->seen[bit / 64] & (1ull << (bit % 64))) {
            return true;
        }
    }
    return false;
}

void tlb_jit_hints_age(CPUTLB *tlb, uint64_t now)
{
    if (now - tlb->jit_hint_aged < JIT_HINT_AGE) {
        return;
    }
    tlb->jit_hint_aged = now;
    for (int m = 0; m < CPU_TLB_NB_MODES; m++) {
        if (tlb->filled_modes & (1u << m)) {
            memset(tlb->jit_hint[m].h.thrash, 0, sizeof(tlb->jit_hint[m].h.thrash));
        }
    }
}

void tlb_ras_clear(CPUTLB *tlb)
{
    for (int i = 0; i < JIT_RAS_SIZE; i++) {
        tlb->ras.pc[i] = JIT_RAS_EMPTY;
    }
}

static void tlb_init_zeroed(CPUTLB *tlb)
{
    static const CPUTLBEntry invalid = {TLB_INVALID, TLB_INVALID, TLB_INVALID, 0};

    for (int mmu_idx = 0; mmu_idx < CPU_TLB_NB_MODES; mmu_idx++) {
        tlb->table[mmu_idx][0] = invalid;
        tlb->table[mmu_idx][CPU_TLB_SIZE - 1] = invalid;
    }
    memset(tlb->vtable, 0xff, sizeof(tlb->vtable));
    tlb_ras_clear(tlb);
    /* the load sites' ranges: lim = 0 already, empty (no write: no page touched) */
}

/*
 * Only the modes filled since their last flush are cleared (tlb_flush_by_mmuidx): a RISC-V
 * Linux boot fills 4 of the 14, and clearing all of them made every table page resident
 * (CPU_TLB_BITS 10: 560 KiB, against 160 KiB for the four).
 */
void tlb_flush(CPUState *cs)
{
    CPUTLB *tlb = cs->tlb;

    if (tlb->initialized) {
        tlb_flush_by_mmuidx(cs, ~0u);
        return;
    }
    tlb_init_zeroed(tlb);
    tlb->initialized = true;
    /* atomic: other vCPUs read it in tlb_page_fast_writable_elsewhere */
    __atomic_store_n(&tlb->filled_modes, 0, __ATOMIC_RELAXED);
}

void tlb_flush_by_mmuidx(CPUState *cs, unsigned idxmap)
{
    CPUTLB *tlb = cs->tlb;

    if (!tlb->initialized) {
        tlb_flush(cs);
        return;
    }
    tlb_jit_hints_clear(tlb, idxmap);
    tlb_ras_clear(tlb);
    for (int mmu_idx = 0; mmu_idx < CPU_TLB_NB_MODES; mmu_idx++) {
        if (idxmap & tlb->filled_modes & (1u << mmu_idx)) {
            memset(tlb->table[mmu_idx], 0xff, sizeof(tlb->table[mmu_idx]));
            memset(tlb->jit_hint[mmu_idx].seen, 0, sizeof(tlb->jit_hint[mmu_idx].seen));
            memset(tlb->jit_hint[mmu_idx].seen_global, 0,
                   sizeof(tlb->jit_hint[mmu_idx].seen_global));
            memset(tlb->vtable[mmu_idx], 0xff, sizeof(tlb->vtable[mmu_idx]));
        }
    }
    __atomic_store_n(&tlb->filled_modes, tlb->filled_modes & ~idxmap, __ATOMIC_RELAXED);
}

static bool entry_maps(const CPUTLBEntry *e, uint64_t page)
{
    return (e->addr_read & TARGET_PAGE_MASK) == page ||
           (e->addr_write & TARGET_PAGE_MASK) == page || (e->addr_code & TARGET_PAGE_MASK) == page;
}

void tlb_flush_page(CPUState *cs, uint64_t vaddr)
{
    CPUTLB *tlb = cs->tlb;
    uint64_t page = vaddr & TARGET_PAGE_MASK;

    tlb_ras_clear(tlb);
    for (int mmu_idx = 0; mmu_idx < CPU_TLB_NB_MODES; mmu_idx++) {
        CPUTLBEntry *e = tlb_entry(tlb, mmu_idx, vaddr);
        if (!(tlb->filled_modes & (1u << mmu_idx))) {
            continue;
        }
        JitModeHints *h = &tlb->jit_hint[mmu_idx];
        if (jit_hints_may_hold(h, page)) {
            jit_hints_drop_page(&h->h, page);
            if (__atomic_load_n(&h->st_filled, __ATOMIC_RELAXED)) {
                __atomic_store_n(&h->st_filled, jit_hints_drop_page(&h->st, page),
                                 __ATOMIC_RELAXED);
            }
        }
        if (entry_maps(e, page)) {
            memset(e, 0xff, sizeof(*e));
        }
        for (int v = 0; v < CPU_VTLB_SIZE; v++) {
            if (entry_maps(&tlb->vtable[mmu_idx][v], page)) {
                memset(&tlb->vtable[mmu_idx][v], 0xff, sizeof(CPUTLBEntry));
            }
        }
    }
}

void tlb_flush_nonglobal(CPUState *cs)
{
    tlb_flush_nonglobal_by_mmuidx(cs, ~0u);
}

void tlb_flush_nonglobal_by_mmuidx(CPUState *cs, unsigned idxmap)
{
    CPUTLB *tlb = cs->tlb;

    tlb_jit_hints_clear(tlb, idxmap);
    tlb_ras_clear(tlb);

    for (int m = 0; m < CPU_TLB_NB_MODES; m++) {
        if (!(idxmap & tlb->filled_modes & (1u << m))) {
            continue;
        }
        for (int w = 0; w < CPU_TLB_SIZE / 64; w++) {
            uint64_t keep = tlb->global[m][w];
            if (!keep) {
                memset(&tlb->table[m][w * 64], 0xff, 64 * sizeof(CPUTLBEntry));
                continue;
            }
            for (int i = 0; i < 64; i++) {
                if (!(keep & (1ULL << i))) {
                    memset(&tlb->table[m][w * 64 + i], 0xff, sizeof(CPUTLBEntry));
                }
            }
        }
        for (int v = 0; v < CPU_VTLB_SIZE; v++) {
            if (!(tlb->vglobal[m] & (1u << v))) {
                memset(&tlb->vtable[m][v], 0xff, sizeof(CPUTLBEntry));
            }
        }
        memcpy(tlb->jit_hint[m].seen, tlb->jit_hint[m].seen_global, sizeof(tlb->jit_hint[m].seen));
    }
}

/* A write tag that lets stores take the fast path (a RAM page not marked as code). */
static bool tag_fast_write(uint64_t tag)
{
    return tag != TLB_INVALID && !(tag & (TLB_MMIO | TLB_NOTDIRTY));
}

void tlb_set_notdirty(CPUState *cs, hwaddr page)
{
    CPUTLB *tlb = cs->tlb;
    unsigned modes = __atomic_load_n(&tlb->filled_modes, __ATOMIC_RELAXED);

    for (int m = 0; m < CPU_TLB_NB_MODES; m++) {
        if (!(modes & (1u << m))) {
            continue; /* nothing cached: spares reading (and faulting in) its paddr page */
        }
        /* The store ranges say virtual pages, not which frame: all go (a new code page is
         * rare). */
        memset(tlb->jit_hint[m].st.lim, 0, sizeof(tlb->jit_hint[m].st.lim));
        __atomic_store_n(&tlb->jit_hint[m].st_filled, 0, __ATOMIC_RELAXED); /* read elsewhere */
        for (int i = 0; i < CPU_TLB_SIZE; i++) {
            uint64_t *w = &tlb->table[m][i].addr_write;
            if (tlb->paddr[m][i] == page && tag_fast_write(*w)) {
                __atomic_store_n(w, *w | TLB_NOTDIRTY, __ATOMIC_RELAXED);
            }
        }
    }
}

void tlb_set_notdirty_all(hwaddr page)
{
    CPUState *cs;

    CPU_FOREACH (cs) {
        tlb_set_notdirty(cs, page);
    }
}

/* A store site of the JIT holds a page range (CPUTLB.jit_hint[].st), whichever frames. */
static bool jit_store_hints_used(CPUTLB *tlb)
{
    unsigned modes = __atomic_load_n(&tlb->filled_modes, __ATOMIC_RELAXED);

    for (int m = 0; m < CPU_TLB_NB_MODES; m++) {
        if ((modes & (1u << m)) && __atomic_load_n(&tlb->jit_hint[m].st_filled, __ATOMIC_RELAXED)) {
            return true;
        }
    }
    return false;
}

bool tlb_page_fast_writable_elsewhere(CPUState *self, hwaddr page)
{
    CPUState *cs;

    CPU_FOREACH (cs) {
        CPUTLB *tlb = cs->tlb;
        if (cs == self) {
            continue;
        }
        if (jit_store_hints_used(tlb)) {
            return true;
        }
        unsigned modes = __atomic_load_n(&tlb->filled_modes, __ATOMIC_RELAXED);

        for (int m = 0; m < CPU_TLB_NB_MODES; m++) {
            if (!(modes & (1u << m))) {
                continue;
            }
            for (int i = 0; i < CPU_TLB_SIZE; i++) {
                /* Racy reads of a running vCPU's TLB: see entry_write_recheck for why
                 * a fill we miss here is harmless. */
                if (__atomic_load_n(&tlb->paddr[m][i], __ATOMIC_RELAXED) == page &&
                    tag_fast_write(
                        __atomic_load_n(&tlb->table[m][i].addr_write, __ATOMIC_RELAXED))) {
                    return true;
                }
            }
        }
    }
    return false;
}

/*
 * This vCPU's entry for ppage now lets stores take the fast path. tb_insert, after
 * publishing a new code page, looks through the other vCPUs' TLBs for such entries
 * (tlb_page_fast_writable_elsewhere). Entry written, full fence, page checked here;
 * page published, full fence, entries checked there: one side sees the other. If it
 * is this side, mark the tag again before any store uses it. True if it did.
 */
static bool entry_write_recheck(uint64_t *tag, hwaddr ppage)
{
    if (!first_cpu || !first_cpu->next_cpu || !tag_fast_write(*tag)) {
        return false; /* one vCPU: the check before the write was enough */
    }
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (!tb_page_has_code(ppage)) {
        return false;
    }
    __atomic_store_n(tag, *tag | TLB_NOTDIRTY, __ATOMIC_RELAXED);
    return true;
}

static int access_fault(CPUState *cs, MMUAccessType access)
{
    return cs->tcg_ops->access_fault[access];
}

static uint64_t *entry_tag(CPUTLBEntry *e, MMUAccessType access)
{
    return access == MMU_DATA_LOAD    ? &e->addr_read
           : access == MMU_DATA_STORE ? &e->addr_write
                                      : &e->addr_code;
}

/* Fill the target from a cached entry whose tag matches (flags aside). */
static void target_from_entry(CPUTLB *tlb, int mmu_idx, CPUTLBEntry *e, uint64_t va,
                              MMUAccessType access, TLBTarget *t)
{
    uint64_t *tag = entry_tag(e, access);
    int idx = e - tlb->table[mmu_idx];

    t->e = e;
    t->paddr = tlb->paddr[mmu_idx][idx] | (va & ~TARGET_PAGE_MASK);
    t->host = (*tag & TLB_MMIO) ? NULL : (uint8_t *)(uintptr_t)(va + e->addend);
    t->notdirty = false;
    if (*tag & TLB_NOTDIRTY) {
        if (tb_page_has_code(t->paddr)) {
            t->notdirty = true;
        } else {
            *tag &= ~TLB_NOTDIRTY; /* its blocks were dropped through another mapping */
            t->notdirty = entry_write_recheck(tag, tlb->paddr[mmu_idx][idx]);
        }
    }
}

static bool global_bit(const uint64_t *bits, int i)
{
    return bits[i / 64] & (1ULL << (i % 64));
}

static void set_global_bit(uint64_t *bits, int i, bool on)
{
    bits[i / 64] = (bits[i / 64] & ~(1ULL << (i % 64))) | ((uint64_t)on << (i % 64));
}

/*
 * Whether e holds a translation: a valid tag for a page whose entry e is. Not every invalid
 * entry has TLB_INVALID tags: a new hart's table is zeroed (tlb_init_zeroed), and a zero tag
 * anywhere but at index 0 maps nothing; kept as a victim, it would map page 0 to host
 * address 0.
 */
static bool entry_live(CPUTLB *tlb, int mmu_idx, CPUTLBEntry *e)
{
    const uint64_t tags[] = {e->addr_read, e->addr_write, e->addr_code};

    for (int k = 0; k < 3; k++) {
        if (tags[k] != TLB_INVALID && tlb_entry(tlb, mmu_idx, tags[k] & TARGET_PAGE_MASK) == e) {
            return true;
        }
    }
    return false;
}

/* Before e is filled for another page: keep what it holds in a victim entry. */
static void victim_save(CPUTLB *tlb, int mmu_idx, CPUTLBEntry *e, uint64_t page)
{
    int i = e - tlb->table[mmu_idx], v;

    if (entry_maps(e, page) || !entry_live(tlb, mmu_idx, e)) {
        return;
    }
    v = tlb->vnext[mmu_idx]++ % CPU_VTLB_SIZE;
    tlb->vtable[mmu_idx][v] = *e;
    tlb->vpaddr[mmu_idx][v] = tlb->paddr[mmu_idx][i];
    tlb->vglobal[mmu_idx] =
        (tlb->vglobal[mmu_idx] & ~(1u << v)) | (unsigned)global_bit(tlb->global[mmu_idx], i) << v;
}

/* Cache a page-sized translation in e; host_page is NULL for MMIO; block_pages as
 * JitModeHints.block_pages. */
static void entry_fill(CPUTLB *tlb, int mmu_idx, CPUTLBEntry *e, uint64_t page, hwaddr ppage,
                       int prot, uint8_t *host_page, bool rom, bool romd, uint32_t block_pages)
{
    /* A ROM device (flash) runs code from memory but answers data reads itself. */
    uint64_t ram_flags = host_page && !romd ? 0 : TLB_MMIO;
    uint64_t write_flags = (host_page && !rom) ? 0 : TLB_MMIO;

    /* Only a writable entry needs the code page's mark (the lookup: 1.3% of the boot's CPU,
     * most of it for read-only fills: the kernel's text, fetches of user code). */
    if (!write_flags && (prot & PAGE_WRITE) && tb_page_has_code(ppage)) {
        write_flags = TLB_NOTDIRTY;
    }
    victim_save(tlb, mmu_idx, e, page);
    set_global_bit(tlb->global[mmu_idx], e - tlb->table[mmu_idx], prot & PAGE_GLOBAL);
    __atomic_store_n(&tlb->filled_modes, tlb->filled_modes | 1u << mmu_idx, __ATOMIC_RELAXED);
    /* paddr first: another vCPU's scan pairs it with the tag (entry_write_recheck) */
    __atomic_store_n(&tlb->paddr[mmu_idx][e - tlb->table[mmu_idx]], ppage, __ATOMIC_RELAXED);
    tlb->jit_hint[mmu_idx].block_pages[e - tlb->table[mmu_idx]] = block_pages;
    jit_hints_seen_add(&tlb->jit_hint[mmu_idx], page, block_pages, prot & PAGE_GLOBAL);
    e->addr_read = (prot & PAGE_READ) ? page | ram_flags : TLB_INVALID;
    /* Code runs only from RAM/ROM: a fetch from MMIO never hits and faults in the slow path. */
    e->addr_code = (prot & PAGE_EXEC) && host_page ? page : TLB_INVALID;
    e->addend = host_page ? (uintptr_t)host_page - page : 0;
    __atomic_store_n(&e->addr_write, (prot & PAGE_WRITE) ? page | write_flags : TLB_INVALID,
                     __ATOMIC_RELAXED);
    entry_write_recheck(&e->addr_write, ppage);
}

/* Host address of physical page ppage if all of it is RAM/ROM in one range, else NULL. */
static uint8_t *ram_page(const FlatRange *fr, hwaddr ppage)
{
    if (!memory_region_is_ram(fr->mr) || ppage < fr->addr ||
        ppage + TARGET_PAGE_SIZE > fr->addr + fr->size) {
        return NULL;
    }
    return fr->mr->ram_ptr + fr->offset_in_region + (ppage - fr->addr);
}

/*
 * JitModeHints.block_pages of a fill of pa whose translation holds over the aligned 2^lg
 * bytes around it (tlb_fill's lg_page_size): the largest such block that RAM range fr holds
 * whole, so that the host maps it contiguously. Only reads take a block (hint_miss; a
 * store's range takes pages one by one, each checked for code), and a ROM device's reads
 * are its own.
 */
#define MAX_BLOCK_BITS 30 /* Sv39's gigapages */
_Static_assert(MAX_BLOCK_BITS <= TARGET_PAGE_BITS + 2 * SEEN_LEVEL_BITS,
               "JitModeHints.seen's largest region must hold a block");

static uint32_t fill_block_pages(const FlatRange *fr, hwaddr pa, int lg)
{
    if (!memory_region_is_ram(fr->mr) || memory_region_is_romd(fr->mr)) {
        return 0;
    }
    for (lg = MIN(lg, MAX_BLOCK_BITS); lg > TARGET_PAGE_BITS; lg--) {
        hwaddr base = pa & ~((1ULL << lg) - 1);
        if (base >= fr->addr && base + (1ULL << lg) <= fr->addr + fr->size) {
            return (uint32_t)((1ULL << (lg - TARGET_PAGE_BITS)) - 1);
        }
    }
    return 0;
}

/* Miss: walk, classify the physical page, cache it if allowed, and describe the access. */
static int tlb_fill_target(CPUState *cs, uint64_t va, unsigned size, MMUAccessType access,
                           int mmu_idx, TLBTarget *t)
{
    CPUTLB *tlb = cs->tlb;
    hwaddr pa, ppage;
    int prot, lg;
    const FlatRange *fr;
    uint8_t *host_page;
    int ex;

    ex = cs->tcg_ops->tlb_fill(cs, va, size, access, mmu_idx, &pa, &prot, &lg);
    if (ex != TCG_EXCP_NONE) {
        return ex;
    }
    fr = flatview_lookup(address_space_get_flatview(address_space_memory()), pa);
    if (!fr) {
        log_mask(LOG_GUEST_ERROR, "cpu%d: access to unassigned address 0x%" PRIx64 "\n",
                 cs->cpu_index, pa);
        return access_fault(cs, access);
    }
    ppage = pa & TARGET_PAGE_MASK;
    host_page = ram_page(fr, ppage);
    if (access == MMU_INST_FETCH && !host_page) {
        log_mask(LOG_GUEST_ERROR, "cpu%d: fetch from non-RAM address 0x%" PRIx64 "\n",
                 cs->cpu_index, pa);
        return access_fault(cs, MMU_INST_FETCH);
    }
    if (host_page && (prot & PAGE_WRITE)) {
        /* stores may soon go straight to the host page: commit its chunk in one call */
        memory_region_ram_populate(fr->mr, fr->offset_in_region + (ppage - fr->addr),
                                   TARGET_PAGE_SIZE);
    }
    if (lg >= TARGET_PAGE_BITS && (host_page || !memory_region_is_ram(fr->mr))) {
        CPUTLBEntry *e = tlb_entry(tlb, mmu_idx, va);
        entry_fill(tlb, mmu_idx, e, va & TARGET_PAGE_MASK, ppage, prot, host_page,
                   memory_region_is_rom(fr->mr), memory_region_is_romd(fr->mr),
                   host_page ? fill_block_pages(fr, pa, lg) : 0);
        target_from_entry(tlb, mmu_idx, e, va, access, t);
        return TCG_EXCP_NONE;
    }
    /* Not cacheable: this access only (tlb_fill checked all of its bytes). */
    t->e = NULL;
    t->paddr = pa;
    t->host = NULL;
    t->notdirty = false;
    if (host_page && !(access == MMU_DATA_STORE && memory_region_is_rom(fr->mr)) &&
        !(access == MMU_DATA_LOAD && memory_region_is_romd(fr->mr))) {
        t->host = host_page + (pa - ppage);
        t->notdirty = access == MMU_DATA_STORE && tb_page_has_code(pa);
    }
    return TCG_EXCP_NONE;
}

/*
 * A victim entry for va's page that allows access, swapped with the table's entry, which
 * it returns; NULL if none. Its write tag is made what a fill would make it: code may have
 * come to the page while it was away (tlb_set_notdirty marks only the table).
 */
static CPUTLBEntry *victim_restore(CPUTLB *tlb, int mmu_idx, uint64_t va, MMUAccessType access)
{
    CPUTLBEntry *e = tlb_entry(tlb, mmu_idx, va), old = *e;
    int i = e - tlb->table[mmu_idx];
    hwaddr old_pa = tlb->paddr[mmu_idx][i];
    bool old_global = global_bit(tlb->global[mmu_idx], i);

    for (int v = 0; v < CPU_VTLB_SIZE; v++) {
        CPUTLBEntry *ve = &tlb->vtable[mmu_idx][v];
        uint64_t tag = *entry_tag(ve, access), wtag = ve->addr_write;
        hwaddr ppage = tlb->vpaddr[mmu_idx][v];

        if (tag == TLB_INVALID || (tag & TARGET_PAGE_MASK) != (va & TARGET_PAGE_MASK)) {
            continue;
        }
        if (tag_fast_write(wtag) && tb_page_has_code(ppage)) {
            wtag |= TLB_NOTDIRTY;
        }
        /* paddr first, as entry_fill: another vCPU's scan pairs it with the tag */
        __atomic_store_n(&tlb->paddr[mmu_idx][i], ppage, __ATOMIC_RELAXED);
        tlb->jit_hint[mmu_idx].block_pages[i] = 0; /* the victims keep no block */
        e->addr_read = ve->addr_read;
        e->addr_code = ve->addr_code;
        e->addend = ve->addend;
        __atomic_store_n(&e->addr_write, wtag, __ATOMIC_RELAXED);
        entry_write_recheck(&e->addr_write, ppage);
        set_global_bit(tlb->global[mmu_idx], i, tlb->vglobal[mmu_idx] & (1u << v));
        *ve = old;
        tlb->vpaddr[mmu_idx][v] = old_pa;
        tlb->vglobal[mmu_idx] = (tlb->vglobal[mmu_idx] & ~(1u << v)) | (unsigned)old_global << v;
        return e;
    }
    return NULL;
}

/* Translate one page-local access: the TLB if its tag matches (flags aside), else a fill. */
static int tlb_resolve(CPUState *cs, uint64_t va, unsigned size, MMUAccessType access, int mmu_idx,
                       TLBTarget *t)
{
    CPUTLB *tlb = cs->tlb;
    CPUTLBEntry *e = tlb_entry(tlb, mmu_idx, va);
    uint64_t tag = *entry_tag(e, access);

    if (tag != TLB_INVALID && (tag & TARGET_PAGE_MASK) == (va & TARGET_PAGE_MASK)) {
        target_from_entry(tlb, mmu_idx, e, va, access, t);
        return TCG_EXCP_NONE;
    }
    e = victim_restore(tlb, mmu_idx, va, access);
    if (e) {
        target_from_entry(tlb, mmu_idx, e, va, access, t);
        return TCG_EXCP_NONE;
    }
    return tlb_fill_target(cs, va, size, access, mmu_idx, t);
}

MemTxResult tlb_mmio_load(hwaddr paddr, unsigned size, uint64_t *val)
{
    BQL_LOCK_GUARD();

    return address_space_load(address_space_memory(), paddr, size, val);
}

MemTxResult tlb_mmio_store(hwaddr paddr, unsigned size, uint64_t val)
{
    BQL_LOCK_GUARD();

    return address_space_store(address_space_memory(), paddr, size, val);
}

/* After a store dropped code: once the page holds none, its stores may take the fast path. */
static void entry_clean(const TLBTarget *t)
{
    if (t->e && !tb_page_has_code(t->paddr)) {
        t->e->addr_write &= ~TLB_NOTDIRTY;
        entry_write_recheck(&t->e->addr_write, t->paddr & TARGET_PAGE_MASK);
    }
}

/* The access itself; false if the device refused it (an access fault). */
static bool target_load(const TLBTarget *t, unsigned size, uint64_t *val)
{
    *val = 0;
    if (t->host) {
        memcpy(val, t->host, size); /* little-endian host */
        return true;
    }
    return tlb_mmio_load(t->paddr, size, val) == MEMTX_OK;
}

static bool target_store(const TLBTarget *t, unsigned size, uint64_t val)
{
    if (!t->host) {
        return tlb_mmio_store(t->paddr, size, val) == MEMTX_OK;
    }
    memcpy(t->host, &val, size);
    if (t->notdirty) {
        /* Written first, then dropped: nobody can translate the old bytes afterwards. */
        tb_invalidate_phys_range(t->paddr, size);
        entry_clean(t);
    }
    return true;
}

/* Bytewise through the AddressSpace when a split half lands on MMIO. */
static bool target_load_part(const TLBTarget *t, unsigned n, uint8_t *buf)
{
    for (unsigned i = 0; i < n; i++) {
        TLBTarget b = *t;
        uint64_t v;
        b.paddr += i;
        b.host = t->host ? t->host + i : NULL;
        if (!target_load(&b, 1, &v)) {
            return false;
        }
        buf[i] = v;
    }
    return true;
}

static bool target_store_part(const TLBTarget *t, unsigned n, const uint8_t *buf)
{
    for (unsigned i = 0; i < n; i++) {
        TLBTarget b = *t;
        b.paddr += i;
        b.host = t->host ? t->host + i : NULL;
        if (!target_store(&b, 1, buf[i])) {
            return false;
        }
    }
    return true;
}

/* Translate both halves of a page-crossing access (second half's fault: tval = its page). */
static int resolve_split(CPUState *cs, uint64_t va, unsigned size, MMUAccessType access,
                         int mmu_idx, TLBTarget t[2], uint64_t *tval)
{
    uint64_t va2 = (va & TARGET_PAGE_MASK) + TARGET_PAGE_SIZE;
    int ex;

    ex = tlb_resolve(cs, va, va2 - va, access, mmu_idx, &t[0]);
    if (ex == TCG_EXCP_NONE) {
        ex = tlb_resolve(cs, va2, size - (va2 - va), access, mmu_idx, &t[1]);
        if (ex != TCG_EXCP_NONE) {
            *tval = va2;
        }
    }
    return ex;
}

int tlb_load_slow(CPUState *cs, uint64_t va, unsigned size, int mmu_idx, uint64_t *val,
                  uint64_t *tval)
{
    unsigned n1 = TARGET_PAGE_SIZE - (va & ~TARGET_PAGE_MASK);
    TLBTarget t[2];
    uint8_t buf[8] = {0};
    int ex;
    bool ok;

    *tval = va;
    if (n1 >= size) {
        ex = tlb_resolve(cs, va, size, MMU_DATA_LOAD, mmu_idx, &t[0]);
        if (ex != TCG_EXCP_NONE) {
            return ex;
        }
        return target_load(&t[0], size, val) ? TCG_EXCP_NONE : access_fault(cs, MMU_DATA_LOAD);
    }
    ex = resolve_split(cs, va, size, MMU_DATA_LOAD, mmu_idx, t, tval);
    if (ex != TCG_EXCP_NONE) {
        return ex;
    }
    ok = target_load_part(&t[0], n1, buf) && target_load_part(&t[1], size - n1, buf + n1);
    memcpy(val, buf, 8);
    return ok ? TCG_EXCP_NONE : access_fault(cs, MMU_DATA_LOAD);
}

int tlb_store_slow(CPUState *cs, uint64_t va, unsigned size, int mmu_idx, uint64_t val,
                   uint64_t *tval)
{
    unsigned n1 = TARGET_PAGE_SIZE - (va & ~TARGET_PAGE_MASK);
    TLBTarget t[2];
    uint8_t buf[8];
    int ex;
    bool ok;

    *tval = va;
    if (n1 >= size) {
        ex = tlb_resolve(cs, va, size, MMU_DATA_STORE, mmu_idx, &t[0]);
        if (ex != TCG_EXCP_NONE) {
            return ex;
        }
        return target_store(&t[0], size, val) ? TCG_EXCP_NONE : access_fault(cs, MMU_DATA_STORE);
    }
    ex = resolve_split(cs, va, size, MMU_DATA_STORE, mmu_idx, t, tval);
    if (ex != TCG_EXCP_NONE) {
        return ex;
    }
    memcpy(buf, &val, 8);
    ok = target_store_part(&t[0], n1, buf) && target_store_part(&t[1], size - n1, buf + n1);
    return ok ? TCG_EXCP_NONE : access_fault(cs, MMU_DATA_STORE);
}

int tlb_probe(CPUState *cs, uint64_t va, unsigned size, MMUAccessType access, int mmu_idx,
              void **host, hwaddr *paddr, bool *code)
{
    TLBTarget t;
    int ex = tlb_resolve(cs, va, size, access, mmu_idx, &t);

    if (ex != TCG_EXCP_NONE) {
        return ex;
    }
    *host = t.host;
    *paddr = t.paddr;
    *code = t.notdirty;
    return TCG_EXCP_NONE;
}

int tlb_translate_code(CPUState *cs, uint64_t pc, hwaddr *paddr, const uint8_t **host)
{
    TLBTarget t;
    int ex = tlb_resolve(cs, pc, 2, MMU_INST_FETCH, cs->tlb->code_mmu_idx, &t);

    if (ex != TCG_EXCP_NONE) {
        return ex;
    }
    if (!t.host) {
        return access_fault(cs, MMU_INST_FETCH);
    }
    *paddr = t.paddr;
    *host = t.host;
    return TCG_EXCP_NONE;
}
