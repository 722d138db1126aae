/*
 * What the PC firmware is told to boot, the two ways QEMU tells SeaBIOS (learnt from SeaBIOS's
 * boot.c and docs, and from what qemu-system-x86_64 7.2 hands it):
 *
 * - The CMOS boot-device bytes, from -boot order= (default "cad"; once= for the first boot
 *   only, order= again after a reset): up to three 4-bit codes, 1 floppy (a, b), 2 hard disk
 *   (c), 3 CD-ROM (d), 4 network (n). The first two sit in 0x3d (first in the low nibble), the
 *   third in the high nibble of 0x38, whose bit 0 (skip the floppy signature check) stays 0.
 *   SeaBIOS ranks each class of device by them.
 * - fw_cfg's "bootorder" file: the devices given bootindex=N, lowest first, as device paths
 *   one per line ("/pci@i0cf8/pci8086,2922@1f,2/drive@2/disk@0" for AHCI port 2 of q35's
 *   controller, the linuxboot option ROM "/rom@genroms/linuxboot_dma.bin" at index 0 with
 *   -kernel), then "HALT" under -boot strict=on. SeaBIOS boots what it lists before anything
 *   the CMOS order ranks.
 */
#include "hw/i386/pc-boot.h"

#include <inttypes.h>

#include "hw/ide/ahci.h"
#include "hw/nvram/fw_cfg.h"
#include "hw/rtc/mc146818rtc.h"
#include "system/runstate.h"
#include "util/option.h"

#define PC_BOOT_DEFAULT_ORDER "cad"
#define PC_MAX_BOOT_DEVICES 3
#define CMOS_BOOT_DEV_12 0x3d /* first device (bits 3-0), second (bits 7-4) */
#define CMOS_BOOT_DEV_3 0x38  /* third device (bits 7-4); bit 0: skip floppy signature check */
#define PC_HOST_PATH "/pci@i0cf8"
#define PC_LINUXBOOT_PATH "/rom@genroms/linuxboot_dma.bin"

/* One bootorder line. */
typedef struct BootEntry {
    int64_t index;
    char *path;
} BootEntry;

typedef struct BootList {
    BootEntry *e;
    size_t n;
} BootList;

static int pc_boot_code(char c)
{
    switch (c) {
    case 'a':
    case 'b':
        return 1;
    case 'c':
        return 2;
    case 'd':
        return 3;
    case 'n':
        return 4;
    default:
        return -1;
    }
}

/* QEMU's set_boot_dev: the order string into the two CMOS bytes. */
static bool pc_boot_set_cmos(DeviceState *rtc, const char *order, Error **errp)
{
    int codes[PC_MAX_BOOT_DEVICES] = {0};
    size_t n = strlen(order);

    if (n > PC_MAX_BOOT_DEVICES) {
        error_setg(errp, "Too many boot devices for PC");
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        codes[i] = pc_boot_code(order[i]);
        if (codes[i] < 0) {
            error_setg(errp, "Invalid boot device for PC: '%c'", order[i]);
            return false;
        }
    }
    mc146818rtc_set_cmos(rtc, CMOS_BOOT_DEV_12, codes[0] | (codes[1] << 4));
    mc146818rtc_set_cmos(rtc, CMOS_BOOT_DEV_3, codes[2] << 4);
    return true;
}

/* After the first boot of once=, the resets boot by order= (the start-up reset excepted). */
static void pc_boot_restore_order(Notifier *n, void *data)
{
    PCMachineState *s = container_of(n, PCMachineState, boot_reset);

    if (!s->boot_started) {
        s->boot_started = true;
        return;
    }
    pc_boot_set_cmos(s->rtc, s->boot_order, NULL); /* checked at start-up */
}

static void boot_list_add(BootList *l, int64_t index, char *path)
{
    l->e = xrealloc(l->e, (l->n + 1) * sizeof(*l->e));
    l->e[l->n++] = (BootEntry){index, path};
}

/* Each ich9-ahci's ports whose drive has a bootindex. */
static void pc_boot_add_ahci(Object *obj, void *opaque)
{
    if (object_dynamic_cast(obj, TYPE_ICH9_AHCI) && DEVICE(obj)->realized) {
        AHCIState *a = ICH9_AHCI(obj);
        int devfn = PCI_DEVICE(a)->devfn;
        char fn[8] = "";

        if (PCI_FUNC(devfn)) {
            snprintf(fn, sizeof(fn), ",%x", PCI_FUNC(devfn));
        }
        for (int i = 0; i < AHCI_NUM_PORTS; i++) {
            if (ahci_port_has_device(&a->ports[i]) && a->ports[i].disk.bootindex >= 0) {
                boot_list_add(opaque, a->ports[i].disk.bootindex,
                              xasprintf(PC_HOST_PATH "/pci8086,2922@%x%s/drive@%x/disk@0",
                                        PCI_SLOT(devfn), fn, i));
            }
        }
    }
    object_child_foreach(obj, pc_boot_add_ahci, opaque);
}

static int boot_entry_cmp(const void *a, const void *b)
{
    const BootEntry *x = a, *y = b;

    return x->index < y->index ? -1 : x->index > y->index;
}

/* Append line to the file text *text (one path a line). */
static void bootorder_append(char **text, const char *line)
{
    char *t = xasprintf("%s%s%s", *text ? *text : "", *text ? "\n" : "", line);

    free(*text);
    *text = t;
}

/* The "bootorder" file: -kernel's option ROM and the drives by bootindex, HALT if strict;
 * NUL-terminated as QEMU's, empty without entries. */
static bool pc_boot_write_bootorder(PCMachineState *s, bool strict, Error **errp)
{
    BootList l = {0};
    char *text = NULL;
    bool ok = true;

    if (MACHINE(s)->kernel_filename) { /* QEMU gives it bootindex 0: no drive may take 0 */
        boot_list_add(&l, 0, xstrdup(PC_LINUXBOOT_PATH));
    }
    pc_boot_add_ahci(OBJECT(s), &l);
    qsort(l.e, l.n, sizeof(*l.e), boot_entry_cmp);
    for (size_t i = 0; i < l.n; i++) {
        if (ok && i && l.e[i].index == l.e[i - 1].index) {
            error_setg(errp, "The bootindex %" PRId64 " has already been used", l.e[i].index);
            ok = false;
        }
        bootorder_append(&text, l.e[i].path);
        free(l.e[i].path);
    }
    free(l.e);
    if (text && strict) {
        bootorder_append(&text, "HALT");
    }
    if (!ok) {
        free(text);
        return false;
    }
    return fw_cfg_modify_file(s->fw_cfg, "bootorder", text, text ? strlen(text) + 1 : 0, errp);
}

bool pc_boot_setup(PCMachineState *s, Error **errp)
{
    const char *boot = MACHINE(s)->boot;
    KeyValueList kv = {0};
    const char *order = NULL, *once = NULL, *strict = NULL;
    bool strict_on = false, ok;

    if (boot && !keyval_parse(boot, "order", &kv, errp)) {
        return false;
    }
    order = keyval_get(&kv, "order");
    once = keyval_get(&kv, "once");
    strict = keyval_get(&kv, "strict");
    s->boot_order = xstrdup(order ? order : PC_BOOT_DEFAULT_ORDER);
    ok = pc_boot_set_cmos(s->rtc, s->boot_order, errp) &&
         (!once || pc_boot_set_cmos(s->rtc, once, errp));
    if (ok && strict && !parse_bool(strict, &strict_on)) {
        error_setg(errp, "Parameter 'boot.strict' expects 'on' or 'off'");
        ok = false;
    }
    keyval_free(&kv);
    if (ok && once) {
        s->boot_reset.notify = pc_boot_restore_order;
        reset_notifier_add(&s->boot_reset);
    }
    return ok && pc_boot_write_bootorder(s, strict_on, errp);
}
