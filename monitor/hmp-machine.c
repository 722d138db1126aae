/*
 * Monitor commands that look at or poke the machine beyond the CPU: info roms,
 * info network, info irq, info mem, info jit and nmi/inject-nmi
 * (sendkey is in ui-cmds.c, with the input layer). Formats follow QEMU 7.2's
 * riscv build: "addr=... size=... mem=... name=..." for roms; NICs with their
 * netdev under " \ " for network; "vaddr paddr size attr" for mem.
 */
#include <inttypes.h>

#include "accel/tcg/tb.h"
#include "hw/core/cpu.h"
#include "hw/core/qdev.h"
#include "monitor-internal.h"
#include "net/net.h"
#include "system/memory.h"
#include "system/rom-list.h"

/* ---- info roms ---- */

static void print_rom(const char *name, hwaddr addr, uint64_t size, void *opaque)
{
    const FlatRange *fr = flatview_lookup(address_space_get_flatview(address_space_memory()), addr);
    bool rom = fr && memory_region_is_rom(fr->mr);

    monitor_printf(opaque, "addr=%016" PRIx64 " size=0x%06" PRIx64 " mem=%s name=\"%s\"\n", addr,
                   size, rom ? "rom" : "ram", name);
}

static json_object *hmp_info_roms(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    rom_list_foreach(print_rom, ctx->mon);
    return NULL;
}

/* ---- info network ---- */

typedef struct NetworkListing {
    Monitor *mon;
    int unnamed_nics; /* QEMU names a NIC without id "MODEL.N" */
} NetworkListing;

static void print_client(Monitor *mon, const char *prefix, const char *name, NetClientState *nc)
{
    const char *type = nc->info->kind == NET_CLIENT_NIC ? "nic" : nc->info->type;

    monitor_printf(mon, "%s%s: index=0,type=%s,%s\n", prefix, name, type, nc->info_str);
}

/* QEMU lists netdevs without a NIC first, then each NIC with its netdev below it. */
static void print_lonely_netdev(NetClientState *nc, void *opaque)
{
    NetworkListing *l = opaque;

    if (!nc->peer) {
        print_client(l->mon, "", nc->name, nc);
    }
}

static void print_nic_pair(NetClientState *nc, void *opaque)
{
    NetworkListing *l = opaque;
    NetClientState *nic = nc->peer;

    if (!nic) {
        return;
    }
    if (!strcmp(nic->name, nic->info->type)) {
        char *name = xasprintf("%s.%d", nic->name, l->unnamed_nics++);
        print_client(l->mon, "", name, nic);
        free(name);
    } else {
        print_client(l->mon, "", nic->name, nic);
    }
    print_client(l->mon, " \\ ", nc->name, nc);
}

static json_object *hmp_info_network(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    NetworkListing l = {ctx->mon, 0};

    net_foreach_netdev(print_lonely_netdev, &l);
    net_foreach_netdev(print_nic_pair, &l);
    return NULL;
}

/* ---- info irq ---- */

static void print_irq_stats(Object *obj, void *opaque)
{
    DeviceState *dev = object_dynamic_cast(obj, TYPE_DEVICE) ? DEVICE(obj) : NULL;
    DeviceClass *dc = dev ? DEVICE_GET_CLASS(dev) : NULL;
    const uint64_t *counts;
    unsigned n;

    if (dc && dc->get_irq_stats) {
        dc->get_irq_stats(dev, &counts, &n);
        monitor_printf(opaque, "IRQ statistics for %s:\n", object_get_typename(obj));
        for (unsigned i = 0; i < n; i++) {
            if (counts[i]) {
                monitor_printf(opaque, "%2u: %" PRIu64 "\n", i, counts[i]);
            }
        }
    }
    object_child_foreach(obj, print_irq_stats, opaque);
}

/* QEMU's format: per interrupt controller, the lines that were requested and how often. */
static json_object *hmp_info_irq(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    Object *root = object_resolve_path("/machine");

    if (root) {
        object_child_foreach(root, print_irq_stats, ctx->mon);
    }
    return NULL;
}

/* ---- info mem ---- */

static json_object *hmp_info_mem(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    CPUClass *cc = first_cpu ? CPU_GET_CLASS(first_cpu) : NULL;
    FILE *f;

    if (!cc || !cc->dump_mappings) {
        error_setg(errp, "this feature or command is not currently supported");
        return NULL;
    }
    f = monitor_fopen(ctx->mon, errp);
    if (f) {
        cc->dump_mappings(first_cpu, f);
        fclose(f);
    }
    return NULL;
}

/* ---- info jit ---- */

/* QEMU's "info jit" layout for what our engine has: blocks, arenas, flushes. */
static json_object *hmp_info_jit(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    TBStats st;

    tb_get_stats(&st);
    monitor_printf(ctx->mon, "Translation buffer state:\n");
    monitor_printf(ctx->mon, "engine              %s\n", st.jit_size ? "jit" : "interpreter");
    monitor_printf(ctx->mon, "gen code size       %zu/%zu\n", st.jit_used, st.jit_size);
    monitor_printf(ctx->mon, "block arena size    %zu/%zu\n", st.arena_used, st.arena_size);
    monitor_printf(ctx->mon, "TB count            %zu\n", st.blocks);
    monitor_printf(ctx->mon, "TB avg target size  %zu max=%zu bytes\n",
                   st.blocks ? st.guest_bytes / st.blocks : 0, st.max_bytes);
    monitor_printf(ctx->mon, "\nStatistics:\n");
    monitor_printf(ctx->mon, "TB flush count      %u\n", st.flushes);
    return NULL;
}

/* ---- nmi ---- */

/* QEMU 7.2's riscv machines have no NMI to inject: they answer this error (HMP and QMP). */
static json_object *cmd_inject_nmi(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    error_setg(errp, "this feature or command is not currently supported");
    return NULL;
}

const MonitorCommand hmp_machine_commands[] = {
    {.hmp_name = "info roms", .help = "show roms", .fn = hmp_info_roms},
    {.hmp_name = "info network", .help = "show the network state", .fn = hmp_info_network},
    {.hmp_name = "info mem",
     .help = "show the active virtual memory mappings",
     .fn = hmp_info_mem,
     .quiesce = true},
    {.hmp_name = "info irq", .help = "show the interrupts statistics", .fn = hmp_info_irq},
    {.hmp_name = "info jit", .help = "show dynamic compiler info", .fn = hmp_info_jit},
    {.name = "inject-nmi", .hmp_name = "nmi", .help = "inject an NMI", .fn = cmd_inject_nmi},
    {.fn = NULL},
};
