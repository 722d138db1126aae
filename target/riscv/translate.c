/*
 * RISC-V translation: guest code -> a TranslationBlock of instruction
 * records for the threaded interpreter (target/riscv/exec.c). Rules for
 * where a block ends are in include/accel/tcg/tb.h; the instruction set is
 * decoded by target/riscv/decode*.c (Unprivileged ISA 20191213).
 *
 * Fetch: the caller translated the block's pc once (tlb_translate_code) and
 * hands over the host bytes of the page. They are copied first and decoded
 * from the copy, which the block keeps (tb_code): the block cache compares it
 * with memory to catch a store that raced with the translation (tb-maint.c).
 * Only a 4-byte instruction that crosses into the next page needs a second
 * translation (RISC-V Privileged ISA 20211203,
 * section 3.1.16: on a fault, tval is the address of the faulting half).
 */
#include <inttypes.h>

#include "accel/tcg/cputlb.h"
#include "disas/riscv.h"
#include "target/riscv/exec.h"
#include "util/log.h"

static uint16_t fetch16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}

/*
 * FENCE pred, succ on an x86-64 host (docs/memory-model.md): TSO already keeps loads
 * before later loads and stores, and stores before later stores, so only a FENCE that
 * orders earlier writes (W, or O: device output) before later reads (R, or I) needs a
 * host barrier. fence.tso, "fence r,rw" (acquire), "fence rw,w" (release) and pause need
 * none. Device accesses take the BQL, a full barrier, so I/O needs no more than that.
 */
static int32_t fence_needs_host_barrier(uint32_t raw)
{
    unsigned pred = raw >> 24 & 0xf, succ = raw >> 20 & 0xf, fm = raw >> 28;

    if (fm == 8) {
        return 0; /* fence.tso */
    }
    return (pred & 0x5) && (succ & 0xa); /* PO|PW, SI|SR */
}

static bool is_cond_branch(RISCVOp op)
{
    return op >= OP_BEQ && op <= OP_BGEU;
}

/*
 * Superblocks: a conditional branch does not end the block; its taken edge becomes a side
 * exit with its own chain slot (2, 3: record aux), its fall-through runs on in the block.
 * A branch back to the block's start still ends it, so a loop's back edge stays the last
 * record (the JIT's loop mode). A backward branch elsewhere is a side exit too (it ended the
 * block until issue 7): a loop rotated by the compiler, `L: bgeu a5,a2,out; body; j L`, then
 * is one block whose last record jumps to its start, a loop-mode block, where it was two
 * blocks chained to each other, writing back and reloading their registers at each edge
 * (the sieve phase of tests/bench). Measured: tests/bench 1.07 s -> 1.01 s CPU, median of 5
 * alternating runs; intmix built bare-metal unchanged. Why: the hot paths of branchy code (list
 * walks, compare chains) were runs of two- and three-instruction blocks, each reloading and writing
 * back its registers; a hash chain walk of tests/bench/linux/intmix.c became one loop-mode block.
 * Measured: intmix in Linux, CPU seconds, median of 8 runs, this binary and the one before booted
 * side by side (twice, on a loaded host): 1.06/1.09 s before, 1.02/1.015 s after; fpmix and the
 * bare-metal bench unchanged within noise.
 */
static bool side_exit_ok(const DecodedInsn *d, unsigned off, int *side_exits)
{
    if (!is_cond_branch(d->op) || (int64_t)off + d->imm == 0 || *side_exits == TB_NSLOTS - 2) {
        return false;
    }
    ++*side_exits;
    return true;
}

/* Turn a decoded instruction into its record. */
static void rec_fill(InsnRecord *r, const DecodedInsn *d, unsigned pcoff)
{
    RISCVOp op = d->op;

    *r = (InsnRecord){
        .imm = (int32_t)d->imm, .rd = d->rd, .rs1 = d->rs1, .rs2 = d->rs2, .pcoff = pcoff};
    switch (riscv_op_kind(op)) {
    case OPK_ALU:
        /* A pure computation into x0 has no effect (this covers most HINTs). */
        if (d->rd == 0) {
            op = OP_NOP;
        }
        break;
    case OPK_FP:
        r->aux = d->rm;
        r->rs3 = d->rs3;
        break;
    case OPK_AMO:
        /* aq (bit 1) and rl (bit 0): exec-amo.c orders LR.rl by them */
        r->aux = (d->raw >> 25) & 3;
        break;
    default:
        if (op == OP_FENCE) {
            r->imm = fence_needs_host_barrier(d->raw);
        }
        break;
    }
    r->op = op;
}

uint32_t riscv_tb_insn_bits(TranslationBlock *tb, int idx)
{
    const uint8_t *p = tb_code(tb) + tb->insns[idx].pcoff;
    uint16_t lo = fetch16(p);

    return riscv_insn_len(lo) == 4 ? lo | (uint32_t)fetch16(p + 2) << 16 : lo;
}

static void log_block(const TranslationBlock *tb, const DecodedInsn *d)
{
    log_printf("IN: pc 0x%016" PRIx64 " phys 0x%" PRIx64 " (%d insns)\n", tb->pc, tb->phys_pc,
               tb->n_insns);
    for (int i = 0; i < tb->n_insns; i++) {
        uint64_t pc = tb->pc + tb->insns[i].pcoff;
        uint8_t bytes[4];
        DisasLine line;

        /* The disassembler reads the encoding the decoder saw (d[i].raw), not memory again. */
        memcpy(bytes, &d[i].raw, sizeof(bytes));
        riscv_disas(pc, bytes, d[i].len, &line);
        log_printf("0x%016" PRIx64 ":  %0*x%*s%-24s%s\n", pc, d[i].len * 2, d[i].raw,
                   18 - d[i].len * 2, "", line.mnemonic, line.operands);
    }
}

static TranslationBlock *scratch_tb(RISCVCPU *cpu)
{
    if (!cpu->tlb.scratch) {
        cpu->tlb.scratch = xzalloc(tb_alloc_size(1, 4));
    }
    return cpu->tlb.scratch;
}

/* -d op: the records the interpreter runs and the JIT translates, one per instruction. */
static void log_records(const TranslationBlock *tb)
{
    log_printf("OP: pc 0x%016" PRIx64 "\n", tb->pc);
    for (int i = 0; i <= tb->n_insns; i++) {
        const InsnRecord *r = &tb->insns[i];

        log_printf(" %3d +%-3u %-12s rd %-2u rs1 %-2u rs2 %-2u rs3 %-2u imm %-11" PRId32
                   " aux %u\n",
                   i, r->pcoff, r->op == RISCV_OP_END ? "end" : riscv_op_name(r->op), r->rd, r->rs1,
                   r->rs2, r->rs3, r->imm, r->aux);
    }
}

/* Fill and log the block from n decoded instructions spanning size bytes (a copy in code). */
static TranslationBlock *tb_build(TranslationBlock *tb, uint64_t pc, hwaddr phys_pc,
                                  const DecodedInsn *d, int n, const uint8_t *code, unsigned size,
                                  uint16_t flags)
{
    unsigned off = 0;

    memset(tb, 0, sizeof(*tb));
    tb->pc = pc;
    tb->phys_pc = phys_pc;
    tb->size = size;
    tb->n_insns = n;
    tb->flags = flags;
    for (int i = 0, side = 2; i < n; i++) {
        rec_fill(&tb->insns[i], &d[i], off);
        if (i < n - 1 && is_cond_branch(tb->insns[i].op)) {
            tb->insns[i].aux = side++; /* a side exit's slot (the last branch: 0) */
        }
        off += d[i].len;
    }
    tb->insns[n] = (InsnRecord){.op = RISCV_OP_END, .pcoff = off};
    memcpy(tb_code(tb), code, size);
    if (log_enabled(LOG_IN_ASM | LOG_OP)) {
        log_lock();
        if (log_enabled(LOG_IN_ASM)) {
            log_block(tb, d);
        }
        if (log_enabled(LOG_OP)) {
            log_records(tb);
        }
        log_unlock();
    }
    return tb;
}

/* The first instruction crosses the page end: fetch its upper half through the MMU. */
static TranslationBlock *gen_straddle(RISCVCPU *cpu, uint64_t pc, hwaddr phys_pc, uint16_t lo,
                                      int *exc, uint64_t *tval)
{
    DecodedInsn d;
    hwaddr pa2;
    const uint8_t *host2;
    RISCVException ex;

    ex = tlb_translate_code(&cpu->parent_obj, pc + 2, &pa2, &host2);
    if (ex != RISCV_EXCP_NONE) {
        *exc = ex;
        *tval = pc + 2;
        return NULL;
    }
    uint32_t insn = lo | (uint32_t)fetch16(host2) << 16;
    riscv_decode(insn, &d);
    if (!riscv_cpu_insn_enabled(cpu, &d)) {
        riscv_decode_illegal(&d);
    }
    return tb_build(scratch_tb(cpu), pc, phys_pc, &d, 1, (const uint8_t *)&insn, 4, TB_UNCACHED);
}

TranslationBlock *riscv_gen_tb(CPUState *cs, uint64_t pc, hwaddr phys_pc, const uint8_t *host,
                               int max_insns, bool cacheable, int *exc, uint64_t *tval)
{
    RISCVCPU *cpu = container_of(cs, RISCVCPU, parent_obj);
    DecodedInsn d[TB_MAX_INSNS];
    uint8_t code[TB_MAX_INSNS * 4];
    unsigned avail = MIN(TARGET_PAGE_SIZE - (pc & ~TARGET_PAGE_MASK), sizeof(code));
    unsigned off = 0;
    int n = 0, side_exits = 0;
    TranslationBlock *tb;

    *exc = RISCV_EXCP_NONE;
    /* One read of the guest bytes: what is decoded is what the block keeps. */
    memcpy(code, host, avail);
    host = code;
    if (!cacheable) {
        max_insns = 1; /* the scratch buffer holds one record */
    }
    max_insns = MIN(max_insns, TB_MAX_INSNS);
    while (n < max_insns && off + 2 <= avail) {
        uint16_t lo = fetch16(host + off);
        unsigned len = riscv_insn_len(lo);

        if (off + len > avail) {
            if (n == 0) {
                return gen_straddle(cpu, pc, phys_pc, lo, exc, tval);
            }
            break; /* the next block starts with it */
        }
        riscv_decode(len == 4 ? lo | (uint32_t)fetch16(host + off + 2) << 16 : lo, &d[n]);
        if (!riscv_cpu_insn_enabled(cpu, &d[n])) {
            riscv_decode_illegal(&d[n]); /* an extension switched off (-cpu rv64,c=off) */
        }
        if (riscv_insn_ends_block(&d[n]) && !side_exit_ok(&d[n], off, &side_exits)) {
            off += len;
            n++;
            break;
        }
        off += len;
        n++;
    }
    tb = cacheable ? tb_alloc(n, off) : scratch_tb(cpu);
    if (!tb) {
        return NULL;
    }
    return tb_build(tb, pc, phys_pc, d, n, code, off, cacheable ? 0 : TB_UNCACHED);
}
