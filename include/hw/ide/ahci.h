/*
 * ICH9 AHCI SATA controller (-device ich9-ahci), the ATA disks (-device ide-hd,drive=ID,bus=NAME)
 * and the ATAPI CD-ROM drives (-device ide-cd,drive=ID,bus=NAME) on its ports.
 *
 * The controller is a PCI function 8086:2922, class 01.06.01 (AHCI 1.0), with its
 * registers (the ABAR) in BAR5, an index/data pair to them in I/O BAR4, and INTx pin A. It has
 * AHCI_NUM_PORTS ports; port n is the bus "ID.n" when the controller has id=ID, else "ide.N"
 * with N counting on over the ports of the controllers without an id made before it (QEMU's
 * names: q35's own controller has ide.0-ide.5, a -device ich9-ahci after it ide.6-ide.11). Commands
 * run to completion inside the guest's PxCI write, against the disk's BlockBackend.
 *
 * Guest memory (command lists, received-FIS areas, PRDT buffers) is only ever reached through
 * ahci_dma_read/ahci_dma_write, which refuse anything that is not RAM.
 */
#ifndef HW_IDE_AHCI_H
#define HW_IDE_AHCI_H

#include "block/block.h"
#include "hw/ide/atapi.h"
#include "hw/pci/pci.h"

#define TYPE_ICH9_AHCI "ich9-ahci"
#define TYPE_IDE_DEVICE "ide-device" /* abstract: ide-hd and ide-cd (hw/ide/ide-dev.c) */
#define TYPE_IDE_HD "ide-hd"
#define TYPE_IDE_CD "ide-cd"

#define AHCI_NUM_PORTS 6
#define AHCI_NUM_SLOTS 32
#define AHCI_SECTOR_SIZE 512

/* An ATA disk or ATAPI drive as the port sees it (neither blk nor atapi: the port is empty; an
 * ATAPI drive without blk has no medium). */
typedef struct AHCIDisk {
    BlockBackend *blk;
    bool atapi;        /* a CD-ROM: PACKET commands run against cd */
    ATAPIState cd;     /* atapi only */
    uint64_t sectors;  /* 512-byte sectors (ATA disk) */
    char serial[21];   /* IDENTIFY words 10-19 */
    char model[41];    /* IDENTIFY words 27-46 */
    uint8_t multi;     /* SET MULTIPLE MODE count */
    int64_t bootindex; /* the device's bootindex=, -1: none (hw/i386/pc-boot.c) */
} AHCIDisk;

/* What an ide-device subclass tells the shared realize. */
typedef struct IDEDeviceClass {
    DeviceClass parent_class;
    bool atapi;                /* a CD-ROM drive: PACKET commands; may be empty (no drive=) */
    const char *default_model; /* IDENTIFY model without model= */
} IDEDeviceClass;

typedef struct AHCIState AHCIState;

/* One port's registers (AHCI 1.3.1, 3.3) and its disk. */
typedef struct AHCIPort {
    AHCIState *hba;
    int index;
    AHCIDisk disk;
    uint32_t clb, clbu, fb, fbu, is, ie, cmd, tfd, sig, sctl, serr, sact, ci;
} AHCIPort;

struct AHCIState {
    PCIDevice parent_obj;
    MemoryRegion abar, idp;
    uint32_t ghc, is;
    uint32_t idp_index; /* BAR4's INDEX register */
    int bus_base;       /* without an id, port n is the bus "ide.<bus_base + n>" */
    AHCIPort ports[AHCI_NUM_PORTS];
};

#define ICH9_AHCI(obj) OBJECT_CHECK(AHCIState, (obj), TYPE_ICH9_AHCI)

static inline bool ahci_port_has_device(const AHCIPort *p)
{
    return p->disk.blk || p->disk.atapi;
}

/*
 * Find the port named bus ("ahci.0", "ide.2") on any ich9-ahci of the machine; NULL bus: the
 * first port without a disk. NULL + errp if there is none or it already has a disk.
 */
AHCIPort *ahci_find_port(const char *bus, Error **errp);
/* Put blk on port as an ATA disk, or with atapi an ATAPI CD-ROM drive (blk NULL: no medium);
 * serial and model are what IDENTIFY reports. */
void ahci_port_attach(AHCIPort *port, BlockBackend *blk, bool atapi, const char *serial,
                      const char *model);

/* ---- between the register file (ahci.c) and the command engine (ahci-cmd.c) ---- */

/* Guest RAM only: false (and a guest_errors line) for anything else. */
bool ahci_dma_read(uint64_t addr, void *buf, uint64_t len);
bool ahci_dma_write(uint64_t addr, const void *buf, uint64_t len);
/* Run the slots set in PxCI while the port is started; stops at the first failing one. */
void ahci_port_run(AHCIPort *port);
/* The device's reset signature: D2H FIS, TFD, SIG (after COMRESET or SRST). */
void ahci_port_signature(AHCIPort *port);
/* Recompute the HBA's IS and the INTx line after a port's IS or IE changed. */
void ahci_update_irq(AHCIState *s);

/* The 256 IDENTIFY DEVICE words of disk (exposed for the unit tests). */
void ata_identify(const AHCIDisk *disk, uint16_t id[256]);
/* What the monitor's eject/change reach an ATAPI drive's port through (ide-cd.c; opaque: the
 * AHCIPort). */
extern const BlockDevOps ide_cd_block_ops;
/* The tray of port's drive moved (the monitor, or the guest's START STOP UNIT): QMP's
 * DEVICE_TRAY_MOVED. */
void ide_cd_tray_moved(AHCIPort *port);
/* The 256 IDENTIFY PACKET DEVICE words of an ATAPI drive (ide-cd.c). */
void atapi_identify(const AHCIDisk *disk, uint16_t id[256]);
/* IDENTIFY helpers: an ATA string in nwords words; the integrity word 255 (ide-hd.c). */
void ata_id_string(uint16_t *words, const char *s, int nwords);
void ata_id_checksum(uint16_t id[256]);

#endif
