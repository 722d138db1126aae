/* AHCI 1.3.1 register and FIS layout, shared by hw/ide/ahci*.c. */
#ifndef HW_IDE_AHCI_REGS_H
#define HW_IDE_AHCI_REGS_H

/* Generic host control (3.1) */
#define HBA_CAP 0x00
#define HBA_GHC 0x04
#define HBA_IS 0x08
#define HBA_PI 0x0c
#define HBA_VS 0x10
#define HBA_CAP2 0x24
#define HBA_PORT_BASE 0x100
#define HBA_PORT_SIZE 0x80
#define AHCI_ABAR_SIZE 0x1000

#define CAP_S64A (1u << 31)
#define CAP_SNCQ (1u << 30)
#define CAP_SAM (1u << 18)
#define CAP_ISS_GEN1 (1u << 20)
#define CAP_NCS_SHIFT 8

#define GHC_HR (1u << 0)
#define GHC_IE (1u << 1)
#define GHC_AE (1u << 31)

#define AHCI_VERSION_1_3 0x00010300

/* Port registers (3.3), offsets inside the port's 0x80 bytes */
#define PX_CLB 0x00
#define PX_CLBU 0x04
#define PX_FB 0x08
#define PX_FBU 0x0c
#define PX_IS 0x10
#define PX_IE 0x14
#define PX_CMD 0x18
#define PX_TFD 0x20
#define PX_SIG 0x24
#define PX_SSTS 0x28
#define PX_SCTL 0x2c
#define PX_SERR 0x30
#define PX_SACT 0x34
#define PX_CI 0x38

#define PX_IS_DHRS (1u << 0)
#define PX_IS_PSS (1u << 1)
#define PX_IS_SDBS (1u << 3)
#define PX_IS_HBFS (1u << 29)
#define PX_IS_TFES (1u << 30)
#define PX_IS_MASK 0xfdc000ffu /* implemented bits */

#define PX_CMD_ST (1u << 0)
#define PX_CMD_SUD (1u << 1)
#define PX_CMD_POD (1u << 2)
#define PX_CMD_CLO (1u << 3)
#define PX_CMD_FRE (1u << 4)
#define PX_CMD_FR (1u << 14)
#define PX_CMD_CR (1u << 15)
#define PX_CMD_ICC_MASK (0xfu << 28)

#define SCTL_DET_MASK 0xf
#define SCTL_DET_COMRESET 1
/* DET 3 (device, phy up), SPD 1 (Gen1), IPM 1 (active) */
#define SSTS_LINK_UP 0x113
#define SSTS_COMRESET 0x1

#define SIG_ATA_DISK 0x00000101
#define SIG_ATAPI 0xeb140101 /* count 1, LBA low 1, LBA mid 0x14, LBA high 0xeb */

/* ATA status and error bits */
#define ATA_ST_ERR 0x01
#define ATA_ST_DRQ 0x08
#define ATA_ST_DSC 0x10
#define ATA_ST_DRDY 0x40
#define ATA_ST_BSY 0x80
#define ATA_ER_ABRT 0x04
#define ATA_ER_IDNF 0x10
#define ATA_ER_UNC 0x40
#define ATA_STATUS_OK (ATA_ST_DRDY | ATA_ST_DSC)

/* Received-FIS area (4.2.1) */
#define RFIS_PIO_SETUP 0x20
#define RFIS_D2H 0x40
#define RFIS_SDB 0x58
#define FIS_TYPE_SDB 0xa1
#define FIS_TYPE_H2D 0x27
#define FIS_TYPE_D2H 0x34
#define FIS_TYPE_PIO_SETUP 0x5f

/* Command header (4.2.2) and table (4.2.3) */
#define CMDH_SIZE 32
#define CMDH_A (1u << 5) /* ATAPI: the table holds a CDB at CMDT_ACMD */
#define CMDH_W (1u << 6)
#define CMDH_PRDTL_SHIFT 16
#define CMDT_ACMD 0x40
#define CMDT_PRDT 0x80
#define PRD_SIZE 16
#define PRD_DBC_MASK 0x3fffff

#endif
