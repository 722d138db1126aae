/*
 * The RISC-V "virt" board: QEMU's memory map, interrupt numbers and device
 * tree, so software built for qemu-system-riscv64 -M virt runs unchanged.
 * All its state is in VirtMachineState: two instances do not share anything
 * but the process-wide system memory they map into.
 */
#ifndef HW_RISCV_VIRT_H
#define HW_RISCV_VIRT_H

#include "hw/core/boards.h"
#include "hw/core/qdev.h"
#include "hw/pci-host/gpex.h"
#include "target/riscv/cpu.h"

#define TYPE_VIRT_MACHINE MACHINE_TYPE_NAME("virt")
#define VIRT_MACHINE(obj) OBJECT_CHECK(VirtMachineState, (obj), TYPE_VIRT_MACHINE)

#define VIRT_CPUS_MAX 512
#define VIRT_SOCKETS_MAX 8
#define VIRT_FLASH_BANKS 2
#define VIRT_IMSIC_MAX_GUESTS 7 /* aia-guests: QEMU 7.2 allows 3 guest-index bits */

enum {
    VIRT_DEBUG,
    VIRT_MROM,
    VIRT_TEST,
    VIRT_RTC,
    VIRT_CLINT,
    VIRT_ACLINT_SSWI,
    VIRT_PLIC,
    VIRT_APLIC_M,
    VIRT_APLIC_S,
    VIRT_IMSIC_M,
    VIRT_IMSIC_S,
    VIRT_UART0,
    VIRT_VIRTIO,
    VIRT_FW_CFG,
    VIRT_FLASH,
    VIRT_PCIE_PIO,
    VIRT_PCIE_ECAM,
    VIRT_PCIE_MMIO,
    VIRT_DRAM,
    VIRT_MEMMAP_COUNT,
};

/* Interrupt sources at the PLIC or APLIC (QEMU's numbering). */
enum {
    VIRT_UART0_IRQ = 10,
    VIRT_RTC_IRQ = 11,
    VIRT_VIRTIO_IRQ = 1, /* 1..8 */
    VIRT_VIRTIO_COUNT = 8,
    VIRT_PCIE_IRQ = 32,            /* INTA..INTD: 32..35 */
    VIRT_IRQCHIP_NUM_SOURCES = 97, /* ids 0..96, 0 reserved: riscv,ndev = 96 as QEMU */
    VIRT_IRQCHIP_NUM_PRIORITIES = 7,
};

typedef struct MemMapEntry {
    hwaddr base;
    uint64_t size;
} MemMapEntry;

extern const MemMapEntry virt_memmap[VIRT_MEMMAP_COUNT];

/* A device the board placed, remembered so it can write its device-tree node. */
typedef struct VirtFDTDevice {
    DeviceState *dev;
    hwaddr base;
    uint64_t size;
    uint32_t irqs[2];
    int num_irqs;
    uint32_t irq_parent; /* phandle of its PLIC (0: the first socket's) */
    uint32_t phandle;
    uint32_t msi_parent;       /* phandle of the IMSIC its MSIs go to (PCIe), or 0 */
    int first_hart, num_harts; /* an interrupt controller's harts (its socket's) */
    int socket;                /* -1, or the NUMA socket whose numa-node-id it gets */
} VirtFDTDevice;

typedef struct VirtMachineState {
    MachineState parent_obj;
    /* properties */
    bool aclint;
    char *aia;
    uint32_t aia_guests;        /* aia=aplic-imsic: IMSIC guest interrupt files per hart (0..7) */
    uint32_t imsic_phandles[2]; /* aia=aplic-imsic: the M and S imsics nodes */
    /* built by virt_machine_init */
    RISCVCPU **harts;
    int num_harts;
    MemoryRegion mrom;
    int num_sockets; /* NUMA nodes, or 1 (hw/riscv/numa.h) */
    /* Per socket, the interrupt controller the devices' wires go to (its PLIC, or with
     * aia=aplic the machine-level APLIC domain) and the phandle their nodes name as
     * interrupt-parent (the PLIC, or the supervisor-level APLIC domain the machine level
     * delegates to). Socket 0's serves the UART and RTC. */
    DeviceState *irqchips[VIRT_SOCKETS_MAX];
    uint32_t irqchip_phandles[VIRT_SOCKETS_MAX];
    uint32_t irq_type;          /* second cell of "interrupts" (APLIC: level-high), 0 = one cell */
    uint32_t *cpu_phandles;     /* [hart index]: the cpu node's phandle */
    uint32_t *intc_phandles;    /* [hart index]: its riscv,cpu-intc node's phandle */
    VirtFDTDevice *fdt_devices; /* in creation order */
    int num_fdt_devices;
    uint32_t next_phandle;
    /* The virtio-mmio transports, in creation order (0x10001000 first); -device fills them. */
    DeviceState *virtio_transports[VIRT_VIRTIO_COUNT];
    /* The PCIe host: -device ...-pci, -drive if=virtio and -nic land on its bus. */
    GPEXHost *pcie;
    /* fw_cfg at 0x10100000 (/machine/fw_cfg, where -fw_cfg finds it). */
    DeviceState *fw_cfg;
    /* The two CFI flash banks; has_flash_image[i]: -drive if=pflash,unit=i was given. */
    DeviceState *flash[VIRT_FLASH_BANKS];
    bool has_flash_image[VIRT_FLASH_BANKS];
    MachineInitDoneNotifier machine_done;
} VirtMachineState;

#endif
