/*
 * x86 system test, a bare-metal -bios image (64 KiB at 0xffff0000): real mode → protected
 * mode → long mode with 4-level paging (or 5-level with --defsym LA57=1), then paging,
 * privilege and system-call checks, each printing a line on the debug console (port
 * 0x402). tests/functional/test_x86_system.py runs it on Kestrel and on
 * qemu-system-x86_64 -M q35 -cpu max and compares the logs.
 *
 * Physical memory: 0x10000 PML5, 0x11000 PML4, 0x12000 PDPT, 0x13000 PD (2 MiB pages,
 * identity 0..1 GiB, entry 1 → the PT), 0x14000 PT (VA 0x200000.. test pages, below);
 * PDPT[1] a 1 GiB page at physical 0 (alias), PDPT[3] a 1 GiB page at 3 GiB (this ROM).
 * 0x140000 IDT, 0x141000 GDT, 0x142000 TSS, 0x150000 variables, stacks below 0x180000
 * (kernel), 0x170000 (RSP0), 0x160000 (IST1), 0x158000 (IST2).
 *
 * Test pages (PT index: VA 0x200000 + index * 4 KiB → physical):
 *   0 user data 0x300000 (holds the user recovery pointer at 0x200ff8)   1 user code 0x301000
 *   2 read-only 0x302000   3 NX 0x303000   4 reserved bit 51   5, 6 A/D 0x305000, 0x306000
 *   7 remapped 0x307000 / 0x308000   8 user stack 0x309000
 *
 * The checks are split by topic, #included here in the image's order (the rep test
 * checksums the first pages of this ROM, so the layout stays as it was):
 *   system-boot.S    32-bit start-up, long mode, console helpers
 *   system-exc.S     exception stubs and handler; TF, MSR, lar/lsl/verr/verw checks
 *   system-user.S    int 0x80/syscall/sysenter entries, user mode and the user program
 *   system-mix.S     the JIT's ALU, flags and memory forms in one checksum
 *   system-jitmem.S  faults and stores into code in the JIT's memory forms, rep, xpage,
 *                    side exits
 *   system-paging.S  A/D, WP, NX, RSVD, SMEP/SMAP, 1 GiB page, invlpg, PCID, canonical
 */
#ifndef LA57
#define LA57 0
#endif
#ifndef HW_ONLY
#define HW_ONLY 0
#endif
    .set LA57_ON, LA57
    .set KREC, 0x150100      /* kernel recovery rip after an expected exception */
    .set UREC, 0x200ff8      /* user recovery rip (in a user page) */
    .set KSAVE, 0x150108     /* kernel rsp while in user mode */
    .set TFSTEPS, 0x150110   /* single-step traps before the #DB handler clears TF */
    .set PT, 0x14000
    .set FAULTRIP, 0x150118  /* rip of the last exception */
    .set SSAVE, 0x150120     /* rsp around a faulting stack access */
    .set SMC, 0x100000       /* 64-bit code copied to RAM and patched */

    .text
#include "system-boot.S"

#include "system-exc.S"

#include "system-user.S"

#include "system-mix.S"

#include "system-jitmem.S"

#include "system-paging.S"

start64:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov %ax, %fs
    mov %ax, %gs
    mov $0x180000, %rsp
    PRINT "long mode"
    NL
    call mix
    call smc64
    mov $0x142000, %rdi         /* TSS: RSP0, IST1, IST2 */
    xor %eax, %eax
    mov $0x68, %ecx
    rep stosb
    movq $0x170000, 0x142004
    movq $0x160000, 0x142024
    movq $0x158000, 0x14202c
    movw $0x68, 0x142066
    mov $0x28, %ax
    ltr %ax
    lea stub_table(%rip), %rsi  /* IDT: 32 interrupt gates, #UD on IST1, #SS on IST2 */
    mov $0x140000, %rdi
    xor %ecx, %ecx
1:  mov (%rsi,%rcx,8), %rax
    call set_gate
    add $16, %rdi
    inc %ecx
    cmp $32, %ecx
    jb 1b
    movb $1, 0x140000 + 6 * 16 + 4
    movb $2, 0x140000 + 12 * 16 + 4
    lea int80(%rip), %rax
    mov $0x140000 + 0x80 * 16, %rdi
    call set_gate
    movb $0xee, 0x140000 + 0x80 * 16 + 5
    movw $0xfff, 0x150010
    movq $0x140000, 0x150012
    lidt 0x150010

    PAGING_AD_WP
    MEM_FAULTS
    RMW_FAULTS
    push %rbx                   /* the smc lines below print what MFAULT left in rbx */
    call rep_tests
    call xpage_tests
    call side_tests
    pop %rbx
    SMC_STORES
    PAGING_NX_SMEP
    PAGING_REMAP
    CHECK_TF
    CHECK_MSR_SEG
    ENTER_USER

/* IDT gate at rdi for the handler at rax: selector 0x08, 64-bit interrupt gate, DPL 0. */
set_gate:
    push %rdx
    mov %eax, %edx
    and $0xffff, %edx
    or $0x80000, %edx
    mov %edx, (%rdi)
    mov %eax, %edx
    and $0xffff0000, %edx
    or $0x8e00, %edx
    mov %edx, 4(%rdi)
    mov %rax, %rdx
    shr $32, %rdx
    mov %edx, 8(%rdi)
    movl $0, 12(%rdi)
    pop %rdx
    ret

/* The user program, copied to 0x301000 and run at VA 0x201000 (position-independent). */
    USER_PROGRAM

gdt:
    .quad 0
    .quad 0x00af9b000000ffff    /* 0x08 kernel code, 64-bit */
    .quad 0x00cf93000000ffff    /* 0x10 kernel data */
    .quad 0x00cff3000000ffff    /* 0x18 user data */
    .quad 0x00affb000000ffff    /* 0x20 user code, 64-bit */
    .quad 0x0000891420000067    /* 0x28 TSS at 0x142000 */
    .quad 0
    .quad 0x00cf9b000000ffff    /* 0x38 code, 32-bit */
    .quad 0x00cf93000000ffff    /* 0x40 data, 32-bit */
gdt_end:
gdt_ptr:
    .word gdt_end - gdt - 1
    .long gdt

/* ---- real mode: the reset vector's target ---- */
    .org 0xfe00
    .code16
start16:
    cli
    lgdtl %cs:(gdt_ptr - 0xffff0000)
    mov %cr0, %eax
    or $1, %eax
    mov %eax, %cr0
    ljmpl $0x38, $start32

    .org 0xfff0
    jmp start16
    .org 0x10000
