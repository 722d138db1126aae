/*
 * Self-modifying code, a bare-metal -bios image (64 KiB at 0xffff0000) in real mode:
 * copies a payload to RAM at 0x10000 (segment 0x1000) and runs it there. The payload
 * patches an instruction and then executes it: the next instruction of the same block,
 * a routine that ran (and was translated) before, and an instruction that straddles a
 * page boundary, patched once in its second page and once in its first. Each result goes
 * to the debug console (port 0x402). tests/functional/test_x86_smc.py compares the log
 * with qemu-system-x86_64's and with the values x86 requires (a store to code is seen by
 * the very next instruction fetched).
 */
    .set SEG, 0x1000
    .text
    .code16
payload:
    mov %cs, %ax
    mov %ax, %ds
    movb $0x42, (p1 + 1 - payload) /* same block: the immediate of the next instruction */
p1: mov $0x11, %al
    call puthex8
    call sub2                      /* another block, translated before it is patched */
    call puthex8
    movb $0x77, (sub2 + 1 - payload)
    call sub2
    call puthex8
    call cross                     /* an instruction across a page boundary */
    call puthex32
    movw $0x1234, (cross + 4 - payload) /* its bytes in the second page */
    call cross
    call puthex32
    movw $0x5678, (cross + 2 - payload) /* and in the first */
    call cross
    call puthex32
    mov $'E', %al
    call putc
    mov $'N', %al
    call putc
    mov $'D', %al
    call putc
    mov $'\n', %al
    call putc
1:  hlt
    jmp 1b

sub2:
    mov $0x11, %al
    ret

putc:
    push %dx
    mov $0x402, %dx
    out %al, %dx
    pop %dx
    ret
hexdigit:                          /* low nibble of al */
    and $15, %al
    cmp $10, %al
    jb 1f
    add $('a' - '0' - 10), %al
1:  add $'0', %al
    jmp putc
puthex8:                           /* al, then a newline */
    push %ax
    shr $4, %al
    call hexdigit
    pop %ax
    call hexdigit
    mov $'\n', %al
    jmp putc
puthex32:                          /* eax, then a newline */
    push %ecx
    push %ebx
    mov %eax, %ebx
    mov $8, %cx
1:  rol $4, %ebx
    mov %bl, %al
    call hexdigit
    loop 1b
    mov $'\n', %al
    call putc
    pop %ebx
    pop %ecx
    ret

    .org payload + 0xffc           /* mov $imm32, %eax: bytes 0xffc..0x1001 */
cross:
    mov $0xaabbccdd, %eax
    ret
payload_end:

/* ---- the reset vector's target: copy the payload to RAM and jump to it ---- */
    .org 0xfe00
start16:
    cli
    xor %ax, %ax
    mov %ax, %ss
    mov $0x7000, %sp
    mov $SEG, %ax
    mov %ax, %es
    mov $(payload - payload), %si  /* CS's base is still 0xffff0000: a cs: source */
    xor %di, %di
    mov $(payload_end - payload), %cx
    cld
    rep movsb %cs:(%si), %es:(%di)
    ljmp $SEG, $0

    .org 0xfff0
    jmp start16
    .org 0x10000
