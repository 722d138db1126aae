/*
 * The x86 interpreter against the host, instruction by instruction (the harness:
 * x86-insn-harness.h; the flags an instruction leaves for the next: test-x86-flags.c).
 *
 * Groups: arithmetic and logic in four sizes (register and immediate forms,
 * AH), inc/dec/neg/not, shifts and rotates by CL, shld/shrd, mul/imul/div/
 * idiv, the 2- and 3-operand imul, bt/bts/btr/btc, bsf/bsr, setcc and cmovcc
 * for the sixteen conditions, movzx/movsx/movsxd, cbw..cqo, xchg, cmpxchg,
 * xadd, bswap, lea, lahf/sahf and the carry instructions.
 *
 * Then what the host cannot run in user mode: 16-bit real-mode addressing,
 * far jumps into protected mode, real-mode interrupts, rep string moves.
 */
#include "x86-insn-harness.h"

static uint64_t shld_flags(const uint8_t *insn, const NativeState *in)
{
    int bits = insn_bits(insn);
    unsigned count = in->regs[R_ECX] & (bits == 64 ? 0x3f : 0x1f);

    if (count == 0) {
        return CC_ARITH;
    }
    return (CC_ARITH & ~(CC_A | CC_O)) | (count == 1 ? CC_O : 0);
}

/* shld/shrd with a 16-bit operand and a count above 16 are undefined: keep it in range. */
static void count_upto16(int i, NativeState *st)
{
    st->regs[R_ECX] = i % 17;
}

/* div: keep the quotient in range and the divisor non-zero (the host would trap). */
static void div_inputs(int i, NativeState *st)
{
    /* rDX below BX is below the divisor at every size: no quotient overflows. */
    uint64_t bx = (st->regs[R_EBX] | 1) & 0xffff;

    st->regs[R_EBX] |= 1;
    st->regs[R_EDX] = bx > 1 ? next_rand() % bx : 0;
    if ((i & 3) == 0) {
        st->regs[R_EDX] = 0;
    }
}

static void div8_inputs(int i, NativeState *st)
{
    st->regs[R_EBX] = (st->regs[R_EBX] & ~0xffULL) | ((st->regs[R_EBX] & 0x7f) | 1);
    st->regs[R_EAX] =
        (st->regs[R_EAX] & ~0xffffULL) | (next_rand() % ((st->regs[R_EBX] & 0xff) << 8));
}

/* idiv: a sign-extended dividend and a divisor far from overflow. */
static void idiv_inputs(int i, NativeState *st)
{
    st->regs[R_EBX] = (next_rand() & 0xffff) | 1;
    st->regs[R_EDX] = (int64_t)st->regs[R_EAX] < 0 ? ~0ULL : 0;
    if ((int32_t)st->regs[R_EAX] < 0 && (int64_t)st->regs[R_EAX] >= 0) {
        st->regs[R_EAX] |= 1ULL << 63; /* one sign for the 32- and the 64-bit dividend */
        st->regs[R_EDX] = ~0ULL;
    } else if ((int32_t)st->regs[R_EAX] >= 0 && (int64_t)st->regs[R_EAX] < 0) {
        st->regs[R_EAX] &= ~(1ULL << 63);
        st->regs[R_EDX] = 0;
    }
    if ((i & 1) == 0) {
        st->regs[R_EAX] &= 0x7fffffff;
        st->regs[R_EDX] = 0;
    }
}

/* bsf/bsr: the destination after a zero source is undefined on Intel. */
static bool skip_dest_if_zero_src(int reg, const NativeState *in)
{
    return reg == R_EAX && (in->regs[R_EBX] & 0xffffffff) == 0;
}

static void test_alu(void **state)
{
    static const char *const forms[] = {"00 d8",
                                        "66 01 d8",
                                        "01 d8",
                                        "48 01 d8",
                                        "02 c3",
                                        "48 03 c3",
                                        "04 7f",
                                        "66 05 34 12",
                                        "05 78 56 34 82",
                                        "48 05 78 56 34 82",
                                        "83 c3 80",
                                        "48 83 c3 7f",
                                        "81 c3 ff ff 00 80",
                                        "80 c4 91",
                                        "00 e7",
                                        "02 fc"};

    for (int op = 0; op < 8; op++) {
        for (unsigned f = 0; f < ARRAY_SIZE(forms); f++) {
            char hex[64];
            unsigned b0, rest;
            const char *s = forms[f];
            /* Put the operation in the opcode (bits 3..5) or the ModRM reg field (80-83). */
            int pre = (s[0] == '6' && s[1] == '6') || s[0] == '4' ? 3 : 0;
            sscanf(s + pre, "%2x", &b0);
            snprintf(hex, sizeof(hex), "%.*s", pre, s);
            if (b0 >= 0x80) {
                sscanf(s + pre + 3, "%2x", &rest);
                snprintf(hex + pre, sizeof(hex) - pre, "%02x %02x%s", b0,
                         (rest & ~0x38) | (op << 3), s + pre + 5);
            } else {
                snprintf(hex + pre, sizeof(hex) - pre, "%02x%s", b0 | (op << 3), s + pre + 2);
            }
            check_insn(hex, N_INPUTS / 4, (op == 1 || op == 4 || op == 6) ? no_af : all_arith, NULL,
                       NULL);
        }
    }
    check_insn("85 d8", N_INPUTS, no_af, NULL, NULL);
    check_insn("a9 00 ff 00 ff", N_INPUTS, no_af, NULL, NULL);
}

static void test_unary(void **state)
{
    static const char *const insns[] = {"fe c0",    "66 ff c0", "ff c8",    "48 ff c0",
                                        "48 ff cb", "f6 d8",    "66 f7 db", "f7 d8",
                                        "48 f7 d8", "f6 d0",    "f7 d3",    "48 f7 d2"};

    for (unsigned i = 0; i < ARRAY_SIZE(insns); i++) {
        check_insn(insns[i], N_INPUTS, all_arith, NULL, NULL);
    }
}

static void test_shift(void **state)
{
    static const char *const sizes[] = {"d2 %02x", "66 d3 %02x", "d3 %02x", "48 d3 %02x"};
    char hex[32];

    for (int op = 0; op < 8; op++) {
        for (unsigned s = 0; s < ARRAY_SIZE(sizes); s++) {
            snprintf(hex, sizeof(hex), sizes[s], 0xc0 | (op << 3) | R_EBX);
            check_insn(hex, N_INPUTS, shift_flags, small_count, NULL);
        }
    }
    check_insn("0f a5 d8", N_INPUTS, shld_flags, small_count, NULL);
    check_insn("0f ad d8", N_INPUTS, shld_flags, small_count, NULL);
    check_insn("48 0f a5 d8", N_INPUTS, shld_flags, small_count, NULL);
    check_insn("48 0f ad d8", N_INPUTS, shld_flags, small_count, NULL);
    check_insn("66 0f a5 d8", N_INPUTS, shld_flags, count_upto16, NULL);
    check_insn("66 0f ad d8", N_INPUTS, shld_flags, count_upto16, NULL);
}

static void test_muldiv(void **state)
{
    static const char *const mul[] = {"f6 e3",
                                      "66 f7 e3",
                                      "f7 e3",
                                      "48 f7 e3",
                                      "f6 eb",
                                      "66 f7 eb",
                                      "f7 eb",
                                      "48 f7 eb",
                                      "0f af c3",
                                      "66 0f af c3",
                                      "48 0f af c3",
                                      "6b c3 85",
                                      "69 c3 78 56 34 92",
                                      "48 6b c3 7f"};

    for (unsigned i = 0; i < ARRAY_SIZE(mul); i++) {
        check_insn(mul[i], N_INPUTS, cf_of_only, NULL, NULL);
    }
    check_insn("f7 f3", N_INPUTS, no_flags, div_inputs, NULL);
    check_insn("48 f7 f3", N_INPUTS, no_flags, div_inputs, NULL);
    check_insn("66 f7 f3", N_INPUTS, no_flags, div_inputs, NULL);
    check_insn("f6 f3", N_INPUTS, no_flags, div8_inputs, NULL);
    check_insn("f7 fb", N_INPUTS, no_flags, idiv_inputs, NULL);
    check_insn("48 f7 fb", N_INPUTS, no_flags, idiv_inputs, NULL);
}

static void test_bits(void **state)
{
    static const char *const bt[] = {"0f a3 d8",       "0f ab d8",    "0f b3 d8",    "0f bb d8",
                                     "48 0f ab d8",    "66 0f bb d8", "0f ba e0 25", "0f ba e8 03",
                                     "48 0f ba f0 3f", "0f ba f8 11"};

    for (unsigned i = 0; i < ARRAY_SIZE(bt); i++) {
        check_insn(bt[i], N_INPUTS, cf_only, NULL, NULL);
    }
    check_insn("0f bc c3", N_INPUTS, zf_only, NULL, skip_dest_if_zero_src);
    check_insn("0f bd c3", N_INPUTS, zf_only, NULL, skip_dest_if_zero_src);
    check_insn("48 0f bd c3", N_INPUTS, zf_only, NULL, skip_dest_if_zero_src);
}

static void test_cond(void **state)
{
    char hex[32];

    for (int cc = 0; cc < 16; cc++) {
        snprintf(hex, sizeof(hex), "0f %02x c0", 0x90 + cc);
        check_insn(hex, N_INPUTS / 4, all_arith, NULL, NULL);
        snprintf(hex, sizeof(hex), "0f %02x c3", 0x40 + cc);
        check_insn(hex, N_INPUTS / 4, all_arith, NULL, NULL);
        snprintf(hex, sizeof(hex), "48 0f %02x d9", 0x40 + cc);
        check_insn(hex, N_INPUTS / 4, all_arith, NULL, NULL);
    }
}

/* cmpxchg: the accumulator equals the destination for every other input. */
static void equal_half(int i, NativeState *st)
{
    if (i & 1) {
        st->regs[R_ECX] = st->regs[R_EAX];
    }
}

static void test_moves(void **state)
{
    static const char *const insns[] = {"0f b6 c3",
                                        "0f b7 c3",
                                        "0f be c3",
                                        "0f bf c3",
                                        "48 0f be c3",
                                        "66 0f be c3",
                                        "48 63 c3",
                                        "66 98",
                                        "98",
                                        "48 98",
                                        "66 99",
                                        "99",
                                        "48 99",
                                        "87 d8",
                                        "93",
                                        "86 d8",
                                        "86 e3",
                                        "0f c8",
                                        "48 0f cb",
                                        "8d 44 58 10",
                                        "67 8d 04 58",
                                        "66 8d 44 5e f0",
                                        "88 f8",
                                        "8a e3",
                                        "b4 12",
                                        "66 b8 34 12",
                                        "b8 78 56 34 12",
                                        "48 b8 f0 de bc 9a 78 56 34 12",
                                        "48 c7 c0 80 ff ff ff",
                                        "9f",
                                        "9e",
                                        "f8",
                                        "f9",
                                        "f5"};

    for (unsigned i = 0; i < ARRAY_SIZE(insns); i++) {
        check_insn(insns[i], N_INPUTS / 4, all_arith, NULL, NULL);
    }
    check_insn("0f b1 d9", N_INPUTS, all_arith, equal_half, NULL);
    check_insn("48 0f b1 d9", N_INPUTS, all_arith, equal_half, NULL);
    check_insn("0f b0 d9", N_INPUTS, all_arith, equal_half, NULL);
    check_insn("0f c1 d8", N_INPUTS, all_arith, NULL, NULL);
    check_insn("0f c0 dc", N_INPUTS, all_arith, NULL, NULL);
}

/* ---- system behaviour the host cannot run in user mode ---- */

static void load(hwaddr addr, const char *hex)
{
    for (const char *p = hex; *p; p++) {
        if (*p != ' ') {
            unsigned v;
            sscanf(p, "%2x", &v);
            ram.ram_ptr[addr++] = v;
            p++;
        }
    }
}

/* Real mode at 0000:1000 with the stack at 0000:8000. */
static CPUX86State *real_mode(void)
{
    CPUX86State *env = &cpu->env;

    memset(ram.ram_ptr, 0, RAM_SIZE);
    x86_cpu_reset(cpu);
    env->segs[R_CS].selector = 0;
    env->segs[R_CS].base = 0;
    env->rip = 0x1000;
    env->regs[R_ESP] = 0x8000;
    return env;
}

/* Step until the next instruction is hlt (at most max steps). */
static void run_to_hlt(CPUX86State *env, int max)
{
    for (int i = 0; i < max; i++) {
        uint64_t la = (env->segs[R_CS].base + env->rip) & 0xffffffff;
        if (ram.ram_ptr[la] == 0xf4) {
            return;
        }
        x86_cpu_step(cpu);
    }
    fail_msg("no hlt reached: rip %llx", (unsigned long long)env->rip);
}

static uint32_t ram_l(hwaddr a)
{
    uint32_t v;
    memcpy(&v, ram.ram_ptr + a, 4);
    return v;
}

static void test_real_mode_addressing(void **state)
{
    CPUX86State *env = real_mode();

    /* mov bx,0x2000; mov si,4; mov word [bx+si+2],0x1234; mov ax,[bx+si+2]; mov bp,0x2000;
     * mov cx,[bp+si+2] (an SS access); hlt */
    load(0x1000, "bb 00 20 be 04 00 c7 40 02 34 12 8b 40 02 bd 00 20 8b 4a 02 f4");
    run_to_hlt(env, 10);
    assert_int_equal(ram_l(0x2006) & 0xffff, 0x1234);
    assert_int_equal(env->regs[R_EAX] & 0xffff, 0x1234);
    assert_int_equal(env->regs[R_ECX] & 0xffff, 0x1234);
}

static void test_protected_mode_entry(void **state)
{
    CPUX86State *env = real_mode();

    /* GDT: null, flat 32-bit code (0x08), flat data (0x10); GDTR image at 0x2f00. */
    load(0x3000, "00 00 00 00 00 00 00 00 ff ff 00 00 00 9a cf 00 ff ff 00 00 00 92 cf 00");
    load(0x2f00, "17 00 00 30 00 00");
    /* lgdt [0x2f00]; mov eax,cr0; or al,1; mov cr0,eax; jmp dword 0x08:0x1100 */
    load(0x1000, "0f 01 16 00 2f 0f 20 c0 0c 01 0f 22 c0 66 ea 00 11 00 00 08 00");
    /* mov ax,0x10; mov ds,ax; mov dword [0x5000],0xdeadbeef; hlt */
    load(0x1100, "66 b8 10 00 8e d8 c7 05 00 50 00 00 ef be ad de f4");
    run_to_hlt(env, 20);
    assert_int_equal(env->segs[R_CS].selector, 0x08);
    assert_true(env->segs[R_CS].flags & DESC_B_MASK);
    assert_int_equal(env->gdt.base, 0x3000);
    assert_int_equal(ram_l(0x5000), 0xdeadbeef);
}

static void test_real_mode_interrupts(void **state)
{
    CPUX86State *env = real_mode();

    /* IVT: int 0x21 → 0000:1200, #DE (vector 0) → 0000:1300 */
    load(0x21 * 4, "00 12 00 00");
    load(0, "00 13 00 00");
    load(0x1200, "b8 55 00 cf");                /* mov ax,0x55; iret */
    load(0x1300, "bb 01 00 83 06 00 40 02 cf"); /* mov bx,1; add word [0x4000],2; iret */
    /* sti; int 0x21; mov dx,ax; xor cx,cx; div cx (#DE: the handler makes cx... ) */
    load(0x1000, "fb cd 21 89 c2 f4");
    run_to_hlt(env, 10);
    assert_int_equal(env->regs[R_EDX] & 0xffff, 0x55);
    assert_int_equal(env->regs[R_ESP], 0x8000);
    assert_true(env->eflags & IF_MASK); /* iret restored it */

    env = real_mode();
    load(0, "00 13 00 00");
    load(0x1300, "c7 06 00 40 07 00 b9 01 00 cf"); /* mov word [0x4000],7; mov cx,1; iret */
    load(0x1000, "31 c9 b8 09 00 31 d2 f7 f1 f4"); /* xor cx,cx; mov ax,9; xor dx,dx; div cx */
    run_to_hlt(env, 20);
    /* The fault returned to the div, which then divided by the handler's cx = 1. */
    assert_int_equal(ram_l(0x4000) & 0xffff, 7);
    assert_int_equal(env->regs[R_EAX] & 0xffff, 9);
}

/* Flat 32-bit protected mode: GDT null/code 0x08/data 0x10 at 0x3000, IDT at 0x3800. */
static CPUX86State *protected_mode(void)
{
    CPUX86State *env = real_mode();
    uint32_t data = DESC_P_MASK | DESC_S_MASK | DESC_W_MASK | DESC_B_MASK | DESC_G_MASK;

    load(0x3000, "00 00 00 00 00 00 00 00 ff ff 00 00 00 9a cf 00 ff ff 00 00 00 92 cf 00");
    env->cr[0] |= CR0_PE;
    env->gdt = (SegmentCache){.base = 0x3000, .limit = 0x17};
    env->idt = (SegmentCache){.base = 0x3800, .limit = 0x7ff};
    env->segs[R_CS] = (SegmentCache){0x08, 0, 0xffffffff, data | DESC_CS_MASK};
    for (int s = 0; s < X86_NB_SEGS; s++) {
        if (s != R_CS) {
            env->segs[s] = (SegmentCache){0x10, 0, 0xffffffff, data};
        }
    }
    env->eflags |= IF_MASK;
    return env;
}

static void test_protected_mode_interrupts(void **state)
{
    CPUX86State *env = protected_mode();

    /* int 0x30 (interrupt gate), #UD (trap gate), #GP (interrupt gate, error code) */
    load(0x3800 + 0x30 * 8, "00 12 08 00 00 8e 00 00");
    load(0x3800 + 6 * 8, "00 13 08 00 00 8f 00 00");
    load(0x3800 + 13 * 8, "00 14 08 00 00 8e 00 00");
    /* int 0x30; ud2; mov cx,0x18; mov ds,cx (past the GDT limit: #GP(0x18)); hlt */
    load(0x1000, "cd 30 0f 0b 66 b9 18 00 8e d9 f4");
    /* pushf; pop dword [0x4008] (IF as the handler sees it); mov dword [0x4000],...; iret */
    load(0x1200, "9c 8f 05 08 40 00 00 c7 05 00 40 00 00 11 11 11 11 cf");
    /* add dword [esp],2 (past the ud2); mov dword [0x4004],0x22222222; iret */
    load(0x1300, "83 04 24 02 c7 05 04 40 00 00 22 22 22 22 cf");
    /* pop eax (the error code); mov [0x4010],eax; add dword [esp],2; iret */
    load(0x1400, "58 a3 10 40 00 00 83 04 24 02 cf");
    run_to_hlt(env, 40);
    assert_int_equal(ram_l(0x4000), 0x11111111);
    assert_false(ram_l(0x4008) & IF_MASK); /* an interrupt gate clears IF */
    assert_int_equal(ram_l(0x4004), 0x22222222);
    assert_int_equal(ram_l(0x4010), 0x18);
    assert_int_equal(env->regs[R_ESP], 0x8000);
    assert_true(env->eflags & IF_MASK); /* iret restored it */
    assert_int_equal(env->segs[R_DS].selector, 0x10);
}

static uint64_t ram_q(hwaddr a)
{
    uint64_t v;
    memcpy(&v, ram.ram_ptr + a, 8);
    return v;
}

/* From 32-bit protected mode to 64-bit code: PAE, 4-level tables, EFER.LME, CR0.PG, a far
 * jump to a 64-bit code segment; then 64-bit moves and a RIP-relative lea. */
/* Ring 3 by iret, back to ring 0 through an int gate on the TSS's stack, and out again. */
static void test_privilege_change(void **state)
{
    CPUX86State *env = protected_mode();

    /* 0x1b ring-3 code, 0x23 ring-3 data, 0x28 a 32-bit TSS at 0x7000 (esp0 0x9000, ss0 0x10) */
    load(0x3018, "ff ff 00 00 00 fa cf 00 ff ff 00 00 00 f2 cf 00 67 00 00 70 00 89 00 00");
    env->gdt.limit = 0x2f;
    load(0x7004, "00 90 00 00 10 00 00 00");
    load(0x3800 + 0x30 * 8, "00 13 08 00 00 ee 00 00"); /* DPL 3: int 0x30 allowed from ring 3 */
    /* mov ax,0x28; ltr ax; push 0x23; push 0x6000; push 0x202; push 0x1b; push 0x1200; iretd */
    load(0x1000,
         "66 b8 28 00 0f 00 d8 6a 23 68 00 60 00 00 68 02 02 00 00 6a 1b 68 00 12 00 00 cf");
    load(0x1200, "cd 30 f4"); /* ring 3: int 0x30, then stop */
    /* ring 0: mov ebx,esp; mov cx,ss; mov eax,[esp+12] (old esp); mov edx,[esp+16] (old ss);
     * iretd */
    load(0x1300, "89 e3 8c d1 8b 44 24 0c 8b 54 24 10 cf");
    run_to_hlt(env, 40);
    assert_int_equal(env->regs[R_EBX], 0x9000 - 5 * 4); /* the TSS stack, five dwords pushed */
    assert_int_equal(env->regs[R_ECX] & 0xffff, 0x10);
    assert_int_equal(env->regs[R_EAX], 0x6000);
    assert_int_equal(env->regs[R_EDX], 0x23);
    assert_int_equal(x86_cpl(env), 3);
    assert_int_equal(env->segs[R_SS].selector, 0x23);
    assert_int_equal(env->regs[R_ESP], 0x6000);
    assert_int_equal(env->tr.selector, 0x28);
    assert_int_equal(ram_l(0x302c) & 0x0200, 0x0200); /* ltr marked the TSS busy */
}

/* Protected mode → 64-bit code at 0x1100 with the first 2 MiB identity-mapped. */
static CPUX86State *enter_long_mode(void)
{
    CPUX86State *env = protected_mode();

    load(0x3018, "ff ff 00 00 00 9a af 00"); /* 0x18: 64-bit code */
    env->gdt.limit = 0x1f;
    /* PML4[0] → PDPT at 0x11000 → PD at 0x12000, whose entry 0 maps 2 MiB at 0 (PS). */
    load(0x10000, "03 10 01 00 00 00 00 00");
    load(0x11000, "03 20 01 00 00 00 00 00");
    load(0x12000, "83 00 00 00 00 00 00 00");
    /* cr4.PAE; cr3; EFER.LME; cr0.PG; jmp 0x18:0x1100 */
    load(0x1000, "0f 20 e0 83 c8 20 0f 22 e0 b8 00 00 01 00 0f 22 d8 b9 80 00 00 c0 0f 32 "
                 "0d 00 01 00 00 0f 30 0f 20 c0 0d 00 00 00 80 0f 22 c0 ea 00 11 00 00 18 00");
    return env;
}

static void test_long_mode_entry(void **state)
{
    CPUX86State *env = enter_long_mode();

    /* mov rax,0x123456789abcdef0; mov [0x5000],rax; lea rbx,[rip]; hlt */
    load(0x1100, "48 b8 f0 de bc 9a 78 56 34 12 48 89 04 25 00 50 00 00 48 8d 1d 00 00 00 00 f4");
    run_to_hlt(env, 40);
    assert_true(env->efer & EFER_LMA);
    assert_true(x86_code64(env));
    assert_int_equal(ram_q(0x5000), 0x123456789abcdef0ULL);
    assert_int_equal(env->regs[R_EBX], 0x1119);
    /* An address the tables do not map: #PF with CR2 and a not-present error code. */
    hwaddr pa;
    assert_int_equal(x86_translate(env, 0x400000, 0, &pa), EXCP0E_PAGE);
    assert_int_equal(env->cr[2], 0x400000);
    assert_int_equal(env->error_code, 0);
    assert_int_equal(x86_translate(env, 0x1234, 0, &pa), X86_EXCP_NONE);
    assert_int_equal(pa, 0x1234);
}

/*
 * An instruction that runs into an unmapped page faults with CR2 at that page and the
 * instruction's own rip pushed; instructions that end before it run without touching CR2
 * (the interpreter reads ahead of them).
 */
static void test_fetch_across_pages(void **state)
{
    CPUX86State *env = enter_long_mode();

    /* IDT at 0x6000: #PF → a 64-bit interrupt gate to 0x1300 (hlt). */
    load(0x6000 + 14 * 16, "00 13 18 00 00 8e 00 00 00 00 00 00 00 00 00 00");
    env->idt = (SegmentCache){.base = 0x6000, .limit = 0xfff};
    load(0x1300, "f4");
    /* mov eax,0x1ffffc; jmp rax; at 0x1ffffc: nop; nop; mov rax,imm64 (crosses 2 MiB) */
    load(0x1100, "b8 fc ff 1f 00 ff e0");
    load(0x1ffffc, "90 90 48 b8");
    for (int i = 0; i < 40 && env->rip != 0x1ffffc; i++) {
        x86_cpu_step(cpu);
    }
    assert_int_equal(env->rip, 0x1ffffc);
    env->cr[2] = 0x1234;
    assert_int_equal(x86_cpu_step(cpu), X86_EXCP_NONE);
    assert_int_equal(x86_cpu_step(cpu), X86_EXCP_NONE);
    assert_int_equal(env->cr[2], 0x1234);
    assert_int_equal(x86_cpu_step(cpu), EXCP0E_PAGE);
    assert_int_equal(env->rip, 0x1300);
    assert_int_equal(env->cr[2], 0x200000);
    assert_int_equal(ram_q(env->regs[R_ESP]), 0);            /* error code: not present */
    assert_int_equal(ram_q(env->regs[R_ESP] + 8), 0x1ffffe); /* the faulting instruction */
}

/*
 * An instruction across two RAM pages is decoded from both through the fetch entries and
 * cached by its physical address (exec.c's fetch_across): a store to its bytes in the
 * second page is seen the next time it runs.
 */
static void test_fetch_across_ram_pages(void **state)
{
    CPUX86State *env = enter_long_mode();

    /* mov eax,0x7ffc; jmp rax; at 0x7ffc: nop; nop; mov rax,imm64 (crosses into 0x8000) */
    load(0x1100, "b8 fc 7f 00 00 ff e0");
    load(0x7ffc, "90 90 48 b8 11 22 33 44 55 66 77 88 f4");
    for (int i = 0; i < 40 && env->rip != 0x7ffc; i++) {
        x86_cpu_step(cpu);
    }
    assert_int_equal(env->rip, 0x7ffc);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(x86_cpu_step(cpu), X86_EXCP_NONE);
    }
    assert_int_equal(env->rip, 0x8008);
    assert_int_equal(env->regs[R_EAX], 0x8877665544332211ULL);
    ram.ram_ptr[0x8000] = 0x99;
    ram.ram_ptr[0x8003] = 0xaa;
    env->rip = 0x7ffe;
    assert_int_equal(x86_cpu_step(cpu), X86_EXCP_NONE);
    assert_int_equal(env->regs[R_EAX], 0x88776655aa332299ULL);
}

static void test_rep_string(void **state)
{
    CPUX86State *env = real_mode();

    for (int i = 0; i < 16; i++) {
        ram.ram_ptr[0x2000 + i] = 0xa0 + i;
    }
    /* mov si,0x2000; mov di,0x2100; mov cx,16; cld; rep movsb; mov di,0x2200; mov al,0x5a;
     * mov cx,3; rep stosb; mov si,0x2000; mov di,0x2100; mov cx,16; repe cmpsb; hlt */
    load(0x1000, "be 00 20 bf 00 21 b9 10 00 fc f3 a4 bf 00 22 b0 5a b9 03 00 f3 aa "
                 "be 00 20 bf 00 21 b9 10 00 f3 a6 f4");
    ram.ram_ptr[0x2109] = 0; /* overwritten by the copy, so repe cmpsb runs to the end */
    run_to_hlt(env, 30);
    assert_memory_equal(ram.ram_ptr + 0x2000, ram.ram_ptr + 0x2100, 16);
    assert_int_equal(ram_l(0x2200) & 0xffffff, 0x5a5a5a);
    assert_int_equal(env->regs[R_ECX] & 0xffff, 0);
    assert_true(x86_get_eflags(env) & CC_Z);
}

/*
 * rep stos fills a page at a time on host pointers (exec-string.c's host_fill): a value of
 * like bytes as one memset, the others element by element; neither writes past the count.
 */
static void test_rep_stos_fills(void **state)
{
    CPUX86State *env = real_mode();

    memset(ram.ram_ptr + 0x2300, 0xee, 0x300);
    /* mov di,0x2300; mov ax,0x1234; mov cx,5; rep stosw; mov di,0x2400; mov eax,0x12347777;
     * mov cx,3; rep stosw; mov di,0x2500; mov eax,0x77; mov cx,2; rep stosd; hlt */
    load(0x1000, "bf 00 23 b8 34 12 b9 05 00 f3 ab bf 00 24 66 b8 77 77 34 12 b9 03 00 f3 ab "
                 "bf 00 25 66 b8 77 00 00 00 b9 02 00 66 f3 ab f4");
    run_to_hlt(env, 20);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(ram_l(0x2300 + 2 * i) & 0xffff, 0x1234);
    }
    assert_int_equal(ram_l(0x230a) & 0xffff, 0xeeee);
    assert_int_equal(ram_l(0x2400), 0x77777777);
    assert_int_equal(ram_l(0x2404), 0xeeee7777);
    assert_int_equal(ram_l(0x2500), 0x77);
    assert_int_equal(ram_l(0x2504), 0x77);
    assert_int_equal(ram_l(0x2508), 0xeeeeeeee);
}

/*
 * A rep runs in bounded steps: rip stays on it until the count is exhausted. rep stosd of
 * 256 KiB (the 64 KiB segment four times over, di wrapping) is more than one step's work
 * even a page at a time; rep lodsb goes element by element.
 */
static void test_rep_is_restartable(void **state)
{
    CPUX86State *env = real_mode();

    /* mov ax,0x2000; mov es,ax; xor di,di; mov ecx,0xffff; mov eax,0x77777777; rep stosd;
     * mov cx,10000; rep lodsb; hlt */
    load(0x1000, "b8 00 20 8e c0 31 ff 66 b9 ff ff 00 00 66 b8 77 77 77 77 66 f3 ab "
                 "b9 10 27 f3 ac f4");
    for (int i = 0; i < 5; i++) {
        x86_cpu_step(cpu);
    }
    assert_int_equal(x86_cpu_step(cpu), X86_EXCP_NONE);
    assert_int_equal(env->rip, 0x1013); /* still the rep stosd */
    assert_true(env->regs[R_ECX] > 0 && env->regs[R_ECX] < 0xffff);
    while (env->rip == 0x1013) {
        x86_cpu_step(cpu);
    }
    assert_int_equal(env->regs[R_ECX], 0);
    assert_int_equal(env->regs[R_EDI] & 0xffff, (0xffff * 4) & 0xffff);
    for (int i = 0; i < 0x10000; i += 4) {
        assert_int_equal(ram_l(0x20000 + i), 0x77777777);
    }
    assert_int_equal(ram_l(0x1fffc), 0);
    assert_int_equal(ram_l(0x30000), 0);
    x86_cpu_step(cpu); /* mov cx,10000 */
    assert_int_equal(x86_cpu_step(cpu), X86_EXCP_NONE);
    assert_int_equal(env->rip, 0x1019); /* still the rep lodsb */
    assert_true((env->regs[R_ECX] & 0xffff) > 0 && (env->regs[R_ECX] & 0xffff) < 10000);
    run_to_hlt(env, 10);
    assert_int_equal(env->regs[R_ECX] & 0xffff, 0);
}

static void test_decode_lengths(void **state)
{
    /* (bytes, code size, expected length): prefixes, SIB, disp, 16-bit forms, moffs. */
    static const struct {
        const char *hex;
        int code_size, len;
    } cases[] = {
        {"66 2e 8b 84 24 00 01 00 00", 4, 9},
        {"8b 46 02", 2, 3},
        {"8b 86 34 12", 2, 4},
        {"a1 00 10", 2, 3},
        {"a1 00 10 00 00", 4, 5},
        {"48 a1 1 2 3 4 5 6 7 8", 8, 10},
        {"67 8b 04 24", 8, 4},
        {"f3 48 ab", 8, 3},
        {"66 ea 00 11 00 00 08 00", 2, 8},
        {"0f 01 16 00 2f", 2, 5},
        {"c8 10 00 01", 4, 4},
        {"f6 c3 80", 4, 3},
        {"66 f7 c3 01 02", 4, 5},
        {"8b 05 00 00 00 00", 8, 6},
    };

    for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
        uint8_t b[16] = {0};
        int n = 0;
        X86Insn d;
        bool more;
        for (const char *p = cases[i].hex; *p;) {
            unsigned v;
            int used;
            if (sscanf(p, "%x%n", &v, &used) != 1) {
                break;
            }
            b[n++] = v;
            p += used;
        }
        assert_true(x86_decode(b, n, cases[i].code_size, &d, &more));
        if (d.len != cases[i].len) {
            fail_msg("%s: length %d, expected %d", cases[i].hex, d.len, cases[i].len);
        }
    }
}

/* Run bytes as one instruction in 64-bit mode from registers all v (rsp aside); its vector. */
static int step_from(const uint8_t *bytes, size_t len, uint64_t v)
{
    CPUX86State *env = &cpu->env;

    x86_cpu_reset(cpu);
    set_mode64(env);
    memcpy(ram.ram_ptr + CODE_ADDR, bytes, len);
    for (int r = 0; r < 16; r++) {
        env->regs[r] = r == R_ESP ? 0x8000 : v;
    }
    env->rip = CODE_ADDR;
    return x86_cpu_step(cpu);
}

/*
 * X86Insn.no_raise (the decoder's F_NR) says a register form's handler returns no exception,
 * and the JIT then leaves out its check. Every such form of the one-byte and 0f maps, at
 * each reg field, with each operand-size prefix, from zero, all-ones and random registers
 * (a zero divisor, a zero bsf source), must keep that promise; and the #UD forms the decoder
 * rejects by their reg field stay rejected.
 */
static void test_no_raise_forms_raise_nothing(void **state)
{
    static const uint8_t prefix[] = {0, 0x66, 0x48, 0x40};
    const uint64_t values[] = {0, ~0ULL, next_rand()};
    int checked = 0;

    for (int map = 0; map < 2; map++) {
        for (int opc = 0; opc < 256; opc++) {
            for (unsigned p = 0; p < ARRAY_SIZE(prefix); p++) {
                for (int reg = 0; reg < 8; reg++) {
                    uint8_t b[16] = {0};
                    int n = 0;
                    X86Insn d;
                    bool more;

                    if (prefix[p]) {
                        b[n++] = prefix[p];
                    }
                    if (map) {
                        b[n++] = 0x0f;
                    }
                    b[n++] = opc;
                    b[n++] = 0xc0 | reg << 3 | ((reg + 3) & 7); /* mod 3: registers */
                    b[n++] = 5;                                 /* an immediate, if any */
                    if (!x86_decode(b, sizeof(b), 8, &d, &more) || !d.no_raise) {
                        continue;
                    }
                    for (unsigned i = 0; i < ARRAY_SIZE(values); i++) {
                        if (step_from(b, d.len, values[i]) != X86_EXCP_NONE) {
                            fail_msg("%02x %s%02x /%d: no_raise, but it raised", prefix[p],
                                     map ? "0f " : "", opc, reg);
                        }
                    }
                    checked++;
                }
            }
        }
    }
    assert_true(checked > 500);
    assert_int_equal(step_from((const uint8_t[]){0x48, 0xc7, 0xc8, 1, 0, 0, 0}, 7, 0), 6);
    assert_int_equal(step_from((const uint8_t[]){0xfe, 0xd0}, 2, 0), 6);
    assert_int_equal(step_from((const uint8_t[]){0x0f, 0xba, 0xd8, 1}, 4, 0), 6);
    assert_int_equal(step_from((const uint8_t[]){0x48, 0xf7, 0xf0}, 3, 0), 0); /* div: #DE */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alu),
        cmocka_unit_test(test_unary),
        cmocka_unit_test(test_shift),
        cmocka_unit_test(test_muldiv),
        cmocka_unit_test(test_bits),
        cmocka_unit_test(test_cond),
        cmocka_unit_test(test_moves),
        cmocka_unit_test(test_real_mode_addressing),
        cmocka_unit_test(test_protected_mode_entry),
        cmocka_unit_test(test_real_mode_interrupts),
        cmocka_unit_test(test_protected_mode_interrupts),
        cmocka_unit_test(test_privilege_change),
        cmocka_unit_test(test_long_mode_entry),
        cmocka_unit_test(test_fetch_across_pages),
        cmocka_unit_test(test_fetch_across_ram_pages),
        cmocka_unit_test(test_rep_string),
        cmocka_unit_test(test_rep_stos_fills),
        cmocka_unit_test(test_rep_is_restartable),
        cmocka_unit_test(test_decode_lengths),
        cmocka_unit_test(test_no_raise_forms_raise_nothing),
    };
    return cmocka_run_group_tests(tests, x86_insn_harness_setup, NULL);
}
