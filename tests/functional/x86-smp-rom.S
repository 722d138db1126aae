/*
 * A 64 KiB -bios image for test_accel.py, run with -smp 2: the BSP starts the AP with
 * INIT and a start-up IPI, then sends it an NMI, through its local APIC's ICR (SDM Vol. 3A
 * 9.4.4, 10.6.1). The SIPI's vector 0xf0 starts the AP in real mode at 0xf0000, this
 * ROM's first byte (CS 0xf000, IP 0), where it writes AP_MAGIC to RAM and halts; its NMI
 * handler (vector 2 of the real-mode IVT) counts NMIs. The BSP reaches the APIC at
 * 0xfee00000 from flat 32-bit protected mode, and prints on the debug console (port
 * 0x402) "OK ap" once the AP has written its word, "OK nmi" once its handler ran, then
 * END; it waits for each as long as it takes (the test's timeout is the hang guard). An
 * AP let run before its SIPI starts at the reset vector as the BSP does, finds the BSP
 * flag of IA32_APIC_BASE clear, and prints "BAD early".
 * Built by the test with as --32, ld -Ttext 0 and objcopy -O binary.
 */
.equ ROM_BASE, 0xf0000
.equ AP_FLAG, 0x600  /* the AP writes AP_MAGIC here */
.equ NMI_COUNT, 0x604
.equ AP_MAGIC, 0x41504f4b
.equ APIC_ICR_LO, 0xfee00300
.equ APIC_ICR_HI, 0xfee00310

.code16
.text
.globl _start
_start: /* the AP, from its start-up IPI */
    cli
    xor %ax, %ax
    mov %ax, %ds
    mov %ax, %ss
    mov $0x6000, %sp
    movl $AP_MAGIC, AP_FLAG
1:  hlt
    jmp 1b

ap_nmi:
    incl %ss:NMI_COUNT
    iret

reset: /* from the reset vector: the BSP, or an AP that was let run before its SIPI */
    cli
    xor %ax, %ax
    mov %ax, %ds
    mov %ax, %ss
    mov $0x7000, %sp
    mov $0x1b, %ecx /* IA32_APIC_BASE: bit 8, this is the BSP */
    rdmsr
    test $0x100, %eax
    jz early
    movl $0, AP_FLAG
    movl $0, NMI_COUNT
    movw $ap_nmi, 0x8 /* IVT vector 2 */
    movw $0xf000, 0xa
    lgdtl %cs:gdtr
    mov %cr0, %eax
    or $1, %eax
    mov %eax, %cr0
    ljmpl $0x08, $pm32
early: /* an AP from the reset vector: it ran without a SIPI */
    mov $badearly, %si
    mov $0x402, %dx
8:  lodsb %cs:(%si), %al
    test %al, %al
    jz 2f
    out %al, %dx
    jmp 8b
2:  hlt
    jmp 2b

.code32
pm32: /* CS base ROM_BASE, so offsets stay as linked; DS, ES and SS flat */
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov $0x7000, %esp
    mov $0x00004500, %eax /* INIT, level assert */
    call send_ipi
    mov $0x000046f0, %eax /* start-up, vector 0xf0 */
    call send_ipi
    mov $AP_FLAG, %edi
    mov $AP_MAGIC, %ebx
    call wait_for
    mov $ROM_BASE + okap, %esi
    call puts
    mov $0x00004400, %eax /* NMI */
    call send_ipi
    mov $NMI_COUNT, %edi
    mov $1, %ebx
    call wait_for
    mov $ROM_BASE + oknmi, %esi
    call puts
    mov $ROM_BASE + endmsg, %esi
    call puts
3:  hlt
    jmp 3b

/* EAX: ICR low word of an IPI to APIC ID 1 */
send_ipi:
    movl $0x01000000, APIC_ICR_HI
    mov %eax, APIC_ICR_LO
    ret

/* Until [EDI] == EBX */
wait_for:
    pause
    cmp %ebx, (%edi)
    jne wait_for
    ret

/* the NUL-terminated string at ESI to the debug console */
puts:
    mov $0x402, %dx
6:  lodsb
    test %al, %al
    jz 7f
    out %al, %dx
    jmp 6b
7:  ret

.p2align 3
gdt:
    .quad 0
    .quad 0x00cf9a0f0000ffff /* 0x08: code, base 0xf0000, 4 GiB, 32-bit */
    .quad 0x00cf92000000ffff /* 0x10: data, base 0, 4 GiB */
gdtr:
    .word gdtr - gdt - 1
    .long ROM_BASE + gdt

okap: .asciz "OK ap\n"
oknmi: .asciz "OK nmi\n"
badearly: .asciz "BAD early\n"
endmsg: .asciz "END\n"
.code16
.org 0xfff0
    ljmp $0xf000, $reset
.org 0x10000
