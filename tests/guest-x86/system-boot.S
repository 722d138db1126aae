/*
 * system.S, start-up: the 32-bit code the reset vector reaches (page tables, test pages,
 * the user program copied, PAE/LA57, EFER, paging on, then long mode at start64), and the
 * 64-bit console helpers every check uses: PRINT/PHEX/NL, RECOVER (the kernel's recovery
 * rip after an expected exception), putc/puts/puthex on the debug console (port 0x402).
 * Included first by system.S: the code lands where it was in the image.
 */
/* ---- 32-bit: tables, then long mode ---- */
    .code32
start32:
    mov $0x40, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov $0x180000, %esp
    mov $gdt, %esi              /* the GDT in RAM: ltr marks the TSS busy there */
    mov $0x141000, %edi
    mov $(gdt_end - gdt), %ecx
    rep movsb
    movw $(gdt_end - gdt - 1), 0x150000
    movl $0x141000, 0x150002
    lgdt 0x150000
    mov $0x10000, %edi          /* page tables */
    xor %eax, %eax
    mov $(0x5000 / 4), %ecx
    rep stosl
    movl $0x11007, 0x10000
    movl $0x12007, 0x11000
    movl $0x13007, 0x12000
    movl $0x00000083, 0x12008   /* 1 GiB page: VA 1 GiB → physical 0 */
    movl $0xc0000083, 0x12018   /* 1 GiB page: VA 3 GiB → itself (this ROM) */
    mov $0x13000, %edi
    mov $0x83, %eax
    mov $512, %ecx
1:  mov %eax, (%edi)
    add $0x200000, %eax
    add $8, %edi
    loop 1b
    movl $0x14007, 0x13008
    movl $0x300007, PT + 0 * 8
    movl $0x301007, PT + 1 * 8
    movl $0x302001, PT + 2 * 8
    movl $0x303003, PT + 3 * 8
    movl $0x80000000, PT + 3 * 8 + 4
    movl $0x304003, PT + 4 * 8
    movl $0x00080000, PT + 4 * 8 + 4
    movl $0x305003, PT + 5 * 8
    movl $0x306003, PT + 6 * 8
    movl $0x307003, PT + 7 * 8
    movl $0x309007, PT + 8 * 8
    movl $0x3333, 0x300000      /* page contents */
    movl $0x6666, 0x306000
    movl $0x1111, 0x307000
    movl $0x2222, 0x308000
    movb $0xc3, 0x303000
    mov $user_start, %esi
    mov $0x301000, %edi
    mov $(user_end - user_start), %ecx
    rep movsb
    mov $(0x20 | (LA57_ON << 12)), %eax  /* PAE (LA57) */
    mov %eax, %cr4
    mov $(0x11000 - (LA57_ON << 12)), %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx       /* EFER: SCE, LME, NXE */
    rdmsr
    or $0x901, %eax
    wrmsr
    mov %cr0, %eax
    or $0x80000000, %eax
    mov %eax, %cr0
    ljmp $0x08, $start64

/* ---- 64-bit helpers ---- */
    .code64
.macro PRINT s
    push %rsi
    lea .Ls\@(%rip), %rsi
    call puts
    pop %rsi
    jmp .Le\@
.Ls\@: .asciz "\s"
.Le\@:
.endm
.macro PHEX src
    mov \src, %rax
    call puthex
.endm
.macro NL
    push %rax
    mov $10, %al
    call putc
    pop %rax
.endm
.macro RECOVER label
    push %rax
    lea \label(%rip), %rax
    mov %rax, KREC
    pop %rax
.endm

putc:
    push %rdx
    mov $0x402, %dx
    out %al, %dx
    pop %rdx
    ret
puts:
    push %rax
1:  lodsb
    test %al, %al
    jz 2f
    call putc
    jmp 1b
2:  pop %rax
    ret
puthex:                         /* rax, 16 digits */
    push %rbx
    push %rcx
    mov %rax, %rbx
    mov $16, %ecx
1:  rol $4, %rbx
    mov %ebx, %eax
    and $15, %eax
    cmp $10, %eax
    jb 2f
    add $('a' - '0' - 10), %eax
2:  add $'0', %eax
    call putc
    dec %ecx
    jnz 1b
    pop %rcx
    pop %rbx
    ret
