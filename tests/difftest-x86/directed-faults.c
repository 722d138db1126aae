/*
 * Directed x86 differential cases on faults (harness.h): stores that fault part-way (the
 * read-only and the unmapped window pages) and the lock prefix's #UD. The engines and the
 * host must agree on each, the exception's frame and cr2 included.
 */
#include "harness.h"

/*
 * Read-modify-writes whose store faults (the read-only window page, a crossing into it, into
 * the unmapped one), from all six arithmetic flags set: the #PF (a write, W set) leaves the
 * flags, the registers and memory as they were, on both engines and the host.
 */
void test_rmw_store_fault_changes_nothing(void **state)
{
    static const struct {
        uint8_t len, code[15];
    } rmw[] = {
        {7, {0x01, 0x04, 0x25, 0x00, 0x20, 0x23, 0x00}},                    /* add [ro], eax */
        {9, {0xf0, 0x48, 0x01, 0x1c, 0x25, 0x00, 0x20, 0x23, 0x00}},        /* lock add */
        {10, {0x66, 0x81, 0x14, 0x25, 0x02, 0x20, 0x23, 0x00, 0x34, 0x12}}, /* adc word, imm */
        {7, {0xfe, 0x04, 0x25, 0x03, 0x20, 0x23, 0x00}},                    /* inc byte */
        {7, {0xf7, 0x1c, 0x25, 0x04, 0x20, 0x23, 0x00}},                    /* neg dword */
        {8, {0x48, 0xf7, 0x14, 0x25, 0x00, 0x20, 0x23, 0x00}},              /* not qword */
        {8, {0x66, 0xd3, 0x24, 0x25, 0x06, 0x20, 0x23, 0x00}},              /* shl word, cl */
        {9, {0x48, 0xc1, 0x04, 0x25, 0x00, 0x20, 0x23, 0x00, 0x07}},        /* rol qword, 7 */
        {7, {0xd1, 0x1c, 0x25, 0x00, 0x20, 0x23, 0x00}},                    /* rcr dword, 1 */
        {9, {0x0f, 0xa4, 0x14, 0x25, 0x00, 0x20, 0x23, 0x00, 0x03}},        /* shld [ro], edx, 3 */
        {10, {0x48, 0x0f, 0xba, 0x2c, 0x25, 0x00, 0x20, 0x23, 0x00, 0x09}}, /* bts qword, 9 */
        {14,
         {0xb9, 0x03, 0x80, 0x00, 0x00, /* mov ecx, 0x8003; btc [rw page 1], rcx: [ro] */
          0x48, 0x0f, 0xbb, 0x0c, 0x25, 0x00, 0x10, 0x23, 0x00}},
        {9, {0x48, 0x0f, 0xc1, 0x34, 0x25, 0x00, 0x20, 0x23, 0x00}}, /* xadd [ro], rsi */
        {9, {0x48, 0x0f, 0xb1, 0x3c, 0x25, 0x00, 0x20, 0x23, 0x00}}, /* cmpxchg [ro], rdi */
        {8, {0x4c, 0x87, 0x04, 0x25, 0x00, 0x20, 0x23, 0x00}},       /* xchg [ro], r8 */
        {7, {0x01, 0x1c, 0x25, 0xfe, 0x1f, 0x23, 0x00}},             /* add [rw|ro], ebx */
        {8, {0xf0, 0x29, 0x1c, 0x25, 0xfd, 0x1f, 0x23, 0x00}},       /* lock sub [rw|ro] */
        {7, {0x19, 0x1c, 0x25, 0xfe, 0x2f, 0x23, 0x00}},             /* sbb [ro|none], ebx */
        {7, {0xf7, 0x1c, 0x25, 0x00, 0x30, 0x23, 0x00}},             /* neg [none] */
        {8, {0x48, 0xff, 0x04, 0x25, 0xfc, 0x2f, 0x23, 0x00}},       /* inc qword [ro|none] */
        {8, {0x0f, 0xc7, 0x0c, 0x25, 0x00, 0x20, 0x23, 0x00}},       /* cmpxchg8b [ro] */
        {8, {0x0f, 0xc7, 0x0c, 0x25, 0xfc, 0x1f, 0x23, 0x00}},       /* cmpxchg8b [rw|ro] */
    };
    static const uint8_t all_flags[] = {0x68, 0xd7, 0x08, 0x00, 0x00, 0x9d}; /* push; popfq */

    for (size_t i = 0; i < ARRAY_SIZE(rmw); i++) {
        uint8_t code[32];
        StopState st;

        memcpy(code, all_flags, sizeof(all_flags));
        memcpy(code + sizeof(all_flags), rmw[i].code, rmw[i].len);
        run_directed(code, sizeof(all_flags) + rmw[i].len, 14);
        assert_true(stop_state(&h.jit, &st));
        assert_int_equal(st.flags, CC_ARITH);
        assert_int_equal(st.rip, XG_CODE + sizeof(all_flags) + (rmw[i].len == 14 ? 5 : 0));
        assert_true(st.err & 2); /* a write */
        for (int r = 0; r < 16; r++) {
            assert_int_equal(st.regs[r], r == R_ECX && rmw[i].len == 14 ? 0x8003 : h.init.regs[r]);
        }
        assert_memory_equal(h.jit.ram + PA(XG_WINDOW), h.init.ram + PA(XG_WINDOW), XG_WINDOW_SIZE);
    }
}

/*
 * fstp m80 from the read-only page into the unmapped one: the host faults the first page
 * (cr2 the operand's address, P and W), before any byte is written.
 */
void test_x87_store_faults_on_its_first_page(void **state)
{
    static const uint8_t code[] = {0xd9, 0xe8, /* fld1; fstp tbyte [0x232ff8] */
                                   0xdb, 0x3c, 0x25, 0xf8, 0x2f, 0x23, 0x00};

    run_directed(code, sizeof(code), 14);
    assert_int_equal(h.interp.cr2, XG_WINDOW + 0x2ff8);
}

/*
 * fxsave [0x231f00]: 512 bytes whose second half is on the read-only page. The host (AMD)
 * faults with nothing written, the first half included, and cr2 at the last byte: the whole
 * destination is checked first. The engines wrote the first half, then faulted at 0x232000.
 */
void test_fxsave_faults_before_writing(void **state)
{
    static const uint8_t code[] = {0x0f, 0xae, 0x04, 0x25, 0x00, 0x1f, 0x23, 0x00};

    run_directed(code, sizeof(code), 14);
    assert_int_equal(h.interp.cr2, XG_WINDOW + 0x20ff);
}

/*
 * fxsave [0x232f00]: the read-only page, then the unmapped one. The host reports the store's
 * #PF (W, not present: the stream check compares the code) at the last byte, on the unmapped
 * page; the engines read the whole area first and faulted there as a read.
 */
void test_fxsave_faults_as_a_store(void **state)
{
    static const uint8_t code[] = {0x0f, 0xae, 0x04, 0x25, 0x00, 0x2f, 0x23, 0x00};

    run_directed(code, sizeof(code), 14);
    assert_int_equal(h.interp.cr2, XG_WINDOW + 0x30ff);
}

/* The lock prefix: #UD unless the form is a lockable read-modify-write of memory. */
void test_lock_prefix_needs_a_lockable_form(void **state)
{
    static const uint8_t mov[] = {0xf0, 0x89, 0x04, 0x25, 0x00, 0x00, 0x23, 0x00};
    static const uint8_t cmp[] = {0xf0, 0x39, 0x04, 0x25, 0x00, 0x00, 0x23, 0x00};
    static const uint8_t add_reg[] = {0xf0, 0x01, 0xd8};
    static const uint8_t bt[] = {0xf0, 0x0f, 0xa3, 0x04, 0x25, 0x00, 0x00, 0x23, 0x00};
    static const uint8_t add[] = {0xf0, 0x01, 0x04, 0x25, 0x00, 0x00, 0x23, 0x00};

    run_directed(mov, sizeof(mov), 6);         /* lock mov [0x230000], eax */
    run_directed(cmp, sizeof(cmp), 6);         /* lock cmp [0x230000], eax */
    run_directed(add_reg, sizeof(add_reg), 6); /* lock add eax, ebx */
    run_directed(bt, sizeof(bt), 6);           /* lock bt [0x230000], eax */
    run_directed(add, sizeof(add), -1);        /* lock add [0x230000], eax */
}
