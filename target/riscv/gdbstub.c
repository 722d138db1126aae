/*
 * The RISC-V side of the gdb remote stub: the target description and
 * register access by gdb's numbering, and guest-virtual memory for the
 * debugger.
 *
 * Numbering (gdb's riscv-tdep): x0..x31 are 0..31, pc 32, f0..f31 33..64,
 * CSR n is 65 + n (so fflags/frm/fcsr, in the fpu feature, are 66..68), and
 * the virtual "priv" register is 65 + 4096, and with V v0..v31 follow it
 * (VLEN bits each). The vector CSRs keep their CSR numbers but sit in the
 * vector feature, as QEMU 7.2 gives them. Registers are little-endian.
 * Spec: GDB manual "Target Descriptions" and "RISC-V Features"
 * (org.gnu.gdb.riscv.cpu/fpu/vector/csr/virtual).
 */
#include <inttypes.h>
#include <stdarg.h>

#include "disas/riscv.h"
#include "system/memory.h"
#include "target/riscv/cpu.h"

#define GDB_REG_PC 32
#define GDB_REG_F0 33
#define GDB_REG_CSR0 65
#define GDB_REG_PRIV (GDB_REG_CSR0 + 4096)
#define GDB_REG_V0 (GDB_REG_PRIV + 1)
#define GDB_NUM_REGS (GDB_REG_V0 + 32)

/* The vector CSRs, in the order of QEMU 7.2's vector feature. */
static const int vector_csrs[] = {CSR_VSTART, CSR_VXSAT, CSR_VXRM, CSR_VCSR,
                                  CSR_VL,     CSR_VTYPE, CSR_VLENB};

static const char *const gdb_gpr_names[32] = {
    "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "fp", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

/* ---- target description ---- */

/* A growing string for the XML, built once. */
typedef struct StrBuf {
    char *s;
    size_t len, cap;
} StrBuf;

static void PRINTF_FMT(2, 3) sb_printf(StrBuf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (b->len + n + 1 > b->cap) {
        b->cap = MAX(b->cap * 2, b->len + n + 1);
        b->s = xrealloc(b->s, b->cap);
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += n;
}

static void xml_cpu_feature(StrBuf *b)
{
    sb_printf(b, "<feature name=\"org.gnu.gdb.riscv.cpu\">\n");
    for (int i = 0; i < 32; i++) {
        const char *type = i == 1 ? "code_ptr" : i == 2 || i == 8 ? "data_ptr" : "int";
        sb_printf(b, "<reg name=\"%s\" bitsize=\"64\" type=\"%s\" regnum=\"%d\"/>\n",
                  gdb_gpr_names[i], type, i);
    }
    sb_printf(b, "<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\" regnum=\"%d\"/>\n", GDB_REG_PC);
    sb_printf(b, "</feature>\n");
}

static void xml_fpu_feature(StrBuf *b)
{
    static const char *const fcsrs[] = {"fflags", "frm", "fcsr"};

    sb_printf(b, "<feature name=\"org.gnu.gdb.riscv.fpu\">\n"
                 "<union id=\"riscv_double\">\n"
                 "<field name=\"float\" type=\"ieee_single\"/>\n"
                 "<field name=\"double\" type=\"ieee_double\"/>\n"
                 "</union>\n");
    for (int i = 0; i < 32; i++) {
        sb_printf(b, "<reg name=\"%s\" bitsize=\"64\" type=\"riscv_double\" regnum=\"%d\"/>\n",
                  riscv_freg_names[i], GDB_REG_F0 + i);
    }
    for (int i = 0; i < 3; i++) {
        sb_printf(b, "<reg name=\"%s\" bitsize=\"32\" type=\"int\" regnum=\"%d\"/>\n", fcsrs[i],
                  GDB_REG_CSR0 + CSR_FFLAGS + i);
    }
    sb_printf(b, "</feature>\n");
}

static bool is_vector_csr(int csrno)
{
    for (size_t i = 0; i < ARRAY_SIZE(vector_csrs); i++) {
        if (vector_csrs[i] == csrno) {
            return true;
        }
    }
    return false;
}

/* v0..v31 of vlenb bytes, seen as one quad, longs, words, shorts or bytes; the vector CSRs. */
static void xml_vector_feature(StrBuf *b, unsigned vlenb)
{
    static const char *const views[][2] = {{"quads", "uint128"},
                                           {"longs", "uint64"},
                                           {"words", "uint32"},
                                           {"shorts", "uint16"},
                                           {"bytes", "uint8"}};

    sb_printf(b, "<feature name=\"org.gnu.gdb.riscv.vector\">\n");
    for (int i = 0; i < 5; i++) {
        sb_printf(b, "<vector id=\"%s\" type=\"%s\" count=\"%u\"/>\n", views[i][0], views[i][1],
                  vlenb >> (4 - i));
    }
    sb_printf(b, "<union id=\"riscv_vector\">\n");
    for (int i = 0; i < 5; i++) {
        sb_printf(b, "<field name=\"%c\" type=\"%s\"/>\n", views[i][0][0], views[i][0]);
    }
    sb_printf(b, "</union>\n");
    for (int i = 0; i < 32; i++) {
        sb_printf(b,
                  "<reg name=\"v%d\" bitsize=\"%u\" regnum=\"%d\" group=\"vector\" "
                  "type=\"riscv_vector\"/>\n",
                  i, vlenb * 8, GDB_REG_V0 + i);
    }
    for (size_t i = 0; i < ARRAY_SIZE(vector_csrs); i++) {
        sb_printf(b,
                  "<reg name=\"%s\" bitsize=\"64\" regnum=\"%d\" group=\"vector\" "
                  "type=\"int\"/>\n",
                  riscv_csr_name(vector_csrs[i]), GDB_REG_CSR0 + vector_csrs[i]);
    }
    sb_printf(b, "</feature>\n");
}

/* Every CSR of the table but the fpu ones, which gdb wants in the fpu feature (and with V
 * the vector ones, in the vector feature). */
static void xml_csr_feature(StrBuf *b, bool vector)
{
    sb_printf(b, "<feature name=\"org.gnu.gdb.riscv.csr\">\n");
    for (int csrno = CSR_FCSR + 1; csrno < 4096; csrno++) {
        const char *name = riscv_csr_name(csrno);
        if (name && !(vector && is_vector_csr(csrno))) {
            sb_printf(b, "<reg name=\"%s\" bitsize=\"64\" type=\"int\" regnum=\"%d\"/>\n", name,
                      GDB_REG_CSR0 + csrno);
        }
    }
    sb_printf(b, "</feature>\n");
}

/*
 * The description depends only on V and VLEN: one constant text per VLEN (128..1024 bits)
 * and one without V, built on first use and kept for the process.
 */
static const char *riscv_gdb_target_xml(CPUState *cs, const char *annex)
{
    static StrBuf xmls[5];
    RISCVCPU *cpu = RISCV_CPU(cs);
    unsigned vlenb = cpu->ext_v ? cpu->vlen / 8 : 0;
    StrBuf *xml = &xmls[vlenb ? __builtin_ctz(vlenb) - 3 : 0];

    if (strcmp(annex, "target.xml") != 0) {
        return NULL;
    }
    if (!xml->s) {
        sb_printf(xml, "<?xml version=\"1.0\"?>\n"
                       "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
                       "<target version=\"1.0\">\n"
                       "<architecture>riscv:rv64</architecture>\n");
        xml_cpu_feature(xml);
        xml_fpu_feature(xml);
        if (vlenb) {
            xml_vector_feature(xml, vlenb);
        }
        sb_printf(xml,
                  "<feature name=\"org.gnu.gdb.riscv.virtual\">\n"
                  "<reg name=\"priv\" bitsize=\"64\" type=\"int\" regnum=\"%d\"/>\n"
                  "</feature>\n",
                  GDB_REG_PRIV);
        xml_csr_feature(xml, vlenb != 0);
        sb_printf(xml, "</target>\n");
    }
    return xml->s;
}

/* ---- registers ---- */

static int put_reg(uint8_t *buf, uint64_t val, int size)
{
    for (int i = 0; i < size; i++) {
        buf[i] = val >> (8 * i);
    }
    return size;
}

static uint64_t get_reg(const uint8_t *buf, int size)
{
    uint64_t val = 0;
    for (int i = 0; i < size; i++) {
        val |= (uint64_t)buf[i] << (8 * i);
    }
    return val;
}

/* fflags, frm and fcsr are 32 bits wide in gdb's fpu feature; other CSRs 64. */
static int csr_reg_size(int csrno)
{
    return csrno <= CSR_FCSR ? 4 : 8;
}

static int riscv_gdb_read_register(CPUState *cs, uint8_t *buf, int n)
{
    CPURISCVState *env = &RISCV_CPU(cs)->env;
    uint64_t val;

    if (n < 32) {
        return put_reg(buf, env->gpr[n], 8);
    } else if (n == GDB_REG_PC) {
        return put_reg(buf, env->pc, 8);
    } else if (n < GDB_REG_CSR0) {
        return put_reg(buf, env->fpr[n - GDB_REG_F0], 8);
    } else if (n < GDB_REG_PRIV) {
        int csrno = n - GDB_REG_CSR0;
        if (riscv_csrrw_debug(env, csrno, &val, 0, 0) != RISCV_EXCP_NONE) {
            return 0;
        }
        return put_reg(buf, val, csr_reg_size(csrno));
    } else if (n == GDB_REG_PRIV) {
        return put_reg(buf, env->priv, 8);
    } else if (n < GDB_NUM_REGS && RISCV_CPU(cs)->ext_v) {
        unsigned vlenb = RISCV_CPU(cs)->vlen / 8;
        memcpy(buf, &env->vreg[(n - GDB_REG_V0) * vlenb], vlenb); /* element 0 first: LE */
        return (int)vlenb;
    }
    return 0;
}

static int riscv_gdb_write_register(CPUState *cs, const uint8_t *buf, int n)
{
    CPURISCVState *env = &RISCV_CPU(cs)->env;

    if (n < 32) {
        if (n) {
            env->gpr[n] = get_reg(buf, 8);
        }
        return 8;
    } else if (n == GDB_REG_PC) {
        env->pc = get_reg(buf, 8);
        return 8;
    } else if (n < GDB_REG_CSR0) {
        env->fpr[n - GDB_REG_F0] = get_reg(buf, 8);
        return 8;
    } else if (n < GDB_REG_PRIV) {
        int csrno = n - GDB_REG_CSR0, size = csr_reg_size(csrno);
        if (riscv_csrrw_debug(env, csrno, NULL, get_reg(buf, size), ~0ULL) != RISCV_EXCP_NONE) {
            return 0;
        }
        return size;
    } else if (n == GDB_REG_PRIV) {
        uint64_t priv = get_reg(buf, 8);
        /* Only U, S and M exist: anything else is refused rather than stored. */
        if (priv != PRV_U && priv != PRV_S && priv != PRV_M) {
            return 0;
        }
        env->priv = priv;
        tlb_flush(cs);
        return 8;
    } else if (n < GDB_NUM_REGS && RISCV_CPU(cs)->ext_v) {
        unsigned vlenb = RISCV_CPU(cs)->vlen / 8;
        memcpy(&env->vreg[(n - GDB_REG_V0) * vlenb], buf, vlenb);
        return (int)vlenb;
    }
    return 0;
}

/* ---- memory ---- */

/* Page by page, as the hart sees it now; writes may patch ROM like a debugger can. */
static int riscv_memory_rw_debug(CPUState *cs, uint64_t vaddr, void *buf, uint64_t len, bool write)
{
    CPURISCVState *env = &RISCV_CPU(cs)->env;
    uint8_t *p = buf;

    while (len) {
        uint64_t chunk = MIN(len, 4096 - (vaddr & 4095));
        hwaddr paddr = riscv_cpu_get_phys_page_debug(env, vaddr);
        MemTxResult r;

        if (paddr == (hwaddr)-1) {
            return -1;
        }
        r = write ? address_space_write_rom(address_space_memory(), paddr, p, chunk)
                  : address_space_read(address_space_memory(), paddr, p, chunk);
        if (r != MEMTX_OK) {
            return -1;
        }
        vaddr += chunk;
        p += chunk;
        len -= chunk;
    }
    return 0;
}

static hwaddr riscv_get_phys_addr_debug(CPUState *cs, uint64_t vaddr)
{
    return riscv_cpu_get_phys_page_debug(&RISCV_CPU(cs)->env, vaddr);
}

void riscv_cpu_gdb_class_init(CPUClass *cc)
{
    cc->get_phys_addr_debug = riscv_get_phys_addr_debug;
    cc->gdb_arch_name = "riscv:rv64";
    cc->gdb_target_xml = riscv_gdb_target_xml;
    cc->gdb_num_regs = GDB_NUM_REGS;
    cc->gdb_read_register = riscv_gdb_read_register;
    cc->gdb_write_register = riscv_gdb_write_register;
    cc->memory_rw_debug = riscv_memory_rw_debug;
}
