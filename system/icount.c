/*
 * -icount: CLOCK_VIRTUAL from the instruction count; the contract is in
 * include/system/icount.h.
 *
 * executed and last_instret belong to the one vCPU thread; other threads
 * (main loop, monitor) read executed and bias atomically and get the count
 * at the last block boundary. The vCPU itself, inside a block (a CSR read of
 * time, an MMIO read of mtime), adds what its instret gained since then.
 */
#include "system/icount.h"

#include <stdatomic.h>
#include <time.h>

#include "accel/tcg/tcg-cpu-ops.h"
#include "system/cpus.h"
#include "util/main-loop.h"
#include "util/option.h"
#include "util/timer.h"

/* QEMU's bound: 2^10 ns (about 1 MHz) per instruction at most. */
#define ICOUNT_MAX_SHIFT 10
/* shift=auto starts here (8 ns per instruction) and retunes every ADJUST_NS of host time. */
#define ICOUNT_AUTO_INITIAL_SHIFT 3
#define ICOUNT_ADJUST_NS (100 * 1000 * 1000LL)
/* align=on and shift=auto look at the host clock once per this many instructions. */
#define ICOUNT_CHECK_INSNS (1 << 20)
/* align=on waits only once the guest is this far ahead of real time. */
#define ICOUNT_ALIGN_SLACK_NS (1000 * 1000LL)

typedef struct ICountState {
    bool enabled, autoshift, align, sleep;
    _Atomic int shift;
    _Atomic int64_t bias_ns;   /* virtual time not made of instructions (idle jumps) */
    _Atomic uint64_t executed; /* instructions retired up to the last block boundary */
    uint64_t last_instret;     /* the vCPU's instret at that boundary */
    uint64_t next_check;       /* executed count of the next align/auto look */
    int64_t host_start_ns;     /* CLOCK_HOST when the guest first ran */
    int64_t last_adjust_host_ns;
} ICountState;

static ICountState icount;
static __thread CPUState *icount_cpu; /* set in the vCPU thread: its reads are exact */

static uint64_t cpu_instret(CPUState *cpu)
{
    return *(uint64_t *)((char *)cpu + cpu->tcg_ops->instret_offset);
}

static int64_t icount_now_ns(void)
{
    uint64_t n = atomic_load(&icount.executed);

    if (icount_cpu) {
        n += cpu_instret(icount_cpu) - icount.last_instret;
    }
    return atomic_load(&icount.bias_ns) + (int64_t)(n << atomic_load(&icount.shift));
}

/* A new earliest deadline: the vCPU recomputes its budget (or wakes from WFI to warp). */
static void icount_deadline_changed(void)
{
    if (first_cpu) {
        cpu_kick(first_cpu);
    }
}

static const VirtualClockSource icount_source = {
    .now_ns = icount_now_ns,
    .deadline_changed = icount_deadline_changed,
};

static bool icount_bool(const KeyValueList *kv, const char *key, bool *out, Error **errp)
{
    const char *v = keyval_get(kv, key);

    if (v && !parse_bool(v, out)) {
        error_setg(errp, "Parameter '%s' expects 'on' or 'off'", key);
        return false;
    }
    return true;
}

static bool icount_parse_shift(const char *shift, Error **errp)
{
    uint64_t n;

    if (!strcmp(shift, "auto")) {
        icount.autoshift = true;
        atomic_store(&icount.shift, ICOUNT_AUTO_INITIAL_SHIFT);
        return true;
    }
    if (!parse_uint(shift, &n) || n > ICOUNT_MAX_SHIFT) {
        error_setg(errp, "icount: Invalid shift value");
        return false;
    }
    atomic_store(&icount.shift, (int)n);
    return true;
}

/* The rules and messages are QEMU 7.2's: without shift= nothing is enabled. */
bool icount_configure(const char *arg, Error **errp)
{
    static const char *const known[] = {"shift", "align", "sleep"};
    KeyValueList kv;
    const char *shift;
    bool ok = keyval_parse(arg, "shift", &kv, errp);

    for (int i = 0; ok && i < kv.count; i++) {
        bool found = false;
        for (size_t k = 0; k < ARRAY_SIZE(known); k++) {
            found |= !strcmp(kv.items[i].key, known[k]);
        }
        if (!found) {
            error_setg(errp, "Invalid parameter '%s'", kv.items[i].key);
            ok = false;
        }
    }
    icount.sleep = true;
    ok = ok && icount_bool(&kv, "align", &icount.align, errp) &&
         icount_bool(&kv, "sleep", &icount.sleep, errp);
    shift = ok ? keyval_get(&kv, "shift") : NULL;
    if (ok && !shift && icount.align) {
        error_setg(errp, "Please specify shift option when using align");
        ok = false;
    } else if (ok && icount.align && !icount.sleep) {
        error_setg(errp, "align=on and sleep=off are incompatible");
        ok = false;
    } else if (ok && shift) {
        ok = icount_parse_shift(shift, errp);
        icount.enabled = ok;
    }
    keyval_free(&kv);
    if (icount.enabled) {
        clock_virtual_set_source(&icount_source);
    }
    return ok;
}

bool icount_enabled(void)
{
    return icount.enabled;
}

bool icount_sleep_on(void)
{
    return icount.sleep;
}

void icount_exec_enter(CPUState *cpu)
{
    uint64_t instret = cpu_instret(cpu);

    icount_cpu = cpu;
    /* The last block before the previous exit retired this; a reset since zeroed instret. */
    if (instret >= icount.last_instret) {
        atomic_fetch_add(&icount.executed, instret - icount.last_instret);
    }
    icount.last_instret = instret;
    if (!icount.host_start_ns) {
        icount.host_start_ns = icount.last_adjust_host_ns = clock_get_ns(CLOCK_HOST);
    }
}

/* shift=auto: a smaller shift when virtual time runs ahead of real time, larger when behind. */
static void icount_adjust_shift(int64_t virt, int64_t real)
{
    int shift = atomic_load(&icount.shift), want = shift;
    uint64_t n = atomic_load(&icount.executed);

    if (virt > real && shift > 0) {
        want = shift - 1;
    } else if (virt < real && shift < ICOUNT_MAX_SHIFT) {
        want = shift + 1;
    }
    if (want != shift) {
        /* Keep the clock continuous: the instructions so far keep the time they made. */
        atomic_fetch_add(&icount.bias_ns, (int64_t)(n << shift) - (int64_t)(n << want));
        atomic_store(&icount.shift, want);
    }
}

/* align=on and shift=auto: compare with the host clock now and then. */
static void icount_check_host(void)
{
    int64_t host = clock_get_ns(CLOCK_HOST);
    int64_t real = host - icount.host_start_ns, virt = icount_now_ns();

    icount.next_check = atomic_load(&icount.executed) + ICOUNT_CHECK_INSNS;
    if (icount.autoshift && host - icount.last_adjust_host_ns >= ICOUNT_ADJUST_NS) {
        icount.last_adjust_host_ns = host;
        icount_adjust_shift(virt, real);
    }
    if (icount.align && virt - real > ICOUNT_ALIGN_SLACK_NS) {
        int64_t ahead = virt - real;
        struct timespec ts = {ahead / NANOSECONDS_PER_SECOND, ahead % NANOSECONDS_PER_SECOND};
        nanosleep(&ts, NULL);
    }
}

static void icount_run_timers(void)
{
    bool had_bql = bql_locked();

    if (!had_bql) {
        bql_lock();
    }
    timerlist_run_expired(CLOCK_VIRTUAL);
    if (!had_bql) {
        bql_unlock();
    }
}

int64_t icount_block_budget(CPUState *cpu)
{
    uint64_t instret = cpu_instret(cpu);
    int shift = atomic_load(&icount.shift);
    int64_t deadline;

    atomic_fetch_add(&icount.executed, instret - icount.last_instret);
    icount.last_instret = instret;
    if ((icount.align || icount.autoshift) && atomic_load(&icount.executed) >= icount.next_check) {
        icount_check_host();
    }
    deadline = timerlist_deadline_ns(CLOCK_VIRTUAL);
    if (deadline == 0) {
        icount_run_timers();
        deadline = timerlist_deadline_ns(CLOCK_VIRTUAL);
    }
    if (deadline < 0) {
        return INT64_MAX;
    }
    /* Instructions until the clock reaches the deadline, rounded up; a timer that re-armed
     * itself for now runs after one more instruction rather than spinning here. */
    return MAX((deadline + (1LL << shift) - 1) >> shift, 1);
}

int64_t icount_idle_deadline(void)
{
    return timerlist_deadline_ns(CLOCK_VIRTUAL);
}

void icount_idle_advance(int64_t ns)
{
    int64_t deadline = timerlist_deadline_ns(CLOCK_VIRTUAL);

    if (deadline >= 0 && ns > deadline) {
        ns = deadline;
    }
    if (ns > 0) {
        atomic_fetch_add(&icount.bias_ns, ns);
    }
    icount_run_timers();
}
