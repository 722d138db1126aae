/*
 * system.S, the JIT's memory forms and code in RAM: a fault in each inline memory form
 * (MFAULT) and in read-modify-writes whose store faults (RFAULT) is precise; stores into
 * code that ran (smc, smc64), rep movs/stos faults, overlaps and copies (rep_tests), an
 * instruction across two pages (xpage_tests), side exits in and out of the page
 * (side_tests). Subroutines are code at this point of the image; MEM_FAULTS, RMW_FAULTS
 * and SMC_STORES are macros that start64 (system.S) invokes in its order.
 */
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

/* Faults in the inline memory forms, GS-based ones too. */
.macro MEM_FAULTS
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
.endm

/* Read-modify-writes whose store faults. */
.macro RMW_FAULTS
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
.endm

/* The memory forms' stores into code that ran. */
.macro SMC_STORES
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
.endm
