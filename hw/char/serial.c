/*
 * NS16550A UART with 16-byte FIFOs.
 *
 * Spec: Texas Instruments PC16550D "Universal Asynchronous Receiver/Transmitter
 * with FIFOs" datasheet (SNLS378C). Register i sits at offset i << regshift:
 *
 *   0  RBR  receive buffer (read, DLAB=0)   THR transmit holding (write, DLAB=0)
 *      DLL  divisor latch low (DLAB=1)
 *   1  IER  interrupt enable (DLAB=0)       DLM divisor latch high (DLAB=1)
 *   2  IIR  interrupt identification (read) FCR FIFO control (write)
 *   3  LCR  line control (bit 7 = DLAB)
 *   4  MCR  modem control (bit 4 = loopback)
 *   5  LSR  line status (read)
 *   6  MSR  modem status (read)
 *   7  SCR  scratch
 *
 * Modelling choices:
 *  - Transmission takes no line time: a THR write enters the transmit FIFO
 *    (one byte deep when FIFOs are off) and goes to the backend at once if it
 *    takes it, so the divisor and line settings have no timing effect. When the
 *    backend cannot take it (a socket peer not reading), the byte waits in the
 *    FIFO with LSR.THRE and LSR.TEMT clear, as a UART held by flow control, and
 *    goes out when the backend is writable again: nothing is lost and no hart
 *    waits. A write to a full transmit FIFO is lost, as on the chip.
 *  - The character timeout indication (IIR 0xC) is reported as soon as the
 *    receive FIFO holds data below its trigger level, instead of after four
 *    character times: without baud-rate timing there is no line to go idle,
 *    and the guest drains the FIFO the same way for both indications.
 *  - No parity, framing or break errors ever occur; overrun does.
 *  - With no modem attached, the modem inputs read as ready (CTS, DSR, DCD).
 */
#include <inttypes.h>
#include <libfdt.h>

#include "chardev/char.h"
#include "hw/char/serial.h"
#include "migration/vmstate.h"
#include "util/log.h"

#define UART_RBR 0 /* also THR, DLL */
#define UART_IER 1 /* also DLM */
#define UART_IIR 2 /* also FCR */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7
#define UART_NUM_REGS 8

#define UART_IER_RDI 0x01  /* receiver data available */
#define UART_IER_THRI 0x02 /* transmitter holding register empty */
#define UART_IER_RLSI 0x04 /* receiver line status */
#define UART_IER_MSI 0x08  /* modem status */
#define UART_IER_MASK 0x0f

#define UART_IIR_NO_INT 0x01
#define UART_IIR_MSI 0x00
#define UART_IIR_THRI 0x02
#define UART_IIR_RDI 0x04
#define UART_IIR_RLSI 0x06
#define UART_IIR_CTI 0x0c /* character timeout */
#define UART_IIR_FIFO_ENABLED 0xc0

#define UART_FCR_ENABLE 0x01
#define UART_FCR_CLEAR_RX 0x02
#define UART_FCR_CLEAR_TX 0x04
#define UART_FCR_DMA 0x08
#define UART_FCR_TRIGGER_SHIFT 6
#define UART_FCR_KEPT (UART_FCR_ENABLE | UART_FCR_DMA | 0xc0)

#define UART_LCR_DLAB 0x80

#define UART_MCR_DTR 0x01
#define UART_MCR_RTS 0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10
#define UART_MCR_MASK 0x1f

#define UART_LSR_DR 0x01
#define UART_LSR_OE 0x02
#define UART_LSR_PE 0x04
#define UART_LSR_FE 0x08
#define UART_LSR_BI 0x10
#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_LSR_ERRORS (UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)

#define UART_MSR_DCTS 0x01
#define UART_MSR_DDSR 0x02
#define UART_MSR_TERI 0x04
#define UART_MSR_DDCD 0x08
#define UART_MSR_CTS 0x10
#define UART_MSR_DSR 0x20
#define UART_MSR_RI 0x40
#define UART_MSR_DCD 0x80
#define UART_MSR_DELTAS 0x0f

#define UART_FIFO_SIZE 16

typedef struct SerialState {
    SysBusDevice parent_obj;
    MemoryRegion iomem;
    IRQState *irq;
    CharBackend chr;

    /* properties */
    char *chardev_id;
    uint32_t regshift;

    /* registers */
    uint8_t ier, lcr, mcr, lsr, msr, scr, fcr;
    uint16_t divisor;
    bool thr_ipending; /* THRE interrupt latched, until IIR read or THR write */
    bool rx_throttled; /* can_receive said 0: the backend waits for accept_input */

    /* receive FIFO (depth 1 when FIFOs are disabled, as the 16450 mode) */
    uint8_t rx_fifo[UART_FIFO_SIZE];
    unsigned rx_head, rx_count;
    /* transmit FIFO: bytes the backend has not taken yet (same depths) */
    uint8_t tx_fifo[UART_FIFO_SIZE];
    unsigned tx_head, tx_count;
} SerialState;

#define SERIAL(obj) OBJECT_CHECK(SerialState, (obj), TYPE_SERIAL_MM)

static bool serial_fifo_enabled(SerialState *s)
{
    return s->fcr & UART_FCR_ENABLE;
}

static unsigned serial_rx_capacity(SerialState *s)
{
    return serial_fifo_enabled(s) ? UART_FIFO_SIZE : 1;
}

static unsigned serial_rx_trigger(SerialState *s)
{
    static const unsigned levels[4] = {1, 4, 8, 14};

    return serial_fifo_enabled(s) ? levels[s->fcr >> UART_FCR_TRIGGER_SHIFT] : 1;
}

/* ---- interrupt identification ---- */

/* The highest-priority pending interrupt, as IIR bits 3:0 (UART_IIR_NO_INT if none). */
static uint8_t serial_iir_source(SerialState *s)
{
    if ((s->ier & UART_IER_RLSI) && (s->lsr & UART_LSR_ERRORS)) {
        return UART_IIR_RLSI;
    }
    if ((s->ier & UART_IER_RDI) && s->rx_count) {
        return s->rx_count < serial_rx_trigger(s) ? UART_IIR_CTI : UART_IIR_RDI;
    }
    if ((s->ier & UART_IER_THRI) && s->thr_ipending) {
        return UART_IIR_THRI;
    }
    if ((s->ier & UART_IER_MSI) && (s->msr & UART_MSR_DELTAS)) {
        return UART_IIR_MSI;
    }
    return UART_IIR_NO_INT;
}

static void serial_update_irq(SerialState *s)
{
    irq_set(s->irq, serial_iir_source(s) != UART_IIR_NO_INT);
}

/* ---- receive path ---- */

static void serial_rx_reset(SerialState *s)
{
    s->rx_head = 0;
    s->rx_count = 0;
    s->lsr &= ~UART_LSR_DR;
}

static void serial_rx_push(SerialState *s, uint8_t byte)
{
    if (s->rx_count >= serial_rx_capacity(s)) {
        /* The character in the shift register is lost; the FIFO keeps its contents. */
        s->lsr |= UART_LSR_OE;
        return;
    }
    s->rx_fifo[(s->rx_head + s->rx_count) % UART_FIFO_SIZE] = byte;
    s->rx_count++;
    s->lsr |= UART_LSR_DR;
}

static uint8_t serial_rx_pop(SerialState *s)
{
    uint8_t byte;

    if (!s->rx_count) {
        return 0;
    }
    byte = s->rx_fifo[s->rx_head];
    s->rx_head = (s->rx_head + 1) % UART_FIFO_SIZE;
    if (--s->rx_count == 0) {
        s->lsr &= ~UART_LSR_DR;
    }
    return byte;
}

static int serial_can_receive(void *opaque)
{
    SerialState *s = opaque;

    int room = serial_rx_capacity(s) - s->rx_count;

    /* In loopback the serial input is disconnected from the outside world. */
    if (s->mcr & UART_MCR_LOOP) {
        room = 0;
    }
    s->rx_throttled = room == 0;
    return room;
}

/* Let the backend resume delivery if it stopped for lack of room (a BH, so only when needed). */
static void serial_rx_unthrottle(SerialState *s)
{
    if (s->rx_throttled) {
        s->rx_throttled = false;
        char_fe_accept_input(&s->chr);
    }
}

static void serial_receive(void *opaque, const uint8_t *buf, int size)
{
    SerialState *s = opaque;

    for (int i = 0; i < size; i++) {
        serial_rx_push(s, buf[i]);
    }
    serial_update_irq(s);
}

/* ---- transmit path and modem lines ---- */

static void serial_tx_ready(void *opaque);

/* THRE and TEMT follow the transmit FIFO (no shift register is modelled apart from it). */
static void serial_tx_update_lsr(SerialState *s)
{
    if (s->tx_count) {
        s->lsr &= ~(UART_LSR_THRE | UART_LSR_TEMT);
    } else {
        s->lsr |= UART_LSR_THRE | UART_LSR_TEMT;
    }
}

static void serial_tx_reset(SerialState *s)
{
    s->tx_head = 0;
    s->tx_count = 0;
    serial_tx_update_lsr(s);
}

/* Hand the backend what it takes now; if bytes remain, retry when it is writable. */
static void serial_tx_drain(SerialState *s)
{
    bool had_bytes = s->tx_count;

    while (s->tx_count) {
        unsigned chunk = MIN(s->tx_count, UART_FIFO_SIZE - s->tx_head);
        int n = char_fe_write(&s->chr, s->tx_fifo + s->tx_head, chunk);

        if (n < 0) {
            n = s->tx_count; /* the host sink failed: the bytes are gone */
        }
        n = MIN((unsigned)n, s->tx_count);
        s->tx_head = (s->tx_head + n) % UART_FIFO_SIZE;
        s->tx_count -= n;
        if ((unsigned)n < chunk) {
            break;
        }
    }
    if (s->tx_count) {
        char_fe_watch_writable(&s->chr, serial_tx_ready, s);
    } else if (had_bytes) {
        /* The FIFO emptied: THR is empty again and raises THRE anew. */
        s->thr_ipending = true;
    }
    serial_tx_update_lsr(s);
}

static void serial_tx_ready(void *opaque)
{
    SerialState *s = opaque;

    serial_tx_drain(s);
    serial_update_irq(s);
}

static void serial_transmit(SerialState *s, uint8_t byte)
{
    if (s->mcr & UART_MCR_LOOP) {
        serial_rx_push(s, byte);
        s->thr_ipending = !s->tx_count;
        return;
    }
    if (s->tx_count == (serial_fifo_enabled(s) ? UART_FIFO_SIZE : 1)) {
        log_mask(LOG_GUEST_ERROR, "serial: THR written while the transmitter is full: lost\n");
        return;
    }
    s->tx_fifo[(s->tx_head + s->tx_count) % UART_FIFO_SIZE] = byte;
    s->tx_count++;
    serial_tx_drain(s);
}

static uint8_t serial_modem_inputs(SerialState *s)
{
    uint8_t in = 0;

    if (!(s->mcr & UART_MCR_LOOP)) {
        return UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD;
    }
    /* Loopback wires the modem outputs back to the inputs (datasheet, MCR bit 4). */
    in |= (s->mcr & UART_MCR_RTS) ? UART_MSR_CTS : 0;
    in |= (s->mcr & UART_MCR_DTR) ? UART_MSR_DSR : 0;
    in |= (s->mcr & UART_MCR_OUT1) ? UART_MSR_RI : 0;
    in |= (s->mcr & UART_MCR_OUT2) ? UART_MSR_DCD : 0;
    return in;
}

/* Recompute MSR from the inputs, accumulating the delta bits until MSR is read. */
static void serial_update_msr(SerialState *s)
{
    uint8_t old = s->msr & ~UART_MSR_DELTAS;
    uint8_t now = serial_modem_inputs(s);
    uint8_t changed = old ^ now;
    uint8_t deltas = s->msr & UART_MSR_DELTAS;

    deltas |= (changed & UART_MSR_CTS) ? UART_MSR_DCTS : 0;
    deltas |= (changed & UART_MSR_DSR) ? UART_MSR_DDSR : 0;
    deltas |= (changed & UART_MSR_DCD) ? UART_MSR_DDCD : 0;
    /* TERI flags the trailing edge of ring indicator only. */
    deltas |= ((old & UART_MSR_RI) && !(now & UART_MSR_RI)) ? UART_MSR_TERI : 0;
    s->msr = now | deltas;
}

/* ---- MMIO ---- */

static uint8_t serial_read_iir(SerialState *s)
{
    uint8_t source = serial_iir_source(s);

    /* Reading IIR acknowledges a THRE interrupt when it is the one reported. */
    if (source == UART_IIR_THRI) {
        s->thr_ipending = false;
    }
    return source | (serial_fifo_enabled(s) ? UART_IIR_FIFO_ENABLED : 0);
}

static uint8_t serial_read_reg(SerialState *s, unsigned reg)
{
    bool dlab = s->lcr & UART_LCR_DLAB;
    uint8_t v;

    switch (reg) {
    case UART_RBR:
        if (dlab) {
            return s->divisor & 0xff;
        }
        v = serial_rx_pop(s);
        serial_rx_unthrottle(s);
        return v;
    case UART_IER:
        return dlab ? s->divisor >> 8 : s->ier;
    case UART_IIR:
        return serial_read_iir(s);
    case UART_LCR:
        return s->lcr;
    case UART_MCR:
        return s->mcr;
    case UART_LSR:
        v = s->lsr;
        s->lsr &= ~UART_LSR_ERRORS;
        return v;
    case UART_MSR:
        v = s->msr;
        s->msr &= ~UART_MSR_DELTAS;
        return v;
    default:
        return s->scr;
    }
}

static void serial_write_fcr(SerialState *s, uint8_t val)
{
    bool was_enabled = serial_fifo_enabled(s);

    bool toggled = ((val & UART_FCR_ENABLE) != 0) != was_enabled;

    /* Changing the FIFO enable bit clears both FIFOs (datasheet, FCR bit 0). */
    if (toggled || (val & UART_FCR_CLEAR_RX)) {
        serial_rx_reset(s);
        serial_rx_unthrottle(s);
    }
    if (toggled || (val & UART_FCR_CLEAR_TX)) {
        serial_tx_reset(s);
    }
    /* The other bits are only programmed together with bit 0 set. */
    s->fcr = (val & UART_FCR_ENABLE) ? (val & UART_FCR_KEPT) : 0;
}

static void serial_write_ier(SerialState *s, uint8_t val)
{
    uint8_t old = s->ier;

    s->ier = val & UART_IER_MASK;
    /* Enabling ETBEI while THR is empty raises THRE. */
    if ((s->ier & UART_IER_THRI) && !(old & UART_IER_THRI) && !s->tx_count) {
        s->thr_ipending = true;
    }
}

static void serial_write_reg(SerialState *s, unsigned reg, uint8_t val)
{
    bool dlab = s->lcr & UART_LCR_DLAB;

    switch (reg) {
    case UART_RBR:
        if (dlab) {
            s->divisor = (s->divisor & 0xff00) | val;
        } else {
            s->thr_ipending = false;
            serial_transmit(s, val);
        }
        break;
    case UART_IER:
        if (dlab) {
            s->divisor = (s->divisor & 0x00ff) | (val << 8);
        } else {
            serial_write_ier(s, val);
        }
        break;
    case UART_IIR:
        serial_write_fcr(s, val);
        break;
    case UART_LCR:
        s->lcr = val;
        break;
    case UART_MCR:
        s->mcr = val & UART_MCR_MASK;
        serial_update_msr(s);
        serial_rx_unthrottle(s);
        break;
    case UART_LSR:
    case UART_MSR:
        log_mask(LOG_GUEST_ERROR, "serial: write 0x%02x to read-only register %u\n", val, reg);
        break;
    default:
        s->scr = val;
        break;
    }
}

/* The register index of an access, or -1 (logged) if it hits no register. */
static int serial_decode(SerialState *s, hwaddr addr, const char *what)
{
    hwaddr reg = addr >> s->regshift;

    if ((addr & ((1u << s->regshift) - 1)) || reg >= UART_NUM_REGS) {
        log_mask(LOG_GUEST_ERROR, "serial: %s at bad offset 0x%" PRIx64 "\n", what, addr);
        return -1;
    }
    return (int)reg;
}

static uint64_t serial_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    SerialState *s = opaque;
    int reg = serial_decode(s, addr, "read");
    uint8_t v;

    if (reg < 0) {
        return 0;
    }
    v = serial_read_reg(s, reg);
    serial_update_irq(s);
    return v;
}

static void serial_mmio_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    SerialState *s = opaque;
    int reg = serial_decode(s, addr, "write");

    if (reg < 0) {
        return;
    }
    serial_write_reg(s, reg, data & 0xff);
    serial_update_irq(s);
}

/* Wider accesses reach the handler whole (no splitting into side-effecting byte reads). */
static const MemoryRegionOps serial_mmio_ops = {
    .read = serial_mmio_read,
    .write = serial_mmio_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 4},
};

/* ---- realize / reset ---- */

static bool serial_realize(DeviceState *dev, Error **errp)
{
    SerialState *s = SERIAL(dev);
    Chardev *chr = NULL;

    if (s->regshift > 4) {
        error_setg(errp, "serial: regshift %u is out of range (0..4)", s->regshift);
        return false;
    }
    if (s->chardev_id) {
        chr = chardev_find(s->chardev_id);
        if (!chr) {
            error_setg(errp, "serial: no chardev with id '%s'", s->chardev_id);
            return false;
        }
    }
    if (!char_fe_init(&s->chr, chr, errp)) {
        return false;
    }
    char_fe_set_handlers(&s->chr, serial_can_receive, serial_receive, s);
    memory_region_init_io(&s->iomem, &serial_mmio_ops, s, TYPE_SERIAL_MM, SERIAL_MM_SIZE);
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &s->iomem);
    return true;
}

static void serial_instance_init(Object *obj)
{
    SerialState *s = SERIAL(obj);

    sysbus_init_irq(SYS_BUS_DEVICE(obj), &s->irq);
}

static void serial_reset(DeviceState *dev)
{
    SerialState *s = SERIAL(dev);

    s->ier = 0;
    s->lcr = 0;
    s->mcr = 0;
    s->fcr = 0;
    s->scr = 0;
    s->divisor = 0;
    s->lsr = UART_LSR_THRE | UART_LSR_TEMT;
    s->msr = serial_modem_inputs(s);
    s->thr_ipending = false;
    serial_rx_reset(s);
    serial_tx_reset(s);
    char_fe_watch_writable(&s->chr, NULL, NULL);
    serial_update_irq(s);
    s->rx_throttled = true; /* whatever the backend held back may come now */
    serial_rx_unthrottle(s);
}

/* ---- device tree (QEMU virt: /soc/serial@10000000) ---- */

static bool serial_fdt_populate(DeviceState *dev, const DeviceFDTContext *ctx, Error **errp)
{
    static const char compat[] = "ns16550a";
    const FDTPropU32 clock = {"clock-frequency", SERIAL_CLOCK_FREQ};

    return sysbus_fdt_add_node(ctx, "serial", compat, sizeof(compat), &clock, 1, errp) >= 0;
}

/* ---- properties and type registration ---- */

static const Property serial_properties[] = {
    DEFINE_PROP_STRING("chardev", SerialState, chardev_id),
    DEFINE_PROP_UINT32("regshift", SerialState, regshift, 0),
    DEFINE_PROP_END,
};

/* ---- machine state (savevm) ---- */

static bool serial_post_load(void *opaque, int version_id, Error **errp)
{
    SerialState *s = opaque;

    if (s->rx_head >= UART_FIFO_SIZE || s->rx_count > UART_FIFO_SIZE ||
        s->tx_head >= UART_FIFO_SIZE || s->tx_count > UART_FIFO_SIZE) {
        error_setg(errp, "VM state of the serial port has FIFO indices out of range");
        return false;
    }
    /* This process's backend never saw the old one's throttling: let it deliver. */
    s->rx_throttled = true;
    serial_rx_unthrottle(s);
    serial_tx_drain(s);
    serial_update_irq(s);
    return true;
}

static const VMStateDescription vmstate_serial = {
    .name = "serial",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = serial_post_load,
    .fields =
        (const VMStateField[]){
            VMSTATE_UINT8(ier, SerialState),
            VMSTATE_UINT8(lcr, SerialState),
            VMSTATE_UINT8(mcr, SerialState),
            VMSTATE_UINT8(lsr, SerialState),
            VMSTATE_UINT8(msr, SerialState),
            VMSTATE_UINT8(scr, SerialState),
            VMSTATE_UINT8(fcr, SerialState),
            VMSTATE_UINT16(divisor, SerialState),
            VMSTATE_BOOL(thr_ipending, SerialState),
            VMSTATE_BUFFER(rx_fifo, SerialState),
            VMSTATE_UINT32(rx_head, SerialState),
            VMSTATE_UINT32(rx_count, SerialState),
            VMSTATE_BUFFER(tx_fifo, SerialState),
            VMSTATE_UINT32(tx_head, SerialState),
            VMSTATE_UINT32(tx_count, SerialState),
            VMSTATE_END_OF_LIST(),
        },
};

static void serial_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "NS16550A UART";
    dc->realize = serial_realize;
    dc->reset = serial_reset;
    dc->fdt_populate = serial_fdt_populate;
    dc->vmsd = &vmstate_serial;
    object_class_add_props(oc, serial_properties);
}

static const TypeInfo serial_info = {
    .name = TYPE_SERIAL_MM,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(SerialState),
    .instance_init = serial_instance_init,
    .class_init = serial_class_init,
};

static void serial_register_types(void)
{
    type_register_static(&serial_info);
}

type_init(serial_register_types)
