/*
 * The local APIC's state, shared by apic.c (the registers, timer and hooks
 * of one APIC) and apic_bus.c (delivering messages between them).
 */
#ifndef HW_INTC_APIC_INTERNAL_H
#define HW_INTC_APIC_INTERNAL_H

#include "hw/intc/apic.h"

#include <inttypes.h>

#include "util/log.h"
#include "util/timer.h"

#define APIC_LVT_NB 7 /* timer, thermal, perf, LINT0, LINT1, error, CMCI */
enum { LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR, LVT_CMCI };

#define LVT_MASKED (1u << 16)
#define LVT_LEVEL (1u << 15)      /* LINT0/1 trigger mode */
#define LVT_REMOTE_IRR (1u << 14) /* LINT0/1 */
#define LVT_TIMER_MODE(v) (((v) >> 17) & 3)
enum { TIMER_ONESHOT, TIMER_PERIODIC, TIMER_TSC_DEADLINE };
#define SVR_ENABLE (1u << 8)
#define ESR_SEND_ILLEGAL_VECTOR (1u << 5)
#define ESR_RECV_ILLEGAL_VECTOR (1u << 6)
#define ESR_ILLEGAL_REGISTER (1u << 7)
#define ICR_LOGICAL (1u << 11)
#define ICR_LEVEL_ASSERT (1u << 14)
#define ICR_TRIGGER_LEVEL (1u << 15)
#define APIC_VERSION (0x14 | (5 << 16)) /* integrated APIC, 6 LVTs as QEMU (CMCI past them) */

struct APICState {
    SysBusDevice parent_obj;
    X86CPU *cpu;
    APICBus *bus;
    MemoryRegion *cpu_mem; /* where the xAPIC page is mapped (the hart's own view) */
    MemoryRegion mmio;
    bool mmio_mapped;
    IRQState *intr;
    int (*extint_ack)(void *opaque);
    void *extint_opaque;
    int lint_level[2];

    uint64_t apicbase;
    uint32_t id; /* the initial APIC ID (xAPIC reads it in bits 31:24) */
    uint8_t tpr;
    uint32_t ldr, dfr, svr, esr, pending_esr, icr_low, icr_high;
    uint32_t isr[8], tmr[8], irr[8];
    uint32_t lvt[APIC_LVT_NB];
    uint32_t divide_conf, initial_count;
    int count_shift;
    int64_t load_time; /* ns when the count was loaded */
    uint64_t tsc_deadline;
    Timer *timer;
};

#define APIC(obj) OBJECT_CHECK(APICState, (obj), TYPE_APIC)

static inline bool x2apic_mode(const APICState *s)
{
    return s->apicbase & MSR_IA32_APICBASE_EXTD;
}

static inline bool hw_enabled(const APICState *s)
{
    return s->apicbase & MSR_IA32_APICBASE_ENABLE;
}

static inline bool sw_enabled(const APICState *s)
{
    return hw_enabled(s) && (s->svr & SVR_ENABLE);
}

/* apic.c: the message has reached s; act on its delivery mode. */
void apic_accept(APICState *s, int mode, uint8_t vector, bool level_trig);
/* apic_bus.c: does s match dest (an APIC ID, or a logical destination)? */
bool apic_match(const APICState *s, uint32_t dest, bool logical);
/* apic_bus.c: deliver to the APICs of bus with hit[i] set (one of them if lowest priority). */
void apic_bus_deliver_set(APICBus *bus, const bool *hit, int mode, uint8_t vector, bool level);

#endif
