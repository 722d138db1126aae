/*
 * e1000e (82574L) on a generic ECAM host against a fake netdev, with the test playing the
 * driver: identity, NVM through EERD (MAC and checksum), the PHY through MDIC, interrupt
 * causes on INTx and on MSI-X vectors as Linux programs them (IVAR, EIAC, IAM), frames both ways
 * through legacy and extended descriptors, TX and RX checksum offload, and the guest's mistakes
 * (rings of bad length, heads outside the ring, buffers outside RAM, oversized frames), which must
 * be logged and dropped without a crash or hang.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "test-fake-netdev.h"
#include "test-guest-log.h"

#include "hw/net/e1000e.h"
#include "hw/pci-host/gpex.h"
#include "migration/vmstate.h"
#include "system/memory.h"
#include "util/log.h"

#define ECAM 0x30000000ull
#define MMIO32 0x40000000ull
#define BAR_ADDR 0x40100000ull
#define SLOT 1
#define RAM_BASE 0x80000000ull
#define RAM_SIZE (1 * MiB)
#define TX_RING (RAM_BASE + 0x1000)
#define RX_RING (RAM_BASE + 0x2000)
#define BUF (RAM_BASE + 0x10000)
#define NDESC 8 /* 128 bytes: the smallest ring */

static MemoryRegion ram;
static FakeNetdev backend;
static GPEXHost *host;
static E1000EState *nic;
static int line_level[GPEX_NUM_IRQS];
static const uint8_t our_mac[ETH_ALEN] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

static void record_line(void *opaque, int n, int level)
{
    line_level[n] = level;
}

/* ---- accessors ---- */

static void cfg_wr(uint32_t reg, uint32_t v, unsigned size)
{
    uint64_t a = ECAM + ((uint64_t)PCI_DEVFN(SLOT, 0) << 12) + reg;

    assert_int_equal(address_space_store(address_space_memory(), a, size, v), MEMTX_OK);
}

static uint32_t cfg_rd(uint32_t reg, unsigned size)
{
    uint64_t a = ECAM + ((uint64_t)PCI_DEVFN(SLOT, 0) << 12) + reg, v = 0;

    assert_int_equal(address_space_load(address_space_memory(), a, size, &v), MEMTX_OK);
    return v;
}

static uint32_t rd(uint32_t off)
{
    uint64_t v = 0;

    assert_int_equal(address_space_load(address_space_memory(), BAR_ADDR + off, 4, &v), MEMTX_OK);
    return v;
}

static void wr(uint32_t off, uint32_t v)
{
    assert_int_equal(address_space_store(address_space_memory(), BAR_ADDR + off, 4, v), MEMTX_OK);
}

static void ram_wr(hwaddr a, const void *buf, size_t len)
{
    assert_int_equal(address_space_write(address_space_memory(), a, buf, len), MEMTX_OK);
}

static void ram_rd(hwaddr a, void *buf, size_t len)
{
    assert_int_equal(address_space_read(address_space_memory(), a, buf, len), MEMTX_OK);
}

/* A 16-byte descriptor: two little-endian quadwords. */
static void put_desc(hwaddr ring, int i, uint64_t q0, uint64_t q1)
{
    uint8_t d[16];

    for (int b = 0; b < 8; b++) {
        d[b] = q0 >> (8 * b);
        d[8 + b] = q1 >> (8 * b);
    }
    ram_wr(ring + 16 * i, d, 16);
}

static uint64_t get_q1(hwaddr ring, int i)
{
    uint8_t d[16];
    uint64_t q1 = 0;

    ram_rd(ring + 16 * i, d, 16);
    for (int b = 7; b >= 0; b--) {
        q1 = q1 << 8 | d[8 + b];
    }
    return q1;
}

/* ---- fixture ---- */

static int group_setup(void **state)
{
    const GPEXConfig cfg = {
        .ecam_base = ECAM,
        .ecam_size = 0x10000000,
        .pio_base = 0x3000000,
        .pio_size = 0x10000,
        .mmio32_base = MMIO32,
        .mmio32_size = 0x40000000,
    };
    IRQState *irqs[GPEX_NUM_IRQS];
    DeviceState *dev;

    assert_true(memory_region_init_ram(&ram, "ram", RAM_SIZE, NULL));
    memory_region_add_subregion(get_system_memory(), RAM_BASE, &ram);
    for (int i = 0; i < GPEX_NUM_IRQS; i++) {
        irqs[i] = irq_new(record_line, NULL, i);
    }
    host = gpex_create(&cfg, irqs, &error_abort);
    backend.nc = net_client_new(&fake_netdev_info, "fn0", &backend);
    dev = qdev_new("e1000e");
    assert_true(object_property_parse(OBJECT(dev), "netdev", "fn0", &error_abort));
    assert_true(object_property_parse(OBJECT(dev), "mac", "52:54:00:12:34:56", &error_abort));
    assert_true(qdev_realize(dev, &error_abort));
    assert_true(pci_bus_plug(host->bus, PCI_DEVICE(dev), 0, &error_abort));
    nic = E1000E(dev);
    return 0;
}

static int test_setup(void **state)
{
    device_reset(DEVICE(nic));
    cfg_wr(PCI_BASE_ADDRESS_0, (uint32_t)BAR_ADDR, 4);
    cfg_wr(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
    memset(memory_region_get_ram_ptr(&ram), 0, RAM_SIZE);
    backend.frames = 0;
    backend.last_size = 0;
    return 0;
}

/* ---- identity, NVM, PHY, interrupts ---- */

static void test_identity_nvm_phy(void **state)
{
    uint16_t sum = 0;
    uint32_t v;

    assert_int_equal(cfg_rd(PCI_VENDOR_ID, 4), 0x10d38086);
    assert_int_equal(cfg_rd(PCI_SUBSYSTEM_VENDOR_ID, 4), 0x00008086);
    assert_int_equal(cfg_rd(PCI_INTERRUPT_PIN, 1), 1);
    for (uint32_t w = 0; w < 0x40; w++) {
        wr(E1000_EERD, (w << 2) | 1);
        v = rd(E1000_EERD);
        assert_true(v & 2); /* DONE */
        if (w < 3) {
            assert_int_equal(v >> 16, our_mac[2 * w] | our_mac[2 * w + 1] << 8);
        }
        sum += v >> 16;
    }
    assert_int_equal(sum, 0xbaba);
    wr(E1000_MDIC, (2u << 26) | (1u << 21) | (2u << 16)); /* read PHY 1 reg 2 */
    v = rd(E1000_MDIC);
    assert_int_equal(v & ((1u << 28) | (1u << 30)), 1u << 28);
    assert_int_equal(v & 0xffff, 0x0141);
    wr(E1000_MDIC, (2u << 26) | (1u << 21) | (1u << 16)); /* BMSR: link up, AN complete */
    assert_int_equal(rd(E1000_MDIC) & 0x24, 0x24);
    wr(E1000_MDIC, (2u << 26) | (7u << 21)); /* no PHY at address 7 */
    assert_true(rd(E1000_MDIC) & (1u << 30));
    assert_true(rd(E1000_STATUS) & 2); /* LU */
}

static void test_interrupts(void **state)
{
    int line = (SLOT + 0) % GPEX_NUM_IRQS; /* INTA swizzled by slot */

    wr(E1000_ICS, E1000_ICR_LSC);
    assert_int_equal(line_level[line], 0); /* masked */
    wr(E1000_IMS, E1000_ICR_LSC);
    assert_int_equal(line_level[line], 1);
    assert_int_equal(rd(E1000_ICR), E1000_ICR_LSC | E1000_ICR_ASSERTED);
    assert_int_equal(line_level[line], 0); /* read clears */
    assert_int_equal(rd(E1000_ICR), 0);
    wr(E1000_ICS, E1000_ICR_LSC);
    wr(E1000_IMC, E1000_ICR_LSC);
    assert_int_equal(line_level[line], 0);
}

/* ---- transmit ---- */

static void tx_setup(uint32_t len)
{
    wr(E1000_TDBAL, (uint32_t)TX_RING);
    wr(E1000_TDBAH, TX_RING >> 32);
    wr(E1000_TDLEN, len);
    wr(E1000_TDH, 0);
    wr(E1000_TDT, 0);
    wr(E1000_TCTL, E1000_TCTL_EN);
}

static void test_tx_legacy(void **state)
{
    uint8_t frame[64];

    for (int i = 0; i < 64; i++) {
        frame[i] = i;
    }
    ram_wr(BUF, frame, 64);
    tx_setup(NDESC * 16);
    /* two buffers of one frame: 20 + 44 bytes, EOP|IFCS|RS on the last */
    put_desc(TX_RING, 0, BUF, 20 | (0x02ull << 24));
    put_desc(TX_RING, 1, BUF + 20, 44 | (0x0bull << 24));
    wr(E1000_TDT, 2);
    assert_int_equal(backend.frames, 1);
    assert_int_equal(backend.last_size, 64);
    assert_memory_equal(backend.last, frame, 64);
    assert_int_equal(rd(E1000_TDH), 2);
    assert_int_equal((get_q1(TX_RING, 1) >> 32) & 1, 1); /* DD written back */
    assert_true(rd(E1000_ICR) & E1000_ICR_TXDW);
}

static void test_tx_checksum_offload(void **state)
{
    uint8_t frame[60] = {0};

    /* UDP-ish: checksum of bytes 34..59 stored at 40 (driver pre-seeded 0 there). */
    for (int i = 34; i < 60; i++) {
        frame[i] = 0x11;
    }
    frame[40] = frame[41] = 0;
    ram_wr(BUF, frame, 60);
    tx_setup(NDESC * 16);
    /* context: TUCSS 34, TUCSO 40, TUCSE 0 (to the end); DEXT, type 0 */
    put_desc(TX_RING, 0, (uint64_t)34 << 32 | (uint64_t)40 << 40, 0x20ull << 24);
    /* data: DTYP 1, DCMD EOP|RS|DEXT, POPTS TXSM */
    put_desc(TX_RING, 1, BUF, 60 | (1ull << 20) | (0x29ull << 24) | (0x02ull << 40));
    wr(E1000_TDT, 2);
    assert_int_equal(backend.frames, 1);
    /* 13 words of 0x1111 minus the zeroed one: 12 * 0x1111 = 0xcccc, complement 0x3333 */
    assert_int_equal(backend.last[40], 0x33);
    assert_int_equal(backend.last[41], 0x33);
}

static void tx_bad_buffer(void)
{
    tx_setup(NDESC * 16);
    put_desc(TX_RING, 0, 0x1000, 64 | (0x0bull << 24));  /* not RAM */
    put_desc(TX_RING, 1, BUF, 0xffff | (0x0bull << 24)); /* a good 64 KiB frame */
    put_desc(TX_RING, 2, RAM_BASE + RAM_SIZE - 16, 0xffff | (0x0bull << 24)); /* past RAM */
    wr(E1000_TDT, 3);
}

static void test_tx_buffer_outside_ram(void **state)
{
    char *log = logged(tx_bad_buffer);

    assert_non_null(strstr(log, "e1000e: DMA read of 0x1000+0x40 outside RAM"));
    assert_non_null(strstr(log, "outside RAM"));
    assert_int_equal(backend.frames, 1); /* only the good middle frame */
    assert_int_equal(rd(E1000_TDH), 3);  /* every descriptor consumed */
}

static void tx_bad_ring(void)
{
    tx_setup(100); /* not a multiple of 128 */
    wr(E1000_TDT, 1);
    tx_setup(NDESC * 16);
    wr(E1000_TDT, 500); /* tail outside the ring */
    tx_setup(NDESC * 16);
    wr(E1000_TDBAL, 0x1000); /* ring itself outside RAM */
    wr(E1000_TDBAH, 0);
    wr(E1000_TDT, 3);
}

static void test_tx_bad_ring(void **state)
{
    char *log = logged(tx_bad_ring);

    assert_non_null(strstr(log, "TX ring length 100 is not a non-zero multiple of 128"));
    assert_non_null(strstr(log, "TX ring head 0 / tail 500 outside its 8 descriptors"));
    assert_non_null(strstr(log, "DMA read of 0x1000+0x10 outside RAM"));
    assert_int_equal(backend.frames, 0);
}

static void tx_oversized(void)
{
    tx_setup(NDESC * 16);
    /* A frame of 7 descriptors of 0xffff bytes each without EOP, then EOP: > 64 KiB. */
    for (int i = 0; i < 7; i++) {
        put_desc(TX_RING, i, BUF, 0xffff | ((i == 6 ? 0x0bull : 0x02ull) << 24));
    }
    wr(E1000_TDT, 7);
}

static void test_tx_oversized_frame(void **state)
{
    char *log = logged(tx_oversized);

    assert_non_null(strstr(log, "TX frame larger than"));
    assert_int_equal(backend.frames, 0);
    assert_int_equal(rd(E1000_TDH), 7);
}

/*
 * TSO: an IPv4/TCP frame with a 54-byte header and 100 payload bytes, MSS 40, comes out as
 * three segments with their IP length, ID, sequence number and FIN on the last only.
 */
static void tso_send(uint8_t hdr_len)
{
    uint8_t f[154] = {0};

    f[12] = 0x08;                                  /* IPv4 */
    f[14] = 0x45;                                  /* IP header at 14, TCP at 34 */
    f[18] = 0x12, f[19] = 0x34;                    /* IP ID */
    f[23] = 6;                                     /* TCP */
    f[38] = 0, f[39] = 0, f[40] = 0x10, f[41] = 0; /* seq 0x1000 */
    f[46] = 0x50;                                  /* data offset 5 */
    f[47] = 0x19;                                  /* FIN|PSH|ACK */
    for (int i = 54; i < 154; i++) {
        f[i] = i;
    }
    ram_wr(BUF, f, sizeof(f));
    tx_setup(NDESC * 16);
    /* context: IPCSS 14, IPCSO 24, IPCSE 33; TUCSS 34, TUCSO 50; TUCMD TSE|IP|TCP|DEXT;
     * HDRLEN, MSS 40 */
    put_desc(TX_RING, 0, 14 | 24 << 8 | 33ull << 16 | 34ull << 32 | 50ull << 40,
             100 | (0x27ull << 24) | (uint64_t)hdr_len << 40 | 40ull << 48);
    /* data: DTYP 1, DCMD EOP|TSE|RS|DEXT, POPTS IXSM|TXSM */
    put_desc(TX_RING, 1, BUF, 154 | (1ull << 20) | (0x2dull << 24) | (0x03ull << 40));
    wr(E1000_TDT, 2);
}

/* Ones' complement sum of buf[0..len) as big-endian words. */
static uint32_t ones_sum(const uint8_t *buf, size_t len, uint32_t sum)
{
    for (size_t i = 0; i < len; i += 2) {
        sum += buf[i] << 8 | (i + 1 < len ? buf[i + 1] : 0);
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return sum;
}

static void test_tx_tso(void **state)
{
    tso_send(54);
    assert_int_equal(backend.frames, 3);
    /* the last segment: 20 payload bytes at offset 80 */
    assert_int_equal(backend.last_size, 54 + 20);
    assert_int_equal(backend.last[16] << 8 | backend.last[17], 20 + 20 + 20); /* IP length */
    assert_int_equal(backend.last[18] << 8 | backend.last[19], 0x1236);       /* third ID */
    assert_int_equal(backend.last[40] << 8 | backend.last[41], 0x1000 + 80);  /* seq */
    assert_int_equal(backend.last[47], 0x19);                                 /* FIN|PSH kept */
    assert_int_equal(backend.last[54], 54 + 80);
    /* IP header and TCP segment (with the length the device added to the zero seed)
     * checksum to all-ones */
    assert_int_equal(ones_sum(backend.last + 14, 20, 0), 0xffff);
    assert_int_equal(ones_sum(backend.last + 34, 40, 40), 0xffff);
}

static void tso_bad(void)
{
    tso_send(200); /* header longer than the frame */
}

static void test_tx_tso_bad_header(void **state)
{
    char *log = logged(tso_bad);

    assert_non_null(strstr(log, "TSO header 200"));
    assert_int_equal(backend.frames, 0);
}

/* ---- receive ---- */

static void rx_setup(bool extended)
{
    wr(E1000_RDBAL, (uint32_t)RX_RING);
    wr(E1000_RDBAH, 0);
    wr(E1000_RDLEN, NDESC * 16);
    wr(E1000_RDH, 0);
    wr(E1000_RFCTL, extended ? 1u << 15 : 0);
    for (int i = 0; i < NDESC; i++) {
        put_desc(RX_RING, i, BUF + 0x1000 * i, 0);
    }
    wr(E1000_RDT, NDESC - 1);
    wr(E1000_IMS, E1000_ICR_RXT0);
    wr(E1000_RCTL, E1000_RCTL_EN | (1u << 26)); /* SECRC: no CRC appended */
}

static void rx_frame(uint8_t *f, size_t len)
{
    memcpy(f, our_mac, ETH_ALEN);
    for (size_t i = ETH_ALEN; i < len; i++) {
        f[i] = i;
    }
}

static void test_rx_extended_and_legacy(void **state)
{
    uint8_t f[100], got[100];
    uint64_t q1;

    rx_frame(f, sizeof(f));
    rx_setup(true);
    net_send_packet(backend.nc, f, sizeof(f));
    ram_rd(BUF, got, sizeof(got));
    assert_memory_equal(got, f, sizeof(f));
    q1 = get_q1(RX_RING, 0);
    assert_int_equal(q1 & 3, 3);                /* DD | EOP */
    assert_int_equal((q1 >> 32) & 0xffff, 100); /* length */
    assert_int_equal(rd(E1000_RDH), 1);
    assert_true(rd(E1000_ICR) & E1000_ICR_RXT0);

    rx_setup(false);
    net_send_packet(backend.nc, f, sizeof(f));
    q1 = get_q1(RX_RING, 0);
    assert_int_equal(q1 & 0xffff, 100);  /* legacy length */
    assert_int_equal((q1 >> 32) & 3, 3); /* status DD | EOP */
    /* A frame for another MAC is filtered out. */
    f[5] ^= 1;
    net_send_packet(backend.nc, f, sizeof(f));
    assert_int_equal(rd(E1000_RDH), 1);
}

static void rx_bad(void)
{
    uint8_t f[100];

    rx_frame(f, sizeof(f));
    rx_setup(true);
    put_desc(RX_RING, 0, 0x1000, 0); /* buffer not in RAM */
    net_send_packet(backend.nc, f, sizeof(f));
    wr(E1000_RDLEN, 0); /* no ring */
    net_send_packet(backend.nc, f, sizeof(f));
    wr(E1000_RDLEN, NDESC * 16);
    wr(E1000_RDH, 99); /* head outside the ring */
    net_send_packet(backend.nc, f, sizeof(f));
    wr(E1000_RDH, 1);
    wr(E1000_RCTL, E1000_RCTL_EN | (1u << 10)); /* packet split */
    net_send_packet(backend.nc, f, sizeof(f));
}

static void test_rx_malformed(void **state)
{
    char *log = logged(rx_bad);

    assert_non_null(strstr(log, "DMA write of 0x1000+0x64 outside RAM"));
    assert_non_null(strstr(log, "RX ring length 0"));
    assert_non_null(strstr(log, "RX ring head 99"));
    assert_non_null(strstr(log, "packet-split receive descriptors not supported"));
    assert_int_equal(rd(E1000_RDH), 1);
    assert_int_equal(get_q1(RX_RING, 0) & 1, 1); /* the bad buffer's descriptor returned */
}

/* ---- savevm ---- */

/*
 * Registers, PHY and BAR mapping survive a save, reset and load; a frame half gathered at
 * save time is dropped after the load instead of going out truncated.
 */
static void test_vmstate_round_trip(void **state)
{
    const VMStateDescription *vmsd = DEVICE_GET_CLASS(nic)->vmsd;
    VMStateOut out = {0};
    VMStateIn in;

    tx_setup(NDESC * 16);
    wr(E1000_IMS, E1000_ICR_RXT0);
    wr(E1000_MDIC, (1u << 26) | (1u << 21) | (4u << 16) | 0x1e1); /* PHY reg 4 */
    put_desc(TX_RING, 0, BUF, 20 | (0x02ull << 24));              /* no EOP */
    wr(E1000_TDT, 1);
    vmstate_save_state(&out, vmsd, nic);
    device_reset(DEVICE(nic));
    assert_int_equal(nic->regs[E1000_IMS >> 2], 0);
    in = (VMStateIn){.data = out.data, .len = out.len};
    assert_true(vmstate_load_state(&in, vmsd, nic, vmsd->version_id, &error_abort));
    free(out.data);
    assert_int_equal(rd(E1000_IMS), E1000_ICR_RXT0); /* BAR mapped again */
    assert_int_equal(rd(E1000_TDH), 1);
    wr(E1000_MDIC, (2u << 26) | (1u << 21) | (4u << 16));
    assert_int_equal(rd(E1000_MDIC) & 0xffff, 0x1e1);
    put_desc(TX_RING, 1, BUF, 44 | (0x0bull << 24)); /* the frame's end */
    put_desc(TX_RING, 2, BUF, 60 | (0x0bull << 24)); /* a whole frame */
    wr(E1000_TDT, 3);
    assert_int_equal(backend.frames, 1);
    assert_int_equal(backend.last_size, 60);
}

/* UDP (10.0.2.2:1234 -> 10.0.2.15:5678, 16 bytes) and TCP (a SYN to port 22) in IPv4 with
 * correct checksums (made with Python's struct, independently of the device). */
static const uint8_t udp_frame[58] = {
    0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02, 0x08, 0x00, 0x45,
    0x00, 0x00, 0x2c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x10, 0x7d, 0x0a, 0x00, 0x02, 0x02,
    0x0a, 0x00, 0x02, 0x0f, 0x04, 0xd2, 0x16, 0x2e, 0x00, 0x18, 0x8e, 0xce, 0x6b, 0x65, 0x73,
    0x74, 0x72, 0x65, 0x6c, 0x2d, 0x72, 0x78, 0x2d, 0x63, 0x73, 0x75, 0x6d, 0x21};
static const uint8_t tcp_frame[54] = {
    0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02, 0x08, 0x00,
    0x45, 0x00, 0x00, 0x28, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x10, 0x8c, 0x0a, 0x00,
    0x02, 0x02, 0x0a, 0x00, 0x02, 0x0f, 0x04, 0xd2, 0x00, 0x16, 0x00, 0x00, 0x00, 0x01,
    0x00, 0x00, 0x00, 0x00, 0x50, 0x02, 0xff, 0xff, 0x92, 0xe9, 0x00, 0x00};

#define RXCSUM_IPOFL (1u << 8)
#define RXCSUM_TUOFL (1u << 9)

/* Receive checksum offload: IPCS/TCPCS/UDPCS for good packets, IPE/TCPE for bad ones. */
static void test_rx_checksum_offload(void **state)
{
    uint8_t f[58];

    rx_setup(true);
    wr(E1000_RXCSUM, RXCSUM_IPOFL | RXCSUM_TUOFL);
    net_send_packet(backend.nc, udp_frame, sizeof(udp_frame));
    assert_int_equal(get_q1(RX_RING, 0) & 0xffffffff, 0x53); /* DD EOP UDPCS IPCS */
    net_send_packet(backend.nc, tcp_frame, sizeof(tcp_frame));
    assert_int_equal(get_q1(RX_RING, 1) & 0xffffffff, 0x63); /* DD EOP TCPCS IPCS */
    memcpy(f, udp_frame, sizeof(f));
    f[50] ^= 0xff; /* a payload byte */
    net_send_packet(backend.nc, f, sizeof(f));
    assert_int_equal(get_q1(RX_RING, 2) & 0xffffffff, 0x20000053); /* TCPE */
    memcpy(f, udp_frame, sizeof(f));
    f[24] ^= 0x01; /* the IP header checksum */
    net_send_packet(backend.nc, f, sizeof(f));
    assert_int_equal(get_q1(RX_RING, 3) & 0xffffffff, 0x40000053); /* IPE */
    wr(E1000_RXCSUM, 0);
    net_send_packet(backend.nc, udp_frame, sizeof(udp_frame));
    assert_int_equal(get_q1(RX_RING, 4) & 0xffffffff, 0x07); /* IXSM: not checked */

    rx_setup(false);
    wr(E1000_RXCSUM, RXCSUM_TUOFL); /* what Linux's driver sets */
    net_send_packet(backend.nc, tcp_frame, sizeof(tcp_frame));
    assert_int_equal((get_q1(RX_RING, 0) >> 32) & 0xffff, 0x23); /* TCPCS, no errors */
}

/* ---- MSI-X ---- */

#define MSIX_BAR_ADDR 0x40200000ull
#define MSG_ADDR (RAM_BASE + 0x8000)
#define MSIX_ENABLE 0x8000
#define CTRL_EXT_EIAME (1u << 24)

static uint32_t msix_cap(void)
{
    for (uint32_t cap = cfg_rd(PCI_CAPABILITY_LIST, 1); cap; cap = cfg_rd(cap + 1, 1)) {
        if (cfg_rd(cap, 1) == 0x11) {
            return cap;
        }
    }
    fail_msg("no MSI-X capability");
    return 0;
}

static uint32_t message(unsigned vector)
{
    uint32_t v;

    ram_rd(MSG_ADDR + 4 * vector, &v, 4);
    return v;
}

/*
 * What Linux's e1000e driver programs for the 82574: vectors 0-2 each write 0x100 + n to
 * MSG_ADDR + 4n; IVAR routes RxQ0, TxQ0 and Other to them; RxQ0/TxQ0 auto-clear (EIAC) and
 * the other causes auto-mask (EIAME with IAM).
 */
static void msix_setup(void)
{
    uint32_t cap = msix_cap();

    assert_int_equal(cfg_rd(cap + 2, 2) & 0x7ff, E1000E_MSIX_VECTORS - 1);
    assert_int_equal(cfg_rd(cap + 4, 4), 3); /* the table at offset 0 of BAR3 */
    cfg_wr(PCI_BASE_ADDRESS_0 + 4 * 3, (uint32_t)MSIX_BAR_ADDR, 4);
    for (unsigned v = 0; v < 3; v++) {
        hwaddr e = MSIX_BAR_ADDR + 16 * v;
        uint32_t entry[4] = {(uint32_t)(MSG_ADDR + 4 * v), 0, 0x100 + v, 0};

        for (int i = 0; i < 4; i++) {
            assert_int_equal(address_space_store(address_space_memory(), e + 4 * i, 4, entry[i]),
                             MEMTX_OK);
        }
    }
    cfg_wr(cap + 2, MSIX_ENABLE, 2);
    wr(E1000_IVAR, (1u << 31) | (0xa << 16) | (0x9 << 8) | 0x8);
    wr(E1000_EIAC, E1000_ICR_RXQ0 | E1000_ICR_TXQ0);
    wr(E1000_IAM, ~(E1000_ICR_QUEUES) | E1000_ICR_OTHER);
    wr(E1000_CTRL_EXT, rd(E1000_CTRL_EXT) | CTRL_EXT_EIAME);
    wr(E1000_IMS, E1000_ICR_RXQ0 | E1000_ICR_TXQ0 | E1000_ICR_OTHER | E1000_ICR_LSC);
}

static void test_msix_vectors(void **state)
{
    int line = (SLOT + 0) % GPEX_NUM_IRQS;

    msix_setup();
    /* A link change: the Other vector, Other auto-masked until the driver unmasks it. */
    wr(E1000_ICS, E1000_ICR_LSC);
    assert_int_equal(message(2), 0x102);
    assert_int_equal(message(0) | message(1), 0);
    assert_int_equal(line_level[line], 0); /* no INTx while MSI-X is on */
    assert_int_equal(rd(E1000_IMS) & E1000_ICR_OTHER, 0);
    assert_true(rd(E1000_ICR) & E1000_ICR_LSC);
    /* A frame sent: the TxQ0 vector; TxQ0 auto-cleared, TXDW still readable. */
    tx_setup(NDESC * 16);
    put_desc(TX_RING, 0, BUF, 60 | (0x0bull << 24));
    wr(E1000_TDT, 1);
    assert_int_equal(message(1), 0x101);
    assert_int_equal(rd(E1000_ICR) & (E1000_ICR_TXQ0 | E1000_ICR_TXDW), E1000_ICR_TXDW);
    /* The watchdog's software receive interrupt (ICS RxQ0) and a second one: two messages. */
    wr(E1000_ICS, E1000_ICR_RXQ0);
    assert_int_equal(message(0), 0x100);
    memset(memory_region_get_ram_ptr(&ram) + (MSG_ADDR - RAM_BASE), 0, 16);
    wr(E1000_ICS, E1000_ICR_RXQ0);
    assert_int_equal(message(0), 0x100);
    /* A masked Other cause sends nothing until IMS enables it again. */
    memset(memory_region_get_ram_ptr(&ram) + (MSG_ADDR - RAM_BASE), 0, 16);
    wr(E1000_ICS, E1000_ICR_LSC);
    assert_int_equal(message(2), 0);
    wr(E1000_IMS, E1000_ICR_OTHER | E1000_ICR_LSC);
    assert_int_equal(message(2), 0x102);
}

static void ics_rxq0(void)
{
    wr(E1000_ICS, E1000_ICR_RXQ0);
}

static void test_msix_bad_ivar(void **state)
{
    msix_setup();
    wr(E1000_IVAR, 0); /* no valid entries */
    assert_non_null(strstr(logged(ics_rxq0), "without a valid IVAR entry"));
    assert_int_equal(message(0) | message(1) | message(2), 0);
    /* MSI-X off again: back to INTx. */
    cfg_wr(msix_cap() + 2, 0, 2);
    wr(E1000_IMS, E1000_ICR_LSC);
    wr(E1000_ICS, E1000_ICR_LSC);
    assert_int_equal(line_level[(SLOT + 0) % GPEX_NUM_IRQS], 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_identity_nvm_phy, test_setup),
        cmocka_unit_test_setup(test_interrupts, test_setup),
        cmocka_unit_test_setup(test_tx_legacy, test_setup),
        cmocka_unit_test_setup(test_tx_checksum_offload, test_setup),
        cmocka_unit_test_setup(test_tx_buffer_outside_ram, test_setup),
        cmocka_unit_test_setup(test_tx_bad_ring, test_setup),
        cmocka_unit_test_setup(test_tx_oversized_frame, test_setup),
        cmocka_unit_test_setup(test_tx_tso, test_setup),
        cmocka_unit_test_setup(test_tx_tso_bad_header, test_setup),
        cmocka_unit_test_setup(test_rx_extended_and_legacy, test_setup),
        cmocka_unit_test_setup(test_rx_malformed, test_setup),
        cmocka_unit_test_setup(test_vmstate_round_trip, test_setup),
        cmocka_unit_test_setup(test_rx_checksum_offload, test_setup),
        cmocka_unit_test_setup(test_msix_vectors, test_setup),
        cmocka_unit_test_setup(test_msix_bad_ivar, test_setup),
    };

    return cmocka_run_group_tests(tests, group_setup, NULL);
}
