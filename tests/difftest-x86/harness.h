/*
 * What the files of the x86 differential test (tests/difftest-x86) share: the memory map of
 * the hart, the architectural state compared, the harness (harness.c) and the directed cases
 * each directed-*.c file defines (test-difftest-x86.c's main lists them, in order).
 *
 * The hart: CPL 0, 4-level paging mapping the layout of gen.h at XG_BASE onto RAM at
 * physical 0 (the page tables themselves unmapped), CR0.WP set (the read-only window page
 * faults), an IDT whose 32 vectors go to a hlt each at XG_BASE + 16 * vector, so the final
 * rip names the vector, and the error code is in the frame on the stack.
 */
#ifndef TESTS_DIFFTEST_X86_HARNESS_H
#define TESTS_DIFFTEST_X86_HARNESS_H

#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "accel/tcg/jit.h"
#include "accel/tcg/tb.h"
#include "accel/tcg/tcg.h"
#include "gen.h"
#include "system/memory.h"
#include "target/i386/cpu.h"

#define RAM_SIZE 0x40000
#define PA(va) ((va)-XG_BASE) /* the mapped pages: physical = linear - XG_BASE */
#define GDT_VA (XG_BASE + 0x1000)
#define IDT_VA (XG_BASE + 0x2000)
#define PML4 0x38000 /* then PDPT, PD, PT in the next pages */
#define N_VECTORS 32
#define STREAMS 150
#define UNITS 40

enum { PG_P = 1, PG_RW = 2 };

typedef struct ArchState {
    uint64_t regs[16];
    uint64_t rip, flags, cr2, instret;
    bool triple_fault;
    bool ended; /* run reached a hlt: XG_END or a vector's handler */
    uint8_t ram[RAM_SIZE];
} ArchState;

typedef struct Harness {
    MemoryRegion ram;
    MemoryRegion io; /* an empty I/O space: a stream that rewrote itself may run in/out */
    AddressSpace io_as;
    X86CPU *cpu;
    XGenStream s;
    ArchState init, interp, jit;
    bool host_ok;               /* host_init mapped the pages */
    bool jit_missing;           /* the last JIT run's first block has no host code */
    int jitted;                 /* JIT runs whose first block is there, with host code */
    int host_runs, host_faults; /* streams the host ran, and those at an exception */
} Harness;

extern Harness h;

/*
 * Where an engine's stream stopped, as the host sees it: at XG_END, or at the exception, from
 * the frame the hart pushed on the stream's stack (error code, rip, cs, rflags, rsp), whose
 * bytes [frame, frame_end) are the hart's and not the stream's.
 */
typedef struct StopState {
    int vector; /* -1: XG_END */
    uint64_t regs[16], flags, rip, err;
    uint64_t frame, frame_end;
} StopState;

/* What check_stream found. */
enum { OK, ENGINES_DIFFER, HOST_DIFFERS, LOOPS, NOT_JITTED };

/* The harness (harness.c). */
void put64(uint8_t *ram, uint64_t pa, uint64_t v);
void make_init(XGenRng *r, ArchState *s);
void load_state(const ArchState *s);
/* Run the hart as loaded to a hlt into out; false (out->ended too) if it loops or triple-faults. */
bool run_to_hlt(ArchState *out);
bool run(bool jit, ArchState *out);
int vector_of(const ArchState *s);
/* Where s stopped; false if the frame is not on the stream's stack (the delivery faulted). */
bool stop_state(const ArchState *s, StopState *st);
int check_stream(bool host, bool quiet);
bool check_seed(uint64_t seed, unsigned groups);
void load_directed(const uint8_t *code, unsigned len);
/*
 * The stream loaded (load_directed) from h.init must end on both engines (within the loop
 * limit: a miscompile that loops fails, it does not hang) and agree, with the host too if
 * host; a failure names the test.
 */
void check_directed_in(const char *test, bool host);
#define check_directed(host) check_directed_in(__func__, host)
/* Load code and check it (check_directed, with the host); it must end at vector (-1: XG_END). */
void run_directed_in(const char *test, const uint8_t *code, unsigned len, int vector);
#define run_directed(code, len, vector) run_directed_in(__func__, code, len, vector)
int group_setup(void **state);

/*
 * The directed cases: registers (directed-regs.c), flags (directed-flags.c), faults
 * (directed-faults.c), pages (directed-pages.c).
 */
void test_xadd_register_in_address(void **state);
void test_c7_reg_field_is_invalid(void **state);
void test_dead_flags_alu_on_cached_registers(void **state);
void test_dead_flags_imul(void **state);
void test_dead_flags_through_rotates_and_bt(void **state);
void test_seen_flags_of_rotates_and_bt(void **state);
void test_host_flags_kept_through_moves(void **state);
void test_host_flags_after_alu_with_memory(void **state);
void test_record_op_stored_when_it_changes(void **state);
void test_lea_mov_into_cached_copies(void **state);
void test_taken_jcc_loop_and_copies(void **state);
void test_rmw_store_fault_changes_nothing(void **state);
void test_x87_store_faults_on_its_first_page(void **state);
void test_fxsave_faults_before_writing(void **state);
void test_fxsave_faults_as_a_store(void **state);
void test_lock_prefix_needs_a_lockable_form(void **state);
void test_cross_page_insn_sees_next_page_stores(void **state);
void test_cross_page_insn_sees_a_remap(void **state);
void test_load_range_sees_a_remap(void **state);

#endif
