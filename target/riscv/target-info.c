/*
 * build/kestrel's target: riscv64 (system/target-info.h states what the framework asks).
 */
#include "system/target-info.h"

#include "hw/rtc/goldfish_rtc.h"
#include "system/loader.h"
#include "target/riscv/cpu.h"

static const TargetInfo riscv64_target_info = {
    .name = "riscv64",
    .binary = "kestrel",
    .arch_desc = "RISC-V",
    .description = "A RISC-V machine emulator",
    .qemu_binary = "qemu-system-riscv64 -M virt",
    .cpu_type = TYPE_RISCV_CPU,
    .cpu_type_suffix = RISCV_CPU_TYPE_SUFFIX,
    .elf_machine = EM_RISCV,
    .rtc_type = TYPE_GOLDFISH_RTC,
    .help_notes =
        "  - Only the RISC-V 'virt' board, with aia=none or aia=aplic (no IMSIC yet). The\n"
        "    default hart is RV64GC with Zba/Zbb/Zbc/Zbs and Sstc but without the\n"
        "    hypervisor (H) extension; -cpu max adds the RVA23 set except V and H.\n",
};

const TargetInfo *target_info(void)
{
    return &riscv64_target_info;
}
