/*
 * SMBIOS structures and the 2.1 entry point (DMTF DSP0134 3.x, read as version 2.8, the
 * revision QEMU 7.2 announces). Layout of every structure: a 4-byte header (type, length of
 * the formatted area, handle), the formatted fields, then the string set: NUL-terminated
 * strings that fields name by 1-based index (0: no string), ended by one more NUL (two NULs
 * when there is no string at all).
 *
 * The values are QEMU 7.2's for q35, checked by reading the guest's
 * /sys/firmware/dmi/tables under both emulators (tests/functional/test_x86_smbios.py):
 * "QEMU" as every manufacturer, the machine type version as every version string, a
 * 2000 MHz processor with CPUID's signature as its ID, DIMMs of at most 16 GiB, and the RAM
 * ranges of the physical map as memory array mapped addresses.
 */
#include "hw/smbios/smbios.h"

#include <ctype.h>

#include "util/option.h"

#define SMBIOS_MAJOR 2
#define SMBIOS_MINOR 8
#define SMBIOS_DIMM_MAX (16 * GiB)
#define SMBIOS_CPU_MHZ 2000

/* Handles as QEMU numbers them: the type times 0x100, plus the instance. */
#define HANDLE(type, n) ((uint16_t)((type)*0x100 + (n)))

/* A growing buffer of structures; `start` is where the structure being built begins. */
typedef struct Builder {
    uint8_t *buf;
    size_t len, cap, start;
    unsigned nstrings, count, max_size;
} Builder;

static void put(Builder *b, const void *data, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = MAX(b->cap * 2, b->len + n + 256);
        b->buf = xrealloc(b->buf, b->cap);
    }
    memcpy(b->buf + b->len, data, n);
    b->len += n;
}

static void put8(Builder *b, uint8_t v)
{
    put(b, &v, 1);
}

static void put16(Builder *b, uint16_t v)
{
    uint8_t le[2] = {v, v >> 8};
    put(b, le, 2);
}

static void put32(Builder *b, uint32_t v)
{
    put16(b, v);
    put16(b, v >> 16);
}

static void put64(Builder *b, uint64_t v)
{
    put32(b, v);
    put32(b, v >> 32);
}

/* Begin a structure: its header; the length byte is set by end_struct. */
static void begin_struct(Builder *b, uint8_t type, uint16_t handle)
{
    b->start = b->len;
    b->nstrings = 0;
    put8(b, type);
    put8(b, 0);
    put16(b, handle);
}

/*
 * A string field: its index now, its text in a list appended by end_struct. The strings
 * follow the formatted area, so they are collected in `strs` until then.
 */
typedef struct Strings {
    const char *s[8];
    unsigned n;
} Strings;

static void put_str(Builder *b, Strings *strs, const char *s)
{
    if (!s || !*s) {
        put8(b, 0);
        return;
    }
    strs->s[strs->n++] = s;
    put8(b, strs->n);
}

static void end_struct(Builder *b, const Strings *strs)
{
    size_t size;

    b->buf[b->start + 1] = b->len - b->start; /* the formatted area's length */
    for (unsigned i = 0; i < strs->n; i++) {
        put(b, strs->s[i], strlen(strs->s[i]) + 1);
    }
    if (!strs->n) {
        put8(b, 0);
    }
    put8(b, 0);
    size = b->len - b->start;
    b->max_size = MAX(b->max_size, size);
    b->count++;
}

static const char *or_default(const char *given, const char *dflt)
{
    return given ? given : dflt;
}

/* Type 0, BIOS information: only when -smbios type=0 set something (else SeaBIOS's own). */
static void build_type0(Builder *b, const SMBIOSFields *f)
{
    Strings strs = {0};
    unsigned major = 0, minor = 0;

    if (!f->bios_vendor && !f->bios_version && !f->bios_date && !f->bios_release && !f->uefi) {
        return;
    }
    if (f->bios_release) {
        sscanf(f->bios_release, "%u.%u", &major, &minor);
    }
    begin_struct(b, 0, HANDLE(0, 0));
    put_str(b, &strs, f->bios_vendor);
    put_str(b, &strs, f->bios_version);
    put16(b, 0xe800); /* the BIOS's starting segment */
    put_str(b, &strs, f->bios_date);
    put8(b, 0);       /* ROM size: 64 KiB units minus one */
    put64(b, 1 << 3); /* characteristics: "not supported" */
    put8(b, 0);       /* extension byte 1 */
    /* byte 2: virtual machine, UEFI, targeted content distribution */
    put8(b, 1 << 4 | (f->uefi ? 1 << 3 : 0) | 1 << 2);
    put8(b, f->bios_release ? major : 0xff);
    put8(b, f->bios_release ? minor : 0xff);
    put8(b, 0xff); /* no embedded controller */
    put8(b, 0xff);
    end_struct(b, &strs);
}

/* The UUID field: SMBIOS 2.6+ stores the first three fields little-endian. */
static void put_uuid(Builder *b, const SMBIOSFields *f)
{
    static const uint8_t order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};

    for (int i = 0; i < 16; i++) {
        put8(b, f->uuid_set ? f->uuid[order[i]] : 0);
    }
}

/* Type 1, system information. */
static void build_type1(Builder *b, const SMBIOSMachineInfo *m, const SMBIOSFields *f)
{
    Strings strs = {0};

    begin_struct(b, 1, HANDLE(1, 0));
    put_str(b, &strs, or_default(f->manufacturer, m->manufacturer));
    put_str(b, &strs, or_default(f->product, m->product));
    put_str(b, &strs, or_default(f->version, m->version));
    put_str(b, &strs, f->serial);
    put_uuid(b, f);
    put8(b, 6); /* wake-up type: power switch */
    put_str(b, &strs, f->sku);
    put_str(b, &strs, f->family);
    end_struct(b, &strs);
}

/* Type 3, system enclosure: "other", every state "safe", no security. */
static void build_type3(Builder *b, const SMBIOSMachineInfo *m)
{
    Strings strs = {0};

    begin_struct(b, 3, HANDLE(3, 0));
    put_str(b, &strs, m->manufacturer);
    put8(b, 1); /* chassis type: other */
    put_str(b, &strs, m->version);
    put_str(b, &strs, NULL); /* serial */
    put_str(b, &strs, NULL); /* asset tag */
    put8(b, 3);              /* boot-up, power supply, thermal state: safe */
    put8(b, 3);
    put8(b, 3);
    put8(b, 2);  /* security: unknown */
    put32(b, 0); /* OEM-defined */
    put8(b, 0);  /* height */
    put8(b, 0);  /* power cords */
    put8(b, 0);  /* contained elements: none, each 0 bytes */
    put8(b, 0);
    put_str(b, &strs, NULL); /* SKU */
    end_struct(b, &strs);
}

/* Type 4, processor: one per socket, named "CPU n". */
static void build_type4(Builder *b, const SMBIOSMachineInfo *m, unsigned n)
{
    Strings strs = {0};
    char socket[16];

    snprintf(socket, sizeof(socket), "CPU %u", n);
    begin_struct(b, 4, HANDLE(4, n));
    put_str(b, &strs, socket);
    put8(b, 3); /* central processor */
    put8(b, 1); /* family: other */
    put_str(b, &strs, m->manufacturer);
    put32(b, m->cpuid_version);
    put32(b, m->cpuid_features);
    put_str(b, &strs, m->version);
    put8(b, 0);  /* voltage */
    put16(b, 0); /* external clock: unknown */
    put16(b, SMBIOS_CPU_MHZ);
    put16(b, SMBIOS_CPU_MHZ);
    put8(b, 0x41);    /* socket populated, CPU enabled */
    put8(b, 1);       /* upgrade: other */
    put16(b, 0xffff); /* no L1, L2, L3 cache structures */
    put16(b, 0xffff);
    put16(b, 0xffff);
    put_str(b, &strs, NULL); /* serial, asset tag, part number */
    put_str(b, &strs, NULL);
    put_str(b, &strs, NULL);
    put8(b, m->cores);
    put8(b, m->cores);
    put8(b, m->threads);
    put16(b, 2); /* characteristics: unknown */
    put16(b, 1); /* processor family 2: other */
    end_struct(b, &strs);
}

static unsigned dimm_count(const SMBIOSMachineInfo *m)
{
    return MAX(1, (m->ram_size + SMBIOS_DIMM_MAX - 1) / SMBIOS_DIMM_MAX);
}

/* Type 16, physical memory array: system memory with multi-bit ECC, sized as all of RAM. */
static void build_type16(Builder *b, const SMBIOSMachineInfo *m)
{
    Strings strs = {0};
    uint64_t kib = m->ram_size / KiB;
    bool extended = kib >= 0x80000000ULL;

    begin_struct(b, 16, HANDLE(16, 0));
    put8(b, 1); /* location: other */
    put8(b, 3); /* use: system memory */
    put8(b, 6); /* error correction: multi-bit ECC */
    put32(b, extended ? 0x80000000U : (uint32_t)kib);
    put16(b, 0xfffe); /* no error information structure */
    put16(b, dimm_count(m));
    put64(b, extended ? m->ram_size : 0);
    end_struct(b, &strs);
}

/* Type 17, memory device n: "DIMM n" of at most 16 GiB. */
static void build_type17(Builder *b, const SMBIOSMachineInfo *m, unsigned n)
{
    Strings strs = {0};
    char locator[16];
    uint64_t size = MIN(SMBIOS_DIMM_MAX, m->ram_size - n * SMBIOS_DIMM_MAX);
    uint64_t mib = size / MiB;

    snprintf(locator, sizeof(locator), "DIMM %u", n);
    begin_struct(b, 17, HANDLE(17, n));
    put16(b, HANDLE(16, 0));
    put16(b, 0xfffe); /* no error information */
    put16(b, 0xffff); /* total and data width: unknown */
    put16(b, 0xffff);
    put16(b, mib < 0x7fff ? mib : 0x7fff); /* 0x7fff: see the extended size */
    put8(b, 9);                            /* form factor: DIMM */
    put8(b, 0);                            /* device set: none */
    put_str(b, &strs, locator);
    put_str(b, &strs, NULL); /* bank locator */
    put8(b, 7);              /* memory type: RAM */
    put16(b, 2);             /* type detail: other */
    put16(b, 0);             /* speed: unknown */
    put_str(b, &strs, m->manufacturer);
    put_str(b, &strs, NULL); /* serial, asset tag, part number */
    put_str(b, &strs, NULL);
    put_str(b, &strs, NULL);
    put8(b, 0); /* attributes: rank unknown */
    put32(b, mib < 0x7fff ? 0 : mib);
    put16(b, 0); /* configured speed, minimum/maximum/configured voltage: unknown */
    put16(b, 0);
    put16(b, 0);
    put16(b, 0);
    end_struct(b, &strs);
}

/* Type 19, memory array mapped address n: a RAM range in KiB (extended fields past 4 TiB). */
static void build_type19(Builder *b, uint64_t start, uint64_t size, unsigned n)
{
    Strings strs = {0};
    uint64_t end = start + size - 1;
    bool extended = end / KiB >= 0xffffffffULL;

    begin_struct(b, 19, HANDLE(19, n));
    put32(b, extended ? 0xffffffffU : (uint32_t)(start / KiB));
    put32(b, extended ? 0xffffffffU : (uint32_t)(end / KiB));
    put16(b, HANDLE(16, 0));
    put8(b, 1); /* partition width */
    put64(b, extended ? start : 0);
    put64(b, extended ? end : 0);
    end_struct(b, &strs);
}

/* Type 32, system boot information: no errors. Type 127: the end. */
static void build_boot_and_end(Builder *b)
{
    Strings strs = {0};
    static const uint8_t reserved[6];

    begin_struct(b, 32, HANDLE(32, 0));
    put(b, reserved, sizeof(reserved));
    put8(b, 0);
    end_struct(b, &strs);
    begin_struct(b, 127, HANDLE(127, 0));
    end_struct(b, &strs);
}

static uint8_t checksum(const uint8_t *p, size_t n)
{
    uint8_t sum = 0;

    while (n--) {
        sum += *p++;
    }
    return -sum;
}

/* The 2.1 entry point: "_SM_", then the intermediate "_DMI_" part; table address 0. */
static void build_anchor(SMBIOSTables *t)
{
    uint8_t *a = t->anchor = xzalloc(SMBIOS_ENTRY_POINT_LEN);

    memcpy(a, "_SM_", 4);
    a[5] = SMBIOS_ENTRY_POINT_LEN;
    a[6] = SMBIOS_MAJOR;
    a[7] = SMBIOS_MINOR;
    a[8] = t->max_struct_size;
    a[9] = t->max_struct_size >> 8;
    memcpy(a + 0x10, "_DMI_", 5);
    a[0x16] = t->len;
    a[0x17] = t->len >> 8;
    a[0x1c] = t->count;
    a[0x1d] = t->count >> 8;
    a[0x1e] = SMBIOS_MAJOR << 4 | SMBIOS_MINOR;
    a[0x15] = checksum(a + 0x10, 0x0f);
    a[4] = checksum(a, SMBIOS_ENTRY_POINT_LEN);
}

void smbios_build(const SMBIOSMachineInfo *m, const SMBIOSFields *f, SMBIOSTables *out)
{
    static const SMBIOSFields none;
    Builder b = {0};

    f = f ? f : &none;
    build_type0(&b, f);
    build_type1(&b, m, f);
    build_type3(&b, m);
    for (unsigned i = 0; i < MAX(1, m->sockets); i++) {
        build_type4(&b, m, i);
    }
    build_type16(&b, m);
    for (unsigned i = 0; i < dimm_count(m); i++) {
        build_type17(&b, m, i);
    }
    for (unsigned i = 0, n = 0; i < SMBIOS_MAX_RAM_RANGES; i++) {
        if (m->ram[i].size) {
            build_type19(&b, m->ram[i].start, m->ram[i].size, n++);
        }
    }
    build_boot_and_end(&b);
    out->tables = b.buf;
    out->len = b.len;
    out->count = b.count;
    out->max_struct_size = b.max_size;
    build_anchor(out);
}

/* ---- -smbios and -uuid ---- */

static bool parse_uuid(const char *s, uint8_t out[16])
{
    unsigned n = 0;

    if (strlen(s) != 36) {
        return false;
    }
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i])) {
            return false;
        }
    }
    for (const char *p = s; *p && n < 16; p += 2) {
        p += *p == '-';
        sscanf(p, "%2hhx", &out[n++]);
    }
    return true;
}

void smbios_set_uuid(SMBIOSFields *f, const char *uuid)
{
    f->uuid_set = parse_uuid(uuid, f->uuid);
}

/* The keys of type=0 and type=1 and where each value goes (a copy the fields keep). */
static bool smbios_set_field(SMBIOSFields *f, int type, const char *key, const char *value,
                             Error **errp)
{
    static const char *const keys0[] = {"vendor", "version", "date", "release", NULL};
    static const char *const keys1[] = {"manufacturer", "product", "version", "serial",
                                        "sku",          "family",  NULL};
    const char **dest0[] = {&f->bios_vendor, &f->bios_version, &f->bios_date, &f->bios_release};
    const char **dest1[] = {&f->manufacturer, &f->product, &f->version,
                            &f->serial,       &f->sku,     &f->family};
    const char *const *keys = type == 0 ? keys0 : keys1;
    const char ***dest = type == 0 ? dest0 : dest1;

    if (type == 0 && !strcmp(key, "uefi")) {
        if (!parse_bool(value, &f->uefi)) {
            error_setg(errp, "Parameter 'uefi' expects 'on' or 'off'");
            return false;
        }
        return true;
    }
    if (type == 1 && !strcmp(key, "uuid")) {
        if (!parse_uuid(value, f->uuid)) {
            error_setg(errp, "Invalid UUID");
            return false;
        }
        f->uuid_set = true;
        return true;
    }
    for (int i = 0; keys[i]; i++) {
        if (!strcmp(key, keys[i])) {
            *dest[i] = xstrdup(value);
            return true;
        }
    }
    error_setg(errp, "Invalid parameter '%s'", key);
    return false;
}

bool smbios_parse_option(SMBIOSFields *f, const char *opt, Error **errp)
{
    KeyValueList kv;
    const char *type;
    uint64_t t = 0;
    bool ok = true;

    if (!keyval_parse(opt, NULL, &kv, errp)) {
        return false;
    }
    type = keyval_get(&kv, "type");
    if (keyval_get(&kv, "file")) {
        error_setg(errp, "file=: SMBIOS tables from files are not supported");
        ok = false;
    } else if (!type) {
        error_setg(errp, "Must specify type= or file=");
        ok = false;
    } else if (!parse_uint(type, &t) || t > 1) {
        /* QEMU 7.2 takes fields for these types too; Kestrel for 0 and 1 only. */
        bool qemu_knows =
            parse_uint(type, &t) && (t <= 4 || t == 8 || t == 11 || t == 17 || t == 41);
        error_setg(errp,
                   qemu_knows ? "fields for SMBIOS type %s are not supported (types 0 and 1 are)"
                              : "Don't know how to build fields for SMBIOS type %s",
                   type);
        ok = false;
    }
    for (int i = 0; ok && i < kv.count; i++) {
        if (strcmp(kv.items[i].key, "type") != 0) {
            ok = smbios_set_field(f, t, kv.items[i].key, kv.items[i].value, errp);
        }
    }
    keyval_free(&kv);
    return ok;
}
