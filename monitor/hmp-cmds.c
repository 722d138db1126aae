/*
 * Commands only the human monitor has (they print text; QMP reaches them
 * through human-monitor-command): help, info registers|mtree|qtree|qom-tree|
 * cpus-detail, x, xp, p/print, gdbserver, log, logfile. Output formats follow
 * QEMU's where scripts parse them (x/xp lines, "VM status: ...").
 */
#include <ctype.h>

#include "gdbstub/gdbstub.h"
#include "hw/core/cpu.h"
#include "hw/core/qdev.h"
#include "hw/pci/pci.h"
#include "hw/usb/usb.h"
#include "monitor-internal.h"
#include "system/memory.h"
#include "util/log.h"

/* ---- expressions (x, xp, p, memsave): numbers, $pc, + - * / & | and parentheses ---- */

static bool expr_sum(const char **pp, int64_t *out, Error **errp);

/*
 * The operator at p (after spaces) if it is one of ops and continues the expression.
 * After a space an operator must be followed by a space, a digit, '$' or '(': so in
 * "pmemsave 0x1000 16 /tmp/f" the expression 16 ends before the file name.
 */
static const char *expr_next_op(const char *p, const char *ops)
{
    bool spaced = *p == ' ';

    while (*p == ' ') {
        p++;
    }
    if (!*p || !strchr(ops, *p)) {
        return NULL;
    }
    if (spaced && !(p[1] == ' ' || isdigit((unsigned char)p[1]) || p[1] == '$' || p[1] == '(')) {
        return NULL;
    }
    return p;
}

static bool expr_term(const char **pp, int64_t *out, Error **errp)
{
    const char *p = *pp;
    char *end;

    while (*p == ' ') {
        p++;
    }
    if (*p == '(') {
        p++;
        if (!expr_sum(&p, out, errp)) {
            return false;
        }
        while (*p == ' ') {
            p++;
        }
        if (*p != ')') {
            error_setg(errp, "')' expected");
            return false;
        }
        *pp = p + 1;
        return true;
    }
    if (*p == '-') {
        p++;
        if (!expr_term(&p, out, errp)) {
            return false;
        }
        *out = (int64_t)(0 - (uint64_t)*out);
        *pp = p;
        return true;
    }
    if (!strncmp(p, "$pc", 3)) {
        CPUState *cpu = first_cpu;
        CPUClass *cc = cpu ? CPU_GET_CLASS(cpu) : NULL;
        *out = !cc ? 0 : (int64_t)(cc->monitor_pc ? cc->monitor_pc(cpu) : cc->get_pc(cpu));
        *pp = p + 3;
        return true;
    }
    if (!isdigit((unsigned char)*p)) {
        error_setg(errp, *p ? "invalid char '%c' in expression" : "unexpected end of expression",
                   *p);
        return false;
    }
    *out = (int64_t)strtoull(p, &end, 0);
    *pp = end;
    return true;
}

/*
 * Apply one binary operator. The arithmetic wraps (unsigned), as a 64-bit register would:
 * the user may type anything, and signed overflow or INT64_MIN / -1 must not trap.
 */
static bool expr_apply(char op, int64_t *out, int64_t rhs, Error **errp)
{
    uint64_t a = (uint64_t)*out, b = (uint64_t)rhs;

    switch (op) {
    case '+':
        a += b;
        break;
    case '-':
        a -= b;
        break;
    case '|':
        a |= b;
        break;
    case '*':
        a *= b;
        break;
    case '&':
        a &= b;
        break;
    default: /* '/' */
        if (rhs == 0) {
            error_setg(errp, "division by zero");
            return false;
        }
        a = rhs == -1 ? 0 - a : (uint64_t)(*out / rhs);
    }
    *out = (int64_t)a;
    return true;
}

/* Operators by precedence, loosest first; below the last level come terms. */
static const char *const expr_levels[] = {"+-|", "*/&"};

static bool expr_binary(const char **pp, int64_t *out, unsigned level, Error **errp)
{
    int64_t rhs;

    if (level == ARRAY_SIZE(expr_levels)) {
        return expr_term(pp, out, errp);
    }
    if (!expr_binary(pp, out, level + 1, errp)) {
        return false;
    }
    for (;;) {
        const char *p = expr_next_op(*pp, expr_levels[level]);
        if (!p) {
            return true;
        }
        *pp = p + 1;
        if (!expr_binary(pp, &rhs, level + 1, errp) || !expr_apply(*p, out, rhs, errp)) {
            return false;
        }
    }
}

static bool expr_sum(const char **pp, int64_t *out, Error **errp)
{
    return expr_binary(pp, out, 0, errp);
}

/* One expression; it ends at a space that is not followed by an operator. */
bool hmp_expr(const char **pp, int64_t *out, Error **errp)
{
    return expr_sum(pp, out, errp);
}

/* ---- /fmt ---- */

typedef struct MemFormat {
    int count;
    char fmt;  /* x d u o c i */
    int wsize; /* 1 2 4 8 */
} MemFormat;

static bool parse_format(const char *text, MemFormat *f, Error **errp)
{
    const char *p = text ? text : "";

    *f = (MemFormat){.count = 1, .fmt = 'x', .wsize = 4};
    if (isdigit((unsigned char)*p)) {
        f->count = (int)strtol(p, (char **)&p, 10);
    }
    for (; *p; p++) {
        if (strchr("xduoci", *p)) {
            f->fmt = *p;
        } else if (strchr("bhwg", *p)) {
            f->wsize = *p == 'b' ? 1 : *p == 'h' ? 2 : *p == 'w' ? 4 : 8;
        } else {
            error_setg(errp, "invalid char in format: '%c'", *p);
            return false;
        }
    }
    if (f->fmt == 'c') {
        f->wsize = 1;
    }
    if (f->count <= 0 || f->count > 65536) {
        error_setg(errp, "invalid count %d", f->count);
        return false;
    }
    return true;
}

static void print_item(Monitor *mon, const MemFormat *f, uint64_t v)
{
    int bits = f->wsize * 8;

    switch (f->fmt) {
    case 'x':
        monitor_printf(mon, " 0x%0*" PRIx64, bits / 4, v);
        break;
    case 'o':
        monitor_printf(mon, " 0%0*" PRIo64, (bits + 2) / 3, v);
        break;
    case 'u':
        monitor_printf(mon, " %*" PRIu64, (bits * 10 + 32) / 33, v);
        break;
    case 'd':
        /* As QEMU: narrower items are loaded zero-extended, so only g shows a sign. */
        monitor_printf(mon, " %*" PRId64, (bits * 10 + 32) / 33, (int64_t)v);
        break;
    case 'c':
        if (v >= 0x20 && v < 0x7f && v != '\'' && v != '\\') {
            monitor_printf(mon, " '%c'", (int)v);
        } else {
            monitor_printf(mon, " '\\x%02x'", (unsigned)v);
        }
        break;
    }
}

static bool read_guest(bool physical, uint64_t addr, uint8_t *buf, uint64_t len)
{
    return physical ? monitor_read_phys(addr, buf, len, NULL)
                    : monitor_read_virt(0, addr, buf, len, NULL);
}

/* x/i, xp/i: count instructions, one a line, in QEMU's layout for the target. */
static void disas_dump(Monitor *mon, uint64_t addr, int count, bool physical)
{
    CPUState *cpu = first_cpu;
    CPUClass *cc = cpu ? CPU_GET_CLASS(cpu) : NULL;
    uint8_t buf[16]; /* the longest instruction of any target: x86's 15 bytes */
    char line[160];

    for (int i = 0; i < count; i++) {
        /* The last instruction may end at a page or RAM edge: try shorter reads. */
        size_t avail = sizeof(buf);
        while (avail && !read_guest(physical, addr, buf, avail)) {
            avail--;
        }
        int len = avail && cc && cc->disas_insn
                      ? cc->disas_insn(cpu, addr, buf, avail, line, sizeof(line))
                      : 0;
        if (len < 0) {
            monitor_printf(mon, "%s\n", line);
            return;
        }
        if (!len) {
            monitor_printf(mon, "0x%016" PRIx64 ":  %s\n", addr,
                           cc && cc->disas_insn ? "Cannot access memory"
                                                : "Asm output not supported on this arch");
            return;
        }
        monitor_printf(mon, "%s\n", line);
        addr += len;
    }
}

/* QEMU's memory_dump layout: 16 bytes a line (8 for bytes), "ADDR:" then the items. */
static json_object *memory_dump(Monitor *mon, json_object *args, bool physical, Error **errp)
{
    MemFormat f;
    uint64_t addr = json_object_get_int64(json_object_object_get(args, "addr"));
    json_object *fmt = json_object_object_get(args, "fmt");
    uint8_t buf[16];

    if (!parse_format(fmt ? json_object_get_string(fmt) : NULL, &f, errp)) {
        return NULL;
    }
    if (f.fmt == 'i') {
        disas_dump(mon, addr, f.count, physical);
        return NULL;
    }
    int line_size = f.wsize == 1 ? 8 : 16;
    uint64_t len = (uint64_t)f.count * f.wsize;

    while (len > 0) {
        int n = (int)MIN((uint64_t)line_size, len);
        bool ok = read_guest(physical, addr, buf, n);
        monitor_printf(mon, "%016" PRIx64 ":", addr);
        if (!ok) {
            monitor_printf(mon, " Cannot access memory\n");
            break;
        }
        for (int i = 0; i < n; i += f.wsize) {
            uint64_t v = 0;
            memcpy(&v, buf + i, f.wsize); /* little-endian host and guest */
            print_item(mon, &f, v);
        }
        monitor_printf(mon, "\n");
        addr += n;
        len -= n;
    }
    return NULL;
}

static json_object *hmp_x(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    return memory_dump(ctx->mon, args, false, errp);
}

static json_object *hmp_xp(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    return memory_dump(ctx->mon, args, true, errp);
}

static json_object *hmp_print(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    MemFormat f;
    json_object *fmt = json_object_object_get(args, "fmt");
    uint64_t v = json_object_get_int64(json_object_object_get(args, "val"));

    if (!parse_format(fmt ? json_object_get_string(fmt) : NULL, &f, errp)) {
        return NULL;
    }
    switch (f.fmt) {
    case 'd':
        monitor_printf(ctx->mon, "%" PRId64 "\n", (int64_t)v);
        break;
    case 'u':
        monitor_printf(ctx->mon, "%" PRIu64 "\n", v);
        break;
    case 'o':
        monitor_printf(ctx->mon, "%#" PRIo64 "\n", v);
        break;
    case 'c':
        monitor_printf(ctx->mon, "'%c'\n", (int)(v & 0xff));
        break;
    default:
        monitor_printf(ctx->mon, "%#" PRIx64 "\n", v);
        break;
    }
    return NULL;
}

/* ---- info ---- */

static json_object *hmp_info_registers(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    CPUState *cpu;

    CPU_FOREACH (cpu) {
        FILE *f = monitor_fopen(ctx->mon, errp);

        if (!f) {
            return NULL;
        }
        fprintf(f, "\nCPU#%d\n", cpu->cpu_index);
        CPU_GET_CLASS(cpu)->dump_state(cpu, f);
        fclose(f);
        if (!json_object_object_get(args, "all")) {
            break; /* QEMU shows the current CPU; -a shows all */
        }
    }
    return NULL;
}

static json_object *hmp_info_mtree(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    FILE *f = monitor_fopen(ctx->mon, errp);

    if (!f) {
        return NULL;
    }
    /* -f: the flattened map, what the guest sees; else the region tree. */
    if (json_object_object_get(args, "flat")) {
        address_space_dump(address_space_memory(), f);
    } else {
        memory_region_dump_tree(address_space_memory(), f);
    }
    fclose(f);
    return NULL;
}

static json_object *hmp_info_pci(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    FILE *f = monitor_fopen(ctx->mon, errp);

    if (f) {
        pci_info_print_all(f);
        fclose(f);
    }
    return NULL;
}

static json_object *hmp_info_usb(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    FILE *f;

    if (!usb_bus_exists()) {
        error_setg(errp, "USB support not enabled");
        return NULL;
    }
    f = monitor_fopen(ctx->mon, errp);
    if (f) {
        usb_info_print_all(f);
        fclose(f);
    }
    return NULL;
}

typedef struct TreeWalk {
    Monitor *mon;
    int depth;
    bool devices_only;
    bool on_pci_bus; /* qtree: printing a PCI bus's devices */
} TreeWalk;

static void print_props(Monitor *mon, Object *obj, int depth)
{
    for (size_t i = 0; i < obj->klass->nprops; i++) {
        char *v = object_property_print(obj, obj->klass->props[i]->name, NULL);
        monitor_printf(mon, "%*s%s = \"%s\"\n", depth * 2 + 2, "", obj->klass->props[i]->name,
                       v ? v : "");
        free(v);
    }
}

static void tree_walk(Object *obj, void *opaque);

/* qtree: a PCI bus lists the devices plugged into it, wherever QOM keeps them (as QEMU). */
static void tree_walk_pci_bus(TreeWalk *w, PCIBus *bus)
{
    TreeWalk inner = *w;

    monitor_printf(w->mon, "%*sbus: %s\n%*s  type %s\n", w->depth * 2, "", pci_bus_name(bus),
                   w->depth * 2, "", TYPE_PCI_BUS);
    inner.depth++;
    inner.on_pci_bus = true;
    for (int devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        PCIDevice *dev = pci_bus_find_device(bus, devfn);
        if (dev) {
            tree_walk(OBJECT(dev), &inner);
        }
    }
}

static void tree_walk(Object *obj, void *opaque)
{
    TreeWalk *w = opaque;
    bool is_dev = object_dynamic_cast(obj, TYPE_DEVICE) != NULL;
    bool shown = !w->devices_only || is_dev;

    if (w->devices_only) {
        if (object_dynamic_cast(obj, TYPE_PCI_BUS)) {
            tree_walk_pci_bus(w, PCI_BUS(obj));
            return;
        }
        if (object_dynamic_cast(obj, TYPE_PCI_DEVICE) && !w->on_pci_bus) {
            return; /* shown under its bus */
        }
    }
    if (shown) {
        if (w->devices_only) {
            DeviceState *dev = DEVICE(obj);
            monitor_printf(w->mon, "%*sdev: %s, id \"%s\"\n", w->depth * 2, "",
                           object_get_typename(obj), dev->id ? dev->id : "");
            print_props(w->mon, obj, w->depth);
        } else {
            monitor_printf(w->mon, "%*s/%s (%s)\n", w->depth * 2, "", obj->name ? obj->name : "",
                           object_get_typename(obj));
        }
        w->depth++;
    }
    {
        TreeWalk inner = *w;
        inner.on_pci_bus = false;
        object_child_foreach(obj, tree_walk, &inner);
    }
    if (shown) {
        w->depth--;
    }
}

static json_object *hmp_info_qom_tree(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    TreeWalk w = {ctx->mon, 1, false, false};
    Object *root = object_resolve_path("/machine");

    if (root) {
        monitor_printf(ctx->mon, "/machine (%s)\n", object_get_typename(root));
        object_child_foreach(root, tree_walk, &w);
    }
    return NULL;
}

static json_object *hmp_info_qtree(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    TreeWalk w = {ctx->mon, 1, true, false};
    Object *root = object_resolve_path("/machine");

    monitor_printf(ctx->mon, "bus: main-system-bus\n  type System\n");
    if (root) {
        object_child_foreach(root, tree_walk, &w);
    }
    return NULL;
}

/* ---- help, gdbserver, log ---- */

static void help_list(Monitor *mon, const MonitorCommand *table, const char *only)
{
    for (const MonitorCommand *c = table; c->fn; c++) {
        if (c->hmp_name && (!only || !strcmp(only, c->hmp_name) ||
                            (!strcmp(only, "info") && !strncmp(c->hmp_name, "info ", 5)))) {
            monitor_printf(mon, "%s%s%s -- %s\n", c->hmp_name, c->params ? " " : "",
                           c->params ? c->params : "", c->help);
        }
    }
}

static json_object *hmp_help(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    json_object *name = json_object_object_get(args, "name");
    const char *only = name ? json_object_get_string(name) : NULL;

    for (int i = 0; monitor_tables[i]; i++) {
        help_list(ctx->mon, monitor_tables[i], only);
    }
    return NULL;
}

static json_object *hmp_gdbserver(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    json_object *dev = json_object_object_get(args, "device");
    const char *spec = dev ? json_object_get_string(dev) : "tcp::1234";

    /* As QEMU: "none" stops the stub; another device replaces the one listening. */
    gdbserver_stop();
    if (!strcmp(spec, "none")) {
        monitor_printf(ctx->mon, "Disabled gdbserver\n");
        return NULL;
    }
    if (gdbserver_start(spec, errp)) {
        monitor_printf(ctx->mon, "Waiting for gdb connection on device '%s'\n", spec);
    }
    return NULL;
}

static json_object *hmp_log(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    const char *items = json_object_get_string(json_object_object_get(args, "items"));

    if (!strcmp(items, "none")) {
        log_mask_enabled = 0;
        return NULL;
    }
    log_set_mask_str(items, errp);
    return NULL;
}

static json_object *hmp_logfile(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    log_set_file(json_object_get_string(json_object_object_get(args, "filename")), errp);
    return NULL;
}

const MonitorCommand hmp_commands[] = {
    {.hmp_name = "help",
     .args = "name:S?",
     .params = "[cmd]",
     .help = "show the help",
     .fn = hmp_help},
    {.hmp_name = "?", .args = "name:S?", .params = "[cmd]", .help = "same as help", .fn = hmp_help},
    {.hmp_name = "info registers",
     .args = "all:s?",
     .params = "[-a]",
     .help = "show the CPU registers (-a: every CPU)",
     .fn = hmp_info_registers,
     .quiesce = true},
    {.hmp_name = "info mtree",
     .args = "flat:s?",
     .params = "[-f]",
     .help = "show the memory map as the guest sees it",
     .fn = hmp_info_mtree},
    {.hmp_name = "info pci", .help = "show PCI info", .fn = hmp_info_pci},
    {.hmp_name = "info usb", .help = "show guest USB devices", .fn = hmp_info_usb},
    {.hmp_name = "info qtree", .help = "show the device tree", .fn = hmp_info_qtree},
    {.hmp_name = "info qom-tree", .help = "show the QOM composition tree", .fn = hmp_info_qom_tree},
    {.hmp_name = "x",
     .args = "fmt:/,addr:i",
     .params = "/fmt addr",
     .help = "virtual memory dump starting at addr",
     .fn = hmp_x,
     .quiesce = true},
    {.hmp_name = "xp",
     .args = "fmt:/,addr:i",
     .params = "/fmt addr",
     .help = "physical memory dump starting at addr",
     .fn = hmp_xp,
     .quiesce = true},
    {.hmp_name = "p",
     .args = "fmt:/,val:i",
     .params = "/fmt expr",
     .help = "print expression value (use $reg for CPU register access)",
     .fn = hmp_print},
    {.hmp_name = "print",
     .args = "fmt:/,val:i",
     .params = "/fmt expr",
     .help = "print expression value",
     .fn = hmp_print},
    {.hmp_name = "gdbserver",
     .args = "device:s?",
     .params = "[device]",
     .help = "start gdbserver on given device (default 'tcp::1234')",
     .fn = hmp_gdbserver},
    {.hmp_name = "log",
     .args = "items:s",
     .params = "item1[,...]",
     .help = "activate logging of the specified items (or none)",
     .fn = hmp_log},
    {.hmp_name = "logfile",
     .args = "filename:s",
     .params = "filename",
     .help = "output logs to 'filename'",
     .fn = hmp_logfile},
    {.fn = NULL},
};
