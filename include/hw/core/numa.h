/*
 * NUMA nodes (-numa): which harts and which part of guest RAM each node holds, and the
 * distances between nodes, for a board to describe to the guest (the virt board's device
 * tree: numa-node-id on cpu and memory nodes, a distance-map). Options as QEMU 7.2 takes
 * them:
 *   -numa node[,nodeid=N][,cpus=A[-B]][,cpus=...][,memdev=ID]   (mem=SIZE, deprecated)
 *   -numa dist,src=N,dst=M,val=D
 * Node ids must end up contiguous from 0. Either every node names a memdev or none does;
 * their sizes must add up to the RAM size (-m; without -m their sum is the RAM size).
 * Harts no cpus= names go to node hartid / (harts / nodes), the last node taking the rest.
 */
#ifndef HW_CORE_NUMA_H
#define HW_CORE_NUMA_H

#include "hw/core/boards.h"

#define MAX_NODES 128
#define NUMA_DISTANCE_MIN 10
#define NUMA_DISTANCE_DEFAULT 20

typedef struct NumaNode {
    bool present;
    uint64_t node_mem; /* bytes of RAM, placed after the lower nodes' */
    char *memdev_id;   /* memdev=, claimed at numa_init_ram */
    char *cpus;        /* cpus= ranges as given, "0-1,4" (several cpus= joined) */
} NumaNode;

typedef struct NumaState {
    int num_nodes;
    NumaNode nodes[MAX_NODES];
    bool have_distance; /* some -numa dist was given: the board writes a distance map */
    uint8_t distance[MAX_NODES][MAX_NODES];
    unsigned *cpu_node; /* node of each hart (after numa_complete), ms->smp.max_cpus long */
} NumaState;

/* Record one -numa option in ms->numa (created on first use). False + errp on a bad one. */
bool numa_add_option(MachineState *ms, const char *arg, Error **errp) WARN_UNUSED_RESULT;
/* After the CPU topology and RAM size are known: check the nodes, assign harts and memory,
 * fill the distances. False + errp as QEMU's messages. */
bool numa_complete(MachineState *ms, Error **errp) WARN_UNUSED_RESULT;
/* Does every node name a memdev (numa_complete refuses a mix)? */
bool numa_uses_memdev(const NumaState *numa);
/* ms->ram as a container of the nodes' backends, in node order from address 0. */
bool numa_init_ram(MachineState *ms, Error **errp) WARN_UNUSED_RESULT;
/* Where node n's RAM starts, relative to the start of guest RAM. */
uint64_t numa_node_mem_offset(const NumaState *numa, int node);
void numa_free(NumaState *numa);

#endif
