/*
 * NUMA sockets of RISC-V boards (include/hw/riscv/numa.h), from the nodes -numa built
 * (hw/core/numa.c). Device-tree bindings: Documentation/devicetree/bindings/numa.txt in Linux
 * (numa-node-id on cpu and memory nodes, /distance-map with distance-matrix triples).
 */
#include "hw/riscv/numa.h"

#include <libfdt.h>

#include "hw/core/numa.h"
#include "system/device_tree.h"

int riscv_socket_count(const MachineState *ms)
{
    return ms->numa && ms->numa->num_nodes ? ms->numa->num_nodes : 1;
}

int riscv_socket_first_hartid(const MachineState *ms, int socket)
{
    if (!ms->numa) {
        return 0;
    }
    for (unsigned i = 0; i < ms->smp.cpus; i++) {
        if (ms->numa->cpu_node[i] == (unsigned)socket) {
            return i;
        }
    }
    return -1;
}

int riscv_socket_hart_count(const MachineState *ms, int socket)
{
    int n = 0;

    if (!ms->numa) {
        return ms->smp.cpus;
    }
    for (unsigned i = 0; i < ms->smp.cpus; i++) {
        n += ms->numa->cpu_node[i] == (unsigned)socket;
    }
    return n;
}

int riscv_socket_of_hart(const MachineState *ms, int hartid)
{
    return ms->numa ? (int)ms->numa->cpu_node[hartid] : 0;
}

bool riscv_socket_check_hartids(const MachineState *ms, Error **errp)
{
    if (!ms->numa) {
        return true;
    }
    for (int s = 0; s < riscv_socket_count(ms); s++) {
        int first = riscv_socket_first_hartid(ms, s), n = riscv_socket_hart_count(ms, s);

        if (first < 0) {
            error_setg(errp, "can't find hartid base for socket%d", s);
            return false;
        }
        for (int i = first; i < first + n; i++) {
            if (ms->numa->cpu_node[i] != (unsigned)s) {
                error_setg(errp, "discontinuous hartids in socket%d", s);
                return false;
            }
        }
    }
    return true;
}

uint64_t riscv_socket_mem_offset(const MachineState *ms, int socket)
{
    return ms->numa ? numa_node_mem_offset(ms->numa, socket) : 0;
}

uint64_t riscv_socket_mem_size(const MachineState *ms, int socket)
{
    return ms->numa ? ms->numa->nodes[socket].node_mem : ms->ram_size;
}

int riscv_socket_fdt_write_id(const MachineState *ms, DeviceTree *fdt, int node, int socket)
{
    return ms->numa ? dt_setprop_u32(fdt, node, "numa-node-id", socket) : 0;
}

int riscv_socket_fdt_write_distance_matrix(const MachineState *ms, DeviceTree *fdt)
{
    const NumaState *numa = ms->numa;
    int n, node, ret;
    fdt32_t *cells;

    if (!numa || !numa->have_distance) {
        return 0;
    }
    n = numa->num_nodes;
    cells = xnew0(fdt32_t, (size_t)n * n * 3);
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
            fdt32_t *c = &cells[(i * n + j) * 3];
            c[0] = cpu_to_fdt32(i);
            c[1] = cpu_to_fdt32(j);
            c[2] = cpu_to_fdt32(numa->distance[i][j]);
        }
    }
    /* Properties in reverse of the dumped order (hw/riscv/virt.c explains why). */
    node = dt_add_subnode(fdt, 0, "distance-map");
    ret = node < 0 ? node : dt_setprop_string(fdt, node, "compatible", "numa-distance-map-v1");
    if (!ret) {
        ret = dt_setprop(fdt, node, "distance-matrix", cells, (int)(sizeof(*cells) * n * n * 3));
    }
    free(cells);
    return ret;
}
