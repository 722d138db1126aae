/*
 * Disassembly for the monitor's x/i and xp/i and for -d in_asm. A target's
 * disassembler fills one DisasLine per instruction; the framework reaches it
 * through CPUClass.disas_insn, so it never includes a target header.
 */
#ifndef DISAS_DISAS_H
#define DISAS_DISAS_H

#include "common.h"

/* One instruction as text: objdump's mnemonic and operands, and its length. */
typedef struct DisasLine {
    int len;           /* bytes the instruction takes (0: fewer bytes than it needs) */
    uint32_t raw;      /* its encoding (the low len bytes, little-endian) */
    char mnemonic[24]; /* "addi", "sd", ".4byte" for an unknown word */
    char operands[64]; /* "a0,a1,1", "ra,8(sp)", "" */
} DisasLine;

#endif
