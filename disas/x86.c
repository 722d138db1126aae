/* x86 disassembly into the log through libcapstone (why: include/disas/x86.h). */
#include "disas/x86.h"

#include <capstone/capstone.h>
#include <pthread.h>

#include "util/dynlib.h"
#include "util/log.h"

/* The soname of the library the libcapstone-dev headers we compile against belong to. */
#define CAPSTONE_SONAME "libcapstone.so.4"

/* The capstone entry points used; typeof keeps each signature the header's. */
static struct {
    pthread_once_t once;
    bool loaded;
    char error[256];
    typeof(cs_open) *open;
    typeof(cs_option) *option;
    typeof(cs_disasm) *disasm;
    typeof(cs_free) *free;
    typeof(cs_close) *close;
} capstone = {.once = PTHREAD_ONCE_INIT};

static bool sym(void *h, const char *name, void **fn)
{
    return dynlib_sym(h, CAPSTONE_SONAME, name, fn, capstone.error, sizeof(capstone.error));
}

static void capstone_load(void)
{
    void *h = dynlib_open(CAPSTONE_SONAME, capstone.error, sizeof(capstone.error));

    capstone.loaded = h && sym(h, "cs_open", (void **)&capstone.open) &&
                      sym(h, "cs_option", (void **)&capstone.option) &&
                      sym(h, "cs_disasm", (void **)&capstone.disasm) &&
                      sym(h, "cs_free", (void **)&capstone.free) &&
                      sym(h, "cs_close", (void **)&capstone.close);
    if (!capstone.loaded) {
        log_printf("disas: no x86 disassembler (%s); code is logged in hex\n", capstone.error);
    }
}

/* Up to 15 bytes as hex pairs (the longest x86 instruction), padded to a column. */
static void log_insn(uint64_t addr, const uint8_t *bytes, size_t n, const char *mnemonic,
                     const char *operands)
{
    char hex[3 * 15 + 1] = "";

    for (size_t i = 0; i < n && i < 15; i++) {
        snprintf(hex + 3 * i, 4, "%02x ", bytes[i]);
    }
    log_printf("0x%016" PRIx64 ":  %-30s %s %s\n", addr, hex, mnemonic, operands);
}

static void log_hex(const uint8_t *code, size_t len, uint64_t addr)
{
    for (size_t off = 0; off < len; off += 15) {
        log_insn(addr + off, code + off, MIN(len - off, (size_t)15), "", "");
    }
}

static cs_mode mode_of(int bits)
{
    return bits == 16 ? CS_MODE_16 : bits == 32 ? CS_MODE_32 : CS_MODE_64;
}

void log_disas_x86(const uint8_t *code, size_t len, uint64_t addr, int bits)
{
    cs_insn *insn;
    csh h;
    size_t n;

    pthread_once(&capstone.once, capstone_load);
    /* A handle per call: handles are not shared between threads, and this is only logging. */
    if (!capstone.loaded || capstone.open(CS_ARCH_X86, mode_of(bits), &h) != CS_ERR_OK) {
        log_hex(code, len, addr);
        return;
    }
    capstone.option(h, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
    /* Bytes that decode to nothing (e.g. a guest's data after a jump) print as .byte and
     * the listing goes on, instead of ending there. */
    capstone.option(h, CS_OPT_SKIPDATA, CS_OPT_ON);
    n = capstone.disasm(h, code, len, addr, 0, &insn);
    for (size_t i = 0; i < n; i++) {
        log_insn(insn[i].address, insn[i].bytes, insn[i].size, insn[i].mnemonic, insn[i].op_str);
    }
    if (n) {
        capstone.free(insn, n);
    }
    capstone.close(&h);
}

/* QEMU's column layout for x86: the bytes in a 24-wide column, the mnemonic in an 8-wide one. */
static void format_line(char *line, size_t size, uint64_t addr, const uint8_t *bytes, size_t n,
                        const char *mnemonic, const char *operands)
{
    char hex[3 * 15 + 1] = "";

    for (size_t i = 0; i < n && i < 15; i++) {
        snprintf(hex + 3 * i, 4, "%02x ", bytes[i]);
    }
    hex[3 * MIN(n, (size_t)15) - 1] = '\0'; /* no space after the last byte */
    snprintf(line, size, "0x%08" PRIx64 ":  %-24s %-8s %s", addr, hex, mnemonic, operands);
}

int x86_disas_line(uint64_t addr, const uint8_t *buf, size_t avail, int bits, char *line,
                   size_t size)
{
    cs_insn *insn;
    csh h;
    int len;

    pthread_once(&capstone.once, capstone_load);
    if (!capstone.loaded || capstone.open(CS_ARCH_X86, mode_of(bits), &h) != CS_ERR_OK) {
        snprintf(line, size, "0x%08" PRIx64 ":  no x86 disassembler (%s)", addr,
                 capstone.loaded ? "cs_open failed" : capstone.error);
        return -1;
    }
    capstone.option(h, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
    if (capstone.disasm(h, buf, avail, addr, 1, &insn) == 1) {
        len = insn->size;
        format_line(line, size, addr, insn->bytes, insn->size, insn->mnemonic, insn->op_str);
        capstone.free(insn, 1);
    } else if (avail < 15) {
        len = 0; /* it may be an instruction whose end could not be read */
    } else {
        char byte[8];
        snprintf(byte, sizeof(byte), "0x%02x", buf[0]);
        format_line(line, size, addr, buf, 1, ".byte", byte);
        len = 1;
    }
    capstone.close(&h);
    return len;
}
