/*
 * build/kestrel-x86_64's target: x86_64 (system/target-info.h states what the framework asks).
 */
#include "system/target-info.h"

#include <elf.h>

#include "hw/rtc/mc146818rtc.h"
#include "target/i386/cpu.h"
#include "target/i386/kvm.h"

static const TargetInfo x86_64_target_info = {
    .name = "x86_64",
    .binary = "kestrel-x86_64",
    .arch_desc = "x86-64",
    .description = "An x86-64 machine emulator",
    .qemu_binary = "qemu-system-x86_64 -M q35",
    .cpu_type = TYPE_X86_CPU,
    .cpu_type_suffix = X86_CPU_TYPE_SUFFIX,
    .elf_machine = EM_X86_64,
    .rtc_type = TYPE_MC146818_RTC,
    .kvm = &x86_kvm_ops,
    .help_notes =
        "  - Only the q35 board, and it is a skeleton: it starts SeaBIOS but boots no OS.\n"
        "  - -accel kvm keeps the interrupt controllers in user space (QEMU's\n"
        "    kernel-irqchip=off); gdb breakpoints and single-step need TCG.\n",
};

const TargetInfo *target_info(void)
{
    return &x86_64_target_info;
}
