/*
 * Library of the multi-hart guest programs (tests/guest-smp).
 *
 * A program defines hart_main(hartid), which every hart runs once the
 * library has counted the harts (cpu nodes of the FDT) into smp_num_harts.
 * Hart 0's return value ends the run: 0 passes, anything else fails with that
 * code (sifive_test, as tests/guest/lib/test.h). The other harts park when
 * their hart_main returns. CHECK/CHECK_EQ and uart_printf of test.h work from
 * any hart; smp_lock()/smp_unlock() keep lines from interleaving.
 */
#ifndef GUEST_SMP_H
#define GUEST_SMP_H

#include "test.h"

#define SMP_MAX_HARTS 8

extern unsigned smp_num_harts;

int hart_main(unsigned hartid);

/* Wait until every hart has called it (sense-reversing, reusable). */
void smp_barrier(void);
/* A test-and-set lock on amoswap.w.aq; released with a store-release. */
void smp_lock(volatile int *lock);
void smp_unlock(volatile int *lock);
/* Serialises UART output between harts. */
extern volatile int smp_print_lock;

/* The CLINT's msip register of a hart: 1 raises its machine software interrupt. */
static inline void smp_send_ipi(unsigned hartid)
{
    mmio_write32(CLINT_MSIP + 4 * hartid, 1);
}
static inline void smp_clear_ipi(unsigned hartid)
{
    mmio_write32(CLINT_MSIP + 4 * hartid, 0);
}

static inline unsigned smp_hartid(void)
{
    return (unsigned)csr_read(mhartid);
}

#endif
