/*
 * A 64 KiB -bios image for test_accel.py: port reads whose values must arrive
 * while timer interrupts keep kicking the vCPU. In real mode, from the reset
 * vector: the 8259 and PIT channel 0 give IRQ0 at ~1 kHz (a counter in RAM
 * counts them), then, until 500 have come (half a second of guest time), it
 * selects fw_cfg's signature (port 0x510) and reads its four bytes (port
 * 0x511), which must be "QEMU". Each IN lands in AL over the last one's byte,
 * so an IN whose value never arrived shows as the previous byte. Prints
 * "OK reads N" or "BAD byte B at read N", then END, on the debug console
 * (port 0x402). Ending on a tick count, not a read count, keeps the number of
 * interrupts (the kicks) the same on every host.
 * Built by the test with as --32, ld -Ttext 0 and objcopy -O binary.
 */
.equ TICKS_WANTED, 500
.equ TICKS, 0x500 /* the IRQ0 counter, in RAM at 0:0x500 */

.code16
.text
.globl _start
_start:
    cli
    xor %ax, %ax
    mov %ax, %ss
    mov $0x7000, %sp
    mov %cs, %ax
    mov %ax, %ds
    movl $0, %ss:TICKS
    movw $tick, %ss:0x20 /* vector 8 (IRQ0 once the 8259 is based at 8) */
    movw %cs, %ss:0x22
    /* 8259 master: ICW1 (edge, ICW4 follows), ICW2 vector base 8, ICW3, ICW4 8086 mode;
     * then mask everything but IRQ0. */
    mov $0x11, %al
    out %al, $0x20
    mov $0x08, %al
    out %al, $0x21
    mov $0x04, %al
    out %al, $0x21
    mov $0x01, %al
    out %al, $0x21
    mov $0xfe, %al
    out %al, $0x21
    /* PIT channel 0: rate generator (mode 2), divisor 1193 = 1 kHz */
    mov $0x34, %al
    out %al, $0x43
    mov $0xa9, %al
    out %al, $0x40
    mov $0x04, %al
    out %al, $0x40
    sti
    xor %ecx, %ecx
1:  mov $0x510, %dx
    xor %ax, %ax
    out %ax, %dx /* select key 0, the signature */
    inc %dx
    mov $sig, %si
    mov $4, %bx
2:  in %dx, %al
    cmp (%si), %al
    jne bad
    inc %si
    dec %bx
    jnz 2b
    inc %ecx
    cmpl $TICKS_WANTED, %ss:TICKS
    jb 1b
    cli
    mov $okmsg, %si
    call puts
    mov %ecx, %eax
    call hex
    jmp done
bad:
    cli
    push %ax
    mov $badmsg, %si
    call puts
    pop %ax
    movzx %al, %eax
    call hex
    mov $atmsg, %si
    call puts
    mov %ecx, %eax
    call hex
done:
    mov $endmsg, %si
    call puts
3:  hlt
    jmp 3b

tick:
    incl %ss:TICKS
    push %ax
    mov $0x20, %al
    out %al, $0x20 /* EOI */
    pop %ax
    iret

/* the NUL-terminated string at DS:SI to the debug console */
puts:
    mov $0x402, %dx
4:  lodsb
    test %al, %al
    jz 5f
    out %al, %dx
    jmp 4b
5:  ret

/* EAX in hex (8 digits) */
hex:
    mov $0x402, %dx
    mov $8, %cx
6:  rol $4, %eax
    mov %eax, %ebx
    and $15, %bx
    push %ax
    mov digits(%bx), %al
    out %al, %dx
    pop %ax
    loop 6b
    ret

digits: .ascii "0123456789abcdef"
sig: .ascii "QEMU"
okmsg: .asciz "OK reads "
badmsg: .asciz "BAD byte "
atmsg: .asciz " at read "
endmsg: .asciz "\nEND\n"
.org 0xfff0
    ljmp $0xf000, $_start
.org 0x10000
