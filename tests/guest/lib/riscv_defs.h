/*
 * Constants shared by the C and assembly parts of the guest tests: CSR bit
 * fields (RISC-V Privileged Architecture, version 1.12), trap causes and the
 * QEMU-compatible virt board memory map.  Safe to include from .S files.
 */
#ifndef GUEST_RISCV_DEFS_H
#define GUEST_RISCV_DEFS_H

/* clang-format off: column-aligned tables, shared with assembly */

/* virt board memory map (matches QEMU hw/riscv/virt.c) */
#define VIRT_TEST_BASE      0x00100000
#define VIRT_CLINT_BASE     0x02000000
#define CLINT_MSIP          (VIRT_CLINT_BASE + 0x0000)
#define CLINT_MTIMECMP      (VIRT_CLINT_BASE + 0x4000)
#define CLINT_MTIME         (VIRT_CLINT_BASE + 0xbff8)
#define VIRT_UART0_BASE     0x10000000
#define VIRT_DRAM_BASE      0x80000000
#define VIRT_TIMEBASE_HZ    10000000

/* sifive_test finisher values */
#define FINISHER_FAIL       0x3333
#define FINISHER_PASS       0x5555

/* ns16550a */
#define UART_THR            0
#define UART_LSR            5
#define UART_LSR_THRE       0x20

/* mstatus / sstatus */
#define MSTATUS_SIE         (1UL << 1)
#define MSTATUS_MIE         (1UL << 3)
#define MSTATUS_SPIE        (1UL << 5)
#define MSTATUS_UBE         (1UL << 6)
#define MSTATUS_MPIE        (1UL << 7)
#define MSTATUS_SPP         (1UL << 8)
#define MSTATUS_MPP         (3UL << 11)
#define MSTATUS_MPP_SHIFT   11
#define MSTATUS_FS          (3UL << 13)
#define MSTATUS_FS_OFF      (0UL << 13)
#define MSTATUS_FS_INITIAL  (1UL << 13)
#define MSTATUS_FS_CLEAN    (2UL << 13)
#define MSTATUS_FS_DIRTY    (3UL << 13)
#define MSTATUS_XS          (3UL << 15)
#define MSTATUS_MPRV        (1UL << 17)
#define MSTATUS_SUM         (1UL << 18)
#define MSTATUS_MXR         (1UL << 19)
#define MSTATUS_TVM         (1UL << 20)
#define MSTATUS_TW          (1UL << 21)
#define MSTATUS_TSR         (1UL << 22)
#define MSTATUS_MPV         (1UL << 39) /* H: the trap came from V=1 */
#define MSTATUS_UXL         (3UL << 32)
#define MSTATUS_SXL         (3UL << 34)
#define MSTATUS_SD          (1UL << 63)

#define PRV_U               0
#define PRV_S               1
#define PRV_M               3

/* mip / mie bits (interrupt numbers) */
#define IRQ_S_SOFT          1
#define IRQ_M_SOFT          3
#define IRQ_S_TIMER         5
#define IRQ_M_TIMER         7
#define IRQ_S_EXT           9
#define IRQ_M_EXT           11
#define MIP_SSIP            (1UL << IRQ_S_SOFT)
#define MIP_MSIP            (1UL << IRQ_M_SOFT)
#define MIP_STIP            (1UL << IRQ_S_TIMER)
#define MIP_MTIP            (1UL << IRQ_M_TIMER)
#define MIP_SEIP            (1UL << IRQ_S_EXT)
#define MIP_MEIP            (1UL << IRQ_M_EXT)

/* mcause exception codes */
#define CAUSE_MISALIGNED_FETCH      0
#define CAUSE_FETCH_ACCESS          1
#define CAUSE_ILLEGAL_INSTRUCTION   2
#define CAUSE_BREAKPOINT            3
#define CAUSE_MISALIGNED_LOAD       4
#define CAUSE_LOAD_ACCESS           5
#define CAUSE_MISALIGNED_STORE      6
#define CAUSE_STORE_ACCESS          7
#define CAUSE_USER_ECALL            8
#define CAUSE_SUPERVISOR_ECALL      9
#define CAUSE_VS_ECALL              10 /* H: from VS-mode */
#define CAUSE_MACHINE_ECALL         11
#define CAUSE_FETCH_PAGE_FAULT      12
#define CAUSE_LOAD_PAGE_FAULT       13
#define CAUSE_STORE_PAGE_FAULT      15
#define CAUSE_FETCH_GUEST_PAGE_FAULT 20 /* H */
#define CAUSE_LOAD_GUEST_PAGE_FAULT 21
#define CAUSE_VIRTUAL_INSTRUCTION   22
#define CAUSE_STORE_GUEST_PAGE_FAULT 23
#define CAUSE_INTERRUPT             (1UL << 63)

/* satp */
#define SATP_MODE_SHIFT     60
#define SATP_MODE_BARE      0UL
#define SATP_MODE_SV39      8UL
#define SATP_MODE_SV48      9UL
#define SATP_MODE_SV57      10UL

/* page table entry bits */
#define PTE_V               (1UL << 0)
#define PTE_R               (1UL << 1)
#define PTE_W               (1UL << 2)
#define PTE_X               (1UL << 3)
#define PTE_U               (1UL << 4)
#define PTE_G               (1UL << 5)
#define PTE_A               (1UL << 6)
#define PTE_D               (1UL << 7)
#define PTE_PPN_SHIFT       10

/* pmpcfg fields */
#define PMP_R               0x01
#define PMP_W               0x02
#define PMP_X               0x04
#define PMP_A_OFF           0x00
#define PMP_A_TOR           0x08
#define PMP_A_NA4           0x10
#define PMP_A_NAPOT         0x18
#define PMP_L               0x80

/* fflags */
#define FFLAG_NX            0x01
#define FFLAG_UF            0x02
#define FFLAG_OF            0x04
#define FFLAG_DZ            0x08
#define FFLAG_NV            0x10

/* Rounding modes for frm */
#define FRM_RNE             0
#define FRM_RTZ             1
#define FRM_RDN             2
#define FRM_RUP             3
#define FRM_RMM             4

/* menvcfg */
#define MENVCFG_STCE        (1UL << 63)

/* How the trap handlers treat the next trap (variable trap_expect). */
#define EXPECT_NONE         0   /* any trap is a test failure */
#define EXPECT_SKIP         1   /* record it, resume after the trapping instruction */
#define EXPECT_RET          2   /* record it, return from the trapping function: pc = ra, a0 = TRAP_RET_VALUE */
#define EXPECT_GOTO         3   /* record it, resume at trap_goto_pc */
#define EXPECT_INTR         4   /* record an interrupt, silence its source, resume */

#define TRAP_RET_VALUE      0x7ea7ea7ea7ea7ea7
/* a7 value of the ecall that ends run_in_mode() and returns to M-mode */
#define ECALL_EXIT_MODE     0x4b45535452454c00

/* Layout of struct trap_frame (see test.h) for the assembly entry code */
#define FRAME_REGS          0
#define FRAME_CAUSE         (32 * 8)
#define FRAME_EPC           (33 * 8)
#define FRAME_TVAL          (34 * 8)
#define FRAME_STATUS        (35 * 8)
#define FRAME_SIZE          (36 * 8)

/* Exit codes above this are reserved for the library (unexpected trap...) */
#define MAX_CHECK_CODE      239
#define FAIL_UNEXPECTED_TRAP 0xfe
#define FAIL_INFRA          0xfd

/* clang-format on */

#endif
