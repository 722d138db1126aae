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

/* Exception stubs: error code (or 0), vector, then the common handler. */
.macro STUB v
stub\v:
    .if ((0x27d00 >> \v) & 1) == 0
    pushq $0
    .endif
    pushq $\v
    jmp common
.endm
.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
STUB \v
.endr
stub_table:
.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .quad stub\v
.endr

/* Print the exception, then resume at the recovery rip of the interrupted privilege. */
common:
    push %rax                   /* 8 vec, 16 err, 24 rip, 32 cs, 40 rflags, 48 rsp, 56 ss */
    mov 24(%rsp), %rax
    mov %rax, FAULTRIP
    PRINT "exc "
    PHEX 8(%rsp)
    PRINT " err "
    PHEX 16(%rsp)
    PRINT " cs "
    PHEX 32(%rsp)
    PRINT " ss "
    PHEX 56(%rsp)
    PRINT " frame "
    lea 24(%rsp), %rax
    call puthex
    cmpq $14, 8(%rsp)
    jne 1f
    PRINT " cr2 "
    mov %cr2, %rax
    call puthex
1:  cmpq $1, 8(%rsp)
    je 4f
    NL
    testb $3, 32(%rsp)
    jz 2f
    mov UREC, %rax
    jmp 3f
2:  mov KREC, %rax
3:  mov %rax, 24(%rsp)
5:  pop %rax
    add $16, %rsp
    iretq
4:  PRINT " rip "               /* #DB: single-step, TF cleared after TFSTEPS traps */
    PHEX 24(%rsp)
    NL
    decq TFSTEPS
    jnz 5b
    andq $~0x100, 40(%rsp)
    jmp 5b

int80:                          /* DPL 3 gate, no IST: the RSP0 stack */
    push %rax
    PRINT "int80 cs "
    PHEX 16(%rsp)
    PRINT " ss "
    PHEX 40(%rsp)
    PRINT " frame "
    lea 8(%rsp), %rax
    call puthex
    NL
    pop %rax
    iretq

syscall_entry:                  /* CPL 0 on the user's stack */
    mov %rax, %r14
    mov %rcx, %r12
    mov %r11, %r13
    PRINT "syscall nr "
    PHEX %r14
    PRINT " rcx "
    PHEX %r12
    PRINT " r11 "
    PHEX %r13
    PRINT " cs "
    mov %cs, %eax
    call puthex
    PRINT " ss "
    mov %ss, %eax
    call puthex
    PRINT " fl "
    pushfq
    pop %rax
    call puthex
    NL
    cmp $99, %r14
    je kernel_resume
    mov %r12, %rcx
    mov %r13, %r11
    sysretq

sysenter_entry:                 /* CPL 0 on SYSENTER_ESP (an Intel vendor's 64-bit mode) */
    PRINT "sysenter cs "
    mov %cs, %eax
    call puthex
    PRINT " ss "
    mov %ss, %eax
    call puthex
    PRINT " rsp "
    PHEX %rsp
    PRINT " fl "
    pushfq
    pop %rax
    call puthex
    NL
    jmp kernel_resume

/* ---- 64-bit: the checks ---- */
/*
 * mix: ALU results and lazy flags of each kind (sub/cmp, add, logic at 64 and 32 bits, inc,
 * a shift, a byte compare) read by all sixteen jcc conditions, lea, and loads and stores,
 * folded into one checksum (xorshift inputs; the flags survive the folding lea). The JIT's
 * inline forms against the interpreter and QEMU (test_x86_jit, test_x86_system).
 */
.macro JC cc, k
    j\cc 9f
    lea \k(%r9,%r9,2), %r9
9:
.endm
.macro JALL
    JC o, 1
    JC no, 2
    JNOOF
.endm
/* without jo/jno (sar by more than 1: OF is 0 on both, but undefined) */
.macro JNOOF
    JC b, 3
    JC ae, 4
    JC e, 5
    JC ne, 6
    JC be, 7
    JC a, 8
    JC s, 9
    JC ns, 10
    JC p, 11
    JC np, 12
    JC l, 13
    JC ge, 14
    JC le, 15
    JC g, 16
.endm
/*
 * The JIT's memory forms (jit-mem.c), on rax and rdx of the mix: ALU with a memory operand
 * at each size (loads, read-modify-write, cmp, test) read by the jcc conditions; 8/16-bit
 * mov (ah..bh too), mov of an immediate, extending loads, push/pop, call and ret imm16.
 */
.macro MEMMIX
    mov %rax, 16(%rsp)
    mov %rdx, 24(%rsp)
    add 16(%rsp), %rdx
    JALL
    sub %edx, 20(%rsp)
    JALL
    cmp %dx, 18(%rsp)
    JALL
    andb $0x5a, 17(%rsp)
    JALL
    orw $0x1234, 22(%rsp)
    JALL
    addq $-3, 24(%rsp)
    JALL
    addb %dl, 26(%rsp)
    JALL
    subw $0x7f00, 28(%rsp)
    JALL
    xor %rax, 16(%rsp)
    JALL
    cmpl $0x7fff, 24(%rsp)
    JALL
    cmpb %al, 19(%rsp)
    JALL
    testb %dl, 25(%rsp)
    JALL
    test %rax, 16(%rsp)
    JALL
    sub 26(%rsp), %dh
    JALL
    or 20(%rsp), %ax
    JALL
    xor 16(%rsp), %r9
    add 24(%rsp), %r9
    mov %dh, 27(%rsp)
    mov %ax, 28(%rsp)
    mov 30(%rsp), %bl
    mov 21(%rsp), %ah
    mov 22(%rsp), %si
    mov 23(%rsp), %r10b
    add %r10, %r9
    movb $0x81, 31(%rsp)
    movw $0x8001, 32(%rsp)
    movl $-5, 36(%rsp)
    movq $-7, 40(%rsp)
    add %rax, %r9
    xor %rbx, %r9
    add %rsi, %r9
    xor 24(%rsp), %r9
    add 32(%rsp), %r9
    xor 40(%rsp), %r9
    movsbl 31(%rsp), %esi
    add %rsi, %r9
    movswq 32(%rsp), %rsi
    xor %rsi, %r9
    movsbq 27(%rsp), %rbx
    add %rbx, %r9
    movslq 36(%rsp), %rsi
    xor %rsi, %r9
    movzbw 31(%rsp), %bx
    movsbw 27(%rsp), %si
    movswl 28(%rsp), %esi
    add %rbx, %r9
    xor %rsi, %r9
    push %rax
    push %rdx
    pushq $-2
    pushq $0x12345678
    pop %rsi
    add %rsi, %r9
    pop %rbx
    xor %rbx, %r9
    pop %rsi
    add %rsi, %r9
    pop %rbx
    xor %rbx, %r9
    push %rsp
    pop %rsi
    sub %rsp, %rsi
    add %rsi, %r9
    push %rsp
    pop %rsp
    push %r9
    pop %r10
    add %r10, %r9
    push %rdx
    call mix_arg
    add %rax, %r9
.endm
mix_arg:                        /* r9 += its argument; ret $8 pops it */
    mov 8(%rsp), %rsi
    add %rsi, %r9
    call mix_leaf
    ret $8
mix_leaf:
    xor $0x3c, %r9
    ret
/* b, e, s, p: what shr by more than 1 defines alike here and in QEMU (OF differs) */
.macro JBESP
    JC b, 21
    JC ae, 22
    JC e, 23
    JC ne, 24
    JC s, 25
    JC p, 26
.endm
/* CF and ZF only: bt leaves SF, PF, OF undefined (QEMU's differ from ours) */
.macro JCZ
    JC b, 27
    JC ae, 28
    JC e, 29
    JC ne, 30
.endm
/*
 * mix_regs: the register forms of jit-alu.c on rax, rdx (random) into the checksum r9:
 * shifts by cl, imul, cmovcc, setcc, inc/dec, neg/not, adc/sbb after each kind of flags
 * record, movzx/movsx, xchg, bt*, cdq/cqo/cdqe, bswap. rbx, rsi, rdi, r10, r11 scratch.
 */
mix_regs:
    push %rax                    /* 8- and 16-bit ALU and shifts (high bytes too) */
    push %rdx
    mov %rax, %rsi
    mov %rdx, %rdi
    cmp $0x41, %sil
    JALL
    cmpb $0x7f, %bh
    JALL
    add %dl, %ah
    JALL
    sbb %dh, %al
    JALL
    adc $0x33, %ah
    JALL
    xor %dil, %sil
    JALL
    test %dl, %ah
    JALL
    testb $0x81, %dh
    JALL
    add $0x1234, %si
    JALL
    cmp $-3, %di
    JALL
    sub %dx, %si
    JALL
    and $0x5a, %al
    JALL
    cmp $0x12345678, %eax
    JALL
    sbb $0x1234, %ax
    JALL
    add $0x7f, %al
    JALL
    shr $3, %si
    JBESP
    sar $1, %dil
    JALL
    shl $5, %ah
    JALL
    sar $2, %dx
    JNOOF
    shr $1, %bh
    JALL
    shl $0, %ax
    JALL
    rol $7, %esi                 /* rotates: CF and OF into eflags (OF defined for 1 bit) */
    JNOOF
    ror $13, %rdi
    JNOOF
    rol $1, %rsi
    JALL
    ror $1, %edi
    JALL
    add %rsi, %r9
    xor %rdi, %r9
    add %rax, %r9
    xor %rdx, %r9
    add %rbx, %r9
    pop %rdx
    pop %rax
    mov %ecx, %r10d
    mov %edx, %ecx               /* counts from the data: masked, 0 keeps the flags */
    mov %rax, %rsi
    shl %cl, %rsi
    JALL
    adc %rsi, %r9                /* after a shift: CF through x86_cc_carry */
    JALL
    mov %eax, %esi
    shr %cl, %esi
    JBESP
    add %rsi, %r9
    mov %rdx, %rsi
    sar %cl, %rsi
    JNOOF
    xor %rsi, %r9
    mov %eax, %esi
    sar %cl, %esi
    JNOOF
    inc %rsi                     /* after a shift: CF kept through x86_cc_carry */
    JALL
    add %rsi, %r9
    mov $1, %cl
    mov %rdx, %rdi
    shr %cl, %rdi
    JALL
    sbb %rdi, %r9
    JALL
    mov %rax, %rsi
    imul %rdx, %rsi
    JALL
    adc %rsi, %r9                /* after imul: flags in eflags */
    JALL
    imul $0x12345, %edx, %esi
    JALL
    inc %esi
    JALL
    cmovo %rax, %rsi
    cmovb %edx, %esi
    add %rsi, %r9
    imul $-3, %eax, %edi
    JALL
    cmovs %edi, %esi
    imul %eax, %edi
    JALL
    cmovge %rdx, %rdi
    add %rdi, %r9
    cmp %rdx, %rax
    cmovb %rdx, %rsi
    cmovg %eax, %esi
    cmovp %rdi, %rsi
    cmovo %r9, %rdi
    cmovbe %rdi, %rsi
    sbb %rsi, %r9                /* after sub */
    JALL
    mov %r8, %rsi                /* 32-bit cmov: upper half cleared, taken or not */
    cmovg %r8d, %esi
    add %rsi, %r9
    mov %r8, %rsi
    cmovle %r9d, %esi
    add %rsi, %r9
    setl %bl
    setg %bh
    setp %r11b
    seto %sil
    add %rsi, %r9
    xor %rbx, %r9
    add %r11, %r9
    test %edx, %eax
    adc $7, %esi                 /* after logic */
    JALL
    sbb $0x1234, %rdi
    JALL
    setbe %dil
    setns %ah
    cmovle %rdi, %rsi
    adc %esi, %edi
    JALL
    inc %rdi                     /* after adc: CF kept from a record that is not add */
    JALL
    dec %edi
    JALL
    adc %edi, %esi               /* after inc/dec */
    JALL
    dec %rsi
    JALL
    mov $-1, %edi                /* inc/dec across the 32-bit boundary */
    inc %edi
    JALL
    add %rdi, %r9
    dec %edi
    JALL
    add %rdi, %r9
    test $0x8001, %esi           /* test r, imm (f7 /0) */
    JALL
    test $-16, %rdi
    JALL
    sbb %rsi, %rdi
    JALL
    xor %rdi, %r9
    add %rsi, %r9
    mov %rdx, %rsi
    neg %rsi
    JALL
    neg %edi
    JALL
    add %rdi, %r9
    not %rsi                     /* no flags: neg's stay */
    JALL
    not %edi
    add %rsi, %r9
    xor %rdi, %r9
    movzbl %dh, %esi
    movsbq %al, %rdi
    add %rsi, %r9
    xor %rdi, %r9
    movswl %dx, %esi
    movslq %edx, %rdi
    add %rsi, %r9
    xor %rdi, %r9
    movzwq %ax, %rsi
    movsbl %ah, %edi
    movsbl %r9b, %ebx
    add %rsi, %r9
    xor %rdi, %r9
    add %rbx, %r9
    mov %rax, %rsi
    mov %rdx, %rdi
    xchg %rsi, %rdi
    xchg %esi, %edi
    xchg %eax, %esi
    xchg %rdx, %rsi
    add %rsi, %r9
    xor %rdi, %r9
    add %rax, %r9
    cmp %rdi, %rsi
    bt %rdx, %rax
    JCZ
    bts $37, %rsi
    JCZ
    btr %edx, %esi
    JCZ
    btc $5, %edi
    JCZ
    bt %eax, %edx
    JCZ
    btc %rax, %rdi
    JCZ
    add %rsi, %r9
    xor %rdi, %r9
    mov %rax, %rsi
    bswap %rsi
    mov %edx, %edi
    bswap %edi
    add %rsi, %r9
    xor %rdi, %r9
    mov %rdx, %rsi
    mov %rax, %r11
    mov %r8, %rax                /* cqo of 64 random bits */
    cqto
    add %rdx, %r9
    mov %r11, %rax
    cltq
    cqto
    add %rdx, %r9
    mov %rsi, %rdx
    cwtl
    cltd
    xor %rdx, %r9
    add %rax, %r9
    mov %rsi, %rdx
    imul mix_k(%rip), %rsi       /* rip-relative operands of handler calls */
    add %rsi, %r9
    btl $5, mix_k + 8(%rip)
    sbb mix_k + 8(%rip), %r9
    mov %r10d, %ecx
    ret
mix_k:
    .quad 0x9e3779b97f4a7c15, 0x0123456789abcdef

mix:
    push %rbx
    sub $128, %rsp
    mov $0x9e3779b97f4a7c15, %r8
    xor %r9d, %r9d
    mov $300, %ecx
1:  mov %r8, %rax                /* xorshift64 */
    shl $13, %rax
    xor %rax, %r8
    mov %r8, %rax
    shr $7, %rax
    xor %rax, %r8
    mov %r8, %rax
    shl $17, %rax
    xor %rax, %r8
    mov %r8, %rax
    mov %r8, %rdx
    shr $33, %rdx
    test $4, %cl                 /* equal operands now and then */
    jz 2f
    mov %rax, %rdx
2:  cmp %rdx, %rax
    JALL
    cmp %edx, %eax
    JALL
    sub %rdx, %rax
    JALL
    add %rdx, %rax
    JALL
    add %edx, %eax
    JALL
    test %rdx, %rax
    JALL
    and %edx, %eax
    JALL
    or %rdx, %rax
    JALL
    xor $0x55aa, %eax
    JALL
    inc %eax
    JALL
    shl $3, %rdx
    JALL
    sar $5, %rdx
    JNOOF
    shr $1, %eax
    JALL
    shr $3, %eax                 /* (OF, so l/ge/le/g, undefined: QEMU and we differ) */
    JC b, 17
    JC e, 18
    JC s, 19
    JC p, 20
    sar $1, %eax
    JALL
    shl $0, %edx
    JALL
    cmp $0x80, %al
    JALL
    call mix_regs
    lea 0x10(%rax,%rdx,4), %rsi
    add %rsi, %r9
    mov %eax, %ebx
    and $0x70, %ebx
    mov %rax, (%rsp,%rbx)
    add (%rsp), %r9
    mov %rdx, 8(%rsp,%rbx)
    xor 8(%rsp), %r9
    mov %edx, 4(%rsp,%rbx)
    mov (%rsp,%rbx), %esi
    add %rsi, %r9
    mov 8(%rsp,%rbx), %rsi
    xor %rsi, %r9
    movzbl 3(%rsp,%rbx), %esi
    add %rsi, %r9
    movzwq 5(%rsp,%rbx), %rsi
    xor %rsi, %r9
    MEMMIX
    dec %ecx
    jnz 1b
    PRINT "mix "
    PHEX %r9
    NL
    add $128, %rsp
    pop %rbx
    ret

/*
 * A faulting access: rbx and rsp (when sp is not 0) set, then insn, which must fault; the
 * handler resumes at 2. Prints the fault's rip relative to insn, rsp at the fault and rbx.
 */
.macro MFAULT name, sp, insn:vararg
    RECOVER 2f
    mov %rsp, SSAVE
    mov $0x5a5a5a5a5a5a5a5a, %rbx
    .if \sp
    mov $\sp, %rsp
    .endif
1:  \insn
2:  mov %rsp, %rdx
    mov SSAVE, %rsp
    PRINT "\name rip "
    lea 1b(%rip), %rax
    sub FAULTRIP, %rax
    call puthex
    PRINT " rsp "
    PHEX %rdx
    PRINT " rbx "
    PHEX %rbx
    NL
.endm

/*
 * A read-modify-write whose store faults (the read-only page 0x202000, CR0.WP; a page
 * crossing into it or into the unmapped 0x209000), from known arithmetic flags (all six
 * set) and registers: on hardware the fault leaves them all as they were. Prints the
 * fault's rip relative to insn, the flags and the registers the handler's iretq restored.
 */
.macro RFAULT name, insn:vararg
    RECOVER 2f
    mov $0x0123456789abcdef, %rax
    mov $0x5a5a5a5a5a5a5a5a, %rbx
    mov $3, %ecx
    pushq $0x8d7
    popfq
1:  \insn
2:  pushfq
    pop %rdx
    mov %rax, %r8
    mov %rcx, %r10
    PRINT "\name at "
    lea 1b(%rip), %rax
    sub FAULTRIP, %rax
    call puthex
    PRINT " fl "
    mov %edx, %eax
    and $0x8d5, %eax
    call puthex
    PRINT " rax "
    PHEX %r8
    PRINT " rbx "
    PHEX %rbx
    PRINT " rcx "
    PHEX %r10
    NL
.endm

/* Copied to SMC: each memory form patches the next instruction of its block (position-
 * independent: nothing here may call out). */
smc_start:
    addb $1, 1f+1(%rip)
1:  mov $0x10, %bl
    movw $0x5566, 1f+1(%rip)
1:  mov $0x11223344, %ecx
    orl $0x80000000, 1f+1(%rip)
1:  mov $0x01020304, %edx
    movb $0x99, 1f+1(%rip)
1:  mov $0x10, %al
    ret
smc_end:

/*
 * smc64: 64-bit code in RAM (0x190000) stores into its own block (the immediate of the
 * next instruction), so the JIT leaves the block after the store and goes on at the
 * patched instruction, without running the add before it again. Three rounds, each
 * copying the code afresh (a store to translated code: the block is dropped).
 */
smc_code:
    add $1, %rdx
    movl $0x42, smc_insn + 1 - smc_code(%rdi)
smc_insn:
    mov $0x11, %eax
    ret
smc_code_end:
smc64:
    xor %edx, %edx
    xor %r9d, %r9d
    mov $3, %r8d
1:  lea smc_code(%rip), %rsi
    mov $0x190000, %edi
    mov $(smc_code_end - smc_code), %ecx
    rep movsb
    mov $0x190000, %edi
    call *%rdi
    add %rax, %r9
    dec %r8d
    jnz 1b
    PRINT "smc "
    PHEX %r9
    PRINT " "
    PHEX %rdx
    NL
    ret

/*
 * rep movs/stos (exec-string.c moves them a page at a time on host pointers): faults at
 * the exact element (rcx/rsi/rdi/cr2 as the hardware leaves them) going up and down, an
 * element that crosses into a read-only page, overlapping moves in both directions, copies
 * of several pages at odd offsets, and stores into code that ran. Scratch RAM 0x1c0000..
 */
.macro REPREGS name
    PRINT "\name rcx "
    PHEX %rcx
    PRINT " rsi "
    PHEX %rsi
    PRINT " rdi "
    PHEX %rdi
    NL
.endm
/* rax = a checksum of rcx qwords at rsi (rotate and add); rsi and rcx are used up. */
rep_csum:
    push %rdx
    xor %eax, %eax
1:  rol $7, %rax
    mov (%rsi), %rdx
    add %rdx, %rax
    add $8, %rsi
    dec %rcx
    jnz 1b
    pop %rdx
    ret
/* Print 8 qwords at 0x1c0000 */
rep_dump:
    push %rsi
    push %rcx
    mov $0x1c0000, %rsi
    mov $8, %ecx
1:  PHEX (%rsi)
    add $8, %rsi
    dec %ecx
    jnz 1b
    NL
    pop %rcx
    pop %rsi
    ret
/* 0x1c0000..0x1c0040: bytes 0x40, 0x41, ... */
rep_pattern:
    mov $0x1c0000, %rdi
    mov $0x40, %eax
1:  mov %al, (%rdi)
    inc %eax
    inc %rdi
    cmp $0x80, %eax
    jb 1b
    ret
smcrep_code:                    /* rep stos patches the next instruction's immediate */
    lea smcrep_insn + 1(%rip), %rdi
    mov $4, %ecx
    mov %dl, %al
    rep stosb
smcrep_insn:
    mov $0x11111111, %eax
    ret
smcrep_end:
rep_tests:
    mov $0x0123456789abcdef, %rax
    mov %rax, 0x1c0100
    mov $0x1122334455667788, %rax
    mov %rax, 0x1c0108
    mov $0x99aabbccddeeff00, %rax
    mov %rax, 0x1c0110
    RECOVER 1f                  /* the source runs into a page that is not there */
    mov $0x208ff0, %rsi
    mov $0x1c0000, %rdi
    mov $4, %ecx
    rep movsq
1:  REPREGS "rep src"
    RECOVER 1f                  /* the destination runs into a read-only page */
    mov $0x1c0100, %rsi
    mov $0x201ff0, %rdi
    mov $4, %ecx
    rep movsq
1:  REPREGS "rep dst"
    PRINT "rep dst mem "
    PHEX 0x201ff0
    PHEX 0x201ff8
    NL
    RECOVER 1f                  /* the first element crosses into it: nothing written */
    mov $0x201ffe, %rdi
    mov $0xabcdef12, %eax
    mov $2, %ecx
    rep stosl
1:  REPREGS "rep cross"
    PHEX 0x201ff8
    NL
    RECOVER 1f                  /* DF=1: down into the read-only page */
    std
    mov $0x203010, %rdi
    mov $0x5151515151515151, %rax
    mov $5, %ecx
    rep stosq
1:  cld
    REPREGS "rep down"
    PHEX 0x203000
    PHEX 0x203010
    NL
    call rep_pattern            /* overlapping: forward by 1 byte, replicating */
    mov $0x1c0000, %rsi
    mov $0x1c0001, %rdi
    mov $32, %ecx
    rep movsb
    call rep_dump
    call rep_pattern            /* forward qwords 4 bytes apart */
    mov $0x1c0000, %rsi
    mov $0x1c0004, %rdi
    mov $5, %ecx
    rep movsq
    call rep_dump
    call rep_pattern            /* DF=1, the destination above the source */
    std
    mov $0x1c0020, %rsi
    mov $0x1c002c, %rdi
    mov $5, %ecx
    rep movsq
    cld
    call rep_dump
    call rep_pattern            /* DF=1, the destination below the source, words */
    std
    mov $0x1c0030, %rsi
    mov $0x1c002d, %rdi
    mov $20, %ecx
    rep movsw
    cld
    call rep_dump
    mov $0xffff0000, %rsi       /* 5 pages of this ROM to odd offsets, up then down */
    mov $0x1c1003, %rdi
    mov $(5 * 4096 / 8), %ecx
    rep movsq
    mov $0x1c1003, %rsi
    mov $(5 * 4096 / 8), %ecx
    call rep_csum
    PRINT "rep up "
    PHEX %rax
    std
    mov $(0xffff0000 + 5 * 4096 - 2), %rsi
    mov $(0x1c8000 + 5 * 4096 - 0x7ff), %rdi
    mov $(5 * 4096 / 2), %ecx
    rep movsw
    cld
    mov $(0x1c8000 - 0x7fd), %rsi
    mov $(5 * 4096 / 8), %ecx
    call rep_csum
    PRINT " down "
    PHEX %rax
    mov $0x1c1001, %rdi         /* stosw over 3 pages from an odd address */
    mov $0x3c3d, %eax
    mov $(3 * 4096 / 2), %ecx
    rep stosw
    mov $0x1c1000, %rsi
    mov $(3 * 4096 / 8 + 1), %ecx
    call rep_csum
    PRINT " stosw "
    PHEX %rax
    NL
    xor %r9d, %r9d              /* stores into code that ran: each round patches anew */
    mov $1, %edx
1:  lea smcrep_code(%rip), %rsi
    mov $0x1d0000, %edi
    mov $(smcrep_end - smcrep_code), %ecx
    rep movsb
    mov $0x1d0000, %eax
    call *%rax
    shl $8, %r9
    xor %rax, %r9
    inc %edx
    cmp $4, %edx
    jb 1b
    PRINT "rep smc "
    PHEX %r9
    NL
    ret

/*
 * An instruction across two pages (mov $imm32, %eax at 0x206ffe: the opcode and one byte
 * in page 6, three and a ret in page 7) run from a cached block that reads the second
 * page afresh: after it ran, a store into its bytes there and a remap of page 7 (to
 * 0x308000 and back) must show in the next run. Page 7's first dwords are put back.
 */
xpage_tests:
    movw $0x44b8, 0x40306ffe     /* through the 1 GiB alias of physical memory */
    movl $0xc3332211, 0x40307000
    movl $0xc3887766, 0x40308000
    mov $0x206ffe, %rbx
    call *%rbx
    call *%rbx
    call *%rbx
    PRINT "xpage "
    PHEX %rax
    movb $0x55, 0x207001
    call *%rbx
    PRINT " "
    PHEX %rax
    movl $0x308003, PT + 7 * 8
    invlpg 0x207000
    call *%rbx
    PRINT " "
    PHEX %rax
    movl $0x307003, PT + 7 * 8
    invlpg 0x207000
    call *%rbx
    PRINT " "
    PHEX %rax
    NL
    movl $0x1111, 0x40307000
    movl $0x2222, 0x40308000
    ret

/*
 * Side exits (a taken jcc inside a block, which goes on past it). To its own page the exit
 * is chained once it ran (a side-exit slot), so a store into its target must unlink it: the
 * next run sees the new immediate. To another page it is looked up through the jump cache,
 * so a remap of that page (7, to 0x308000 and back) must show, even with the page's TLB
 * entry filled again by a read before the jump (the block found must be the new page's).
 */
side_code:                      /* copied to 0x190000 */
    xor %eax, %eax
    test %ecx, %ecx
    jnz 1f
    ret
1:
side_insn:
    mov $0x11, %eax
    ret
side_code_end:
xside_code:                     /* copied to 0x206f00: jnz 0x207010 */
    xor %eax, %eax
    test %ecx, %ecx
    .byte 0x0f, 0x85
    .long 0x207010 - (0x206f00 + 2f - xside_code)
2:  ret
xside_code_end:

.macro SIDE_CALL
    mov $1, %ecx
    call *%rbx
    PRINT " "
    PHEX %rax
.endm

side_tests:
    lea side_code(%rip), %rsi
    mov $0x190000, %edi
    mov $(side_code_end - side_code), %ecx
    rep movsb
    mov $0x190000, %ebx
    PRINT "side"
    SIDE_CALL
    SIDE_CALL
    SIDE_CALL
    movb $0x77, 0x190000 + side_insn - side_code + 1
    SIDE_CALL
    lea xside_code(%rip), %rsi
    mov $0x40306f00, %edi       /* through the 1 GiB alias of physical memory */
    mov $(xside_code_end - xside_code), %ecx
    rep movsb
    movl $0x00aaaab8, 0x40307010 /* mov $0xaaaa, %eax; ret */
    movw $0xc300, 0x40307014
    movl $0x00bbbbb8, 0x40308010 /* mov $0xbbbb, %eax; ret */
    movw $0xc300, 0x40308014
    mov $0x206f00, %ebx
    PRINT " xside"
    SIDE_CALL
    SIDE_CALL
    movl $0x308003, PT + 7 * 8
    invlpg 0x207000
    mov 0x207000, %edx
    SIDE_CALL
    movl $0x307003, PT + 7 * 8
    invlpg 0x207000
    mov 0x207000, %edx
    SIDE_CALL
    NL
    movq $0, 0x40307010
    movq $0, 0x40308010
    ret

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

    /*
     * A fault in each memory form the JIT runs inline (jit-mem.c): not present (0x209000..),
     * read-only (0x202000, CR0.WP), a page crossing into 0x209000, a stack in those pages
     * (#PF on IST1 meanwhile). (A non-canonical stack is #SS for us and the SDM, a #PF in
     * QEMU 7.2, so it is left out.) The fault's rip must be the
     * instruction's (0 printed), rsp and rbx as before it, memory unchanged.
     */
    MFAULT alu_load, 0, add 0x20a000, %rbx
    MFAULT alu_load_base, 0, add 0x8a000(%rsp), %ebx
    MFAULT rmw_imm, 0, addl $1, 0x202000
    MFAULT rmw_reg, 0, sub %bx, 0x202002
    MFAULT rmw_cross, 0, xor %ebx, 0x208ffe
    MFAULT cmp_mem, 0, cmpb $1, 0x20a000
    MFAULT test_mem, 0, test %rbx, 0x20a001
    MFAULT mov8_store, 0, mov %bh, 0x202001
    MFAULT mov16_load, 0, mov 0x208fff, %bx
    MFAULT mov_imm, 0, movq $5, 0x202008
    MFAULT movsx_load, 0, movsbq 0x20a003, %rbx
    MFAULT movzx16_load, 0, movzbw 0x20a000, %bx
    MFAULT movsxd_load, 0, movslq 0x20a000, %rbx
    /* GS_BASE: a kernel's per-CPU area, first unmapped (without the base: the variables) */
    mov $0xc0000101, %ecx
    mov $(0x20a000 - 0x150000), %eax
    xor %edx, %edx
    wrmsr
    MFAULT gs_rmw, 0, addl $1, %gs:0x150010
    mov $0xc0000101, %ecx
    mov $0x100, %eax
    xor %edx, %edx
    wrmsr
    movq $5, %gs:0x150108
    addq $-3, %gs:0x150108
    mov %gs:0x150108, %rbx
    addb %bl, %gs:0x150109
    PRINT "gs "
    PHEX 0x150208
    NL
    mov $0xc0000101, %ecx
    xor %eax, %eax
    xor %edx, %edx
    wrmsr
    movb $1, 0x140000 + 14 * 16 + 4
    MFAULT push_reg, 0x203000, push %rbx
    MFAULT push_imm, 0x203000, pushq $7
    MFAULT call_rel, 0x203000, call puts
    MFAULT pop_reg, 0x20a000, pop %rbx
    MFAULT ret_near, 0x20a000, ret
    MFAULT ret_imm, 0x208ffc, ret $16
    movb $0, 0x140000 + 14 * 16 + 4
    /* Read-modify-writes whose store faults: flags and registers unchanged (RFAULT). */
    RFAULT rmw_add, add %rbx, 0x202000
    RFAULT rmw_adc, adcl $1, 0x202004
    RFAULT rmw_or8, orb $0x80, 0x202001
    RFAULT rmw_inc, incw 0x202000
    RFAULT rmw_dec, decq 0x202008
    RFAULT rmw_neg, negq 0x202008
    RFAULT rmw_not, notl 0x202000
    RFAULT rmw_shl_cl, shll %cl, 0x202000
    RFAULT rmw_rol, rolq $5, 0x202000
    RFAULT rmw_rcr, rcrb 0x202001
    RFAULT rmw_shld, shld $4, %rbx, 0x202000
    RFAULT rmw_bts_reg, bts %rcx, 0x202000
    RFAULT rmw_btc_imm, btcl $3, 0x202000
    RFAULT rmw_xadd, xadd %rax, 0x202000
    RFAULT rmw_cmpxchg, cmpxchg %rbx, 0x202000
    RFAULT rmw_xchg, xchg %rax, 0x202000
    RFAULT rmw_lock_add, lock addq %rbx, 0x202000
    RFAULT rmw_cross_ro, addl %ebx, 0x201ffe
    RFAULT rmw_lock_cross_ro, lock subl %ebx, 0x201ffe
    RFAULT rmw_xadd_cross_ro, xadd %eax, 0x201ffd
    RFAULT rmw_cross_np, sbbl %ebx, 0x208ffe
    PRINT "fault mem "
    PHEX 0x202000
    PRINT " "
    PHEX 0x202008
    PRINT " "
    PHEX 0x208ff8
    NL
    push %rbx                   /* the smc lines below print what MFAULT left in rbx */
    call rep_tests
    call xpage_tests
    call side_tests
    pop %rbx

    /* Stores by the memory forms into code that ran: the next instruction sees them. */
    lea smc_start(%rip), %rsi
    mov $SMC, %edi
    mov $(smc_end - smc_start), %ecx
    rep movsb
    .rept 2
    mov $SMC, %eax
    call *%rax
    mov %rax, %r10
    PRINT "smc "
    PHEX %rbx
    PRINT " "
    PHEX %rcx
    PRINT " "
    PHEX %rdx
    PRINT " "
    PHEX %r10
    NL
    .endr

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

    /* Single-step: TF set by popf traps after each following instruction. */
    movq $3, TFSTEPS
    PRINT "tf"
    NL
    pushfq
    orq $0x100, (%rsp)
    popfq
    mov $1, %eax
    mov $2, %ebx
    mov $3, %ecx
    nop
    PRINT "tf dr6 "
    mov %dr6, %rax
    call puthex
    NL

    /*
     * MSRs a kernel reads: PAT, TSC_ADJUST, SPEC_CTRL, TSC_AUX at reset, and an unknown
     * one, which QEMU 7.2 reads as 0 (after a write, which it ignores) rather than #GP.
     */
    mov $0x12345, %ecx
    mov $1, %eax
    xor %edx, %edx
    wrmsr
.irp msr, 0x277, 0x3b, 0x48, 0xc0000103, 0x12345
    RECOVER 1f
    PRINT "msr \msr "
    mov $\msr, %ecx
    xor %eax, %eax
    xor %edx, %edx
    rdmsr
    shl $32, %rdx
    or %rdx, %rax
    call puthex
1:  NL
.endr

    /* lar, lsl, verr, verw: rights or limit and ZF, for code, data, TSS, null, past the GDT. */
.irp sel, 0x08, 0x1b, 0x28, 0x00, 0x100
    PRINT "seg \sel "
    mov $0x5a5a, %rax
    mov $0x5a5a, %rbx
    mov $\sel, %ecx
    lar %cx, %rax
    setz %dl
    lsl %cx, %rbx
    setz %dh
    call puthex
    PRINT " "
    PHEX %rbx
    PRINT " "
    movzwl %dx, %eax
    verr %cx
    setz %dl
    verw %cx
    setz %dh
    shl $16, %edx
    or %edx, %eax
    call puthex
    NL
.endr

    /* User mode through sysretq; the user program ends with syscall 99. */
    mov $0xc0000081, %ecx       /* STAR: kernel CS 0x08, user base 0x10 */
    xor %eax, %eax
    mov $0x00100008, %edx
    wrmsr
    mov $0xc0000082, %ecx       /* LSTAR */
    lea syscall_entry(%rip), %rax
    mov %rax, %rdx
    shr $32, %rdx
    wrmsr
    mov $0xc0000084, %ecx       /* FMASK: TF IF DF AC */
    mov $0x40700, %eax
    xor %edx, %edx
    wrmsr
    mov $0x174, %ecx            /* SYSENTER_CS, _ESP, _EIP */
    mov $0x08, %eax
    xor %edx, %edx
    wrmsr
    mov $0x175, %ecx
    mov $0x150800, %eax
    wrmsr
    mov $0x176, %ecx
    lea sysenter_entry(%rip), %rax
    mov %rax, %rdx
    shr $32, %rdx
    wrmsr
    xor %eax, %eax              /* FS: a null selector with a base (a 64-bit process's TLS) */
    mov %eax, %fs
    mov $0xc0000100, %ecx       /* FS_BASE: the user data page */
    mov $0x200000, %eax
    xor %edx, %edx
    wrmsr
    mov %rsp, KSAVE
    mov $0x201000, %rcx
    mov $0x202, %r11
    and $~0x200, %r11           /* interrupts stay off */
    mov $0x209000, %rsp
    sysretq
kernel_resume:
    mov KSAVE, %rsp
    PRINT "END"
    NL
1:  cli
    hlt
    jmp 1b

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
.macro UREC_AT label
    lea \label(%rip), %rax
    mov %rax, UREC
.endm
user_start:
    mov $1, %eax
    syscall
    UREC_AT 1f
    ud2                         /* #UD on IST1 */
1:  UREC_AT 1f
#if HW_ONLY /* QEMU 7.2 runs it as a mov: test_x86_jit, the interpreter against the JIT */
    .byte 0xc7, 0xc8, 0x78, 0x56, 0x34, 0x12 /* c7 /1 on a register: #UD, as hardware */
1:  UREC_AT 1f
#endif
    mov 0x205000, %eax          /* a supervisor page: #PF, user, present */
1:  int $0x80                   /* DPL 3 gate: RSP0 */
    UREC_AT 1f                  /* iretq to CPL 3 kept FS's base: 0x3333 from the data page */
    mov $0xdead, %eax
    mov %fs:0, %eax
1:  syscall
    UREC_AT 1f
    cli                         /* IOPL 0: #GP(0) */
1:  UREC_AT 1f
    mov %cr0, %rax              /* privileged: #GP(0) */
1:  UREC_AT 1f
    sysenter                    /* AMD's 64-bit mode (qemu64, max): #UD */
1:  mov $99, %eax               /* back to the kernel for good */
    syscall
user_end:

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
