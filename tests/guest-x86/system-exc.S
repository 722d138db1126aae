/*
 * system.S, exceptions: the 32 stubs and the common handler (prints the vector, error code,
 * CS, SS, the frame and CR2, then resumes at the recovery rip of the interrupted privilege;
 * counts #DB single-steps), and the checks that raise or read what the CPU keeps: TF
 * single-step with DR6.BS, MSRs at reset, lar/lsl/verr/verw. The checks are macros that
 * start64 (system.S) invokes in its order, so the image's layout stays as it was.
 */
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

/* TF: three single-step traps, then DR6. */
.macro CHECK_TF
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
.endm

/* MSRs at reset; lar/lsl/verr/verw of each kind of selector. */
.macro CHECK_MSR_SEG
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
.endm
