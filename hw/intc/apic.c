/*
 * The local APIC (contract in include/hw/intc/apic.h).
 *
 * Spec: SDM Vol. 3A chapter 10 (APIC). Register map (xAPIC MMIO offset,
 * x2APIC MSR 0x800 + offset / 16):
 *   0x020 ID        0x030 version   0x080 TPR       0x090 APR (reads 0)
 *   0x0a0 PPR       0x0b0 EOI       0x0d0 LDR       0x0e0 DFR (xAPIC only)
 *   0x0f0 SVR       0x100 ISR[8]    0x180 TMR[8]    0x200 IRR[8]
 *   0x280 ESR       0x2f0 LVT CMCI  0x300 ICR low   0x310 ICR high (xAPIC)
 *   0x320 LVT timer 0x330 thermal   0x340 perf      0x350 LINT0
 *   0x360 LINT1     0x370 error     0x380 initial count
 *   0x390 current count             0x3e0 divide configuration
 *   0x3f0 self IPI (x2APIC only)
 * Priorities (10.8.3): PPR = TPR if TPR[7:4] >= ISRV[7:4], else ISRV & 0xf0;
 * an IRR vector is delivered when its class is above PPR's. EOI clears the
 * highest ISR bit and, if that vector was level-triggered (TMR), broadcasts
 * the EOI to the I/O APIC. The timer counts the APIC bus clock (1 GHz, as
 * QEMU's) divided by 1..128, one-shot or periodic, or fires at a TSC value
 * (TSC-deadline mode, MSR 0x6e0). IPIs (10.6) are delivered at once: the ICR's
 * delivery-status bit always reads idle.
 * Not modelled: SMI (logged), the thermal/perf/CMCI sources (their LVTs hold
 * what is written), arbitration priority beyond "lowest TPR wins".
 */
#include "apic-internal.h"
#include "system/cpus.h"

/* ---- the 256-bit vector sets ---- */

static void bit_set(uint32_t *v, int n)
{
    v[n >> 5] |= 1u << (n & 31);
}

static void bit_clear(uint32_t *v, int n)
{
    v[n >> 5] &= ~(1u << (n & 31));
}

static bool bit_test(const uint32_t *v, int n)
{
    return v[n >> 5] & (1u << (n & 31));
}

/* The highest set vector, or -1. */
static int bit_highest(const uint32_t *v)
{
    for (int i = 7; i >= 0; i--) {
        if (v[i]) {
            return i * 32 + 31 - __builtin_clz(v[i]);
        }
    }
    return -1;
}

/* ---- priorities and the INTR line ---- */

static uint8_t apic_ppr(const APICState *s)
{
    int isrv = bit_highest(s->isr);

    if (isrv < 0 || (s->tpr >> 4) >= (isrv >> 4)) {
        return s->tpr;
    }
    return isrv & 0xf0;
}

/* The IRR vector that would be taken now, or -1. */
static int apic_deliverable(const APICState *s)
{
    int irrv = bit_highest(s->irr);

    if (!sw_enabled(s) || irrv < 0 || (irrv & 0xf0) <= (apic_ppr(s) & 0xf0)) {
        return -1;
    }
    return irrv;
}

/* Does the 8259 reach the hart: APIC off (the line passes through) or LINT0 in ExtINT? */
static bool extint_open(const APICState *s)
{
    uint32_t lvt = s->lvt[LVT_LINT0];

    if (!hw_enabled(s)) {
        return true;
    }
    return !(lvt & LVT_MASKED) && ((lvt >> 8) & 7) == APIC_DM_EXTINT;
}

static void apic_update(APICState *s)
{
    bool level = apic_deliverable(s) >= 0 || (extint_open(s) && s->lint_level[0]);

    irq_set(s->intr, level);
}

/* The hart's interrupt acknowledge: the APIC's own vector first, then the 8259's. */
static int apic_intr_ack(void *opaque)
{
    APICState *s = opaque;
    int vec = apic_deliverable(s);

    if (vec >= 0) {
        bit_clear(s->irr, vec);
        bit_set(s->isr, vec);
    } else if (extint_open(s) && s->lint_level[0] && s->extint_ack) {
        vec = s->extint_ack(s->extint_opaque);
    }
    apic_update(s);
    return vec;
}

static void apic_error(APICState *s, uint32_t bits)
{
    uint32_t lvt = s->lvt[LVT_ERROR];

    s->pending_esr |= bits;
    if (!(lvt & LVT_MASKED) && sw_enabled(s) && (lvt & 0xff) >= 16) {
        bit_set(s->irr, lvt & 0xff);
        bit_clear(s->tmr, lvt & 0xff);
    }
    apic_update(s);
}

/* Accept a fixed (or lowest-priority) interrupt into the IRR. */
static void apic_set_irq(APICState *s, uint8_t vector, bool level_trig)
{
    if (vector < 16) {
        apic_error(s, ESR_RECV_ILLEGAL_VECTOR);
        return;
    }
    bit_set(s->irr, vector);
    if (level_trig) {
        bit_set(s->tmr, vector);
    } else {
        bit_clear(s->tmr, vector);
    }
    apic_update(s);
}

/* ---- reset ---- */

/* What INIT and reset clear (10.4.7.1): all but the ID and APIC_BASE. */
static void apic_init_reset(APICState *s)
{
    s->tpr = 0;
    s->ldr = 0;
    s->dfr = 0xffffffff;
    s->svr = 0xff;
    s->esr = s->pending_esr = 0;
    s->icr_low = s->icr_high = 0;
    memset(s->isr, 0, sizeof(s->isr));
    memset(s->tmr, 0, sizeof(s->tmr));
    memset(s->irr, 0, sizeof(s->irr));
    for (int i = 0; i < APIC_LVT_NB; i++) {
        s->lvt[i] = LVT_MASKED;
    }
    s->divide_conf = 0;
    s->count_shift = 1;
    s->initial_count = 0;
    s->tsc_deadline = 0;
    if (s->timer) {
        timer_del(s->timer);
    }
}

/* ---- the timer ---- */

static int64_t now_ns(void)
{
    return clock_get_ns(CLOCK_VIRTUAL);
}

static uint32_t timer_current_count(const APICState *s)
{
    uint64_t ticks;

    if (!s->initial_count || LVT_TIMER_MODE(s->lvt[LVT_TIMER]) == TIMER_TSC_DEADLINE) {
        return 0;
    }
    ticks = (uint64_t)(now_ns() - s->load_time) >> s->count_shift;
    if (LVT_TIMER_MODE(s->lvt[LVT_TIMER]) == TIMER_PERIODIC) {
        return s->initial_count - ticks % s->initial_count;
    }
    return ticks >= s->initial_count ? 0 : s->initial_count - ticks;
}

/*
 * Arm the count-down timer for its next zero. A one-shot count reaches zero once: re-armed
 * (after a divide or LVT write) only while it still counts or its expiry has not been run,
 * so a zero that passed while the main loop was busy is not lost.
 */
static void timer_arm_count(APICState *s)
{
    uint64_t ticks, next;

    if (!s->initial_count) {
        timer_del(s->timer);
        return;
    }
    ticks = (uint64_t)(now_ns() - s->load_time) >> s->count_shift;
    if (LVT_TIMER_MODE(s->lvt[LVT_TIMER]) == TIMER_PERIODIC) {
        next = (ticks / s->initial_count + 1) * s->initial_count;
    } else if (ticks < s->initial_count || timer_pending(s->timer)) {
        next = s->initial_count;
    } else {
        timer_del(s->timer);
        return;
    }
    timer_mod_ns(s->timer, s->load_time + (int64_t)(next << s->count_shift));
}

/* TSC-deadline mode: fire when the hart's TSC reaches the deadline (0 disarms). */
static void timer_arm_deadline(APICState *s)
{
    uint64_t tsc, hz;
    int64_t delta;

    if (!s->tsc_deadline) {
        timer_del(s->timer);
        return;
    }
    tsc = x86_rdtsc(&s->cpu->env);
    hz = x86_cpu_tsc_hz(s->cpu);
    delta = s->tsc_deadline > tsc
                ? (int64_t)muldiv64(s->tsc_deadline - tsc, NANOSECONDS_PER_SECOND, hz)
                : 0;
    timer_mod_ns(s->timer, now_ns() + delta);
}

static void timer_rearm(APICState *s)
{
    if (LVT_TIMER_MODE(s->lvt[LVT_TIMER]) == TIMER_TSC_DEADLINE) {
        timer_arm_deadline(s);
    } else {
        timer_arm_count(s);
    }
}

static void apic_timer_cb(void *opaque)
{
    APICState *s = opaque;
    uint32_t lvt = s->lvt[LVT_TIMER];

    if (!(lvt & LVT_MASKED) && sw_enabled(s)) {
        apic_set_irq(s, lvt & 0xff, false);
    }
    if (LVT_TIMER_MODE(lvt) == TIMER_TSC_DEADLINE) {
        s->tsc_deadline = 0; /* the MSR reads 0 once the deadline has passed (10.5.4.1) */
    } else if (LVT_TIMER_MODE(lvt) == TIMER_PERIODIC) {
        timer_arm_count(s);
    }
}

static void write_lvt_timer(APICState *s, uint32_t val)
{
    uint32_t old_mode = LVT_TIMER_MODE(s->lvt[LVT_TIMER]);

    s->lvt[LVT_TIMER] = val & 0x710ff;
    if (old_mode != LVT_TIMER_MODE(val)) {
        /* Switching in or out of TSC-deadline mode stops the timer (10.5.4.1). */
        s->initial_count = 0;
        s->tsc_deadline = 0;
        timer_del(s->timer);
    } else {
        timer_rearm(s);
    }
}

static void write_initial_count(APICState *s, uint32_t val)
{
    if (LVT_TIMER_MODE(s->lvt[LVT_TIMER]) == TIMER_TSC_DEADLINE) {
        return; /* ignored in TSC-deadline mode */
    }
    s->initial_count = val;
    s->load_time = now_ns();
    if (val && LVT_TIMER_MODE(s->lvt[LVT_TIMER]) == TIMER_ONESHOT) {
        /* It fires even if the count has run out by now: a short count (Linux writes a few
         * dozen ticks) can expire before the next clock read when the vCPU is descheduled. */
        timer_mod_ns(s->timer, s->load_time + ((int64_t)val << s->count_shift));
        return;
    }
    timer_arm_count(s);
}

static void write_divide(APICState *s, uint32_t val)
{
    int v = (val & 3) | ((val >> 1) & 4); /* bits 0, 1 and 3: 0b111 is divide by 1 */

    s->divide_conf = val & 0xb;
    s->count_shift = (v + 1) & 7;
    timer_rearm(s);
}

/* ---- delivery (matching and the bus: apic_bus.c) ---- */

/* The message has reached this APIC: act on its delivery mode. */
void apic_accept(APICState *s, int mode, uint8_t vector, bool level_trig)
{
    switch (mode) {
    case APIC_DM_FIXED:
    case APIC_DM_LOWPRI:
        apic_set_irq(s, vector, level_trig);
        break;
    case APIC_DM_NMI:
        x86_cpu_raise_nmi(s->cpu);
        break;
    case APIC_DM_INIT:
        apic_init_reset(s);
        apic_update(s);
        x86_cpu_raise_init(s->cpu);
        break;
    case APIC_DM_SIPI:
        x86_cpu_raise_sipi(s->cpu, vector);
        break;
    case APIC_DM_SMI:
        log_mask(LOG_UNIMP, "apic: SMI delivery is not modelled\n");
        break;
    default: /* ExtINT as a message, reserved modes: nothing to accept */
        log_mask(LOG_GUEST_ERROR, "apic: delivery mode %d not deliverable\n", mode);
        break;
    }
}

/* An IPI from this APIC's ICR (10.6.1). */
static void apic_send_ipi(APICState *s, uint32_t low, uint32_t dest)
{
    int mode = (low >> 8) & 7, shorthand = (low >> 18) & 3;
    uint8_t vector = low;
    bool hit[APIC_BUS_MAX];

    if (mode == APIC_DM_INIT && !(low & ICR_LEVEL_ASSERT) && (low & ICR_TRIGGER_LEVEL)) {
        return; /* INIT level de-assert: only synchronises arbitration IDs */
    }
    if ((mode == APIC_DM_FIXED || mode == APIC_DM_LOWPRI) && vector < 16) {
        apic_error(s, ESR_SEND_ILLEGAL_VECTOR);
        return;
    }
    for (int i = 0; i < s->bus->count; i++) {
        APICState *t = s->bus->apic[i];
        switch (shorthand) {
        case 0:
            hit[i] = apic_match(t, dest, low & ICR_LOGICAL);
            break;
        case 1:
            hit[i] = t == s;
            break;
        case 2:
            hit[i] = true;
            break;
        default:
            hit[i] = t != s;
            break;
        }
    }
    apic_bus_deliver_set(s->bus, hit, mode, vector, low & ICR_TRIGGER_LEVEL);
}

static void apic_eoi(APICState *s)
{
    int isrv = bit_highest(s->isr);

    if (isrv < 0) {
        return;
    }
    bit_clear(s->isr, isrv);
    if (bit_test(s->tmr, isrv) && s->bus->eoi) {
        s->bus->eoi(s->bus->eoi_opaque, isrv); /* level-triggered: the I/O APIC's Remote IRR */
    }
    apic_update(s);
}

/* LINT0/LINT1 pins (gpio inputs): LINT0 in ExtINT mode is the 8259's INTR. */
static void apic_set_lint(void *opaque, int n, int level)
{
    APICState *s = opaque;
    uint32_t lvt = s->lvt[LVT_LINT0 + n];
    bool rising = level && !s->lint_level[n];

    s->lint_level[n] = level;
    if (hw_enabled(s) && !(lvt & LVT_MASKED)) {
        int mode = (lvt >> 8) & 7;
        if (mode == APIC_DM_NMI && rising) {
            x86_cpu_raise_nmi(s->cpu);
        } else if (mode == APIC_DM_FIXED && (rising || ((lvt & LVT_LEVEL) && level))) {
            apic_set_irq(s, lvt & 0xff, lvt & LVT_LEVEL);
        }
    }
    apic_update(s);
}

/* ---- registers ---- */

static uint32_t apic_ldr(const APICState *s)
{
    return x2apic_mode(s) ? ((s->id >> 4) << 16) | (1u << (s->id & 0xf)) : s->ldr;
}

/* Register idx (offset / 16); false if there is none (x2APIC: #GP). */
static bool apic_reg_read(APICState *s, int idx, uint64_t *val)
{
    bool x2 = x2apic_mode(s);

    switch (idx) {
    case 0x02:
        *val = x2 ? s->id : s->id << 24;
        return true;
    case 0x03:
        *val = APIC_VERSION;
        return true;
    case 0x08:
        *val = s->tpr;
        return true;
    case 0x09:
        *val = 0;
        return true;
    case 0x0a:
        *val = apic_ppr(s);
        return true;
    case 0x0d:
        *val = apic_ldr(s);
        return true;
    case 0x0e:
        *val = s->dfr;
        return !x2;
    case 0x0f:
        *val = s->svr;
        return true;
    case 0x10 ... 0x17:
        *val = s->isr[idx - 0x10];
        return true;
    case 0x18 ... 0x1f:
        *val = s->tmr[idx - 0x18];
        return true;
    case 0x20 ... 0x27:
        *val = s->irr[idx - 0x20];
        return true;
    case 0x28:
        *val = s->esr;
        return true;
    case 0x2f:
        *val = s->lvt[LVT_CMCI];
        return true;
    case 0x30:
        *val = x2 ? (uint64_t)s->icr_high << 32 | s->icr_low : s->icr_low;
        return true;
    case 0x31:
        *val = s->icr_high;
        return !x2;
    case 0x32 ... 0x37:
        *val = s->lvt[idx - 0x32];
        return true;
    case 0x38:
        *val = s->initial_count;
        return true;
    case 0x39:
        *val = timer_current_count(s);
        return true;
    case 0x3e:
        *val = s->divide_conf;
        return true;
    default:
        return false;
    }
}

/* What each LVT keeps of a write (10.5.1). */
static const uint32_t lvt_writable[APIC_LVT_NB] = {
    [LVT_TIMER] = 0x710ff, [LVT_THERMAL] = 0x107ff, [LVT_PERF] = 0x107ff, [LVT_LINT0] = 0x1a7ff,
    [LVT_LINT1] = 0x1a7ff, [LVT_ERROR] = 0x100ff,   [LVT_CMCI] = 0x107ff,
};

static void write_lvt(APICState *s, int n, uint32_t val)
{
    if (!(s->svr & SVR_ENABLE)) {
        val |= LVT_MASKED; /* software-disabled: the mask bits stay set (10.4.7.2) */
    }
    if (n == LVT_TIMER) {
        write_lvt_timer(s, val);
    } else {
        s->lvt[n] = (s->lvt[n] & LVT_REMOTE_IRR) | (val & lvt_writable[n]);
    }
    apic_update(s);
}

static void write_svr(APICState *s, uint32_t val)
{
    s->svr = val & 0x13ff; /* vector, enable, focus check, EOI-broadcast suppression */
    if (!(val & SVR_ENABLE)) {
        for (int i = 0; i < APIC_LVT_NB; i++) {
            s->lvt[i] |= LVT_MASKED;
        }
    }
    apic_update(s);
}

static void write_icr(APICState *s, uint64_t val)
{
    s->icr_low = val & 0xcdfff; /* delivery status (bit 12) reads idle: sent at once */
    if (x2apic_mode(s)) {
        s->icr_high = val >> 32;
        apic_send_ipi(s, val, val >> 32);
    } else {
        apic_send_ipi(s, val, s->icr_high >> 24);
    }
}

/* Register idx; false if it does not exist or is read-only (x2APIC: #GP). */
static bool apic_reg_write(APICState *s, int idx, uint64_t val)
{
    bool x2 = x2apic_mode(s);

    switch (idx) {
    case 0x02:
        if (x2) {
            return false;
        }
        s->id = val >> 24;
        return true;
    case 0x08:
        s->tpr = val;
        apic_update(s);
        return true;
    case 0x0b:
        apic_eoi(s);
        return true;
    case 0x0d:
        s->ldr = val & 0xff000000;
        return !x2;
    case 0x0e:
        s->dfr = val | 0x0fffffff;
        return !x2;
    case 0x0f:
        write_svr(s, val);
        return true;
    case 0x28:
        s->esr = s->pending_esr; /* a write latches the errors seen since the last one */
        s->pending_esr = 0;
        return true;
    case 0x2f:
        write_lvt(s, LVT_CMCI, val);
        return true;
    case 0x30:
        write_icr(s, val);
        return true;
    case 0x31:
        s->icr_high = val & 0xff000000;
        return !x2;
    case 0x32 ... 0x37:
        write_lvt(s, idx - 0x32, val);
        return true;
    case 0x38:
        write_initial_count(s, val);
        return true;
    case 0x3e:
        write_divide(s, val);
        return true;
    case 0x3f:
        if (x2) {
            apic_set_irq(s, val & 0xff, false); /* self IPI */
        }
        return x2;
    default:
        return false;
    }
}

static uint64_t apic_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    uint64_t val = 0;

    if ((addr & 0xf) || !apic_reg_read(opaque, addr >> 4, &val)) {
        log_mask(LOG_GUEST_ERROR, "apic: read of no register at 0x%03" PRIx64 "\n", addr);
        return 0;
    }
    return (uint32_t)val;
}

static void apic_mmio_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    APICState *s = opaque;

    if ((addr & 0xf) || !apic_reg_write(s, addr >> 4, data)) {
        log_mask(LOG_GUEST_ERROR,
                 "apic: write of 0x%" PRIx64 " to no writable register "
                 "at 0x%03" PRIx64 "\n",
                 data, addr);
        apic_error(s, ESR_ILLEGAL_REGISTER);
    }
}

static const MemoryRegionOps apic_mmio_ops = {
    .read = apic_mmio_read,
    .write = apic_mmio_write,
    .valid = {.min_access_size = 4, .max_access_size = 4},
    .impl = {.min_access_size = 4, .max_access_size = 4},
};

/*
 * The calling hart's APIC if its xAPIC page is at page (an access from that hart through
 * system memory, where the softmmu TLB sends MMIO: its own address space has the page too).
 */
APICState *apic_of_current_cpu(hwaddr page)
{
    CPUState *cs = cpu_current();
    APICState *s;

    if (!cs || !object_dynamic_cast(OBJECT(cs), TYPE_X86_CPU)) {
        return NULL;
    }
    s = X86_CPU(cs)->apic_opaque;
    return s && s->mmio_mapped && (s->apicbase & ~0xfffULL) == page ? s : NULL;
}

uint64_t apic_page_read(APICState *s, hwaddr addr, unsigned size)
{
    return apic_mmio_read(s, addr, size);
}

void apic_page_write(APICState *s, hwaddr addr, uint64_t val, unsigned size)
{
    apic_mmio_write(s, addr, val, size);
}

/* ---- APIC_BASE, the MSRs and CR8 (the hart's hooks) ---- */

/* The xAPIC page is where APIC_BASE says, while the APIC is on and not in x2APIC mode. */
static void apic_map_mmio(APICState *s)
{
    if (s->mmio_mapped) {
        memory_region_del_subregion(s->cpu_mem, &s->mmio);
        s->mmio_mapped = false;
    }
    if (hw_enabled(s) && !x2apic_mode(s)) {
        memory_region_add_subregion_overlap(s->cpu_mem, s->apicbase & ~0xfffULL, &s->mmio, 1);
        s->mmio_mapped = true;
    }
}

/* SDM 10.12.5: off → xAPIC → x2APIC, back to off only; reserved bits #GP. */
static bool write_apicbase(APICState *s, uint64_t val)
{
    uint64_t reserved = ~(0xfffffff000ULL | MSR_IA32_APICBASE_BSP | MSR_IA32_APICBASE_EXTD |
                          MSR_IA32_APICBASE_ENABLE);
    bool en = val & MSR_IA32_APICBASE_ENABLE, x2 = val & MSR_IA32_APICBASE_EXTD;

    if ((val & reserved) || (x2 && !en) || (x2apic_mode(s) && en && !x2) ||
        ((val ^ s->apicbase) & MSR_IA32_APICBASE_BSP)) {
        return false;
    }
    if (!en && hw_enabled(s)) {
        apic_init_reset(s); /* globally disabled: back to the power-up state */
    }
    s->apicbase = val;
    apic_map_mmio(s);
    apic_update(s);
    return true;
}

static bool apic_msr_read(void *opaque, uint32_t msr, uint64_t *val)
{
    APICState *s = opaque;

    if (msr == MSR_IA32_APICBASE) {
        *val = s->apicbase;
        return true;
    }
    if (msr == MSR_IA32_TSC_DEADLINE) {
        *val = LVT_TIMER_MODE(s->lvt[LVT_TIMER]) == TIMER_TSC_DEADLINE ? s->tsc_deadline : 0;
        return true;
    }
    return x2apic_mode(s) && msr != MSR_X2APIC_FIRST + 0x3f &&
           apic_reg_read(s, msr - MSR_X2APIC_FIRST, val);
}

static bool apic_msr_write(void *opaque, uint32_t msr, uint64_t val)
{
    APICState *s = opaque;
    int idx = msr - MSR_X2APIC_FIRST;

    if (msr == MSR_IA32_APICBASE) {
        return write_apicbase(s, val);
    }
    if (msr == MSR_IA32_TSC_DEADLINE) {
        if (LVT_TIMER_MODE(s->lvt[LVT_TIMER]) == TIMER_TSC_DEADLINE) {
            s->tsc_deadline = val;
            timer_arm_deadline(s);
        }
        return true;
    }
    if (!x2apic_mode(s) || (idx != 0x30 && (val >> 32)) || (idx == 0x0b && val)) {
        return false;
    }
    return apic_reg_write(s, idx, val);
}

static uint8_t apic_get_cr8(void *opaque)
{
    return APIC(opaque)->tpr >> 4;
}

static void apic_set_cr8(void *opaque, uint8_t val)
{
    APICState *s = opaque;

    s->tpr = (val & 0xf) << 4;
    apic_update(s);
}

static const X86APICHooks apic_hooks = {
    .msr_read = apic_msr_read,
    .msr_write = apic_msr_write,
    .get_cr8 = apic_get_cr8,
    .set_cr8 = apic_set_cr8,
};

/* ---- lifecycle ---- */

void apic_attach(DeviceState *dev, X86CPU *cpu, APICBus *bus, MemoryRegion *cpu_mem)
{
    APICState *s = APIC(dev);

    s->cpu = cpu;
    s->bus = bus;
    s->cpu_mem = cpu_mem;
}

void apic_set_extint_ack(DeviceState *dev, int (*ack)(void *opaque), void *opaque)
{
    APIC(dev)->extint_ack = ack;
    APIC(dev)->extint_opaque = opaque;
}

static void apic_instance_init(Object *obj)
{
    APICState *s = APIC(obj);

    qdev_init_gpio_in(DEVICE(obj), apic_set_lint, 2);
    qdev_init_gpio_out(DEVICE(obj), &s->intr, 1);
}

static bool apic_realize(DeviceState *dev, Error **errp)
{
    APICState *s = APIC(dev);

    if (!s->cpu || !s->bus || !s->cpu_mem) {
        error_setg(errp, "apic: not attached to a CPU (apic_attach)");
        return false;
    }
    if (s->bus->count >= APIC_BUS_MAX) {
        error_setg(errp, "apic: at most %d local APICs", APIC_BUS_MAX);
        return false;
    }
    s->bus->apic[s->bus->count++] = s;
    memory_region_init_io(&s->mmio, &apic_mmio_ops, s, "apic", 0x1000);
    s->timer = timer_new_ns(CLOCK_VIRTUAL, apic_timer_cb, s);
    x86_cpu_set_apic_hooks(s->cpu, &apic_hooks, s);
    x86_cpu_set_intr_ack(s->cpu, apic_intr_ack, s);
    return true;
}

static void apic_reset(DeviceState *dev)
{
    APICState *s = APIC(dev);
    bool bsp = s->cpu->parent_obj.cpu_index == 0;

    s->id = s->cpu->apic_id;
    s->apicbase =
        APIC_DEFAULT_ADDRESS | MSR_IA32_APICBASE_ENABLE | (bsp ? MSR_IA32_APICBASE_BSP : 0);
    apic_init_reset(s);
    /* As QEMU's: the BSP's LINT0 starts as ExtINT, so the 8259 works before the BIOS sets it. */
    if (bsp) {
        s->lvt[LVT_LINT0] = APIC_DM_EXTINT << 8;
    }
    apic_map_mmio(s);
    apic_update(s);
}

static void apic_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "local APIC (xAPIC and x2APIC)";
    dc->realize = apic_realize;
    dc->reset = apic_reset;
}

static const TypeInfo apic_info = {
    .name = TYPE_APIC,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(APICState),
    .instance_init = apic_instance_init,
    .class_init = apic_class_init,
};

static void apic_register_types(void)
{
    type_register_static(&apic_info);
}

type_init(apic_register_types)
