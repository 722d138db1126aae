/*
 * Unit tests for ich9-ahci and ide-hd, driven through the ABAR as a guest driver would:
 * HBA and port registers, COMRESET and the signature, GHC.HR, IDENTIFY (strings, capacity,
 * checksum, the PIO Setup and D2H FISes, INTx), DMA reads and writes against a temporary raw
 * image, and malformed command lists and tables: headers, tables and PRDT buffers outside
 * RAM, PRDTs shorter than the transfer, huge PRDTL and sector counts, LBAs past the end,
 * foreign FIS types and unknown commands. Each must fail the command with a guest_errors
 * line and the ATA error status, and the port must recover after the guest restarts it.
 * An ide-cd on port 2: the ATAPI signature, IDENTIFY PACKET DEVICE, PACKET commands by DMA and
 * PIO (the CDB in the table's ACMD), CHECK CONDITION with the sense key in the error register,
 * and PACKET's own mistakes (no ATAPI bit, a READ larger than the PRDT, ATA commands); an empty
 * ide-cd (no drive=) on port 3.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "test-guest-log.h"

#include "../../hw/ide/ahci-regs.h"
#include "hw/ide/ahci.h"
#include "migration/vmstate.h"
#include "test-virtio-driver.h"
#include "util/log.h"

#define ABAR 0x10000000ull
#define IDP 0x10001000ull
#define P0 (ABAR + HBA_PORT_BASE)
#define CLB (RAM_BASE + 0x1000)
#define FB (RAM_BASE + 0x2000)
#define CTBA (RAM_BASE + 0x3000)
#define DATA (RAM_BASE + 0x10000)
#define IMG_SECTORS 64
#define P2 (P0 + 2 * HBA_PORT_SIZE)
#define CLB2 (RAM_BASE + 0x5000)
#define FB2 (RAM_BASE + 0x6000)
#define CTBA2 (RAM_BASE + 0x7000)
#define CD_SECTORS 8

static char img[64], cd_img[64];
static AHCIState *hba;

static uint32_t rd(hwaddr addr)
{
    uint64_t v = 0;

    assert_int_equal(address_space_load(address_space_memory(), addr, 4, &v), MEMTX_OK);
    return v;
}

static void wr(hwaddr addr, uint32_t v)
{
    assert_int_equal(address_space_store(address_space_memory(), addr, 4, v), MEMTX_OK);
}

/* Start port 0 with its lists in RAM and every interrupt enabled. */
static void start_port(void)
{
    wr(P0 + PX_CMD, 0);
    wr(P0 + PX_IS, 0xffffffff);
    wr(ABAR + HBA_IS, 0xffffffff);
    wr(P0 + PX_CLB, CLB);
    wr(P0 + PX_FB, FB);
    wr(P0 + PX_IE, 0xffffffff);
    wr(ABAR + HBA_GHC, GHC_AE | GHC_IE);
    wr(P0 + PX_CMD, PX_CMD_FRE | PX_CMD_ST);
}

/* Build slot's header (table at ctba, prdtl entries) and an H2D command FIS, then issue it. */
static void issue(int slot, uint64_t ctba, uint8_t command, uint64_t lba, uint16_t count,
                  uint16_t prdtl, bool write)
{
    hwaddr h = CLB + slot * CMDH_SIZE;

    ram_put(h, 5 | (write ? CMDH_W : 0) | ((uint32_t)prdtl << CMDH_PRDTL_SHIFT), 4);
    ram_put(h + 4, 0, 4);
    ram_put(h + 8, (uint32_t)ctba, 4);
    ram_put(h + 12, ctba >> 32, 4);
    if (ctba >= RAM_BASE && ctba < RAM_BASE + RAM_SIZE) {
        uint8_t fis[20] = {FIS_TYPE_H2D, 0x80, command};

        for (int i = 0; i < 3; i++) {
            fis[4 + i] = lba >> (8 * i);
            fis[8 + i] = lba >> (24 + 8 * i);
        }
        fis[7] = 0x40;
        fis[12] = count;
        fis[13] = count >> 8;
        for (int i = 0; i < 20; i++) {
            ram_put(ctba + i, fis[i], 1);
        }
    }
    wr(P0 + PX_CI, 1u << slot);
}

static void set_prd_in(hwaddr ctba, int i, uint64_t dba, uint32_t bytes)
{
    hwaddr e = ctba + CMDT_PRDT + i * PRD_SIZE;

    ram_put(e, (uint32_t)dba, 4);
    ram_put(e + 4, dba >> 32, 4);
    ram_put(e + 8, 0, 4);
    ram_put(e + 12, bytes - 1, 4);
}

static void set_prd(int i, uint64_t dba, uint32_t bytes)
{
    set_prd_in(CTBA, i, dba, bytes);
}

static void assert_failed(uint8_t error, int slot)
{
    assert_true(rd(P0 + PX_IS) & PX_IS_TFES);
    assert_int_equal(rd(P0 + PX_TFD), (error << 8) | ATA_STATUS_OK | ATA_ST_ERR);
    assert_true(rd(P0 + PX_CI) & (1u << slot));
    assert_true(PCI_DEVICE(hba)->irq_level);
}

static void assert_done(void)
{
    assert_int_equal(rd(P0 + PX_CI), 0);
    assert_int_equal(rd(P0 + PX_TFD), ATA_STATUS_OK);
    assert_false(rd(P0 + PX_IS) & PX_IS_TFES);
}

/* ---- fixture ---- */

static int group_setup(void **state)
{
    char *opt, *devopts;
    DeviceState *dev, *disk;
    uint8_t sector[512];
    int fd;

    strcpy(img, "/tmp/kestrel-test-ahci-XXXXXX");
    fd = mkstemp(img);
    for (int i = 0; i < IMG_SECTORS; i++) {
        memset(sector, i, sizeof(sector));
        assert_int_equal(write(fd, sector, sizeof(sector)), sizeof(sector));
    }
    close(fd);
    td_init_ram();
    opt = xasprintf("file=%s,format=raw,if=none,id=d0", img);
    assert_true(drive_new(opt, false, &devopts, &error_abort));
    free(opt);
    dev = qdev_new(TYPE_ICH9_AHCI);
    dev->id = strdup("ahci");
    assert_true(qdev_realize(dev, &error_abort));
    hba = ICH9_AHCI(dev);
    memory_region_add_subregion(get_system_memory(), ABAR, &hba->abar);
    memory_region_add_subregion(get_system_memory(), IDP, &hba->idp);
    disk = qdev_new(TYPE_IDE_HD);
    assert_true(object_property_set_str(OBJECT(disk), "drive", "d0", &error_abort));
    assert_true(object_property_set_str(OBJECT(disk), "bus", "ahci.0", &error_abort));
    assert_true(qdev_realize(disk, &error_abort));
    /* The CD: 8 sectors of 2048 bytes, sector n filled with 0x40 + n. */
    strcpy(cd_img, "/tmp/kestrel-test-ahci-cd-XXXXXX");
    fd = mkstemp(cd_img);
    for (int i = 0; i < CD_SECTORS * 4; i++) {
        memset(sector, 0x40 + i / 4, sizeof(sector));
        assert_int_equal(write(fd, sector, sizeof(sector)), sizeof(sector));
    }
    close(fd);
    opt = xasprintf("file=%s,format=raw,if=none,id=cd0,readonly=on", cd_img);
    assert_true(drive_new(opt, false, &devopts, &error_abort));
    free(opt);
    disk = qdev_new(TYPE_IDE_CD);
    assert_true(object_property_set_str(OBJECT(disk), "drive", "cd0", &error_abort));
    assert_true(object_property_set_str(OBJECT(disk), "bus", "ahci.2", &error_abort));
    assert_true(qdev_realize(disk, &error_abort));
    disk = qdev_new(TYPE_IDE_CD);
    assert_true(object_property_set_str(OBJECT(disk), "bus", "ahci.3", &error_abort));
    assert_true(qdev_realize(disk, &error_abort));
    return 0;
}

static int group_teardown(void **state)
{
    unlink(img);
    unlink(cd_img);
    return 0;
}

static int test_setup(void **state)
{
    wr(ABAR + HBA_GHC, GHC_HR);
    start_port();
    return 0;
}

/* ---- registers ---- */

static void test_hba_registers(void **state)
{
    uint32_t cap = rd(ABAR + HBA_CAP);

    assert_int_equal(cap & 0x1f, AHCI_NUM_PORTS - 1);
    assert_int_equal((cap >> CAP_NCS_SHIFT) & 0x1f, AHCI_NUM_SLOTS - 1);
    assert_true(cap & CAP_S64A);
    assert_true(cap & CAP_SNCQ);
    assert_int_equal(rd(ABAR + HBA_PI), 0x3f);
    assert_int_equal(rd(ABAR + HBA_VS), 0x00010300);
    assert_true(rd(ABAR + HBA_GHC) & GHC_AE);
    assert_int_equal(rd(P0 + PX_SSTS), SSTS_LINK_UP);
    assert_int_equal(rd(P0 + HBA_PORT_SIZE + PX_SSTS), 0); /* port 1: empty */
    assert_int_equal(rd(P0 + PX_SIG), SIG_ATA_DISK);
    assert_int_equal(rd(P0 + PX_CMD) & (PX_CMD_FR | PX_CMD_CR), PX_CMD_FR | PX_CMD_CR);
    wr(ABAR + HBA_GHC, GHC_HR);
    assert_int_equal(rd(P0 + PX_CMD) & (PX_CMD_ST | PX_CMD_CR), 0);
    assert_int_equal(rd(P0 + PX_CLB), 0);
    assert_int_equal(rd(ABAR + HBA_GHC), GHC_AE);
    /* BAR4's index/data pair reaches the same registers. */
    wr(IDP + 0x10, HBA_VS);
    assert_int_equal(rd(IDP + 0x14), 0x00010300);
    wr(IDP + 0x10, HBA_PORT_BASE + PX_CLB);
    wr(IDP + 0x14, CLB);
    assert_int_equal(rd(P0 + PX_CLB), CLB);
}

static void test_comreset_signature(void **state)
{
    wr(P0 + PX_SIG, 0); /* read-only */
    wr(P0 + PX_SCTL, 0x301);
    assert_int_equal(rd(P0 + PX_SSTS), SSTS_COMRESET);
    ram_put(FB + RFIS_D2H, 0, 4);
    wr(P0 + PX_IS, 0xffffffff);
    wr(P0 + PX_SCTL, 0x300);
    assert_int_equal(rd(P0 + PX_SSTS), SSTS_LINK_UP);
    assert_int_equal(rd(P0 + PX_SIG), SIG_ATA_DISK);
    assert_int_equal(rd(P0 + PX_TFD), 0x100 | ATA_STATUS_OK);
    assert_int_equal(ram_get(FB + RFIS_D2H, 1), FIS_TYPE_D2H);
    assert_true(rd(P0 + PX_IS) & PX_IS_DHRS);
}

/* ---- commands ---- */

static void test_identify(void **state)
{
    char model[41];
    uint8_t sum = 0;

    set_prd(0, DATA, 512);
    issue(3, CTBA, 0xec, 0, 0, 1, false);
    assert_done();
    assert_int_equal(ram_get(CLB + 3 * CMDH_SIZE + 4, 4), 512); /* PRDBC */
    for (int i = 0; i < 40; i++) {
        model[i] = ram_get(DATA + 54 + (i ^ 1), 1);
    }
    model[40] = 0;
    assert_string_equal(model, "QEMU HARDDISK                           ");
    assert_int_equal(ram_get(DATA + 200, 8), IMG_SECTORS);         /* words 100-103 */
    assert_int_equal(ram_get(DATA + 166, 2) & (1 << 10), 1 << 10); /* LBA48 */
    for (int i = 0; i < 512; i++) {
        sum += ram_get(DATA + i, 1);
    }
    assert_int_equal(sum, 0);
    assert_int_equal(ram_get(FB + RFIS_PIO_SETUP, 1), FIS_TYPE_PIO_SETUP);
    assert_int_equal(ram_get(FB + RFIS_PIO_SETUP + 15, 1), ATA_STATUS_OK);
    assert_int_equal(ram_get(FB + RFIS_D2H, 1), FIS_TYPE_D2H);
    assert_true(PCI_DEVICE(hba)->irq_level);
    assert_int_equal(rd(ABAR + HBA_IS), 1);
    wr(P0 + PX_IS, 0xffffffff);
    wr(ABAR + HBA_IS, 1);
    assert_false(PCI_DEVICE(hba)->irq_level);
}

static void test_read_write(void **state)
{
    FILE *f;
    uint8_t buf[1024];

    /* Read sectors 7-8 through two PRDs. */
    set_prd(0, DATA, 512);
    set_prd(1, DATA + 0x1000, 512);
    issue(0, CTBA, 0x25, 7, 2, 2, false);
    assert_done();
    assert_int_equal(ram_get(DATA + 511, 1), 7);
    assert_int_equal(ram_get(DATA + 0x1000, 1), 8);
    /* Write 0xab over sectors 10-11 with one PRD, then check the image. */
    for (int i = 0; i < 1024; i++) {
        ram_put(DATA + i, 0xab, 1);
    }
    set_prd(0, DATA, 1024);
    issue(1, CTBA, 0x35, 10, 2, 1, true);
    assert_done();
    issue(2, CTBA, 0xea, 0, 0, 0, false);
    assert_done();
    f = fopen(img, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 10 * 512, SEEK_SET), 0);
    assert_int_equal(fread(buf, 1, sizeof(buf), f), sizeof(buf));
    fclose(f);
    for (int i = 0; i < 1024; i++) {
        assert_int_equal(buf[i], 0xab);
    }
}

/* NCQ: READ FPDMA QUEUED with tag 4 in slot 4 (count in Features, tag in Count). */
static void issue_ncq(uint64_t lba, uint8_t count)
{
    uint8_t fis[20] = {FIS_TYPE_H2D, 0x80, 0x60, count, lba, lba >> 8, lba >> 16, 0x40};

    fis[12] = 4 << 3;
    set_prd(0, DATA, count * 512);
    ram_put(CLB + 4 * CMDH_SIZE, 5 | (1u << CMDH_PRDTL_SHIFT), 4);
    ram_put(CLB + 4 * CMDH_SIZE + 8, CTBA, 4);
    ram_put(CLB + 4 * CMDH_SIZE + 12, 0, 4);
    for (int i = 0; i < 20; i++) {
        ram_put(CTBA + i, fis[i], 1);
    }
    wr(P0 + PX_SACT, 1u << 4);
    wr(P0 + PX_CI, 1u << 4);
}

static void test_ncq(void **state)
{
    ram_put(FB + RFIS_SDB, 0, 8);
    issue_ncq(12, 1);
    assert_done();
    assert_int_equal(rd(P0 + PX_SACT), 0);
    assert_int_equal(ram_get(DATA + 100, 1), 12);
    assert_int_equal(ram_get(FB + RFIS_SDB, 1), FIS_TYPE_SDB);
    assert_int_equal(ram_get(FB + RFIS_SDB + 4, 4), 1u << 4);
    assert_true(rd(P0 + PX_IS) & PX_IS_SDBS);
    issue_ncq(IMG_SECTORS, 1);
    assert_true(rd(P0 + PX_IS) & PX_IS_TFES);
    assert_int_equal(rd(P0 + PX_SACT), 1u << 4);
}

/* ---- malformed command lists ---- */

static void prd_outside_ram(void)
{
    set_prd(0, 0xdead0000, 512);
    issue(0, CTBA, 0x25, 0, 1, 1, false);
}

static void short_prdt(void)
{
    set_prd(0, DATA, 512);
    issue(1, CTBA, 0x25, 0, 8, 1, false);
}

static void huge_prdtl(void)
{
    /* 65535 entries of the largest size, running off the end of RAM. */
    for (int i = 0; i < 4; i++) {
        set_prd(i, DATA, 0x400000);
    }
    issue(2, RAM_BASE + RAM_SIZE - 0x100, 0x25, 0, 1, 0xffff, false);
}

static void past_the_end(void)
{
    set_prd(0, DATA, 512);
    issue(4, CTBA, 0x25, IMG_SECTORS, 1, 1, false);
}

static void huge_count(void)
{
    set_prd(0, DATA, 512);
    issue(5, CTBA, 0x25, 0, 0 /* 65536 sectors */, 1, false);
}

static void unknown_command(void)
{
    issue(6, CTBA, 0x99, 0, 0, 0, false);
}

static void table_outside_ram(void)
{
    issue(7, 0xdead0000, 0xec, 0, 0, 0, false);
}

static void list_outside_ram(void)
{
    wr(P0 + PX_CMD, 0);
    wr(P0 + PX_CLB, 0xdead0000);
    wr(P0 + PX_CMD, PX_CMD_FRE | PX_CMD_ST);
    wr(P0 + PX_CI, 1);
}

/* The guest restarts the port as Linux's error handler does; then IDENTIFY must work. */
static void recover(void)
{
    wr(P0 + PX_CMD, PX_CMD_FRE);
    assert_int_equal(rd(P0 + PX_CI), 0);
    start_port();
    set_prd(0, DATA, 512);
    issue(0, CTBA, 0xec, 0, 0, 1, false);
    assert_done();
}

static void test_guest_errors(void **state)
{
    static const struct {
        void (*fn)(void);
        const char *log;
        uint8_t error;
        int slot;
    } cases[] = {
        {prd_outside_ram, "DMA write of 0xdead0000+0x200 outside RAM", ATA_ER_ABRT, 0},
        {short_prdt, "holds 512 of 4096 bytes", ATA_ER_ABRT, 1},
        {huge_prdtl, "outside RAM", ATA_ER_ABRT, 2},
        {past_the_end, "past the end", ATA_ER_IDNF, 4},
        {huge_count, "LBA 0+65536 past the end", ATA_ER_IDNF, 5},
        {unknown_command, "unsupported ATA command 0x99", ATA_ER_ABRT, 6},
        {table_outside_ram, "DMA read of 0xdead0000", ATA_ER_ABRT, 7},
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        char *text = logged(cases[i].fn);

        assert_non_null(strstr(text, cases[i].log));
        assert_failed(cases[i].error, cases[i].slot);
        /* A stopped port runs nothing more until restarted. */
        wr(P0 + PX_CI, 1u << 9);
        assert_true(rd(P0 + PX_CI) & (1u << 9));
        recover();
    }
    assert_non_null(strstr(logged(list_outside_ram), "DMA read of 0xdead0000"));
    assert_true(rd(P0 + PX_IS) & PX_IS_HBFS);
    recover();
}

/* ---- the ATAPI drive on port 2 ---- */

static void start_cd_port(void)
{
    wr(P2 + PX_CMD, 0);
    wr(P2 + PX_IS, 0xffffffff);
    wr(P2 + PX_CLB, CLB2);
    wr(P2 + PX_FB, FB2);
    wr(P2 + PX_IE, 0xffffffff);
    wr(P2 + PX_CMD, PX_CMD_FRE | PX_CMD_ST);
}

/* Slot 0 of port 2: an H2D FIS with command (features: DMA bit), the CDB, prdtl PRDs. */
static void issue_cd(uint8_t command, bool dma, const uint8_t *cdb, uint16_t prdtl, bool atapi)
{
    uint8_t fis[20] = {FIS_TYPE_H2D, 0x80, command, dma};

    ram_put(CLB2, 5 | (atapi ? CMDH_A : 0) | ((uint32_t)prdtl << CMDH_PRDTL_SHIFT), 4);
    ram_put(CLB2 + 4, 0, 4);
    ram_put(CLB2 + 8, CTBA2, 4);
    ram_put(CLB2 + 12, 0, 4);
    for (int i = 0; i < 20; i++) {
        ram_put(CTBA2 + i, fis[i], 1);
    }
    for (int i = 0; cdb && i < 12; i++) {
        ram_put(CTBA2 + CMDT_ACMD + i, cdb[i], 1);
    }
    wr(P2 + PX_CI, 1);
}

static void assert_cd_done(void)
{
    assert_int_equal(rd(P2 + PX_CI), 0);
    assert_int_equal(rd(P2 + PX_TFD), ATA_STATUS_OK);
    assert_int_equal(ram_get(FB2 + RFIS_D2H + 12, 1), 3); /* interrupt reason: I/O, C/D */
}

/* A failed command: TFES, ERR, the error register as given; the guest restarts the port. */
static void assert_cd_failed(uint8_t error)
{
    assert_true(rd(P2 + PX_IS) & PX_IS_TFES);
    assert_int_equal(rd(P2 + PX_TFD), (error << 8) | ATA_STATUS_OK | ATA_ST_ERR);
    assert_int_equal(rd(P2 + PX_CI), 1);
    wr(P2 + PX_CMD, PX_CMD_FRE);
    start_cd_port();
}

static void test_atapi_identify(void **state)
{
    char model[41];
    uint8_t sum = 0;

    assert_int_equal(rd(P2 + PX_SIG), SIG_ATAPI);
    assert_int_equal(rd(P2 + PX_SSTS), SSTS_LINK_UP);
    start_cd_port();
    set_prd_in(CTBA2, 0, DATA, 512);
    issue_cd(0xa1, false, NULL, 1, false);
    assert_int_equal(rd(P2 + PX_CI), 0);
    assert_int_equal(ram_get(DATA, 2), 0x85c0); /* ATAPI, CD/DVD, removable, 12-byte CDB */
    for (int i = 0; i < 40; i++) {
        model[i] = ram_get(DATA + 54 + (i ^ 1), 1);
    }
    model[40] = 0;
    assert_string_equal(model, "QEMU DVD-ROM                            ");
    for (int i = 0; i < 512; i++) {
        sum += ram_get(DATA + i, 1);
    }
    assert_int_equal(sum, 0);
    assert_int_equal(ram_get(FB2 + RFIS_PIO_SETUP, 1), FIS_TYPE_PIO_SETUP);
    /* IDENTIFY DEVICE: aborted, with the packet signature in the D2H FIS. */
    issue_cd(0xec, false, NULL, 1, false);
    assert_int_equal(ram_get(FB2 + RFIS_D2H + 5, 1), 0x14);
    assert_int_equal(ram_get(FB2 + RFIS_D2H + 6, 1), 0xeb);
    assert_cd_failed(ATA_ER_ABRT);
}

static void test_atapi_packet(void **state)
{
    const uint8_t read10[12] = {0x28, 0, 0, 0, 0, 6, 0, 0, 2};
    const uint8_t inquiry[12] = {0x12, 0, 0, 0, 36};
    const uint8_t capacity[12] = {0x25};
    const uint8_t prevent[12] = {0x1e, 0, 0, 0, 1};

    start_cd_port();
    /* READ(10) of sectors 6-7 by DMA through two PRDs, split inside the first sector. */
    set_prd_in(CTBA2, 0, DATA, 1024);
    set_prd_in(CTBA2, 1, DATA + 0x1000, 3072);
    issue_cd(0xa0, true, read10, 2, true);
    assert_cd_done();
    assert_int_equal(ram_get(CLB2 + 4, 4), 4096); /* PRDBC */
    assert_int_equal(ram_get(DATA, 1), 0x46);
    assert_int_equal(ram_get(DATA + 0x1000, 1), 0x46);
    assert_int_equal(ram_get(DATA + 0x1000 + 1023, 1), 0x46);
    assert_int_equal(ram_get(DATA + 0x1000 + 1024, 1), 0x47);
    /* INQUIRY by PIO: a PIO Setup FIS too. */
    ram_put(FB2 + RFIS_PIO_SETUP, 0, 4);
    set_prd_in(CTBA2, 0, DATA, 512);
    issue_cd(0xa0, false, inquiry, 1, true);
    assert_cd_done();
    assert_int_equal(ram_get(CLB2 + 4, 4), 36);
    assert_int_equal(ram_get(DATA, 1), 0x05);
    assert_int_equal(ram_get(FB2 + RFIS_PIO_SETUP, 1), FIS_TYPE_PIO_SETUP);
    issue_cd(0xa0, true, capacity, 1, true);
    assert_cd_done();
    assert_int_equal(ram_get(DATA + 3, 1), CD_SECTORS - 1);
    assert_true(PCI_DEVICE(hba)->irq_level);
    /* PREVENT MEDIUM REMOVAL holds until a reset. */
    issue_cd(0xa0, true, prevent, 0, true);
    assert_cd_done();
    assert_true(hba->ports[2].disk.cd.locked);
    wr(ABAR + HBA_GHC, GHC_HR);
    assert_false(hba->ports[2].disk.cd.locked);
}

/* The empty drive on port 3: there, with the packet signature, but NOT READY. */
static void test_atapi_empty_drive(void **state)
{
    const hwaddr p3 = P0 + 3 * HBA_PORT_SIZE;
    const uint8_t tur[12] = {0x00};

    assert_int_equal(rd(p3 + PX_SIG), SIG_ATAPI);
    assert_int_equal(rd(p3 + PX_SSTS), SSTS_LINK_UP);
    assert_int_equal(rd(P0 + 4 * HBA_PORT_SIZE + PX_SSTS), 0); /* port 4: nothing */
    /* Port 2's lists, moved to port 3 for one TEST UNIT READY. */
    wr(p3 + PX_CLB, CLB2);
    wr(p3 + PX_FB, FB2);
    wr(p3 + PX_CMD, PX_CMD_FRE | PX_CMD_ST);
    issue_cd(0xa0, true, tur, 0, true);
    wr(P2 + PX_CI, 0);
    wr(p3 + PX_CI, 1);
    assert_true(rd(p3 + PX_IS) & PX_IS_TFES);
    assert_int_equal(rd(p3 + PX_TFD), (SENSE_NOT_READY << 12) | ATA_STATUS_OK | ATA_ST_ERR);
    assert_int_equal(hba->ports[3].disk.cd.asc, ASC_MEDIUM_NOT_PRESENT);
}

static const uint8_t *bad_cdb;
static bool bad_atapi_bit;
static uint8_t bad_command;

static void issue_bad_cd(void)
{
    set_prd_in(CTBA2, 0, DATA, 2048);
    issue_cd(bad_command, true, bad_cdb, 1, bad_atapi_bit);
}

static void test_atapi_errors(void **state)
{
    static const uint8_t write10[12] = {0x2a, 0, 0, 0, 0, 0, 0, 0, 1};
    static const uint8_t read_two[12] = {0x28, 0, 0, 0, 0, 0, 0, 0, 2};
    static const uint8_t past_end[12] = {0x28, 0, 0, 0, 0, CD_SECTORS, 0, 0, 1};
    static const uint8_t unknown[12] = {0xee};
    static const uint8_t sense[12] = {0x03, 0, 0, 0, 18};
    static const struct {
        uint8_t command;
        const uint8_t *cdb;
        bool atapi_bit;
        uint8_t error;
        const char *log;
    } cases[] = {
        {0xa0, write10, true, SENSE_DATA_PROTECT << 4, ""},
        {0xa0, read_two, true, SENSE_ABORTED_COMMAND << 4,
         "READ of 4096 bytes, more than its PRDT"},
        {0xa0, past_end, true, (SENSE_ILLEGAL_REQUEST << 4) | ATA_ER_ABRT, "past the end"},
        {0xa0, unknown, true, (SENSE_ILLEGAL_REQUEST << 4) | ATA_ER_ABRT, "unsupported command"},
        {0xa0, read_two, false, SENSE_ABORTED_COMMAND << 4, "PACKET without the ATAPI bit"},
        {0x25, NULL, false, ATA_ER_ABRT, "ATA command 0x25 to an ATAPI drive"},
    };

    start_cd_port();
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        char *text;

        bad_command = cases[i].command;
        bad_cdb = cases[i].cdb;
        bad_atapi_bit = cases[i].atapi_bit;
        text = logged(issue_bad_cd);
        assert_non_null(strstr(text, cases[i].log));
        assert_cd_failed(cases[i].error);
        if (cases[i].command == 0xa0) {
            /* REQUEST SENSE tells the key again. */
            issue_cd(0xa0, true, sense, 1, true);
            assert_cd_done();
            assert_int_equal(ram_get(DATA + 2, 1), cases[i].error >> 4);
        }
    }
}

/* savevm/loadvm: the registers come back after a reset wiped them. */
static void test_vmstate(void **state)
{
    const VMStateDescription *vmsd = DEVICE_GET_CLASS(hba)->vmsd;
    VMStateOut out = {0};
    VMStateIn in;

    set_prd(0, DATA, 512);
    issue(3, CTBA, 0xec, 0, 0, 1, false);
    vmstate_save_state(&out, vmsd, hba);
    wr(ABAR + HBA_GHC, GHC_HR);
    assert_int_equal(rd(P0 + PX_CLB), 0);
    in = (VMStateIn){.data = out.data, .len = out.len};
    assert_true(vmstate_load_state(&in, vmsd, hba, vmsd->version_id, &error_abort));
    assert_int_equal(in.pos, in.len);
    assert_int_equal(rd(P0 + PX_CLB), CLB);
    assert_int_equal(rd(P0 + PX_IE), PX_IS_MASK);
    assert_true(rd(P0 + PX_CMD) & PX_CMD_ST);
    assert_int_equal(rd(ABAR + HBA_GHC), GHC_AE | GHC_IE);
    assert_true(rd(P0 + PX_IS) & PX_IS_PSS);
    free(out.data);
}

static void test_ide_hd_errors(void **state)
{
    DeviceState *disk = qdev_new(TYPE_IDE_HD);
    Error *err = NULL;

    assert_true(object_property_set_str(OBJECT(disk), "drive", "d0", &error_abort));
    assert_true(object_property_set_str(OBJECT(disk), "bus", "ahci.0", &error_abort));
    assert_false(qdev_realize(disk, &err));
    assert_non_null(err);
    error_free(err);
    object_unref(OBJECT(disk));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_hba_registers, test_setup),
        cmocka_unit_test_setup(test_comreset_signature, test_setup),
        cmocka_unit_test_setup(test_identify, test_setup),
        cmocka_unit_test_setup(test_read_write, test_setup),
        cmocka_unit_test_setup(test_ncq, test_setup),
        cmocka_unit_test_setup(test_guest_errors, test_setup),
        cmocka_unit_test_setup(test_vmstate, test_setup),
        cmocka_unit_test_setup(test_ide_hd_errors, test_setup),
        cmocka_unit_test_setup(test_atapi_identify, test_setup),
        cmocka_unit_test_setup(test_atapi_packet, test_setup),
        cmocka_unit_test_setup(test_atapi_errors, test_setup),
        cmocka_unit_test_setup(test_atapi_empty_drive, test_setup),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
