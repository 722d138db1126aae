/*
 * RISC-V APLIC: one interrupt domain in direct delivery mode.
 *
 * Spec: The RISC-V Advanced Interrupt Architecture v1.0, chapter 4. A domain's sources are
 * each Inactive, Detached, edge- (Edge1/Edge0) or level-sensitive (Level1/Level0), or
 * delegated to the child domain. The "rectified input" is the wire XOR the source's
 * inversion (Edge0/Level0). In direct mode:
 *   - edge sources become pending on a rising edge of the rectified input or a setip write,
 *     and stop being pending on a claim or a clrip write;
 *   - level sources are pending exactly while the rectified input is high (no write or
 *     claim changes that);
 *   - detached sources are pending only through setip writes.
 * Each hart's IDC (idelivery, iforce, ithreshold, topi, claimi) picks the pending, enabled
 * source targeted at it with the smallest priority number (lowest id on ties) below a
 * nonzero threshold; the hart's external interrupt is asserted while domaincfg.IE and
 * idelivery are set and iforce or topi is nonzero.
 *
 * A parent forwards every wire level to its child, so delegating a source only flips which
 * domain acts on it; a source the parent does not delegate is absent in the child (its
 * registers read zero, writes are ignored).
 *
 * MSI delivery mode ("msimode", domaincfg.DM read-only 1; aia=aplic-imsic): there are no IDC
 * structures; a pending and enabled source in an enabled domain is forwarded at once as an
 * MSI (a 32-bit write of its EIID, target bits 10:0) to the IMSIC page of the hart (and
 * guest) its target names, and stops being pending. The page address comes from the root
 * domain's m/smsiaddrcfg[h] registers (4.5.3-4.5.4): for hart index h in group g,
 *   ((base PPN | g << (HHXS + 12) | (h mod 2^LHXW) << LHXS | guest) << 12).
 * Level sources become pending on the rising edge of their rectified input (and by setip
 * while it is high), so a driver that finds the input still high retriggers (4.9.2).
 */
#include <inttypes.h>
#include <libfdt.h>

#include "hw/intc/riscv_aplic.h"
#include "migration/vmstate.h"
#include "system/device_tree.h"
#include "target/riscv/cpu_bits.h"
#include "util/log.h"

typedef struct RISCVAPLICState RISCVAPLICState;

struct RISCVAPLICState {
    SysBusDevice parent_obj;
    MemoryRegion mmio;
    /* properties */
    uint32_t hartid_base;
    uint32_t num_harts;
    uint32_t num_sources;
    bool mmode;
    bool msimode;
    /* hierarchy */
    RISCVAPLICState *parent, *child;
    uint32_t child_phandle;
    uint32_t msi_parent_phandle; /* the IMSIC node, for the device tree (MSI mode) */
    /* root domain in MSI mode: mmsiaddrcfg, mmsiaddrcfgh, smsiaddrcfg, smsiaddrcfgh */
    uint32_t msiaddrcfg[4];
    /* domain state */
    uint32_t num_words; /* 32-bit words of a source bitmap */
    bool ie;            /* domaincfg.IE */
    uint32_t *sourcecfg;
    uint32_t *target;
    uint32_t *present; /* bitmap: the source exists in this domain (the child: delegated) */
    uint32_t *wire;    /* bitmap: the incoming wire's level */
    uint32_t *pending;
    uint32_t *enable;
    /* IDC structures, per hart index */
    uint32_t *idelivery;
    uint32_t *iforce;
    uint32_t *ithreshold;
    IRQState **outputs;
    bool *output_level;
    uint64_t *irq_count; /* per source: times its wire went high ("info irq") */
};

#define RISCV_APLIC(obj) OBJECT_CHECK(RISCVAPLICState, (obj), TYPE_RISCV_APLIC)

#define APLIC_IPRIO_MASK 0xffu /* IPRIOLEN = 8 */
#define APLIC_TARGET_HART_SHIFT 18
#define APLIC_TARGET_EIID_MASK 0x7ffu
#define APLIC_TARGET_GUEST_SHIFT 12 /* MSI mode, supervisor level: guest index, bits 17:12 */
#define APLIC_TARGET_GUEST_MASK (0x3fu << APLIC_TARGET_GUEST_SHIFT)
#define APLIC_MSIADDRCFG_L (1u << 31) /* mmsiaddrcfgh: the four registers are locked */

static bool bit_test(const uint32_t *map, uint32_t n)
{
    return map[n / 32] & (1u << (n % 32));
}

static void bit_assign(uint32_t *map, uint32_t n, bool v)
{
    if (v) {
        map[n / 32] |= 1u << (n % 32);
    } else {
        map[n / 32] &= ~(1u << (n % 32));
    }
}

/* ---- source modes ---- */

static bool aplic_valid_source(RISCVAPLICState *s, uint32_t i)
{
    return i > 0 && i < s->num_sources;
}

/* The source mode, Inactive when delegated or absent. */
static uint32_t aplic_mode(RISCVAPLICState *s, uint32_t i)
{
    if (!bit_test(s->present, i) || (s->sourcecfg[i] & APLIC_SOURCECFG_D)) {
        return APLIC_SM_INACTIVE;
    }
    return s->sourcecfg[i] & 7;
}

static bool aplic_active(RISCVAPLICState *s, uint32_t i)
{
    return aplic_valid_source(s, i) && aplic_mode(s, i) != APLIC_SM_INACTIVE;
}

static bool aplic_is_level(uint32_t mode)
{
    return mode == APLIC_SM_LEVEL1 || mode == APLIC_SM_LEVEL0;
}

/* Whether writes and claims may change the pending bit (not for level sources). */
static bool aplic_pending_writable(uint32_t mode)
{
    return mode == APLIC_SM_DETACHED || mode == APLIC_SM_EDGE1 || mode == APLIC_SM_EDGE0;
}

static bool aplic_rectified(RISCVAPLICState *s, uint32_t i)
{
    uint32_t mode = aplic_mode(s, i);
    bool inverted = mode == APLIC_SM_EDGE0 || mode == APLIC_SM_LEVEL0;

    if (mode == APLIC_SM_INACTIVE || mode == APLIC_SM_DETACHED) {
        return false;
    }
    return bit_test(s->wire, i) != inverted;
}

/* ---- delivery ---- */

/* topi for hart index h: (identity << 16) | priority, or 0. */
static uint32_t aplic_topi(RISCVAPLICState *s, uint32_t h)
{
    uint32_t best = 0, best_prio = APLIC_IPRIO_MASK + 1;

    for (uint32_t w = 0; w < s->num_words; w++) {
        uint32_t bits = s->pending[w] & s->enable[w];

        while (bits) {
            uint32_t i = w * 32 + __builtin_ctz(bits);
            uint32_t prio = s->target[i] & APLIC_IPRIO_MASK;

            bits &= bits - 1;
            if (s->target[i] >> APLIC_TARGET_HART_SHIFT != h ||
                (s->ithreshold[h] && prio >= s->ithreshold[h])) {
                continue;
            }
            if (prio < best_prio) {
                best = i;
                best_prio = prio;
            }
        }
    }
    return best ? (best << 16) | best_prio : 0;
}

/* Drive the outputs that changed (all if force). */
static void aplic_drive_outputs(RISCVAPLICState *s, bool force)
{
    for (uint32_t h = 0; h < s->num_harts; h++) {
        bool level = s->ie && s->idelivery[h] && (s->iforce[h] || aplic_topi(s, h));

        if (force || level != s->output_level[h]) {
            s->output_level[h] = level;
            irq_set(s->outputs[h], level);
        }
    }
}

/* The IMSIC page of hart index h, guest file guest, for this domain's level (formula above). */
static uint64_t aplic_msi_addr(RISCVAPLICState *s, uint32_t h, uint32_t guest)
{
    RISCVAPLICState *root = s;
    uint32_t lo, hi, mh;

    while (root->parent) {
        root = root->parent;
    }
    mh = root->msiaddrcfg[1];
    lo = root->msiaddrcfg[s->mmode ? 0 : 2];
    hi = root->msiaddrcfg[s->mmode ? 1 : 3];
    uint32_t lhxw = (mh >> 12) & 0xf, hhxw = (mh >> 16) & 0x7, hhxs = (mh >> 24) & 0x1f;
    uint32_t lhxs = (hi >> 20) & 0x7;
    uint64_t ppn = (uint64_t)(hi & 0xfff) << 32 | lo;
    uint64_t group = (h >> lhxw) & ((1u << hhxw) - 1), hart = h & ((1u << lhxw) - 1);

    ppn |= group << (hhxs + 12) | hart << lhxs | guest;
    return ppn << 12;
}

static void aplic_send_msi(RISCVAPLICState *s, uint32_t h, uint32_t guest, uint32_t eiid)
{
    uint64_t addr = aplic_msi_addr(s, h, guest);

    if (address_space_store(address_space_memory(), addr, 4, eiid) != MEMTX_OK) {
        log_mask(LOG_GUEST_ERROR, "aplic: MSI for hart index %u to 0x%" PRIx64 " not delivered\n",
                 h, addr);
    }
}

/* MSI mode: forward every pending, enabled source of an enabled domain, and clear it. */
static void aplic_forward_msis(RISCVAPLICState *s)
{
    if (!s->ie) {
        return;
    }
    for (uint32_t w = 0; w < s->num_words; w++) {
        uint32_t bits = s->pending[w] & s->enable[w];
        while (bits) {
            uint32_t i = w * 32 + __builtin_ctz(bits);
            bits &= bits - 1;
            s->pending[i / 32] &= ~(1u << (i % 32));
            aplic_send_msi(s, s->target[i] >> APLIC_TARGET_HART_SHIFT,
                           (s->target[i] & APLIC_TARGET_GUEST_MASK) >> APLIC_TARGET_GUEST_SHIFT,
                           s->target[i] & APLIC_TARGET_EIID_MASK);
        }
    }
}

static void aplic_update(RISCVAPLICState *s)
{
    if (s->msimode) {
        aplic_forward_msis(s);
    } else {
        aplic_drive_outputs(s, false);
    }
}

static uint32_t aplic_claim(RISCVAPLICState *s, uint32_t h)
{
    uint32_t topi = aplic_topi(s, h);

    if (topi == 0) {
        s->iforce[h] = 0;
    } else if (aplic_pending_writable(aplic_mode(s, topi >> 16))) {
        bit_assign(s->pending, topi >> 16, false);
    }
    aplic_update(s);
    return topi;
}

/* ---- wires ---- */

static void aplic_wire(RISCVAPLICState *s, uint32_t i, bool level)
{
    bool old = aplic_rectified(s, i);
    uint32_t mode;

    bit_assign(s->wire, i, level);
    if (s->child) {
        aplic_wire(s->child, i, level);
    }
    mode = aplic_mode(s, i);
    if (aplic_is_level(mode) && s->msimode) {
        bit_assign(s->pending, i, aplic_rectified(s, i) && (!old || bit_test(s->pending, i)));
    } else if (aplic_is_level(mode)) {
        bit_assign(s->pending, i, aplic_rectified(s, i));
    } else if ((mode == APLIC_SM_EDGE1 || mode == APLIC_SM_EDGE0) && !old &&
               aplic_rectified(s, i)) {
        bit_assign(s->pending, i, true);
    }
    aplic_update(s);
}

static void aplic_irq_request(void *opaque, int n, int level)
{
    RISCVAPLICState *s = RISCV_APLIC(opaque);

    /* Devices re-drive their line on every register access: only changes matter. */
    if (!aplic_valid_source(s, n) || bit_test(s->wire, n) == (level != 0)) {
        return;
    }
    s->irq_count[n] += level != 0;
    aplic_wire(s, n, level != 0);
}

/* ---- configuration ---- */

static void aplic_deactivate(RISCVAPLICState *s, uint32_t i)
{
    bit_assign(s->pending, i, false);
    bit_assign(s->enable, i, false);
    s->target[i] = 0;
}

static void aplic_set_present(RISCVAPLICState *s, uint32_t i, bool present)
{
    if (s->child && (s->sourcecfg[i] & APLIC_SOURCECFG_D)) {
        aplic_set_present(s->child, i, false);
    }
    bit_assign(s->present, i, present);
    s->sourcecfg[i] = 0; /* a newly delegated source stays inactive until configured */
    aplic_deactivate(s, i);
    aplic_update(s);
}

static void aplic_write_sourcecfg(RISCVAPLICState *s, uint32_t i, uint32_t v)
{
    bool was_delegated = s->sourcecfg[i] & APLIC_SOURCECFG_D;
    bool was_active = aplic_active(s, i);
    uint32_t mode = v & 7;

    if (!bit_test(s->present, i)) {
        return;
    }
    if (v & APLIC_SOURCECFG_D) {
        /* Child index 0 is the only child; a leaf domain clears the whole register. */
        s->sourcecfg[i] = s->child ? APLIC_SOURCECFG_D : 0;
    } else {
        s->sourcecfg[i] = (mode == 2 || mode == 3) ? APLIC_SM_INACTIVE : mode; /* WARL */
    }
    if (!aplic_active(s, i)) {
        aplic_deactivate(s, i);
    } else if (!was_active) {
        s->target[i] = 1; /* hart index 0, priority 1: a legal value */
    }
    if (aplic_is_level(aplic_mode(s, i))) {
        bit_assign(s->pending, i, aplic_rectified(s, i));
    }
    if (s->child && was_delegated != !!(s->sourcecfg[i] & APLIC_SOURCECFG_D)) {
        aplic_set_present(s->child, i, !was_delegated);
    }
    aplic_update(s);
}

static void aplic_write_target(RISCVAPLICState *s, uint32_t i, uint32_t v)
{
    uint32_t prio = v & APLIC_IPRIO_MASK;

    if (aplic_active(s, i) && s->msimode) {
        /* hart index and EIID, and at supervisor level the guest index (4.5.16: guest
         * interrupt files exist only there) */
        uint32_t guest = s->mmode ? 0 : v & APLIC_TARGET_GUEST_MASK;
        s->target[i] =
            (v & ~((1u << APLIC_TARGET_HART_SHIFT) - 1)) | guest | (v & APLIC_TARGET_EIID_MASK);
        aplic_update(s);
    } else if (aplic_active(s, i)) {
        s->target[i] = (v & ~((1u << APLIC_TARGET_HART_SHIFT) - 1)) | (prio ? prio : 1);
        aplic_update(s);
    }
}

/* setip (set) or in_clrip (clear) for source i, where the source mode allows it. */
static void aplic_write_pending(RISCVAPLICState *s, uint32_t i, bool set)
{
    uint32_t mode = aplic_active(s, i) ? aplic_mode(s, i) : APLIC_SM_INACTIVE;

    if (aplic_pending_writable(mode)) {
        bit_assign(s->pending, i, set);
    } else if (s->msimode && aplic_is_level(mode)) {
        /* MSI mode: a level source is set only while its input is high (a retrigger). */
        bit_assign(s->pending, i, set && aplic_rectified(s, i));
    }
}

static void aplic_write_enable(RISCVAPLICState *s, uint32_t i, bool set)
{
    if (aplic_active(s, i)) {
        bit_assign(s->enable, i, set);
    }
}

/* A write of a 32-source word (setip, in_clrip, setie, clrie) through one per-source op. */
static void aplic_write_word(RISCVAPLICState *s, uint32_t k, uint32_t v,
                             void (*op)(RISCVAPLICState *, uint32_t, bool), bool set)
{
    for (uint32_t b = 0; b < 32; b++) {
        if ((v >> b) & 1) {
            op(s, k * 32 + b, set);
        }
    }
    aplic_update(s);
}

static void aplic_write_num(RISCVAPLICState *s, uint32_t i,
                            void (*op)(RISCVAPLICState *, uint32_t, bool), bool set)
{
    if (aplic_valid_source(s, i)) {
        op(s, i, set);
        aplic_update(s);
    }
}

/* ---- MMIO ---- */

/* The source index of a per-source register array at base (sourcecfg, target), or 0. */
static uint32_t aplic_source_reg(RISCVAPLICState *s, hwaddr addr, hwaddr base)
{
    uint64_t i = addr >= base ? (uint64_t)(addr - base) / 4 + 1 : 0;

    return i < s->num_sources ? i : 0;
}

/* The word index of a bitmap register array at base (setip, in_clrip, ...), or -1. */
static int64_t aplic_word_reg(RISCVAPLICState *s, hwaddr addr, hwaddr base)
{
    return addr >= base && addr < base + 4ULL * s->num_words ? (int64_t)(addr - base) / 4 : -1;
}

static uint32_t aplic_rectified_word(RISCVAPLICState *s, uint32_t k)
{
    uint32_t v = 0;

    for (uint32_t b = 0; b < 32; b++) {
        if (aplic_valid_source(s, k * 32 + b) && aplic_rectified(s, k * 32 + b)) {
            v |= 1u << b;
        }
    }
    return v;
}

static uint64_t aplic_read_idc(RISCVAPLICState *s, hwaddr addr)
{
    uint64_t h = (addr - APLIC_IDC_BASE) / APLIC_IDC_SIZE;

    if (h >= s->num_harts) {
        return 0;
    }
    switch ((addr - APLIC_IDC_BASE) % APLIC_IDC_SIZE) {
    case APLIC_IDC_IDELIVERY:
        return s->idelivery[h];
    case APLIC_IDC_IFORCE:
        return s->iforce[h];
    case APLIC_IDC_ITHRESHOLD:
        return s->ithreshold[h];
    case APLIC_IDC_TOPI:
        return aplic_topi(s, h);
    case APLIC_IDC_CLAIMI:
        return aplic_claim(s, h);
    }
    return 0;
}

static uint64_t aplic_read(void *opaque, hwaddr addr, unsigned size)
{
    RISCVAPLICState *s = opaque;
    uint32_t i;
    int64_t k;

    if (addr == APLIC_DOMAINCFG) {
        return 0x80000000u | (s->ie ? 1u << 8 : 0) | (s->msimode ? APLIC_DOMAINCFG_DM : 0);
    }
    if (addr >= APLIC_MMSIADDRCFG && addr <= APLIC_SMSIADDRCFGH) {
        /* Only a root domain in MSI mode has them; a child reads zero. */
        return s->msimode && !s->parent ? s->msiaddrcfg[(addr - APLIC_MMSIADDRCFG) / 4] : 0;
    }
    if (addr < APLIC_SETIP_BASE && (i = aplic_source_reg(s, addr, APLIC_SOURCECFG_BASE))) {
        return bit_test(s->present, i) ? s->sourcecfg[i] : 0;
    }
    if ((k = aplic_word_reg(s, addr, APLIC_SETIP_BASE)) >= 0) {
        return s->pending[k];
    }
    if ((k = aplic_word_reg(s, addr, APLIC_IN_CLRIP_BASE)) >= 0) {
        return aplic_rectified_word(s, k);
    }
    if ((k = aplic_word_reg(s, addr, APLIC_SETIE_BASE)) >= 0) {
        return s->enable[k];
    }
    if (addr >= APLIC_TARGET_BASE && addr < APLIC_IDC_BASE &&
        (i = aplic_source_reg(s, addr, APLIC_TARGET_BASE))) {
        return s->target[i];
    }
    if (addr >= APLIC_IDC_BASE && !s->msimode) {
        return aplic_read_idc(s, addr);
    }
    return 0; /* reserved, write-only and unimplemented registers read zero */
}

/* The root's MSI address registers, until mmsiaddrcfgh.L locks all four. */
static void aplic_write_msiaddrcfg(RISCVAPLICState *s, unsigned n, uint32_t v)
{
    static const uint32_t writable[4] = {0xffffffffu, 0x9f7f7fffu, 0xffffffffu, 0x00700fffu};

    if (!s->msimode || s->parent || (s->msiaddrcfg[1] & APLIC_MSIADDRCFG_L)) {
        return;
    }
    s->msiaddrcfg[n] = v & writable[n];
}

static void aplic_write_idc(RISCVAPLICState *s, hwaddr addr, uint32_t v)
{
    uint64_t h = (addr - APLIC_IDC_BASE) / APLIC_IDC_SIZE;

    if (h >= s->num_harts) {
        return;
    }
    switch ((addr - APLIC_IDC_BASE) % APLIC_IDC_SIZE) {
    case APLIC_IDC_IDELIVERY:
        s->idelivery[h] = v & 1;
        break;
    case APLIC_IDC_IFORCE:
        s->iforce[h] = v & 1;
        break;
    case APLIC_IDC_ITHRESHOLD:
        s->ithreshold[h] = v & APLIC_IPRIO_MASK;
        break;
    }
    aplic_update(s);
}

static void aplic_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    RISCVAPLICState *s = opaque;
    uint32_t v = data, i;
    int64_t k;

    if (addr == APLIC_DOMAINCFG) {
        s->ie = v & (1u << 8); /* DM is fixed by the mode; BE (little-endian only) reads 0 */
        aplic_update(s);
    } else if (addr >= APLIC_MMSIADDRCFG && addr <= APLIC_SMSIADDRCFGH) {
        aplic_write_msiaddrcfg(s, (addr - APLIC_MMSIADDRCFG) / 4, v);
    } else if (addr == APLIC_GENMSI && s->msimode) {
        aplic_send_msi(s, v >> APLIC_TARGET_HART_SHIFT, 0, v & APLIC_TARGET_EIID_MASK);
    } else if (addr < APLIC_SETIP_BASE && (i = aplic_source_reg(s, addr, APLIC_SOURCECFG_BASE))) {
        aplic_write_sourcecfg(s, i, v);
    } else if ((k = aplic_word_reg(s, addr, APLIC_SETIP_BASE)) >= 0) {
        aplic_write_word(s, k, v, aplic_write_pending, true);
    } else if (addr == APLIC_SETIPNUM || addr == APLIC_SETIPNUM_LE) {
        aplic_write_num(s, v, aplic_write_pending, true);
    } else if ((k = aplic_word_reg(s, addr, APLIC_IN_CLRIP_BASE)) >= 0) {
        aplic_write_word(s, k, v, aplic_write_pending, false);
    } else if (addr == APLIC_CLRIPNUM) {
        aplic_write_num(s, v, aplic_write_pending, false);
    } else if ((k = aplic_word_reg(s, addr, APLIC_SETIE_BASE)) >= 0) {
        aplic_write_word(s, k, v, aplic_write_enable, true);
    } else if (addr == APLIC_SETIENUM) {
        aplic_write_num(s, v, aplic_write_enable, true);
    } else if ((k = aplic_word_reg(s, addr, APLIC_CLRIE_BASE)) >= 0) {
        aplic_write_word(s, k, v, aplic_write_enable, false);
    } else if (addr == APLIC_CLRIENUM) {
        aplic_write_num(s, v, aplic_write_enable, false);
    } else if (addr >= APLIC_TARGET_BASE && addr < APLIC_IDC_BASE &&
               (i = aplic_source_reg(s, addr, APLIC_TARGET_BASE))) {
        aplic_write_target(s, i, v);
    } else if (addr >= APLIC_IDC_BASE && !s->msimode) {
        aplic_write_idc(s, addr, v);
    } else {
        log_mask(LOG_GUEST_ERROR, "aplic: write to read-only or reserved offset 0x%" PRIx64 "\n",
                 addr);
    }
}

/* Only naturally aligned 32-bit accesses: anything else faults (the spec's preference). */
static const MemoryRegionOps aplic_ops = {
    .read = aplic_read,
    .write = aplic_write,
    .valid = {.min_access_size = 4, .max_access_size = 4},
    .impl = {.min_access_size = 4, .max_access_size = 4},
};

/* ---- realize / reset ---- */

static bool aplic_realize(DeviceState *dev, Error **errp)
{
    RISCVAPLICState *s = RISCV_APLIC(dev);

    if (s->num_sources < 2 || s->num_sources > APLIC_MAX_SOURCES) {
        error_setg(errp, "aplic: num-sources %u is out of range (2..%u)", s->num_sources,
                   APLIC_MAX_SOURCES);
        return false;
    }
    if (s->num_harts == 0 || s->num_harts > (1u << 14)) {
        error_setg(errp, "aplic: num-harts %u is out of range (1..16384)", s->num_harts);
        return false;
    }
    s->num_words = (s->num_sources + 31) / 32;
    s->sourcecfg = xnew0(uint32_t, s->num_sources);
    s->target = xnew0(uint32_t, s->num_sources);
    s->present = xnew0(uint32_t, s->num_words);
    s->wire = xnew0(uint32_t, s->num_words);
    s->pending = xnew0(uint32_t, s->num_words);
    s->enable = xnew0(uint32_t, s->num_words);
    s->idelivery = xnew0(uint32_t, s->num_harts);
    s->iforce = xnew0(uint32_t, s->num_harts);
    s->ithreshold = xnew0(uint32_t, s->num_harts);
    s->outputs = xnew0(IRQState *, s->num_harts);
    s->output_level = xnew0(bool, s->num_harts);
    s->irq_count = xnew0(uint64_t, s->num_sources);
    qdev_init_gpio_out(dev, s->outputs, s->num_harts);
    qdev_init_gpio_in(dev, aplic_irq_request, s->num_sources);
    memory_region_init_io(&s->mmio, &aplic_ops, s, TYPE_RISCV_APLIC,
                          aplic_region_size(s->num_harts));
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &s->mmio);
    return true;
}

/* Everything but the wires clears; a root domain has every source, a child none. */
static void aplic_reset(DeviceState *dev)
{
    RISCVAPLICState *s = RISCV_APLIC(dev);
    bool root = s->mmode;

    s->ie = false;
    for (uint32_t i = 1; i < s->num_sources; i++) {
        bit_assign(s->present, i, root);
        s->sourcecfg[i] = 0;
        aplic_deactivate(s, i);
    }
    for (uint32_t h = 0; h < s->num_harts; h++) {
        s->idelivery[h] = s->iforce[h] = s->ithreshold[h] = 0;
    }
    aplic_drive_outputs(s, true);
}

static void aplic_finalize(Object *obj)
{
    RISCVAPLICState *s = RISCV_APLIC(obj);

    free(s->output_level);
    free(s->outputs);
    free(s->ithreshold);
    free(s->iforce);
    free(s->idelivery);
    free(s->enable);
    free(s->pending);
    free(s->wire);
    free(s->present);
    free(s->target);
    free(s->sourcecfg);
    free(s->irq_count);
}

void aplic_set_msi_parent(DeviceState *dev, uint32_t imsic_phandle)
{
    RISCV_APLIC(dev)->msi_parent_phandle = imsic_phandle;
}

void aplic_set_child(DeviceState *parent, DeviceState *child, uint32_t child_phandle)
{
    RISCVAPLICState *p = RISCV_APLIC(parent);

    p->child = RISCV_APLIC(child);
    p->child->parent = p;
    p->child_phandle = child_phandle;
}

/* ---- device tree (QEMU virt: /soc/aplic@c000000 and /soc/aplic@d000000) ---- */

static int aplic_fdt_irqs(RISCVAPLICState *s, const DeviceFDTContext *ctx, int node)
{
    size_t ncells = (size_t)ctx->num_harts * 2;
    uint32_t *cells = xnew0(uint32_t, ncells ? ncells : 1);
    int err;

    for (int h = 0; h < ctx->num_harts; h++) {
        cells[2 * h] = cpu_to_fdt32(ctx->hart_intc_phandles[h]);
        cells[2 * h + 1] = cpu_to_fdt32(s->mmode ? IRQ_M_EXT : IRQ_S_EXT);
    }
    err = dt_setprop(ctx->fdt, node, "interrupts-extended", cells, ncells * sizeof(uint32_t));
    free(cells);
    return err;
}

/* riscv,children and riscv,delegate: every source goes to the child. */
static int aplic_fdt_children(RISCVAPLICState *s, DeviceTree *fdt, int node)
{
    const uint32_t delegate[3] = {cpu_to_fdt32(s->child_phandle), cpu_to_fdt32(1),
                                  cpu_to_fdt32(s->num_sources - 1)};
    int err;

    if (!s->child) {
        return 0;
    }
    err = dt_setprop_u32(fdt, node, "riscv,children", s->child_phandle);
    return err ?: dt_setprop(fdt, node, "riscv,delegate", delegate, sizeof(delegate));
}

static bool aplic_fdt_populate(DeviceState *dev, const DeviceFDTContext *ctx, Error **errp)
{
    RISCVAPLICState *s = RISCV_APLIC(dev);
    const uint32_t reg[4] = {cpu_to_fdt32(ctx->base >> 32), cpu_to_fdt32(ctx->base),
                             cpu_to_fdt32(ctx->size >> 32), cpu_to_fdt32(ctx->size)};
    DeviceTree *fdt = ctx->fdt;
    char name[32];
    int node, err;

    snprintf(name, sizeof(name), "aplic@%" PRIx64, ctx->base);
    node = sysbus_fdt_parent(ctx);
    node = node < 0 ? node : dt_add_subnode(fdt, node, name);
    err = node < 0 ? node : 0;
    err = err ?: dt_setprop_string(fdt, node, "compatible", "riscv,aplic");
    err = err ?: dt_setprop_u32(fdt, node, "#interrupt-cells", 2);
    err = err ?: dt_setprop_empty(fdt, node, "interrupt-controller");
    if (s->msimode) {
        err = err ?: dt_setprop_u32(fdt, node, "msi-parent", s->msi_parent_phandle);
    } else {
        err = err ?: aplic_fdt_irqs(s, ctx, node);
    }
    err = err ?: dt_setprop(fdt, node, "reg", reg, sizeof(reg));
    err = err ?: dt_setprop_u32(fdt, node, "riscv,num-sources", s->num_sources - 1);
    err = err ?: aplic_fdt_children(s, fdt, node);
    if (ctx->phandle) {
        err = err ?: dt_setprop_u32(fdt, node, "phandle", ctx->phandle);
    }
    if (err) {
        error_setg(errp, "aplic: device tree node %s: %s", name, fdt_strerror(err));
        return false;
    }
    return true;
}

/* ---- properties and type registration ---- */

static const Property aplic_properties[] = {
    DEFINE_PROP_UINT32("hartid-base", RISCVAPLICState, hartid_base, 0),
    DEFINE_PROP_UINT32("num-harts", RISCVAPLICState, num_harts, 1),
    DEFINE_PROP_UINT32("num-sources", RISCVAPLICState, num_sources, APLIC_VIRT_NUM_SOURCES),
    DEFINE_PROP_BOOL("mmode", RISCVAPLICState, mmode, true),
    DEFINE_PROP_BOOL("msimode", RISCVAPLICState, msimode, false),
    DEFINE_PROP_END,
};

static bool aplic_post_load(void *opaque, int version_id, Error **errp)
{
    aplic_drive_outputs(opaque, true);
    return true;
}

/* The wires are state too: a restored domain must see the levels the devices hold. */
static const VMStateDescription vmstate_aplic = {
    .name = "riscv-aplic",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = aplic_post_load,
    .fields =
        (const VMStateField[]){
            VMSTATE_BOOL(ie, RISCVAPLICState),
            VMSTATE_UINT32_VARRAY_PTR(sourcecfg, RISCVAPLICState, num_sources),
            VMSTATE_UINT32_VARRAY_PTR(target, RISCVAPLICState, num_sources),
            VMSTATE_UINT32_VARRAY_PTR(present, RISCVAPLICState, num_words),
            VMSTATE_UINT32_VARRAY_PTR(wire, RISCVAPLICState, num_words),
            VMSTATE_UINT32_VARRAY_PTR(pending, RISCVAPLICState, num_words),
            VMSTATE_UINT32_VARRAY_PTR(enable, RISCVAPLICState, num_words),
            VMSTATE_UINT32_VARRAY_PTR(idelivery, RISCVAPLICState, num_harts),
            VMSTATE_UINT32_VARRAY_PTR(iforce, RISCVAPLICState, num_harts),
            VMSTATE_UINT32_VARRAY_PTR(ithreshold, RISCVAPLICState, num_harts),
            VMSTATE_UINT32_ARRAY(msiaddrcfg, RISCVAPLICState, 4),
            VMSTATE_END_OF_LIST(),
        },
};

static void aplic_get_irq_stats(DeviceState *dev, const uint64_t **counts, unsigned *n)
{
    RISCVAPLICState *s = RISCV_APLIC(dev);

    *counts = s->irq_count;
    *n = s->irq_count ? s->num_sources : 0;
}

static void aplic_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "RISC-V advanced platform-level interrupt controller (one domain)";
    dc->realize = aplic_realize;
    dc->reset = aplic_reset;
    dc->fdt_populate = aplic_fdt_populate;
    dc->get_irq_stats = aplic_get_irq_stats;
    dc->vmsd = &vmstate_aplic;
    object_class_add_props(oc, aplic_properties);
}

static const TypeInfo aplic_info = {
    .name = TYPE_RISCV_APLIC,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(RISCVAPLICState),
    .class_init = aplic_class_init,
    .instance_finalize = aplic_finalize,
};

static void aplic_register_types(void)
{
    type_register_static(&aplic_info);
}

type_init(aplic_register_types)

DeviceState *riscv_aplic_create(hwaddr addr, uint32_t hartid_base, uint32_t num_harts,
                                uint32_t num_sources, bool mmode, bool msimode, Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_RISCV_APLIC);
    Object *obj = OBJECT(dev);

    if (!object_property_set_int(obj, "hartid-base", hartid_base, errp) ||
        !object_property_set_int(obj, "num-harts", num_harts, errp) ||
        !object_property_set_int(obj, "num-sources", num_sources, errp) ||
        !object_property_set_bool(obj, "mmode", mmode, errp) ||
        !object_property_set_bool(obj, "msimode", msimode, errp)) {
        object_unref(obj);
        return NULL;
    }
    if (!qdev_realize_and_unref(dev, errp)) {
        return NULL;
    }
    sysbus_mmio_map(SYS_BUS_DEVICE(dev), 0, addr);
    return dev;
}
