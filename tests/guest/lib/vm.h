/*
 * Page-table builder for the MMU tests (Privileged ISA, "Supervisor-Level
 * ISA: Sv39, Sv48, Sv57").  Tables are built in M-mode with physical
 * addresses; nothing here runs with translation on.
 *
 * vm_init(mode) starts a fresh address space for satp mode 8/9/10 with the
 * standard mappings every MMU test relies on:
 *   VA 0x00000000 + 1 GiB -> PA 0          (devices; R W, supervisor)
 *   VA 0x80000000 + 1 GiB -> PA 0x80000000 (RAM: R W X, supervisor)
 *   VA 0x80000000 + U_ALIAS -> PA 0x80000000 (RAM again, R W X U)
 * so S-mode code runs identity-mapped and U-mode code runs at +U_ALIAS.
 * vm_enable() writes satp and fences.
 */
#ifndef GUEST_VM_H
#define GUEST_VM_H

#include "test.h"

#define PAGE_SIZE 4096UL
#define U_ALIAS 0x100000000UL
#define PTE_RWX_AD (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)

void vm_init(unsigned long satp_mode);
/* Another address space (new root with the standard mappings) from the same
 * pool; earlier ones stay intact and their vm_satp() values stay valid. */
void vm_new_space(void);
void vm_enable(void);
unsigned long vm_satp(void);
unsigned vm_levels(void);

/* Leaf for va -> pa at level lvl (0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB, 3 = 512 GiB,
 * 4 = 256 TiB), creating intermediate tables; returns the PTE. */
volatile uint64_t *vm_map(unsigned long va, unsigned long pa, int lvl, uint64_t flags);
/* Store a raw PTE value at level lvl for va (intermediate tables as above). */
volatile uint64_t *vm_set_pte(unsigned long va, int lvl, uint64_t pte);
/* A zeroed page-table-sized page from the pool */
void *vm_alloc_page(void);

static inline uint64_t pte_of(unsigned long pa, uint64_t flags)
{
    return ((pa >> 12) << PTE_PPN_SHIFT) | flags;
}

#endif

/*
 * Accessing memory from S or U mode.  The probes are leaf routines that end
 * with a jump to mode_exit, so they work at their identity address (S, and
 * U with satp = Bare) and at +U_ALIAS (U with translation on).  vm_access runs one and returns its
 * a0, or VM_FAULTED if it trapped (last_trap then holds cause/epc/tval as seen by M, or by S if the
 * exception was delegated).
 */
#define VM_FAULTED 0xfa17fa17fa17fa17UL
#define VM_STORE_VALUE 0x5a5a5a5a12345678UL

extern char vm_probe_ld[];  /* a0 = *(uint64_t *)a0 */
extern char vm_probe_lw[];  /* a0 = *(int32_t *)a0 */
extern char vm_probe_sd[];  /* *(uint64_t *)a0 = VM_STORE_VALUE; a0 = 0 */
extern char vm_probe_amo[]; /* a0 = amoadd.d(a0, 1): old value */
extern char vm_code_tmpl[], vm_exit_tmpl[], vm_code_tmpl_end[];

unsigned long vm_access(int mode, char *probe, unsigned long arg);
/* Run the code at va in mode; returns its a0 or VM_FAULTED */
unsigned long vm_exec(int mode, unsigned long va);
/* Copy position-independent code to physical address pa (and fence.i):
 * vm_put_code: "a0 = 0x77; exit to M"; vm_put_exit: "exit to M" (a0 kept) */
void vm_put_code(unsigned long pa);
void vm_put_exit(unsigned long pa);
