/*
 * The monitor core: monitors on chardevs, their buffered output, the
 * command-line options that create them, and the table lookups.
 *
 * Output never waits for a slow client: it goes out with char_fe_write, and
 * what the chardev does not take stays in the monitor's buffer until the
 * chardev calls back (char_fe_watch_writable). While output is pending the
 * monitor takes no new input (a client that never reads stops being served
 * instead of freezing the main loop). Only events can still queue up then;
 * past MONITOR_OUT_MAX they are dropped.
 */
#include <limits.h>
#include <stdarg.h>

#include "hw/core/cpu.h"
#include "monitor-internal.h"
#include "system/cpus.h"
#include "system/memory.h"
#include "util/main-loop.h"
#include "util/option.h"

static Monitor *monitors;

Monitor *monitor_list(void)
{
    return monitors;
}

/* ---- output ---- */

static void monitor_flush(Monitor *mon);

static void monitor_writable(void *opaque)
{
    monitor_flush(opaque);
}

/* Write what the chardev takes now; wait for it to say it can take the rest. */
static void monitor_flush(Monitor *mon)
{
    int n;

    if (!mon->out_len || !mon->be.chr) {
        mon->out_len = 0;
        return;
    }
    n = char_fe_write(&mon->be, (const uint8_t *)mon->out, (int)MIN(mon->out_len, INT_MAX));
    if (n < 0) {
        n = (int)mon->out_len; /* the host sink failed: nothing will take it */
    }
    memmove(mon->out, mon->out + n, mon->out_len - n);
    mon->out_len -= n;
    if (mon->out_len) {
        char_fe_watch_writable(&mon->be, monitor_writable, mon);
    } else {
        /* Room again: input held back by can_receive may flow. */
        char_fe_accept_input(&mon->be);
    }
}

static void monitor_append(Monitor *mon, const char *buf, size_t len)
{
    if (mon->capture) {
        mon->capture = xrealloc(mon->capture, mon->capture_len + len + 1);
        memcpy(mon->capture + mon->capture_len, buf, len);
        mon->capture_len += len;
        mon->capture[mon->capture_len] = '\0';
        return;
    }
    if (!mon->connected) {
        return;
    }
    if (mon->out_len + len > MONITOR_OUT_MAX) {
        return; /* a client that stopped reading long ago */
    }
    if (mon->out_len + len > mon->out_cap) {
        mon->out_cap = MAX(mon->out_cap * 2, mon->out_len + len);
        mon->out = xrealloc(mon->out, mon->out_cap);
    }
    memcpy(mon->out + mon->out_len, buf, len);
    mon->out_len += len;
}

void monitor_write(Monitor *mon, const char *buf, size_t len)
{
    bool was_pending = mon->out_len > 0;

    monitor_append(mon, buf, len);
    if (!was_pending && !mon->capture) {
        monitor_flush(mon);
    }
}

/* HMP text: terminals in raw mode need \r\n; QEMU's HMP output has it everywhere. */
static void monitor_put_text(Monitor *mon, const char *text, size_t len)
{
    size_t start = 0;

    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n') {
            monitor_write(mon, text + start, i - start);
            monitor_write(mon, "\r\n", 2);
            start = i + 1;
        }
    }
    monitor_write(mon, text + start, len - start);
}

void monitor_printf(Monitor *mon, const char *fmt, ...)
{
    va_list ap;
    char *text;
    int len;

    va_start(ap, fmt);
    len = vasprintf(&text, fmt, ap);
    va_end(ap);
    if (len < 0) {
        return;
    }
    monitor_put_text(mon, text, len);
    free(text);
}

static ssize_t monitor_stream_write(void *mon, const char *buf, size_t size)
{
    monitor_put_text(mon, buf, size);
    return size;
}

FILE *monitor_fopen(Monitor *mon, Error **errp)
{
    FILE *f = fopencookie(mon, "w", (cookie_io_functions_t){.write = monitor_stream_write});

    if (!f) {
        error_setg(errp, "out of memory");
    }
    return f;
}

void monitor_flush_all(void)
{
    for (Monitor *mon = monitors; mon; mon = mon->next) {
        monitor_flush(mon);
        if (mon->out_len && mon->be.chr) {
            /* At exit: the chardev's bounded queue takes the rest, flushed with a time limit. */
            char_fe_watch_writable(&mon->be, NULL, NULL);
            char_fe_write_all(&mon->be, (const uint8_t *)mon->out,
                              (int)MIN(mon->out_len, CHR_OUT_QUEUE_SIZE));
            mon->out_len = 0;
        }
    }
}

Monitor *monitor_capture_begin(void)
{
    Monitor *mon = xzalloc(sizeof(*mon));

    mon->capture = xzalloc(1);
    return mon;
}

char *monitor_capture_end(Monitor *mon)
{
    char *text = mon->capture;

    free(mon);
    return text;
}

/* ---- chardev frontend ---- */

static int monitor_can_receive(void *opaque)
{
    Monitor *mon = opaque;

    /* Replies still waiting for the client: read nothing more from it yet. */
    return mon->out_len ? 0 : (mon->qmp ? 4096 : 1);
}

static void monitor_receive(void *opaque, const uint8_t *buf, int size)
{
    Monitor *mon = opaque;

    if (mon->qmp) {
        qmp_receive(mon, buf, size);
    } else {
        hmp_receive(mon, buf, size);
    }
}

static void monitor_chr_event(void *opaque, CharEvent event)
{
    Monitor *mon = opaque;

    if (event == CHR_EVENT_OPENED) {
        mon->connected = true;
    } else if (event == CHR_EVENT_CLOSED) {
        mon->connected = false;
        mon->out_len = 0; /* for the client that went; the next one starts afresh */
        char_fe_watch_writable(&mon->be, NULL, NULL);
    }
    if (mon->qmp) {
        qmp_event(mon, event);
    } else {
        hmp_event(mon, event);
    }
}

bool monitor_new(Chardev *chr, bool control, bool pretty, Error **errp)
{
    Monitor *mon = xzalloc(sizeof(*mon));
    Monitor **link = &monitors;

    if (!char_fe_init(&mon->be, chr, errp)) {
        free(mon);
        return false;
    }
    mon->qmp = control;
    mon->pretty = pretty;
    while (*link) {
        link = &(*link)->next;
    }
    *link = mon;
    char_fe_set_handlers(&mon->be, monitor_can_receive, monitor_receive, mon);
    char_fe_set_event_handler(&mon->be, monitor_chr_event);
    return true;
}

/* ---- command-line options ---- */

static int monitor_chardev_count;

/* -monitor/-qmp DEV: a chardev of our own (QEMU calls them compat_monitorN). */
static bool monitor_add_spec(const char *spec, bool control, bool pretty, Error **errp)
{
    char label[32];
    Chardev *chr;

    if (!strcmp(spec, "none")) {
        return true;
    }
    snprintf(label, sizeof(label), "compat_monitor%d", monitor_chardev_count++);
    chr = chardev_new_from_spec(label, spec, errp);
    return chr && monitor_new(chr, control, pretty, errp);
}

/* -mon chardev=ID[,mode=readline|control][,pretty=on|off] */
static bool monitor_add_mon(const char *arg, Error **errp)
{
    KeyValueList kv;
    const char *id, *mode, *pretty_s;
    bool pretty = false, ok = false;
    Chardev *chr;

    if (!keyval_parse(arg, "chardev", &kv, errp)) {
        return false;
    }
    id = keyval_get(&kv, "chardev");
    mode = keyval_get(&kv, "mode");
    pretty_s = keyval_get(&kv, "pretty");
    for (int i = 0; i < kv.count; i++) {
        const char *k = kv.items[i].key;
        if (strcmp(k, "chardev") && strcmp(k, "mode") && strcmp(k, "pretty")) {
            error_setg(errp, "-mon %s: invalid parameter '%s'", arg, k);
            goto out;
        }
    }
    if (!id) {
        error_setg(errp, "-mon %s: parameter 'chardev' is missing", arg);
    } else if (!(chr = chardev_find(id))) {
        error_setg(errp, "-mon %s: chardev \"%s\" not found", arg, id);
    } else if (mode && strcmp(mode, "readline") && strcmp(mode, "control")) {
        error_setg(errp, "-mon %s: unknown monitor mode \"%s\"", arg, mode);
    } else if (pretty_s && !parse_bool(pretty_s, &pretty)) {
        error_setg(errp, "-mon %s: pretty expects on or off", arg);
    } else {
        ok = monitor_new(chr, mode && !strcmp(mode, "control"), pretty, errp);
    }
out:
    keyval_free(&kv);
    return ok;
}

bool monitor_add_opt(MonitorOptKind kind, const char *arg, Error **errp)
{
    switch (kind) {
    case MONITOR_OPT_HMP:
        return monitor_add_spec(arg, false, false, errp);
    case MONITOR_OPT_QMP:
        return monitor_add_spec(arg, true, false, errp);
    case MONITOR_OPT_QMP_PRETTY:
        return monitor_add_spec(arg, true, true, errp);
    case MONITOR_OPT_MON:
        return monitor_add_mon(arg, errp);
    }
    return false;
}

/* ---- the command table ---- */

static const MonitorCommand *find_in(const MonitorCommand *table, const char *name, bool qmp)
{
    for (const MonitorCommand *c = table; c->fn; c++) {
        const char *n = qmp ? c->name : c->hmp_name;
        if (n && !strcmp(n, name)) {
            return c;
        }
    }
    return NULL;
}

const MonitorCommand *const monitor_tables[] = {
    monitor_commands, hmp_commands, hmp_machine_commands, snapshot_commands, ui_commands,
    block_commands,   NULL};

static const MonitorCommand *find_in_all(const char *name, bool qmp)
{
    for (int i = 0; monitor_tables[i]; i++) {
        const MonitorCommand *c = find_in(monitor_tables[i], name, qmp);
        if (c) {
            return c;
        }
    }
    return NULL;
}

const MonitorCommand *monitor_find_qmp(const char *name)
{
    return find_in_all(name, true);
}

const MonitorCommand *monitor_find_hmp(const char *name)
{
    return find_in_all(name, false);
}

json_object *monitor_run(const MonitorCommand *cmd, MonitorCmdCtx *ctx, json_object *args,
                         Error **errp)
{
    json_object *ret;

    /* The vCPUs stop at a block boundary: registers and memory hold still while we look. */
    if (cmd->quiesce) {
        cpus_exclusive_begin();
    }
    ret = cmd->fn(ctx, args, errp);
    if (cmd->quiesce) {
        cpus_exclusive_end();
    }
    return ret;
}

/* ---- guest memory for x/xp/memsave/pmemsave ---- */

bool monitor_read_phys(uint64_t addr, void *buf, uint64_t len, Error **errp)
{
    FlatView *view = address_space_get_flatview(address_space_memory());
    uint8_t *p = buf;

    /* Range by range: RAM and ROM only, so reading never pokes a device register. */
    while (len) {
        const FlatRange *fr = flatview_lookup(view, addr);
        uint64_t chunk;

        if (!fr || !(memory_region_is_ram(fr->mr) || memory_region_is_rom(fr->mr))) {
            error_setg(errp, "Invalid addr 0x%016" PRIx64 "/size %" PRIu64 " specified", addr, len);
            return false;
        }
        chunk = MIN(len, fr->addr + fr->size - addr);
        memcpy(p,
               (uint8_t *)memory_region_get_ram_ptr(fr->mr) + fr->offset_in_region +
                   (addr - fr->addr),
               chunk);
        addr += chunk;
        p += chunk;
        len -= chunk;
    }
    return true;
}

/* Virtual addresses as the vCPU sees them now, page by page, then as physical ones. */
bool monitor_read_virt(int cpu_index, uint64_t addr, void *buf, uint64_t len, Error **errp)
{
    CPUState *cpu = cpu_by_index(cpu_index);
    CPUClass *cc = cpu ? CPU_GET_CLASS(cpu) : NULL;
    uint8_t *p = buf;

    if (!cc || !cc->get_phys_addr_debug) {
        error_setg(errp, "No CPU available");
        return false;
    }
    while (len) {
        uint64_t chunk = MIN(len, 4096 - (addr & 4095));
        hwaddr pa = cc->get_phys_addr_debug(cpu, addr);

        if (pa == (hwaddr)-1 || !monitor_read_phys(pa, p, chunk, NULL)) {
            error_setg(errp, "Invalid addr 0x%016" PRIx64 "/size %" PRIu64 " specified", addr, len);
            return false;
        }
        addr += chunk;
        p += chunk;
        len -= chunk;
    }
    return true;
}
