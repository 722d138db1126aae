/*
 * RISC-V V 1.0 decoding (the "V" Standard Extension for Vector Operations
 * 1.0, chapter 10 "Vector Instruction Formats"): the major opcodes OP-V
 * (vsetvli/vsetivli/vsetvl and the arithmetic) and the vector forms of
 * LOAD-FP/STORE-FP (width 0, 5, 6, 7). A vector instruction becomes one of
 * four operations with its bits in imm: the executor (target/riscv/vector*.c)
 * decodes funct6, the operand kinds and the register groups again when it
 * runs, since most legality rules depend on vtype, known only then. Only the
 * encodings reserved whatever vtype holds are refused here.
 */
#include "target/riscv/decode.h"

static bool vset(DecodedInsn *d, RISCVOp op, uint32_t i)
{
    d->op = op;
    d->rd = extract64(i, 7, 5);
    d->rs1 = extract64(i, 15, 5);
    d->rs2 = extract64(i, 20, 5);
    d->imm = (int32_t)i;
    return true;
}

bool riscv_decode_vector(uint32_t i, DecodedInsn *d)
{
    unsigned opcode = extract64(i, 0, 7);

    if (opcode == 0x57) {
        /* vsetvl has funct7 0x40; vsetivli bits 31:30 = 11; vsetvli bit 31 = 0 */
        if (extract64(i, 12, 3) == 7) {
            if (extract64(i, 31, 1) && extract64(i, 30, 1) == 0 && extract64(i, 25, 5) != 0) {
                return riscv_decode_illegal(d);
            }
            return vset(d, OP_VSETVL, i);
        }
        return vset(d, OP_VARITH, i);
    }
    if (extract64(i, 28, 1)) {
        return riscv_decode_illegal(d); /* mew = 1: EEW > 64, reserved */
    }
    return vset(d, opcode == 0x07 ? OP_VLOAD : OP_VSTORE, i);
}
