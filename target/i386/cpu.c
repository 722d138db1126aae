/*
 * The x86-64 hart as a device: the abstract TYPE_X86_CPU, the qemu64 model,
 * reset, the INTR line, and the CPUClass hooks the run loop and the monitor
 * use.
 *
 * Spec: SDM Vol. 3A 9.1.1 table 9-1 (processor state after power-up or
 * reset): real mode, CS selector 0xf000 with base 0xffff0000 (so the first
 * fetch is at 0xfffffff0), EIP 0xfff0, EFLAGS 2, CR0 0x60000010, EDX the
 * family/model/stepping, descriptor tables at 0 with limit 0xffff, the x87
 * control word 0x37f after fninit and MXCSR 0x1f80.
 */
#include <inttypes.h>

#include "disas/x86.h"
#include "target/i386/cpu.h"

#include "system/cpus.h"
#include "util/main-loop.h"

/* ---- reset ---- */

static void reset_seg(SegmentCache *sc, uint16_t sel, uint64_t base, uint32_t flags)
{
    *sc = (SegmentCache){.selector = sel, .base = base, .limit = 0xffff, .flags = flags};
}

void x86_cpu_reset(X86CPU *cpu)
{
    CPUX86State *env = &cpu->env;
    /* Present, accessed, read/write data; CS also code. */
    uint32_t data = DESC_P_MASK | DESC_S_MASK | DESC_W_MASK | DESC_A_MASK;

    memset(env, 0, sizeof(*env));
    x86_set_eflags(env, EFLAGS_FIXED);
    env->rip = 0xfff0;
    env->regs[R_EDX] = cpu->cpuid_version;
    env->cr[0] = CR0_ET | CR0_NW | CR0_CD;
    reset_seg(&env->segs[R_CS], 0xf000, 0xffff0000, data | DESC_CS_MASK);
    for (int s = 0; s < X86_NB_SEGS; s++) {
        if (s != R_CS) {
            reset_seg(&env->segs[s], 0, 0, data);
        }
    }
    env->gdt.limit = env->idt.limit = 0xffff;
    env->ldt.limit = env->tr.limit = 0xffff;
    env->ldt.flags = DESC_P_MASK | (2 << DESC_TYPE_SHIFT);
    env->tr.flags = DESC_P_MASK | (11 << DESC_TYPE_SHIFT);
    env->dr[6] = 0xffff0ff0;
    env->dr[7] = 0x400;
    env->pat = 0x0007040600070406ULL;
    env->misc_enable = MISC_ENABLE_FAST_STRING; /* as QEMU's models */
    /* The bootstrap processor's local APIC, enabled, at its usual base. */
    env->apic_base = 0xfee00000 | (1 << 11) | (cpu->parent_obj.cpu_index == 0 ? 1 << 8 : 0);
    env->fpuc = 0x37f;
    env->fptag = 0xff;
    env->xcr0 = XCR0_X87;
    env->mxcsr = 0x1f80;
    atomic_store(&cpu->intr_level, 0);
    /* The application processors wait for the BSP's INIT/SIPI (SDM Vol. 3A 9.4). */
    cpu->wait_sipi = cpu->parent_obj.cpu_index != 0;
    x86_tlb_flush_all(cpu);
}

/* ---- the INTR line ---- */

void x86_cpu_set_intr_ack(X86CPU *cpu, int (*ack)(void *opaque), void *opaque)
{
    cpu->intr_ack = ack;
    cpu->intr_ack_opaque = opaque;
}

void x86_cpu_set_intr(void *opaque, int n, int level)
{
    X86CPU *cpu = opaque;

    atomic_store(&cpu->intr_level, level);
    if (level) {
        cpu_kick(&cpu->parent_obj); /* wake it from hlt */
    }
}

/* ---- CPUClass hooks ---- */

static bool x86_cpu_has_work(CPUState *cs)
{
    X86CPU *cpu = X86_CPU(cs);

    if (x86_cpu_events_pending(cpu)) {
        return true;
    }
    return !cpu->wait_sipi && atomic_load(&cpu->intr_level) && (cpu->env.eflags & IF_MASK);
}

static void x86_cpu_set_pc(CPUState *cs, uint64_t pc)
{
    X86_CPU(cs)->env.rip = pc;
}

static uint64_t x86_cpu_get_pc(CPUState *cs)
{
    return X86_CPU(cs)->env.rip;
}

/* The monitor's $pc is linear, as QEMU's: in real mode at reset, 0xfffffff0, not rip's 0xfff0. */
static uint64_t x86_cpu_monitor_pc(CPUState *cs)
{
    CPUX86State *env = &X86_CPU(cs)->env;

    return env->segs[R_CS].base + env->rip;
}

/* x/i decodes in the mode the CPU runs in now (16, 32 or 64-bit code). */
static int x86_cpu_disas_insn(CPUState *cs, uint64_t pc, const uint8_t *buf, size_t avail,
                              char *line, size_t size)
{
    CPUX86State *env = &X86_CPU(cs)->env;

    return x86_disas_line(pc, buf, avail, x86_code64(env) ? 64 : x86_code_size(env) * 8, line,
                          size);
}

static void x86_cpu_dump_state(CPUState *cs, FILE *out)
{
    static const char *const names[] = {"RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI",
                                        "R8",  "R9",  "R10", "R11", "R12", "R13", "R14", "R15"};
    static const char *const seg_names[] = {"ES", "CS", "SS", "DS", "FS", "GS"};
    CPUX86State *env = &X86_CPU(cs)->env;

    for (int i = 0; i < X86_NB_REGS; i++) {
        fprintf(out, "%s=%016" PRIx64 "%s", names[i], env->regs[i], (i & 3) == 3 ? "\n" : " ");
    }
    fprintf(out, "RIP=%016" PRIx64 " RFL=%08" PRIx64 " CPL=%d\n", env->rip, x86_get_eflags(env),
            x86_cpl(env));
    for (int s = 0; s < X86_NB_SEGS; s++) {
        const SegmentCache *sc = &env->segs[s];
        fprintf(out, "%s =%04x %016" PRIx64 " %08x %08x\n", seg_names[s], sc->selector, sc->base,
                sc->limit, sc->flags);
    }
    fprintf(out, "GDT=     %016" PRIx64 " %08x\nIDT=     %016" PRIx64 " %08x\n", env->gdt.base,
            env->gdt.limit, env->idt.base, env->idt.limit);
    fprintf(out, "CR0=%08" PRIx64 " CR2=%016" PRIx64 " CR3=%016" PRIx64 " CR4=%08" PRIx64 "\n",
            env->cr[0], env->cr[2], env->cr[3], env->cr[4]);
    fprintf(out, "EFER=%016" PRIx64 "\n", env->efer);
}

/* ---- device lifecycle ---- */

static bool x86_cpu_realize(DeviceState *dev, Error **errp)
{
    X86CPU *cpu = X86_CPU(dev);
    X86CPUClass *xcc = X86_CPU_GET_CLASS(dev);

    if (!cpu->as) {
        cpu->as = address_space_memory();
    }
    return !xcc->parent_realize || xcc->parent_realize(dev, errp);
}

static void x86_cpu_dev_reset(DeviceState *dev)
{
    X86CPUClass *xcc = X86_CPU_GET_CLASS(dev);

    if (xcc->parent_reset) {
        xcc->parent_reset(dev);
    }
    x86_cpu_reset(X86_CPU(dev));
    /* Not in x86_cpu_reset, which INIT also runs: a SIPI may already be waiting behind it. */
    atomic_store(&X86_CPU(dev)->pending_events, 0);
}

static void x86_cpu_instance_init(Object *obj)
{
    x86_tlb_init(X86_CPU(obj));
    x86_exec_init(X86_CPU(obj));
}

static void x86_cpu_qemu64_instance_init(Object *obj)
{
    x86_cpu_qemu64_init(X86_CPU(obj));
}

static void x86_cpu_nehalem_instance_init(Object *obj)
{
    x86_cpu_nehalem_init(X86_CPU(obj));
}

static const Property x86_cpu_props[] = {
    DEFINE_PROP_UINT32("apic-id", X86CPU, apic_id, 0),
    DEFINE_PROP_END,
};

static void x86_cpu_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    CPUClass *cc = CPU_CLASS(oc);
    X86CPUClass *xcc = X86_CPU_CLASS(oc);

    xcc->parent_realize = dc->realize;
    xcc->parent_reset = dc->reset;
    dc->realize = x86_cpu_realize;
    dc->reset = x86_cpu_dev_reset;
    dc->desc = "x86-64 hart";
    object_class_add_props(oc, x86_cpu_props);
    x86_cpu_add_feature_props(oc);

    cc->exec = x86_cpu_exec;
    cc->has_work = x86_cpu_has_work;
    cc->set_pc = x86_cpu_set_pc;
    cc->get_pc = x86_cpu_get_pc;
    cc->monitor_pc = x86_cpu_monitor_pc;
    cc->disas_insn = x86_cpu_disas_insn;
    cc->dump_state = x86_cpu_dump_state;
    cc->target_name = "x86_64";
    x86_cpu_gdb_class_init(cc);
}

static const TypeInfo x86_cpu_types[] = {
    {
        .name = TYPE_X86_CPU,
        .parent = TYPE_CPU,
        .instance_size = sizeof(X86CPU),
        .class_size = sizeof(X86CPUClass),
        .abstract = true,
        .instance_init = x86_cpu_instance_init,
        .class_init = x86_cpu_class_init,
    },
    {
        .name = X86_CPU_TYPE_NAME("qemu64"),
        .parent = TYPE_X86_CPU,
        .instance_init = x86_cpu_qemu64_instance_init,
    },
    {
        .name = X86_CPU_TYPE_NAME("Nehalem"),
        .parent = TYPE_X86_CPU,
        .instance_init = x86_cpu_nehalem_instance_init,
    },
};

static void x86_cpu_register_types(void)
{
    for (unsigned i = 0; i < ARRAY_SIZE(x86_cpu_types); i++) {
        type_register_static(&x86_cpu_types[i]);
    }
}

type_init(x86_cpu_register_types)
