/*
 * What the files of the RISC-V differential test (tests/difftest) share: the memory map, the
 * architectural state compared, the harness (test-difftest.c) and the test cases each file
 * defines (test-difftest.c's main lists them, in order).
 */
#ifndef TESTS_DIFFTEST_DIFFTEST_H
#define TESTS_DIFFTEST_DIFFTEST_H

#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <cmocka.h>

#include "accel/tcg/jit.h"
#include "accel/tcg/tb.h"
#include "accel/tcg/tcg.h"
#include "gen.h"
#include "system/memory.h"
#include "target/riscv/cpu.h"
#include "target/riscv/decode.h"
#include "target/riscv/fpu.h"
#include "target/riscv/jit.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE (64 * KiB)
#define RAM_END (RAM_BASE + RAM_SIZE)
#define HANDLER (RAM_BASE + 0x4000)
#define WINDOW_SIZE (8 * KiB)
#define WINDOW (RAM_END - WINDOW_SIZE)
#define CODE_MAX 0x4000
#define STREAMS 250
#define STREAM_LEN 160

/* The Sv39 table of paged streams: three pages of RAM, unmapped themselves. */
#define PT_ROOT (RAM_BASE + 0x8000)
#define PT_L1 (PT_ROOT + 0x1000)
#define PT_L0 (PT_ROOT + 0x2000)

typedef struct ArchState {
    uint64_t x[32], f[32];
    uint64_t satp; /* 0: data accesses are physical */
    uint64_t pc, instret, mstatus, mcause, mtval, mepc, mscratch;
    uint32_t fflags, frm;
    uint64_t vstart, vl, vtype; /* and the vector registers: test_vector_in_block */
    uint8_t vreg[32 * RISCV_VLENB_MAX];
    uint8_t ram[RAM_SIZE]; /* zeros but the random window; load_state adds code and handler */
} ArchState;

typedef struct Harness {
    MemoryRegion ram;
    RISCVCPU *cpu;
    uint8_t code[CODE_MAX];
    unsigned code_size;
    ArchState init, interp, jit;
    bool paged; /* the next streams translate data accesses (make_paged) */
} Harness;

extern Harness h;

#define ADDI(rd, rs1, imm) (0x00000013u | (uint32_t)(imm) << 20 | (rs1) << 15 | (rd) << 7)
#define WFI 0x10500073u
/* The block of a directed loop's body (loop_mask): the code's second instruction. */
#define LOOP (RAM_BASE + 4)

/* The harness (test-difftest.c). */
void make_init(GenRng *r, ArchState *s);
void put_pte(ArchState *s, uint64_t table, unsigned idx, uint64_t pte);
void make_paged(GenRng *r, ArchState *s);
bool run(bool jit, ArchState *out);
void print_stream(void);
int report_diff(const ArchState *a, const ArchState *b);
bool check_seed(uint64_t seed, unsigned groups);
/* n instructions of code into h.code; with a fixed random state from seed into h.init. */
void load_code(const uint32_t *code, size_t n);
void load_directed(const uint32_t *code, size_t n, uint64_t seed);
/* Run the loaded code from h.init on one engine; fail (naming what) if it loops. */
void run_to_wfi(bool jit, const char *what);
/* The last runs' states must agree; else print both and the stream, and fail. */
void compare_engines(const char *what);
/* Both engines from h.init: each reaches its WFI and they agree. */
void run_engines(const char *what);
/* load_code, then run_engines. */
void run_both(const uint32_t *code, size_t n);
void run_vector_loop(const uint32_t *code, size_t n, const ArchState *init);
bool loop_mask(uint32_t *regs, uint32_t *dirty);

/* The cases: random streams (streams.c), FP (fp.c), V (vector.c), JIT rules (jit-rules.c). */
void test_integer(void **state);
void test_m(void **state);
void test_bitmanip(void **state);
void test_memory(void **state);
void test_atomics(void **state);
void test_fp(void **state);
void test_compressed(void **state);
void test_csr(void **state);
void test_branches(void **state);
void test_rva23(void **state);
void test_fp_half_zfa(void **state);
void test_everything(void **state);
void test_paged(void **state);
void test_handler_overwritten(void **state);
void test_fs_per_block(void **state);
void test_code_arena_wx(void **state);
void test_sse_fp(void **state);
void test_sse_dyn_frm(void **state);
void test_fp_guard_once(void **state);
void test_vector_in_block(void **state);
void test_vector_inline(void **state);
void test_vector_loop_regs(void **state);
void test_fp_loop_regs(void **state);
void test_load_addend_guess(void **state);
void test_load_range(void **state);
void test_load_range_shared_slot(void **state);
void test_load_range_superpage(void **state);
void test_load_range_flush_block(void **state);
void test_load_into_rd(void **state);
void test_div_inline(void **state);
void test_loop_load_fault(void **state);
void test_load_range_dropped(void **state);
void test_mem_runs(void **state);
void test_return_prediction(void **state);
void test_return_prediction_context(void **state);
void test_cross_page_chain(void **state);
void test_store_range_smc(void **state);
void test_store_range_flag(void **state);
void test_load_thrash(void **state);
void test_sext32_known(void **state);
void test_mv_mul(void **state);
void test_slli_pairs(void **state);
void test_low32_results(void **state);
void test_rotated_loop(void **state);
void test_loop_exit_request(void **state);
void test_loop_unlinked(void **state);
void test_compile_when_hot(void **state);
void test_long(void **state);
int compile_at_once(void **state);

#endif
