/*
 * Directed x86 differential cases on registers (harness.h): streams the fuzzer found and
 * cases for the JIT's register cache and dead flags. Each failed on the engines before its
 * fix; the engines and the host must agree on each.
 */
#include "harness.h"

/* xadd [rdx + 0x41], dh: the store went to the address rdx had after dh took the old value. */
void test_xadd_register_in_address(void **state)
{
    static const uint8_t code[] = {0xba, 0x7b, 0x0b, 0x23, 0x00, 0x0f, 0xc0, 0x72, 0x41};

    run_directed(code, sizeof(code), -1);
    assert_int_equal(h.interp.ram[PA(0x230bbc)], (uint8_t)(h.init.ram[PA(0x230bbc)] + 0x0b));
}

/* c7 /1 r14, imm32 (a stream rewrote the ModRM of its mov r14, imm32): #UD, not a mov. */
void test_c7_reg_field_is_invalid(void **state)
{
    static const uint8_t code[] = {0x49, 0xc7, 0xce, 0x51, 0x18, 0x23, 0x00};

    run_directed(code, sizeof(code), 6);
    assert_int_equal(h.jit.regs[14], h.init.regs[14]);
}

/*
 * ALU ops whose flags the next op overwrites (the JIT's gen_alu_dead: the op on the cached
 * copy in place): 64- and 32-bit (the upper half cleared), register and immediate sources,
 * xor of a register with itself, more registers than the cache holds (a source taking a slot
 * must not evict the destination's); the last cmp's flags are seen.
 */
void test_dead_flags_alu_on_cached_registers(void **state)
{
    static const uint8_t code[] = {
        0x48, 0x83, 0xc0, 0x01,                   /* add rax, 1 */
        0x31, 0xd1,                               /* xor ecx, edx */
        0x4d, 0x29, 0xc8,                         /* sub r8, r9 */
        0x41, 0x81, 0xe2, 0xff, 0x00, 0xff, 0x80, /* and r10d, 0x80ff00ff */
        0x48, 0x09, 0xf3,                         /* or rbx, rsi */
        0x31, 0xf6,                               /* xor esi, esi */
        0x4d, 0x01, 0xe3,                         /* add r11, r12 */
        0x81, 0xef, 0x78, 0x56, 0x34, 0x12,       /* sub edi, 0x12345678 */
        0x48, 0x01, 0xc8,                         /* add rax, rcx */
        0x48, 0x39, 0xd8,                         /* cmp rax, rbx */
    };

    run_directed(code, sizeof(code), -1);
    assert_int_equal(h.jit.regs[R_EAX],
                     h.init.regs[R_EAX] + 1 + (uint32_t)(h.init.regs[R_ECX] ^ h.init.regs[R_EDX]));
    assert_int_equal(h.jit.regs[R_ESI], 0);
    assert_int_equal(h.jit.regs[R_EDI], (uint32_t)(h.init.regs[R_EDI] - 0x12345678));
}

/*
 * imul whose flags the next imul overwrites (the JIT's gen_imul leaves them out): 64-bit,
 * 32-bit with an immediate; the last imul's CF is read by setc, then cmp defines all flags.
 */
void test_dead_flags_imul(void **state)
{
    static const uint8_t code[] = {
        0x48, 0x0f, 0xaf, 0xc1,             /* imul rax, rcx */
        0x48, 0x0f, 0xaf, 0xd3,             /* imul rdx, rbx */
        0x69, 0xf7, 0x45, 0x23, 0x01, 0x00, /* imul esi, edi, 0x12345 */
        0x4d, 0x0f, 0xaf, 0xc1,             /* imul r8, r9 */
        0x0f, 0x92, 0xc1,                   /* setc cl */
        0x48, 0x39, 0xd8,                   /* cmp rax, rbx */
    };

    run_directed(code, sizeof(code), -1);
    assert_int_equal(h.jit.regs[R_EAX], h.init.regs[R_EAX] * h.init.regs[R_ECX]);
    assert_int_equal(h.jit.regs[R_ESI], (uint32_t)(h.init.regs[R_EDI] * 0x12345));
}

/*
 * lea and mov between registers straight into the destination's cached copy (the JIT's
 * gen_lea, gen_mov): 64- and 32-bit (the upper half cleared), base and index, over more
 * registers than the cache holds, each result read again by a later instruction.
 */
void test_lea_mov_into_cached_copies(void **state)
{
    static const uint8_t code[] = {
        0x48, 0x8d, 0x54, 0x88, 0x10, /* lea rdx, [rax + rcx * 4 + 0x10] */
        0x44, 0x8d, 0x44, 0x1a, 0xff, /* lea r8d, [rdx + rbx - 1] */
        0x49, 0x89, 0xd1,             /* mov r9, rdx */
        0x44, 0x89, 0xc6,             /* mov esi, r8d */
        0x48, 0x8d, 0x3c, 0x76,       /* lea rdi, [rsi + rsi * 2] */
        0x45, 0x89, 0xca,             /* mov r10d, r9d */
        0x48, 0x8d, 0x49, 0x08,       /* lea rcx, [rcx + 8] */
        0x48, 0x01, 0xf9,             /* add rcx, rdi */
    };
    uint64_t rdx = h.init.regs[R_EAX] + h.init.regs[R_ECX] * 4 + 0x10;
    uint64_t r8 = (uint32_t)(rdx + h.init.regs[R_EBX] - 1);

    run_directed(code, sizeof(code), -1);
    assert_int_equal(h.jit.regs[R_EDX], rdx);
    assert_int_equal(h.jit.regs[8], r8);
    assert_int_equal(h.jit.regs[R_EDI], r8 * 3);
    assert_int_equal(h.jit.regs[10], (uint32_t)rdx);
}

/*
 * A loop of a taken jcc back into its block and then to its own block's start (the JIT's
 * COLD_TAKEN exit, rip put in r12 and env without a reload), with mov of an immediate and a
 * load straight into the cached copies.
 */
void test_taken_jcc_loop_and_copies(void **state)
{
    static const uint8_t code[] = {
        0xb9, 0x05, 0x00, 0x00, 0x00,                               /* mov ecx, 5 */
        0x48, 0xba, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, /* mov rdx, imm64 */
        0x48, 0x01, 0xc8,                                           /* l: add rax, rcx */
        0x8b, 0x1c, 0x24,                                           /* mov ebx, [rsp] */
        0x48, 0x01, 0xd8,                                           /* add rax, rbx */
        0xff, 0xc9,                                                 /* dec ecx */
        0x75, 0xf3,                                                 /* jnz l */
    };

    run_directed(code, sizeof(code), -1);
    assert_int_equal(h.jit.regs[R_ECX], 0);
    assert_int_equal(h.jit.regs[R_EDX], 0x1122334455667788ULL);
    assert_int_equal(h.jit.regs[R_EAX],
                     h.init.regs[R_EAX] + 15 + 5 * (uint64_t)(uint32_t)h.jit.regs[R_EBX]);
}
