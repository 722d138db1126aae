/* Page-table builder for the MMU tests; see vm.h. */
#include "vm.h"

#define POOL_PAGES 48

static uint64_t pool[POOL_PAGES][512] __attribute__((aligned(4096)));
static unsigned pool_used;
static uint64_t *root;
static unsigned levels;
static unsigned long mode;

void *vm_alloc_page(void)
{
    if (pool_used == POOL_PAGES) {
        uart_puts("vm: page pool exhausted\n");
        test_fail(FAIL_INFRA);
    }
    uint64_t *p = pool[pool_used++];
    for (unsigned i = 0; i < 512; i++)
        p[i] = 0;
    return p;
}

static unsigned vpn(unsigned long va, int lvl)
{
    return (va >> (12 + 9 * lvl)) & 511;
}

volatile uint64_t *vm_set_pte(unsigned long va, int lvl, uint64_t pte)
{
    uint64_t *t = root;
    for (int l = (int)levels - 1; l > lvl; l--) {
        uint64_t *e = &t[vpn(va, l)];
        if (!(*e & PTE_V))
            *e = pte_of((unsigned long)vm_alloc_page(), PTE_V);
        t = (uint64_t *)(uintptr_t)((*e >> PTE_PPN_SHIFT) << 12);
    }
    t[vpn(va, lvl)] = pte;
    return &t[vpn(va, lvl)];
}

volatile uint64_t *vm_map(unsigned long va, unsigned long pa, int lvl, uint64_t flags)
{
    return vm_set_pte(va, lvl, pte_of(pa, flags));
}

void vm_init(unsigned long satp_mode)
{
    pool_used = 0;
    mode = satp_mode;
    levels = (unsigned)(satp_mode - SATP_MODE_SV39) + 3;
    vm_new_space();
}

void vm_new_space(void)
{
    root = vm_alloc_page();
    vm_map(0, 0, 2, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    vm_map(VIRT_DRAM_BASE, VIRT_DRAM_BASE, 2, PTE_RWX_AD);
    vm_map(VIRT_DRAM_BASE + U_ALIAS, VIRT_DRAM_BASE, 2, PTE_RWX_AD | PTE_U);
}

unsigned long vm_satp(void)
{
    return (mode << SATP_MODE_SHIFT) | ((unsigned long)root >> 12);
}

unsigned vm_levels(void)
{
    return levels;
}

void vm_enable(void)
{
    csr_write(satp, vm_satp());
    sfence_vma();
}

asm(".pushsection .text.vm_probes, \"ax\"\n"
    ".option push\n"
    ".option norvc\n"
    ".globl vm_probe_ld, vm_probe_lw, vm_probe_sd, vm_probe_amo\n"
    ".globl vm_code_tmpl, vm_exit_tmpl, vm_code_tmpl_end\n"
    "vm_probe_ld:  ld a0, 0(a0)\n j mode_exit\n"
    "vm_probe_lw:  lw a0, 0(a0)\n j mode_exit\n"
    "vm_probe_sd:  li t0, 0x5a5a5a5a12345678\n sd t0, 0(a0)\n li a0, 0\n j mode_exit\n"
    "vm_probe_amo: li t0, 1\n amoadd.d a0, t0, (a0)\n j mode_exit\n"
    "vm_code_tmpl: li a0, 0x77\n"
    "vm_exit_tmpl: li a7, 0x4b45535452454c00\n ecall\n"
    "vm_code_tmpl_end:\n"
    ".option pop\n"
    ".popsection\n");

/* U-mode code runs at +U_ALIAS when translation is on, else identity */
static unsigned long user_base(int mode)
{
    return mode == PRV_U && (csr_read(satp) >> SATP_MODE_SHIFT) != SATP_MODE_BARE ? U_ALIAS : 0;
}

static unsigned long run_expecting_maybe_trap(int mode, unsigned long pc, unsigned long arg)
{
    unsigned long base = user_base(mode);
    clear_last_trap();
    trap_goto_pc = (unsigned long)mode_exit + base;
    trap_expect = EXPECT_GOTO;
    long r = run_in_mode(mode, (long (*)(long))pc, (long)arg, 0);
    if (trap_expect == EXPECT_NONE)
        return VM_FAULTED;
    trap_expect = EXPECT_NONE;
    return (unsigned long)r;
}

unsigned long vm_access(int mode, char *probe, unsigned long arg)
{
    unsigned long base = user_base(mode);
    return run_expecting_maybe_trap(mode, (unsigned long)probe + base, arg);
}

unsigned long vm_exec(int mode, unsigned long va)
{
    return run_expecting_maybe_trap(mode, va, 0);
}

static void copy_code(const char *s, unsigned long pa)
{
    char *d = (char *)pa;
    while (s < vm_code_tmpl_end)
        *d++ = *s++;
    fence_i();
}

void vm_put_code(unsigned long pa)
{
    copy_code(vm_code_tmpl, pa);
}

void vm_put_exit(unsigned long pa)
{
    copy_code(vm_exit_tmpl, pa);
}
