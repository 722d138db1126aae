/*
 * The x87/MMX/SSE tests' harness: one instruction's bytes run natively on
 * the host and on the interpreter (64-bit mode) from the same state, and the
 * states must match bit for bit. The state is a 64-bit FXSAVE image (x87
 * registers, FCW/FSW/tags, MXCSR, XMM0-15), the eight legacy GPRs, RFLAGS
 * and a 1 KiB memory buffer that RSI points at (on the host its own
 * address, in the guest 0x3000). The native stub loads the image with
 * fxrstor64 and stores it with fxsave64; the interpreter side goes through
 * the same images (x86_fxrstor_image / x86_fxsave_image). FIP, FDP and FOP
 * are not compared (they hold addresses that differ by construction).
 */
#ifndef TESTS_UNIT_X86_FP_HARNESS_H
#define TESTS_UNIT_X86_FP_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "system/memory.h"
#include "target/i386/cpu.h"
#include "target/i386/decode.h"
#include "x86-hex.h"
#include "../../target/i386/fpu-internal.h"

#define RAM_SIZE (1 * MiB)
#define CODE_ADDR 0x1000
#define MEM_ADDR 0x3000

typedef struct FpState {
    uint8_t fx[512] __attribute__((aligned(16)));
    uint64_t regs[8]; /* rax rcx rdx rbx (rsp unused) rbp rsi rdi */
    uint64_t flags;
    uint8_t mem[1024] __attribute__((aligned(64)));
    uint8_t host[512] __attribute__((aligned(16))); /* the host's own state around the run */
} FpState;

static MemoryRegion ram;
static X86CPU *cpu;
static uint8_t *stub;
static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static uint8_t *emit(uint8_t *p, const uint8_t *b, size_t n)
{
    memcpy(p, b, n);
    return p + n;
}

/* mov reg, [r15 + off] or mov [r15 + off], reg (disp32) */
static uint8_t *emit_r15(uint8_t *p, int reg, int off, bool store)
{
    uint8_t b[] = {0x49, store ? 0x89 : 0x8b, (uint8_t)(0x87 | (reg << 3)), (uint8_t)off,
                   (uint8_t)(off >> 8), 0, 0};
    return emit(p, b, sizeof(b));
}

/* fxsave64/fxrstor64 [r15 + off] (disp32) */
static uint8_t *emit_fx(uint8_t *p, int off, bool restore)
{
    uint8_t b[] = {0x49, 0x0f, 0xae, (uint8_t)(restore ? 0x8f : 0x87), (uint8_t)off,
                   (uint8_t)(off >> 8), 0, 0};
    return emit(p, b, sizeof(b));
}

static void run_native(const uint8_t *insn, size_t len, FpState *st)
{
    static const uint8_t prologue[] = {0x53, 0x55, 0x41, 0x54, 0x41, 0x55, 0x41,
                                       0x56, 0x41, 0x57, 0x49, 0x89, 0xff};
    static const uint8_t epilogue[] = {0x41, 0x5f, 0x41, 0x5e, 0x41, 0x5d,
                                       0x41, 0x5c, 0x5d, 0x5b, 0xc3};
    const int fl = offsetof(FpState, flags);
    const uint8_t push_flags[] = {0x41, 0xff, 0xb7, fl & 0xff, fl >> 8, 0, 0, 0x9d};
    const uint8_t pop_flags[] = {0x9c, 0x41, 0x8f, 0x87, fl & 0xff, fl >> 8, 0, 0};
    uint8_t *p = stub;

    st->regs[R_ESI] = (uint64_t)(uintptr_t)st->mem;
    p = emit(p, prologue, sizeof(prologue));
    p = emit_fx(p, offsetof(FpState, host), false);
    p = emit_fx(p, 0, true);
    p = emit(p, push_flags, sizeof(push_flags));
    for (int r = 0; r < 8; r++) {
        if (r != R_ESP) {
            p = emit_r15(p, r, offsetof(FpState, regs) + r * 8, false);
        }
    }
    p = emit(p, insn, len);
    p = emit(p, pop_flags, sizeof(pop_flags));
    for (int r = 0; r < 8; r++) {
        if (r != R_ESP) {
            p = emit_r15(p, r, offsetof(FpState, regs) + r * 8, true);
        }
    }
    p = emit_fx(p, 0, false);
    p = emit_fx(p, offsetof(FpState, host), true);
    p = emit(p, epilogue, sizeof(epilogue));
    __builtin___clear_cache((char *)stub, (char *)p);
    ((void (*)(FpState *))stub)(st);
}

static void set_mode64(CPUX86State *env)
{
    env->cr[0] |= CR0_PE | CR0_NE | CR0_MP;
    env->cr[4] |= CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_OSXSAVE;
    env->efer |= EFER_LME | EFER_LMA;
    env->segs[R_CS].flags = DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | DESC_L_MASK;
    env->segs[R_CS].base = 0;
}

/* Run on the interpreter; returns the exception (X86_EXCP_NONE if it completed). */
static int run_emulated(const uint8_t *insn, size_t len, FpState *st)
{
    CPUX86State *env = &cpu->env;
    int excp;

    x86_cpu_reset(cpu);
    set_mode64(env);
    env->xcr0 = XCR0_X87 | XCR0_SSE;
    memcpy(ram.ram_ptr + CODE_ADDR, insn, len);
    memcpy(ram.ram_ptr + MEM_ADDR, st->mem, sizeof(st->mem));
    for (int r = 0; r < 8; r++) {
        env->regs[r] = r == R_ESP ? 0x8000 : r == R_ESI ? MEM_ADDR : st->regs[r];
    }
    x86_set_eflags(env, st->flags);
    env->rip = CODE_ADDR;
    assert_int_equal(x86_fxrstor_image(env, st->fx, true), X86_EXCP_NONE);
    excp = x86_cpu_step(cpu);
    if (excp == X86_EXCP_NONE) {
        assert_int_equal(env->rip, CODE_ADDR + len);
    }
    for (int r = 0; r < 8; r++) {
        st->regs[r] = env->regs[r];
    }
    st->flags = x86_get_eflags(env);
    x86_fxsave_image(env, st->fx, true);
    memcpy(st->mem, ram.ram_ptr + MEM_ADDR, sizeof(st->mem));
    return excp;
}

/* Bytes of mem the comparison skips (set by a test: host addresses in saved images). */
static void (*mem_fixup)(uint8_t *mem);

static void dump_diff(const char *what, const uint8_t *a, const uint8_t *b, int n)
{
    for (int i = 0; i < n; i++) {
        if (a[i] != b[i]) {
            print_error("  %s byte %d: host %02x emulated %02x\n", what, i, a[i], b[i]);
        }
    }
}

/* Compare host and interpreter on one input; flags_mask: the RFLAGS bits defined. */
static void check_one(const char *hex, int i, const FpState *in, uint64_t flags_mask)
{
    uint8_t insn[16];
    size_t len = parse_hex(hex, insn);
    FpState nat = *in, emu = *in;
    bool bad = false;

    run_native(insn, len, &nat);
    assert_int_equal(run_emulated(insn, len, &emu), X86_EXCP_NONE);
    /* FOP, FIP, FDP (bytes 6..23) hold addresses; bytes 464.. are not the processor's. */
    memset(nat.fx + 6, 0, 18);
    memset(emu.fx + 6, 0, 18);
    memset(nat.fx + 28, 0, 4); /* MXCSR_MASK: the host's (AMD adds bit 17) */
    memset(emu.fx + 28, 0, 4);
    if (mem_fixup) {
        mem_fixup(nat.mem);
        mem_fixup(emu.mem);
    }
    bad |= memcmp(nat.fx, emu.fx, 464) != 0;
    bad |= memcmp(nat.mem, emu.mem, sizeof(nat.mem)) != 0;
    bad |= (nat.flags & flags_mask) != (emu.flags & flags_mask);
    for (int r = 0; r < 8; r++) {
        bad |= r != R_ESP && r != R_ESI && nat.regs[r] != emu.regs[r];
    }
    if (bad) {
        dump_diff("fx", nat.fx, emu.fx, 464);
        dump_diff("mem", nat.mem, emu.mem, sizeof(nat.mem));
        for (int r = 0; r < 8; r++) {
            if (r != R_ESP && r != R_ESI && nat.regs[r] != emu.regs[r]) {
                print_error("  reg %d: host %016llx emulated %016llx\n", r,
                            (unsigned long long)nat.regs[r], (unsigned long long)emu.regs[r]);
            }
        }
        print_error("  input fcw %02x%02x fsw %02x%02x tag %02x\n", in->fx[1], in->fx[0],
                    in->fx[3], in->fx[2], in->fx[4]);
        fail_msg("%s input %d: host and interpreter differ (flags %llx / %llx)", hex, i,
                 (unsigned long long)nat.flags, (unsigned long long)emu.flags);
    }
}

static int harness_setup(void **state)
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
