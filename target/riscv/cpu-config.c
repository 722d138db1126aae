/*
 * The configuration of a RISC-V hart: QEMU 7.2's rv64 properties (extension
 * switches, mmu, pmp, mvendorid/marchid/mimpid, priv_spec...) and the RVA23
 * set's switches under QEMU 9.x's names, and what follows from them: misa,
 * the device tree's riscv,isa, riscv,isa-extensions and mmu-type, and which
 * decoded instructions exist. The named models are in cpu-models.c.
 *
 * `-cpu rv64,c=off,mmu=off` reaches these properties as -global defaults of
 * the model's type (system/vl.c), as in QEMU, so every hart gets them.
 * riscv_cpu_config_realize checks them with QEMU 7.2's rules and messages,
 * and refuses a switch turned on for an extension Kestrel does not implement
 * rather than pretend. What the switches change:
 *   i m a f d c     misa letters; instructions of a switched-off extension
 *                   decode as illegal (a compressed one when c=off)
 *   zba zbb zbc zbs those instructions; Zicsr/Zifencei/Zihintpause the ISA
 *                   string (a hart without Zicsr cannot have F, as in QEMU)
 *   sstc, pmp       the CSRs exist or not (csr.c, pmp.c)
 *   mmu=off         satp reads zero and ignores writes; mmu-type "riscv,none"
 *   the RVA23 set   instructions (Zicond, Zimop, Zcb, Zcmop, Zawrs, Zicbom,
 *                   Zicboz, Zfh/Zfhmin, Zfa, Svinval), CSRs and fields
 *                   (Smstateen/Ssstateen, Sscofpmf, envcfg bits), page-table
 *                   rules (Svpbmt, Svnapot, Svade/Svadu); Zicbop, Zihintntl
 *                   are HINTs; Zca/Zcd are C's subsets (compressed code
 *                   with c=off); Zkt, Sstvecd, Sstvala, Sscounterenw,
 *                   Zicntr, Zihpm, Ziccamoa, Ziccif, Zicclsm, Ziccrse,
 *                   Za64rs, Ssccptr, Ssu64xl (and Zic64b, checked against
 *                   the block sizes) state what every hart here does: their
 *                   switches change only the ISA strings.
 * Not modelled: s=off/u=off (the harts always have S and U modes, so both are
 * refused, and so is the sifive-e51 model, which has no S mode), priv_spec
 * other than v1.12.0, pmu-num other than 16, instruction-address-misaligned
 * traps on jumps to 2-byte boundaries when c=off.
 *
 * Spec: Volume II (privileged, 20211203) 3.1.1 misa; Volume I chapter 27 for
 * the ISA string's canonical order (single letters IEMAFDQCPVH, then the Z
 * extensions, then the S ones).
 */
#include <assert.h>

#include "target/riscv/cpu.h"
#include "target/riscv/decode.h"

#define MISA_EXT(c) (1ULL << ((c) - 'A'))
#define MISA_MXL_64 (2ULL << 62)

/* QEMU 7.2 rv64 switches of extensions Kestrel lacks (index into cpu->unimplemented). */
static const char *const unimplemented_names[] = {
    "e",
    "Zve32f",
    "Zve64f",
    "zbkb",
    "zbkc",
    "zbkx",
    "zdinx",
    "zfinx",
    "zhinx",
    "zhinxmin",
    "zk",
    "zkn",
    "zknd",
    "zkne",
    "zknh",
    "zkr",
    "zks",
    "zksed",
    "zksh",
    "zmmul",
    "x-epmp",
    "x-j",
    "xventanacondops",
    "debug",
    "rvv_ta_all_1s",
    "rvv_ma_all_1s",
};
#define UNIMPL_E 0 /* "e": QEMU checks it against "i" before anything else */

/*
 * The multi-letter extensions, in the ISA string's canonical order (QEMU 9.x's): Z ones by
 * their category letter (I, M, A, F, C, B, K), then the S ones, each group alphabetically.
 * prop is QEMU's property name, alias QEMU 7.2's capitalised spelling where it had one.
 * rv64: on in QEMU 7.2's rv64 (the new ones are all off there, as they are absent or off in
 * 7.2); impl: Kestrel implements it (an unimplemented switch is refused when on, and -cpu
 * max leaves it off).
 */
typedef struct RISCVMultiExt {
    const char *prop, *alias;
    size_t offset;
    bool rv64, impl;
} RISCVMultiExt;

#define MULTI(prop, alias, field, rv64, impl)                                                      \
    {                                                                                              \
        prop, alias, offsetof(RISCVCPU, field), rv64, impl                                         \
    }

static const RISCVMultiExt multi_exts[] = {
    MULTI("zic64b", NULL, ext_zic64b, false, true),
    MULTI("zicbom", NULL, ext_zicbom, false, true),
    MULTI("zicbop", NULL, ext_zicbop, false, true),
    MULTI("zicboz", NULL, ext_zicboz, false, true),
    MULTI("ziccamoa", NULL, ext_ziccamoa, false, true),
    MULTI("ziccif", NULL, ext_ziccif, false, true),
    MULTI("zicclsm", NULL, ext_zicclsm, false, true),
    MULTI("ziccrse", NULL, ext_ziccrse, false, true),
    MULTI("zicond", NULL, ext_zicond, false, true),
    MULTI("zicntr", NULL, ext_zicntr, false, true),
    MULTI("zicsr", "Zicsr", ext_zicsr, true, true),
    MULTI("zifencei", "Zifencei", ext_zifencei, true, true),
    MULTI("zihintntl", NULL, ext_zihintntl, false, true),
    MULTI("zihintpause", "Zihintpause", ext_zihintpause, true, true),
    MULTI("zihpm", NULL, ext_zihpm, false, true),
    MULTI("zimop", NULL, ext_zimop, false, true),
    MULTI("za64rs", NULL, ext_za64rs, false, true),
    MULTI("zawrs", NULL, ext_zawrs, false, true),
    MULTI("zfa", NULL, ext_zfa, false, true),
    MULTI("zfh", "Zfh", ext_zfh, false, true),
    MULTI("zfhmin", "Zfhmin", ext_zfhmin, false, true),
    MULTI("zca", NULL, ext_zca, false, true),
    MULTI("zcb", NULL, ext_zcb, false, true),
    MULTI("zcd", NULL, ext_zcd, false, true),
    MULTI("zcmop", NULL, ext_zcmop, false, true),
    MULTI("zba", NULL, ext_zba, true, true),
    MULTI("zbb", NULL, ext_zbb, true, true),
    MULTI("zbc", NULL, ext_zbc, true, true),
    MULTI("zbs", NULL, ext_zbs, true, true),
    MULTI("zkt", NULL, ext_zkt, false, true),
    MULTI("zvbb", NULL, ext_zvbb, false, true),
    MULTI("zvfhmin", NULL, ext_zvfhmin, false, true),
    MULTI("zvkt", NULL, ext_zvkt, false, true),
    MULTI("smaia", "x-smaia", ext_smaia, false, true),
    MULTI("smstateen", NULL, ext_smstateen, false, true),
    MULTI("ssaia", "x-ssaia", ext_ssaia, false, true),
    MULTI("ssccptr", NULL, ext_ssccptr, false, true),
    MULTI("sscofpmf", NULL, ext_sscofpmf, false, true),
    MULTI("sscounterenw", NULL, ext_sscounterenw, false, true),
    MULTI("ssstateen", NULL, ext_ssstateen, false, true),
    MULTI("sstc", NULL, ext_sstc, true, true),
    MULTI("sstvala", NULL, ext_sstvala, false, true),
    MULTI("sstvecd", NULL, ext_sstvecd, false, true),
    MULTI("ssu64xl", NULL, ext_ssu64xl, false, true),
    MULTI("svade", NULL, ext_svade, false, true),
    MULTI("svadu", NULL, ext_svadu, false, true),
    MULTI("svinval", NULL, ext_svinval, false, true),
    MULTI("svnapot", NULL, ext_svnapot, false, true),
    MULTI("svpbmt", NULL, ext_svpbmt, false, true),
};

static bool *multi_ext_field(RISCVCPU *cpu, const RISCVMultiExt *e)
{
    return (bool *)((char *)cpu + e->offset);
}

bool riscv_cpu_set_ext(RISCVCPU *cpu, const char *name, bool on)
{
    for (size_t i = 0; i < ARRAY_SIZE(multi_exts); i++) {
        if (!strcmp(multi_exts[i].prop, name)) {
            *multi_ext_field(cpu, &multi_exts[i]) = on && multi_exts[i].impl;
            return multi_exts[i].impl || !on;
        }
    }
    return false;
}

void riscv_cpu_enable_all_exts(RISCVCPU *cpu)
{
    cpu->ext_i = cpu->ext_m = cpu->ext_a = cpu->ext_f = cpu->ext_d = cpu->ext_c = true;
    cpu->ext_h = true;
    cpu->ext_v = true;
    for (size_t i = 0; i < ARRAY_SIZE(multi_exts); i++) {
        *multi_ext_field(cpu, &multi_exts[i]) = multi_exts[i].impl;
    }
}

void riscv_cpu_disable_multi_exts(RISCVCPU *cpu)
{
    for (size_t i = 0; i < ARRAY_SIZE(multi_exts); i++) {
        *multi_ext_field(cpu, &multi_exts[i]) = false;
    }
}

/* Does the hart have an extension QEMU 7.2's rv64 lacks? (Then the device tree also carries
 * riscv,isa-base/riscv,isa-extensions, as QEMU 9.x writes them; rv64 stays as 7.2's.) */
bool riscv_cpu_has_new_exts(RISCVCPU *cpu)
{
    for (size_t i = 0; i < ARRAY_SIZE(multi_exts); i++) {
        if (!multi_exts[i].rv64 && *multi_ext_field(cpu, &multi_exts[i])) {
            return true;
        }
    }
    return false;
}

#define EXT_PROP(name, field, def) DEFINE_PROP_BOOL(name, RISCVCPU, field, def)

static const Property riscv_cpu_config_props[] = {
    EXT_PROP("i", ext_i, true),
    EXT_PROP("m", ext_m, true),
    EXT_PROP("a", ext_a, true),
    EXT_PROP("f", ext_f, true),
    EXT_PROP("d", ext_d, true),
    EXT_PROP("c", ext_c, true),
    EXT_PROP("v", ext_v, false),
    EXT_PROP("s", ext_s, true),
    EXT_PROP("u", ext_u, true),
    EXT_PROP("h", ext_h, true),
    EXT_PROP("g", ext_g, false),
    DEFINE_PROP_BOOL("pmp", RISCVCPU, pmp, true),
    DEFINE_PROP_BOOL("mmu", RISCVCPU, mmu, true),
    DEFINE_PROP_BOOL("short-isa-string", RISCVCPU, short_isa_string, false),
    DEFINE_PROP_UINT32("mvendorid", RISCVCPU, mvendorid, 0),
    DEFINE_PROP_SIZE("marchid", RISCVCPU, marchid, 0),
    DEFINE_PROP_SIZE("mimpid", RISCVCPU, mimpid, 0),
    DEFINE_PROP_STRING("priv_spec", RISCVCPU, priv_spec),
    DEFINE_PROP_STRING("vext_spec", RISCVCPU, vext_spec),
    DEFINE_PROP_UINT32("vlen", RISCVCPU, vlen, 128),
    DEFINE_PROP_UINT32("elen", RISCVCPU, elen, 64),
    DEFINE_PROP_UINT32("pmu-num", RISCVCPU, pmu_num, 16),
    DEFINE_PROP_UINT32("cbom_blocksize", RISCVCPU, cbom_blocksize, 64),
    DEFINE_PROP_UINT32("cbop_blocksize", RISCVCPU, cbop_blocksize, 64),
    DEFINE_PROP_UINT32("cboz_blocksize", RISCVCPU, cboz_blocksize, 64),
    DEFINE_PROP_END,
};

void riscv_cpu_config_class_init(ObjectClass *oc)
{
    /* One bool property per missing extension, pointing into cpu->unimplemented[]. */
    static Property unimpl_props[ARRAY_SIZE(unimplemented_names) + 1];
    static Property ext_props[2 * ARRAY_SIZE(multi_exts) + 1];
    size_t n = 0;

    _Static_assert(ARRAY_SIZE(unimplemented_names) <= ARRAY_SIZE(((RISCVCPU *)0)->unimplemented),
                   "unimplemented[] too small");
    object_class_add_props(oc, riscv_cpu_config_props);
    for (size_t i = 0; i < ARRAY_SIZE(multi_exts); i++) {
        const RISCVMultiExt *e = &multi_exts[i];
        ext_props[n++] = (Property){.name = e->prop,
                                    .type = PROP_BOOL,
                                    .offset = e->offset,
                                    .defval.b = e->rv64,
                                    .description = e->impl ? NULL : "not implemented by Kestrel"};
        if (e->alias) {
            ext_props[n] = ext_props[n - 1];
            ext_props[n++].name = e->alias;
        }
    }
    ext_props[n] = (Property)DEFINE_PROP_END;
    object_class_add_props(oc, ext_props);
    for (size_t i = 0; i < ARRAY_SIZE(unimplemented_names); i++) {
        unimpl_props[i] = (Property)DEFINE_PROP(
            unimplemented_names[i], PROP_BOOL, RISCVCPU, unimplemented[0],
            .description = "not implemented by Kestrel: only off is accepted");
        unimpl_props[i].offset += i * sizeof(bool);
    }
    unimpl_props[ARRAY_SIZE(unimplemented_names)] = (Property)DEFINE_PROP_END;
    object_class_add_props(oc, unimpl_props);
}

/* ---- realize: QEMU 7.2's checks, then ours ---- */

static bool check_qemu_rules(RISCVCPU *cpu, Error **errp)
{
    if (cpu->ext_g) {
        cpu->ext_i = cpu->ext_m = cpu->ext_a = cpu->ext_f = cpu->ext_d = true;
        cpu->ext_zicsr = cpu->ext_zifencei = true;
    }
    if (!cpu->ext_i && !cpu->unimplemented[UNIMPL_E]) {
        error_setg(errp, "Either I or E extension must be set");
    } else if (cpu->ext_i && cpu->unimplemented[UNIMPL_E]) {
        error_setg(errp, "I and E extensions are incompatible");
    } else if (cpu->ext_s && !cpu->ext_u) {
        error_setg(errp, "Setting S extension without U extension is illegal");
    } else if (cpu->ext_f && !cpu->ext_zicsr) {
        error_setg(errp, "F extension requires Zicsr");
    } else if (cpu->ext_d && !cpu->ext_f) {
        error_setg(errp, "D extension requires F extension");
    } else {
        return true;
    }
    return false;
}

static bool check_implemented(RISCVCPU *cpu, Error **errp)
{
    const char *type = object_get_typename(OBJECT(cpu));

    for (size_t i = 0; i < ARRAY_SIZE(unimplemented_names); i++) {
        if (cpu->unimplemented[i]) {
            error_setg(errp, "%s: %s=on: Kestrel does not implement this extension", type,
                       unimplemented_names[i]);
            return false;
        }
    }
    if (!cpu->ext_i || !cpu->ext_s || !cpu->ext_u) {
        error_setg(errp, "%s: %s=off: Kestrel's harts always have %s", type,
                   !cpu->ext_i   ? "i"
                   : !cpu->ext_s ? "s"
                                 : "u",
                   !cpu->ext_i ? "the I base" : "S and U modes");
        return false;
    }
    for (size_t i = 0; i < ARRAY_SIZE(multi_exts); i++) {
        if (!multi_exts[i].impl && *multi_ext_field(cpu, &multi_exts[i])) {
            error_setg(errp, "%s: %s=on: Kestrel does not implement this extension", type,
                       multi_exts[i].prop);
            return false;
        }
    }
    if (cpu->priv_spec && strcmp(cpu->priv_spec, "v1.12.0") != 0) {
        error_setg(errp, "%s: priv_spec=%s: Kestrel implements only v1.12.0", type, cpu->priv_spec);
        return false;
    }
    if (cpu->vext_spec && strcmp(cpu->vext_spec, "v1.0") != 0) {
        error_setg(errp, "%s: vext_spec=%s: Unsupported vector spec version", type, cpu->vext_spec);
        return false;
    }
    if (cpu->pmu_num != 16) {
        error_setg(errp, "%s: pmu-num=%u: Kestrel's harts have 16 programmable counters", type,
                   cpu->pmu_num);
        return false;
    }
    return true;
}

uint64_t riscv_cpu_misa(RISCVCPU *cpu)
{
    const struct {
        bool on;
        char letter;
    } letters[] = {
        {cpu->ext_i, 'I'}, {cpu->ext_m, 'M'}, {cpu->ext_a, 'A'}, {cpu->ext_f, 'F'},
        {cpu->ext_d, 'D'}, {cpu->ext_c, 'C'}, {cpu->ext_s, 'S'}, {cpu->ext_u, 'U'},
        {cpu->ext_v, 'V'}, {cpu->ext_h, 'H'},
    };
    uint64_t misa = MISA_MXL_64;

    for (size_t i = 0; i < ARRAY_SIZE(letters); i++) {
        misa |= letters[i].on ? MISA_EXT(letters[i].letter) : 0;
    }
    return misa;
}

/* The single letters of misa in canonical order, lower case ("imafdc"). */
static void isa_letters(RISCVCPU *cpu, char *buf)
{
    static const char order[] = "IEMAFDQCPVH";

    for (const char *p = order; *p; p++) {
        if (riscv_cpu_misa(cpu) & MISA_EXT(*p)) {
            *buf++ = *p - 'A' + 'a';
        }
    }
    *buf = '\0';
}

/* "rv64" + the single letters in canonical order + "_z..." (unless short-isa-string). */
static char *build_isa_string(RISCVCPU *cpu)
{
    char buf[1024] = "rv64";

    isa_letters(cpu, buf + 4);
    for (size_t i = 0; !cpu->short_isa_string && i < ARRAY_SIZE(multi_exts); i++) {
        if (*multi_ext_field(cpu, &multi_exts[i])) {
            snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "_%s", multi_exts[i].prop);
        }
    }
    return xstrdup(buf);
}

size_t riscv_isa_extensions(RISCVCPU *cpu, char *buf, size_t size)
{
    char letters[16];
    size_t len = 0;

    isa_letters(cpu, letters);
    for (const char *p = letters; *p; p++) {
        len += snprintf(buf + len, size - MIN(len, size), "%c", *p) + 1;
    }
    for (size_t i = 0; i < ARRAY_SIZE(multi_exts); i++) {
        if (*multi_ext_field(cpu, &multi_exts[i])) {
            len += snprintf(buf + len, size - MIN(len, size), "%s", multi_exts[i].prop) + 1;
        }
    }
    assert(len <= size);
    return len;
}

/* The dependencies between the newer extensions, with QEMU 9.x's messages. */
static bool check_dependencies(RISCVCPU *cpu, Error **errp)
{
    const struct {
        uint32_t size;
        const char *name;
    } blocks[] = {{cpu->cbom_blocksize, "cbom_blocksize"},
                  {cpu->cbop_blocksize, "cbop_blocksize"},
                  {cpu->cboz_blocksize, "cboz_blocksize"}};
    bool zca = cpu->ext_zca || cpu->ext_c;

    for (size_t i = 0; i < ARRAY_SIZE(blocks); i++) {
        if (blocks[i].size < 16 || blocks[i].size > 4096 ||
            (blocks[i].size & (blocks[i].size - 1))) {
            error_setg(errp, "%s=%u: must be a power of 2 from 16 to 4096", blocks[i].name,
                       blocks[i].size);
            return false;
        }
    }
    if ((cpu->ext_zcb || cpu->ext_zcmop || cpu->ext_zcd) && !zca) {
        error_setg(errp, "Zcb/Zcmop/Zcd extensions require Zca extension");
    } else if (cpu->ext_zcd && !cpu->ext_d) {
        error_setg(errp, "Zcd extension requires D extension");
    } else if ((cpu->ext_zfh || cpu->ext_zfhmin || cpu->ext_zfa) && !cpu->ext_f) {
        error_setg(errp, "Zfh/Zfhmin/Zfa extensions require F extension");
    } else if (cpu->ext_zic64b && (cpu->cbom_blocksize != 64 || cpu->cbop_blocksize != 64 ||
                                   cpu->cboz_blocksize != 64)) {
        error_setg(errp, "zic64b: cbom/cbop/cboz_blocksize must be 64");
    } else if (cpu->ext_ssstateen && !cpu->ext_smstateen) {
        error_setg(errp, "Ssstateen extension requires Smstateen extension");
    } else if ((cpu->ext_zvbb || cpu->ext_zvfhmin || cpu->ext_zvkt) && !cpu->ext_v) {
        error_setg(errp, "Zvbb/Zvfhmin/Zvkt extensions require V extension");
    } else if ((cpu->ext_zicntr || cpu->ext_zihpm) && !cpu->ext_zicsr) {
        error_setg(errp, "Zicntr/Zihpm extensions require Zicsr extension");
    } else {
        return true;
    }
    return false;
}

/* V: VLEN and ELEN with QEMU 7.2's messages (Kestrel's register file holds VLEN <= 1024). */
static bool check_vector(RISCVCPU *cpu, Error **errp)
{
    if (!cpu->ext_v) {
        return true;
    }
    if (!cpu->ext_d) {
        error_setg(errp, "V extension requires D extension");
    } else if (cpu->vlen & (cpu->vlen - 1)) {
        error_setg(errp, "Vector extension VLEN must be power of 2");
    } else if (cpu->vlen < 128 || cpu->vlen > 8 * RISCV_VLENB_MAX) {
        error_setg(errp,
                   "Vector extension implementation only supports VLEN in the range [128, %d]",
                   8 * RISCV_VLENB_MAX);
    } else if (cpu->elen & (cpu->elen - 1)) {
        error_setg(errp, "Vector extension ELEN must be power of 2");
    } else if (cpu->elen != 32 && cpu->elen != 64) {
        error_setg(errp, "Vector extension implementation only supports ELEN 32 or 64");
    } else {
        return true;
    }
    return false;
}

bool riscv_cpu_config_realize(RISCVCPU *cpu, Error **errp)
{
    return check_qemu_rules(cpu, errp) && check_implemented(cpu, errp) &&
           check_dependencies(cpu, errp) && check_vector(cpu, errp);
}

void riscv_cpu_config_finalize(RISCVCPU *cpu)
{
    free(cpu->isa_string);
    cpu->isa_string = NULL;
}

/* Rebuilt on each call (the device tree asks once per hart), so it follows the switches. */
const char *riscv_isa_string(RISCVCPU *cpu)
{
    free(cpu->isa_string);
    cpu->isa_string = build_isa_string(cpu);
    return cpu->isa_string;
}

const char *riscv_mmu_type(RISCVCPU *cpu)
{
    return cpu->mmu ? "riscv,sv48" : "riscv,none";
}

/* ---- which decoded instructions exist ---- */

/* The extension of the operations added with the RVA23 set; NULL for the others. */
static const bool *rva23_op_ext(RISCVCPU *cpu, unsigned op)
{
    switch (op) {
    case OP_CZERO_EQZ:
    case OP_CZERO_NEZ:
        return &cpu->ext_zicond;
    case OP_MOP:
        return &cpu->ext_zimop;
    case OP_WRS_NTO:
    case OP_WRS_STO:
        return &cpu->ext_zawrs;
    case OP_CBO_INVAL:
    case OP_CBO_CLEAN:
    case OP_CBO_FLUSH:
        return &cpu->ext_zicbom;
    case OP_CBO_ZERO:
        return &cpu->ext_zicboz;
    case OP_SINVAL_VMA:
    case OP_SFENCE_W_INVAL:
    case OP_SFENCE_INVAL_IR:
        return &cpu->ext_svinval;
    default:
        return NULL;
    }
}

/* Zfh/Zfhmin and Zfa operations; -1 for the others. */
static int fp_ext_enabled(RISCVCPU *cpu, unsigned op)
{
    bool half_min = cpu->ext_zfh || cpu->ext_zfhmin;

    switch (op) {
    case OP_FLH:
    case OP_FSH:
    case OP_FMV_X_H:
    case OP_FMV_H_X:
    case OP_FCVT_S_H:
    case OP_FCVT_H_S:
        return half_min;
    case OP_FCVT_D_H:
    case OP_FCVT_H_D:
        return half_min && cpu->ext_d;
    case OP_FCVTMOD_W_D:
        return cpu->ext_zfa && cpu->ext_d;
    }
    if (op >= OP_FMADD_H && op < OP_FLI_S) {
        return cpu->ext_zfh;
    }
    if (op >= OP_FLI_S && op <= OP_FLTQ_H) {
        /* S, D, H triples: the D forms need D, the H forms Zfh */
        unsigned fmt = (op - OP_FLI_S) % 3;
        return cpu->ext_zfa && (fmt == 0 || (fmt == 1 ? cpu->ext_d : cpu->ext_zfh));
    }
    return -1;
}

/* A compressed instruction: C or Zca, and the Zcb/Zcmop/Zcd subsets. */
static bool rvc_enabled(RISCVCPU *cpu, const DecodedInsn *d)
{
    if (!cpu->ext_c && !cpu->ext_zca) {
        return false;
    }
    if (d->ext == RISCV_DEC_ZCB) {
        return cpu->ext_zcb;
    }
    if (d->ext == RISCV_DEC_ZCMOP) {
        return cpu->ext_zcmop;
    }
    return !(d->op == OP_FLD || d->op == OP_FSD) || cpu->ext_c || cpu->ext_zcd;
}

bool riscv_cpu_insn_enabled(RISCVCPU *cpu, const DecodedInsn *d)
{
    unsigned op = d->op;
    const bool *ext = rva23_op_ext(cpu, op);
    int fp_ext = fp_ext_enabled(cpu, op);

    if (d->len == 2 && !rvc_enabled(cpu, d)) {
        return false;
    }
    if (op >= OP_VSETVL && op <= OP_VARITH) {
        return cpu->ext_v;
    }
    if (ext) {
        return *ext;
    }
    if (fp_ext >= 0) {
        return fp_ext;
    }
    if (op >= OP_HLV_B && op <= OP_HFENCE_GVMA) {
        return cpu->ext_h;
    }
    if (op >= OP_MUL && op <= OP_REMUW) {
        return cpu->ext_m;
    }
    if (op >= OP_SH1ADD && op <= OP_SLLI_UW) {
        return cpu->ext_zba;
    }
    if (op >= OP_ANDN && op <= OP_REV8) {
        return cpu->ext_zbb;
    }
    if (op >= OP_CLMUL && op <= OP_CLMULR) {
        return cpu->ext_zbc;
    }
    if (op >= OP_BCLR && op <= OP_BSETI) {
        return cpu->ext_zbs;
    }
    if (op >= OP_LR_W && op <= OP_AMOMAXU_D) {
        return cpu->ext_a;
    }
    if (op == OP_FLW || op == OP_FSW || (op >= OP_FMADD_S && op <= OP_FMV_W_X)) {
        return cpu->ext_f;
    }
    if (op == OP_FLD || op == OP_FSD || (op >= OP_FMADD_D && op <= OP_FCVT_D_S)) {
        return cpu->ext_d;
    }
    if (op >= OP_CSRRW && op <= OP_CSRRCI) {
        return cpu->ext_zicsr;
    }
    return op != OP_FENCE_I || cpu->ext_zifencei;
}
