/*
 * Memory as the x86 hart sees it: segment:offset → linear (base + offset;
 * limits are not checked; in 64-bit code a non-canonical address is #GP(0),
 * #SS(0) through SS) → physical (the page walk when CR0.PG is set) → the
 * board's address space; the stack; I/O ports.
 *
 * Accesses go through the softmmu TLB of accel/tcg (cputlb.c): a hit is a
 * memcpy on the host page with no lock; a miss calls x86_tlb_fill (the walk
 * below) through TCGCPUOps, and MMIO takes the BQL there. The TLB contexts
 * (mmu_idx, tlb.c) separate user, supervisor with SMAP enforced, supervisor
 * without it, and paging off, so a cached right is valid for every access
 * made in the same context.
 *
 * Paging (SDM Vol. 3A 4.3-4.6): 32-bit (4 MiB pages with CR4.PSE, PSE-36),
 * PAE, 4-level and 5-level (CR4.LA57), 2 MiB and 1 GiB pages; U/S, R/W with
 * CR0.WP, NX with EFER.NXE, SMEP, SMAP with EFLAGS.AC; reserved bits fault
 * with the RSVD error bit; accessed and dirty bits are set atomically in
 * RAM. A read fill grants write only when the page is already dirty, so the
 * first store takes the slow path and sets D.
 */
#include <inttypes.h>

#include "target/i386/cpu.h"

#include "accel/tcg/cputlb.h"
#include "accel/tcg/tb.h"
#include "util/log.h"
#include "util/main-loop.h"

enum { PG_P = 1, PG_RW = 2, PG_US = 4, PG_A = 0x20, PG_D = 0x40, PG_PS = 0x80, PG_G = 0x100 };
#define PG_NX (1ULL << 63)
/* Physical address width, as QEMU's TCG CPUs (phys-bits=40): bits 51..40 are reserved. */
#define X86_PHYS_BITS 40
#define PG_ADDR_MASK (((1ULL << X86_PHYS_BITS) - 1) & ~0xfffULL)
#define PG_HI_RSVD (((1ULL << 52) - 1) & ~((1ULL << X86_PHYS_BITS) - 1))

/* #PF error code (SDM Vol. 3A 4.7). */
enum { PF_P = 1, PF_W = 2, PF_U = 4, PF_RSVD = 8, PF_I = 0x10 };

/* What a walk found: the frame of the access, the rights along the way, and the leaf. */
typedef struct X86Walk {
    hwaddr pa;
    bool user, writable, nx, global;
    uint64_t leaf;    /* the leaf entry as read */
    hwaddr leaf_addr; /* where it is */
    void *leaf_host;  /* and its host address (NULL outside RAM) */
    int entry_size;
    int pf_bits; /* of the fault the walk itself found (not present, reserved) */
} X86Walk;

/* The shape of the paging mode: levels, the shift of the top level, entry size, root. */
typedef struct X86PagingMode {
    int levels, shift, index_bits, entry_size;
    hwaddr root;
} X86PagingMode;

static void paging_mode(const CPUX86State *env, X86PagingMode *m)
{
    if (x86_long_mode(env)) {
        bool la57 = env->cr[4] & CR4_LA57;
        *m = (X86PagingMode){la57 ? 5 : 4, la57 ? 48 : 39, 9, 8, env->cr[3] & PG_ADDR_MASK};
    } else if (env->cr[4] & CR4_PAE) {
        *m = (X86PagingMode){3, 30, 9, 8, env->cr[3] & 0xffffffe0u};
    } else {
        *m = (X86PagingMode){2, 22, 10, 4, env->cr[3] & 0xfffff000u};
    }
}

static int page_fault(CPUX86State *env, uint64_t la, MMUAccessType access, int mmu_idx, int bits)
{
    env->cr[2] = la;
    env->error_code =
        bits | (access == MMU_DATA_STORE ? PF_W : 0) | (mmu_idx == X86_MMU_USER ? PF_U : 0);
    /* I/D is reported where fetches can fault for themselves: NX in PAE paging, or SMEP. */
    if (access == MMU_INST_FETCH &&
        (((env->efer & EFER_NXE) && (env->cr[4] & CR4_PAE)) || (env->cr[4] & CR4_SMEP))) {
        env->error_code |= PF_I;
    }
    return EXCP0E_PAGE;
}

/* Host address of the entry at addr if it lies in writable RAM, else NULL. */
static void *pte_host(CPUX86State *env, hwaddr addr, int size)
{
    const FlatRange *fr = flatview_lookup(address_space_get_flatview(x86_env_cpu(env)->as), addr);

    if (!fr || !memory_region_is_ram(fr->mr) || memory_region_is_rom(fr->mr) ||
        addr + size > fr->addr + fr->size) {
        return NULL;
    }
    return memory_region_get_ram_ptr(fr->mr) + fr->offset_in_region + (addr - fr->addr);
}

/* Read an entry: in place in RAM (atomically, another CPU may be setting A/D), else a device. */
static uint64_t pte_load(CPUX86State *env, hwaddr addr, int size, void **host)
{
    uint64_t v = 0;

    *host = pte_host(env, addr, size);
    if (!*host) {
        tlb_mmio_load(addr, size, &v);
    } else if (size == 8) {
        v = __atomic_load_n((uint64_t *)*host, __ATOMIC_ACQUIRE);
    } else {
        v = __atomic_load_n((uint32_t *)*host, __ATOMIC_ACQUIRE);
    }
    return v;
}

/*
 * Set bits in the entry that still holds old; false if it changed meanwhile (walk again).
 * An entry outside RAM is left as it is (a device holds it; nothing to update atomically).
 */
static bool pte_set(hwaddr addr, void *host, int size, uint64_t old, uint64_t bits)
{
    bool ok;

    if (!host || (old & bits) == bits) {
        return true;
    }
    if (size == 8) {
        ok = __atomic_compare_exchange_n((uint64_t *)host, &old, old | bits, false,
                                         __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    } else {
        uint32_t o = old;
        ok = __atomic_compare_exchange_n((uint32_t *)host, &o, o | (uint32_t)bits, false,
                                         __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    }
    if (ok && tb_page_has_code(addr)) {
        tb_invalidate_phys_range(addr, size); /* a store like any other */
    }
    return ok;
}

/* Reserved bits of an entry at level (1 = PTE) that maps a page (leaf) or a table. */
static uint64_t pte_rsvd(const CPUX86State *env, const X86PagingMode *m, int level, bool leaf)
{
    uint64_t r;

    if (m->entry_size == 4) {
        return leaf && level == 2 ? 1u << 21 : 0; /* PSE-36: bits 20:13 are address bits */
    }
    r = PG_HI_RSVD | ((env->efer & EFER_NXE) ? 0 : PG_NX);
    if (m->levels == 3 && level == 3) {
        return r | PG_NX | 0x1e6; /* PAE PDPTE: no rights, no large pages */
    }
    if (level >= 4) {
        r |= PG_PS;
    } else if (leaf && level > 1) {
        r |= ((1ULL << (12 + 9 * (level - 1))) - 1) & ~0x1fffULL; /* below the frame, above PAT */
    }
    return r;
}

static hwaddr pte_frame(const X86PagingMode *m, uint64_t pte, int level, bool leaf)
{
    if (m->entry_size == 8) {
        return pte & PG_ADDR_MASK;
    }
    if (leaf && level == 2) {
        return (pte & 0xffc00000u) | (((pte >> 13) & 0xff) << 32);
    }
    return pte & 0xfffff000u;
}

/*
 * Walk the tables for la and fill *w; X86_EXCP_NONE, or EXCP0E_PAGE with w->pf_bits for a
 * missing or malformed entry (the rights are the caller's to check). update: set A in
 * every entry used (a debugger's walk changes nothing).
 */
static int walk(CPUX86State *env, uint64_t la, bool update, X86Walk *w)
{
    X86PagingMode m;
    hwaddr table;

    paging_mode(env, &m);
    table = m.root;
    *w = (X86Walk){.user = true, .writable = true, .entry_size = m.entry_size};
    for (int level = m.levels, shift = m.shift; level > 0; level--, shift -= m.index_bits) {
        hwaddr addr = table + ((la >> shift) & ((1u << m.index_bits) - 1)) * m.entry_size;
        void *host;
        uint64_t pte = pte_load(env, addr, m.entry_size, &host);
        bool pae_pdpte = m.levels == 3 && level == 3;
        bool leaf = level == 1 || (level <= 3 && !pae_pdpte && (pte & PG_PS) &&
                                   (m.entry_size == 8 || (env->cr[4] & CR4_PSE)));

        if (!(pte & PG_P)) {
            w->pf_bits = 0;
            return EXCP0E_PAGE;
        }
        if (pte & pte_rsvd(env, &m, level, leaf)) {
            w->pf_bits = PF_P | PF_RSVD;
            return EXCP0E_PAGE;
        }
        if (!pae_pdpte) {
            w->user &= !!(pte & PG_US);
            w->writable &= !!(pte & PG_RW);
            w->nx |= (env->efer & EFER_NXE) && (pte & PG_NX);
            if (update && !pte_set(addr, host, m.entry_size, pte, PG_A)) {
                return walk(env, la, update, w); /* changed under us: start again */
            }
        }
        if (leaf) {
            uint64_t mask = (1ULL << shift) - 1;
            w->pa = (pte_frame(&m, pte, level, true) & ~mask) | (la & mask);
            w->global = (pte & PG_G) && (env->cr[4] & CR4_PGE);
            w->leaf = pte | (update ? PG_A : 0);
            w->leaf_addr = addr;
            w->leaf_host = host;
            return X86_EXCP_NONE;
        }
        table = pte_frame(&m, pte, level, false);
    }
    return EXCP0E_PAGE; /* not reached: level 1 is a leaf */
}

/* The PAGE_* rights the walked translation gives in context mmu_idx (SDM Vol. 3A 4.6). */
static int walk_prot(const CPUX86State *env, const X86Walk *w, int mmu_idx)
{
    int prot = 0;

    if (mmu_idx == X86_MMU_USER) {
        if (w->user) {
            prot = PAGE_READ | (w->writable ? PAGE_WRITE : 0) | (w->nx ? 0 : PAGE_EXEC);
        }
        return prot;
    }
    /* Supervisor: user pages are off limits to data under SMAP (AC clear), to code under SMEP. */
    if (!w->user || mmu_idx != X86_MMU_KSMAP) {
        prot = PAGE_READ;
        if (w->writable || !(env->cr[0] & CR0_WP)) {
            prot |= PAGE_WRITE;
        }
    }
    if (!w->nx && !(w->user && (env->cr[4] & CR4_SMEP))) {
        prot |= PAGE_EXEC;
    }
    return prot;
}

static const int access_prot[3] = {PAGE_READ, PAGE_WRITE, PAGE_EXEC};

/*
 * Translate la for access in context mmu_idx: *pa, and the rights to cache in *prot.
 * update: the access is real (A/D written, CR2 and the error code set on a fault).
 */
static int translate(CPUX86State *env, uint64_t la, MMUAccessType access, int mmu_idx, bool update,
                     hwaddr *pa, int *prot, bool *global)
{
    X86Walk w;
    int excp;

    *global = false;
    if (mmu_idx == X86_MMU_PHYS || !(env->cr[0] & CR0_PG)) {
        *pa = x86_long_mode(env) ? la : la & 0xffffffffu;
        *prot = PAGE_READ | PAGE_WRITE | PAGE_EXEC;
        return X86_EXCP_NONE;
    }
    excp = walk(env, la, update, &w);
    if (excp != X86_EXCP_NONE) {
        return page_fault(env, la, access, mmu_idx, w.pf_bits);
    }
    *prot = walk_prot(env, &w, mmu_idx);
    if (!(*prot & access_prot[access])) {
        return page_fault(env, la, access, mmu_idx, PF_P);
    }
    if (!(w.leaf & PG_D)) {
        if (access == MMU_DATA_STORE && update &&
            !pte_set(w.leaf_addr, w.leaf_host, w.entry_size, w.leaf, PG_D)) {
            return translate(env, la, access, mmu_idx, update, pa, prot, global);
        }
        if (access != MMU_DATA_STORE) {
            *prot &= ~PAGE_WRITE; /* the first store comes back here to set D */
        }
    }
    *pa = w.pa;
    *global = w.global;
    return X86_EXCP_NONE;
}

int x86_translate(CPUX86State *env, uint64_t la, int access, hwaddr *pa)
{
    int prot;
    bool global;

    return translate(env, la, access, x86_mmu_index(env), false, pa, &prot, &global);
}

int x86_tlb_fill(CPUState *cs, uint64_t va, unsigned size, MMUAccessType access, int mmu_idx,
                 hwaddr *pa, int *prot, int *lg_page_size)
{
    X86CPU *cpu = X86_CPU(cs);
    bool global;
    int excp = translate(&cpu->env, va, access, X86_MMU_CONTEXT(mmu_idx), true, pa, prot, &global);

    (void)size;
    /* A non-canonical address (reached only through an access that skips x86_linear's
     * check) is never cached: the JIT's inline probe (x86_jit_gen_probe) relies on every
     * tag in the TLB being canonical, so a tag match alone says the address is. */
    *lg_page_size = x86_canonical(&cpu->env, va) ? TARGET_PAGE_BITS : 0;
    if (excp == X86_EXCP_NONE && global) {
        *prot |= PAGE_GLOBAL;
    }
    return excp;
}

/* ---- accesses ---- */

/* A load or store the TLB could not take: X86_EXCP_BUS (nothing there) is not a fault. */
static int bus_error(uint64_t la, int size, bool write, uint64_t *val)
{
    log_mask(LOG_GUEST_ERROR, "x86: %s of %d bytes at linear 0x%" PRIx64 ": nothing there\n",
             write ? "write" : "read", size, la);
    if (!write) {
        *val = size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1; /* a PC reads all-ones */
    }
    return X86_EXCP_NONE;
}

static int load(CPUX86State *env, uint64_t la, int size, int mmu_idx, uint64_t *val)
{
    X86CPU *cpu = x86_env_cpu(env);
    CPUTLBEntry *e = tlb_entry(&cpu->tlb, mmu_idx, la);
    uint64_t tval;
    int excp;

    if (likely(e->addr_read == ((la + size - 1) & TARGET_PAGE_MASK))) {
        const void *host = (const void *)(uintptr_t)(la + e->addend);
        /* Fixed-size copies (little-endian host): memcpy of a variable size is a libc call. */
        uint16_t v16;
        uint32_t v32;

        switch (size) {
        case 1:
            *val = *(const uint8_t *)host;
            break;
        case 2:
            memcpy(&v16, host, 2);
            *val = v16;
            break;
        case 4:
            memcpy(&v32, host, 4);
            *val = v32;
            break;
        case 8:
            memcpy(val, host, 8);
            break;
        default:
            *val = 0;
            memcpy(val, host, size);
            break;
        }
        return X86_EXCP_NONE;
    }
    excp = tlb_load_slow(&cpu->parent_obj, la, size, mmu_idx, val, &tval);
    return excp == X86_EXCP_BUS ? bus_error(la, size, false, val) : excp;
}

static int store(CPUX86State *env, uint64_t la, int size, int mmu_idx, uint64_t val)
{
    X86CPU *cpu = x86_env_cpu(env);
    CPUTLBEntry *e = tlb_entry(&cpu->tlb, mmu_idx, la);
    uint64_t tval;
    int excp;

    if (likely(e->addr_write == ((la + size - 1) & TARGET_PAGE_MASK))) {
        void *host = (void *)(uintptr_t)(la + e->addend);
        switch (size) {
        case 1:
            *(uint8_t *)host = val;
            break;
        case 2:
            memcpy(host, &val, 2);
            break;
        case 4:
            memcpy(host, &val, 4);
            break;
        case 8:
            memcpy(host, &val, 8);
            break;
        default:
            memcpy(host, &val, size);
            break;
        }
        return X86_EXCP_NONE;
    }
    excp = tlb_store_slow(&cpu->parent_obj, la, size, mmu_idx, val, &tval);
    return excp == X86_EXCP_BUS ? bus_error(la, size, true, &val) : excp;
}

int x86_read_linear(CPUX86State *env, uint64_t la, int size, uint64_t *val)
{
    return load(env, la, size, x86_mmu_index(env), val);
}

int x86_write_linear(CPUX86State *env, uint64_t la, int size, uint64_t val)
{
    return store(env, la, size, x86_mmu_index(env), val);
}

/*
 * Implicit supervisor accesses (descriptor tables, IDT, TSS) are supervisor accesses at any
 * CPL; SMAP applies to them unless CPL < 3 and AC is set (SDM Vol. 3A 4.6.1).
 */
static int sys_mmu_index(const CPUX86State *env)
{
    int idx = x86_mmu_index(env);

    if (idx == X86_MMU_USER) {
        return (env->cr[4] & CR4_SMAP) ? X86_MMU_KSMAP : X86_MMU_KERNEL;
    }
    return idx;
}

int x86_read_sys(CPUX86State *env, uint64_t la, int size, uint64_t *val)
{
    return load(env, la, size, sys_mmu_index(env), val);
}

int x86_write_sys(CPUX86State *env, uint64_t la, int size, uint64_t val)
{
    return store(env, la, size, sys_mmu_index(env), val);
}

/*
 * seg:offset → linear. In 64-bit code only FS and GS have a base and the address must be
 * canonical (#SS(0) through SS, else #GP(0)); outside it the linear address is 32 bits.
 */
int x86_linear(CPUX86State *env, int seg, uint64_t off, uint64_t *la)
{
    if (x86_code64(env)) {
        *la = seg >= R_FS ? env->segs[seg].base + off : off;
        if (unlikely(!x86_canonical(env, *la))) {
            env->error_code = 0;
            return seg == R_SS ? EXCP0C_STACK : EXCP0D_GPF;
        }
        return X86_EXCP_NONE;
    }
    *la = (env->segs[seg].base + off) & 0xffffffffu;
    return X86_EXCP_NONE;
}

int x86_read_mem(CPUX86State *env, int seg, uint64_t off, int size, uint64_t *val)
{
    uint64_t la;
    int excp = x86_linear(env, seg, off, &la);

    return excp != X86_EXCP_NONE ? excp : x86_read_linear(env, la, size, val);
}

int x86_write_mem(CPUX86State *env, int seg, uint64_t off, int size, uint64_t val)
{
    uint64_t la;
    int excp = x86_linear(env, seg, off, &la);

    return excp != X86_EXCP_NONE ? excp : x86_write_linear(env, la, size, val);
}

/* x86_probe_mem's part on one page: n bytes at la, from the TLB entry or its slow path. */
static int probe_page(X86CPU *cpu, int mmu_idx, uint64_t la, int n, bool write, X86MemPage *pg)
{
    CPUTLBEntry *e = tlb_entry(&cpu->tlb, mmu_idx, la);
    int excp;

    pg->la = la;
    pg->code = false;
    /* A tag equal to the page (no flag: RAM, no code) as load() and store() check inline. */
    if ((write ? e->addr_write : e->addr_read) == (la & TARGET_PAGE_MASK)) {
        pg->host = (void *)(uintptr_t)(la + e->addend);
        pg->pa = cpu->tlb.paddr[mmu_idx][e - cpu->tlb.table[mmu_idx]] | (la & ~TARGET_PAGE_MASK);
        return X86_EXCP_NONE;
    }
    excp = tlb_probe(&cpu->parent_obj, la, n, write ? MMU_DATA_STORE : MMU_DATA_LOAD, mmu_idx,
                     &pg->host, &pg->pa, &pg->code);
    if (excp != X86_EXCP_NONE) {
        pg->host = NULL;
    }
    return excp == X86_EXCP_BUS ? X86_EXCP_NONE : excp; /* nothing there: no fault either */
}

int x86_probe_mem(CPUX86State *env, int seg, uint64_t off, int size, bool write, X86MemProbe *p)
{
    X86CPU *cpu = x86_env_cpu(env);
    int mmu_idx = x86_mmu_index(env), n, excp;
    uint64_t la;

    p->pages = 0;
    p->page[0].host = p->page[1].host = NULL;
    excp = x86_linear(env, seg, off, &la);
    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    p->pages = 1;
    n = TARGET_PAGE_SIZE - (la & ~TARGET_PAGE_MASK);
    excp = probe_page(cpu, mmu_idx, la, MIN(n, size), write, &p->page[0]);
    if (excp != X86_EXCP_NONE || n >= size) {
        return excp;
    }
    /* Across a page: the second one too (the first one's fault is reported first, as the
     * host does). */
    p->pages = 2;
    la = (la + n) & (x86_code64(env) ? ~0ULL : 0xffffffffu);
    return probe_page(cpu, mmu_idx, la, size - n, write, &p->page[1]);
}

static uint64_t size_mask(int size)
{
    return size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

/* The stack pointer's bits the stack width owns change; the rest stay (16-bit stacks). */
static void set_sp(CPUX86State *env, uint64_t sp)
{
    uint64_t mask = size_mask(x86_stack_size(env));
    env->regs[R_ESP] = (env->regs[R_ESP] & ~mask) | (sp & mask);
}

int x86_stack_push(CPUX86State *env, int size, uint64_t val)
{
    uint64_t sp = (env->regs[R_ESP] - size) & size_mask(x86_stack_size(env));
    int excp = x86_write_mem(env, R_SS, sp, size, val);

    if (excp == X86_EXCP_NONE) {
        set_sp(env, sp);
    }
    return excp;
}

int x86_stack_pop(CPUX86State *env, int size, uint64_t *val)
{
    uint64_t sp = env->regs[R_ESP] & size_mask(x86_stack_size(env));
    int excp = x86_read_mem(env, R_SS, sp, size, val);

    if (excp == X86_EXCP_NONE) {
        set_sp(env, sp + size);
    }
    return excp;
}

/* I/O ports are devices: under the BQL, taken here unless the caller holds it. */
uint64_t x86_io_read(CPUX86State *env, uint16_t port, int size)
{
    uint64_t v = 0;
    BQL_LOCK_GUARD();

    if (address_space_load(x86_env_cpu(env)->io_as, port, size, &v) != MEMTX_OK) {
        v = size_mask(size); /* nothing there: the ISA bus floats high */
    }
    return v;
}

void x86_io_write(CPUX86State *env, uint16_t port, int size, uint64_t val)
{
    BQL_LOCK_GUARD();

    address_space_store(x86_env_cpu(env)->io_as, port, size, val);
}
