/*
 * The JIT's code arena is made by the first compile, not by jit_init (accel/tcg/jit.c,
 * issue 7): a run that compiles nothing maps no memfd. The late path: the first compile maps
 * both views, emits the stubs and places the block's code after them, in the executable view.
 * The write view keeps its pages only near where code is written (each code page would count
 * twice in RSS otherwise); the code stays in the executable view.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "accel/tcg/jit.h"
#include "accel/tcg/tcg-cpu-ops.h"
#include "hw/core/cpu.h"

/* A translator that compiles every block to one ret (never run here). */
static bool ret_translate(X86Buf *b, TranslationBlock *tb, int *n_done)
{
    x86_ret(b);
    *n_done = tb->n_insns;
    return true;
}

static const TCGCPUOps test_ops = {.jit_translate = ret_translate};

/* Blocks of 16 KiB: 0x90 (nop) bytes numbered by the block's low pc byte, then a ret. */
#define BIG_BLOCK (16 * 1024)

static bool big_translate(X86Buf *b, TranslationBlock *tb, int *n_done)
{
    for (int i = 0; i < BIG_BLOCK - 2; i++) {
        x86_byte(b, 0x90);
    }
    x86_byte(b, (uint8_t)tb->pc);
    x86_ret(b);
    *n_done = tb->n_insns;
    return true;
}

static const TCGCPUOps big_ops = {.jit_translate = big_translate};

/* Resident KiB of the JIT memfd's mapping with permissions perms ("rw-s", "r-xs"). */
static long jit_view_rss_kib(const char *perms)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    char line[512];
    bool in_view = false;
    long kib = -1;

    assert_non_null(f);
    while (fgets(line, sizeof(line), f)) {
        if (strchr(line, '-') && strstr(line, " ") && strstr(line, "kestrel-jit")) {
            in_view = strstr(line, perms) != NULL;
        } else if (in_view && sscanf(line, "Rss: %ld kB", &kib) == 1) {
            in_view = false;
            break;
        }
    }
    fclose(f);
    return kib;
}

/* Mappings of the process whose /proc/self/maps line names the JIT's memfd. */
static int jit_mappings(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    int n = 0;

    assert_non_null(f);
    while (fgets(line, sizeof(line), f)) {
        n += strstr(line, "kestrel-jit") != NULL;
    }
    fclose(f);
    return n;
}

static void test_arena_made_by_first_compile(void **state)
{
    CPUState cpu = {.tcg_ops = &test_ops};
    TranslationBlock *tb = calloc(1, tb_alloc_size(1, 4));
    size_t used, size;

    tb->n_insns = 1;
    jit_init(&cpu);
    assert_true(tcg_jit_enabled);
    assert_int_equal(jit_mappings(), 0);
    jit_arena_usage(&used, &size);
    assert_int_equal(used, 0);
    assert_true(size > 0); /* the engine is the JIT all the same ("info jit") */

    assert_true(jit_compile(&cpu, tb));
    assert_int_equal(jit_mappings(), 2); /* the read-write and the read-execute view */
    assert_non_null(tb->jit_code);
    jit_arena_usage(&used, &size);
    assert_true(used > 0 && used <= size);
    /* The block's code sits after the stubs, in the executable view: a ret. */
    assert_int_equal(*(const uint8_t *)tb->jit_code, 0xc3);

    TranslationBlock *tb2 = calloc(1, tb_alloc_size(1, 4));
    tb2->n_insns = 1;
    assert_true(jit_compile(&cpu, tb2));
    assert_int_equal(jit_mappings(), 2); /* mapped once */
    assert_true((uint8_t *)tb2->jit_code > (uint8_t *)tb->jit_code);
    free(tb);
    free(tb2);
}

static void test_write_view_trimmed(void **state)
{
    CPUState cpu = {.tcg_ops = &big_ops};
    enum { N = 24 * 1024 * 1024 / BIG_BLOCK }; /* 24 MiB of code */
    TranslationBlock *tbs[N];

    jit_init(&cpu);
    for (int i = 0; i < N; i++) {
        tbs[i] = calloc(1, tb_alloc_size(1, 4));
        tbs[i]->n_insns = 1;
        tbs[i]->pc = i;
        assert_true(jit_compile(&cpu, tbs[i]));
    }
    /* All of the code is mapped for execution; the write view holds about the last two
     * 4 MiB windows and what is prefaulted ahead (at most 256 KiB). */
    long exec_kib = jit_view_rss_kib("r-xs"), write_kib = jit_view_rss_kib("rw-s");
    assert_true(exec_kib >= 24 * 1024);
    assert_true(write_kib >= 0 && write_kib <= 9 * 1024);
    for (int i = 0; i < N; i++) {
        const uint8_t *code = tbs[i]->jit_code;
        assert_int_equal(code[0], 0x90);
        assert_int_equal(code[BIG_BLOCK - 2], (uint8_t)i);
        free(tbs[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena_made_by_first_compile),
        cmocka_unit_test(test_write_view_trimmed),
    };
    unsetenv("KESTREL_JIT");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
