/*
 * The x86 hart on the block engine (accel/tcg, QEMU's TCGCPUOps): guest code is
 * decoded once into translation blocks keyed by physical address, which the
 * run loop (accel/tcg/cpu-exec.c) finds through its jump cache and block cache
 * and hands back to x86_tb_exec here. Stores to a code page drop the blocks
 * on it (TLB_NOTDIRTY, tb-maint.c).
 *
 * A block's layout: accel/tcg's header and records (one per instruction, op
 * and pcoff only), the guest bytes it was decoded from (tb_code), then
 * X86TBInfo: the code size the block was decoded for and the decoded
 * instructions (X86Insn does not fit a 12-byte record), so accel/tcg needs no
 * x86 type.
 *
 * Blocks are looked up by the linear address of rip (X86CPU.tb_pc, set by
 * update_mmu_idx between blocks). Decoding goes on through conditional
 * branches; execution leaves the block as soon as rip is not the next
 * instruction's (a branch taken, a rep string step), after an instruction that
 * may change mode, paging, segments or the interrupt flag (ends_block), after
 * an exception, and after a store that dropped the running block
 * (self-modifying code sees its own store at the next instruction, as x86
 * requires). A block that ends in a near branch or falls through is followed
 * by the next one from the jump cache without the run loop while no
 * interrupt, event or exit is pending (X86_CHAIN_MAX at most).
 *
 * The cache key is the physical address only: a block run in another code
 * size than it was decoded for (the same bytes entered through another CS)
 * gives way to one instruction of x86_cpu_step, decoded afresh.
 */
#include <inttypes.h>
#include <sched.h>

#include "exec-internal.h"
#include "tb-info.h"

#include "accel/tcg/cputlb.h"
#include "accel/tcg/jit.h"
#include "accel/tcg/tb.h"
#include "accel/tcg/tcg-cpu-ops.h"
#include "accel/tcg/tcg.h"
#include "disas/x86.h"
#include "system/icount.h"
#include "util/log.h"

/* The hart of cs without QOM's checked cast (strcmp of type names: 10% of the time, perf). */
static inline X86CPU *x86_cpu_of(CPUState *cs)
{
    return container_of(cs, X86CPU, parent_obj);
}

/* Records' pcoff is 8-bit: no instruction of a block starts at or past this offset. */
#define X86_TB_MAX_BYTES 240

static X86TBInfo *tb_info(TranslationBlock *tb)
{
    return x86_tb_info(tb);
}

/* Bytes after the records for size bytes of code and n decoded instructions. */
static unsigned tb_extra(unsigned size, unsigned n)
{
    return size + 15 + sizeof(X86TBInfo) + n * sizeof(X86TBInsn);
}

/* The current code size: 2, 4, or 8 for 64-bit code. */
static int code_size_of(const CPUX86State *env)
{
    return x86_code64(env) ? 8 : x86_code_size(env);
}

static const bool goes_on[OP__COUNT] = {
    [OP_ALU] = 1,    [OP_GRP1] = 1,    [OP_INCDEC_R] = 1,  [OP_PUSH_R] = 1, [OP_POP_R] = 1,
    [OP_PUSHA] = 1,  [OP_POPA] = 1,    [OP_MOVSXD] = 1,    [OP_PUSH_I] = 1, [OP_IMUL3] = 1,
    [OP_JCC] = 1,    [OP_TEST] = 1,    [OP_XCHG] = 1,      [OP_MOV] = 1,    [OP_LEA] = 1,
    [OP_POP_EV] = 1, [OP_NOP] = 1,     [OP_CBW] = 1,       [OP_CWD] = 1,    [OP_PUSHF] = 1,
    [OP_SAHF] = 1,   [OP_LAHF] = 1,    [OP_MOV_MOFFS] = 1, [OP_MOVS] = 1,   [OP_CMPS] = 1,
    [OP_STOS] = 1,   [OP_LODS] = 1,    [OP_SCAS] = 1,      [OP_MOV_RI] = 1, [OP_SHIFT] = 1,
    [OP_ENTER] = 1,  [OP_LEAVE] = 1,   [OP_XLAT] = 1,      [OP_FPU] = 1,    [OP_FWAIT] = 1,
    [OP_SSE] = 1,    [OP_SSE38] = 1,   [OP_SSE3A] = 1,     [OP_FXSAVE] = 1, [OP_POPCNT] = 1,
    [OP_LZCNT] = 1,  [OP_LOOP] = 1,    [OP_CMC] = 1,       [OP_GRP3] = 1,   [OP_GRP4] = 1,
    [OP_CMOV] = 1,   [OP_SETCC] = 1,   [OP_BT] = 1,        [OP_SHLD] = 1,   [OP_SHRD] = 1,
    [OP_IMUL2] = 1,  [OP_CMPXCHG] = 1, [OP_MOVZX] = 1,     [OP_GRP8] = 1,   [OP_BSF] = 1,
    [OP_BSR] = 1,    [OP_MOVSX] = 1,   [OP_XADD] = 1,      [OP_GRP9] = 1,   [OP_BSWAP] = 1,
    [OP_RDTSC] = 1,
};

/*
 * Does d end the block? Control transfers (not conditional branches: a taken one leaves
 * through the rip check), and what changes mode, paging, segments, the interrupt flag or
 * shadow, or talks to devices (goes_on lists what does not).
 */
bool x86_ends_block(const X86Insn *d)
{
    if (d->op == OP_FLAGOP) {
        return d->opc == 0xfb; /* sti: its shadow is checked between blocks */
    }
    if (d->op == OP_GRP5) {
        return d->reg >= 2; /* call, callf, jmp, jmpf, push: only inc/dec go on */
    }
    if (d->op == OP_GRP15) { /* the fences go on (5.1 M lfence per x86boot boot) */
        return d->mem || (d->reg & 7) < 5;
    }
    return !goes_on[d->op];
}

/* Near control transfers: the block after them runs in the same mode and context. */
bool x86_is_near_branch(const X86Insn *d)
{
    return d->op == OP_JMP || d->op == OP_CALL || d->op == OP_RET ||
           (d->op == OP_GRP5 && (d->reg == 2 || d->reg == 4)) || !x86_ends_block(d);
}

/*
 * Decode up to max_insns instructions from host (the code at linear pc, readable to its
 * page's end) into insns; returns how many, 0 with *exc set if the first is invalid and
 * -1 if it runs into the next page. *size: the bytes they cover.
 */
static int decode_block(CPUX86State *env, uint64_t pc, const uint8_t *host, int code_size,
                        int max_insns, X86Insn *insns, unsigned *size, int *exc)
{
    unsigned avail = TARGET_PAGE_SIZE - (pc & ~TARGET_PAGE_MASK), off = 0;
    int n = 0;

    while (n < max_insns && off < X86_TB_MAX_BYTES && off < avail) {
        X86Insn *d = &insns[n];
        bool need_more;

        if (!x86_decode(host + off, MIN(avail - off, 15u), code_size, d, &need_more)) {
            if (n == 0 && need_more) {
                return -1;
            }
            if (n == 0) {
                log_mask(LOG_GUEST_ERROR, "x86: invalid opcode %02x at %04x:%08" PRIx64 "\n",
                         host[0], env->segs[R_CS].selector, env->rip);
                *exc = EXCP06_ILLOP;
            }
            break;
        }
        off += d->len;
        n++;
        if (x86_ends_block(d) || (d->rep && d->op >= OP_INS && d->op <= OP_SCAS)) {
            break;
        }
    }
    *size = off;
    return n;
}

/* -d in_asm and -d op: the guest code of a cached block, and its decoded records. */
static void log_block(TranslationBlock *tb, const X86TBInfo *info)
{
    if (log_enabled(LOG_IN_ASM)) {
        log_printf("IN: pc 0x%016" PRIx64 " phys 0x%" PRIx64 " (%d insns)\n", tb->pc, tb->phys_pc,
                   tb->n_insns);
        log_disas_x86(tb_code(tb), tb->size, tb->pc, info->code_size * 8);
    }
    if (log_enabled(LOG_OP)) {
        log_printf("OP: pc 0x%016" PRIx64 "\n", tb->pc);
        for (int i = 0; i < tb->n_insns; i++) {
            const X86Insn *d = &info->insns[i].d;

            log_printf(" %3d +%-3u %-12s size %u%s reg %u rm %u%s imm 0x%" PRIx64 "\n", i,
                       tb->insns[i].pcoff, x86_op_name(d->op), d->opsize, d->lock ? " lock" : "",
                       d->reg, d->rm, d->mem ? " mem" : "", (uint64_t)d->imm);
        }
    }
}

/* Fill tb's records and info from n decoded instructions over size bytes at host. */
static void fill_tb(TranslationBlock *tb, uint64_t pc, hwaddr phys, const uint8_t *host,
                    const X86Insn *insns, int n, unsigned size, int code_size)
{
    X86TBInfo *info;
    unsigned off = 0;

    tb->pc = pc;
    tb->phys_pc = phys;
    tb->size = size;
    tb->n_insns = n;
    tb->hash_next = tb->page_next = NULL;
    memset(tb->jmp, 0, sizeof(tb->jmp)); /* every slot: the arena is reused after a flush */
    tb->jit_code = NULL;
    tb->jit_tail = NULL;
    memset(tb->jit_jmp, 0, sizeof(tb->jit_jmp));
    for (int i = 0; i < n; i++) {
        tb->insns[i] = (InsnRecord){.op = insns[i].op, .pcoff = off};
        off += insns[i].len;
    }
    tb->insns[n] = (InsnRecord){.op = OP__COUNT, .pcoff = off};
    memcpy(tb_code(tb), host, size);
    info = tb_info(tb);
    info->code_size = code_size;
    info->chainable = x86_is_near_branch(&insns[n - 1]);
    info->cross_size = 0;
    info->supervisor = false;
    for (int i = 0; i < n; i++) {
        info->insns[i].fn = x86_insn_handler(&insns[i]);
        info->insns[i].d = insns[i];
    }
}

/* The one-instruction block in the hart's buffer for code that crosses a page or is no RAM. */
static TranslationBlock *gen_uncached(X86CPU *cpu, uint64_t pc, int code_size, int *exc)
{
    TranslationBlock *tb = cpu->tb_scratch;
    X86Insn d;
    int e = x86_fetch_decode(cpu, code_size, &d);

    if (e != X86_EXCP_NONE) {
        *exc = e;
        return NULL;
    }
    fill_tb(tb, pc, TB_PHYS_INVALID, (const uint8_t *)"", &d, 1, 0, code_size);
    tb->flags = TB_UNCACHED;
    return tb;
}

/*
 * An instruction that starts at pc and runs into the next page: a cached block over its
 * bytes in pc's page, decoded for no code size (X86_TB_STEP), so that x86_tb_exec runs it
 * with x86_cpu_step, fetched and decoded afresh through the TLB each time: the next page's
 * bytes and mapping may change without this block knowing, and are read anew. Cached, it
 * is found by the jump cache instead of translated every time it runs: the x86 boot's
 * decompressor has a 2-byte mov across a page in its inner loop (10 million translations
 * per boot, uncached). The JIT runs it the same way, through x86_jit_step.
 */
static TranslationBlock *gen_cross_page(X86CPU *cpu, uint64_t pc, hwaddr phys_pc,
                                        const uint8_t *host, int code_size, int *exc)
{
    unsigned avail = TARGET_PAGE_SIZE - (pc & ~TARGET_PAGE_MASK);
    TranslationBlock *tb;
    X86Insn d;
    uint8_t bytes[15];
    int e = x86_fetch_decode_bytes(cpu, code_size, &d, bytes);

    if (e != X86_EXCP_NONE) {
        *exc = e;
        return NULL;
    }
    tb = tb_alloc(1, tb_extra(avail, 1));
    if (!tb) {
        return NULL; /* the arena is full: the run loop flushes and asks again */
    }
    /* the bytes of this fetch, also as the block's copy of its page's part: tb_insert checks
     * that copy against memory, so the record and cross_bytes are what the page holds */
    fill_tb(tb, pc, phys_pc, bytes, &d, 1, MIN(avail, d.len), X86_TB_STEP);
    tb_info(tb)->supervisor = x86_cpl(&cpu->env) == 0;
    tb_info(tb)->cross_size = code_size;
    memcpy(tb_info(tb)->cross_bytes, bytes, d.len);
    tb->flags = 0;
    return tb;
}

static TranslationBlock *x86_gen_tb(CPUState *cs, uint64_t pc, hwaddr phys_pc, const uint8_t *host,
                                    int max_insns, bool cacheable, int *exc, uint64_t *tval)
{
    X86CPU *cpu = x86_cpu_of(cs);
    CPUX86State *env = &cpu->env;
    int code_size = code_size_of(env);
    X86Insn insns[TB_MAX_INSNS];
    TranslationBlock *tb;
    unsigned size;
    int n;

    *exc = TCG_EXCP_NONE;
    *tval = pc;
    if (code_size == 8 && unlikely(!x86_canonical(env, pc))) {
        *exc = x86_gp0(env);
        return NULL;
    }
    n = decode_block(env, pc, host, code_size, MIN(max_insns, TB_MAX_INSNS), insns, &size, exc);
    if (n < 0 && cacheable) {
        return gen_cross_page(cpu, pc, phys_pc, host, code_size, exc);
    }
    if (n < 0 || !cacheable) {
        return gen_uncached(cpu, pc, code_size, exc);
    }
    if (n == 0) {
        return NULL;
    }
    tb = tb_alloc(n, tb_extra(size, n));
    if (!tb) {
        return NULL; /* the arena is full: the run loop flushes and asks again */
    }
    fill_tb(tb, pc, phys_pc, host, insns, n, size, code_size);
    tb_info(tb)->supervisor = x86_cpl(env) == 0;
    tb->flags = 0;
    if (log_enabled(LOG_IN_ASM | LOG_OP)) {
        log_lock();
        log_block(tb, tb_info(tb));
        log_unlock();
    }
    return tb;
}

/*
 * Run the instructions of tb's info while rip follows them; the number retired in *done.
 * Returns the last instruction's result (X86_EXCP_NONE, an exception with rip at the
 * instruction, or X86_EXIT_*).
 */
static int run_block(CPUX86State *env, TranslationBlock *tb, const X86TBInfo *info, int n,
                     int *done)
{
    uint64_t mask = x86_rip_mask(info->code_size);
    int i;

    for (i = 0; i < n; i++) {
        const X86TBInsn *t = &info->insns[i];
        uint64_t start = env->rip, next = (start + t->d.len) & mask;
        int excp;

        env->rip = next;
        excp = t->fn(env, &t->d);
        if (unlikely(excp != X86_EXCP_NONE)) {
            if (excp == X86_EXIT_HLT || excp == X86_EXIT_PAUSE) {
                i++;
            } else {
                env->rip = start;
            }
            *done = i;
            return excp;
        }
        if (unlikely(env->rip != next) ||
            __atomic_load_n(&tb->phys_pc, __ATOMIC_RELAXED) == TB_PHYS_INVALID) {
            i++;
            break;
        }
    }
    *done = i;
    return X86_EXCP_NONE;
}

/* May the block after this one run without the run loop: nothing for it to look at? */
static bool may_chain(X86CPU *cpu)
{
    CPUState *cs = &cpu->parent_obj;

    return !atomic_load_explicit(&cs->exit_request, memory_order_relaxed) &&
           !atomic_load_explicit(&cpu->pending_events, memory_order_relaxed) &&
           !(atomic_load_explicit(&cpu->intr_level, memory_order_relaxed) &&
             (cpu->env.eflags & IF_MASK));
}

static const TCGCPUOps x86_tcg_ops_jit;

/*
 * With the JIT on, the run loop hands over one interpreted block at a time (so that JIT code
 * runs after it). In 16/32-bit code (never JIT code) that cost a run-loop round per block:
 * chain here still, up to the next block that has JIT code. Not for -icount, -d
 * exec/cpu/nochain or the debugger's steps (uncached blocks), which need one block at a time.
 */
static bool chains_past_jit(CPUState *cs, TranslationBlock *tb)
{
    return cs->tcg_ops == &x86_tcg_ops_jit && tcg_jit_enabled && !(tb->flags & TB_UNCACHED) &&
           !icount_enabled() && !log_enabled(LOG_EXEC | LOG_CPU | LOG_NOCHAIN);
}

/* Blocks run one after the other before the run loop has a look (map changes, kicks). */
#define X86_CHAIN_MAX 64

/*
 * Run tb (one instruction only when TF or an interrupt shadow is set at its start), then,
 * with chain, the blocks that follow it in the jump cache while nothing needs the run loop;
 * deliver what an instruction raises.
 */
static int x86_tb_exec(CPUState *cs, TranslationBlock *tb, bool chain)
{
    X86CPU *cpu = x86_cpu_of(cs);
    CPUX86State *env = &cpu->env;
    int code_size = code_size_of(env), excp, done;
    bool single_step = env->eflags & TF_MASK;
    bool to_interp_only = !chain && chains_past_jit(cs, tb);
    int n = tb->n_insns;

    if (cpu->wait_sipi) {
        return TB_EXIT_HALT;
    }
    if (code_size == 8 && unlikely(!x86_canonical(env, env->rip))) {
        x86_deliver_exception(env, x86_gp0(env));
        return TB_EXIT_NEXT;
    }
    if (unlikely(tb_info(tb)->code_size != code_size)) {
        /* Decoded for another mode (same physical code, new CS), or a page-crossing
         * instruction (X86_TB_STEP): one instruction afresh. */
        excp = x86_cpu_step(cpu);
        cpu->tb_instret++;
        return excp == X86_EXIT_HLT ? TB_EXIT_HALT : TB_EXIT_NEXT;
    }
    chain |= to_interp_only;
    if (single_step || env->irq_shadow) {
        n = 1; /* the shadow covers the first instruction only: then interrupts are checked */
        chain = false;
    }
    env->irq_shadow = false;
    for (int hops = 0;; hops++) {
        const X86TBInfo *info = tb_info(tb);
        uint64_t pc;

        excp = run_block(env, tb, info, n, &done);
        cpu->tb_instret += done;
        if (excp != X86_EXCP_NONE || !chain || !info->chainable || hops == X86_CHAIN_MAX ||
            !may_chain(cpu)) {
            break;
        }
        pc = code_size == 8 ? env->rip : (env->segs[R_CS].base + env->rip) & 0xffffffffu;
        tb = tb_lookup_fast(&cpu->tlb, pc);
        if (!tb || tb_info(tb)->code_size != code_size || (to_interp_only && tb_jit_code(tb))) {
            break;
        }
        n = tb->n_insns;
    }
    x86_finish_insn(env, excp, single_step);
    if (excp == X86_EXIT_HLT) {
        return TB_EXIT_HALT;
    }
    if (excp == X86_EXIT_PAUSE && first_cpu->next_cpu) {
        /* A spin-wait: let the hart holding the lock it waits for run, should the harts
         * outnumber the host's cores. */
        sched_yield();
    }
    return TB_EXIT_NEXT;
}

/*
 * Between blocks: a split lock that asked to run alone (exec.c) runs first, here where the
 * vCPU is in no block (interpreted or JIT code, which a flush by another vCPU's section
 * could free); then interrupts. True: what runs next is not the exit's target.
 */
static bool x86_exec_interrupt(CPUState *cs)
{
    X86CPU *cpu = x86_cpu_of(cs);

    if (unlikely(cpu->rmw.split)) {
        if (x86_cpu_step_exclusive(cpu) == X86_EXCP_NONE) {
            cpu->tb_instret++;
        }
        return true;
    }
    return x86_take_interrupt(cpu);
}

/* A fetch fault from the run loop (rip is the instruction's). */
static void x86_raise(CPUState *cs, int excp, uint64_t tval)
{
    X86CPU *cpu = x86_cpu_of(cs);

    (void)tval;
    if (excp == X86_EXCP_BUS) {
        x86_cpu_step(cpu); /* code outside RAM and ROM: fetched byte by byte */
        return;
    }
    x86_deliver_exception(&cpu->env, excp);
}

/* Between blocks: the TLB context, and the linear address of rip the run loop looks up. */
static void x86_update_mmu_idx(CPUState *cs)
{
    X86CPU *cpu = x86_cpu_of(cs);
    CPUX86State *env = &cpu->env;
    int idx = x86_mmu_index(env);

    x86_tlb_sync(cpu);
    cpu->tlb.code_mmu_idx = X86_MMU_CODE(idx);
    cpu->tlb.data_mmu_idx = idx;
    cpu->tb_pc = x86_code64(env) ? env->rip : (env->segs[R_CS].base + env->rip) & 0xffffffffu;
    cpu->jit_code_size = x86_code64(env) && !(env->eflags & TF_MASK) && !env->irq_shadow &&
                                 !cpu->wait_sipi && x86_canonical(env, env->rip)
                             ? 8
                             : 0;
}

#define X86_TCG_OPS_COMMON                                                                         \
    .pc_offset = offsetof(X86CPU, tb_pc), .instret_offset = offsetof(X86CPU, tb_instret),          \
    .jit_env_offset = offsetof(X86CPU, env), .gen_tb = x86_gen_tb, .tb_exec = x86_tb_exec,         \
    .exec_interrupt = x86_exec_interrupt, .raise = x86_raise,                                      \
    .update_mmu_idx = x86_update_mmu_idx,                                                          \
    .tlb_fill = x86_tlb_fill, /* Nothing at the address: all-ones for a read, a dropped write      \
                                 (mem_helper.c). */                                                \
        .access_fault = {X86_EXCP_BUS, X86_EXCP_BUS, X86_EXCP_BUS}

static const TCGCPUOps x86_tcg_ops = {X86_TCG_OPS_COMMON};
/* With the JIT for 64-bit code (jit-translate.c). */
static const TCGCPUOps x86_tcg_ops_jit = {X86_TCG_OPS_COMMON, .jit_translate = x86_jit_translate};

void x86_tcg_init(X86CPU *cpu)
{
    CPUState *cs = &cpu->parent_obj;

    cs->tcg_ops = x86_jit_wanted() ? &x86_tcg_ops_jit : &x86_tcg_ops;
    cs->tlb = &cpu->tlb;
    cpu->tb_scratch = xzalloc(tb_alloc_size(1, tb_extra(15, 1)));
}

int x86_cpu_exec(CPUState *cs)
{
    X86CPU *cpu = x86_cpu_of(cs);

    if (cpu->wait_sipi && !x86_cpu_events_pending(cpu)) {
        return EXCP_HLT;
    }
    return tcg_cpu_exec(cs);
}
