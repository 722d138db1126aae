/*
 * The abstract machine type: what every board shares (RAM size, firmware,
 * kernel, device tree options, CPU topology) and the board-init sequence.
 * Board types subclass TYPE_MACHINE as "<name>-machine".
 */
#include <inttypes.h>

#include "hw/core/boards.h"

#include <errno.h>
#include <libfdt.h>

#include "hw/core/numa.h"
#include "system/hostmem.h"
#include "util/main-loop.h"

MachineState *current_machine;

static void find_by_name(ObjectClass *oc, void *opaque)
{
    struct {
        const char *name;
        MachineClass *found;
    } *q = opaque;
    MachineClass *mc = MACHINE_CLASS(oc);

    if (mc->name && !strcmp(mc->name, q->name)) {
        q->found = mc;
    }
}

static void find_default(ObjectClass *oc, void *opaque)
{
    MachineClass **found = opaque;

    if (MACHINE_CLASS(oc)->is_default) {
        *found = MACHINE_CLASS(oc);
    }
}

MachineClass *machine_find_class(const char *name)
{
    struct {
        const char *name;
        MachineClass *found;
    } q = {name, NULL};

    if (!name) {
        object_class_foreach(TYPE_MACHINE, false, find_default, &q.found);
    } else {
        object_class_foreach(TYPE_MACHINE, false, find_by_name, &q);
    }
    return q.found;
}

static void print_one(ObjectClass *oc, void *opaque)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    fprintf(opaque, "%-20s %s%s\n", mc->name, mc->desc ? mc->desc : "",
            mc->is_default ? " (default)" : "");
}

void machine_print_help(FILE *out)
{
    fprintf(out, "Supported machines are:\n");
    object_class_foreach(TYPE_MACHINE, false, print_one, out);
}

/*
 * Fill the omitted topology fields as QEMU 7.2 does for a machine that prefers cores (every
 * unversioned board since 6.2): with no count at all everything is 1; otherwise maxcpus
 * defaults to cpus, sockets and threads to 1 when cores is the one missing, and the missing
 * field is maxcpus divided (rounding down) by the others. Then the product must equal maxcpus
 * exactly, so "-smp 3,sockets=2" is refused as QEMU refuses it. Every product is taken in 64
 * bits: each field is below 2^32, so sockets * cores * threads cannot wrap there, while in 32
 * bits it can (264 * 4016 * 4051 wraps to 128), which would let an impossible topology through.
 */
static bool machine_smp_fixup(MachineState *ms, MachineClass *mc, Error **errp)
{
    CpuTopology *t = &ms->smp;
    uint64_t sockets = t->sockets, cores = t->cores, threads = t->threads;
    uint64_t cpus = t->cpus, max_cpus = t->max_cpus, product;

    if (!cpus && !max_cpus) {
        sockets = sockets ? sockets : 1;
        cores = cores ? cores : 1;
        threads = threads ? threads : 1;
    } else {
        max_cpus = max_cpus ? max_cpus : cpus;
        if (!cores) {
            sockets = sockets ? sockets : 1;
            threads = threads ? threads : 1;
            cores = max_cpus / (sockets * threads);
        } else if (!sockets) {
            threads = threads ? threads : 1;
            sockets = max_cpus / (cores * threads);
        }
        if (!threads) {
            threads = max_cpus / (sockets * cores);
        }
    }
    product = sockets * cores * threads;
    max_cpus = max_cpus ? max_cpus : product;
    cpus = cpus ? cpus : max_cpus;
    if (product != max_cpus) {
        error_setg(errp,
                   "Invalid CPU topology: product of the hierarchy must match maxcpus: "
                   "sockets (%" PRIu64 ") * cores (%" PRIu64 ") * threads (%" PRIu64
                   ") != maxcpus (%" PRIu64 ")",
                   sockets, cores, threads, max_cpus);
        return false;
    }
    if (cpus > max_cpus) {
        error_setg(errp,
                   "Invalid CPU topology: maxcpus must be equal to or greater than smp: "
                   "sockets (%" PRIu64 ") * cores (%" PRIu64 ") * threads (%" PRIu64
                   ") == maxcpus (%" PRIu64 ") < smp_cpus (%" PRIu64 ")",
                   sockets, cores, threads, max_cpus, cpus);
        return false;
    }
    if (max_cpus > mc->max_cpus) {
        error_setg(errp,
                   "Invalid SMP CPUs %" PRIu64 ". The max CPUs supported by machine '%s' is %u",
                   max_cpus, mc->name, mc->max_cpus);
        return false;
    }
    /* Now all bounded by mc->max_cpus, so they fit the unsigned fields. */
    *t = (CpuTopology){cpus, sockets, cores, threads, max_cpus};
    return true;
}

/*
 * -machine memory-backend=ID: the backend's memory is the RAM, and without -m its size is
 * the RAM size (as QEMU's qemu_resolve_machine_memdev); with -m the two must agree.
 */
static bool machine_use_memory_backend(MachineState *ms, Error **errp)
{
    HostMemoryBackend *b;

    if (ms->numa && numa_uses_memdev(ms->numa)) {
        error_setg(errp, "'-machine memory-backend' and '-numa memdev' properties are "
                         "mutually exclusive");
        return false;
    }
    b = host_memory_backend_claim(ms->memory_backend, errp);
    if (!b) {
        return false;
    }
    if (!ms->ram_size_given) {
        ms->ram_size = b->size;
    } else if (b->size != ms->ram_size) {
        error_setg(errp, "Machine memory size does not match the size of the memory backend");
        return false;
    }
    memory_region_init_alias(&ms->ram, MACHINE_GET_CLASS(ms)->default_ram_id, &b->mr, 0, b->size);
    return true;
}

/* Guest RAM: a memory backend, the NUMA nodes' backends, or anonymous memory. */
static bool machine_init_ram(MachineState *ms, Error **errp)
{
    if (ms->memory_backend) {
        return machine_use_memory_backend(ms, errp);
    }
    if (ms->numa && numa_uses_memdev(ms->numa)) {
        return numa_init_ram(ms, errp);
    }
    return memory_region_init_ram(&ms->ram, MACHINE_GET_CLASS(ms)->default_ram_id, ms->ram_size,
                                  errp);
}

bool machine_run_board_init(MachineState *ms, Error **errp)
{
    MachineClass *mc = MACHINE_GET_CLASS(ms);

    ms->ram_size_given = ms->ram_size != 0;
    if (!ms->ram_size) {
        ms->ram_size = mc->default_ram_size;
    }
    if (!machine_smp_fixup(ms, mc, errp)) {
        return false;
    }
    if (!ms->cpu_type) {
        ms->cpu_type = xstrdup(mc->default_cpu_type);
    }
    if ((ms->numa && !numa_complete(ms, errp)) || !machine_init_ram(ms, errp)) {
        return false;
    }
    current_machine = ms;
    return mc->init(ms, errp);
}

void machine_add_init_done_notifier(MachineState *ms, MachineInitDoneNotifier *n)
{
    MachineInitDoneNotifier **link = &ms->init_done_notifiers;

    while (*link) {
        link = &(*link)->next;
    }
    n->next = NULL;
    *link = n;
}

bool machine_run_init_done_notifiers(MachineState *ms, Error **errp)
{
    for (MachineInitDoneNotifier *n = ms->init_done_notifiers; n; n = n->next) {
        if (!n->notify(n, ms, errp)) {
            return false;
        }
    }
    return true;
}

bool machine_dump_dtb(MachineState *ms, Error **errp)
{
    FILE *f;
    size_t size;

    if (!ms->fdt) {
        error_setg(errp, "dumpdtb=%s: this machine has no device tree", ms->dumpdtb);
        return false;
    }
    size = fdt_totalsize(ms->fdt);
    f = fopen(ms->dumpdtb, "wb");
    if (!f) {
        error_setg_errno(errp, errno, "dumpdtb=%s: cannot open for writing", ms->dumpdtb);
        return false;
    }
    if (fwrite(ms->fdt, 1, size, f) != size) {
        error_setg_errno(errp, errno, "dumpdtb=%s: cannot write", ms->dumpdtb);
        fclose(f);
        return false;
    }
    if (fclose(f) != 0) {
        error_setg_errno(errp, errno, "dumpdtb=%s: cannot write", ms->dumpdtb);
        return false;
    }
    return true;
}

static void machine_finalize(Object *obj)
{
    MachineState *ms = MACHINE(obj);

    free(ms->cpu_type);
    free(ms->fdt);
    numa_free(ms->numa);
}

static const Property machine_props[] = {
    DEFINE_PROP_STRING("firmware", MachineState, firmware),
    DEFINE_PROP_STRING("kernel", MachineState, kernel_filename),
    DEFINE_PROP_STRING("initrd", MachineState, initrd_filename),
    DEFINE_PROP_STRING("append", MachineState, kernel_cmdline),
    DEFINE_PROP_STRING("dtb", MachineState, dtb),
    DEFINE_PROP_STRING("dumpdtb", MachineState, dumpdtb),
    DEFINE_PROP_BOOL("usb", MachineState, usb, false),
    DEFINE_PROP_SIZE("memory-size", MachineState, ram_size, 0),
    DEFINE_PROP("memory-backend", PROP_STRING, MachineState, memory_backend,
                .description = "id of the -object memory-backend-* holding the RAM"),
    DEFINE_PROP_END,
};

static void machine_class_init(ObjectClass *oc, void *data)
{
    object_class_add_props(oc, machine_props);
}

static const TypeInfo machine_info = {
    .name = TYPE_MACHINE,
    .parent = TYPE_OBJECT,
    .abstract = true,
    .instance_size = sizeof(MachineState),
    .class_size = sizeof(MachineClass),
    .class_init = machine_class_init,
    .instance_finalize = machine_finalize,
};

static void machine_register_types(void)
{
    type_register_static(&machine_info);
}

type_init(machine_register_types)
