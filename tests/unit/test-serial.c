/*
 * Unit tests for the NS16550A UART, driven through its MMIO region: reset
 * values, divisor latch, scratch, THRE interrupt semantics, interrupt
 * priorities, receive FIFO trigger levels and overrun (fed through loopback),
 * a real chardev for both directions, transmit back-pressure from a socket
 * peer that stops reading, bad accesses and the device-tree node.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>
#include <libfdt.h>

#include "chardev/char.h"
#include "hw/char/serial.h"
#include "test-fdt.h"
#include "util/main-loop.h"

#define RBR 0
#define IER 1
#define IIR 2
#define FCR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define MSR 6
#define SCR 7

#define LOOP_BOUND 2000

static MemoryRegion *mr;
static int irq_level;

static void record_irq(void *opaque, int n, int level)
{
    irq_level = level;
}

static DeviceState *uart_new(const char *chardev_id)
{
    DeviceState *dev = qdev_new(TYPE_SERIAL_MM);

    if (chardev_id) {
        assert_true(object_property_set_str(OBJECT(dev), "chardev", chardev_id, &error_abort));
    }
    assert_true(qdev_realize(dev, &error_abort));
    sysbus_connect_irq(SYS_BUS_DEVICE(dev), 0, irq_new(record_irq, NULL, 0));
    device_reset(dev);
    mr = sysbus_mmio_get_region(SYS_BUS_DEVICE(dev), 0);
    return dev;
}

static uint8_t rd(hwaddr reg)
{
    uint64_t v = 0xdead;

    assert_int_equal(memory_region_dispatch_read(mr, reg, &v, 1), MEMTX_OK);
    assert_true(v <= 0xff);
    return v;
}

static void wr(hwaddr reg, uint8_t v)
{
    assert_int_equal(memory_region_dispatch_write(mr, reg, v, 1), MEMTX_OK);
}

static int setup(void **state)
{
    irq_level = -1;
    uart_new(NULL);
    return 0;
}

static void test_reset_values(void **state)
{
    assert_int_equal(rd(LSR), 0x60); /* THRE | TEMT */
    assert_int_equal(rd(IIR), 0x01); /* no interrupt, FIFOs off */
    assert_int_equal(rd(IER), 0);
    assert_int_equal(rd(LCR), 0);
    assert_int_equal(rd(MCR), 0);
    assert_int_equal(rd(MSR), 0xb0); /* DCD | DSR | CTS: the host side is ready */
    assert_int_equal(irq_level, 0);
}

static void test_dlab_and_scratch(void **state)
{
    wr(SCR, 0x5a);
    assert_int_equal(rd(SCR), 0x5a);
    wr(IER, 0x05);
    wr(LCR, 0x83);
    wr(RBR, 0x0c); /* DLL */
    wr(IER, 0x01); /* DLM */
    assert_int_equal(rd(RBR), 0x0c);
    assert_int_equal(rd(IER), 0x01);
    wr(LCR, 0x03);
    assert_int_equal(rd(LCR), 0x03);
    /* IER was not touched by the divisor writes. */
    assert_int_equal(rd(IER), 0x05);
    wr(LCR, 0x83);
    assert_int_equal(rd(RBR), 0x0c);
    assert_int_equal(rd(IER), 0x01);
}

static void test_thre_interrupt(void **state)
{
    wr(IER, 0x02);
    assert_int_equal(irq_level, 1);
    /* Reading IIR reports THRE and acknowledges it. */
    assert_int_equal(rd(IIR), 0x02);
    assert_int_equal(irq_level, 0);
    assert_int_equal(rd(IIR), 0x01);
    /* A THR write empties at once and raises THRE again. */
    wr(RBR, 'x');
    assert_int_equal(irq_level, 1);
    assert_int_equal(rd(LSR) & 0x60, 0x60);
    /* Masking drops the line; re-enabling ETBEI raises THRE anew (Linux's THRE test). */
    wr(IER, 0);
    assert_int_equal(irq_level, 0);
    wr(IER, 0x02);
    assert_int_equal(irq_level, 1);
    assert_int_equal(rd(IIR), 0x02);
    wr(IER, 0);
    wr(IER, 0x02);
    assert_int_equal(rd(IIR), 0x02);
}

static void test_fifo_trigger_levels(void **state)
{
    wr(FCR, 0x47); /* enable, clear both, trigger level 4 */
    assert_int_equal(rd(IIR), 0xc1);
    wr(MCR, 0x10); /* loopback */
    wr(IER, 0x01);
    wr(RBR, 'a');
    assert_int_equal(rd(LSR) & 0x01, 0x01);
    /* Below the trigger level: character timeout indication. */
    assert_int_equal(rd(IIR), 0xcc);
    assert_int_equal(irq_level, 1);
    wr(RBR, 'b');
    wr(RBR, 'c');
    assert_int_equal(rd(IIR), 0xcc);
    wr(RBR, 'd');
    assert_int_equal(rd(IIR), 0xc4);
    assert_int_equal(rd(RBR), 'a');
    assert_int_equal(rd(IIR), 0xcc);
    assert_int_equal(rd(RBR), 'b');
    assert_int_equal(rd(RBR), 'c');
    assert_int_equal(rd(RBR), 'd');
    assert_int_equal(rd(LSR) & 0x01, 0);
    assert_int_equal(rd(IIR), 0xc1);
    assert_int_equal(irq_level, 0);

    /* Level 14, and an FCR receive reset. */
    wr(FCR, 0xc1);
    for (int i = 0; i < 14; i++) {
        assert_int_equal(rd(IIR), i ? 0xcc : 0xc1);
        wr(RBR, i);
    }
    assert_int_equal(rd(IIR), 0xc4);
    wr(FCR, 0xc3);
    assert_int_equal(rd(LSR) & 0x01, 0);
    assert_int_equal(rd(IIR), 0xc1);
}

static void test_overrun(void **state)
{
    wr(FCR, 0x01); /* FIFO on, trigger 1 */
    wr(MCR, 0x10);
    wr(IER, 0x05); /* data + line status */
    for (int i = 0; i < 17; i++) {
        wr(RBR, 'A' + i);
    }
    /* Line status outranks received data. */
    assert_int_equal(rd(IIR), 0xc6);
    assert_int_equal(rd(LSR) & 0x03, 0x03);
    assert_int_equal(rd(LSR) & 0x02, 0); /* OE cleared by the LSR read */
    assert_int_equal(rd(IIR), 0xc4);
    for (int i = 0; i < 16; i++) {
        assert_int_equal(rd(RBR), 'A' + i);
    }
    assert_int_equal(irq_level, 0);

    /* Without FIFOs the holding register takes one character. */
    wr(FCR, 0x00);
    wr(RBR, '1');
    wr(RBR, '2');
    assert_int_equal(rd(IIR), 0x06);
    assert_int_equal(rd(LSR) & 0x03, 0x03);
    assert_int_equal(rd(IIR), 0x04);
    assert_int_equal(rd(RBR), '1');
    assert_int_equal(rd(LSR) & 0x01, 0);
}

static void test_priorities_and_modem_status(void **state)
{
    wr(MCR, 0x10);
    /* Loopback: the inputs follow the (clear) outputs, so CTS, DSR and DCD fell. */
    assert_int_equal(rd(MSR), 0x0b);
    wr(IER, 0x0f);
    /* THRE is pending (just enabled); received data outranks it. */
    wr(RBR, 'q');
    assert_int_equal(rd(IIR), 0x04);
    assert_int_equal(rd(RBR), 'q');
    assert_int_equal(rd(IIR), 0x02);
    assert_int_equal(rd(IIR), 0x01);
    /* RTS -> CTS, DTR -> DSR, OUT1 -> RI, OUT2 -> DCD, with delta bits. */
    wr(MCR, 0x1b);
    assert_int_equal(irq_level, 1);
    assert_int_equal(rd(IIR), 0x00);
    assert_int_equal(rd(MSR), 0xb0 | 0x0b);
    assert_int_equal(rd(MSR), 0xb0);
    assert_int_equal(irq_level, 0);
    wr(MCR, 0x14); /* RI rises: no delta; it is the trailing edge that counts */
    assert_int_equal(rd(MSR), 0x40 | 0x0b);
    wr(MCR, 0x10);
    assert_int_equal(rd(MSR), 0x04);
    wr(MCR, 0x00);
    assert_int_equal(rd(MSR) & 0xf0, 0xb0);
}

static void test_bad_accesses(void **state)
{
    uint64_t v = 1;

    assert_int_equal(memory_region_dispatch_read(mr, 0x10, &v, 1), MEMTX_OK);
    assert_int_equal(v, 0);
    assert_int_equal(memory_region_dispatch_write(mr, 0xff, 0x12, 1), MEMTX_OK);
    assert_int_equal(memory_region_dispatch_write(mr, LSR, 0x00, 1), MEMTX_OK);
    assert_int_equal(rd(LSR), 0x60);
    /* Wider accesses use the low byte of one register. */
    assert_int_equal(memory_region_dispatch_write(mr, MCR, 0xffffff03, 4), MEMTX_OK);
    assert_int_equal(memory_region_dispatch_read(mr, MCR, &v, 4), MEMTX_OK);
    assert_int_equal(v, 0x03);
    assert_int_equal(memory_region_dispatch_read(mr, 0, &v, 8), MEMTX_DECODE_ERROR);
}

static void pump(void)
{
    for (int i = 0; i < 10; i++) {
        main_loop_wait(true);
    }
}

static void test_chardev_both_ways(void **state)
{
    char *path = xasprintf("/tmp/kestrel-test-serial-%d.sock", (int)getpid());
    char *spec = xasprintf("unix:%s,server=on,wait=off", path);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    char got[8] = {0};
    int fd, i;

    assert_non_null(chardev_new_from_spec("uart-test", spec, &error_abort));
    uart_new("uart-test");
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    strcpy(addr.sun_path, path);
    assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
    pump();

    wr(RBR, 'h');
    wr(RBR, 'i');
    assert_int_equal(read(fd, got, 2), 2);
    assert_memory_equal(got, "hi", 2);

    /* Input: without FIFOs one byte at a time, the rest waits for the guest. */
    wr(IER, 0x01);
    assert_int_equal(write(fd, "xyz", 3), 3);
    for (i = 0; i < 3; i++) {
        for (int n = 0; n < LOOP_BOUND && !(rd(LSR) & 0x01); n++) {
            main_loop_wait(true);
        }
        assert_int_equal(irq_level, 1);
        got[i] = rd(RBR);
    }
    assert_memory_equal(got, "xyz", 3);
    assert_int_equal(irq_level, 0);
    close(fd);
    free(spec);
    free(path);
}

#define TX_TOTAL (1024 * 1024)

static uint8_t tx_byte(size_t k)
{
    return (uint8_t)(k * 13 + k / 253);
}

/*
 * A peer that stops reading: the UART keeps the byte in its transmit FIFO with THRE and TEMT
 * clear (the guest sees a busy transmitter; no MMIO access blocks), then sends it when the
 * peer reads again and raises the THRE interrupt. The peer gets every byte, in order.
 */
static void test_tx_backpressure(void **state)
{
    char *path = xasprintf("/tmp/kestrel-test-serial-bp-%d.sock", (int)getpid());
    char *spec = xasprintf("unix:%s,server=on,wait=off", path);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    uint8_t *got = xmalloc(TX_TOTAL);
    size_t sent = 0, len = 0;
    int fd, stalls = 0;
    ssize_t n;

    assert_non_null(chardev_new_from_spec("uart-bp", spec, &error_abort));
    uart_new("uart-bp");
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    strcpy(addr.sun_path, path);
    assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
    assert_int_equal(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
    pump();
    wr(FCR, 0x01);
    wr(IER, 0x02);
    assert_int_equal(rd(IIR) & 0x0f, 0x02); /* THRE: the transmitter is idle */

    /* A driver that writes while THRE is set, as Linux's 8250 console does. */
    while (sent < TX_TOTAL && (rd(LSR) & 0x20)) {
        wr(RBR, tx_byte(sent++));
    }
    assert_true(sent < TX_TOTAL); /* the socket buffer is finite: the peer held us up */
    assert_int_equal(rd(LSR) & 0x60, 0);
    assert_int_equal(irq_level, 0);
    pump();
    assert_int_equal(rd(LSR) & 0x60, 0); /* still waiting: the peer is not reading */

    for (int i = 0; i < 1000000 && len < TX_TOTAL; i++) {
        while ((n = read(fd, got + len, TX_TOTAL - len)) > 0) {
            len += n;
        }
        main_loop_wait(true);
        if (sent < TX_TOTAL && (rd(LSR) & 0x20)) {
            if (irq_level == 1) {
                assert_int_equal(rd(IIR) & 0x0f, 0x02);
                stalls++;
            }
            while (sent < TX_TOTAL && (rd(LSR) & 0x20)) {
                wr(RBR, tx_byte(sent++));
            }
        }
    }
    assert_int_equal(sent, TX_TOTAL);
    assert_int_equal(len, TX_TOTAL);
    for (size_t k = 0; k < TX_TOTAL; k++) {
        if (got[k] != tx_byte(k)) {
            fail_msg("byte %zu: got 0x%02x, sent 0x%02x", k, got[k], tx_byte(k));
        }
    }
    assert_true(stalls > 0); /* the THRE interrupt announced the end of a wait */
    assert_int_equal(rd(LSR) & 0x60, 0x60);
    close(fd);
    free(got);
    free(spec);
    free(path);
}

static void test_fdt_node(void **state)
{
    static const uint32_t irqs[] = {10};
    DeviceTree *dt = dt_new();
    char *fdt;
    DeviceFDTContext ctx = {.fdt = dt,
                            .parent_path = "/soc",
                            .base = 0x10000000,
                            .size = 0x100,
                            .irq_parent = 5,
                            .irqs = irqs,
                            .num_irqs = 1};
    DeviceState *dev = uart_new(NULL);
    const fdt32_t *p;
    int node, len;

    assert_true(dt_add_subnode(dt, 0, "soc") >= 0);
    assert_true(DEVICE_GET_CLASS(dev)->fdt_populate(dev, &ctx, &error_abort));
    fdt = test_fdt_flatten(dt);
    node = fdt_path_offset(fdt, "/soc/serial@10000000");
    assert_true(node >= 0);
    assert_string_equal(fdt_getprop(fdt, node, "compatible", NULL), "ns16550a");
    p = fdt_getprop(fdt, node, "reg", &len);
    assert_int_equal(len, 16);
    assert_int_equal(fdt32_to_cpu(p[1]), 0x10000000);
    assert_int_equal(fdt32_to_cpu(p[3]), 0x100);
    p = fdt_getprop(fdt, node, "clock-frequency", &len);
    assert_int_equal(fdt32_to_cpu(*p), 3686400);
    p = fdt_getprop(fdt, node, "interrupts", &len);
    assert_int_equal(fdt32_to_cpu(*p), 10);
    p = fdt_getprop(fdt, node, "interrupt-parent", &len);
    assert_int_equal(fdt32_to_cpu(*p), 5);
    free(fdt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_reset_values, setup),
        cmocka_unit_test_setup(test_dlab_and_scratch, setup),
        cmocka_unit_test_setup(test_thre_interrupt, setup),
        cmocka_unit_test_setup(test_fifo_trigger_levels, setup),
        cmocka_unit_test_setup(test_overrun, setup),
        cmocka_unit_test_setup(test_priorities_and_modem_status, setup),
        cmocka_unit_test_setup(test_bad_accesses, setup),
        cmocka_unit_test(test_chardev_both_ways),
        cmocka_unit_test(test_tx_backpressure),
        cmocka_unit_test(test_fdt_node),
    };

    alarm(60);
    if (!main_loop_init(NULL)) {
        return 1;
    }
    bql_lock();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
