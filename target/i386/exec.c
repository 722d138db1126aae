/*
 * The x86 interpreter's core: the operand accessors, the dispatch table from
 * X86Op to the group handlers, one step (fetch, decode, execute, deliver the
 * exception), shared by x86_cpu_step and the block engine (tcg-ops.c).
 *
 * Instructions are fetched through the softmmu TLB's fetch entries and
 * decoded once: a per-hart cache of decoded instructions keyed by physical
 * address (fetch_decode). The hart runs without the BQL; MMIO, port I/O and
 * the interrupt acknowledge take it for the access (cputlb.c, mem_helper.c).
 */
#include <inttypes.h>

#include "exec-internal.h"
#include "fpu-internal.h"

#include "accel/tcg/cputlb.h"
#include "accel/tcg/tb.h"

#include "system/cpus.h"
#include "system/runstate.h"
#include "util/log.h"
#include "util/main-loop.h"

/* ---- operands ---- */

uint64_t x86_get_reg(CPUX86State *env, const X86Insn *d, int reg, int size)
{
    if (size == 1 && !d->rex && reg >= 4 && reg < 8) {
        return (env->regs[reg - 4] >> 8) & 0xff; /* AH, CH, DH, BH */
    }
    return env->regs[reg] & x86_mask(size);
}

void x86_set_reg(CPUX86State *env, const X86Insn *d, int reg, int size, uint64_t val)
{
    if (size == 1 && !d->rex && reg >= 4 && reg < 8) {
        env->regs[reg - 4] = deposit64(env->regs[reg - 4], 8, 8, val);
    } else if (size == 4) {
        env->regs[reg] = (uint32_t)val; /* a 32-bit write clears the upper half */
    } else if (size == 8) {
        env->regs[reg] = val;
    } else {
        env->regs[reg] = deposit64(env->regs[reg], 0, 8 * size, val);
    }
}

int x86_probe_write(CPUX86State *env, int seg, uint64_t off, int size, void **host)
{
    X86MemProbe p;
    int excp = x86_probe_mem(env, seg, off, size, true, &p);

    if (p.pages == 0) {
        *host = NULL;
        return X86_EXCP_NONE; /* non-canonical: the access raises its #GP/#SS */
    }
    /* x86 has no write-only page, so the bytes can be read there too. */
    *host = excp == X86_EXCP_NONE && p.pages == 1 && !p.page[0].code ? p.page[0].host : NULL;
    return excp;
}

static uint64_t host_load(const void *host, int size)
{
    uint16_t v16;
    uint32_t v32;
    uint64_t v64;

    switch (size) {
    case 1:
        return *(const uint8_t *)host;
    case 2:
        memcpy(&v16, host, 2);
        return v16;
    case 4:
        memcpy(&v32, host, 4);
        return v32;
    default:
        memcpy(&v64, host, 8);
        return v64;
    }
}

/*
 * Locked read-modify-writes (lock prefix, xchg with memory, cmpxchg8b/16b). Other vCPUs run
 * at the same time without a lock (docs/memory-model.md), so each is one host atomic on the
 * host bytes of RAM: the handler reads the operand atomically in place, and its write swaps
 * the new value in by compare-and-swap against what it read, making the instruction run
 * again (X86_EXCP_RETRY, its register effects undone by exec_locked) if another vCPU changed
 * it in between. An operand that crosses a cache line (a split lock, hardware's term; so
 * every one across a page) has no host atomic: the instruction is run again alone, every
 * other vCPU outside its execution loop (x86_cpu_step_exclusive, from the run loop), where
 * plain accesses are atomic. A device (MMIO) or ROM gets two plain accesses, as on QEMU.
 */

/* Does [la, la + size) cross a 64-byte cache line (so also a page)? */
static bool splits_line(uint64_t la, int size)
{
    return (la & 63) + size > 64;
}

int x86_locked_target(CPUX86State *env, int seg, uint64_t off, int size, X86LockedTarget *t)
{
    X86CPU *cpu = x86_env_cpu(env);
    uint64_t la;
    void *host;
    int excp;

    t->host = NULL;
    if (cpu->rmw.exclusive || x86_linear(env, seg, off, &la) != X86_EXCP_NONE) {
        return X86_EXCP_NONE; /* alone anyway, or the access raises #GP/#SS itself */
    }
    if (splits_line(la, size)) {
        /* The store's fault first (on the first page that refuses), then alone. */
        excp = x86_probe_write(env, seg, off, size, &host);
        if (excp == X86_EXCP_NONE) {
            cpu->rmw.split = true;
            excp = X86_EXCP_RETRY;
        }
        return excp;
    }
    excp = tlb_probe(&cpu->parent_obj, la, size, MMU_DATA_STORE, x86_mmu_index(env), &t->host,
                     &t->pa, &t->code);
    return excp == X86_EXCP_BUS ? X86_EXCP_NONE : excp; /* a device: plain accesses */
}

void x86_locked_written(const X86LockedTarget *t, int size)
{
    if (t->code) {
        /* After the write, never before (accel/tcg/cputlb.h, tlb_probe). */
        tb_invalidate_phys_range(t->pa, size);
    }
}

static int rmw_read_at(CPUX86State *env, int seg, uint64_t off, int size, uint64_t *val)
{
    X86CPU *cpu = x86_env_cpu(env);
    X86LockedTarget *t = &cpu->rmw.target;
    int excp = x86_locked_target(env, seg, off, size, t);

    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    if (!t->host) {
        excp = x86_probe_write(env, seg, off, size, &t->host);
        t->host = NULL;
        return excp != X86_EXCP_NONE ? excp : x86_read_mem(env, seg, off, size, val);
    }
    switch (size) {
    case 1:
        *val = __atomic_load_n((uint8_t *)t->host, __ATOMIC_SEQ_CST);
        break;
    case 2:
        *val = __atomic_load_n((uint16_t *)t->host, __ATOMIC_SEQ_CST);
        break;
    case 4:
        *val = __atomic_load_n((uint32_t *)t->host, __ATOMIC_SEQ_CST);
        break;
    default:
        *val = __atomic_load_n((uint64_t *)t->host, __ATOMIC_SEQ_CST);
        break;
    }
    cpu->rmw.old = *val;
    return X86_EXCP_NONE;
}

static bool rmw_swap(void *host, int size, uint64_t old, uint64_t val)
{
    switch (size) {
    case 1: {
        uint8_t o = old;
        return __atomic_compare_exchange_n((uint8_t *)host, &o, (uint8_t)val, false,
                                           __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    }
    case 2: {
        uint16_t o = old;
        return __atomic_compare_exchange_n((uint16_t *)host, &o, (uint16_t)val, false,
                                           __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    }
    case 4: {
        uint32_t o = old;
        return __atomic_compare_exchange_n((uint32_t *)host, &o, (uint32_t)val, false,
                                           __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    }
    default:
        return __atomic_compare_exchange_n((uint64_t *)host, &old, val, false, __ATOMIC_SEQ_CST,
                                           __ATOMIC_SEQ_CST);
    }
}

int x86_rm_read(CPUX86State *env, const X86Insn *d, int size, uint64_t *val)
{
    if (!d->mem) {
        *val = x86_get_reg(env, d, d->rm, size);
        return X86_EXCP_NONE;
    }
    if (x86_env_cpu(env)->rmw.active) {
        return rmw_read_at(env, x86_ea_seg(d), x86_ea(env, d), size, val);
    }
    return x86_read_mem(env, x86_ea_seg(d), x86_ea(env, d), size, val);
}

int x86_mem_read_for_write(CPUX86State *env, int seg, uint64_t off, int size, uint64_t *val)
{
    void *host;
    int excp;

    if (x86_env_cpu(env)->rmw.active) {
        return rmw_read_at(env, seg, off, size, val);
    }
    excp = x86_probe_write(env, seg, off, size, &host);
    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    if (host) {
        *val = host_load(host, size);
        return X86_EXCP_NONE;
    }
    return x86_read_mem(env, seg, off, size, val);
}

int x86_mem_write_back(CPUX86State *env, int seg, uint64_t off, int size, uint64_t val)
{
    X86CPU *cpu = x86_env_cpu(env);
    X86LockedTarget *t = &cpu->rmw.target;

    if (cpu->rmw.active && t->host) {
        cpu->rmw.active = false;
        if (!rmw_swap(t->host, size, cpu->rmw.old, val)) {
            return X86_EXCP_RETRY;
        }
        x86_locked_written(t, size);
        return X86_EXCP_NONE;
    }
    return x86_write_mem(env, seg, off, size, val);
}

int x86_rm_read_for_write(CPUX86State *env, const X86Insn *d, int size, uint64_t *val)
{
    if (!d->mem) {
        *val = x86_get_reg(env, d, d->rm, size);
        return X86_EXCP_NONE;
    }
    return x86_mem_read_for_write(env, x86_ea_seg(d), x86_ea(env, d), size, val);
}

int x86_rm_write(CPUX86State *env, const X86Insn *d, int size, uint64_t val)
{
    if (!d->mem) {
        x86_set_reg(env, d, d->rm, size, val);
        return X86_EXCP_NONE;
    }
    return x86_mem_write_back(env, x86_ea_seg(d), x86_ea(env, d), size, val);
}

void x86_jump(CPUX86State *env, uint64_t target, int opsize)
{
    env->rip = opsize == 8 ? target : target & x86_mask(opsize);
}

/* ---- dispatch ---- */

static const X86ExecFn exec_table[OP__COUNT] = {
    [OP_ALU] = x86_exec_alu,
    [OP_GRP1] = x86_exec_grp1,
    [OP_INCDEC_R] = x86_exec_incdec_r,
    [OP_PUSH_R] = x86_exec_push_r,
    [OP_POP_R] = x86_exec_pop_r,
    [OP_PUSHA] = x86_exec_pusha,
    [OP_POPA] = x86_exec_popa,
    [OP_MOVSXD] = x86_exec_movsxd,
    [OP_PUSH_I] = x86_exec_push_i,
    [OP_IMUL3] = x86_exec_imul3,
    [OP_INS] = x86_exec_string,
    [OP_OUTS] = x86_exec_string,
    [OP_JCC] = x86_exec_jcc,
    [OP_TEST] = x86_exec_test,
    [OP_XCHG] = x86_exec_xchg,
    [OP_MOV] = x86_exec_mov,
    [OP_MOV_SEG] = x86_exec_mov_seg,
    [OP_LEA] = x86_exec_lea,
    [OP_POP_EV] = x86_exec_pop_ev,
    [OP_NOP] = x86_exec_nop,
    [OP_CBW] = x86_exec_cbw,
    [OP_CWD] = x86_exec_cwd,
    [OP_CALLF] = x86_exec_callf,
    [OP_PUSHF] = x86_exec_pushf,
    [OP_POPF] = x86_exec_popf,
    [OP_SAHF] = x86_exec_sahf,
    [OP_LAHF] = x86_exec_lahf,
    [OP_MOV_MOFFS] = x86_exec_mov_moffs,
    [OP_MOVS] = x86_exec_string,
    [OP_CMPS] = x86_exec_string,
    [OP_STOS] = x86_exec_string,
    [OP_LODS] = x86_exec_string,
    [OP_SCAS] = x86_exec_string,
    [OP_MOV_RI] = x86_exec_mov_ri,
    [OP_SHIFT] = x86_exec_shift,
    [OP_RET] = x86_exec_ret,
    [OP_LFP] = x86_exec_lfp,
    [OP_ENTER] = x86_exec_enter,
    [OP_LEAVE] = x86_exec_leave,
    [OP_RETF] = x86_exec_retf,
    [OP_INT3] = x86_exec_int3,
    [OP_INT] = x86_exec_int,
    [OP_INTO] = x86_exec_into,
    [OP_IRET] = x86_exec_iret,
    [OP_XLAT] = x86_exec_xlat,
    [OP_FPU] = x86_exec_x87,
    [OP_FWAIT] = x86_exec_fwait,
    [OP_SSE] = x86_exec_sse,
    [OP_SSE38] = x86_exec_sse38,
    [OP_SSE3A] = x86_exec_sse3a,
    [OP_FXSAVE] = x86_exec_fxsave,
    [OP_XCR] = x86_exec_xcr,
    [OP_GRP9X] = x86_exec_grp9x,
    [OP_POPCNT] = x86_exec_popcnt,
    [OP_LZCNT] = x86_exec_lzcnt,
    [OP_LOOP] = x86_exec_loop,
    [OP_IN] = x86_exec_in,
    [OP_OUT] = x86_exec_out,
    [OP_CALL] = x86_exec_call,
    [OP_JMP] = x86_exec_jmp,
    [OP_JMPF] = x86_exec_jmpf,
    [OP_HLT] = x86_exec_hlt,
    [OP_CMC] = x86_exec_cmc,
    [OP_GRP3] = x86_exec_grp3,
    [OP_FLAGOP] = x86_exec_flagop,
    [OP_GRP4] = x86_exec_grp4,
    [OP_GRP5] = x86_exec_grp5,
    [OP_SEG_PUSH] = x86_exec_seg_push,
    [OP_SEG_POP] = x86_exec_seg_pop,
    [OP_GRP6] = x86_exec_grp6,
    [OP_GRP7] = x86_exec_grp7,
    [OP_CLTS] = x86_exec_clts,
    [OP_WBINVD] = x86_exec_nop,
    [OP_UD] = x86_exec_ud,
    [OP_MOV_CR] = x86_exec_mov_cr,
    [OP_MOV_DR] = x86_exec_mov_dr,
    [OP_WRMSR] = x86_exec_wrmsr,
    [OP_RDTSC] = x86_exec_rdtsc,
    [OP_RDMSR] = x86_exec_rdmsr,
    [OP_CMOV] = x86_exec_cmov,
    [OP_SETCC] = x86_exec_setcc,
    [OP_CPUID] = x86_exec_cpuid,
    [OP_BT] = x86_exec_bt,
    [OP_SHLD] = x86_exec_shld,
    [OP_SHRD] = x86_exec_shrd,
    [OP_IMUL2] = x86_exec_imul2,
    [OP_CMPXCHG] = x86_exec_cmpxchg,
    [OP_MOVZX] = x86_exec_movzx,
    [OP_GRP8] = x86_exec_grp8,
    [OP_BSF] = x86_exec_bsf,
    [OP_BSR] = x86_exec_bsr,
    [OP_MOVSX] = x86_exec_movsx,
    [OP_XADD] = x86_exec_xadd,
    [OP_GRP9] = x86_exec_grp9,
    [OP_BSWAP] = x86_exec_bswap,
    [OP_GRP15] = x86_exec_grp15,
    [OP_SYSCALL] = x86_exec_syscall,
    [OP_SYSRET] = x86_exec_sysret,
    [OP_SYSENTER] = x86_exec_sysenter,
    [OP_SYSEXIT] = x86_exec_sysexit,
    [OP_LAR_LSL] = x86_exec_lar_lsl,
};

/* Does d read, modify and write its memory operand as one locked cycle? */
static bool is_locked_rmw(const X86Insn *d)
{
    return d->mem && (d->lock || d->op == OP_XCHG);
}

/* May d take the lock prefix? Only these forms with a memory destination; others #UD (SDM
 * Vol. 2 "LOCK"). */
static bool lockable(const X86Insn *d)
{
    int r = d->reg & 7;

    if (!d->mem) {
        return false;
    }
    switch (d->op) {
    case OP_ALU: /* add..xor Eb,Gb / Ev,Gv; not cmp */
        return (d->opc & 7) < 2 && ((d->opc >> 3) & 7) != 7;
    case OP_GRP1: /* not cmp */
        return r != 7;
    case OP_GRP3: /* not, neg */
        return r == 2 || r == 3;
    case OP_GRP5: /* inc, dec */
        return r < 2;
    case OP_BT: /* bts, btr, btc: not bt */
        return ((d->opc >> 3) & 3) != 0;
    case OP_GRP8:
        return r >= 5;
    case OP_GRP9:  /* cmpxchg8b */
    case OP_GRP9X: /* cmpxchg16b */
        return r == 1;
    case OP_GRP4: /* inc, dec (the decoder made the rest #UD) */
    case OP_XCHG:
    case OP_CMPXCHG:
    case OP_XADD:
        return true;
    default:
        return false;
    }
}

/* Run d as a locked read-modify-write; on a lost race, undo its register effects. */
static int exec_locked(CPUX86State *env, const X86Insn *d)
{
    X86CPU *cpu = x86_env_cpu(env);
    uint64_t regs[X86_NB_REGS], eflags = env->eflags;
    X86LazyFlags cc = env->cc;
    int excp;

    if (cpu->rmw.exclusive) {
        return exec_table[d->op](env, d); /* alone: plain accesses are atomic */
    }
    memcpy(regs, env->regs, sizeof(regs));
    /* No stale page from an earlier instruction (every lockable form reads first). */
    cpu->rmw.target.host = NULL;
    cpu->rmw.active = true;
    excp = exec_table[d->op](env, d);
    cpu->rmw.active = false;
    if (excp == X86_EXCP_RETRY) {
        memcpy(env->regs, regs, sizeof(regs));
        env->eflags = eflags;
        env->cc = cc;
    }
    return excp;
}

/* An operation the table has no handler for: #UD, with a guest-error line. */
static int exec_unimplemented(CPUX86State *env, const X86Insn *d)
{
    log_mask(LOG_GUEST_ERROR, "x86: %s not implemented at %04x:%08" PRIx64 "\n", x86_op_name(d->op),
             env->segs[R_CS].selector, env->rip - d->len);
    return EXCP06_ILLOP;
}

/* pause (f3 90): a spin-wait hint, so the run loop lets the other harts run. */
static int exec_pause(CPUX86State *env, const X86Insn *d)
{
    (void)env;
    (void)d;
    return X86_EXIT_PAUSE;
}

X86ExecFn x86_insn_handler(const X86Insn *d)
{
    if (!exec_table[d->op]) {
        return exec_unimplemented;
    }
    if (d->lock && !lockable(d)) {
        return x86_exec_ud;
    }
    if (is_locked_rmw(d)) {
        return exec_locked;
    }
    if (d->op == OP_XCHG && d->map == 0 && d->opc == 0x90 && d->rep == 0xf3 && !(d->rex & 1)) {
        return exec_pause;
    }
    return x86_fast_handler(d) ?: exec_table[d->op];
}

/* ---- one instruction ---- */

/*
 * Fetch up to 15 bytes at linear address la byte by byte, for an instruction outside RAM
 * or one that runs into a page outside RAM; returns how many could be read. *excp is the
 * fault that stopped it early (a page fault on the next page), X86_EXCP_NONE if all 15
 * were read.
 */
static int fetch_slow(CPUX86State *env, uint64_t la, uint8_t *buf, int *excp)
{
    int n = 0;

    *excp = X86_EXCP_NONE;
    while (n < 15) {
        uint64_t v;
        int e = x86_read_linear(env, la + n, 1, &v);
        if (e != X86_EXCP_NONE) {
            *excp = e;
            break;
        }
        buf[n++] = v;
    }
    return n;
}

/*
 * The code bytes at la through the TLB's fetch entry: *host and *phys of la, X86_EXCP_NONE;
 * a page fault; or X86_EXCP_BUS when the page is not RAM/ROM (then fetch_slow).
 */
static int fetch_page(X86CPU *cpu, uint64_t la, const uint8_t **host, hwaddr *phys)
{
    CPUTLB *tlb = &cpu->tlb;
    int idx = X86_MMU_CODE(x86_mmu_index(&cpu->env));
    CPUTLBEntry *e = tlb_entry(tlb, idx, la);

    if (unlikely(e->addr_code != (la & TARGET_PAGE_MASK))) {
        tlb->code_mmu_idx = idx;
        return tlb_translate_code(&cpu->parent_obj, la, phys, host);
    }
    *host = (const uint8_t *)(uintptr_t)(la + e->addend);
    *phys = tlb->paddr[idx][e - tlb->table[idx]] | (la & ~TARGET_PAGE_MASK);
    return X86_EXCP_NONE;
}

/*
 * Decode the n bytes at bytes (at most 15), those of the instruction at physical address
 * phys, into *d through the decoded-instruction cache: keyed by physical address and code
 * size, an entry is used only while memory still holds the bytes it was decoded from, so
 * stores to code (self-modifying or DMA) need no invalidation. False if invalid, with
 * *need_more if the instruction runs past the n bytes.
 */
static bool decode_cached(X86CPU *cpu, hwaddr phys, const uint8_t *bytes, int n, int code_size,
                          X86Insn *d, bool *need_more)
{
    X86DecodedInsn *c = &cpu->icache[(phys ^ (phys >> 12)) & (X86_ICACHE_SIZE - 1)];

    *need_more = false;
    if (c->phys == phys && c->code_size == code_size && c->d.len && c->d.len <= n &&
        !memcmp(c->bytes, bytes, c->d.len)) {
        *d = c->d;
        return true;
    }
    if (!x86_decode(bytes, n, code_size, d, need_more)) {
        return false;
    }
    c->phys = phys;
    c->code_size = code_size;
    c->d = *d;
    memcpy(c->bytes, bytes, d->len);
    return true;
}

/*
 * The 15 bytes at la, which run from the RAM page at host into the next page, both through
 * their fetch entries: 15, or the bytes of la's page alone with *excp the next page's fault
 * (real only if the instruction needs them); 0 if the next page is not RAM/ROM or not
 * canonical (then fetch_slow). fetch_slow read them byte by byte, each time such an
 * instruction ran: perf of the x86boot bench's boot, the fetch and decode of the interpreter
 * 5.7% of the CPU with it, 2.3% with this.
 */
static int fetch_across(X86CPU *cpu, uint64_t la, const uint8_t *host, int code_size, uint8_t *buf,
                        int *excp)
{
    int first = TARGET_PAGE_SIZE - (la & ~TARGET_PAGE_MASK);
    uint64_t next = (la + first) & (code_size == 8 ? ~0ULL : 0xffffffffu);
    const uint8_t *host2;
    hwaddr phys2;

    if (code_size == 8 && !x86_canonical(&cpu->env, next)) {
        return 0;
    }
    memcpy(buf, host, first);
    *excp = fetch_page(cpu, next, &host2, &phys2);
    if (*excp == X86_EXCP_BUS) {
        return 0;
    }
    if (*excp == X86_EXCP_NONE) {
        memcpy(buf + first, host2, 15 - first);
    }
    return *excp == X86_EXCP_NONE ? 15 : first;
}

/* Decode the instruction at la (code_size: 2, 4 or 8) into *d; its d->len bytes into bytes
 * unless NULL. */
static int fetch_decode(X86CPU *cpu, uint64_t la, int code_size, X86Insn *d, uint8_t *bytes)
{
    CPUX86State *env = &cpu->env;
    const uint8_t *host;
    hwaddr phys;
    uint8_t buf[16] = {0};
    uint64_t cr2 = env->cr[2];
    bool need_more, ok, across;
    int excp, n = 0;

    excp = fetch_page(cpu, la, &host, &phys);
    if (excp == X86_EXCP_NONE && TARGET_PAGE_SIZE - (la & ~TARGET_PAGE_MASK) >= 15) {
        if (!decode_cached(cpu, phys, host, 15, code_size, d, &need_more)) {
            goto invalid;
        }
        if (bytes) {
            memcpy(bytes, host, d->len);
        }
        return X86_EXCP_NONE;
    }
    if (excp != X86_EXCP_NONE && excp != X86_EXCP_BUS) {
        return excp;
    }
    if (excp == X86_EXCP_NONE) { /* la's page is RAM: the instruction may run into the next */
        n = fetch_across(cpu, la, host, code_size, buf, &excp);
    }
    across = n > 0;
    if (!across) {
        n = fetch_slow(env, la, buf, &excp);
    }
    if (n == 0) {
        return excp;
    }
    if (excp != X86_EXCP_NONE) {
        env->cr[2] = cr2; /* the fault past the bytes read is only real if they are needed */
    }
    ok = across ? decode_cached(cpu, phys, buf, n, code_size, d, &need_more)
                : x86_decode(buf, n, code_size, d, &need_more);
    if (ok && bytes) {
        memcpy(bytes, buf, d->len);
    }
    if (ok) {
        return X86_EXCP_NONE;
    }
    if (need_more && excp != X86_EXCP_NONE) { /* it runs into that page: the fault again */
        if (across) {
            fetch_across(cpu, la, host, code_size, buf, &excp);
        } else {
            fetch_slow(env, la, buf, &excp);
        }
        return excp;
    }
    host = buf;

invalid:
    log_mask(LOG_GUEST_ERROR, "x86: invalid opcode %02x %02x %02x %02x at %04x:%08" PRIx64 "\n",
             host[0], host[1], host[2], host[3], env->segs[R_CS].selector, env->rip);
    return EXCP06_ILLOP;
}

/* Deliver an exception raised by the instruction at rip; a fault while doing so escalates. */
void x86_deliver_exception(CPUX86State *env, int excp)
{
    bool has_error = x86_excp_has_error_code(excp);
    int e = x86_do_interrupt(env, excp, false, has_error, env->error_code, env->rip);

    if (e != X86_EXCP_NONE) {
        e = x86_do_interrupt(env, EXCP08_DBLE, false, true, 0, env->rip);
    }
    if (e != X86_EXCP_NONE) {
        log_mask(LOG_GUEST_ERROR, "x86: triple fault at %04x:%08" PRIx64 ": reset\n",
                 env->segs[R_CS].selector, env->rip);
        reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    }
}

/*
 * Execute the decoded instruction d that starts at rip start in code of code_size (the
 * interpreter's step and the block engine, tcg-ops.c). On an exception rip is put back at
 * start; the caller delivers it (x86_finish_insn).
 */
int x86_exec_insn(CPUX86State *env, const X86Insn *d, uint64_t start, int code_size)
{
    int excp;

    env->rip = (start + d->len) & x86_rip_mask(code_size);
    excp = x86_insn_handler(d)(env, d);
    if (excp != X86_EXCP_NONE && excp != X86_EXIT_HLT && excp != X86_EXIT_PAUSE) {
        env->rip = start;
    }
    return excp;
}

int x86_fetch_decode(X86CPU *cpu, int code_size, X86Insn *d)
{
    return x86_fetch_decode_bytes(cpu, code_size, d, NULL);
}

int x86_fetch_decode_bytes(X86CPU *cpu, int code_size, X86Insn *d, uint8_t *bytes)
{
    CPUX86State *env = &cpu->env;
    uint64_t start = env->rip;
    uint64_t la = code_size == 8 ? start : (env->segs[R_CS].base + start) & 0xffffffffu;

    if (code_size == 8 && unlikely(!x86_canonical(env, la))) {
        return x86_gp0(env);
    }
    return fetch_decode(cpu, la, code_size, d, bytes);
}

static int step_insn(X86CPU *cpu)
{
    CPUX86State *env = &cpu->env;
    X86Insn d;
    uint64_t start = env->rip;
    int code_size = x86_code64(env) ? 8 : x86_code_size(env);
    int excp = x86_fetch_decode(cpu, code_size, &d);

    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    return x86_exec_insn(env, &d, start, code_size);
}

/* Take the INTR line's vector if interrupts are enabled (between instructions). */
bool x86_take_interrupt(X86CPU *cpu)
{
    CPUX86State *env = &cpu->env;
    int vec;

    if (atomic_load(&cpu->pending_events) && x86_cpu_handle_events(cpu)) {
        return true;
    }
    if (cpu->wait_sipi || !atomic_load_explicit(&cpu->intr_level, memory_order_relaxed) ||
        !(env->eflags & IF_MASK) || !cpu->intr_ack || env->irq_shadow) {
        return false;
    }
    bql_lock(); /* the acknowledge cycle runs the interrupt controller */
    vec = cpu->intr_ack(cpu->intr_ack_opaque);
    bql_unlock();
    if (vec < 0) {
        return false;
    }
    if (x86_do_interrupt(env, vec, false, false, 0, env->rip) != X86_EXCP_NONE) {
        x86_deliver_exception(env, EXCP0D_GPF);
    }
    return true;
}

void x86_exec_init(X86CPU *cpu)
{
    cpu->icache = xzalloc(X86_ICACHE_SIZE * sizeof(*cpu->icache));
}

void x86_finish_insn(CPUX86State *env, int excp, bool single_step)
{
    if (excp != X86_EXCP_NONE && excp != X86_EXIT_HLT && excp != X86_EXIT_PAUSE &&
        excp != X86_EXCP_RETRY) {
        x86_deliver_exception(env, excp);
    } else if (single_step && excp == X86_EXCP_NONE) {
        /* TF at the start of an instruction: a #DB trap after it (SDM Vol. 3A 17.3.1.4). */
        env->dr[6] |= DR6_BS;
        if (x86_do_interrupt(env, EXCP01_DB, false, false, 0, env->rip) != X86_EXCP_NONE) {
            x86_deliver_exception(env, EXCP0D_GPF);
        }
    }
}

int x86_cpu_step(X86CPU *cpu)
{
    CPUX86State *env = &cpu->env;
    bool single_step = env->eflags & TF_MASK;
    int excp;

    env->irq_shadow = false;
    x86_tlb_sync(cpu);
    excp = step_insn(cpu);
    x86_finish_insn(env, excp, single_step);
    return excp;
}

/*
 * A split lock (exec.c's comment on locked accesses): hardware locks the bus; here every
 * other vCPU waits at a block boundary, as QEMU's cpu_exec_step_atomic does. Devices' DMA is
 * not held off, as on QEMU.
 */
int x86_cpu_step_exclusive(X86CPU *cpu)
{
    int excp;

    cpu->rmw.split = false;
    cpus_exclusive_begin();
    cpu->rmw.exclusive = true;
    excp = x86_cpu_step(cpu);
    cpu->rmw.exclusive = false;
    cpus_exclusive_end();
    return excp;
}
