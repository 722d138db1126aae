/*
 * One of each instruction group the disassembler knows (RV64GC, Zba/Zbb/Zbc/Zbs,
 * Zicsr/Zifencei), in the forms objdump prints as aliases and in the plain forms.
 * tests/functional/test_hmp.py (test_x_i_matches_objdump) loads it at 0x80000000 and
 * compares `xp/Ni` with `riscv64-linux-gnu-objdump -d`.
 */
    .option norvc
    .text
    .globl _start
_start:
    /* RV64I: upper immediates, jumps, branches */
    lui a0, 0x12345
    lui t6, 0xfffff
    auipc t0, 0
    auipc a1, 0x80000
    jal ra, _start
    jal zero, 1f
    jal a5, 1f
1:  jalr zero, 0(ra)
    jalr ra, 0(a0)
    jalr t0, 8(a1)
    jalr zero, 0(a2)
    jalr zero, 4(a2)
    jalr ra, -8(t1)
    jalr t0, 0(a1)
    beq a0, a1, 1b
    beq a0, zero, 1b
    bne a0, zero, 2f
    bne s0, s1, 2f
    blt a0, a1, 2f
    blt a0, zero, 2f
    blt zero, a0, 2f
    bge a0, a1, 1b
    bge a0, zero, 1b
    bge zero, a0, 1b
    bltu a0, a1, 2f
    bgeu a0, a1, 2f
2:  lb a0, 0(a1)
    lh a0, -2(a1)
    lw a0, 2047(sp)
    ld a0, -2048(s0)
    lbu a0, 1(a1)
    lhu a0, 2(a1)
    lwu a0, 4(a1)
    sb a0, 0(a1)
    sh a0, -2(a1)
    sw a0, 4(sp)
    sd ra, 8(sp)
    addi a0, a1, 1
    addi a0, a1, -1
    addi zero, zero, 0
    addi a0, zero, 5
    addi a0, zero, -2048
    addi a0, zero, 0
    addi a0, a1, 0
    slti a0, a1, 3
    sltiu a0, a1, 1
    sltiu a0, a1, 7
    xori a0, a1, -1
    xori a0, a1, 5
    ori a0, a1, 0x7f
    andi a0, a1, 0xff
    slli a0, a1, 3
    slli a0, a1, 63
    srli a0, a1, 32
    srai a0, a1, 1
    add a0, a1, a2
    sub a0, a1, a2
    sub a0, zero, a2
    sll a0, a1, a2
    slt a0, a1, a2
    slt a0, a1, zero
    slt a0, zero, a1
    sltu a0, a1, a2
    sltu a0, zero, a1
    xor a0, a1, a2
    srl a0, a1, a2
    sra a0, a1, a2
    or a0, a1, a2
    and a0, a1, a2
    addiw a0, a1, 1
    addiw a0, a1, 0
    slliw a0, a1, 31
    srliw a0, a1, 1
    sraiw a0, a1, 2
    addw a0, a1, a2
    subw a0, a1, a2
    subw a0, zero, a2
    sllw a0, a1, a2
    srlw a0, a1, a2
    sraw a0, a1, a2
    /* fences and system */
    fence
    fence rw, rw
    fence r, w
    fence io, iorw
    fence.tso
    fence.i
    ecall
    ebreak
    sret
    mret
    wfi
    sfence.vma
    sfence.vma a0
    sfence.vma a0, a1
    hfence.vvma
    hfence.vvma a0
    hfence.vvma a0, a1
    hfence.gvma
    hfence.gvma a0, a1
    hlv.b a0, (a1)
    hlv.bu a0, (a1)
    hlv.h a0, (a1)
    hlv.hu a0, (a1)
    hlvx.hu a0, (a1)
    hlv.w a0, (a1)
    hlv.wu a0, (a1)
    hlvx.wu a0, (a1)
    hlv.d a0, (a1)
    hsv.b a2, (a3)
    hsv.h a2, (a3)
    hsv.w a2, (a3)
    hsv.d a2, (a3)
    csrr a0, hstatus
    csrw vsatp, a1
    /* Zicsr */
    csrrw a0, mstatus, a1
    csrrw zero, mtvec, a1
    csrrs a0, mhartid, zero
    csrrs a0, mie, a1
    csrrs zero, mie, a1
    csrrc a0, mip, a1
    csrrc zero, sip, a1
    csrrwi a0, sstatus, 5
    csrrwi zero, satp, 0
    csrrsi zero, sie, 2
    csrrsi a0, sie, 2
    csrrci zero, mstatus, 8
    csrrci a0, mstatus, 8
    csrrs a0, cycle, zero
    csrrs a0, time, zero
    csrrs a0, instret, zero
    csrrs a0, fflags, zero
    csrrw a0, fflags, a1
    csrrs a0, frm, zero
    csrrw a0, frm, a1
    csrrs a0, fcsr, zero
    csrrw a0, fcsr, a1
    csrrw zero, fcsr, a1
    csrrs a0, 0x7c0, zero
    csrrs a0, medeleg, zero
    csrrs a0, mscratch, zero
    csrrs a0, mepc, zero
    csrrs a0, mcause, zero
    csrrs a0, mtval, zero
    csrrs a0, pmpcfg0, zero
    csrrs a0, pmpaddr0, zero
    csrrs a0, stvec, zero
    csrrs a0, sscratch, zero
    csrrs a0, sepc, zero
    csrrs a0, scause, zero
    csrrs a0, stval, zero
    csrrs a0, mcounteren, zero
    csrrs a0, scounteren, zero
    csrrs a0, mideleg, zero
    csrrs a0, misa, zero
    csrrs a0, menvcfg, zero
    csrrs a0, stimecmp, zero
    csrrwi a0, frm, 1
    csrrwi zero, fflags, 2
    csrrs a0, cycle, a1
    csrrs a0, mvendorid, zero
    csrrs a0, mcountinhibit, zero
    csrrs a0, mhpmcounter3, zero
    csrrs a0, mhpmevent31, zero
    csrrs a0, hpmcounter3, zero
    csrrs a0, tselect, zero
    csrrs a0, dpc, zero
    csrrs a0, pmpcfg2, zero
    csrrs a0, pmpaddr15, zero
    csrrs a0, 0x3ef, zero
    /* M */
    mul a0, a1, a2
    mulh a0, a1, a2
    mulhsu a0, a1, a2
    mulhu a0, a1, a2
    div a0, a1, a2
    divu a0, a1, a2
    rem a0, a1, a2
    remu a0, a1, a2
    mulw a0, a1, a2
    divw a0, a1, a2
    divuw a0, a1, a2
    remw a0, a1, a2
    remuw a0, a1, a2
    /* A */
    lr.w a0, (a1)
    lr.d.aq a0, (a1)
    sc.w a0, a2, (a1)
    sc.d.rl a0, a2, (a1)
    amoswap.w a0, a2, (a1)
    amoadd.d.aqrl a0, a2, (a1)
    amoxor.w.aq a0, a2, (a1)
    amoand.d a0, a2, (a1)
    amoor.w a0, a2, (a1)
    amomin.d a0, a2, (a1)
    amomax.w a0, a2, (a1)
    amominu.d a0, a2, (a1)
    amomaxu.w.rl a0, a2, (a1)
    /* F and D */
    flw fa0, 4(a0)
    fld fs0, -8(sp)
    fsw fa1, 0(a0)
    fsd fs1, 16(sp)
    fadd.s fa0, fa1, fa2
    fadd.s fa0, fa1, fa2, rtz
    fsub.d fa0, fa1, fa2, rne
    fmul.d fa0, fa1, fa2, rdn
    fdiv.s fa0, fa1, fa2, rup
    fdiv.d fa0, fa1, fa2, rmm
    fsqrt.s fa0, fa1
    fsqrt.d fa0, fa1, rtz
    fmadd.s fa0, fa1, fa2, fa3
    fmsub.d fa0, fa1, fa2, fa3, rtz
    fnmsub.s fa0, fa1, fa2, fa3
    fnmadd.d fa0, fa1, fa2, fa3
    fsgnj.s fa0, fa1, fa2
    fsgnj.d fa0, fa1, fa1
    fsgnjn.s fa0, fa1, fa2
    fsgnjn.d fa0, fa1, fa1
    fsgnjx.s fa0, fa1, fa2
    fsgnjx.d fa0, fa1, fa1
    fmin.s fa0, fa1, fa2
    fmax.d fa0, fa1, fa2
    fcvt.w.s a0, fa0
    fcvt.w.s a0, fa0, rtz
    fcvt.wu.d a0, fa0, rtz
    fcvt.l.s a0, fa0
    fcvt.lu.d a0, fa0, rne
    fcvt.s.w fa0, a0
    fcvt.d.w fa0, a0
    fcvt.s.l fa0, a0
    fcvt.d.lu fa0, a0
    fcvt.s.wu fa0, a0, rtz
    fcvt.s.d fa0, fa1
    fcvt.d.s fa0, fa1
    fmv.x.w a0, fa0
    fmv.w.x fa0, a0
    fmv.x.d a0, fa0
    fmv.d.x fa0, a0
    feq.s a0, fa0, fa1
    flt.d a0, fa0, fa1
    fle.s a0, fa0, fa1
    fclass.s a0, fa0
    fclass.d a0, fa1
    /* Zba */
    add.uw a0, a1, a2
    add.uw a0, a1, zero
    sh1add a0, a1, a2
    sh2add a0, a1, a2
    sh3add a0, a1, a2
    sh1add.uw a0, a1, a2
    sh2add.uw a0, a1, a2
    sh3add.uw a0, a1, a2
    slli.uw a0, a1, 5
    /* Zbb */
    andn a0, a1, a2
    orn a0, a1, a2
    xnor a0, a1, a2
    clz a0, a1
    clzw a0, a1
    ctz a0, a1
    ctzw a0, a1
    cpop a0, a1
    cpopw a0, a1
    max a0, a1, a2
    maxu a0, a1, a2
    min a0, a1, a2
    minu a0, a1, a2
    sext.b a0, a1
    sext.h a0, a1
    zext.h a0, a1
    rol a0, a1, a2
    rolw a0, a1, a2
    ror a0, a1, a2
    rorw a0, a1, a2
    rori a0, a1, 7
    roriw a0, a1, 7
    orc.b a0, a1
    rev8 a0, a1
    /* Zbc */
    clmul a0, a1, a2
    clmulh a0, a1, a2
    clmulr a0, a1, a2
    /* Zbs */
    bclr a0, a1, a2
    bclri a0, a1, 63
    bext a0, a1, a2
    bexti a0, a1, 3
    binv a0, a1, a2
    binvi a0, a1, 4
    bset a0, a1, a2
    bseti a0, a1, 5
    /* words no extension defines, and reserved forms */
    .insn 0xfffff07b
    .insn 0x0000108f
    .insn 0x0100000f
    .insn 0x0030000f
    .insn 0xc0001073

    /* C: every compressed form, printed as objdump expands it */
    .option rvc
c_start:
    c.addi4spn a0, sp, 16
    c.fld fa0, 8(a1)
    c.lw a0, 4(a1)
    c.ld a0, 8(a1)
    c.fsd fa0, 8(a1)
    c.sw a0, 4(a1)
    c.sd a0, 8(a1)
    c.nop
    c.addi a0, 1
    c.addi a0, -32
    c.addiw a0, 1
    c.addiw a0, 0
    c.li a0, 5
    c.li a0, -1
    c.addi16sp sp, -64
    c.addi16sp sp, 496
    c.lui a0, 1
    c.lui a0, 0xfffff
    c.srli a0, 3
    c.srai a0, 63
    c.andi a0, -1
    c.sub a0, a1
    c.xor a0, a1
    c.or a0, a1
    c.and a0, a1
    c.subw a0, a1
    c.addw a0, a1
    c.j c_start
    c.beqz a0, c_start
    c.bnez a0, c_end
    c.slli a0, 3
    c.fldsp fa0, 8(sp)
    c.lwsp a0, 4(sp)
    c.ldsp ra, 8(sp)
    c.jr ra
    c.jr a0
    c.mv a0, a1
    c.ebreak
    c.jalr a0
    c.add a0, a1
    c.fsdsp fa0, 8(sp)
    c.swsp a0, 4(sp)
    c.sdsp ra, 8(sp)
    .insn 0x0000
c_end:
    c.nop
