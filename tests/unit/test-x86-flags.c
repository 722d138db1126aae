/*
 * Lazy arithmetic flags (target/i386/cc_helper.c) against the host: each flag writer at
 * every size, then a reader of the flags it left, on the interpreter and natively
 * (x86-insn-harness.h).
 */
#include "x86-insn-harness.h"

/*
 * ---- lazy flags (cc_helper.c): each flag writer at every size, then a reader ----
 * The readers: setcc for the sixteen conditions (decided from the recorded operands where
 * possible), pushf (all flags at once), adc and sbb (CF). A reader's result is compared only
 * where the writer defines the flags it reads, for that input.
 */
typedef struct LazyWriter {
    const char *fmt; /* with %s for the size prefix and %02x for the size-adjusted opcode */
    unsigned opc;    /* the 8-bit form's opcode; +1 for the others (0 if there is no 8-bit form) */
    DefinedFlags defined;
    void (*in_fn)(int i, NativeState *st);
} LazyWriter;

static const LazyWriter *lazy_writer;
static uint8_t lazy_writer_bytes[16];
static uint64_t lazy_reads; /* the flags the current reader depends on */

static uint64_t lazy_writer_defined(const NativeState *in)
{
    return lazy_writer->defined(lazy_writer_bytes, in);
}

/* The reader's destination (DL/RDX, RSI) only where what it read was defined. */
static bool skip_undefined_read(int reg, const NativeState *in)
{
    return (reg == R_EDX || reg == R_ESI) && (lazy_reads & ~lazy_writer_defined(in));
}

/* After setcc the flags are the writer's; after adc/sbb, defined only if CF was. */
static uint64_t setcc_defined(const uint8_t *insn, const NativeState *in)
{
    return lazy_writer_defined(in);
}

static uint64_t adc_defined(const uint8_t *insn, const NativeState *in)
{
    return (lazy_writer_defined(in) & CC_C) ? CC_ARITH : 0;
}

static void test_lazy_flags(void **state)
{
    static const uint64_t cond_flags[8] = {CC_O, CC_C, CC_Z,        CC_C | CC_Z,
                                           CC_S, CC_P, CC_S | CC_O, CC_Z | CC_S | CC_O};
    static const char *const prefix[4] = {"", "66 ", "", "48 "};
    LazyWriter w[64];
    int nw = 0;

    for (int op = 0; op < 8; op++) { /* add or adc sbb and sub xor cmp: op eax/ax/al, ebx/bx/bl */
        w[nw++] =
            (LazyWriter){"%s%02x d8", op << 3, (op == 1 || op == 4 || op == 6) ? no_af : all_arith};
    }
    w[nw++] = (LazyWriter){"%s%02x d8", 0x84, no_af};      /* test */
    w[nw++] = (LazyWriter){"%s%02x c3", 0xfe, all_arith};  /* inc ebx */
    w[nw++] = (LazyWriter){"%s%02x cb", 0xfe, all_arith};  /* dec ebx */
    w[nw++] = (LazyWriter){"%s%02x db", 0xf6, all_arith};  /* neg ebx */
    w[nw++] = (LazyWriter){"%s%02x eb", 0xf6, cf_of_only}; /* imul ebx */
    for (int op = 0; op < 8; op++) { /* rol ror rcl rcr shl shr sal sar ebx, cl */
        static char fmt[8][16];
        snprintf(fmt[op], sizeof(fmt[op]), "%%s%%02x %02x", 0xc0 | (op << 3) | R_EBX);
        w[nw++] = (LazyWriter){fmt[op], 0xd2, shift_flags, small_count};
    }
    w[nw++] = (LazyWriter){"%s0f %02x c3", 0xae, cf_of_only}; /* imul eax, ebx */
    w[nw++] = (LazyWriter){"%s0f %02x d8", 0xa2, cf_only};    /* bt eax, ebx */

    for (int i = 0; i < nw; i++) {
        for (int size = 0; size < 4; size++) {
            char writer[32], hex[64];
            bool two_byte = w[i].fmt[2] == '0';
            if (size == 0 && two_byte) {
                continue; /* no 8-bit form */
            }
            snprintf(writer, sizeof(writer), w[i].fmt, prefix[size], w[i].opc + (size > 0));
            lazy_writer = &w[i];
            parse_hex(writer, lazy_writer_bytes);
            for (int cc = 0; cc < 16; cc++) { /* setcc dl */
                lazy_reads = cond_flags[cc >> 1];
                snprintf(hex, sizeof(hex), "%s 0f %02x c2", writer, 0x90 + cc);
                check_insn(hex, 30, setcc_defined, w[i].in_fn, skip_undefined_read);
            }
            lazy_reads = CC_C;
            snprintf(hex, sizeof(hex), "%s 48 11 fe", writer); /* adc rsi, rdi */
            check_insn(hex, 30, adc_defined, w[i].in_fn, skip_undefined_read);
            snprintf(hex, sizeof(hex), "%s 19 fe", writer); /* sbb esi, edi */
            check_insn(hex, 30, adc_defined, w[i].in_fn, skip_undefined_read);
            /* pushf; pop rdx; and edx, CC_ARITH: the flags that must be exact after writers
             * whose defined flags do not depend on the input (the and's own flags: no AF) */
            if (w[i].defined == all_arith || w[i].defined == no_af) {
                lazy_reads = w[i].defined(NULL, NULL);
                snprintf(hex, sizeof(hex), "%s 9c 5a 81 e2 %02x %02x 00 00", writer,
                         (unsigned)(lazy_reads & 0xff), (unsigned)(lazy_reads >> 8));
                check_insn(hex, 30, no_af, w[i].in_fn, NULL);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lazy_flags),
    };
    return cmocka_run_group_tests(tests, x86_insn_harness_setup, NULL);
}
