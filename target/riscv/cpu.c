/*
 * The RISC-V hart as a device: the abstract TYPE_RISCV_CPU, the concrete
 * "rv64" model, reset and the CPUClass hooks the run loop and the monitor
 * use. The extension switches are in cpu-config.c, the other models in
 * cpu-models.c.
 *
 * Spec: Volume II (privileged, 20211203) 3.1.1 (misa), 3.1.6 (mstatus,
 * SXL/UXL), 3.4 "Reset" (M-mode, MIE=0, MPRV=0, pc = reset vector, misa at its
 * widest); RISC-V ISA naming conventions (Volume I chapter 27) for the ISA
 * string, in the canonical order QEMU 7.2 writes to the device tree.
 */
#include <inttypes.h>

#include "accel/tcg/tcg.h"
#include "disas/riscv.h"
#include "target/riscv/cpu.h"
#include "target/riscv/exec.h"
#include "util/timer.h"

/* ---- reset (3.4) ---- */

void riscv_cpu_reset(RISCVCPU *cpu)
{
    CPURISCVState *env = &cpu->env;
    /* The time source and timer are wiring, not architectural state: keep them. */
    uint64_t (*rdtime_fn)(void *) = env->rdtime_fn;
    void *rdtime_opaque = env->rdtime_opaque;
    uint32_t timebase_freq = env->timebase_freq;
    struct Timer *stimer = env->stimer, *pmu_timer = env->pmu_timer, *vstimer = env->vstimer;

    memset(env, 0, sizeof(*env));
    env->rdtime_fn = rdtime_fn;
    env->rdtime_opaque = rdtime_opaque;
    env->timebase_freq = timebase_freq;
    env->stimer = stimer;
    env->pmu_timer = pmu_timer;
    env->vstimer = vstimer;
    if (vstimer) {
        timer_del(vstimer);
    }
    if (stimer) {
        timer_del(stimer);
    }
    if (pmu_timer) {
        timer_del(pmu_timer);
    }

    env->resetvec = cpu->resetvec_prop;
    env->pc = env->resetvec;
    env->priv = PRV_M;
    env->misa = riscv_cpu_misa(cpu); /* from the extension switches (cpu-config.c) */
    env->mhartid = cpu->hartid;
    /* XLEN 64 for S and U; FS starts Off as on QEMU 7.2 (firmware turns it on). */
    env->mstatus = (MSTATUS_XL_64 << MSTATUS_SXL_SHIFT) | (MSTATUS_XL_64 << MSTATUS_UXL_SHIFT);
    env->load_res = -1;
    /* H: the VS-level interrupts are always delegated past M (mideleg read-only one). */
    env->mideleg = cpu->ext_h ? MIP_HS_MASK : 0;
    env->vill = true; /* V: no vtype until the first vsetvl (QEMU 7.2's reset value too) */
    /* As QEMU 9.x: firmware unaware of Svpbmt/Svadu keeps the behaviour it had before them. */
    env->menvcfg = (cpu->ext_svpbmt ? MENVCFG_PBMTE : 0) |
                   (cpu->ext_svadu && !cpu->ext_svade ? MENVCFG_ADUE : 0);
    tlb_flush(&cpu->parent_obj);
    riscv_vtlb_reset(env);
}

/* ---- CPUClass hooks ---- */

static bool riscv_cpu_cs_has_work(CPUState *cs)
{
    return riscv_cpu_has_work(&RISCV_CPU(cs)->env);
}

static void riscv_cpu_set_pc(CPUState *cs, uint64_t pc)
{
    RISCV_CPU(cs)->env.pc = pc;
}

static uint64_t riscv_cpu_get_pc(CPUState *cs)
{
    return RISCV_CPU(cs)->env.pc;
}

/* The CSRs `info registers` shows, in QEMU's order. */
static const int dump_csrs[] = {
    CSR_MHARTID, CSR_MSTATUS, CSR_MISA,  CSR_MIP,      CSR_MIE,      CSR_MIDELEG,
    CSR_MEDELEG, CSR_MTVEC,   CSR_STVEC, CSR_MEPC,     CSR_SEPC,     CSR_MCAUSE,
    CSR_SCAUSE,  CSR_MTVAL,   CSR_STVAL, CSR_MSCRATCH, CSR_SSCRATCH, CSR_SATP,
};

static void riscv_cpu_dump_state(CPUState *cs, FILE *out)
{
    CPURISCVState *env = &RISCV_CPU(cs)->env;

    fprintf(out, " %-8s %016" PRIx64 "\n", "pc", env->pc);
    fprintf(out, " %-8s %" PRIu64 "\n", "priv", env->priv);
    for (unsigned i = 0; i < ARRAY_SIZE(dump_csrs); i++) {
        uint64_t val = 0;
        if (riscv_csrrw_debug(env, dump_csrs[i], &val, 0, 0) == RISCV_EXCP_NONE) {
            fprintf(out, " %-8s %016" PRIx64 "\n", riscv_csr_name(dump_csrs[i]), val);
        }
    }
    for (int i = 0; i < 32; i++) {
        fprintf(out, " x%-2d/%-4s %016" PRIx64 "%s", i, riscv_xreg_names[i], env->gpr[i],
                (i & 3) == 3 ? "\n" : "");
    }
    for (int i = 0; i < 32; i++) {
        fprintf(out, " f%-2d/%-4s %016" PRIx64 "%s", i, riscv_freg_names[i], env->fpr[i],
                (i & 3) == 3 ? "\n" : "");
    }
}

/* ---- device lifecycle ---- */

static bool riscv_cpu_realize(DeviceState *dev, Error **errp)
{
    RISCVCPU *cpu = RISCV_CPU(dev);
    RISCVCPUClass *rcc = RISCV_CPU_GET_CLASS(dev);

    if (!riscv_cpu_config_realize(cpu, errp)) {
        return false;
    }
    /* TYPE_CPU's realize links the hart into first_cpu. */
    if (rcc->parent_realize && !rcc->parent_realize(dev, errp)) {
        return false;
    }
    if (!cpu->env.stimer) {
        cpu->env.stimer = timer_new_ns(CLOCK_VIRTUAL, riscv_stimer_cb, cpu);
    }
    if (!cpu->env.vstimer && cpu->ext_h) {
        cpu->env.vstimer = timer_new_ns(CLOCK_VIRTUAL, riscv_vstimer_cb, cpu);
    }
    if (!cpu->env.pmu_timer) {
        cpu->env.pmu_timer = timer_new_ns(CLOCK_VIRTUAL, riscv_pmu_timer_cb, cpu);
    }
    return true;
}

/* qdev_realize resets after realize, and the machine resets harts on system reset. */
static void riscv_cpu_dev_reset(DeviceState *dev)
{
    RISCVCPUClass *rcc = RISCV_CPU_GET_CLASS(dev);

    if (rcc->parent_reset) {
        rcc->parent_reset(dev);
    }
    riscv_cpu_reset(RISCV_CPU(dev));
}

/* Input line n of the hart: mip bit n follows its level; above those, hgeip bits 1.. */
static void riscv_cpu_irq_line(void *opaque, int n, int level)
{
    if (n >= RISCV_CPU_NUM_IRQ_LINES) {
        riscv_cpu_set_gei(RISCV_CPU(opaque), n - RISCV_CPU_NUM_IRQ_LINES + 1, level);
        return;
    }
    uint64_t mask = 1ULL << n;

    riscv_cpu_update_mip(RISCV_CPU(opaque), mask, level ? mask : 0);
}

void riscv_cpu_set_imsic(RISCVCPU *cpu, bool mmode, const RISCVIMSICOps *ops, void *opaque)
{
    RISCVIMSICLink *link = mmode ? &cpu->imsic_m : &cpu->imsic_s;

    link->ops = ops;
    link->opaque = opaque;
}

void riscv_cpu_set_imsic_guest(RISCVCPU *cpu, unsigned g, const RISCVIMSICOps *ops, void *opaque)
{
    if (g >= 1 && g <= RISCV_CPU_GEI_MAX) {
        cpu->imsic_guest[g] = (RISCVIMSICLink){.ops = ops, .opaque = opaque};
    }
}

void riscv_cpu_set_time_source(RISCVCPU *cpu, uint64_t (*fn)(void *opaque), void *opaque,
                               uint32_t freq)
{
    cpu->env.rdtime_fn = fn;
    cpu->env.rdtime_opaque = opaque;
    cpu->env.timebase_freq = freq;
}

/* The engine reaches this CPU's hooks and TLB through the generic CPUState. */
static void riscv_cpu_instance_init(Object *obj)
{
    RISCVCPU *cpu = RISCV_CPU(obj);

    cpu->parent_obj.tcg_ops = &riscv_tcg_ops;
    cpu->parent_obj.tlb = &cpu->tlb;
    qdev_init_gpio_in(DEVICE(obj), riscv_cpu_irq_line, RISCV_CPU_NUM_IRQ_LINES + RISCV_CPU_GEI_MAX);
}

static void riscv_cpu_finalize(Object *obj)
{
    timer_free(RISCV_CPU(obj)->env.stimer);
    timer_free(RISCV_CPU(obj)->env.pmu_timer);
    timer_free(RISCV_CPU(obj)->env.vstimer);
    riscv_cpu_config_finalize(RISCV_CPU(obj));
}

static const Property riscv_cpu_props[] = {
    DEFINE_PROP_UINT32("hartid", RISCVCPU, hartid, 0),
    DEFINE_PROP_SIZE("resetvec", RISCVCPU, resetvec_prop, 0x1000),
    DEFINE_PROP_END,
};

/* x/i in QEMU's riscv64 layout: the encoding as one hex word, then objdump's text. */
static int riscv_cpu_disas_insn(CPUState *cs, uint64_t pc, const uint8_t *buf, size_t avail,
                                char *line, size_t size)
{
    DisasLine d;
    int len = riscv_disas(pc, buf, avail, &d);
    char raw[12];

    if (len) {
        snprintf(raw, sizeof(raw), "%0*x", len * 2, d.raw);
        snprintf(line, size, "0x%016" PRIx64 ":  %-18s%-24s%s", pc, raw, d.mnemonic, d.operands);
    }
    return len;
}

static void riscv_cpu_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    CPUClass *cc = CPU_CLASS(oc);
    RISCVCPUClass *rcc = RISCV_CPU_CLASS(oc);

    rcc->parent_realize = dc->realize;
    rcc->parent_reset = dc->reset;
    dc->realize = riscv_cpu_realize;
    dc->reset = riscv_cpu_dev_reset;
    dc->desc = "RISC-V hart";
    dc->vmsd = &vmstate_riscv_cpu;
    object_class_add_props(oc, riscv_cpu_props);
    riscv_cpu_config_class_init(oc);

    cc->exec = tcg_cpu_exec;
    cc->has_work = riscv_cpu_cs_has_work;
    cc->set_pc = riscv_cpu_set_pc;
    cc->get_pc = riscv_cpu_get_pc;
    cc->dump_state = riscv_cpu_dump_state;
    cc->target_name = "riscv64";
    cc->disas_insn = riscv_cpu_disas_insn;
    cc->dump_mappings = riscv_cpu_dump_mappings;
    riscv_cpu_gdb_class_init(cc);
}

/* ---- types ---- */

static const TypeInfo riscv_cpu_types[] = {
    {
        .name = TYPE_RISCV_CPU,
        .parent = TYPE_CPU,
        .instance_size = sizeof(RISCVCPU),
        .class_size = sizeof(RISCVCPUClass),
        .abstract = true,
        .class_init = riscv_cpu_class_init,
        .instance_init = riscv_cpu_instance_init,
        .instance_finalize = riscv_cpu_finalize,
    },
    /* rv64: RV64IMAFDC + S/U, Zicsr, Zifencei, Zihintpause, Zba/Zbb/Zbc/Zbs, Sstc, Sv39-57. */
    {.name = TYPE_RISCV_CPU_RV64, .parent = TYPE_RISCV_CPU},
    /* max, rva22s64, rva23s64, sifive-u54, shakti-c: cpu-models.c */
};

static void riscv_cpu_register_types(void)
{
    for (unsigned i = 0; i < ARRAY_SIZE(riscv_cpu_types); i++) {
        type_register_static(&riscv_cpu_types[i]);
    }
    riscv_cpu_register_models();
}

type_init(riscv_cpu_register_types)
