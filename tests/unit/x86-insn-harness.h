/*
 * The harness of the x86 tests that compare the interpreter with the host (test-x86-insn.c,
 * test-x86-flags.c): the host is x86-64, so a test's instruction bytes run natively (in a
 * generated stub that loads the eight legacy registers and RFLAGS from a state block, runs
 * the bytes, and stores them back) and on the interpreter in 64-bit mode from the same state;
 * the registers must match exactly and the flags wherever the SDM defines them (check_insn).
 * Inputs: edge values and a fixed-seed PRNG.
 */
#ifndef TESTS_UNIT_X86_INSN_HARNESS_H
#define TESTS_UNIT_X86_INSN_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "system/memory.h"
#include "target/i386/cpu.h"
#include "target/i386/decode.h"
#include "x86-hex.h"

#define RAM_SIZE (4 * MiB)
#define CODE_ADDR 0x1000

typedef struct NativeState {
    uint64_t regs[8]; /* rax rcx rdx rbx (rsp unused) rbp rsi rdi */
    uint64_t flags;
} NativeState;

static MemoryRegion ram;
static X86CPU *cpu;
static uint8_t *stub; /* RWX page for the native run */
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static inline uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Edge values first, then random ones of random widths. */
static inline uint64_t test_value(int i)
{
    static const uint64_t edges[] = {0,          1,          2,      0x7f,       0x80,
                                     0xff,       0x7fff,     0x8000, 0xffff,     0x7fffffff,
                                     0x80000000, 0xffffffff, ~0ULL,  1ULL << 63, (1ULL << 63) - 1};
    uint64_t r = next_rand();

    if (i < (int)ARRAY_SIZE(edges)) {
        return edges[i];
    }
    switch (r & 3) {
    case 0:
        return next_rand() & 0xff;
    case 1:
        return next_rand() & 0xffff;
    case 2:
        return next_rand() & 0xffffffff;
    default:
        return next_rand();
    }
}

/* ---- the native stub ---- */

static inline uint8_t *emit(uint8_t *p, const uint8_t *bytes, size_t n)
{
    memcpy(p, bytes, n);
    return p + n;
}

/* mov reg, [r15 + off] (load) or mov [r15 + off], reg (store), 64-bit */
static inline uint8_t *emit_r15(uint8_t *p, int reg, int off, bool store)
{
    uint8_t b[] = {0x49, store ? 0x89 : 0x8b, (uint8_t)(0x47 | (reg << 3)), (uint8_t)off};
    return emit(p, b, sizeof(b));
}

static inline void run_native(const uint8_t *insn, size_t len, NativeState *st)
{
    static const uint8_t prologue[] = {0x53, 0x55, 0x41, 0x54, 0x41, 0x55, 0x41,
                                       0x56, 0x41, 0x57, 0x49, 0x89, 0xff};
    static const uint8_t epilogue[] = {0x41, 0x5f, 0x41, 0x5e, 0x41, 0x5d,
                                       0x41, 0x5c, 0x5d, 0x5b, 0xc3};
    const uint8_t push_flags[] = {0x41, 0xff, 0x77, offsetof(NativeState, flags), 0x9d};
    const uint8_t pop_flags[] = {0x9c, 0x41, 0x8f, 0x47, offsetof(NativeState, flags)};
    uint8_t *p = stub;

    p = emit(p, prologue, sizeof(prologue));
    p = emit(p, push_flags, sizeof(push_flags));
    for (int r = 0; r < 8; r++) {
        if (r != R_ESP) {
            p = emit_r15(p, r, r * 8, false);
        }
    }
    p = emit(p, insn, len);
    p = emit(p, pop_flags, sizeof(pop_flags));
    for (int r = 0; r < 8; r++) {
        if (r != R_ESP) {
            p = emit_r15(p, r, r * 8, true);
        }
    }
    emit(p, epilogue, sizeof(epilogue));
    __builtin___clear_cache((char *)stub, (char *)p + sizeof(epilogue));
    ((void (*)(NativeState *))stub)(st);
}

/* ---- the interpreter ---- */

static inline void set_mode64(CPUX86State *env)
{
    env->cr[0] |= CR0_PE;
    env->efer |= EFER_LME | EFER_LMA;
    env->segs[R_CS].flags = DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | DESC_L_MASK;
    env->segs[R_CS].base = 0;
}

static inline void run_emulated(const uint8_t *insn, size_t len, NativeState *st)
{
    CPUX86State *env = &cpu->env;

    x86_cpu_reset(cpu);
    set_mode64(env);
    memcpy(ram.ram_ptr + CODE_ADDR, insn, len);
    for (int r = 0; r < 8; r++) {
        env->regs[r] = r == R_ESP ? 0x8000 : st->regs[r];
    }
    x86_set_eflags(env, st->flags);
    env->rip = CODE_ADDR;
    /* One instruction, or a sequence (the lazy-flag tests: a flag writer, then a reader). */
    for (int steps = 0; env->rip != CODE_ADDR + len; steps++) {
        assert_true(steps < 8);
        assert_int_equal(x86_cpu_step(cpu), X86_EXCP_NONE);
    }
    for (int r = 0; r < 8; r++) {
        st->regs[r] = env->regs[r];
    }
    st->flags = x86_get_eflags(env);
}

/* Which flags an instruction defines, given its inputs (SDM per instruction). */
typedef uint64_t (*DefinedFlags)(const uint8_t *insn, const NativeState *in);

static inline uint64_t all_arith(const uint8_t *insn, const NativeState *in)
{
    return CC_ARITH;
}

static inline uint64_t no_af(const uint8_t *insn, const NativeState *in)
{
    return CC_ARITH & ~CC_A;
}

static inline uint64_t cf_of_only(const uint8_t *insn, const NativeState *in)
{
    return CC_C | CC_O;
}

static inline uint64_t cf_only(const uint8_t *insn, const NativeState *in)
{
    return CC_C;
}

static inline uint64_t zf_only(const uint8_t *insn, const NativeState *in)
{
    return CC_Z;
}

static inline uint64_t no_flags(const uint8_t *insn, const NativeState *in)
{
    return 0;
}

/* Compare one instruction on n inputs; in_fn fills the registers of input i. */
static inline void check_insn(const char *hex, int n, DefinedFlags defined,
                       void (*in_fn)(int i, NativeState *st),
                       bool (*skip_reg)(int reg, const NativeState *))
{
    uint8_t insn[32];
    size_t len = parse_hex(hex, insn);

    for (int i = 0; i < n; i++) {
        NativeState in = {0}, nat, emu;
        for (int r = 0; r < 8; r++) {
            in.regs[r] = test_value(i + r * 3);
        }
        in.flags = (next_rand() & CC_ARITH) | EFLAGS_FIXED;
        if (in_fn) {
            in_fn(i, &in);
        }
        nat = emu = in;
        run_native(insn, len, &nat);
        run_emulated(insn, len, &emu);
        uint64_t mask = defined(insn, &in) | DF_MASK;
        for (int r = 0; r < 8; r++) {
            if (r == R_ESP || (skip_reg && skip_reg(r, &in))) {
                continue;
            }
            if (nat.regs[r] != emu.regs[r]) {
                fail_msg("%s input %d: reg %d host %016llx emulated %016llx", hex, i, r,
                         (unsigned long long)nat.regs[r], (unsigned long long)emu.regs[r]);
            }
        }
        if ((nat.flags & mask) != (emu.flags & mask)) {
            fail_msg("%s input %d: flags host %04llx emulated %04llx (mask %04llx)", hex, i,
                     (unsigned long long)nat.flags, (unsigned long long)emu.flags,
                     (unsigned long long)mask);
        }
    }
}

#define N_INPUTS 300

/* Operand size in bits of a test instruction: 66 → 16, REX.W → 64, opcode bit 0 clear → 8. */
static inline int insn_bits(const uint8_t *insn)
{
    int i = 0, bits = 32;

    if (insn[i] == 0x66) {
        bits = 16;
        i++;
    }
    if ((insn[i] & 0xf0) == 0x40) {
        bits = (insn[i] & 8) ? 64 : bits;
        i++;
    }
    if (insn[i] != 0x0f && !(insn[i] & 1)) {
        bits = 8;
    }
    return bits;
}

/* shifts and rotates by CL: which flags the count leaves defined. */
static inline uint64_t shift_flags(const uint8_t *insn, const NativeState *in)
{
    int bits = insn_bits(insn), i = 0;
    unsigned count = in->regs[R_ECX] & (bits == 64 ? 0x3f : 0x1f);
    uint64_t f;

    while (insn[i] == 0x66 || (insn[i] & 0xf0) == 0x40) {
        i++;
    }
    int op = (insn[i + 1] >> 3) & 7;
    if (count == 0) {
        return CC_ARITH;
    }
    f = op < 4 ? CC_C : (CC_ARITH & ~(CC_A | CC_O));
    if (count == 1) {
        f |= CC_O;
    }
    if (op >= 4 && (int)count > bits) {
        f &= ~(uint64_t)CC_C;
    }
    return f;
}

static inline void small_count(int i, NativeState *st)
{
    st->regs[R_ECX] = i < 70 ? (uint64_t)i : next_rand() & 0xff;
}

static inline int x86_insn_harness_setup(void **state)
{
    assert_true(memory_region_init_ram(&ram, "test.ram", RAM_SIZE, NULL));
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    cpu = X86_CPU(object_new(X86_CPU_TYPE_NAME("qemu64")));
    cpu->as = address_space_memory();
    stub = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(stub != MAP_FAILED);
    return 0;
}

#endif
