/*
 * ide-cd: an ATAPI CD/DVD-ROM drive on an AHCI port (-device ide-cd,drive=ID[,bus=ide.2]
 * [,serial=S][,model=M]), what -cdrom and -drive media=cdrom put on q35's controller, and the
 * IDENTIFY PACKET DEVICE data it reports (ATA8-ACS 7.17, table 26).
 *
 * The drive takes 12-byte CDBs (atapi.c, the MMC commands) through PACKET, by PIO or DMA, and
 * claims no more than that: no NCQ, no overlap or queuing, no write features. The medium is
 * the image, read-only whatever the drive was opened as; without drive= the drive is empty
 * (NOT READY, MEDIUM NOT PRESENT), as QEMU's. Defaults follow QEMU so a guest sees
 * the same drive ("QEMU DVD-ROM", firmware 2.5+, serial QM0000<port + 1>).
 */
#include <string.h>

#include "hw/ide/ahci.h"

#define IDE_CD_DEFAULT_MODEL "QEMU DVD-ROM"
#define IDE_CD_FIRMWARE "2.5+"

typedef struct IDECDDrive {
    DeviceState parent_obj;
    char *drive, *bus, *serial, *model;
    AHCIPort *port;
} IDECDDrive;

#define IDE_CD(obj) OBJECT_CHECK(IDECDDrive, (obj), TYPE_IDE_CD)

void atapi_identify(const AHCIDisk *disk, uint16_t id[256])
{
    memset(id, 0, 256 * sizeof(id[0]));
    /* ATAPI, CD/DVD device (type 5), removable, DRQ within 50 us of PACKET, 12-byte CDBs */
    id[0] = (2 << 14) | (5 << 8) | (1 << 7) | (2 << 5);
    ata_id_string(&id[10], disk->serial, 10);
    ata_id_string(&id[23], IDE_CD_FIRMWARE, 4);
    ata_id_string(&id[27], disk->model, 20);
    id[49] = (1 << 11) | (1 << 9) | (1 << 8); /* IORDY, LBA, DMA */
    id[53] = (1 << 2) | (1 << 1);             /* words 64-70 and 88 valid */
    id[63] = 0x07;                            /* multiword DMA 0-2 */
    id[64] = 0x03;                            /* PIO 3-4 */
    id[65] = id[66] = id[67] = id[68] = 120;
    id[71] = id[72] = 30; /* PACKET bus release and service times, ns */
    id[76] = 1 << 1;      /* SATA Gen1 */
    id[80] = 0x00f0;      /* ATA/ATAPI-4 .. 7 */
    id[82] = 1 << 4;      /* PACKET feature set */
    id[83] = 1 << 14;
    id[84] = 1 << 14;
    id[85] = 1 << 4;
    id[87] = 1 << 14;
    id[88] = 0x3f | (1 << 13); /* UDMA 0-5, mode 5 selected */
    ata_id_checksum(id);
}

static bool ide_cd_realize(DeviceState *dev, Error **errp)
{
    IDECDDrive *s = IDE_CD(dev);
    BlockBackend *blk = NULL;
    AHCIPort *port;
    char serial[21];

    if (s->drive && *s->drive) {
        blk = blk_by_name(s->drive);
        if (!blk) {
            error_setg(errp, "drive '%s' not found", s->drive);
            return false;
        }
    }
    port = ahci_find_port(s->bus, errp);
    if (!port || (blk && !blk_attach_dev(blk, s, errp))) {
        return false;
    }
    snprintf(serial, sizeof(serial), "QM%05d", port->index + 1);
    ahci_port_attach(port, blk, true, s->serial ? s->serial : serial,
                     s->model ? s->model : IDE_CD_DEFAULT_MODEL);
    s->port = port;
    return true;
}

static void ide_cd_finalize(Object *obj)
{
    IDECDDrive *s = IDE_CD(obj);

    if (s->port) {
        if (s->port->disk.blk) {
            blk_detach_dev(s->port->disk.blk, s);
        }
        memset(&s->port->disk, 0, sizeof(s->port->disk));
    }
}

static const Property ide_cd_props[] = {
    DEFINE_PROP("drive", PROP_STRING, IDECDDrive, drive,
                .description = "the -drive id of the CD image (none: an empty drive)"),
    DEFINE_PROP("bus", PROP_STRING, IDECDDrive, bus,
                .description = "the AHCI port (ahci.0 with id=ahci, else ide.0); default: free"),
    DEFINE_PROP("serial", PROP_STRING, IDECDDrive, serial,
                .description = "IDENTIFY serial number (20 characters)"),
    DEFINE_PROP("model", PROP_STRING, IDECDDrive, model,
                .description = "IDENTIFY model (40 characters)"),
    DEFINE_PROP_END,
};

static void ide_cd_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "virtual IDE CD-ROM";
    dc->user_creatable = true;
    dc->realize = ide_cd_realize;
    object_class_add_props(oc, ide_cd_props);
}

static const TypeInfo ide_cd_info = {
    .name = TYPE_IDE_CD,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(IDECDDrive),
    .instance_finalize = ide_cd_finalize,
    .class_init = ide_cd_class_init,
};

static void ide_cd_register_types(void)
{
    type_register_static(&ide_cd_info);
}

type_init(ide_cd_register_types)
