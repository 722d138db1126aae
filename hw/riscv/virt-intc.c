/*
 * The virt board's interrupt controllers (part of hw/riscv/virt.c's machine init): per
 * socket a CLINT (or ACLINT with aclint=on) and a PLIC as QEMU 7.2 lays them out, or with
 * aia=aplic / aplic-imsic the APLIC domains and the harts' IMSIC interrupt files (M, S and
 * aia-guests guest files). The board wires their outputs to the harts' input lines and
 * remembers each for the device tree (virt_fdt_add); no device looks for the harts itself.
 */
#include <inttypes.h>

#include "hw/intc/riscv_aclint.h"
#include "hw/intc/riscv_aplic.h"
#include "hw/intc/riscv_imsic.h"
#include "hw/intc/sifive_plic.h"
#include "hw/riscv/numa.h"
#include "virt-internal.h"

/*
 * Output out0 + stride * i of dev to input line `line` of hart first + i, for n harts: how
 * the interrupt controllers reach the harts' mip bits (no device knows the harts).
 */
static void virt_wire_harts(VirtMachineState *s, DeviceState *dev, int first, int n, int out0,
                            int stride, int line)
{
    for (int i = 0; i < n; i++) {
        qdev_connect_gpio_out(dev, out0 + stride * i,
                              qdev_get_gpio_in(DEVICE(s->harts[first + i]), line));
    }
}

/* The MSWI's MSIP and the MTIMER's MTIP lines, and the MTIMER as those harts' `time`. */
static void virt_wire_clint(VirtMachineState *s, DeviceState *mswi, DeviceState *mtimer, int first,
                            int n)
{
    virt_wire_harts(s, mswi, first, n, 0, 1, IRQ_M_SOFT);
    virt_wire_harts(s, mtimer, first, n, 0, 1, IRQ_M_TIMER);
    for (int i = first; i < first + n; i++) {
        riscv_cpu_set_time_source(s->harts[i], riscv_aclint_mtimer_time, mtimer,
                                  VIRT_TIMEBASE_FREQ);
    }
}

/*
 * One socket's timer and software interrupts: SiFive CLINT (QEMU's default) or ACLINT
 * (aclint=on), each socket's at its own offset as QEMU lays them out.
 */
static bool virt_create_socket_clint(VirtMachineState *s, int socket, int first, int n,
                                     Error **errp)
{
    hwaddr base = virt_memmap[VIRT_CLINT].base + socket * virt_memmap[VIRT_CLINT].size;
    DeviceState *swi, *mtimer = NULL, *sswi;
    VirtFDTDevice *d;

    if (!s->aclint) {
        /* One "clint@..." node, written by the MSWI half. */
        swi = riscv_aclint_create_clint(base, first, n, &mtimer, errp);
        if (!swi) {
            return false;
        }
        virt_wire_clint(s, swi, mtimer, first, n);
        d = virt_fdt_add(s, swi, VIRT_CLINT);
        *d = (VirtFDTDevice){.dev = swi,
                             .base = base,
                             .size = virt_memmap[VIRT_CLINT].size,
                             .first_hart = first,
                             .num_harts = n,
                             .socket = socket};
        return true;
    }
    swi = riscv_aclint_swi_create(base, first, n, false, errp);
    mtimer = swi ? riscv_aclint_mtimer_create(
                       base + RISCV_ACLINT_SWI_SIZE, RISCV_ACLINT_DEFAULT_MTIMER_SIZE, first, n,
                       RISCV_ACLINT_DEFAULT_MTIMECMP, RISCV_ACLINT_DEFAULT_MTIME,
                       VIRT_TIMEBASE_FREQ, true, errp)
                 : NULL;
    sswi = mtimer ? riscv_aclint_swi_create(virt_memmap[VIRT_ACLINT_SSWI].base +
                                                socket * virt_memmap[VIRT_CLINT].size,
                                            first, n, true, errp)
                  : NULL;
    if (!sswi) {
        return false;
    }
    virt_wire_clint(s, swi, mtimer, first, n);
    virt_wire_harts(s, sswi, first, n, 0, 1, IRQ_S_SOFT);
    d = virt_fdt_add(s, swi, VIRT_CLINT);
    *d = (VirtFDTDevice){.dev = swi,
                         .base = base,
                         .size = RISCV_ACLINT_SWI_SIZE,
                         .first_hart = first,
                         .num_harts = n,
                         .socket = socket};
    d = virt_fdt_add(s, mtimer, VIRT_CLINT);
    *d = (VirtFDTDevice){.dev = mtimer,
                         .base = base + RISCV_ACLINT_SWI_SIZE,
                         .size = RISCV_ACLINT_DEFAULT_MTIMER_SIZE,
                         .first_hart = first,
                         .num_harts = n,
                         .socket = socket};
    d = virt_fdt_add(s, sswi, VIRT_ACLINT_SSWI);
    d->base += socket * virt_memmap[VIRT_CLINT].size;
    d->first_hart = first;
    d->num_harts = n;
    d->socket = socket;
    return true;
}

static bool virt_create_socket_plic(VirtMachineState *s, int socket, int first, int n, Error **errp)
{
    hwaddr base = virt_memmap[VIRT_PLIC].base + socket * virt_memmap[VIRT_PLIC].size;
    DeviceState *plic =
        sifive_plic_create(base, first, n, VIRT_IRQCHIP_NUM_SOURCES, VIRT_IRQCHIP_NUM_PRIORITIES,
                           virt_memmap[VIRT_PLIC].size, errp);
    VirtFDTDevice *d;

    if (!plic) {
        return false;
    }
    /* context 2i is hart i's M mode, 2i + 1 its S mode */
    virt_wire_harts(s, plic, first, n, 0, 2, IRQ_M_EXT);
    virt_wire_harts(s, plic, first, n, 1, 2, IRQ_S_EXT);
    s->irqchips[socket] = plic;
    s->irqchip_phandles[socket] = s->next_phandle++;
    d = virt_fdt_add(s, plic, VIRT_PLIC);
    d->base = base;
    d->phandle = s->irqchip_phandles[socket];
    d->first_hart = first;
    d->num_harts = n;
    d->socket = socket;
    return true;
}

/* aia-guests=N: log2 of the pages per hart in the S-level region (its S file and N guest files). */
static unsigned virt_imsic_guest_bits(VirtMachineState *s)
{
    unsigned bits = 0;

    while ((1u << bits) < s->aia_guests + 1) {
        bits++;
    }
    return bits;
}

/* Hart h's S file and its guest files 1..aia-guests, in its 2^guest-bits pages at page. */
static DeviceState *virt_create_s_imsics(VirtMachineState *s, int h, hwaddr page, Error **errp)
{
    RISCVCPU *hart = s->harts[h];
    DeviceState *sfile = riscv_imsic_create(page, hart, false, 0, IMSIC_VIRT_NUM_IDS, errp);

    if (!sfile) {
        return NULL;
    }
    virt_wire_harts(s, sfile, h, 1, 0, 1, IRQ_S_EXT);
    riscv_cpu_set_geilen(hart, s->aia_guests);
    for (unsigned g = 1; g <= s->aia_guests; g++) {
        DeviceState *dev = riscv_imsic_create(page + g * IMSIC_PAGE_SIZE, hart, false, g,
                                              IMSIC_VIRT_NUM_IDS, errp);
        if (!dev) {
            return NULL;
        }
        virt_wire_harts(s, dev, h, 1, 0, 1, RISCV_CPU_GEI_LINE(g));
    }
    return sfile;
}

/*
 * aia=aplic-imsic: each hart's M and S interrupt files, and with aia-guests=N its guest files
 * after the S file (QEMU 7.2's layout: a hart's S-level pages are 2^ceil(log2(N + 1)) apart);
 * one device-tree node per level, written by hart 0's file.
 */
static bool virt_create_imsics(VirtMachineState *s, Error **errp)
{
    unsigned guest_bits = virt_imsic_guest_bits(s);
    hwaddr m_base = virt_memmap[VIRT_IMSIC_M].base, s_base = virt_memmap[VIRT_IMSIC_S].base;
    hwaddr s_stride = (hwaddr)IMSIC_PAGE_SIZE << guest_bits;
    VirtFDTDevice *d;

    for (int h = 0; h < s->num_harts; h++) {
        DeviceState *m = riscv_imsic_create(m_base + (hwaddr)h * IMSIC_PAGE_SIZE, s->harts[h], true,
                                            0, IMSIC_VIRT_NUM_IDS, errp);
        if (!m) {
            return false;
        }
        virt_wire_harts(s, m, h, 1, 0, 1, IRQ_M_EXT);
        if (h == 0) {
            d = virt_fdt_add(s, m, VIRT_IMSIC_M);
            d->size = (uint64_t)s->num_harts * IMSIC_PAGE_SIZE;
            d->phandle = s->imsic_phandles[0] = s->next_phandle++;
        }
    }
    for (int h = 0; h < s->num_harts; h++) {
        DeviceState *sf = virt_create_s_imsics(s, h, s_base + h * s_stride, errp);
        if (!sf) {
            return false;
        }
        if (h == 0) {
            /* read only when the device tree is written */
            object_property_set_int(OBJECT(sf), "guest-index-bits", guest_bits, &error_abort);
            d = virt_fdt_add(s, sf, VIRT_IMSIC_S);
            d->size = (uint64_t)s->num_harts * s_stride;
            d->phandle = s->imsic_phandles[1] = s->next_phandle++;
        }
    }
    return true;
}

/* aia=aplic(-imsic): a machine-level root domain with the wires, delegating every source to a
 * supervisor-level child (QEMU 7.2's layout: the root at 0xc000000, the child at 0xd000000),
 * signalling the harts directly or, with the IMSICs, by MSIs to them.
 * One socket only: per-socket APLICs come with NUMA support for AIA. */
static bool virt_create_aplic(VirtMachineState *s, Error **errp)
{
    uint64_t size = aplic_region_size(s->num_harts);
    bool msi = virt_aia_imsic(s);
    DeviceState *m, *sl = NULL;
    VirtFDTDevice *d;

    if (msi && !virt_create_imsics(s, errp)) {
        return false;
    }
    m = riscv_aplic_create(virt_memmap[VIRT_APLIC_M].base, 0, s->num_harts,
                           VIRT_IRQCHIP_NUM_SOURCES, true, msi, errp);
    sl = m ? riscv_aplic_create(virt_memmap[VIRT_APLIC_S].base, 0, s->num_harts,
                                VIRT_IRQCHIP_NUM_SOURCES, false, msi, errp)
           : NULL;
    if (!sl) {
        return false;
    }
    if (msi) {
        aplic_set_msi_parent(m, s->imsic_phandles[0]);
        aplic_set_msi_parent(sl, s->imsic_phandles[1]);
    } else {
        virt_wire_harts(s, m, 0, s->num_harts, 0, 1, IRQ_M_EXT);
        virt_wire_harts(s, sl, 0, s->num_harts, 0, 1, IRQ_S_EXT);
    }
    s->irqchips[0] = m;
    s->irq_type = 4; /* IRQ_TYPE_LEVEL_HIGH */
    d = virt_fdt_add(s, m, VIRT_APLIC_M);
    d->size = size;
    d->phandle = s->next_phandle++;
    d = virt_fdt_add(s, sl, VIRT_APLIC_S);
    d->size = size;
    d->phandle = s->irqchip_phandles[0] = s->next_phandle++;
    aplic_set_child(m, sl, s->irqchip_phandles[0]);
    return true;
}

/* -machine aia=none (the PLIC), aplic, or aplic-imsic; aia-guests=0..7 (used by aplic-imsic). */
bool virt_check_aia(VirtMachineState *s, Error **errp)
{
    if (s->aia && strcmp(s->aia, "none") != 0 && strcmp(s->aia, "aplic") != 0 &&
        strcmp(s->aia, "aplic-imsic") != 0) {
        error_setg(errp, "-machine aia=%s: Invalid AIA mode (none, aplic or aplic-imsic)", s->aia);
        return false;
    }
    if (s->aia_guests > VIRT_IMSIC_MAX_GUESTS) {
        error_setg(errp, "-machine aia-guests=%u: Invalid number of AIA IMSIC guests (0 to %d)",
                   s->aia_guests, VIRT_IMSIC_MAX_GUESTS);
        return false;
    }
    return true;
}

/*
 * Per socket, from the last to the first as QEMU (so phandles match): its CLINT and its PLIC
 * (or, with aia=aplic, the APLIC domains). The UART and RTC interrupt on socket 0's
 * controller, virtio-mmio on socket 1's and PCIe on socket 2's when there are that many
 * (QEMU 7.2's spread).
 */
bool virt_create_sockets(VirtMachineState *s, MachineState *ms, Error **errp)
{
    s->num_sockets = riscv_socket_count(ms);
    if (s->num_sockets > VIRT_SOCKETS_MAX) {
        error_setg(errp, "number of sockets/nodes should be less than %d", VIRT_SOCKETS_MAX);
        return false;
    }
    if (virt_aia_aplic(s) && s->num_sockets > 1) {
        error_setg(errp, "-machine aia=%s: only one NUMA node is supported", s->aia);
        return false;
    }
    if (!riscv_socket_check_hartids(ms, errp)) {
        return false;
    }
    for (int i = s->num_sockets - 1; i >= 0; i--) {
        if (!virt_create_socket_clint(s, i, riscv_socket_first_hartid(ms, i),
                                      riscv_socket_hart_count(ms, i), errp)) {
            return false;
        }
    }
    if (virt_aia_aplic(s)) {
        return virt_create_aplic(s, errp);
    }
    for (int i = s->num_sockets - 1; i >= 0; i--) {
        if (!virt_create_socket_plic(s, i, riscv_socket_first_hartid(ms, i),
                                     riscv_socket_hart_count(ms, i), errp)) {
            return false;
        }
    }
    return true;
}

/* The interrupt controller a group of devices interrupts on (see virt_create_sockets). */
int virt_irqchip_socket(VirtMachineState *s, int wanted)
{
    return MIN(wanted, s->num_sockets - 1);
}
