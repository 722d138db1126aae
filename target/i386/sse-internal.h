/*
 * Operand helpers shared by exec-sse.c, exec-sse-misc.c and exec-sse4.c.
 */
#ifndef TARGET_I386_SSE_INTERNAL_H
#define TARGET_I386_SSE_INTERNAL_H

#include "fpu-internal.h"
#include "sse-host.h"

/* The mandatory prefix: 0 none, 1 66, 2 f3, 3 f2 (f3/f2 win over 66). */
int x86_sse_pfx(const X86Insn *d);
/* xmm/m source of size bytes (zero-extended); align: #GP(0) on a misaligned m128. */
int x86_sse_read(CPUX86State *env, const X86Insn *d, int size, bool align, XMMReg *v);
int x86_sse_write_mem(CPUX86State *env, const X86Insn *d, int size, bool align, const XMMReg *v);
int x86_mmx_read(CPUX86State *env, const X86Insn *d, uint64_t *v);
/* Write mm reg (the x87 register's mantissa, exponent all ones, TOP 0, all tags valid). */
void x86_mmx_write(CPUX86State *env, int reg, uint64_t v);
/* Merge MXCSR flags; on an unmasked one #XM (or #UD), else *to = *res (if to). */
int x86_sse_finish(CPUX86State *env, uint32_t flags, XMMReg *to, const XMMReg *res);
/* The generic xmm-op path of a table entry. */
int x86_sse_exec_entry(CPUX86State *env, const X86Insn *d, const SseEntry *e, int pfx);

/* exec-sse-misc.c: the 0f-map forms that are not a plain table operation. */
int x86_sse_exec_special(CPUX86State *env, const X86Insn *d, int pfx);

#endif
