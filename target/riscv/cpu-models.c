/*
 * The named RISC-V CPU models besides rv64 (whose switches are cpu-config.c's
 * defaults, QEMU 7.2's): what each turns on or off in its instance_init, so
 * `-cpu MODEL,prop=value` still overrides it (the -global defaults come
 * after).
 *
 *   max         every extension Kestrel implements (QEMU: "all extensions")
 *   rva22s64    the RVA22S64 profile, rva23s64 the RVA23S64 one (RVA profiles
 *               1.0 and RVA23 1.0, as QEMU 9.x names the profile CPUs): the
 *               mandatory extensions Kestrel implements, nothing else (no Zbc).
 *               Missing from RVA23S64 until they are written: H (and Sha),
 *               Ssnpm/Supm; riscv,isa says what is on.
 *   sifive-u54, shakti-c   RV64GC with S and U, none of the later Z's
 */
#include "target/riscv/cpu.h"

/* RVA22U64 + RVA22S64 mandatory extensions. */
static const char *const rva22s64_exts[] = {
    "zic64b",  "zicbom",  "zicbop", "zicboz",   "ziccamoa",    "ziccif",  "zicclsm",
    "ziccrse", "zicntr",  "zicsr",  "zifencei", "zihintpause", "zihpm",   "za64rs",
    "zfhmin",  "zba",     "zbb",    "zbs",      "zkt",         "ssccptr", "sscounterenw",
    "sstvala", "sstvecd", "svade",  "svinval",  "svpbmt",
};

/* RVA23U64 + RVA23S64 mandatory extensions besides H (and Sha) and the pointer masking of
 * Ssnpm/Supm (V is a letter: profile_init turns the letters on). */
static const char *const rva23s64_exts[] = {
    "zic64b",    "zicbom",  "zicbop",  "zicboz",    "ziccamoa", "ziccif",    "zicclsm",
    "ziccrse",   "zicond",  "zicntr",  "zicsr",     "zifencei", "zihintntl", "zihintpause",
    "zihpm",     "zimop",   "za64rs",  "zawrs",     "zfa",      "zfhmin",    "zca",
    "zcb",       "zcd",     "zcmop",   "zba",       "zbb",      "zbs",       "zkt",
    "zvbb",      "zvfhmin", "zvkt",    "smstateen", "ssccptr",  "sscofpmf",  "sscounterenw",
    "ssstateen", "sstc",    "sstvala", "sstvecd",   "ssu64xl",  "svade",     "svinval",
    "svnapot",   "svpbmt",
};

static void riscv_cpu_max_init(Object *obj)
{
    riscv_cpu_enable_all_exts(RISCV_CPU(obj));
}

/* Start from RV64GC with no multi-letter extension, then switch on the profile's list
 * (those Kestrel implements: riscv_cpu_set_ext refuses the others). */
static void profile_init(RISCVCPU *cpu, const char *const *exts, size_t n)
{
    riscv_cpu_enable_all_exts(cpu);
    riscv_cpu_disable_multi_exts(cpu);
    for (size_t i = 0; i < n; i++) {
        riscv_cpu_set_ext(cpu, exts[i], true);
    }
}

/* RVA22S64 leaves H optional (QEMU's profile has no H); RVA23S64 makes it mandatory. */
static void riscv_cpu_rva22s64_init(Object *obj)
{
    profile_init(RISCV_CPU(obj), rva22s64_exts, ARRAY_SIZE(rva22s64_exts));
    RISCV_CPU(obj)->ext_h = false;
    RISCV_CPU(obj)->ext_v = false; /* optional in RVA22 */
}

static void riscv_cpu_rva23s64_init(Object *obj)
{
    profile_init(RISCV_CPU(obj), rva23s64_exts, ARRAY_SIZE(rva23s64_exts));
}

/* SiFive U54 (and Shakti C, the same letters): RV64GC with S and U, none of the later Z's. */
static void riscv_cpu_u54_init(Object *obj)
{
    RISCVCPU *cpu = RISCV_CPU(obj);

    riscv_cpu_disable_multi_exts(cpu);
    cpu->ext_zicsr = cpu->ext_zifencei = true;
    cpu->ext_h = false; /* the U54 and Shakti C cores have no hypervisor */
}

static const TypeInfo riscv_cpu_models[] = {
    {.name = RISCV_CPU_TYPE_NAME("max"),
     .parent = TYPE_RISCV_CPU,
     .instance_init = riscv_cpu_max_init},
    {.name = RISCV_CPU_TYPE_NAME("rva22s64"),
     .parent = TYPE_RISCV_CPU,
     .instance_init = riscv_cpu_rva22s64_init},
    {.name = RISCV_CPU_TYPE_NAME("rva23s64"),
     .parent = TYPE_RISCV_CPU,
     .instance_init = riscv_cpu_rva23s64_init},
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
