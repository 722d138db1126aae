/*
 * x86 string instructions (movs, cmps, stos, lods, scas, ins, outs) with the
 * rep/repe/repne prefixes, and in/out. Sources are seg:rSI (DS unless
 * overridden), destinations ES:rDI (never overridden); the address size picks
 * SI/ESI/RSI and CX/ECX/RCX; DF picks the direction. A rep loop runs in steps
 * of a bounded amount of work (X86_REP_BUDGET), between which interrupts are
 * taken; an exception leaves the registers at the element that faulted, so
 * the restart continues there.
 *
 * rep movs and rep stos (memcpy, memset and clear_page in a kernel) move a
 * page at a time on host pointers where source and destination are RAM
 * (rep_page_chunk); elements that cross a page, touch a device, fault or
 * wrap the address size go one at a time, as every other string instruction.
 *
 * Port access needs CPL <= IOPL in protected mode; the TSS I/O bitmap is not
 * consulted yet (an access it would allow raises #GP).
 */
#include "exec-internal.h"

#include "accel/tcg/tb.h"

static bool io_allowed(CPUX86State *env)
{
    return !(env->cr[0] & CR0_PE) ||
           ((env->eflags & VM_MASK) == 0 && x86_cpl(env) <= (int)((env->eflags & IOPL_MASK) >> 12));
}

static void advance(CPUX86State *env, const X86Insn *d, int reg)
{
    int64_t step = (env->eflags & DF_MASK) ? -d->opsize : d->opsize;

    x86_set_reg(env, d, reg, d->addrsize, env->regs[reg] + step);
}

/* One element of the string operation; *stop set by cmps/scas when repe/repne ends. */
static int string_element(CPUX86State *env, const X86Insn *d, bool *stop)
{
    int size = d->opsize, src_seg = d->seg >= 0 ? d->seg : R_DS;
    uint64_t am = x86_mask(d->addrsize), si = env->regs[R_ESI] & am, di = env->regs[R_EDI] & am;
    uint64_t a = 0, b = 0;
    int excp = X86_EXCP_NONE;

    switch (d->op) {
    case OP_MOVS:
        excp = x86_read_mem(env, src_seg, si, size, &a);
        excp = excp != X86_EXCP_NONE ? excp : x86_write_mem(env, R_ES, di, size, a);
        break;
    case OP_STOS:
        excp = x86_write_mem(env, R_ES, di, size, x86_get_reg(env, d, R_EAX, size));
        break;
    case OP_LODS:
        excp = x86_read_mem(env, src_seg, si, size, &a);
        if (excp == X86_EXCP_NONE) {
            x86_set_reg(env, d, R_EAX, size, a);
        }
        break;
    case OP_CMPS:
    case OP_SCAS:
        if (d->op == OP_CMPS) {
            excp = x86_read_mem(env, src_seg, si, size, &a);
        } else {
            a = x86_get_reg(env, d, R_EAX, size);
        }
        excp = excp != X86_EXCP_NONE ? excp : x86_read_mem(env, R_ES, di, size, &b);
        if (excp == X86_EXCP_NONE) {
            x86_alu(env, 7, a, b, size);
            *stop = d->rep == 0xf3 ? !x86_cond(env, 4) : x86_cond(env, 4); /* ZF */
        }
        break;
    case OP_INS:
        a = x86_io_read(env, env->regs[R_EDX], size);
        excp = x86_write_mem(env, R_ES, di, size, a);
        break;
    default: /* OP_OUTS */
        excp = x86_read_mem(env, src_seg, si, size, &a);
        if (excp == X86_EXCP_NONE) {
            x86_io_write(env, env->regs[R_EDX], size, a);
        }
        break;
    }
    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    if (d->op == OP_MOVS || d->op == OP_LODS || d->op == OP_CMPS || d->op == OP_OUTS) {
        advance(env, d, R_ESI);
    }
    if (d->op != OP_LODS && d->op != OP_OUTS) {
        advance(env, d, R_EDI);
    }
    return X86_EXCP_NONE;
}

/*
 * Elements of size bytes, from the one at offset off (linear address la) in the direction of
 * DF, that lie in la's page without wrapping the address size am. 0 if the first one crosses
 * the page or wraps.
 */
static uint64_t page_room(uint64_t la, uint64_t off, uint64_t am, int size, bool down)
{
    uint64_t in_page = la & ~TARGET_PAGE_MASK;

    if (in_page + size > TARGET_PAGE_SIZE || off > am - (size - 1)) {
        return 0;
    }
    if (down) {
        return MIN(in_page, off) / size + 1;
    }
    return MIN((TARGET_PAGE_SIZE - in_page) / size, (am - off - (size - 1)) / size + 1);
}

/*
 * Fill n elements of size bytes at host (the lowest one) with v. A value whose bytes are all
 * alike (the zero of clear_page and most memsets) is one memset; the others store elements of
 * a constant size, which the compiler turns into plain (vector) stores: a memcpy of a variable
 * size per element was a rep movsq each, 2% of the x86boot bench's CPU (perf).
 */
static void host_fill(uint8_t *host, uint64_t n, int size, uint64_t v)
{
    uint64_t m = x86_mask(size);

    if ((v & m) == ((v & 0xff) * (0x0101010101010101ULL & m))) {
        memset(host, (int)(v & 0xff), n * size);
        return;
    }
    switch (size) { /* little-endian host */
    case 2:
        for (uint64_t i = 0; i < n; i++) {
            memcpy(host + i * 2, &v, 2);
        }
        break;
    case 4:
        for (uint64_t i = 0; i < n; i++) {
            memcpy(host + i * 4, &v, 4);
        }
        break;
    default:
        for (uint64_t i = 0; i < n; i++) {
            memcpy(host + i * 8, &v, 8);
        }
        break;
    }
}

/*
 * n elements of size bytes from src to dst, the first at src/dst, the others at +-size
 * each as DF says. Disjoint ranges are one memcpy; overlapping ones go element by element
 * in the instruction's order, so a later element reads what an earlier one wrote.
 */
static void host_move(uint8_t *dst, const uint8_t *src, uint64_t n, int size, bool down)
{
    int64_t step = down ? -size : size;
    uint64_t len = n * size;
    const uint8_t *slo = down ? src - (len - size) : src;
    uint8_t *dlo = down ? dst - (len - size) : dst;

    if (dlo + len <= slo || slo + len <= dlo) {
        memcpy(dlo, slo, len);
        return;
    }
    for (uint64_t i = 0; i < n; i++) {
        uint64_t v;
        memcpy(&v, src + (int64_t)i * step, size);
        memcpy(dst + (int64_t)i * step, &v, size);
    }
}

/*
 * rep movs/stos: up to count elements in one go where the source and destination pages are
 * RAM, after one translation of each (the element path translates every element: 14 million
 * TLB refills in the x86 boot's decompressor, where source and destination were 4 MiB apart
 * and so took turns in one TLB entry). Returns the elements done, with rSI/rDI/rCX past
 * them; 0: the next element goes the ordinary way (it crosses a page, is a device's, faults).
 */
static uint64_t rep_page_chunk(CPUX86State *env, const X86Insn *d, uint64_t count)
{
    int size = d->opsize, src_seg = d->seg >= 0 ? d->seg : R_DS;
    bool down = env->eflags & DF_MASK;
    uint64_t am = x86_mask(d->addrsize), si = env->regs[R_ESI] & am, di = env->regs[R_EDI] & am;
    uint64_t n = count, len;
    X86MemProbe src = {0}, dst;

    /* The source first, as the element path reads before it writes (no D set for nothing). */
    if (d->op == OP_MOVS) {
        if (x86_probe_mem(env, src_seg, si, size, false, &src) != X86_EXCP_NONE || src.pages != 1 ||
            !src.page[0].host) {
            return 0;
        }
        n = MIN(n, page_room(src.page[0].la, si, am, size, down));
    }
    if (n == 0 || x86_probe_mem(env, R_ES, di, size, true, &dst) != X86_EXCP_NONE ||
        dst.pages != 1 || !dst.page[0].host) {
        return 0;
    }
    n = MIN(n, page_room(dst.page[0].la, di, am, size, down));
    if (n == 0) {
        return 0;
    }
    len = n * size;
    if (d->op == OP_MOVS) {
        host_move(dst.page[0].host, src.page[0].host, n, size, down);
    } else {
        host_fill((uint8_t *)dst.page[0].host - (down ? len - size : 0), n, size,
                  x86_get_reg(env, d, R_EAX, size));
    }
    if (dst.page[0].code) { /* written first, then dropped, as every store to a code page */
        tb_invalidate_phys_range(dst.page[0].pa - (down ? len - size : 0), len);
    }
    if (d->op == OP_MOVS) {
        x86_set_reg(env, d, R_ESI, d->addrsize, env->regs[R_ESI] + (down ? -len : len));
    }
    x86_set_reg(env, d, R_EDI, d->addrsize, env->regs[R_EDI] + (down ? -len : len));
    x86_set_reg(env, d, R_ECX, d->addrsize, count - n);
    return n;
}

/*
 * A rep loop does at most this much work per step: elements one at a time count 1, a page
 * chunk 1 per 16 bytes (64 KiB a step: the round trip through the run loop costs a few
 * percent of moving that much on host pointers).
 * Then rip goes back to the instruction, which continues with the registers where they are
 * (the architecture lets an interrupt in between elements the same way). A guest's rep with
 * a count of 2^64 thus never keeps the hart from the run loop, the BQL from the main loop or
 * the user from quitting.
 */
#define X86_REP_BUDGET 4096

int x86_exec_string(CPUX86State *env, const X86Insn *d)
{
    bool rep = d->rep != 0, cond = d->op == OP_CMPS || d->op == OP_SCAS;
    bool chunks = rep && (d->op == OP_MOVS || d->op == OP_STOS);

    if ((d->op == OP_INS || d->op == OP_OUTS) && !io_allowed(env)) {
        return x86_gp0(env);
    }
    for (uint64_t work = 0;; work++) {
        uint64_t count = rep ? x86_get_reg(env, d, R_ECX, d->addrsize) : 1, n;
        bool stop = false;
        int excp;

        if (count == 0) {
            return X86_EXCP_NONE;
        }
        if (work >= X86_REP_BUDGET) {
            env->rip = (env->rip - d->len) & (x86_code64(env) ? ~0ULL : 0xffffffffu);
            return X86_EXCP_NONE;
        }
        if (chunks && (n = rep_page_chunk(env, d, count)) != 0) {
            work += n * d->opsize / 16;
            continue;
        }
        excp = string_element(env, d, &stop);
        if (excp != X86_EXCP_NONE) {
            return excp;
        }
        if (!rep) {
            return X86_EXCP_NONE;
        }
        x86_set_reg(env, d, R_ECX, d->addrsize, env->regs[R_ECX] - 1);
        if (cond && stop) {
            return X86_EXCP_NONE;
        }
    }
}

/* e4/e5 in AL/eAX, imm8; ec/ed in AL/eAX, DX */
int x86_exec_in(CPUX86State *env, const X86Insn *d)
{
    uint16_t port = d->opc >= 0xec ? (uint16_t)env->regs[R_EDX] : (uint16_t)d->imm;
    int size = d->opsize == 8 ? 4 : d->opsize;

    if (!io_allowed(env)) {
        return x86_gp0(env);
    }
    x86_set_reg(env, d, R_EAX, size, x86_io_read(env, port, size));
    return X86_EXCP_NONE;
}

int x86_exec_out(CPUX86State *env, const X86Insn *d)
{
    uint16_t port = d->opc >= 0xee ? (uint16_t)env->regs[R_EDX] : (uint16_t)d->imm;
    int size = d->opsize == 8 ? 4 : d->opsize;

    if (!io_allowed(env)) {
        return x86_gp0(env);
    }
    x86_io_write(env, port, size, x86_get_reg(env, d, R_EAX, size));
    return X86_EXCP_NONE;
}
