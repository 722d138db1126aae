/*
 * ide-hd: an ATA hard disk on an AHCI port (-device ide-hd,drive=ID[,bus=ahci.0][,serial=S]
 * [,model=M]), and the IDENTIFY DEVICE data it reports (ATA8-ACS 7.16, table 22). Its
 * properties and realize are ide-device's (ide-dev.c).
 *
 * The disk claims what the command engine (ahci-cmd.c) implements: LBA48, DMA (UDMA 5),
 * FLUSH CACHE (EXT), NCQ (32 tags), a write cache, SET MULTIPLE up to 16, SATA Gen1; no SMART, no
 * security, no general purpose logging. Defaults follow QEMU so that a guest (and the
 * functional test that compares the two) sees the same model, firmware and size.
 */
#include <string.h>

#include "hw/ide/ahci.h"

#define IDE_HD_DEFAULT_MODEL "QEMU HARDDISK"
#define IDE_HD_FIRMWARE "2.5+"
#define LBA28_MAX 0x0fffffffu

/* ATA strings: space padded, two characters per word, the first in the high byte. */
void ata_id_string(uint16_t *words, const char *s, int nwords)
{
    size_t n = strlen(s);

    for (int i = 0; i < nwords * 2; i++) {
        uint8_t ch = i < (int)n ? s[i] : ' ';

        if (i % 2) {
            words[i / 2] |= ch;
        } else {
            words[i / 2] = ch << 8;
        }
    }
}

void ata_identify(const AHCIDisk *disk, uint16_t id[256])
{
    uint64_t lba28 = disk->sectors < LBA28_MAX ? disk->sectors : LBA28_MAX;
    uint64_t cyls = disk->sectors / (16 * 63);

    memset(id, 0, 256 * sizeof(id[0]));
    cyls = cyls > 16383 ? 16383 : cyls;
    id[0] = 0x0040; /* fixed, not removable */
    id[1] = id[54] = cyls;
    id[3] = id[55] = 16;
    id[6] = id[56] = 63;
    ata_id_string(&id[10], disk->serial, 10);
    ata_id_string(&id[23], IDE_HD_FIRMWARE, 4);
    ata_id_string(&id[27], disk->model, 20);
    id[47] = 0x8000 | 16;                     /* READ/WRITE MULTIPLE: up to 16 */
    id[49] = (1 << 11) | (1 << 9) | (1 << 8); /* IORDY, LBA, DMA */
    id[50] = 0x4000;
    id[53] = (1 << 2) | (1 << 1) | 1; /* words 54-58, 64-70, 88 valid */
    id[57] = (cyls * 16 * 63) & 0xffff;
    id[58] = (cyls * 16 * 63) >> 16;
    id[59] = disk->multi ? 0x100 | disk->multi : 0;
    id[60] = lba28 & 0xffff;
    id[61] = lba28 >> 16;
    id[63] = 0x07; /* multiword DMA 0-2 */
    id[64] = 0x03; /* PIO 3-4 */
    id[65] = id[66] = id[67] = id[68] = 120;
    id[75] = AHCI_NUM_SLOTS - 1;                            /* NCQ queue depth - 1 */
    id[76] = (1 << 8) | (1 << 1);                           /* NCQ, SATA Gen1 */
    id[80] = 0x00f0;                                        /* ATA/ATAPI-4 .. 7 */
    id[82] = 1 << 5;                                        /* write cache */
    id[83] = (1 << 14) | (1 << 13) | (1 << 12) | (1 << 10); /* FLUSH EXT, FLUSH, LBA48 */
    id[84] = 1 << 14;
    id[85] = 1 << 5; /* write cache enabled */
    id[86] = (1 << 13) | (1 << 12) | (1 << 10);
    id[87] = 1 << 14;
    id[88] = 0x3f | (1 << 13); /* UDMA 0-5, mode 5 selected */
    for (int i = 0; i < 4; i++) {
        id[100 + i] = disk->sectors >> (16 * i);
    }
    id[106] = 0x4000; /* one logical sector per physical */
    ata_id_checksum(id);
}

void ata_id_checksum(uint16_t id[256])
{
    uint8_t sum = 0xa5;

    id[255] = 0xa5; /* signature, then the byte that makes all 512 bytes sum to 0 */
    for (int i = 0; i < 255; i++) {
        sum += (id[i] & 0xff) + (id[i] >> 8);
    }
    id[255] |= (uint8_t)-sum << 8;
}

static void ide_hd_class_init(ObjectClass *oc, void *data)
{
    IDEDeviceClass *idc = OBJECT_CLASS_CHECK(IDEDeviceClass, oc, TYPE_IDE_DEVICE);

    idc->parent_class.desc = "virtual IDE disk";
    idc->default_model = IDE_HD_DEFAULT_MODEL;
}

static const TypeInfo ide_hd_info = {
    .name = TYPE_IDE_HD,
    .parent = TYPE_IDE_DEVICE,
    .class_init = ide_hd_class_init,
};

static void ide_hd_register_types(void)
{
    type_register_static(&ide_hd_info);
}

type_init(ide_hd_register_types)
