/*
 * Linux userland check of the V state across context switches (tests/functional/
 * test_vector.py, in the Debian trixie guest): N processes each fill v0-v31 with their own
 * pattern at their own vtype, then loop: spin without a system call (Linux discards the V
 * state at a syscall, by its ABI) long enough to be preempted now and then, check that every
 * register, vl and vtype still hold their values, and step the pattern. Built static with
 * -march=rv64gcv. Prints "vctx ok ..." with the involuntary context switches the workers
 * had, or "vctx FAIL ...", and exits 0 or 1.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define LOOPS 300
#define SPIN 20000

static unsigned long vlenb(void)
{
    unsigned long v;
    __asm__ volatile("csrr %0, vlenb" : "=r"(v));
    return v;
}

/* v0-v31 = 32 * vlenb bytes from buf (e8, m8 in four groups). */
static void load_all(const uint8_t *buf, unsigned long n)
{
    __asm__ volatile("vsetvli t0, zero, e8, m8, ta, ma\n"
                     "vle8.v v0, (%0)\n add %0, %0, %1\n"
                     "vle8.v v8, (%0)\n add %0, %0, %1\n"
                     "vle8.v v16, (%0)\n add %0, %0, %1\n"
                     "vle8.v v24, (%0)\n"
                     : "+r"(buf)
                     : "r"(n)
                     : "t0", "memory");
}

static void store_all(uint8_t *buf, unsigned long n)
{
    __asm__ volatile("vsetvli t0, zero, e8, m8, ta, ma\n"
                     "vse8.v v0, (%0)\n add %0, %0, %1\n"
                     "vse8.v v8, (%0)\n add %0, %0, %1\n"
                     "vse8.v v16, (%0)\n add %0, %0, %1\n"
                     "vse8.v v24, (%0)\n"
                     : "+r"(buf)
                     : "r"(n)
                     : "t0", "memory");
}

static int worker(int id)
{
    unsigned long n = 8 * vlenb(), vl, vtype, avl = 3 + id, want_vtype;
    uint8_t *pat = malloc(4 * n), *got = malloc(4 * n);

    for (unsigned long i = 0; i < 4 * n; i++) {
        pat[i] = (uint8_t)(i * 7 + id * 31);
    }
    for (int loop = 0; loop < LOOPS; loop++) {
        load_all(pat, n);
        /* a vtype of this process's own: e16/e32 alternating by id, vl = avl */
        if (id & 1) {
            __asm__ volatile("vsetvli %0, %1, e32, m2, tu, mu" : "=r"(vl) : "r"(avl));
        } else {
            __asm__ volatile("vsetvli %0, %1, e16, m1, ta, mu" : "=r"(vl) : "r"(avl));
        }
        __asm__ volatile("csrr %0, vtype" : "=r"(want_vtype));
        for (volatile int k = 0; k < SPIN; k++) {
        }
        __asm__ volatile("csrr %0, vl\n csrr %1, vtype" : "=r"(vl), "=r"(vtype));
        if (vl != avl || vtype != want_vtype) {
            printf("vctx FAIL %d: vl %lu vtype %lx, want %lu %lx\n", id, vl, vtype, avl, want_vtype);
            return 1;
        }
        store_all(got, n);
        for (unsigned long i = 0; i < 4 * n; i++) {
            if (got[i] != pat[i]) {
                printf("vctx FAIL %d: loop %d byte %lu: %02x, want %02x\n", id, loop, i, got[i],
                       pat[i]);
                return 1;
            }
            pat[i] += 1 + id;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    int procs = argc > 1 ? atoi(argv[1]) : 4, bad = 0, status;
    struct rusage ru;

    for (int id = 0; id < procs; id++) {
        if (fork() == 0) {
            _exit(worker(id));
        }
    }
    for (int id = 0; id < procs; id++) {
        wait(&status);
        bad |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    }
    getrusage(RUSAGE_CHILDREN, &ru);
    printf("vctx %s %d processes x %d loops, %ld involuntary switches\n", bad ? "FAIL" : "ok",
           procs, LOOPS, ru.ru_nivcsw);
    return bad;
}
