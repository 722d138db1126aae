/*
 * The option handlers system/options.c's table names from the files it is split into.
 * Each parses one option's argument into VLOptions, or fails with an Error naming it.
 */
#ifndef SYSTEM_OPTIONS_INTERNAL_H
#define SYSTEM_OPTIONS_INTERNAL_H

#include "system/system.h"

/* system/options-machine.c */
bool opt_memory(VLOptions *o, const char *opt, const char *arg, Error **errp);
bool opt_smp(VLOptions *o, const char *opt, const char *arg, Error **errp);
bool opt_accel(VLOptions *o, const char *opt, const char *arg, Error **errp);
bool opt_enable_kvm(VLOptions *o, const char *opt, const char *arg, Error **errp);

#endif
