/*
 * What the stream generator's two files share (gen.c: encoding and operands, gen-groups.c:
 * the instruction groups and the stream).
 */
#ifndef TESTS_DIFFTEST_X86_GEN_INTERNAL_H
#define TESTS_DIFFTEST_X86_GEN_INTERNAL_H

#include "gen.h"

#define R_AX 0
#define R_CX 1
#define R_DX 2
#define R_SP 4
#define BASE_NONE (-1)
#define BASE_RIP (-2)

/* A ModRM operand: a register, or memory [base + index << scale + disp]. */
typedef struct Operand {
    bool mem;
    int reg;
    int base, index, scale;
    int32_t disp;
    int disp_size;   /* 0, 1 or 4 bytes */
    uint64_t target; /* BASE_RIP: the address */
} Operand;

/* One instruction to encode. */
typedef struct Insn {
    int size; /* operand size: 8, 16, 32, 64 (REX.W) */
    bool hi8; /* 8-bit registers 4..7 are ah..bh: no REX at all */
    bool lock;
    bool rex8; /* byte registers beside a wider size (movzx): 4..7 are spl..dil */
    uint8_t opc[3];
    int nopc;
    int opreg;     /* >= 0: register in the opcode's low bits, no ModRM */
    bool no_modrm; /* no operand at all but the immediate (push imm) */
    int regf;      /* the ModRM reg field (a register or an opcode extension) */
    Operand rm;
    int imm_size;
    uint64_t imm;
} Insn;

typedef struct Gen {
    XGenRng *r;
    XGenStream *s;
    unsigned groups;
    bool host;
    bool no_stack; /* in a construct: rsp must not move (its depth is part of the layout) */
    uint64_t rsp;  /* its value here */
    unsigned keep; /* registers the next memory operand must not use (a mask) */
    int nest;      /* inside a construct: no other construct */
} Gen;

enum { ACC_LOAD, ACC_STORE, ACC_NONE /* lea */ };

unsigned below(XGenRng *r, unsigned n);
void put(Gen *g, const uint8_t *b, unsigned n);
void put1(Gen *g, uint8_t b);
void put32(Gen *g, uint32_t v);
void patch32(Gen *g, unsigned at, uint32_t v);
/* Append one instruction (rip-relative displacements resolved at its final place). */
void encode(Gen *g, const Insn *in);
Insn insn(int size, int nopc, uint8_t o0, uint8_t o1, uint8_t o2);
int pick_reg(Gen *g, bool hi8);
void set_reg(Gen *g, int reg, uint64_t v);
uint64_t pick_target(Gen *g, int size);
Operand mem_operand(Gen *g, int size, int acc, bool hi8, int not_reg);
int pick_size(Gen *g, bool with8);
int dest_reg(Gen *g, const Insn *in);
void rm_operands(Gen *g, Insn *in, int mem_pct, int acc, bool regf_fixed);
void set_imm(Gen *g, Insn *in, int bytes);
void fix_flags(Gen *g);
bool maybe_lock(Gen *g, const Insn *in);

#endif
