/*
 * CFI flash on the virt board (cfi.pflash01, Intel/Sharp command set; two banks
 * of 32 MiB at 0x20000000 and 0x22000000, each two 16-bit chips side by side:
 * bank width 4, so a command is written to both halves of a 32-bit word and
 * each answer comes twice). This program runs on bank 1 without a drive:
 *  - read array, CFI query (the "QRY" table: geometry, command set), device ID
 *  - word program (0x40) and its status, block erase (0x20/0xd0), a bad erase
 *    confirmation (status 0x30 bits), clear status (0x50), read status (0x70)
 *  - buffered write (0xe8 .. count, data, 0xd0) as Linux's cfi_cmdset_0001 does it
 *  - block lock/unlock commands (0x60/0x01, 0x60/0xd0)
 *  - code programmed into the flash runs from it, and reprogrammed code runs anew (QEMU
 *    7.2 keeps running the old translation: its check 10 fails)
 * It prints what the flash answered, so tests/functional/test_pflash.py can compare
 * the transcript of QEMU 7.2 with Kestrel's, and checks the essentials itself.
 */
#include "test.h"

#define FLASH1 0x22000000UL
#define SECTOR (256 * 1024UL)
#define CMD(c) ((uint32_t)(c) | ((uint32_t)(c) << 16)) /* to both chips */

static volatile uint32_t *flash_word(unsigned long offset)
{
    return (volatile uint32_t *)(FLASH1 + offset);
}

static void cmd(unsigned long offset, uint32_t c)
{
    *flash_word(offset) = CMD(c);
}

static uint32_t rd(unsigned long offset)
{
    return *flash_word(offset);
}

static void show(const char *what, uint32_t v)
{
    uart_printf("%s %x\n", what, v);
}

static void check_query(void)
{
    unsigned long size_log2;

    cmd(0x55 * 4, 0x98);
    /* "QRY", one byte per 32-bit word, answered by both chips. */
    CHECK_EQ(rd(0x10 * 4), CMD('Q'));
    CHECK_EQ(rd(0x11 * 4), CMD('R'));
    CHECK_EQ(rd(0x12 * 4), CMD('Y'));
    for (unsigned i = 0x10; i < 0x50; i++) {
        uart_printf("cfi %x: %x\n", i, rd(i * 4));
    }
    /* Each chip is half the bank: 16 MiB. */
    size_log2 = rd(0x27 * 4) & 0xff;
    CHECK_EQ(size_log2, 24);
    cmd(0, 0xff);
    cmd(0, 0x90);
    show("id manufacturer", rd(0));
    show("id device", rd(4));
    show("id lock", rd(8));
    show("id lock block 1", rd(SECTOR + 8));
    cmd(0, 0xff);
}

static void check_program_erase(void)
{
    show("array", rd(0));
    cmd(0, 0x70);
    show("status at start", rd(0));
    cmd(0, 0xff);
    /* Program one word; the flash answers the status until read array. */
    cmd(16, 0x40);
    *flash_word(16) = 0x12345678;
    show("status after program", rd(16));
    show("status elsewhere", rd(0x1000));
    cmd(0, 0xff);
    CHECK_EQ(rd(16), 0x12345678);
    /* Programming clears bits only. */
    cmd(16, 0x40);
    *flash_word(16) = 0xff00ff00;
    cmd(0, 0xff);
    show("programmed twice", rd(16));
    /* Erase the block: all ones again. */
    cmd(16, 0x20);
    cmd(16, 0xd0);
    show("status after erase", rd(16));
    cmd(0, 0xff);
    CHECK_EQ(rd(16), 0xffffffff);
    CHECK_EQ(rd(SECTOR - 4), 0xffffffff);
    /* An erase without its confirmation: a command sequence error. */
    cmd(0, 0x20);
    cmd(0, 0x55);
    show("status after bad erase", rd(0));
    cmd(0, 0x70);
    show("status read", rd(0));
    cmd(0, 0x50);
    show("after clear status", rd(0));
    cmd(0, 0x70);
    show("status after clear", rd(0));
    cmd(0, 0xff);
}

static void check_buffered_write(void)
{
    unsigned long base = 2 * SECTOR;

    cmd(base, 0x20);
    cmd(base, 0xd0);
    cmd(base, 0xff);
    cmd(base, 0xe8);
    show("xsr", rd(base));
    cmd(base, 3); /* four words per chip pair: count - 1 */
    for (unsigned i = 0; i < 4; i++) {
        *flash_word(base + 4 * i) = 0x11111111 * (i + 1);
    }
    cmd(base, 0xd0);
    show("status after buffer", rd(base));
    cmd(base, 0xff);
    for (unsigned i = 0; i < 4; i++) {
        CHECK_EQ(rd(base + 4 * i), 0x11111111 * (i + 1));
    }
    show("after buffer", rd(base + 16));
}

static void check_lock(void)
{
    unsigned long base = 3 * SECTOR;

    cmd(base, 0x60);
    cmd(base, 0x01);
    show("status after lock", rd(base));
    cmd(base, 0x90);
    show("lock status", rd(base + 8));
    cmd(base, 0xff);
    cmd(base, 0x40);
    *flash_word(base) = 0;
    show("status program locked", rd(base));
    cmd(base, 0x50);
    cmd(base, 0xff);
    show("locked word", rd(base));
    cmd(base, 0x60);
    cmd(base, 0xd0);
    show("status after unlock", rd(base));
    cmd(base, 0xff);
}

/* Program two instruction words at offset (erased first) and return to read array. */
static void program_code(unsigned long offset, uint32_t insn0, uint32_t insn1)
{
    cmd(offset, 0x20);
    cmd(offset, 0xd0);
    cmd(offset, 0x40);
    *flash_word(offset) = insn0;
    cmd(offset + 4, 0x40);
    *flash_word(offset + 4) = insn1;
    cmd(0, 0xff);
    __asm__ volatile("fence.i" ::: "memory");
}

static void check_execute(void)
{
    unsigned long base = 4 * SECTOR;
    long (*fn)(void) = (long (*)(void))(FLASH1 + base);

    program_code(base, 0x00100513, 0x00008067); /* li a0, 1; ret */
    CHECK_EQ(fn(), 1);
    program_code(base, 0x00200513, 0x00008067); /* li a0, 2; ret */
    CHECK_EQ(fn(), 2);
    show("ran from flash", (uint32_t)fn());
}

int main(void)
{
    check_query();
    check_program_erase();
    check_buffered_write();
    check_lock();
    show("byte read", *(volatile uint8_t *)(FLASH1 + 2 * SECTOR + 1));
    show("half read", *(volatile uint16_t *)(FLASH1 + 2 * SECTOR + 2));
    /* Last: QEMU 7.2 fails its second check (tests/functional/test_guest_programs.py). */
    check_execute();
    return 0;
}
