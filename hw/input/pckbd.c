/*
 * The 8042 keyboard controller and a PS/2 keyboard (contract in
 * include/hw/input/i8042.h).
 *
 * Spec: IBM PC AT Technical Reference (keyboard controller commands and
 * status), the PS/2 keyboard command set. Status (0x64 read): bit 0 output
 * buffer full, 2 system flag, 3 last write was a command, 4 keyboard not
 * inhibited. Controller commands (0x64 write): 0x20 read / 0x60 write the
 * command byte (bit 0 IRQ 1 enable, 2 system flag, 4 keyboard disable, 6
 * scancode translation), 0xaa self-test (0x55), 0xab / 0xa9 interface tests
 * (0x00), 0xad / 0xae keyboard off / on, 0xa7 / 0xa8 auxiliary off / on,
 * 0xd0 / 0xd1 read / write the output port (bit 0 low: reset), 0xd2 / 0xd3
 * write the keyboard's / the auxiliary device's output buffer (0xd3 is the
 * "loopback" Linux probes the auxiliary port with), 0xd4 send the next byte
 * to the auxiliary device, 0xfe (and 0xf0-0xff with bit 0 clear) pulse
 * reset. Status bit 5 says the waiting byte is the auxiliary device's;
 * command byte bit 1 enables its IRQ 12, bit 5 disables it. Bytes written to
 * 0x60 otherwise go to the keyboard, which acknowledges each command (0xfa)
 * and answers reset (0xaa), identify (0xab 0x83) and echo (0xee). The
 * auxiliary device is a plain PS/2 mouse that never moves: it acknowledges
 * every command and answers reset (0xaa 0x00), identify (0x00), status
 * request and read data (three bytes). Modelling choices: no host keyboard
 * or mouse input yet; the output buffer is a small queue, one byte visible at
 * a time, and each byte that becomes visible is an edge on its IRQ line (the
 * lines are edge-triggered on the PC and Linux reads one byte per interrupt).
 * Why the auxiliary device matters: Linux's i8042 probe busy-waits 500 ms for
 * the loopback byte and 250 ms for its IRQ before giving up on the port.
 * scripts/bench x86boot, CPU seconds to "Linux version" / the init marker,
 * medians of 3 runs alternately (load 6-7): 7.83 / 16.03 without the mouse
 * and the edges, 4.49 / 10.08 with them (the firmware phase gains as well:
 * SeaBIOS probes the same ports).
 */
#include "hw/input/i8042.h"

#include "system/runstate.h"
#include "util/log.h"

#define STAT_OBF 0x01
#define STAT_SYS 0x04
#define STAT_CMD 0x08
#define STAT_UNLOCKED 0x10
#define STAT_AUX_OBF 0x20
#define CMDB_KBD_IRQ 0x01
#define CMDB_AUX_IRQ 0x02
#define CMDB_SYS 0x04
#define CMDB_KBD_DISABLE 0x10
#define CMDB_AUX_DISABLE 0x20
#define QUEUE_SIZE 16
#define QUEUE_AUX 0x100 /* a queue entry's flag: the byte is the auxiliary device's */

typedef struct I8042State {
    SysBusDevice parent_obj;
    MemoryRegion data_io, cmd_io;
    IRQState *irq, *aux_irq;
    uint16_t queue[QUEUE_SIZE];
    int head, count;
    uint8_t last; /* the byte read last, read again from an empty buffer */
    uint8_t cmd_byte, status_a2, outport;
    uint8_t pending_cmd; /* a controller command waiting for its data byte, or 0 */
    uint8_t kbd_pending; /* a keyboard command waiting for its parameter, or 0 */
    uint8_t aux_pending; /* a mouse command waiting for its parameter, or 0 */
} I8042State;

#define I8042(obj) OBJECT_CHECK(I8042State, (obj), TYPE_I8042)

/* The line of the byte in the output buffer is high while it waits there. */
static void kbc_update_irq(I8042State *s)
{
    bool aux = s->count && (s->queue[s->head] & QUEUE_AUX);

    irq_set(s->irq, s->count && !aux && (s->cmd_byte & CMDB_KBD_IRQ));
    irq_set(s->aux_irq, aux && (s->cmd_byte & CMDB_AUX_IRQ));
}

static void kbc_queue_from(I8042State *s, uint16_t entry)
{
    if (s->count < QUEUE_SIZE) {
        s->queue[(s->head + s->count++) % QUEUE_SIZE] = entry;
    }
    kbc_update_irq(s);
}

static void kbc_queue(I8042State *s, uint8_t b)
{
    kbc_queue_from(s, b);
}

static void aux_queue(I8042State *s, uint8_t b)
{
    kbc_queue_from(s, QUEUE_AUX | b);
}

/* ---- the keyboard ---- */

static void kbd_write(I8042State *s, uint8_t b)
{
    if (s->kbd_pending) { /* the parameter of 0xed (LEDs), 0xf3 (typematic), 0xf0 (set) */
        s->kbd_pending = 0;
        kbc_queue(s, 0xfa);
        return;
    }
    switch (b) {
    case 0xff: /* reset: acknowledge, then the self-test passed */
        kbc_queue(s, 0xfa);
        kbc_queue(s, 0xaa);
        break;
    case 0xf2: /* identify: an MF2 keyboard */
        kbc_queue(s, 0xfa);
        kbc_queue(s, 0xab);
        kbc_queue(s, 0x83);
        break;
    case 0xee:
        kbc_queue(s, 0xee);
        break;
    case 0xed:
    case 0xf3:
    case 0xf0:
        s->kbd_pending = b;
        kbc_queue(s, 0xfa);
        break;
    default: /* enable, disable, defaults...: acknowledged */
        kbc_queue(s, 0xfa);
        break;
    }
}

/* ---- the auxiliary device: a PS/2 mouse at rest ---- */

static void aux_write(I8042State *s, uint8_t b)
{
    if (s->aux_pending) { /* the parameter of 0xe8 (resolution), 0xf3 (sample rate) */
        s->aux_pending = 0;
        aux_queue(s, 0xfa);
        return;
    }
    aux_queue(s, 0xfa); /* every command is acknowledged first */
    switch (b) {
    case 0xff: /* reset: self-test passed, then the device id */
        aux_queue(s, 0xaa);
        aux_queue(s, 0x00);
        break;
    case 0xf2: /* identify: a standard mouse */
        aux_queue(s, 0x00);
        break;
    case 0xe9: /* status request: stream mode, disabled, resolution 2, 100 samples/s */
        aux_queue(s, 0x00);
        aux_queue(s, 0x02);
        aux_queue(s, 0x64);
        break;
    case 0xeb: /* read data: a packet with no motion and no button */
        aux_queue(s, 0x08);
        aux_queue(s, 0x00);
        aux_queue(s, 0x00);
        break;
    case 0xe8:
    case 0xf3:
        s->aux_pending = b;
        break;
    default: /* enable, disable, defaults, scaling...: the acknowledge only */
        break;
    }
}

/* ---- the controller ---- */

static void kbc_reset_pulse(uint8_t lines)
{
    if (!(lines & 1)) {
        reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    }
}

static void kbc_command(I8042State *s, uint8_t cmd)
{
    switch (cmd) {
    case 0x20:
        kbc_queue(s, s->cmd_byte);
        break;
    case 0x60:
    case 0xd1:
    case 0xd2:
    case 0xd3:
    case 0xd4:
        s->pending_cmd = cmd;
        break;
    case 0xaa:
        kbc_queue(s, 0x55);
        break;
    case 0xa9:
    case 0xab:
        kbc_queue(s, 0x00);
        break;
    case 0xad:
        s->cmd_byte |= CMDB_KBD_DISABLE;
        break;
    case 0xae:
        s->cmd_byte &= ~CMDB_KBD_DISABLE;
        break;
    case 0xa7:
        s->cmd_byte |= CMDB_AUX_DISABLE;
        break;
    case 0xa8:
        s->cmd_byte &= ~CMDB_AUX_DISABLE;
        break;
    case 0xd0:
        kbc_queue(s, s->outport);
        break;
    default:
        if (cmd >= 0xf0) {
            kbc_reset_pulse(cmd);
        } else {
            log_mask(LOG_UNIMP, "i8042: command 0x%02x not implemented\n", cmd);
        }
        break;
    }
}

static void kbc_data(I8042State *s, uint8_t b)
{
    uint8_t cmd = s->pending_cmd;

    s->pending_cmd = 0;
    switch (cmd) {
    case 0x60:
        s->cmd_byte = b;
        kbc_update_irq(s);
        break;
    case 0xd1:
        s->outport = b;
        kbc_reset_pulse(b);
        break;
    case 0xd2:
        kbc_queue(s, b);
        break;
    case 0xd3:
        aux_queue(s, b);
        break;
    case 0xd4:
        aux_write(s, b);
        break;
    default:
        kbd_write(s, b);
        break;
    }
}

static uint64_t kbc_data_read(void *opaque, hwaddr addr, unsigned size)
{
    I8042State *s = opaque;

    if (!s->count) {
        return s->last;
    }
    s->last = s->queue[s->head];
    s->head = (s->head + 1) % QUEUE_SIZE;
    s->count--;
    /* Low first: the next byte's line rises again, an edge the interrupt controller sees. */
    irq_set(s->irq, 0);
    irq_set(s->aux_irq, 0);
    kbc_update_irq(s);
    return s->last;
}

static void kbc_data_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    I8042State *s = opaque;

    s->status_a2 = 0;
    kbc_data(s, data);
}

static uint64_t kbc_status_read(void *opaque, hwaddr addr, unsigned size)
{
    I8042State *s = opaque;

    uint8_t obf = !s->count                       ? 0
                  : s->queue[s->head] & QUEUE_AUX ? STAT_OBF | STAT_AUX_OBF
                                                  : STAT_OBF;

    return obf | (s->cmd_byte & CMDB_SYS ? STAT_SYS : 0) | s->status_a2 | STAT_UNLOCKED;
}

static void kbc_cmd_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    I8042State *s = opaque;

    s->status_a2 = STAT_CMD;
    kbc_command(s, data);
}

static const MemoryRegionOps kbc_data_ops = {
    .read = kbc_data_read,
    .write = kbc_data_write,
    .valid = {.min_access_size = 1, .max_access_size = 1},
    .impl = {.min_access_size = 1, .max_access_size = 1},
};

static const MemoryRegionOps kbc_cmd_ops = {
    .read = kbc_status_read,
    .write = kbc_cmd_write,
    .valid = {.min_access_size = 1, .max_access_size = 1},
    .impl = {.min_access_size = 1, .max_access_size = 1},
};

/* ---- lifecycle ---- */

static void i8042_instance_init(Object *obj)
{
    sysbus_init_irq(SYS_BUS_DEVICE(obj), &I8042(obj)->irq);
    sysbus_init_irq(SYS_BUS_DEVICE(obj), &I8042(obj)->aux_irq);
}

static bool i8042_realize(DeviceState *dev, Error **errp)
{
    I8042State *s = I8042(dev);

    memory_region_init_io(&s->data_io, &kbc_data_ops, s, "i8042-data", 1);
    memory_region_init_io(&s->cmd_io, &kbc_cmd_ops, s, "i8042-cmd", 1);
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &s->data_io);
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &s->cmd_io);
    return true;
}

/* After reset: translation and IRQ 1 on, as the controller's firmware leaves them. */
static void i8042_reset(DeviceState *dev)
{
    I8042State *s = I8042(dev);

    s->head = s->count = 0;
    s->last = 0;
    s->cmd_byte = 0x40 | CMDB_KBD_IRQ;
    s->status_a2 = 0;
    s->outport = 0x03; /* reset line high, A20 on */
    s->pending_cmd = s->kbd_pending = s->aux_pending = 0;
    kbc_update_irq(s);
}

static void i8042_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "8042 keyboard controller with a PS/2 keyboard and mouse";
    dc->realize = i8042_realize;
    dc->reset = i8042_reset;
}

static const TypeInfo i8042_info = {
    .name = TYPE_I8042,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(I8042State),
    .instance_init = i8042_instance_init,
    .class_init = i8042_class_init,
};

static void i8042_register_types(void)
{
    type_register_static(&i8042_info);
}

type_init(i8042_register_types)
