/*
 * The KVM accelerator (accel/kvm/kvm-all.c), QEMU's second way to run a guest: the host
 * kernel runs guest code on the real CPU and returns to us only for what it cannot do
 * (port and MMIO accesses, HLT, interrupt windows). The walk is qemu-kvm's:
 *
 *   kvm_init          open /dev/kvm, check the API version, KVM_CREATE_VM; guest RAM
 *                     becomes memory slots (KVM_SET_USER_MEMORY_REGION), resynchronised
 *                     whenever the system address space's flat view changes
 *   kvm_init_vcpu     KVM_CREATE_VCPU, map its kvm_run page; the target sets CPUID etc.
 *   kvm_cpu_exec      the vCPU thread's loop: registers in, KVM_RUN, exits dispatched to
 *                     the same devices TCG uses (under the BQL), registers out on return
 *
 * The interrupt controllers stay in user space (QEMU's kernel-irqchip=off): the target
 * injects the vector its INTR line carries when KVM says the guest can take it.
 *
 * Only targets whose TargetInfo names KVMArchOps have KVM (x86_64; the RISC-V binary runs on
 * x86-64 hosts, where KVM cannot run RISC-V guests).
 */
#ifndef SYSTEM_KVM_H
#define SYSTEM_KVM_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/core/cpu.h"
#include "system/memory.h"
#include "util/error.h"

struct kvm_run;

/* What the target supplies (target/<arch>/kvm.c). vm_fd/vcpu_fd are the KVM file descriptors. */
typedef struct KVMArchOps {
    /* After KVM_CREATE_VCPU: CPUID and whatever else the vCPU needs before its first run. */
    bool (*init_vcpu)(CPUState *cpu, int kvm_fd, int vcpu_fd, Error **errp);
    /* The architectural state between env and KVM (when the vCPU enters and leaves exec). */
    bool (*put_registers)(CPUState *cpu, int vcpu_fd, Error **errp);
    bool (*get_registers)(CPUState *cpu, int vcpu_fd, Error **errp);
    /* The address space the CPU's MMIO exits go to (a hart may see its own devices over
     * system memory, as x86's local APIC page). */
    AddressSpace *(*mmio_as)(CPUState *cpu);
    /* When the vCPU enters exec, before its registers go to KVM: act on what other threads
     * latched for it (x86: INIT, SIPI); EXCP_HLT if it must not run now (an AP waiting for
     * its start-up IPI), else 0. */
    int (*cpu_events)(CPUState *cpu);
    /* Before each KVM_RUN: inject a pending interrupt or ask for an interrupt window. */
    void (*pre_run)(CPUState *cpu, int vcpu_fd, struct kvm_run *run);
    /* After KVM_RUN, for exits kvm-all.c does not handle: an EXCP_* to leave exec with, 0 to
     * run on, -1 for an exit the target does not know (the VM then ends as on an internal
     * error). */
    int (*handle_exit)(CPUState *cpu, struct kvm_run *run);
} KVMArchOps;

/* Set once kvm_init succeeded (the machine runs on KVM). */
extern bool kvm_allowed;

static inline bool kvm_enabled(void)
{
    return kvm_allowed;
}

/* Open /dev/kvm and create the VM over the system address space; false (errp set with
 * QEMU's wording) if the host has no usable KVM. Call once, after the board is built. */
bool kvm_init(const KVMArchOps *arch, Error **errp);
/* Create CPU's vCPU (before its thread starts). */
bool kvm_init_vcpu(CPUState *cpu, Error **errp);
/* The vCPU thread's exec for KVM (CPUClass.exec's counterpart); returns an EXCP_* code. */
int kvm_cpu_exec(CPUState *cpu);
/* Make a vCPU inside KVM_RUN return (cpu_exit's KVM half). */
void kvm_cpu_kick(CPUState *cpu);

/* One memory slot: guest-physical [gpa, gpa+size) backed by host memory at host. */
typedef struct KVMSlotDesc {
    uint64_t gpa;
    uint64_t size;
    void *host;
    bool readonly; /* ROM: reads from memory, writes exit as MMIO */
} KVMSlotDesc;

/* The slots a flat view calls for: the whole pages of its RAM and ROM ranges whose host
 * memory is page-aligned too, adjacent ones of the same host mapping merged. Returns how
 * many (at most max; -1 if more are needed). */
int kvm_slots_from_flatview(const FlatView *view, KVMSlotDesc *out, int max);

#endif
