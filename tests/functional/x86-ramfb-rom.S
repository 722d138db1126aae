/*
 * A 64 KiB -bios image for test_ramfb.py: from the reset vector, in real mode, find the
 * fw_cfg file "etc/ramfb" (selector port 0x510, data port 0x511), draw a 64x48 XRGB8888
 * pattern at 0x10000, pixel (x, y) = (4x) << 16 | (5y) << 8 | (x ^ y), and point ramfb at it
 * with a fw_cfg DMA write (descriptor address to ports 0x514/0x518, big-endian). Then it
 * prints "RAMFB OK" (or "RAMFB ERR") on the debug console (port 0x402) and halts.
 * The same image runs on kestrel-x86_64 and qemu-system-x86_64 -M q35, which (unlike 7.2's
 * riscv virt) takes -device ramfb: their screendumps must agree.
 * Built by the test with as --32, ld -Ttext 0 and objcopy -O binary.
 */
.code16
.text
.globl _start
_start:
    cli
    xor %ax, %ax
    mov %ax, %ss
    mov %ax, %es
    mov $0x7000, %sp
    mov %cs, %ax
    mov %ax, %ds
    /* the directory: a big-endian count, then 64-byte entries (size, select, name) */
    mov $0x19, %ax
    mov $0x510, %dx
    outw %ax, %dx
    mov $0x511, %dx
    mov $0x500, %di
    mov $4, %cx
    rep insb
    mov %es:0x502, %bx
    xchg %bl, %bh           /* entries (fewer than 65536) */
1:  test %bx, %bx
    jz fail
    dec %bx
    mov $0x500, %di
    mov $64, %cx
    rep insb
    mov $name, %si
    mov $0x508, %di
    mov $10, %cx
    repe cmpsb
    jne 1b
    mov %es:0x504, %bx      /* its selector, big-endian */
    xchg %bl, %bh
    /* the configuration into RAM at 0x600 */
    mov $cfg, %si
    mov $0x600, %di
    mov $28, %cx
    rep movsb
    /* the DMA descriptor at 0x640: select + write, 28 bytes from 0x600 */
    mov %bx, %ax
    xchg %al, %ah
    mov %ax, %es:0x640
    movw $0x1800, %es:0x642
    movl $0x1c000000, %es:0x644
    movl $0, %es:0x648
    movl $0x00060000, %es:0x64c
    /* the pattern */
    push %es
    mov $0x1000, %ax
    mov %ax, %es
    xor %di, %di
    xor %dx, %dx            /* y */
2:  xor %cx, %cx            /* x */
3:  mov %cx, %ax
    shl $2, %ax
    movzbl %al, %eax
    shl $16, %eax
    mov %dx, %bx
    imul $5, %bx, %bx
    mov %bl, %ah
    mov %cl, %bl
    xor %dl, %bl
    mov %bl, %al
    stosl
    inc %cx
    cmp $64, %cx
    jb 3b
    inc %dx
    cmp $48, %dx
    jb 2b
    pop %es
    /* go: the descriptor's address, high half then low half (which starts the transfer) */
    xor %eax, %eax
    mov $0x514, %dx
    outl %eax, %dx
    mov $0x40060000, %eax   /* 0x640, big-endian */
    mov $0x518, %dx
    outl %eax, %dx
    mov %es:0x640, %eax     /* the control word: 0 once done without error */
    test %eax, %eax
    jnz fail
    mov $okmsg, %si
    jmp print
fail:
    mov $errmsg, %si
print:
    mov $0x402, %dx
3:  lodsb
    test %al, %al
    jz 4f
    outb %al, %dx
    jmp 3b
4:  hlt
    jmp 4b
name: .asciz "etc/ramfb"
okmsg: .asciz "RAMFB OK\n"
errmsg: .asciz "RAMFB ERR\n"
/* addr 0x10000, 'XR24', flags 0, 64 x 48, stride 256: all big-endian */
cfg: .byte 0,0,0,0, 0,1,0,0, 0x34,0x32,0x52,0x58, 0,0,0,0, 0,0,0,64, 0,0,0,48, 0,0,1,0
.org 0xfff0
    ljmp $0xf000, $_start
.org 0x10000
