/*
 * Memory as the x86 hart sees it: segment:offset → linear (base + offset;
 * limits are not checked yet) → physical (the page walk when CR0.PG is set)
 * → the board's address space; the stack; I/O ports.
 *
 * The interpreter reaches memory through address_space_load/store under the
 * BQL (taken by the run loop for a batch of instructions, exec.c), so a
 * device handler never runs concurrently with the main loop.
 *
 * Paging (SDM Vol. 3A 4.3-4.5): 32-bit (with 4 MiB pages under CR4.PSE), PAE
 * and 4-level; present and write/user rights are checked, accessed/dirty bits
 * are not written yet, and nothing is cached (no TLB): every access walks.
 */
#include <inttypes.h>

#include "target/i386/cpu.h"

#include "util/log.h"

enum { PG_P = 1, PG_RW = 2, PG_US = 4, PG_PS = 0x80 };
#define PG_ADDR_MASK 0x000ffffffffff000ULL

/* Access kinds for x86_translate (also the #PF error code's W bit). */
enum { ACC_READ = 0, ACC_WRITE = 1, ACC_FETCH = 2 };

static int page_fault(CPUX86State *env, uint64_t la, int access, bool present)
{
    env->cr[2] = la;
    env->error_code = (present ? 1 : 0) | (access == ACC_WRITE ? 2 : 0) |
                      (x86_cpl(env) == 3 ? 4 : 0) | (access == ACC_FETCH ? 0x10 : 0);
    return EXCP0E_PAGE;
}

static uint64_t load_pte(CPUX86State *env, hwaddr addr, int size)
{
    uint64_t v = 0;
    address_space_load(x86_env_cpu(env)->as, addr, size, &v);
    return v;
}

/* Walk levels entries of entry_size bytes, index_bits per level, from the table at root. */
static int walk(CPUX86State *env, uint64_t la, int access, hwaddr root, int levels, int shift,
                int index_bits, int entry_size, hwaddr *pa)
{
    hwaddr table = root;
    uint64_t rights = PG_RW | PG_US;

    for (int level = levels; level > 0; level--) {
        unsigned idx = (la >> shift) & ((1u << index_bits) - 1);
        uint64_t pte = load_pte(env, table + idx * entry_size, entry_size);

        if (!(pte & PG_P)) {
            return page_fault(env, la, access, false);
        }
        rights &= pte | (levels == 3 && level == 3 ? PG_RW | PG_US : 0); /* PAE PDPTEs */
        bool large = level > 1 && (pte & PG_PS) && (entry_size == 8 || env->cr[4] & CR4_PSE);
        if (level == 1 || large) {
            uint64_t mask = (1ULL << shift) - 1;
            uint64_t frame = entry_size == 4 ? pte & 0xfffff000u : pte & PG_ADDR_MASK;
            bool user = x86_cpl(env) == 3;

            if ((user && !(rights & PG_US)) ||
                (access == ACC_WRITE && !(rights & PG_RW) && (user || env->cr[0] & CR0_WP))) {
                return page_fault(env, la, access, true);
            }
            *pa = (frame & ~mask) | (la & mask);
            return X86_EXCP_NONE;
        }
        table = entry_size == 4 ? pte & 0xfffff000u : pte & PG_ADDR_MASK;
        shift -= index_bits;
    }
    return page_fault(env, la, access, false);
}

int x86_translate(CPUX86State *env, uint64_t la, int access, hwaddr *pa)
{
    if (!(env->cr[0] & CR0_PG)) {
        *pa = la & 0xffffffffu;
        if (x86_long_mode(env)) {
            *pa = la;
        }
        return X86_EXCP_NONE;
    }
    if (x86_long_mode(env)) {
        return walk(env, la, access, env->cr[3] & PG_ADDR_MASK, 4, 39, 9, 8, pa);
    }
    if (env->cr[4] & CR4_PAE) {
        return walk(env, la & 0xffffffffu, access, env->cr[3] & 0xffffffe0u, 3, 30, 9, 8, pa);
    }
    return walk(env, la & 0xffffffffu, access, env->cr[3] & 0xfffff000u, 2, 22, 10, 4, pa);
}

/* One access that does not cross a page (the callers split). */
static int access_page(CPUX86State *env, uint64_t la, int size, uint64_t *val, int access)
{
    hwaddr pa;
    int excp = x86_translate(env, la, access, &pa);
    AddressSpace *as = x86_env_cpu(env)->as;
    MemTxResult r;

    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    r = access == ACC_WRITE ? address_space_store(as, pa, size, *val)
                            : address_space_load(as, pa, size, val);
    if (r != MEMTX_OK) {
        /* A PC reads all-ones from nothing and drops writes to it: no fault. */
        log_mask(LOG_GUEST_ERROR, "x86: %s of %d bytes at unassigned 0x%" PRIx64 "\n",
                 access == ACC_WRITE ? "write" : "read", size, (uint64_t)pa);
        if (access != ACC_WRITE) {
            *val = size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
        }
    }
    return X86_EXCP_NONE;
}

static int access_linear(CPUX86State *env, uint64_t la, int size, uint64_t *val, int access)
{
    unsigned in_page = 0x1000 - (la & 0xfff);
    int excp;

    if (!(env->cr[0] & CR0_PG) || in_page >= (unsigned)size) {
        return access_page(env, la, size, val, access);
    }
    /* Crossing a page: byte by byte, low byte first. */
    uint64_t v = access == ACC_WRITE ? *val : 0;
    for (int i = 0; i < size; i++) {
        uint64_t b = (v >> (8 * i)) & 0xff;
        excp = access_page(env, la + i, 1, &b, access);
        if (excp != X86_EXCP_NONE) {
            return excp;
        }
        if (access != ACC_WRITE) {
            v |= (b & 0xff) << (8 * i);
        }
    }
    if (access != ACC_WRITE) {
        *val = v;
    }
    return X86_EXCP_NONE;
}

int x86_read_linear(CPUX86State *env, uint64_t la, int size, uint64_t *val)
{
    return access_linear(env, la, size, val, ACC_READ);
}

int x86_write_linear(CPUX86State *env, uint64_t la, int size, uint64_t val)
{
    return access_linear(env, la, size, &val, ACC_WRITE);
}

/* In 64-bit code only FS and GS have a base; outside it the linear address is 32 bits. */
static uint64_t linear(CPUX86State *env, int seg, uint64_t off)
{
    if (x86_code64(env)) {
        return seg >= R_FS ? env->segs[seg].base + off : off;
    }
    return (env->segs[seg].base + off) & 0xffffffffu;
}

int x86_read_mem(CPUX86State *env, int seg, uint64_t off, int size, uint64_t *val)
{
    return x86_read_linear(env, linear(env, seg, off), size, val);
}

int x86_write_mem(CPUX86State *env, int seg, uint64_t off, int size, uint64_t val)
{
    return x86_write_linear(env, linear(env, seg, off), size, val);
}

static uint64_t size_mask(int size)
{
    return size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

/* The stack pointer's bits the stack width owns change; the rest stay (16-bit stacks). */
static void set_sp(CPUX86State *env, uint64_t sp)
{
    uint64_t mask = size_mask(x86_stack_size(env));
    env->regs[R_ESP] = (env->regs[R_ESP] & ~mask) | (sp & mask);
}

int x86_stack_push(CPUX86State *env, int size, uint64_t val)
{
    uint64_t sp = (env->regs[R_ESP] - size) & size_mask(x86_stack_size(env));
    int excp = x86_write_mem(env, R_SS, sp, size, val);

    if (excp == X86_EXCP_NONE) {
        set_sp(env, sp);
    }
    return excp;
}

int x86_stack_pop(CPUX86State *env, int size, uint64_t *val)
{
    uint64_t sp = env->regs[R_ESP] & size_mask(x86_stack_size(env));
    int excp = x86_read_mem(env, R_SS, sp, size, val);

    if (excp == X86_EXCP_NONE) {
        set_sp(env, sp + size);
    }
    return excp;
}

uint64_t x86_io_read(CPUX86State *env, uint16_t port, int size)
{
    uint64_t v = 0;

    if (address_space_load(x86_env_cpu(env)->io_as, port, size, &v) != MEMTX_OK) {
        v = size_mask(size); /* nothing there: the ISA bus floats high */
    }
    return v;
}

void x86_io_write(CPUX86State *env, uint16_t port, int size, uint64_t val)
{
    address_space_store(x86_env_cpu(env)->io_as, port, size, val);
}
