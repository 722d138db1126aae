/*
 * RISC-V virtual memory: the Sv39/Sv48/Sv57 page-table walk, hardware A/D
 * updates, then PMP on the resulting physical address.
 *
 * Spec: Volume II (privileged, 20211203) 4.3.1-4.3.2 "Virtual Address
 * Translation Process" (the algorithm followed step by step below), 4.4 Sv39,
 * 4.5 Sv48, 4.6 Sv57 (canonical addresses, level counts), 3.1.6.3 (MPRV, MXR,
 * SUM), 3.7 (PMP applies to implicit page-table reads, as S-mode accesses).
 *
 * A and D are set by the walker (Svadu behaviour, as QEMU 7.2 does) with a
 * compare-and-swap on the PTE's host memory, so two harts walking the same
 * table cannot lose each other's updates; the walk restarts if the PTE changed.
 * A hart with Svade raises a page fault instead, unless it also has Svadu and
 * menvcfg.ADUE is set (Svadu 1.0).
 *
 * Svpbmt 1.0: with menvcfg.PBMTE a leaf's bits 62:61 pick a memory type (NC
 * and IO change nothing here: there is no cache to bypass), 3 is reserved;
 * without it they are reserved bits. Svnapot 1.0: a level-0 leaf with N set
 * and ppn[3:0] = 1000 maps a naturally aligned 64 KiB range (the TLB still
 * caches 4 KiB pieces of it); any other N use is reserved. Reserved bits page-fault.
 *
 * H extension (8.5 "Two-Stage Address Translation"): the contexts of V=1 and of
 * hlv/hsv walk the VS stage (vsatp, vsstatus's SUM/MXR, henvcfg's ADUE/PBMTE),
 * whose PTE addresses are guest-physical and go through the G stage as implicit
 * loads (stores for A/D updates), then the G stage (hgatp: Sv39x4/Sv48x4/Sv57x4,
 * a root index two bits wider, every leaf a U page, HS's MXR). A G-stage failure
 * is a guest-page fault of the original access with the GPA kept for htval/mtval2.
 * The TLB caches the combined translation under the V=1 mmu_idx.
 *
 * A single-stage translation with G set on its path (a leaf's or a pointer's, 4.3.1) is
 * reported global (PAGE_GLOBAL): it stays cached across changes of ASID (csr.c, write_satp).
 */
#include <inttypes.h>

#include "accel/tcg/cputlb.h"
#include "accel/tcg/tb.h"
#include "system/memory.h"
#include "target/riscv/cpu.h"
#include "util/log.h"

/*
 * One walk over one tree: the single-stage walk (satp), the VS-stage walk (vsatp, whose
 * PTE addresses are guest-physical and go through the G-stage), or the G-stage walk
 * (hgatp: every access a U-mode one, a root index 2 bits wider).
 */
typedef struct PageWalk {
    uint64_t vaddr;
    MMUAccessType access;
    int priv;   /* effective privilege of the access */
    bool debug; /* gdb: no A/D writes, no permission checks */
    bool hlvx;  /* hlvx: reading needs execute permission (8.3.1) */
    /* the tree */
    hwaddr root;
    int levels;
    int root_extra; /* 2 for the x4 G-stage roots */
    bool vs_stage;  /* PTE addresses are guest-physical */
    bool sum, mxr;  /* the status bits of this stage */
    bool hs_mxr;    /* HS mstatus.MXR, for the G-stage under a VS-stage walk */
    bool adue, pbmte;
    /* results */
    hwaddr paddr;
    int prot;
    bool global;          /* a G bit on the walk's path (4.3.1: the mapping is in every ASID) */
    int lg_leaf;          /* the translation's size: its leaf's (superpage), 12 under two stages */
    uint64_t fault_gpa;   /* WALK_GUEST_PAGE_FAULT: the guest-physical address */
    uint32_t fault_tinst; /* ... of a PTE access: 8.6.3's pseudoinstruction (64-bit PTEs) */
} PageWalk;

typedef enum WalkResult {
    WALK_OK,
    WALK_PAGE_FAULT,
    WALK_ACCESS_FAULT,
    WALK_RETRY,
    WALK_GUEST_PAGE_FAULT
} WalkResult;

static RISCVException page_fault(MMUAccessType access)
{
    static const RISCVException cause[] = {
        [MMU_DATA_LOAD] = RISCV_EXCP_LOAD_PAGE_FAULT,
        [MMU_DATA_STORE] = RISCV_EXCP_STORE_PAGE_FAULT,
        [MMU_INST_FETCH] = RISCV_EXCP_INST_PAGE_FAULT,
    };
    return cause[access];
}

static RISCVException access_fault(MMUAccessType access)
{
    static const RISCVException cause[] = {
        [MMU_DATA_LOAD] = RISCV_EXCP_LOAD_ACCESS_FAULT,
        [MMU_DATA_STORE] = RISCV_EXCP_STORE_AMO_ACCESS_FAULT,
        [MMU_INST_FETCH] = RISCV_EXCP_INST_ACCESS_FAULT,
    };
    return cause[access];
}

static RISCVException guest_page_fault(MMUAccessType access)
{
    static const RISCVException cause[] = {
        [MMU_DATA_LOAD] = RISCV_EXCP_LOAD_GUEST_ACCESS_FAULT,
        [MMU_DATA_STORE] = RISCV_EXCP_STORE_GUEST_AMO_ACCESS_FAULT,
        [MMU_INST_FETCH] = RISCV_EXCP_INST_GUEST_PAGE_FAULT,
    };
    return cause[access];
}

static int access_prot(MMUAccessType access)
{
    static const int prot[] = {
        [MMU_DATA_LOAD] = PAGE_READ,
        [MMU_DATA_STORE] = PAGE_WRITE,
        [MMU_INST_FETCH] = PAGE_EXEC,
    };
    return prot[access];
}

/* Number of levels of the satp (or hgatp) mode, 0 for Bare (and modes a write cannot set). */
static int satp_levels(uint64_t satp)
{
    switch (satp >> SATP_MODE_SHIFT) {
    case SATP_MODE_SV39:
        return 3;
    case SATP_MODE_SV48:
        return 4;
    case SATP_MODE_SV57:
        return 5;
    default:
        return 0;
    }
}

/*
 * The host address of the 8-byte PTE at addr if it lies in RAM (or, unless writable, ROM),
 * else NULL: a device, or nothing.
 */
static uint64_t *pte_host(hwaddr addr, bool writable)
{
    const FlatRange *fr = flatview_lookup(address_space_get_flatview(address_space_memory()), addr);

    if (!fr || !memory_region_is_ram(fr->mr) || (writable && memory_region_is_rom(fr->mr)) ||
        addr + 8 > fr->addr + fr->size) {
        return NULL;
    }
    return (uint64_t *)(memory_region_get_ram_ptr(fr->mr) + fr->offset_in_region +
                        (addr - fr->addr));
}

/*
 * Read a PTE as an S-mode implicit access: PMP first, then memory. RAM is read in place
 * (atomically: another hart may be setting A/D in it); anything else is a device access,
 * which takes the BQL as every load does (tlb_mmio_load), so a guest pointing satp at a
 * device cannot run device code concurrently with another hart's access to it.
 */
static bool pte_load(CPURISCVState *env, hwaddr addr, bool debug, uint64_t *pte)
{
    uint64_t *host;

    if (!debug && !riscv_pmp_check(env, addr, 8, MMU_DATA_LOAD, PRV_S)) {
        return false;
    }
    host = pte_host(addr, false);
    if (host) {
        *pte = __atomic_load_n(host, __ATOMIC_ACQUIRE);
        return true;
    }
    return tlb_mmio_load(addr, 8, pte) == MEMTX_OK;
}

/*
 * Set A (and D) in the PTE at addr, expected to still hold old. Only RAM can be updated
 * atomically: a PTE in ROM or MMIO that needs an update page-faults (as QEMU 7.2), so the
 * walk never writes to a device. The update is a store to guest memory like any other:
 * translated code holding its bytes is dropped (after the write, as for stores: see
 * accel/tcg/tb-maint.c), or a page table sharing a page with code would leave stale
 * blocks running even after fence.i.
 */
static WalkResult pte_update_ad(hwaddr addr, uint64_t old, uint64_t new)
{
    uint64_t *host = pte_host(addr, true);

    if (!host) {
        log_mask(LOG_GUEST_ERROR,
                 "mmu: PTE at 0x%" PRIx64 " needs an A/D update but is not in RAM\n", addr);
        return WALK_PAGE_FAULT;
    }
    if (!__atomic_compare_exchange_n(host, &old, new, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
        return WALK_RETRY;
    }
    tb_invalidate_phys_range(addr, sizeof(new));
    return WALK_OK;
}

/* 4.3.1 step 6 with SUM and MXR (and hlvx, which reads only what it may execute). */
static int leaf_prot(const PageWalk *w, uint64_t pte)
{
    int prot = 0;

    if (w->hlvx) {
        prot |= (pte & PTE_X) ? PAGE_READ : 0;
    } else if ((pte & PTE_R) || ((pte & PTE_X) && w->mxr)) {
        prot |= PAGE_READ;
    }
    if (pte & PTE_W) {
        prot |= PAGE_WRITE;
    }
    if (pte & PTE_X) {
        prot |= PAGE_EXEC;
    }
    if (w->priv == PRV_U) {
        return (pte & PTE_U) ? prot : 0;
    }
    if (pte & PTE_U) {
        /* S never executes user pages; it reads and writes them only with SUM. */
        return w->sum ? prot & ~PAGE_EXEC : 0;
    }
    return prot;
}

/* Does the walker set A and D itself (else a PTE lacking them page-faults)? */
static bool hw_ad_update(CPURISCVState *env, const PageWalk *w)
{
    RISCVCPU *cpu = env_cpu(env);
    return !cpu->ext_svade || (cpu->ext_svadu && w->adue);
}

/* The PTE bits above the PPN that are reserved for this hart, leaf or not. */
static uint64_t pte_reserved(CPURISCVState *env, const PageWalk *w, bool leaf)
{
    RISCVCPU *cpu = env_cpu(env);
    uint64_t reserved = PTE_RESERVED_MASK;

    if (leaf && cpu->ext_svnapot) {
        reserved &= ~PTE_N;
    }
    if (leaf && cpu->ext_svpbmt && w->pbmte) {
        reserved &= ~PTE_PBMT;
    }
    return reserved;
}

static WalkResult gstage_translate(CPURISCVState *env, PageWalk *vs, uint64_t gpa,
                                   MMUAccessType access, bool final, hwaddr *hpa, int *prot);
static WalkResult pte_update_at(CPURISCVState *env, PageWalk *w, hwaddr pte_addr, uint64_t old,
                                uint64_t new);

/* A leaf found at level: checks, A/D, physical address. */
static WalkResult walk_leaf(CPURISCVState *env, PageWalk *w, hwaddr pte_addr, uint64_t pte,
                            int level)
{
    int shift = 12 + 9 * level;
    uint64_t ppn = (pte & PTE_PPN_MASK) >> PTE_PPN_SHIFT;
    int prot = w->debug ? PAGE_READ | PAGE_WRITE | PAGE_EXEC : leaf_prot(w, pte);

    if ((pte & pte_reserved(env, w, true)) || (pte & PTE_PBMT) == PTE_PBMT) {
        return WALK_PAGE_FAULT;
    }
    if (pte & PTE_N) {
        /* Svnapot: only the 64 KiB size (ppn[3:0] = 1000) of a 4 KiB-level leaf exists. */
        if (level != 0 || (ppn & 0xf) != 0x8) {
            return WALK_PAGE_FAULT;
        }
        ppn &= ~0xfULL;
        shift = 16;
    }
    if (!(prot & access_prot(w->access))) {
        return WALK_PAGE_FAULT;
    }
    /* A superpage must be aligned to its size (step 7). */
    if (level && (ppn & ((1ULL << (shift - 12)) - 1))) {
        return WALK_PAGE_FAULT;
    }
    if (!w->debug) {
        uint64_t want = pte | PTE_A | (w->access == MMU_DATA_STORE ? PTE_D : 0);
        if (want != pte && !hw_ad_update(env, w)) {
            return WALK_PAGE_FAULT; /* Svade: software sets A/D on this fault */
        }
        if (want != pte) {
            WalkResult r = pte_update_at(env, w, pte_addr, pte, want);
            if (r != WALK_OK) {
                return r;
            }
            pte = want;
        }
        /* Without D a store must come back here to set it, so write is not cached. */
        if (!(pte & PTE_D)) {
            prot &= ~PAGE_WRITE;
        }
    }
    w->paddr = (ppn << 12) | (w->vaddr & ((1ULL << shift) - 1));
    w->prot = prot;
    w->lg_leaf = shift;
    return WALK_OK;
}

/*
 * An A/D update of the PTE at pte_addr; under a VS-stage walk that address is
 * guest-physical, and the update is a store through the G-stage (8.5.1).
 */
static WalkResult pte_update_at(CPURISCVState *env, PageWalk *w, hwaddr pte_addr, uint64_t old,
                                uint64_t new)
{
    if (w->vs_stage) {
        int prot;
        WalkResult r = gstage_translate(env, w, pte_addr, MMU_DATA_STORE, false, &pte_addr, &prot);
        if (r != WALK_OK) {
            return r;
        }
    }
    return pte_update_ad(pte_addr, old, new);
}

/* Read the PTE at addr, a guest-physical address under a VS-stage walk. */
static WalkResult pte_read(CPURISCVState *env, PageWalk *w, hwaddr addr, uint64_t *pte)
{
    if (w->vs_stage) {
        int prot;
        WalkResult r = gstage_translate(env, w, addr, MMU_DATA_LOAD, false, &addr, &prot);
        if (r != WALK_OK) {
            return r;
        }
    }
    return pte_load(env, addr, w->debug, pte) ? WALK_OK : WALK_ACCESS_FAULT;
}

/* One pass of the 4.3.2 algorithm over the tree rooted at w->root. */
static WalkResult walk_once(CPURISCVState *env, PageWalk *w)
{
    hwaddr table = w->root;

    w->global = false;
    for (int level = w->levels - 1; level >= 0; level--) {
        int bits = 9 + (level == w->levels - 1 ? w->root_extra : 0);
        hwaddr pte_addr = table + extract64(w->vaddr, 12 + 9 * level, bits) * 8;
        uint64_t pte;
        WalkResult r = pte_read(env, w, pte_addr, &pte);

        if (r != WALK_OK) {
            return r;
        }
        if (!(pte & PTE_V) || (!(pte & PTE_R) && (pte & PTE_W))) {
            return WALK_PAGE_FAULT;
        }
        w->global |= (pte & PTE_G) != 0;
        if (pte & (PTE_R | PTE_X)) {
            return walk_leaf(env, w, pte_addr, pte, level);
        }
        if (pte & pte_reserved(env, w, false)) {
            return WALK_PAGE_FAULT;
        }
        /* 4.3.1 step 4: A, D and U are reserved in a pointer (QEMU 7.2 checks them in the
         * G-stage only; a guest's non-leaf PTE with them set is its own bug) */
        table = ((pte & PTE_PPN_MASK) >> PTE_PPN_SHIFT) << 12;
    }
    return WALK_PAGE_FAULT; /* a pointer at level 0 */
}

/* Walk the tree in w (levels > 0), after the canonical-address check. */
static WalkResult walk_tree(CPURISCVState *env, PageWalk *w)
{
    int va_bits = 12 + 9 * w->levels + w->root_extra;
    WalkResult r;

    if (w->root_extra) {
        /* G-stage: the guest-physical address has no bits above the widened width. */
        if (w->vaddr >> va_bits) {
            return WALK_PAGE_FAULT;
        }
    } else if (sextract64(w->vaddr, 0, va_bits) != (int64_t)w->vaddr) {
        /* Bits above the VA width must all equal its top bit (canonical form). */
        return WALK_PAGE_FAULT;
    }
    do {
        r = walk_once(env, w);
    } while (r == WALK_RETRY);
    return r;
}

/*
 * The G-stage (8.5.1) of gpa for an access of the VS-stage walk vs (its own access type
 * for the final address, a load or a store for its PTEs): Sv39x4/Sv48x4/Sv57x4 in hgatp,
 * every access a U-mode one, MXR from HS mstatus. A fault there is a guest-page fault of
 * the original access, with gpa as htval's address.
 */
static WalkResult gstage_translate(CPURISCVState *env, PageWalk *vs, uint64_t gpa,
                                   MMUAccessType access, bool final, hwaddr *hpa, int *prot)
{
    PageWalk g = {
        .vaddr = gpa,
        .access = access,
        .priv = PRV_U,
        .debug = vs->debug,
        .hlvx = vs->hlvx && final,
        .root = (env->hgatp & HGATP_PPN_MASK) << 12,
        .levels = satp_levels(env->hgatp),
        .root_extra = 2,
        .mxr = vs->hs_mxr,
        .adue = env->menvcfg & MENVCFG_ADUE,
        .pbmte = env->menvcfg & MENVCFG_PBMTE,
    };
    WalkResult r;

    if (g.levels == 0) {
        *hpa = gpa;
        *prot = PAGE_READ | PAGE_WRITE | PAGE_EXEC;
        return WALK_OK;
    }
    r = walk_tree(env, &g);
    if (r == WALK_PAGE_FAULT) {
        vs->fault_gpa = gpa;
        vs->fault_tinst = final ? 0 : access == MMU_DATA_STORE ? 0x3020 : 0x3000;
        return WALK_GUEST_PAGE_FAULT;
    }
    *hpa = g.paddr;
    *prot = g.prot;
    return r;
}

/* The privilege an mmu_idx stands for (hlv/hsv: hstatus.SPVP). */
static int mmu_idx_priv(CPURISCVState *env, int mmu_idx)
{
    if (riscv_mmu_idx_hlv(mmu_idx)) {
        return (env->hstatus & HSTATUS_SPVP) ? PRV_S : PRV_U;
    }
    if (mmu_idx == MMU_IDX_S_SUM) {
        return PRV_S;
    }
    return mmu_idx >= MMU_IDX_VU ? mmu_idx & 1 : mmu_idx & 3; /* a slot's VU, VS: even, odd */
}

/* Set up the walk of w->vaddr in context mmu_idx: the tree, the status bits, the stage. */
static void walk_setup(CPURISCVState *env, PageWalk *w, int mmu_idx)
{
    uint64_t satp = env->satp, status = env->mstatus, hs_status = env->mstatus;

    w->priv = mmu_idx_priv(env, mmu_idx);
    if (mmu_idx >= MMU_IDX_VU) {
        /* The guest's vsatp and vsstatus: live with V=1, else in s_other (csr-hyp.c). */
        if (!env->virt) {
            satp = env->s_other.satp;
            status = env->s_other.status;
        } else {
            hs_status = env->s_other.status;
        }
        w->vs_stage = true;
        w->hlvx = mmu_idx == MMU_IDX_HLVX;
        w->hs_mxr = hs_status & MSTATUS_MXR;
        w->adue = env->henvcfg & env->menvcfg & MENVCFG_ADUE;
        w->pbmte = env->henvcfg & env->menvcfg & MENVCFG_PBMTE;
    } else {
        w->adue = env->menvcfg & MENVCFG_ADUE;
        w->pbmte = env->menvcfg & MENVCFG_PBMTE;
    }
    /* V=0: SUM is the context's (cpu.h), so an entry never holds rights of the other one. */
    w->sum = mmu_idx >= MMU_IDX_VU ? (status & MSTATUS_SUM) != 0 : mmu_idx == MMU_IDX_S_SUM;
    /* With V=1 HS-level MXR also makes executable pages readable in the VS stage. */
    w->mxr = (status & MSTATUS_MXR) || w->hs_mxr;
    w->levels = w->priv == PRV_M ? 0 : satp_levels(satp);
    w->root = (satp & SATP_PPN_MASK) << 12;
}

/* Without translation every aligned block maps alike: the size reported for it (a 2 MiB
 * megapage's), which the PMP and the RAM range then narrow (cputlb.c). */
#define BARE_BLOCK_BITS 21

static WalkResult walk(CPURISCVState *env, PageWalk *w, int mmu_idx)
{
    WalkResult r;
    int gprot;

    walk_setup(env, w, mmu_idx);
    if (w->levels == 0) {
        w->paddr = w->vaddr;
        w->prot = PAGE_READ | PAGE_WRITE | PAGE_EXEC;
        w->lg_leaf = BARE_BLOCK_BITS;
        if (w->hlvx) {
            w->prot = PAGE_READ | PAGE_EXEC; /* the G-stage below still wants X */
        }
    } else {
        r = walk_tree(env, w);
        if (r != WALK_OK) {
            return r;
        }
    }
    if (!w->vs_stage) {
        return WALK_OK;
    }
    w->lg_leaf = TARGET_PAGE_BITS; /* the G-stage's leaf may be smaller */
    r = gstage_translate(env, w, w->paddr, w->access, true, &w->paddr, &gprot);
    w->prot &= gprot;
    return r;
}

RISCVException riscv_cpu_tlb_fill(CPURISCVState *env, uint64_t vaddr, MMUAccessType access,
                                  int mmu_idx, hwaddr *paddr, int *prot, int *lg_page_size)
{
    PageWalk w = {.vaddr = vaddr, .access = access};
    int pmp_prot;
    WalkResult r = walk(env, &w, mmu_idx);

    /* For the trap: tval is a guest virtual address (GVA), htval/mtval2 the GPA. */
    env->fault_gva = mmu_idx >= MMU_IDX_VU;
    env->fault_gpa = w.fault_gpa;
    env->fault_tinst = w.fault_tinst;
    switch (r) {
    case WALK_OK:
        break;
    case WALK_ACCESS_FAULT:
        log_mask(LOG_MMU, "mmu: access fault reading PTE for 0x%" PRIx64 "\n", vaddr);
        return access_fault(access);
    case WALK_GUEST_PAGE_FAULT:
        log_mask(LOG_MMU, "mmu: guest-page fault at 0x%" PRIx64 " gpa 0x%" PRIx64 " access %d\n",
                 vaddr, w.fault_gpa, access);
        return guest_page_fault(access);
    default:
        log_mask(LOG_MMU, "mmu: page fault at 0x%" PRIx64 " access %d mmu_idx %d\n", vaddr, access,
                 mmu_idx);
        return page_fault(access);
    }
    pmp_prot = riscv_pmp_get_prot(env, w.paddr, w.priv, w.lg_leaf, lg_page_size);
    if (!(pmp_prot & access_prot(access))) {
        log_mask(LOG_MMU, "mmu: PMP denies 0x%" PRIx64 " access %d priv %d\n", w.paddr, access,
                 w.priv);
        return access_fault(access);
    }
    /* hlv/hsv depend on hstatus.SPVP, which changes without a flush: never cached. */
    if (riscv_mmu_idx_hlv(mmu_idx) && *lg_page_size > 2) {
        *lg_page_size = 2;
    }
    *paddr = w.paddr;
    *prot = w.prot & pmp_prot;
    if (w.global && !w.vs_stage && mmu_idx < MMU_IDX_VU) {
        *prot |= PAGE_GLOBAL;
    }
    return RISCV_EXCP_NONE;
}

int riscv_mmu_idx_priv(CPURISCVState *env, int mmu_idx)
{
    return mmu_idx_priv(env, mmu_idx);
}

hwaddr riscv_cpu_get_phys_page_debug(CPURISCVState *env, uint64_t vaddr)
{
    PageWalk w = {
        .vaddr = vaddr,
        .access = MMU_DATA_LOAD,
        .debug = true,
    };
    return walk(env, &w, riscv_cpu_mmu_index(env, false)) == WALK_OK ? w.paddr : (hwaddr)-1;
}
