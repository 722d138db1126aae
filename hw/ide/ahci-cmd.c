/*
 * AHCI command engine and the ATA commands Linux's libata issues.
 * Specs: Serial ATA AHCI 1.3.1 (4.2 system memory structures, 5.x command processing),
 * ATA8-ACS (commands), SATA 3.x 10.5 (FIS layouts).
 *
 * A slot set in PxCI is run to completion at once: fetch the command header (CLB + 32 * slot),
 * the command FIS from the table (CTBA), run it, move data through the PRDT, then post the
 * status (a D2H register FIS, plus a PIO Setup FIS for PIO data-in), write PRDBC and clear the
 * slot. A failing command sets PxIS.TFES with ERR in PxTFD and leaves its slot in PxCI: the
 * engine stops until the guest restarts it (clears and sets PxCMD.ST), as AHCI 6.2.2 says.
 *
 * An ATAPI drive (ide-cd) takes PACKET: the CDB at CTBA + 0x40 runs through atapi.c, its data
 * moves through the PRDT like a DMA read, and a CHECK CONDITION posts ERR with the sense key in
 * the error register's upper half.
 *
 * Guest mistakes (tables or buffers outside RAM, a PRDT shorter than the transfer, LBAs past
 * the end, unknown commands) are logged under guest_errors and fail the command with ABRT or
 * IDNF; no guest value sizes an allocation beyond one command's 32 MiB maximum.
 */
#include <endian.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ahci-regs.h"
#include "hw/ide/ahci.h"
#include "util/log.h"

/* ATA commands (ATA8-ACS 7.x) */
#define ATA_READ_DMA 0xc8
#define ATA_READ_DMA_EXT 0x25
#define ATA_WRITE_DMA 0xca
#define ATA_WRITE_DMA_EXT 0x35
#define ATA_FLUSH_CACHE 0xe7
#define ATA_FLUSH_CACHE_EXT 0xea
#define ATA_IDENTIFY 0xec
#define ATA_READ_FPDMA_QUEUED 0x60
#define ATA_WRITE_FPDMA_QUEUED 0x61
#define ATA_SET_FEATURES 0xef
#define ATA_SET_MULTIPLE 0xc6
#define ATA_STANDBY_IMMEDIATE 0xe0
#define ATA_IDLE_IMMEDIATE 0xe1
#define ATA_CHECK_POWER_MODE 0xe5
#define ATA_PACKET 0xa0
#define ATA_IDENTIFY_PACKET 0xa1

/* ATAPI interrupt reason in the Sector Count register: I/O and C/D, the command is done. */
#define ATAPI_IO_COD 0x03
/* READ(10)/READ(12) move the medium through a buffer of this many bytes at a time. */
#define ATAPI_READ_CHUNK (64 * ATAPI_SECTOR_SIZE)

#define SRST 0x04 /* Device Control register: software reset */

/* One command as the engine sees it. */
typedef struct AHCICmd {
    AHCIPort *port;
    uint32_t header[4]; /* DW0 flags/PRDTL, DW1 PRDBC, DW2-3 CTBA */
    uint64_t ctba;
    uint8_t fis[20]; /* the H2D register FIS */
    uint32_t prdbc;  /* bytes moved */
    uint8_t status;  /* ATA status and error to post */
    uint8_t error;
    uint8_t count_out; /* Sector Count to post (CHECK POWER MODE) */
    bool pio_in;       /* data-in by PIO protocol: post a PIO Setup FIS too */
} AHCICmd;

static uint64_t port_clb(const AHCIPort *p)
{
    return ((uint64_t)p->clbu << 32) | p->clb;
}

static uint64_t port_fb(const AHCIPort *p)
{
    return ((uint64_t)p->fbu << 32) | p->fb;
}

/* ---- posting results ---- */

static void post_fis(AHCIPort *p, unsigned offset, const uint8_t *fis, size_t len)
{
    if (p->cmd & PX_CMD_FRE) {
        ahci_dma_write(port_fb(p) + offset, fis, len);
    }
}

static void post_d2h(AHCIPort *p, uint8_t status, uint8_t error, const uint8_t *regs, uint8_t count)
{
    uint8_t fis[20] = {FIS_TYPE_D2H, 0x40 /* I */, status, error};

    if (regs) {
        memcpy(fis + 4, regs + 4, 7); /* LBA 0-2, device, LBA 3-5 */
    }
    fis[12] = count;
    post_fis(p, RFIS_D2H, fis, sizeof(fis));
    p->tfd = ((uint32_t)error << 8) | status;
    p->is |= PX_IS_DHRS;
}

void ahci_port_signature(AHCIPort *p)
{
    /*
     * The device signature (SATA 3.x 11.4): count 1, LBA 1, error 1 (ok); a packet device adds
     * LBA mid/high 0x14/0xeb and leaves DRDY clear (ATA8-ACS 9.12), an ATA disk sets it.
     */
    uint8_t regs[20] = {0, 0, 0, 0, 1, 0, 0, 0};

    if (p->disk.atapi) {
        regs[5] = 0x14;
        regs[6] = 0xeb;
        post_d2h(p, 0, 0x01, regs, 1);
        p->sig = SIG_ATAPI;
        return;
    }
    post_d2h(p, ATA_STATUS_OK, 0x01, regs, 1);
    p->sig = SIG_ATA_DISK;
}

static void post_pio_setup(AHCIPort *p, uint8_t status, uint16_t len)
{
    uint8_t fis[20] = {FIS_TYPE_PIO_SETUP, 0x20 /* D: device to host */, ATA_ST_DRDY | ATA_ST_DRQ};

    fis[15] = status; /* E_Status: the status after the transfer */
    fis[16] = len;
    fis[17] = len >> 8;
    post_fis(p, RFIS_PIO_SETUP, fis, sizeof(fis));
    p->is |= PX_IS_PSS;
}

/* An NCQ completion: a Set Device Bits FIS naming the finished tag (SATA 3.x 10.5.7). */
static void post_sdb(AHCIPort *p, uint8_t status, uint8_t error, int tag)
{
    uint32_t done = 1u << tag;
    uint8_t fis[8] = {FIS_TYPE_SDB, 0x40 /* I */, status & 0x77, error,
                      done,         done >> 8,    done >> 16,    done >> 24};

    post_fis(p, RFIS_SDB, fis, sizeof(fis));
    p->tfd = ((uint32_t)error << 8) | status;
    if (!(status & ATA_ST_ERR)) {
        p->sact &= ~done;
    }
    p->is |= PX_IS_SDBS;
}

static void cmd_fail(AHCICmd *c, uint8_t error)
{
    c->status = ATA_STATUS_OK | ATA_ST_ERR;
    c->error = error;
}

/* ---- data through the PRDT ---- */

/* Where a transfer has got to in the PRDT: an entry and the bytes already used of it. */
typedef struct PrdtPos {
    unsigned entry;
    uint64_t offset;
} PrdtPos;

/* Read PRDT entry i: its buffer address and byte count; false if the table is not in RAM. */
static bool prdt_entry(AHCICmd *c, unsigned i, uint64_t *dba, uint64_t *size)
{
    uint32_t prd[4];

    if (!ahci_dma_read(c->ctba + CMDT_PRDT + (uint64_t)i * PRD_SIZE, prd, sizeof(prd))) {
        return false;
    }
    *dba = ((uint64_t)le32toh(prd[1]) << 32) | (le32toh(prd[0]) & ~1u);
    *size = (le32toh(prd[3]) & PRD_DBC_MASK) + 1;
    return true;
}

/* Move len bytes between buf and the PRDT's buffers from pos on; false if they do not fit. */
static bool prdt_move(AHCICmd *c, PrdtPos *pos, uint8_t *buf, uint64_t len, bool to_guest)
{
    unsigned prdtl = c->header[0] >> CMDH_PRDTL_SHIFT;
    uint64_t done = 0;

    while (pos->entry < prdtl && done < len) {
        uint64_t dba, size, chunk;
        bool ok;

        if (!prdt_entry(c, pos->entry, &dba, &size)) {
            return false;
        }
        chunk = size - pos->offset < len - done ? size - pos->offset : len - done;
        ok = to_guest ? ahci_dma_write(dba + pos->offset, buf + done, chunk)
                      : ahci_dma_read(dba + pos->offset, buf + done, chunk);
        if (!ok) {
            return false;
        }
        done += chunk;
        pos->offset += chunk;
        if (pos->offset == size) {
            pos->entry++;
            pos->offset = 0;
        }
    }
    c->prdbc += done;
    if (done < len) {
        log_mask(LOG_GUEST_ERROR,
                 "ahci: port %d: PRDT of %u entries holds %" PRIu64 " of %" PRIu64 " bytes\n",
                 c->port->index, prdtl, (uint64_t)c->prdbc, c->prdbc - done + len);
        return false;
    }
    return true;
}

/* Move len bytes between buf and the PRDT's buffers; false (ABRT) if it does not fit. */
static bool prdt_transfer(AHCICmd *c, uint8_t *buf, uint64_t len, bool to_guest)
{
    PrdtPos pos = {0};

    return prdt_move(c, &pos, buf, len, to_guest);
}

/* ---- ATA commands ---- */

/* IDENTIFY DEVICE, or IDENTIFY PACKET DEVICE for an ATAPI drive: 512 bytes by PIO. */
static void ata_identify_cmd(AHCICmd *c)
{
    uint16_t id[256];
    uint8_t buf[512];

    if (c->port->disk.atapi) {
        atapi_identify(&c->port->disk, id);
    } else {
        ata_identify(&c->port->disk, id);
    }
    for (int i = 0; i < 256; i++) {
        buf[2 * i] = id[i];
        buf[2 * i + 1] = id[i] >> 8;
    }
    c->pio_in = true;
    if (!prdt_transfer(c, buf, sizeof(buf), true)) {
        cmd_fail(c, ATA_ER_ABRT);
    }
}

/* How a command encodes its LBA and sector count. */
typedef enum AtaForm { ATA_LBA28, ATA_LBA48, ATA_FPDMA } AtaForm;

static void ata_rw_dma(AHCICmd *c, AtaForm form, bool write)
{
    const uint8_t *f = c->fis;
    AHCIDisk *d = &c->port->disk;
    uint64_t lba = f[4] | (f[5] << 8) | ((uint64_t)f[6] << 16);
    uint64_t count, len;
    uint8_t *buf;
    int ret;

    if (form == ATA_LBA28) {
        lba |= (uint64_t)(f[7] & 0x0f) << 24;
        count = f[12] ? f[12] : 256;
    } else {
        lba |= ((uint64_t)f[8] << 24) | ((uint64_t)f[9] << 32) | ((uint64_t)f[10] << 40);
        /* FPDMA QUEUED carries the count in Features (the tag is in Count). */
        count = form == ATA_FPDMA ? f[3] | (f[11] << 8) : f[12] | (f[13] << 8);
        count = count ? count : 65536;
    }
    if (lba >= d->sectors || count > d->sectors - lba) {
        log_mask(LOG_GUEST_ERROR,
                 "ahci: port %d: LBA %" PRIu64 "+%" PRIu64 " past the end (%" PRIu64 ")\n",
                 c->port->index, lba, count, d->sectors);
        cmd_fail(c, ATA_ER_IDNF);
        return;
    }
    if (write && blk_is_read_only(d->blk)) {
        log_mask(LOG_GUEST_ERROR, "ahci: port %d: write to a read-only drive\n", c->port->index);
        cmd_fail(c, ATA_ER_ABRT);
        return;
    }
    len = count * AHCI_SECTOR_SIZE;
    buf = malloc(len);
    if (!buf) {
        cmd_fail(c, ATA_ER_ABRT);
        return;
    }
    if (write) {
        if (!prdt_transfer(c, buf, len, false)) {
            cmd_fail(c, ATA_ER_ABRT);
        } else if (blk_pwrite(d->blk, lba * AHCI_SECTOR_SIZE, buf, len) < 0) {
            cmd_fail(c, ATA_ER_ABRT);
        }
    } else {
        ret = blk_pread(d->blk, lba * AHCI_SECTOR_SIZE, buf, len);
        if (ret < 0) {
            cmd_fail(c, ATA_ER_UNC);
        } else if (!prdt_transfer(c, buf, len, true)) {
            cmd_fail(c, ATA_ER_ABRT);
        }
    }
    free(buf);
}

static void ata_set_multiple(AHCICmd *c)
{
    uint8_t n = c->fis[12];

    /* 0 disables; else a power of two up to the 16 IDENTIFY word 47 offers. */
    if (n > 16 || (n & (n - 1))) {
        cmd_fail(c, ATA_ER_ABRT);
        return;
    }
    c->port->disk.multi = n;
}

static void ata_execute(AHCICmd *c)
{
    uint8_t command = c->fis[2];

    switch (command) {
    case ATA_IDENTIFY:
        ata_identify_cmd(c);
        break;
    case ATA_READ_DMA:
        ata_rw_dma(c, ATA_LBA28, false);
        break;
    case ATA_READ_DMA_EXT:
        ata_rw_dma(c, ATA_LBA48, false);
        break;
    case ATA_WRITE_DMA:
        ata_rw_dma(c, ATA_LBA28, true);
        break;
    case ATA_WRITE_DMA_EXT:
        ata_rw_dma(c, ATA_LBA48, true);
        break;
    case ATA_FLUSH_CACHE:
    case ATA_FLUSH_CACHE_EXT:
        if (blk_flush(c->port->disk.blk) < 0) {
            cmd_fail(c, ATA_ER_ABRT);
        }
        break;
    case ATA_READ_FPDMA_QUEUED:
        ata_rw_dma(c, ATA_FPDMA, false);
        break;
    case ATA_WRITE_FPDMA_QUEUED:
        ata_rw_dma(c, ATA_FPDMA, true);
        break;
    case ATA_SET_MULTIPLE:
        ata_set_multiple(c);
        break;
    case ATA_SET_FEATURES: /* transfer mode, write cache: nothing to change in an emulator */
    case ATA_STANDBY_IMMEDIATE:
    case ATA_IDLE_IMMEDIATE:
        break;
    case ATA_CHECK_POWER_MODE:
        c->count_out = 0xff;
        break; /* active or idle */
    default:
        log_mask(LOG_GUEST_ERROR, "ahci: port %d: unsupported ATA command 0x%02x\n", c->port->index,
                 command);
        cmd_fail(c, ATA_ER_ABRT);
        break;
    }
}

/* ---- ATAPI: the PACKET command carrying a CDB (ATA8-ACS 7.21, AHCI 4.2.3 ACMD) ---- */

/* CHECK CONDITION: ERR, with the sense key in the upper half of the error register. */
static void atapi_check_condition(AHCICmd *c, uint8_t key, uint8_t asc)
{
    ATAPIState *cd = &c->port->disk.cd;

    if (key != SENSE_NO_SENSE) {
        atapi_set_sense(cd, key, asc, 0);
    }
    cmd_fail(c, (cd->sense_key << 4) | (cd->sense_key == SENSE_ILLEGAL_REQUEST ? ATA_ER_ABRT : 0));
}

/* How many of the want bytes the PRDT's buffers hold (stops counting once it has them). */
static uint64_t prdt_capacity(AHCICmd *c, uint64_t want)
{
    unsigned prdtl = c->header[0] >> CMDH_PRDTL_SHIFT;
    uint64_t total = 0, dba, size;

    for (unsigned i = 0; i < prdtl && total < want && prdt_entry(c, i, &dba, &size); i++) {
        total += size;
    }
    return total;
}

/* READ(10)/READ(12): the sectors to the PRDT a chunk at a time, once it is known they fit. */
static bool atapi_read(AHCICmd *c, const ATAPIRequest *req)
{
    AHCIDisk *d = &c->port->disk;
    uint64_t len = (uint64_t)req->nsectors * ATAPI_SECTOR_SIZE, done = 0;
    uint64_t offset = req->lba * ATAPI_SECTOR_SIZE;
    PrdtPos pos = {0};
    uint8_t *buf;

    if (prdt_capacity(c, len) < len) {
        log_mask(LOG_GUEST_ERROR,
                 "ahci: port %d: ATAPI READ of %" PRIu64 " bytes, more than its PRDT\n",
                 c->port->index, len);
        atapi_set_sense(&d->cd, SENSE_ABORTED_COMMAND, ASC_NO_ADDITIONAL, 0);
        return false;
    }
    buf = malloc(len < ATAPI_READ_CHUNK ? len : ATAPI_READ_CHUNK);
    if (!buf) {
        atapi_set_sense(&d->cd, SENSE_ABORTED_COMMAND, ASC_NO_ADDITIONAL, 0);
        return false;
    }
    while (done < len) {
        uint64_t n = len - done < ATAPI_READ_CHUNK ? len - done : ATAPI_READ_CHUNK;

        if (blk_pread(d->blk, offset + done, buf, n) < 0) {
            atapi_set_sense(&d->cd, SENSE_MEDIUM_ERROR, ASC_UNRECOVERED_READ, 0);
            break;
        }
        if (!prdt_move(c, &pos, buf, n, true)) {
            atapi_set_sense(&d->cd, SENSE_ABORTED_COMMAND, ASC_NO_ADDITIONAL, 0);
            break;
        }
        done += n;
    }
    free(buf);
    return done == len;
}

static void atapi_packet(AHCICmd *c)
{
    ATAPIState *cd = &c->port->disk.cd;
    uint8_t cdb[ATAPI_CDB_SIZE];
    ATAPIRequest req;
    bool ok, tray_was_open;

    c->count_out = ATAPI_IO_COD;
    if (!(c->header[0] & CMDH_A)) {
        log_mask(LOG_GUEST_ERROR, "ahci: port %d: PACKET without the ATAPI bit in its header\n",
                 c->port->index);
        atapi_check_condition(c, SENSE_ABORTED_COMMAND, ASC_NO_ADDITIONAL);
        return;
    }
    if (!ahci_dma_read(c->ctba + CMDT_ACMD, cdb, sizeof(cdb))) {
        atapi_check_condition(c, SENSE_ABORTED_COMMAND, ASC_NO_ADDITIONAL);
        return;
    }
    /* The disc is whatever the backend holds now: the monitor may have taken it out while the
     * tray was open, and the guest may close the tray on nothing. */
    cd->medium = c->port->disk.blk && blk_is_inserted(c->port->disk.blk);
    cd->sectors = cd->medium ? blk_getlength(c->port->disk.blk) / ATAPI_SECTOR_SIZE : 0;
    tray_was_open = cd->tray_open;
    ok = atapi_execute(cd, cdb, &req);
    if (cd->tray_open != tray_was_open) {
        ide_cd_tray_moved(c->port);
    }
    if (ok && req.nsectors) {
        ok = atapi_read(c, &req);
    } else if (ok && req.len && !prdt_transfer(c, req.data, req.len, true)) {
        atapi_set_sense(cd, SENSE_ABORTED_COMMAND, ASC_NO_ADDITIONAL, 0);
        ok = false;
    }
    c->pio_in = !(c->fis[3] & 1) && c->prdbc; /* Features bit 0 clear: data by PIO */
    if (!ok) {
        atapi_check_condition(c, SENSE_NO_SENSE, 0);
    }
}

/* The ATA commands an ATAPI drive takes besides PACKET; the rest are aborted. */
static void atapi_ata_execute(AHCICmd *c)
{
    uint8_t command = c->fis[2];

    switch (command) {
    case ATA_PACKET:
        atapi_packet(c);
        break;
    case ATA_IDENTIFY_PACKET:
        ata_identify_cmd(c);
        break;
    case ATA_IDENTIFY:
        /* A packet device aborts it with its signature in the registers (ATA8-ACS 7.16). */
        c->fis[4] = 1;
        c->fis[5] = 0x14;
        c->fis[6] = 0xeb;
        c->count_out = 1;
        cmd_fail(c, ATA_ER_ABRT);
        break;
    case ATA_SET_FEATURES:
    case ATA_STANDBY_IMMEDIATE:
    case ATA_IDLE_IMMEDIATE:
        break;
    case ATA_CHECK_POWER_MODE:
        c->count_out = 0xff;
        break;
    default:
        log_mask(LOG_GUEST_ERROR, "ahci: port %d: ATA command 0x%02x to an ATAPI drive\n",
                 c->port->index, command);
        cmd_fail(c, ATA_ER_ABRT);
        break;
    }
}

/* ---- the command list ---- */

/* Fetch slot's header and command FIS; false (HBFS) if they are not in RAM. */
static bool ahci_fetch(AHCICmd *c, int slot)
{
    uint64_t hdr = port_clb(c->port) + (uint64_t)slot * CMDH_SIZE;

    if (!ahci_dma_read(hdr, c->header, sizeof(c->header))) {
        return false;
    }
    for (int i = 0; i < 4; i++) {
        c->header[i] = le32toh(c->header[i]);
    }
    c->ctba = ((uint64_t)c->header[3] << 32) | (c->header[2] & ~0x7fu);
    return ahci_dma_read(c->ctba, c->fis, sizeof(c->fis));
}

static bool is_ncq(const uint8_t *fis)
{
    return fis[0] == FIS_TYPE_H2D && (fis[1] & 0x80) &&
           (fis[2] == ATA_READ_FPDMA_QUEUED || fis[2] == ATA_WRITE_FPDMA_QUEUED);
}

/* Run one slot; false if it failed (the engine stops). */
static bool ahci_run_slot(AHCIPort *p, int slot)
{
    AHCICmd c = {.port = p, .status = ATA_STATUS_OK};
    uint32_t prdbc;

    if (!ahci_fetch(&c, slot)) {
        p->is |= PX_IS_HBFS | PX_IS_TFES;
        p->tfd = (ATA_ER_ABRT << 8) | ATA_STATUS_OK | ATA_ST_ERR;
        return false;
    }
    if (c.fis[0] != FIS_TYPE_H2D) {
        log_mask(LOG_GUEST_ERROR, "ahci: port %d slot %d: FIS type 0x%02x is not H2D\n", p->index,
                 slot, c.fis[0]);
        cmd_fail(&c, ATA_ER_ABRT);
    } else if (!(c.fis[1] & 0x80)) {
        /* A Device Control update: the end of a software reset brings the signature. */
        if (!(c.fis[15] & SRST)) {
            ahci_port_signature(p);
        }
        p->ci &= ~(1u << slot);
        return true;
    } else if (!ahci_port_has_device(p)) {
        cmd_fail(&c, ATA_ER_ABRT);
    } else if (p->disk.atapi) {
        atapi_ata_execute(&c);
    } else {
        ata_execute(&c);
    }
    if (c.pio_in) {
        post_pio_setup(p, c.status, c.prdbc);
    }
    if (is_ncq(c.fis)) {
        post_sdb(p, c.status, c.error, c.fis[12] >> 3);
    } else {
        post_d2h(p, c.status, c.error, c.fis, c.count_out);
    }
    prdbc = htole32(c.prdbc);
    ahci_dma_write(port_clb(p) + (uint64_t)slot * CMDH_SIZE + 4, &prdbc, sizeof(prdbc));
    if (c.status & ATA_ST_ERR) {
        p->is |= PX_IS_TFES;
        return false;
    }
    p->ci &= ~(1u << slot);
    return true;
}

void ahci_port_run(AHCIPort *p)
{
    if (!(p->cmd & PX_CMD_ST) || (p->tfd & (ATA_ST_BSY | ATA_ST_DRQ)) || (p->is & PX_IS_TFES)) {
        return;
    }
    for (int slot = 0; slot < AHCI_NUM_SLOTS; slot++) {
        if ((p->ci & (1u << slot)) && !ahci_run_slot(p, slot)) {
            break;
        }
    }
    ahci_update_irq(p->hba);
}
