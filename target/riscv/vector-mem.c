/*
 * V 1.0 loads and stores (spec 7 "Vector Loads and Stores"): unit-stride,
 * strided, indexed (ordered and unordered: both run in element order here),
 * their segment forms (7.8), fault-only-first (7.7), whole-register (7.9)
 * and mask (vlm.v/vsm.v) forms.
 *
 * Each element is read or written through the softmmu TLB as the scalar
 * loads and stores are: straight to host RAM when the entry of its page is
 * there (the inline probe of exec.c), else through the slow path (accel/tcg),
 * which translates, checks permissions and reaches RAM or MMIO. Linux copies
 * user memory with vector loops, so this is hot. A fault at element
 * i leaves elements before it done, sets vstart = i and traps, so the
 * instruction restarts there after the handler (7.1 "Vector Load/Store
 * Faults"); fault-only-first instead trims vl to i when i > 0.
 */
#include "accel/tcg/cputlb.h"
#include "vector-internal.h"

/* The shape of one load/store after the checks. */
typedef struct VMem {
    unsigned eew;   /* data element bytes */
    unsigned ieew;  /* index element bytes (indexed forms) */
    unsigned nf;    /* fields per segment */
    unsigned fregs; /* registers per field */
    uint64_t evl;   /* elements per field */
    int64_t stride; /* bytes between segments (unit-stride and strided) */
    bool indexed, fof;
} VMem;

static int log2u(unsigned x)
{
    return __builtin_ctz(x);
}

/* Unit-stride, strided and indexed forms: EMUL and the group rules. */
static bool check_strided(VInsn *v, VMem *m, bool store)
{
    int emul = log2u(m->eew) - log2u(v->sew) + v->lmul;
    unsigned width = m->eew;

    if (m->indexed) {
        /* data: EEW = SEW, EMUL = LMUL; the index: EEW from the width field */
        m->ieew = m->eew;
        m->eew = v->sew;
        width = m->ieew;
        if (emul < -3 || emul > 3 || !v_group_ok(v->vs2, emul)) {
            return false;
        }
        int iemul = emul;
        emul = v->lmul;
        unsigned nd = (emul > 0 ? 1u << emul : 1) * m->nf, ni = iemul > 0 ? 1u << iemul : 1;
        /* a segment load's fields may not overlap the indices at all */
        if (!store && (m->nf > 1 ? v->vd < v->vs2 + ni && v->vs2 < v->vd + nd
                                 : !v_overlap_ok(v->vd, emul, m->eew, v->vs2, iemul, m->ieew))) {
            return false;
        }
    }
    if (width * 8 > v->cpu->elen || emul < -3 || emul > 3 || !v_group_ok(v->vd, emul)) {
        return false;
    }
    m->fregs = emul > 0 ? 1u << emul : 1;
    m->evl = v->vl;
    return m->fregs * m->nf <= 8 && v->vd + m->fregs * m->nf <= 32 &&
           (store || v_mask_overlap_ok(v, v->vd));
}

static bool decode_mem(VInsn *v, VMem *m, bool store)
{
    static const uint8_t eews[8] = {1, 0, 0, 0, 0, 2, 4, 8};
    uint32_t i = v->insn;
    unsigned mop = extract64(i, 26, 2), lumop = v->vs2;
    CPURISCVState *env = v->env;

    memset(m, 0, sizeof(*m));
    m->eew = eews[v->f3];
    m->nf = extract64(i, 29, 3) + 1;
    if (mop == 0 && lumop == 8) { /* whole registers: nf 1, 2, 4, 8, aligned */
        m->fregs = m->nf;
        m->nf = 1;
        m->evl = (uint64_t)m->fregs * v->vlenb / m->eew;
        m->stride = m->eew;
        return (m->fregs & (m->fregs - 1)) == 0 && v->vd % m->fregs == 0 && v->vm &&
               (!store || m->eew == 1);
    }
    if (mop == 0 && lumop == 0xb) { /* vlm.v / vsm.v */
        m->fregs = 1;
        m->evl = (v->vl + 7) / 8;
        m->stride = 1;
        return m->eew == 1 && m->nf == 1 && v->vm;
    }
    if (mop == 0 && lumop != 0 && !(lumop == 0x10 && !store)) {
        return false;
    }
    m->fof = mop == 0 && lumop == 0x10;
    m->indexed = mop & 1;
    if (!check_strided(v, m, store)) {
        return false;
    }
    m->stride = mop == 2 ? (int64_t)env->gpr[v->vs2] : (int64_t)(m->eew * m->nf);
    return true;
}

/* The host address of [va, va + size) if the data TLB maps it directly for this access. */
static void *fast_host(VInsn *v, uint64_t va, unsigned size, bool store)
{
    CPUTLB *tlb = &v->cpu->tlb;
    CPUTLBEntry *e = tlb_entry(tlb, tlb->data_mmu_idx, va);
    uint64_t tag = (va + size - 1) & TARGET_PAGE_MASK;

    if ((store ? e->addr_write : e->addr_read) == tag && (va & TARGET_PAGE_MASK) == tag) {
        return (void *)(uintptr_t)(va + e->addend);
    }
    return NULL;
}

/*
 * Unmasked unit-stride (one field, whole registers, masks): copy whole runs of elements
 * between host RAM and the register file, a page at a time, while the data TLB maps the
 * pages. Returns the first element left to the element loop (evl when all are done).
 */
static uint64_t unit_stride_fast(VInsn *v, const VMem *m, uint64_t base, bool store)
{
    uint64_t i = v->vstart;

    if (m->indexed || m->nf != 1 || m->stride != m->eew || !v->vm) {
        return i;
    }
    while (i < m->evl) {
        uint64_t va = base + i * m->eew, room = TARGET_PAGE_SIZE - (va & ~TARGET_PAGE_MASK);
        uint64_t n = MIN(m->evl - i, room / m->eew);
        uint8_t *reg = v->env->vreg + v->vd * v->vlenb + i * m->eew;
        void *host = n ? fast_host(v, va, n * m->eew, store) : NULL;

        if (!host) {
            break;
        }
        if (store) {
            memcpy(host, reg, n * m->eew);
        } else {
            memcpy(reg, host, n * m->eew);
        }
        i += n;
    }
    return i;
}

static uint64_t elem_addr(VInsn *v, const VMem *m, uint64_t base, uint64_t i, unsigned f)
{
    if (m->indexed) {
        return base + v_get(v, v->vs2, i, m->ieew) + f * m->eew;
    }
    return base + i * m->stride + f * m->eew;
}

RISCVException v_exec_mem(VInsn *v, bool store)
{
    CPUState *cs = &v->cpu->parent_obj;
    int mmu_idx = v->cpu->tlb.data_mmu_idx;
    uint64_t base = v->env->gpr[v->vs1];
    VMem m;

    if (!decode_mem(v, &m, store)) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    for (uint64_t i = unit_stride_fast(v, &m, base, store); i < m.evl; i++) {
        if (!v_active(v, i)) {
            continue;
        }
        for (unsigned f = 0; f < m.nf; f++) {
            unsigned reg = v->vd + f * m.fregs;
            uint64_t va = elem_addr(v, &m, base, i, f), val;
            void *host = fast_host(v, va, m.eew, store);
            int ex;

            if (host) {
                if (store) {
                    val = v_get(v, reg, i, m.eew);
                    memcpy(host, &val, m.eew);
                } else {
                    val = 0;
                    memcpy(&val, host, m.eew);
                    v_set(v, reg, i, m.eew, val);
                }
                continue;
            }
            if (store) {
                ex = tlb_store_slow(cs, va, m.eew, mmu_idx, v_get(v, reg, i, m.eew), v->tval);
            } else {
                ex = tlb_load_slow(cs, va, m.eew, mmu_idx, &val, v->tval);
                if (ex == RISCV_EXCP_NONE) {
                    v_set(v, reg, i, m.eew, val);
                }
            }
            if (ex != RISCV_EXCP_NONE) {
                if (m.fof && i > 0) {
                    v->env->vl = i; /* fault-only-first: no trap past element 0 */
                    return RISCV_EXCP_NONE;
                }
                v->env->vstart = i;
                return ex;
            }
        }
    }
    return RISCV_EXCP_NONE;
}
