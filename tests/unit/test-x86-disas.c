/*
 * The monitor's x86 x/i lines (disas/x86.c through libcapstone): QEMU 7.2's layout, the
 * bytes decoded in the mode asked for, an instruction cut short by the end of what could be
 * read, and bytes that are no instruction.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "disas/x86.h"

static char line[160];

/* mov %esp,%ebp's bytes mean a different instruction in each mode. */
static void test_modes(void **state)
{
    static const uint8_t rex_mov[] = {0x48, 0x89, 0xe5, 0x90};

    assert_int_equal(
        x86_disas_line(0xffffffff81000000ULL, rex_mov, sizeof(rex_mov), 64, line, sizeof(line)), 3);
    assert_string_equal(line, "0xffffffff81000000:  48 89 e5                 movq     %rsp, %rbp");
    assert_int_equal(x86_disas_line(0x100000, rex_mov + 1, 3, 32, line, sizeof(line)), 2);
    assert_string_equal(line, "0x00100000:  89 e5                    movl     %esp, %ebp");
    assert_int_equal(x86_disas_line(0x7c00, rex_mov + 1, 3, 16, line, sizeof(line)), 2);
    assert_string_equal(line, "0x00007c00:  89 e5                    movw     %sp, %bp");
    /* In 32-bit code 0x48 is dec %eax, one byte. */
    assert_int_equal(x86_disas_line(0x1000, rex_mov, sizeof(rex_mov), 32, line, sizeof(line)), 1);
    assert_string_equal(line, "0x00001000:  48                       decl     %eax");
}

/* QEMU's reset-vector line, taken from its monitor: far jump with a 16-bit segment. */
static void test_reset_vector_as_qemu(void **state)
{
    static const uint8_t ljmp[] = {0xea, 0x5b, 0xe0, 0x00, 0xf0, 0x30, 0x36};

    assert_int_equal(x86_disas_line(0xfffffff0, ljmp, sizeof(ljmp), 16, line, sizeof(line)), 5);
    assert_string_equal(line, "0xfffffff0:  ea 5b e0 00 f0           ljmpw    $0xf000:$0xe05b");
}

/* A call rel32 of which only 3 bytes could be read: 0, so the monitor says it cannot read. */
static void test_cut_short(void **state)
{
    static const uint8_t call[] = {0xe8, 0x00, 0x10};

    assert_int_equal(x86_disas_line(0x1000, call, sizeof(call), 64, line, sizeof(line)), 0);
}

/* 16 readable bytes that decode to nothing: one .byte, so the listing goes on. */
static void test_no_instruction(void **state)
{
    uint8_t bad[16] = {0x0f, 0xff};

    for (int i = 2; i < 16; i++) {
        bad[i] = 0x90;
    }
    bad[1] = 0x0b; /* ud2 is an instruction; 0f 0b then 0f 04 is not */
    assert_int_equal(x86_disas_line(0x1000, bad, 16, 64, line, sizeof(line)), 2);
    bad[0] = 0x0f;
    bad[1] = 0x04;
    assert_int_equal(x86_disas_line(0x1000, bad, 16, 64, line, sizeof(line)), 1);
    assert_string_equal(line, "0x00001000:  0f                       .byte    0x0f");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_modes),
        cmocka_unit_test(test_reset_vector_as_qemu),
        cmocka_unit_test(test_cut_short),
        cmocka_unit_test(test_no_instruction),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
