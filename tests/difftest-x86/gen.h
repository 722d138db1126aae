/*
 * Random valid x86-64 instruction streams for the differential test of the x86 engines
 * (tests/difftest-x86/test-difftest-x86.c): the interpreter, the JIT, and the host CPU.
 *
 * Linear layout of a stream (the same addresses in the guest's page tables and, for the
 * native run, in the test process):
 *   XG_END        the end: the stream's last instruction jumps here
 *   XG_CODE       the stream (at most XG_CODE_MAX bytes)
 *   XG_STACK      two pages of stack; rsp starts near the boundary between them
 *   XG_WINDOW     the data window: pages 0 and 1 read-write, page 2 read-only, page 3 not
 *                 mapped, so accesses there and across into them fault (#PF)
 *
 * A stream is straight-line code with forward jumps only, so it always ends: at XG_END or at
 * an exception. The generator never writes rsp but through push/pop/call/ret, never reads it
 * as a value (a stack address in a register could become a store base), and knows its value
 * at every point (rsp-relative loads). Memory operands get their base and index registers
 * from a mov just before (any register, so every ModRM/SIB special case is encoded), or are
 * rip-relative or absolute; a few (XG_FAULT) use whatever a register holds, to fault.
 *
 * Host-safe streams (host = true) leave no flag or register undefined that a later
 * instruction or the final comparison could see: after an instruction with undefined flags
 * comes a cmp that defines them all, and bsf/bsr get a non-zero source. Nor do they take
 * addresses from arbitrary registers (XG_FAULT).
 */
#ifndef TESTS_DIFFTEST_X86_GEN_H
#define TESTS_DIFFTEST_X86_GEN_H

#include <stdbool.h>
#include <stdint.h>

#define XG_BASE 0x200000ULL /* one 2 MiB page table maps everything below */
#define XG_END (XG_BASE + 0x800)
#define XG_CODE (XG_BASE + 0x10000)
#define XG_CODE_MAX 0x8000
#define XG_STACK (XG_BASE + 0x20000)
#define XG_STACK_SIZE 0x2000
#define XG_WINDOW (XG_BASE + 0x30000)
#define XG_WINDOW_SIZE 0x4000 /* rw, rw, read-only, unmapped */

/* Instruction groups a stream draws from (a mask of 1 << XG_*). */
enum {
    XG_MOV,    /* mov (all forms, moffs), movzx/movsx/movsxd, lea */
    XG_ALU,    /* add or adc sbb and sub xor cmp: reg, imm8/imm32, mem both ways, lock */
    XG_UNARY,  /* inc dec neg not test */
    XG_SHIFT,  /* rol ror rcl rcr shl shr sar by 1, imm8, cl */
    XG_MULDIV, /* mul, imul (1/2/3 operands), div/idiv with safe inputs */
    XG_COND,   /* cmovcc, setcc, jcc/jmp forward, lahf/sahf, stc/clc/cmc */
    XG_BIT,    /* bt bts btr btc, bsf bsr, bswap, cbw..cqo */
    XG_XCHG,   /* xchg, cmpxchg, xadd (lock on memory) */
    XG_STACK_, /* push/pop (reg, imm, mem), call (rel, reg, mem) and ret */
    XG_FAULT,  /* loads/stores through an arbitrary register: #PF, #GP */
    XG_STRING, /* rep movs, rep stos: sizes 1-8, DF both ways, overlapping, faulting */
    XG_NGROUPS
};
#define XG_ALL ((1u << XG_NGROUPS) - 1)

typedef struct XGenRng {
    uint64_t s;
} XGenRng;

uint64_t xgen_rand(XGenRng *r);
/* A value likely to hit corner cases: 0, -1, sign boundaries, small, random. */
uint64_t xgen_interesting(XGenRng *r);

#define XG_MAX_UNITS 512

/*
 * A stream. Units are what the minimizer removes (by turning their bytes into nops, so the
 * offsets of everything else stay): one instruction with its set-up (base registers, a
 * divisor) and its flag fixer, or a whole forward-jump or call construct.
 */
typedef struct XGenStream {
    uint8_t code[XG_CODE_MAX];
    unsigned size;
    uint64_t rsp0;
    int n_units;
    uint16_t unit_start[XG_MAX_UNITS + 1]; /* unit_start[n_units] == size - 5 (the end jmp) */
} XGenStream;

/*
 * Write a stream of about n units drawn from groups, ending with a jmp to XG_END, for a
 * starting rsp of rsp0 (inside the stack pages). host: host-safe (see above).
 */
void xgen_stream(XGenRng *r, unsigned groups, int n, bool host, uint64_t rsp0, XGenStream *s);

#endif
