/*
 * Interrupt lines (include/hw/core/irq.h): a line is a handler plus the
 * opaque pointer and line number it is called with. Driving a line calls the
 * handler directly; the board decides what sits at the other end.
 */
#include "hw/core/irq.h"

void irq_set(IRQState *irq, int level)
{
    /* An unconnected output is legal (a board may leave a line unwired). */
    if (irq) {
        irq->handler(irq->opaque, irq->n, level);
    }
}

IRQState *irq_new(IRQHandler handler, void *opaque, int n)
{
    IRQState *irq = xzalloc(sizeof(*irq));

    irq->handler = handler;
    irq->opaque = opaque;
    irq->n = n;
    return irq;
}

IRQState **irq_new_array(IRQHandler handler, void *opaque, int count)
{
    IRQState **irqs = xnew0(IRQState *, count);

    for (int i = 0; i < count; i++) {
        irqs[i] = irq_new(handler, opaque, i);
    }
    return irqs;
}

void irq_free(IRQState *irq)
{
    free(irq);
}

void irq_free_array(IRQState **irqs, int count)
{
    if (!irqs) {
        return;
    }
    for (int i = 0; i < count; i++) {
        irq_free(irqs[i]);
    }
    free(irqs);
}
