/*
 * x87 operations run on the host's x87 unit (x87_host.c): each returns the
 * host FSW after the instruction (exception flags and condition codes; its
 * TOP means nothing). fcw is the guest's (exceptions are always masked on the
 * host), fsw the guest's condition codes before the instruction.
 */
#ifndef TARGET_I386_X87_HOST_H
#define TARGET_I386_X87_HOST_H

#include <stdint.h>

/* Operations: v[0] is ST0, v[1] ST1 on entry and exit. */
enum {
    /* D8 /r order: st0 = st0 op st1 (com/comp compare only) */
    X87H_ADD, X87H_MUL, X87H_COM, X87H_COMP, X87H_SUB, X87H_SUBR, X87H_DIV, X87H_DIVR,
    X87H_UCOM,
    X87H_PREM, X87H_PREM1, X87H_SCALE,  /* st0 = f(st0, st1) */
    X87H_PATAN, X87H_YL2X, X87H_YL2XP1, /* v[0] = f(st0, st1), one result */
    X87H_SQRT, X87H_RNDINT, X87H_CHS, X87H_ABS, X87H_TST, X87H_XAM, X87H_F2XM1, X87H_SIN,
    X87H_COS,
    X87H_PTAN, X87H_SINCOS, X87H_XTRACT, /* one input, two results (v[0] the new ST0) */
    X87H_LD1, X87H_LDL2T, X87H_LDL2E, X87H_LDPI, X87H_LDLG2, X87H_LDLN2, X87H_LDZ,
    /* D8 /r order again with v[1] holding an m32fp, then an m64fp */
    X87H_ADD_F32, X87H_ADD_F64 = X87H_ADD_F32 + 8,
    X87H__COUNT = X87H_ADD_F64 + 8
};
/* Memory formats. */
enum { X87M_F32, X87M_F64, X87M_I16, X87M_I32, X87M_I64, X87M_T16, X87M_T32, X87M_T64, X87M_BCD };

uint16_t x87_host_op(int op, uint16_t fcw, uint16_t fsw, long double v[3]);
/* Loads: the FSW's TOP says whether the value was pushed (7) or an unmasked exception kept it. */
uint16_t x87_host_load(int kind, uint16_t fcw, uint16_t fsw, const void *mem, long double *out);
uint16_t x87_host_store(int kind, uint16_t fcw, uint16_t fsw, long double v, void *mem);

#endif
