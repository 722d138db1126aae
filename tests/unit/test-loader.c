/*
 * Unit tests for the image loaders: ELF files built byte by byte in a temp
 * file, good ones (segments, bss, entry translation, ROM) and malformed ones
 * (each must fail with a clear error and never crash), raw images, gzip-
 * compressed images (made here with zlib) and the RISC-V Image header.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>
#include <elf.h>
#include <zlib.h>

#include "system/loader.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE 0x10000ULL
#define ROM_BASE 0x1000ULL

/* ---- Fixture: RAM at 0x80000000, ROM at 0x1000, a device at 0x10000000 ---- */

typedef struct Fixture {
    MemoryRegion root, ram, rom, dev;
    AddressSpace as;
    char path[64];
} Fixture;

static uint64_t dev_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static void dev_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    fail_msg("a loader wrote to a device");
}

static const MemoryRegionOps dev_ops = {.read = dev_read, .write = dev_write};

static int fixture_setup(void **state)
{
    Fixture *f = xzalloc(sizeof(*f));

    memory_region_init(&f->root, "root", UINT64_MAX);
    assert_true(memory_region_init_ram(&f->ram, "ram", RAM_SIZE, NULL));
    assert_true(memory_region_init_rom(&f->rom, "rom", 0x1000, NULL));
    memory_region_init_io(&f->dev, &dev_ops, f, "dev", 0x1000);
    memory_region_add_subregion(&f->root, RAM_BASE, &f->ram);
    memory_region_add_subregion(&f->root, ROM_BASE, &f->rom);
    memory_region_add_subregion(&f->root, 0x10000000, &f->dev);
    address_space_init(&f->as, &f->root, "test");
    memset(f->ram.ram_ptr, 0xee, RAM_SIZE);
    strcpy(f->path, "/tmp/kestrel-test-loader-XXXXXX");
    int fd = mkstemp(f->path);
    assert_true(fd >= 0);
    close(fd);
    *state = f;
    return 0;
}

static int fixture_teardown(void **state)
{
    Fixture *f = *state;

    unlink(f->path);
    address_space_destroy(&f->as);
    memory_region_del_subregion(&f->root, &f->ram);
    memory_region_del_subregion(&f->root, &f->rom);
    memory_region_del_subregion(&f->root, &f->dev);
    memory_region_destroy(&f->ram);
    memory_region_destroy(&f->rom);
    memory_region_destroy(&f->dev);
    memory_region_destroy(&f->root);
    free(f);
    return 0;
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *file = fopen(path, "wb");

    assert_non_null(file);
    assert_int_equal(fwrite(data, 1, len, file), len);
    fclose(file);
}

/* ---- An ELF image under construction ---- */

#define PAYLOAD_OFF 0x200
#define NR_PHDRS 3

typedef struct TestElf {
    Elf64_Ehdr ehdr;
    Elf64_Phdr phdrs[NR_PHDRS];
    uint8_t payload[0x40];
} TestElf;

/*
 * A kernel-like image linked at virtual 0xffffffff80000000: text at RAM_BASE
 * (16 bytes), a note that is not loaded, data at RAM_BASE + 0x1000 (8 bytes
 * from the file, 0x100 in memory: the rest is bss).
 */
static TestElf good_elf(void)
{
    TestElf e = {0};

    memcpy(e.ehdr.e_ident, ELFMAG, SELFMAG);
    e.ehdr.e_ident[EI_CLASS] = ELFCLASS64;
    e.ehdr.e_ident[EI_DATA] = ELFDATA2LSB;
    e.ehdr.e_ident[EI_VERSION] = EV_CURRENT;
    e.ehdr.e_type = ET_EXEC;
    e.ehdr.e_machine = EM_RISCV;
    e.ehdr.e_version = EV_CURRENT;
    e.ehdr.e_entry = 0xffffffff80000004ULL;
    e.ehdr.e_phoff = sizeof(Elf64_Ehdr);
    e.ehdr.e_ehsize = sizeof(Elf64_Ehdr);
    e.ehdr.e_phentsize = sizeof(Elf64_Phdr);
    e.ehdr.e_phnum = NR_PHDRS;
    e.phdrs[0] = (Elf64_Phdr){.p_type = PT_LOAD,
                              .p_offset = PAYLOAD_OFF,
                              .p_vaddr = 0xffffffff80000000ULL,
                              .p_paddr = RAM_BASE,
                              .p_filesz = 16,
                              .p_memsz = 16};
    e.phdrs[1] = (Elf64_Phdr){.p_type = PT_NOTE, .p_offset = PAYLOAD_OFF, .p_filesz = 4};
    e.phdrs[2] = (Elf64_Phdr){.p_type = PT_LOAD,
                              .p_offset = PAYLOAD_OFF + 0x20,
                              .p_vaddr = 0xffffffff80001000ULL,
                              .p_paddr = RAM_BASE + 0x1000,
                              .p_filesz = 8,
                              .p_memsz = 0x100};
    for (unsigned i = 0; i < sizeof(e.payload); i++) {
        e.payload[i] = (uint8_t)(i + 1);
    }
    return e;
}

/* Write e to path: headers at 0, payload at PAYLOAD_OFF; the file is len bytes long. */
static void write_elf(const char *path, const TestElf *e, size_t len)
{
    uint8_t image[PAYLOAD_OFF + sizeof(e->payload)] = {0};

    memcpy(image, &e->ehdr, sizeof(e->ehdr));
    memcpy(image + sizeof(e->ehdr), e->phdrs, sizeof(e->phdrs));
    memcpy(image + PAYLOAD_OFF, e->payload, sizeof(e->payload));
    write_file(path, image, MIN(len, sizeof(image)));
}

#define ELF_FILE_SIZE (PAYLOAD_OFF + sizeof(((TestElf *)0)->payload))

/* load_elf must fail with a message naming the file and containing what. */
static void expect_elf_error(Fixture *f, const char *what)
{
    Error *err = NULL;
    uint64_t entry = 0;

    assert_false(load_elf(f->path, &f->as, &entry, NULL, NULL, &err));
    assert_non_null(err);
    const char *msg = error_get_pretty(err);
    if (!strstr(msg, what) || strncmp(msg, f->path, strlen(f->path)) != 0) {
        fail_msg("error \"%s\" lacks \"%s\"", msg, what);
    }
    error_free(err);
}

static void expect_bad_elf(Fixture *f, const TestElf *e, size_t len, const char *what)
{
    write_elf(f->path, e, len);
    expect_elf_error(f, what);
}

/* ---- Good ELF files ---- */

static void test_elf_good(void **state)
{
    Fixture *f = *state;
    TestElf e = good_elf();
    uint64_t entry, low, high;

    write_elf(f->path, &e, ELF_FILE_SIZE);
    assert_true(elf_is_elf(f->path));
    assert_true(load_elf(f->path, &f->as, &entry, &low, &high, NULL));
    assert_int_equal(entry, RAM_BASE + 4);
    assert_int_equal(low, RAM_BASE);
    assert_int_equal(high, RAM_BASE + 0x1100);
    assert_memory_equal(f->ram.ram_ptr, e.payload, 16);
    /* Not loaded: past the end of segment 0. */
    assert_int_equal(f->ram.ram_ptr[16], 0xee);
    assert_memory_equal(f->ram.ram_ptr + 0x1000, e.payload + 0x20, 8);
    for (unsigned i = 8; i < 0x100; i++) {
        assert_int_equal(f->ram.ram_ptr[0x1000 + i], 0);
    }
    assert_int_equal(f->ram.ram_ptr[0x1100], 0xee);
}

static void test_elf_into_rom(void **state)
{
    Fixture *f = *state;
    TestElf e = good_elf();

    e.ehdr.e_type = ET_DYN;
    e.ehdr.e_entry = 0x8;
    e.phdrs[0].p_paddr = ROM_BASE;
    e.phdrs[0].p_vaddr = 0;
    e.phdrs[2].p_type = PT_NULL;
    write_elf(f->path, &e, ELF_FILE_SIZE);
    uint64_t entry;
    assert_true(load_elf(f->path, &f->as, &entry, NULL, NULL, NULL));
    assert_int_equal(entry, ROM_BASE + 0x8);
    assert_memory_equal(f->rom.ram_ptr, e.payload, 16);
}

/* ---- Malformed ELF files ---- */

static void test_elf_not_elf(void **state)
{
    Fixture *f = *state;
    TestElf e = good_elf();

    write_file(f->path, "", 0);
    expect_elf_error(f, "not an ELF file");
    write_file(f->path,
               "\x7f"
               "EL",
               3);
    expect_elf_error(f, "not an ELF file");
    e.ehdr.e_ident[1] = 'X';
    expect_bad_elf(f, &e, ELF_FILE_SIZE, "not an ELF file");
    assert_false(elf_is_elf(f->path));
}

static void test_elf_truncated_header(void **state)
{
    Fixture *f = *state;
    TestElf e = good_elf();

    expect_bad_elf(f, &e, 20, "truncated ELF header");
}

static void test_elf_bad_ident(void **state)
{
    Fixture *f = *state;
    TestElf e = good_elf();

    e.ehdr.e_ident[EI_CLASS] = ELFCLASS32;
    expect_bad_elf(f, &e, ELF_FILE_SIZE, "not a 64-bit ELF file");
    e = good_elf();
    e.ehdr.e_ident[EI_DATA] = ELFDATA2MSB;
    expect_bad_elf(f, &e, ELF_FILE_SIZE, "not a little-endian ELF file");
    e = good_elf();
    e.ehdr.e_machine = EM_X86_64;
    expect_bad_elf(f, &e, ELF_FILE_SIZE, "not a RISC-V ELF file (machine 62)");
    e = good_elf();
    e.ehdr.e_type = ET_REL;
    expect_bad_elf(f, &e, ELF_FILE_SIZE, "not an executable");
}

static void test_elf_bad_phdr_table(void **state)
{
    Fixture *f = *state;
    TestElf e = good_elf();

    e.ehdr.e_phoff = ELF_FILE_SIZE - 8;
    expect_bad_elf(f, &e, ELF_FILE_SIZE, "program headers lie outside the file");
    e.ehdr.e_phoff = UINT64_MAX - 8;
    expect_bad_elf(f, &e, ELF_FILE_SIZE, "program headers lie outside the file");
    /* The table is fine but the file stops in the middle of it. */
    e = good_elf();
    expect_bad_elf(f, &e, sizeof(Elf64_Ehdr) + 10, "program headers lie outside the file");
    e = good_elf();
    e.ehdr.e_phnum = 0;
    expect_bad_elf(f, &e, ELF_FILE_SIZE, "no program headers");
    e = good_elf();
    e.ehdr.e_phentsize = 32;
    expect_bad_elf(f, &e, ELF_FILE_SIZE, "bad program header size");
}

static void test_elf_segment_beyond_file(void **state)
{
    Fixture *f = *state;
    TestElf e = good_elf();

    e.phdrs[2].p_offset = ELF_FILE_SIZE - 4;
    expect_bad_elf(f, &e, ELF_FILE_SIZE, "segment 2 lies outside the file");
    e = good_elf();
    e.phdrs[0].p_offset = UINT64_MAX;
    expect_bad_elf(f, &e, ELF_FILE_SIZE, "segment 0 lies outside the file");
    /* Nothing may have been written by the failed loads. */
    assert_int_equal(f->ram.ram_ptr[0], 0xee);
}

static void test_elf_huge_sizes(void **state)
{
    Fixture *f = *state;
    TestElf e = good_elf();

    /* p_offset + p_filesz wraps to a small number. */
    e.phdrs[0].p_filesz = UINT64_MAX - 0x100;
    e.phdrs[0].p_memsz = UINT64_MAX - 0x100;
    expect_bad_elf(f, &e, ELF_FILE_SIZE, "segment 0 lies outside the file");
    e = good_elf();
    e.phdrs[0].p_filesz = 32;
    expect_bad_elf(f, &e, ELF_FILE_SIZE, "segment 0 has more file bytes");
    e = good_elf();
    e.phdrs[2].p_paddr = 0xfffffffffffff000ULL;
    e.phdrs[2].p_memsz = 0x2000;
    expect_bad_elf(f, &e, ELF_FILE_SIZE, "segment 2 at 0xfffffffffffff000 wraps around");
    e = good_elf();
    e.phdrs[2].p_memsz = UINT64_MAX;
    expect_bad_elf(f, &e, ELF_FILE_SIZE, "segment 2 at 0x80001000 wraps around");
    e.phdrs[2].p_memsz = 1ULL << 40;
    expect_bad_elf(f, &e, ELF_FILE_SIZE, "segment 2 at 0x80001000 lies outside guest memory");
}

static void test_elf_segment_outside_memory(void **state)
{
    Fixture *f = *state;
    TestElf e = good_elf();

    e.phdrs[2].p_paddr = 0x90000000;
    expect_bad_elf(f, &e, ELF_FILE_SIZE, "segment 2 at 0x90000000 lies outside guest memory");
    /* Validation precedes loading: segment 0 was good but is not written. */
    assert_int_equal(f->ram.ram_ptr[0], 0xee);
    e.phdrs[2].p_paddr = RAM_BASE + RAM_SIZE - 0x80;
    expect_bad_elf(f, &e, ELF_FILE_SIZE, "lies outside guest memory");
    e.phdrs[2].p_paddr = 0x10000000;
    expect_bad_elf(f, &e, ELF_FILE_SIZE, "segment 2 at 0x10000000 lies outside guest memory");
}

/*
 * A segment at file offset 0 whose leading file bytes (the headers, as -Ttext=0x80000000
 * places them) lie below RAM: those are skipped and the rest loads.
 */
static void test_elf_headers_below_memory(void **state)
{
    Fixture *f = *state;
    TestElf e = good_elf();
    uint64_t entry, low, high;

    e.phdrs[0].p_offset = 0;
    e.phdrs[0].p_paddr = e.phdrs[0].p_vaddr = RAM_BASE - PAYLOAD_OFF;
    e.phdrs[0].p_filesz = e.phdrs[0].p_memsz = PAYLOAD_OFF + 16;
    e.ehdr.e_entry = RAM_BASE + 4;
    write_elf(f->path, &e, ELF_FILE_SIZE);
    assert_true(load_elf(f->path, &f->as, &entry, &low, &high, NULL));
    assert_int_equal(entry, RAM_BASE + 4);
    assert_int_equal(low, RAM_BASE);
    assert_int_equal(high, RAM_BASE + 0x1100);
    assert_memory_equal(f->ram.ram_ptr, e.payload, 16);
    assert_int_equal(f->ram.ram_ptr[16], 0xee);

    /* A headers-only segment wholly below RAM (ld -z separate-code) is skipped too. */
    e.phdrs[0].p_filesz = e.phdrs[0].p_memsz = PAYLOAD_OFF;
    e.ehdr.e_entry = RAM_BASE + 0x1004;
    write_elf(f->path, &e, ELF_FILE_SIZE);
    assert_true(load_elf(f->path, &f->as, &entry, &low, &high, NULL));
    assert_int_equal(low, RAM_BASE + 0x1000);
}

static void test_elf_partly_outside_memory(void **state)
{
    Fixture *f = *state;
    TestElf e = good_elf();

    /* Only file bytes at offset 0 may be skipped: not a segment further in the file... */
    e.phdrs[0].p_paddr = RAM_BASE - 8;
    expect_bad_elf(f, &e, ELF_FILE_SIZE, "segment 0 at 0x7ffffff8 lies outside guest memory");
    /* ...nor bss below memory... */
    e.phdrs[0].p_offset = 0;
    e.phdrs[0].p_filesz = 4;
    expect_bad_elf(f, &e, ELF_FILE_SIZE, "segment 0 at 0x7ffffff8 lies outside guest memory");
    /* ...nor bytes past the end of RAM. */
    e = good_elf();
    e.phdrs[0].p_offset = 0;
    e.phdrs[0].p_paddr = RAM_BASE + RAM_SIZE - 8;
    expect_bad_elf(f, &e, ELF_FILE_SIZE, "lies outside guest memory");
    /* Nothing in memory at all. */
    e = good_elf();
    e.phdrs[0].p_offset = 0;
    e.phdrs[0].p_paddr = RAM_BASE - 0x100;
    e.phdrs[2].p_type = PT_NULL;
    expect_bad_elf(f, &e, ELF_FILE_SIZE, "no loadable segments in guest memory");
    /* The entry point must be in memory. */
    e = good_elf();
    e.ehdr.e_entry = 0x20000000;
    expect_bad_elf(f, &e, ELF_FILE_SIZE, "entry point 0x20000000 lies outside guest memory");
    assert_int_equal(f->ram.ram_ptr[0], 0xee);
}

static void test_elf_no_loadable_segment(void **state)
{
    Fixture *f = *state;
    TestElf e = good_elf();

    e.phdrs[0].p_type = PT_NULL;
    e.phdrs[2].p_memsz = 0;
    e.phdrs[2].p_filesz = 0;
    expect_bad_elf(f, &e, ELF_FILE_SIZE, "no loadable segments");
}

static void test_elf_missing_file(void **state)
{
    Fixture *f = *state;

    unlink(f->path);
    expect_elf_error(f, "cannot open");
    assert_false(elf_is_elf(f->path));
    assert_int_equal(get_image_size(f->path), -1);
    assert_false(elf_is_elf("/"));
    assert_int_equal(get_image_size("/"), -1);
}

/* Random corruption of the headers: any outcome but a crash or a write to the device. */
static void test_elf_corrupted_never_crashes(void **state)
{
    Fixture *f = *state;

    srand(1);
    for (unsigned iter = 0; iter < 2000; iter++) {
        TestElf e = good_elf();
        uint8_t *bytes = (uint8_t *)&e;
        for (unsigned n = 0; n < 4; n++) {
            bytes[(unsigned)rand() % (sizeof(e.ehdr) + sizeof(e.phdrs))] = (uint8_t)rand();
        }
        write_elf(f->path, &e, (size_t)rand() % (ELF_FILE_SIZE + 1));
        Error *err = NULL;
        if (!load_elf(f->path, &f->as, NULL, NULL, NULL, &err)) {
            assert_non_null(err);
            error_free(err);
        }
    }
}

/* ---- Raw images ---- */

static void test_raw_image(void **state)
{
    Fixture *f = *state;
    uint8_t data[300];
    uint64_t size = 0;

    for (unsigned i = 0; i < sizeof(data); i++) {
        data[i] = (uint8_t)(i * 7);
    }
    write_file(f->path, data, sizeof(data));
    assert_int_equal(get_image_size(f->path), sizeof(data));
    assert_false(elf_is_elf(f->path));
    assert_true(load_image_targphys(f->path, RAM_BASE + 0x100, 300, &f->as, &size, NULL));
    assert_int_equal(size, sizeof(data));
    assert_memory_equal(f->ram.ram_ptr + 0x100, data, sizeof(data));
    assert_int_equal(f->ram.ram_ptr[0x100 + sizeof(data)], 0xee);
}

static unsigned hook_calls;
static hwaddr hook_addr;
static uint64_t hook_len;

static void count_ram_writes(hwaddr addr, uint64_t len)
{
    hook_calls++;
    hook_addr = addr;
    hook_len = len;
}

/*
 * Issue 7: an image bound for RAM is read into it directly, in one piece (a 64 KiB bounce
 * buffer copied the kernel twice, chunk by chunk), and the block cache still hears of the
 * whole range written.
 */
static void test_raw_image_read_into_ram_at_once(void **state)
{
    enum { BIG = 200 * 1024 };
    /* static: a failed assertion leaves the function without unregistering them */
    static MemoryRegion root, ram;
    static AddressSpace as;
    uint8_t *data = xmalloc(BIG);
    Fixture *f = *state;
    uint64_t size = 0;

    for (unsigned i = 0; i < BIG; i++) {
        data[i] = (uint8_t)(i * 13 + (i >> 12));
    }
    write_file(f->path, data, BIG);
    memory_region_init(&root, "root", UINT64_MAX);
    assert_true(memory_region_init_ram(&ram, "big-ram", 256 * 1024, NULL));
    memory_region_add_subregion(&root, RAM_BASE, &ram);
    address_space_init(&as, &root, "big");
    hook_calls = 0;
    memory_ram_write_hook = count_ram_writes;
    assert_true(load_image_targphys(f->path, RAM_BASE + 0x1000, BIG, &as, &size, NULL));
    memory_ram_write_hook = NULL;
    assert_int_equal(size, BIG);
    assert_memory_equal(ram.ram_ptr + 0x1000, data, BIG);
    assert_int_equal(hook_calls, 1);
    assert_int_equal(hook_addr, RAM_BASE + 0x1000);
    assert_int_equal(hook_len, BIG);
    address_space_destroy(&as);
    memory_region_del_subregion(&root, &ram);
    memory_region_destroy(&ram);
    free(data);
}

static void expect_raw_error(Fixture *f, hwaddr addr, uint64_t max, const char *what)
{
    Error *err = NULL;
    uint64_t size = 0;

    assert_false(load_image_targphys(f->path, addr, max, &f->as, &size, &err));
    assert_non_null(err);
    if (!strstr(error_get_pretty(err), what)) {
        fail_msg("error \"%s\" lacks \"%s\"", error_get_pretty(err), what);
    }
    error_free(err);
}

static void test_raw_image_errors(void **state)
{
    Fixture *f = *state;
    uint8_t data[300] = {0};

    write_file(f->path, data, sizeof(data));
    expect_raw_error(f, RAM_BASE, 299, "image too large (300 bytes, at most 299)");
    expect_raw_error(f, RAM_BASE + RAM_SIZE - 100, RAM_SIZE, "lies outside guest memory");
    expect_raw_error(f, UINT64_MAX - 10, UINT64_MAX, "lies outside guest memory");
    write_file(f->path, data, 0);
    expect_raw_error(f, RAM_BASE, RAM_SIZE, "empty file, nothing to load");
    unlink(f->path);
    expect_raw_error(f, RAM_BASE, RAM_SIZE, "cannot open");
}

/* ---- gzip-compressed images ---- */

/* Writes data to path as a gzip file (one member, as gzip(1) makes); returns its length. */
static size_t write_gzip(const char *path, const uint8_t *data, size_t len, uint8_t **out)
{
    z_stream zs = {0};
    size_t cap = deflateBound(&zs, len) + 64;

    *out = xmalloc(cap);
    assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = (uint8_t *)data;
    zs.avail_in = len;
    zs.next_out = *out;
    zs.avail_out = cap;
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    size_t gz_len = zs.total_out;
    deflateEnd(&zs);
    write_file(path, *out, gz_len);
    return gz_len;
}

/* A kernel-sized image would not fit the fixture's RAM: 40000 bytes, compressible. */
#define GZ_DATA_LEN 40000

static uint8_t *gz_test_data(void)
{
    uint8_t *data = xmalloc(GZ_DATA_LEN);

    for (unsigned i = 0; i < GZ_DATA_LEN; i++) {
        data[i] = (uint8_t)((i * 2654435761u) >> 24) & 0x0f;
    }
    return data;
}

static void test_gzip_image(void **state)
{
    Fixture *f = *state;
    uint8_t *data = gz_test_data(), *gz;
    uint64_t size = 0;

    size_t gz_len = write_gzip(f->path, data, GZ_DATA_LEN, &gz);
    assert_true(gz_len < GZ_DATA_LEN); /* really compressed: the loader must inflate it */
    assert_true(image_is_gzip(f->path));
    assert_false(elf_is_elf(f->path));
    assert_true(load_image_gzipped_targphys(f->path, RAM_BASE + 0x100, RAM_SIZE - 0x100, &f->as,
                                            &size, NULL));
    assert_int_equal(size, GZ_DATA_LEN);
    assert_memory_equal(f->ram.ram_ptr + 0x100, data, GZ_DATA_LEN);
    assert_int_equal(f->ram.ram_ptr[0x100 + GZ_DATA_LEN], 0xee);
    assert_int_equal(f->ram.ram_ptr[0xff], 0xee);
    write_file(f->path, data, 100);
    assert_false(image_is_gzip(f->path));
    free(gz);
    free(data);
}

static void expect_gzip_error(Fixture *f, hwaddr addr, uint64_t max, const char *what)
{
    Error *err = NULL;
    uint64_t size = 0;

    assert_false(load_image_gzipped_targphys(f->path, addr, max, &f->as, &size, &err));
    assert_non_null(err);
    const char *msg = error_get_pretty(err);
    if (!strstr(msg, what) || strncmp(msg, f->path, strlen(f->path)) != 0) {
        fail_msg("error \"%s\" lacks \"%s\"", msg, what);
    }
    error_free(err);
}

/* Guest memory still holds the fixture's fill: nothing was written. */
static void assert_ram_untouched(Fixture *f)
{
    for (unsigned i = 0; i < RAM_SIZE; i++) {
        if (f->ram.ram_ptr[i] != 0xee) {
            fail_msg("RAM byte 0x%x was written", i);
        }
    }
}

static void test_gzip_image_errors(void **state)
{
    Fixture *f = *state;
    uint8_t *data = gz_test_data(), *gz;
    size_t gz_len = write_gzip(f->path, data, GZ_DATA_LEN, &gz);

    expect_gzip_error(f, RAM_BASE, GZ_DATA_LEN - 1, "decompressed image too large");
    expect_gzip_error(f, RAM_BASE + RAM_SIZE - 100, UINT64_MAX, "lies outside guest memory");
    expect_gzip_error(f, UINT64_MAX - 10, UINT64_MAX, "lies outside guest memory");
    write_file(f->path, gz, gz_len / 2);
    expect_gzip_error(f, RAM_BASE, RAM_SIZE, "truncated gzip data");
    write_file(f->path, gz, 2);
    expect_gzip_error(f, RAM_BASE, RAM_SIZE, "truncated gzip data");
    gz[gz_len - 5] ^= 0xff; /* the CRC-32 of the trailer */
    write_file(f->path, gz, gz_len);
    expect_gzip_error(f, RAM_BASE, RAM_SIZE, "corrupt gzip data");
    gz[gz_len - 5] ^= 0xff;
    gz[2] = 7; /* compression method: only 8 (deflate) exists */
    write_file(f->path, gz, gz_len);
    expect_gzip_error(f, RAM_BASE, RAM_SIZE, "corrupt gzip data");
    free(gz);
    write_gzip(f->path, data, 0, &gz);
    expect_gzip_error(f, RAM_BASE, RAM_SIZE, "decompresses to nothing");
    unlink(f->path);
    expect_gzip_error(f, RAM_BASE, RAM_SIZE, "cannot open");
    assert_ram_untouched(f);
    free(gz);
    free(data);
}

/* A small file that inflates to far more than the limit stops at the limit. */
static void test_gzip_bomb(void **state)
{
    Fixture *f = *state;
    size_t len = 64 << 20;
    uint8_t *zeros = xzalloc(len), *gz;

    write_gzip(f->path, zeros, len, &gz);
    free(zeros);
    assert_true(get_image_size(f->path) < (1 << 20));
    expect_gzip_error(f, RAM_BASE, RAM_SIZE, "more than 65536 bytes");
    assert_ram_untouched(f);
    free(gz);
}

/* Random damage to a good file either loads or fails with an error: never a crash. */
static void test_gzip_corrupted_never_crashes(void **state)
{
    Fixture *f = *state;
    uint8_t *data = gz_test_data(), *gz;
    size_t gz_len = write_gzip(f->path, data, GZ_DATA_LEN, &gz);
    uint32_t seed = 12345;

    for (int round = 0; round < 300; round++) {
        uint8_t *copy = xmalloc(gz_len);
        memcpy(copy, gz, gz_len);
        for (int n = 0; n < 4; n++) {
            seed = seed * 1103515245 + 12345;
            copy[(seed >> 8) % gz_len] ^= (uint8_t)(seed >> 20) | 1;
        }
        write_file(f->path, copy, gz_len - round % 7);
        Error *err = NULL;
        if (!load_image_gzipped_targphys(f->path, RAM_BASE, RAM_SIZE, &f->as, NULL, &err)) {
            assert_non_null(err);
            error_free(err);
        }
        free(copy);
    }
    free(gz);
    free(data);
}

/* ---- RISC-V Image header ---- */

static void test_riscv_image_header(void **state)
{
    Fixture *f = *state;
    uint8_t hdr[64] = {0};
    uint64_t text_offset = 0, image_size = 0;

    hdr[8] = 0x00;
    hdr[10] = 0x20; /* text_offset 0x200000 */
    hdr[17] = 0x10; /* image_size 0x1000 */
    memcpy(hdr + 0x30, "RISCV\0\0\0", 8);
    memcpy(hdr + 0x38, "RSC\x05", 4);
    write_file(f->path, hdr, sizeof(hdr));
    assert_true(riscv_image_header(f->path, &text_offset, &image_size));
    assert_int_equal(text_offset, 0x200000);
    assert_int_equal(image_size, 0x1000);

    hdr[0x38] = 'X';
    write_file(f->path, hdr, sizeof(hdr));
    assert_false(riscv_image_header(f->path, &text_offset, &image_size));
    write_file(f->path, hdr, 0x30);
    assert_false(riscv_image_header(f->path, NULL, NULL));
}

#define FIXTURE_TEST(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        FIXTURE_TEST(test_elf_good),
        FIXTURE_TEST(test_elf_into_rom),
        FIXTURE_TEST(test_elf_not_elf),
        FIXTURE_TEST(test_elf_truncated_header),
        FIXTURE_TEST(test_elf_bad_ident),
        FIXTURE_TEST(test_elf_bad_phdr_table),
        FIXTURE_TEST(test_elf_segment_beyond_file),
        FIXTURE_TEST(test_elf_huge_sizes),
        FIXTURE_TEST(test_elf_segment_outside_memory),
        FIXTURE_TEST(test_elf_headers_below_memory),
        FIXTURE_TEST(test_elf_partly_outside_memory),
        FIXTURE_TEST(test_elf_no_loadable_segment),
        FIXTURE_TEST(test_elf_missing_file),
        FIXTURE_TEST(test_elf_corrupted_never_crashes),
        FIXTURE_TEST(test_raw_image),
        FIXTURE_TEST(test_raw_image_read_into_ram_at_once),
        FIXTURE_TEST(test_raw_image_errors),
        FIXTURE_TEST(test_gzip_image),
        FIXTURE_TEST(test_gzip_image_errors),
        FIXTURE_TEST(test_gzip_bomb),
        FIXTURE_TEST(test_gzip_corrupted_never_crashes),
        FIXTURE_TEST(test_riscv_image_header),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
