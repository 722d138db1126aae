/*
 * Locked instructions are atomic across vCPUs (target/i386/exec.c's comment on locked
 * accesses): two host threads, each stepping its own hart through the same loop in shared
 * RAM, as two vCPU threads do (they take no lock for RAM). The loop increments counters with
 * lock cmpxchg16b, lock cmpxchg8b, lock xadd, lock inc, lock add, and two spinlocks (xchg,
 * lock bts/btr with a register bit offset) around plain increments; a lost update shows in
 * the totals. Also: cmpxchg16b's #GP on a misaligned linear address (an fs base counts);
 * and split locks (across a page, across a cache line) on real vCPU threads (the run loop,
 * the JIT, the exclusive section they run in).
 */
#include <pthread.h>
#include <stdint.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "system/cpus.h"
#include "system/memory.h"
#include "system/runstate.h"
#include "target/i386/cpu.h"
#include "util/main-loop.h"
#include "x86-hex.h"

#define RAM_SIZE (4 * MiB)
#define CODE_ADDR 0x1000
#define DATA_ADDR 0x2000
#define ITERATIONS 200000

/*
 * rdi: DATA_ADDR, rsi: iterations, r8: the hart's own bit of word 7, r9: its error counter
 * (word 10 + hart), r13: its token. Data (8-byte words): 0-1 cmpxchg16b pair, 2 cmpxchg8b pair
 * (two dwords), 3 xadd, 4 inc, 5 add 3, 6 the token the harts swap with xchg (the three
 * tokens 1, 2, 4 stay one each: none duplicated or lost); 7: each hart sets then clears its
 * bit (lock bts/btr, register bit offset) and counts a bit found set before its bts or clear
 * before its btr, which only a lost update by the other hart can cause. Every access to
 * shared data is locked (a cmpxchg that fails loads the current value), so ThreadSanitizer
 * sees no guest-level race.
 */
static const char loop_hex[] =
    "48 8d 58 01 48 8d 4a 01"          /* loop: lea 1(%rax),%rbx; lea 1(%rdx),%rcx */
    "f0 48 0f c7 0f 75 f1"             /* lock cmpxchg16b (%rdi); jne loop */
    "8d 58 01 8d 4a 01"                /* 2: lea 1(%rax),%ebx; lea 1(%rdx),%ecx */
    "f0 0f c7 4f 10 75 f3"             /* lock cmpxchg8b 16(%rdi); jne 2b */
    "b8 01 00 00 00"                   /* mov $1,%eax */
    "f0 48 0f c1 47 18"                /* lock xadd %rax,24(%rdi) */
    "f0 48 ff 47 20"                   /* lock incq 32(%rdi) */
    "f0 83 47 28 03"                   /* lock addl $3,40(%rdi) */
    "4c 87 6f 30"                      /* xchg %r13,48(%rdi) */
    "f0 4c 0f ab 47 38 73 03 49 ff 01" /* lock bts %r8,56(%rdi); jnc 5f; incq (%r9) */
    "f0 4c 0f b3 47 38 72 03 49 ff 01" /* 5: lock btr %r8,56(%rdi); jc 6f; incq (%r9) */
    "48 ff ce 75 b0"                   /* 6: dec %rsi; jnz loop */
    "f4";                              /* hlt */

static MemoryRegion ram;
static X86CPU *harts[2];

static void set_mode64(CPUX86State *env)
{
    env->cr[0] |= CR0_PE;
    env->efer |= EFER_LME | EFER_LMA;
    env->segs[R_CS].flags = DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | DESC_L_MASK;
    env->segs[R_CS].base = 0;
}

static void start_hart(X86CPU *cpu, int id, uint64_t rip)
{
    CPUX86State *env = &cpu->env;

    x86_cpu_reset(cpu);
    set_mode64(env);
    env->regs[R_EDI] = DATA_ADDR;
    env->regs[R_ESI] = ITERATIONS;
    env->regs[8] = id;
    env->regs[9] = DATA_ADDR + 8 * (10 + id);
    env->regs[13] = 2 << id;
    env->rip = rip;
}

static pthread_barrier_t start_together;

/* Step a hart to its hlt; returns NULL, or (1000 + the first exception it raised). */
static void *run_hart(void *opaque)
{
    X86CPU *cpu = opaque;

    pthread_barrier_wait(&start_together);
    while (ram.ram_ptr[cpu->env.rip] != 0xf4) {
        int excp = x86_cpu_step(cpu);
        if ((excp != X86_EXCP_NONE && excp != X86_EXCP_RETRY)) {
            return (void *)(uintptr_t)(excp + 1000);
        }
    }
    return NULL;
}

static uint64_t word(int i)
{
    uint64_t v;

    memcpy(&v, ram.ram_ptr + DATA_ADDR + 8 * i, 8);
    return v;
}

static void test_locked_counters_across_threads(void **state)
{
    uint8_t code[256];
    size_t len = parse_hex(loop_hex, code);
    pthread_t th[2];
    void *res[2];
    const uint64_t n = 2ULL * ITERATIONS;

    memcpy(ram.ram_ptr + CODE_ADDR, code, len);
    memset(ram.ram_ptr + DATA_ADDR, 0, 128);
    ram.ram_ptr[DATA_ADDR + 48] = 1;
    pthread_barrier_init(&start_together, NULL, 2);
    for (int i = 0; i < 2; i++) {
        start_hart(harts[i], i, CODE_ADDR);
        assert_int_equal(pthread_create(&th[i], NULL, run_hart, harts[i]), 0);
    }
    for (int i = 0; i < 2; i++) {
        assert_int_equal(pthread_join(th[i], &res[i]), 0);
        assert_null(res[i]);
    }
    pthread_barrier_destroy(&start_together);
    assert_int_equal(word(0), n);           /* cmpxchg16b, low */
    assert_int_equal(word(1), n);           /* cmpxchg16b, high */
    assert_int_equal(word(2), n | n << 32); /* cmpxchg8b, both dwords */
    assert_int_equal(word(3), n);           /* xadd */
    assert_int_equal(word(4), n);           /* inc */
    assert_int_equal(word(5), 3 * n);       /* add */
    assert_int_equal(word(6) + harts[0]->env.regs[13] + harts[1]->env.regs[13], 7);
    assert_int_equal(word(6) | harts[0]->env.regs[13] | harts[1]->env.regs[13], 7);
    assert_int_equal(word(7), 0);  /* both bits cleared */
    assert_int_equal(word(10), 0); /* bts/btr saw no lost update */
    assert_int_equal(word(11), 0);
}

/* lock cmpxchg16b %fs:(%rdi) with an fs base of 8: #GP(0), memory untouched. */
static void test_cmpxchg16b_misaligned_linear(void **state)
{
    static const uint8_t insn[] = {0x64, 0xf0, 0x48, 0x0f, 0xc7, 0x0f};
    X86CPU *cpu = harts[0];

    memcpy(ram.ram_ptr + CODE_ADDR, insn, sizeof(insn));
    memset(ram.ram_ptr + DATA_ADDR, 0, 32);
    start_hart(cpu, 0, CODE_ADDR);
    cpu->env.segs[R_FS].base = 8;
    cpu->env.regs[R_EBX] = cpu->env.regs[R_ECX] = ~0ULL;
    assert_int_equal(x86_cpu_step(cpu), EXCP0D_GPF);
    assert_int_equal(word(1) | word(2), 0);
    /* aligned through the base: equal (0 == 0), so written */
    start_hart(cpu, 0, CODE_ADDR);
    cpu->env.segs[R_FS].base = 16;
    cpu->env.regs[R_EAX] = cpu->env.regs[R_EDX] = 0;
    cpu->env.regs[R_EBX] = 5;
    cpu->env.regs[R_ECX] = 6;
    assert_int_equal(x86_cpu_step(cpu), X86_EXCP_NONE);
    assert_int_equal(word(2), 5);
    assert_int_equal(word(3), 6);
}

/*
 * r8: a qword across a page, r9: one across a cache line, r10: an aligned one (xadd), r12: a
 * cmpxchg8b pair across a cache line (a failed compare loads it), r11: the harts that
 * finished; rsi: iterations.
 */
static const char split_hex[] = "f0 49 ff 00"          /* 1: lock incq (%r8) */
                                "f0 49 ff 01"          /* lock incq (%r9) */
                                "b8 01 00 00 00"       /* mov $1,%eax */
                                "f0 49 0f c1 02"       /* lock xadd %rax,(%r10) */
                                "8d 58 01 8d 4a 01"    /* 2: lea 1(%rax),%ebx; lea 1(%rdx),%ecx */
                                "f0 41 0f c7 0c 24"    /* lock cmpxchg8b (%r12) */
                                "75 f2 48 ff ce 75 db" /* jne 2b; dec %rsi; jnz 1b */
                                "f0 49 ff 03"          /* lock incq (%r11) */
                                "f4 eb fd";            /* 3: hlt; jmp 3b */

#define SPLIT_PAGE 0x3ffc /* across the page at 0x4000 */
#define SPLIT_LINE 0x503c /* across the line at 0x5040 */
#define SPLIT_PAIR 0x507c /* across the line at 0x5080 */
#define SPLIT_XADD 0x5100
#define SPLIT_DONE 0x5108
#define SPLIT_ITERATIONS 20000

static uint64_t ram_q(hwaddr a)
{
    uint64_t v;

    memcpy(&v, ram.ram_ptr + a, 8);
    return v;
}

static void test_split_locks_on_vcpu_threads(void **state)
{
    uint8_t code[64];
    size_t len = parse_hex(split_hex, code);
    X86CPU *vcpu[2];
    const uint64_t n = 2 * SPLIT_ITERATIONS;

    memcpy(ram.ram_ptr + 0x6000, code, len);
    memset(ram.ram_ptr + 0x3000, 0, 0x3000);
    for (int i = 0; i < 2; i++) {
        DeviceState *dev = qdev_new(X86_CPU_TYPE_NAME("qemu64"));
        assert_true(qdev_realize(dev, &error_abort));
        vcpu[i] = X86_CPU(dev);
        vcpu[i]->as = address_space_memory();
        x86_cpu_reset(vcpu[i]);
        vcpu[i]->wait_sipi = false;
        set_mode64(&vcpu[i]->env);
        vcpu[i]->env.rip = 0x6000;
        vcpu[i]->env.regs[R_ESI] = SPLIT_ITERATIONS;
        vcpu[i]->env.regs[8] = SPLIT_PAGE;
        vcpu[i]->env.regs[9] = SPLIT_LINE;
        vcpu[i]->env.regs[10] = SPLIT_XADD;
        vcpu[i]->env.regs[11] = SPLIT_DONE;
        vcpu[i]->env.regs[12] = SPLIT_PAIR;
    }
    for (int i = 0; i < 2; i++) {
        assert_true(cpus_start_vcpu(CPU(vcpu[i]), &error_abort));
    }
    while (__atomic_load_n((uint64_t *)(ram.ram_ptr + SPLIT_DONE), __ATOMIC_ACQUIRE) < 2) {
        usleep(1000);
    }
    assert_int_equal(ram_q(SPLIT_PAGE), n);
    assert_int_equal(ram_q(SPLIT_LINE), n);
    assert_int_equal(ram_q(SPLIT_XADD), n);
    assert_int_equal(ram_q(SPLIT_PAIR), n | n << 32);
}

static int setup(void **state)
{
    assert_true(memory_region_init_ram(&ram, "test.ram", RAM_SIZE, NULL));
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    for (int i = 0; i < 2; i++) {
        harts[i] = X86_CPU(object_new(X86_CPU_TYPE_NAME("qemu64")));
        harts[i]->as = address_space_memory();
    }
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_locked_counters_across_threads),
        cmocka_unit_test(test_cmpxchg16b_misaligned_linear),
        cmocka_unit_test(test_split_locks_on_vcpu_threads),
    };
    int ret;

    if (!main_loop_init(NULL)) {
        return 1;
    }
    bql_lock();
    runstate_set(RUN_STATE_RUNNING);
    ret = cmocka_run_group_tests(tests, setup, NULL);
    cpus_shutdown();
    return ret;
}
