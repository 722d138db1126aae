/*
 * The RISC-V disassembler (disas/riscv.c): RV64GC, Zba/Zbb/Zbc/Zbs, Zicsr and
 * Zifencei, printed with GNU objdump 2.40's mnemonics and operand syntax (its
 * aliases such as li/mv/ret/csrr, compressed instructions under the names of
 * what they expand to and C HINTs under their own, CSRs by the names objdump gives
 * code without a privileged-spec attribute, branch targets as absolute hex
 * addresses). An encoding it does not know prints as objdump does: ".4byte 0x..."
 * or ".2byte 0x...". It is independent of the emulator's decoder, so each can
 * check the other.
 */
#ifndef DISAS_RISCV_H
#define DISAS_RISCV_H

#include "disas/disas.h"

/*
 * Disassemble the instruction at guest address pc from the avail bytes at buf.
 * Returns its length (2 or 4), or 0 if avail is shorter than the instruction
 * (out->len is then 0 too).
 */
int riscv_disas(uint64_t pc, const uint8_t *buf, size_t avail, DisasLine *out);

/* The ABI names of the integer and floating-point registers (x8 is "s0"), as objdump and
 * QEMU's `info registers` print them. */
extern const char *const riscv_xreg_names[32];
extern const char *const riscv_freg_names[32];

#endif
