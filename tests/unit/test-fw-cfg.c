/*
 * Unit tests for fw_cfg (hw/nvram/fw_cfg.c): data register byte order and end, the
 * big-endian MMIO selector and the little-endian I/O-port one, the ID's DMA bit, the
 * arch-local bank, the sorted file directory and its limits, DMA (select, read, skip,
 * write to writable and read-only items, buffers and descriptors outside RAM, wrap-around)
 * and the host-side helpers (-fw_cfg, the kernel images).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <unistd.h>

#include <cmocka.h>

#include "hw/nvram/fw_cfg.h"
#include "system/memory.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE (64 * 1024)
#define DESC (RAM_BASE + 0x100)
#define BUF (RAM_BASE + 0x1000)

static MemoryRegion ram;
static DeviceState *dev;
static FWCfgState *fw;
static MemoryRegion *mr;

static DeviceState *fw_cfg_new(const char *type, const char *props)
{
    DeviceState *d = qdev_new(type);

    if (props) {
        assert_true(object_property_parse(OBJECT(d), "x-file-slots", props, &error_abort));
    }
    assert_true(qdev_realize(d, &error_abort));
    return d;
}

static int setup(void **state)
{
    dev = fw_cfg_new(TYPE_FW_CFG_MEM, NULL);
    fw = FW_CFG(dev);
    mr = sysbus_mmio_get_region(SYS_BUS_DEVICE(dev), 0);
    memset(memory_region_get_ram_ptr(&ram), 0, RAM_SIZE);
    return 0;
}

static int teardown(void **state)
{
    object_unref(OBJECT(dev));
    return 0;
}

static uint64_t rd(hwaddr addr, unsigned size)
{
    uint64_t v = 0xdead;

    assert_int_equal(memory_region_dispatch_read(mr, addr, &v, size), MEMTX_OK);
    return v;
}

static void wr(hwaddr addr, uint64_t v, unsigned size)
{
    assert_int_equal(memory_region_dispatch_write(mr, addr, v, size), MEMTX_OK);
}

static void sel(uint16_t key)
{
    wr(8, __builtin_bswap16(key), 2);
}

static uint8_t *guest(hwaddr addr)
{
    return (uint8_t *)memory_region_get_ram_ptr(&ram) + (addr - RAM_BASE);
}

/* Write a DMA descriptor at DESC and start it with one 8-byte write; the control after. */
static uint32_t dma(uint32_t control, uint32_t len, uint64_t addr)
{
    uint32_t c = __builtin_bswap32(control), l = __builtin_bswap32(len);
    uint64_t a = __builtin_bswap64(addr), out;

    memcpy(guest(DESC), &c, 4);
    memcpy(guest(DESC + 4), &l, 4);
    memcpy(guest(DESC + 8), &a, 8);
    wr(0x10, __builtin_bswap64(DESC), 8);
    memcpy(&out, guest(DESC), 4);
    return __builtin_bswap32((uint32_t)out);
}

static void test_data_register(void **state)
{
    sel(FW_CFG_SIGNATURE);
    assert_int_equal(rd(0, 1), 'Q');
    assert_int_equal(rd(0, 2), 'E' | 'M' << 8);
    assert_int_equal(rd(0, 1), 'U');
    assert_int_equal(rd(0, 4), 0); /* past the end */
    sel(FW_CFG_SIGNATURE);
    assert_int_equal(rd(0, 8), 0x554d4551ULL);
    sel(FW_CFG_ID);
    assert_int_equal(rd(0, 4), FW_CFG_VERSION | FW_CFG_VERSION_DMA);
    sel(0x3fff); /* beyond the last file slot */
    assert_int_equal(rd(0, 4), 0);
    /* The write channel bit is ignored; writes to the data register change nothing. */
    sel(FW_CFG_SIGNATURE | FW_CFG_WRITE_CHANNEL);
    wr(0, 0x41414141, 4);
    assert_int_equal(rd(0, 4), 0x554d4551);
    /* The selector reads 0; the DMA register reads "QEMU CFG" big-endian. */
    assert_int_equal(rd(8, 2), 0);
    assert_int_equal(__builtin_bswap64(rd(0x10, 8)), FW_CFG_DMA_SIGNATURE);
    assert_int_equal(__builtin_bswap32(rd(0x14, 4)), 0x20434647);
}

static void test_arch_local_bank(void **state)
{
    fw_cfg_add_i32(fw, FW_CFG_ARCH_LOCAL | 0x03, 0x11223344);
    fw_cfg_add_string(fw, FW_CFG_KERNEL_CMDLINE, "ab");
    sel(FW_CFG_ARCH_LOCAL | 0x03);
    assert_int_equal(rd(0, 4), 0x11223344);
    sel(0x03);
    assert_int_equal(rd(0, 4), 0);
    sel(FW_CFG_KERNEL_CMDLINE);
    assert_int_equal(rd(0, 4), 'a' | 'b' << 8); /* with its NUL */
}

static void test_io_front_end(void **state)
{
    DeviceState *io = fw_cfg_new(TYPE_FW_CFG_IO, NULL);
    MemoryRegion *ports = sysbus_mmio_get_region(SYS_BUS_DEVICE(io), 0);
    MemoryRegion *dmar = sysbus_mmio_get_region(SYS_BUS_DEVICE(io), 1);
    uint64_t v;

    /* 0x510: the selector, little-endian; 0x511: the data, a byte at a time. */
    assert_int_equal(memory_region_dispatch_write(ports, 0, FW_CFG_SIGNATURE, 2), MEMTX_OK);
    assert_int_equal(memory_region_dispatch_read(ports, 1, &v, 1), MEMTX_OK);
    assert_int_equal(v, 'Q');
    assert_int_equal(memory_region_dispatch_read(ports, 1, &v, 1), MEMTX_OK);
    assert_int_equal(v, 'E');
    assert_int_equal(memory_region_dispatch_read(dmar, 0, &v, 8), MEMTX_OK);
    assert_int_equal(__builtin_bswap64(v), FW_CFG_DMA_SIGNATURE);
    object_unref(OBJECT(io));
}

static void test_dma_disabled(void **state)
{
    DeviceState *d = qdev_new(TYPE_FW_CFG_MEM);
    MemoryRegion *m;
    uint64_t v;

    assert_true(object_property_parse(OBJECT(d), "dma_enabled", "off", &error_abort));
    assert_true(qdev_realize(d, &error_abort));
    m = sysbus_mmio_get_region(SYS_BUS_DEVICE(d), 0);
    assert_int_equal(memory_region_dispatch_write(m, 8, __builtin_bswap16(FW_CFG_ID), 2), MEMTX_OK);
    assert_int_equal(memory_region_dispatch_read(m, 0, &v, 4), MEMTX_OK);
    assert_int_equal(v, FW_CFG_VERSION);
    assert_int_equal(memory_region_dispatch_read(m, 0x10, &v, 8), MEMTX_OK);
    assert_int_equal(v, 0);
    object_unref(OBJECT(d));
}

/* The directory entry i: its name, size and key. */
static void dir_entry(unsigned i, char *name, uint32_t *size, uint16_t *key)
{
    uint8_t e[64];

    sel(FW_CFG_FILE_DIR);
    for (unsigned n = 0; n < 4 + 64 * i; n++) {
        rd(0, 1);
    }
    for (unsigned n = 0; n < 64; n++) {
        e[n] = rd(0, 1);
    }
    *size = (uint32_t)e[0] << 24 | e[1] << 16 | e[2] << 8 | e[3];
    *key = (uint16_t)(e[4] << 8 | e[5]);
    memcpy(name, e + 8, 56);
}

static void test_directory_sorted(void **state)
{
    char name[56];
    uint32_t size;
    uint16_t key;

    assert_true(fw_cfg_add_file(fw, "opt/z", xstrdup("zz"), 2, &error_abort));
    assert_true(fw_cfg_add_file(fw, "opt/a", xstrdup("a"), 1, &error_abort));
    sel(FW_CFG_FILE_DIR);
    assert_int_equal(__builtin_bswap32(rd(0, 4)), 5);
    /* bios-geometry, bootorder, etc/boot-fail-wait, opt/a, opt/z: keys follow the order. */
    dir_entry(3, name, &size, &key);
    assert_string_equal(name, "opt/a");
    assert_int_equal(size, 1);
    assert_int_equal(key, FW_CFG_FILE_FIRST + 3);
    dir_entry(4, name, &size, &key);
    assert_string_equal(name, "opt/z");
    assert_int_equal(key, FW_CFG_FILE_FIRST + 4);
    sel(key);
    assert_int_equal(rd(0, 2), 'z' | 'z' << 8);
    dir_entry(2, name, &size, &key);
    assert_string_equal(name, "etc/boot-fail-wait");
    sel(key);
    assert_int_equal(rd(0, 4), 0xffffffff);
}

static void test_file_limits(void **state)
{
    DeviceState *d = fw_cfg_new(TYPE_FW_CFG_MEM, "16");
    char name[64];
    Error *err = NULL;

    assert_false(fw_cfg_add_file(fw, "bootorder", NULL, 0, &err));
    assert_string_equal(error_get_pretty(err), "duplicate fw_cfg file name: bootorder");
    error_free(err), err = NULL;
    memset(name, 'n', 56);
    name[56] = '\0';
    assert_false(fw_cfg_add_file(fw, name, xstrdup("x"), 1, &err));
    assert_string_equal(error_get_pretty(err), "name too long (max. 55 char)");
    error_free(err), err = NULL;
    /* 16 slots, 3 taken by the board's files. */
    for (int i = 0; i < 13; i++) {
        snprintf(name, sizeof(name), "opt/%02d", i);
        assert_true(fw_cfg_add_file(FW_CFG(d), name, NULL, 0, &error_abort));
    }
    assert_false(fw_cfg_add_file(FW_CFG(d), "opt/full", xstrdup("x"), 1, &err));
    assert_non_null(strstr(error_get_pretty(err), "all 16 file slots are used"));
    error_free(err);
    object_unref(OBJECT(d));
}

/* fw_cfg_modify_file (the PC's bootorder): new data and size in place, same key. */
static void test_modify_file(void **state)
{
    char name[56];
    uint32_t size;
    uint16_t key;
    Error *err = NULL;

    assert_true(fw_cfg_modify_file(fw, "bootorder", xstrdup("/rom@x"), 7, &error_abort));
    dir_entry(1, name, &size, &key);
    assert_string_equal(name, "bootorder");
    assert_int_equal(size, 7);
    assert_int_equal(key, FW_CFG_FILE_FIRST + 1);
    sel(key);
    assert_int_equal(rd(0, 4), '/' | 'r' << 8 | 'o' << 16 | 'm' << 24);
    assert_false(fw_cfg_modify_file(fw, "opt/none", xstrdup("x"), 1, &err));
    assert_string_equal(error_get_pretty(err), "fw_cfg file opt/none: no such file to modify");
    error_free(err);
}

static void test_dma_read_skip_select(void **state)
{
    memset(guest(BUF), 0xaa, 16);
    assert_int_equal(dma(FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 6, BUF), 0);
    assert_memory_equal(guest(BUF), "QEMU\0\0", 6); /* zeros past the end */
    assert_int_equal(guest(BUF)[6], 0xaa);
    assert_int_equal(dma(FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_SKIP, 1, 0), 0);
    assert_int_equal(dma(FW_CFG_DMA_CTL_READ, 2, BUF), 0);
    assert_memory_equal(guest(BUF), "EM", 2);
    /* The data register continues where DMA stopped. */
    assert_int_equal(rd(0, 1), 'U');
    /* The split register: high half first, the low half starts it. */
    sel(FW_CFG_SIGNATURE);
    memset(guest(DESC), 0, 16);
    guest(DESC)[3] = FW_CFG_DMA_CTL_READ;
    guest(DESC)[7] = 4;
    memcpy(guest(DESC + 8), &(uint64_t){__builtin_bswap64(BUF + 8)}, 8);
    wr(0x10, 0, 4);
    wr(0x14, __builtin_bswap32((uint32_t)DESC), 4);
    assert_int_equal(guest(DESC)[3], 0);
    assert_memory_equal(guest(BUF + 8), "QEMU", 4);
}

static uint32_t cb_offset, cb_len;

static void on_write(void *opaque, uint32_t offset, uint32_t len)
{
    cb_offset = offset;
    cb_len = len;
}

static void test_dma_write(void **state)
{
    uint8_t *data = xzalloc(8);
    uint32_t key;

    assert_true(fw_cfg_add_file_writable(fw, "etc/ramfb", data, 8, on_write, NULL, &error_abort));
    key = FW_CFG_FILE_FIRST + 3; /* after bios-geometry, bootorder, etc/boot-fail-wait */
    memcpy(guest(BUF), "abcdefgh", 8);
    assert_int_equal(dma(key << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_SKIP, 2, 0), 0);
    assert_int_equal(dma(FW_CFG_DMA_CTL_WRITE, 4, BUF), 0);
    assert_memory_equal(data + 2, "abcd", 4);
    assert_int_equal(cb_offset, 2);
    assert_int_equal(cb_len, 4);
    /* Past the end of a writable item: the error bit. */
    assert_int_equal(dma(FW_CFG_DMA_CTL_WRITE, 4, BUF), FW_CFG_DMA_CTL_ERROR);
    /* A read-only item refuses. */
    assert_int_equal(
        dma(FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE, 4, BUF),
        FW_CFG_DMA_CTL_ERROR);
    sel(FW_CFG_SIGNATURE);
    assert_int_equal(rd(0, 4), 0x554d4551);
}

static void test_dma_outside_ram(void **state)
{
    /* Buffers outside RAM, across its end, wrapping around, or on the device itself. */
    assert_int_equal(dma(FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 4, 0x7fff00000000ULL),
                     FW_CFG_DMA_CTL_ERROR);
    assert_int_equal(dma(FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 4, RAM_BASE + RAM_SIZE - 2),
                     FW_CFG_DMA_CTL_ERROR);
    assert_int_equal(dma(FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 0x100, ~0ULL - 0x10),
                     FW_CFG_DMA_CTL_ERROR);
    assert_int_equal(dma(FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 4, 0x10100000),
                     FW_CFG_DMA_CTL_ERROR);
    /* Nothing of the refused transfers reached RAM, not even the part inside it. */
    assert_int_equal(guest(RAM_BASE + RAM_SIZE - 2)[0], 0);
    assert_int_equal(guest(RAM_BASE + RAM_SIZE - 2)[1], 0);
    /* A descriptor outside RAM: nothing to read or report, nothing happens. */
    wr(0x10, __builtin_bswap64(0x7fff00000000ULL), 8);
    wr(0x10, __builtin_bswap64(RAM_BASE + RAM_SIZE - 8), 8);
    wr(0x10, __builtin_bswap64(~0ULL - 4), 8);
    /* Zeros past an item's end, over more than a page; a 4 GiB length fails cleanly. */
    memset(guest(BUF), 0xaa, 0x3001);
    assert_int_equal(
        dma(FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 0x3000, BUF), 0);
    assert_int_equal(guest(BUF + 0x2fff)[0], 0);
    assert_int_equal(guest(BUF + 0x3000)[0], 0xaa);
    assert_int_equal(dma(FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 0xffffffff, BUF),
                     FW_CFG_DMA_CTL_ERROR);
    /* A zero length succeeds wherever it points. */
    assert_int_equal(dma(FW_CFG_DMA_CTL_READ, 0, 0x7fff00000000ULL), 0);
}

static void test_options_and_kernel(void **state)
{
    char path[] = "/tmp/kestrel-test-fwcfg-XXXXXX";
    int fd = mkstemp(path);
    char *opt;
    Error *err = NULL;

    assert_int_equal(write(fd, "KERNEL", 6), 6);
    close(fd);
    opt = xasprintf("opt/k,file=%s", path);
    assert_true(fw_cfg_add_from_opts(fw, opt, &error_abort));
    free(opt);
    assert_true(fw_cfg_add_from_opts(fw, "name=opt/s,string=str", &error_abort));
    assert_false(fw_cfg_add_from_opts(fw, "name=opt/s2", &err));
    assert_non_null(strstr(error_get_pretty(err), "exactly one of file, string"));
    error_free(err);
    assert_true(fw_cfg_add_kernel_images(fw, path, NULL, "console=ttyS0", &error_abort));
    sel(FW_CFG_KERNEL_SIZE);
    assert_int_equal(rd(0, 4), 6);
    sel(FW_CFG_KERNEL_DATA);
    assert_int_equal(rd(0, 2), 'K' | 'E' << 8);
    sel(FW_CFG_CMDLINE_SIZE);
    assert_int_equal(rd(0, 4), 14);
    sel(FW_CFG_INITRD_SIZE);
    assert_int_equal(rd(0, 4), 0); /* none */
    unlink(path);
}

static int group_setup(void **state)
{
    assert_true(memory_region_init_ram(&ram, "test.ram", RAM_SIZE, NULL));
    memory_region_add_subregion(get_system_memory(), RAM_BASE, &ram);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_data_register, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arch_local_bank, setup, teardown),
        cmocka_unit_test_setup_teardown(test_io_front_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dma_disabled, setup, teardown),
        cmocka_unit_test_setup_teardown(test_directory_sorted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_modify_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dma_read_skip_select, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dma_write, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dma_outside_ram, setup, teardown),
        cmocka_unit_test_setup_teardown(test_options_and_kernel, setup, teardown),
    };

    return cmocka_run_group_tests(tests, group_setup, NULL);
}
