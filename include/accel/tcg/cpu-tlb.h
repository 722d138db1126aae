/*
 * PLACEHOLDER written by the lead so cpu.h compiles; the accel/tcg owner
 * replaces it with the real softmmu TLB and jump cache (keep the names
 * CPUTLB, tlb_flush, tlb_flush_page).
 */
#ifndef ACCEL_TCG_CPU_TLB_H
#define ACCEL_TCG_CPU_TLB_H

#include "common.h"

typedef struct CPUState CPUState;

typedef struct CPUTLB {
    int unused;
} CPUTLB;

/* Drop every cached translation of this vCPU (its own thread, or while it is stopped). */
void tlb_flush(CPUState *cpu);
/* Drop cached translations of the page containing vaddr. */
void tlb_flush_page(CPUState *cpu, uint64_t vaddr);

#endif
