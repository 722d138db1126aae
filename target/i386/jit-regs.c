/*
 * The x86 JIT's guest register cache: within a block, the host registers r9, r10, r11 and r15
 * (free in the host convention, include/accel/tcg/jit-internal.h) hold copies of guest registers
 * the block read or wrote, so the next read of one takes a host register instead of a load
 * from env->regs that waits for the store before it (store forwarding: ~5 cycles on every
 * step of a dependency chain through a guest register).
 *
 * Write-through: every write still stores env->regs, and a cached copy is only ever equal
 * to it, so nothing is written back at an exit, a fault or a call, and env is exact
 * wherever the interpreter or a handler looks. Each emitter that writes a guest register
 * tells the cache (x86_jit_regs_written, or x86_jit_regs_forget for partial writes); a call
 * to C (x86_jit_call) reloads every copy from env, since a handler may write any register
 * and the caller-saved r9-r11 are lost. The cache is the translator's, reset per block;
 * emitted code paths that rejoin must leave it alike: copies are only taken (allocated)
 * outside such diamonds or on the path whose other side ends in x86_jit_call.
 * Measured (x86boot, CPU seconds to "Linux version" / the init marker, without and with,
 * alternately, load ~6 on 2 cores): 10.08 / 16.82, 7.85 / 15.68 against 7.90 / 19.04,
 * 7.71 / 15.58: within the noise of that host; the x86jit branch's steps together
 * (flags known, this, the inline lookup, rotates, logic records), bench x86boot medians of 2,
 * twice: 8.90 / 18.73, 7.59 / 15.42 before, 7.31 / 13.54, 6.88 / 13.40 after.
 */
#include "tb-info.h"

#include "accel/tcg/jit-internal.h"

#define GREG(r) x86_mem(JIT_ENV, (int32_t)offsetof(CPUX86State, regs[(r)]) - JIT_ENV_BIAS)

static const X86Reg cache_host[X86_JIT_CACHE_REGS] = {X86_R9, X86_R10, X86_R11, X86_R15};

/* One translation at a time per thread (jit_compile holds jit_lock). */
static __thread X86JitRegCache cache;

void x86_jit_regs_reset(void)
{
    for (int i = 0; i < 16; i++) {
        cache.slot_of[i] = -1;
    }
    for (int i = 0; i < X86_JIT_CACHE_REGS; i++) {
        cache.guest_of[i] = -1;
    }
    cache.next = 0;
    cache.last = -1;
}

/* The slot holding guest register reg, a new one (its copy to be set by the caller) if
 * none does. */
static int slot_for(int reg, bool *fresh)
{
    int s = cache.slot_of[reg];

    *fresh = s < 0;
    if (s >= 0) {
        return s;
    }
    s = cache.next;
    if (s == cache.last) { /* still in use: an address's base when its index is taken */
        s = (s + 1) % X86_JIT_CACHE_REGS;
    }
    cache.next = (s + 1) % X86_JIT_CACHE_REGS;
    if (cache.guest_of[s] >= 0) {
        cache.slot_of[cache.guest_of[s]] = -1;
    }
    cache.guest_of[s] = reg;
    cache.slot_of[reg] = s;
    return s;
}

X86Reg x86_jit_regs_get(X86Buf *b, int reg)
{
    bool fresh;
    int s = slot_for(reg, &fresh);

    if (fresh) {
        x86_mov_rm(b, true, cache_host[s], GREG(reg));
    }
    cache.last = s;
    return cache_host[s];
}

void x86_jit_regs_written(X86Buf *b, int reg, X86Reg src)
{
    bool fresh;
    int s = slot_for(reg, &fresh);

    x86_mov_rr(b, true, cache_host[s], src);
}

X86Reg x86_jit_regs_def(int reg)
{
    bool fresh;

    return cache_host[slot_for(reg, &fresh)];
}

void x86_jit_regs_forget(int reg)
{
    int s = cache.slot_of[reg];

    if (s >= 0) {
        cache.slot_of[reg] = -1;
        cache.guest_of[s] = -1;
    }
}

void x86_jit_regs_reload(X86Buf *b)
{
    for (int s = 0; s < X86_JIT_CACHE_REGS; s++) {
        if (cache.guest_of[s] >= 0) {
            x86_mov_rm(b, true, cache_host[s], GREG(cache.guest_of[s]));
        }
    }
}

void x86_jit_regs_save(X86JitRegCache *out)
{
    *out = cache;
}

void x86_jit_regs_restore(const X86JitRegCache *saved)
{
    cache = *saved;
}

void x86_jit_call(X86Buf *b, const void *fn)
{
    x86_call(b, fn);
    x86_jit_regs_reload(b);
}
