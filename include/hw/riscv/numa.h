/*
 * RISC-V boards and NUMA (as QEMU's virt lays it out): each -numa node is a socket with a
 * contiguous range of harts, its own CLINT and PLIC, and its slice of RAM; without -numa
 * there is one socket holding every hart and all RAM. These helpers answer the layout
 * questions and write the device-tree properties (numa-node-id, /distance-map).
 */
#ifndef HW_RISCV_NUMA_H
#define HW_RISCV_NUMA_H

#include "hw/core/boards.h"

/* Sockets on the board: the NUMA node count, or 1. */
int riscv_socket_count(const MachineState *ms);
/* The first hart of a socket and how many it has. */
int riscv_socket_first_hartid(const MachineState *ms, int socket);
int riscv_socket_hart_count(const MachineState *ms, int socket);
/* The socket a hart belongs to. */
int riscv_socket_of_hart(const MachineState *ms, int hartid);
/* Every socket's harts form one contiguous range: false + errp naming the socket if not. */
bool riscv_socket_check_hartids(const MachineState *ms, Error **errp) WARN_UNUSED_RESULT;
/* A socket's RAM: offset from the start of RAM, and size (all RAM without -numa). */
uint64_t riscv_socket_mem_offset(const MachineState *ms, int socket);
uint64_t riscv_socket_mem_size(const MachineState *ms, int socket);
/* With -numa: numa-node-id = socket on the node at path. Returns a libfdt error or 0. */
int riscv_socket_fdt_write_id(const MachineState *ms, DeviceTree *fdt, int node, int socket);
/* With -numa dist: /distance-map (numa-distance-map-v1). Returns a libfdt error or 0. */
int riscv_socket_fdt_write_distance_matrix(const MachineState *ms, DeviceTree *fdt);

#endif
