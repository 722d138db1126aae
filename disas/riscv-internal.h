/* What the two files of the RISC-V disassembler share. */
#ifndef DISAS_RISCV_INTERNAL_H
#define DISAS_RISCV_INTERNAL_H

#include "disas/riscv.h"

/* The 32-bit instruction a compressed one expands to, or 0 if it is reserved. */
uint32_t riscv_rvc_expand(uint16_t insn);

#endif
