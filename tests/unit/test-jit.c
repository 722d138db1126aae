/*
 * Unit tests for the JIT: the x86-64 encoder (accel/tcg/jit-x86.c) against
 * byte sequences whose meaning was checked with GNU objdump
 * (objdump -D -b binary -mi386:x86-64: the text beside each entry is its
 * output), covering the REX/ModR/M/SIB corner cases (r12/r13/rsp/rbp bases,
 * byte registers sil/dil, 16-bit prefix); then small functions generated
 * with it and executed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "accel/tcg/jit-x86.h"

static void enc_addsd(X86Buf *b)
{
    x86_sse_rm(b, X86_ADDSD, 0, x86_mem(X86_RBP, 0x48));
}

static void enc_movsd(X86Buf *b)
{
    x86_sse_rm(b, X86_MOVSD_LOAD, 1, x86_mem(X86_RBP, -0x10));
}

static void enc_ucomisd(X86Buf *b)
{
    x86_sse_rm(b, X86_UCOMISD, 9, x86_mem(X86_R13, 8));
}

static void enc_sqrtss(X86Buf *b)
{
    x86_sse_rm(b, X86_SQRTSS, 2, x86_mem(X86_RSP, 0));
}

static void enc_movq_rx(X86Buf *b)
{
    x86_movq_rx(b, X86_RAX, 0);
}

static void enc_movq_xr(X86Buf *b)
{
    x86_movq_xr(b, 1, X86_R11);
}

static void enc_cvtsi2sd(X86Buf *b)
{
    x86_cvtsi2f(b, true, true, 0, X86_R8);
}

static void enc_cvtsi2ss(X86Buf *b)
{
    x86_cvtsi2f(b, false, false, 0, X86_RAX);
}

static void enc_cvttsd2si(X86Buf *b)
{
    x86_cvtf2si(b, true, true, false, X86_RAX, 0);
}

static void enc_cvtsd2si(X86Buf *b)
{
    x86_cvtf2si(b, true, false, true, X86_R10, 1);
}

static void enc_vfmadd(X86Buf *b)
{
    x86_vfma231(b, X86_VFMADD231, true, 0, 1, x86_mem(X86_RBP, 0x18));
}

static void enc_vfnmsub(X86Buf *b)
{
    x86_vfma231(b, X86_VFNMSUB231, false, 9, 12, x86_mem(X86_R12, 0));
}

static void enc_vfmadd_rr(X86Buf *b)
{
    x86_vfma231_rr(b, X86_VFMADD231, true, 10, 2, 13);
}

static void enc_vfnmadd_rr(X86Buf *b)
{
    x86_vfma231_rr(b, X86_VFNMADD231, false, 1, 11, 3);
}

static void enc_movaps_from9(X86Buf *b)
{
    x86_sse_rr(b, X86_MOVAPS, 0, 9);
}

static void enc_movaps_to14(X86Buf *b)
{
    x86_sse_rr(b, X86_MOVAPS, 14, 0);
}

static void enc_movsd_store(X86Buf *b)
{
    x86_sse_rm(b, X86_MOVSD_STORE, 12, x86_mem(X86_RBP, 0x10));
}

static void enc_xorps(X86Buf *b)
{
    x86_sse_rr(b, X86_XORPS, 0, 0);
}

typedef struct Encoding {
    const char *text; /* objdump's reading of bytes */
    void (*emit)(X86Buf *b);
    const char *bytes;
    size_t len;
} Encoding;

static void enc_mov_rr(X86Buf *b)
{
    x86_mov_rr(b, true, X86_RAX, X86_R15);
}

static void enc_mov_rm_rbp(X86Buf *b)
{
    x86_mov_rm(b, true, X86_R8, x86_mem(X86_RBP, -128));
}

static void enc_mov_rm_r13_0(X86Buf *b)
{
    x86_mov_rm(b, true, X86_RAX, x86_mem(X86_R13, 0));
}

static void enc_mov_mr_r12(X86Buf *b)
{
    x86_mov_mr(b, true, x86_mem(X86_R12, 8), X86_RDI);
}

static void enc_mov_mr_rsp(X86Buf *b)
{
    x86_mov_mr(b, false, x86_mem(X86_RSP, 0x100), X86_RCX);
}

static void enc_mov_ri32(X86Buf *b)
{
    x86_mov_ri(b, X86_R9, 0x12345678);
}

static void enc_mov_ri_neg(X86Buf *b)
{
    x86_mov_ri(b, X86_RAX, (uint64_t)-2);
}

static void enc_mov_ri64(X86Buf *b)
{
    x86_mov_ri(b, X86_R11, 0x123456789abcdef0ULL);
}

static void enc_lea_idx(X86Buf *b)
{
    x86_lea(b, X86_RAX, x86_mem_idx(X86_RAX, X86_RCX, 8, 0));
}

static void enc_cmp_tlb(X86Buf *b)
{
    x86_alu_rm(b, X86_CMP, true, X86_RAX, x86_mem_idx(X86_R14, X86_RCX, 1, 0));
}

static void enc_add_tlb(X86Buf *b)
{
    x86_alu_rm(b, X86_ADD, true, X86_RSI, x86_mem_idx(X86_R14, X86_RCX, 1, 24));
}

static void enc_and_ri(X86Buf *b)
{
    x86_alu_ri(b, X86_AND, true, X86_RAX, -4096);
}

static void enc_sub_ri8(X86Buf *b)
{
    x86_alu_ri(b, X86_SUB, true, X86_RSP, 8);
}

static void enc_xor32(X86Buf *b)
{
    x86_alu_rr(b, X86_XOR, false, X86_RDX, X86_RDX);
}

static void enc_cmpb_mi(X86Buf *b)
{
    x86_cmp_mi8(b, x86_mem(X86_RBX, 0x68), 0);
}

static void enc_load_sb(X86Buf *b)
{
    x86_load(b, 1, true, X86_RAX, x86_mem(X86_RSI, 0));
}

static void enc_load_uh(X86Buf *b)
{
    x86_load(b, 2, false, X86_R10, x86_mem(X86_RSI, 0));
}

static void enc_load_sw(X86Buf *b)
{
    x86_load(b, 4, true, X86_RAX, x86_mem(X86_RSI, 0));
}

static void enc_load_uw(X86Buf *b)
{
    x86_load(b, 4, false, X86_RAX, x86_mem(X86_RSI, 0));
}

static void enc_store_b_sil(X86Buf *b)
{
    x86_store(b, 1, x86_mem(X86_RAX, 0), X86_RSI);
}

static void enc_store_h(X86Buf *b)
{
    x86_store(b, 2, x86_mem(X86_RSI, 0), X86_RDX);
}

static void enc_store_zero_b(X86Buf *b)
{
    x86_store_zero(b, 1, x86_mem_idx(X86_R9, X86_RDX, 1, 0));
}

static void enc_store_zero_h(X86Buf *b)
{
    x86_store_zero(b, 2, x86_mem(X86_RSI, 0));
}

static void enc_store_zero_w(X86Buf *b)
{
    x86_store_zero(b, 4, x86_mem_idx(X86_R15, X86_RDX, 1, 8));
}

static void enc_store_zero_d(X86Buf *b)
{
    x86_store_zero(b, 8, x86_mem_idx(X86_RDI, X86_RDX, 1, 0));
}

static void enc_cqo(X86Buf *b)
{
    x86_cdq(b, true);
}

static void enc_cltd(X86Buf *b)
{
    x86_cdq(b, false);
}

static void enc_shl_ri(X86Buf *b)
{
    x86_shift_ri(b, X86_SHL, true, X86_RAX, 13);
}

static void enc_sar32_cl(X86Buf *b)
{
    x86_shift_rcl(b, X86_SAR, false, X86_R8);
}

static void enc_imul(X86Buf *b)
{
    x86_imul_rr(b, true, X86_RAX, X86_R9);
}

static void enc_mul(X86Buf *b)
{
    x86_unary(b, X86_MUL, true, X86_RSI);
}

static void enc_bts_rr(X86Buf *b)
{
    x86_bitop_rr(b, X86_BTS, X86_RAX, X86_RCX);
}

static void enc_btr_ri(X86Buf *b)
{
    x86_bitop_ri(b, X86_BTR, X86_RAX, 63);
}

static void enc_bswap_r8(X86Buf *b)
{
    x86_bswap(b, X86_R8);
}

static void enc_setl_sil(X86Buf *b)
{
    x86_setcc(b, X86_CC_L, X86_RSI);
}

static void enc_cmovb(X86Buf *b)
{
    x86_cmov(b, X86_CC_B, X86_RAX, X86_RCX);
}

static void enc_movsx8(X86Buf *b)
{
    x86_movsx_rr(b, 8, X86_RAX, X86_RDI);
}

static void enc_movsxd(X86Buf *b)
{
    x86_movsx_rr(b, 32, X86_RAX, X86_RAX);
}

static void enc_movzx16(X86Buf *b)
{
    x86_movzx_rr(b, 16, X86_RAX, X86_R11);
}

static void enc_push_pop(X86Buf *b)
{
    x86_push(b, X86_R15);
    x86_pop(b, X86_RBX);
}

static void enc_jmp_r(X86Buf *b)
{
    x86_jmp_r(b, X86_RSI);
}

static void enc_test(X86Buf *b)
{
    x86_test_rr(b, true, X86_RDX, X86_RDX);
}

static const Encoding encodings[] = {
    {"mov %r15,%rax", enc_mov_rr, "\x4c\x89\xf8", 3},
    {"mov -0x80(%rbp),%r8", enc_mov_rm_rbp, "\x4c\x8b\x45\x80", 4},
    {"mov 0x0(%r13),%rax", enc_mov_rm_r13_0, "\x49\x8b\x45\x00", 4},
    {"mov %rdi,0x8(%r12)", enc_mov_mr_r12, "\x49\x89\x7c\x24\x08", 5},
    {"mov %ecx,0x100(%rsp)", enc_mov_mr_rsp, "\x89\x8c\x24\x00\x01\x00\x00", 7},
    {"mov $0x12345678,%r9d", enc_mov_ri32, "\x41\xb9\x78\x56\x34\x12", 6},
    {"mov $0xfffffffffffffffe,%rax", enc_mov_ri_neg, "\x48\xc7\xc0\xfe\xff\xff\xff", 7},
    {"movabs $0x123456789abcdef0,%r11", enc_mov_ri64, "\x49\xbb\xf0\xde\xbc\x9a\x78\x56\x34\x12",
     10},
    {"lea (%rax,%rcx,8),%rax", enc_lea_idx, "\x48\x8d\x04\xc8", 4},
    {"cmp (%r14,%rcx,1),%rax", enc_cmp_tlb, "\x49\x3b\x04\x0e", 4},
    {"add 0x18(%r14,%rcx,1),%rsi", enc_add_tlb, "\x49\x03\x74\x0e\x18", 5},
    {"and $0xfffffffffffff000,%rax", enc_and_ri, "\x48\x81\xe0\x00\xf0\xff\xff", 7},
    {"sub $0x8,%rsp", enc_sub_ri8, "\x48\x83\xec\x08", 4},
    {"xor %edx,%edx", enc_xor32, "\x31\xd2", 2},
    {"cmpb $0x0,0x68(%rbx)", enc_cmpb_mi, "\x80\x7b\x68\x00", 4},
    {"movsbq (%rsi),%rax", enc_load_sb, "\x48\x0f\xbe\x06", 4},
    {"movzwl (%rsi),%r10d", enc_load_uh, "\x44\x0f\xb7\x16", 4},
    {"movslq (%rsi),%rax", enc_load_sw, "\x48\x63\x06", 3},
    {"mov (%rsi),%eax", enc_load_uw, "\x8b\x06", 2},
    {"mov %sil,(%rax)", enc_store_b_sil, "\x40\x88\x30", 3},
    {"mov %dx,(%rsi)", enc_store_h, "\x66\x89\x16", 3},
    {"movb $0x0,(%r9,%rdx,1)", enc_store_zero_b, "\x41\xc6\x04\x11\x00", 5},
    {"movw $0x0,(%rsi)", enc_store_zero_h, "\x66\xc7\x06\x00\x00", 5},
    {"movl $0x0,0x8(%r15,%rdx,1)", enc_store_zero_w, "\x41\xc7\x44\x17\x08\x00\x00\x00\x00", 9},
    {"movq $0x0,(%rdi,%rdx,1)", enc_store_zero_d, "\x48\xc7\x04\x17\x00\x00\x00\x00", 8},
    {"shl $0xd,%rax", enc_shl_ri, "\x48\xc1\xe0\x0d", 4},
    {"sar %cl,%r8d", enc_sar32_cl, "\x41\xd3\xf8", 3},
    {"imul %r9,%rax", enc_imul, "\x49\x0f\xaf\xc1", 4},
    {"mul %rsi", enc_mul, "\x48\xf7\xe6", 3},
    {"cqto", enc_cqo, "\x48\x99", 2},
    {"cltd", enc_cltd, "\x99", 1},
    {"bts %rcx,%rax", enc_bts_rr, "\x48\x0f\xab\xc8", 4},
    {"btr $0x3f,%rax", enc_btr_ri, "\x48\x0f\xba\xf0\x3f", 5},
    {"bswap %r8", enc_bswap_r8, "\x49\x0f\xc8", 3},
    {"setl %sil", enc_setl_sil, "\x40\x0f\x9c\xc6", 4},
    {"cmovb %rcx,%rax", enc_cmovb, "\x48\x0f\x42\xc1", 4},
    {"movsbq %dil,%rax", enc_movsx8, "\x48\x0f\xbe\xc7", 4},
    {"movslq %eax,%rax", enc_movsxd, "\x48\x63\xc0", 3},
    {"movzwl %r11w,%eax", enc_movzx16, "\x41\x0f\xb7\xc3", 4},
    {"push %r15; pop %rbx", enc_push_pop, "\x41\x57\x5b", 3},
    {"jmp *%rsi", enc_jmp_r, "\xff\xe6", 2},
    {"test %rdx,%rdx", enc_test, "\x48\x85\xd2", 3},
    {"addsd 0x48(%rbp),%xmm0", enc_addsd, "\xf2\x0f\x58\x45\x48", 5},
    {"movsd -0x10(%rbp),%xmm1", enc_movsd, "\xf2\x0f\x10\x4d\xf0", 5},
    {"ucomisd 0x8(%r13),%xmm9", enc_ucomisd, "\x66\x45\x0f\x2e\x4d\x08", 6},
    {"sqrtss (%rsp),%xmm2", enc_sqrtss, "\xf3\x0f\x51\x14\x24", 5},
    {"movq %xmm0,%rax", enc_movq_rx, "\x66\x48\x0f\x7e\xc0", 5},
    {"movq %r11,%xmm1", enc_movq_xr, "\x66\x49\x0f\x6e\xcb", 5},
    {"cvtsi2sd %r8,%xmm0", enc_cvtsi2sd, "\xf2\x49\x0f\x2a\xc0", 5},
    {"cvtsi2ss %eax,%xmm0", enc_cvtsi2ss, "\xf3\x0f\x2a\xc0", 4},
    {"cvttsd2si %xmm0,%eax", enc_cvttsd2si, "\xf2\x0f\x2c\xc0", 4},
    {"cvtsd2si %xmm1,%r10", enc_cvtsd2si, "\xf2\x4c\x0f\x2d\xd1", 5},
    {"vfmadd231sd 0x18(%rbp),%xmm1,%xmm0", enc_vfmadd, "\xc4\xe2\xf1\xb9\x45\x18", 6},
    {"vfnmsub231ss (%r12),%xmm12,%xmm9", enc_vfnmsub, "\xc4\x42\x19\xbf\x0c\x24", 6},
    {"vfmadd231sd %xmm13,%xmm2,%xmm10", enc_vfmadd_rr, "\xc4\x42\xe9\xb9\xd5", 5},
    {"vfnmadd231ss %xmm3,%xmm11,%xmm1", enc_vfnmadd_rr, "\xc4\xe2\x21\xbd\xcb", 5},
    {"movaps %xmm9,%xmm0", enc_movaps_from9, "\x41\x0f\x28\xc1", 4},
    {"movaps %xmm0,%xmm14", enc_movaps_to14, "\x44\x0f\x28\xf0", 4},
    {"movsd %xmm12,0x10(%rbp)", enc_movsd_store, "\xf2\x44\x0f\x11\x65\x10", 6},
    {"xorps %xmm0,%xmm0", enc_xorps, "\x0f\x57\xc0", 3},
};

static void test_encodings(void **state)
{
    uint8_t mem[64];

    for (size_t i = 0; i < sizeof(encodings) / sizeof(encodings[0]); i++) {
        X86Buf b;
        x86_buf_init(&b, mem, sizeof(mem));
        encodings[i].emit(&b);
        if (x86_buf_used(&b) != encodings[i].len || memcmp(mem, encodings[i].bytes, b.p - mem)) {
            fail_msg("encoding of \"%s\" differs", encodings[i].text);
        }
    }
}

static void test_overflow(void **state)
{
    uint8_t mem[5];
    X86Buf b;

    x86_buf_init(&b, mem, sizeof(mem));
    x86_mov_ri(&b, X86_R11, 0x123456789abcdef0ULL); /* 10 bytes */
    assert_true(b.overflow);
    assert_int_equal(x86_buf_used(&b), 5);
}

static void test_branches(void **state)
{
    uint8_t mem[64];
    X86Buf b;
    uint8_t *field;

    x86_buf_init(&b, mem, sizeof(mem));
    field = x86_jcc(&b, X86_CC_NE, NULL); /* 0f 85 rel32, to the next instruction */
    assert_ptr_equal(field, mem + 2);
    assert_memory_equal(mem, "\x0f\x85\x00\x00\x00\x00", 6);
    x86_patch_rel32(field, mem);
    assert_memory_equal(mem + 2, "\xfa\xff\xff\xff", 4); /* -6: back to the jcc */
    x86_align(&b, 4, 1);
    field = x86_jmp(&b, mem + 40);
    assert_int_equal((uintptr_t)field & 3, 0);
    assert_int_equal(field[-1], 0xe9);
}

/* An executable buffer for generated functions. */
static uint8_t *code;
#define CODE_SIZE 4096

static int setup(void **state)
{
    code = mmap(NULL, CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
                -1, 0);
    return code == MAP_FAILED ? -1 : 0;
}

static int teardown(void **state)
{
    munmap(code, CODE_SIZE);
    return 0;
}

static void test_exec_arith(void **state)
{
    X86Buf b;
    uint64_t (*fn)(uint64_t, uint64_t, uint64_t);

    /* (a + b) * c, then the high half of that times c (unsigned), xor the low half */
    x86_buf_init(&b, code, CODE_SIZE);
    x86_mov_rr(&b, true, X86_RAX, X86_RDI);
    x86_alu_rr(&b, X86_ADD, true, X86_RAX, X86_RSI);
    x86_mov_rr(&b, true, X86_RCX, X86_RDX);
    x86_imul_rr(&b, true, X86_RAX, X86_RCX);
    x86_mov_rr(&b, true, X86_R8, X86_RAX);
    x86_unary(&b, X86_MUL, true, X86_RCX);
    x86_alu_rr(&b, X86_XOR, true, X86_RDX, X86_R8);
    x86_mov_rr(&b, true, X86_RAX, X86_RDX);
    x86_ret(&b);
    assert_false(b.overflow);
    fn = (void *)code;
    uint64_t lo = (3 + 4) * 5ULL;
    assert_int_equal(fn(3, 4, 5), lo);
    lo = (uint64_t)-7 * 3;
    uint64_t hi = (uint64_t)(((unsigned __int128)lo * 3) >> 64);
    assert_int_equal(fn(-10, 3, 3), hi ^ lo);
}

static void test_exec_loop(void **state)
{
    X86Buf b;
    uint64_t (*fn)(uint64_t);
    uint8_t *top, *out;

    /* sum of 1..n with a backward jcc and a forward one patched afterwards */
    x86_buf_init(&b, code, CODE_SIZE);
    x86_mov_ri(&b, X86_RAX, 0);
    top = b.p;
    x86_test_rr(&b, true, X86_RDI, X86_RDI);
    out = x86_jcc(&b, X86_CC_E, NULL);
    x86_alu_rr(&b, X86_ADD, true, X86_RAX, X86_RDI);
    x86_alu_ri(&b, X86_SUB, true, X86_RDI, 1);
    x86_jmp(&b, top);
    x86_patch_rel32(out, b.p);
    x86_ret(&b);
    fn = (void *)code;
    assert_int_equal(fn(100), 5050);
    assert_int_equal(fn(0), 0);
}

static void test_exec_memory(void **state)
{
    X86Buf b;
    int64_t (*fn)(void *, uint64_t);
    uint8_t data[32] = {0};

    /* data[8 + 2 * i] = (int16_t)-3 via [base + index * 2 + disp], read back sign-extended */
    x86_buf_init(&b, code, CODE_SIZE);
    x86_mov_ri(&b, X86_RDX, (uint64_t)-3);
    x86_store(&b, 2, x86_mem_idx(X86_RDI, X86_RSI, 2, 8), X86_RDX);
    x86_load(&b, 2, true, X86_RAX, x86_mem_idx(X86_RDI, X86_RSI, 2, 8));
    x86_ret(&b);
    fn = (void *)code;
    assert_int_equal(fn(data, 3), -3);
    assert_int_equal(data[14], 0xfd);
    assert_int_equal(data[15], 0xff);
    assert_int_equal(data[16], 0);
}

static uint64_t callee(uint64_t a, uint64_t b)
{
    return a * 10 + b;
}

static void test_exec_call(void **state)
{
    X86Buf b;
    uint64_t (*fn)(uint64_t);

    /* a call through the encoder with a callee-saved register kept across it */
    x86_buf_init(&b, code, CODE_SIZE);
    x86_push(&b, X86_R12);
    x86_mov_rr(&b, true, X86_R12, X86_RDI);
    x86_mov_ri(&b, X86_RSI, 7);
    x86_call(&b, (const void *)callee);
    x86_alu_rr(&b, X86_ADD, true, X86_RAX, X86_R12);
    x86_pop(&b, X86_R12);
    x86_ret(&b);
    fn = (void *)code;
    assert_int_equal(fn(4), 4 * 10 + 7 + 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encodings), cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_branches),  cmocka_unit_test(test_exec_arith),
        cmocka_unit_test(test_exec_loop), cmocka_unit_test(test_exec_memory),
        cmocka_unit_test(test_exec_call),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
