/*
 * The x86-64 side of the gdb remote stub: the target description, register
 * access by its numbering, and memory at linear addresses for the debugger.
 *
 * Numbering (the XML below, in the order gdb's amd64 target expects for the
 * org.gnu.gdb.i386.core and .sse features): 0-15 rax rbx rcx rdx rsi rdi rbp
 * rsp r8-r15, 16 rip, 17 eflags, 18-23 cs ss ds es fs gs, 24-31 st0-st7,
 * 32-39 the x87 control registers, 40-55 xmm0-15, 56 mxcsr, then fs_base,
 * gs_base, k_gs_base, cr0, cr2, cr3, cr4, cr8 and efer (as QEMU's
 * i386-64bit.xml adds them). Addresses gdb sends are linear (QEMU's
 * convention), so in real mode $pc is the offset in CS, not CS.base + IP.
 * Spec: GDB manual "Target Descriptions", "i386 Features".
 */
#include "target/i386/cpu.h"

enum {
    GDB_RIP = 16,
    GDB_EFLAGS = 17,
    GDB_SEG0 = 18,
    GDB_ST0 = 24,
    GDB_FCTRL = 32,
    GDB_XMM0 = 40,
    GDB_MXCSR = 56,
    GDB_FS_BASE = 57,
    GDB_NUM_REGS = 66,
};

/* gdb's order of the general registers, as encoding numbers. */
static const int gdb_gpr[16] = {R_EAX, R_EBX, R_ECX, R_EDX, R_ESI, R_EDI, R_EBP, R_ESP,
                                8,     9,     10,    11,    12,    13,    14,    15};
static const int gdb_seg[6] = {R_CS, R_SS, R_DS, R_ES, R_FS, R_GS};

static const char target_xml[] =
    "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
    "<target version=\"1.0\">\n<architecture>i386:x86-64</architecture>\n"
    "<feature name=\"org.gnu.gdb.i386.core\">\n"
    "<reg name=\"rax\" bitsize=\"64\" type=\"int64\"/><reg name=\"rbx\" bitsize=\"64\" "
    "type=\"int64\"/><reg name=\"rcx\" bitsize=\"64\" type=\"int64\"/><reg name=\"rdx\" "
    "bitsize=\"64\" type=\"int64\"/><reg name=\"rsi\" bitsize=\"64\" type=\"int64\"/><reg "
    "name=\"rdi\" bitsize=\"64\" type=\"int64\"/><reg name=\"rbp\" bitsize=\"64\" "
    "type=\"data_ptr\"/><reg name=\"rsp\" bitsize=\"64\" type=\"data_ptr\"/>\n"
    "<reg name=\"r8\" bitsize=\"64\" type=\"int64\"/><reg name=\"r9\" bitsize=\"64\" "
    "type=\"int64\"/><reg name=\"r10\" bitsize=\"64\" type=\"int64\"/><reg name=\"r11\" "
    "bitsize=\"64\" type=\"int64\"/><reg name=\"r12\" bitsize=\"64\" type=\"int64\"/><reg "
    "name=\"r13\" bitsize=\"64\" type=\"int64\"/><reg name=\"r14\" bitsize=\"64\" "
    "type=\"int64\"/><reg name=\"r15\" bitsize=\"64\" type=\"int64\"/>\n"
    "<reg name=\"rip\" bitsize=\"64\" type=\"code_ptr\"/><reg name=\"eflags\" bitsize=\"32\" "
    "type=\"int32\"/>\n"
    "<reg name=\"cs\" bitsize=\"32\" type=\"int32\"/><reg name=\"ss\" bitsize=\"32\" "
    "type=\"int32\"/><reg name=\"ds\" bitsize=\"32\" type=\"int32\"/><reg name=\"es\" "
    "bitsize=\"32\" type=\"int32\"/><reg name=\"fs\" bitsize=\"32\" type=\"int32\"/><reg "
    "name=\"gs\" bitsize=\"32\" type=\"int32\"/>\n"
    "<reg name=\"st0\" bitsize=\"80\" type=\"i387_ext\"/><reg name=\"st1\" bitsize=\"80\" "
    "type=\"i387_ext\"/><reg name=\"st2\" bitsize=\"80\" type=\"i387_ext\"/><reg name=\"st3\" "
    "bitsize=\"80\" type=\"i387_ext\"/><reg name=\"st4\" bitsize=\"80\" type=\"i387_ext\"/>"
    "<reg name=\"st5\" bitsize=\"80\" type=\"i387_ext\"/><reg name=\"st6\" bitsize=\"80\" "
    "type=\"i387_ext\"/><reg name=\"st7\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "<reg name=\"fctrl\" bitsize=\"32\" type=\"int\" group=\"float\"/><reg name=\"fstat\" "
    "bitsize=\"32\" type=\"int\" group=\"float\"/><reg name=\"ftag\" bitsize=\"32\" "
    "type=\"int\" group=\"float\"/><reg name=\"fiseg\" bitsize=\"32\" type=\"int\" "
    "group=\"float\"/><reg name=\"fioff\" bitsize=\"32\" type=\"int\" group=\"float\"/><reg "
    "name=\"foseg\" bitsize=\"32\" type=\"int\" group=\"float\"/><reg name=\"fooff\" "
    "bitsize=\"32\" type=\"int\" group=\"float\"/><reg name=\"fop\" bitsize=\"32\" "
    "type=\"int\" group=\"float\"/>\n"
    "</feature>\n<feature name=\"org.gnu.gdb.i386.sse\">\n"
    "<reg name=\"xmm0\" bitsize=\"128\" type=\"uint128\"/><reg name=\"xmm1\" "
    "bitsize=\"128\" type=\"uint128\"/><reg name=\"xmm2\" bitsize=\"128\" type=\"uint128\"/>"
    "<reg name=\"xmm3\" bitsize=\"128\" type=\"uint128\"/><reg name=\"xmm4\" bitsize=\"128\" "
    "type=\"uint128\"/><reg name=\"xmm5\" bitsize=\"128\" type=\"uint128\"/><reg "
    "name=\"xmm6\" bitsize=\"128\" type=\"uint128\"/><reg name=\"xmm7\" bitsize=\"128\" "
    "type=\"uint128\"/><reg name=\"xmm8\" bitsize=\"128\" type=\"uint128\"/><reg "
    "name=\"xmm9\" bitsize=\"128\" type=\"uint128\"/><reg name=\"xmm10\" bitsize=\"128\" "
    "type=\"uint128\"/><reg name=\"xmm11\" bitsize=\"128\" type=\"uint128\"/><reg "
    "name=\"xmm12\" bitsize=\"128\" type=\"uint128\"/><reg name=\"xmm13\" bitsize=\"128\" "
    "type=\"uint128\"/><reg name=\"xmm14\" bitsize=\"128\" type=\"uint128\"/><reg "
    "name=\"xmm15\" bitsize=\"128\" type=\"uint128\"/>\n"
    "<reg name=\"mxcsr\" bitsize=\"32\" type=\"int\" group=\"vector\"/>\n"
    "</feature>\n<feature name=\"org.gnu.gdb.i386.segments\">\n"
    "<reg name=\"fs_base\" bitsize=\"64\" type=\"int\"/><reg name=\"gs_base\" bitsize=\"64\" "
    "type=\"int\"/>\n</feature>\n<feature name=\"org.kestrel.i386.sys\">\n"
    "<reg name=\"k_gs_base\" bitsize=\"64\" type=\"int\"/><reg name=\"cr0\" bitsize=\"64\" "
    "type=\"int\"/><reg name=\"cr2\" bitsize=\"64\" type=\"int\"/><reg name=\"cr3\" "
    "bitsize=\"64\" type=\"int\"/><reg name=\"cr4\" bitsize=\"64\" type=\"int\"/><reg "
    "name=\"cr8\" bitsize=\"64\" type=\"int\"/><reg name=\"efer\" bitsize=\"64\" "
    "type=\"int\"/>\n</feature>\n</target>\n";

static const char *x86_gdb_target_xml(CPUState *cs, const char *annex)
{
    return !strcmp(annex, "target.xml") ? target_xml : NULL;
}

/* Where register n lives and how wide it is on the wire; NULL for the x87 control words we
 * do not keep separately (fiseg..fop read as zero). */
static void *reg_slot(CPUX86State *env, int n, int *size)
{
    uint64_t *sys[] = {
        &env->segs[R_FS].base, &env->segs[R_GS].base, &env->kernelgsbase, &env->cr[0], &env->cr[2],
        &env->cr[3],           &env->cr[4],           &env->cr8,          &env->efer};

    *size = 8;
    if (n < 16) {
        return &env->regs[gdb_gpr[n]];
    }
    if (n == GDB_RIP) {
        return &env->rip;
    }
    if (n < GDB_ST0) {
        *size = 4;
        return NULL; /* eflags and the selectors: handled by the callers (narrower fields) */
    }
    if (n < GDB_FCTRL) {
        *size = 10;
        return env->fpregs[(env->fpstt + n - GDB_ST0) & 7].b;
    }
    if (n < GDB_XMM0) {
        *size = 4;
        return NULL;
    }
    if (n < GDB_MXCSR) {
        *size = 16;
        return env->xmm[n - GDB_XMM0].b;
    }
    if (n == GDB_MXCSR) {
        *size = 4;
        return &env->mxcsr;
    }
    return sys[n - GDB_FS_BASE];
}

static int x86_gdb_read_register(CPUState *cs, uint8_t *buf, int n)
{
    CPUX86State *env = &X86_CPU(cs)->env;
    uint32_t v32 = 0;
    int size;
    void *slot;

    if (n < 0 || n >= GDB_NUM_REGS) {
        return 0;
    }
    slot = reg_slot(env, n, &size);
    if (slot) {
        memcpy(buf, slot, size); /* the host is little-endian, as the wire */
        return size;
    }
    if (n == GDB_EFLAGS) {
        v32 = x86_get_eflags(env);
    } else if (n < GDB_ST0) {
        v32 = env->segs[gdb_seg[n - GDB_SEG0]].selector;
    } else if (n == GDB_FCTRL) {
        v32 = env->fpuc;
    } else if (n == GDB_FCTRL + 1) {
        v32 = env->fpus | (env->fpstt << FSW_TOP_SHIFT);
    } else if (n == GDB_FCTRL + 2) {
        v32 = env->fptag;
    }
    memcpy(buf, &v32, 4);
    return 4;
}

static int x86_gdb_write_register(CPUState *cs, const uint8_t *buf, int n)
{
    CPUX86State *env = &X86_CPU(cs)->env;
    uint32_t v32;
    int size;
    void *slot;

    if (n < 0 || n >= GDB_NUM_REGS) {
        return 0;
    }
    slot = reg_slot(env, n, &size);
    if (slot) {
        memcpy(slot, buf, size);
        return size;
    }
    memcpy(&v32, buf, 4);
    if (n == GDB_EFLAGS) {
        x86_set_eflags(env, v32 | EFLAGS_FIXED);
    } else if (n < GDB_ST0) {
        /* A selector write reloads the segment as a mov would (real mode: base = sel << 4). */
        x86_load_seg(env, gdb_seg[n - GDB_SEG0], v32);
    } else if (n == GDB_FCTRL) {
        env->fpuc = v32;
    }
    return 4;
}

/* ---- memory ---- */

static int x86_memory_rw_debug(CPUState *cs, uint64_t vaddr, void *buf, uint64_t len, bool write)
{
    CPUX86State *env = &X86_CPU(cs)->env;
    uint8_t *p = buf;

    while (len) {
        uint64_t chunk = MIN(len, 0x1000 - (vaddr & 0xfff));
        int saved_error = env->error_code;
        uint64_t saved_cr2 = env->cr[2];
        hwaddr pa;
        int excp = x86_translate(env, vaddr, write ? 1 : 0, &pa);
        MemTxResult r;

        env->error_code = saved_error; /* a debugger's walk is not a guest fault */
        env->cr[2] = saved_cr2;
        if (excp != X86_EXCP_NONE) {
            return -1;
        }
        r = write ? address_space_write_rom(X86_CPU(cs)->as, pa, p, chunk)
                  : address_space_read(X86_CPU(cs)->as, pa, p, chunk);
        if (r != MEMTX_OK) {
            return -1;
        }
        vaddr += chunk;
        p += chunk;
        len -= chunk;
    }
    return 0;
}

static hwaddr x86_get_phys_addr_debug(CPUState *cs, uint64_t vaddr)
{
    CPUX86State *env = &X86_CPU(cs)->env;
    int saved_error = env->error_code;
    uint64_t saved_cr2 = env->cr[2];
    hwaddr pa;
    int excp = x86_translate(env, vaddr, 0, &pa);

    env->error_code = saved_error;
    env->cr[2] = saved_cr2;
    return excp == X86_EXCP_NONE ? pa : (hwaddr)-1;
}

void x86_cpu_gdb_class_init(CPUClass *cc)
{
    cc->gdb_arch_name = "i386:x86-64";
    cc->gdb_target_xml = x86_gdb_target_xml;
    cc->gdb_num_regs = GDB_NUM_REGS;
    cc->gdb_read_register = x86_gdb_read_register;
    cc->gdb_write_register = x86_gdb_write_register;
    cc->memory_rw_debug = x86_memory_rw_debug;
    cc->get_phys_addr_debug = x86_get_phys_addr_debug;
}
