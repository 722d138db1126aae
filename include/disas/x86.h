/*
 * x86 code as text in the log: the JIT's output for -d out_asm, and an x86 guest's blocks
 * for -d in_asm. Disassembled by libcapstone (Debian's libcapstone4: an x86 disassembler is
 * a large table-driven program that a well-kept library already is), loaded with dlopen()
 * at the first use, so no run without these log items pays for it at start-up
 * (include/util/dynlib.h). Without the library the bytes are logged in hex, with the reason
 * once.
 */
#ifndef DISAS_X86_H
#define DISAS_X86_H

#include "common.h"

/*
 * Log the len bytes at code, an x86 instruction stream of the given mode (16, 32 or 64
 * bits) that starts at address addr: one line per instruction, "0xADDR:  BYTES  MNEMONIC
 * OPERANDS" (AT&T syntax, as objdump's default).
 */
void log_disas_x86(const uint8_t *code, size_t len, uint64_t addr, int bits);

/*
 * One line of the monitor's x/i for the instruction at addr, from the avail bytes at buf, in
 * QEMU's layout ("0xADDR:  BYTES  MNEMONIC OPERANDS", AT&T syntax); returns its length, 0 if
 * avail ends inside it, -1 without the library (line says why). Bytes that are no
 * instruction list as one ".byte".
 */
int x86_disas_line(uint64_t addr, const uint8_t *buf, size_t avail, int bits, char *line,
                   size_t size);

#endif
