/*
 * The x86 side of the KVM accelerator (include/system/kvm.h): CPUID from the -cpu model,
 * the register state between CPUX86State and KVM, interrupt injection from the INTR line,
 * and port I/O exits to the board's I/O address space. Written against the kernel's
 * Documentation/virt/kvm/api.rst (KVM_SET_CPUID2, KVM_GET/SET_REGS, _SREGS, _MSRS,
 * KVM_INTERRUPT and the interrupt window).
 *
 * What stays inside KVM between exits and is never copied out: the x87/SSE state (no
 * instruction of ours reads it while KVM runs the hart) and the TSC (KVM keeps it counting).
 * The local APIC stays ours (no KVM_CREATE_IRQCHIP), so its events reach the hart as under
 * the interpreter (cpu-events.c): INIT and SIPI change env before it goes into KVM, an AP
 * waiting for its SIPI never enters KVM_RUN, and an NMI is queued with KVM_NMI.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "system/kvm.h"
#include "target/i386/cpu.h"
#include "target/i386/kvm.h"
#include "util/main-loop.h"

#define KVM_MAX_CPUID_ENTRIES 100

/* ---- CPUID ---- */

static struct kvm_cpuid2 *cpuid_alloc(int n)
{
    struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));

    c->nent = n;
    return c;
}

/* Leaves whose answer depends on ECX, and how many subleaves to describe. */
static int subleaf_count(X86CPU *cpu, uint32_t leaf)
{
    uint32_t r[4];

    switch (leaf) {
    case 4:
    case 0xb:
        for (int n = 0; n < 8; n++) {
            x86_cpuid(cpu, leaf, n, r);
            if ((leaf == 4 ? r[0] & 0x1f : (r[2] >> 8) & 0xff) == 0) {
                return n + 1;
            }
        }
        return 8;
    case 7:
        x86_cpuid(cpu, 7, 0, r);
        return MIN(r[0], 3) + 1;
    case 0xd:
        return 2;
    default:
        return 0; /* not indexed */
    }
}

static void cpuid_add(struct kvm_cpuid2 *c, X86CPU *cpu, uint32_t leaf, uint32_t sub, bool indexed)
{
    struct kvm_cpuid_entry2 *e;
    uint32_t r[4];

    if (c->nent == KVM_MAX_CPUID_ENTRIES) {
        return;
    }
    x86_cpuid(cpu, leaf, sub, r);
    e = &c->entries[c->nent++];
    *e = (struct kvm_cpuid_entry2){
        .function = leaf, .index = sub, .eax = r[0], .ebx = r[1], .ecx = r[2], .edx = r[3]};
    e->flags = indexed ? KVM_CPUID_FLAG_SIGNIFCANT_INDEX : 0;
}

/* The model's leaves (0..level and 0x80000000..xlevel), each subleaf of the indexed ones. */
static struct kvm_cpuid2 *model_cpuid(X86CPU *cpu)
{
    struct kvm_cpuid2 *c = cpuid_alloc(KVM_MAX_CPUID_ENTRIES);
    uint32_t ranges[2][2] = {{0, cpu->cpuid_level}, {0x80000000u, cpu->cpuid_xlevel}};

    c->nent = 0;
    for (int r = 0; r < 2; r++) {
        for (uint32_t leaf = ranges[r][0]; leaf <= ranges[r][1]; leaf++) {
            int subs = subleaf_count(cpu, leaf);
            for (int s = 0; s < MAX(subs, 1); s++) {
                cpuid_add(c, cpu, leaf, s, subs > 0);
            }
        }
    }
    return c;
}

/* Feature words the host cannot give the guest are dropped (QEMU filters the same way). */
static void cpuid_filter(struct kvm_cpuid2 *c, const struct kvm_cpuid2 *host)
{
    for (uint32_t i = 0; i < c->nent; i++) {
        struct kvm_cpuid_entry2 *e = &c->entries[i];
        const struct kvm_cpuid_entry2 *h = NULL;

        for (uint32_t j = 0; j < host->nent && !h; j++) {
            if (host->entries[j].function == e->function &&
                (!(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) ||
                 host->entries[j].index == e->index)) {
                h = &host->entries[j];
            }
        }
        if (e->function == 1 || e->function == 7 || e->function == 0x80000001u) {
            e->ecx &= h ? h->ecx : 0;
            e->edx &= h ? h->edx : 0;
            e->ebx &= (e->function == 7 && h) ? h->ebx : (e->function == 7 ? 0 : ~0u);
        }
    }
}

static bool x86_kvm_init_vcpu(CPUState *cs, int kvm_fd, int vcpu_fd, Error **errp)
{
    struct kvm_cpuid2 *host = cpuid_alloc(KVM_MAX_CPUID_ENTRIES * 2);
    struct kvm_cpuid2 *c = model_cpuid(X86_CPU(cs));
    bool ok = true;

    if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, host) < 0) {
        error_setg_errno(errp, errno, "kvm: KVM_GET_SUPPORTED_CPUID");
        ok = false;
    } else {
        cpuid_filter(c, host);
        if (ioctl(vcpu_fd, KVM_SET_CPUID2, c) < 0) {
            error_setg_errno(errp, errno, "kvm: KVM_SET_CPUID2");
            ok = false;
        }
    }
    free(host);
    free(c);
    return ok;
}

/* ---- registers ---- */

void x86_kvm_seg_from_cache(struct kvm_segment *k, const SegmentCache *sc)
{
    uint32_t f = sc->flags;

    *k = (struct kvm_segment){
        .base = sc->base,
        .limit = sc->limit,
        .selector = sc->selector,
        .type = (f >> DESC_TYPE_SHIFT) & 15,
        .s = !!(f & DESC_S_MASK),
        .dpl = (f >> DESC_DPL_SHIFT) & 3,
        .present = !!(f & DESC_P_MASK),
        .avl = (f >> 20) & 1,
        .l = !!(f & DESC_L_MASK),
        .db = !!(f & DESC_B_MASK),
        .g = !!(f & DESC_G_MASK),
        .unusable = !(f & DESC_P_MASK),
    };
}

void x86_kvm_seg_to_cache(SegmentCache *sc, const struct kvm_segment *k)
{
    sc->selector = k->selector;
    sc->base = k->base;
    sc->limit = k->limit;
    sc->flags = (uint32_t)k->type << DESC_TYPE_SHIFT | (k->s ? DESC_S_MASK : 0) |
                (uint32_t)k->dpl << DESC_DPL_SHIFT | (k->present ? DESC_P_MASK : 0) |
                (uint32_t)k->avl << 20 | (k->l ? DESC_L_MASK : 0) | (k->db ? DESC_B_MASK : 0) |
                (k->g ? DESC_G_MASK : 0);
}

/* KVM's kvm_regs order against ours (encoding order: rax rcx rdx rbx rsp rbp rsi rdi). */
#define GPR_MAP(X)                                                                                 \
    X(rax, R_EAX)                                                                                  \
    X(rcx, R_ECX)                                                                                  \
    X(rdx, R_EDX)                                                                                  \
    X(rbx, R_EBX)                                                                                  \
    X(rsp, R_ESP)                                                                                  \
    X(rbp, R_EBP)                                                                                  \
    X(rsi, R_ESI)                                                                                  \
    X(rdi, R_EDI)                                                                                  \
    X(r8, 8) X(r9, 9) X(r10, 10) X(r11, 11) X(r12, 12) X(r13, 13) X(r14, 14) X(r15, 15)

static const int sreg_order[] = {R_CS, R_DS, R_ES, R_FS, R_GS, R_SS};

static struct kvm_segment *sregs_seg(struct kvm_sregs *s, int seg)
{
    switch (seg) {
    case R_CS:
        return &s->cs;
    case R_DS:
        return &s->ds;
    case R_ES:
        return &s->es;
    case R_FS:
        return &s->fs;
    case R_GS:
        return &s->gs;
    default:
        return &s->ss;
    }
}

/* The MSRs a kernel sets up once and KVM keeps: copied both ways. */
static const uint32_t synced_msrs[] = {
    MSR_STAR,
    MSR_LSTAR,
    MSR_CSTAR,
    MSR_FMASK,
    MSR_KERNELGSBASE,
    MSR_IA32_SYSENTER_CS,
    MSR_IA32_SYSENTER_ESP,
    MSR_IA32_SYSENTER_EIP,
    MSR_IA32_PAT,
};

static bool sync_msrs(CPUX86State *env, int vcpu_fd, bool put, Error **errp)
{
    enum { N = ARRAY_SIZE(synced_msrs) };
    struct {
        struct kvm_msrs hdr;
        struct kvm_msr_entry e[N];
    } m = {.hdr.nmsrs = N};

    for (int i = 0; i < N; i++) {
        m.e[i].index = synced_msrs[i];
        m.e[i].data = put ? *x86_msr_field(env, synced_msrs[i]) : 0;
    }
    if (ioctl(vcpu_fd, put ? KVM_SET_MSRS : KVM_GET_MSRS, &m) != N) {
        error_setg(errp, "kvm: %s of the system MSRs failed",
                   put ? "KVM_SET_MSRS" : "KVM_GET_MSRS");
        return false;
    }
    for (int i = 0; !put && i < N; i++) {
        *x86_msr_field(env, synced_msrs[i]) = m.e[i].data;
    }
    return true;
}

static bool x86_kvm_put_registers(CPUState *cs, int vcpu_fd, Error **errp)
{
    CPUX86State *env = &X86_CPU(cs)->env;
    struct kvm_regs regs = {.rip = env->rip, .rflags = x86_get_eflags(env)};
    struct kvm_sregs sregs = {0};

#define PUT_GPR(k, i) regs.k = env->regs[i];
    GPR_MAP(PUT_GPR)
#undef PUT_GPR
    for (size_t i = 0; i < ARRAY_SIZE(sreg_order); i++) {
        x86_kvm_seg_from_cache(sregs_seg(&sregs, sreg_order[i]), &env->segs[sreg_order[i]]);
    }
    x86_kvm_seg_from_cache(&sregs.tr, &env->tr);
    x86_kvm_seg_from_cache(&sregs.ldt, &env->ldt);
    sregs.gdt = (struct kvm_dtable){.base = env->gdt.base, .limit = env->gdt.limit};
    sregs.idt = (struct kvm_dtable){.base = env->idt.base, .limit = env->idt.limit};
    sregs.cr0 = env->cr[0], sregs.cr2 = env->cr[2], sregs.cr3 = env->cr[3];
    sregs.cr4 = env->cr[4], sregs.cr8 = env->cr8, sregs.efer = env->efer;
    sregs.apic_base = env->apic_base;
    if (ioctl(vcpu_fd, KVM_SET_REGS, &regs) < 0 || ioctl(vcpu_fd, KVM_SET_SREGS, &sregs) < 0) {
        error_setg_errno(errp, errno, "kvm: KVM_SET_REGS/SREGS");
        return false;
    }
    return sync_msrs(env, vcpu_fd, true, errp);
}

static bool x86_kvm_get_registers(CPUState *cs, int vcpu_fd, Error **errp)
{
    CPUX86State *env = &X86_CPU(cs)->env;
    struct kvm_regs regs;
    struct kvm_sregs sregs;

    if (ioctl(vcpu_fd, KVM_GET_REGS, &regs) < 0 || ioctl(vcpu_fd, KVM_GET_SREGS, &sregs) < 0) {
        error_setg_errno(errp, errno, "kvm: KVM_GET_REGS/SREGS");
        return false;
    }
#define GET_GPR(k, i) env->regs[i] = regs.k;
    GPR_MAP(GET_GPR)
#undef GET_GPR
    env->rip = regs.rip;
    x86_set_eflags(env, regs.rflags);
    for (size_t i = 0; i < ARRAY_SIZE(sreg_order); i++) {
        x86_kvm_seg_to_cache(&env->segs[sreg_order[i]], sregs_seg(&sregs, sreg_order[i]));
    }
    x86_kvm_seg_to_cache(&env->tr, &sregs.tr);
    x86_kvm_seg_to_cache(&env->ldt, &sregs.ldt);
    env->gdt.base = sregs.gdt.base, env->gdt.limit = sregs.gdt.limit;
    env->idt.base = sregs.idt.base, env->idt.limit = sregs.idt.limit;
    env->cr[0] = sregs.cr0, env->cr[2] = sregs.cr2, env->cr[3] = sregs.cr3;
    env->cr[4] = sregs.cr4, env->cr8 = sregs.cr8, env->efer = sregs.efer;
    env->apic_base = sregs.apic_base;
    return sync_msrs(env, vcpu_fd, false, errp);
}

/* ---- exits ---- */

/* The hart's view: its local APIC page over system memory. */
static AddressSpace *x86_kvm_mmio_as(CPUState *cs)
{
    return X86_CPU(cs)->as;
}

/*
 * Entering exec: INIT and SIPI latched by an APIC act on env before the registers go to KVM
 * (an AP's first entry, and one kicked out of KVM_RUN by an INIT). An AP waiting for its
 * SIPI must not run: at reset it would start at the reset vector beside the BSP.
 */
static int x86_kvm_cpu_events(CPUState *cs)
{
    X86CPU *cpu = X86_CPU(cs);

    x86_cpu_handle_init_sipi(cpu);
    return cpu->wait_sipi ? EXCP_HLT : 0;
}

/* Deliver the INTR line's vector when the guest can take it, else ask to hear when it can;
 * a latched NMI first (KVM_NMI queues it; KVM delivers it when the guest can take it). */
static void x86_kvm_pre_run(CPUState *cs, int vcpu_fd, struct kvm_run *run)
{
    X86CPU *cpu = X86_CPU(cs);

    if (x86_cpu_take_nmi(cpu) && ioctl(vcpu_fd, KVM_NMI) < 0) {
        error_report("kvm: KVM_NMI: %s", strerror(errno));
    }

    if (!atomic_load(&cpu->intr_level)) {
        run->request_interrupt_window = 0;
        return;
    }
    if (run->ready_for_interrupt_injection && run->if_flag && cpu->intr_ack) {
        bql_lock();
        struct kvm_interrupt irq = {.irq = cpu->intr_ack(cpu->intr_ack_opaque)};
        bql_unlock();
        if (ioctl(vcpu_fd, KVM_INTERRUPT, &irq) < 0) {
            error_report("kvm: KVM_INTERRUPT %u: %s", irq.irq, strerror(errno));
        }
        run->request_interrupt_window = 0;
    } else {
        run->request_interrupt_window = 1;
    }
}

/* KVM_EXIT_IO: count accesses of size bytes each, in the kvm_run page at data_offset. */
static void handle_io(X86CPU *cpu, struct kvm_run *run)
{
    uint8_t *data = (uint8_t *)run + run->io.data_offset;

    bql_lock();
    for (uint32_t i = 0; i < run->io.count; i++, data += run->io.size) {
        uint64_t v = 0;
        if (run->io.direction == KVM_EXIT_IO_OUT) {
            memcpy(&v, data, run->io.size);
            address_space_store(cpu->io_as, run->io.port, run->io.size, v);
        } else {
            address_space_load(cpu->io_as, run->io.port, run->io.size, &v);
            memcpy(data, &v, run->io.size);
        }
    }
    bql_unlock();
}

static int x86_kvm_handle_exit(CPUState *cs, struct kvm_run *run)
{
    switch (run->exit_reason) {
    case KVM_EXIT_IO:
        handle_io(X86_CPU(cs), run);
        return 0;
    case KVM_EXIT_HLT:
        return EXCP_HLT;
    case KVM_EXIT_IRQ_WINDOW_OPEN:
        return 0; /* pre_run injects now */
    case KVM_EXIT_DEBUG:
        return EXCP_DEBUG;
    default:
        return -1;
    }
}

const KVMArchOps x86_kvm_ops = {
    .init_vcpu = x86_kvm_init_vcpu,
    .put_registers = x86_kvm_put_registers,
    .get_registers = x86_kvm_get_registers,
    .mmio_as = x86_kvm_mmio_as,
    .cpu_events = x86_kvm_cpu_events,
    .pre_run = x86_kvm_pre_run,
    .handle_exit = x86_kvm_handle_exit,
};
