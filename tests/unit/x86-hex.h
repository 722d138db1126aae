/*
 * Instruction bytes written as hex in the x86 tests ("0f a3 d8"), for both host-comparison
 * harnesses (x86-insn-harness.h, x86-fp-harness.h).
 */
#ifndef TESTS_UNIT_X86_HEX_H
#define TESTS_UNIT_X86_HEX_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* "0f a3 d8" -> bytes; returns the count. */
static inline size_t parse_hex(const char *hex, uint8_t *insn)
{
    size_t len = 0;

    for (const char *p = hex; *p; p++) {
        if (*p != ' ') {
            unsigned v;
            sscanf(p, "%2x", &v);
            insn[len++] = v;
            p++;
        }
    }
    return len;
}

#endif
