/*
 * x87 arithmetic on the host's own x87 unit. The host is x86-64, and the
 * guest's registers are the same 80-bit format, so each operation runs the
 * very instruction the guest ran: the host unit gets a prepared environment
 * (the guest's FCW with every exception masked, the guest's condition codes,
 * all registers empty), the operands are pushed, the instruction runs, and
 * the results and FSW come back. Results, condition codes and exception
 * flags are then the hardware's bit for bit, including the transcendental
 * instructions (whose accuracy is the host CPU's, as on real hardware), the
 * precision control and the four rounding modes. The host's own x87
 * environment is saved and restored around each run.
 */
#if !defined(__x86_64__)
#error "the x86 target runs x87/SSE arithmetic on the host unit: it needs an x86-64 host"
#endif

#include "x87-host.h"
#include "fpu-internal.h"

/* The 28-byte protected-mode environment fldenv takes (SDM Vol. 1 figure 8-9). */
typedef struct HostEnv {
    uint16_t fcw, r0, fsw, r1, ftw, r2;
    uint32_t fip;
    uint16_t fcs, fop;
    uint32_t fdp;
    uint16_t fds, r3;
} HostEnv;

/* ST0 and ST1 and the FSW out of a 108-byte fnsave image (32-bit protected layout). */
static uint16_t from_fnsave(const uint8_t *buf, long double v[3])
{
    uint16_t sw;

    memcpy(&sw, buf + 4, 2);
    for (int i = 0; i < 2; i++) {
        memset(&v[i], 0, sizeof(v[i]));
        memcpy(&v[i], buf + 28 + 10 * i, 10);
    }
    return sw;
}

static void host_env(HostEnv *e, uint16_t fcw, uint16_t fsw, bool exact)
{
    memset(e, 0, sizeof(*e));
    e->fcw = exact ? fcw : fcw | FCW_EXC_MASK;
    e->fsw = fsw & FSW_CC;
    e->ftw = 0xffff;
}

/* The whole host x87 stack is used: the compiler may keep nothing there across these. */
#define X87_CLOBBERS "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)"

#define X87_PRE "fnstenv %[saved]\n\tfldenv %[env]\n\t"
#define X87_POST "fnclex\n\tfldenv %[saved]"
#define X87_OPS                                                                                    \
    [saved] "=m"(saved), [sw] "=m"(sw), [v0] "+m"(v[0]), [v1] "+m"(v[1]),                          \
        [v2] "+m"(v[2]) : [env] "m"(e) : X87_CLOBBERS

/*
 * insn with ST0 = v[0] (and ST1 = v[1]) loaded; the results stored back from ST0 upwards.
 * Exact form (the guest unmasked an exception): the guest's FCW as it is, and fnsave, which
 * does not wait for the pending exception, reads the registers and FSW back: what an
 * unmasked exception leaves (operands kept, or a result re-biased by 2^24576) is the host's.
 */
#define HOST_FN(name, loads, insn, stores)                                                         \
    static uint16_t name(const HostEnv *ep, long double v[3], bool exact)                          \
    {                                                                                              \
        HostEnv e = *ep;                                                                           \
        uint8_t saved[28], buf[108];                                                               \
        uint16_t sw;                                                                               \
        if (!exact) {                                                                              \
            asm volatile(X87_PRE loads insn "\n\tfnstsw %[sw]\n\t" stores X87_POST : X87_OPS);     \
            return sw;                                                                             \
        }                                                                                          \
        asm volatile(X87_PRE loads insn "\n\tfnsave %[buf]\n\tfldenv %[saved]"                     \
                     : [saved] "=m"(saved), [buf] "=m"(buf), [v0] "+m"(v[0]), [v1] "+m"(v[1])      \
                     : [env] "m"(e)                                                                \
                     : X87_CLOBBERS);                                                              \
        return from_fnsave(buf, v);                                                                \
    }
#define LOAD0 ""
#define LOAD1 "fldt %[v0]\n\t"
#define LOAD2 "fldt %[v1]\n\tfldt %[v0]\n\t"
#define STORE1 "fstpt %[v0]\n\t"
#define STORE2 "fstpt %[v0]\n\tfstpt %[v1]\n\t"

HOST_FN(h_fadd, LOAD2, "fadd %%st(1), %%st", STORE2)
HOST_FN(h_fmul, LOAD2, "fmul %%st(1), %%st", STORE2)
HOST_FN(h_fcom, LOAD2, "fcom %%st(1)", STORE2)
HOST_FN(h_fsub, LOAD2, "fsub %%st(1), %%st", STORE2)
HOST_FN(h_fsubr, LOAD2, "fsubr %%st(1), %%st", STORE2)
HOST_FN(h_fdiv, LOAD2, "fdiv %%st(1), %%st", STORE2)
HOST_FN(h_fdivr, LOAD2, "fdivr %%st(1), %%st", STORE2)
HOST_FN(h_fucom, LOAD2, "fucom %%st(1)", STORE2)
HOST_FN(h_fprem, LOAD2, "fprem", STORE2)
HOST_FN(h_fprem1, LOAD2, "fprem1", STORE2)
HOST_FN(h_fscale, LOAD2, "fscale", STORE2)
HOST_FN(h_fpatan, LOAD2, "fpatan", STORE1)
HOST_FN(h_fyl2x, LOAD2, "fyl2x", STORE1)
HOST_FN(h_fyl2xp1, LOAD2, "fyl2xp1", STORE1)
HOST_FN(h_fsqrt, LOAD1, "fsqrt", STORE1)
HOST_FN(h_frndint, LOAD1, "frndint", STORE1)
HOST_FN(h_fchs, LOAD1, "fchs", STORE1)
HOST_FN(h_fabs, LOAD1, "fabs", STORE1)
HOST_FN(h_ftst, LOAD1, "ftst", STORE1)
HOST_FN(h_fxam, LOAD1, "fxam", STORE1)
HOST_FN(h_f2xm1, LOAD1, "f2xm1", STORE1)
HOST_FN(h_fsin, LOAD1, "fsin", STORE1)
HOST_FN(h_fcos, LOAD1, "fcos", STORE1)
HOST_FN(h_fptan, LOAD1, "fptan", STORE2)
HOST_FN(h_fsincos, LOAD1, "fsincos", STORE2)
HOST_FN(h_fxtract, LOAD1, "fxtract", STORE2)
HOST_FN(h_fld1, LOAD0, "fld1", STORE1)
HOST_FN(h_fldl2t, LOAD0, "fldl2t", STORE1)
HOST_FN(h_fldl2e, LOAD0, "fldl2e", STORE1)
HOST_FN(h_fldpi, LOAD0, "fldpi", STORE1)
HOST_FN(h_fldlg2, LOAD0, "fldlg2", STORE1)
HOST_FN(h_fldln2, LOAD0, "fldln2", STORE1)
HOST_FN(h_fldz, LOAD0, "fldz", STORE1)

HOST_FN(h_fadds, LOAD1, "fadds %[v1]", STORE1)
HOST_FN(h_fmuls, LOAD1, "fmuls %[v1]", STORE1)
HOST_FN(h_fcoms, LOAD1, "fcoms %[v1]", STORE1)
HOST_FN(h_fsubs, LOAD1, "fsubs %[v1]", STORE1)
HOST_FN(h_fsubrs, LOAD1, "fsubrs %[v1]", STORE1)
HOST_FN(h_fdivs, LOAD1, "fdivs %[v1]", STORE1)
HOST_FN(h_fdivrs, LOAD1, "fdivrs %[v1]", STORE1)
HOST_FN(h_faddl, LOAD1, "faddl %[v1]", STORE1)
HOST_FN(h_fmull, LOAD1, "fmull %[v1]", STORE1)
HOST_FN(h_fcoml, LOAD1, "fcoml %[v1]", STORE1)
HOST_FN(h_fsubl, LOAD1, "fsubl %[v1]", STORE1)
HOST_FN(h_fsubrl, LOAD1, "fsubrl %[v1]", STORE1)
HOST_FN(h_fdivl, LOAD1, "fdivl %[v1]", STORE1)
HOST_FN(h_fdivrl, LOAD1, "fdivrl %[v1]", STORE1)

typedef struct Bcd80 {
    uint8_t b[10];
} Bcd80;

typedef uint16_t (*HostFn)(const HostEnv *e, long double v[3], bool exact);

static const HostFn host_ops[X87H__COUNT] = {
    [X87H_ADD] = h_fadd,           [X87H_MUL] = h_fmul,           [X87H_COM] = h_fcom,
    [X87H_COMP] = h_fcom,          [X87H_SUB] = h_fsub,           [X87H_SUBR] = h_fsubr,
    [X87H_DIV] = h_fdiv,           [X87H_DIVR] = h_fdivr,         [X87H_UCOM] = h_fucom,
    [X87H_PREM] = h_fprem,         [X87H_PREM1] = h_fprem1,       [X87H_SCALE] = h_fscale,
    [X87H_PATAN] = h_fpatan,       [X87H_YL2X] = h_fyl2x,         [X87H_YL2XP1] = h_fyl2xp1,
    [X87H_SQRT] = h_fsqrt,         [X87H_RNDINT] = h_frndint,     [X87H_CHS] = h_fchs,
    [X87H_ABS] = h_fabs,           [X87H_TST] = h_ftst,           [X87H_XAM] = h_fxam,
    [X87H_F2XM1] = h_f2xm1,        [X87H_SIN] = h_fsin,           [X87H_COS] = h_fcos,
    [X87H_PTAN] = h_fptan,         [X87H_SINCOS] = h_fsincos,     [X87H_XTRACT] = h_fxtract,
    [X87H_LD1] = h_fld1,           [X87H_LDL2T] = h_fldl2t,       [X87H_LDL2E] = h_fldl2e,
    [X87H_LDPI] = h_fldpi,         [X87H_LDLG2] = h_fldlg2,       [X87H_LDLN2] = h_fldln2,
    [X87H_LDZ] = h_fldz,           [X87H_ADD_F32 + 0] = h_fadds,  [X87H_ADD_F32 + 1] = h_fmuls,
    [X87H_ADD_F32 + 2] = h_fcoms,  [X87H_ADD_F32 + 3] = h_fcoms,  [X87H_ADD_F32 + 4] = h_fsubs,
    [X87H_ADD_F32 + 5] = h_fsubrs, [X87H_ADD_F32 + 6] = h_fdivs,  [X87H_ADD_F32 + 7] = h_fdivrs,
    [X87H_ADD_F64 + 0] = h_faddl,  [X87H_ADD_F64 + 1] = h_fmull,  [X87H_ADD_F64 + 2] = h_fcoml,
    [X87H_ADD_F64 + 3] = h_fcoml,  [X87H_ADD_F64 + 4] = h_fsubl,  [X87H_ADD_F64 + 5] = h_fsubrl,
    [X87H_ADD_F64 + 6] = h_fdivl,  [X87H_ADD_F64 + 7] = h_fdivrl,
};

uint16_t x87_host_op(int op, uint16_t fcw, uint16_t fsw, long double v[3])
{
    bool exact = (fcw & FCW_EXC_MASK) != FCW_EXC_MASK;
    HostEnv e;

    host_env(&e, fcw, fsw, exact);
    return host_ops[op](&e, v, exact);
}

/* Memory operand conversions: kinds X87M_*. */
/* A load; exact (unmasked exceptions): through fnsave, *out written only if it pushed. */
#define LOAD_ASM(insn, type)                                                                       \
    do {                                                                                           \
        if (!exact) {                                                                              \
            asm volatile(X87_PRE insn " %[m]\n\tfnstsw %[sw]\n\tfstpt %[o]\n\t" X87_POST           \
                         : [saved] "=m"(saved), [sw] "=m"(sw), [o] "=m"(*out)                      \
                         : [env] "m"(e), [m] "m"(*(const type *)mem)                               \
                         : X87_CLOBBERS);                                                          \
        } else {                                                                                   \
            asm volatile(X87_PRE insn " %[m]\n\tfnsave %[buf]\n\tfldenv %[saved]"                  \
                         : [saved] "=m"(saved), [buf] "=m"(buf)                                    \
                         : [env] "m"(e), [m] "m"(*(const type *)mem)                               \
                         : X87_CLOBBERS);                                                          \
            sw = from_fnsave(buf, v);                                                              \
            if (((sw >> 11) & 7) == 7) {                                                           \
                *out = v[0];                                                                       \
            }                                                                                      \
        }                                                                                          \
    } while (0)

uint16_t x87_host_load(int kind, uint16_t fcw, uint16_t fsw, const void *mem, long double *out)
{
    bool exact = (fcw & FCW_EXC_MASK) != FCW_EXC_MASK;
    uint8_t saved[28], buf[108];
    long double v[3];
    HostEnv e;
    uint16_t sw;

    host_env(&e, fcw, fsw, exact);
    switch (kind) {
    case X87M_F32:
        LOAD_ASM("flds", float);
        break;
    case X87M_F64:
        LOAD_ASM("fldl", double);
        break;
    default: /* X87M_BCD */
        LOAD_ASM("fbld", Bcd80);
        break;
    }
    return sw;
}

#define STORE_CASE(k, insn, type)                                                                  \
    case k:                                                                                        \
        asm volatile(X87_PRE "fldt %[v]\n\t" insn " %[m]\n\tfnstsw %[sw]\n\t" X87_POST             \
                     : [saved] "=m"(saved), [sw] "=m"(sw), [m] "=m"(*(type *)mem)                  \
                     : [env] "m"(e), [v] "m"(v)                                                    \
                     : X87_CLOBBERS);                                                              \
        break;

uint16_t x87_host_store(int kind, uint16_t fcw, uint16_t fsw, long double v, void *mem)
{
    HostEnv e;
    uint8_t saved[28];
    uint16_t sw;

    host_env(&e, fcw, fsw, false);
    switch (kind) {
        STORE_CASE(X87M_F32, "fstps", float)
        STORE_CASE(X87M_F64, "fstpl", double)
        STORE_CASE(X87M_I16, "fistps", int16_t)
        STORE_CASE(X87M_I32, "fistpl", int32_t)
        STORE_CASE(X87M_I64, "fistpll", int64_t)
        STORE_CASE(X87M_T16, "fisttps", int16_t)
        STORE_CASE(X87M_T32, "fisttpl", int32_t)
        STORE_CASE(X87M_T64, "fisttpll", int64_t)
    default:
        STORE_CASE(X87M_BCD, "fbstp", Bcd80)
    }
    return sw;
}
