/*
 * system.S, user mode: the kernel's entries from CPL 3 (int 0x80 through a DPL 3 gate,
 * syscall, sysenter), the switch to user mode through sysretq (STAR, LSTAR, FMASK, the
 * SYSENTER MSRs, a null FS with a base) and back (kernel_resume prints END), and the user
 * program (#UD on IST1, #PF and #GP from CPL 3, int 0x80, syscalls, sysenter's #UD).
 * The entries are code at this point of the image; ENTER_USER and USER_PROGRAM are macros
 * that system.S places where they were.
 */
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

/* The last check: to user mode and back for good (never returns). */
.macro ENTER_USER
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
.endm

/* The user program, copied to 0x301000 and run at VA 0x201000 (position-independent). */
.macro UREC_AT label
    lea \label(%rip), %rax
    mov %rax, UREC
.endm
.macro USER_PROGRAM
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
.endm
