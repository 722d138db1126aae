/*
 * RISC-V architectural constants: CSR numbers (Volume II, 2.2 "CSR Listing"),
 * status bits (3.1.6), causes (3.1.15), satp and PTE layout (4.1.11, 4.4),
 * PMP configuration (3.7), counter enables (3.1.11), envcfg (3.1.18).
 * Names follow the privileged spec (Volume II, 20211203).
 */
#ifndef TARGET_RISCV_CPU_BITS_H
#define TARGET_RISCV_CPU_BITS_H

typedef enum RISCVException {
    RISCV_EXCP_NONE = -1,
    RISCV_EXCP_INST_ADDR_MIS = 0,
    RISCV_EXCP_INST_ACCESS_FAULT = 1,
    RISCV_EXCP_ILLEGAL_INST = 2,
    RISCV_EXCP_BREAKPOINT = 3,
    RISCV_EXCP_LOAD_ADDR_MIS = 4,
    RISCV_EXCP_LOAD_ACCESS_FAULT = 5,
    RISCV_EXCP_STORE_AMO_ADDR_MIS = 6,
    RISCV_EXCP_STORE_AMO_ACCESS_FAULT = 7,
    RISCV_EXCP_U_ECALL = 8,
    RISCV_EXCP_S_ECALL = 9,
    RISCV_EXCP_M_ECALL = 11,
    RISCV_EXCP_INST_PAGE_FAULT = 12,
    RISCV_EXCP_LOAD_PAGE_FAULT = 13,
    RISCV_EXCP_STORE_PAGE_FAULT = 15,
    /* H extension */
    RISCV_EXCP_VS_ECALL = 10,
    RISCV_EXCP_INST_GUEST_PAGE_FAULT = 20,
    RISCV_EXCP_LOAD_GUEST_ACCESS_FAULT = 21,
    RISCV_EXCP_VIRT_INSTRUCTION_FAULT = 22,
    RISCV_EXCP_STORE_GUEST_AMO_ACCESS_FAULT = 23,
} RISCVException;

/* Interrupt numbers (mip/mie bit positions, mcause with the top bit set). */
#define IRQ_S_SOFT 1
#define IRQ_M_SOFT 3
#define IRQ_S_TIMER 5
#define IRQ_M_TIMER 7
#define IRQ_S_EXT 9
#define IRQ_M_EXT 11
#define IRQ_LCOF 13 /* Sscofpmf: local counter overflow */
#define MIP_SSIP (1ULL << IRQ_S_SOFT)
#define MIP_MSIP (1ULL << IRQ_M_SOFT)
#define MIP_STIP (1ULL << IRQ_S_TIMER)
#define MIP_MTIP (1ULL << IRQ_M_TIMER)
#define MIP_SEIP (1ULL << IRQ_S_EXT)
#define MIP_MEIP (1ULL << IRQ_M_EXT)
#define MIP_LCOFIP (1ULL << IRQ_LCOF)
#define MIP_S_MASK (MIP_SSIP | MIP_STIP | MIP_SEIP)
#define MIP_ALL_MASK (MIP_S_MASK | MIP_MSIP | MIP_MTIP | MIP_MEIP)

/* mcause/scause: the top bit tells an interrupt from an exception. */
#define CAUSE_INTERRUPT (1ULL << 63)

/* mstatus */
#define MSTATUS_SIE (1ULL << 1)
#define MSTATUS_MIE (1ULL << 3)
#define MSTATUS_SPIE (1ULL << 5)
#define MSTATUS_UBE (1ULL << 6)
#define MSTATUS_MPIE (1ULL << 7)
#define MSTATUS_SPP (1ULL << 8)
#define MSTATUS_VS (3ULL << 9)
#define MSTATUS_MPP (3ULL << 11)
#define MSTATUS_FS (3ULL << 13)
#define MSTATUS_XS (3ULL << 15)
#define MSTATUS_MPRV (1ULL << 17)
#define MSTATUS_SUM (1ULL << 18)
#define MSTATUS_MXR (1ULL << 19)
#define MSTATUS_TVM (1ULL << 20)
#define MSTATUS_TW (1ULL << 21)
#define MSTATUS_TSR (1ULL << 22)
#define MSTATUS_UXL (3ULL << 32)
#define MSTATUS_SXL (3ULL << 34)
#define MSTATUS_SD (1ULL << 63)
#define MSTATUS_FS_OFF 0
#define MSTATUS_FS_INITIAL 1
#define MSTATUS_FS_CLEAN 2
#define MSTATUS_FS_DIRTY 3
#define MSTATUS_MPP_SHIFT 11
#define MSTATUS_FS_SHIFT 13
#define MSTATUS_XL_64 2ULL /* the UXL/SXL encoding of XLEN=64 */
#define MSTATUS_UXL_SHIFT 32
#define MSTATUS_SXL_SHIFT 34

/* The mstatus bits visible through sstatus (3.1.6 and 4.1.1). */
#define SSTATUS_READ_MASK                                                                          \
    (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_UBE | MSTATUS_SPP | MSTATUS_VS | MSTATUS_FS |            \
     MSTATUS_XS | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_UXL | MSTATUS_SD)

/* CSR numbers */
#define CSR_FFLAGS 0x001
#define CSR_FRM 0x002
#define CSR_FCSR 0x003
#define CSR_VSTART 0x008
#define CSR_VXSAT 0x009
#define CSR_VXRM 0x00a
#define CSR_VCSR 0x00f
#define CSR_VL 0xc20
#define CSR_VTYPE 0xc21
#define CSR_VLENB 0xc22
#define CSR_CYCLE 0xc00
#define CSR_TIME 0xc01
#define CSR_INSTRET 0xc02
#define CSR_HPMCOUNTER3 0xc03
#define CSR_HPMCOUNTER31 0xc1f
#define CSR_SSTATUS 0x100
#define CSR_SIE 0x104
#define CSR_STVEC 0x105
#define CSR_SCOUNTEREN 0x106
#define CSR_SENVCFG 0x10a
#define CSR_SSTATEEN0 0x10c
#define CSR_SSTATEEN3 0x10f
#define CSR_SSCRATCH 0x140
#define CSR_SEPC 0x141
#define CSR_SCAUSE 0x142
#define CSR_STVAL 0x143
#define CSR_SIP 0x144
#define CSR_STIMECMP 0x14d
#define CSR_SATP 0x180
#define CSR_MVENDORID 0xf11
#define CSR_MARCHID 0xf12
#define CSR_MIMPID 0xf13
#define CSR_MHARTID 0xf14
#define CSR_MCONFIGPTR 0xf15
/* Smaia/Ssaia (AIA 1.0 chapter 2): indirect access to the IMSIC, top interrupts */
#define CSR_MVIEN 0x308
#define CSR_MVIP 0x309
#define CSR_MISELECT 0x350
#define CSR_MIREG 0x351
#define CSR_MTOPEI 0x35c
#define CSR_MTOPI 0xfb0
#define CSR_SISELECT 0x150
#define CSR_SIREG 0x151
#define CSR_STOPEI 0x15c
#define CSR_STOPI 0xdb0
#define CSR_VSISELECT 0x250 /* with H: the VS level's, substituting for the S ones at V=1 */
#define CSR_VSIREG 0x251
#define CSR_VSTOPEI 0x25c
#define CSR_VSTOPI 0xeb0
#define CSR_HVIEN 0x608 /* AIA's hypervisor CSRs (6.3) */
#define CSR_HVICTL 0x609
#define CSR_HVIPRIO1 0x646
#define CSR_HVIPRIO2 0x647
#define HVICTL_VTI (1ULL << 30)
#define HVICTL_IID_SHIFT 16
#define HVICTL_IID (0xfffULL << HVICTL_IID_SHIFT)
#define HVICTL_DPR (1ULL << 9)
#define HVICTL_IPRIOM (1ULL << 8)
#define HVICTL_IPRIO 0xffULL
#define ISELECT_IPRIO0 0x30 /* ..0x3f: major interrupt priorities */
#define ISELECT_IPRIO15 0x3f
#define ISELECT_IMSIC_FIRST 0x70 /* eidelivery .. eie63: the IMSIC file's registers */
#define ISELECT_IMSIC_LAST 0xff
#define TOPI_IID_SHIFT 16
#define CSR_MSTATUS 0x300
#define CSR_MISA 0x301
#define CSR_MEDELEG 0x302
#define CSR_MIDELEG 0x303
#define CSR_MIE 0x304
#define CSR_MTVEC 0x305
#define CSR_MCOUNTEREN 0x306
#define CSR_MENVCFG 0x30a
#define CSR_MSTATEEN0 0x30c
#define CSR_MSTATEEN3 0x30f
#define CSR_MCOUNTINHIBIT 0x320
#define CSR_SCOUNTOVF 0xda0
/* mhpmevent (Sscofpmf): overflow and the per-mode inhibits above the event selector */
#define MHPMEVENT_OF (1ULL << 63)
#define MHPMEVENT_MINH (1ULL << 62)
#define MHPMEVENT_SINH (1ULL << 61)
#define MHPMEVENT_UINH (1ULL << 60)
#define MHPMEVENT_EVENT ((1ULL << 56) - 1)
#define CSR_MHPMEVENT3 0x323
#define CSR_MHPMEVENT31 0x33f
#define CSR_MSCRATCH 0x340
#define CSR_MEPC 0x341
#define CSR_MCAUSE 0x342
#define CSR_MTVAL 0x343
#define CSR_MIP 0x344
#define CSR_PMPCFG0 0x3a0
#define CSR_PMPCFG15 0x3af
#define CSR_PMPADDR0 0x3b0
#define CSR_PMPADDR63 0x3ef
#define CSR_MSECCFG 0x747
#define CSR_MCYCLE 0xb00
#define CSR_MINSTRET 0xb02
#define CSR_MHPMCOUNTER3 0xb03
#define CSR_MHPMCOUNTER31 0xb1f
#define CSR_TSELECT 0x7a0
#define CSR_TDATA1 0x7a1
#define CSR_TDATA2 0x7a2
#define CSR_TDATA3 0x7a3
#define CSR_MHPMCOUNTER18 0xb12
#define CSR_MHPMEVENT18 0x332

/* Counter enables and inhibit: bit i gates counter csr 0xc00 + i. */
#define COUNTEREN_CY (1ULL << 0)
#define COUNTEREN_TM (1ULL << 1)
#define COUNTEREN_IR (1ULL << 2)

/* satp (RV64) */
#define SATP_MODE_SHIFT 60
#define SATP_MODE_BARE 0
#define SATP_MODE_SV39 8
#define SATP_MODE_SV48 9
#define SATP_MODE_SV57 10
#define SATP_PPN_MASK ((1ULL << 44) - 1)
#define SATP_ASID_SHIFT 44
#define SATP_ASID_MASK (0xffffULL << SATP_ASID_SHIFT)

/* page table entries */
#define PTE_V 0x001
#define PTE_R 0x002
#define PTE_W 0x004
#define PTE_X 0x008
#define PTE_U 0x010
#define PTE_G 0x020
#define PTE_A 0x040
#define PTE_D 0x080
#define PTE_PPN_SHIFT 10
#define PTE_PPN_MASK (((1ULL << 44) - 1) << PTE_PPN_SHIFT)
/* Bits 63:54 (N, PBMT and reserved): must be zero without Svnapot/Svpbmt. */
#define PTE_RESERVED_MASK (~0ULL << 54)
#define PTE_PBMT (3ULL << 61) /* Svpbmt: 0 PMA, 1 NC, 2 IO, 3 reserved */
#define PTE_N (1ULL << 63)    /* Svnapot */

/* pmpcfg entry bits */
#define PMP_R 0x01
#define PMP_W 0x02
#define PMP_X 0x04
#define PMP_A 0x18
#define PMP_A_SHIFT 3
#define PMP_L 0x80
#define PMP_A_OFF 0
#define PMP_A_TOR 1
#define PMP_A_NA4 2
#define PMP_A_NAPOT 3

/* menvcfg */
#define MENVCFG_FIOM (1ULL << 0)
#define MENVCFG_CBIE (3ULL << 4) /* Zicbom: 00 illegal, 01 cbo.inval flushes, 11 invalidates */
#define MENVCFG_CBIE_SHIFT 4
#define MENVCFG_CBIE_FLUSH 1
#define MENVCFG_CBIE_INVAL 3
#define MENVCFG_CBCFE (1ULL << 6)  /* Zicbom: cbo.clean/flush allowed below M */
#define MENVCFG_CBZE (1ULL << 7)   /* Zicboz */
#define MENVCFG_ADUE (1ULL << 61)  /* Svadu: hardware A/D updates */
#define MENVCFG_PBMTE (1ULL << 62) /* Svpbmt */
#define MENVCFG_STCE (1ULL << 63)
#define SENVCFG_FIOM (1ULL << 0)
/*
 * Smstateen: mstateenN.SE gates sstateenN and hstateenN; mstateen0.ENVCFG gates senvcfg;
 * with Ssaia (AIA 1.0, 2.5) CSRIND gates siselect/sireg, IMSIC stopei, AIA the rest of
 * its S-level state (stopi, and the hypervisor's hvictl/hvien/hviprio and vstopi).
 */
#define STATEEN_SE (1ULL << 63)
#define STATEEN0_ENVCFG (1ULL << 62)
#define STATEEN0_CSRIND (1ULL << 60)
#define STATEEN0_AIA (1ULL << 59)
#define STATEEN0_IMSIC (1ULL << 58)
#define CSR_HSTATEEN0 0x60c
#define CSR_HSTATEEN3 0x60f

/* ---- H extension 1.0 (Volume II 20211203, chapter 8) ---- */
#define IRQ_VS_SOFT 2
#define IRQ_VS_TIMER 6
#define IRQ_VS_EXT 10
#define IRQ_S_GEXT 12
#define MIP_VSSIP (1ULL << IRQ_VS_SOFT)
#define MIP_VSTIP (1ULL << IRQ_VS_TIMER)
#define MIP_VSEIP (1ULL << IRQ_VS_EXT)
#define MIP_SGEIP (1ULL << IRQ_S_GEXT)
#define MIP_VS_MASK (MIP_VSSIP | MIP_VSTIP | MIP_VSEIP)
#define MIP_HS_MASK (MIP_VS_MASK | MIP_SGEIP)

#define MSTATUS_GVA (1ULL << 38)
#define MSTATUS_MPV (1ULL << 39)

#define HSTATUS_VSBE (1ULL << 5)
#define HSTATUS_GVA (1ULL << 6)
#define HSTATUS_SPV (1ULL << 7)
#define HSTATUS_SPVP (1ULL << 8)
#define HSTATUS_HU (1ULL << 9)
#define HSTATUS_VGEIN (0x3fULL << 12)
#define HSTATUS_VGEIN_SHIFT 12
#define HSTATUS_VTVM (1ULL << 20)
#define HSTATUS_VTW (1ULL << 21)
#define HSTATUS_VTSR (1ULL << 22)
#define HSTATUS_VSXL (3ULL << 32)
#define HSTATUS_VSXL_SHIFT 32

/* hgatp (RV64): MODE 8 Sv39x4, 9 Sv48x4, 10 Sv57x4; VMID 14 bits; PPN 44 bits */
#define HGATP_MODE_SHIFT 60
#define HGATP_VMID_SHIFT 44
#define HGATP_VMID_MASK (0x3fffULL << HGATP_VMID_SHIFT)
#define HGATP_PPN_MASK ((1ULL << 44) - 1)

/* hypervisor and VS CSRs */
#define CSR_VSSTATUS 0x200
#define CSR_VSIE 0x204
#define CSR_VSTVEC 0x205
#define CSR_VSSCRATCH 0x240
#define CSR_VSEPC 0x241
#define CSR_VSCAUSE 0x242
#define CSR_VSTVAL 0x243
#define CSR_VSIP 0x244
#define CSR_VSTIMECMP 0x24d
#define CSR_VSATP 0x280
#define CSR_HSTATUS 0x600
#define CSR_HEDELEG 0x602
#define CSR_HIDELEG 0x603
#define CSR_HIE 0x604
#define CSR_HTIMEDELTA 0x605
#define CSR_HCOUNTEREN 0x606
#define CSR_HGEIE 0x607
#define CSR_HENVCFG 0x60a
#define CSR_HTVAL 0x643
#define CSR_HIP 0x644
#define CSR_HVIP 0x645
#define CSR_HTINST 0x64a
#define CSR_HGATP 0x680
#define CSR_HGEIP 0xe12
#define CSR_MTINST 0x34a
#define CSR_MTVAL2 0x34b

#endif
