/*
 * Choosing the accelerator (accel/accel-system.c), QEMU's configure_accelerators: the
 * names -accel, -enable-kvm or -machine accel=A:B give are tried in order, the first that
 * starts runs the machine; tcg when none is named.
 */
#ifndef SYSTEM_ACCEL_H
#define SYSTEM_ACCEL_H

#include "system/system.h"
#include "util/option.h"

#define MAX_ACCEL_CHOICES 8

typedef struct AccelChoices {
    int n;
    struct {
        char *name;
        char *opt; /* "-accel kvm" for error messages; NULL when it came from -machine */
    } c[MAX_ACCEL_CHOICES];
} AccelChoices;

/* The candidates, taking "accel" out of the merged -machine keys (it is no board property). */
bool accel_choices(const VLOptions *o, KeyValueList *machine_kv, AccelChoices *out, Error **errp);
/* Start the first candidate that works, after the board is built and before the vCPUs run;
 * each failure but the last is reported with "falling back to NEXT", as QEMU does. */
bool accel_start(const AccelChoices *choices, Error **errp);
void accel_choices_free(AccelChoices *choices);

#endif
