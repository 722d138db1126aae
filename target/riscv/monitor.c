/*
 * RISC-V state for the monitor: "info mem" lists the mappings of the page
 * table satp points at (Privileged ISA 20211203, 4.3-4.5: Sv39/Sv48/Sv57), as
 * QEMU 7.2's riscv "info mem" prints them: one line per run of pages that are
 * contiguous in both address spaces and share their attributes,
 * "vaddr paddr size attr" with attr the rwxugad bits. Only RAM is read: a
 * table pointing at a device is not followed (reading MMIO has side effects).
 */
#include <inttypes.h>

#include "system/memory.h"
#include "target/riscv/cpu.h"

typedef struct MappingRun {
    FILE *out;
    bool valid;
    uint64_t vaddr, paddr, size;
    unsigned attr;
} MappingRun;

static void run_flush(MappingRun *r)
{
    if (!r->valid) {
        return;
    }
    fprintf(r->out, "%016" PRIx64 " %016" PRIx64 " %016" PRIx64 " %c%c%c%c%c%c%c\n", r->vaddr,
            r->paddr, r->size, r->attr & PTE_R ? 'r' : '-', r->attr & PTE_W ? 'w' : '-',
            r->attr & PTE_X ? 'x' : '-', r->attr & PTE_U ? 'u' : '-', r->attr & PTE_G ? 'g' : '-',
            r->attr & PTE_A ? 'a' : '-', r->attr & PTE_D ? 'd' : '-');
    r->valid = false;
}

static void run_add(MappingRun *r, uint64_t vaddr, uint64_t paddr, uint64_t size, unsigned attr)
{
    if (r->valid && r->vaddr + r->size == vaddr && r->paddr + r->size == paddr && r->attr == attr) {
        r->size += size;
        return;
    }
    run_flush(r);
    *r = (MappingRun){r->out, true, vaddr, paddr, size, attr};
}

/* A PTE from RAM, or false (device or unassigned memory). */
static bool pte_read_ram(hwaddr addr, uint64_t *pte)
{
    const FlatRange *fr = flatview_lookup(address_space_get_flatview(address_space_memory()), addr);

    if (!fr || !memory_region_is_ram(fr->mr) || addr + 8 > fr->addr + fr->size) {
        return false;
    }
    memcpy(pte, memory_region_get_ram_ptr(fr->mr) + fr->offset_in_region + (addr - fr->addr), 8);
    return true;
}

static void walk_table(MappingRun *r, hwaddr table, int level, uint64_t va_base, int va_bits)
{
    int shift = 12 + 9 * level;

    for (uint64_t i = 0; i < 512; i++) {
        uint64_t pte, va = va_base | i << shift;
        hwaddr pa;

        if (!pte_read_ram(table + i * 8, &pte) || !(pte & PTE_V)) {
            continue;
        }
        pa = ((pte & PTE_PPN_MASK) >> PTE_PPN_SHIFT) << 12;
        if (pte & (PTE_R | PTE_X)) {
            /* Canonical form: bits above va_bits copy the top one. */
            uint64_t canon = (uint64_t)((int64_t)(va << (64 - va_bits)) >> (64 - va_bits));
            run_add(r, canon, pa, UINT64_C(1) << shift, (unsigned)(pte & 0xff));
        } else if (level > 0) {
            walk_table(r, pa, level - 1, va, va_bits);
        }
    }
}

void riscv_cpu_dump_mappings(CPUState *cs, FILE *out)
{
    CPURISCVState *env = &RISCV_CPU(cs)->env;
    MappingRun run = {.out = out};
    int levels;

    switch (env->satp >> SATP_MODE_SHIFT) {
    case SATP_MODE_SV39:
        levels = 3;
        break;
    case SATP_MODE_SV48:
        levels = 4;
        break;
    case SATP_MODE_SV57:
        levels = 5;
        break;
    default:
        fprintf(out, "No translation or protection\n");
        return;
    }
    fprintf(out, "vaddr            paddr            size             attr\n");
    fprintf(out, "---------------- ---------------- ---------------- -------\n");
    walk_table(&run, (env->satp & SATP_PPN_MASK) << 12, levels - 1, 0, 12 + 9 * levels);
    run_flush(&run);
}
