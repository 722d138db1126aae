/*
 * Random valid RISC-V instruction streams for the differential test of the
 * two execution engines (tests/difftest/test-difftest.c).
 *
 * A stream is straight-line code with forward branches and jumps only, so it
 * always ends: at its final WFI, or at a trap (the harness points mtvec at
 * another WFI). Register conventions of the streams:
 *   x31  the middle of the data window (a page boundary inside RAM)
 *   x29  the end of RAM: accesses at and past it fault, those just below it
 *        cross into the fault (tval is the start of the unmapped page)
 *   x30  scratch for auipc+jalr
 * so the generator never writes x29..x31 except through those sequences.
 */
#ifndef TESTS_DIFFTEST_GEN_H
#define TESTS_DIFFTEST_GEN_H

#include <stdbool.h>
#include <stdint.h>

#define GEN_MAX_INSNS 400

/* Instruction groups a stream draws from (a mask of 1 << GEN_*). */
enum {
    GEN_INT,    /* RV64I computational */
    GEN_M,      /* multiply, divide */
    GEN_B,      /* Zba, Zbb, Zbc, Zbs */
    GEN_MEM,    /* loads and stores in the window, page-crossing and faulting ones */
    GEN_AMO,    /* LR/SC, AMOs */
    GEN_FP,     /* F, D: arithmetic, conversions, moves, compares, FP loads/stores */
    GEN_C,      /* compressed */
    GEN_CSR,    /* fflags/frm/fcsr, counters, mscratch */
    GEN_BRANCH, /* branches, jal, jalr (forward) */
    GEN_RVA23,  /* Zicond, Zimop, Zcb, Zcmop, Zawrs, Zicbom/Zicboz (in the window) */
    GEN_FPX,    /* Zfh (half precision, flh/fsh), Zfa */
    GEN_NGROUPS
};
#define GEN_ALL ((1u << GEN_NGROUPS) - 1)

typedef struct GenRng {
    uint64_t s;
} GenRng;

uint64_t gen_rand(GenRng *r);
/* A value likely to hit corner cases: 0, -1, INT_MIN, small, random. */
uint64_t gen_interesting(GenRng *r);
/* An FP register value: special doubles/singles (NaN-boxed or not), random bits. */
uint64_t gen_fp_value(GenRng *r);

/*
 * Write a stream of about n instructions drawn from groups to code (at most
 * max bytes); returns its size in bytes. Ends with WFI. Every instruction it
 * writes decodes (the generator checks that with riscv_decode).
 */
unsigned gen_stream(GenRng *r, unsigned groups, int n, uint8_t *code, unsigned max);

#endif
