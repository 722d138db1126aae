/*
 * The generic loader (-device loader, as QEMU's docs/system/generic-loader.rst
 * describes it): a pseudo-device that puts bytes in guest memory and/or sets a
 * hart's pc, for boards and firmware set-ups the built-in boot path does not
 * cover. Its forms:
 *
 *   loader,addr=A,cpu-num=N                      set hart N's pc to A
 *   loader,addr=A,data=V,data-len=L[,data-be=on] write the L-byte (1..8) value V at A
 *   loader,file=F[,addr=A][,cpu-num=N][,force-raw=on]
 *       an ELF goes to its segments' addresses (addr is ignored), anything else
 *       (or force-raw=on) raw at A; with cpu-num, hart N starts at the entry / A.
 *
 * Everything is (re)done at every machine reset, after the harts and the
 * board reset (a reset notifier), so it wins over the firmware the board
 * placed and over the harts' reset vector, as in QEMU. The file is also loaded
 * once at realize, so a missing or bad file is a start-up error.
 */
#include "hw/core/cpu.h"
#include "hw/core/qdev.h"
#include "system/loader.h"
#include "system/memory.h"
#include "system/runstate.h"

#define TYPE_GENERIC_LOADER "loader"
#define LOADER_UNSET UINT32_MAX /* cpu-num and data-len not given */

typedef struct GenericLoaderState {
    DeviceState parent_obj;
    /* properties */
    int64_t addr;
    int64_t data;
    uint32_t data_len;
    bool data_be;
    uint32_t cpu_num;
    char *file;
    bool force_raw;
    /* what realize worked out */
    bool addr_set;
    bool is_elf;
    uint64_t entry; /* where cpu-num's hart starts */
    Notifier reset;
} GenericLoaderState;

#define GENERIC_LOADER(obj) OBJECT_CHECK(GenericLoaderState, (obj), TYPE_GENERIC_LOADER)

static bool loader_load_file(GenericLoaderState *s, Error **errp)
{
    AddressSpace *as = address_space_memory();
    uint64_t low, high, size;

    if (s->is_elf) {
        return load_elf(s->file, as, &s->entry, &low, &high, errp);
    }
    s->entry = s->addr;
    return load_image_targphys(s->file, s->addr, UINT64_MAX, as, &size, errp);
}

static bool loader_write_data(GenericLoaderState *s, Error **errp)
{
    uint8_t buf[8];

    for (uint32_t i = 0; i < s->data_len; i++) {
        int shift = 8 * (s->data_be ? s->data_len - 1 - i : i);
        buf[i] = (uint64_t)s->data >> shift;
    }
    if (address_space_write_rom(address_space_memory(), s->addr, buf, s->data_len) != MEMTX_OK) {
        error_setg(errp, "no memory at 0x%llx for %u bytes", (unsigned long long)s->addr,
                   s->data_len);
        return false;
    }
    return true;
}

/* After every reset: the bytes again (RAM may have changed), then the hart's pc. */
static void loader_reset_notify(Notifier *n, void *data)
{
    GenericLoaderState *s = container_of(n, GenericLoaderState, reset);
    Error *err = NULL;
    CPUState *cpu;

    if ((s->file && !loader_load_file(s, &err)) ||
        (s->data_len != LOADER_UNSET && !loader_write_data(s, &err))) {
        error_prepend(&err, "loader: ");
        error_report_err(err);
    }
    if (s->cpu_num != LOADER_UNSET && s->data_len == LOADER_UNSET &&
        (cpu = cpu_by_index(s->cpu_num))) {
        CPU_GET_CLASS(cpu)->set_pc(cpu, s->file ? s->entry : (uint64_t)s->addr);
    }
}

/* Which form the properties make, as QEMU's loader checks them. */
static bool loader_check_form(GenericLoaderState *s, Error **errp)
{
    bool data = s->data_len != LOADER_UNSET;

    if (s->file && data) {
        error_setg(errp, "file and data cannot both be given");
    } else if (data && !s->addr_set) {
        error_setg(errp, "data needs addr");
    } else if (data && (s->data_len == 0 || s->data_len > 8)) {
        error_setg(errp, "data-len must be 1 to 8 bytes (not %u)", s->data_len);
    } else if (!s->file && !data && !(s->addr_set && s->cpu_num != LOADER_UNSET)) {
        error_setg(errp, "give file=, addr= with data= and data-len=, or addr= with cpu-num=");
    } else if (s->cpu_num != LOADER_UNSET && !cpu_by_index(s->cpu_num)) {
        error_setg(errp, "cpu-num=%u: there is no such hart", s->cpu_num);
    } else {
        return true;
    }
    return false;
}

static bool loader_realize(DeviceState *dev, Error **errp)
{
    GenericLoaderState *s = GENERIC_LOADER(dev);

    s->addr_set = s->addr != -1;
    if (!loader_check_form(s, errp)) {
        return false;
    }
    if (s->file) {
        s->is_elf = !s->force_raw && elf_is_elf(s->file);
        if (!s->is_elf && !s->addr_set) {
            error_setg(errp, "file=%s is not an ELF: a raw image needs addr=", s->file);
            return false;
        }
        if (!loader_load_file(s, errp)) {
            return false;
        }
    } else if (s->data_len != LOADER_UNSET && !loader_write_data(s, errp)) {
        return false;
    }
    s->reset.notify = loader_reset_notify;
    reset_notifier_add(&s->reset); /* a -device loader lives as long as the machine */
    return true;
}

static const Property loader_props[] = {
    DEFINE_PROP("addr", PROP_INT, GenericLoaderState, addr, .defval.i = -1,
                .description = "guest physical address (raw file, data or pc)"),
    DEFINE_PROP("data", PROP_INT, GenericLoaderState, data, .description = "value to write"),
    DEFINE_PROP("data-len", PROP_UINT32, GenericLoaderState, data_len, .defval.u = LOADER_UNSET,
                .description = "size of data in bytes, 1 to 8"),
    DEFINE_PROP_BOOL("data-be", GenericLoaderState, data_be, false),
    DEFINE_PROP("cpu-num", PROP_UINT32, GenericLoaderState, cpu_num, .defval.u = LOADER_UNSET,
                .description = "hart whose pc is set to addr or the file's entry"),
    DEFINE_PROP("file", PROP_STRING, GenericLoaderState, file,
                .description = "ELF (to its addresses) or raw image (at addr)"),
    DEFINE_PROP_BOOL("force-raw", GenericLoaderState, force_raw, false),
    DEFINE_PROP_END,
};

static void loader_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "generic loader: bytes into memory, a hart's pc";
    dc->user_creatable = true;
    dc->realize = loader_realize;
    object_class_add_props(oc, loader_props);
}

static const TypeInfo loader_info = {
    .name = TYPE_GENERIC_LOADER,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(GenericLoaderState),
    .class_init = loader_class_init,
};

static void loader_register_types(void)
{
    type_register_static(&loader_info);
}

type_init(loader_register_types)
