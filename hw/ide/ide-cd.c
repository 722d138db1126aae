/*
 * ide-cd: an ATAPI CD/DVD-ROM drive on an AHCI port (-device ide-cd,drive=ID[,bus=ide.2]
 * [,serial=S][,model=M]), what -cdrom and -drive media=cdrom put on q35's controller, and the
 * IDENTIFY PACKET DEVICE data it reports (ATA8-ACS 7.17, table 26). Its properties and
 * realize are ide-device's (ide-dev.c).
 *
 * The drive takes 12-byte CDBs (atapi.c, the MMC commands) through PACKET, by PIO or DMA, and
 * claims no more than that: no NCQ, no overlap or queuing, no write features. The medium is
 * the image, read-only whatever the drive was opened as; without drive= the drive is empty
 * (NOT READY, MEDIUM NOT PRESENT), as QEMU's. Defaults follow QEMU so a guest sees
 * the same drive ("QEMU DVD-ROM", firmware 2.5+, serial QM0000<port + 1>).
 */
#include <string.h>

#include "hw/ide/ahci.h"
#include "monitor/monitor.h"

#define IDE_CD_DEFAULT_MODEL "QEMU DVD-ROM"
#define IDE_CD_FIRMWARE "2.5+"

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

/* ---- removable medium: the monitor's side of the tray (BlockDevOps) ---- */

void ide_cd_tray_moved(AHCIPort *port)
{
    BlockBackend *blk = port->disk.blk;
    Object *dev = blk ? blk_get_attached_dev(blk) : NULL;
    char *path;

    if (!dev) {
        return;
    }
    /* QEMU names the device by its id, else its QOM path. */
    path = DEVICE(dev)->id ? xstrdup(DEVICE(dev)->id) : object_get_canonical_path(dev);
    qmp_event_device_tray_moved(blk_name(blk), path, port->disk.cd.tray_open);
    free(path);
}

static void ide_cd_change_media(void *opaque, bool load)
{
    AHCIDisk *d = &((AHCIPort *)opaque)->disk;

    atapi_media_changed(&d->cd, !load, blk_is_inserted(d->blk), blk_getlength(d->blk));
    ide_cd_tray_moved(opaque);
}

static bool ide_cd_is_tray_open(void *opaque)
{
    return ((AHCIPort *)opaque)->disk.cd.tray_open;
}

static bool ide_cd_is_medium_locked(void *opaque)
{
    return ((AHCIPort *)opaque)->disk.cd.locked;
}

static void ide_cd_eject_request(void *opaque, bool force)
{
    atapi_eject_request(&((AHCIPort *)opaque)->disk.cd, force);
}

const BlockDevOps ide_cd_block_ops = {
    .change_media_cb = ide_cd_change_media,
    .is_tray_open = ide_cd_is_tray_open,
    .is_medium_locked = ide_cd_is_medium_locked,
    .eject_request_cb = ide_cd_eject_request,
};

static void ide_cd_class_init(ObjectClass *oc, void *data)
{
    IDEDeviceClass *idc = OBJECT_CLASS_CHECK(IDEDeviceClass, oc, TYPE_IDE_DEVICE);

    idc->parent_class.desc = "virtual IDE CD-ROM";
    idc->atapi = true;
    idc->default_model = IDE_CD_DEFAULT_MODEL;
}

static const TypeInfo ide_cd_info = {
    .name = TYPE_IDE_CD,
    .parent = TYPE_IDE_DEVICE,
    .class_init = ide_cd_class_init,
};

static void ide_cd_register_types(void)
{
    type_register_static(&ide_cd_info);
}

type_init(ide_cd_register_types)
