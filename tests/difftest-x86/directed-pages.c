/*
 * Directed x86 differential cases on pages (harness.h): an instruction across the code's
 * page boundary, and JIT blocks and load ranges kept while the page they read is written
 * or mapped elsewhere.
 */
#include "harness.h"

/*
 * mov eax, imm32 across the code's first page boundary (bytes 0xffd..0x1001), run from
 * the JIT code of its X86_TB_STEP block, which holds its record while the next page holds
 * the bytes it was decoded from (jit-mem.c x86_jit_gen_next_page_check). Here a loop stores
 * into the immediate's byte in that page each time round: each run must see the store.
 */
void test_cross_page_insn_sees_next_page_stores(void **state)
{
    static const uint8_t head[] = {
        0xb9, 0x03, 0x00, 0x00, 0x00, /* mov ecx, 3 */
        0x31, 0xd2,                   /* xor edx, edx */
        0xe9, 0xf1, 0x0f, 0x00, 0x00, /* jmp 0xffd */
    };
    static const uint8_t loop[] = {
        0xb8, 0x44, 0x33, 0x22, 0x11,             /* 0xffd: mov eax, 0x11223344 */
        0x48, 0x01, 0xc2,                         /* add rdx, rax */
        0x88, 0x0c, 0x25, 0x00, 0x10, 0x21, 0x00, /* mov [XG_CODE + 0x1000], cl */
        0xff, 0xc9,                               /* dec ecx */
        0x75, 0xed,                               /* jnz 0xffd */
    };
    uint8_t code[0xffd + sizeof(loop)];

    memset(code, 0x90, sizeof(code));
    memcpy(code, head, sizeof(head));
    memcpy(code + 0xffd, loop, sizeof(loop));
    run_directed(code, sizeof(code), -1);
    assert_int_equal(h.jit.regs[R_EAX], 0x11023344);
    assert_int_equal(h.jit.regs[R_EDX], 0x11223344ULL + 0x11033344 + 0x11023344);
}

/*
 * The same instruction after its second page is mapped to another physical page holding
 * another immediate, its blocks kept from a first run: the first page's block (keyed by
 * that page alone) must read the new mapping's bytes.
 */
void test_cross_page_insn_sees_a_remap(void **state)
{
    static const uint8_t tail[] = {0xb8, 0x44, 0x33, 0x22, 0x11}; /* mov eax, 0x11223344 */
    uint64_t page2 = PA(XG_CODE) + 0x1000, other = 0x18000;
    uint8_t code[0xffd + sizeof(tail)];
    TranslationBlock *tb;
    uint8_t *ram;

    memset(code, 0x90, sizeof(code));
    memcpy(code, (const uint8_t[]){0xe9, 0xf8, 0x0f, 0x00, 0x00}, 5); /* jmp 0xffd */
    memcpy(code + 0xffd, tail, sizeof(tail));
    load_directed(code, sizeof(code));
    assert_true(run(true, &h.jit));
    assert_int_equal(h.jit.regs[R_EAX], 0x11223344);
    tb = tb_lookup_phys(PA(XG_CODE) + 0xffd);
    assert_non_null(tb);
    assert_non_null(tb->jit_code);

    load_state(&h.init); /* the blocks stay */
    ram = h.ram.ram_ptr;
    memcpy(ram + other, ram + page2, 0x1000);
    ram[other] = 0x55; /* the immediate's third byte */
    put64(ram, PML4 + 0x3000 + 8 * (page2 >> 12), other | PG_P | PG_RW);
    x86_tlb_flush_all(h.cpu);
    if (!run_to_hlt(&h.jit)) {
        fail_msg("%s: the JIT did not reach a hlt after the remap", __func__);
    }
    assert_int_equal(h.jit.regs[R_EAX], 0x11553344);
    assert_ptr_equal(tb_lookup_phys(PA(XG_CODE) + 0xffd), tb); /* the same block ran */
}

/*
 * A load site's page range (the JIT's x86_jit_hint, CPUTLB.jit_hint) over a page the stream
 * then maps elsewhere (its page table mapped at 0x222000 for it) and invlpg's: the load's
 * next run must read the new page. The first run of the site fills the table, the second
 * takes the page into the range, the third comes after the remap. Not on the host: the
 * stream writes its own page tables.
 */
void test_load_range_sees_a_remap(void **state)
{
    static const uint8_t code[] = {
        0xbb, 0x03, 0x00, 0x00, 0x00,                         /* mov ebx, 3 */
        0x48, 0x8b, 0x04, 0x25, 0x00, 0x00, 0x23, 0x00,       /* l: mov rax, [0x230000] */
        0x83, 0xfb, 0x02,                                     /* cmp ebx, 2 */
        0x75, 0x14,                                           /* jne s */
        0x48, 0xc7, 0x04, 0x25, 0x80, 0x21, 0x22, 0x00, 0x03, /* mov qword [0x222180], */
        0x20, 0x02, 0x00,                                     /*   0x22003: the remap */
        0x0f, 0x01, 0x3c, 0x25, 0x00, 0x00, 0x23, 0x00,       /* invlpg [0x230000] */
        0xff, 0xcb,                                           /* s: dec ebx */
        0x75, 0xdb,                                           /* jnz l */
    };

    load_directed(code, sizeof(code));
    put64(h.init.ram, PML4 + 0x3000 + 8 * 0x22, (PML4 + 0x3000) | PG_P | PG_RW);
    put64(h.init.ram, 0x22000, 0x1122334455667788ULL);
    check_directed(false);
    assert_int_equal(h.jit.regs[R_EAX], 0x1122334455667788ULL);
}
