/*
 * A 64 KiB firmware image (-bios) that exercises the q35 PC's timers and
 * power-off: from the reset vector into 32-bit protected mode, an IDT in RAM,
 * then
 *   1. the local APIC timer, periodic every 1 ms (vector 0x40), 5 interrupts;
 *   2. the HPET's timer 0 in legacy replacement mode, periodic every 1 ms:
 *      IRQ 0 -> I/O APIC pin 2 (edge, vector 0x41) -> APIC 0, 5 interrupts;
 *   3. the counts on the debug console (port 0x402): "LAPIC 5 HPET 5";
 *   4. S5 through the ICH9's ACPI PM block at PMBASE 0x600 (PM1a_CNT = 0x604,
 *      SLP_TYP 0 with SLP_EN): the emulator exits with status 0.
 * Built by tests/functional/test_x86_pc_timers.py with the host's as/ld:
 *   as --32 -o t.o timers.S && ld -m elf_i386 -Ttext 0 --oformat binary -o t.bin t.o
 */
        .equ ROM, 0xffff0000          /* where the image sits in 32-bit mode */
        .equ IDT, 0x1000
        .equ COUNT_LAPIC, 0x2000
        .equ COUNT_HPET, 0x2004
        .equ LAPIC, 0xfee00000
        .equ IOAPIC, 0xfec00000
        .equ HPET, 0xfed00000
        .equ DEBUGCON, 0x402

        .code16
        .text
        .globl _start
_start:
start16:
        cli
        xorw %ax, %ax
        movw %ax, %ss
        movw $0x7000, %sp
        lgdtl %cs:gdt_desc
        movl %cr0, %eax
        orl $1, %eax
        movl %eax, %cr0
        ljmpl $0x08, $(ROM + start32)

        .code32
start32:
        movw $0x10, %ax
        movw %ax, %ds
        movw %ax, %es
        movw %ax, %ss
        movl $0x7000, %esp
        /* The 8259s stay out of it. */
        movb $0xff, %al
        outb %al, $0x21
        outb %al, $0xa1
        movl $0, COUNT_LAPIC
        movl $0, COUNT_HPET
        movl $0x40, %eax
        movl $(ROM + isr_lapic), %ebx
        call set_gate
        movl $0x41, %eax
        movl $(ROM + isr_hpet), %ebx
        call set_gate
        movl $0xff, %eax
        movl $(ROM + isr_spurious), %ebx
        call set_gate
        lidtl ROM + idt_desc

        /* 1. LAPIC timer: enabled APIC, divide by 1, periodic, 1,000,000 bus ticks. */
        movl $0x1ff, LAPIC + 0xf0
        movl $0xb, LAPIC + 0x3e0
        movl $0x20040, LAPIC + 0x320
        movl $1000000, LAPIC + 0x380
        sti
1:      hlt
        cmpl $5, COUNT_LAPIC
        jb 1b
        cli
        movl $0x10040, LAPIC + 0x320        /* masked: no more */

        /* 2. HPET timer 0, legacy route, through I/O APIC pin 2. */
        movl $0x14, IOAPIC
        movl $0x41, IOAPIC + 0x10
        movl $0x15, IOAPIC
        movl $0, IOAPIC + 0x10
        movl $0x4c, HPET + 0x100            /* enable, periodic, value set */
        movl $0, HPET + 0x10c               /* comparator high half (value set clears) */
        movl $0x4c, HPET + 0x100
        movl $100000, HPET + 0x108          /* comparator: first match at 1 ms */
        movl $100000, HPET + 0x108          /* then the period: 1 ms */
        movl $3, HPET + 0x10                /* enable, legacy replacement */
        sti
2:      hlt
        cmpl $5, COUNT_HPET
        jb 2b
        cli
        movl $0, HPET + 0x10

        /* 3. Report. */
        movl $(ROM + msg_lapic), %esi
        call puts
        movl COUNT_LAPIC, %eax
        call putdigit
        movl $(ROM + msg_hpet), %esi
        call puts
        movl COUNT_HPET, %eax
        call putdigit
        movb $'\n', %al
        call putc

        /* 4. S5: PMBASE 0x600 and ACPI_EN in the LPC bridge (00:1f.0), then SLP_EN. */
        movw $0xcf8, %dx
        movl $0x8000f840, %eax
        outl %eax, %dx
        movw $0xcfc, %dx
        movl $0x601, %eax
        outl %eax, %dx
        movw $0xcf8, %dx
        movl $0x8000f844, %eax
        outl %eax, %dx
        movw $0xcfc, %dx
        movl $0x80, %eax
        outl %eax, %dx
        movw $0x604, %dx
        movw $0x2000, %ax
        outw %ax, %dx
3:      hlt                                 /* until the emulator has acted on S5 */
        jmp 3b

/* IDT entry %eax -> handler %ebx (32-bit interrupt gate, CS 0x08). */
set_gate:
        leal IDT(,%eax,8), %edi
        movw %bx, (%edi)
        movw $0x08, 2(%edi)
        movw $0x8e00, 4(%edi)
        shrl $16, %ebx
        movw %bx, 6(%edi)
        ret

putc:
        pushl %edx
        movw $DEBUGCON, %dx
        outb %al, %dx
        popl %edx
        ret

puts:
        lodsb
        testb %al, %al
        jz 1f
        call putc
        jmp puts
1:      ret

/* One decimal digit (the counts are 0..9; 9 is printed for more). */
putdigit:
        cmpl $9, %eax
        jbe 1f
        movl $9, %eax
1:      addb $'0', %al
        call putc
        ret

/* The counts stop at 5: the waits test them with interrupts on, so on a host that holds
 * the vCPU back past the next period, a sixth comes before the cli (QEMU printed "HPET 6"
 * once in a make check at load 3). Five is what the test asks of both emulators. */
isr_lapic:
        cmpl $5, COUNT_LAPIC
        jae 1f
        incl COUNT_LAPIC
1:      movl $0, LAPIC + 0xb0
        iret

isr_hpet:
        cmpl $5, COUNT_HPET
        jae 1f
        incl COUNT_HPET
1:      movl $0, LAPIC + 0xb0
        iret

isr_spurious:
        iret

msg_lapic:  .asciz "LAPIC "
msg_hpet:   .asciz " HPET "

        .balign 8
gdt:
        .quad 0
        .quad 0x00cf9b000000ffff      /* 0x08: flat 32-bit code */
        .quad 0x00cf93000000ffff      /* 0x10: flat data */
gdt_desc:
        .word gdt_desc - gdt - 1
        .long ROM + gdt
idt_desc:
        .word 256 * 8 - 1
        .long IDT

        .org 0xfff0
reset_vector:
        .code16
        ljmp $0xf000, $start16
        .org 0x10000
