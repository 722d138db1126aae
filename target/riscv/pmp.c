/*
 * RISC-V physical memory protection: 16 entries of pmpcfg/pmpaddr, address
 * matching (OFF, TOR, NA4, NAPOT), the lock bit and the access decision.
 *
 * Spec: Volume II (privileged, 20211203) 3.7 "Physical Memory Protection":
 * 3.7.1 (CSRs, WARL fields, lock rules), 3.7.1 "Address Matching", 3.7.1
 * "Priority and Matching Logic" (lowest-numbered entry wins, an access that
 * only partly matches fails, no match: M succeeds and S/U fail).
 *
 * Choices that match QEMU 7.2 (what OpenSBI probes): pmpaddr holds address
 * bits 55:2 with 54 writable bits, granularity G=0 (4 bytes), entries 16..63
 * read as zero. With no active entry an S/U access fails too.
 */
#include "target/riscv/cpu.h"

#define PMPADDR_MASK ((1ULL << 54) - 1)
/* Reserved bits 6:5 of a pmpcfg byte read as zero. */
#define PMPCFG_WRITABLE (PMP_R | PMP_W | PMP_X | PMP_A | PMP_L)

static unsigned pmp_mode(CPURISCVState *env, unsigned i)
{
    return (env->pmpcfg[i] & PMP_A) >> PMP_A_SHIFT;
}

static bool pmp_locked(CPURISCVState *env, unsigned i)
{
    return env->pmpcfg[i] & PMP_L;
}

/*
 * The byte range [*start, *end] (inclusive) entry i covers; false when the
 * entry is OFF or an empty TOR range, so it matches nothing.
 */
static bool pmp_range(CPURISCVState *env, unsigned i, hwaddr *start, hwaddr *end)
{
    uint64_t addr = env->pmpaddr[i];

    switch (pmp_mode(env, i)) {
    case PMP_A_TOR: {
        hwaddr lo = i ? env->pmpaddr[i - 1] << 2 : 0, hi = addr << 2;
        if (lo >= hi) {
            return false;
        }
        *start = lo;
        *end = hi - 1;
        return true;
    }
    case PMP_A_NA4:
        *start = addr << 2;
        *end = *start + 3;
        return true;
    case PMP_A_NAPOT: {
        /* Trailing ones t encode a region of 2^(t+3) bytes; at most 54 bits, so no overflow. */
        unsigned t = __builtin_ctzll(~addr);
        uint64_t size_mask = (1ULL << (t + 3)) - 1;
        *start = (addr << 2) & ~size_mask;
        *end = *start + size_mask;
        return true;
    }
    default:
        return false;
    }
}

static int pmp_cfg_prot(uint8_t cfg)
{
    return ((cfg & PMP_R) ? PAGE_READ : 0) | ((cfg & PMP_W) ? PAGE_WRITE : 0) |
           ((cfg & PMP_X) ? PAGE_EXEC : 0);
}

/* Rights of a matching entry: M-mode is only bound by locked entries. */
static int pmp_entry_prot(CPURISCVState *env, unsigned i, int priv)
{
    if (priv == PRV_M && !pmp_locked(env, i)) {
        return PAGE_READ | PAGE_WRITE | PAGE_EXEC;
    }
    return pmp_cfg_prot(env->pmpcfg[i]);
}

static int pmp_no_match_prot(int priv)
{
    return priv == PRV_M ? PAGE_READ | PAGE_WRITE | PAGE_EXEC : 0;
}

/*
 * Rights for [addr, addr + size) at priv: the first entry that overlaps the
 * range decides; if it does not cover the whole range the access fails.
 */
static int pmp_range_prot(CPURISCVState *env, hwaddr addr, uint64_t size, int priv)
{
    hwaddr last = addr + size - 1;

    if (!env_cpu(env)->pmp) {
        return PAGE_READ | PAGE_WRITE | PAGE_EXEC;
    }
    for (unsigned i = 0; i < RISCV_PMP_ENTRIES; i++) {
        hwaddr start, end;
        if (!pmp_range(env, i, &start, &end) || last < start || addr > end) {
            continue;
        }
        if (addr < start || last > end) {
            return 0;
        }
        return pmp_entry_prot(env, i, priv);
    }
    return pmp_no_match_prot(priv);
}

bool riscv_pmp_check(CPURISCVState *env, hwaddr addr, unsigned size, MMUAccessType access, int priv)
{
    static const int needed[] = {
        [MMU_DATA_LOAD] = PAGE_READ,
        [MMU_DATA_STORE] = PAGE_WRITE,
        [MMU_INST_FETCH] = PAGE_EXEC,
    };
    return (pmp_range_prot(env, addr, size, priv) & needed[access]) != 0;
}

/* Does every byte of [base, base + size) get the same answer? */
static bool pmp_block_uniform(CPURISCVState *env, hwaddr base, uint64_t size)
{
    hwaddr last = base + size - 1;

    for (unsigned i = 0; i < RISCV_PMP_ENTRIES; i++) {
        hwaddr start, end;
        if (!pmp_range(env, i, &start, &end) || last < start || base > end) {
            continue;
        }
        /* The first overlapping entry decides for the whole block, if it covers all of it. */
        return base >= start && last <= end;
    }
    return true;
}

int riscv_pmp_get_prot(CPURISCVState *env, hwaddr addr, int priv, int lg_max, int *lg_size)
{
    const int sizes[] = {lg_max, 12, 3};

    *lg_size = 2; /* G=0: a 4-byte grain is always uniform */
    if (!env_cpu(env)->pmp) {
        *lg_size = lg_max;
    } else {
        for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
            uint64_t size = 1ULL << sizes[i];
            if (pmp_block_uniform(env, ALIGN_DOWN(addr, size), size)) {
                *lg_size = sizes[i];
                break;
            }
        }
    }
    return pmp_range_prot(env, addr, 1, priv);
}

int riscv_pmp_active_entries(CPURISCVState *env)
{
    int n = 0;
    for (unsigned i = 0; i < RISCV_PMP_ENTRIES; i++) {
        n += pmp_mode(env, i) != PMP_A_OFF;
    }
    return n;
}

/* ---- CSR side (3.7.1) ---- */

uint64_t riscv_pmpcfg_read(CPURISCVState *env, unsigned reg)
{
    uint64_t val = 0;
    for (unsigned b = 0; b < 8; b++) {
        unsigned i = reg * 4 + b;
        if (i < RISCV_PMP_ENTRIES) {
            val |= (uint64_t)env->pmpcfg[i] << (8 * b);
        }
    }
    return val;
}

/* WARL: R=0 with W=1 is reserved, so such a write keeps W clear. */
static uint8_t pmpcfg_legalize(uint8_t cfg)
{
    cfg &= PMPCFG_WRITABLE;
    if ((cfg & (PMP_R | PMP_W)) == PMP_W) {
        cfg &= ~PMP_W;
    }
    return cfg;
}

void riscv_pmpcfg_write(CPURISCVState *env, unsigned reg, uint64_t val)
{
    for (unsigned b = 0; b < 8; b++) {
        unsigned i = reg * 4 + b;
        if (i < RISCV_PMP_ENTRIES && !pmp_locked(env, i)) {
            env->pmpcfg[i] = pmpcfg_legalize(val >> (8 * b));
        }
    }
    /* Translations in the TLB were checked against the old rules. */
    tlb_flush(&env_cpu(env)->parent_obj);
}

void riscv_pmpaddr_write(CPURISCVState *env, unsigned index, uint64_t val)
{
    if (index >= RISCV_PMP_ENTRIES || pmp_locked(env, index)) {
        return;
    }
    /* A locked TOR entry also freezes the address below it, its lower bound. */
    if (index + 1 < RISCV_PMP_ENTRIES && pmp_locked(env, index + 1) &&
        pmp_mode(env, index + 1) == PMP_A_TOR) {
        return;
    }
    env->pmpaddr[index] = val & PMPADDR_MASK;
    tlb_flush(&env_cpu(env)->parent_obj);
}
