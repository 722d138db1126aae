/*
 * system.S, the JIT's ALU and flags: mix folds ALU results and lazy flags of each kind,
 * read by all sixteen jcc conditions, the register forms of jit-alu.c (mix_regs) and the
 * inline memory forms of jit-mem.c (MEMMIX) into one checksum over 300 random rounds, so
 * the JIT, the interpreter and QEMU must agree on a single "mix" line.
 */
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
