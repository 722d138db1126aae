/*
 * ICH9 AHCI controller: the HBA and port register file, reset, INTx and the PCI function.
 * Spec: Serial ATA AHCI 1.3.1 (3.1 generic host control, 3.3 port registers, 10.4 resets).
 *
 * BAR4 (32 bytes of I/O): INDEX at 0x10, DATA at 0x14 reach the ABAR registers indirectly.
 * ABAR (BAR5, 4 KiB, 32-bit accesses):
 *   0x00 CAP   64-bit DMA, NCQ, AHCI only, Gen1, 32 slots, 6 ports; no staggered spin-up
 *   0x04 GHC   AE (always 1: AHCI only), IE, HR (reset completes at once)
 *   0x08 IS    per-port interrupt pending, write 1 to clear (set again while still pending)
 *   0x0c PI    0x3f    0x10 VS 1.3
 *   0x100 + 0x80 * n: port n (CLB/FB, IS/IE, CMD, TFD, SIG, SSTS/SCTL/SERR, SACT, CI)
 *
 * Modelling choices: the link is up whenever a disk is attached (SSTS 0x113) except while the
 * guest holds SCTL.DET = 1 (COMRESET); releasing it makes the disk send its signature. FR and
 * CR follow FRE and ST at once. Commands run synchronously when CI is written (ahci-cmd.c).
 */
#include "hw/ide/ahci.h"

#include <inttypes.h>
#include <string.h>

#include "ahci-regs.h"
#include "migration/vmstate.h"
#include "util/log.h"

#define ICH9_AHCI_BAR 5
/* BAR4: 32 bytes of I/O holding the index/data pair that reaches the ABAR registers. */
#define ICH9_IDP_BAR 4
#define ICH9_IDP_SIZE 32
#define IDP_INDEX 0x10
#define IDP_DATA 0x14
#define PCI_VENDOR_ID_INTEL 0x8086
#define PCI_DEVICE_ID_INTEL_ICH9_AHCI 0x2922
#define PCI_CLASS_STORAGE_SATA_AHCI 0x010601

/* ---- guest memory ---- */

static bool ahci_dma_check(uint64_t addr, uint64_t len, bool is_write)
{
    FlatView *view = address_space_get_flatview(address_space_memory());
    uint64_t last = addr + len - 1;

    if (last < addr) {
        return false;
    }
    for (;;) {
        const FlatRange *fr = flatview_lookup(view, addr);

        if (!fr || !memory_region_is_ram(fr->mr) || (is_write && memory_region_is_rom(fr->mr))) {
            return false;
        }
        if (fr->addr + fr->size - 1 >= last) {
            return true;
        }
        addr = fr->addr + fr->size;
    }
}

bool ahci_dma_read(uint64_t addr, void *buf, uint64_t len)
{
    if (len && !ahci_dma_check(addr, len, false)) {
        log_mask(LOG_GUEST_ERROR, "ahci: DMA read of 0x%" PRIx64 "+0x%" PRIx64 " outside RAM\n",
                 addr, len);
        return false;
    }
    return !len || address_space_read(address_space_memory(), addr, buf, len) == MEMTX_OK;
}

bool ahci_dma_write(uint64_t addr, const void *buf, uint64_t len)
{
    if (len && !ahci_dma_check(addr, len, true)) {
        log_mask(LOG_GUEST_ERROR, "ahci: DMA write of 0x%" PRIx64 "+0x%" PRIx64 " outside RAM\n",
                 addr, len);
        return false;
    }
    return !len || address_space_write(address_space_memory(), addr, buf, len) == MEMTX_OK;
}

/* ---- interrupts ---- */

void ahci_update_irq(AHCIState *s)
{
    for (int i = 0; i < AHCI_NUM_PORTS; i++) {
        if (s->ports[i].is & s->ports[i].ie) {
            s->is |= 1u << i;
        }
    }
    pci_set_irq(PCI_DEVICE(s), (s->ghc & GHC_IE) && s->is);
}

/* ---- ports ---- */

static uint32_t ahci_port_ssts(const AHCIPort *p)
{
    if (!ahci_port_has_device(p)) {
        return 0;
    }
    return (p->sctl & SCTL_DET_MASK) == SCTL_DET_COMRESET ? SSTS_COMRESET : SSTS_LINK_UP;
}

static void ahci_port_reset(AHCIPort *p)
{
    p->clb = p->clbu = p->fb = p->fbu = 0;
    p->is = p->ie = p->serr = p->sact = p->ci = p->sctl = 0;
    p->cmd = PX_CMD_SUD | PX_CMD_POD;
    p->sig = 0xffffffff;
    p->tfd = 0x7f;
    if (ahci_port_has_device(p)) {
        ahci_port_signature(p);
        p->is = 0;
    }
    /* A reset ends the guest's PREVENT MEDIUM REMOVAL (SPC-3 6.13); the tray stays put. */
    p->disk.cd.locked = false;
}

static uint32_t ahci_port_read(AHCIPort *p, hwaddr reg)
{
    switch (reg) {
    case PX_CLB:
        return p->clb;
    case PX_CLBU:
        return p->clbu;
    case PX_FB:
        return p->fb;
    case PX_FBU:
        return p->fbu;
    case PX_IS:
        return p->is;
    case PX_IE:
        return p->ie;
    case PX_CMD:
        return p->cmd;
    case PX_TFD:
        return p->tfd;
    case PX_SIG:
        return p->sig;
    case PX_SSTS:
        return ahci_port_ssts(p);
    case PX_SCTL:
        return p->sctl;
    case PX_SERR:
        return p->serr;
    case PX_SACT:
        return p->sact;
    case PX_CI:
        return p->ci;
    default:
        return 0;
    }
}

static void ahci_port_write_cmd(AHCIPort *p, uint32_t val)
{
    const uint32_t writable = PX_CMD_ST | PX_CMD_SUD | PX_CMD_POD | PX_CMD_FRE;
    bool was_started = p->cmd & PX_CMD_ST;

    p->cmd = (p->cmd & ~(writable | PX_CMD_FR | PX_CMD_CR | PX_CMD_ICC_MASK)) | (val & writable);
    if (val & PX_CMD_CLO) {
        p->tfd &= ~(ATA_ST_BSY | ATA_ST_DRQ); /* command list override */
    }
    if (p->cmd & PX_CMD_FRE) {
        p->cmd |= PX_CMD_FR;
    }
    if (p->cmd & PX_CMD_ST) {
        p->cmd |= PX_CMD_CR;
        if (!was_started) {
            ahci_port_run(p);
        }
    } else {
        p->ci = p->sact = 0; /* stopping the engine drops the list */
    }
}

static void ahci_port_write(AHCIPort *p, hwaddr reg, uint32_t val)
{
    switch (reg) {
    case PX_CLB:
        p->clb = val & ~0x3ffu;
        break;
    case PX_CLBU:
        p->clbu = val;
        break;
    case PX_FB:
        p->fb = val & ~0xffu;
        break;
    case PX_FBU:
        p->fbu = val;
        break;
    case PX_IS:
        p->is &= ~val;
        break;
    case PX_IE:
        p->ie = val & PX_IS_MASK;
        break;
    case PX_CMD:
        ahci_port_write_cmd(p, val);
        break;
    case PX_SCTL: {
        bool in_reset = (p->sctl & SCTL_DET_MASK) == SCTL_DET_COMRESET;

        p->sctl = val & 0xfff;
        if (in_reset && (val & SCTL_DET_MASK) != SCTL_DET_COMRESET && ahci_port_has_device(p)) {
            ahci_port_signature(p);
        }
        break;
    }
    case PX_SERR:
        p->serr &= ~val;
        break;
    case PX_SACT:
        if (p->cmd & PX_CMD_ST) {
            p->sact |= val;
        }
        break;
    case PX_CI:
        if (p->cmd & PX_CMD_ST) {
            p->ci |= val;
            ahci_port_run(p);
        }
        break;
    default:
        log_mask(LOG_GUEST_ERROR, "ahci: write 0x%x to read-only port %d register 0x%x\n", val,
                 p->index, (unsigned)reg);
        break;
    }
    ahci_update_irq(p->hba);
}

/* ---- HBA registers ---- */

static void ahci_hba_reset(AHCIState *s)
{
    s->ghc = GHC_AE;
    s->is = 0;
    s->idp_index = 0;
    for (int i = 0; i < AHCI_NUM_PORTS; i++) {
        ahci_port_reset(&s->ports[i]);
    }
    ahci_update_irq(s);
}

static uint64_t ahci_mem_read(void *opaque, hwaddr addr, unsigned size)
{
    AHCIState *s = opaque;

    if (addr >= HBA_PORT_BASE) {
        unsigned n = (addr - HBA_PORT_BASE) / HBA_PORT_SIZE;

        return n < AHCI_NUM_PORTS ? ahci_port_read(&s->ports[n], addr % HBA_PORT_SIZE) : 0;
    }
    switch (addr) {
    case HBA_CAP:
        return CAP_S64A | CAP_SNCQ | CAP_SAM | CAP_ISS_GEN1 |
               ((AHCI_NUM_SLOTS - 1) << CAP_NCS_SHIFT) | (AHCI_NUM_PORTS - 1);
    case HBA_GHC:
        return s->ghc;
    case HBA_IS:
        return s->is;
    case HBA_PI:
        return (1u << AHCI_NUM_PORTS) - 1;
    case HBA_VS:
        return AHCI_VERSION_1_3;
    default:
        return 0;
    }
}

static void ahci_mem_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    AHCIState *s = opaque;

    if (addr >= HBA_PORT_BASE) {
        unsigned n = (addr - HBA_PORT_BASE) / HBA_PORT_SIZE;

        if (n < AHCI_NUM_PORTS) {
            ahci_port_write(&s->ports[n], addr % HBA_PORT_SIZE, val);
        }
        return;
    }
    switch (addr) {
    case HBA_GHC:
        if (val & GHC_HR) {
            ahci_hba_reset(s);
            return;
        }
        s->ghc = GHC_AE | (val & GHC_IE);
        break;
    case HBA_IS:
        s->is &= ~val;
        break;
    default:
        log_mask(LOG_GUEST_ERROR, "ahci: write 0x%" PRIx64 " to read-only HBA register 0x%x\n", val,
                 (unsigned)addr);
        return;
    }
    ahci_update_irq(s);
}

static const MemoryRegionOps ahci_mem_ops = {
    .read = ahci_mem_read,
    .write = ahci_mem_write,
    .valid = {.min_access_size = 4, .max_access_size = 4},
    .impl = {.min_access_size = 4, .max_access_size = 4},
};

/* The index/data pair: DATA accesses the ABAR register INDEX names (dword aligned). */
static uint64_t ahci_idp_read(void *opaque, hwaddr addr, unsigned size)
{
    AHCIState *s = opaque;

    if (addr == IDP_INDEX) {
        return s->idp_index;
    }
    return addr == IDP_DATA ? ahci_mem_read(s, s->idp_index, 4) : 0;
}

static void ahci_idp_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    AHCIState *s = opaque;

    if (addr == IDP_INDEX) {
        s->idp_index = val & (AHCI_ABAR_SIZE - 4);
    } else if (addr == IDP_DATA) {
        ahci_mem_write(s, s->idp_index, val, 4);
    }
}

static const MemoryRegionOps ahci_idp_ops = {
    .read = ahci_idp_read,
    .write = ahci_idp_write,
    .valid = {.min_access_size = 4, .max_access_size = 4},
    .impl = {.min_access_size = 4, .max_access_size = 4},
};

/* ---- finding a port for ide-hd ---- */

typedef struct PortSearch {
    const char *bus;
    AHCIPort *found;
} PortSearch;

static void ahci_search(Object *obj, void *opaque)
{
    PortSearch *ps = opaque;

    if (ps->found) {
        return;
    }
    if (object_dynamic_cast(obj, TYPE_ICH9_AHCI)) {
        AHCIState *s = ICH9_AHCI(obj);
        const char *id = DEVICE(s)->id;

        for (int i = 0; i < AHCI_NUM_PORTS && !ps->found; i++) {
            char name[128];

            snprintf(name, sizeof(name), "%s.%d", id ? id : "ide", id ? i : s->bus_base + i);
            if (ps->bus ? !strcmp(name, ps->bus) : !ahci_port_has_device(&s->ports[i])) {
                ps->found = &s->ports[i];
            }
        }
        return;
    }
    object_child_foreach(obj, ahci_search, ps);
}

AHCIPort *ahci_find_port(const char *bus, Error **errp)
{
    PortSearch ps = {.bus = bus};

    ahci_search(object_get_root(), &ps);
    if (!ps.found) {
        if (bus) {
            error_setg(errp, "Bus '%s' not found", bus);
        } else {
            error_setg(errp, "No free AHCI port (add -device ich9-ahci first)");
        }
        return NULL;
    }
    if (ahci_port_has_device(ps.found)) {
        error_setg(errp, "Bus '%s' already has a disk", bus);
        return NULL;
    }
    return ps.found;
}

void ahci_port_attach(AHCIPort *port, BlockBackend *blk, bool atapi, const char *serial,
                      const char *model)
{
    AHCIDisk *d = &port->disk;

    d->blk = blk;
    d->atapi = atapi;
    d->sectors = blk ? blk_getlength(blk) / AHCI_SECTOR_SIZE : 0;
    if (atapi && blk) {
        if (blk_is_inserted(blk)) {
            atapi_insert(&d->cd, blk_getlength(blk));
        }
        blk_set_dev_ops(blk, &ide_cd_block_ops, port); /* eject, change */
    }
    snprintf(d->serial, sizeof(d->serial), "%s", serial);
    snprintf(d->model, sizeof(d->model), "%s", model);
    d->multi = 16; /* as QEMU's disks: READ/WRITE MULTIPLE set up from power-on */
    ahci_port_reset(port);
}

/* How many controllers without an id were realized before: they took the first ide.N. */
static void ahci_count_anonymous(Object *obj, void *opaque)
{
    int *count = opaque;

    if (object_dynamic_cast(obj, TYPE_ICH9_AHCI) && DEVICE(obj)->realized && !DEVICE(obj)->id) {
        (*count)++;
    }
    object_child_foreach(obj, ahci_count_anonymous, opaque);
}

/* ---- machine state ---- */

/* The disk's image and identity are configuration; the guest-visible registers and the
 * drive state a CD-ROM's guest set (tray, lock, pending event and sense) move. */
static const VMStateDescription vmstate_ahci_port = {
    .name = "ahci-port",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields =
        (const VMStateField[]){
            VMSTATE_UINT32(clb, AHCIPort),
            VMSTATE_UINT32(clbu, AHCIPort),
            VMSTATE_UINT32(fb, AHCIPort),
            VMSTATE_UINT32(fbu, AHCIPort),
            VMSTATE_UINT32(is, AHCIPort),
            VMSTATE_UINT32(ie, AHCIPort),
            VMSTATE_UINT32(cmd, AHCIPort),
            VMSTATE_UINT32(tfd, AHCIPort),
            VMSTATE_UINT32(sig, AHCIPort),
            VMSTATE_UINT32(sctl, AHCIPort),
            VMSTATE_UINT32(serr, AHCIPort),
            VMSTATE_UINT32(sact, AHCIPort),
            VMSTATE_UINT32(ci, AHCIPort),
            VMSTATE_UINT8(disk.multi, AHCIPort),
            VMSTATE_BOOL(disk.cd.tray_open, AHCIPort),
            VMSTATE_BOOL(disk.cd.locked, AHCIPort),
            VMSTATE_UINT8(disk.cd.event, AHCIPort),
            VMSTATE_BOOL(disk.cd.unit_attention, AHCIPort),
            VMSTATE_UINT8(disk.cd.sense_key, AHCIPort),
            VMSTATE_UINT8(disk.cd.asc, AHCIPort),
            VMSTATE_UINT8(disk.cd.ascq, AHCIPort),
            VMSTATE_END_OF_LIST(),
        },
};

static bool ahci_post_load(void *opaque, int version_id, Error **errp)
{
    return pci_device_post_load(PCI_DEVICE(opaque), errp);
}

static const VMStateDescription vmstate_ahci = {
    .name = "ich9-ahci",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = ahci_post_load,
    .fields =
        (const VMStateField[]){
            VMSTATE_STRUCT(parent_obj, AHCIState, vmstate_pci_device, PCIDevice),
            VMSTATE_UINT32(ghc, AHCIState),
            VMSTATE_UINT32(is, AHCIState),
            VMSTATE_UINT32(idp_index, AHCIState),
            VMSTATE_STRUCT_ARRAY(ports, AHCIState, AHCI_NUM_PORTS, vmstate_ahci_port, AHCIPort),
            VMSTATE_END_OF_LIST(),
        },
};

/* ---- PCI function ---- */

static bool ahci_realize(PCIDevice *dev, Error **errp)
{
    AHCIState *s = ICH9_AHCI(dev);

    dev->config[PCI_INTERRUPT_PIN] = 1;
    if (!DEVICE(dev)->id) {
        int before = 0;

        ahci_count_anonymous(object_get_root(), &before);
        s->bus_base = before * AHCI_NUM_PORTS;
    }
    for (int i = 0; i < AHCI_NUM_PORTS; i++) {
        s->ports[i].hba = s;
        s->ports[i].index = i;
    }
    memory_region_init_io(&s->abar, &ahci_mem_ops, s, "ahci", AHCI_ABAR_SIZE);
    pci_register_bar(dev, ICH9_AHCI_BAR, 0, &s->abar);
    memory_region_init_io(&s->idp, &ahci_idp_ops, s, "ahci-idp", ICH9_IDP_SIZE);
    pci_register_bar(dev, ICH9_IDP_BAR, PCI_BASE_ADDRESS_SPACE_IO, &s->idp);
    return true;
}

static void ahci_reset(PCIDevice *dev)
{
    ahci_hba_reset(ICH9_AHCI(dev));
}

static void ahci_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pdc = PCI_DEVICE_CLASS(oc);

    dc->desc = "ICH9 AHCI SATA controller";
    dc->user_creatable = true;
    dc->vmsd = &vmstate_ahci;
    pdc->vendor_id = PCI_VENDOR_ID_INTEL;
    pdc->device_id = PCI_DEVICE_ID_INTEL_ICH9_AHCI;
    pdc->revision = 2;
    pdc->class_id = PCI_CLASS_STORAGE_SATA_AHCI;
    pdc->realize = ahci_realize;
    pdc->reset = ahci_reset;
}

static const TypeInfo ahci_info = {
    .name = TYPE_ICH9_AHCI,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(AHCIState),
    .class_init = ahci_class_init,
};

static void ahci_register_types(void)
{
    type_register_static(&ahci_info);
}

type_init(ahci_register_types)
