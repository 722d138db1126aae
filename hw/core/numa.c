/*
 * NUMA nodes from -numa (include/hw/core/numa.h): parsing, the checks QEMU 7.2 makes (with
 * its messages), hart and memory assignment, and the distance table.
 */
#include "hw/core/numa.h"

#include <inttypes.h>

#include "system/hostmem.h"
#include "util/option.h"

static NumaState *numa_state(MachineState *ms)
{
    if (!ms->numa) {
        ms->numa = xzalloc(sizeof(*ms->numa));
    }
    return ms->numa;
}

static bool check_known_keys(const KeyValueList *kv, const char *const *known, Error **errp)
{
    for (int i = 0; i < kv->count; i++) {
        const char *const *k = known;
        while (*k && strcmp(*k, kv->items[i].key)) {
            k++;
        }
        if (!*k) {
            error_setg(errp, "Invalid parameter '%s'", kv->items[i].key);
            return false;
        }
    }
    return true;
}

static bool numa_get_uint(const KeyValueList *kv, const char *key, uint64_t *out, Error **errp)
{
    const char *v = keyval_get(kv, key);

    if (v && !parse_uint(v, out)) {
        error_setg(errp, "Parameter '%s' expects uint%s", key, strcmp(key, "val") ? "16" : "8");
        return false;
    }
    return true;
}

/* One cpus= value "A" or "A-B": checked now against maxcpus, applied at numa_complete. */
static bool numa_check_cpus(const char *v, unsigned max_cpus, Error **errp)
{
    uint64_t first, last;
    char *dash = strchr(v, '-');
    char *a = dash ? xasprintf("%.*s", (int)(dash - v), v) : xstrdup(v);
    bool ok = parse_uint(a, &first) && (!dash || parse_uint(dash + 1, &last));

    free(a);
    if (!dash) {
        last = first;
    }
    if (!ok || last < first) {
        error_setg(errp, "Parameter 'cpus' expects a uint64 value or range");
        return false;
    }
    if (last >= max_cpus) {
        error_setg(errp, "CPU index (%" PRIu64 ") should be smaller than maxcpus (%u)", last,
                   max_cpus);
        return false;
    }
    return true;
}

static bool numa_add_node(MachineState *ms, const KeyValueList *kv, Error **errp)
{
    static const char *const known[] = {"type", "nodeid", "cpus", "mem", "memdev", NULL};
    NumaState *numa = numa_state(ms);
    uint64_t id = numa->num_nodes, mem = 0;
    NumaNode *node;

    if (!check_known_keys(kv, known, errp) || !numa_get_uint(kv, "nodeid", &id, errp)) {
        return false;
    }
    if (id >= MAX_NODES) {
        error_setg(errp, "Max number of NUMA nodes reached: %" PRIu64, id);
        return false;
    }
    node = &numa->nodes[id];
    if (node->present) {
        error_setg(errp, "Duplicate NUMA nodeid: %" PRIu64, id);
        return false;
    }
    if (keyval_get(kv, "mem") && keyval_get(kv, "memdev")) {
        error_setg(errp, "numa configuration should use either mem= or memdev=,mixing both is "
                         "not allowed");
        return false;
    }
    for (uint64_t i = 0; i < id; i++) {
        NumaNode *other = &numa->nodes[i];
        if (other->present && (keyval_get(kv, "mem") ? other->memdev_id != NULL
                                                     : keyval_get(kv, "memdev") &&
                                                           other->node_mem && !other->memdev_id)) {
            error_setg(errp, "numa configuration should use either mem= or memdev=,mixing both "
                             "is not allowed");
            return false;
        }
    }
    if (keyval_get(kv, "mem")) {
        if (!parse_size(keyval_get(kv, "mem"), MiB, &mem)) {
            error_setg(errp, "Parameter 'mem' expects a size");
            return false;
        }
        warn_report("Parameter -numa node,mem is deprecated, use -numa node,memdev instead");
        node->node_mem = mem;
    }
    for (int i = 0; i < kv->count; i++) {
        const char *v = kv->items[i].value;
        if (strcmp(kv->items[i].key, "cpus")) {
            continue;
        }
        if (!numa_check_cpus(v, MAX(1u, ms->smp.max_cpus ? ms->smp.max_cpus : ms->smp.cpus),
                             errp)) {
            return false;
        }
        char *joined = node->cpus ? xasprintf("%s,%s", node->cpus, v) : xstrdup(v);
        free(node->cpus);
        node->cpus = joined;
    }
    node->memdev_id = keyval_get(kv, "memdev") ? xstrdup(keyval_get(kv, "memdev")) : NULL;
    node->present = true;
    numa->num_nodes++;
    return true;
}

static bool numa_add_dist(MachineState *ms, const KeyValueList *kv, Error **errp)
{
    static const char *const known[] = {"type", "src", "dst", "val", NULL};
    NumaState *numa = numa_state(ms);
    uint64_t src = UINT64_MAX, dst = UINT64_MAX, val = 0;

    if (!check_known_keys(kv, known, errp) || !numa_get_uint(kv, "src", &src, errp) ||
        !numa_get_uint(kv, "dst", &dst, errp) || !numa_get_uint(kv, "val", &val, errp)) {
        return false;
    }
    if (src >= MAX_NODES || dst >= MAX_NODES) {
        error_setg(errp, "Parameter '%s' expects an integer between 0 and %d",
                   src >= MAX_NODES ? "src" : "dst", MAX_NODES - 1);
        return false;
    }
    if (!numa->nodes[src].present || !numa->nodes[dst].present) {
        error_setg(errp, "Source/Destination NUMA node is missing. Please use '-numa node' "
                         "option to declare it first.");
        return false;
    }
    if (val < NUMA_DISTANCE_MIN || val > UINT8_MAX) {
        error_setg(errp, "NUMA distance (%" PRIu64 ") is invalid, it shouldn't be less than %d.",
                   val, NUMA_DISTANCE_MIN);
        return false;
    }
    if (src == dst && val != NUMA_DISTANCE_MIN) {
        error_setg(errp, "Local distance of node %" PRIu64 " should be %d.", src,
                   NUMA_DISTANCE_MIN);
        return false;
    }
    numa->distance[src][dst] = val;
    numa->have_distance = true;
    return true;
}

bool numa_add_option(MachineState *ms, const char *arg, Error **errp)
{
    KeyValueList kv;
    const char *type;
    bool ok;

    if (!keyval_parse_repeatable(arg, "type", &kv, errp)) {
        error_prepend(errp, "-numa %s: ", arg);
        return false;
    }
    type = keyval_get(&kv, "type");
    if (type && !strcmp(type, "node")) {
        ok = numa_add_node(ms, &kv, errp);
    } else if (type && !strcmp(type, "dist")) {
        ok = numa_add_dist(ms, &kv, errp);
    } else {
        error_setg(errp, "Parameter 'type' does not accept value '%s'", type ? type : "");
        ok = false;
    }
    keyval_free(&kv);
    if (!ok) {
        error_prepend(errp, "-numa %s: ", arg);
    }
    return ok;
}

/* cpus= lists, then the default for harts no list names. */
static void numa_assign_cpus(MachineState *ms, NumaState *numa)
{
    unsigned n = ms->smp.max_cpus, per_node = MAX(1u, ms->smp.cpus / numa->num_nodes);

    numa->cpu_node = xnew0(unsigned, n);
    for (unsigned i = 0; i < n; i++) {
        numa->cpu_node[i] = UINT32_MAX;
    }
    for (int id = 0; id < numa->num_nodes; id++) {
        for (char *p = numa->nodes[id].cpus; p && *p;) {
            unsigned long first = strtoul(p, &p, 0), last = first;
            if (*p == '-') {
                last = strtoul(p + 1, &p, 0);
            }
            for (unsigned long c = first; c <= last && c < n; c++) {
                numa->cpu_node[c] = id;
            }
            p += *p == ',';
        }
    }
    for (unsigned i = 0; i < n; i++) {
        if (numa->cpu_node[i] == UINT32_MAX) {
            numa->cpu_node[i] = MIN(i / per_node, (unsigned)numa->num_nodes - 1);
        }
    }
}

/* Unset distances: symmetric to a given one, else 10 local and 20 remote. */
static void numa_fill_distances(NumaState *numa)
{
    for (int i = 0; i < numa->num_nodes; i++) {
        for (int j = 0; j < numa->num_nodes; j++) {
            if (numa->distance[i][j]) {
                continue;
            }
            numa->distance[i][j] = i == j                 ? NUMA_DISTANCE_MIN
                                   : numa->distance[j][i] ? numa->distance[j][i]
                                                          : NUMA_DISTANCE_DEFAULT;
        }
    }
}

/* memdev nodes take their backend's size; without -m their total is the RAM size. */
static bool numa_size_memory(MachineState *ms, NumaState *numa, Error **errp)
{
    uint64_t total = 0;

    for (int id = 0; id < numa->num_nodes; id++) {
        NumaNode *node = &numa->nodes[id];
        if (node->memdev_id) {
            Object *obj = user_creatable_find(node->memdev_id);
            if (!obj || !object_dynamic_cast(obj, TYPE_MEMORY_BACKEND)) {
                error_setg(errp, "Memory backend '%s' not found", node->memdev_id);
                return false;
            }
            node->node_mem = MEMORY_BACKEND(obj)->size;
        }
        total += node->node_mem;
    }
    if (numa_uses_memdev(numa) && !ms->ram_size_given) {
        ms->ram_size = total;
    }
    if (total != ms->ram_size) {
        error_setg(errp,
                   "total memory for NUMA nodes (0x%" PRIx64 ") should equal RAM size (0x%" PRIx64
                   ")",
                   total, ms->ram_size);
        return false;
    }
    return true;
}

bool numa_complete(MachineState *ms, Error **errp)
{
    NumaState *numa = ms->numa;

    for (int id = 0; id < numa->num_nodes; id++) {
        if (!numa->nodes[id].present) {
            error_setg(errp, "numa: Node ID missing: %d", id);
            return false;
        }
    }
    for (int id = 0; numa_uses_memdev(numa) && id < numa->num_nodes; id++) {
        if (!numa->nodes[id].memdev_id) {
            error_setg(errp, "memdev option must be specified for either all or no nodes");
            return false;
        }
    }
    if (numa->num_nodes > (int)ms->smp.cpus) {
        error_setg(errp,
                   "Number of NUMA nodes (%d) cannot exceed the number of available CPUs (%u).",
                   numa->num_nodes, ms->smp.cpus);
        return false;
    }
    if (!numa_size_memory(ms, numa, errp)) {
        return false;
    }
    numa_assign_cpus(ms, numa);
    numa_fill_distances(numa);
    return true;
}

bool numa_uses_memdev(const NumaState *numa)
{
    for (int id = 0; id < numa->num_nodes; id++) {
        if (numa->nodes[id].memdev_id) {
            return true;
        }
    }
    return false;
}

uint64_t numa_node_mem_offset(const NumaState *numa, int node)
{
    uint64_t offset = 0;

    for (int id = 0; id < node; id++) {
        offset += numa->nodes[id].node_mem;
    }
    return offset;
}

bool numa_init_ram(MachineState *ms, Error **errp)
{
    NumaState *numa = ms->numa;

    memory_region_init(&ms->ram, "riscv.dram", ms->ram_size);
    for (int id = 0; id < numa->num_nodes; id++) {
        HostMemoryBackend *b = host_memory_backend_claim(numa->nodes[id].memdev_id, errp);
        if (!b) {
            return false;
        }
        memory_region_add_subregion(&ms->ram, numa_node_mem_offset(numa, id), &b->mr);
    }
    return true;
}

void numa_free(NumaState *numa)
{
    if (!numa) {
        return;
    }
    for (int id = 0; id < MAX_NODES; id++) {
        free(numa->nodes[id].memdev_id);
        free(numa->nodes[id].cpus);
    }
    free(numa->cpu_node);
    free(numa);
}
