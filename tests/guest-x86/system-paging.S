/*
 * system.S, paging: A/D bits, CR0.WP, NX, a reserved bit, SMEP, SMAP with stac, a 1 GiB
 * page, invlpg and CR3 reloads, code behind a remapped page, PCID, a non-canonical (4-level)
 * or unmapped (5-level) address. Macros that start64 (system.S) invokes in its order.
 */
/* A/D bits; CR0.WP (left set for the checks after it). */
.macro PAGING_AD_WP
    /* A/D: a read sets A, a write A and D, in the PTE; the walk sets A above it. */
    mov 0x206000, %eax
    movl $0x5555, 0x205000
    PRINT "ad pte6 "
    PHEX (PT+6*8)
    PRINT " pte5 "
    PHEX (PT+5*8)
    PRINT " pde "
    PHEX 0x13008
    PRINT " pdpte "
    PHEX 0x12000
    PRINT " pml4e "
    PHEX 0x11000
    NL

    /* WP: a supervisor write to a read-only page succeeds with CR0.WP clear, faults set. */
    movl $0x7777, 0x202000
    mov %cr0, %rax
    or $0x10000, %rax
    mov %rax, %cr0
    RECOVER 1f
    PRINT "wp"
    NL
    movl $0x8888, 0x202000
1:  PRINT "wp value "
    PHEX 0x202000
    NL
.endm

/* NX, a reserved bit, SMEP, SMAP. */
.macro PAGING_NX_SMEP
    /* NX (EFER.NXE): a fetch from an XD page; reserved bit 51: RSVD. */
    RECOVER 1f
    PRINT "nx"
    NL
    mov $0x203000, %rax
    jmp *%rax
1:  RECOVER 1f
    PRINT "rsvd"
    NL
    mov 0x204000, %eax
1:

    /* SMEP: a supervisor fetch from a user page; SMAP: a read, then with stac. */
    mov %cr4, %rax
    or $0x100000, %rax
    mov %rax, %cr4
    RECOVER 1f
    PRINT "smep"
    NL
    mov $0x201000, %rax
    jmp *%rax
1:  mov %cr4, %rax
    xor $0x300000, %rax         /* SMEP off, SMAP on */
    mov %rax, %cr4
    RECOVER 1f
    PRINT "smap"
    NL
    mov 0x200000, %eax
1:  stac
    mov 0x200000, %ebx
    clac
    PRINT "smap stac "
    PHEX %rbx
    NL
    mov %cr4, %rax
    and $~0x200000, %rax
    mov %rax, %cr4
.endm

/* A 1 GiB page, TLB flushes, PCID, canonical addresses. */
.macro PAGING_REMAP
    /* A 1 GiB page: physical 0x305100 through VA 1 GiB + 0x305100. */
    movl $0xabcd, 0x205100
    mov $0x40305100, %rax
    mov (%rax), %ebx
    PRINT "1g "
    PHEX %rbx
    NL

    /* invlpg and a CR3 reload make a changed PTE visible. */
    mov 0x207000, %ebx
    movl $0x308003, PT + 7 * 8
    invlpg 0x207000
    mov 0x207000, %ecx
    movl $0x307003, PT + 7 * 8
    mov %cr3, %rax
    mov %rax, %cr3
    mov 0x207000, %edx
    PRINT "remap "
    PHEX %rbx
    PRINT " "
    PHEX %rcx
    PRINT " "
    PHEX %rdx
    NL

    /*
     * Code behind a remapped page: after invlpg the same VA runs the other page's code,
     * though the jump cache still holds the first page's block for that VA (the run loop
     * must check its physical pc). mov $n, %eax; ret at 0x307800 (n = 1) and 0x308800 (2),
     * written through the 1 GiB alias (the words at the pages' start are the checks' data).
     */
    mov $0x40307800, %rax
    movl $0x000001b8, (%rax)
    movw $0xc300, 4(%rax)
    mov $0x40308800, %rax
    movl $0x000002b8, (%rax)
    movw $0xc300, 4(%rax)
    mov $0x207800, %rsi
    call *%rsi
    mov %eax, %ebx
    movl $0x308003, PT + 7 * 8
    invlpg 0x207000
    call *%rsi
    mov %eax, %ecx
    movl $0x307003, PT + 7 * 8
    invlpg 0x207000
    call *%rsi
    mov %eax, %edx
    PRINT "code remap "
    PHEX %rbx
    PRINT " "
    PHEX %rcx
    PRINT " "
    PHEX %rdx
    NL

    /*
     * PCID: CR3 keeps the PCID; a new PCID's first walk sees the new entry. (Bit 63, the
     * no-flush bit, is left to the unit tests: QEMU 7.2 loops on a CR3 write with it set.)
     */
    mov %cr4, %rax
    or $0x20000, %rax
    mov %rax, %cr4
    mov %cr3, %rax
    or $1, %rax
    mov %rax, %cr3
    mov %cr3, %rbx
    movl $0x308003, PT + 7 * 8
    and $~0xfff, %rax
    or $2, %rax
    mov %rax, %cr3
    mov 0x207000, %ecx
    and $~0xfff, %rax
    mov %rax, %cr3
    mov %cr4, %rax
    and $~0x20000, %rax
    mov %rax, %cr4
    movl $0x307003, PT + 7 * 8
    mov %cr3, %rax
    mov %rax, %cr3
    PRINT "pcid cr3 "
    PHEX %rbx
    PRINT " new "
    PHEX %rcx
    NL

    /* Canonical addresses: 2^47 is not canonical with 4 levels (#GP), is with 5 (#PF). */
    RECOVER 1f
    PRINT "canonical"
    NL
    mov $0x0000800000000000, %rax
    mov (%rax), %ebx
1:
.endm
