/*
 * The configuration of a RISC-V hart: QEMU 7.2's rv64 properties (extension
 * switches, mmu, pmp, mvendorid/marchid/mimpid, priv_spec...), the named
 * models built on them, and what follows from them: misa, the device tree's
 * riscv,isa and mmu-type, and which decoded instructions exist.
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
 * Not modelled: s=off/u=off (the harts always have S and U modes, so both are
 * refused, and so is the sifive-e51 model, which has no S mode), priv_spec
 * other than v1.12.0, pmu-num other than 16, instruction-address-misaligned
 * traps on jumps to 2-byte boundaries when c=off.
 *
 * Spec: Volume II (privileged, 20211203) 3.1.1 misa; Volume I chapter 27 for
 * the ISA string's canonical order (single letters IEMAFDQCPVH, then the Z
 * extensions, then the S ones).
 */
#include "target/riscv/cpu.h"
#include "target/riscv/decode.h"

#define MISA_EXT(c) (1ULL << ((c) - 'A'))
#define MISA_MXL_64 (2ULL << 62)

/* QEMU 7.2 rv64 switches of extensions Kestrel lacks (index into cpu->unimplemented). */
static const char *const unimplemented_names[] = {
    "e",
    "h",
    "v",
    "Zfh",
    "Zfhmin",
    "Zve32f",
    "Zve64f",
    "svinval",
    "svnapot",
    "svpbmt",
    "sscofpmf",
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
    "zkt",
    "zmmul",
    "x-epmp",
    "x-j",
    "x-smaia",
    "x-ssaia",
    "xventanacondops",
    "debug",
    "rvv_ta_all_1s",
    "rvv_ma_all_1s",
};
#define UNIMPL_E 0 /* "e": QEMU checks it against "i" before anything else */

#define EXT_PROP(name, field, def) DEFINE_PROP_BOOL(name, RISCVCPU, field, def)

static const Property riscv_cpu_config_props[] = {
    EXT_PROP("i", ext_i, true),
    EXT_PROP("m", ext_m, true),
    EXT_PROP("a", ext_a, true),
    EXT_PROP("f", ext_f, true),
    EXT_PROP("d", ext_d, true),
    EXT_PROP("c", ext_c, true),
    EXT_PROP("s", ext_s, true),
    EXT_PROP("u", ext_u, true),
    EXT_PROP("g", ext_g, false),
    EXT_PROP("Zicsr", ext_zicsr, true),
    EXT_PROP("Zifencei", ext_zifencei, true),
    EXT_PROP("Zihintpause", ext_zihintpause, true),
    EXT_PROP("zba", ext_zba, true),
    EXT_PROP("zbb", ext_zbb, true),
    EXT_PROP("zbc", ext_zbc, true),
    EXT_PROP("zbs", ext_zbs, true),
    EXT_PROP("sstc", ext_sstc, true),
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
    DEFINE_PROP_END,
};

void riscv_cpu_config_class_init(ObjectClass *oc)
{
    /* One bool property per missing extension, pointing into cpu->unimplemented[]. */
    static Property unimpl_props[ARRAY_SIZE(unimplemented_names) + 1];

    _Static_assert(ARRAY_SIZE(unimplemented_names) <= ARRAY_SIZE(((RISCVCPU *)0)->unimplemented),
                   "unimplemented[] too small");
    object_class_add_props(oc, riscv_cpu_config_props);
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
    };
    uint64_t misa = MISA_MXL_64;

    for (size_t i = 0; i < ARRAY_SIZE(letters); i++) {
        misa |= letters[i].on ? MISA_EXT(letters[i].letter) : 0;
    }
    return misa;
}

/* "rv64" + the single letters in canonical order + "_z..." (unless short-isa-string). */
static char *build_isa_string(RISCVCPU *cpu)
{
    const struct {
        bool on;
        const char *name;
    } multi[] = {
        {cpu->ext_zicsr, "zicsr"},
        {cpu->ext_zifencei, "zifencei"},
        {cpu->ext_zihintpause, "zihintpause"},
        {cpu->ext_zba, "zba"},
        {cpu->ext_zbb, "zbb"},
        {cpu->ext_zbc, "zbc"},
        {cpu->ext_zbs, "zbs"},
        {cpu->ext_sstc, "sstc"},
    };
    static const char order[] = "IEMAFDQCPVH";
    char buf[256] = "rv64";
    size_t len = strlen(buf);

    for (const char *p = order; *p; p++) {
        if (riscv_cpu_misa(cpu) & MISA_EXT(*p)) {
            buf[len++] = *p - 'A' + 'a';
        }
    }
    buf[len] = '\0';
    for (size_t i = 0; !cpu->short_isa_string && i < ARRAY_SIZE(multi); i++) {
        if (multi[i].on) {
            snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "_%s", multi[i].name);
        }
    }
    return xstrdup(buf);
}

bool riscv_cpu_config_realize(RISCVCPU *cpu, Error **errp)
{
    return check_qemu_rules(cpu, errp) && check_implemented(cpu, errp);
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

bool riscv_cpu_insn_enabled(RISCVCPU *cpu, const DecodedInsn *d)
{
    unsigned op = d->op;

    if (d->len == 2 && !cpu->ext_c) {
        return false;
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

/* ---- named models (QEMU 7.2's for virt besides rv64) ---- */

/* SiFive U54 (and Shakti C, the same letters): RV64GC with S and U, none of the later Z's. */
static void riscv_cpu_u54_init(Object *obj)
{
    RISCVCPU *cpu = RISCV_CPU(obj);

    cpu->ext_zihintpause = cpu->ext_zba = cpu->ext_zbb = cpu->ext_zbc = cpu->ext_zbs = false;
    cpu->ext_sstc = false;
}

static const TypeInfo riscv_cpu_models[] = {
    {.name = RISCV_CPU_TYPE_NAME("sifive-u54"),
     .parent = TYPE_RISCV_CPU,
     .instance_init = riscv_cpu_u54_init},
    {.name = RISCV_CPU_TYPE_NAME("shakti-c"),
     .parent = TYPE_RISCV_CPU,
     .instance_init = riscv_cpu_u54_init},
};

void riscv_cpu_register_models(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(riscv_cpu_models); i++) {
        type_register_static(&riscv_cpu_models[i]);
    }
}
