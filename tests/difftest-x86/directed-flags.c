/*
 * Directed x86 differential cases on flags (harness.h): the JIT's lazy flags through
 * rotates and bt, the host's flags kept through moves and after ALU ops with a memory
 * operand, the flags record's op stored only when it changes. The engines and the host must
 * agree on each, and each checks its values too.
 */
#include "harness.h"

static uint64_t rol64(uint64_t v, unsigned c)
{
    return v << c | v >> (64 - c);
}

static uint32_t rol32(uint32_t v, unsigned c)
{
    return v << c | v >> (32 - c);
}

/*
 * Rotates and bt* between flag writers (the JIT's flags_passed: when nothing sees their flags,
 * nothing sees the add's either, so neither is computed): two rotates in a row as SHA-256 has
 * them, bt (then a nop), bts by a constant and btr by a register; xor and cmp overwrite all.
 */
void test_dead_flags_through_rotates_and_bt(void **state)
{
    static const uint8_t code[] = {
        0x48, 0x01, 0xc8,             /* add rax, rcx */
        0xc1, 0xc1, 0x0f,             /* rol ecx, 15 */
        0xc1, 0xc0, 0x0d,             /* rol eax, 13 */
        0x89, 0xd6,                   /* mov esi, edx */
        0xc1, 0xce, 0x07,             /* ror esi, 7 */
        0x48, 0x0f, 0xba, 0xe7, 0x05, /* bt rdi, 5 */
        0x49, 0x0f, 0xba, 0xe8, 0x03, /* bts r8, 3 */
        0x4d, 0x0f, 0xb3, 0xd1,       /* btr r9, r10 */
        0x48, 0xc1, 0xc3, 0x21,       /* rol rbx, 33 */
        0x31, 0xc8,                   /* xor eax, ecx */
        0x48, 0x39, 0xd8,             /* cmp rax, rbx */
    };
    const uint64_t *r = h.init.regs;
    uint32_t eax = rol32((uint32_t)(r[R_EAX] + r[R_ECX]), 13) ^ rol32((uint32_t)r[R_ECX], 15);

    run_directed(code, sizeof(code), -1);
    assert_int_equal(h.jit.regs[R_EAX], eax);
    assert_int_equal(h.jit.regs[R_ESI], rol32((uint32_t)r[R_EDX], 25));
    assert_int_equal(h.jit.regs[8], r[8] | 8);
    assert_int_equal(h.jit.regs[9], r[9] & ~(1ULL << (r[10] & 63)));
    assert_int_equal(h.jit.regs[R_EBX], rol64(r[R_EBX], 33));
}

/*
 * Rotates and bt* whose flags are seen, right after the flag writers whose flags the JIT
 * knows without a call (gen_get_eflags): a sub (the host's flags, kept by the rol and read
 * back by lahf), a logic op (its AF clear, not the host's undefined one), a rotate, a bt
 * and an imul (env->eflags); setcc, lahf, sbb and adc read them.
 */
void test_seen_flags_of_rotates_and_bt(void **state)
{
    static const uint8_t code[] = {
        0x48, 0x29, 0xc8,             /* sub rax, rcx */
        0x48, 0xd1, 0xc2,             /* rol rdx, 1 */
        0x0f, 0x94, 0xc3,             /* sete bl: the sub's ZF */
        0x0f, 0x92, 0xc7,             /* setc bh: the rol's CF */
        0x9f,                         /* lahf: SF ZF AF PF CF into ah */
        0x41, 0x89, 0xc3,             /* mov r11d, eax */
        0x29, 0xc9,                   /* sub ecx, ecx: ZF and PF set */
        0xd1, 0xc0,                   /* rol eax, 1 */
        0x9f,                         /* lahf */
        0x31, 0xfe,                   /* xor esi, edi */
        0xd1, 0xce,                   /* ror esi, 1 */
        0x0f, 0x98, 0xc1,             /* sets cl: the xor's SF */
        0x0f, 0x90, 0xc5,             /* seto ch: the ror's OF */
        0x0f, 0xba, 0xe6, 0x03,       /* bt esi, 3 */
        0x4d, 0x19, 0xc0,             /* sbb r8, r8 */
        0x41, 0x0f, 0xba, 0xef, 0x1f, /* bts r15d, 31 */
        0x49, 0x0f, 0xba, 0xf6, 0x02, /* btr r14, 2 */
        0x49, 0x83, 0xd1, 0x00,       /* adc r9, 0 */
        0x4d, 0x0f, 0xaf, 0xd4,       /* imul r10, r12 */
        0x49, 0xc1, 0xcd, 0x01,       /* ror r13, 1 */
        0x0f, 0x91, 0xc2,             /* setno dl */
        0x48, 0x39, 0xd8,             /* cmp rax, rbx */
    };
    const uint64_t *r = h.init.regs;
    uint32_t esi = (uint32_t)(r[R_ESI] ^ r[R_EDI]);

    run_directed(code, sizeof(code), -1);
    esi = esi >> 1 | esi << 31;
    assert_int_equal(h.jit.regs[8], (esi >> 3) & 1 ? ~0ULL : 0);
    assert_int_equal(h.jit.regs[9], r[9] + (r[14] >> 2 & 1));
    assert_int_equal(h.jit.regs[15], (uint32_t)r[15] | 0x80000000u);
    assert_int_equal(h.jit.regs[11] >> 8 & CC_C, r[R_EDX] >> 63);
    assert_int_equal(h.jit.regs[11] >> 8 & CC_Z, r[R_EAX] == r[R_ECX] ? CC_Z : 0);
    assert_int_equal(h.jit.regs[R_EAX] >> 8 & (CC_Z | CC_P | CC_S), CC_Z | CC_P);
}

/*
 * A cmp's flags read after register moves, lea, movzx, movsxd and xchg (the JIT keeps them in
 * the host's flags through those: keeps_host_flags): cmovae, setb, adc, a rol (EFLAGS by
 * pushf) and lahf, then sete on the flags in env->eflags.
 */
void test_host_flags_kept_through_moves(void **state)
{
    static const uint8_t code[] = {
        0x48, 0x39, 0xd1,             /* cmp rcx, rdx */
        0x49, 0x89, 0xc8,             /* mov r8, rcx */
        0x4c, 0x8d, 0x4c, 0x51, 0x08, /* lea r9, [rcx + rdx * 2 + 8] */
        0x44, 0x0f, 0xb6, 0xd1,       /* movzx r10d, cl */
        0xbe, 0x45, 0x23, 0x01, 0x00, /* mov esi, 0x12345 */
        0x48, 0x0f, 0x43, 0xfb,       /* cmovae rdi, rbx */
        0x0f, 0x92, 0xc0,             /* setb al */
        0x4c, 0x63, 0xd9,             /* movsxd r11, ecx */
        0x49, 0x83, 0xd4, 0x00,       /* adc r12, 0 */
        0x4d, 0x87, 0xf5,             /* xchg r13, r14 */
        0x49, 0xd1, 0xc7,             /* rol r15, 1 */
        0x9f,                         /* lahf */
        0x0f, 0x94, 0xc3,             /* sete bl */
        0x48, 0x39, 0xd8,             /* cmp rax, rbx */
    };
    const uint64_t *r = h.init.regs;
    bool below = r[R_ECX] < r[R_EDX];

    run_directed(code, sizeof(code), -1);
    assert_int_equal(h.jit.regs[R_EDI], below ? r[R_EDI] : r[R_EBX]);
    assert_int_equal(h.jit.regs[R_EAX] & 0xff, below);
    assert_int_equal(h.jit.regs[12], r[12] + below);
    assert_int_equal(h.jit.regs[R_EAX] >> 8 & (CC_Z | CC_C),
                     (r[R_ECX] == r[R_EDX] ? CC_Z : 0) | r[15] >> 63);
    assert_int_equal(h.jit.regs[R_EBX] & 0xff, r[R_ECX] == r[R_EDX]);
    assert_int_equal(h.jit.regs[9], r[R_ECX] + r[R_EDX] * 2 + 8);
}

/*
 * ALU ops with memory whose flags are read next, in a loop: the first round misses the data
 * TLB (the handler, then the host's flags redone from its record: gen_host_flags), the others
 * hit (the op's own host flags): cmp, add and test of 64 and 32 bits, read by setcc, cmovae
 * and a rol (EFLAGS by pushf; a logic op's AF clear).
 */
void test_host_flags_after_alu_with_memory(void **state)
{
    static const uint8_t code[] = {
        0xb9, 0x03, 0x00, 0x00, 0x00, /* mov ecx, 3 */
        0x48, 0x39, 0x14, 0x24,       /* l: cmp [rsp], rdx */
        0x0f, 0x92, 0xc0,             /* setb al */
        0x49, 0x0f, 0x43, 0xfa,       /* cmovae rdi, r10 */
        0x4c, 0x03, 0x44, 0x24, 0x08, /* add r8, [rsp + 8] */
        0x0f, 0x92, 0xc3,             /* setc bl */
        0x85, 0x34, 0x24,             /* test [rsp], esi */
        0x0f, 0x94, 0xc7,             /* sete bh */
        0x49, 0xd1, 0xc1,             /* rol r9, 1 */
        0x9f,                         /* lahf */
        0xff, 0xc9,                   /* dec ecx */
        0x75, 0xdf,                   /* jnz l */
        0x48, 0x39, 0xd8,             /* cmp rax, rbx */
    };
    const uint64_t *r = h.init.regs;
    uint64_t m0, m1, r8 = r[8];
    bool carry = false;

    memcpy(&m0, &h.init.ram[PA(r[R_ESP])], 8);
    memcpy(&m1, &h.init.ram[PA(r[R_ESP] + 8)], 8);
    for (int i = 0; i < 3; i++) {
        carry = r8 + m1 < r8;
        r8 += m1;
    }
    run_directed(code, sizeof(code), -1);
    assert_int_equal(h.jit.regs[R_EAX] & 0xff, m0 < r[R_EDX]);
    assert_int_equal(h.jit.regs[R_EDI], m0 < r[R_EDX] ? r[R_EDI] : r[10]);
    assert_int_equal(h.jit.regs[8], r8);
    assert_int_equal(h.jit.regs[R_EBX] & 0xffff, carry | ((uint32_t)(m0 & r[R_ESI]) == 0) << 8);
    assert_int_equal(h.jit.regs[R_EAX] >> 8 & (CC_Z | CC_C | CC_A),
                     ((uint32_t)(m0 & r[R_ESI]) == 0 ? CC_Z : 0) | (rol64(r[9], 2) & 1));
}

/*
 * Records whose op the JIT stores only when it changes (x86_jit_cc_stored): sub then cmp of 64
 * bits (one op store), a shl by cl whose count is 0 at run time (its record, op included, on
 * the other path only), then a shl by 1 whose op must still be stored; setcc reads each.
 */
void test_record_op_stored_when_it_changes(void **state)
{
    static const uint8_t code[] = {
        0x48, 0x29, 0xcf,                         /* sub rdi, rcx */
        0x48, 0x39, 0xd8,                         /* cmp rax, rbx */
        0x0f, 0x92, 0xc5,                         /* setc ch */
        0xb9, 0x40, 0x00, 0x00, 0x00,             /* mov ecx, 0x40 */
        0x48, 0xd3, 0xe2,                         /* shl rdx, cl: a count of 0 */
        0x0f, 0x94, 0xc3,                         /* setz bl: the cmp's */
        0x48, 0xc7, 0xc6, 0xfe, 0xff, 0xff, 0xff, /* mov rsi, -2 */
        0x48, 0xd1, 0xe6,                         /* shl rsi, 1: CF set, a sub's clear */
        0x0f, 0x92, 0xc0,                         /* setc al: the shl's */
        0x48, 0x39, 0xd8,                         /* cmp rax, rbx */
    };
    const uint64_t *r = h.init.regs;

    run_directed(code, sizeof(code), -1);
    assert_int_equal(h.jit.regs[R_EAX] & 0xff, 1);
    assert_int_equal(h.jit.regs[R_EBX] & 0xff, r[R_EAX] == r[R_EBX]);
    assert_int_equal(h.jit.regs[R_EDI], r[R_EDI] - r[R_ECX]);
}
