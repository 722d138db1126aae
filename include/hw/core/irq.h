/*
 * Interrupt lines. A device raises or lowers an IRQState it was handed; it
 * never knows what is on the other end (a PLIC source, a hart's mip bit, a
 * gpio of another device). The board wires lines together.
 * All calls happen under the big lock (BQL).
 */
#ifndef HW_CORE_IRQ_H
#define HW_CORE_IRQ_H

#include "common.h"

typedef void (*IRQHandler)(void *opaque, int n, int level);

typedef struct IRQState {
    IRQHandler handler;
    void *opaque;
    int n;
} IRQState;

/* Drive the line; a NULL irq (not connected) is ignored. */
void irq_set(IRQState *irq, int level);
static inline void irq_raise(IRQState *irq)
{
    irq_set(irq, 1);
}
static inline void irq_lower(IRQState *irq)
{
    irq_set(irq, 0);
}
/* One line calling handler(opaque, n, level). Owned by the caller (irq_free). */
IRQState *irq_new(IRQHandler handler, void *opaque, int n);
/* An array of count lines numbered 0..count-1 (free with irq_free_array). */
IRQState **irq_new_array(IRQHandler handler, void *opaque, int count);
void irq_free(IRQState *irq);
void irq_free_array(IRQState **irqs, int count);

#endif
