/*
 * What the framework needs to know about the target a binary emulates (QEMU builds one
 * binary per target and asks target_info() since 10.0). Each binary links exactly one
 * definition, target/<arch>/target-info.c; the framework (system/, hw/core/, monitor/...)
 * asks here instead of including a target header, so one set of framework objects serves
 * build/kestrel (riscv64) and build/kestrel-x86_64.
 *
 * The default machine is not here: each binary links only its own boards, and the one whose
 * class sets is_default is it. Register layouts (gdb XML, target name) are CPUClass hooks.
 */
#ifndef SYSTEM_TARGET_INFO_H
#define SYSTEM_TARGET_INFO_H

#include <stdint.h>

struct KVMArchOps;

typedef struct TargetInfo {
    const char *name;             /* "riscv64", "x86_64" */
    const char *binary;           /* "kestrel", "kestrel-x86_64" (-h) */
    const char *arch_desc;        /* "RISC-V", "x86-64" (the loader's errors) */
    const char *description;      /* -h's first words: "A RISC-V machine emulator" */
    const char *qemu_binary;      /* the QEMU binary and board whose command line we take (-h) */
    const char *cpu_type;         /* the abstract type every -cpu model derives from */
    const char *cpu_type_suffix;  /* -cpu NAME means the type NAME<suffix> */
    uint16_t elf_machine;         /* e_machine of the firmware and kernels the loader takes */
    const char *rtc_type;         /* the device -rtc's base and clock set, NULL if none */
    const char *help_notes;       /* -h: the lines "Where Kestrel differs from QEMU" */
    const struct KVMArchOps *kvm; /* the KVM accelerator's target hooks; NULL: TCG only */
} TargetInfo;

/* This binary's target (never NULL; static data). */
const TargetInfo *target_info(void);

#endif
