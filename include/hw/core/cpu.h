/*
 * The generic vCPU: what the run loop, the gdbstub and the main loop need
 * from any CPU, whatever its architecture. A target CPU (RISCVCPU) embeds a
 * CPUState first and fills the CPUClass hooks.
 *
 * Threads (DESIGN.md "CPUs"): each vCPU runs in its own host thread
 * (system/cpus.c). Other threads never touch the architectural state of a
 * running vCPU; they ask it to leave its execution loop with cpu_exit() or
 * cpu_kick(), through the atomic exit_request flag it checks between blocks.
 */
#ifndef HW_CORE_CPU_H
#define HW_CORE_CPU_H

#include <pthread.h>
#include <stdatomic.h>

#include "common.h"
#include "hw/core/qdev.h"

#define TYPE_CPU "cpu"

typedef struct CPUState CPUState;
typedef struct CPUTLB CPUTLB;
typedef struct TCGCPUOps TCGCPUOps;

typedef struct CPUClass {
    DeviceClass parent_class;
    /* Run guest code until exit_request, a stop, WFI or a debug event; returns an EXCP_* code. */
    int (*exec)(CPUState *cpu);
    /* Is there an interrupt that would end WFI? (called from the vCPU thread) */
    bool (*has_work)(CPUState *cpu);
    void (*set_pc)(CPUState *cpu, uint64_t pc);
    uint64_t (*get_pc)(CPUState *cpu);
    void (*dump_state)(CPUState *cpu, FILE *out);
    const char *target_name; /* QMP's query-target and query-cpus-fast: "riscv64" */
    /* gdbstub: register numbering follows the target description XML. */
    const char *gdb_arch_name;                                       /* "riscv:rv64" */
    const char *(*gdb_target_xml)(CPUState *cpu, const char *annex); /* NULL if unknown */
    int gdb_num_regs;
    /* Read register n into buf (target byte order); returns bytes, 0 if unavailable. */
    int (*gdb_read_register)(CPUState *cpu, uint8_t *buf, int n);
    int (*gdb_write_register)(CPUState *cpu, const uint8_t *buf, int n);
    /* Access guest virtual memory as the CPU sees it now (page tables honoured); 0 or -1. */
    int (*memory_rw_debug)(CPUState *cpu, uint64_t vaddr, void *buf, uint64_t len, bool write);
    /* The physical address vaddr maps to now, or (hwaddr)-1 (the monitor's x and memsave). */
    hwaddr (*get_phys_addr_debug)(CPUState *cpu, uint64_t vaddr);
    /* One line of x/i, xp/i: the instruction at pc, from the avail bytes at buf, as QEMU's
     * monitor lists it for this target (address, encoding, mnemonic, operands; no newline),
     * in the CPU's current mode; returns its length, 0 if avail is too short, -1 if no
     * disassembler could be loaded (line says why). NULL: the target has none. */
    int (*disas_insn)(CPUState *cpu, uint64_t pc, const uint8_t *buf, size_t avail, char *line,
                      size_t size);
    /* The monitor's $pc: where the CPU fetches next, as an address x/i can read (x86: the
     * CS base plus rip, as QEMU's). NULL: get_pc. */
    uint64_t (*monitor_pc)(CPUState *cpu);
    /* "info mem": print the virtual-to-physical mappings in force now. NULL: none. */
    void (*dump_mappings)(CPUState *cpu, FILE *out);
} CPUClass;

/* Why exec() returned. */
enum {
    EXCP_INTERRUPT = 0x10000, /* exit_request: go around the loop (stop, kick) */
    EXCP_HLT,                 /* WFI: sleep until has_work */
    EXCP_DEBUG,               /* breakpoint hit or single step done */
};

#define CPU_MAX_BREAKPOINTS 64

struct CPUState {
    DeviceState parent_obj;
    int cpu_index;
    CPUState *next_cpu;
    /* accel/tcg: the target's hooks and this vCPU's TLB (set by the target's instance_init) */
    const TCGCPUOps *tcg_ops;
    CPUTLB *tlb;
    /* accel/kvm: the vCPU's fd and its mapped kvm_run page (kvm_init_vcpu), 0/NULL on TCG */
    int kvm_fd;
    struct kvm_run *kvm_run;

    /* run control, shared with other threads */
    atomic_bool exit_request; /* leave the execution loop at the next block boundary */
    atomic_bool stop;         /* asked to pause */
    bool stopped;             /* paused (protected by the cpus lock) */
    bool halted;              /* in WFI */
    bool running;             /* inside CPUClass.exec (protected by the cpus lock) */
    bool created;
    pthread_t thread;
    int thread_id;            /* the host TID, for query-cpus-fast (0 until the thread runs) */
    pthread_cond_t halt_cond; /* the vCPU sleeps on it when stopped or halted */

    /* debugging (changed only while the vCPU is stopped) */
    bool singlestep_enabled;
    int num_breakpoints;
    uint64_t breakpoints[CPU_MAX_BREAKPOINTS];
};

#define CPU(obj) OBJECT_CHECK(CPUState, (obj), TYPE_CPU)
#define CPU_CLASS(oc) OBJECT_CLASS_CHECK(CPUClass, (oc), TYPE_CPU)
#define CPU_GET_CLASS(obj) OBJECT_GET_CLASS(CPUClass, (obj), TYPE_CPU)

/* All vCPUs in creation order (linked when realized). */
extern CPUState *first_cpu;
#define CPU_FOREACH(cpu) for ((cpu) = first_cpu; (cpu); (cpu) = (cpu)->next_cpu)
CPUState *cpu_by_index(int index);

/* -cpu help: the models of this binary's target (target_info()), one per line. */
void cpu_list(FILE *out);
/* -cpu MODEL,help: the properties of MODEL's type (or that it is unknown). */
void cpu_print_props(const char *model, FILE *out);
/* The type name of the first len characters of a -cpu model name (caller frees). */
char *cpu_model_type_name(const char *model, size_t len);
/* type's class if it is a concrete CPU model of this target, else NULL. */
ObjectClass *cpu_model_class(const char *type);

#endif
