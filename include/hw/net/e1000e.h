/*
 * e1000e: the Intel 82574L gigabit NIC (PCI 8086:10d3) that Linux's e1000e driver drives,
 * joined to a -netdev backend:
 *     -netdev user,id=n0 -device e1000e,netdev=n0[,mac=52:54:00:12:34:56]
 *
 * BARs as QEMU: 0 MMIO registers (128 KiB), 1 flash (128 KiB, reads 0), 2 I/O window
 * (IOADDR/IODATA, 32 bytes), 3 MSI-X (16 KiB: the table of E1000E_MSIX_VECTORS at 0, the PBA at
 * 0x800). Interrupts go out on INTx pin A, or once the driver enables MSI-X, as the messages
 * IVAR assigns to the receive, transmit and other causes (INTx then stays low).
 * Split in two files: e1000e.c (PCI, registers, PHY, NVM, interrupts) and
 * e1000e-rings.c (receive and transmit descriptor rings).
 */
#ifndef HW_NET_E1000E_H
#define HW_NET_E1000E_H

#include "hw/pci/pci.h"
#include "net/net.h"

#define TYPE_E1000E "e1000e"

#define E1000E_MMIO_SIZE (128 * 1024)
#define E1000E_NREGS (E1000E_MMIO_SIZE / 4)
#define E1000E_NVM_WORDS 64
#define E1000E_PHY_REGS 32

/* Register offsets (82574 datasheet, 10.2) used by name. */
enum {
    E1000_CTRL = 0x0000,
    E1000_STATUS = 0x0008,
    E1000_EECD = 0x0010,
    E1000_EERD = 0x0014,
    E1000_CTRL_EXT = 0x0018,
    E1000_MDIC = 0x0020,
    E1000_ICR = 0x00c0,
    E1000_ITR = 0x00c4,
    E1000_ICS = 0x00c8,
    E1000_IMS = 0x00d0,
    E1000_IMC = 0x00d8,
    E1000_EIAC = 0x00dc, /* the 82574's MSI-X auto-clear mask */
    E1000_IAM = 0x00e0,
    E1000_IVAR = 0x00e4,
    E1000_RCTL = 0x0100,
    E1000_TCTL = 0x0400,
    E1000_EXTCNF_CTRL = 0x0f00,
    E1000_EEMNGCTL = 0x1010,
    E1000_RDBAL = 0x2800,
    E1000_RDBAH = 0x2804,
    E1000_RDLEN = 0x2808,
    E1000_RDH = 0x2810,
    E1000_RDT = 0x2818,
    E1000_TDBAL = 0x3800,
    E1000_TDBAH = 0x3804,
    E1000_TDLEN = 0x3808,
    E1000_TDH = 0x3810,
    E1000_TDT = 0x3818,
    E1000_STATS_FIRST = 0x4000,
    E1000_STATS_LAST = 0x4124,
    E1000_RXCSUM = 0x5000,
    E1000_RFCTL = 0x5008,
    E1000_MTA = 0x5200,
    E1000_RAL0 = 0x5400,
    E1000_RAH0 = 0x5404,
    E1000_SWSM = 0x5b50,
    E1000_FWSM = 0x5b54,
};

/* Interrupt causes (ICR/ICS/IMS/IMC bits). */
#define E1000_ICR_TXDW (1u << 0)
#define E1000_ICR_TXQE (1u << 1)
#define E1000_ICR_LSC (1u << 2)
#define E1000_ICR_RXDMT0 (1u << 4)
#define E1000_ICR_RXO (1u << 6)
#define E1000_ICR_RXT0 (1u << 7)
#define E1000_ICR_MDAC (1u << 9)
/* MSI-X mode: the causes folded per queue (receive 0/1, transmit 0/1, other) */
#define E1000_ICR_RXQ0 (1u << 20)
#define E1000_ICR_TXQ0 (1u << 22)
#define E1000_ICR_OTHER (1u << 24)
#define E1000E_QUEUE_CAUSES 5
#define E1000_ICR_QUEUES (0x1fu << 20)
#define E1000E_MSIX_VECTORS 5
#define E1000_ICR_ASSERTED (1u << 31)

#define E1000_RCTL_EN (1u << 1)
#define E1000_TCTL_EN (1u << 1)

typedef struct E1000EState {
    PCIDevice parent_obj;
    char *netdev;  /* property: the -netdev id */
    char *mac_str; /* property: MAC, NULL for the next default */
    uint8_t mac[ETH_ALEN];
    NetClientState *nic;
    MemoryRegion mmio, flash, io, msix;
    uint32_t regs[E1000E_NREGS]; /* plain read/write storage, by offset / 4 */
    uint16_t nvm[E1000E_NVM_WORDS];
    uint16_t phy[E1000E_PHY_REGS]; /* page 0 of the PHY */
    uint16_t phy_page;
    uint32_t msix_asserted; /* queue causes whose message went out and that are still up */
    uint32_t ioaddr;        /* BAR2's IOADDR: which register IODATA reaches */
    uint8_t *rx_frame;      /* a received frame with padding and CRC, NET_MAX_FRAME_SIZE + 4 */
    uint8_t *tx_frame;      /* the frame being gathered from TX data descriptors */
    size_t tx_len;
    bool tx_overflow;  /* the current frame grew too large: drop it at EOP */
    bool tx_mid_frame; /* savevm: a frame was half gathered (its bytes are not saved) */
    /* the last TX context descriptor's checksum offsets */
    uint8_t tx_ipcss, tx_ipcso, tx_tucss, tx_tucso;
    uint16_t tx_ipcse, tx_tucse;
    /* ... and its segmentation (TSO) setup */
    uint8_t tx_tucmd, tx_hdr_len;
    uint16_t tx_mss;
    uint8_t *tx_seg; /* one TSO segment being built */
} E1000EState;

#define E1000E(obj) OBJECT_CHECK(E1000EState, (obj), TYPE_E1000E)

static inline uint32_t e1000e_reg(const E1000EState *s, uint32_t off)
{
    return s->regs[off >> 2];
}

/* e1000e.c: raise the causes in ICR and update INTx. */
void e1000e_set_icr(E1000EState *s, uint32_t causes);

/* e1000e-rings.c */
/* The netdev's receive hook: one frame into the receive ring. */
ssize_t e1000e_receive(NetClientState *nc, const uint8_t *buf, size_t size);
bool e1000e_can_receive(NetClientState *nc);
/* TDT moved or TCTL enabled: send what the ring holds (at most one ring's worth). */
void e1000e_process_tx(E1000EState *s);

#endif
