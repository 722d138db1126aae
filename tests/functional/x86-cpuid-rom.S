/*
 * A 64 KiB -bios image for test_x86_cpu.py: from the reset vector, in real
 * mode, run cpuid for each (leaf, subleaf) of the list and print "leaf sub
 * EAX EBX ECX EDX" in hex on the debug console (port 0x402), then "END".
 * Built by the test with as --32, ld -Ttext 0 and objcopy -O binary.
 */
.code16
.text
.globl _start
_start:
    cli
    mov %cs, %ax
    mov %ax, %ds
    mov $0x402, %dx
    mov $leaves, %si
1:  mov (%si), %eax
    cmp $0xffffffff, %eax
    je 9f
    mov 4(%si), %ecx
    push %si
    cpuid
    push %edx
    push %ecx
    push %ebx
    push %eax
    mov %sp, %bp
    mov 16(%bp), %si
    mov (%si), %eax
    call hex
    mov 4(%si), %eax
    call hex
    mov $4, %di
2:  pop %eax
    call hex
    dec %di
    jnz 2b
    mov $10, %al
    mov $0x402, %dx
    outb %al, %dx
    pop %si
    add $8, %si
    jmp 1b
9:  mov $endmsg, %si
3:  lodsb
    test %al, %al
    jz 4f
    outb %al, %dx
    jmp 3b
4:  hlt
    jmp 4b
hex:
    mov $8, %cx
5:  rol $4, %eax
    mov %eax, %ebx
    and $15, %bx
    push %ax
    mov digits(%bx), %al
    mov $0x402, %dx
    outb %al, %dx
    pop %ax
    loop 5b
    push %ax
    mov $32, %al
    outb %al, %dx
    pop %ax
    ret
digits: .ascii "0123456789abcdef"
endmsg: .asciz "END\n"
.align 4
leaves:
.long 0,0, 1,0, 2,0, 4,0, 5,0, 7,0, 0xb,0, 0xd,0, 0xd,1, 0x40000000,0, 0x80000000,0, 0x80000001,0, 0x80000002,0, 0x80000003,0, 0x80000004,0, 0x80000005,0, 0x80000006,0, 0x80000008,0, 0x8000000a,0, 0x14,0, 0xffffffff
.org 0xfff0
    ljmp $0xf000, $_start
.org 0x10000
