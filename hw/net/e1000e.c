/*
 * e1000e: the Intel 82574L as Linux's e1000e driver sees it (82574 GbE Controller
 * datasheet): PCI function, register file, PHY behind MDIC, NVM behind EERD, interrupt
 * causes on INTx pin A or MSI-X. The rings are in e1000e-rings.c.
 *
 * MSI-X (datasheet 7.4.2 and 10.2.4): with it enabled, a receive cause also raises RxQ0 in
 * ICR, a transmit cause TxQ0, and any other enabled cause (link change, MDIO, ...) Other.
 * Each of those, once set and enabled in IMS, sends the vector its IVAR field names (when
 * the field's valid bit is set); then the EIAC bits auto-clear in ICR and, with
 * CTRL_EXT.EIAME, the IAM bits of the cause clear in IMS (auto-mask). A cause that stays up
 * sends no second message until it has dropped.
 *
 * Registers without a behaviour of their own (interrupt throttling, flow control,
 * RFCTL, MTA, RA, ...) are plain storage: the driver writes and reads them back, and the
 * rings read the ones they need. Statistics read 0 (nothing is counted; they are
 * clear-on-read, so 0 is always a correct reading). Interrupt moderation is not modelled:
 * causes interrupt at once, which the driver accepts.
 */
#include "hw/net/e1000e.h"

#include "hw/pci/msix.h"
#include "migration/vmstate.h"
#include "util/log.h"

#define PCI_VENDOR_ID_INTEL 0x8086
#define E1000E_DEVICE_ID 0x10d3

#define CTRL_GIO_MASTER_DISABLE (1u << 2)
#define CTRL_RST (1u << 26)
#define CTRL_PHY_RST (1u << 31)
#define STATUS_FD (1u << 0)
#define STATUS_LU (1u << 1)
#define STATUS_SPEED_1000 (1u << 7)
#define STATUS_GIO_MASTER_ENABLE (1u << 19)
#define EECD_PRES (1u << 8)
#define EECD_AUTO_RD (1u << 9)
#define EERD_START (1u << 0)
#define EERD_DONE (1u << 1)
#define EERD_ADDR_SHIFT 2
#define CTRL_EXT_EIAME (1u << 24)
#define CTRL_EXT_IAME (1u << 27)
#define IVAR_VALID 0x8
#define E1000E_MSIX_BAR 3
#define E1000E_MSIX_BAR_SIZE (16 * 1024)
#define ICR_RX_CAUSES (E1000_ICR_RXT0 | E1000_ICR_RXDMT0)
#define ICR_TX_CAUSES (E1000_ICR_TXDW | E1000_ICR_TXQE)
#define MDIC_OP_WRITE (1u << 26)
#define MDIC_OP_READ (2u << 26)
#define MDIC_READY (1u << 28)
#define MDIC_INT (1u << 29)
#define MDIC_ERROR (1u << 30)
#define SWSM_SMBI (1u << 0)
#define EEMNGCTL_CFG_DONE0 (1u << 18)
#define NVM_CHECKSUM_WORD 0x3f
#define NVM_SUM 0xbaba

/* PHY (page 0, IEEE registers plus the Marvell-style specific ones the driver reads). */
#define PHY_BMCR 0
#define PHY_BMSR 1
#define PHY_PAGE_SELECT 31
#define BMCR_RESET 0x8000
#define BMCR_ANRESTART 0x0200
#define PHY_ADDR 1

static const uint16_t phy_reset_values[E1000E_PHY_REGS] = {
    [0] = 0x1140,                /* autoneg enabled, full duplex, 1000 Mb/s */
    [1] = 0x796d,                /* link up, autoneg complete, 10/100/1000 capable */
    [2] = 0x0141,                /* PHY ID: the 82574's BME1000 */
    [3] = 0x0cb1,  [4] = 0x0de1, /* advertised abilities */
    [5] = 0x45e1,                /* link partner: 10/100 full/half, pause */
    [6] = 0x000f,  [9] = 0x0e00, /* 1000BASE-T control */
    [10] = 0x3c00,               /* link partner 1000BASE-T full duplex, receivers OK */
    [15] = 0x3000,               /* 1000BASE-T full and half capable */
    [17] = 0xac00,               /* specific status: 1000 Mb/s, full duplex, resolved, link */
};

/* ---- interrupts ---- */

/* The queue causes (ICR bits 20-24) that new causes raise in MSI-X mode. */
static uint32_t e1000e_msix_queue_causes(E1000EState *s, uint32_t causes)
{
    uint32_t q = causes & E1000_ICR_QUEUES;

    if (causes & ICR_RX_CAUSES) {
        q |= E1000_ICR_RXQ0;
    }
    if (causes & ICR_TX_CAUSES) {
        q |= E1000_ICR_TXQ0;
    }
    if (causes & e1000e_reg(s, E1000_IMS) & ~(ICR_RX_CAUSES | ICR_TX_CAUSES | E1000_ICR_QUEUES)) {
        q |= E1000_ICR_OTHER;
    }
    return q;
}

/* Send the message of each queue cause that came up, then auto-clear and auto-mask. */
static void e1000e_msix_update(E1000EState *s)
{
    uint32_t up = e1000e_reg(s, E1000_ICR) & e1000e_reg(s, E1000_IMS) & E1000_ICR_QUEUES;
    uint32_t fire = up & ~s->msix_asserted;

    for (unsigned i = 0; i < E1000E_QUEUE_CAUSES; i++) { /* ICR bit 20 + i, IVAR bits 4i.. */
        uint32_t cause = E1000_ICR_RXQ0 << i;
        uint32_t field = (e1000e_reg(s, E1000_IVAR) >> (4 * i)) & 0xf;

        if (!(fire & cause)) {
            continue;
        }
        if (field & IVAR_VALID) {
            msix_notify(PCI_DEVICE(s), field & 7);
        } else {
            log_mask(LOG_GUEST_ERROR, "e1000e: MSI-X cause 0x%x without a valid IVAR entry\n",
                     cause);
        }
        s->regs[E1000_ICR >> 2] &= ~(e1000e_reg(s, E1000_EIAC) & cause);
        if (e1000e_reg(s, E1000_CTRL_EXT) & CTRL_EXT_EIAME) {
            s->regs[E1000_IMS >> 2] &= ~(e1000e_reg(s, E1000_IAM) & cause);
        }
    }
    s->msix_asserted = e1000e_reg(s, E1000_ICR) & e1000e_reg(s, E1000_IMS) & E1000_ICR_QUEUES;
}

static void e1000e_update_irq(E1000EState *s)
{
    PCIDevice *dev = PCI_DEVICE(s);

    if (msix_enabled(dev)) {
        pci_set_irq(dev, false);
        e1000e_msix_update(s);
        return;
    }
    s->msix_asserted = 0;
    pci_set_irq(dev, e1000e_reg(s, E1000_ICR) & e1000e_reg(s, E1000_IMS));
}

void e1000e_set_icr(E1000EState *s, uint32_t causes)
{
    if (msix_enabled(PCI_DEVICE(s))) {
        causes |= e1000e_msix_queue_causes(s, causes);
    }
    s->regs[E1000_ICR >> 2] |= causes;
    e1000e_update_irq(s);
}

/* Reading ICR returns the causes (with INT_ASSERTED if one is enabled) and clears them. */
static uint32_t e1000e_read_icr(E1000EState *s)
{
    uint32_t icr = e1000e_reg(s, E1000_ICR);

    if (icr & e1000e_reg(s, E1000_IMS)) {
        icr |= E1000_ICR_ASSERTED;
        if (e1000e_reg(s, E1000_CTRL_EXT) & CTRL_EXT_IAME) {
            s->regs[E1000_IMS >> 2] &= ~e1000e_reg(s, E1000_IAM);
        }
    }
    s->regs[E1000_ICR >> 2] = 0;
    e1000e_update_irq(s);
    return icr;
}

/* ---- NVM and PHY ---- */

static void e1000e_nvm_init(E1000EState *s)
{
    uint16_t sum = 0;

    memset(s->nvm, 0, sizeof(s->nvm));
    for (int i = 0; i < 3; i++) {
        s->nvm[i] = s->mac[2 * i] | (s->mac[2 * i + 1] << 8);
    }
    s->nvm[0x0a] = 0x4000; /* init control 1: valid signature bits */
    s->nvm[0x0d] = E1000E_DEVICE_ID;
    s->nvm[0x0e] = PCI_VENDOR_ID_INTEL;
    s->nvm[0x37] = 0xffff; /* no alternate MAC address */
    for (int i = 0; i < NVM_CHECKSUM_WORD; i++) {
        sum += s->nvm[i];
    }
    s->nvm[NVM_CHECKSUM_WORD] = NVM_SUM - sum;
}

static uint32_t e1000e_eerd(E1000EState *s, uint32_t val)
{
    uint32_t addr = (val >> EERD_ADDR_SHIFT) & 0x3fff;
    uint16_t data = addr < E1000E_NVM_WORDS ? s->nvm[addr] : 0xffff;

    if (!(val & EERD_START)) {
        return val & ~EERD_DONE;
    }
    return (val & 0xfffc) | EERD_DONE | ((uint32_t)data << 16);
}

static void e1000e_phy_reset(E1000EState *s)
{
    memcpy(s->phy, phy_reset_values, sizeof(s->phy));
    s->phy_page = 0;
}

static void e1000e_phy_write(E1000EState *s, unsigned reg, uint16_t val)
{
    if (reg == PHY_PAGE_SELECT) {
        s->phy_page = val;
    } else if (s->phy_page != 0) {
        return; /* other pages (wake-up, port control): accepted and ignored */
    } else if (reg == PHY_BMCR) {
        if (val & BMCR_RESET) {
            e1000e_phy_reset(s);
        }
        /* reset and restart are self-clearing; autoneg completes at once */
        s->phy[PHY_BMCR] = val & ~(BMCR_RESET | BMCR_ANRESTART);
    } else if (reg != PHY_BMSR && reg != 2 && reg != 3 && reg != 5 && reg != 10 && reg != 17) {
        s->phy[reg] = val; /* status and ID registers are read-only */
    }
}

/* One MDIC operation, completed at once (the driver polls READY). */
static uint32_t e1000e_mdic(E1000EState *s, uint32_t val)
{
    unsigned reg = (val >> 16) & 0x1f, phy = (val >> 21) & 0x1f;
    uint32_t op = val & (3u << 26);

    val &= ~(MDIC_READY | MDIC_ERROR);
    if (phy != PHY_ADDR || (op != MDIC_OP_READ && op != MDIC_OP_WRITE)) {
        log_mask(LOG_GUEST_ERROR, "e1000e: MDIC to PHY %u with op %u\n", phy, op >> 26);
        val |= MDIC_ERROR;
    } else if (op == MDIC_OP_READ) {
        uint16_t data = reg == PHY_PAGE_SELECT ? s->phy_page : s->phy_page ? 0 : s->phy[reg];

        val = (val & ~0xffffu) | data;
    } else {
        e1000e_phy_write(s, reg, val & 0xffff);
    }
    val |= MDIC_READY;
    if (val & MDIC_INT) {
        e1000e_set_icr(s, E1000_ICR_MDAC);
    }
    return val;
}

/* ---- reset ---- */

static void e1000e_reset_regs(E1000EState *s)
{
    memset(s->regs, 0, sizeof(s->regs));
    s->regs[E1000_CTRL >> 2] = 0x40; /* SLU */
    s->regs[E1000_EECD >> 2] = EECD_PRES | EECD_AUTO_RD;
    s->regs[E1000_RAL0 >> 2] =
        s->mac[0] | s->mac[1] << 8 | s->mac[2] << 16 | (uint32_t)s->mac[3] << 24;
    s->regs[E1000_RAH0 >> 2] = s->mac[4] | s->mac[5] << 8 | (1u << 31);
    s->regs[E1000_EEMNGCTL >> 2] = EEMNGCTL_CFG_DONE0;
    s->tx_len = 0;
    s->tx_overflow = false;
    s->msix_asserted = 0;
    e1000e_phy_reset(s);
    pci_set_irq(PCI_DEVICE(s), false);
}

static void e1000e_pci_reset(PCIDevice *dev)
{
    E1000EState *s = E1000E(dev);

    e1000e_reset_regs(s);
    msix_reset(dev);
    if (s->nic) {
        net_purge_queued_packets(s->nic);
    }
}

/* ---- register file ---- */

static uint32_t e1000e_status(E1000EState *s)
{
    uint32_t st = STATUS_FD | STATUS_LU | STATUS_SPEED_1000;

    if (!(e1000e_reg(s, E1000_CTRL) & CTRL_GIO_MASTER_DISABLE)) {
        st |= STATUS_GIO_MASTER_ENABLE;
    }
    return st;
}

static uint32_t e1000e_reg_read(E1000EState *s, uint32_t off)
{
    uint32_t val;

    switch (off) {
    case E1000_STATUS:
        return e1000e_status(s);
    case E1000_ICR:
        return e1000e_read_icr(s);
    case E1000_ICS:
    case E1000_IMC:
        return 0;    /* write-only */
    case E1000_SWSM: /* reading takes the software semaphore (SMBI) */
        val = e1000e_reg(s, off);
        s->regs[off >> 2] |= SWSM_SMBI;
        return val;
    default:
        if (off >= E1000_STATS_FIRST && off <= E1000_STATS_LAST) {
            return 0;
        }
        return e1000e_reg(s, off);
    }
}

/* ICR is write-1-to-clear, ICS sets causes, IMS/IMC set and clear the mask. */
static void e1000e_irq_reg_write(E1000EState *s, uint32_t off, uint32_t val)
{
    if (off == E1000_ICR) {
        s->regs[E1000_ICR >> 2] &= ~val;
    } else if (off == E1000_ICS) {
        e1000e_set_icr(s, val);
        return;
    } else if (off == E1000_IMS) {
        s->regs[E1000_IMS >> 2] |= val;
    } else {
        s->regs[E1000_IMS >> 2] &= ~val;
    }
    e1000e_update_irq(s);
}

static void e1000e_reg_write(E1000EState *s, uint32_t off, uint32_t val)
{
    switch (off) {
    case E1000_CTRL:
        if (val & CTRL_RST) {
            e1000e_reset_regs(s); /* RST self-clears; registers back to defaults */
            return;
        }
        if (val & CTRL_PHY_RST) {
            e1000e_phy_reset(s);
        }
        s->regs[off >> 2] = val & ~CTRL_PHY_RST;
        return;
    case E1000_STATUS:
    case E1000_EEMNGCTL:
    case E1000_FWSM:
        return; /* read-only */
    case E1000_EERD:
        s->regs[off >> 2] = e1000e_eerd(s, val);
        return;
    case E1000_MDIC:
        s->regs[off >> 2] = e1000e_mdic(s, val);
        return;
    case E1000_ICR:
    case E1000_ICS:
    case E1000_IMS:
    case E1000_IMC:
        e1000e_irq_reg_write(s, off, val);
        return;
    case E1000_RDT:
    case E1000_RCTL:
        s->regs[off >> 2] = off == E1000_RDT ? val & 0xffff : val;
        net_flush_queued_packets(s->nic);
        return;
    case E1000_RDH:
    case E1000_TDH:
    case E1000_TDT:
        s->regs[off >> 2] = val & 0xffff;
        if (off == E1000_TDT) {
            e1000e_process_tx(s);
        }
        return;
    case E1000_TCTL:
        s->regs[off >> 2] = val;
        e1000e_process_tx(s);
        return;
    default:
        if (off >= E1000_STATS_FIRST && off <= E1000_STATS_LAST) {
            return;
        }
        s->regs[off >> 2] = val;
        return;
    }
}

static uint64_t e1000e_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    return e1000e_reg_read(opaque, addr & ~3u);
}

static void e1000e_mmio_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    e1000e_reg_write(opaque, addr & ~3u, val);
}

static const MemoryRegionOps e1000e_mmio_ops = {
    .read = e1000e_mmio_read,
    .write = e1000e_mmio_write,
    .valid = {.min_access_size = 4, .max_access_size = 4},
    .impl = {.min_access_size = 4, .max_access_size = 4},
};

/* BAR2: IOADDR at 0 selects a register, IODATA at 4 accesses it. */
static uint64_t e1000e_io_read(void *opaque, hwaddr addr, unsigned size)
{
    E1000EState *s = opaque;

    if (addr == 0) {
        return s->ioaddr;
    }
    if (addr == 4 && s->ioaddr < E1000E_MMIO_SIZE) {
        return e1000e_reg_read(s, s->ioaddr & ~3u);
    }
    return 0;
}

static void e1000e_io_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    E1000EState *s = opaque;

    if (addr == 0) {
        s->ioaddr = val;
    } else if (addr == 4 && s->ioaddr < E1000E_MMIO_SIZE) {
        e1000e_reg_write(s, s->ioaddr & ~3u, val);
    }
}

static const MemoryRegionOps e1000e_io_ops = {
    .read = e1000e_io_read,
    .write = e1000e_io_write,
    .valid = {.min_access_size = 4, .max_access_size = 4},
};

/* The flash BAR: present for the driver's resource checks, reads as zero. */
static uint64_t e1000e_zero_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static void e1000e_ignore_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
}

static const MemoryRegionOps e1000e_zero_ops = {
    .read = e1000e_zero_read,
    .write = e1000e_ignore_write,
};

/* ---- machine state (savevm) ---- */

static void e1000e_pre_save(void *opaque)
{
    E1000EState *s = opaque;

    s->tx_mid_frame = s->tx_len || s->tx_overflow;
}

/*
 * The gathered bytes of a half-sent frame are not saved: after a load the rest of that frame
 * is dropped (as a wire glitch would; TCP retransmits) rather than sent truncated.
 */
static bool e1000e_post_load(void *opaque, int version_id, Error **errp)
{
    E1000EState *s = opaque;

    s->tx_len = 0;
    s->tx_overflow = s->tx_mid_frame;
    /* Causes up at save time had sent their message (it is not sent again). */
    s->msix_asserted = e1000e_reg(s, E1000_ICR) & e1000e_reg(s, E1000_IMS) & E1000_ICR_QUEUES;
    return pci_device_post_load(PCI_DEVICE(s), errp);
}

static const VMStateDescription vmstate_e1000e = {
    .name = "e1000e",
    .version_id = 1,
    .minimum_version_id = 1,
    .pre_save = e1000e_pre_save,
    .post_load = e1000e_post_load,
    .fields =
        (const VMStateField[]){
            VMSTATE_STRUCT(parent_obj, E1000EState, vmstate_pci_device, PCIDevice),
            VMSTATE_UINT32_ARRAY(regs, E1000EState, E1000E_NREGS),
            VMSTATE_UINT16_ARRAY(nvm, E1000EState, E1000E_NVM_WORDS),
            VMSTATE_UINT16_ARRAY(phy, E1000EState, E1000E_PHY_REGS),
            VMSTATE_UINT16(phy_page, E1000EState),
            VMSTATE_UINT32(ioaddr, E1000EState),
            VMSTATE_BOOL(tx_mid_frame, E1000EState),
            VMSTATE_UINT8(tx_ipcss, E1000EState),
            VMSTATE_UINT8(tx_ipcso, E1000EState),
            VMSTATE_UINT16(tx_ipcse, E1000EState),
            VMSTATE_UINT8(tx_tucss, E1000EState),
            VMSTATE_UINT8(tx_tucso, E1000EState),
            VMSTATE_UINT16(tx_tucse, E1000EState),
            VMSTATE_UINT8(tx_tucmd, E1000EState),
            VMSTATE_UINT8(tx_hdr_len, E1000EState),
            VMSTATE_UINT16(tx_mss, E1000EState),
            VMSTATE_END_OF_LIST(),
        },
};

/* ---- realize, properties, type ---- */

static const NetClientInfo e1000e_net_info = {
    .kind = NET_CLIENT_NIC,
    .type = TYPE_E1000E,
    .receive = e1000e_receive,
    .can_receive = e1000e_can_receive,
};

static bool e1000e_connect(E1000EState *s, Error **errp)
{
    DeviceState *dev = DEVICE(s);
    NetClientState *netdev;

    if (!s->netdev) {
        error_setg(errp, "property 'netdev' is required "
                         "(e.g. -netdev user,id=n0 -device e1000e,netdev=n0)");
        return false;
    }
    netdev = net_find_netdev(s->netdev);
    if (!netdev) {
        error_setg(errp, "netdev '%s' not found", s->netdev);
        return false;
    }
    s->nic = net_client_new(&e1000e_net_info, dev->id ? dev->id : TYPE_E1000E, s);
    snprintf(s->nic->info_str, sizeof(s->nic->info_str),
             "model=e1000e,macaddr=%02x:%02x:%02x:%02x:%02x:%02x", s->mac[0], s->mac[1], s->mac[2],
             s->mac[3], s->mac[4], s->mac[5]);
    if (!net_client_set_peer(s->nic, netdev, errp)) {
        net_client_free(s->nic);
        s->nic = NULL;
        return false;
    }
    return true;
}

static bool e1000e_realize(PCIDevice *dev, Error **errp)
{
    E1000EState *s = E1000E(dev);

    if (s->mac_str) {
        if (!net_parse_macaddr(s->mac_str, s->mac, errp)) {
            return false;
        }
    } else {
        net_default_macaddr(s->mac);
    }
    if (!e1000e_connect(s, errp)) {
        return false;
    }
    /* QEMU's subsystem: Intel, device 0 (the core would put its own 1af4:1100 for 0). */
    pci_set_word(dev->config + PCI_SUBSYSTEM_ID, 0);
    pci_set_byte(dev->config + PCI_INTERRUPT_PIN, 1);
    memory_region_init_io(&s->mmio, &e1000e_mmio_ops, s, "e1000e-mmio", E1000E_MMIO_SIZE);
    memory_region_init_io(&s->flash, &e1000e_zero_ops, s, "e1000e-flash", 128 * 1024);
    memory_region_init_io(&s->io, &e1000e_io_ops, s, "e1000e-io", 32);
    memory_region_init(&s->msix, "e1000e-msix", E1000E_MSIX_BAR_SIZE);
    if (!msix_init(dev, E1000E_MSIX_VECTORS, &s->msix, E1000E_MSIX_BAR, errp)) {
        return false;
    }
    pci_register_bar(dev, 0, 0, &s->mmio);
    pci_register_bar(dev, 1, 0, &s->flash);
    pci_register_bar(dev, 2, PCI_BASE_ADDRESS_SPACE_IO, &s->io);
    pci_register_bar(dev, E1000E_MSIX_BAR, 0, &s->msix);
    s->tx_frame = xmalloc(NET_MAX_FRAME_SIZE);
    s->tx_seg = xmalloc(NET_MAX_FRAME_SIZE);
    s->rx_frame = xmalloc(NET_MAX_FRAME_SIZE + 4);
    e1000e_nvm_init(s);
    e1000e_reset_regs(s);
    return true;
}

static void e1000e_finalize(Object *obj)
{
    E1000EState *s = E1000E(obj);

    net_client_free(s->nic);
    free(s->tx_frame);
    free(s->tx_seg);
    free(s->rx_frame);
}

static const Property e1000e_props[] = {
    DEFINE_PROP("netdev", PROP_STRING, E1000EState, netdev,
                .description = "id of the -netdev backend"),
    DEFINE_PROP("mac", PROP_STRING, E1000EState, mac_str,
                .description = "MAC address (default 52:54:00:12:34:56, then ...:57)"),
    DEFINE_PROP_END,
};

static void e1000e_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pdc = PCI_DEVICE_CLASS(oc);

    dc->desc = "Intel 82574L GbE Controller";
    dc->user_creatable = true;
    dc->vmsd = &vmstate_e1000e;
    pdc->vendor_id = PCI_VENDOR_ID_INTEL;
    pdc->device_id = E1000E_DEVICE_ID;
    pdc->class_id = PCI_CLASS_NETWORK_ETHERNET;
    pdc->subsystem_vendor_id = PCI_VENDOR_ID_INTEL;
    pdc->realize = e1000e_realize;
    pdc->reset = e1000e_pci_reset;
    object_class_add_props(oc, e1000e_props);
}

static const TypeInfo e1000e_type = {
    .name = TYPE_E1000E,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(E1000EState),
    .class_init = e1000e_class_init,
    .instance_finalize = e1000e_finalize,
};

static void e1000e_register_types(void)
{
    type_register_static(&e1000e_type);
}

type_init(e1000e_register_types);
