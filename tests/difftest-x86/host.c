/*
 * Run a stream natively on the host CPU (host.h). The stream's pages are mapped at the
 * addresses the guest sees them at (gen.h), so its absolute, rip-relative and register
 * addresses mean the same here. A stub loads all sixteen registers (rsp too) and the flags
 * and jumps to XG_CODE; at XG_END, where the guest halts, an epilogue stores them back
 * without touching the stack (the guest's: what lies below rsp is compared too) and returns
 * to the caller on its own stack. A stream that faults is left through a signal handler,
 * which keeps the registers of the signal's context (the CPU's state at the exception).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "host.h"

#define PAGE 0x1000
#define MAP_LEN (XG_WINDOW + XG_WINDOW_SIZE - XG_BASE)

typedef struct HostState {
    uint64_t regs[16];
    uint64_t flags; /* at byte 128: written as ah (lahf) and al (seto) */
    uint64_t host_rsp;
} HostState;

static HostState hs;
static uint8_t *stub;
static sigjmp_buf fault_jmp;
static volatile sig_atomic_t fault_sig;
static greg_t fault_regs[NGREG];

static uint8_t *emit(uint8_t *p, const void *b, size_t n)
{
    memcpy(p, b, n);
    return p + n;
}

static uint8_t *emit_movabs_rax(uint8_t *p, const void *addr)
{
    uint64_t a = (uintptr_t)addr;
    *p++ = 0x48;
    *p++ = 0xb8;
    return emit(p, &a, 8);
}

/* mov r64, [rax + 8 * r] (load) or mov [rax + 8 * r], r64 */
static uint8_t *emit_reg_slot(uint8_t *p, int r, bool store)
{
    *p++ = 0x48 | (r & 8 ? 4 : 0);
    *p++ = store ? 0x89 : 0x8b;
    *p++ = 0x40 | (r & 7) << 3;
    *p++ = (uint8_t)(8 * r);
    return p;
}

static void build_entry(uint8_t *p)
{
    static const uint8_t save[] = {0x53, 0x55, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57};
    static const uint8_t jmp_abs[] = {0xff, 0x25, 0, 0, 0, 0};
    const uint64_t code = XG_CODE;

    p = emit(p, save, sizeof(save));
    p = emit_movabs_rax(p, &hs.host_rsp);
    p = emit(p, (const uint8_t[]){0x48, 0x89, 0x20}, 3); /* mov [rax], rsp */
    p = emit_movabs_rax(p, &hs.flags);
    p = emit(p, (const uint8_t[]){0xff, 0x30, 0x9d}, 3); /* push qword [rax]; popfq */
    p = emit_movabs_rax(p, hs.regs);
    for (int r = 1; r < 16; r++) {
        p = emit_reg_slot(p, r, false);
    }
    p = emit(p, (const uint8_t[]){0x48, 0x8b, 0x00}, 3); /* mov rax, [rax] */
    p = emit(p, jmp_abs, sizeof(jmp_abs));               /* jmp [rip]: XG_CODE */
    emit(p, &code, 8);
}

static void build_exit(uint8_t *p)
{
    static const uint8_t restore[] = {0x41, 0x5f, 0x41, 0x5e, 0x41, 0x5d,
                                      0x41, 0x5c, 0x5d, 0x5b, 0xc3};
    uint64_t slot0 = (uintptr_t)hs.regs;

    p = emit(p, (const uint8_t[]){0x48, 0xa3}, 2); /* mov [moffs64], rax */
    p = emit(p, &slot0, 8);
    p = emit_movabs_rax(p, hs.regs);
    for (int r = 1; r < 16; r++) {
        p = emit_reg_slot(p, r, true);
    }
    p = emit(p, (const uint8_t[]){0x48, 0x89, 0xc1}, 3);               /* mov rcx, rax */
    p = emit(p, (const uint8_t[]){0x9f, 0x0f, 0x90, 0xc0}, 4);         /* lahf; seto al */
    p = emit(p, (const uint8_t[]){0x66, 0x89, 0x81, 128, 0, 0, 0}, 7); /* mov [rcx+128], ax */
    p = emit(p, (const uint8_t[]){0x48, 0x8b, 0xa1, 136, 0, 0, 0}, 7); /* mov rsp, [rcx+136] */
    emit(p, restore, sizeof(restore));
}

static void on_fault(int sig, siginfo_t *info, void *context)
{
    const ucontext_t *uc = context;

    memcpy(fault_regs, uc->uc_mcontext.gregs, sizeof(fault_regs));
    fault_sig = sig;
    siglongjmp(fault_jmp, 1);
}

/* The stream's state at the fault, from the signal's context. */
static void fault_state(HostRegs *regs, HostFault *fault)
{
    static const int slot[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP,
                                 REG_RSI, REG_RDI, REG_R8,  REG_R9,  REG_R10, REG_R11,
                                 REG_R12, REG_R13, REG_R14, REG_R15};

    for (int i = 0; i < 16; i++) {
        regs->r[i] = (uint64_t)fault_regs[slot[i]];
    }
    regs->flags = (uint64_t)fault_regs[REG_EFL] & HOST_ARITH_FLAGS;
    fault->vector = (int)fault_regs[REG_TRAPNO];
    fault->rip = (uint64_t)fault_regs[REG_RIP];
    fault->err = (uint64_t)fault_regs[REG_ERR];
    fault->cr2 = (uint64_t)fault_regs[REG_CR2];
}

bool host_init(void)
{
    uint8_t *m = mmap((void *)XG_BASE, MAP_LEN, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    static uint8_t alt[64 * 1024];
    stack_t ss = {.ss_sp = alt, .ss_size = sizeof(alt)};

    if (m != (uint8_t *)XG_BASE) {
        fprintf(stderr, "difftest-x86: cannot map the stream's pages at 0x%llx: %m\n",
                (unsigned long long)XG_BASE);
        return false;
    }
    stub = mmap(NULL, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (stub == MAP_FAILED) {
        return false;
    }
    build_entry(stub);
    build_exit(m + (XG_END - XG_BASE));
    mprotect(m, PAGE, PROT_READ | PROT_EXEC);
    mprotect(m + PAGE, XG_CODE - XG_BASE - PAGE, PROT_NONE);
    mprotect(m + (XG_CODE - XG_BASE), XG_CODE_MAX, PROT_READ | PROT_WRITE | PROT_EXEC);
    mprotect(m + (XG_CODE + XG_CODE_MAX - XG_BASE), XG_STACK - XG_CODE - XG_CODE_MAX, PROT_NONE);
    mprotect(m + (XG_STACK + XG_STACK_SIZE - XG_BASE), XG_WINDOW - XG_STACK - XG_STACK_SIZE,
             PROT_NONE);
    sigaltstack(&ss, NULL);
    return true;
}

int host_run(const uint8_t *code, const uint8_t *stack, const uint8_t *window, HostRegs *regs,
             HostFault *fault)
{
    uint8_t *w = (uint8_t *)XG_WINDOW;
    static const int faults[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};
    struct sigaction sa = {.sa_sigaction = on_fault,
                           .sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER};
    struct sigaction old_sa[4];
    sigset_t all, old;

    memcpy((void *)XG_CODE, code, XG_CODE_MAX);
    __builtin___clear_cache((char *)XG_CODE, (char *)XG_CODE + XG_CODE_MAX);
    memcpy((void *)XG_STACK, stack, XG_STACK_SIZE);
    mprotect(w, XG_WINDOW_SIZE, PROT_READ | PROT_WRITE);
    memcpy(w, window, 3 * PAGE);
    mprotect(w + 2 * PAGE, PAGE, PROT_READ);
    mprotect(w + 3 * PAGE, PAGE, PROT_NONE);
    memcpy(hs.regs, regs->r, sizeof(hs.regs));
    hs.flags = regs->flags;
    /* Asynchronous signals would be delivered on the guest's stack: none now. */
    sigfillset(&all);
    /* Only around the native run: elsewhere a fault is the test's own, to crash on. */
    for (int i = 0; i < 4; i++) {
        sigdelset(&all, faults[i]);
        sigaction(faults[i], &sa, &old_sa[i]);
    }
    pthread_sigmask(SIG_BLOCK, &all, &old);
    fault_sig = 0;
    if (!sigsetjmp(fault_jmp, 0)) {
        ((void (*)(void))stub)();
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    for (int i = 0; i < 4; i++) {
        sigaction(faults[i], &old_sa[i], NULL);
    }
    if (fault_sig) {
        fault_state(regs, fault);
        return fault_sig;
    }
    memcpy(regs->r, hs.regs, sizeof(hs.regs));
    regs->flags = (hs.flags >> 8 & 0xd5) | (hs.flags & 1 ? 0x800 : 0);
    return 0;
}

const uint8_t *host_window(void)
{
    mprotect((void *)(XG_WINDOW + 2 * PAGE), PAGE, PROT_READ);
    return (const uint8_t *)XG_WINDOW;
}

const uint8_t *host_stack(void)
{
    return (const uint8_t *)XG_STACK;
}

const uint8_t *host_code(void)
{
    return (const uint8_t *)XG_CODE;
}
