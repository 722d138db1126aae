/*
 * What an x86 translation block carries beside accel/tcg's records (tcg-ops.c makes it,
 * the interpreter's run_block and the JIT, jit-translate.c, read it): the code size the
 * block was decoded for and each instruction decoded with the handler chosen for it.
 */
#ifndef TARGET_I386_TB_INFO_H
#define TARGET_I386_TB_INFO_H

#include "exec-internal.h"

#include "accel/tcg/jit-x86.h"
#include "accel/tcg/tb.h"

/* A decoded instruction and the handler chosen for it (x86_insn_handler). */
typedef struct X86TBInsn {
    X86ExecFn fn;
    X86Insn d;
} X86TBInsn;

/* X86TBInfo.code_size of a block over one instruction that runs into the next page, run
 * afresh from guest memory each time (tcg-ops.c gen_cross_page) */
#define X86_TB_STEP 0

typedef struct X86TBInfo {
    uint8_t code_size; /* 2, 4 or 8 (64-bit code), or X86_TB_STEP */
    bool chainable;    /* ends by a near branch or falls through: the next block may follow */
    bool supervisor;   /* translated at CPL 0 (where the JIT's loads probe page ranges) */
    /* X86_TB_STEP: the code size its record was decoded for (0 in other blocks) and all of
     * the instruction's bytes, those in the next page included (the JIT runs the record while
     * that page still holds them: jit-translate.c gen_step_block) */
    uint8_t cross_size;
    uint8_t cross_bytes[15];
    X86TBInsn insns[];
} X86TBInfo;

/* It follows the guest bytes the block was decoded from, 16-aligned. */
static inline X86TBInfo *x86_tb_info(TranslationBlock *tb)
{
    return (X86TBInfo *)ALIGN_UP((uintptr_t)(tb_code(tb) + tb->size), 16);
}

/* Does d end its block (tcg-ops.c: control transfers, mode, paging, devices)? */
bool x86_ends_block(const X86Insn *d);
/* Is d a near control transfer or no block end: the next block runs in the same context? */
bool x86_is_near_branch(const X86Insn *d);

/* The JIT (jit-translate.c): TCGCPUOps.jit_translate for 64-bit code. */
bool x86_jit_translate(X86Buf *b, TranslationBlock *tb, int *n_done);
/*
 * What the translator knows of the lazy flags record where an instruction starts (jit-translate.c
 * tracks it through the block): 0 nothing, else the record's op | size << 8, with X86_JIT_CC_HOST
 * when the host's arithmetic flags are the guest's too (right after an inline register ALU op
 * of 32 or 64 bits, and the jcc that follow it). The readers of the flags (jcc, setcc, cmovcc,
 * adc/sbb, inc/dec) then test them without dispatching on the record's op at run time.
 */
#define X86_JIT_CC_HOST 0x10000
/* ... or, with op X86_CC_EFLAGS: env->eflags holds the flags (after an inline rotate, bt or
 * imul whose flags are seen, x86_jit_alu_sets_eflags). */
#define X86_JIT_CC_IN_EFLAGS 0x20000
/* The record op | size << 8 that d leaves whichever engine runs it, or 0 if not fixed. */
unsigned x86_jit_static_cc(const X86Insn *d);
/* The inline forms (jit-inline.c): false if d is left to its handler. next: its end; known: the
 * flags record where it starts (X86_JIT_CC_HOST above). */
bool x86_jit_inline(X86Buf *b, const X86Insn *d, unsigned next, unsigned known);
/* Where guest register reg of d is at size bytes (AH..BH: size 1 without REX, as
 * x86_get_reg), relative to the JIT's env register. */
X86Mem x86_jit_reg(const X86Insn *d, int reg, int size);
/* dst = guest register reg of d at size bytes, zero-extended (x86_get_reg). */
void x86_jit_get_reg(X86Buf *b, const X86Insn *d, int reg, int size, X86Reg dst);
/* Guest register reg of d at size bytes = src, as x86_set_reg: 4 bytes clear the upper
 * half, 1 and 2 merge into the low bytes. */
void x86_jit_set_reg(X86Buf *b, const X86Insn *d, int reg, int size, X86Reg src);
/* rdx = rax op rcx (0 add .. 7 cmp, 8 test; both zero-extended from size; adc/sbb read CF
 * in r8 from x86_jit_gen_carry), the flags recorded as x86_alu does (clobbers rax). 8- and
 * 16-bit forms compute on 32 bits and mask the arithmetic results to their size. */
void x86_jit_gen_alu_op(X86Buf *b, int op, int size);
/* The register forms of jit-alu.c: false if d is not one. */
bool x86_jit_alu(X86Buf *b, const X86Insn *d, unsigned known);
/* Does x86_jit_alu run d with its flags computed into env->eflags (rol/ror by a constant other
 * than 0, bt*, imul of 32 or 64 bits), unless x86_jit_flags_dead? */
bool x86_jit_alu_sets_eflags(const X86Insn *d);
/* Store the lazy flags record: res in rdx, a in rax, b in rcx (not stored for X86_CC_LOGIC),
 * op and size; carry, unless X86_NOREG, holds 0 or 1 added to op (ADD -> ADC1, SUB -> SBB1).
 * Nothing while x86_jit_flags_dead. */
void x86_jit_record_cc(X86Buf *b, X86CCOp op, int size, X86Reg carry);
/*
 * Set by the translator (jit-translate.c) while it emits an instruction whose flags nothing
 * sees: a later instruction of the block overwrites the whole record before any reader of
 * the flags, handler call, memory access or exit. Its inline code then stores no record (and
 * a rotate computes no flags); a handler, where one runs, records them as ever.
 */
extern __thread bool x86_jit_flags_dead;
/*
 * The op | size << 8 that the block's code stored in env->cc last, which no code since has
 * changed (0: not known), so that x86_jit_record_cc stores it only when it changes: a run of
 * subs and cmps, or of adds, stores it once. The translator sets it to 0 at a block's start and
 * after any record but the inline register forms; those that write cc.op other than through
 * x86_jit_record_cc (the flags computed into env->eflags) set it to 0 themselves.
 */
extern __thread unsigned x86_jit_cc_stored;
/* r8 = CF of the lazy flags (0 or 1), as x86_cc_carry; clobbers the caller-saved registers.
 * known: the record as far as the translator knows it (X86_JIT_CC_HOST above). */
void x86_jit_gen_carry(X86Buf *b, unsigned known);
/* A jump to taken[] (returned count, at most 8, patched by the caller) when condition cc
 * holds; taken[] must have room for 16 (scratch). known: as for x86_jit_gen_carry. */
int x86_jit_gen_cond(X86Buf *b, int cc, unsigned known, uint8_t **taken);
/* mov to/from memory with the TLB probe inline; the miss branches in miss[] (at most 2). */
int x86_jit_mem_fast(X86Buf *b, const X86Insn *d, unsigned next, uint8_t **miss);
/* The memory forms (jit-mem.c): ALU with memory, 8/16-bit mov, extending loads, push/pop,
 * call/ret, test [m], imm and inc/dec [m] (known: as for x86_jit_gen_carry), with the TLB probe
 * inline; returns the miss branches in miss[] (at most 2, to the
 * handler's call), 0 if d is not such a form. call and ret leave the new rip in env. */
int x86_jit_mem_form(X86Buf *b, const X86Insn *d, unsigned next, unsigned known, uint8_t **miss);
/* Shared by the inline forms: dst = d's 64-bit address, base (or the next rip) + index << scale
 * + disp (rcx: scratch); rsi = the host address of an access of size bytes at the linear
 * address in rsi if the data TLB has it (it holds canonical pages only) (store: for writing), else the
 * branches in miss[] (returned count, 2) are taken with rsi still the linear address. */
void x86_jit_gen_address(X86Buf *b, const X86Insn *d, unsigned next, X86Reg dst);
int x86_jit_gen_probe(X86Buf *b, unsigned size, bool store, uint8_t **miss);
/*
 * The load site of the record being emitted (jit-translate.c sets on and slot before each):
 * on, its loads probe the site's page range (CPUTLB.jit_hint) instead of the table; slot, its
 * pc hashed. x86_jit_gen_probe then puts the slot of the load's size class in slot, its size,
 * and in add_at where the hit path adds the range's addend (NULL: no range probe emitted),
 * for the miss path: jit_stubs.hint_miss, then back to add_at if the load is in range now.
 */
typedef struct X86JitHint {
    bool on;
    unsigned slot;
    unsigned size;
    const uint8_t *add_at;
} X86JitHint;
extern __thread X86JitHint x86_jit_hint;
/* The offset from the JIT's r14 (the data context's table) of field (offsetof(JitLoadHints, x)) of
 * hint slot slot, in that context's slots (CPUTLB.jit_hint[]). */
int32_t x86_jit_hint_off(unsigned slot, size_t field);
/* Jump to slow[] (returned count, at most 3) unless the page after the avail bytes of a
 * X86_TB_STEP block still holds the rest of its instruction's bytes (info->cross_bytes). */
int x86_jit_gen_next_page_check(X86Buf *b, const X86TBInfo *info, unsigned avail, uint8_t **slow);
/* jit-form.c: does d do nothing at all (the nops and fences; nothing to emit)? */
bool x86_jit_nop_form(const X86Insn *d);
/* jmp rel of 64-bit code, ending at next: env->rip = its target; false if d is not one. */
bool x86_jit_gen_jmp(X86Buf *b, const X86Insn *d, unsigned next);
/* The guest register cache (jit-regs.c): copies of guest registers in host registers. */
#define X86_JIT_CACHE_REGS 4
typedef struct X86JitRegCache {
    int8_t slot_of[16];                   /* guest register -> slot, or -1 */
    int8_t guest_of[X86_JIT_CACHE_REGS]; /* slot -> guest register, or -1 */
    uint8_t next;                         /* the slot to take next (round robin) */
    int8_t last;                          /* the slot x86_jit_regs_get returned last */
} X86JitRegCache;
/* Empty the cache (a block's start). */
void x86_jit_regs_reset(void);
/* A host register holding all 64 bits of guest register reg (loaded now if not cached). */
X86Reg x86_jit_regs_get(X86Buf *b, int reg);
/* Guest register reg was just stored with all 64 bits of src: its copy = src. */
void x86_jit_regs_written(X86Buf *b, int reg, X86Reg src);
/* The host register to compute guest register reg's new value in, its copy from then on (not
 * loaded: the caller writes all 64 bits, then stores them to env). It may be one that held
 * another copy (x86_jit_regs_get's earlier results): read those by the same instruction. */
X86Reg x86_jit_regs_def(int reg);
/* Guest register reg was written otherwise (some bytes, in memory): drop its copy. */
void x86_jit_regs_forget(int reg);
/* Every copy loaded again from env->regs (after a call). */
void x86_jit_regs_reload(X86Buf *b);
/* The cache as it is, and back to such a state: for a path emitted out of line (a miss
 * path in the block's cold code) that must reload the copies of the point it branched from. */
void x86_jit_regs_save(X86JitRegCache *out);
void x86_jit_regs_restore(const X86JitRegCache *saved);
/* A call to C from the main path of a block: x86_call, then the copies reloaded. */
void x86_jit_call(X86Buf *b, const void *fn);
/* Is the x86 JIT wanted (on unless KESTREL_X86_JIT=0; -accel tcg,jit=off and KESTREL_JIT=0
 * turn off every JIT)? */
bool x86_jit_wanted(void);

#endif
